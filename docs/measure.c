// SPDX-License-Identifier: MIT
/**
 * @file measure.c
 * @brief The latency and throughput columns of the overview, measured.
 *
 * One parent and one forked child talk through each mechanism in turn:
 * a ping-pong of 64-byte messages (the round-trip time of every exchange
 * is recorded, after a warm-up; p50 and p99 are printed) and a stream of
 * 64 KiB chunks from the parent to the child (the child checks every byte
 * against the pattern the parent sent; the median of five runs is
 * printed). Short reads and writes are completed, EINTR is retried.
 * The parent runs on one CPU and the child on another when the machine
 * has two. docs/measure.sh builds and runs it.
 *
 * This is a small, honest measurement for docs/overview.md, not lab 11:
 * lab 11 (make bench) measures every size from 64 B to 1 MiB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SMALL	    64	  /* the ping-pong message */
#define CHUNK	    65536 /* the stream's unit */
#define MQ_MSG	    8192  /* msgmax and msgsize_max by default */
#define RING_SLOTS  4	  /* slots of CHUNK bytes per direction */
#define SIG_WINDOW  32	  /* signals in flight before an ack */
#define RUNS	    5	  /* stream runs; the median is printed */
#define PATTERN_LEN (CHUNK + 256)

/* A direction: parent to child or child to parent. */
enum { TO_CHILD, TO_PARENT };

struct ring {
	sem_t free_slots;
	sem_t used_slots;
	unsigned head, tail;
	size_t len[RING_SLOTS];
	unsigned char slot[RING_SLOTS][CHUNK];
};

struct chan {
	int is_child;
	int fd[2];	   /* the descriptor this side uses per direction */
	int pfd[2][2];	   /* pipes: one per direction */
	int lfd;	   /* a listening socket */
	int port;	   /* its TCP port */
	char dir[64];	   /* a temporary directory for names */
	char path[2][96];  /* FIFOs or the socket */
	int msqid;	   /* System V queue: type 1 and 2 per direction */
	mqd_t mq[2];	   /* POSIX queues, one per direction */
	struct ring *ring; /* shared memory: two rings */
	pid_t peer;	   /* signals */
};

struct mech {
	const char *name;
	int (*setup)(struct chan *c);
	int (*open)(struct chan *c); /* in each process, after fork() */
	int (*send)(struct chan *c, int dir, const void *buf, size_t len);
	int (*recv)(struct chan *c, int dir, void *buf, size_t len);
	void (*teardown)(struct chan *c);
	size_t small; /* the ping-pong message, if not SMALL */
};

static unsigned char pattern[PATTERN_LEN];
static int ctl_down[2], ctl_up[2]; /* commands and acks, outside the test */

/* What the parent removes if it has to stop early: nothing may leak. */
static struct chan *current;
static pid_t current_child;
static int in_child;

/* Kill the child, remove the names and the queue. Async-signal-safe. */
static void
clean_up(void)
{
	if (in_child || current == NULL)
		return;
	if (current_child > 0)
		kill(current_child, SIGKILL);
	if (current->dir[0] != '\0') {
		unlink(current->path[0]);
		unlink(current->path[1]);
		rmdir(current->dir);
	}
	if (current->msqid != -1)
		msgctl(current->msqid, IPC_RMID, NULL);
}

static void
on_stop(int sig)
{
	(void)sig;
	clean_up();
	_exit(1);
}

static void
die(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	fprintf(stderr, "measure: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	if (in_child) {
		kill(getppid(), SIGTERM); /* the parent may wait for ever */
		_exit(1);
	}
	clean_up();
	exit(1);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* write() until every byte went, or -1. */
static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* read() exactly len bytes (a short read is not the end), or -1. */
static int
read_exact(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EPIPE; /* the peer left early */
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Descriptor-based mechanisms: each side has one fd per direction. */
static int
fd_send(struct chan *c, int dir, const void *buf, size_t len)
{
	return write_all(c->fd[dir], buf, len);
}

static int
fd_recv(struct chan *c, int dir, void *buf, size_t len)
{
	return read_exact(c->fd[dir], buf, len);
}

static void
fd_teardown(struct chan *c)
{
	close(c->fd[TO_CHILD]);
	if (c->fd[TO_PARENT] != c->fd[TO_CHILD])
		close(c->fd[TO_PARENT]);
}

static int
pipe_setup(struct chan *c)
{
	if (pipe(c->pfd[TO_CHILD]) == -1 || pipe(c->pfd[TO_PARENT]) == -1)
		return -1;
	return 0;
}

static int
pipe_open(struct chan *c)
{
	int mine = c->is_child ? TO_PARENT : TO_CHILD; /* what I write */
	int theirs = !mine;

	close(c->pfd[mine][0]); /* the other side reads it */
	close(c->pfd[theirs][1]);
	c->fd[mine] = c->pfd[mine][1];
	c->fd[theirs] = c->pfd[theirs][0];
	return 0;
}

static int
make_dir(struct chan *c)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(c->dir, sizeof(c->dir), "%s/ipcmeasure.XXXXXX",
		 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (mkdtemp(c->dir) == NULL)
		return -1;
	snprintf(c->path[0], sizeof(c->path[0]), "%s/a", c->dir);
	snprintf(c->path[1], sizeof(c->path[1]), "%s/b", c->dir);
	return 0;
}

static void
remove_dir(struct chan *c)
{
	unlink(c->path[0]);
	unlink(c->path[1]);
	rmdir(c->dir);
}

static int
fifo_setup(struct chan *c)
{
	if (make_dir(c) == -1)
		return -1;
	if (mkfifo(c->path[TO_CHILD], 0600) == -1 ||
	    mkfifo(c->path[TO_PARENT], 0600) == -1)
		return -1;
	return 0;
}

static int
fifo_open(struct chan *c)
{
	/* Both open "to child" first, so neither waits for the other. */
	int write_child = c->is_child ? O_RDONLY : O_WRONLY;
	int write_parent = c->is_child ? O_WRONLY : O_RDONLY;

	c->fd[TO_CHILD] = open(c->path[TO_CHILD], write_child);
	if (c->fd[TO_CHILD] == -1)
		return -1;
	c->fd[TO_PARENT] = open(c->path[TO_PARENT], write_parent);
	return c->fd[TO_PARENT] == -1 ? -1 : 0;
}

static void
fifo_teardown(struct chan *c)
{
	fd_teardown(c);
	if (!c->is_child)
		remove_dir(c);
}

static int
socketpair_setup(struct chan *c)
{
	return socketpair(AF_UNIX, SOCK_STREAM, 0, c->pfd[0]);
}

static int
socketpair_open(struct chan *c)
{
	int mine = c->pfd[0][c->is_child];

	close(c->pfd[0][!c->is_child]);
	c->fd[TO_CHILD] = c->fd[TO_PARENT] = mine;
	return 0;
}

static int
unix_setup(struct chan *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (make_dir(c) == -1)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->path[0]);
	c->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c->lfd == -1)
		return -1;
	if (bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(c->lfd, 1) == -1)
		return -1;
	return 0;
}

static int
unix_open(struct chan *c)
{
	int fd;

	if (c->is_child) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		close(c->lfd);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->path[0]);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd == -1 ||
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
			return -1;
	} else {
		fd = accept(c->lfd, NULL, NULL);
		close(c->lfd);
		if (fd == -1)
			return -1;
	}
	c->fd[TO_CHILD] = c->fd[TO_PARENT] = fd;
	return 0;
}

static int
tcp_setup(struct chan *c)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->lfd == -1)
		return -1;
	if (bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(c->lfd, 1) == -1 ||
	    getsockname(c->lfd, (struct sockaddr *)&sa, &len) == -1)
		return -1;
	c->port = ntohs(sa.sin_port);
	return 0;
}

static int
tcp_open(struct chan *c)
{
	int fd, one = 1;

	if (c->is_child) {
		struct sockaddr_in sa = { .sin_family = AF_INET };

		close(c->lfd);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = htons((uint16_t)c->port);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd == -1 ||
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
			return -1;
	} else {
		fd = accept(c->lfd, NULL, NULL);
		close(c->lfd);
		if (fd == -1)
			return -1;
	}
	/* A small message goes at once, not after Nagle's delay. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1)
		return -1;
	c->fd[TO_CHILD] = c->fd[TO_PARENT] = fd;
	return 0;
}

static void
unix_teardown(struct chan *c)
{
	fd_teardown(c);
	if (!c->is_child && c->dir[0] != '\0')
		remove_dir(c);
}

/* System V: one queue; type 1 goes to the child, type 2 to the parent. */
struct sysv_msg {
	long mtype;
	char mtext[MQ_MSG];
};

static int
sysv_setup(struct chan *c)
{
	c->msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	return c->msqid == -1 ? -1 : 0;
}

static int
no_open(struct chan *c)
{
	(void)c;
	return 0;
}

static int
sysv_send(struct chan *c, int dir, const void *buf, size_t len)
{
	static struct sysv_msg m;
	const char *p = buf;

	m.mtype = dir + 1;
	while (len > 0) {
		size_t n = len < MQ_MSG ? len : MQ_MSG;

		memcpy(m.mtext, p, n); /* the API wants the long in front */
		if (msgsnd(c->msqid, &m, n, 0) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int
sysv_recv(struct chan *c, int dir, void *buf, size_t len)
{
	static struct sysv_msg m;
	char *p = buf;

	while (len > 0) {
		ssize_t n = msgrcv(c->msqid, &m, MQ_MSG, dir + 1, 0);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if ((size_t)n > len) {
			errno = EPROTO;
			return -1;
		}
		memcpy(p, m.mtext, (size_t)n);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
sysv_teardown(struct chan *c)
{
	if (!c->is_child)
		msgctl(c->msqid, IPC_RMID, NULL);
}

/* POSIX: two queues, unlinked at once (the descriptors survive fork). */
static int
posix_setup(struct chan *c)
{
	struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = MQ_MSG };

	for (int d = 0; d < 2; d++) {
		char name[64];

		snprintf(name, sizeof(name), "/ipcmeasure-%d-%d", (int)getpid(),
			 d);
		c->mq[d] =
			mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		if (c->mq[d] == (mqd_t)-1)
			return -1;
		mq_unlink(name);
	}
	return 0;
}

static int
posix_send(struct chan *c, int dir, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		size_t n = len < MQ_MSG ? len : MQ_MSG;

		if (mq_send(c->mq[dir], p, n, 0) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int
posix_recv(struct chan *c, int dir, void *buf, size_t len)
{
	static char m[MQ_MSG]; /* mq_receive wants mq_msgsize bytes */
	char *p = buf;

	while (len > 0) {
		ssize_t n = mq_receive(c->mq[dir], m, sizeof(m), NULL);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if ((size_t)n > len) {
			errno = EPROTO;
			return -1;
		}
		memcpy(p, m, (size_t)n);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
posix_teardown(struct chan *c)
{
	mq_close(c->mq[0]);
	mq_close(c->mq[1]);
}

/* Shared memory: a ring per direction (lab 05), copy in, copy out. */
static int
shm_setup(struct chan *c)
{
	c->ring = mmap(NULL, 2 * sizeof(struct ring), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->ring == MAP_FAILED)
		return -1;
	for (int d = 0; d < 2; d++) {
		if (sem_init(&c->ring[d].free_slots, 1, RING_SLOTS) == -1 ||
		    sem_init(&c->ring[d].used_slots, 1, 0) == -1)
			return -1;
		c->ring[d].head = c->ring[d].tail = 0;
	}
	return 0;
}

static int
sem_wait_retry(sem_t *s)
{
	while (sem_wait(s) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int
shm_send(struct chan *c, int dir, const void *buf, size_t len)
{
	struct ring *r = &c->ring[dir];
	const char *p = buf;

	while (len > 0) {
		size_t n = len < CHUNK ? len : CHUNK;

		if (sem_wait_retry(&r->free_slots) == -1)
			return -1;
		memcpy(r->slot[r->tail], p, n);
		r->len[r->tail] = n;
		r->tail = (r->tail + 1) % RING_SLOTS;
		sem_post(&r->used_slots); /* after the copy: publish */
		p += n;
		len -= n;
	}
	return 0;
}

static int
shm_recv(struct chan *c, int dir, void *buf, size_t len)
{
	struct ring *r = &c->ring[dir];
	char *p = buf;

	while (len > 0) {
		size_t n;

		if (sem_wait_retry(&r->used_slots) == -1)
			return -1;
		n = r->len[r->head];
		if (n > len) {
			errno = EPROTO;
			return -1;
		}
		memcpy(p, r->slot[r->head], n);
		r->head = (r->head + 1) % RING_SLOTS;
		sem_post(&r->free_slots); /* after the copy: reuse */
		p += n;
		len -= n;
	}
	return 0;
}

static void
shm_teardown(struct chan *c)
{
	if (!c->is_child)
		for (int d = 0; d < 2; d++) {
			sem_destroy(&c->ring[d].free_slots);
			sem_destroy(&c->ring[d].used_slots);
		}
	munmap(c->ring, 2 * sizeof(struct ring));
}

/*
 * Signals: a signal carries no buffer, only an int (sigqueue): each
 * 4 bytes are one real-time signal, taken with sigwaitinfo() (no
 * handler). In a stream the receiver acknowledges every SIG_WINDOW
 * signals with another signal, so the sender never overflows the queue.
 */
#define SIG_DATA (SIGRTMIN)
#define SIG_ACK	 (SIGRTMIN + 1)

static int
sig_open(struct chan *c)
{
	c->peer = c->is_child ? getppid() : c->peer;
	return 0;
}

static int
sig_take(int sig, int *value)
{
	sigset_t set;
	siginfo_t info;

	sigemptyset(&set);
	sigaddset(&set, sig);
	while (sigwaitinfo(&set, &info) == -1)
		if (errno != EINTR)
			return -1;
	*value = info.si_value.sival_int;
	return 0;
}

static size_t
word_len(size_t len, size_t i)
{
	return len - 4 * i < 4 ? len - 4 * i : 4;
}

static int
sig_send(struct chan *c, int dir, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t words = (len + 3) / 4;
	int ack;

	(void)dir;
	for (size_t i = 0; i < words; i++) {
		union sigval v = { 0 };

		memcpy(&v.sival_int, p + 4 * i, word_len(len, i));
		while (sigqueue(c->peer, SIG_DATA, v) == -1)
			if (errno != EAGAIN)
				return -1;
		if ((i + 1) % SIG_WINDOW == 0 && sig_take(SIG_ACK, &ack) == -1)
			return -1;
	}
	return 0;
}

static int
sig_recv(struct chan *c, int dir, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t words = (len + 3) / 4;
	union sigval ack = { 0 };
	int v;

	(void)dir;
	for (size_t i = 0; i < words; i++) {
		if (sig_take(SIG_DATA, &v) == -1)
			return -1;
		memcpy(p + 4 * i, &v, word_len(len, i));
		if ((i + 1) % SIG_WINDOW == 0 &&
		    sigqueue(c->peer, SIG_ACK, ack) == -1)
			return -1;
	}
	return 0;
}

static int
sig_setup(struct chan *c)
{
	sigset_t set;

	(void)c;
	sigemptyset(&set);
	sigaddset(&set, SIG_DATA); /* taken with sigwaitinfo, never run */
	sigaddset(&set, SIG_ACK);
	return sigprocmask(SIG_BLOCK, &set, NULL);
}

static void
sig_teardown(struct chan *c)
{
	sigset_t set;

	(void)c;
	sigemptyset(&set);
	sigaddset(&set, SIG_DATA);
	sigaddset(&set, SIG_ACK);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static const struct mech mechs[] = {
	{ "pipe", pipe_setup, pipe_open, fd_send, fd_recv, fd_teardown, 0 },
	{ "FIFO", fifo_setup, fifo_open, fd_send, fd_recv, fifo_teardown, 0 },
	{ "System V message queue", sysv_setup, no_open, sysv_send, sysv_recv,
	  sysv_teardown, 0 },
	{ "POSIX message queue", posix_setup, no_open, posix_send, posix_recv,
	  posix_teardown, 0 },
	{ "shared memory + POSIX semaphores", shm_setup, no_open, shm_send,
	  shm_recv, shm_teardown, 0 },
	{ "Unix stream socket", unix_setup, unix_open, fd_send, fd_recv,
	  unix_teardown, 0 },
	{ "TCP on 127.0.0.1", tcp_setup, tcp_open, fd_send, fd_recv,
	  unix_teardown, 0 },
	{ "socketpair", socketpair_setup, socketpair_open, fd_send, fd_recv,
	  fd_teardown, 0 },
	{ "signal (sigqueue: 4 B per signal)", sig_setup, sig_open, sig_send,
	  sig_recv, sig_teardown, 4 },
};

/* The commands the parent sends the child on the control pipe. */
struct cmd {
	char what; /* 'p' ping-pong, 's' stream, 'q' quit */
	size_t size;
	long count;
};

static void
pin(int which)
{
	cpu_set_t allowed, one;
	int seen = 0, cpu;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) == -1)
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		if (seen++ == which)
			break;
	}
	if (cpu == CPU_SETSIZE)
		return; /* one CPU: both share it */
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

static void
child_main(const struct mech *m, struct chan *c)
{
	static unsigned char buf[CHUNK];
	struct cmd cmd;
	char ack = 'k';

	pin(1);
	in_child = 1;
	c->is_child = 1;
	if (m->open(c) == -1)
		die("%s: child: open", m->name);
	while (read_exact(ctl_down[0], &cmd, sizeof(cmd)) == 0 &&
	       cmd.what != 'q') {
		if (cmd.what == 'p') {
			for (long i = 0; i < cmd.count; i++)
				if (m->recv(c, TO_CHILD, buf, cmd.size) == -1 ||
				    m->send(c, TO_PARENT, buf, cmd.size) == -1)
					die("%s: child: ping-pong", m->name);
		} else {
			for (long i = 0; i < cmd.count; i++) {
				if (m->recv(c, TO_CHILD, buf, cmd.size) == -1)
					die("%s: child: stream", m->name);
				if (memcmp(buf, pattern + i % 251, cmd.size) !=
				    0) {
					errno = EPROTO;
					die("%s: chunk %ld differs", m->name,
					    i);
				}
			}
		}
		if (write_all(ctl_up[1], &ack, 1) == -1)
			die("ack");
	}
	m->teardown(c);
	_exit(0);
}

static void
command(struct cmd cmd)
{
	if (write_all(ctl_down[1], &cmd, sizeof(cmd)) == -1)
		die("command");
}

static void
wait_ack(void)
{
	char ack;

	if (read_exact(ctl_up[0], &ack, 1) == -1)
		die("the child stopped");
}

static int
by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	for (int i = 1; i < n; i++) /* n is tiny: insertion sort */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* Round trips of SMALL bytes: p50 and p99 in ns, over count samples. */
static void
ping_pong(const struct mech *m, struct chan *c, long warmup, long count,
	  uint64_t *p50, uint64_t *p99)
{
	size_t size = m->small ? m->small : SMALL;
	unsigned char out[SMALL], in[SMALL];
	uint64_t *t = malloc((size_t)count * sizeof(*t));

	if (t == NULL)
		die("malloc");
	command((struct cmd){ 'p', size, warmup + count });
	for (long i = 0; i < warmup + count; i++) {
		uint64_t start;
		int32_t tag = (int32_t)i;

		memcpy(out, pattern + i % 251, size);
		memcpy(out, &tag, sizeof(tag)); /* every message differs */
		start = now_ns();
		if (m->send(c, TO_CHILD, out, size) == -1 ||
		    m->recv(c, TO_PARENT, in, size) == -1)
			die("%s: ping-pong", m->name);
		if (i >= warmup)
			t[i - warmup] = now_ns() - start;
		if (memcmp(in, out, size) != 0) {
			errno = EPROTO;
			die("%s: round trip %ld came back different", m->name,
			    i);
		}
	}
	wait_ack();
	qsort(t, (size_t)count, sizeof(*t), by_value);
	*p50 = t[count / 2];
	*p99 = t[count * 99 / 100];
	free(t);
}

/* Seconds to send count chunks of CHUNK bytes, the child checking each. */
static double
stream(const struct mech *m, struct chan *c, long count)
{
	uint64_t start = now_ns();

	command((struct cmd){ 's', CHUNK, count });
	for (long i = 0; i < count; i++)
		if (m->send(c, TO_CHILD, pattern + i % 251, CHUNK) == -1)
			die("%s: stream", m->name);
	wait_ack(); /* the child received and checked the last byte */
	return (double)(now_ns() - start) / 1e9;
}

static void
measure(const struct mech *m, int rounds)
{
	struct chan c = { .lfd = -1, .msqid = -1 };
	uint64_t p50, p99;
	double rate[RUNS], secs;
	long count;
	pid_t pid;
	int status;

	current = &c;
	if (m->setup(&c) == -1)
		die("%s: setup", m->name);
	fflush(stdout); /* or the child inherits what is not written yet */
	pid = fork();
	if (pid == -1)
		die("fork");
	if (pid == 0)
		child_main(m, &c);
	c.peer = current_child = pid;
	if (m->open(&c) == -1)
		die("%s: open", m->name);

	ping_pong(m, &c, rounds / 10, rounds, &p50, &p99);

	/* Warm up, and size the runs to about a quarter second each. */
	secs = stream(m, &c, 4);
	count = (long)(0.25 * 4 / (secs > 1e-6 ? secs : 1e-6));
	count = count < 2 ? 2 : count;
	for (int r = 0; r < RUNS; r++)
		rate[r] = (double)count * CHUNK / stream(m, &c, count) / 1e6;

	command((struct cmd){ 'q', 0, 0 });
	if (waitpid(pid, &status, 0) == -1 || status != 0) {
		errno = ECHILD;
		die("%s: the child failed", m->name);
	}
	current_child = 0;
	m->teardown(&c);
	current = NULL;
	printf("| %-34s | %9.1f | %9.1f | %9.*f |\n", m->name, p50 / 1000.0,
	       p99 / 1000.0, median(rate, RUNS) < 10 ? 1 : 0,
	       median(rate, RUNS));
	fflush(stdout);
}

/* The load average: other work on the machine skews every figure. */
static void
print_load(const char *when)
{
	char buf[64] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f != NULL) {
		if (fgets(buf, sizeof(buf), f) == NULL)
			snprintf(buf, sizeof(buf), "?");
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	printf("load average %s: %s\n", when, buf);
}

static double
memcpy_rate(void)
{
	static unsigned char a[CHUNK], b[CHUNK];
	double best = 0;

	memset(a, 1, sizeof(a));
	for (int r = 0; r < RUNS; r++) {
		uint64_t start = now_ns();
		long n = 20000;

		for (long i = 0; i < n; i++) {
			a[i % CHUNK] = (unsigned char)i;
			memcpy(b, a, CHUNK);
			__asm__ volatile("" : : "r"(b) : "memory");
		}
		double mbs = (double)n * CHUNK / ((now_ns() - start) / 1e3);
		best = mbs > best ? mbs : best;
	}
	return best;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20000;
	cpu_set_t allowed;
	struct utsname u;
	char model[256] = "unknown CPU";
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	if (rounds < 100)
		rounds = 100;
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0) {
			char *v = strchr(line, ':');

			snprintf(model, sizeof(model), "%s", v ? v + 2 : line);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (unsigned char)(i * 7 + i / 251);
	if (pipe(ctl_down) == -1 || pipe(ctl_up) == -1)
		die("pipe");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	uname(&u);
	sched_getaffinity(0, sizeof(allowed), &allowed);
	printf("Linux %s, %s, %d CPUs (parent on one, child on %s)\n",
	       u.release, model, CPU_COUNT(&allowed),
	       CPU_COUNT(&allowed) > 1 ? "another" : "the same");
	print_load("before the run (1, 5, 15 min)");
	printf("ping-pong: %d round trips of %d B after %d of warm-up; "
	       "stream: %d KiB chunks, median of %d runs\n\n",
	       rounds, SMALL, rounds / 10, CHUNK / 1024, RUNS);
	printf("| %-34s | %9s | %9s | %9s |\n", "mechanism", "p50 us", "p99 us",
	       "MB/s");
	printf("|------------------------------------|----------:"
	       "|----------:|----------:|\n");
	pin(0);
	for (size_t i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		measure(&mechs[i], rounds);
	printf("\nmemcpy of 64 KiB in one process: %.0f MB/s\n", memcpy_rate());
	print_load("after the run (1, 5, 15 min)");
	return 0;
}
