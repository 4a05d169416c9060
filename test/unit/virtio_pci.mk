# SPDX-License-Identifier: MIT
# The virtio 1.x PCI transport (tools/dom0/virtio_pci.c): capabilities,
# handshake and queue setup against a fake configuration space and BAR.
UNIT_TESTS += test_virtio_pci
test_virtio_pci_SRCS := test/unit/test_virtio_pci.c tools/dom0/virtio_pci.c \
	tools/dom0/pci.c tools/dom0/virtq.c tools/dom0/pages.c
$(B)/unit/test_virtio_pci: tools/dom0/virtio.h tools/dom0/pci.h tools/dom0/virtq.h
