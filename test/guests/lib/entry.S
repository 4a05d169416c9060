/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry for all 256 vectors. Each stub (16 bytes,
 * at exc_stubs + 16 * vector) pushes an error code (0 where the CPU pushes
 * none) and its vector, then exc_common saves the general registers as a
 * struct cpu_regs (traps.h) and calls trap_dispatch(regs). What the C code
 * changes in regs (RIP, RAX for an exception-table fixup) is restored
 * before IRETQ.
 */

        .text
        .code64

/* Vectors for which the CPU pushes an error code (SDM vol. 3 table 6-1). */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                    (v) == 21 || (v) == 29 || (v) == 30)

        .balign 16
        .globl exc_stubs
exc_stubs:
        .set    vec, 0
        .rept   256
        .balign 16
        .if !HAS_ERR(vec)
        push    $0
        .endif
        push    $vec
        jmp     exc_common
        .set    vec, vec + 1
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

