/* SPDX-License-Identifier: MIT */
/**
 * @file grade.c
 * @brief The grading engine inside a lab's grader binary (see grade.h).
 *
 * One graded test runs in a process Check forks. Before the test the engine
 * records which fds are open; after a test body returns it checks that the
 * student's code left no fd open, closed none it did not own, left no child
 * running or unreaped, and that no forked child returned into the test. Only
 * then does the test end with the pass status, so a student function that
 * calls exit(0) early is reported as an early exit, never as a pass.
 */
#include "grade.h"
#include "grade_protocol.h"
#include "ipc_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The engine's own calls bypass failure injection (grade_fault.c): every
 * grader is linked with -Wl,--wrap for these, so the originals are here. */
int __real_open(const char *path, int flags, ...);
pid_t __real_fork(void);
int __real_pipe2(int fds[2], int flags);
int __real_fcntl(int fd, int cmd, ...);
int __real_dup2(int fd, int to);
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);

#define MAX_TRACKED_FD 256
#define MAX_HELPERS 64
#define MESSAGE_MAX 2048
/** How long a demo may run in grade_compare_with_reference(): less than a
 *  demo test's own time limit, so a hang gets this message, not Check's. */
#define DEMO_TIME_LIMIT_MS 4000

/** Identity of an fd at the start of the test, to spot closed/reused fds. */
struct fd_identity {
	bool open;
	dev_t dev;
	ino_t ino;
};

/** The verdict channel (see grade_protocol.h): the run's key, read before
 *  any code under test runs, and the fd the verdict records go to. Static,
 *  so code under test cannot name them. */
static struct {
	char key[GRADE_KEY_LEN + 1];
	int fd;
} verdict = { "", -1 };

static struct {
	pid_t test_pid;
	char test_name[128];
	char tmpdir[512];
	struct fd_identity fds[MAX_TRACKED_FD];
	bool allowed_fd[MAX_TRACKED_FD];
	pid_t helpers[MAX_HELPERS];
	size_t n_helpers;
} state;

/* ---------------------------------------------------------------- paths */

const char *
grade_tmpdir(void)
{
	return state.tmpdir;
}

const char *
grade_path(const char *name)
{
	static char paths[4][768];
	static unsigned next;
	char *out = paths[next++ % 4];

	if (ipc_path_join(out, sizeof(paths[0]), state.tmpdir, name) == -1)
		ck_abort_msg("grader bug: path too long for %s", name);
	return out;
}

key_t
grade_key(const char *name, int proj)
{
	const char *path = grade_path(name);
	int fd = __real_open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	key_t key;

	ck_assert_msg(fd != -1, "grader: open %s: %s", path, strerror(errno));
	close(fd);
	key = ftok(path, proj);
	ck_assert_msg(key != -1, "grader: ftok %s: %s", path, strerror(errno));
	return key;
}

const char *
grade_posix_name(const char *tag)
{
	static char names[4][96];
	static unsigned next;
	char *out = names[next++ % 4];

	snprintf(out, sizeof(names[0]), "/ipclab-%ld-%s", (long)getpid(), tag);
	return out;
}

const char *
grade_demo_path(void)
{
	return getenv(GRADE_ENV_DEMO);
}

const char *
grade_reference_demo_path(void)
{
	return getenv(GRADE_ENV_REF_DEMO);
}

void
grade_allow_fd(int fd)
{
	if (fd >= 0 && fd < MAX_TRACKED_FD)
		state.allowed_fd[fd] = true;
}

void
grade_require_implemented(long ret, const char *function, int step)
{
	int err = errno;

	ck_assert_msg(!(ret == -1 && err == ENOSYS),
		      "%s() is not implemented yet (it failed with ENOSYS): "
		      "this is handout step %d",
		      function, step);
	errno = err;
}

char *
grade_pattern(size_t len, unsigned seed)
{
	char *buf = __real_malloc(len ? len : 1);

	ck_assert_msg(buf != NULL, "out of memory for %zu bytes", len);
	ipc_fill_pattern(buf, len, seed);
	return buf;
}

size_t
grade_first_mismatch(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;
	size_t i = 0;

	while (i < len && x[i] == y[i])
		i++;
	return i;
}

/* ------------------------------------------------- forked-child guards */

/** Write the stray-return marker and leave: this process is not the test. */
static void
leave_as_stray_child(const char *where)
{
	FILE *f = fopen(grade_path(GRADE_STRAY_MARKER), "a");

	if (f != NULL) {
		fprintf(f, "process %ld returned from %s\n", (long)getpid(),
			where);
		fclose(f);
	}
	_exit(GRADE_STRAY_STATUS);
}



/* -------------------------------------------------------------- helpers */

socklen_t
grade_unix_address(struct sockaddr_un *addr, const char *path)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	snprintf(addr->sun_path, sizeof(addr->sun_path), "%s", path);
	return sizeof(*addr);
}

pid_t
grade_spawn(int (*fn)(void *arg), void *arg)
{
	pid_t pid;

	ck_assert_msg(state.n_helpers < MAX_HELPERS, "grader bug: too many helpers");
	pid = __real_fork();
	ck_assert_msg(pid != -1, "fork() failed: %s", strerror(errno));
	if (pid == 0) {
		grade_fail_clear(); /* a helper is the test's, not under test */
		/* A helper dies with the test: a failed check ends the test
		 * process, and a helper left behind is not the student's. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(fn(arg)); /* a helper never returns into the test */
	}
	state.helpers[state.n_helpers++] = pid;
	return pid;
}

/** Forget a helper that has been reaped. */
static void
forget_helper(pid_t pid)
{
	for (size_t i = 0; i < state.n_helpers; i++) {
		if (state.helpers[i] == pid) {
			state.helpers[i] = state.helpers[--state.n_helpers];
			return;
		}
	}
}

int
grade_join(pid_t pid, int timeout_ms)
{
	int status = 0;

	if (ipc_waitpid_timeout(pid, &status, timeout_ms) == -1) {
		int err = errno;
		kill(pid, SIGKILL);
		ipc_waitpid(pid, NULL);
		forget_helper(pid);
		ck_abort_msg("a helper process of the test did not finish "
			     "within %d ms (%s): the code under test left it "
			     "blocked",
			     timeout_ms, ipc_errno_name(err));
	}
	forget_helper(pid);
	return status;
}

/* ------------------------------------------------------ running programs */

/** Append what is readable on @p fd to a growing buffer; 0 at EOF. */
static int
drain_into(int fd, char **buf, size_t *len, size_t *cap)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n <= 0)
		return n == -1 && errno == EINTR ? 1 : 0;
	if (*len + (size_t)n + 1 > *cap) {
		size_t want = (*cap ? *cap * 2 : 8192) + (size_t)n;
		char *bigger = __real_realloc(*buf, want);
		if (bigger == NULL)
			return 0;
		*buf = bigger;
		*cap = want;
	}
	memcpy(*buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return 1;
}

/** Child side of grade_run_program(): wire up stdio and exec. */
static void
exec_with_pipes(char *const argv[], int in[2], int out[2], int err[2])
{
	if (__real_dup2(in[0], STDIN_FILENO) == -1 ||
	    __real_dup2(out[1], STDOUT_FILENO) == -1 ||
	    __real_dup2(err[1], STDERR_FILENO) == -1)
		_exit(126);
	for (int i = 0; i < 2; i++) {
		close(in[i]);
		close(out[i]);
		close(err[i]);
	}
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/** Feed input and collect both outputs until EOF or the deadline. */
static bool
pump_program(int in_fd, int out_fd, int err_fd, const char *input,
	     size_t input_len, int timeout_ms, struct grade_run *run)
{
	size_t sent = 0, out_cap = 0, err_cap = 0;
	uint64_t deadline = ipc_now_ns() + (uint64_t)timeout_ms * 1000000u;
	struct pollfd pfd[3] = { { .fd = out_fd, .events = POLLIN },
				 { .fd = err_fd, .events = POLLIN },
				 { .fd = in_fd, .events = POLLOUT } };

	if (input_len == 0) {
		close(pfd[2].fd);
		pfd[2].fd = -1;
	}
	while (pfd[0].fd != -1 || pfd[1].fd != -1) {
		uint64_t now = ipc_now_ns();
		if (now >= deadline)
			break;
		if (poll(pfd, 3, (int)((deadline - now) / 1000000u) + 1) == -1 &&
		    errno != EINTR)
			break;
		if (pfd[0].revents && !drain_into(pfd[0].fd, &run->out,
						  &run->out_len, &out_cap)) {
			close(pfd[0].fd);
			pfd[0].fd = -1;
		}
		if (pfd[1].revents && !drain_into(pfd[1].fd, &run->err,
						  &run->err_len, &err_cap)) {
			close(pfd[1].fd);
			pfd[1].fd = -1;
		}
		if (pfd[2].fd != -1 && pfd[2].revents) {
			ssize_t n = write(pfd[2].fd, input + sent, input_len - sent);
			if (n > 0)
				sent += (size_t)n;
			if (n == -1 ? errno != EAGAIN && errno != EINTR
				    : sent == input_len) {
				close(pfd[2].fd); /* EOF for the program */
				pfd[2].fd = -1;
			}
		}
	}
	for (int i = 0; i < 3; i++)
		ipc_close_quietly(pfd[i].fd);
	return pfd[0].fd == -1 && pfd[1].fd == -1;
}

int
grade_run_program(char *const argv[], const void *input, size_t input_len,
		  int timeout_ms, struct grade_run *run)
{
	int in[2], out[2], err[2];
	pid_t pid;
	bool finished;

	memset(run, 0, sizeof(*run));
	if (__real_pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (__real_pipe2(out, O_CLOEXEC) == -1 ||
	    __real_pipe2(err, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	pid = __real_fork();
	if (pid == 0)
		exec_with_pipes(argv, in, out, err);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (pid == -1) {
		close(in[1]);
		close(out[0]);
		close(err[0]);
		return -1;
	}
	__real_fcntl(in[1], F_SETFL, O_NONBLOCK);
	/* A program that exits without reading its input must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	finished = pump_program(in[1], out[0], err[0], input, input_len,
				timeout_ms, run);
	if (!finished ||
	    ipc_waitpid_timeout(pid, &run->status, timeout_ms) == -1) {
		kill(pid, SIGKILL);
		ipc_waitpid(pid, &run->status);
		run->timed_out = true;
	}
	if (run->out == NULL)
		run->out = __real_calloc(1, 1);
	if (run->err == NULL)
		run->err = __real_calloc(1, 1);
	return 0;
}

void
grade_run_free(struct grade_run *run)
{
	free(run->out);
	free(run->err);
	run->out = run->err = NULL;
}

/** Line number (1-based) and offset of the first difference of a and b. */
static size_t
first_difference(const char *a, size_t a_len, const char *b, size_t b_len,
		 size_t *line)
{
	size_t i = 0;

	*line = 1;
	while (i < a_len && i < b_len && a[i] == b[i]) {
		if (a[i] == '\n')
			(*line)++;
		i++;
	}
	return i;
}

/** Copy the line of @p text containing offset @p at into @p out. */
static const char *
line_at(const char *text, size_t len, size_t at, char *out, size_t out_len)
{
	size_t start = at, end = at;

	while (start > 0 && text[start - 1] != '\n')
		start--;
	while (end < len && text[end] != '\n')
		end++;
	if (start >= len)
		snprintf(out, out_len, "(end of output)");
	else
		snprintf(out, out_len, "%.*s", (int)(end - start), text + start);
	return out;
}

void
grade_compare_with_reference(const char *const args[], const void *input,
			     size_t input_len)
{
	const char *paths[2] = { grade_demo_path(), grade_reference_demo_path() };
	struct grade_run runs[2];
	char *argv[32];
	size_t argc = 0, line, at;
	char want[256], got[256], how[2][64], err[256] = "";

	char command[512] = "demo";

	ck_assert_msg(paths[0] && paths[1], "grader bug: demo paths not set");
	while (args[argc] != NULL && argc < 30) {
		argv[argc + 1] = (char *)args[argc];
		snprintf(command + strlen(command), sizeof(command) - strlen(command),
			 " %s", args[argc]);
		argc++;
	}
	argv[argc + 1] = NULL;
	for (int i = 0; i < 2; i++) {
		argv[0] = (char *)paths[i];
		ck_assert_msg(grade_run_program(argv, input, input_len,
						DEMO_TIME_LIMIT_MS, &runs[i]) == 0,
			      "cannot run %s: %s", paths[i], strerror(errno));
	}
	if (runs[0].timed_out) {
		grade_run_free(&runs[0]);
		grade_run_free(&runs[1]);
		ck_abort_msg("your demo did not finish within %d s (run with: "
			     "%s): it hangs where the reference demo does not",
			     DEMO_TIME_LIMIT_MS / 1000, command);
	}
	at = first_difference(runs[0].out, runs[0].out_len, runs[1].out,
			      runs[1].out_len, &line);
	bool same_out = runs[0].out_len == runs[1].out_len && at == runs[0].out_len;
	bool same_status = runs[0].status == runs[1].status;
	if (!same_out || !same_status) {
		ipc_describe_status(runs[0].status, how[0], sizeof(how[0]));
		ipc_describe_status(runs[1].status, how[1], sizeof(how[1]));
		line_at(runs[1].out, runs[1].out_len, at, want, sizeof(want));
		line_at(runs[0].out, runs[0].out_len, at, got, sizeof(got));
		if (runs[0].err_len > 0)
			snprintf(err, sizeof(err), "\n  your demo's stderr: %.*s",
				 (int)strcspn(runs[0].err, "\n"), runs[0].err);
	}
	for (int i = 0; i < 2; i++)
		grade_run_free(&runs[i]);
	ck_assert_msg(same_out,
		      "your demo's output differs from the reference demo's at "
		      "line %zu (run with: %s):\n  expected: %s\n  got:      %s%s",
		      line, command, want, got, err);
	ck_assert_msg(same_status, "your demo %s, the reference demo %s (run with: %s)%s",
		      how[0], how[1], command, err);
}

/* ---------------------------------------------------------- leak checks */

/** Record the identity of every open fd into @p fds. */
static void
snapshot_fds_into(struct fd_identity fds[MAX_TRACKED_FD])
{
	for (int fd = 0; fd < MAX_TRACKED_FD; fd++) {
		struct stat st;
		fds[fd].open = fstat(fd, &st) == 0;
		fds[fd].dev = st.st_dev;
		fds[fd].ino = st.st_ino;
	}
}

/** Record the identity of every open fd (setup). */
static void
snapshot_fds(void)
{
	snapshot_fds_into(state.fds);
}

/** Describe what an fd refers to, e.g. "pipe:[123]" or a path. */
static const char *
fd_target(int fd, char *out, size_t out_len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, out_len - 1);
	out[n < 0 ? 0 : n] = '\0';
	return out;
}

/** Append a formatted line to the failure message being built. */
static void
append(char *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
append(char *msg, const char *fmt, ...)
{
	size_t len = strlen(msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg + len, MESSAGE_MAX - len, fmt, ap);
	va_end(ap);
}

/** Compare open fds with the snapshot @p fds; describe leaks (and close
 *  them) and foreign closes. */
static void
check_fds_since(const struct fd_identity fds[MAX_TRACKED_FD], char *msg)
{
	char what[256];

	for (int fd = 0; fd < MAX_TRACKED_FD; fd++) {
		struct stat st;
		bool open_now = fstat(fd, &st) == 0;
		if (state.allowed_fd[fd])
			continue;
		if (open_now && !fds[fd].open) {
			append(msg,
			       "leaked fd %d (%s): close every descriptor you "
			       "open, on every path, before returning\n",
			       fd, fd_target(fd, what, sizeof(what)));
			close(fd);
		} else if (!open_now && fds[fd].open) {
			append(msg,
			       "fd %d was closed by your code, but it was not "
			       "yours (it was open before the call): close only "
			       "the descriptors you created\n",
			       fd);
		}
	}
}

/** Compare open fds with the setup's snapshot (teardown). */
static void
check_fds(char *msg)
{
	check_fds_since(state.fds, msg);
}

/* ------------------------------------------ after an injected failure */

/** The fds open when the injection was armed (grade_mark_fds()). */
static struct fd_identity marked_fds[MAX_TRACKED_FD];

void
grade_mark_fds(void)
{
	snapshot_fds_into(marked_fds);
}

bool
grade_expect_clean_failure(long ret, int err, const char *call)
{
	int got = errno;
	char injected[256], msg[MESSAGE_MAX] = "";

	if (grade_fail_describe(injected, sizeof(injected)) == 0) {
		grade_fail_clear();
		errno = got;
		return false; /* nothing failed: the call ran normally */
	}
	grade_fail_clear();
	if (ret != -1)
		append(msg,
		       "%s returned %ld: a failure it cannot get past must make "
		       "it return -1 with errno set\n",
		       call, ret);
	else if (got != err)
		append(msg,
		       "%s returned -1 but errno is %s, not %s: keep the errno "
		       "of the call that failed (save it before cleaning up, "
		       "restore it after: close() and friends may change it)\n",
		       call, ipc_errno_name(got), ipc_errno_name(err));
	check_fds_since(marked_fds, msg);
	ck_assert_msg(msg[0] == '\0', "when %s, %s:\n%s", injected,
		      call, msg);
	errno = got;
	return true;
}

/** Is @p pid one of the test's own helpers (not the student's child)? */
static bool
is_helper(pid_t pid)
{
	for (size_t i = 0; i < state.n_helpers; i++)
		if (state.helpers[i] == pid)
			return true;
	return false;
}

/** Does @p pid exit before @p deadline_ns? (A child that was about to exit
 *  when the function returned is a zombie-to-be, not a runaway.) */
static bool
exits_soon(pid_t pid, uint64_t deadline_ns)
{
	siginfo_t info;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	uint64_t now = ipc_now_ns();
	int wait_ms = now < deadline_ns ? (int)((deadline_ns - now) / 1000000u) : 0;
	bool exited;

	if (pidfd == -1)
		return false;
	exited = poll(&pfd, 1, wait_ms) == 1;
	close(pidfd);
	/* WNOWAIT: leave it unreaped, check_children() kills and reaps. */
	return exited && waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) == 0;
}

/** Kill and reap every child; describe the student's ones in @p msg. */
static void
check_children(char *msg)
{
	char path[64], comm[64];
	uint64_t deadline = ipc_now_ns() + 1000000000u; /* 1 s in all */
	int reported = 0, more = 0;
	long child;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
		 (long)getpid());
	f = fopen(path, "r");
	while (f != NULL && fscanf(f, "%ld", &child) == 1) {
		char st = ipc_process_state((pid_t)child, comm, sizeof(comm));
		if (is_helper((pid_t)child))
			; /* the test's own helper: not the student's fault */
		else if (reported == 5)
			more++; /* a fork loop: do not list hundreds */
		else if (reported++, st == 'Z' || exits_soon((pid_t)child, deadline))
			append(msg,
			       "left a zombie: child %ld (%s) exited but was "
			       "never reaped; waitpid() every child you fork\n",
			       child, comm);
		else
			append(msg,
			       "left child process %ld (%s) running: stop it "
			       "and waitpid() every child you fork before "
			       "returning\n",
			       child, comm);
		kill((pid_t)child, SIGKILL);
	}
	if (f != NULL)
		fclose(f);
	if (more > 0)
		append(msg, "... and %d more children: is there a fork() in a "
			    "loop that never stops? (a test may have 256 "
			    "processes; beyond, fork() fails with EAGAIN)\n",
		       more);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		; /* reap all of them */
	state.n_helpers = 0;
}

/** Did a forked child of the student's code return into the test? */
static void
check_stray_returns(char *msg)
{
	char line[256], marker[sizeof(state.tmpdir) + 64];
	FILE *f;

	/* Not grade_path(): its rotating buffers may hold the test's paths
	 * across the GRADE_CALL() that brings us here. */
	snprintf(marker, sizeof(marker), "%s/%s", state.tmpdir, GRADE_STRAY_MARKER);
	f = fopen(marker, "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		append(msg,
		       "a forked child returned into the grader (%s): a child "
		       "must end with _exit(), never return from your "
		       "function\n",
		       line);
	}
	fclose(f);
	unlink(marker);
}

void
grade_after_call(const char *call)
{
	char msg[MESSAGE_MAX] = "";
	int err = errno; /* the call's errno is the test's to check */

	if (getpid() != state.test_pid)
		leave_as_stray_child(call);
	/* In the test process: did a child already sign in as a stray? */
	check_stray_returns(msg);
	ck_assert_msg(msg[0] == '\0', "%s", msg);
	errno = err;
}

/* ------------------------------------------------------ verdict channel */

/**
 * Write one verdict record: "KEY TAG LEN\n" then LEN bytes, in one write()
 * so a short record reaches the pipe whole. Straight to the kernel: neither
 * fault injection nor a function of the student's named write() is on the
 * way. Without a channel (a grader run by hand) the record goes to stdout.
 */
static void
send_record(const char *tag, const char *payload)
{
	size_t len = strlen(payload);
	char *record = NULL;
	int n = asprintf(&record, "%s %s %zu\n%s", verdict.key, tag, len,
			 payload);

	if (n == -1)
		return;
	for (size_t done = 0; done < (size_t)n;) {
		long w = syscall(SYS_write, verdict.fd == -1 ? STDOUT_FILENO
							 : verdict.fd,
				 record + done, (size_t)n - done);
		if (w <= 0 && errno != EINTR)
			break;
		if (w > 0)
			done += (size_t)w;
	}
	free(record);
}

void
grade_note(const char *text)
{
	send_record(GRADE_RECORD_NOTE, text);
}

/**
 * Take the run's key from the descriptor the supervisor named, close it
 * and forget where it was: from here on only this process's memory holds
 * the key. Called by grade_main() before any test (and any code under
 * test) runs.
 */
static void
open_verdict_channel(void)
{
	const char *key_fd = getenv(GRADE_ENV_KEY_FD);
	const char *verdict_fd = getenv(GRADE_ENV_VERDICT_FD);

	if (key_fd != NULL && verdict_fd != NULL) {
		int fd = atoi(key_fd);
		ssize_t n = ipc_read_all(fd, verdict.key, GRADE_KEY_LEN);
		verdict.key[n == GRADE_KEY_LEN ? GRADE_KEY_LEN : 0] = '\0';
		close(fd);
		verdict.fd = atoi(verdict_fd);
		/* Programs the tests run do not inherit it. */
		fcntl(verdict.fd, F_SETFD, FD_CLOEXEC);
	}
	unsetenv(GRADE_ENV_KEY_FD);
	unsetenv(GRADE_ENV_VERDICT_FD);
}

/** Checked fixture, run in the test process before the test body. */
static void
grade_setup(void)
{
	const char *dir = getenv(GRADE_ENV_TEST_DIR);

	state.test_pid = getpid();
	snprintf(state.tmpdir, sizeof(state.tmpdir), "%s",
		 dir != NULL ? dir : ".");
	memset(state.allowed_fd, 0, sizeof(state.allowed_fd));
	state.n_helpers = 0;
	snapshot_fds();
}

/** Checked fixture, run after the test body returned: the leak checks. */
static void
grade_teardown(void)
{
	char msg[MESSAGE_MAX] = "";

	if (getpid() != state.test_pid)
		leave_as_stray_child("the function under test");
	grade_fail_clear(); /* the checks' own calls must not fail */
	check_children(msg);
	check_stray_returns(msg);
	check_fds(msg);
	ck_assert_msg(msg[0] == '\0', "%s", msg);
	send_record(GRADE_RECORD_REACHED, state.test_name);
	_exit(GRADE_PASS_STATUS); /* with the record above: a pass */
}

/* ----------------------------------------------------------- the runner */

/** Print the table for the driver: one line per test. */
static void
list_tests(const struct grade_lab *lab)
{
	printf("lab\t%s\t%s\n", lab->id, lab->title);
	for (size_t i = 0; i < lab->n_tests; i++) {
		const struct grade_test *t = &lab->tests[i];
		printf("test\t%s\t%d\t%d\t%g\t%s\n", (*t->test)->name, t->step,
		       t->points, t->timeout_s > 0 ? t->timeout_s : 5.0,
		       t->on_timeout ? t->on_timeout : "");
	}
}

/** Send Check's result for the test to the driver: "PASS", or
 *  "FAIL|ERROR<tab>file:line" and a line with the message. */
static int
write_result(TestResult *tr)
{
	const char *msg = tr_msg(tr) ? tr_msg(tr) : "";
	char *text = NULL;
	int n;

	if (tr_rtype(tr) == CK_PASS)
		n = asprintf(&text, "PASS\n");
	else
		n = asprintf(&text, "%s\t%s:%d\n%s\n",
			     tr_rtype(tr) == CK_FAILURE ? "FAIL" : "ERROR",
			     tr_lfile(tr) ? tr_lfile(tr) : "?", tr_lno(tr), msg);
	if (n == -1)
		return 2;
	send_record(GRADE_RECORD_RESULT, text);
	free(text);
	return 0;
}

/** Run the one test called @p name in Check's fork mode. */
static int
run_one(const struct grade_lab *lab, const char *name)
{
	const struct grade_test *t = NULL;
	Suite *suite;
	TCase *tc;
	SRunner *runner;
	int rc;

	for (size_t i = 0; i < lab->n_tests && t == NULL; i++)
		if (strcmp((*lab->tests[i].test)->name, name) == 0)
			t = &lab->tests[i];
	if (t == NULL) {
		fprintf(stderr, "%s: no test named %s\n", lab->id, name);
		return 2;
	}
	snprintf(state.test_name, sizeof(state.test_name), "%s", name);
	suite = suite_create(lab->id);
	tc = tcase_create((*t->test)->name);
	tcase_add_checked_fixture(tc, grade_setup, grade_teardown);
	tcase_set_timeout(tc, (t->timeout_s > 0 ? t->timeout_s : 5.0) +
				      (getenv(GRADE_ENV_TIMEOUT_GRACE)
					       ? atof(getenv(GRADE_ENV_TIMEOUT_GRACE))
					       : 0));
	tcase_add_exit_test(tc, *t->test, GRADE_PASS_STATUS);
	suite_add_tcase(suite, tc);
	runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_FORK);
	srunner_run(runner, NULL, NULL, CK_SILENT);
	if (srunner_ntests_run(runner) != 1) {
		fprintf(stderr, "%s: test %s did not run\n", lab->id, name);
		rc = 2;
	} else {
		TestResult **results = srunner_results(runner);
		rc = write_result(results[0]);
		free(results);
	}
	srunner_free(runner);
	return rc;
}

/* A lab without grade/hints.c has no hints: weak, so they may be absent. */
extern const struct grade_hint grade_hints[] __attribute__((weak));
extern const size_t grade_n_hints __attribute__((weak));

/** Print hint @p level (1 to 3) of test @p name: 0, or 1 if it has none. */
static int
print_hint(const struct grade_lab *lab, const char *name, const char *level)
{
	int n = atoi(level);

	for (size_t i = 0; i < lab->n_tests; i++) {
		if (strcmp((*lab->tests[i].test)->name, name) != 0)
			continue;
		size_t n_hints = &grade_n_hints != NULL ? grade_n_hints : 0;
		for (size_t h = 0; h < n_hints; h++) {
			const struct grade_hint *hint = &grade_hints[h];
			const char *text = n == 1   ? hint->nudge
					   : n == 2 ? hint->mechanism
						    : hint->call;
			if (strcmp(hint->test, name) != 0 || n < 1 || n > 3)
				continue;
			printf("%s\n", text);
			return 0;
		}
		return 1;
	}
	fprintf(stderr, "%s: no test named %s\n", lab->id, name);
	return 2;
}

int
grade_main(int argc, char **argv, const struct grade_lab *lab)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		list_tests(lab);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "--hint") == 0)
		return print_hint(lab, argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "--run") == 0) {
		open_verdict_channel();
		return run_one(lab, argv[2]);
	}
	fprintf(stderr,
		"usage: %s --list | --run TEST | --hint TEST 1|2|3\n"
		"This is a lab grader: run it through `make grade`, which "
		"sandboxes every test.\n",
		argv[0]);
	return 2;
}
