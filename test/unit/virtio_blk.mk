# SPDX-License-Identifier: MIT
# dom0's virtio-blk driver (tools/dom0/virtio_blk.c) against a fake device
# that the test plays, with the real virtqueues, block registry and pages.
UNIT_TESTS += test_virtio_blk
test_virtio_blk_SRCS := test/unit/test_virtio_blk.c tools/dom0/virtio_blk.c \
	tools/dom0/virtq.c tools/dom0/blkdev.c tools/dom0/pages.c
$(B)/unit/test_virtio_blk: tools/dom0/virtio.h tools/dom0/virtq.h tools/dom0/blkdev.h \
	tools/dom0/virtio_blk.h tools/dom0/dma.h
