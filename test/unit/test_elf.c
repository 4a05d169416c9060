/* SPDX-License-Identifier: MIT */
/* Unit tests for the ELF loader (common/elf.c), on ELF files built here. */

/*
 * The files are built with the host's <elf.h> layouts (not common/elf.c's
 * own), so that a wrong layout there is caught. Each file is parsed from a
 * heap copy of exactly its size, so that AddressSanitizer catches any read
 * past its end.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/elf.h>
#include <petrel/errno.h>
#include <public/elfnote.h>
#include "fake_guest.h"
#include "stubs.h"

#define TEXT_PA     0x1000000ULL
#define TEXT_SZ     0x1000
#define DATA_PA     0x1200000ULL
#define DATA_FSZ    0x100
#define DATA_MSZ    0x2000
#define ENTRY_PA    0x1000040U
#define NOTE_PH     2           /* index of the PT_NOTE in the good file */

/* ---- Building ELF files ------------------------------------------------- */

static struct {
    uint8_t buf[0x10000] __aligned(16);
    size_t len;
    bool is64;
    size_t text_off, data_off, note_off, note_len;
} eb;

static uint8_t *file;           /* the heap copy last parsed */
static struct elf_image img;

static size_t eb_phsz(void)
{
    return eb.is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
}

static void eb_begin(bool is64, uint16_t machine, unsigned int nph)
{
    unsigned char ident[EI_NIDENT] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3,
        is64 ? ELFCLASS64 : ELFCLASS32, ELFDATA2LSB, EV_CURRENT };

    memset(&eb, 0, sizeof(eb));
    eb.is64 = is64;
    if (is64) {
        Elf64_Ehdr h = { .e_type = ET_EXEC, .e_machine = machine,
            .e_version = EV_CURRENT, .e_entry = 0xffffffff81000000ULL,
            .e_phoff = sizeof(h), .e_ehsize = sizeof(h),
            .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = nph };

        memcpy(h.e_ident, ident, EI_NIDENT);
        memcpy(eb.buf, &h, sizeof(h));
        eb.len = sizeof(h);
    } else {
        Elf32_Ehdr h = { .e_type = ET_EXEC, .e_machine = machine,
            .e_version = EV_CURRENT, .e_entry = 0x81000000U,
            .e_phoff = sizeof(h), .e_ehsize = sizeof(h),
            .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = nph };

        memcpy(h.e_ident, ident, EI_NIDENT);
        memcpy(eb.buf, &h, sizeof(h));
        eb.len = sizeof(h);
    }
    eb.len = ALIGN_UP(eb.len + nph * eb_phsz(), 16);
}

static void eb_phdr(unsigned int i, uint32_t type, uint64_t off, uint64_t paddr,
                    uint64_t filesz, uint64_t memsz, uint64_t align)
{
    size_t at = (eb.is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)) + i * eb_phsz();

    if (eb.is64) {
        Elf64_Phdr p = { type, PF_R, off, paddr | 0xffffffff80000000ULL,
                         paddr, filesz, memsz, align };
        memcpy(eb.buf + at, &p, sizeof(p));
    } else {
        Elf32_Phdr p = { type, off, paddr | 0x80000000U, paddr, filesz, memsz,
                         PF_R, align };
        memcpy(eb.buf + at, &p, sizeof(p));
    }
}

/* Append n bytes at the next multiple of 'align'; returns their offset. */
static size_t eb_add(const void *p, size_t n, size_t align)
{
    size_t at = ALIGN_UP(eb.len, align);

    assert_true(at + n <= sizeof(eb.buf));
    if (p)
        memcpy(eb.buf + at, p, n);
    eb.len = at + n;
    return at;
}

/* Append one note, name and descriptor each padded to 'align'. */
static size_t eb_note(const char *name, uint32_t namesz, uint32_t type,
                      const void *desc, uint32_t descsz, size_t align)
{
    uint32_t hdr[3] = { namesz, descsz, type };
    size_t at = eb_add(hdr, sizeof(hdr), align);

    eb_add(name, namesz, 1);
    eb.len = ALIGN_UP(eb.len, align);
    eb_add(desc, descsz, 1);
    eb.len = ALIGN_UP(eb.len, align);
    return at;
}

static void eb_pattern(size_t off, size_t n, unsigned int seed)
{
    for (size_t i = 0; i < n; i++)
        eb.buf[off + i] = (uint8_t)(i * 7 + seed);
}

/*
 * A kernel like Linux's, scaled down: text, data + bss, a PT_NOTE with a GNU
 * build id, a Xen GUEST_OS string and the PHYS32_ENTRY note whose
 * descriptor is 'descsz' bytes (0: no such note), and a PT_GNU_STACK.
 */
static void eb_good(bool is64, uint16_t machine, uint32_t descsz, uint64_t entry)
{
    uint8_t id[20] = { 1, 2, 3 };

    eb_begin(is64, machine, 4);
    eb.text_off = eb_add(NULL, TEXT_SZ, 0x1000);
    eb_pattern(eb.text_off, TEXT_SZ, 1);
    eb.data_off = eb_add(NULL, DATA_FSZ, 0x1000);
    eb_pattern(eb.data_off, DATA_FSZ, 3);
    eb.note_off = eb_note("GNU", 4, 3, id, sizeof(id), 4);
    eb_note("Xen", 4, XEN_ELFNOTE_GUEST_OS, "linux", 6, 4);
    if (descsz)
        eb_note("Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &entry, descsz, 4);
    eb.note_len = eb.len - eb.note_off;
    eb_phdr(0, PT_LOAD, eb.text_off, TEXT_PA, TEXT_SZ, TEXT_SZ, 0x200000);
    eb_phdr(1, PT_LOAD, eb.data_off, DATA_PA, DATA_FSZ, DATA_MSZ, 0x200000);
    eb_phdr(NOTE_PH, PT_NOTE, eb.note_off, 0, eb.note_len, eb.note_len, 4);
    eb_phdr(3, PT_GNU_STACK, 0, 0, 0, 0, 16);
}

static void eb_good64(void)
{
    eb_good(true, EM_X86_64, 4, ENTRY_PA);
}

/* Patch one field of the ELF64 file header. */
#define EH64_SET(field, val) do {                   \
        Elf64_Ehdr h_;                              \
        memcpy(&h_, eb.buf, sizeof(h_));            \
        h_.field = (val);                           \
        memcpy(eb.buf, &h_, sizeof(h_));            \
    } while (0)

/* Parse the first 'size' bytes of the file from an exact-size heap copy. */
static int parse_n(size_t size)
{
    free(file);
    file = malloc(size ? size : 1);
    assert_non_null(file);
    memcpy(file, eb.buf, size);
    stub_log_reset();
    return elf_parse(file, size, &img);
}

static int parse(void)
{
    return parse_n(eb.len);
}

/* Expect -EINVAL with exactly one warning that mentions 'what'. */
static void expect_bad(const char *what)
{
    assert_int_equal(parse(), -EINVAL);
    assert_int_equal(stub_log_warnings, 1);
    if (!stub_log_contains(what))
        fail_msg("log \"%s\" lacks \"%s\"", stub_log, what);
    assert_int_equal(img.nr_segments, 0);
    assert_false(img.has_phys32_entry);
}

static int teardown(void **state)
{
    free(file);
    file = NULL;
    return 0;
}

/* ---- Good files ---------------------------------------------------------- */

static void check_good_image(bool is64, uint16_t machine)
{
    assert_int_equal(parse(), 0);
    assert_int_equal(stub_log_warnings, 0);
    assert_ptr_equal(img.data, file);
    assert_int_equal(img.size, eb.len);
    assert_int_equal(img.is64, is64);
    assert_int_equal(img.machine, machine);
    assert_int_equal(img.nr_segments, 2);
    assert_int_equal(img.lo, TEXT_PA);
    assert_int_equal(img.hi, DATA_PA + DATA_MSZ);
    assert_int_equal(img.segs[0].offset, eb.text_off);
    assert_int_equal(img.segs[0].paddr, TEXT_PA);
    assert_int_equal(img.segs[0].filesz, TEXT_SZ);
    assert_int_equal(img.segs[1].paddr, DATA_PA);
    assert_int_equal(img.segs[1].filesz, DATA_FSZ);
    assert_int_equal(img.segs[1].memsz, DATA_MSZ);
    assert_true(img.has_phys32_entry);
    assert_int_equal(img.phys32_entry, ENTRY_PA);
}

static void test_good_elf64(void **state)
{
    eb_good64();
    check_good_image(true, EM_X86_64);
    assert_int_equal(img.entry, 0xffffffff81000000ULL);
}

static void test_good_elf32(void **state)
{
    eb_good(false, EM_386, 4, ENTRY_PA);
    check_good_image(false, EM_386);
    assert_int_equal(img.entry, 0x81000000U);
}

/* Linux 6.x stores the entry as 8 bytes (_ASM_PTR). */
static void test_note_8_bytes(void **state)
{
    eb_good(true, EM_X86_64, 8, ENTRY_PA);
    check_good_image(true, EM_X86_64);
}

static void test_note_8_bytes_above_4g(void **state)
{
    eb_good(true, EM_X86_64, 8, 0x100000000ULL | ENTRY_PA);
    expect_bad("above 4 GiB");
}

static void test_note_bad_desc_size(void **state)
{
    eb_good(true, EM_X86_64, 2, ENTRY_PA);
    expect_bad("PHYS32_ENTRY note has 2 bytes");
}

static void test_missing_note(void **state)
{
    eb_good(true, EM_X86_64, 0, 0);
    assert_int_equal(parse(), 0);
    assert_int_equal(stub_log_warnings, 0);
    assert_false(img.has_phys32_entry);
    assert_int_equal(img.phys32_entry, 0);
    assert_int_equal(img.nr_segments, 2);
}

/* Name "Xen" must be 4 bytes with its NUL; "Xenx" or "XenPV" is not ours. */
static void test_note_other_names_ignored(void **state)
{
    uint32_t v = ENTRY_PA;

    eb_begin(true, EM_X86_64, 2);
    eb.text_off = eb_add(NULL, TEXT_SZ, 0x1000);
    eb.note_off = eb_note("Xenx", 4, XEN_ELFNOTE_PHYS32_ENTRY, &v, 4, 4);
    eb_note("XenPV", 6, XEN_ELFNOTE_PHYS32_ENTRY, &v, 4, 4);
    eb_note("Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY - 1, &v, 4, 4);
    eb_phdr(0, PT_LOAD, eb.text_off, TEXT_PA, TEXT_SZ, TEXT_SZ, 0x1000);
    eb_phdr(1, PT_NOTE, eb.note_off, 0, eb.len - eb.note_off, 0, 4);
    assert_int_equal(parse(), 0);
    assert_false(img.has_phys32_entry);
}

/* Notes in a segment aligned to 8 are padded to 8 (GNU property notes). */
static void test_note_align_8(void **state)
{
    uint64_t v = ENTRY_PA;
    uint8_t prop[16] = { 0 };

    eb_begin(true, EM_X86_64, 2);
    eb.text_off = eb_add(NULL, TEXT_SZ, 0x1000);
    eb.note_off = eb_note("GNU", 4, 5, prop, 12, 8);  /* desc padded 12 -> 16 */
    eb_note("Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &v, 8, 8);
    eb_phdr(0, PT_LOAD, eb.text_off, TEXT_PA, TEXT_SZ, TEXT_SZ, 0x1000);
    eb_phdr(1, PT_NOTE, eb.note_off, 0, eb.len - eb.note_off, 0, 8);
    assert_int_equal(parse(), 0);
    assert_true(img.has_phys32_entry);
    assert_int_equal(img.phys32_entry, ENTRY_PA);
}

/* The first PHYS32_ENTRY wins; a later one is not looked at twice. */
static void test_note_first_wins(void **state)
{
    uint32_t a = ENTRY_PA, b = ENTRY_PA + 0x10;

    eb_begin(true, EM_X86_64, 2);
    eb.text_off = eb_add(NULL, TEXT_SZ, 0x1000);
    eb.note_off = eb_note("Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &a, 4, 4);
    eb_note("Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &b, 4, 4);
    eb_phdr(0, PT_LOAD, eb.text_off, TEXT_PA, TEXT_SZ, TEXT_SZ, 0x1000);
    eb_phdr(1, PT_NOTE, eb.note_off, 0, eb.len - eb.note_off, 0, 4);
    assert_int_equal(parse(), 0);
    assert_int_equal(img.phys32_entry, ENTRY_PA);
}

/* A descriptor whose last padding is cut by the segment end is accepted. */
static void test_note_unpadded_tail(void **state)
{
    uint8_t d[3] = { 1, 2, 3 };
    uint32_t v = ENTRY_PA;

    eb_begin(true, EM_X86_64, 2);
    eb.text_off = eb_add(NULL, TEXT_SZ, 0x1000);
    eb.note_off = eb_note("Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &v, 4, 4);
    eb_note("Xen", 4, XEN_ELFNOTE_GUEST_OS, d, 3, 4);
    eb_phdr(0, PT_LOAD, eb.text_off, TEXT_PA, TEXT_SZ, TEXT_SZ, 0x1000);
    eb_phdr(1, PT_NOTE, eb.note_off, 0, eb.len - eb.note_off - 1, 0, 4);
    assert_int_equal(parse(), 0);
    assert_true(img.has_phys32_entry);
}

/* ---- Malformed notes ----------------------------------------------------- */

/* Rewrite the n-th 32-bit word of the first note of the good file. */
static void note_word(unsigned int n, uint32_t v)
{
    memcpy(eb.buf + eb.note_off + 4 * n, &v, 4);
}

static void test_note_descsz_past_segment(void **state)
{
    eb_good64();
    note_word(1, 0x1000);
    expect_bad("runs past the segment");
}

static void test_note_namesz_huge(void **state)
{
    eb_good64();
    note_word(0, 0xffffffff);
    expect_bad("runs past the segment");
}

static void test_note_descsz_huge(void **state)
{
    eb_good64();
    note_word(1, 0xfffffffd);
    expect_bad("runs past the segment");
}

/* The segment ends inside the last note's header or descriptor. */
static void test_note_truncated(void **state)
{
    eb_good64();
    eb_phdr(NOTE_PH, PT_NOTE, eb.note_off, 0, eb.note_len - 14, 0, 4);
    expect_bad("runs past the segment");
    eb_phdr(NOTE_PH, PT_NOTE, eb.note_off, 0, eb.note_len - 2, 0, 4);
    expect_bad("runs past the segment");
}

static void test_note_segment_outside_file(void **state)
{
    eb_good64();
    eb_phdr(NOTE_PH, PT_NOTE, eb.note_off, 0, eb.len, 0, 4);
    expect_bad("note segment 2 outside the file");
    eb_phdr(NOTE_PH, PT_NOTE, UINT64_MAX - 3, 0, 8, 0, 4);
    expect_bad("note segment 2 outside the file");
}

/* The note segment is the file's last bytes; the file is cut short. */
static void test_file_cut_inside_notes(void **state)
{
    eb_good64();
    assert_int_equal(eb.note_off + eb.note_len, eb.len);
    assert_int_equal(parse_n(eb.len - 1), -EINVAL);
    assert_true(stub_log_contains("note segment 2 outside the file"));
}

/* ---- Malformed headers and segments -------------------------------------- */

static void test_load_outside_file(void **state)
{
    eb_good64();
    eb_phdr(1, PT_LOAD, eb.data_off, DATA_PA, eb.len, eb.len, 0x1000);
    expect_bad("segment 1: file bytes outside the file");
    eb_phdr(1, PT_LOAD, UINT64_MAX - 0x10, DATA_PA, 0x100, 0x100, 0x1000);
    expect_bad("segment 1: file bytes outside the file");
    eb_phdr(1, PT_LOAD, eb.len + 1, DATA_PA, 0, 0x100, 0x1000);
    expect_bad("segment 1: file bytes outside the file");
}

static void test_load_filesz_gt_memsz(void **state)
{
    eb_good64();
    eb_phdr(1, PT_LOAD, eb.data_off, DATA_PA, DATA_FSZ, DATA_FSZ - 1, 0x1000);
    expect_bad("segment 1: filesz 0x100 > memsz 0xff");
}

static void test_load_paddr_overflow(void **state)
{
    eb_good64();
    eb_phdr(1, PT_LOAD, eb.data_off, UINT64_MAX - 0xfff, DATA_FSZ, 0x1000,
            0x1000);
    expect_bad("segment 1: paddr + memsz overflows");
    /* Ending exactly at 2^64 - 1 is representable. */
    eb_phdr(1, PT_LOAD, eb.data_off, UINT64_MAX - 0x1000, DATA_FSZ, 0x1000,
            0x1000);
    assert_int_equal(parse(), 0);
    assert_int_equal(img.hi, UINT64_MAX);
}

static void test_phdrs_out_of_bounds(void **state)
{
    eb_good64();
    EH64_SET(e_phoff, eb.len - sizeof(Elf64_Phdr) * 4 + 1);
    expect_bad("program-header table");
    eb_good64();
    EH64_SET(e_phoff, UINT64_MAX - 8);
    expect_bad("program-header table");
    eb_good64();
    EH64_SET(e_phnum, 0x7fff);
    expect_bad("program-header table");
}

static void test_phdrs_bad_counts(void **state)
{
    eb_good64();
    EH64_SET(e_phnum, 0);
    expect_bad("unsupported program-header count 0");
    eb_good64();
    EH64_SET(e_phnum, PN_XNUM);
    expect_bad("unsupported program-header count 65535");
    eb_good64();
    EH64_SET(e_phentsize, sizeof(Elf64_Phdr) - 1);
    expect_bad("program-header entries too small");
}

/* A larger e_phentsize is a stride: the extra bytes are skipped. */
static void test_phdrs_larger_stride(void **state)
{
    size_t stride = sizeof(Elf64_Phdr) + 8;
    Elf64_Phdr p[2];

    eb_good64();
    memcpy(p, eb.buf + sizeof(Elf64_Ehdr), sizeof(p));
    memset(eb.buf + sizeof(Elf64_Ehdr), 0xee, 2 * stride);
    memcpy(eb.buf + sizeof(Elf64_Ehdr), &p[0], sizeof(p[0]));
    memcpy(eb.buf + sizeof(Elf64_Ehdr) + stride, &p[1], sizeof(p[1]));
    EH64_SET(e_phentsize, stride);
    EH64_SET(e_phnum, 2);
    assert_int_equal(parse(), 0);
    assert_int_equal(img.nr_segments, 2);
    assert_int_equal(img.segs[1].memsz, DATA_MSZ);
}

static void test_bad_ident(void **state)
{
    eb_good64();
    eb.buf[0] = 0x7e;
    expect_bad("not an ELF file");
    eb_good64();
    eb.buf[EI_CLASS] = 3;
    expect_bad("unknown class 3");
    eb_good64();
    eb.buf[EI_CLASS] = ELFCLASSNONE;
    expect_bad("unknown class 0");
    eb_good64();
    eb.buf[EI_DATA] = ELFDATA2MSB;
    expect_bad("not little-endian");
    eb_good64();
    eb.buf[EI_VERSION] = 2;
    expect_bad("unknown ident version");
}

static void test_bad_machine_type_version(void **state)
{
    eb_good(true, EM_AARCH64, 4, ENTRY_PA);
    expect_bad("not an x86 image (e_machine 183)");
    eb_good64();
    EH64_SET(e_type, ET_DYN);
    expect_bad("ET_DYN");
    eb_good64();
    EH64_SET(e_type, ET_REL);
    expect_bad("not an executable (e_type 1)");
    eb_good64();
    EH64_SET(e_version, 0);
    expect_bad("unknown e_version 0");
}

/* Either x86 machine goes with either class. */
static void test_class_machine_mix(void **state)
{
    eb_good(true, EM_386, 4, ENTRY_PA);
    check_good_image(true, EM_386);
    eb_good(false, EM_X86_64, 4, ENTRY_PA);
    check_good_image(false, EM_X86_64);
}

static void test_short_files(void **state)
{
    eb_good64();
    assert_int_equal(parse_n(0), -EINVAL);
    assert_int_equal(parse_n(4), -EINVAL);
    assert_int_equal(parse_n(EI_NIDENT), -EINVAL);
    assert_true(stub_log_contains("file too short for its header (16 bytes)"));
    assert_int_equal(parse_n(sizeof(Elf64_Ehdr) - 1), -EINVAL);
    eb_good(false, EM_386, 4, ENTRY_PA);
    assert_int_equal(parse_n(sizeof(Elf32_Ehdr) - 1), -EINVAL);
    assert_true(stub_log_contains("file too short"));
    assert_int_equal(parse_n(sizeof(Elf32_Ehdr)), -EINVAL);
    assert_true(stub_log_contains("program-header table"));
}

static void test_no_load_segment(void **state)
{
    eb_good64();
    eb_phdr(0, PT_NULL, 0, 0, 0, 0, 0);
    eb_phdr(1, PT_LOAD, eb.data_off, DATA_PA, 0, 0, 0x1000);  /* empty: skipped */
    expect_bad("no loadable segment");
}

static void test_empty_load_skipped(void **state)
{
    eb_good64();
    eb_phdr(3, PT_LOAD, eb.data_off, 0x10, 0, 0, 0x1000);
    assert_int_equal(parse(), 0);
    assert_int_equal(img.nr_segments, 2);
    assert_int_equal(img.lo, TEXT_PA);
}

/* Segments in any order: the extent is their union's bounds. */
static void test_extent_unordered(void **state)
{
    eb_good64();
    eb_phdr(0, PT_LOAD, eb.data_off, DATA_PA, DATA_FSZ, DATA_MSZ, 0x1000);
    eb_phdr(1, PT_LOAD, eb.text_off, TEXT_PA, TEXT_SZ, TEXT_SZ, 0x1000);
    assert_int_equal(parse(), 0);
    assert_int_equal(img.lo, TEXT_PA);
    assert_int_equal(img.hi, DATA_PA + DATA_MSZ);
}

static void test_too_many_segments(void **state)
{
    unsigned int n = ELF_MAX_SEGMENTS + 1;

    eb_begin(true, EM_X86_64, n);
    eb.text_off = eb_add(NULL, TEXT_SZ, 0x1000);
    for (unsigned int i = 0; i < n; i++)
        eb_phdr(i, PT_LOAD, eb.text_off, TEXT_PA + i * 0x1000, 0x10, 0x1000, 0x1000);
    expect_bad("more than 16 loadable segments");
    EH64_SET(e_phnum, ELF_MAX_SEGMENTS);
    assert_int_equal(parse(), 0);
    assert_int_equal(img.hi, TEXT_PA + ELF_MAX_SEGMENTS * 0x1000);
}

/* The file may start at any address: parse a copy one byte off. */
static void test_unaligned_file(void **state)
{
    uint8_t *raw;

    eb_good64();
    raw = malloc(eb.len + 1);
    assert_non_null(raw);
    memcpy(raw + 1, eb.buf, eb.len);
    assert_int_equal(elf_parse(raw + 1, eb.len, &img), 0);
    assert_int_equal(img.phys32_entry, ENTRY_PA);
    free(raw);
}

/*
 * Random corruption of a good file, headers and notes alike: the parser
 * must neither read outside the file (ASan) nor accept an image breaking
 * its own contract.
 */
static void test_mutations(void **state)
{
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    unsigned int accepted = 0;

    for (unsigned int iter = 0; iter < 20000; iter++) {
        size_t size;

        eb_good(iter & 1, iter & 2 ? EM_386 : EM_X86_64, iter & 4 ? 8 : 4,
                ENTRY_PA);
        for (unsigned int k = 0; k < 1 + iter % 6; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            size_t at = (x >> 8) % 2 ? (x >> 16) % 0x100
                                      : eb.note_off + (x >> 16) % eb.note_len;
            eb.buf[at] = (uint8_t)(x >> 40);
        }
        size = iter % 5 ? eb.len : (x >> 20) % eb.len;
        if (parse_n(size))
            continue;
        accepted++;
        assert_true(img.nr_segments >= 1 && img.nr_segments <= ELF_MAX_SEGMENTS);
        for (unsigned int i = 0; i < img.nr_segments; i++) {
            const struct elf_segment *s = &img.segs[i];

            assert_true(s->filesz <= s->memsz && s->memsz > 0);
            assert_true(s->offset <= size && s->filesz <= size - s->offset);
            assert_true(s->paddr >= img.lo && s->memsz <= img.hi - s->paddr);
        }
    }
    assert_true(accepted > 100);    /* the mutations left some files valid */
}

/* ---- Loading ------------------------------------------------------------- */

static void test_load_writes_and_zeroes(void **state)
{
    struct fake_guest g;

    eb_good64();
    assert_int_equal(parse(), 0);
    fake_guest_init(&g, MiB(32));
    fake_guest_add_ram(&g, 0, MiB(32));
    fake_guest_fill(&g, TEXT_PA - 0x1000, MiB(4), 0xcc);
    assert_int_equal(elf_load(&img, &fake_guest_ops, &g), 0);
    assert_memory_equal(fake_guest_ptr(&g, TEXT_PA), eb.buf + eb.text_off, TEXT_SZ);
    assert_memory_equal(fake_guest_ptr(&g, DATA_PA), eb.buf + eb.data_off, DATA_FSZ);
    assert_true(fake_guest_all(&g, DATA_PA + DATA_FSZ, DATA_MSZ - DATA_FSZ, 0));
    /* Nothing around the segments was touched. */
    assert_true(fake_guest_all(&g, TEXT_PA - 0x1000, 0x1000, 0xcc));
    assert_true(fake_guest_all(&g, TEXT_PA + TEXT_SZ, DATA_PA - TEXT_PA - TEXT_SZ, 0xcc));
    assert_true(fake_guest_all(&g, DATA_PA + DATA_MSZ, 0x1000, 0xcc));
    assert_int_equal(g.nr_ops, 3);  /* write text, write data, zero bss */
    assert_false(g.log[1].zero);
    assert_true(g.log[2].zero);
    assert_int_equal(g.log[2].gpa, DATA_PA + DATA_FSZ);
    assert_int_equal(g.log[2].len, DATA_MSZ - DATA_FSZ);
    fake_guest_free(&g);
}

static void test_load_elf32(void **state)
{
    struct fake_guest g;

    eb_good(false, EM_386, 4, ENTRY_PA);
    assert_int_equal(parse(), 0);
    fake_guest_init(&g, MiB(32));
    fake_guest_add_ram(&g, 0, MiB(32));
    fake_guest_fill(&g, DATA_PA, DATA_MSZ, 0xcc);
    assert_int_equal(elf_load(&img, &fake_guest_ops, &g), 0);
    assert_memory_equal(fake_guest_ptr(&g, TEXT_PA), eb.buf + eb.text_off, TEXT_SZ);
    assert_memory_equal(fake_guest_ptr(&g, DATA_PA), eb.buf + eb.data_off, DATA_FSZ);
    assert_true(fake_guest_all(&g, DATA_PA + DATA_FSZ, DATA_MSZ - DATA_FSZ, 0));
    fake_guest_free(&g);
}

static void test_load_fault_propagates(void **state)
{
    struct fake_guest g;

    eb_good64();
    assert_int_equal(parse(), 0);
    /* RAM stops in the middle of the data segment's bss. */
    fake_guest_init(&g, MiB(32));
    fake_guest_add_ram(&g, 0, DATA_PA + 0x1000);
    assert_int_equal(elf_load(&img, &fake_guest_ops, &g), -EFAULT);
    assert_int_equal(g.nr_ops, 3);
    assert_memory_equal(fake_guest_ptr(&g, TEXT_PA), eb.buf + eb.text_off, TEXT_SZ);
    /* An op failing early stops the load there. */
    g.nr_ram = 0;
    fake_guest_add_ram(&g, 0, MiB(32));
    g.nr_ops = 0;
    g.fail_at = 1;
    assert_int_equal(elf_load(&img, &fake_guest_ops, &g), -EFAULT);
    assert_int_equal(g.nr_ops, 1);
    fake_guest_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_good_elf64, teardown),
        cmocka_unit_test_teardown(test_good_elf32, teardown),
        cmocka_unit_test_teardown(test_note_8_bytes, teardown),
        cmocka_unit_test_teardown(test_note_8_bytes_above_4g, teardown),
        cmocka_unit_test_teardown(test_note_bad_desc_size, teardown),
        cmocka_unit_test_teardown(test_missing_note, teardown),
        cmocka_unit_test_teardown(test_note_other_names_ignored, teardown),
        cmocka_unit_test_teardown(test_note_align_8, teardown),
        cmocka_unit_test_teardown(test_note_first_wins, teardown),
        cmocka_unit_test_teardown(test_note_unpadded_tail, teardown),
        cmocka_unit_test_teardown(test_note_descsz_past_segment, teardown),
        cmocka_unit_test_teardown(test_note_namesz_huge, teardown),
        cmocka_unit_test_teardown(test_note_descsz_huge, teardown),
        cmocka_unit_test_teardown(test_note_truncated, teardown),
        cmocka_unit_test_teardown(test_note_segment_outside_file, teardown),
        cmocka_unit_test_teardown(test_file_cut_inside_notes, teardown),
        cmocka_unit_test_teardown(test_load_outside_file, teardown),
        cmocka_unit_test_teardown(test_load_filesz_gt_memsz, teardown),
        cmocka_unit_test_teardown(test_load_paddr_overflow, teardown),
        cmocka_unit_test_teardown(test_phdrs_out_of_bounds, teardown),
        cmocka_unit_test_teardown(test_phdrs_bad_counts, teardown),
        cmocka_unit_test_teardown(test_phdrs_larger_stride, teardown),
        cmocka_unit_test_teardown(test_bad_ident, teardown),
        cmocka_unit_test_teardown(test_bad_machine_type_version, teardown),
        cmocka_unit_test_teardown(test_class_machine_mix, teardown),
        cmocka_unit_test_teardown(test_short_files, teardown),
        cmocka_unit_test_teardown(test_no_load_segment, teardown),
        cmocka_unit_test_teardown(test_empty_load_skipped, teardown),
        cmocka_unit_test_teardown(test_extent_unordered, teardown),
        cmocka_unit_test_teardown(test_too_many_segments, teardown),
        cmocka_unit_test_teardown(test_unaligned_file, teardown),
        cmocka_unit_test_teardown(test_mutations, teardown),
        cmocka_unit_test_teardown(test_load_writes_and_zeroes, teardown),
        cmocka_unit_test_teardown(test_load_elf32, teardown),
        cmocka_unit_test_teardown(test_load_fault_propagates, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
