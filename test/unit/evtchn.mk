# SPDX-License-Identifier: MIT
# Event channels and HVM params (common/event_channel.c, evtchn_op.c,
# hvm_op.c), then SCHEDOP_block/poll (sched_op.c, sched_poll.c) with the
# real timer queue, through their hypercall entry points on fake domains
# (evtchn_fake.c).
EVTCHN_UNIT_SRCS := test/unit/evtchn_fake.c common/event_channel.c common/evtchn_op.c common/domain_target.c \
	common/sched_poll.c common/sched_op.c common/hvm_op.c common/timer.c
EVTCHN_UNIT_DEPS := test/unit/evtchn_fake.h common/evtchn_private.h \
	include/public/event_channel.h include/public/sched.h \
	include/public/hvm/hvm_op.h include/public/hvm/params.h

UNIT_TESTS += test_evtchn test_sched_poll
test_evtchn_SRCS := test/unit/test_evtchn.c $(EVTCHN_UNIT_SRCS)
test_sched_poll_SRCS := test/unit/test_sched_poll.c $(EVTCHN_UNIT_SRCS)
$(B)/unit/test_evtchn $(B)/unit/test_sched_poll: $(EVTCHN_UNIT_DEPS)
