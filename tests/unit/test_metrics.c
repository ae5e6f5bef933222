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
