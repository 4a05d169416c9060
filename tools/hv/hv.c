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
#include "../libhv/config.h"
#include "../libhv/libhv.h"
#include "../dom0/domains.h"
#include "cmdtab.h"
#include "hv.h"

#define LIST_MAX        64              /* domains `hv list` shows */
#define DMESG_CHUNK     256             /* printf formats at most 511 bytes */
#define KiB_PER_PAGE    4

static const struct cmd *find(const char *name);

/* "hv: info: function not implemented (-ENOSYS)"; returns 1. */
static int fail(const char *cmd, int rc)
{
    printf("hv: %s: %s (-%s)\n", cmd, hv_strerror(rc), hv_errname(rc));
    return 1;
}

static int usage(const char *cmd)
{
    const struct cmd *c = find(cmd);

    printf("usage: hv %s %s\n", cmd, c ? c->args : "");
    return 1;
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
        return fail("info", rc);
    printf("nr_cpus           : %u\n", pi.nr_cpus);
    printf("cpu_mhz           : %lu\n", (unsigned long)(pi.cpu_khz / 1000));
    printf("capabilities      : ");
    print_caps(pi.capabilities);
    printf("total_memory      : %lu MiB\n", (unsigned long)(pi.total_pages >> 8));
    printf("free_memory       : %lu MiB\n", (unsigned long)(pi.free_pages >> 8));
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
            return fail("dmesg", rc);
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
    static struct petrel_domaininfo list[LIST_MAX];
    uint32_t nr;
    int rc = hv_domain_list(0, list, LIST_MAX, &nr);

    if (rc)
        return fail("list", rc);
    printf("%-20s %5s %9s %5s %6s %10s\n", "Name", "ID", "Mem(MiB)", "VCPUs",
           "State", "Time(s)");
    for (uint32_t i = 0; i < nr && i < LIST_MAX; i++) {
        const struct petrel_domaininfo *d = &list[i];
        char name[24];
        uint32_t f = d->flags;

        if (d->domid == 0)
            snprintf(name, sizeof(name), "Domain-0");
        else
            snprintf(name, sizeof(name), "(domain %u)", d->domid);
        printf("%-20s %5u %9lu %5u %c%c%c%c%c%c %10lu.%01lu\n", name, d->domid,
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

/* create: read and check the configuration now; building comes later. */
static int cmd_create(int argc, char **argv)
{
    struct hv_config cfg;
    const void *text;
    size_t size;
    char err[160];
    int rc;

    if (argc != 2)
        return usage("create");
    if ((rc = hv_file(argv[1], &text, &size)))
        return fail(argv[1], rc);
    if ((rc = hv_config_parse(text, size, &cfg, err, sizeof(err)))) {
        printf("hv: create: %s: %s\n", argv[1], err);
        return 1;
    }
    printf("%s: name %s, kernel %s, %lu MiB, %u vCPU(s)\n", argv[1], cfg.name,
           cfg.kernel, (unsigned long)cfg.memory_mib, cfg.vcpus);
    printf("hv: create: not yet: building domains comes with the toolstack\n");
    hv_config_free(&cfg);
    return 1;
}

/* console: the domain's console until Ctrl-] (dom0's backends). */
static int cmd_console(int argc, char **argv)
{
    unsigned long dom = 0;
    const char *p;
    int rc;

    if (argc != 2)
        return usage("console");
    for (p = argv[1]; *p >= '0' && *p <= '9' && dom < DOMID_FIRST_RESERVED; p++)
        dom = dom * 10 + (unsigned long)(*p - '0');
    if (!argv[1][0] || *p || dom >= DOMID_FIRST_RESERVED) {
        printf("hv: console: '%s' is not a domain id\n", argv[1]);
        return 1;
    }
    if ((rc = backends_console_attach((domid_t)dom)) == -XEN_ENOENT) {
        printf("hv: console: domain %lu has no console backend\n", dom);
        return 1;
    }
    return rc ? fail("console", rc) : 0;
}

static int cmd_help(int argc, char **argv);

static const struct cmd commands[] = {
    { "create", "<config file>", "create a domain from an xl-style config", cmd_create },
    { "list", "", "list the domains", cmd_list },
    { "destroy", "<domid>", "stop a domain now and free it", NULL },
    { "shutdown", "<domid>", "ask a domain to power off", NULL },
    { "reboot", "<domid>", "ask a domain to reboot", NULL },
    { "pause", "<domid>", "stop running a domain's vCPUs", NULL },
    { "unpause", "<domid>", "run a paused domain again", NULL },
    { "console", "<domid>", "attach to a domain's console", cmd_console },
    { "vcpu-list", "[domid]", "list vCPUs: pCPU, state, time, affinity", NULL },
    { "vcpu-pin", "<domid> <vcpu> <cpus>", "set a vCPU's hard affinity", NULL },
    { "sched-credit", "[-d domid [-w weight] [-c cap]]", "show or set credit weight and cap", NULL },
    { "info", "", "the host: CPUs, memory, capabilities", cmd_info },
    { "dmesg", "", "the hypervisor's log", cmd_dmesg },
    { "top", "", "domains' CPU and memory use, refreshed", NULL },
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
