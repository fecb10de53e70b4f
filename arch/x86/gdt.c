/*
 * The GDT and the TSS.
 *
 * One flat set of segments for the kernel (and, for later, user mode) and
 * one 64-bit TSS whose only job for now is the IST: #DF, NMI and #MC run
 * on stacks of their own, so that a double fault caused by a blown kernel
 * stack can still be reported. Those stacks are static (in .bss), each
 * page-aligned above a guard page that paging_init() leaves unmapped
 * (stack_guard.h), so an overflowing handler faults instead of silently
 * overwriting its neighbour.
 *
 * Every CPU has its own GDT and TSS (cpu_tables[cpu]): the TSS holds
 * that CPU's IST stacks, and `ltr` marks its descriptor busy, so no two
 * CPUs can share one. The boot CPU's IST stacks are the static ones
 * below; an application processor's come from smpboot.c, which prepares
 * its tables (gdt_prepare_cpu) before starting it; the AP loads them
 * itself (its trampoline loads the GDTR, gdt_load_cpu() the rest).
 */
#include <lib/bug.h>
#include <lib/compiler.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include "gdt.h"
#include "stack_guard.h"

#define IST_STACK_SIZE	(16 * 1024)

/* The 64-bit TSS (Intel SDM vol. 3, "Task Management in 64-bit Mode"). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];		/* stacks for a switch to ring 0-2 */
	uint64_t reserved1;
	uint64_t ist[7];		/* IST1..IST7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;		/* >= limit: no I/O permission bitmap */
} __packed;
_Static_assert(sizeof(struct tss) == 104, "the CPU's 64-bit TSS layout");

/* Descriptor access bytes and flags. */
#define SEG_PRESENT	(1ULL << 47)
#define SEG_DPL(n)	((uint64_t)(n) << 45)
#define SEG_CODE_DATA	(1ULL << 44)	/* S: code/data, not system */
#define SEG_CODE	(1ULL << 43)	/* executable */
#define SEG_RW		(1ULL << 41)	/* readable code / writable data */
#define SEG_LONG	(1ULL << 53)	/* L: 64-bit code */
#define SEG_TSS_AVAIL	(9ULL << 40)	/* system type: available 64-bit TSS */

#define KERNEL_CODE	(SEG_PRESENT | SEG_CODE_DATA | SEG_CODE | SEG_RW | SEG_LONG)
#define KERNEL_DATA	(SEG_PRESENT | SEG_CODE_DATA | SEG_RW)
#define USER_CODE	(KERNEL_CODE | SEG_DPL(3))
#define USER_DATA	(KERNEL_DATA | SEG_DPL(3))

enum {
	GDT_NULL_IDX,
	GDT_KERNEL_CS_IDX,
	GDT_KERNEL_DS_IDX,
	GDT_USER_DS_IDX,
	GDT_USER_CS_IDX,
	GDT_TSS_IDX,		/* a system descriptor takes two slots */
	GDT_ENTRIES = GDT_TSS_IDX + 2,
};

_Static_assert(GDT_KERNEL_CS == GDT_KERNEL_CS_IDX * 8, "selector/index");
_Static_assert(GDT_KERNEL_DS == GDT_KERNEL_DS_IDX * 8, "selector/index");
_Static_assert((GDT_USER_DS & ~3) == GDT_USER_DS_IDX * 8, "selector/index");
_Static_assert((GDT_USER_CS & ~3) == GDT_USER_CS_IDX * 8, "selector/index");
_Static_assert(GDT_TSS == GDT_TSS_IDX * 8, "selector/index");

static const uint64_t gdt_template[GDT_ENTRIES] = {
	[GDT_KERNEL_CS_IDX] = KERNEL_CODE,
	[GDT_KERNEL_DS_IDX] = KERNEL_DATA,
	[GDT_USER_DS_IDX]   = USER_DATA,
	[GDT_USER_CS_IDX]   = USER_CODE,
	/* the TSS descriptor holds an address: filled in at run time */
};

struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
} __aligned(64);

static struct cpu_tables cpu_tables[NR_CPUS];

/* One IST stack with the guard page it grows towards. */
struct ist_stack {
	uint8_t guard[PAGE_SIZE];
	uint8_t stack[IST_STACK_SIZE];
};

static struct ist_stack ist_stacks[3] __aligned(PAGE_SIZE);
STACK_GUARD_PAGE(ist_double_fault, ist_stacks[0].guard);
STACK_GUARD_PAGE(ist_nmi, ist_stacks[1].guard);
STACK_GUARD_PAGE(ist_machine_check, ist_stacks[2].guard);

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __packed;

static void set_tss_descriptor(uint64_t *slot, const struct tss *t)
{
	uint64_t base = (uint64_t)t;
	uint64_t limit = sizeof(*t) - 1;

	slot[0] = (limit & 0xffff) |
		  ((base & 0xffffff) << 16) |
		  SEG_TSS_AVAIL | SEG_PRESENT |
		  (((limit >> 16) & 0xf) << 48) |
		  (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

/* CS can only be changed by a far transfer: return to the next line. */
static void reload_segments(void)
{
	__asm__ volatile(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %[ds], %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		:
		: [cs] "i"(GDT_KERNEL_CS), [ds] "i"(GDT_KERNEL_DS)
		: "rax", "memory");
}

/* Fill cpu's GDT and TSS. No memcpy: the boot CPU runs this before
 * memcpy_init() chose one. */
void gdt_prepare_cpu(unsigned int cpu, const uint64_t ist_top[IST_COUNT])
{
	struct cpu_tables *t;

	BUG_ON(cpu >= NR_CPUS);
	t = &cpu_tables[cpu];
	for (unsigned int i = 0; i < GDT_ENTRIES; i++)
		t->gdt[i] = gdt_template[i];
	t->tss.iomap_base = sizeof(struct tss);
	/* IST entries point at the top of each stack: stacks grow down. */
	for (unsigned int i = 0; i < IST_COUNT; i++)
		t->tss.ist[i] = ist_top[i];
	set_tss_descriptor(&t->gdt[GDT_TSS_IDX], &t->tss);
}

void gdt_describe(unsigned int cpu, uint16_t *limit, uint64_t *base)
{
	*limit = sizeof(cpu_tables[cpu].gdt) - 1;
	*base = (uint64_t)cpu_tables[cpu].gdt;
}

void gdt_load_cpu(unsigned int cpu)
{
	struct descriptor_pointer gdtr;
	uint16_t limit;
	uint64_t base;

	gdt_describe(cpu, &limit, &base);
	gdtr = (struct descriptor_pointer){ .limit = limit, .base = base };
	__asm__ volatile("lgdt %0" :: "m"(gdtr) : "memory");
	reload_segments();
	/* ltr marks the descriptor busy; loading it twice would #GP. */
	__asm__ volatile("ltr %w0" :: "r"(GDT_TSS) : "memory");
}

void gdt_init(void)
{
	const uint64_t ist_top[IST_COUNT] = {
		[IST_DOUBLE_FAULT - 1] = (uint64_t)&ist_stacks[0].stack[IST_STACK_SIZE],
		[IST_NMI - 1] = (uint64_t)&ist_stacks[1].stack[IST_STACK_SIZE],
		[IST_MACHINE_CHECK - 1] = (uint64_t)&ist_stacks[2].stack[IST_STACK_SIZE],
	};

	gdt_prepare_cpu(0, ist_top);
	gdt_load_cpu(0);
}
