// SPDX-License-Identifier: MIT
/*
 * dom0's console. Output goes through console_io(CONSOLEIO_write) (the
 * runtime's printf and console_write). Input: Petrel raises VIRQ_CONSOLE
 * on the control domain when bytes arrive on its serial console; the
 * handler only notes it, and the event loop reads them with
 * console_io(CONSOLEIO_read) and feeds the line editor, which echoes; each
 * finished line goes to the shell. While a sink is set (`hv console`), the
 * bytes go to it as they are instead.
 */
#include <string.h>
#include "../hv/hv.h"
#include "../libhv/libhv.h"
#include "dom0.h"
#include "hypercall.h"
#include "lineedit.h"
#include "test.h"
#include "xen.h"

#define READ_CHUNK      64

static struct lineedit editor;
static volatile uint32_t input_pending;
static bool read_failed;
static console_sink_fn sink;
static void *sink_arg;
static bool async_output;               /* the typed line was ended for it */

static void echo(void *ctx, const char *buf, size_t len)
{
    console_write(buf, len);
}

static void on_console_virq(evtchn_port_t port, void *arg)
{
    input_pending = 1;
}

void console_init(void)
{
    evtchn_port_t port;
    long rc;

    le_init(&editor, DOM0_PROMPT, echo, NULL);
    rc = evtchn_bind_virq(VIRQ_CONSOLE, 0, &port);
    if (rc) {
        printf("dom0: no console input: EVTCHNOP_bind_virq(VIRQ_CONSOLE): %s (-%s)\n",
               hv_strerror(rc), hv_errname(rc));
        return;
    }
    evtchn_set_handler(port, 0, on_console_virq, NULL);
    input_pending = 1;                  /* bytes may have come before the bind */
}

bool console_pending(void)
{
    return input_pending;
}

void console_prompt(void)
{
    console_write(DOM0_PROMPT, strlen(DOM0_PROMPT));
}

void console_set_sink(console_sink_fn fn, void *arg)
{
    sink_arg = arg;
    sink = fn;
}

bool console_has_sink(void)
{
    return sink != NULL;
}

void console_poll(void)
{
    char buf[READ_CHUNK];
    long n;

    input_pending = 0;
    while ((n = hypervisor_console_io(CONSOLEIO_read, sizeof(buf), buf)) > 0) {
        if (n > (long)sizeof(buf))
            n = sizeof(buf);
        if (sink) {
            sink(sink_arg, buf, (size_t)n);
            continue;
        }
        for (long i = 0; i < n; i++)
            if (le_feed(&editor, (unsigned char)buf[i])) {
                shell_run(editor.line);
                async_output = false;   /* the prompt starts afresh */
                console_prompt();
            }
    }
    if (n < 0 && !read_failed) {
        read_failed = true;
        printf("dom0: CONSOLEIO_read: %s (-%s)\n", hv_strerror(n), hv_errname(n));
    }
}

void console_async_begin(void)
{
    if (async_output)
        return;
    async_output = true;
    console_write("\r\n", 2);
}

void console_async_end(void)
{
    if (!async_output)
        return;
    async_output = false;
    if (sink)
        return;                 /* attached: the prompt comes after detaching */
    console_prompt();
    console_write(editor.buf, editor.len);
    for (size_t i = editor.cur; i < editor.len; i++)
        console_write("\b", 1);
}

size_t console_drop_input(void)
{
    char buf[READ_CHUNK];
    size_t dropped = 0;
    long n;

    input_pending = 0;
    while ((n = hypervisor_console_io(CONSOLEIO_read, sizeof(buf), buf)) > 0)
        dropped += (size_t)n;
    return dropped;
}
