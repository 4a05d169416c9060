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
        mov     0x08(%rax), %rcx
        mov     0x10(%rax), %rdx
        mov     0x18(%rax), %rbx
        mov     0x28(%rax), %rbp
        mov     0x30(%rax), %rsi
        mov     0x38(%rax), %rdi
        mov     0x40(%rax), %r8
        mov     0x48(%rax), %r9
        mov     0x50(%rax), %r10
        mov     0x58(%rax), %r11
        mov     0x60(%rax), %r12
        mov     0x68(%rax), %r13
        mov     0x70(%rax), %r14
        mov     0x78(%rax), %r15

        mov     (%rsp), %rax
        vmload  %rax
        vmrun   %rax
        vmsave  %rax

        mov     8(%rsp), %rax
        mov     %rcx, 0x08(%rax)
        mov     %rdx, 0x10(%rax)
        mov     %rbx, 0x18(%rax)
        mov     %rbp, 0x28(%rax)
        mov     %rsi, 0x30(%rax)
        mov     %rdi, 0x38(%rax)
        mov     %r8, 0x40(%rax)
        mov     %r9, 0x48(%rax)
        mov     %r10, 0x50(%rax)
        mov     %r11, 0x58(%rax)
        mov     %r12, 0x60(%rax)
        mov     %r13, 0x68(%rax)
        mov     %r14, 0x70(%rax)
        mov     %r15, 0x78(%rax)

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
