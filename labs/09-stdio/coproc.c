/* SPDX-License-Identifier: MIT */
/**
 * @file coproc.c
 * @brief Lab 09, a child's stdin and stdout: your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=09 STEP=n`. Read README.md first.
 */
#include "coproc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
stdio_popen(char *const argv[], const char *type, struct stdio_child *child)
{
	/* TODO(step 1): check type ("r" or "w"), pipe2(fds, O_CLOEXEC),
	 * fork(). Child: dup2() its end onto stdout ("r") or stdin ("w"),
	 * signal(SIGPIPE, SIG_DFL), execvp(argv[0], argv), _exit(127) if
	 * that returns. Parent: close the child's end, fill in *child.
	 * Read: man 3 popen, man 2 pipe, man 2 dup2, man 3 execvp. */
	(void)argv;
	(void)type;
	(void)child;
	errno = ENOSYS;
	return -1;
}

int
stdio_pclose(struct stdio_child *child)
{
	/* TODO(step 1): close the parent's ends first (the child may be
	 * waiting for EOF), then waitpid() (retry on EINTR) and return the
	 * raw wait status. Read: man 3 pclose, man 2 waitpid. */
	(void)child;
	errno = ENOSYS;
	return -1;
}

int
stdio_coproc_start(char *const argv[], struct stdio_child *child)
{
	/* TODO(step 2): two pipes (O_CLOEXEC), fork(). Child: stdin <- the
	 * first pipe's read end, stdout -> the second pipe's write end
	 * (dup2), SIGPIPE back to SIG_DFL, execvp, _exit(127). Parent:
	 * close the child's two ends at once. Which process holds which
	 * end decides who ever sees EOF. Read: man 7 pipe, man 2 dup2,
	 * man 2 execve (what survives exec). */
	(void)argv;
	(void)child;
	errno = ENOSYS;
	return -1;
}

ssize_t
stdio_read_line(struct stdio_child *child, char *line, size_t size)
{
	/* TODO(step 3): copy from child->buf up to a newline; when the
	 * buffer runs out before one, read() more into child->buf (retry
	 * EINTR). Keep the bytes after the newline for the next call. At
	 * most size - 1 bytes, then a NUL. Read: man 2 read, man 3 memchr. */
	(void)child;
	(void)line;
	(void)size;
	errno = ENOSYS;
	return -1;
}

ssize_t
stdio_request(struct stdio_child *child, const char *request, char *reply,
	      size_t size)
{
	/* TODO(step 3): refuse a request holding '\n' (EINVAL), write the
	 * request and a newline completely (short writes, EINTR), then
	 * stdio_read_line() the reply. Read: man 2 write. */
	(void)child;
	(void)request;
	(void)reply;
	(void)size;
	errno = ENOSYS;
	return -1;
}

int
stdio_serve(FILE *in, FILE *out, stdio_handler *handler, void *arg)
{
	/* TODO(step 3): getline() from in, strip the newline, call the
	 * handler, print the reply and a newline to out, and make sure it
	 * leaves the FILE buffer now (a pipe is not a terminal). Count the
	 * replies. Read: man 3 getline, man 3 setvbuf, man 3 fflush. */
	(void)in;
	(void)out;
	(void)handler;
	(void)arg;
	errno = ENOSYS;
	return -1;
}

ssize_t
stdio_communicate(struct stdio_child *child, const void *input, size_t len,
		  char **output)
{
	/* TODO(step 4): one poll() loop on to_child (POLLOUT, while input
	 * is left) and from_child (POLLIN, until EOF). Write at most
	 * PIPE_BUF bytes per POLLOUT; close to_child after the last byte
	 * (or on EPIPE); grow the output buffer with realloc(). Start the
	 * output with the bytes in child->buf. Read: man 2 poll, man 7 pipe. */
	(void)child;
	(void)input;
	(void)len;
	(void)output;
	errno = ENOSYS;
	return -1;
}

int
stdio_shutdown(struct stdio_child *child, int grace_ms, struct stdio_exit *how)
{
	/* TODO(step 5): close to_child; wait up to grace_ms for the child to
	 * exit (poll() a pidfd from syscall(SYS_pidfd_open, pid, 0), and
	 * drain from_child meanwhile); then SIGTERM and wait again; then
	 * SIGKILL. Reap it with waitpid() and decode the status: exited
	 * (WEXITSTATUS) or killed (WTERMSIG)? Read: man 2 pidfd_open,
	 * man 2 kill, man 2 waitpid, man 7 signal. */
	(void)child;
	(void)grace_ms;
	(void)how;
	errno = ENOSYS;
	return -1;
}
