/*
 * zdk-host-bench: the host's benchmarks, through the registry of
 * lib/bench.h (the same human and BENCH lines as `make bench` in QEMU).
 *
 *   zdk-host-bench [-l] [GLOBS]
 *
 * Built without sanitizers and with -O2 (`make host-bench`), so the
 * figures are the code's, not the instrumentation's. Benchmarks that need
 * host threads live next to this file; figures are printed, never
 * asserted. Exit status: 0, or 1 if a benchmark could not run or the
 * globs select none.
 */
#include <stdio.h>
#include <string.h>

#include <lib/bench.h>
#include <lib/printk.h>
#include <asm/rcu_host.h>

static void stdout_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
	fflush(stdout);
}

static struct console stdout_console = {
	.name = "stdout",
	.write = stdout_write,
};

int main(int argc, char **argv)
{
	const char *globs = "*";
	struct bench_totals tot;
	int failed;

	console_register(&stdout_console);
	if (argc > 1 && !strcmp(argv[1], "-l")) {
		bench_print_list();
		return 0;
	}
	if (argc > 2 || (argc > 1 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: zdk-host-bench [-l] [GLOBS]\n");
		return 1;
	}
	if (argc > 1)
		globs = argv[1];
	if (!bench_globs_match_any(globs)) {
		fprintf(stderr, "zdk-host-bench: no benchmark matches \"%s\"\n", globs);
		return 1;
	}
	/* what the percpu_ref figures' rcu_read_lock() costs depends on it */
	printf("host-bench: RCU read side: %s (arch/host/rcu.c)\n", rcu_host_read_side());
	failed = bench_run_all(globs, NULL, &tot);
	printf("bench: %u ran, %d could not run\n", tot.ran, failed);
	return failed ? 1 : 0;
}
