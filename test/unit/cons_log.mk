# SPDX-License-Identifier: MIT
# The console backend's per-domain output log (tools/backends/cons_log.c).
UNIT_TESTS += test_cons_log
test_cons_log_SRCS := test/unit/test_cons_log.c tools/backends/cons_log.c
$(B)/unit/test_cons_log: tools/backends/cons_log.h
