/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 09's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: popen without a shell */
	{ "test_popen_reads_output",
	  "seq's output reaches you until EOF. After fork(), who holds the "
	  "pipe's write end?",
	  "fork() copies both ends into the child, and read() returns 0 only "
	  "when every write end is closed. A parent that keeps its copy of the "
	  "child's end waits for itself after seq has exited.",
	  "`pipe2(fds, O_CLOEXEC)`, `fork()`; child: `dup2(fds[1], "
	  "STDOUT_FILENO); execvp(argv[0], argv); _exit(127);`; parent: "
	  "`close(fds[1]); child->from_child = fds[0]; child->to_child = "
	  "-1;`." },
	{ "test_popen_feeds_input",
	  "The child copies its stdin until EOF. In stdio_pclose(), what comes "
	  "first: close() or waitpid()?",
	  "The child ends only once it reads EOF, and it reads EOF only once "
	  "the parent's write end is closed. Wait first, and the parent waits "
	  "for a child that waits for it. The child must not hold a copy of "
	  "the write end either.",
	  "In stdio_pclose(): `close(child->to_child)` (and from_child if "
	  "open), set both to -1, then `while (waitpid(child->pid, &status, 0) "
	  "== -1) if (errno != EINTR) return -1;`." },
	{ "test_popen_exit_status",
	  "What does stdio_pclose() return for `sh -c 'exit 3'`: 3, or what "
	  "waitpid() stored?",
	  "pclose() returns the whole wait status, so that the caller can tell "
	  "an exit code (WIFEXITED) from a killing signal (WIFSIGNALED). A "
	  "command execvp() cannot find looks as in a shell: a child that "
	  "exits with 127.",
	  "`return status;` as `waitpid(child->pid, &status, 0)` left it, no "
	  "WEXITSTATUS(); in the child, right after `execvp(argv[0], argv);`: "
	  "`_exit(127);`." },
	{ "test_popen_rejects_bad_type",
	  "Does your stdio_popen() accept \"rw\"? And \"w+\", \"x\" or \"\"?",
	  "A pipe carries bytes one way, so the type is exactly \"r\" or "
	  "\"w\". Check it before pipe2() and fork(): a refused call leaves no "
	  "descriptor and no child behind.",
	  "At the top: `if (type == NULL || (strcmp(type, \"r\") != 0 && "
	  "strcmp(type, \"w\") != 0)) { errno = EINVAL; return -1; }` (testing "
	  "type[0] alone lets \"rw\" through)." },
	{ "test_popen_child_fds",
	  "The child lists its descriptors: which of them may be an end of "
	  "your pipe, and with which SIGPIPE disposition does it start?",
	  "Only fd 1 (\"r\") or fd 0 (\"w\") may be the pipe: exec keeps every "
	  "other end that is not close-on-exec. And an ignored signal stays "
	  "ignored across exec: the command would inherit the grader's SIG_IGN "
	  "for SIGPIPE.",
	  "`pipe2(fds, O_CLOEXEC)` (dup2()'s copy is not close-on-exec, the "
	  "originals are); in the child, before execvp(): `dup2(child_end, "
	  "target); signal(SIGPIPE, SIG_DFL);` (target 1 for \"r\", 0 for "
	  "\"w\")." },
	{ "test_popen_two_at_once",
	  "The second command starts while the first one's pipe is open in the "
	  "parent. What does it inherit?",
	  "To the second fork(), the first pipe's end is one more descriptor "
	  "of the parent, and exec keeps it unless it is close-on-exec: the "
	  "first command would not see EOF until the second one exits.",
	  "Create the pipe with `pipe2(fds, O_CLOEXEC)` instead of pipe(): the "
	  "parent's end vanishes at every later exec, while dup2()'s copy on 0 "
	  "or 1 survives." },
	{ "test_demo_run_matches_reference",
	  "Do `demo run seq 1 5` and `demo run sh -c 'echo out; exit 3'` print "
	  "the same as the reference demo?",
	  "The demo reads everything through stdio_popen(\"r\"), then prints "
	  "the byte count and the status stdio_pclose() returned: a wrong "
	  "count or status line points at one of the two.",
	  "`make demo LAB=09 IMPL=solutions`, then compare "
	  "`build/labs/09-stdio/demo run sh -c 'echo out; exit 3'` with "
	  "`build/solutions/09-stdio/demo run sh -c 'echo out; exit 3'`." },
	{ "test_demo_feed_matches_reference",
	  "Does `printf 'pear\\nfig\\napple\\n' | demo feed sort` print the "
	  "same as the reference demo?",
	  "The demo writes its stdin into stdio_popen(\"w\"), then calls "
	  "stdio_pclose(): sort prints only after EOF, so the pipe must close "
	  "before the wait, and the status must come back unchanged.",
	  "Pipe the same printf into `build/labs/09-stdio/demo feed sort` and "
	  "into `build/solutions/09-stdio/demo feed sort` (after `make demo "
	  "LAB=09 IMPL=solutions`) and compare." },

	/* Step 2: a coprocess */
	{ "test_coproc_round_trip",
	  "After fork(), how many processes hold the write end of cat's stdin "
	  "pipe, and of its stdout pipe?",
	  "cat ends at EOF on its stdin, which needs every write end closed: "
	  "the parent's to_child, and any original the child kept beside fd 0. "
	  "Your EOF from cat needs the parent's copy of the stdout pipe's "
	  "write end closed too.",
	  "Both pipes with `pipe2(p, O_CLOEXEC)`; child: `dup2(in[0], 0); "
	  "dup2(out[1], 1);` then execvp(); parent: `close(in[0]); "
	  "close(out[1]); child->to_child = in[1]; child->from_child = "
	  "out[0];`." },
	{ "test_coproc_eof_reaches_child",
	  "sort prints nothing until its input ends. Who, besides to_child, "
	  "still holds the write end of sort's stdin?",
	  "The test closes to_child and waits. If sort itself inherited the "
	  "pipe's original write end (not close-on-exec), it waits for EOF "
	  "from itself, for ever.",
	  "`pipe2(in, O_CLOEXEC)`: after `dup2(in[0], STDIN_FILENO)` only fd 0 "
	  "survives execvp(), and in[1] closes in the child at exec." },
	{ "test_coproc_child_fds",
	  "The child reports every descriptor it has: are 0 and 1 your two "
	  "pipes, and is any other fd one of their ends?",
	  "fd 0 must be the first pipe's read end and fd 1 the second pipe's "
	  "write end; every original must be gone after exec, and SIGPIPE back "
	  "at its default (an ignored signal stays ignored across exec).",
	  "Child: `dup2(in[0], STDIN_FILENO); dup2(out[1], STDOUT_FILENO); "
	  "signal(SIGPIPE, SIG_DFL); execvp(argv[0], argv); _exit(127);`, both "
	  "pipes made by `pipe2(..., O_CLOEXEC)`." },
	{ "test_coproc_parent_closes_child_ends",
	  "Which new descriptors does stdio_coproc_start() leave open in the "
	  "parent?",
	  "Only to_child and from_child. The parent's copy of the read end of "
	  "the child's stdin keeps a write to a dead child from failing with "
	  "EPIPE; its copy of the write end of the child's stdout keeps EOF "
	  "from ever coming.",
	  "In the parent, right after fork(): `close(in[0]); close(out[1]);`, "
	  "then fill in pid, `to_child = in[1]`, `from_child = out[0]` and "
	  "`buffered = 0`." },
	{ "test_coproc_two_at_once",
	  "When the second coprocess starts, the first one's to_child and "
	  "from_child are open in the parent. Does the second command get "
	  "them?",
	  "A second fork() copies them, and exec keeps every descriptor that "
	  "is not close-on-exec: the second command then holds the write end "
	  "of the first one's stdin, which sees no EOF while the second runs.",
	  "Make both pipes with `pipe2(in, O_CLOEXEC)` and `pipe2(out, "
	  "O_CLOEXEC)`: later children lose the parent's ends at exec by "
	  "themselves." },
	{ "test_coproc_command_not_found",
	  "execvp() of a command that does not exist returns. What does your "
	  "child do next?",
	  "The child is a copy of the caller: if it returns from "
	  "stdio_coproc_start(), it runs the grader's code a second time. Like "
	  "a shell, it ends with status 127, through _exit(): exit() would "
	  "flush the stdio buffers it copied from the parent and run the "
	  "parent's atexit handlers again.",
	  "Right after `execvp(argv[0], argv);` in the child: `_exit(127);` "
	  "(and also when a dup2() before it failed)." },

	/* Step 3: lines, requests, and the server side */
	{ "test_read_line_one_at_a_time",
	  "The child wrote \"one\\ntwo\\nthree\" in one write(). Where are "
	  "\"two\" and \"three\" after your first read()?",
	  "In child->buf, no longer in the pipe: return up to the first "
	  "newline, keep the rest there for the next calls, and look in the "
	  "buffer before reading again. At EOF return what is left (\"three\", "
	  "no newline), then 0.",
	  "`nl = memchr(child->buf, '\\n', child->buffered)`; copy up to nl "
	  "(or all), then `memmove(child->buf, child->buf + take, "
	  "child->buffered - take); child->buffered -= take;`; read() only "
	  "when no newline is left; 0 from read() ends the line." },
	{ "test_read_line_assembles_pieces",
	  "A 10000-byte line comes at most 4093 bytes per read(), and some "
	  "reads fail with EINTR. Does one read() make one line for you?",
	  "A line ends at its newline, not where a read() ends. child->buf "
	  "holds only 4096 bytes: copy what it has into line, then read again, "
	  "until a newline, EOF or size - 1 bytes. EINTR moved nothing: retry "
	  "it.",
	  "Loop: copy from child->buf into `line + len`; stop at a newline or "
	  "`len == size - 1`; else `n = read(child->from_child, child->buf, "
	  "sizeof(child->buf)); if (n == -1) { if (errno == EINTR) continue; "
	  "return -1; } if (n == 0) break; child->buffered = n;`." },
	{ "test_read_line_never_overflows",
	  "With size 100 and a 1000-byte line, how many bytes may one call "
	  "store, NUL included?",
	  "At most size - 1 bytes and the NUL, like fgets(): a longer line "
	  "comes back in pieces over several calls, only the last one with the "
	  "newline. What you could not take stays in child->buf.",
	  "Cap each copy: `if (take > size - 1 - len) take = size - 1 - len;`, "
	  "leave the loop when `len == size - 1`, then `line[len] = '\\0';`." },
	{ "test_request_round_trip",
	  "Which byte ends a request, and which requests must stdio_request() "
	  "refuse?",
	  "Send the request's bytes, then a newline: cat echoes them, and "
	  "stdio_read_line() returns once the echoed newline arrives. A "
	  "request holding a newline would be two requests: refuse it with "
	  "EINVAL, before writing anything.",
	  "`if (strchr(request, '\\n') != NULL) { errno = EINVAL; return -1; "
	  "}`, then write all of `request` and of `\"\\n\"` to "
	  "child->to_child, then `return stdio_read_line(child, reply, "
	  "size);`." },
	{ "test_request_short_io",
	  "A 10000-byte request: does one write() send it all? And is EINTR a "
	  "failure?",
	  "write() may take part of the buffer, and a signal may interrupt it "
	  "before it wrote anything (EINTR). Loop from where it stopped until "
	  "every byte and the newline went out; the reply comes through "
	  "stdio_read_line()'s own loop.",
	  "`while (done < len) { n = write(child->to_child, request + done, "
	  "len - done); if (n == -1) { if (errno == EINTR) continue; return "
	  "-1; } done += n; }`, then the same for `\"\\n\"`." },
	{ "test_request_line_buffered_tool",
	  "tr writes into a pipe. When does it send each answer, and what does "
	  "`stdbuf -oL` change?",
	  "Into a pipe, tr's stdout is block-buffered; stdbuf -oL makes it "
	  "line-buffered, so tr writes \"HELLO\\n\" as soon as that output "
	  "line ends, that is once your request's newline has arrived. Your "
	  "reader must then stop at that newline.",
	  "Write `request`, then `\"\\n\"` and nothing more, then one "
	  "`stdio_read_line(child, reply, size)`: it returns at the first "
	  "newline, with no read() waiting to fill a buffer." },
	{ "test_request_child_gone",
	  "The child has exited. What does a write() to its stdin do, with "
	  "SIGPIPE ignored, and what do you do with that?",
	  "No process holds the read end any more: write() fails with EPIPE. "
	  "That is final (retrying loops for ever) and must reach the caller "
	  "as -1 with errno EPIPE, not as a read of EOF that returns 0.",
	  "In your write loop: `if (n == -1 && errno == EINTR) continue; if (n "
	  "== -1) return -1;`, so that stdio_read_line() is never called after "
	  "a failed write." },
	{ "test_serve_answers_each_request_at_once",
	  "Your reply went into `out`, a FILE on a pipe. When does the C "
	  "library write() it?",
	  "A stream on a pipe is fully buffered: the reply stays in the FILE "
	  "until its 4 KiB buffer fills, while the peer waits for it before "
	  "sending the next request. Flush after each reply, and read one line "
	  "at a time, not a whole buffer.",
	  "After each reply: `if (fprintf(out, \"%s\\n\", reply) < 0 || "
	  "fflush(out) == EOF) goto fail;` (or `setvbuf(out, NULL, _IOLBF, 0)` "
	  "once, before any output); read with `getline(&line, &cap, in)`." },
	{ "test_serve_several_requests_in_one_write",
	  "Three requests come in one write(), the last one without a newline, "
	  "then EOF. Does each get its answer, and when do you return?",
	  "getline() hands out one line per call from the FILE's buffer, "
	  "whatever one read() brought; the last line comes without '\\n'; "
	  "then getline() returns -1 at EOF. Strip the newline only if there "
	  "is one, and return the count.",
	  "`while ((n = getline(&line, &cap, in)) != -1) { if (n > 0 && line[n "
	  "- 1] == '\\n') line[n - 1] = '\\0'; ... served++; }`, then "
	  "`free(line); return served;` (-1 only if `ferror(in)`)." },
	{ "test_serve_long_request_short_reads",
	  "The request is 10000 bytes long. How big is your line buffer?",
	  "A request may be any length. fgets() into a fixed buffer, or a "
	  "single read(), cuts it into several requests, each answered. "
	  "getline() grows its buffer until the whole line is in.",
	  "`char *line = NULL; size_t cap = 0;` before the loop, "
	  "`getline(&line, &cap, in)` for each request, and `free(line)` "
	  "before every return." },
	{ "test_serve_stops_when_handler_says",
	  "The handler returned -1 for \"quit\". What do you send for it, and "
	  "do you still read \"b\"?",
	  "-1 means stop serving: send nothing for that line, read no more, "
	  "and return how many requests were answered (\"quit\" is not one of "
	  "them).",
	  "`if (handler(line, reply, sizeof(reply), arg) == -1) break;` before "
	  "the fprintf(), and `served++` only once a reply went out." },
	{ "test_demo_talk_matches_reference",
	  "Does `printf 'hello\\nworld\\n' | demo talk stdbuf -oL tr a-z A-Z` "
	  "print the same as the reference demo?",
	  "The demo starts the command with stdio_coproc_start(), sends each "
	  "input line with stdio_request(), prints `> request` and `< reply`, "
	  "then calls stdio_pclose(). With cat and with stdbuf -oL tr, each "
	  "request gets its reply at once.",
	  "`make demo LAB=09 IMPL=solutions`, then pipe the same printf into "
	  "`build/labs/09-stdio/demo talk cat` and "
	  "`build/solutions/09-stdio/demo talk cat`; then with `stdbuf -oL tr "
	  "a-z A-Z`." },
	{ "test_demo_serve_matches_reference",
	  "Does `printf 'hello\\nlsp\\nquit\\nignored\\n' | demo serve` print "
	  "the same as the reference demo?",
	  "The demo runs stdio_serve() on its own stdin and stdout with an "
	  "upper-case handler that stops at \"quit\": two replies, HELLO and "
	  "LSP, and nothing for \"quit\" or after it.",
	  "Compare `printf 'hello\\nlsp\\nquit\\nignored\\n' | "
	  "build/labs/09-stdio/demo serve` with the same into "
	  "`build/solutions/09-stdio/demo serve`; stderr says how many "
	  "requests were served." },

	/* Step 4: no deadlock on large outputs */
	{ "test_communicate_small",
	  "tr prints its output only when its input ends. When do you close "
	  "to_child, and when does your loop stop?",
	  "Close to_child the moment the last byte is written: that is tr's "
	  "EOF. Then read until read() returns 0. At the end poll() may report "
	  "POLLHUP without POLLIN on from_child: read anyway, or the loop "
	  "spins.",
	  "`if (sent == len) { close(child->to_child); child->to_child = -1; "
	  "}` right after the write; on any `pfd[1].revents` (POLLIN or "
	  "POLLHUP) read, and at `n == 0` close from_child and set it to -1." },
	{ "test_communicate_cat_4mib",
	  "4 MiB go to cat, which echoes as it reads. Where do the echoes go "
	  "while you are still writing?",
	  "Into cat's stdout pipe: 64 KiB. Once it is full cat blocks writing "
	  "and stops reading, its stdin pipe fills, and your write() blocks: "
	  "each waits for the other. Read while you write, and never write "
	  "more than POLLOUT promises.",
	  "`struct pollfd pfd[2] = { { child->to_child, POLLOUT }, { "
	  "child->from_child, POLLIN } }; poll(pfd, 2, -1);`; on "
	  "pfd[0].revents write at most PIPE_BUF bytes, on pfd[1].revents read "
	  "into a buffer grown with realloc(); loop while either fd is not "
	  "-1." },
	{ "test_communicate_no_input",
	  "With len 0, what does wc wait for before it prints, and does your "
	  "loop ever give it that?",
	  "wc counts until EOF. With nothing to write, no write ever ends the "
	  "input, if your close() waits for one: close to_child before the "
	  "loop, so that wc sees EOF at once and prints 0.",
	  "Before the poll loop: `if (len == 0) { close(child->to_child); "
	  "child->to_child = -1; }`; poll() skips a pollfd whose fd is -1." },
	{ "test_communicate_child_writes_first",
	  "This child writes 1 MiB before it reads a byte. What happens to a "
	  "big write() of yours?",
	  "Its stdout pipe holds 64 KiB: the child blocks there until you "
	  "read, and never empties its stdin pipe, so your write blocks too. "
	  "Read whenever POLLIN says so, even before your first byte went out.",
	  "Poll both directions every round (POLLOUT on to_child, POLLIN on "
	  "from_child), act on each pollfd whose revents is set, and cap each "
	  "write: `chunk = len - sent > PIPE_BUF ? PIPE_BUF : len - sent`." },
	{ "test_communicate_keeps_buffered_bytes",
	  "child->buf holds \"early\\n\", read from the pipe earlier. Where "
	  "does it belong in the output?",
	  "Those bytes left the pipe when stdio_read_line() read them: only "
	  "child->buf still has them. They come first in the output, and "
	  "afterwards the struct must say that nothing is buffered.",
	  "After malloc() (at least `child->buffered` bytes plus room): "
	  "`memcpy(out, child->buf, child->buffered); got = child->buffered; "
	  "child->buffered = 0;`." },
	{ "test_communicate_short_io",
	  "Every read() and write() here is short, and every third fails with "
	  "EINTR. Which of your calls assume they moved everything?",
	  "A write() may take fewer bytes than asked: advance by what it "
	  "returned and write the rest at the next POLLOUT. EINTR moved "
	  "nothing, on either side: poll again; it is neither an error nor "
	  "EOF.",
	  "`n = write(...); if (n == -1 && errno != EINTR && errno != EPIPE) "
	  "goto fail; if (n > 0) sent += n;` and `n = read(...); if (n == -1 "
	  "&& errno != EINTR) goto fail; if (n > 0) got += n;` (only 0 is "
	  "EOF); poll() failing with EINTR: continue." },
	{ "test_communicate_child_ignores_input",
	  "head leaves after 5 bytes. What do poll() and write() tell you "
	  "about its stdin then?",
	  "Nobody holds the read end: poll() sets POLLERR on to_child (perhaps "
	  "without POLLOUT, if the pipe is full) and write() fails with EPIPE. "
	  "The rest of the input is not wanted: stop writing, keep reading "
	  "until EOF.",
	  "Write on any `pfd[0].revents`, not only POLLOUT; `if (n == -1 && "
	  "errno == EPIPE) { close(child->to_child); child->to_child = -1; }`, "
	  "and return the output as usual." },
	{ "test_demo_pump_matches_reference",
	  "Do `demo pump 1000000 cat` and `demo pump 100000 wc -c` print the "
	  "same as the reference demo?",
	  "The demo sends SIZE pattern bytes through stdio_communicate() and "
	  "prints both counts, both checksums and stdio_pclose()'s status: 1 "
	  "MB through cat deadlocks a transfer that writes everything before "
	  "reading.",
	  "`make demo LAB=09 IMPL=solutions`, then compare "
	  "`build/labs/09-stdio/demo pump 1000000 cat` with "
	  "`build/solutions/09-stdio/demo pump 1000000 cat`, and the same for "
	  "`pump 100000 wc -c`." },

	/* Step 5: shutting down */
	{ "test_shutdown_cooperative_child",
	  "cat exits as soon as its stdin closes. How long does your "
	  "stdio_shutdown() take with a grace period of 60 s?",
	  "Wait for the event \"the child exited\", with the grace period as a "
	  "limit; never sleep() it. A pidfd becomes readable when its process "
	  "exits, so poll() returns at once. No signal was needed: sent is 0, "
	  "and the struct ends empty.",
	  "`close(child->to_child); pidfd = syscall(SYS_pidfd_open, "
	  "child->pid, 0);` then `poll()` it (POLLIN) with grace_ms as the "
	  "timeout, then `waitpid(child->pid, &status, 0)`; close pidfd and "
	  "from_child, set pid and both fds to -1." },
	{ "test_shutdown_reports_exit_code",
	  "The child exits with 7. Which macros take that out of the wait "
	  "status, and what do code and signal hold then?",
	  "WIFEXITED(status) is true for a child that called exit(); then "
	  "WEXITSTATUS(status) is its code (7), and signal is 0. The struct "
	  "arrives full of garbage: set every field, sent too.",
	  "`how->sent = 0;` at the start; after `waitpid(child->pid, &status, "
	  "0)`: `how->exited = WIFEXITED(status); how->code = how->exited ? "
	  "WEXITSTATUS(status) : -1; how->signal = WIFSIGNALED(status) ? "
	  "WTERMSIG(status) : 0;`." },
	{ "test_shutdown_reports_signal",
	  "The child killed itself with SIGUSR1. What does WEXITSTATUS() tell "
	  "you about it?",
	  "Nothing: it means something only when WIFEXITED() is true. Test "
	  "WIFSIGNALED(status), then WTERMSIG() gives the signal; exited is "
	  "false and code -1. You sent nothing: sent stays 0.",
	  "`if (WIFEXITED(status)) { how->exited = true; how->code = "
	  "WEXITSTATUS(status); } else if (WIFSIGNALED(status)) { how->exited "
	  "= false; how->code = -1; how->signal = WTERMSIG(status); }`." },
	{ "test_shutdown_sigterm_after_grace",
	  "This child ignores EOF. When do you stop waiting, and what then?",
	  "After grace_ms without an exit, send SIGTERM and wait again, with a "
	  "deadline: waitpid() has no time limit, sleep() wastes it, poll() on "
	  "a pidfd takes one. Close stdin first and give the whole grace "
	  "period (here 200 ms) before the signal.",
	  "When `poll(pfd, n, left_ms)` returns 0 and the time is up: "
	  "`kill(child->pid, SIGTERM); how->sent = SIGTERM;`, then wait up to "
	  "grace_ms again; recompute left_ms after each wake-up "
	  "(clock_gettime(CLOCK_MONOTONIC))." },
	{ "test_shutdown_sigkill_after_sigterm",
	  "This child ignores EOF and SIGTERM. What is left after the second "
	  "grace period?",
	  "SIGKILL, which cannot be caught, blocked or ignored: after another "
	  "grace_ms send it, and wait without a limit, since it always ends "
	  "the process. Report sent = SIGKILL, then reap the child: unreaped, "
	  "it stays a zombie.",
	  "Escalate over `{ 0, SIGTERM, SIGKILL }`: for a nonzero sig, "
	  "`kill(child->pid, sig); how->sent = sig;`, then wait grace_ms (no "
	  "limit after SIGKILL); finally `waitpid(child->pid, &status, 0)`." },
	{ "test_shutdown_drains_output",
	  "This child writes 1 MiB after EOF, then exits. Who reads that while "
	  "you wait?",
	  "A pipe holds 64 KiB: if nobody reads, the child blocks in write() "
	  "and never exits; if you close from_child instead, its next write "
	  "kills it with SIGPIPE. Read its output and throw it away while you "
	  "wait for the exit.",
	  "`struct pollfd pfd[2] = { { pidfd, POLLIN }, { child->from_child, "
	  "POLLIN } };` on pfd[1].revents `read(child->from_child, sink, "
	  "sizeof(sink))` and drop it; at 0 (its EOF) close from_child and set "
	  "it to -1, so that poll() skips it." },
	{ "test_demo_stop_matches_reference",
	  "Do `demo stop 100 cat` and `demo stop 100 sleep 10` print the same "
	  "as the reference demo?",
	  "cat exits at EOF by itself (no signal sent); sleep never reads its "
	  "stdin and dies of SIGTERM after 100 ms. The demo prints what your "
	  "stdio_shutdown() put in how.",
	  "`make demo LAB=09 IMPL=solutions`, then compare "
	  "`build/labs/09-stdio/demo stop 100 sleep 10` with "
	  "`build/solutions/09-stdio/demo stop 100 sleep 10`, and the same "
	  "with `cat`." },

	/* Error paths, failure injection and signals */
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
