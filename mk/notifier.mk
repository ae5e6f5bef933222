# notifier.mk — the webhook notifier's extra targets (notifier/).
#
#   make bench-webhooks   deliveries/s from Kafka (librdkafka's in-process
#                         mock cluster) through the notifier to a local
#                         receiver that verifies every signature, and the
#                         latency from alert produced to webhook received
#                         (p50/p90/p99). BENCH_WEBHOOKS_ARGS passes options
#                         to tools/bench_webhooks.c (see its header).

BENCH_WEBHOOKS := $(BUILD)/bench_webhooks

.PHONY: bench-webhooks

tools: $(BENCH_WEBHOOKS)

$(BENCH_WEBHOOKS): $(BUILD)/tools/bench_webhooks.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

bench-webhooks: $(BENCH_WEBHOOKS)
	$(BENCH_WEBHOOKS) $(BENCH_WEBHOOKS_ARGS)

-include $(BUILD)/tools/bench_webhooks.d
