/*
 * The benchmark harness: select, warm up, sample, take the median, print
 * a human line and a machine line (see lib/bench.h).
 *
 * The median, not the mean: under emulation a host hiccup makes single
 * samples many times slower, and one such sample must not move the
 * figure. The number of samples is printed so a reader can judge.
 *
 * A selection runs in two passes over the registry: first every benchmark
 * without runs_last, then those with it, each pass in registry order.
 */
#include <lib/bench.h>
#include <lib/errno.h>
#include <lib/glob.h>
#include <lib/ktest.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

/* Weak: a build with no benchmark at all (a host test binary) has no
 * bench_list section, and then both are NULL. */
extern const struct bench *const __start_bench_list[] __attribute__((weak));
extern const struct bench *const __stop_bench_list[] __attribute__((weak));

static bool bench_selected(const struct bench *b, const char *globs)
{
	char glob[128];
	const char *s = globs;

	if (!strcmp(globs, "none"))
		return false;
	while (*s) {
		size_t n = strcspn(s, ",");

		if (n && n < sizeof(glob)) {
			memcpy(glob, s, n);
			glob[n] = '\0';
			if (glob_match(glob, b->name))
				return true;
		}
		s += n + (s[n] == ',');
	}
	return false;
}

bool bench_globs_match_any(const char *globs)
{
	for (const struct bench *const *p = __start_bench_list; p < __stop_bench_list; p++)
		if (bench_selected(*p, globs))
			return true;
	return false;
}

void bench_print_list(void)
{
	for (const struct bench *const *p = __start_bench_list; p < __stop_bench_list; p++)
		kprintf("  %-36s %s\n", (*p)->name, (*p)->unit);
}

static void sort_values(long long *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		long long x = v[i];
		unsigned int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

#define BENCH_SKIP_DEFAULT	"not possible on this machine (e.g. too few CPUs)"

int bench_run_one(const struct bench *b, struct bench_result *res, bool report)
{
	long long values[BENCH_MAX_SAMPLES];
	unsigned int n = b->samples ? b->samples : BENCH_DEFAULT_SAMPLES;
	struct bench_run r = { .bench = b, .cpus = 1 };
	struct bench_result out = { 0 };
	long long v = 0;
	int err = 0;

	if (n > BENCH_MAX_SAMPLES)
		n = BENCH_MAX_SAMPLES;
	if (b->setup && (err = b->setup(&r)) < 0)
		goto failed;
	for (unsigned int i = 0; i < BENCH_WARMUP && v >= 0; i++)
		v = b->sample(&r);
	for (unsigned int i = 0; i < n && v >= 0; i++)
		v = values[i] = b->sample(&r);
	if (b->teardown)
		b->teardown(&r);
	if (v < 0) {
		err = (int)v;
		goto failed;
	}
	sort_values(values, n);
	out = (struct bench_result){ .median = values[n / 2], .samples = n, .cpus = r.cpus };
	if (res)
		*res = out;
	if (!report)
		return 0;
	kprintf("bench: %-32s %lld.%03lld %s  (median of %u, %u CPU%s)\n", b->name,
		out.median / 1000, out.median % 1000, b->unit, n, r.cpus, r.cpus == 1 ? "" : "s");
	kprintf("BENCH {\"name\": \"%s\", \"value\": %lld.%03lld, \"unit\": \"%s\", "
		"\"median_of\": %u, \"cpus\": %u}\n",
		b->name, out.median / 1000, out.median % 1000, b->unit, n, r.cpus);
	return 0;
failed:
	if (err == BENCH_SKIP)
		out.skip_reason = r.skip_reason ? r.skip_reason : BENCH_SKIP_DEFAULT;
	if (res)
		*res = out;
	if (!report)
		return err;
	if (err == BENCH_SKIP) {
		kprintf("bench: %s skipped: %s\n", b->name, out.skip_reason);
		kprintf("BENCH {\"name\": \"%s\", \"skipped\": \"%s\"}\n", b->name,
			out.skip_reason);
		return err;
	}
	kprintf("bench: %s could not run: %s\n", b->name, errno_name(err));
	kprintf("BENCH {\"name\": \"%s\", \"error\": \"%s\"}\n", b->name, errno_name(err));
	return err;
}

int bench_run_list(const struct bench *const *first, const struct bench *const *end,
		   const char *globs, bool report, bool (*stop)(void), struct bench_totals *out)
{
	struct bench_totals tot = { 0 };
	int err;

	for (const struct bench *const *p = first; p < end; p++)
		tot.selected += bench_selected(*p, globs);
	for (int last = 0; last <= 1 && !tot.stopped; last++)
		for (const struct bench *const *p = first; p < end; p++) {
			if ((*p)->runs_last != last || !bench_selected(*p, globs))
				continue;
			/* between two benchmarks only: a sample cut short would
			 * leave its setup undone or its figure wrong */
			if (tot.ran && stop && stop()) {
				tot.stopped = true;
				break;
			}
			tot.ran++;
			err = bench_run_one(*p, NULL, report);
			tot.failed += err < 0 && err != BENCH_SKIP;
		}
	if (out)
		*out = tot;
	return tot.failed;
}

int bench_run_all(const char *globs, bool (*stop)(void), struct bench_totals *out)
{
	return bench_run_list(__start_bench_list, __stop_bench_list, globs, true, stop, out);
}
