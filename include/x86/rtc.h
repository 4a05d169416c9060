/* SPDX-License-Identifier: MIT */
/* The CMOS real-time clock (drivers/rtc.c): the time of day, read once at boot. */
#ifndef X86_RTC_H
#define X86_RTC_H

#include <petrel/types.h>

/* The clock registers as the RTC holds them (BCD or binary, per reg_b). */
struct rtc_regs {
    uint8_t sec, min, hour, mday, mon, year;
    uint8_t reg_b;                  /* status register B: format bits */
};

#define RTC_B_24H       (1u << 1)   /* hours 0-23; else 1-12 with bit 7 = PM */
#define RTC_B_BINARY    (1u << 2)   /* values are binary; else BCD */

/*
 * Seconds since 1970-01-01 00:00 UTC for the time in 'r' (the RTC keeps
 * UTC; the century is taken as 20xx). Returns 0 and sets *secs, or -EINVAL
 * for a field out of range (or a malformed BCD digit). Pure.
 */
int rtc_regs_to_unix(const struct rtc_regs *r, uint64_t *secs);

/*
 * Read the RTC: waits (bounded) for no update to be in progress and reads
 * until two consecutive reads agree. 0 and *secs, or -EIO / -EINVAL.
 * Boot CPU, interrupts off or on; takes about a millisecond at most,
 * unless the RTC is stuck (then -EIO after a bounded number of tries).
 */
int rtc_read_unix(uint64_t *secs);

#endif
