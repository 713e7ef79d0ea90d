/* SPDX-License-Identifier: MIT */
/**
 * @file sock.c
 * @brief Lab 07, sockets (Unix domain and TCP loopback): your
 *        implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=07 STEP=n`. Read README.md first.
 */
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int
sock_unix_listen(const char *path, int backlog)
{
	/* TODO(step 1): fill a struct sockaddr_un (refuse an empty path with
	 * EINVAL, one that does not fit in sun_path with ENAMETOOLONG). If a socket file is already
	 * at the path, probe it with a non-blocking connect(): ECONNREFUSED
	 * means stale, unlink() it; anything else: fail with EADDRINUSE. Then
	 * socket(AF_UNIX, SOCK_STREAM), bind(), listen(). Close the socket on
	 * every error path. Read: man 7 unix, man 2 bind, man 2 listen,
	 * man 2 lstat (S_ISSOCK). */
	(void)path;
	(void)backlog;
	errno = ENOSYS;
	return -1;
}

int
sock_unix_connect(const char *path)
{
	/* TODO(step 1): socket(AF_UNIX, SOCK_STREAM), connect() to the path;
	 * close the socket if connect() fails (keep its errno).
	 * Read: man 2 connect, man 7 unix. */
	(void)path;
	errno = ENOSYS;
	return -1;
}

int
sock_unix_unlisten(int listen_fd, const char *path)
{
	/* TODO(step 1): close() the socket and unlink() its file: the file
	 * outlives the socket. Read: man 2 unlink. */
	(void)listen_fd;
	(void)path;
	errno = ENOSYS;
	return -1;
}

ssize_t
sock_echo_serve_one(int listen_fd)
{
	/* TODO(step 1): accept() one client; loop: recv() into a buffer,
	 * send() all of it back (MSG_NOSIGNAL, handle short sends and
	 * EINTR), until recv() returns 0. Close the connection on every path.
	 * Return the number of bytes echoed. Read: man 2 accept, man 2 recv,
	 * man 2 send. */
	(void)listen_fd;
	errno = ENOSYS;
	return -1;
}

ssize_t
sock_echo_roundtrip(int fd, const void *msg, size_t len, void *reply,
		    size_t cap)
{
	/* TODO(step 1): send all of msg, then shutdown(fd, SHUT_WR) so the
	 * server's recv() returns 0, then recv() until it returns 0 (EOF).
	 * More than cap bytes back: EMSGSIZE. Read: man 2 shutdown. */
	(void)fd;
	(void)msg;
	(void)len;
	(void)reply;
	(void)cap;
	errno = ENOSYS;
	return -1;
}

ssize_t
sock_send_msg(int fd, const void *msg, size_t len)
{
	/* TODO(step 2): send a 4-byte header, htonl(len), then the payload,
	 * each in a loop that survives short sends and EINTR. Use
	 * MSG_NOSIGNAL so a vanished peer gives EPIPE, not SIGPIPE.
	 * Read: man 2 send, man 3 htonl. */
	(void)fd;
	(void)msg;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int
sock_recv_msg(int fd, void *buf, size_t cap, size_t *len)
{
	/* TODO(step 2): receive exactly 4 header bytes (0 bytes then EOF:
	 * return 0; some then EOF: EPROTO), ntohl() them, refuse more than
	 * cap (EMSGSIZE), then receive exactly that many payload bytes. One
	 * recv() may return any part of the stream: loop. Read: man 2 recv,
	 * man 3 ntohl. */
	(void)fd;
	(void)buf;
	(void)cap;
	(void)len;
	errno = ENOSYS;
	return -1;
}

long
sock_poll_server(int listen_fd, int stop_fd, size_t max_clients,
		 struct sock_server_stats *stats)
{
	/* TODO(step 3): keep an array of max_clients slots (fd, bytes so far,
	 * a buffer of SOCK_HEADER_LEN + SOCK_POLL_MSG_MAX). Loop: poll() the
	 * stop fd, the listening socket (only while a slot is free) and every
	 * client. Stop fd readable: close all clients, return. Listener
	 * readable: accept() into a free slot. Client readable: recv() once,
	 * at most what its current message still needs; 0 or an error: close
	 * it, free the slot, count why; a message complete: send it back
	 * whole (MSG_NOSIGNAL). Read: man 2 poll, the handout's step 3. */
	(void)listen_fd;
	(void)stop_fd;
	(void)max_clients;
	(void)stats;
	errno = ENOSYS;
	return -1;
}

int
sock_heartbeat_send(int fd)
{
	/* TODO(step 4): send() one SOCK_HEARTBEAT byte with MSG_NOSIGNAL;
	 * EPIPE or ECONNRESET: SOCK_PEER_BROKEN. Read: man 2 send. */
	(void)fd;
	errno = ENOSYS;
	return -1;
}

int
sock_heartbeat_wait(int fd, int timeout_ms)
{
	/* TODO(step 4): poll() for POLLIN with the timeout. 0 ready:
	 * SOCK_PEER_TIMEOUT. POLLNVAL: ERROR (EBADF). POLLERR: ERROR with
	 * errno from getsockopt(SO_ERROR). Otherwise (POLLIN, POLLHUP) recv()
	 * one byte: 1 ALIVE, 0 CLOSED, ECONNRESET ERROR. Read: man 2 poll,
	 * man 7 socket (SO_ERROR). */
	(void)fd;
	(void)timeout_ms;
	errno = ENOSYS;
	return -1;
}

int
sock_unix_connect_retry(const char *path, const struct sock_backoff *backoff)
{
	/* TODO(step 5): loop: sock_unix_connect(); success: return the fd.
	 * ENOENT, ECONNREFUSED or EAGAIN: unless that was the last attempt,
	 * call backoff->delay(backoff->ctx, delay), then double the delay up
	 * to backoff->max_ms. Any other error, or the delay function
	 * returning -1: give up with that errno. Read: the handout's step 5. */
	(void)path;
	(void)backoff;
	errno = ENOSYS;
	return -1;
}

int
sock_tcp_listen(uint16_t *port, int backlog)
{
	/* TODO(step 6): socket(AF_INET, SOCK_STREAM), SO_REUSEADDR, bind() to
	 * 127.0.0.1 (htonl(INADDR_LOOPBACK)) and htons(*port), listen(), then
	 * getsockname() to store the port bound in *port (ntohs).
	 * Read: man 7 ip, man 2 getsockname, man 7 socket (SO_REUSEADDR). */
	(void)port;
	(void)backlog;
	errno = ENOSYS;
	return -1;
}

int
sock_tcp_connect(uint16_t port)
{
	/* TODO(step 6): socket(AF_INET, SOCK_STREAM), connect() to
	 * 127.0.0.1:port; close the socket if it fails. Read: man 7 ip. */
	(void)port;
	errno = ENOSYS;
	return -1;
}

int
sock_udp_open(uint16_t *port)
{
	/* TODO(step 6): like sock_tcp_listen() with SOCK_DGRAM and no
	 * listen(). Read: man 7 udp. */
	(void)port;
	errno = ENOSYS;
	return -1;
}

ssize_t
sock_udp_send(int fd, uint16_t port, const void *msg, size_t len)
{
	/* TODO(step 6): one sendto() to 127.0.0.1:port (retry on EINTR).
	 * Read: man 2 sendto. */
	(void)fd;
	(void)port;
	(void)msg;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t
sock_udp_recv(int fd, void *buf, size_t cap, uint16_t *from_port)
{
	/* TODO(step 6): one recvfrom() with the MSG_TRUNC flag, so it returns
	 * the datagram's real length; longer than cap: EMSGSIZE. Store the
	 * sender's port (ntohs). Read: man 2 recvfrom, man 7 udp. */
	(void)fd;
	(void)buf;
	(void)cap;
	(void)from_port;
	errno = ENOSYS;
	return -1;
}
