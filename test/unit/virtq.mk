# SPDX-License-Identifier: MIT
# dom0's split virtqueues (tools/dom0/virtq.c), with the test as the device.
UNIT_TESTS += test_virtq
test_virtq_SRCS := test/unit/test_virtq.c tools/dom0/virtq.c
$(B)/unit/test_virtq: tools/dom0/virtq.h
