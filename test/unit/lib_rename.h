/* SPDX-License-Identifier: MIT */
/*
 * Host builds only: give Petrel's C library petrel_ names, so that a test
 * binary links it beside the host libc (which the sanitizers, cmocka and
 * stubs.c go on using) and can compare the two. Include it before
 * <petrel/lib.h> and after any host header that declares these names.
 */
#ifndef TEST_LIB_RENAME_H
#define TEST_LIB_RENAME_H

#define memcpy      petrel_memcpy
#define memmove     petrel_memmove
#define memset      petrel_memset
#define memcmp      petrel_memcmp
#define strlen      petrel_strlen
#define strnlen     petrel_strnlen
#define strcmp      petrel_strcmp
#define strncmp     petrel_strncmp
#define strchr      petrel_strchr
#define vsnprintf   petrel_vsnprintf
#define snprintf    petrel_snprintf

#endif
