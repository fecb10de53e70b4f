/*
 * CPU feature detection with CPUID.
 *
 * Each feature the kernel may use is one row of a table: the CPUID leaf
 * (and sub-leaf) that reports it, the output register and the bit. Leaves
 * beyond the maximum the CPU reports read as zero, so a feature of a leaf
 * the CPU does not have is simply absent. cpu_has() then tests one bit of
 * a word written once here, before any user of it runs.
 */
#include <lib/compiler.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <asm/cpufeature.h>
#include <asm/platform.h>

enum cpuid_reg { EAX, EBX, ECX, EDX };

struct cpuid_regs {
	uint32_t r[4];
};

struct feature_bit {
	const char *name;
	uint32_t leaf;
	uint32_t subleaf;
	enum cpuid_reg reg;
	unsigned int bit;
};

static const struct feature_bit feature_bits[X86_FEATURE_COUNT] = {
	[X86_FEATURE_ERMS]	    = { "erms",	      0x00000007, 0, EBX, 9 },
	[X86_FEATURE_FSRM]	    = { "fsrm",	      0x00000007, 0, EDX, 4 },
	[X86_FEATURE_CLFLUSH]	    = { "clflush",    0x00000001, 0, EDX, 19 },
	[X86_FEATURE_CLFLUSHOPT]    = { "clflushopt", 0x00000007, 0, EBX, 23 },
	[X86_FEATURE_CLWB]	    = { "clwb",	      0x00000007, 0, EBX, 24 },
	[X86_FEATURE_SMEP]	    = { "smep",	      0x00000007, 0, EBX, 7 },
	[X86_FEATURE_SMAP]	    = { "smap",	      0x00000007, 0, EBX, 20 },
	[X86_FEATURE_NX]	    = { "nx",	      0x80000001, 0, EDX, 20 },
	[X86_FEATURE_GBPAGES]	    = { "pdpe1gb",    0x80000001, 0, EDX, 26 },
	[X86_FEATURE_INVARIANT_TSC] = { "invtsc",     0x80000007, 0, EDX, 8 },
	[X86_FEATURE_X2APIC]	    = { "x2apic",     0x00000001, 0, ECX, 21 },
	[X86_FEATURE_PCID]	    = { "pcid",	      0x00000001, 0, ECX, 17 },
	[X86_FEATURE_RDTSCP]	    = { "rdtscp",     0x80000001, 0, EDX, 27 },
	[X86_FEATURE_FSGSBASE]	    = { "fsgsbase",   0x00000007, 0, EBX, 0 },
	[X86_FEATURE_PGE]	    = { "pge",	      0x00000001, 0, EDX, 13 },
	[X86_FEATURE_PAT]	    = { "pat",	      0x00000001, 0, EDX, 16 },
};

uint32_t x86_cpu_features;
static unsigned int clflush_size;

_Static_assert(X86_FEATURE_COUNT <= 32, "x86_cpu_features is one word");

static struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs c;

	__asm__ volatile("cpuid"
			 : "=a"(c.r[EAX]), "=b"(c.r[EBX]), "=c"(c.r[ECX]), "=d"(c.r[EDX])
			 : "a"(leaf), "c"(subleaf));
	return c;
}

/* CPUID, or all zeroes for a leaf above the CPU's maximum of its range. */
static struct cpuid_regs cpuid_checked(uint32_t leaf, uint32_t subleaf)
{
	uint32_t max = cpuid(leaf & 0x80000000, 0).r[EAX];

	if (leaf > max)
		return (struct cpuid_regs){ { 0 } };
	return cpuid(leaf, subleaf);
}

const char *cpu_feature_name(enum cpu_feature f)
{
	return f < X86_FEATURE_COUNT ? feature_bits[f].name : "?";
}

unsigned int cpu_clflush_size(void)
{
	return clflush_size;
}

static void print_identity(void)
{
	struct cpuid_regs v = cpuid(0, 0);
	struct cpuid_regs sig = cpuid_checked(1, 0);
	char vendor[13];
	unsigned int family = (sig.r[EAX] >> 8) & 0xf;
	unsigned int model = (sig.r[EAX] >> 4) & 0xf;

	/* the vendor string is EBX, EDX, ECX in that order */
	for (int i = 0; i < 4; i++) {
		vendor[i] = v.r[EBX] >> (8 * i);
		vendor[4 + i] = v.r[EDX] >> (8 * i);
		vendor[8 + i] = v.r[ECX] >> (8 * i);
	}
	vendor[12] = '\0';

	if (family == 0xf)
		family += (sig.r[EAX] >> 20) & 0xff;
	if (family >= 6)
		model |= ((sig.r[EAX] >> 16) & 0xf) << 4;
	pr_info("cpu: %s family %#x model %#x stepping %u",
		vendor, family, model, sig.r[EAX] & 0xf);
}

/* Append the names of the features in `set`, space-separated. */
static size_t list_features(char *buf, size_t size, uint32_t set)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int f = 0; f < X86_FEATURE_COUNT; f++)
		if (set & (1u << f))
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? " " : "", feature_bits[f].name);
	return len;
}

void cpu_features_init(void)
{
	uint32_t all = (1u << X86_FEATURE_COUNT) - 1;
	uint32_t found = 0;
	char have[128], lack[128];

	for (unsigned int f = 0; f < X86_FEATURE_COUNT; f++) {
		const struct feature_bit *fb = &feature_bits[f];
		struct cpuid_regs c = cpuid_checked(fb->leaf, fb->subleaf);

		if (c.r[fb->reg] & (1u << fb->bit))
			found |= 1u << f;
	}
	clflush_size = ((cpuid_checked(1, 0).r[EBX] >> 8) & 0xff) * 8;
	x86_cpu_features = found;

	print_identity();
	list_features(have, sizeof(have), found);
	list_features(lack, sizeof(lack), all & ~found);
	pr_info("cpu: features: %s (absent: %s)", have, lack[0] ? lack : "none");
}

/* <asm/platform.h>: the initial APIC id, CPUID.1:EBX[31:24]. */
unsigned int arch_cpu_apic_id(void)
{
	return cpuid(1, 0).r[EBX] >> 24;
}
