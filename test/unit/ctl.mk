# SPDX-License-Identifier: MIT
# The control ABI's pure parts: ring reads by position with loss
# (common/ctl_ring.c) and the choice of a new domain's id (common/domid.c).
UNIT_TESTS += test_ctl
test_ctl_SRCS := test/unit/test_ctl.c common/ctl_ring.c common/domid.c
$(B)/unit/test_ctl: include/petrel/ctl_ring.h include/public/petrel_ctl.h
