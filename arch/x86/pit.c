/*
 * PIT channel 2 in mode 0 ("interrupt on terminal count") as a one-shot.
 *
 * The gate of channel 2 is bit 0 of port 0x61 (bit 1 would also drive the
 * PC speaker: kept off) and its output can be read back in bit 5. In
 * mode 0 the output goes low when the count is written and high when the
 * count reaches zero, so "done" is just that bit.
 */
#include <asm/io.h>
#include "pit.h"

#define PIT_CH2_DATA	0x42
#define PIT_COMMAND	0x43
#define PORT_B		0x61	/* the system control port B */

#define PORTB_CH2_GATE	0x01
#define PORTB_SPEAKER	0x02
#define PORTB_CH2_OUT	0x20

/* channel 2, low byte then high byte, mode 0, binary */
#define PIT_CMD_CH2_ONESHOT	0xb0

void pit_oneshot_start(uint16_t ticks)
{
	uint8_t portb = inb(PORT_B);

	outb(PORT_B, (portb & ~PORTB_SPEAKER) | PORTB_CH2_GATE);
	outb(PIT_COMMAND, PIT_CMD_CH2_ONESHOT);
	outb(PIT_CH2_DATA, ticks & 0xff);
	outb(PIT_CH2_DATA, ticks >> 8);	/* counting starts now */
}

bool pit_oneshot_done(void)
{
	return inb(PORT_B) & PORTB_CH2_OUT;
}
