# SPDX-License-Identifier: MIT
# The vif = [ ... ] entries of hv create (tools/libhv/vif.c).
UNIT_TESTS += test_vif
test_vif_SRCS := test/unit/test_vif.c tools/libhv/vif.c
$(B)/unit/test_vif: tools/libhv/vif.h
