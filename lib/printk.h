/*
 * printk: the kernel log.
 *
 * Every message gets a level and a timestamp (seconds.microseconds since
 * the TSC was calibrated; 0.000000 before) and goes, unbuffered, to every
 * registered console as soon as it is formatted, so a crash never loses
 * what came before it. A copy is kept in a ring buffer (LOG_BUF_SIZE) that
 * the shell's `log` command replays.
 *
 * Levels follow Linux: 0 emerg ... 7 debug. Messages above the console
 * level (`loglevel=N` on the command line, default 6 = info) are kept in
 * the ring but not printed.
 *
 * Safe from any context once the console is registered; concurrent
 * callers may interleave by line (a lock comes with SMP).
 */
#ifndef LIB_PRINTK_H
#define LIB_PRINTK_H

#include <stdarg.h>
#include <lib/compiler.h>

#define LOGLEVEL_EMERG		0
#define LOGLEVEL_ALERT		1
#define LOGLEVEL_CRIT		2
#define LOGLEVEL_ERR		3
#define LOGLEVEL_WARNING	4
#define LOGLEVEL_NOTICE		5
#define LOGLEVEL_INFO		6
#define LOGLEVEL_DEBUG		7
#define LOGLEVEL_DEFAULT	LOGLEVEL_INFO

#define LOG_BUF_SIZE		(64 * 1024)

/*
 * A console: something that shows log text to a person or a program.
 * All fields are set before console_register() and immutable after.
 * A log console (`log_only`: COM2 into a file) gets every byte, always;
 * the others (the person's terminal) can be muted while the boot's
 * self-tests run (lib/console_mode.h).
 */
struct console {
	const char *name;
	void (*write)(const char *s, size_t len);	/* must not fail */
	bool log_only;					/* read by no person */
	struct console *next;				/* registry link */
};

void console_register(struct console *con);

__printf(2, 3) int printk_level(int level, const char *fmt, ...);
int vprintk_level(int level, const char *fmt, va_list ap);

/* Raw output to the consoles: no level, no timestamp, not in the ring.
 * For the KTAP stream and the shell, whose format is exact. */
__printf(1, 2) int kprintf(const char *fmt, ...);
int vkprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t len);

void printk_set_console_level(int level);

/*
 * Muting the person's consoles (lib/console_mode.c drives it). While
 * muted, what they would have shown goes to the log consoles only, and
 * its last CONSOLE_HELD_SIZE bytes are held, so that a self-test that
 * fails can show its own output after all (console_held_replay()).
 * console_write_person() writes to the person's consoles only, muted or
 * not: the one-line-per-suite summary.
 */
#define CONSOLE_HELD_SIZE	4096
/* Whether a log console is registered: muting loses nothing. */
bool console_has_log(void);
void console_mute(bool mute);
bool console_muted(void);
void console_held_clear(void);
void console_held_replay(void);
void console_write_person(const char *s, size_t len);

/* Replay the ring buffer, oldest first, through fn. */
void log_replay(void (*fn)(const char *s, size_t len));
/* Lines printed since boot that log_replay() no longer shows (overwritten). */
uint64_t log_lines_dropped(void);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...)	printk_level(LOGLEVEL_EMERG, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	printk_level(LOGLEVEL_CRIT, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk_level(LOGLEVEL_ERR, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk_level(LOGLEVEL_WARNING, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk_level(LOGLEVEL_NOTICE, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk_level(LOGLEVEL_INFO, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk_level(LOGLEVEL_DEBUG, pr_fmt(fmt), ##__VA_ARGS__)

#endif /* LIB_PRINTK_H */
