# SPDX-License-Identifier: MIT
# dom0's block-device registry and request checks (tools/dom0/blkdev.c).
UNIT_TESTS += test_blkdev
test_blkdev_SRCS := test/unit/test_blkdev.c tools/dom0/blkdev.c
$(B)/unit/test_blkdev: tools/dom0/blkdev.h
