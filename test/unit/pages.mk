# SPDX-License-Identifier: MIT
# dom0's page allocator (tools/dom0/pages.c).
UNIT_TESTS += test_pages
test_pages_SRCS := test/unit/test_pages.c tools/dom0/pages.c
$(B)/unit/test_pages: tools/dom0/pages.h
