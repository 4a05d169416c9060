// SPDX-License-Identifier: MIT
/*
 * The CMOS RTC (MC146818-compatible, index port 0x70, data port 0x71): read
 * once at boot for the guests' wall clock. Registers 0, 2, 4, 7, 8, 9 hold
 * seconds, minutes, hours, day of month, month and year (two digits), in
 * BCD unless status register B says binary, and hours in 12-hour form
 * (bit 7 = PM) unless B says 24-hour. While status register A's UIP bit is
 * set the RTC is about to update (at most ~2 ms), and a read may mix old
 * and new values; reading twice and comparing catches an update that
 * starts during the read.
 */
#include <petrel/errno.h>
#include <x86/processor.h>
#include <x86/rtc.h>

#define RTC_INDEX       0x70
#define RTC_DATA        0x71
#define RTC_REG_A       0x0a
#define RTC_REG_B       0x0b
#define RTC_A_UIP       (1u << 7)
#define RTC_HOUR_PM     (1u << 7)

/* Bounds on the waits: each read is a port access of about 1 us or more. */
#define RTC_UIP_SPINS   100000
#define RTC_TRIES       10

static bool bcd_to_bin(uint8_t v, unsigned int *out)
{
    if ((v & 0x0f) > 9 || (v >> 4) > 9)
        return false;
    *out = (v >> 4) * 10 + (v & 0x0f);
    return true;
}

static bool field(const struct rtc_regs *r, uint8_t v, unsigned int *out)
{
    if (r->reg_b & RTC_B_BINARY) {
        *out = v;
        return true;
    }
    return bcd_to_bin(v, out);
}

static bool hour_24(const struct rtc_regs *r, unsigned int *hour)
{
    bool pm = !(r->reg_b & RTC_B_24H) && (r->hour & RTC_HOUR_PM);
    unsigned int h;

    if (!field(r, pm ? r->hour & ~RTC_HOUR_PM : r->hour, &h))
        return false;
    if (r->reg_b & RTC_B_24H) {
        *hour = h;
        return h < 24;
    }
    if (h < 1 || h > 12)
        return false;
    *hour = (h % 12) + (pm ? 12 : 0);      /* 12 AM is 0, 12 PM is 12 */
    return true;
}

static bool leap(unsigned int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int month_days(unsigned int y, unsigned int m)
{
    static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return days[m - 1] + (m == 2 && leap(y));
}

int rtc_regs_to_unix(const struct rtc_regs *r, uint64_t *secs)
{
    unsigned int sec, min, hour, mday, mon, yy, year;
    uint64_t days = 0;

    if (!field(r, r->sec, &sec) || !field(r, r->min, &min) || !hour_24(r, &hour) ||
        !field(r, r->mday, &mday) || !field(r, r->mon, &mon) || !field(r, r->year, &yy))
        return -EINVAL;
    year = 2000 + yy;
    if (sec > 59 || min > 59 || yy > 99 || mon < 1 || mon > 12 || mday < 1 ||
        mday > month_days(year, mon))
        return -EINVAL;
    for (unsigned int y = 1970; y < year; y++)
        days += leap(y) ? 366 : 365;
    for (unsigned int m = 1; m < mon; m++)
        days += month_days(year, m);
    days += mday - 1;
    *secs = ((days * 24 + hour) * 60 + min) * 60 + sec;
    return 0;
}

static uint8_t cmos_read(uint8_t reg)
{
    outb(RTC_INDEX, reg);
    return inb(RTC_DATA);
}

/* Wait for UIP clear, then read the clock registers; false if UIP stays set. */
static bool rtc_snapshot(struct rtc_regs *r)
{
    unsigned int spins = 0;

    while (cmos_read(RTC_REG_A) & RTC_A_UIP)
        if (++spins >= RTC_UIP_SPINS)
            return false;
    r->sec = cmos_read(0x00);
    r->min = cmos_read(0x02);
    r->hour = cmos_read(0x04);
    r->mday = cmos_read(0x07);
    r->mon = cmos_read(0x08);
    r->year = cmos_read(0x09);
    r->reg_b = cmos_read(RTC_REG_B);
    return true;
}

static bool rtc_same(const struct rtc_regs *a, const struct rtc_regs *b)
{
    return a->sec == b->sec && a->min == b->min && a->hour == b->hour &&
           a->mday == b->mday && a->mon == b->mon && a->year == b->year &&
           a->reg_b == b->reg_b;
}

int rtc_read_unix(uint64_t *secs)
{
    struct rtc_regs a, b;

    if (!rtc_snapshot(&a))
        return -EIO;
    for (unsigned int i = 0; i < RTC_TRIES; i++) {
        if (!rtc_snapshot(&b))
            return -EIO;
        if (rtc_same(&a, &b))
            return rtc_regs_to_unix(&b, secs);
        a = b;
    }
    return -EIO;
}
