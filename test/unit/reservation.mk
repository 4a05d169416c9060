# SPDX-License-Identifier: MIT
# The control domain's memory commands (common/reservation.c,
# common/foreign_map.c) on real p2ms and the frame allocator: populate and
# decrease with their limits and refusals, foreign mappings and the
# references they hold, and that every frame comes back.
UNIT_TESTS += test_reservation
test_reservation_SRCS := test/unit/test_reservation.c common/reservation.c \
	common/foreign_map.c common/domain_target.c common/physmap_lock.c mm/p2m.c mm/frame.c mm/heap.c
$(B)/unit/test_reservation: include/petrel/foreign_map.h include/public/memory.h
