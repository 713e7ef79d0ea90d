/* SPDX-License-Identifier: MIT */
/**
 * @file sema.c
 * @brief Lab 04 reference solution: System V and POSIX semaphores (all
 *        five steps).
 */
#include "sema.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/** The fourth argument of semctl(): the caller must define it (man 2 semctl). */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/** Largest value a System V semaphore can hold (SEMVMX on Linux). */
#define SEMA_VALUE_MAX 32767

/* ------------------------------------------------------------- time */

/** Milliseconds left until @p deadline (CLOCK_MONOTONIC), at least 0. */
static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? ms : 0;
}

/** The monotonic time @p ms milliseconds from now. */
static struct timespec
deadline_in(int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

/**
 * semop() that waits at most @p timeout_ms in all (-1: for ever), going
 * on after a signal: semop is never restarted automatically (man 7 signal).
 */
static int
semop_within(int semid, struct sembuf *ops, size_t nops, int timeout_ms)
{
	struct timespec deadline = deadline_in(timeout_ms < 0 ? 0 : timeout_ms);

	for (;;) {
		int rc;
		if (timeout_ms < 0) {
			rc = semop(semid, ops, nops);
		} else {
			long left = ms_left(&deadline);
			struct timespec wait = { left / 1000,
						 (left % 1000) * 1000000 };
			rc = semtimedop(semid, ops, nops, &wait);
		}
		if (rc == 0 || errno != EINTR)
			return rc; /* EAGAIN: the time ran out, nothing changed */
	}
}

/* ------------------------------------------------ step 1: the System V set */

/** Creator's half: give every semaphore its value, then open the gate. */
static int
initialise_set(int semid, int nsems, int value)
{
	unsigned short *values = calloc((size_t)nsems + 1, sizeof(*values));
	union semun arg = { .array = values };
	struct sembuf open_gate = { (unsigned short)nsems, +1, 0 };
	int rc;

	if (values == NULL)
		return -1;
	for (int i = 0; i < nsems; i++)
		values[i] = (unsigned short)value;
	values[nsems] = 0; /* the gate stays closed while we work */
	rc = semctl(semid, 0, SETALL, arg);
	free(values);
	if (rc == -1)
		return -1;
	/* No SEM_UNDO: the gate must stay open after we exit. This semop
	 * also sets sem_otime, which the classic technique waits for. */
	return semop(semid, &open_gate, 1);
}

int
sema_create(key_t key, int nsems, int value, int timeout_ms)
{
	/* Take the gate and put it back in one atomic semop: it blocks while
	 * the gate is 0 and leaves it as it was. */
	struct sembuf pass_gate[2] = { { (unsigned short)nsems, -1, 0 },
				       { (unsigned short)nsems, +1, 0 } };
	int semid, saved;

	if (nsems < 1 || value < 0 || value > SEMA_VALUE_MAX) {
		errno = EINVAL;
		return -1;
	}
	semid = semget(key, nsems + 1, IPC_CREAT | IPC_EXCL | 0600);
	if (semid != -1) {
		/* We created it, so nobody else initialises it. Others may
		 * open it already: they wait at the gate until we are done. */
		if (initialise_set(semid, nsems, value) == -1) {
			saved = errno;
			semctl(semid, 0, IPC_RMID);
			errno = saved;
			return -1;
		}
		return semid;
	}
	if (errno != EEXIST)
		return -1;
	/* Someone else created it: never touch its values. */
	semid = semget(key, nsems + 1, 0600);
	if (semid == -1)
		return -1;
	if (semop_within(semid, pass_gate, 2, timeout_ms) == -1)
		return -1; /* EAGAIN: the creator never opened the gate */
	return semid;
}

int
sema_remove(int semid)
{
	return semctl(semid, 0, IPC_RMID);
}

int
sema_value(int semid, int num)
{
	return semctl(semid, num, GETVAL);
}

int
sema_p(int semid, int num)
{
	/* SEM_UNDO: if we die holding the unit, the kernel gives it back. */
	struct sembuf p = { (unsigned short)num, -1, SEM_UNDO };

	return semop_within(semid, &p, 1, -1);
}

int
sema_v(int semid, int num)
{
	/* SEM_UNDO here too, or the P's adjustment is never cancelled and the
	 * kernel adds a unit at exit that nobody took. */
	struct sembuf v = { (unsigned short)num, +1, SEM_UNDO };

	return semop_within(semid, &v, 1, -1);
}

int
sema_p_timed(int semid, int num, int timeout_ms)
{
	struct sembuf p = { (unsigned short)num, -1, SEM_UNDO };

	if (timeout_ms < 0) {
		errno = EINVAL;
		return -1;
	}
	return semop_within(semid, &p, 1, timeout_ms);
}

/* ------------------------------------------ step 2: mutual exclusion */

/** The enter and leave operations of one kind of semaphore. */
struct guard {
	int (*enter)(const struct guard *g);
	int (*leave)(const struct guard *g);
	int semid, num; /* System V */
	sem_t *sem;	/* POSIX */
};

/** A worker's life: its rounds, then _exit(); never returns. */
static _Noreturn void
worker_main(const struct guard *g, int worker, int rounds,
	    sema_critical_fn critical, void *arg)
{
	for (int round = 0; round < rounds; round++) {
		int rc;
		if (g->enter(g) == -1)
			_exit(2);
		rc = critical(arg, worker, round);
		if (g->leave(g) == -1)
			_exit(2);
		if (rc != 0)
			_exit(1);
	}
	_exit(0); /* _exit: no atexit handlers or stdio flushes of the parent's */
}

/** Wait for the @p n workers in @p pids; how many exited with status 0. */
static int
wait_workers(const pid_t *pids, int n)
{
	int finished = 0;

	for (int i = 0; i < n; i++) {
		int status;
		while (waitpid(pids[i], &status, 0) == -1) {
			if (errno != EINTR)
				return -1;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			finished++;
	}
	return finished;
}

/** Fork the workers, each guarded by @p g, and wait for all of them. */
static int
run_guarded(const struct guard *g, int nworkers, int rounds,
	    sema_critical_fn critical, void *arg)
{
	pid_t *pids;
	int started = 0, finished, fork_errno = 0;

	if (nworkers < 1 || rounds < 0 || critical == NULL) {
		errno = EINVAL;
		return -1;
	}
	pids = calloc((size_t)nworkers, sizeof(*pids));
	if (pids == NULL)
		return -1;
	while (started < nworkers) {
		pid_t pid = fork();
		if (pid == -1) {
			fork_errno = errno;
			break; /* still wait for the ones already running */
		}
		if (pid == 0)
			worker_main(g, started, rounds, critical, arg);
		pids[started++] = pid;
	}
	finished = wait_workers(pids, started);
	free(pids);
	if (fork_errno != 0) {
		errno = fork_errno;
		return -1;
	}
	return finished;
}

static int
sysv_enter(const struct guard *g)
{
	return sema_p(g->semid, g->num);
}

static int
sysv_leave(const struct guard *g)
{
	return sema_v(g->semid, g->num);
}

int
sema_run_workers(int semid, int num, int nworkers, int rounds,
		 sema_critical_fn critical, void *arg)
{
	struct guard g = { sysv_enter, sysv_leave, semid, num, NULL };

	return run_guarded(&g, nworkers, rounds, critical, arg);
}

/* ------------------------------------------ step 3: counting semaphore */

int
sema_run_limited(key_t key, int nworkers, int limit, sema_critical_fn critical,
		 void *arg)
{
	int semid, finished, saved;

	if (limit < 1) {
		errno = EINVAL;
		return -1;
	}
	/* A semaphore of value limit: limit P's pass before one blocks. */
	semid = sema_create(key, 1, limit, 1000);
	if (semid == -1)
		return -1;
	finished = sema_run_workers(semid, 0, nworkers, 1, critical, arg);
	saved = errno;
	if (sema_remove(semid) == -1 && finished != -1)
		return -1; /* the set would outlive us: report it */
	errno = saved;
	return finished;
}

/* ------------------------------------------ step 5: POSIX named semaphore */

static int
posix_enter(const struct guard *g)
{
	while (sem_wait(g->sem) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

static int
posix_leave(const struct guard *g)
{
	return sem_post(g->sem);
}

int
sema_named_run(const char *name, int nworkers, int rounds,
	       sema_critical_fn critical, void *arg)
{
	struct guard g = { posix_enter, posix_leave, -1, 0, NULL };
	int finished, saved;

	if (nworkers < 1 || rounds < 0 || critical == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* O_EXCL: an old semaphore of that name could hold any value. */
	g.sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	if (g.sem == SEM_FAILED)
		return -1;
	finished = run_guarded(&g, nworkers, rounds, critical, arg);
	saved = errno;
	sem_close(g.sem);
	/* The name lives in /dev/shm until unlinked, like a file. */
	if (sem_unlink(name) == -1 && finished != -1)
		return -1;
	errno = saved;
	return finished;
}
