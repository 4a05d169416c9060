# SPDX-License-Identifier: MIT
# dom0's virtio-blk driver (tools/dom0/virtio_blk.c) against the fake
# transport and a device the test plays, with the real virtqueues, block
# registry and page allocator.
UNIT_TESTS += test_virtio_blk
test_virtio_blk_SRCS := test/unit/test_virtio_blk.c test/unit/virtio_fake.c \
	tools/dom0/virtio_blk.c tools/dom0/virtq.c tools/dom0/blkdev.c tools/dom0/pages.c
$(B)/unit/test_virtio_blk: tools/dom0/virtio.h tools/dom0/virtq.h tools/dom0/blkdev.h \
	tools/dom0/virtio_blk.h tools/dom0/dma.h test/unit/virtio_fake.h
