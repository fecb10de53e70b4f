/*
 * How a run of zdk ends, as QEMU (and so tests/qemu-run) sees it.
 *
 * A verdict prints exactly one line "zdk: verdict: WORD (details)" and then
 * leaves QEMU through isa-debug-exit with a distinct code. QEMU's exit
 * status is (code << 1) | 1; status 1 is QEMU's own failure, and a clean
 * ACPI power-off exits with 0.
 *
 *   verdict   guest code   QEMU status   tests/qemu-run exit
 *   PASS      0x10         33            0
 *   FAIL      0x11         35            1
 *   CRASH     0x12         37            2
 *   (power-off via ACPI)   0             0 or 1 by the last verdict line
 */
#ifndef KERNEL_VERDICT_H
#define KERNEL_VERDICT_H

#include <lib/compiler.h>

enum verdict {
	VERDICT_PASS = 0x10,
	VERDICT_FAIL = 0x11,
	VERDICT_CRASH = 0x12,
};

/* "PASS", "FAIL" or "CRASH". */
const char *verdict_word(enum verdict v);
/* Print the verdict line only (the run continues, e.g. into the shell). */
void verdict_print(enum verdict v, const char *detail);
/* Print the verdict line and leave QEMU with its code. */
__noreturn void verdict_exit(enum verdict v, const char *detail);
/* The last verdict printed (PASS if none): how a power-off ends the run. */
enum verdict verdict_last(void);

#endif /* KERNEL_VERDICT_H */
