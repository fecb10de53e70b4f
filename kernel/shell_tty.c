/*
 * The shell's terminal: the prompt line kept whole around messages, the
 * bytes typed while a command runs, ^C (kernel/shell_tty.h).
 */
#include <kernel/shell_tty.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/term_line.h>
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <asm/platform.h>

#define CTRL_C			0x03
/* The bounded wait for tty_lock: longer than any holder keeps it (a
 * message of 511 bytes and a redraw take 50 ms at 115200 baud), short
 * enough that a crash report is not held up for long; the spin count
 * bounds it if the clock reads 0. */
#define TTY_LOCK_WAIT_NS	(200 * NSEC_PER_MSEC)
#define TTY_LOCK_MAX_SPINS	(1UL << 26)
#define ECHO_CHUNK		200	/* kprintf formats at most 511 bytes at once */
/* A command may ask for ^C in a tight loop (ktest's 100000 repeats): the
 * UART is read at most this often, far below what a person notices. */
#define POLL_EVERY_NS		(1 * NSEC_PER_MSEC)

static DEFINE_SPINLOCK(tty_lock);
static struct term_line line;		/* under tty_lock */
static struct {
	char buf[SHELL_TTY_AHEAD];
	unsigned int head, tail;	/* bytes ever put, ever taken */
} ahead;				/* under tty_lock */
static bool interrupted;		/* atomic: a ^C since the last clear */
static uint64_t last_poll_ns;		/* atomic: when the UART was last read for ^C */
/*
 * The CPU writing the shell's own prompt or echo, -1 if none: set and
 * cleared by the shell thread with interrupts masked around its write, so
 * nothing else can write from that CPU meanwhile. begin_prompt: the
 * prompt that write shows (NULL for an echo). Atomic.
 */
static int echo_cpu = -1;
static const char *begin_prompt;

static bool tty_lock_bounded(void)
{
	uint64_t start = ktime_get_ns();

	for (unsigned long spins = 0; !spin_trylock(&tty_lock); spins++) {
		if (spins > TTY_LOCK_MAX_SPINS ||
		    (start && ktime_get_ns() - start > TTY_LOCK_WAIT_NS))
			return false;
		cpu_relax();
	}
	return true;
}

/* The console filter (arch_console_set_filter): every write to COM1. */
static void tty_filter(const char *s, size_t n, arch_console_raw_fn *raw)
{
	unsigned long flags = arch_irq_save();
	bool own = __atomic_load_n(&echo_cpu, __ATOMIC_RELAXED) == (int)smp_processor_id();

	if (!tty_lock_bounded()) {
		raw(s, n);
		arch_irq_restore(flags);
		return;
	}
	if (own && __atomic_load_n(&begin_prompt, __ATOMIC_RELAXED))
		term_line_begin(&line, begin_prompt, raw);	/* writes the prompt: s */
	else if (own)
		term_line_echo(&line, s, n, raw);
	else
		term_line_message(&line, s, n, raw);
	spin_unlock(&tty_lock);
	arch_irq_restore(flags);
}

void shell_tty_open(void)
{
	arch_console_set_filter(tty_filter);
}

/* Write the shell's own bytes through printk's console path, marked as its. */
static void own_write(const char *prompt, const char *s, size_t n)
{
	unsigned long flags = arch_irq_save();

	__atomic_store_n(&begin_prompt, prompt, __ATOMIC_RELAXED);
	__atomic_store_n(&echo_cpu, (int)smp_processor_id(), __ATOMIC_RELAXED);
	for (size_t off = 0; off < n; off += ECHO_CHUNK)
		kprintf("%.*s", (int)MIN((size_t)ECHO_CHUNK, n - off), s + off);
	__atomic_store_n(&echo_cpu, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&begin_prompt, NULL, __ATOMIC_RELAXED);
	arch_irq_restore(flags);
}

void shell_tty_prompt(const char *prompt)
{
	own_write(prompt, prompt, strlen(prompt));
}

void shell_tty_echo(const char *s, size_t n)
{
	own_write(NULL, s, n);
}

void shell_tty_line_done(void)
{
	unsigned long flags = arch_irq_save();

	if (tty_lock_bounded()) {
		term_line_end(&line);
		spin_unlock(&tty_lock);
	}
	arch_irq_restore(flags);
}

int shell_tty_getc(void)
{
	for (;;) {
		unsigned long flags = arch_irq_save();
		int c = -1;

		if (tty_lock_bounded()) {
			if (ahead.tail != ahead.head)
				c = (unsigned char)ahead.buf[ahead.tail++ % SHELL_TTY_AHEAD];
			else
				c = arch_console_trygetc();
			spin_unlock(&tty_lock);
		}
		arch_irq_restore(flags);
		if (c >= 0)
			return c;
		cpu_relax();
	}
}

bool shell_tty_poll_interrupt(void)
{
	uint64_t now = ktime_get_ns();
	unsigned long flags;
	bool ctrl_c = false;
	int c;

	if (__atomic_load_n(&interrupted, __ATOMIC_RELAXED))
		return true;
	if (now - __atomic_load_n(&last_poll_ns, __ATOMIC_RELAXED) < POLL_EVERY_NS)
		return false;
	__atomic_store_n(&last_poll_ns, now, __ATOMIC_RELAXED);
	flags = arch_irq_save();
	if (tty_lock_bounded()) {
		while (ahead.head - ahead.tail < SHELL_TTY_AHEAD &&
		       (c = arch_console_trygetc()) >= 0) {
			if (c == CTRL_C)
				ctrl_c = true;
			else
				ahead.buf[ahead.head++ % SHELL_TTY_AHEAD] = (char)c;
		}
		spin_unlock(&tty_lock);
	}
	arch_irq_restore(flags);
	if (ctrl_c && !__atomic_exchange_n(&interrupted, true, __ATOMIC_RELAXED))
		kprintf("^C\n");
	return __atomic_load_n(&interrupted, __ATOMIC_RELAXED);
}

void shell_tty_clear_interrupt(void)
{
	__atomic_store_n(&interrupted, false, __ATOMIC_RELAXED);
	__atomic_store_n(&last_poll_ns, 0, __ATOMIC_RELAXED);	/* the next ask reads the UART */
}
