/* SPDX-License-Identifier: MIT */
/**
 * @file bench.c
 * @brief Lab 11, measure don't believe: your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=11 STEP=n`. Read README.md first.
 *
 * The channel functions (bench_chan_*) are given as a dispatch on the
 * mechanism: each mechanism's work is a static function below, a stub
 * until its step. Change the struct and the dispatch as you like: the
 * grader only calls the functions of bench.h.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------- step 1: the harness */

uint64_t
bench_now_ns(void)
{
	/* TODO(step 1): clock_gettime(CLOCK_MONOTONIC, &ts), then
	 * nanoseconds in 64 bits: (uint64_t)ts.tv_sec * 1000000000 +
	 * ts.tv_nsec. Not CLOCK_REALTIME, not gettimeofday(): the wall clock
	 * jumps. Read: man 2 clock_gettime. */
	errno = ENOSYS;
	return 0;
}

int
bench_measure(bench_op_fn op, void *arg, unsigned warmup, unsigned iters,
	      uint64_t *samples)
{
	/* TODO(step 1): call op(arg) warmup times without timing it, then
	 * iters times, storing the duration of call i in samples[i] (the
	 * end of one call can be the start of the next: one clock read per
	 * call). Stop at the first call that returns -1. */
	(void)op;
	(void)arg;
	(void)warmup;
	(void)iters;
	(void)samples;
	errno = ENOSYS;
	return -1;
}

int
bench_stats_compute(uint64_t *samples, size_t n, struct bench_stats *stats)
{
	/* TODO(step 1): sort all n samples (qsort), then the nearest-rank
	 * percentile p is sorted[ceil(p * n / 100) - 1]. Also min, max and
	 * the mean. Read: man 3 qsort. */
	(void)samples;
	(void)n;
	(void)stats;
	errno = ENOSYS;
	return -1;
}

void
bench_fill(void *buf, size_t len, uint64_t seq)
{
	/* TODO(step 1): write a pattern in which every byte depends on seq
	 * and on its offset: e.g. 8-byte words, the first one a mix of seq,
	 * each next one the previous plus an odd constant. */
	(void)buf;
	(void)len;
	(void)seq;
}

int
bench_check(const void *buf, size_t len, uint64_t seq)
{
	/* TODO(step 1): recompute bench_fill()'s pattern for seq and compare
	 * every byte, the last few too; -1 with EBADMSG on any difference. */
	(void)buf;
	(void)len;
	(void)seq;
	errno = ENOSYS;
	return -1;
}

int
bench_choose_cpus(enum bench_pin pin, int cpus[2])
{
	/* TODO(step 1): sched_getaffinity(0, ...) gives the CPUs this
	 * process may use; pick the first one (SHARE), or the first two
	 * (SPLIT), never a fixed number. NONE: -1 and -1.
	 * Read: man 2 sched_getaffinity, man 3 CPU_SET. */
	(void)pin;
	(void)cpus;
	errno = ENOSYS;
	return -1;
}

/* ------------------------------------------ steps 2 to 6: the channels */

/*
 * A suggested layout: what each mechanism needs, the rest unused.
 * Directions: 0 is parent to child, 1 is child to parent; end e sends in
 * direction e and receives in direction 1 - e.
 */
struct bench_chan {
	enum bench_mech mech;	/**< which one */
	pid_t creator;		/**< the process that made it (and removes) */
	int end;		/**< 0 or 1 once attached; -1 before */
	pid_t peer;		/**< the other process */
	size_t max_size;	/**< largest message */
	size_t piece;		/**< largest piece sent at once */
	int fd[4];		/**< pipes, socketpair, sockets before attach */
	int rfd;		/**< this end reads here (fd mechanisms) */
	int wfd;		/**< this end writes here (fd mechanisms) */
	char path[2][108];	/**< FIFOs and socket files still to unlink */
	struct sockaddr_in tcp; /**< BENCH_TCP: where the listener is */
	int msqid;		/**< BENCH_SYSV_MQ: the queue */
	mqd_t mq[2];		/**< BENCH_POSIX_MQ: a queue per direction */
	unsigned char *scratch; /**< message queues: room for one piece */
	void *region;		/**< shared memory: the mapping */
	size_t region_len;	/**< its length */
	sigset_t old_mask;	/**< BENCH_SIGNAL: the caller's mask */
};

/* --------------------------- step 2: pipes, FIFOs and a socketpair */

static int
pipe_create(struct bench_chan *ch)
{
	/* TODO(step 2): two pipes, one per direction (pipe2 with
	 * O_CLOEXEC). Large messages go faster through a larger pipe:
	 * fcntl(F_SETPIPE_SZ), and carry on if it is refused. */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
pipe_attach(struct bench_chan *ch)
{
	/* TODO(step 2): keep the read end of one pipe and the write end of
	 * the other, close the rest (or EOF never comes). */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
fifo_create(struct bench_chan *ch, const char *dir)
{
	/* TODO(step 2): mkfifo() two FIFOs in dir, with names of this
	 * channel alone (the pid and a counter). Read: man 3 mkfifo. */
	(void)ch;
	(void)dir;
	errno = ENOSYS;
	return -1;
}

static int
fifo_attach(struct bench_chan *ch)
{
	/* TODO(step 2): open both, in the same order at both ends: an open
	 * for reading waits for a writer, and the other way round. Once the
	 * parent has both open, the names can be unlinked. */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
socketpair_create(struct bench_chan *ch)
{
	/* TODO(step 2): socketpair(AF_UNIX, SOCK_STREAM, 0, fds). */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
socketpair_attach(struct bench_chan *ch)
{
	/* TODO(step 2): keep one socket, close the other. */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
fd_send(struct bench_chan *ch, const void *buf, size_t len)
{
	/* TODO(step 2): write until all len bytes are out: a short write is
	 * not an error, EINTR neither. On a socket, send(MSG_NOSIGNAL). */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

static int
fd_recv(struct bench_chan *ch, void *buf, size_t len)
{
	/* TODO(step 2): read until exactly len bytes arrived. A stream
	 * returns what is there: a short read is normal (a 64 KiB message
	 * on a socket comes in pieces). EOF before the end: EPIPE. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

/* ------------------------------------------ step 3: message queues */

static int
sysv_mq_create(struct bench_chan *ch)
{
	/* TODO(step 3): msgget(IPC_PRIVATE, ...). A message holds at most
	 * msgmax bytes (8192 here; msgctl(IPC_INFO) tells): larger ones go
	 * in pieces. Read: man 2 msgget, man 2 msgctl. */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
sysv_mq_send(struct bench_chan *ch, const void *buf, size_t len)
{
	/* TODO(step 3): msgsnd() each piece, typed by direction (1: to the
	 * child, 2: to the parent). Read: man 2 msgsnd. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

static int
sysv_mq_recv(struct bench_chan *ch, void *buf, size_t len)
{
	/* TODO(step 3): msgrcv() each piece of the other end's type, and
	 * check its size. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

static int
posix_mq_create(struct bench_chan *ch)
{
	/* TODO(step 3): two queues (mq_open with O_CREAT | O_EXCL and an
	 * mq_attr: mq_msgsize at most msgsize_max, 8192 here), named from
	 * getpid() and a counter, unlinked as soon as they are open.
	 * Read: man 7 mq_overview, man 3 mq_open. */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
posix_mq_send(struct bench_chan *ch, const void *buf, size_t len)
{
	/* TODO(step 3): mq_send() each piece. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

static int
posix_mq_recv(struct bench_chan *ch, void *buf, size_t len)
{
	/* TODO(step 3): mq_receive() each piece into a buffer of at least
	 * mq_msgsize bytes, and check its size. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

/* ------------------------------------------- step 4: shared memory */

static int
shm_create(struct bench_chan *ch)
{
	/* TODO(step 4): one mmap(MAP_SHARED | MAP_ANONYMOUS) with a ring
	 * per direction: BENCH_SHM_SEM waits on two semaphores per ring
	 * (sem_init with pshared 1), BENCH_SHM_SPIN on two C11 atomic
	 * counters (head, tail) on cache lines of their own. */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
shm_send(struct bench_chan *ch, const void *buf, size_t len)
{
	/* TODO(step 4): for each piece: wait for a free slot, copy, then
	 * publish (sem_post, or a store with memory_order_release). */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

static int
shm_recv(struct bench_chan *ch, void *buf, size_t len)
{
	/* TODO(step 4): for each piece: wait until one is published
	 * (sem_wait, or a load with memory_order_acquire), copy it out,
	 * then free its slot. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

/* ------------------------------------------------- step 5: sockets */

static int
unix_stream_create(struct bench_chan *ch, const char *dir)
{
	/* TODO(step 5): socket(AF_UNIX, SOCK_STREAM), bind() to a file in
	 * dir, listen(). Read: man 7 unix. */
	(void)ch;
	(void)dir;
	errno = ENOSYS;
	return -1;
}

static int
tcp_create(struct bench_chan *ch)
{
	/* TODO(step 5): socket(AF_INET, SOCK_STREAM), bind() to 127.0.0.1
	 * port 0, getsockname() for the port the kernel chose, listen().
	 * Read: man 7 ip, man 7 tcp. */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
stream_socket_attach(struct bench_chan *ch)
{
	/* TODO(step 5): the parent accept()s, then closes the listener
	 * (and unlinks a Unix socket's file); the child closes its copy of
	 * the listener, then connect()s. TCP: TCP_NODELAY on both. */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
unix_dgram_create(struct bench_chan *ch, const char *dir)
{
	/* TODO(step 5): two SOCK_DGRAM sockets bound in dir and connect()ed
	 * to each other. A datagram larger than the send buffer fails with
	 * EMSGSIZE: send pieces (64 KiB, say). */
	(void)ch;
	(void)dir;
	errno = ENOSYS;
	return -1;
}

static int
dgram_send(struct bench_chan *ch, const void *buf, size_t len)
{
	/* TODO(step 5): one send() per piece. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

static int
dgram_recv(struct bench_chan *ch, void *buf, size_t len)
{
	/* TODO(step 5): one recv() per piece, MSG_TRUNC to see its real
	 * size, and check it. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

/* ------------------------------------------------- step 6: signals */

static int
signal_create(struct bench_chan *ch)
{
	/* TODO(step 6): block SIGUSR1 (sigprocmask), keeping the old mask,
	 * before fork(): a signal sent before its receiver waits for it
	 * then stays pending instead of killing it. */
	(void)ch;
	errno = ENOSYS;
	return -1;
}

static int
signal_send(struct bench_chan *ch, const void *buf, size_t len)
{
	/* TODO(step 6): sigqueue(peer, SIGUSR1, value), the message in the
	 * value's int. Read: man 3 sigqueue. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

static int
signal_recv(struct bench_chan *ch, void *buf, size_t len)
{
	/* TODO(step 6): sigwaitinfo() on SIGUSR1 (retry EINTR); the message
	 * is in info.si_value. Read: man 2 sigwaitinfo. */
	(void)ch;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

/* ------------------------------------------------ the public channel */

struct bench_chan *
bench_chan_create(enum bench_mech mech, size_t max_size, const char *dir)
{
	struct bench_chan *ch;
	int rc, saved;

	if ((unsigned)mech >= BENCH_N_MECHS || max_size == 0 ||
	    max_size > (mech == BENCH_SIGNAL ? BENCH_SIGNAL_MAX_SIZE
					     : BENCH_MAX_SIZE)) {
		errno = EINVAL;
		return NULL;
	}
	ch = calloc(1, sizeof(*ch));
	if (ch == NULL)
		return NULL;
	ch->mech = mech;
	ch->creator = getpid();
	ch->end = -1;
	ch->max_size = max_size;
	ch->piece = max_size;
	ch->rfd = ch->wfd = ch->msqid = -1;
	ch->mq[0] = ch->mq[1] = (mqd_t)-1;
	for (int i = 0; i < 4; i++)
		ch->fd[i] = -1;
	switch (mech) {
	case BENCH_PIPE:
		rc = pipe_create(ch);
		break;
	case BENCH_FIFO:
		rc = fifo_create(ch, dir);
		break;
	case BENCH_SOCKETPAIR:
		rc = socketpair_create(ch);
		break;
	case BENCH_SYSV_MQ:
		rc = sysv_mq_create(ch);
		break;
	case BENCH_POSIX_MQ:
		rc = posix_mq_create(ch);
		break;
	case BENCH_SHM_SEM:
	case BENCH_SHM_SPIN:
		rc = shm_create(ch);
		break;
	case BENCH_UNIX_STREAM:
		rc = unix_stream_create(ch, dir);
		break;
	case BENCH_UNIX_DGRAM:
		rc = unix_dgram_create(ch, dir);
		break;
	case BENCH_TCP:
		rc = tcp_create(ch);
		break;
	default:
		rc = signal_create(ch);
		break;
	}
	if (rc == -1) {
		saved = errno;
		bench_chan_close(ch); /* whatever was made before it failed */
		errno = saved;
		return NULL;
	}
	return ch;
}

int
bench_chan_attach(struct bench_chan *ch, int end, pid_t peer)
{
	if (ch == NULL || (end != 0 && end != 1) || ch->end != -1) {
		errno = EINVAL;
		return -1;
	}
	ch->end = end;
	ch->peer = peer;
	switch (ch->mech) {
	case BENCH_PIPE:
		return pipe_attach(ch);
	case BENCH_FIFO:
		return fifo_attach(ch);
	case BENCH_SOCKETPAIR:
	case BENCH_UNIX_DGRAM:
		return socketpair_attach(ch); /* keep fd[end] */
	case BENCH_UNIX_STREAM:
	case BENCH_TCP:
		return stream_socket_attach(ch);
	default: /* queues, shared memory, signals: nothing per end */
		return 0;
	}
}

int
bench_chan_send(struct bench_chan *ch, const void *buf, size_t len)
{
	if (ch == NULL || buf == NULL || ch->end == -1 || len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (len > ch->max_size) {
		errno = EMSGSIZE;
		return -1;
	}
	switch (ch->mech) {
	case BENCH_SYSV_MQ:
		return sysv_mq_send(ch, buf, len);
	case BENCH_POSIX_MQ:
		return posix_mq_send(ch, buf, len);
	case BENCH_SHM_SEM:
	case BENCH_SHM_SPIN:
		return shm_send(ch, buf, len);
	case BENCH_UNIX_DGRAM:
		return dgram_send(ch, buf, len);
	case BENCH_SIGNAL:
		return signal_send(ch, buf, len);
	default: /* pipes, FIFOs and stream sockets: a byte stream */
		return fd_send(ch, buf, len);
	}
}

int
bench_chan_recv(struct bench_chan *ch, void *buf, size_t len)
{
	if (ch == NULL || buf == NULL || ch->end == -1 || len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (len > ch->max_size) {
		errno = EMSGSIZE;
		return -1;
	}
	switch (ch->mech) {
	case BENCH_SYSV_MQ:
		return sysv_mq_recv(ch, buf, len);
	case BENCH_POSIX_MQ:
		return posix_mq_recv(ch, buf, len);
	case BENCH_SHM_SEM:
	case BENCH_SHM_SPIN:
		return shm_recv(ch, buf, len);
	case BENCH_UNIX_DGRAM:
		return dgram_recv(ch, buf, len);
	case BENCH_SIGNAL:
		return signal_recv(ch, buf, len);
	default:
		return fd_recv(ch, buf, len);
	}
}

int
bench_chan_close(struct bench_chan *ch)
{
	/* TODO(steps 2-6): close this end's descriptors (fds, queues); in
	 * the creator only (ch->creator == getpid()), also remove what
	 * create made: unlink files, msgctl(IPC_RMID), sem_destroy(), give
	 * back the signal mask. munmap() the shared memory, free what you
	 * allocated. Each step adds its part. */
	if (ch == NULL) {
		errno = EINVAL;
		return -1;
	}
	free(ch);
	return 0;
}

/* ------------------------------------------------ the two benchmarks */

int
bench_echo(struct bench_chan *ch, const struct bench_config *cfg)
{
	/* TODO(step 2): cfg->warmup + cfg->iters times: receive a message
	 * of cfg->size bytes, send it back. One buffer, allocated once. */
	(void)ch;
	(void)cfg;
	errno = ENOSYS;
	return -1;
}

int
bench_stream_send(struct bench_chan *ch, const struct bench_config *cfg)
{
	/* TODO(step 2): send cfg->warmup + cfg->iters messages, message i
	 * filled by bench_fill(buf, cfg->size, i). */
	(void)ch;
	(void)cfg;
	errno = ENOSYS;
	return -1;
}

int
bench_pingpong(const struct bench_config *cfg, struct bench_result *res)
{
	/* TODO(step 2): check cfg; bench_choose_cpus(); save this process's
	 * affinity; allocate everything; bench_chan_create(); fork(). The
	 * child: pin, attach end 1, run cfg->peer (or bench_echo), close,
	 * _exit(). The parent: pin, attach end 0, bench_measure() round
	 * trips (fill message i, send, receive, bench_check() the reply);
	 * on failure kill the child; reap it; close; give the affinity back;
	 * bench_stats_compute(). Read: man 2 sched_setaffinity. */
	(void)cfg;
	(void)res;
	errno = ENOSYS;
	return -1;
}

int
bench_stream(const struct bench_config *cfg, struct bench_result *res)
{
	/* TODO(step 2): as bench_pingpong(), but the child sends (cfg->peer
	 * or bench_stream_send) and each measured iteration receives one
	 * message and checks it. mb_per_s: bytes received / time. */
	(void)cfg;
	(void)res;
	errno = ENOSYS;
	return -1;
}
