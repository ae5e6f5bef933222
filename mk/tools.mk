# Test helpers: ktool, a small librdkafka client (tests/tools/ktool.c).
# The broker itself comes from scripts/kafka-broker.sh (fetched on first use).

KTOOL := $(BUILD)/ktool

tools: $(KTOOL)

$(KTOOL): tests/tools/ktool.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@ $(LDLIBS)

-include $(KTOOL).d
