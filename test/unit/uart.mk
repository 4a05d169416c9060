# SPDX-License-Identifier: MIT
# The comN= value parser (drivers/uart_parse.c).
UNIT_TESTS += test_uart
test_uart_SRCS := test/unit/test_uart.c drivers/uart_parse.c test/unit/lib_renamed.c
$(B)/unit/test_uart: common/string.c common/vsnprintf.c test/unit/lib_rename.h
