/* SPDX-License-Identifier: MIT */
/*
 * The test-guest framework: what a test in test/guests/<name>.c sees.
 *
 * A test defines TEST_TITLE("one line") and void test_main(void). The
 * framework enters long mode, installs an IDT, sets up the hypercall page,
 * prints a banner, runs test_main() and then ends the test: exactly one
 * line "Test result: SUCCESS|FAILURE|SKIP|ERROR" followed by
 * sched_op(SCHEDOP_shutdown, poweroff). See docs/test-guests.md.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/hvm/start_info.h>

#define __noreturn      __attribute__((noreturn))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define __aligned(n)    __attribute__((aligned(n)))
#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define PAGE_SIZE       4096UL
#define MiB(x)          ((uint64_t)(x) << 20)
#define GiB(x)          ((uint64_t)(x) << 30)

/* GUEST_NAME comes from the build (the file name without .c). */
#define TEST_TITLE(s) \
    const char test_name[] = GUEST_NAME; \
    const char test_title[] = s

extern const char test_name[];
extern const char test_title[];
void test_main(void);

/* ---- results ---------------------------------------------------------- */

enum test_result { RESULT_SUCCESS, RESULT_FAILURE, RESULT_SKIP, RESULT_ERROR };

/* Failures counted so far; test_main() returning with none is SUCCESS. */
extern unsigned int test_failures;

/* Count a failure and print "FAIL: <file>:<line>: <message>"; go on. */
void test_fail_at(const char *file, int line, const char *fmt, ...) __printf(3, 4);
#define test_fail(...)  test_fail_at(__FILE__, __LINE__, __VA_ARGS__)

/* End the test now: print the reason and the result line, shut down. */
__noreturn void test_skip(const char *fmt, ...) __printf(1, 2);
__noreturn void test_error(const char *fmt, ...) __printf(1, 2);
__noreturn void test_end(enum test_result r);

/* CHECK: on failure print file:line and the expression, count, go on.
 * Evaluates to the condition's truth. */
#define CHECK(cond) \
    ((cond) ? true : (test_fail(("%s"), #cond), false))

/* CHECK_EQ: as CHECK for a == b, printing both values (as 64-bit). */
#define CHECK_EQ(a, b) ({ \
    int64_t a_ = (int64_t)(a), b_ = (int64_t)(b); \
    bool ok_ = a_ == b_; \
    if (!ok_) \
        test_fail("%s == %s: got %ld (%#lx), want %ld (%#lx)", #a, #b, \
                  a_, (uint64_t)a_, b_, (uint64_t)b_); \
    ok_; })

/* REQUIRE / REQUIRE_EQ: as above, but a failure ends the test (FAILURE). */
#define REQUIRE(cond) do { \
    if (!CHECK(cond)) \
        test_end(RESULT_FAILURE); \
} while (0)
#define REQUIRE_EQ(a, b) do { \
    if (!CHECK_EQ(a, b)) \
        test_end(RESULT_FAILURE); \
} while (0)

/* ---- console ---------------------------------------------------------- */

int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* Write len bytes to the console (console_io, or port 0xe9 without Xen). */
void console_write(const char *buf, size_t len);

/* ---- boot information --------------------------------------------------- */

/* Start of day (start.c, for any kernel on this runtime): check and zero
 * .bss, point vCPU 0's GS at its percpu, load the IDT, set up the hypercall
 * page and start_info. NULL, or why hypercalls are not available (with
 * xen_cpuid_base 0 when there is no Xen at all). */
const char *start_of_day(uint32_t start_info_pa);

/* The PVH start info Petrel passed in EBX (identity-mapped). */
extern const struct hvm_start_info *start_info;
/* The guest's command line (start_info->cmdline_paddr), or "" if none. */
const char *cmdline(void);
/* Whether [start, end) lies inside one entry of the memory map (start
 * info) of that XEN_HVM_MEMMAP_TYPE_*. */
bool memmap_has(uint32_t type, uint64_t start, uint64_t end);
/* Look up the word key=value in the command line: true and *val / *len
 * (not NUL-terminated) if present; a bare "key" gives an empty value. */
bool cmdline_find(const char *key, const char **val, size_t *len);
/* cmdline_find() and parse the value as a decimal or 0x hex number. */
bool cmdline_u64(const char *key, uint64_t *out);
/* cmdline_u64(key), or def when the key is absent or not a number. */
uint64_t cmdline_u64_or(const char *key, uint64_t def);

/* Bytes of .bss that were not zero when the guest started (the loader
 * must zero p_memsz beyond p_filesz); the framework zeroes them. */
extern uint64_t bss_dirty_bytes;

/* The guest image [__image_start, __image_end), page tables and stack
 * included (from the linker script). */
extern char __image_start[], __image_end[];

/* ---- exceptions ------------------------------------------------------- */

/* RDMSR / WRMSR that return 0, or the exception vector (13 for #GP)
 * instead of faulting; *val is 0 after a fault. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);

/* An exception table entry: an exception at insn resumes at fixup with the
 * vector number in RAX. Use from inline asm after the instruction. */
#define ASM_EXTABLE(insn, fixup) \
    ".pushsection .extable, \"a\"\n\t.balign 8\n\t" \
    ".quad " #insn ", " #fixup "\n\t.popsection\n\t"

/* ---- page tables -------------------------------------------------------- */

/* Identity-map [0, end) (head.S maps the first 4 GiB; more comes from a
 * small pool of table pages, or 1 GiB pages where the CPU has them).
 * 0 or -1 when the pool is exhausted. */
int pt_identity_map(uint64_t end);
/* Map one 4 KiB page va -> pa (writable, present). 0 or -1. */
int pt_map_page(uint64_t va, uint64_t pa);
/* The same, uncached (device registers). 0 or -1. */
int pt_map_page_uc(uint64_t va, uint64_t pa);
/* Whether va is mapped by the current page tables. */
bool pt_is_mapped(uint64_t va);

/* ---- strings ------------------------------------------------------------ */

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
