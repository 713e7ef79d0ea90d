/* SPDX-License-Identifier: MIT */
/**
 * @file sock.h
 * @brief Lab 07, sockets (Unix domain and TCP loopback): the functions you
 *        implement in sock.c.
 *
 * Every function follows the POSIX convention: it returns 0, a count, a file
 * descriptor or a result code on success and -1 with errno set on failure.
 * None of them exits the process, and none of them may be killed by SIGPIPE:
 * every send() on a socket uses MSG_NOSIGNAL. Every name (socket path, port)
 * comes from the caller. Nothing listens on an address other than 127.0.0.1.
 * See labs/07-socket/README.md for the background and the steps.
 */
#ifndef SOCK_LAB_H
#define SOCK_LAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ------------------------------------------------------------------ step 1 */

/**
 * @brief Step 1: the largest request sock_echo_roundtrip() must handle.
 *
 * The echo client sends the whole request before it reads the answer, so
 * request and echo must fit in the socket buffers together (Linux gives a
 * Unix socket about 200 KiB); bigger exchanges need poll() (step 3).
 */
#define SOCK_ECHO_MAX 65536

/**
 * @brief Step 1: create a Unix domain stream socket listening at @p path.
 *
 * socket(AF_UNIX, SOCK_STREAM), bind() to @p path, listen(). A path that
 * does not fit in sockaddr_un.sun_path (108 bytes with its NUL) is refused,
 * never truncated. A stale socket file left at @p path by a server that died
 * (a socket nobody accepts on: connect() fails with ECONNREFUSED) is
 * unlinked first, or bind() would fail with EADDRINUSE. A path where a live
 * server listens, or that is not a socket (a regular file, a directory),
 * is left alone.
 * @param path    file system path of the socket (in a directory you own)
 * @param backlog how many connections may wait for accept() (see listen(2))
 * @return the listening descriptor; -1 with errno set: EINVAL (@p path
 *         NULL or empty: an empty sun_path would name a socket in Linux's
 *         abstract namespace), ENAMETOOLONG (path too long), EADDRINUSE (a
 *         live server or another kind of file is at @p path), or from
 *         socket/bind/listen. Nothing is left open, and no socket file
 *         this call created is left behind, on failure.
 */
int sock_unix_listen(const char *path, int backlog);

/**
 * @brief Step 1: connect a Unix domain stream socket to the server at
 *        @p path.
 * @param path the server's socket path
 * @return the connected descriptor; -1 with errno set: EINVAL (@p path
 *         NULL or empty), ENAMETOOLONG, ENOENT (no socket file), ECONNREFUSED (a socket file nobody
 *         listens on), or from socket/connect. No descriptor is left open
 *         on failure.
 */
int sock_unix_connect(const char *path);

/**
 * @brief Step 1: stop listening: close @p listen_fd and unlink @p path.
 *
 * The socket file outlives the socket; whoever bound it removes it.
 * @param listen_fd descriptor returned by sock_unix_listen()
 * @param path      the path it was bound to
 * @return 0; -1 with errno set by close(2) or unlink(2) (the descriptor is
 *         closed either way).
 */
int sock_unix_unlisten(int listen_fd, const char *path);

/**
 * @brief Step 1: accept one client and echo its bytes until it closes.
 *
 * accept() one connection on @p listen_fd (any stream socket: Unix or TCP),
 * send back every byte it receives, in order, until recv() returns 0 (the
 * client closed or shut down its writing side), then close the connection.
 * @param listen_fd a listening stream socket
 * @return the number of bytes echoed; -1 with errno set (from accept,
 *         recv or send, e.g. EPIPE or ECONNRESET when the client vanished;
 *         the connection is closed in every case).
 */
ssize_t sock_echo_serve_one(int listen_fd);

/**
 * @brief Step 1: send a request to an echo server and read the echo.
 *
 * Sends all @p len bytes of @p msg on the connected stream socket @p fd,
 * then shuts down the writing side (shutdown(SHUT_WR)) so the server sees
 * the end of the request, then reads until EOF. Does not close @p fd.
 * @param fd    a connected stream socket (Unix or TCP)
 * @param msg   the request
 * @param len   its length, at most SOCK_ECHO_MAX
 * @param reply where the answer goes
 * @param cap   size of @p reply
 * @return the number of bytes received; -1 with errno set: EMSGSIZE (more
 *         than @p cap bytes came back, or @p len too large), or from
 *         send/shutdown/recv.
 */
ssize_t sock_echo_roundtrip(int fd, const void *msg, size_t len, void *reply,
			    size_t cap);

/* ------------------------------------------------------------------ step 2 */

/** @brief Step 2: bytes of the length prefix before every message. */
#define SOCK_HEADER_LEN 4

/**
 * @brief Step 2: send one message: a 4-byte length in network byte order
 *        (big-endian, htonl) followed by the @p len payload bytes.
 *
 * Survives short sends and EINTR; never raises SIGPIPE (MSG_NOSIGNAL).
 * @param fd  a connected stream socket
 * @param msg the payload (may be NULL when @p len is 0)
 * @param len its length (0 is a valid, empty message)
 * @return @p len; -1 with errno set: EMSGSIZE (@p len over UINT32_MAX),
 *         EPIPE or ECONNRESET (the peer is gone), or from send(2).
 */
ssize_t sock_send_msg(int fd, const void *msg, size_t len);

/**
 * @brief Step 2: receive one whole message sent by sock_send_msg().
 *
 * A stream has no message boundaries: one recv() may return part of a
 * header, a header and half a payload, or two messages. Read exactly
 * SOCK_HEADER_LEN bytes, then exactly the announced length, however many
 * recv() calls that takes (retrying EINTR).
 * @param fd  a connected stream socket
 * @param buf where the payload goes
 * @param cap size of @p buf
 * @param len receives the payload length
 * @return 1 when a message arrived; 0 when the peer closed the connection
 *         cleanly between two messages; -1 with errno set: EPROTO (the peer
 *         closed in the middle of a message), EMSGSIZE (the message is
 *         longer than @p cap; nothing is written past @p cap, and the
 *         stream is out of step: close it), or from recv(2).
 */
int sock_recv_msg(int fd, void *buf, size_t cap, size_t *len);

/* ------------------------------------------------------------------ step 3 */

/** @brief Step 3: largest message payload the poll server accepts. */
#define SOCK_POLL_MSG_MAX 65536

/** @brief Step 3: what the poll server saw, for its log and for the grader. */
struct sock_server_stats {
	unsigned long accepted;	   /**< clients accepted */
	unsigned long messages;	   /**< messages echoed back successfully */
	unsigned long closed;	   /**< clients that closed between messages */
	unsigned long mid_message; /**< clients that closed or reset with a
				        message half received */
	unsigned long broken;	   /**< clients whose reply could not be sent
				        (EPIPE, ECONNRESET): they left */
	unsigned long rejected;	   /**< clients dropped for announcing a
				        message over SOCK_POLL_MSG_MAX */
};

/**
 * @brief Step 3: serve many clients at once with poll(), echoing messages.
 *
 * Polls @p listen_fd, @p stop_fd and every client. Each client speaks the
 * step 2 protocol; every complete message is sent back to it at once, as one
 * message, before more is read from that client. The server never blocks on
 * one client while others wait: after poll() says a client is readable it
 * calls recv() once and keeps what arrived in that client's own buffer.
 * At most @p max_clients are connected at once; while all slots are busy
 * the listening socket is not polled (new clients wait in the backlog).
 * A client that closes, resets or cannot take its reply is closed and its
 * slot freed, and the reason is counted in @p stats; the server carries on.
 * When @p stop_fd becomes readable (a byte or EOF) the server closes every
 * client and returns. It closes neither @p listen_fd nor @p stop_fd.
 * @param listen_fd   a listening stream socket
 * @param stop_fd     readable when the server must stop (e.g. a pipe)
 * @param max_clients most clients connected at once (at least 1)
 * @param stats       filled in (zeroed first); may be NULL
 * @return the number of clients accepted; -1 with errno set (EINVAL:
 *         @p max_clients is 0; ENOMEM; or from poll/accept) after closing
 *         every client and freeing what it allocated.
 */
long sock_poll_server(int listen_fd, int stop_fd, size_t max_clients,
		      struct sock_server_stats *stats);

/* ------------------------------------------------------------------ step 4 */

/** @brief Step 4: the byte a peer sends as a heartbeat ("I am alive"). */
#define SOCK_HEARTBEAT 'H'

/** @brief Step 4: what a heartbeat check learned about the peer. */
enum sock_peer {
	SOCK_PEER_ALIVE = 0, /**< a heartbeat went out / came in */
	SOCK_PEER_CLOSED,    /**< orderly close: recv() returned 0 */
	SOCK_PEER_BROKEN,    /**< send() failed with EPIPE or ECONNRESET */
	SOCK_PEER_TIMEOUT,   /**< nothing arrived within the timeout */
	SOCK_PEER_ERROR,     /**< poll() reported POLLERR or POLLNVAL, or
				  recv() failed with ECONNRESET */
};

/**
 * @brief Step 4: send one heartbeat byte (SOCK_HEARTBEAT) to the peer.
 * @param fd a connected stream socket
 * @return SOCK_PEER_ALIVE when it went out; SOCK_PEER_BROKEN (errno EPIPE or
 *         ECONNRESET) when the peer is gone, without any SIGPIPE; -1 with
 *         errno set on other failures.
 */
int sock_heartbeat_send(int fd);

/**
 * @brief Step 4: wait up to @p timeout_ms for a sign of life from the peer.
 *
 * poll() for input. POLLERR or POLLNVAL: SOCK_PEER_ERROR, with errno the
 * socket's pending error (getsockopt SO_ERROR) or EBADF. Readable (POLLIN,
 * and POLLHUP, which an orderly close raises too): recv() one byte:
 * 1 byte is SOCK_PEER_ALIVE (the byte is consumed), 0 is SOCK_PEER_CLOSED,
 * ECONNRESET is SOCK_PEER_ERROR. Nothing within @p timeout_ms:
 * SOCK_PEER_TIMEOUT (a silent peer may be dead without a word: only a
 * heartbeat timeout finds out).
 * @param fd         a connected stream socket
 * @param timeout_ms how long silence is tolerated (at least 0)
 * @return one of SOCK_PEER_ALIVE, SOCK_PEER_CLOSED, SOCK_PEER_TIMEOUT,
 *         SOCK_PEER_ERROR (errno set); -1 with errno set on other failures
 *         (e.g. EINVAL for a negative timeout).
 */
int sock_heartbeat_wait(int fd, int timeout_ms);

/* ------------------------------------------------------------------ step 5 */

/**
 * @brief Step 5: wait @p delay_ms before the next connection attempt.
 *
 * Injected by the caller, so a program can really wait (and wake early to
 * shut down) while a test merely records the delays.
 * @param ctx      the caller's context pointer (sock_backoff.ctx)
 * @param delay_ms how long to wait, in milliseconds
 * @return 0 to go on trying; -1 with errno set to give up.
 */
typedef int (*sock_delay_fn)(void *ctx, unsigned delay_ms);

/** @brief Step 5: how sock_unix_connect_retry() backs off. */
struct sock_backoff {
	unsigned first_ms; /**< delay after the first failure (at least 1) */
	unsigned max_ms;   /**< no delay is longer than this (the cap) */
	unsigned max_attempts; /**< connect() attempts at most; 0: no limit */
	sock_delay_fn delay;   /**< how to wait */
	void *ctx;	       /**< passed to delay */
};

/**
 * @brief Step 5: connect to @p path, retrying with exponential backoff
 *        while no server is there.
 *
 * Attempt a connection. When it fails because no server is there (ENOENT:
 * no socket file; ECONNREFUSED: nobody listens; EAGAIN: backlog full), call
 * backoff->delay with the current delay, double the delay (never beyond
 * max_ms), and try again: delays first_ms, 2*first_ms, 4*first_ms ... up to
 * max_ms, then max_ms again and again. No delay before the first attempt or
 * after the last one. Every failed attempt's socket is closed. Returns as
 * soon as an attempt succeeds.
 * @param path    the server's socket path
 * @param backoff the schedule and the delay function
 * @return the connected descriptor; -1 with errno set: the last connect()
 *         error after max_attempts, the delay function's errno when it gave
 *         up, EINVAL (bad backoff: NULL, no delay function, first_ms 0),
 *         or at once for any other connect()
 *         error (e.g. ENAMETOOLONG, EACCES).
 */
int sock_unix_connect_retry(const char *path,
			    const struct sock_backoff *backoff);

/* ------------------------------------------------------------------ step 6 */

/**
 * @brief Step 6: a TCP socket listening on 127.0.0.1 (loopback only).
 *
 * socket(AF_INET, SOCK_STREAM), SO_REUSEADDR, bind() to 127.0.0.1 port
 * @p *port (0 asks the kernel for a free ephemeral port), listen(), then
 * getsockname() to learn the port actually bound.
 * @param port    in: the port wanted, 0 for any; out: the port bound
 * @param backlog see listen(2)
 * @return the listening descriptor; -1 with errno set: EINVAL (@p port
 *         is NULL), or from socket, bind (EADDRINUSE), listen or
 *         getsockname (the socket is closed).
 */
int sock_tcp_listen(uint16_t *port, int backlog);

/**
 * @brief Step 6: connect a TCP socket to 127.0.0.1 port @p port.
 * @param port the server's port (host byte order)
 * @return the connected descriptor; -1 with errno set (ECONNREFUSED when
 *         nothing listens there); no descriptor left open on failure.
 */
int sock_tcp_connect(uint16_t port);

/**
 * @brief Step 6: a UDP socket bound to 127.0.0.1 port @p *port.
 * @param port in: the port wanted, 0 for any; out: the port bound
 * @return the descriptor; -1 with errno set: EINVAL (@p port is NULL),
 *         or from socket, bind or getsockname (the socket is closed).
 */
int sock_udp_open(uint16_t *port);

/**
 * @brief Step 6: send one datagram to 127.0.0.1 port @p port.
 *
 * A datagram keeps its boundaries: it arrives whole, as one message, or
 * not at all.
 * @param fd   a UDP socket from sock_udp_open()
 * @param port destination port (host byte order)
 * @param msg  payload (may be NULL when @p len is 0)
 * @param len  its length (0 is a valid, empty datagram)
 * @return @p len; -1 with errno set from sendto(2) (e.g. EMSGSIZE).
 */
ssize_t sock_udp_send(int fd, uint16_t port, const void *msg, size_t len);

/**
 * @brief Step 6: receive one datagram.
 *
 * One recvfrom() returns one datagram. If it is longer than @p cap the
 * kernel drops the rest: detect it (MSG_TRUNC) and report EMSGSIZE.
 * @param fd        a UDP socket from sock_udp_open()
 * @param buf       where the payload goes
 * @param cap       size of @p buf
 * @param from_port receives the sender's port (may be NULL)
 * @return the datagram's length; -1 with errno set: EMSGSIZE (it was
 *         longer than @p cap and was truncated), or from recvfrom(2).
 */
ssize_t sock_udp_recv(int fd, void *buf, size_t cap, uint16_t *from_port);

#endif /* SOCK_LAB_H */
