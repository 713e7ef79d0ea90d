/* SPDX-License-Identifier: MIT */
/**
 * @file signals.c
 * @brief Lab 06 reference solution: signals (all six steps).
 */
#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------- step 1: sigaction */

int
signals_install(int sig, void (*handler)(int), bool restart,
		struct sigaction *old)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask); /* block nothing more while it runs */
	sa.sa_flags = restart ? SA_RESTART : 0;
	return sigaction(sig, &sa, old); /* EINVAL for SIGKILL, SIGSTOP */
}

int
signals_restore(int sig, const struct sigaction *old)
{
	return sigaction(sig, old, NULL);
}

/* ----------------------------------------- step 2: race-free waiting */

int
signals_wait_until(int sig, int (*ready)(void *arg), void *arg)
{
	sigset_t block, old, during_wait;

	sigemptyset(&block);
	if (sigaddset(&block, sig) == -1)
		return -1; /* EINVAL */
	/* From here on the signal cannot slip in between test and wait. */
	if (sigprocmask(SIG_BLOCK, &block, &old) == -1)
		return -1;
	during_wait = old;
	sigdelset(&during_wait, sig);
	while (!ready(arg))
		sigsuspend(&during_wait); /* unblock and sleep in one step */
	return sigprocmask(SIG_SETMASK, &old, NULL);
}

/* --------------------------------------- step 3: bytes through signals */

/** The time left for one wait as a timespec; NULL means for ever. */
static const struct timespec *
wait_limit(int timeout_ms, struct timespec *ts)
{
	if (timeout_ms < 0)
		return NULL;
	ts->tv_sec = timeout_ms / 1000;
	ts->tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
	return ts;
}

/** Wait for one of @p set; -1 with errno ETIMEDOUT or from sigtimedwait. */
static int
take_signal(const sigset_t *set, siginfo_t *info, int timeout_ms)
{
	struct timespec ts;
	int sig;

	do
		sig = sigtimedwait(set, info, wait_limit(timeout_ms, &ts));
	while (sig == -1 && errno == EINTR);
	if (sig == -1 && errno == EAGAIN)
		errno = ETIMEDOUT; /* sigtimedwait says EAGAIN */
	return sig;
}

/** Send one bit and wait until @p receiver acknowledges it. */
static int
send_bit(pid_t receiver, int bit, const sigset_t *ack, int timeout_ms)
{
	siginfo_t info;

	if (kill(receiver, bit ? SIGNALS_BIT_ONE : SIGNALS_BIT_ZERO) == -1)
		return -1;
	do {
		if (take_signal(ack, &info, timeout_ms) == -1)
			return -1;
	} while (info.si_pid != receiver); /* someone else's SIGUSR1 */
	return 0;
}

/** Send the @p nbits low bits of @p value, most significant first. */
static int
send_bits(pid_t receiver, uint32_t value, int nbits, const sigset_t *ack,
	  int timeout_ms)
{
	for (int i = nbits - 1; i >= 0; i--)
		if (send_bit(receiver, (value >> i) & 1, ack, timeout_ms) == -1)
			return -1;
	return 0;
}

ssize_t
signals_send_bytes(pid_t receiver, const void *buf, size_t len, int timeout_ms)
{
	const unsigned char *bytes = buf;
	sigset_t ack, old;
	int rc, saved;

	if (len > UINT32_MAX || len > SSIZE_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	sigemptyset(&ack);
	sigaddset(&ack, SIGNALS_ACK);
	/* Blocked before the first bit: an early ack waits for us, pending. */
	if (sigprocmask(SIG_BLOCK, &ack, &old) == -1)
		return -1;
	rc = send_bits(receiver, (uint32_t)len, 32, &ack, timeout_ms);
	for (size_t i = 0; i < len && rc == 0; i++)
		rc = send_bits(receiver, bytes[i], 8, &ack, timeout_ms);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return rc == 0 ? (ssize_t)len : -1;
}

/** Take one bit from @p *from (set by the first bit) and acknowledge it. */
static int
receive_bit(pid_t *from, int timeout_ms)
{
	sigset_t bits;
	siginfo_t info;
	int sig;

	sigemptyset(&bits);
	sigaddset(&bits, SIGNALS_BIT_ZERO);
	sigaddset(&bits, SIGNALS_BIT_ONE);
	for (;;) {
		sig = take_signal(&bits, &info, timeout_ms);
		if (sig == -1)
			return -1;
		if (*from == 0)
			*from = info.si_pid; /* the first bit: the sender */
		if (info.si_pid == *from)
			break;
		/* A bit from a third process: not part of this message. */
	}
	/* The bit is ours now: only then may the sender send the next one. */
	if (kill(*from, SIGNALS_ACK) == -1)
		return -1;
	return sig == SIGNALS_BIT_ONE;
}

/** Receive @p nbits bits, most significant first, into @p value. */
static int
receive_bits(pid_t *from, int nbits, uint32_t *value, int timeout_ms)
{
	*value = 0;
	for (int i = 0; i < nbits; i++) {
		int bit = receive_bit(from, timeout_ms);
		if (bit == -1)
			return -1;
		*value = *value << 1 | (uint32_t)bit;
	}
	return 0;
}

ssize_t
signals_receive_bytes(char **out, pid_t *sender, int timeout_ms)
{
	pid_t from = 0;
	uint32_t len, byte;
	unsigned char *buf;
	int saved;

	if (receive_bits(&from, 32, &len, timeout_ms) == -1)
		return -1;
	buf = malloc(len ? len : 1);
	if (buf == NULL)
		return -1;
	for (uint32_t i = 0; i < len; i++) {
		if (receive_bits(&from, 8, &byte, timeout_ms) == -1) {
			saved = errno;
			free(buf);
			errno = saved;
			return -1;
		}
		buf[i] = (unsigned char)byte;
	}
	*out = (char *)buf;
	if (sender != NULL)
		*sender = from;
	return (ssize_t)len;
}

/* ------------------------------------------- step 4: real-time signals */

ssize_t
signals_queue_values(pid_t pid, int sig, const int *values, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		union sigval value = { .sival_int = values[i] };
		/* kill() could not carry the value: sigqueue() can. */
		if (sigqueue(pid, sig, value) == -1)
			return -1;
	}
	return (ssize_t)n;
}

ssize_t
signals_receive_values(int sig, int *values, size_t n, int timeout_ms)
{
	sigset_t set;
	siginfo_t info;
	size_t got = 0;

	sigemptyset(&set);
	if (sigaddset(&set, sig) == -1)
		return -1;
	/* One signal per call: each queued one comes with its own value. */
	while (got < n) {
		if (take_signal(&set, &info, timeout_ms) == -1) {
			if (errno == ETIMEDOUT)
				break;
			return -1;
		}
		values[got++] = info.si_value.sival_int;
	}
	return (ssize_t)got;
}

/* ----------------------------------------------- step 5: reap on SIGCHLD */

/** Children reaped since signals_reaper_start(); the handler writes it. */
static volatile sig_atomic_t reaped;

/** SIGCHLD handler: reap every dead child, never block, keep errno. */
static void
reap_children(int sig)
{
	int saved = errno; /* waitpid() ends with ECHILD: not ours to change */
	pid_t pid;

	(void)sig;
	/* One SIGCHLD may stand for many children: loop until none is left. */
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		reaped++;
	errno = saved;
}

int
signals_reaper_start(struct sigaction *old)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = reap_children;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP; /* stopped children: no */
	reaped = 0;
	return sigaction(SIGCHLD, &sa, old);
}

long
signals_reaper_count(void)
{
	return reaped;
}

int
signals_reaper_stop(const struct sigaction *old)
{
	return sigaction(SIGCHLD, old, NULL);
}

/* ------------------------------------------- step 6: graceful shutdown */

/** The self-pipe: the handler writes the signal number into [1]. */
static int stop_pipe[2] = { -1, -1 };

/** SIGINT/SIGTERM handler: only record the request (write is safe). */
static void
request_stop(int sig)
{
	int saved = errno;
	unsigned char byte = (unsigned char)sig;

	/* Non-blocking: if the pipe is full, a stop is already recorded. */
	if (write(stop_pipe[1], &byte, 1) == -1) {
		/* nothing else a handler could do about it */
	}
	errno = saved;
}

/** Install request_stop for SIGINT and SIGTERM, saving the old ones. */
static int
install_stop_handlers(struct sigaction old[2])
{
	struct sigaction sa = { 0 };

	sa.sa_handler = request_stop;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT); /* one handler at a time */
	sigaddset(&sa.sa_mask, SIGTERM);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGINT, &sa, &old[0]) == -1)
		return -1;
	if (sigaction(SIGTERM, &sa, &old[1]) == -1) {
		int saved = errno;
		sigaction(SIGINT, &old[0], NULL);
		errno = saved;
		return -1;
	}
	return 0;
}

/** Wait for a stop request or a job. Returns 1 to stop (signal number in
 *  *sig, 0 at EOF), 0 when *byte holds a job, -1 on error. */
static int
next_event(int job_fd, unsigned char *byte, int *sig)
{
	struct pollfd fds[2] = { { .fd = stop_pipe[0], .events = POLLIN },
				 { .fd = job_fd, .events = POLLIN } };
	unsigned char stop;
	ssize_t n;

	while (poll(fds, 2, -1) == -1)
		if (errno != EINTR)
			return -1;
	/* A stop request wins over waiting jobs. */
	if (fds[0].revents != 0 && read(stop_pipe[0], &stop, 1) == 1) {
		*sig = stop;
		return 1;
	}
	do
		n = read(job_fd, byte, 1);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (n == 0) {
		*sig = 0; /* EOF: no more jobs will come */
		return 1;
	}
	return 0;
}

long
signals_serve(int job_fd, void (*job)(void *arg, unsigned char byte), void *arg,
	      int *stopped_by)
{
	struct sigaction old[2];
	long done = 0;
	int rc, sig = 0, saved;
	unsigned char byte;

	/* Non-blocking write end: the handler must never block. */
	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	if (install_stop_handlers(old) == -1) {
		saved = errno;
		close(stop_pipe[0]);
		close(stop_pipe[1]);
		errno = saved;
		return -1;
	}
	while ((rc = next_event(job_fd, &byte, &sig)) == 0) {
		job(arg, byte); /* a signal now only writes to the pipe */
		done++;
	}
	saved = errno;
	/* Handlers first: after this no handler can write to the pipe. */
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	stop_pipe[0] = stop_pipe[1] = -1;
	if (rc == -1) {
		errno = saved;
		return -1;
	}
	if (stopped_by != NULL)
		*stopped_by = sig;
	return done;
}
