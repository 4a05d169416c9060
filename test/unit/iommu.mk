# SPDX-License-Identifier: MIT
# The vendor-neutral IOMMU layer (drivers/iommu/iommu.c) over a fake vendor
# and a real p2m: iommu= decisions, what the mirror maps, flushes, RMRRs,
# assignment, release and destruction.
UNIT_TESTS += test_iommu
test_iommu_SRCS := test/unit/test_iommu.c drivers/iommu/iommu.c common/cmdline.c \
	mm/p2m.c mm/frame.c mm/heap.c
$(B)/unit/test_iommu: include/petrel/iommu.h
