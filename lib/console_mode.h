/*
 * The console's mode (boot parameter console=full|summary).
 *
 * full (the default): every line goes to every console, as always.
 *
 * summary (what `make run` asks for): while the boot's self-tests run, the
 * person's console (COM1, the terminal) shows one line per suite and, for
 * a case that fails, that case's own output in full; everything else goes
 * only to the log console (COM2, which tests/qemu-run writes to
 * build/run.log), where nothing is ever left out. The boot stages end
 * with console_summary_end(), which unmutes: the verdict, the shell and
 * everything after show as usual. A panic unmutes too (kernel/panic.c),
 * so a crash report always reaches the person. Without a log console,
 * summary would hide lines that exist nowhere else: the kernel then says
 * so and stays in full mode.
 *
 * Life story: set once by console_mode_setup() on the boot CPU right after
 * the consoles register (before any other CPU runs); `active` is then
 * cleared once, by console_summary_end(), and never set again.
 */
#ifndef LIB_CONSOLE_MODE_H
#define LIB_CONSOLE_MODE_H

#include <lib/cmdline.h>
#include <lib/compiler.h>

void console_mode_setup(const struct cmdline *cl);
/* True while the summary mode mutes the person's console. */
bool console_summary_active(void);
/* A line for the person's console in summary mode; nothing in full mode. */
__printf(1, 2) void console_summary(const char *fmt, ...);
/* The boot's self-tests are over: unmute (says where the full log is). */
void console_summary_end(void);

#endif /* LIB_CONSOLE_MODE_H */
