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
#include <lib/typeahead.h>
#include <asm/cpu.h>
#include <asm/platform.h>

#define CTRL_C			0x03
/* The bounded wait for tty_lock: longer than any holder keeps it (a
 * message of 511 bytes and a redraw take 50 ms at 115200 baud), short
 * enough that a crash report is not held up for long; the spin count
 * bounds it if the clock reads 0. */
#define TTY_LOCK_WAIT_NS	(200 * NSEC_PER_MSEC)
#define TTY_LOCK_MAX_SPINS	(1UL << 26)
#define OWN_CHUNK		256	/* the shell's own bytes per console write */
/* A command may ask for ^C in a tight loop (ktest's 100000 repeats): the
 * UART is read at most this often, far below what a person notices. */
#define POLL_EVERY_NS		(1 * NSEC_PER_MSEC)
/* Bytes read from the UART at one ask, tty_lock held and interrupts
 * masked: a sender faster than the reader never holds the command up
 * for long, and the next ask reads on. */
#define POLL_MAX_BYTES		512

static DEFINE_SPINLOCK(tty_lock);
static bool tty_lock_broken;		/* atomic: a wait for tty_lock ran out */
static struct term_line line;		/* under tty_lock */
static struct typeahead ahead;		/* under tty_lock */
static bool interrupted;		/* atomic: a ^C since the last clear */
static uint64_t last_poll_ns;		/* atomic: when the UART was last read for ^C */
/*
 * The shell's own output is written from own_buf and from nowhere else,
 * so the filter knows it by that address (lib/term_line.h, struct
 * term_own). own_buf and own.prompt are the shell thread's: it writes them
 * before its console_write(), and the filter reads own.prompt only for a
 * write from own_buf, which is that call.
 */
static char own_buf[OWN_CHUNK];
static struct term_own own = { .buf = own_buf };

static bool tty_lock_bounded(void)
{
	return spin_lock_bounded(&tty_lock, &tty_lock_broken, TTY_LOCK_WAIT_NS,
				 TTY_LOCK_MAX_SPINS) != SPIN_BOUNDED_FAILED;
}

/* The console filter (arch_console_set_filter): every write to COM1. */
static void tty_filter(const char *s, size_t n, arch_console_raw_fn *raw)
{
	unsigned long flags = arch_irq_save();

	if (tty_lock_bounded()) {
		term_line_write(&line, &own, s, n, raw);
		spin_unlock(&tty_lock);
	} else {
		raw(s, n);
	}
	arch_irq_restore(flags);
}

void shell_tty_open(void)
{
	arch_console_set_filter(tty_filter);
}

/* Write the shell's own bytes through printk's console path, from own_buf. */
static void own_write(const char *prompt, const char *s, size_t n)
{
	own.prompt = prompt;
	for (size_t off = 0; off < n; off += OWN_CHUNK) {
		size_t len = MIN(n - off, (size_t)OWN_CHUNK);

		memcpy(own_buf, s + off, len);
		console_write(own_buf, len);
		if (prompt)
			break;		/* the filter draws the prompt whole, once */
	}
	own.prompt = NULL;
}

/* What the type-ahead lost since the last prompt, said once. */
static void say_what_was_lost(void)
{
	unsigned long flags = arch_irq_save(), dropped = 0, discarded = 0;

	if (tty_lock_bounded()) {
		typeahead_take_counts(&ahead, &dropped, &discarded);
		spin_unlock(&tty_lock);
	}
	arch_irq_restore(flags);
	if (dropped)
		kprintf("shell: type-ahead full: %lu byte%s dropped\n", dropped,
			dropped == 1 ? "" : "s");
	if (discarded)
		kprintf("shell: Ctrl-C discarded %lu byte%s typed ahead\n", discarded,
			discarded == 1 ? "" : "s");
}

void shell_tty_prompt(const char *prompt)
{
	say_what_was_lost();
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

/*
 * At the prompt (tty_lock held): what the UART holds, into the ring, up
 * to the end of the line being typed: the shell reads a line as it runs
 * it, and what comes after it is the next command's type-ahead (a ^C
 * right behind a line stops the command that line runs). The editor
 * reads the ring at once, so nothing is dropped for room here. A ^C
 * before the line's end discards what the ring holds and goes in alone,
 * read before anything typed after it.
 */
static void read_at_prompt(void)
{
	int c;

	while (!typeahead_has_line(&ahead) && !typeahead_full(&ahead) &&
	       (c = arch_console_trygetc()) >= 0) {
		if (c == CTRL_C) {
			typeahead_discard(&ahead);
			typeahead_put(&ahead, CTRL_C);
			return;
		}
		typeahead_put(&ahead, (char)c);
	}
}

int shell_tty_getc(void)
{
	for (;;) {
		unsigned long flags = arch_irq_save();
		int c;

		if (tty_lock_bounded()) {
			read_at_prompt();
			c = typeahead_get(&ahead);
			spin_unlock(&tty_lock);
		} else {
			/* the ring's lock is lost (a fault inside the filter): the
			 * UART alone keeps the shell usable */
			c = arch_console_trygetc();
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
		/* a full ring drops, it does not stop the reading: the ^C
		 * behind what does not fit is seen */
		for (unsigned int i = 0; i < POLL_MAX_BYTES && (c = arch_console_trygetc()) >= 0;
		     i++) {
			if (c == CTRL_C) {
				typeahead_discard(&ahead);	/* as a terminal: not run */
				ctrl_c = true;
			} else {
				typeahead_put(&ahead, (char)c);
			}
		}
		spin_unlock(&tty_lock);
	} else {
		/* the ring's lock is lost (a fault inside the filter): the ring is
		 * not ours to touch, but Ctrl-C must still stop the command; the
		 * bytes read besides it are lost, as the ring's state is */
		for (unsigned int i = 0; i < POLL_MAX_BYTES && (c = arch_console_trygetc()) >= 0;
		     i++)
			ctrl_c |= c == CTRL_C;
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
