/* SPDX-License-Identifier: MIT */
/*
 * What dom0's toolstack (the domain builder and lifecycle, tools/hv/ and
 * tools/libhv/) and its backends (xenstored and the console backend,
 * tools/dom0/backends.c) tell each other about the domains dom0 manages.
 *
 * Order of events for a domain:
 *   builder: createdomain, populate, load, special pages, event channels,
 *            HVM params, start state  ->  backends_domain_new()  ->  unpause
 *   stop:    VIRQ_DOM_EXC; the toolstack reads why (getdomaininfo) and
 *            carries out on_poweroff/on_reboot/on_crash
 *   destroy: backends_domain_gone()  ->  destroydomain  ->  wait until the
 *            hypervisor no longer knows it (getdomaininfo -ESRCH)
 * A failed build calls backends_domain_gone() if backends_domain_new()
 * succeeded, then destroys the domain: nothing is left half-built.
 */
#ifndef DOM0_DOMAINS_H
#define DOM0_DOMAINS_H

#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>

struct dom0_domain_info {
    domid_t domid;
    const char *name;               /* the config's name */
    uint64_t mem_kib;               /* RAM given */
    unsigned int vcpus;
    /* Special pages and the guest's ends of their event channels (unbound,
     * remote end dom0), as the builder set them in HVM_PARAM_STORE_PFN,
     * _STORE_EVTCHN, _CONSOLE_PFN, _CONSOLE_EVTCHN. Both pages zeroed. */
    uint64_t store_gfn;
    uint32_t store_port;
    uint64_t console_gfn;
    uint32_t console_port;
    /* The config's disk entries (checked by disks_check), written to
     * xenstore for blkback and the guest's blkfront (docs/block.md). */
    char *const *disk;
    unsigned int nr_disk;
    /* The config's vif entries (checked by hv_vifs_check), written to
     * xenstore for netback and the guest's netfront (docs/network.md). */
    char *const *vif;
    unsigned int nr_vif;
};

/*
 * A domain is built and still paused: introduce it to xenstored (its
 * /local/domain/<id> tree: name, domid, memory/target, console/ring-ref,
 * console/port, console/type, with the domain as owner of its home and
 * read access to what it must read) and start its console backend.
 * 0 or a negative Xen errno; on failure nothing of it is left here.
 */
int backends_domain_new(const struct dom0_domain_info *di);

/* The domain is about to be destroyed: release it from xenstored, remove
 * its tree, stop its console backend, unmap its pages, close the ports.
 * Harmless for a domain the backends do not know. */
void backends_domain_gone(domid_t domid);

/*
 * `hv console <dom>`: the serial console is the domain's console until the
 * operator types the escape key (Ctrl-], 0x1d): its output so far (a few
 * KiB kept) and from then on goes to the console, typed bytes go to its
 * input ring. Returns 0 when detached, -XEN_ENOENT for a domain without a
 * console backend. Events (xenstored, other consoles, VIRQ_DOM_EXC) are
 * still handled meanwhile; a domain that goes away detaches.
 */
int backends_console_attach(domid_t domid);

/* Disks a config may have. */
#define HV_DISKS_MAX    16

/* Check a config's disk entries before anything is built: each one's
 * syntax (tools/libhv/disk.h), its target a block device of dom0, no vdev
 * twice. 0, or a negative Xen errno with the reason in err, e.g.
 * "disk 'phy:ram9,xvda,w': no block device 'ram9' in dom0". */
int disks_check(char *const *specs, unsigned int n, char *err, size_t errlen);

/* `hv block-list <dom>`: print the domain's virtual disks as blkback
 * serves them (state, port, disk, mode, counters); how many. */
int backends_block_list(domid_t domid);

/* `hv network-list <dom>`: print the domain's connected vifs as bridge
 * ports with their counters (tools/dom0/net_cmd.c); how many. */
int backends_network_list(domid_t domid);

/* The memory BARs of PCI function seg:bdf as dom0's scan found them
 * (tools/dom0/pci.c), appended to out[*nr..max) as [start, end) bus
 * ranges: 0, -XEN_ENODEV when dom0 does not know the function, -XEN_ENOSPC
 * when they do not fit. For the guest's memory map (hv create, pci = [...]). */
struct hv_mem_range;
int dom0_pci_bars(uint16_t seg, uint16_t bdf, struct hv_mem_range *out, unsigned int *nr,
                  unsigned int max);

#endif
