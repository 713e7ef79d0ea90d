/* SPDX-License-Identifier: MIT */
/**
 * @file coproc.c
 * @brief Lab 09 reference solution: a child's stdin and stdout (all five
 *        steps).
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

/* ------------------------------------------------------- shared helpers */

/** Close *@p fd if it is open and mark it closed; keeps errno. */
static void
close_end(int *fd)
{
	int saved = errno;

	if (*fd != -1)
		close(*fd);
	*fd = -1;
	errno = saved;
}

/** In the child: make @p fd its descriptor @p target, open across exec. */
static int
become(int fd, int target)
{
	if (fd == target) /* already there: dup2() would do nothing, and the */
		return fcntl(fd, F_SETFD, 0); /* close-on-exec flag stays */
	return dup2(fd, target);
}

/**
 * In the child, after its descriptors are in place: run the command.
 * Every pipe end was made close-on-exec, so the originals (ours and those
 * of coprocesses started before) vanish at exec; only 0 and 1 stay.
 */
static _Noreturn void
exec_command(char *const argv[])
{
	/* An ignored signal stays ignored across exec: give the command the
	 * default SIGPIPE our caller may have switched off for itself. */
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	_exit(127); /* like a shell: 127 means "command not found" */
}

/** waitpid() that retries on EINTR. */
static pid_t
wait_for(pid_t pid, int *status)
{
	pid_t got;

	while ((got = waitpid(pid, status, 0)) == -1 && errno == EINTR)
		;
	return got;
}

/** Write all @p len bytes, through short writes and EINTR. */
static ssize_t
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue; /* nothing written: try again */
			return -1;
		}
		done += (size_t)n; /* a short write: the rest goes next */
	}
	return (ssize_t)done;
}

/* --------------------------------------------------- step 1: popen-like */

int
stdio_popen(char *const argv[], const char *type, struct stdio_child *child)
{
	bool reading = type != NULL && strcmp(type, "r") == 0;
	int fds[2], parent_end, child_end, target;
	pid_t pid;

	if (argv == NULL || argv[0] == NULL || type == NULL ||
	    (!reading && strcmp(type, "w") != 0)) {
		errno = EINVAL;
		return -1;
	}
	/* Close-on-exec: no command ever inherits these originals. */
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	parent_end = reading ? fds[0] : fds[1];
	child_end = reading ? fds[1] : fds[0];
	target = reading ? STDOUT_FILENO : STDIN_FILENO;
	pid = fork();
	if (pid == -1) {
		close_end(&fds[0]);
		close_end(&fds[1]);
		return -1;
	}
	if (pid == 0) {
		if (become(child_end, target) == -1)
			_exit(127);
		exec_command(argv);
	}
	close(child_end); /* the child's copy is the only one it needs */
	child->pid = pid;
	child->to_child = reading ? -1 : parent_end;
	child->from_child = reading ? parent_end : -1;
	child->buffered = 0;
	return 0;
}

int
stdio_pclose(struct stdio_child *child)
{
	int status;

	if (child == NULL || child->pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	/* Close before waiting: a child reading its stdin ends at EOF only. */
	close_end(&child->to_child);
	close_end(&child->from_child);
	child->buffered = 0;
	if (wait_for(child->pid, &status) == -1)
		return -1;
	child->pid = -1;
	return status;
}

/* ---------------------------------------------------- step 2: coprocess */

int
stdio_coproc_start(char *const argv[], struct stdio_child *child)
{
	int in[2], out[2];
	pid_t pid;

	if (argv == NULL || argv[0] == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(out, O_CLOEXEC) == -1) {
		close_end(&in[0]);
		close_end(&in[1]);
		return -1;
	}
	pid = fork();
	if (pid == -1) {
		close_end(&in[0]);
		close_end(&in[1]);
		close_end(&out[0]);
		close_end(&out[1]);
		return -1;
	}
	if (pid == 0) {
		if (become(in[0], STDIN_FILENO) == -1 ||
		    become(out[1], STDOUT_FILENO) == -1)
			_exit(127);
		exec_command(argv); /* in[1] and out[0] close here */
	}
	/* The child's ends: if we kept in[0], a write to a dead child would
	 * not fail; if we kept out[1], we would never read EOF from it. */
	close(in[0]);
	close(out[1]);
	child->pid = pid;
	child->to_child = in[1];
	child->from_child = out[0];
	child->buffered = 0;
	return 0;
}

/* ------------------------------------------ step 3: request and response */

ssize_t
stdio_read_line(struct stdio_child *child, char *line, size_t size)
{
	size_t len = 0;

	if (size < 2) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		/* Take what the buffer holds, up to a newline or the room. */
		char *nl = memchr(child->buf, '\n', child->buffered);
		size_t take = nl != NULL ? (size_t)(nl - child->buf) + 1
					 : child->buffered;
		ssize_t n;

		if (take > size - 1 - len)
			take = size - 1 - len;
		memcpy(line + len, child->buf, take);
		len += take;
		child->buffered -= take;
		memmove(child->buf, child->buf + take, child->buffered);
		if ((len > 0 && line[len - 1] == '\n') || len == size - 1)
			break; /* a whole line, or all the caller has room for */

		/* The buffer is empty and the line is not complete: read. */
		n = read(child->from_child, child->buf, sizeof(child->buf));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break; /* EOF: what we have is the last (partial) line */
		child->buffered = (size_t)n;
	}
	line[len] = '\0';
	return (ssize_t)len;
}

ssize_t
stdio_request(struct stdio_child *child, const char *request, char *reply,
	      size_t size)
{
	if (strchr(request, '\n') != NULL || size < 2) {
		errno = EINVAL; /* a newline would make it two requests */
		return -1;
	}
	if (write_all(child->to_child, request, strlen(request)) == -1 ||
	    write_all(child->to_child, "\n", 1) == -1)
		return -1; /* EPIPE: the child is gone */
	return stdio_read_line(child, reply, size);
}

int
stdio_serve(FILE *in, FILE *out, stdio_handler *handler, void *arg)
{
	char reply[STDIO_LINE_MAX], *line = NULL;
	size_t cap = 0;
	int served = 0;

	if (in == NULL || out == NULL || handler == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		ssize_t n = getline(&line, &cap, in);
		if (n == -1) {
			if (ferror(in) && errno == EINTR) {
				clearerr(in); /* a signal, not the end */
				continue;
			}
			break;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		reply[0] = '\0';
		if (handler(line, reply, sizeof(reply), arg) == -1)
			break;
		/* The peer waits for this line before it sends the next
		 * request: it must leave our buffer now, not when full. */
		if (fprintf(out, "%s\n", reply) < 0 || fflush(out) == EOF) {
			free(line);
			return -1;
		}
		served++;
	}
	if (ferror(in)) {
		int saved = errno;
		free(line);
		errno = saved;
		return -1;
	}
	free(line);
	return served;
}

/* ------------------------------------------- step 4: no deadlock, ever */

ssize_t
stdio_communicate(struct stdio_child *child, const void *input, size_t len,
		  char **output)
{
	const char *in = input;
	size_t sent = 0, got = child->buffered, cap = got + 65536;
	char *out;
	int saved;

	if (len > 0 && child->to_child == -1) {
		errno = EBADF;
		return -1;
	}
	out = malloc(cap);
	if (out == NULL)
		return -1;
	memcpy(out, child->buf, got); /* read earlier, not yet returned */
	child->buffered = 0;
	if (len == 0)
		close_end(&child->to_child); /* nothing to send: EOF now */

	while (child->to_child != -1 || child->from_child != -1) {
		/* poll() skips negative fds: a closed direction drops out. */
		struct pollfd pfd[2] = {
			{ .fd = child->to_child, .events = POLLOUT },
			{ .fd = child->from_child, .events = POLLIN },
		};
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (pfd[0].revents != 0) {
			/* At most PIPE_BUF bytes: POLLOUT promises room for
			 * that much, so this write cannot block. */
			size_t chunk = len - sent;
			ssize_t n;
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
			n = write(child->to_child, in + sent, chunk);
			if (n == -1 && errno != EINTR && errno != EPIPE)
				goto fail;
			if (n > 0)
				sent += (size_t)n;
			if (sent == len || (n == -1 && errno == EPIPE))
				close_end(&child->to_child); /* EOF for it */
		}
		if (pfd[1].revents != 0) {
			ssize_t n;
			if (cap - got < 4096) {
				char *bigger = realloc(out, cap * 2);
				if (bigger == NULL)
					goto fail;
				out = bigger;
				cap *= 2;
			}
			n = read(child->from_child, out + got, cap - got - 1);
			if (n == -1 && errno != EINTR)
				goto fail;
			if (n == 0)
				close_end(&child->from_child); /* its EOF */
			if (n > 0)
				got += (size_t)n;
		}
	}
	out[got] = '\0';
	*output = out;
	return (ssize_t)got;
fail:
	saved = errno;
	free(out);
	errno = saved;
	return -1;
}

/* ---------------------------------------------------- step 5: shutdown */

/** Milliseconds on the monotonic clock. */
static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/** Has @p pid exited? Looks without reaping it (WNOWAIT). */
static bool
has_exited(pid_t pid)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == -1)
		return false;
	return info.si_pid == pid; /* still 0 while it runs */
}

/**
 * Wait until the child exits, for at most @p ms milliseconds (-1: no
 * limit), reading and discarding its output meanwhile. The exit is the
 * event of @p pidfd becoming readable; without a pidfd (-1), look every
 * 10 ms. Returns 1 when it exited, 0 when time ran out, -1 on error.
 */
static int
wait_draining(struct stdio_child *child, int pidfd, int ms)
{
	long long deadline = now_ms() + ms;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = child->from_child, .events = POLLIN },
		};
		long long left = ms < 0 ? -1 : deadline - now_ms();
		int ready;

		if (ms >= 0 && left < 0)
			left = 0;
		if (pidfd == -1) {
			if (has_exited(child->pid))
				return 1;
			if (left < 0 || left > 10)
				left = 10;
		}
		ready = poll(pfd, 2, (int)left);
		if (ready == -1 && errno == EINTR)
			continue;
		if (ready == -1)
			return -1;
		if (pfd[0].revents != 0)
			return 1; /* it has exited: a zombie now, reap it */
		if (pfd[1].revents != 0) {
			char sink[4096];
			ssize_t n = read(child->from_child, sink, sizeof(sink));
			if (n == 0 || (n == -1 && errno != EINTR))
				close_end(&child->from_child); /* no more */
		} else if (ready == 0 && ms >= 0 && now_ms() >= deadline) {
			return pidfd == -1 && has_exited(child->pid);
		}
	}
}

int
stdio_shutdown(struct stdio_child *child, int grace_ms, struct stdio_exit *how)
{
	/* First EOF alone, then SIGTERM (catchable: it may clean up), then
	 * SIGKILL (cannot be caught, blocked or ignored). */
	static const int escalation[] = { 0, SIGTERM, SIGKILL };
	int pidfd, status, ended = 0;

	if (child == NULL || child->pid <= 0 || grace_ms < 0 || how == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(how, 0, sizeof(*how));
	close_end(&child->to_child); /* EOF: please finish */

	/* A pidfd becomes readable when the process exits: poll() on it
	 * waits for exactly that event, with a time limit (Linux 5.3; older
	 * kernels, and valgrind 3.19, say ENOSYS: then we look regularly). */
	pidfd = (int)syscall(SYS_pidfd_open, child->pid, 0);
	if (pidfd == -1 && errno != ENOSYS)
		return -1;
	for (size_t i = 0; i < 3 && ended == 0; i++) {
		if (escalation[i] != 0) {
			kill(child->pid, escalation[i]);
			how->sent = escalation[i];
		}
		ended = wait_draining(child, pidfd, i < 2 ? grace_ms : -1);
		if (ended == -1) {
			close_end(&pidfd);
			return -1;
		}
	}
	close_end(&pidfd);
	close_end(&child->from_child);
	child->buffered = 0;
	if (wait_for(child->pid, &status) == -1) /* no zombie left */
		return -1;
	child->pid = -1;
	how->exited = WIFEXITED(status);
	how->code = how->exited ? WEXITSTATUS(status) : -1;
	how->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	return 0;
}
