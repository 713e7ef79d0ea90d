/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 09's hints for `make hint`: three per test, from a nudge to
 *        the exact call. (So far the tests of the error paths have them.)
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: popen without a shell */
	{ "test_popen_cleans_up_when_calls_fail",
	  "pipe2() worked, then fork() failed. What is still open when you "
	  "return?",
	  "Each of pipe2() (or pipe()) and fork() fails in turn. Whatever was "
	  "made before the failing call is undone: both ends of the pipe "
	  "closed, no child left. Return -1 with the errno of the call that "
	  "failed (close() may change errno: save it first). An argv with no "
	  "command is EINVAL, before anything is made.",
	  "`pid = fork(); if (pid == -1) { int saved = errno; close(fds[0]); "
	  "close(fds[1]); errno = saved; return -1; }`" },
	{ "test_pclose_survives_interrupted_waitpid",
	  "waitpid() returned -1. Is the child gone?",
	  "A signal handler that runs while waitpid() sleeps makes it fail "
	  "with EINTR: it reaped nothing, the child is still there. Call it "
	  "again; only another error is final. Once the struct is empty (pid "
	  "-1) there is nobody to wait for: EINVAL, never waitpid(-1, ...), "
	  "which reaps any child of the caller.",
	  "`while ((got = waitpid(child->pid, &status, 0)) == -1 && errno == "
	  "EINTR) ;` and first `if (child == NULL || child->pid <= 0) { errno "
	  "= EINVAL; return -1; }`" },
	/* Step 2: a coprocess */
	{ "test_coproc_cleans_up_when_calls_fail",
	  "The second pipe could not be made. What about the first?",
	  "The first pipe, the second pipe and fork() fail in turn: close "
	  "every descriptor made before the failing call, and return -1 with "
	  "that call's errno. An argv that is NULL or empty is EINVAL.",
	  "`if (pipe2(out, O_CLOEXEC) == -1) { int saved = errno; "
	  "close(in[0]); close(in[1]); errno = saved; return -1; }`, and all "
	  "four ends when fork() fails." },
	/* Step 3: lines, requests, and the server side */
	{ "test_read_line_reports_errors",
	  "read() returned -1. Which errors are worth another read()?",
	  "Only EINTR (a signal handler ran, nothing was read). Any other "
	  "failure is returned at once, and child->buf stays as it was, so "
	  "the next call still finds the line. A size below 2 leaves no room "
	  "for a byte and the NUL: EINVAL.",
	  "`if (n == -1) { if (errno == EINTR) continue; return -1; }` and "
	  "first `if (size < 2) { errno = EINVAL; return -1; }`" },
	{ "test_read_line_from_popen_child",
	  "A child from stdio_popen(\"r\"): what does your struct's "
	  "`buffered` hold right after it?",
	  "stdio_read_line() serves child->buf first, so the struct must say "
	  "how many bytes it holds: stdio_popen() sets buffered to 0 (the "
	  "struct it gets may hold anything), and stdio_pclose() sets it to 0 "
	  "again, since those bytes belonged to a child that is gone.",
	  "In stdio_popen(): `child->buffered = 0;`; in stdio_pclose() and "
	  "stdio_shutdown(): `child->buffered = 0;` too." },
	{ "test_request_reports_write_errors",
	  "A write() took part of the request, then the next one failed. What "
	  "does your loop do with -1?",
	  "-1 is not a count: adding it to what was written goes backwards. "
	  "Retry only EINTR; any other error ends the request with -1 and "
	  "that errno.",
	  "`ssize_t n = write(fd, p + done, len - done); if (n == -1) { if "
	  "(errno == EINTR) continue; return -1; } done += (size_t)n;`" },
	{ "test_serve_rejects_null_arguments",
	  "What does your server do with a NULL stream or handler?",
	  "A NULL in, out or handler cannot be used: return -1 with EINVAL "
	  "before reading anything.",
	  "`if (in == NULL || out == NULL || handler == NULL) { errno = "
	  "EINVAL; return -1; }`" },
	{ "test_serve_survives_signals",
	  "getline() returned -1. Was it the end of the input?",
	  "A signal handler that interrupts the read() inside getline() makes "
	  "it return -1 with errno EINTR and sets the stream's error flag. "
	  "That is not EOF: clear the flag and read on. Only feof() (or an "
	  "error other than EINTR) ends the loop.",
	  "`if (n == -1) { if (ferror(in) && errno == EINTR) { clearerr(in); "
	  "continue; } break; }`" },
	{ "test_serve_reports_write_errors",
	  "The peer closed its end. What do fprintf() and fflush() return "
	  "then, and do you look?",
	  "Writing a reply to a pipe nobody reads fails with EPIPE (SIGPIPE "
	  "ignored): fprintf() returns a negative number or fflush() EOF. "
	  "Stop serving and return -1 with that errno, after freeing the line "
	  "getline() allocated.",
	  "`if (fprintf(out, \"%s\\n\", reply) < 0 || fflush(out) == EOF) { "
	  "free(line); return -1; }`" },
	{ "test_serve_frees_its_line",
	  "Who frees the buffer getline() allocated, at EOF and after an "
	  "error?",
	  "getline() allocates the line (and grows it); it is yours to free "
	  "on every way out of the loop. After the loop, ferror(in) tells a "
	  "read error (return -1, keeping errno across free()) from the end "
	  "of the input.",
	  "`if (ferror(in)) { int saved = errno; free(line); errno = saved; "
	  "return -1; } free(line); return served;`" },
	/* Step 4: no deadlock on large outputs */
	{ "test_communicate_with_one_direction",
	  "A stdio_popen(\"r\") child has no stdin pipe. What can "
	  "stdio_communicate() send it?",
	  "With to_child at -1, input cannot go anywhere: EBADF when len > 0, "
	  "before anything else. With len 0 there is nothing to send: read "
	  "the output only. poll() ignores a descriptor of -1, so one loop "
	  "serves both kinds of child.",
	  "`if (len > 0 && child->to_child == -1) { errno = EBADF; return -1; "
	  "}`; the pollfd of a closed direction has `.fd = -1`." },
	{ "test_communicate_cleans_up_when_calls_fail",
	  "malloc(), realloc(), write() or read() failed half way. What do "
	  "you still hold?",
	  "Each fails in turn. The output buffer is yours until you hand it "
	  "out: free it on every path that returns -1, and return the errno "
	  "of the call that failed (free() may change it: save it). A write() "
	  "that fails with EPIPE is not a failure (the child stopped "
	  "reading), and EINTR means try again.",
	  "`fail: saved = errno; free(out); errno = saved; return -1;` with "
	  "`goto fail;` after each failed call." },
	{ "test_communicate_survives_signals",
	  "poll() returned -1. Is the child done?",
	  "A signal handler that runs while poll() waits makes it fail with "
	  "EINTR, having waited for nothing. poll() is never restarted, "
	  "SA_RESTART or not. Poll again; only another error is final.",
	  "`if (poll(pfd, 2, -1) == -1) { if (errno == EINTR) continue; goto "
	  "fail; }`" },
	/* Step 5: shutting down */
	{ "test_shutdown_rejects_bad_arguments",
	  "grace_ms is -1, or how is NULL. What do you close before you "
	  "notice?",
	  "Check every argument first: no child (pid -1), a negative grace "
	  "period, a NULL how are EINVAL, and nothing is closed or sent.",
	  "`if (child == NULL || child->pid <= 0 || grace_ms < 0 || how == "
	  "NULL) { errno = EINVAL; return -1; }` before `close(to_child)`." },
	{ "test_shutdown_survives_signals",
	  "A signal arrived while you waited out the grace period. What did "
	  "poll() and waitpid() return?",
	  "Both fail with EINTR when a handler runs while they sleep, having "
	  "done nothing: poll() again with the time left (keep the deadline, "
	  "do not restart the grace period), waitpid() again.",
	  "`ready = poll(pfd, 2, left); if (ready == -1 && errno == EINTR) "
	  "continue;`, and `while (waitpid(pid, &status, 0) == -1 && errno == "
	  "EINTR) ;`" },
	{ "test_shutdown_without_pidfd",
	  "pidfd_open() said ENOSYS. Can you still tell when the child exits?",
	  "Older kernels have no pidfd. Then look every few milliseconds "
	  "whether the child has exited, without reaping it: waitid() with "
	  "WEXITED | WNOHANG | WNOWAIT fills si_pid only once it has. Poll "
	  "the output meanwhile with a timeout of at most ~10 ms, never past "
	  "the deadline.",
	  "`if (pidfd == -1 && errno != ENOSYS) return -1;` then, without a "
	  "pidfd: `memset(&info, 0, sizeof(info)); waitid(P_PID, pid, &info, "
	  "WEXITED | WNOHANG | WNOWAIT); exited = info.si_pid == pid;`" },
	{ "test_shutdown_drains_through_interrupted_reads",
	  "While you drain the child's output, read() fails with EINTR. Do "
	  "you stop draining?",
	  "EINTR means nothing was read: read again. Close the child's stdout "
	  "only at EOF (0) or after another error; closed too early, the "
	  "child dies of SIGPIPE in the middle of its output.",
	  "`n = read(fd, sink, sizeof(sink)); if (n == 0 || (n == -1 && errno "
	  "!= EINTR)) close(fd);`" },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
