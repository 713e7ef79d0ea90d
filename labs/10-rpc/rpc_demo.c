/* SPDX-License-Identifier: MIT */
/**
 * @file rpc_demo.c
 * @brief Lab 10 demo: try each step of the RPC lab from the shell.
 *
 *     rpc_demo frame METHOD [ARG...]       a request, byte by byte
 *     rpc_demo fuzz COUNT SEED             rpc_decode() on random frames
 *     rpc_demo calc PATH                   calls, errors, a server that dies
 *     rpc_demo timeout PATH MS             a call that times out, and after
 *     rpc_demo pipeline PATH N             N calls at once, answers reversed
 *     rpc_demo many PATH CLIENTS CALLS     many client processes at once
 *     rpc_demo passfd PATH FILE            a descriptor as an argument
 *     rpc_demo whoami PATH                 SO_PEERCRED, and a refused uid
 *     rpc_demo serve PATH                  a server, until Enter
 *     rpc_demo call PATH METHOD [ARG...]   one call to it (@FILE: an fd)
 *
 * Arguments that are whole numbers travel as RPC_INT, the others as
 * RPC_STR. PATH is where the server's socket goes: a directory of your own
 * (mktemp -d), never a fixed name in /tmp. Build it with
 * `make demo LAB=10`; the grader runs it beside the reference demo and
 * compares what they print.
 */
#include "ipc_util.h"
#include "rpc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------ values, printed */

/** An argument from the command line: a whole number, or a string. */
static struct rpc_value
parse_value(const char *text)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(text, &end, 10);
	if (text[0] != '\0' && *end == '\0' && errno == 0)
		return RPC_INT_VALUE(n);
	return RPC_STR_VALUE(text);
}

/** Print the values of @p v, comma-separated: 42, "hi", 3 bytes. */
static void
print_values(const struct rpc_value *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		printf("%s", i ? ", " : "");
		switch (v[i].type) {
		case RPC_INT:
			printf("%lld", (long long)v[i].i);
			break;
		case RPC_STR:
			printf("\"%.*s\"", (int)v[i].len, (const char *)v[i].p);
			break;
		case RPC_BYTES:
			printf("%lu bytes", (unsigned long)v[i].len);
			break;
		case RPC_FD:
			printf("a descriptor");
			break;
		}
	}
}

/** Print a call as method(arg, arg). */
static void
print_call(const char *method, const struct rpc_value *args, unsigned n)
{
	printf("%s(", method);
	print_values(args, n);
	printf(")");
}

/** The name of an error code of the protocol, or of an errno. */
static const char *
code_name(int64_t code)
{
	switch (code) {
	case RPC_ERR_PARSE:
		return "RPC_ERR_PARSE";
	case RPC_ERR_INVALID:
		return "RPC_ERR_INVALID";
	case RPC_ERR_NO_METHOD:
		return "RPC_ERR_NO_METHOD";
	case RPC_ERR_INTERNAL:
		return "RPC_ERR_INTERNAL";
	case RPC_ERR_DENIED:
		return "RPC_ERR_DENIED";
	}
	return code > 0 && code < 4096 ? ipc_errno_name((int)code) : "?";
}

/** Print what rpc_call() gave: the results, or why there are none. */
static void
print_outcome(int rc, const struct rpc_msg *result)
{
	if (rc == 0) {
		printf(" = ");
		print_values(result->argv, result->argc);
		printf("\n");
	} else if (errno == EREMOTEIO && result->argc >= 1) {
		printf(" failed: the server answered with error %lld (%s)\n",
		       (long long)result->argv[0].i,
		       code_name(result->argv[0].i));
	} else {
		printf(" failed: %s\n", ipc_errno_name(errno));
	}
}

/* --------------------------------------------------------- step 1: frame */

/** Print @p n bytes at @p p as hex, then pad to a column. */
static void
dump(const unsigned char *p, size_t n)
{
	size_t shown = n < 12 ? n : 12;

	printf("  ");
	for (size_t i = 0; i < shown; i++)
		printf("%02x ", p[i]);
	printf("%s%*s", n > shown ? "..." : "",
	       (int)((12 - shown) * 3 + (n > shown ? 0 : 3)), "");
}

/** The big-endian u32 at @p p. */
static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/** Walk a frame field by field, explaining each (stops where it breaks). */
static void
annotate(const unsigned char *f, size_t len)
{
	size_t at = 10, mlen;
	unsigned count;

	if (len < 10) {
		dump(f, len);
		printf("(too short for a frame)\n");
		return;
	}
	dump(f, 4);
	printf("length: %lu bytes follow\n", (unsigned long)be32(f));
	dump(f + 4, 4);
	printf("id %lu\n", (unsigned long)be32(f + 4));
	dump(f + 8, 1);
	printf("kind %u (%s)\n", f[8],
	       f[8] == RPC_REQUEST ? "request"
	       : f[8] == RPC_REPLY ? "reply"
	       : f[8] == RPC_ERROR ? "error"
				   : "?");
	dump(f + 9, 1);
	printf("method name: %u bytes\n", f[9]);
	mlen = f[9];
	if (at + mlen >= len)
		return;
	if (mlen > 0) {
		dump(f + at, mlen);
		printf("\"%.*s\"\n", (int)mlen, (const char *)f + at);
	}
	at += mlen;
	count = f[at];
	dump(f + at++, 1);
	printf("%u value(s)\n", count);
	for (unsigned i = 0; i < count && at < len; i++) {
		unsigned char type = f[at];
		dump(f + at++, 1);
		printf("value %u: %s\n", i + 1,
		       type == RPC_INT	   ? "int"
		       : type == RPC_STR   ? "string"
		       : type == RPC_BYTES ? "bytes"
		       : type == RPC_FD	   ? "descriptor (sent beside)"
					   : "?");
		if (type == RPC_INT && at + 8 <= len) {
			dump(f + at, 8);
			printf("  %lld\n",
			       (long long)((uint64_t)be32(f + at) << 32 |
					   be32(f + at + 4)));
			at += 8;
		} else if ((type == RPC_STR || type == RPC_BYTES) &&
			   at + 4 <= len) {
			uint32_t n = be32(f + at);
			dump(f + at, 4);
			printf("  length %lu\n", (unsigned long)n);
			at += 4;
			if (n > len - at)
				return;
			if (n > 0) {
				dump(f + at, n);
				printf("  the bytes\n");
			}
			at += n;
		}
	}
}

static int
demo_frame(int argc, char **argv)
{
	struct rpc_msg m = { .id = 1, .kind = RPC_REQUEST }, back;
	static unsigned char frame[RPC_FRAME_MAX];
	ssize_t n;

	if (strlen(argv[0]) > RPC_METHOD_MAX || argc - 1 > RPC_VALUES_MAX)
		ipc_die("a method name of at most %d bytes, at most %d "
			"arguments",
			RPC_METHOD_MAX, RPC_VALUES_MAX);
	strcpy(m.method, argv[0]);
	for (int i = 1; i < argc; i++)
		m.argv[m.argc++] = parse_value(argv[i]);
	n = rpc_encode(&m, frame, sizeof(frame));
	if (n == -1)
		ipc_die_errno("rpc_encode");
	print_call(m.method, m.argv, m.argc);
	printf(", id 1, as a frame of %zd bytes:\n", n);
	annotate(frame, (size_t)n);
	if (rpc_decode(frame, (size_t)n, &back) == -1)
		ipc_die_errno("rpc_decode");
	printf("rpc_decode() gives back: %s id %lu, ",
	       back.kind == RPC_REQUEST ? "request" : "not a request",
	       (unsigned long)back.id);
	print_call(back.method, back.argv, back.argc);
	printf("\n");
	return 0;
}

/* ---------------------------------------------------------- step 1: fuzz */

static uint64_t rng_state;

/** xorshift64*: the same numbers from the same seed, on every machine. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned
below(unsigned n)
{
	return (unsigned)(rng() % n);
}

/** A random message; string and byte values live in @p store. */
static void
random_msg(struct rpc_msg *m, unsigned char (*store)[64])
{
	memset(m, 0, sizeof(*m));
	m->id = (uint32_t)rng();
	m->kind = (enum rpc_kind)(RPC_REQUEST + below(3));
	if (m->kind == RPC_REQUEST)
		for (unsigned i = 0, n = 1 + below(RPC_METHOD_MAX); i < n; i++)
			m->method[i] = (char)('a' + below(26));
	m->argc = below(RPC_VALUES_MAX + 1);
	for (unsigned i = 0; i < m->argc; i++) {
		struct rpc_value *v = &m->argv[i];
		v->type = (enum rpc_type) "isbf"[below(4)];
		v->i = v->type == RPC_INT ? (int64_t)rng() : 0;
		v->fd = -1;
		v->len = below(64);
		for (unsigned k = 0; k < v->len; k++)
			store[i][k] = v->type == RPC_STR
					      ? (unsigned char)('A' + below(26))
					      : (unsigned char)rng();
		v->p = store[i];
		if (v->type == RPC_INT || v->type == RPC_FD) {
			v->p = NULL;
			v->len = 0;
		}
	}
}

/** Does @p got hold what @p sent held? */
static bool
same_msg(const struct rpc_msg *sent, const struct rpc_msg *got)
{
	if (got->id != sent->id || got->kind != sent->kind ||
	    strcmp(got->method, sent->method) != 0 || got->argc != sent->argc)
		return false;
	for (unsigned i = 0; i < sent->argc; i++) {
		const struct rpc_value *a = &sent->argv[i], *b = &got->argv[i];
		if (a->type != b->type)
			return false;
		if (a->type == RPC_INT && a->i != b->i)
			return false;
		if ((a->type == RPC_STR || a->type == RPC_BYTES) &&
		    (a->len != b->len ||
		     (a->len > 0 && memcmp(a->p, b->p, a->len) != 0)))
			return false;
	}
	return true;
}

/** The ways the fuzzer spoils a frame. */
enum { VALID, CUT, PREFIX, BYTE, COUNT, APPENDED, RANDOM, KINDS };

static const char *const kind_names[KINDS] = {
	"valid frames",	    "cut short",	   "length prefix changed",
	"one byte changed", "value count changed", "bytes appended",
	"random bytes",
};

static int
demo_fuzz(unsigned long count, unsigned long seed)
{
	static unsigned char store[RPC_VALUES_MAX][64];
	static unsigned char ok[RPC_FRAME_MAX], f[RPC_FRAME_MAX];
	unsigned long accepted[KINDS] = { 0 }, tried[KINDS] = { 0 };
	unsigned long faithful = 0, odd_errno = 0;
	struct rpc_msg m, got;

	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (unsigned long i = 0; i < count; i++) {
		int kind = (int)(i % KINDS);
		size_t len, ok_len;
		if (kind == VALID) {
			random_msg(&m, store);
			if (rpc_encode(&m, ok, sizeof(ok)) == -1)
				ipc_die_errno("rpc_encode");
		}
		ok_len = 4 + be32(ok); /* the valid frame of this round */
		memcpy(f, ok, ok_len);
		len = ok_len;
		switch (kind) {
		case CUT:
			len = below((unsigned)ok_len);
			break;
		case PREFIX:
			f[below(4)] ^= (unsigned char)(1 + below(255));
			break;
		case BYTE:
			f[4 + below((unsigned)ok_len - 4)] =
				(unsigned char)rng();
			break;
		case COUNT:
			f[10 + strlen(m.method)] =
				(unsigned char)(m.argc + 1 +
						below(255 - m.argc));
			break;
		case APPENDED:
			f[len++] = (unsigned char)rng();
			f[0] = f[1] = 0; /* keep the prefix right: it counts */
			f[2] = (unsigned char)((len - 4) >> 8);
			f[3] = (unsigned char)(len - 4);
			break;
		case RANDOM:
			len = below(100);
			for (size_t k = 0; k < len; k++)
				f[k] = (unsigned char)rng();
			break;
		}
		tried[kind]++;
		errno = 0;
		if (rpc_decode(f, len, &got) == 0) {
			accepted[kind]++;
			faithful += kind == VALID && same_msg(&m, &got);
		} else if (errno != EBADMSG) {
			odd_errno++;
		}
	}
	printf("fuzz: %lu frames made from seed %lu, each given to "
	       "rpc_decode()\n",
	       count, seed);
	for (int k = 0; k < KINDS; k++)
		printf("  %-22s %6lu: %6lu accepted, %6lu rejected\n",
		       kind_names[k], tried[k], accepted[k],
		       tried[k] - accepted[k]);
	printf("valid frames decoded back to the message encoded: %lu of %lu\n",
	       faithful, tried[VALID]);
	printf("rejections with an errno other than EBADMSG: %lu\n", odd_errno);
	return 0;
}

/* ---------------------------------------------------------- the handlers */

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
	reply->argv[reply->argc++] =
		RPC_INT_VALUE(req->argv[0].i + req->argv[1].i);
	return 0;
}

static int
h_div(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
      struct rpc_msg *reply)
{
	(void)arg;
	(void)caller;
	if (req->argc != 2 || req->argv[0].type != RPC_INT ||
	    req->argv[1].type != RPC_INT) {
		errno = EINVAL;
		return -1;
	}
	if (req->argv[1].i == 0) {
		errno = EDOM; /* the caller learns why, as an error code */
		return -1;
	}
	reply->argv[reply->argc++] =
		RPC_INT_VALUE(req->argv[0].i / req->argv[1].i);
	return 0;
}

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
	reply->argv[reply->argc++] =
		RPC_INT_VALUE(req->argv[0].i * req->argv[0].i);
	return 0;
}

static int
h_echo(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
       struct rpc_msg *reply)
{
	(void)arg;
	(void)caller;
	for (unsigned i = 0; i < req->argc; i++)
		if (req->argv[i].type != RPC_FD)
			reply->argv[reply->argc++] = req->argv[i];
	return 0;
}

/** crash(): the serving process dies in the middle of the call. */
static int
h_crash(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
	struct rpc_msg *reply)
{
	(void)arg;
	(void)caller;
	(void)req;
	(void)reply;
	kill(getpid(), SIGKILL); /* as the OOM killer would */
	return -1;
}

/** wc(fd): lines and bytes, read through the descriptor the caller
 *  passed (the server never learns the file's name). */
static int
h_wc(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
     struct rpc_msg *reply)
{
	int64_t lines = 0, bytes = 0;
	char buf[4096];
	ssize_t n;

	(void)arg;
	(void)caller;
	if (req->argc != 1 || req->argv[0].type != RPC_FD) {
		errno = EINVAL;
		return -1;
	}
	while ((n = read(req->argv[0].fd, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		bytes += n;
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	}
	reply->argv[reply->argc++] = RPC_INT_VALUE(lines);
	reply->argv[reply->argc++] = RPC_INT_VALUE(bytes);
	return 0;
}

/** whoami(): the caller's pid, uid and gid, as the kernel told the
 *  server (SO_PEERCRED). */
static int
h_whoami(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
	 struct rpc_msg *reply)
{
	(void)arg;
	(void)req;
	reply->argv[reply->argc++] = RPC_INT_VALUE(caller->pid);
	reply->argv[reply->argc++] = RPC_INT_VALUE(caller->uid);
	reply->argv[reply->argc++] = RPC_INT_VALUE(caller->gid);
	return 0;
}

/** wait(): blocks until the pipe whose read end is *arg reaches EOF. */
static int
h_wait(void *arg, const struct rpc_caller *caller, const struct rpc_msg *req,
       struct rpc_msg *reply)
{
	char byte;

	(void)caller;
	(void)req;
	while (read(*(int *)arg, &byte, 1) > 0)
		;
	reply->argv[reply->argc++] = RPC_INT_VALUE(1);
	return 0;
}

/** A server with the methods every demo uses. */
static struct rpc_server *
demo_server(void)
{
	static const struct {
		const char *name;
		rpc_handler_fn *fn;
	} methods[] = {
		{ "add", h_add },	{ "div", h_div },
		{ "square", h_square }, { "echo", h_echo },
		{ "crash", h_crash },	{ "wc", h_wc },
		{ "whoami", h_whoami },
	};
	struct rpc_server *srv = rpc_server_new();

	if (srv == NULL)
		ipc_die_errno("rpc_server_new");
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (rpc_server_register(srv, methods[i].name, methods[i].fn,
					NULL) == -1)
			ipc_die_errno("rpc_server_register");
	return srv;
}

/* ---------------------------------------------------- servers and clients */

/** Listen at @p path, first removing a socket file an earlier run left. */
static int
listen_fresh(const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path); /* a crashed run's; a demo has no live twin */
	fd = rpc_listen(path);
	if (fd == -1)
		ipc_die_errno("rpc_listen");
	return fd;
}

/** Fork a server that accepts one client on @p lfd and serves it with
 *  rpc_serve_conn() (step 2). The parent's copy of @p lfd is closed. The
 *  child closes @p not_ours at once, and @p its_own once it is done (-1:
 *  none). */
static pid_t
serve_one(struct rpc_server *srv, int lfd, int not_ours, int its_own)
{
	pid_t pid;

	fflush(stdout); /* or the child would print our buffer again */
	pid = fork();
	if (pid == -1)
		ipc_die_errno("fork");
	if (pid == 0) {
		int conn = accept(lfd, NULL, NULL);
		long served = -1;
		ipc_close_quietly(not_ours);
		close(lfd);
		if (conn != -1)
			served = rpc_serve_conn(srv, conn);
		ipc_close_quietly(conn);
		ipc_close_quietly(its_own);
		rpc_server_free(srv); /* this process's copy */
		_exit(served == -1 ? 1 : 0);
	}
	close(lfd); /* the connection waits in the backlog meanwhile */
	return pid;
}

/** Connect, or stop the demo. */
static void
connect_or_die(struct rpc_conn *conn, const char *path, int timeout_ms)
{
	if (rpc_connect(conn, path, timeout_ms) == -1)
		ipc_die_errno("rpc_connect");
}

/** Call @p method with @p n arguments and print what happened. */
static int
show_call(struct rpc_conn *conn, const char *method,
	  const struct rpc_value *args, unsigned n)
{
	struct rpc_msg result;
	int rc = rpc_call(conn, method, args, n, &result);

	print_call(method, args, n);
	print_outcome(rc, &result);
	return rc;
}

/* ----------------------------------------------------------- step 3: calc */

static int
demo_calc(const char *path)
{
	static struct rpc_conn conn;
	struct rpc_value a[] = { RPC_INT_VALUE(2), RPC_INT_VALUE(40) };
	struct rpc_value d[] = { RPC_INT_VALUE(7), RPC_INT_VALUE(2) };
	struct rpc_value z[] = { RPC_INT_VALUE(1), RPC_INT_VALUE(0) };
	struct rpc_value e[] = { RPC_STR_VALUE("hello"), RPC_INT_VALUE(7) };
	struct rpc_value b[] = { RPC_INT_VALUE(1), RPC_INT_VALUE(2) };
	struct rpc_server *srv = demo_server();
	pid_t server = serve_one(srv, listen_fresh(path), -1, -1);

	connect_or_die(&conn, path, 2000);
	printf("connected to the server at the socket; each call crosses to "
	       "its process and back\n");
	show_call(&conn, "add", a, 2);
	show_call(&conn, "div", d, 2);
	show_call(&conn, "div", z, 2);
	show_call(&conn, "mul", d, 2);
	show_call(&conn, "echo", e, 2);
	show_call(&conn, "add", b, 2);
	printf("two calls failed, and the connection still works\n");
	show_call(&conn, "crash", NULL, 0);
	show_call(&conn, "add", b, 2);
	rpc_close(&conn);
	ipc_waitpid(server, NULL); /* it died of crash() */
	unlink(path);
	rpc_server_free(srv);
	return 0;
}

/* -------------------------------------------------------- step 3: timeout */

static int
demo_timeout(const char *path, int timeout_ms)
{
	static struct rpc_conn conn;
	struct rpc_value b[] = { RPC_INT_VALUE(1), RPC_INT_VALUE(2) };
	struct rpc_server *srv = demo_server();
	struct rpc_msg result;
	uint64_t start;
	int release[2];
	pid_t server;

	if (pipe2(release, O_CLOEXEC) == -1)
		ipc_die_errno("pipe2");
	if (rpc_server_register(srv, "wait", h_wait, &release[0]) == -1)
		ipc_die_errno("rpc_server_register");
	server = serve_one(srv, listen_fresh(path), release[1], release[0]);
	close(release[0]); /* the server's handler waits on its copy */
	connect_or_die(&conn, path, timeout_ms);
	start = ipc_now_ns();
	printf("wait() with a %d ms timeout (its handler waits for us)",
	       timeout_ms);
	print_outcome(rpc_call(&conn, "wait", NULL, 0, &result), &result);
	printf("gave up after at least %d ms: %s\n", timeout_ms,
	       ipc_now_ns() - start >= (uint64_t)timeout_ms * 1000000u ? "yes"
								       : "no");
	close(release[1]); /* now the server finishes wait(), too late */
	conn.timeout_ms = 2000;
	show_call(&conn, "add", b, 2);
	printf("the late answer to wait() came first; rpc_call() skipped it "
	       "(its id is not add's)\n");
	rpc_close(&conn);
	ipc_waitpid(server, NULL);
	unlink(path);
	rpc_server_free(srv);
	return 0;
}

/* ------------------------------------------------------- step 4: pipeline */

/** A server of our own that reads @p n requests first, then answers them
 *  in reverse order (a real server may answer in any order). */
static void
reverse_server(int lfd, unsigned n)
{
	static unsigned char frames[RPC_PIPELINE_MAX][RPC_FRAME_MAX];
	static unsigned char out[RPC_FRAME_MAX];
	struct rpc_msg req[RPC_PIPELINE_MAX], reply;
	int conn = accept(lfd, NULL, NULL), status = 1;
	unsigned got = 0;

	close(lfd);
	while (conn != -1 && got < n) {
		ssize_t len = rpc_recv_frame(conn, frames[got], RPC_FRAME_MAX,
					     2000, NULL);
		if (len <= 0 ||
		    rpc_decode(frames[got], (size_t)len, &req[got]) == -1)
			break;
		got++;
	}
	for (unsigned i = got; got == n && i-- > 0;) {
		int64_t x = req[i].argc == 1 ? req[i].argv[0].i : 0;
		ssize_t len;
		reply = (struct rpc_msg){ .id = req[i].id, .kind = RPC_REPLY };
		reply.argv[reply.argc++] = RPC_INT_VALUE(x * x);
		len = rpc_encode(&reply, out, sizeof(out));
		if (len == -1 ||
		    rpc_send_frame(conn, out, (size_t)len, NULL) == -1)
			break;
		status = i == 0 ? 0 : 1;
	}
	ipc_close_quietly(conn);
	_exit(status);
}

/** on_reply for the pipeline demo. */
static void
print_answer(void *ctx, unsigned index, const struct rpc_msg *reply)
{
	unsigned *arrived = ctx;

	printf("answer %u to arrive: request %u, square(%u) = ", ++*arrived,
	       index, index + 1);
	print_values(reply->argv, reply->argc);
	printf("%s\n", reply->kind == RPC_ERROR ? " (an error)" : "");
}

static int
demo_pipeline(const char *path, unsigned n)
{
	static struct rpc_conn conn;
	struct rpc_request reqs[RPC_PIPELINE_MAX];
	struct rpc_value args[RPC_PIPELINE_MAX];
	unsigned arrived = 0;
	int lfd;
	pid_t server;

	if (n == 0 || n > RPC_PIPELINE_MAX)
		ipc_die("between 1 and %d calls", RPC_PIPELINE_MAX);
	lfd = listen_fresh(path);
	fflush(stdout);
	server = fork();
	if (server == -1)
		ipc_die_errno("fork");
	if (server == 0)
		reverse_server(lfd, n);
	close(lfd);
	for (unsigned i = 0; i < n; i++) {
		args[i] = RPC_INT_VALUE(i + 1);
		reqs[i] = (struct rpc_request){ "square", &args[i], 1 };
	}
	connect_or_die(&conn, path, 2000);
	printf("sending %u requests at once: square(1) ... square(%u)\n", n, n);
	if (rpc_call_many(&conn, reqs, n, print_answer, &arrived) == -1)
		ipc_die_errno("rpc_call_many");
	printf("all %u answered; matched by id, whatever their order\n",
	       arrived);
	rpc_close(&conn);
	ipc_waitpid(server, NULL);
	unlink(path);
	return 0;
}

/* ----------------------------------------------------------- step 4: many */

/** One client of the many demo: its calls, then wait for the others. */
static _Noreturn void
many_client(const char *path, int index, int calls, int results, int done)
{
	static struct rpc_conn conn;
	struct rpc_msg result;
	char report[2] = { (char)index, 1 };
	char byte;

	conn.fd = -1;
	if (rpc_connect(&conn, path, 2000) == -1)
		report[1] = 0;
	for (int i = 0; i < calls && report[1]; i++) {
		struct rpc_value args[] = { RPC_INT_VALUE(index * 1000),
					    RPC_INT_VALUE(i) };
		if (rpc_call(&conn, "add", args, 2, &result) == -1 ||
		    result.argv[0].i != index * 1000 + i)
			report[1] = 0;
	}
	if (ipc_write_all(results, report, 2) == -1)
		report[1] = 0;
	close(results);
	/* Keep the connection until every client is done: a server that
	 * serves one client at a time never gets to the next. */
	while (read(done, &byte, 1) > 0)
		;
	close(done);
	if (conn.fd != -1)
		rpc_close(&conn);
	_exit(report[1] ? 0 : 1);
}

static int
demo_many(const char *path, int clients, int calls)
{
	int lfd, stop[2], results[2], done[2], status;
	char ok[64] = { 0 }, report[2];
	pid_t server, pids[64];

	if (clients < 1 || clients > 64)
		ipc_die("between 1 and 64 clients");
	lfd = listen_fresh(path);
	if (pipe2(stop, O_CLOEXEC) == -1)
		ipc_die_errno("pipe2");
	fflush(stdout);
	server = fork();
	if (server == -1)
		ipc_die_errno("fork");
	if (server == 0) {
		struct rpc_server *srv = demo_server();
		long served;
		close(stop[1]); /* or it would never see EOF on stop[0] */
		served = rpc_serve(srv, lfd, stop[0]);
		close(lfd);
		close(stop[0]);
		rpc_server_free(srv);
		_exit(served < 0 ? 255 : (int)(served & 0x7f));
	}
	close(lfd);
	close(stop[0]);
	/* Made after the server's fork: it must not hold their ends. */
	if (pipe2(results, O_CLOEXEC) == -1 || pipe2(done, O_CLOEXEC) == -1)
		ipc_die_errno("pipe2");
	for (int i = 0; i < clients; i++) {
		pids[i] = fork();
		if (pids[i] == -1)
			ipc_die_errno("fork");
		if (pids[i] == 0) {
			close(stop[1]);
			close(results[0]);
			close(done[1]); /* or it never sees EOF on done[0] */
			many_client(path, i, calls, results[1], done[0]);
		}
	}
	close(results[1]);
	close(done[0]);
	for (int i = 0; i < clients; i++) {
		if (ipc_read_all(results[0], report, 2) != 2)
			ipc_die("a client did not report");
		ok[(int)report[0]] = report[1];
	}
	printf("%d clients connected at once, each made %d calls and kept its "
	       "connection open:\n",
	       clients, calls);
	for (int i = 0; i < clients; i++)
		printf("  client %d: %s\n", i,
		       ok[i] ? "every answer right" : "FAILED");
	close(done[1]); /* now they may leave */
	for (int i = 0; i < clients; i++)
		ipc_waitpid(pids[i], NULL);
	close(stop[1]); /* and the server stops */
	ipc_waitpid(server, &status);
	printf("rpc_serve() returned: %d clients accepted\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	close(results[0]);
	unlink(path);
	return 0;
}

/* ---------------------------------------------------------- step 5: passfd */

static int
demo_passfd(const char *path, const char *file)
{
	static struct rpc_conn conn;
	struct rpc_server *srv = demo_server();
	struct rpc_msg result;
	struct rpc_value arg;
	pid_t server;
	int fd;

	server = serve_one(srv, listen_fresh(path), -1, -1);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		ipc_die_errno(file);
	connect_or_die(&conn, path, 2000);
	arg = RPC_FD_VALUE(fd);
	printf("wc(a descriptor of the file)");
	print_outcome(rpc_call(&conn, "wc", &arg, 1, &result), &result);
	printf("the server counted lines and bytes through our descriptor; "
	       "ours is still open: %s\n",
	       fcntl(fd, F_GETFD) != -1 ? "yes" : "no");
	printf("our offset is now %ld: the server read our open file, not a "
	       "copy\n",
	       (long)lseek(fd, 0, SEEK_CUR));
	close(fd);
	rpc_close(&conn);
	ipc_waitpid(server, NULL);
	unlink(path);
	rpc_server_free(srv);
	return 0;
}

/* ---------------------------------------------------------- step 5: whoami */

static int
demo_whoami(const char *path)
{
	static struct rpc_conn conn;
	struct rpc_server *srv = demo_server();
	struct rpc_msg result;
	pid_t server;

	server = serve_one(srv, listen_fresh(path), -1, -1);
	connect_or_die(&conn, path, 2000);
	if (rpc_call(&conn, "whoami", NULL, 0, &result) == -1)
		ipc_die_errno("rpc_call(whoami)");
	printf("the server's handler sees the caller as: pid %s, uid %s, gid "
	       "%s\n",
	       result.argv[0].i == getpid() ? "ours" : "NOT ours",
	       result.argv[1].i == geteuid() ? "ours" : "NOT ours",
	       result.argv[2].i == getegid() ? "ours" : "NOT ours");
	rpc_close(&conn);
	ipc_waitpid(server, NULL);
	unlink(path);

	if (rpc_server_allow_uid(srv, geteuid() + 1) == -1)
		ipc_die_errno("rpc_server_allow_uid");
	server = serve_one(srv, listen_fresh(path), -1, -1);
	connect_or_die(&conn, path, 2000);
	printf("a server that lets only another uid call: ");
	show_call(&conn, "whoami", NULL, 0);
	rpc_close(&conn);
	ipc_waitpid(server, NULL);
	unlink(path);
	rpc_server_free(srv);
	return 0;
}

/* --------------------------------------------------- by hand: serve, call */

static int
demo_serve(const char *path)
{
	struct rpc_server *srv = demo_server();
	int lfd = listen_fresh(path);
	long served;

	printf("serving add, div, square, echo, crash, wc and whoami at %s; "
	       "press Enter to stop\n",
	       path);
	fflush(stdout);
	served = rpc_serve(srv, lfd, STDIN_FILENO);
	if (served == -1)
		ipc_die_errno("rpc_serve");
	printf("%ld client(s) served\n", served);
	close(lfd);
	unlink(path);
	rpc_server_free(srv);
	return 0;
}

static int
demo_call(const char *path, int argc, char **argv)
{
	static struct rpc_conn conn;
	struct rpc_value args[RPC_VALUES_MAX];
	unsigned n = 0;

	if (argc - 1 > RPC_VALUES_MAX)
		ipc_die("at most %d arguments", RPC_VALUES_MAX);
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '@') { /* @FILE: pass an open descriptor */
			int fd = open(argv[i] + 1, O_RDONLY | O_CLOEXEC);
			if (fd == -1)
				ipc_die_errno(argv[i] + 1);
			args[n++] = RPC_FD_VALUE(fd);
		} else {
			args[n++] = parse_value(argv[i]);
		}
	}
	connect_or_die(&conn, path, 5000);
	show_call(&conn, argv[0], args, n);
	rpc_close(&conn);
	return 0;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN); /* belt and braces: MSG_NOSIGNAL does it */
	if (argc >= 3 && strcmp(argv[1], "frame") == 0)
		return demo_frame(argc - 2, argv + 2);
	if (argc == 4 && strcmp(argv[1], "fuzz") == 0)
		return demo_fuzz(strtoul(argv[2], NULL, 0),
				 strtoul(argv[3], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "calc") == 0)
		return demo_calc(argv[2]);
	if (argc == 4 && strcmp(argv[1], "timeout") == 0)
		return demo_timeout(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "pipeline") == 0)
		return demo_pipeline(argv[2], (unsigned)atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "many") == 0)
		return demo_many(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "passfd") == 0)
		return demo_passfd(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "whoami") == 0)
		return demo_whoami(argv[2]);
	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return demo_serve(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "call") == 0)
		return demo_call(argv[2], argc - 3, argv + 3);
	fprintf(stderr,
		"usage: rpc_demo frame METHOD [ARG...] | fuzz COUNT SEED |\n"
		"       rpc_demo calc PATH | timeout PATH MS | pipeline PATH N "
		"|\n"
		"       rpc_demo many PATH CLIENTS CALLS | passfd PATH FILE |\n"
		"       rpc_demo whoami PATH | serve PATH |\n"
		"       rpc_demo call PATH METHOD [ARG...]   (@FILE passes a "
		"descriptor)\n");
	return 2;
}
