/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 01's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: robust transfer */
	{ "test_write_all_whole_buffer",
	  "What does write() return, and what does your function return when "
	  "every byte went out?",
	  "write() returns how many bytes it took, which may be fewer than "
	  "asked. pipe_write_all() returns the whole length only once all of "
	  "it is written.",
	  "Loop: `n = write(fd, p + done, len - done)`; on n > 0, `done += n`; "
	  "return `done` (== len) at the end." },
	{ "test_write_all_short_writes_and_eintr",
	  "The test makes every write() short, and every third one fail with "
	  "EINTR. Which of those does your loop survive?",
	  "A short write means: write the rest next time, from where it "
	  "stopped. EINTR means: nothing was written, a signal came; try "
	  "again. Every other error is real.",
	  "`if (n == -1 && errno == EINTR) continue; if (n == -1) return -1; "
	  "done += n;` and always write from `(const char *)buf + done`." },
	{ "test_read_all_stops_at_eof",
	  "How does read() tell you the writer is gone?",
	  "read() returns 0 at end of file: every write end is closed. Stop "
	  "there and return how many bytes you got, even if fewer than asked.",
	  "`n = read(fd, p + done, len - done); if (n == 0) break;` then "
	  "`return done;`." },
	{ "test_read_all_short_reads_and_eintr",
	  "Reads here return a few KiB at a time and sometimes EINTR: does "
	  "your loop keep going until len bytes or EOF?",
	  "A short read is normal on a pipe: it returns what is there. EINTR "
	  "read nothing; retry it. Only 0 (EOF) and real errors stop the loop.",
	  "`while (done < len) { n = read(...); if (n == -1 && errno == EINTR) "
	  "continue; if (n == -1) return -1; if (n == 0) break; done += n; "
	  "}`" },
	{ "test_write_all_reports_errors",
	  "What should happen when write() fails with something other than "
	  "EINTR, say EBADF?",
	  "Only EINTR is worth retrying; any other error will fail again "
	  "forever. Return -1 and leave errno as write() set it.",
	  "`if (n == -1) { if (errno == EINTR) continue; return -1; }` and "
	  "call nothing that could change errno before returning." },

	/* Step 2: parent and child */
	{ "test_child_to_parent_empty",
	  "With 0 bytes to send, when does the parent's read loop end?",
	  "It ends at EOF, which comes only when every write end is closed: "
	  "the child's (when it exits) and the parent's own copy from before "
	  "fork().",
	  "In the parent, right after fork(): `close(fds[1]);`. In the child: "
	  "`close(fds[0]);`, write, then `_exit(0)`." },
	{ "test_child_to_parent_small",
	  "After fork(), how many processes hold the pipe's write end?",
	  "Both: fork() copies the descriptor table. The parent's read() "
	  "returns 0 only when the child's copy and its own are closed.",
	  "Parent: `close(fds[1])` before the read loop, then `waitpid(pid, "
	  "&status, 0)` after it. Child: `close(fds[0])`, "
	  "`pipe_write_all(fds[1], msg, len)`, `_exit(...)`." },
	{ "test_child_to_parent_larger_than_pipe",
	  "A pipe holds 64 KiB. What does the child do when it is full, and "
	  "what is the parent doing then?",
	  "The child blocks in write() until someone reads. If the parent "
	  "waits for the child before reading, each waits for the other.",
	  "Read everything first (grow the buffer with realloc as it fills), "
	  "then `waitpid()`: read until pipe_read_all() returns less than "
	  "asked." },
	{ "test_child_to_parent_short_io",
	  "Which calls in your transfer move bytes? Do all of them go through "
	  "your step 1 helpers?",
	  "Short reads and EINTR happen on both sides of the pipe. A bare "
	  "read() or write() anywhere loses or repeats bytes.",
	  "Child: `pipe_write_all(fds[1], msg, len)`. Parent: a loop of "
	  "`pipe_read_all(fds[0], buf + got, cap - got)`." },
	{ "test_demo_send_matches_reference",
	  "Run `build/labs/01-pipe/demo send 100000` and the reference demo: "
	  "do they print the same?",
	  "The demo only calls your functions: a difference comes from "
	  "pipe_child_to_parent() (how many bytes, which bytes, or its "
	  "status).",
	  "Compare `demo send N` for N = 0, 1, 65536, 65537 with "
	  "`make demo LAB=01 IMPL=solutions` and `build/solutions/01-pipe/demo "
	  "send N`." },

	/* Step 3: capacity */
	{ "test_measure_capacity_default",
	  "How do you fill a pipe without blocking when it is full?",
	  "With O_NONBLOCK set, a write to a full pipe fails with EAGAIN "
	  "instead of waiting. The capacity is the number of bytes written "
	  "until then. Put the flags back afterwards.",
	  "`flags = fcntl(fd, F_GETFL); fcntl(fd, F_SETFL, flags | "
	  "O_NONBLOCK);` write 1-byte (or small) chunks counting until "
	  "`errno == EAGAIN`, then `fcntl(fd, F_SETFL, flags)`." },
	{ "test_set_capacity_resizes",
	  "Which fcntl() command changes a pipe's size, and what does it "
	  "return?",
	  "F_SETPIPE_SZ asks for at least that many bytes; the kernel rounds "
	  "up to a power-of-two number of pages and returns the real size.",
	  "`long got = fcntl(fd, F_SETPIPE_SZ, (int)bytes);` return got (or "
	  "-1 with errno); check it with F_GETPIPE_SZ or your measure." },
	{ "test_demo_capacity_matches_reference",
	  "Does `demo capacity` print the same as the reference's?",
	  "It measures a fresh pipe, resizes it and measures again: both "
	  "numbers come from your step 3 functions.",
	  "Run both demos with `capacity` and compare line by line; check "
	  "that the pipe is empty and blocking again after each measure." },

	/* Step 4: left | right */
	{ "test_pipeline_seq_wc",
	  "`wc -l` prints only when its input ends. Who still holds the "
	  "pipe's write end?",
	  "Every process that has the write end open keeps wc waiting: the "
	  "left child (its stdout after dup2), but also the parent and the "
	  "right child if they did not close their copies.",
	  "Left child: `dup2(fds[1], 1); close(fds[0]); close(fds[1]); "
	  "execvp(left[0], left);`. Right child: `dup2(fds[0], 0); "
	  "dup2(out_fd, 1);` and close both ends. Parent: close both ends, "
	  "then waitpid() both children." },
	{ "test_pipeline_exit_status",
	  "Whose exit status does the function return, and in which form?",
	  "The shell reports the last command of a pipeline: the right one. "
	  "Return its wait status decoded the way the handout says.",
	  "`waitpid(right_pid, &status, 0)` and `waitpid(left_pid, NULL, 0)`; "
	  "return `WIFEXITED(status) ? WEXITSTATUS(status) : ...` as pipe.h "
	  "documents." },
	{ "test_pipeline_many_bytes",
	  "With megabytes going through, which process reads them, and does "
	  "any process still have a write end open?",
	  "The right child reads as the left one writes; the parent only "
	  "waits. A hang means a write end survived somewhere (after dup2 "
	  "the original fd is still open too).",
	  "After each `dup2(old, new)` in a child, `close(old)` (both pipe "
	  "ends); in the parent, `close(fds[0]); close(fds[1]);` before "
	  "waiting." },
	{ "test_demo_pipeline_matches_reference",
	  "Does `demo pipeline` behave like the reference's?",
	  "The demo runs a pipeline through pipe_run_pipeline() and prints "
	  "its output and status.",
	  "Run both demos with the same `pipeline` arguments and compare "
	  "their output and exit status." },

	/* Step 5: EPIPE without dying */
	{ "test_nosigpipe_reports_epipe",
	  "What happens to a process that writes to a pipe nobody reads?",
	  "The kernel sends it SIGPIPE, which kills it by default. While "
	  "SIGPIPE is blocked, write() fails with EPIPE instead.",
	  "`sigemptyset(&set); sigaddset(&set, SIGPIPE); "
	  "sigprocmask(SIG_BLOCK, &set, &old);` then write, then restore with "
	  "`sigprocmask(SIG_SETMASK, &old, NULL)`." },
	{ "test_nosigpipe_leaves_signal_state",
	  "After your function returns EPIPE, is a SIGPIPE still pending?",
	  "The failed write made SIGPIPE pending while it was blocked: "
	  "unblock it and it kills the caller. Consume it first, unless it "
	  "was pending before you started.",
	  "Before: `sigpending(&before)`. After EPIPE: if SIGPIPE was not in "
	  "`before`, `sigtimedwait(&set, NULL, &(struct timespec){ 0 })`. "
	  "Then restore the old mask." },
	{ "test_nosigpipe_writes_with_reader",
	  "With a reader present, does your function behave like "
	  "pipe_write_all()?",
	  "It is the same write loop; only the signal handling around it is "
	  "new.",
	  "Call `pipe_write_all(fd, buf, len)` between the sigprocmask() "
	  "calls and keep its return value and errno." },
	{ "test_demo_epipe_matches_reference",
	  "Does `demo epipe` print the same as the reference's?",
	  "The demo writes to a pipe whose reader is gone and prints what "
	  "pipe_write_nosigpipe() returned.",
	  "Run both demos with `epipe` and compare: the process must survive "
	  "and report EPIPE." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
