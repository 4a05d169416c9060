/* SPDX-License-Identifier: MIT */
/* ELF64/ELF32 x86 kernel images: checks, PT_LOAD extent, Xen notes, loading. */
#include <petrel/elf.h>
#include <petrel/errno.h>
#include <petrel/guest_mem.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <public/elfnote.h>

/*
 * The file is untrusted input (a multiboot2 module today, a file from dom0
 * later): every offset and size is checked against the file before it is
 * used, in 64-bit arithmetic that cannot wrap. Headers are copied out with
 * memcpy, so the file may sit at any alignment. Both the hypervisor and the
 * unit-test host are little-endian x86, so the copies need no byte swapping;
 * files that say they are big-endian are refused.
 */

/* ---- On-disk layouts (System V ABI, "ELF Header" and "Program Header") -- */
#define EI_NIDENT       16
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define ELFCLASS32      1
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ET_EXEC         2
#define ET_DYN          3
#define EM_386          3
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_NOTE         4
#define PN_XNUM         0xffff      /* real count in section 0: not supported */

struct elf64_ehdr {
    uint8_t  e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} __packed;

struct elf32_ehdr {
    uint8_t  e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint32_t e_entry;
    uint32_t e_phoff;
    uint32_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} __packed;

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
} __packed;

struct elf32_phdr {
    uint32_t p_type;
    uint32_t p_offset;
    uint32_t p_vaddr;
    uint32_t p_paddr;
    uint32_t p_filesz;
    uint32_t p_memsz;
    uint32_t p_flags;
    uint32_t p_align;
} __packed;

/* A note: this header, the name padded, the descriptor padded. */
struct elf_note_hdr {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
} __packed;

BUILD_BUG_ON(sizeof(struct elf64_ehdr) != 64);
BUILD_BUG_ON(sizeof(struct elf32_ehdr) != 52);
BUILD_BUG_ON(sizeof(struct elf64_phdr) != 56);
BUILD_BUG_ON(sizeof(struct elf32_phdr) != 32);
BUILD_BUG_ON(sizeof(struct elf_note_hdr) != 12);

/* The class-neutral view of the headers this file uses. */
struct elf_hdr {
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff;
    uint16_t phentsize, phnum;
};

struct elf_phdr {
    uint32_t type;
    uint64_t offset, paddr, filesz, memsz, align;
};

#define elf_warn(fmt, ...)  pr_warn("elf: " fmt "\n", ##__VA_ARGS__)

/* Is [off, off + len) inside a file of 'size' bytes? No wrap-around. */
static bool elf_in_file(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

static int elf_check_ident(const uint8_t *d, size_t size, bool *is64)
{
    if (size < EI_NIDENT || memcmp(d, "\177ELF", 4) != 0) {
        elf_warn("not an ELF file");
        return -EINVAL;
    }
    if (d[EI_CLASS] != ELFCLASS32 && d[EI_CLASS] != ELFCLASS64) {
        elf_warn("unknown class %u", d[EI_CLASS]);
        return -EINVAL;
    }
    if (d[EI_DATA] != ELFDATA2LSB) {
        elf_warn("not little-endian (data encoding %u)", d[EI_DATA]);
        return -EINVAL;
    }
    if (d[EI_VERSION] != EV_CURRENT) {
        elf_warn("unknown ident version %u", d[EI_VERSION]);
        return -EINVAL;
    }
    *is64 = d[EI_CLASS] == ELFCLASS64;
    return 0;
}

static void elf_read_ehdr64(const uint8_t *d, struct elf_hdr *h)
{
    struct elf64_ehdr e;

    memcpy(&e, d, sizeof(e));
    *h = (struct elf_hdr){ e.e_type, e.e_machine, e.e_version, e.e_entry,
                           e.e_phoff, e.e_phentsize, e.e_phnum };
}

static void elf_read_ehdr32(const uint8_t *d, struct elf_hdr *h)
{
    struct elf32_ehdr e;

    memcpy(&e, d, sizeof(e));
    *h = (struct elf_hdr){ e.e_type, e.e_machine, e.e_version, e.e_entry,
                           e.e_phoff, e.e_phentsize, e.e_phnum };
}

static void elf_read_phdr(const uint8_t *d, bool is64, struct elf_phdr *p)
{
    if (is64) {
        struct elf64_phdr e;

        memcpy(&e, d, sizeof(e));
        *p = (struct elf_phdr){ e.p_type, e.p_offset, e.p_paddr, e.p_filesz,
                                e.p_memsz, e.p_align };
    } else {
        struct elf32_phdr e;

        memcpy(&e, d, sizeof(e));
        *p = (struct elf_phdr){ e.p_type, e.p_offset, e.p_paddr, e.p_filesz,
                                e.p_memsz, e.p_align };
    }
}

/* Read the file header and check what kind of file this is. */
static int elf_check_ehdr(const uint8_t *d, size_t size, bool is64,
                          struct elf_hdr *h)
{
    size_t need = is64 ? sizeof(struct elf64_ehdr) : sizeof(struct elf32_ehdr);

    if (size < need) {
        elf_warn("file too short for its header (%zu bytes)", size);
        return -EINVAL;
    }
    if (is64)
        elf_read_ehdr64(d, h);
    else
        elf_read_ehdr32(d, h);
    if (h->type == ET_DYN) {
        elf_warn("ET_DYN (position-independent) images are not supported");
        return -EINVAL;
    }
    if (h->type != ET_EXEC) {
        elf_warn("not an executable (e_type %u)", h->type);
        return -EINVAL;
    }
    if (h->machine != EM_X86_64 && h->machine != EM_386) {
        elf_warn("not an x86 image (e_machine %u)", h->machine);
        return -EINVAL;
    }
    if (h->version != EV_CURRENT) {
        elf_warn("unknown e_version %u", h->version);
        return -EINVAL;
    }
    return 0;
}

/* The program-header table must be whole and inside the file. */
static int elf_check_phdrs(size_t size, bool is64, const struct elf_hdr *h)
{
    size_t entsz = is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);

    if (h->phnum == 0 || h->phnum == PN_XNUM) {
        elf_warn("unsupported program-header count %u", h->phnum);
        return -EINVAL;
    }
    if (h->phentsize < entsz) {
        elf_warn("program-header entries too small (%u bytes)", h->phentsize);
        return -EINVAL;
    }
    if (!elf_in_file(size, h->phoff, (uint64_t)h->phnum * h->phentsize)) {
        elf_warn("program-header table (offset %#llx, %u entries) outside "
                 "the file", (unsigned long long)h->phoff, h->phnum);
        return -EINVAL;
    }
    return 0;
}

static int elf_add_load(struct elf_image *img, unsigned int i,
                        const struct elf_phdr *p)
{
    struct elf_segment *s;

    if (p->filesz > p->memsz) {
        elf_warn("segment %u: filesz %#llx > memsz %#llx", i,
                 (unsigned long long)p->filesz, (unsigned long long)p->memsz);
        return -EINVAL;
    }
    if (!elf_in_file(img->size, p->offset, p->filesz)) {
        elf_warn("segment %u: file bytes outside the file", i);
        return -EINVAL;
    }
    if (p->memsz > UINT64_MAX - p->paddr) {
        elf_warn("segment %u: paddr + memsz overflows", i);
        return -EINVAL;
    }
    if (p->memsz == 0)
        return 0;
    if (img->nr_segments == ELF_MAX_SEGMENTS) {
        elf_warn("more than %u loadable segments", ELF_MAX_SEGMENTS);
        return -EINVAL;
    }
    s = &img->segs[img->nr_segments++];
    *s = (struct elf_segment){ p->offset, p->paddr, p->filesz, p->memsz };
    img->lo = img->nr_segments == 1 ? s->paddr : MIN(img->lo, s->paddr);
    img->hi = MAX(img->hi, s->paddr + s->memsz);
    return 0;
}

/* XEN_ELFNOTE_PHYS32_ENTRY: a 4-byte value (older Linux) or 8 (6.x). */
static int elf_take_phys32(struct elf_image *img, const uint8_t *desc,
                           uint32_t descsz)
{
    uint64_t val = 0;

    if (descsz != 4 && descsz != 8) {
        elf_warn("PHYS32_ENTRY note has %u bytes (want 4 or 8)", descsz);
        return -EINVAL;
    }
    memcpy(&val, desc, descsz);
    if (val > UINT32_MAX) {
        elf_warn("PHYS32_ENTRY %#llx is above 4 GiB", (unsigned long long)val);
        return -EINVAL;
    }
    if (img->has_phys32_entry)  /* the first one wins */
        return 0;
    img->phys32_entry = (uint32_t)val;
    img->has_phys32_entry = true;
    return 0;
}

/*
 * Walk the notes of one PT_NOTE segment. The descriptor and the next note
 * start at the first multiple of the segment's alignment (4, or 8 where
 * p_align says so, as readelf does; GNU property notes use 8) counted from
 * the note's start. The last note's trailing padding may be cut off by the
 * end of the segment; anything else running past it is an error.
 */
static int elf_scan_notes(struct elf_image *img, unsigned int i,
                          const struct elf_phdr *p)
{
    uint64_t align = p->align == 8 ? 8 : 4;
    uint64_t pos = p->offset, end = p->offset + p->filesz;
    struct elf_note_hdr n;
    uint64_t name, desc;
    int rc;

    if (!elf_in_file(img->size, p->offset, p->filesz)) {
        elf_warn("note segment %u outside the file", i);
        return -EINVAL;
    }
    while (pos < end) {
        if (end - pos < sizeof(n))
            goto bad;
        memcpy(&n, img->data + pos, sizeof(n));
        name = pos + sizeof(n);
        desc = pos + ALIGN_UP((uint64_t)sizeof(n) + n.n_namesz, align);
        if (desc > end || n.n_descsz > end - desc)
            goto bad;
        if (n.n_namesz == 4 && memcmp(img->data + name, "Xen", 4) == 0 &&
            n.n_type == XEN_ELFNOTE_PHYS32_ENTRY) {
            rc = elf_take_phys32(img, img->data + desc, n.n_descsz);
            if (rc)
                return rc;
        }
        pos = MIN(desc + ALIGN_UP((uint64_t)n.n_descsz, align), end);
    }
    return 0;
bad:
    elf_warn("note segment %u: note at offset %#llx runs past the segment",
             i, (unsigned long long)pos);
    return -EINVAL;
}

static int elf_walk_phdrs(struct elf_image *img, const struct elf_hdr *h)
{
    struct elf_phdr p;
    int rc = 0;

    for (unsigned int i = 0; i < h->phnum && !rc; i++) {
        elf_read_phdr(img->data + h->phoff + (uint64_t)i * h->phentsize,
                      img->is64, &p);
        if (p.type == PT_LOAD)
            rc = elf_add_load(img, i, &p);
        else if (p.type == PT_NOTE)
            rc = elf_scan_notes(img, i, &p);
    }
    if (!rc && img->nr_segments == 0) {
        elf_warn("no loadable segment");
        rc = -EINVAL;
    }
    return rc;
}

int elf_parse(const void *data, size_t size, struct elf_image *img)
{
    const uint8_t *d = data;
    struct elf_hdr h;
    bool is64;
    int rc;

    memset(img, 0, sizeof(*img));
    rc = elf_check_ident(d, size, &is64);
    if (!rc)
        rc = elf_check_ehdr(d, size, is64, &h);
    if (!rc)
        rc = elf_check_phdrs(size, is64, &h);
    if (rc)
        return rc;
    img->data = d;
    img->size = size;
    img->is64 = is64;
    img->machine = h.machine;
    img->entry = h.entry;
    rc = elf_walk_phdrs(img, &h);
    if (rc)
        memset(img, 0, sizeof(*img));
    return rc;
}

int elf_load(const struct elf_image *img, const struct guest_mem_ops *ops,
             void *ctx)
{
    int rc = 0;

    for (unsigned int i = 0; i < img->nr_segments && !rc; i++) {
        const struct elf_segment *s = &img->segs[i];

        rc = ops->write(ctx, s->paddr, img->data + s->offset, s->filesz);
        if (!rc && s->memsz > s->filesz)
            rc = ops->zero(ctx, s->paddr + s->filesz, s->memsz - s->filesz);
    }
    return rc;
}
