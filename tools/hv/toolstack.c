// SPDX-License-Identifier: MIT
/*
 * The toolstack's domains (toolstack.h): create from a config, destroy,
 * and the on_poweroff / on_reboot / on_crash actions when one stops.
 *
 * A domain is built paused (libhv/build.c), introduced to the backends
 * (dom0/domains.h: xenstored and the console backend), then unpaused; a
 * failure at any step undoes the steps before it. Destroying tells the
 * backends first, so that they unmap its pages and close its ports, then
 * waits until the hypervisor has freed it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include <public/sched.h>
#include "../dom0/domains.h"
#include "../libhv/build.h"
#include "../libhv/libhv.h"
#include "../libhv/pcidev.h"
#include "../libhv/vif.h"
#include "cmds.h"
#include "hv.h"
#include "toolstack.h"

#define ERR_MAX         200
#define TS_NAME_MAX     64

static struct ts_domain *domains;
static domid_t last_domid;              /* ids go up, as Xen's do */

struct ts_domain *ts_find(domid_t dom)
{
    for (struct ts_domain *d = domains; d; d = d->next)
        if (d->domid == dom)
            return d;
    return NULL;
}

static struct ts_domain *find_name(const char *name)
{
    for (struct ts_domain *d = domains; d; d = d->next)
        if (!strcmp(d->cfg.name, name))
            return d;
    return NULL;
}

const char *ts_name(domid_t dom)
{
    struct ts_domain *d = ts_find(dom);

    return dom == 0 ? "Domain-0" : d ? d->cfg.name : NULL;
}

int ts_resolve(const char *arg, domid_t *dom)
{
    struct petrel_domaininfo info;
    struct ts_domain *d = find_name(arg);
    unsigned long id = 0;
    const char *p = arg;

    if (d) {
        *dom = d->domid;
        return 0;
    }
    for (; *p >= '0' && *p <= '9' && id < DOMID_FIRST_RESERVED; p++)
        id = id * 10 + (unsigned long)(*p - '0');
    if (*p || p == arg || id >= DOMID_FIRST_RESERVED || hv_domain_info(id, &info))
        return -XEN_ESRCH;
    *dom = (domid_t)id;
    return 0;
}

/* Unlink d, if linked, and free it. */
static void drop(struct ts_domain *d)
{
    for (struct ts_domain **p = &domains; *p; p = &(*p)->next)
        if (*p == d) {
            *p = d->next;
            break;
        }
    hv_config_free(&d->cfg);
    free(d->file);
    free(d);
}

/* An initrd file the config names; prints why not. */
static int config_file(const char *cfgname, const char *what, const char *name,
                       const void **data, size_t *size)
{
    int rc = hv_file(name, data, size);

    if (rc == -XEN_ENOENT)
        printf("hv: create: %s: %s '%s': no such file in the initrd\n", cfgname,
               what, name);
    else if (rc)
        printf("hv: create: %s: %s '%s': %s (-%s)\n", cfgname, what, name,
               hv_strerror(rc), hv_errname(rc));
    return rc;
}

/* The id after the last one given that no domain has (after
 * DOMID_FIRST_RESERVED - 1 comes 1 again), so that a new domain never takes
 * the id of one that just went and its log lines stay apart; 0 when every
 * id is taken (createdomain then says so). */
static domid_t next_domid(void)
{
    struct petrel_domaininfo info;

    for (unsigned int tries = 1; tries < DOMID_FIRST_RESERVED; tries++) {
        domid_t id = (domid_t)((last_domid + tries - 1) % (DOMID_FIRST_RESERVED - 1) + 1);

        if (hv_domain_info(id, &info) == -XEN_ESRCH)
            return id;
    }
    return 0;
}

/* The memory BARs of d's pci = [...] functions, from dom0's scan; 0, or 1
 * after saying why. */
static int pci_bars(struct ts_domain *d, struct hv_mem_range *bars, unsigned int *nr)
{
    for (unsigned int i = 0; i < d->cfg.nr_pci; i++) {
        uint16_t seg, bdf;
        int rc = hv_parse_bdf(d->cfg.pci[i], &seg, &bdf);

        if (!rc)
            rc = dom0_pci_bars(seg, bdf, bars, nr, HV_BUILD_MAX_BARS);
        if (rc) {
            printf("hv: create: %s: pci %s: its BARs: %s (-%s)\n", d->file, d->cfg.pci[i],
                   hv_strerror(rc), hv_errname(rc));
            return 1;
        }
    }
    return 0;
}

/* Build d from d->cfg, introduce it, unpause it: 0 and d->domid, or 1
 * after saying why, with nothing left behind. */
static int launch(struct ts_domain *d)
{
    static struct hv_mem_range bars[HV_BUILD_MAX_BARS];
    struct hv_build_args a = { .cfg = &d->cfg, .domid = next_domid(), .bars = bars };
    struct hv_build_result r;
    struct dom0_domain_info di;
    char err[ERR_MAX];
    int rc;

    if (config_file(d->file, "kernel", d->cfg.kernel, &a.kernel, &a.kernel_size) ||
        (d->cfg.ramdisk && config_file(d->file, "ramdisk", d->cfg.ramdisk,
                                       &a.ramdisk, &a.ramdisk_size)) ||
        pci_bars(d, bars, &a.nr_bars))
        return 1;
    if ((rc = hv_build(&a, &r, err, sizeof(err)))) {
        printf("hv: create: %s: %s\n", d->file, err);
        return 1;
    }
    di = (struct dom0_domain_info){
        .domid = r.domid, .name = d->cfg.name, .mem_kib = r.ram_pages * 4,
        .vcpus = d->cfg.vcpus, .store_gfn = r.store_gfn, .store_port = r.store_port,
        .console_gfn = r.console_gfn, .console_port = r.console_port,
        .disk = d->cfg.disk, .nr_disk = d->cfg.nr_disk,
        .vif = d->cfg.vif, .nr_vif = d->cfg.nr_vif,
    };
    if ((rc = backends_domain_new(&di))) {
        printf("hv: create: %s: backends: %s (-%s)\n", d->file, hv_strerror(rc),
               hv_errname(rc));
        hv_build_undo(&d->cfg, r.domid);
        return 1;
    }
    if ((rc = hv_domain_unpause(r.domid))) {
        printf("hv: create: %s: unpause: %s (-%s)\n", d->file, hv_strerror(rc),
               hv_errname(rc));
        backends_domain_gone(r.domid);
        hv_build_undo(&d->cfg, r.domid);
        return 1;
    }
    d->domid = last_domid = r.domid;
    d->stopped = false;
    return 0;
}

int ts_create(const char *file, domid_t *dom)
{
    struct ts_domain *d, *other;
    char err[ERR_MAX];
    const void *text;
    size_t size;
    int rc;

    if ((rc = hv_file(file, &text, &size))) {
        printf("hv: create: %s: %s\n", file, rc == -XEN_ENOENT ?
               "no such file in the initrd" : hv_strerror(rc));
        return 1;
    }
    if (!(d = calloc(1, sizeof(*d))) || !(d->file = malloc(strlen(file) + 1))) {
        free(d);
        printf("hv: create: %s: out of memory\n", file);
        return 1;
    }
    memcpy(d->file, file, strlen(file) + 1);
    if ((rc = hv_config_parse(text, size, &d->cfg, err, sizeof(err)))) {
        printf("hv: create: %s: %s\n", file, err);
        drop(d);                        /* not linked: only freed */
        return 1;
    }
    if (disks_check(d->cfg.disk, d->cfg.nr_disk, err, sizeof(err)) ||
        hv_vifs_check(d->cfg.vif, d->cfg.nr_vif, err, sizeof(err)) ||
        hv_pci_check(d->cfg.pci, d->cfg.nr_pci, err, sizeof(err))) {
        printf("hv: create: %s: %s\n", file, err);
        drop(d);
        return 1;
    }
    if ((other = find_name(d->cfg.name))) {
        printf("hv: create: %s: the name '%s' is taken by domain %u\n", file,
               d->cfg.name, other->domid);
        drop(d);
        return 1;
    }
    d->domid = DOMID_INVALID;           /* not built: ts_find() misses it */
    d->next = domains;
    domains = d;
    if (launch(d)) {
        drop(d);
        return 1;
    }
    *dom = d->domid;
    return 0;
}

int ts_destroy(domid_t dom)
{
    struct ts_domain *d = ts_find(dom);
    int rc;

    backends_domain_gone(dom);
    rc = hv_domain_destroy_wait(dom);
    if (d && (!rc || rc == -XEN_ESRCH))
        drop(d);
    return rc;
}

static const char *stop_name(const struct petrel_domaininfo *i)
{
    if (i->flags & PETREL_DOMINF_crashed)
        return "crashed";
    switch (i->shutdown_reason) {
    case SHUTDOWN_poweroff:
        return "powered off";
    case SHUTDOWN_reboot:
        return "rebooted";
    case SHUTDOWN_crash:
        return "crashed";
    case SHUTDOWN_watchdog:
        return "was stopped by its watchdog";
    case SHUTDOWN_suspend:
        return "suspended";
    default:
        return "shut down";
    }
}

/* The action for a stop, and its config key; NULL key: none (suspend,
 * soft_reset), the domain is left as it is. */
static enum hv_cfg_action stop_action(const struct ts_domain *d,
                                      const struct petrel_domaininfo *i,
                                      const char **key)
{
    if (i->flags & PETREL_DOMINF_crashed || i->shutdown_reason == SHUTDOWN_crash ||
        i->shutdown_reason == SHUTDOWN_watchdog) {
        *key = "on_crash";
        return d->cfg.on_crash;
    }
    if (i->shutdown_reason == SHUTDOWN_poweroff) {
        *key = "on_poweroff";
        return d->cfg.on_poweroff;
    }
    if (i->shutdown_reason == SHUTDOWN_reboot) {
        *key = "on_reboot";
        return d->cfg.on_reboot;
    }
    *key = NULL;
    return HV_ACTION_PRESERVE;
}

/* Carry out d's action for the stop described by info; d may be freed. */
static void stopped(struct ts_domain *d, const struct petrel_domaininfo *info)
{
    char head[TS_NAME_MAX + 64];
    const char *key;
    enum hv_cfg_action act = stop_action(d, info, &key);
    domid_t old = d->domid;
    int rc;

    d->stopped = true;
    snprintf(head, sizeof(head), "hv: domain %u (%s) %s", old, d->cfg.name,
             stop_name(info));
    if (!key) {
        printf("%s: left as it is (hv destroy %u frees it)\n", head, old);
        return;
    }
    if (act == HV_ACTION_PRESERVE) {
        printf("%s: %s=preserve: kept (hv destroy %u frees it)\n", head, key, old);
        return;
    }
    backends_domain_gone(old);
    if ((rc = hv_domain_destroy_wait(old)) && rc != -XEN_ESRCH) {
        printf("%s: %s=%s: destroying it failed: %s (-%s)\n", head, key,
               hv_cfg_action_name(act), hv_strerror(rc), hv_errname(rc));
        return;
    }
    if (act == HV_ACTION_DESTROY) {
        printf("%s: %s=destroy: destroyed\n", head, key);
        drop(d);
        return;
    }
    d->domid = DOMID_INVALID;
    if (launch(d)) {
        printf("%s: %s=restart: the restart failed; forgotten\n", head, key);
        drop(d);
        return;
    }
    printf("%s: %s=restart: restarted as domain %u\n", head, key, d->domid);
}

void hv_domains_changed(void)
{
    struct ts_domain *d = domains, *next;

    for (; d; d = next) {
        struct petrel_domaininfo info;
        int rc;

        next = d->next;
        if (d->domid == DOMID_INVALID)
            continue;
        rc = hv_domain_info(d->domid, &info);
        if (rc == -XEN_ESRCH) {
            hv_notice_start();
            printf("hv: domain %u (%s) is gone\n", d->domid, d->cfg.name);
            drop(d);
            continue;
        }
        if (rc || d->stopped ||
            !(info.flags & (PETREL_DOMINF_shutdown | PETREL_DOMINF_crashed)))
            continue;
        hv_notice_start();
        stopped(d, &info);
    }
}
