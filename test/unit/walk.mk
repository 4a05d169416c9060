# SPDX-License-Identifier: MIT
# The guest page-table walker (arch/x86/hvm/guest_walk.c), over page tables
# built in a fake guest RAM.
UNIT_TESTS += test_walk
test_walk_SRCS := test/unit/test_walk.c arch/x86/hvm/guest_walk.c
$(B)/unit/test_walk: include/x86/hvm/guest_walk.h
