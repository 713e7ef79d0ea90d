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
	{ "test_read_all_reports_errors",
	  "The test reads from a pipe's write end. What does read() say, and "
	  "does your loop pass it on?",
	  "read() on a descriptor that is not open for reading fails with "
	  "EBADF, and will fail the same way every time. Only EINTR is worth "
	  "retrying; any other error ends the loop with -1 and read()'s errno.",
	  "`if (n == -1) { if (errno == EINTR) continue; return -1; }` before "
	  "the `n == 0` check, and no call in between that could change "
	  "errno." },
	{ "test_write_all_stops_at_an_error_midway",
	  "Two short writes went through, then the third write() failed with "
	  "EIO. What does your function return: -1, or the bytes written so "
	  "far?",
	  "pipe_write_all() returns len or -1, nothing in between: a partial "
	  "count is neither, and retrying EIO only fails again. Return -1 at "
	  "once, with errno as write() set it, whatever went out before.",
	  "`n = write(fd, p + done, len - done); if (n == -1) { if (errno == "
	  "EINTR) continue; return -1; } done += n;`: no `break` and no "
	  "`return done` on an error." },
	{ "test_read_all_stops_at_an_error_midway",
	  "After two short reads the third read() fails with EIO. Does your "
	  "loop return what it has, or -1?",
	  "pipe_read_all() returns fewer than len bytes only at EOF (pipe.h): "
	  "a short count after an error tells the caller the writer is gone "
	  "when it is not. An error is -1 with read()'s errno, even midway.",
	  "`if (n == -1) { if (errno == EINTR) continue; return -1; } if (n == "
	  "0) break; done += n;`: only EOF leads to `return done`." },

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
	{ "test_child_to_parent_cleans_up_when_calls_fail",
	  "pipe(), fork(), malloc() and each realloc() fail in turn. On each "
	  "of those paths, what is still open, allocated or running when you "
	  "return?",
	  "Each failure gives -1 with that call's errno and leaves nothing "
	  "behind. A failed fork() leaves both pipe ends open. A failed "
	  "allocation in the parent leaves the read end, the buffer, and a "
	  "child blocked on a full pipe until that read end is closed. close() "
	  "and waitpid() may change errno: save it first. *out stays as it "
	  "was.",
	  "fork() failed: `saved = errno; close(fds[0]); close(fds[1]); errno "
	  "= saved; return -1;`. malloc/realloc failed: `saved = errno; "
	  "free(buf); close(fds[0]);` then `while (waitpid(pid, NULL, 0) == -1 "
	  "&& errno == EINTR) ;` and `errno = saved; return -1;`." },
	{ "test_child_to_parent_read_error",
	  "The parent's second read() fails with EINVAL, then its first "
	  "waitpid() is interrupted. Which errno reaches the caller, and is "
	  "the child reaped?",
	  "The child is still writing 300000 bytes: close the read end, so its "
	  "write fails (EPIPE) and it ends, then reap it. A waitpid() that "
	  "failed with EINTR reaped nothing: call it again. The errno to "
	  "return is read()'s, saved before the cleanup: not EINTR, not EIO.",
	  "When the read loop fails: `saved = errno; free(buf); close(fds[0]); "
	  "while (waitpid(pid, &status, 0) == -1 && errno == EINTR) ; errno = "
	  "saved; return -1;`" },
	{ "test_child_to_parent_child_fails",
	  "The child's write() failed, so the parent read 0 bytes, then EOF. "
	  "How does the parent tell that from an empty message?",
	  "EOF only says every write end is closed, not that everything was "
	  "sent. The exit status says it: the child _exit()s with 1 when it "
	  "could not send all len bytes, and the parent turns a non-zero "
	  "status, or a death by signal, into -1 with EIO, freeing its buffer.",
	  "Child: `_exit(pipe_write_all(fds[1], msg, len) == (ssize_t)len ? 0 "
	  ": 1);`. Parent, after waitpid(): `if (!WIFEXITED(status) || "
	  "WEXITSTATUS(status) != 0) { free(buf); errno = EIO; return -1; }`" },
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
	{ "test_measure_capacity_reports_errors",
	  "The pipe has no reader, so the very first write() fails with EPIPE. "
	  "Does your fill loop take that for \"full\"?",
	  "Only EAGAIN means the pipe is full. Any other error (EPIPE here, "
	  "SIGPIPE being ignored) is an error: -1 with write()'s errno. The fd "
	  "is non-blocking by then, so put its flags back first, keeping errno "
	  "across that fcntl().",
	  "After the loop: `if (errno != EAGAIN) { saved = errno; fcntl(fd, "
	  "F_SETFL, flags); errno = saved; return -1; }` (inside the loop, "
	  "`continue` on EINTR)." },
	{ "test_measure_capacity_cleans_up_when_fcntl_fails",
	  "Each of your fcntl() calls fails in turn with EINVAL. Do you check "
	  "what each one returns?",
	  "If F_GETFL fails you have no flags to set or restore. If setting "
	  "O_NONBLOCK fails the fd still blocks, and the fill loop waits for "
	  "ever on the full pipe. If the final restore fails the caller's fd "
	  "stays non-blocking. Each is -1 with fcntl()'s errno.",
	  "`flags = fcntl(fd, F_GETFL); if (flags == -1 || fcntl(fd, F_SETFL, "
	  "flags | O_NONBLOCK) == -1) return -1;` and at the end `if "
	  "(fcntl(fd, F_SETFL, flags) == -1) return -1; return total;`." },
	{ "test_set_capacity_rejects_bad_sizes",
	  "fcntl(F_SETPIPE_SZ) takes an int. What does your (int) cast make of "
	  "2^32, or of 2^40 + 4096?",
	  "(int)(1L << 32) is 0 and (int)((1L << 40) + 4096) is 4096: sizes "
	  "the kernel accepts, and the pipe shrinks to one page. A negative "
	  "size is never a capacity either. Check the long before converting "
	  "it, and refuse with EINVAL without touching the pipe.",
	  "First thing in pipe_set_capacity(): `if (bytes <= 0 || bytes > "
	  "INT_MAX) { errno = EINVAL; return -1; }` (INT_MAX from <limits.h>), "
	  "then `return fcntl(fd, F_SETPIPE_SZ, (int)bytes);`." },
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
	{ "test_pipeline_signal_status",
	  "The right command was killed by SIGTERM. What is WEXITSTATUS() of a "
	  "status that did not come from exit()?",
	  "WEXITSTATUS means something only when WIFEXITED is true. A process "
	  "killed by a signal has WIFSIGNALED true and WTERMSIG its signal; a "
	  "shell reports that as 128 + the signal number, 143 for SIGTERM.",
	  "On the right child's status from waitpid(): `return "
	  "WIFEXITED(status) ? WEXITSTATUS(status) : 128 + "
	  "WTERMSIG(status);`" },
	{ "test_pipeline_cleans_up_when_calls_fail",
	  "The left command is `sleep 60`. When the second fork() fails, what "
	  "happens if you wait for the first child?",
	  "Each pipe() and fork() fails in turn. A failed pipe() leaves "
	  "nothing to undo; a failed fork() leaves both pipe ends open. After "
	  "the second fork() fails the left child runs on for 60 s: kill it "
	  "and reap it, then return -1 with fork()'s errno, saved before the "
	  "cleanup.",
	  "`if (right_pid == -1) { saved = errno; close(fds[0]); "
	  "close(fds[1]); kill(left_pid, SIGKILL); waitpid(left_pid, NULL, 0); "
	  "errno = saved; return -1; }`" },
	{ "test_pipeline_survives_interrupted_waitpid",
	  "Each waitpid() call in turn fails with EINTR. What does your code "
	  "do with that -1?",
	  "An interrupted waitpid() reaped nothing and filled in no status: "
	  "reading the status then reads garbage, and moving on leaves a child "
	  "unreaped. EINTR means: call it again, for each child.",
	  "`while (waitpid(left_pid, &left_status, 0) == -1 && errno == EINTR) "
	  ";` and the same loop for right_pid, before reading right_status." },
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
	{ "test_nosigpipe_keeps_pending_signals",
	  "The caller has SIGUSR1, and sometimes SIGPIPE, blocked and pending "
	  "before your call. Which pending signals may your function take?",
	  "Only the SIGPIPE your own write raised. A SIGPIPE pending before "
	  "the call is the caller's: look with sigpending() before writing. "
	  "sigtimedwait() takes any signal of its set, so the set holds "
	  "SIGPIPE alone, emptied with sigemptyset() first. Restore the mask "
	  "with SIG_SETMASK: never unblock what the caller blocked.",
	  "`sigemptyset(&set); sigaddset(&set, SIGPIPE); "
	  "sigprocmask(SIG_BLOCK, &set, &old); sigpending(&before);` then, "
	  "after an EPIPE: `if (!sigismember(&before, SIGPIPE)) "
	  "sigtimedwait(&set, NULL, &zero);` and last "
	  "`sigprocmask(SIG_SETMASK, &old, NULL);`." },
	{ "test_nosigpipe_survives_interrupted_sigtimedwait",
	  "Your sigtimedwait() fails with EINTR. Was the SIGPIPE taken, and "
	  "which errno does your caller see?",
	  "An interrupted sigtimedwait() took nothing: SIGPIPE is still "
	  "pending and reaches the caller's handler as soon as the old mask is "
	  "back. Call it again until it returns SIGPIPE. Its EINTR also "
	  "replaced write()'s EPIPE in errno: save errno right after the "
	  "write, restore it last.",
	  "`saved = errno;` right after pipe_write_all(); `while "
	  "(sigtimedwait(&set, NULL, &zero) == -1 && errno == EINTR) ;` with "
	  "`zero = { 0, 0 }`; then `sigprocmask(SIG_SETMASK, &old, NULL); "
	  "errno = saved; return n;`" },
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
