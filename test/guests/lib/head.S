/* SPDX-License-Identifier: MIT */
/*
 * PVH entry of a test guest. The hypervisor enters pvh_start (named by the
 * XEN_ELFNOTE_PHYS32_ENTRY note) in 32-bit protected mode, paging off, with
 * EBX = the guest-physical address of struct hvm_start_info. We load our own
 * GDT, identity-map the first 4 GiB with 2 MiB pages (tables in .bss, which
 * we zero ourselves: they must be clean before the C code can check the
 * rest of .bss), enable PAE, EFER.LME (and NXE when CPUID has NX), paging,
 * jump to 64-bit code and call guest_start(start_info physical address).
 * The guest is linked and runs at 1 MiB, virtual == physical.
 */
#include <public/elfnote.h>
#include "x86.h"

#define SEL_CODE64      0x08
#define SEL_DATA        0x10
#define SEL_CODE32      0x18

#define PTE_P           0x001
#define PTE_W           0x002
#define PTE_PS          0x080
#define PD_ENTRIES      2048            /* 4 PDs of 512 entries: 4 GiB */
#define STACK_SIZE      (16 * 1024)

        /* The PVH entry note: name "Xen", type 18, 4-byte physical address. */
        .section .note.Xen, "a", @note
        .balign 4
        .long 4                         /* namesz, "Xen" and its NUL */
        .long 4                         /* descsz */
        .long XEN_ELFNOTE_PHYS32_ENTRY
        .asciz "Xen"
        .balign 4
        .long pvh_start
        .balign 4

        .section .text.head, "ax"
        .code32
        .globl pvh_start
pvh_start:
        cli
        cld
        mov     %ebx, %esi                      /* start_info: kept in ESI */
        lgdt    gdt_desc
        mov     $SEL_DATA, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        ljmp    $SEL_CODE32, $1f
1:
        /* Clear the page-table pages. */
        mov     $pt_pml4, %edi
        mov     $((pt_end - pt_pml4) / 4), %ecx
        xor     %eax, %eax
        rep stosl

        /* PML4[0] -> PDPT; PDPT[0..3] -> PD 0..3; PD entries: 2 MiB pages. */
        movl    $(pt_pdpt + PTE_P + PTE_W), pt_pml4
        mov     $(pt_pd + PTE_P + PTE_W), %eax
        xor     %ecx, %ecx
2:      mov     %eax, pt_pdpt(, %ecx, 8)
        add     $4096, %eax
        inc     %ecx
        cmp     $4, %ecx
        jb      2b
        mov     $(PTE_P + PTE_W + PTE_PS), %eax
        xor     %ecx, %ecx
3:      mov     %eax, pt_pd(, %ecx, 8)
        add     $0x200000, %eax
        inc     %ecx
        cmp     $PD_ENTRIES, %ecx
        jb      3b

        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $pt_pml4, %eax
        mov     %eax, %cr3

        /* EFER.LME, and EFER.NXE if CPUID 0x80000001 EDX has NX. */
        xor     %edi, %edi
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      4f
        mov     $0x80000001, %eax
        cpuid
        test    $CPUIDX1_EDX_NX, %edx
        jz      4f
        mov     $EFER_NXE, %edi
4:      mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        or      %edi, %eax
        wrmsr

        mov     %cr0, %eax
        or      $(CR0_PG | CR0_WP), %eax
        mov     %eax, %cr0
        ljmp    $SEL_CODE64, $long_mode

        .code64
long_mode:
        mov     $SEL_DATA, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $stack_top, %rsp
        xor     %ebp, %ebp
        mov     %esi, %edi                      /* zero-extends */
        call    guest_start
5:      cli
        hlt
        jmp     5b

        /*
         * A vCPU started with VCPUOP_initialise (smp.c) begins here in 64-bit
         * mode, RSP = its stack, RDI = its id: load our GDT and selectors
         * (CS through a far return) and call ap_start(id).
         */
        .globl ap_entry
ap_entry:
        lgdt    gdt_desc
        mov     $SEL_DATA, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        pushq   $SEL_CODE64
        lea     6f(%rip), %rax
        push    %rax
        lretq
6:      xor     %ebp, %ebp
        call    ap_start
7:      cli
        hlt
        jmp     7b

        .section .rodata
        .balign 16
gdt:
        .quad   0
        .quad   0x00af9b000000ffff              /* 0x08: 64-bit code */
        .quad   0x00cf93000000ffff              /* 0x10: data, 4 GiB */
        .quad   0x00cf9b000000ffff              /* 0x18: 32-bit code, 4 GiB */
gdt_end:
        .balign 8
        .globl gdt_desc
gdt_desc:
        .word   gdt_end - gdt - 1
        .quad   gdt                             /* 32-bit lgdt reads 4 bytes */

        /* The hypercall page: the hypervisor overwrites it with stubs. */
        .section .hypercall_page, "ax"
        .balign 4096
        .globl hypercall_page
hypercall_page:
        .fill   4096, 1, 0xcc

        .section .pagetables, "aw", @nobits
        .balign 4096
        .globl pt_pml4, pt_pdpt
pt_pml4:
        .skip   4096
pt_pdpt:
        .skip   4096
pt_pd:
        .skip   4 * 4096
pt_end:

        .section .stack, "aw", @nobits
        .balign 16
        .globl stack_bottom
stack_bottom:
        .skip   STACK_SIZE
stack_top:
