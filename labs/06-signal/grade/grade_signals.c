/* SPDX-License-Identifier: MIT */
/**
 * @file grade_signals.c
 * @brief Lab 06 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c) adds the leak checks (fds, children, zombies); watch.c
 * sees what handlers call and how code waits (see watch.h).
 *
 * Nothing here sleeps to synchronise. When a test must act while the code
 * under test is blocked in a system call, it waits until /proc says the
 * process is asleep (state S), which it only is once it blocks.
 */
#include "grade.h"
#include "ipc_util.h"
#include "signals.h"
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/**
 * A test of this lab: watch.c starts watching, and after the body the
 * handlers must have made no unsafe call (printf, malloc, ...).
 */
#define SIGNALS_TEST(name)                                                     \
	static void name##_body(void);                                         \
	START_TEST(name)                                                       \
	{                                                                      \
		watch_begin_test();                                            \
		name##_body();                                                 \
		watch_require_safe_handlers();                                 \
	}                                                                      \
	END_TEST                                                               \
	static void name##_body(void)

/** Longest wait for anything that should happen at once (a safety net):
 *  3 s, scaled like Check's time limits by CK_TIMEOUT_MULTIPLIER. */
#define PATIENCE_MS patience_ms()

static int
patience_ms(void)
{
	const char *scale = getenv("CK_TIMEOUT_MULTIPLIER");
	double factor = scale != NULL ? atof(scale) : 1.0;

	return (int)(3000 * (factor > 1.0 ? factor : 1.0));
}

/* ------------------------------------------------------------- helpers */

/** "SIGUSR1", in one of a few rotating buffers. */
static const char *
sig_name(int sig)
{
	static char names[4][32];
	static unsigned next;
	char *out = names[next++ % 4];
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(out, 32, "SIGRTMIN+%d", sig - SIGRTMIN);
	else if (abbrev != NULL)
		snprintf(out, 32, "SIG%s", abbrev);
	else
		snprintf(out, 32, "signal %d", sig);
	return out;
}

/** errno's name, or "no error". */
static const char *
err_name(int err)
{
	return err ? ipc_errno_name(err) : "no error";
}

/** The current disposition of @p sig. */
static struct sigaction
disposition(int sig)
{
	struct sigaction sa;

	ck_assert_int_eq(sigaction(sig, NULL, &sa), 0);
	return sa;
}

/** Install the test's own disposition for @p sig. */
static void
set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = {0};

	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = flags;
	ck_assert_int_eq(sigaction(sig, &sa, NULL), 0);
}

/** Block (how = SIG_BLOCK) or unblock (SIG_UNBLOCK) one or two signals. */
static void
change_mask(int how, int sig, int sig2)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sig2 != 0)
		sigaddset(&set, sig2);
	ck_assert_int_eq(sigprocmask(how, &set, NULL), 0);
}

/** Is @p sig blocked in this thread right now? */
static bool
is_blocked(int sig)
{
	sigset_t now;

	sigprocmask(SIG_BLOCK, NULL, &now);
	return sigismember(&now, sig) == 1;
}

/** Is @p sig pending? */
static bool
is_pending(int sig)
{
	sigset_t pending;

	sigpending(&pending);
	return sigismember(&pending, sig) == 1;
}

/** Take back every pending instance of @p sig (it is blocked). */
static void
drain(int sig)
{
	const struct timespec now = {0, 0};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	while (sigtimedwait(&set, NULL, &now) > 0)
		;
}

/** Unblock @p sig and @p sig2 after taking back what is pending. */
static void
unblock_drained(int sig, int sig2)
{
	drain(sig);
	if (sig2 != 0)
		drain(sig2);
	change_mask(SIG_UNBLOCK, sig, sig2);
}

/** The state letter of @p pid and its CPU time (clock ticks), from
 *  /proc/PID/stat; '?' when it is gone. Uses only open/read. */
static char
proc_state(pid_t pid, unsigned long *cpu_ticks)
{
	char path[64], buf[1024], state = '?', *paren;
	unsigned long user = 0, system = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	paren = strrchr(buf, ')'); /* the command name may hold anything */
	if (paren == NULL || paren[1] == '\0')
		return '?';
	sscanf(paren + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	       &state, &user, &system);
	if (cpu_ticks != NULL)
		*cpu_ticks = user + system;
	return state;
}

/** Milliseconds since @p start (from ipc_now_ns()). */
static long
ms_since(uint64_t start)
{
	return (long)((ipc_now_ns() - start) / 1000000u);
}

/**
 * Wait until @p pid is asleep in a system call (state S). A process is in
 * state S only while blocked, so "S" after we released it means "it has
 * reached its wait". Returns 0, or -1 if it died or took too long.
 */
static int
wait_until_asleep(pid_t pid, int timeout_ms)
{
	uint64_t start = ipc_now_ns();

	while (ms_since(start) < timeout_ms) {
		char state = proc_state(pid, NULL);
		if (state == 'S')
			return 0;
		if (state == 'Z' || state == 'X' || state == '?')
			return -1;
		sched_yield();
	}
	return -1;
}

/** A pidfd for @p pid: readable once it has exited. */
static int
pidfd_of(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	ck_assert_msg(fd != -1, "pidfd_open: %s", strerror(errno));
	return fd;
}

/**
 * Fill the stack below the caller with 0xff bytes, so that a local the
 * code under test forgets to set (a sigset_t without sigemptyset(), a
 * timespec half filled) holds every bit, not the zeros a fresh stack
 * happens to hold: the mistake then shows every time.
 */
static __attribute__((noinline)) void
dirty_stack(void)
{
	volatile unsigned char junk[16 * 1024];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0xff;
}

/** Signals glibc keeps for itself (32 and 33): never compared. */
static bool
is_reserved_signal(int sig)
{
	return sig >= 32 && sig < SIGRTMIN;
}

/* ---------------------------------------- signal state: before and after */

/** Everything a function could change in the process's signal state. */
struct signal_state {
	sigset_t mask;
	sigset_t pending;
	struct sigaction action[NSIG];
};

static void
snapshot(struct signal_state *s)
{
	sigprocmask(SIG_BLOCK, NULL, &s->mask);
	sigpending(&s->pending);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigaction(sig, NULL, &s->action[sig]) == -1)
			memset(&s->action[sig], 0, sizeof(s->action[sig]));
}

/** The flags that matter in a disposition (not SA_RESTORER, glibc's). */
#define FLAGS_OF_INTEREST                                                      \
	(SA_RESTART | SA_SIGINFO | SA_NODEFER | SA_RESETHAND | SA_NOCLDSTOP |  \
	 SA_NOCLDWAIT | SA_ONSTACK)

/**
 * Describe how @p after differs from @p before (the mask, a disposition,
 * a signal left pending), blaming @p function. Returns false if it does not.
 */
static bool
describe_change(const struct signal_state *before,
		const struct signal_state *after, const char *function,
		char *out, size_t out_len)
{
	for (int sig = 1; sig < NSIG; sig++) {
		const struct sigaction *a = &before->action[sig];
		const struct sigaction *b = &after->action[sig];
		if (sigismember(&before->mask, sig) !=
		    sigismember(&after->mask, sig)) {
			snprintf(out, out_len,
				 "%s() left %s %s in the signal mask: save the "
				 "caller's mask (sigprocmask's third argument) "
				 "and "
				 "restore it before returning",
				 function, sig_name(sig),
				 sigismember(&after->mask, sig) ? "blocked"
								: "unblocked");
			return true;
		}
		if (a->sa_handler != b->sa_handler ||
		    (a->sa_flags & FLAGS_OF_INTEREST) !=
			    (b->sa_flags & FLAGS_OF_INTEREST)) {
			snprintf(out, out_len,
				 "%s() changed the disposition of %s and did "
				 "not "
				 "put it back (now %s): save the old one "
				 "(sigaction's third argument) and restore it "
				 "before returning",
				 function, sig_name(sig),
				 b->sa_handler == SIG_IGN   ? "ignored"
				 : b->sa_handler == SIG_DFL ? "the default"
							    : "a handler");
			return true;
		}
		if (!sigismember(&before->pending, sig) &&
		    sigismember(&after->pending, sig)) {
			snprintf(out, out_len,
				 "%s() left %s pending: a signal it caused (or "
				 "blocked) will surprise its caller later",
				 function, sig_name(sig));
			return true;
		}
	}
	return false;
}

/** Fail unless the signal state is as it was in @p before. */
static void
require_signal_state(const struct signal_state *before, const char *function)
{
	struct signal_state after;
	char msg[512];

	snapshot(&after);
	if (describe_change(before, &after, function, msg, sizeof(msg)))
		ck_abort_msg("%s", msg);
}

/* ----------------------------------------------- the test's own handlers */

static volatile sig_atomic_t caught;
/** If not -1, count_signal() also writes a byte here (a safe call). */
static int handled_fd = -1;

static void
count_signal(int sig)
{
	int saved = errno;

	(void)sig;
	caught++;
	if (handled_fd != -1 && write(handled_fd, "h", 1) == -1) {
		/* the test notices the missing byte */
	}
	errno = saved;
}

static void
other_handler(int sig)
{
	(void)sig;
}

/* ==================================================== step 1: sigaction */

SIGNALS_TEST(test_install_runs_handler)
{
	struct sigaction old, now;
	int rc;

	set_handler(SIGUSR1, SIG_DFL, 0);
	caught = 0;
	rc = signals_install(SIGUSR1, count_signal, true, &old);
	GRADE_IMPLEMENTED(rc, "signals_install", 1);
	ck_assert_msg(rc == 0, "signals_install(SIGUSR1, ...) returned %d (%s)",
		      rc, err_name(errno));
	now = disposition(SIGUSR1);
	ck_assert_msg(
		now.sa_handler == count_signal,
		"after signals_install(SIGUSR1, handler, ...) the handler "
		"of SIGUSR1 is not the one given: put it in sa_handler");
	ck_assert_msg(
		!(now.sa_flags & SA_RESETHAND),
		"SA_RESETHAND is set: the handler would run once, and the "
		"next SIGUSR1 would kill the process (what signal() does "
		"on System V)");
	raise(SIGUSR1);
	raise(SIGUSR1);
	ck_assert_msg(caught == 2,
		      "raise(SIGUSR1) twice ran the handler %d time(s), not 2",
		      (int)caught);
	ck_assert_int_eq(sigaction(SIGUSR1, &old, NULL), 0);
}

SIGNALS_TEST(test_install_sets_flags_as_asked)
{
	struct sigaction now;
	int rc;

	rc = signals_install(SIGUSR1, count_signal, true, NULL);
	GRADE_IMPLEMENTED(rc, "signals_install", 1);
	ck_assert_msg(
		!watch_used_signal_function(),
		"signals_install() used signal(): its flags are not yours "
		"to choose (glibc sets SA_RESTART, System V resets the "
		"handler after one signal). Use sigaction()");
	now = disposition(SIGUSR1);
	ck_assert_msg(now.sa_flags & SA_RESTART,
		      "signals_install(..., restart = true, ...) did not set "
		      "SA_RESTART in sa_flags");
	ck_assert_msg(
		!(now.sa_flags & (SA_SIGINFO | SA_NODEFER | SA_RESETHAND)),
		"sa_flags holds more than SA_RESTART (0x%x): start from a "
		"zeroed struct sigaction",
		(unsigned)now.sa_flags);
	for (int sig = 1; sig < NSIG; sig++)
		ck_assert_msg(
			sigismember(&now.sa_mask, sig) != 1,
			"sa_mask blocks %s while the handler runs: fill it "
			"with sigemptyset() (an uninitialised mask blocks "
			"whatever the stack held)",
			sig_name(sig));
	rc = signals_install(SIGUSR2, count_signal, false, NULL);
	now = disposition(SIGUSR2);
	ck_assert_msg(
		rc == 0 && !(now.sa_flags & SA_RESTART),
		"signals_install(..., restart = false, ...) set SA_RESTART: "
		"without it, a blocking call the signal interrupts fails "
		"with EINTR, which is what the caller asked for");
	set_handler(SIGUSR1, SIG_DFL, 0);
	set_handler(SIGUSR2, SIG_DFL, 0);
}

/** What the helper of the SA_RESTART tests needs. */
struct poke {
	pid_t target;
	int sig;
	int handled_fd; /* readable once the target's handler ran */
	int data_fd;	/* where to write the byte the target reads */
};

/**
 * Helper: once the target sleeps in read(), signal it; once its handler
 * ran (the kernel has then decided: restart or EINTR), give read() a byte.
 */
static int
poke_reader(void *arg)
{
	const struct poke *p = arg;
	struct pollfd handled = {.fd = p->handled_fd, .events = POLLIN};
	int rc = 0;

	if (wait_until_asleep(p->target, PATIENCE_MS) == -1)
		rc = 1;
	else if (kill(p->target, p->sig) == -1)
		rc = 2;
	else if (poll(&handled, 1, PATIENCE_MS) != 1)
		rc = 3;
	/* Always: a reader that waits for ever would hang the test. */
	if (write(p->data_fd, "d", 1) != 1)
		rc = 4;
	return rc;
}

/** read() from a pipe while SIGUSR1 interrupts it; returns read's result. */
static ssize_t
interrupted_read(bool restart, int *err)
{
	int data[2], handled[2], status;
	struct sigaction old;
	struct poke p;
	ssize_t n;
	pid_t helper;
	char c;
	int rc;

	set_handler(SIGUSR1, SIG_DFL, 0);
	rc = signals_install(SIGUSR1, count_signal, restart, &old);
	GRADE_IMPLEMENTED(rc, "signals_install", 1);
	ck_assert_msg(rc == 0, "signals_install() failed: %s", err_name(errno));
	ck_assert_int_eq(pipe(data), 0);
	ck_assert_int_eq(pipe(handled), 0);
	handled_fd = handled[1];
	p = (struct poke){getpid(), SIGUSR1, handled[0], data[1]};
	helper = grade_spawn(poke_reader, &p);
	n = read(data[0], &c, 1); /* SIGUSR1 comes while we sleep here */
	*err = errno;
	status = grade_join(helper, PATIENCE_MS + 1000);
	handled_fd = -1;
	close(data[0]);
	close(data[1]);
	close(handled[0]);
	close(handled[1]);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "grader problem: the helper that sends SIGUSR1 failed "
		      "(step %d)",
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	ck_assert_msg(caught == 1, "the handler ran %d times, not once",
		      (int)caught);
	ck_assert_int_eq(sigaction(SIGUSR1, &old, NULL), 0);
	return n;
}

SIGNALS_TEST(test_install_restart_resumes_read)
{
	int err;
	ssize_t n;

	caught = 0;
	n = interrupted_read(true, &err);
	ck_assert_msg(
		n == 1,
		"with restart = true, a read() that SIGUSR1 interrupted "
		"returned %zd (%s) instead of going on: set SA_RESTART, so "
		"the kernel restarts the call after the handler",
		n, n == -1 ? err_name(err) : "?");
}

SIGNALS_TEST(test_install_no_restart_interrupts_read)
{
	int err;
	ssize_t n;

	caught = 0;
	n = interrupted_read(false, &err);
	ck_assert_msg(n == -1 && err == EINTR,
		      "with restart = false, a read() that SIGUSR1 interrupted "
		      "returned %zd (%s), not -1 with EINTR: leave SA_RESTART "
		      "off (signal() would turn it on)",
		      n, n == -1 ? err_name(err) : "it was restarted");
}

SIGNALS_TEST(test_install_returns_and_restores_old)
{
	struct sigaction mine = {0}, old, now;
	int rc;

	/* A disposition with a recognisable handler, flag and mask. */
	mine.sa_handler = other_handler;
	sigemptyset(&mine.sa_mask);
	sigaddset(&mine.sa_mask, SIGUSR2);
	mine.sa_flags = SA_NODEFER;
	ck_assert_int_eq(sigaction(SIGUSR1, &mine, NULL), 0);
	memset(&old, 0, sizeof(old));
	rc = signals_install(SIGUSR1, count_signal, true, &old);
	GRADE_IMPLEMENTED(rc, "signals_install", 1);
	ck_assert_msg(
		old.sa_handler == other_handler &&
			(old.sa_flags & SA_NODEFER) &&
			sigismember(&old.sa_mask, SIGUSR2) == 1,
		"*old did not receive the previous disposition (handler, "
		"flags and mask): pass old as sigaction()'s third argument");
	rc = signals_restore(SIGUSR1, &old);
	GRADE_IMPLEMENTED(rc, "signals_restore", 1);
	now = disposition(SIGUSR1);
	ck_assert_msg(rc == 0 && now.sa_handler == other_handler &&
			      (now.sa_flags & SA_NODEFER) &&
			      sigismember(&now.sa_mask, SIGUSR2) == 1,
		      "signals_restore() did not put back the previous "
		      "disposition (handler, flags and mask): hand the saved "
		      "struct to sigaction() as it is");
	/* And the usual case: back to the default. */
	set_handler(SIGUSR1, SIG_DFL, 0);
	ck_assert_int_eq(signals_install(SIGUSR1, count_signal, false, &old),
			 0);
	ck_assert_int_eq(signals_restore(SIGUSR1, &old), 0);
	ck_assert_msg(
		disposition(SIGUSR1).sa_handler == SIG_DFL,
		"after install and restore, SIGUSR1 is not back to SIG_DFL");
}

SIGNALS_TEST(test_install_cannot_catch_sigkill)
{
	static const int uncatchable[] = {SIGKILL, SIGSTOP};

	for (size_t i = 0; i < 2; i++) {
		int rc;
		errno = 0;
		rc = signals_install(uncatchable[i], count_signal, true, NULL);
		GRADE_IMPLEMENTED(rc, "signals_install", 1);
		ck_assert_msg(
			rc == -1 && errno == EINVAL,
			"signals_install(%s, ...) returned %d (%s): %s "
			"cannot be caught, blocked or ignored, sigaction() "
			"refuses with EINVAL, and so must you (return what "
			"sigaction returns)",
			sig_name(uncatchable[i]), rc, err_name(errno),
			sig_name(uncatchable[i]));
	}
}

/* ============================================ step 2: race-free waiting */

static volatile sig_atomic_t flag;

static void
set_flag(int sig)
{
	(void)sig;
	flag = 1;
}

/** The condition of the step-2 tests, and how it is checked. */
struct condition {
	int sig;      /* the signal that sets the flag */
	int raise_at; /* raise sig right after this call's test (0: never) */
	int calls;    /* calls so far */
	sigset_t caller_mask; /* the mask when signals_wait_until() began */
};

/** ready(): is the flag set? Also checks that sig is blocked meanwhile. */
static int
flag_is_set(void *arg)
{
	struct condition *c = arg;
	sigset_t now;
	int value;

	watch_note_condition();
	c->calls++;
	if (!is_blocked(c->sig))
		watch_fail("the condition was tested while %s was not blocked: "
			   "if the signal arrives right after the test and "
			   "before you wait, its wake-up is lost and the wait "
			   "sleeps for ever (the pause() race). Block %s "
			   "first, then test, then sigsuspend()",
			   sig_name(c->sig), sig_name(c->sig));
	sigprocmask(SIG_BLOCK, NULL, &now);
	for (int s = 1; s < NSIG; s++) {
		bool blocked = sigismember(&now, s) == 1;
		if (s == c->sig || s == SIGKILL || s == SIGSTOP ||
		    is_reserved_signal(s) ||
		    blocked == (sigismember(&c->caller_mask, s) == 1))
			continue;
		watch_fail("the condition was tested with %s %s, which the "
			   "caller had %s: block only %s, on top of the "
			   "caller's mask (sigemptyset() a set, sigaddset() "
			   "the signal, SIG_BLOCK it); a sigset_t you did not "
			   "fill holds whatever was on the stack",
			   sig_name(s), blocked ? "blocked" : "unblocked",
			   blocked ? "unblocked" : "blocked", sig_name(c->sig));
	}
	value = flag;
	if (c->calls == c->raise_at)
		raise(c->sig); /* the signal comes between test and wait */
	return value;
}

/** Call signals_wait_until(SIGUSR1) with the watch armed; check it. */
static void
wait_for_flag(struct condition *c)
{
	int rc;

	sigprocmask(SIG_BLOCK, NULL, &c->caller_mask);
	watch_arm_wait(c->sig);
	dirty_stack();
	rc = signals_wait_until(c->sig, flag_is_set, c);
	watch_arm_wait(0);
	GRADE_IMPLEMENTED(rc, "signals_wait_until", 2);
	ck_assert_msg(rc == 0, "signals_wait_until() returned %d (%s)", rc,
		      err_name(errno));
	ck_assert_msg(c->calls > 0, "signals_wait_until() returned without "
				    "calling ready()");
	ck_assert_msg(flag == 1,
		      "signals_wait_until() returned while ready() was still "
		      "false: loop until it returns non-zero");
}

SIGNALS_TEST(test_wait_returns_at_once_when_ready)
{
	struct condition c = {.sig = SIGUSR1, .raise_at = 0};

	set_handler(SIGUSR1, set_flag, 0);
	flag = 1; /* the signal came before the call */
	wait_for_flag(&c);
	ck_assert_msg(c.calls == 1,
		      "ready() was called %d times, expected once", c.calls);
}

/** Helper: signal the target once it sleeps (in its wait). */
static int
signal_when_asleep(void *arg)
{
	const struct poke *p = arg;

	if (wait_until_asleep(p->target, PATIENCE_MS) == -1)
		return 1;
	return kill(p->target, p->sig) == 0 ? 0 : 2;
}

SIGNALS_TEST(test_wait_tests_condition_with_signal_blocked)
{
	struct condition c = {.sig = SIGUSR1, .raise_at = 0};
	struct poke p = {getpid(), SIGUSR1, -1, -1};
	pid_t helper;
	int status;

	set_handler(SIGUSR1, set_flag, 0);
	flag = 0;
	helper = grade_spawn(signal_when_asleep, &p);
	wait_for_flag(&c);
	status = grade_join(helper, PATIENCE_MS + 1000);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "grader problem: the helper could not signal the test");
}

SIGNALS_TEST(test_wait_signal_between_test_and_wait)
{
	struct condition c = {.sig = SIGUSR1, .raise_at = 1};

	set_handler(SIGUSR1, set_flag, 0);
	flag = 0;
	wait_for_flag(&c); /* ready() raises SIGUSR1 after its first test */
	ck_assert_msg(c.calls >= 2, "ready() was called %d time(s)", c.calls);
}

SIGNALS_TEST(test_wait_restores_mask)
{
	struct condition c = {.sig = SIGUSR1, .raise_at = 1};
	struct signal_state before;

	set_handler(SIGUSR1, set_flag, 0);
	change_mask(SIG_BLOCK, SIGUSR2, 0); /* the caller's own choice */
	snapshot(&before);
	flag = 0;
	wait_for_flag(&c);
	require_signal_state(&before, "signals_wait_until");
	/* A caller that had the signal blocked keeps it blocked. */
	change_mask(SIG_BLOCK, SIGUSR1, 0);
	snapshot(&before);
	c = (struct condition){.sig = SIGUSR1, .raise_at = 1};
	flag = 0;
	wait_for_flag(&c);
	require_signal_state(&before, "signals_wait_until");
	change_mask(SIG_UNBLOCK, SIGUSR1, SIGUSR2);
}

/** ready() for the error tests: the flag, and nothing that could fail. */
static int
flag_only(void *arg)
{
	(void)arg;
	watch_note_condition();
	return flag;
}

SIGNALS_TEST(test_wait_reports_errors)
{
	struct signal_state before;
	int rc;

	set_handler(SIGUSR1, set_flag, 0);
	flag = 1;
	errno = 0;
	rc = signals_wait_until(NSIG, flag_only, NULL);
	GRADE_IMPLEMENTED(rc, "signals_wait_until", 2);
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "signals_wait_until(%d, ...) returned %d (%s), not -1 "
		      "with EINVAL: there is no signal %d (sigaddset() says "
		      "so)",
		      NSIG, rc, err_name(errno), NSIG);
	snapshot(&before);
	/* Each sigprocmask() call fails in turn: blocking the signal (then
	 * nothing happened yet), restoring the caller's mask. */
	for (unsigned k = 1; k <= 4; k++) {
		grade_fail_nth("sigprocmask", k, EFAULT);
		rc = signals_wait_until(SIGUSR1, flag_only, NULL);
		if (!grade_expect_clean_failure(rc, EFAULT,
						"signals_wait_until()")) {
			ck_assert_msg(rc == 0,
				      "signals_wait_until() returned %d (%s)",
				      rc, err_name(errno));
			break; /* fewer than k calls: it ran normally */
		}
		if (k == 1)
			require_signal_state(&before, "when its 1st "
						      "sigprocmask() call "
						      "failed, "
						      "signals_wait_until");
		sigprocmask(SIG_SETMASK, &before.mask, NULL);
	}
	require_signal_state(&before, "signals_wait_until");
}

/* ===================================== step 3: bytes through signals */

/** What a child running student code reports to the test. */
struct child_report {
	long ret;	   /* the function's return value */
	int err;	   /* errno after it */
	bool fired;	   /* the failure the job asked for happened */
	long heap_grew;	   /* heap bytes in use after the call, minus before */
	pid_t peer;	   /* receive: the sender it found */
	char problem[768]; /* what it changed in the signal state, or "" */
	size_t len;	   /* bytes of payload that follow */
};

enum child_kind { SEND_BYTES, RECEIVE_BYTES, QUEUE_VALUES, RECEIVE_VALUES };

/** A call the child makes fail (grade_fail_nth()); function NULL: none. */
struct job_fail {
	const char *function;
	unsigned nth;
	int err;
};

/** What a child is to do, set up by the test before grade_spawn(). */
struct child_job {
	enum child_kind kind;
	pid_t peer;		/* the test process */
	const void *data;	/* bytes or ints to send */
	size_t len;		/* bytes to send, or values to send/receive */
	int sig;		/* step 4: the real-time signal */
	int timeout_ms;		/* passed to the function */
	sigset_t mask;		/* the child's mask when it calls it */
	int report_fd;		/* write end: child_report + payload */
	struct ipc_ready ready; /* child -> test: set up, call coming */
	struct ipc_ready go;	/* test -> child: go on (RECEIVE_VALUES) */
	struct job_fail fail;	/* a call to make fail in the child, or none */
};

/** Run the student function of @p job; fill @p r; return the payload. */
static const void *
call_student(struct child_job *job, struct child_report *r)
{
	static char *bytes;
	static int values[4096];

	switch (job->kind) {
	case SEND_BYTES:
		r->ret = signals_send_bytes(job->peer, job->data, job->len,
					    job->timeout_ms);
		break;
	case RECEIVE_BYTES:
		r->ret = signals_receive_bytes(&bytes, &r->peer,
					       job->timeout_ms);
		r->len = r->ret > 0 ? (size_t)r->ret : 0;
		return bytes;
	case QUEUE_VALUES:
		r->ret = signals_queue_values(job->peer, job->sig, job->data,
					      job->len);
		break;
	case RECEIVE_VALUES:
		r->ret = signals_receive_values(job->sig, values, job->len,
						job->timeout_ms);
		r->len = r->ret > 0 ? (size_t)r->ret * sizeof(int) : 0;
		return values;
	}
	return NULL;
}

/** Name of the student function a job calls. */
static const char *
job_function(enum child_kind kind)
{
	static const char *const names[] = {
		"signals_send_bytes", "signals_receive_bytes",
		"signals_queue_values", "signals_receive_values"};
	return names[kind];
}

/** The signals the function of @p job may wait for (watch.c checks). */
static void
job_wait_set(const struct child_job *job, sigset_t *set)
{
	sigemptyset(set);
	if (job->kind == SEND_BYTES) {
		sigaddset(set, SIGNALS_ACK);
	} else if (job->kind == RECEIVE_BYTES) {
		sigaddset(set, SIGNALS_BIT_ZERO);
		sigaddset(set, SIGNALS_BIT_ONE);
	} else if (job->kind == RECEIVE_VALUES) {
		sigaddset(set, job->sig);
	}
}

/** The child: set the stage, call the student's function, report. */
static int
run_child_job(void *arg)
{
	struct child_job *job = arg;
	struct child_report r = {0};
	struct signal_state before, after;
	const void *payload;
	sigset_t wait_set;
	size_t heap;

	sigprocmask(SIG_SETMASK, &job->mask, NULL);
	close(job->ready.read_fd);
	close(job->go.write_fd);
	/* A sender that a failure made give up early unblocks the ack: let
	 * a late one be discarded, so the report tells what happened. (A
	 * blocked signal is kept pending even when ignored.) */
	if (job->kind == SEND_BYTES && job->fail.function != NULL)
		signal(SIGNALS_ACK, SIG_IGN);
	snapshot(&before);
	job_wait_set(job, &wait_set);
	if (ipc_ready_signal(&job->ready) == -1 ||
	    (job->kind == RECEIVE_VALUES && ipc_ready_wait(&job->go, -1) == -1))
		return 9;
	watch_expect_wait_set(&wait_set);
	heap = grade_heap_in_use();
	if (job->fail.function != NULL)
		grade_fail_nth(job->fail.function, job->fail.nth, job->fail.err);
	dirty_stack();
	payload = call_student(job, &r);
	r.err = errno;
	r.fired = job->fail.function != NULL &&
		  grade_fail_calls(job->fail.function) >= job->fail.nth;
	grade_fail_clear();
	r.heap_grew = (long)grade_heap_in_use() - (long)heap;
	watch_expect_wait_set(NULL);
	snapshot(&after);
	if (!watch_unsafe_call(r.problem, sizeof(r.problem)))
		describe_change(&before, &after, job_function(job->kind),
				r.problem, sizeof(r.problem));
	if (ipc_write_all(job->report_fd, &r, sizeof(r)) == -1 ||
	    ipc_write_all(job->report_fd, payload, r.len) == -1)
		return 8;
	return 0;
}

/** A child at work for a test, and the test's end of its channels. */
struct peer {
	struct child_job job;
	pid_t pid;
	int report_fd; /* read end */
	int sfd;       /* a signalfd for what the child sends us */
};

/** Prepare @p p for a child of @p kind and start it. The test has
 *  already blocked @p listen (what the child sends it). */
static void
start_peer(struct peer *p, enum child_kind kind, const sigset_t *listen,
	   const sigset_t *child_mask)
{
	int fds[2];

	p->job.kind = kind;
	p->job.peer = getpid();
	p->job.mask = *child_mask;
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	p->report_fd = fds[0];
	p->job.report_fd = fds[1];
	ck_assert_int_eq(ipc_ready_init(&p->job.ready), 0);
	ck_assert_int_eq(ipc_ready_init(&p->job.go), 0);
	p->sfd = listen ? signalfd(-1, listen, SFD_CLOEXEC) : -1;
	ck_assert_msg(listen == NULL || p->sfd != -1, "signalfd: %s",
		      strerror(errno));
	p->pid = grade_spawn(run_child_job, &p->job);
	close(p->job.report_fd);
	close(p->job.ready.write_fd);
	close(p->job.go.read_fd);
	p->job.ready.write_fd = p->job.go.read_fd = -1;
	ck_assert_msg(ipc_ready_wait(&p->job.ready, PATIENCE_MS) == 0,
		      "grader problem: the child did not start");
}

/** Has the child written its report (or died)? */
static bool
peer_done(const struct peer *p)
{
	struct pollfd pfd = {.fd = p->report_fd, .events = POLLIN};

	return poll(&pfd, 1, 0) == 1;
}

/**
 * Collect the child's report and payload, then the child. Fails the test
 * if it died, if watch.c stopped it, or if it is a stub (ENOSYS); and, if
 * @p check_state, if the function changed the signal state.
 */
static void
collect_peer(struct peer *p, struct child_report *r, void **payload,
	     bool check_state)
{
	struct pollfd pfd = {.fd = p->report_fd, .events = POLLIN};
	const char *function = job_function(p->job.kind);
	ssize_t n = -1;
	char how[96];
	int status;

	*payload = NULL;
	if (poll(&pfd, 1, PATIENCE_MS) == 1)
		n = ipc_read_all(p->report_fd, r, sizeof(*r));
	if (n == (ssize_t)sizeof(*r)) {
		*payload = malloc(r->len + 1);
		ck_assert(*payload != NULL);
		ck_assert_int_eq(ipc_read_all(p->report_fd, *payload, r->len),
				 (ssize_t)r->len);
	} else if (n == -1) {
		kill(p->pid, SIGKILL); /* still inside the function */
	}
	status = grade_join(p->pid, PATIENCE_MS);
	close(p->report_fd);
	if (p->sfd != -1)
		close(p->sfd);
	ipc_ready_close(&p->job.ready);
	ipc_ready_close(&p->job.go);
	if (WIFEXITED(status) && WEXITSTATUS(status) == WATCH_CHILD_FAILED)
		ck_abort_msg("%s", watch_child_message());
	ck_assert_msg(n != -1 || p->job.timeout_ms >= PATIENCE_MS ||
			      p->job.timeout_ms < 0,
		      "%s() was still running %d ms after the other side was "
		      "done, although its timeout_ms was %d: wait with "
		      "sigtimedwait() and give up when the time is up",
		      function, PATIENCE_MS, p->job.timeout_ms);
	ck_assert_msg(n != -1,
		      "%s() was still running %d ms after the other side was "
		      "done",
		      function, PATIENCE_MS);
	ck_assert_msg(n == (ssize_t)sizeof(*r),
		      "the process running %s() died (%s)%s", function,
		      ipc_describe_status(status, how, sizeof(how)),
		      WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1
			      ? ": SIGUSR1 killed it. The sender must block "
				"SIGNALS_ACK before its first bit, so an ack "
				"waits for it instead of killing it"
			      : "");
	errno = r->err;
	GRADE_IMPLEMENTED(r->ret, function,
			  p->job.kind <= RECEIVE_BYTES ? 3 : 4);
	ck_assert_msg(!check_state || r->problem[0] == '\0', "%s",
		      r->problem);
}

/** collect_peer(), the signal state checked too. */
static void
finish_peer(struct peer *p, struct child_report *r, void **payload)
{
	collect_peer(p, r, payload, true);
}

/** The child returned (or died) while the test still expected signals. */
static _Noreturn void
peer_ended_early(struct peer *p, size_t bit, size_t total)
{
	struct child_report r;
	void *payload;

	collect_peer(p, &r, &payload, false); /* stubs, deaths */
	free(payload);
	if (r.fired && r.ret == -1 && r.err == EINTR)
		ck_abort_msg("%s() returned -1 (EINTR) when only %zu of the "
			     "%zu bits had been %s: its wait failed with EINTR "
			     "(a signal handler ran), which took no signal. "
			     "Wait again; only another error is final",
			     job_function(p->job.kind), bit, total,
			     p->job.kind == SEND_BYTES
				     ? "received and acknowledged"
				     : "sent");
	ck_assert_msg(r.problem[0] == '\0', "%s", r.problem);
	ck_abort_msg(
		"%s() returned %ld (%s) when only %zu of the %zu bits "
		"had been %s%s",
		job_function(p->job.kind), r.ret, err_name(r.err), bit, total,
		p->job.kind == SEND_BYTES ? "received and acknowledged"
					  : "sent (each after the last ack)",
		p->job.kind == SEND_BYTES && r.ret >= 0
			? ": it went on without the acknowledgements, so "
			  "bits were lost (standard signals do not queue)"
			: "");
}

/** The bits of a message as the protocol sends them. */
static int
bit_at(const unsigned char *msg, size_t len, size_t i)
{
	if (i < 32)
		return (int)(((uint32_t)len >> (31 - i)) & 1);
	i -= 32;
	return (msg[i / 8] >> (7 - i % 8)) & 1;
}

/** Receiving from the student's sender: wait for bit @p i (0 or 1). */
static int
take_bit(struct peer *p, size_t i, size_t total)
{
	uint64_t start = ipc_now_ns();
	unsigned long cpu_start = 0, cpu = 0;
	char state;

	proc_state(p->pid, &cpu_start);
	for (;;) {
		struct pollfd pfd[2] = {{.fd = p->sfd, .events = POLLIN},
					{.fd = p->report_fd, .events = POLLIN}};
		struct signalfd_siginfo si;
		int n = poll(pfd, 2, 50);

		if (n > 0 && pfd[0].revents) {
			ck_assert_int_eq(read(p->sfd, &si, sizeof(si)),
					 (ssize_t)sizeof(si));
			if ((pid_t)si.ssi_pid == p->pid)
				return si.ssi_signo == SIGNALS_BIT_ONE;
			continue; /* not from the sender */
		}
		if (n > 0 && pfd[1].revents)
			peer_ended_early(p, i, total);
		state = proc_state(p->pid, &cpu);
		if (state == 'R' && cpu - cpu_start > 30)
			ck_abort_msg(
				"the sender keeps running (%lu ms of CPU) but "
				"sent no bit %zu%s: it does not see the "
				"acknowledgement. A flag that a handler sets "
				"and "
				"a loop waits on must be volatile "
				"sig_atomic_t: "
				"without volatile the compiler reads it once "
				"(at "
				"-O2) and the loop never sees it change. "
				"Better: "
				"block SIGUSR1 and wait for it with "
				"sigtimedwait() "
				"or sigsuspend()",
				(cpu - cpu_start) * 1000 /
					(unsigned long)sysconf(_SC_CLK_TCK),
				i,
				i > 0 ? " after the previous one was "
					"acknowledged"
				      : "");
		if (ms_since(start) > PATIENCE_MS)
			ck_abort_msg(
				"no bit %zu came within %d ms (the sender "
				"is in state %c): %s",
				i, PATIENCE_MS, state,
				i == 0 ? "did it send anything, with kill() "
					 "to the receiver's pid?"
				       : "it missed the acknowledgement of "
					 "the previous bit. Was SIGUSR1 "
					 "blocked "
					 "and never waited for? A pause() "
					 "race?");
	}
}

/**
 * Before acknowledging bit @p i of the student's sender, make sure it
 * waits for the acknowledgement: it must not send bit i + 1 first.
 * Returns once it is asleep (waiting), or busy without sending.
 */
static void
require_sender_waits(struct peer *p, size_t i, size_t total)
{
	uint64_t start = ipc_now_ns();
	unsigned long cpu_start = 0, cpu = 0;

	proc_state(p->pid, &cpu_start);
	for (;;) {
		struct pollfd pfd = {.fd = p->sfd, .events = POLLIN};
		char state = proc_state(p->pid, &cpu);

		if (poll(&pfd, 1, 0) == 1)
			ck_abort_msg(
				"the sender sent bit %zu before bit %zu was "
				"acknowledged: standard signals do not queue, "
				"so "
				"without an acknowledgement per bit two bits "
				"of "
				"the same value merge into one and bits are "
				"lost. "
				"After each kill(), wait for SIGUSR1 from the "
				"receiver (sigtimedwait)",
				i + 1, i);
		if (peer_done(p))
			peer_ended_early(p, i + 1, total);
		if (state == 'S')
			return; /* asleep: waiting for our ack */
		if (cpu - cpu_start > 2 || ms_since(start) > PATIENCE_MS)
			return; /* busy, not sending: see take_bit() */
		sched_yield();
	}
}

/** Start the student's sender on @p msg, the test being the receiver. */
static void
start_sender(struct peer *p, const void *msg, size_t len, int timeout_ms,
	     const struct job_fail *fail)
{
	sigset_t bits, none;

	sigemptyset(&bits);
	sigaddset(&bits, SIGNALS_BIT_ZERO);
	sigaddset(&bits, SIGNALS_BIT_ONE);
	sigemptyset(&none);
	change_mask(SIG_BLOCK, SIGNALS_BIT_ZERO, SIGNALS_BIT_ONE);
	memset(p, 0, sizeof(*p));
	p->job.data = msg;
	p->job.len = len;
	p->job.timeout_ms = timeout_ms;
	if (fail != NULL)
		p->job.fail = *fail;
	start_peer(p, SEND_BYTES, &bits, &none);
}

/** The student's sender sends @p msg to the test; check every byte. */
static void
check_sender(const unsigned char *msg, size_t len, size_t strict_bits,
	     const struct job_fail *fail)
{
	size_t total = 32 + 8 * len;
	unsigned char *got = calloc(1, len + 1);
	struct child_report r;
	uint32_t length = 0;
	struct peer p;
	void *payload;
	size_t at;

	ck_assert(got != NULL);
	start_sender(&p, msg, len, PATIENCE_MS, fail);
	for (size_t i = 0; i < total; i++) {
		int bit = take_bit(&p, i, total);
		if (i < 32)
			length = length << 1 | (uint32_t)bit;
		else
			got[(i - 32) / 8] =
				(unsigned char)(got[(i - 32) / 8] << 1 | bit);
		if (i == 31 && length != len)
			ck_abort_msg(
				"the 32 bits of the length header say %u, "
				"the message has %zu bytes: send the length "
				"first, most significant bit first, %s for "
				"0 and %s for 1",
				length, len, sig_name(SIGNALS_BIT_ZERO),
				sig_name(SIGNALS_BIT_ONE));
		if (i < strict_bits)
			require_sender_waits(&p, i, total);
		ck_assert_int_eq(kill(p.pid, SIGNALS_ACK), 0);
	}
	finish_peer(&p, &r, &payload);
	free(payload);
	ck_assert_msg(
		r.ret == (long)len,
		"signals_send_bytes() sent all %zu bytes but returned %ld "
		"(%s)%s",
		len, r.ret, err_name(r.err),
		r.fired && r.err == fail->err
			? ": a wait that failed with EINTR (a signal handler "
			  "ran) took nothing, so wait again; only another "
			  "error is final"
			: ": return len");
	at = grade_first_mismatch(got, msg, len);
	ck_assert_msg(at == len,
		      "byte %zu arrived as 0x%02x, it was 0x%02x: send each "
		      "byte's 8 bits, most significant first",
		      at, got[at], msg[at]);
	free(got);
	unblock_drained(SIGNALS_BIT_ZERO, SIGNALS_BIT_ONE);
}

/** Start the student's receiver, the test being the sender. */
static void
start_receiver(struct peer *p, int timeout_ms, const struct job_fail *fail)
{
	sigset_t ack, bits;

	sigemptyset(&ack);
	sigaddset(&ack, SIGNALS_ACK);
	sigemptyset(&bits); /* the receiver's precondition: both blocked */
	sigaddset(&bits, SIGNALS_BIT_ZERO);
	sigaddset(&bits, SIGNALS_BIT_ONE);
	change_mask(SIG_BLOCK, SIGNALS_ACK, 0);
	memset(p, 0, sizeof(*p));
	p->job.timeout_ms = timeout_ms;
	if (fail != NULL)
		p->job.fail = *fail;
	start_peer(p, RECEIVE_BYTES, &ack, &bits);
}

/** Sending to the student's receiver: wait until it acknowledges bit i. */
static void
wait_ack(struct peer *p, size_t i, size_t total)
{
	uint64_t start = ipc_now_ns();

	for (;;) {
		struct pollfd pfd[2] = {{.fd = p->sfd, .events = POLLIN},
					{.fd = p->report_fd, .events = POLLIN}};
		struct signalfd_siginfo si;
		int n = poll(pfd, 2, 50);
		char state;

		if (n > 0 && pfd[0].revents) {
			ck_assert_int_eq(read(p->sfd, &si, sizeof(si)),
					 (ssize_t)sizeof(si));
			if ((pid_t)si.ssi_pid == p->pid)
				return;
			continue;
		}
		if (n > 0 && pfd[1].revents)
			peer_ended_early(p, i, total);
		/* Asleep again with no ack from it: it did not send one. */
		state = proc_state(p->pid, NULL);
		if (state == 'S' && poll(pfd, 1, 0) == 0)
			ck_abort_msg(
				"the receiver took bit %zu and went back to "
				"waiting without acknowledging it: after "
				"each bit it must send %s to the sender "
				"(si_pid of the bit's siginfo), which waits "
				"for it before the next bit. Without it the "
				"sender cannot know the bit arrived, and "
				"bits get lost",
				i, sig_name(SIGNALS_ACK));
		if (ms_since(start) > PATIENCE_MS)
			ck_abort_msg(
				"no acknowledgement of bit %zu within %d ms "
				"(the receiver is in state %c)",
				i, PATIENCE_MS, state);
	}
}

/** The test sends @p msg to the student's receiver; check what it got. */
static void
check_receiver(const unsigned char *msg, size_t len,
	       const struct job_fail *fail)
{
	size_t total = 32 + 8 * len, at;
	struct child_report r;
	struct peer p;
	void *payload;

	start_receiver(&p, PATIENCE_MS, fail);
	for (size_t i = 0; i < total; i++) {
		int bit = bit_at(msg, len, i);
		ck_assert_int_eq(
			kill(p.pid, bit ? SIGNALS_BIT_ONE : SIGNALS_BIT_ZERO),
			0);
		wait_ack(&p, i, total);
	}
	finish_peer(&p, &r, &payload);
	ck_assert_msg(r.ret == (long)len,
		      "signals_receive_bytes() returned %ld (%s) for a "
		      "message of %zu bytes%s",
		      r.ret, err_name(r.err), len,
		      r.fired && r.err == fail->err
			      ? ": a wait that failed with EINTR (a signal "
				"handler ran) took nothing, so wait again; only "
				"another error is final"
			      : "");
	ck_assert_msg(
		r.peer == getpid(),
		"*sender is %ld, but the bits came from %ld: take it from "
		"si_pid of the first bit's siginfo",
		(long)r.peer, (long)getpid());
	at = grade_first_mismatch(payload, msg, len);
	ck_assert_msg(
		at == len,
		"byte %zu: received 0x%02x, sent 0x%02x: the bits of each "
		"byte come most significant first",
		at, ((unsigned char *)payload)[at], msg[at]);
	free(payload);
	unblock_drained(SIGNALS_ACK, 0);
}

static const char greeting[] = "Hello through signals!";

/** 512 bytes holding every value, NULs in a row, in a scrambled order. */
static unsigned char *
binary_message(size_t *len)
{
	static unsigned char msg[512];

	for (size_t i = 0; i < 256; i++)
		msg[i] = (unsigned char)(i * 167 + 13); /* all 256 values */
	for (size_t i = 256; i < 512; i++)
		msg[i] = i % 7 < 3 ? 0 : (unsigned char)(i * 31);
	*len = sizeof(msg);
	return msg;
}

SIGNALS_TEST(test_send_bytes_text)
{
	check_sender((const unsigned char *)greeting, strlen(greeting), 16,
		     NULL);
}

SIGNALS_TEST(test_send_bytes_binary_with_nul)
{
	size_t len;
	const unsigned char *msg = binary_message(&len);

	check_sender(msg, len, 8, NULL);
}

SIGNALS_TEST(test_send_bytes_waits_for_each_ack)
{
	static const unsigned char same[] = {0, 0, 0xff, 0xff};

	/* Equal bits in a row: the ones that merge without an ack. */
	check_sender(same, sizeof(same), 32 + 32, NULL);
}

SIGNALS_TEST(test_send_bytes_times_out)
{
	struct child_report r;
	struct peer p;
	void *payload;

	start_sender(&p, "x", 1, 100, NULL);
	(void)take_bit(&p, 0, 40); /* and never acknowledge it */
	finish_peer(&p, &r, &payload);
	free(payload);
	ck_assert_msg(r.ret == -1 && r.err == ETIMEDOUT,
		      "with timeout_ms = 100 and no acknowledgement, "
		      "signals_send_bytes() returned %ld (%s), not -1 with "
		      "ETIMEDOUT: wait with sigtimedwait(), which fails with "
		      "EAGAIN when the time is up",
		      r.ret, err_name(r.err));
	unblock_drained(SIGNALS_BIT_ZERO, SIGNALS_BIT_ONE);
}

SIGNALS_TEST(test_receive_bytes_text)
{
	check_receiver((const unsigned char *)greeting, strlen(greeting), NULL);
}

SIGNALS_TEST(test_receive_bytes_binary_with_nul)
{
	size_t len;
	const unsigned char *msg = binary_message(&len);

	check_receiver(msg, len, NULL);
}

SIGNALS_TEST(test_receive_bytes_empty)
{
	check_receiver((const unsigned char *)"", 0, NULL);
}

SIGNALS_TEST(test_send_bytes_survives_interrupted_waits)
{
	/* A signal handler runs while the sender waits for the 3rd ack. */
	static const struct job_fail eintr = { "sigtimedwait", 3, EINTR };

	check_sender((const unsigned char *)"Hi", 2, 0, &eintr);
}

SIGNALS_TEST(test_receive_bytes_survives_interrupted_waits)
{
	/* A signal handler runs while the receiver waits for bit 5. */
	static const struct job_fail eintr = { "sigtimedwait", 5, EINTR };

	check_receiver((const unsigned char *)"Hi", 2, &eintr);
}

/** A pid no process has: above the kernel's largest (pid_max). */
#define NO_SUCH_PID ((pid_t)0x7fffffff)

SIGNALS_TEST(test_send_bytes_reports_errors)
{
	static const struct job_fail broken = { "sigtimedwait", 1, EINVAL };
	struct signal_state before;
	struct child_report r;
	struct peer p;
	void *payload;
	ssize_t n;

	snapshot(&before);
	errno = 0;
	n = signals_send_bytes(NO_SUCH_PID, greeting, (size_t)UINT32_MAX + 1,
			       100);
	GRADE_IMPLEMENTED(n, "signals_send_bytes", 3);
	ck_assert_msg(n == -1 && errno == EMSGSIZE,
		      "signals_send_bytes() of 2^32 bytes returned %zd (%s), "
		      "not -1 with EMSGSIZE: the length header has 32 bits, "
		      "refuse what it cannot say before sending anything",
		      n, err_name(errno));
	errno = 0;
	n = signals_send_bytes(NO_SUCH_PID, "x", 1, 100);
	ck_assert_msg(n == -1 && errno == ESRCH,
		      "signals_send_bytes() to a process that does not exist "
		      "returned %zd (%s), not -1 with ESRCH: kill() says so, "
		      "pass its errno on",
		      n, err_name(errno));
	require_signal_state(&before, "when kill() failed, signals_send_bytes");

	/* The sender's wait for the first ack fails (not EINTR, not a
	 * timeout): that error is the caller's to know. */
	start_sender(&p, "x", 1, 100, &broken);
	(void)take_bit(&p, 0, 40); /* and never acknowledge it */
	finish_peer(&p, &r, &payload);
	free(payload);
	ck_assert_msg(!r.fired || (r.ret == -1 && r.err == EINVAL),
		      "when its 1st sigtimedwait() call failed with EINVAL, "
		      "signals_send_bytes() returned %ld (%s), not -1 with "
		      "EINVAL: only EAGAIN means the time is up (ETIMEDOUT) "
		      "and only EINTR means wait again; any other error is "
		      "final, with its own errno",
		      r.ret, err_name(r.err));
	unblock_drained(SIGNALS_BIT_ZERO, SIGNALS_BIT_ONE);
}

/** Send the first @p bits bits of @p msg (@p len bytes) to the receiver
 *  of @p p, each after the last ack, until it has ended; how many went. */
static size_t
send_bits_while_running(struct peer *p, const unsigned char *msg, size_t len,
			size_t bits)
{
	for (size_t i = 0; i < bits; i++) {
		uint64_t start = ipc_now_ns();
		int bit = bit_at(msg, len, i);
		bool acked = false;

		if (peer_done(p))
			return i;
		ck_assert_int_eq(
			kill(p->pid, bit ? SIGNALS_BIT_ONE : SIGNALS_BIT_ZERO),
			0);
		while (!acked && !peer_done(p)) {
			struct pollfd pfd = {.fd = p->sfd, .events = POLLIN};
			struct signalfd_siginfo si;
			ck_assert_msg(ms_since(start) < PATIENCE_MS,
				      "no acknowledgement of bit %zu within "
				      "%d ms",
				      i, PATIENCE_MS);
			if (poll(&pfd, 1, 20) != 1)
				continue;
			ck_assert_int_eq(read(p->sfd, &si, sizeof(si)),
					 (ssize_t)sizeof(si));
			acked = (pid_t)si.ssi_pid == p->pid;
		}
		if (!acked)
			return i;
	}
	return bits;
}

SIGNALS_TEST(test_receive_bytes_times_out_midway)
{
	unsigned char msg[4000]; /* more than malloc keeps aside when freed */
	struct child_report r;
	struct peer p;
	void *payload;

	memset(msg, 'm', sizeof(msg));
	/* The sender stops after the length and one byte: the receiver
	 * times out in the middle, with its buffer allocated. */
	start_receiver(&p, 100, NULL);
	(void)send_bits_while_running(&p, msg, sizeof(msg), 32 + 8);
	finish_peer(&p, &r, &payload);
	free(payload);
	ck_assert_msg(r.ret == -1 && r.err == ETIMEDOUT,
		      "the sender announced 4000 bytes and stopped after the "
		      "first one; with timeout_ms = 100 "
		      "signals_receive_bytes() returned %ld (%s), not -1 with "
		      "ETIMEDOUT: stop at the first bit that does not come",
		      r.ret, err_name(r.err));
	ck_assert_msg(r.heap_grew < 512,
		      "signals_receive_bytes() timed out in the middle of a "
		      "message and returned -1, but %ld more bytes of heap "
		      "are in use than before the call: free the buffer on "
		      "that path too (keep errno across free())",
		      r.heap_grew);
	unblock_drained(SIGNALS_ACK, 0);
}

/* ========================================== step 4: real-time signals */

#define MANY_VALUES 500

/** The values of step 4: distinct, negative ones too. */
static void
fill_values(int *values, size_t n)
{
	for (size_t i = 0; i < n; i++)
		values[i] = (int)(i * 7919u) - 1000000;
}

SIGNALS_TEST(test_queue_values_in_order)
{
	static int values[MANY_VALUES];
	int sig = SIGRTMIN + 1;
	const struct timespec now = {0, 0};
	struct child_report r;
	sigset_t set, none;
	struct peer p;
	void *payload;
	siginfo_t info;

	fill_values(values, MANY_VALUES);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigemptyset(&none);
	change_mask(SIG_BLOCK, sig, 0);
	memset(&p, 0, sizeof(p));
	p.job.data = values;
	p.job.len = MANY_VALUES;
	p.job.sig = sig;
	start_peer(&p, QUEUE_VALUES, NULL, &none);
	finish_peer(&p, &r, &payload); /* all sent: they wait, queued */
	free(payload);
	ck_assert_msg(r.ret == MANY_VALUES,
		      "signals_queue_values() of %d values returned %ld (%s)",
		      MANY_VALUES, r.ret, err_name(r.err));
	for (int i = 0; i < MANY_VALUES; i++) {
		int got = sigtimedwait(&set, &info, &now);
		ck_assert_msg(
			got == sig,
			"only %d of the %d values were queued: send one "
			"real-time signal per value (they queue; standard "
			"signals would merge)",
			i, MANY_VALUES);
		ck_assert_msg(
			info.si_code == SI_QUEUE,
			"value %d came without a value (si_code %d, not "
			"SI_QUEUE): kill() cannot carry one, sigqueue() can",
			i, info.si_code);
		ck_assert_msg(info.si_value.sival_int == values[i],
			      "value %d arrived as %d, it should be %d: send "
			      "them in order, each in sival_int",
			      i, info.si_value.sival_int, values[i]);
	}
	ck_assert_msg(sigtimedwait(&set, &info, &now) == -1,
		      "more signals than values were queued");
	change_mask(SIG_UNBLOCK, sig, 0);
}

/** Start the student's receiver of @p n values; the test queues @p sent
 *  of them before letting it call the function. */
static void
check_receive_values(size_t n, size_t sent, int timeout_ms)
{
	static int values[MANY_VALUES];
	int sig = SIGRTMIN + 2;
	struct child_report r;
	sigset_t mask;
	struct peer p;
	void *payload;
	const int *got;

	fill_values(values, MANY_VALUES);
	sigemptyset(&mask);
	sigaddset(&mask, sig);
	memset(&p, 0, sizeof(p));
	p.job.len = n;
	p.job.sig = sig;
	p.job.timeout_ms = timeout_ms;
	start_peer(&p, RECEIVE_VALUES, NULL, &mask);
	for (size_t i = 0; i < sent; i++) {
		union sigval v = {.sival_int = values[i]};
		ck_assert_msg(sigqueue(p.pid, sig, v) == 0, "sigqueue: %s",
			      strerror(errno));
	}
	/* All of them are pending before the call: they come at once. */
	ck_assert_int_eq(ipc_ready_signal(&p.job.go), 0);
	finish_peer(&p, &r, &payload);
	got = payload;
	ck_assert_msg(r.ret == (long)sent,
		      "signals_receive_values() returned %ld (%s); %zu values "
		      "were queued%s",
		      r.ret, err_name(r.err), sent,
		      r.ret >= 0 && r.ret < (long)sent
			      ? ": values were lost. Take the signals one at a "
				"time with sigwaitinfo()/sigtimedwait(); a "
				"handler that keeps one value loses the others "
				"when several are delivered at once"
			      : "");
	for (size_t i = 0; i < sent; i++)
		ck_assert_msg(
			got[i] == values[i],
			"value %zu received as %d, sent as %d: store "
			"si_value.sival_int of each signal in arrival order",
			i, got[i], values[i]);
	free(payload);
}

SIGNALS_TEST(test_receive_values_in_order)
{
	check_receive_values(MANY_VALUES, MANY_VALUES, PATIENCE_MS);
}

SIGNALS_TEST(test_receive_values_times_out)
{
	check_receive_values(10, 3, 100);
}

SIGNALS_TEST(test_receive_values_reports_errors)
{
	/* The 2nd wait fails: not a timeout, not EINTR. */
	static const struct job_fail broken = { "sigtimedwait", 2, EINVAL };
	static const int sent[1] = { 10 };
	int sig = SIGRTMIN + 2, got[3];
	struct child_report r;
	struct peer p;
	void *payload;
	ssize_t n;

	errno = 0;
	n = signals_receive_values(0, got, 3, 100);
	GRADE_IMPLEMENTED(n, "signals_receive_values", 4);
	ck_assert_msg(n == -1 && errno == EINVAL,
		      "signals_receive_values(0, ...) returned %zd (%s), not -1 "
		      "with EINVAL: there is no signal 0 (sigaddset() says so)",
		      n, err_name(errno));
	errno = 0;
	n = signals_queue_values(NO_SUCH_PID, sig, sent, 1);
	GRADE_IMPLEMENTED(n, "signals_queue_values", 4);
	ck_assert_msg(n == -1 && errno == ESRCH,
		      "signals_queue_values() to a process that does not exist "
		      "returned %zd (%s), not -1 with ESRCH: sigqueue() says "
		      "so, pass its errno on",
		      n, err_name(errno));

	memset(&p, 0, sizeof(p));
	sigemptyset(&p.job.mask);
	sigaddset(&p.job.mask, sig);
	p.job.len = 3; /* one comes, then the wait for the 2nd fails */
	p.job.sig = sig;
	p.job.timeout_ms = 500;
	p.job.fail = broken;
	start_peer(&p, RECEIVE_VALUES, NULL, &p.job.mask);
	for (size_t i = 0; i < 1; i++) {
		union sigval v = {.sival_int = sent[i]};
		ck_assert_msg(sigqueue(p.pid, sig, v) == 0, "sigqueue: %s",
			      strerror(errno));
	}
	ck_assert_int_eq(ipc_ready_signal(&p.job.go), 0);
	finish_peer(&p, &r, &payload);
	free(payload);
	ck_assert_msg(!r.fired || (r.ret == -1 && r.err == EINVAL),
		      "when its 2nd sigtimedwait() call failed with EINVAL, "
		      "signals_receive_values() returned %ld (%s), not -1 with "
		      "EINVAL: only a timeout (EAGAIN) ends the wait with the "
		      "values so far; any other error is final",
		      r.ret, err_name(r.err));
}

/* ============================================ step 5: reap on SIGCHLD */

#define MAX_CHILDREN 64

/** Children that exit together when the test closes their pipe. */
struct brood {
	pid_t pid[MAX_CHILDREN];
	int pidfd[MAX_CHILDREN];
	int n;
	int release[2];
};

/** Fork @p n children that wait for EOF on b->release, then _exit(0). */
static void
spawn_brood(struct brood *b, int n)
{
	ck_assert_int_eq(pipe2(b->release, O_CLOEXEC), 0);
	b->n = n;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		char c;
		ck_assert_msg(pid != -1, "fork: %s", strerror(errno));
		if (pid == 0) {
			close(b->release[1]);
			while (read(b->release[0], &c, 1) == -1 &&
			       errno == EINTR)
				;
			_exit(0);
		}
		b->pid[i] = pid;
		b->pidfd[i] = pidfd_of(pid);
	}
}

/** Let every child of @p b go, and wait until all have exited. */
static void
release_brood(struct brood *b)
{
	uint64_t start = ipc_now_ns();
	int left = b->n;
	struct pollfd pfd[MAX_CHILDREN];

	close(b->release[1]); /* EOF: they all exit at once */
	close(b->release[0]);
	for (int i = 0; i < b->n; i++)
		pfd[i] = (struct pollfd){.fd = b->pidfd[i], .events = POLLIN};
	while (left > 0 && ms_since(start) < PATIENCE_MS) {
		if (poll(pfd, (nfds_t)b->n, 100) == -1 && errno != EINTR)
			ck_abort_msg("poll: %s", strerror(errno));
		left = 0;
		for (int i = 0; i < b->n; i++) {
			if (pfd[i].revents)
				pfd[i].fd = -1; /* exited */
			left += pfd[i].fd != -1;
		}
	}
	ck_assert_msg(left == 0, "grader problem: %d children did not exit",
		      left);
	for (int i = 0; i < b->n; i++)
		close(b->pidfd[i]);
}

/** How many children of @p b are still zombies (reaping them now). */
static int
zombies_left(const struct brood *b)
{
	int left = 0;

	for (int i = 0; i < b->n; i++)
		if (waitpid(b->pid[i], NULL, WNOHANG) == b->pid[i])
			left++;
	return left;
}

/** Start the reaper from a default SIGCHLD; fail if SIGCHLD is ignored. */
static void
start_reaper(struct sigaction *old)
{
	int rc;

	set_handler(SIGCHLD, SIG_DFL, 0);
	rc = signals_reaper_start(old);
	GRADE_IMPLEMENTED(rc, "signals_reaper_start", 5);
	ck_assert_msg(rc == 0, "signals_reaper_start() returned %d (%s)", rc,
		      err_name(errno));
	ck_assert_msg(
		disposition(SIGCHLD).sa_handler != SIG_IGN,
		"SIGCHLD is ignored (SIG_IGN): the kernel then reaps "
		"children itself, nobody learns how they ended, and the "
		"setting is inherited by every program the process starts. "
		"Install a handler that reaps them with waitpid()");
	ck_assert_msg(
		!(disposition(SIGCHLD).sa_flags & SA_NOCLDWAIT),
		"SA_NOCLDWAIT is set: the kernel then reaps children "
		"itself, so waitpid() in your handler finds none, and "
		"nobody learns how they ended. Leave it off and reap them "
		"with waitpid()");
	ck_assert_msg(
		disposition(SIGCHLD).sa_flags & SA_RESTART,
		"signals_reaper_start() installed its handler without "
		"SA_RESTART: every child that ends would then make the "
		"caller's blocking call (read, wait, ...) fail with EINTR");
}

/** Start the reaper, let @p n children exit while SIGCHLD is blocked
 *  (their SIGCHLDs merge into one), then unblock it: one handler call. */
static void
reap_merged(struct brood *b, int n, struct sigaction *old, int *err_after)
{
	start_reaper(old);
	change_mask(SIG_BLOCK, SIGCHLD, 0);
	spawn_brood(b, n);
	release_brood(b);
	ck_assert_msg(is_pending(SIGCHLD),
		      "grader problem: no SIGCHLD pending");
	errno = EDOM; /* whatever the program was doing had set errno */
	change_mask(SIG_UNBLOCK, SIGCHLD, 0); /* the handler runs now */
	*err_after = errno;
}

SIGNALS_TEST(test_reaper_reaps_one_child)
{
	struct sigaction old;
	struct brood b;
	int left;

	start_reaper(&old);
	spawn_brood(&b, 1);
	release_brood(&b); /* SIGCHLD is handled before poll() returns */
	left = zombies_left(&b);
	ck_assert_msg(left == 0,
		      "a child exited and SIGCHLD came, but your handler did "
		      "not reap it (a zombie was left): call waitpid() in the "
		      "handler");
	ck_assert_msg(signals_reaper_count() == 1,
		      "signals_reaper_count() says %ld after one child",
		      signals_reaper_count());
	ck_assert_int_eq(signals_reaper_stop(&old), 0);
}

SIGNALS_TEST(test_reaper_many_children_at_once)
{
	struct sigaction old;
	struct brood b;
	int err, left;

	reap_merged(&b, 32, &old, &err);
	left = zombies_left(&b);
	ck_assert_msg(
		left == 0,
		"32 children exited at once and their SIGCHLDs merged into "
		"one (standard signals do not queue): your handler reaped "
		"only %d and left %d zombies. Loop in the handler: while "
		"(waitpid(-1, &status, WNOHANG) > 0)",
		32 - left, left);
	ck_assert_msg(signals_reaper_count() == 32,
		      "signals_reaper_count() says %ld, but the handler reaped "
		      "32 children: count each one",
		      signals_reaper_count());
	ck_assert_int_eq(signals_reaper_stop(&old), 0);
}

/** A child that stays until released, or until a 2 s watchdog fires:
 *  then it writes 'T' to @p status_fd and exits. */
static pid_t
spawn_runner(const int release[2], int status_fd)
{
	pid_t pid = fork();

	ck_assert_msg(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		struct pollfd pfd = {.fd = release[0], .events = POLLIN};
		close(release[1]); /* or it would wait for itself */
		if (poll(&pfd, 1, 2000) == 0 && write(status_fd, "T", 1) == -1)
			_exit(2);
		_exit(0);
	}
	return pid;
}

SIGNALS_TEST(test_reaper_keeps_running_children)
{
	int release[2], watchdog[2], err, left, pidfd;
	struct pollfd pfd;
	struct sigaction old;
	struct brood b;
	pid_t runner;
	char c;

	ck_assert_int_eq(pipe2(release, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(watchdog, O_CLOEXEC | O_NONBLOCK), 0);
	start_reaper(&old);
	change_mask(SIG_BLOCK, SIGCHLD, 0);
	runner = spawn_runner(release, watchdog[1]);
	pidfd = pidfd_of(runner);
	spawn_brood(&b, 8);
	release_brood(&b);
	change_mask(SIG_UNBLOCK, SIGCHLD, 0); /* one child is still running */
	ck_assert_msg(
		read(watchdog[0], &c, 1) != 1,
		"your SIGCHLD handler blocked in waitpid() until a child "
		"that was still running exited (here: after 2 s, when the "
		"grader's watchdog ended it): without WNOHANG, waitpid() "
		"waits for running children, and the whole program stops "
		"inside the handler. Use waitpid(-1, &status, WNOHANG) and "
		"stop when it returns 0");
	left = zombies_left(&b);
	ck_assert_msg(left == 0, "the handler left %d zombies", left);
	close(release[1]); /* now the last one exits too */
	pfd = (struct pollfd){.fd = pidfd, .events = POLLIN};
	while (poll(&pfd, 1, PATIENCE_MS) == -1 && errno == EINTR)
		;
	err = waitpid(runner, NULL, WNOHANG) == runner;
	ck_assert_msg(!err, "the last child exited, but the handler did not "
			    "reap it");
	ck_assert_msg(signals_reaper_count() == 9,
		      "signals_reaper_count() says %ld after 9 children",
		      signals_reaper_count());
	ck_assert_int_eq(signals_reaper_stop(&old), 0);
	close(pidfd);
	close(release[0]);
	close(watchdog[0]);
	close(watchdog[1]);
}

SIGNALS_TEST(test_reaper_preserves_errno)
{
	struct sigaction old;
	struct brood b;
	int err;

	reap_merged(&b, 4, &old, &err);
	ck_assert_msg(
		err == EDOM,
		"errno was EDOM before SIGCHLD and %s after your handler "
		"ran: waitpid() sets errno (ECHILD when no child is left). "
		"A handler interrupts the program anywhere, perhaps between "
		"a failed call and the check of its errno: save errno at "
		"the start of the handler and restore it at the end",
		ipc_errno_name(err));
	ck_assert_int_eq(signals_reaper_stop(&old), 0);
	(void)zombies_left(&b);
}

SIGNALS_TEST(test_reaper_start_resets_count)
{
	struct sigaction old;
	struct brood b;

	start_reaper(&old);
	spawn_brood(&b, 2);
	release_brood(&b);
	ck_assert_msg(signals_reaper_count() == 2,
		      "signals_reaper_count() says %ld after two children",
		      signals_reaper_count());
	ck_assert_int_eq(signals_reaper_stop(&old), 0);
	start_reaper(&old); /* a new start: a new count */
	ck_assert_msg(signals_reaper_count() == 0,
		      "signals_reaper_start() was called again and "
		      "signals_reaper_count() still says %ld: the count starts "
		      "at 0 at every start (set it to 0 before installing the "
		      "handler)",
		      signals_reaper_count());
	spawn_brood(&b, 1);
	release_brood(&b);
	ck_assert_msg(signals_reaper_count() == 1,
		      "signals_reaper_count() says %ld after one more child",
		      signals_reaper_count());
	ck_assert_int_eq(signals_reaper_stop(&old), 0);
}

SIGNALS_TEST(test_reaper_stop_restores)
{
	struct sigaction old, now;
	struct brood b;
	int rc;

	set_handler(SIGCHLD, other_handler, SA_RESTART | SA_NOCLDSTOP);
	rc = signals_reaper_start(&old);
	GRADE_IMPLEMENTED(rc, "signals_reaper_start", 5);
	rc = signals_reaper_stop(&old);
	GRADE_IMPLEMENTED(rc, "signals_reaper_stop", 5);
	now = disposition(SIGCHLD);
	ck_assert_msg(rc == 0 && now.sa_handler == other_handler &&
			      (now.sa_flags & SA_NOCLDSTOP),
		      "signals_reaper_stop() did not put back the SIGCHLD "
		      "disposition that signals_reaper_start() found: save it "
		      "(sigaction's third argument) and restore it");
	spawn_brood(&b, 1);
	release_brood(&b);
	ck_assert_msg(zombies_left(&b) == 1,
		      "after signals_reaper_stop() a child was still reaped "
		      "behind the caller's back");
}

/* ============================================ step 6: graceful shutdown */

/** What the test's job function saw, and what it does at which job. */
struct job_log {
	char started[64];
	char finished[64];
	int n_started, n_finished;
	unsigned char stop_during;  /* at this job: kill(getpid(), stop_sig) */
	unsigned char inject_after; /* at this job: arm the wait injection */
	unsigned char go_after;	    /* at this job: release the helper */
	int stop_sig;
	struct ipc_ready *go;
	int no_restart; /* a stop signal whose handler lacks SA_RESTART */
};

static void callers_handler(int sig);

/** While a job runs: is a stop signal caught by a handler of
 *  signals_serve() (not the caller's) installed without SA_RESTART? */
static int
stop_handler_without_restart(void)
{
	static const int stops[] = {SIGINT, SIGTERM};

	for (size_t i = 0; i < 2; i++) {
		struct sigaction sa = disposition(stops[i]);
		if (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN &&
		    sa.sa_handler != callers_handler &&
		    !(sa.sa_flags & SA_RESTART))
			return stops[i];
	}
	return 0;
}

static void
record_job(void *arg, unsigned char byte)
{
	struct job_log *log = arg;

	if (log->n_started < 63)
		log->started[log->n_started++] = (char)byte;
	if (log->n_started == 1)
		log->no_restart = stop_handler_without_restart();
	if (byte == log->stop_during)
		kill(getpid(), log->stop_sig); /* arrives in the middle */
	if (byte == log->inject_after)
		watch_inject_before_wait(log->stop_sig);
	if (byte == log->go_after && log->go != NULL)
		ipc_ready_signal(log->go);
	/* ... the rest of the job's work, which must still happen ... */
	if (log->n_finished < 63)
		log->finished[log->n_finished++] = (char)byte;
}

static volatile sig_atomic_t caller_handler_ran;

static void
callers_handler(int sig)
{
	(void)sig;
	caller_handler_ran++;
}

/** The caller's setup: its own SIGINT/SIGTERM handlers, SIGUSR2 blocked. */
static void
caller_signal_setup(void)
{
	set_handler(SIGINT, callers_handler, SA_RESTART | SA_NODEFER);
	set_handler(SIGTERM, callers_handler, 0);
	change_mask(SIG_BLOCK, SIGUSR2, 0);
	caller_handler_ran = 0;
}

/** Run signals_serve() on a pipe holding @p jobs; close the write end
 *  first if @p eof. */
static long
serve(const char *jobs, bool eof, struct job_log *log, int *stopped_by)
{
	int fds[2];
	long n;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], jobs, strlen(jobs)),
			 (ssize_t)strlen(jobs));
	if (eof)
		close(fds[1]);
	*stopped_by = -1;
	n = signals_serve(fds[0], record_job, log, stopped_by);
	watch_inject_before_wait(0);
	GRADE_IMPLEMENTED(n, "signals_serve", 6);
	close(fds[0]);
	if (!eof)
		close(fds[1]);
	ck_assert_msg(n >= 0, "signals_serve() returned %ld (%s)", n,
		      err_name(errno));
	ck_assert_msg(
		strcmp(log->started, log->finished) == 0,
		"jobs \"%s\" started but only \"%s\" finished: a job must "
		"run to its end",
		log->started, log->finished);
	ck_assert_msg(log->no_restart == 0,
		      "signals_serve() caught %s with a handler installed "
		      "without SA_RESTART: a job that is blocked in read() or "
		      "write() when the signal comes would see that call fail "
		      "with EINTR, yet the job that is running must finish "
		      "undisturbed. Set SA_RESTART in sa_flags",
		      sig_name(log->no_restart));
	return n;
}

SIGNALS_TEST(test_serve_jobs_until_eof)
{
	struct job_log log = {0};
	struct signal_state before;
	int stopped_by, fds[2];
	long n;

	caller_signal_setup();
	snapshot(&before);
	n = serve("abc", true, &log, &stopped_by);
	ck_assert_msg(n == 3 && strcmp(log.started, "abc") == 0,
		      "3 jobs \"abc\" then EOF: signals_serve() returned %ld "
		      "after jobs \"%s\"",
		      n, log.started);
	ck_assert_msg(stopped_by == 0, "*stopped_by is %d at EOF, not 0",
		      stopped_by);
	require_signal_state(&before, "signals_serve");
	/* stopped_by may be NULL: the caller does not want to know. */
	memset(&log, 0, sizeof(log));
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "xy", 2), 2);
	close(fds[1]);
	n = signals_serve(fds[0], record_job, &log, NULL);
	close(fds[0]);
	ck_assert_msg(n == 2, "signals_serve(fd, job, arg, NULL) returned %ld "
			      "(%s) after jobs \"xy\" and EOF: stopped_by may be "
			      "NULL, store through it only when it is not",
		      n, err_name(errno));
}

SIGNALS_TEST(test_serve_stop_finishes_current_job)
{
	struct job_log log = {.stop_during = 'b', .stop_sig = SIGTERM};
	int stopped_by;
	long n;

	caller_signal_setup();
	n = serve("abcdef", false, &log, &stopped_by);
	ck_assert_msg(caller_handler_ran == 0,
		      "the caller's own SIGTERM handler got the signal: "
		      "signals_serve() must install its handler for SIGTERM "
		      "(and SIGINT) before taking the first job");
	ck_assert_msg(
		strcmp(log.started, "ab") == 0,
		"SIGTERM came during job 'b'; the jobs run were \"%s\": "
		"job 'b' must finish, and then the loop must stop before "
		"taking the next job, even though more are waiting (check "
		"the self-pipe before the job fd)",
		log.started);
	ck_assert_msg(n == 2, "signals_serve() returned %ld after 2 jobs", n);
	ck_assert_msg(stopped_by == SIGTERM, "*stopped_by is %d, not SIGTERM",
		      stopped_by);
}

/** What the idle-signal helper needs: when to start looking, whom. */
struct idle_poke {
	struct ipc_ready go; /* the test's job 'a' says "done" */
	struct poke poke;
};

/** Helper: after job 'a', once the test sleeps (waiting for a job),
 *  send it the signal. */
static int
signal_when_idle(void *arg)
{
	struct idle_poke *p = arg;

	close(p->go.write_fd);
	if (ipc_ready_wait(&p->go, PATIENCE_MS) == -1)
		return 3;
	return signal_when_asleep(&p->poke);
}

SIGNALS_TEST(test_serve_sigint_while_idle)
{
	struct idle_poke p = {.poke = {getpid(), SIGINT, -1, -1}};
	struct job_log log = {.go_after = 'a', .go = &p.go};
	int stopped_by, status;
	pid_t helper;
	long n;

	caller_signal_setup();
	ck_assert_int_eq(ipc_ready_init(&p.go), 0);
	helper = grade_spawn(signal_when_idle, &p);
	close(p.go.read_fd);
	p.go.read_fd = -1;
	n = serve("a", false, &log, &stopped_by);
	status = grade_join(helper, PATIENCE_MS);
	ipc_ready_close(&p.go);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "grader problem: the helper could not send SIGINT");
	ck_assert_msg(
		n == 1 && stopped_by == SIGINT,
		"SIGINT came while signals_serve() waited for a job: it "
		"returned %ld with *stopped_by %d (expected 1 and SIGINT)",
		n, stopped_by);
}

SIGNALS_TEST(test_serve_signal_just_before_wait)
{
	struct job_log log = {.inject_after = 'a', .stop_sig = SIGTERM};
	int stopped_by;
	long n;

	caller_signal_setup();
	n = serve("a", false, &log, &stopped_by);
	ck_assert_msg(watch_injected(),
		      "signals_serve() never waited in poll() (or select, "
		      "epoll_wait): it cannot then wait for a job and a stop "
		      "request at once");
	ck_assert_msg(n == 1 && stopped_by == SIGTERM,
		      "SIGTERM came just before the wait for the next job: "
		      "signals_serve() returned %ld with *stopped_by %d "
		      "(expected 1 and SIGTERM)",
		      n, stopped_by);
}

SIGNALS_TEST(test_serve_restores_signal_state)
{
	struct job_log log = {.stop_during = 'a', .stop_sig = SIGINT};
	struct signal_state before;
	int stopped_by;

	caller_signal_setup();
	set_handler(SIGPIPE, SIG_DFL, 0);
	change_mask(SIG_UNBLOCK, SIGALRM, SIGCHLD);
	snapshot(&before);
	(void)serve("ab", false, &log, &stopped_by);
	require_signal_state(&before, "signals_serve");
	ck_assert_msg(caller_handler_ran == 0,
		      "after signals_serve() returned, the caller's SIGINT "
		      "handler ran: the stop request was left pending");
}

/** What count_job() saw: the jobs, and how far the setup had gone. */
struct job_count {
	const char *function; /**< the call a test makes fail */
	int jobs;	      /**< jobs run */
	unsigned calls;	      /**< calls of function before the 1st job */
};

/** A job that only counts (and, at the first, notes how many calls of
 *  the failing function signals_serve() made to set up its loop). */
static void
count_job(void *arg, unsigned char byte)
{
	struct job_count *count = arg;

	(void)byte;
	if (count->jobs++ == 0)
		count->calls = grade_fail_calls(count->function);
}

SIGNALS_TEST(test_serve_cleans_up_when_calls_fail)
{
	/* Each call that sets up the loop, or reads a job, fails in turn:
	 * the self-pipe (pipe2/pipe), the handlers (sigaction), a mask for
	 * a signalfd (sigprocmask), the job fd (read). */
	static const struct {
		const char *function;
		int err;
	} cases[] = {{"pipe2", EMFILE},	     {"pipe", EMFILE},
		     {"sigaction", EINVAL},  {"sigprocmask", EFAULT},
		     {"read", EIO}};
	struct signal_state before;
	char when[256], who[300];

	caller_signal_setup();
	snapshot(&before);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (unsigned k = 1; k <= 6; k++) {
			struct job_count count = {cases[c].function, 0, 0};
			int fds[2], stopped_by = -1;
			bool setup;
			long n;

			ck_assert_int_eq(pipe(fds), 0);
			ck_assert_int_eq(write(fds[1], "abc", 3), 3);
			close(fds[1]);
			grade_fail_nth(cases[c].function, k, cases[c].err);
			n = signals_serve(fds[0], count_job, &count,
					  &stopped_by);
			/* The failure came while setting up (before the 1st
			 * job), or in a read: graded. A handler or mask that
			 * could not be put back after the jobs: not here. */
			setup = strcmp(cases[c].function, "read") == 0 ||
				count.jobs == 0 || count.calls >= k;
			grade_fail_describe(when, sizeof(when));
			if (!setup)
				grade_fail_clear();
			if (!setup ||
			    !grade_expect_clean_failure(n, cases[c].err,
							"signals_serve()")) {
				close(fds[0]);
				GRADE_IMPLEMENTED(n, "signals_serve", 6);
				ck_assert_msg(!setup || n == 3,
					      "signals_serve() returned %ld (%s) "
					      "for jobs \"abc\" and EOF",
					      n, err_name(errno));
				sigprocmask(SIG_SETMASK, &before.mask, NULL);
				caller_signal_setup();
				break; /* fewer than k such calls */
			}
			close(fds[0]);
			snprintf(who, sizeof(who), "when %s, signals_serve",
				 when);
			require_signal_state(&before, who);
		}
	}
}

SIGNALS_TEST(test_serve_survives_interrupted_reads)
{
	struct job_log log = {0};
	int fds[2], stopped_by = -1;
	long n;

	caller_signal_setup();
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "abcdef", 6), 6);
	close(fds[1]);
	/* Every third read() fails with EINTR, as when a handler runs. */
	grade_inject_short_io(true);
	n = signals_serve(fds[0], record_job, &log, &stopped_by);
	grade_inject_short_io(false);
	GRADE_IMPLEMENTED(n, "signals_serve", 6);
	close(fds[0]);
	ck_assert_msg(n == 6 && strcmp(log.started, "abcdef") == 0,
		      "six jobs \"abcdef\" then EOF, with every third read() "
		      "failing with EINTR (a signal handler ran): "
		      "signals_serve() returned %ld (%s) after jobs \"%s\". A "
		      "read() that fails with EINTR read nothing: call it "
		      "again, only another error is final",
		      n, n == -1 ? err_name(errno) : "no error", log.started);
	ck_assert_msg(stopped_by == 0, "*stopped_by is %d at EOF, not 0",
		      stopped_by);
}

/* ------------------------------------------------ the demo, side by side */

SIGNALS_TEST(test_demo_install_matches_reference)
{
	grade_compare_with_reference((const char *[]){"install", NULL}, NULL,
				     0);
}

SIGNALS_TEST(test_demo_wait_matches_reference)
{
	grade_compare_with_reference((const char *[]){"wait", NULL}, NULL, 0);
}

SIGNALS_TEST(test_demo_transfer_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){"transfer", "chat by signals", NULL}, NULL, 0);
	grade_compare_with_reference(
		(const char *[]){"transfer", "--binary", "64", NULL}, NULL, 0);
}

SIGNALS_TEST(test_demo_queue_matches_reference)
{
	grade_compare_with_reference((const char *[]){"queue", "20", NULL},
				     NULL, 0);
}

SIGNALS_TEST(test_demo_reap_matches_reference)
{
	grade_compare_with_reference((const char *[]){"reap", "12", NULL}, NULL,
				     0);
}

/** Run `demo worker 1000`: jobs "ab" on stdin, SIGTERM once job 'b' is
 *  done. Returns its stdout (malloc'd); its stderr goes to @p err_path. */
static char *
run_worker(const char *demo, const char *err_path, int *status)
{
	int in[2], out[2], err;
	char *text = calloc(1, 1);
	size_t len = 0;
	uint64_t start = ipc_now_ns();
	bool signalled = false;
	pid_t pid;

	ck_assert(text != NULL);
	err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_msg(err != -1, "open: %s", strerror(errno));
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_msg(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(in[0], STDIN_FILENO) != -1 &&
		    dup2(out[1], STDOUT_FILENO) != -1 &&
		    dup2(err, STDERR_FILENO) != -1)
			execl(demo, demo, "worker", "1000", (char *)NULL);
		_exit(127);
	}
	close(err);
	close(in[0]);
	close(out[1]);
	set_handler(SIGPIPE, SIG_IGN, 0); /* a demo that died early: EPIPE */
	if (write(in[1], "ab", 2) != 2) {
		/* it died already: its status says how */
	}
	while (ms_since(start) < PATIENCE_MS) {
		struct pollfd pfd = {.fd = out[0], .events = POLLIN};
		char chunk[512];
		ssize_t n;
		if (poll(&pfd, 1, 100) != 1)
			continue;
		n = read(out[0], chunk, sizeof(chunk));
		if (n <= 0)
			break; /* EOF: it exited */
		text = realloc(text, len + (size_t)n + 1);
		ck_assert(text != NULL);
		memcpy(text + len, chunk, (size_t)n);
		len += (size_t)n;
		text[len] = '\0';
		/* Once job 'b' is done the worker waits: stop it now. */
		if (!signalled && strstr(text, "job 'b' done") != NULL) {
			kill(pid, SIGTERM);
			signalled = true;
		}
	}
	close(in[1]);
	close(out[0]);
	if (ipc_waitpid_timeout(pid, status, PATIENCE_MS) == -1) {
		kill(pid, SIGKILL);
		ipc_waitpid(pid, status);
	}
	return text;
}

/** The last line of a (small) file, for a message. */
static const char *
last_line(const char *path, char *out, size_t out_len)
{
	char buf[4096], *line;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd == -1 ? 0 : read(fd, buf, sizeof(buf) - 1);

	if (fd != -1)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	line = strrchr(buf, '\n');
	snprintf(out, out_len, "%s", line != NULL ? line + 1 : buf);
	return out;
}

SIGNALS_TEST(test_demo_worker_exits_zero_on_sigterm)
{
	int status, ref_status;
	char *mine, *ref, how[96], err[256];

	mine = run_worker(grade_demo_path(), grade_path("worker.err"), &status);
	ref = run_worker(grade_reference_demo_path(), grade_path("ref.err"),
			 &ref_status);
	ck_assert_msg(
		WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"`demo worker 1000` with jobs \"ab\" on stdin, sent SIGTERM "
		"after job 'b', %s: a graceful shutdown finishes the job, "
		"cleans up and exits with status 0. Its stderr: %s",
		ipc_describe_status(status, how, sizeof(how)),
		last_line(grade_path("worker.err"), err, sizeof(err)));
	ck_assert_msg(
		strcmp(mine, ref) == 0,
		"`demo worker 1000` with jobs \"ab\" and SIGTERM printed:\n%s"
		"the reference printed:\n%s",
		mine, ref);
	free(mine);
	free(ref);
}

/* ------------------------------------------------------------- the table */

#define ON_TIMEOUT_SEND                                                        \
	"the transfer stalled: the sender must wait for the acknowledgement "  \
	"(SIGUSR1 from the receiver) after every bit, with SIGUSR1 blocked "   \
	"before the first bit; a volatile flag or sigtimedwait(), never "      \
	"pause() or sleep()"
#define ON_TIMEOUT_RECEIVE                                                     \
	"the transfer stalled: the receiver must take each bit with "          \
	"sigwaitinfo()/sigtimedwait() (SIGUSR1 and SIGUSR2 are already "       \
	"blocked) and acknowledge it with SIGUSR1 to si_pid"
#define ON_TIMEOUT_WAIT                                                        \
	"signals_wait_until() never returned: block the signal, test, then "   \
	"sigsuspend() with the old mask minus the signal (a pause() race or "  \
	"a mask that keeps the signal blocked waits for ever)"
#define ON_TIMEOUT_SERVE                                                       \
	"signals_serve() never returned after the stop signal: wait for the "  \
	"next job with poll() on the job fd AND the self-pipe (or a "          \
	"signalfd), and make sure SIGINT/SIGTERM are not blocked or ignored "  \
	"while you wait; a blocking read() on the job fd alone cannot see "    \
	"the stop request"

static const struct grade_test tests[] = {
	{GRADE_REF(test_install_runs_handler), 1, 1, 0, NULL},
	{GRADE_REF(test_install_sets_flags_as_asked), 1, 2, 0, NULL},
	{GRADE_REF(test_install_restart_resumes_read), 1, 1, 5,
	 "read() never returned: was the signal caught at all?"},
	{GRADE_REF(test_install_no_restart_interrupts_read), 1, 1, 5, NULL},
	{GRADE_REF(test_install_returns_and_restores_old), 1, 2, 0, NULL},
	{GRADE_REF(test_install_cannot_catch_sigkill), 1, 1, 0, NULL},
	{GRADE_REF(test_demo_install_matches_reference), 1, 1, 10, NULL},
	{GRADE_REF(test_wait_returns_at_once_when_ready), 2, 1, 3,
	 "signals_wait_until() waited although ready() was already true: "
	 "test the condition before waiting"},
	{GRADE_REF(test_wait_tests_condition_with_signal_blocked), 2, 2, 5,
	 ON_TIMEOUT_WAIT},
	{GRADE_REF(test_wait_signal_between_test_and_wait), 2, 2, 3,
	 ON_TIMEOUT_WAIT},
	{GRADE_REF(test_wait_restores_mask), 2, 1, 3, ON_TIMEOUT_WAIT},
	{GRADE_REF(test_wait_reports_errors), 2, 1, 3,
	 "signals_wait_until() waited although ready() was already true"},
	{GRADE_REF(test_demo_wait_matches_reference), 2, 1, 10, NULL},
	{GRADE_REF(test_send_bytes_text), 3, 2, 8, ON_TIMEOUT_SEND},
	{GRADE_REF(test_send_bytes_binary_with_nul), 3, 2, 10, ON_TIMEOUT_SEND},
	{GRADE_REF(test_send_bytes_waits_for_each_ack), 3, 2, 8,
	 ON_TIMEOUT_SEND},
	{GRADE_REF(test_send_bytes_times_out), 3, 1, 8,
	 "signals_send_bytes() kept waiting for an acknowledgement that never "
	 "came: wait with sigtimedwait() and the timeout"},
	{GRADE_REF(test_receive_bytes_text), 3, 2, 8, ON_TIMEOUT_RECEIVE},
	{GRADE_REF(test_receive_bytes_binary_with_nul), 3, 2, 10,
	 ON_TIMEOUT_RECEIVE},
	{GRADE_REF(test_receive_bytes_empty), 3, 1, 8, ON_TIMEOUT_RECEIVE},
	{GRADE_REF(test_send_bytes_survives_interrupted_waits), 3, 1, 8,
	 ON_TIMEOUT_SEND},
	{GRADE_REF(test_receive_bytes_survives_interrupted_waits), 3, 1, 8,
	 ON_TIMEOUT_RECEIVE},
	{GRADE_REF(test_send_bytes_reports_errors), 3, 1, 8,
	 "signals_send_bytes() kept waiting for an acknowledgement that never "
	 "came: wait with sigtimedwait() and the timeout"},
	{GRADE_REF(test_receive_bytes_times_out_midway), 3, 1, 8,
	 "signals_receive_bytes() kept waiting for bits that never came: "
	 "give up at the first wait that times out"},
	{GRADE_REF(test_demo_transfer_matches_reference), 3, 1, 20, NULL},
	{GRADE_REF(test_queue_values_in_order), 4, 2, 8, NULL},
	{GRADE_REF(test_receive_values_in_order), 4, 2, 8,
	 "signals_receive_values() kept waiting: the values were all queued; "
	 "take them with sigwaitinfo()/sigtimedwait() (the signal is "
	 "blocked), one per value"},
	{GRADE_REF(test_receive_values_times_out), 4, 1, 8,
	 "signals_receive_values() did not give up after timeout_ms: use "
	 "sigtimedwait()"},
	{GRADE_REF(test_receive_values_reports_errors), 4, 1, 8,
	 "signals_receive_values() kept waiting: a failed wait (not a timeout, "
	 "not EINTR) is final"},
	{GRADE_REF(test_demo_queue_matches_reference), 4, 1, 10, NULL},
	{GRADE_REF(test_reaper_reaps_one_child), 5, 1, 5, NULL},
	{GRADE_REF(test_reaper_many_children_at_once), 5, 3, 5, NULL},
	{GRADE_REF(test_reaper_keeps_running_children), 5, 2, 8,
	 "the SIGCHLD handler blocked: use WNOHANG"},
	{GRADE_REF(test_reaper_preserves_errno), 5, 1, 5, NULL},
	{GRADE_REF(test_reaper_start_resets_count), 5, 1, 5, NULL},
	{GRADE_REF(test_reaper_stop_restores), 5, 1, 5, NULL},
	{GRADE_REF(test_demo_reap_matches_reference), 5, 1, 10, NULL},
	{GRADE_REF(test_serve_jobs_until_eof), 6, 1, 3,
	 "signals_serve() did not stop at EOF: read() returning 0 means no "
	 "more jobs"},
	{GRADE_REF(test_serve_stop_finishes_current_job), 6, 2, 3,
	 ON_TIMEOUT_SERVE},
	{GRADE_REF(test_serve_sigint_while_idle), 6, 2, 5, ON_TIMEOUT_SERVE},
	{GRADE_REF(test_serve_signal_just_before_wait), 6, 2, 3,
	 ON_TIMEOUT_SERVE},
	{GRADE_REF(test_serve_restores_signal_state), 6, 1, 3,
	 ON_TIMEOUT_SERVE},
	{GRADE_REF(test_serve_cleans_up_when_calls_fail), 6, 2, 5,
	 "signals_serve() never returned although its job fd was at EOF: "
	 "when a call fails, clean up and return -1 at once"},
	{GRADE_REF(test_serve_survives_interrupted_reads), 6, 1, 3,
	 "signals_serve() never returned although its job fd was at EOF"},
	{GRADE_REF(test_demo_worker_exits_zero_on_sigterm), 6, 1, 15, NULL},
};

static const struct grade_lab lab = {
	"06-signal",
	"Signals",
	tests,
	GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
