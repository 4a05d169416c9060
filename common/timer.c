// SPDX-License-Identifier: MIT
/*
 * Per-pCPU software timer queues (petrel/timer.h): a doubly-linked list
 * sorted by expiry under an irqsave spinlock. Equal expiries keep the order
 * in which they were set.
 */
#include <petrel/config.h>
#include <petrel/spinlock.h>
#include <petrel/timer.h>

struct timer_queue {
    spinlock_t lock;
    struct timer *head;             /* earliest expiry */
    bool processing;                /* timer_process() programs afterwards */
    struct timer *running;          /* whose callback runs now, or NULL */
};

static struct timer_queue queues[NR_CPUS];

static uint64_t head_expiry(const struct timer_queue *q)
{
    return q->head ? q->head->expires : 0;
}

static void queue_del(struct timer_queue *q, struct timer *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        q->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->prev = t->next = NULL;
    t->active = false;
}

static void queue_add(struct timer_queue *q, struct timer *t)
{
    struct timer *prev = NULL, *cur = q->head;

    while (cur && cur->expires <= t->expires) {
        prev = cur;
        cur = cur->next;
    }
    t->prev = prev;
    t->next = cur;
    if (prev)
        prev->next = t;
    else
        q->head = t;
    if (cur)
        cur->prev = t;
    t->active = true;
}

/* After a change under q->lock: program or report a new earliest expiry. */
static bool head_changed(struct timer_queue *q, unsigned int cpu, uint64_t before)
{
    uint64_t after = head_expiry(q);

    if (after == before || q->processing)
        return false;
    if (cpu != arch_timer_cpu())
        return true;
    arch_timer_program(cpu, after);
    return false;
}

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data,
                unsigned int cpu)
{
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->cpu = cpu < NR_CPUS ? cpu : 0;
    t->active = false;
    t->prev = t->next = NULL;
}

bool timer_set(struct timer *t, uint64_t expires)
{
    struct timer_queue *q = &queues[t->cpu];
    unsigned long flags = spin_lock_irqsave(&q->lock);
    uint64_t before = head_expiry(q);
    bool kick;

    if (t->active)
        queue_del(q, t);
    t->expires = expires;
    queue_add(q, t);
    kick = head_changed(q, t->cpu, before);
    spin_unlock_irqrestore(&q->lock, flags);
    if (kick)
        arch_timer_kick(t->cpu);
    return kick;
}

void timer_stop(struct timer *t)
{
    struct timer_queue *q = &queues[t->cpu];
    unsigned long flags = spin_lock_irqsave(&q->lock);
    uint64_t before = head_expiry(q);

    if (t->active) {
        queue_del(q, t);
        head_changed(q, t->cpu, before);
    }
    spin_unlock_irqrestore(&q->lock, flags);
}

void timer_kill(struct timer *t)
{
    struct timer_queue *q = &queues[t->cpu];

    timer_stop(t);
    /* A callback that started before the stop may still run (and re-arm). */
    while (__atomic_load_n(&q->running, __ATOMIC_ACQUIRE) == t)
        __builtin_ia32_pause();
    timer_stop(t);
}

bool timer_pending(const struct timer *t)
{
    return __atomic_load_n(&t->active, __ATOMIC_RELAXED);
}

uint64_t timer_process(unsigned int cpu, uint64_t now)
{
    struct timer_queue *q = &queues[cpu];
    unsigned long flags = spin_lock_irqsave(&q->lock);
    uint64_t next;

    q->processing = true;
    while (q->head && q->head->expires <= now) {
        struct timer *t = q->head;

        queue_del(q, t);
        __atomic_store_n(&q->running, t, __ATOMIC_RELAXED);
        spin_unlock_irqrestore(&q->lock, flags);
        t->fn(t);
        flags = spin_lock_irqsave(&q->lock);
        __atomic_store_n(&q->running, NULL, __ATOMIC_RELEASE);
    }
    q->processing = false;
    next = head_expiry(q);
    spin_unlock_irqrestore(&q->lock, flags);
    return next;
}
