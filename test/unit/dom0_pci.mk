# SPDX-License-Identifier: MIT
# dom0's PCI enumeration (tools/dom0/pci.c) over a fake configuration space.
UNIT_TESTS += test_dom0_pci
test_dom0_pci_SRCS := test/unit/test_dom0_pci.c tools/dom0/pci.c
$(B)/unit/test_dom0_pci: tools/dom0/pci.h
