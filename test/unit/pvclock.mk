# SPDX-License-Identifier: MIT
# The pvclock scale and update protocol (common/pvclock.c) against exact
# 128-bit arithmetic; a writer thread exercises the version protocol.
UNIT_TESTS += test_pvclock
test_pvclock_SRCS := test/unit/test_pvclock.c common/pvclock.c
$(B)/unit/test_pvclock: include/public/xen.h include/public/arch-x86/xen.h
