/* SPDX-License-Identifier: MIT */
/*
 * AP trampoline. Copied to a page below 1 MiB; a started AP begins here in
 * real mode at CS:IP = base>>4:0. It goes to protected mode, then long mode
 * with the trampoline's page tables (the low 2 MiB identity-mapped plus all
 * of the hypervisor's own), and jumps to ap_entry(percpu) on its own stack.
 * The BSP fills the tr_* fields of the copy before each SIPI.
 */
#include <x86/msr.h>
#include <x86/processor.h>
#include <x86/segment.h>

#define OFF(x)  ((x) - trampoline_start)

        .section .trampoline, "ax"
        .code16
        .globl trampoline_start
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        movzwl  %ax, %ebx
        shl     $4, %ebx                        /* ebx = base, kept to long mode */
        lgdtl   OFF(tr_gdtr)
        mov     %cr0, %eax
        or      $X86_CR0_PE, %eax
        mov     %eax, %cr0
        ljmpl   *OFF(tr_pm_jump)

        .code32
tr_pm32:
        mov     $GDT_DS, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     %cr4, %eax
        or      $X86_CR4_PAE, %eax
        mov     %eax, %cr4
        mov     OFF(tr_cr3)(%ebx), %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      OFF(tr_efer)(%ebx), %eax
        wrmsr
        mov     %cr0, %eax
        or      $(X86_CR0_PG | X86_CR0_WP), %eax
        mov     %eax, %cr0
        ljmpl   *OFF(tr_lm_jump)(%ebx)

        .code64
tr_lm64:
        mov     %ebx, %ebx                      /* upper half undefined after the switch */
        mov     OFF(tr_stack)(%rbx), %rsp
        mov     OFF(tr_percpu)(%rbx), %rdi
        mov     OFF(tr_entry)(%rbx), %rax
        xor     %ebp, %ebp
        jmp     *%rax

        .balign 8
tr_gdt:
        .quad   0
        .quad   0x00af9a000000ffff              /* GDT_CS64 */
        .quad   0x00cf92000000ffff              /* GDT_DS */
        .quad   0x00cf9a000000ffff              /* GDT_CS32 */
tr_gdt_end:
        .globl tr_gdtr, tr_pm_jump, tr_lm_jump, tr_cr3, tr_efer
        .globl tr_stack, tr_percpu, tr_entry, tr_gdt, tr_pm32, tr_lm64
tr_gdtr:
        .short  tr_gdt_end - tr_gdt - 1
        .long   0                               /* base + OFF(tr_gdt) */
        .balign 4
tr_pm_jump:
        .long   0                               /* base + OFF(tr_pm32) */
        .short  GDT_CS32
        .balign 4
tr_lm_jump:
        .long   0                               /* base + OFF(tr_lm64) */
        .short  GDT_CS64
        .balign 8
tr_cr3:         .quad   0
tr_efer:        .quad   0
tr_stack:       .quad   0
tr_percpu:      .quad   0
tr_entry:       .quad   0
        .globl trampoline_end
trampoline_end:
