# SPDX-License-Identifier: MIT
# The guest ABI headers (include/public/). Before the test is built, each
# header must compile on its own three ways: for the host, with the
# hypervisor's freestanding flags, and as 32-bit freestanding code (their
# layouts, checked by _Static_assert inside them, must not change).
UNIT_TESTS += test_public_abi
test_public_abi_SRCS := test/unit/test_public_abi.c
PUBLIC_HEADERS := $(sort $(wildcard include/public/*.h include/public/*/*.h))
PUBLIC_CHECK_FLAGS := -std=gnu11 -fsyntax-only -Wall -Wextra -Werror -Iinclude
$(B)/unit/test_public_abi: $(B)/unit/public_headers.ok
$(B)/unit/public_headers.ok: $(PUBLIC_HEADERS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CHECK   include/public/*.h (host, freestanding, -m32)")
	$(Q)for h in $(PUBLIC_HEADERS); do \
		$(HOSTCC) $(PUBLIC_CHECK_FLAGS) -x c $$h || exit 1; \
		$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -fsyntax-only -x c $$h || exit 1; \
		$(HOSTCC) $(PUBLIC_CHECK_FLAGS) -m32 -ffreestanding -x c $$h || exit 1; \
	done
	$(Q)touch $@
