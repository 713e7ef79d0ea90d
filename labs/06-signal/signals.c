/* SPDX-License-Identifier: MIT */
/**
 * @file signals.c
 * @brief Lab 06, signals: your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=06 STEP=n`. Read README.md first.
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

int
signals_install(int sig, void (*handler)(int), bool restart,
		struct sigaction *old)
{
	/* TODO(step 1): fill a struct sigaction (zeroed): sa_handler,
	 * sigemptyset(&sa.sa_mask), sa_flags = SA_RESTART or 0, then one
	 * sigaction(sig, &sa, old). Not signal(): its flags are not yours to
	 * choose. Read: man 2 sigaction, man 7 signal. */
	(void)sig;
	(void)handler;
	(void)restart;
	(void)old;
	errno = ENOSYS;
	return -1;
}

int
signals_restore(int sig, const struct sigaction *old)
{
	/* TODO(step 1): hand the saved struct back to sigaction().
	 * Read: man 2 sigaction. */
	(void)sig;
	(void)old;
	errno = ENOSYS;
	return -1;
}

int
signals_wait_until(int sig, int (*ready)(void *arg), void *arg)
{
	/* TODO(step 2): block sig (sigprocmask, keep the old mask); while
	 * ready(arg) is 0, sigsuspend() with the old mask minus sig; restore
	 * the old mask. Never pause(): a signal between the test and pause()
	 * is lost. Read: man 2 sigsuspend, man 2 sigprocmask,
	 * man 3 sigsetops. */
	(void)sig;
	(void)ready;
	(void)arg;
	errno = ENOSYS;
	return -1;
}

ssize_t
signals_send_bytes(pid_t receiver, const void *buf, size_t len, int timeout_ms)
{
	/* TODO(step 3): block SIGNALS_ACK; send the length as 32 bits, then
	 * each byte as 8 bits, most significant bit first, with kill(): 0 is
	 * SIGNALS_BIT_ZERO, 1 is SIGNALS_BIT_ONE. After every bit wait with
	 * sigtimedwait() for SIGNALS_ACK from receiver (check si_pid).
	 * Restore the mask. Read: man 2 kill, man 2 sigtimedwait. */
	(void)receiver;
	(void)buf;
	(void)len;
	(void)timeout_ms;
	errno = ENOSYS;
	return -1;
}

ssize_t
signals_receive_bytes(char **out, pid_t *sender, int timeout_ms)
{
	/* TODO(step 3): the bit signals are already blocked. For each bit:
	 * sigtimedwait() for SIGNALS_BIT_ZERO or SIGNALS_BIT_ONE, remember
	 * si_pid of the first one, then kill(sender, SIGNALS_ACK). 32 bits
	 * of length, malloc, then 8 bits per byte. Read: man 2 sigtimedwait,
	 * man 2 sigaction (siginfo_t). */
	(void)out;
	(void)sender;
	(void)timeout_ms;
	errno = ENOSYS;
	return -1;
}

ssize_t
signals_queue_values(pid_t pid, int sig, const int *values, size_t n)
{
	/* TODO(step 4): one sigqueue(pid, sig, value) per integer, the
	 * integer in value.sival_int. Read: man 3 sigqueue, man 7 signal
	 * ("Real-time signals"). */
	(void)pid;
	(void)sig;
	(void)values;
	(void)n;
	errno = ENOSYS;
	return -1;
}

ssize_t
signals_receive_values(int sig, int *values, size_t n, int timeout_ms)
{
	/* TODO(step 4): sig is already blocked. n times: sigtimedwait() for
	 * it and store info.si_value.sival_int; stop early on a timeout
	 * (EAGAIN). Read: man 2 sigtimedwait. */
	(void)sig;
	(void)values;
	(void)n;
	(void)timeout_ms;
	errno = ENOSYS;
	return -1;
}

int
signals_reaper_start(struct sigaction *old)
{
	/* TODO(step 5): write a SIGCHLD handler that saves errno, loops on
	 * waitpid(-1, NULL, WNOHANG) while it returns > 0, counting in a
	 * static volatile sig_atomic_t, and restores errno. Reset the count,
	 * install the handler with SA_RESTART. Read: man 2 waitpid,
	 * man 7 signal-safety. */
	(void)old;
	errno = ENOSYS;
	return -1;
}

long
signals_reaper_count(void)
{
	/* TODO(step 5): return the handler's count. */
	errno = ENOSYS;
	return -1;
}

int
signals_reaper_stop(const struct sigaction *old)
{
	/* TODO(step 5): put back the old SIGCHLD disposition.
	 * Read: man 2 sigaction. */
	(void)old;
	errno = ENOSYS;
	return -1;
}

long
signals_serve(int job_fd, void (*job)(void *arg, unsigned char byte), void *arg,
	      int *stopped_by)
{
	/* TODO(step 6): the self-pipe trick. pipe2(O_NONBLOCK | O_CLOEXEC);
	 * handlers for SIGINT and SIGTERM that only write() the signal
	 * number to the pipe (save errno). Loop: poll() the pipe and job_fd;
	 * a byte in the pipe means stop (check it first); else read one job
	 * byte (0 bytes: EOF, stop) and call job(). Then restore both
	 * handlers, close the pipe, return the number of jobs done.
	 * Read: man 2 poll, man 2 pipe, man 7 signal-safety. */
	(void)job_fd;
	(void)job;
	(void)arg;
	(void)stopped_by;
	errno = ENOSYS;
	return -1;
}
