/* COM2, the log console (arch/x86/serial_log.c): registered if present. */
#ifndef ARCH_X86_SERIAL_LOG_H
#define ARCH_X86_SERIAL_LOG_H

void serial_log_register(void);

#endif /* ARCH_X86_SERIAL_LOG_H */
