# SPDX-License-Identifier: MIT
UNIT_TESTS += test_frame
test_frame_SRCS := test/unit/test_frame.c mm/frame.c
