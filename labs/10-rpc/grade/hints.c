/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 10's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: the wire format */
	{ "test_encode_request_bytes",
	  "The message names the first byte that differs and its field. In "
	  "which byte order do you write that field?",
	  "Every integer goes on the wire big-endian, most significant byte "
	  "first, whatever the machine: a memcpy() of a uint32_t writes it "
	  "backwards on x86. The prefix counts the bytes after it (28 here), "
	  "not the whole frame.",
	  "Shift each integer out a byte at a time: `b[0] = v >> 24; b[1] = v "
	  ">> 16; b[2] = v >> 8; b[3] = v;` (an int64 as two halves of "
	  "`(uint64_t)v->i`); last, store `len - RPC_HEADER_LEN` that way at "
	  "buf[0]." },
	{ "test_encode_every_type",
	  "Which value types does your encoder write, and what follows each "
	  "type byte?",
	  "'i': 8 bytes, big-endian (shift a uint64_t: INT64_MIN too). 's' and "
	  "'b': a 4-byte length, then the bytes; empty is just the length 0, "
	  "and p may then be NULL. 'f': the type byte alone. A reply has "
	  "method length 0.",
	  "With put helpers of your own: `put_u8(v->type); if (v->type == "
	  "RPC_INT) put_u64((uint64_t)v->i); else if (v->type == RPC_STR || "
	  "v->type == RPC_BYTES) { put_u32(v->len); put(v->p, v->len); }`, and "
	  "nothing more for RPC_FD." },
	{ "test_encode_rejects_bad_messages",
	  "Do you check the whole message before writing, and each field "
	  "against cap before writing it?",
	  "A message against the spec (9 values, a reply with a method, 33 "
	  "bytes of name, kind 7, type 'x', a NUL in a string) is EINVAL, "
	  "refused first. One too long for cap or RPC_FRAME_MAX is EMSGSIZE. "
	  "No byte goes past cap.",
	  "`room = cap < RPC_FRAME_MAX ? cap : RPC_FRAME_MAX;` and one put "
	  "helper: `if (n > room - len) return false; memcpy(buf + len, p, n); "
	  "len += n;`; any false: `errno = EMSGSIZE; return -1;`." },
	{ "test_decode_every_type",
	  "Does a well-formed frame come back exactly as encoded: id, kind, "
	  "method with its NUL, every value?",
	  "Integers come back big-endian. Strings and bytes are not copied: p "
	  "points at them in the frame. The method is copied into msg->method "
	  "with a NUL. An RPC_FD value gets fd -1: its descriptor travels "
	  "beside.",
	  "`v->p = at; v->len = len;` for 's' and 'b' (no malloc, no copy); "
	  "`memcpy(msg->method, name, mlen); msg->method[mlen] = '\\0';`; "
	  "before each value `memset(v, 0, sizeof(*v)); v->fd = -1;`." },
	{ "test_decode_rejects_malformed",
	  "Before reading a field, do you check that it is still inside the "
	  "frame? Which rules of the spec do you test?",
	  "Every length and count in the frame is another process's word: the "
	  "prefix, the method length, the count, each string's length. Check "
	  "each against the bytes really left (the count against argv's 8 "
	  "slots) before using it: EBADMSG.",
	  "One helper for every field: `if (n > r->left) return NULL; at = "
	  "r->p; r->p += n; r->left -= n; return at;`; then prefix == `len - "
	  "4`, kind, mlen, NULs (memchr()), `count <= RPC_VALUES_MAX`, `r.left "
	  "== 0`." },
	{ "test_decode_fuzz",
	  "Which fuzz frame does the message name, and which check does that "
	  "kind of frame need?",
	  "16 500 frames, each before an unmapped page: one byte read too far "
	  "is a crash. A length near 0xffffffff makes `p + len` wrap, so a "
	  "check written as a pointer sum lets it through. Valid frames must "
	  "decode exactly.",
	  "Compare with what is left, never a sum: `if (len > r->left)` for "
	  "every field, `count > RPC_VALUES_MAX` before the values, `r.left != "
	  "0` at the end. `demo fuzz 20000 7` shows which kind of frame "
	  "differs." },
	{ "test_recv_frame_whole_frames",
	  "Three frames come in one send(). How many bytes does your first "
	  "recv() ask for?",
	  "A stream has no boundaries: a recv() of cap bytes takes the first "
	  "frame and part of the next, lost to the next call. Ask for exactly "
	  "the 4 prefix bytes, then exactly the length they announce. EOF "
	  "between frames: 0.",
	  "A helper that receives exactly n bytes (poll(), then `recv(sock, p "
	  "+ done, n - done, MSG_DONTWAIT)`, looping); call it for "
	  "`RPC_HEADER_LEN`, then for `body` bytes at `buf + 4`. Set `fds->n = "
	  "0` first." },
	{ "test_recv_frame_short_reads",
	  "Every third recv() here fails with EINTR, the others return part of "
	  "what you ask. What does your loop do with each?",
	  "A short read is normal: keep the bytes and ask for the rest, from "
	  "where they stopped. EINTR read nothing; try again (it is neither "
	  "EPROTO nor an error to report). Only 0 (EOF) and real errors end "
	  "the loop.",
	  "`n = recv(sock, p + done, want - done, MSG_DONTWAIT); if (n == -1 "
	  "&& (errno == EINTR || errno == EAGAIN)) continue; if (n == -1) "
	  "return -1; if (n == 0) break; done += n;`." },
	{ "test_recv_frame_byte_by_byte",
	  "The peer sends one byte per send(). Does your code wait for the "
	  "rest, or act on what the first recv() returned?",
	  "Each recv() returns what has arrived: here often one byte, even of "
	  "the prefix. Code that assumes the prefix comes whole, or stops "
	  "after one recv(), returns a broken frame. Wait with poll() until "
	  "all the bytes asked for are in.",
	  "Read the prefix with the same exact-n loop as the body: `while "
	  "(done < RPC_HEADER_LEN) { poll(&pfd, 1, ms_left(deadline)); n = "
	  "recv(sock, buf + done, RPC_HEADER_LEN - done, MSG_DONTWAIT); ... "
	  "}`." },
	{ "test_recv_frame_end_of_stream",
	  "recv() returned 0. How many bytes of the frame had you received by "
	  "then?",
	  "EOF before the first byte of a frame is a clean end: return 0. EOF "
	  "after part of the prefix or of the body means the peer left in the "
	  "middle of a frame: -1 with EPROTO. Your loop must say how many "
	  "bytes came.",
	  "Let the exact-n helper return at `n == 0` with its count; then `if "
	  "(got == 0) return 0; if (got < RPC_HEADER_LEN) { errno = EPROTO; "
	  "return -1; }`, and for the body `if (got < body)` the same." },
	{ "test_recv_frame_too_long",
	  "When do you compare the length the prefix announces with cap: "
	  "before reading the body, or never?",
	  "The prefix is the peer's word: 100 bytes for a 64-byte buffer, or "
	  "0xfffffff0. Reading them writes past your buffer (EFAULT, or a "
	  "crash). Refuse with EMSGSIZE after the 4 prefix bytes only; the "
	  "limit counts the prefix.",
	  "Right after the prefix: `limit = cap < RPC_FRAME_MAX ? cap : "
	  "RPC_FRAME_MAX; if (body > limit - RPC_HEADER_LEN) { errno = "
	  "EMSGSIZE; return -1; }`, the prefix received with a length of "
	  "exactly RPC_HEADER_LEN." },
	{ "test_recv_frame_timeout",
	  "With a 200 ms timeout and a silent peer, what wakes your recv() up? "
	  "And when 2 bytes came, then nothing?",
	  "A blocking recv() waits for ever; poll() with the time left before "
	  "one deadline returns 0 when time is up. No byte yet: ETIMEDOUT, the "
	  "stream is still in step. Part of a frame in: EPROTO. Wait the whole "
	  "timeout.",
	  "`deadline = ipc_now_ns() + (uint64_t)timeout_ms * 1000000u;` (none "
	  "for -1); before each recv `ready = poll(&pfd, 1, "
	  "ms_left(deadline));` (rounded up); `if (ready == 0) { errno = "
	  "done_any ? EPROTO : ETIMEDOUT; return -1; }`." },
	{ "test_send_frame_whole",
	  "send() may take fewer bytes than asked, or fail with EINTR. Where "
	  "does your next send() start?",
	  "Every third send() fails with EINTR, the others take part of the 40 "
	  "KB frame. Send the rest from where the last one stopped, not the "
	  "whole buffer again; EINTR sent nothing: try again. Return len at "
	  "the end.",
	  "`while (done < len) { n = send(sock, (const char *)frame + done, "
	  "len - done, MSG_NOSIGNAL); if (n == -1) { if (errno == EINTR) "
	  "continue; return -1; } done += n; }` (sendmsg() from step 5 on)." },
	{ "test_send_frame_no_sigpipe",
	  "What happens to a process that sends on a socket whose peer has "
	  "closed?",
	  "The kernel raises SIGPIPE, whose default action kills the process "
	  "before send() returns. With MSG_NOSIGNAL no signal comes and send() "
	  "fails with EPIPE. A library must not change the process's signal "
	  "handling instead.",
	  "Pass `MSG_NOSIGNAL` in the flags of every `send()` and `sendmsg()` "
	  "of rpc_send_frame(), and return -1 as soon as one fails with "
	  "anything but EINTR (errno EPIPE)." },
	{ "test_demo_frame_matches_reference",
	  "Do `demo frame add 2 40` and `demo frame greet \"hello, world\" -7` "
	  "print the same as the reference demo?",
	  "The demo encodes the request with your rpc_encode(), prints the "
	  "frame field by field, then decodes it with your rpc_decode(): a "
	  "difference is a byte of the frame or a field decoded.",
	  "`make demo LAB=10 IMPL=solutions`, then compare "
	  "`build/labs/10-rpc/demo frame greet \"hello, world\" -7` with "
	  "`build/solutions/10-rpc/demo frame greet \"hello, world\" -7`." },
	{ "test_demo_fuzz_matches_reference",
	  "Does `demo fuzz 20000 7` count the same frames accepted and "
	  "rejected as the reference demo?",
	  "The demo spoils valid frames in six ways and counts what your "
	  "rpc_decode() accepts, the valid frames it decodes back exactly, and "
	  "rejections with an errno other than EBADMSG. One rule missing, or "
	  "too strict, shows.",
	  "Compare `build/labs/10-rpc/demo fuzz 20000 7` with "
	  "`build/solutions/10-rpc/demo fuzz 20000 7`: the line that differs "
	  "names the kind of frame (\"bytes appended\": the check that nothing "
	  "is left)." },

	/* Step 2: a server that dispatches by name */
	{ "test_dispatch_calls_the_method",
	  "How does rpc_dispatch() find the handler, and what does the reply "
	  "hold before the handler runs?",
	  "The request's method names the handler registered under it. The "
	  "reply starts empty: kind RPC_REPLY, the request's id, method \"\", "
	  "argc 0; the handler adds its results. The test fills it with "
	  "garbage first.",
	  "`memset(reply, 0, sizeof(*reply)); reply->id = req->id; reply->kind "
	  "= RPC_REPLY;` then find the method with `strcmp(m->name, "
	  "req->method)` and `m->fn(m->arg, caller, req, reply);`; `return "
	  "0;`." },
	{ "test_dispatch_unknown_method",
	  "No method has that name. What does the caller get back?",
	  "An answer, not a failure: an RPC_ERROR with the request's id and "
	  "exactly two values, the RPC_INT code RPC_ERR_NO_METHOD and a "
	  "non-empty RPC_STR message. rpc_dispatch() still returns 0.",
	  "`reply->kind = RPC_ERROR; reply->argc = 2; reply->argv[0] = "
	  "RPC_INT_VALUE(RPC_ERR_NO_METHOD); reply->argv[1] = "
	  "RPC_STR_VALUE(srv->note);`, with note a buffer in your struct "
	  "rpc_server, filled by snprintf()." },
	{ "test_dispatch_handler_error",
	  "The handler put a value in the reply, then returned -1. What is "
	  "left in the reply you send?",
	  "The handler's errno is the code, and the whole reply is replaced: "
	  "an RPC_ERROR holds the code and a message, nothing the handler had "
	  "put in (666 here). Save errno as soon as the handler returns.",
	  "`if (m->fn(m->arg, caller, req, reply) != 0) { int err = errno; ... "
	  "}` and rebuild the reply from nothing: `memset()`, the id, "
	  "`RPC_ERROR`, `argc = 2`, `RPC_INT_VALUE(err)`, a message from "
	  "`strerror(err)`." },
	{ "test_dispatch_not_a_request",
	  "What kind of message does rpc_dispatch() get here, and do you look "
	  "at req->kind?",
	  "Only requests are dispatched. A reply or an error sent to the "
	  "server is well-formed but not a valid request: answer it with an "
	  "RPC_ERROR of code RPC_ERR_INVALID and its id, before looking up any "
	  "method.",
	  "Right after starting the reply: `if (req->kind != RPC_REQUEST) { "
	  "error_reply(srv, reply, req->id, RPC_ERR_INVALID, \"not a "
	  "request\"); return 0; }` (your helper that builds the two "
	  "values)." },
	{ "test_register_methods",
	  "How many methods does your table hold, and which check comes first: "
	  "a taken name, or a full table?",
	  "Up to 32 methods, then ENOSPC; a taken name is EEXIST, even in a "
	  "full table (the test asks); a NULL, empty or 33-byte name, or a "
	  "NULL handler, is EINVAL. Copy the name; keep each method's own arg.",
	  "`len = strnlen(method, RPC_METHOD_MAX + 1)`; `len == 0 || len > "
	  "RPC_METHOD_MAX`: EINVAL; then the lookup (EEXIST); then `n == "
	  "RPC_METHODS_MAX` (ENOSPC); then `memcpy(m->name, method, len + 1)`, "
	  "fn and arg." },
	{ "test_listen_makes_a_socket",
	  "Is there a socket file at the path, can a client connect, and what "
	  "happens with a 299-byte path?",
	  "bind() makes the file; listen() lets clients connect. bind() to an "
	  "existing path fails with EADDRINUSE: do not unlink() first. A path "
	  "too long for sun_path (108 bytes) is ENAMETOOLONG, never cut short.",
	  "`if (strlen(path) >= sizeof(addr.sun_path))` ENAMETOOLONG; "
	  "`socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)`, `bind(fd, (struct "
	  "sockaddr *)&addr, sizeof(addr))`, `listen(fd, 64)`; on failure "
	  "close(fd), keeping errno." },
	{ "test_serve_conn_answers_calls",
	  "What ends your serve loop, and what does it return then?",
	  "Receive, decode, dispatch, encode, send, until rpc_recv_frame() "
	  "returns 0 (the client closed); return the count. Two buffers: "
	  "echo's reply points into the request. All RPC_ERR_DENIED? Your uid "
	  "check sees a zeroed caller.",
	  "`while ((n = rpc_recv_frame(sock, in, RPC_FRAME_MAX, -1, &fds)) > "
	  "0) { decode; rpc_dispatch(srv, &caller, &req, &reply); len = "
	  "rpc_encode(&reply, out, RPC_FRAME_MAX); rpc_send_frame(sock, out, "
	  "len, NULL); answered++; }`." },
	{ "test_serve_conn_survives_bad_calls",
	  "After an unknown method, a failing handler, garbage, or a reply "
	  "sent to it, does your server answer and go on?",
	  "Each gets an RPC_ERROR and the connection stays open: a frame that "
	  "does not decode, RPC_ERR_PARSE with id 0 (its id cannot be "
	  "trusted); the others, what rpc_dispatch() says. Only a broken "
	  "stream ends the loop.",
	  "`if (rpc_decode(in, n, &req) == -1) error_reply(srv, &reply, 0, "
	  "RPC_ERR_PARSE, \"malformed request frame\"); else rpc_dispatch(srv, "
	  "&caller, &req, &reply);` then encode and send `reply` either way." },
	{ "test_serve_conn_pipelined_by_id",
	  "Six requests come in one send(), with ids 7, 1000, 3, 4294967295, "
	  "1, 65536. Which id does each answer carry?",
	  "Each answer carries its own request's id, copied, never a counter "
	  "of yours (a uint32_t: 4294967295 is not an int). Each round reads "
	  "one whole frame and no more: the next request waits for the next "
	  "round.",
	  "In rpc_dispatch() and in every error reply: `reply->id = req->id;`; "
	  "in rpc_serve_conn(): one `rpc_recv_frame()` per request (it reads "
	  "exactly one frame)." },
	{ "test_serve_conn_short_io",
	  "With short reads, short writes and EINTR everywhere, which of your "
	  "reads and writes skip your step 1 loops?",
	  "Every third read, recv, recvmsg, send or sendmsg fails with EINTR, "
	  "the others move a few bytes. Your step 1 loops cope; a bare send() "
	  "or recv() elsewhere in the server, or EINTR taken for an error, "
	  "does not.",
	  "Receive only with `rpc_recv_frame(sock, in, RPC_FRAME_MAX, -1, "
	  "&fds)` and send only with `rpc_send_frame(sock, out, len, NULL)`; "
	  "in their loops `if (errno == EINTR) continue;`." },
	{ "test_serve_conn_client_hangs_up",
	  "The client sent three requests and left without reading. What does "
	  "your send() do then, and what do you return?",
	  "Sending to a peer that closed raises SIGPIPE, which kills the whole "
	  "server; with MSG_NOSIGNAL the send fails with EPIPE. A client "
	  "leaving is not a server error: stop, and return how many were "
	  "answered.",
	  "In rpc_send_frame(): `sendmsg(sock, &msg, MSG_NOSIGNAL)`; in "
	  "rpc_serve_conn(): `if (rpc_send_frame(sock, out, len, NULL) == -1) "
	  "break;` then `return answered;`." },
	{ "test_serve_conn_frame_too_large",
	  "The client announces a 1 MiB frame, then waits. What can your "
	  "server still do with that stream?",
	  "rpc_recv_frame() refuses it with EMSGSIZE after the prefix, and the "
	  "stream is out of step: no later frame can be found. Hang up (after "
	  "an id-0 RPC_ERR_PARSE if you like) and return 0: nothing was "
	  "answered.",
	  "`n = rpc_recv_frame(sock, in, RPC_FRAME_MAX, -1, &fds); if (n == "
	  "-1) break;` (EMSGSIZE, EPROTO: the stream is broken), then `return "
	  "answered;` after the loop, never -1." },

	/* Step 3: the client stub */
	{ "test_connect_and_call",
	  "Two calls on one connection: which id does each request carry, and "
	  "where does the answer go?",
	  "rpc_connect() fills fd, timeout_ms and next_id = 1 (connect()'s "
	  "ENOENT for a missing path). rpc_call() takes the next id, encodes "
	  "into conn->out, sends, receives into conn->in, decodes into "
	  "*result. rpc_close(): fd -1.",
	  "`if (conn->next_id == 0) conn->next_id = 1; id = conn->next_id++;` "
	  "then `rpc_encode(&req, conn->out, sizeof(conn->out))`, "
	  "`rpc_send_frame(conn->fd, conn->out, len, &fds)`, "
	  "`rpc_recv_frame(conn->fd, conn->in, ...)`, `rpc_decode(conn->in, n, "
	  "result)`." },
	{ "test_call_remote_error",
	  "The server answered with an RPC_ERROR. What does rpc_call() return, "
	  "and what is in *result?",
	  "An error is an answer: the call happened and failed over there. "
	  "Return -1 with EREMOTEIO, with the decoded error left in *result "
	  "(argv[0] the code, argv[1] the message). The next call works as "
	  "usual.",
	  "Decode straight into `result`; then, once its id is yours: `if "
	  "(result->kind == RPC_ERROR) { errno = EREMOTEIO; return -1; } "
	  "return 0;`." },
	{ "test_call_skips_stale_answers",
	  "Is the first frame to arrive after your request necessarily its "
	  "answer?",
	  "No: answers to calls given up earlier may come first, and a server "
	  "answers a frame it could not read with id 0. Compare each answer's "
	  "id with the request's and skip any other, error or not, within the "
	  "same deadline.",
	  "`for (;;) { n = rpc_recv_frame(...); ... rpc_decode(conn->in, n, "
	  "result) ...; if (result->id != id) continue; /* then the kind */ "
	  "}`." },
	{ "test_call_times_out",
	  "The server reads your request and never answers. What stops "
	  "rpc_call() from waiting for ever?",
	  "Only a limit: turn conn->timeout_ms into a deadline once, before "
	  "the first wait, and give rpc_recv_frame() the time left each round. "
	  "When none is left: -1, ETIMEDOUT (the call may or may not have "
	  "run).",
	  "`deadline = ipc_now_ns() + (uint64_t)conn->timeout_ms * 1000000u;` "
	  "(none for -1), then in the loop `rpc_recv_frame(conn->fd, conn->in, "
	  "sizeof(conn->in), ms_left(deadline), NULL)`, where ms_left() rounds "
	  "up and gives 0 once past." },
	{ "test_call_skips_late_answer",
	  "The first call timed out; its answer comes late, before the second "
	  "call's. Which does the second call return?",
	  "A call that timed out leaves its late answer in the socket, and the "
	  "next call receives it first: taking it returns 666 for add(40, 2), "
	  "and so on for every later call. The late answer carries the first "
	  "call's id.",
	  "A new id per call (`conn->next_id++`), and in the receive loop `if "
	  "(result->id != id) continue;` before looking at the kind or the "
	  "values." },
	{ "test_call_server_dies",
	  "The server died after reading the request. What does "
	  "rpc_recv_frame() return, and what do you make of it?",
	  "When the server's process ends, its socket closes and your receive "
	  "sees EOF: rpc_recv_frame() returns 0. No answer can come any more: "
	  "fail at once with ECONNRESET, not after the timeout (30 s here).",
	  "`n = rpc_recv_frame(conn->fd, conn->in, sizeof(conn->in), "
	  "ms_left(deadline), NULL); if (n == 0) { errno = ECONNRESET; return "
	  "-1; }`." },
	{ "test_call_server_gone_no_sigpipe",
	  "The server closed its end before the call. What does your send do "
	  "to the calling process?",
	  "Sending to a socket whose peer closed raises SIGPIPE, whose default "
	  "action kills the caller. With MSG_NOSIGNAL the send fails with "
	  "EPIPE, and rpc_call() returns that, before any receive.",
	  "`MSG_NOSIGNAL` on every send() and sendmsg() of rpc_send_frame(); "
	  "in rpc_call(): `if (rpc_send_frame(conn->fd, conn->out, len, &fds) "
	  "== -1) return -1;` (errno EPIPE)." },
	{ "test_call_malformed_answer",
	  "The answer does not decode (kind 9), or it is a request. What does "
	  "your rpc_call() return?",
	  "A frame rpc_decode() refuses, or one that is not a reply or an "
	  "error: the server does not speak the protocol. -1 with EPROTO; not "
	  "EBADMSG, not a skip. Check it before the id: a broken frame has "
	  "none to trust.",
	  "`if (rpc_decode(conn->in, n, result) == -1 || result->kind == "
	  "RPC_REQUEST) { errno = EPROTO; return -1; }`, then `if (result->id "
	  "!= id) continue;`." },
	{ "test_demo_calc_matches_reference",
	  "Does `demo calc $d/calc.sock` print the same as the reference demo, "
	  "down to the last two lines?",
	  "The demo forks a server running your rpc_serve_conn() and calls "
	  "add, div (EDOM on 1 / 0), an unknown mul, echo, then crash(), which "
	  "kills the server mid-call (ECONNRESET), then add on the dead "
	  "connection (EPIPE).",
	  "`d=$(mktemp -d)`, `make demo LAB=10 IMPL=solutions`, then compare "
	  "`build/labs/10-rpc/demo calc $d/calc.sock` with "
	  "`build/solutions/10-rpc/demo calc $d/calc.sock`." },
	{ "test_demo_timeout_matches_reference",
	  "Does `demo timeout $d/slow.sock 100` time out, then get add's own "
	  "answer, as the reference demo does?",
	  "wait() blocks until the demo lets it go: the call fails with "
	  "ETIMEDOUT after at least 100 ms. Its late answer then comes first, "
	  "and the next call, add(1, 2), must skip it and print 3.",
	  "Compare `build/labs/10-rpc/demo timeout $d/slow.sock 100` with "
	  "`build/solutions/10-rpc/demo timeout $d/slow.sock 100` (after `make "
	  "demo LAB=10 IMPL=solutions`)." },

	/* Step 4: many clients, many calls in flight */
	{ "test_serve_many_clients_at_once",
	  "Five clients each send half a request; the last one finishes first. "
	  "Is your server still waiting for the first?",
	  "rpc_serve_conn() in the accept loop serves one client until it "
	  "leaves, and the others wait. Fork a process per client that runs "
	  "rpc_serve_conn() and _exit()s, or poll() every connection, a buffer "
	  "per client.",
	  "Fork design: `conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC); "
	  "pid = fork();` child: `close(listen_fd); close(stop_fd); "
	  "rpc_serve_conn(srv, conn); _exit(0);`; parent: keep pid and conn, "
	  "`accepted++`." },
	{ "test_serve_pipelined_requests",
	  "16 requests come in one send(). Does your server answer them all, "
	  "or the first frame of each recv()?",
	  "One recv() may bring many frames. rpc_serve_conn() in a process per "
	  "client copes. With poll(), receive no more than the current frame "
	  "still needs, answer it when whole, and poll() reports the client "
	  "again.",
	  "poll design: per client `want = have < 4 ? 4 : 4 + body` (body "
	  "checked against RPC_FRAME_MAX); on POLLIN `n = recv(fd, buf + have, "
	  "want - have, MSG_DONTWAIT)`; at `have == want` after the body: "
	  "decode, dispatch, send, `have = 0`." },
	{ "test_serve_survives_vanishing_clients",
	  "Clients leave mid-frame, before their answers, after a 1 GiB "
	  "prefix, at once. Does that end only their connection?",
	  "Each ends one client: EOF or EPROTO mid-frame, EPIPE answering "
	  "(MSG_NOSIGNAL), EMSGSIZE for the prefix. Close that connection (or "
	  "reap that process) and serve on. A forked child must not keep the "
	  "other clients' sockets.",
	  "poll: `if (n <= 0 || body > RPC_FRAME_MAX - 4) { close(fd); /* drop "
	  "it from the set */ }`. fork: the child also closes the other "
	  "connections; the parent `waitpid(pid, NULL, 0)` once its pidfd, or "
	  "a pipe only the child writes, reads EOF." },
	{ "test_serve_stops_when_told",
	  "Three clients are connected when stop_fd becomes readable. Which "
	  "connections are still open when rpc_serve() returns?",
	  "Stop accepting, end every connection so that each client sees EOF, "
	  "reap every process you forked, and return the count; listen_fd and "
	  "stop_fd stay open. A child's connection ends with shutdown() on the "
	  "parent's copy.",
	  "stop_fd is in every poll() with POLLIN; when its revents is not 0: "
	  "for each client `shutdown(conn, SHUT_RDWR); close(conn);` and "
	  "`waitpid(pid, NULL, 0)` by its pid (never -1), then `return "
	  "accepted;`." },
	{ "test_call_many_matches_by_id",
	  "The server reads all 6 requests, then answers in reverse. Do you "
	  "send them all first, and match answers by id?",
	  "Pipelining: consecutive ids from one first id, all requests sent, "
	  "then the answers, in any order: an answer's request is its id minus "
	  "the first id, never its place in the arrival order. on_reply() once "
	  "each.",
	  "`first = conn->next_id; conn->next_id += n;` (skipping 0), request "
	  "i sent with id `first + i`; per answer `index = reply.id - first; "
	  "if (index >= n || answered[index]) continue; answered[index] = "
	  "true; on_reply(ctx, index, &reply);`." },
	{ "test_call_many_errors_and_strays",
	  "An answer for an id outside the batch comes first, and half the "
	  "answers are errors. Does either stop you?",
	  "An RPC_ERROR is an answer like a reply: pass it to on_reply() and "
	  "count it, no EREMOTEIO. A frame whose id is not in the batch, or "
	  "answers one answered already, is skipped. Return 0 once all n are "
	  "answered.",
	  "With `uint32_t index = reply.id - first;` one test skips both "
	  "strays (an id below first wraps to a huge index): `if (index >= n "
	  "|| answered[index]) continue;`, and no kind check before "
	  "on_reply()." },
	{ "test_call_many_times_out",
	  "Only 3 of the 5 answers come. When does rpc_call_many() give up, "
	  "and which answers has on_reply() seen by then?",
	  "One deadline covers the whole batch, set once before sending. Each "
	  "answer goes to on_reply() as it arrives; when time runs out, return "
	  "-1 with ETIMEDOUT. A fresh timeout per receive would never end "
	  "while answers trickle in.",
	  "`deadline = ipc_now_ns() + (uint64_t)conn->timeout_ms * 1000000u;` "
	  "before the sends, then each round `rpc_recv_frame(conn->fd, "
	  "conn->in, sizeof(conn->in), ms_left(deadline), NULL)`; -1 "
	  "(ETIMEDOUT): `return -1;`." },
	{ "test_demo_pipeline_matches_reference",
	  "Does `demo pipeline $d/pipe.sock 6` print the same as the reference "
	  "demo?",
	  "The demo's own server reads all 6 requests, then answers in reverse "
	  "order: your rpc_call_many() must hand each answer to on_reply() "
	  "with its own request's index (answer 1 to arrive is request 5, "
	  "square(6) = 36).",
	  "Compare `build/labs/10-rpc/demo pipeline $d/pipe.sock 6` with "
	  "`build/solutions/10-rpc/demo pipeline $d/pipe.sock 6` (after `make "
	  "demo LAB=10 IMPL=solutions`)." },
	{ "test_demo_many_matches_reference",
	  "Does `demo many $d/many.sock 6 20` report every client right, as "
	  "the reference demo does?",
	  "Your rpc_serve() runs in the demo with 6 clients that each make 20 "
	  "calls and keep their connection open until all are done: a server "
	  "that serves one client at a time leaves the others timing out "
	  "(FAILED).",
	  "Compare `build/labs/10-rpc/demo many $d/many.sock 6 20` with "
	  "`build/solutions/10-rpc/demo many $d/many.sock 6 20`." },

	/* Step 5: descriptors and credentials */
	{ "test_send_frame_passes_fds",
	  "Where do the descriptors go in your sendmsg(), and on which of the "
	  "frame's sends?",
	  "One SCM_RIGHTS control message on the first sendmsg() of the frame, "
	  "with its first bytes; later sends carry none. Control buffer "
	  "CMSG_SPACE(n * sizeof(int)), cmsg_len CMSG_LEN(n * sizeof(int)). "
	  "The peer gets copies: keep yours open.",
	  "`msg.msg_control = u.buf; msg.msg_controllen = CMSG_SPACE(n * "
	  "sizeof(int)); c = CMSG_FIRSTHDR(&msg); c->cmsg_level = SOL_SOCKET; "
	  "c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(n * "
	  "sizeof(int));` then `memcpy(CMSG_DATA(c), fds->fd, n * "
	  "sizeof(int))`." },
	{ "test_recv_frame_receives_fds",
	  "Do you receive with recvmsg() and a control buffer on every read? "
	  "What becomes of a descriptor nobody asked for?",
	  "A plain recv() discards SCM_RIGHTS messages. Use recvmsg() with a "
	  "control buffer of CMSG_SPACE(RPC_VALUES_MAX * sizeof(int)) on every "
	  "read; append each descriptor to fds (n = 0 first); with fds NULL, "
	  "or past 8, close it.",
	  "After each `recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)`, "
	  "for each SCM_RIGHTS `c` from CMSG_FIRSTHDR()/CMSG_NXTHDR(): `k = "
	  "(c->cmsg_len - CMSG_LEN(0)) / sizeof(int)` descriptors, each "
	  "`memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int))`." },
	{ "test_call_passes_fd_argument",
	  "rpc_call() gets an RPC_FD argument. Which descriptors go with the "
	  "request frame, and who owns them afterwards?",
	  "The frame holds only the 'f' byte; the descriptor goes beside it, "
	  "in rpc_send_frame()'s fds, in the order of the RPC_FD arguments. "
	  "The server gets the same open file (offset 10 here); the caller "
	  "keeps its own.",
	  "Before sending: `for (i = 0; i < argc; i++) if (args[i].type == "
	  "RPC_FD) fds.fd[fds.n++] = args[i].fd;` then "
	  "`rpc_send_frame(conn->fd, conn->out, len, &fds)`, and no close()." },
	{ "test_serve_conn_gives_fd_to_handler",
	  "The frame's descriptors are in fds. How do they reach the handler's "
	  "RPC_FD values, and what if the counts differ?",
	  "After decoding, give them to the RPC_FD values in order (decode "
	  "left -1). A value without a descriptor, or one too many, is "
	  "RPC_ERR_INVALID, and no handler runs. They are only lent: close "
	  "them all, on every path.",
	  "`for (i = 0; i < req.argc; i++) if (req.argv[i].type == RPC_FD) { "
	  "if (used == fds.n) goto invalid; req.argv[i].fd = fds.fd[used++]; "
	  "}` `if (used != fds.n) goto invalid;` and after the reply is built, "
	  "close `fds.fd[0 .. fds.n - 1]`." },
	{ "test_serve_closes_passed_fds",
	  "Twenty calls each pass a descriptor. How many descriptors does the "
	  "serving process hold after them?",
	  "Each descriptor received is a new one in the serving process (the "
	  "child, with a process per client), open until closed. The handler "
	  "only borrows it: the server closes it once the handler has "
	  "returned, or the count grows.",
	  "In the serve loop, right after dispatch, also for a refused "
	  "request: `for (unsigned i = 0; i < fds.n; i++) close(fds.fd[i]); "
	  "fds.n = 0;` (with poll(), the same after each frame answered)." },
	{ "test_peer_cred_names_the_peer",
	  "Who is at the other end of an accepted connection, and who tells "
	  "you?",
	  "getsockopt(SO_PEERCRED) fills a struct ucred with the pid, uid and "
	  "gid the client had at connect(), recorded by the kernel: getpid() "
	  "would be a guess, and wrong. On a pipe it fails with ENOTSOCK: "
	  "return that.",
	  "`struct ucred cred; socklen_t len = sizeof(cred); if "
	  "(getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) "
	  "return -1; caller->pid = cred.pid; caller->uid = cred.uid; "
	  "caller->gid = cred.gid;`." },
	{ "test_serve_conn_tells_the_caller",
	  "What does the handler receive as its caller: what the kernel said, "
	  "a zeroed struct, or the server's own ids?",
	  "rpc_serve_conn() learns its client once, at the start, with "
	  "rpc_peer_cred() on the connection, and passes that caller to "
	  "rpc_dispatch() for every request. The zeroed caller of step 2 says "
	  "pid 0; getpid() names the server.",
	  "At the top of rpc_serve_conn(): `struct rpc_caller caller; if "
	  "(rpc_peer_cred(sock, &caller) == -1) return -1;`, then "
	  "`rpc_dispatch(srv, &caller, &req, &reply)` in the loop." },
	{ "test_dispatch_checks_uid",
	  "Which uid may call your server, and where does rpc_dispatch() "
	  "compare it with caller->uid?",
	  "A new server allows only the euid that made it; "
	  "rpc_server_allow_uid() replaces it (then yours is refused too). Any "
	  "other uid gets RPC_ERR_DENIED, and no handler runs: check right "
	  "after the kind, before the lookup.",
	  "rpc_server_new(): `srv->allowed_uid = geteuid();`; "
	  "rpc_server_allow_uid(): `srv->allowed_uid = uid;`; rpc_dispatch(), "
	  "after the kind check: `if (caller->uid != srv->allowed_uid) { "
	  "error_reply(..., RPC_ERR_DENIED, ...); return 0; }`." },
	{ "test_serve_conn_denies_other_uid",
	  "The server allows only another uid. Which uid does rpc_dispatch() "
	  "compare, and does the client still get answers?",
	  "The grader cannot switch users: it allows uid + 1 and calls as "
	  "itself. With the caller from SO_PEERCRED and the check in "
	  "rpc_dispatch(), both calls are refused, answered with "
	  "RPC_ERR_DENIED, and counted.",
	  "`rpc_peer_cred(sock, &caller)` at the start of rpc_serve_conn(), "
	  "every request through `rpc_dispatch(srv, &caller, &req, &reply)`, "
	  "and the DENIED reply encoded, sent and counted like any other." },
	{ "test_demo_passfd_matches_reference",
	  "Does `demo passfd $d/wc.sock FILE` print the same counts and offset "
	  "as the reference demo?",
	  "The demo passes a descriptor of FILE to wc(), which reads it to the "
	  "end through that descriptor. Then the demo's own descriptor must "
	  "still be open, at the end of the file: the server read the same "
	  "open file.",
	  "Compare `build/labs/10-rpc/demo passfd $d/wc.sock /etc/services` "
	  "with `build/solutions/10-rpc/demo passfd $d/wc.sock "
	  "/etc/services`." },
	{ "test_demo_whoami_matches_reference",
	  "Does `demo whoami $d/who.sock` say \"ours\" three times, then show "
	  "a refused call, as the reference demo does?",
	  "The first server's whoami() gets its caller from SO_PEERCRED: the "
	  "demo's pid, uid and gid. The second allows only another uid: the "
	  "call comes back as an RPC_ERR_DENIED error, and nothing runs.",
	  "Compare `build/labs/10-rpc/demo whoami $d/who.sock` with "
	  "`build/solutions/10-rpc/demo whoami $d/who.sock`." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
