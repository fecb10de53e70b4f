/*
 * The shell's terminal: the console it reads (COM1), which every kernel
 * message shares.
 *
 * Output. Once the shell opens (shell_tty_open()), everything the console
 * shows goes through one struct term_line (lib/term_line.h): the shell's
 * prompt and echo are tracked as the line being edited, and a message
 * printed meanwhile (printk or kprintf from another thread or CPU: a
 * background unbind finishing) erases that line, is written, and has the
 * prompt and the typed text drawn again after it, cursor in place. The
 * shell's own output goes through printk's console path like any other
 * (so every console, the log one too, gets it), written from a buffer of
 * its own: the console filter knows it by that buffer (struct term_own),
 * so nothing else, not even output printk slips in on the same CPU in the
 * middle of the shell's write, is taken for it.
 *
 * Input. The UART has no receive interrupt here (COM1's IRQ would need
 * the IOAPIC, which zdk leaves alone; a polled UART also works from the
 * first instruction to the last line of a fault report). So while a
 * command runs, the shell reads the UART at the command's safe points
 * (shell_interrupted(), kernel/shell.h): a ^C (0x03) sets the interrupt
 * flag and discards what was typed before it, as a terminal does; every
 * other byte is kept in the type-ahead ring (lib/typeahead.h) that the
 * next line reads first. A full ring keeps being read, so a ^C is always
 * seen: the line that does not fit is dropped whole. Before its next
 * prompt the shell says what it dropped or discarded, once:
 *
 *   shell: type-ahead full: 172 bytes dropped
 *   shell: Ctrl-C discarded 24 bytes typed ahead
 *
 * Life: one terminal, static, opened once by the shell thread. Its state
 * (term_line, type-ahead ring) is under tty_lock, taken with interrupts
 * masked and with a bounded wait that remembers a lock it gave up on
 * (spin_lock_bounded()): a writer that cannot get it (its holder died, a
 * fault inside the filter) writes straight out, as printk does with its
 * own lock, and later writers do not wait again until the lock is had.
 * The interrupt flag is atomic.
 */
#ifndef KERNEL_SHELL_TTY_H
#define KERNEL_SHELL_TTY_H

#include <lib/compiler.h>
#include <lib/typeahead.h>

#define SHELL_TTY_AHEAD	TYPEAHEAD_SIZE	/* bytes typed ahead while a command runs */

/* Route the console's output through the terminal (once, from the shell). */
void shell_tty_open(void);
/*
 * Say what the type-ahead lost since the last prompt (dropped, discarded),
 * then show prompt (a string that outlives the line) and start tracking
 * the line typed after it.
 */
void shell_tty_prompt(const char *prompt);
/* The line editor's echo (kernel/shell_line.h). */
void shell_tty_echo(const char *s, size_t n);
/* The line has been read: stop tracking it. */
void shell_tty_line_done(void);
/*
 * The next byte typed: from the type-ahead ring, else the UART (waits),
 * which is read up to the end of the line being typed (what follows is
 * the type-ahead of the command that line runs). A ^C read here, at the
 * prompt, discards what the ring still holds and comes back to the
 * editor, which clears its line.
 */
int shell_tty_getc(void);
/*
 * Read what the UART holds into the type-ahead ring; true if a ^C came
 * since shell_tty_clear_interrupt() (printing "^C" when it arrives).
 */
bool shell_tty_poll_interrupt(void);
void shell_tty_clear_interrupt(void);

#endif /* KERNEL_SHELL_TTY_H */
