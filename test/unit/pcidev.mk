# SPDX-License-Identifier: MIT
# PCI function names as `hv pci-*` and pci= take them (tools/libhv/pcidev.c).
UNIT_TESTS += test_pcidev
test_pcidev_SRCS := test/unit/test_pcidev.c tools/libhv/pcidev.c
$(B)/unit/test_pcidev: tools/libhv/pcidev.h
