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
 * (so every console, the log one too, gets it); the filter tells it
 * apart by the CPU that writes it, marked with interrupts masked for the
 * length of the write.
 *
 * Input. The UART has no receive interrupt here (COM1's IRQ would need
 * the IOAPIC, which zdk leaves alone; a polled UART also works from the
 * first instruction to the last line of a fault report). So while a
 * command runs, the shell looks at the UART at the command's safe points
 * (shell_interrupted(), kernel/shell.h): a ^C (0x03) sets the interrupt
 * flag, every other byte is kept, in order, in a typeahead ring of
 * SHELL_TTY_AHEAD bytes that the next line reads first. With the ring
 * full, the rest stays in the UART's FIFO and in the sender's (QEMU holds
 * what the FIFO cannot take): nothing is lost, but a ^C behind it is seen
 * only once the ring has been read.
 *
 * Life: one terminal, static, opened once by the shell thread. Its
 * state (term_line, typeahead ring) is under tty_lock, taken with
 * interrupts masked and with a bounded wait: a writer that cannot get it
 * (its holder died, a fault inside the filter) writes straight out, as
 * printk does with its own lock. The interrupt flag is atomic.
 */
#ifndef KERNEL_SHELL_TTY_H
#define KERNEL_SHELL_TTY_H

#include <lib/compiler.h>

#define SHELL_TTY_AHEAD	512	/* bytes typed ahead while a command runs */

/* Route the console's output through the terminal (once, from the shell). */
void shell_tty_open(void);
/* Show prompt and start tracking the line typed after it. */
void shell_tty_prompt(const char *prompt);
/* The line editor's echo (kernel/shell_line.h). */
void shell_tty_echo(const char *s, size_t n);
/* The line has been read: stop tracking it. */
void shell_tty_line_done(void);
/* The next byte typed: from the typeahead ring, else the UART (waits). */
int shell_tty_getc(void);
/*
 * Read what the UART holds into the typeahead ring; true if a ^C came
 * since shell_tty_clear_interrupt() (printing "^C" when it arrives).
 */
bool shell_tty_poll_interrupt(void);
void shell_tty_clear_interrupt(void);

#endif /* KERNEL_SHELL_TTY_H */
