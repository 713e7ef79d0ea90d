/* SPDX-License-Identifier: MIT */
/**
 * @file watch.c
 * @brief Lab 06 grader: the wrappers that watch signal handling (watch.h).
 *
 * Each `__wrap_f` below receives the calls to `f` of every object linked
 * into the grader (the lab's Makefile passes `-Wl,--wrap=f`), and calls the
 * real function as `__real_f`. Nothing here changes what a correct program
 * observes; it only notes, or fails the test, when code does what the
 * handout forbids. Failure injection (grade_fail_nth(), grade.h) reaches
 * the calls these wrappers take over from the engine's (sigaction,
 * sigtimedwait, malloc, calloc, realloc) through grade_fail_check().
 */
#include "watch.h"
#include "grade.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

/* The real functions (the linker resolves __real_f to f). */
int __real_sigaction(int, const struct sigaction *, struct sigaction *);
int __real_sigprocmask(int, const sigset_t *, sigset_t *);
int __real_sigsuspend(const sigset_t *);
int __real_sigwaitinfo(const sigset_t *, siginfo_t *);
int __real_sigtimedwait(const sigset_t *, siginfo_t *, const struct timespec *);
int __real_poll(struct pollfd *, nfds_t, int);
int __real_ppoll(struct pollfd *, nfds_t, const struct timespec *,
		 const sigset_t *);
int __real___poll_chk(struct pollfd *, nfds_t, int, size_t);
int __real___ppoll_chk(struct pollfd *, nfds_t, const struct timespec *,
		       const sigset_t *, size_t);
int __real_select(int, fd_set *, fd_set *, fd_set *, struct timeval *);
int __real_pselect(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
		   const sigset_t *);
int __real_epoll_wait(int, struct epoll_event *, int, int);
int __real_epoll_pwait(int, struct epoll_event *, int, int, const sigset_t *);
int __real_vprintf(const char *, va_list);
int __real_vfprintf(FILE *, const char *, va_list);
int __real_vdprintf(int, const char *, va_list);
int __real___vprintf_chk(int, const char *, va_list);
int __real___vfprintf_chk(FILE *, int, const char *, va_list);
int __real___vdprintf_chk(int, int, const char *, va_list);
int __real_puts(const char *);
int __real_fputs(const char *, FILE *);
int __real_putchar(int);
int __real_fputc(int, FILE *);
int __real_putc(int, FILE *);
size_t __real_fwrite(const void *, size_t, size_t, FILE *);
int __real_fflush(FILE *);
void __real_perror(const char *);
void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void __real_free(void *);
_Noreturn void __real_exit(int);
_Noreturn void __real__exit(int);

/* --------------------------------------------------------------- state */

/** Set in the test process by watch_begin_test(); children inherit it. */
static pid_t test_pid;
static bool active;

/** Depth of handlers running now (the trampoline counts). */
static volatile sig_atomic_t in_handler;
/** The signal whose handler is running (innermost). */
static volatile sig_atomic_t handler_sig;

/** The first unsafe call in a handler: which function, which signal. */
static const char *volatile unsafe_function;
static volatile sig_atomic_t unsafe_sig;

/** The first handler that changed errno. */
static volatile sig_atomic_t errno_sig, errno_before, errno_after;

static bool signal_function_used;

/** The handlers installed through sigaction(): the kernel has ours. */
static struct sigaction user_action[NSIG];
static volatile sig_atomic_t wrapped[NSIG];

/** Step 2 and step 6 arming. */
static volatile sig_atomic_t wait_sig, condition_calls;
/** Step 2: the caller's mask when the wait was armed. */
static sigset_t wait_caller_mask;
/** Steps 3 and 4: the signals sigtimedwait()/sigwaitinfo() may take. */
static sigset_t wait_set;
static bool wait_set_armed;
static volatile sig_atomic_t inject_sig, injected, injected_sig;

#define CHILD_MESSAGE_FILE "watch-child-failure.txt"

void
watch_begin_test(void)
{
	test_pid = getpid();
	active = true;
	unsafe_function = NULL;
	unsafe_sig = 0;
	errno_sig = 0;
	signal_function_used = false;
	wait_sig = condition_calls = 0;
	inject_sig = injected = 0;
	wait_set_armed = false;
}

/* ------------------------------------------------------------ failing */

_Noreturn void
watch_fail(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	in_handler = 0; /* what follows is the grader's, not the handler's */
	if (getpid() == test_pid)
		ck_abort_msg("%s", msg);
	/* A child: leave the message for the test process, then go. */
	fd = open(grade_path(CHILD_MESSAGE_FILE), O_WRONLY | O_CREAT | O_APPEND,
		  0600);
	if (fd != -1) {
		if (write(fd, msg, strlen(msg)) == -1) {
			/* nothing better to do in a dying child */
		}
		close(fd);
	}
	__real__exit(WATCH_CHILD_FAILED);
}

const char *
watch_child_message(void)
{
	static char msg[2048];
	int fd = open(grade_path(CHILD_MESSAGE_FILE), O_RDONLY);
	ssize_t n = 0;

	if (fd != -1) {
		n = read(fd, msg, sizeof(msg) - 1);
		close(fd);
	}
	msg[n > 0 ? n : 0] = '\0';
	return msg;
}

/* ------------------------------------------- handlers: the trampoline */

/** Note an unsafe call made from a handler (async-signal-safe itself). */
static void
note_unsafe(const char *function)
{
	if (in_handler > 0 && unsafe_function == NULL) {
		unsafe_sig = handler_sig;
		unsafe_function = function;
	}
}

/** What the kernel runs instead of the handler that was installed. */
static void
trampoline(int sig, siginfo_t *info, void *context)
{
	const struct sigaction *user = &user_action[sig];
	int outer = handler_sig, before = errno;

	handler_sig = sig;
	in_handler++;
	if (user->sa_flags & SA_SIGINFO)
		user->sa_sigaction(sig, info, context);
	else
		user->sa_handler(sig);
	in_handler--;
	handler_sig = outer;
	if (errno != before && errno_sig == 0) {
		errno_before = before;
		errno_after = errno;
		errno_sig = sig;
	}
}

/** Is this disposition a function (not SIG_DFL or SIG_IGN)? */
static bool
is_function(const struct sigaction *sa)
{
	return sa->sa_handler != SIG_DFL && sa->sa_handler != SIG_IGN;
}

int
__wrap_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction want, kernel_old, previous;
	bool previous_wrapped;
	sigset_t all, mask;
	int rc, err;

	if (sig <= 0 || sig >= NSIG)
		return __real_sigaction(sig, act, old); /* it reports EINVAL */
	/* No handler may run while the table and the kernel disagree. */
	if (grade_fail_check("sigaction")) /* a test made it fail */
		return -1;
	sigfillset(&all);
	__real_sigprocmask(SIG_BLOCK, &all, &mask);
	previous = user_action[sig];
	previous_wrapped = wrapped[sig];
	if (act != NULL) {
		want = *act; /* act and old may be the same struct */
		if (is_function(&want)) {
			want.sa_sigaction = trampoline;
			want.sa_flags |= SA_SIGINFO;
		}
	}
	rc = __real_sigaction(sig, act ? &want : NULL, &kernel_old);
	err = errno;
	if (rc == 0 && act != NULL) {
		wrapped[sig] = is_function(act);
		if (wrapped[sig])
			user_action[sig] = *act;
	}
	if (rc == 0 && old != NULL) {
		*old = kernel_old;
		if (previous_wrapped && kernel_old.sa_sigaction == trampoline) {
			/* Report the program's handler, not the trampoline. */
			old->sa_sigaction = previous.sa_sigaction;
			old->sa_flags = (kernel_old.sa_flags & ~SA_SIGINFO) |
					(previous.sa_flags & SA_SIGINFO);
		}
	}
	__real_sigprocmask(SIG_SETMASK, &mask, NULL);
	errno = err;
	return rc;
}

typedef void (*handler_fn)(int);

handler_fn
__wrap_signal(int sig, handler_fn handler)
{
	struct sigaction sa = {0}, old;

	/* What glibc's signal() does: BSD semantics, SA_RESTART. */
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (handler != SIG_DFL && handler != SIG_IGN)
		signal_function_used = true;
	if (sigaddset(&sa.sa_mask, sig) == -1 ||
	    __wrap_sigaction(sig, &sa, &old) == -1)
		return SIG_ERR;
	return old.sa_handler;
}

bool
watch_used_signal_function(void)
{
	return signal_function_used;
}

bool
watch_errno_clobbered(int *sig, int *before, int *after)
{
	*sig = errno_sig;
	*before = errno_before;
	*after = errno_after;
	return errno_sig != 0;
}

/** The signal's name, e.g. "SIGCHLD". */
static const char *
signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (abbrev != NULL)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

bool
watch_unsafe_call(char *out, size_t out_len)
{
	char name[32];

	if (unsafe_function == NULL)
		return false;
	snprintf(out, out_len,
		 "your %s handler called %s(), which is not async-signal-safe: "
		 "the signal may arrive while the program is inside stdio or "
		 "malloc itself, holding their locks or half-way through "
		 "their data, and the handler then deadlocks or corrupts it "
		 "(man 7 signal-safety). A handler should only set a volatile "
		 "sig_atomic_t flag or write(2) a byte to a pipe; print in the "
		 "main program",
		 signal_name(unsafe_sig, name, sizeof(name)), unsafe_function);
	return true;
}

void
watch_require_safe_handlers(void)
{
	char msg[1024];

	if (watch_unsafe_call(msg, sizeof(msg)))
		watch_fail("%s", msg);
}

/* ------------------------------------- functions a handler must not call */

#define UNSAFE(name)                                                           \
	do {                                                                   \
		if (in_handler > 0)                                            \
			note_unsafe(name);                                     \
	} while (0)

int
__wrap_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	UNSAFE("printf");
	va_start(ap, fmt);
	n = __real_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int
__wrap_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	UNSAFE("fprintf");
	va_start(ap, fmt);
	n = __real_vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int
__wrap_dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	UNSAFE("dprintf");
	va_start(ap, fmt);
	n = __real_vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int
__wrap_vprintf(const char *fmt, va_list ap)
{
	UNSAFE("vprintf");
	return __real_vprintf(fmt, ap);
}

int
__wrap_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	UNSAFE("vfprintf");
	return __real_vfprintf(f, fmt, ap);
}

int
__wrap_vdprintf(int fd, const char *fmt, va_list ap)
{
	UNSAFE("vdprintf");
	return __real_vdprintf(fd, fmt, ap);
}

/* With -D_FORTIFY_SOURCE (Ubuntu's default) printf() compiles to these. */
int
__wrap___printf_chk(int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	UNSAFE("printf");
	va_start(ap, fmt);
	n = __real___vprintf_chk(flag, fmt, ap);
	va_end(ap);
	return n;
}

int
__wrap___fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	UNSAFE("fprintf");
	va_start(ap, fmt);
	n = __real___vfprintf_chk(f, flag, fmt, ap);
	va_end(ap);
	return n;
}

int
__wrap___dprintf_chk(int fd, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	UNSAFE("dprintf");
	va_start(ap, fmt);
	n = __real___vdprintf_chk(fd, flag, fmt, ap);
	va_end(ap);
	return n;
}

int
__wrap___vprintf_chk(int flag, const char *fmt, va_list ap)
{
	UNSAFE("printf");
	return __real___vprintf_chk(flag, fmt, ap);
}

int
__wrap___vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap)
{
	UNSAFE("fprintf");
	return __real___vfprintf_chk(f, flag, fmt, ap);
}

int
__wrap___vdprintf_chk(int fd, int flag, const char *fmt, va_list ap)
{
	UNSAFE("dprintf");
	return __real___vdprintf_chk(fd, flag, fmt, ap);
}

int
__wrap_puts(const char *s)
{
	UNSAFE("puts"); /* the compiler turns printf("text\n") into puts */
	return __real_puts(s);
}

int
__wrap_fputs(const char *s, FILE *f)
{
	UNSAFE("fputs");
	return __real_fputs(s, f);
}

int
__wrap_putchar(int c)
{
	UNSAFE("putchar");
	return __real_putchar(c);
}

int
__wrap_fputc(int c, FILE *f)
{
	UNSAFE("fputc");
	return __real_fputc(c, f);
}

int
__wrap_putc(int c, FILE *f)
{
	UNSAFE("putc");
	return __real_putc(c, f);
}

size_t
__wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	UNSAFE("fwrite"); /* and fprintf(f, "text") becomes fwrite */
	return __real_fwrite(p, size, n, f);
}

int
__wrap_fflush(FILE *f)
{
	UNSAFE("fflush");
	return __real_fflush(f);
}

void
__wrap_perror(const char *s)
{
	UNSAFE("perror");
	__real_perror(s);
}

void *
__wrap_malloc(size_t n)
{
	UNSAFE("malloc");
	if (grade_fail_check("malloc"))
		return NULL;
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	UNSAFE("calloc");
	if (grade_fail_check("calloc"))
		return NULL;
	return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	UNSAFE("realloc");
	if (grade_fail_check("realloc"))
		return NULL;
	return __real_realloc(p, n);
}

void
__wrap_free(void *p)
{
	UNSAFE("free");
	__real_free(p);
}

/** A handler that ends the process: fail with what that means. */
static void
check_exit_in_handler(const char *function, int status)
{
	char name[32];

	if (in_handler == 0 || !active)
		return;
	watch_fail(
		"your %s handler called %s(%d): the process ended at once, "
		"in the middle of whatever the program was doing. A graceful "
		"shutdown lets the current job finish, cleans up and returns; "
		"the handler only records the request (a volatile "
		"sig_atomic_t flag, or a byte written to the self-pipe)%s",
		signal_name(handler_sig, name, sizeof(name)), function, status,
		strcmp(function, "exit") == 0
			? ". And exit() itself is not async-signal-safe: it "
			  "runs atexit handlers and flushes stdio"
			: "");
}

void
__wrap_exit(int status)
{
	check_exit_in_handler("exit", status);
	__real_exit(status);
}

void
__wrap__exit(int status)
{
	check_exit_in_handler("_exit", status);
	__real__exit(status);
}

/* ----------------------------------------------- waits that are races */

int
__wrap_pause(void)
{
	watch_fail(
		"pause() was called to wait for a signal: if the signal "
		"arrives after your code tested its condition and before "
		"pause() starts, pause() sleeps for ever (the pause() race). "
		"Block the signal, test the condition, then sigsuspend() "
		"with a mask that unblocks it (step 2), or take the signal "
		"with sigwaitinfo()");
}

/** A sleep used to wait for another process: fail, it is a guess. */
static void
no_sleeping(const char *function)
{
	if (!active)
		return;
	watch_fail("%s() was called: a sleep does not synchronise anything. "
		   "Under load it is never long enough (and otherwise too "
		   "long). Wait for the event itself: the acknowledgement "
		   "signal (sigtimedwait), a pipe (poll), a child (waitpid)",
		   function);
}

unsigned int
__wrap_sleep(unsigned int seconds)
{
	(void)seconds;
	no_sleeping("sleep");
	return 0;
}

int
__wrap_usleep(useconds_t usec)
{
	(void)usec;
	no_sleeping("usleep");
	return 0;
}

int
__wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
	(void)req;
	(void)rem;
	no_sleeping("nanosleep");
	return 0;
}

int
__wrap_clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
		       struct timespec *rem)
{
	(void)clock;
	(void)flags;
	(void)req;
	(void)rem;
	no_sleeping("clock_nanosleep");
	return 0;
}

/* ----------------------------------------- step 2: the waits, checked */

void
watch_arm_wait(int sig)
{
	__real_sigprocmask(SIG_BLOCK, NULL, &wait_caller_mask);
	wait_sig = sig;
	condition_calls = 0;
}

/** Signals that glibc keeps for itself (32, 33): never compared. */
static bool
is_reserved(int sig)
{
	return sig >= 32 && sig < SIGRTMIN;
}

void
watch_note_condition(void)
{
	condition_calls++;
}

int
__wrap_sigsuspend(const sigset_t *mask)
{
	char name[32];
	int sig = wait_sig;

	if (sig != 0 && getpid() == test_pid) {
		signal_name(sig, name, sizeof(name));
		if (condition_calls == 0)
			watch_fail(
				"sigsuspend() was called before the condition "
				"was tested: it may already hold (the signal "
				"came before your call), and then nothing "
				"wakes you up. Test first, then wait");
		if (sigismember(mask, sig) == 1)
			watch_fail(
				"sigsuspend() was given a mask in which %s is "
				"blocked: it waits for a signal that cannot "
				"arrive, for ever. Pass the old mask with %s "
				"removed (sigdelset)",
				name, name);
		for (int s = 1; s < NSIG; s++) {
			char other[32];
			int now = sigismember(mask, s) == 1;
			if (s == sig || s == SIGKILL || s == SIGSTOP ||
			    is_reserved(s) ||
			    now == (sigismember(&wait_caller_mask, s) == 1))
				continue;
			watch_fail("sigsuspend() was given a mask that %s %s, "
				   "which the caller had %s: the wait must use "
				   "the caller's own mask (the old one "
				   "sigprocmask() gave back) with only %s "
				   "removed. Copy it before sigdelset(), never "
				   "use a sigset_t you did not fill",
				   now ? "blocks" : "unblocks",
				   signal_name(s, other, sizeof(other)),
				   now ? "unblocked" : "blocked", name);
		}
	}
	return __real_sigsuspend(mask);
}

/** sigwaitinfo()/sigtimedwait() on the step-2 signal: its handler never
 *  runs, so the condition never changes. */
static void
check_not_taken(const sigset_t *set, const char *function)
{
	char name[32];
	int sig = wait_sig;

	if (sig != 0 && getpid() == test_pid && sigismember(set, sig) == 1)
		watch_fail("%s() takes %s without running its handler, so the "
			   "caller's condition never changes: in step 2 wait "
			   "with sigsuspend(), which lets the handler run",
			   function, signal_name(sig, name, sizeof(name)));
}

void
watch_expect_wait_set(const sigset_t *set)
{
	wait_set_armed = set != NULL;
	if (set != NULL)
		wait_set = *set;
}

/** Steps 3 and 4: the set holds a signal that is not the protocol's. */
static void
check_wait_set(const sigset_t *set, const char *function)
{
	char name[32];

	if (!wait_set_armed || set == NULL)
		return;
	for (int s = 1; s < NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP || is_reserved(s) ||
		    sigismember(set, s) != 1 || sigismember(&wait_set, s) == 1)
			continue;
		watch_fail("%s() was given a set that holds %s, which is not "
			   "a signal this function waits for: it would take "
			   "(and swallow) that signal if anyone sent it. Start "
			   "from sigemptyset(), then sigaddset() each signal "
			   "you wait for: a sigset_t you did not fill holds "
			   "whatever was on the stack",
			   function, signal_name(s, name, sizeof(name)));
	}
}

int
__wrap_sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	check_not_taken(set, "sigwaitinfo");
	check_wait_set(set, "sigwaitinfo");
	return __real_sigwaitinfo(set, info);
}

int
__wrap_sigtimedwait(const sigset_t *set, siginfo_t *info,
		    const struct timespec *timeout)
{
	check_not_taken(set, "sigtimedwait");
	check_wait_set(set, "sigtimedwait");
	if (grade_fail_check("sigtimedwait")) /* a test made it fail */
		return -1;
	return __real_sigtimedwait(set, info, timeout);
}

/* --------------------------- step 6: a signal just before the wait */

void
watch_inject_before_wait(int sig)
{
	if (sig != 0)
		injected = 0; /* arming starts afresh; disarming keeps it */
	inject_sig = sig;
}

bool
watch_injected(void)
{
	return injected;
}

/** Raise the armed signal now, if armed; true if it did. */
static bool
inject_now(void)
{
	int sig = inject_sig;

	if (sig == 0 || getpid() != test_pid)
		return false;
	inject_sig = 0;
	injected = 1;
	injected_sig = sig;
	raise(sig); /* its handler runs now, unless the signal is blocked */
	return true;
}

/** The wait would sleep for ever although the signal came: fail. */
static _Noreturn void
lost_wakeup(const char *function)
{
	char name[32];

	watch_fail("%s arrived just before %s() started to wait (after "
		   "your loop had checked for a stop request), and nothing "
		   "%s() waits on became ready: it would sleep for ever, and "
		   "the stop request is lost (the check-then-wait race). Use "
		   "the self-pipe trick: the handler writes a byte to a pipe "
		   "that %s() watches next to the job fd (or use signalfd)",
		   signal_name(injected_sig, name, sizeof(name)), function,
		   function, function);
}

static const struct timespec no_time = {0, 0};

int
__wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int r;

	if (!inject_now())
		return __real_poll(fds, n, timeout);
	r = __real_poll(fds, n, 0);
	if (r != 0 || timeout == 0)
		return r;
	if (timeout < 0)
		lost_wakeup("poll");
	return __real_poll(fds, n, timeout);
}

int
__wrap___poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t len)
{
	int r;

	if (!inject_now())
		return __real___poll_chk(fds, n, timeout, len);
	r = __real___poll_chk(fds, n, 0, len);
	if (r != 0 || timeout == 0)
		return r;
	if (timeout < 0)
		lost_wakeup("poll");
	return __real___poll_chk(fds, n, timeout, len);
}

int
__wrap_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
	     const sigset_t *mask)
{
	int r;

	if (!inject_now())
		return __real_ppoll(fds, n, timeout, mask);
	r = __real_ppoll(fds, n, &no_time, mask);
	if (r != 0)
		return r;
	if (timeout == NULL)
		lost_wakeup("ppoll");
	return __real_ppoll(fds, n, timeout, mask);
}

int
__wrap___ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
		   const sigset_t *mask, size_t len)
{
	int r;

	if (!inject_now())
		return __real___ppoll_chk(fds, n, timeout, mask, len);
	r = __real___ppoll_chk(fds, n, &no_time, mask, len);
	if (r != 0)
		return r;
	if (timeout == NULL)
		lost_wakeup("ppoll");
	return __real___ppoll_chk(fds, n, timeout, mask, len);
}

/** Copy an fd_set that may be NULL. */
static fd_set *
copy_set(const fd_set *from, fd_set *to)
{
	if (from == NULL)
		return NULL;
	*to = *from;
	return to;
}

int
__wrap_select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *timeout)
{
	struct timeval zero = {0, 0};
	fd_set r2, w2, e2;
	int got;

	if (!inject_now())
		return __real_select(n, r, w, e, timeout);
	got = __real_select(n, copy_set(r, &r2), copy_set(w, &w2),
			    copy_set(e, &e2), &zero);
	if (got != 0) {
		copy_set(r ? &r2 : NULL, r);
		copy_set(w ? &w2 : NULL, w);
		copy_set(e ? &e2 : NULL, e);
		return got;
	}
	if (timeout == NULL)
		lost_wakeup("select");
	return __real_select(n, r, w, e, timeout);
}

int
__wrap_pselect(int n, fd_set *r, fd_set *w, fd_set *e,
	       const struct timespec *timeout, const sigset_t *mask)
{
	fd_set r2, w2, e2;
	int got;

	if (!inject_now())
		return __real_pselect(n, r, w, e, timeout, mask);
	got = __real_pselect(n, copy_set(r, &r2), copy_set(w, &w2),
			     copy_set(e, &e2), &no_time, mask);
	if (got != 0) {
		copy_set(r ? &r2 : NULL, r);
		copy_set(w ? &w2 : NULL, w);
		copy_set(e ? &e2 : NULL, e);
		return got;
	}
	if (timeout == NULL)
		lost_wakeup("pselect");
	return __real_pselect(n, r, w, e, timeout, mask);
}

int
__wrap_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout)
{
	int r;

	if (!inject_now())
		return __real_epoll_wait(epfd, events, max, timeout);
	r = __real_epoll_wait(epfd, events, max, 0);
	if (r != 0 || timeout == 0)
		return r;
	if (timeout < 0)
		lost_wakeup("epoll_wait");
	return __real_epoll_wait(epfd, events, max, timeout);
}

int
__wrap_epoll_pwait(int epfd, struct epoll_event *events, int max, int timeout,
		   const sigset_t *mask)
{
	int r;

	if (!inject_now())
		return __real_epoll_pwait(epfd, events, max, timeout, mask);
	r = __real_epoll_pwait(epfd, events, max, 0, mask);
	if (r != 0 || timeout == 0)
		return r;
	if (timeout < 0)
		lost_wakeup("epoll_pwait");
	return __real_epoll_pwait(epfd, events, max, timeout, mask);
}
