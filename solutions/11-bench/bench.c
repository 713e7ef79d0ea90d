/* SPDX-License-Identifier: MIT */
/**
 * @file bench.c
 * @brief Lab 11 reference solution: the harness and every channel.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
	struct timespec ts;

	/* CLOCK_MONOTONIC: never set by anyone, so never jumps. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	/* 64 bits: 2^32 ns is only 4.3 s since boot. */
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int
bench_measure(bench_op_fn op, void *arg, unsigned warmup, unsigned iters,
	      uint64_t *samples)
{
	uint64_t before;

	if (op == NULL || samples == NULL || iters == 0) {
		errno = EINVAL;
		return -1;
	}
	for (unsigned i = 0; i < warmup; i++) /* caches, page faults... */
		if (op(arg) == -1)
			return -1;
	/* One clock read per call: the end of one is the start of the next. */
	before = bench_now_ns();
	for (unsigned i = 0; i < iters; i++) {
		uint64_t after;

		if (op(arg) == -1)
			return -1;
		after = bench_now_ns();
		samples[i] = after - before;
		before = after;
	}
	return 0;
}

/** qsort() order for uint64_t. */
static int
compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/** The nearest-rank @p p-th percentile of @p n sorted samples. */
static uint64_t
percentile(const uint64_t *sorted, size_t n, unsigned p)
{
	size_t rank = (n * p + 99) / 100; /* ceil(p * n / 100), 1-based */

	return sorted[rank == 0 ? 0 : rank - 1];
}

int
bench_stats_compute(uint64_t *samples, size_t n, struct bench_stats *stats)
{
	double sum = 0;

	if (samples == NULL || stats == NULL || n == 0) {
		errno = EINVAL;
		return -1;
	}
	/* Every sample counts: the slow ones are the point of a p99. */
	qsort(samples, n, sizeof(*samples), compare_u64);
	for (size_t i = 0; i < n; i++)
		sum += (double)samples[i];
	stats->n = n;
	stats->min_ns = samples[0];
	stats->p50_ns = percentile(samples, n, 50);
	stats->p90_ns = percentile(samples, n, 90);
	stats->p99_ns = percentile(samples, n, 99);
	stats->max_ns = samples[n - 1];
	stats->mean_ns = sum / (double)n;
	return 0;
}

/** The pattern's step from one 8-byte word to the next (odd). */
#define PATTERN_STEP 0x9e3779b97f4a7c15u

/** The first word of message @p seq (splitmix64: seeds far apart). */
static uint64_t
pattern_start(uint64_t seq)
{
	uint64_t z = seq + PATTERN_STEP;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/** The pattern's word at byte @p offset (a multiple of 8) of message
 *  @p seq: word i of a message is start + i * STEP. */
static uint64_t
pattern_word(uint64_t seq, size_t offset)
{
	return pattern_start(seq) + (offset / 8) * PATTERN_STEP;
}

/*
 * fill_words() and pattern_diff() are as fast as memset() and a plain
 * read, so that checking every byte does not hide the speed of the
 * mechanism being measured. Each turn handles four words with four
 * running values: one running value would make every addition wait for
 * the one before it, while four independent ones keep several of the
 * CPU's adders and store units busy at once.
 */

/** Write @p len bytes of the pattern whose first word is @p word. */
static void
fill_words(unsigned char *p, size_t len, uint64_t word)
{
	const uint64_t step4 = 4 * PATTERN_STEP;
	uint64_t w0 = word, w1 = word + PATTERN_STEP,
		 w2 = word + 2 * PATTERN_STEP, w3 = word + 3 * PATTERN_STEP;
	size_t i = 0;

	for (; i + 32 <= len; i += 32) {
		memcpy(p + i, &w0, 8); /* memcpy: no alignment needed */
		memcpy(p + i + 8, &w1, 8);
		memcpy(p + i + 16, &w2, 8);
		memcpy(p + i + 24, &w3, 8);
		w0 += step4;
		w1 += step4;
		w2 += step4;
		w3 += step4;
	}
	for (; i + 8 <= len; i += 8, w0 += PATTERN_STEP)
		memcpy(p + i, &w0, 8);
	memcpy(p + i, &w0, len - i); /* the tail: the next word's bytes */
}

/** The differences between @p len bytes at @p p and the pattern whose
 *  first word is @p word, ORed together: 0 when every byte matches.
 *  No branch per word: the differences are looked at once, at the end. */
static uint64_t
pattern_diff(const unsigned char *p, size_t len, uint64_t word)
{
	const uint64_t step4 = 4 * PATTERN_STEP;
	uint64_t w0 = word, w1 = word + PATTERN_STEP,
		 w2 = word + 2 * PATTERN_STEP, w3 = word + 3 * PATTERN_STEP;
	uint64_t d0 = 0, d1 = 0, d2 = 0, d3 = 0, tail = 0, want = 0;
	size_t i = 0;

	for (; i + 32 <= len; i += 32) {
		uint64_t g0, g1, g2, g3;

		memcpy(&g0, p + i, 8); /* memcpy: no alignment needed */
		memcpy(&g1, p + i + 8, 8);
		memcpy(&g2, p + i + 16, 8);
		memcpy(&g3, p + i + 24, 8);
		d0 |= g0 ^ w0;
		d1 |= g1 ^ w1;
		d2 |= g2 ^ w2;
		d3 |= g3 ^ w3;
		w0 += step4;
		w1 += step4;
		w2 += step4;
		w3 += step4;
	}
	for (; i + 8 <= len; i += 8, w0 += PATTERN_STEP) {
		uint64_t got;

		memcpy(&got, p + i, 8);
		d0 |= got ^ w0;
	}
	memcpy(&tail, p + i, len - i);
	memcpy(&want, &w0, len - i);
	return d0 | d1 | d2 | d3 | (tail ^ want);
}

void
bench_fill(void *buf, size_t len, uint64_t seq)
{
	fill_words(buf, len, pattern_word(seq, 0));
}

int
bench_check(const void *buf, size_t len, uint64_t seq)
{
	if (pattern_diff(buf, len, pattern_word(seq, 0)) != 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

int
bench_choose_cpus(enum bench_pin pin, int cpus[2])
{
	cpu_set_t allowed;
	int first = -1, second = -1;

	if (cpus == NULL || (unsigned)pin > BENCH_PIN_SHARE) {
		errno = EINVAL;
		return -1;
	}
	cpus[0] = cpus[1] = -1;
	if (pin == BENCH_PIN_NONE)
		return 0;
	/* The CPUs we may use: a container, taskset or the grader may have
	 * given us fewer than the machine has, and not always CPU 0. */
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == -1)
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE && second == -1; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		if (first == -1)
			first = cpu;
		else
			second = cpu;
	}
	if (first == -1) { /* cannot happen: we are running somewhere */
		errno = EINVAL;
		return -1;
	}
	cpus[0] = first;
	cpus[1] = pin == BENCH_PIN_SPLIT && second != -1 ? second : first;
	return 0;
}

/* ------------------------------------------ steps 2 to 6: the channels */

/*
 * Directions: 0 is parent to child, 1 is child to parent. End e sends in
 * direction e and receives in direction 1 - e.
 */

/*
 * The shared-memory rings, sized by measurement (make bench, and A/B runs
 * on a 2-CPU machine). A message of more than 2 KiB goes in two pieces or
 * more, of at most 8 KiB, so that the receiver starts on the first piece
 * while the sender writes the next: a 64 KiB round trip took 0.7 times as
 * long in 8 KiB pieces as in one, and a 4 KiB one 0.8 times as long in
 * two. Smaller pieces cost more than they gain. Each ring is 4 MiB,
 * however small the pieces, larger than a CPU's L2 cache: rings of 64 KiB
 * to 1 MiB, which stay in the two CPUs' caches, streamed at a third to a
 * half of its speed, every line going from one CPU's cache to the
 * other's instead of through the shared L3.
 */
/** Messages up to this size go in one piece. */
#define SHM_PIECE_MIN ((size_t)2 * 1024)
/** Most bytes a shared-memory slot holds: a piece of a message. */
#define SHM_SLOT_MAX ((size_t)8 * 1024)
/** Bytes of each direction's ring, whatever the size of its slots. */
#define SHM_RING_BYTES ((size_t)4 << 20)
/** Pauses a spinning waiter makes before it yields the CPU. */
#define SPIN_BEFORE_YIELD 4096
/** Stream sockets' kernel buffers: at least this (grow_socket_buffers()). */
#define SOCKET_BUFFER_MIN ((size_t)256 * 1024)
/** ... and at most this: 8 messages of 512 KiB and more. */
#define SOCKET_BUFFER_MAX ((size_t)4 * 1024 * 1024)
/** Bytes a byte-stream channel reads at once when it can (fd_recv()). */
#define READ_AHEAD ((size_t)64 * 1024)
/** Largest piece of a Unix datagram message (the send buffer is ~208 KiB). */
#define DGRAM_PIECE_MAX ((size_t)64 * 1024)

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

/** One direction of a shared-memory channel: a ring of slots. */
struct shm_ring {
	sem_t free_slots; /**< BENCH_SHM_SEM: slots the sender may fill */
	sem_t used_slots; /**< BENCH_SHM_SEM: slots the receiver may read */
	/** BENCH_SHM_SPIN: pieces taken by the receiver so far */
	_Alignas(64) atomic_uint_fast64_t head;
	/** BENCH_SHM_SPIN: pieces published by the sender so far */
	_Alignas(64) atomic_uint_fast64_t tail;
};

/** A channel: what each mechanism needs, the rest unused. */
struct bench_chan {
	enum bench_mech mech; /**< which one */
	pid_t creator;	      /**< the process that made it (and removes) */
	int end;	      /**< 0 or 1 once attached; -1 before */
	pid_t peer;	      /**< the other process */
	size_t max_size;      /**< largest message */
	size_t piece;	      /**< largest piece sent at once */
	size_t n_slots;	      /**< shared memory: slots in each ring */
	int fd[4];	      /**< pipes, socketpair, sockets: see create */
	int rfd;	      /**< this end reads here (fd mechanisms) */
	int wfd;	      /**< this end writes here (fd mechanisms) */
	char path[2][sizeof(((struct sockaddr_un *)0)->sun_path)];
	/**< FIFOs and socket files still to unlink ("" when none) */
	struct sockaddr_in tcp;	  /**< BENCH_TCP: where the listener is */
	int msqid;		  /**< BENCH_SYSV_MQ: the queue */
	mqd_t mq[2];		  /**< BENCH_POSIX_MQ: a queue per direction */
	unsigned char *scratch;	  /**< message queues: one piece, with room
				     for a System V message's type */
	struct shm_ring *ring[2]; /**< shared memory: a ring per direction */
	unsigned char *slots[2];  /**< ... and its slots */
	void *region;		  /**< the whole shared mapping */
	size_t region_len;	  /**< its length */
	uint64_t sent;		  /**< shared memory: pieces this end sent */
	uint64_t got;		  /**< ... and pieces it received */
	uint64_t head_seen;   /**< BENCH_SHM_SPIN: our ring's head, last read */
	uint64_t tail_seen;   /**< ... the other ring's tail, last read */
	sigset_t old_mask;    /**< BENCH_SIGNAL: the caller's mask */
	unsigned char *ahead; /**< byte streams: READ_AHEAD bytes for
				     what a read() brought ahead */
	size_t ahead_start;   /**< ... the first not yet taken */
	size_t ahead_end;     /**< ... and the end of what was read */
};

/** A new name for this process's channels: unique per process and call. */
static unsigned
next_channel_number(void)
{
	static unsigned count;

	return ++count;
}

/** "dir/bench-PID-N-what" into @p out; ENAMETOOLONG if it does not fit. */
static int
channel_path(char *out, size_t out_len, const char *dir, unsigned n,
	     const char *what)
{
	int len;

	if (dir == NULL) {
		errno = EINVAL;
		return -1;
	}
	len = snprintf(out, out_len, "%s/bench-%ld-%u-%s", dir, (long)getpid(),
		       n, what);
	if (len < 0 || (size_t)len >= out_len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/** Close @p fd if it is open, and mark it closed; keeps errno. */
static void
close_fd(int *fd)
{
	int saved = errno;

	if (*fd != -1)
		close(*fd);
	*fd = -1;
	errno = saved;
}

/** Unlink the files of @p ch not unlinked yet; keeps errno. */
static void
unlink_paths(struct bench_chan *ch)
{
	int saved = errno;

	for (int i = 0; i < 2; i++) {
		if (ch->path[i][0] != '\0')
			unlink(ch->path[i]);
		ch->path[i][0] = '\0';
	}
	errno = saved;
}

/** A pipe's capacity raised towards @p size (a speed-up only: the
 *  system may refuse, and the channel works anyway). */
static void
grow_pipe(int fd, size_t size)
{
	if (size > 64 * 1024)
		fcntl(fd, F_SETPIPE_SZ,
		      size < BENCH_MAX_SIZE ? (int)size : (int)BENCH_MAX_SIZE);
}

/** The size of the piece at offset @p off of a @p len-byte message: the
 *  mechanisms that carry at most ch->piece bytes at once cut a message
 *  into pieces of that size, the last one shorter. */
static size_t
piece_len(const struct bench_chan *ch, size_t len, size_t off)
{
	return len - off < ch->piece ? len - off : ch->piece;
}

/* --------------------------- step 2: pipes, FIFOs and a socketpair */

/** BENCH_PIPE: fd[0..1] parent to child, fd[2..3] child to parent. */
static int
pipe_create(struct bench_chan *ch)
{
	if (pipe2(ch->fd, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(ch->fd + 2, O_CLOEXEC) == -1)
		return -1; /* bench_chan_close() closes the first one */
	grow_pipe(ch->fd[1], ch->max_size);
	grow_pipe(ch->fd[3], ch->max_size);
	return 0;
}

/** BENCH_PIPE: keep our two ends, close the other two. */
static int
pipe_attach(struct bench_chan *ch)
{
	int r = ch->end == 0 ? 2 : 0, w = ch->end == 0 ? 1 : 3;

	ch->rfd = ch->fd[r];
	ch->wfd = ch->fd[w];
	ch->fd[r] = ch->fd[w] = -1; /* ours now: rfd and wfd */
	for (int i = 0; i < 4; i++)
		close_fd(&ch->fd[i]); /* or EOF never comes */
	return 0;
}

/** BENCH_FIFO: two FIFOs in the caller's directory. */
static int
fifo_create(struct bench_chan *ch, const char *dir)
{
	unsigned n = next_channel_number();

	for (int d = 0; d < 2; d++) {
		if (channel_path(ch->path[d], sizeof(ch->path[d]), dir, n,
				 d == 0 ? "down" : "up") == -1)
			return -1;
		if (mkfifo(ch->path[d], 0600) == -1) {
			ch->path[d][0] = '\0'; /* not ours to unlink */
			return -1;
		}
	}
	return 0;
}

/** open() that retries EINTR. */
static int
open_retry(const char *path, int flags)
{
	int fd;

	do
		fd = open(path, flags | O_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	return fd;
}

/** BENCH_FIFO: open both, in the same order at both ends (an open for
 *  reading waits for a writer and the other way round). */
static int
fifo_attach(struct bench_chan *ch)
{
	int down = ch->end == 0 ? O_WRONLY : O_RDONLY;
	int up = ch->end == 0 ? O_RDONLY : O_WRONLY;
	int fd;

	fd = open_retry(ch->path[0], down);
	if (fd == -1)
		return -1;
	*(ch->end == 0 ? &ch->wfd : &ch->rfd) = fd;
	fd = open_retry(ch->path[1], up);
	if (fd == -1)
		return -1;
	*(ch->end == 0 ? &ch->rfd : &ch->wfd) = fd;
	grow_pipe(ch->wfd, ch->max_size);
	if (ch->end == 0)
		unlink_paths(ch); /* both ends are open: the names can go */
	return 0;
}

/** Stream sockets: kernel buffers with room for several messages, so
 *  the sender can run ahead of the receiver. Only ever grown: the kernel
 *  doubles what it is given, caps it at net.core.wmem_max/rmem_max, and
 *  TCP stops tuning a buffer set by hand, so a small request would
 *  hurt. */
static void
grow_socket_buffers(int fd, size_t max_size)
{
	static const int opts[2] = { SO_SNDBUF, SO_RCVBUF };
	size_t want = 8 * max_size;

	want = want < SOCKET_BUFFER_MIN	  ? SOCKET_BUFFER_MIN
	       : want > SOCKET_BUFFER_MAX ? SOCKET_BUFFER_MAX
					  : want;
	for (int i = 0; i < 2; i++) {
		int now = 0, size = (int)want;
		socklen_t len = sizeof(now);

		if (getsockopt(fd, SOL_SOCKET, opts[i], &now, &len) == 0 &&
		    (size_t)now < 2 * want) /* it reports the doubled size */
			setsockopt(fd, SOL_SOCKET, opts[i], &size,
				   sizeof(size));
	}
}

/** BENCH_SOCKETPAIR: one pair, full duplex. */
static int
socketpair_create(struct bench_chan *ch)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ch->fd) == -1)
		return -1;
	grow_socket_buffers(ch->fd[0], ch->max_size);
	grow_socket_buffers(ch->fd[1], ch->max_size);
	return 0;
}

/** BENCH_SOCKETPAIR: keep our socket, close the other one. */
static int
socketpair_attach(struct bench_chan *ch)
{
	ch->rfd = ch->wfd = ch->fd[ch->end];
	ch->fd[ch->end] = -1;
	close_fd(&ch->fd[1 - ch->end]);
	return 0;
}

/** Write all of @p buf: short writes and EINTR resumed. MSG_NOSIGNAL on
 *  sockets: a peer that left is an error (EPIPE), not a death. */
static int
fd_send(struct bench_chan *ch, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	bool sock = ch->mech != BENCH_PIPE && ch->mech != BENCH_FIFO;

	while (len > 0) {
		ssize_t n = sock ? send(ch->wfd, p, len, MSG_NOSIGNAL)
				 : write(ch->wfd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n; /* a short write: the rest goes next */
		len -= (size_t)n;
	}
	return 0;
}

/** Pipes, FIFOs and stream sockets: take @p len bytes, first those an
 *  earlier read() brought ahead. A stream has no message boundaries, so
 *  one read() may take what several messages left in the kernel: up to
 *  READ_AHEAD bytes go into ch->ahead, and the next calls are served from
 *  there without a system call. What is missing goes straight into
 *  @p buf, without the extra copy, once it is READ_AHEAD bytes or more. */
static int
fd_recv(struct bench_chan *ch, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		size_t have = ch->ahead_end - ch->ahead_start;
		bool direct = len >= READ_AHEAD; /* no copy through ch->ahead */
		ssize_t n;

		if (have > 0) { /* served from what was read ahead */
			size_t take = have < len ? have : len;

			memcpy(p, ch->ahead + ch->ahead_start, take);
			ch->ahead_start += take;
			p += take;
			len -= take;
			continue;
		}
		n = read(ch->rfd, direct ? p : ch->ahead,
			 direct ? len : READ_AHEAD);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EPIPE; /* the other end closed mid-message */
			return -1;
		}
		if (direct) { /* a short read: the rest comes next */
			p += n;
			len -= (size_t)n;
		} else {
			ch->ahead_start = 0;
			ch->ahead_end = (size_t)n;
		}
	}
	return 0;
}

/* ------------------------------------------ step 3: message queues */

/** BENCH_SYSV_MQ: one private queue; a piece is at most msgmax bytes. */
static int
sysv_mq_create(struct bench_chan *ch)
{
	struct msginfo info;
	size_t limit = 8192; /* Linux's default msgmax */

	/* IPC_INFO tells the system's limits (Linux): msgmax for one
	 * message, msgmnb for a whole queue. */
	if (msgctl(0, IPC_INFO, (struct msqid_ds *)&info) != -1 &&
	    info.msgmax > 0)
		limit = (size_t)info.msgmax < (size_t)info.msgmnb
				? (size_t)info.msgmax
				: (size_t)info.msgmnb;
	ch->piece = ch->max_size < limit ? ch->max_size : limit;
	ch->scratch = malloc(sizeof(long) + ch->piece);
	if (ch->scratch == NULL)
		return -1;
	ch->msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	return ch->msqid == -1 ? -1 : 0;
}

/** BENCH_SYSV_MQ: send in pieces of at most msgmax, typed by direction. */
static int
sysv_mq_send(struct bench_chan *ch, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	long type = ch->end + 1; /* 1: to the child, 2: to the parent */

	for (size_t off = 0; off < len; off += ch->piece) {
		size_t n = piece_len(ch, len, off);

		memcpy(ch->scratch, &type, sizeof(type));
		memcpy(ch->scratch + sizeof(long), p + off, n);
		while (msgsnd(ch->msqid, ch->scratch, n, 0) == -1)
			if (errno != EINTR)
				return -1;
	}
	return 0;
}

/** BENCH_SYSV_MQ: receive the pieces of our type, checking their size. */
static int
sysv_mq_recv(struct bench_chan *ch, void *buf, size_t len)
{
	unsigned char *p = buf;
	long type = 2 - ch->end; /* what the other end sends */

	for (size_t off = 0; off < len; off += ch->piece) {
		size_t n = piece_len(ch, len, off);
		ssize_t got;

		while ((got = msgrcv(ch->msqid, ch->scratch, ch->piece, type,
				     0)) == -1)
			if (errno != EINTR)
				return -1;
		if ((size_t)got != n) {
			errno = EPROTO;
			return -1;
		}
		memcpy(p + off, ch->scratch + sizeof(long), n);
	}
	return 0;
}

/** A number from a /proc file, or @p fallback. */
static long
proc_number(const char *path, long fallback)
{
	char text[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return fallback;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return fallback;
	text[n] = '\0';
	return strtol(text, NULL, 10) > 0 ? strtol(text, NULL, 10) : fallback;
}

/** BENCH_POSIX_MQ: two queues; names unlinked as soon as they are open
 *  (the descriptors cross fork()), so none can be left behind. */
static int
posix_mq_create(struct bench_chan *ch)
{
	struct mq_attr attr = { 0 };
	long msgsize = proc_number("/proc/sys/fs/mqueue/msgsize_max", 8192);
	long maxmsg = proc_number("/proc/sys/fs/mqueue/msg_max", 10);
	unsigned n = next_channel_number();
	char name[64];

	attr.mq_msgsize = msgsize < 8192 ? msgsize : 8192;
	attr.mq_maxmsg = maxmsg < 10 ? maxmsg : 10;
	if ((size_t)attr.mq_msgsize > ch->max_size)
		attr.mq_msgsize = (long)ch->max_size;
	ch->piece = (size_t)attr.mq_msgsize;
	ch->scratch = malloc(ch->piece);
	if (ch->scratch == NULL)
		return -1;
	for (int d = 0; d < 2; d++) {
		snprintf(name, sizeof(name), "/bench-%ld-%u-%d", (long)getpid(),
			 n, d);
		ch->mq[d] = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
				    0600, &attr);
		if (ch->mq[d] == (mqd_t)-1)
			return -1;
		mq_unlink(name);
	}
	return 0;
}

/** BENCH_POSIX_MQ: send in pieces of at most mq_msgsize. */
static int
posix_mq_send(struct bench_chan *ch, const void *buf, size_t len)
{
	const char *p = buf;

	for (size_t off = 0; off < len; off += ch->piece) {
		size_t n = piece_len(ch, len, off);

		while (mq_send(ch->mq[ch->end], p + off, n, 0) == -1)
			if (errno != EINTR)
				return -1;
	}
	return 0;
}

/** BENCH_POSIX_MQ: receive the pieces; mq_receive() wants a buffer of
 *  mq_msgsize bytes, so the last, shorter piece goes through scratch. */
static int
posix_mq_recv(struct bench_chan *ch, void *buf, size_t len)
{
	char *p = buf;

	for (size_t off = 0; off < len; off += ch->piece) {
		size_t n = piece_len(ch, len, off);
		char *to = n == ch->piece ? p + off : (char *)ch->scratch;
		ssize_t got;

		while ((got = mq_receive(ch->mq[1 - ch->end], to, ch->piece,
					 NULL)) == -1)
			if (errno != EINTR)
				return -1;
		if ((size_t)got != n) {
			errno = EPROTO;
			return -1;
		}
		if (to != p + off)
			memcpy(p + off, to, n);
	}
	return 0;
}

/* ------------------------------------------- step 4: shared memory */

/** Bytes of the ring headers, rounded to a cache line. */
static size_t
shm_header_len(void)
{
	return (2 * sizeof(struct shm_ring) + 63) / 64 * 64;
}

/** BENCH_SHM_*: one shared anonymous mapping (it crosses fork(), and has
 *  no name to leave behind) holding a ring per direction. */
static int
shm_create(struct bench_chan *ch)
{
	size_t slot = ch->max_size;

	if (slot > SHM_PIECE_MIN) /* two pieces at least, each at most MAX */
		slot = slot / 2 < SHM_SLOT_MAX ? (slot + 1) / 2 : SHM_SLOT_MAX;

	slot = (slot + 63) / 64 * 64; /* each slot starts a cache line */
	ch->piece = slot;
	ch->n_slots = SHM_RING_BYTES / slot;
	ch->region_len = shm_header_len() + 2 * ch->n_slots * slot;
	ch->region = mmap(NULL, ch->region_len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ch->region == MAP_FAILED) {
		ch->region = NULL;
		return -1;
	}
	for (int d = 0; d < 2; d++) {
		ch->ring[d] = (struct shm_ring *)ch->region + d;
		ch->slots[d] = (unsigned char *)ch->region + shm_header_len() +
			       (size_t)d * ch->n_slots * slot;
		atomic_init(&ch->ring[d]->head, 0);
		atomic_init(&ch->ring[d]->tail, 0);
		if (ch->mech == BENCH_SHM_SEM &&
		    (sem_init(&ch->ring[d]->free_slots, 1,
			      (unsigned)ch->n_slots) == -1 ||
		     sem_init(&ch->ring[d]->used_slots, 1, 0) == -1))
			return -1; /* pshared = 1: between processes */
	}
	return 0;
}

/** sem_wait() that retries EINTR. */
static int
sem_wait_retry(sem_t *sem)
{
	while (sem_wait(sem) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

/** Wait, spinning: pause (a hint to the CPU), and after a while give the
 *  CPU away, for when the other process needs this very CPU to run. */
static void
spin_wait(unsigned *spins)
{
	if (++*spins < SPIN_BEFORE_YIELD) {
		cpu_relax();
	} else {
		sched_yield();
		*spins = 0;
	}
}

/*
 * A slot goes round in four moves. The sender claims a free slot of its
 * ring, writes a piece into it and publishes it; the receiver takes the
 * next published slot, reads the piece and releases the slot. The bytes
 * never pass through the kernel: shm_send() and shm_recv() copy them in
 * and out, and the benchmarks' own loops (shm_send_pattern() and the
 * two after it) skip even those copies, writing and checking the
 * message where it lies.
 */

/** BENCH_SHM_*: wait for a free slot in this end's ring; its number
 *  goes to @p seq. Returns the slot, NULL with errno on failure. */
static unsigned char *
shm_claim(struct bench_chan *ch, uint64_t *seq)
{
	struct shm_ring *ring = ch->ring[ch->end];

	if (ch->mech == BENCH_SHM_SEM) {
		if (sem_wait_retry(&ring->free_slots) == -1)
			return NULL;
		*seq = ch->sent++;
	} else {
		unsigned spins = 0;

		/* Only we move tail, so we count it ourselves. The receiver's
		 * head is read again only when the ring looks full: reading
		 * a line the other CPU writes costs a trip between caches. */
		while (ch->sent - ch->head_seen >= ch->n_slots) {
			ch->head_seen = atomic_load_explicit(
				&ring->head, memory_order_acquire);
			if (ch->sent - ch->head_seen >= ch->n_slots)
				spin_wait(&spins);
		}
		*seq = ch->sent++;
	}
	return ch->slots[ch->end] + (*seq % ch->n_slots) * ch->piece;
}

/** BENCH_SHM_*: hand slot @p seq, now written, to the receiver. */
static int
shm_publish(struct bench_chan *ch, uint64_t seq)
{
	struct shm_ring *ring = ch->ring[ch->end];

	/* sem_post() and the release store make the bytes written before
	 * them visible before the new count. */
	if (ch->mech == BENCH_SHM_SEM)
		return sem_post(&ring->used_slots);
	atomic_store_explicit(&ring->tail, seq + 1, memory_order_release);
	return 0;
}

/** BENCH_SHM_*: wait for the next slot the other end published; its
 *  number goes to @p seq. Returns the slot, NULL with errno on failure. */
static const unsigned char *
shm_take(struct bench_chan *ch, uint64_t *seq)
{
	int d = 1 - ch->end;
	struct shm_ring *ring = ch->ring[d];

	if (ch->mech == BENCH_SHM_SEM) {
		if (sem_wait_retry(&ring->used_slots) == -1)
			return NULL;
		*seq = ch->got++;
	} else {
		unsigned spins = 0;

		/* The same on this side: the sender's tail is read again
		 * only when every piece it announced has been taken. */
		while (ch->got == ch->tail_seen) {
			ch->tail_seen = atomic_load_explicit(
				&ring->tail, memory_order_acquire);
			if (ch->got == ch->tail_seen)
				spin_wait(&spins);
		}
		*seq = ch->got++;
	}
	return ch->slots[d] + (*seq % ch->n_slots) * ch->piece;
}

/** BENCH_SHM_*: give slot @p seq, now read, back to the sender. */
static int
shm_release(struct bench_chan *ch, uint64_t seq)
{
	struct shm_ring *ring = ch->ring[1 - ch->end];

	if (ch->mech == BENCH_SHM_SEM)
		return sem_post(&ring->free_slots);
	atomic_store_explicit(&ring->head, seq + 1, memory_order_release);
	return 0;
}

/** BENCH_SHM_*: copy the pieces into free slots, publishing each. */
static int
shm_send(struct bench_chan *ch, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t off = 0; off < len; off += ch->piece) {
		unsigned char *slot;
		uint64_t seq;

		if ((slot = shm_claim(ch, &seq)) == NULL)
			return -1;
		memcpy(slot, p + off, piece_len(ch, len, off));
		if (shm_publish(ch, seq) == -1)
			return -1;
	}
	return 0;
}

/** BENCH_SHM_*: copy each piece out of its slot, then release it. */
static int
shm_recv(struct bench_chan *ch, void *buf, size_t len)
{
	unsigned char *p = buf;

	for (size_t off = 0; off < len; off += ch->piece) {
		const unsigned char *slot;
		uint64_t seq;

		if ((slot = shm_take(ch, &seq)) == NULL)
			return -1;
		memcpy(p + off, slot, piece_len(ch, len, off));
		if (shm_release(ch, seq) == -1)
			return -1;
	}
	return 0;
}

/*
 * In place: what shared memory is for. The copies of shm_send() and
 * shm_recv() cost more than the synchronisation once a message is a few
 * KiB, and with them shared memory is only a faster pipe. The three
 * functions below are the same loops with the copy replaced by the work
 * itself. A piece starts at a multiple of ch->piece, a multiple of 64,
 * so the pattern of a piece starts on one of its words.
 */

/** BENCH_SHM_*: send message @p seq, writing its pattern straight
 *  into the slots. */
static int
shm_send_pattern(struct bench_chan *ch, size_t len, uint64_t seq)
{
	for (size_t off = 0; off < len; off += ch->piece) {
		unsigned char *slot;
		uint64_t n;

		if ((slot = shm_claim(ch, &n)) == NULL)
			return -1;
		fill_words(slot, piece_len(ch, len, off),
			   pattern_word(seq, off));
		if (shm_publish(ch, n) == -1)
			return -1;
	}
	return 0;
}

/** BENCH_SHM_*: receive a message, checking every byte against the
 *  pattern of @p seq where it lies; EBADMSG at the first bad piece. */
static int
shm_recv_checked(struct bench_chan *ch, size_t len, uint64_t seq)
{
	for (size_t off = 0; off < len; off += ch->piece) {
		const unsigned char *slot;
		uint64_t n, diff;

		if ((slot = shm_take(ch, &n)) == NULL)
			return -1;
		diff = pattern_diff(slot, piece_len(ch, len, off),
				    pattern_word(seq, off));
		if (shm_release(ch, n) == -1)
			return -1;
		if (diff != 0) {
			errno = EBADMSG;
			return -1;
		}
	}
	return 0;
}

/** BENCH_SHM_*: send a message back: each piece copied from the slot
 *  it arrived in to a slot going the other way, one copy instead of
 *  two. */
static int
shm_echo(struct bench_chan *ch, size_t len)
{
	for (size_t off = 0; off < len; off += ch->piece) {
		const unsigned char *in;
		unsigned char *out;
		uint64_t in_seq, out_seq;

		if ((in = shm_take(ch, &in_seq)) == NULL ||
		    (out = shm_claim(ch, &out_seq)) == NULL)
			return -1;
		memcpy(out, in, piece_len(ch, len, off));
		if (shm_release(ch, in_seq) == -1 ||
		    shm_publish(ch, out_seq) == -1)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------- step 5: sockets */

/** A struct sockaddr_un for @p path. */
static struct sockaddr_un
unix_address(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	memcpy(addr.sun_path, path, strlen(path) + 1); /* fits: see create */
	return addr;
}

/** BENCH_UNIX_STREAM: a listening socket, bound to a file in the dir. */
static int
unix_stream_create(struct bench_chan *ch, const char *dir)
{
	struct sockaddr_un addr;

	if (channel_path(ch->path[0], sizeof(ch->path[0]), dir,
			 next_channel_number(), "sock") == -1)
		return -1;
	addr = unix_address(ch->path[0]);
	ch->fd[0] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ch->fd[0] == -1)
		return -1;
	if (bind(ch->fd[0], (struct sockaddr *)&addr, sizeof(addr)) == -1) {
		ch->path[0][0] = '\0'; /* not ours to unlink */
		return -1;
	}
	return listen(ch->fd[0], 1); /* the child's connect() waits here */
}

/** TCP_NODELAY: send small messages at once (no Nagle delay). */
static int
no_delay(int fd)
{
	int one = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/** BENCH_TCP: a listener on 127.0.0.1, on a port the kernel picks. */
static int
tcp_create(struct bench_chan *ch)
{
	socklen_t len = sizeof(ch->tcp);

	ch->tcp.sin_family = AF_INET;
	ch->tcp.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ch->tcp.sin_port = 0; /* ephemeral: never a fixed port */
	ch->fd[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ch->fd[0] == -1)
		return -1;
	if (bind(ch->fd[0], (struct sockaddr *)&ch->tcp, sizeof(ch->tcp)) == -1)
		return -1;
	if (getsockname(ch->fd[0], (struct sockaddr *)&ch->tcp, &len) == -1)
		return -1;
	return listen(ch->fd[0], 1);
}

/** BENCH_UNIX_STREAM and BENCH_TCP: the parent accepts, the child
 *  connects (the listener exists since before fork(): no race). */
static int
stream_socket_attach(struct bench_chan *ch)
{
	int fd;

	if (ch->end == 0) {
		do
			fd = accept4(ch->fd[0], NULL, NULL, SOCK_CLOEXEC);
		while (fd == -1 && errno == EINTR);
		if (fd == -1)
			return -1;
		close_fd(&ch->fd[0]);
		unlink_paths(ch); /* connected: the name can go */
	} else {
		struct sockaddr_un addr;
		const struct sockaddr *to = (struct sockaddr *)&ch->tcp;
		socklen_t to_len = sizeof(ch->tcp);

		close_fd(&ch->fd[0]); /* the parent's listener */
		fd = socket(ch->mech == BENCH_TCP ? AF_INET : AF_UNIX,
			    SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd == -1)
			return -1;
		if (ch->mech == BENCH_UNIX_STREAM) {
			addr = unix_address(ch->path[0]);
			to = (struct sockaddr *)&addr;
			to_len = sizeof(addr);
		}
		if (connect(fd, to, to_len) == -1) {
			close_fd(&fd);
			return -1;
		}
	}
	ch->rfd = ch->wfd = fd;
	grow_socket_buffers(fd, ch->max_size);
	return ch->mech == BENCH_TCP ? no_delay(fd) : 0;
}

/** BENCH_UNIX_DGRAM: two sockets bound in the dir and connected to each
 *  other; the names go at once (a connected socket needs none). */
static int
unix_dgram_create(struct bench_chan *ch, const char *dir)
{
	struct sockaddr_un addr[2];
	unsigned n = next_channel_number();

	ch->piece =
		ch->max_size < DGRAM_PIECE_MAX ? ch->max_size : DGRAM_PIECE_MAX;
	for (int d = 0; d < 2; d++) {
		if (channel_path(ch->path[d], sizeof(ch->path[d]), dir, n,
				 d == 0 ? "dgram0" : "dgram1") == -1)
			return -1;
		addr[d] = unix_address(ch->path[d]);
		ch->fd[d] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (ch->fd[d] == -1)
			return -1;
		if (bind(ch->fd[d], (struct sockaddr *)&addr[d],
			 sizeof(addr[d])) == -1) {
			ch->path[d][0] = '\0';
			return -1;
		}
	}
	for (int d = 0; d < 2; d++)
		if (connect(ch->fd[d], (struct sockaddr *)&addr[1 - d],
			    sizeof(addr[1 - d])) == -1)
			return -1;
	unlink_paths(ch);
	return 0;
}

/** BENCH_UNIX_DGRAM: one datagram per piece (a datagram is sent whole or
 *  not at all: above the send buffer it fails with EMSGSIZE). */
static int
dgram_send(struct bench_chan *ch, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t off = 0; off < len; off += ch->piece) {
		size_t n = piece_len(ch, len, off);
		ssize_t sent;

		while ((sent = send(ch->wfd, p + off, n, MSG_NOSIGNAL)) == -1)
			if (errno != EINTR)
				return -1;
		if ((size_t)sent != n) {
			errno = EPROTO;
			return -1;
		}
	}
	return 0;
}

/** BENCH_UNIX_DGRAM: one datagram per piece; MSG_TRUNC tells its real
 *  length, so a datagram of the wrong size is seen, never cut silently. */
static int
dgram_recv(struct bench_chan *ch, void *buf, size_t len)
{
	unsigned char *p = buf;

	for (size_t off = 0; off < len; off += ch->piece) {
		size_t n = piece_len(ch, len, off);
		ssize_t got;

		while ((got = recv(ch->rfd, p + off, n, MSG_TRUNC)) == -1)
			if (errno != EINTR)
				return -1;
		if ((size_t)got != n) {
			errno = EPROTO;
			return -1;
		}
	}
	return 0;
}

/** BENCH_UNIX_DGRAM: keep our socket. */
static int
dgram_attach(struct bench_chan *ch)
{
	return socketpair_attach(ch);
}

/* ------------------------------------------------- step 6: signals */

/** BENCH_SIGNAL: block SIGUSR1 before fork(), so that neither process
 *  can receive it before it waits for it (the mask crosses fork()). */
static int
signal_create(struct bench_chan *ch)
{
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	return sigprocmask(SIG_BLOCK, &usr1, &ch->old_mask);
}

/** BENCH_SIGNAL: the message travels in the signal's value. */
static int
signal_send(struct bench_chan *ch, const void *buf, size_t len)
{
	union sigval value = { .sival_int = 0 };

	memcpy(&value.sival_int, buf, len);
	return sigqueue(ch->peer, SIGUSR1, value);
}

/** BENCH_SIGNAL: take the peer's SIGUSR1 synchronously, no handler. */
static int
signal_recv(struct bench_chan *ch, void *buf, size_t len)
{
	sigset_t usr1;
	siginfo_t info;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	for (;;) {
		if (sigwaitinfo(&usr1, &info) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (info.si_pid == ch->peer && info.si_code == SI_QUEUE)
			break; /* not somebody else's SIGUSR1 */
	}
	memcpy(buf, &info.si_value.sival_int, len);
	return 0;
}

/** BENCH_SIGNAL, at close: drop an unanswered SIGUSR1 of ours, then give
 *  the caller its mask back. */
static int
signal_close(struct bench_chan *ch)
{
	if (!sigismember(&ch->old_mask, SIGUSR1)) {
		sigset_t usr1;
		struct timespec now = { 0, 0 };

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		while (sigtimedwait(&usr1, NULL, &now) > 0)
			;
	}
	return sigprocmask(SIG_SETMASK, &ch->old_mask, NULL);
}

/* ------------------------------------------------ the public channel */

/** The largest message @p mech carries. */
static size_t
mech_max_size(enum bench_mech mech)
{
	return mech == BENCH_SIGNAL ? BENCH_SIGNAL_MAX_SIZE : BENCH_MAX_SIZE;
}

/** Whether @p mech carries a byte stream (no message boundaries). */
static bool
is_byte_stream(enum bench_mech mech)
{
	return mech == BENCH_PIPE || mech == BENCH_FIFO ||
	       mech == BENCH_SOCKETPAIR || mech == BENCH_UNIX_STREAM ||
	       mech == BENCH_TCP;
}

struct bench_chan *
bench_chan_create(enum bench_mech mech, size_t max_size, const char *dir)
{
	struct bench_chan *ch;
	int rc, saved;

	if ((unsigned)mech >= BENCH_N_MECHS || max_size == 0 ||
	    max_size > mech_max_size(mech)) {
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
	if (rc == 0 && is_byte_stream(mech) &&
	    (ch->ahead = malloc(READ_AHEAD)) == NULL)
		rc = -1;
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
		return socketpair_attach(ch);
	case BENCH_UNIX_STREAM:
	case BENCH_TCP:
		return stream_socket_attach(ch);
	case BENCH_UNIX_DGRAM:
		return dgram_attach(ch);
	default: /* queues, shared memory, signals: nothing per end */
		return 0;
	}
}

/** EINVAL unless @p ch is attached and @p len fits it. */
static int
check_message(const struct bench_chan *ch, const void *buf, size_t len)
{
	if (ch == NULL || buf == NULL || ch->end == -1 || len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (len > ch->max_size) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int
bench_chan_send(struct bench_chan *ch, const void *buf, size_t len)
{
	if (check_message(ch, buf, len) == -1)
		return -1;
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
	if (check_message(ch, buf, len) == -1)
		return -1;
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
	bool creator;
	int err = 0;

	if (ch == NULL) {
		errno = EINVAL;
		return -1;
	}
	creator = ch->creator == getpid();
	for (int i = 0; i < 4; i++)
		close_fd(&ch->fd[i]);
	if (ch->rfd == ch->wfd)
		ch->wfd = -1; /* one socket for both ways */
	close_fd(&ch->rfd);
	close_fd(&ch->wfd);
	for (int d = 0; d < 2; d++)
		if (ch->mq[d] != (mqd_t)-1)
			mq_close(ch->mq[d]);
	if (creator) { /* only the creator removes */
		unlink_paths(ch);
		if (ch->msqid != -1 && msgctl(ch->msqid, IPC_RMID, NULL) == -1)
			err = errno;
		if (ch->mech == BENCH_SHM_SEM && ch->region != NULL) {
			for (int d = 0; d < 2; d++) {
				sem_destroy(&ch->ring[d]->free_slots);
				sem_destroy(&ch->ring[d]->used_slots);
			}
		}
		if (ch->mech == BENCH_SIGNAL && signal_close(ch) == -1 &&
		    err == 0)
			err = errno;
	}
	if (ch->region != NULL)
		munmap(ch->region, ch->region_len);
	free(ch->scratch);
	free(ch->ahead);
	free(ch);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------ the two benchmarks */

/** Whether @p ch is one of the shared-memory channels, which the
 *  benchmarks use in place. */
static bool
in_place(const struct bench_chan *ch)
{
	return ch->mech == BENCH_SHM_SEM || ch->mech == BENCH_SHM_SPIN;
}

/** Send message @p seq of @p len bytes: bench_fill() into @p buf, then
 *  bench_chan_send(); shared memory fills its slots instead. */
static int
send_pattern(struct bench_chan *ch, unsigned char *buf, size_t len,
	     uint64_t seq)
{
	if (in_place(ch))
		return shm_send_pattern(ch, len, seq);
	bench_fill(buf, len, seq);
	return bench_chan_send(ch, buf, len);
}

/** Receive a message of @p len bytes into @p buf and check that it is
 *  message @p seq, every byte; shared memory checks it in its slots. */
static int
recv_checked(struct bench_chan *ch, unsigned char *buf, size_t len,
	     uint64_t seq)
{
	if (in_place(ch))
		return shm_recv_checked(ch, len, seq);
	if (bench_chan_recv(ch, buf, len) == -1)
		return -1;
	return bench_check(buf, len, seq);
}

/** Receive a message of @p len bytes and send it back, through @p buf;
 *  shared memory copies it from slot to slot. */
static int
echo_one(struct bench_chan *ch, unsigned char *buf, size_t len)
{
	if (in_place(ch))
		return shm_echo(ch, len);
	if (bench_chan_recv(ch, buf, len) == -1)
		return -1;
	return bench_chan_send(ch, buf, len);
}

int
bench_echo(struct bench_chan *ch, const struct bench_config *cfg)
{
	unsigned char *buf = malloc(cfg->size); /* once, not per message */
	int rc = 0;

	if (buf == NULL)
		return -1;
	for (unsigned i = 0; i < cfg->warmup + cfg->iters && rc == 0; i++)
		rc = echo_one(ch, buf, cfg->size);
	free(buf);
	return rc;
}

int
bench_stream_send(struct bench_chan *ch, const struct bench_config *cfg)
{
	unsigned char *buf = malloc(cfg->size);
	int rc = 0;

	if (buf == NULL)
		return -1;
	for (unsigned i = 0; i < cfg->warmup + cfg->iters && rc == 0; i++)
		rc = send_pattern(ch, buf, cfg->size, i);
	free(buf);
	return rc;
}

/** What one iteration of the parent works on. */
struct iteration {
	struct bench_chan *ch; /**< the parent's end */
	unsigned char *out;    /**< the message sent (ping-pong) */
	unsigned char *in;     /**< the message received */
	size_t size;	       /**< its length */
	uint64_t seq;	       /**< the next message's number */
};

/** One round trip: send message seq, take the reply, check every byte. */
static int
round_trip(void *arg)
{
	struct iteration *it = arg;

	if (send_pattern(it->ch, it->out, it->size, it->seq) == -1)
		return -1;
	return recv_checked(it->ch, it->in, it->size, it->seq++);
}

/** One message of the stream: receive it, check every byte. */
static int
receive_one(void *arg)
{
	struct iteration *it = arg;

	return recv_checked(it->ch, it->in, it->size, it->seq++);
}

/** Run this process on @p cpu alone (-1: leave it where it is). */
static int
pin_to(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/** The child: attach, pin, run the peer, and leave with _exit(). */
static _Noreturn void
run_child(struct bench_chan *ch, const struct bench_config *cfg, int cpu,
	  bool stream)
{
	int (*peer)(struct bench_chan *, const struct bench_config *) =
		cfg->peer != NULL ? cfg->peer
		: stream	  ? bench_stream_send
				  : bench_echo;
	int rc = -1;

	if (pin_to(cpu) == 0 && bench_chan_attach(ch, 1, getppid()) == 0)
		rc = peer(ch, cfg);
	bench_chan_close(ch);
	_exit(rc == 0 ? 0 : 1); /* never back into the caller's code */
}

/** waitpid() that retries EINTR; 0 if the child exited with status 0. */
static int
reap(pid_t child)
{
	int status;

	while (waitpid(child, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/** EINVAL unless @p cfg describes something measurable. */
static int
check_config(const struct bench_config *cfg, const struct bench_result *res,
	     bool stream)
{
	if (cfg == NULL || res == NULL ||
	    (unsigned)cfg->mech >= BENCH_N_MECHS || cfg->size == 0 ||
	    cfg->size > mech_max_size(cfg->mech) || cfg->iters == 0 ||
	    (stream && cfg->mech == BENCH_SIGNAL)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/** The parent's part: attach, measure, and the result. */
static int
measure_parent(struct bench_chan *ch, pid_t child,
	       const struct bench_config *cfg, uint64_t *samples,
	       struct iteration *it, bool stream)
{
	if (bench_chan_attach(ch, 0, child) == -1)
		return -1;
	it->ch = ch;
	return bench_measure(stream ? receive_one : round_trip, it, cfg->warmup,
			     cfg->iters, samples);
}

/** Block SIGPIPE, saving the mask: a peer that died makes our writes
 *  fail with EPIPE instead of killing the caller. */
static int
block_sigpipe(sigset_t *old, bool *was_pending)
{
	sigset_t pipe_set, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (sigpending(&pending) == -1)
		return -1;
	*was_pending = sigismember(&pending, SIGPIPE);
	return sigprocmask(SIG_BLOCK, &pipe_set, old);
}

/** Take back a SIGPIPE our writes raised, then restore the mask. */
static void
restore_sigpipe(const sigset_t *old, bool was_pending)
{
	sigset_t pipe_set;
	struct timespec now = { 0, 0 };
	int saved = errno;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (!was_pending)
		while (sigtimedwait(&pipe_set, NULL, &now) > 0)
			;
	sigprocmask(SIG_SETMASK, old, NULL);
	errno = saved;
}

/** Both benchmarks: fork the peer, measure in the parent, clean up. */
static int
run(const struct bench_config *cfg, struct bench_result *res, bool stream)
{
	struct iteration it = { .size = cfg != NULL ? cfg->size : 0 };
	uint64_t *samples = NULL;
	struct bench_chan *ch = NULL;
	cpu_set_t caller;
	sigset_t mask;
	bool pipe_pending;
	int cpus[2], rc = -1, saved;
	pid_t child;

	if (check_config(cfg, res, stream) == -1 ||
	    bench_choose_cpus(cfg->pin, cpus) == -1 ||
	    sched_getaffinity(0, sizeof(caller), &caller) == -1 ||
	    block_sigpipe(&mask, &pipe_pending) == -1)
		return -1;
	/* Everything allocated before the clock starts, nothing after. */
	samples = malloc(cfg->iters * sizeof(*samples));
	it.out = malloc(cfg->size);
	it.in = malloc(cfg->size);
	if (samples == NULL || it.out == NULL || it.in == NULL)
		goto out;
	ch = bench_chan_create(cfg->mech, cfg->size, cfg->dir);
	if (ch == NULL)
		goto out;
	child = fork();
	if (child == -1)
		goto out;
	if (child == 0)
		run_child(ch, cfg, cpus[1], stream);
	rc = pin_to(cpus[0]);
	if (rc == 0)
		rc = measure_parent(ch, child, cfg, samples, &it, stream);
	saved = errno;
	if (rc == -1) /* the peer may wait for ever: stop it */
		kill(child, SIGKILL);
	if (reap(child) == -1 && rc == 0) {
		rc = -1; /* we are fine, the child is not */
		saved = errno;
	}
	errno = saved;
out:
	saved = errno;
	if (ch != NULL && bench_chan_close(ch) == -1 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	/* The caller gets its CPUs back: pinning is ours, not its. */
	sched_setaffinity(0, sizeof(caller), &caller);
	restore_sigpipe(&mask, pipe_pending);
	if (rc == 0) {
		bench_stats_compute(samples, cfg->iters, &res->lat);
		res->elapsed_ns = 0;
		for (unsigned i = 0; i < cfg->iters; i++)
			res->elapsed_ns += samples[i];
		res->mb_per_s = (double)cfg->size * cfg->iters *
				(stream ? 1 : 2) * 1e3 /
				(double)(res->elapsed_ns ? res->elapsed_ns : 1);
		res->cpus[0] = cpus[0];
		res->cpus[1] = cpus[1];
	}
	free(samples);
	free(it.out);
	free(it.in);
	errno = saved;
	return rc;
}

int
bench_pingpong(const struct bench_config *cfg, struct bench_result *res)
{
	return run(cfg, res, false);
}

int
bench_stream(const struct bench_config *cfg, struct bench_result *res)
{
	return run(cfg, res, true);
}
