/*
 * The fault fixture on x86 (lib/tests/fault_fixture.h).
 *
 * fault_fixture_run() installs fault_fixture_catch() as the traps'
 * catcher (x86_fault_catcher, traps.h), saves its registers with
 * arch_setjmp(), arms the fixture and calls fn. x86_fatal_exception()
 * asks the catcher first: for a kernel-mode #PF or #GP while armed, it records the fault,
 * disarms, and arch_longjmp()s back into fault_fixture_run(), abandoning
 * fn's frames and the exception frame below them (neither IST stack is
 * involved: #PF and #GP run on the stack that faulted). Everything else,
 * and everything while unarmed, goes on to the fatal report unchanged.
 *
 * The exception entered through an interrupt gate, so interrupts are off
 * when we land; they are restored to what the faulting code had.
 *
 * One fixture at a time, armed on one CPU: a fault on another CPU is
 * not its to catch.
 */
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/tests/fault_fixture.h>
#include <lib/string.h>
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <asm/setjmp.h>
#include "../traps.h"

#define RFLAGS_IF	(1UL << 9)

static struct {
	bool armed;
	arch_jmp_buf resume;
	struct fault_info *out;
	uint64_t frame_rsp;	/* fault_fixture_run()'s stack: faults come from below */
	bool irqs_were_on;
	unsigned int cpu;	/* the CPU it is armed on: faults elsewhere are not its */
} fixture;

static void fault_fixture_catch(const struct pt_regs *regs, uint64_t cr2)
{
	struct fault_info *f = fixture.out;

	if (!fixture.armed || fixture.cpu != smp_processor_id() || user_mode(regs) ||
	    regs->rsp >= fixture.frame_rsp)
		return;
	if (regs->vector != X86_TRAP_PF && regs->vector != X86_TRAP_GP)
		return;

	fixture.armed = false;
	*f = (struct fault_info){
		.kind = regs->vector == X86_TRAP_PF ? FAULT_PAGE : FAULT_GENERAL,
		.ip = regs->rip,
		.vector = regs->vector,
		.error_code = regs->error_code,
	};
	if (regs->vector == X86_TRAP_PF) {
		f->addr = cr2;
		f->protection = regs->error_code & X86_PF_PROT;
		f->write = regs->error_code & X86_PF_WRITE;
		f->exec = regs->error_code & X86_PF_INSTR;
	}
	fixture.irqs_were_on = regs->rflags & RFLAGS_IF;
	arch_longjmp(fixture.resume, 1);
}

int fault_fixture_run(void (*fn)(void *arg), void *arg, struct fault_info *out)
{
	if (fixture.armed)
		return -EBUSY;
	/* the fatal-exception path asks us first from now on */
	__atomic_store_n(&x86_fault_catcher, fault_fixture_catch, __ATOMIC_RELEASE);
	memset(out, 0, sizeof(*out));
	fixture.out = out;
	fixture.cpu = smp_processor_id();
	fixture.frame_rsp = (uint64_t)__builtin_frame_address(0);

	if (arch_setjmp(fixture.resume) == 0) {
		__atomic_store_n(&fixture.armed, true, __ATOMIC_SEQ_CST);
		fn(arg);
		__atomic_store_n(&fixture.armed, false, __ATOMIC_SEQ_CST);
		return 0;
	}
	/* landed from fault_fixture_catch() */
	if (fixture.irqs_were_on)
		arch_irq_enable();
	return 1;
}

