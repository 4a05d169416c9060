# SPDX-License-Identifier: MIT
# The console backend's ring copies (tools/backends/cons_ring.c).
UNIT_TESTS += test_cons_ring
test_cons_ring_SRCS := test/unit/test_cons_ring.c tools/backends/cons_ring.c
$(B)/unit/test_cons_ring: tools/backends/cons_ring.h include/public/io/console.h
