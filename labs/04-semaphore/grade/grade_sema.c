/* SPDX-License-Identifier: MIT */
/**
 * @file grade_sema.c
 * @brief Lab 04 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c and the sandbox) adds the leak checks: fds, children,
 * zombies, System V sets and POSIX semaphore names left behind.
 *
 * The critical regions the workers run are the grader's own functions:
 * they run in the student's worker processes and watch from the inside
 * (how many are in at once, what the semaphore's value is there), writing
 * what they saw to shared memory for the test to judge. They never call
 * ck_assert (they are not the test process): they record a problem.
 */
#include "grade.h"
#include "ipc_util.h"
#include "sema.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------- semop fault injection */

/* The grader is linked with -Wl,--wrap=semop,--wrap=semtimedop (see the
 * lab's Makefile): the student's calls come here first. While injecting,
 * every other call fails with EINTR before doing anything, as it does when
 * a signal handler runs during the wait (semop is never restarted). */
int __real_semop(int semid, struct sembuf *sops, size_t nsops);
int __real_semtimedop(int semid, struct sembuf *sops, size_t nsops,
		      const struct timespec *timeout);
int __wrap_semop(int semid, struct sembuf *sops, size_t nsops);
int __wrap_semtimedop(int semid, struct sembuf *sops, size_t nsops,
		      const struct timespec *timeout);

static bool injecting_eintr;
static unsigned long semop_calls;

/** Should this call fail with EINTR (every other one while injecting)? */
static bool
inject_eintr(void)
{
	if (injecting_eintr && semop_calls++ % 2 == 0) {
		errno = EINTR;
		return true;
	}
	return false;
}

/* These wrappers take over the engine's (grade_fault.c): they ask it too
 * whether a test made this call fail (grade_fail_nth()). */
int
__wrap_semop(int semid, struct sembuf *sops, size_t nsops)
{
	if (grade_fail_check("semop"))
		return -1;
	return inject_eintr() ? -1 : __real_semop(semid, sops, nsops);
}

int
__wrap_semtimedop(int semid, struct sembuf *sops, size_t nsops,
		  const struct timespec *timeout)
{
	if (grade_fail_check("semtimedop"))
		return -1;
	return inject_eintr() ? -1 : __real_semtimedop(semid, sops, nsops, timeout);
}

/** semctl's fourth argument (the caller defines it: man 2 semctl). */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* semctl is wrapped too (--wrap=semctl), so a test can see the value a set
 * had at the moment the student's code removed it: with every worker done,
 * a counting semaphore must be back at exactly its limit. */
int __real_semctl(int semid, int semnum, int cmd, ...);
int __wrap_semctl(int semid, int semnum, int cmd, ...);

static bool watching_rmid;
static int value_at_rmid = -1;

int
__wrap_semctl(int semid, int semnum, int cmd, ...)
{
	union semun arg = { 0 };
	va_list ap;

	if (grade_fail_check("semctl"))
		return -1;
	switch (cmd) { /* the commands that take the fourth argument */
	case SETVAL: case SETALL: case GETALL: case IPC_STAT: case IPC_SET:
	case IPC_INFO: case SEM_INFO: case SEM_STAT: case SEM_STAT_ANY:
		va_start(ap, cmd);
		arg = va_arg(ap, union semun);
		va_end(ap);
		return __real_semctl(semid, semnum, cmd, arg);
	case IPC_RMID:
		if (watching_rmid)
			value_at_rmid = __real_semctl(semid, 0, GETVAL);
		return __real_semctl(semid, semnum, cmd);
	default:
		return __real_semctl(semid, semnum, cmd);
	}
}

/* ------------------------------------------------------ test's own objects */

#define MAX_OWNED 8

/* Sets and names this test made or got from the student: removed before a
 * failure is reported, so the leak report only ever blames the student. */
static int owned_sets[MAX_OWNED];
static size_t n_owned_sets;
static char owned_name[64];

static void
own_set(int semid)
{
	if (semid >= 0 && n_owned_sets < MAX_OWNED)
		owned_sets[n_owned_sets++] = semid;
}

/** Remove what the test owns (sets and the POSIX name), quietly. */
static void
release_all(void)
{
	int saved = errno;

	while (n_owned_sets > 0)
		semctl(owned_sets[--n_owned_sets], 0, IPC_RMID);
	if (owned_name[0] != '\0')
		sem_unlink(owned_name);
	owned_name[0] = '\0';
	errno = saved;
}

/** Fail the test with a message, after removing the test's own objects
 *  (the message is made first: it may show values read from them). */
#define REQUIRE(cond, ...)                                                     \
	do {                                                                   \
		if (!(cond)) {                                                 \
			char require_msg_[1024];                               \
			snprintf(require_msg_, sizeof(require_msg_),           \
				 __VA_ARGS__);                                 \
			release_all();                                         \
			ck_abort_msg("%s", require_msg_);                      \
		}                                                              \
	} while (0)

/** GRADE_IMPLEMENTED, removing the test's objects first. */
static void
implemented(long ret, const char *function, int step)
{
	if (ret == -1 && errno == ENOSYS)
		release_all();
	GRADE_IMPLEMENTED(ret, function, step);
}

/** A POSIX semaphore name unique to this test. */
static const char *
test_name(void)
{
	snprintf(owned_name, sizeof(owned_name), "/ipclab-sema-%ld",
		 (long)getpid());
	return owned_name;
}

/** One semaphore's value, read by the test itself. */
static int
value_of(int semid, int num)
{
	return semctl(semid, num, GETVAL);
}

/** A semop of the test's own (no SEM_UNDO, no fault injection). */
static int
test_semop(int semid, int num, int delta)
{
	struct sembuf op = { (unsigned short)num, (short)delta, 0 };

	return __real_semop(semid, &op, 1);
}

/** Milliseconds elapsed since @p start_ns. */
static long
ms_since(uint64_t start_ns)
{
	return (long)((ipc_now_ns() - start_ns) / 1000000u);
}

/* ------------------------------------ what the workers see from the inside */

#define MAX_WORKERS 16

/** Shared by the test and the worker processes (MAP_SHARED memory). */
struct region {
	pid_t test_pid;
	int semid, num;   /* System V semaphore to look at inside (or -1) */
	key_t key;        /* step 3: the set is found by key */
	char name[64];    /* step 5: the POSIX semaphore's name */
	int nworkers, rounds, limit;
	int victim[MAX_WORKERS];     /* round at which a worker dies, or -1 */
	int fail_round[MAX_WORKERS]; /* round at which critical() fails, or -1 */
	volatile long counter;       /* incremented under the lock only */
	int inside, peak, entries;   /* atomics */
	int seen[MAX_WORKERS];       /* rounds run by each worker */
	sem_t barrier;               /* step 3: the first ones wait here */
	int problems;                /* atomic: the first problem is kept */
	char problem[600];
	int result, result_errno;    /* what a helper's call returned */
};

/** A fresh shared region for @p nworkers workers of @p rounds rounds. */
static struct region *
new_region(int nworkers, int rounds)
{
	struct region *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert_msg(r != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(r, 0, sizeof(*r));
	r->test_pid = getpid();
	r->semid = -1;
	r->nworkers = nworkers;
	r->rounds = rounds;
	for (int i = 0; i < MAX_WORKERS; i++)
		r->victim[i] = r->fail_round[i] = -1;
	ck_assert_msg(sem_init(&r->barrier, 1, 0) == 0, "sem_init: %s",
		      strerror(errno));
	return r;
}

static void
free_region(struct region *r)
{
	sem_destroy(&r->barrier);
	munmap(r, sizeof(*r));
}

/** Record what went wrong, seen from inside a worker (first one wins). */
static void
problem(struct region *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
problem(struct region *r, const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&r->problems, 1, __ATOMIC_SEQ_CST) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(r->problem, sizeof(r->problem), fmt, ap);
	va_end(ap);
}

/** Checks every critical region makes: who runs it, and which round. */
static bool
check_caller(struct region *r, int worker, int round)
{
	if (getpid() == r->test_pid) {
		problem(r, "critical() ran in the calling process: each worker "
			   "must be a child made with fork()");
		return false;
	}
	if (worker < 0 || worker >= r->nworkers || round < 0 ||
	    round >= r->rounds) {
		problem(r, "critical() was called with worker %d, round %d; "
			   "expected a worker 0..%d and a round 0..%d",
			worker, round, r->nworkers - 1, r->rounds - 1);
		return false;
	}
	__atomic_fetch_add(&r->seen[worker], 1, __ATOMIC_SEQ_CST);
	return true;
}

/** Raise r->peak to at least @p now. */
static void
note_peak(struct region *r, int now)
{
	int peak = __atomic_load_n(&r->peak, __ATOMIC_SEQ_CST);

	while (now > peak && !__atomic_compare_exchange_n(
				     &r->peak, &peak, now, false,
				     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

/** The value of the POSIX semaphore r->name, seen from this worker. */
static int
posix_value(struct region *r)
{
	static sem_t *sem = SEM_FAILED; /* one per worker process */
	int value = -1;

	if (sem == SEM_FAILED)
		sem = sem_open(r->name, 0);
	if (sem == SEM_FAILED || sem_getvalue(sem, &value) == -1)
		return -1;
	return value;
}

/**
 * A mutual-exclusion region: nobody else may be inside, and the lock's
 * value must be 0 here. Increments the shared counter the racy way (read,
 * then write), so a missing lock loses updates.
 */
static int
exclusive_region(void *arg, int worker, int round)
{
	struct region *r = arg;
	int inside, value;
	long c;

	if (!check_caller(r, worker, round))
		return 1;
	inside = __atomic_add_fetch(&r->inside, 1, __ATOMIC_SEQ_CST);
	note_peak(r, inside);
	if (inside > 1)
		problem(r, "%d workers were inside the critical region at once: "
			   "mutual exclusion is broken (P/V order reversed? P "
			   "before the region, V after it, on a semaphore of "
			   "value 1)", inside);
	value = r->name[0] ? posix_value(r) : semctl(r->semid, r->num, GETVAL);
	if (value == -1)
		problem(r, "a worker could not read the semaphore's value (%s): "
			   "%s must exist while the workers run",
			ipc_errno_name(errno),
			r->name[0] ? "the POSIX name" : "the set");
	else if (value != 0)
		problem(r, "inside the critical region the semaphore's value was "
			   "%d, expected 0 (the lock is taken): P/V order reversed? "
			   "P (subtract 1) comes before the region, V (add 1) after "
			   "it", value);
	c = r->counter;
	r->counter = c + 1;
	__atomic_sub_fetch(&r->inside, 1, __ATOMIC_SEQ_CST);
	if (r->victim[worker] == round)
		raise(SIGKILL); /* dies holding the lock, as a crash would */
	return r->fail_round[worker] == round;
}

/**
 * A region that at most r->limit workers may share. The first limit ones
 * wait inside for each other (on a POSIX semaphore in shared memory, made
 * with sem_init(pshared = 1)), so all limit are inside at once without any
 * sleeping; any extra worker that gets in shows up in the peak.
 */
static int
limited_region(void *arg, int worker, int round)
{
	struct region *r = arg;
	int entry, inside;

	if (!check_caller(r, worker, round))
		return 1;
	entry = __atomic_add_fetch(&r->entries, 1, __ATOMIC_SEQ_CST);
	inside = __atomic_add_fetch(&r->inside, 1, __ATOMIC_SEQ_CST);
	note_peak(r, inside);
	if (inside > r->limit)
		problem(r, "counting semaphore allows K+1: %d workers were inside "
			   "at once with a limit of %d. Initialise the semaphore "
			   "to the limit, not limit + 1",
			inside, r->limit);
	if (entry < r->limit) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 2;
		while (sem_clockwait(&r->barrier, CLOCK_MONOTONIC, &until) == -1) {
			if (errno == EINTR)
				continue;
			problem(r, "only %d of the %d workers allowed were inside "
				   "at once, and the others never came in (waited "
				   "2 s): a counting semaphore of value %d lets "
				   "%d workers in, not fewer",
				__atomic_load_n(&r->peak, __ATOMIC_SEQ_CST),
				r->limit, r->limit, r->limit);
			break;
		}
	} else if (entry == r->limit) {
		for (int i = 1; i < r->limit; i++)
			sem_post(&r->barrier); /* all limit are in: let them go */
	}
	__atomic_sub_fetch(&r->inside, 1, __ATOMIC_SEQ_CST);
	return r->fail_round[worker] == round;
}

/** Fail the test with the first problem a worker recorded, if any. */
static void
require_no_problem(struct region *r)
{
	char copy[sizeof(r->problem)];

	if (r->problems == 0)
		return;
	memcpy(copy, r->problem, sizeof(copy));
	free_region(r);
	REQUIRE(false, "%s", copy);
}

/** Check every worker ran @p rounds rounds, except @p skip (-1: none). */
static void
require_rounds(struct region *r, int skip)
{
	for (int i = 0; i < r->nworkers; i++) {
		int seen = r->seen[i];
		if (i == skip || r->victim[i] >= 0 || r->fail_round[i] >= 0)
			continue;
		if (seen != r->rounds) {
			free_region(r);
			REQUIRE(false, "worker %d ran the critical region %d "
				       "times, expected %d (one call per round)",
				i, seen, r->rounds);
		}
	}
}

/** Fail if a run function returned before reaping all its workers. */
static void
require_workers_reaped(struct region *r, const char *function)
{
	char path[64];
	long child;
	FILE *f;
	bool any;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
		 (long)getpid());
	f = fopen(path, "r");
	any = f != NULL && fscanf(f, "%ld", &child) == 1;
	if (f != NULL)
		fclose(f);
	if (!any)
		return;
	free_region(r);
	REQUIRE(false,
		"%s() returned while worker process %ld was still running or "
		"unreaped (a zombie): waitpid() every worker you forked before "
		"returning", function, child);
}

/* ----------------------------------------------------- step 1: the set */

/** A set made by the student's sema_create(), owned by the test. */
static int
create_set(key_t key, int nsems, int value)
{
	int semid = sema_create(key, nsems, value, 1000);

	implemented(semid, "sema_create", 1);
	REQUIRE(semid >= 0, "sema_create(%s, %d, %d, 1000) returned %d (%s)",
		key == IPC_PRIVATE ? "IPC_PRIVATE" : "key", nsems, value, semid,
		ipc_errno_name(errno));
	own_set(semid);
	return semid;
}

START_TEST(test_create_private_sets_values)
{
	struct semid_ds ds;
	union semun arg = { .buf = &ds };
	int semid = create_set(IPC_PRIVATE, 3, 2);

	REQUIRE(semctl(semid, 0, IPC_STAT, arg) == 0, "semctl(IPC_STAT): %s",
		strerror(errno));
	REQUIRE(ds.sem_nsems == 4,
		"sema_create(IPC_PRIVATE, 3, ...) made a set of %lu semaphores, "
		"expected 4: the 3 asked for and the ready gate after them",
		(unsigned long)ds.sem_nsems);
	for (int i = 0; i < 3; i++)
		REQUIRE(value_of(semid, i) == 2,
			"semaphore %d of a set created with value 2 is %d: the "
			"creator sets every semaphore (SETVAL or SETALL)",
			i, value_of(semid, i));
	REQUIRE(value_of(semid, 3) == 1,
		"the ready gate (the last semaphore) is %d after sema_create(): "
		"the creator opens it (sets it to 1) once the values are set, "
		"or every other process waits for ever",
		value_of(semid, 3));
	REQUIRE((ds.sem_perm.mode & 0777) == 0600,
		"the set's permissions are %03o, expected 0600 (owner only)",
		ds.sem_perm.mode & 0777);
	release_all();
}
END_TEST

START_TEST(test_create_existing_keeps_values)
{
	key_t key = grade_key("sema.key", 'S');
	int first = create_set(key, 1, 1), second;

	REQUIRE(test_semop(first, 0, -1) == 0, "semop: %s", strerror(errno));
	/* The set is in use now (value 0: someone holds the lock). */
	second = sema_create(key, 1, 1, 1000);
	REQUIRE(second == first,
		"sema_create() on a key whose set exists returned %d (%s), "
		"expected the existing set's id %d",
		second, ipc_errno_name(errno), first);
	REQUIRE(value_of(first, 0) == 0,
		"sema_create() on an existing set changed its value from 0 to "
		"%d: it re-initialised a set others may already use (the lock "
		"holder's unit came back). Only the process whose semget("
		"IPC_CREAT | IPC_EXCL) succeeded may initialise it",
		value_of(first, 0));
	release_all();
}
END_TEST

START_TEST(test_create_waits_for_gate)
{
	key_t key = grade_key("sema.key", 'S');
	union semun arg = { .val = 5 };
	uint64_t start;
	int raw, got, err;

	/* A creator that made the set but has not initialised it yet. */
	raw = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
	REQUIRE(raw != -1, "semget: %s", strerror(errno));
	own_set(raw);
	start = ipc_now_ns();
	got = sema_create(key, 1, 1, 50);
	err = errno;
	implemented(got, "sema_create", 1);
	REQUIRE(value_of(raw, 0) == 0,
		"sema_create() initialised a set it did not create (value now "
		"%d): initialising after others may already use the set is the "
		"race; only the creator (IPC_CREAT | IPC_EXCL) sets values",
		value_of(raw, 0));
	REQUIRE(got == -1 && err == EAGAIN,
		"sema_create() returned %d (%s) for a set whose creator has not "
		"initialised it yet (its ready gate is closed): a process that "
		"did not create the set must wait at the gate (semaphore nsems) "
		"before using it, and give up with EAGAIN after the timeout",
		got, got == -1 ? ipc_errno_name(err) : "a set id");
	REQUIRE(ms_since(start) >= 40,
		"sema_create(..., 50) gave up after %ld ms: wait at the gate "
		"for the whole timeout (semtimedop)", ms_since(start));
	/* Now the creator finishes: values first, then the gate. */
	REQUIRE(semctl(raw, 0, SETVAL, arg) == 0, "semctl: %s", strerror(errno));
	REQUIRE(test_semop(raw, 1, +1) == 0, "semop: %s", strerror(errno));
	got = sema_create(key, 1, 1, 1000);
	REQUIRE(got == raw,
		"once the gate is open, sema_create() returned %d (%s), "
		"expected the set's id %d", got, ipc_errno_name(errno), raw);
	REQUIRE(value_of(raw, 0) == 5 && value_of(raw, 1) == 1,
		"opening an initialised set changed it (values %d and gate %d, "
		"expected 5 and 1): pass the gate with one semop of -1 and +1",
		value_of(raw, 0), value_of(raw, 1));
	release_all();
}
END_TEST

START_TEST(test_create_rejects_bad_arguments)
{
	int got;

	errno = 0;
	got = sema_create(IPC_PRIVATE, 0, 1, 0);
	implemented(got, "sema_create", 1);
	own_set(got);
	REQUIRE(got == -1 && errno == EINVAL,
		"sema_create(IPC_PRIVATE, 0 semaphores, ...) returned %d (%s), "
		"expected -1 with EINVAL", got, ipc_errno_name(errno));
	errno = 0;
	got = sema_create(IPC_PRIVATE, 1, 40000, 0);
	own_set(got);
	REQUIRE(got == -1 && (errno == EINVAL || errno == ERANGE),
		"sema_create(..., value 40000) returned %d (%s), expected -1 "
		"with EINVAL: a semaphore holds at most 32767",
		got, ipc_errno_name(errno));
	release_all();
}
END_TEST

START_TEST(test_remove_deletes_set)
{
	struct semid_ds ds;
	union semun arg = { .buf = &ds };
	int semid = create_set(IPC_PRIVATE, 1, 1), rc;

	rc = sema_remove(semid);
	implemented(rc, "sema_remove", 1);
	REQUIRE(rc == 0, "sema_remove() returned %d (%s)", rc,
		ipc_errno_name(errno));
	REQUIRE(semctl(semid, 0, IPC_STAT, arg) == -1,
		"the set still exists after sema_remove(): use "
		"semctl(semid, 0, IPC_RMID)");
	n_owned_sets = 0;
	errno = 0;
	rc = sema_remove(semid);
	REQUIRE(rc == -1 && (errno == EINVAL || errno == EIDRM),
		"sema_remove() of a removed set returned %d (%s), expected -1 "
		"with EINVAL", rc, ipc_errno_name(errno));
}
END_TEST

START_TEST(test_p_v_change_value)
{
	int semid = create_set(IPC_PRIVATE, 2, 2), rc;

	rc = sema_p(semid, 0);
	implemented(rc, "sema_p", 1);
	REQUIRE(rc == 0, "sema_p() returned %d (%s)", rc, ipc_errno_name(errno));
	REQUIRE(value_of(semid, 0) == 1,
		"after one P on a semaphore of 2 its value is %d, expected 1: "
		"P subtracts 1 (sem_op = -1); P/V order reversed?",
		value_of(semid, 0));
	REQUIRE(sema_p(semid, 0) == 0 && value_of(semid, 0) == 0,
		"a second P left the value at %d, expected 0", value_of(semid, 0));
	rc = sema_v(semid, 0);
	implemented(rc, "sema_v", 1);
	REQUIRE(rc == 0 && value_of(semid, 0) == 1,
		"sema_v() returned %d and left the value at %d, expected 1: V "
		"adds 1 (sem_op = +1)", rc, value_of(semid, 0));
	REQUIRE(value_of(semid, 1) == 2,
		"P and V on semaphore 0 changed semaphore 1 (now %d): use "
		"sem_num", value_of(semid, 1));
	rc = sema_value(semid, 0);
	implemented(rc, "sema_value", 1);
	REQUIRE(rc == 1, "sema_value() returned %d, the value is 1", rc);
	release_all();
}
END_TEST

START_TEST(test_p_timed_gives_up_with_eagain)
{
	int semid = create_set(IPC_PRIVATE, 1, 0), rc, err;
	uint64_t start = ipc_now_ns();
	long took;

	rc = sema_p_timed(semid, 0, 50);
	err = errno;
	took = ms_since(start);
	implemented(rc, "sema_p_timed", 1);
	REQUIRE(rc == -1 && err == EAGAIN,
		"sema_p_timed() on a semaphore of 0 returned %d (%s), expected "
		"-1 with EAGAIN when the time runs out", rc, ipc_errno_name(err));
	REQUIRE(took >= 40,
		"sema_p_timed(..., 50 ms) gave up after %ld ms: it must wait "
		"for the timeout (semtimedop), not fail at once (IPC_NOWAIT)",
		took);
	REQUIRE(took < 2000, "sema_p_timed(..., 50 ms) took %ld ms", took);
	REQUIRE(value_of(semid, 0) == 0,
		"a timed P that gave up changed the value to %d",
		value_of(semid, 0));
	release_all();
}
END_TEST

START_TEST(test_p_timed_takes_free_unit)
{
	int semid = create_set(IPC_PRIVATE, 1, 1), rc;

	rc = sema_p_timed(semid, 0, 2000);
	implemented(rc, "sema_p_timed", 1);
	REQUIRE(rc == 0 && value_of(semid, 0) == 0,
		"sema_p_timed() on a semaphore of 1 returned %d (%s) and left "
		"the value at %d, expected 0 and 0", rc, ipc_errno_name(errno),
		value_of(semid, 0));
	release_all();
}
END_TEST

/** Helper: V the set in @p arg (an int *), so a blocked P wakes. */
static int
post_once(void *arg)
{
	return test_semop(*(int *)arg, 0, +1) == 0 ? 0 : 1;
}

START_TEST(test_p_timed_wakes_on_v)
{
	int semid = create_set(IPC_PRIVATE, 1, 0), rc;
	pid_t helper;

	helper = grade_spawn(post_once, &semid);
	rc = sema_p_timed(semid, 0, 3000);
	implemented(rc, "sema_p_timed", 1);
	grade_join(helper, 3000);
	REQUIRE(rc == 0,
		"sema_p_timed() returned %d (%s) although another process did a "
		"V: the wait must end when a unit comes", rc,
		ipc_errno_name(errno));
	REQUIRE(value_of(semid, 0) == 0, "the value is %d after the P, "
		"expected 0", value_of(semid, 0));
	release_all();
}
END_TEST

/** Helper: P (and V if asked) with the student's code, then exit. */
struct pv_job {
	int semid;
	bool also_v;
};

static int
p_then_exit(void *arg)
{
	struct pv_job *job = arg;

	if (sema_p(job->semid, 0) == -1)
		return 1;
	if (job->also_v && sema_v(job->semid, 0) == -1)
		return 2;
	return 0; /* exits holding the unit unless also_v */
}

/** Run p_then_exit in a helper and return the semaphore's value after. */
static int
value_after_helper(int semid, bool also_v)
{
	struct pv_job job = { semid, also_v };
	int status = grade_join(grade_spawn(p_then_exit, &job), 3000);

	REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"a process calling sema_p()%s failed (exit status %d)",
		also_v ? " and sema_v()" : "", WEXITSTATUS(status));
	return value_of(semid, 0);
}

START_TEST(test_p_undo_on_exit)
{
	int semid = create_set(IPC_PRIVATE, 1, 1), value;

	implemented(sema_p(semid, 0), "sema_p", 1);
	REQUIRE(sema_v(semid, 0) == 0, "sema_v: %s", ipc_errno_name(errno));
	value = value_after_helper(semid, false);
	REQUIRE(value == 1,
		"a process took the semaphore with sema_p() and exited without "
		"V; the value stayed %d instead of going back to 1: use SEM_UNDO "
		"(no SEM_UNDO means a dead holder keeps the lock for ever)",
		value);
	release_all();
}
END_TEST

START_TEST(test_v_undo_balances_p)
{
	int semid = create_set(IPC_PRIVATE, 1, 1), value;

	implemented(sema_p(semid, 0), "sema_p", 1);
	REQUIRE(sema_v(semid, 0) == 0, "sema_v: %s", ipc_errno_name(errno));
	value = value_after_helper(semid, true);
	REQUIRE(value == 1,
		"after a process did P then V and exited, the value is %d, "
		"expected 1: V needs SEM_UNDO too, or the kernel undoes the P "
		"at exit and adds a unit nobody took",
		value);
	release_all();
}
END_TEST

START_TEST(test_p_v_retry_eintr)
{
	int semid = create_set(IPC_PRIVATE, 1, 1), rc;

	injecting_eintr = true;
	semop_calls = 0;
	rc = sema_p(semid, 0);
	injecting_eintr = false;
	implemented(rc, "sema_p", 1);
	REQUIRE(rc == 0 && value_of(semid, 0) == 0,
		"sema_p() returned %d (%s) when a signal interrupted its wait: "
		"semop fails with EINTR and is never restarted automatically; "
		"retry it", rc, ipc_errno_name(errno));
	injecting_eintr = true;
	semop_calls = 0;
	rc = sema_v(semid, 0);
	injecting_eintr = false;
	REQUIRE(rc == 0 && value_of(semid, 0) == 1,
		"sema_v() returned %d (%s) after EINTR: retry it", rc,
		ipc_errno_name(errno));
	injecting_eintr = true;
	semop_calls = 0;
	rc = sema_p_timed(semid, 0, 2000);
	injecting_eintr = false;
	REQUIRE(rc == 0 && value_of(semid, 0) == 0,
		"sema_p_timed() returned %d (%s) after EINTR: retry with the "
		"time that is left", rc, ipc_errno_name(errno));
	release_all();
}
END_TEST

START_TEST(test_p_timed_rejects_negative_timeout)
{
	int semid = create_set(IPC_PRIVATE, 1, 1), rc, err, value;

	errno = 0;
	rc = sema_p_timed(semid, 0, -1);
	err = errno;
	value = value_of(semid, 0);
	errno = err;
	implemented(rc, "sema_p_timed", 1);
	REQUIRE(rc == -1 && err == EINVAL && value == 1,
		"sema_p_timed(..., -1 ms) returned %d (%s) and left the value at "
		"%d; expected -1 with EINVAL and 1: a negative timeout is an "
		"error, not \"wait for ever\"",
		rc, ipc_errno_name(err), value);
	release_all();
}
END_TEST

START_TEST(test_p_timed_gives_up_in_time)
{
	int semid = create_set(IPC_PRIVATE, 1, 0), rc, err;
	const char *scale = getenv("CK_TIMEOUT_MULTIPLIER");
	long slack = (long)(600 * (scale && atof(scale) > 1 ? atof(scale) : 1));
	uint64_t start = ipc_now_ns();
	long took;

	/* 999 ms from now: tv_nsec passes 10^9 unless now is in the first
	 * millisecond of a second. */
	rc = sema_p_timed(semid, 0, 999);
	err = errno;
	took = ms_since(start);
	implemented(rc, "sema_p_timed", 1);
	REQUIRE(rc == -1 && err == EAGAIN,
		"sema_p_timed() on a semaphore of 0 returned %d (%s), expected "
		"-1 with EAGAIN", rc, ipc_errno_name(err));
	REQUIRE(took >= 900 && took < 999 + slack,
		"sema_p_timed(..., 999 ms) gave up after %ld ms: when you add "
		"milliseconds to a struct timespec, carry into tv_sec when "
		"tv_nsec reaches 1000000000, and take 1000000000 off tv_nsec",
		took);
	release_all();
}
END_TEST

/** A fresh key for each try (a set left by a failed try stays apart). */
static key_t
try_key(int try)
{
	char name[32];

	snprintf(name, sizeof(name), "key-%d", try);
	return grade_key(name, 'f');
}

START_TEST(test_create_cleans_up_when_calls_fail)
{
	static const struct {
		const char *function;
		int err;
	} cases[] = { { "semget", ENOSPC }, { "calloc", ENOMEM },
		      { "semctl", ERANGE }, { "semop", EFBIG } };
	int try = 0;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		bool failed = true;
		/* Each call of that function in turn fails, until the
		 * creation makes fewer calls than that. */
		for (unsigned k = 1; k <= 4 && failed; k++) {
			key_t key = try_key(++try);
			int semid, left;
			grade_fail_nth(cases[c].function, k, cases[c].err);
			semid = sema_create(key, 2, 1, 200);
			failed = grade_expect_clean_failure(semid, cases[c].err,
							    "sema_create()");
			implemented(semid, "sema_create", 1);
			own_set(semid);
			left = semget(key, 0, 0);
			own_set(left);
			REQUIRE(!failed || left == -1,
				"when the %u%s %s() call failed (%s), "
				"sema_create() returned -1 but left the set it "
				"had created: remove it (IPC_RMID) when its "
				"initialisation fails",
				k, k == 1 ? "st" : k == 2 ? "nd" : "th",
				cases[c].function, ipc_errno_name(cases[c].err));
			REQUIRE(failed || semid >= 0,
				"sema_create() returned %d (%s)", semid,
				ipc_errno_name(errno));
			release_all();
		}
	}
}
END_TEST

START_TEST(test_create_frees_its_buffer)
{
	long semmsl = 250;
	FILE *f = fopen("/proc/sys/kernel/sem", "r");
	size_t heap;
	int nsems;

	if (f != NULL) {
		if (fscanf(f, "%ld", &semmsl) != 1)
			semmsl = 250;
		fclose(f);
	}
	nsems = (int)(semmsl - 1 < 8000 ? semmsl - 1 : 8000);
	heap = grade_heap_in_use();
	for (int i = 0; i < 10; i++)
		semctl(create_set(IPC_PRIVATE, nsems, 1), 0, IPC_RMID);
	n_owned_sets = 0;
	REQUIRE(grade_heap_in_use() <= heap + 16 * 1024,
		"after 10 sets of %d semaphores were created, %zu more bytes of "
		"heap were in use than before: free the array of values once "
		"SETALL has used it",
		nsems, grade_heap_in_use() - heap);
}
END_TEST

START_TEST(test_demo_timed_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "timed", "20", NULL },
				     NULL, 0);
}
END_TEST

/* ----------------------------------------------- step 2: mutual exclusion */

/** Run the student's workers on a mutex made by the test. */
static int
run_mutex(struct region *r, int *semid_out)
{
	int semid = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600), n;
	union semun arg = { .val = 1 };

	REQUIRE(semid != -1, "semget: %s", strerror(errno));
	own_set(semid);
	REQUIRE(semctl(semid, 0, SETVAL, arg) == 0, "semctl: %s", strerror(errno));
	r->semid = semid;
	n = GRADE_CALL(sema_run_workers(semid, 0, r->nworkers, r->rounds,
					exclusive_region, r));
	if (n == -1 && errno == ENOSYS)
		free_region(r);
	implemented(n, "sema_run_workers", 2);
	require_workers_reaped(r, "sema_run_workers");
	*semid_out = semid;
	return n;
}

START_TEST(test_run_workers_mutual_exclusion)
{
	struct region *r = new_region(3, 200);
	int semid, n = run_mutex(r, &semid);

	require_no_problem(r);
	REQUIRE(n == 3, "sema_run_workers() returned %d (%s), expected 3 "
		"(every worker finished)", n, ipc_errno_name(errno));
	require_rounds(r, -1);
	free_region(r);
	release_all();
}
END_TEST

START_TEST(test_run_workers_counter_exact)
{
	struct region *r = new_region(4, 1000);
	int semid, n = run_mutex(r, &semid), value;
	long counter = r->counter;

	require_no_problem(r);
	REQUIRE(n == 4, "sema_run_workers() returned %d (%s), expected 4", n,
		ipc_errno_name(errno));
	value = value_of(semid, 0);
	free_region(r);
	REQUIRE(counter == 4000,
		"4 workers x 1000 increments gave %ld, expected 4000: every "
		"increment must happen between P and V", counter);
	REQUIRE(value == 1,
		"after the workers finished the lock's value is %d, expected 1: "
		"one V for every P", value);
	release_all();
}
END_TEST

START_TEST(test_run_workers_counts_failures)
{
	struct region *r = new_region(3, 5);
	int semid, n, value;

	r->fail_round[1] = 2;
	n = run_mutex(r, &semid);
	require_no_problem(r);
	value = value_of(semid, 0);
	REQUIRE(n == 2,
		"worker 1's critical() failed in round 2; sema_run_workers() "
		"returned %d, expected 2 (the workers that finished every round)",
		n);
	REQUIRE(r->seen[1] == 3,
		"worker 1 ran %d rounds after critical() failed in round 2; "
		"expected it to stop after that round (3 rounds)", r->seen[1]);
	require_rounds(r, 1);
	free_region(r);
	REQUIRE(value == 1,
		"the lock's value is %d after a worker stopped, expected 1: do "
		"the V before stopping", value);
	release_all();
}
END_TEST

/** A critical region that does nothing (the argument checks). */
static int
no_region(void *arg, int worker, int round)
{
	(void)arg, (void)worker, (void)round;
	return 0;
}

START_TEST(test_run_workers_rejects_bad_arguments)
{
	int semid = create_set(IPC_PRIVATE, 1, 1), n;

	errno = 0;
	n = GRADE_CALL(sema_run_workers(semid, 0, 0, 1, no_region, NULL));
	implemented(n, "sema_run_workers", 2);
	REQUIRE(n == -1 && errno == EINVAL,
		"sema_run_workers() with 0 workers returned %d (%s), expected -1 "
		"with EINVAL", n, ipc_errno_name(errno));
	errno = 0;
	n = GRADE_CALL(sema_run_workers(semid, 0, 2, -1, no_region, NULL));
	REQUIRE(n == -1 && errno == EINVAL,
		"sema_run_workers() with -1 rounds returned %d (%s), expected -1 "
		"with EINVAL", n, ipc_errno_name(errno));
	errno = 0;
	n = GRADE_CALL(sema_run_workers(semid, 0, 2, 1, NULL, NULL));
	REQUIRE(n == -1 && errno == EINVAL,
		"sema_run_workers() with no critical function returned %d (%s), "
		"expected -1 with EINVAL", n, ipc_errno_name(errno));
	release_all();
}
END_TEST

START_TEST(test_run_workers_stops_when_fork_fails)
{
	struct region *r = new_region(3, 2);
	int semid = create_set(IPC_PRIVATE, 1, 1), n, err, ran;

	r->semid = semid;
	/* The second fork() fails; then the first waitpid() is interrupted
	 * by a signal (EINTR), which is no reason to stop waiting. */
	grade_fail_nth("fork", 2, EAGAIN);
	grade_fail_nth("waitpid", 1, EINTR);
	n = GRADE_CALL(sema_run_workers(semid, 0, 3, 2, exclusive_region, r));
	err = errno;
	grade_fail_clear();
	errno = err;
	if (n == -1 && err == ENOSYS)
		free_region(r);
	implemented(n, "sema_run_workers", 2);
	require_workers_reaped(r, "sema_run_workers");
	ran = r->seen[0] + r->seen[1] + r->seen[2];
	free_region(r);
	REQUIRE(n == -1 && err == EAGAIN,
		"the second fork() failed (EAGAIN), and sema_run_workers() "
		"returned %d (%s); expected -1 with EAGAIN, fork()'s errno, "
		"after waiting for the worker already started",
		n, ipc_errno_name(err));
	REQUIRE(ran == 2,
		"after the second fork() failed, %d rounds ran in all; expected "
		"2 (the first worker's): stop forking at the first failure",
		ran);
	release_all();
}
END_TEST

START_TEST(test_run_workers_frees_its_buffer)
{
	int semid = create_set(IPC_PRIVATE, 1, 1), n;
	size_t heap = grade_heap_in_use();

	/* Room for 8000 pids, and no fork() works. */
	for (int i = 0; i < 10; i++) {
		grade_fail_nth("fork", 1, EAGAIN);
		n = GRADE_CALL(sema_run_workers(semid, 0, 8000, 1, no_region,
						NULL));
		grade_fail_clear();
		implemented(n, "sema_run_workers", 2);
		REQUIRE(n == -1 && errno == EAGAIN,
			"when fork() failed at once, sema_run_workers() returned "
			"%d (%s), expected -1 with EAGAIN",
			n, ipc_errno_name(errno));
	}
	REQUIRE(grade_heap_in_use() <= heap + 16 * 1024,
		"after 10 calls of sema_run_workers() for 8000 workers, %zu more "
		"bytes of heap were in use than before: free the array of pids "
		"on every path",
		grade_heap_in_use() - heap);
	release_all();
}
END_TEST

START_TEST(test_demo_count_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "count", "3", "1000", NULL },
				     NULL, 0);
}
END_TEST

/* ---------------------------------------------- step 3: counting semaphore */

/** Run the student's sema_run_limited() and judge the peak. */
static void
check_limited(int nworkers, int limit)
{
	struct region *r = new_region(nworkers, 1);
	int n, peak;

	r->key = grade_key("sema.key", 'S');
	r->limit = limit;
	watching_rmid = true;
	n = GRADE_CALL(sema_run_limited(r->key, nworkers, limit,
					limited_region, r));
	watching_rmid = false;
	if (n == -1 && errno == ENOSYS)
		free_region(r);
	implemented(n, "sema_run_limited", 3);
	require_workers_reaped(r, "sema_run_limited");
	require_no_problem(r);
	peak = r->peak;
	REQUIRE(n == nworkers, "sema_run_limited() returned %d (%s), expected "
		"%d", n, ipc_errno_name(errno), nworkers);
	require_rounds(r, -1);
	free_region(r);
	REQUIRE(peak <= limit,
		"counting semaphore allows K+1: %d workers were inside at once "
		"with a limit of %d", peak, limit);
	REQUIRE(value_at_rmid != -1,
		"sema_run_limited() did not remove its semaphore set: call "
		"semctl(semid, 0, IPC_RMID) before returning, on every path");
	REQUIRE(value_at_rmid <= limit,
		"counting semaphore allows K+1: when your code removed the set, "
		"every worker was done and its value was %d, not the limit %d, "
		"so %d workers could have been inside at once. Initialise it "
		"to the limit", value_at_rmid, limit, value_at_rmid);
	REQUIRE(value_at_rmid == limit,
		"when your code removed the set, every worker was done and its "
		"value was %d, not the limit %d: initialise it to the limit, "
		"and do one V for every P", value_at_rmid, limit);
	REQUIRE(peak == limit,
		"at most %d workers were inside at once, but %d may be: "
		"initialise the semaphore to the limit", peak, limit);
}

START_TEST(test_limited_peak_equals_limit)
{
	check_limited(5, 3); /* the course's example */
}
END_TEST

START_TEST(test_limited_limit_one_is_mutex)
{
	check_limited(3, 1);
}
END_TEST

START_TEST(test_limited_all_in_when_limit_is_workers)
{
	check_limited(4, 4);
}
END_TEST

START_TEST(test_limited_removes_set)
{
	struct region *r = new_region(3, 1);
	int n, left;

	r->key = grade_key("sema.key", 'S');
	r->limit = 2;
	r->fail_round[0] = 0; /* a failing worker must not change that */
	n = GRADE_CALL(sema_run_limited(r->key, 3, 2, limited_region, r));
	if (n == -1 && errno == ENOSYS)
		free_region(r);
	implemented(n, "sema_run_limited", 3);
	require_workers_reaped(r, "sema_run_limited");
	require_no_problem(r);
	free_region(r);
	REQUIRE(n == 2, "sema_run_limited() with one failing worker returned "
		"%d (%s), expected 2", n, ipc_errno_name(errno));
	left = semget(grade_key("sema.key", 'S'), 0, 0);
	/* Not removed by the test: the sandbox reports it too. */
	ck_assert_msg(left == -1 && errno == ENOENT,
		      "sema_run_limited() left its semaphore set behind (id %d): "
		      "remove it with semctl(semid, 0, IPC_RMID) before "
		      "returning, on every path", left);
}
END_TEST

START_TEST(test_limited_rejects_bad_limit)
{
	int n;

	errno = 0;
	n = GRADE_CALL(sema_run_limited(grade_key("key", 'l'), 2, 0, no_region,
					NULL));
	implemented(n, "sema_run_limited", 3);
	REQUIRE(n == -1 && errno == EINVAL,
		"sema_run_limited() with a limit of 0 returned %d (%s), expected "
		"-1 with EINVAL: nobody could ever get in", n,
		ipc_errno_name(errno));
}
END_TEST

START_TEST(test_limited_cleans_up_when_semctl_fails)
{
	key_t key = grade_key("key", 'l');
	unsigned calls;
	int n;

	/* How many semctl() calls a working run makes (none fails). */
	grade_fail_nth("semctl", 1000, EINVAL);
	n = GRADE_CALL(sema_run_limited(key, 2, 1, no_region, NULL));
	calls = grade_fail_calls("semctl");
	grade_fail_clear();
	implemented(n, "sema_run_limited", 3);
	REQUIRE(n == 2, "sema_run_limited(2 workers) returned %d (%s)", n,
		ipc_errno_name(errno));
	/* Each of them in turn fails: the last one removes the set. */
	for (unsigned k = 1; k <= calls; k++) {
		int left;
		grade_fail_nth("semctl", k, EPERM);
		n = GRADE_CALL(sema_run_limited(key, 2, 1, no_region, NULL));
		if (!grade_expect_clean_failure(n, EPERM, "sema_run_limited()"))
			REQUIRE(false, "sema_run_limited() made fewer semctl() "
				"calls than the run before");
		left = semget(key, 0, 0);
		if (left != -1)
			semctl(left, 0, IPC_RMID); /* a removal that failed */
	}
}
END_TEST

START_TEST(test_demo_limit_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "limit", "5", "3", NULL },
				     NULL, 0);
}
END_TEST

/* --------------------------------------------------- step 4: crash safety */

/** The helper that runs the workers, so the test can time it out. */
static int
crash_helper(void *arg)
{
	struct region *r = arg;
	pid_t me = getpid();

	setpgid(0, 0); /* its own group: the test can stop it with its workers */
	r->result = sema_run_workers(r->semid, 0, r->nworkers, r->rounds,
				     exclusive_region, r);
	r->result_errno = errno;
	if (getpid() != me) {
		problem(r, "a worker returned from sema_run_workers() instead "
			   "of ending with _exit()");
		return 3;
	}
	return 0;
}

/** Run the workers with some of them killed inside; no deadlock allowed. */
static void
check_crash(struct region *r, int expect_finished, long expect_counter)
{
	int semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), status, value;
	int result, err, killed, nworkers;
	union semun arg = { .val = 1 };
	pid_t helper;
	long counter;

	REQUIRE(semid != -1, "semget: %s", strerror(errno));
	own_set(semid);
	REQUIRE(semctl(semid, 0, SETVAL, arg) == 0, "semctl: %s", strerror(errno));
	r->semid = semid;
	helper = grade_spawn(crash_helper, r);
	if (ipc_waitpid_timeout(helper, &status, 3000) == -1) {
		kill(-helper, SIGKILL); /* the helper and its blocked workers */
		kill(helper, SIGKILL);
		ipc_waitpid(helper, NULL);
		free_region(r);
		REQUIRE(false,
			"deadlock: a worker was killed (SIGKILL) while holding "
			"the lock, and 3 s later the others were still blocked in "
			"P. Without SEM_UNDO the dead holder's unit is never "
			"given back; with SEM_UNDO the kernel returns it when "
			"the process dies");
	}
	result = r->result;
	err = r->result_errno;
	if (result == -1 && err == ENOSYS)
		free_region(r);
	errno = err;
	implemented(result, "sema_run_workers", 2);
	require_no_problem(r);
	value = value_of(semid, 0);
	counter = r->counter;
	killed = r->nworkers - expect_finished;
	nworkers = r->nworkers;
	require_rounds(r, -1);
	free_region(r);
	REQUIRE(result == expect_finished,
		"with %d of %d workers killed, sema_run_workers() returned %d "
		"(%s), expected %d: count the workers that exited with status "
		"0, and wait for the killed ones too",
		killed, nworkers, result, ipc_errno_name(err), expect_finished);
	REQUIRE(counter == expect_counter,
		"the counter is %ld, expected %ld", counter, expect_counter);
	REQUIRE(value == 1,
		"after the run the lock's value is %d, expected 1: the kernel "
		"gives a dead holder's unit back only with SEM_UNDO",
		value);
	release_all();
}

START_TEST(test_crash_holder_does_not_deadlock)
{
	struct region *r = new_region(3, 50);

	r->victim[0] = 5; /* dies inside its sixth round */
	check_crash(r, 2, 2 * 50 + 6);
}
END_TEST

START_TEST(test_crash_several_holders)
{
	struct region *r = new_region(4, 30);

	r->victim[1] = 0;
	r->victim[3] = 10;
	check_crash(r, 2, 2 * 30 + 1 + 11);
}
END_TEST

START_TEST(test_demo_crash_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "crash", "3", "500", NULL },
				     NULL, 0);
}
END_TEST

/* ------------------------------------------ step 5: POSIX named semaphore */

/** Run sema_named_run() on this test's name. */
static int
run_named(struct region *r)
{
	int n;

	snprintf(r->name, sizeof(r->name), "%s", test_name());
	n = GRADE_CALL(sema_named_run(r->name, r->nworkers, r->rounds,
				      exclusive_region, r));
	if (n == -1 && errno == ENOSYS)
		free_region(r);
	implemented(n, "sema_named_run", 5);
	require_workers_reaped(r, "sema_named_run");
	return n;
}

START_TEST(test_named_mutual_exclusion)
{
	struct region *r = new_region(3, 100);
	int n = run_named(r);

	require_no_problem(r);
	REQUIRE(n == 3, "sema_named_run() returned %d (%s), expected 3", n,
		ipc_errno_name(errno));
	require_rounds(r, -1);
	free_region(r);
	release_all();
}
END_TEST

START_TEST(test_named_counter_exact)
{
	struct region *r = new_region(4, 500);
	int n = run_named(r);
	long counter = r->counter;

	require_no_problem(r);
	free_region(r);
	REQUIRE(n == 4, "sema_named_run() returned %d (%s), expected 4", n,
		ipc_errno_name(errno));
	REQUIRE(counter == 2000,
		"4 workers x 500 increments gave %ld, expected 2000", counter);
	release_all();
}
END_TEST

START_TEST(test_named_unlinks_name)
{
	struct region *r = new_region(2, 3);
	int n = run_named(r);
	sem_t *left;

	require_no_problem(r);
	free_region(r);
	REQUIRE(n == 2, "sema_named_run() returned %d (%s), expected 2", n,
		ipc_errno_name(errno));
	left = sem_open(owned_name, 0);
	if (left != SEM_FAILED)
		sem_close(left);
	owned_name[0] = '\0'; /* not removed by the test: the sandbox reports it */
	ck_assert_msg(left == SEM_FAILED && errno == ENOENT,
		      "the name %s still exists after sema_named_run() returned: "
		      "remove it with sem_unlink(), or it stays in /dev/shm "
		      "until reboot", test_name());
}
END_TEST

START_TEST(test_named_refuses_existing_name)
{
	struct region *r = new_region(2, 1);
	sem_t *old = sem_open(test_name(), O_CREAT | O_EXCL, 0600, 1);
	int n, err, value = -1;

	REQUIRE(old != SEM_FAILED, "sem_open: %s", strerror(errno));
	snprintf(r->name, sizeof(r->name), "%s", owned_name);
	n = GRADE_CALL(sema_named_run(r->name, 2, 1, exclusive_region, r));
	err = errno;
	sem_getvalue(old, &value);
	sem_close(old);
	free_region(r);
	if (n == -1 && err == ENOSYS) {
		errno = err;
		implemented(n, "sema_named_run", 5);
	}
	REQUIRE(n == -1 && err == EEXIST,
		"sema_named_run() on a name that already exists returned %d "
		"(%s), expected -1 with EEXIST: create with O_CREAT | O_EXCL. "
		"Without O_EXCL, sem_open() opens the old semaphore and ignores "
		"your value: one left at 0 by a crashed run makes every worker "
		"wait for ever", n, n == -1 ? ipc_errno_name(err) : "a count");
	REQUIRE(value == 1, "the existing semaphore's value changed to %d",
		value);
	release_all();
}
END_TEST

START_TEST(test_named_rejects_bad_arguments)
{
	int n;

	errno = 0;
	n = GRADE_CALL(sema_named_run(test_name(), 0, 1, no_region, NULL));
	implemented(n, "sema_named_run", 5);
	REQUIRE(n == -1 && errno == EINVAL,
		"sema_named_run() with 0 workers returned %d (%s), expected -1 "
		"with EINVAL", n, ipc_errno_name(errno));
	errno = 0;
	n = GRADE_CALL(sema_named_run(test_name(), 1, 1, NULL, NULL));
	REQUIRE(n == -1 && errno == EINVAL,
		"sema_named_run() with no critical function returned %d (%s), "
		"expected -1 with EINVAL", n, ipc_errno_name(errno));
	release_all();
}
END_TEST

START_TEST(test_named_retries_interrupted_sem_wait)
{
	struct region *r = new_region(2, 3);
	int n;

	/* In every worker, the first sem_wait() is interrupted (EINTR). */
	grade_fail_nth("sem_wait", 1, EINTR);
	n = run_named(r);
	grade_fail_clear();
	require_no_problem(r);
	free_region(r);
	REQUIRE(n == 2,
		"when a worker's sem_wait() was interrupted by a signal (EINTR), "
		"sema_named_run() returned %d (%s); expected 2: EINTR means the "
		"wait was cut short, not that the lock was taken or broken; "
		"call sem_wait() again",
		n, ipc_errno_name(errno));
	release_all();
}
END_TEST

/** How many named POSIX semaphores this process has mapped (glibc maps
 *  each from /dev/shm, under a temporary name: count them all). */
static int
sem_mappings(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, "/sem.") != NULL;
	if (f != NULL)
		fclose(f);
	return n;
}

START_TEST(test_named_closes_the_semaphore)
{
	struct region *r = new_region(2, 2);
	int before = sem_mappings(), n = run_named(r), after = sem_mappings();

	require_no_problem(r);
	free_region(r);
	REQUIRE(n == 2, "sema_named_run() returned %d (%s), expected 2", n,
		ipc_errno_name(errno));
	REQUIRE(after == before,
		"the semaphore is still mapped in the caller after "
		"sema_named_run() returned: sem_close() it (sem_unlink() removes "
		"the name, not your process's mapping of it)");
	release_all();
}
END_TEST

START_TEST(test_named_reports_a_failed_unlink)
{
	struct region *r = new_region(1, 1);
	int n, err;

	snprintf(r->name, sizeof(r->name), "%s", test_name());
	grade_fail_nth("sem_unlink", 1, EACCES);
	n = GRADE_CALL(sema_named_run(r->name, 1, 1, exclusive_region, r));
	err = errno;
	grade_fail_clear();
	errno = err;
	if (n == -1 && err == ENOSYS)
		free_region(r);
	implemented(n, "sema_named_run", 5);
	require_workers_reaped(r, "sema_named_run");
	free_region(r);
	REQUIRE(n == -1 && err == EACCES,
		"removing the name failed (sem_unlink: EACCES), and "
		"sema_named_run() returned %d (%s); expected -1 with EACCES: a "
		"name that outlives the call is an error to report",
		n, ipc_errno_name(err));
	release_all();
}
END_TEST

START_TEST(test_demo_named_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "named", "3", "1000", NULL },
				     NULL, 0);
}
END_TEST

/* ------------------------------------------------------------- the table */

static const struct grade_test tests[] = {
	{ GRADE_REF(test_create_private_sets_values), 1, 2, 0, NULL },
	{ GRADE_REF(test_create_existing_keeps_values), 1, 2, 0,
	  "sema_create() on an existing set hangs: open it with semget() "
	  "without IPC_EXCL and pass the gate (it is open)" },
	{ GRADE_REF(test_create_waits_for_gate), 1, 3, 0,
	  "sema_create() waited past its timeout at a closed gate: use "
	  "semtimedop() with the timeout" },
	{ GRADE_REF(test_create_rejects_bad_arguments), 1, 1, 0, NULL },
	{ GRADE_REF(test_remove_deletes_set), 1, 1, 0, NULL },
	{ GRADE_REF(test_p_v_change_value), 1, 2, 0,
	  "a P blocked on a semaphore that was not 0: P/V order reversed, "
	  "or the wrong semaphore number?" },
	{ GRADE_REF(test_p_timed_gives_up_with_eagain), 1, 2, 0,
	  "sema_p_timed() never gave up: use semtimedop() with a timeout, "
	  "and count the time already waited after EINTR" },
	{ GRADE_REF(test_p_timed_takes_free_unit), 1, 1, 0, NULL },
	{ GRADE_REF(test_p_timed_wakes_on_v), 1, 1, 0, NULL },
	{ GRADE_REF(test_p_undo_on_exit), 1, 2, 0, NULL },
	{ GRADE_REF(test_v_undo_balances_p), 1, 1, 0, NULL },
	{ GRADE_REF(test_p_v_retry_eintr), 1, 1, 0, NULL },
	{ GRADE_REF(test_p_timed_rejects_negative_timeout), 1, 1, 2,
	  "sema_p_timed() with a negative timeout waited: refuse it (EINVAL)" },
	{ GRADE_REF(test_p_timed_gives_up_in_time), 1, 1, 0, NULL },
	{ GRADE_REF(test_create_cleans_up_when_calls_fail), 1, 2, 0, NULL },
	{ GRADE_REF(test_create_frees_its_buffer), 1, 1, 0, NULL },
	{ GRADE_REF(test_demo_timed_matches_reference), 1, 1, 12, NULL },
	{ GRADE_REF(test_run_workers_mutual_exclusion), 2, 3, 0,
	  "the workers deadlocked: every P needs its V, and the parent "
	  "waits for the workers only after forking all of them" },
	{ GRADE_REF(test_run_workers_counter_exact), 2, 3, 0,
	  "the workers deadlocked: every P needs its V" },
	{ GRADE_REF(test_run_workers_counts_failures), 2, 2, 0,
	  "a worker whose critical() failed kept the lock: do its V before "
	  "it stops" },
	{ GRADE_REF(test_run_workers_rejects_bad_arguments), 2, 1, 0, NULL },
	{ GRADE_REF(test_run_workers_stops_when_fork_fails), 2, 2, 0, NULL },
	{ GRADE_REF(test_run_workers_frees_its_buffer), 2, 1, 0, NULL },
	{ GRADE_REF(test_demo_count_matches_reference), 2, 1, 12, NULL },
	{ GRADE_REF(test_limited_peak_equals_limit), 3, 3, 0,
	  "the workers never finished: is the semaphore initialised to the "
	  "limit, and does every worker do its V?" },
	{ GRADE_REF(test_limited_limit_one_is_mutex), 3, 1, 0, NULL },
	{ GRADE_REF(test_limited_all_in_when_limit_is_workers), 3, 1, 0, NULL },
	{ GRADE_REF(test_limited_removes_set), 3, 2, 0, NULL },
	{ GRADE_REF(test_limited_rejects_bad_limit), 3, 1, 0,
	  "sema_run_limited() with a limit of 0 waited: refuse it (EINVAL)" },
	{ GRADE_REF(test_limited_cleans_up_when_semctl_fails), 3, 1, 0, NULL },
	{ GRADE_REF(test_demo_limit_matches_reference), 3, 1, 12, NULL },
	{ GRADE_REF(test_crash_holder_does_not_deadlock), 4, 3, 0,
	  "deadlock after a worker died holding the lock: P and V need "
	  "SEM_UNDO, and the parent must wait for killed workers too" },
	{ GRADE_REF(test_crash_several_holders), 4, 2, 0,
	  "deadlock after workers died holding the lock: use SEM_UNDO" },
	{ GRADE_REF(test_demo_crash_matches_reference), 4, 1, 12, NULL },
	{ GRADE_REF(test_named_mutual_exclusion), 5, 3, 0,
	  "the workers deadlocked: create the semaphore with value 1, and "
	  "sem_post() after every sem_wait()" },
	{ GRADE_REF(test_named_counter_exact), 5, 2, 0, NULL },
	{ GRADE_REF(test_named_unlinks_name), 5, 2, 0, NULL },
	{ GRADE_REF(test_named_refuses_existing_name), 5, 1, 0, NULL },
	{ GRADE_REF(test_named_rejects_bad_arguments), 5, 1, 0, NULL },
	{ GRADE_REF(test_named_retries_interrupted_sem_wait), 5, 1, 0, NULL },
	{ GRADE_REF(test_named_closes_the_semaphore), 5, 1, 0, NULL },
	{ GRADE_REF(test_named_reports_a_failed_unlink), 5, 1, 0, NULL },
	{ GRADE_REF(test_demo_named_matches_reference), 5, 1, 12, NULL },
};

static const struct grade_lab lab = {
	"04-semaphore", "Semaphores (System V and POSIX)", tests,
	GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
