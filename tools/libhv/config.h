/* SPDX-License-Identifier: MIT */
/*
 * The domain configuration file of `hv create`, in xl's syntax: lines of
 * `key = value`, where a value is a "double" or 'single' quoted string, a
 * number (decimal or 0x hex) or a list [ value, ... ] that may span lines
 * (a trailing comma is allowed); # starts a comment; blank lines are fine.
 *
 *   name = "hello"          kernel = "hello.elf"      ramdisk = "initrd"
 *   cmdline = "console=hvc0" (extra = is the same key, as in xl)
 *   memory = 128            (MiB)                     vcpus = 2
 *   cpus = "0-1,3"          (every vCPU; or a list: one entry per vCPU)
 *   weight = 256            cap = 50 (% of one pCPU; 0 = none)
 *   on_poweroff / on_reboot / on_crash = "destroy" | "restart" | "preserve"
 *   disk = [ "..." ]        vif = [ "..." ]   pci = [ "00:05.0" ]
 *   (lists kept as strings)
 *   type = "pvh"            (the only type there is)
 *
 * Pure code, for the host and for dom0: it uses only memcpy, memset,
 * memcmp, strlen, strcmp, strncmp, snprintf, malloc and free.
 */
#ifndef LIBHV_CONFIG_H
#define LIBHV_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define HV_CFG_MAX_VCPUS    64          /* PETREL_MAX_VCPUS */
#define HV_CFG_MAX_CPUS     64          /* pCPUs an affinity mask can name */
#define HV_CFG_MAX_LIST     64          /* entries in a list */
#define HV_CFG_MAX_MEMORY   (1u << 20)  /* MiB: 1 TiB, as Petrel's PVH builder */
#define HV_CFG_MAX_STRING   4096        /* bytes in a string value */

enum hv_cfg_action { HV_ACTION_DESTROY, HV_ACTION_RESTART, HV_ACTION_PRESERVE };

struct hv_config {
    char *name;                 /* required */
    char *kernel;               /* required: a file of dom0's initrd */
    char *ramdisk;              /* NULL: none */
    char *cmdline;              /* NULL: none */
    uint64_t memory_mib;        /* default 128 */
    unsigned int vcpus;         /* default 1 */
    uint64_t cpus;              /* bit n: pCPU n, for every vCPU; 0: any */
    uint64_t vcpu_cpus[HV_CFG_MAX_VCPUS]; /* cpus as a list: per vCPU */
    unsigned int nr_vcpu_cpus;  /* entries in vcpu_cpus; 0: use cpus */
    unsigned int weight;        /* 1..65535, default 256 */
    unsigned int cap;           /* 0..100 x vcpus, default 0 (none) */
    enum hv_cfg_action on_poweroff, on_reboot, on_crash;
    char **disk;                /* nr_disk strings */
    unsigned int nr_disk;
    char **vif;
    unsigned int nr_vif;
    char **pci;                 /* nr_pci "[seg:]bus:dev.fn" strings */
    unsigned int nr_pci;
};

/*
 * Parse text[0..len) (NUL bytes are an error) into *cfg, which the call
 * fills from scratch. 0, or -XEN_EINVAL with the reason in err (always
 * NUL-ended), e.g. "line 4: unknown key 'memroy'", or -XEN_ENOMEM. On
 * error *cfg holds nothing to free. Call hv_config_free() after success.
 */
int hv_config_parse(const char *text, size_t len, struct hv_config *cfg,
                    char *err, size_t errlen);

/* Free what hv_config_parse() allocated; *cfg is zeroed. */
void hv_config_free(struct hv_config *cfg);

/*
 * A CPU list, "0-1,3" or "all", from s[0..n) (not NUL-ended) into *mask
 * (bit n: pCPU n; "all" is 0, as in struct hv_config). 0, or one of the
 * codes below; *at and *at_len name the part at fault (the range for
 * HV_CPUS_RANGE, else the whole list).
 */
#define HV_CPUS_BAD     1       /* not a list of numbers and ranges */
#define HV_CPUS_RANGE   2       /* a CPU above HV_CFG_MAX_CPUS - 1, or hi < lo */
#define HV_CPUS_EMPTY   3
int hv_cpus_parse(const char *s, size_t n, uint64_t *mask, const char **at,
                  size_t *at_len);

/* mask as a CPU list ("0-1,3") into buf; "all" when it has every one of
 * nr_cpus pCPUs (or is 0). Truncated to size bytes, always NUL-ended. */
void hv_cpus_format(uint64_t mask, unsigned int nr_cpus, char *buf, size_t size);

/* "destroy", "restart" or "preserve". */
const char *hv_cfg_action_name(enum hv_cfg_action a);

#endif
