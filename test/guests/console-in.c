/* SPDX-License-Identifier: MIT */
/*
 * Test guest console-in: what is typed on Petrel's serial console reaches
 * the control domain, by VIRQ_CONSOLE and CONSOLEIO_read.
 *
 * mode=read (the default; run as dom0): binds VIRQ_CONSOLE (global, so on
 * vCPU 0), checks that CONSOLEIO_read with nothing typed returns 0, prints
 * "console-in: ready, type a line", then blocks until VIRQ_CONSOLE fires
 * and reads what arrived, until a CR or LF, and prints
 * "console-in: got 'TEXT'" (bytes other than printable ASCII as \xNN).
 * TEXT must be ctrl_a= (default 0) Ctrl-A bytes, which fewer than three in
 * a row Petrel passes on as typed, then expect= (default hello-petrel).
 * On the first wake it also
 * reads into a non-canonical address (-EFAULT) and then checks no byte was
 * lost by it. Gives up after timeout_ms (default 120000: the harness may
 * first exercise the debug keys, slowly under Bochs). spin=1 waits by
 * spinning rather than blocking, so that the debug keys see it running.
 *
 * mode=unpriv (a domain other than 0 under dom0=test-all): CONSOLEIO_read
 * must give -EPERM: only the control domain reads console input.
 */
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("serial console input reaches the control domain by VIRQ_CONSOLE and CONSOLEIO_read");

#define MS              1000000UL
#define LINE_MAX        128

static volatile uint32_t console_events, timed_out;

static void on_console(evtchn_port_t port, void *arg)
{
    console_events++;
}

static void on_timer(evtchn_port_t port, void *arg)
{
    timed_out = 1;
}

/* Block (spin=1: spin, so that the vCPU is seen running meanwhile) until
 * VIRQ_CONSOLE has fired more than 'seen' times, or the deadline's timer
 * fires. Returns the event count. */
static bool spin;

static uint32_t wait_console(uint32_t seen)
{
    if (spin) {
        sti();
        while (console_events == seen && !timed_out)
            cpu_relax();
        return console_events;
    }
    cli();
    while (console_events == seen && !timed_out) {
        sched_block();
        cli();
    }
    sti();
    return console_events;
}

static void print_line(const char *line, size_t len)
{
    char out[LINE_MAX * 4 + 1];
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = line[i];

        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
            out[o++] = c;
        else
            o += snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
    }
    out[o] = 0;
    printf("console-in: got '%s'\n", out);
}

/* Read until CR or LF; returns the line's length, or -1 on timeout. */
static long read_line(char *line)
{
    size_t len = 0;
    uint32_t seen = 0;
    bool probed = false;

    for (;;) {
        char buf[16];
        long n;

        seen = wait_console(seen);
        if (timed_out)
            return -1;
        if (!probed) {
            /* The input is there; a bad buffer must fail and leave it. */
            CHECK_EQ(hypervisor_console_io(CONSOLEIO_read, 1,
                                           (void *)0x8000000000000000UL), -XEN_EFAULT);
            probed = true;
        }
        while ((n = hypervisor_console_io(CONSOLEIO_read, sizeof(buf), buf)) > 0) {
            for (long i = 0; i < n; i++) {
                if (buf[i] == '\r' || buf[i] == '\n')
                    return len;
                if (len < LINE_MAX)
                    line[len++] = buf[i];
            }
        }
        if (!CHECK(n == 0))
            return -1;
    }
}

static void mode_read(void)
{
    const char *want = "hello-petrel";
    size_t want_len = strlen(want);
    uint64_t timeout = cmdline_u64_or("timeout_ms", 120000);
    uint64_t ctrl_a = cmdline_u64_or("ctrl_a", 0);

    spin = cmdline_u64_or("spin", 0);
    char line[LINE_MAX], buf[8];
    evtchn_port_t port;
    long len;

    cmdline_find("expect", &want, &want_len);
    REQUIRE_EQ(events_init(EVENT_VECTOR_DEFAULT), 0);
    REQUIRE_EQ(evtchn_bind_virq(VIRQ_CONSOLE, 0, &port), 0);
    evtchn_set_handler(port, 0, on_console, NULL);
    REQUIRE_EQ(timer_bind(0, on_timer, NULL, NULL), 0);
    REQUIRE_EQ(timer_set_singleshot(0, now_ns() + timeout * MS, 0), 0);
    CHECK_EQ(hypervisor_console_io(CONSOLEIO_read, sizeof(buf), buf), 0);
    sti();

    printf("console-in: ready, type a line\n");
    len = read_line(line);
    if (len < 0) {
        test_fail("no full line typed within %lu ms", timeout);
        return;
    }
    print_line(line, len);
    for (uint64_t i = 0; i < ctrl_a; i++)
        if (!CHECK((uint64_t)len > i && line[i] == 0x01))
            return;
    if ((size_t)len != ctrl_a + want_len || memcmp(line + ctrl_a, want, want_len))
        test_fail("read %ld bytes, not %lu Ctrl-A and the %zu of '%.*s'", len,
                  ctrl_a, want_len, (int)want_len, want);
    CHECK(evtchn_no_strays());
}

static void mode_unpriv(void)
{
    char buf[8];

    CHECK_EQ(hypervisor_console_io(CONSOLEIO_read, sizeof(buf), buf), -XEN_EPERM);
    CHECK_EQ(hypervisor_console_io(CONSOLEIO_read, 0, buf), -XEN_EPERM);
}

void test_main(void)
{
    const char *mode;
    size_t len;

    if (!cmdline_find("mode", &mode, &len) || (len == 4 && !memcmp(mode, "read", 4)))
        mode_read();
    else if (len == 6 && !memcmp(mode, "unpriv", 6))
        mode_unpriv();
    else
        test_error("unknown mode= (read or unpriv)");
}
