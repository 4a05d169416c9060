# SPDX-License-Identifier: MIT
# AMD-Vi's device table, I/O page tables and interrupt remapping tables
# (drivers/iommu/amd_iommu_pt.c, amd_iommu_ir.c) against the spec's
# formats, with the command buffer faked.
UNIT_TESTS += test_amd_iommu
test_amd_iommu_SRCS := test/unit/test_amd_iommu.c drivers/iommu/amd_iommu_pt.c \
	drivers/iommu/amd_iommu_ir.c drivers/iommu/iommu_pt.c drivers/iommu/ivrs.c \
	mm/frame.c mm/heap.c
$(B)/unit/test_amd_iommu: drivers/iommu/amd_iommu.h drivers/iommu/ivrs.h \
	drivers/iommu/iommu_pt.h test/unit/frame_fixture.h
