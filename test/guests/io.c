/* SPDX-License-Identifier: MIT */
/*
 * Test guest io: port I/O to ports nothing claims. Reads return all ones,
 * writes are dropped, string I/O moves RCX, RSI and RDI as the CPU would.
 * Both encodings are used: port in an immediate byte and port in DX.
 */
#include "test.h"
#include "x86.h"

TEST_TITLE("unassigned I/O ports read as all ones and ignore writes");

#define PORT_IMM        0xe0    /* no device on a PC; fits the imm8 form */

/* 0xcfc is PCI configuration data; 0xcf8 is never written here. */
static const uint16_t ports[] = { 0x1234, 0x2f0, 0xcfc };

static void check_dx_reads(uint16_t port, const char *when)
{
    uint8_t b;
    uint16_t w;
    uint32_t l;

    asm volatile("inb %%dx, %%al" : "=a"(b) : "d"(port));
    asm volatile("inw %%dx, %%ax" : "=a"(w) : "d"(port));
    asm volatile("inl %%dx, %%eax" : "=a"(l) : "d"(port));
    printf("port %#x %s: inb %#x inw %#x inl %#x\n", port, when, b, w, l);
    CHECK_EQ(b, 0xff);
    CHECK_EQ(w, 0xffff);
    CHECK_EQ(l, 0xffffffff);
}

static void check_dx(uint16_t port)
{
    check_dx_reads(port, "before writes");
    asm volatile("outb %%al, %%dx" :: "a"(0x5a), "d"(port));
    asm volatile("outw %%ax, %%dx" :: "a"(0x1234), "d"(port));
    asm volatile("outl %%eax, %%dx" :: "a"(0x89abcdef), "d"(port));
    check_dx_reads(port, "after writes");
}

static void check_imm8(void)
{
    uint8_t b;
    uint16_t w;
    uint32_t l;

    asm volatile("outb %%al, %[p]" :: "a"(0x5a), [p] "i"(PORT_IMM));
    asm volatile("outw %%ax, %[p]" :: "a"(0x1234), [p] "i"(PORT_IMM));
    asm volatile("outl %%eax, %[p]" :: "a"(0x89abcdef), [p] "i"(PORT_IMM));
    asm volatile("inb %[p], %%al" : "=a"(b) : [p] "i"(PORT_IMM));
    asm volatile("inw %[p], %%ax" : "=a"(w) : [p] "i"(PORT_IMM));
    asm volatile("inl %[p], %%eax" : "=a"(l) : [p] "i"(PORT_IMM));
    printf("port %#x (imm8): inb %#x inw %#x inl %#x\n", PORT_IMM, b, w, l);
    CHECK_EQ(b, 0xff);
    CHECK_EQ(w, 0xffff);
    CHECK_EQ(l, 0xffffffff);
}

/* rep insb/insw into the middle of a guarded buffer, forwards and (DF=1)
 * backwards; the guard bytes must stay as they were. */
static void check_ins(void)
{
    uint8_t buf[48];
    uint64_t rcx, rdi;
    bool ok = true;

    memset(buf, 0, sizeof(buf));
    rcx = 16;
    rdi = (uintptr_t)&buf[16];
    asm volatile("rep insb" : "+c"(rcx), "+D"(rdi) : "d"(ports[0]) : "memory");
    CHECK_EQ(rcx, 0);
    CHECK_EQ(rdi, (uintptr_t)&buf[32]);
    for (int i = 0; i < 48; i++)
        ok &= buf[i] == (i >= 16 && i < 32 ? 0xff : 0);
    CHECK(ok);

    memset(buf, 0, sizeof(buf));
    rcx = 4;
    rdi = (uintptr_t)&buf[30];
    asm volatile("std\n\trep insw\n\tcld"
                 : "+c"(rcx), "+D"(rdi) : "d"(ports[1]) : "memory");
    CHECK_EQ(rcx, 0);
    CHECK_EQ(rdi, (uintptr_t)&buf[22]);
    ok = true;
    for (int i = 0; i < 48; i++)
        ok &= buf[i] == (i >= 24 && i < 32 ? 0xff : 0);
    CHECK(ok);
    printf("rep insb / std; rep insw: %s\n", ok ? "all ones, guards intact" : "wrong");
}

static void check_outs(void)
{
    static const char data[16] = "0123456789abcdef";
    uint64_t rcx = sizeof(data), rsi = (uintptr_t)data;

    asm volatile("rep outsb" : "+c"(rcx), "+S"(rsi) : "d"(ports[0]) : "memory");
    CHECK_EQ(rcx, 0);
    CHECK_EQ(rsi, (uintptr_t)data + sizeof(data));
    check_dx_reads(ports[0], "after rep outsb");
}

void test_main(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++)
        check_dx(ports[i]);
    check_imm8();
    check_ins();
    check_outs();
}
