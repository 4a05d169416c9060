# SPDX-License-Identifier: MIT
UNIT_TESTS += test_p2m
test_p2m_SRCS := test/unit/test_p2m.c mm/p2m.c mm/frame.c mm/heap.c
