// SPDX-License-Identifier: MIT
/*
 * Building and running dom0 from the first multiboot2 module (a PVH ELF);
 * the other modules become its modules (an initrd, say). The module's
 * string is dom0's command line. When dom0 stops, Petrel stops the machine
 * the way dom0 asked, as Xen does: reboot for reboot, watchdog and soft
 * reset; poweroff for everything else, a crash included. Before that, the
 * domain is destroyed and the free memory compared with what it was before
 * dom0 was built: the line "all its memory returned" is what tests check.
 */
#include <petrel/bootinfo.h>
#include <petrel/cmdline.h>
#include <petrel/domain.h>
#include <petrel/elf.h>
#include <petrel/errno.h>
#include <petrel/guest_mem.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/printk.h>
#include <petrel/reboot.h>
#include <public/hvm/start_info.h>
#include <public/sched.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/pvh.h>

#define DOM0_MEM_DEFAULT    MiB(256)
#define DOM0_MEM_MIN        MiB(4)

static uint64_t opt_dom0_mem = DOM0_MEM_DEFAULT;

static int set_dom0_mem(const char *val, size_t len)
{
    uint64_t size;

    if (cmdline_parse_size(val, len, &size) || size < DOM0_MEM_MIN)
        return -EINVAL;
    opt_dom0_mem = ALIGN_DOWN(size, PAGE_SIZE);
    return 0;
}
CMDLINE_PARAM("dom0_mem", set_dom0_mem);

static int gm_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return copy_to_guest_phys(ctx, gpa, src, len);
}

static int gm_zero(void *ctx, uint64_t gpa, size_t len)
{
    static const uint8_t zeroes[256];

    for (size_t done = 0; done < len; done += sizeof(zeroes))
        if (copy_to_guest_phys(ctx, gpa + done, zeroes, MIN(sizeof(zeroes), len - done)))
            return -EFAULT;
    return 0;
}

static const struct guest_mem_ops guest_mem = { gm_write, gm_zero };

/* Give the domain zeroed RAM for [start, end), 2 MiB pages where aligned. */
static int populate(struct domain *d, uint64_t start, uint64_t end)
{
    struct p2m_batch batch = P2M_BATCH_INIT;

    for (uint64_t gpa = start; gpa < end;) {
        unsigned int order = IS_ALIGNED(gpa, MiB(2)) && end - gpa >= MiB(2) ? 9 : 0;
        paddr_t pa = frame_alloc(order);

        if (!pa && order) {
            order = 0;
            pa = frame_alloc(0);
        }
        if (!pa)
            return -ENOMEM;
        memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
        /* Nothing was mapped here and no vCPU ran: no flush, nothing to free. */
        if (p2m_set(d->p2m, gpa >> PAGE_SHIFT, pa >> PAGE_SHIFT, order, P2M_RAM_RW,
                    P2M_OWNED, &batch)) {
            frame_free(pa, order);
            return -ENOMEM;
        }
        p2m_batch_done(&batch);
        gpa += PAGE_SIZE << order;
    }
    return 0;
}

static const void *module_data(const struct boot_module *m)
{
    return phys_to_virt(m->start);          /* modules lie in RAM: direct-mapped */
}

static int build(struct domain *d, const struct boot_info *bi)
{
    struct pvh_module mods[PVH_MAX_MODULES];
    struct pvh_build_args args = { 0 };
    struct elf_image img;
    struct pvh_plan plan;
    const void *kernel = module_data(&bi->modules[0]);
    int rc;

    if (!kernel)
        return -ENOMEM;
    rc = elf_parse(kernel, bi->modules[0].end - bi->modules[0].start, &img);
    if (rc)
        return rc;
    args = (struct pvh_build_args){
        .kernel = &img, .mem_bytes = opt_dom0_mem, .cmdline = bi->modules[0].string,
        .modules = mods, .flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
    };
    for (unsigned int i = 1; i < bi->nr_modules && args.nr_modules < PVH_MAX_MODULES; i++) {
        mods[args.nr_modules++] = (struct pvh_module){
            module_data(&bi->modules[i]), bi->modules[i].end - bi->modules[i].start,
            bi->modules[i].string,
        };
    }
    rc = pvh_plan(&args, &plan);
    for (unsigned int i = 0; !rc && i < plan.nr_ram; i++)
        rc = populate(d, plan.ram[i].start, plan.ram[i].end);
    if (!rc)
        rc = pvh_write(&args, &plan, &guest_mem, d);
    if (!rc)
        hvm_set_pvh_start(d->vcpus[0], plan.entry, plan.start_info_paddr);
    return rc;
}

/* What dom0's end means for the machine. */
static __noreturn void dom0_stopped(struct domain *d, uint64_t free_before)
{
    bool reboot = false;

    if (d->state == DOMAIN_SHUTDOWN) {
        printk("petrel: domain 0 shut down: %s code %u\n",
               shutdown_reason_name(d->shutdown_reason), d->shutdown_code);
        reboot = d->shutdown_reason == SHUTDOWN_reboot ||
                 d->shutdown_reason == SHUTDOWN_watchdog ||
                 d->shutdown_reason == SHUTDOWN_soft_reset;
    }
    domain_destroy(d);
    if (frame_free_count() == free_before)
        printk("petrel: domain 0 destroyed, all its memory returned (%lu frames free)\n",
               frame_free_count());
    else
        printk(L_ERR "petrel: domain 0 destroyed, but %ld frames were not returned\n",
               (long)(free_before - frame_free_count()));
    printk(reboot ? "petrel: rebooting\n" : "petrel: powering off\n");
    if (reboot)
        machine_reboot();
    machine_poweroff();
}

void dom0_run(const struct boot_info *bi)
{
    uint64_t free_before = frame_free_count();
    struct domain *d;
    int rc;

    if (!hvm) {
        pr_err("dom0: this machine cannot run guests (no usable SVM or VMX)\n");
        return;
    }
    d = domain_create(0, 1, true);
    if (!d) {
        pr_err("dom0: cannot create the domain\n");
        return;
    }
    rc = build(d, bi);
    if (rc) {
        pr_err("dom0: cannot build from module 1 (error %d)\n", rc);
        domain_destroy(d);
        return;
    }
    pr_info("dom0: %lu MiB, entry %#lx, command line '%s'\n", opt_dom0_mem >> 20,
            d->vcpus[0]->hvm.rip, bi->modules[0].string);
    d->mem_bytes = opt_dom0_mem;
    d->state = DOMAIN_RUNNING;
    hvm_run_vcpu(d->vcpus[0]);
    dom0_stopped(d, free_before);
}
