/*
 * CPU exceptions: dispatch, and the report of the ones nobody handles.
 *
 * x86_exception() is deliberately small: a handler registered for the
 * vector (idt_set_handler) gets it, otherwise the exception is fatal.
 * The fatal path first offers the fault to the fault fixture (a
 * self-test that expects a fault and resumes, fault_fixture.c); with no
 * fixture armed that is a no-op, so every other fault still dies.
 *
 * The report says, one fact per line at LOGLEVEL_EMERG: which exception,
 * the error code (decoded for page faults) and CR2, every register with
 * RIP symbolised, the control registers, then the interrupted call chain,
 * and ends in die() with a one-line reason. A fault while reporting
 * (the report itself touching bad memory) is caught by a recursion guard
 * that writes a minimal line straight to the UART and leaves QEMU.
 */
#include <lib/compiler.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/string.h>
#include <kernel/panic.h>
#include <kernel/verdict.h>
#include <kernel/fault_explain.h>
#include <asm/ctrlregs.h>
#include <asm/platform.h>
#include "serial.h"
#include "stack_guard.h"
#include "stacktrace.h"
#include "traps.h"
#include "idt.h"

struct exception_info {
	const char *mnemonic;
	const char *name;
};

static const struct exception_info exceptions[32] = {
	[0]  = { "DE", "divide error" },
	[1]  = { "DB", "debug exception" },
	[2]  = { "NMI", "non-maskable interrupt" },
	[3]  = { "BP", "breakpoint" },
	[4]  = { "OF", "overflow" },
	[5]  = { "BR", "bound range exceeded" },
	[6]  = { "UD", "invalid opcode" },
	[7]  = { "NM", "device not available" },
	[8]  = { "DF", "double fault" },
	[9]  = { "CSO", "coprocessor segment overrun" },
	[10] = { "TS", "invalid TSS" },
	[11] = { "NP", "segment not present" },
	[12] = { "SS", "stack-segment fault" },
	[13] = { "GP", "general protection fault" },
	[14] = { "PF", "page fault" },
	[16] = { "MF", "x87 floating-point error" },
	[17] = { "AC", "alignment check" },
	[18] = { "MC", "machine check" },
	[19] = { "XM", "SIMD floating-point exception" },
	[20] = { "VE", "virtualization exception" },
	[21] = { "CP", "control protection exception" },
	[28] = { "HV", "hypervisor injection exception" },
	[29] = { "VC", "VMM communication exception" },
	[30] = { "SX", "security exception" },
};

static const char *vector_name(uint64_t vector)
{
	if (vector >= X86_TRAP_FIRST_IRQ)
		return "unexpected interrupt";
	if (!exceptions[vector].name)
		return "reserved exception";
	return exceptions[vector].name;
}

void x86_exception(struct pt_regs *regs)
{
	idt_handler_t fn = idt_handler(regs->vector);

	if (fn) {
		fn(regs);
		return;
	}
	x86_fatal_exception(regs);
}

static void raw_hex(uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[18] = "0x";

	for (int i = 0; i < 16; i++)
		buf[2 + i] = digits[(v >> (60 - 4 * i)) & 0xf];
	serial_write(buf, sizeof(buf));
}

static void raw_puts(const char *s)
{
	serial_write(s, strlen(s));
}

/* A fault inside the report: no printk, no formatter, just the UART. */
static __noreturn void nested_fault(const struct pt_regs *regs)
{
	raw_puts("\nzdk: exception ");
	raw_hex(regs->vector);
	raw_puts(" at RIP ");
	raw_hex(regs->rip);
	raw_puts(" while reporting an exception\n");
	arch_debug_exit(VERDICT_CRASH);
}

static void print_page_fault(uint64_t err, uint64_t cr2)
{
	const char *access = err & X86_PF_INSTR ? "instruction fetch" :
			     err & X86_PF_WRITE ? "write" : "read";

	pr_emerg("page fault address (CR2): 0x%lx", cr2);
	pr_emerg("page fault cause: %s, %s access, %s mode%s%s",
		 err & X86_PF_PROT ? "protection violation" : "page not present",
		 access, err & X86_PF_USER ? "user" : "kernel",
		 err & X86_PF_RSVD ? ", reserved bit set" : "",
		 err & X86_PF_PK ? ", protection key" : "");
}

static void print_registers(const struct pt_regs *r, uint64_t cr2)
{
	pr_emerg("RIP: %04lx:%016lx %pS", r->cs, r->rip, (void *)r->rip);
	pr_emerg("RSP: %04lx:%016lx RFLAGS: %08lx", r->ss, r->rsp, r->rflags);
	pr_emerg("RAX: %016lx RBX: %016lx RCX: %016lx", r->rax, r->rbx, r->rcx);
	pr_emerg("RDX: %016lx RSI: %016lx RDI: %016lx", r->rdx, r->rsi, r->rdi);
	pr_emerg("RBP: %016lx R08: %016lx R09: %016lx", r->rbp, r->r8, r->r9);
	pr_emerg("R10: %016lx R11: %016lx R12: %016lx", r->r10, r->r11, r->r12);
	pr_emerg("R13: %016lx R14: %016lx R15: %016lx", r->r13, r->r14, r->r15);
	pr_emerg("CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx",
		 read_cr0(), cr2, read_cr3(), read_cr4());
}

void (*x86_fault_catcher)(const struct pt_regs *regs, uint64_t cr2);

__noreturn void x86_fatal_exception(struct pt_regs *regs)
{
	static bool reporting;
	uint64_t cr2 = read_cr2();	/* before anything can fault again */
	uint64_t vec = regs->vector;
	char reason[160];

	{
		void (*catcher)(const struct pt_regs *, uint64_t) =
			__atomic_load_n(&x86_fault_catcher, __ATOMIC_ACQUIRE);

		if (catcher)
			catcher(regs, cr2);
	}
	if (reporting)
		nested_fault(regs);
	reporting = true;

	if (vec < X86_TRAP_FIRST_IRQ)
		pr_emerg("CPU exception: %s (#%s), vector %lu, error code 0x%lx",
			 vector_name(vec), exceptions[vec].mnemonic ?: "?",
			 vec, regs->error_code);
	else
		pr_emerg("unexpected interrupt %lu (no handler registered)", vec);
	if (vec == X86_TRAP_PF)
		print_page_fault(regs->error_code, cr2);
	if ((vec == X86_TRAP_PF || vec == X86_TRAP_DF) && stack_guard_page(cr2))
		pr_emerg("CR2 0x%lx is a stack guard page: a kernel stack overflowed", cr2);
	if (vec == X86_TRAP_PF)
		fault_explain(cr2);	/* e.g. a device range removed under a user */
	print_registers(regs, cr2);
	dump_stack_regs(regs);

	if (vec == X86_TRAP_PF)
		snprintf(reason, sizeof(reason), "page fault at 0x%lx (RIP %pS)",
			 cr2, (void *)regs->rip);
	else if (vec >= X86_TRAP_FIRST_IRQ)
		snprintf(reason, sizeof(reason), "unexpected interrupt %lu (RIP %pS)",
			 vec, (void *)regs->rip);
	else
		snprintf(reason, sizeof(reason), "%s, error code 0x%lx (RIP %pS)",
			 vector_name(vec), regs->error_code, (void *)regs->rip);
	die(reason);
}
