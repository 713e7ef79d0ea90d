/* SPDX-License-Identifier: MIT */
/**
 * @file grade_fault.c
 * @brief Fault injection for graders: short reads/writes and EINTR.
 *
 * Every grader is linked with `-Wl,--wrap=read -Wl,--wrap=write` (see
 * common/lab.mk), so the student's calls to read() and write() come here
 * first. Normally they pass straight through. While a test has turned
 * injection on, every third call fails with EINTR before moving any byte and
 * the others move at most a few kilobytes: exactly what a signal or a busy
 * peer can cause, made to happen every time instead of once in a while.
 */
#include "grade.h"

#include <errno.h>
#include <unistd.h>

ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);

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

/** Should this call fail with EINTR (1 in 3 while injecting)? */
static bool
inject_eintr(size_t len)
{
	return injecting && len > 0 && ++calls % 3 == 0;
}

ssize_t
__wrap_read(int fd, void *buf, size_t len)
{
	if (inject_eintr(len)) {
		errno = EINTR;
		return -1;
	}
	if (injecting && len > INJECTED_CHUNK)
		len = INJECTED_CHUNK;
	return __real_read(fd, buf, len);
}

ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	if (inject_eintr(len)) {
		errno = EINTR;
		return -1;
	}
	if (injecting && len > INJECTED_CHUNK)
		len = INJECTED_CHUNK;
	return __real_write(fd, buf, len);
}
