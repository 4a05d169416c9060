# SPDX-License-Identifier: MIT
# AMD-Vi event-log entries as log lines (drivers/iommu/amd_event.c).
UNIT_TESTS += test_amd_event
test_amd_event_SRCS := test/unit/test_amd_event.c drivers/iommu/amd_event.c
$(B)/unit/test_amd_event: drivers/iommu/amd_iommu.h
