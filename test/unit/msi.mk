# SPDX-License-Identifier: MIT
# Physical IRQs (drivers/msi.c) over fake functions: a guest maps only what
# it owns, its share of the pirqs, and ownership changing hands.
UNIT_TESTS += test_msi
test_msi_SRCS := test/unit/test_msi.c drivers/msi.c
$(B)/unit/test_msi: include/petrel/pirq.h include/petrel/pci.h
