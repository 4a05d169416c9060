# SPDX-License-Identifier: MIT
# The PVH layout builder (arch/x86/hvm/pvh.c), with the ELF loader behind
# it, against a fake guest memory.
UNIT_TESTS += test_pvh
test_pvh_SRCS := test/unit/test_pvh.c arch/x86/hvm/pvh.c common/elf.c \
	test/unit/fake_guest.c
$(B)/unit/test_pvh: test/unit/fake_guest.h include/x86/hvm/pvh.h \
	include/public/hvm/start_info.h include/public/elfnote.h
