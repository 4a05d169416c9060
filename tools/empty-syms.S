/* SPDX-License-Identifier: MIT */
/* First-pass stand-in for the symbol table (see tools/gensyms.py). */
        .section .ksyms, "a"
        .balign 8
        .globl __ksym_count, __ksym_addrs, __ksym_names
__ksym_count:
        .quad 0
__ksym_addrs:
__ksym_names:
        .byte 0
