# SPDX-License-Identifier: MIT
# The cpio "newc" reader of dom0's initrd (tools/dom0/cpio.c).
UNIT_TESTS += test_cpio
test_cpio_SRCS := test/unit/test_cpio.c tools/dom0/cpio.c
$(B)/unit/test_cpio: tools/dom0/cpio.h
