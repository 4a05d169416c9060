# SPDX-License-Identifier: MIT
# A vCPU's guest timers and set_timer_op (common/vcpu_timer.c) on the real
# timer queues (common/timer.c), with system time and VIRQ delivery faked.
UNIT_TESTS += test_vcpu_timer
test_vcpu_timer_SRCS := test/unit/test_vcpu_timer.c common/vcpu_timer.c common/timer.c
$(B)/unit/test_vcpu_timer: include/petrel/time.h
