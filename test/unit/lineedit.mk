# SPDX-License-Identifier: MIT
# dom0's console line editor (tools/dom0/lineedit.c), fed bytes.
UNIT_TESTS += test_lineedit
test_lineedit_SRCS := test/unit/test_lineedit.c tools/dom0/lineedit.c
$(B)/unit/test_lineedit: tools/dom0/lineedit.h
