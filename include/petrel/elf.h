/* SPDX-License-Identifier: MIT */
/* ELF kernel images: parse and check one, then load it into a guest. */
#ifndef PETREL_ELF_H
#define PETREL_ELF_H

#include <petrel/types.h>

struct guest_mem_ops;

#define ELF_MAX_SEGMENTS    16      /* PT_LOAD segments kept (Linux has 4) */

/* One PT_LOAD segment with a non-zero memsz, as found in the file. */
struct elf_segment {
    uint64_t offset;                /* in the file; offset + filesz <= size */
    uint64_t paddr;                 /* p_paddr: where it is loaded */
    uint64_t filesz;                /* bytes copied from the file */
    uint64_t memsz;                 /* filesz <= memsz; the rest is zeroed */
};

/*
 * A parsed image. It points into the caller's buffer, which must stay
 * unchanged for as long as the image is used.
 */
struct elf_image {
    const uint8_t *data;
    size_t size;
    bool is64;                      /* ELFCLASS64 (else ELFCLASS32) */
    uint16_t machine;               /* EM_X86_64 or EM_386 */
    uint64_t entry;                 /* e_entry (a virtual address for Linux) */
    uint64_t lo, hi;                /* [lo, hi): physical extent of PT_LOADs */
    unsigned int nr_segments;
    struct elf_segment segs[ELF_MAX_SEGMENTS];
    bool has_phys32_entry;          /* a "Xen" XEN_ELFNOTE_PHYS32_ENTRY note */
    uint32_t phys32_entry;          /* ... its value: the PVH entry point */
};

/*
 * Parse and check the ELF file data[0..size): little-endian ELF64 or ELF32,
 * EM_X86_64 or EM_386, ET_EXEC only (ET_DYN and the rest are refused). The
 * header and the program-header table must lie in the file; each PT_LOAD
 * must have filesz <= memsz, its file bytes in the file and paddr + memsz
 * not overflow; at least one PT_LOAD must have memsz > 0. PT_NOTE segments
 * are searched for the Xen PHYS32_ENTRY note (a 4- or 8-byte value below
 * 4 GiB); its absence is not an error here (has_phys32_entry stays false),
 * but a malformed note is. Reads nothing outside data[0..size); the data may
 * be unaligned. Returns 0 and fills *img, or -EINVAL after a pr_warn naming
 * the problem. Pure: no global state, callable from any context.
 */
int elf_parse(const void *data, size_t size, struct elf_image *img);

/*
 * Load a parsed image into a guest: for each PT_LOAD segment copy filesz
 * bytes to guest-physical p_paddr and zero the rest up to memsz, through
 * 'ops' with 'ctx'. Returns 0 or the first error from an op (-EFAULT when a
 * segment is not guest RAM); segments before it have been written.
 */
int elf_load(const struct elf_image *img, const struct guest_mem_ops *ops,
             void *ctx);

#endif
