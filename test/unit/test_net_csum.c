/* SPDX-License-Identifier: MIT */
/* Unit tests: TCP and UDP checksums filled in for NETTXF_csum_blank. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/backends/net_csum.h"

static uint8_t f[1514];

/* An IPv4 frame (10.0.0.1 -> 10.0.0.2, no options) around an L4 segment;
 * its length. The L4 checksum field holds junk, as a partial one would. */
static size_t ipv4(uint8_t proto, const uint8_t *l4, size_t l4_len)
{
    static const uint8_t head[14 + 20] = {
        0, 0x16, 0x3e, 0, 0, 2, 0, 0x16, 0x3e, 0, 0, 1, 0x08, 0x00,
        0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 0, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    };

    memcpy(f, head, sizeof(head));
    f[16] = (uint8_t)((20 + l4_len) >> 8);
    f[17] = (uint8_t)(20 + l4_len);
    f[23] = proto;
    memcpy(f + 34, l4, l4_len);
    return 34 + l4_len;
}

/* The check a receiver makes: the sum over the pseudo-header and the
 * segment, checksum included, is all ones. */
static void assert_verifies(size_t len)
{
    size_t l4_len = len - 34;
    uint32_t sum = 0;

    for (size_t i = 26; i < 34; i += 2)
        sum += (uint32_t)(f[i] << 8 | f[i + 1]);
    sum += f[23] + (uint32_t)l4_len;
    for (size_t i = 0; i < l4_len; i += 2)
        sum += (uint32_t)(f[34 + i] << 8 | (i + 1 < l4_len ? f[35 + i] : 0));
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    assert_int_equal(sum, 0xffff);
}

static const uint8_t udp[8 + 15] = {
    0x04, 0xd2, 0x16, 0x2e, 0, 23, 0xde, 0xad,
    'h', 'e', 'l', 'l', 'o', ',', ' ', 'p', 'e', 't', 'r', 'e', 'l', '!', '!',
};
static const uint8_t tcp[20 + 5] = {
    0, 80, 0x9c, 0x40, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0x04, 0x00, 0xbe, 0xef, 0, 0,
    'G', 'E', 'T', ' ', '/',
};

static void test_udp_known(void **state)
{
    size_t len = ipv4(17, udp, sizeof(udp));

    assert_int_equal(net_csum_fill(f, len), 0);
    assert_int_equal(f[34 + 6], 0x07);          /* computed apart: 0x0754 */
    assert_int_equal(f[34 + 7], 0x54);
    assert_verifies(len);
}

static void test_tcp_known(void **state)
{
    size_t len = ipv4(6, tcp, sizeof(tcp));

    assert_int_equal(net_csum_fill(f, len), 0);
    assert_int_equal(f[34 + 16], 0x30);         /* 0x30cc */
    assert_int_equal(f[34 + 17], 0xcc);
    assert_verifies(len);
}

static void test_long_segments_verify(void **state)
{
    uint8_t seg[1480];

    for (size_t n = 20; n <= sizeof(seg); n += 97) {
        for (size_t i = 0; i < n; i++)
            seg[i] = (uint8_t)(i * 31 + n);
        size_t len = ipv4(6, seg, n);

        assert_int_equal(net_csum_fill(f, len), 0);
        assert_verifies(len);
    }
}

/* A frame longer than its IP packet (Ethernet padding) is fine. */
static void test_padding_ignored(void **state)
{
    size_t len = ipv4(17, udp, sizeof(udp));

    memset(f + len, 0xaa, 20);
    assert_int_equal(net_csum_fill(f, len + 20), 0);
    assert_int_equal(f[34 + 6], 0x07);
    assert_int_equal(f[34 + 7], 0x54);
}

static void test_refused(void **state)
{
    size_t len = ipv4(17, udp, sizeof(udp));

    assert_int_equal(net_csum_fill(f, len - 1), -1);    /* IP length past the frame */
    f[20] = 0x20;                                        /* more fragments */
    assert_int_equal(net_csum_fill(f, len), -1);
    len = ipv4(1, udp, sizeof(udp));                     /* ICMP */
    assert_int_equal(net_csum_fill(f, len), -1);
    len = ipv4(6, tcp, 19);                              /* TCP shorter than its header */
    assert_int_equal(net_csum_fill(f, len), -1);
    len = ipv4(17, udp, sizeof(udp));
    f[14] = 0x44;                                        /* IHL 16 bytes */
    assert_int_equal(net_csum_fill(f, len), -1);
    f[14] = 0x65;                                        /* version 6 */
    assert_int_equal(net_csum_fill(f, len), -1);
    f[14] = 0x45;
    f[12] = 0x86;                                        /* not IPv4 */
    f[13] = 0xdd;
    assert_int_equal(net_csum_fill(f, len), -1);
    assert_int_equal(net_csum_fill(f, 20), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udp_known),
        cmocka_unit_test(test_tcp_known),
        cmocka_unit_test(test_long_segments_verify),
        cmocka_unit_test(test_padding_ignored),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
