// SPDX-License-Identifier: MIT
/* Checksums a guest left to the backend: see net_csum.h. */
#include "net_csum.h"

#define ETH_HLEN        14
#define PROTO_TCP       6
#define PROTO_UDP       17

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The ones'-complement sum of n bytes (RFC 1071), added to sum. */
static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t n)
{
    for (; n > 1; n -= 2, p += 2)
        sum += be16(p);
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

int net_csum_fill(uint8_t *frame, size_t len)
{
    uint8_t *ip = frame + ETH_HLEN, *l4;
    size_t ihl, total, l4_len, at;
    uint32_t sum;
    uint16_t c;

    if (len < ETH_HLEN + 20 || be16(frame + 12) != 0x0800 || (ip[0] >> 4) != 4)
        return -1;
    ihl = (size_t)(ip[0] & 0xf) * 4;
    total = be16(ip + 2);
    if (ihl < 20 || total < ihl || ETH_HLEN + total > len || (be16(ip + 6) & 0x3fff))
        return -1;                      /* bad lengths, or a fragment */
    l4 = ip + ihl;
    l4_len = total - ihl;
    if (ip[9] == PROTO_TCP && l4_len >= 20)
        at = 16;
    else if (ip[9] == PROTO_UDP && l4_len >= 8)
        at = 6;
    else
        return -1;
    l4[at] = l4[at + 1] = 0;
    sum = sum_bytes(0, ip + 12, 8);     /* source and destination */
    sum += ip[9] + (uint32_t)l4_len;
    sum = sum_bytes(sum, l4, l4_len);
    c = fold(sum);
    if (ip[9] == PROTO_UDP && !c)
        c = 0xffff;                     /* 0 means "none" for UDP */
    l4[at] = (uint8_t)(c >> 8);
    l4[at + 1] = (uint8_t)c;
    return 0;
}
