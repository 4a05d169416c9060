# SPDX-License-Identifier: MIT
# The domain builder (tools/libhv/build.c) with libhv and the hypervisor's
# ELF and PVH code, against a fake hypervisor; the kernel is the hello guest.
UNIT_TESTS += test_build
test_build_SRCS := test/unit/test_build.c tools/libhv/build.c tools/libhv/acpi.c tools/libhv/libhv.c \
	tools/libhv/config.c tools/libhv/pcidev.c common/elf.c arch/x86/hvm/pvh.c
$(B)/unit/test_build: $(B)/guests/hello.elf tools/libhv/build.h tools/libhv/libhv.h \
	tools/libhv/config.h
