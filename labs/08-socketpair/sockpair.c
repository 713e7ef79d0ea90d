/* SPDX-License-Identifier: MIT */
/**
 * @file sockpair.c
 * @brief Lab 08, socketpair: your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=08 STEP=n`. Read README.md first.
 */
#include "sockpair.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
sockpair_spawn(int type, sockpair_serve_fn *serve, void *arg, pid_t *child)
{
	/* TODO(step 1): socketpair(AF_UNIX, type, 0, sv), then fork(). Child:
	 * close the parent's end, _exit(serve(child_end, arg)). Parent: close
	 * the child's end, store the pid, return the parent's end. Each side
	 * closes the end it does not use (why? see the handout). Read:
	 * man 2 socketpair, man 2 fork, man 7 unix. */
	(void)type;
	(void)serve;
	(void)arg;
	(void)child;
	errno = ENOSYS;
	return -1;
}

ssize_t
sockpair_exchange(int sock, const void *out, size_t out_len, char **in)
{
	/* TODO(step 1): loop on poll() asking for POLLOUT while you still have
	 * bytes to send and POLLIN until the peer's EOF. Send and receive with
	 * MSG_DONTWAIT so neither direction blocks the other; send with
	 * MSG_NOSIGNAL. Once everything is sent, shutdown(sock, SHUT_WR).
	 * Grow the receive buffer with realloc(). Writing everything before
	 * reading deadlocks when both sides do it. Read: man 2 poll,
	 * man 2 send, man 2 recv, man 2 shutdown. */
	(void)sock;
	(void)out;
	(void)out_len;
	(void)in;
	errno = ENOSYS;
	return -1;
}

ssize_t
sockpair_send_msg(int sock, const void *buf, size_t len)
{
	/* TODO(step 2): one send() with MSG_NOSIGNAL is one message; retry on
	 * EINTR, never split the message. Read: man 2 send, man 7 unix
	 * (SOCK_SEQPACKET). */
	(void)sock;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t
sockpair_recv_msg(int sock, void *buf, size_t cap)
{
	/* TODO(step 2): one recvmsg() is one message; retry on EINTR. If
	 * msg.msg_flags has MSG_TRUNC the message did not fit: fail with
	 * EMSGSIZE. Read: man 2 recvmsg. */
	(void)sock;
	(void)buf;
	(void)cap;
	errno = ENOSYS;
	return -1;
}

int
sockpair_send_fd(int sock, int fd)
{
	/* TODO(step 3): sendmsg() one byte of data plus a control message
	 * (SOL_SOCKET, SCM_RIGHTS) holding fd. Control buffer: a union of
	 * char[CMSG_SPACE(sizeof(int))] and struct cmsghdr, zeroed; cmsg_len
	 * = CMSG_LEN(sizeof(int)); copy fd to CMSG_DATA() with memcpy.
	 * Read: man 3 cmsg, man 7 unix (SCM_RIGHTS), man 2 sendmsg. */
	(void)sock;
	(void)fd;
	errno = ENOSYS;
	return -1;
}

int
sockpair_recv_fd(int sock)
{
	/* TODO(step 3): recvmsg() into a one-byte buffer and a control buffer
	 * of CMSG_SPACE(sizeof(int)) bytes (flag MSG_CMSG_CLOEXEC). 0 bytes:
	 * ECONNRESET. MSG_CTRUNC, no SCM_RIGHTS header or the wrong cmsg_len:
	 * close what arrived, EBADMSG. Else return the fd in CMSG_DATA().
	 * Read: man 3 cmsg, man 7 unix, man 2 recvmsg. */
	(void)sock;
	errno = ENOSYS;
	return -1;
}

int
sockpair_peer_cred(int sock, pid_t *pid, uid_t *uid, gid_t *gid)
{
	/* TODO(step 4): getsockopt(sock, SOL_SOCKET, SO_PEERCRED) into a
	 * struct ucred; copy the fields into the non-NULL pointers.
	 * Read: man 7 unix (SO_PEERCRED), man 2 getsockopt. */
	(void)sock;
	(void)pid;
	(void)uid;
	(void)gid;
	errno = ENOSYS;
	return -1;
}
