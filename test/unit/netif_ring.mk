# SPDX-License-Identifier: MIT
# netback's ring handling (tools/backends/netif_ring.c).
UNIT_TESTS += test_netif_ring
test_netif_ring_SRCS := test/unit/test_netif_ring.c tools/backends/netif_ring.c
$(B)/unit/test_netif_ring: tools/backends/netif_ring.h include/public/io/netif.h include/public/io/ring.h
