/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 08's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: a full-duplex parent and child */
	{ "test_spawn_talks_both_ways",
	  "After fork(), which end of the pair does each process use, and "
	  "which one do you return?",
	  "One socketpair gives two connected ends, each readable and "
	  "writable. The parent keeps one, the child the other: what one "
	  "writes, the other reads.",
	  "`socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv)`, `fork()`; "
	  "child: `close(sv[0]); _exit(serve(sv[1], arg));`; parent: "
	  "`close(sv[1]); *child = pid; return sv[0];`." },
	{ "test_spawn_child_exits_with_serve_status",
	  "What does the child do with serve()'s return value? Does it ever "
	  "return from sockpair_spawn()?",
	  "The child's exit status is what serve() returned. A child that "
	  "returns runs the caller's code as a second process; exit() would "
	  "also flush the parent's stdio buffers and run its atexit "
	  "handlers a second time.",
	  "`if (pid == 0) { close(sv[0]); _exit(serve(sv[1], arg)); }`." },
	{ "test_spawn_child_closes_parent_end",
	  "After fork(), which processes hold the parent's end of the pair?",
	  "fork() copies both descriptors into the child. The child reads EOF "
	  "only when every descriptor of the parent's end is closed, in "
	  "every process: a child that holds one waits for itself.",
	  "In the child, before serve(): `close(sv[0]);` (the parent's "
	  "end)." },
	{ "test_spawn_parent_closes_child_end",
	  "Which descriptors does the parent still hold when sockpair_spawn() "
	  "returns?",
	  "The parent's copy of the child's end keeps that end open: when "
	  "the child exits, the parent's reads never return 0.",
	  "In the parent, right after fork(): `close(sv[1]);`, then `*child "
	  "= pid; return sv[0];`." },
	{ "test_spawn_rejects_null_arguments",
	  "What happens in the child if serve is NULL, and in the caller if "
	  "child is NULL?",
	  "The child would call a NULL function and crash; without *child "
	  "the caller could never reap it. Check the arguments before "
	  "making anything, so there is nothing to undo.",
	  "First thing: `if (serve == NULL || child == NULL) { errno = "
	  "EINVAL; return -1; }`." },
	{ "test_spawn_cleans_up_when_calls_fail",
	  "If fork() fails, what have you already made, and which errno "
	  "does your caller see?",
	  "The pair exists when fork() fails: both ends must be closed, or "
	  "they leak. close() may change errno, and the caller must see "
	  "fork()'s EAGAIN: save it first, restore it after.",
	  "`if (pid == -1) { int saved = errno; close(sv[0]); close(sv[1]); "
	  "errno = saved; return -1; }`; a failed socketpair() has made "
	  "nothing: just `return -1;`." },
	{ "test_exchange_echo_small",
	  "After the last byte, how does the peer learn you are done, and "
	  "when do you stop receiving?",
	  "The echo peer reads until EOF: your shutdown(SHUT_WR) is that "
	  "EOF. Then it closes, and your recv() returns 0: that ends what you "
	  "receive.",
	  "`shutdown(sock, SHUT_WR)` once `sent == out_len`; receive until "
	  "`recv(sock, buf + len, cap - len, MSG_DONTWAIT)` returns 0; `*in = "
	  "buf; return len;`." },
	{ "test_exchange_empty",
	  "With out_len 0, what do you still send, and where does *in point "
	  "at the end?",
	  "Nothing to send: shut down at once, then receive until EOF (here "
	  "0 bytes). *in must still be a malloc'd buffer, never NULL on "
	  "success.",
	  "`buf = malloc(cap)` before the loop, and test `sent == out_len` "
	  "before any send: with 0 the first round is `shutdown(sock, "
	  "SHUT_WR)`." },
	{ "test_exchange_peer_sees_eof",
	  "This peer answers only once your request is complete. What tells "
	  "it that?",
	  "A stream has no end-of-message: the peer reads until EOF. close() "
	  "would end your receiving side too; shutdown(SHUT_WR) ends only "
	  "your sending side, and the answer still reaches you.",
	  "At the top of the loop: `if (sending && sent == out_len) { if "
	  "(shutdown(sock, SHUT_WR) == -1) goto fail; sending = false; }`." },
	{ "test_exchange_echo_large",
	  "4 MiB go to a peer that echoes as it reads. Where do the echoes "
	  "go while you are still sending?",
	  "Into your receive buffer. Once it is full the peer blocks writing "
	  "and stops reading, your send blocks too: deadlock. Receive while "
	  "you send, doing only what is possible without blocking.",
	  "`pfd.events = (sending ? POLLOUT : 0) | (receiving ? POLLIN : 0); "
	  "poll(&pfd, 1, -1);` then `recv(..., MSG_DONTWAIT)` and `send(..., "
	  "MSG_DONTWAIT | MSG_NOSIGNAL)` for what revents allows; EAGAIN: "
	  "poll again." },
	{ "test_exchange_both_directions_at_once",
	  "Two processes each send 4 MiB at the same moment. What if each "
	  "sends everything before reading?",
	  "Each direction buffers a few hundred KiB: both sends block on a "
	  "full buffer that nobody drains. One poll() loop must move both "
	  "directions, a piece at a time, growing the receive buffer.",
	  "In the poll loop: on POLLIN (or POLLHUP/POLLERR) double buf with "
	  "realloc() when `len == cap`, then `recv(sock, buf + len, cap - "
	  "len, MSG_DONTWAIT)`; on POLLOUT `send(sock, out + sent, out_len - "
	  "sent, MSG_DONTWAIT | MSG_NOSIGNAL)`." },
	{ "test_exchange_peer_closes_early",
	  "The peer is gone before you start. What does your first send() do "
	  "to your process?",
	  "Sending to a socket whose peer closed raises SIGPIPE, which kills. "
	  "With MSG_NOSIGNAL it fails with EPIPE (or ECONNRESET): a real "
	  "error, not EAGAIN; stop and report it.",
	  "`n = send(sock, ..., MSG_DONTWAIT | MSG_NOSIGNAL); if (n == -1 && "
	  "errno != EAGAIN && errno != EINTR) goto fail;` where fail frees "
	  "the buffer and keeps errno." },
	{ "test_exchange_leaves_fd_flags",
	  "Did you set O_NONBLOCK on the caller's socket? Is it still set "
	  "when you return?",
	  "File status flags belong to the open file, shared with the "
	  "caller. MSG_DONTWAIT makes one call non-blocking and leaves the "
	  "flags alone.",
	  "No fcntl(F_SETFL): pass `MSG_DONTWAIT` to every recv() and send(). "
	  "Or save `fcntl(sock, F_GETFL)` and restore it on every return "
	  "path." },
	{ "test_exchange_short_io",
	  "What does your loop do when poll(), recv() or send() fails with "
	  "EINTR, or send() takes only part of what you offered?",
	  "A signal interrupts a call before it moves anything: EINTR is not "
	  "an error, just go round again. A short send is normal on a "
	  "stream: the rest goes in a later round.",
	  "`if (poll(&pfd, 1, -1) == -1) { if (errno == EINTR) continue; goto "
	  "fail; }`; for recv and send treat `errno == EAGAIN || errno == "
	  "EINTR` as \"nothing this time\", and `sent += n` after each "
	  "send." },
	{ "test_exchange_fails_cleanly",
	  "When malloc(), realloc(), recv(), send() or poll() fails, what is "
	  "left: the buffer, *in, the socket's flags, errno?",
	  "Only EINTR and EAGAIN mean \"try again\". Any other error ends "
	  "the exchange: free the buffer (after a failed realloc() the old "
	  "one is still yours), leave *in alone, restore any flag you "
	  "changed, and return -1 with the failed call's errno.",
	  "One exit for errors: `fail: saved = errno; free(box.buf); errno = "
	  "saved; return -1;` and `goto fail` from every failed call that "
	  "is not EINTR or EAGAIN." },
	{ "test_demo_duplex_matches_reference",
	  "Do `demo duplex 0` and `demo duplex 1000000` print the same as the "
	  "reference demo, and end?",
	  "Parent and child both call sockpair_exchange() with SIZE bytes at "
	  "once: 1 MB deadlocks an exchange that writes everything before "
	  "reading.",
	  "`make demo LAB=08 IMPL=solutions`, then compare "
	  "`build/labs/08-socketpair/demo duplex 1000000` with "
	  "`build/solutions/08-socketpair/demo duplex 1000000`." },
	{ "test_demo_upper_matches_reference",
	  "Does 600 KB piped through `demo upper` come back as with the "
	  "reference demo?",
	  "The child answers each chunk in upper case as it arrives, while "
	  "the parent is still sending: more than the socket buffers hold, "
	  "so the replies must be read during the sending.",
	  "`seq 1 100000 | build/labs/08-socketpair/demo upper | tail -1`, "
	  "and the same with `build/solutions/08-socketpair/demo`." },

	/* Step 2: keeping message boundaries */
	{ "test_send_msg_keeps_boundaries",
	  "On a SOCK_SEQPACKET socket, how many send() calls make one "
	  "message?",
	  "Each send() is one message. A send loop, chunks, or a length sent "
	  "first turn one message into several.",
	  "`do n = send(sock, buf, len, MSG_NOSIGNAL); while (n == -1 && "
	  "errno == EINTR); return n;`." },
	{ "test_recv_msg_one_message_per_call",
	  "Do you call recvmsg() again until the buffer is full?",
	  "One recvmsg() returns exactly one message, whatever its size. A "
	  "loop to fill cap merges messages, or blocks waiting for one more.",
	  "`struct iovec iov = { buf, cap }; struct msghdr msg = { .msg_iov "
	  "= &iov, .msg_iovlen = 1 };` one `n = recvmsg(sock, &msg, 0);` "
	  "(again only on EINTR), `return n;`." },
	{ "test_recv_msg_reports_truncation",
	  "A 100-byte message, a 10-byte buffer: what does recvmsg() return, "
	  "and how do you learn that more was there?",
	  "It returns 10 and drops the other 90 for good, setting MSG_TRUNC "
	  "in msg.msg_flags (the msghdr's field, not your flags argument). "
	  "The next call returns the next message.",
	  "After recvmsg(): `if (msg.msg_flags & MSG_TRUNC) { errno = "
	  "EMSGSIZE; return -1; }`." },
	{ "test_recv_msg_eof",
	  "The peer closed its end. What does recvmsg() return, and what do "
	  "you?",
	  "recvmsg() returns 0 at EOF (which is why no message may be "
	  "empty). That is a result, not an error: pass it on, do not retry.",
	  "`if (n == -1) return -1;` then the MSG_TRUNC check, then `return "
	  "n;` (0 at EOF)." },
	{ "test_send_msg_retries_eintr_only",
	  "Which send() errors do you retry, and which do you report?",
	  "EINTR means a signal came before anything was sent: send the "
	  "same message again. Any other error (ENOBUFS, EPIPE, EMSGSIZE) "
	  "is the caller's to see, and retrying a send() that succeeded "
	  "would send the message twice.",
	  "`do n = send(sock, buf, len, MSG_NOSIGNAL); while (n == -1 && "
	  "errno == EINTR); return n;`." },
	{ "test_recv_msg_retries_eintr_only",
	  "Which recvmsg() errors do you retry, and which do you report?",
	  "EINTR means a signal came before anything was received: the "
	  "message is still queued, call again. Other errors go to the "
	  "caller at once, the message still queued for the next call.",
	  "`do n = recvmsg(sock, &msg, 0); while (n == -1 && errno == "
	  "EINTR); if (n == -1) return -1;`." },
	{ "test_send_msg_one_big_message",
	  "The message is half the send buffer. Do you send it in pieces?",
	  "A seqpacket message goes whole or not at all: there is no short "
	  "send to loop on. Chunks of, say, 4096 bytes arrive as messages of "
	  "their own.",
	  "One `send(sock, buf, len, MSG_NOSIGNAL)` for all `len` bytes, "
	  "with no chunk size anywhere." },
	{ "test_send_msg_too_big_fails",
	  "The message is twice the send buffer. What does send() answer, "
	  "and do you pass it on?",
	  "It can never fit, so the kernel refuses it at once with EMSGSIZE. "
	  "Splitting it would change the message; retrying would hang. "
	  "Report the error.",
	  "Retry only EINTR: `while (n == -1 && errno == EINTR)`, then "
	  "`return n;` (-1 with errno EMSGSIZE)." },
	{ "test_spawn_seqpacket_keeps_boundaries",
	  "Where does sockpair_spawn()'s type go in the socketpair() call?",
	  "socketpair(domain, type, protocol, sv): the type is the second "
	  "argument, the protocol 0. A hard-coded SOCK_STREAM merges the "
	  "child's messages; the type as protocol fails with "
	  "EPROTONOSUPPORT.",
	  "`socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv)`, and the parent "
	  "still closes sv[1] so that EOF comes after the messages." },
	{ "test_demo_messages_matches_reference",
	  "Do `demo messages 1 100 1000 60000` and `demo messages --stream 1 "
	  "100 1000` print the same as the reference demo?",
	  "Over SOCK_SEQPACKET each receive must return one message of the "
	  "size sent; over a stream they melt into one read. Both use your "
	  "spawn, send_msg and recv_msg.",
	  "Compare both commands with `build/solutions/08-socketpair/demo`; "
	  "a size that differs points at sockpair_spawn()'s type or at "
	  "sockpair_send_msg()." },

	/* Step 3: passing an open file to another process */
	{ "test_send_fd_one_descriptor_arrives",
	  "What does your message carry: ordinary data, and which level, "
	  "type and cmsg_len in the control part?",
	  "On a stream, control data rides on ordinary data: send 1 byte. "
	  "cmsg_len is CMSG_LEN(sizeof(int)); CMSG_SPACE is the buffer size, "
	  "and as cmsg_len its padding is read as a second descriptor.",
	  "`c = CMSG_FIRSTHDR(&msg); c->cmsg_level = SOL_SOCKET; "
	  "c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int)); "
	  "memcpy(CMSG_DATA(c), &fd, sizeof(int));` then `sendmsg(sock, "
	  "&msg, MSG_NOSIGNAL)` with a 1-byte iovec." },
	{ "test_recv_fd_gets_working_descriptor",
	  "How big is your control buffer, and where do you take the new "
	  "descriptor from?",
	  "The buffer must hold header, int and padding: "
	  "CMSG_SPACE(sizeof(int)). Smaller, and the kernel drops the "
	  "descriptor and sets MSG_CTRUNC. The new fd is in CMSG_DATA(), "
	  "usually a different number from the sender's.",
	  "`union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } "
	  "u;` `msg.msg_control = u.buf; msg.msg_controllen = sizeof(u.buf);` "
	  "`recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)`, then `memcpy(&fd, "
	  "CMSG_DATA(c), sizeof(int));`." },
	{ "test_recv_fd_without_descriptor",
	  "A byte arrives with no control message. What does CMSG_FIRSTHDR() "
	  "give you then?",
	  "NULL: there is no header to read. Check it, and the level, type, "
	  "length and MSG_CTRUNC, before trusting CMSG_DATA(); fail with "
	  "EBADMSG, closing any descriptor that did arrive.",
	  "`if ((msg.msg_flags & MSG_CTRUNC) || c == NULL || c->cmsg_level != "
	  "SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != "
	  "CMSG_LEN(sizeof(int))) { errno = EBADMSG; return -1; }`." },
	{ "test_recv_fd_at_eof",
	  "recvmsg() returned 0. What does that mean here?",
	  "0 bytes and no control data: the peer closed without sending "
	  "anything. The contract reports that as ECONNRESET, not EBADMSG.",
	  "Right after recvmsg(): `if (n == 0) { errno = ECONNRESET; return "
	  "-1; }`." },
	{ "test_send_fd_retries_eintr_only",
	  "Which sendmsg() errors do you retry, and which do you report?",
	  "An interrupted sendmsg() (EINTR) sent nothing, neither the byte "
	  "nor the descriptor: send the same message again. Any other error "
	  "is the caller's.",
	  "`do n = sendmsg(sock, &msg, MSG_NOSIGNAL); while (n == -1 && "
	  "errno == EINTR); return n == -1 ? -1 : 0;`." },
	{ "test_recv_fd_retries_eintr_only",
	  "Which recvmsg() errors do you retry, and which do you report?",
	  "An interrupted recvmsg() (EINTR) took nothing: the byte and the "
	  "descriptor are still queued, call again. Any other error goes to "
	  "the caller at once.",
	  "`do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (n == -1 && "
	  "errno == EINTR); if (n == -1) return -1;`." },
	{ "test_recv_fd_closes_extra_descriptors",
	  "A message brought two or three descriptors when you expected "
	  "one. Which of them are open in your process when you return "
	  "EBADMSG?",
	  "Every descriptor that arrived is installed in your process, even "
	  "when you reject the message (wrong cmsg_len, MSG_CTRUNC: the "
	  "kernel installs as many as fit). Rejecting without closing them "
	  "leaks them.",
	  "Before `errno = EBADMSG; return -1;`, walk the control messages "
	  "(`CMSG_FIRSTHDR`, `CMSG_NXTHDR`) and for each SOL_SOCKET / "
	  "SCM_RIGHTS one close the `(cmsg_len - CMSG_LEN(0)) / sizeof(int)` "
	  "descriptors in CMSG_DATA() (memcpy each int out)." },
	{ "test_fd_passing_child_reads_file",
	  "The child was forked before the file was opened. How can it reach "
	  "the file, and where does it start reading?",
	  "Only through the descriptor you pass. The receiver gets a new fd "
	  "for the same open file, sharing its offset (10 here). Without a "
	  "data byte nothing is sent and the child sees EOF.",
	  "Sender: `sockpair_send_fd(sock, file)` with 1 data byte and "
	  "SCM_RIGHTS; receiver: `fd = sockpair_recv_fd(sock)`, then read fd "
	  "as it is (no lseek, no reopen)." },
	{ "test_fd_passing_several_in_a_row",
	  "Three descriptors go out one after another. How many data bytes "
	  "does each send, and each receive take?",
	  "One byte per descriptor, both ways: send exactly 1 and receive "
	  "into a 1-byte iovec, so each receive takes one message's byte "
	  "with its descriptor, in order.",
	  "`struct iovec iov = { &byte, 1 };` in both sockpair_send_fd() and "
	  "sockpair_recv_fd(), one sendmsg() and one recvmsg() per "
	  "descriptor." },
	{ "test_demo_passfd_matches_reference",
	  "Does `demo passfd FILE` print the same as the reference demo?",
	  "The child, forked before the parent opens FILE, reads it through "
	  "the descriptor you pass; the parent then finds its own offset at "
	  "the end of the file.",
	  "Compare `build/labs/08-socketpair/demo passfd /etc/hostname` with "
	  "`build/solutions/08-socketpair/demo passfd /etc/hostname`." },

	/* Step 4: the peer's credentials */
	{ "test_peer_cred_fresh_pair",
	  "Who does the kernel say is on the other end, and in which struct?",
	  "getsockopt(SO_PEERCRED) fills a struct ucred (pid, uid, gid) with "
	  "what the kernel recorded when the pair was made: here, by this "
	  "very process.",
	  "`struct ucred cred; socklen_t len = sizeof(cred); getsockopt(sock, "
	  "SOL_SOCKET, SO_PEERCRED, &cred, &len);` then copy cred.pid, "
	  "cred.uid, cred.gid to the pointers that are not NULL." },
	{ "test_peer_cred_from_other_process",
	  "Who made this socket's pair: you, your parent, or someone else?",
	  "SO_PEERCRED names the process that called socketpair(), as the "
	  "kernel recorded it. getpid() or getppid() is a guess, wrong here: "
	  "another process made the pair and passed one end over.",
	  "`getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len)` and `if "
	  "(pid != NULL) *pid = cred.pid;`: no getpid() anywhere." },
	{ "test_peer_cred_not_a_socket",
	  "What does getsockopt() say about a pipe, and does your caller see "
	  "it?",
	  "A pipe is not a socket: getsockopt() fails with ENOTSOCK. Return "
	  "-1 with that errno, and write nothing to the pointers.",
	  "`if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) "
	  "return -1;` before touching pid, uid or gid." },
	{ "test_demo_peercred_matches_reference",
	  "Does `demo peercred` print the same as the reference demo?",
	  "On the pair the parent made and shared by fork(), SO_PEERCRED "
	  "names the parent; on a pair the child made and passed over, the "
	  "child. It uses your spawn, recv_fd and peer_cred.",
	  "Compare `build/labs/08-socketpair/demo peercred` with "
	  "`build/solutions/08-socketpair/demo peercred`." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
