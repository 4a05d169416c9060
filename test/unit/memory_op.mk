# SPDX-License-Identifier: MIT
# XENMEM_add_to_physmap of shared_info (common/memory_op.c) on a real p2m
# and frame allocator: where it maps, what it retires, what it refuses,
# and that every frame comes back.
UNIT_TESTS += test_memory_op
test_memory_op_SRCS := test/unit/test_memory_op.c common/memory_op.c common/domain_target.c common/physmap_lock.c mm/p2m.c \
	common/grant_table.c common/grant_map.c \
	mm/frame.c mm/heap.c
