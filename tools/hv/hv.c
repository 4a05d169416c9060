// SPDX-License-Identifier: MIT
/*
 * hv: the toolstack commands. Each is a row of the table below; those
 * whose function is NULL are named (so `hv help` shows the whole command
 * set) but come with later work, and say so.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include <public/sched.h>
#include "../dom0/domains.h"
#include "../libhv/config.h"
#include "../libhv/libhv.h"
#include "cmds.h"
#include "cmdtab.h"
#include "hv.h"
#include "toolstack.h"

#define DMESG_CHUNK     256             /* printf formats at most 511 bytes */
#define KiB_PER_PAGE    4

static const struct cmd *find(const char *name);

int hv_fail(const char *cmd, int rc)
{
    printf("hv: %s: %s (-%s)\n", cmd, hv_strerror(rc), hv_errname(rc));
    return 1;
}

int hv_usage(const char *cmd)
{
    const struct cmd *c = find(cmd);

    printf("usage: hv %s %s\n", cmd, c ? c->args : "");
    return 1;
}

int hv_arg_domain(const char *cmd, const char *arg, domid_t *dom)
{
    if (!ts_resolve(arg, dom))
        return 0;
    printf("hv: %s: no domain '%s'\n", cmd, arg);
    return 1;
}

const char *hv_dom_label(domid_t dom, char *buf, size_t size)
{
    const char *name = ts_name(dom);

    if (name)
        return name;
    snprintf(buf, size, "(domain %u)", dom);
    return buf;
}

static void print_caps(uint32_t caps)
{
    static const char *const names[] = { "svm", "vmx", "iommu" };
    bool any = false;

    for (unsigned int i = 0; i < 3; i++)
        if (caps & (1u << i)) {
            printf("%s%s", any ? " " : "", names[i]);
            any = true;
        }
    printf("%s\n", any ? "" : "none");
}

static int cmd_info(int argc, char **argv)
{
    struct petrel_physinfo pi;
    int rc = hv_physinfo(&pi);

    if (rc)
        return hv_fail("info", rc);
    printf("nr_cpus           : %u\n", pi.nr_cpus);
    printf("cpu_mhz           : %lu\n", (unsigned long)(pi.cpu_khz / 1000));
    printf("capabilities      : ");
    print_caps(pi.capabilities);
    printf("total_memory      : %lu MiB\n", (unsigned long)(pi.total_pages >> 8));
    printf("free_memory       : %lu MiB\n", (unsigned long)(pi.free_pages >> 8));
    printf("free_pages        : %lu\n", (unsigned long)pi.free_pages);
    printf("nr_domains        : %u (of at most %u)\n", pi.nr_domains, pi.max_domains);
    return 0;
}

static int cmd_dmesg(int argc, char **argv)
{
    char buf[DMESG_CHUNK + 1];
    uint64_t index = 0;
    /* At most two rings' worth: the log may grow while we read it. */
    unsigned int budget = 2 * PETREL_CONSOLE_RING;

    while (budget) {
        uint32_t got, lost;
        int rc = hv_readconsole(&index, buf, DMESG_CHUNK, &got, &lost);

        if (rc)
            return hv_fail("dmesg", rc);
        if (lost)
            printf("(%u bytes lost)\n", lost);
        if (!got || got > DMESG_CHUNK)
            break;
        buf[got] = '\0';
        printf("%s", buf);
        budget -= got < budget ? got : budget;
    }
    return 0;
}

static char state_char(uint32_t flags, uint32_t bit, char c)
{
    return flags & bit ? c : '-';
}

static int cmd_list(int argc, char **argv)
{
    static struct petrel_domaininfo list[HV_DOMAINS_MAX];
    uint32_t nr;
    int rc;

    if (argc != 1)
        return hv_usage("list");
    if ((rc = hv_domain_list(0, list, HV_DOMAINS_MAX, &nr)))
        return hv_fail("list", rc);
    printf("%-20s %5s %9s %5s %6s %10s\n", "Name", "ID", "Mem(MiB)", "VCPUs",
           "State", "Time(s)");
    for (uint32_t i = 0; i < nr && i < HV_DOMAINS_MAX; i++) {
        const struct petrel_domaininfo *d = &list[i];
        char label[24];
        uint32_t f = d->flags;

        printf("%-20s %5u %9lu %5u %c%c%c%c%c%c %10lu.%01lu\n",
               hv_dom_label(d->domid, label, sizeof(label)), d->domid,
               (unsigned long)(d->tot_pages >> 8), d->nr_online_vcpus,
               state_char(f, PETREL_DOMINF_running, 'r'),
               state_char(f, PETREL_DOMINF_blocked, 'b'),
               state_char(f, PETREL_DOMINF_paused, 'p'),
               state_char(f, PETREL_DOMINF_shutdown, 's'),
               state_char(f, PETREL_DOMINF_crashed, 'c'),
               state_char(f, PETREL_DOMINF_dying, 'd'),
               (unsigned long)(d->cpu_time / 1000000000),
               (unsigned long)(d->cpu_time / 100000000 % 10));
    }
    return 0;
}

static int cmd_create(int argc, char **argv)
{
    domid_t dom;

    if (argc != 2)
        return hv_usage("create");
    if (ts_create(argv[1], &dom))
        return 1;
    printf("hv: created domain %u (%s) from %s\n", dom, ts_name(dom), argv[1]);
    return 0;
}

/* The one <dom> argument of destroy, shutdown, pause and the like; not dom0. */
static int one_domain(int argc, char **argv, domid_t *dom)
{
    if (argc != 2)
        return hv_usage(argv[0]);
    if (hv_arg_domain(argv[0], argv[1], dom))
        return 1;
    if (*dom == 0) {
        printf("hv: %s: domain 0 is dom0 itself (use poweroff or reboot)\n", argv[0]);
        return 1;
    }
    return 0;
}

static int cmd_destroy(int argc, char **argv)
{
    char tmp[24], label[64];
    domid_t dom;
    int rc;

    if (one_domain(argc, argv, &dom))
        return 1;
    snprintf(label, sizeof(label), "%s", hv_dom_label(dom, tmp, sizeof(tmp)));
    if ((rc = ts_destroy(dom)))
        return hv_fail("destroy", rc);
    printf("hv: domain %u (%s) destroyed\n", dom, label);
    return 0;
}

/*
 * hv shutdown / hv reboot, as xl does them: a guest whose PV drivers said
 * they handle the request (control/feature-poweroff or feature-reboot is
 * "1": Linux's drivers/xen/manage.c writes them) is asked through
 * control/shutdown and shuts itself down in order (Linux runs
 * /sbin/poweroff, or Ctrl-Alt-Del's action); its on_poweroff / on_reboot
 * follows when it has. Any other domain is shut down by the hypervisor at
 * once (SCHEDOP_remote_shutdown), as before; the line says which.
 */
static int shutdown_as(int argc, char **argv, uint32_t reason)
{
    const char *what = reason == SHUTDOWN_reboot ? "reboot" : "poweroff";
    char key[32], val[8];
    domid_t dom;
    int rc;

    if (one_domain(argc, argv, &dom))
        return 1;
    snprintf(key, sizeof(key), "control/feature-%s", what);
    if (dom && hv_xs_read(dom, key, val, sizeof(val)) == 1 && val[0] == '1') {
        if ((rc = hv_xs_write(dom, "control/shutdown", what)))
            return hv_fail(argv[0], rc);
        printf("hv: asked domain %u to %s (control/shutdown)\n", dom,
               reason == SHUTDOWN_reboot ? "reboot" : "power off");
        return 0;
    }
    if ((rc = hv_remote_shutdown(dom, reason)))
        return hv_fail(argv[0], rc);
    return 0;
}

static int cmd_shutdown(int argc, char **argv)
{
    return shutdown_as(argc, argv, SHUTDOWN_poweroff);
}

static int cmd_reboot(int argc, char **argv)
{
    return shutdown_as(argc, argv, SHUTDOWN_reboot);
}

static int cmd_pause(int argc, char **argv)
{
    domid_t dom;
    int rc;

    if (one_domain(argc, argv, &dom))
        return 1;
    return (rc = hv_domain_pause(dom)) ? hv_fail("pause", rc) : 0;
}

static int cmd_unpause(int argc, char **argv)
{
    domid_t dom;
    int rc;

    if (one_domain(argc, argv, &dom))
        return 1;
    return (rc = hv_domain_unpause(dom)) ? hv_fail("unpause", rc) : 0;
}

static int cmd_console(int argc, char **argv)
{
    domid_t dom;
    int rc;

    if (one_domain(argc, argv, &dom))
        return 1;
    rc = backends_console_attach(dom);
    if (rc == -XEN_ENOENT) {
        printf("hv: console: domain %u has no console backend\n", dom);
        return 1;
    }
    return rc ? hv_fail("console", rc) : 0;
}

static int cmd_block_list(int argc, char **argv)
{
    domid_t dom;

    if (one_domain(argc, argv, &dom))
        return 1;
    backends_block_list(dom);
    return 0;
}

static int cmd_network_list(int argc, char **argv)
{
    domid_t dom;

    if (one_domain(argc, argv, &dom))
        return 1;
    backends_network_list(dom);
    return 0;
}

static int cmd_help(int argc, char **argv);

static const struct cmd commands[] = {
    { "create", "<config file>", "create a domain from an xl-style config", cmd_create },
    { "list", "", "list the domains", cmd_list },
    { "destroy", "<dom>", "stop a domain now and free it", cmd_destroy },
    { "shutdown", "<dom>", "ask a domain to power off", cmd_shutdown },
    { "reboot", "<dom>", "ask a domain to reboot", cmd_reboot },
    { "pause", "<dom>", "stop running a domain's vCPUs", cmd_pause },
    { "unpause", "<dom>", "run a paused domain again", cmd_unpause },
    { "console", "<dom>", "attach to a domain's console", cmd_console },
    { "block-list", "<dom>", "a domain's virtual disks and their counters", cmd_block_list },
    { "network-list", "<dom>", "a domain's vifs and their counters", cmd_network_list },
    { "vcpu-list", "[dom]", "list vCPUs: pCPU, state, time, affinity", hv_cmd_vcpu_list },
    { "vcpu-pin", "<dom> <vcpu|all> <cpus>", "set vCPUs' hard affinity", hv_cmd_vcpu_pin },
    { "sched-credit", "[-d dom [-w weight] [-c cap]]", "show or set credit weight and cap",
      hv_cmd_sched_credit },
    { "pci-list", "", "PCI functions: ids, owner, assignable", hv_cmd_pci_list },
    { "pci-assignable-add", "<[seg:]bus:dev.fn>", "let guests have a device dom0 gave up",
      hv_cmd_pci_assignable_add },
    { "pci-assignable-remove", "<[seg:]bus:dev.fn>", "keep a device from guests",
      hv_cmd_pci_assignable_remove },
    { "info", "", "the host: CPUs, memory, capabilities", cmd_info },
    { "dmesg", "", "the hypervisor's log", cmd_dmesg },
    { "top", "[-n N]", "domains' CPU use, every second (any key ends it)", hv_cmd_top },
    { "help", "", "this list", cmd_help },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cmd *find(const char *name)
{
    return cmd_find(commands, NR_COMMANDS, name);
}

static int cmd_help(int argc, char **argv)
{
    printf("usage: hv <command> [args]\n");
    cmd_print_help(commands, NR_COMMANDS, 44);
    return 0;
}

int hv_main(int argc, char **argv)
{
    const struct cmd *c;

    if (argc < 2)
        return cmd_help(argc, argv) | 1;
    if (!(c = find(argv[1]))) {
        printf("hv: unknown command '%s' (hv help lists them)\n", argv[1]);
        return 1;
    }
    if (!c->fn) {
        printf("hv: %s: not yet implemented\n", c->name);
        return 1;
    }
    return c->fn(argc - 1, argv + 1);
}
