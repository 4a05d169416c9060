# SPDX-License-Identifier: MIT
# blkback's protocol core (tools/backends/blkif_back.c): the ring against
# hostile indexes and every request field.
UNIT_TESTS += test_blkif_back
test_blkif_back_SRCS := test/unit/test_blkif_back.c tools/backends/blkif_back.c
$(B)/unit/test_blkif_back: tools/backends/blkif_back.h include/public/io/blkif.h \
	include/public/io/ring.h
