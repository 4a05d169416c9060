# SPDX-License-Identifier: MIT
# The command-line parser. lib_renamed.c brings parse_u64(); the rest of
# Petrel's library stays under petrel_ names so as not to clash with libc.
UNIT_TESTS += test_cmdline
test_cmdline_SRCS := test/unit/test_cmdline.c common/cmdline.c \
	test/unit/lib_renamed.c
$(B)/unit/test_cmdline: common/string.c common/vsnprintf.c \
	test/unit/lib_rename.h
