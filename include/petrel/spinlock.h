/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks. Plain spin_lock() for data never touched from interrupt
 * context; spin_lock_irqsave() otherwise. Spinning is bounded only by the
 * holder: never hold a lock across anything that can wait.
 */
#ifndef PETREL_SPINLOCK_H
#define PETREL_SPINLOCK_H

#include <petrel/types.h>

typedef struct {
    volatile uint16_t next;         /* ticket handed to the next arrival */
    volatile uint16_t owner;        /* ticket now served */
} spinlock_t;

#define SPINLOCK_INIT   { 0, 0 }

/* Interrupt flag save/restore (arch/x86/cpu.c; stubbed in host tests). */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

static inline void spin_lock(spinlock_t *l)
{
    uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
        __builtin_ia32_pause();
}

static inline bool spin_trylock(spinlock_t *l)
{
    uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
    uint16_t expect = owner;

    return __atomic_compare_exchange_n(&l->next, &expect, (uint16_t)(owner + 1),
                                       false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags = arch_irq_save();

    spin_lock(l);
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    arch_irq_restore(flags);
}

#endif
