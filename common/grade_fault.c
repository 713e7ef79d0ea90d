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
 *
 * The same way, the calls that create things (pipe, fork, socket, open,
 * mmap, sem_open, malloc, ...) can be made to fail once, the nth time they
 * are called (grade_fail_nth()), so a test can prove that the code under
 * test cleans up and returns -1 with the failed call's errno.
 */
#include "grade.h"
#include "grade_protocol.h"
#include "ipc_util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
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

/* ------------------------------------------- failure injection: state */

/*
 * Calls whose failure a test can inject: grade_fail_nth("fork", 2, EAGAIN)
 * makes the second fork() from now fail. Every grader is linked with
 * -Wl,--wrap= for each of them (FAULT_WRAP in common/lab.mk), so the
 * calls of the code under test come to the __wrap_ functions below. The
 * engine's own calls (grade.c) go to the __real_ ones and are never
 * counted.
 */
#define FAULT_FUNCTIONS(X)                                                     \
	X(pipe) X(pipe2) X(fork) X(socket) X(socketpair) X(bind) X(listen)     \
	X(accept) X(accept4) X(connect) X(mmap) X(ftruncate) X(shm_open)       \
	X(sem_open) X(sem_init) X(mq_open) X(msgget) X(semget) X(shmget)       \
	X(shmat) X(open) X(mkfifo) X(dup) X(dup2) X(fcntl) X(sigaction)        \
	X(sigprocmask) X(sigtimedwait) X(waitpid) X(malloc) X(calloc)          \
	X(realloc) X(read) X(write) X(recv) X(send) X(readv) X(writev)         \
	X(recvmsg) X(sendmsg) X(msgsnd) X(msgrcv) X(msgctl) X(mq_send)         \
	X(mq_receive) X(mq_getattr) X(mq_unlink) X(semop) X(semtimedop)        \
	X(semctl) X(sem_wait) X(sem_post) X(sem_unlink)

#define FAULT_ENUM(name) FAULT_##name,
enum fault_function { FAULT_FUNCTIONS(FAULT_ENUM) FAULT_COUNT };

#define FAULT_NAME(name) #name,
static const char *const fault_names[FAULT_COUNT] = {
	FAULT_FUNCTIONS(FAULT_NAME)
};

/** One armed function: which of its calls fails, and how. */
static struct {
	bool armed;
	bool fired;	/* the nth call came and failed */
	unsigned nth;	/* 1: the next call */
	unsigned calls; /* calls seen since it was armed */
	int err;	/* the errno the failed call sets */
} faults[FAULT_COUNT];

/** Is anything armed? (The fast path of every wrapper.) */
static bool any_armed;

/** Should this call of @p f fail? If so, errno is set for it. */
static bool
should_fail(enum fault_function f)
{
	if (!any_armed || !faults[f].armed)
		return false;
	if (++faults[f].calls != faults[f].nth)
		return false;
	faults[f].fired = true;
	if (faults[f].err < 0) { /* a process killed in that call */
		raise(-faults[f].err);
		errno = EINTR; /* the signal was caught or ignored */
		return true;
	}
	errno = faults[f].err;
	return true;
}

/* ---------------------------------------------------- short reads and writes */

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

__attribute__((weak)) ssize_t
__wrap_read(int fd, void *buf, size_t len)
{
	if (should_fail(FAULT_read) || inject_fault(fd, &len))
		return -1;
	return __real_read(fd, buf, len);
}

__attribute__((weak)) ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	if (should_fail(FAULT_write) || inject_fault(fd, &len))
		return -1;
	return __real_write(fd, buf, len);
}

__attribute__((weak)) ssize_t
__wrap_recv(int fd, void *buf, size_t len, int flags)
{
	if (should_fail(FAULT_recv) || inject_fault(fd, &len))
		return -1;
	return __real_recv(fd, buf, len, flags);
}

__attribute__((weak)) ssize_t
__wrap_send(int fd, const void *buf, size_t len, int flags)
{
	if (should_fail(FAULT_send) || inject_fault(fd, &len))
		return -1;
	return __real_send(fd, buf, len, flags);
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

__attribute__((weak)) ssize_t
__wrap_readv(int fd, const struct iovec *iov, int iovcnt)
{
	struct iovec cut[SHORT_IOV_MAX];

	if (should_fail(FAULT_readv) || inject_iov_fault(fd, &iov, &iovcnt, cut))
		return -1;
	return __real_readv(fd, iov, iovcnt);
}

__attribute__((weak)) ssize_t
__wrap_writev(int fd, const struct iovec *iov, int iovcnt)
{
	struct iovec cut[SHORT_IOV_MAX];

	if (should_fail(FAULT_writev) || inject_iov_fault(fd, &iov, &iovcnt, cut))
		return -1;
	return __real_writev(fd, iov, iovcnt);
}

__attribute__((weak)) ssize_t
__wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct iovec cut[SHORT_IOV_MAX];
	const struct iovec *iov;
	int iovcnt;
	struct msghdr copy;
	ssize_t n;

	if (should_fail(FAULT_recvmsg))
		return -1;
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

__attribute__((weak)) ssize_t
__wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct iovec cut[SHORT_IOV_MAX];
	const struct iovec *iov;
	int iovcnt;
	struct msghdr copy;

	if (should_fail(FAULT_sendmsg))
		return -1;
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

/* ------------------------------------------------------------- leaks */

size_t
grade_heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* -------------------------------------------- failure injection: API */

/** The index of @p function in fault_names, or -1. */
static int
fault_index(const char *function)
{
	for (int i = 0; i < FAULT_COUNT; i++)
		if (function != NULL && strcmp(function, fault_names[i]) == 0)
			return i;
	return -1;
}

void
grade_fail_nth(const char *function, unsigned nth, int err)
{
	int i = fault_index(function);

	ck_assert_msg(i >= 0, "grader bug: grade_fail_nth() cannot make %s() "
		      "fail (not one of the wrapped calls)",
		      function ? function : "NULL");
	ck_assert_msg(nth >= 1 && err != 0,
		      "grader bug: grade_fail_nth(\"%s\", %u, %d)", function,
		      nth, err);
	if (!any_armed)
		grade_mark_fds(); /* what grade_expect_clean_failure() compares */
	faults[i].armed = true;
	faults[i].fired = false;
	faults[i].nth = nth;
	faults[i].calls = 0;
	faults[i].err = err;
	any_armed = true;
}

bool
grade_fail_check(const char *function)
{
	int i = fault_index(function);

	return i >= 0 && should_fail((enum fault_function)i);
}

void
grade_fail_clear(void)
{
	memset(faults, 0, sizeof(faults));
	any_armed = false;
}

unsigned
grade_fail_calls(const char *function)
{
	int i = fault_index(function);

	return i >= 0 && faults[i].armed ? faults[i].calls : 0;
}

size_t
grade_fail_describe(char *out, size_t out_len)
{
	size_t len = 0;

	if (out_len > 0)
		out[0] = '\0';
	for (int i = 0; i < FAULT_COUNT; i++) {
		unsigned n = faults[i].nth;
		const char *th = n % 100 / 10 == 1 ? "th"
				 : n % 10 == 1	   ? "st"
				 : n % 10 == 2	   ? "nd"
				 : n % 10 == 3	   ? "rd"
						   : "th";
		int w;
		if (!faults[i].fired)
			continue;
		if (faults[i].err < 0)
			w = snprintf(out + len, len < out_len ? out_len - len : 0,
				     "%sa signal (%d) came in the %u%s %s() call",
				     len ? " and " : "", -faults[i].err, n, th,
				     fault_names[i]);
		else
			w = snprintf(out + len, len < out_len ? out_len - len : 0,
				     "%sthe %u%s %s() call failed with %s",
				     len ? " and " : "", n, th, fault_names[i],
				     ipc_errno_name(faults[i].err));
		if (w > 0)
			len += (size_t)w;
	}
	return len;
}

/*
 * The wrappers: the contract of each call says what "failed" returns. They
 * are weak, so that a lab's grader may wrap one of these calls itself (lab
 * 06 watches sigaction() and malloc()): its own __wrap_ then wins, and
 * that call cannot be failed in that lab.
 */
#define WRAPPER __attribute__((weak))

int __real_pipe(int fds[2]);
int __wrap_pipe(int fds[2]);
WRAPPER int
__wrap_pipe(int fds[2])
{
	return should_fail(FAULT_pipe) ? -1 : __real_pipe(fds);
}

int __real_pipe2(int fds[2], int flags);
int __wrap_pipe2(int fds[2], int flags);
WRAPPER int
__wrap_pipe2(int fds[2], int flags)
{
	return should_fail(FAULT_pipe2) ? -1 : __real_pipe2(fds, flags);
}

pid_t __real_fork(void);
pid_t __wrap_fork(void);
WRAPPER pid_t
__wrap_fork(void)
{
	return should_fail(FAULT_fork) ? -1 : __real_fork();
}

int __real_socket(int domain, int type, int protocol);
int __wrap_socket(int domain, int type, int protocol);
WRAPPER int
__wrap_socket(int domain, int type, int protocol)
{
	return should_fail(FAULT_socket) ? -1
					 : __real_socket(domain, type, protocol);
}

int __real_socketpair(int domain, int type, int protocol, int fds[2]);
int __wrap_socketpair(int domain, int type, int protocol, int fds[2]);
WRAPPER int
__wrap_socketpair(int domain, int type, int protocol, int fds[2])
{
	if (should_fail(FAULT_socketpair))
		return -1;
	return __real_socketpair(domain, type, protocol, fds);
}

int __real_bind(int fd, const struct sockaddr *addr, socklen_t len);
int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t len);
WRAPPER int
__wrap_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return should_fail(FAULT_bind) ? -1 : __real_bind(fd, addr, len);
}

int __real_listen(int fd, int backlog);
int __wrap_listen(int fd, int backlog);
WRAPPER int
__wrap_listen(int fd, int backlog)
{
	return should_fail(FAULT_listen) ? -1 : __real_listen(fd, backlog);
}

int __real_accept(int fd, struct sockaddr *addr, socklen_t *len);
int __wrap_accept(int fd, struct sockaddr *addr, socklen_t *len);
WRAPPER int
__wrap_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return should_fail(FAULT_accept) ? -1 : __real_accept(fd, addr, len);
}

int __real_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
WRAPPER int
__wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	if (should_fail(FAULT_accept4))
		return -1;
	return __real_accept4(fd, addr, len, flags);
}

int __real_connect(int fd, const struct sockaddr *addr, socklen_t len);
int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t len);
WRAPPER int
__wrap_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return should_fail(FAULT_connect) ? -1 : __real_connect(fd, addr, len);
}

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
WRAPPER void *
__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (should_fail(FAULT_mmap))
		return MAP_FAILED;
	return __real_mmap(addr, len, prot, flags, fd, off);
}

int __real_ftruncate(int fd, off_t len);
int __wrap_ftruncate(int fd, off_t len);
WRAPPER int
__wrap_ftruncate(int fd, off_t len)
{
	return should_fail(FAULT_ftruncate) ? -1 : __real_ftruncate(fd, len);
}

int __real_shm_open(const char *name, int flags, mode_t mode);
int __wrap_shm_open(const char *name, int flags, mode_t mode);
WRAPPER int
__wrap_shm_open(const char *name, int flags, mode_t mode)
{
	if (should_fail(FAULT_shm_open))
		return -1;
	return __real_shm_open(name, flags, mode);
}

sem_t *__real_sem_open(const char *name, int flags, ...);
sem_t *__wrap_sem_open(const char *name, int flags, ...);
WRAPPER sem_t *
__wrap_sem_open(const char *name, int flags, ...)
{
	mode_t mode = 0;
	unsigned value = 0;
	va_list ap;

	if (flags & O_CREAT) { /* only then are the mode and value passed */
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		value = va_arg(ap, unsigned);
		va_end(ap);
	}
	if (should_fail(FAULT_sem_open))
		return SEM_FAILED;
	return __real_sem_open(name, flags, mode, value);
}

int __real_sem_init(sem_t *sem, int pshared, unsigned value);
int __wrap_sem_init(sem_t *sem, int pshared, unsigned value);
WRAPPER int
__wrap_sem_init(sem_t *sem, int pshared, unsigned value)
{
	if (should_fail(FAULT_sem_init))
		return -1;
	return __real_sem_init(sem, pshared, value);
}

mqd_t __real_mq_open(const char *name, int flags, ...);
mqd_t __wrap_mq_open(const char *name, int flags, ...);
WRAPPER mqd_t
__wrap_mq_open(const char *name, int flags, ...)
{
	struct mq_attr *attr = NULL;
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) { /* only then are the mode and attr passed */
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		attr = va_arg(ap, struct mq_attr *);
		va_end(ap);
	}
	if (should_fail(FAULT_mq_open))
		return (mqd_t)-1;
	return __real_mq_open(name, flags, mode, attr);
}

int __real_msgget(key_t key, int flags);
int __wrap_msgget(key_t key, int flags);
WRAPPER int
__wrap_msgget(key_t key, int flags)
{
	return should_fail(FAULT_msgget) ? -1 : __real_msgget(key, flags);
}

int __real_semget(key_t key, int nsems, int flags);
int __wrap_semget(key_t key, int nsems, int flags);
WRAPPER int
__wrap_semget(key_t key, int nsems, int flags)
{
	return should_fail(FAULT_semget) ? -1 : __real_semget(key, nsems, flags);
}

int __real_shmget(key_t key, size_t size, int flags);
int __wrap_shmget(key_t key, size_t size, int flags);
WRAPPER int
__wrap_shmget(key_t key, size_t size, int flags)
{
	return should_fail(FAULT_shmget) ? -1 : __real_shmget(key, size, flags);
}

void *__real_shmat(int id, const void *addr, int flags);
void *__wrap_shmat(int id, const void *addr, int flags);
WRAPPER void *
__wrap_shmat(int id, const void *addr, int flags)
{
	if (should_fail(FAULT_shmat))
		return (void *)-1;
	return __real_shmat(id, addr, flags);
}

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
WRAPPER int
__wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags); /* only then is the mode passed */
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return should_fail(FAULT_open) ? -1 : __real_open(path, flags, mode);
}

int __real_mkfifo(const char *path, mode_t mode);
int __wrap_mkfifo(const char *path, mode_t mode);
WRAPPER int
__wrap_mkfifo(const char *path, mode_t mode)
{
	return should_fail(FAULT_mkfifo) ? -1 : __real_mkfifo(path, mode);
}

int __real_dup(int fd);
int __wrap_dup(int fd);
WRAPPER int
__wrap_dup(int fd)
{
	return should_fail(FAULT_dup) ? -1 : __real_dup(fd);
}

int __real_dup2(int fd, int to);
int __wrap_dup2(int fd, int to);
WRAPPER int
__wrap_dup2(int fd, int to)
{
	return should_fail(FAULT_dup2) ? -1 : __real_dup2(fd, to);
}

int __real_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...);
WRAPPER int
__wrap_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	/* The third argument is an int, a pointer or absent, depending on
	 * cmd; glibc's own fcntl() passes it on as a pointer-sized value. */
	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return should_fail(FAULT_fcntl) ? -1 : __real_fcntl(fd, cmd, arg);
}

int __real_sigaction(int sig, const struct sigaction *act,
		     struct sigaction *old);
int __wrap_sigaction(int sig, const struct sigaction *act,
		     struct sigaction *old);
WRAPPER int
__wrap_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return should_fail(FAULT_sigaction) ? -1 : __real_sigaction(sig, act, old);
}

int __real_sigprocmask(int how, const sigset_t *set, sigset_t *old);
int __wrap_sigprocmask(int how, const sigset_t *set, sigset_t *old);
WRAPPER int
__wrap_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return should_fail(FAULT_sigprocmask) ? -1
					      : __real_sigprocmask(how, set, old);
}

int __real_sigtimedwait(const sigset_t *set, siginfo_t *info,
			const struct timespec *timeout);
int __wrap_sigtimedwait(const sigset_t *set, siginfo_t *info,
			const struct timespec *timeout);
WRAPPER int
__wrap_sigtimedwait(const sigset_t *set, siginfo_t *info,
		    const struct timespec *timeout)
{
	if (should_fail(FAULT_sigtimedwait))
		return -1;
	return __real_sigtimedwait(set, info, timeout);
}

pid_t __real_waitpid(pid_t pid, int *status, int options);
pid_t __wrap_waitpid(pid_t pid, int *status, int options);
WRAPPER pid_t
__wrap_waitpid(pid_t pid, int *status, int options)
{
	/* Failing with EINTR, it reaps nothing: the child stays. */
	return should_fail(FAULT_waitpid) ? -1
					  : __real_waitpid(pid, status, options);
}

int __real_msgsnd(int id, const void *msg, size_t len, int flags);
int __wrap_msgsnd(int id, const void *msg, size_t len, int flags);
WRAPPER int
__wrap_msgsnd(int id, const void *msg, size_t len, int flags)
{
	if (should_fail(FAULT_msgsnd))
		return -1;
	return __real_msgsnd(id, msg, len, flags);
}

ssize_t __real_msgrcv(int id, void *msg, size_t len, long type, int flags);
ssize_t __wrap_msgrcv(int id, void *msg, size_t len, long type, int flags);
WRAPPER ssize_t
__wrap_msgrcv(int id, void *msg, size_t len, long type, int flags)
{
	if (should_fail(FAULT_msgrcv))
		return -1;
	return __real_msgrcv(id, msg, len, type, flags);
}

int __real_msgctl(int id, int cmd, struct msqid_ds *buf);
int __wrap_msgctl(int id, int cmd, struct msqid_ds *buf);
WRAPPER int
__wrap_msgctl(int id, int cmd, struct msqid_ds *buf)
{
	return should_fail(FAULT_msgctl) ? -1 : __real_msgctl(id, cmd, buf);
}

int __real_mq_send(mqd_t q, const char *msg, size_t len, unsigned prio);
int __wrap_mq_send(mqd_t q, const char *msg, size_t len, unsigned prio);
WRAPPER int
__wrap_mq_send(mqd_t q, const char *msg, size_t len, unsigned prio)
{
	if (should_fail(FAULT_mq_send))
		return -1;
	return __real_mq_send(q, msg, len, prio);
}

ssize_t __real_mq_receive(mqd_t q, char *msg, size_t len, unsigned *prio);
ssize_t __wrap_mq_receive(mqd_t q, char *msg, size_t len, unsigned *prio);
WRAPPER ssize_t
__wrap_mq_receive(mqd_t q, char *msg, size_t len, unsigned *prio)
{
	if (should_fail(FAULT_mq_receive))
		return -1;
	return __real_mq_receive(q, msg, len, prio);
}

int __real_mq_getattr(mqd_t q, struct mq_attr *attr);
int __wrap_mq_getattr(mqd_t q, struct mq_attr *attr);
WRAPPER int
__wrap_mq_getattr(mqd_t q, struct mq_attr *attr)
{
	return should_fail(FAULT_mq_getattr) ? -1 : __real_mq_getattr(q, attr);
}

int __real_mq_unlink(const char *name);
int __wrap_mq_unlink(const char *name);
WRAPPER int
__wrap_mq_unlink(const char *name)
{
	return should_fail(FAULT_mq_unlink) ? -1 : __real_mq_unlink(name);
}

int __real_semop(int id, struct sembuf *ops, size_t nops);
int __wrap_semop(int id, struct sembuf *ops, size_t nops);
WRAPPER int
__wrap_semop(int id, struct sembuf *ops, size_t nops)
{
	return should_fail(FAULT_semop) ? -1 : __real_semop(id, ops, nops);
}

int __real_semtimedop(int id, struct sembuf *ops, size_t nops,
		      const struct timespec *timeout);
int __wrap_semtimedop(int id, struct sembuf *ops, size_t nops,
		      const struct timespec *timeout);
WRAPPER int
__wrap_semtimedop(int id, struct sembuf *ops, size_t nops,
		  const struct timespec *timeout)
{
	if (should_fail(FAULT_semtimedop))
		return -1;
	return __real_semtimedop(id, ops, nops, timeout);
}

/** semctl()'s optional fourth argument (the caller defines it: semctl(2)). */
union fault_semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *info;
};

int __real_semctl(int id, int num, int cmd, ...);
int __wrap_semctl(int id, int num, int cmd, ...);
WRAPPER int
__wrap_semctl(int id, int num, int cmd, ...)
{
	union fault_semun arg = { 0 };
	va_list ap;

	switch (cmd) { /* the commands that take the argument, as glibc reads */
	case IPC_SET: case IPC_STAT: case IPC_INFO: case SEM_INFO:
	case SEM_STAT: case SEM_STAT_ANY: case GETALL: case SETALL:
	case SETVAL:
		va_start(ap, cmd);
		arg = va_arg(ap, union fault_semun);
		va_end(ap);
		break;
	default:
		break;
	}
	return should_fail(FAULT_semctl) ? -1 : __real_semctl(id, num, cmd, arg);
}

int __real_sem_wait(sem_t *sem);
int __wrap_sem_wait(sem_t *sem);
WRAPPER int
__wrap_sem_wait(sem_t *sem)
{
	return should_fail(FAULT_sem_wait) ? -1 : __real_sem_wait(sem);
}

int __real_sem_post(sem_t *sem);
int __wrap_sem_post(sem_t *sem);
WRAPPER int
__wrap_sem_post(sem_t *sem)
{
	return should_fail(FAULT_sem_post) ? -1 : __real_sem_post(sem);
}

int __real_sem_unlink(const char *name);
int __wrap_sem_unlink(const char *name);
WRAPPER int
__wrap_sem_unlink(const char *name)
{
	return should_fail(FAULT_sem_unlink) ? -1 : __real_sem_unlink(name);
}

/**
 * An allocation the memory limit refused: tell the driver, so that the
 * crash that usually follows (a NULL used without a check) is reported
 * with its cause, not only as SIGSEGV.
 */
static void *
note_refused(void *p, const char *call, size_t bytes)
{
	char note[160];

	if (p == NULL && bytes >= (64u << 20)) {
		snprintf(note, sizeof(note),
			 "%s() of %zu bytes (%.1f GiB) returned NULL: a test may "
			 "use 4 GiB of memory in all",
			 call, bytes, (double)bytes / (1u << 30));
		grade_note(note);
	}
	return p;
}

void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);
WRAPPER void *
__wrap_malloc(size_t size)
{
	if (should_fail(FAULT_malloc))
		return NULL;
	return note_refused(__real_malloc(size), "malloc", size);
}

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
WRAPPER void *
__wrap_calloc(size_t n, size_t size)
{
	if (should_fail(FAULT_calloc))
		return NULL;
	return note_refused(__real_calloc(n, size), "calloc", n * size);
}

void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);
WRAPPER void *
__wrap_realloc(void *p, size_t size)
{
	if (should_fail(FAULT_realloc))
		return NULL;
	return note_refused(__real_realloc(p, size), "realloc", size);
}
