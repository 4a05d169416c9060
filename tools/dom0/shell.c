// SPDX-License-Identifier: MIT
/*
 * dom0's shell: a line is split into words (spaces separate them; "double
 * quotes" keep spaces) and the first names a command of the table below.
 */
#include <string.h>
#include <public/errno.h>
#include <public/sched.h>
#include "../hv/cmdtab.h"
#include "netback.h"
#include "../hv/hv.h"
#include "../libhv/libhv.h"
#include "cpio.h"
#include "devices.h"
#include "dom0.h"
#include "heap.h"
#include "test.h"
#include "xen.h"

#define MAX_ARGS        16
#define LINE_BYTES      512
#define CAT_CHUNK       4096

static int cmd_help(int argc, char **argv);

static int cmd_ls(int argc, char **argv)
{
    struct cpio_file f;
    size_t pos = 0;
    int rc;

    if (!initrd) {
        printf("ls: no initrd\n");
        return 1;
    }
    while ((rc = cpio_next(initrd, initrd_size, &pos, &f)) > 0) {
        bool dir = (f.mode & CPIO_MODE_TYPE) == CPIO_MODE_DIR;

        if (dir && !strcmp(f.name, "."))
            continue;
        printf("%10lu  %s%s\n", (unsigned long)f.size, f.name, dir ? "/" : "");
    }
    if (rc < 0)
        printf("ls: the initrd is damaged at byte %lu\n", (unsigned long)pos);
    return rc < 0;
}

static bool has_nul(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!p[i])
            return true;
    return false;
}

static int cmd_cat(int argc, char **argv)
{
    const void *data;
    size_t size;
    int rc, bad = 0;

    for (int i = 1; i < argc; i++) {
        if ((rc = hv_file(argv[i], &data, &size))) {
            printf("cat: %s: %s\n", argv[i], hv_strerror(rc));
            bad = 1;
            continue;
        }
        if (has_nul(data, size)) {
            printf("cat: %s: a binary file (%lu bytes)\n", argv[i], (unsigned long)size);
            continue;
        }
        /* console_io writes at most 16 KiB a call. */
        for (size_t at = 0; at < size; at += CAT_CHUNK)
            console_write((const char *)data + at,
                          size - at < CAT_CHUNK ? size - at : CAT_CHUNK);
        if (size && ((const char *)data)[size - 1] != '\n')
            printf("\n");
    }
    return bad;
}

static int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "");
    printf("\n");
    return 0;
}

static int cmd_uptime(int argc, char **argv)
{
    uint64_t now = now_ns(), up = now - dom0_boot_ns;

    printf("up %lu.%03lu s (hypervisor time %lu.%03lu s)\n",
           (unsigned long)(up / 1000000000), (unsigned long)(up / 1000000 % 1000),
           (unsigned long)(now / 1000000000), (unsigned long)(now / 1000000 % 1000));
    return 0;
}

static void wake(void *arg)
{
    *(volatile bool *)arg = true;
}

/* sleep MS: wait on a dom0 timer, blocked. */
static int cmd_sleep(int argc, char **argv)
{
    volatile bool woke = false;
    struct dom0_timer t = { .fn = wake, .arg = (void *)&woke };
    uint64_t ms = 0, deadline, now;
    const char *p = argc == 2 ? argv[1] : "";

    for (; *p >= '0' && *p <= '9' && ms <= 60000; p++)
        ms = ms * 10 + (*p - '0');
    if (argc != 2 || *p || !argv[1][0] || ms > 60000) {
        printf("usage: sleep <ms> (at most 60000)\n");
        return 1;
    }
    deadline = now_ns() + ms * 1000000;
    timer_arm(&t, deadline);
    dom0_wait(&woke);
    now = now_ns();
    if (now < deadline)
        printf("sleep: woke %lu ns early\n", (unsigned long)(deadline - now));
    else
        printf("slept %lu ms\n", (unsigned long)ms);
    return now < deadline;
}

static int cmd_mem(int argc, char **argv)
{
    struct heap_stats st;

    heap_stats(&st);
    printf("pages: %lu KiB free of %lu KiB; heap: %lu bytes in use",
           (unsigned long)(dom0_pages.nr_free * 4), (unsigned long)(dom0_pages.nr * 4),
           (unsigned long)st.in_use);
    printf(st.bad_frees ? ", %lu bad frees\n" : "\n", (unsigned long)st.bad_frees);
    return 0;
}

static int cmd_hv(int argc, char **argv)
{
    return hv_main(argc, argv);
}

/* net: the bridge's table (netback's net_cmd); `net ping ...` is ping. */
static int cmd_net(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "ping"))
        return ping_cmd(argc - 1, argv + 1);
    return net_cmd(argc, argv);
}

static int cmd_poweroff(int argc, char **argv)
{
    dom0_shutdown(SHUTDOWN_poweroff);
    return 1;
}

static int cmd_reboot(int argc, char **argv)
{
    dom0_shutdown(SHUTDOWN_reboot);
    return 1;
}

static const struct cmd commands[] = {
    { "help", "", "this list", cmd_help },
    { "ls", "", "list the initrd's files", cmd_ls },
    { "cat", "<file>...", "print initrd files", cmd_cat },
    { "echo", "[words]", "print the words", cmd_echo },
    { "uptime", "", "time since dom0 started", cmd_uptime },
    { "sleep", "<ms>", "wait, blocked, on a dom0 timer", cmd_sleep },
    { "mem", "", "dom0's free pages and heap use", cmd_mem },
    { "hv", "<command> [args]", "the toolstack (hv help)", cmd_hv },
    { "xs", "<op> <path> [value]", "xenstore: read, write, ls, rm; conns: each domain's ring", xs_cmd },
    { "lspci", "", "dom0's PCI devices and their BARs", lspci_cmd },
    { "edu", "[bus:dev.fn] [poll]", "drive QEMU's edu device: registers, DMA, MSI", edu_cmd },
    { "disk", "[read|write|flush|scan ...]", "block devices; I/O on them", disk_cmd },
    { "virtio", "", "dom0's virtio devices and their queues", virtio_cmd },
    { "ping", "[ip] [count] [source ip]", "ARP and ICMP echo from dom0's bridge port", ping_cmd },
    { "net", "[ping ...]", "the bridge's ports and counters; net ping = ping", cmd_net },
    { "poweroff", "", "stop dom0, which stops the machine", cmd_poweroff },
    { "reboot", "", "reboot the machine", cmd_reboot },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_help(int argc, char **argv)
{
    cmd_print_help(commands, NR_COMMANDS, 24);
    printf("Keys: arrows, Home/End, ^A ^E ^B ^F ^U ^K ^W ^C, Up/Down for history\n");
    return 0;
}

/* Split line (copied to buf) into argv; the count, or -1 when too many
 * words or a quote is not closed. */
static int split(const char *line, char *buf, size_t size, char **argv)
{
    int argc = 0;
    size_t n = strlen(line);
    char *p = buf;

    if (n >= size)
        return -1;
    memcpy(buf, line, n + 1);
    for (;;) {
        char *w;

        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return argc;
        if (argc == MAX_ARGS)
            return -1;
        w = p;
        argv[argc++] = w;
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '"') {
                char *q = p + 1;

                while (*q && *q != '"')
                    q++;
                if (!*q)
                    return -1;
                memmove(p, p + 1, q - p - 1);           /* drop the quotes */
                memmove(q - 1, q + 1, strlen(q + 1) + 1);
                p = q - 1;
                continue;
            }
            p++;
        }
        if (*p)
            *p++ = '\0';
    }
}

void shell_run(const char *line)
{
    char buf[LINE_BYTES];
    char *argv[MAX_ARGS + 1];
    int argc = split(line, buf, sizeof(buf), argv);
    const struct cmd *c;

    if (argc < 0) {
        printf("sh: too many words or an unclosed quote\n");
        return;
    }
    if (!argc)
        return;
    argv[argc] = NULL;
    if ((c = cmd_find(commands, NR_COMMANDS, argv[0]))) {
        c->fn(argc, argv);
        return;
    }
    printf("sh: %s: unknown command (help lists them)\n", argv[0]);
}
