// SPDX-License-Identifier: MIT
/*
 * Unit tests: the pure parts of the control ABI. ctl_ring_window() and
 * console_ring_read/write(): what a read at a position gets, how loss is
 * counted once the ring wraps, positions not yet written; the console
 * filter. domid_choose(): lowest free id from 1, explicit ids, reserved
 * ids, full tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/ctl_ring.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <public/petrel_ctl.h>
#include "stubs.h"

static void window_before_wrap(void **state)
{
    uint64_t start, lost;

    /* 100 bytes written to a ring of 64 KiB: read 30 from 10. */
    assert_int_equal(ctl_ring_window(100, 65536, 10, 30, &start, &lost), 30);
    assert_int_equal(start, 10);
    assert_int_equal(lost, 0);
    /* Asking for more than there is gets the rest. */
    assert_int_equal(ctl_ring_window(100, 65536, 90, 30, &start, &lost), 10);
    assert_int_equal(start, 90);
    /* At the head: nothing new. */
    assert_int_equal(ctl_ring_window(100, 65536, 100, 30, &start, &lost), 0);
    assert_int_equal(start, 100);
}

static void window_after_wrap(void **state)
{
    uint64_t start, lost;

    /* 1000 bytes through a 256-byte ring: 744 are gone. */
    assert_int_equal(ctl_ring_window(1000, 256, 0, 100, &start, &lost), 100);
    assert_int_equal(start, 744);
    assert_int_equal(lost, 744);
    assert_int_equal(ctl_ring_window(1000, 256, 743, 500, &start, &lost), 256);
    assert_int_equal(start, 744);
    assert_int_equal(lost, 1);
    assert_int_equal(ctl_ring_window(1000, 256, 744, 500, &start, &lost), 256);
    assert_int_equal(lost, 0);
}

static void window_beyond_head(void **state)
{
    uint64_t start, lost;

    assert_int_equal(ctl_ring_window(50, 256, 51, 10, &start, &lost), 0);
    assert_int_equal(start, 50);
    assert_int_equal(lost, 0);
    assert_int_equal(ctl_ring_window(50, 256, UINT64_MAX, 10, &start, &lost), 0);
    assert_int_equal(start, 50);
}

static struct console_ring ring;

static int ring_setup(void **state)
{
    ring = (struct console_ring){ .lock = SPINLOCK_INIT, .buf = malloc(PETREL_CONSOLE_RING) };
    return ring.buf ? 0 : -1;
}

static int ring_teardown(void **state)
{
    free(ring.buf);
    return 0;
}

static void console_filter_and_read(void **state)
{
    char out[32] = { 0 };
    uint64_t index = 0, lost = 99;

    console_ring_write(&ring, "ok\t\x1b[2J\r\n\x80", 10);
    assert_int_equal(console_ring_read(&ring, &index, out, sizeof(out), &lost), 10);
    assert_memory_equal(out, "ok\t.[2J.\n.", 10);
    assert_int_equal(index, 10);
    assert_int_equal(lost, 0);
    assert_int_equal(console_ring_read(&ring, &index, out, sizeof(out), &lost), 0);
    assert_int_equal(index, 10);
}

static void console_wraps_and_counts_loss(void **state)
{
    static char block[1000];
    char out[8];
    uint64_t index = 0, lost;

    /* Fill it twice over and a bit, with each byte telling its position. */
    for (unsigned int round = 0; round < 40; round++) {
        for (unsigned int i = 0; i < sizeof(block); i++)
            block[i] = 'a' + (round * sizeof(block) + i) % 26;
        console_ring_write(&ring, block, sizeof(block));
    }
    assert_int_equal(ring.head, 40000);
    assert_int_equal(console_ring_read(&ring, &index, out, sizeof(out), &lost), 8);
    assert_int_equal(lost, 40000 - PETREL_CONSOLE_RING);
    assert_int_equal(index, 40000 - PETREL_CONSOLE_RING + 8);
    for (unsigned int i = 0; i < 8; i++)
        assert_int_equal(out[i], 'a' + (40000 - PETREL_CONSOLE_RING + i) % 26);
    /* Without a buffer nothing is kept and nothing read. */
    struct console_ring none = { .lock = SPINLOCK_INIT };

    console_ring_write(&none, "x", 1);
    index = 0;
    assert_int_equal(console_ring_read(&none, &index, out, sizeof(out), &lost), 0);
    assert_int_equal(none.head, 0);
}

static void domid_lowest_free(void **state)
{
    const uint16_t used[] = { 0, 1, 2, 4 };
    uint16_t id = 0;

    assert_int_equal(domid_choose(used, 4, 64, DOMID_AUTO, &id), 0);
    assert_int_equal(id, 3);
    assert_int_equal(domid_choose(used, 1, 64, DOMID_AUTO, &id), 0);
    assert_int_equal(id, 1);        /* never 0 by choice */
    assert_int_equal(domid_choose(NULL, 0, 64, DOMID_AUTO, &id), 0);
    assert_int_equal(id, 1);
}

static void domid_explicit(void **state)
{
    const uint16_t used[] = { 0, 7 };
    uint16_t id = 0;

    assert_int_equal(domid_choose(used, 2, 64, 9, &id), 0);
    assert_int_equal(id, 9);
    assert_int_equal(domid_choose(used, 2, 64, 7, &id), -EEXIST);
    assert_int_equal(domid_choose(used, 2, 64, DOMID_FIRST_RESERVED, &id), -EINVAL);
    assert_int_equal(domid_choose(used, 2, 64, DOMID_IDLE, &id), -EINVAL);
    assert_int_equal(domid_choose(used, 2, 64, 0x7fef, &id), 0);
    assert_int_equal(id, 0x7fef);
}

static void domid_full(void **state)
{
    uint16_t used[4] = { 0, 1, 2, 3 }, id = 77;

    assert_int_equal(domid_choose(used, 4, 4, DOMID_AUTO, &id), -ENOSPC);
    assert_int_equal(domid_choose(used, 4, 4, 10, &id), -ENOSPC);
    assert_int_equal(domid_choose(used, 4, 4, 2, &id), -EEXIST);  /* taken first */
    assert_int_equal(id, 77);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(window_before_wrap),
        cmocka_unit_test(window_after_wrap),
        cmocka_unit_test(window_beyond_head),
        cmocka_unit_test_setup_teardown(console_filter_and_read, ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(console_wraps_and_counts_loss, ring_setup, ring_teardown),
        cmocka_unit_test(domid_lowest_free),
        cmocka_unit_test(domid_explicit),
        cmocka_unit_test(domid_full),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
