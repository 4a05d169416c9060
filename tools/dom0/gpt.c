// SPDX-License-Identifier: MIT
/* GUID partition tables, pure (gpt.h). Field offsets: UEFI 2.x, 5.3. */
#include <string.h>
#include "gpt.h"

#define HDR_SIZE                12      /* u32 */
#define HDR_CRC                 16      /* u32 */
#define HDR_MY_LBA              24      /* u64 */
#define HDR_FIRST_USABLE        40
#define HDR_LAST_USABLE         48
#define HDR_ENTRIES_LBA         72
#define HDR_NR_ENTRIES          80      /* u32 */
#define HDR_ENTRY_SIZE          84
#define HDR_ENTRIES_CRC         88
#define HDR_MIN_SIZE            92
#define ENT_FIRST               32      /* u64 */
#define ENT_LAST                40

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

uint32_t gpt_crc32(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

int gpt_header_check(const void *sector, uint64_t lba, uint64_t disk_sectors,
                     struct gpt_header_info *h)
{
    const uint8_t *s = sector;
    uint8_t copy[GPT_SECTOR];
    uint32_t size = get32(s + HDR_SIZE);
    uint64_t table_bytes, table_sectors;

    if (memcmp(s, "EFI PART", 8))
        return -1;
    if (size < HDR_MIN_SIZE || size > GPT_SECTOR)
        return -2;
    memcpy(copy, s, size);
    memset(copy + HDR_CRC, 0, 4);
    if (gpt_crc32(0, copy, size) != get32(s + HDR_CRC) || get64(s + HDR_MY_LBA) != lba)
        return -2;
    h->first_usable = get64(s + HDR_FIRST_USABLE);
    h->last_usable = get64(s + HDR_LAST_USABLE);
    h->entries_lba = get64(s + HDR_ENTRIES_LBA);
    h->nr_entries = get32(s + HDR_NR_ENTRIES);
    h->entry_size = get32(s + HDR_ENTRY_SIZE);
    h->entries_crc = get32(s + HDR_ENTRIES_CRC);
    /* Entries are 128 << n bytes (5.3.2); the table lies on the disk,
     * apart from the usable range, and fits what dom0 reads. */
    if (h->entry_size < 128 || (h->entry_size & (h->entry_size - 1)) || !h->nr_entries)
        return -2;
    table_bytes = (uint64_t)h->nr_entries * h->entry_size;
    table_sectors = (table_bytes + GPT_SECTOR - 1) / GPT_SECTOR;
    if (table_bytes > GPT_MAX_TABLE_BYTES || h->entries_lba < 2 ||
        h->entries_lba >= disk_sectors || table_sectors > disk_sectors - h->entries_lba)
        return -2;
    if (h->first_usable > h->last_usable || h->last_usable >= disk_sectors ||
        h->first_usable < 2 ||
        (h->entries_lba <= h->last_usable && h->entries_lba + table_sectors > h->first_usable))
        return -2;
    return 0;
}

static int entry_check(const struct gpt_header_info *h, const struct gpt_part *parts,
                       unsigned int n, uint64_t first, uint64_t last)
{
    if (first > last || first < h->first_usable || last > h->last_usable)
        return -2;
    for (unsigned int i = 0; i < n; i++)
        if (first <= parts[i].last && parts[i].first <= last)
            return -2;
    return 0;
}

int gpt_entries(const void *buf, const struct gpt_header_info *h, struct gpt_part *parts,
                unsigned int max)
{
    static const uint8_t zero[16];
    const uint8_t *t = buf;
    unsigned int n = 0;

    if (gpt_crc32(0, t, (size_t)h->nr_entries * h->entry_size) != h->entries_crc)
        return -2;
    for (uint32_t i = 0; i < h->nr_entries; i++) {
        const uint8_t *e = t + (size_t)i * h->entry_size;
        uint64_t first = get64(e + ENT_FIRST), last = get64(e + ENT_LAST);

        if (!memcmp(e, zero, 16))
            continue;               /* unused */
        if (entry_check(h, parts, n < max ? n : max, first, last))
            return -2;
        if (n < max)
            parts[n] = (struct gpt_part){ first, last };
        n++;
    }
    return n < max ? (int)n : (int)max;
}
