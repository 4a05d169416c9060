/* SPDX-License-Identifier: MIT */
/*
 * Petrel's control domain (docs/dom0.md): what its parts share. dom0 is a
 * PVH kernel on the test-guest runtime (test/guests/lib: entry, traps,
 * hypercalls, printf, events, time), with its own memory, initrd, console
 * and shell. One vCPU; everything runs from the event loop in main.c.
 */
#ifndef DOM0_DOM0_H
#define DOM0_DOM0_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include "pages.h"

/* The prompt; tests wait for exactly this string. */
#define DOM0_PROMPT     "dom0# "

/* ---- memory (mem.c) ---- */
extern struct page_pool dom0_pages;
/* The pool over dom0's RAM above its image, start info and modules (from
 * the start info's memory map, below 4 GiB: what head.S maps), and the
 * heap on it. 0 or -XEN_ENOMEM when no RAM is left for the bitmap. */
int mem_init(void);

/* ---- other domains' pages (fmap.c) ---- */
/* dom0's window for foreign and grant mappings: 64 MiB of guest-physical
 * space with no RAM and no device (no memory-map entry touches it),
 * identity-mapped by head.S like the rest of the first 4 GiB, at fmap_base.
 * fmap_init() picks it from the memory map at start of day: 0, or
 * -XEN_ENOSPC when there is no such gap (then fmap_alloc() gives 0). */
#define FMAP_SIZE       (64ull << 20)
extern uint64_t fmap_base;
int fmap_init(void);
#define FMAP_BATCH      64          /* pages per fmap_foreign() */
/* n free pages of the window (for gnttab_map, say): their gpa, 0 if none. */
uint64_t fmap_alloc(unsigned int n);
void fmap_free(uint64_t gpa, unsigned int n);
/* Map dom's pages gfns[0..n) (n <= FMAP_BATCH) at consecutive pages of the
 * window; their address, or NULL (nothing left mapped) if any failed. */
void *fmap_foreign(domid_t dom, const uint64_t *gfns, unsigned int n);
/* Unmap what fmap_foreign() mapped and give the window pages back. */
void fmap_unmap(void *p, unsigned int n);

/* ---- the initrd (main.c): module 0, a cpio newc archive ---- */
extern const void *initrd;      /* NULL: none */
extern size_t initrd_size;

/* ---- console (console.c) ---- */
/* Bind VIRQ_CONSOLE (a failure is reported; output still works). */
void console_init(void);
/* Whether input is waiting (VIRQ_CONSOLE came since the last poll). */
bool console_pending(void);
/* Read the input there is, edit, and run each finished line. */
void console_poll(void);
void console_prompt(void);
/* Output outside a command is about to start (a domain stopped): end the
 * line being typed; console_async_end() shows the prompt and it again. */
void console_async_begin(void);
void console_async_end(void);
/* Read and drop the input there is (a key that ends `hv top`): how many
 * bytes. 0 when console_pending() was stale: VIRQ_CONSOLE also comes for
 * bytes that an earlier read already took. */
size_t console_drop_input(void);

/* ---- timers (timers.c) ---- */
struct dom0_timer {
    uint64_t deadline;          /* system time, ns */
    void (*fn)(void *arg);      /* called from the event loop */
    void *arg;
    struct dom0_timer *next;    /* the armed list */
};
/* Bind VIRQ_TIMER (and stop the default periodic timer); 0 or an error. */
int timers_init(void);
/* Call t->fn(t->arg) once system time reaches deadline_ns (re-arming moves
 * it); disarming a timer that is not armed does nothing. */
void timer_arm(struct dom0_timer *t, uint64_t deadline_ns);
void timer_disarm(struct dom0_timer *t);
/* Whether VIRQ_TIMER fired since the last timers_run(). */
bool timers_pending(void);
/* Run the timers that are due and set the next deadline. */
void timers_run(void);

/* ---- grant table (gnttab.c) ---- */
/* Map the table's frames (up to 4); 0 or an error (no grant table). */
int gnttab_init(void);
/* Entries the table has (0 without one). */
unsigned int gnttab_entries(void);
/* Let dom map or copy dom0's page gfn: the reference, or -XEN_ENOSPC when
 * every entry is in use (-XEN_ENODEV without a table). */
int gnttab_grant(domid_t dom, uint64_t gfn, bool readonly);
/* Take a grant back: 0, or -XEN_EBUSY while the page is still mapped. */
int gnttab_end(grant_ref_t ref);
/* Map dom's grant ref at dom0's guest-physical gpa; *handle names the map. */
int gnttab_map(domid_t dom, grant_ref_t ref, uint64_t gpa, bool readonly,
               grant_handle_t *handle);
int gnttab_unmap(uint64_t gpa, grant_handle_t handle);
/* GNTTABOP_copy of ops[0..n): the hypercall's result (0 or a negative
 * errno); each op's own outcome is in its status (GNTST_*). */
long gnttab_copy(struct gnttab_copy *ops, unsigned int n);

/* ---- event-channel work (ports.c) ---- */
/* What the event loop calls for a port that fired (interrupts on). */
typedef void (*port_work_fn)(evtchn_port_t port, void *arg);
/* Have the loop call fn(port, arg) after each event on port (bound to
 * vCPU 0; unmasks it), and once now. 0 or -XEN_EINVAL (port too high). */
int ports_bind(evtchn_port_t port, port_work_fn fn, void *arg);
/* Have the loop call port's function again in its next round, as if the
 * port fired (work left over after a budget). */
void ports_kick(evtchn_port_t port);
/* Mask port and forget its function (the caller closes the port). */
void ports_unbind(evtchn_port_t port);
/* Events delivered on port since ports_bind() (upcalls; not the first
 * call ports_bind() makes, nor ports_kick()'s). */
uint64_t ports_events(evtchn_port_t port);
/* Whether some port fired since the last ports_run(). */
bool ports_pending(void);
/* Call the function of each port that fired. */
void ports_run(void);

/* ---- xenstored (xenstore.c) ---- */
struct xs;
/* dom0's xenstored: the library's state, once xenstore_init() succeeded. */
extern struct xs *dom0_xs;
/* Start xenstored and write dom0's own tree; a failure is reported. */
void xenstore_init(void);
/* The shell's `xs` command (xs_cmd.c); 0, or 1 after printing the error. */
int xs_cmd(int argc, char **argv);
/* `edu [bus:dev.fn]`: drive QEMU's edu device from dom0 (edu_cmd.c). */
int edu_cmd(int argc, char **argv);

/* ---- block backend (blkback.c, disks.c; docs/block.md) ---- */
/* Register blkback as xenbus backend "vbd" (after xenstore_init). */
void blkback_init(void);
/* Write the xenstore directories of a domain's disks (backend and
 * frontend, as libxl does) before it runs; 0 or a negative Xen errno.
 * disks_domain_gone() removes the backend ones. */
int disks_domain_new(domid_t domid, char *const *specs, unsigned int n);
void disks_domain_gone(domid_t domid);

/* ---- console input (console.c) ---- */
/* Send typed bytes to fn(arg, buf, len) instead of the line editor (an
 * attached domain console); NULL gives them back to the shell. */
typedef void (*console_sink_fn)(void *arg, const char *buf, size_t len);
void console_set_sink(console_sink_fn fn, void *arg);
bool console_has_sink(void);

/* ---- shell (shell.c) ---- */
/* Run one command line. */
void shell_run(const char *line);

/* ---- main.c ---- */
/* SCHEDOP_shutdown with reason (SHUTDOWN_poweroff, _reboot); returns only
 * if the hypervisor refused, after saying so. */
void dom0_shutdown(unsigned int reason);
/* Handle events (timers, ports, and console input only when it goes to a
 * sink: the shell is busy) until *flag is set; the vCPU blocks in
 * between. For commands that wait. */
void dom0_wait(volatile bool *flag);
/* The same, and also return when one of the events in wake comes
 * (VIRQ_DOM_EXC, console input: left pending): 0 for the flag, else the
 * DOM0_WAKE_* that came. */
#define DOM0_WAKE_DOMAIN        1u
#define DOM0_WAKE_KEY           2u
unsigned int dom0_wait_for(volatile bool *flag, unsigned int wake);
/* System time (ns) when dom0 started. */
extern uint64_t dom0_boot_ns;

#endif
