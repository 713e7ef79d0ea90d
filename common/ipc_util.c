/* SPDX-License-Identifier: MIT */
/**
 * @file ipc_util.c
 * @brief Helpers shared by labs, demos and graders (see ipc_util.h).
 */
#include "ipc_util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

ssize_t
ipc_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue; /* a signal arrived before any byte went */
			return -1;
		}
		done += (size_t)n; /* a short write: send the rest */
	}
	return (ssize_t)done;
}

ssize_t
ipc_read_all(int fd, void *buf, size_t len)
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

ssize_t
ipc_read_to_end(int fd, char **out, size_t max_len)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap + 1);

	if (buf == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			char *bigger;
			if (cap >= max_len) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			cap *= 2;
			bigger = realloc(buf, cap + 1);
			if (bigger == NULL) {
				free(buf);
				return -1;
			}
			buf = bigger;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

int
ipc_path_join(char *out, size_t out_len, const char *dir, const char *name)
{
	int n = snprintf(out, out_len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= out_len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

void
ipc_close_quietly(int fd)
{
	int saved = errno;

	if (fd != -1)
		close(fd);
	errno = saved;
}

int
ipc_ready_init(struct ipc_ready *ready)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	ready->read_fd = fds[0];
	ready->write_fd = fds[1];
	return 0;
}

int
ipc_ready_signal(struct ipc_ready *ready)
{
	char byte = 'R';

	if (ipc_write_all(ready->write_fd, &byte, 1) == -1)
		return -1;
	close(ready->write_fd);
	ready->write_fd = -1;
	return 0;
}

int
ipc_ready_wait(struct ipc_ready *ready, int timeout_ms)
{
	struct pollfd pfd = { .fd = ready->read_fd, .events = POLLIN };
	char byte;
	int n;

	do
		n = poll(&pfd, 1, timeout_ms);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (n == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	n = (int)ipc_read_all(ready->read_fd, &byte, 1);
	if (n == -1)
		return -1;
	if (n == 0) {
		errno = EPIPE; /* the peer went away without saying "ready" */
		return -1;
	}
	return 0;
}

void
ipc_ready_close(struct ipc_ready *ready)
{
	ipc_close_quietly(ready->read_fd);
	ipc_close_quietly(ready->write_fd);
	ready->read_fd = ready->write_fd = -1;
}

pid_t
ipc_waitpid(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, 0);
	while (r == -1 && errno == EINTR);
	return r;
}

pid_t
ipc_waitpid_timeout(pid_t pid, int *status, int timeout_ms)
{
	/* A pidfd becomes readable when the process exits: poll() on it is
	 * an event-driven wait with a deadline, no sleep-and-retry loop. */
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd;
	int n;

	if (pidfd == -1)
		return -1;
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	do
		n = poll(&pfd, 1, timeout_ms);
	while (n == -1 && errno == EINTR);
	close(pidfd);
	if (n == -1)
		return -1;
	if (n == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return ipc_waitpid(pid, status);
}

const char *
ipc_describe_status(int status, char *out, size_t out_len)
{
	if (WIFEXITED(status))
		snprintf(out, out_len, "exited with status %d",
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(out, out_len, "killed by signal %d (SIG%s)",
			 WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status))
				 ? sigabbrev_np(WTERMSIG(status))
				 : "?");
	else
		snprintf(out, out_len, "wait status 0x%x", (unsigned)status);
	return out;
}

char
ipc_process_state(pid_t pid, char *comm, size_t comm_len)
{
	char path[64], buf[512], *open_paren, *close_paren;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ...": comm may itself contain spaces and parens. */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (open_paren == NULL || close_paren == NULL || close_paren[1] == '\0')
		return '?';
	if (comm != NULL)
		snprintf(comm, comm_len, "%.*s",
			 (int)(close_paren - open_paren - 1), open_paren + 1);
	return close_paren[2];
}

uint32_t
ipc_checksum(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

void
ipc_fill_pattern(void *buf, size_t len, unsigned seed)
{
	unsigned char *p = buf;

	/* 4093 is prime: the pattern does not repeat at page boundaries. */
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + i / 4093 + seed);
}

uint64_t
ipc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *
ipc_errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name != NULL ? name : "E?";
}

void
ipc_die_errno(const char *what)
{
	int err = errno;

	fprintf(stderr, "%s: %s: %s (%s)\n", program_invocation_short_name,
		what, ipc_errno_name(err), strerror(err));
	exit(EXIT_FAILURE);
}

void
ipc_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}
