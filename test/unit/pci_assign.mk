# SPDX-License-Identifier: MIT
# Which PCI functions may be marked assignable (drivers/pci_assign.c).
UNIT_TESTS += test_pci_assign
test_pci_assign_SRCS := test/unit/test_pci_assign.c drivers/pci_assign.c
$(B)/unit/test_pci_assign: include/petrel/pci.h include/public/petrel_ctl.h
