// SPDX-License-Identifier: MIT
/*
 * dom0's backends for the domains it builds (domains.h): each domain's
 * xenstore home and its introduction to xenstored (xenstore.c), and its
 * console backend (Xen's xenconsoled): the console page mapped through the
 * foreign window, its port bound and served from the event loop; what the
 * guest writes is kept in a per-domain log (cons_log.c, replayed on
 * attach) and, while an operator is attached (`hv console`), written to
 * dom0's console, whose typed bytes go to the guest's input ring.
 *
 * With console_log=1 on dom0's command line, each whole line a guest writes
 * also goes to dom0's console while no console is attached, as "(dN) text"
 * with bytes other than printable ASCII and tab shown as '.', as Petrel
 * shows the lines guests write with console_io (the boot tests use it).
 * console_log=2 stamps each such line with the hypervisor's time when dom0
 * took its end off the ring: "(dN) [hv S.UUUUUU] text" (make bench times a
 * Linux guest's boot with it, test/bench-linux.py).
 *
 * The console page is the guest's: every index goes through cons_ring.c's
 * checks. A ring whose indexes are out of range is dropped with one line;
 * the rest of the domain stays served.
 */
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "../backends/cons_log.h"
#include "../backends/cons_ring.h"
#include "../libhv/libhv.h"
#include "../xenstored/xenstored.h"
#include "dom0.h"
#include "domains.h"
#include "netback.h"
#include "test.h"
#include "xen.h"
#include "xenbus.h"

#define CONSOLE_ESCAPE  0x1d            /* Ctrl-] detaches */
#define DRAIN_CHUNK     256
#define LOG_LINE_MAX    160             /* console_log: longer lines are split */

struct dom_be {
    domid_t domid;
    bool introduced;                    /* xs_introduce() succeeded */
    struct xencons_interface *cons;     /* NULL: no console (dropped) */
    evtchn_port_t cons_port;            /* dom0's end */
    struct cons_log log;
    char line[LOG_LINE_MAX];            /* console_log: the line so far */
    size_t line_len;
    struct dom_be *next;
};

static struct dom_be *domains;
static struct dom_be *attached;         /* `hv console` */
static volatile bool detach;
static char attached_last = '\n';       /* the last byte shown while attached */

static struct dom_be *find(domid_t domid)
{
    for (struct dom_be *be = domains; be; be = be->next)
        if (be->domid == domid)
            return be;
    return NULL;
}

static void show(const char *p, size_t n)
{
    if (!n)
        return;
    console_write(p, n);
    attached_last = p[n - 1];
}

/* console_log=N on dom0's command line (read once): 0 off, 1 the lines,
 * 2 or more the lines with a time stamp. */
static int console_log(void)
{
    static int wanted = -1;

    if (wanted < 0) {
        uint64_t v = cmdline_u64_or("console_log", 0);

        wanted = v > 2 ? 2 : (int)v;
    }
    return wanted;
}

static void log_flush(struct dom_be *be)
{
    if (!be->line_len)
        return;
    be->line[be->line_len] = '\0';
    console_async_begin();
    if (console_log() >= 2) {
        uint64_t now = now_ns();

        printf("(d%u) [hv %lu.%06lu] %s\n", be->domid, (unsigned long)(now / 1000000000),
               (unsigned long)(now / 1000 % 1000000), be->line);
    } else {
        printf("(d%u) %s\n", be->domid, be->line);
    }
    be->line_len = 0;
}

/* console_log: the guest's bytes as lines of printable ASCII. */
static void log_lines(struct dom_be *be, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];

        if (c == '\n') {
            log_flush(be);
            continue;
        }
        if (c == '\r')
            continue;
        be->line[be->line_len++] = (c == '\t' || (c >= 0x20 && c < 0x7f)) ? c : '.';
        if (be->line_len == LOG_LINE_MAX - 1)
            log_flush(be);
    }
}

static void cons_stop(struct dom_be *be)
{
    if (!be->cons)
        return;
    ports_unbind(be->cons_port);
    evtchn_close(be->cons_port);
    fmap_unmap(be->cons, 1);
    be->cons = NULL;
    if (attached == be)
        detach = true;
}

/* A ring with indexes out of range: one line, on a line of its own, and
 * the console goes (the rest of the domain stays served). */
static void say_dropped(struct dom_be *be)
{
    if (!attached)
        console_async_begin();
    else if (attached_last != '\n')
        console_write("\n", 1);
    printf("dom0: domain %u: console ring indexes out of range; console dropped\n",
           be->domid);
    attached_last = '\n';
    cons_stop(be);
}

/* Take what the guest wrote: into the log, and out if attached. */
static void cons_drain(struct dom_be *be)
{
    char buf[DRAIN_CHUNK];
    size_t total = 0;
    int n;

    /* Two rings' worth at most per event: a guest that keeps writing is
     * served again on its next notification. */
    while (be->cons && total < 2 * XENCONS_OUT_SIZE) {
        n = cons_ring_read(be->cons, buf, sizeof(buf));
        if (n == CONS_RING_BROKEN) {
            say_dropped(be);
            return;
        }
        if (!n)
            break;
        cons_log_append(&be->log, buf, (size_t)n);
        if (attached == be)
            show(buf, (size_t)n);
        else if (!attached && console_log())
            log_lines(be, buf, (size_t)n);
        total += (size_t)n;
    }
    if (total)
        evtchn_send(be->cons_port);
}

static void cons_port_fired(evtchn_port_t port, void *arg)
{
    cons_drain(arg);                    /* the loop redraws the prompt */
}

static int cons_start(struct dom_be *be, const struct dom0_domain_info *di)
{
    uint64_t gfn = di->console_gfn;
    evtchn_port_t port;
    long rc;

    if (!(be->cons = fmap_foreign(di->domid, &gfn, 1)))
        return -XEN_EFAULT;
    rc = evtchn_bind_interdomain(di->domid, di->console_port, &port);
    if (!rc && (rc = ports_bind(port, cons_port_fired, be)))
        evtchn_close(port);
    if (rc) {
        fmap_unmap(be->cons, 1);
        be->cons = NULL;
        return (int)rc;
    }
    be->cons_port = port;
    return 0;
}

/* The domain's home, as a toolstack writes it: the domain owns it (others
 * may not look), dom0 keeps name and domid read-only to it. */
static int write_home(const struct dom0_domain_info *di, const char *home)
{
    struct xs_perm own = { di->domid, XS_PERM_NONE };
    struct xs_perm ro[2] = { { 0, XS_PERM_NONE }, { di->domid, XS_PERM_READ } };
    char path[64];
    int rc;

#define KEY(k)  (snprintf(path, sizeof(path), "%s/" k, home), path)
    if ((rc = xs_local_mkdir(dom0_xs, 0, home)) ||
        (rc = xs_local_set_perms(dom0_xs, 0, home, &own, 1)) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("name"), "%s", di->name)) ||
        (rc = xs_local_set_perms(dom0_xs, 0, path, ro, 2)) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("domid"), "%u", di->domid)) ||
        (rc = xs_local_set_perms(dom0_xs, 0, path, ro, 2)) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("memory/target"), "%lu",
                              (unsigned long)di->mem_kib)) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("store/ring-ref"), "%lu",
                              (unsigned long)di->store_gfn)) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("store/port"), "%u", di->store_port)) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("console/ring-ref"), "%lu",
                              (unsigned long)di->console_gfn)) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("console/port"), "%u", di->console_port)) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("console/type"), "%s", "xenconsoled")) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("console/limit"), "%u", CONS_LOG_SIZE)) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("memory/static-max"), "%lu",
                              (unsigned long)di->mem_kib)) ||
        (rc = xs_local_mkdir(dom0_xs, 0, KEY("control"))) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("control/shutdown"), "%s", "")) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("control/feature-poweroff"), "1")) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("control/feature-reboot"), "1")) ||
        (rc = xs_local_printf(dom0_xs, 0, KEY("control/platform-feature-xs_reset_watches"),
                              "1")) ||
        (rc = xs_local_mkdir(dom0_xs, 0, KEY("data"))))
        return rc;
    /* Linux's vCPU hotplug code reads cpu/N/availability for each vCPU
     * ("Unable to read cpu state" without it), as xl writes it. */
    for (unsigned int i = 0; i < di->vcpus && i < 64; i++) {
        snprintf(path, sizeof(path), "%s/cpu/%u/availability", home, i);
        if ((rc = xs_local_printf(dom0_xs, 0, path, "online")))
            return rc;
    }
#undef KEY
    return 0;
}

static void home_of(domid_t domid, char *buf, size_t size)
{
    snprintf(buf, size, "/local/domain/%u", domid);
}

static void be_free(struct dom_be *be)
{
    char home[32];

    /* Its disks first: blkback waits for their requests in flight and
     * unmaps their grants while the domain is still there. */
    xenbus_domain_gone(be->domid);
    disks_domain_gone(be->domid);
    netcfg_domain_gone(be->domid);
    cons_stop(be);
    if (dom0_xs) {
        if (be->introduced)
            xs_release(dom0_xs, be->domid);
        home_of(be->domid, home, sizeof(home));
        xs_local_rm(dom0_xs, 0, home);
    }
    free(be);
}

int backends_domain_new(const struct dom0_domain_info *di)
{
    struct dom_be *be;
    char home[32];
    int rc;

    if (!di || !di->domid || !di->name || find(di->domid))
        return -XEN_EINVAL;
    if (!dom0_xs)
        return -XEN_ENODEV;
    if (!(be = calloc(1, sizeof(*be))))
        return -XEN_ENOMEM;
    be->domid = di->domid;
    home_of(di->domid, home, sizeof(home));
    if ((rc = write_home(di, home)))
        goto fail;
    if ((rc = xs_introduce(dom0_xs, di->domid, di->store_gfn, di->store_port)))
        goto fail;
    be->introduced = true;
    if ((rc = cons_start(be, di)))
        goto fail;
    if ((rc = disks_domain_new(di->domid, di->disk, di->nr_disk)) ||
        (rc = netcfg_domain_new(di->domid, di->vif, di->nr_vif)))
        goto fail;
    be->next = domains;
    domains = be;
    return 0;
fail:
    printf("dom0: domain %u: backends: %s (-%s)\n", di->domid, hv_strerror(rc),
           hv_errname(rc));
    be_free(be);
    return rc;
}

void backends_domain_gone(domid_t domid)
{
    struct dom_be **pp, *be;

    for (pp = &domains; *pp && (*pp)->domid != domid; pp = &(*pp)->next)
        ;
    if (!(be = *pp))
        return;
    *pp = be->next;
    if (be->cons)
        cons_drain(be);                 /* its last words */
    if (!attached)
        log_flush(be);                  /* the caller redraws the prompt */
    if (attached == be) {
        attached = NULL;
        detach = true;
    }
    be_free(be);
}

/* Typed bytes while attached: to the guest's input ring, up to Ctrl-]. */
static void console_input(void *arg, const char *buf, size_t len)
{
    struct dom_be *be = arg;
    size_t n = 0;
    int rc;

    if (attached != be || detach)
        return;
    while (n < len && buf[n] != CONSOLE_ESCAPE)
        n++;
    if (n < len)
        detach = true;
    if (!n || !be->cons)
        return;
    rc = cons_ring_write(be->cons, buf, n);
    if (rc == CONS_RING_BROKEN)
        say_dropped(be);
    else if (rc > 0)
        evtchn_send(be->cons_port);     /* a full ring dropped the rest */
}

static void replay_out(void *arg, const char *p, size_t n)
{
    show(p, n);
}

int backends_console_attach(domid_t domid)
{
    struct dom_be *be = find(domid);

    if (!be || !be->cons)
        return -XEN_ENOENT;
    if (attached)
        return -XEN_EBUSY;
    printf("hv: attached to the console of domain %u; Ctrl-] detaches\n", domid);
    attached_last = '\n';
    cons_log_replay(&be->log, replay_out, NULL);
    attached = be;
    detach = false;
    console_set_sink(console_input, be);
    cons_drain(be);                     /* what came since the last event */
    dom0_wait(&detach);
    console_set_sink(NULL, NULL);
    attached = NULL;
    printf("%shv: detached from the console of domain %u\n",
           attached_last == '\n' ? "" : "\n", domid);
    return 0;
}
