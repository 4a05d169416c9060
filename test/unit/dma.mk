# SPDX-License-Identifier: MIT
# dom0's bus addresses and their caches (tools/dom0/dma.c) against a fake
# PETREL_SYSCTL_bus_addr.
UNIT_TESTS += test_dma
test_dma_SRCS := test/unit/test_dma.c tools/dom0/dma.c tools/dom0/pages.c
$(B)/unit/test_dma: tools/dom0/dma.h tools/dom0/dom0.h
