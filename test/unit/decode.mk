# SPDX-License-Identifier: MIT
# The x86 instruction decoder (arch/x86/hvm/decode.c), against fixtures from
# GNU as and objdump (decode_fixture.h, made by gen_decode_fixture.py).
UNIT_TESTS += test_decode
test_decode_SRCS := test/unit/test_decode.c arch/x86/hvm/decode.c \
	arch/x86/hvm/decode_name.c
$(B)/unit/test_decode: include/x86/hvm/decode.h test/unit/decode_fixture.h
