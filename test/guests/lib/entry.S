/* SPDX-License-Identifier: MIT */
/*
 * Exception entry for the 32 exception vectors. Each stub pushes an error
 * code (0 where the CPU pushes none) and its vector, then exc_common saves
 * the general registers as a struct cpu_regs (traps.c) and calls
 * trap_dispatch(regs). What the C code changes in regs (RIP, RAX for an
 * exception-table fixup) is restored before IRETQ.
 */

        .text
        .code64

/* Vectors for which the CPU pushes an error code (SDM vol. 3 table 6-1). */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                    (v) == 21 || (v) == 29 || (v) == 30)

        .macro EXC_STUB vec
        .balign 16
exc_stub_\vec:
        .if !HAS_ERR(\vec)
        push    $0
        .endif
        push    $\vec
        jmp     exc_common
        .endm

        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        EXC_STUB \v
        .endr

exc_common:
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rbp
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        cld
        mov     %rsp, %rdi
        call    trap_dispatch
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rbp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        add     $16, %rsp                       /* vector, error code */
        iretq

        .section .rodata
        .balign 8
        .globl exc_stubs
exc_stubs:
        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad   exc_stub_\v
        .endr
