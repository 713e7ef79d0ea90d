/* SPDX-License-Identifier: MIT */
/**
 * @file rpc.h
 * @brief Lab 10, RPC over a Unix socket: the functions you implement in
 *        rpc.c.
 *
 * A tiny remote procedure call: the caller's arguments are marshalled into
 * a frame, cross the process boundary on a Unix stream socket, a server
 * finds the procedure by its name and runs it, and its return values (or
 * its error) come back the same way.
 *
 * Every function follows the POSIX convention: it returns 0, a count, a
 * descriptor or a pointer on success and -1 (or NULL) with errno set on
 * failure. None of them exits the process (only the processes a server
 * forks end, with _exit()), and none may be killed by SIGPIPE: every send
 * uses MSG_NOSIGNAL. Every socket path comes from the caller.
 * See labs/10-rpc/README.md for the background and the steps.
 *
 * The wire format (every integer big-endian, network byte order):
 *
 *     length  u32   bytes that follow (everything below)
 *     id      u32   chosen by the client, copied into the reply
 *     kind    u8    RPC_REQUEST, RPC_REPLY or RPC_ERROR
 *     mlen    u8    length of the method name (1..RPC_METHOD_MAX in a
 *                   request, 0 in a reply or an error)
 *     method  mlen bytes, no NUL byte
 *     count   u8    number of values (0..RPC_VALUES_MAX)
 *     values  each a type byte, then:
 *               'i' RPC_INT    8 bytes, two's complement
 *               's' RPC_STR    u32 length, then that many bytes, no NUL
 *               'b' RPC_BYTES  u32 length, then that many bytes
 *               'f' RPC_FD     nothing: the descriptor travels beside the
 *                              bytes, as SCM_RIGHTS ancillary data
 *
 * A frame holds nothing else: no padding, no byte after the last value.
 */
#ifndef RPC_LAB_H
#define RPC_LAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

/* ------------------------------------------------------------------ step 1 */

/** @brief Step 1: bytes of the length prefix that starts every frame. */
#define RPC_HEADER_LEN 4

/** @brief Step 1: the largest frame, length prefix included. */
#define RPC_FRAME_MAX 65536

/** @brief Step 1: the longest method name, in bytes. */
#define RPC_METHOD_MAX 32

/** @brief Step 1: the most values (arguments or results) in one frame. */
#define RPC_VALUES_MAX 8

/** @brief Step 1: what a frame is. */
enum rpc_kind {
	RPC_REQUEST = 1, /**< a call: method name and arguments */
	RPC_REPLY = 2,	 /**< the results of the call with the same id */
	RPC_ERROR = 3,	 /**< that call failed: RPC_INT code, RPC_STR text */
};

/** @brief Step 1: the type of a value, also its tag on the wire. */
enum rpc_type {
	RPC_INT = 'i',	 /**< a signed 64-bit integer */
	RPC_STR = 's',	 /**< text: bytes without NUL, not NUL-terminated */
	RPC_BYTES = 'b', /**< any bytes */
	RPC_FD = 'f',	 /**< an open file descriptor (step 5) */
};

/** @brief Step 1: one argument or result. */
struct rpc_value {
	enum rpc_type type; /**< which field below holds the value */
	int64_t i;	    /**< RPC_INT: the number */
	int fd;		    /**< RPC_FD: the descriptor (-1 until known) */
	const void *p;	    /**< RPC_STR, RPC_BYTES: the bytes */
	uint32_t len;	    /**< RPC_STR, RPC_BYTES: how many bytes */
};

/** @brief Step 1: an integer value, e.g. `RPC_INT_VALUE(42)`. */
#define RPC_INT_VALUE(n) ((struct rpc_value){ .type = RPC_INT, .i = (n) })

/** @brief Step 1: a string value for the C string @p s (without its NUL). */
#define RPC_STR_VALUE(s)                                                       \
	((struct rpc_value){                                                   \
		.type = RPC_STR, .p = (s), .len = (uint32_t)strlen(s) })

/** @brief Step 1: a value of @p n bytes at @p b. */
#define RPC_BYTES_VALUE(b, n)                                                  \
	((struct rpc_value){ .type = RPC_BYTES, .p = (b), .len = (n) })

/** @brief Step 5: a descriptor value: @p d is passed, not its number. */
#define RPC_FD_VALUE(d) ((struct rpc_value){ .type = RPC_FD, .fd = (d) })

/** @brief Step 1: one frame, decoded (or about to be encoded). */
struct rpc_msg {
	uint32_t id;			 /**< pairs a reply with its request */
	enum rpc_kind kind;		 /**< request, reply or error */
	char method[RPC_METHOD_MAX + 1]; /**< a request's method, else "" */
	unsigned argc;			 /**< values in argv */
	struct rpc_value argv[RPC_VALUES_MAX]; /**< arguments or results */
};

/** @brief Step 5: descriptors that travel with a frame (SCM_RIGHTS). */
struct rpc_fds {
	unsigned n;		/**< how many */
	int fd[RPC_VALUES_MAX]; /**< the descriptors, in order */
};

/**
 * @brief Step 1: marshal @p msg into one frame in @p buf.
 *
 * Writes the layout described at the top of this file. An RPC_FD value
 * takes only its type byte: the descriptor itself is sent beside the frame
 * (rpc_send_frame()). Nothing is written past @p cap.
 * @param msg the message: kind, id, method (a request's, or "" for a reply
 *            or an error), argc values in argv
 * @param buf where the frame goes
 * @param cap size of @p buf
 * @return the frame's length in bytes, prefix included; -1 with errno set:
 *         EINVAL (a NULL pointer, an unknown kind or type, more than
 *         RPC_VALUES_MAX values, a request's method empty or longer than
 *         RPC_METHOD_MAX, a method name in a reply or an error, a NUL
 *         byte in a string), EMSGSIZE (the frame is longer than @p cap or
 *         than RPC_FRAME_MAX).
 */
ssize_t rpc_encode(const struct rpc_msg *msg, void *buf, size_t cap);

/**
 * @brief Step 1: unmarshal one frame, trusting nothing in it.
 *
 * The @p len bytes at @p frame come from another process: every length and
 * count inside is checked against the bytes that are really there before
 * it is used. Never reads outside frame[0 .. len-1], never writes outside
 * @p msg. The length prefix must equal len - RPC_HEADER_LEN. String and
 * byte values point into @p frame (they are not copied: keep the frame
 * while you use them). An RPC_FD value gets fd -1: the descriptor arrives
 * beside the frame, and the receiver fills it in.
 * @param frame the bytes of one frame, length prefix included
 * @param len   how many
 * @param msg   receives the message (unspecified on failure)
 * @return 0; -1 with errno set: EBADMSG (a malformed frame: a length
 *         prefix that disagrees with @p len, a length or count that goes
 *         past the end, too many values, an unknown kind or type, a method
 *         name that is too long, missing in a request or present in a
 *         reply, a NUL byte in a string or a name, bytes left over after
 *         the last value), EINVAL (a NULL pointer).
 */
int rpc_decode(const void *frame, size_t len, struct rpc_msg *msg);

/**
 * @brief Step 1: send one whole frame on a stream socket.
 *
 * Loops until every byte is sent, through short sends and EINTR. With
 * descriptors (step 5) the first sendmsg() carries them as one SCM_RIGHTS
 * control message with the frame's first bytes. Never raises SIGPIPE.
 * @param sock  a connected AF_UNIX stream socket
 * @param frame the frame (from rpc_encode())
 * @param len   its length
 * @param fds   descriptors to pass with it (step 5); NULL or n == 0: none
 * @return @p len; -1 with errno set: EPIPE or ECONNRESET (the peer is
 *         gone), EINVAL (more than RPC_VALUES_MAX descriptors), or from
 *         sendmsg(2).
 */
ssize_t rpc_send_frame(int sock, const void *frame, size_t len,
		       const struct rpc_fds *fds);

/**
 * @brief Step 1: receive exactly one frame from a stream socket.
 *
 * A stream has no boundaries: one recv() may bring part of a frame or
 * several frames. Read exactly RPC_HEADER_LEN bytes, check the length they
 * announce against @p cap before reading anything more, then read exactly
 * the rest, however many calls it takes (retrying EINTR), all within
 * @p timeout_ms. The body is not checked here: rpc_decode() does that.
 * Descriptors that arrive with the frame (step 5) go into @p fds, in
 * order; with @p fds NULL, and beyond RPC_VALUES_MAX, they are closed.
 * @param sock       a connected AF_UNIX stream socket
 * @param buf        where the frame goes, length prefix included
 * @param cap        size of @p buf (at least RPC_HEADER_LEN)
 * @param timeout_ms how long the whole frame may take; -1: no limit
 * @param fds        receives the descriptors that came with the frame
 *                   (n = 0 when none); may be NULL
 * @return the frame's length, prefix included; 0 when the peer closed the
 *         connection before the first byte of a frame; -1 with errno set:
 *         ETIMEDOUT (no byte of a frame arrived in time: the stream is still
 *         in step), EPROTO (the peer closed, or stalled past the timeout,
 *         in the middle of a frame), EMSGSIZE (the frame announced is
 *         longer than @p cap or than RPC_FRAME_MAX: only its prefix was
 *         read, the stream is out of step), EINVAL, or from poll(2) and
 *         recvmsg(2) (e.g. ECONNRESET). On failure no descriptor is left
 *         open.
 */
ssize_t rpc_recv_frame(int sock, void *buf, size_t cap, int timeout_ms,
		       struct rpc_fds *fds);

/* ------------------------------------------------------------------ step 2 */

/** @brief Step 2: the most methods one server holds. */
#define RPC_METHODS_MAX 32

/** @brief Step 2: error code: the request frame could not be decoded. */
#define RPC_ERR_PARSE (-32700)
/** @brief Step 2: error code: a well-formed frame that is not a valid
 *         request (a reply sent to a server, descriptors missing). */
#define RPC_ERR_INVALID (-32600)
/** @brief Step 2: error code: no method of that name. */
#define RPC_ERR_NO_METHOD (-32601)
/** @brief Step 2: error code: the server failed (a reply too large). */
#define RPC_ERR_INTERNAL (-32603)
/** @brief Step 5: error code: the caller's uid may not call this server. */
#define RPC_ERR_DENIED (-32000)

/** @brief Step 2: who sent a request, as the kernel saw it (step 5). */
struct rpc_caller {
	pid_t pid; /**< the calling process */
	uid_t uid; /**< its effective user id */
	gid_t gid; /**< its effective group id */
};

/**
 * @brief Step 2: a method: what the server runs for a request.
 *
 * On entry @p reply is an empty reply to @p req (kind RPC_REPLY, the
 * request's id, argc 0); the handler adds its results to reply->argv. The
 * request's values, including descriptors, are only borrowed for the
 * call: the server closes the descriptors afterwards (dup() one to keep
 * it). String and byte results must stay valid until the handler returns
 * to the server, which then encodes the reply; they may point into @p req.
 * @param arg    the pointer given to rpc_server_register()
 * @param caller who called (from SO_PEERCRED, step 5)
 * @param req    the request, decoded
 * @param reply  the reply to fill in
 * @return 0: send @p reply; -1 with errno set: send an RPC_ERROR reply
 *         with that errno as its code instead.
 */
typedef int rpc_handler_fn(void *arg, const struct rpc_caller *caller,
			   const struct rpc_msg *req, struct rpc_msg *reply);

/** @brief Step 2: a server's table of methods (you define it in rpc.c). */
struct rpc_server;

/**
 * @brief Step 2: an empty server.
 *
 * No method yet; the only uid allowed to call it (step 5) is the
 * effective uid of the process that creates it.
 * @return the server; free it with rpc_server_free(). NULL with errno set
 *         (ENOMEM).
 */
struct rpc_server *rpc_server_new(void);

/**
 * @brief Step 2: register @p fn as the method @p method.
 * @param srv    the server
 * @param method the name clients call it by (copied)
 * @param fn     what to run
 * @param arg    passed to @p fn at every call
 * @return 0; -1 with errno set: EINVAL (a NULL pointer, a name empty,
 *         longer than RPC_METHOD_MAX), EEXIST (that name is taken),
 *         ENOSPC (RPC_METHODS_MAX methods already).
 */
int rpc_server_register(struct rpc_server *srv, const char *method,
			rpc_handler_fn *fn, void *arg);

/**
 * @brief Step 2: free a server and everything it holds.
 * @param srv the server (NULL: nothing happens)
 */
void rpc_server_free(struct rpc_server *srv);

/**
 * @brief Step 2: run one decoded request and build its reply.
 *
 * Sets @p reply to an empty reply to @p req (same id, kind RPC_REPLY, no
 * method, argc 0) and runs the handler registered under req->method. When
 * it cannot or must not run, or when it fails, @p reply becomes an
 * RPC_ERROR with the request's id and two values: an RPC_INT code and an
 * RPC_STR message for humans. The codes: RPC_ERR_INVALID (@p req is not a
 * request), RPC_ERR_DENIED (step 5: caller->uid is not the uid allowed
 * to call, see rpc_server_allow_uid(); the handler does not run),
 * RPC_ERR_NO_METHOD (no such method), or the errno of a handler that
 * returned -1. A failed call is an answer like any other, never a reason
 * to give up on the caller.
 * @param srv    the server
 * @param caller who called
 * @param req    the decoded request
 * @param reply  receives the reply (its message string stays valid until
 *               the next call on @p srv)
 * @return 0 (also when the reply is an error); -1 with errno EINVAL (a
 *         NULL pointer).
 */
int rpc_dispatch(struct rpc_server *srv, const struct rpc_caller *caller,
		 const struct rpc_msg *req, struct rpc_msg *reply);

/**
 * @brief Step 2: a Unix stream socket listening at @p path.
 *
 * socket(AF_UNIX, SOCK_STREAM), bind() to @p path, listen(). The caller
 * closes the socket and unlink()s @p path when done.
 * @param path where the socket file is made (in a directory you own)
 * @return the listening descriptor; -1 with errno set: ENAMETOOLONG (the
 *         path does not fit in sun_path; it is never cut short),
 *         EADDRINUSE (something is at @p path already), or from socket,
 *         bind, listen.
 */
int rpc_listen(const char *path);

/**
 * @brief Step 2: answer every request a client sends on one connection.
 *
 * Receives frames one by one (rpc_recv_frame()), decodes and dispatches
 * each and sends back its reply, in the order the requests came, until the
 * client closes the connection. A request that fails is answered with an
 * RPC_ERROR and the connection stays open: an unknown method, a handler
 * error, a frame that does not decode (RPC_ERR_PARSE, id 0: its id cannot
 * be trusted), a frame that is not a request (RPC_ERR_INVALID). Only a
 * broken stream ends it early: a frame longer than RPC_FRAME_MAX, a client
 * gone in the middle of a frame or before its reply could be sent (EPIPE,
 * never SIGPIPE). From step 5 the caller is learnt with rpc_peer_cred(),
 * and descriptors that came with a request fill its RPC_FD values, in
 * order (a count that differs: RPC_ERR_INVALID), and are closed once the
 * handler has returned. Does not close @p sock.
 * @param srv  the server
 * @param sock a connected AF_UNIX stream socket (from accept())
 * @return the number of requests answered when the connection ended;
 *         -1 with errno set: EINVAL, ENOMEM, or from rpc_peer_cred().
 */
long rpc_serve_conn(struct rpc_server *srv, int sock);

/* ------------------------------------------------------------------ step 3 */

/**
 * @brief Step 3: a client's connection to a server.
 *
 * rpc_connect() fills it in; a test may also wrap a connected socket by
 * setting the first three fields itself.
 */
struct rpc_conn {
	int fd;		  /**< the connected socket, -1 closed */
	int timeout_ms;	  /**< how long a call may wait; -1: for ever */
	uint32_t next_id; /**< id of the next request, never 0 */
	unsigned char out[RPC_FRAME_MAX]; /**< where requests are encoded */
	unsigned char in[RPC_FRAME_MAX];  /**< where answers arrive */
};

/**
 * @brief Step 3: connect to the server listening at @p path.
 * @param conn       filled in: fd, timeout_ms, next_id 1
 * @param path       the server's socket path
 * @param timeout_ms how long each call will wait for its reply (-1: for
 *                   ever, which is rarely what you want)
 * @return 0; -1 with errno set: ENOENT (no socket file), ECONNREFUSED
 *         (nobody listens there), ENAMETOOLONG, EINVAL, or from socket and
 *         connect. No descriptor is left open on failure.
 */
int rpc_connect(struct rpc_conn *conn, const char *path, int timeout_ms);

/**
 * @brief Step 3: call @p method on the server and wait for its answer.
 *
 * The client stub: takes the next id (skipping 0), encodes a request into
 * conn->out and sends it (step 5: with the descriptors of its RPC_FD
 * arguments, which stay the caller's), then receives frames into conn->in
 * until the one whose id is the request's, within conn->timeout_ms in
 * all. Frames with another id answer calls given up earlier: skip them.
 * @param conn   a connected client
 * @param method the method's name
 * @param args   the arguments (may be NULL when @p argc is 0); they may
 *               point into conn->in
 * @param argc   how many
 * @param result receives the reply (kind RPC_REPLY) or the error (kind
 *               RPC_ERROR: argv[0] the code, argv[1] the message); its
 *               strings and bytes point into conn->in, valid until the next
 *               call on @p conn
 * @return 0 when the server answered with a reply; -1 with errno set:
 *         EREMOTEIO (the server answered with an error: see @p result),
 *         ETIMEDOUT (no answer in time; the call may or may not have run,
 *         and a late answer will be skipped), ECONNRESET (the server closed
 *         the connection, e.g. it died, before answering), EPIPE (the
 *         server was gone before the request went out), EPROTO (an answer
 *         that does not decode, or is not a reply), EINVAL, EMSGSIZE (the
 *         request does not fit in a frame).
 */
int rpc_call(struct rpc_conn *conn, const char *method,
	     const struct rpc_value *args, unsigned argc,
	     struct rpc_msg *result);

/**
 * @brief Step 3: close the connection.
 * @param conn a client (its fd becomes -1)
 * @return 0; -1 with errno set by close(2).
 */
int rpc_close(struct rpc_conn *conn);

/* ------------------------------------------------------------------ step 4 */

/**
 * @brief Step 4: serve every client that connects, many at once.
 *
 * Accepts clients on @p listen_fd and serves each one as rpc_serve_conn()
 * does, with no client waiting for another: poll() over every connection
 * with a buffer per client, or a process per client (then rpc_serve()
 * reaps each one as it ends, and never waits for a process it did not
 * fork). Clients come and go; one that vanishes, even in the middle of a
 * frame or before taking its reply, ends only its own connection. When
 * @p stop_fd becomes readable (a byte or EOF) it stops accepting, ends
 * every connection (and every process it forked), and returns. It closes
 * neither @p listen_fd nor @p stop_fd.
 * @param srv       the server
 * @param listen_fd a listening AF_UNIX stream socket
 * @param stop_fd   readable when the server must stop (e.g. a pipe)
 * @return the number of clients accepted; -1 with errno set (EINVAL,
 *         ENOMEM, or from poll, accept or fork) after ending every
 *         connection.
 */
long rpc_serve(struct rpc_server *srv, int listen_fd, int stop_fd);

/** @brief Step 4: the most requests one rpc_call_many() sends at once. */
#define RPC_PIPELINE_MAX 16

/** @brief Step 4: one call of a batch. */
struct rpc_request {
	const char *method;	      /**< the method's name */
	const struct rpc_value *args; /**< its arguments (NULL if none) */
	unsigned argc;		      /**< how many */
};

/**
 * @brief Step 4: what rpc_call_many() calls for each answer.
 * @param ctx   the pointer given to rpc_call_many()
 * @param index which request of the batch this answers (0 .. n-1)
 * @param reply the reply (kind RPC_REPLY) or the error (kind RPC_ERROR);
 *              valid only during the call
 */
typedef void rpc_reply_fn(void *ctx, unsigned index,
			  const struct rpc_msg *reply);

/**
 * @brief Step 4: pipelining: send @p n requests at once, then collect
 *        their answers in whatever order they come.
 *
 * Gives the requests consecutive ids and sends them all, without waiting
 * for any answer; then receives answers, within conn->timeout_ms in all,
 * and finds the request each one answers by its id, never by its place in
 * the order of arrival: a server may answer in any order. Calls
 * @p on_reply once per request. Frames whose id is not one of the batch's,
 * or that answer a request already answered, are skipped.
 * @param conn     a connected client
 * @param reqs     the requests
 * @param n        how many (1 .. RPC_PIPELINE_MAX: requests and answers
 *                 must fit in the socket buffers, since none is read
 *                 before all are sent)
 * @param on_reply called for each answer
 * @param ctx      passed to @p on_reply
 * @return 0 when every request has been answered (errors included); -1
 *         with errno set: ETIMEDOUT (some answers did not come in time;
 *         those that did were passed to @p on_reply), ECONNRESET, EPIPE,
 *         EPROTO, EMSGSIZE, EINVAL (as for rpc_call()).
 */
int rpc_call_many(struct rpc_conn *conn, const struct rpc_request *reqs,
		  unsigned n, rpc_reply_fn *on_reply, void *ctx);

/* ------------------------------------------------------------------ step 5 */

/**
 * @brief Step 5: who is at the other end of @p sock? (SO_PEERCRED)
 *
 * The kernel recorded the peer's pid, uid and gid when the connection was
 * made (the client's at its connect(); the server's at its listen()): the
 * peer cannot lie about them.
 * @param sock   a connected AF_UNIX stream socket
 * @param caller receives the peer's pid, uid and gid
 * @return 0; -1 with errno set by getsockopt(2) (ENOTSOCK, EBADF, ...)
 *         or EINVAL.
 */
int rpc_peer_cred(int sock, struct rpc_caller *caller);

/**
 * @brief Step 5: let only processes running as @p uid call @p srv.
 *
 * rpc_dispatch() answers every request from another uid with an
 * RPC_ERR_DENIED error, without running its handler. A new server allows
 * only the effective uid of the process that made it.
 * @param srv the server
 * @param uid the one user id allowed to call
 * @return 0; -1 with errno EINVAL (@p srv is NULL).
 */
int rpc_server_allow_uid(struct rpc_server *srv, uid_t uid);

#endif /* RPC_LAB_H */
