// SPDX-License-Identifier: MIT
/*
 * Petrel's control domain: start of day, then the event loop.
 *
 * dom0 shares the test guests' runtime (start of day, traps, hypercalls,
 * printf, events, time) but not their test runner: guest_start() here
 * sets up memory, the initrd (module 0), events, timers and the console, prints
 * the banner and the prompt, and runs the event loop on vCPU 0. The loop
 * handles what the event handlers noted, and blocks in SCHEDOP_block when
 * nothing is left; it never spins.
 */
#include <public/errno.h>
#include <public/sched.h>
#include <string.h>
#include "../hv/hv.h"
#include "../libhv/libhv.h"
#include "blkdev.h"
#include "cpio.h"
#include "devices.h"
#include "dom0.h"
#include "netback.h"
#include "hypercall.h"
#include "test.h"
#include "x86.h"
#include "xen.h"
#include "xenbus.h"

const void *initrd;
size_t initrd_size;
uint64_t dom0_boot_ns;

#define LINE_MAX        256

void guest_start(uint32_t start_info_pa);

/* The runtime's traps and event code report through these two (the test
 * runner's names); for dom0 they are errors in dom0 itself. */
void test_fail_at(const char *file, int line, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printf("dom0: error: %s:%d: %s\n", file, line, msg);
}

__noreturn void test_end(enum test_result r)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_crash };

    printf("dom0: fatal error; stopping (crash)\n");
    hypervisor_sched_op(SCHEDOP_shutdown, &sd);
    halt_forever();
}

void dom0_shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };
    long rc;

    printf("dom0: %s\n", reason == SHUTDOWN_reboot ? "rebooting" : "powering off");
    rc = hypervisor_sched_op(SCHEDOP_shutdown, &sd);
    printf("dom0: SCHEDOP_shutdown: %s (-%s)\n", hv_strerror(rc), hv_errname(rc));
}

/* Module 0, if any, is the initrd: check it whole once, here. */
static void initrd_init(void)
{
    const struct hvm_modlist_entry *m =
        (const struct hvm_modlist_entry *)(uintptr_t)start_info->modlist_paddr;
    struct cpio_file f;
    size_t pos = 0, files = 0;
    int rc;

    if (!start_info->nr_modules || !m) {
        printf("dom0: no initrd (module 0): ls and cat have nothing to show\n");
        return;
    }
    while ((rc = cpio_next((const void *)(uintptr_t)m->paddr, m->size, &pos, &f)) > 0)
        files += (f.mode & CPIO_MODE_TYPE) == CPIO_MODE_REG;
    if (rc < 0) {
        printf("dom0: initrd: not a cpio newc archive, or damaged at byte %lu; "
               "ignored\n", (unsigned long)pos);
        return;
    }
    initrd = (const void *)(uintptr_t)m->paddr;
    initrd_size = m->size;
    printf("dom0: initrd: %lu files, %lu bytes\n", (unsigned long)files,
           (unsigned long)initrd_size);
}

/* rc=FILE on the command line: run each line of that initrd file as if
 * typed at the prompt, before the console takes input (tests use it). */
static void run_rc(void)
{
    const char *name, *text;
    char file[64], line[LINE_MAX];
    size_t len, size, at = 0;
    const void *data;
    int rc;

    if (!cmdline_find("rc", &name, &len))
        return;
    if (!len || len >= sizeof(file)) {
        printf("dom0: rc: bad file name\n");
        return;
    }
    memcpy(file, name, len);
    file[len] = '\0';
    if ((rc = hv_file(file, &data, &size))) {
        printf("dom0: rc: %s: %s\n", file, hv_strerror(rc));
        return;
    }
    for (text = data; at < size;) {
        size_t n = 0;

        while (at < size && text[at] != '\n') {
            if (n + 1 < sizeof(line))
                line[n++] = text[at];
            at++;
        }
        at++;
        line[n] = '\0';
        console_prompt();
        printf("%s\n", line);
        shell_run(line);
    }
}

/* VIRQ_DOM_EXC: a domain dom0 manages stopped or is gone. The handler
 * notes it twice: for the event loop, which has the toolstack carry out the
 * on_* actions, and for a command waiting for a domain to go. */
static volatile uint32_t dom_exc_loop, dom_exc_wait;

static void on_dom_exc(evtchn_port_t port, void *arg)
{
    dom_exc_loop = 1;
    dom_exc_wait = 1;
}

static void dom_exc_init(void)
{
    evtchn_port_t port;
    long rc = evtchn_bind_virq(VIRQ_DOM_EXC, 0, &port);

    if (rc) {
        printf("dom0: EVTCHNOP_bind_virq(VIRQ_DOM_EXC): %s (-%s); stopped domains "
               "are not noticed\n", hv_strerror(rc), hv_errname(rc));
        return;
    }
    evtchn_set_handler(port, 0, on_dom_exc, NULL);
}

/* Whether what the caller waits for came: in the loop, input or a domain
 * event; in a wait, the events named by 'wake'. */
static bool woken(bool loop, unsigned int wake)
{
    if (loop)
        return console_pending() || dom_exc_loop;
    return ((wake & DOM0_WAKE_KEY) && console_pending()) ||
           ((wake & DOM0_WAKE_DOMAIN) && dom_exc_wait);
}

/* One round of the event loop: do what the event handlers noted, or block
 * until an event comes (its handler has run when sched_block() returns).
 * Interrupts are off from the check to the block, so nothing is missed.
 * Ports (xenstored, the consoles), block completions and dom0's xenstore
 * watch events (the backends) are served in waits too; the loop's own
 * work (input for the shell, the toolstack's domain events) also while an
 * attached domain console takes the input (hv console), as it waits. */
static void events_once(bool loop, unsigned int wake)
{
    cli();
    loop = loop || console_has_sink();
    if (!woken(loop, wake) && !timers_pending() && !ports_pending() &&
        !blkdev_pending() && !xenbus_pending()) {
        sched_block();
        return;
    }
    sti();
    if (timers_pending())
        timers_run();
    if (ports_pending())
        ports_run();
    if (blkdev_pending())
        blkdev_run();
    if (xenbus_pending())
        xenbus_run();
    if (!loop)
        return;
    console_async_end();                /* after console_log lines */
    if (dom_exc_loop) {
        dom_exc_loop = 0;
        hv_domains_changed();
        console_async_end();
    }
    if (console_pending())
        console_poll();
}

unsigned int dom0_wait_for(volatile bool *flag, unsigned int wake)
{
    if (wake & DOM0_WAKE_DOMAIN)
        dom_exc_wait = 0;
    for (;;) {
        if (*flag)
            return 0;
        if ((wake & DOM0_WAKE_KEY) && console_pending())
            return DOM0_WAKE_KEY;
        if ((wake & DOM0_WAKE_DOMAIN) && dom_exc_wait)
            return DOM0_WAKE_DOMAIN;
        events_once(false, wake);
    }
}

void dom0_wait(volatile bool *flag)
{
    dom0_wait_for(flag, 0);
}

static __noreturn void event_loop(void)
{
    for (;;)
        events_once(true, 0);
}

void guest_start(uint32_t start_info_pa)
{
    const char *why = start_of_day(start_info_pa);
    long rc;

    if (why) {
        printf("dom0: cannot run: %s\n", why);
        halt_forever();
    }
    if (!start_info || start_info->magic != XEN_HVM_START_MAGIC_VALUE) {
        printf("dom0: bad start info at %#x\n", start_info_pa);
        test_end(RESULT_ERROR);
    }
    printf("Petrel dom0: the control domain%s\n",
           start_info->flags & SIF_PRIVILEGED ? "" : " (not privileged!)");
    if ((rc = mem_init()))
        printf("dom0: no free RAM for the page allocator: no heap\n");
    else
        printf("dom0: %lu KiB free for pages and heap\n",
               (unsigned long)(dom0_pages.nr_free * 4));
    if (fmap_init())
        printf("dom0: error: no 64 MiB gap below 4 GiB outside the memory map for the "
               "foreign-map window: no domains can be built, no grants mapped\n");
    initrd_init();
    if ((rc = gnttab_init()))
        printf("dom0: no grant table yet: %s (-%s)\n", hv_strerror(rc), hv_errname(rc));
    else
        printf("dom0: grant table: %u entries\n", gnttab_entries());
    if ((rc = events_init(EVENT_VECTOR_DEFAULT))) {
        printf("dom0: no events: %s (-%s)\n", hv_strerror(rc), hv_errname(rc));
        test_end(RESULT_ERROR);
    }
    dom0_boot_ns = now_ns();
    if ((rc = timers_init()))
        printf("dom0: no timers: VIRQ_TIMER: %s (-%s)\n", hv_strerror(rc), hv_errname(rc));
    console_init();
    dom_exc_init();
    xenstore_init();
    ramdisk_init();
    devices_init();
    blkback_init();
    netback_init();
    run_rc();
    printf("dom0: ready; 'help' lists the commands\n");
    console_prompt();
    event_loop();
}
