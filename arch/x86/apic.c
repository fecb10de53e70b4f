/*
 * The local APIC: access, per-CPU setup, the periodic timer, IPIs.
 *
 * Access. In xAPIC mode the registers are a 4 KiB MMIO page at the
 * address IA32_APIC_BASE holds (0xfee00000, as the MADT says), which
 * memremap_range() maps uncached at its direct-map address (the direct map
 * itself holds only memory: direct_map.c). In x2APIC mode the same registers are MSRs 0x800 +
 * offset/16, the ICR is one 64-bit MSR and IDs are 32 bits. QEMU's TCG
 * has no x2APIC, so the kernel uses the xAPIC; it takes the x2APIC only
 * when the firmware handed over in that mode (leaving it needs a full
 * APIC disable), which happens on big machines under KVM (untested here).
 *
 * Per CPU (apic_setup): task priority 0 (accept everything), LINT0/LINT1
 * and the performance/thermal LVTs masked (no ExtINT from the PIC, no
 * NMIs from outside: an NMI would be reported as fatal anyway), the error
 * LVT to VECTOR_APIC_ERROR, the error status cleared, and software-enable
 * with the spurious vector.
 *
 * Timer. The boot CPU learns the timer's clock (after the divide by 16):
 * from CPUID leaf 0x15's core crystal on bare metal Intel, which feeds the
 * LAPIC timer there (Linux sets lapic_timer_period from it the same way);
 * otherwise by measuring it against the TSC in one short window: count
 * down from 0xffffffff, read the count between two TSC reads at the start
 * and again until the error bound (tsc_calibrate.c, plus the TSC's own)
 * is at most CALIBRATE_TARGET_PPM, for at least CALIBRATE_MIN_US and at
 * most CALIBRATE_MAX_US. Every CPU then runs it periodic at HZ with the
 * same initial count (all LAPIC timers share the bus clock). The handler counts the tick, sends the EOI, then calls
 * timer_tick() (kernel/cpu.h), so a tick that switches threads does not
 * keep the vector in service.
 *
 * IPIs. xAPIC: wait until the previous IPI left (ICR delivery status),
 * write the destination (ICR high), then the command (ICR low), which
 * sends it, with interrupts masked so no handler on this CPU interleaves
 * its own ICR writes. Stores before the ICR write are visible before the
 * IPI arrives: the MMIO write is an uncached store, and x86 keeps stores
 * in order. A WRMSR to the x2APIC is not a store, hence the fence there.
 */
#define pr_fmt(fmt) "lapic: " fmt

#include <cpuid.h>
#include <kernel/cpu.h>
#include <lib/compiler.h>
#include <lib/printk.h>
#include <mm/vmap.h>
#include <drivers/acpi/acpi.h>
#include <asm/barrier.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <lib/vsprintf.h>
#include "apic.h"
#include "idt.h"
#include "tsc.h"

#define MSR_APIC_BASE		0x1b
#define  APIC_BASE_EXTD		(1ULL << 10)	/* x2APIC mode */
#define  APIC_BASE_ENABLE	(1ULL << 11)	/* global enable */
#define  APIC_BASE_ADDR		0x000ffffffffff000ULL
#define MSR_X2APIC_FIRST	0x800

/* Register offsets (the x2APIC MSR is 0x800 + offset / 16). */
#define APIC_ID			0x020
#define APIC_VERSION		0x030
#define APIC_TPR		0x080
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define  SVR_ENABLE		(1u << 8)
#define APIC_ESR		0x280
#define APIC_ICR_LOW		0x300
#define APIC_ICR_HIGH		0x310
#define  ICR_FIXED		0x00000
#define  ICR_INIT		0x00500
#define  ICR_STARTUP		0x00600
#define  ICR_PENDING		(1u << 12)	/* xAPIC: not yet accepted */
#define  ICR_ASSERT		(1u << 14)
#define APIC_LVT_TIMER		0x320
#define  LVT_PERIODIC		(1u << 17)
#define APIC_LVT_THERMAL	0x330
#define APIC_LVT_PERF		0x340
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define  LVT_MASKED		(1u << 16)
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_CURRENT	0x390
#define APIC_TIMER_DIV		0x3e0
#define  TIMER_DIV_16		0x3

#define CALIBRATE_MIN_US	1000
#define CALIBRATE_MAX_US	5000
#define CALIBRATE_TARGET_PPM	500	/* the window's share, beyond the TSC's */
/* Spins on the ICR's delivery status before we call the LAPIC stuck. */
#define ICR_WAIT_SPINS		1000000

DEFINE_PER_CPU(struct cpu_irq_stats, irq_stats);

static volatile uint32_t *xapic;	/* the MMIO page, xAPIC mode */
static bool x2apic;
static uint32_t timer_hz;		/* timer clock after the divider */
static uint32_t timer_initial;		/* count for one tick at HZ */

static uint32_t apic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
	return xapic[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
	else
		xapic[reg / 4] = v;
}

bool apic_x2apic_mode(void)
{
	return x2apic;
}

uint32_t apic_timer_hz(void)
{
	return timer_hz;
}

uint32_t apic_id(void)
{
	return x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static void wait_icr_idle(void)
{
	static bool reported;

	for (unsigned int i = 0; i < ICR_WAIT_SPINS; i++) {
		if (!(apic_read(APIC_ICR_LOW) & ICR_PENDING))
			return;
		cpu_relax();
	}
	if (!reported) {
		reported = true;
		pr_err("CPU %u: the previous IPI is still pending after %u polls "
		       "(ICR 0x%08x); sending anyway", smp_processor_id(),
		       ICR_WAIT_SPINS, apic_read(APIC_ICR_LOW));
	}
}

static void send_icr(uint32_t dest, uint32_t low)
{
	unsigned long flags = arch_irq_save();

	if (x2apic) {
		/* WRMSR is not a store: order earlier stores before it. */
		mb();
		__asm__ volatile("lfence" ::: "memory");
		wrmsr(MSR_X2APIC_FIRST + (APIC_ICR_LOW >> 4), ((uint64_t)dest << 32) | low);
	} else {
		wait_icr_idle();
		apic_write(APIC_ICR_HIGH, dest << 24);
		apic_write(APIC_ICR_LOW, low);	/* this write sends it */
	}
	arch_irq_restore(flags);
}

void apic_send_ipi(uint32_t dest, uint8_t vector)
{
	send_icr(dest, ICR_FIXED | ICR_ASSERT | vector);
}

void apic_send_init(uint32_t dest)
{
	send_icr(dest, ICR_INIT | ICR_ASSERT);
}

void apic_send_sipi(uint32_t dest, uint8_t page)
{
	send_icr(dest, ICR_STARTUP | ICR_ASSERT | page);
}

/* --- interrupt handlers --------------------------------------------------- */

static void timer_interrupt(struct pt_regs *regs)
{
	this_cpu_inc(irq_stats.timer);
	apic_eoi();
	timer_tick();
}

static void spurious_interrupt(struct pt_regs *regs)
{
	this_cpu_inc(irq_stats.spurious);	/* nothing in service: no EOI */
}

static void error_interrupt(struct pt_regs *regs)
{
	uint32_t esr;

	apic_write(APIC_ESR, 0);		/* latch the errors into the ESR */
	esr = apic_read(APIC_ESR);
	this_cpu_inc(irq_stats.error);
	apic_eoi();
	if (this_cpu_read(irq_stats.error) <= 3)
		pr_err("CPU %u: APIC error, ESR 0x%02x", smp_processor_id(), esr);
}

/* --- setup ------------------------------------------------------------------ */

static void apic_setup(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	unsigned int max_lvt;

	if (x2apic && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_EXTD);
	else if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);

	max_lvt = (apic_read(APIC_VERSION) >> 16) & 0xff;
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_LINT1, LVT_MASKED);
	if (max_lvt >= 4)
		apic_write(APIC_LVT_PERF, LVT_MASKED);
	if (max_lvt >= 5)
		apic_write(APIC_LVT_THERMAL, LVT_MASKED);
	apic_write(APIC_LVT_ERROR, VECTOR_APIC_ERROR);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	apic_eoi();		/* in case the firmware left one in service */
}

static void timer_start(void)
{
	if (!timer_initial)
		return;
	apic_write(APIC_TIMER_DIV, TIMER_DIV_16);
	apic_write(APIC_LVT_TIMER, LVT_PERIODIC | VECTOR_TIMER);
	apic_write(APIC_TIMER_INIT, timer_initial);
}

static uint32_t timer_current(void)
{
	return apic_read(APIC_TIMER_CURRENT);
}

/* The timer's clock after /16, measured against the TSC in one window. */
static struct freq_bound measure_timer(uint64_t tsc, uint64_t *window_us)
{
	uint64_t min = tsc * CALIBRATE_MIN_US / 1000000, max = tsc * CALIBRATE_MAX_US / 1000000;
	struct freq_bound f;
	struct tsc_bracket a, b;

	apic_write(APIC_TIMER_DIV, TIMER_DIV_16);
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);	/* one-shot */
	apic_write(APIC_TIMER_INIT, 0xffffffffu);
	tsc_bracket_read(&a, timer_current);
	do {
		do
			tsc_bracket_read(&b, timer_current);
		while (b.before - a.after < min);
		f = tsc_freq_of_counter(&a, &b, a.count - b.count, tsc);
	} while (f.error_ppm > CALIBRATE_TARGET_PPM && b.before - a.after < max);
	apic_write(APIC_TIMER_INIT, 0);
	*window_us = (b.before - a.after) * 1000000 / tsc;
	return f;
}

/* Bare metal Intel with CPUID 0x15's crystal: the timer's clock, else 0. */
static uint64_t crystal_hz(void)
{
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	if (c & (1u << 31))
		return 0;	/* a hypervisor's LAPIC timer runs at its own rate */
	return cpuid_core_crystal_hz();
}

static void calibrate_timer(void)
{
	uint64_t tsc = tsc_hz(), crystal = crystal_hz(), window_us = 0;
	struct freq_bound f;
	char how[96];

	if (crystal) {
		f.hz = crystal / 16;
		f.error_ppm = 0;
		scnprintf(how, sizeof(how), "CPUID 0x15 core crystal %lu Hz / 16", crystal);
	} else if (tsc) {
		f = measure_timer(tsc, &window_us);
		f.error_ppm = f.error_ppm > UINT32_MAX - tsc_error_ppm() ?
			      UINT32_MAX : f.error_ppm + tsc_error_ppm();
		scnprintf(how, sizeof(how), "one window of %lu us against the TSC", window_us);
	} else {
		pr_err("no calibrated TSC to measure the timer against: no timer ticks");
		return;
	}
	if (f.hz < HZ || f.hz > 0xffffffffULL) {
		pr_err("timer clock measured at %lu Hz (%s): implausible, no timer ticks",
		       f.hz, how);
		return;
	}
	timer_hz = (uint32_t)f.hz;
	timer_initial = (uint32_t)(f.hz / HZ);
	pr_info("timer clock %lu.%03lu MHz +- %u ppm after /16 (%s); periodic at %d Hz, count %u",
		f.hz / 1000000, f.hz / 1000 % 1000, f.error_ppm, how, HZ, timer_initial);
}

bool apic_init_boot(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint64_t phys = base & APIC_BASE_ADDR;
	uint64_t madt = acpi_lapic_phys();

	x2apic = base & APIC_BASE_EXTD;
	if (!x2apic) {
		if (madt && madt != phys)
			pr_warn("the MADT says 0x%lx, IA32_APIC_BASE 0x%lx: using the MSR's",
				madt, phys);
		xapic = memremap_range(phys, PAGE_SIZE, MAP_UC);
		if (!xapic) {
			pr_err("cannot map the xAPIC page at 0x%lx uncached: "
			       "no timer, no other CPUs", phys);
			return false;
		}
	}
	idt_set_handler(VECTOR_TIMER, timer_interrupt);
	idt_set_handler(VECTOR_SPURIOUS, spurious_interrupt);
	idt_set_handler(VECTOR_APIC_ERROR, error_interrupt);
	apic_setup();
	pr_info("%s at 0x%lx, version 0x%02x, boot CPU APIC id %u (x2APIC %s)",
		x2apic ? "x2APIC mode (left on by the firmware)" : "xAPIC",
		phys, apic_read(APIC_VERSION) & 0xff, apic_id(),
		x2apic ? "in use" : cpu_has(X86_FEATURE_X2APIC) ?
		"offered, not used" : "not offered by this CPU");
	calibrate_timer();
	timer_start();
	return true;
}

void apic_setup_ap(void)
{
	apic_setup();
	timer_start();
}
