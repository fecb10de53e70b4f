/*
 * Host build: no fault fixture. A host process cannot resume after a
 * fault the way the kernel does (and ASan owns SIGSEGV), so a test that
 * needs one gets -ENOSYS and skips.
 */
#include <lib/errno.h>
#include <lib/tests/fault_fixture.h>

int fault_fixture_run(void (*fn)(void *arg), void *arg, struct fault_info *out)
{
	return -ENOSYS;
}
