/* SPDX-License-Identifier: MIT */
/**
 * @file sema.h
 * @brief Lab 04, semaphores (System V and POSIX): the functions you
 *        implement in sema.c.
 *
 * Every function follows the POSIX convention: it returns 0 or a count on
 * success and -1 with errno set on failure. None of them exits the process
 * (the worker processes they fork end with _exit()).
 * See labs/04-semaphore/README.md for the background and the steps.
 *
 * A System V set made by sema_create() has one semaphore more than asked
 * for: semaphore number @p nsems (the last one) is the *ready gate*. The
 * creator opens it (sets it to 1) once every other semaphore has its
 * initial value, and every other process waits for the gate before using
 * the set. That is how the set is initialised without a race.
 */
#ifndef SEMA_LAB_H
#define SEMA_LAB_H

#include <sys/types.h>

/**
 * @brief The code a worker runs inside the critical region.
 *
 * The run functions below call it in a forked worker process, between P
 * and V. It must not exit; it may be killed (that is what step 4 is about).
 * @param arg    the caller's pointer, as given to the run function
 * @param worker which worker runs it: 0 .. nworkers - 1
 * @param round  which round: 0 .. rounds - 1
 * @return 0 to go on; anything else makes the worker leave the region (V)
 *         and stop with exit status 1.
 */
typedef int (*sema_critical_fn)(void *arg, int worker, int round);

/**
 * @brief Step 1: create a System V semaphore set, or open it if it exists,
 *        without an initialisation race.
 *
 * Asks for @p nsems + 1 semaphores with semget(IPC_CREAT | IPC_EXCL, 0600).
 * If that succeeds, this process is the creator: it sets semaphores 0 ..
 * @p nsems - 1 to @p value, then opens the gate (semaphore @p nsems goes
 * from 0 to 1, without SEM_UNDO). If the set already exists (EEXIST), it
 * opens it and waits, at most @p timeout_ms, until the gate is open; it
 * never changes the values of a set it did not create.
 * @param key        from ftok(), or IPC_PRIVATE for a new private set
 * @param nsems      how many semaphores the caller uses (at least 1)
 * @param value      initial value of each (0 .. 32767)
 * @param timeout_ms how long to wait for another creator's gate; -1: for ever
 * @return the set's id; -1 with errno EINVAL (bad @p nsems or @p value, or
 *         an existing set with fewer semaphores), EAGAIN (the gate stayed
 *         closed for @p timeout_ms), or from semget/semctl/semop.
 */
int sema_create(key_t key, int nsems, int value, int timeout_ms);

/**
 * @brief Step 1: remove a set at once (semctl IPC_RMID).
 *
 * Processes blocked on it wake up with EIDRM.
 * @param semid a set id
 * @return 0; -1 with errno EINVAL (no such set) or EPERM.
 */
int sema_remove(int semid);

/**
 * @brief Step 1: read one semaphore's value (semctl GETVAL).
 * @param semid a set id
 * @param num   semaphore number in the set
 * @return the value (>= 0); -1 with errno EINVAL, EIDRM or EACCES.
 */
int sema_value(int semid, int num);

/**
 * @brief Step 1: P (wait): subtract 1, blocking while the value is 0.
 *
 * Uses SEM_UNDO, so the kernel gives the unit back if this process dies
 * before its V. Retries when a signal interrupts the wait (EINTR).
 * @param semid a set id
 * @param num   semaphore number in the set
 * @return 0; -1 with errno from semop (EIDRM if the set was removed
 *         meanwhile, EINVAL, EFBIG, ...).
 */
int sema_p(int semid, int num);

/**
 * @brief Step 1: V (post): add 1 and wake a waiter, with SEM_UNDO.
 * @param semid a set id
 * @param num   semaphore number in the set
 * @return 0; -1 with errno from semop (ERANGE past 32767, EIDRM, ...).
 */
int sema_v(int semid, int num);

/**
 * @brief Step 1: P that gives up after @p timeout_ms (semtimedop).
 *
 * Like sema_p(), with SEM_UNDO, but waits at most @p timeout_ms in all,
 * even when signals interrupt it.
 * @param semid      a set id
 * @param num        semaphore number in the set
 * @param timeout_ms how long to wait at most (0: do not wait)
 * @return 0 when the unit was taken; -1 with errno EAGAIN when the time ran
 *         out (the value is unchanged), or another errno from semtimedop.
 */
int sema_p_timed(int semid, int num, int timeout_ms);

/**
 * @brief Step 2: run @p nworkers processes that take turns in a critical
 *        region guarded by semaphore @p num of @p semid.
 *
 * Forks @p nworkers children. Worker i runs @p rounds rounds of:
 * sema_p(); critical(arg, i, round); sema_v(); and ends with _exit(0), or
 * _exit(1) if critical() returned non-zero (after its V). The parent waits
 * for every worker it started, including the ones killed by a signal.
 * @param semid    a set id (made by sema_create())
 * @param num      semaphore number in the set
 * @param nworkers how many worker processes (at least 1)
 * @param rounds   rounds per worker (0 or more)
 * @param critical the critical region's code
 * @param arg      passed to @p critical
 * @return how many workers finished every round (exit status 0); a worker
 *         that was killed or failed is not counted and is not an error.
 *         -1 with errno EINVAL, or from fork (after waiting for the workers
 *         already started).
 */
int sema_run_workers(int semid, int num, int nworkers, int rounds,
		     sema_critical_fn critical, void *arg);

/**
 * @brief Step 3: run @p nworkers workers, one round each, with at most
 *        @p limit of them inside the critical region at once.
 *
 * A counting semaphore: creates the set for @p key with one semaphore of
 * value @p limit (sema_create(), waiting at most 1000 ms), runs the workers
 * with sema_run_workers(), and removes the set before returning, on every
 * path.
 * @param key      from ftok(), or IPC_PRIVATE
 * @param nworkers how many worker processes (at least 1)
 * @param limit    how many may be inside at once (at least 1)
 * @param critical the critical region's code
 * @param arg      passed to @p critical
 * @return as sema_run_workers(); -1 with errno set on failure.
 */
int sema_run_limited(key_t key, int nworkers, int limit,
		     sema_critical_fn critical, void *arg);

/**
 * @brief Step 5: sema_run_workers() with a POSIX named semaphore.
 *
 * Creates the semaphore @p name with sem_open(O_CREAT | O_EXCL, 0600,
 * value 1), forks the workers (sem_wait(); critical(); sem_post(), retrying
 * sem_wait on EINTR), waits for all of them, then closes the semaphore and
 * removes its name with sem_unlink(). The name exists while the workers
 * run and never after the function returns.
 * @param name     "/something", unique to the caller
 * @param nworkers how many worker processes (at least 1)
 * @param rounds   rounds per worker (0 or more)
 * @param critical the critical region's code
 * @param arg      passed to @p critical
 * @return how many workers finished every round; -1 with errno EEXIST (the
 *         name exists already: this function does not reuse it), EINVAL, or
 *         from sem_open or fork.
 */
int sema_named_run(const char *name, int nworkers, int rounds,
		   sema_critical_fn critical, void *arg);

#endif /* SEMA_LAB_H */
