/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 07's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: a Unix domain echo server and client */
	{ "test_unix_listen_accepts_connections",
	  "Which three calls turn a path into a socket that clients can "
	  "connect() to?",
	  "socket() makes an unnamed endpoint, bind() gives it the path (and "
	  "creates the socket file), listen() makes it accept connections. "
	  "Without listen(), connect() is refused.",
	  "`fd = socket(AF_UNIX, SOCK_STREAM, 0); bind(fd, (struct sockaddr "
	  "*)&addr, sizeof(addr)); listen(fd, backlog);` with `addr.sun_family "
	  "= AF_UNIX` and the path in `addr.sun_path`." },
	{ "test_unix_listen_replaces_stale_socket",
	  "A dead server left its socket file at the path. What does bind() "
	  "say while that file exists?",
	  "bind() fails with EADDRINUSE as long as the path exists, even if "
	  "nobody listens. A socket file whose connect() is refused "
	  "(ECONNREFUSED) is stale: remove it before bind().",
	  "Before bind(): `lstat(path, &st)`; if `S_ISSOCK(st.st_mode)`, "
	  "connect a `socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0)` probe "
	  "to it, close the probe, and `unlink(path)` only if connect() "
	  "failed with ECONNREFUSED." },
	{ "test_unix_listen_keeps_live_server",
	  "Before you unlink the socket file at the path, how do you know "
	  "nobody is using it?",
	  "Only a socket nobody accepts on is stale. If the probe's connect() "
	  "succeeds, a live server owns the path: unlinking it cuts that "
	  "server off from every new client.",
	  "`if (connect(probe, ...) == -1 && errno == ECONNREFUSED) "
	  "unlink(path); else { errno = EADDRINUSE; return -1; }` (close the "
	  "probe in both cases)." },
	{ "test_unix_listen_keeps_regular_file",
	  "Is every file at the path a socket you may remove?",
	  "A regular file or a directory at the path belongs to someone: "
	  "never delete it. lstat() tells the file's type; only a socket file "
	  "can be stale.",
	  "`if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) { errno = "
	  "EADDRINUSE; return -1; }` before any unlink()." },
	{ "test_unix_listen_path_too_long",
	  "How many bytes does sun_path hold, and what do you do with a path "
	  "that does not fit?",
	  "sun_path holds 108 bytes on Linux, the NUL included. Copying only "
	  "the start of a longer path binds or connects to a different file, "
	  "silently: refuse it, in listen and in connect.",
	  "`if (strlen(path) >= sizeof(addr.sun_path)) { errno = "
	  "ENAMETOOLONG; return -1; }` then `strcpy(addr.sun_path, path);`, "
	  "in one helper used by both functions." },
	{ "test_unix_unlisten_removes_path",
	  "After close(), is the socket file still in the directory?",
	  "The file that bind() created outlives the socket: closing does "
	  "not remove it. Whoever bound it must unlink() it, or the next "
	  "server finds a stale file.",
	  "`rc = close(listen_fd);` then `unlink(path);`, returning -1 if "
	  "either failed." },
	{ "test_unix_connect_reaches_server",
	  "Which address do you give connect(), and is the returned "
	  "descriptor the one you connected?",
	  "The client fills the same sockaddr_un as the server (AF_UNIX and "
	  "the path) and connects a fresh stream socket to it.",
	  "`fd = socket(AF_UNIX, SOCK_STREAM, 0); if (connect(fd, (struct "
	  "sockaddr *)&addr, sizeof(addr)) == -1) { close(fd); return -1; }` "
	  "`return fd;`." },
	{ "test_unix_connect_reports_errors",
	  "When connect() fails, which errno does your caller see after you "
	  "clean up?",
	  "connect() says ENOENT when no file is there and ECONNREFUSED when "
	  "a socket file has no listener. The caller needs that errno; close "
	  "the socket without losing it, and remove nothing here.",
	  "`if (connect(...) == -1) { int e = errno; close(fd); errno = e; "
	  "return -1; }`." },
	{ "test_unix_listen_rejects_empty_path",
	  "What file does an empty path name, and what does bind() do with "
	  "an empty sun_path?",
	  "None: on Linux a sun_path that starts with a NUL byte names a "
	  "socket in the abstract namespace, with no file at all. A server "
	  "bound there is found by no client that uses a path.",
	  "First thing in the address helper: `if (path == NULL || path[0] "
	  "== '\\0') { errno = EINVAL; return -1; }` (before ENAMETOOLONG)." },
	{ "test_unix_listen_cleans_up_when_calls_fail",
	  "When socket(), bind() or listen() fails, what have you made "
	  "already, and which errno does your caller see?",
	  "A socket made before the failing call must be closed, and a "
	  "socket file that bind() created must be unlinked when listen() "
	  "fails, or it stays behind, stale. Closing must not change the "
	  "errno of the call that failed.",
	  "`if (bind(fd, ...) == -1) { ipc_close_quietly(fd); return -1; }` "
	  "and `if (listen(fd, backlog) == -1) { ipc_close_quietly(fd); "
	  "unlink(path); return -1; }` (ipc_close_quietly() keeps errno; "
	  "with plain close(), save errno first and restore it)." },
	{ "test_unix_unlisten_reports_errors",
	  "If unlink() fails, is the descriptor still closed? If close() "
	  "fails, is the file still removed?",
	  "Both jobs are done whatever happens to the other: the descriptor "
	  "is closed, the file removed. Then -1 if either failed, with that "
	  "call's errno.",
	  "`int rc = close(fd), saved = errno; if (unlink(path) == -1 && rc "
	  "== 0) return -1; errno = saved; return rc;`." },
	{ "test_echo_serve_one_echoes",
	  "When does your echo loop end, and what happens to the accepted "
	  "descriptor then?",
	  "recv() returns 0 when the client shut down its writing side: all "
	  "is echoed. The client then waits for EOF, which comes only when "
	  "you close the accepted connection.",
	  "`conn = accept(listen_fd, NULL, NULL);` loop `n = recv(conn, buf, "
	  "sizeof(buf), 0)`, send n bytes back, until `n == 0`; then "
	  "`close(conn); return total;`." },
	{ "test_echo_serve_one_short_io",
	  "recv() and send() fail with EINTR now and then, and send() takes "
	  "at most 4093 bytes: does your loop survive both?",
	  "EINTR moved no byte: retry the call. A short send() took only part "
	  "of the buffer: send the rest, from where it stopped, before the "
	  "next recv().",
	  "A `send_all()` helper: `n = send(fd, p + done, len - done, "
	  "MSG_NOSIGNAL); if (n == -1 && errno == EINTR) continue;` and "
	  "`if (n == -1 && errno == EINTR) continue;` after recv() too." },
	{ "test_echo_serve_one_fails_cleanly",
	  "Which accept(), recv() and send() errors do you retry, and what "
	  "do you do with the connection when one is not retried?",
	  "EINTR means a signal came before anything happened: call again. "
	  "Any other error ends the call: a client that vanished "
	  "(ECONNRESET, EPIPE) still holds a descriptor in your process, and "
	  "it must be closed, or it leaks.",
	  "`do conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC); while "
	  "(conn == -1 && errno == EINTR);` then, when recv() fails with "
	  "anything but EINTR or send_all() fails: `ipc_close_quietly(conn); "
	  "return -1;`." },
	{ "test_echo_roundtrip_echoes",
	  "The server echoes until the end of the request. How does it learn "
	  "that the request has ended?",
	  "The end of a stream is EOF. close() would end both directions, "
	  "and you still have to read the echo; shutdown(SHUT_WR) ends only "
	  "yours (a half-close).",
	  "Send everything with a loop, then `shutdown(fd, SHUT_WR);`, then "
	  "`recv(fd, out + got, cap - got, 0)` until it returns 0." },
	{ "test_echo_roundtrip_empty",
	  "With 0 bytes to send, what do you still owe the server, and what "
	  "do you return?",
	  "Nothing to send, but the server still waits for EOF: the "
	  "shutdown() is what ends its loop. Then recv() returns 0 at once: "
	  "return 0, not -1.",
	  "The same path as for any length: the send loop sends nothing, "
	  "then `shutdown(fd, SHUT_WR)`, then the read loop ends on its "
	  "first recv(), which returns 0: `return got;` (0)." },
	{ "test_echo_roundtrip_short_io",
	  "What does your loop do when send() takes part of the request, or "
	  "recv() is interrupted?",
	  "A short send leaves the rest for the next call; EINTR means try "
	  "again. Only recv() returning 0 (the server closed) ends the "
	  "answer.",
	  "Send with a send_all() loop (`done += n`, retry on EINTR), then "
	  "`shutdown(fd, SHUT_WR)`, then `recv()` until 0, with `if (errno "
	  "== EINTR) continue;` on -1." },
	{ "test_echo_roundtrip_fails_cleanly",
	  "What if the request is over SOCK_ECHO_MAX, the answer does not "
	  "fit in cap, or recv() fails?",
	  "Check the length before sending anything. With the reply buffer "
	  "full, one more byte arriving means the answer did not fit "
	  "(recv() of 0 bytes would return 0 and look like EOF). A recv() "
	  "error other than EINTR is returned at once.",
	  "`if (len > SOCK_ECHO_MAX) { errno = EMSGSIZE; return -1; }`; when "
	  "`got == cap`, `recv(fd, &extra, 1, 0)`: 1 means `errno = "
	  "EMSGSIZE; return -1;`; `if (n == -1) { if (errno == EINTR) "
	  "continue; return -1; }`." },
	{ "test_demo_echo_matches_reference",
	  "Do `demo echo PATH 'hello, socket'` and `demo stale PATH` print "
	  "the same as the reference demo?",
	  "`echo` runs your server in a child and your client in the parent; "
	  "`stale` leaves a dead server's socket file and listens on the "
	  "same path again.",
	  "`make demo LAB=07 IMPL=solutions`, then run both commands with "
	  "`build/labs/07-socket/demo` and `build/solutions/07-socket/demo`, "
	  "in a directory from `mktemp -d`." },

	/* Step 2: length-prefixed framing */
	{ "test_msg_send_frames_payload",
	  "In what byte order does your 4-byte length go out?",
	  "x86 stores 5 as 05 00 00 00; the protocol wants big-endian, 00 00 "
	  "00 05, the same on every machine. An empty message is a header "
	  "alone.",
	  "`uint32_t header = htonl((uint32_t)len);` send the 4 bytes of "
	  "`header`, then the `len` payload bytes, both with a send loop." },
	{ "test_msg_recv_reads_frames",
	  "How many bytes do you read for the header, and what do you do "
	  "with a length of 0?",
	  "Read exactly 4 bytes, decode with ntohl(), then exactly that many. "
	  "recv() of 0 bytes returns 0, which looks like EOF: for an empty "
	  "message do not call it. 0 bytes of header at EOF is the clean "
	  "end.",
	  "With a helper recv_exact(fd, p, n) that loops until n bytes or "
	  "EOF: `if (recv_exact(fd, &header, 4) == 0) return 0;` `size = "
	  "ntohl(header);` `recv_exact(fd, buf, size)` (no recv() when size "
	  "is 0), `*len = size; return 1;`." },
	{ "test_msg_recv_byte_by_byte_peer",
	  "The peer sends one byte per send(). How many bytes does one of "
	  "your recv() calls return?",
	  "A stream has no boundaries: recv() returns what is there, maybe 1 "
	  "byte. One recv() is never one header or one message; loop until "
	  "you have as many bytes as you need.",
	  "`while (done < len) { n = recv(fd, p + done, len - done, 0); if "
	  "(n == 0) break; ...; done += n; }` used for the 4-byte header, "
	  "then for the payload." },
	{ "test_msg_recv_short_io",
	  "recv() returns short counts and sometimes fails with EINTR. Which "
	  "of those does your read loop survive?",
	  "A short count is normal: ask again for the rest. EINTR read "
	  "nothing: retry. Only 0 (EOF) and other errors stop the loop.",
	  "In recv_exact(): `if (n == -1 && errno == EINTR) continue; if (n "
	  "== -1) return -1; if (n == 0) break; done += n;`." },
	{ "test_msg_send_short_io",
	  "send() takes at most 4093 bytes and sometimes fails with EINTR. "
	  "Does all of the header and the payload still go out?",
	  "A short send() wrote only part of the buffer: the rest goes next, "
	  "from where it stopped. EINTR wrote nothing: retry. The header can "
	  "be cut too.",
	  "`while (done < len) { n = send(fd, p + done, len - done, "
	  "MSG_NOSIGNAL); if (n == -1 && errno == EINTR) continue; if (n == "
	  "-1) return -1; done += n; }` for header and payload." },
	{ "test_msg_recv_truncated_message",
	  "The peer closes after 10 of the 100 bytes it announced. Is that "
	  "the same as closing between two messages?",
	  "EOF before the first header byte is a clean end (0). EOF inside "
	  "the header or the payload means the peer died or has a bug: the "
	  "half message is not a message.",
	  "`if (n > 0 && n < 4) { errno = EPROTO; return -1; }` after the "
	  "header, and `if ((size_t)n < size) { errno = EPROTO; return -1; }` "
	  "after the payload." },
	{ "test_msg_recv_too_long",
	  "The header says 100 bytes, your buffer holds 10. When do you "
	  "check that?",
	  "The length comes from the peer: trust it and you write past the "
	  "buffer. Compare it with cap before reading the payload, and "
	  "refuse it.",
	  "`size = ntohl(header); if (size > cap) { errno = EMSGSIZE; return "
	  "-1; }` before any recv() into buf." },
	{ "test_msg_send_no_sigpipe",
	  "What happens to a process that sends on a socket whose peer has "
	  "closed?",
	  "The kernel raises SIGPIPE, whose default action kills the "
	  "process. With MSG_NOSIGNAL, send() fails with EPIPE instead, and "
	  "nothing else changes. write() has no flags: use send().",
	  "`send(fd, p + done, len - done, MSG_NOSIGNAL)` in every send "
	  "loop; return -1 and keep errno (EPIPE)." },
	{ "test_msg_send_fails_cleanly",
	  "What can the 4-byte header not say, and what does your send loop "
	  "do when send() fails halfway through the payload?",
	  "A length over UINT32_MAX does not fit in the header: refuse it "
	  "before sending anything. A send() error other than EINTR ends the "
	  "message: return -1 with its errno, never carry on as if the bytes "
	  "had gone.",
	  "`if (len > UINT32_MAX) { errno = EMSGSIZE; return -1; }`; in the "
	  "loop: `if (n == -1) { if (errno == EINTR) continue; return -1; }` "
	  "then `done += (size_t)n;`." },
	{ "test_msg_recv_fails_cleanly",
	  "What does your receive loop do when recv() fails, at once or "
	  "after part of the message came?",
	  "Only EINTR is retried. Any other error ends the call with -1 and "
	  "that errno, whether it came before the header or in the middle "
	  "of the payload.",
	  "In the exact-receive helper: `if (n == -1) { if (errno == EINTR) "
	  "continue; return -1; }`, and in sock_recv_msg() `if (n == -1) "
	  "return -1;` after each of its two calls." },
	{ "test_demo_frame_matches_reference",
	  "Does `demo frame 0 5 100000 3` print the same as the reference "
	  "demo?",
	  "A child sends one message per size with sock_send_msg(); the "
	  "parent receives them with sock_recv_msg() until the clean end.",
	  "Compare `build/labs/07-socket/demo frame 0 5 100000 3` with "
	  "`build/solutions/07-socket/demo frame 0 5 100000 3`." },

	/* Step 3: a poll() server for many clients */
	{ "test_poll_server_many_clients_at_once",
	  "Five clients each sent half a message. After poll() says one is "
	  "readable, how long does your server stay with it?",
	  "A loop until the message is complete blocks on that client while "
	  "the others wait for ever. One recv() per ready client, its bytes "
	  "kept in that client's own buffer, then back to poll().",
	  "Per client `{ fd, have, buf[4 + SOCK_POLL_MSG_MAX] }`; on POLLIN: "
	  "`n = recv(c->fd, c->buf + c->have, want, 0)` with want = what the "
	  "header or payload still needs; echo once `have == 4 + length`." },
	{ "test_poll_server_short_io",
	  "recv() fails with EINTR now and then. Does your server drop the "
	  "client when it does?",
	  "EINTR in the server's recv() lost nothing: poll() will report the "
	  "client again. The echo of a complete message needs a send loop "
	  "too (short sends, EINTR).",
	  "`if (n == -1 && (errno == EINTR || errno == EAGAIN)) return;` "
	  "(keep the client), and the reply with your send_all() helper." },
	{ "test_poll_server_survives_disconnects",
	  "One client hangs up mid-message, one before reading its echo, one "
	  "at once. What does each do to your server?",
	  "recv() returns 0 (or fails): close the client, free its slot, and "
	  "count mid_message if it had bytes, else closed. The echo to a "
	  "client that left fails with EPIPE (MSG_NOSIGNAL, or SIGPIPE kills "
	  "the server): count broken.",
	  "`if (n <= 0) { close(c->fd); c->fd = -1; c->have > 0 ? "
	  "st->mid_message++ : st->closed++; }`; reply with `send(..., "
	  "MSG_NOSIGNAL)`, on failure drop it and `st->broken++`." },
	{ "test_poll_server_closes_disconnected_clients",
	  "30 clients come one after another, with 4 slots. What happens to "
	  "a slot when its client hangs up?",
	  "A client that left must give back its socket and its slot: if "
	  "not, after 4 clients no slot is free, nobody new is served, and "
	  "each leaked descriptor stays open until EMFILE. On stop, close "
	  "every client still there.",
	  "On disconnect: `close(c->fd); c->fd = -1; c->have = 0;`. When "
	  "stop_fd is readable: `for (i...) if (clients[i].fd != -1) "
	  "close(clients[i].fd);`, free the arrays, return accepted." },
	{ "test_poll_server_respects_max_clients",
	  "With 2 slots and 5 clients waiting, when do you call accept()?",
	  "Accept only when a slot is free; while all are taken, leave the "
	  "listening socket out of poll() and newcomers wait in the kernel's "
	  "backlog. Accepting and closing them, or writing past the array, "
	  "fails them.",
	  "`pfd[1].fd = busy < max_clients ? listen_fd : -1;` (poll() skips "
	  "negative fds), and at most one accept() per round, into a free "
	  "slot." },
	{ "test_poll_server_rejects_zero_clients",
	  "How many clients can a server serve with max_clients 0?",
	  "None: the call is a mistake. Refuse it before allocating or "
	  "polling anything.",
	  "`if (max_clients == 0) { errno = EINVAL; return -1; }` first "
	  "thing (after zeroing the stats)." },
	{ "test_poll_server_closes_clients_on_stop",
	  "When the stop fd becomes readable, which clients are still "
	  "connected, and who closes them?",
	  "The server accepted them, so their descriptors are the server's "
	  "to close. A client still connected sees EOF only when the server "
	  "closes its end.",
	  "`if (pfd[0].revents != 0) { for each slot with fd != -1: "
	  "close(fd); free(...); return accepted; }`." },
	{ "test_poll_server_drops_client_on_recv_error",
	  "recv() from a client failed with ECONNRESET. Is that client "
	  "still there?",
	  "Only EINTR and EAGAIN mean \"nothing this time\". Any other "
	  "error, like 0, means the client is gone: close it, free the slot, "
	  "count it once (mid_message if part of a message had come, else "
	  "closed), and return from serving it at once.",
	  "`if (n == -1 && (errno == EINTR || errno == EAGAIN)) return; if "
	  "(n <= 0) { drop_client(c, c->have > 0 ? &st->mid_message : "
	  "&st->closed); return; }`." },
	{ "test_poll_server_fails_cleanly",
	  "When calloc(), poll() or accept() fails for good, what do you "
	  "still hold?",
	  "The slots and the pollfd array on the heap, and every client "
	  "connected so far. A fatal error ends the server: close every "
	  "client, free the memory, and return -1 with the errno of the call "
	  "that failed. poll() EINTR, and accept() ECONNABORTED, EINTR, "
	  "EAGAIN or EPROTO are not fatal.",
	  "One exit for errors: `saved = errno; close_all(clients, n); "
	  "free(clients); free(pfd); errno = saved; return -1;`; after a "
	  "failed calloc(), free the other one (free(NULL) is fine)." },
	{ "test_demo_poll_matches_reference",
	  "Does `demo poll PATH 3` print the same as the reference demo?",
	  "The demo runs your poll server in a child: one client leaves in "
	  "the middle of a message, three send halves and finish in reverse "
	  "order; the server's stats are printed last.",
	  "Compare `build/labs/07-socket/demo poll $d/poll.sock 3` with the "
	  "reference's; different stats point at how you count "
	  "disconnects." },

	/* Step 4: disconnect detection */
	{ "test_heartbeat_wait_alive",
	  "Two heartbeats are waiting. How many bytes does one call of yours "
	  "consume?",
	  "Each heartbeat is one byte, and each call reports one: recv() "
	  "exactly 1 byte, or the next call finds nothing and times out.",
	  "After poll() reports POLLIN: `n = recv(fd, &beat, 1, 0); if (n == "
	  "1) return SOCK_PEER_ALIVE;`." },
	{ "test_heartbeat_wait_orderly_close",
	  "When the peer closes politely, which revents does poll() set, and "
	  "what do you do with them?",
	  "An orderly close raises POLLIN and POLLHUP together. POLLHUP is "
	  "not an error: read, and recv() returns 0. Only POLLERR and "
	  "POLLNVAL are errors.",
	  "`if (p.revents & POLLNVAL) ...; if (p.revents & POLLERR) ...;` "
	  "otherwise `n = recv(fd, &beat, 1, 0); if (n == 0) return "
	  "SOCK_PEER_CLOSED;`." },
	{ "test_heartbeat_wait_silent_peer_times_out",
	  "The peer is connected and says nothing. What makes your function "
	  "return, and after how long?",
	  "A silent peer sends no byte and no FIN: only a timeout finds out. "
	  "poll() with timeout_ms (in milliseconds) returns 0 when it passes; "
	  "after EINTR, poll again for the time that is left.",
	  "`ready = poll(&p, 1, ms_left); if (ready == 0) return "
	  "SOCK_PEER_TIMEOUT;` with ms_left computed from a deadline taken "
	  "before the loop." },
	{ "test_heartbeat_wait_reset_is_error",
	  "The peer closed with unread data. What does poll() report then, "
	  "and where is the error kept?",
	  "That resets the connection: poll() sets POLLERR (with POLLIN and "
	  "POLLHUP: test POLLERR first), and the socket holds ECONNRESET as "
	  "its pending error. getsockopt(SO_ERROR) fetches it.",
	  "`if (p.revents & POLLERR) { int err = 0; socklen_t l = "
	  "sizeof(err); getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l); errno "
	  "= err; return SOCK_PEER_ERROR; }`." },
	{ "test_heartbeat_wait_bad_fd_is_error",
	  "What does poll() do with a descriptor that is not open?",
	  "poll() does not fail for it: it returns 1 with POLLNVAL in "
	  "revents. A loop that ignores POLLNVAL spins; recv() on it fails "
	  "with EBADF.",
	  "`if (p.revents & POLLNVAL) { errno = EBADF; return "
	  "SOCK_PEER_ERROR; }` right after poll()." },
	{ "test_heartbeat_wait_rejects_negative_timeout",
	  "What does poll() do with a negative timeout?",
	  "It waits for ever: a silent peer would never be found out. The "
	  "contract refuses it.",
	  "`if (timeout_ms < 0) { errno = EINVAL; return -1; }` before "
	  "polling." },
	{ "test_heartbeat_wait_retries_eintr",
	  "poll() or recv() fails with EINTR: did the peer do anything?",
	  "No, a signal came. Poll again for the time that is left (keep a "
	  "deadline, not a count of calls); receive again after an "
	  "interrupted recv().",
	  "`if (ready == -1) { if (errno == EINTR) continue; return -1; }` "
	  "with `poll(&p, 1, ms_left(deadline))`; after recv(): `if (errno "
	  "== EINTR || errno == EAGAIN) continue;`." },
	{ "test_heartbeat_wait_reports_errors",
	  "recv() fails with ECONNRESET, or with something else; poll() "
	  "fails with something else than EINTR. What does each mean?",
	  "ECONNRESET is the peer's doing: SOCK_PEER_ERROR, with errno "
	  "ECONNRESET. Any other failure is not about the peer: -1 with "
	  "that errno.",
	  "After `n = recv(fd, &beat, 1, 0)`: `if (errno == EINTR || errno "
	  "== EAGAIN) continue; if (errno == ECONNRESET) return "
	  "SOCK_PEER_ERROR; return -1;`." },
	{ "test_heartbeat_send_alive",
	  "What exactly must the peer receive, and what do you return?",
	  "One byte, SOCK_HEARTBEAT, and SOCK_PEER_ALIVE (0) once it went "
	  "out.",
	  "`const char beat = SOCK_HEARTBEAT; if (send(fd, &beat, 1, "
	  "MSG_NOSIGNAL) == 1) return SOCK_PEER_ALIVE;` (retry on EINTR)." },
	{ "test_heartbeat_send_broken_no_sigpipe",
	  "A heartbeat to a peer that closed: what kills your process, and "
	  "what should you report instead?",
	  "Without MSG_NOSIGNAL, SIGPIPE's default action kills the process. "
	  "With it, send() fails with EPIPE (or ECONNRESET): that is "
	  "SOCK_PEER_BROKEN, errno kept.",
	  "`if (errno == EPIPE || errno == ECONNRESET) return "
	  "SOCK_PEER_BROKEN;` after a `send(fd, &beat, 1, MSG_NOSIGNAL)` that "
	  "failed." },
	{ "test_heartbeat_send_reports_errors",
	  "Which send() errors mean the peer is gone, which mean try again, "
	  "and which are neither?",
	  "EINTR: send the byte again. EPIPE and ECONNRESET: the peer left, "
	  "SOCK_PEER_BROKEN. Anything else (ENOBUFS, ENOTSOCK): -1 with that "
	  "errno.",
	  "`for (;;) { if (send(fd, &beat, 1, MSG_NOSIGNAL) == 1) return "
	  "SOCK_PEER_ALIVE; if (errno == EINTR) continue; if (errno == EPIPE "
	  "|| errno == ECONNRESET) return SOCK_PEER_BROKEN; return -1; }`." },
	{ "test_demo_peer_matches_reference",
	  "Does `demo peer` print the same as the reference demo?",
	  "The demo plays each way a peer can go away (heartbeat, silence, "
	  "close, send to a closed peer, reset, a closed descriptor) and "
	  "prints what your step 4 functions reported.",
	  "Compare `build/labs/07-socket/demo peer` with "
	  "`build/solutions/07-socket/demo peer`, line by line." },

	/* Step 5: reconnect with exponential backoff */
	{ "test_connect_retry_backoff_doubles",
	  "Between two failed attempts, what does your loop call, and with "
	  "which delay?",
	  "Retrying at once is a busy loop that hammers a dead server. Call "
	  "backoff->delay between attempts, starting at first_ms and "
	  "doubling; no delay after the last attempt, whose connect() errno "
	  "you return.",
	  "`d = first_ms;` loop: `fd = sock_unix_connect(path)`; on failure, "
	  "`if (max_attempts && attempt >= max_attempts) return -1;` "
	  "`backoff->delay(backoff->ctx, d);` `d *= 2` (capped)." },
	{ "test_connect_retry_backoff_is_capped",
	  "With first_ms 100 and max_ms 1000, what comes after 800?",
	  "Doubling goes on for ever unless capped: 1600 is more than max_ms, "
	  "so the delay stays at 1000 from then on. Do not let d * 2 "
	  "overflow either.",
	  "`d = d > max_ms / 2 ? max_ms : d * 2;` after each delay." },
	{ "test_connect_retry_succeeds_when_server_returns",
	  "The server comes back during your third delay. What does your "
	  "next attempt do?",
	  "Each attempt is a fresh connect(); the first that succeeds ends "
	  "the loop and returns its descriptor. max_attempts 0 means no "
	  "limit.",
	  "`if (fd != -1) return fd;` right after `fd = "
	  "sock_unix_connect(path);`, and test max_attempts only `!= 0`." },
	{ "test_connect_retry_first_try_no_delay",
	  "The server is up. Do you wait before your first attempt?",
	  "No delay before the first attempt: try first, wait only after a "
	  "failure.",
	  "Order the loop as connect, then (on failure) delay: never `delay(); "
	  "connect();`." },
	{ "test_connect_retry_stops_when_told",
	  "The delay function returned -1. What do you do then?",
	  "-1 from the delay function means stop (e.g. the program is "
	  "shutting down): give up at once, with its errno (here "
	  "ECANCELED).",
	  "`if (backoff->delay(backoff->ctx, d) == -1) return -1;` with "
	  "nothing in between that changes errno." },
	{ "test_connect_retry_bad_path_fails_at_once",
	  "Which connect() errors can waiting fix?",
	  "Only ENOENT, ECONNREFUSED and EAGAIN mean the server may come "
	  "back. A path too long for sun_path (ENAMETOOLONG) will never "
	  "work: fail at once.",
	  "`if (errno != ENOENT && errno != ECONNREFUSED && errno != EAGAIN) "
	  "return -1;` right after a failed attempt, before any delay." },
	{ "test_connect_retry_rejects_bad_backoff",
	  "What would a NULL backoff, a NULL delay function or first_ms 0 "
	  "do to your loop?",
	  "A NULL pointer crashes at the first delay; first_ms 0 makes "
	  "every delay 0 (doubling 0 stays 0): a busy reconnect loop. Refuse "
	  "them before the first attempt.",
	  "`if (backoff == NULL || backoff->delay == NULL || "
	  "backoff->first_ms == 0) { errno = EINVAL; return -1; }`." },
	{ "test_demo_reconnect_matches_reference",
	  "Do `demo reconnect PATH 100 1000 1500` and `demo reconnect PATH 1 "
	  "8 999999 6` print the same as the reference demo?",
	  "The demo's delay function prints each delay on a simulated clock "
	  "and brings the server back at the given time: you see the delays "
	  "double, hit the cap and stop.",
	  "Compare both commands with `build/solutions/07-socket/demo`; "
	  "expect 100, 200, 400, 800 then connected, and 1, 2, 4, 8, 8 then "
	  "ENOENT." },

	/* Step 6: TCP on 127.0.0.1, and UDP datagrams */
	{ "test_tcp_listen_ephemeral_port",
	  "Which address do you bind, and how does the caller learn the port "
	  "the kernel chose for port 0?",
	  "Bind 127.0.0.1 only (INADDR_ANY is every interface). Port 0 asks "
	  "for a free ephemeral port; getsockname() tells which one. Both "
	  "address and port are in network byte order.",
	  "`addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); addr.sin_port = "
	  "htons(*port);` setsockopt SO_REUSEADDR, bind, listen, then "
	  "`getsockname(fd, ...); *port = ntohs(addr.sin_port);`." },
	{ "test_tcp_echo_server",
	  "Your step 1 server already echoes over Unix sockets. What differs "
	  "over TCP?",
	  "Nothing in sock_echo_serve_one(): accept(), recv() and send() "
	  "work the same on TCP. If step 1 passes, look at sock_tcp_listen(): "
	  "the socket it returns must listen, and *port must be its port.",
	  "`accept(listen_fd, NULL, NULL)` in sock_echo_serve_one(); check "
	  "that sock_tcp_listen() returns the listening fd and the real "
	  "port." },
	{ "test_tcp_echo_client",
	  "Which address does sock_tcp_connect() connect to, and in which "
	  "byte order is the port?",
	  "The port comes in host byte order: htons() it into sin_port; the "
	  "address is 127.0.0.1. The roundtrip is your step 1 client, "
	  "unchanged.",
	  "`fd = socket(AF_INET, SOCK_STREAM, 0);` `addr.sin_port = "
	  "htons(port); addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);` "
	  "`connect(fd, (struct sockaddr *)&addr, sizeof(addr))`." },
	{ "test_tcp_connect_refused",
	  "Nothing listens on the port. What do you return, and is the "
	  "socket still open?",
	  "connect() fails with ECONNREFUSED. Close the socket (a failed one "
	  "cannot be reused) without losing that errno.",
	  "`if (connect(...) == -1) { int e = errno; close(fd); errno = e; "
	  "return -1; }`." },
	{ "test_tcp_listen_fails_cleanly",
	  "When socket(), bind() or listen() fails, or port is NULL, what "
	  "is left open, and which errno does the caller see?",
	  "A NULL port is refused with EINVAL before anything is made. After "
	  "socket() succeeded, every failure closes that socket and returns "
	  "-1 with the errno of the call that failed (EADDRINUSE when the "
	  "port is taken).",
	  "`if (port == NULL) { errno = EINVAL; return -1; }`, then `if "
	  "(setsockopt(...) == -1 || bind(...) == -1 || getsockname(...) == "
	  "-1) { ipc_close_quietly(fd); return -1; }` and the same after a "
	  "failed listen()." },
	{ "test_udp_open_fails_cleanly",
	  "Same question for the UDP socket: NULL port, a port another socket "
	  "holds, socket() or bind() failing?",
	  "Refuse NULL with EINVAL; close the socket after any later "
	  "failure and keep that call's errno. Share one helper with "
	  "sock_tcp_listen(): only the type differs.",
	  "A `bound_loopback_socket(SOCK_DGRAM, port)` helper: `socket()`, "
	  "`SO_REUSEADDR`, `bind()`, `getsockname()`, `ipc_close_quietly(fd)` "
	  "on every error." },
	{ "test_udp_keeps_message_boundaries",
	  "How many sendto() calls make one datagram, and how many "
	  "recvfrom() calls take one?",
	  "One each: a datagram arrives whole, never merged or split, and 0 "
	  "bytes is a real, empty one (not EOF). The sender's port comes "
	  "with it, in network byte order.",
	  "Send: one `sendto(fd, msg, len, 0, (struct sockaddr *)&addr, "
	  "sizeof(addr))`. Receive: one `n = recvfrom(fd, buf, cap, "
	  "MSG_TRUNC, (struct sockaddr *)&from, &from_len)`, `*from_port = "
	  "ntohs(from.sin_port)`." },
	{ "test_udp_recv_reports_truncation",
	  "A 100-byte datagram into a 10-byte buffer: how do you learn that "
	  "90 bytes were dropped?",
	  "The kernel discards what does not fit, and recvfrom() returns 10 "
	  "as if all were well. With MSG_TRUNC it returns the datagram's real "
	  "length, while still writing only cap bytes.",
	  "`n = recvfrom(fd, buf, cap, MSG_TRUNC, ...); if (n != -1 && "
	  "(size_t)n > cap) { errno = EMSGSIZE; return -1; }`." },
	{ "test_udp_retries_eintr_only",
	  "Which sendto() and recvfrom() errors do you retry, and which do "
	  "you report?",
	  "EINTR: nothing was sent or received, call again (a datagram is "
	  "sent once, whole). Any other error goes to the caller at once; a "
	  "failed recvfrom() leaves the datagram queued for the next call.",
	  "`do n = sendto(...); while (n == -1 && errno == EINTR); return "
	  "n;` and the same loop around `recvfrom(fd, buf, cap, MSG_TRUNC, "
	  "...)`, then `if (n == -1) return -1;`." },
	{ "test_demo_tcp_matches_reference",
	  "Does `demo tcp 'over TCP'` print the same as the reference demo?",
	  "The demo listens on an ephemeral port with sock_tcp_listen(), "
	  "serves one client with your step 1 server and talks to it with "
	  "sock_tcp_connect() and your step 1 client.",
	  "Compare `build/labs/07-socket/demo tcp 'over TCP'` with the "
	  "reference's; \"MISSING\" means *port was never set from "
	  "getsockname()." },
	{ "test_demo_udp_matches_reference",
	  "Does `demo udp 5 0 1000` print the same as the reference demo?",
	  "The demo sends datagrams of 5, 0 and 1000 bytes, receives them "
	  "one at a time, then one of 100 bytes into a 10-byte buffer, which "
	  "must give EMSGSIZE.",
	  "Compare `build/labs/07-socket/demo udp 5 0 1000` with "
	  "`build/solutions/07-socket/demo udp 5 0 1000`." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
