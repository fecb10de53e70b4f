/*
 * zdk-host-tests: the generic code's ktest suites, run as a process.
 *
 *   zdk-host-tests [-l] [GLOBS...]
 *
 * GLOBS select suites and cases exactly as `ktest=` does in the kernel
 * (comma-separated; several arguments are joined with commas; default
 * "*"). -l lists the suites and cases instead. The KTAP output goes to
 * stdout, unbuffered. Exit status: 0 all passed, 1 a case failed or the
 * globs select nothing, 2 a crash (panic or a sanitizer report).
 */
#include <kernel/padata.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/common_interface_defs.h>

#include <kernel/smp.h>
#include <lib/ktest.h>
#include <lib/printk.h>

static void stdout_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
	fflush(stdout);
}

static struct console stdout_console = {
	.name = "stdout",
	.write = stdout_write,
};

/* A sanitizer report ends the process: report the running case first. */
static void sanitizer_died(void)
{
	ktest_crash("sanitizer report (see stderr)");
	fflush(stdout);
}

/* The sanitizers read these at start-up: a report exits with the crash
 * status, as panic() does. The same file serves the ASan/UBSan build and
 * the ThreadSanitizer one (make tsan-tests); each runtime reads its own. */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__tsan_default_options(void);

const char *__asan_default_options(void)
{
	return "exitcode=2";
}

const char *__ubsan_default_options(void)
{
	return "exitcode=2:print_stacktrace=1";
}

/* The first data race ends the run, reported against the running case. */
const char *__tsan_default_options(void)
{
	return "halt_on_error=1:exitcode=2";
}

static void usage(FILE *f)
{
	fprintf(f, "usage: zdk-host-tests [-l] [GLOBS...]\n"
		   "  GLOBS  comma-separated suite or suite.case globs (default \"*\")\n"
		   "  -l     list the suites and cases\n");
}

/* Join argv[first..argc) with commas into one glob list (caller frees);
 * "*" when there are none. */
static char *join_globs(int argc, char **argv, int first)
{
	size_t len = 2;
	char *globs;

	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	globs = calloc(1, len);
	if (!globs) {
		perror("zdk-host-tests");
		exit(2);
	}
	for (int i = first; i < argc; i++) {
		if (i > first)
			strcat(globs, ",");
		strcat(globs, argv[i]);
	}
	if (first >= argc)
		strcpy(globs, "*");
	return globs;
}

int main(int argc, char **argv)
{
	struct ktest_totals totals;
	bool list = false;
	char *globs;
	int first = 1;
	int failed;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "-l")) {
		list = true;
		first = 2;
	}

	console_register(&stdout_console);
	__sanitizer_set_death_callback(sanitizer_died);

	if (list) {
		ktest_list();
		return 0;
	}

	globs = join_globs(argc, argv, first);
	if (!ktest_globs_match_any(globs)) {
		fprintf(stderr, "zdk-host-tests: no test matches \"%s\"\n", globs);
		usage(stderr);
		free(globs);
		return 1;
	}

	/* threads stand in for CPUs; the pmem suites get stand-in ranges,
	 * but no NFIT lists an NVDIMM here */
	ktest_set_machine(&(struct ktest_machine){
		.cpus = num_online_cpus(),
		.no_nvdimm = "the host build has only stand-in ranges",
		.no_pmem = NULL,
	});
	padata_init();			/* as start_kernel does once the CPUs are up */
	failed = ktest_run(globs, 1, &totals);
	free(globs);
	return failed ? 1 : 0;
}
