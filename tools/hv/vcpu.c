// SPDX-License-Identifier: MIT
/*
 * hv's scheduling commands: vcpu-list, vcpu-pin, sched-credit and top
 * (docs/toolstack.md). Columns follow xl's where xl has the command.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <public/errno.h>
#include "../libhv/config.h"
#include "../libhv/libhv.h"
#include "cmds.h"
#include "hv.h"

#define TOP_PERIOD_NS   1000000000ull
#define TOP_MAX_N       3600

static struct petrel_domaininfo doms[HV_DOMAINS_MAX];

/* A decimal number up to max: 0 and *out, or -1. */
static int number(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    const char *p = s;

    for (; *p >= '0' && *p <= '9' && v <= max; p++)
        v = v * 10 + (unsigned long)(*p - '0');
    if (*p || p == s || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Every domain, or just dom (when one): the count, or -1 after an error. */
static int domains(const char *cmd, bool one, domid_t dom)
{
    uint32_t nr = 0;
    int rc = one ? hv_domain_info(dom, &doms[0]) :
                   hv_domain_list(0, doms, HV_DOMAINS_MAX, &nr);

    if (rc) {
        hv_fail(cmd, rc);
        return -1;
    }
    return one ? 1 : (int)(nr < HV_DOMAINS_MAX ? nr : HV_DOMAINS_MAX);
}

static unsigned int host_cpus(void)
{
    struct petrel_physinfo pi;

    return hv_physinfo(&pi) ? 64 : pi.nr_cpus;
}

int hv_cmd_vcpu_list(int argc, char **argv)
{
    unsigned int ncpus = host_cpus();
    domid_t dom = 0;
    int n;

    if (argc > 2)
        return hv_usage("vcpu-list");
    if (argc == 2 && hv_arg_domain("vcpu-list", argv[1], &dom))
        return 1;
    if ((n = domains("vcpu-list", argc == 2, dom)) < 0)
        return 1;
    printf("%-20s %5s %5s %5s %5s %9s  %s\n", "Name", "ID", "VCPU", "CPU", "State",
           "Time(s)", "Affinity (Hard)");
    for (int i = 0; i < n; i++) {
        const struct petrel_domaininfo *d = &doms[i];
        char label[24];
        const char *name = hv_dom_label(d->domid, label, sizeof(label));

        for (uint32_t v = 0; v < d->nr_vcpus; v++) {
            struct petrel_vcpuinfo vi;
            char cpu[8], aff[64];
            int rc = hv_vcpu_info(d->domid, v, &vi);

            if (rc)
                return hv_fail("vcpu-list", rc);
            snprintf(cpu, sizeof(cpu), vi.online ? "%u" : "-", vi.cpu);
            hv_cpus_format(vi.affinity, ncpus, aff, sizeof(aff));
            printf("%-20s %5u %5u %5s   %c%c%c %5lu.%01lu  %s\n", name, d->domid, v, cpu,
                   vi.running ? 'r' : '-', vi.blocked ? 'b' : '-',
                   d->flags & PETREL_DOMINF_paused ? 'p' : '-',
                   (unsigned long)(vi.cpu_time / 1000000000),
                   (unsigned long)(vi.cpu_time / 100000000 % 10), aff);
        }
    }
    return 0;
}

int hv_cmd_vcpu_pin(int argc, char **argv)
{
    struct petrel_domaininfo info;
    unsigned int ncpus = host_cpus();
    unsigned long vcpu = 0;
    uint64_t mask;
    const char *at;
    size_t len;
    domid_t dom;
    int rc;

    if (argc != 4)
        return hv_usage("vcpu-pin");
    if (hv_arg_domain("vcpu-pin", argv[1], &dom))
        return 1;
    if ((rc = hv_domain_info(dom, &info)))
        return hv_fail("vcpu-pin", rc);
    if (strcmp(argv[2], "all") && (number(argv[2], 63, &vcpu) || vcpu >= info.nr_vcpus)) {
        printf("hv: vcpu-pin: domain %u has no vCPU '%s' (0-%u or all)\n", dom, argv[2],
               info.nr_vcpus - 1);
        return 1;
    }
    if (hv_cpus_parse(argv[3], strlen(argv[3]), &mask, &at, &len)) {
        printf("hv: vcpu-pin: bad CPU list '%s' (e.g. 0-1,3 or all)\n", argv[3]);
        return 1;
    }
    if (!mask)                          /* "all" */
        mask = ncpus >= 64 ? ~0ull : (1ull << ncpus) - 1;
    for (uint32_t v = 0; v < info.nr_vcpus; v++) {
        if (strcmp(argv[2], "all") && v != vcpu)
            continue;
        if ((rc = hv_vcpu_affinity_set(dom, v, mask))) {
            printf("hv: vcpu-pin: vCPU %u of domain %u on CPUs %s: %s (-%s)\n", v, dom,
                   argv[3], hv_strerror(rc), hv_errname(rc));
            return 1;
        }
    }
    return 0;
}

/* -d dom [-w weight] [-c cap]: each at most once. */
static int credit_args(int argc, char **argv, const char **dom, long *w, long *c)
{
    *dom = NULL;
    *w = *c = -1;
    for (int i = 1; i < argc; i += 2) {
        unsigned long v = 0;
        bool d = !strcmp(argv[i], "-d");
        long *slot = !strcmp(argv[i], "-w") ? w : !strcmp(argv[i], "-c") ? c : NULL;

        if (i + 1 >= argc || (!d && !slot) || (d && *dom) || (slot && *slot >= 0))
            return -1;
        if (d) {
            *dom = argv[i + 1];
            continue;
        }
        if (number(argv[i + 1], 65535, &v))
            return -1;
        *slot = (long)v;
    }
    return (*w >= 0 || *c >= 0) && !*dom ? -1 : 0;
}

int hv_cmd_sched_credit(int argc, char **argv)
{
    const char *arg;
    domid_t dom = 0;
    long w, c;
    int n, rc;

    if (credit_args(argc, argv, &arg, &w, &c))
        return hv_usage("sched-credit");
    if (arg && hv_arg_domain("sched-credit", arg, &dom))
        return 1;
    if (w >= 0 || c >= 0) {
        uint32_t weight, cap;

        if ((rc = hv_sched_credit_get(dom, &weight, &cap)))
            return hv_fail("sched-credit", rc);
        if ((rc = hv_sched_credit_set(dom, w >= 0 ? (uint32_t)w : weight,
                                      c >= 0 ? (uint32_t)c : cap)))
            return hv_fail("sched-credit", rc);
    }
    if ((n = domains("sched-credit", arg != NULL, dom)) < 0)
        return 1;
    printf("%-20s %5s %6s %4s\n", "Name", "ID", "Weight", "Cap");
    for (int i = 0; i < n; i++) {
        char label[24];

        printf("%-20s %5u %6u %4u\n", hv_dom_label(doms[i].domid, label, sizeof(label)),
               doms[i].domid, doms[i].weight, doms[i].cap);
    }
    return 0;
}

/* ---- top ---- */

struct top_sample {
    domid_t domid;
    uint64_t cpu_time;
};

static struct top_sample last[HV_DOMAINS_MAX];
static unsigned int nr_last;

/* cpu_time of dom in the last sample; false when it was not there. */
static bool last_time(domid_t dom, uint64_t *t)
{
    for (unsigned int i = 0; i < nr_last; i++)
        if (last[i].domid == dom) {
            *t = last[i].cpu_time;
            return true;
        }
    return false;
}

static void top_print(int n, uint64_t wall_ns, unsigned int round)
{
    printf("hv top: %d domain(s), %lu ms sampled, refresh %u\n", n,
           (unsigned long)(wall_ns / 1000000), round);
    printf("%-20s %5s %6s %9s %7s %9s %5s\n", "Name", "ID", "State", "CPU(s)", "CPU(%)",
           "Mem(MiB)", "VCPUs");
    for (int i = 0; i < n; i++) {
        const struct petrel_domaininfo *d = &doms[i];
        uint64_t before, pct10 = 0;
        char label[24], pct[16];

        if (last_time(d->domid, &before) && wall_ns && d->cpu_time >= before)
            pct10 = (d->cpu_time - before) * 1000 / wall_ns;
        if (last_time(d->domid, &before))
            snprintf(pct, sizeof(pct), "%lu.%01lu", (unsigned long)(pct10 / 10),
                     (unsigned long)(pct10 % 10));
        else
            snprintf(pct, sizeof(pct), "new");
        printf("%-20s %5u %c%c%c%c%c%c %5lu.%03lu %7s %9lu %5u\n",
               hv_dom_label(d->domid, label, sizeof(label)), d->domid,
               d->flags & PETREL_DOMINF_running ? 'r' : '-',
               d->flags & PETREL_DOMINF_blocked ? 'b' : '-',
               d->flags & PETREL_DOMINF_paused ? 'p' : '-',
               d->flags & PETREL_DOMINF_shutdown ? 's' : '-',
               d->flags & PETREL_DOMINF_crashed ? 'c' : '-',
               d->flags & PETREL_DOMINF_dying ? 'd' : '-',
               (unsigned long)(d->cpu_time / 1000000000),
               (unsigned long)(d->cpu_time / 1000000 % 1000), pct,
               (unsigned long)(d->tot_pages >> 8), d->nr_online_vcpus);
    }
}

static void top_keep(int n)
{
    nr_last = (unsigned int)n;
    for (int i = 0; i < n; i++)
        last[i] = (struct top_sample){ doms[i].domid, doms[i].cpu_time };
}

int hv_cmd_top(int argc, char **argv)
{
    unsigned long rounds = 0;
    uint64_t then, now;
    int n;

    if (argc == 3 && !strcmp(argv[1], "-n")) {
        if (number(argv[2], TOP_MAX_N, &rounds) || !rounds) {
            printf("hv: top: -n wants 1 to %u refreshes\n", TOP_MAX_N);
            return 1;
        }
    } else if (argc != 1) {
        return hv_usage("top");
    }
    if ((n = domains("top", false, 0)) < 0)
        return 1;
    top_keep(n);
    then = hv_now_ns();
    if (!rounds)
        printf("hv top: refreshed every second; any key ends it\n");
    for (unsigned long r = 1; !rounds || r <= rounds; r++) {
        if (hv_wait_key(TOP_PERIOD_NS))
            break;
        if ((n = domains("top", false, 0)) < 0)
            return 1;
        now = hv_now_ns();
        top_print(n, now - then, (unsigned int)r);
        top_keep(n);
        then = now;
    }
    return 0;
}
