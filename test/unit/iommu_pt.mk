# SPDX-License-Identifier: MIT
# The radix I/O page tables shared by the IOMMU drivers (drivers/iommu/iommu_pt.c),
# on the real frame allocator.
UNIT_TESTS += test_iommu_pt
test_iommu_pt_SRCS := test/unit/test_iommu_pt.c drivers/iommu/iommu_pt.c mm/frame.c
$(B)/unit/test_iommu_pt: drivers/iommu/iommu_pt.h test/unit/frame_fixture.h
