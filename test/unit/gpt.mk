# SPDX-License-Identifier: MIT
# GUID partition tables as dom0 reads them (tools/dom0/gpt.c).
UNIT_TESTS += test_gpt
test_gpt_SRCS := test/unit/test_gpt.c tools/dom0/gpt.c
$(B)/unit/test_gpt: tools/dom0/gpt.h
