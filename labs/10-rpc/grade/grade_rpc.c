/* SPDX-License-Identifier: MIT */
/**
 * @file grade_rpc.c
 * @brief Lab 10 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c) adds the leak checks: fds, children, zombies.
 *
 * The grader has its own encoder and decoder (written to the spec in
 * rpc.h), so every student function is tested against known-good peers:
 * the student's server against the grader's clients, the student's client
 * against the grader's scripted servers. Peers run as helper processes
 * (grade_spawn) and tell the test what they saw through a shared page
 * (struct report). Code that may hang or crash (a decoder fed hostile
 * frames, a call that should time out) runs in a helper too, with a time
 * bound, so the test can say which frame or which call went wrong.
 *
 * The decoder tests put every frame right before an unmapped page: a read
 * one byte past the end is a crash, not a silent over-read.
 *
 * The grader wraps recvmsg() and sendmsg() (GRADER_LDFLAGS in the lab's
 * Makefile) as the engine wraps recv() and send(): while a test injects
 * faults, every third call fails with EINTR and the others move only a
 * few bytes.
 */
#include "grade.h"
#include "ipc_util.h"
#include "rpc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/** @p call with a bad argument (@p what) returned @p rc: it must be -1
 *  with errno EINVAL, as rpc.h says. Reads errno: call it at once. */
static void
expect_einval(long rc, const char *call, const char *what)
{
	int err = errno;

	ck_assert_msg(rc == -1 && err == EINVAL,
		      "%s with %s returned %ld (%s); expected -1 with EINVAL: "
		      "check the arguments first, as the contract in rpc.h "
		      "says",
		      call, what, rc, rc == -1 ? ipc_errno_name(err) : "no error");
}

/** How long a test waits for a helper, and a helper for the code tested. */
#define WAIT_MS 3000
/** The timeout the timeout tests give the student's calls. */
#define SHORT_MS 200
/** Descriptors the fd checks look at. */
#define MAX_FD 256

/* ============================================= what helpers tell the test */

/** A page shared by the test and its helpers (made before they fork). */
struct report {
	int problem;	 /**< a helper saw something wrong */
	char text[1800]; /**< what (the first problem only) */
	int finished;	 /**< the helper got to the end of its work */
	int server_done; /**< a fake server got to the end of its script */
	/* A call made in a helper (bounded calls). */
	long ret;	   /**< what the call returned */
	int err;	   /**< errno after it */
	long ms;	   /**< how long it took */
	int64_t value;	   /**< an integer result (argv[0].i) */
	int64_t code;	   /**< an error's code */
	unsigned replies;  /**< rpc_call_many(): answers seen */
	unsigned calls[RPC_PIPELINE_MAX]; /**< per index: on_reply calls */
	int64_t got[RPC_PIPELINE_MAX];	  /**< per index: the result */
	/* The decoder helpers: the frame being decoded right now. */
	unsigned long index;	 /**< its number */
	unsigned long total;	 /**< frames in all */
	char what[96];		 /**< what kind of frame it is */
	size_t len;		 /**< its length */
	unsigned char head[40];	 /**< its first bytes */
	int not_implemented;	 /**< the call failed with ENOSYS */
};

static struct report *report;

/** A fresh shared report for this test (before spawning helpers). */
static struct report *
new_report(void)
{
	report = mmap(NULL, sizeof(*report), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_msg(report != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(report, 0, sizeof(*report));
	return report;
}

/** In a helper: record a problem (the first one wins). Returns false. */
static bool helper_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static bool
helper_fail(const char *fmt, ...)
{
	va_list ap;

	if (report->problem)
		return false;
	va_start(ap, fmt);
	vsnprintf(report->text, sizeof(report->text), fmt, ap);
	va_end(ap);
	report->problem = 1;
	return false;
}

/** In a helper: add @p more to the problem just reported. Returns false. */
static bool
helper_also(const char *more)
{
	size_t len = strlen(report->text);

	snprintf(report->text + len, sizeof(report->text) - len, ". %s", more);
	return false;
}

/** In the test: fail with what a helper reported, if anything. */
static void
check_report(void)
{
	ck_assert_msg(!report->problem, "%s", report->text);
}

/** Bytes as hex ("00 0a ff"), at most @p max of them, for messages. */
static const char *
hex(const void *p, size_t len, size_t max, char *out, size_t out_len)
{
	const unsigned char *b = p;
	size_t at = 0;

	out[0] = '\0';
	for (size_t i = 0; i < len && i < max && at + 4 < out_len; i++)
		at += (size_t)snprintf(out + at, out_len - at, "%s%02x",
				       i ? " " : "", b[i]);
	if (len > max && at + 5 < out_len)
		snprintf(out + at, out_len - at, " ...");
	return out;
}

/* =============================================== fault injection (msg) */

ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags);

/** Bytes a recvmsg() takes at most while injecting: tiny and odd, so a
 *  frame arrives in pieces that cut every field. */
#define RECV_CHUNK 3
/** Bytes a sendmsg() sends at most while injecting (each send costs the
 *  socket buffer far more than its bytes: not too small). */
#define SEND_CHUNK 1021

static bool msg_injecting;
static unsigned long msg_calls;

/** Short reads, short writes and EINTR on read/write/recv/send (the
 *  engine's) and on recvmsg/sendmsg (ours). */
static void
inject_short_io(bool on)
{
	grade_inject_short_io(on);
	msg_injecting = on;
	msg_calls = 0;
}

/** Copy @p msg's iovecs into @p iov, keeping @p limit bytes in all. */
static size_t
shorten(const struct msghdr *msg, struct iovec *iov, size_t limit)
{
	size_t n = 0;

	for (size_t i = 0; i < msg->msg_iovlen && limit > 0; i++) {
		iov[n] = msg->msg_iov[i];
		if (iov[n].iov_len > limit)
			iov[n].iov_len = limit;
		limit -= iov[n].iov_len;
		n++;
	}
	return n;
}

/** Should this recvmsg/sendmsg be cut short (true), or fail (errno set)? */
static int
inject_msg(const struct msghdr *msg)
{
	size_t total = 0;

	if (!msg_injecting || msg->msg_iovlen == 0 || msg->msg_iovlen > 16)
		return 0;
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		total += msg->msg_iov[i].iov_len;
	if (total == 0)
		return 0;
	if (++msg_calls % 3 == 0) {
		errno = EINTR; /* interrupted before moving a byte */
		return -1;
	}
	return 1;
}

ssize_t
__wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct iovec iov[16];
	struct msghdr m;
	ssize_t n;
	int how;

	if (grade_fail_check("recvmsg")) /* the engine's failure injection */
		return -1;
	how = inject_msg(msg);

	if (how <= 0)
		return how == -1 ? -1 : __real_recvmsg(fd, msg, flags);
	m = *msg;
	m.msg_iov = iov;
	m.msg_iovlen = shorten(msg, iov, RECV_CHUNK);
	n = __real_recvmsg(fd, &m, flags);
	msg->msg_controllen = m.msg_controllen;
	msg->msg_flags = m.msg_flags;
	msg->msg_namelen = m.msg_namelen;
	return n;
}

ssize_t
__wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct iovec iov[16];
	struct msghdr m;
	int how;

	if (grade_fail_check("sendmsg")) /* the engine's failure injection */
		return -1;
	how = inject_msg(msg);
	if (how <= 0)
		return how == -1 ? -1 : __real_sendmsg(fd, msg, flags);
	m = *msg;
	m.msg_iov = iov;
	m.msg_iovlen = shorten(msg, iov, SEND_CHUNK);
	return __real_sendmsg(fd, &m, flags);
}

/* ====================================================== the grader's codec */

/** Store @p v big-endian at @p b. */
static void
be32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/** Bytes under construction (frames, well-formed or not). */
struct bytes {
	size_t len;
	unsigned char b[RPC_FRAME_MAX + 64];
};

static void
put_raw(struct bytes *f, const void *p, size_t n)
{
	ck_assert_msg(f->len + n <= sizeof(f->b), "grader bug: frame overflow");
	if (n > 0)
		memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void
put8(struct bytes *f, unsigned v)
{
	unsigned char b = (unsigned char)v;

	put_raw(f, &b, 1);
}

static void
put32(struct bytes *f, uint32_t v)
{
	unsigned char b[4];

	be32(b, v);
	put_raw(f, b, 4);
}

static void
put64(struct bytes *f, uint64_t v)
{
	put32(f, (uint32_t)(v >> 32));
	put32(f, (uint32_t)v);
}

/** Make @p to a copy of @p from (only the bytes in use). */
static void
copy_bytes(struct bytes *to, const struct bytes *from)
{
	to->len = from->len;
	memcpy(to->b, from->b, from->len);
}

/** Set the length prefix to what follows it. */
static void
fix_prefix(struct bytes *f)
{
	be32(f->b, (uint32_t)(f->len - RPC_HEADER_LEN));
}

/** Encode @p m by the spec (the grader's own encoder; @p m is valid). */
static void
encode(const struct rpc_msg *m, struct bytes *f)
{
	size_t mlen = strlen(m->method);

	f->len = 0;
	put32(f, 0);
	put32(f, m->id);
	put8(f, m->kind);
	put8(f, (unsigned)mlen);
	put_raw(f, m->method, mlen);
	put8(f, m->argc);
	for (unsigned i = 0; i < m->argc; i++) {
		const struct rpc_value *v = &m->argv[i];
		put8(f, v->type);
		if (v->type == RPC_INT)
			put64(f, (uint64_t)v->i);
		else if (v->type == RPC_STR || v->type == RPC_BYTES) {
			put32(f, v->len);
			put_raw(f, v->p, v->len);
		}
	}
	fix_prefix(f);
}

/** A request message (values copied). */
static struct rpc_msg
request(uint32_t id, const char *method, const struct rpc_value *args,
	unsigned argc)
{
	struct rpc_msg m = { .id = id, .kind = RPC_REQUEST, .argc = argc };

	memcpy(m.method, method, strnlen(method, RPC_METHOD_MAX));
	for (unsigned i = 0; i < argc; i++)
		m.argv[i] = args[i];
	return m;
}

/** A reply (or an error) message with @p argc values. */
static struct rpc_msg
answer_msg(uint32_t id, enum rpc_kind kind, const struct rpc_value *vals,
	   unsigned argc)
{
	struct rpc_msg m = { .id = id, .kind = kind, .argc = argc };

	for (unsigned i = 0; i < argc; i++)
		m.argv[i] = vals[i];
	return m;
}

/**
 * The grader's own decoder, by the spec: true for a well-formed frame
 * (filling @p m, values pointing into @p b), false with the reason in
 * @p why for a malformed one. Checks every length before using it.
 */
static bool
decode(const unsigned char *b, size_t len, struct rpc_msg *m, char *why,
       size_t why_len)
{
	size_t at = 9, need;
	unsigned mlen, count;

#define REJECT(...)                                                            \
	do {                                                                   \
		snprintf(why, why_len, __VA_ARGS__);                           \
		return false;                                                  \
	} while (0)
	memset(m, 0, sizeof(*m));
	if (len > RPC_FRAME_MAX)
		REJECT("it is %zu bytes long, more than RPC_FRAME_MAX", len);
	if (len < RPC_HEADER_LEN)
		REJECT("it is %zu bytes long, shorter than the length prefix",
		       len);
	if (get32(b) != len - RPC_HEADER_LEN)
		REJECT("its length prefix says %lu bytes follow, but %zu do",
		       (unsigned long)get32(b), len - RPC_HEADER_LEN);
	if (len < 10)
		REJECT("it ends before its kind and method length");
	m->id = get32(b + 4);
	if (b[8] < RPC_REQUEST || b[8] > RPC_ERROR)
		REJECT("its kind is %u, not 1, 2 or 3", b[8]);
	m->kind = (enum rpc_kind)b[8];
	mlen = b[9];
	at = 10;
	if (mlen > RPC_METHOD_MAX)
		REJECT("its method name is %u bytes, more than %d", mlen,
		       RPC_METHOD_MAX);
	if (m->kind == RPC_REQUEST && mlen == 0)
		REJECT("it is a request without a method name");
	if (m->kind != RPC_REQUEST && mlen > 0)
		REJECT("it is a reply or an error with a method name");
	if (mlen > len - at)
		REJECT("its method name runs past the end of the frame");
	if (memchr(b + at, '\0', mlen) != NULL)
		REJECT("its method name holds a NUL byte");
	memcpy(m->method, b + at, mlen);
	at += mlen;
	if (at >= len)
		REJECT("it ends before its value count");
	count = b[at++];
	if (count > RPC_VALUES_MAX)
		REJECT("its value count is %u, more than %d", count,
		       RPC_VALUES_MAX);
	m->argc = count;
	for (unsigned i = 0; i < count; i++) {
		struct rpc_value *v = &m->argv[i];
		if (at >= len)
			REJECT("it ends before value %u of %u", i + 1, count);
		v->type = (enum rpc_type)b[at++];
		v->fd = -1;
		switch (b[at - 1]) {
		case RPC_INT:
			if (len - at < 8)
				REJECT("value %u, an integer, is cut short", i + 1);
			v->i = (int64_t)((uint64_t)get32(b + at) << 32 |
					 get32(b + at + 4));
			at += 8;
			break;
		case RPC_FD:
			break;
		case RPC_STR:
		case RPC_BYTES:
			if (len - at < 4)
				REJECT("value %u's length is cut short", i + 1);
			need = get32(b + at);
			at += 4;
			if (need > len - at)
				REJECT("value %u says it has %zu bytes, but only "
				       "%zu are left in the frame",
				       i + 1, need, len - at);
			if (b[at - 5] == RPC_STR &&
			    memchr(b + at, '\0', need) != NULL)
				REJECT("value %u, a string, holds a NUL byte",
				       i + 1);
			v->p = b + at;
			v->len = (uint32_t)need;
			at += need;
			break;
		default:
			REJECT("value %u has the unknown type byte 0x%02x", i + 1,
			       b[at - 1]);
		}
	}
	if (at != len)
		REJECT("%zu byte(s) are left over after the last value",
		       len - at);
	return true;
#undef REJECT
}

/** Describe a value for messages: "int 42", "string \"hi\"", ... */
static const char *
describe(const struct rpc_value *v, char *out, size_t len)
{
	switch (v->type) {
	case RPC_INT:
		snprintf(out, len, "int %lld", (long long)v->i);
		break;
	case RPC_STR:
		snprintf(out, len, "string \"%.*s\"%s",
			 (int)(v->len < 40 ? v->len : 40), (const char *)v->p,
			 v->len > 40 ? "..." : "");
		break;
	case RPC_BYTES:
		snprintf(out, len, "%lu bytes", (unsigned long)v->len);
		break;
	case RPC_FD:
		snprintf(out, len, "descriptor %d", v->fd);
		break;
	default:
		snprintf(out, len, "a value of unknown type %d", (int)v->type);
	}
	return out;
}

/** Are two decoded values equal (same type and contents)? */
static bool
same_value(const struct rpc_value *a, const struct rpc_value *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == RPC_INT)
		return a->i == b->i;
	if (a->type == RPC_STR || a->type == RPC_BYTES)
		return a->len == b->len &&
		       (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
	return true;
}

/* ============================================== the grader's own sockets */

/** A socket listening at @p path; fails the test on error. */
static int
listen_at(const char *path)
{
	struct sockaddr_un addr;
	socklen_t len = grade_unix_address(&addr, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd != -1, "socket: %s", strerror(errno));
	ck_assert_msg(bind(fd, (struct sockaddr *)&addr, len) == 0 &&
			      listen(fd, 32) == 0,
		      "grader: cannot listen at %s: %s", path, strerror(errno));
	return fd;
}

/** A socket connected to @p path, or -1. Safe in helpers. */
static int
connect_to(const char *path)
{
	struct sockaddr_un addr;
	socklen_t len = grade_unix_address(&addr, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, len) == -1) {
		ipc_close_quietly(fd);
		return -1;
	}
	return fd;
}

/** Wait until @p fd is readable (or at EOF); false after @p ms. */
static bool
readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t end = ipc_now_ns() + (uint64_t)ms * 1000000u;
	int n;

	for (;;) {
		uint64_t now = ipc_now_ns();
		int left = now >= end ? 0 : (int)((end - now) / 1000000u) + 1;
		n = poll(&pfd, 1, left);
		if (n != -1 || errno != EINTR)
			return n == 1;
	}
}

/** accept() within @p ms, or -1. */
static int
accept_within(int lfd, int ms)
{
	if (!readable(lfd, ms))
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/** Send everything (never SIGPIPE); false on error. Safe in helpers. */
static bool
send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/** Send one byte per call, as the slowest peer would. */
static bool
send_bytewise(int fd, const void *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!send_all(fd, (const char *)buf + i, 1))
			return false;
	return true;
}

/** Send a frame with @p n descriptors on its first byte (SCM_RIGHTS). */
static bool
send_with_fds(int fd, const void *buf, size_t len, const int *fds, unsigned n)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *c;

	memset(&control, 0, sizeof(control));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	if (__real_sendmsg(fd, &msg, MSG_NOSIGNAL) != 1)
		return false;
	return send_all(fd, (const char *)buf + 1, len - 1);
}

/** What the grader's frame reader got. */
enum { GOT_FRAME = 1, GOT_EOF = 0, GOT_ERROR = -1, GOT_NOTHING = -2 };

/**
 * The grader's frame reader: one whole frame within @p ms into @p f,
 * collecting descriptors (at most 16) into @p fds/@p nfds (may be NULL:
 * then they are closed). GOT_FRAME, GOT_EOF (clean, between frames),
 * GOT_NOTHING (timeout) or GOT_ERROR (errno set; EPROTO: EOF inside a
 * frame, EMSGSIZE: longer than RPC_FRAME_MAX).
 */
static int
recv_frame(int fd, struct bytes *f, int ms, int *fds, unsigned *nfds)
{
	size_t want = RPC_HEADER_LEN;
	unsigned got_fds = 0;

	f->len = 0;
	while (f->len < want) {
		union {
			char buf[CMSG_SPACE(sizeof(int) * 16)];
			struct cmsghdr align;
		} control;
		struct iovec iov = { .iov_base = f->b + f->len,
				     .iov_len = want - f->len };
		struct msghdr msg = { .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = control.buf,
				      .msg_controllen = sizeof(control.buf) };
		ssize_t n;

		if (!readable(fd, ms))
			return GOT_NOTHING;
		n = __real_recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return GOT_ERROR;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL;
		     c = CMSG_NXTHDR(&msg, c)) {
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < k; i++) {
				int one;
				memcpy(&one, CMSG_DATA(c) + i * sizeof(int),
				       sizeof(int));
				if (fds != NULL && got_fds < 16)
					fds[got_fds++] = one;
				else
					close(one);
			}
		}
		if (n == 0) {
			if (nfds != NULL)
				*nfds = got_fds;
			if (f->len == 0)
				return GOT_EOF;
			errno = EPROTO;
			return GOT_ERROR;
		}
		f->len += (size_t)n;
		if (f->len == RPC_HEADER_LEN && want == RPC_HEADER_LEN) {
			uint32_t body = get32(f->b);
			if (body > RPC_FRAME_MAX - RPC_HEADER_LEN) {
				errno = EMSGSIZE;
				return GOT_ERROR;
			}
			want += body;
		}
	}
	if (nfds != NULL)
		*nfds = got_fds;
	return GOT_FRAME;
}

/** In a helper: send request @p id as one frame; false (reported) on error. */
static bool
send_request(int fd, uint32_t id, const char *method,
	     const struct rpc_value *args, unsigned argc)
{
	struct rpc_msg m = request(id, method, args, argc);
	static struct bytes f;

	encode(&m, &f);
	if (!send_all(fd, f.b, f.len))
		return helper_fail("the grader's client could not send its "
				   "request %s (id %lu): %s: did the server "
				   "close the connection?",
				   method, (unsigned long)id,
				   ipc_errno_name(errno));
	return true;
}

/**
 * In a helper: receive and decode one answer within WAIT_MS into @p m
 * (values point into @p f). @p what names the request, for the report.
 */
static bool
recv_answer(int fd, struct bytes *f, struct rpc_msg *m, const char *what)
{
	char why[160];
	int got = recv_frame(fd, f, WAIT_MS, NULL, NULL);

	if (got == GOT_NOTHING)
		return helper_fail("the client sent %s and no answer came "
				   "within %d ms",
				   what, WAIT_MS);
	if (got == GOT_EOF)
		return helper_fail("the client sent %s and the server closed "
				   "the connection instead of answering: a "
				   "request that fails is answered with an "
				   "RPC_ERROR, never with a dropped connection",
				   what);
	if (got == GOT_ERROR)
		return helper_fail("the client sent %s and its answer could "
				   "not be read (%s)",
				   what, ipc_errno_name(errno));
	if (!decode(f->b, f->len, m, why, sizeof(why)))
		return helper_fail("the client sent %s and the answer frame is "
				   "malformed: %s",
				   what, why);
	if (m->kind == RPC_REQUEST)
		return helper_fail("the client sent %s and the answer is a "
				   "request, not a reply or an error",
				   what);
	return true;
}

/** In a helper: is @p m a reply with id @p id whose first value is the
 *  integer @p want? */
static bool
expect_int_reply(const struct rpc_msg *m, uint32_t id, int64_t want,
		 const char *what)
{
	char v[96];

	if (m->id != id)
		return helper_fail("the answer to %s carries id %lu, the "
				   "request's id was %lu: copy the request's "
				   "id into its reply",
				   what, (unsigned long)m->id,
				   (unsigned long)id);
	if (m->kind == RPC_ERROR)
		return helper_fail("%s was answered with an error (code %lld, "
				   "%s), expected the result %lld",
				   what,
				   m->argc > 0 ? (long long)m->argv[0].i : 0,
				   m->argc > 1 ? describe(&m->argv[1], v,
							  sizeof(v))
					       : "no message",
				   (long long)want);
	if (m->argc != 1 || m->argv[0].type != RPC_INT || m->argv[0].i != want)
		return helper_fail("%s was answered with %u value(s), the first "
				   "%s; expected the one integer %lld",
				   what, m->argc,
				   m->argc ? describe(&m->argv[0], v, sizeof(v))
					   : "none",
				   (long long)want);
	return true;
}

/** In a helper: is @p m an error with id @p id and code @p code? */
static bool
expect_error(const struct rpc_msg *m, uint32_t id, int64_t code,
	     const char *what, const char *hint)
{
	if (m->id != id)
		return helper_fail("the answer to %s carries id %lu, expected "
				   "%lu",
				   what, (unsigned long)m->id,
				   (unsigned long)id);
	if (m->kind != RPC_ERROR)
		return helper_fail("%s was answered with a reply, expected an "
				   "RPC_ERROR with code %lld: %s",
				   what, (long long)code, hint);
	if (m->argc != 2 || m->argv[0].type != RPC_INT ||
	    m->argv[1].type != RPC_STR)
		return helper_fail("the error answering %s has %u value(s); an "
				   "RPC_ERROR holds exactly two: an RPC_INT code "
				   "and an RPC_STR message",
				   what, m->argc);
	if (m->argv[0].i != code)
		return helper_fail("the error answering %s has code %lld, "
				   "expected %lld: %s",
				   what, (long long)m->argv[0].i,
				   (long long)code, hint);
	if (m->argv[1].len == 0)
		return helper_fail("the error answering %s has an empty "
				   "message: say what went wrong, for humans",
				   what);
	return true;
}

/* ============================================================ the handlers */

/** Set by handlers that must not have run (the denied tests). */
static volatile int handler_ran;

/** add(a, b): a + b. */
static int
h_add(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
      struct rpc_msg *reply)
{
	(void)arg;
	(void)caller;
	if (req->argc != 2 || req->argv[0].type != RPC_INT ||
	    req->argv[1].type != RPC_INT) {
		errno = EINVAL;
		return -1;
	}
	reply->argv[0] = RPC_INT_VALUE(req->argv[0].i + req->argv[1].i);
	reply->argc = 1;
	return 0;
}

/** square(x): x * x. */
static int
h_square(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
	 struct rpc_msg *reply)
{
	(void)arg;
	(void)caller;
	if (req->argc != 1 || req->argv[0].type != RPC_INT) {
		errno = EINVAL;
		return -1;
	}
	reply->argv[0] = RPC_INT_VALUE(req->argv[0].i * req->argv[0].i);
	reply->argc = 1;
	return 0;
}

/** echo(...): the same values back (they point into the request). */
static int
h_echo(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
       struct rpc_msg *reply)
{
	(void)arg;
	(void)caller;
	for (unsigned i = 0; i < req->argc; i++) {
		if (req->argv[i].type == RPC_FD) {
			errno = EINVAL;
			return -1;
		}
		reply->argv[i] = req->argv[i];
	}
	reply->argc = req->argc;
	return 0;
}

/** fail(): starts a reply, then fails with EDOM. */
static int
h_fail(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
       struct rpc_msg *reply)
{
	(void)arg;
	(void)caller;
	(void)req;
	reply->argv[0] = RPC_INT_VALUE(666); /* half done, then it fails */
	reply->argc = 1;
	errno = EDOM;
	return -1;
}

/** whoami(): the caller's pid, uid and gid, as the server was told. */
static int
h_whoami(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
	 struct rpc_msg *reply)
{
	(void)arg;
	(void)req;
	reply->argv[0] = RPC_INT_VALUE(caller->pid);
	reply->argv[1] = RPC_INT_VALUE(caller->uid);
	reply->argv[2] = RPC_INT_VALUE(caller->gid);
	reply->argc = 3;
	return 0;
}

/** readfd(fd): up to 200 bytes read through the descriptor. */
static int
h_readfd(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
	 struct rpc_msg *reply)
{
	static char buf[200];
	ssize_t n;

	(void)arg;
	(void)caller;
	if (req->argc != 1 || req->argv[0].type != RPC_FD) {
		errno = EINVAL;
		return -1;
	}
	n = read(req->argv[0].fd, buf, sizeof(buf));
	if (n == -1)
		return -1; /* errno from read: EBADF for a bad descriptor */
	reply->argv[0] = RPC_BYTES_VALUE(buf, (uint32_t)n);
	reply->argc = 1;
	return 0;
}

/** fdcount(): how many descriptors the serving process has open. */
static int
h_fdcount(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
	  struct rpc_msg *reply)
{
	int64_t open_fds = 0;

	(void)arg;
	(void)caller;
	(void)req;
	for (int fd = 0; fd < 1024; fd++)
		open_fds += fcntl(fd, F_GETFD) != -1;
	reply->argv[0] = RPC_INT_VALUE(open_fds);
	reply->argc = 1;
	return 0;
}

/** touch(): marks that it ran (must not, for a denied caller). */
static int
h_touch(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
	struct rpc_msg *reply)
{
	(void)arg;
	(void)caller;
	(void)req;
	handler_ran = 1;
	reply->argv[0] = RPC_INT_VALUE(1);
	reply->argc = 1;
	return 0;
}

/** A server with every test method; fails the test if it cannot be made. */
static struct rpc_server *
test_server(void)
{
	static const struct {
		const char *name;
		rpc_handler_fn *fn;
	} methods[] = {
		{ "add", h_add },	    { "square", h_square },
		{ "echo", h_echo },	    { "fail", h_fail },
		{ "whoami", h_whoami },	    { "readfd", h_readfd },
		{ "fdcount", h_fdcount },   { "touch", h_touch },
	};
	struct rpc_server *srv = rpc_server_new();

	GRADE_IMPLEMENTED(srv == NULL ? -1 : 0, "rpc_server_new", 2);
	ck_assert_msg(srv != NULL, "rpc_server_new() failed: %s",
		      ipc_errno_name(errno));
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		int rc = rpc_server_register(srv, methods[i].name,
					     methods[i].fn, NULL);
		GRADE_IMPLEMENTED(rc, "rpc_server_register", 2);
		ck_assert_msg(rc == 0, "rpc_server_register(\"%s\") failed: %s",
			      methods[i].name, ipc_errno_name(errno));
	}
	return srv;
}

/** The caller the dispatch tests pretend to be: this process. */
static struct rpc_caller
me(void)
{
	return (struct rpc_caller){ getpid(), geteuid(), getegid() };
}

/* ================================================== helpers with a limit */

/**
 * Run fn(arg) in a helper and wait up to @p ms for it. True when it
 * finished (its wait status in @p status); false when it was still
 * running and was killed.
 */
static bool
run_bounded(int (*fn)(void *), void *arg, int ms, int *status)
{
	pid_t pid = grade_spawn(fn, arg);

	if (ipc_waitpid_timeout(pid, status, ms) == -1) {
		kill(pid, SIGKILL);
		ipc_waitpid(pid, status);
		return false;
	}
	return true;
}

/** Wait for a peer helper; fail if it is stuck, died, or was taken. */
static void
join_peer(pid_t pid)
{
	char how[96];
	int status;

	if (ipc_waitpid_timeout(pid, &status, WAIT_MS * 3) == -1) {
		int err = errno;
		kill(pid, SIGKILL);
		ck_assert_msg(err != ESRCH && err != ECHILD,
			      "the test's own helper process (pid %ld) was "
			      "reaped by your code: wait() or waitpid(-1, ...) "
			      "collects any child, also those your function did "
			      "not fork. Wait for each of your children by its "
			      "pid",
			      (long)pid);
		ipc_waitpid(pid, NULL);
		check_report();
		ck_abort_msg("the test's peer process was still blocked %d ms "
			     "later: the code under test left it waiting",
			     WAIT_MS * 3);
	}
	if (!report->problem && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		ck_abort_msg("the test's peer process %s",
			     ipc_describe_status(status, how, sizeof(how)));
}

/** In a helper: SIGPIPE at its default action, as in a fresh program. */
static void
default_sigpipe(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGPIPE, SIG_DFL);
}

/** Fail when a helper that ran the student's code died of SIGPIPE. */
static void
check_no_sigpipe_death(int status, const char *function)
{
	ck_assert_msg(!(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE),
		      "SIGPIPE death: %s() sent to a peer that had gone, and "
		      "SIGPIPE killed the process (its default action). Pass "
		      "MSG_NOSIGNAL to every send() and sendmsg(): the call then "
		      "fails with EPIPE and the caller gets a clear error",
		      function);
}

static volatile sig_atomic_t sigpipes;

static void
count_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/** In the test process: count SIGPIPEs instead of dying of them. */
static void
catch_sigpipe(void)
{
	struct sigaction counting = { .sa_handler = count_sigpipe };

	sigemptyset(&counting.sa_mask);
	sigaction(SIGPIPE, &counting, NULL);
	sigpipes = 0;
}

/* ========================================== descriptor snapshots (step 5) */

static bool open_before[MAX_FD];

/** Remember which fds are open now. */
static void
remember_open_fds(void)
{
	for (int fd = 0; fd < MAX_FD; fd++)
		open_before[fd] = fcntl(fd, F_GETFD) != -1;
}

/** A descriptor open now that was not before, or -1. */
static int
new_open_fd(void)
{
	for (int fd = 0; fd < MAX_FD; fd++)
		if (!open_before[fd] && fcntl(fd, F_GETFD) != -1)
			return fd;
	return -1;
}

/** Fail if rpc_serve_conn() left a descriptor open, naming a passed one. */
static void
check_no_new_fd(void)
{
	char link[64], target[256] = "";
	int fd = new_open_fd();
	struct stat st;
	ssize_t n;

	if (fd == -1)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	ck_assert_msg(!(fstat(fd, &st) == 0 && S_ISREG(st.st_mode)),
		      "leaking the passed fd: after rpc_serve_conn() returned, "
		      "fd %d (%s), a descriptor a client passed, was still open. "
		      "A request's descriptors are only lent to the handler: "
		      "close them once it has returned",
		      fd, target);
	ck_abort_msg("rpc_serve_conn() left fd %d (%s) open: close every "
		     "descriptor you open, on every path",
		     fd, target);
}

/** Do two descriptors refer to the same file (device and inode)? */
static bool
same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static const char file_text[] = "0123456789 a file the client opened, read "
				"by the server through a passed descriptor\n";

/** A file in the test's directory holding file_text, opened read-only. */
static int
make_file(const char *name)
{
	int fd = open(grade_path(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		      0600);

	ck_assert_msg(fd != -1, "open %s: %s", name, strerror(errno));
	ck_assert_int_eq(ipc_write_all(fd, file_text, sizeof(file_text) - 1),
			 (ssize_t)(sizeof(file_text) - 1));
	close(fd);
	fd = open(grade_path(name), O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd != -1, "open %s: %s", name, strerror(errno));
	return fd;
}

/* ================================================ step 1: the wire format */

/** Which field of the well-formed frame @p f holds byte @p off? */
static const char *
field_at(const unsigned char *f, size_t len, size_t off, char *out, size_t n)
{
	size_t at, mlen;
	unsigned count;

	if (off < 4)
		return "the length prefix (bytes 0-3: how many bytes follow "
		       "it, big-endian)";
	if (off < 8)
		return "the id (bytes 4-7, big-endian)";
	if (off == 8)
		return "the kind (byte 8)";
	if (off == 9)
		return "the method name's length (byte 9)";
	mlen = f[9];
	if (off < 10 + mlen)
		return "the method name";
	at = 10 + mlen;
	if (off == at)
		return "the value count";
	count = f[at++];
	for (unsigned i = 0; i < count && at < len; i++) {
		unsigned char type = f[at];
		size_t start = at;
		if (off == at) {
			snprintf(out, n, "value %u's type byte", i + 1);
			return out;
		}
		at++;
		if (type == RPC_INT)
			at += 8;
		else if (type == RPC_STR || type == RPC_BYTES)
			at += 4 + (at + 4 <= len ? get32(f + at) : 0);
		if (off < at) {
			snprintf(out, n,
				 type == RPC_INT ? "value %u, an integer (8 "
						   "bytes, big-endian)"
				 : off < start + 5
					 ? "value %u's length (4 bytes, "
					   "big-endian)"
					 : "value %u's bytes",
				 i + 1);
			return out;
		}
	}
	return "after the end of the frame";
}

/** Fail unless rpc_encode() returned @p n bytes at @p got equal to @p want. */
static void
check_encoded(const char *what, ssize_t n, const unsigned char *got,
	      const struct bytes *want)
{
	char field[96], h1[200], h2[200];
	size_t diff;

	ck_assert_msg(n != -1, "rpc_encode() of %s failed with %s", what,
		      ipc_errno_name(errno));
	diff = grade_first_mismatch(got, want->b,
				    (size_t)n < want->len ? (size_t)n : want->len);
	if ((size_t)n == want->len && diff == want->len)
		return;
	if (diff == ((size_t)n < want->len ? (size_t)n : want->len))
		ck_abort_msg("rpc_encode() of %s returned %zd bytes, the frame "
			     "is %zu bytes long (%s)\n  expected: %s\n  got:      "
			     "%s",
			     what, n, want->len,
			     (size_t)n < want->len
				     ? "the rest is missing"
				     : "it counts bytes that are not part of it",
			     hex(want->b, want->len, 48, h1, sizeof(h1)),
			     hex(got, (size_t)n, 48, h2, sizeof(h2)));
	ck_abort_msg("rpc_encode() of %s: byte %zu differs, in %s: expected "
		     "%02x, got %02x%s\n  expected: %s\n  got:      %s",
		     what, diff, field_at(want->b, want->len, diff, field,
					  sizeof(field)),
		     want->b[diff], got[diff],
		     diff < 8 ? ". Numbers go on the wire in network byte order "
				"(big-endian): most significant byte first"
			      : "",
		     hex(want->b, want->len, 48, h1, sizeof(h1)),
		     hex(got, (size_t)n, 48, h2, sizeof(h2)));
}

START_TEST(test_encode_request_bytes)
{
	static const unsigned char frame[] = {
		0x00, 0x00, 0x00, 0x1c,		/* 28 bytes follow */
		0x00, 0x00, 0x00, 0x07,		/* id 7 */
		0x01,				/* a request */
		0x03, 'a',  'd',  'd',		/* the method, "add" */
		0x02,				/* two values: */
		'i',  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* 2 */
		'i',  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xd8, /* -40 */
	};
	struct rpc_value args[] = { RPC_INT_VALUE(2), RPC_INT_VALUE(-40) };
	struct rpc_msg m = request(7, "add", args, 2);
	static struct bytes want;
	unsigned char buf[256];
	ssize_t n = rpc_encode(&m, buf, sizeof(buf));

	GRADE_IMPLEMENTED(n, "rpc_encode", 1);
	want.len = sizeof(frame);
	memcpy(want.b, frame, sizeof(frame));
	check_encoded("add(2, -40), id 7", n, buf, &want);
}
END_TEST

START_TEST(test_encode_every_type)
{
	static const char raw[] = { 'a', '\0', 'b', (char)0xff };
	struct rpc_value vals[] = {
		RPC_STR_VALUE("h\xc3\xa9llo"),
		RPC_BYTES_VALUE(raw, 4),
		RPC_INT_VALUE(INT64_MIN),
		RPC_FD_VALUE(5),
		RPC_STR_VALUE(""),
		RPC_BYTES_VALUE(NULL, 0),
		RPC_INT_VALUE(0x0102030405060708),
	};
	struct rpc_value err[] = { RPC_INT_VALUE(RPC_ERR_NO_METHOD),
				   RPC_STR_VALUE("no such method: mul") };
	struct rpc_msg reply = answer_msg(0x01020304, RPC_REPLY, vals, 7);
	struct rpc_msg error = answer_msg(0xfffffffe, RPC_ERROR, err, 2);
	struct rpc_msg bare = request(1, "ping", NULL, 0);
	static struct bytes want;
	unsigned char buf[512];
	ssize_t n;

	n = rpc_encode(&reply, buf, sizeof(buf));
	GRADE_IMPLEMENTED(n, "rpc_encode", 1);
	encode(&reply, &want);
	check_encoded("a reply with a string, bytes, integers, a descriptor, "
		      "an empty string and empty bytes",
		      n, buf, &want);
	n = rpc_encode(&error, buf, sizeof(buf));
	encode(&error, &want);
	check_encoded("an error (code and message)", n, buf, &want);
	n = rpc_encode(&bare, buf, sizeof(buf));
	encode(&bare, &want);
	check_encoded("ping() with no argument", n, buf, &want);
}
END_TEST

/** rpc_encode() of @p m must fail with @p err, writing nothing past cap. */
static void
check_encode_fails(const char *what, const struct rpc_msg *m, size_t cap,
		   int err)
{
	static unsigned char buf[2 * RPC_FRAME_MAX];
	ssize_t n;
	size_t spoiled;

	memset(buf, 0xa5, sizeof(buf));
	errno = 0;
	n = rpc_encode(m, buf, cap);
	GRADE_IMPLEMENTED(n, "rpc_encode", 1);
	for (spoiled = cap; spoiled < sizeof(buf) && buf[spoiled] == 0xa5;
	     spoiled++)
		;
	ck_assert_msg(spoiled == sizeof(buf),
		      "rpc_encode() of %s with cap %zu wrote at byte %zu, past "
		      "the end of the buffer: check that each field fits before "
		      "writing it",
		      what, cap, spoiled);
	ck_assert_msg(n == -1 && errno == err,
		      "rpc_encode() of %s returned %zd (%s): expected -1 with "
		      "%s",
		      what, n, n == -1 ? ipc_errno_name(errno) : "a frame",
		      ipc_errno_name(err));
}

START_TEST(test_encode_rejects_bad_messages)
{
	static char big[9000];
	struct rpc_value two[] = { RPC_INT_VALUE(2), RPC_INT_VALUE(-40) };
	struct rpc_value nul[] = { { .type = RPC_STR, .p = "a\0b", .len = 3 } };
	struct rpc_value odd[] = { { .type = (enum rpc_type)'x' } };
	struct rpc_value many[RPC_VALUES_MAX];
	struct rpc_msg m;
	static unsigned char buf[RPC_FRAME_MAX];
	ssize_t n;

	m = request(1, "add", two, 2);
	m.argc = RPC_VALUES_MAX + 1;
	check_encode_fails("a message with 9 values", &m, 256, EINVAL);
	m = request(1, "", NULL, 0);
	check_encode_fails("a request without a method name", &m, 256, EINVAL);
	m = answer_msg(1, RPC_REPLY, NULL, 0);
	strcpy(m.method, "add");
	check_encode_fails("a reply with a method name", &m, 256, EINVAL);
	m = request(1, "add", NULL, 0);
	memset(m.method, 'm', sizeof(m.method)); /* 33 bytes, no NUL */
	check_encode_fails("a method name of 33 bytes", &m, 256, EINVAL);
	m = request(1, "add", NULL, 0);
	m.kind = (enum rpc_kind)7;
	check_encode_fails("a message of kind 7", &m, 256, EINVAL);
	m = request(1, "add", odd, 1);
	check_encode_fails("a value of type 'x'", &m, 256, EINVAL);
	m = request(1, "add", nul, 1);
	check_encode_fails("a string holding a NUL byte", &m, 256, EINVAL);
	m = request(1, "add", two, 2);
	check_encode_fails("add(2, -40) (32 bytes) into 31", &m, 31, EMSGSIZE);
	check_encode_fails("add(2, -40) into 4", &m, 4, EMSGSIZE);
	for (int i = 0; i < RPC_VALUES_MAX; i++)
		many[i] = RPC_BYTES_VALUE(big, sizeof(big));
	m = answer_msg(1, RPC_REPLY, many, RPC_VALUES_MAX);
	check_encode_fails("8 values of 9000 bytes (more than RPC_FRAME_MAX)",
			   &m, 2 * RPC_FRAME_MAX, EMSGSIZE);
	/* The largest frame there is: exactly RPC_FRAME_MAX bytes. */
	many[0] = RPC_BYTES_VALUE(grade_pattern(RPC_FRAME_MAX - 16, 1),
				  RPC_FRAME_MAX - 16);
	m = answer_msg(1, RPC_REPLY, many, 1);
	n = rpc_encode(&m, buf, sizeof(buf));
	ck_assert_msg(n == RPC_FRAME_MAX,
		      "rpc_encode() of a reply holding one value of %d bytes "
		      "(a frame of exactly RPC_FRAME_MAX = %d bytes) returned "
		      "%zd (%s): the limit includes the frame itself",
		      RPC_FRAME_MAX - 16, RPC_FRAME_MAX, n,
		      n == -1 ? ipc_errno_name(errno) : "a count");
	free((void *)many[0].p);
	errno = 0;
	n = rpc_encode(NULL, buf, sizeof(buf));
	ck_assert_msg(n == -1 && errno == EINVAL,
		      "rpc_encode(NULL, ...) returned %zd (%s): expected -1 with "
		      "EINVAL",
		      n, ipc_errno_name(errno));
}
END_TEST

START_TEST(test_decode_every_type)
{
	static const char raw[] = { 'a', '\0', 'b', (char)0xff };
	struct rpc_value vals[] = {
		RPC_STR_VALUE("h\xc3\xa9llo"), RPC_BYTES_VALUE(raw, 4),
		RPC_INT_VALUE(INT64_MIN),      RPC_FD_VALUE(5),
		RPC_STR_VALUE(""),	       RPC_INT_VALUE(-1),
	};
	struct rpc_msg msgs[] = {
		request(0xdeadbeef, "a.method_name-of-32-bytes-long__", vals, 6),
		answer_msg(7, RPC_REPLY, vals, 3),
		answer_msg(0, RPC_ERROR, vals + 4, 2),
		request(1, "x", NULL, 0),
	};
	static struct bytes f;
	struct rpc_msg got;
	char a[96], b[96];

	for (size_t k = 0; k < sizeof(msgs) / sizeof(msgs[0]); k++) {
		const struct rpc_msg *want = &msgs[k];
		int rc;
		encode(want, &f);
		memset(&got, 0x5a, sizeof(got));
		errno = 0;
		rc = rpc_decode(f.b, f.len, &got);
		GRADE_IMPLEMENTED(rc, "rpc_decode", 1);
		ck_assert_msg(rc == 0,
			      "rpc_decode() rejected a well-formed frame (%s, "
			      "%zu bytes) with %s",
			      want->kind == RPC_REQUEST ? want->method
							: "a reply",
			      f.len, ipc_errno_name(errno));
		ck_assert_msg(got.id == want->id && got.kind == want->kind,
			      "decoded id %lu kind %d, the frame holds id %lu "
			      "kind %d (both big-endian on the wire)",
			      (unsigned long)got.id, (int)got.kind,
			      (unsigned long)want->id, (int)want->kind);
		ck_assert_msg(memchr(got.method, '\0', sizeof(got.method)) &&
				      strcmp(got.method, want->method) == 0,
			      "decoded method \"%.*s\", expected \"%s\": copy "
			      "the name into msg->method and end it with a NUL",
			      RPC_METHOD_MAX, got.method, want->method);
		ck_assert_msg(got.argc == want->argc,
			      "decoded %u values, the frame holds %u", got.argc,
			      want->argc);
		for (unsigned i = 0; i < got.argc; i++) {
			const struct rpc_value *g = &got.argv[i];
			ck_assert_msg(same_value(g, &want->argv[i]),
				      "value %u decoded as %s, expected %s", i + 1,
				      describe(g, a, sizeof(a)),
				      describe(&want->argv[i], b, sizeof(b)));
			if (g->type == RPC_STR || g->type == RPC_BYTES)
				ck_assert_msg(
					g->len == 0 ||
						((const unsigned char *)g->p >=
							 f.b &&
						 (const unsigned char *)g->p +
								 g->len <=
							 f.b + f.len),
					"value %u's bytes do not point into the "
					"frame: decoded values are not copied, "
					"they point into the frame's buffer",
					i + 1);
			if (g->type == RPC_FD)
				ck_assert_msg(g->fd == -1,
					      "value %u, a descriptor, decoded "
					      "with fd %d: the frame holds no "
					      "descriptor, set it to -1 (the "
					      "receiver fills it in)",
					      i + 1, g->fd);
		}
	}
}
END_TEST

/* ----------------------------------------- decoding frames from a helper */

/** Where a decoder helper puts each frame and message: before unmapped
 *  pages, so that a single byte read or written past them faults. */
struct guard {
	unsigned char *frame_end; /* a frame of n bytes goes at end - n */
	struct rpc_msg *msg;	  /* rpc_decode() writes here */
};

/** @p size usable bytes right before an unmapped page: returns the end. */
static unsigned char *
guarded_end(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t span = (size + page - 1) / page * page;
	unsigned char *base = mmap(NULL, span + page, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (base == MAP_FAILED || mprotect(base + span, page, PROT_NONE) == -1)
		return NULL;
	return base + span;
}

static bool
make_guard(struct guard *g)
{
	unsigned char *msg_end = guarded_end(sizeof(struct rpc_msg));

	g->frame_end = guarded_end(RPC_FRAME_MAX + 64);
	if (g->frame_end == NULL || msg_end == NULL)
		return helper_fail("grader: mmap failed: %s", strerror(errno));
	g->msg = (struct rpc_msg *)(void *)(msg_end - sizeof(struct rpc_msg));
	return true;
}

/** What to tell a student whose decoder accepted a frame, by the reason
 *  the frame is malformed. */
static const char *
accept_hint(const char *why)
{
	if (strstr(why, "prefix") != NULL)
		return "Trusting the length prefix: it must equal the number of "
		       "bytes that really follow it";
	if (strstr(why, "only") != NULL || strstr(why, "cut short") ||
	    strstr(why, "past the end") || strstr(why, "ends before"))
		return "Trusting a length inside the frame: check every length "
		       "against the bytes that remain before using it";
	if (strstr(why, "count") != NULL)
		return "Trusting a count inside the frame: argv has room for "
		       "RPC_VALUES_MAX values, no more";
	if (strstr(why, "left over") != NULL)
		return "A frame holds nothing after its last value";
	return "Check it as the spec in rpc.h says";
}

/**
 * In a decoder helper: decode @p len bytes with the student's rpc_decode()
 * (placed before the guard) and compare with the grader's decoder. False
 * (reported) when they disagree.
 */
static bool
check_decode(struct guard *g, const char *what, const unsigned char *bytes,
	     size_t len)
{
	unsigned char *frame = g->frame_end - len;
	struct rpc_msg want, *got = g->msg;
	char why[200], h[200], a[96], b[96];
	bool valid = decode(bytes, len, &want, why, sizeof(why));
	int rc, err;

	report->index++;
	snprintf(report->what, sizeof(report->what), "%s", what);
	report->len = len;
	memcpy(report->head, bytes,
	       len < sizeof(report->head) ? len : sizeof(report->head));
	if (len > 0)
		memcpy(frame, bytes, len);
	memset(got, 0x5a, sizeof(*got));
	errno = 0;
	rc = rpc_decode(frame, len, got);
	err = errno;
	if (rc == -1 && err == ENOSYS) {
		report->not_implemented = 1;
		return false;
	}
	hex(bytes, len, 24, h, sizeof(h));
	if (!valid && rc != -1)
		return helper_fail("rpc_decode() accepted a malformed frame, %s "
				   "(%zu bytes: %s), returning %d: %s. %s",
				   what, len, h, rc, why, accept_hint(why));
	if (!valid && err != EBADMSG)
		return helper_fail("rpc_decode() rejected %s (%zu bytes: %s) "
				   "with %s: expected EBADMSG, the errno for a "
				   "malformed message",
				   what, len, h, ipc_errno_name(err));
	if (!valid)
		return true;
	if (rc != 0)
		return helper_fail("rpc_decode() rejected a well-formed frame, "
				   "%s (%zu bytes: %s), with %s",
				   what, len, h, ipc_errno_name(err));
	if (got->id != want.id || got->kind != want.kind ||
	    memchr(got->method, '\0', sizeof(got->method)) == NULL ||
	    strcmp(got->method, want.method) != 0 || got->argc != want.argc)
		return helper_fail("rpc_decode() of %s (%zu bytes: %s) gave id "
				   "%lu, kind %d, %u value(s); the frame holds "
				   "id %lu, kind %d, method \"%s\", %u value(s)",
				   what, len, h, (unsigned long)got->id,
				   (int)got->kind, got->argc,
				   (unsigned long)want.id, (int)want.kind,
				   want.method, want.argc);
	for (unsigned i = 0; i < want.argc; i++) {
		const struct rpc_value *gv = &got->argv[i], *wv = &want.argv[i];
		if (!same_value(gv, wv))
			return helper_fail("rpc_decode() of %s (%s): value %u "
					   "decoded as %s, the frame holds %s",
					   what, h, i + 1,
					   describe(gv, a, sizeof(a)),
					   describe(wv, b, sizeof(b)));
		if ((wv->type == RPC_STR || wv->type == RPC_BYTES) &&
		    wv->len > 0 &&
		    (const unsigned char *)gv->p - frame !=
			    (const unsigned char *)wv->p - bytes)
			return helper_fail("rpc_decode() of %s: value %u's "
					   "bytes do not point at their place in "
					   "the frame",
					   what, i + 1);
	}
	return true;
}

/** The hand-made malformed frames: each must be refused with EBADMSG. */
static int
malformed_helper(void *arg)
{
	struct rpc_value args[] = { RPC_INT_VALUE(2), RPC_STR_VALUE("hi") };
	struct rpc_msg base = request(9, "add", args, 2);
	static struct bytes ok, f;
	struct guard g;

	(void)arg;
	if (!make_guard(&g))
		return 0;
	encode(&base, &ok);
	/* ok: 00 00 00 1a | 00 00 00 09 | 01 | 03 add | 02 |
	 *     69 <8 bytes> | 73 00 00 00 02 h i   (30 bytes) */
#define CASE(what, ...)                                                        \
	do {                                                                   \
		copy_bytes(&f, &ok);                                           \
		__VA_ARGS__;                                                   \
		if (!check_decode(&g, what, f.b, f.len))                       \
			return 0;                                              \
	} while (0)
	CASE("an empty buffer", f.len = 0);
	CASE("3 bytes, less than a length prefix", f.len = 3);
	CASE("a frame cut short (its prefix says 26 bytes follow, 20 do)",
	     f.len = 24);
	CASE("a frame cut in its last value", f.len = ok.len - 1);
	CASE("a length prefix smaller than the frame", be32(f.b, 20));
	CASE("a length prefix one more than the bytes that follow",
	     be32(f.b, (uint32_t)ok.len - 3));
	CASE("a length prefix of 0xffffffff", be32(f.b, 0xffffffff));
	CASE("a length prefix of 0x7ffffff0", be32(f.b, 0x7ffffff0));
	CASE("an id and nothing more", f.len = 8; fix_prefix(&f));
	CASE("kind 0", f.b[8] = 0);
	CASE("kind 4", f.b[8] = 4);
	CASE("a request without a method name", f.len = 9; put8(&f, 0);
	     put8(&f, 0); fix_prefix(&f));
	CASE("a reply with a method name", f.b[8] = RPC_REPLY);
	CASE("a method name length of 33", f.b[9] = 33);
	CASE("a method name length of 255", f.b[9] = 255);
	CASE("a method name running past the end", f.len = 11; f.b[9] = 3;
	     fix_prefix(&f));
	CASE("a method name holding a NUL byte", f.b[11] = '\0');
	CASE("a value count of 9", f.b[13] = 9);
	CASE("a value count of 255", f.b[13] = 255);
	CASE("a value count of 3 with 2 values", f.b[13] = 3);
	CASE("a value count of 2 with 1 value", f.len = 23; fix_prefix(&f));
	CASE("an unknown type byte 'x'", f.b[14] = 'x');
	CASE("a type byte 0", f.b[14] = 0);
	CASE("an integer cut short (5 of 8 bytes)", f.len = 20;
	     fix_prefix(&f));
	CASE("a string length one past the end", be32(f.b + 24, 3));
	CASE("a string length of 0xffffffff", be32(f.b + 24, 0xffffffff));
	CASE("a string length of 0xfffffffe", be32(f.b + 24, 0xfffffffe));
	CASE("a string length of 0x80000000", be32(f.b + 24, 0x80000000));
	CASE("a string length cut short", f.len = 26; fix_prefix(&f));
	CASE("a string holding a NUL byte", f.b[29] = '\0');
	CASE("bytes whose length runs one past the end", f.b[23] = RPC_BYTES;
	     be32(f.b + 24, 3));
	CASE("one byte left over after the last value", put8(&f, 0);
	     fix_prefix(&f));
	CASE("a whole second frame after the first", put_raw(&f, ok.b, ok.len);
	     fix_prefix(&f));
	CASE("a frame longer than RPC_FRAME_MAX", f.len = RPC_FRAME_MAX + 1;
	     fix_prefix(&f));
	/* Well-formed values, one too many: argv has room for 8. */
	CASE("9 descriptor values (RPC_VALUES_MAX is 8)", f.b[13] = 9;
	     f.len = 14; for (int i = 0; i < 9; i++) put8(&f, RPC_FD);
	     fix_prefix(&f));
	CASE("200 descriptor values", f.b[13] = 200; f.len = 14;
	     for (int i = 0; i < 200; i++) put8(&f, RPC_FD); fix_prefix(&f));
#undef CASE
	report->finished = 1;
	return 0;
}

/* The fuzzer's random numbers: xorshift64*, from a fixed seed, so every
 * run decodes the same frames. */
static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static unsigned
below(unsigned n)
{
	return (unsigned)(rng() % n);
}

/** Where the fields of an encoded random message are. */
struct layout {
	size_t count_at;	      /* the value count byte */
	size_t len_at[RPC_VALUES_MAX]; /* each STR/BYTES length (0: none) */
	unsigned n_lens;
};

/** A random well-formed message; its bytes live in @p store. */
static void
random_msg(struct rpc_msg *m, unsigned char (*store)[320])
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz_.-0123456789";

	memset(m, 0, sizeof(*m));
	m->id = (uint32_t)rng();
	m->kind = (enum rpc_kind)(RPC_REQUEST + below(3));
	if (m->kind == RPC_REQUEST) {
		unsigned mlen = 1 + below(RPC_METHOD_MAX);
		for (unsigned i = 0; i < mlen; i++)
			m->method[i] = letters[below(sizeof(letters) - 1)];
	}
	m->argc = below(RPC_VALUES_MAX + 1);
	for (unsigned i = 0; i < m->argc; i++) {
		struct rpc_value *v = &m->argv[i];
		unsigned len = below(8) == 0 ? below(300) : below(20);
		v->type = (enum rpc_type) "isbf"[below(4)];
		if (v->type == RPC_INT)
			v->i = (int64_t)rng();
		for (unsigned k = 0; k < len; k++)
			store[i][k] = v->type == RPC_STR
					      ? (unsigned char)letters[below(
							sizeof(letters) - 1)]
					      : (unsigned char)rng();
		if (v->type == RPC_STR || v->type == RPC_BYTES) {
			v->p = store[i];
			v->len = len;
		}
	}
}

/** Encode @p m and note where its count and length fields are. */
static void
encode_noting(const struct rpc_msg *m, struct bytes *f, struct layout *lay)
{
	size_t at;

	encode(m, f);
	lay->count_at = 10 + strlen(m->method);
	lay->n_lens = 0;
	at = lay->count_at + 1;
	for (unsigned i = 0; i < m->argc; i++) {
		at++; /* type */
		if (m->argv[i].type == RPC_INT)
			at += 8;
		else if (m->argv[i].type == RPC_STR ||
			 m->argv[i].type == RPC_BYTES) {
			lay->len_at[lay->n_lens++] = at;
			at += 4 + m->argv[i].len;
		}
	}
}

/** Make one string or bytes length of @p f lie: too long by a little, or
 *  by @p lie. A frame without one is cut short instead. */
static void
lie_about_a_length(struct bytes *f, const struct layout *lay, uint32_t lie)
{
	size_t at;

	if (lay->n_lens == 0) {
		f->len = below(4);
		return;
	}
	at = lay->len_at[below(lay->n_lens)];
	be32(f->b + at, below(2) ? lie : get32(f->b + at) + 1 + below(8));
}

/** How many messages the fuzzer makes; each gives FUZZ_PER frames. */
#define FUZZ_MESSAGES 1500
#define FUZZ_PER 11

/** The fuzzer: valid, truncated, lying, corrupted and random frames. */
static int
fuzz_helper(void *arg)
{
	static const uint32_t lies[] = { 0xffffffff, 0xfffffffc, 0x80000000,
					 0x7fffffff, 0x10000, 0xffff };
	static unsigned char store[RPC_VALUES_MAX][320];
	static struct bytes ok, f;
	struct layout lay;
	struct rpc_msg m;
	struct guard g;

	(void)arg;
	if (!make_guard(&g))
		return 0;
	rng_state = 0x10c0ffee;
	report->total = FUZZ_MESSAGES * FUZZ_PER;
#define FUZZ(what, ...)                                                        \
	do {                                                                   \
		copy_bytes(&f, &ok);                                           \
		__VA_ARGS__;                                                   \
		if (!check_decode(&g, what, f.b, f.len))                       \
			return 0;                                              \
	} while (0)
	for (unsigned k = 0; k < FUZZ_MESSAGES; k++) {
		random_msg(&m, store);
		encode_noting(&m, &ok, &lay);
		FUZZ("a valid frame", (void)0);
		FUZZ("a frame cut short", f.len = below((unsigned)ok.len));
		FUZZ("a frame cut short, its prefix adjusted to match",
		     f.len = 4 + below((unsigned)ok.len - 4); fix_prefix(&f));
		FUZZ("a frame whose length prefix is too large",
		     be32(f.b, (uint32_t)ok.len - 4 + 1 + below(64)));
		FUZZ("a frame whose length prefix is a lie",
		     be32(f.b, lies[below(6)]));
		FUZZ("a frame with a lying string or bytes length",
		     lie_about_a_length(&f, &lay, lies[below(6)]));
		FUZZ("a frame with a wrong value count",
		     f.b[lay.count_at] = (unsigned char)(m.argc + 1 + below(250)));
		FUZZ("a frame with a wrong method name length",
		     f.b[9] = (unsigned char)rng());
		FUZZ("a frame with one byte changed",
		     f.b[4 + below((unsigned)ok.len - 4)] = (unsigned char)rng());
		FUZZ("a frame with bytes after its last value",
		     for (unsigned x = 1 + below(5); x > 0; x--)
			     put8(&f, (unsigned)rng());
		     fix_prefix(&f));
		FUZZ("random bytes", f.len = below(120);
		     for (size_t i = 0; i < f.len; i++) f.b[i] =
			     (unsigned char)rng();
		     if (f.len >= 4 && below(2)) fix_prefix(&f));
	}
#undef FUZZ
	report->finished = 1;
	return 0;
}

/** rpc_decode() must at least be implemented before a helper runs it. */
static void
require_decode(void)
{
	struct rpc_msg m = request(1, "x", NULL, 0), got;
	static struct bytes f;
	int rc;

	encode(&m, &f);
	errno = 0;
	rc = rpc_decode(f.b, f.len, &got);
	GRADE_IMPLEMENTED(rc, "rpc_decode", 1);
}

/** Explain how a decoder helper ended. */
static void
check_decoder_run(bool done, int status, const char *kind)
{
	char how[96], h[160];

	hex(report->head, report->len, sizeof(report->head), h, sizeof(h));
	if (report->not_implemented) {
		errno = ENOSYS;
		GRADE_IMPLEMENTED(-1, "rpc_decode", 1);
	}
	ck_assert_msg(done,
		      "rpc_decode() did not return within %d s on %s %lu of %lu, "
		      "%s (%zu bytes: %s): a loop that never ends? (a length "
		      "of 0, or one that wraps around, must not stop your "
		      "cursor from moving)",
		      15, kind, report->index, report->total, report->what,
		      report->len, h);
	ck_assert_msg(report->finished || report->problem,
		      "rpc_decode() crashed (%s) on %s %lu of %lu, %s (%zu bytes: "
		      "%s): it read or wrote outside the frame or the message "
		      "(the test puts both right before an unmapped page). "
		      "Trusting the length prefix, or trusting a length or count "
		      "inside the frame, is the classic bug: check each one "
		      "against the bytes that really remain (and the room in "
		      "argv) before using it",
		      ipc_describe_status(status, how, sizeof(how)), kind,
		      report->index, report->total, report->what, report->len,
		      h);
	check_report();
}

START_TEST(test_decode_rejects_malformed)
{
	int status;
	bool done;

	require_decode();
	new_report();
	report->total = 36;
	done = run_bounded(malformed_helper, NULL, 15000, &status);
	check_decoder_run(done, status, "malformed frame");
	{
		struct rpc_msg m;

		errno = 0;
		expect_einval(rpc_decode(NULL, 8, &m), "rpc_decode()",
			      "a NULL frame");
	}
}
END_TEST

START_TEST(test_decode_fuzz)
{
	int status;
	bool done;

	require_decode();
	new_report();
	done = run_bounded(fuzz_helper, NULL, 15000, &status);
	check_decoder_run(done, status, "fuzz frame");
}
END_TEST

/* --------------------------------------------------- receiving frames */

/** A connected pair of Unix stream sockets for the test. */
static void
make_pair(int sv[2])
{
	ck_assert_msg(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
		      "socketpair: %s", strerror(errno));
}

/** The frames the receive tests send, one after another. */
struct frames {
	size_t n;
	struct bytes f[3];
	struct bytes all; /* all of them, back to back */
};

/** Three frames: add(2, 40), an empty reply, and @p big bytes echoed. */
static void
make_frames(struct frames *fr, size_t big)
{
	struct rpc_value args[] = { RPC_INT_VALUE(2), RPC_INT_VALUE(40) };
	struct rpc_value blob = RPC_BYTES_VALUE(grade_pattern(big, 3),
						(uint32_t)big);
	struct rpc_msg m[] = { request(1, "add", args, 2),
			       answer_msg(2, RPC_REPLY, NULL, 0),
			       request(3, "echo", &blob, 1) };

	fr->n = 3;
	fr->all.len = 0;
	for (size_t i = 0; i < 3; i++) {
		encode(&m[i], &fr->f[i]);
		put_raw(&fr->all, fr->f[i].b, fr->f[i].len);
	}
	free((void *)blob.p);
}

/** Receive @p fr's frames with rpc_recv_frame() and check each, then EOF. */
static void
check_recv_frames(int sock, const struct frames *fr, const char *how,
		  bool faults)
{
	static unsigned char buf[RPC_FRAME_MAX];
	struct rpc_fds fds;
	ssize_t n;

	for (size_t i = 0; i < fr->n; i++) {
		const struct bytes *want = &fr->f[i];
		memset(&fds, 0x5a, sizeof(fds));
		inject_short_io(faults);
		errno = 0;
		n = rpc_recv_frame(sock, buf, sizeof(buf), WAIT_MS, &fds);
		inject_short_io(false);
		GRADE_IMPLEMENTED(n, "rpc_recv_frame", 1);
		ck_assert_msg(n != -1,
			      "rpc_recv_frame() of frame %zu of %zu (%s) failed "
			      "with %s%s",
			      i + 1, fr->n, how, ipc_errno_name(errno),
			      errno == EPROTO
				      ? ": every byte of it had been sent. "
					"Assuming one recv() = one frame is the "
					"classic bug: loop until all the bytes "
					"have come"
			      : errno == EINTR ? ": a signal interrupted a recv() "
						 "before any byte came; try again"
					       : "");
		ck_assert_msg(n == (ssize_t)want->len,
			      "frame %zu of %zu (%s) is %zu bytes; "
			      "rpc_recv_frame() returned %zd: %s",
			      i + 1, fr->n, how, want->len, n,
			      n > (ssize_t)want->len
				      ? "it took bytes of the next frame too. "
					"Assuming one recv() = one frame is "
					"the classic bug: read exactly "
					"RPC_HEADER_LEN bytes, then exactly the "
					"length they announce"
				      : "only part of the frame. Assuming one "
					"recv() = one frame is the classic bug: "
					"loop until all the bytes have come");
		ck_assert_msg(grade_first_mismatch(buf, want->b, want->len) ==
				      want->len,
			      "frame %zu of %zu (%s) arrived with different "
			      "bytes from byte %zu on",
			      i + 1, fr->n, how,
			      grade_first_mismatch(buf, want->b, want->len));
		ck_assert_msg(fds.n == 0,
			      "frame %zu came with no descriptor, but fds->n is "
			      "%u: set it to 0 first",
			      i + 1, fds.n);
	}
	n = rpc_recv_frame(sock, buf, sizeof(buf), WAIT_MS, NULL);
	ck_assert_msg(n == 0,
		      "after the last frame the peer closed its end; "
		      "rpc_recv_frame() returned %zd (%s) instead of 0",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
}

START_TEST(test_recv_frame_whole_frames)
{
	static struct frames fr;
	int sv[2];

	make_frames(&fr, 5000);
	make_pair(sv);
	/* All three in one send: one recv() can return them together. */
	ck_assert(send_all(sv[1], fr.all.b, fr.all.len));
	close(sv[1]);
	check_recv_frames(sv[0], &fr, "three frames sent in one send()", false);
	{
		unsigned char small[RPC_HEADER_LEN - 1];

		errno = 0;
		expect_einval(rpc_recv_frame(sv[0], small, sizeof(small), 100,
					     NULL),
			      "rpc_recv_frame()",
			      "a buffer smaller than the 4-byte header");
	}
	close(sv[0]);
	/* A receive that fails for good, in the header (1st call) or in the
	 * body (2nd): -1 with its errno, never taken for something else. */
	for (unsigned nth = 1; nth <= 2; nth++) {
		static unsigned char buf[RPC_FRAME_MAX];
		static const char *const recvs[] = { "recvmsg", "recv", "read" };
		char when[256] = "";
		ssize_t got;
		int err;

		make_pair(sv);
		ck_assert(send_all(sv[1], fr.all.b, fr.all.len));
		for (size_t r = 0; r < 3; r++)
			grade_fail_nth(recvs[r], nth, ECONNRESET);
		errno = 0;
		got = rpc_recv_frame(sv[0], buf, sizeof(buf), WAIT_MS, NULL);
		err = errno;
		grade_fail_describe(when, sizeof(when));
		grade_fail_clear();
		close(sv[0]);
		close(sv[1]);
		ck_assert_msg(when[0] == '\0' || (got == -1 && err == ECONNRESET),
			      "when %s, rpc_recv_frame() returned %zd (%s); "
			      "expected -1 with ECONNRESET: only EINTR (and "
			      "EAGAIN) are retried, and the errno of a failed "
			      "call is kept (EPROTO is for a peer that stalls or "
			      "leaves inside a frame)",
			      when, got, got == -1 ? ipc_errno_name(err) : "no error");
	}
}
END_TEST

START_TEST(test_recv_frame_short_reads)
{
	static struct frames fr;
	int sv[2];

	make_frames(&fr, 30000);
	make_pair(sv);
	ck_assert(send_all(sv[1], fr.all.b, fr.all.len));
	close(sv[1]);
	check_recv_frames(sv[0], &fr,
			  "with short reads and EINTR: every third recv() or "
			  "recvmsg() fails with EINTR, the others return a few "
			  "bytes",
			  true);
	close(sv[0]);
}
END_TEST

/** What a bytewise peer sends. */
struct dribble {
	int sock, other;
	const struct frames *fr;
};

/** Peer: send every byte with its own send(), then close. */
static int
dribble_helper(void *arg)
{
	struct dribble *d = arg;

	close(d->other);
	return send_bytewise(d->sock, d->fr->all.b, d->fr->all.len) ? 0 : 1;
}

START_TEST(test_recv_frame_byte_by_byte)
{
	static struct frames fr;
	struct dribble d;
	int sv[2];
	pid_t pid;

	make_frames(&fr, 300);
	make_pair(sv);
	d = (struct dribble){ sv[1], sv[0], &fr };
	new_report();
	pid = grade_spawn(dribble_helper, &d);
	close(sv[1]);
	check_recv_frames(sv[0], &fr, "sent one byte per send()", false);
	close(sv[0]);
	join_peer(pid);
}
END_TEST

START_TEST(test_recv_frame_end_of_stream)
{
	static unsigned char buf[RPC_FRAME_MAX];
	static const unsigned char header_and_3[] = { 0, 0, 0, 10, 0, 0, 0 };
	int sv[2];
	ssize_t n;

	make_pair(sv);
	close(sv[1]);
	n = rpc_recv_frame(sv[0], buf, sizeof(buf), WAIT_MS, NULL);
	GRADE_IMPLEMENTED(n, "rpc_recv_frame", 1);
	ck_assert_msg(n == 0,
		      "the peer closed without sending anything; "
		      "rpc_recv_frame() returned %zd (%s), expected 0 (a clean "
		      "end, between two frames)",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	close(sv[0]);

	make_pair(sv);
	ck_assert(send_all(sv[1], header_and_3, 2));
	close(sv[1]);
	errno = 0;
	n = rpc_recv_frame(sv[0], buf, sizeof(buf), WAIT_MS, NULL);
	ck_assert_msg(n == -1 && errno == EPROTO,
		      "the peer sent 2 bytes of a length prefix and closed; "
		      "rpc_recv_frame() returned %zd (%s), expected -1 with "
		      "EPROTO: half a frame is not a clean end",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	close(sv[0]);

	make_pair(sv);
	ck_assert(send_all(sv[1], header_and_3, sizeof(header_and_3)));
	close(sv[1]);
	errno = 0;
	n = rpc_recv_frame(sv[0], buf, sizeof(buf), WAIT_MS, NULL);
	ck_assert_msg(n == -1 && errno == EPROTO,
		      "the peer announced a 10-byte body, sent 3 bytes of it "
		      "and closed; rpc_recv_frame() returned %zd (%s), expected "
		      "-1 with EPROTO: the peer left in the middle of a frame",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	close(sv[0]);
}
END_TEST

/** The peer's ends for the too-long test: three frames announcing too
 *  much, each followed by bytes. */
struct too_long {
	int sock[3];
};

/** Helper: rpc_recv_frame() into buffers that end at an unmapped page. */
static int
too_long_helper(void *arg)
{
	struct too_long *t = arg;
	unsigned char *end = guarded_end(RPC_FRAME_MAX);
	unsigned char rest[200];
	ssize_t n, left;

	if (end == NULL)
		return helper_fail("grader: mmap failed");
	/* 1: 100 bytes announced, a 64-byte buffer. */
	errno = 0;
	n = rpc_recv_frame(t->sock[0], end - 64, 64, WAIT_MS, NULL);
	if (n == -1 && errno == ENOSYS) {
		report->not_implemented = 1;
		return 0;
	}
	if (n != -1 || errno != EMSGSIZE)
		return helper_fail("a frame announcing 100 bytes after its "
				   "prefix, received into a 64-byte buffer: "
				   "rpc_recv_frame() returned %zd (%s), "
				   "expected -1 with EMSGSIZE%s",
				   n, n == -1 ? ipc_errno_name(errno) : "a count",
				   n == -1 && errno == EFAULT
					   ? ". EFAULT: recv() was asked to "
					     "write past the end of your buffer. "
					     "Trusting the length prefix: check "
					     "it against cap before reading the "
					     "body"
					   : "");
	left = recv(t->sock[0], rest, sizeof(rest), MSG_DONTWAIT);
	if (left != 100)
		return helper_fail("after refusing a frame too long for its "
				   "buffer, rpc_recv_frame() had taken %zd of "
				   "the 100 bytes after the prefix: read only "
				   "the prefix, check it, and stop",
				   100 - (left < 0 ? 0 : left));
	/* 2: 0xfffffff0 announced. */
	errno = 0;
	n = rpc_recv_frame(t->sock[1], end - RPC_FRAME_MAX, RPC_FRAME_MAX,
			   WAIT_MS, NULL);
	if (n != -1 || errno != EMSGSIZE)
		return helper_fail("a length prefix of 0xfffffff0 (about 4 GiB): "
				   "rpc_recv_frame() returned %zd (%s), "
				   "expected -1 with EMSGSIZE",
				   n, n == -1 ? ipc_errno_name(errno) : "a count");
	/* 3: exactly as long as the buffer: fine. */
	n = rpc_recv_frame(t->sock[2], end - 64, 64, WAIT_MS, NULL);
	if (n != 64)
		return helper_fail("a frame of exactly 64 bytes, received into "
				   "a 64-byte buffer: rpc_recv_frame() returned "
				   "%zd (%s), expected 64 (the limit includes "
				   "the prefix)",
				   n, n == -1 ? ipc_errno_name(errno) : "a count");
	report->finished = 1;
	return 0;
}

START_TEST(test_recv_frame_too_long)
{
	unsigned char frame[RPC_HEADER_LEN + 100];
	struct too_long t;
	int pairs[3][2], status;
	char how[96];
	bool done;

	for (int i = 0; i < 3; i++) {
		make_pair(pairs[i]);
		t.sock[i] = pairs[i][0];
	}
	memset(frame, 'x', sizeof(frame));
	be32(frame, 100);
	ck_assert(send_all(pairs[0][1], frame, sizeof(frame)));
	be32(frame, 0xfffffff0);
	ck_assert(send_all(pairs[1][1], frame, sizeof(frame)));
	be32(frame, 60);
	ck_assert(send_all(pairs[2][1], frame, 64));
	new_report();
	done = run_bounded(too_long_helper, &t, WAIT_MS * 2, &status);
	if (report->not_implemented) {
		errno = ENOSYS;
		GRADE_IMPLEMENTED(-1, "rpc_recv_frame", 1);
	}
	for (int i = 0; i < 3; i++) {
		close(pairs[i][0]);
		close(pairs[i][1]);
	}
	ck_assert_msg(done,
		      "rpc_recv_frame() of a frame longer than its buffer did "
		      "not return: it waited for a body it must never read. "
		      "Check the length prefix against cap first");
	check_report();
	ck_assert_msg(report->finished,
		      "rpc_recv_frame() crashed (%s) on a frame longer than its "
		      "buffer: it wrote past the end. Trusting the length prefix "
		      "is the classic bug: check it against cap before reading "
		      "the body",
		      ipc_describe_status(status, how, sizeof(how)));
}
END_TEST

/** Helper: receive with a short timeout from a silent and a stalled peer. */
static int
timeout_helper(void *arg)
{
	int *socks = arg;
	static unsigned char buf[RPC_FRAME_MAX];
	uint64_t start = ipc_now_ns();
	ssize_t n;
	long ms;

	errno = 0;
	n = rpc_recv_frame(socks[0], buf, sizeof(buf), SHORT_MS, NULL);
	ms = (long)((ipc_now_ns() - start) / 1000000u);
	if (n == -1 && errno == ENOSYS) {
		report->not_implemented = 1;
		return 0;
	}
	if (n != -1 || errno != ETIMEDOUT)
		return helper_fail("nothing was sent; rpc_recv_frame() with a "
				   "%d ms timeout returned %zd (%s) after %ld ms: "
				   "expected -1 with ETIMEDOUT",
				   SHORT_MS, n,
				   n == -1 ? ipc_errno_name(errno) : "a count",
				   ms);
	if (ms < SHORT_MS * 9 / 10)
		return helper_fail("rpc_recv_frame() with a %d ms timeout gave "
				   "up after %ld ms: wait the whole timeout",
				   SHORT_MS, ms);
	start = ipc_now_ns();
	errno = 0;
	n = rpc_recv_frame(socks[1], buf, sizeof(buf), SHORT_MS, NULL);
	ms = (long)((ipc_now_ns() - start) / 1000000u);
	if (n != -1 || errno != EPROTO)
		return helper_fail("the peer sent half a length prefix and then "
				   "nothing (it stays connected); "
				   "rpc_recv_frame() with a %d ms timeout "
				   "returned %zd (%s) after %ld ms: expected -1 "
				   "with EPROTO (it stalled inside a frame; "
				   "ETIMEDOUT is only for no byte at all)",
				   SHORT_MS, n,
				   n == -1 ? ipc_errno_name(errno) : "a count",
				   ms);
	report->finished = 1;
	return 0;
}

START_TEST(test_recv_frame_timeout)
{
	int silent[2], stalled[2], socks[2], status;
	bool done;

	make_pair(silent);
	make_pair(stalled);
	ck_assert(send_all(stalled[1], "\0\0", 2));
	socks[0] = silent[0];
	socks[1] = stalled[0];
	new_report();
	done = run_bounded(timeout_helper, socks, WAIT_MS, &status);
	if (report->not_implemented) {
		errno = ENOSYS;
		GRADE_IMPLEMENTED(-1, "rpc_recv_frame", 1);
	}
	ck_assert_msg(done,
		      "rpc_recv_frame() with a timeout of %d ms was still "
		      "waiting after %d ms: wait with poll() for the time that "
		      "is left before each recv(), and give up with ETIMEDOUT "
		      "(or EPROTO inside a frame)",
		      SHORT_MS, WAIT_MS);
	check_report();
	ck_assert_msg(report->finished, "the helper calling rpc_recv_frame() "
					"died");
	close(silent[0]);
	close(silent[1]);
	close(stalled[0]);
	close(stalled[1]);
}
END_TEST

/* ------------------------------------------------------ sending frames */

START_TEST(test_send_frame_whole)
{
	static struct bytes want, got;
	struct rpc_value blob;
	struct rpc_msg m;
	unsigned nfds = 99;
	int sv[2], kind;
	ssize_t n;

	blob = RPC_BYTES_VALUE(grade_pattern(40000, 4), 40000);
	m = request(5, "echo", &blob, 1);
	encode(&m, &want);
	free((void *)blob.p);
	make_pair(sv);
	inject_short_io(true);
	errno = 0;
	n = rpc_send_frame(sv[0], want.b, want.len, NULL);
	inject_short_io(false);
	GRADE_IMPLEMENTED(n, "rpc_send_frame", 1);
	ck_assert_msg(n == (ssize_t)want.len,
		      "rpc_send_frame() of a %zu-byte frame, with short writes "
		      "and EINTR (every third send() or sendmsg() fails with "
		      "EINTR, the others take a few bytes), returned %zd (%s): "
		      "loop until every byte is sent",
		      want.len, n, n == -1 ? ipc_errno_name(errno) : "a count");
	kind = recv_frame(sv[1], &got, WAIT_MS, NULL, &nfds);
	ck_assert_msg(kind == GOT_FRAME && got.len == want.len &&
			      memcmp(got.b, want.b, want.len) == 0,
		      "the peer did not receive the frame that was sent (%s): "
		      "after a short send, send the rest, not the whole buffer "
		      "again",
		      kind == GOT_FRAME ? "different bytes" : "nothing whole");
	ck_assert_msg(nfds == 0, "rpc_send_frame() with fds NULL sent %u "
				 "descriptor(s)",
		      nfds);
	errno = 0;
	expect_einval(rpc_send_frame(sv[0], NULL, 10, NULL), "rpc_send_frame()",
		      "a NULL frame");
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/** Helper: rpc_send_frame() to a closed peer, SIGPIPE at its default. */
static int
send_to_closed_helper(void *arg)
{
	static struct bytes f;
	struct rpc_msg m = request(1, "add", NULL, 0);
	int *sock = arg;

	default_sigpipe();
	encode(&m, &f);
	errno = 0;
	report->ret = rpc_send_frame(*sock, f.b, f.len, NULL);
	report->err = errno;
	report->finished = 1;
	return 0;
}

START_TEST(test_send_frame_no_sigpipe)
{
	int sv[2], status;
	bool done;

	make_pair(sv);
	close(sv[1]); /* the peer is gone */
	new_report();
	done = run_bounded(send_to_closed_helper, &sv[0], WAIT_MS, &status);
	ck_assert_msg(done, "rpc_send_frame() to a closed peer did not return");
	check_no_sigpipe_death(status, "rpc_send_frame");
	errno = report->err;
	GRADE_IMPLEMENTED(report->ret, "rpc_send_frame", 1);
	ck_assert_msg(report->ret == -1 &&
			      (report->err == EPIPE || report->err == ECONNRESET),
		      "rpc_send_frame() to a peer that closed returned %ld (%s): "
		      "expected -1 with EPIPE",
		      report->ret, ipc_errno_name(report->err));
	close(sv[0]);
}
END_TEST

START_TEST(test_demo_frame_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "frame", "add", "2", "40", NULL }, NULL, 0);
	grade_compare_with_reference((const char *[]){ "frame", "greet",
						       "hello, world", "-7",
						       NULL },
				     NULL, 0);
}
END_TEST

START_TEST(test_demo_fuzz_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "fuzz", "20000", "7", NULL }, NULL, 0);
}
END_TEST

/* ========================================= step 2: dispatch and a server */

/** rpc_dispatch() @p req from @p who; the reply. */
static struct rpc_msg
dispatch(struct rpc_server *srv, const struct rpc_caller *who,
	 const struct rpc_msg *req)
{
	struct rpc_msg reply;
	int rc;

	memset(&reply, 0x5a, sizeof(reply));
	errno = 0;
	rc = rpc_dispatch(srv, who, req, &reply);
	GRADE_IMPLEMENTED(rc, "rpc_dispatch", 2);
	ck_assert_msg(rc == 0,
		      "rpc_dispatch() of %s returned %d (%s): it returns 0 for "
		      "every request (a failed call is answered with an "
		      "RPC_ERROR in the reply)",
		      req->method, rc, ipc_errno_name(errno));
	return reply;
}

START_TEST(test_dispatch_calls_the_method)
{
	struct rpc_value two[] = { RPC_INT_VALUE(2), RPC_INT_VALUE(40) };
	struct rpc_value two_kinds[] = { RPC_STR_VALUE("hello"),
					 RPC_BYTES_VALUE("\0\1\2", 3) };
	struct rpc_server *srv = test_server();
	struct rpc_caller who = me();
	struct rpc_msg req, reply;
	char a[96];

	new_report();
	req = request(77, "add", two, 2);
	reply = dispatch(srv, &who, &req);
	ck_assert_msg(reply.method[0] == '\0',
		      "the reply carries a method name (\"%.*s\"): only "
		      "requests do; start the reply with method \"\"",
		      RPC_METHOD_MAX, reply.method);
	expect_int_reply(&reply, 77, 42, "add(2, 40) with id 77");
	check_report();
	req = request(78, "echo", two_kinds, 2);
	reply = dispatch(srv, &who, &req);
	ck_assert_msg(reply.id == 78 && reply.kind == RPC_REPLY &&
			      reply.argc == 2 &&
			      same_value(&reply.argv[0], &two_kinds[0]) &&
			      same_value(&reply.argv[1], &two_kinds[1]),
		      "echo(\"hello\", 3 bytes) with id 78 came back as id %lu, "
		      "kind %d, %u value(s), the first %s: dispatch runs the "
		      "handler registered under the request's method, with a "
		      "reply that starts empty",
		      (unsigned long)reply.id, (int)reply.kind, reply.argc,
		      reply.argc ? describe(&reply.argv[0], a, sizeof(a))
				 : "none");
	rpc_server_free(srv);
}
END_TEST

START_TEST(test_dispatch_unknown_method)
{
	struct rpc_value one = RPC_INT_VALUE(3);
	struct rpc_server *srv = test_server();
	struct rpc_caller who = me();
	struct rpc_msg req = request(31, "mul", &one, 1);
	struct rpc_msg reply = dispatch(srv, &who, &req);

	new_report();
	expect_error(&reply, 31, RPC_ERR_NO_METHOD, "mul(3), a method nobody "
						    "registered",
		     "an unknown method is answered with RPC_ERR_NO_METHOD");
	check_report();
	rpc_server_free(srv);
}
END_TEST

START_TEST(test_dispatch_handler_error)
{
	struct rpc_value word = RPC_STR_VALUE("two");
	struct rpc_server *srv = test_server();
	struct rpc_caller who = me();
	struct rpc_msg req = request(32, "fail", NULL, 0);
	struct rpc_msg reply = dispatch(srv, &who, &req);

	new_report();
	expect_error(&reply, 32, EDOM, "fail(), whose handler fails with EDOM",
		     "a handler that returns -1 is answered with an RPC_ERROR "
		     "whose code is its errno (and whose values replace "
		     "whatever the handler had put in the reply)");
	check_report();
	req = request(33, "add", &word, 1);
	reply = dispatch(srv, &who, &req);
	expect_error(&reply, 33, EINVAL, "add(\"two\"), which add refuses",
		     "the handler failed with EINVAL");
	check_report();
	rpc_server_free(srv);
}
END_TEST

START_TEST(test_dispatch_not_a_request)
{
	struct rpc_value v = RPC_INT_VALUE(1);
	struct rpc_server *srv = test_server();
	struct rpc_caller who = me();
	struct rpc_msg req = answer_msg(34, RPC_REPLY, &v, 1);
	struct rpc_msg reply;

	reply = dispatch(srv, &who, &req);
	new_report();
	expect_error(&reply, 34, RPC_ERR_INVALID,
		     "a frame of kind RPC_REPLY sent to the server",
		     "only requests are dispatched: anything else is "
		     "RPC_ERR_INVALID");
	check_report();
	errno = 0;
	expect_einval(rpc_dispatch(srv, &who, NULL, &reply), "rpc_dispatch()",
		      "a NULL request");
	rpc_server_free(srv);
}
END_TEST

/** A handler that answers with the number it was registered with. */
static int
h_number(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
	 struct rpc_msg *reply)
{
	(void)caller;
	(void)req;
	reply->argv[0] = RPC_INT_VALUE((intptr_t)arg);
	reply->argc = 1;
	return 0;
}

START_TEST(test_register_methods)
{
	struct rpc_server *srv = rpc_server_new();
	struct rpc_caller who = me();
	char name[RPC_METHOD_MAX + 2];
	struct rpc_msg req, reply;
	int rc;

	GRADE_IMPLEMENTED(srv == NULL ? -1 : 0, "rpc_server_new", 2);
	ck_assert_msg(srv != NULL, "rpc_server_new() failed: %s",
		      ipc_errno_name(errno));
	{
		/* Out of memory: NULL with ENOMEM, nothing touched. */
		struct rpc_server *none;
		char when[256] = "";
		int err;

		grade_fail_nth("calloc", 1, ENOMEM);
		grade_fail_nth("malloc", 1, ENOMEM);
		errno = 0;
		none = rpc_server_new();
		err = errno;
		grade_fail_describe(when, sizeof(when));
		grade_fail_clear();
		if (none != NULL && when[0] == '\0')
			rpc_server_free(none);
		ck_assert_msg(when[0] == '\0' || (none == NULL && err == ENOMEM),
			      "when %s, rpc_server_new() returned %s (%s); "
			      "expected NULL with ENOMEM: check what the "
			      "allocation returned before using it",
			      when, none == NULL ? "NULL" : "a server",
			      ipc_errno_name(err));
	}
	for (int i = 0; i < RPC_METHODS_MAX; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		rc = rpc_server_register(srv, name, h_number, (void *)(intptr_t)i);
		GRADE_IMPLEMENTED(rc, "rpc_server_register", 2);
		ck_assert_msg(rc == 0, "registering method %d of %d (\"%s\") "
				       "failed with %s",
			      i + 1, RPC_METHODS_MAX, name,
			      ipc_errno_name(errno));
	}
	errno = 0;
	rc = rpc_server_register(srv, "one-too-many", h_number, NULL);
	ck_assert_msg(rc == -1 && errno == ENOSPC,
		      "registering method %d returned %d (%s): expected -1 with "
		      "ENOSPC (RPC_METHODS_MAX is %d)",
		      RPC_METHODS_MAX + 1, rc, ipc_errno_name(errno),
		      RPC_METHODS_MAX);
	errno = 0;
	rc = rpc_server_register(srv, "m7", h_number, NULL);
	ck_assert_msg(rc == -1 && errno == EEXIST,
		      "registering \"m7\" twice returned %d (%s): expected -1 "
		      "with EEXIST",
		      rc, ipc_errno_name(errno));
	for (int i = 0; i < RPC_METHODS_MAX; i += 7) {
		snprintf(name, sizeof(name), "m%d", i);
		req = request(1, name, NULL, 0);
		reply = dispatch(srv, &who, &req);
		ck_assert_msg(reply.kind == RPC_REPLY && reply.argc == 1 &&
				      reply.argv[0].i == i,
			      "calling \"%s\" did not run the handler "
			      "registered under that name (with its own arg)",
			      name);
	}
	rpc_server_free(srv);
	srv = rpc_server_new();
	ck_assert(srv != NULL);
	memset(name, 'n', sizeof(name));
	name[RPC_METHOD_MAX + 1] = '\0'; /* 33 bytes */
	const char *bad[] = { "", name, NULL };
	for (int i = 0; i < 3; i++) {
		errno = 0;
		rc = rpc_server_register(srv, bad[i], h_number, NULL);
		ck_assert_msg(rc == -1 && errno == EINVAL,
			      "rpc_server_register() with the name %s returned "
			      "%d (%s): expected -1 with EINVAL",
			      i == 0 ? "\"\"" : i == 1 ? "of 33 bytes" : "NULL",
			      rc, ipc_errno_name(errno));
	}
	errno = 0;
	rc = rpc_server_register(srv, "ok", NULL, NULL);
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "rpc_server_register() with a NULL handler returned %d "
		      "(%s): expected -1 with EINVAL",
		      rc, ipc_errno_name(errno));
	rpc_server_free(srv);
	rpc_server_free(NULL);
}
END_TEST

START_TEST(test_listen_makes_a_socket)
{
	const char *path = grade_path("listen.sock");
	char too_long[300];
	struct stat st;
	int fd, c, rc;

	fd = rpc_listen(path);
	GRADE_IMPLEMENTED(fd, "rpc_listen", 2);
	ck_assert_msg(fd >= 0, "rpc_listen(%s) failed with %s", path,
		      ipc_errno_name(errno));
	ck_assert_msg(stat(path, &st) == 0 && S_ISSOCK(st.st_mode),
		      "after rpc_listen() there is no socket file at the path: "
		      "bind() the socket to it");
	c = connect_to(path);
	ck_assert_msg(c != -1, "connect() to the socket rpc_listen() made "
			       "failed with %s: did you call listen()?",
		      ipc_errno_name(errno));
	close(c);
	errno = 0;
	rc = rpc_listen(path);
	ck_assert_msg(rc == -1 && errno == EADDRINUSE,
		      "a second rpc_listen() at the same path returned %d (%s): "
		      "expected -1 with EADDRINUSE",
		      rc, ipc_errno_name(errno));
	close(fd);
	unlink(path);
	memset(too_long, 'x', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	errno = 0;
	rc = rpc_listen(too_long);
	ck_assert_msg(rc == -1 && errno == ENAMETOOLONG,
		      "rpc_listen() of a 299-byte path returned %d (%s): "
		      "expected -1 with ENAMETOOLONG (sun_path holds 108 bytes; "
		      "never cut a path short)",
		      rc, ipc_errno_name(errno));
	errno = 0;
	rc = rpc_listen("");
	if (rc >= 0)
		close(rc);
	ck_assert_msg(rc == -1 && errno != 0,
		      "rpc_listen(\"\") returned %d (%s): expected -1 with errno "
		      "set; an empty path names no file (an address of zeros "
		      "would even bind, in the abstract namespace)",
		      rc, rc == -1 ? "errno 0" : "a socket");
}
END_TEST

/* ----------------------------------------------- serving one connection */

/** A client of the step 2 and 5 tests: a script run in a helper. */
struct client_job {
	const char *path;
	bool (*script)(int fd);
};

/** Helper: connect, run the script, hang up. */
static int
client_helper(void *arg)
{
	struct client_job *job = arg;
	int fd = connect_to(job->path);

	signal(SIGPIPE, SIG_IGN);
	if (fd == -1)
		return helper_fail("the grader's client could not connect: %s",
				   ipc_errno_name(errno));
	if (job->script(fd))
		report->finished = 1;
	close(fd);
	return 0;
}

/**
 * Serve one client that runs @p script with the student's
 * rpc_serve_conn(). With @p client_first the client sends everything and
 * hangs up before the server starts. Returns what rpc_serve_conn()
 * returned.
 */
static long
serve_one_client(struct rpc_server *srv, bool (*script)(int), bool client_first,
		 bool faults)
{
	struct client_job job = { grade_path("srv.sock"), script };
	int lfd = listen_at(job.path), conn;
	long served;
	pid_t pid;

	new_report();
	pid = grade_spawn(client_helper, &job);
	conn = accept_within(lfd, WAIT_MS);
	ck_assert_msg(conn != -1, "the test's client did not connect");
	if (client_first)
		join_peer(pid);
	remember_open_fds();
	inject_short_io(faults);
	errno = 0;
	served = rpc_serve_conn(srv, conn);
	inject_short_io(false);
	GRADE_IMPLEMENTED(served, "rpc_serve_conn", 2);
	check_no_new_fd();
	close(conn);
	close(lfd);
	unlink(job.path);
	if (!client_first)
		join_peer(pid);
	check_report();
	return served;
}

/** Client: three good calls. */
static bool
basic_calls(int fd)
{
	static struct bytes f;
	struct rpc_value two[] = { RPC_INT_VALUE(2), RPC_INT_VALUE(40) };
	struct rpc_value nine = RPC_INT_VALUE(-9);
	struct rpc_value blob[] = { RPC_BYTES_VALUE(grade_pattern(1000, 5), 1000),
				    RPC_STR_VALUE("x") };
	struct rpc_msg m;

	if (!send_request(fd, 1, "add", two, 2) ||
	    !recv_answer(fd, &f, &m, "add(2, 40)") ||
	    !expect_int_reply(&m, 1, 42, "add(2, 40)"))
		return false;
	if (!send_request(fd, 2, "echo", blob, 2) ||
	    !recv_answer(fd, &f, &m, "echo(1000 bytes, \"x\")"))
		return false;
	if (m.id != 2 || m.kind != RPC_REPLY || m.argc != 2 ||
	    !same_value(&m.argv[0], &blob[0]) || !same_value(&m.argv[1], &blob[1]))
		return helper_fail("echo(1000 bytes, \"x\") with id 2 did not "
				   "come back as the same two values with id 2");
	if (!send_request(fd, 3, "square", &nine, 1) ||
	    !recv_answer(fd, &f, &m, "square(-9)") ||
	    !expect_int_reply(&m, 3, 81, "square(-9)"))
		return false;
	free((void *)blob[0].p);
	return true;
}

START_TEST(test_serve_conn_answers_calls)
{
	struct rpc_server *srv = test_server();
	long served = serve_one_client(srv, basic_calls, false, false);

	ck_assert_msg(served == 3,
		      "the client made 3 calls and hung up; rpc_serve_conn() "
		      "returned %ld (%s): return the number of requests "
		      "answered once recv() says the client closed",
		      served, served == -1 ? ipc_errno_name(errno) : "a count");
	rpc_server_free(srv);
}
END_TEST

/** Client: calls that fail in every way, then one that works. */
static bool
bad_calls(int fd)
{
	static const unsigned char garbage[] = { 0, 0, 0, 5, 0, 0, 0, 12, 7 };
	static struct bytes f;
	struct rpc_value one = RPC_INT_VALUE(1), word = RPC_STR_VALUE("two");
	struct rpc_value two[] = { RPC_INT_VALUE(20), RPC_INT_VALUE(22) };
	struct rpc_msg m, stray = answer_msg(12, RPC_REPLY, &one, 1);

	if (!send_request(fd, 10, "mul", &one, 1) ||
	    !recv_answer(fd, &f, &m, "mul(1), an unknown method") ||
	    !expect_error(&m, 10, RPC_ERR_NO_METHOD, "mul(1)",
			  "an unknown method is answered with "
			  "RPC_ERR_NO_METHOD, and the connection stays open"))
		return false;
	if (!send_request(fd, 11, "fail", NULL, 0) ||
	    !recv_answer(fd, &f, &m, "fail(), whose handler fails") ||
	    !expect_error(&m, 11, EDOM, "fail()", "the handler's errno"))
		return false;
	if (!send_all(fd, garbage, sizeof(garbage)) ||
	    !recv_answer(fd, &f, &m, "a frame whose body does not decode") ||
	    !expect_error(&m, 0, RPC_ERR_PARSE, "a frame that does not decode",
			  "answer it with RPC_ERR_PARSE, id 0, and go on"))
		return false;
	encode(&stray, &f);
	if (!send_all(fd, f.b, f.len) ||
	    !recv_answer(fd, &f, &m, "a reply sent to the server") ||
	    !expect_error(&m, 12, RPC_ERR_INVALID, "a reply sent to the server",
			  "only requests are dispatched"))
		return false;
	if (!send_request(fd, 13, "add", &word, 1) ||
	    !recv_answer(fd, &f, &m, "add(\"two\")") ||
	    !expect_error(&m, 13, EINVAL, "add(\"two\")", "the handler's errno"))
		return false;
	return send_request(fd, 14, "add", two, 2) &&
	       recv_answer(fd, &f, &m, "add(20, 22), after five failed calls") &&
	       expect_int_reply(&m, 14, 42, "add(20, 22)");
}

START_TEST(test_serve_conn_survives_bad_calls)
{
	struct rpc_server *srv = test_server();
	long served = serve_one_client(srv, bad_calls, false, false);

	ck_assert_msg(served == 6,
		      "the client sent 6 requests, all answered; "
		      "rpc_serve_conn() returned %ld",
		      served);
	rpc_server_free(srv);
}
END_TEST

/** The ids of the pipelined requests: not in order, not from 1. */
static const uint32_t pipeline_ids[] = { 7, 1000, 3, 0xffffffff, 1, 65536 };
#define N_PIPELINED (sizeof(pipeline_ids) / sizeof(pipeline_ids[0]))

/** Client: six requests in one send(), then six answers, in order. */
static bool
pipelined_calls(int fd)
{
	static struct bytes all, f;
	struct rpc_msg m;
	char what[64];

	all.len = 0;
	for (size_t i = 0; i < N_PIPELINED; i++) {
		struct rpc_value x = RPC_INT_VALUE((int64_t)i + 2);
		struct rpc_msg req = request(pipeline_ids[i], "square", &x, 1);
		encode(&req, &f);
		put_raw(&all, f.b, f.len);
	}
	if (!send_all(fd, all.b, all.len))
		return helper_fail("the client could not send its requests");
	for (size_t i = 0; i < N_PIPELINED; i++) {
		snprintf(what, sizeof(what), "square(%zu) with id %lu", i + 2,
			 (unsigned long)pipeline_ids[i]);
		if (!recv_answer(fd, &f, &m, what))
			return false;
		if (m.id != pipeline_ids[i])
			return helper_fail(
				"the client sent %zu requests at once (ids 7, "
				"1000, 3, 4294967295, 1, 65536); answer %zu "
				"carries id %lu, expected %lu. Answering by "
				"position instead of by id: copy each request's "
				"id into its reply (a client matches answers to "
				"calls by id)",
				N_PIPELINED, i + 1, (unsigned long)m.id,
				(unsigned long)pipeline_ids[i]);
		if (!expect_int_reply(&m, pipeline_ids[i],
				      (int64_t)(i + 2) * (int64_t)(i + 2), what))
			return false;
	}
	return true;
}

START_TEST(test_serve_conn_pipelined_by_id)
{
	struct rpc_server *srv = test_server();
	long served = serve_one_client(srv, pipelined_calls, false, false);

	ck_assert_msg(served == (long)N_PIPELINED,
		      "%zu requests were answered; rpc_serve_conn() returned "
		      "%ld",
		      N_PIPELINED, served);
	rpc_server_free(srv);
}
END_TEST

START_TEST(test_serve_conn_short_io)
{
	struct rpc_server *srv = test_server();
	long served = serve_one_client(srv, basic_calls, false, true);

	ck_assert_msg(served == 3,
		      "with short reads, short writes and EINTR the client's 3 "
		      "calls were not all answered (rpc_serve_conn() returned "
		      "%ld): one recv() is not one frame, one send() may not "
		      "send it all",
		      served);
	served = serve_one_client(srv, pipelined_calls, false, true);
	ck_assert_msg(served == (long)N_PIPELINED,
		      "with short reads and EINTR, %zu pipelined requests: "
		      "rpc_serve_conn() returned %ld",
		      N_PIPELINED, served);
	rpc_server_free(srv);
}
END_TEST

/** Client: three requests in one send(), then hang up without reading. */
static bool
hang_up_calls(int fd)
{
	static struct bytes all, f;
	struct rpc_value two[] = { RPC_INT_VALUE(1), RPC_INT_VALUE(2) };

	all.len = 0;
	for (uint32_t id = 1; id <= 3; id++) {
		struct rpc_msg req = request(id, "add", two, 2);
		encode(&req, &f);
		put_raw(&all, f.b, f.len);
	}
	return send_all(fd, all.b, all.len);
}

START_TEST(test_serve_conn_client_hangs_up)
{
	struct rpc_server *srv = test_server();
	long served;

	catch_sigpipe(); /* a handler, not SIG_DFL: the test lives to tell */
	served = serve_one_client(srv, hang_up_calls, true, false);
	ck_assert_msg(sigpipes == 0,
		      "SIGPIPE: the client sent three requests and hung up "
		      "without reading the answers, and your server's send() "
		      "raised SIGPIPE, whose default action kills the whole "
		      "server. Pass MSG_NOSIGNAL: the send then fails with EPIPE "
		      "and you end just that connection");
	ck_assert_msg(served >= 0 && served <= 3,
		      "rpc_serve_conn() returned %ld (%s) for a client that "
		      "hung up: a client leaving is not a server error, return "
		      "how many requests were answered",
		      served, served == -1 ? ipc_errno_name(errno) : "a count");
	{
		/* What a connection allocates, it frees: twice, the second
		 * time measured. */
		size_t before = 0, kept;

		for (int round = 0; round < 2; round++) {
			int sv[2];

			ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM |
								   SOCK_CLOEXEC,
						    0, sv),
					 0);
			close(sv[1]); /* the client is gone at once */
			if (round == 1)
				before = grade_heap_in_use();
			served = rpc_serve_conn(srv, sv[0]);
			kept = grade_heap_in_use() > before
				       ? grade_heap_in_use() - before
				       : 0;
			close(sv[0]);
		}
		ck_assert_msg(kept < 4096,
			      "rpc_serve_conn() of a client that left at once "
			      "kept %zu bytes of heap: free its buffers when "
			      "the connection ends",
			      kept);
	}
	rpc_server_free(srv);
}
END_TEST

/** Client: a frame announcing 1 MiB; the server must hang up. */
static bool
too_large_call(int fd)
{
	static struct bytes f;
	unsigned char frame[RPC_HEADER_LEN + 100];
	int got;

	memset(frame, 'x', sizeof(frame));
	be32(frame, 1u << 20);
	if (!send_all(fd, frame, sizeof(frame)))
		return helper_fail("the client could not send");
	/* An error frame first is fine; then the connection must end. */
	while ((got = recv_frame(fd, &f, WAIT_MS, NULL, NULL)) == GOT_FRAME)
		;
	if (got == GOT_NOTHING)
		return helper_fail("the client announced a 1 MiB frame (more "
				   "than RPC_FRAME_MAX) and the server kept the "
				   "connection open for %d ms: the stream is out "
				   "of step (no way to find the next frame), "
				   "hang up",
				   WAIT_MS);
	return true;
}

START_TEST(test_serve_conn_frame_too_large)
{
	struct rpc_server *srv = test_server();
	long served = serve_one_client(srv, too_large_call, false, false);

	ck_assert_msg(served == 0,
		      "the client's only frame was too large; rpc_serve_conn() "
		      "returned %ld (%s), expected 0 requests answered",
		      served, served == -1 ? ipc_errno_name(errno) : "a count");
	rpc_server_free(srv);
}
END_TEST

/* ================================================== step 3: the client */

/** A client around the connected socket @p fd (what rpc_connect() does). */
static struct rpc_conn *
wrap_conn(int fd, int timeout_ms)
{
	struct rpc_conn *conn = calloc(1, sizeof(*conn));

	ck_assert_msg(conn != NULL, "out of memory");
	conn->fd = fd;
	conn->timeout_ms = timeout_ms;
	conn->next_id = 1;
	return conn;
}

/** A scripted server for the client tests, on one end of a pair. */
struct fake {
	int sock;  /**< the server's end */
	int other; /**< the client's end: closed in the server */
	int lfd;   /**< or: accept the client here (sock -1) */
	bool (*script)(int sock);
};

/** Helper: run a fake server's script, then wait for the client to go. */
static int
fake_server(void *arg)
{
	struct fake *f = arg;
	static struct bytes junk;
	int sock = f->sock;

	signal(SIGPIPE, SIG_IGN);
	if (f->other != -1)
		close(f->other);
	if (sock == -1 && (sock = accept_within(f->lfd, WAIT_MS)) == -1)
		return helper_fail("the client did not connect to the test's "
				   "server within %d ms",
				   WAIT_MS);
	if (!f->script(sock))
		return 0;
	report->server_done = 1;
	/* Stay until the client hangs up (the test ends us otherwise). */
	while (recv_frame(sock, &junk, 60000, NULL, NULL) == GOT_FRAME)
		;
	return 0;
}

/** Start a fake server on a new pair; the test gets a client around the
 *  other end. */
static struct rpc_conn *
start_fake(bool (*script)(int), int timeout_ms, pid_t *pid)
{
	struct fake f;
	int sv[2];

	make_pair(sv);
	f = (struct fake){ sv[1], sv[0], -1, script };
	new_report();
	*pid = grade_spawn(fake_server, &f);
	close(sv[1]);
	return wrap_conn(sv[0], timeout_ms);
}

/** In a fake server: receive one request within WAIT_MS (values point
 *  into @p f; descriptors, if wanted, into @p fds). */
static bool
take_request(int sock, struct bytes *f, struct rpc_msg *m, int *fds,
	     unsigned *nfds, const char *what)
{
	char why[160];
	int got = recv_frame(sock, f, WAIT_MS, fds, nfds);

	if (got == GOT_NOTHING)
		return helper_fail("the test's server waited %d ms for %s and "
				   "nothing came",
				   WAIT_MS, what);
	if (got != GOT_FRAME)
		return helper_fail("the test's server waited for %s; the "
				   "client %s",
				   what,
				   got == GOT_EOF ? "hung up"
						  : "sent a broken frame");
	if (!decode(f->b, f->len, m, why, sizeof(why)))
		return helper_fail("%s arrived as a malformed frame: %s", what,
				   why);
	if (m->kind != RPC_REQUEST)
		return helper_fail("%s arrived with kind %d, not RPC_REQUEST",
				   what, (int)m->kind);
	if (m->id == 0)
		return helper_fail("%s has id 0: ids start at 1 (0 is for "
				   "answers to frames the server could not read)",
				   what);
	return true;
}

/** In a fake server: send an answer with values @p vals. */
static bool
answer(int sock, uint32_t id, enum rpc_kind kind, const struct rpc_value *vals,
       unsigned n)
{
	static struct bytes f;
	struct rpc_msg m = answer_msg(id, kind, vals, n);

	encode(&m, &f);
	return send_all(sock, f.b, f.len) ||
	       helper_fail("the test's server could not answer: %s",
			   ipc_errno_name(errno));
}

/** In a fake server: answer with one integer. */
static bool
answer_int(int sock, uint32_t id, int64_t v)
{
	struct rpc_value val = RPC_INT_VALUE(v);

	return answer(sock, id, RPC_REPLY, &val, 1);
}

/** Fail unless rpc_call() returned 0 with the one integer @p want. */
static void
check_call(int rc, const struct rpc_msg *result, int64_t want, const char *what)
{
	char v[96];

	if (rc != 0)
		check_report(); /* the test's server may know why */
	ck_assert_msg(rc == 0, "rpc_call(%s) failed with %s", what,
		      ipc_errno_name(errno));
	ck_assert_msg(result->kind == RPC_REPLY && result->argc == 1 &&
			      result->argv[0].type == RPC_INT &&
			      result->argv[0].i == want,
		      "rpc_call(%s) gave kind %d with %u value(s), the first "
		      "%s; the server answered the integer %lld",
		      what, (int)result->kind, result->argc,
		      result->argc ? describe(&result->argv[0], v, sizeof(v))
				   : "none",
		      (long long)want);
}

/** Server: add(2, 40) then add(1, 1), checking what the client sent. */
static bool
two_adds(int sock)
{
	static struct bytes f;
	struct rpc_msg m;
	uint32_t first;

	if (!take_request(sock, &f, &m, NULL, NULL, "the request add(2, 40)"))
		return false;
	if (strcmp(m.method, "add") != 0 || m.argc != 2 ||
	    m.argv[0].type != RPC_INT || m.argv[0].i != 2 ||
	    m.argv[1].type != RPC_INT || m.argv[1].i != 40)
		return helper_fail("rpc_call(conn, \"add\", {2, 40}, 2, ...) "
				   "sent method \"%s\" with %u value(s): encode "
				   "the method and the arguments as given",
				   m.method, m.argc);
	first = m.id;
	if (!answer_int(sock, m.id, 42) ||
	    !take_request(sock, &f, &m, NULL, NULL, "the request add(1, 1)"))
		return false;
	if (m.id == first)
		return helper_fail("two calls both used id %lu: every request "
				   "gets the next id (conn->next_id)",
				   (unsigned long)first);
	return answer_int(sock, m.id, 2);
}

START_TEST(test_connect_and_call)
{
	struct rpc_value a[] = { RPC_INT_VALUE(2), RPC_INT_VALUE(40) };
	struct rpc_value b[] = { RPC_INT_VALUE(1), RPC_INT_VALUE(1) };
	const char *path = grade_path("fake.sock");
	struct rpc_conn *conn = calloc(1, sizeof(*conn));
	struct rpc_msg result;
	char too_long[300];
	struct fake f;
	int rc;
	pid_t pid;

	ck_assert(conn != NULL);
	f = (struct fake){ -1, -1, listen_at(path), two_adds };
	new_report();
	pid = grade_spawn(fake_server, &f);
	close(f.lfd);
	rc = rpc_connect(conn, path, WAIT_MS);
	GRADE_IMPLEMENTED(rc, "rpc_connect", 3);
	ck_assert_msg(rc == 0, "rpc_connect(%s) failed with %s", path,
		      ipc_errno_name(errno));
	ck_assert_msg(conn->timeout_ms == WAIT_MS && conn->next_id != 0,
		      "after rpc_connect(conn, path, %d): conn->timeout_ms is "
		      "%d and conn->next_id %lu (ids start at 1)",
		      WAIT_MS, conn->timeout_ms, (unsigned long)conn->next_id);
	rc = rpc_call(conn, "add", a, 2, &result);
	GRADE_IMPLEMENTED(rc, "rpc_call", 3);
	check_call(rc, &result, 42, "add(2, 40)");
	rc = rpc_call(conn, "add", b, 2, &result);
	check_call(rc, &result, 2, "add(1, 1)");
	rc = rpc_close(conn);
	GRADE_IMPLEMENTED(rc, "rpc_close", 3);
	ck_assert_msg(rc == 0 && conn->fd == -1,
		      "rpc_close() returned %d and left conn->fd %d: close the "
		      "socket and set fd to -1",
		      rc, conn->fd);
	join_peer(pid);
	check_report();
	errno = 0;
	rc = rpc_connect(conn, grade_path("nobody.sock"), WAIT_MS);
	ck_assert_msg(rc == -1 && errno == ENOENT,
		      "rpc_connect() to a path where nothing is returned %d "
		      "(%s): expected -1 with ENOENT",
		      rc, ipc_errno_name(errno));
	memset(too_long, 'x', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	errno = 0;
	rc = rpc_connect(conn, too_long, WAIT_MS);
	ck_assert_msg(rc == -1 && errno == ENAMETOOLONG,
		      "rpc_connect() to a 299-byte path returned %d (%s): "
		      "expected -1 with ENAMETOOLONG",
		      rc, ipc_errno_name(errno));
	errno = 0;
	expect_einval(rpc_connect(NULL, path, WAIT_MS), "rpc_connect()",
		      "a NULL conn");
	errno = 0;
	expect_einval(rpc_call(NULL, "add", a, 2, &result), "rpc_call()",
		      "a NULL conn");
	errno = 0;
	expect_einval(rpc_call(conn, NULL, NULL, 0, &result), "rpc_call()",
		      "a NULL method");
	{
		struct rpc_value many[RPC_VALUES_MAX + 1];

		for (int i = 0; i <= RPC_VALUES_MAX; i++)
			many[i] = RPC_INT_VALUE(i);
		errno = 0;
		expect_einval(rpc_call(conn, "add", many, RPC_VALUES_MAX + 1,
				       &result),
			      "rpc_call()", "more than RPC_VALUES_MAX arguments");
	}
	free(conn);
}
END_TEST

/** Server: answer the first call with an error, the second with 7. */
static bool
error_then_seven(int sock)
{
	struct rpc_value err[] = { RPC_INT_VALUE(EDOM),
				   RPC_STR_VALUE("division by zero") };
	static struct bytes f;
	struct rpc_msg m;

	return take_request(sock, &f, &m, NULL, NULL, "the request div(1, 0)") &&
	       answer(sock, m.id, RPC_ERROR, err, 2) &&
	       take_request(sock, &f, &m, NULL, NULL, "the next request") &&
	       answer_int(sock, m.id, 7);
}

START_TEST(test_call_remote_error)
{
	struct rpc_value a[] = { RPC_INT_VALUE(1), RPC_INT_VALUE(0) };
	struct rpc_msg result;
	pid_t pid;
	struct rpc_conn *conn = start_fake(error_then_seven, WAIT_MS, &pid);
	int rc;

	memset(&result, 0, sizeof(result));
	errno = 0;
	rc = rpc_call(conn, "div", a, 2, &result);
	GRADE_IMPLEMENTED(rc, "rpc_call", 3);
	ck_assert_msg(rc == -1 && errno == EREMOTEIO,
		      "the server answered div(1, 0) with an RPC_ERROR; "
		      "rpc_call() returned %d (%s): expected -1 with EREMOTEIO "
		      "(the call happened and failed over there)",
		      rc, ipc_errno_name(errno));
	ck_assert_msg(result.kind == RPC_ERROR && result.argc == 2 &&
			      result.argv[0].i == EDOM &&
			      result.argv[1].type == RPC_STR &&
			      result.argv[1].len == 16 &&
			      memcmp(result.argv[1].p, "division by zero", 16) ==
				      0,
		      "after an error, *result must hold it: kind RPC_ERROR, "
		      "argv[0] the code (%d), argv[1] the message (\"division "
		      "by zero\")",
		      EDOM);
	rc = rpc_call(conn, "div", a, 2, &result);
	check_call(rc, &result, 7, "div(1, 0), a second time on the same "
				   "connection");
	close(conn->fd);
	free(conn);
	join_peer(pid);
	check_report();
}
END_TEST

/** Server: two answers that are not the client's, then its own. */
static bool
stale_then_right(int sock)
{
	struct rpc_value err[] = { RPC_INT_VALUE(RPC_ERR_PARSE),
				   RPC_STR_VALUE("malformed request frame") };
	static struct bytes f;
	struct rpc_msg m;

	return take_request(sock, &f, &m, NULL, NULL, "the request add(2, 40)") &&
	       answer_int(sock, m.id + 1000, 666) &&
	       answer(sock, 0, RPC_ERROR, err, 2) && answer_int(sock, m.id, 42);
}

START_TEST(test_call_skips_stale_answers)
{
	struct rpc_value a[] = { RPC_INT_VALUE(2), RPC_INT_VALUE(40) };
	struct rpc_msg result;
	pid_t pid;
	struct rpc_conn *conn = start_fake(stale_then_right, WAIT_MS, &pid);
	int rc = rpc_call(conn, "add", a, 2, &result);

	GRADE_IMPLEMENTED(rc, "rpc_call", 3);
	ck_assert_msg(rc == 0 && result.argc == 1 && result.argv[0].i == 42,
		      "the server sent an answer with another id (a call given "
		      "up earlier), then an error with id 0, then the answer "
		      "to add(2, 40); rpc_call() returned %d (%s) with %lld: "
		      "skip every frame whose id is not the request's, the "
		      "first frame to come is not necessarily yours",
		      rc, rc == -1 ? ipc_errno_name(errno) : "success",
		      result.argc ? (long long)result.argv[0].i : 0);
	close(conn->fd);
	free(conn);
	join_peer(pid);
	check_report();
}
END_TEST

/** Server: read one request, never answer. */
static bool
never_answers(int sock)
{
	static struct bytes f;
	struct rpc_msg m;

	return take_request(sock, &f, &m, NULL, NULL, "a request");
}

/** Helper: one rpc_call() on report-visible terms. */
static int
call_helper(void *arg)
{
	struct rpc_conn *conn = arg;
	struct rpc_value a[] = { RPC_INT_VALUE(2), RPC_INT_VALUE(40) };
	struct rpc_msg result;
	uint64_t start;

	default_sigpipe();
	start = ipc_now_ns();
	errno = 0;
	report->ret = rpc_call(conn, "add", a, 2, &result);
	report->err = errno;
	report->ms = (long)((ipc_now_ns() - start) / 1000000u);
	report->value = result.argc > 0 ? result.argv[0].i : 0;
	report->finished = 1;
	return 0;
}

/** Run rpc_call() in a helper; true if it returned within @p ms. */
static bool
bounded_call(struct rpc_conn *conn, int ms, int *status)
{
	bool done;

	report->finished = 0;
	done = run_bounded(call_helper, conn, ms, status);
	errno = report->err;
	if (done && report->finished)
		GRADE_IMPLEMENTED(report->ret, "rpc_call", 3);
	return done;
}

START_TEST(test_call_times_out)
{
	int status;
	pid_t pid;
	struct rpc_conn *conn = start_fake(never_answers, SHORT_MS, &pid);
	bool done = bounded_call(conn, WAIT_MS, &status);

	ck_assert_msg(done,
		      "rpc_call() with conn->timeout_ms = %d was still waiting "
		      "%d ms later for a server that never answers: no timeout "
		      "in rpc_call. Wait for the answer with poll() and the time "
		      "that is left (rpc_recv_frame() with a timeout), then "
		      "give up with ETIMEDOUT",
		      SHORT_MS, WAIT_MS);
	ck_assert_msg(report->finished, "the process calling rpc_call() died");
	ck_assert_msg(report->ret == -1 && report->err == ETIMEDOUT,
		      "rpc_call() to a server that never answers returned %ld "
		      "(%s) after %ld ms: expected -1 with ETIMEDOUT",
		      report->ret, ipc_errno_name(report->err), report->ms);
	ck_assert_msg(report->ms >= SHORT_MS * 9 / 10,
		      "rpc_call() with conn->timeout_ms = %d gave up after %ld "
		      "ms: wait the whole timeout",
		      SHORT_MS, report->ms);
	close(conn->fd);
	free(conn);
	join_peer(pid);
	check_report();
}
END_TEST

/** Server: hold the first request; when the second comes, answer the
 *  first (too late: 666), then the second (42). */
static bool
late_answer(int sock)
{
	static struct bytes f;
	struct rpc_msg m;
	uint32_t first;

	if (!take_request(sock, &f, &m, NULL, NULL, "the first request"))
		return false;
	first = m.id;
	/* The second request comes only once the client gave up on the first. */
	if (!take_request(sock, &f, &m, NULL, NULL, "the second request"))
		return helper_also("Did the client ever give up on the first "
				   "call? No timeout in rpc_call (see "
				   "test_call_times_out)");
	return answer_int(sock, first, 666) && answer_int(sock, m.id, 42);
}

/** Helper: a call that times out, then one that must get its own answer. */
static int
late_answer_helper(void *arg)
{
	struct rpc_conn *conn = arg;
	struct rpc_value a[] = { RPC_INT_VALUE(40), RPC_INT_VALUE(2) };
	struct rpc_msg result;
	int rc;

	errno = 0;
	rc = rpc_call(conn, "add", a, 2, &result);
	if (rc == -1 && errno == ENOSYS) {
		report->not_implemented = 1;
		return 0;
	}
	if (rc != -1 || errno != ETIMEDOUT)
		return helper_fail("the server held the first call; rpc_call() "
				   "with a %d ms timeout returned %d (%s), "
				   "expected -1 with ETIMEDOUT",
				   SHORT_MS, rc, ipc_errno_name(errno));
	conn->timeout_ms = WAIT_MS;
	rc = rpc_call(conn, "add", a, 2, &result);
	if (rc != 0 || result.argc != 1 || result.argv[0].i != 42)
		return helper_fail(
			"the first call timed out; the server then answered it "
			"late (666) and answered the second call (42). The "
			"second rpc_call() returned %d (%s) with %lld: it took "
			"the late answer to the call that timed out. Skip every "
			"frame whose id is not the request's",
			rc, rc == -1 ? ipc_errno_name(errno) : "success",
			result.argc ? (long long)result.argv[0].i : 0);
	report->finished = 1;
	return 0;
}

START_TEST(test_call_skips_late_answer)
{
	int status;
	pid_t pid;
	struct rpc_conn *conn = start_fake(late_answer, SHORT_MS, &pid);
	bool done = run_bounded(late_answer_helper, conn, WAIT_MS * 2, &status);

	if (report->not_implemented) {
		errno = ENOSYS;
		GRADE_IMPLEMENTED(-1, "rpc_call", 3);
	}
	ck_assert_msg(done,
		      "rpc_call() with conn->timeout_ms = %d did not return: "
		      "no timeout in rpc_call (see test_call_times_out)",
		      SHORT_MS);
	check_report();
	ck_assert_msg(report->finished, "the process calling rpc_call() died");
	close(conn->fd);
	free(conn);
	join_peer(pid);
}
END_TEST

/** Server: read the request, then die without answering. */
static bool
dies_mid_call(int sock)
{
	static struct bytes f;
	struct rpc_msg m;

	if (take_request(sock, &f, &m, NULL, NULL, "a request"))
		_exit(0); /* gone: the client's end reads EOF */
	return false;
}

START_TEST(test_call_server_dies)
{
	int status;
	pid_t pid;
	struct rpc_conn *conn = start_fake(dies_mid_call, 30000, &pid);
	bool done = bounded_call(conn, WAIT_MS, &status);

	ck_assert_msg(done,
		      "the server died after reading the request; %d ms later "
		      "rpc_call() (timeout 30 s) was still waiting: recv() "
		      "returning 0 means the server closed the connection, and "
		      "no answer will ever come. Fail at once with ECONNRESET",
		      WAIT_MS);
	ck_assert_msg(report->finished, "the process calling rpc_call() died");
	ck_assert_msg(report->ret == -1 && report->err == ECONNRESET,
		      "the server died after reading the request; rpc_call() "
		      "returned %ld (%s): expected -1 with ECONNRESET, a clear "
		      "error for the caller",
		      report->ret, ipc_errno_name(report->err));
	close(conn->fd);
	free(conn);
	grade_join(pid, WAIT_MS);
	check_report();
}
END_TEST

START_TEST(test_call_server_gone_no_sigpipe)
{
	int sv[2], status;
	struct rpc_conn *conn;
	bool done;

	make_pair(sv);
	close(sv[1]); /* the server is gone before the call */
	conn = wrap_conn(sv[0], WAIT_MS);
	new_report();
	done = bounded_call(conn, WAIT_MS, &status);
	ck_assert_msg(done, "rpc_call() to a server that is gone did not "
			    "return");
	check_no_sigpipe_death(status, "rpc_call");
	ck_assert_msg(report->finished, "the process calling rpc_call() %s",
		      "died");
	ck_assert_msg(report->ret == -1 &&
			      (report->err == EPIPE || report->err == ECONNRESET),
		      "rpc_call() to a server that had closed the connection "
		      "returned %ld (%s): expected -1 with EPIPE",
		      report->ret, ipc_errno_name(report->err));
	close(sv[0]);
	free(conn);
}
END_TEST

/** Server: a malformed answer, then a request where an answer should be. */
static bool
bad_answers(int sock)
{
	static const unsigned char kind9[] = { 0, 0, 0, 7, 0, 0, 0, 1, 9, 0, 0 };
	static struct bytes f;
	struct rpc_msg m, q;

	if (!take_request(sock, &f, &m, NULL, NULL, "the first request"))
		return false;
	be32(f.b + 4, m.id);
	memcpy(f.b, kind9, 4);
	memcpy(f.b + 8, kind9 + 8, 3);
	if (!send_all(sock, f.b, sizeof(kind9)) ||
	    !take_request(sock, &f, &m, NULL, NULL, "the second request"))
		return false;
	q = request(m.id, "add", NULL, 0);
	encode(&q, &f);
	return send_all(sock, f.b, f.len);
}

START_TEST(test_call_malformed_answer)
{
	struct rpc_msg result;
	pid_t pid;
	struct rpc_conn *conn = start_fake(bad_answers, WAIT_MS, &pid);
	int rc;

	errno = 0;
	rc = rpc_call(conn, "add", NULL, 0, &result);
	GRADE_IMPLEMENTED(rc, "rpc_call", 3);
	ck_assert_msg(rc == -1 && errno == EPROTO,
		      "the answer was a frame of kind 9, which does not decode; "
		      "rpc_call() returned %d (%s): expected -1 with EPROTO",
		      rc, ipc_errno_name(errno));
	errno = 0;
	rc = rpc_call(conn, "add", NULL, 0, &result);
	ck_assert_msg(rc == -1 && errno == EPROTO,
		      "the answer was a request (kind RPC_REQUEST) with the "
		      "call's id; rpc_call() returned %d (%s): expected -1 with "
		      "EPROTO",
		      rc, ipc_errno_name(errno));
	close(conn->fd);
	free(conn);
	join_peer(pid);
	check_report();
}
END_TEST

START_TEST(test_demo_calc_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "calc", grade_path("calc.sock"), NULL }, NULL,
		0);
}
END_TEST

START_TEST(test_demo_timeout_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "timeout",
						       grade_path("slow.sock"),
						       "100", NULL },
				     NULL, 0);
}
END_TEST

/* ========================================== step 4: many clients at once */

/** The clients of an rpc_serve() test (a helper) and how to stop it. */
struct crowd {
	const char *path;
	int stop; /**< the stop pipe's write end: the helper holds it */
};

/**
 * Run the student's rpc_serve() in the test process while @p clients
 * (a helper) talks to it; the helper's exit closes the stop pipe. Returns
 * what rpc_serve() returned.
 */
static long
serve_crowd(struct rpc_server *srv, int (*clients)(void *))
{
	struct crowd c = { grade_path("crowd.sock"), -1 };
	int lfd = listen_at(c.path), stop[2];
	long served;
	pid_t pid;

	ck_assert_int_eq(pipe2(stop, O_CLOEXEC), 0);
	c.stop = stop[1];
	new_report();
	pid = grade_spawn(clients, &c);
	close(stop[1]); /* the helper's copy closes when it is done */
	catch_sigpipe();
	errno = 0;
	served = GRADE_CALL(rpc_serve(srv, lfd, stop[0]));
	GRADE_IMPLEMENTED(served, "rpc_serve", 4);
	ck_assert_msg(fcntl(lfd, F_GETFD) != -1 && fcntl(stop[0], F_GETFD) != -1,
		      "rpc_serve() closed listen_fd or stop_fd: they are the "
		      "caller's, leave them open");
	close(lfd);
	close(stop[0]);
	join_peer(pid);
	check_report();
	ck_assert_msg(sigpipes == 0,
		      "SIGPIPE: a client left without reading its answer and "
		      "the server's send() raised SIGPIPE, whose default action "
		      "kills the whole server: pass MSG_NOSIGNAL");
	return served;
}

/** In a helper: one frame for square(@p x) with id @p id. */
static void
square_frame(struct bytes *f, uint32_t id, int64_t x)
{
	struct rpc_value v = RPC_INT_VALUE(x);
	struct rpc_msg m = request(id, "square", &v, 1);

	encode(&m, f);
}

/** Clients: five connect, each sends half a request; then they finish
 *  in reverse order, each waiting for its answer. */
static int
five_at_once(void *arg)
{
	const struct crowd *c = arg;
	static struct bytes f[5], got;
	struct rpc_msg m;
	char what[96];
	int fd[5];

	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < 5; i++) {
		square_frame(&f[i], (uint32_t)(100 + i), 10 + i);
		fd[i] = connect_to(c->path);
		if (fd[i] == -1 || !send_all(fd[i], f[i].b, f[i].len / 2))
			return helper_fail("client %d of 5 could not connect "
					   "and send: %s",
					   i + 1, ipc_errno_name(errno));
	}
	for (int i = 4; i >= 0; i--) {
		snprintf(what, sizeof(what),
			 "the second half of square(%d) (client %d of 5, while "
			 "%d other(s) had sent only half a request)",
			 10 + i, i + 1, i);
		if (!send_all(fd[i], f[i].b + f[i].len / 2,
			      f[i].len - f[i].len / 2) ||
		    !recv_answer(fd[i], &got, &m, what))
			return helper_also("The server waits for one client "
					   "while others are half-way. Serve "
					   "clients independently: a process per "
					   "client, or poll() with a buffer per "
					   "client");
		if (!expect_int_reply(&m, (uint32_t)(100 + i),
				      (int64_t)(10 + i) * (10 + i), what))
			return 0;
	}
	for (int i = 0; i < 5; i++)
		close(fd[i]);
	report->finished = 1;
	return 0;
}

START_TEST(test_serve_many_clients_at_once)
{
	struct rpc_server *srv = test_server();
	long served = serve_crowd(srv, five_at_once);

	ck_assert_msg(report->finished, "the test's clients did not finish");
	ck_assert_msg(served == 5,
		      "5 clients connected; rpc_serve() returned %ld (%s)",
		      served, served == -1 ? ipc_errno_name(errno) : "a count");
	rpc_server_free(srv);
}
END_TEST

/** Client: 16 requests with scattered ids in one send(); 16 answers. */
static int
sixteen_pipelined(void *arg)
{
	const struct crowd *c = arg;
	static struct bytes all, f;
	bool seen[RPC_PIPELINE_MAX] = { false };
	struct rpc_msg m;
	int fd = connect_to(c->path);

	signal(SIGPIPE, SIG_IGN);
	if (fd == -1)
		return helper_fail("the client could not connect: %s",
				   ipc_errno_name(errno));
	all.len = 0;
	for (int i = 0; i < RPC_PIPELINE_MAX; i++) {
		square_frame(&f, 0x9e3779b9u * (uint32_t)(i + 1), i);
		put_raw(&all, f.b, f.len);
	}
	if (!send_all(fd, all.b, all.len))
		return helper_fail("the client could not send");
	for (int k = 0; k < RPC_PIPELINE_MAX; k++) {
		int i = 0;
		if (!recv_answer(fd, &f, &m,
				 "16 requests at once (pipelined, in one "
				 "send())"))
			return 0;
		while (i < RPC_PIPELINE_MAX &&
		       m.id != 0x9e3779b9u * (uint32_t)(i + 1))
			i++;
		if (i == RPC_PIPELINE_MAX || seen[i])
			return helper_fail("answer %d of 16 carries id %lu, which "
					   "is %s: copy each request's id into "
					   "its answer",
					   k + 1, (unsigned long)m.id,
					   i == RPC_PIPELINE_MAX
						   ? "no request's id"
						   : "answered already");
		seen[i] = true;
		if (!expect_int_reply(&m, m.id, (int64_t)i * i, "square(i)"))
			return 0;
	}
	close(fd);
	report->finished = 1;
	return 0;
}

START_TEST(test_serve_pipelined_requests)
{
	struct rpc_server *srv = test_server();
	long served = serve_crowd(srv, sixteen_pipelined);

	ck_assert_msg(report->finished, "the test's client did not finish");
	ck_assert_msg(served == 1, "1 client connected; rpc_serve() returned "
				   "%ld",
		      served);
	rpc_server_free(srv);
}
END_TEST

/** Clients that vanish in every way; then one that must still be served. */
static int
vanishing_clients(void *arg)
{
	const struct crowd *c = arg;
	static struct bytes f, all, got;
	unsigned char huge[RPC_HEADER_LEN + 10];
	struct rpc_msg m;
	int a, b, d, e, x;

	signal(SIGPIPE, SIG_IGN);
	/* a: half a request, then gone. */
	square_frame(&f, 1, 3);
	if ((a = connect_to(c->path)) == -1 || !send_all(a, f.b, f.len / 2))
		return helper_fail("a client could not connect");
	close(a);
	/* b: two requests, gone before the answers. */
	all.len = 0;
	put_raw(&all, f.b, f.len);
	put_raw(&all, f.b, f.len);
	if ((b = connect_to(c->path)) == -1 || !send_all(b, all.b, all.len))
		return helper_fail("a client could not connect");
	close(b);
	/* x: a frame far too large; the server must hang up on it. */
	memset(huge, 'x', sizeof(huge));
	be32(huge, 0x40000000);
	if ((x = connect_to(c->path)) == -1 || !send_all(x, huge, sizeof(huge)))
		return helper_fail("a client could not connect");
	/* d: connects and leaves at once. */
	if ((d = connect_to(c->path)) == -1)
		return helper_fail("a client could not connect");
	close(d);
	/* e: two calls, which must be answered. */
	if ((e = connect_to(c->path)) == -1)
		return helper_fail("the last client could not connect: the "
				   "server is gone?");
	for (int k = 0; k < 2; k++) {
		square_frame(&f, (uint32_t)(7 + k), 12);
		if (!send_all(e, f.b, f.len) ||
		    !recv_answer(e, &got, &m,
				 "square(12), after four clients vanished (one "
				 "in the middle of a frame, one before its "
				 "answers, one with a frame too large, one at "
				 "once)") ||
		    !expect_int_reply(&m, (uint32_t)(7 + k), 144, "square(12)"))
			return 0;
	}
	close(e);
	while (recv_frame(x, &got, WAIT_MS, NULL, NULL) == GOT_FRAME)
		;
	close(x);
	report->finished = 1;
	return 0;
}

/** Clients: A calls, then B connects and calls (B's server side began
 *  while A's connection was open); then A announces a frame too large,
 *  and its connection must end, whatever B's side holds. */
static int
neighbour_ends(void *arg)
{
	const struct crowd *c = arg;
	static struct bytes f, got;
	unsigned char frame[RPC_HEADER_LEN + 100];
	struct rpc_msg m;
	int a, b, kind;

	signal(SIGPIPE, SIG_IGN);
	square_frame(&f, 1, 2);
	if ((a = connect_to(c->path)) == -1 || !send_all(a, f.b, f.len))
		return helper_fail("client A could not connect and send: %s",
				   ipc_errno_name(errno));
	if (!recv_answer(a, &got, &m, "square(2)"))
		return 1;
	if ((b = connect_to(c->path)) == -1 || !send_all(b, f.b, f.len))
		return helper_fail("client B could not connect and send: %s",
				   ipc_errno_name(errno));
	if (!recv_answer(b, &got, &m, "square(2)"))
		return 1;
	memset(frame, 'x', sizeof(frame));
	be32(frame, 1u << 20);
	if (!send_all(a, frame, sizeof(frame)))
		return helper_fail("client A could not send");
	while ((kind = recv_frame(a, &got, WAIT_MS, NULL, NULL)) == GOT_FRAME)
		;
	if (kind == GOT_NOTHING)
		return helper_fail(
			"client A announced a frame larger than RPC_FRAME_MAX "
			"and its connection was still open %d ms later, while "
			"client B was connected: B's server process holds A's "
			"connection open? A process forked for one client must "
			"close the other clients' connections it inherited",
			WAIT_MS);
	close(a);
	close(b);
	report->finished = 1;
	return write(c->stop, "S", 1) == 1 ? 0 : 1;
}

START_TEST(test_serve_survives_vanishing_clients)
{
	struct rpc_server *srv = test_server();
	long served = serve_crowd(srv, vanishing_clients);

	ck_assert_msg(report->finished, "the test's clients did not finish");
	ck_assert_msg(served == 5, "5 clients connected; rpc_serve() returned "
				   "%ld",
		      served);
	unlink(grade_path("crowd.sock")); /* the next crowd binds it again */
	served = serve_crowd(srv, neighbour_ends);
	ck_assert_msg(report->finished, "the test's clients did not finish");
	ck_assert_msg(served == 2, "2 clients connected; rpc_serve() returned "
				   "%ld",
		      served);
	rpc_server_free(srv);
}
END_TEST

/** Clients: three connect and call; then stop the server; each must see
 *  its connection end. */
static int
stop_with_clients(void *arg)
{
	struct crowd *c = arg;
	static struct bytes f, got;
	struct rpc_msg m;
	int fd[3];

	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < 3; i++) {
		square_frame(&f, 1, i);
		if ((fd[i] = connect_to(c->path)) == -1 ||
		    !send_all(fd[i], f.b, f.len))
			return helper_fail("client %d of 3 could not connect "
					   "and send: %s",
					   i + 1, ipc_errno_name(errno));
		if (!recv_answer(fd[i], &got, &m, "square(i)"))
			return false;
	}
	/* All three are connected and served: now ask the server to stop. */
	if (write(c->stop, "S", 1) != 1)
		return helper_fail("grader: write to the stop pipe failed");
	for (int i = 0; i < 3; i++) {
		int kind = recv_frame(fd[i], &got, WAIT_MS, NULL, NULL);
		if (kind == GOT_NOTHING)
			return helper_fail("the server was told to stop; %d ms "
					   "later client %d of 3 was still "
					   "connected: when stop_fd is readable, "
					   "end every connection (and every "
					   "process you forked) before returning",
					   WAIT_MS, i + 1);
		close(fd[i]);
	}
	report->finished = 1;
	return 0;
}

/** Helper: one client's call of square(3), answered or not, then a byte
 *  on the stop pipe. */
static int
one_call_then_stop(void *arg)
{
	const struct crowd *c = arg;
	static struct bytes f, got;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	square_frame(&f, 1, 3);
	fd = connect_to(c->path);
	if (fd != -1 && send_all(fd, f.b, f.len))
		recv_frame(fd, &got, WAIT_MS, NULL, NULL);
	if (fd != -1)
		close(fd);
	return write(c->stop, "S", 1) == 1 ? 0 : 1;
}

/** rpc_serve() with a client calling and the first @p function (and
 *  @p also) call failing with @p err: -1 with that errno. */
static void
serve_fails(struct rpc_server *srv, const char *function, const char *also,
	    int err)
{
	struct crowd c = { grade_path(function), -1 };
	int lfd = listen_at(c.path), stop[2], got;
	char when[256] = "";
	long served;
	pid_t pid;

	ck_assert_int_eq(pipe2(stop, O_CLOEXEC), 0);
	c.stop = stop[1];
	pid = grade_spawn(one_call_then_stop, &c);
	close(stop[1]);
	grade_fail_nth(function, 1, err);
	if (also != NULL)
		grade_fail_nth(also, 1, err);
	errno = 0;
	served = GRADE_CALL(rpc_serve(srv, lfd, stop[0]));
	got = errno;
	grade_fail_describe(when, sizeof(when));
	grade_fail_clear();
	close(lfd); /* a connection still waiting there ends */
	close(stop[0]);
	join_peer(pid);
	ck_assert_msg(when[0] == '\0' || (served == -1 && got == err),
		      "when %s, rpc_serve() returned %ld (%s); expected -1 "
		      "with %s: a failure of accept() (but EINTR, EAGAIN and "
		      "ECONNABORTED) or of fork() ends rpc_serve() with that "
		      "errno, after ending every connection",
		      when, served, served == -1 ? ipc_errno_name(got) : "no error",
		      ipc_errno_name(err));
}

START_TEST(test_serve_stops_when_told)
{
	struct rpc_server *srv = test_server();
	long served = serve_crowd(srv, stop_with_clients);

	ck_assert_msg(report->finished, "the test's clients did not finish");
	ck_assert_msg(served == 3, "3 clients connected; rpc_serve() returned "
				   "%ld",
		      served);
	errno = 0;
	expect_einval(rpc_serve(srv, -1, -1), "rpc_serve()",
		      "listen_fd and stop_fd -1");
	serve_fails(srv, "accept4", "accept", EMFILE);
	serve_fails(srv, "fork", NULL, EAGAIN);
	serve_fails(srv, "pipe2", "pipe", ENFILE);
	{
		/* listen_fd not open: EBADF, as poll() or accept() say. */
		int stop[2], bad;
		long rc;

		ck_assert_int_eq(pipe2(stop, O_CLOEXEC), 0);
		bad = dup(stop[0]);
		close(bad);
		errno = 0;
		rc = GRADE_CALL(rpc_serve(srv, bad, stop[0]));
		ck_assert_msg(rc == -1 && errno == EBADF,
			      "rpc_serve() with a listen_fd that is not open "
			      "returned %ld (%s); expected -1 with EBADF (poll() "
			      "reports POLLNVAL for it, accept() fails with "
			      "EBADF)",
			      rc, rc == -1 ? ipc_errno_name(errno) : "no error");
		close(stop[0]);
		close(stop[1]);
	}
	rpc_server_free(srv);
}
END_TEST

/* ------------------------------------------------------ rpc_call_many() */

/** How the fake server answers a batch. */
struct batch_plan {
	unsigned n;		  /**< requests to read */
	unsigned order[16];	  /**< the order of the answers (indexes) */
	unsigned answers;	  /**< how many of them to send */
	bool errors;		  /**< even indexes get an error */
	bool stale;		  /**< a stale answer first */
};

static struct batch_plan plan;

/** Server: read the whole batch first, then answer as planned. */
static bool
batch_server(int sock)
{
	struct rpc_value err[] = { RPC_INT_VALUE(EDOM), RPC_STR_VALUE("odd") };
	static struct bytes f;
	uint32_t ids[16];
	int64_t x[16];
	struct rpc_msg m;
	char what[64];

	for (unsigned i = 0; i < plan.n; i++) {
		snprintf(what, sizeof(what), "request %u of %u", i + 1, plan.n);
		if (!take_request(sock, &f, &m, NULL, NULL, what))
			return helper_also(
				"The test's server reads every request of the "
				"batch before it answers any: rpc_call_many() "
				"must send them all first (pipelining), then "
				"collect the answers");
		for (unsigned k = 0; k < i; k++)
			if (ids[k] == m.id)
				return helper_fail("requests %u and %u of the "
						   "batch both have id %lu",
						   k + 1, i + 1,
						   (unsigned long)m.id);
		ids[i] = m.id;
		x[i] = m.argc == 1 ? m.argv[0].i : 0;
	}
	if (plan.stale && !answer_int(sock, ids[0] + 1000, 666))
		return false;
	for (unsigned k = 0; k < plan.answers; k++) {
		unsigned i = plan.order[k];
		bool ok = plan.errors && i % 2 == 0
				  ? answer(sock, ids[i], RPC_ERROR, err, 2)
				  : answer_int(sock, ids[i], x[i] * x[i]);
		if (!ok)
			return false;
	}
	return true;
}

/** on_reply: count the calls per index and keep each result. */
static void
note_reply(void *ctx, unsigned index, const struct rpc_msg *reply)
{
	(void)ctx;
	report->replies++;
	if (index >= RPC_PIPELINE_MAX) {
		helper_fail("on_reply() was called with index %u, outside the "
			    "batch",
			    index);
		return;
	}
	report->calls[index]++;
	report->got[index] = reply->kind == RPC_ERROR ? -1
			     : reply->argc == 1	      ? reply->argv[0].i
						      : -2;
}

/** A batch of @p n calls square(i + 1). */
static void
make_batch(struct rpc_request *reqs, struct rpc_value *args, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		args[i] = RPC_INT_VALUE((int64_t)i + 1);
		reqs[i] = (struct rpc_request){ "square", &args[i], 1 };
	}
}

/** Check what on_reply saw: each index once, with its own result. */
static void
check_batch(unsigned n, bool errors)
{
	for (unsigned i = 0; i < n; i++) {
		int64_t want = errors && i % 2 == 0
				       ? -1
				       : (int64_t)(i + 1) * (int64_t)(i + 1);
		ck_assert_msg(report->calls[i] == 1,
			      "on_reply() was called %u time(s) for request %u "
			      "of %u: exactly once each",
			      report->calls[i], i, n);
		ck_assert_msg(
			report->got[i] == want,
			"on_reply() for request %u, square(%u), got %s%lld, "
			"expected %s%lld: the server answered in reverse (or "
			"another) order. Answers are matched to requests by "
			"id (index = id - first id), never by position",
			i, i + 1, report->got[i] == -1 ? "an error " : "",
			(long long)report->got[i], want == -1 ? "an error " : "",
			(long long)want);
	}
}

START_TEST(test_call_many_matches_by_id)
{
	struct rpc_request reqs[6];
	struct rpc_value args[6];
	pid_t pid;
	struct rpc_conn *conn;
	int rc;

	plan = (struct batch_plan){ 6, { 5, 4, 3, 2, 1, 0 }, 6, false, false };
	conn = start_fake(batch_server, WAIT_MS * 2, &pid);
	make_batch(reqs, args, 6);
	errno = 0;
	rc = rpc_call_many(conn, reqs, 6, note_reply, NULL);
	GRADE_IMPLEMENTED(rc, "rpc_call_many", 4);
	check_report();
	ck_assert_msg(rc == 0, "rpc_call_many() of 6 requests, all answered, "
			       "failed with %s",
		      ipc_errno_name(errno));
	check_batch(6, false);
	close(conn->fd);
	free(conn);
	join_peer(pid);
}
END_TEST

START_TEST(test_call_many_errors_and_strays)
{
	struct rpc_request reqs[6];
	struct rpc_value args[6];
	pid_t pid;
	struct rpc_conn *conn;
	int rc;

	plan = (struct batch_plan){ 6, { 2, 0, 5, 1, 4, 3 }, 6, true, true };
	conn = start_fake(batch_server, WAIT_MS * 2, &pid);
	make_batch(reqs, args, 6);
	errno = 0;
	rc = rpc_call_many(conn, reqs, 6, note_reply, NULL);
	GRADE_IMPLEMENTED(rc, "rpc_call_many", 4);
	check_report();
	ck_assert_msg(rc == 0,
		      "rpc_call_many() of 6 requests, all answered (3 with an "
		      "error, after an answer for an id not in the batch), "
		      "failed with %s: an error is an answer too, and a frame "
		      "for another id is skipped",
		      ipc_errno_name(errno));
	ck_assert_msg(report->replies == 6,
		      "on_reply() was called %u times for 6 requests (a frame "
		      "whose id is not in the batch must be skipped)",
		      report->replies);
	check_batch(6, true);
	errno = 0;
	expect_einval(rpc_call_many(conn, reqs, 0, note_reply, NULL),
		      "rpc_call_many()", "0 requests");
	close(conn->fd);
	free(conn);
	join_peer(pid);
}
END_TEST

/** Helper: rpc_call_many() of 5, of which only 3 will be answered. */
static int
partial_batch_helper(void *arg)
{
	struct rpc_conn *conn = arg;
	struct rpc_request reqs[5];
	struct rpc_value args[5];
	uint64_t start = ipc_now_ns();

	make_batch(reqs, args, 5);
	errno = 0;
	report->ret = rpc_call_many(conn, reqs, 5, note_reply, NULL);
	report->err = errno;
	report->ms = (long)((ipc_now_ns() - start) / 1000000u);
	report->finished = 1;
	return 0;
}

START_TEST(test_call_many_times_out)
{
	int status;
	pid_t pid;
	struct rpc_conn *conn;
	bool done;

	plan = (struct batch_plan){ 5, { 4, 0, 2 }, 3, false, false };
	conn = start_fake(batch_server, SHORT_MS, &pid);
	done = run_bounded(partial_batch_helper, conn, WAIT_MS, &status);
	errno = report->err;
	if (done && report->finished)
		GRADE_IMPLEMENTED(report->ret, "rpc_call_many", 4);
	ck_assert_msg(done,
		      "rpc_call_many() with conn->timeout_ms = %d, of which the "
		      "server answered 3 requests out of 5, was still waiting "
		      "%d ms later: the timeout covers the whole batch",
		      SHORT_MS, WAIT_MS);
	check_report();
	ck_assert_msg(report->finished, "the process calling rpc_call_many() "
					"died");
	ck_assert_msg(report->ret == -1 && report->err == ETIMEDOUT,
		      "3 of 5 requests were answered, then nothing; "
		      "rpc_call_many() returned %ld (%s) after %ld ms: expected "
		      "-1 with ETIMEDOUT",
		      report->ret, ipc_errno_name(report->err), report->ms);
	ck_assert_msg(report->replies == 3 && report->calls[4] == 1 &&
			      report->calls[0] == 1 && report->calls[2] == 1,
		      "on_reply() was called %u times: expected once for each "
		      "of the 3 requests answered (indexes 4, 0, 2) before the "
		      "timeout",
		      report->replies);
	close(conn->fd);
	free(conn);
	join_peer(pid);
}
END_TEST

START_TEST(test_demo_pipeline_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "pipeline",
						       grade_path("pipe.sock"),
						       "6", NULL },
				     NULL, 0);
}
END_TEST

START_TEST(test_demo_many_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "many",
						       grade_path("many.sock"),
						       "6", "20", NULL },
				     NULL, 0);
}
END_TEST

/* ================================= step 5: descriptors and credentials */

START_TEST(test_send_frame_passes_fds)
{
	int file = make_file("passed.txt"), p[2], sv[2], got[16], kind;
	static struct bytes f, in;
	struct rpc_value fdv[2];
	struct rpc_fds fds;
	struct rpc_msg m;
	unsigned n = 0;
	ssize_t rc;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	fdv[0] = RPC_FD_VALUE(file);
	fdv[1] = RPC_FD_VALUE(p[0]);
	m = request(1, "two", fdv, 2);
	fds = (struct rpc_fds){ 2, { file, p[0] } };
	encode(&m, &f);
	make_pair(sv);
	errno = 0;
	rc = rpc_send_frame(sv[0], f.b, f.len, &fds);
	GRADE_IMPLEMENTED(rc, "rpc_send_frame", 1);
	ck_assert_msg(rc == (ssize_t)f.len, "rpc_send_frame() with 2 "
					    "descriptors failed with %s",
		      ipc_errno_name(errno));
	kind = recv_frame(sv[1], &in, WAIT_MS, got, &n);
	ck_assert_msg(kind == GOT_FRAME && in.len == f.len &&
			      memcmp(in.b, f.b, f.len) == 0,
		      "the frame sent with 2 descriptors did not arrive whole");
	ck_assert_msg(n == 2,
		      "2 descriptors were passed with the frame, %u arrived: "
		      "put them in one SCM_RIGHTS control message on the first "
		      "sendmsg() (msg_controllen CMSG_SPACE(2 * sizeof(int)), "
		      "cmsg_len CMSG_LEN(2 * sizeof(int)))",
		      n);
	ck_assert_msg(same_file(got[0], file) && same_file(got[1], p[0]),
		      "the descriptors arrived, but not as the file and the "
		      "pipe that were passed, in that order");
	ck_assert_msg(fcntl(file, F_GETFD) != -1 && fcntl(p[0], F_GETFD) != -1,
		      "rpc_send_frame() closed a descriptor it passed: the "
		      "caller still owns it (the peer gets a copy)");
	close(got[0]);
	close(got[1]);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	close(file);
}
END_TEST

START_TEST(test_recv_frame_receives_fds)
{
	static unsigned char buf[RPC_FRAME_MAX];
	static struct bytes f1, f2, f3;
	int file = make_file("passed.txt"), p[2], sv[2], leaked;
	struct rpc_value fdv[2];
	struct rpc_msg m;
	struct rpc_fds fds;
	ssize_t n;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	fdv[0] = RPC_FD_VALUE(file);
	fdv[1] = RPC_FD_VALUE(p[0]);
	m = request(1, "two", fdv, 2);
	encode(&m, &f1);
	m = request(2, "none", NULL, 0);
	encode(&m, &f2);
	m = request(3, "one", fdv, 1);
	encode(&m, &f3);
	make_pair(sv);
	ck_assert(send_with_fds(sv[1], f1.b, f1.len, (int[]){ file, p[0] }, 2));
	ck_assert(send_all(sv[1], f2.b, f2.len));
	ck_assert(send_with_fds(sv[1], f3.b, f3.len, &file, 1));
	memset(&fds, 0x5a, sizeof(fds));
	n = rpc_recv_frame(sv[0], buf, sizeof(buf), WAIT_MS, &fds);
	GRADE_IMPLEMENTED(n, "rpc_recv_frame", 1);
	ck_assert_msg(n == (ssize_t)f1.len, "rpc_recv_frame() of a frame with "
					    "2 descriptors returned %zd (%s)",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	ck_assert_msg(fds.n == 2,
		      "the frame came with 2 descriptors (SCM_RIGHTS) and "
		      "fds->n is %u: receive with recvmsg() and a control "
		      "buffer of CMSG_SPACE(RPC_VALUES_MAX * sizeof(int)) "
		      "bytes, and keep the descriptors of every SCM_RIGHTS "
		      "message in fds",
		      fds.n);
	ck_assert_msg(same_file(fds.fd[0], file) && same_file(fds.fd[1], p[0]),
		      "the 2 descriptors received are not the file and the pipe "
		      "sent, in that order");
	close(fds.fd[0]);
	close(fds.fd[1]);
	memset(&fds, 0x5a, sizeof(fds));
	n = rpc_recv_frame(sv[0], buf, sizeof(buf), WAIT_MS, &fds);
	ck_assert_msg(n == (ssize_t)f2.len && fds.n == 0,
		      "the next frame came without any descriptor: "
		      "rpc_recv_frame() returned %zd and fds->n %u (expected 0: "
		      "set it before receiving)",
		      n, fds.n);
	remember_open_fds();
	n = rpc_recv_frame(sv[0], buf, sizeof(buf), WAIT_MS, NULL);
	ck_assert_msg(n == (ssize_t)f3.len,
		      "rpc_recv_frame() of a frame with a descriptor, fds NULL, "
		      "returned %zd (%s)",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	leaked = new_open_fd();
	ck_assert_msg(leaked == -1,
		      "leaking the passed fd: a frame came with a descriptor "
		      "and rpc_recv_frame() was called with fds NULL; fd %d is "
		      "now open. A descriptor nobody asked for must be closed",
		      leaked);
	{
		/* A frame too long for the buffer, with a descriptor: on
		 * failure, none is left open, and fds->n says so. */
		unsigned char big[RPC_HEADER_LEN + 8] = { 0 };

		be32(big, 1000);
		ck_assert(send_with_fds(sv[1], big, sizeof(big), &file, 1));
		remember_open_fds();
		memset(&fds, 0x5a, sizeof(fds));
		errno = 0;
		n = rpc_recv_frame(sv[0], buf, 64, WAIT_MS, &fds);
		ck_assert_msg(n == -1 && errno == EMSGSIZE,
			      "rpc_recv_frame() into 64 bytes of a frame "
			      "announcing 1000 returned %zd (%s); expected -1 "
			      "with EMSGSIZE",
			      n, n == -1 ? ipc_errno_name(errno) : "a count");
		leaked = new_open_fd();
		ck_assert_msg(leaked == -1 && fds.n == 0,
			      "rpc_recv_frame() failed (EMSGSIZE) on a frame "
			      "that came with a descriptor, and left fd %d open "
			      "with fds->n %u: on failure close what came and "
			      "set n to 0",
			      leaked, fds.n);
	}
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	close(file);
}
END_TEST

/** The file a fake server or client opens itself, to compare. */
static char passed_path[512];

/** Server: a call readfd(fd); read through the descriptor, answer it. */
static bool
reads_passed_fd(int sock)
{
	static struct bytes f;
	static char text[200];
	struct stat by_path, passed;
	struct rpc_value bytes;
	struct rpc_msg m;
	unsigned n = 0;
	int fds[16];
	ssize_t got;

	if (!take_request(sock, &f, &m, fds, &n, "the request readfd(fd)"))
		return false;
	if (n != 1) {
		for (unsigned i = 0; i < n; i++)
			close(fds[i]);
		return helper_fail("rpc_call(conn, \"readfd\", {RPC_FD_VALUE(fd)}, "
				   "...) sent %u descriptor(s) with the request: "
				   "send the descriptor of each RPC_FD argument "
				   "with the frame (SCM_RIGHTS, rpc_send_frame() "
				   "with fds)",
				   n);
	}
	if (m.argc != 1 || m.argv[0].type != RPC_FD)
		return helper_fail("the request carried %u value(s), expected "
				   "one of type RPC_FD ('f')",
				   m.argc);
	if (fstat(fds[0], &passed) == -1 || stat(passed_path, &by_path) == -1 ||
	    passed.st_ino != by_path.st_ino || passed.st_dev != by_path.st_dev)
		return helper_fail("the descriptor that arrived is not the "
				   "file the caller passed");
	got = read(fds[0], text, sizeof(text));
	close(fds[0]);
	bytes = RPC_BYTES_VALUE(text, (uint32_t)(got < 0 ? 0 : got));
	return answer(sock, m.id, RPC_REPLY, &bytes, 1);
}

START_TEST(test_call_passes_fd_argument)
{
	struct rpc_value arg;
	struct rpc_msg result;
	struct rpc_conn *conn;
	int file, rc;
	pid_t pid;

	file = make_file("client.txt");
	snprintf(passed_path, sizeof(passed_path), "%s",
		 grade_path("client.txt"));
	ck_assert_int_eq(lseek(file, 10, SEEK_SET), 10);
	conn = start_fake(reads_passed_fd, WAIT_MS, &pid);
	arg = RPC_FD_VALUE(file);
	errno = 0;
	rc = rpc_call(conn, "readfd", &arg, 1, &result);
	GRADE_IMPLEMENTED(rc, "rpc_call", 3);
	check_report();
	ck_assert_msg(rc == 0, "rpc_call(readfd, a descriptor) failed with %s",
		      ipc_errno_name(errno));
	ck_assert_msg(result.argc == 1 && result.argv[0].type == RPC_BYTES &&
			      result.argv[0].len == sizeof(file_text) - 1 - 10 &&
			      memcmp(result.argv[0].p, file_text + 10,
				     result.argv[0].len) == 0,
		      "the server read the passed file from where the caller's "
		      "offset stood (10), and answered with those bytes: the "
		      "result does not hold them");
	ck_assert_msg(fcntl(file, F_GETFD) != -1,
		      "rpc_call() closed the caller's descriptor: passing it "
		      "sends a copy, the caller still owns its own");
	close(file);
	close(conn->fd);
	free(conn);
	join_peer(pid);
	check_report();
}
END_TEST

/** Client: readfd with a descriptor; with one missing; with one extra. */
static bool
fd_calls(int fd)
{
	struct rpc_value fdv = RPC_FD_VALUE(-1);
	struct rpc_value two[] = { RPC_INT_VALUE(1), RPC_INT_VALUE(2) };
	static struct bytes f, got;
	struct rpc_msg m;
	int file = open(passed_path, O_RDONLY | O_CLOEXEC);

	if (file == -1 || lseek(file, 10, SEEK_SET) != 10)
		return helper_fail("grader: cannot open %s", passed_path);
	m = request(1, "readfd", &fdv, 1);
	encode(&m, &f);
	if (!send_with_fds(fd, f.b, f.len, &file, 1) ||
	    !recv_answer(fd, &got, &m, "readfd(fd), with the descriptor"))
		return false;
	if (m.kind != RPC_REPLY || m.argc != 1 || m.argv[0].type != RPC_BYTES ||
	    m.argv[0].len != sizeof(file_text) - 1 - 10 ||
	    memcmp(m.argv[0].p, file_text + 10, m.argv[0].len) != 0)
		return helper_fail(
			"readfd(fd) passed an open file (its offset at 10); "
			"the handler reads through the descriptor it is given, "
			"and the answer (%s, code %lld) does not hold the "
			"file's bytes from offset 10: put the descriptors that "
			"came with the frame into its RPC_FD values, in order",
			m.kind == RPC_ERROR ? "an error" : "a reply",
			m.kind == RPC_ERROR && m.argc ? (long long)m.argv[0].i
						      : 0LL);
	m = request(2, "readfd", &fdv, 1);
	encode(&m, &f);
	if (!send_all(fd, f.b, f.len) ||
	    !recv_answer(fd, &got, &m, "readfd(fd) without the descriptor") ||
	    !expect_error(&m, 2, RPC_ERR_INVALID,
			  "readfd(fd) sent without a descriptor",
			  "an RPC_FD value with no descriptor to fill it is "
			  "RPC_ERR_INVALID (and the handler does not run)"))
		return false;
	m = request(3, "add", two, 2);
	encode(&m, &f);
	if (!send_with_fds(fd, f.b, f.len, &file, 1) ||
	    !recv_answer(fd, &got, &m, "add(1, 2) with a descriptor it does "
				       "not expect") ||
	    !expect_error(&m, 3, RPC_ERR_INVALID,
			  "add(1, 2) sent with a descriptor",
			  "a descriptor with no RPC_FD value to receive it is "
			  "RPC_ERR_INVALID (close it)"))
		return false;
	close(file);
	return send_request(fd, 4, "add", two, 2) &&
	       recv_answer(fd, &got, &m, "add(1, 2)") &&
	       expect_int_reply(&m, 4, 3, "add(1, 2)");
}

START_TEST(test_serve_conn_gives_fd_to_handler)
{
	struct rpc_server *srv = test_server();
	long served;

	close(make_file("served.txt"));
	snprintf(passed_path, sizeof(passed_path), "%s",
		 grade_path("served.txt"));
	served = serve_one_client(srv, fd_calls, false, false);
	ck_assert_msg(served == 4, "4 requests were answered; rpc_serve_conn() "
				   "returned %ld",
		      served);
	rpc_server_free(srv);
}
END_TEST

/** Client of rpc_serve(): 20 calls that pass a descriptor, between two
 *  counts of the serving process's descriptors. */
static int
twenty_fds(void *arg)
{
	const struct crowd *c = arg;
	struct rpc_value fdv = RPC_FD_VALUE(-1);
	static struct bytes f, got;
	int64_t before, after;
	struct rpc_msg m;
	int fd = connect_to(c->path), file;

	signal(SIGPIPE, SIG_IGN);
	file = open(passed_path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 || file == -1)
		return helper_fail("the client could not connect: %s",
				   ipc_errno_name(errno));
	if (!send_request(fd, 1, "fdcount", NULL, 0) ||
	    !recv_answer(fd, &got, &m, "fdcount()"))
		return 0;
	before = m.argc == 1 ? m.argv[0].i : -1;
	for (uint32_t id = 2; id < 22; id++) {
		m = request(id, "readfd", &fdv, 1);
		encode(&m, &f);
		if (!send_with_fds(fd, f.b, f.len, &file, 1) ||
		    !recv_answer(fd, &got, &m, "readfd(fd)"))
			return 0;
		if (m.kind != RPC_REPLY)
			return helper_fail("readfd(fd) with a descriptor was "
					   "answered with an error (code %lld)",
					   m.argc ? (long long)m.argv[0].i : 0LL);
	}
	if (!send_request(fd, 22, "fdcount", NULL, 0) ||
	    !recv_answer(fd, &got, &m, "fdcount()"))
		return 0;
	after = m.argc == 1 ? m.argv[0].i : -1;
	if (after != before)
		return helper_fail("leaking the passed fd: the process serving "
				   "this client had %lld descriptors open before "
				   "20 calls that each passed one, and %lld "
				   "after. The descriptors of a request are the "
				   "server's to close once its handler returns",
				   (long long)before, (long long)after);
	close(file);
	close(fd);
	report->finished = 1;
	return 0;
}

START_TEST(test_serve_closes_passed_fds)
{
	struct rpc_server *srv = test_server();
	long served;

	close(make_file("served.txt"));
	snprintf(passed_path, sizeof(passed_path), "%s",
		 grade_path("served.txt"));
	served = serve_crowd(srv, twenty_fds);
	ck_assert_msg(report->finished, "the test's client did not finish");
	ck_assert_msg(served == 1, "rpc_serve() returned %ld", served);
	rpc_server_free(srv);
}
END_TEST

/** Helper: connect and stay until the test hangs up. */
static int
stay_connected(void *arg)
{
	int fd = connect_to(arg);
	char byte;

	if (fd == -1)
		return helper_fail("the test's client could not connect");
	if (readable(fd, WAIT_MS * 2))
		while (read(fd, &byte, 1) > 0)
			;
	close(fd);
	return 0;
}

START_TEST(test_peer_cred_names_the_peer)
{
	const char *path = grade_path("cred.sock");
	int lfd = listen_at(path), conn, p[2], rc;
	struct rpc_caller who = { -1, (uid_t)-1, (gid_t)-1 };
	pid_t pid;

	new_report();
	pid = grade_spawn(stay_connected, (void *)path);
	conn = accept_within(lfd, WAIT_MS);
	ck_assert_msg(conn != -1, "the test's client did not connect");
	rc = rpc_peer_cred(conn, &who);
	GRADE_IMPLEMENTED(rc, "rpc_peer_cred", 5);
	close(conn);
	close(lfd);
	join_peer(pid);
	ck_assert_msg(rc == 0, "rpc_peer_cred() failed with %s",
		      ipc_errno_name(errno));
	ck_assert_msg(who.pid == pid,
		      "the client that connected is process %ld; "
		      "rpc_peer_cred() said %ld%s",
		      (long)pid, (long)who.pid,
		      who.pid == getpid() ? " (our own pid): ask the kernel "
					    "with getsockopt(SO_PEERCRED), "
					    "never assume who is there"
					  : "");
	ck_assert_msg(who.uid == geteuid() && who.gid == getegid(),
		      "the client runs as uid %ld gid %ld; rpc_peer_cred() said "
		      "uid %ld gid %ld: copy them from struct ucred",
		      (long)geteuid(), (long)getegid(), (long)who.uid,
		      (long)who.gid);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	errno = 0;
	rc = rpc_peer_cred(p[0], &who);
	ck_assert_msg(rc == -1 && errno == ENOTSOCK,
		      "rpc_peer_cred() on a pipe returned %d (%s): expected -1 "
		      "with ENOTSOCK, as getsockopt() says",
		      rc, ipc_errno_name(errno));
	errno = 0;
	expect_einval(rpc_peer_cred(p[0], NULL), "rpc_peer_cred()",
		      "a NULL caller");
	close(p[0]);
	close(p[1]);
}
END_TEST

/** Client: whoami(): the handler must be told this process's ids. */
static bool
whoami_call(int fd)
{
	static struct bytes f;
	struct rpc_msg m;

	if (!send_request(fd, 1, "whoami", NULL, 0) ||
	    !recv_answer(fd, &f, &m, "whoami()"))
		return false;
	if (m.kind != RPC_REPLY || m.argc != 3)
		return helper_fail("whoami() was answered with %s",
				   m.kind == RPC_ERROR ? "an error" : "a reply "
								      "without "
								      "3 values");
	if (m.argv[0].i != getpid())
		return helper_fail(
			"the client calling whoami() is process %ld; the "
			"handler was told the caller is process %lld%s",
			(long)getpid(), (long long)m.argv[0].i,
			m.argv[0].i == getppid()
				? " (the server's own pid): fill the caller "
				  "from SO_PEERCRED (rpc_peer_cred() on the "
				  "connection), never from getpid()"
				: ": fill it from SO_PEERCRED (rpc_peer_cred() "
				  "on the connection)");
	if (m.argv[1].i != (int64_t)geteuid() || m.argv[2].i != (int64_t)getegid())
		return helper_fail("the client runs as uid %ld gid %ld; the "
				   "handler was told uid %lld gid %lld",
				   (long)geteuid(), (long)getegid(),
				   (long long)m.argv[1].i,
				   (long long)m.argv[2].i);
	return true;
}

START_TEST(test_serve_conn_tells_the_caller)
{
	struct rpc_server *srv = test_server();
	long served = serve_one_client(srv, whoami_call, false, false);

	ck_assert_msg(served == 1, "rpc_serve_conn() returned %ld", served);
	rpc_server_free(srv);
}
END_TEST

START_TEST(test_dispatch_checks_uid)
{
	struct rpc_server *srv = test_server();
	struct rpc_caller who = me(), stranger = me();
	struct rpc_msg req = request(5, "touch", NULL, 0), reply;
	int rc;

	stranger.uid = who.uid + 1;
	handler_ran = 0;
	new_report();
	reply = dispatch(srv, &stranger, &req);
	expect_error(&reply, 5, RPC_ERR_DENIED, "touch() from another uid",
		     "skipping the SO_PEERCRED check: compare caller->uid (what "
		     "the kernel said) with the uid allowed to call (by default "
		     "the server's own) before running anything");
	check_report();
	ck_assert_msg(!handler_ran, "the handler of touch() ran for a caller "
				    "whose uid may not call");
	rc = rpc_server_allow_uid(srv, stranger.uid);
	GRADE_IMPLEMENTED(rc, "rpc_server_allow_uid", 5);
	ck_assert_msg(rc == 0, "rpc_server_allow_uid() failed with %s",
		      ipc_errno_name(errno));
	reply = dispatch(srv, &who, &req);
	expect_error(&reply, 5, RPC_ERR_DENIED,
		     "touch() from our uid, after rpc_server_allow_uid() of "
		     "another",
		     "only the one uid allowed may call");
	check_report();
	reply = dispatch(srv, &stranger, &req);
	ck_assert_msg(reply.kind == RPC_REPLY && handler_ran,
		      "touch() from the uid given to rpc_server_allow_uid() "
		      "was not run");
	errno = 0;
	expect_einval(rpc_server_allow_uid(NULL, 0), "rpc_server_allow_uid()",
		      "a NULL server");
	rpc_server_free(srv);
}
END_TEST

/** Client: two calls, both of which the server must refuse. */
static bool
denied_calls(int fd)
{
	struct rpc_value two[] = { RPC_INT_VALUE(1), RPC_INT_VALUE(2) };
	static struct bytes f;
	struct rpc_msg m;

	return send_request(fd, 1, "touch", NULL, 0) &&
	       recv_answer(fd, &f, &m, "touch()") &&
	       expect_error(&m, 1, RPC_ERR_DENIED,
			    "touch() from a uid the server does not allow",
			    "skipping the SO_PEERCRED check: learn the caller's "
			    "uid with rpc_peer_cred() and let rpc_dispatch() "
			    "refuse other uids") &&
	       send_request(fd, 2, "add", two, 2) &&
	       recv_answer(fd, &f, &m, "add(1, 2)") &&
	       expect_error(&m, 2, RPC_ERR_DENIED,
			    "add(1, 2) from a uid the server does not allow",
			    "every request of that caller is refused (and "
			    "answered)");
}

START_TEST(test_serve_conn_denies_other_uid)
{
	struct rpc_server *srv = test_server();
	long served;
	int rc;

	/* The grader cannot switch users: it lets only another uid call,
	 * and calls as itself. */
	rc = rpc_server_allow_uid(srv, geteuid() + 1);
	GRADE_IMPLEMENTED(rc, "rpc_server_allow_uid", 5);
	handler_ran = 0;
	served = serve_one_client(srv, denied_calls, false, false);
	ck_assert_msg(!handler_ran,
		      "skipping the SO_PEERCRED check: the server lets only uid "
		      "%ld call, the client runs as uid %ld, and the handler of "
		      "touch() ran",
		      (long)geteuid() + 1, (long)geteuid());
	ck_assert_msg(served == 2, "2 requests were answered (refused); "
				   "rpc_serve_conn() returned %ld",
		      served);
	rpc_server_free(srv);
}
END_TEST

START_TEST(test_demo_passfd_matches_reference)
{
	close(make_file("demo.txt"));
	grade_compare_with_reference((const char *[]){ "passfd",
						       grade_path("passfd.sock"),
						       grade_path("demo.txt"),
						       NULL },
				     NULL, 0);
}
END_TEST

START_TEST(test_demo_whoami_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "whoami", grade_path("who.sock"), NULL }, NULL,
		0);
}
END_TEST

/* ============================================================ the table */

#define HANG_DECODE "rpc_decode() never returned: see the test's message"
#define HANG_RECV                                                              \
	"rpc_recv_frame() blocked: it must stop at the end of the frame (read " \
	"exactly the length announced), and return 0 at EOF"
#define HANG_SERVE_CONN                                                        \
	"rpc_serve_conn() never returned: it answers every request, and "      \
	"returns when rpc_recv_frame() says the client closed (0)"
#define HANG_CALL                                                              \
	"rpc_call() never returned: no timeout in rpc_call? Wait for the "     \
	"answer with poll() and conn->timeout_ms"
#define HANG_SERVE                                                             \
	"rpc_serve() never returned: poll stop_fd with the others and return " \
	"once it is readable, after ending every connection"
#define HANG_MANY                                                              \
	"rpc_call_many() never returned: send every request, then collect "    \
	"the answers within conn->timeout_ms"

static const struct grade_test tests[] = {
	{ GRADE_REF(test_encode_request_bytes), 1, 2, 0, NULL },
	{ GRADE_REF(test_encode_every_type), 1, 2, 0, NULL },
	{ GRADE_REF(test_encode_rejects_bad_messages), 1, 2, 0, NULL },
	{ GRADE_REF(test_decode_every_type), 1, 2, 0, NULL },
	{ GRADE_REF(test_decode_rejects_malformed), 1, 3, 20, HANG_DECODE },
	{ GRADE_REF(test_decode_fuzz), 1, 4, 20, HANG_DECODE },
	{ GRADE_REF(test_recv_frame_whole_frames), 1, 2, 8, HANG_RECV },
	{ GRADE_REF(test_recv_frame_short_reads), 1, 2, 8, HANG_RECV },
	{ GRADE_REF(test_recv_frame_byte_by_byte), 1, 1, 12, HANG_RECV },
	{ GRADE_REF(test_recv_frame_end_of_stream), 1, 1, 12, HANG_RECV },
	{ GRADE_REF(test_recv_frame_too_long), 1, 3, 10, HANG_RECV },
	{ GRADE_REF(test_recv_frame_timeout), 1, 2, 8, HANG_RECV },
	{ GRADE_REF(test_send_frame_whole), 1, 2, 8, NULL },
	{ GRADE_REF(test_send_frame_no_sigpipe), 1, 2, 8, NULL },
	{ GRADE_REF(test_demo_frame_matches_reference), 1, 1, 25, NULL },
	{ GRADE_REF(test_demo_fuzz_matches_reference), 1, 1, 25, NULL },
	{ GRADE_REF(test_dispatch_calls_the_method), 2, 2, 0, NULL },
	{ GRADE_REF(test_dispatch_unknown_method), 2, 2, 0, NULL },
	{ GRADE_REF(test_dispatch_handler_error), 2, 2, 0, NULL },
	{ GRADE_REF(test_dispatch_not_a_request), 2, 1, 0, NULL },
	{ GRADE_REF(test_register_methods), 2, 1, 0, NULL },
	{ GRADE_REF(test_listen_makes_a_socket), 2, 1, 0, NULL },
	{ GRADE_REF(test_serve_conn_answers_calls), 2, 3, 15, HANG_SERVE_CONN },
	{ GRADE_REF(test_serve_conn_survives_bad_calls), 2, 3, 15,
	  HANG_SERVE_CONN },
	{ GRADE_REF(test_serve_conn_pipelined_by_id), 2, 2, 15,
	  HANG_SERVE_CONN },
	{ GRADE_REF(test_serve_conn_short_io), 2, 2, 20, HANG_SERVE_CONN },
	{ GRADE_REF(test_serve_conn_client_hangs_up), 2, 2, 15,
	  HANG_SERVE_CONN },
	{ GRADE_REF(test_serve_conn_frame_too_large), 2, 1, 15,
	  "rpc_serve_conn() waited for the body of a frame longer than "
	  "RPC_FRAME_MAX: hang up on it" },
	{ GRADE_REF(test_connect_and_call), 3, 3, 15, HANG_CALL },
	{ GRADE_REF(test_call_remote_error), 3, 2, 15, HANG_CALL },
	{ GRADE_REF(test_call_skips_stale_answers), 3, 2, 15, HANG_CALL },
	{ GRADE_REF(test_call_times_out), 3, 3, 15, HANG_CALL },
	{ GRADE_REF(test_call_skips_late_answer), 3, 2, 15, HANG_CALL },
	{ GRADE_REF(test_call_server_dies), 3, 2, 15, HANG_CALL },
	{ GRADE_REF(test_call_server_gone_no_sigpipe), 3, 2, 15, HANG_CALL },
	{ GRADE_REF(test_call_malformed_answer), 3, 1, 15, HANG_CALL },
	{ GRADE_REF(test_demo_calc_matches_reference), 3, 1, 25, NULL },
	{ GRADE_REF(test_demo_timeout_matches_reference), 3, 1, 25, NULL },
	{ GRADE_REF(test_serve_many_clients_at_once), 4, 4, 20, HANG_SERVE },
	{ GRADE_REF(test_serve_pipelined_requests), 4, 2, 20, HANG_SERVE },
	{ GRADE_REF(test_serve_survives_vanishing_clients), 4, 3, 20,
	  HANG_SERVE },
	{ GRADE_REF(test_serve_stops_when_told), 4, 2, 20, HANG_SERVE },
	{ GRADE_REF(test_call_many_matches_by_id), 4, 3, 15, HANG_MANY },
	{ GRADE_REF(test_call_many_errors_and_strays), 4, 2, 15, HANG_MANY },
	{ GRADE_REF(test_call_many_times_out), 4, 2, 15, HANG_MANY },
	{ GRADE_REF(test_demo_pipeline_matches_reference), 4, 1, 25, NULL },
	{ GRADE_REF(test_demo_many_matches_reference), 4, 1, 25, NULL },
	{ GRADE_REF(test_send_frame_passes_fds), 5, 2, 8, NULL },
	{ GRADE_REF(test_recv_frame_receives_fds), 5, 2, 8, HANG_RECV },
	{ GRADE_REF(test_call_passes_fd_argument), 5, 2, 15, HANG_CALL },
	{ GRADE_REF(test_serve_conn_gives_fd_to_handler), 5, 3, 15,
	  HANG_SERVE_CONN },
	{ GRADE_REF(test_serve_closes_passed_fds), 5, 2, 20, HANG_SERVE },
	{ GRADE_REF(test_peer_cred_names_the_peer), 5, 2, 10, NULL },
	{ GRADE_REF(test_serve_conn_tells_the_caller), 5, 2, 15,
	  HANG_SERVE_CONN },
	{ GRADE_REF(test_dispatch_checks_uid), 5, 2, 0, NULL },
	{ GRADE_REF(test_serve_conn_denies_other_uid), 5, 2, 15,
	  HANG_SERVE_CONN },
	{ GRADE_REF(test_demo_passfd_matches_reference), 5, 1, 25, NULL },
	{ GRADE_REF(test_demo_whoami_matches_reference), 5, 1, 25, NULL },
};

static const struct grade_lab lab = {
	"10-rpc",
	"RPC over a Unix socket",
	tests,
	GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
