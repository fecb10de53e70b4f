/* The kernel's version and build stamp (kernel/version.c). */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

extern const char zdk_version[];
extern const char zdk_build_info[];

#endif /* KERNEL_VERSION_H */
