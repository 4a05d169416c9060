# SPDX-License-Identifier: MIT
# PCI header probing (drivers/pci_probe.c): BAR decoding and sizing, the
# capability walk, over a fake config space.
UNIT_TESTS += test_pci
test_pci_SRCS := test/unit/test_pci.c drivers/pci_probe.c
$(B)/unit/test_pci: include/petrel/pci.h
