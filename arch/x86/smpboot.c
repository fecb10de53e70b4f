/*
 * Bringing the application processors (APs) up: smp_boot_cpus().
 *
 * The boot CPU, with interrupts off:
 *   1. masks the 8259 PIC and sets up its own LAPIC and timer (apic.c);
 *   2. numbers the CPUs: itself 0, then every enabled MADT entry in table
 *      order (up to NR_CPUS and `maxcpus=`); nr_cpu_ids becomes that count;
 *   3. builds the trampoline in four pages below 640 KiB (the first MiB is
 *      kept out of memblock for this): the code of trampoline.asm and a
 *      temporary top-level page table that maps the trampoline page at its
 *      own address (a 2 MiB identity page) plus the kernel half, shared
 *      with the kernel's table (same top-level entries);
 *   4. starts the APs one at a time: four 16 KiB stacks from
 *      kernel/kstack.h (its boot stack and its three IST stacks, each above
 *      an unmapped guard), its GDT/TSS (gdt.c), the parameter block;
 *      then starts it (below) and waits up to BOOT_TIMEOUT_MS for it to
 *      report "online";
 *   5. wipes the trampoline pages (so no identity mapping of low memory
 *      exists anywhere once the APs run on the kernel's table), prints a
 *      summary and enables its interrupts.
 *
 * Why a temporary CR3 rather than an identity mapping in the kernel's
 * table: the kernel's lower half stays empty at all times (a stray low
 * pointer faults, even during bring-up), and the AP loads CR3 in 32-bit
 * mode, which needs a table below 4 GiB: the temporary one is in low
 * memory, the kernel's may not be.
 *
 * Each AP, after the trampoline, runs ap_start_kernel() on its stack:
 * its GDT/TSS and GS base (percpu_setup_cpu), the boot CPU's CR0/CR4/PAT
 * (EFER came through the trampoline: NX, long mode), a TLB flush, its
 * LAPIC and periodic timer, online, then cpu_startup_entry() (kernel/cpu.h)
 * with interrupts still off. Every step is written to the parameter block,
 * so an AP that does not make it is reported with the last step it
 * reached; the boot CPU then sends it INIT (parking it, so it cannot wake
 * up later in a trampoline that is gone) and goes on with the others.
 *
 * Starting an AP is event-driven. The SDM's universal sequence (INIT,
 * 10 ms, start-up IPI, 200 us, start-up IPI, 200 us) waits for the
 * slowest CPUs ever made; a modern CPU (and every emulated one) answers a
 * SIPI sent right after the INIT, as Linux assumes when it sets
 * init_udelay to 0 for them. So the boot CPU sends INIT and one SIPI and
 * watches the AP's step: once the trampoline has written "real mode" the
 * AP is running. No answer within SIPI_ANSWER_US: a second SIPI (the
 * first can be lost) and as long again; still none: the universal
 * sequence with its delays, for CPUs that need them. The "online" line
 * says which start worked and how long the AP took to answer.
 *
 * `smp.stall_cpu=N` makes CPU N stop at its kernel entry: the report of a
 * CPU that fails to come up, on demand (tests/test-all uses it).
 */
#define pr_fmt(fmt) "smp: " fmt

#include <kernel/cpu.h>
#include <kernel/kstack.h>
#include <kernel/main.h>
#include <kernel/smp.h>
#include <lib/boot_param.h>
#include <lib/cmdline.h>
#include <lib/compiler.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <drivers/acpi/acpi.h>
#include <mm/memblock.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/ctrlregs.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include "apic.h"
#include "gdt.h"
#include "idt.h"
#include "pgtable.h"
#include "smpboot.h"

#define BOOT_TIMEOUT_MS		2000
/* How long an AP may take to enter the trampoline after a SIPI before the
 * next try: generous (QEMU's TCG and hardware answer within 1 ms). */
#define SIPI_ANSWER_US		20000
/* The universal sequence's delays (SDM vol. 3, "MP Initialization"). */
#define INIT_DELAY_US		10000
#define SIPI_DELAY_US		200
#define LOW_START		0x1000		/* page 0 stays unused */
#define LOW_END			0xa0000		/* conventional memory ends */
#define TRAMPOLINE_PAGES	4		/* code+params, PML4, PDPT, PD */
#define EFER_LMA		(1ULL << 10)	/* read-only status bit */
#define X86_CR4_PAE		(1UL << 5)

/* trampoline.asm's parameter block (its TP_* offsets). */
struct trampoline_params {
	uint32_t step;			/* written by the AP: enum boot_step */
	uint32_t cpu;
	uint32_t cr3;			/* the temporary table, physical */
	uint32_t cr0;
	uint32_t cr4;
	uint32_t efer_lo, efer_hi;
	uint32_t pad0;
	uint64_t stack;
	uint64_t entry;
	uint64_t kernel_cr3;
	struct __packed { uint16_t limit; uint64_t base; } gdtr;
	uint8_t pad1[6];
	struct __packed { uint16_t limit; uint64_t base; } idtr;
	uint8_t pad2[6];
};
_Static_assert(offsetof(struct trampoline_params, stack) == 0x20, "TP_STACK");
_Static_assert(offsetof(struct trampoline_params, kernel_cr3) == 0x30, "TP_KERNEL_CR3");
_Static_assert(offsetof(struct trampoline_params, gdtr) == 0x38, "TP_GDTR");
_Static_assert(offsetof(struct trampoline_params, idtr) == 0x48, "TP_IDTR");
_Static_assert(sizeof(struct trampoline_params) == 0x58, "TP_SIZE");

enum boot_step {
	STEP_SIPI, STEP_REAL, STEP_PROTECTED, STEP_LONG,	/* trampoline.asm */
	STEP_KERNEL, STEP_TABLES, STEP_CONTROL, STEP_APIC, STEP_ONLINE,
};

static const char *const step_names[] = {
	[STEP_SIPI] = "no answer to INIT-SIPI-SIPI",
	[STEP_REAL] = "real mode (trampoline)",
	[STEP_PROTECTED] = "protected mode",
	[STEP_LONG] = "long mode on the temporary page tables",
	[STEP_KERNEL] = "kernel entry",
	[STEP_TABLES] = "GDT, TSS and per-CPU area",
	[STEP_CONTROL] = "control registers",
	[STEP_APIC] = "LAPIC and timer",
	[STEP_ONLINE] = "online",
};

extern const char smp_trampoline_start[], smp_trampoline_end[], smp_trampoline_params[];
void ap_start64(void);

struct cpu_boot {
	uint32_t apic_id;		/* (i) */
	enum cpu_state state;		/* boot CPU only, during smp_boot_cpus() */
	unsigned int step;		/* how far a failed CPU got */
	uint64_t boot_ns;		/* INIT to online */
	uint64_t answer_ns;		/* boot CPU: INIT to the trampoline's first step */
	const char *start;		/* boot CPU: which start worked (start_ap()) */
	struct kstack stacks[1 + IST_COUNT];	/* boot stack, IST 1..3 */
};

static struct cpu_boot boot[NR_CPUS];
static unsigned int stall_cpu = NR_CPUS;	/* smp.stall_cpu= (none) */

/* The boot CPU's state every AP copies. */
static uint64_t bsp_cr0, bsp_cr4, bsp_efer, bsp_pat;

static uint64_t tramp_phys;			/* 0: no trampoline */
static struct trampoline_params *tp;		/* its parameter block */
static pte_t *tramp_pgd;			/* the temporary table */

uint32_t cpu_apic_id(unsigned int cpu)
{
	return cpu < NR_CPUS ? boot[cpu].apic_id : 0;
}

enum cpu_state cpu_state(unsigned int cpu)
{
	return cpu < nr_cpu_ids ? boot[cpu].state : CPU_ABSENT;
}

const char *cpu_failed_step(unsigned int cpu)
{
	return step_names[MIN(boot[cpu].step, (unsigned int)STEP_ONLINE)];
}

int cpu_of_apic_id(uint32_t apic_id)
{
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (boot[cpu].apic_id == apic_id)
			return (int)cpu;
	return -1;
}

/* --- the AP side ------------------------------------------------------------ */

static void report_step(enum boot_step step)
{
	/* Release: pairs with the boot CPU's acquire in wait_online(). */
	__atomic_store_n(&tp->step, step, __ATOMIC_RELEASE);
}

__noreturn void ap_start_kernel(unsigned int cpu)
{
	report_step(STEP_KERNEL);
	if (cpu == stall_cpu)
		for (;;)
			cpu_relax();		/* smp.stall_cpu: the INIT ends it */
	gdt_load_cpu(cpu);
	percpu_setup_cpu(cpu);
	report_step(STEP_TABLES);

	write_cr4(bsp_cr4);
	write_cr0(bsp_cr0);
	if (cpu_has(X86_FEATURE_PAT))
		wrmsr(MSR_PAT, bsp_pat);
	flush_tlb_all();
	report_step(STEP_CONTROL);

	apic_setup_ap();
	report_step(STEP_APIC);
	set_cpu_online(cpu);
	report_step(STEP_ONLINE);	/* the last access to the trampoline page */
	cpu_startup_entry(cpu);
}

/* --- the trampoline -------------------------------------------------------------- */

static void find_low_pages(phys_addr_t start, phys_addr_t end, void *arg)
{
	uint64_t *found = arg;
	uint64_t s = ALIGN_UP(MAX(start, (phys_addr_t)LOW_START), PAGE_SIZE);
	uint64_t e = ALIGN_DOWN(MIN(end, (phys_addr_t)LOW_END), PAGE_SIZE);

	if (!*found && e > s && e - s >= TRAMPOLINE_PAGES * PAGE_SIZE)
		*found = s;
}

static bool trampoline_setup(void)
{
	size_t size = (size_t)(smp_trampoline_end - smp_trampoline_start);
	uint8_t *page;
	pte_t *pdpt, *pd;

	memblock_memory_ranges(find_low_pages, &tramp_phys);
	if (!tramp_phys) {
		pr_err("no %d free pages of RAM between 0x%x and 0x%x for the "
		       "trampoline: the other CPUs stay off", TRAMPOLINE_PAGES,
		       LOW_START, LOW_END);
		return false;
	}
	page = phys_to_virt(tramp_phys);
	memset(page, 0, TRAMPOLINE_PAGES * PAGE_SIZE);
	memcpy(page, smp_trampoline_start, size);
	tp = (struct trampoline_params *)(page + (smp_trampoline_params - smp_trampoline_start));

	tramp_pgd = (pte_t *)(page + PAGE_SIZE);
	pdpt = (pte_t *)(page + 2 * PAGE_SIZE);
	pd = (pte_t *)(page + 3 * PAGE_SIZE);
	tramp_pgd[0] = (tramp_phys + 2 * PAGE_SIZE) | PAGE_KERNEL_TABLE;
	pdpt[0] = (tramp_phys + 3 * PAGE_SIZE) | PAGE_KERNEL_TABLE;
	pd[0] = 0 | PTE_PRESENT | PTE_WRITE | PTE_HUGE;	/* [0, 2 MiB) */

	bsp_cr0 = read_cr0();
	bsp_cr4 = read_cr4();
	bsp_efer = rdmsr(MSR_EFER) & ~EFER_LMA;
	bsp_pat = cpu_has(X86_FEATURE_PAT) ? rdmsr(MSR_PAT) : 0;
	pr_info("trampoline at 0x%lx (%zu bytes of code and parameters, "
		"temporary page table at 0x%lx)", tramp_phys, size, tramp_phys + PAGE_SIZE);
	return true;
}

/* Gone once every AP is up (or parked): nothing maps low memory any more. */
static void trampoline_teardown(void)
{
	memset(phys_to_virt(tramp_phys), 0, TRAMPOLINE_PAGES * PAGE_SIZE);
	tp = NULL;
	tramp_pgd = NULL;
}

/* --- the boot CPU side -------------------------------------------------------- */

static void fill_params(unsigned int cpu)
{
	struct cpu_boot *b = &boot[cpu];
	uint16_t limit;
	uint64_t base;

	/* The kernel half as it is now (a stack may have added a table). */
	for (unsigned int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		tramp_pgd[i] = kernel_pgd[i];

	tp->step = STEP_SIPI;
	tp->cpu = cpu;
	tp->cr3 = (uint32_t)(tramp_phys + PAGE_SIZE);
	tp->cr0 = (uint32_t)bsp_cr0;
	tp->cr4 = X86_CR4_PAE;
	tp->efer_lo = (uint32_t)bsp_efer;
	tp->efer_hi = (uint32_t)(bsp_efer >> 32);
	tp->stack = (uint64_t)kstack_top(&b->stacks[0]);
	tp->entry = (uint64_t)ap_start64;
	tp->kernel_cr3 = read_cr3();
	gdt_describe(cpu, &limit, &base);
	tp->gdtr.limit = limit;
	tp->gdtr.base = base;
	idt_describe(&limit, &base);
	tp->idtr.limit = limit;
	tp->idtr.base = base;
}

static bool alloc_stacks(unsigned int cpu)
{
	struct cpu_boot *b = &boot[cpu];
	uint64_t ist_top[IST_COUNT];

	for (unsigned int i = 0; i < ARRAY_SIZE(b->stacks); i++) {
		if (kstack_alloc(&b->stacks[i])) {
			while (i--)
				kstack_free(&b->stacks[i]);
			return false;
		}
	}
	for (unsigned int i = 0; i < IST_COUNT; i++)
		ist_top[i] = (uint64_t)kstack_top(&b->stacks[1 + i]);
	gdt_prepare_cpu(cpu, ist_top);
	return true;
}

static unsigned int wait_online(uint64_t start)
{
	unsigned int step;

	/* Acquire: pairs with the AP's release in report_step(). */
	while ((step = __atomic_load_n(&tp->step, __ATOMIC_ACQUIRE)) != STEP_ONLINE &&
	       ktime_get_ns() - start < BOOT_TIMEOUT_MS * NSEC_PER_MSEC)
		cpu_relax();
	return step;
}

/* Has the AP entered the trampoline within `us` of `since`? */
static bool answered_within(uint64_t since, uint64_t us)
{
	/* Acquire: pairs with the AP's release in report_step() (or the
	 * trampoline's store; x86 keeps the order either way). */
	while (__atomic_load_n(&tp->step, __ATOMIC_ACQUIRE) == STEP_SIPI) {
		if (ktime_get_ns() - since >= us * NSEC_PER_USEC)
			return false;
		cpu_relax();
	}
	return true;
}

/*
 * INIT and SIPI, then a second SIPI, then the universal sequence, each
 * only if the one before got no answer; returns what was used.
 */
static const char *start_ap(struct cpu_boot *b, uint64_t start)
{
	uint8_t page = (uint8_t)(tramp_phys >> PAGE_SHIFT);

	apic_send_init(b->apic_id);
	apic_send_sipi(b->apic_id, page);
	if (answered_within(start, SIPI_ANSWER_US))
		return "INIT-SIPI";
	apic_send_sipi(b->apic_id, page);
	if (answered_within(ktime_get_ns(), SIPI_ANSWER_US))
		return "INIT-SIPI-SIPI after no answer to the first SIPI";
	apic_send_init(b->apic_id);
	udelay(INIT_DELAY_US);
	apic_send_sipi(b->apic_id, page);
	udelay(SIPI_DELAY_US);
	apic_send_sipi(b->apic_id, page);
	udelay(SIPI_DELAY_US);
	return "INIT, 10 ms, SIPI-SIPI after no answer to INIT-SIPI-SIPI";
}

static void boot_one(unsigned int cpu)
{
	struct cpu_boot *b = &boot[cpu];
	uint64_t start;

	b->state = CPU_BOOTING;
	if (!alloc_stacks(cpu)) {
		b->state = CPU_FAILED;
		b->step = STEP_SIPI;
		pr_err("CPU %u (APIC id %u): no memory for its stacks; going on without it",
		       cpu, b->apic_id);
		return;
	}
	fill_params(cpu);

	start = ktime_get_ns();
	b->start = start_ap(b, start);
	b->answer_ns = ktime_get_ns() - start;
	b->step = wait_online(start);
	b->boot_ns = ktime_get_ns() - start;
	if (b->step == STEP_ONLINE) {
		b->state = CPU_ONLINE;
		pr_info("CPU %u (APIC id %u) online after %llu.%03llu ms (%s; in the "
			"trampoline after %llu us)", cpu, b->apic_id,
			(unsigned long long)(b->boot_ns / NSEC_PER_MSEC),
			(unsigned long long)(b->boot_ns / NSEC_PER_USEC % 1000), b->start,
			(unsigned long long)(b->answer_ns / NSEC_PER_USEC));
		return;
	}
	apic_send_init(b->apic_id);	/* park it: the trampoline goes away */
	b->state = CPU_FAILED;
	pr_err("CPU %u (APIC id %u) did not come up within %d ms: its last step was "
	       "'%s'; parked with INIT, going on without it",
	       cpu, b->apic_id, BOOT_TIMEOUT_MS, step_names[b->step]);
}

/* Number the CPUs from the MADT; returns how many there are. */
static unsigned int enumerate_cpus(unsigned long maxcpus)
{
	uint32_t self = apic_id();
	unsigned int n = 1, skipped = 0;
	bool self_listed = false;

	boot[0].apic_id = self;
	boot[0].state = CPU_ONLINE;
	boot[0].step = STEP_ONLINE;
	for (unsigned int i = 0; i < acpi_cpu_count(); i++) {
		const struct acpi_cpu *c = acpi_cpu_at(i);

		if (c->apic_id == self) {
			self_listed = true;
			continue;
		}
		if (!c->enabled)
			continue;		/* `cpus` lists it as not present */
		if (!apic_x2apic_mode() && c->apic_id >= 0xff) {
			pr_err("MADT CPU with APIC id %u needs the x2APIC; it stays off",
			       c->apic_id);
			continue;
		}
		if (n >= maxcpus || n >= NR_CPUS) {
			skipped++;
			continue;
		}
		boot[n].apic_id = c->apic_id;
		boot[n].state = CPU_ABSENT;
		n++;
	}
	if (acpi_cpu_count() && !self_listed)
		pr_warn("the boot CPU's APIC id %u is not in the MADT", self);
	if (skipped)
		pr_info("%u more CPU(s) stay off (maxcpus=%lu, NR_CPUS=%d)",
			skipped, maxcpus, NR_CPUS);
	return n;
}

BOOT_PARAM(maxcpus, "maxcpus", "N (default all)", "bring up at most N CPUs");
BOOT_PARAM(stall_cpu, "smp.stall_cpu", "CPU (default none)",
	   "make this CPU fail to come up (tests the boot's refusal)");

static unsigned long cmdline_number(const char *key, unsigned long dflt)
{
	const char *v = cmdline_get(boot_cmdline(), key);
	unsigned long n;

	if (!v)
		return dflt;
	if (parse_ulong(v, &n) < 0) {
		pr_err("cmdline: %s=%s: expected a number; ignored", key, v);
		return dflt;
	}
	return n;
}

void smp_boot_cpus(void)
{
	unsigned long maxcpus = cmdline_number("maxcpus", NR_CPUS);
	uint64_t start = ktime_get_ns(), ms;
	unsigned int n;

	stall_cpu = (unsigned int)MIN(cmdline_number("smp.stall_cpu", NR_CPUS),
				      (unsigned long)NR_CPUS);
	pic_disable();
	if (!apic_init_boot()) {
		smp_prepare_cpus(1);
		boot[0].state = CPU_ONLINE;
		arch_irq_enable();
		return;
	}
	ipi_init();
	tlb_shootdown_init();
	if (maxcpus == 0) {
		pr_err("cmdline: maxcpus=0: the boot CPU always runs; using 1");
		maxcpus = 1;
	}
	n = enumerate_cpus(maxcpus);
	smp_prepare_cpus(n);
	if (n > 1 && trampoline_setup()) {
		for (unsigned int cpu = 1; cpu < n; cpu++)
			boot_one(cpu);
		trampoline_teardown();
	}
	ms = (ktime_get_ns() - start) / NSEC_PER_MSEC;
	pr_info("%u of %u CPUs online in %llu ms (%s, timer at %d Hz on each)",
		num_online_cpus(), n, (unsigned long long)ms,
		apic_x2apic_mode() ? "x2APIC" : "xAPIC", HZ);
	arch_irq_enable();
}
