# SPDX-License-Identifier: MIT
# The scheduler core and the credit policy (sched/), by hand and through a
# discrete-event simulation of pCPUs and vCPUs (sched_sim.c). cmdline.c and
# lib_renamed.c bring the command-line options the scheduler registers.
UNIT_TESTS += test_sched
test_sched_SRCS := test/unit/test_sched.c test/unit/sched_sim.c sched/core.c \
	sched/credit.c common/cmdline.c test/unit/lib_renamed.c
$(B)/unit/test_sched: test/unit/sched_sim.h sched/policy.h common/string.c \
	common/vsnprintf.c test/unit/lib_rename.h
