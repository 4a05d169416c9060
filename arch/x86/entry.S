/* SPDX-License-Identifier: MIT */
/*
 * Exception and interrupt entry: each vector's stub pushes an error code
 * (a zero where the CPU pushes none) and its number, then the common path
 * saves the general registers as a struct cpu_regs and calls do_trap().
 */
#include <asm-offsets.h>

/* Vectors for which the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30. */
#define HAS_ERRCODE(v)  ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                         (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .balign 16
trap_common:
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
        call    do_trap
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
        .globl trap_stubs
trap_stubs:
        .text
        .set    vec, 0
        .rept   256
        .balign 16
1:
        .if !HAS_ERRCODE(vec)
        push    $0
        .endif
        pushq   $vec
        jmp     trap_common
        .section .rodata
        .quad   1b
        .text
        .set    vec, vec + 1
        .endr
