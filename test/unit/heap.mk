# SPDX-License-Identifier: MIT
UNIT_TESTS += test_heap
test_heap_SRCS := test/unit/test_heap.c mm/heap.c mm/frame.c
