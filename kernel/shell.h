/*
 * The serial shell: `zdk> `, one command per line.
 *
 * Each subsystem registers its own commands by dropping a pointer in the
 * "shell_cmds" linker section with SHELL_COMMAND, next to the code it
 * drives; the shell itself knows none of them.
 *
 *   static int cmd_uptime(int argc, char **argv) { ... return 0; }
 *   SHELL_COMMAND(uptime, "[-s]", "time since boot",
 *                 "-s: in seconds (default: milliseconds)\n"
 *                 "example: uptime -s\n", cmd_uptime);
 *
 * The definition is the command's only documentation the shell shows:
 * `help` lists each name with its one-line summary, `help NAME` prints
 * "usage: NAME ARGS" and then doc, the full syntax: every argument in
 * ARGS described as "WORD: ..." with its unit and the range allowed, and
 * at least one line starting "example". Suite kernel.shell.help checks
 * that every command's doc does.
 *
 * A command whose parser takes words as they are spelt (subcommands such
 * as "list" or "wait", the values of an argument such as STATE's "gone")
 * lists them in a table of struct shell_keyword, registered with it
 * (SHELL_COMMAND_KEYWORDS) and looked up by its parser (shell_keyword()):
 * what the parser takes and what kernel.shell.help checks `help NAME`
 * describes come from that one table.
 *
 * run() gets argv[0] = the command's name. It prints its own output, and
 * for bad arguments one line "NAME: what was wrong" (shell_usage_error()
 * helps), returning non-zero; the prompt always comes back. A command
 * that can run long asks shell_interrupted() at its safe points and
 * stops there on ^C, releasing what it holds; every wait it does on the
 * user's behalf goes through shell_wait(), which stops on ^C too.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <lib/compiler.h>

/*
 * A word a command's parser takes as it is spelt. arg NULL: a subcommand
 * or keyword, a word of the usage that starts an entry of the doc
 * ("wait [SECONDS]: ..."); arg "STATE": one of the values argument STATE
 * takes, listed in STATE's entry of the doc ("STATE: live, dying, ...").
 */
struct shell_keyword {
	const char *word;
	const char *arg;
};
#define SHELL_WORD(word_)		{ .word = word_ }
#define SHELL_VALUE(arg_, word_)	{ .word = word_, .arg = arg_ }

struct shell_cmd {
	const char *name;
	const char *args;		/* usage of the arguments, "" if none */
	const char *help;		/* one line */
	const char *doc;		/* `help NAME`: lines, each ending "\n" */
	int (*run)(int argc, char **argv);
	/* the words its parser takes, ending with { NULL }; NULL: none */
	const struct shell_keyword *keywords;
};

#define SHELL_COMMAND_KEYWORDS(name_, args_, help_, doc_, fn_, keywords_) \
	static const struct shell_cmd __shell_cmd_##name_ = {		\
		.name = #name_, .args = args_, .help = help_, .doc = doc_, \
		.run = fn_, .keywords = keywords_,			\
	};								\
	static const struct shell_cmd *const __shell_ptr_##name_	\
		__used __section("shell_cmds") = &__shell_cmd_##name_
#define SHELL_COMMAND(name_, args_, help_, doc_, fn_)			\
	SHELL_COMMAND_KEYWORDS(name_, args_, help_, doc_, fn_, NULL)

/*
 * The index in keywords (ending with { NULL }) of word, among those of
 * arg (NULL: the subcommands and keywords); -1 if it is none of them.
 */
int shell_keyword(const struct shell_keyword *keywords, const char *arg, const char *word);
/* Is word (its first len bytes) a word of usage args (words are split at
 * blanks and at [ ] | ( ) . ,)? */
bool shell_usage_has(const char *args, const char *word, size_t len);
/* Those of arg (NULL: the subcommands), as "a, b or c", into buf; buf. */
const char *shell_keyword_list(const struct shell_keyword *keywords, const char *arg,
			       char *buf, size_t size);

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
 * with it and the range allowed ("NAME: WHAT 'S': ..."). WHAT starts with
 * the argument's name as the command's usage spells it (a warning says
 * otherwise: the error would name an argument `help` does not know).
 */
bool shell_number(char **argv, const char *what, const char *s, unsigned long min,
		  unsigned long max, unsigned long *out);
/* Iterate the commands in name order (for `help`). */
void shell_for_each_cmd(void (*fn)(const struct shell_cmd *cmd));
/* The command called name, or NULL. */
const struct shell_cmd *shell_find_cmd(const char *name);

/*
 * ^C. Has the person asked the command typed at the prompt to stop? Looks
 * at the console at once (kernel/shell_tty.h: other bytes typed meanwhile
 * are kept for the next line). A command calls it at safe points only,
 * where it can stop cleanly, and then says "NAME: interrupted after ...".
 * Callable from a thread the shell waits for (pin's, on another CPU).
 * Always false for a command not typed at the prompt (the self-tests run
 * commands with shell_exec()) and while masked.
 */
bool shell_interrupted(void);
/*
 * Mask (true) or unmask (false) ^C for the commands run inside this one;
 * nests. `ktest` masks it while its cases run, so that a command a case
 * runs never stops half-way, and asks for ^C itself between cases.
 */
void shell_interrupt_mask(bool mask);

#define SHELL_WAIT_POLL_MS	10
#define SHELL_INTERRUPTED	130	/* the status of a command stopped by ^C */

/*
 * Wait on the person's behalf until done(arg) (NULL: only the time),
 * at most timeout_ms (0: no limit), looking at done() and for ^C every
 * SHELL_WAIT_POLL_MS while other threads run: 0 once done, -ETIMEDOUT,
 * or -EINTR on ^C. *waited_ms (if not NULL): how long it waited.
 */
int shell_wait(bool (*done)(void *arg), void *arg, unsigned long timeout_ms,
	       unsigned long *waited_ms);

#endif /* KERNEL_SHELL_H */
