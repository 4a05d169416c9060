# SPDX-License-Identifier: MIT
# dom0's xenbus (tools/dom0/xenbus.c) on the xenstored library: watches and
# their dispatch, the backend registry's probe, state changes and removal,
# with a fake guest writing its frontend's keys through its ring.
UNIT_TESTS += test_xenbus
test_xenbus_SRCS := test/unit/test_xenbus.c tools/dom0/xenbus.c test/unit/xs_fake.c \
	$(wildcard tools/xenstored/*.c)
$(B)/unit/test_xenbus: tools/dom0/xenbus.h test/unit/xs_fake.h \
	$(wildcard tools/xenstored/*.h)
