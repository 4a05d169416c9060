/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 entry. GRUB (BIOS or UEFI) enters _start in 32-bit protected
 * mode, paging off, EAX = the multiboot2 magic, EBX = the information block.
 * We check the CPU can run us, build early page tables (the low 4 GiB
 * identity-mapped and in the direct map, the image at KERNEL_VBASE), switch
 * to long mode, zero BSS and call start_petrel(mbi physical address).
 */
#include <x86/msr.h>
#include <x86/page.h>
#include <x86/processor.h>
#include <x86/segment.h>

#define KERNEL_VBASE    0xffffffff80000000
#define PA(x)           ((x) - KERNEL_VBASE)
#define COM1            0x3f8

/* Multiboot2 specification, section 3.1 (header) and 3.2 (machine state). */
#define MB2_HEADER_MAGIC                0xe85250d6
#define MB2_BOOTLOADER_MAGIC            0x36d76289
#define MB2_HEADER_TAG_END              0
#define MB2_HEADER_TAG_ENTRY_ADDRESS    3
#define MB2_HEADER_TAG_MODULE_ALIGN     6

        .section .multiboot, "a"
        .balign 8
mb2_header:
        .long MB2_HEADER_MAGIC
        .long 0                                 /* i386 protected mode */
        .long mb2_header_end - mb2_header
        .long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
        /* entry address tag: the ELF entry is virtual, GRUB needs physical */
        .balign 8
        .short MB2_HEADER_TAG_ENTRY_ADDRESS, 0
        .long 12
        .long PA(_start)
        /* modules page aligned */
        .balign 8
        .short MB2_HEADER_TAG_MODULE_ALIGN, 0
        .long 8
        .balign 8
        .short MB2_HEADER_TAG_END, 0
        .long 8
mb2_header_end:

        .section .text.boot, "ax"
        .code32
        .globl _start
_start:
        cli
        cld
        mov     %eax, %edi
        mov     %ebx, %esi
        cmp     $MB2_BOOTLOADER_MAGIC, %edi
        jne     .Lno_multiboot

        /* CPUID exists if EFLAGS.ID can be toggled. */
        pushfl
        pop     %eax
        mov     %eax, %ecx
        xor     $(1 << 21), %eax
        push    %eax
        popfl
        pushfl
        pop     %eax
        cmp     %eax, %ecx
        je      .Lno_long_mode

        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      .Lno_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx                       /* LM */
        jnc     .Lno_long_mode
        xor     %ebp, %ebp
        bt      $20, %edx                       /* NX */
        jnc     1f
        mov     $EFER_NXE, %ebp
1:
        /* PAE paging with the early tables, then long mode. */
        mov     %cr4, %eax
        or      $X86_CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $PA(early_pml4), %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        or      %ebp, %eax
        wrmsr
        mov     %cr0, %eax
        or      $(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
        mov     %eax, %cr0
        lgdt    PA(early_gdt_desc)
        ljmp    $GDT_CS64, $PA(.Llong_mode)

.Lno_multiboot:
        mov     $PA(msg_no_mb2), %ebx
        jmp     .Lfatal
.Lno_long_mode:
        mov     $PA(msg_no_lm), %ebx
.Lfatal:
        /* 115200 8n1 on COM1, then the message, then halt for good. */
        mov     $(COM1 + 1), %dx
        xor     %al, %al
        out     %al, %dx                        /* IER: no interrupts */
        mov     $(COM1 + 3), %dx
        mov     $0x80, %al
        out     %al, %dx                        /* LCR: DLAB */
        mov     $(COM1 + 0), %dx
        mov     $1, %al
        out     %al, %dx                        /* divisor 1 = 115200 */
        mov     $(COM1 + 1), %dx
        xor     %al, %al
        out     %al, %dx
        mov     $(COM1 + 3), %dx
        mov     $3, %al
        out     %al, %dx                        /* 8n1 */
2:      movzbl  (%ebx), %eax
        test    %al, %al
        jz      4f
        mov     %eax, %ecx
        mov     $(COM1 + 5), %dx
3:      in      %dx, %al                        /* wait for THR empty */
        test    $0x20, %al
        jz      3b
        mov     $COM1, %dx
        mov     %ecx, %eax
        out     %al, %dx
        inc     %ebx
        jmp     2b
4:      cli
        hlt
        jmp     4b

        .code64
.Llong_mode:
        movabs  $start64, %rax
        jmp     *%rax
start64:
        xor     %eax, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $GDT_DS, %eax
        mov     %eax, %ss
        mov     %esi, %r12d                     /* mbi physical address */
        /* Zero BSS (the boot stack is in it). */
        movabs  $__bss_start, %rdi
        movabs  $__bss_end, %rcx
        sub     %rdi, %rcx
        xor     %eax, %eax
        rep stosb
        movabs  $boot_stack_top, %rsp
        xor     %ebp, %ebp
        mov     %r12, %rdi
        call    start_petrel
5:      cli
        hlt
        jmp     5b

        .section .rodata
msg_no_mb2:
        .asciz  "petrel: fatal: not started by a multiboot2 loader\r\n"
msg_no_lm:
        .asciz  "petrel: fatal: CPU lacks long mode (x86-64); cannot boot\r\n"

        .balign 8
early_gdt:
        .quad   0
        .quad   0x00af9a000000ffff              /* GDT_CS64 */
        .quad   0x00cf92000000ffff              /* GDT_DS */
early_gdt_end:
early_gdt_desc:
        .short  early_gdt_end - early_gdt - 1
        .long   PA(early_gdt)

/*
 * Early page tables: PD entries map the low 4 GiB with 2 MiB pages (the
 * last GiB uncached: that is where the chipset puts MMIO). PML4[0] and
 * PML4[256] (the direct map) share them; PML4[511]/PDPT[510] maps the image.
 */
        .section .data.page_aligned, "aw"
        .balign 4096
early_pml4:
        .quad   PA(early_pdpt) + (_PAGE_PRESENT | _PAGE_RW)
        .fill   255, 8, 0
        .quad   PA(early_pdpt) + (_PAGE_PRESENT | _PAGE_RW)
        .fill   254, 8, 0
        .quad   PA(early_pdpt_high) + (_PAGE_PRESENT | _PAGE_RW)
early_pdpt:
        .quad   PA(early_pd) + 0x0000 + (_PAGE_PRESENT | _PAGE_RW)
        .quad   PA(early_pd) + 0x1000 + (_PAGE_PRESENT | _PAGE_RW)
        .quad   PA(early_pd) + 0x2000 + (_PAGE_PRESENT | _PAGE_RW)
        .quad   PA(early_pd) + 0x3000 + (_PAGE_PRESENT | _PAGE_RW)
        .fill   508, 8, 0
early_pdpt_high:
        .fill   510, 8, 0
        .quad   PA(early_pd) + (_PAGE_PRESENT | _PAGE_RW)
        .quad   0
early_pd:
        .set    i, 0
        .rept   1536
        .quad   (i << 21) + (_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE)
        .set    i, i + 1
        .endr
        .rept   512
        .quad   (i << 21) + (_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_PCD | _PAGE_PWT)
        .set    i, i + 1
        .endr

        .section .bss.page_aligned, "aw", @nobits
        .balign 16384                           /* STACK_SIZE: traces rely on it */
        .globl boot_stack, boot_stack_top
boot_stack:
        .skip   16384
boot_stack_top:
