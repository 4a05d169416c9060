/* SPDX-License-Identifier: MIT */
/* Parse the multiboot2 information block into a struct boot_info. */
#include <petrel/bootinfo.h>
#include <petrel/lib.h>
#include <petrel/multiboot2.h>
#include <petrel/printk.h>

/*
 * The memory map is built in two steps: the loader's ranges are gathered raw
 * (clipped to 52-bit addresses, empty ones dropped) into mb2_raw[], then
 * normalised into bi->ranges by cutting the address space at every range
 * boundary and giving each piece the most restrictive type that covers it.
 * mb2_parse() runs once at boot, before SMP: the scratch arrays are static.
 */
#define MB2_MAX_RAW         512             /* raw ranges considered */
#define MB2_PADDR_LIMIT     (1ULL << 52)    /* architectural MAXPHYADDR */
#define MB2_RSDP_V1_LEN     20
#define MB2_RSDP_V2_LEN     36

static struct mem_range mb2_raw[MB2_MAX_RAW];
static paddr_t mb2_points[2 * MB2_MAX_RAW];

/* What the tag walk found, consumed once the walk is over. */
struct mb2_ctx {
    struct boot_info *bi;
    const struct mb2_tag_mmap *mmap;
    const struct mb2_tag_efi_mmap *efi_mmap;
    const struct mb2_tag_basic_meminfo *meminfo;
    bool rsdp_new;                  /* bi->rsdp came from the ACPI 2.0+ tag */
    unsigned int nr_raw;
    bool raw_overflow;
};

/* Every warning is logged and counted. */
#define mb2_warn(bi, fmt, ...) do {                                 \
        (bi)->warnings++;                                           \
        pr_warn("multiboot2: " fmt "\n", ##__VA_ARGS__);            \
    } while (0)

/* Little-endian loads that do not care about alignment. */
static uint32_t mb2_rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t mb2_rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/* Payload of a tag: the bytes after its 8-byte head. */
static const uint8_t *mb2_payload(const struct mb2_tag *tag)
{
    return (const uint8_t *)tag + sizeof(*tag);
}

/*
 * Copy a loader string of at most 'srclen' bytes into dst[dstsize], always
 * NUL-terminated; warn when the source has no NUL or does not fit.
 */
static void mb2_copy_string(struct boot_info *bi, const char *what, char *dst,
                            size_t dstsize, const char *src, size_t srclen)
{
    size_t n = strnlen(src, srclen);

    if (n == srclen)
        mb2_warn(bi, "%s string is not terminated", what);
    if (n >= dstsize) {
        mb2_warn(bi, "%s string truncated to %lu bytes", what,
                 (unsigned long)(dstsize - 1));
        n = dstsize - 1;
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void mb2_string_tag(struct boot_info *bi, const struct mb2_tag *tag,
                           char *dst, size_t dstsize, const char *what)
{
    mb2_copy_string(bi, what, dst, dstsize, (const char *)mb2_payload(tag),
                    tag->size - sizeof(*tag));
}

static void mb2_module_tag(struct boot_info *bi, const struct mb2_tag *tag)
{
    const struct mb2_tag_module *m = (const void *)tag;
    struct boot_module *mod;

    if (tag->size < sizeof(*m)) {
        mb2_warn(bi, "module tag too short (%u bytes)", tag->size);
        return;
    }
    if (m->mod_start > m->mod_end) {
        mb2_warn(bi, "module [%#x, %#x) ends before it starts, skipped",
                 m->mod_start, m->mod_end);
        return;
    }
    if (bi->nr_modules == BOOT_MAX_MODULES) {
        mb2_warn(bi, "more than %u modules, module at %#x skipped",
                 BOOT_MAX_MODULES, m->mod_start);
        return;
    }
    mod = &bi->modules[bi->nr_modules++];
    mod->start = m->mod_start;
    mod->end = m->mod_end;
    mb2_copy_string(bi, "module", mod->string, sizeof(mod->string), m->string,
                    tag->size - sizeof(*m));
}

/* The ACPI 2.0+ RSDP wins over the 1.0 one, whatever the tag order. */
static void mb2_acpi_tag(struct mb2_ctx *ctx, const struct mb2_tag *tag)
{
    struct boot_info *bi = ctx->bi;
    bool is_new = tag->type == MB2_TAG_ACPI_NEW;
    size_t len = tag->size - sizeof(*tag);

    if (len < MB2_RSDP_V1_LEN) {
        mb2_warn(bi, "ACPI tag %u too short (%lu bytes)", tag->type,
                 (unsigned long)len);
        return;
    }
    if (ctx->rsdp_new && !is_new)
        return;
    len = MIN(len, is_new ? (size_t)MB2_RSDP_V2_LEN : (size_t)MB2_RSDP_V1_LEN);
    memset(bi->rsdp, 0, sizeof(bi->rsdp));
    memcpy(bi->rsdp, mb2_payload(tag), len);
    bi->rsdp_len = len;
    ctx->rsdp_new = is_new;
}

static void mb2_mmap_tag(struct mb2_ctx *ctx, const struct mb2_tag *tag)
{
    const struct mb2_tag_mmap *t = (const void *)tag;

    if (tag->size < sizeof(*t) || t->entry_size < sizeof(struct mb2_mmap_entry) ||
        !IS_ALIGNED(t->entry_size, 8)) {
        mb2_warn(ctx->bi, "memory map tag malformed (size %u, entry size %u)",
                 tag->size, tag->size < sizeof(*t) ? 0 : t->entry_size);
        return;
    }
    ctx->mmap = t;
}

static void mb2_efi_mmap_tag(struct mb2_ctx *ctx, const struct mb2_tag *tag)
{
    const struct mb2_tag_efi_mmap *t = (const void *)tag;

    if (tag->size < sizeof(*t) || t->descr_size < sizeof(struct efi_memory_desc)) {
        mb2_warn(ctx->bi, "EFI memory map tag malformed (size %u, descriptor size %u)",
                 tag->size, tag->size < sizeof(*t) ? 0 : t->descr_size);
        return;
    }
    ctx->efi_mmap = t;
}

static void mb2_meminfo_tag(struct mb2_ctx *ctx, const struct mb2_tag *tag)
{
    if (tag->size < sizeof(struct mb2_tag_basic_meminfo)) {
        mb2_warn(ctx->bi, "basic meminfo tag too short (%u bytes)", tag->size);
        return;
    }
    ctx->meminfo = (const void *)tag;
}

/* One tag, already checked to lie within the block. */
static void mb2_tag(struct mb2_ctx *ctx, const struct mb2_tag *tag)
{
    struct boot_info *bi = ctx->bi;

    switch (tag->type) {
    case MB2_TAG_CMDLINE:
        mb2_string_tag(bi, tag, bi->cmdline, sizeof(bi->cmdline), "command line");
        break;
    case MB2_TAG_BOOT_LOADER_NAME:
        mb2_string_tag(bi, tag, bi->loader, sizeof(bi->loader), "boot loader name");
        break;
    case MB2_TAG_MODULE:
        mb2_module_tag(bi, tag);
        break;
    case MB2_TAG_BASIC_MEMINFO:
        mb2_meminfo_tag(ctx, tag);
        break;
    case MB2_TAG_MMAP:
        mb2_mmap_tag(ctx, tag);
        break;
    case MB2_TAG_EFI_MMAP:
        mb2_efi_mmap_tag(ctx, tag);
        break;
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        mb2_acpi_tag(ctx, tag);
        break;
    case MB2_TAG_EFI32:
    case MB2_TAG_EFI64:
        bi->efi = true;
        break;
    default:                        /* not needed, or unknown: skipped */
        break;
    }
}

/* Walk the tags of a block of 'total' bytes; stop at the end tag. */
static void mb2_walk(struct mb2_ctx *ctx, const uint8_t *mbi, uint32_t total)
{
    uint32_t off = sizeof(struct mb2_info);

    while (total - off >= sizeof(struct mb2_tag)) {
        const struct mb2_tag *tag = (const void *)(mbi + off);

        if (tag->size < sizeof(*tag) || tag->size > total - off) {
            mb2_warn(ctx->bi, "tag %u at offset %u has bad size %u, rest ignored",
                     tag->type, off, tag->size);
            return;
        }
        if (tag->type == MB2_TAG_END)
            return;
        mb2_tag(ctx, tag);
        off += ALIGN_UP(tag->size, MB2_INFO_ALIGN);
        if (off >= total)
            break;
    }
    mb2_warn(ctx->bi, "no end tag");
}

/* ---- memory map ---------------------------------------------------------- */

/* Queue [base, base + len) of 'type', clipped to physical addresses. */
static void mb2_raw_add(struct mb2_ctx *ctx, paddr_t base, uint64_t len,
                        uint32_t type)
{
    uint64_t end;
    struct mem_range *r;

    if (base >= MB2_PADDR_LIMIT || len == 0)
        return;
    end = len > MB2_PADDR_LIMIT - base ? MB2_PADDR_LIMIT : base + len;
    if (ctx->nr_raw == MB2_MAX_RAW) {
        if (!ctx->raw_overflow)
            mb2_warn(ctx->bi, "more than %u memory map entries, rest ignored",
                     MB2_MAX_RAW);
        ctx->raw_overflow = true;
        return;
    }
    if (type < MEM_RAM || type > MEM_BAD)
        type = MEM_RESERVED;
    r = &mb2_raw[ctx->nr_raw++];
    r->base = base;
    r->len = end - base;
    r->type = type;
}

static void mb2_raw_from_mmap(struct mb2_ctx *ctx)
{
    const struct mb2_tag_mmap *t = ctx->mmap;
    uint32_t bytes = t->size - sizeof(*t);
    uint32_t n = bytes / t->entry_size;

    if (bytes % t->entry_size)
        mb2_warn(ctx->bi, "memory map tag ends in a partial entry");
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = t->entries + (size_t)i * t->entry_size;

        mb2_raw_add(ctx, mb2_rd64(e + offsetof(struct mb2_mmap_entry, base_addr)),
                    mb2_rd64(e + offsetof(struct mb2_mmap_entry, length)),
                    mb2_rd32(e + offsetof(struct mb2_mmap_entry, type)));
    }
}

/*
 * UEFI memory types in our terms. Boot services and loader memory is free
 * once ExitBootServices() has run, which GRUB does for us because the image
 * header does not ask for the EFI boot services tag.
 */
static uint32_t mb2_efi_type(uint32_t efi_type)
{
    switch (efi_type) {
    case EFI_CONVENTIONAL_MEMORY:
    case EFI_BOOT_SERVICES_CODE:
    case EFI_BOOT_SERVICES_DATA:
    case EFI_LOADER_CODE:
    case EFI_LOADER_DATA:
        return MEM_RAM;
    case EFI_ACPI_RECLAIM_MEMORY:
        return MEM_ACPI;
    case EFI_ACPI_MEMORY_NVS:
        return MEM_NVS;
    case EFI_UNUSABLE_MEMORY:
        return MEM_BAD;
    default:                        /* runtime services, MMIO, persistent, ... */
        return MEM_RESERVED;
    }
}

static void mb2_raw_from_efi_mmap(struct mb2_ctx *ctx)
{
    const struct mb2_tag_efi_mmap *t = ctx->efi_mmap;
    uint32_t bytes = t->size - sizeof(*t);
    uint32_t n = bytes / t->descr_size;
    const uint64_t max_pages = MB2_PADDR_LIMIT >> EFI_PAGE_SHIFT;

    if (bytes % t->descr_size)
        mb2_warn(ctx->bi, "EFI memory map tag ends in a partial descriptor");
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *d = t->efi_mmap + (size_t)i * t->descr_size;
        uint64_t pages = mb2_rd64(d + offsetof(struct efi_memory_desc, nr_pages));

        mb2_raw_add(ctx, mb2_rd64(d + offsetof(struct efi_memory_desc, phys_start)),
                    MIN(pages, max_pages) << EFI_PAGE_SHIFT,
                    mb2_efi_type(mb2_rd32(d + offsetof(struct efi_memory_desc, type))));
    }
}

static void mb2_raw_from_meminfo(struct mb2_ctx *ctx)
{
    const struct mb2_tag_basic_meminfo *m = ctx->meminfo;

    mb2_raw_add(ctx, 0, KiB(m->mem_lower), MEM_RAM);
    mb2_raw_add(ctx, MiB(1), KiB(m->mem_upper), MEM_RAM);
}

/* Higher wins where ranges overlap: BAD > RESERVED > NVS > ACPI > RAM. */
static unsigned int mb2_type_rank(uint32_t type)
{
    static const unsigned char rank[] = {
        [MEM_RAM] = 1, [MEM_ACPI] = 2, [MEM_NVS] = 3,
        [MEM_RESERVED] = 4, [MEM_BAD] = 5,
    };

    return rank[type];
}

/* Sort and deduplicate mb2_points[0..n); returns the new count. */
static unsigned int mb2_sort_points(unsigned int n)
{
    unsigned int out = 0;

    for (unsigned int i = 1; i < n; i++) {
        paddr_t v = mb2_points[i];
        unsigned int j = i;

        for (; j > 0 && mb2_points[j - 1] > v; j--)
            mb2_points[j] = mb2_points[j - 1];
        mb2_points[j] = v;
    }
    for (unsigned int i = 0; i < n; i++)
        if (out == 0 || mb2_points[out - 1] != mb2_points[i])
            mb2_points[out++] = mb2_points[i];
    return out;
}

/* The type of the piece starting at 'at' (0: not covered by any range). */
static uint32_t mb2_type_at(const struct mb2_ctx *ctx, paddr_t at)
{
    uint32_t best = 0;

    for (unsigned int i = 0; i < ctx->nr_raw; i++) {
        const struct mem_range *r = &mb2_raw[i];

        if (at >= r->base && at - r->base < r->len &&
            (best == 0 || mb2_type_rank(r->type) > mb2_type_rank(best)))
            best = r->type;
    }
    return best;
}

/* Append [start, end) to bi->ranges, merging with the last range if it can. */
static bool mb2_emit(struct mb2_ctx *ctx, paddr_t start, paddr_t end, uint32_t type)
{
    struct boot_info *bi = ctx->bi;
    struct mem_range *last = bi->nr_ranges ? &bi->ranges[bi->nr_ranges - 1] : NULL;

    if (last && last->type == type && last->base + last->len == start) {
        last->len += end - start;
        return true;
    }
    if (bi->nr_ranges == BOOT_MAX_MEMRANGES) {
        mb2_warn(bi, "more than %u memory ranges, the map is cut at %#llx",
                 BOOT_MAX_MEMRANGES, (unsigned long long)start);
        return false;
    }
    bi->ranges[bi->nr_ranges++] = (struct mem_range){ start, end - start, type };
    return true;
}

/* Build bi->ranges from mb2_raw[]: sorted, disjoint, merged. */
static void mb2_normalise(struct mb2_ctx *ctx)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < ctx->nr_raw; i++) {
        mb2_points[n++] = mb2_raw[i].base;
        mb2_points[n++] = mb2_raw[i].base + mb2_raw[i].len;
    }
    n = mb2_sort_points(n);
    for (unsigned int i = 0; i + 1 < n; i++) {
        uint32_t type = mb2_type_at(ctx, mb2_points[i]);

        if (type && !mb2_emit(ctx, mb2_points[i], mb2_points[i + 1], type))
            break;
    }
}

static void mb2_memory_map(struct mb2_ctx *ctx)
{
    /*
     * The BIOS-style map first: GRUB gives it on UEFI too, already in E820
     * terms. Under OVMF with GRUB 2.06 the EFI map tag was seen corrupted
     * (one descriptor's address off by 0x4600000000, the byte changed before
     * Petrel ran) while the BIOS-style map was right; the EFI map stays the
     * fallback for loaders that give only it.
     */
    if (ctx->mmap)
        mb2_raw_from_mmap(ctx);
    else if (ctx->efi_mmap)
        mb2_raw_from_efi_mmap(ctx);
    else if (ctx->meminfo)
        mb2_raw_from_meminfo(ctx);
    else
        mb2_warn(ctx->bi, "no memory map from the boot loader");
    mb2_normalise(ctx);
}

/* ---- entry points -------------------------------------------------------- */

int mb2_parse(const void *mbi, size_t limit, struct boot_info *bi)
{
    struct mb2_ctx ctx = { .bi = bi };
    const struct mb2_info *info = mbi;

    memset(bi, 0, sizeof(*bi));
    if (!mbi || !IS_ALIGNED((uintptr_t)mbi, MB2_INFO_ALIGN) ||
        limit < sizeof(*info)) {
        mb2_warn(bi, "information block unusable (address %#lx, limit %lu)",
                 (unsigned long)(uintptr_t)mbi, (unsigned long)limit);
        return -1;
    }
    if (info->total_size < sizeof(*info) + sizeof(struct mb2_tag) ||
        info->total_size > limit) {
        mb2_warn(bi, "information block size %u is bad (limit %lu)",
                 info->total_size, (unsigned long)limit);
        return -1;
    }
    mb2_walk(&ctx, mbi, info->total_size);
    mb2_memory_map(&ctx);
    return 0;
}

uint64_t boot_ram_bytes(const struct boot_info *bi)
{
    uint64_t total = 0;

    for (unsigned int i = 0; i < bi->nr_ranges; i++)
        if (bi->ranges[i].type == MEM_RAM)
            total += bi->ranges[i].len;
    return total;
}
