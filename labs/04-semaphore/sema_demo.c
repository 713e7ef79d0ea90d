/* SPDX-License-Identifier: MIT */
/**
 * @file sema_demo.c
 * @brief Lab 04 demo: try each step of the semaphore lab from the shell.
 *
 *     sema_demo timed MS       a timed P on a semaphore of 0, then on 1
 *     sema_demo count N M      N processes add 1 to a shared counter M
 *                              times each, under a System V semaphore
 *     sema_demo race N M       the same with a "lock" that lets all N in
 *     sema_demo limit W K      W workers, at most K inside at once
 *     sema_demo crash N M      like count, but worker 0 is killed (SIGKILL)
 *                              while it holds the lock
 *     sema_demo named N M      count with a POSIX named semaphore
 *
 * Build it with `make demo LAB=04`; the grader runs it beside the reference
 * demo and compares what they print (all but `race`, whose output is
 * different every time: that is its point).
 */
#include "ipc_util.h"
#include "sema.h"

#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/** What the workers share: it lives in MAP_SHARED memory (lab 05). */
struct shared {
	volatile long counter; /* the data the semaphore protects */
	int inside, peak;      /* how many workers are in the region */
	int entries, limit;
	int victim;   /* worker killed in its first round, or -1 */
	sem_t all_in; /* unnamed POSIX semaphore, pshared = 1 */
};

/** Shared memory for the workers: anonymous, inherited across fork(). */
static struct shared *
map_shared(void)
{
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (s == MAP_FAILED)
		ipc_die_errno("mmap");
	memset(s, 0, sizeof(*s));
	s->victim = -1;
	/* pshared = 1: the semaphore is used by several processes, so it
	 * must sit in memory they all share. */
	if (sem_init(&s->all_in, 1, 0) == -1)
		ipc_die_errno("sem_init");
	return s;
}

static void
unmap_shared(struct shared *s)
{
	sem_destroy(&s->all_in);
	munmap(s, sizeof(*s));
}

/** A number from the command line, at least @p min. */
static int
number(const char *text, int min)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || n < min || n > 100000000)
		ipc_die("not a number >= %d: %s", min, text);
	return (int)n;
}

/** The counting critical region: read, then write (racy without a lock). */
static int
increment(void *arg, int worker, int round)
{
	struct shared *s = arg;
	long c = s->counter;

	s->counter = c + 1;
	if (worker == s->victim && round == 0)
		raise(SIGKILL); /* dies holding the lock, like a crash */
	return 0;
}

static int
demo_timed(int ms)
{
	int semid = sema_create(IPC_PRIVATE, 1, 0, 0);

	if (semid == -1)
		ipc_die_errno("sema_create");
	if (sema_p_timed(semid, 0, ms) == -1)
		printf("timed P on a semaphore of 0: gave up after %d ms with "
		       "%s\n",
		       ms, ipc_errno_name(errno));
	else
		printf("timed P on a semaphore of 0: took a unit?\n");
	if (sema_v(semid, 0) == -1)
		ipc_die_errno("sema_v");
	printf("after V the value is %d\n", sema_value(semid, 0));
	if (sema_p_timed(semid, 0, ms) == -1)
		ipc_die_errno("sema_p_timed");
	printf("timed P on a semaphore of 1: took it, the value is %d\n",
	       sema_value(semid, 0));
	if (sema_remove(semid) == -1)
		ipc_die_errno("sema_remove");
	return 0;
}

/**
 * Before the crash run: a child takes the lock and dies without V. With
 * SEM_UNDO the kernel gives the unit back; without it the workers would
 * deadlock, so say so and stop instead of hanging.
 */
static void
check_undo(int semid)
{
	pid_t child = fork();

	if (child == -1)
		ipc_die_errno("fork");
	if (child == 0)
		_exit(sema_p(semid, 0) == 0 ? 0 : 1); /* exits holding it */
	if (ipc_waitpid(child, NULL) == -1)
		ipc_die_errno("waitpid");
	printf("a process took the lock and exited without V: the value is "
	       "now %d\n",
	       sema_value(semid, 0));
	if (sema_value(semid, 0) != 1) {
		sema_remove(semid);
		ipc_die("the lock was never given back (no SEM_UNDO?): the "
			"workers would deadlock");
	}
}

/** count, race and crash: N workers, M increments each, lock of @p value. */
static int
demo_count(int n, int m, int value, int victim)
{
	struct shared *s = map_shared();
	int semid = sema_create(IPC_PRIVATE, 1, value, 0), finished;
	long expect = (long)m * (victim >= 0 ? n - 1 : n) + (victim >= 0);

	if (semid == -1)
		ipc_die_errno("sema_create");
	s->victim = victim;
	if (victim >= 0)
		check_undo(semid);
	finished = sema_run_workers(semid, 0, n, m, increment, s);
	if (finished == -1)
		ipc_die_errno("sema_run_workers");
	if (victim >= 0)
		printf("worker %d was killed while holding the lock\n", victim);
	printf("%d processes x %d increments: %d finished, counter = %ld "
	       "(expected %ld)%s\n",
	       n, m, finished, s->counter, expect,
	       s->counter == expect ? "" : ": updates were lost");
	printf("the semaphore's value after the run: %d (it started at %d)\n",
	       sema_value(semid, 0), value);
	if (sema_remove(semid) == -1)
		ipc_die_errno("sema_remove");
	unmap_shared(s);
	return 0;
}

/** The limited region: the first K wait for each other, so K are in at once. */
static int
meet(void *arg, int worker, int round)
{
	struct shared *s = arg;
	int entry = __atomic_add_fetch(&s->entries, 1, __ATOMIC_SEQ_CST);
	int inside = __atomic_add_fetch(&s->inside, 1, __ATOMIC_SEQ_CST);
	int peak = __atomic_load_n(&s->peak, __ATOMIC_SEQ_CST);

	(void)worker;
	(void)round;
	while (inside > peak &&
	       !__atomic_compare_exchange_n(&s->peak, &peak, inside, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	if (entry < s->limit) {
		/* Wait (at most 2 s, in case the semaphore lets fewer in). */
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 2;
		while (sem_clockwait(&s->all_in, CLOCK_MONOTONIC, &until) ==
			       -1 &&
		       errno == EINTR)
			;
	} else if (entry == s->limit) {
		for (int i = 1; i < s->limit; i++)
			sem_post(&s->all_in); /* everyone allowed is in */
	}
	__atomic_sub_fetch(&s->inside, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int
demo_limit(int w, int k)
{
	struct shared *s = map_shared();
	int finished;

	s->limit = k < w ? k : w;
	finished = sema_run_limited(IPC_PRIVATE, w, k, meet, s);
	if (finished == -1)
		ipc_die_errno("sema_run_limited");
	printf("%d workers, at most %d inside at once: %d finished, peak "
	       "inside = %d\n",
	       w, k, finished, s->peak);
	unmap_shared(s);
	return 0;
}

static int
demo_named(int n, int m)
{
	struct shared *s = map_shared();
	char name[64];
	sem_t *left;
	int finished;

	/* Unique per run, so two demos never share a semaphore. */
	snprintf(name, sizeof(name), "/sema-demo-%ld", (long)getpid());
	finished = sema_named_run(name, n, m, increment, s);
	if (finished == -1)
		ipc_die_errno("sema_named_run");
	printf("%d processes x %d increments with a POSIX named semaphore: "
	       "%d finished, counter = %ld (expected %ld)\n",
	       n, m, finished, s->counter, (long)n * m);
	left = sem_open(name, 0);
	if (left == SEM_FAILED) {
		printf("the name is gone from /dev/shm (sem_unlink)\n");
	} else {
		printf("the name is still in /dev/shm: sem_unlink() it\n");
		sem_close(left);
		sem_unlink(name); /* the demo cleans up after you */
	}
	unmap_shared(s);
	return 0;
}

int
main(int argc, char **argv)
{
	/* Output goes through pipes when graded: let each line out at once. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "timed") == 0)
		return demo_timed(number(argv[2], 0));
	if (argc == 4 && strcmp(argv[1], "count") == 0)
		return demo_count(number(argv[2], 1), number(argv[3], 0), 1,
				  -1);
	if (argc == 4 && strcmp(argv[1], "race") == 0)
		return demo_count(number(argv[2], 1), number(argv[3], 0),
				  number(argv[2], 1), -1);
	if (argc == 4 && strcmp(argv[1], "crash") == 0)
		return demo_count(number(argv[2], 2), number(argv[3], 1), 1, 0);
	if (argc == 4 && strcmp(argv[1], "limit") == 0)
		return demo_limit(number(argv[2], 1), number(argv[3], 1));
	if (argc == 4 && strcmp(argv[1], "named") == 0)
		return demo_named(number(argv[2], 1), number(argv[3], 0));
	fprintf(stderr, "usage: sema_demo timed MS | count N M | race N M | "
			"limit W K |\n"
			"       sema_demo crash N M | named N M\n");
	return 2;
}
