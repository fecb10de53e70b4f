/*
 * Suite mm.memremap.modes: the teaching modes' boot parameters
 * (mm/memremap_modes.h), parsed from command lines written here. Only
 * memremap_modes_parse() runs: the kernel's own modes are not touched.
 *
 * A refusal must say what was wrong: each such case counts the log lines
 * holding the expected message (log_replay) before and after the parse,
 * and expects exactly one more.
 */
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <mm/memremap_modes.h>

static struct cmdline cl;	/* 3 KiB: not on the stack; one case at a time */

static int parse(struct ktest *t, const char *line, struct memremap_modes *m)
{
	ASSERT_EQ(t, cmdline_parse(&cl, line), 0);
	m->refs = m->teardown = -1;
	return memremap_modes_parse(&cl, m);
}

/* --- counting log lines ---------------------------------------------------- */

static struct {
	const char *needle;
	char line[512];
	size_t len;
	unsigned int found;
} scan;

static void scan_piece(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\n') {
			if (scan.len < sizeof(scan.line) - 1)
				scan.line[scan.len++] = s[i];
			continue;
		}
		scan.line[scan.len] = '\0';
		scan.found += strstr(scan.line, scan.needle) != NULL;
		scan.len = 0;
	}
}

/* Lines of the log ring that hold needle. */
static unsigned int log_lines_with(const char *needle)
{
	scan.needle = needle;
	scan.len = 0;
	scan.found = 0;
	log_replay(scan_piece);
	return scan.found;
}

/* Parse line and expect -EINVAL with exactly one new log line holding msg. */
static void expect_refused(struct ktest *t, const char *line, const char *msg,
			   struct memremap_modes *m)
{
	unsigned int before = log_lines_with(msg);

	EXPECT_EQ(t, parse(t, line, m), -EINVAL);
	EXPECT_EQ(t, log_lines_with(msg), before + 1);
}

/* --- accepted ---------------------------------------------------------------- */

static void absent_parameters_give_the_defaults(struct ktest *t)
{
	struct memremap_modes m;
	unsigned int before = log_lines_with("memremap: ");

	EXPECT_EQ(t, parse(t, "ktest=* shell=off", &m), 0);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_SINGLE);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_FIXED);
	EXPECT_EQ(t, log_lines_with("memremap: "), before);
}

static void every_refs_value_is_accepted(struct ktest *t)
{
	static const char *const lines[] = {
		"zone_device.refs=single", "zone_device.refs=legacy",
		"zone_device.refs=regression",
	};
	static const int want[] = {
		ZONE_DEVICE_REFS_SINGLE, ZONE_DEVICE_REFS_LEGACY, ZONE_DEVICE_REFS_REGRESSION,
	};
	struct memremap_modes m;

	for (unsigned int i = 0; i < ARRAY_SIZE(lines); i++) {
		EXPECT_EQ(t, parse(t, lines[i], &m), 0);
		EXPECT_EQ(t, m.refs, want[i]);
		EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_FIXED);
		/* the name printed for the value is the one on the command line */
		EXPECT_STREQ(t, zone_device_refs_name(m.refs),
			     strchr(lines[i], '=') + 1);
	}
}

static void both_teardown_values_are_accepted(struct ktest *t)
{
	struct memremap_modes m;

	EXPECT_EQ(t, parse(t, "memremap.teardown=fixed", &m), 0);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_FIXED);
	EXPECT_STREQ(t, memremap_teardown_name(m.teardown), "fixed");
	EXPECT_EQ(t, parse(t, "memremap.teardown=v4.12", &m), 0);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_V4_12);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_SINGLE);
	EXPECT_STREQ(t, memremap_teardown_name(m.teardown), "v4.12");
}

static void v4_12_with_single_refs_is_accepted(struct ktest *t)
{
	struct memremap_modes m;

	EXPECT_EQ(t, parse(t, "zone_device.refs=single memremap.teardown=v4.12", &m), 0);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_SINGLE);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_V4_12);
}

static void last_occurrence_wins(struct ktest *t)
{
	struct memremap_modes m;

	EXPECT_EQ(t, parse(t, "zone_device.refs=legacy zone_device.refs=regression", &m), 0);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_REGRESSION);
}

static void old_pgmap_mode_parameter_is_not_read(struct ktest *t)
{
	struct memremap_modes m;

	EXPECT_EQ(t, parse(t, "pgmap.mode=legacy", &m), 0);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_SINGLE);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_FIXED);
}

static void out_of_range_values_are_named_as_unknown(struct ktest *t)
{
	EXPECT_STREQ(t, zone_device_refs_name(ZONE_DEVICE_REFS_REGRESSION + 1), "?");
	EXPECT_STREQ(t, zone_device_refs_name(-1), "?");
	EXPECT_STREQ(t, memremap_teardown_name(MEMREMAP_TEARDOWN_V4_12 + 1), "?");
}

/* --- refused ----------------------------------------------------------------- */

static void unknown_refs_value_keeps_single(struct ktest *t)
{
	struct memremap_modes m;

	expect_refused(t, "zone_device.refs=fast memremap.teardown=v4.12",
		       "zone_device.refs=fast: unknown value; accepted: single, legacy, "
		       "regression (keeping single)", &m);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_SINGLE);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_V4_12);	/* valid on its own */
}

static void old_v4_12_spelling_keeps_fixed(struct ktest *t)
{
	struct memremap_modes m;

	expect_refused(t, "memremap.teardown=v4_12",
		       "memremap.teardown=v4_12: unknown value; accepted: fixed, v4.12 "
		       "(keeping fixed)", &m);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_FIXED);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_SINGLE);
}

static void bare_flag_and_empty_value_are_refused(struct ktest *t)
{
	struct memremap_modes m;
	const char *msg = "zone_device.refs=: unknown value; accepted: single, legacy, "
			  "regression (keeping single)";

	expect_refused(t, "zone_device.refs", msg, &m);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_SINGLE);
	expect_refused(t, "zone_device.refs=", msg, &m);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_SINGLE);
}

static void both_unknown_give_two_errors(struct ktest *t)
{
	struct memremap_modes m;
	unsigned int before = log_lines_with(": unknown value; accepted: ");

	EXPECT_EQ(t, parse(t, "zone_device.refs=x memremap.teardown=y", &m), -EINVAL);
	EXPECT_EQ(t, log_lines_with(": unknown value; accepted: "), before + 2);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_SINGLE);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_FIXED);
}

static void v4_12_with_legacy_refs_keeps_fixed(struct ktest *t)
{
	struct memremap_modes m;

	expect_refused(t, "zone_device.refs=legacy memremap.teardown=v4.12",
		       "memremap.teardown=v4.12 with zone_device.refs=legacy: refused", &m);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_LEGACY);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_FIXED);
}

static void v4_12_with_regression_refs_keeps_fixed(struct ktest *t)
{
	struct memremap_modes m;
	unsigned int kept = log_lines_with("(keeping memremap.teardown=fixed)");

	expect_refused(t, "memremap.teardown=v4.12 zone_device.refs=regression",
		       "memremap.teardown=v4.12 with zone_device.refs=regression: refused", &m);
	EXPECT_EQ(t, log_lines_with("(keeping memremap.teardown=fixed)"), kept + 1);
	EXPECT_EQ(t, m.refs, ZONE_DEVICE_REFS_REGRESSION);
	EXPECT_EQ(t, m.teardown, MEMREMAP_TEARDOWN_FIXED);
}

static const struct ktest_case params_cases[] = {
	KTEST_CASE(absent_parameters_give_the_defaults, "no parameter: refs=single, teardown=fixed, no message"),
	KTEST_CASE(every_refs_value_is_accepted, "single, legacy, regression parse to their modes"),
	KTEST_CASE(both_teardown_values_are_accepted, "fixed and v4.12 parse to their orders"),
	KTEST_CASE(v4_12_with_single_refs_is_accepted, "the v4.12 teardown goes with refs=single"),
	KTEST_CASE(last_occurrence_wins, "a repeated parameter: the last value counts"),
	KTEST_CASE(old_pgmap_mode_parameter_is_not_read, "pgmap.mode= is no alias: defaults stay"),
	KTEST_CASE(out_of_range_values_are_named_as_unknown, "names of values outside the enums are '?'"),
	KTEST_CASE(unknown_refs_value_keeps_single, "an unknown refs value: one error, single kept"),
	KTEST_CASE(old_v4_12_spelling_keeps_fixed, "teardown=v4_12 is unknown: one error, fixed kept"),
	KTEST_CASE(bare_flag_and_empty_value_are_refused, "refs without a value: one error each"),
	KTEST_CASE(both_unknown_give_two_errors, "two bad parameters: two errors, both defaults"),
	KTEST_CASE(v4_12_with_legacy_refs_keeps_fixed, "v4.12 with refs=legacy: refused naming both"),
	KTEST_CASE(v4_12_with_regression_refs_keeps_fixed, "v4.12 with refs=regression: refused, fixed kept"),
	{ 0 },
};
KTEST_SUITE(params_suite, "mm.memremap.modes", params_cases);
