/* SPDX-License-Identifier: MIT */
/*
 * int vmx_enter(uint64_t *gpr, bool launched)
 *
 * Enter the guest of the current VMCS: set HOST_RSP to this frame, load the
 * guest's general registers (RSP, RIP and RFLAGS live in the VMCS), and
 * VMLAUNCH it, or VMRESUME once launched. A VM exit comes back at
 * vmx_exit_entry (HOST_RIP) on the same stack, stores the guest registers
 * and returns 0. If the instruction itself fails, it falls through with
 * CF (VMfailInvalid: returns 2) or ZF (VMfailValid: returns 1) set, and the
 * guest registers in ours: the saved ones are restored. Called with
 * interrupts off; the exit leaves them off (RFLAGS is 2 after an exit).
 */
#include "vmcs.h"
#include "../hvm/gpr.inc"

        .text
        .globl vmx_enter
vmx_enter:
        push    %rbp
        mov     %rsp, %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                            /* 0(%rsp): gpr array */

        mov     $VMCS_HOST_RSP, %eax
        vmwrite %rsp, %rax
        test    %sil, %sil                      /* launched? MOVs keep the flags */

        mov     %rdi, %rax
        LOAD_GUEST_GPRS %rax
        mov     0x00(%rax), %rax

        jnz     1f
        vmlaunch
        jmp     2f
1:      vmresume
2:      mov     $1, %eax                        /* VMfailValid: ZF */
        jnc     3f
        mov     $2, %eax                        /* VMfailInvalid: CF */
3:      add     $8, %rsp
        jmp     4f

        .globl vmx_exit_entry
vmx_exit_entry:
        push    %rax
        mov     8(%rsp), %rax
        SAVE_GUEST_GPRS %rax
        popq    0x00(%rax)                      /* the guest's RAX */
        add     $8, %rsp
        xor     %eax, %eax
4:      pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
