/*
 * Error numbers. Functions that can fail return 0 (or a count) on success
 * and a negative error number on failure, e.g. `return -EINVAL;`. The
 * values are Linux's, so a reader can look them up in either kernel.
 */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#define EPERM		1	/* operation not permitted */
#define ENOENT		2	/* no such entry */
#define EINTR		4	/* interrupted (the shell's ^C) */
#define EIO		5	/* I/O error */
#define E2BIG		7	/* argument list too long */
#define EAGAIN		11	/* try again */
#define ENOMEM		12	/* out of memory */
#define EACCES		13	/* permission denied */
#define EFAULT		14	/* bad address */
#define EBUSY		16	/* resource busy */
#define EEXIST		17	/* already exists */
#define ENODEV		19	/* no such device */
#define EINVAL		22	/* invalid argument */
#define ENOSPC		28	/* no space left */
#define ERANGE		34	/* result out of range */
#define ENOSYS		38	/* not implemented */
#define ETIMEDOUT	110	/* timed out */

/* "EINVAL" for EINVAL or -EINVAL; "E?" for a number not listed here. */
const char *errno_name(int err);

#endif /* LIB_ERRNO_H */
