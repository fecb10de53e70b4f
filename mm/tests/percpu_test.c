/*
 * mm.percpu: the per-CPU macros of <asm/percpu.h> and the dynamic allocator
 * of mm/percpu.c.
 *
 * The same cases run in the kernel (GS-relative instructions on the CPU's
 * area) and on the host (relaxed atomics on a host CPU slot's area). The
 * per-CPU variables below are the cases' own; cases leave other CPUs'
 * copies as they found them. Cases that need a second CPU skip until
 * there is one (kernel: the SMP step).
 */
#include <kernel/smp.h>
#include <lib/ktest.h>
#include <lib/string.h>
#include <mm/percpu.h>

static DEFINE_PER_CPU(unsigned long, pcp_long);
static DEFINE_PER_CPU(uint8_t, pcp_byte);
static DEFINE_PER_CPU(uint16_t, pcp_short);
static DEFINE_PER_CPU(int, pcp_int);
static DEFINE_PER_CPU(void *, pcp_ptr);
static DEFINE_PER_CPU(int, pcp_initialised) = 42;

struct big {
	char bytes[64];
} __aligned(64);

static void this_cpu_ops_hit_this_cpus_copy(struct ktest *t)
{
	unsigned int here = smp_processor_id();
	unsigned long before = per_cpu(pcp_long, here);

	this_cpu_add(pcp_long, 5);
	this_cpu_inc(pcp_long);
	this_cpu_sub(pcp_long, 2);
	this_cpu_dec(pcp_long);
	EXPECT_EQ(t, per_cpu(pcp_long, here), before + 3);
	EXPECT_EQ(t, this_cpu_read(pcp_long), before + 3);
	this_cpu_write(pcp_long, 0x1234567890abcdefUL);
	EXPECT_EQ(t, per_cpu(pcp_long, here), 0x1234567890abcdefUL);

	this_cpu_write(pcp_byte, 0xff);
	this_cpu_inc(pcp_byte);				/* wraps like a u8 */
	EXPECT_EQ(t, per_cpu(pcp_byte, here), 0);
	this_cpu_write(pcp_short, 0xfffe);
	this_cpu_add(pcp_short, 1);
	EXPECT_EQ(t, this_cpu_read(pcp_short), 0xffff);
	this_cpu_write(pcp_int, -7);
	this_cpu_dec(pcp_int);
	EXPECT_EQ(t, this_cpu_read(pcp_int), -8);	/* sign kept by the read */
	this_cpu_write(pcp_ptr, (void *)&before);
	EXPECT_TRUE(t, this_cpu_read(pcp_ptr) == (void *)&before);
	this_cpu_write(pcp_ptr, NULL);

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (cpu != here)
			EXPECT_NE(t, per_cpu(pcp_long, cpu), 0x1234567890abcdefUL);
}

static void identity_and_template_copies(struct ktest *t)
{
	unsigned int here = smp_processor_id();

	EXPECT_LT(t, here, nr_cpu_ids);
	EXPECT_LE(t, nr_cpu_ids, NR_CPUS);
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		EXPECT_EQ(t, per_cpu(cpu_number, cpu), cpu);
		EXPECT_EQ(t, per_cpu(pcp_initialised, cpu), 42);
	}
	EXPECT_TRUE(t, this_cpu_ptr(&pcp_long) == per_cpu_ptr(&pcp_long, here));
	EXPECT_EQ(t, this_cpu_read(pcp_initialised), 42);
}

static void per_cpu_addresses_differ(struct ktest *t)
{
	/* possible CPUs, not online ones: a need only the case can judge */
	if (nr_cpu_ids < 2)
		ktest_skip(t, "needs 2 per-CPU areas (%u)", nr_cpu_ids);
	for (unsigned int a = 0; a < nr_cpu_ids; a++) {
		for (unsigned int b = a + 1; b < nr_cpu_ids; b++) {
			char *pa = (char *)per_cpu_ptr(&pcp_long, a);
			char *pb = (char *)per_cpu_ptr(&pcp_long, b);

			EXPECT_TRUE(t, pa + sizeof(long) <= pb || pb + sizeof(long) <= pa);
		}
	}
}

static void bump(void *unused)
{
	this_cpu_add(pcp_long, 100);
}

static void ops_on_another_cpu_land_there(struct ktest *t)
{
	unsigned int here = smp_processor_id(), other;
	unsigned long mine, theirs;

	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	other = (here + 1) % num_online_cpus();
	mine = per_cpu(pcp_long, here);
	theirs = per_cpu(pcp_long, other);
	ASSERT_EQ(t, smp_call_function_single(other, bump, NULL, true), 0);
	EXPECT_EQ(t, per_cpu(pcp_long, other), theirs + 100);
	EXPECT_EQ(t, per_cpu(pcp_long, here), mine);
}

static void alloc_free_round_trip(struct ktest *t)
{
	size_t free0 = percpu_dynamic_free();
	unsigned long __percpu *p = alloc_percpu(unsigned long);
	struct big __percpu *q;

	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, percpu_dynamic_free(), free0 - sizeof(unsigned long));
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		EXPECT_EQ(t, *per_cpu_ptr(p, cpu), 0);
		*per_cpu_ptr(p, cpu) = 10 * cpu + 1;
	}
	EXPECT_EQ(t, this_cpu_read(*p), 10 * smp_processor_id() + 1);
	this_cpu_add(*p, 5);
	EXPECT_EQ(t, *this_cpu_ptr(p), 10 * smp_processor_id() + 6);

	q = alloc_percpu(struct big);
	ASSERT_NOT_NULL(t, q);
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		EXPECT_TRUE(t, IS_ALIGNED((uintptr_t)per_cpu_ptr(q, cpu), 64));
	free_percpu(q);
	free_percpu(p);
	EXPECT_EQ(t, percpu_dynamic_free(), free0);
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

static void new_objects_are_zero(struct ktest *t)
{
	struct big __percpu *q = alloc_percpu(struct big);

	ASSERT_NOT_NULL(t, q);
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		memset(per_cpu_ptr(q, cpu), 0x5a, sizeof(struct big));
	free_percpu(q);
	q = alloc_percpu(struct big);		/* most likely the same place */
	ASSERT_NOT_NULL(t, q);
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		for (size_t i = 0; i < sizeof(struct big); i++)
			if (per_cpu_ptr(q, cpu)->bytes[i])
				ktest_fail(t, "CPU %u byte %zu is %#x", cpu, i,
					   per_cpu_ptr(q, cpu)->bytes[i] & 0xff);
	free_percpu(q);
}

#define CHUNK	256

static void exhaustion_is_reported(struct ktest *t)
{
	/* One more slot than can ever succeed: the loop ends in a failure. */
	static void __percpu *chunks[PERCPU_DYNAMIC_SIZE / CHUNK + 1];
	size_t free0 = percpu_dynamic_free();
	unsigned int n = 0;

	EXPECT_NULL(t, __alloc_percpu(PERCPU_DYNAMIC_SIZE + 8, 8));
	EXPECT_EQ(t, ktest_warnings(t), 1);

	while (n < ARRAY_SIZE(chunks) && (chunks[n] = __alloc_percpu(CHUNK, 8)))
		n++;
	EXPECT_LT(t, n, ARRAY_SIZE(chunks));
	EXPECT_GT(t, n, 0);
	EXPECT_LE(t, n * CHUNK, free0);
	EXPECT_EQ(t, ktest_warnings(t), 2);
	while (n)
		free_percpu(chunks[--n]);
	EXPECT_EQ(t, percpu_dynamic_free(), free0);
}

static void free_of_a_stranger_warns(struct ktest *t)
{
	size_t free0 = percpu_dynamic_free();

	free_percpu(&pcp_long);			/* static, not dynamic */
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, percpu_dynamic_free(), free0);
	free_percpu(NULL);
	EXPECT_EQ(t, ktest_warnings(t), 1);
}

static const struct ktest_case percpu_cases[] = {
	KTEST_CASE(this_cpu_ops_hit_this_cpus_copy,
		   "this_cpu read/write/add/inc/dec change this CPU's copy, in every size"),
	KTEST_CASE(identity_and_template_copies,
		   "cpu_number and initialised values are right in every CPU's copy"),
	KTEST_CASE(per_cpu_addresses_differ,
		   "per_cpu(var, cpu) is a different object for each CPU"),
	KTEST_CASE_NEEDS(ops_on_another_cpu_land_there, KTEST_NEEDS_CPUS(2),
		   "a this_cpu op run on another CPU changes that CPU's copy only"),
	KTEST_CASE(alloc_free_round_trip,
		   "alloc_percpu gives zeroed, aligned per-CPU objects; free gives the space back"),
	KTEST_CASE(new_objects_are_zero,
		   "an object allocated where a dirty one was freed starts zeroed"),
	KTEST_CASE(exhaustion_is_reported,
		   "filling the dynamic region fails with a warning, and frees restore it"),
	KTEST_CASE(free_of_a_stranger_warns,
		   "free_percpu of something it never allocated warns and changes nothing"),
	{}
};
KTEST_SUITE(percpu_suite, "mm.percpu", percpu_cases);
