/* SPDX-License-Identifier: MIT */
/**
 * @file rpc.c
 * @brief Lab 10, RPC over a Unix socket: your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=10 STEP=n`. Read README.md first.
 */
#include "rpc.h"
#include "ipc_util.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

ssize_t
rpc_encode(const struct rpc_msg *msg, void *buf, size_t cap)
{
	/* TODO(step 1): check the message first (EINVAL: see rpc.h). Then
	 * write the fields in order, each one only if it still fits in cap
	 * (EMSGSIZE otherwise): a placeholder for the length prefix, the id,
	 * the kind, the method's length and bytes, the count, each value
	 * (type byte, then 8 bytes, or a u32 length and the bytes, or
	 * nothing for RPC_FD). Every integer big-endian: shift it out a byte
	 * at a time. Last, fill in the prefix: the bytes after it.
	 * Read: man 3 byteorder, the wire format at the top of rpc.h. */
	(void)msg;
	(void)buf;
	(void)cap;
	errno = ENOSYS;
	return -1;
}

int
rpc_decode(const void *frame, size_t len, struct rpc_msg *msg)
{
	/* TODO(step 1): the bytes come from another process: trust nothing.
	 * Keep a cursor and the bytes left; take every field through one
	 * helper that refuses to go past the end (n > left: EBADMSG). The
	 * prefix must equal len - RPC_HEADER_LEN; kind 1..3; method length
	 * at most RPC_METHOD_MAX (at least 1 in a request, 0 otherwise), no
	 * NUL in it; count at most RPC_VALUES_MAX; a string or bytes length
	 * no more than what is left; no NUL in a string; nothing left over.
	 * Values point into the frame; an RPC_FD value gets fd -1.
	 * Read: the wire format at the top of rpc.h. */
	(void)frame;
	(void)len;
	(void)msg;
	errno = ENOSYS;
	return -1;
}

ssize_t
rpc_send_frame(int sock, const void *frame, size_t len,
	       const struct rpc_fds *fds)
{
	/* TODO(step 1): loop on send() (or sendmsg()) with MSG_NOSIGNAL
	 * until every byte is out: a short send sends the rest next, EINTR
	 * tries again. Step 5: when fds has descriptors, the first sendmsg()
	 * carries them in one SCM_RIGHTS control message (a buffer of
	 * CMSG_SPACE(n * sizeof(int)), cmsg_len CMSG_LEN(n * sizeof(int)),
	 * as in lab 08). Read: man 2 send, man 2 sendmsg, man 3 cmsg. */
	(void)sock;
	(void)frame;
	(void)len;
	(void)fds;
	errno = ENOSYS;
	return -1;
}

ssize_t
rpc_recv_frame(int sock, void *buf, size_t cap, int timeout_ms,
	       struct rpc_fds *fds)
{
	/* TODO(step 1): write a helper that receives exactly n bytes before
	 * a deadline: poll() for POLLIN with the time left, then recv();
	 * loop, one recv() is not one frame. Use it for the 4-byte prefix,
	 * check the length it announces against cap (EMSGSIZE) BEFORE
	 * reading on, then for the body. EOF before any byte: 0; inside the
	 * frame: EPROTO. No byte in time: ETIMEDOUT; stalled inside: EPROTO.
	 * Set fds->n = 0 first. Step 5: receive with recvmsg() and a control
	 * buffer, keep the SCM_RIGHTS descriptors in fds (close them when
	 * fds is NULL or full). Read: man 2 poll, man 2 recv, man 2 recvmsg,
	 * man 3 cmsg, man 7 unix. */
	(void)sock;
	(void)buf;
	(void)cap;
	(void)timeout_ms;
	(void)fds;
	errno = ENOSYS;
	return -1;
}

/* TODO(step 2): what a server holds: its methods (a name, a handler and
 * its arg each, at most RPC_METHODS_MAX), the one uid allowed to call
 * (step 5), and room for the message of an error reply. */
struct rpc_server {
	int unused;
};

struct rpc_server *
rpc_server_new(void)
{
	/* TODO(step 2): calloc() a server; remember geteuid() as the uid
	 * allowed to call (step 5). Read: man 3 calloc, man 2 geteuid. */
	errno = ENOSYS;
	return NULL;
}

int
rpc_server_register(struct rpc_server *srv, const char *method,
		    rpc_handler_fn *fn, void *arg)
{
	/* TODO(step 2): check the name (1..RPC_METHOD_MAX bytes) and fn
	 * (EINVAL), refuse a name already there (EEXIST) and a full table
	 * (ENOSPC), copy the name, keep fn and arg. Read: man 3 strnlen. */
	(void)srv;
	(void)method;
	(void)fn;
	(void)arg;
	errno = ENOSYS;
	return -1;
}

void
rpc_server_free(struct rpc_server *srv)
{
	/* TODO(step 2): free what rpc_server_new() allocated. */
	(void)srv;
}

int
rpc_dispatch(struct rpc_server *srv, const struct rpc_caller *caller,
	     const struct rpc_msg *req, struct rpc_msg *reply)
{
	/* TODO(step 2): start an empty reply with the request's id. Not a
	 * request: RPC_ERR_INVALID. No such method: RPC_ERR_NO_METHOD. Else
	 * run the handler; if it returns -1, replace the reply by an error
	 * whose code is its errno. An error reply holds exactly an RPC_INT
	 * code and an RPC_STR message (keep the message's text in the
	 * server). Step 5: first of all, a caller whose uid is not the one
	 * allowed gets RPC_ERR_DENIED. Return 0. Read: man 3 strerror. */
	(void)srv;
	(void)caller;
	(void)req;
	(void)reply;
	errno = ENOSYS;
	return -1;
}

int
rpc_listen(const char *path)
{
	/* TODO(step 2): a struct sockaddr_un (ENAMETOOLONG when the path
	 * does not fit in sun_path), socket(AF_UNIX, SOCK_STREAM), bind(),
	 * listen(); close the socket on every error. As in lab 07.
	 * Read: man 7 unix, man 2 bind, man 2 listen. */
	(void)path;
	errno = ENOSYS;
	return -1;
}

long
rpc_serve_conn(struct rpc_server *srv, int sock)
{
	/* TODO(step 2): loop: rpc_recv_frame() (no timeout) into a buffer of
	 * RPC_FRAME_MAX; 0: the client is done, return the count. -1: the
	 * stream is broken, stop. Decode (a failure is RPC_ERR_PARSE with id
	 * 0), dispatch, encode the reply into a second buffer, send it with
	 * rpc_send_frame() (EPIPE: the client left, stop). Step 5: learn the
	 * caller with rpc_peer_cred() first (until then a zeroed caller);
	 * give the frame's descriptors to its RPC_FD values (counts differ:
	 * RPC_ERR_INVALID) and close them after the handler.
	 * Read: README.md, step 2. */
	(void)srv;
	(void)sock;
	errno = ENOSYS;
	return -1;
}

int
rpc_connect(struct rpc_conn *conn, const char *path, int timeout_ms)
{
	/* TODO(step 3): socket(AF_UNIX, SOCK_STREAM) and connect() to the
	 * path (close the socket if it fails, keep connect()'s errno); fill
	 * conn->fd, conn->timeout_ms and conn->next_id = 1.
	 * Read: man 2 connect. */
	(void)conn;
	(void)path;
	(void)timeout_ms;
	errno = ENOSYS;
	return -1;
}

int
rpc_call(struct rpc_conn *conn, const char *method,
	 const struct rpc_value *args, unsigned argc, struct rpc_msg *result)
{
	/* TODO(step 3): take conn->next_id (never 0), encode the request into
	 * conn->out and send it. Then, before a deadline of conn->timeout_ms:
	 * receive a frame into conn->in (EOF: ECONNRESET, the server is
	 * gone), decode it into *result (malformed, or a request: EPROTO);
	 * an id that is not the request's answers an older call: skip it.
	 * An RPC_ERROR: -1 with EREMOTEIO. Step 5: the descriptors of the
	 * RPC_FD arguments go with the frame. Read: README.md, step 3. */
	(void)conn;
	(void)method;
	(void)args;
	(void)argc;
	(void)result;
	errno = ENOSYS;
	return -1;
}

int
rpc_close(struct rpc_conn *conn)
{
	/* TODO(step 3): close conn->fd and set it to -1. */
	(void)conn;
	errno = ENOSYS;
	return -1;
}

long
rpc_serve(struct rpc_server *srv, int listen_fd, int stop_fd)
{
	/* TODO(step 4): accept clients and serve them all at once. Either
	 * poll() over stop_fd, listen_fd and every client, with a buffer per
	 * client (several frames may come in one recv()); or fork a process
	 * per client that runs rpc_serve_conn() and _exit()s, and reap each
	 * one by its pid when it ends (a pidfd, or a pipe only the child
	 * writes to, in the poll set tells you). When stop_fd is readable:
	 * end every connection and every process, and return the number of
	 * clients accepted. Read: README.md, step 4, man 2 poll,
	 * man 2 accept, man 2 pidfd_open. */
	(void)srv;
	(void)listen_fd;
	(void)stop_fd;
	errno = ENOSYS;
	return -1;
}

int
rpc_call_many(struct rpc_conn *conn, const struct rpc_request *reqs, unsigned n,
	      rpc_reply_fn *on_reply, void *ctx)
{
	/* TODO(step 4): give the n requests consecutive ids and send them
	 * all. Then receive answers (the same deadline for all of them):
	 * index = reply id - first id; out of range or answered already:
	 * skip it; else call on_reply(ctx, index, &reply). Never match an
	 * answer to a request by its place in the order of arrival.
	 * Read: README.md, step 4. */
	(void)conn;
	(void)reqs;
	(void)n;
	(void)on_reply;
	(void)ctx;
	errno = ENOSYS;
	return -1;
}

int
rpc_peer_cred(int sock, struct rpc_caller *caller)
{
	/* TODO(step 5): getsockopt(sock, SOL_SOCKET, SO_PEERCRED) into a
	 * struct ucred; copy pid, uid and gid. As in lab 08.
	 * Read: man 7 unix (SO_PEERCRED), man 2 getsockopt. */
	(void)sock;
	(void)caller;
	errno = ENOSYS;
	return -1;
}

int
rpc_server_allow_uid(struct rpc_server *srv, uid_t uid)
{
	/* TODO(step 5): remember uid as the one allowed to call. */
	(void)srv;
	(void)uid;
	errno = ENOSYS;
	return -1;
}
