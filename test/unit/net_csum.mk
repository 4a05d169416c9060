# SPDX-License-Identifier: MIT
# netback's checksum filling (tools/backends/net_csum.c).
UNIT_TESTS += test_net_csum
test_net_csum_SRCS := test/unit/test_net_csum.c tools/backends/net_csum.c
$(B)/unit/test_net_csum: tools/backends/net_csum.h
