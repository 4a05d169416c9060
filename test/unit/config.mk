# SPDX-License-Identifier: MIT
# The xl-style domain configuration parser of `hv create` (tools/libhv/config.c).
UNIT_TESTS += test_config
test_config_SRCS := test/unit/test_config.c tools/libhv/config.c tools/libhv/disk.c
$(B)/unit/test_config: tools/libhv/config.h tools/libhv/disk.h
