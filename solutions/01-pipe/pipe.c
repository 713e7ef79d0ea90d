/* SPDX-License-Identifier: MIT */
/**
 * @file pipe.c
 * @brief Lab 01 reference solution: anonymous pipes (all five steps).
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

/* ------------------------------------------------ step 1: robust transfer */

ssize_t
pipe_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue; /* interrupted before writing: retry */
			return -1;
		}
		done += (size_t)n; /* short write: the rest goes next time */
	}
	return (ssize_t)done;
}

ssize_t
pipe_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break; /* EOF: every write end is closed */
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* --------------------------------------- step 2: child to parent round trip */

/** Read from @p fd until EOF into a growing buffer; -1 with errno on error. */
static ssize_t
read_until_eof(int fd, char **out)
{
	size_t cap = 64 * 1024, len = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		return -1;
	for (;;) {
		ssize_t n;
		if (len == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				free(buf);
				return -1;
			}
			buf = bigger;
			cap *= 2;
		}
		n = pipe_read_all(fd, buf + len, cap - len);
		if (n == -1) {
			free(buf);
			return -1;
		}
		len += (size_t)n;
		if (len < cap)
			break; /* pipe_read_all stopped early: EOF */
	}
	*out = buf;
	return (ssize_t)len;
}

ssize_t
pipe_child_to_parent(const void *msg, size_t len, char **out)
{
	int fds[2], status, saved;
	ssize_t received;
	pid_t child;

	if (pipe(fds) == -1)
		return -1;
	child = fork();
	if (child == -1) {
		saved = errno;
		close(fds[0]);
		close(fds[1]);
		errno = saved;
		return -1;
	}
	if (child == 0) {
		close(fds[0]); /* the child only writes */
		_exit(pipe_write_all(fds[1], msg, len) == (ssize_t)len ? 0 : 1);
	}
	close(fds[1]); /* or read() never sees EOF: we would be a writer too */

	/* Read before waiting: a child blocked on a full pipe never exits. */
	received = read_until_eof(fds[0], out);
	saved = errno;
	close(fds[0]);
	while (waitpid(child, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (received == -1) {
		errno = saved;
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(*out);
		*out = NULL;
		errno = EIO; /* the child could not send everything */
		return -1;
	}
	return received;
}

/* ---------------------------------------------------- step 3: pipe capacity */

long
pipe_measure_capacity(int write_fd)
{
	static const char chunk[4096];
	int flags = fcntl(write_fd, F_GETFL);
	long total = 0;

	if (flags == -1 || fcntl(write_fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return -1;
	for (;;) {
		/* Small writes fill the last partial page exactly. */
		ssize_t n = write(write_fd, chunk, sizeof(chunk));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		total += n;
	}
	if (errno != EAGAIN) {
		int saved = errno;
		fcntl(write_fd, F_SETFL, flags);
		errno = saved;
		return -1;
	}
	if (fcntl(write_fd, F_SETFL, flags) == -1) /* as we found it */
		return -1;
	return total;
}

long
pipe_set_capacity(int fd, long bytes)
{
	if (bytes <= 0 || bytes > 0x7fffffffL) {
		errno = EINVAL;
		return -1;
	}
	return fcntl(fd, F_SETPIPE_SZ, (int)bytes);
}

/* ------------------------------------------------------ step 4: a pipeline */

/** In a child: run argv reading @p in_fd and writing @p out_fd. */
static _Noreturn void
exec_with(int in_fd, int out_fd, char *const argv[])
{
	if (dup2(in_fd, STDIN_FILENO) == -1 ||
	    dup2(out_fd, STDOUT_FILENO) == -1)
		_exit(127);
	execvp(argv[0], argv); /* the pipe's own fds close here (O_CLOEXEC) */
	_exit(127);	       /* like a shell: 127 means "command not found" */
}

/** Convert a wait status to a shell-style exit status. */
static int
shell_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int
pipe_run_pipeline(char *const left[], char *const right[], int out_fd)
{
	int fds[2], left_status, right_status;
	pid_t left_pid, right_pid;

	if (pipe2(fds, O_CLOEXEC) == -1) /* close-on-exec: no child keeps */
		return -1;		 /* a stray copy after dup2+exec  */
	left_pid = fork();
	if (left_pid == 0)
		exec_with(STDIN_FILENO, fds[1], left);
	right_pid = left_pid == -1 ? -1 : fork();
	if (right_pid == 0)
		exec_with(fds[0], out_fd, right);
	/* The parent uses neither end; the right child sees EOF only when
	 * every copy of the write end, ours included, is closed. */
	close(fds[0]);
	close(fds[1]);
	if (left_pid == -1 || right_pid == -1) {
		int saved = errno;
		if (left_pid > 0) {
			kill(left_pid, SIGKILL);
			waitpid(left_pid, NULL, 0);
		}
		errno = saved;
		return -1;
	}
	while (waitpid(left_pid, &left_status, 0) == -1 && errno == EINTR)
		;
	while (waitpid(right_pid, &right_status, 0) == -1 && errno == EINTR)
		;
	return shell_status(right_status);
}

/* ---------------------------------------------------- step 5: broken pipe */

/** Is @p sig pending for this thread or the process? */
static int
is_pending(int sig)
{
	sigset_t pending;

	sigpending(&pending);
	return sigismember(&pending, sig);
}

ssize_t
pipe_write_nosigpipe(int fd, const void *buf, size_t len)
{
	sigset_t block, old_mask;
	int was_pending, saved;
	ssize_t n;

	/* Block SIGPIPE (not ignore it: the disposition is the caller's), so a
	 * write with no reader fails with EPIPE and the signal stays pending. */
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &block, &old_mask) == -1)
		return -1;
	was_pending = is_pending(SIGPIPE);

	n = pipe_write_all(fd, buf, len);
	saved = errno;

	if (n == -1 && saved == EPIPE && !was_pending) {
		/* Take back the SIGPIPE our write raised before unblocking. */
		const struct timespec now = { 0, 0 };
		while (sigtimedwait(&block, NULL, &now) == -1 && errno == EINTR)
			;
	}
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	errno = saved;
	return n;
}
