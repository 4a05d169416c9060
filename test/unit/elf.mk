# SPDX-License-Identifier: MIT
# The ELF loader (common/elf.c) against ELF files built by the test and a
# fake guest memory.
UNIT_TESTS += test_elf
test_elf_SRCS := test/unit/test_elf.c common/elf.c test/unit/fake_guest.c
$(B)/unit/test_elf: test/unit/fake_guest.h include/public/elfnote.h
