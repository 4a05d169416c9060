# SPDX-License-Identifier: MIT
# The per-pCPU software timer queues (common/timer.c), with the arch hooks
# recorded by the test.
UNIT_TESTS += test_timer
test_timer_SRCS := test/unit/test_timer.c common/timer.c
