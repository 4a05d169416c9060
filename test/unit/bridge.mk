# SPDX-License-Identifier: MIT
# dom0's layer-2 bridge (tools/backends/bridge.c).
UNIT_TESTS += test_bridge
test_bridge_SRCS := test/unit/test_bridge.c tools/backends/bridge.c
$(B)/unit/test_bridge: tools/dom0/netdev.h
