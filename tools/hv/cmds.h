/* SPDX-License-Identifier: MIT */
/* hv's commands, shared between its files (hv.c, vcpu.c, pci.c). */
#ifndef HV_CMDS_H
#define HV_CMDS_H

#include <stddef.h>
#include <public/xen.h>

#define HV_DOMAINS_MAX  64              /* domains a listing shows */

/* "hv: <cmd>: <error text> (-EXXX)"; returns 1. */
int hv_fail(const char *cmd, int rc);
/* "usage: hv <cmd> <its arguments>"; returns 1. */
int hv_usage(const char *cmd);
/* arg as a domain (a managed domain's name or an id): 0 and *dom, or 1
 * after "hv: <cmd>: no domain '<arg>'". */
int hv_arg_domain(const char *cmd, const char *arg, domid_t *dom);
/* The domain's name, or "(domain N)" written into buf. */
const char *hv_dom_label(domid_t dom, char *buf, size_t size);

/* vcpu.c */
int hv_cmd_vcpu_list(int argc, char **argv);
int hv_cmd_vcpu_pin(int argc, char **argv);
int hv_cmd_sched_credit(int argc, char **argv);
int hv_cmd_top(int argc, char **argv);

/* pci.c */
int hv_cmd_pci_list(int argc, char **argv);
int hv_cmd_pci_assignable_add(int argc, char **argv);
int hv_cmd_pci_assignable_remove(int argc, char **argv);
/* A config's pci = [...], checked before anything is built: each a
 * function that exists and is marked assignable; 0, or an error and its
 * text in err. hv_build() assigns them. */
int hv_pci_check(char *const *pci, unsigned int n, char *err, size_t errlen);

#endif
