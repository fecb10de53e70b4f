/*
 * lib.boot_param: the registry of known boot parameters and the check
 * that names the unknown ones (lib/boot_param.h). page_poison and
 * zone_device.refs are declared by mm/, which both builds have.
 */
#include <lib/boot_param.h>
#include <lib/ktest.h>
#include <lib/string.h>

static struct cmdline cl;		/* static: 3 KiB */

static void known_parameters_are_found(struct ktest *t)
{
	const struct boot_param *p = boot_param_find("page_poison");

	ASSERT_NOT_NULL(t, p);
	EXPECT_STREQ(t, p->name, "page_poison");
	EXPECT_NOT_NULL(t, boot_param_find("zone_device.refs"));
	EXPECT_NULL(t, boot_param_find("page_posion"));
	EXPECT_NULL(t, boot_param_find("page"));		/* no prefix match */
}

static void unknown_parameters_are_counted(struct ktest *t)
{
	unsigned long warns = ktest_warnings(t);

	ASSERT_EQ(t, cmdline_parse(&cl, "page_poison=on page_posion=on quiet "
				   "zone_device.refs=single"), 0);
	EXPECT_EQ(t, boot_params_check(&cl), 2);	/* the typo and quiet */
	EXPECT_EQ(t, ktest_warnings(t), warns);		/* a message, not a WARN */
	ASSERT_EQ(t, cmdline_parse(&cl, ""), 0);
	EXPECT_EQ(t, boot_params_check(&cl), 0);
}

static const char *seen[64];
static unsigned int nseen;

static void collect(const struct boot_param *p, void *arg)
{
	if (nseen < ARRAY_SIZE(seen))
		seen[nseen] = p->name;
	nseen++;
}

static void listed_once_in_name_order(struct ktest *t)
{
	nseen = 0;
	boot_param_for_each(collect, NULL);
	ASSERT_TRUE(t, nseen >= 2 && nseen <= ARRAY_SIZE(seen));
	for (unsigned int i = 1; i < nseen; i++)
		EXPECT_TRUE(t, strcmp(seen[i - 1], seen[i]) < 0);
}

static void defaults_are_read_from_the_values(struct ktest *t)
{
	static const struct boot_param colon = { "x", "N (default: from the clock)", "" };
	static const struct boot_param flag = { "y", "flag", "" };
	static const struct boot_param unclosed = { "z", "N (default 5", "" };
	char buf[32];

	ASSERT_TRUE(t, boot_param_default(boot_param_find("page_poison"), buf, sizeof(buf)));
	EXPECT_STREQ(t, buf, "off");
	ASSERT_TRUE(t, boot_param_default(boot_param_find("zone_device.refs"), buf, sizeof(buf)));
	EXPECT_STREQ(t, buf, "single");
	ASSERT_TRUE(t, boot_param_default(&colon, buf, sizeof(buf)));
	EXPECT_STREQ(t, buf, "from the clock");
	ASSERT_TRUE(t, boot_param_default(&colon, buf, 5));	/* cut to the buffer */
	EXPECT_STREQ(t, buf, "from");
	EXPECT_FALSE(t, boot_param_default(&flag, buf, sizeof(buf)));
	EXPECT_FALSE(t, boot_param_default(&unclosed, buf, sizeof(buf)));
}

static const struct ktest_case boot_param_cases[] = {
	KTEST_CASE(known_parameters_are_found, "a declared parameter is found by its exact name"),
	KTEST_CASE(unknown_parameters_are_counted,
		   "each argument nothing declares is named and counted"),
	KTEST_CASE(listed_once_in_name_order, "the list has each parameter once, sorted"),
	KTEST_CASE(defaults_are_read_from_the_values,
		   "the default a parameter's values text states, or none"),
	{}
};
KTEST_SUITE(boot_param_suite, "lib.boot_param", boot_param_cases);
