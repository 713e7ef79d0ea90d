/* SPDX-License-Identifier: MIT */
/**
 * @file grade_pipe.c
 * @brief Lab 01 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c) adds the leak checks: fds, children, zombies.
 */
#include "grade.h"
#include "ipc_util.h"
#include "pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

/** A pipe for the test itself; the test closes both ends. */
static void
make_pipe(int fds[2])
{
	ck_assert_msg(pipe(fds) == 0, "pipe: %s", strerror(errno));
}

/* ------------------------------------------------ step 1: robust transfer */

/** Write @p len bytes with pipe_write_all into a fresh pipe and check them. */
static void
check_write_all(size_t len, bool faults)
{
	char *data = grade_pattern(len, 0), *back = malloc(len);
	int fds[2];
	ssize_t n;

	make_pipe(fds);
	grade_inject_short_io(faults);
	n = pipe_write_all(fds[1], data, len);
	grade_inject_short_io(false);
	GRADE_IMPLEMENTED(n, "pipe_write_all", 1);
	ck_assert_msg(n == (ssize_t)len,
		      "pipe_write_all() of %zu bytes returned %zd (%s): when "
		      "write() is interrupted (EINTR) or writes only part of the "
		      "buffer (a short write), write the rest",
		      len, n, n == -1 ? ipc_errno_name(errno) : "short");
	close(fds[1]);
	n = ipc_read_all(fds[0], back, len);
	ck_assert_msg(n == (ssize_t)len,
		      "pipe_write_all() said it wrote %zu bytes but the pipe "
		      "holds only %zd: a short write is not a whole write, "
		      "write the rest",
		      len, n);
	ck_assert_msg(grade_first_mismatch(data, back, len) == len,
		      "the pipe held different bytes than were written, from "
		      "offset %zu on: after a short write, continue from where "
		      "it stopped",
		      grade_first_mismatch(data, back, len));
	close(fds[0]);
	free(data);
	free(back);
}

START_TEST(test_write_all_whole_buffer)
{
	check_write_all(50000, false);
}
END_TEST

START_TEST(test_write_all_short_writes_and_eintr)
{
	check_write_all(50000, true);
}
END_TEST

/** Put @p len bytes in a pipe, close it, read with pipe_read_all(). */
static void
check_read_all(size_t len, size_t ask, bool faults)
{
	char *data = grade_pattern(len, 0), *back = calloc(1, ask + 1);
	size_t expect = len < ask ? len : ask;
	int fds[2];
	ssize_t n;

	make_pipe(fds);
	ck_assert_int_eq(ipc_write_all(fds[1], data, len), (ssize_t)len);
	close(fds[1]); /* so the reader meets EOF after the data */
	grade_inject_short_io(faults);
	n = pipe_read_all(fds[0], back, ask);
	grade_inject_short_io(false);
	GRADE_IMPLEMENTED(n, "pipe_read_all", 1);
	ck_assert_msg(n == (ssize_t)expect,
		      "pipe_read_all() asked for %zu of the %zu bytes in the pipe "
		      "returned %zd (%s): keep reading after a short read or "
		      "EINTR, and stop at EOF (read() returns 0)",
		      ask, len, n, n == -1 ? ipc_errno_name(errno) : "wrong count");
	ck_assert_msg(grade_first_mismatch(data, back, expect) == expect,
		      "the bytes read differ from those written at offset %zu",
		      grade_first_mismatch(data, back, expect));
	close(fds[0]);
	free(data);
	free(back);
}

START_TEST(test_read_all_short_reads_and_eintr)
{
	check_read_all(60000, 60000, true);
}
END_TEST

START_TEST(test_read_all_stops_at_eof)
{
	check_read_all(10, 100, false);
}
END_TEST

START_TEST(test_write_all_reports_errors)
{
	int fds[2];
	ssize_t n;

	make_pipe(fds);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN); /* this test is about the error, not the signal */
	errno = 0;
	n = pipe_write_all(fds[1], "x", 1);
	GRADE_IMPLEMENTED(n, "pipe_write_all", 1);
	ck_assert_msg(n == -1 && errno == EPIPE,
		      "pipe_write_all() to a pipe with no reader returned %zd "
		      "with errno %s; expected -1 with EPIPE: retry only on "
		      "EINTR, report every other error",
		      n, ipc_errno_name(errno));
	close(fds[1]);
	errno = 0;
	n = pipe_write_all(fds[1], "x", 1); /* fds[1] is closed now */
	ck_assert_msg(n == -1 && errno == EBADF,
		      "pipe_write_all() on a closed fd returned %zd with errno "
		      "%s; expected -1 with EBADF",
		      n, ipc_errno_name(errno));
}
END_TEST

/* ------------------------------------------- step 2: child to parent */

/** Send @p len bytes through pipe_child_to_parent() and check all of them. */
static void
check_round_trip(size_t len, bool faults)
{
	char *data = grade_pattern(len, 0), *got = NULL;
	ssize_t n;

	grade_inject_short_io(faults);
	n = GRADE_CALL(pipe_child_to_parent(data, len, &got));
	grade_inject_short_io(false);
	GRADE_IMPLEMENTED(n, "pipe_child_to_parent", 2);
	ck_assert_msg(n == (ssize_t)len,
		      "the child sent %zu bytes, the parent got %zd (%s)", len, n,
		      n == -1 ? ipc_errno_name(errno) : "a different count");
	ck_assert_msg(got != NULL, "*out must point to a buffer (even for 0 bytes)");
	ck_assert_msg(grade_first_mismatch(data, got, len) == len,
		      "the bytes received differ from those sent at offset %zu",
		      grade_first_mismatch(data, got, len));
	free(got);
	free(data);
}

START_TEST(test_child_to_parent_empty)
{
	check_round_trip(0, false);
}
END_TEST

START_TEST(test_child_to_parent_small)
{
	check_round_trip(13, false);
}
END_TEST

START_TEST(test_child_to_parent_larger_than_pipe)
{
	check_round_trip(4u << 20, false);
}
END_TEST

START_TEST(test_child_to_parent_short_io)
{
	check_round_trip(1u << 20, true);
}
END_TEST

/* ------------------------------------------------------ step 3: capacity */

/** Check the measured capacity against the kernel's and the pipe's state. */
static void
check_capacity(int fds[2], long measured)
{
	long kernel = fcntl(fds[1], F_GETPIPE_SZ);
	int queued = -1;

	GRADE_IMPLEMENTED(measured, "pipe_measure_capacity", 3);
	ck_assert_msg(measured == kernel,
		      "pipe_measure_capacity() said %ld bytes, the kernel says "
		      "the pipe holds %ld: write in non-blocking mode until "
		      "write() fails with EAGAIN, counting every byte",
		      measured, kernel);
	ck_assert_int_eq(ioctl(fds[0], FIONREAD, &queued), 0);
	ck_assert_msg(queued == kernel,
		      "after measuring, the pipe holds %d bytes, not %ld: leave "
		      "the bytes you wrote in the pipe",
		      queued, kernel);
	ck_assert_msg(!(fcntl(fds[1], F_GETFL) & O_NONBLOCK),
		      "the write end is still non-blocking: restore the fd's "
		      "flags (F_SETFL with the value F_GETFL gave you)");
}

START_TEST(test_measure_capacity_default)
{
	int fds[2];

	make_pipe(fds);
	check_capacity(fds, pipe_measure_capacity(fds[1]));
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(test_set_capacity_resizes)
{
	int fds[2];
	long got;

	make_pipe(fds);
	got = pipe_set_capacity(fds[1], 200000);
	GRADE_IMPLEMENTED(got, "pipe_set_capacity", 3);
	ck_assert_msg(got == fcntl(fds[1], F_GETPIPE_SZ),
		      "pipe_set_capacity(200000) returned %ld but the pipe now "
		      "holds %d bytes: return what F_SETPIPE_SZ returns (the "
		      "kernel rounds the size up to a power-of-two number of pages)",
		      got, fcntl(fds[1], F_GETPIPE_SZ));
	ck_assert_msg(got >= 200000, "the pipe holds %ld bytes, less than "
				     "asked", got);
	check_capacity(fds, pipe_measure_capacity(fds[1]));
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* ------------------------------------------------------ step 4: pipeline */

/** Run left | right into a file; return its status and the file's text. */
static int
run_pipeline(char *const left[], char *const right[], char **text)
{
	int out = open(grade_path("pipeline.out"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	int status;

	ck_assert_msg(out != -1, "open: %s", strerror(errno));
	status = GRADE_CALL(pipe_run_pipeline(left, right, out));
	GRADE_IMPLEMENTED(status, "pipe_run_pipeline", 4);
	lseek(out, 0, SEEK_SET);
	ck_assert_int_ge(ipc_read_to_end(out, text, 1 << 20), 0);
	close(out);
	return status;
}

START_TEST(test_pipeline_seq_wc)
{
	char *left[] = { "seq", "1", "100000", NULL };
	char *right[] = { "wc", "-l", NULL };
	char *text;
	int status = run_pipeline(left, right, &text);

	ck_assert_msg(status == 0, "`seq 1 100000 | wc -l` returned %d, not 0",
		      status);
	ck_assert_msg(atoi(text) == 100000,
		      "`seq 1 100000 | wc -l` printed \"%s\", not 100000: the "
		      "left command's stdout must be the pipe's write end and "
		      "the right one's stdin its read end",
		      text);
	free(text);
}
END_TEST

START_TEST(test_pipeline_exit_status)
{
	char *left[] = { "echo", "hi", NULL };
	char *right[] = { "sh", "-c", "cat >/dev/null; exit 3", NULL };
	char *missing[] = { "ipclab-no-such-command", NULL };
	char *text;
	int status = run_pipeline(left, right, &text);

	free(text);
	ck_assert_msg(status == 3,
		      "`echo hi | sh -c 'exit 3'` returned %d: return the right "
		      "command's exit status (WEXITSTATUS)",
		      status);
	status = run_pipeline(left, missing, &text);
	free(text);
	ck_assert_msg(status == 127,
		      "a right command that does not exist gave %d: when execvp "
		      "fails the child must _exit(127), like a shell",
		      status);
}
END_TEST

START_TEST(test_pipeline_many_bytes)
{
	char *left[] = { "head", "-c", "3000000", "/dev/zero", NULL };
	char *right[] = { "wc", "-c", NULL };
	char *text;
	int status = run_pipeline(left, right, &text);

	ck_assert_msg(status == 0 && atol(text) == 3000000,
		      "`head -c 3000000 /dev/zero | wc -c` printed \"%s\" and "
		      "returned %d",
		      text, status);
	free(text);
}
END_TEST

/* --------------------------------------------------- step 5: broken pipe */

static volatile sig_atomic_t sigpipe_seen;

static void
count_sigpipe(int sig)
{
	(void)sig;
	sigpipe_seen++;
}

/** A pipe whose reader is gone. Returns the write end. */
static int
readerless_pipe(void)
{
	int fds[2];

	make_pipe(fds);
	close(fds[0]);
	return fds[1];
}

START_TEST(test_nosigpipe_reports_epipe)
{
	int fd = readerless_pipe();
	ssize_t n;

	signal(SIGPIPE, SIG_DFL); /* the default: SIGPIPE kills */
	errno = 0;
	n = pipe_write_nosigpipe(fd, "hello", 5);
	GRADE_IMPLEMENTED(n, "pipe_write_nosigpipe", 5);
	ck_assert_msg(n == -1 && errno == EPIPE,
		      "writing with no reader returned %zd, errno %s: expected "
		      "-1 with EPIPE",
		      n, ipc_errno_name(errno));
	close(fd);
}
END_TEST

START_TEST(test_nosigpipe_leaves_signal_state)
{
	struct sigaction handler = { .sa_handler = count_sigpipe }, now;
	sigset_t before, after, pending;
	int fd = readerless_pipe();
	ssize_t n;

	sigemptyset(&handler.sa_mask);
	sigaction(SIGPIPE, &handler, NULL);
	sigprocmask(SIG_SETMASK, NULL, &before);
	n = pipe_write_nosigpipe(fd, "hello", 5);
	GRADE_IMPLEMENTED(n, "pipe_write_nosigpipe", 5);
	ck_assert_msg(n == -1 && errno == EPIPE, "expected -1 with EPIPE, got "
		      "%zd (%s)", n, ipc_errno_name(errno));
	sigaction(SIGPIPE, NULL, &now);
	ck_assert_msg(now.sa_handler == count_sigpipe,
		      "pipe_write_nosigpipe() changed the process's SIGPIPE "
		      "disposition for good: the caller's handler is gone. Block "
		      "the signal around the write instead, or restore what "
		      "you changed");
	sigprocmask(SIG_SETMASK, NULL, &after);
	ck_assert_msg(sigismember(&after, SIGPIPE) == sigismember(&before, SIGPIPE),
		      "pipe_write_nosigpipe() left SIGPIPE blocked: restore the "
		      "old signal mask");
	sigpending(&pending);
	ck_assert_msg(!sigismember(&pending, SIGPIPE),
		      "a SIGPIPE raised by the write is still pending: take it "
		      "back with sigtimedwait() before unblocking");
	ck_assert_msg(sigpipe_seen == 0,
		      "the caller's SIGPIPE handler ran %d time(s): the signal "
		      "your write raised must not reach the caller",
		      (int)sigpipe_seen);
	close(fd);
}
END_TEST

START_TEST(test_nosigpipe_writes_with_reader)
{
	char *data = grade_pattern(30000, 0), back[30000];
	int fds[2];
	ssize_t n;

	make_pipe(fds);
	n = pipe_write_nosigpipe(fds[1], data, sizeof(back));
	GRADE_IMPLEMENTED(n, "pipe_write_nosigpipe", 5);
	ck_assert_msg(n == (ssize_t)sizeof(back), "wrote %zd of %zu bytes", n,
		      sizeof(back));
	close(fds[1]);
	ck_assert_int_eq(ipc_read_all(fds[0], back, sizeof(back)),
			 (ssize_t)sizeof(back));
	ck_assert_msg(memcmp(back, data, sizeof(back)) == 0, "bytes differ");
	close(fds[0]);
	free(data);
}
END_TEST

/* ------------------------------------------------ the demo, side by side */

START_TEST(test_demo_send_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "send", "0", NULL }, NULL, 0);
	grade_compare_with_reference((const char *[]){ "send", "100000", NULL },
				     NULL, 0);
}
END_TEST

START_TEST(test_demo_capacity_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "capacity", NULL }, NULL, 0);
	grade_compare_with_reference((const char *[]){ "capacity", "100000", NULL },
				     NULL, 0);
}
END_TEST

START_TEST(test_demo_pipeline_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "pipeline", "seq", "1", "1000", "--", "sort",
				  "-rn", NULL },
		NULL, 0);
}
END_TEST

START_TEST(test_demo_epipe_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "epipe", NULL }, NULL, 0);
}
END_TEST

/* ------------------------------------------------------------- the table */

static const struct grade_test tests[] = {
	{ GRADE_REF(test_write_all_whole_buffer), 1, 1, 0, NULL },
	{ GRADE_REF(test_write_all_short_writes_and_eintr), 1, 2, 0,
	  "pipe_write_all() keeps looping: after a short write, advance past "
	  "the bytes written and write only the rest" },
	{ GRADE_REF(test_read_all_stops_at_eof), 1, 1, 2,
	  "pipe_read_all() does not stop at EOF: read() returning 0 means the "
	  "writer is gone, so return what you have" },
	{ GRADE_REF(test_read_all_short_reads_and_eintr), 1, 2, 0, NULL },
	{ GRADE_REF(test_write_all_reports_errors), 1, 1, 2,
	  "pipe_write_all() retries an error for ever: retry only EINTR" },
	{ GRADE_REF(test_child_to_parent_empty), 2, 2, 3,
	  "read() never returned 0 (EOF): the parent still holds the pipe's "
	  "write end. Close the end each process does not use, or the reader "
	  "waits for a writer that is itself" },
	{ GRADE_REF(test_child_to_parent_small), 2, 2, 3,
	  "read() never returned 0 (EOF): the parent still holds the pipe's "
	  "write end. Close the end each process does not use" },
	{ GRADE_REF(test_child_to_parent_larger_than_pipe), 2, 3, 5,
	  "deadlock with a 4 MiB message: a pipe holds only 64 KiB, so the "
	  "child blocks until someone reads. The parent must read while the "
	  "child writes (waitpid() before reading deadlocks), and must have "
	  "closed its own write end" },
	{ GRADE_REF(test_child_to_parent_short_io), 2, 2, 5,
	  "the transfer stalls when read() and write() are interrupted "
	  "(EINTR) or short: use your step 1 helpers on both sides" },
	{ GRADE_REF(test_demo_send_matches_reference), 2, 1, 10, NULL },
	{ GRADE_REF(test_measure_capacity_default), 3, 2, 3,
	  "the fill loop never ended: set O_NONBLOCK on the write end so a "
	  "full pipe makes write() fail with EAGAIN instead of blocking" },
	{ GRADE_REF(test_set_capacity_resizes), 3, 2, 3,
	  "the fill loop never ended: set O_NONBLOCK on the write end" },
	{ GRADE_REF(test_demo_capacity_matches_reference), 3, 1, 10, NULL },
	{ GRADE_REF(test_pipeline_seq_wc), 4, 3, 4,
	  "`wc` never saw EOF, so some process still holds the pipe's write "
	  "end: the parent must close both ends after forking, and each child "
	  "must close the ends it does not use after dup2() (or create the "
	  "pipe with O_CLOEXEC)" },
	{ GRADE_REF(test_pipeline_exit_status), 4, 2, 4,
	  "a pipeline child kept the pipe open: close unused ends everywhere" },
	{ GRADE_REF(test_pipeline_many_bytes), 4, 1, 4,
	  "the pipeline hangs: some process still holds a write end" },
	{ GRADE_REF(test_demo_pipeline_matches_reference), 4, 1, 10, NULL },
	{ GRADE_REF(test_nosigpipe_reports_epipe), 5, 2, 0, NULL },
	{ GRADE_REF(test_nosigpipe_leaves_signal_state), 5, 3, 0, NULL },
	{ GRADE_REF(test_nosigpipe_writes_with_reader), 5, 1, 0, NULL },
	{ GRADE_REF(test_demo_epipe_matches_reference), 5, 1, 10, NULL },
};

static const struct grade_lab lab = {
	"01-pipe", "Anonymous pipes", tests, GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
