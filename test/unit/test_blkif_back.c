/* SPDX-License-Identifier: MIT */
/* Unit tests: blkback's ring and request checks (tools/backends/blkif_back.c)
 * against a frontend that does what it likes with the shared pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/backends/blkif_back.h"

static _Alignas(4096) uint8_t pages[BLKIF_BACK_MAX_PAGES][4096];
static struct blkif_sring *sring = (struct blkif_sring *)pages;
static struct blkif_back_ring ring;

static int setup(void **state)
{
    memset(pages, 0, sizeof(pages));
    sring->hdr.req_event = sring->hdr.rsp_event = 1;    /* SHARED_RING_INIT */
    blkif_back_init(&ring, sring, 1);
    return 0;
}

/* The frontend puts a read of one segment with this id at req_prod. */
static void fe_push_read(uint64_t id)
{
    struct blkif_request *rq = &sring->ring[sring->hdr.req_prod % ring.nr_ents].req;

    memset(rq, 0, sizeof(*rq));
    rq->operation = BLKIF_OP_READ;
    rq->nr_segments = 1;
    rq->id = id;
    rq->sector_number = 8;
    rq->seg[0] = (struct blkif_request_segment){ .gref = 42, .first_sect = 0, .last_sect = 7 };
    sring->hdr.req_prod++;
}

static void test_entries(void **state)
{
    assert_int_equal(blkif_back_entries(1), 32);
    assert_int_equal(blkif_back_entries(2), 64);
    assert_int_equal(blkif_back_entries(4), 128);
    blkif_back_init(&ring, sring, 4);
    assert_int_equal(ring.nr_ents, 128);
}

static void test_take_and_answer(void **state)
{
    union blkif_sring_entry e;
    struct blkif_back_req req;

    assert_int_equal(blkif_back_next(&ring, &e), 0);
    fe_push_read(0x1234567890ull);
    assert_int_equal(blkif_back_next(&ring, &e), 1);
    assert_int_equal(blkif_back_in_flight(&ring), 1);
    /* The frontend scribbles on the slot: the copy is what was read. */
    sring->ring[0].req.operation = 0x77;
    assert_int_equal(blkif_back_parse(&e, 0, &req), BLKIF_RSP_OKAY);
    assert_int_equal(req.op, BLKIF_OP_READ);
    assert_int_equal(req.id, 0x1234567890ull);
    assert_int_equal(req.sector, 8);
    assert_int_equal(req.nr_segs, 1);
    assert_int_equal(req.seg[0].gref, 42);
    assert_int_equal(req.seg[0].offset, 0);
    assert_int_equal(req.seg[0].len, 4096);
    assert_int_equal(blkif_back_next(&ring, &e), 0);
    blkif_back_respond(&ring, req.id, req.ring_op, BLKIF_RSP_OKAY);
    assert_int_equal(sring->hdr.rsp_prod, 0);           /* not published yet */
    assert_true(blkif_back_push(&ring));                /* rsp_event was 1 */
    assert_int_equal(sring->hdr.rsp_prod, 1);
    assert_int_equal(sring->ring[0].rsp.id, 0x1234567890ull);
    assert_int_equal(sring->ring[0].rsp.operation, BLKIF_OP_READ);
    assert_int_equal(sring->ring[0].rsp.status, BLKIF_RSP_OKAY);
    assert_int_equal(blkif_back_in_flight(&ring), 0);
    /* The frontend did not move rsp_event: no event for the next one. */
    fe_push_read(2);
    assert_int_equal(blkif_back_next(&ring, &e), 1);
    blkif_back_respond(&ring, 2, BLKIF_OP_READ, BLKIF_RSP_ERROR);
    assert_false(blkif_back_push(&ring));
    /* It asks again (rsp_event = rsp_cons + 1): an event. */
    sring->hdr.rsp_event = 3;
    fe_push_read(3);
    assert_int_equal(blkif_back_next(&ring, &e), 1);
    blkif_back_respond(&ring, 3, BLKIF_OP_READ, BLKIF_RSP_OKAY);
    assert_true(blkif_back_push(&ring));
}

static void test_final_check(void **state)
{
    union blkif_sring_entry e;

    fe_push_read(1);
    assert_int_equal(blkif_back_next(&ring, &e), 1);
    assert_false(blkif_back_final_check(&ring));
    assert_int_equal(sring->hdr.req_event, 2);
    fe_push_read(2);
    assert_true(blkif_back_final_check(&ring));
}

static void test_indexes_wrap(void **state)
{
    union blkif_sring_entry e;

    /* A ring that was used 2^32 - 2 times before: indexes wrap. */
    sring->hdr.req_prod = sring->hdr.rsp_prod = 0xfffffffeu;
    blkif_back_init(&ring, sring, 1);
    for (unsigned int i = 0; i < 4; i++) {
        fe_push_read(i);
        assert_int_equal(blkif_back_next(&ring, &e), 1);
        assert_int_equal(e.req.id, i);
        blkif_back_respond(&ring, i, BLKIF_OP_READ, 0);
    }
    blkif_back_push(&ring);
    assert_int_equal(sring->hdr.rsp_prod, 2);
}

static void test_broken_ring(void **state)
{
    union blkif_sring_entry e;

    /* req_prod more than a ring ahead. */
    sring->hdr.req_prod = 33;
    assert_int_equal(blkif_back_next(&ring, &e), BLKIF_BACK_BROKEN);
    assert_int_equal(ring.req_cons, 0);
    /* Behind the consumer (wraps to a huge distance). */
    sring->hdr.req_prod = 0xffffffffu;
    assert_int_equal(blkif_back_next(&ring, &e), BLKIF_BACK_BROKEN);
    /* 32 taken, none answered: a 33rd would overwrite an unanswered slot. */
    sring->hdr.req_prod = 0;
    for (unsigned int i = 0; i < 32; i++)
        fe_push_read(i);
    for (unsigned int i = 0; i < 32; i++)
        assert_int_equal(blkif_back_next(&ring, &e), 1);
    fe_push_read(32);
    assert_int_equal(blkif_back_next(&ring, &e), BLKIF_BACK_BROKEN);
    /* Once one is answered the 33rd fits. */
    blkif_back_respond(&ring, 0, BLKIF_OP_READ, 0);
    assert_int_equal(blkif_back_next(&ring, &e), 1);
}

static int parse_one(const struct blkif_request *rq, unsigned int max_ind,
                     struct blkif_back_req *out)
{
    union blkif_sring_entry e;

    memset(&e, 0, sizeof(e));
    e.req = *rq;
    return blkif_back_parse(&e, max_ind, out);
}

static void test_parse_rw_checks(void **state)
{
    struct blkif_request rq = { .operation = BLKIF_OP_WRITE, .nr_segments = 11, .id = 5 };
    struct blkif_back_req out;

    for (unsigned int i = 0; i < 11; i++)
        rq.seg[i] = (struct blkif_request_segment){ .gref = 100 + i, .first_sect = 1,
                                                    .last_sect = 2 };
    assert_int_equal(parse_one(&rq, 0, &out), BLKIF_RSP_OKAY);
    assert_int_equal(out.nr_segs, 11);
    assert_int_equal(out.seg[10].gref, 110);
    assert_int_equal(out.seg[10].offset, 512);
    assert_int_equal(out.seg[10].len, 1024);
    rq.nr_segments = 12;                                /* too many */
    assert_int_equal(parse_one(&rq, 32, &out), BLKIF_RSP_ERROR);
    assert_int_equal(out.id, 5);                        /* still answerable */
    assert_int_equal(out.ring_op, BLKIF_OP_WRITE);
    rq.nr_segments = 255;
    assert_int_equal(parse_one(&rq, 32, &out), BLKIF_RSP_ERROR);
    rq.nr_segments = 0;                                 /* a write of nothing */
    assert_int_equal(parse_one(&rq, 32, &out), BLKIF_RSP_ERROR);
    rq.nr_segments = 2;
    rq.seg[1].first_sect = 3;                           /* first > last */
    assert_int_equal(parse_one(&rq, 32, &out), BLKIF_RSP_ERROR);
    rq.seg[1].first_sect = 0;
    rq.seg[1].last_sect = 8;                            /* past the page */
    assert_int_equal(parse_one(&rq, 32, &out), BLKIF_RSP_ERROR);
    rq.seg[1].last_sect = 7;
    assert_int_equal(parse_one(&rq, 32, &out), BLKIF_RSP_OKAY);
}

static void test_parse_ops(void **state)
{
    struct blkif_request rq = { .operation = BLKIF_OP_FLUSH_DISKCACHE, .id = 9 };
    struct blkif_back_req out;

    assert_int_equal(parse_one(&rq, 32, &out), BLKIF_RSP_OKAY);
    assert_int_equal(out.op, BLKIF_OP_FLUSH_DISKCACHE);
    assert_int_equal(out.nr_segs, 0);
    rq.nr_segments = 1;                                 /* a flush with data */
    assert_int_equal(parse_one(&rq, 32, &out), BLKIF_RSP_ERROR);
    for (unsigned int op = 0; op < 256; op++) {
        rq.operation = (uint8_t)op;
        rq.nr_segments = 0;
        if (op > BLKIF_OP_WRITE && op != BLKIF_OP_FLUSH_DISKCACHE && op != BLKIF_OP_INDIRECT) {
            assert_int_equal(parse_one(&rq, 32, &out), BLKIF_RSP_EOPNOTSUPP);
            assert_int_equal(out.ring_op, op);
            assert_int_equal(out.id, 9);
        }
    }
}

static void test_parse_indirect(void **state)
{
    union blkif_sring_entry e;
    struct blkif_back_req out;
    static struct blkif_request_segment page[512];

    memset(&e, 0, sizeof(e));
    e.ind = (struct blkif_request_indirect){
        .operation = BLKIF_OP_INDIRECT, .indirect_op = BLKIF_OP_WRITE, .nr_segments = 20,
        .id = 77, .sector_number = 64, .indirect_grefs = { 300 },
    };
    assert_int_equal(blkif_back_parse(&e, 0, &out), BLKIF_RSP_EOPNOTSUPP);  /* not offered */
    assert_int_equal(out.ring_op, BLKIF_OP_WRITE);  /* answered as the write */
    assert_int_equal(blkif_back_parse(&e, 32, &out), BLKIF_RSP_OKAY);
    assert_int_equal(out.ring_op, BLKIF_OP_WRITE);
    assert_int_equal(out.op, BLKIF_OP_WRITE);
    assert_int_equal(out.nr_indirect, 1);
    assert_int_equal(out.indirect[0], 300);
    for (unsigned int i = 0; i < 20; i++)
        page[i] = (struct blkif_request_segment){ .gref = 1000 + i, .first_sect = 0,
                                                  .last_sect = 7 };
    page[19].last_sect = 9;                             /* a bad one in the page */
    assert_int_equal(blkif_back_parse_indirect(&out, 0, page), BLKIF_RSP_ERROR);
    page[19].last_sect = 7;
    assert_int_equal(blkif_back_parse_indirect(&out, 1, page), BLKIF_RSP_ERROR); /* no page 1 */
    assert_int_equal(blkif_back_parse_indirect(&out, 0, page), BLKIF_RSP_OKAY);
    assert_int_equal(out.seg[19].gref, 1019);
    assert_int_equal(out.seg[19].len, 4096);
    e.ind.nr_segments = 33;                             /* over what was offered */
    assert_int_equal(blkif_back_parse(&e, 32, &out), BLKIF_RSP_ERROR);
    e.ind.nr_segments = 20;
    assert_int_equal(blkif_back_parse(&e, 16, &out), BLKIF_RSP_ERROR);
    e.ind.nr_segments = 0;
    assert_int_equal(blkif_back_parse(&e, 32, &out), BLKIF_RSP_ERROR);
    e.ind.nr_segments = 4;
    e.ind.indirect_op = BLKIF_OP_FLUSH_DISKCACHE;       /* only reads and writes */
    assert_int_equal(blkif_back_parse(&e, 32, &out), BLKIF_RSP_ERROR);
    e.ind.indirect_op = BLKIF_OP_INDIRECT;
    assert_int_equal(blkif_back_parse(&e, 32, &out), BLKIF_RSP_ERROR);
    assert_int_equal(out.id, 77);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_entries, setup),
        cmocka_unit_test_setup(test_take_and_answer, setup),
        cmocka_unit_test_setup(test_final_check, setup),
        cmocka_unit_test_setup(test_indexes_wrap, setup),
        cmocka_unit_test_setup(test_broken_ring, setup),
        cmocka_unit_test_setup(test_parse_rw_checks, setup),
        cmocka_unit_test_setup(test_parse_ops, setup),
        cmocka_unit_test_setup(test_parse_indirect, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
