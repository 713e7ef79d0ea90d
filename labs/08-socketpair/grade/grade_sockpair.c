/* SPDX-License-Identifier: MIT */
/**
 * @file grade_sockpair.c
 * @brief Lab 08 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c) adds the leak checks: fds, children, zombies. Peers that
 * the tests need are forked with grade_spawn() and report through their exit
 * status (the PEER_* codes), which the test turns into a message.
 */
#include "grade.h"
#include "ipc_util.h"
#include "sockpair.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/** How long a peer waits for data or EOF before it reports a stall. */
#define PEER_PATIENCE_MS 2000
/** How long a test waits for a child or helper to finish. */
#define JOIN_MS 3000
/** Descriptors the fd checks look at. */
#define MAX_FD 256

/** Exit codes of the tests' peers. */
enum peer_code {
	PEER_OK = 0,
	PEER_IO = 2,	      /**< an I/O error in the peer itself */
	PEER_NO_EOF = 3,      /**< got every byte, then no EOF came */
	PEER_STALLED = 4,     /**< no data and no EOF for a long time */
	PEER_WRONG_COUNT = 5, /**< got a different number of bytes */
	PEER_WRONG_BYTES = 6, /**< got the right count, different bytes */
	PEER_CALL_FAILED = 7, /**< the student's function returned -1 */
	PEER_NOT_SAME_FILE = 8,
	PEER_WRONG_OFFSET = 9,
	PEER_RECV_EBADMSG = 10,
	PEER_RECV_EOF = 11, /**< the student's sockpair_recv_fd() saw EOF */
	PEER_FD_BASE = 100, /**< 100 + n: the child holds an extra fd n */
};

/** A socketpair for the test itself; the test closes both ends. */
static void
make_pair(int type, int sv[2])
{
	ck_assert_msg(socketpair(AF_UNIX, type, 0, sv) == 0, "socketpair: %s",
		      strerror(errno));
}

/** The socket type (SOCK_STREAM, ...) of @p sock, or -1. */
static int
socket_type(int sock)
{
	int type = -1;
	socklen_t len = sizeof(type);

	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		return -1;
	return type;
}

static const char *
type_name(int type)
{
	return type == SOCK_STREAM	? "SOCK_STREAM"
	       : type == SOCK_SEQPACKET ? "SOCK_SEQPACKET"
	       : type == SOCK_DGRAM	? "SOCK_DGRAM"
					: "not a socket";
}

/** Wait until @p sock is readable; false after @p timeout_ms. */
static bool
readable_within(int sock, int timeout_ms)
{
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	int n;

	while ((n = poll(&pfd, 1, timeout_ms)) == -1 && errno == EINTR)
		;
	return n == 1;
}

/* -------------------------------------------------- poll() that fails */

/*
 * The engine can make the student's socketpair(), fork(), recv(), send(),
 * malloc() ... fail (grade_fail_nth()), not poll(): this grader wraps poll()
 * itself (-Wl,--wrap=poll in the lab's Makefile). poll_fail_nth() makes the
 * nth poll() call from now fail with an errno, once; the grader's own
 * poll() calls count too while it is armed, so arm it right before the
 * call under test and clear it right after.
 */
int __real_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout);

static struct {
	unsigned nth;	/**< 0: nothing armed */
	unsigned calls; /**< poll() calls since it was armed */
	int err;	/**< the errno the failed call sets */
	bool fired;	/**< the nth call came and failed */
} poll_fault;

int
__wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	if (poll_fault.nth != 0 && ++poll_fault.calls == poll_fault.nth) {
		poll_fault.fired = true;
		errno = poll_fault.err;
		return -1;
	}
	return __real_poll(fds, nfds, timeout);
}

/** Make the @p nth poll() call from now fail with @p err. */
static void
poll_fail_nth(unsigned nth, int err)
{
	poll_fault.nth = nth;
	poll_fault.calls = 0;
	poll_fault.err = err;
	poll_fault.fired = false;
}

/** Disarm poll(); did the armed failure happen? errno is kept. */
static bool
poll_fail_clear(void)
{
	bool fired = poll_fault.fired;

	memset(&poll_fault, 0, sizeof(poll_fault));
	return fired;
}

/** Arm the same failure for each function of a NULL-ended list (the code
 *  under test uses one of them: recv(), read() or recvmsg(), say). Put
 *  "malloc" last: grade_fail_nth() itself runs Check's asserts, which
 *  allocate. */
static void
fail_nth_each(const char *const *functions, unsigned nth, int err)
{
	for (size_t i = 0; functions[i] != NULL; i++)
		grade_fail_nth(functions[i], nth, err);
}

/** Calls that receive bytes from a socket, and calls that send them. */
static const char *const receiving_calls[] = { "recv", "read", "recvmsg",
					       NULL };
static const char *const sending_calls[] = { "send", "write", "sendmsg",
					     NULL };

/* ---------------------------------------------------- descriptor checks */

static bool open_before[MAX_FD];

/** Remember which fds are open now (before calling the student's code). */
static void
remember_open_fds(void)
{
	for (int fd = 0; fd < MAX_FD; fd++)
		open_before[fd] = fcntl(fd, F_GETFD) != -1;
}

/** An fd open now that was not before, other than @p keep; -1 if none. */
static int
new_fd_other_than(int keep)
{
	for (int fd = 0; fd < MAX_FD; fd++)
		if (fd != keep && !open_before[fd] && fcntl(fd, F_GETFD) != -1)
			return fd;
	return -1;
}

/** Reap a child forked by sockpair_spawn(); fail if it does not end. */
static int
join_child(pid_t child)
{
	int status = 0;

	if (ipc_waitpid_timeout(child, &status, JOIN_MS) == -1) {
		int err = errno;
		if (err == ETIMEDOUT) {
			kill(child, SIGKILL);
			ipc_waitpid(child, NULL);
			ck_abort_msg("the child forked by sockpair_spawn() was "
				     "still running %d ms after the parent "
				     "closed its end: is it waiting for an EOF "
				     "that never comes? After fork() the child "
				     "must close the parent's end of the "
				     "socketpair",
				     JOIN_MS);
		}
		ck_abort_msg("sockpair_spawn() gave the child pid %ld, but "
			     "waitpid() on it fails (%s): store the pid that "
			     "fork() returned in *child",
			     (long)child, ipc_errno_name(err));
	}
	return status;
}

/** Fail unless a sockpair_spawn() child exited with status @p expect. */
static void
check_child_status(int status, int expect)
{
	char how[96];

	ipc_describe_status(status, how, sizeof(how));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == expect,
		      "serve() returned %d in the child, but the child %s: the "
		      "child must end with _exit(serve(child_end, arg)), never "
		      "return from sockpair_spawn() or exit another way",
		      expect, how);
}

/* ------------------------------------------------------ reference peers */

/** The grader's own SCM_RIGHTS sender (known good). */
static int
ref_send_fd(int sock, int fd)
{
	char byte = 'R';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg;

	memset(&control, 0, sizeof(control));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/** What the grader's own receiver saw in one message. */
struct received {
	ssize_t bytes;	/**< ordinary data bytes (-1: nothing was queued) */
	int fds[16];	/**< descriptors that arrived */
	int n_fds;	/**< how many */
	bool truncated; /**< MSG_CTRUNC */
};

/** Receive one queued message with a roomy control buffer, never blocking. */
static void
ref_recv(int sock, struct received *r)
{
	char data[16];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };

	memset(r, 0, sizeof(*r));
	r->bytes = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (r->bytes == -1)
		return;
	r->truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL;
	     c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0;
		     i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) &&
		     r->n_fds < 16;
		     i++)
			memcpy(&r->fds[r->n_fds++],
			       CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
}

/** Close what ref_recv() received. */
static void
close_received(struct received *r)
{
	for (int i = 0; i < r->n_fds; i++)
		close(r->fds[i]);
	r->n_fds = 0;
}

/** Do two descriptors refer to the same file (device and inode)? */
static bool
same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/** Create a file in the test's directory holding @p len bytes of @p text,
 *  and open it again with @p flags. */
static int
make_file(const char *name, const char *text, size_t len, int flags)
{
	int fd = open(grade_path(name),
		      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_msg(fd != -1, "open %s: %s", name, strerror(errno));
	ck_assert_int_eq(ipc_write_all(fd, text, len), (ssize_t)len);
	close(fd);
	fd = open(grade_path(name), flags | O_CLOEXEC);
	ck_assert_msg(fd != -1, "open %s: %s", name, strerror(errno));
	return fd;
}

/* ------------------------------------------------- step 1: spawn a child */

/** Child: answer "ping?" with "pong!". */
static int
serve_ping(int sock, void *arg)
{
	char buf[5];

	(void)arg;
	if (ipc_read_all(sock, buf, 5) != 5 || memcmp(buf, "ping?", 5) != 0)
		return PEER_WRONG_BYTES;
	return ipc_write_all(sock, "pong!", 5) == 5 ? PEER_OK : PEER_IO;
}

START_TEST(test_spawn_talks_both_ways)
{
	pid_t child = -1;
	char buf[6] = "";
	int sock = GRADE_CALL(
		sockpair_spawn(SOCK_STREAM, serve_ping, NULL, &child));

	GRADE_IMPLEMENTED(sock, "sockpair_spawn", 1);
	ck_assert_msg(sock >= 0, "sockpair_spawn() failed: %s",
		      ipc_errno_name(errno));
	ck_assert_msg(socket_type(sock) == SOCK_STREAM,
		      "the descriptor returned is %s, asked for SOCK_STREAM: "
		      "create the pair with socketpair(AF_UNIX, type, 0, sv)",
		      type_name(socket_type(sock)));
	ck_assert_int_eq(ipc_write_all(sock, "ping?", 5), 5);
	ck_assert_msg(readable_within(sock, JOIN_MS) &&
			      ipc_read_all(sock, buf, 5) == 5 &&
			      memcmp(buf, "pong!", 5) == 0,
		      "the parent wrote \"ping?\" on the descriptor "
		      "sockpair_spawn() returned, and the child (running "
		      "serve() on its end) did not answer \"pong!\" (got "
		      "\"%s\"): one socketpair, the parent keeps one end and "
		      "the child the other",
		      buf);
	close(sock);
	check_child_status(join_child(child), PEER_OK);
}
END_TEST

/** Child: return 42 at once. */
static int
serve_status_42(int sock, void *arg)
{
	(void)sock;
	(void)arg;
	return 42;
}

START_TEST(test_spawn_child_exits_with_serve_status)
{
	pid_t child = -1;
	int sock = GRADE_CALL(
		sockpair_spawn(SOCK_STREAM, serve_status_42, NULL, &child));

	GRADE_IMPLEMENTED(sock, "sockpair_spawn", 1);
	ck_assert_msg(sock >= 0, "sockpair_spawn() failed: %s",
		      ipc_errno_name(errno));
	close(sock);
	check_child_status(join_child(child), 42);
}
END_TEST

/** Child: report a new fd besides its own end, else wait for EOF. */
static int
serve_check_fds(int sock, void *arg)
{
	int extra = new_fd_other_than(sock);
	char byte;

	(void)arg;
	if (extra != -1)
		return PEER_FD_BASE + (extra < 150 ? extra : 150);
	if (!readable_within(sock, PEER_PATIENCE_MS))
		return PEER_STALLED;
	return read(sock, &byte, 1) == 0 ? PEER_OK : PEER_WRONG_BYTES;
}

START_TEST(test_spawn_child_closes_parent_end)
{
	pid_t child = -1;
	int sock;

	remember_open_fds();
	sock = GRADE_CALL(
		sockpair_spawn(SOCK_STREAM, serve_check_fds, NULL, &child));
	GRADE_IMPLEMENTED(sock, "sockpair_spawn", 1);
	ck_assert_msg(sock >= 0, "sockpair_spawn() failed: %s",
		      ipc_errno_name(errno));
	close(sock); /* the child must now see EOF */
	int status = join_child(child);
	if (WIFEXITED(status) && WEXITSTATUS(status) >= PEER_FD_BASE)
		ck_abort_msg(
			"in the child, fd %d is still open: the parent's end "
			"of the socketpair. After fork() the child must "
			"close the other end (the parent's), or it never "
			"sees EOF when the parent closes its own",
			WEXITSTATUS(status) - PEER_FD_BASE);
	ck_assert_msg(
		!(WIFEXITED(status) && WEXITSTATUS(status) == PEER_STALLED),
		"the parent closed its end but the child never saw EOF: "
		"some process still holds the parent's end. After "
		"fork() the child must close the other end");
	check_child_status(status, PEER_OK);
}
END_TEST

START_TEST(test_spawn_parent_closes_child_end)
{
	pid_t child = -1;
	char byte;
	int sock, extra;

	remember_open_fds();
	sock = GRADE_CALL(
		sockpair_spawn(SOCK_STREAM, serve_status_42, NULL, &child));
	GRADE_IMPLEMENTED(sock, "sockpair_spawn", 1);
	ck_assert_msg(sock >= 0, "sockpair_spawn() failed: %s",
		      ipc_errno_name(errno));
	extra = new_fd_other_than(sock);
	if (extra != -1) {
		close(extra);
		close(sock);
		join_child(child);
		ck_abort_msg(
			"after sockpair_spawn() returned, the parent still "
			"holds fd %d besides its own end: the child's end of "
			"the socketpair. Close it in the parent right after "
			"fork(), or the parent never sees EOF when the "
			"child exits",
			extra);
	}
	check_child_status(join_child(child), 42);
	ck_assert_msg(readable_within(sock, JOIN_MS) &&
			      read(sock, &byte, 1) == 0,
		      "the child has exited but the parent's end does not "
		      "report EOF: someone still holds the child's end");
	close(sock);
}
END_TEST

START_TEST(test_spawn_rejects_null_arguments)
{
	pid_t child = -1;
	int sock;

	errno = 0;
	sock = GRADE_CALL(sockpair_spawn(SOCK_STREAM, NULL, NULL, &child));
	GRADE_IMPLEMENTED(sock, "sockpair_spawn", 1);
	if (sock >= 0)
		close(sock);
	ck_assert_msg(sock == -1 && errno == EINVAL,
		      "sockpair_spawn() with serve NULL returned %d (%s): "
		      "expected -1 with EINVAL, before making the pair or the "
		      "child (a child that calls a NULL serve() crashes)",
		      sock, sock == -1 ? ipc_errno_name(errno) : "a descriptor");
	errno = 0;
	sock = GRADE_CALL(
		sockpair_spawn(SOCK_STREAM, serve_status_42, NULL, NULL));
	if (sock >= 0)
		close(sock);
	ck_assert_msg(sock == -1 && errno == EINVAL,
		      "sockpair_spawn() with child NULL returned %d (%s): "
		      "expected -1 with EINVAL, before forking (the caller "
		      "could never reap a child whose pid it does not get)",
		      sock, sock == -1 ? ipc_errno_name(errno) : "a descriptor");
}
END_TEST

START_TEST(test_spawn_cleans_up_when_calls_fail)
{
	static const struct {
		const char *function;
		int err;
	} cases[] = { { "socketpair", EMFILE }, { "fork", EAGAIN } };

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		bool failed = true;
		/* Each call of that function in turn fails, until
		 * sockpair_spawn() makes fewer calls than that. */
		for (unsigned k = 1; k <= 3 && failed; k++) {
			pid_t child = -1;
			int sock;
			grade_fail_nth(cases[c].function, k, cases[c].err);
			sock = GRADE_CALL(sockpair_spawn(
				SOCK_STREAM, serve_status_42, NULL, &child));
			failed = grade_expect_clean_failure(sock, cases[c].err,
							    "sockpair_spawn()");
			GRADE_IMPLEMENTED(sock, "sockpair_spawn", 1);
			if (failed)
				continue;
			ck_assert_msg(sock >= 0, "sockpair_spawn() failed: %s",
				      ipc_errno_name(errno));
			close(sock);
			check_child_status(join_child(child), 42);
		}
	}
}
END_TEST

/* ------------------------------------------- step 1: a full-duplex exchange */

/** A peer in another process, on the other end of a socketpair. */
struct peer_job {
	int sock;	 /**< the peer's end */
	int other;	 /**< the test's end: the peer closes it */
	size_t expect;	 /**< bytes the peer should receive */
	size_t reply;	 /**< bytes the peer sends back (reply peer) */
	const char *in;	 /**< what the peer should receive (may be NULL) */
	const char *out; /**< what the peer sends (exchange peer) */
};

/** Wait for data; a PEER_* code when none comes, 0 when it can read. */
static int
peer_wait(const struct peer_job *job, size_t total)
{
	if (readable_within(job->sock, PEER_PATIENCE_MS))
		return 0;
	return total >= job->expect ? PEER_NO_EOF : PEER_STALLED;
}

/**
 * Wait for data and read it: 0 with *n set (0 at EOF, -1 on error), or a
 * PEER_* code when nothing comes. @p total is what arrived so far.
 */
static int
peer_read(const struct peer_job *job, char *buf, size_t cap, size_t total,
	  ssize_t *n)
{
	int code;

	do {
		if ((code = peer_wait(job, total)) != 0)
			return code;
		*n = read(job->sock, buf, cap);
	} while (*n == -1 && errno == EINTR);
	return 0;
}

/** Peer: echo every byte at once, with blocking I/O, until EOF. */
static int
echo_peer(void *arg)
{
	const struct peer_job *job = arg;
	char buf[65536];
	size_t total = 0;
	ssize_t n;
	int code;

	close(job->other);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		if ((code = peer_read(job, buf, sizeof(buf), total, &n)) != 0)
			return code;
		if (n <= 0)
			break;
		total += (size_t)n;
		if (ipc_write_all(job->sock, buf, (size_t)n) == -1)
			return PEER_IO;
	}
	if (n == -1)
		return PEER_IO;
	return total == job->expect ? PEER_OK : PEER_WRONG_COUNT;
}

/** Peer: read the whole request until EOF, only then send a reply. */
static int
reply_after_eof_peer(void *arg)
{
	const struct peer_job *job = arg;
	char buf[4096], *reply;
	size_t total = 0;
	ssize_t n;
	int code;

	close(job->other);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		if ((code = peer_read(job, buf, sizeof(buf), total, &n)) != 0)
			return code;
		if (n <= 0)
			break;
		total += (size_t)n;
	}
	if (n == -1)
		return PEER_IO;
	if (total != job->expect)
		return PEER_WRONG_COUNT;
	reply = grade_pattern(job->reply, 5);
	code = ipc_write_all(job->sock, reply, job->reply) == -1 ? PEER_IO
								 : PEER_OK;
	free(reply);
	return code;
}

/** Fail with what a peer's exit status says went wrong. */
static void
check_peer(int status, size_t sent)
{
	char how[96];

	if (WIFEXITED(status) && WEXITSTATUS(status) == PEER_NO_EOF)
		ck_abort_msg(
			"the peer received all %zu bytes but no EOF after "
			"them, so it could not know the request was "
			"complete: once everything is sent, call "
			"shutdown(sock, SHUT_WR) (a half-close: you can "
			"still receive; close() would end both directions)",
			sent);
	if (WIFEXITED(status) && WEXITSTATUS(status) == PEER_STALLED)
		ck_abort_msg("the peer waited %d ms for more of your %zu bytes "
			     "and nothing came: send every byte",
			     PEER_PATIENCE_MS, sent);
	if (WIFEXITED(status) && WEXITSTATUS(status) == PEER_WRONG_COUNT)
		ck_abort_msg("the peer received a different number of bytes "
			     "than the %zu you were asked to send",
			     sent);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == PEER_OK,
		      "the test's peer %s",
		      ipc_describe_status(status, how, sizeof(how)));
}

/** Check what sockpair_exchange() returned against what was expected. */
static void
check_received(ssize_t n, const char *got, const char *want, size_t len)
{
	ck_assert_msg(n != -1, "sockpair_exchange() failed with %s",
		      ipc_errno_name(errno));
	ck_assert_msg(got != NULL,
		      "*in must point to a buffer (even for 0 bytes)");
	ck_assert_msg(
		n == (ssize_t)len,
		"the peer sent %zu bytes, sockpair_exchange() returned %zd: "
		"receive until the peer's EOF (recv() returning 0)",
		len, n);
	ck_assert_msg(grade_first_mismatch(got, want, len) == len,
		      "the bytes received differ from those the peer sent, "
		      "from offset %zu on",
		      grade_first_mismatch(got, want, len));
}

/**
 * Exchange @p len bytes with an echo peer; check both sides. With
 * @p faults, every third recv() and send() is interrupted (EINTR), the
 * others move at most 4093 bytes, and the first poll() is interrupted.
 */
static void
check_echo(size_t len, bool faults)
{
	struct peer_job job = { .expect = len };
	char *data = grade_pattern(len, 1), *in = NULL;
	int sv[2], status, err;
	ssize_t n;
	pid_t peer;

	make_pair(SOCK_STREAM, sv);
	job.sock = sv[1];
	job.other = sv[0];
	peer = grade_spawn(echo_peer, &job);
	close(sv[1]);
	if (faults) {
		grade_inject_short_io(true);
		poll_fail_nth(1, EINTR);
	}
	n = sockpair_exchange(sv[0], data, len, &in);
	err = errno;
	grade_inject_short_io(false);
	poll_fail_clear();
	errno = err;
	GRADE_IMPLEMENTED(n, "sockpair_exchange", 1);
	ck_assert_msg(!faults || n != -1,
		      "sockpair_exchange() returned -1 (%s) while calls were "
		      "interrupted by signals (EINTR from poll(), recv() and "
		      "send()) or moved fewer bytes than asked: EINTR means "
		      "\"try again\", and a short send leaves the rest for the "
		      "next round",
		      ipc_errno_name(err));
	close(sv[0]);
	status = grade_join(peer, JOIN_MS + PEER_PATIENCE_MS);
	check_peer(status, len);
	check_received(n, in, data, len);
	free(in);
	free(data);
}

START_TEST(test_exchange_echo_small)
{
	check_echo(19, false);
}
END_TEST

START_TEST(test_exchange_echo_large)
{
	check_echo(4u << 20, false);
}
END_TEST

START_TEST(test_exchange_empty)
{
	check_echo(0, false);
}
END_TEST

START_TEST(test_exchange_peer_sees_eof)
{
	struct peer_job job = { .expect = 3000, .reply = 2000 };
	char *data = grade_pattern(job.expect, 1),
	     *want = grade_pattern(job.reply, 5);
	char *in = NULL;
	int sv[2], status;
	ssize_t n;
	pid_t peer;

	make_pair(SOCK_STREAM, sv);
	job.sock = sv[1];
	job.other = sv[0];
	peer = grade_spawn(reply_after_eof_peer, &job);
	close(sv[1]);
	n = sockpair_exchange(sv[0], data, job.expect, &in);
	GRADE_IMPLEMENTED(n, "sockpair_exchange", 1);
	close(sv[0]);
	status = grade_join(peer, JOIN_MS + PEER_PATIENCE_MS);
	check_peer(status, job.expect);
	check_received(n, in, want, job.reply);
	free(in);
	free(want);
	free(data);
}
END_TEST

/** Peer: run the student's sockpair_exchange() too, the other way round. */
static int
exchange_peer(void *arg)
{
	const struct peer_job *job = arg;
	char *in = NULL;
	ssize_t n;
	int code;

	close(job->other);
	n = sockpair_exchange(job->sock, job->out, job->reply, &in);
	if (n == -1)
		return PEER_CALL_FAILED;
	code = (size_t)n != job->expect ? PEER_WRONG_COUNT
	       : grade_first_mismatch(in, job->in, job->expect) != job->expect
		       ? PEER_WRONG_BYTES
		       : PEER_OK;
	free(in);
	return code;
}

START_TEST(test_exchange_both_directions_at_once)
{
	const size_t len = 4u << 20; /* far more than both socket buffers */
	char *to_peer = grade_pattern(len, 1), *to_us = grade_pattern(len, 9),
	     *in = NULL;
	struct peer_job job = {
		.expect = len, .reply = len, .in = to_peer, .out = to_us
	};
	int sv[2], status;
	ssize_t n;
	pid_t peer;

	make_pair(SOCK_STREAM, sv);
	job.sock = sv[1];
	job.other = sv[0];
	peer = grade_spawn(exchange_peer, &job);
	close(sv[1]);
	n = sockpair_exchange(sv[0], to_peer, len, &in);
	GRADE_IMPLEMENTED(n, "sockpair_exchange", 1);
	close(sv[0]);
	status = grade_join(peer, JOIN_MS);
	check_received(n, in, to_us, len);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == PEER_OK,
		      "the other process, calling sockpair_exchange() at the "
		      "same time, %s",
		      WIFEXITED(status) &&
				      WEXITSTATUS(status) == PEER_CALL_FAILED
			      ? "got -1 from it"
			      : "received wrong data or crashed");
	free(in);
	free(to_peer);
	free(to_us);
}
END_TEST

START_TEST(test_exchange_peer_closes_early)
{
	const size_t len = 1u << 20;
	char *data = grade_pattern(len, 1), *in = NULL;
	int sv[2];
	ssize_t n;

	make_pair(SOCK_STREAM, sv);
	close(sv[1]);		  /* the peer is gone before we start */
	signal(SIGPIPE, SIG_DFL); /* as in a fresh program: SIGPIPE kills */
	errno = 0;
	n = sockpair_exchange(sv[0], data, len, &in);
	GRADE_IMPLEMENTED(n, "sockpair_exchange", 1);
	ck_assert_msg(n == -1 && (errno == EPIPE || errno == ECONNRESET),
		      "sending to a peer that closed its end returned %zd "
		      "(errno %s): expected -1 with EPIPE (send with "
		      "MSG_NOSIGNAL, so the error is reported instead of a "
		      "SIGPIPE killing the process)",
		      n, ipc_errno_name(errno));
	close(sv[0]);
	free(data);
}
END_TEST

START_TEST(test_exchange_leaves_fd_flags)
{
	struct peer_job job = { .expect = 100000 };
	char *data = grade_pattern(job.expect, 1), *in = NULL;
	int sv[2], flags_before, flags_after;
	ssize_t n;
	pid_t peer;

	make_pair(SOCK_STREAM, sv);
	job.sock = sv[1];
	job.other = sv[0];
	peer = grade_spawn(echo_peer, &job);
	close(sv[1]);
	flags_before = fcntl(sv[0], F_GETFL);
	n = sockpair_exchange(sv[0], data, job.expect, &in);
	GRADE_IMPLEMENTED(n, "sockpair_exchange", 1);
	flags_after = fcntl(sv[0], F_GETFL);
	close(sv[0]);
	check_peer(grade_join(peer, JOIN_MS + PEER_PATIENCE_MS), job.expect);
	check_received(n, in, data, job.expect);
	ck_assert_msg(flags_after == flags_before,
		      "the socket's file status flags were %#x before "
		      "sockpair_exchange() and %#x after (O_NONBLOCK is %#x): "
		      "leave the caller's descriptor as you found it (or use "
		      "MSG_DONTWAIT per call instead of O_NONBLOCK)",
		      flags_before, flags_after, O_NONBLOCK);
	free(in);
	free(data);
}
END_TEST

START_TEST(test_exchange_short_io)
{
	check_echo(300000, true);
}
END_TEST

/** Calls that allocate the receive buffer, and the one that grows it. */
static const char *const allocating_calls[] = { "calloc", "malloc", NULL };
static const char *const growing_calls[] = { "realloc", NULL };

/** A failure to inject into sockpair_exchange(). */
struct exchange_fault {
	const char *const *functions; /**< for grade_fail_nth(); NULL: poll() */
	int err;		      /**< the errno it fails with */
};

/**
 * Exchange with an echo peer while the @p nth call of @p f's functions
 * fails. If it did fail, check that sockpair_exchange() failed cleanly:
 * -1 with that errno, *in untouched, the buffer freed, the flags as they
 * were. Returns whether the failure happened.
 */
static bool
exchange_with_failure(const struct exchange_fault *f, unsigned nth)
{
	struct peer_job job = { .expect = 200000 };
	char *data = grade_pattern(job.expect, 1), *in = data, injected[160];
	int sv[2], flags_before, flags_after, err;
	size_t heap_before, heap_after;
	bool failed;
	ssize_t n;
	pid_t peer;

	make_pair(SOCK_STREAM, sv);
	job.sock = sv[1];
	job.other = sv[0];
	peer = grade_spawn(echo_peer, &job);
	close(sv[1]);
	flags_before = fcntl(sv[0], F_GETFL);
	heap_before = grade_heap_in_use();
	if (f->functions != NULL)
		fail_nth_each(f->functions, nth, f->err);
	else
		poll_fail_nth(nth, f->err);
	n = sockpair_exchange(sv[0], data, job.expect, &in);
	err = errno;
	if (f->functions != NULL) {
		grade_fail_describe(injected, sizeof(injected));
		errno = err;
		failed = grade_expect_clean_failure(n, f->err,
						    "sockpair_exchange()");
	} else {
		failed = poll_fail_clear();
		snprintf(injected, sizeof(injected),
			 "the %u%s poll() call failed with %s", nth,
			 nth == 1 ? "st" : nth == 2 ? "nd" : nth == 3 ? "rd" : "th",
			 ipc_errno_name(f->err));
	}
	errno = err;
	GRADE_IMPLEMENTED(n, "sockpair_exchange", 1);
	ck_assert_msg(!failed || (n == -1 && err == f->err),
		      "when %s, sockpair_exchange() returned %zd (%s): expected "
		      "-1 with %s. Only EINTR means \"poll again\": any other "
		      "poll() error ends the exchange, with its errno",
		      injected, n, n == -1 ? ipc_errno_name(err) : "a count",
		      ipc_errno_name(f->err));
	flags_after = fcntl(sv[0], F_GETFL);
	heap_after = grade_heap_in_use();
	close(sv[0]);
	grade_join(peer, JOIN_MS + PEER_PATIENCE_MS); /* it sees EOF or EPIPE */
	if (!failed) { /* fewer calls than nth: it ran normally */
		check_received(n, in, data, job.expect);
		free(in);
		free(data);
		return false;
	}
	ck_assert_msg(in == data, "when %s, sockpair_exchange() failed but "
		      "changed *in: leave it alone on failure (and free the "
		      "buffer instead)", injected);
	ck_assert_msg(flags_after == flags_before,
		      "when %s, sockpair_exchange() failed and left the "
		      "socket's file status flags at %#x (they were %#x, "
		      "O_NONBLOCK is %#x): restore them on the error path too, "
		      "or use MSG_DONTWAIT per call and never change them",
		      injected, flags_after, flags_before, O_NONBLOCK);
	ck_assert_msg(heap_after <= heap_before + 16384,
		      "when %s, sockpair_exchange() failed but %zu bytes more "
		      "of heap stayed in use: free the receive buffer on the "
		      "error path (after a failed realloc() the old buffer is "
		      "still yours to free)",
		      injected, heap_after - heap_before);
	free(data);
	return true;
}

START_TEST(test_exchange_fails_cleanly)
{
	static const struct exchange_fault cases[] = {
		{ allocating_calls, ENOMEM }, { growing_calls, ENOMEM },
		{ receiving_calls, ENOMEM },  { sending_calls, ENOBUFS },
		{ NULL, ENOMEM }, /* poll() */
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		bool failed = true;
		/* Each call in turn fails, until the exchange makes fewer. */
		for (unsigned k = 1; k <= 3 && failed; k++)
			failed = exchange_with_failure(&cases[c], k);
	}
}
END_TEST

/* --------------------------------------------- step 2: message boundaries */

/** Sizes of the messages the step 2 tests send. */
static const size_t msg_sizes[] = { 7, 1, 3000, 100 };
#define N_MSGS (sizeof(msg_sizes) / sizeof(msg_sizes[0]))

START_TEST(test_send_msg_keeps_boundaries)
{
	char *msg = grade_pattern(4096, 3), buf[8192];
	int sv[2];

	make_pair(SOCK_SEQPACKET, sv);
	for (size_t i = 0; i < N_MSGS; i++) {
		ssize_t n = sockpair_send_msg(sv[0], msg, msg_sizes[i]);
		GRADE_IMPLEMENTED(n, "sockpair_send_msg", 2);
		ck_assert_msg(
			n == (ssize_t)msg_sizes[i],
			"sockpair_send_msg() of %zu bytes returned %zd (%s)",
			msg_sizes[i], n,
			n == -1 ? ipc_errno_name(errno) : "wrong count");
	}
	for (size_t i = 0; i < N_MSGS; i++) {
		ssize_t n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
		ck_assert_msg(
			n == (ssize_t)msg_sizes[i],
			"message %zu was sent as %zu bytes but arrived as "
			"%zd: one sockpair_send_msg() must be exactly one "
			"send() of the whole message",
			i + 1, msg_sizes[i], n);
		ck_assert_msg(memcmp(buf, msg, (size_t)n) == 0,
			      "message %zu arrived with different bytes",
			      i + 1);
	}
	close(sv[0]);
	close(sv[1]);
	free(msg);
}
END_TEST

START_TEST(test_recv_msg_one_message_per_call)
{
	char *msg = grade_pattern(4096, 3), buf[8192];
	int sv[2];

	make_pair(SOCK_SEQPACKET, sv);
	for (size_t i = 0; i < N_MSGS; i++)
		ck_assert_int_eq(send(sv[1], msg, msg_sizes[i], 0),
				 (ssize_t)msg_sizes[i]);
	for (size_t i = 0; i < N_MSGS; i++) {
		ssize_t n = sockpair_recv_msg(sv[0], buf, sizeof(buf));
		GRADE_IMPLEMENTED(n, "sockpair_recv_msg", 2);
		ck_assert_msg(
			n == (ssize_t)msg_sizes[i],
			"message %zu of %zu bytes: sockpair_recv_msg() "
			"returned %zd (%s): one receive returns one whole "
			"message; do not loop to fill the buffer",
			i + 1, msg_sizes[i], n,
			n == -1 ? ipc_errno_name(errno) : "wrong size");
		ck_assert_msg(memcmp(buf, msg, (size_t)n) == 0,
			      "message %zu: different bytes", i + 1);
	}
	close(sv[0]);
	close(sv[1]);
	free(msg);
}
END_TEST

START_TEST(test_recv_msg_reports_truncation)
{
	char *big = grade_pattern(100, 3), buf[100];
	int sv[2];
	ssize_t n;

	make_pair(SOCK_SEQPACKET, sv);
	ck_assert_int_eq(send(sv[1], big, 100, 0), 100);
	ck_assert_int_eq(send(sv[1], "world", 5, 0), 5);
	errno = 0;
	n = sockpair_recv_msg(sv[0], buf, 10);
	GRADE_IMPLEMENTED(n, "sockpair_recv_msg", 2);
	ck_assert_msg(n == -1 && errno == EMSGSIZE,
		      "a 100-byte message received into 10 bytes returned %zd "
		      "(%s): it was truncated, and the caller must know. "
		      "Check MSG_TRUNC in msg.msg_flags after recvmsg() and "
		      "fail with EMSGSIZE",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	n = sockpair_recv_msg(sv[0], buf, sizeof(buf));
	ck_assert_msg(
		n == 5 && memcmp(buf, "world", 5) == 0,
		"after the truncated message the next receive returned "
		"%zd bytes, not the next message \"world\" (5 bytes): the "
		"tail of a truncated message is discarded, never read "
		"as a message of its own",
		n);
	close(sv[0]);
	close(sv[1]);
	free(big);
}
END_TEST

START_TEST(test_recv_msg_eof)
{
	char buf[16];
	int sv[2];
	ssize_t n;

	make_pair(SOCK_SEQPACKET, sv);
	close(sv[1]);
	n = sockpair_recv_msg(sv[0], buf, sizeof(buf));
	GRADE_IMPLEMENTED(n, "sockpair_recv_msg", 2);
	ck_assert_msg(n == 0,
		      "the peer closed its end; sockpair_recv_msg() returned "
		      "%zd (%s) instead of 0 (EOF)",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	close(sv[0]);
}
END_TEST

START_TEST(test_send_msg_retries_eintr_only)
{
	char buf[16];
	int sv[2];
	ssize_t n;

	make_pair(SOCK_SEQPACKET, sv);
	fail_nth_each(sending_calls, 1, EINTR);
	n = sockpair_send_msg(sv[0], "hello", 5);
	grade_fail_clear();
	GRADE_IMPLEMENTED(n, "sockpair_send_msg", 2);
	ck_assert_msg(n == 5,
		      "a signal interrupted the first send() before it sent "
		      "anything (EINTR), and sockpair_send_msg() returned %zd "
		      "(%s): expected 5. EINTR means \"try again\": loop while "
		      "send() fails with EINTR",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	ck_assert_msg(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == 5 &&
			      recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == -1,
		      "after an interrupted send() the message must arrive "
		      "exactly once: retry only a send() that failed with "
		      "EINTR, never one that succeeded");
	fail_nth_each(sending_calls, 1, ENOBUFS);
	n = sockpair_send_msg(sv[0], "hello", 5);
	grade_expect_clean_failure(n, ENOBUFS, "sockpair_send_msg()");
	ck_assert_msg(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == -1,
		      "send() failed with ENOBUFS, yet a message arrived: "
		      "retry only after EINTR, report every other error");
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_recv_msg_retries_eintr_only)
{
	char buf[16];
	int sv[2];
	ssize_t n;

	make_pair(SOCK_SEQPACKET, sv);
	ck_assert_int_eq(send(sv[1], "hello", 5, 0), 5);
	fail_nth_each(receiving_calls, 1, EINTR);
	n = sockpair_recv_msg(sv[0], buf, sizeof(buf));
	grade_fail_clear();
	GRADE_IMPLEMENTED(n, "sockpair_recv_msg", 2);
	ck_assert_msg(n == 5 && memcmp(buf, "hello", 5) == 0,
		      "a signal interrupted the first recvmsg() (EINTR) with a "
		      "5-byte message waiting, and sockpair_recv_msg() returned "
		      "%zd (%s): expected 5. EINTR means \"try again\": loop "
		      "while recvmsg() fails with EINTR",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	ck_assert_int_eq(send(sv[1], "world", 5, 0), 5);
	fail_nth_each(receiving_calls, 1, ENOMEM);
	n = sockpair_recv_msg(sv[0], buf, sizeof(buf));
	grade_expect_clean_failure(n, ENOMEM, "sockpair_recv_msg()");
	n = sockpair_recv_msg(sv[0], buf, sizeof(buf));
	ck_assert_msg(n == 5 && memcmp(buf, "world", 5) == 0,
		      "recvmsg() failed with ENOMEM without taking the message; "
		      "the next sockpair_recv_msg() returned %zd (%s), not that "
		      "message: retry only after EINTR, report every other "
		      "error at once",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/** The send buffer size of @p sock. */
static size_t
send_buffer(int sock)
{
	int size = 0;
	socklen_t len = sizeof(size);

	ck_assert_int_eq(getsockopt(sock, SOL_SOCKET, SO_SNDBUF, &size, &len),
			 0);
	return (size_t)size;
}

START_TEST(test_send_msg_one_big_message)
{
	int sv[2];
	size_t len;
	char *msg, *buf;
	ssize_t n;

	make_pair(SOCK_SEQPACKET, sv);
	len = send_buffer(sv[0]) / 2;
	msg = grade_pattern(len, 4);
	buf = malloc(len + 1);
	n = sockpair_send_msg(sv[0], msg, len);
	GRADE_IMPLEMENTED(n, "sockpair_send_msg", 2);
	ck_assert_msg(n == (ssize_t)len,
		      "sockpair_send_msg() of %zu bytes "
		      "returned %zd (%s)",
		      len, n, n == -1 ? ipc_errno_name(errno) : "wrong count");
	n = recv(sv[1], buf, len + 1, MSG_DONTWAIT);
	ck_assert_msg(n == (ssize_t)len,
		      "a %zu-byte message arrived as %zd bytes: send it in one "
		      "send() call, never in chunks (each chunk would be a "
		      "message of its own)",
		      len, n);
	ck_assert_msg(memcmp(buf, msg, len) == 0, "the message's bytes differ");
	close(sv[0]);
	close(sv[1]);
	free(msg);
	free(buf);
}
END_TEST

START_TEST(test_send_msg_too_big_fails)
{
	struct timeval limit = { .tv_sec = 0, .tv_usec = 500000 };
	int sv[2];
	size_t len;
	char *msg;
	ssize_t n;

	make_pair(SOCK_SEQPACKET, sv);
	len = send_buffer(sv[0]) * 2;
	msg = grade_pattern(len, 4);
	/* Only a safety net: a correct send fails at once. */
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
	errno = 0;
	n = sockpair_send_msg(sv[0], msg, len);
	GRADE_IMPLEMENTED(n, "sockpair_send_msg", 2);
	ck_assert_msg(
		n == -1 && errno == EMSGSIZE,
		"a %zu-byte message, more than the socket's send buffer, "
		"returned %zd (%s): a message goes whole or not at all, so "
		"the kernel refuses it with EMSGSIZE; report that, do not "
		"split the message into smaller sends",
		len, n, n == -1 ? ipc_errno_name(errno) : "a count");
	close(sv[0]);
	close(sv[1]);
	free(msg);
}
END_TEST

/** Child: send the step 2 messages with plain send(). */
static int
serve_messages(int sock, void *arg)
{
	char *msg = arg;

	for (size_t i = 0; i < N_MSGS; i++)
		if (send(sock, msg, msg_sizes[i], 0) != (ssize_t)msg_sizes[i])
			return PEER_IO;
	return PEER_OK;
}

START_TEST(test_spawn_seqpacket_keeps_boundaries)
{
	char *msg = grade_pattern(4096, 3), buf[8192];
	pid_t child = -1;
	ssize_t n;
	int sock = GRADE_CALL(
		sockpair_spawn(SOCK_SEQPACKET, serve_messages, msg, &child));

	GRADE_IMPLEMENTED(sock, "sockpair_spawn", 1);
	ck_assert_msg(
		sock >= 0,
		"sockpair_spawn(SOCK_SEQPACKET) failed: %s: the type is "
		"socketpair()'s second argument, the protocol (third) is 0",
		ipc_errno_name(errno));
	ck_assert_msg(
		socket_type(sock) == SOCK_SEQPACKET,
		"sockpair_spawn(SOCK_SEQPACKET, ...) returned a %s socket: "
		"pass the type to socketpair(); a stream would merge the "
		"child's messages",
		type_name(socket_type(sock)));
	for (size_t i = 0; i < N_MSGS; i++) {
		ck_assert_msg(readable_within(sock, JOIN_MS),
			      "message %zu from the child never came", i + 1);
		n = sockpair_recv_msg(sock, buf, sizeof(buf));
		GRADE_IMPLEMENTED(n, "sockpair_recv_msg", 2);
		ck_assert_msg(n == (ssize_t)msg_sizes[i],
			      "the child sent message %zu as %zu bytes, the "
			      "parent received %zd (%s)",
			      i + 1, msg_sizes[i], n,
			      n == -1 ? ipc_errno_name(errno)
				      : "boundaries lost");
	}
	ck_assert_msg(readable_within(sock, JOIN_MS) &&
			      sockpair_recv_msg(sock, buf, sizeof(buf)) == 0,
		      "after its messages the child exited, but the parent "
		      "got no EOF: the parent must close the child's end");
	close(sock);
	check_child_status(join_child(child), PEER_OK);
	free(msg);
}
END_TEST

/* ------------------------------------------- step 3: passing descriptors */

static const char file_text[] = "0123456789 a file opened by the parent, "
				"read by the child through a passed fd\n";

START_TEST(test_send_fd_one_descriptor_arrives)
{
	int file = make_file("sent.txt", file_text, sizeof(file_text) - 1,
			     O_RDONLY);
	struct received r;
	int sv[2], rc;

	make_pair(SOCK_STREAM, sv);
	errno = 0;
	rc = sockpair_send_fd(sv[0], file);
	GRADE_IMPLEMENTED(rc, "sockpair_send_fd", 3);
	ck_assert_msg(
		rc == 0, "sockpair_send_fd() failed with %s%s",
		ipc_errno_name(errno),
		errno == EINVAL	 ? ": sendmsg() rejected the control "
				   "message; cmsg_len must be "
				   "CMSG_LEN(sizeof(int)) and msg_controllen "
				   "at least CMSG_SPACE(sizeof(int))"
		: errno == EBADF ? ": with cmsg_len = CMSG_SPACE(sizeof(int)) "
				   "the kernel reads the padding after "
				   "the fd as a second descriptor; use "
				   "CMSG_LEN(sizeof(int))"
				 : "");
	ref_recv(sv[1], &r);
	ck_assert_msg(r.bytes >= 1,
		      "nothing arrived (recvmsg: %zd): send one byte of "
		      "ordinary data with the control message; on a stream "
		      "socket a message with no data carries nothing",
		      r.bytes);
	if (r.n_fds != 1) {
		int n = r.n_fds;
		close_received(&r);
		ck_abort_msg(
			"%d descriptors arrived for the 1 sent%s", n,
			n == 0 ? ": the control message must have level "
				 "SOL_SOCKET, type SCM_RIGHTS and cmsg_len "
				 "CMSG_LEN(sizeof(int))"
			       : ": cmsg_len must be CMSG_LEN(sizeof(int)). "
				 "CMSG_SPACE(sizeof(int)) is for sizing the "
				 "buffer; it includes padding, which the "
				 "kernel reads as more descriptors");
	}
	ck_assert_msg(same_file(r.fds[0], file),
		      "the descriptor that arrived is not the file that was "
		      "sent: put the fd itself in CMSG_DATA()");
	close_received(&r);
	close(sv[0]);
	close(sv[1]);
	close(file);
}
END_TEST

/** The message for a sockpair_recv_fd() that got no descriptor. */
static const char *
recv_fd_hint(int err)
{
	switch (err) {
	case EBADMSG:
		return "no descriptor came out although one was sent: if "
		       "MSG_CTRUNC was set, the control buffer is too small. "
		       "Make it CMSG_SPACE(sizeof(int)) bytes (a union with "
		       "struct cmsghdr for alignment) and set msg_controllen "
		       "to its size";
	case ECONNRESET:
		return "ECONNRESET means EOF, but a byte and a descriptor were "
		       "waiting";
	default:
		return "recvmsg() with a one-byte iovec and a control buffer "
		       "of CMSG_SPACE(sizeof(int)) bytes should return it";
	}
}

START_TEST(test_recv_fd_gets_working_descriptor)
{
	int file = make_file("passed.txt", file_text, sizeof(file_text) - 1,
			     O_RDONLY);
	int sv[2], fd;

	make_pair(SOCK_STREAM, sv);
	ck_assert_int_eq(ref_send_fd(sv[1], file), 0);
	errno = 0;
	fd = sockpair_recv_fd(sv[0]);
	GRADE_IMPLEMENTED(fd, "sockpair_recv_fd", 3);
	ck_assert_msg(fd >= 0, "sockpair_recv_fd() failed with %s: %s",
		      ipc_errno_name(errno), recv_fd_hint(errno));
	ck_assert_msg(fd != file && fd != sv[0] && fd != sv[1],
		      "sockpair_recv_fd() returned fd %d, one the test already "
		      "had: return the new descriptor from CMSG_DATA()",
		      fd);
	ck_assert_msg(same_file(fd, file),
		      "fd %d is not the file that was sent (different device "
		      "or inode): copy the int out of CMSG_DATA() of the "
		      "SCM_RIGHTS header",
		      fd);
	close(fd);
	close(sv[0]);
	close(sv[1]);
	close(file);
}
END_TEST

START_TEST(test_recv_fd_without_descriptor)
{
	int sv[2], fd;

	make_pair(SOCK_STREAM, sv);
	ck_assert_int_eq(write(sv[1], "x", 1), 1);
	errno = 0;
	fd = sockpair_recv_fd(sv[0]);
	GRADE_IMPLEMENTED(fd, "sockpair_recv_fd", 3);
	ck_assert_msg(fd == -1 && errno == EBADMSG,
		      "a message with no control data gave %d (%s): expected "
		      "-1 with EBADMSG. CMSG_FIRSTHDR() is NULL when no "
		      "control message came; check it, and the level and type",
		      fd, fd == -1 ? ipc_errno_name(errno) : "a descriptor?");
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_recv_fd_at_eof)
{
	int sv[2], fd;

	make_pair(SOCK_STREAM, sv);
	close(sv[1]);
	errno = 0;
	fd = sockpair_recv_fd(sv[0]);
	GRADE_IMPLEMENTED(fd, "sockpair_recv_fd", 3);
	ck_assert_msg(fd == -1 && errno == ECONNRESET,
		      "the peer closed without sending anything; "
		      "sockpair_recv_fd() gave %d (%s): expected -1 with "
		      "ECONNRESET (recvmsg() returned 0: EOF)",
		      fd, fd == -1 ? ipc_errno_name(errno) : "a descriptor?");
	close(sv[0]);
}
END_TEST

START_TEST(test_send_fd_retries_eintr_only)
{
	int file = make_file("eintr.txt", file_text, sizeof(file_text) - 1,
			     O_RDONLY);
	struct received r;
	int sv[2], rc;

	make_pair(SOCK_STREAM, sv);
	grade_fail_nth("sendmsg", 1, EINTR);
	rc = sockpair_send_fd(sv[0], file);
	grade_fail_clear();
	GRADE_IMPLEMENTED(rc, "sockpair_send_fd", 3);
	ck_assert_msg(rc == 0,
		      "a signal interrupted the first sendmsg() before it sent "
		      "anything (EINTR), and sockpair_send_fd() returned %d "
		      "(%s): expected 0. EINTR means \"try again\": loop while "
		      "sendmsg() fails with EINTR",
		      rc, ipc_errno_name(errno));
	ref_recv(sv[1], &r);
	if (r.n_fds != 1 || !same_file(r.fds[0], file)) {
		int n = r.n_fds;
		close_received(&r);
		ck_abort_msg("after an interrupted sendmsg() %d descriptors "
			     "arrived, expected the file, once",
			     n);
	}
	close_received(&r);
	ref_recv(sv[1], &r);
	close_received(&r);
	ck_assert_msg(r.bytes == -1, "after an interrupted sendmsg() the "
		      "descriptor was sent twice: retry only a sendmsg() that "
		      "failed with EINTR");
	grade_fail_nth("sendmsg", 1, ENOBUFS);
	rc = sockpair_send_fd(sv[0], file);
	grade_expect_clean_failure(rc, ENOBUFS, "sockpair_send_fd()");
	ref_recv(sv[1], &r);
	close_received(&r);
	ck_assert_msg(r.bytes == -1, "sendmsg() failed with ENOBUFS, yet "
		      "something arrived: retry only after EINTR, report "
		      "every other error");
	close(sv[0]);
	close(sv[1]);
	close(file);
}
END_TEST

START_TEST(test_recv_fd_retries_eintr_only)
{
	int file = make_file("eintr.txt", file_text, sizeof(file_text) - 1,
			     O_RDONLY);
	int sv[2], fd;

	make_pair(SOCK_STREAM, sv);
	ck_assert_int_eq(ref_send_fd(sv[1], file), 0);
	grade_fail_nth("recvmsg", 1, EINTR);
	fd = sockpair_recv_fd(sv[0]);
	grade_fail_clear();
	GRADE_IMPLEMENTED(fd, "sockpair_recv_fd", 3);
	ck_assert_msg(fd >= 0 && same_file(fd, file),
		      "a signal interrupted the first recvmsg() (EINTR) with a "
		      "descriptor waiting, and sockpair_recv_fd() returned %d "
		      "(%s): expected the descriptor. EINTR means \"try "
		      "again\": loop while recvmsg() fails with EINTR",
		      fd, fd == -1 ? ipc_errno_name(errno) : "another file");
	close(fd);
	ck_assert_int_eq(ref_send_fd(sv[1], file), 0);
	grade_fail_nth("recvmsg", 1, ENOMEM);
	fd = sockpair_recv_fd(sv[0]);
	grade_expect_clean_failure(fd, ENOMEM, "sockpair_recv_fd()");
	fd = sockpair_recv_fd(sv[0]);
	ck_assert_msg(fd >= 0 && same_file(fd, file),
		      "recvmsg() failed with ENOMEM without taking the message; "
		      "the next sockpair_recv_fd() returned %d (%s), not the "
		      "descriptor: retry only after EINTR, report every other "
		      "error at once",
		      fd, fd == -1 ? ipc_errno_name(errno) : "another file");
	close(fd);
	close(sv[0]);
	close(sv[1]);
	close(file);
}
END_TEST

/** The grader's SCM_RIGHTS sender of @p n copies of @p fd in one message. */
static int
ref_send_fds(int sock, int fd, int n)
{
	char byte = 'M';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n) };
	struct cmsghdr *cmsg;

	memset(&control, 0, sizeof(control));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	for (int i = 0; i < n; i++)
		memcpy(CMSG_DATA(cmsg) + sizeof(int) * (size_t)i, &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

START_TEST(test_recv_fd_closes_extra_descriptors)
{
	int file = make_file("extra.txt", file_text, sizeof(file_text) - 1,
			     O_RDONLY);
	int sv[2];

	make_pair(SOCK_STREAM, sv);
	for (int n = 2; n <= 3; n++) {
		int fd, left, err;
		ck_assert_int_eq(ref_send_fds(sv[1], file, n), 0);
		remember_open_fds();
		errno = 0;
		fd = sockpair_recv_fd(sv[0]);
		err = errno;
		GRADE_IMPLEMENTED(fd, "sockpair_recv_fd", 3);
		left = new_fd_other_than(-1);
		if (left != -1) { /* the engine would blame it, less clearly */
			for (int extra = left; extra < MAX_FD; extra++)
				if (!open_before[extra])
					close(extra);
			ck_abort_msg(
				"a message carried %d descriptors (one is "
				"expected); sockpair_recv_fd() returned %d "
				"(%s) and fd %d, which came with the message, "
				"is still open: before failing with EBADMSG, "
				"close every descriptor of every SCM_RIGHTS "
				"header that arrived, or they leak",
				n, fd, fd == -1 ? ipc_errno_name(err) : "",
				left);
		}
		ck_assert_msg(fd == -1 && err == EBADMSG,
			      "a message carried %d descriptors; "
			      "sockpair_recv_fd() returned %d (%s): expected -1 "
			      "with EBADMSG (cmsg_len is not "
			      "CMSG_LEN(sizeof(int))%s)",
			      n, fd, fd == -1 ? ipc_errno_name(err) : "a descriptor",
			      n == 3 ? ", and with a buffer for one the kernel "
				       "sets MSG_CTRUNC"
				     : "");
	}
	close(sv[0]);
	close(sv[1]);
	close(file);
}
END_TEST

/** Peer: receive a descriptor with the student's code and read the file. */
static int
read_passed_file_peer(void *arg)
{
	const struct peer_job *job = arg;
	struct stat by_path, passed;
	char *text;
	ssize_t n;
	int fd;

	close(job->other);
	fd = sockpair_recv_fd(job->sock);
	if (fd == -1)
		return errno == EBADMSG	     ? PEER_RECV_EBADMSG
		       : errno == ECONNRESET ? PEER_RECV_EOF
					     : PEER_CALL_FAILED;
	if (fstat(fd, &passed) == -1 || stat(job->in, &by_path) == -1 ||
	    passed.st_dev != by_path.st_dev || passed.st_ino != by_path.st_ino)
		return PEER_NOT_SAME_FILE;
	n = ipc_read_to_end(fd, &text, 1 << 20);
	close(fd);
	if (n == -1)
		return PEER_IO;
	/* The parent moved the offset to 10: a shared open file starts there.
	 */
	if ((size_t)n != job->expect ||
	    memcmp(text, file_text + 10, job->expect) != 0)
		n = PEER_WRONG_OFFSET;
	else
		n = PEER_OK;
	free(text);
	return (int)n;
}

START_TEST(test_fd_passing_child_reads_file)
{
	struct peer_job job = { .expect = sizeof(file_text) - 1 - 10 };
	char path[768];
	int file, sv[2], rc, status;
	pid_t peer;

	snprintf(path, sizeof(path), "%s", grade_path("shared.txt"));
	close(make_file("shared.txt", file_text, sizeof(file_text) - 1,
			O_RDONLY));
	job.in = path;
	make_pair(SOCK_STREAM, sv);
	job.sock = sv[1];
	job.other = sv[0];
	peer = grade_spawn(read_passed_file_peer, &job); /* before the open */
	close(sv[1]);
	file = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ne(file, -1);
	ck_assert_int_eq(lseek(file, 10, SEEK_SET), 10);
	rc = sockpair_send_fd(sv[0], file);
	GRADE_IMPLEMENTED(rc, "sockpair_send_fd", 3);
	ck_assert_msg(rc == 0, "sockpair_send_fd() failed with %s",
		      ipc_errno_name(errno));
	close(sv[0]); /* what was sent stays queued; then the child sees EOF */
	status = grade_join(peer, JOIN_MS);
	ck_assert_msg(!WIFEXITED(status) ||
			      WEXITSTATUS(status) != PEER_RECV_EOF,
		      "the child found EOF where the descriptor should have "
		      "been: sockpair_send_fd() delivered nothing. Send one "
		      "byte of ordinary data with the control message; a "
		      "stream socket carries no control data on its own");
	ck_assert_msg(!WIFEXITED(status) ||
			      WEXITSTATUS(status) != PEER_RECV_EBADMSG,
		      "the child's sockpair_recv_fd() failed with EBADMSG: %s",
		      recv_fd_hint(EBADMSG));
	ck_assert_msg(!WIFEXITED(status) ||
			      WEXITSTATUS(status) != PEER_NOT_SAME_FILE,
		      "in the child, the received descriptor is not the file "
		      "the parent sent (different device or inode)");
	ck_assert_msg(
		!WIFEXITED(status) || WEXITSTATUS(status) != PEER_WRONG_OFFSET,
		"the child did not read the file from offset 10, where "
		"the parent's open file stood: a passed descriptor shares "
		"the open file (and its offset) with the sender");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == PEER_OK,
		      "the child could not receive or read the file (%s)",
		      WIFEXITED(status) &&
				      WEXITSTATUS(status) == PEER_CALL_FAILED
			      ? "sockpair_recv_fd() returned -1"
			      : "it crashed or failed to read");
	ck_assert_msg(lseek(file, 0, SEEK_CUR) == (off_t)sizeof(file_text) - 1,
		      "the parent's file offset is %ld after the child read "
		      "to the end, expected %zu: both descriptors should share "
		      "one open file",
		      (long)lseek(file, 0, SEEK_CUR), sizeof(file_text) - 1);
	close(file);
}
END_TEST

START_TEST(test_fd_passing_several_in_a_row)
{
	int file = make_file("several.txt", file_text, sizeof(file_text) - 1,
			     O_RDONLY);
	int pipe_fds[2], null_fd, sv[2];

	ck_assert_int_eq(pipe2(pipe_fds, O_CLOEXEC), 0);
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ck_assert_int_ne(null_fd, -1);
	make_pair(SOCK_STREAM, sv);
	int sent[] = { file, pipe_fds[0], null_fd };
	for (size_t i = 0; i < 3; i++) {
		int rc = sockpair_send_fd(sv[0], sent[i]);
		GRADE_IMPLEMENTED(rc, "sockpair_send_fd", 3);
		ck_assert_msg(rc == 0, "sockpair_send_fd() #%zu failed with %s",
			      i + 1, ipc_errno_name(errno));
	}
	for (size_t i = 0; i < 3; i++) {
		int fd = sockpair_recv_fd(sv[1]);
		GRADE_IMPLEMENTED(fd, "sockpair_recv_fd", 3);
		ck_assert_msg(
			fd >= 0, "sockpair_recv_fd() #%zu failed with %s: %s",
			i + 1, ipc_errno_name(errno), recv_fd_hint(errno));
		ck_assert_msg(same_file(fd, sent[i]),
			      "descriptor #%zu arrived as a different file: "
			      "each message carries one descriptor, in order",
			      i + 1);
		close(fd);
	}
	close(sv[0]);
	close(sv[1]);
	close(null_fd);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	close(file);
}
END_TEST

/* ------------------------------------------------- step 4: credentials */

START_TEST(test_peer_cred_fresh_pair)
{
	pid_t pid = -1;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int sv[2], rc;

	make_pair(SOCK_STREAM, sv);
	rc = sockpair_peer_cred(sv[0], &pid, &uid, &gid);
	GRADE_IMPLEMENTED(rc, "sockpair_peer_cred", 4);
	ck_assert_msg(rc == 0, "sockpair_peer_cred() failed with %s",
		      ipc_errno_name(errno));
	ck_assert_msg(pid == getpid(),
		      "this process made the pair, so SO_PEERCRED says the "
		      "peer is pid %ld; you reported %ld",
		      (long)getpid(), (long)pid);
	ck_assert_msg(uid == geteuid() && gid == getegid(),
		      "SO_PEERCRED reports uid %ld gid %ld here; you reported "
		      "uid %ld gid %ld: copy the uid and gid of struct ucred",
		      (long)geteuid(), (long)getegid(), (long)uid, (long)gid);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/** Peer: make a pair of its own, pass one end, stay until the test is done. */
static int
pair_maker_peer(void *arg)
{
	const struct peer_job *job = arg;
	int pair[2];
	char byte;

	close(job->other);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == -1 ||
	    ref_send_fd(job->sock, pair[1]) == -1)
		return PEER_IO;
	close(pair[1]);
	if (!readable_within(job->sock, JOIN_MS))
		return PEER_STALLED;
	while (read(job->sock, &byte, 1) > 0)
		; /* until the test closes its end */
	close(pair[0]);
	return PEER_OK;
}

START_TEST(test_peer_cred_from_other_process)
{
	struct peer_job job = { 0 };
	struct received r;
	pid_t peer, pid = -1;
	int sv[2], rc;

	make_pair(SOCK_STREAM, sv);
	job.sock = sv[1];
	job.other = sv[0];
	peer = grade_spawn(pair_maker_peer, &job);
	close(sv[1]);
	ck_assert_msg(readable_within(sv[0], JOIN_MS),
		      "the helper sent nothing");
	ref_recv(sv[0], &r);
	ck_assert_int_eq(r.n_fds, 1);
	rc = sockpair_peer_cred(r.fds[0], &pid, NULL, NULL);
	GRADE_IMPLEMENTED(rc, "sockpair_peer_cred", 4);
	close_received(&r);
	close(sv[0]);
	grade_join(peer, JOIN_MS);
	ck_assert_msg(rc == 0, "sockpair_peer_cred() failed with %s",
		      ipc_errno_name(errno));
	ck_assert_msg(pid == peer,
		      "this socket's pair was made by process %ld, which "
		      "passed one end to us; you reported pid %ld%s",
		      (long)peer, (long)pid,
		      pid == getpid() ? " (our own pid): ask the kernel with "
					"getsockopt(SO_PEERCRED), do not "
					"assume who is on the other end"
				      : "");
}
END_TEST

START_TEST(test_peer_cred_not_a_socket)
{
	int fds[2], rc;
	pid_t pid;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	errno = 0;
	rc = sockpair_peer_cred(fds[0], &pid, NULL, NULL);
	GRADE_IMPLEMENTED(rc, "sockpair_peer_cred", 4);
	ck_assert_msg(rc == -1 && errno == ENOTSOCK,
		      "sockpair_peer_cred() on a pipe returned %d (%s): "
		      "expected -1 with ENOTSOCK, as getsockopt() reports",
		      rc, ipc_errno_name(errno));
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* ------------------------------------------------ the demo, side by side */

START_TEST(test_demo_duplex_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "duplex", "0", NULL },
				     NULL, 0);
	grade_compare_with_reference(
		(const char *[]){ "duplex", "1000000", NULL }, NULL, 0);
}
END_TEST

START_TEST(test_demo_upper_matches_reference)
{
	const size_t len = 600000; /* more than the socket buffers hold */
	char *text = malloc(len);

	ck_assert(text != NULL);
	for (size_t i = 0; i < len; i++)
		text[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 29);
	grade_compare_with_reference((const char *[]){ "upper", NULL }, text,
				     len);
	free(text);
}
END_TEST

START_TEST(test_demo_messages_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "messages", "1", "100",
						       "1000", "60000", NULL },
				     NULL, 0);
	grade_compare_with_reference((const char *[]){ "messages", "--stream",
						       "1", "100", "1000",
						       NULL },
				     NULL, 0);
}
END_TEST

START_TEST(test_demo_passfd_matches_reference)
{
	close(make_file("demo.txt", file_text, sizeof(file_text) - 1,
			O_RDONLY));
	grade_compare_with_reference(
		(const char *[]){ "passfd", grade_path("demo.txt"), NULL },
		NULL, 0);
}
END_TEST

START_TEST(test_demo_peercred_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "peercred", NULL }, NULL,
				     0);
}
END_TEST

/* ------------------------------------------------------------- the table */

static const struct grade_test tests[] = {
	{ GRADE_REF(test_spawn_talks_both_ways), 1, 2, 0,
	  "the parent and the child did not hear each other: each must use "
	  "its own end of ONE socketpair" },
	{ GRADE_REF(test_spawn_child_exits_with_serve_status), 1, 1, 0, NULL },
	{ GRADE_REF(test_spawn_child_closes_parent_end), 1, 2, 0,
	  "the child never saw EOF: after fork() it must close the parent's "
	  "end of the socketpair" },
	{ GRADE_REF(test_spawn_parent_closes_child_end), 1, 2, 0,
	  "the parent never saw EOF: after fork() it must close the child's "
	  "end of the socketpair" },
	{ GRADE_REF(test_spawn_rejects_null_arguments), 1, 1, 0, NULL },
	{ GRADE_REF(test_spawn_cleans_up_when_calls_fail), 1, 2, 0, NULL },
	{ GRADE_REF(test_exchange_echo_small), 1, 2, 0,
	  "sockpair_exchange() never returned: after sending everything, "
	  "shutdown(SHUT_WR) so the peer sees EOF, and stop when recv() "
	  "returns 0" },
	{ GRADE_REF(test_exchange_empty), 1, 1, 0,
	  "with nothing to send, shut down the sending side at once and "
	  "read until EOF" },
	{ GRADE_REF(test_exchange_peer_sees_eof), 1, 2, 0,
	  "the peer waits for EOF before it answers: shutdown(SHUT_WR) after "
	  "the last byte" },
	{ GRADE_REF(test_exchange_echo_large), 1, 3, 0,
	  "deadlock with 4 MiB through an echoing peer: you write everything "
	  "before reading, the peer's replies fill your receive buffer, it "
	  "stops reading, and both writers block. Use poll() for POLLIN and "
	  "POLLOUT and send/receive what is possible (MSG_DONTWAIT)" },
	{ GRADE_REF(test_exchange_both_directions_at_once), 1, 3, 0,
	  "deadlock: both sides write big messages before reading, the "
	  "socket buffers fill in both directions and both writers block for "
	  "ever. Interleave with poll(): send while POLLOUT, receive while "
	  "POLLIN, never block in either (or: no side ever called "
	  "shutdown(SHUT_WR), so neither sees EOF)" },
	{ GRADE_REF(test_exchange_peer_closes_early), 1, 1, 0,
	  "sending to a vanished peer must fail with EPIPE, not loop" },
	{ GRADE_REF(test_exchange_leaves_fd_flags), 1, 1, 0, NULL },
	{ GRADE_REF(test_exchange_short_io), 1, 2, 0,
	  "sockpair_exchange() never returned while calls were interrupted: "
	  "after EINTR from poll(), recv() or send(), go round the loop "
	  "again; after a short send(), send the rest" },
	{ GRADE_REF(test_exchange_fails_cleanly), 1, 2, 10,
	  "sockpair_exchange() never returned after a call failed: only EINTR "
	  "and EAGAIN mean try again; any other error ends the exchange" },
	{ GRADE_REF(test_demo_duplex_matches_reference), 1, 1, 10,
	  "the demo deadlocked: see test_exchange_both_directions_at_once" },
	{ GRADE_REF(test_demo_upper_matches_reference), 1, 1, 10, NULL },
	{ GRADE_REF(test_send_msg_keeps_boundaries), 2, 2, 0, NULL },
	{ GRADE_REF(test_recv_msg_one_message_per_call), 2, 2, 0,
	  "sockpair_recv_msg() waited for more: one recvmsg() is one message" },
	{ GRADE_REF(test_recv_msg_reports_truncation), 2, 2, 0,
	  "sockpair_recv_msg() waited for more: one recvmsg() is one message" },
	{ GRADE_REF(test_recv_msg_eof), 2, 1, 0, NULL },
	{ GRADE_REF(test_send_msg_retries_eintr_only), 2, 1, 0,
	  "sockpair_send_msg() never returned after an interrupted send(): "
	  "the loop must call send() again, `do n = send(...); while (n == -1 "
	  "&& errno == EINTR);`" },
	{ GRADE_REF(test_recv_msg_retries_eintr_only), 2, 1, 0,
	  "sockpair_recv_msg() never returned after an interrupted "
	  "recvmsg(): the loop must call recvmsg() again" },
	{ GRADE_REF(test_send_msg_one_big_message), 2, 1, 0, NULL },
	{ GRADE_REF(test_send_msg_too_big_fails), 2, 1, 0,
	  "sending a message larger than the send buffer hung: it must fail "
	  "with EMSGSIZE, not be split into pieces" },
	{ GRADE_REF(test_spawn_seqpacket_keeps_boundaries), 2, 2, 0,
	  "the parent never saw EOF after the child's messages: close the "
	  "child's end in the parent" },
	{ GRADE_REF(test_demo_messages_matches_reference), 2, 1, 10, NULL },
	{ GRADE_REF(test_send_fd_one_descriptor_arrives), 3, 2, 0, NULL },
	{ GRADE_REF(test_recv_fd_gets_working_descriptor), 3, 2, 0, NULL },
	{ GRADE_REF(test_recv_fd_without_descriptor), 3, 1, 0,
	  "sockpair_recv_fd() waited for more: the one byte it got is the "
	  "whole message" },
	{ GRADE_REF(test_recv_fd_at_eof), 3, 1, 0, NULL },
	{ GRADE_REF(test_send_fd_retries_eintr_only), 3, 1, 0,
	  "sockpair_send_fd() never returned after an interrupted sendmsg(): "
	  "the loop must call sendmsg() again" },
	{ GRADE_REF(test_recv_fd_retries_eintr_only), 3, 1, 0,
	  "sockpair_recv_fd() never returned after an interrupted recvmsg(): "
	  "the loop must call recvmsg() again" },
	{ GRADE_REF(test_recv_fd_closes_extra_descriptors), 3, 2, 0,
	  "sockpair_recv_fd() waited for more: one recvmsg() receives the "
	  "byte and every descriptor that came with it" },
	{ GRADE_REF(test_fd_passing_child_reads_file), 3, 3, 0,
	  "the child never got the descriptor: send one byte of data with "
	  "the SCM_RIGHTS control message" },
	{ GRADE_REF(test_fd_passing_several_in_a_row), 3, 1, 0,
	  "sockpair_recv_fd() blocked: each sockpair_send_fd() must send "
	  "exactly one byte, each receive read exactly one" },
	{ GRADE_REF(test_demo_passfd_matches_reference), 3, 1, 10, NULL },
	{ GRADE_REF(test_peer_cred_fresh_pair), 4, 2, 0, NULL },
	{ GRADE_REF(test_peer_cred_from_other_process), 4, 2, 0, NULL },
	{ GRADE_REF(test_peer_cred_not_a_socket), 4, 1, 0, NULL },
	{ GRADE_REF(test_demo_peercred_matches_reference), 4, 1, 10, NULL },
};

static const struct grade_lab lab = {
	"08-socketpair",
	"Socketpair",
	tests,
	GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
