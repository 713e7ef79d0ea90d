/* SPDX-License-Identifier: MIT */
/**
 * @file signals.h
 * @brief Lab 06, signals: the functions you implement in signals.c.
 *
 * Every function follows the POSIX convention: it returns 0 or a count on
 * success and -1 with errno set on failure. None of them exits the process,
 * and each leaves the signal dispositions and the signal mask of its caller
 * as it found them (unless its contract says otherwise).
 * See labs/06-signal/README.md for the background and the steps.
 */
#ifndef SIGNALS_LAB_H
#define SIGNALS_LAB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ------------------------------------------------- step 1: sigaction */

/**
 * @brief Step 1: install @p handler for @p sig with sigaction(2).
 *
 * The handler gets an empty sa_mask (the signal itself is still blocked
 * while its handler runs, as sigaction does by default), no SA_SIGINFO, no
 * SA_RESETHAND and no SA_NODEFER. With @p restart, SA_RESTART is set, so
 * system calls the signal interrupts (read, write, wait...) are resumed;
 * without it they fail with EINTR.
 * @param sig     the signal (SIGKILL and SIGSTOP cannot be caught)
 * @param handler the function to run when @p sig arrives
 * @param restart true to set SA_RESTART
 * @param old     receives the previous disposition (may be NULL), for
 *                signals_restore()
 * @return 0; -1 with errno EINVAL (an invalid signal, or SIGKILL/SIGSTOP)
 *         or from sigaction(2).
 */
int signals_install(int sig, void (*handler)(int), bool restart,
		    struct sigaction *old);

/**
 * @brief Step 1: put back the disposition signals_install() saved.
 * @param sig the signal
 * @param old what signals_install() stored in its @p old
 * @return 0; -1 with errno from sigaction(2) (EINVAL, EFAULT).
 */
int signals_restore(int sig, const struct sigaction *old);

/* ----------------------------------------- step 2: race-free waiting */

/**
 * @brief Step 2: wait until @p ready returns non-zero, without a race.
 *
 * The caller has installed a handler for @p sig that makes @p ready true
 * (typically it sets a volatile sig_atomic_t flag that @p ready reads).
 * Block @p sig, then loop: call @p ready (with @p sig still blocked);
 * if it returns 0, wait for a signal with sigsuspend(2), using the caller's
 * mask without @p sig, so unblocking and sleeping are one atomic step.
 * Return once @p ready returns non-zero, with the caller's mask restored.
 * Never wait before calling @p ready: the condition may already hold.
 * @param sig   the signal that changes the condition
 * @param ready the condition, called with @p sig blocked
 * @param arg   passed to @p ready
 * @return 0; -1 with errno EINVAL (invalid @p sig) or from sigprocmask(2).
 */
int signals_wait_until(int sig, int (*ready)(void *arg), void *arg);

/* --------------------------------------- step 3: bytes through signals */

/** @brief Step 3: the signal that carries a 0 bit, sender to receiver. */
#define SIGNALS_BIT_ZERO SIGUSR1
/** @brief Step 3: the signal that carries a 1 bit, sender to receiver. */
#define SIGNALS_BIT_ONE SIGUSR2
/** @brief Step 3: the acknowledgement of one bit, receiver to sender. */
#define SIGNALS_ACK SIGUSR1

/**
 * @brief Step 3: send @p len bytes to process @p receiver, one bit per
 *        signal, waiting for an acknowledgement after every bit.
 *
 * The protocol: first the length as 32 bits, then every byte, each most
 * significant bit first; a 0 bit is SIGNALS_BIT_ZERO, a 1 bit
 * SIGNALS_BIT_ONE, sent with kill(2). After each bit the sender waits until
 * the receiver answers with SIGNALS_ACK (an ack sent by another process
 * does not count); only then may it send the next bit. Standard signals do
 * not queue: without the ack, two bits of the same value would merge.
 * Block SIGNALS_ACK before sending the first bit (or the ack could come
 * before you wait for it), and restore the caller's mask at the end.
 * @param receiver   pid of the receiving process
 * @param buf        the bytes (any values, NUL included)
 * @param len        how many (at most UINT32_MAX)
 * @param timeout_ms the longest wait for one ack; -1 waits for ever
 * @return @p len; -1 with errno ESRCH (no such receiver), ETIMEDOUT (no ack
 *         in time), EMSGSIZE (@p len too big) or from the calls used.
 */
ssize_t signals_send_bytes(pid_t receiver, const void *buf, size_t len,
			   int timeout_ms);

/**
 * @brief Step 3: receive one message sent with signals_send_bytes().
 *
 * The caller has blocked SIGNALS_BIT_ZERO and SIGNALS_BIT_ONE before the
 * sender could start (so no bit is lost or kills the process), and they
 * stay blocked. Take each bit with sigwaitinfo(2) (or sigtimedwait(2)),
 * note who sent it (si_pid) and acknowledge it by sending SIGNALS_ACK to
 * that process. The sender is the process that sent the first bit.
 * @param out        receives a malloc'd buffer with the bytes (never NULL
 *                   on success, even for 0 bytes); the caller frees it
 * @param sender     receives the sender's pid (may be NULL)
 * @param timeout_ms the longest wait for one bit; -1 waits for ever
 * @return the number of bytes received; -1 with errno ETIMEDOUT (a bit
 *         did not come in time), ENOMEM, or from the calls used.
 */
ssize_t signals_receive_bytes(char **out, pid_t *sender, int timeout_ms);

/* ------------------------------------------- step 4: real-time signals */

/**
 * @brief Step 4: send @p n integers to @p pid, one sigqueue(3) each.
 *
 * Real-time signals queue: every one is delivered, in the order sent, with
 * the value it carries (si_value.sival_int). kill(2) cannot carry a value.
 * @param pid    the receiving process
 * @param sig    a real-time signal (SIGRTMIN..SIGRTMAX)
 * @param values the integers
 * @param n      how many
 * @return @p n; -1 with errno from sigqueue(3) (EAGAIN: the receiver's
 *         queue of pending signals is full; ESRCH; EINVAL).
 */
ssize_t signals_queue_values(pid_t pid, int sig, const int *values, size_t n);

/**
 * @brief Step 4: receive @p n integers sent with signals_queue_values().
 *
 * The caller has blocked @p sig before the sender could start. Take the
 * signals one at a time with sigwaitinfo(2)/sigtimedwait(2) and store
 * each si_value.sival_int in arrival order.
 * @param sig        the real-time signal
 * @param values     where to store them
 * @param n          how many to wait for
 * @param timeout_ms the longest wait for one signal; -1 waits for ever
 * @return the number received: @p n, or fewer if a wait timed out;
 *         -1 with errno on error (EINVAL for an invalid @p sig).
 */
ssize_t signals_receive_values(int sig, int *values, size_t n, int timeout_ms);

/* ----------------------------------------------- step 5: reap on SIGCHLD */

/**
 * @brief Step 5: install a SIGCHLD handler that reaps dead children.
 *
 * The handler calls waitpid(-1, &status, WNOHANG) in a loop until it
 * returns 0 (children left, none dead) or -1 (none left), counting each
 * child it reaps: one SIGCHLD may stand for many dead children, since
 * standard signals do not queue. It never blocks, and it saves and restores
 * errno (waitpid changes it). Also resets the count to 0. Use SA_RESTART,
 * so the caller's blocking calls are not cut short by SIGCHLD.
 * @param old receives the previous SIGCHLD disposition (may be NULL)
 * @return 0; -1 with errno from sigaction(2).
 */
int signals_reaper_start(struct sigaction *old);

/**
 * @brief Step 5: how many children the handler reaped since
 *        signals_reaper_start().
 * @return the count (never fails).
 */
long signals_reaper_count(void);

/**
 * @brief Step 5: put back the SIGCHLD disposition saved by
 *        signals_reaper_start().
 * @param old what signals_reaper_start() stored
 * @return 0; -1 with errno from sigaction(2).
 */
int signals_reaper_stop(const struct sigaction *old);

/* ------------------------------------------- step 6: graceful shutdown */

/**
 * @brief Step 6: process jobs from @p job_fd until EOF, SIGINT or SIGTERM.
 *
 * Each byte read from @p job_fd is one job, passed to @p job. When SIGINT
 * or SIGTERM arrives, the job running at that moment finishes; then the
 * loop takes no new job (even if more are waiting), cleans up and returns.
 * The handlers may only record the request: use the self-pipe trick (the
 * handler writes a byte to a pipe that poll(2) watches next to @p job_fd)
 * or signalfd(2). The wait for the next job is a poll(2) on both, so a
 * signal that arrives just before it still wakes it up. Before returning,
 * restore the previous SIGINT and SIGTERM dispositions and the signal
 * mask, and close the pipe (or signalfd).
 * @param job_fd     descriptor to read jobs from (e.g. a pipe)
 * @param job        called once per job, with @p arg and the job's byte
 * @param arg        passed to @p job
 * @param stopped_by receives the signal that stopped the loop, or 0 at EOF
 *                   (may be NULL)
 * @return the number of jobs completed; -1 with errno on error (from pipe,
 *         sigaction, poll or read).
 */
long signals_serve(int job_fd, void (*job)(void *arg, unsigned char byte),
		   void *arg, int *stopped_by);

#endif /* SIGNALS_LAB_H */
