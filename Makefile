# SPDX-License-Identifier: MIT
# Petrel: make | make iso | make run | make test | make unit | make clean
#         make install | make uninstall | make deb (DESTDIR=, PREFIX=)
#
# CROSS_COMPILE is honoured for the hypervisor (e.g. x86_64-linux-gnu-);
# host tools and unit tests use HOSTCC.

CROSS_COMPILE ?=
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
NM      := $(CROSS_COMPILE)nm
OBJCOPY := $(CROSS_COMPILE)objcopy
HOSTCC  ?= gcc
PYTHON  ?= python3

B := build

CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdinc -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx \
	-mgeneral-regs-only -fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-common \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-isystem $(shell $(CC) -print-file-name=include) -Iinclude -MMD -MP
ASFLAGS := -D__ASSEMBLY__ -Iinclude -MMD -MP -g
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

# The hypervisor's objects: one list per subsystem.
boot-y      := boot/head.o boot/trampoline.o
arch-y      := arch/x86/setup.o arch/x86/cpu.o arch/x86/gdt.o arch/x86/traps.o \
	arch/x86/entry.o arch/x86/apic.o arch/x86/tsc.o arch/x86/timer.o \
	arch/x86/smp.o arch/x86/reboot.o arch/x86/pic.o arch/x86/stacktrace.o \
	arch/x86/cpu_dump.o
hvm-y       := arch/x86/hvm/hvm.o arch/x86/hvm/intr.o arch/x86/hvm/fpu.o arch/x86/hvm/cpuid.o arch/x86/hvm/msr.o \
	arch/x86/hvm/io.o arch/x86/hvm/vpci.o arch/x86/hvm/guest_mem.o arch/x86/hvm/hypercall_page.o \
	arch/x86/hvm/dom0.o arch/x86/hvm/dom0_bars.o arch/x86/hvm/pvh.o arch/x86/hvm/decode.o \
	arch/x86/hvm/decode_name.o arch/x86/hvm/guest_walk.o arch/x86/hvm/cr.o \
	arch/x86/hvm/vlapic.o arch/x86/hvm/vlapic_regs.o arch/x86/hvm/vlapic_timer.o arch/x86/hvm/vlapic_ipi.o \
	arch/x86/hvm/mmio.o arch/x86/hvm/vcpu_context.o
svm-y       := arch/x86/svm/svm.o arch/x86/svm/exit.o arch/x86/svm/entry.o
vmx-y       := arch/x86/vmx/vmx.o arch/x86/vmx/caps.o arch/x86/vmx/vmcs.o arch/x86/vmx/exit.o \
	arch/x86/vmx/msr.o arch/x86/vmx/entry.o
common-y    := common/printk.o common/vsnprintf.o common/string.o \
	common/panic.o common/cmdline.o common/multiboot2.o common/elf.o \
	common/domain.o common/hypercall.o common/physdev_op.o common/version.o common/console_io.o \
	common/sched_op.o common/pvclock.o common/timer.o common/schedule.o common/domain_target.o \
	common/event_channel.o common/evtchn_op.o common/sched_poll.o common/hvm_op.o \
	common/guest_time.o common/memory_op.o common/vcpu_op.o common/vcpu_timer.o \
	common/console_input.o common/keyhandler.o \
	common/grant_table.o common/grant_map.o
common-y    += common/domctl.o common/sysctl.o common/domid.o common/ctl_ring.o \
	common/reservation.o common/foreign_map.o common/physmap_lock.o
mm-y        := mm/frame.o mm/heap.o mm/pagetable.o mm/p2m.o
drivers-y   := drivers/serial.o drivers/uart_parse.o drivers/vga_text.o drivers/acpi.o drivers/acpi_map.o drivers/hpet.o \
	drivers/pit.o drivers/rtc.o drivers/ioapic.o drivers/pci.o drivers/pci_probe.o drivers/pci_assign.o drivers/msi.o
iommu-y     := drivers/iommu/iommu.o drivers/iommu/dmar.o drivers/iommu/vtd.o drivers/iommu/vtd_pt.o \
	drivers/iommu/vtd_ir.o \
	drivers/iommu/iommu_pt.o drivers/iommu/ivrs.o drivers/iommu/amd_iommu.o drivers/iommu/amd_iommu_pt.o \
	drivers/iommu/amd_iommu_ir.o drivers/iommu/amd_event.o
sched-y     := sched/core.o sched/credit.o

OBJS := $(addprefix $(B)/, $(boot-y) $(arch-y) $(hvm-y) $(svm-y) $(vmx-y) $(common-y) \
	$(mm-y) $(drivers-y) $(iommu-y) $(sched-y))

.PHONY: all iso run test unit clean deps bench
.DELETE_ON_ERROR:
all: $(B)/petrel.elf guests dom0

# V=1 shows the commands.
Q := $(if $(V),,@)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(B)/%.o: %.S
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(CFLAGS) $(ASFLAGS) -c $< -o $@

# Structure offsets for assembly, generated from C.
$(B)/include/asm-offsets.h: arch/x86/asm-offsets.c include/x86/*.h include/petrel/*.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -S $< -o $(B)/asm-offsets.s
	$(Q)sed -n 's/.*@@\([A-Za-z0-9_]*\) \$$\{0,1\}\(-\{0,1\}[0-9]*\).*/#define \1 \2/p' \
		$(B)/asm-offsets.s > $@.tmp && mv $@.tmp $@
$(filter %.o,$(addprefix $(B)/,$(boot-y) arch/x86/entry.o)): $(B)/include/asm-offsets.h
ASFLAGS += -I$(B)/include

# Two-pass link: the symbol table (for stack traces) is the image's last
# section, so adding it moves nothing that was linked before it.
$(B)/petrel.elf: $(OBJS) arch/x86/petrel.ld tools/gensyms.py
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -c tools/empty-syms.S -o $(B)/syms0.o
	$(Q)$(LD) $(LDFLAGS) -T arch/x86/petrel.ld -o $(B)/petrel.0.elf $(OBJS) $(B)/syms0.o
	$(Q)$(NM) -n $(B)/petrel.0.elf | $(PYTHON) tools/gensyms.py > $(B)/syms.S
	$(Q)$(CC) $(CFLAGS) -c $(B)/syms.S -o $(B)/syms.o
	$(Q)$(LD) $(LDFLAGS) -T arch/x86/petrel.ld -o $@ $(OBJS) $(B)/syms.o
	@$(NM) -n $(B)/petrel.0.elf | grep -Ev ' [a-zA-Z] (__ksym|__image_end)' > $(B)/nm0.txt
	@$(NM) -n $@ | grep -Ev ' [a-zA-Z] (__ksym|__image_end)' > $(B)/nm1.txt
	@cmp -s $(B)/nm0.txt $(B)/nm1.txt || { echo "symbol table moved code"; exit 1; }

# ---- dom0 (issue 6): the control domain and its initrd, on the ISO ----
# guests.mk first: dom0 links the test guests' runtime.
include test/guests/guests.mk
include tools/dom0/dom0.mk
# make install / uninstall / deb (docs/install.md)
include tools/install/install.mk

iso: $(B)/petrel.iso
$(B)/petrel.iso: $(B)/petrel.elf tools/mkiso $(DOM0_ISO_FILES)
	tools/mkiso $(B)/petrel.elf $@ $(DOM0_ISO_ARGS)
# ---- end dom0 ----

deps:
	tools/install-deps

# dom0's disk under make run: made once, kept between runs (make clean
# removes it); vda1 16 MiB, vda2 32 MiB. make run also builds make linux
# (Debian's kernel, fetched once) and boots the ISO with it and two RAM
# disks (tools/dom0/dom0.mk, RUN_LINUX_ISO); where make linux fails (no
# Debian repositories) it says so and boots build/petrel.iso, without it.
RUN_DISK := $(B)/run-disk.img
run: deps
	$(MAKE) iso
	@[ -f $(RUN_DISK) ] || tools/mkdisk $(RUN_DISK) 64 16 32
	@if $(MAKE) linux $(RUN_LINUX_ISO); then iso=$(RUN_LINUX_ISO); else \
		echo "make run: make linux failed: booting $(B)/petrel.iso, without the Linux guest"; \
		iso=$(B)/petrel.iso; fi; \
		echo "tools/run-qemu $$iso --disk $(RUN_DISK) --net"; \
		tools/run-qemu $$iso --disk $(RUN_DISK) --net

# ---- tests -------------------------------------------------------------

# Each test/unit/*.mk adds a name to UNIT_TESTS and sets <name>_SRCS.
UNIT_TESTS :=
include $(wildcard test/unit/*.mk)
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Iinclude -Itest/unit -fsanitize=address,undefined -fno-sanitize-recover=all
define unit_rule
$(B)/unit/$(1): $$($(1)_SRCS) test/unit/stubs.c test/unit/stubs.h include/petrel/*.h
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  HOSTCC  $$@")
	$$(Q)$$(HOSTCC) $$(HOST_CFLAGS) -o $$@ $$($(1)_SRCS) test/unit/stubs.c -lcmocka
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(addprefix $(B)/unit/,$(UNIT_TESTS))
	$(PYTHON) test/run-unit.py $(addprefix $(B)/unit/,$(UNIT_TESTS)) $(wildcard test/unit/test_*.py)

test: deps
	$(MAKE) all guests iso unit-build linux
	$(PYTHON) test/run-all.py

unit-build: $(addprefix $(B)/unit/,$(UNIT_TESTS))

# Hot paths (test/bench.py), then issue 7's block and network figures
# (test/bench-io.py), then issue 9's Linux guest: boot time and dd
# (test/bench-linux.py, which needs make linux); fails if any does.
bench: deps
	$(MAKE) all linux
	$(PYTHON) test/bench.py; rc=$$?; $(PYTHON) test/bench-io.py || rc=1; \
		$(PYTHON) test/bench-linux.py || rc=1; exit $$rc

clean:
	rm -rf $(B)

# -type f: a test's install tree under build/ holds etc/grub.d, a directory;
# build/linux holds Debian's unpacked packages.
-include $(shell find $(B) -name '*.d' -type f -not -path '$(B)/linux/*' 2>/dev/null)
