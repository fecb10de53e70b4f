/* The version string, printed by the banner and the shell's `version`. */
#include <kernel/version.h>

#ifndef ZDK_VERSION
#define ZDK_VERSION "0.1-dev"
#endif

const char zdk_version[] = ZDK_VERSION;
const char zdk_build_info[] = "built " __DATE__ " " __TIME__;
