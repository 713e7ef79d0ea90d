/* SPDX-License-Identifier: MIT */
/**
 * @file watch.h
 * @brief Lab 06 grader: what the grader sees of your signal handling.
 *
 * The grader is linked with `-Wl,--wrap=...` for the functions listed in
 * the lab's Makefile, so calls to them, from your code and the grader's,
 * come to watch.c first:
 * - sigaction() and signal() install a trampoline in place of your handler;
 *   the kernel calls the trampoline, which calls your handler with a flag
 *   set that says "a handler is running". sigaction() still reports your
 *   handler as installed.
 * - printf() and the rest of stdio, malloc() and friends, exit() and _exit()
 *   note it when they are called while that flag is set: they are not
 *   async-signal-safe (man 7 signal-safety).
 * - pause() and the sleep functions fail the test at once: in this lab they
 *   are always a race or a guess.
 * - sigsuspend(), sigwaitinfo() and sigtimedwait() check their arguments
 *   while a step-2 test is armed (watch_arm_wait()).
 * - poll() and the other waits can deliver a signal just before they wait,
 *   when a step-6 test asks for it (watch_inject_before_wait()), and fail the
 *   test if the wait would then sleep for ever.
 */
#ifndef SIGNALS_WATCH_H
#define SIGNALS_WATCH_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/** @brief Exit status of a child whose failure is in watch_child_message(). */
#define WATCH_CHILD_FAILED 86

/**
 * @brief Start watching: this process is the test process. Every test calls
 *        it first (SIGNALS_TEST does).
 */
void watch_begin_test(void);

/**
 * @brief Fail the test now with a message. In the test process this is a
 *        Check failure; in a child it writes the message where
 *        watch_child_message() finds it and ends the child with
 *        WATCH_CHILD_FAILED. Safe to call from a handler.
 * @param fmt printf format
 */
_Noreturn void watch_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/**
 * @brief The message a child left with watch_fail(), if any.
 * @return a static string ("" when none)
 */
const char *watch_child_message(void);

/**
 * @brief Describe the first unsafe call made in a handler in this process.
 * @param out     receives the message
 * @param out_len its size
 * @return true if there was one (and @p out holds the explanation).
 */
bool watch_unsafe_call(char *out, size_t out_len);

/**
 * @brief Fail the test if a handler of this process made an unsafe call.
 */
void watch_require_safe_handlers(void);

/**
 * @brief Did a handler change errno (and not put it back)?
 * @param sig    receives the handler's signal
 * @param before receives errno before the handler
 * @param after  receives errno after it
 * @return true if one did.
 */
bool watch_errno_clobbered(int *sig, int *before, int *after);

/** @brief Was signal() used to install a handler (not sigaction())? */
bool watch_used_signal_function(void);

/**
 * @brief Step 2: watch the waits for @p sig (0 disarms). sigsuspend() must
 *        come after a call to the condition, and use the caller's mask
 *        (as it is now) without @p sig; sigwaitinfo()/sigtimedwait() must
 *        not take @p sig.
 * @param sig the signal the test sends
 */
void watch_arm_wait(int sig);

/**
 * @brief Steps 3 and 4: sigtimedwait() and sigwaitinfo() may take only
 *        signals of @p set (NULL disarms); a set that holds another one
 *        fails the test (watch_fail()).
 * @param set the signals the function under test waits for
 */
void watch_expect_wait_set(const sigset_t *set);

/** @brief Step 2: the condition was called (the test's ready() says so). */
void watch_note_condition(void);

/**
 * @brief Step 6: the next poll(), ppoll(), select(), pselect() or
 *        epoll_wait() of the test process raises @p sig just before it
 *        waits; if that wait would then sleep for ever, the test fails.
 * @param sig the signal to raise (0 disarms)
 */
void watch_inject_before_wait(int sig);

/** @brief Step 6: has the injection happened? */
bool watch_injected(void);

#endif /* SIGNALS_WATCH_H */
