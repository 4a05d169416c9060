# SPDX-License-Identifier: MIT
# The control domain's mediated PCI config space (arch/x86/hvm/vpci.c)
# over fake devices.
UNIT_TESTS += test_vpci
test_vpci_SRCS := test/unit/test_vpci.c arch/x86/hvm/vpci.c
$(B)/unit/test_vpci: include/petrel/pci.h include/x86/hvm/hvm.h
