# SPDX-License-Identifier: MIT
UNIT_TESTS += test_mb2
test_mb2_SRCS := test/unit/test_mb2.c common/multiboot2.c
