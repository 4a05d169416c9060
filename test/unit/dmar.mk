# SPDX-License-Identifier: MIT
# The ACPI DMAR parser and device-scope matching (drivers/iommu/dmar.c),
# over hand-built tables.
UNIT_TESTS += test_dmar
test_dmar_SRCS := test/unit/test_dmar.c drivers/iommu/dmar.c
$(B)/unit/test_dmar: drivers/iommu/dmar.h
