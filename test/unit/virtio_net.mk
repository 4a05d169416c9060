# SPDX-License-Identifier: MIT
# dom0's virtio-net driver (tools/dom0/virtio_net.c) against the fake
# transport and a device the test plays, with the real virtqueues, bridge
# and page allocator.
UNIT_TESTS += test_virtio_net
test_virtio_net_SRCS := test/unit/test_virtio_net.c test/unit/virtio_fake.c \
	tools/dom0/virtio_net.c tools/dom0/virtq.c tools/backends/bridge.c tools/dom0/pages.c
$(B)/unit/test_virtio_net: tools/dom0/virtio.h tools/dom0/virtq.h tools/dom0/netdev.h \
	tools/dom0/virtio_net.h tools/dom0/dma.h test/unit/virtio_fake.h
