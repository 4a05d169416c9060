# SPDX-License-Identifier: MIT
# Test guests: tiny PVH kernels, one per behaviour (docs/test-guests.md).
# Included from the top Makefile. `make guests` builds build/guests/<name>.elf
# for each test/guests/<name>.c, linked with the framework in lib/.

GUEST_NAMES := $(sort $(basename $(notdir $(wildcard test/guests/*.c))))
GUEST_ELFS  := $(addprefix $(B)/guests/,$(addsuffix .elf,$(GUEST_NAMES)))
# The runtime dom0 links too; the test runner's files are below.
guest-runtime-y := head.o entry.o start.o traps.o hypercall.o printf.o string.o edu.o \
	pagetable.o xen.o evtchn.o smp.o apic.o
GUEST_RUNTIME := $(addprefix $(B)/guests/lib/,$(guest-runtime-y))
# The test runner's own: the PV console and the xenstore client, which
# dom0 (the backend side) does not link.
guest-runner-y := main.o pvcons.o xsc.o
# The frontends (grant table, blkfront) in an archive: a guest links only
# what it calls (blkfront's pages would otherwise be in every guest).
guest-front-y := gnttab.o blkfront.o netfront.o
GUEST_FRONT := $(B)/guests/lib/libfront.a
GUEST_LIB   := $(addprefix $(B)/guests/lib/,$(guest-runner-y)) $(GUEST_RUNTIME) $(GUEST_FRONT)

$(GUEST_FRONT): $(addprefix $(B)/guests/lib/,$(guest-front-y))
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The hypervisor's freestanding style, linked low: -mcmodel=small.
# -fno-tree-loop-distribute-patterns keeps memset() from calling itself;
# -fno-delete-null-pointer-checks: guest-physical 0 is memory like any other.
GUEST_CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdinc -fno-pic \
	-fno-pie -mcmodel=small -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-common \
	-fno-tree-loop-distribute-patterns -fno-delete-null-pointer-checks \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -Itest/guests/lib -MMD -MP
GUEST_LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T test/guests/lib/guest.ld

.PHONY: guests
guests: $(GUEST_ELFS)

$(B)/guests/lib/%.o: test/guests/lib/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(B)/guests/lib/%.o: test/guests/lib/%.S
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(B)/guests/%.o: test/guests/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -DGUEST_NAME='"$*"' -c $< -o $@

$(B)/guests/%.elf: $(B)/guests/%.o $(GUEST_LIB) test/guests/lib/guest.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_LIB)

# Keep the objects: they are intermediate files of a chain, which make
# would otherwise delete.
.SECONDARY: $(GUEST_LIB) $(GUEST_ELFS:.elf=.o)
