# SPDX-License-Identifier: MIT
# Petrel's C library (string functions, vsnprintf, parse_u64) against the
# host libc. The library is built under petrel_ names: see lib_rename.h.
UNIT_TESTS += test_lib
test_lib_SRCS := test/unit/test_lib.c test/unit/lib_renamed.c
$(B)/unit/test_lib: common/string.c common/vsnprintf.c test/unit/lib_rename.h
