/*
 * printk: format, stamp, keep, show.
 *
 * A message is formatted into a line buffer on the caller's stack, given
 * a "[seconds.micros] " stamp, appended to the log ring, and written to
 * every registered console at once: nothing waits in a buffer, so the
 * last line before a crash is always on the serial port.
 *
 * The ring is a byte array written cyclically; `log_head` counts every
 * byte ever written, so the oldest byte still present is
 * max(0, log_head - LOG_BUF_SIZE). Replay starts at the first line
 * boundary after that point.
 *
 * Concurrency: formatting happens on the caller's stack, outside any
 * lock; the append and the console write are one critical section under
 * log_lock with interrupts masked, so lines from several CPUs never
 * interleave. A CPU that cannot get the lock within PRINTK_LOCK_WAIT_NS
 * (a holder that died, a fault inside the console driver on this very
 * CPU, a panic on another CPU) writes anyway, without the lock, and says
 * so once: a crash report must reach the serial port even if a line
 * comes out mangled. The lock is only ever taken with spin_trylock, so
 * the spinlock stall detector (which prints) never runs on it.
 */
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/ktime.h>

#define PRINTK_LOCK_WAIT_NS	(1 * NSEC_PER_SEC)
/* Without a clock (before TSC calibration): give up after this many turns. */
#define PRINTK_LOCK_MAX_SPINS	(1UL << 26)

static struct console *consoles;
static int console_level = LOGLEVEL_DEFAULT;
static bool person_muted;		/* atomic; see console_mute() */
static char held[CONSOLE_HELD_SIZE];	/* muted output, cyclic; under log_lock */
static uint64_t held_head;		/* bytes ever held since the clear */

static char log_buf[LOG_BUF_SIZE];
static uint64_t log_head;		/* bytes ever appended; under log_lock */
static DEFINE_SPINLOCK(log_lock);	/* log_buf, log_head, console output */
static bool log_lock_broken;		/* atomic: a writer went on without it */

/* Interrupts off, then log_lock if it can be had; *locked says if it was. */
static unsigned long log_lock_acquire(bool *locked)
{
	unsigned long flags = arch_irq_save();
	enum spin_bounded got = spin_lock_bounded(&log_lock, &log_lock_broken,
						  PRINTK_LOCK_WAIT_NS, PRINTK_LOCK_MAX_SPINS);

	*locked = got != SPIN_BOUNDED_FAILED;
	if (got == SPIN_BOUNDED_RECOVERED) {
		static const char note[] = "printk: the log lock was held too long; "
					   "lines written meanwhile may be mixed\n";
		for (struct console *c = consoles; c; c = c->next)
			c->write(note, sizeof(note) - 1);
	}
	return flags;
}

static void log_lock_release(bool locked, unsigned long flags)
{
	if (locked)
		spin_unlock(&log_lock);
	arch_irq_restore(flags);
}

#define LINE_MAX	512

void console_register(struct console *con)
{
	con->next = consoles;
	consoles = con;
}

static void hold(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		held[(held_head + i) % CONSOLE_HELD_SIZE] = s[i];
	held_head += len;
}

/* log_lock held (or broken): every console, the person's unless muted. */
static void console_emit(const char *s, size_t len)
{
	bool muted = __atomic_load_n(&person_muted, __ATOMIC_RELAXED);

	for (struct console *c = consoles; c; c = c->next)
		if (c->log_only || !muted)
			c->write(s, len);
	if (muted)
		hold(s, len);
}

void console_write(const char *s, size_t len)
{
	unsigned long flags;
	bool locked;

	flags = log_lock_acquire(&locked);
	console_emit(s, len);
	log_lock_release(locked, flags);
}

bool console_has_log(void)
{
	for (struct console *c = consoles; c; c = c->next)
		if (c->log_only)
			return true;
	return false;
}

void console_mute(bool mute)
{
	__atomic_store_n(&person_muted, mute, __ATOMIC_RELAXED);
}

bool console_muted(void)
{
	return __atomic_load_n(&person_muted, __ATOMIC_RELAXED);
}

void console_write_person(const char *s, size_t len)
{
	unsigned long flags;
	bool locked;

	flags = log_lock_acquire(&locked);
	for (struct console *c = consoles; c; c = c->next)
		if (!c->log_only)
			c->write(s, len);
	log_lock_release(locked, flags);
}

void console_held_clear(void)
{
	unsigned long flags;
	bool locked;

	flags = log_lock_acquire(&locked);
	held_head = 0;
	log_lock_release(locked, flags);
}

/* The held bytes, oldest first, to the person's consoles (from a line start). */
void console_held_replay(void)
{
	unsigned long flags;
	uint64_t start;
	bool locked;

	flags = log_lock_acquire(&locked);
	start = held_head > CONSOLE_HELD_SIZE ? held_head - CONSOLE_HELD_SIZE : 0;
	if (start > 0)
		while (start < held_head && held[start++ % CONSOLE_HELD_SIZE] != '\n')
			;
	for (; start < held_head; start++)
		for (struct console *c = consoles; c; c = c->next)
			if (!c->log_only)
				c->write(&held[start % CONSOLE_HELD_SIZE], 1);
	log_lock_release(locked, flags);
}

void printk_set_console_level(int level)
{
	console_level = level;
}

/* Lines the ring has overwritten (a newline written over); atomic, written under log_lock. */
static uint64_t log_lines_overwritten;

static void log_append(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char *at = &log_buf[(log_head + i) % LOG_BUF_SIZE];

		if (log_head + i >= LOG_BUF_SIZE && *at == '\n')
			__atomic_store_n(&log_lines_overwritten, log_lines_overwritten + 1,
					 __ATOMIC_RELAXED);
		*at = s[i];
	}
	log_head += len;
}

uint64_t log_lines_dropped(void)
{
	/* and once the ring has wrapped, log_replay() skips its first line too */
	return __atomic_load_n(&log_lines_overwritten, __ATOMIC_RELAXED) +
	       (__atomic_load_n(&log_head, __ATOMIC_RELAXED) > LOG_BUF_SIZE);
}

void log_replay(void (*fn)(const char *s, size_t len))
{
	uint64_t start = log_head > LOG_BUF_SIZE ? log_head - LOG_BUF_SIZE : 0;

	/* A wrapped ring starts mid-line: skip to the next whole line. */
	if (start > 0) {
		while (start < log_head && log_buf[start % LOG_BUF_SIZE] != '\n')
			start++;
		start++;
	}
	while (start < log_head) {
		size_t off = start % LOG_BUF_SIZE;
		size_t chunk = LOG_BUF_SIZE - off;

		if (chunk > log_head - start)
			chunk = log_head - start;
		fn(&log_buf[off], chunk);
		start += chunk;
	}
}

int vprintk_level(int level, const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	uint64_t ns = ktime_get_ns();
	unsigned long flags;
	bool locked;
	int n;

	n = scnprintf(line, sizeof(line), "[%5llu.%06llu] ",
		      (unsigned long long)(ns / NSEC_PER_SEC),
		      (unsigned long long)(ns % NSEC_PER_SEC / NSEC_PER_USEC));
	n += vscnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n == (int)sizeof(line) - 1)
		line[n - 1] = '\n';		/* truncated: still a line */
	else if (n == 0 || line[n - 1] != '\n')
		line[n++] = '\n', line[n] = '\0';

	flags = log_lock_acquire(&locked);
	log_append(line, n);
	if (level <= console_level)
		console_emit(line, n);
	log_lock_release(locked, flags);
	return n;
}

int printk_level(int level, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk_level(level, fmt, ap);
	va_end(ap);
	return n;
}

int vkprintf(const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	int n = vscnprintf(line, sizeof(line), fmt, ap);
	unsigned long flags;
	bool locked;

	flags = log_lock_acquire(&locked);
	console_emit(line, n);
	log_lock_release(locked, flags);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}
