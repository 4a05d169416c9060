# SPDX-License-Identifier: MIT
# The VGA text screen (drivers/vga_text.c).
UNIT_TESTS += test_vga
test_vga_SRCS := test/unit/test_vga.c drivers/vga_text.c
