/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's block-device registry, blkdev_submit's checks, a
 * partition's forwarding and the completion queue (tools/dom0/blkdev.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <public/errno.h>

#include "../../tools/dom0/blkdev.h"

static struct blkdev_req *last_submitted;
static unsigned int submits, dones;
static int last_status;

static int fake_submit(struct blkdev *dev, struct blkdev_req *req)
{
    last_submitted = req;
    submits++;
    blkdev_complete(req, dev->priv ? -XEN_EIO : 0);
    return 0;
}

static const struct blkdev_ops fake_ops = { .submit = fake_submit };

static void done(struct blkdev_req *req, int status)
{
    dones++;
    last_status = status;
}

static struct blkdev disk, part, ro;

static int setup(void **state)
{
    while (blkdev_first())
        blkdev_unregister(blkdev_first());
    disk = (struct blkdev){ .name = "vda", .sectors = 1000, .max_segs = 8, .ops = &fake_ops };
    part = (struct blkdev){ .name = "vda2", .sectors = 100, .max_segs = 8, .ops = &fake_ops,
                            .parent = &disk, .offset = 900 };
    ro = (struct blkdev){ .name = "ram1", .sectors = 64, .max_segs = 32, .ops = &fake_ops,
                          .read_only = true };
    assert_int_equal(blkdev_register(&disk), 0);
    assert_int_equal(blkdev_register(&part), 0);
    assert_int_equal(blkdev_register(&ro), 0);
    last_submitted = NULL;
    submits = dones = 0;
    last_status = 1;
    return 0;
}

static struct blkdev_req rw(enum blkdev_op op, uint64_t sector, unsigned int segs)
{
    struct blkdev_req r = { .op = op, .sector = sector, .nr_segs = segs, .done = done };

    for (unsigned int i = 0; i < segs; i++)
        r.seg[i] = (struct blkdev_seg){ 0x10000 + i * 4096, 4096 };
    return r;
}

static void test_registry(void **state)
{
    struct blkdev dup = { .name = "vda", .sectors = 1, .max_segs = 1, .ops = &fake_ops };
    struct blkdev noname = { .sectors = 1, .max_segs = 1, .ops = &fake_ops };
    struct blkdev toomany = { .name = "x", .sectors = 1, .max_segs = BLKDEV_MAX_SEGS + 1,
                              .ops = &fake_ops };
    struct blkdev noops = { .name = "y", .sectors = 1, .max_segs = 1 };

    assert_ptr_equal(blkdev_find("vda"), &disk);
    assert_ptr_equal(blkdev_find("vda2"), &part);
    assert_null(blkdev_find("vd"));
    assert_int_equal(blkdev_register(&dup), -XEN_EEXIST);
    assert_int_equal(blkdev_register(&noname), -XEN_EINVAL);
    assert_int_equal(blkdev_register(&toomany), -XEN_EINVAL);
    assert_int_equal(blkdev_register(&noops), -XEN_EINVAL);
    blkdev_unregister(&part);
    assert_null(blkdev_find("vda2"));
    assert_ptr_equal(blkdev_find("ram1"), &ro);
}

static void test_good_request_completes_later(void **state)
{
    struct blkdev_req r = rw(BLKDEV_READ, 984, 2);      /* the last 16 sectors */

    assert_int_equal(blkdev_submit(&disk, &r), 0);
    assert_ptr_equal(last_submitted, &r);
    assert_int_equal(dones, 0);                         /* never inside submit */
    assert_true(blkdev_pending());
    blkdev_run();
    assert_int_equal(dones, 1);
    assert_int_equal(last_status, 0);
    assert_false(blkdev_pending());
}

static void test_range_checks(void **state)
{
    struct blkdev_req r = rw(BLKDEV_READ, 985, 2);      /* one sector past the end */

    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    r = rw(BLKDEV_WRITE, 1000, 1);
    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    r = rw(BLKDEV_READ, UINT64_MAX - 3, 1);             /* wraps */
    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    assert_int_equal(submits, 0);
    assert_false(blkdev_pending());
}

static void test_segment_checks(void **state)
{
    struct blkdev_req r = rw(BLKDEV_READ, 0, 9);         /* max_segs is 8 */

    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    r = rw(BLKDEV_READ, 0, 0);
    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    r = rw(BLKDEV_READ, 0, 1);
    r.seg[0].len = 100;                                 /* not whole sectors */
    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    r.seg[0] = (struct blkdev_seg){ 0x10000 + 3584, 1024 };  /* crosses a page */
    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    r.seg[0] = (struct blkdev_seg){ 0x10000 + 100, 512 };    /* misaligned */
    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    r.seg[0] = (struct blkdev_seg){ 0x10000 + 3584, 512 };   /* the page's last sector */
    assert_int_equal(blkdev_submit(&disk, &r), 0);
    blkdev_run();
    r = rw(BLKDEV_FLUSH, 0, 1);                         /* a flush carries none */
    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    r = rw(BLKDEV_READ, 0, 1);
    r.op = (enum blkdev_op)7;
    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    r = rw(BLKDEV_READ, 0, 1);
    r.done = NULL;
    assert_int_equal(blkdev_submit(&disk, &r), -XEN_EINVAL);
    assert_int_equal(submits, 1);
    assert_int_equal(dones, 1);
}

static void test_read_only(void **state)
{
    struct blkdev_req w = rw(BLKDEV_WRITE, 0, 1), r = rw(BLKDEV_READ, 0, 1),
                      f = rw(BLKDEV_FLUSH, 0, 0);

    assert_int_equal(blkdev_submit(&ro, &w), -XEN_EROFS);
    assert_int_equal(blkdev_submit(&ro, &r), 0);
    assert_int_equal(blkdev_submit(&ro, &f), 0);
    assert_int_equal(submits, 2);
    blkdev_run();
    assert_int_equal(dones, 2);
}

static void test_partition_forwards(void **state)
{
    struct blkdev_req r = rw(BLKDEV_WRITE, 92, 1), bad = rw(BLKDEV_READ, 93, 1);

    assert_int_equal(blkdev_submit(&part, &bad), -XEN_EINVAL);   /* past the partition */
    assert_int_equal(blkdev_submit(&part, &r), 0);
    assert_ptr_equal(last_submitted, &r);
    assert_int_equal(r.sector, 992);
    blkdev_run();
    assert_int_equal(last_status, 0);
    disk.priv = &disk;                                  /* the disk now fails */
    r = rw(BLKDEV_FLUSH, 0, 0);
    assert_int_equal(blkdev_submit(&part, &r), 0);
    blkdev_run();
    assert_int_equal(dones, 2);
    assert_int_equal(last_status, -XEN_EIO);
    disk.priv = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_registry, setup),
        cmocka_unit_test_setup(test_good_request_completes_later, setup),
        cmocka_unit_test_setup(test_range_checks, setup),
        cmocka_unit_test_setup(test_segment_checks, setup),
        cmocka_unit_test_setup(test_read_only, setup),
        cmocka_unit_test_setup(test_partition_forwards, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
