# SPDX-License-Identifier: MIT
# Grant tables v1 (common/grant_table.c, grant_map.c) with XENMAPSPACE_grant_table
# (common/memory_op.c), on real p2ms and the real frame allocator: entry
# checks, the GTF_reading/writing protocol, unmap order, maptrack limit,
# copy bounds and teardown.
UNIT_TESTS += test_grant
test_grant_SRCS := test/unit/test_grant.c common/grant_table.c common/grant_map.c \
	common/memory_op.c common/domain_target.c common/physmap_lock.c mm/p2m.c mm/frame.c mm/heap.c
$(B)/unit/test_grant: common/grant_private.h include/public/grant_table.h
