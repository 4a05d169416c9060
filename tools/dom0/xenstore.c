// SPDX-License-Identifier: MIT
/*
 * xenstored in dom0 (docs/xenstore.md): the library of tools/xenstored/
 * with dom0's host operations. A domain's ring page is mapped through the
 * foreign-mapping window (fmap.c), its store port bound with
 * EVTCHNOP_bind_interdomain and served from the event loop (ports.c): the
 * upcall only notes the port, ports_run() calls xs_handle_event().
 *
 * At start dom0 writes its own tree as Xen's toolstack does: /tool,
 * /tool/xenstored, /local/domain/0 with name "Domain-0", domid, memory,
 * control/feature-*, then /vm and /libxl; all owned by dom0, no access for
 * others ("n0").
 */
#include <public/errno.h>
#include "../libhv/libhv.h"
#include "../xenstored/xenstored.h"
#include "dom0.h"
#include "test.h"
#include "xen.h"

static struct xs store;
struct xs *dom0_xs;

static void *host_map_ring(void *host, uint16_t domid, uint64_t gfn)
{
    return fmap_foreign(domid, &gfn, 1);
}

static void host_unmap_ring(void *host, uint16_t domid, void *page)
{
    fmap_unmap(page, 1);
}

static void port_fired(evtchn_port_t port, void *arg)
{
    xs_handle_event(&store, port);
}

static int host_bind_port(void *host, uint16_t domid, uint32_t remote_port)
{
    evtchn_port_t port;
    long rc = evtchn_bind_interdomain(domid, remote_port, &port);

    if (rc)
        return (int)rc;
    if ((rc = ports_bind(port, port_fired, NULL))) {
        evtchn_close(port);
        return (int)rc;
    }
    return (int)port;
}

static void host_unbind_port(void *host, uint32_t local_port)
{
    ports_unbind(local_port);
    evtchn_close(local_port);
}

static void host_notify(void *host, uint32_t local_port)
{
    evtchn_send(local_port);
}

static void host_log(void *host, const char *msg)
{
    printf("xenstored: %s\n", msg);
}

static const struct xs_host_ops host_ops = {
    .map_ring = host_map_ring, .unmap_ring = host_unmap_ring,
    .bind_port = host_bind_port, .unbind_port = host_unbind_port,
    .notify = host_notify, .log = host_log,
};

/* dom0's own nodes; the first failure is returned. */
static int write_dom0_tree(void)
{
    static const char *const dirs[] = { "/tool/xenstored", "/local/domain/0",
                                        "/vm", "/libxl" };
    static const char *const keys[][2] = {
        { "/local/domain/0/name", "Domain-0" },
        { "/local/domain/0/domid", "0" },
        { "/local/domain/0/control/feature-poweroff", "1" },
        { "/local/domain/0/control/feature-reboot", "1" },
    };
    int rc;

    for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if ((rc = xs_local_mkdir(&store, 0, dirs[i])))
            return rc;
    for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if ((rc = xs_local_write(&store, 0, keys[i][0], keys[i][1], strlen(keys[i][1]))))
            return rc;
    return xs_local_printf(&store, 0, "/local/domain/0/memory/target", "%lu",
                           (unsigned long)(dom0_pages.nr * 4));
}

void xenstore_init(void)
{
    int rc = xs_init(&store, &host_ops, NULL);

    if (!rc && (rc = write_dom0_tree()))
        xs_fini(&store);
    if (rc) {
        printf("dom0: error: xenstored: %s (-%s); no xenstore\n", hv_strerror(rc),
               hv_errname(rc));
        return;
    }
    dom0_xs = &store;
    printf("dom0: xenstored: ready\n");
}
