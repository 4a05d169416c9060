# SPDX-License-Identifier: MIT
# make install / make uninstall / make deb (docs/install.md). Included from
# the top Makefile, after dom0.mk.
#
#   make install [DESTDIR=dir] [PREFIX=/usr/local]
#     $(DESTDIR)/boot/petrel-V.elf, petrel-dom0-V.elf, petrel-initrd-V.cpio
#       (V: tools/version) and the symlinks petrel.elf, petrel-dom0.elf,
#       petrel-initrd.cpio to them;
#     $(DESTDIR)/etc/grub.d/20_petrel, the GRUB menu entries;
#     $(DESTDIR)/etc/default/petrel, their options (kept if present);
#     $(DESTDIR)$(PREFIX)/share/doc/petrel/, dom0's and hv's documentation.
#   make uninstall: removes the same files of the same V (the symlinks only
#     while they point at V; /etc/default/petrel only while unchanged), and
#     under a DESTDIR the directories left empty.
#   make deb: build/petrel_V_amd64.deb (tools/install/mkdeb).
# Nothing here runs update-grub: that is for the user, or the .deb's
# postinst.

PREFIX  ?= /usr/local
DESTDIR ?=
PETREL_VERSION := $(shell tools/version)
V_ := $(PETREL_VERSION)

INST_BOOT  := $(DESTDIR)/boot
INST_GRUBD := $(DESTDIR)/etc/grub.d
INST_DEF   := $(DESTDIR)/etc/default
INST_DOC   := $(DESTDIR)$(PREFIX)/share/doc/petrel
INST_DOCS  := README.md docs/install.md docs/dom0.md docs/toolstack.md docs/command-line.md \
	docs/console.md docs/block.md docs/network.md
# What goes to /boot: installed name (without -V) = built file.
INST_IMAGES := petrel.elf=$(B)/petrel.elf petrel-dom0.elf=$(DOM0_ELF) \
	petrel-initrd.cpio=$(DOM0_INITRD)
inst_name = $(firstword $(subst =, ,$(1)))
inst_file = $(lastword $(subst =, ,$(1)))
inst_ver  = $(basename $(call inst_name,$(1)))-$(V_)$(suffix $(call inst_name,$(1)))

.PHONY: install uninstall deb version
version:
	@echo $(PETREL_VERSION)

install: $(B)/petrel.elf $(DOM0_ELF) $(DOM0_INITRD)
	@case "$(PETREL_VERSION)" in ""|*[!A-Za-z0-9.+~-]*) \
		echo "install: bad version '$(PETREL_VERSION)' (tools/version)"; exit 1;; esac
	install -d -m 755 $(INST_BOOT) $(INST_GRUBD) $(INST_DEF) $(INST_DOC)
	$(foreach i,$(INST_IMAGES),install -m 644 $(call inst_file,$(i)) $(INST_BOOT)/$(call inst_ver,$(i)) && \
		ln -sfn $(call inst_ver,$(i)) $(INST_BOOT)/$(call inst_name,$(i)) && ) true
	install -m 755 tools/install/20_petrel $(INST_GRUBD)/20_petrel
	@if [ -e $(INST_DEF)/petrel ]; then \
		echo "install: $(INST_DEF)/petrel kept as it is"; \
	else \
		echo "install -m 644 tools/install/petrel.default $(INST_DEF)/petrel"; \
		install -m 644 tools/install/petrel.default $(INST_DEF)/petrel; \
	fi
	install -m 644 $(INST_DOCS) $(INST_DOC)/
	@echo "install: Petrel $(PETREL_VERSION) installed; run update-grub for its menu entry"

uninstall:
	$(foreach i,$(INST_IMAGES),rm -f $(INST_BOOT)/$(call inst_ver,$(i)) && \
		{ [ "$$(readlink $(INST_BOOT)/$(call inst_name,$(i)))" != $(call inst_ver,$(i)) ] || \
		  rm -f $(INST_BOOT)/$(call inst_name,$(i)); } && ) true
	rm -f $(INST_GRUBD)/20_petrel
	@if [ -e $(INST_DEF)/petrel ] && ! cmp -s tools/install/petrel.default $(INST_DEF)/petrel; then \
		echo "uninstall: $(INST_DEF)/petrel was changed: kept"; \
	else \
		echo "rm -f $(INST_DEF)/petrel"; rm -f $(INST_DEF)/petrel; \
	fi
	rm -f $(addprefix $(INST_DOC)/,$(notdir $(INST_DOCS)))
	-rmdir $(INST_DOC) 2>/dev/null
	@# Under a DESTDIR only: the directories install made, if now empty.
	$(if $(DESTDIR),-rmdir $(INST_GRUBD) $(INST_DEF) $(DESTDIR)/etc $(INST_BOOT) \
		$(DESTDIR)$(PREFIX)/share/doc $(DESTDIR)$(PREFIX)/share $(DESTDIR)$(PREFIX) 2>/dev/null; \
		d=$(DESTDIR)$(PREFIX); while [ "$$d" != $(DESTDIR) ] && [ "$$d" != / ]; do \
			d=$$(dirname $$d); [ "$$d" = $(DESTDIR) ] || rmdir $$d 2>/dev/null || break; done; true)

# The .deb: the same files (PREFIX=/usr), staged in build/deb/root.
DEB := $(B)/petrel_$(V_)_amd64.deb
deb: $(B)/petrel.elf $(DOM0_ELF) $(DOM0_INITRD)
	rm -rf $(B)/deb $(B)/petrel_*_amd64.deb
	$(MAKE) -s install DESTDIR=$(abspath $(B)/deb/root) PREFIX=/usr
	tools/install/mkdeb $(B)/deb/root $(PETREL_VERSION) $(DEB)
