# SPDX-License-Identifier: MIT
# The MMIO path (arch/x86/hvm/mmio.c) with the real decoder and a fake
# device and vCPU.
UNIT_TESTS += test_mmio
test_mmio_SRCS := test/unit/test_mmio.c arch/x86/hvm/mmio.c arch/x86/hvm/decode.c \
	arch/x86/hvm/decode_name.c
$(B)/unit/test_mmio: include/x86/hvm/mmio.h include/x86/hvm/decode.h
