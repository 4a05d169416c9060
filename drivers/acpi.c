/* SPDX-License-Identifier: MIT */
/* ACPI static tables: find the RSDP, walk the RSDT/XSDT, keep what Petrel needs. */

/*
 * Design. Firmware tables are input, not truth: every table is reached
 * through acpi_map(), its header length is bounded (36 bytes .. 16 MiB) and
 * its checksum verified before anything else in it is read, and every field
 * or sub-entry is read only when it lies inside the checked length. A table
 * that fails is warned about, counted in ai->bad_tables and skipped; parsing
 * goes on with the others. Nothing is allocated and nothing is kept mapped:
 * the results are copied into struct acpi_info.
 *
 * The tables handled are listed in acpi_handlers[]; the first of each
 * signature wins. Of the AML only the \_S5 package of the DSDT is decoded,
 * by a byte scan (no interpreter): NameOp "_S5_" PackageOp PkgLength
 * NumElements, then the first two integers (ACPI 6.5 chapter 20; PkgLength
 * is 20.2.4).
 *
 * The layouts are in acpi_tables.h; packed structs are read through
 * unaligned pointers, which x86 allows.
 */
#include <petrel/acpi.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include "acpi_tables.h"

#define ACPI_MAX_TABLE      MiB(16)     /* a longer "length" is garbage */
#define ACPI_RSDP_V1_LEN    20
#define ACPI_RSDP_MAX       1024
#define ACPI_BDA_EBDA_SEG   0x40e       /* BDA word: EBDA segment */
#define ACPI_EBDA_SCAN      1024
#define ACPI_BIOS_START     0xe0000
#define ACPI_BIOS_LEN       0x20000

/* Minimum length of each MADT entry type we read; other types need 2 bytes. */
static const uint8_t madt_min_len[] = {
    [MADT_LAPIC] = sizeof(struct madt_lapic),
    [MADT_IOAPIC] = sizeof(struct madt_ioapic),
    [MADT_OVERRIDE] = sizeof(struct madt_override),
    [MADT_LAPIC_ADDR] = sizeof(struct madt_lapic_addr),
    [MADT_X2APIC] = sizeof(struct madt_x2apic),
};

uint8_t acpi_checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum += *b++;
    return sum;
}

/* A printable copy of a 4-character signature, for log lines. */
static const char *acpi_sig_str(const char *sig, char out[5])
{
    for (int i = 0; i < 4; i++)
        out[i] = sig[i] >= ' ' && sig[i] <= '~' ? sig[i] : '?';
    out[4] = 0;
    return out;
}

/* ---- RSDP ------------------------------------------------------------ */

/*
 * Check the RSDP at r, of which len bytes are readable. Returns the number
 * of bytes that are valid and usable: 20 (ACPI 1.0, or a 2.0+ RSDP of which
 * only the 1.0 part was handed over), its length (2.0+), or 0 if invalid.
 */
static size_t acpi_rsdp_valid(const struct acpi_rsdp *r, size_t len)
{
    if (len < ACPI_RSDP_V1_LEN || memcmp(r->signature, "RSD PTR ", 8) ||
        acpi_checksum(r, ACPI_RSDP_V1_LEN))
        return 0;
    if (r->revision < 2 || len < sizeof(*r))
        return ACPI_RSDP_V1_LEN;
    if (r->length < sizeof(*r) || r->length > ACPI_RSDP_MAX)
        return 0;
    if (r->length > len)
        return ACPI_RSDP_V1_LEN;
    return acpi_checksum(r, r->length) ? 0 : r->length;
}

static bool acpi_rsdp_at(paddr_t pa)
{
    const struct acpi_rsdp *r = acpi_map(pa, sizeof(*r));
    size_t len = sizeof(*r);

    if (r && r->revision >= 2 && r->length > len &&
        r->length <= ACPI_RSDP_MAX) {
        len = r->length;
        r = acpi_map(pa, len);
    }
    return r && acpi_rsdp_valid(r, len);
}

static paddr_t acpi_scan_rsdp(paddr_t start, size_t len)
{
    const uint8_t *p = acpi_map(start, len);

    if (!p)
        return 0;
    for (size_t off = 0; off + ACPI_RSDP_V1_LEN <= len; off += 16)
        if (!memcmp(p + off, "RSD PTR ", 8) && acpi_rsdp_at(start + off))
            return start + off;
    return 0;
}

paddr_t acpi_find_rsdp_bios(void)
{
    const void *bda = acpi_map(ACPI_BDA_EBDA_SEG, 2);
    uint16_t seg = 0;
    paddr_t ebda, pa = 0;

    if (bda)
        memcpy(&seg, bda, sizeof(seg));
    ebda = (paddr_t)seg << 4;
    /* Only a segment in conventional memory above the BDA is plausible. */
    if (ebda > 0x400 && ebda < 0xa0000)
        pa = acpi_scan_rsdp(ebda, ACPI_EBDA_SCAN);
    if (!pa)
        pa = acpi_scan_rsdp(ACPI_BIOS_START, ACPI_BIOS_LEN);
    return pa;
}

/* ---- Tables ---------------------------------------------------------- */

/*
 * Map the table at pa and check it: header length within [min_len, 16 MiB],
 * mappable, checksum, and signature 'sig'. Returns it or NULL (warned and
 * counted in bad_tables).
 */
static const struct acpi_header *acpi_get_table(struct acpi_info *ai,
                                                paddr_t pa, const char *sig,
                                                size_t min_len)
{
    const struct acpi_header *h = acpi_map(pa, sizeof(*h));
    const char *why = NULL;
    char name[5];

    if (!h)
        why = "header not mappable";
    else if (memcmp(h->signature, sig, 4))
        why = "unexpected signature";
    else if (h->length < min_len || h->length > ACPI_MAX_TABLE)
        why = "bad length";
    else if (!(h = acpi_map(pa, h->length)))
        why = "not mappable";
    else if (acpi_checksum(h, h->length))
        why = "bad checksum";
    if (!why)
        return h;
    pr_warn("ACPI: %s at %#llx: %s, skipped\n",
            h ? acpi_sig_str(h->signature, name) : sig,
            (unsigned long long)pa, why);
    ai->bad_tables++;
    return NULL;
}

/* ---- MADT ------------------------------------------------------------ */

struct madt_state {
    uint8_t xapic_ids[256 / 8];         /* ids listed by xAPIC entries */
    unsigned int cpus_dropped, ioapics_dropped, overrides_dropped;
};

/*
 * The MADT entry at *off, advancing *off past it; NULL at the end or at a
 * malformed entry (warned about when 'warn').
 */
static const struct madt_entry *acpi_madt_next(const struct acpi_madt *m,
                                               size_t *off, bool warn)
{
    const struct madt_entry *e = (const void *)((const uint8_t *)m + *off);
    size_t left = m->h.length - *off;
    size_t min = sizeof(*e);

    if (left == 0)
        return NULL;
    if (left >= sizeof(*e) && e->type < ARRAY_SIZE(madt_min_len))
        min = MAX(min, madt_min_len[e->type]);
    if (left < sizeof(*e) || e->length < min || e->length > left) {
        if (warn)
            pr_warn("ACPI: MADT entry at offset %u malformed, "
                    "rest of MADT ignored\n", (unsigned int)*off);
        return NULL;
    }
    *off += e->length;
    return e;
}

static void acpi_madt_cpu(struct acpi_info *ai, struct madt_state *st,
                          uint32_t apic_id, uint32_t uid, uint32_t flags,
                          bool x2apic)
{
    if (!(flags & MADT_CPU_ENABLED)) {
        if (flags & MADT_CPU_ONLINE_CAPABLE)
            ai->nr_cpus_disabled++;
        return;
    }
    if (ai->nr_cpus == NR_CPUS) {
        st->cpus_dropped++;
        return;
    }
    ai->cpus[ai->nr_cpus++] = (struct acpi_cpu){
        .apic_id = apic_id, .uid = uid, .x2apic = x2apic,
    };
}

static void acpi_madt_x2apic(struct acpi_info *ai, struct madt_state *st,
                             const struct madt_x2apic *x)
{
    uint32_t id = x->x2apic_id;

    if (id == 0xffffffff)
        return;
    /* ACPI: processors with ids below 255 use xAPIC entries. */
    if (id < 0xff && (st->xapic_ids[id / 8] & (1u << (id % 8)))) {
        pr_debug("ACPI: x2APIC entry %u duplicates an xAPIC one\n", id);
        return;
    }
    acpi_madt_cpu(ai, st, id, x->uid, x->flags, true);
}

static void acpi_madt_ioapic(struct acpi_info *ai, struct madt_state *st,
                             const struct madt_ioapic *io)
{
    if (ai->nr_ioapics == MAX_IOAPICS) {
        st->ioapics_dropped++;
        return;
    }
    ai->ioapics[ai->nr_ioapics++] = (struct acpi_ioapic){
        .id = io->id, .base = io->address, .gsi_base = io->gsi_base,
    };
}

static void acpi_madt_override(struct acpi_info *ai, struct madt_state *st,
                               const struct madt_override *o)
{
    if (ai->nr_overrides == MAX_IRQ_OVERRIDES) {
        st->overrides_dropped++;
        return;
    }
    ai->overrides[ai->nr_overrides++] = (struct acpi_override){
        .bus = o->bus, .source = o->source, .gsi = o->gsi, .flags = o->flags,
    };
}

static void acpi_madt_entry(struct acpi_info *ai, struct madt_state *st,
                            const struct madt_entry *e)
{
    const struct madt_lapic *l = (const void *)e;
    const struct madt_lapic_addr *a = (const void *)e;

    switch (e->type) {
    case MADT_LAPIC:
        if (l->apic_id != 0xff)
            acpi_madt_cpu(ai, st, l->apic_id, l->uid, l->flags, false);
        break;
    case MADT_X2APIC:
        acpi_madt_x2apic(ai, st, (const void *)e);
        break;
    case MADT_IOAPIC:
        acpi_madt_ioapic(ai, st, (const void *)e);
        break;
    case MADT_OVERRIDE:
        acpi_madt_override(ai, st, (const void *)e);
        break;
    case MADT_LAPIC_ADDR:
        if (a->address)
            ai->lapic_base = a->address;
        break;
    }
}

static void acpi_warn_dropped(unsigned int n, const char *what, unsigned int max)
{
    if (n)
        pr_warn("ACPI: %u %s beyond the limit of %u ignored\n", n, what, max);
}

/*
 * Two passes: the first checks the entries and notes the xAPIC ids, so that
 * x2APIC duplicates are recognised whatever the order; the second records.
 */
static void acpi_parse_madt(struct acpi_info *ai, const void *table,
                            paddr_t pa)
{
    const struct acpi_madt *m = table;
    const struct madt_entry *e;
    struct madt_state st = { 0 };
    size_t off = sizeof(*m);

    ai->have_madt = true;
    ai->lapic_base = m->lapic_base;
    ai->pcat_compat = m->flags & MADT_PCAT_COMPAT;
    while ((e = acpi_madt_next(m, &off, true)))
        if (e->type == MADT_LAPIC) {
            uint8_t id = ((const struct madt_lapic *)e)->apic_id;

            st.xapic_ids[id / 8] |= 1u << (id % 8);
        }
    off = sizeof(*m);
    while ((e = acpi_madt_next(m, &off, false)))
        acpi_madt_entry(ai, &st, e);
    acpi_warn_dropped(st.cpus_dropped, "CPUs", NR_CPUS);
    acpi_warn_dropped(st.ioapics_dropped, "IOAPICs", MAX_IOAPICS);
    acpi_warn_dropped(st.overrides_dropped, "IRQ overrides", MAX_IRQ_OVERRIDES);
}

/* ---- DSDT: \_S5 ------------------------------------------------------ */

#define AML_ZERO_OP         0x00
#define AML_ONE_OP          0x01
#define AML_NAME_OP         0x08
#define AML_BYTE_PREFIX     0x0a
#define AML_WORD_PREFIX     0x0b
#define AML_DWORD_PREFIX    0x0c
#define AML_PACKAGE_OP      0x12
#define AML_ROOT_CHAR       '\\'

struct aml_cursor {
    const uint8_t *aml;
    size_t pos, end;                    /* read only aml[pos .. end) */
};

/* PkgLength (20.2.4): sets the end of the package it opens. */
static int aml_pkg_length(struct aml_cursor *c, size_t *pkg_end)
{
    size_t start = c->pos, extra, len;
    uint8_t lead;

    if (c->pos >= c->end)
        return -EINVAL;
    lead = c->aml[c->pos++];
    extra = lead >> 6;
    if (extra > c->end - c->pos)
        return -EINVAL;
    /* Bits 5:4 of a multi-byte lead are reserved: ignored, as ACPICA does. */
    len = extra ? lead & 0x0f : lead & 0x3f;
    for (size_t i = 0; i < extra; i++)
        len |= (size_t)c->aml[c->pos++] << (4 + 8 * i);
    /* The length counts from the PkgLength itself. */
    if (len < c->pos - start || len > c->end - start)
        return -EINVAL;
    *pkg_end = start + len;
    return 0;
}

/* An integer element reduced to its low byte: Zero, One, Byte/Word/DWord. */
static int aml_small_int(struct aml_cursor *c, uint8_t *val)
{
    size_t size;

    if (c->pos >= c->end)
        return -EINVAL;
    switch (c->aml[c->pos]) {
    case AML_ZERO_OP:
    case AML_ONE_OP:
        *val = c->aml[c->pos++];
        return 0;
    case AML_BYTE_PREFIX:  size = 1; break;
    case AML_WORD_PREFIX:  size = 2; break;
    case AML_DWORD_PREFIX: size = 4; break;
    default:
        return -EINVAL;
    }
    if (size + 1 > c->end - c->pos)
        return -EINVAL;
    *val = c->aml[c->pos + 1];
    c->pos += size + 1;
    return 0;
}

/* Package (N) { SLP_TYPa, SLP_TYPb, ... } starting at c->pos. */
static int acpi_s5_package(struct aml_cursor *c, uint8_t typ[2])
{
    size_t pkg_end;
    int rc;

    if (c->pos >= c->end || c->aml[c->pos++] != AML_PACKAGE_OP)
        return -EINVAL;
    rc = aml_pkg_length(c, &pkg_end);
    if (rc)
        return rc;
    c->end = pkg_end;
    if (c->pos >= c->end || c->aml[c->pos++] < 2)
        return -EINVAL;
    rc = aml_small_int(c, &typ[0]);
    if (!rc)
        rc = aml_small_int(c, &typ[1]);
    return rc;
}

/* Offset just past "_S5_" of the first NameOp [\] _S5_ in the body, or 0. */
static size_t acpi_find_s5(const uint8_t *aml, size_t len)
{
    const size_t body = sizeof(struct acpi_header);

    for (size_t i = body + 1; i + 4 <= len; i++) {
        if (memcmp(aml + i, "_S5_", 4))
            continue;
        if (aml[i - 1] == AML_NAME_OP ||
            (i >= body + 2 && aml[i - 1] == AML_ROOT_CHAR &&
             aml[i - 2] == AML_NAME_OP))
            return i + 4;
    }
    return 0;
}

static void acpi_parse_dsdt(struct acpi_info *ai, paddr_t pa)
{
    const struct acpi_header *h = acpi_get_table(ai, pa, "DSDT", sizeof(*h));
    struct aml_cursor c;
    uint8_t typ[2];

    if (!h)
        return;
    c = (struct aml_cursor){ .aml = (const void *)h, .end = h->length };
    c.pos = acpi_find_s5(c.aml, c.end);
    if (!c.pos) {
        pr_info("ACPI: no \\_S5 in the DSDT\n");
        return;
    }
    if (acpi_s5_package(&c, typ)) {
        pr_warn("ACPI: malformed \\_S5 package in the DSDT at %#llx\n",
                (unsigned long long)pa);
        return;
    }
    ai->s5_valid = true;
    ai->s5_typ_a = typ[0];
    ai->s5_typ_b = typ[1];
}

/* ---- FADT ------------------------------------------------------------ */

/* A PM block: the X_ GAS when present and nonzero, else the legacy port. */
static struct acpi_gas acpi_fadt_block(const struct acpi_gas *x, uint32_t port,
                                       uint8_t bytes)
{
    struct acpi_gas g = { 0 };

    if (x && x->address)
        return *x;
    if (port) {
        g.space_id = ACPI_GAS_IO;
        g.bit_width = bytes * 8;
        g.address = port;
    }
    return g;
}

static void acpi_fadt_pm1(struct acpi_info *ai, const struct acpi_fadt *f,
                          uint32_t len)
{
    uint8_t bytes = FADT_HAS(len, pm1_cnt_len) ? f->pm1_cnt_len : 2;

    ai->pm1a_cnt = acpi_fadt_block(
        FADT_HAS(len, x_pm1a_cnt_blk) ? &f->x_pm1a_cnt_blk : NULL,
        FADT_HAS(len, pm1a_cnt_blk) ? f->pm1a_cnt_blk : 0, bytes);
    ai->pm1b_cnt = acpi_fadt_block(
        FADT_HAS(len, x_pm1b_cnt_blk) ? &f->x_pm1b_cnt_blk : NULL,
        FADT_HAS(len, pm1b_cnt_blk) ? f->pm1b_cnt_blk : 0, bytes);
}

static void acpi_fadt_reset(struct acpi_info *ai, const struct acpi_fadt *f,
                            uint32_t len, uint32_t flags)
{
    uint8_t space;

    if (!FADT_HAS(len, reset_value))
        return;
    space = f->reset_reg.space_id;
    ai->reset_reg = f->reset_reg;
    ai->reset_value = f->reset_value;
    ai->reset_supported = (flags & FADT_RESET_REG_SUP) &&
        (space == ACPI_GAS_IO || space == ACPI_GAS_MEM) &&
        f->reset_reg.address;
}

/* Short and old FADTs: a field is read only if the table's length holds it. */
static void acpi_parse_fadt(struct acpi_info *ai, const void *table,
                            paddr_t pa)
{
    const struct acpi_fadt *f = table;
    uint32_t len = f->h.length;
    uint32_t flags = FADT_HAS(len, flags) ? f->flags : 0;
    paddr_t dsdt = FADT_HAS(len, dsdt) ? f->dsdt : 0;

    ai->have_fadt = true;
    ai->hw_reduced = flags & FADT_HW_REDUCED_ACPI;
    if (FADT_HAS(len, smi_cmd))
        ai->smi_cmd = f->smi_cmd;
    if (FADT_HAS(len, acpi_enable))
        ai->acpi_enable = f->acpi_enable;
    /* Reserved in ACPI 1.0 (revision 1) tables. */
    if (f->h.revision >= 2 && FADT_HAS(len, iapc_boot_arch))
        ai->boot_arch = f->iapc_boot_arch;
    acpi_fadt_reset(ai, f, len, flags);
    acpi_fadt_pm1(ai, f, len);
    if (FADT_HAS(len, x_dsdt) && f->x_dsdt)
        dsdt = f->x_dsdt;
    ai->dsdt_pa = dsdt;
    if (dsdt)
        acpi_parse_dsdt(ai, dsdt);
}

/* ---- HPET, MCFG, DMAR, IVRS ------------------------------------------ */

static void acpi_parse_hpet(struct acpi_info *ai, const void *table,
                            paddr_t pa)
{
    const struct acpi_hpet *h = table;

    if (h->base.space_id != ACPI_GAS_MEM || !h->base.address) {
        pr_warn("ACPI: HPET base not a memory address (space %u), ignored\n",
                h->base.space_id);
        return;
    }
    ai->have_hpet = true;
    ai->hpet_base = h->base.address;
}

static void acpi_parse_mcfg(struct acpi_info *ai, const void *table,
                            paddr_t pa)
{
    const struct acpi_mcfg_table *m = table;
    const struct acpi_mcfg_alloc *a = (const void *)(m + 1);
    size_t n = (m->h.length - sizeof(*m)) / sizeof(*a);

    for (size_t i = 0; i < n; i++, a++) {
        if (ai->nr_mcfg == MAX_MCFG) {
            acpi_warn_dropped(n - i, "MCFG entries", MAX_MCFG);
            return;
        }
        ai->mcfg[ai->nr_mcfg++] = (struct acpi_mcfg){
            .base = a->base, .segment = a->segment,
            .bus_start = a->bus_start, .bus_end = a->bus_end,
        };
    }
}

static void acpi_note_dmar(struct acpi_info *ai, const void *table,
                           paddr_t pa)
{
    ai->dmar_pa = pa;
    ai->dmar_len = ((const struct acpi_header *)table)->length;
}

static void acpi_note_ivrs(struct acpi_info *ai, const void *table,
                           paddr_t pa)
{
    ai->ivrs_pa = pa;
    ai->ivrs_len = ((const struct acpi_header *)table)->length;
}

/* ---- Root table walk ------------------------------------------------- */

struct acpi_handler {
    char sig[5];
    size_t min_len;                     /* fixed part before any entries */
    void (*parse)(struct acpi_info *ai, const void *table, paddr_t pa);
};

static const struct acpi_handler acpi_handlers[] = {
    { "APIC", sizeof(struct acpi_madt), acpi_parse_madt },
    { "FACP", sizeof(struct acpi_header), acpi_parse_fadt },
    { "HPET", sizeof(struct acpi_hpet), acpi_parse_hpet },
    { "MCFG", sizeof(struct acpi_mcfg_table), acpi_parse_mcfg },
    { "DMAR", sizeof(struct acpi_header), acpi_note_dmar },
    { "IVRS", sizeof(struct acpi_header), acpi_note_ivrs },
};

static void acpi_table(struct acpi_info *ai, paddr_t pa, unsigned int *seen)
{
    const struct acpi_header *h = acpi_map(pa, sizeof(*h));
    const struct acpi_handler *hd = NULL;
    unsigned int i;

    if (!h) {
        pr_warn("ACPI: table at %#llx not mappable, skipped\n",
                (unsigned long long)pa);
        ai->bad_tables++;
        return;
    }
    for (i = 0; i < ARRAY_SIZE(acpi_handlers); i++)
        if (!memcmp(h->signature, acpi_handlers[i].sig, 4)) {
            hd = &acpi_handlers[i];
            break;
        }
    if (!hd)
        return;                         /* not a table Petrel reads */
    if (*seen & BIT(i)) {
        pr_warn("ACPI: second %s at %#llx ignored\n", hd->sig,
                (unsigned long long)pa);
        return;
    }
    h = acpi_get_table(ai, pa, hd->sig, hd->min_len);
    if (!h)
        return;
    *seen |= BIT(i);
    hd->parse(ai, h, pa);
}

static void acpi_walk_root(struct acpi_info *ai, const struct acpi_header *root,
                           size_t entry_size)
{
    const uint8_t *e = (const uint8_t *)(root + 1);
    size_t n = (root->length - sizeof(*root)) / entry_size;
    unsigned int seen = 0;

    for (size_t i = 0; i < n; i++, e += entry_size) {
        uint64_t pa = 0;

        memcpy(&pa, e, entry_size);     /* little-endian, 4 or 8 bytes */
        if (pa)
            acpi_table(ai, pa, &seen);
    }
}

static void acpi_summary(const struct acpi_info *ai)
{
    char hpet[32] = "no HPET", s5[16] = "none";

    if (ai->have_hpet)
        snprintf(hpet, sizeof(hpet), "HPET at %#llx",
                 (unsigned long long)ai->hpet_base);
    if (ai->s5_valid)
        snprintf(s5, sizeof(s5), "%u/%u", ai->s5_typ_a, ai->s5_typ_b);
    pr_info("ACPI: rev %u OEM %s, %u CPUs (+%u online-capable), %u IOAPICs, "
            "%s, MCFG %u, S5 %s, %u bad tables\n",
            ai->revision, ai->oem_id, ai->nr_cpus, ai->nr_cpus_disabled,
            ai->nr_ioapics, hpet, ai->nr_mcfg, s5, ai->bad_tables);
}

int acpi_parse(const void *rsdp, size_t len, struct acpi_info *ai)
{
    const struct acpi_rsdp *r = rsdp;
    const struct acpi_header *root = NULL;
    size_t valid = acpi_rsdp_valid(r, len);
    size_t entry_size = 8;

    memset(ai, 0, sizeof(*ai));
    if (!valid) {
        pr_warn("ACPI: RSDP invalid\n");
        return -EINVAL;
    }
    ai->revision = r->revision;
    memcpy(ai->oem_id, r->oem_id, sizeof(r->oem_id));
    if (r->revision >= 2 && valid == ACPI_RSDP_V1_LEN)
        pr_warn("ACPI: only the ACPI 1.0 part of the RSDP given, using RSDT\n");
    else if (r->revision >= 2 && r->xsdt_pa)
        root = acpi_get_table(ai, r->xsdt_pa, "XSDT", sizeof(*root));
    if (!root && r->rsdt_pa) {
        root = acpi_get_table(ai, r->rsdt_pa, "RSDT", sizeof(*root));
        entry_size = 4;
    }
    if (!root) {
        pr_warn("ACPI: neither XSDT nor RSDT usable\n");
        memset(ai, 0, sizeof(*ai));
        return -EINVAL;
    }
    acpi_walk_root(ai, root, entry_size);
    acpi_summary(ai);
    return 0;
}
