/* SPDX-License-Identifier: MIT */
/*
 * void svm_enter(paddr_t vmcb, uint64_t *gpr, paddr_t host_vmcb)
 *
 * Load the guest's general registers (RAX and RSP live in the VMCB), VMLOAD
 * the guest's hidden state, VMRUN, VMSAVE it back, store the registers, and
 * VMLOAD the host's FS/GS/TR/LDTR and syscall MSRs again: between the two
 * VMLOADs GS holds the guest's base, so no C runs there. Called with GIF
 * clear (clgi) and interrupts off.
 */
#include "../hvm/gpr.inc"

        .text
        .globl svm_enter
svm_enter:
        push    %rbp
        mov     %rsp, %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdx                            /* 16(%rsp): host vmcb */
        push    %rsi                            /*  8(%rsp): gpr array */
        push    %rdi                            /*  0(%rsp): guest vmcb */

        mov     %rsi, %rax
        LOAD_GUEST_GPRS %rax

        mov     (%rsp), %rax
        vmload  %rax
        vmrun   %rax
        vmsave  %rax

        mov     8(%rsp), %rax
        SAVE_GUEST_GPRS %rax

        mov     16(%rsp), %rax
        vmload  %rax
        add     $24, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
