# SPDX-License-Identifier: MIT
# VCPUOP_initialise's checks of a struct vcpu_hvm_context
# (arch/x86/hvm/vcpu_context.c, the pure hvm_context_check()).
UNIT_TESTS += test_vcpu_context
test_vcpu_context_SRCS := test/unit/test_vcpu_context.c arch/x86/hvm/vcpu_context.c
$(B)/unit/test_vcpu_context: include/x86/hvm/vcpu_context.h include/public/hvm/hvm_vcpu.h
