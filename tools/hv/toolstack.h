/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's record of the domains it built (docs/toolstack.md): per
 * domain its name, the config it came from (kept, parsed, for a restart)
 * and its on_poweroff / on_reboot / on_crash actions. `hv create` adds a
 * record, `hv destroy` and the actions remove it; VIRQ_DOM_EXC makes the
 * environment call hv_domains_changed() (hv.h), which carries out the
 * actions and forgets domains the hypervisor no longer knows.
 * Everything runs on dom0's one event loop: no locking.
 */
#ifndef HV_TOOLSTACK_H
#define HV_TOOLSTACK_H

#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>
#include "../libhv/config.h"

struct ts_domain {
    domid_t domid;
    char *file;                 /* the config file's name */
    struct hv_config cfg;       /* parsed; cfg.name is the domain's name */
    bool stopped;               /* stop seen and handled (preserve) */
    struct ts_domain *next;
};

/* The record of dom, or NULL for a domain the toolstack did not build. */
struct ts_domain *ts_find(domid_t dom);
/* The domain named by arg: a managed domain's name, or an id that the
 * hypervisor knows. 0 and *dom, or -XEN_ESRCH. */
int ts_resolve(const char *arg, domid_t *dom);
/* Its name: "Domain-0", a record's name, or NULL. */
const char *ts_name(domid_t dom);

/*
 * `hv create file`: read and parse the config, build the domain, introduce
 * it to the backends, unpause it and keep its record. 0 and *dom; or 1
 * after printing "hv: create: <file>: <what went wrong>", with nothing
 * left behind.
 */
int ts_create(const char *file, domid_t *dom);

/* Tell the backends, destroy dom and wait until it is gone; drop its
 * record. 0 or a negative Xen errno (the record is dropped anyway once
 * the hypervisor no longer knows the domain). */
int ts_destroy(domid_t dom);

#endif
