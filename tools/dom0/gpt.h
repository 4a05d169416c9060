/* SPDX-License-Identifier: MIT */
/*
 * GUID partition tables (UEFI 2.x, chapter 5), read-only and pure: a
 * header (the primary at LBA 1, or the backup at the disk's last LBA) and
 * its entry array, both CRC32-checked, every number checked against the
 * disk before it is believed. gpt_scan.c
 * reads the sectors and registers the partitions (blkdev_scan_gpt).
 */
#ifndef DOM0_GPT_H
#define DOM0_GPT_H

#include <stddef.h>
#include <stdint.h>

#define GPT_SECTOR              512u
#define GPT_MAX_ENTRIES         128u    /* what dom0 reads (16 KiB of 128-byte entries) */
#define GPT_MAX_TABLE_BYTES     (GPT_MAX_ENTRIES * 128u)

struct gpt_header_info {
    uint64_t first_usable, last_usable;
    uint64_t entries_lba;
    uint32_t nr_entries, entry_size;
    uint32_t entries_crc;
};

struct gpt_part {
    uint64_t first, last;               /* LBAs, inclusive */
};

/* CRC-32 (IEEE 802.3, reflected, as zlib.crc32): crc of buf continuing
 * from crc (0 to start). */
uint32_t gpt_crc32(uint32_t crc, const void *buf, size_t len);

/* Check the header sector (GPT_SECTOR bytes read from lba: 1 for the
 * primary, the last for the backup) of a disk of disk_sectors: 0 and *h,
 * or -1 (no GPT signature) or -2 (damaged, not the header of that LBA, or
 * numbers outside the disk). nr_entries * entry_size is at most
 * GPT_MAX_TABLE_BYTES (the part of a bigger table dom0 would not read is
 * refused, not ignored). */
int gpt_header_check(const void *sector, uint64_t lba, uint64_t disk_sectors,
                     struct gpt_header_info *h);

/* The entries in use (type GUID not zero) of the table at buf (the
 * header's nr_entries * entry_size bytes), in table order, into parts
 * (room for max): how many, or -2 when the table's CRC is wrong or an
 * entry in use lies outside the usable LBAs, ends before it starts or
 * overlaps another. */
int gpt_entries(const void *buf, const struct gpt_header_info *h, struct gpt_part *parts,
                unsigned int max);

#endif
