// SPDX-License-Identifier: MIT
/*
 * The ACPI IVRS table (AMD IOMMU spec, chapter 5) read into struct
 * ivrs_info: one ivrs_unit per IVHD block of the chosen type, its device
 * entries turned into device-id ranges, and the IVMD blocks. Pure: no
 * hardware, no allocation; unit-tested in test/unit/test_ivrs.c.
 *
 * Layout: the 36-byte ACPI header, IVinfo (4 bytes), 8 reserved, then
 * blocks, each type (1), flags (1), length (2). IVHD 10h has a 24-byte
 * header, 11h and 40h one of 40; device entries follow to the block's end.
 * An entry's length is in its type's top two bits (4, 8, 16 or 32 bytes),
 * except F0h (ACPI HID: 22 bytes and the UID).
 */
#include <petrel/errno.h>
#include <petrel/lib.h>
#include "ivrs.h"

#define IVRS_HDR_LEN    48
#define IVHD10_HDR_LEN  24
#define IVHD11_HDR_LEN  40
#define IVMD_LEN        32

/* Device entry types (Tables 94-97) */
#define DE_PAD          0x00
#define DE_ALL          0x01
#define DE_SELECT       0x02
#define DE_START        0x03
#define DE_END          0x04
#define DE_ALIAS_SELECT 0x42
#define DE_ALIAS_START  0x43
#define DE_EXT_SELECT   0x46
#define DE_EXT_START    0x47
#define DE_SPECIAL      0x48
#define DE_ACPI_HID     0xf0

static uint64_t get(const uint8_t *p, unsigned int n)
{
    uint64_t v = 0;

    for (unsigned int i = n; i--;)
        v = v << 8 | p[i];
    return v;
}

static int refuse(struct ivrs_info *out, const char *why, size_t at)
{
    out->error = why;
    out->error_at = (uint32_t)at;
    return -EINVAL;
}

static bool known_ivhd(uint8_t type)
{
    return type == IVHD_TYPE_10 || type == IVHD_TYPE_11 || type == IVHD_TYPE_40;
}

/* Add [first, last] to u, merged with the range before when they touch
 * and say the same. */
static bool add_range(struct ivrs_unit *u, uint16_t first, uint16_t last, uint8_t setting,
                      bool aliased, uint16_t alias)
{
    struct ivrs_range *prev = u->nr_ranges ? &u->range[u->nr_ranges - 1] : NULL;

    if (prev && !aliased && !prev->aliased && prev->setting == setting &&
        (uint32_t)prev->last + 1 == first) {
        prev->last = last;
        return true;
    }
    if (u->nr_ranges == IVRS_MAX_RANGES)
        return false;
    u->range[u->nr_ranges++] = (struct ivrs_range){
        .first = first, .last = last, .alias = alias, .aliased = aliased, .setting = setting,
    };
    return true;
}

static size_t entry_len(const uint8_t *e, size_t left)
{
    if (e[0] == DE_ACPI_HID)
        return left >= 22 ? 22 + (size_t)e[21] : 22;
    return (size_t)4 << (e[0] >> 6);
}

/* The device entries of one IVHD, [at, end) of the table. */
static int parse_entries(const uint8_t *t, size_t at, size_t end, struct ivrs_unit *u,
                         struct ivrs_info *out)
{
    bool open = false, open_alias = false;
    uint16_t start = 0, alias = 0;
    uint8_t setting = 0;

    while (at < end) {
        const uint8_t *e = t + at;
        size_t n = entry_len(e, end - at);
        uint16_t id = (uint16_t)get(e + 1, 2);

        if (at + n > end)
            return refuse(out, "a device entry leaves its IVHD", at);
        if (open && e[0] != DE_END)
            return refuse(out, "a range start is not followed by its end", at);
        switch (e[0]) {
        case DE_PAD:
            break;
        case DE_ALL:
            if (!add_range(u, 0, 0xffff, e[3], false, 0))
                goto full;
            break;
        case DE_SELECT:
        case DE_EXT_SELECT:
            if (!add_range(u, id, id, e[3], false, 0))
                goto full;
            break;
        case DE_ALIAS_SELECT:
            if (!add_range(u, id, id, e[3], true, (uint16_t)get(e + 5, 2)))
                goto full;
            break;
        case DE_START:
        case DE_EXT_START:
        case DE_ALIAS_START:
            open = true;
            open_alias = e[0] == DE_ALIAS_START;
            alias = open_alias ? (uint16_t)get(e + 5, 2) : 0;
            start = id;
            setting = e[3];
            break;
        case DE_END:
            if (!open)
                return refuse(out, "a range end without its start", at);
            if (id < start)
                return refuse(out, "a range ends below its start", at);
            if (!add_range(u, start, id, setting, open_alias, alias))
                goto full;
            open = false;
            break;
        case DE_SPECIAL:
            if (u->nr_special == IVRS_MAX_SPECIAL)
                return refuse(out, "too many special devices in one IVHD", at);
            u->special[u->nr_special++] = (struct ivrs_special){
                .variety = e[7], .setting = e[3], .handle = e[4],
                .devid = (uint16_t)get(e + 5, 2),
            };
            break;
        default:                    /* ACPI HID devices and types we do not use */
            out->nr_skipped++;
            break;
        }
        at += n;
    }
    if (open)
        return refuse(out, "a range start is not followed by its end", end);
    return 0;
full:
    return refuse(out, "too many device ranges in one IVHD", at);
}

static int parse_ivhd(const uint8_t *t, size_t at, size_t blen, struct ivrs_info *out)
{
    const uint8_t *b = t + at;
    size_t hdr = b[0] == IVHD_TYPE_10 ? IVHD10_HDR_LEN : IVHD11_HDR_LEN;
    struct ivrs_unit *u;

    if (blen < hdr)
        return refuse(out, "an IVHD shorter than its header", at);
    if (out->nr_units == IVRS_MAX_UNITS)
        return refuse(out, "more IVHDs than Petrel holds", at);
    u = &out->unit[out->nr_units];
    memset(u, 0, sizeof(*u));
    u->type = b[0];
    u->flags = b[1];
    u->devid = (uint16_t)get(b + 4, 2);
    u->cap = (uint16_t)get(b + 6, 2);
    u->base = get(b + 8, 8);
    u->seg = (uint16_t)get(b + 16, 2);
    u->info = (uint16_t)get(b + 18, 2);
    u->attr = (uint32_t)get(b + 20, 4);
    u->efr = hdr == IVHD11_HDR_LEN ? get(b + 24, 8) : 0;
    if (!u->base || !IS_ALIGNED(u->base, KiB(16)))
        return refuse(out, "an IVHD's register base is 0 or not 16 KiB aligned", at + 8);
    out->nr_units++;
    return parse_entries(t, at + hdr, at + blen, u, out);
}

static int parse_ivmd(const uint8_t *b, size_t at, size_t blen, struct ivrs_info *out)
{
    struct ivrs_ivmd *m;
    uint64_t start, size;

    if (blen != IVMD_LEN)
        return refuse(out, "an IVMD whose length is not 32", at);
    if (out->nr_ivmd == IVRS_MAX_IVMD)
        return refuse(out, "more IVMDs than Petrel holds", at);
    start = get(b + 16, 8);
    size = get(b + 24, 8);
    if (!size || start + size - 1 < start)
        return refuse(out, "an IVMD that is empty or wraps", at);
    m = &out->ivmd[out->nr_ivmd++];
    m->type = b[0];
    m->flags = b[1];
    m->first = (uint16_t)get(b + 4, 2);
    m->last = b[0] == 0x22 ? (uint16_t)get(b + 6, 2) : m->first;
    if (b[0] == 0x20) {
        m->first = 0;
        m->last = 0xffff;
    }
    if (m->last < m->first)
        return refuse(out, "an IVMD whose device range ends below its start", at + 6);
    m->base = ALIGN_DOWN(start, PAGE_SIZE);
    m->limit = ALIGN_UP(start + size, PAGE_SIZE) - 1;
    return 0;
}

int ivrs_parse(const void *table, size_t len, struct ivrs_info *out)
{
    const uint8_t *t = table;
    size_t tlen, at;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (len < IVRS_HDR_LEN)
        return refuse(out, "shorter than its header", 0);
    tlen = (size_t)get(t + 4, 4);
    if (tlen < IVRS_HDR_LEN || tlen > len)
        return refuse(out, "its length leaves the table", 4);
    out->ivinfo = (uint32_t)get(t + 36, 4);
    /* The IVHD type to use: the highest known one present. */
    for (at = IVRS_HDR_LEN; at + 4 <= tlen; at += get(t + at + 2, 2)) {
        size_t blen = (size_t)get(t + at + 2, 2);

        if (blen < 4 || at + blen > tlen)
            return refuse(out, "a block's length leaves the table", at + 2);
        if (known_ivhd(t[at]) && t[at] > out->ivhd_type)
            out->ivhd_type = t[at];
    }
    if (at != tlen)
        return refuse(out, "a block's length leaves the table", at);
    if (!out->ivhd_type)
        return refuse(out, "no IVHD block of a known type", IVRS_HDR_LEN);
    for (at = IVRS_HDR_LEN; at < tlen && !rc; at += get(t + at + 2, 2)) {
        size_t blen = (size_t)get(t + at + 2, 2);

        if (t[at] == out->ivhd_type)
            rc = parse_ivhd(t, at, blen, out);
        else if (t[at] >= 0x20 && t[at] <= 0x22)
            rc = parse_ivmd(t + at, at, blen, out);
        else
            out->nr_skipped++;
    }
    return rc;
}

const struct ivrs_unit *ivrs_unit_of(const struct ivrs_info *ivrs, uint16_t seg,
                                     uint16_t devid, const struct ivrs_range **range)
{
    for (unsigned int i = 0; i < ivrs->nr_units; i++) {
        const struct ivrs_unit *u = &ivrs->unit[i];

        if (u->seg != seg)
            continue;
        for (unsigned int r = 0; r < u->nr_ranges; r++)
            if (devid >= u->range[r].first && devid <= u->range[r].last) {
                if (range)
                    *range = &u->range[r];
                return u;
            }
    }
    return NULL;
}
