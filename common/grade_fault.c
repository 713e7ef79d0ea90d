/* SPDX-License-Identifier: MIT */
/**
 * @file grade_fault.c
 * @brief Fault injection for graders: short reads/writes and EINTR.
 *
 * Every grader is linked with `-Wl,--wrap=` for read, write, recv, send,
 * readv, writev, recvmsg and sendmsg (see common/lab.mk), so the student's
 * calls to them come here first. Normally they pass straight through.
 * While a test has turned injection on, every third call fails with EINTR
 * before moving any byte and the others move at most a few kilobytes:
 * exactly what a signal or a busy peer can cause, made to happen every time
 * instead of once in a while.
 */
#include "grade.h"

#include <errno.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
ssize_t __real_recv(int fd, void *buf, size_t len, int flags);
ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);
ssize_t __real_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t __real_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t __wrap_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t __wrap_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags);

/** Bytes moved per call at most while injecting: odd, so chunks misalign. */
#define INJECTED_CHUNK 4093

static bool injecting;
static unsigned long calls;

void
grade_inject_short_io(bool on)
{
	injecting = on;
	calls = 0;
}

/** Is @p fd a socket that keeps message boundaries (datagram, seqpacket)?
 *  The kernel never cuts such a message short, so neither do we. */
static bool
keeps_boundaries(int fd)
{
	int type, err = errno;
	socklen_t len = sizeof(type);
	bool atomic = getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
		      type != SOCK_STREAM;

	errno = err;
	return atomic;
}

/** Should this call on @p fd fail with EINTR (1 in 3 while injecting)? If
 *  not, how much may it move? */
static bool
inject_fault(int fd, size_t *len)
{
	if (!injecting || *len == 0)
		return false;
	if (++calls % 3 == 0) {
		errno = EINTR; /* interrupted before moving any byte */
		return true;
	}
	if (*len > INJECTED_CHUNK && !keeps_boundaries(fd))
		*len = INJECTED_CHUNK; /* a short read or write */
	return false;
}

ssize_t
__wrap_read(int fd, void *buf, size_t len)
{
	return inject_fault(fd, &len) ? -1 : __real_read(fd, buf, len);
}

ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	return inject_fault(fd, &len) ? -1 : __real_write(fd, buf, len);
}

ssize_t
__wrap_recv(int fd, void *buf, size_t len, int flags)
{
	return inject_fault(fd, &len) ? -1 : __real_recv(fd, buf, len, flags);
}

ssize_t
__wrap_send(int fd, const void *buf, size_t len, int flags)
{
	return inject_fault(fd, &len) ? -1 : __real_send(fd, buf, len, flags);
}

/* ------------------------------------------------ scatter/gather calls */

/** Most iovecs a short call passes on: enough to cover INJECTED_CHUNK
 *  bytes in all but absurd cases (thousands of tiny buffers). */
#define SHORT_IOV_MAX 64

/**
 * A scatter/gather call is about to run: decide whether it fails with
 * EINTR (then true), and otherwise whether it is cut short. A short call
 * gets the first iovecs of @p iov, the last one cut, so that at most
 * INJECTED_CHUNK bytes move in total: @p iov and @p iovcnt are replaced by
 * @p cut and its count. Invalid arguments pass through untouched, so the
 * real call reports them.
 */
static bool
inject_iov_fault(int fd, const struct iovec **iov, int *iovcnt,
		 struct iovec cut[SHORT_IOV_MAX])
{
	size_t total = 0, allowed, room;
	int n = 0;

	if (!injecting || *iovcnt <= 0 || *iovcnt > IOV_MAX || *iov == NULL)
		return false;
	for (int i = 0; i < *iovcnt; i++)
		total += (*iov)[i].iov_len;
	allowed = total;
	if (inject_fault(fd, &allowed))
		return true;
	if (allowed == total)
		return false; /* small enough, or message boundaries: whole */
	room = allowed;
	while (n < *iovcnt && n < SHORT_IOV_MAX && room > 0) {
		cut[n] = (*iov)[n];
		if (cut[n].iov_len > room)
			cut[n].iov_len = room;
		room -= cut[n].iov_len;
		n++;
	}
	*iov = cut;
	*iovcnt = n;
	return false;
}

ssize_t
__wrap_readv(int fd, const struct iovec *iov, int iovcnt)
{
	struct iovec cut[SHORT_IOV_MAX];

	if (inject_iov_fault(fd, &iov, &iovcnt, cut))
		return -1;
	return __real_readv(fd, iov, iovcnt);
}

ssize_t
__wrap_writev(int fd, const struct iovec *iov, int iovcnt)
{
	struct iovec cut[SHORT_IOV_MAX];

	if (inject_iov_fault(fd, &iov, &iovcnt, cut))
		return -1;
	return __real_writev(fd, iov, iovcnt);
}

ssize_t
__wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct iovec cut[SHORT_IOV_MAX];
	const struct iovec *iov;
	int iovcnt;
	struct msghdr copy;
	ssize_t n;

	if (msg == NULL || msg->msg_iovlen > IOV_MAX)
		return __real_recvmsg(fd, msg, flags);
	iov = msg->msg_iov;
	iovcnt = (int)msg->msg_iovlen;
	if (inject_iov_fault(fd, &iov, &iovcnt, cut))
		return -1;
	if (iov == msg->msg_iov)
		return __real_recvmsg(fd, msg, flags);
	/* A short receive: the same buffers, fewer bytes. The kernel fills
	 * the caller's control buffer and flags, so pass those through. */
	copy = *msg;
	copy.msg_iov = (struct iovec *)iov;
	copy.msg_iovlen = (size_t)iovcnt;
	n = __real_recvmsg(fd, &copy, flags);
	msg->msg_namelen = copy.msg_namelen;
	msg->msg_controllen = copy.msg_controllen;
	msg->msg_flags = copy.msg_flags;
	return n;
}

ssize_t
__wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct iovec cut[SHORT_IOV_MAX];
	const struct iovec *iov;
	int iovcnt;
	struct msghdr copy;

	if (msg == NULL || msg->msg_iovlen > IOV_MAX)
		return __real_sendmsg(fd, msg, flags);
	iov = msg->msg_iov;
	iovcnt = (int)msg->msg_iovlen;
	if (inject_iov_fault(fd, &iov, &iovcnt, cut))
		return -1; /* EINTR: nothing sent, the control data neither */
	if (iov == msg->msg_iov)
		return __real_sendmsg(fd, msg, flags);
	/* A short send: the control data (SCM_RIGHTS, ...) goes with the
	 * first byte, as the kernel sends it; the caller sends the rest of
	 * the bytes without it. */
	copy = *msg;
	copy.msg_iov = (struct iovec *)iov;
	copy.msg_iovlen = (size_t)iovcnt;
	return __real_sendmsg(fd, &copy, flags);
}
