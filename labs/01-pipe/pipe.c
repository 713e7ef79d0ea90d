/* SPDX-License-Identifier: MIT */
/**
 * @file pipe.c
 * @brief Lab 01, anonymous pipes: your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=01 STEP=n`. Read README.md first.
 */
#include "pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

ssize_t
pipe_write_all(int fd, const void *buf, size_t len)
{
	/* TODO(step 1): loop on write(2) until all len bytes are written.
	 * A short write is not an error: continue from where it stopped.
	 * Retry on EINTR. Read: man 2 write. */
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t
pipe_read_all(int fd, void *buf, size_t len)
{
	/* TODO(step 1): loop on read(2) until len bytes arrived or read()
	 * returns 0 (EOF). Retry on EINTR. Read: man 2 read. */
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t
pipe_child_to_parent(const void *msg, size_t len, char **out)
{
	/* TODO(step 2): pipe(), fork(). Child: close the read end, write msg,
	 * _exit(). Parent: close the write end (why? see the handout), read
	 * until EOF into a growing malloc'd buffer, then waitpid() the child.
	 * Read before you wait. Read: man 2 pipe, man 2 fork, man 2 waitpid. */
	(void)msg;
	(void)len;
	(void)out;
	errno = ENOSYS;
	return -1;
}

long
pipe_measure_capacity(int write_fd)
{
	/* TODO(step 3): set O_NONBLOCK with fcntl(F_GETFL/F_SETFL), write
	 * until write() fails with EAGAIN, count the bytes, restore the old
	 * flags. Read: man 2 fcntl, man 7 pipe ("Pipe capacity"). */
	(void)write_fd;
	errno = ENOSYS;
	return -1;
}

long
pipe_set_capacity(int fd, long bytes)
{
	/* TODO(step 3): fcntl(fd, F_SETPIPE_SZ, bytes). Read: man 2 fcntl. */
	(void)fd;
	(void)bytes;
	errno = ENOSYS;
	return -1;
}

int
pipe_run_pipeline(char *const left[], char *const right[], int out_fd)
{
	/* TODO(step 4): one pipe, two children. Left: stdout -> write end.
	 * Right: stdin <- read end, stdout -> out_fd. Use dup2(), then
	 * execvp(). Every process closes the pipe ends it does not use, the
	 * parent included. Wait for both; return the right one's status.
	 * Read: man 2 dup2, man 3 execvp, man 7 pipe. */
	(void)left;
	(void)right;
	(void)out_fd;
	errno = ENOSYS;
	return -1;
}

ssize_t
pipe_write_nosigpipe(int fd, const void *buf, size_t len)
{
	/* TODO(step 5): block SIGPIPE around the write with sigprocmask(),
	 * so a write with no reader fails with EPIPE. If your write raised
	 * SIGPIPE, take it back with sigtimedwait() before restoring the old
	 * mask. Do not change the SIGPIPE disposition. Read: man 7 signal,
	 * man 2 sigprocmask, man 2 sigtimedwait. */
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}
