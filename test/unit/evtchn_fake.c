// SPDX-License-Identifier: MIT
/* Fake domains and recorded stand-ins for the event-channel unit tests
 * (evtchn_fake.h). */
#include <stdio.h>
#include <stdlib.h>
#include <petrel/event.h>
#include <petrel/mm.h>
#include <petrel/timer.h>
#include <x86/hvm/vlapic.h>
#include <x86/time.h>
#include "evtchn_fake.h"
#include "stubs.h"

/* ---- stand-ins, recording what the code under test asked for --------- */

static struct domain *domains[8];
struct vcpu *kicked[MAX_LOG];
unsigned int nr_kicked;
struct vcpu *blocked[MAX_LOG];
unsigned int nr_blocked;
struct irq_record irqs[MAX_LOG];
unsigned int nr_irqs;
uint64_t fake_now = 1000000;

void *xzalloc(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    if (gva < 4096)
        return -EFAULT;
    memcpy(dst, (const void *)(uintptr_t)gva, len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    if (gva < 4096)
        return -EFAULT;
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}

/*
 * The scheduler as a model: vcpu_block() marks v blocked and only a later
 * vcpu_kick() unmarks it, so a kick that comes before the block is lost.
 * Thread-safe: the race tests call these from two threads (calls past
 * MAX_LOG are counted, not kept).
 */
static bool model_blocked[16][4];           /* [domain id][vCPU id] */

bool *blocked_flag(struct vcpu *v)
{
    assert_true(v->domain->id < 16 && v->id < 4);
    return &model_blocked[v->domain->id][v->id];
}

void vcpu_kick(struct vcpu *v)
{
    unsigned int i = __atomic_fetch_add(&nr_kicked, 1, __ATOMIC_SEQ_CST);

    if (i < MAX_LOG)
        kicked[i] = v;
    __atomic_store_n(blocked_flag(v), false, __ATOMIC_SEQ_CST);
}

void vcpu_block(struct vcpu *v)
{
    unsigned int i = __atomic_fetch_add(&nr_blocked, 1, __ATOMIC_SEQ_CST);

    if (i < MAX_LOG)
        blocked[i] = v;
    __atomic_store_n(blocked_flag(v), true, __ATOMIC_SEQ_CST);
}

/* console_io's flush of a partial line (on SCHEDOP_block): the last domain. */
struct domain *console_flushed;

void console_io_flush(struct domain *d)
{
    console_flushed = d;
}

/* SCHEDOP_poll's block: the same model (it checks nothing itself). */
void vcpu_block_poll(struct vcpu *v)
{
    vcpu_block(v);
}

void vcpu_yield(struct vcpu *v)
{
}

bool vlapic_set_irq(struct vcpu *v, uint8_t vector, bool level)
{
    assert_true(nr_irqs < MAX_LOG);
    assert_false(level);
    irqs[nr_irqs].v = v;
    irqs[nr_irqs].vector = vector;
    nr_irqs++;
    return true;
}

/* As common/domain.c: a reference comes with the domain; free_domain()
 * checks that every one was dropped. */
struct domain *domain_by_id(uint16_t id)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(domains); i++) {
        if (domains[i] && domains[i]->id == id) {
            __atomic_add_fetch(&domains[i]->refs, 1, __ATOMIC_SEQ_CST);
            return domains[i];
        }
    }
    return NULL;
}

void domain_put(struct domain *d)
{
    assert_true(__atomic_sub_fetch(&d->refs, 1, __ATOMIC_SEQ_CST) != (unsigned int)-1);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
}

uint64_t system_time_ns(void)
{
    return fake_now;
}

uint64_t system_time_to_tsc(uint64_t ns)
{
    return ns;                  /* one tick per ns in this world */
}

unsigned int arch_timer_cpu(void)
{
    return 0;
}

void arch_timer_program(unsigned int cpu, uint64_t expires)
{
}

void arch_timer_kick(unsigned int cpu)
{
}

/* ---- fake domains ------------------------------------------------------- */

struct domain *make_domain(uint16_t id, unsigned int nr_vcpus, bool privileged)
{
    struct domain *d = calloc(1, sizeof(*d));

    assert_non_null(d);
    d->id = id;
    d->privileged = privileged;
    d->state = DOMAIN_RUNNING;
    d->shared_info = aligned_alloc(4096, 4096);
    memset(d->shared_info, 0, 4096);
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        d->vcpus[i] = calloc(1, sizeof(struct vcpu));
        d->vcpus[i]->id = i;
        d->vcpus[i]->domain = d;
        d->vcpus[i]->vcpu_info = &d->shared_info->vcpu_info[i];
    }
    d->nr_vcpus = nr_vcpus;
    assert_int_equal(evtchn_domain_init(d), 0);
    for (unsigned int i = 0; i < ARRAY_SIZE(domains); i++) {
        if (!domains[i]) {
            domains[i] = d;
            return d;
        }
    }
    fail_msg("too many domains");
    return NULL;
}

void free_domain(struct domain *d)
{
    assert_int_equal(d->refs, 0);
    evtchn_domain_destroy(d);
    assert_null(d->evtchn);
    for (unsigned int i = 0; i < ARRAY_SIZE(domains); i++)
        if (domains[i] == d)
            domains[i] = NULL;
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        free(d->vcpus[i]);
    free(d->shared_info);
    free(d);
}

unsigned int kicks_of(struct vcpu *v)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < MIN(nr_kicked, MAX_LOG); i++)
        n += kicked[i] == v;
    return n;
}

void clear_log(void)
{
    nr_kicked = nr_blocked = nr_irqs = 0;
}

/* drivers/msi.c's pirq_bind(), as it drives the event channel side: pirqs
 * 1..FAKE_PIRQS are mapped for whichever domain asks. */
uint32_t fake_pirq_port[FAKE_PIRQS + 1];

int pirq_bind(struct domain *d, uint32_t n, uint32_t *port)
{
    int rc;

    if (!n || n > FAKE_PIRQS)
        return -EINVAL;
    rc = evtchn_bind_pirq_port(d, n, fake_pirq_port[n]);
    if (rc <= 0)
        return rc;
    fake_pirq_port[n] = *port = rc;
    return 0;
}

int fake_setup(void **state)
{
    memset(fake_pirq_port, 0, sizeof(fake_pirq_port));
    clear_log();
    fake_now = 1000000;
    stub_log_reset();
    return 0;
}

/* A test frees its domains and leaves the timer queue empty. Leftovers
 * of a failed test are freed here, so that the next test starts clean. */
int fake_teardown(void **state)
{
    unsigned int left = 0;

    for (unsigned int i = 0; i < ARRAY_SIZE(domains); i++) {
        if (domains[i]) {
            domains[i]->refs = 0;   /* a failed refs check may be why it is left */
            free_domain(domains[i]);
            left++;
        }
    }
    assert_int_equal(left, 0);
    assert_int_equal(timer_process(0, UINT64_MAX), 0);
    return 0;
}
