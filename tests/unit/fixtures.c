#include "tests/unit/fixtures.h"

const char NE_TEST_WIRE_STORY[] =
    "TOWER SAYS SENATE PANEL TO HOLD ARMS HEARINGS\n"
    "    WASHINGTON, March 2 - The Armed Services panel chairman, Sen. John\n"
    "Tower, said on Monday that the administration had failed to explain its\n"
    "arms control policy to Congress and that the committee would hold\n"
    "hearings next week.\n"
    "    \"We have asked the White House for the documents three times and we\n"
    "have received nothing that would let us judge the decision,\" Tower told\n"
    "reporters after a closed meeting of the committee.\n"
    "    Tower said the hearings would begin on Tuesday and would last at\n"
    "least two days, with officials from the State and Defense departments\n"
    "expected to testify.\n"
    "    The White House declined to comment.";
