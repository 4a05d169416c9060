# SPDX-License-Identifier: MIT
# Console input (common/console_input.c): the Ctrl-A switch, routing to the
# control domain or the debug keys, the ring and CONSOLEIO_read's copy,
# with the UART, the domain and the event channel faked.
UNIT_TESTS += test_console_input
test_console_input_SRCS := test/unit/test_console_input.c common/console_input.c
