/* SPDX-License-Identifier: MIT */
/**
 * @file grade_coproc.c
 * @brief Lab 09 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c) adds the leak checks: fds, children, zombies.
 *
 * The children the tests talk to are standard tools (cat, tr, sort, wc,
 * head, seq, stdbuf, sh) and this grader itself: `grader --child MODE ...`
 * runs one of the small programs of child_main() (report its descriptors,
 * ignore EOF, ignore SIGTERM, write 1 MiB before reading, ...). Tests wait
 * for events (a line, EOF, a child's exit), never for a fixed time; only
 * a child that has to be killed costs the grace period the test chose.
 * Steps 3 to 5 start their children with the grader's own start_child(),
 * so that each step is graded on its own.
 */
#include "coproc.h"
#include "grade.h"
#include "ipc_util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/** How long a test waits for a child that should end by itself. */
#define JOIN_MS 3000
/** Descriptors the fd checks look at. */
#define MAX_FD 256
/** Exit codes of the stdio_serve() helper when it could not serve. */
#define SERVE_ENOSYS 200
#define SERVE_FAILED 201
#define SERVE_SETUP 202

/* ------------------------------------------- the grader's child programs */

/** A line of @p len printable bytes, never a newline (long-line mode). */
static void
fill_line(char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)('a' + (i * 7 + i / 26) % 26);
}

/** Write all of @p buf to @p fd; false on error. */
static bool
put(int fd, const void *buf, size_t len)
{
	return ipc_write_all(fd, buf, len) == (ssize_t)len;
}

/** A malloc'd buffer of @p n pattern bytes (ipc_fill_pattern()), or NULL. */
static char *
pattern(size_t n, unsigned seed)
{
	char *buf = malloc(n ? n : 1);

	if (buf != NULL)
		ipc_fill_pattern(buf, n, seed);
	return buf;
}

/** Read stdin until EOF, discarding it; false on error. */
static bool
drain_stdin(void)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0)
		if (n == -1 && errno != EINTR)
			return false;
	return true;
}

/**
 * `report [PATH]`: one line per open descriptor ("fd N KIND ACCESS DEV
 * INO"), the SIGPIPE disposition, "end"; to stdout, or to PATH.
 */
static int
child_report(const char *path)
{
	char text[16384];
	size_t len = 0;
	struct sigaction sa;
	struct dirent *e;
	DIR *dir = opendir("/proc/self/fd");
	int out = STDOUT_FILENO;

	if (dir == NULL)
		return 2;
	while ((e = readdir(dir)) != NULL && len < sizeof(text) - 256) {
		struct stat st;
		int fd, flags;
		char kind;
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		fd = atoi(e->d_name);
		if (fd == dirfd(dir) || fstat(fd, &st) == -1)
			continue;
		flags = fcntl(fd, F_GETFL);
		kind = S_ISFIFO(st.st_mode)	? 'p'
		       : S_ISSOCK(st.st_mode) ? 's'
		       : S_ISREG(st.st_mode)  ? 'f'
		       : S_ISCHR(st.st_mode)  ? 'c'
					      : 'o';
		len += (size_t)snprintf(
			text + len, sizeof(text) - len, "fd %d %c %c %llu %llu\n",
			fd, kind,
			(flags & O_ACCMODE) == O_RDONLY	  ? 'r'
			: (flags & O_ACCMODE) == O_WRONLY ? 'w'
							  : 'b',
			(unsigned long long)st.st_dev,
			(unsigned long long)st.st_ino);
	}
	closedir(dir);
	sigaction(SIGPIPE, NULL, &sa);
	len += (size_t)snprintf(text + len, sizeof(text) - len,
				"sigpipe %s\nend\n",
				sa.sa_handler == SIG_DFL   ? "default"
				: sa.sa_handler == SIG_IGN ? "ignored"
							   : "caught");
	if (path != NULL)
		out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	return out != -1 && put(out, text, len) ? 0 : 2;
}

/** `save PATH`: copy stdin to the file PATH. */
static int
child_save(const char *path)
{
	char *data = NULL;
	ssize_t n = ipc_read_to_end(STDIN_FILENO, &data, 64u << 20);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	bool ok = n != -1 && fd != -1 && put(fd, data, (size_t)n);

	free(data);
	return ok && close(fd) == 0 ? 0 : 2;
}

/** `long-line N`: N printable bytes and a newline, then "end\n", in one
 *  write(). */
static int
child_long_line(size_t n)
{
	char *buf = malloc(n + 5);
	bool ok;

	if (buf == NULL)
		return 2;
	fill_line(buf, n);
	memcpy(buf + n, "\nend\n", 5);
	ok = put(STDOUT_FILENO, buf, n + 5);
	free(buf);
	return ok ? 0 : 2;
}

/** `answer-once`: read one line, answer "bye", exit. */
static int
child_answer_once(void)
{
	char c;
	ssize_t n;

	while ((n = read(STDIN_FILENO, &c, 1)) == 1 && c != '\n')
		;
	return n == 1 && put(STDOUT_FILENO, "bye\n", 4) ? 0 : 2;
}

/** `flood-first N`: write N pattern bytes, then copy stdin to stdout. */
static int
child_flood_first(size_t n)
{
	char *buf = pattern(n, 1), chunk[4096];
	ssize_t got;
	bool ok = buf != NULL && put(STDOUT_FILENO, buf, n);

	free(buf);
	while (ok && (got = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0) {
		if (got == -1)
			ok = errno == EINTR;
		else
			ok = put(STDOUT_FILENO, chunk, (size_t)got);
	}
	return ok ? 0 : 2;
}

/** `flood-at-eof N`: read stdin to EOF, then write N bytes, exit 0. */
static int
child_flood_at_eof(size_t n)
{
	char *buf = pattern(n, 2);
	bool ok = buf != NULL && drain_stdin() && put(STDOUT_FILENO, buf, n);

	free(buf);
	return ok ? 0 : 2;
}

/** A child of the tests: `grader --child MODE [ARG]`. */
static int
child_main(int argc, char **argv)
{
	const char *mode = argv[0], *arg = argc > 1 ? argv[1] : NULL;

	prctl(PR_SET_NAME, mode); /* "ignore-term", not "grader", in ps */
	if (strcmp(mode, "report") == 0)
		return child_report(arg);
	if (strcmp(mode, "save") == 0 && arg != NULL)
		return child_save(arg);
	if (strcmp(mode, "lines") == 0) /* three lines in one write() */
		return put(STDOUT_FILENO, "one\ntwo\nthree", 13) ? 0 : 2;
	if (strcmp(mode, "long-line") == 0 && arg != NULL)
		return child_long_line(strtoul(arg, NULL, 10));
	if (strcmp(mode, "answer-once") == 0)
		return child_answer_once();
	if (strcmp(mode, "flood-first") == 0 && arg != NULL)
		return child_flood_first(strtoul(arg, NULL, 10));
	if (strcmp(mode, "flood-at-eof") == 0 && arg != NULL)
		return child_flood_at_eof(strtoul(arg, NULL, 10));
	if (strcmp(mode, "exit-at-eof") == 0 && arg != NULL)
		return drain_stdin() ? atoi(arg) : 2;
	if (strcmp(mode, "raise-at-eof") == 0 && arg != NULL) {
		drain_stdin();
		signal(atoi(arg), SIG_DFL);
		raise(atoi(arg));
		return 2;
	}
	if (strcmp(mode, "ignore-eof") == 0) { /* reads EOF, stays */
		drain_stdin();
		for (;;)
			pause();
	}
	if (strcmp(mode, "wait-usr2") == 0) { /* stdin to EOF, then SIGUSR2 */
		sigset_t usr2;
		int sig;
		sigemptyset(&usr2);
		sigaddset(&usr2, SIGUSR2);
		sigprocmask(SIG_BLOCK, &usr2, NULL); /* an early one waits */
		if (!drain_stdin() || sigwait(&usr2, &sig) != 0)
			return 2;
		return put(STDOUT_FILENO, "done\n", 5) ? 0 : 2;
	}
	if (strcmp(mode, "ignore-term") == 0) { /* and SIGTERM too */
		signal(SIGTERM, SIG_IGN);
		if (!put(STDOUT_FILENO, "ready\n", 6))
			return 2;
		drain_stdin();
		for (;;)
			pause();
	}
	fprintf(stderr, "grader --child: unknown mode %s\n", mode);
	return 2;
}

/** Path of this grader binary, to run it as a child. */
static const char *
self(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	ck_assert_msg(n > 0, "grader: readlink /proc/self/exe: %s",
		      strerror(errno));
	path[n] = '\0';
	return path;
}

/** argv for `grader --child MODE [ARG]` (a static array, reused). */
static char **
child_argv(const char *mode, const char *arg)
{
	static char *argv[5];
	static char mode_buf[32], arg_buf[PATH_MAX];

	snprintf(mode_buf, sizeof(mode_buf), "%s", mode);
	argv[0] = (char *)self();
	argv[1] = "--child";
	argv[2] = mode_buf;
	argv[3] = NULL;
	if (arg != NULL) {
		snprintf(arg_buf, sizeof(arg_buf), "%s", arg);
		argv[3] = arg_buf;
	}
	argv[4] = NULL;
	return argv;
}

/* -------------------------------------------- the tests' own plumbing */

/**
 * Start @p argv as a coprocess the grader's own way (known good), for the
 * tests of steps 3 to 5. The child dies with the test process. Returns
 * false (errno set) if it cannot.
 */
static bool
start_child_quietly(char *const argv[], struct stdio_child *c)
{
	int in[2], out[2];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) == -1)
		return false;
	if (pipe2(out, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return false;
	}
	pid = fork();
	if (pid == -1) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return false;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], STDIN_FILENO) == -1 ||
		    dup2(out[1], STDOUT_FILENO) == -1)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	c->to_child = in[1];
	c->from_child = out[0];
	return true;
}

/** start_child_quietly(), and the test fails if it cannot. */
static void
start_child(char *const argv[], struct stdio_child *c)
{
	ck_assert_msg(start_child_quietly(argv, c), "grader: pipe2/fork: %s",
		      strerror(errno));
}

/** Close what is still open of @p c and reap its child (killed if it does
 *  not end by itself). Returns its wait status. */
static int
finish_child(struct stdio_child *c)
{
	int status = 0;

	ipc_close_quietly(c->to_child);
	ipc_close_quietly(c->from_child);
	c->to_child = c->from_child = -1;
	if (c->pid > 0 && ipc_waitpid_timeout(c->pid, &status, JOIN_MS) == -1) {
		kill(c->pid, SIGKILL);
		ipc_waitpid(c->pid, &status);
	}
	c->pid = -1;
	return status;
}

/** Read one line from @p fd a byte at a time (the test's side, known
 *  good); the length, 0 at EOF. */
static ssize_t
read_line_raw(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf[len++] == '\n')
			break;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/** Read everything from @p fd until EOF (the test fails on error). */
static char *
read_all(int fd, ssize_t *len)
{
	char *text = NULL;

	*len = ipc_read_to_end(fd, &text, 64u << 20);
	ck_assert_msg(*len != -1, "grader: read: %s", strerror(errno));
	return text;
}

/** Wait until @p pid has exited, without reaping it. */
static void
wait_exited(pid_t pid)
{
	siginfo_t info;

	while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) == -1)
		ck_assert_msg(errno == EINTR, "grader: waitid: %s",
			      strerror(errno));
}

/** "exited with status 3", "killed by signal 10 (SIGUSR1)". */
static const char *
describe(int status)
{
	static char text[4][96];
	static unsigned next;

	return ipc_describe_status(status, text[next++ % 4], sizeof(text[0]));
}

/** A line as C source ("one\\ntwo"), for messages. */
static const char *
quoted(const char *s)
{
	static char text[4][160];
	static unsigned next;
	char *out = text[next++ % 4];
	size_t len = 0;

	for (; *s != '\0' && len < sizeof(text[0]) - 8; s++) {
		if (*s == '\n') {
			out[len++] = '\\';
			out[len++] = 'n';
		} else {
			out[len++] = *s;
		}
	}
	if (*s != '\0')
		len += (size_t)snprintf(out + len, 8, "...");
	out[len] = '\0';
	return out;
}

/* ------------------------------------- watching how the code waits */

/*
 * poll() is wrapped (the lab's Makefile: --wrap=poll --wrap=__poll_chk):
 * a test can count the calls that did not wait at all (timeout 0), the
 * sign of a loop that spins instead of sleeping until its deadline.
 */
int __real_poll(struct pollfd *fds, nfds_t n, int timeout);
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout);
int __real___poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t len);
int __wrap___poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t len);

static unsigned zero_timeout_polls;

int
__wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (timeout == 0)
		zero_timeout_polls++;
	return __real_poll(fds, n, timeout);
}

int
__wrap___poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t len)
{
	if (timeout == 0)
		zero_timeout_polls++;
	return __real___poll_chk(fds, n, timeout, len);
}

/**
 * Fill the stack below the caller with 0xff bytes, so that a buffer the
 * code under test forgets to set holds garbage, not the zeros a fresh
 * stack happens to hold: the mistake then shows every time.
 */
static __attribute__((noinline)) void
dirty_stack(void)
{
	volatile unsigned char junk[32 * 1024];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0xff;
}

/**
 * Leave 100 KB of 0xff bytes in a free block of the heap, where the next
 * malloc() of up to that size finds them: a buffer the code under test
 * forgets to terminate then holds garbage, not the zeros of fresh memory.
 * (A block after it keeps the free one from going back to the system.)
 */
static void
dirty_heap(void)
{
	char *block = malloc(100000), *after = malloc(64);

	ck_assert(block != NULL && after != NULL);
	memset(block, 0xff, 100000);
	free(block);
	free(after);
}

/** The state letter of @p pid (/proc/PID/stat); '?' once it is gone. */
static char
proc_state(pid_t pid)
{
	char path[64], buf[512], *paren;
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
	paren = strrchr(buf, ')');
	return paren != NULL && paren[1] == ' ' ? paren[2] : '?';
}

/** Signals the test process gets from a poker, and the handler's pipe. */
static int handled[2] = { -1, -1 };

/** The test's handler for SIGUSR1: only says that it ran. */
static void
note_signal(int sig)
{
	int saved = errno;

	(void)sig;
	if (write(handled[1], "h", 1) == -1) {
		/* the poker then gives up waiting, and says so */
	}
	errno = saved;
}

/** What a poker does: interrupt the test's wait, then wake @c child. */
struct poke {
	pid_t target;	 /**< the test process */
	pid_t child;	 /**< a child to send SIGUSR2 afterwards, or 0 */
	int handled_fd;	 /**< readable once the target's handler ran */
};

/**
 * Helper: once the test process sleeps (in the call under test), send it
 * SIGUSR1; once its handler has run, send SIGUSR2 to the child, if any.
 * Returns 0, or what went wrong (the test says it).
 */
static int
poke_when_asleep(void *arg)
{
	const struct poke *p = arg;
	struct pollfd pfd = { .fd = p->handled_fd, .events = POLLIN };
	uint64_t limit = ipc_now_ns() + (uint64_t)JOIN_MS * 1000000u;
	char state;

	while ((state = proc_state(p->target)) != 'S') {
		if (state == '?' || ipc_now_ns() > limit)
			return 1;
		sched_yield();
	}
	if (kill(p->target, SIGUSR1) == -1)
		return 2;
	if (poll(&pfd, 1, JOIN_MS) != 1)
		return 3;
	if (p->child > 0 && kill(p->child, SIGUSR2) == -1)
		return 4;
	return 0;
}

/** Install note_signal() for SIGUSR1 without SA_RESTART, so that a
 *  blocking call it interrupts fails with EINTR (children forked from
 *  now on have it too). */
static void
install_note_signal(void)
{
	struct sigaction sa = { .sa_handler = note_signal };

	ck_assert_msg(pipe2(handled, O_CLOEXEC) == 0, "grader: pipe2: %s",
		      strerror(errno));
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0); /* no SA_RESTART */
}

/** Start a poker for @p target (which has note_signal()); @p child gets
 *  SIGUSR2 once the handler ran. */
static pid_t
start_poker_for(struct poke *p, pid_t target, pid_t child)
{
	*p = (struct poke){ target, child, handled[0] };
	return grade_spawn(poke_when_asleep, p);
}

/** Interrupt the test process's next wait; then wake @p child. */
static pid_t
start_poker(struct poke *p, pid_t child)
{
	install_note_signal();
	return start_poker_for(p, getpid(), child);
}

/** Collect the poker; fail if it could not do its job. */
static void
finish_poker(pid_t poker)
{
	int status = grade_join(poker, JOIN_MS + 1000);

	ipc_close_quietly(handled[0]);
	ipc_close_quietly(handled[1]);
	handled[0] = handled[1] = -1;
	signal(SIGUSR1, SIG_DFL);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "grader: the process that sends the signal failed (%s): "
		      "did the call under test never wait?",
		      describe(status));
}

/* ------------------------------------------------- descriptor identity */

/** A pipe's identity: both its ends have the same device and inode. */
struct pipe_id {
	unsigned long long dev, ino;
};

static struct pipe_id
pipe_id(int fd)
{
	struct stat st;

	ck_assert_msg(fstat(fd, &st) == 0, "fstat(%d): %s", fd, strerror(errno));
	return (struct pipe_id){ st.st_dev, st.st_ino };
}

/** One descriptor of a child, as `grader --child report` described it. */
struct child_fd {
	int fd;
	char kind;   /**< p: pipe, s: socket, f: file, c: device, o: other */
	char access; /**< r, w or b (both) */
	struct pipe_id id;
};

/** What `grader --child report` printed. */
struct report {
	struct child_fd fds[MAX_FD];
	int n;
	char sigpipe[16];
	bool complete;
};

static void
parse_report(const char *text, struct report *r)
{
	memset(r, 0, sizeof(*r));
	for (const char *line = text; line != NULL && *line != '\0';) {
		struct child_fd f;
		if (r->n < MAX_FD &&
		    sscanf(line, "fd %d %c %c %llu %llu", &f.fd, &f.kind,
			   &f.access, &f.id.dev, &f.id.ino) == 5)
			r->fds[r->n++] = f;
		else if (strncmp(line, "sigpipe ", 8) == 0)
			sscanf(line + 8, "%15s", r->sigpipe);
		else if (strncmp(line, "end\n", 4) == 0)
			r->complete = true;
		line = strchr(line, '\n');
		line = line != NULL ? line + 1 : NULL;
	}
	ck_assert_msg(r->complete,
		      "the child (`grader --child report`) did not report its "
		      "descriptors: it printed \"%s\". Was it started at all "
		      "(execvp of argv[0]), with its stdout on the pipe?",
		      quoted(text));
}

/** The child's descriptor @p fd, or NULL. */
static const struct child_fd *
report_fd(const struct report *r, int fd)
{
	for (int i = 0; i < r->n; i++)
		if (r->fds[i].fd == fd)
			return &r->fds[i];
	return NULL;
}

static bool
same_pipe(struct pipe_id a, struct pipe_id b)
{
	return a.dev == b.dev && a.ino == b.ino;
}

/** Fail unless the child's descriptor @p fd is the pipe @p id. */
static void
check_child_end(const struct report *r, int fd, struct pipe_id id,
		const char *what)
{
	const struct child_fd *f = report_fd(r, fd);

	ck_assert_msg(f != NULL && f->kind == 'p' && same_pipe(f->id, id),
		      "in the child, fd %d (its %s) is %s, not the pipe the "
		      "parent holds the other end of: in the child, "
		      "dup2(the pipe's %s end, %d) before execvp()",
		      fd, fd == 0 ? "stdin" : "stdout",
		      f == NULL ? "closed" : "another file", what, fd);
}

/** Fail if a descriptor of the child other than 0 and 1 is an end of
 *  the pipe @p id (@p name says which pipe, for the message). */
static void
check_no_stray_end(const struct report *r, struct pipe_id id,
		   const char *name)
{
	/* Write ends first: they are the ones that keep a reader waiting. */
	for (int i = 0; i < 2 * r->n; i++) {
		const struct child_fd *f = &r->fds[i % r->n];
		if (f->fd <= 1 || !same_pipe(f->id, id) ||
		    (i < r->n && f->access != 'w'))
			continue;
		ck_abort_msg("in the child, fd %d is still open: the %s end of "
			     "%s. A command inherits every descriptor that is "
			     "not close-on-exec, and a reader sees EOF only "
			     "when every write end, in every process, is "
			     "closed: after dup2() close the pipe's original "
			     "descriptors, or create the pipe with "
			     "pipe2(fds, O_CLOEXEC) so that exec closes them",
			     f->fd, f->access == 'w' ? "write" : "read", name);
	}
}

/** Fail unless the child started with SIGPIPE at its default action. */
static void
check_child_sigpipe(const struct report *r)
{
	ck_assert_msg(strcmp(r->sigpipe, "default") == 0,
		      "the command started with SIGPIPE %s: the caller ignores "
		      "SIGPIPE, and an ignored signal stays ignored across "
		      "exec. Put it back with signal(SIGPIPE, SIG_DFL) in the "
		      "child before execvp(), or commands that write into a "
		      "closed pipe get EPIPE errors instead of ending quietly",
		      r->sigpipe);
}

static bool open_before[MAX_FD];

/** Remember which fds are open now (before calling the student's code). */
static void
remember_open_fds(void)
{
	for (int fd = 0; fd < MAX_FD; fd++)
		open_before[fd] = fcntl(fd, F_GETFD) != -1;
}

/* ------------------------------------------------ step 1: popen-like */

/** Start @p argv with stdio_popen(); fail with a message unless it works. */
static void
popen_ok(char *const argv[], const char *type, struct stdio_child *c)
{
	int rc;

	memset(c, 0xff, sizeof(*c)); /* -1 everywhere: nothing set yet */
	rc = GRADE_CALL(stdio_popen(argv, type, c));
	GRADE_IMPLEMENTED(rc, "stdio_popen", 1);
	ck_assert_msg(rc == 0, "stdio_popen(%s, \"%s\") failed: %s", argv[0],
		      type, ipc_errno_name(errno));
	ck_assert_msg(c->pid > 0, "stdio_popen() set child->pid to %ld: store "
				  "the pid fork() returned",
		      (long)c->pid);
	if (strcmp(type, "r") == 0)
		ck_assert_msg(c->from_child >= 0 && c->to_child == -1,
			      "stdio_popen(\"r\") set from_child = %d and "
			      "to_child = %d: the parent's read end goes in "
			      "from_child, and to_child is -1",
			      c->from_child, c->to_child);
	else
		ck_assert_msg(c->to_child >= 0 && c->from_child == -1,
			      "stdio_popen(\"w\") set to_child = %d and "
			      "from_child = %d: the parent's write end goes in "
			      "to_child, and from_child is -1",
			      c->to_child, c->from_child);
	ck_assert_msg(c->buffered == 0,
		      "stdio_popen() left child->buffered at %zu (the struct "
		      "held garbage before the call): set it to 0, or "
		      "stdio_read_line() hands out bytes the child never wrote",
		      c->buffered);
}

/** stdio_pclose() @p c; fail unless it returned a status and emptied it. */
static int
pclose_ok(struct stdio_child *c)
{
	int status = GRADE_CALL(stdio_pclose(c));

	GRADE_IMPLEMENTED(status, "stdio_pclose", 1);
	ck_assert_msg(status != -1, "stdio_pclose() failed: %s",
		      ipc_errno_name(errno));
	ck_assert_msg(c->pid == -1 && c->to_child == -1 && c->from_child == -1,
		      "after stdio_pclose() the struct still says pid %ld, "
		      "to_child %d, from_child %d: set them to -1, the child "
		      "and the descriptors are gone",
		      (long)c->pid, c->to_child, c->from_child);
	ck_assert_msg(c->buffered == 0,
		      "after stdio_pclose() child->buffered is still %zu: set "
		      "it to 0, those bytes came from a child that is gone",
		      c->buffered);
	return status;
}

START_TEST(test_popen_reads_output)
{
	char *argv[] = { "seq", "1", "100000", NULL };
	char *want = grade_pattern(700000, 0), *got;
	size_t want_len = 0;
	struct stdio_child c;
	ssize_t n;
	int status;

	for (int i = 1; i <= 100000; i++)
		want_len += (size_t)sprintf(want + want_len, "%d\n", i);
	popen_ok(argv, "r", &c);
	got = read_all(c.from_child, &n);
	status = pclose_ok(&c);
	ck_assert_msg(n == (ssize_t)want_len &&
			      grade_first_mismatch(want, got, want_len) == want_len,
		      "`seq 1 100000` prints %zu bytes; through your pipe came "
		      "%zd, differing from offset %zu on",
		      want_len, n,
		      grade_first_mismatch(want, got,
					   (size_t)n < want_len ? (size_t)n
								: want_len));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "stdio_pclose() returned %d (%s) for `seq 1 100000`, "
		      "which exits with 0",
		      status, describe(status));
	free(want);
	free(got);
}
END_TEST

START_TEST(test_popen_feeds_input)
{
	char path[PATH_MAX];
	char *data = grade_pattern(100000, 3), *back = NULL;
	struct stdio_child c;
	ssize_t n;
	int status, fd;

	signal(SIGPIPE, SIG_IGN); /* as programs that run children do */
	snprintf(path, sizeof(path), "%s", grade_path("fed.out"));
	popen_ok(child_argv("save", path), "w", &c);
	ck_assert_msg(ipc_write_all(c.to_child, data, 100000) == 100000,
		      "writing to the child's stdin failed (%s): is to_child "
		      "the pipe's write end, and the pipe's read end the "
		      "child's stdin?",
		      ipc_errno_name(errno));
	status = pclose_ok(&c);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the child (`grader --child save`) %s: it copies its "
		      "stdin to a file until EOF",
		      describe(status));
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd != -1, "the child wrote no file: %s", strerror(errno));
	n = ipc_read_to_end(fd, &back, 1u << 20);
	close(fd);
	ck_assert_msg(n == 100000 && grade_first_mismatch(data, back, 100000) ==
					     100000,
		      "the child received %zd of the 100000 bytes written into "
		      "the pipe, or different ones",
		      n);
	free(back);
	free(data);
}
END_TEST

/** Run @p argv with stdio_popen("r"), drain it, return pclose's status. */
static int
popen_status(char *const argv[])
{
	struct stdio_child c;
	ssize_t n;

	popen_ok(argv, "r", &c);
	free(read_all(c.from_child, &n));
	return pclose_ok(&c);
}

START_TEST(test_popen_exit_status)
{
	char *exit3[] = { "sh", "-c", "exit 3", NULL };
	char *killed[] = { "sh", "-c", "kill -USR1 $$", NULL };
	char *missing[] = { "ipclab-no-such-command", NULL };
	struct stdio_child c;
	int status = popen_status(exit3), rc;

	ck_assert_msg(status != 3,
		      "stdio_pclose() returned 3 for `sh -c 'exit 3'`: that is "
		      "the exit code, but pclose() returns the whole wait "
		      "status as waitpid() gives it, so the caller can tell an "
		      "exit code from a signal (WIFEXITED, WEXITSTATUS)");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 3,
		      "`sh -c 'exit 3'` exits with 3, but stdio_pclose()'s "
		      "status %d says it %s",
		      status, describe(status));
	status = popen_status(killed);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1,
		      "`sh -c 'kill -USR1 $$'` is killed by SIGUSR1, but "
		      "stdio_pclose()'s status %d says it %s: return the wait "
		      "status unchanged",
		      status, describe(status));

	memset(&c, 0xff, sizeof(c));
	rc = GRADE_CALL(stdio_popen(missing, "r", &c));
	if (rc == -1 && (errno == ENOENT || errno == EACCES))
		return; /* it learned that exec failed, like posix_spawnp() */
	ck_assert_msg(rc == 0, "stdio_popen() of a missing command failed "
			       "with %s",
		      ipc_errno_name(errno));
	free(read_all(c.from_child, &(ssize_t){ 0 }));
	status = pclose_ok(&c);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 127,
		      "a command that does not exist gave a child that %s: "
		      "when execvp() fails the child must _exit(127), like a "
		      "shell",
		      describe(status));
}
END_TEST

START_TEST(test_popen_rejects_bad_type)
{
	char *argv[] = { "true", NULL };
	const char *bad[] = { "rw", "x", "", "w+" };
	struct stdio_child c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;
		errno = 0;
		rc = GRADE_CALL(stdio_popen(argv, bad[i], &c));
		GRADE_IMPLEMENTED(rc, "stdio_popen", 1);
		ck_assert_msg(rc == -1 && errno == EINVAL,
			      "stdio_popen(argv, \"%s\") returned %d (%s): a "
			      "pipe goes one way only, so the type is \"r\" or "
			      "\"w\"; fail with EINVAL before creating anything",
			      bad[i], rc, ipc_errno_name(errno));
	}
}
END_TEST

START_TEST(test_popen_child_fds)
{
	char path[PATH_MAX];
	struct stdio_child c;
	struct pipe_id id;
	struct report r;
	char *text;
	ssize_t n;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	snprintf(path, sizeof(path), "%s", grade_path("report.txt"));
	popen_ok(child_argv("report", NULL), "r", &c);
	id = pipe_id(c.from_child);
	text = read_all(c.from_child, &n);
	pclose_ok(&c);
	parse_report(text, &r);
	free(text);
	check_child_end(&r, STDOUT_FILENO, id, "write");
	check_no_stray_end(&r, id, "the pipe to the parent");
	check_child_sigpipe(&r);

	popen_ok(child_argv("report", path), "w", &c);
	id = pipe_id(c.to_child);
	pclose_ok(&c);
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd != -1, "the \"w\" child wrote no report: was it run?");
	n = ipc_read_to_end(fd, &text, 1u << 20);
	close(fd);
	ck_assert_int_ge(n, 0);
	parse_report(text, &r);
	free(text);
	check_child_end(&r, STDIN_FILENO, id, "read");
	check_no_stray_end(&r, id, "the pipe from the parent");
}
END_TEST

START_TEST(test_popen_two_at_once)
{
	char path[PATH_MAX];
	char *data = grade_pattern(5000, 4), *text, *back = NULL;
	struct stdio_child first, second;
	struct pipe_id id;
	struct report r;
	ssize_t n;
	int fd, status;

	signal(SIGPIPE, SIG_IGN);
	snprintf(path, sizeof(path), "%s", grade_path("first.out"));
	popen_ok(child_argv("save", path), "w", &first);
	id = pipe_id(first.to_child);
	popen_ok(child_argv("report", NULL), "r", &second);
	text = read_all(second.from_child, &n);
	parse_report(text, &r);
	free(text);
	for (int i = 0; i < r.n; i++)
		ck_assert_msg(!same_pipe(r.fds[i].id, id),
			      "the second command holds fd %d, the %s end of "
			      "the first command's stdin pipe: a command "
			      "inherits every descriptor of its parent that is "
			      "not close-on-exec, so the first command would not "
			      "see EOF while the second runs. Create the pipe "
			      "with pipe2(fds, O_CLOEXEC)",
			      r.fds[i].fd, r.fds[i].access == 'w' ? "write" : "read");
	ck_assert_int_eq(ipc_write_all(first.to_child, data, 5000), 5000);
	status = pclose_ok(&first);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the first command %s", describe(status));
	pclose_ok(&second);
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd != -1, "the first command wrote no file");
	n = ipc_read_to_end(fd, &back, 1u << 20);
	close(fd);
	ck_assert_msg(n == 5000 && memcmp(back, data, 5000) == 0,
		      "the first command received %zd of 5000 bytes", n);
	free(back);
	free(data);
}
END_TEST

/** A call a test makes fail, and its errno. */
struct failing_call {
	const char *function;
	int err;
};

START_TEST(test_popen_cleans_up_when_calls_fail)
{
	static const struct failing_call cases[] = {
		{ "pipe2", EMFILE }, /* too many open files */
		{ "pipe", EMFILE },
		{ "fork", EAGAIN },  /* too many processes */
	};
	char *argv[] = { "true", NULL }, *empty[] = { NULL };
	struct stdio_child c;
	int rc;

	for (size_t i = 0; i < GRADE_COUNT(cases); i++) {
		memset(&c, 0xff, sizeof(c));
		grade_fail_nth(cases[i].function, 1, cases[i].err);
		rc = GRADE_CALL(stdio_popen(argv, "r", &c));
		if (grade_expect_clean_failure(rc, cases[i].err, "stdio_popen()"))
			continue; /* -1, errno kept, nothing left open */
		GRADE_IMPLEMENTED(rc, "stdio_popen", 1);
		ck_assert_msg(rc == 0, "stdio_popen(true) failed: %s",
			      ipc_errno_name(errno));
		pclose_ok(&c); /* it never called that function */
	}
	errno = 0;
	rc = GRADE_CALL(stdio_popen(empty, "r", &c));
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "stdio_popen() of an empty argv ({ NULL }) returned %d "
		      "(%s), not -1 with EINVAL: there is no command to run",
		      rc, ipc_errno_name(errno));
}
END_TEST

START_TEST(test_pclose_survives_interrupted_waitpid)
{
	char *argv[] = { "sh", "-c", "exit 5", NULL };
	struct stdio_child c;
	bool interrupted;
	int status, err;
	ssize_t n;

	popen_ok(argv, "r", &c);
	free(read_all(c.from_child, &n)); /* EOF: the child is ending */
	/* A signal handler runs while the parent waits: waitpid() fails with
	 * EINTR and reaps nothing. */
	grade_fail_nth("waitpid", 1, EINTR);
	status = GRADE_CALL(stdio_pclose(&c));
	err = errno;
	interrupted = grade_fail_calls("waitpid") >= 1;
	grade_fail_clear();
	GRADE_IMPLEMENTED(status, "stdio_pclose", 1);
	ck_assert_msg(status != -1,
		      "%s, and stdio_pclose() returned -1 (%s): an interrupted "
		      "waitpid() reaped nothing, the child is still there. Call "
		      "it again when it fails with EINTR (only then)",
		      interrupted ? "the 1st waitpid() call failed with EINTR "
				    "(a signal handler ran)"
				  : "no call failed",
		      ipc_errno_name(err));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 5,
		      "`sh -c 'exit 5'` exits with 5, but stdio_pclose()'s "
		      "status %d says it %s",
		      status, describe(status));
	ck_assert_msg(c.pid == -1 && c.to_child == -1 && c.from_child == -1,
		      "after stdio_pclose() the struct still says pid %ld, "
		      "to_child %d, from_child %d: set them to -1",
		      (long)c.pid, c.to_child, c.from_child);
	/* Now there is no child: nobody to wait for. */
	errno = 0;
	status = GRADE_CALL(stdio_pclose(&c));
	ck_assert_msg(status == -1 && errno == EINVAL,
		      "stdio_pclose() of a struct whose child is gone (pid -1) "
		      "returned %d (%s), not -1 with EINVAL: there is no child "
		      "to wait for (and waitpid(-1, ...) would reap any child "
		      "of the caller)",
		      status, ipc_errno_name(errno));
}
END_TEST

/* --------------------------------------------------- step 2: coprocess */

/** Start @p argv with stdio_coproc_start(); fail unless it works. */
static void
coproc_ok(char *const argv[], struct stdio_child *c)
{
	int rc;

	memset(c, 0xff, sizeof(*c));
	rc = GRADE_CALL(stdio_coproc_start(argv, c));
	GRADE_IMPLEMENTED(rc, "stdio_coproc_start", 2);
	ck_assert_msg(rc == 0, "stdio_coproc_start(%s) failed: %s", argv[0],
		      ipc_errno_name(errno));
	ck_assert_msg(c->pid > 0 && c->to_child >= 0 && c->from_child >= 0,
		      "stdio_coproc_start() set pid %ld, to_child %d, "
		      "from_child %d: fill in all three",
		      (long)c->pid, c->to_child, c->from_child);
	ck_assert_msg(c->buffered == 0, "stdio_coproc_start() left "
					"child->buffered at %zu: set it to 0",
		      c->buffered);
}

START_TEST(test_coproc_round_trip)
{
	char *argv[] = { "cat", NULL };
	struct stdio_child c;
	char line[64];
	ssize_t n;
	int status;

	signal(SIGPIPE, SIG_IGN);
	coproc_ok(argv, &c);
	ck_assert_int_eq(ipc_write_all(c.to_child, "hello, coprocess\n", 17), 17);
	n = read_line_raw(c.from_child, line, sizeof(line));
	ck_assert_msg(n == 17 && strcmp(line, "hello, coprocess\n") == 0,
		      "wrote \"hello, coprocess\\n\" to cat's stdin and read "
		      "\"%s\" from its stdout: to_child must lead to the "
		      "child's fd 0 and fd 1 to from_child",
		      quoted(line));
	close(c.to_child); /* EOF for cat: it ends, and so does its output */
	n = read(c.from_child, line, sizeof(line));
	ck_assert_msg(n == 0, "after EOF on its stdin cat sent %zd more bytes", n);
	close(c.from_child);
	status = 0;
	ck_assert_msg(ipc_waitpid_timeout(c.pid, &status, JOIN_MS) == c.pid,
		      "cat did not end after EOF");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "cat %s", describe(status));
}
END_TEST

START_TEST(test_coproc_eof_reaches_child)
{
	char *argv[] = { "sort", NULL };
	struct stdio_child c;
	char *text;
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	coproc_ok(argv, &c);
	ck_assert_int_eq(ipc_write_all(c.to_child, "pear\nfig\napple\n", 15), 15);
	close(c.to_child); /* sort prints only once its input has ended */
	text = read_all(c.from_child, &n);
	close(c.from_child);
	ck_assert_msg(n == 15 && memcmp(text, "apple\nfig\npear\n", 15) == 0,
		      "sort printed \"%s\" for \"pear\\nfig\\napple\\n\"",
		      quoted(text));
	free(text);
	ck_assert_int_eq(ipc_waitpid_timeout(c.pid, NULL, JOIN_MS), c.pid);
}
END_TEST

START_TEST(test_coproc_child_fds)
{
	struct stdio_child c;
	struct pipe_id in, out;
	struct report r;
	char *text;
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	coproc_ok(child_argv("report", NULL), &c);
	in = pipe_id(c.to_child);
	out = pipe_id(c.from_child);
	text = read_all(c.from_child, &n);
	finish_child(&c);
	parse_report(text, &r);
	free(text);
	check_child_end(&r, STDIN_FILENO, in, "read");
	check_child_end(&r, STDOUT_FILENO, out, "write");
	check_no_stray_end(&r, in, "its own stdin pipe");
	check_no_stray_end(&r, out, "its own stdout pipe");
	check_child_sigpipe(&r);
}
END_TEST

START_TEST(test_coproc_parent_closes_child_ends)
{
	char *argv[] = { "true", NULL };
	struct stdio_child c;
	struct pipe_id in, out;
	struct pollfd pfd;
	char byte;

	signal(SIGPIPE, SIG_IGN);
	remember_open_fds();
	coproc_ok(argv, &c);
	in = pipe_id(c.to_child);
	out = pipe_id(c.from_child);
	for (int fd = 0; fd < MAX_FD; fd++) {
		if (open_before[fd] || fd == c.to_child || fd == c.from_child ||
		    fcntl(fd, F_GETFD) == -1)
			continue;
		ck_assert_msg(!same_pipe(pipe_id(fd), in),
			      "the parent still holds fd %d, the read end of the "
			      "child's stdin pipe: close it after fork(). While "
			      "you hold it, writing to a child that has exited "
			      "never fails with EPIPE",
			      fd);
		ck_assert_msg(!same_pipe(pipe_id(fd), out),
			      "the parent still holds fd %d, the write end of "
			      "the child's stdout pipe: close it after fork(). "
			      "While you hold it, you never read EOF from the "
			      "child",
			      fd);
		ck_abort_msg("stdio_coproc_start() left fd %d open besides "
			     "to_child and from_child",
			     fd);
	}
	wait_exited(c.pid); /* `true` has ended (it is not reaped yet) */
	ck_assert_msg(write(c.to_child, "x", 1) == -1 && errno == EPIPE,
		      "writing to a child that has exited did not fail with "
		      "EPIPE: someone still holds the read end of its stdin "
		      "pipe");
	pfd = (struct pollfd){ .fd = c.from_child, .events = POLLIN };
	ck_assert_msg(poll(&pfd, 1, 0) == 1 && read(c.from_child, &byte, 1) == 0,
		      "no EOF from a child that has exited: someone still "
		      "holds the write end of its stdout pipe");
	finish_child(&c);
}
END_TEST

START_TEST(test_coproc_two_at_once)
{
	char *cat[] = { "cat", NULL };
	struct stdio_child first, second;
	struct pipe_id in, out;
	struct report r;
	char *text;
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	coproc_ok(cat, &first);
	in = pipe_id(first.to_child);
	out = pipe_id(first.from_child);
	coproc_ok(child_argv("report", NULL), &second);
	text = read_all(second.from_child, &n);
	finish_child(&second);
	parse_report(text, &r);
	free(text);
	for (int i = 0; i < r.n; i++)
		ck_assert_msg(!same_pipe(r.fds[i].id, in) &&
				      !same_pipe(r.fds[i].id, out),
			      "the second coprocess holds fd %d, the %s end of "
			      "the first one's %s pipe: a command inherits every "
			      "descriptor that is not close-on-exec, and to the "
			      "second fork() the first coprocess's ends are just "
			      "descriptors of the parent. Create every pipe with "
			      "pipe2(fds, O_CLOEXEC)",
			      r.fds[i].fd, r.fds[i].access == 'w' ? "write" : "read",
			      same_pipe(r.fds[i].id, in) ? "stdin" : "stdout");
	ck_assert_int_eq(ipc_write_all(first.to_child, "still here\n", 11), 11);
	close(first.to_child);
	first.to_child = -1;
	text = read_all(first.from_child, &n);
	ck_assert_msg(n == 11 && memcmp(text, "still here\n", 11) == 0,
		      "the first coprocess (cat) answered \"%s\"", quoted(text));
	free(text);
	finish_child(&first);
}
END_TEST

START_TEST(test_coproc_command_not_found)
{
	char *argv[] = { "ipclab-no-such-command", NULL };
	struct stdio_child c;
	int status, rc;

	memset(&c, 0xff, sizeof(c));
	rc = GRADE_CALL(stdio_coproc_start(argv, &c));
	GRADE_IMPLEMENTED(rc, "stdio_coproc_start", 2);
	if (rc == -1 && (errno == ENOENT || errno == EACCES))
		return; /* it learned that exec failed, like posix_spawnp():
			 * execvp() says EACCES when a PATH entry was denied */
	ck_assert_msg(rc == 0, "stdio_coproc_start() failed with %s",
		      ipc_errno_name(errno));
	status = finish_child(&c);
	/* A child that returned instead of _exit() has signed in by now. */
	grade_after_call("stdio_coproc_start(argv, &c)");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 127,
		      "a command that does not exist gave a child that %s: "
		      "when execvp() fails the child must _exit(127), like a "
		      "shell (never return: it would run the caller's code "
		      "twice)",
		      describe(status));
}
END_TEST

START_TEST(test_coproc_cleans_up_when_calls_fail)
{
	static const struct failing_call cases[] = {
		{ "pipe2", EMFILE }, /* too many open files */
		{ "pipe", EMFILE },
		{ "fork", EAGAIN },  /* too many processes */
	};
	char *argv[] = { "true", NULL }, *empty[] = { NULL };
	struct stdio_child c;
	int rc;

	for (size_t i = 0; i < GRADE_COUNT(cases); i++) {
		/* The 1st call, then the 2nd (the second pipe), ... */
		for (unsigned k = 1; k <= 3; k++) {
			memset(&c, 0xff, sizeof(c));
			grade_fail_nth(cases[i].function, k, cases[i].err);
			rc = GRADE_CALL(stdio_coproc_start(argv, &c));
			if (grade_expect_clean_failure(rc, cases[i].err,
						       "stdio_coproc_start()"))
				continue; /* -1, errno kept, nothing open */
			GRADE_IMPLEMENTED(rc, "stdio_coproc_start", 2);
			ck_assert_msg(rc == 0,
				      "stdio_coproc_start(true) failed: %s",
				      ipc_errno_name(errno));
			finish_child(&c);
			break; /* fewer than k such calls */
		}
	}
	errno = 0;
	rc = GRADE_CALL(stdio_coproc_start(empty, &c));
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "stdio_coproc_start() of an empty argv ({ NULL }) "
		      "returned %d (%s), not -1 with EINVAL: there is no command "
		      "to run",
		      rc, ipc_errno_name(errno));
	errno = 0;
	rc = GRADE_CALL(stdio_coproc_start(NULL, &c));
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "stdio_coproc_start(NULL, ...) returned %d (%s), not -1 "
		      "with EINVAL",
		      rc, ipc_errno_name(errno));
}
END_TEST

/* ------------------------------------------------------ step 3: lines */

/** stdio_read_line() into @p line; fail on -1 with a message. */
static ssize_t
read_line_ok(struct stdio_child *c, char *line, size_t size)
{
	ssize_t n = stdio_read_line(c, line, size);

	GRADE_IMPLEMENTED(n, "stdio_read_line", 3);
	ck_assert_msg(n != -1, "stdio_read_line() failed with %s%s",
		      ipc_errno_name(errno),
		      errno == EINTR ? ": a read() interrupted by a signal "
				       "moved nothing; retry it"
				     : "");
	return n;
}

START_TEST(test_read_line_one_at_a_time)
{
	static const char *const want[] = { "one\n", "two\n", "three" };
	struct stdio_child c;
	char line[100];

	start_child(child_argv("lines", NULL), &c);
	for (size_t i = 0; i < 3; i++) {
		ssize_t n = read_line_ok(&c, line, sizeof(line));
		ck_assert_msg(n == (ssize_t)strlen(line),
			      "stdio_read_line() returned %zd but stored \"%s\"",
			      n, quoted(line));
		ck_assert_msg(strcmp(line, want[i]) == 0,
			      "call %zu of stdio_read_line() gave \"%s\", not "
			      "\"%s\". The child wrote \"one\\ntwo\\nthree\" "
			      "with one write(), so one read() may bring all "
			      "three lines: return up to the first newline, and "
			      "keep the rest in child->buf for the next calls "
			      "(those bytes are no longer in the pipe)",
			      i + 1, quoted(line), quoted(want[i]));
	}
	ck_assert_msg(read_line_ok(&c, line, sizeof(line)) == 0,
		      "after the last line the child ended: stdio_read_line() "
		      "must return 0 (EOF), not \"%s\"",
		      quoted(line));
	ck_assert_msg(read_line_ok(&c, line, sizeof(line)) == 0,
		      "stdio_read_line() after EOF must return 0 again");
	finish_child(&c);
}
END_TEST

START_TEST(test_read_line_assembles_pieces)
{
	enum { LEN = 10000 };
	char *want = malloc(LEN + 1), *line = malloc(2 * LEN);
	struct stdio_child c;
	ssize_t n;

	fill_line(want, LEN);
	want[LEN] = '\n';
	start_child(child_argv("long-line", "10000"), &c);
	grade_inject_short_io(true);
	n = read_line_ok(&c, line, 2 * LEN);
	grade_inject_short_io(false);
	ck_assert_msg(n == LEN + 1 && line[LEN] == '\n',
		      "a line of %d bytes and its newline came back as %zd "
		      "bytes%s: a line arrives in pieces (here read() returned "
		      "at most 4093 bytes, and every third call failed with "
		      "EINTR): keep reading until the newline",
		      LEN, n, n > 0 && line[n - 1] == '\n' ? "" : " without the newline");
	ck_assert_msg(grade_first_mismatch(want, line, LEN + 1) == LEN + 1,
		      "the line differs from what the child wrote at offset %zu",
		      grade_first_mismatch(want, line, LEN + 1));
	n = read_line_ok(&c, line, 2 * LEN);
	ck_assert_msg(n == 4 && strcmp(line, "end\n") == 0,
		      "the line after the long one is \"end\\n\", not \"%s\"",
		      quoted(line));
	finish_child(&c);
	free(want);
	free(line);
}
END_TEST

START_TEST(test_read_line_never_overflows)
{
	enum { LEN = 1000, ROOM = 100 };
	char want[LEN + 1], got[LEN + 1], area[ROOM + 64];
	size_t total = 0;
	struct stdio_child c;

	fill_line(want, LEN);
	want[LEN] = '\n';
	start_child(child_argv("long-line", "1000"), &c);
	while (total < LEN + 1) {
		ssize_t n;
		memset(area, '#', sizeof(area));
		n = read_line_ok(&c, area, ROOM);
		for (size_t i = ROOM; i < sizeof(area); i++)
			ck_assert_msg(area[i] == '#',
				      "stdio_read_line(child, line, %d) wrote "
				      "past the %d bytes it was given (at "
				      "offset %zu): store at most size - 1 "
				      "bytes and the NUL",
				      ROOM, ROOM, i);
		ck_assert_msg(n > 0 && n < ROOM && area[n] == '\0',
			      "stdio_read_line() with room for %d bytes "
			      "returned %zd: a longer line comes back in pieces "
			      "of at most size - 1 bytes, each NUL-terminated",
			      ROOM, n);
		ck_assert_msg(total + (size_t)n <= LEN + 1,
			      "more bytes came back than the line holds");
		memcpy(got + total, area, (size_t)n);
		total += (size_t)n;
		if (area[n - 1] == '\n')
			break;
	}
	ck_assert_msg(total == LEN + 1 &&
			      grade_first_mismatch(want, got, LEN + 1) == LEN + 1,
		      "the pieces of a %d-byte line add up to %zu bytes, "
		      "differing at offset %zu",
		      LEN + 1, total, grade_first_mismatch(want, got, total));
	finish_child(&c);
}
END_TEST

/** stdio_request() @p request; fail on -1 with a message. */
static ssize_t
request_ok(struct stdio_child *c, const char *request, char *reply,
	   size_t size)
{
	ssize_t n = stdio_request(c, request, reply, size);

	GRADE_IMPLEMENTED(n, "stdio_request", 3);
	ck_assert_msg(n != -1, "stdio_request(\"%s\") failed with %s%s",
		      quoted(request), ipc_errno_name(errno),
		      errno == EINTR ? ": retry a read() or write() that a "
				       "signal interrupted"
				     : "");
	return n;
}

START_TEST(test_request_round_trip)
{
	char *argv[] = { "cat", NULL };
	struct stdio_child c;
	char reply[200];
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	start_child(argv, &c);
	n = request_ok(&c, "hello, coprocess", reply, sizeof(reply));
	ck_assert_msg(n == 17 && strcmp(reply, "hello, coprocess\n") == 0,
		      "cat echoes each request line; stdio_request(\"hello, "
		      "coprocess\") returned %zd and \"%s\": write the request "
		      "and a newline, then read one line back",
		      n, quoted(reply));
	errno = 0;
	n = stdio_request(&c, "two\nlines", reply, sizeof(reply));
	ck_assert_msg(n == -1 && errno == EINVAL,
		      "stdio_request(\"two\\nlines\") returned %zd (%s): a "
		      "newline inside a request would make it two requests; "
		      "refuse it with EINVAL and send nothing",
		      n, ipc_errno_name(errno));
	n = request_ok(&c, "again", reply, sizeof(reply));
	ck_assert_msg(strcmp(reply, "again\n") == 0,
		      "the request after a refused one got \"%s\", not "
		      "\"again\\n\": did part of the refused one go out?",
		      quoted(reply));
	finish_child(&c);
}
END_TEST

START_TEST(test_request_short_io)
{
	enum { LEN = 10000 };
	char *argv[] = { "cat", NULL };
	char *request = malloc(LEN + 1), *reply = malloc(2 * LEN);
	struct stdio_child c;
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	fill_line(request, LEN);
	request[LEN] = '\0';
	start_child(argv, &c);
	grade_inject_short_io(true);
	n = request_ok(&c, request, reply, 2 * LEN);
	grade_inject_short_io(false);
	ck_assert_msg(n == LEN + 1 && memcmp(reply, request, LEN) == 0 &&
			      reply[LEN] == '\n',
		      "a request of %d bytes through cat came back as %zd "
		      "bytes (differing at offset %zu): write() may take part "
		      "of the buffer (a short write) or fail with EINTR, and "
		      "read() may return part of a line; loop until all of it "
		      "moved",
		      LEN, n, grade_first_mismatch(request, reply, LEN));
	n = request_ok(&c, "ok", reply, 2 * LEN);
	ck_assert_msg(strcmp(reply, "ok\n") == 0,
		      "the next request got \"%s\", not \"ok\\n\"", quoted(reply));
	finish_child(&c);
	free(request);
	free(reply);
}
END_TEST

START_TEST(test_request_line_buffered_tool)
{
	char *argv[] = { "stdbuf", "-oL", "tr", "a-z", "A-Z", NULL };
	struct stdio_child c;
	char reply[64];

	signal(SIGPIPE, SIG_IGN);
	start_child(argv, &c);
	request_ok(&c, "hello", reply, sizeof(reply));
	ck_assert_msg(strcmp(reply, "HELLO\n") == 0,
		      "`stdbuf -oL tr a-z A-Z` answered \"%s\" to \"hello\"",
		      quoted(reply));
	request_ok(&c, "stdio", reply, sizeof(reply));
	ck_assert_msg(strcmp(reply, "STDIO\n") == 0,
		      "`stdbuf -oL tr a-z A-Z` answered \"%s\" to \"stdio\"",
		      quoted(reply));
	finish_child(&c);
}
END_TEST

START_TEST(test_request_child_gone)
{
	struct stdio_child c;
	char reply[64];
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	start_child(child_argv("answer-once", NULL), &c);
	request_ok(&c, "hello", reply, sizeof(reply));
	ck_assert_msg(strcmp(reply, "bye\n") == 0,
		      "the child answers \"bye\"; got \"%s\"", quoted(reply));
	wait_exited(c.pid); /* it has exited now (not reaped yet) */
	errno = 0;
	n = stdio_request(&c, "anyone there?", reply, sizeof(reply));
	ck_assert_msg(n == -1 && errno == EPIPE,
		      "a request to a child that has exited returned %zd "
		      "(%s): the write fails with EPIPE (SIGPIPE is ignored "
		      "here); return -1 and leave errno as write() set it",
		      n, ipc_errno_name(errno));
	finish_child(&c);
}
END_TEST

START_TEST(test_read_line_reports_errors)
{
	struct stdio_child c;
	char line[100];
	ssize_t n;

	start_child(child_argv("lines", NULL), &c);
	for (size_t size = 0; size < 2; size++) {
		errno = 0;
		n = stdio_read_line(&c, line, size);
		GRADE_IMPLEMENTED(n, "stdio_read_line", 3);
		ck_assert_msg(n == -1 && errno == EINVAL,
			      "stdio_read_line(child, line, %zu) returned %zd "
			      "(%s), not -1 with EINVAL: a line needs room for "
			      "at least one byte and the NUL",
			      size, n, ipc_errno_name(errno));
	}
	/* The read() fails (not EINTR): that is the caller's to know, and
	 * nothing was taken from the pipe. */
	grade_fail_nth("read", 1, EIO);
	n = stdio_read_line(&c, line, sizeof(line));
	if (!grade_expect_clean_failure(n, EIO, "stdio_read_line()"))
		ck_assert_msg(n == 4, "stdio_read_line() returned %zd (%s)", n,
			      ipc_errno_name(errno));
	else
		ck_assert_msg(read_line_ok(&c, line, sizeof(line)) == 4 &&
				      strcmp(line, "one\n") == 0,
			      "after a read() that failed, the next "
			      "stdio_read_line() gave \"%s\", not \"one\\n\": a "
			      "failed read() brought nothing, keep child->buf "
			      "as it was",
			      quoted(line));
	finish_child(&c);
}
END_TEST

START_TEST(test_read_line_from_popen_child)
{
	char *argv[] = { "seq", "1", "5", NULL };
	struct stdio_child c;
	char line[16];

	/* popen_ok() fills the struct with garbage first: stdio_popen() must
	 * set buffered, or the lines come from the garbage. */
	popen_ok(argv, "r", &c);
	for (int i = 1; i <= 2; i++) {
		char want[8];
		ssize_t n = read_line_ok(&c, line, sizeof(line));
		snprintf(want, sizeof(want), "%d\n", i);
		ck_assert_msg(n == (ssize_t)strlen(want) && strcmp(line, want) == 0,
			      "line %d of `seq 1 5` read with stdio_read_line() "
			      "from a stdio_popen(\"r\") child is \"%s\", not "
			      "\"%s\"",
			      i, quoted(line), quoted(want));
	}
	pclose_ok(&c); /* child->buf held "3\n4\n5\n": it must be emptied */
}
END_TEST

START_TEST(test_request_reports_write_errors)
{
	enum { LEN = 10000 };
	char *argv[] = { "cat", NULL };
	char *request = malloc(LEN + 1), *reply = malloc(2 * LEN);
	struct stdio_child c;
	ssize_t n;

	ck_assert(request != NULL && reply != NULL);
	signal(SIGPIPE, SIG_IGN);
	fill_line(request, LEN);
	request[LEN] = '\0';
	start_child(argv, &c);
	/* The first write() is short (4093 bytes), the second fails. */
	grade_inject_short_io(true);
	grade_fail_nth("write", 2, EIO);
	n = stdio_request(&c, request, reply, 2 * LEN);
	grade_inject_short_io(false);
	if (!grade_expect_clean_failure(n, EIO, "stdio_request()")) {
		GRADE_IMPLEMENTED(n, "stdio_request", 3);
		ck_abort_msg("stdio_request() of %d bytes made fewer than 2 "
			     "write() calls, with each write() taking at most "
			     "4093 bytes: does it write the whole request?",
			     LEN);
	}
	finish_child(&c);
	free(request);
	free(reply);
}
END_TEST

/* --------------------------------------- step 3: the child's side */

/** The grader's handler: the request in upper case; "quit" stops; a long
 *  request gets "N bytes". */
static int
upper_handler(const char *request, char *reply, size_t size, void *arg)
{
	size_t len = strlen(request), i;

	(void)arg;
	if (strcmp(request, "quit") == 0)
		return -1;
	if (strcmp(request, "silent") == 0)
		return 0; /* writes no reply: an empty line goes out */
	if (len > 64) {
		snprintf(reply, size, "%zu bytes", len);
		return 0;
	}
	for (i = 0; i < len && i < size - 1; i++)
		reply[i] = (char)toupper((unsigned char)request[i]);
	reply[i] = '\0';
	return 0;
}

/** A stdio_serve() running in a helper process, and the test's ends. */
struct server {
	int requests[2]; /**< the test writes requests into [1] */
	int replies[2];	 /**< and reads replies from [0] */
	bool faults;	 /**< inject short reads in the helper */
	pid_t pid;
	struct serve_result *result; /**< what the helper saw, or NULL */
};

/** What the stdio_serve() helper saw (shared memory, for the test). */
struct serve_result {
	int served;	/**< what stdio_serve() returned */
	int err;	/**< errno after it */
	long heap_grew; /**< heap in use after it (FILEs closed), minus before */
};

/** The helper: stdio_serve() on FILEs over the two pipes. */
static int
serve_helper(void *arg)
{
	struct server *s = arg;
	size_t heap = grade_heap_in_use();
	FILE *in, *out;
	int served, err;

	close(s->requests[1]);
	close(s->replies[0]);
	in = fdopen(s->requests[0], "r");
	out = fdopen(s->replies[1], "w"); /* a pipe: fully buffered */
	if (in == NULL || out == NULL)
		return SERVE_SETUP;
	grade_inject_short_io(s->faults);
	dirty_stack(); /* a reply buffer left unset holds garbage */
	served = stdio_serve(in, out, upper_handler, NULL);
	err = errno;
	grade_inject_short_io(false);
	fclose(in);
	fclose(out);
	if (s->result != NULL)
		*s->result = (struct serve_result){
			served, err, (long)grade_heap_in_use() - (long)heap
		};
	if (served == -1)
		return err == ENOSYS ? SERVE_ENOSYS : SERVE_FAILED;
	return served > 100 ? 100 : served;
}

/** Start a stdio_serve() helper; it reports in @p result (shared
 *  memory) if not NULL. */
static void
start_server_reporting(struct server *s, bool faults,
		       struct serve_result *result)
{
	ck_assert_msg(pipe2(s->requests, O_CLOEXEC) == 0 &&
			      pipe2(s->replies, O_CLOEXEC) == 0,
		      "grader: pipe2: %s", strerror(errno));
	s->faults = faults;
	s->result = result;
	s->pid = grade_spawn(serve_helper, s);
	close(s->requests[0]);
	close(s->replies[1]);
}

static void
start_server(struct server *s, bool faults)
{
	start_server_reporting(s, faults, NULL);
}

/** Shared memory for a helper's report (unmapped when the test ends). */
static void *
shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert_msg(p != MAP_FAILED, "grader: mmap: %s", strerror(errno));
	return p;
}

/** Close the test's ends, collect the helper, and return what
 *  stdio_serve() returned (failing if it failed). */
static int
stop_server(struct server *s)
{
	int status;

	ipc_close_quietly(s->requests[1]);
	ipc_close_quietly(s->replies[0]);
	s->requests[1] = s->replies[0] = -1;
	status = grade_join(s->pid, JOIN_MS);
	if (WIFEXITED(status) && WEXITSTATUS(status) == SERVE_ENOSYS) {
		errno = ENOSYS;
		GRADE_IMPLEMENTED(-1, "stdio_serve", 3);
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) <= 100,
		      "the process running stdio_serve() %s%s",
		      describe(status),
		      WIFEXITED(status) && WEXITSTATUS(status) == SERVE_FAILED
			      ? ": stdio_serve() returned -1"
			      : "");
	return WEXITSTATUS(status);
}

/** Read one reply line; on EOF, report why the server ended. */
static void
expect_reply(struct server *s, const char *request, const char *want)
{
	char line[256];
	ssize_t n = read_line_raw(s->replies[0], line, sizeof(line));

	if (n == 0)
		ck_abort_msg("no reply to \"%s\": stdio_serve() returned "
			     "%d before answering it",
			     request, stop_server(s));
	ck_assert_msg(strcmp(line, want) == 0,
		      "stdio_serve() answered \"%s\" to \"%s\", not \"%s\"%s",
		      quoted(line), request, quoted(want),
		      strcmp(want, "\n") == 0
			      ? ": the handler wrote no reply, so the reply is "
				"empty. Start each reply as an empty string "
				"(reply[0] = '\\0') before calling the handler: "
				"the buffer holds whatever was there before"
			      : "");
}

/** Send one request line in one write(). */
static void
send_request(struct server *s, const char *text)
{
	size_t len = strlen(text);

	ck_assert_msg(ipc_write_all(s->requests[1], text, len) == (ssize_t)len,
		      "grader: writing a request failed (%s): has "
		      "stdio_serve() already returned?",
		      ipc_errno_name(errno));
}

START_TEST(test_serve_answers_each_request_at_once)
{
	static const char *const req[] = { "hello", "stdio", "lsp" };
	static const char *const want[] = { "HELLO\n", "STDIO\n", "LSP\n" };
	struct server s;
	char line[16];
	int served;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, false);
	for (size_t i = 0; i < 3; i++) {
		/* One request, then wait for its reply before the next: the
		 * request/response rhythm of a coprocess. */
		snprintf(line, sizeof(line), "%s\n", req[i]);
		send_request(&s, line);
		expect_reply(&s, req[i], want[i]);
	}
	send_request(&s, "quit\n");
	served = stop_server(&s);
	ck_assert_msg(served == 3,
		      "stdio_serve() answered 3 requests, then the handler "
		      "said stop; it returned %d",
		      served);
}
END_TEST

START_TEST(test_serve_several_requests_in_one_write)
{
	struct server s;
	char line[64];
	int served;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, false);
	/* Three requests in one write, the last without its newline, then
	 * EOF: stdio_serve() answers all three and returns. */
	send_request(&s, "one\ntwo\nthree");
	close(s.requests[1]);
	s.requests[1] = -1;
	expect_reply(&s, "one", "ONE\n");
	expect_reply(&s, "two", "TWO\n");
	expect_reply(&s, "three", "THREE\n");
	ck_assert_msg(read_line_raw(s.replies[0], line, sizeof(line)) == 0,
		      "stdio_serve() sent \"%s\" after the last reply",
		      quoted(line));
	served = stop_server(&s);
	ck_assert_msg(served == 3,
		      "stdio_serve() answered 3 requests before EOF but "
		      "returned %d",
		      served);
}
END_TEST

START_TEST(test_serve_long_request_short_reads)
{
	enum { LEN = 10000 };
	char *request = malloc(LEN + 2);
	struct server s;

	signal(SIGPIPE, SIG_IGN);
	fill_line(request, LEN);
	memcpy(request + LEN, "\n", 2);
	start_server(&s, true);
	send_request(&s, request);
	expect_reply(&s, "(10000 bytes)", "10000 bytes\n");
	send_request(&s, "quit\n");
	ck_assert_int_eq(stop_server(&s), 1);
	free(request);
}
END_TEST

START_TEST(test_serve_stops_when_handler_says)
{
	struct server s;
	char line[64];
	int served;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, false);
	send_request(&s, "a\nsilent\nquit\nb\n");
	expect_reply(&s, "a", "A\n");
	/* The handler wrote no reply for "silent": an empty line. */
	expect_reply(&s, "silent", "\n");
	ck_assert_msg(read_line_raw(s.replies[0], line, sizeof(line)) == 0,
		      "the handler returned -1 for \"quit\", yet stdio_serve() "
		      "went on and sent \"%s\"",
		      quoted(line));
	served = stop_server(&s);
	ck_assert_msg(served == 2, "stdio_serve() answered two requests before "
				   "\"quit\" but returned %d",
		      served);
}
END_TEST

/** Helper: stdio_serve() with a NULL argument, each in turn; 0 if each
 *  failed with EINVAL, else 10 + the number of the call that did not. */
static int
serve_null_arguments(void *arg)
{
	FILE *in = fopen("/dev/null", "re"), *out = fopen("/dev/null", "we");

	(void)arg;
	if (in == NULL || out == NULL)
		return SERVE_SETUP;
	for (int i = 0; i < 3; i++) {
		int rc;
		errno = 0;
		rc = stdio_serve(i == 0 ? NULL : in, i == 1 ? NULL : out,
				 i == 2 ? NULL : upper_handler, NULL);
		if (rc == -1 && errno == ENOSYS)
			return SERVE_ENOSYS;
		if (rc != -1 || errno != EINVAL)
			return 10 + i;
	}
	fclose(in);
	fclose(out);
	return 0;
}

START_TEST(test_serve_rejects_null_arguments)
{
	static const char *const calls[] = {
		"stdio_serve(NULL, out, handler, arg)",
		"stdio_serve(in, NULL, handler, arg)",
		"stdio_serve(in, out, NULL, arg)",
	};
	int status = grade_join(grade_spawn(serve_null_arguments, NULL), JOIN_MS);

	if (WIFEXITED(status) && WEXITSTATUS(status) == SERVE_ENOSYS) {
		errno = ENOSYS;
		GRADE_IMPLEMENTED(-1, "stdio_serve", 3);
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "%s %s: check the arguments first and fail with EINVAL",
		      WIFEXITED(status) && WEXITSTATUS(status) >= 10 &&
				      WEXITSTATUS(status) < 13
			      ? calls[WEXITSTATUS(status) - 10]
			      : "the process calling stdio_serve() with a NULL "
				"argument",
		      WIFEXITED(status) && WEXITSTATUS(status) >= 10 &&
				      WEXITSTATUS(status) < 13
			      ? "did not return -1 with EINVAL"
			      : describe(status));
}
END_TEST

START_TEST(test_serve_survives_signals)
{
	struct server s;
	struct poke p;
	pid_t poker;
	struct serve_result *result = shared(sizeof(*result));
	char line[64];

	signal(SIGPIPE, SIG_IGN);
	/* The handler (no SA_RESTART) is installed before the server starts,
	 * so the server has it: a signal makes its blocked read() fail with
	 * EINTR, and getline() returns -1 with the stream's error set. */
	install_note_signal();
	start_server_reporting(&s, false, result);
	poker = start_poker_for(&p, s.pid, 0);
	finish_poker(poker); /* the handler has run in the server */
	/* (EPIPE if it has returned already: then no reply comes.) */
	if (ipc_write_all(s.requests[1], "after\n", 6) != 6 ||
	    read_line_raw(s.replies[0], line, sizeof(line)) == 0) {
		ipc_close_quietly(s.requests[1]);
		ipc_close_quietly(s.replies[0]);
		grade_join(s.pid, JOIN_MS);
		if (result->served == -1 && result->err == ENOSYS) {
			errno = ENOSYS;
			GRADE_IMPLEMENTED(-1, "stdio_serve", 3);
		}
		ck_abort_msg("a signal handler ran while stdio_serve() waited "
			     "for a request, and it returned %d (%s) instead "
			     "of answering the next one: the interrupted read() "
			     "made getline() fail with EINTR and set the "
			     "stream's error flag. That is not the end of the "
			     "input: if ferror(in) and errno is EINTR, "
			     "clearerr(in) and read again",
			     result->served, ipc_errno_name(result->err));
	}
	ck_assert_msg(strcmp(line, "AFTER\n") == 0,
		      "stdio_serve() answered \"%s\" to \"after\"",
		      quoted(line));
	send_request(&s, "quit\n");
	ck_assert_int_eq(stop_server(&s), 1);
}
END_TEST

START_TEST(test_serve_reports_write_errors)
{
	enum { LEN = 10000 };
	struct serve_result *result = shared(sizeof(*result));
	char *request = malloc(LEN + 2);
	struct server s;
	int status;

	ck_assert(request != NULL);
	signal(SIGPIPE, SIG_IGN); /* the server's write then fails: EPIPE */
	fill_line(request, LEN);
	memcpy(request + LEN, "\n", 2);
	start_server_reporting(&s, false, result);
	close(s.replies[0]); /* nobody reads the replies any more */
	s.replies[0] = -1;
	send_request(&s, request);
	ipc_close_quietly(s.requests[1]);
	s.requests[1] = -1;
	status = grade_join(s.pid, JOIN_MS);
	if (result->served == -1 && result->err == ENOSYS) {
		errno = ENOSYS;
		GRADE_IMPLEMENTED(-1, "stdio_serve", 3);
	}
	ck_assert_msg(WIFEXITED(status), "the process running stdio_serve() %s",
		      describe(status));
	ck_assert_msg(result->served == -1 && result->err == EPIPE,
		      "the reply could not be written (EPIPE: the peer closed "
		      "its end), and stdio_serve() returned %d (%s), not -1 "
		      "with EPIPE: check what fprintf() and fflush() return, "
		      "and stop at the first failure",
		      result->served, ipc_errno_name(result->err));
	ck_assert_msg(result->heap_grew < 4096,
		      "stdio_serve() returned -1 after a write failed, but %ld "
		      "more bytes of heap were in use than before (its FILEs "
		      "closed): free the line getline() allocated on that path "
		      "too",
		      result->heap_grew);
	free(request);
}
END_TEST

/** What the repeated-serve helper found. */
struct serve_loop {
	int served;	/**< what the last stdio_serve() returned */
	int err;	/**< errno after it */
	long heap_grew; /**< heap growth over the measured rounds */
	bool failing;	/**< read a directory: every read() fails */
};

/**
 * Helper: stdio_serve() 25 times on a new stream each time (two requests
 * then EOF, or a directory whose read() fails with EISDIR), measuring the
 * heap over the last 20: a line buffer not freed adds up.
 */
static int
serve_many_times(void *arg)
{
	struct serve_loop *r = arg;
	FILE *out = fopen("/dev/null", "we");
	size_t heap = 0;

	if (out == NULL)
		return SERVE_SETUP;
	for (int round = 0; round < 25; round++) {
		FILE *in;
		int fds[2];
		if (round == 5)
			heap = grade_heap_in_use();
		if (r->failing) {
			int fd = open(grade_tmpdir(), O_RDONLY | O_DIRECTORY);
			in = fd == -1 ? NULL : fdopen(fd, "r");
		} else {
			if (pipe(fds) == -1)
				return SERVE_SETUP;
			if (!put(fds[1], "one\ntwo\n", 8))
				return SERVE_SETUP;
			close(fds[1]);
			in = fdopen(fds[0], "r");
		}
		if (in == NULL)
			return SERVE_SETUP;
		r->served = stdio_serve(in, out, upper_handler, NULL);
		r->err = errno;
		fclose(in);
		if (r->served == -1 && r->err == ENOSYS)
			return SERVE_ENOSYS;
	}
	r->heap_grew = (long)grade_heap_in_use() - (long)heap;
	fclose(out);
	return 0;
}

START_TEST(test_serve_frees_its_line)
{
	struct serve_loop *r = shared(sizeof(*r));

	for (int failing = 0; failing <= 1; failing++) {
		int status;
		memset(r, 0, sizeof(*r));
		r->failing = failing;
		status = grade_join(grade_spawn(serve_many_times, r), JOIN_MS);
		if (WIFEXITED(status) && WEXITSTATUS(status) == SERVE_ENOSYS) {
			errno = ENOSYS;
			GRADE_IMPLEMENTED(-1, "stdio_serve", 3);
		}
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "the process running stdio_serve() %s",
			      describe(status));
		if (failing)
			ck_assert_msg(r->served == -1 && r->err == EISDIR,
				      "reading the requests failed (EISDIR: "
				      "the stream is a directory), and "
				      "stdio_serve() returned %d (%s), not -1 "
				      "with EISDIR: after the loop, ferror(in) "
				      "tells an error from the end of the input",
				      r->served, ipc_errno_name(r->err));
		else
			ck_assert_msg(r->served == 2,
				      "stdio_serve() answered two requests, "
				      "then EOF, and returned %d (%s)",
				      r->served, ipc_errno_name(r->err));
		ck_assert_msg(r->heap_grew < 1024,
			      "after 20 calls of stdio_serve() that %s, %ld "
			      "more bytes of heap were in use: the line "
			      "getline() allocates is yours to free, on every "
			      "path out",
			      failing ? "failed to read" : "reached EOF",
			      r->heap_grew);
	}
}
END_TEST

/* ------------------------------------------- step 4: no deadlock */

/** stdio_communicate() @p len bytes of @p input; fail on -1. */
static char *
communicate_ok(struct stdio_child *c, const void *input, size_t len,
	       ssize_t *n)
{
	char *out = NULL;

	dirty_heap(); /* an output left unterminated would show garbage */
	*n = stdio_communicate(c, input, len, &out);
	GRADE_IMPLEMENTED(*n, "stdio_communicate", 4);
	ck_assert_msg(*n != -1, "stdio_communicate() failed with %s%s",
		      ipc_errno_name(errno),
		      errno == EPIPE ? ": a child that stops reading is not "
				       "an error, drop the rest of the input"
		      : errno == EINTR
			      ? ": a signal handler ran while poll() waited. "
				"poll() is never restarted (SA_RESTART or "
				"not): it failed with EINTR having waited for "
				"nothing, so call it again"
			      : "");
	ck_assert_msg(out != NULL, "stdio_communicate() must set *output, "
				   "even for 0 bytes");
	ck_assert_msg(c->to_child == -1 && c->from_child == -1,
		      "after stdio_communicate() to_child is %d and from_child "
		      "%d: close both and set them to -1",
		      c->to_child, c->from_child);
	ck_assert_msg(out[*n] == '\0', "the output must be NUL-terminated");
	return out;
}

/** Send @p len pattern bytes through @p argv; expect @p want back. */
static void
check_communicate(char *const argv[], size_t len, const char *want,
		  size_t want_len, bool faults)
{
	char *input = grade_pattern(len, 5), *out;
	struct stdio_child c;
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	if (want == NULL) { /* an echo: the input comes back */
		want = input;
		want_len = len;
	}
	start_child(argv, &c);
	grade_inject_short_io(faults);
	out = communicate_ok(&c, input, len, &n);
	grade_inject_short_io(false);
	ck_assert_msg(n == (ssize_t)want_len &&
			      grade_first_mismatch(out, want, want_len) == want_len,
		      "%s gave %zd bytes, %zu were expected, differing from "
		      "offset %zu on",
		      argv[0], n, want_len,
		      grade_first_mismatch(out, want,
					   (size_t)n < want_len ? (size_t)n
								: want_len));
	finish_child(&c);
	free(out);
	free(input);
}

START_TEST(test_communicate_small)
{
	char *argv[] = { "tr", "a-z", "A-Z", NULL };
	struct stdio_child c;
	ssize_t n;
	char *out;

	signal(SIGPIPE, SIG_IGN);
	start_child(argv, &c);
	out = communicate_ok(&c, "hello, world\n", 13, &n);
	ck_assert_msg(n == 13 && strcmp(out, "HELLO, WORLD\n") == 0,
		      "`tr a-z A-Z` turned \"hello, world\\n\" into \"%s\"",
		      quoted(out));
	free(out);
	finish_child(&c);
}
END_TEST

START_TEST(test_communicate_cat_4mib)
{
	char *argv[] = { "cat", NULL };

	check_communicate(argv, 4u << 20, NULL, 0, false);
}
END_TEST

START_TEST(test_communicate_no_input)
{
	char *argv[] = { "wc", "-c", NULL };
	struct stdio_child c;
	ssize_t n;
	char *out;

	signal(SIGPIPE, SIG_IGN);
	start_child(argv, &c);
	out = communicate_ok(&c, "", 0, &n);
	ck_assert_msg(atoi(out) == 0 && n > 0,
		      "`wc -c` with no input printed \"%s\": with 0 bytes to "
		      "send, close to_child at once",
		      quoted(out));
	free(out);
	finish_child(&c);
}
END_TEST

START_TEST(test_communicate_child_writes_first)
{
	enum { FLOOD = 1 << 20, LEN = 1 << 20 };
	char *flood = grade_pattern(FLOOD, 1), *input = grade_pattern(LEN, 5);
	char *want = malloc(FLOOD + LEN);

	memcpy(want, flood, FLOOD);
	memcpy(want + FLOOD, input, LEN);
	check_communicate(child_argv("flood-first", "1048576"), LEN, want,
			  FLOOD + LEN, false);
	free(want);
	free(flood);
	free(input);
}
END_TEST

START_TEST(test_communicate_keeps_buffered_bytes)
{
	char *argv[] = { "cat", NULL };
	struct stdio_child c;
	ssize_t n;
	char *out;

	signal(SIGPIPE, SIG_IGN);
	start_child(argv, &c);
	/* As if stdio_read_line() had read these from the pipe and not yet
	 * returned them: they belong to the output, before the rest. */
	memcpy(c.buf, "early\n", 6);
	c.buffered = 6;
	out = communicate_ok(&c, "later\n", 6, &n);
	ck_assert_msg(n == 12 && strcmp(out, "early\nlater\n") == 0,
		      "with \"early\\n\" in child->buf, the output was \"%s\", "
		      "not \"early\\nlater\\n\": bytes stdio_read_line() already "
		      "took from the pipe come first",
		      quoted(out));
	ck_assert_msg(c.buffered == 0, "child->buffered is %zu after "
				       "stdio_communicate(): set it to 0",
		      c.buffered);
	free(out);
	finish_child(&c);
}
END_TEST

START_TEST(test_communicate_short_io)
{
	char *argv[] = { "cat", NULL };

	check_communicate(argv, 1u << 20, NULL, 0, true);
}
END_TEST

START_TEST(test_communicate_child_ignores_input)
{
	char *argv[] = { "head", "-c", "5", NULL };
	char *input = grade_pattern(5, 5);

	/* head reads a little, prints 5 bytes and exits: the rest of the
	 * 1 MiB cannot be written (EPIPE), which is not an error. */
	check_communicate(argv, 1u << 20, input, 5, false);
	free(input);
}
END_TEST

START_TEST(test_communicate_with_one_direction)
{
	char *seq[] = { "seq", "1", "3", NULL };
	char path[PATH_MAX], *data = grade_pattern(5000, 6), *back = NULL;
	struct stdio_child c;
	ssize_t n;
	char *out;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	/* A child we only read from: no input can go to it... */
	popen_ok(seq, "r", &c);
	errno = 0;
	n = stdio_communicate(&c, "x", 1, &out);
	GRADE_IMPLEMENTED(n, "stdio_communicate", 4);
	ck_assert_msg(n == -1 && errno == EBADF,
		      "stdio_communicate() of 1 byte to a stdio_popen(\"r\") "
		      "child (to_child is -1) returned %zd (%s), not -1 with "
		      "EBADF: there is no pipe to its stdin",
		      n, ipc_errno_name(errno));
	ck_assert_msg(c.from_child >= 0, "the refused stdio_communicate() "
					 "closed from_child");
	/* ... but 0 bytes is no input at all: read its output. */
	out = communicate_ok(&c, "", 0, &n);
	ck_assert_msg(n == 6 && strcmp(out, "1\n2\n3\n") == 0,
		      "stdio_communicate() of no input to a stdio_popen(\"r\") "
		      "child of `seq 1 3` gave \"%s\": with to_child -1, skip "
		      "that direction and read the output",
		      quoted(out));
	free(out);
	pclose_ok(&c);

	/* A child we only write to: its output is empty. */
	snprintf(path, sizeof(path), "%s", grade_path("one-way.out"));
	popen_ok(child_argv("save", path), "w", &c);
	out = communicate_ok(&c, data, 5000, &n);
	ck_assert_msg(n == 0 && out[0] == '\0',
		      "stdio_communicate() to a stdio_popen(\"w\") child "
		      "(from_child is -1) gave %zd bytes of output, not 0",
		      n);
	free(out);
	ck_assert_msg(WIFEXITED(pclose_ok(&c)), "the child did not exit");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd != -1, "the child wrote no file: %s", strerror(errno));
	n = ipc_read_to_end(fd, &back, 1u << 20);
	close(fd);
	ck_assert_msg(n == 5000 && memcmp(back, data, 5000) == 0,
		      "the child received %zd of the 5000 bytes", n);
	free(back);
	free(data);
}
END_TEST

START_TEST(test_communicate_cleans_up_when_calls_fail)
{
	static const struct failing_call cases[] = {
		{ "malloc", ENOMEM }, { "realloc", ENOMEM },
		{ "write", EIO },     { "read", EIO },
	};
	enum { LEN = 200000 };
	char *argv[] = { "cat", NULL };
	char *input = grade_pattern(LEN, 7), when[256];

	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < GRADE_COUNT(cases); i++) {
		for (unsigned k = 1; k <= 3; k++) {
			struct stdio_child c;
			char *out = NULL;
			size_t heap;
			ssize_t n;
			int err;

			start_child(argv, &c);
			heap = grade_heap_in_use();
			grade_fail_nth(cases[i].function, k, cases[i].err);
			n = stdio_communicate(&c, input, LEN, &out);
			err = errno;
			when[0] = '\0';
			grade_fail_describe(when, sizeof(when));
			grade_fail_clear();
			GRADE_IMPLEMENTED(n, "stdio_communicate", 4);
			if (when[0] == '\0') { /* fewer than k such calls */
				ck_assert_msg(n == LEN,
					      "stdio_communicate() through cat "
					      "gave %zd bytes (%s), not %d",
					      n, ipc_errno_name(err), LEN);
				free(out);
				finish_child(&c);
				break;
			}
			ck_assert_msg(n == -1 && err == cases[i].err,
				      "when %s, stdio_communicate() returned "
				      "%zd (%s), not -1 with %s: a failure it "
				      "cannot get past ends it, with the errno "
				      "of the call that failed (save it before "
				      "cleaning up)",
				      when, n, ipc_errno_name(err),
				      ipc_errno_name(cases[i].err));
			ck_assert_msg(grade_heap_in_use() <= heap + 4096,
				      "when %s, stdio_communicate() returned -1 "
				      "but %zu more bytes of heap were in use "
				      "than before: free the output buffer on "
				      "every path that fails",
				      when, grade_heap_in_use() - heap);
			finish_child(&c);
		}
	}
	free(input);
}
END_TEST

START_TEST(test_communicate_survives_signals)
{
	struct stdio_child c;
	struct poke p;
	sigset_t usr2;
	pid_t poker;
	ssize_t n;
	char *out;

	signal(SIGPIPE, SIG_IGN);
	/* The child answers only once it gets SIGUSR2, which the poker sends
	 * after a SIGUSR1 has interrupted the test's wait (in poll()). It is
	 * born with SIGUSR2 blocked (a mask survives exec), so an early one
	 * waits for it. */
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	start_child(child_argv("wait-usr2", NULL), &c);
	sigprocmask(SIG_UNBLOCK, &usr2, NULL);
	poker = start_poker(&p, c.pid);
	out = communicate_ok(&c, "x", 1, &n);
	finish_poker(poker);
	ck_assert_msg(n == 5 && strcmp(out, "done\n") == 0,
		      "the child wrote \"done\\n\"; stdio_communicate() gave "
		      "\"%s\"",
		      quoted(out));
	free(out);
	finish_child(&c);
}
END_TEST

/* --------------------------------------------------- step 5: shutdown */

/** stdio_shutdown(@p c, @p grace_ms); fail on -1. Returns the ms taken. */
static long
shutdown_ok(struct stdio_child *c, int grace_ms, struct stdio_exit *how)
{
	uint64_t start = ipc_now_ns();
	int rc;

	*how = (struct stdio_exit){ true, 12345, 12345, 12345 }; /* unset */
	rc = GRADE_CALL(stdio_shutdown(c, grace_ms, how));
	GRADE_IMPLEMENTED(rc, "stdio_shutdown", 5);
	ck_assert_msg(rc == 0, "stdio_shutdown() failed with %s",
		      ipc_errno_name(errno));
	ck_assert_msg(c->pid == -1 && c->to_child == -1 && c->from_child == -1,
		      "after stdio_shutdown() the struct says pid %ld, "
		      "to_child %d, from_child %d: the child is reaped and both "
		      "descriptors closed, set them all to -1",
		      (long)c->pid, c->to_child, c->from_child);
	ck_assert_msg(c->buffered == 0,
		      "after stdio_shutdown() child->buffered is still %zu: set "
		      "it to 0, those bytes came from a child that is gone",
		      c->buffered);
	return (long)((ipc_now_ns() - start) / 1000000u);
}

/** Fail unless @p how says the child exited with @p code, by itself. */
static void
expect_exit(const struct stdio_exit *how, int code, const char *who)
{
	ck_assert_msg(how->exited && how->code == code && how->signal == 0,
		      "%s exits with status %d, but stdio_shutdown() reported "
		      "exited=%d code=%d signal=%d: WIFEXITED(status) says "
		      "whether it exited, then WEXITSTATUS(status) is the code",
		      who, code, how->exited, how->code, how->signal);
	ck_assert_msg(how->sent == 0,
		      "%s ends by itself at EOF, yet stdio_shutdown() reports "
		      "it sent signal %d: close its stdin and wait (for the "
		      "event, with a deadline) before any signal",
		      who, how->sent);
}

/** Fail unless @p how says the child was killed by @p sig. */
static void
expect_killed(const struct stdio_exit *how, int sig, const char *who)
{
	ck_assert_msg(!how->exited && how->signal == sig && how->code == -1,
		      "%s was killed by signal %d (%s), but stdio_shutdown() "
		      "reported exited=%d code=%d signal=%d: check "
		      "WIFSIGNALED(status) (then WTERMSIG) before WEXITSTATUS, "
		      "which means nothing for a killed process",
		      who, sig, strsignal(sig), how->exited, how->code,
		      how->signal);
}

START_TEST(test_shutdown_cooperative_child)
{
	char *argv[] = { "cat", NULL };
	struct stdio_child c;
	struct stdio_exit how;

	signal(SIGPIPE, SIG_IGN);
	start_child(argv, &c);
	/* As if stdio_read_line() had kept the rest of a line. */
	memcpy(c.buf, "early\n", 6);
	c.buffered = 6;
	shutdown_ok(&c, 60000, &how); /* a minute of patience: cat needs none */
	expect_exit(&how, 0, "cat");
}
END_TEST

START_TEST(test_shutdown_reports_exit_code)
{
	struct stdio_child c;
	struct stdio_exit how;

	signal(SIGPIPE, SIG_IGN);
	start_child(child_argv("exit-at-eof", "7"), &c);
	shutdown_ok(&c, 60000, &how);
	expect_exit(&how, 7, "the child (exit(7) at EOF)");
}
END_TEST

START_TEST(test_shutdown_reports_signal)
{
	struct stdio_child c;
	struct stdio_exit how;
	char sig[16];

	signal(SIGPIPE, SIG_IGN);
	snprintf(sig, sizeof(sig), "%d", SIGUSR1);
	start_child(child_argv("raise-at-eof", sig), &c);
	shutdown_ok(&c, 60000, &how);
	expect_killed(&how, SIGUSR1, "the child (raise(SIGUSR1) at EOF)");
	ck_assert_msg(how.sent == 0, "the child killed itself, yet "
				     "stdio_shutdown() says it sent signal %d",
		      how.sent);
}
END_TEST

START_TEST(test_shutdown_sigterm_after_grace)
{
	struct stdio_child c;
	struct stdio_exit how;
	long ms;

	signal(SIGPIPE, SIG_IGN);
	start_child(child_argv("ignore-eof", NULL), &c);
	zero_timeout_polls = 0;
	ms = shutdown_ok(&c, 200, &how);
	ck_assert_msg(zero_timeout_polls < 50,
		      "stdio_shutdown() called poll() %u times with a timeout "
		      "of 0 while it waited for a child that ignores EOF: it "
		      "spins, burning a CPU, instead of sleeping until the "
		      "child exits or the grace period ends. Give poll() the "
		      "time left as its timeout",
		      zero_timeout_polls);
	expect_killed(&how, SIGTERM, "the child (it ignores EOF)");
	ck_assert_msg(how.sent == SIGTERM,
		      "the child ignores EOF and dies of SIGTERM; "
		      "stdio_shutdown() must report sent = SIGTERM (%d), not %d",
		      SIGTERM, how.sent);
	ck_assert_msg(ms >= 190,
		      "stdio_shutdown(child, 200, ...) sent SIGTERM after %ld "
		      "ms: give the child the grace period after closing its "
		      "stdin before any signal",
		      ms);
}
END_TEST

START_TEST(test_shutdown_sigkill_after_sigterm)
{
	struct stdio_child c;
	struct stdio_exit how;
	char line[16];
	long ms;

	signal(SIGPIPE, SIG_IGN);
	start_child(child_argv("ignore-term", NULL), &c);
	/* The child says "ready" once it ignores SIGTERM. */
	ck_assert_int_eq(read_line_raw(c.from_child, line, sizeof(line)), 6);
	ms = shutdown_ok(&c, 200, &how);
	expect_killed(&how, SIGKILL, "the child (it ignores EOF and SIGTERM)");
	ck_assert_msg(how.sent == SIGKILL,
		      "stdio_shutdown() had to send SIGKILL, but reports "
		      "sent = %d",
		      how.sent);
	ck_assert_msg(ms >= 390,
		      "stdio_shutdown(child, 200, ...) sent SIGKILL after %ld "
		      "ms: wait the grace period after SIGTERM too",
		      ms);
}
END_TEST

START_TEST(test_shutdown_drains_output)
{
	struct stdio_child c;
	struct stdio_exit how;

	signal(SIGPIPE, SIG_IGN);
	start_child(child_argv("flood-at-eof", "1048576"), &c);
	shutdown_ok(&c, 2000, &how);
	if (!how.exited && how.signal == SIGPIPE)
		ck_abort_msg("the child writes 1 MiB after EOF, then exits 0; "
			     "it was killed by SIGPIPE: you closed its stdout "
			     "pipe while it still had output. Read and discard "
			     "its output until it exits");
	if (how.sent != 0)
		ck_abort_msg("the child writes 1 MiB after EOF, then exits 0; "
			     "it needed signal %d: it was blocked writing into "
			     "a full pipe nobody read (64 KiB). Read and discard "
			     "its output while you wait for it to exit",
			     how.sent);
	expect_exit(&how, 0, "the child (1 MiB of output after EOF)");
}
END_TEST

START_TEST(test_shutdown_rejects_bad_arguments)
{
	char *argv[] = { "cat", NULL };
	struct stdio_child c, gone;
	struct stdio_exit how;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	start_child(argv, &c);
	errno = 0;
	rc = GRADE_CALL(stdio_shutdown(&c, -1, &how));
	GRADE_IMPLEMENTED(rc, "stdio_shutdown", 5);
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "stdio_shutdown(child, -1, how) returned %d (%s), not -1 "
		      "with EINVAL: a negative grace period means nothing",
		      rc, ipc_errno_name(errno));
	errno = 0;
	rc = GRADE_CALL(stdio_shutdown(&c, 100, NULL));
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "stdio_shutdown(child, 100, NULL) returned %d (%s), not "
		      "-1 with EINVAL: there is nowhere to say how it ended",
		      rc, ipc_errno_name(errno));
	ck_assert_msg(c.pid > 0 && c.to_child >= 0 && c.from_child >= 0 &&
			      fcntl(c.to_child, F_GETFD) != -1,
		      "a refused stdio_shutdown() changed the child's struct or "
		      "closed its descriptors: check the arguments before "
		      "touching anything");
	memset(&gone, 0, sizeof(gone));
	gone.pid = -1;
	gone.to_child = gone.from_child = -1;
	errno = 0;
	rc = GRADE_CALL(stdio_shutdown(&gone, 100, &how));
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "stdio_shutdown() of a struct whose child is gone (pid -1) "
		      "returned %d (%s), not -1 with EINVAL",
		      rc, ipc_errno_name(errno));
	finish_child(&c);
}
END_TEST

START_TEST(test_shutdown_survives_signals)
{
	struct stdio_child c;
	struct stdio_exit how;
	struct poke p;
	bool interrupted;
	pid_t poker;
	int rc, err;

	signal(SIGPIPE, SIG_IGN);
	start_child(child_argv("ignore-eof", NULL), &c);
	/* A signal comes while it waits out the grace period (poll() fails
	 * with EINTR), and its waitpid() is interrupted too. */
	poker = start_poker(&p, 0);
	grade_fail_nth("waitpid", 1, EINTR);
	how = (struct stdio_exit){ true, 12345, 12345, 12345 };
	rc = GRADE_CALL(stdio_shutdown(&c, 200, &how));
	err = errno;
	interrupted = grade_fail_calls("waitpid") >= 1;
	grade_fail_clear();
	finish_poker(poker);
	GRADE_IMPLEMENTED(rc, "stdio_shutdown", 5);
	ck_assert_msg(rc == 0,
		      "a signal handler ran while stdio_shutdown() waited%s, "
		      "and it returned -1 (%s): poll() and waitpid() that a "
		      "signal interrupts fail with EINTR having done nothing; "
		      "call them again",
		      interrupted ? ", and its 1st waitpid() call failed with "
				    "EINTR"
				  : "",
		      ipc_errno_name(err));
	ck_assert_msg(c.pid == -1, "after stdio_shutdown() pid is %ld, not -1",
		      (long)c.pid);
	expect_killed(&how, SIGTERM, "the child (it ignores EOF)");
}
END_TEST

START_TEST(test_shutdown_drains_through_interrupted_reads)
{
	struct stdio_child c;
	struct stdio_exit how;

	signal(SIGPIPE, SIG_IGN);
	start_child(child_argv("flood-at-eof", "1048576"), &c);
	/* Every third read() fails with EINTR, the others are short. */
	grade_inject_short_io(true);
	shutdown_ok(&c, 2000, &how);
	grade_inject_short_io(false);
	if (!how.exited && how.signal == SIGPIPE)
		ck_abort_msg("the child writes 1 MiB after EOF, then exits 0; "
			     "it was killed by SIGPIPE: you closed its stdout "
			     "pipe while it still had output. A read() that "
			     "fails with EINTR read nothing: read again, and "
			     "close only at EOF or another error");
	expect_exit(&how, 0, "the child (1 MiB of output after EOF)");
}
END_TEST

/**
 * Make pidfd_open() fail with ENOSYS in this process and its children, as
 * on a kernel older than 5.3 (a seccomp filter). -1 if this system cannot
 * (no seccomp): the test then has nothing to check.
 */
static int
deny_pidfd_open(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { GRADE_COUNT(filter), filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/** What stdio_shutdown() did with no pidfd, for three children. */
struct fallback_run {
	int setup;		   /**< 0; 1: no seccomp; 2: no child */
	int step;		   /**< the child being shut down */
	int rc[3];		   /**< what stdio_shutdown() returned */
	int err[3];		   /**< errno after it */
	struct stdio_exit how[3]; /**< how each child ended */
};

/** The three children of the no-pidfd test, and their grace periods. */
static const char *const fallback_modes[3] = { NULL, "ignore-eof",
						 "ignore-term" };
static const int fallback_grace[3] = { 60000, 100, 100 };

/** Helper: with pidfd_open() saying ENOSYS, shut down cat (it ends at
 *  EOF), a child that ignores EOF and one that ignores SIGTERM too. */
static int
shutdown_without_pidfd(void *arg)
{
	struct fallback_run *r = arg;
	char *cat[] = { "cat", NULL };

	if (deny_pidfd_open() == -1) {
		r->setup = 1;
		return 0;
	}
	for (r->step = 0; r->step < 3; r->step++) {
		int i = r->step;
		struct stdio_child c;
		char line[16];
		if (!start_child_quietly(i == 0 ? cat
						: child_argv(fallback_modes[i],
							     NULL),
					 &c)) {
			r->setup = 2;
			return 0;
		}
		if (i == 2 && read_line_raw(c.from_child, line, 16) != 6) {
			r->setup = 2; /* "ready": SIGTERM is ignored now */
			return 0;
		}
		r->rc[i] = stdio_shutdown(&c, fallback_grace[i], &r->how[i]);
		r->err[i] = errno;
		if (r->rc[i] == -1)
			return 0; /* the child dies with this helper */
	}
	return 0;
}

/** Has @p pid exited within @p ms? (It stays unreaped.) */
static bool
exits_within(pid_t pid, int ms)
{
	struct pollfd pfd = { .events = POLLIN };
	int n;

	pfd.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	ck_assert_msg(pfd.fd != -1, "grader: pidfd_open: %s", strerror(errno));
	while ((n = poll(&pfd, 1, ms)) == -1 && errno == EINTR)
		;
	close(pfd.fd);
	return n == 1;
}

START_TEST(test_shutdown_without_pidfd)
{
	static const char *const who[3] = {
		"cat (it ends at EOF)", "a child that ignores EOF",
		"a child that ignores EOF and SIGTERM"
	};
	static const int killed_by[3] = { 0, SIGTERM, SIGKILL };
	struct fallback_run *r = shared(sizeof(*r));
	char *cat[] = { "cat", NULL };
	struct stdio_child c;
	struct stdio_exit how;
	pid_t helper;
	int status;

	signal(SIGPIPE, SIG_IGN);
	/* With a pidfd first: a stub says ENOSYS here, not because of the
	 * missing pidfd_open(). */
	start_child(cat, &c);
	shutdown_ok(&c, 60000, &how);
	helper = grade_spawn(shutdown_without_pidfd, r);
	if (!exits_within(helper, 3000)) {
		kill(helper, SIGKILL);
		grade_join(helper, JOIN_MS);
		ck_abort_msg("with pidfd_open() failing with ENOSYS (as on a "
			     "kernel older than 5.3), stdio_shutdown() of %s "
			     "(grace period %d ms) did not return within 3 s: "
			     "fall back to looking whether the child has exited "
			     "(waitid() with WEXITED | WNOHANG | WNOWAIT) every "
			     "few milliseconds, each wait bounded by the time "
			     "left (see the handout, step 5)",
			     who[r->step], fallback_grace[r->step]);
	}
	status = grade_join(helper, JOIN_MS);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the process running stdio_shutdown() without a pidfd %s",
		      describe(status));
	if (r->setup == 1)
		return; /* no seccomp here: nothing can make pidfd_open() fail */
	ck_assert_msg(r->setup == 0, "grader: could not start a child (%s)",
		      who[r->step]);
	for (int i = 0; i < 3; i++) {
		ck_assert_msg(r->rc[i] == 0,
			      "with pidfd_open() failing with ENOSYS (as on a "
			      "kernel older than 5.3), stdio_shutdown() of %s "
			      "returned %d (%s): fall back to looking whether "
			      "the child has exited (waitid() with WEXITED | "
			      "WNOHANG | WNOWAIT) every few milliseconds (see "
			      "the handout, step 5)",
			      who[i], r->rc[i], ipc_errno_name(r->err[i]));
		if (killed_by[i] == 0)
			expect_exit(&r->how[i], 0, who[i]);
		else
			expect_killed(&r->how[i], killed_by[i], who[i]);
		ck_assert_msg(r->how[i].sent == killed_by[i],
			      "without a pidfd, stdio_shutdown() of %s reports "
			      "sent = %d, not %d",
			      who[i], r->how[i].sent, killed_by[i]);
	}
}
END_TEST

/* ------------------------------------------------ the demo, side by side */

START_TEST(test_demo_run_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "run", "seq", "1", "5", NULL }, NULL, 0);
	grade_compare_with_reference(
		(const char *[]){ "run", "sh", "-c", "echo out; exit 3", NULL },
		NULL, 0);
}
END_TEST

START_TEST(test_demo_feed_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "feed", "sort", NULL },
				     "pear\nfig\napple\n", 15);
}
END_TEST

START_TEST(test_demo_talk_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "talk", "cat", NULL },
				     "hello\nworld\n", 12);
	grade_compare_with_reference(
		(const char *[]){ "talk", "stdbuf", "-oL", "tr", "a-z", "A-Z",
				  NULL },
		"hello\nworld\n", 12);
}
END_TEST

START_TEST(test_demo_serve_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "serve", NULL },
				     "hello\nlsp\nquit\nignored\n", 23);
}
END_TEST

START_TEST(test_demo_pump_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "pump", "1000000", "cat", NULL }, NULL, 0);
	grade_compare_with_reference(
		(const char *[]){ "pump", "100000", "wc", "-c", NULL }, NULL, 0);
}
END_TEST

START_TEST(test_demo_stop_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "stop", "100", "cat", NULL }, NULL, 0);
	grade_compare_with_reference(
		(const char *[]){ "stop", "100", "sleep", "10", NULL }, NULL, 0);
}
END_TEST

/* ------------------------------------------------------------- the table */

static const struct grade_test tests[] = {
	{ GRADE_REF(test_popen_reads_output), 1, 2, 4,
	  "seq's output never reached EOF: the parent still holds the pipe's "
	  "write end. Close the child's end in the parent after fork()" },
	{ GRADE_REF(test_popen_feeds_input), 1, 2, 4,
	  "the child never saw EOF on its stdin, so it never ended: "
	  "stdio_pclose() must close the pipe before waitpid() (a reader sees "
	  "EOF only when every write end is closed), and the child must not "
	  "hold a copy of the write end itself (O_CLOEXEC)" },
	{ GRADE_REF(test_popen_exit_status), 1, 2, 4,
	  "a command never ended: close unused pipe ends everywhere" },
	{ GRADE_REF(test_popen_rejects_bad_type), 1, 1, 0, NULL },
	{ GRADE_REF(test_popen_child_fds), 1, 2, 4,
	  "the child's output never reached EOF: the parent still holds the "
	  "pipe's write end. Close the child's end in the parent after "
	  "fork()" },
	{ GRADE_REF(test_popen_two_at_once), 1, 2, 4,
	  "the first command never saw EOF: close-on-exec on every pipe end" },
	{ GRADE_REF(test_popen_cleans_up_when_calls_fail), 1, 2, 4,
	  "`true` never ended: close the child's end in the parent" },
	{ GRADE_REF(test_pclose_survives_interrupted_waitpid), 1, 1, 4,
	  "stdio_pclose() never returned: a waitpid() that fails with EINTR "
	  "is called again, one that fails otherwise is final" },
	{ GRADE_REF(test_demo_run_matches_reference), 1, 1, 10, NULL },
	{ GRADE_REF(test_demo_feed_matches_reference), 1, 1, 10, NULL },
	{ GRADE_REF(test_coproc_round_trip), 2, 2, 4,
	  "cat never ended after EOF on its stdin, or its output never "
	  "reached EOF: close unused ends in both processes. In the child, "
	  "after dup2(), the pipes' original descriptors must go (O_CLOEXEC), "
	  "or cat holds the write end of its own stdin; in the parent, the "
	  "child's two ends must go, or you hold the write end of cat's "
	  "stdout" },
	{ GRADE_REF(test_coproc_eof_reaches_child), 2, 1, 4,
	  "sort never saw EOF on its stdin: some process still holds the "
	  "write end of its stdin pipe (sort itself, if the child kept the "
	  "pipe's original descriptors: use O_CLOEXEC)" },
	{ GRADE_REF(test_coproc_child_fds), 2, 2, 4,
	  "the child's output never reached EOF: the parent still holds the "
	  "write end of the child's stdout pipe. Close the child's two ends "
	  "in the parent after fork()" },
	{ GRADE_REF(test_coproc_parent_closes_child_ends), 2, 2, 4,
	  "`true` never ended, or never showed as ended" },
	{ GRADE_REF(test_coproc_two_at_once), 2, 2, 4,
	  "the first coprocess never saw EOF: the second one inherited its "
	  "pipe ends. Create every pipe with O_CLOEXEC" },
	{ GRADE_REF(test_coproc_command_not_found), 2, 1, 4, NULL },
	{ GRADE_REF(test_coproc_cleans_up_when_calls_fail), 2, 2, 4,
	  "`true` never ended: close the child's ends in the parent" },
	{ GRADE_REF(test_read_line_one_at_a_time), 3, 2, 4,
	  "stdio_read_line() waited for bytes that had already been read: "
	  "look in child->buf for a newline before calling read() again, and "
	  "return 0 at EOF" },
	{ GRADE_REF(test_read_line_assembles_pieces), 3, 2, 4,
	  "stdio_read_line() never returned: does it stop at the newline, and "
	  "at EOF?" },
	{ GRADE_REF(test_read_line_never_overflows), 3, 1, 4,
	  "stdio_read_line() never returned with a full buffer: stop at "
	  "size - 1 bytes" },
	{ GRADE_REF(test_request_round_trip), 3, 2, 4,
	  "no reply from cat: send the request's newline (cat answers a whole "
	  "line), and stop reading at the reply's newline" },
	{ GRADE_REF(test_request_short_io), 3, 2, 4,
	  "the request or its reply stalled when write() and read() were "
	  "short or interrupted: loop until every byte moved, retry EINTR" },
	{ GRADE_REF(test_request_line_buffered_tool), 3, 1, 4,
	  "no reply from `stdbuf -oL tr a-z A-Z`" },
	{ GRADE_REF(test_request_child_gone), 3, 1, 4,
	  "stdio_request() to a child that has exited never returned: a "
	  "write() failing with EPIPE is final, retry only EINTR" },
	{ GRADE_REF(test_read_line_reports_errors), 3, 1, 4,
	  "stdio_read_line() never returned after a read() that failed: only "
	  "EINTR is a reason to read again" },
	{ GRADE_REF(test_read_line_from_popen_child), 3, 1, 4,
	  "stdio_read_line() waited for bytes that had already been read" },
	{ GRADE_REF(test_request_reports_write_errors), 3, 1, 4,
	  "stdio_request() never returned after a write() that failed: only "
	  "EINTR is a reason to write again" },
	{ GRADE_REF(test_serve_answers_each_request_at_once), 3, 3, 4,
	  "no reply to the first request: it is still in out's buffer. A FILE "
	  "that writes to a pipe (not a terminal) is fully buffered, so "
	  "nothing leaves until the buffer fills or is flushed: fflush(out) "
	  "after each reply, or setvbuf(out, NULL, _IOLBF, 0) before the "
	  "first. (Or stdio_serve() waits for more input than one line, as "
	  "fread() of a whole buffer does: read a line at a time, getline())" },
	{ GRADE_REF(test_serve_several_requests_in_one_write), 3, 2, 4,
	  "stdio_serve() did not return at EOF: getline() returns -1 at "
	  "the end of the input" },
	{ GRADE_REF(test_serve_long_request_short_reads), 3, 1, 4,
	  "no reply to a 10000-byte request that arrived in pieces: read a "
	  "whole line (getline) before answering" },
	{ GRADE_REF(test_serve_stops_when_handler_says), 3, 1, 4,
	  "stdio_serve() went on after the handler returned -1" },
	{ GRADE_REF(test_serve_rejects_null_arguments), 3, 1, 4,
	  "stdio_serve() with a NULL argument waited: check the arguments "
	  "first" },
	{ GRADE_REF(test_serve_survives_signals), 3, 1, 4,
	  "no reply after a signal interrupted stdio_serve()'s read: clearerr() "
	  "and read on when getline() fails with EINTR" },
	{ GRADE_REF(test_serve_reports_write_errors), 3, 1, 4,
	  "stdio_serve() went on after a reply could not be written: stop at "
	  "the first failure of fprintf() or fflush()" },
	{ GRADE_REF(test_serve_frees_its_line), 3, 1, 6,
	  "stdio_serve() did not return at EOF or at a read error" },
	{ GRADE_REF(test_demo_talk_matches_reference), 3, 1, 10, NULL },
	{ GRADE_REF(test_demo_serve_matches_reference), 3, 1, 10, NULL },
	{ GRADE_REF(test_communicate_small), 4, 2, 4,
	  "tr never saw EOF, so it never printed its output: close to_child "
	  "as soon as the last input byte is written" },
	{ GRADE_REF(test_communicate_cat_4mib), 4, 3, 4,
	  "deadlock: cat echoes as it reads, its output pipe (64 KiB) filled "
	  "up because nobody read it, so cat stopped reading, and your write "
	  "blocked for ever. Read while you write: one poll() loop on both "
	  "pipes" },
	{ GRADE_REF(test_communicate_no_input), 4, 1, 4,
	  "wc never saw EOF: with no input, close to_child at once" },
	{ GRADE_REF(test_communicate_child_writes_first), 4, 3, 4,
	  "deadlock: the child writes 1 MiB before it reads anything; its "
	  "output pipe holds 64 KiB, so it blocks until you read, while you "
	  "block writing its input. Read while you write (poll)" },
	{ GRADE_REF(test_communicate_keeps_buffered_bytes), 4, 1, 4,
	  "cat never saw EOF: close to_child after the last byte" },
	{ GRADE_REF(test_communicate_short_io), 4, 2, 4,
	  "the transfer stalled when read() and write() were short or "
	  "interrupted (EINTR): retry EINTR, continue after a short write, and "
	  "write no more than PIPE_BUF bytes per POLLOUT" },
	{ GRADE_REF(test_communicate_child_ignores_input), 4, 2, 4,
	  "head exited after 5 bytes and stdio_communicate() never returned: "
	  "a write failing with EPIPE means the child stopped reading, so "
	  "close to_child and keep reading its output" },
	{ GRADE_REF(test_communicate_with_one_direction), 4, 1, 4,
	  "stdio_communicate() waited on a direction that does not exist: "
	  "poll() skips a descriptor of -1, and the loop ends when both are "
	  "-1" },
	{ GRADE_REF(test_communicate_cleans_up_when_calls_fail), 4, 2, 8,
	  "stdio_communicate() never returned after a call failed: only EINTR "
	  "(and EPIPE on the write side) is a reason to go on" },
	{ GRADE_REF(test_communicate_survives_signals), 4, 1, 4,
	  "stdio_communicate() never returned after a signal: the child wrote "
	  "\"done\" once woken; was the EINTR of poll() taken for the end?" },
	{ GRADE_REF(test_demo_pump_matches_reference), 4, 1, 10, NULL },
	{ GRADE_REF(test_shutdown_cooperative_child), 5, 2, 4,
	  "stdio_shutdown() did not return although cat exits at EOF: close "
	  "to_child first, then wait for the exit as an event (poll() a "
	  "pidfd, with the grace period as the time limit); do not sleep "
	  "through the whole grace period" },
	{ GRADE_REF(test_shutdown_reports_exit_code), 5, 1, 4,
	  "stdio_shutdown() did not return: close to_child, then wait for the "
	  "exit as an event" },
	{ GRADE_REF(test_shutdown_reports_signal), 5, 2, 4,
	  "stdio_shutdown() did not return: close to_child, then wait for the "
	  "exit as an event" },
	{ GRADE_REF(test_shutdown_sigterm_after_grace), 5, 2, 4,
	  "the child ignores EOF and stdio_shutdown() waited for ever: after "
	  "grace_ms send SIGTERM, and wait with a deadline (poll() on a pidfd "
	  "takes a timeout; a blocking waitpid() does not)" },
	{ GRADE_REF(test_shutdown_sigkill_after_sigterm), 5, 3, 4,
	  "the child ignores SIGTERM too, and stdio_shutdown() waited for "
	  "ever: after another grace_ms send SIGKILL, which cannot be caught "
	  "or ignored" },
	{ GRADE_REF(test_shutdown_drains_output), 5, 2, 6,
	  "stdio_shutdown() did not return: the child was blocked writing "
	  "into a full pipe; read and discard its output while you wait" },
	{ GRADE_REF(test_shutdown_rejects_bad_arguments), 5, 1, 4,
	  "stdio_shutdown() with a bad argument waited: check the arguments "
	  "before closing anything" },
	{ GRADE_REF(test_shutdown_survives_signals), 5, 1, 4,
	  "stdio_shutdown() never returned after a signal interrupted its "
	  "wait: retry poll() and waitpid() after EINTR, with the time left" },
	{ GRADE_REF(test_shutdown_without_pidfd), 5, 1, 6,
	  "stdio_shutdown() without a pidfd never returned: look every few "
	  "milliseconds whether the child has exited (waitid WNOHANG)" },
	{ GRADE_REF(test_shutdown_drains_through_interrupted_reads), 5, 1, 6,
	  "stdio_shutdown() did not return: the child was blocked writing "
	  "into a full pipe; a read() that fails with EINTR is retried" },
	{ GRADE_REF(test_demo_stop_matches_reference), 5, 1, 10, NULL },
};

static const struct grade_lab lab = {
	"09-stdio", "A child's stdin and stdout", tests, GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	/* `grader --child MODE`: one of the small programs the tests talk
	 * to, not a test. */
	if (argc >= 3 && strcmp(argv[1], "--child") == 0)
		return child_main(argc - 2, argv + 2);
	return grade_main(argc, argv, &lab);
}
