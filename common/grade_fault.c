/* SPDX-License-Identifier: MIT */
/**
 * @file grade_fault.c
 * @brief Fault injection for graders: short reads/writes and EINTR.
 *
 * Every grader is linked with `-Wl,--wrap=` for read, write, recv and send
 * (see common/lab.mk), so the student's calls to them come here first. Normally they pass straight through. While a test has turned
 * injection on, every third call fails with EINTR before moving any byte and
 * the others move at most a few kilobytes: exactly what a signal or a busy
 * peer can cause, made to happen every time instead of once in a while.
 */
#include "grade.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
ssize_t __real_recv(int fd, void *buf, size_t len, int flags);
ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);

/** Bytes moved per call at most while injecting: odd, so chunks misalign. */
#define INJECTED_CHUNK 4093

static bool injecting;
static unsigned long calls;

void
grade_inject_short_io(bool on)
{
	injecting = on;
	calls = 0;
}

/** Should this call fail with EINTR (1 in 3 while injecting)? If not, how
 *  much may it move? */
static bool
inject_fault(size_t *len)
{
	if (!injecting || *len == 0)
		return false;
	if (++calls % 3 == 0) {
		errno = EINTR; /* interrupted before moving any byte */
		return true;
	}
	if (*len > INJECTED_CHUNK)
		*len = INJECTED_CHUNK; /* a short read or write */
	return false;
}

ssize_t
__wrap_read(int fd, void *buf, size_t len)
{
	return inject_fault(&len) ? -1 : __real_read(fd, buf, len);
}

ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	return inject_fault(&len) ? -1 : __real_write(fd, buf, len);
}

ssize_t
__wrap_recv(int fd, void *buf, size_t len, int flags)
{
	return inject_fault(&len) ? -1 : __real_recv(fd, buf, len, flags);
}

ssize_t
__wrap_send(int fd, const void *buf, size_t len, int flags)
{
	return inject_fault(&len) ? -1 : __real_send(fd, buf, len, flags);
}
