# SPDX-License-Identifier: MIT
# The ACPI IVRS parser (drivers/iommu/ivrs.c), over hand-built tables.
UNIT_TESTS += test_ivrs
test_ivrs_SRCS := test/unit/test_ivrs.c drivers/iommu/ivrs.c
$(B)/unit/test_ivrs: drivers/iommu/ivrs.h
