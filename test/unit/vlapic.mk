# SPDX-License-Identifier: MIT
# The virtual local APIC (arch/x86/hvm/vlapic*.c) on a fake domain, over the
# real per-CPU timer queues (common/timer.c) and a clock the test drives.
UNIT_TESTS += test_vlapic
test_vlapic_SRCS := test/unit/test_vlapic.c arch/x86/hvm/vlapic.c arch/x86/hvm/vlapic_regs.c \
	arch/x86/hvm/vlapic_timer.c arch/x86/hvm/vlapic_ipi.c common/timer.c
$(B)/unit/test_vlapic: include/x86/hvm/vlapic.h arch/x86/hvm/vlapic_priv.h
