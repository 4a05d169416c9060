/* SPDX-License-Identifier: MIT */
/* Petrel's C library built for the host under petrel_ names (lib_rename.h). */
#include "lib_rename.h"
#include "../../common/string.c"
#include "../../common/vsnprintf.c"
