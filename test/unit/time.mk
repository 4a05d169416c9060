# SPDX-License-Identifier: MIT
# Guest time's pure parts: the CMOS RTC's register formats (drivers/rtc.c)
# and the periodic timer's next tick (include/petrel/time.h).
UNIT_TESTS += test_time
test_time_SRCS := test/unit/test_time.c drivers/rtc.c
$(B)/unit/test_time: include/x86/rtc.h
