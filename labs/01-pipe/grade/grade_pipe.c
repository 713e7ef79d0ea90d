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

/* ------------------------------------------- shared by the failure tests */

/** Leaks smaller than this are not reported (stdio buffers, ...). */
#define LEAK_SLACK (16 * 1024)

/** Fail if the heap grew by more than LEAK_SLACK since @p before. */
static void
check_heap_since(size_t before, const char *when)
{
	size_t now = grade_heap_in_use();

	ck_assert_msg(now <= before + LEAK_SLACK,
		      "%s, %zu more bytes of heap were in use than before the "
		      "call: free what you allocated on every path that "
		      "returns -1",
		      when, now - before);
}

/** Fill the stack below us with 0xff bytes, so that a variable the code
 *  under test forgets to initialise holds garbage, not a lucky zero. */
static __attribute__((noinline)) void
poison_stack(void)
{
	volatile unsigned char junk[32 * 1024];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0xff;
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

START_TEST(test_read_all_reports_errors)
{
	int fds[2];
	char buf[8];
	ssize_t n;

	make_pipe(fds);
	errno = 0;
	n = pipe_read_all(fds[1], buf, sizeof(buf)); /* the write end */
	GRADE_IMPLEMENTED(n, "pipe_read_all", 1);
	ck_assert_msg(n == -1 && errno == EBADF,
		      "pipe_read_all() on a pipe's write end returned %zd with "
		      "errno %s; expected -1 with EBADF: retry only on EINTR, "
		      "report every other error",
		      n, ipc_errno_name(errno));
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/**
 * Move 50000 bytes through pipe_write_all() or pipe_read_all() with short
 * transfers, and make the third write() or read() fail with EIO: the
 * helper must stop there and report it.
 */
static void
check_error_midway(bool writing)
{
	const char *function = writing ? "pipe_write_all" : "pipe_read_all";
	char *data = grade_pattern(50000, 2), *back = malloc(50000);
	int fds[2];
	ssize_t n;

	ck_assert(back != NULL);
	make_pipe(fds); /* 64 KiB: the data fits */
	if (!writing) {
		ck_assert_int_eq(ipc_write_all(fds[1], data, 50000), 50000);
		close(fds[1]);
	}
	grade_inject_short_io(true); /* calls move 4093 bytes at most */
	grade_fail_nth(writing ? "write" : "read", 3, EIO);
	errno = 0;
	n = writing ? pipe_write_all(fds[1], data, 50000)
		    : pipe_read_all(fds[0], back, 50000);
	grade_inject_short_io(false);
	if (!grade_expect_clean_failure(n, EIO, writing ? "pipe_write_all()"
							: "pipe_read_all()")) {
		GRADE_IMPLEMENTED(n, function, 1);
		ck_abort_msg("%s() moved 50000 bytes with fewer than 3 calls "
			     "of %s() although each call moved 4093 bytes at "
			     "most",
			     function, writing ? "write" : "read");
	}
	close(fds[0]);
	if (writing)
		close(fds[1]);
	free(data);
	free(back);
}

START_TEST(test_write_all_stops_at_an_error_midway)
{
	check_error_midway(true);
}
END_TEST

START_TEST(test_read_all_stops_at_an_error_midway)
{
	check_error_midway(false);
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

/**
 * Run pipe_child_to_parent() on @p len bytes with the @p nth call of each
 * of @p functions failing with @p err, and check that it failed cleanly:
 * -1, errno kept, no fd or heap left behind, *out untouched. Returns false
 * when none of those calls happened that often (the transfer then ran
 * normally and was checked as such).
 */
static bool
check_round_trip_failure(const char *const functions[], unsigned nth, int err,
			 size_t len)
{
	char *data = grade_pattern(len, 3), *got = NULL, when[200] = "when ";
	size_t heap;
	ssize_t n;

	heap = grade_heap_in_use();
	for (size_t i = 0; functions[i] != NULL; i++)
		grade_fail_nth(functions[i], nth, err);
	n = GRADE_CALL(pipe_child_to_parent(data, len, &got));
	grade_fail_describe(when + 5, sizeof(when) - 5);
	if (!grade_expect_clean_failure(n, err, "pipe_child_to_parent()")) {
		GRADE_IMPLEMENTED(n, "pipe_child_to_parent", 2);
		ck_assert_msg(n == (ssize_t)len && got != NULL,
			      "the child sent %zu bytes, the parent got %zd (%s)",
			      len, n, n == -1 ? ipc_errno_name(errno) : "");
		free(got);
		free(data);
		return false;
	}
	ck_assert_msg(got == NULL,
		      "%s, pipe_child_to_parent() returned -1 but set *out: on "
		      "failure leave *out alone (and free what you allocated)",
		      when);
	check_heap_since(heap, when);
	free(data);
	return true;
}

START_TEST(test_child_to_parent_cleans_up_when_calls_fail)
{
	static const char *const pipes[] = { "pipe", "pipe2", NULL };
	static const char *const forks[] = { "fork", NULL };
	static const char *const mallocs[] = { "malloc", NULL };
	static const char *const reallocs[] = { "realloc", NULL };

	/* 200000 bytes: more than the pipe holds, and than a first buffer
	 * of 64 KiB, so the parent has to grow its buffer. */
	check_round_trip_failure(pipes, 1, EMFILE, 200000);
	check_round_trip_failure(forks, 1, EAGAIN, 200000);
	check_round_trip_failure(mallocs, 1, ENOMEM, 200000);
	for (unsigned k = 1; k <= 8; k++)
		if (!check_round_trip_failure(reallocs, k, ENOMEM, 200000))
			break;
}
END_TEST

START_TEST(test_child_to_parent_read_error)
{
	char *data = grade_pattern(300000, 4), *got = NULL;
	size_t heap = grade_heap_in_use();
	ssize_t n;

	/* The parent's second read() fails; then its first waitpid() is
	 * interrupted by a signal (EINTR), which is no reason to give up. */
	grade_fail_nth("read", 2, EINVAL);
	grade_fail_nth("waitpid", 1, EINTR);
	n = GRADE_CALL(pipe_child_to_parent(data, 300000, &got));
	if (!grade_expect_clean_failure(n, EINVAL, "pipe_child_to_parent()")) {
		GRADE_IMPLEMENTED(n, "pipe_child_to_parent", 2);
		ck_abort_msg("the parent read 300000 bytes with fewer than 2 "
			     "read() calls: did it read at all?");
	}
	ck_assert_msg(got == NULL,
		      "pipe_child_to_parent() returned -1 but set *out: on "
		      "failure leave *out alone (and free what you allocated)");
	check_heap_since(heap, "when the parent's read() failed");
	free(data);
}
END_TEST

START_TEST(test_child_to_parent_child_fails)
{
	char *data = grade_pattern(1000, 5), *got = NULL;
	size_t heap = grade_heap_in_use();
	ssize_t n;

	grade_fail_nth("write", 1, ENOSPC); /* only the child writes */
	n = GRADE_CALL(pipe_child_to_parent(data, 1000, &got));
	grade_fail_clear();
	GRADE_IMPLEMENTED(n, "pipe_child_to_parent", 2);
	ck_assert_msg(n == -1 && errno == EIO,
		      "the child's write() failed (ENOSPC), and "
		      "pipe_child_to_parent() returned %zd with errno %s; "
		      "expected -1 with EIO: the child must _exit() with a "
		      "non-zero status when it cannot send everything, and the "
		      "parent must check that status (WIFEXITED, WEXITSTATUS)",
		      n, ipc_errno_name(errno));
	ck_assert_msg(got == NULL,
		      "pipe_child_to_parent() returned -1 but set *out: on "
		      "failure leave *out alone (and free what you allocated)");
	check_heap_since(heap, "when the child failed");
	free(data);
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

START_TEST(test_measure_capacity_reports_errors)
{
	int fds[2];
	long got;

	make_pipe(fds);
	close(fds[0]); /* no reader: write() fails with EPIPE */
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	got = pipe_measure_capacity(fds[1]);
	GRADE_IMPLEMENTED(got, "pipe_measure_capacity", 3);
	ck_assert_msg(got == -1 && errno == EPIPE,
		      "pipe_measure_capacity() on a pipe with no reader returned "
		      "%ld with errno %s; expected -1 with EPIPE: only EAGAIN "
		      "means the pipe is full, any other error is an error",
		      got, ipc_errno_name(errno));
	ck_assert_msg(!(fcntl(fds[1], F_GETFL) & O_NONBLOCK),
		      "after the error, the write end is still non-blocking: "
		      "restore the fd's flags on the error path too");
	close(fds[1]);
}
END_TEST

START_TEST(test_measure_capacity_cleans_up_when_fcntl_fails)
{
	bool failed = true;

	/* Each fcntl() call in turn fails, until there are no more. */
	for (unsigned k = 1; k <= 6 && failed; k++) {
		int fds[2];
		long got;

		make_pipe(fds);
		grade_fail_nth("fcntl", k, EINVAL);
		got = pipe_measure_capacity(fds[1]);
		failed = grade_expect_clean_failure(got, EINVAL,
						    "pipe_measure_capacity()");
		if (!failed)
			check_capacity(fds, got);
		close(fds[0]);
		close(fds[1]);
	}
}
END_TEST

START_TEST(test_set_capacity_rejects_bad_sizes)
{
	static const long bad[] = { -1, -4096, 1L << 32, (1L << 40) + 4096 };
	int fds[2], before;

	make_pipe(fds);
	before = fcntl(fds[1], F_GETPIPE_SZ);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long got;
		errno = 0;
		got = pipe_set_capacity(fds[1], bad[i]);
		GRADE_IMPLEMENTED(got, "pipe_set_capacity", 3);
		ck_assert_msg(got == -1 && errno == EINVAL,
			      "pipe_set_capacity(%ld) returned %ld with errno %s; "
			      "expected -1 with EINVAL: F_SETPIPE_SZ takes an int, "
			      "so check the long you were given before converting "
			      "it (a cast would turn 2^32 into 0)",
			      bad[i], got, ipc_errno_name(errno));
	}
	ck_assert_msg(fcntl(fds[1], F_GETPIPE_SZ) == before,
		      "a refused size changed the pipe's capacity from %d to %d",
		      before, fcntl(fds[1], F_GETPIPE_SZ));
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

START_TEST(test_pipeline_signal_status)
{
	char *left[] = { "echo", "hi", NULL };
	char *right[] = { "sh", "-c", "cat >/dev/null; kill -TERM $$", NULL };
	char *text;
	int status = run_pipeline(left, right, &text);

	free(text);
	ck_assert_msg(status == 128 + SIGTERM,
		      "the right command was killed by SIGTERM (15) and "
		      "pipe_run_pipeline() returned %d; expected %d, as a shell "
		      "says: 128 + the signal number when WIFSIGNALED(status), "
		      "WEXITSTATUS(status) only when WIFEXITED(status)",
		      status, 128 + SIGTERM);
}
END_TEST

/** How many times a working `echo hi | cat` calls @p function. */
static unsigned
pipeline_calls(const char *function)
{
	char *left[] = { "echo", "hi", NULL };
	char *right[] = { "cat", NULL };
	unsigned calls;
	char *text;

	grade_fail_nth(function, 1000, EINVAL); /* never reached: counts */
	ck_assert_int_eq(run_pipeline(left, right, &text), 0);
	calls = grade_fail_calls(function);
	grade_fail_clear();
	free(text);
	return calls;
}

START_TEST(test_pipeline_cleans_up_when_calls_fail)
{
	/* A left command that never ends by itself: when the right child
	 * cannot be started, the left one must be stopped, not waited for. */
	char *left[] = { "sleep", "60", NULL };
	char *right[] = { "cat", NULL };
	static const struct {
		const char *function[3];
		int err;
	} cases[] = {
		{ { "pipe", "pipe2", NULL }, EMFILE },
		{ { "fork", NULL }, EAGAIN },
	};
	int out = open(grade_path("pipeline.out"), O_RDWR | O_CREAT | O_TRUNC, 0600);

	ck_assert_msg(out != -1, "open: %s", strerror(errno));
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		unsigned calls = 0;
		for (int f = 0; cases[c].function[f] != NULL; f++)
			calls += pipeline_calls(cases[c].function[f]);
		/* Each of those calls in turn fails. */
		for (unsigned k = 1; k <= calls; k++) {
			int status;
			for (int f = 0; cases[c].function[f] != NULL; f++)
				grade_fail_nth(cases[c].function[f], k,
					       cases[c].err);
			status = GRADE_CALL(pipe_run_pipeline(left, right, out));
			if (!grade_expect_clean_failure(status, cases[c].err,
							"pipe_run_pipeline()"))
				ck_abort_msg("pipe_run_pipeline() made fewer %s() "
					     "calls for `sleep 60 | cat` than for "
					     "`echo hi | cat`",
					     cases[c].function[0]);
		}
	}
	close(out);
}
END_TEST

START_TEST(test_pipeline_survives_interrupted_waitpid)
{
	char *left[] = { "seq", "1", "1000", NULL };
	char *right[] = { "wc", "-l", NULL };
	bool interrupted = true;

	/* Each waitpid() call in turn is interrupted by a signal (EINTR):
	 * it reaped nothing, so call it again. */
	for (unsigned k = 1; k <= 6 && interrupted; k++) {
		char *text;
		int status;

		grade_fail_nth("waitpid", k, EINTR);
		status = run_pipeline(left, right, &text);
		interrupted = grade_fail_calls("waitpid") >= k;
		grade_fail_clear();
		ck_assert_msg(status == 0 && atoi(text) == 1000,
			      "when the %u%s waitpid() call failed with EINTR, "
			      "`seq 1 1000 | wc -l` returned %d and printed "
			      "\"%s\": EINTR means a signal came first and "
			      "nothing was reaped, so call waitpid() again",
			      k, k == 1 ? "st" : k == 2 ? "nd" : k == 3 ? "rd" : "th",
			      status, text);
		free(text);
	}
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
	poison_stack(); /* an uninitialised sigset_t is garbage, not empty */
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

/**
 * With SIGUSR1 (and SIGPIPE too if @p sigpipe_pending) blocked and pending
 * in the caller, write to a pipe with no reader: every one of them must
 * still be pending after, and blocked.
 */
static void
check_pending_kept(bool sigpipe_pending)
{
	struct sigaction handler = { .sa_handler = count_sigpipe };
	sigset_t mine, before, after;
	int fd = readerless_pipe();
	const struct timespec now = { 0, 0 };
	ssize_t n;

	sigemptyset(&handler.sa_mask);
	sigaction(SIGPIPE, &handler, NULL);
	sigemptyset(&mine);
	sigaddset(&mine, SIGPIPE);
	sigaddset(&mine, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mine, &before);
	if (sigpipe_pending)
		raise(SIGPIPE);
	raise(SIGUSR1);
	poison_stack(); /* an uninitialised sigset_t is garbage, not empty */
	n = pipe_write_nosigpipe(fd, "hello", 5);
	GRADE_IMPLEMENTED(n, "pipe_write_nosigpipe", 5);
	ck_assert_msg(n == -1 && errno == EPIPE, "expected -1 with EPIPE, got "
		      "%zd (%s)", n, ipc_errno_name(errno));
	sigpending(&after);
	ck_assert_msg(sigismember(&after, SIGUSR1),
		      "the caller's pending SIGUSR1 is gone: take back only "
		      "the SIGPIPE your write raised (sigtimedwait() on a set "
		      "holding SIGPIPE alone, made with sigemptyset() and "
		      "sigaddset())");
	ck_assert_msg(sigismember(&after, SIGPIPE) == sigpipe_pending,
		      sigpipe_pending
			      ? "SIGPIPE was pending (and blocked) before the call, "
				"and pipe_write_nosigpipe() took it: check with "
				"sigpending() before writing, and take back a "
				"SIGPIPE only if it was not pending already (it "
				"is the caller's, not yours)"
			      : "the SIGPIPE your write raised is still pending: "
				"take it back with sigtimedwait()");
	sigprocmask(SIG_SETMASK, NULL, &after);
	ck_assert_msg(sigismember(&after, SIGPIPE) && sigismember(&after, SIGUSR1),
		      "pipe_write_nosigpipe() unblocked a signal the caller had "
		      "blocked: restore the old mask (SIG_SETMASK), do not "
		      "unblock SIGPIPE");
	while (sigtimedwait(&mine, NULL, &now) > 0)
		; /* the test's own pending signals */
	sigprocmask(SIG_SETMASK, &before, NULL);
	close(fd);
}

START_TEST(test_nosigpipe_keeps_pending_signals)
{
	check_pending_kept(false);
	check_pending_kept(true);
}
END_TEST

START_TEST(test_nosigpipe_survives_interrupted_sigtimedwait)
{
	struct sigaction handler = { .sa_handler = count_sigpipe };
	sigset_t pending;
	int fd = readerless_pipe();
	ssize_t n;

	sigemptyset(&handler.sa_mask);
	sigaction(SIGPIPE, &handler, NULL);
	grade_fail_nth("sigtimedwait", 1, EINTR);
	n = pipe_write_nosigpipe(fd, "hello", 5);
	grade_fail_clear();
	GRADE_IMPLEMENTED(n, "pipe_write_nosigpipe", 5);
	ck_assert_msg(n == -1 && errno == EPIPE,
		      "when sigtimedwait() was interrupted (EINTR), "
		      "pipe_write_nosigpipe() returned %zd with errno %s; "
		      "expected -1 with EPIPE: keep the write's errno (save it, "
		      "restore it last)",
		      n, ipc_errno_name(errno));
	sigpending(&pending);
	ck_assert_msg(!sigismember(&pending, SIGPIPE) && sigpipe_seen == 0,
		      "when sigtimedwait() was interrupted (EINTR), the SIGPIPE "
		      "your write raised %s: EINTR means nothing was taken, so "
		      "call sigtimedwait() again",
		      sigpipe_seen ? "reached the caller's handler"
				   : "stayed pending");
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
	{ GRADE_REF(test_read_all_reports_errors), 1, 1, 2,
	  "pipe_read_all() retries an error for ever: retry only EINTR" },
	{ GRADE_REF(test_write_all_stops_at_an_error_midway), 1, 1, 0, NULL },
	{ GRADE_REF(test_read_all_stops_at_an_error_midway), 1, 1, 0, NULL },
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
	{ GRADE_REF(test_child_to_parent_cleans_up_when_calls_fail), 2, 2, 5,
	  "after a failed call the parent waits for a child that never ends: "
	  "close the parent's read end before waitpid() (the child's write() "
	  "then fails with EPIPE and it ends), and make sure the child does "
	  "not hold a read end itself" },
	{ GRADE_REF(test_child_to_parent_read_error), 2, 2, 3,
	  "after the parent's read() failed, the child never ended: the parent "
	  "must close its read end before waitpid(), and the child must have "
	  "closed its own copy of the read end right after fork(), or its "
	  "write() blocks for ever instead of failing with EPIPE" },
	{ GRADE_REF(test_child_to_parent_child_fails), 2, 1, 3, NULL },
	{ GRADE_REF(test_demo_send_matches_reference), 2, 1, 10, NULL },
	{ GRADE_REF(test_measure_capacity_default), 3, 2, 3,
	  "the fill loop never ended: set O_NONBLOCK on the write end so a "
	  "full pipe makes write() fail with EAGAIN instead of blocking" },
	{ GRADE_REF(test_set_capacity_resizes), 3, 2, 3,
	  "the fill loop never ended: set O_NONBLOCK on the write end" },
	{ GRADE_REF(test_measure_capacity_reports_errors), 3, 1, 3,
	  "the fill loop never ended: stop at any write() error, and treat "
	  "only EAGAIN as \"the pipe is full\"" },
	{ GRADE_REF(test_measure_capacity_cleans_up_when_fcntl_fails), 3, 1, 3,
	  "when fcntl() could not set O_NONBLOCK, the fill loop blocked on a "
	  "full pipe: return -1 as soon as an fcntl() call fails" },
	{ GRADE_REF(test_set_capacity_rejects_bad_sizes), 3, 1, 0, NULL },
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
	{ GRADE_REF(test_pipeline_signal_status), 4, 1, 4,
	  "the pipeline hangs: some process still holds a write end" },
	{ GRADE_REF(test_pipeline_cleans_up_when_calls_fail), 4, 2, 4,
	  "when the second fork() failed, pipe_run_pipeline() waited for the "
	  "first child (`sleep 60`), which never ends by itself: kill it "
	  "(SIGKILL), reap it, then return -1 with fork()'s errno" },
	{ GRADE_REF(test_pipeline_survives_interrupted_waitpid), 4, 1, 4,
	  "the pipeline hangs: some process still holds a write end" },
	{ GRADE_REF(test_demo_pipeline_matches_reference), 4, 1, 10, NULL },
	{ GRADE_REF(test_nosigpipe_reports_epipe), 5, 2, 0, NULL },
	{ GRADE_REF(test_nosigpipe_leaves_signal_state), 5, 3, 0, NULL },
	{ GRADE_REF(test_nosigpipe_keeps_pending_signals), 5, 1, 0, NULL },
	{ GRADE_REF(test_nosigpipe_survives_interrupted_sigtimedwait), 5, 1, 0,
	  NULL },
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
