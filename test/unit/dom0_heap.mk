# SPDX-License-Identifier: MIT
# dom0's heap on its page allocator (tools/dom0/heap.c, included by the
# test under other names, and pages.c).
UNIT_TESTS += test_dom0_heap
test_dom0_heap_SRCS := test/unit/test_dom0_heap.c tools/dom0/pages.c
$(B)/unit/test_dom0_heap: tools/dom0/heap.c tools/dom0/heap.h tools/dom0/pages.h
