/* Readiness rules of the metrics endpoint. */
#include "test.h"

#include "common/metrics.h"

TEST(ready_condition_reported_with_a_validity_expires_without_a_new_report)
{
    /* set with ne_metrics_set_ready: no expiry */
    CHECK(ne_ready_holds(1, 0, 1000000));
    CHECK(!ne_ready_holds(0, 0, 1000000));
    /* reported "up" at t=1000 for 5000 ms */
    CHECK(ne_ready_holds(1, 6000, 1000));
    CHECK(ne_ready_holds(1, 6000, 5999));
    CHECK(!ne_ready_holds(1, 6000, 6000));   /* stale: no report since */
    CHECK(!ne_ready_holds(1, 6000, 60000));
    CHECK(!ne_ready_holds(0, 6000, 1000));   /* reported "down" */
}

TEST(metrics_render_readiness_as_gauges_prometheus_can_alert_on)
{
    ne_metrics *m = ne_metrics_new();
    nebuf b = {0};
    ne_metrics_render(m, &b);   /* nothing reported yet: not ready */
    CHECK(strstr(b.p, "\nnewsenrich_ready 0\n") != NULL);
    CHECK(strstr(b.p, "newsenrich_ready_condition{condition=\"assigned\"} 0\n") != NULL);
    nebuf_free(&b);

    ne_metrics_set_ready(m, NE_READY_ASSIGNED, 1);
    ne_metrics_set_ready(m, NE_READY_STATE, 1);
    ne_metrics_set_ready_for(m, NE_READY_BROKER, 1, 60000);
    ne_metrics_render(m, &b);
    CHECK(strstr(b.p, "\nnewsenrich_ready 1\n") != NULL);
    CHECK(strstr(b.p, "newsenrich_ready_condition{condition=\"broker\"} 1\n") != NULL);
    nebuf_free(&b);

    ne_metrics_set_ready(m, NE_READY_BROKER, 0);   /* the broker is gone: /readyz says 503 */
    ne_metrics_render(m, &b);
    CHECK(strstr(b.p, "\nnewsenrich_ready 0\n") != NULL);
    CHECK(strstr(b.p, "newsenrich_ready_condition{condition=\"broker\"} 0\n") != NULL);
    CHECK(strstr(b.p, "newsenrich_ready_condition{condition=\"state\"} 1\n") != NULL);
    nebuf_free(&b);
    ne_metrics_free(m);
}
