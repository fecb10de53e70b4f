/*
 * errno_name(): error numbers as the names a reader greps for.
 */
#include <lib/errno.h>
#include <lib/compiler.h>

#define ERRNO_NAME(e)	[e] = #e

static const char *const errno_names[] = {
	ERRNO_NAME(EPERM),
	ERRNO_NAME(ENOENT),
	ERRNO_NAME(EINTR),
	ERRNO_NAME(EIO),
	ERRNO_NAME(E2BIG),
	ERRNO_NAME(EAGAIN),
	ERRNO_NAME(ENOMEM),
	ERRNO_NAME(EACCES),
	ERRNO_NAME(EFAULT),
	ERRNO_NAME(EBUSY),
	ERRNO_NAME(EEXIST),
	ERRNO_NAME(ENODEV),
	ERRNO_NAME(EINVAL),
	ERRNO_NAME(ENOSPC),
	ERRNO_NAME(ERANGE),
	ERRNO_NAME(ENOSYS),
	ERRNO_NAME(ETIMEDOUT),
};

const char *errno_name(int err)
{
	unsigned int e = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;

	if (e < ARRAY_SIZE(errno_names) && errno_names[e])
		return errno_names[e];
	return "E?";
}
