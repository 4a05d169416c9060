// SPDX-License-Identifier: MIT
/*
 * Parsing the ACPI DMAR table (Intel VT-d spec, chapter 8): the remapping
 * units (DRHD) with their device scopes, and the reserved memory regions
 * (RMRR). Pure: no hardware, no allocation.
 *
 * Layout: the 36-byte ACPI header, host address width - 1 (1 byte), flags
 * (1), 10 reserved bytes; then structures, each starting with a 2-byte type
 * and a 2-byte length. DRHD (type 0): flags (bit 0 INCLUDE_PCI_ALL), size,
 * segment (2), register base (8), scopes. RMRR (type 1): reserved (2),
 * segment (2), base (8), limit (8, inclusive), scopes. A scope: type,
 * length, 2 reserved, enumeration id, start bus, then (device, function)
 * pairs.
 */
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/pci.h>
#include "dmar.h"

#define DMAR_HDR_LEN    48
#define DMAR_TYPE_DRHD  0
#define DMAR_TYPE_RMRR  1
#define DRHD_HDR_LEN    16
#define RMRR_HDR_LEN    24
#define SCOPE_HDR_LEN   6
#define DRHD_INCLUDE_PCI_ALL 0x01

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int refuse(struct dmar_info *out, const char *why, size_t at)
{
    out->error = why;
    out->error_at = (uint32_t)at;
    return -EINVAL;
}

/* The scopes in p[0..len), at table offset 'at'. */
static int parse_scopes(const uint8_t *p, size_t len, size_t at, struct dmar_scope *scope,
                        unsigned int *nr, struct dmar_info *out)
{
    for (size_t off = 0; off < len;) {
        struct dmar_scope *s = &scope[*nr];
        size_t slen;

        if (len - off < SCOPE_HDR_LEN)
            return refuse(out, "device scope truncated", at + off);
        slen = p[off + 1];
        if (slen < SCOPE_HDR_LEN + 2 || slen > len - off || (slen - SCOPE_HDR_LEN) % 2)
            return refuse(out, "device scope length", at + off);
        if ((slen - SCOPE_HDR_LEN) / 2 > DMAR_MAX_PATH)
            return refuse(out, "device scope path too long", at + off);
        if (*nr == DMAR_MAX_SCOPES)
            return refuse(out, "too many device scopes", at + off);
        s->type = p[off];
        s->enum_id = p[off + 4];
        s->bus = p[off + 5];
        s->nr_path = (uint8_t)((slen - SCOPE_HDR_LEN) / 2);
        for (unsigned int i = 0; i < s->nr_path; i++) {
            s->path[i].dev = p[off + SCOPE_HDR_LEN + 2 * i];
            s->path[i].fn = p[off + SCOPE_HDR_LEN + 2 * i + 1];
            if (s->path[i].dev > 31 || s->path[i].fn > 7)
                return refuse(out, "device scope path", at + off);
        }
        (*nr)++;
        off += slen;
    }
    return 0;
}

static int parse_drhd(const uint8_t *p, size_t len, size_t at, struct dmar_info *out)
{
    struct dmar_unit *u = &out->unit[out->nr_units];

    if (len < DRHD_HDR_LEN)
        return refuse(out, "DRHD too short", at);
    if (out->nr_units == DMAR_MAX_UNITS)
        return refuse(out, "too many DRHD units", at);
    *u = (struct dmar_unit){
        .seg = rd16(p + 6),
        .include_all = p[4] & DRHD_INCLUDE_PCI_ALL,
        .base = rd64(p + 8),
    };
    if (!u->base || (u->base & 0xfff))
        return refuse(out, "DRHD register base", at);
    for (unsigned int i = 0; i < out->nr_units; i++)
        if (u->include_all && out->unit[i].include_all && out->unit[i].seg == u->seg)
            return refuse(out, "two INCLUDE_PCI_ALL units for one segment", at);
    if (parse_scopes(p + DRHD_HDR_LEN, len - DRHD_HDR_LEN, at + DRHD_HDR_LEN, u->scope,
                     &u->nr_scopes, out))
        return -EINVAL;
    out->nr_units++;
    return 0;
}

static int parse_rmrr(const uint8_t *p, size_t len, size_t at, struct dmar_info *out)
{
    struct dmar_rmrr *r = &out->rmrr[out->nr_rmrr];

    if (len < RMRR_HDR_LEN)
        return refuse(out, "RMRR too short", at);
    if (out->nr_rmrr == DMAR_MAX_RMRR)
        return refuse(out, "too many RMRRs", at);
    *r = (struct dmar_rmrr){ .seg = rd16(p + 6), .base = rd64(p + 8), .limit = rd64(p + 16) };
    if ((r->base & 0xfff) || (~r->limit & 0xfff) || r->limit < r->base)
        return refuse(out, "RMRR range", at);
    if (parse_scopes(p + RMRR_HDR_LEN, len - RMRR_HDR_LEN, at + RMRR_HDR_LEN, r->scope,
                     &r->nr_scopes, out))
        return -EINVAL;
    out->nr_rmrr++;
    return 0;
}

int dmar_parse(const void *table, size_t len, struct dmar_info *out)
{
    const uint8_t *t = table;
    size_t tlen;

    *out = (struct dmar_info){ .error = NULL };
    if (len < DMAR_HDR_LEN || (tlen = rd32(t + 4)) < DMAR_HDR_LEN || tlen > len)
        return refuse(out, "table length", 4);
    out->haw = (uint8_t)(t[36] + 1);
    out->flags = t[37];
    for (size_t off = DMAR_HDR_LEN; off < tlen;) {
        uint16_t type, slen;
        int rc = 0;

        if (tlen - off < 4)
            return refuse(out, "structure truncated", off);
        type = rd16(t + off);
        slen = rd16(t + off + 2);
        if (slen < 4 || slen > tlen - off)
            return refuse(out, "structure length", off);
        if (type == DMAR_TYPE_DRHD)
            rc = parse_drhd(t + off, slen, off, out);
        else if (type == DMAR_TYPE_RMRR)
            rc = parse_rmrr(t + off, slen, off, out);
        else
            out->nr_skipped++;
        if (rc)
            return rc;
        off += slen;
    }
    if (!out->nr_units)
        return refuse(out, "no DRHD", DMAR_HDR_LEN);
    return 0;
}

bool dmar_scope_matches(const struct dmar_scope *scope, uint16_t bdf,
                        int (*sec)(uint16_t bdf), int (*sub)(uint16_t bdf))
{
    unsigned int bus = scope->bus;
    uint16_t at = 0;
    int next, last;

    if (scope->type != DMAR_SCOPE_ENDPOINT && scope->type != DMAR_SCOPE_BRIDGE)
        return false;
    for (unsigned int i = 0; i < scope->nr_path; i++) {
        at = PCI_BDF(bus, scope->path[i].dev, scope->path[i].fn);
        if (i + 1 == scope->nr_path)
            break;
        next = sec(at);             /* the path goes on behind this bridge */
        if (next < 0)
            return false;
        bus = (unsigned int)next;
    }
    if (at == bdf)
        return true;
    if (scope->type != DMAR_SCOPE_BRIDGE)
        return false;
    next = sec(at);
    last = sub(at);
    return next >= 0 && last >= next && (bdf >> 8) >= next && (bdf >> 8) <= last;
}
