/* SPDX-License-Identifier: MIT */
/*
 * Petrel's debug keys (common/keyhandler.c): single keys typed on the
 * serial console while input is switched to Petrel (docs/console.md).
 */
#ifndef PETREL_KEYHANDLER_H
#define PETREL_KEYHANDLER_H

struct cpu_regs;

/*
 * Run the handler of 'key' (an unknown key is named, with a hint to 'h').
 * 'regs': the context the console input interrupted, or NULL. Called by
 * the console input path on the boot CPU with interrupts off; the handlers
 * take the locks of what they show (never one an interrupt handler holds)
 * and print bounded output.
 */
void keyhandler_run(char key, const struct cpu_regs *regs);

/*
 * Have every online CPU print its own registers, the vCPU it runs and a
 * stack trace (arch/x86/cpu_dump.c): by IPI, one CPU at a time, waiting a
 * bounded time for each. 'regs' as above, for the calling CPU.
 */
void arch_dump_cpus(const struct cpu_regs *regs);

#endif
