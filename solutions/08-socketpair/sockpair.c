/* SPDX-License-Identifier: MIT */
/**
 * @file sockpair.c
 * @brief Lab 08 reference solution: socketpair (all four steps).
 */
#include "sockpair.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------- step 1: a full-duplex parent/child */

int
sockpair_spawn(int type, sockpair_serve_fn *serve, void *arg, pid_t *child)
{
	int sv[2], saved;
	pid_t pid;

	if (serve == NULL || child == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* Close-on-exec: a program started later inherits neither end. */
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		saved = errno;
		close(sv[0]);
		close(sv[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		close(sv[0]); /* or the child keeps the parent's end alive */
		_exit(serve(sv[1], arg));
	}
	close(sv[1]); /* or we never see EOF when the child leaves */
	*child = pid;
	return sv[0];
}

/** A growing receive buffer. */
struct inbox {
	char *buf;
	size_t len, cap;
};

/** Receive what is there without blocking. 1: more may come, 0: EOF, -1. */
static int
receive_some(int sock, struct inbox *box)
{
	ssize_t n;

	if (box->len == box->cap) {
		size_t cap = box->cap * 2;
		char *bigger = realloc(box->buf, cap);
		if (bigger == NULL)
			return -1;
		box->buf = bigger;
		box->cap = cap;
	}
	n = recv(sock, box->buf + box->len, box->cap - box->len, MSG_DONTWAIT);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
			       ? 1
			       : -1;
	if (n == 0)
		return 0; /* the peer shut down its sending side */
	box->len += (size_t)n;
	return 1;
}

/** Send what fits without blocking; advance *sent. 0 or -1. */
static int
send_some(int sock, const char *out, size_t out_len, size_t *sent)
{
	/* MSG_NOSIGNAL: a vanished peer is EPIPE, not a fatal SIGPIPE.
	 * MSG_DONTWAIT: a full socket buffer must not stop us from reading. */
	ssize_t n = send(sock, out + *sent, out_len - *sent,
			 MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
			       ? 0
			       : -1;
	*sent += (size_t)n;
	return 0;
}

ssize_t
sockpair_exchange(int sock, const void *out, size_t out_len, char **in)
{
	struct inbox box = { malloc(64 * 1024), 0, 64 * 1024 };
	size_t sent = 0;
	bool sending = true, receiving = true;
	int saved;

	if (box.buf == NULL)
		return -1;
	while (sending || receiving) {
		struct pollfd pfd = { .fd = sock, .events = 0 };

		if (sending && sent == out_len) {
			/* Everything is out: tell the peer with EOF, but keep
			 * our receiving direction open (a close would not). */
			if (shutdown(sock, SHUT_WR) == -1)
				goto fail;
			sending = false;
			continue;
		}
		pfd.events = (sending ? POLLOUT : 0) | (receiving ? POLLIN : 0);
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		/* POLLHUP/POLLERR: let recv/send report what happened. */
		if (receiving && (pfd.revents & (POLLIN | POLLHUP | POLLERR))) {
			int more = receive_some(sock, &box);
			if (more == -1)
				goto fail;
			receiving = more == 1;
		}
		if (sending && (pfd.revents & (POLLOUT | POLLHUP | POLLERR)) &&
		    send_some(sock, out, out_len, &sent) == -1)
			goto fail;
	}
	*in = box.buf;
	return (ssize_t)box.len;
fail:
	saved = errno;
	free(box.buf);
	errno = saved;
	return -1;
}

/* ------------------------------------------ step 2: message boundaries */

ssize_t
sockpair_send_msg(int sock, const void *buf, size_t len)
{
	ssize_t n;

	/* One send is one message on SOCK_SEQPACKET: it goes whole or not at
	 * all (EMSGSIZE), so there is no short send to loop on. */
	do
		n = send(sock, buf, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
sockpair_recv_msg(int sock, void *buf, size_t cap)
{
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	do
		n = recvmsg(sock, &msg, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (msg.msg_flags & MSG_TRUNC) {
		errno = EMSGSIZE; /* the tail of the message is lost */
		return -1;
	}
	return n;
}

/* -------------------------------------- step 3: passing a descriptor */

/** A control buffer for one descriptor, aligned for struct cmsghdr. */
union one_fd_control {
	char buf[CMSG_SPACE(sizeof(int))]; /* header + data + padding */
	struct cmsghdr align;
};

int
sockpair_send_fd(int sock, int fd)
{
	/* A stream socket sends no control data without ordinary data. */
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union one_fd_control control;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&control, 0, sizeof(control));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int)); /* no padding: one int */
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n == -1 ? -1 : 0;
}

/** Close every descriptor an SCM_RIGHTS message of @p msg brought. */
static void
close_received(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
	     c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int),
			       sizeof(int));
			close(fd);
		}
	}
}

int
sockpair_recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union one_fd_control control;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		/* CMSG_SPACE(sizeof(int)): anything less truncates. */
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (n == 0) {
		errno = ECONNRESET; /* EOF: the peer left without sending */
		return -1;
	}
	cmsg = CMSG_FIRSTHDR(&msg);
	if ((msg.msg_flags & MSG_CTRUNC) || cmsg == NULL ||
	    cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int))) {
		close_received(&msg); /* never leak what did arrive */
		errno = EBADMSG;
		return -1;
	}
	/* CMSG_DATA may be unaligned for an int: copy, do not cast. */
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* ------------------------------------------ step 4: peer credentials */

int
sockpair_peer_cred(int sock, pid_t *pid, uid_t *uid, gid_t *gid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	/* The kernel recorded these at socketpair()/connect() time. */
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return -1;
	if (pid != NULL)
		*pid = cred.pid;
	if (uid != NULL)
		*uid = cred.uid;
	if (gid != NULL)
		*gid = cred.gid;
	return 0;
}
