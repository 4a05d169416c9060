# SPDX-License-Identifier: MIT
# Petrel's control domain (docs/dom0.md). Included from the top Makefile.
# `make dom0` builds build/dom0/dom0.elf, a PVH kernel linked with the test
# guests' runtime (test/guests/lib, without its test runner main.o), and
# build/dom0/initrd.cpio, its initrd: the hello guest and hello.cfg.

dom0-y  := dom0/main.o dom0/mem.o dom0/pages.o dom0/heap.o dom0/libc.o \
	dom0/cpio.o dom0/fmap.o dom0/gnttab.o dom0/timers.o dom0/console.o dom0/lineedit.o dom0/shell.o \
	dom0/hvenv.o libhv/libhv.o libhv/config.o libhv/disk.o libhv/build.o libhv/acpi.o libhv/kmsg.o \
	libhv/pcidev.o hv/hv.o hv/cmdtab.o hv/toolstack.o hv/vcpu.o hv/pci.o \
	dom0/ports.o dom0/xenstore.o dom0/xs_cmd.o dom0/backends.o \
	dom0/pci.o dom0/pci_io.o dom0/dma.o dom0/virtq.o dom0/virtio_pci.o \
	dom0/virtio_blk.o dom0/virtio_net.o dom0/gpt.o dom0/blkio.o dom0/devices.o \
	dom0/disk_cmd.o dom0/ping.o dom0/edu_cmd.o \
	dom0/xenbus.o dom0/blkdev.o dom0/ramdisk.o dom0/blkback.o dom0/disks.o \
	backends/cons_ring.o backends/cons_log.o backends/blkif_back.o \
	dom0/netback.o dom0/netcfg.o dom0/net_cmd.o backends/bridge.o \
	backends/netif_ring.o backends/net_csum.o libhv/vif.o \
	$(patsubst tools/%.c,%.o,$(wildcard tools/xenstored/*.c))
# The hypervisor's own ELF loader and PVH layout code, pure, for the builder.
dom0-kernel-y := common/elf.o arch/x86/hvm/pvh.o
DOM0_OBJS := $(addprefix $(B)/dom0/obj/,$(dom0-y)) \
	$(addprefix $(B)/dom0/obj/k/,$(dom0-kernel-y))
DOM0_ELF  := $(B)/dom0/dom0.elf
DOM0_INITRD := $(B)/dom0/initrd.cpio
# What goes in the initrd: NAME=FILE.
DOM0_INITRD_FILES := hello.elf=$(B)/guests/hello.elf hello.cfg=tools/dom0/hello.cfg

# The runtime's flags, with dom0's small libc headers first.
DOM0_CFLAGS := -Itools/dom0/include $(GUEST_CFLAGS)

.PHONY: dom0
dom0: $(DOM0_ELF) $(DOM0_INITRD)

# xenstored is a library built freestanding (docs/xenstore.md).
$(B)/dom0/obj/xenstored/%.o: DOM0_CFLAGS += -DXS_FREESTANDING

$(B)/dom0/obj/%.o: tools/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(DOM0_CFLAGS) -c $< -o $@

$(B)/dom0/obj/k/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(DOM0_CFLAGS) -c $< -o $@

$(DOM0_ELF): $(DOM0_OBJS) $(GUEST_RUNTIME) test/guests/lib/guest.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $(DOM0_OBJS) $(GUEST_RUNTIME)

# make run's initrd also carries guests for the virtio disk and NIC that
# tools/run-qemu gives dom0 there (tools/dom0/run-cfg/, README.md).
DOM0_RUN_CFGS := $(wildcard tools/dom0/run-cfg/*.cfg)
DOM0_RUN_FILES := blk.elf=$(B)/guests/blk.elf net-world.elf=$(B)/guests/net-world.elf \
	net-world.cfg=tools/dom0/virtio-cfg/net-world.cfg \
	$(foreach f,$(DOM0_RUN_CFGS),$(notdir $(f))=$(f))
$(DOM0_INITRD): tools/mkcpio $(B)/guests/hello.elf tools/dom0/hello.cfg $(B)/guests/blk.elf \
		$(B)/guests/net-world.elf tools/dom0/virtio-cfg/net-world.cfg $(DOM0_RUN_CFGS)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(PYTHON) tools/mkcpio $@ $(DOM0_INITRD_FILES) $(DOM0_RUN_FILES)

# The boot test's initrd (test/run-all.py, dom0-*): the same, plus a script
# that dom0 runs at boot with rc=test.rc, a config with an error, the
# counter guest and the toolstack tests' configs (tools/dom0/test-cfg/),
# and g1.cfg .. g8.cfg, eight counters, written here.
DOM0_TEST_CFGS := $(wildcard tools/dom0/test-cfg/*.cfg)
DOM0_TEST_GCFGS := $(foreach i,1 2 3 4 5 6 7 8,$(B)/dom0/test-cfg/g$(i).cfg)
DOM0_TEST_INITRD := $(B)/dom0/initrd-test.cpio
$(B)/dom0/test-cfg/g%.cfg: tools/dom0/dom0.mk
	@mkdir -p $(@D)
	$(Q)printf 'name = "g%s"\nkernel = "counter.elf"\ncmdline = "period=500"\nmemory = 16\n' \
		$* > $@
$(DOM0_TEST_INITRD): tools/mkcpio $(B)/guests/hello.elf $(B)/guests/counter.elf \
		tools/dom0/hello.cfg tools/dom0/test.rc tools/dom0/bad.cfg \
		$(DOM0_TEST_CFGS) $(DOM0_TEST_GCFGS)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(PYTHON) tools/mkcpio $@ $(DOM0_INITRD_FILES) test.rc=tools/dom0/test.rc \
		bad.cfg=tools/dom0/bad.cfg counter.elf=$(B)/guests/counter.elf \
		$(foreach f,$(DOM0_TEST_CFGS) $(DOM0_TEST_GCFGS),$(notdir $(f))=$(f))
dom0: $(DOM0_TEST_INITRD)

# The backends' boot tests (test/run-all.py, dom0-console-*, dom0-xs-client-*,
# dom0-abuse-*): guests with a PV console and a xenstore client, and their
# configs.
DOM0_GUESTS_INITRD := $(B)/dom0/initrd-guests.cpio
DOM0_GUESTS_FILES := hello.elf=$(B)/guests/hello.elf hello.cfg=tools/dom0/hello.cfg \
	xs-client.elf=$(B)/guests/xs-client.elf xs-client.cfg=tools/dom0/xs-client.cfg \
	echo.cfg=tools/dom0/echo.cfg abuse.elf=$(B)/guests/abuse.elf abuse.cfg=tools/dom0/abuse.cfg \
	edu.cfg=tools/dom0/edu.cfg
$(DOM0_GUESTS_INITRD): tools/mkcpio $(B)/guests/hello.elf $(B)/guests/xs-client.elf \
		$(B)/guests/abuse.elf tools/dom0/hello.cfg tools/dom0/xs-client.cfg tools/dom0/echo.cfg tools/dom0/abuse.cfg \
		tools/dom0/edu.cfg
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(PYTHON) tools/mkcpio $@ $(DOM0_GUESTS_FILES)
dom0: $(DOM0_GUESTS_INITRD)

# The ISO boots Petrel with dom0 and its initrd as modules 1 and 2.
DOM0_ISO_FILES := $(DOM0_ELF) $(DOM0_INITRD)
DOM0_ISO_ARGS  := --module $(DOM0_ELF) --module $(DOM0_INITRD)

# The block backend's boot tests (test/run-all.py, blk-*): the blk guest
# and its configs (tools/dom0/blk-cfg/, docs/block.md).
DOM0_BLK_INITRD := $(B)/dom0/initrd-blk.cpio
DOM0_BLK_CFGS := $(wildcard tools/dom0/blk-cfg/*.cfg)
$(DOM0_BLK_INITRD): tools/mkcpio $(B)/guests/blk.elf $(DOM0_BLK_CFGS)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(PYTHON) tools/mkcpio $@ blk.elf=$(B)/guests/blk.elf \
		$(foreach f,$(DOM0_BLK_CFGS),$(notdir $(f))=$(f))
dom0: $(DOM0_BLK_INITRD)

# The network's boot tests (test/run-all.py, dom0-net-*): the net guest and
# its configs (tools/dom0/net-cfg/).
DOM0_NET_INITRD := $(B)/dom0/initrd-net.cpio
DOM0_NET_CFGS := $(wildcard tools/dom0/net-cfg/*.cfg)
$(DOM0_NET_INITRD): tools/mkcpio $(B)/guests/net.elf $(DOM0_NET_CFGS)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(PYTHON) tools/mkcpio $@ net.elf=$(B)/guests/net.elf \
		$(foreach f,$(DOM0_NET_CFGS),$(notdir $(f))=$(f))
dom0: $(DOM0_NET_INITRD)

# The device drivers' boot tests (test/run-all.py, dom0-virtio-world-*):
# the net-world guest and its config (tools/dom0/virtio-cfg/).
DOM0_VIRTIO_INITRD := $(B)/dom0/initrd-virtio.cpio
$(DOM0_VIRTIO_INITRD): tools/mkcpio $(B)/guests/net-world.elf tools/dom0/virtio-cfg/net-world.cfg
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(PYTHON) tools/mkcpio $@ net-world.elf=$(B)/guests/net-world.elf \
		net-world.cfg=tools/dom0/virtio-cfg/net-world.cfg
dom0: $(DOM0_VIRTIO_INITRD)

# The passthrough boot tests (test/run-all.py, dom0-pci-pt-*): the pci-pt
# guest, hello, the counter, and their configs (tools/dom0/pt-cfg/,
# docs/pci.md).
DOM0_PT_INITRD := $(B)/dom0/initrd-pt.cpio
DOM0_PT_CFGS := $(wildcard tools/dom0/pt-cfg/*.cfg)
$(DOM0_PT_INITRD): tools/mkcpio $(B)/guests/pci-pt.elf $(B)/guests/hello.elf \
		$(B)/guests/counter.elf $(DOM0_PT_CFGS)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(PYTHON) tools/mkcpio $@ pci-pt.elf=$(B)/guests/pci-pt.elf \
		hello.elf=$(B)/guests/hello.elf counter.elf=$(B)/guests/counter.elf \
		$(foreach f,$(DOM0_PT_CFGS),$(notdir $(f))=$(f))
dom0: $(DOM0_PT_INITRD)

# ---- Linux guests (issue 9, docs/linux.md) ----
# `make linux`: Debian 12's kernel and busybox-static fetched with apt-get
# (tools/linux/fetch, cached under build/linux/), the vmlinux ELF out of
# the bzImage, the guest's initramfs, and dom0's initrd with them and the
# Linux configs (build/dom0/initrd-linux.cpio). Not part of `all`: it needs
# Debian's apt repositories; `make test` and `make run` build it.
LINUX_DIR := $(B)/linux
LINUX_ELF := $(LINUX_DIR)/linux.elf
LINUX_INITRAMFS := $(LINUX_DIR)/initramfs.cpio.gz
LINUX_CFGS := $(wildcard tools/dom0/linux-cfg/*.cfg)
DOM0_LINUX_INITRD := $(B)/dom0/initrd-linux.cpio
# make run's initrd with the Linux files too (below).
DOM0_RUN_LINUX_INITRD := $(B)/dom0/initrd-run-linux.cpio
DOM0_LINUX_FILES = linux.elf=$(LINUX_ELF) initramfs.cpio.gz=$(LINUX_INITRAMFS) \
	$(foreach f,$(LINUX_CFGS),$(notdir $(f))=$(f))
.PHONY: linux linux-fetch
linux: $(DOM0_LINUX_INITRD) $(DOM0_RUN_LINUX_INITRD)
linux-fetch:
	$(Q)tools/linux/fetch $(LINUX_DIR)
$(LINUX_DIR)/version: tools/linux/fetch
	$(Q)tools/linux/fetch $(LINUX_DIR)
$(LINUX_ELF): $(LINUX_DIR)/version tools/linux/bzimage-elf
	$(Q)tools/linux/bzimage-elf $(LINUX_DIR)/kernel/boot/vmlinuz-$$(cat $(LINUX_DIR)/version) $@
$(LINUX_INITRAMFS): $(LINUX_DIR)/version tools/linux/mkinitramfs $(addprefix tools/linux/,rcS rcK inittab profile eth0-up)
	$(Q)tools/linux/mkinitramfs $(LINUX_DIR) $@
$(DOM0_LINUX_INITRD): tools/mkcpio $(LINUX_ELF) $(LINUX_INITRAMFS) $(LINUX_CFGS)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(PYTHON) tools/mkcpio $@ $(DOM0_LINUX_FILES)

# make run's Linux demo (README.md, docs/linux.md): make run's initrd with
# the Linux files too, and dom0 with two 4 MiB RAM disks, the guests' xvda
# (linux.cfg: ram0, linux2.cfg: ram1). RUN_LINUX_DOM0_ARGS is read by
# test/run-all.py's linux-run-bios scenario, which boots the same.
RUN_LINUX_DOM0_ARGS := ramdisk=4M,4M
RUN_LINUX_ISO := $(B)/petrel-linux.iso
$(DOM0_RUN_LINUX_INITRD): tools/mkcpio $(B)/guests/hello.elf tools/dom0/hello.cfg \
		$(B)/guests/blk.elf $(B)/guests/net-world.elf tools/dom0/virtio-cfg/net-world.cfg \
		$(DOM0_RUN_CFGS) $(LINUX_ELF) $(LINUX_INITRAMFS) $(LINUX_CFGS)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(PYTHON) tools/mkcpio $@ $(DOM0_INITRD_FILES) $(DOM0_RUN_FILES) $(DOM0_LINUX_FILES)
$(RUN_LINUX_ISO): $(B)/petrel.elf tools/mkiso $(DOM0_ELF) $(DOM0_RUN_LINUX_INITRD)
	tools/mkiso $(B)/petrel.elf $@ --module $(DOM0_ELF) "$(RUN_LINUX_DOM0_ARGS)" \
		--module $(DOM0_RUN_LINUX_INITRD)
