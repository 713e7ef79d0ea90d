/* SPDX-License-Identifier: MIT */
/**
 * @file sema.c
 * @brief Lab 04, semaphores (System V and POSIX): your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=04 STEP=n`. Read README.md first.
 */
#include "sema.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* semctl() needs this union as its fourth argument; you define it
 * yourself (man 2 semctl):
 *
 * union semun {
 *	int val;
 *	struct semid_ds *buf;
 *	unsigned short *array;
 * };
 */

int
sema_create(key_t key, int nsems, int value, int timeout_ms)
{
	/* TODO(step 1): semget(key, nsems + 1, IPC_CREAT | IPC_EXCL | 0600).
	 * Success: you are the creator. Set the values (SETALL or SETVAL),
	 * then open the gate: semop +1 on semaphore nsems, no SEM_UNDO.
	 * EEXIST: semget(key, nsems + 1, 0600), then wait at the gate with
	 * one semtimedop of two operations on semaphore nsems: -1 then +1.
	 * Never set the values of a set you did not create. Read: man 2
	 * semget, man 2 semctl, man 2 semop ("semtimedop"). */
	(void)key;
	(void)nsems;
	(void)value;
	(void)timeout_ms;
	errno = ENOSYS;
	return -1;
}

int
sema_remove(int semid)
{
	/* TODO(step 1): semctl(semid, 0, IPC_RMID). Read: man 2 semctl. */
	(void)semid;
	errno = ENOSYS;
	return -1;
}

int
sema_value(int semid, int num)
{
	/* TODO(step 1): semctl(semid, num, GETVAL). Read: man 2 semctl. */
	(void)semid;
	(void)num;
	errno = ENOSYS;
	return -1;
}

int
sema_p(int semid, int num)
{
	/* TODO(step 1): semop() with one struct sembuf { num, -1, SEM_UNDO }.
	 * A signal makes semop fail with EINTR (it is never restarted):
	 * try again. Read: man 2 semop ("SEM_UNDO"), man 7 signal. */
	(void)semid;
	(void)num;
	errno = ENOSYS;
	return -1;
}

int
sema_v(int semid, int num)
{
	/* TODO(step 1): like sema_p() with sem_op = +1, SEM_UNDO too (why?
	 * see the handout). Read: man 2 semop. */
	(void)semid;
	(void)num;
	errno = ENOSYS;
	return -1;
}

int
sema_p_timed(int semid, int num, int timeout_ms)
{
	/* TODO(step 1): semtimedop() with a struct timespec of timeout_ms.
	 * It fails with EAGAIN when the time runs out. After EINTR, retry
	 * with the time that is left (clock_gettime(CLOCK_MONOTONIC)).
	 * Read: man 2 semop, man 2 clock_gettime. */
	(void)semid;
	(void)num;
	(void)timeout_ms;
	errno = ENOSYS;
	return -1;
}

int
sema_run_workers(int semid, int num, int nworkers, int rounds,
		 sema_critical_fn critical, void *arg)
{
	/* TODO(step 2): fork nworkers children. Child i: for each round,
	 * sema_p(); rc = critical(arg, i, round); sema_v(); stop with
	 * _exit(1) if rc != 0; at the end _exit(0). Never return from a
	 * child. Parent: fork all of them first, then waitpid() each one,
	 * counting those that exited with status 0 (WIFEXITED, WEXITSTATUS).
	 * Read: man 2 fork, man 2 waitpid, man 2 _exit. */
	(void)semid;
	(void)num;
	(void)nworkers;
	(void)rounds;
	(void)critical;
	(void)arg;
	errno = ENOSYS;
	return -1;
}

int
sema_run_limited(key_t key, int nworkers, int limit, sema_critical_fn critical,
		 void *arg)
{
	/* TODO(step 3): a counting semaphore: sema_create(key, 1, limit,
	 * 1000), sema_run_workers(semid, 0, nworkers, 1, ...), then
	 * sema_remove() whatever happened in between. Read: the handout,
	 * "Counting semaphores". */
	(void)key;
	(void)nworkers;
	(void)limit;
	(void)critical;
	(void)arg;
	errno = ENOSYS;
	return -1;
}

int
sema_named_run(const char *name, int nworkers, int rounds,
	       sema_critical_fn critical, void *arg)
{
	/* TODO(step 5): sem_open(name, O_CREAT | O_EXCL, 0600, 1); fork the
	 * workers as in step 2 but with sem_wait() (retry on EINTR) and
	 * sem_post(); wait for them; sem_close(); sem_unlink(name).
	 * Read: man 7 sem_overview, man 3 sem_open, man 3 sem_unlink. */
	(void)name;
	(void)nworkers;
	(void)rounds;
	(void)critical;
	(void)arg;
	errno = ENOSYS;
	return -1;
}
