/* SPDX-License-Identifier: MIT */
/**
 * @file rpc.c
 * @brief Lab 10 reference solution: RPC over a Unix socket (all five
 *        steps).
 */
#include "rpc.h"
#include "ipc_util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* ------------------------------------------------------- shared helpers */

/** The moment @p timeout_ms from now (ipc_now_ns() clock); 0: never. */
static uint64_t
deadline_after(int timeout_ms)
{
	if (timeout_ms < 0)
		return 0;
	return ipc_now_ns() + (uint64_t)timeout_ms * 1000000u;
}

/** Milliseconds left before @p deadline, for poll(): -1 never, 0 past. */
static int
ms_left(uint64_t deadline)
{
	uint64_t now = ipc_now_ns();

	if (deadline == 0)
		return -1;
	if (now >= deadline)
		return 0;
	return (int)((deadline - now + 999999u) / 1000000u); /* round up */
}

/** Fill a Unix address; ENAMETOOLONG rather than a silently cut path. */
static int
unix_address(struct sockaddr_un *addr, const char *path)
{
	if (path == NULL || path[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(addr->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr->sun_path, path);
	return 0;
}

/** Close every descriptor in @p fds (keeping errno) and empty it. */
static void
close_fds(struct rpc_fds *fds)
{
	for (unsigned i = 0; i < fds->n; i++)
		ipc_close_quietly(fds->fd[i]);
	fds->n = 0;
}

/* ------------------------------------------------ step 1: the wire format */

/** Store @p v at @p b big-endian, whatever the machine's byte order. */
static void
store_u32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

/** The big-endian 32-bit number at @p b. */
static uint32_t
load_u32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/** Where the encoder writes: a buffer, its size, how much is used. */
struct writer {
	unsigned char *buf;
	size_t cap, len;
};

/** Append @p n bytes; false (and nothing written) when they do not fit. */
static bool
put(struct writer *w, const void *p, size_t n)
{
	if (n > w->cap - w->len)
		return false;
	if (n > 0)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
	return true;
}

static bool
put_u8(struct writer *w, unsigned v)
{
	unsigned char b = (unsigned char)v;

	return put(w, &b, 1);
}

static bool
put_u32(struct writer *w, uint32_t v)
{
	unsigned char b[4];

	store_u32(b, v);
	return put(w, b, sizeof(b));
}

static bool
put_u64(struct writer *w, uint64_t v)
{
	return put_u32(w, (uint32_t)(v >> 32)) && put_u32(w, (uint32_t)v);
}

/** Can @p v be encoded? */
static bool
valid_value(const struct rpc_value *v)
{
	switch (v->type) {
	case RPC_INT:
	case RPC_FD:
		return true;
	case RPC_STR:
		/* A NUL would cut the string short in the receiver's C code. */
		if (v->len > 0 && memchr(v->p, '\0', v->len) != NULL)
			return false;
		/* fall through */
	case RPC_BYTES:
		return v->p != NULL || v->len == 0;
	}
	return false;
}

ssize_t
rpc_encode(const struct rpc_msg *msg, void *buf, size_t cap)
{
	struct writer w = { buf, cap < RPC_FRAME_MAX ? cap : RPC_FRAME_MAX, 0 };
	size_t mlen;
	bool fits;

	if (msg == NULL || buf == NULL) {
		errno = EINVAL;
		return -1;
	}
	mlen = strnlen(msg->method, sizeof(msg->method));
	if (msg->kind < RPC_REQUEST || msg->kind > RPC_ERROR ||
	    mlen > RPC_METHOD_MAX || (msg->kind == RPC_REQUEST) != (mlen > 0) ||
	    msg->argc > RPC_VALUES_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (unsigned i = 0; i < msg->argc; i++) {
		if (!valid_value(&msg->argv[i])) {
			errno = EINVAL;
			return -1;
		}
	}
	/* The length prefix goes in last, once the length is known. */
	fits = put_u32(&w, 0) && put_u32(&w, msg->id) &&
	       put_u8(&w, msg->kind) && put_u8(&w, (unsigned)mlen) &&
	       put(&w, msg->method, mlen) && put_u8(&w, msg->argc);
	for (unsigned i = 0; fits && i < msg->argc; i++) {
		const struct rpc_value *v = &msg->argv[i];
		fits = put_u8(&w, v->type);
		if (fits && v->type == RPC_INT)
			fits = put_u64(&w, (uint64_t)v->i);
		else if (fits && (v->type == RPC_STR || v->type == RPC_BYTES))
			fits = put_u32(&w, v->len) && put(&w, v->p, v->len);
		/* RPC_FD: the type byte only; the descriptor goes beside. */
	}
	if (!fits) {
		errno = EMSGSIZE;
		return -1;
	}
	/* The prefix counts the bytes that follow it. */
	store_u32(w.buf, (uint32_t)(w.len - RPC_HEADER_LEN));
	return (ssize_t)w.len;
}

/** Where the decoder reads: the next byte and how many are left. */
struct reader {
	const unsigned char *p;
	size_t left;
};

/**
 * The next @p n bytes, or NULL when fewer than @p n are left. Every read
 * of the decoder goes through here: this one comparison is the bounds
 * check that keeps a lying length from reading past the frame.
 */
static const unsigned char *
take(struct reader *r, size_t n)
{
	const unsigned char *at = r->p;

	if (n > r->left)
		return NULL;
	r->p += n;
	r->left -= n;
	return at;
}

static bool
get_u8(struct reader *r, unsigned *v)
{
	const unsigned char *b = take(r, 1);

	if (b != NULL)
		*v = b[0];
	return b != NULL;
}

static bool
get_u32(struct reader *r, uint32_t *v)
{
	const unsigned char *b = take(r, 4);

	if (b != NULL)
		*v = load_u32(b);
	return b != NULL;
}

static bool
get_u64(struct reader *r, uint64_t *v)
{
	uint32_t high, low;

	if (!get_u32(r, &high) || !get_u32(r, &low))
		return false;
	*v = (uint64_t)high << 32 | low;
	return true;
}

/** Decode one value; false if it is malformed or does not fit. */
static bool
get_value(struct reader *r, struct rpc_value *v)
{
	const unsigned char *bytes;
	unsigned type;
	uint32_t len;
	uint64_t u;

	memset(v, 0, sizeof(*v));
	v->fd = -1; /* an RPC_FD's descriptor is filled in by the receiver */
	if (!get_u8(r, &type))
		return false;
	v->type = (enum rpc_type)type;
	switch (type) {
	case RPC_INT:
		if (!get_u64(r, &u))
			return false;
		v->i = (int64_t)u;
		return true;
	case RPC_FD:
		return true;
	case RPC_STR:
	case RPC_BYTES:
		/* A length inside the frame is no more trustworthy than the
		 * prefix: take() checks it against what is really left. */
		if (!get_u32(r, &len) || (bytes = take(r, len)) == NULL)
			return false;
		if (type == RPC_STR && memchr(bytes, '\0', len) != NULL)
			return false;
		v->p = bytes;
		v->len = len;
		return true;
	}
	return false; /* an unknown type */
}

int
rpc_decode(const void *frame, size_t len, struct rpc_msg *msg)
{
	struct reader r = { frame, len };
	const unsigned char *name;
	unsigned kind, mlen, count;
	uint32_t prefix;

	if (frame == NULL || msg == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* The prefix says how long the frame is; believe only what is here. */
	if (len > RPC_FRAME_MAX || !get_u32(&r, &prefix) || prefix != r.left)
		goto malformed;
	if (!get_u32(&r, &msg->id) || !get_u8(&r, &kind) || !get_u8(&r, &mlen))
		goto malformed;
	if (kind < RPC_REQUEST || kind > RPC_ERROR || mlen > RPC_METHOD_MAX ||
	    (kind == RPC_REQUEST) != (mlen > 0))
		goto malformed;
	if ((name = take(&r, mlen)) == NULL || memchr(name, '\0', mlen) != NULL)
		goto malformed;
	msg->kind = (enum rpc_kind)kind;
	memcpy(msg->method, name, mlen);
	msg->method[mlen] = '\0';
	if (!get_u8(&r, &count) || count > RPC_VALUES_MAX)
		goto malformed; /* argv has room for RPC_VALUES_MAX, no more */
	msg->argc = count;
	for (unsigned i = 0; i < count; i++)
		if (!get_value(&r, &msg->argv[i]))
			goto malformed;
	if (r.left != 0)
		goto malformed; /* bytes after the last value */
	return 0;
malformed:
	errno = EBADMSG;
	return -1;
}

/** A control buffer for RPC_VALUES_MAX descriptors, aligned for cmsghdr. */
union fd_control {
	char buf[CMSG_SPACE(sizeof(int) * RPC_VALUES_MAX)];
	struct cmsghdr align;
};

ssize_t
rpc_send_frame(int sock, const void *frame, size_t len,
	       const struct rpc_fds *fds)
{
	unsigned nfds = fds != NULL ? fds->n : 0;
	union fd_control control;
	size_t done = 0;

	if (frame == NULL || len == 0 || nfds > RPC_VALUES_MAX) {
		errno = EINVAL;
		return -1;
	}
	while (done < len) {
		struct iovec iov = { .iov_base = (char *)frame + done,
				     .iov_len = len - done };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (done == 0 && nfds > 0) {
			/* The descriptors ride on the frame's first bytes. */
			struct cmsghdr *c;
			memset(&control, 0, sizeof(control));
			msg.msg_control = control.buf;
			msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
			c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
			memcpy(CMSG_DATA(c), fds->fd, sizeof(int) * nfds);
		}
		/* MSG_NOSIGNAL: a vanished peer is EPIPE, not a dead process. */
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n; /* a short send: the rest goes next time */
	}
	return (ssize_t)len;
}

/** Keep the descriptors a control message brought (close the extras). */
static void
keep_fds(struct msghdr *msg, struct rpc_fds *fds)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
	     c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			/* CMSG_DATA may be unaligned for an int: copy it. */
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int),
			       sizeof(int));
			if (fds != NULL && fds->n < RPC_VALUES_MAX)
				fds->fd[fds->n++] = fd;
			else
				close(fd); /* never leak what arrived */
		}
	}
}

/**
 * Receive exactly @p len bytes before @p deadline, collecting descriptors.
 * *done says how many arrived: fewer than @p len only at EOF (return 0).
 * Returns -1 with errno set (ETIMEDOUT when time ran out).
 */
static int
recv_exact(int sock, unsigned char *buf, size_t len, uint64_t deadline,
	   struct rpc_fds *fds, size_t *done)
{
	union fd_control control;

	*done = 0;
	while (*done < len) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		struct iovec iov = { .iov_base = buf + *done,
				     .iov_len = len - *done };
		struct msghdr msg = { .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = control.buf,
				      .msg_controllen = sizeof(control.buf) };
		int ready = poll(&pfd, 1, ms_left(deadline));
		ssize_t n;

		if (ready == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (ready == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		keep_fds(&msg, fds);
		if (n == 0)
			return 0;   /* EOF */
		*done += (size_t)n; /* one recv is not one frame */
	}
	return 0;
}

ssize_t
rpc_recv_frame(int sock, void *buf, size_t cap, int timeout_ms,
	       struct rpc_fds *fds)
{
	uint64_t deadline = deadline_after(timeout_ms);
	size_t limit = cap < RPC_FRAME_MAX ? cap : RPC_FRAME_MAX, got;
	struct rpc_fds none = { 0 };
	unsigned char *p = buf;
	uint32_t body;

	if (fds == NULL)
		fds = &none; /* collected, then closed below */
	fds->n = 0;
	if (buf == NULL || cap < RPC_HEADER_LEN) {
		errno = EINVAL;
		return -1;
	}
	if (recv_exact(sock, p, RPC_HEADER_LEN, deadline, fds, &got) == -1) {
		if (got > 0 && errno == ETIMEDOUT)
			errno = EPROTO; /* stalled inside a frame */
		goto fail;
	}
	if (got == 0)
		return 0; /* a clean end, between two frames */
	if (got < RPC_HEADER_LEN) {
		errno = EPROTO; /* the peer left in the middle of a frame */
		goto fail;
	}
	body = load_u32(p);
	/* Check the announced length before reading a byte of it. */
	if (body > limit - RPC_HEADER_LEN) {
		errno = EMSGSIZE;
		goto fail;
	}
	if (recv_exact(sock, p + RPC_HEADER_LEN, body, deadline, fds, &got) ==
	    -1) {
		if (errno == ETIMEDOUT)
			errno = EPROTO;
		goto fail;
	}
	if (got < body) {
		errno = EPROTO;
		goto fail;
	}
	if (fds == &none)
		close_fds(&none); /* nobody wanted them */
	return (ssize_t)(RPC_HEADER_LEN + body);
fail:
	close_fds(fds); /* keeps errno */
	return -1;
}

/* ---------------------------------------------- step 2: server, dispatch */

/** One method: its name and what runs it. */
struct method {
	char name[RPC_METHOD_MAX + 1];
	rpc_handler_fn *fn;
	void *arg;
};

struct rpc_server {
	struct method methods[RPC_METHODS_MAX];
	size_t n_methods;
	uid_t allowed_uid; /* step 5: the only uid that may call */
	char note[128];	   /* the message of the last error reply */
};

struct rpc_server *
rpc_server_new(void)
{
	struct rpc_server *srv = calloc(1, sizeof(*srv));

	if (srv != NULL)
		srv->allowed_uid = geteuid(); /* only my own uid may call */
	return srv;
}

/** The method called @p name, or NULL. */
static struct method *
find_method(struct rpc_server *srv, const char *name)
{
	for (size_t i = 0; i < srv->n_methods; i++)
		if (strcmp(srv->methods[i].name, name) == 0)
			return &srv->methods[i];
	return NULL;
}

int
rpc_server_register(struct rpc_server *srv, const char *method,
		    rpc_handler_fn *fn, void *arg)
{
	struct method *m;
	size_t len;

	if (srv == NULL || method == NULL || fn == NULL ||
	    (len = strnlen(method, RPC_METHOD_MAX + 1)) == 0 ||
	    len > RPC_METHOD_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (find_method(srv, method) != NULL) {
		errno = EEXIST;
		return -1;
	}
	if (srv->n_methods == RPC_METHODS_MAX) {
		errno = ENOSPC;
		return -1;
	}
	m = &srv->methods[srv->n_methods++];
	memcpy(m->name, method, len + 1);
	m->fn = fn;
	m->arg = arg;
	return 0;
}

void
rpc_server_free(struct rpc_server *srv)
{
	free(srv);
}

/** An empty reply to the request @p id. */
static void
start_reply(struct rpc_msg *reply, uint32_t id)
{
	memset(reply, 0, sizeof(*reply));
	reply->id = id;
	reply->kind = RPC_REPLY;
}

/** Make @p reply an error: the code, and a message kept in srv->note. */
static void error_reply(struct rpc_server *srv, struct rpc_msg *reply,
			uint32_t id, int code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
error_reply(struct rpc_server *srv, struct rpc_msg *reply, uint32_t id,
	    int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(srv->note, sizeof(srv->note), fmt, ap);
	va_end(ap);
	start_reply(reply, id);
	reply->kind = RPC_ERROR;
	reply->argc = 2;
	reply->argv[0] = RPC_INT_VALUE(code);
	reply->argv[1] = RPC_STR_VALUE(srv->note);
}

int
rpc_dispatch(struct rpc_server *srv, const struct rpc_caller *caller,
	     const struct rpc_msg *req, struct rpc_msg *reply)
{
	struct method *m;

	if (srv == NULL || caller == NULL || req == NULL || reply == NULL) {
		errno = EINVAL;
		return -1;
	}
	start_reply(reply, req->id); /* the answer carries the request's id */
	if (req->kind != RPC_REQUEST) {
		error_reply(srv, reply, req->id, RPC_ERR_INVALID,
			    "not a request");
		return 0;
	}
	/* The kernel vouches for caller->uid (SO_PEERCRED): check it first. */
	if (caller->uid != srv->allowed_uid) {
		error_reply(srv, reply, req->id, RPC_ERR_DENIED,
			    "permission denied: uid %ld may not call",
			    (long)caller->uid);
		return 0;
	}
	m = find_method(srv, req->method);
	if (m == NULL) {
		/* An answer, not a dropped connection: the caller learns
		 * why, and its next call still works. */
		error_reply(srv, reply, req->id, RPC_ERR_NO_METHOD,
			    "no such method: %s", req->method);
		return 0;
	}
	errno = 0;
	if (m->fn(m->arg, caller, req, reply) != 0) {
		int err = errno > 0 ? errno : EIO;
		error_reply(srv, reply, req->id, err, "%s: %s", req->method,
			    strerror(err));
	}
	return 0;
}

int
rpc_listen(const char *path)
{
	struct sockaddr_un addr;
	int fd, saved;

	if (unix_address(&addr, path) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1 ||
	    listen(fd, 64) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/** Give the descriptors that came with a request to its RPC_FD values. */
static bool
attach_fds(struct rpc_msg *req, const struct rpc_fds *fds)
{
	unsigned used = 0;

	for (unsigned i = 0; i < req->argc; i++) {
		if (req->argv[i].type != RPC_FD)
			continue;
		if (used == fds->n)
			return false; /* fewer descriptors than RPC_FD values */
		req->argv[i].fd = fds->fd[used++];
	}
	return used == fds->n;
}

/** Build the reply to the frame @p frame of @p len bytes. */
static void
answer(struct rpc_server *srv, const struct rpc_caller *caller,
       const unsigned char *frame, size_t len, const struct rpc_fds *fds,
       struct rpc_msg *reply)
{
	struct rpc_msg req;

	if (rpc_decode(frame, len, &req) == -1) {
		/* Its id is as doubtful as the rest: answer to id 0. */
		error_reply(srv, reply, 0, RPC_ERR_PARSE,
			    "malformed request frame");
		return;
	}
	if (!attach_fds(&req, fds)) {
		error_reply(srv, reply, req.id, RPC_ERR_INVALID,
			    "%u descriptor(s) for the RPC_FD arguments",
			    fds->n);
		return;
	}
	rpc_dispatch(srv, caller, &req, reply);
	for (unsigned i = 0; i < reply->argc; i++)
		if (reply->argv[i].type == RPC_FD)
			error_reply(srv, reply, req.id, RPC_ERR_INTERNAL,
				    "a reply cannot carry descriptors");
}

long
rpc_serve_conn(struct rpc_server *srv, int sock)
{
	unsigned char *in = malloc(RPC_FRAME_MAX), *out = malloc(RPC_FRAME_MAX);
	struct rpc_caller caller;
	long answered = -1;

	if (srv == NULL)
		errno = EINVAL;
	else if (in == NULL || out == NULL)
		errno = ENOMEM;
	else if (rpc_peer_cred(sock, &caller) == 0)
		answered = 0;
	while (answered >= 0) {
		struct rpc_fds fds;
		struct rpc_msg reply;
		ssize_t n = rpc_recv_frame(sock, in, RPC_FRAME_MAX, -1, &fds);

		if (n == 0)
			break; /* the client closed: done */
		if (n == -1) {
			/* The stream is broken or out of step: no frame can
			 * be found after this one. Say why, then hang up. */
			if (errno == EMSGSIZE) {
				error_reply(srv, &reply, 0, RPC_ERR_PARSE,
					    "frame too large");
				n = rpc_encode(&reply, out, RPC_FRAME_MAX);
				send(sock, out, (size_t)n,
				     MSG_NOSIGNAL | MSG_DONTWAIT);
			}
			break;
		}
		answer(srv, &caller, in, (size_t)n, &fds, &reply);
		close_fds(&fds); /* the handler only borrowed them */
		n = rpc_encode(&reply, out, RPC_FRAME_MAX);
		if (n == -1) {
			error_reply(srv, &reply, reply.id, RPC_ERR_INTERNAL,
				    "the reply does not fit in a frame");
			n = rpc_encode(&reply, out, RPC_FRAME_MAX);
		}
		if (rpc_send_frame(sock, out, (size_t)n, NULL) == -1)
			break; /* EPIPE: it left without waiting for us */
		answered++;
	}
	free(in);
	free(out);
	return answered;
}

/* --------------------------------------------------- step 3: the client */

int
rpc_connect(struct rpc_conn *conn, const char *path, int timeout_ms)
{
	struct sockaddr_un addr;
	int fd, saved;

	if (conn == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (unix_address(&addr, path) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	conn->fd = fd;
	conn->timeout_ms = timeout_ms;
	conn->next_id = 1;
	return 0;
}

/** Reserve @p n consecutive request ids; ids count up from 1, never 0. */
static uint32_t
take_ids(struct rpc_conn *conn, unsigned n)
{
	uint32_t first;

	if (conn->next_id == 0 || conn->next_id > UINT32_MAX - (n - 1))
		conn->next_id = 1; /* wrap around, past 0 */
	first = conn->next_id;
	conn->next_id += n;
	return first;
}

/** Encode request @p id into conn->out and send it with its descriptors. */
static int
send_request(struct rpc_conn *conn, uint32_t id, const char *method,
	     const struct rpc_value *args, unsigned argc)
{
	struct rpc_msg req = { .id = id, .kind = RPC_REQUEST };
	struct rpc_fds fds = { 0 };
	size_t mlen;
	ssize_t len;

	if (method == NULL || (args == NULL && argc > 0) ||
	    argc > RPC_VALUES_MAX ||
	    (mlen = strnlen(method, RPC_METHOD_MAX + 1)) > RPC_METHOD_MAX) {
		errno = EINVAL;
		return -1;
	}
	memcpy(req.method, method, mlen + 1);
	req.argc = argc;
	for (unsigned i = 0; i < argc; i++) {
		req.argv[i] = args[i];
		if (args[i].type == RPC_FD)
			fds.fd[fds.n++] = args[i].fd; /* passed, still ours */
	}
	len = rpc_encode(&req, conn->out, sizeof(conn->out));
	if (len == -1)
		return -1;
	return rpc_send_frame(conn->fd, conn->out, (size_t)len, &fds) == -1 ? -1
									    : 0;
}

/** Receive the next answer (a reply or an error) into conn->in. */
static int
recv_answer(struct rpc_conn *conn, uint64_t deadline, struct rpc_msg *msg)
{
	ssize_t n = rpc_recv_frame(conn->fd, conn->in, sizeof(conn->in),
				   ms_left(deadline), NULL);

	if (n == 0) {
		errno = ECONNRESET; /* EOF: the server is gone, no answer */
		return -1;
	}
	if (n == -1) {
		if (errno == EMSGSIZE)
			errno = EPROTO;
		return -1;
	}
	if (rpc_decode(conn->in, (size_t)n, msg) == -1 ||
	    msg->kind == RPC_REQUEST) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int
rpc_call(struct rpc_conn *conn, const char *method,
	 const struct rpc_value *args, unsigned argc, struct rpc_msg *result)
{
	uint64_t deadline;
	uint32_t id;

	if (conn == NULL || result == NULL) {
		errno = EINVAL;
		return -1;
	}
	deadline = deadline_after(conn->timeout_ms);
	id = take_ids(conn, 1);
	if (send_request(conn, id, method, args, argc) == -1)
		return -1;
	for (;;) {
		if (recv_answer(conn, deadline, result) == -1)
			return -1;
		if (result->id != id)
			continue; /* a late answer to a call given up earlier */
		if (result->kind == RPC_ERROR) {
			errno = EREMOTEIO; /* it ran, or tried, and failed */
			return -1;
		}
		return 0;
	}
}

int
rpc_close(struct rpc_conn *conn)
{
	int rc;

	if (conn == NULL) {
		errno = EINVAL;
		return -1;
	}
	rc = close(conn->fd);
	conn->fd = -1;
	return rc;
}

/* ----------------------------------------------- step 4: many at once */

/** A process serving one client, and what the server keeps of it. */
struct worker {
	pid_t pid;
	int gone; /* a pipe only the process writes to: EOF when it ended */
	int conn; /* our copy of its connection: shutdown() ends it */
};

/** The workers of one rpc_serve(), and its poll() array. */
struct workers {
	struct worker *w;
	size_t n, cap;
	struct pollfd *pfd; /* stop_fd, listen_fd, then each one's gone */
};

/** Room for one more worker (and its pollfd). 0 or -1 (ENOMEM). */
static int
make_room(struct workers *all)
{
	size_t cap = all->cap ? all->cap * 2 : 8;
	struct worker *w;
	struct pollfd *pfd;

	if (all->n < all->cap)
		return 0;
	w = realloc(all->w, cap * sizeof(*w));
	if (w == NULL)
		return -1;
	all->w = w;
	pfd = realloc(all->pfd, (cap + 2) * sizeof(*pfd));
	if (pfd == NULL)
		return -1;
	all->pfd = pfd;
	all->cap = cap;
	return 0;
}

/** Fork a process that serves @p conn; it keeps nothing else of ours. */
static int
start_worker(struct rpc_server *srv, struct workers *all, int listen_fd,
	     int stop_fd, int conn)
{
	int gone[2];
	pid_t pid;

	if (make_room(all) == -1 || pipe2(gone, O_CLOEXEC) == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		ipc_close_quietly(gone[0]);
		ipc_close_quietly(gone[1]);
		return -1;
	}
	if (pid == 0) {
		long served;
		/* Other clients' connections must not stay open in here, or
		 * they would see no EOF when their own process ends. */
		for (size_t i = 0; i < all->n; i++) {
			close(all->w[i].conn);
			close(all->w[i].gone);
		}
		close(gone[0]);
		close(listen_fd);
		close(stop_fd);
		free(all->w);
		free(all->pfd);
		served = rpc_serve_conn(srv, conn);
		close(conn);
		rpc_server_free(srv); /* this process's copy: it ends here */
		close(gone[1]);	      /* EOF for the server (as at a crash) */
		_exit(served == -1 ? 1 : 0);
	}
	close(gone[1]); /* the worker holds the only write end */
	all->w[all->n++] = (struct worker){ pid, gone[0], conn };
	return 0;
}

/** Reap worker @p i (it has ended or will now) and forget it. */
static void
end_worker(struct workers *all, size_t i)
{
	ipc_waitpid(all->w[i].pid, NULL); /* this pid only, never -1 */
	close(all->w[i].conn);
	close(all->w[i].gone);
	all->w[i] = all->w[--all->n];
}

long
rpc_serve(struct rpc_server *srv, int listen_fd, int stop_fd)
{
	struct workers all = { NULL, 0, 0, NULL };
	long accepted = 0;
	int failure = 0;

	if (srv == NULL || listen_fd < 0 || stop_fd < 0) {
		errno = EINVAL;
		return -1;
	}
	if (make_room(&all) == -1)
		return -1;
	for (;;) {
		struct pollfd *pfd = all.pfd;

		pfd[0] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
		for (size_t i = 0; i < all.n; i++)
			pfd[2 + i] = (struct pollfd){ .fd = all.w[i].gone,
						      .events = POLLIN };
		if (poll(pfd, all.n + 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			failure = errno;
			break;
		}
		if (pfd[0].revents != 0)
			break; /* asked to stop (a byte, EOF, or an error) */
		/* Backwards: end_worker() moves the last worker into i. */
		for (size_t i = all.n; i-- > 0;)
			if (pfd[2 + i].revents != 0)
				end_worker(&all, i);
		if (pfd[1].revents & POLLNVAL) {
			failure = EBADF;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (conn == -1) {
				if (errno == EINTR || errno == EAGAIN ||
				    errno == ECONNABORTED)
					continue;
				failure = errno;
				break;
			}
			if (start_worker(srv, &all, listen_fd, stop_fd, conn) ==
			    -1) {
				failure = errno;
				close(conn);
				break;
			}
			accepted++;
		}
	}
	/* End every connection (each worker sees EOF), then reap them all. */
	for (size_t i = 0; i < all.n; i++)
		shutdown(all.w[i].conn, SHUT_RDWR);
	while (all.n > 0)
		end_worker(&all, all.n - 1);
	free(all.w);
	free(all.pfd);
	if (failure != 0) {
		errno = failure;
		return -1;
	}
	return accepted;
}

int
rpc_call_many(struct rpc_conn *conn, const struct rpc_request *reqs, unsigned n,
	      rpc_reply_fn *on_reply, void *ctx)
{
	bool answered[RPC_PIPELINE_MAX] = { false };
	unsigned waiting = n;
	struct rpc_msg reply;
	uint64_t deadline;
	uint32_t first;

	if (conn == NULL || reqs == NULL || on_reply == NULL || n == 0 ||
	    n > RPC_PIPELINE_MAX) {
		errno = EINVAL;
		return -1;
	}
	deadline = deadline_after(conn->timeout_ms);
	first = take_ids(conn, n);
	for (unsigned i = 0; i < n; i++)
		if (send_request(conn, first + i, reqs[i].method, reqs[i].args,
				 reqs[i].argc) == -1)
			return -1;
	while (waiting > 0) {
		uint32_t index;

		if (recv_answer(conn, deadline, &reply) == -1)
			return -1;
		/* By id, never by order of arrival. Unsigned: an id below
		 * first wraps to a large index and is skipped. */
		index = reply.id - first;
		if (index >= n || answered[index])
			continue; /* not one of ours, or answered already */
		answered[index] = true;
		waiting--;
		on_reply(ctx, index, &reply);
	}
	return 0;
}

/* -------------------------------------- step 5: descriptors, credentials */

int
rpc_peer_cred(int sock, struct rpc_caller *caller)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (caller == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* Recorded by the kernel at connect(): the peer cannot lie. */
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return -1;
	caller->pid = cred.pid;
	caller->uid = cred.uid;
	caller->gid = cred.gid;
	return 0;
}

int
rpc_server_allow_uid(struct rpc_server *srv, uid_t uid)
{
	if (srv == NULL) {
		errno = EINVAL;
		return -1;
	}
	srv->allowed_uid = uid;
	return 0;
}
