/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 02's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: create a FIFO idempotently */
	{ "test_create_makes_a_fifo",
	  "Which call makes a FIFO, and what does fifo_create() return when "
	  "that call made it?",
	  "mkfifo() creates the FIFO with `mode & ~umask`. The test sets the "
	  "umask to 022 and asks 0640: pass mode through as it came, and "
	  "return 1 for \"created\".",
	  "First thing in fifo_create(): `if (mkfifo(path, mode) == 0) return "
	  "1;`." },
	{ "test_create_accepts_an_existing_fifo",
	  "When mkfifo() fails with EEXIST, what is at the path? Do you look "
	  "before you decide?",
	  "EEXIST only says that something has that name. If it is a FIFO, "
	  "that is success (0), and it must stay the same FIFO: removing and "
	  "remaking it cuts off the processes that have it open.",
	  "`if (errno != EEXIST) return -1; if (stat(path, &st) == -1) return "
	  "-1; if (S_ISFIFO(st.st_mode)) return 0;` and no unlink() "
	  "anywhere." },
	{ "test_create_refuses_a_regular_file",
	  "mkfifo() said EEXIST and stat() says a regular file is there. Is "
	  "it yours to replace?",
	  "Only a FIFO counts as \"already there\". Anything else is someone's "
	  "data: leave it untouched and fail with EEXIST, set by you, since "
	  "stat() succeeded.",
	  "After the stat(): `if (!S_ISFIFO(st.st_mode)) { errno = EEXIST; "
	  "return -1; }`." },
	{ "test_create_refuses_a_directory",
	  "Does your check treat a directory like a regular file, or let it "
	  "through?",
	  "mkfifo() over a directory fails with EEXIST too. Test for what you "
	  "accept (S_ISFIFO), not for what you refuse (S_ISREG), and every "
	  "other type falls into the refusal.",
	  "The same branch as for a file: `if (!S_ISFIFO(st.st_mode)) { errno "
	  "= EEXIST; return -1; }`; never rmdir() or unlink()." },
	{ "test_create_reports_a_missing_directory",
	  "mkfifo() failed, but not with EEXIST. Which errno does your caller "
	  "see?",
	  "ENOENT means the directory is missing: nothing is there to look "
	  "at. Return -1 at once with mkfifo's errno; only EEXIST calls for a "
	  "stat().",
	  "`if (mkfifo(path, mode) == 0) return 1; if (errno != EEXIST) "
	  "return -1;` with no call in between that could change errno." },
	{ "test_demo_create_matches_reference",
	  "Run `build/labs/02-fifo/demo create` and the reference demo: do "
	  "they print the same?",
	  "The demo calls fifo_create() four times: on a free path, on the "
	  "same path again, over a regular file, in a missing directory. The "
	  "reference prints 1, 0, EEXIST and ENOENT.",
	  "`make demo LAB=02 IMPL=solutions`, then compare `demo create` from "
	  "build/labs/02-fifo/ and build/solutions/02-fifo/ line by line." },

	/* Step 2: the sequence-number server and client */
	{ "test_open_pair_returns_without_a_writer",
	  "Nobody else opens this FIFO. Which of your open() calls waits for "
	  "a partner?",
	  "open(O_RDONLY) on a FIFO blocks until a writer comes; with "
	  "O_NONBLOCK it returns at once, and then open(O_WRONLY) does not "
	  "wait either, since a reader exists. O_NONBLOCK stays on the read "
	  "end until you clear it.",
	  "`rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC); wfd = "
	  "open(path, O_WRONLY | O_CLOEXEC); fcntl(rfd, F_SETFL, fcntl(rfd, "
	  "F_GETFL) & ~O_NONBLOCK);` then `fds[0] = rfd; fds[1] = wfd;`." },
	{ "test_open_pair_read_waits_instead_of_eof",
	  "A client writes 3 bytes and closes its end. Once they are read, "
	  "what does your read end report?",
	  "A FIFO's reader sees EOF when no process has it open for writing. "
	  "While your own fds[1] stays open there is always a writer, so "
	  "read() waits for data instead of returning 0.",
	  "Return the write end in `fds[1]` and leave it open; close it in "
	  "fifo_open_pair() only on its error path." },
	{ "test_open_pair_cleans_up_when_calls_fail",
	  "Each open() and each fcntl() of fifo_open_pair() fails in turn. "
	  "When the second call fails, what is still open?",
	  "On failure nothing stays open (fifo.h). If the write end's open() "
	  "fails, the read end is open; if F_GETFL or F_SETFL fails, both are. "
	  "Close them and return -1 with the errno of the call that failed, "
	  "which close() must not replace.",
	  "`wfd = open(path, O_WRONLY | O_CLOEXEC); if (wfd == -1) goto fail; "
	  "flags = fcntl(rfd, F_GETFL); if (flags == -1 || fcntl(rfd, F_SETFL, "
	  "flags & ~O_NONBLOCK) == -1) goto fail;` with `fail: "
	  "ipc_close_quietly(wfd); ipc_close_quietly(rfd); return -1;` (it "
	  "skips -1 and keeps errno)." },
	{ "test_request_sends_one_whole_request",
	  "How many write() calls does your client make to the server FIFO, "
	  "and how many bytes in all?",
	  "Only a write of at most PIPE_BUF bytes is atomic. The whole struct "
	  "fifo_request fits: in one write() it arrives whole, never mixed "
	  "with another client's. Its parts in separate writes can be "
	  "interleaved.",
	  "`memset(&req, 0, sizeof(req)); req.kind = FIFO_REQ_NUMBER; req.pid "
	  "= getpid();` fill req.reply_path, then one `write(server_fd, &req, "
	  "sizeof(req))`; any other count is an error." },
	{ "test_request_reply_fifo_in_given_dir",
	  "Where does your reply FIFO live: in `dir`, or at a path you chose?",
	  "The server opens whatever path the request names. It must be in "
	  "the caller's directory, with a name unique to the process: a fixed "
	  "/tmp name is shared by every user and every grader running at "
	  "once.",
	  "`snprintf(name, sizeof(name), \"seq-client-%ld-%u.fifo\", "
	  "(long)getpid(), n++); ipc_path_join(req.reply_path, "
	  "sizeof(req.reply_path), dir, name); fifo_create(req.reply_path, "
	  "0600);`" },
	{ "test_request_returns_the_number",
	  "Once the request is out, what does your client read, from which "
	  "descriptor, and where does the number go?",
	  "The server writes one struct fifo_reply into your reply FIFO. "
	  "Since you hold its write end too, read() waits for it instead of "
	  "returning 0. Status 0 means the number is yours.",
	  "`n = ipc_read_all(fds[0], &reply, sizeof(reply));` fail with EIO "
	  "if n is short, else `*number = (long)reply.number; return 0;`." },
	{ "test_request_reports_a_refusal",
	  "The reply came back with status ESHUTDOWN. What does your function "
	  "return, and with which errno?",
	  "A non-zero status is an errno value from the server: it refused "
	  "the request. Clean up as on success, then report it as -1 with "
	  "errno set to that status.",
	  "After `close(fds[0]); close(fds[1]); unlink(req.reply_path);`: `if "
	  "(reply.status != 0) { errno = reply.status; return -1; }` (errno "
	  "last: close and unlink may change it)." },
	{ "test_request_cleans_up",
	  "When your client returns, what is left: the reply FIFO's name, its "
	  "two descriptors, the server FIFO's descriptor?",
	  "A name stays in the file system until unlink(), a descriptor until "
	  "close(). The client made one name and three descriptors; all of "
	  "them go, on every path.",
	  "`close(server_fd)` right after the write; after the reply, "
	  "`close(fds[0]); close(fds[1]); unlink(req.reply_path);`; error "
	  "paths do the same through one `fail:` label that keeps errno." },
	{ "test_shutdown_request_returns_the_count",
	  "Which kind does fifo_seq_shutdown() send, and which field of the "
	  "reply does it return?",
	  "It is the same exchange as a request, with kind FIFO_REQ_SHUTDOWN; "
	  "the server acknowledges with status 0 and number = how many "
	  "numbers it gave out.",
	  "One static helper `exchange(server_path, dir, kind, &reply)` for "
	  "both; fifo_seq_shutdown() passes FIFO_REQ_SHUTDOWN and does "
	  "`return (long)reply.number;`." },
	{ "test_request_cleans_up_when_calls_fail",
	  "Each mkfifo(), open(), fcntl(), write() and read() of your client "
	  "fails in turn. After each, what is left in the directory, and which "
	  "errno comes back?",
	  "Until the reply FIFO is made there is nothing to undo, and a name "
	  "you did not create is not yours to unlink. After that, every "
	  "failure closes the descriptors that are open, unlinks the reply "
	  "FIFO and returns -1 with the failed call's errno, saved before "
	  "close() and unlink() can change it.",
	  "`if (fifo_create(req.reply_path, 0600) == -1) return -1;` then "
	  "`goto fail` on every later error (close server_fd right after the "
	  "write); `fail: saved = errno; ipc_close_quietly(fds[0]); "
	  "ipc_close_quietly(fds[1]); unlink(req.reply_path); errno = saved; "
	  "return -1;` with fds starting at -1." },
	{ "test_server_is_open_when_ready",
	  "When you write the ready byte, is the FIFO created and open for "
	  "reading?",
	  "Right after the ready byte the test opens the server FIFO with "
	  "O_WRONLY | O_NONBLOCK, which fails with ENXIO if no reader is "
	  "there. It then sends a shutdown: acknowledge it with status 0, "
	  "number 0, and return 0.",
	  "`fifo_create(path, 0600); fifo_open_pair(path, fds);` and only "
	  "then `if (ready_fd >= 0) write(ready_fd, \"R\", 1);`; on "
	  "FIFO_REQ_SHUTDOWN reply `{ .status = 0, .number = served }` and "
	  "stop." },
	{ "test_server_survives_clients_one_after_another",
	  "Between two clients nobody has the server FIFO open for writing. "
	  "What does your read() return then?",
	  "read() on a FIFO returns 0 when it is empty and no writer is left. "
	  "The test checks in /proc that the server holds a write end of its "
	  "own: with it, read() waits for the next client.",
	  "Open with `fifo_open_pair(path, fds)` and keep `fds[1]` open for "
	  "the whole loop; close it only when stopping. A 0 from read() in "
	  "the loop is then an error, not the end." },
	{ "test_server_answers_each_request_in_order",
	  "Twenty requests sit in the FIFO at once. How many bytes does each "
	  "of your reads take?",
	  "A FIFO keeps no message boundaries: one read() may return several "
	  "requests, or part of one. Read exactly sizeof(struct fifo_request) "
	  "each time and every read starts at a request.",
	  "In the loop: `ipc_read_all(fds[0], &req, sizeof(req))`, open "
	  "`req.reply_path` for writing, write `(struct fifo_reply){ .number "
	  "= served }`, close it, and only then `served++`." },
	{ "test_server_refuses_what_is_queued_past_its_limit",
	  "At its limit of 2 the server has three requests left in its FIFO. "
	  "Who answers them?",
	  "Their clients wait in read() for a reply. A clean stop: unlink the "
	  "FIFO, close your own write end, then read the rest until read() "
	  "returns 0 (every client has closed), refusing each with ESHUTDOWN.",
	  "`unlink(path); close(fds[1]); while (ipc_read_all(fds[0], &req, "
	  "sizeof(req)) == sizeof(req))` reply `{ .status = ESHUTDOWN, "
	  ".number = -1 }`; then `close(fds[0]);`." },
	{ "test_server_shutdown_refuses_waiting_clients",
	  "Three requests came in behind the shutdown request. Does your "
	  "server answer them before it returns?",
	  "A shutdown is acknowledged (status 0, the count), then the server "
	  "stops as it does at its limit: every request behind it gets "
	  "ESHUTDOWN, and it returns how many numbers it gave (here 0).",
	  "On FIFO_REQ_SHUTDOWN: reply `{ .status = 0, .number = served }`, "
	  "`break`, then the same stop code as at the limit: unlink, "
	  "`close(fds[1])`, refuse until EOF, `close(fds[0])`." },
	{ "test_server_cleans_up_when_stopping",
	  "When fifo_seq_serve() returns, is its FIFO still in the directory? "
	  "Are its descriptors still open?",
	  "A FIFO's name outlives every process until someone unlinks it. The "
	  "server created it, so it removes it, and closes both its ends and "
	  "every reply FIFO it opened.",
	  "In the stop path, `unlink(path)` first and `close(fds[1])`, "
	  "`close(fds[0])` after the refusals; after each reply's write, "
	  "`close(reply_fd)`." },
	{ "test_server_refuses_an_unknown_request",
	  "A request of kind 77 arrives. Does your server answer it, and does "
	  "it count it?",
	  "Its client waits in read() for a reply like any other: without one "
	  "it waits for ever. Only FIFO_REQ_NUMBER gets a number; any other "
	  "kind but FIFO_REQ_SHUTDOWN gets status EINVAL, uses up no number "
	  "and does not stop the server.",
	  "In the loop, after the FIFO_REQ_SHUTDOWN branch: `else if (req.kind "
	  "!= FIFO_REQ_NUMBER)` reply `{ .status = EINVAL, .number = -1 }` and "
	  "go on; only the FIFO_REQ_NUMBER branch does `served++`." },
	{ "test_server_cleans_up_when_it_cannot_start",
	  "mkfifo(), open(), fcntl() and the ready byte's write() each fail in "
	  "turn. What has your server made or opened by then, and what does it "
	  "remove?",
	  "Before it is ready the server gives up with -1 and the failed "
	  "call's errno. A failed fifo_open_pair() leaves only the FIFO: "
	  "unlink it if fifo_create() returned 1, never one that was there "
	  "before. A failed ready write comes after both: stop as usual, "
	  "unlink and close both ends.",
	  "`created = fifo_create(path, 0600); if (created == -1) return -1; "
	  "if (fifo_open_pair(path, fds) == -1) { saved = errno; if (created "
	  "== 1) unlink(path); errno = saved; return -1; }`; if the ready "
	  "write() fails, the same with both ends closed." },
	{ "test_server_reports_a_read_error",
	  "The server's second read() fails with EINVAL. Does it stop, and "
	  "does that errno survive the stop?",
	  "A read error other than EINTR ends the serving: stop as on a "
	  "shutdown (unlink, close your write end, refuse what is queued). "
	  "Refusing the queued request fails here with ENXIO, its client being "
	  "gone, which overwrites errno: save read()'s errno before stopping "
	  "and return -1 with it.",
	  "`if (ipc_read_all(fds[0], &req, sizeof(req)) == -1) { failed = "
	  "true; break; }`; after the loop `saved = errno;`, the stop code, "
	  "then `if (failed) { errno = saved; return -1; }`." },
	{ "test_server_ignores_a_truncated_request",
	  "Draining after a shutdown, your server reads a request one byte "
	  "short, then EOF. Is that a request?",
	  "ipc_read_all() returns fewer bytes than asked only at EOF: a writer "
	  "sent part of a request and left. Its reply path may look whole, but "
	  "a request is the whole struct or nothing. Stop draining there, "
	  "answer nothing; after a shutdown it is no failure: return the "
	  "count.",
	  "`while (ipc_read_all(fds[0], &req, sizeof(req)) == "
	  "(ssize_t)sizeof(req))` refuse with ESHUTDOWN; any other result ends "
	  "the loop; then `close(fds[0]); return served;` (0 here)." },
	{ "test_seq_many_concurrent_clients",
	  "24 clients write at the same instant. What keeps their requests "
	  "from mixing, and their reply FIFOs from colliding?",
	  "Each request is one write() of at most PIPE_BUF bytes, so it lands "
	  "whole; each reply FIFO's name holds its client's pid. The server "
	  "answers them one at a time: 0 to 23, each once.",
	  "Client: one `write(server_fd, &req, sizeof(req))`, a reply path "
	  "with `getpid()` in it. Server: `ipc_read_all(fds[0], &req, "
	  "sizeof(req))` per request." },
	{ "test_seq_shutdown_then_no_server",
	  "After the shutdown, what should a new client find at the server's "
	  "path?",
	  "A stopped server has unlinked its FIFO, so the next client's "
	  "open() fails at once with ENOENT; that client removes its own "
	  "reply FIFO and returns -1 with ENOENT.",
	  "Server: `unlink(path)` when stopping. Client: when opening the "
	  "server FIFO fails, `goto fail`, which closes both reply fds, "
	  "unlinks the reply FIFO and keeps errno." },
	{ "test_demo_session_matches_reference",
	  "Run `build/labs/02-fifo/demo session 3` and the reference demo: do "
	  "they print the same?",
	  "The demo forks your server, runs 3 clients one after another, "
	  "shuts the server down, then tries one more client, which must get "
	  "ENOENT; it also says if the server's FIFO was left behind.",
	  "`make demo LAB=02 IMPL=solutions`, then compare `demo session 3` "
	  "from build/labs/02-fifo/ and build/solutions/02-fifo/: the first "
	  "differing line names the call." },

	/* Step 3: no reader, no hang */
	{ "test_open_writer_without_reader_is_enxio",
	  "Nobody reads this FIFO. Does your open() wait, or fail?",
	  "open(O_WRONLY) on a FIFO waits for a reader: for ever, here. With "
	  "O_NONBLOCK and no reader it fails at once with ENXIO (fifo(7)); "
	  "return that.",
	  "`int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC); if (fd == "
	  "-1) return -1;`" },
	{ "test_open_writer_with_reader_gives_blocking_fd",
	  "Your non-blocking open succeeded. Which flags does the descriptor "
	  "still carry?",
	  "O_NONBLOCK stays on the descriptor: a later write to a full FIFO "
	  "would fail with EAGAIN instead of waiting. Clear it once open. The "
	  "test also wants close-on-exec.",
	  "Open with `O_WRONLY | O_NONBLOCK | O_CLOEXEC`, then `flags = "
	  "fcntl(fd, F_GETFL); fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);`." },
	{ "test_open_writer_missing_fifo_is_enoent",
	  "What does open() say when nothing is at the path, and do you pass "
	  "it on?",
	  "Without O_CREAT, open() fails with ENOENT. Return -1 at once with "
	  "errno as open() set it, and create nothing.",
	  "`fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC); if (fd == -1) "
	  "return -1;` (no O_CREAT, no mkfifo)." },
	{ "test_open_writer_refuses_a_regular_file",
	  "A path from a request may name any file. How do you know that what "
	  "you opened is a FIFO?",
	  "open(O_WRONLY) of a regular file succeeds at once, so ENXIO never "
	  "protects you. Ask fstat() about the descriptor you hold (a stat() "
	  "of the path could see another file), and refuse anything else "
	  "before writing a byte.",
	  "`if (fstat(fd, &st) == -1) goto fail; if (!S_ISFIFO(st.st_mode)) { "
	  "errno = EINVAL; goto fail; }` where fail closes fd and keeps "
	  "errno; no O_TRUNC in the open." },
	{ "test_request_without_server_is_enxio",
	  "The server FIFO exists, but nobody reads it. How does your client "
	  "open it?",
	  "A plain open(O_WRONLY) waits for a reader that never comes. "
	  "fifo_open_writer() fails at once with ENXIO; the client then "
	  "closes its reply FIFO's ends, unlinks it and returns -1 with "
	  "ENXIO.",
	  "In the client, after fifo_open_pair() of the reply FIFO: "
	  "`server_fd = fifo_open_writer(server_path); if (server_fd == -1) "
	  "goto fail;`." },
	{ "test_request_without_fifo_is_enoent",
	  "With no server FIFO at all, what does your client leave behind "
	  "when it fails?",
	  "The open fails at once with ENOENT, but the reply FIFO was already "
	  "made and opened: an early return leaks two descriptors and a name. "
	  "errno must still be ENOENT after the cleanup.",
	  "`fail: saved = errno; ipc_close_quietly(fds[0]); "
	  "ipc_close_quietly(fds[1]); unlink(req.reply_path); errno = saved; "
	  "return -1;`" },
	{ "test_server_skips_a_vanished_client",
	  "The first client's reply FIFO has no reader. What does your server "
	  "do when it opens it?",
	  "A blocking open(O_WRONLY) waits for that reader for ever, and "
	  "every client behind it waits too. fifo_open_writer() fails with "
	  "ENXIO instead: skip the request, and keep its number, which was "
	  "never delivered.",
	  "Open each reply with `fd = fifo_open_writer(req.reply_path);`; if "
	  "it fails, go on to the next request without `served++` (and "
	  "without stopping)." },
	{ "test_demo_noreader_matches_reference",
	  "Does `demo noreader` print the same as the reference, or does it "
	  "hang?",
	  "It opens a FIFO nobody reads (ENXIO), asks a server that is not "
	  "running (ENXIO), opens with a reader (ok, blocking mode), then "
	  "opens the removed FIFO (ENOENT).",
	  "Compare `demo noreader` from build/labs/02-fifo/ and "
	  "build/solutions/02-fifo/ (`make demo LAB=02 IMPL=solutions`): each "
	  "line is one fifo_open_writer() or fifo_seq_request() call." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
