/* The trace rings' setup at boot (kernel/trace_setup.c). */
#ifndef KERNEL_TRACE_SETUP_H
#define KERNEL_TRACE_SETUP_H

struct cmdline;

/* Give every CPU that is up its ring and turn on trace=GLOBS. */
void trace_setup(const struct cmdline *cl);

#endif /* KERNEL_TRACE_SETUP_H */
