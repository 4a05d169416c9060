# SPDX-License-Identifier: MIT
# VT-d's tables (drivers/iommu/vtd_pt.c: second-level page tables, root and
# context entries; vtd_ir.c: interrupt remapping entries and the messages
# that name them) over fake registers and the real frame allocator.
UNIT_TESTS += test_vtd
test_vtd_SRCS := test/unit/test_vtd.c drivers/iommu/vtd_pt.c drivers/iommu/vtd_ir.c \
	mm/frame.c mm/heap.c
$(B)/unit/test_vtd: drivers/iommu/vtd.h drivers/iommu/dmar.h include/petrel/iommu.h
