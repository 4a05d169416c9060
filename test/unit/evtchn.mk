# SPDX-License-Identifier: MIT
# Event channels, SCHEDOP_block/poll and HVM params (common/event_channel.c,
# evtchn_op.c, sched_poll.c, sched_op.c, hvm_op.c) through their hypercall
# entry points, with the real timer queue for the poll timeout.
UNIT_TESTS += test_evtchn
test_evtchn_SRCS := test/unit/test_evtchn.c common/event_channel.c common/evtchn_op.c \
	common/sched_poll.c common/sched_op.c common/hvm_op.c common/timer.c
$(B)/unit/test_evtchn: common/evtchn_private.h include/public/event_channel.h \
	include/public/sched.h include/public/hvm/hvm_op.h include/public/hvm/params.h
