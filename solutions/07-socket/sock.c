/* SPDX-License-Identifier: MIT */
/**
 * @file sock.c
 * @brief Lab 07 reference solution: Unix domain and TCP loopback sockets
 *        (all six steps).
 */
#include "sock.h"
#include "ipc_util.h"

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

/* ------------------------------------------------------- shared helpers */

/** Send all @p len bytes; never raises SIGPIPE. @p len or -1 with errno. */
static ssize_t
send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		/* MSG_NOSIGNAL: a vanished peer gives EPIPE, not a dead process */
		ssize_t n = send(fd, p + done, len - done, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n; /* a short send: the rest goes next time */
	}
	return (ssize_t)done;
}

/** Receive exactly @p len bytes, or fewer if the peer closes first. */
static ssize_t
recv_exact(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = recv(fd, p + done, len - done, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;	   /* orderly close */
		done += (size_t)n; /* one recv() is not one message */
	}
	return (ssize_t)done;
}

/* ------------------------------------------------- step 1: Unix echo */

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

/**
 * Remove a stale socket file at @p path, so that bind() can succeed.
 * Stale means: a socket file nobody accepts on (connect is refused). A live
 * server's socket, or a file of another kind, is kept: EADDRINUSE.
 */
static int
remove_stale_socket(const struct sockaddr_un *addr)
{
	struct stat st;
	int probe, rc;

	if (lstat(addr->sun_path, &st) == -1)
		return errno == ENOENT ? 0 : -1; /* nothing there: fine */
	if (!S_ISSOCK(st.st_mode)) {
		errno = EADDRINUSE; /* never delete someone's regular file */
		return -1;
	}
	/* Non-blocking, so a live server with a full backlog cannot stall us. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe == -1)
		return -1;
	rc = connect(probe, (const struct sockaddr *)addr, sizeof(*addr));
	ipc_close_quietly(probe);
	if (rc == -1 && errno == ECONNREFUSED)
		return unlink(addr->sun_path); /* stale: its server is dead */
	errno = EADDRINUSE; /* somebody answered: a live server owns it */
	return -1;
}

int
sock_unix_listen(const char *path, int backlog)
{
	struct sockaddr_un addr;
	int fd;

	if (unix_address(&addr, path) == -1 || remove_stale_socket(&addr) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1) {
		ipc_close_quietly(fd);
		return -1;
	}
	if (listen(fd, backlog) == -1) {
		ipc_close_quietly(fd);
		unlink(path); /* bind created the file: do not leave it behind */
		return -1;
	}
	return fd;
}

int
sock_unix_connect(const char *path)
{
	struct sockaddr_un addr;
	int fd;

	if (unix_address(&addr, path) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1) {
		ipc_close_quietly(fd); /* a failed socket is not reusable */
		return -1;
	}
	return fd;
}

int
sock_unix_unlisten(int listen_fd, const char *path)
{
	int rc = close(listen_fd);
	int saved = errno;

	/* The file outlives the socket: remove it even if close() failed. */
	if (unlink(path) == -1 && rc == 0)
		return -1;
	errno = saved;
	return rc;
}

ssize_t
sock_echo_serve_one(int listen_fd)
{
	char buf[16384];
	ssize_t total = 0;
	int conn;

	do
		conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	while (conn == -1 && errno == EINTR);
	if (conn == -1)
		return -1;
	for (;;) {
		ssize_t n = recv(conn, buf, sizeof(buf), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 ||
		    (n > 0 && send_all(conn, buf, (size_t)n) == -1)) {
			ipc_close_quietly(conn); /* the client vanished */
			return -1;
		}
		if (n == 0)
			break; /* the client shut down its side: all echoed */
		total += n;
	}
	close(conn);
	return total;
}

ssize_t
sock_echo_roundtrip(int fd, const void *msg, size_t len, void *reply,
		    size_t cap)
{
	char *out = reply;
	size_t got = 0;

	if (len > SOCK_ECHO_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (send_all(fd, msg, len) == -1)
		return -1;
	/* Half-close: the server's recv() returns 0 once it has everything. */
	if (shutdown(fd, SHUT_WR) == -1)
		return -1;
	for (;;) {
		char extra;
		/* With the buffer full, read one byte more to spot an overflow
		 * (recv() of 0 bytes would return 0 and look like EOF). */
		ssize_t n = got < cap ? recv(fd, out + got, cap - got, 0)
				      : recv(fd, &extra, 1, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return (ssize_t)
				got; /* the server closed: that is all */
		if (got == cap) {
			errno = EMSGSIZE;
			return -1;
		}
		got += (size_t)n;
	}
}

/* ---------------------------------------------------- step 2: framing */

ssize_t
sock_send_msg(int fd, const void *msg, size_t len)
{
	uint32_t header;

	if (len > UINT32_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	header = htonl((uint32_t)len); /* big-endian on the wire, always */
	if (send_all(fd, &header, sizeof(header)) == -1 ||
	    send_all(fd, msg, len) == -1)
		return -1;
	return (ssize_t)len;
}

int
sock_recv_msg(int fd, void *buf, size_t cap, size_t *len)
{
	uint32_t header;
	ssize_t n = recv_exact(fd, &header, sizeof(header));
	size_t size;

	if (n == -1)
		return -1;
	if (n == 0)
		return 0; /* closed between two messages: a clean end */
	if (n < (ssize_t)sizeof(header)) {
		errno = EPROTO; /* closed in the middle of a header */
		return -1;
	}
	size = ntohl(header);
	if (size > cap) {
		errno = EMSGSIZE;
		return -1;
	}
	n = recv_exact(fd, buf, size);
	if (n == -1)
		return -1;
	if ((size_t)n < size) {
		errno = EPROTO; /* closed in the middle of a payload */
		return -1;
	}
	*len = size;
	return 1;
}

/* ------------------------------------------------ step 3: poll server */

/** One connected client of the poll server: its fd and its message so far. */
struct client {
	int fd;	     /**< -1 when the slot is free */
	size_t have; /**< bytes of the current message received so far */
	unsigned char buf[SOCK_HEADER_LEN + SOCK_POLL_MSG_MAX];
};

/** Payload length announced in a client's (complete) header. */
static size_t
announced(const struct client *c)
{
	uint32_t header;

	memcpy(&header, c->buf, sizeof(header));
	return ntohl(header);
}

/** Close a client and free its slot, counting why it went. */
static void
drop_client(struct client *c, unsigned long *reason)
{
	close(c->fd);
	c->fd = -1;
	c->have = 0; /* reset the state: the slot is as good as new */
	(*reason)++;
}

/**
 * A client is readable: one recv() (it cannot block now), then echo the
 * message if it is complete. Never waits for the rest of a message.
 */
static void
serve_client(struct client *c, struct sock_server_stats *st)
{
	size_t want = c->have < SOCK_HEADER_LEN
			      ? SOCK_HEADER_LEN - c->have
			      : SOCK_HEADER_LEN + announced(c) - c->have;
	ssize_t n = recv(c->fd, c->buf + c->have, want, 0);

	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return; /* nothing lost: poll() will report it again */
	if (n <= 0) {	/* 0: it closed; -1: ECONNRESET or worse */
		drop_client(c, c->have > 0 ? &st->mid_message : &st->closed);
		return;
	}
	c->have += (size_t)n;
	if (c->have < SOCK_HEADER_LEN)
		return;
	if (announced(c) > SOCK_POLL_MSG_MAX) {
		drop_client(c,
			    &st->rejected); /* it would overflow its buffer */
		return;
	}
	if (c->have < SOCK_HEADER_LEN + announced(c))
		return; /* the rest comes later */
	if (send_all(c->fd, c->buf, c->have) == -1) {
		drop_client(c, &st->broken); /* EPIPE/ECONNRESET: it left */
		return;
	}
	st->messages++;
	c->have = 0;
}

/** Close every connected client (on stop or on a fatal error). */
static void
close_all(struct client *clients, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (clients[i].fd != -1)
			close(clients[i].fd);
}

/** Accept one waiting client into a free slot; -1 only on fatal errors. */
static int
accept_client(int listen_fd, struct client *clients, size_t n,
	      struct sock_server_stats *st)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd == -1)
		/* It may have left already, or a signal came: not fatal. */
		return errno == ECONNABORTED || errno == EINTR ||
				       errno == EAGAIN || errno == EPROTO
			       ? 0
			       : -1;
	for (size_t i = 0; i < n; i++) {
		if (clients[i].fd == -1) {
			clients[i].fd = fd;
			clients[i].have = 0;
			st->accepted++;
			return 0;
		}
	}
	close(fd); /* cannot happen: we poll the listener only with a free slot */
	return 0;
}

long
sock_poll_server(int listen_fd, int stop_fd, size_t max_clients,
		 struct sock_server_stats *stats)
{
	struct sock_server_stats local;
	struct sock_server_stats *st = stats != NULL ? stats : &local;
	struct client *clients;
	struct pollfd *pfd;
	int saved;

	memset(st, 0, sizeof(*st));
	if (max_clients == 0 || max_clients > 4096) {
		errno = EINVAL;
		return -1;
	}
	clients = calloc(max_clients, sizeof(*clients));
	pfd = calloc(max_clients + 2, sizeof(*pfd));
	if (clients == NULL || pfd == NULL) {
		free(clients);
		free(pfd);
		return -1;
	}
	for (size_t i = 0; i < max_clients; i++)
		clients[i].fd = -1;

	for (;;) {
		size_t busy = 0;
		int ready;

		pfd[0] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
		for (size_t i = 0; i < max_clients; i++) {
			/* A negative fd is skipped by poll(): a free slot. */
			pfd[i + 2] = (struct pollfd){ .fd = clients[i].fd,
						      .events = POLLIN };
			busy += clients[i].fd != -1;
		}
		/* All slots busy: leave newcomers in the kernel's backlog. */
		pfd[1] = (struct pollfd){
			.fd = busy < max_clients ? listen_fd : -1,
			.events = POLLIN,
		};
		ready = poll(pfd, max_clients + 2, -1);
		if (ready == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents != 0) { /* a byte, EOF or error: stop */
			close_all(clients, max_clients);
			free(clients);
			free(pfd);
			return (long)st->accepted;
		}
		for (size_t i = 0; i < max_clients; i++)
			/* POLLHUP and POLLERR too: recv() tells what happened */
			if (clients[i].fd != -1 && pfd[i + 2].revents != 0)
				serve_client(&clients[i], st);
		if (pfd[1].revents != 0 &&
		    accept_client(listen_fd, clients, max_clients, st) == -1)
			break;
	}
	saved = errno;
	close_all(clients, max_clients);
	free(clients);
	free(pfd);
	errno = saved;
	return -1;
}

/* ------------------------------------------- step 4: disconnect detection */

int
sock_heartbeat_send(int fd)
{
	const char beat = SOCK_HEARTBEAT;

	for (;;) {
		if (send(fd, &beat, 1, MSG_NOSIGNAL) == 1)
			return SOCK_PEER_ALIVE;
		if (errno == EINTR)
			continue;
		if (errno == EPIPE || errno == ECONNRESET)
			return SOCK_PEER_BROKEN; /* the peer is gone */
		return -1;
	}
}

/** Milliseconds left until @p deadline_ns (0 when it has passed). */
static int
ms_left(uint64_t deadline_ns)
{
	uint64_t now_ns = ipc_now_ns();

	if (now_ns >= deadline_ns)
		return 0;
	return (int)((deadline_ns - now_ns + 999999u) /
		     1000000u); /* round up */
}

int
sock_heartbeat_wait(int fd, int timeout_ms)
{
	uint64_t deadline;

	if (timeout_ms < 0) {
		errno = EINVAL;
		return -1;
	}
	deadline = ipc_now_ns() + (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ready = poll(&p, 1, ms_left(deadline));
		char beat;
		ssize_t n;

		if (ready == -1) {
			if (errno == EINTR)
				continue; /* a signal: wait for the time left */
			return -1;
		}
		if (ready == 0)
			return SOCK_PEER_TIMEOUT; /* silent for too long */
		if (p.revents & POLLNVAL) {
			errno = EBADF; /* not an open descriptor */
			return SOCK_PEER_ERROR;
		}
		if (p.revents & POLLERR) {
			int err = 0;
			socklen_t err_len = sizeof(err);
			/* Fetch (and clear) the error the socket holds. */
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
				       &err_len) == -1)
				return -1;
			errno = err != 0 ? err : EIO;
			return SOCK_PEER_ERROR;
		}
		/* POLLIN or POLLHUP: an orderly close raises both, so read. */
		n = recv(fd, &beat, 1, 0);
		if (n == 1)
			return SOCK_PEER_ALIVE;
		if (n == 0)
			return SOCK_PEER_CLOSED;
		if (errno == EINTR || errno == EAGAIN)
			continue;
		if (errno == ECONNRESET)
			return SOCK_PEER_ERROR;
		return -1;
	}
}

/* ------------------------------------------------- step 5: reconnect */

/** Does this connect() error mean "no server there (yet)"? */
static int
server_absent(int err)
{
	return err == ENOENT || err == ECONNREFUSED || err == EAGAIN;
}

int
sock_unix_connect_retry(const char *path, const struct sock_backoff *backoff)
{
	unsigned delay, attempt;

	if (backoff == NULL || backoff->delay == NULL ||
	    backoff->first_ms == 0 || backoff->max_ms < backoff->first_ms) {
		errno = EINVAL;
		return -1;
	}
	delay = backoff->first_ms;
	for (attempt = 1;; attempt++) {
		int fd = sock_unix_connect(
			path); /* closes its socket on failure */
		if (fd != -1)
			return fd; /* the server is back: stop backing off */
		if (!server_absent(errno))
			return -1; /* waiting will not fix a bad path */
		if (backoff->max_attempts != 0 &&
		    attempt >= backoff->max_attempts)
			return -1; /* errno: the last connect() error */
		if (backoff->delay(backoff->ctx, delay) == -1)
			return -1; /* the caller wants to stop */
		/* Double, without overflowing, up to the cap. */
		delay = delay > backoff->max_ms / 2 ? backoff->max_ms
						    : delay * 2;
	}
}

/* ------------------------------------------- step 6: TCP and datagrams */

/** 127.0.0.1 port @p port: the only address this lab ever binds. */
static void
loopback_address(struct sockaddr_in *addr, uint16_t port)
{
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_port = htons(port);
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/** A socket of @p type bound to 127.0.0.1:*port, *port set to the real one. */
static int
bound_loopback_socket(int type, uint16_t *port)
{
	struct sockaddr_in addr;
	socklen_t addr_len = sizeof(addr);
	const int on = 1;
	int fd;

	if (port == NULL) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	loopback_address(&addr, *port);
	/* A restarted server may rebind while old connections are in
	 * TIME_WAIT. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&addr, &addr_len) == -1) {
		ipc_close_quietly(fd);
		return -1;
	}
	*port = ntohs(addr.sin_port); /* port 0 asked: here is the one we got */
	return fd;
}

int
sock_tcp_listen(uint16_t *port, int backlog)
{
	int fd = bound_loopback_socket(SOCK_STREAM, port);

	if (fd != -1 && listen(fd, backlog) == -1) {
		ipc_close_quietly(fd);
		return -1;
	}
	return fd;
}

int
sock_tcp_connect(uint16_t port)
{
	struct sockaddr_in addr;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	loopback_address(&addr, port);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1) {
		ipc_close_quietly(fd);
		return -1;
	}
	return fd;
}

int
sock_udp_open(uint16_t *port)
{
	return bound_loopback_socket(SOCK_DGRAM, port);
}

ssize_t
sock_udp_send(int fd, uint16_t port, const void *msg, size_t len)
{
	struct sockaddr_in addr;
	ssize_t n;

	loopback_address(&addr, port);
	do /* one call, one datagram: never split it into several sends */
		n = sendto(fd, msg, len, 0, (struct sockaddr *)&addr,
			   sizeof(addr));
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
sock_udp_recv(int fd, void *buf, size_t cap, uint16_t *from_port)
{
	struct sockaddr_in from;
	socklen_t from_len = sizeof(from);
	ssize_t n;

	do /* MSG_TRUNC: return the datagram's real length, even if longer */
		n = recvfrom(fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&from,
			     &from_len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n > cap) {
		errno = EMSGSIZE; /* the kernel dropped the bytes past cap */
		return -1;
	}
	if (from_port != NULL)
		*from_port = ntohs(from.sin_port);
	return n;
}
