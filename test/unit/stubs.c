/* SPDX-License-Identifier: MIT */
/* Host-side stand-ins for hypervisor services (see stubs.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <petrel/printk.h>
#include <petrel/mm.h>
#include <petrel/panic.h>
#include <petrel/spinlock.h>
#include "stubs.h"

char stub_log[65536];
unsigned int stub_log_warnings;
uint8_t *stub_phys_base;
static uint64_t stub_phys_size;

void stub_log_reset(void)
{
    stub_log[0] = 0;
    stub_log_warnings = 0;
}

bool stub_log_contains(const char *needle)
{
    return strstr(stub_log, needle) != NULL;
}

void printk(const char *fmt, ...)
{
    size_t used = strlen(stub_log);
    va_list ap;

    if (fmt[0] == '\001' && fmt[1]) {
        if (fmt[1] <= '1')
            stub_log_warnings++;
        fmt += 2;
    }
    va_start(ap, fmt);
    if (used < sizeof(stub_log) - 1)
        vsnprintf(stub_log + used, sizeof(stub_log) - used, fmt, ap);
    va_end(ap);
    if (getenv("UNIT_VERBOSE")) {
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    }
}

void stub_phys_init(uint64_t size)
{
    if (stub_phys_base)
        munmap(stub_phys_base, stub_phys_size);
    stub_phys_base = mmap(NULL, size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stub_phys_base == MAP_FAILED) {
        perror("mmap");
        abort();
    }
    stub_phys_size = size;
}

void *phys_to_virt(paddr_t pa)
{
    if (!stub_phys_base || pa >= stub_phys_size) {
        fprintf(stderr, "phys_to_virt(%#llx) outside the fake space\n",
                (unsigned long long)pa);
        abort();
    }
    return stub_phys_base + pa;
}

paddr_t virt_to_phys(const void *va)
{
    const uint8_t *p = va;

    if (p < stub_phys_base || p >= stub_phys_base + stub_phys_size) {
        fprintf(stderr, "virt_to_phys(%p) outside the fake space\n", va);
        abort();
    }
    return (paddr_t)(p - stub_phys_base);
}

/* The heap and the frame allocator take a spinlock; single-threaded here. */
void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "panic: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

unsigned long arch_irq_save(void)
{
    return 0;
}

void arch_irq_restore(unsigned long flags)
{
    (void)flags;
}

void expect_panic(void (*fn)(void))
{
    int status;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);

        dup2(fd, STDERR_FILENO);
        fn();
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}
