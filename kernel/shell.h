/*
 * The serial shell: `zdk> `, one command per line.
 *
 * Each subsystem registers its own commands by dropping a pointer in the
 * "shell_cmds" linker section with SHELL_COMMAND, next to the code it
 * drives; the shell itself knows none of them.
 *
 *   static int cmd_uptime(int argc, char **argv) { ... return 0; }
 *   SHELL_COMMAND(uptime, "", "time since boot", cmd_uptime);
 *
 * run() gets argv[0] = the command's name. It prints its own output, and
 * for bad arguments one line "NAME: what was wrong" (shell_usage_error()
 * helps), returning non-zero; the prompt always comes back.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <lib/compiler.h>

struct shell_cmd {
	const char *name;
	const char *args;		/* usage of the arguments, "" if none */
	const char *help;		/* one line */
	int (*run)(int argc, char **argv);
};

#define SHELL_COMMAND(name_, args_, help_, fn_)				\
	static const struct shell_cmd __shell_cmd_##name_ = {		\
		.name = #name_, .args = args_, .help = help_, .run = fn_, \
	};								\
	static const struct shell_cmd *const __shell_ptr_##name_	\
		__used __section("shell_cmds") = &__shell_cmd_##name_

/*
 * What the shell itself holds between commands (`pin`'s pages, a queue
 * `pmem freeze` froze): a command that would wait until it is released
 * asks first and refuses, because the shell, busy waiting, could never
 * release it. holds(name, what, size): does the shell hold something
 * that a wait for the device called name (NULL: for any device, as the
 * self-tests may touch them all) would wait for? If so, say what in
 * `what`, naming the command that releases it.
 */
struct shell_hold {
	bool (*holds)(const char *name, char *what, size_t size);
};

#define SHELL_HOLD(name_, fn_)						\
	static const struct shell_hold __shell_hold_##name_ = { .holds = fn_ }; \
	static const struct shell_hold *const __shell_hold_ptr_##name_	\
		__used __section("shell_holds") = &__shell_hold_##name_

/* Does the shell hold something a wait for device name (NULL: any) would
 * wait for? Describes the first such thing in what. */
bool shell_holds(const char *name, char *what, size_t size);

/* Read and run commands forever. */
__noreturn void shell_run(void);
/* Run one command line; returns the command's status (127: unknown). */
int shell_exec(char *line);
/* Run the command argv[0] with its arguments (argv[argc] is NULL). */
int shell_exec_argv(int argc, char **argv);

/* Print "NAME: MESSAGE" and "usage: NAME ARGS"; returns 2. */
__printf(2, 3) int shell_usage_error(char **argv, const char *fmt, ...);
/*
 * Argument s as a number from min to max (decimal, 0x hex, K/M/G: see
 * parse_ulong()): true and *out, or false after printing what was wrong
 * with it and the range allowed ("NAME: WHAT 'S': ...").
 */
bool shell_number(char **argv, const char *what, const char *s, unsigned long min,
		  unsigned long max, unsigned long *out);
/* Iterate the commands in name order (for `help`). */
void shell_for_each_cmd(void (*fn)(const struct shell_cmd *cmd));

#endif /* KERNEL_SHELL_H */
