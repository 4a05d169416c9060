/* SPDX-License-Identifier: MIT */
/*
 * Start of day of a PVH kernel on the test-guest runtime, shared by the test
 * runner (main.c) and Petrel's dom0 (tools/dom0/): check and zero .bss,
 * per-vCPU data, the IDT, the hypercall page; then the start info and the
 * command line it names.
 */
#include "hypercall.h"
#include "smp.h"
#include "test.h"
#include "x86.h"

uint64_t bss_dirty_bytes __attribute__((section(".data")));
const struct hvm_start_info *start_info;

extern char __bss_start[], __bss_end[];
void traps_init(void);

const char *cmdline(void)
{
    if (!start_info || !start_info->cmdline_paddr)
        return "";
    return (const char *)(uintptr_t)start_info->cmdline_paddr;
}

bool cmdline_find(const char *key, const char **val, size_t *len)
{
    size_t klen = strlen(key);
    const char *p = cmdline();

    while (*p) {
        const char *w = p;

        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - w) >= klen && !strncmp(w, key, klen) &&
            (w[klen] == '=' || w + klen == p)) {
            const char *v = w + klen + (w[klen] == '=');

            *val = v;
            *len = p - v;
            return true;
        }
        while (*p == ' ')
            p++;
    }
    return false;
}

bool cmdline_u64(const char *key, uint64_t *out)
{
    const char *v;
    size_t len, i = 0;
    unsigned int base = 10;
    uint64_t n = 0;

    if (!cmdline_find(key, &v, &len) || !len)
        return false;
    if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        i = 2;
    }
    for (; i < len; i++) {
        char c = v[i];
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return false;
        n = n * base + d;
    }
    *out = n;
    return true;
}

uint64_t cmdline_u64_or(const char *key, uint64_t def)
{
    uint64_t n;

    return cmdline_u64(key, &n) ? n : def;
}

/* The loader must zero .bss (p_memsz past p_filesz); count what it left. */
static void bss_init(void)
{
    for (char *p = __bss_start; p < __bss_end; p++)
        if (*p)
            bss_dirty_bytes++;
    memset(__bss_start, 0, __bss_end - __bss_start);
}

const char *start_of_day(uint32_t start_info_pa)
{
    const char *why;

    bss_init();
    smp_init_boot();
    traps_init();
    why = hypercall_init();
    start_info = (const struct hvm_start_info *)(uintptr_t)start_info_pa;
    return why;
}

bool memmap_has(uint32_t type, uint64_t start, uint64_t end)
{
    const struct hvm_memmap_table_entry *e = (const void *)(uintptr_t)start_info->memmap_paddr;

    for (uint32_t i = 0; start_info->version >= 1 && i < start_info->memmap_entries; i++)
        if (e[i].type == type && e[i].addr <= start && end <= e[i].addr + e[i].size)
            return true;
    return false;
}
