# SPDX-License-Identifier: MIT
# The xenstore daemon library (tools/xenstored/) on the host: the store,
# permissions, transactions, watches and quotas (test_xenstore_store), the
# wire protocol, rings and domains (test_xenstore_proto), with fake guests
# (xs_fake.c). Before they are built, each library file must also compile
# the way dom0 builds it: freestanding, -nostdinc, -DXS_FREESTANDING.
XS_SRCS := $(wildcard tools/xenstored/*.c)
XS_HDRS := $(wildcard tools/xenstored/*.h) include/public/io/xs_wire.h include/public/errno.h

UNIT_TESTS += test_xenstore_store test_xenstore_proto
test_xenstore_store_SRCS := test/unit/test_xenstore_store.c test/unit/xs_fake.c $(XS_SRCS)
test_xenstore_proto_SRCS := test/unit/test_xenstore_proto.c test/unit/xs_fake.c $(XS_SRCS)
$(B)/unit/test_xenstore_store $(B)/unit/test_xenstore_proto: test/unit/xs_fake.h $(XS_HDRS) \
	$(B)/unit/xenstored_freestanding.ok

$(B)/unit/xenstored_freestanding.ok: $(XS_SRCS) $(XS_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CHECK   tools/xenstored/*.c (freestanding)")
	$(Q)for f in $(XS_SRCS); do \
		$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -DXS_FREESTANDING -fsyntax-only $$f || exit 1; \
	done
	$(Q)touch $@
