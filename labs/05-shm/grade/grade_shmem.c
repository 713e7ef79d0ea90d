/* SPDX-License-Identifier: MIT */
/**
 * @file grade_shmem.c
 * @brief Lab 05 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c, common/grade_sandbox.c) adds the leak checks: fds,
 * children, zombies, System V segments and POSIX shared memory names.
 *
 * How the ring and counter tests see what a process is doing without
 * sleeping: /proc/PID/stat tells whether a helper process is asleep in the
 * kernel (state S) or running, /proc/PID/syscall in which call it sleeps,
 * and /proc/PID/schedstat how much CPU it has used. A process that waits
 * correctly falls asleep within microseconds; one that spins burns CPU and
 * never does. Rings are placed so that they end exactly where a page with
 * no access begins: one byte written past the end crashes the writer.
 */
#include "grade.h"
#include "ipc_util.h"
#include "shmem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/** CPU time after which a process that never fell asleep is spinning. */
#define SPIN_CPU_MS 150.0
/** Wall-clock limit for a helper to fall asleep (a safety net). */
#define ASLEEP_LIMIT_MS 3000

/* ------------------------- what a test made: destroyed on every path */

/**
 * What the running test made with the lab's functions and has not handed
 * back to them yet, and the helper processes that may be using it. The
 * engine's leak check also runs after a failed test, and any System V
 * object or POSIX name left then is reported as the student's leak: so
 * every check in this file that fails (TEST_ASSERT, TEST_ABORT,
 * require_implemented, join_helper) first stops the helpers and destroys
 * these. A ring whose semaphores are a System V set or named semaphores
 * is then never blamed on the student because a test stopped early.
 */
static struct {
	pid_t test;		       /**< the test process; 0: nothing made */
	pid_t helpers[8];	       /**< helpers not yet collected */
	size_t n_helpers;	       /**< entries in helpers */
	int shmid;		       /**< a System V segment; -1: none */
	char posix_name[64];	       /**< a POSIX object; "": none */
	struct shmem_ring *ring;       /**< a ring; NULL: none */
	struct shmem_counter *counter; /**< a counter; NULL: none */
} made;

/** Start recording what this test makes (in the test process only). */
static void
made_begin(void)
{
	if (made.test != getpid()) {
		memset(&made, 0, sizeof(made));
		made.shmid = -1;
		made.test = getpid();
	}
}

/** The test made System V segment @p shmid: remove it if it fails. */
static void
made_segment(int shmid)
{
	made_begin();
	made.shmid = shmid;
}

/** The test made POSIX object @p name: unlink it if it fails. */
static void
made_posix_object(const char *name)
{
	made_begin();
	snprintf(made.posix_name, sizeof(made.posix_name), "%s", name);
}

/** The test made @p ring: shmem_ring_destroy() it if it fails. */
static void
made_ring(struct shmem_ring *ring)
{
	made_begin();
	made.ring = ring;
}

/** The test made @p counter: shmem_counter_destroy() it if it fails. */
static void
made_counter(struct shmem_counter *counter)
{
	made_begin();
	made.counter = counter;
}

/** A helper is collected: forget it. */
static void
forget_helper(pid_t pid)
{
	for (size_t i = 0; i < made.n_helpers; i++) {
		if (made.helpers[i] == pid) {
			made.helpers[i] = made.helpers[--made.n_helpers];
			return;
		}
	}
}

/**
 * The student's destroy functions on the test's ring and counter, run in
 * a child: a crash or a hang in them must not hide the failure that is
 * being reported.
 */
static void
destroy_sems_in_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (made.ring != NULL)
			shmem_ring_destroy(made.ring);
		if (made.counter != NULL)
			shmem_counter_destroy(made.counter);
		_exit(0);
	}
	if (pid > 0 && ipc_waitpid_timeout(pid, NULL, 2000) == -1) {
		kill(pid, SIGKILL);
		ipc_waitpid(pid, NULL);
	}
}

/**
 * Before a failure: stop the helpers (nobody may be using a ring when it
 * is destroyed), then destroy what the test made. Keeps errno.
 */
static void
destroy_made(void)
{
	int saved = errno;

	if (made.test != getpid())
		return; /* nothing made, or a helper: the test destroys */
	for (size_t i = 0; i < made.n_helpers; i++) {
		kill(made.helpers[i], SIGKILL);
		ipc_waitpid(made.helpers[i], NULL);
	}
	if (made.shmid != -1)
		shmctl(made.shmid, IPC_RMID, NULL);
	if (made.posix_name[0] != '\0')
		shm_unlink(made.posix_name);
	if (made.ring != NULL || made.counter != NULL)
		destroy_sems_in_child();
	made.test = 0;
	errno = saved;
}

/** ck_assert_msg() that destroys what the test made before failing. */
#define TEST_ASSERT(expr, ...)                                                 \
	do {                                                                   \
		if (!(expr)) {                                                 \
			destroy_made();                                        \
			ck_abort_msg(__VA_ARGS__);                             \
		}                                                              \
	} while (0)

/** ck_abort_msg() that destroys what the test made first. */
#define TEST_ABORT(...)                                                        \
	do {                                                                   \
		destroy_made();                                                \
		ck_abort_msg(__VA_ARGS__);                                     \
	} while (0)

/** GRADE_IMPLEMENTED() that destroys what the test made before failing. */
static void
require_implemented(long ret, const char *function, int step)
{
	if (ret == -1 && errno == ENOSYS) {
		destroy_made();
		GRADE_IMPLEMENTED(ret, function, step);
	}
}

/** grade_spawn(), and remember the helper until it is collected. */
static pid_t
spawn_helper(int (*fn)(void *arg), void *arg)
{
	pid_t pid;

	made_begin();
	TEST_ASSERT(made.n_helpers < GRADE_COUNT(made.helpers),
		    "grader bug: too many helpers");
	pid = grade_spawn(fn, arg);
	made.helpers[made.n_helpers++] = pid;
	return pid;
}

/** Does helper @p pid exit within @p timeout_ms? (It stays unreaped.) */
static bool
exits_within(pid_t pid, int timeout_ms)
{
	struct pollfd pfd = { .events = POLLIN };
	int n;

	pfd.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	TEST_ASSERT(pfd.fd != -1, "grader: pidfd_open: %s", strerror(errno));
	while ((n = poll(&pfd, 1, timeout_ms)) == -1 && errno == EINTR)
		;
	close(pfd.fd);
	return n == 1;
}

/** grade_join(), destroying what the test made if the helper hangs. */
static int
join_helper(pid_t pid, int timeout_ms)
{
	if (!exits_within(pid, timeout_ms))
		TEST_ABORT("a helper process of the test did not finish within "
			   "%d ms: the code under test left it blocked",
			   timeout_ms);
	forget_helper(pid);
	return grade_join(pid, 1000);
}

/* ---------------------------------------------- the test's own memory */

static size_t
page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/** Shared anonymous memory for the test and its helper processes. */
static void *
shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	TEST_ASSERT(p != MAP_FAILED, "grader: mmap: %s", strerror(errno));
	return p;
}

/**
 * @p size bytes of shared memory, 16-byte aligned, that end where a page
 * with no access begins: writing a byte past them is a crash (SIGSEGV).
 */
static void *
guarded_alloc(size_t size)
{
	size_t page = page_size(), pages = (size + 16 + page - 1) / page;
	char *base = shared_alloc((pages + 1) * page);
	char *end = base + pages * page;

	TEST_ASSERT(mprotect(end, page, PROT_NONE) == 0, "grader: mprotect: %s",
		    strerror(errno));
	return (void *)(((uintptr_t)end - size) & ~(uintptr_t)15);
}

/** Where Linux shows a POSIX shared memory object: /dev/shm/NAME. */
static bool
shm_object_exists(const char *name, struct stat *st)
{
	char path[128];
	struct stat ignored;

	snprintf(path, sizeof(path), "/dev/shm%s", name);
	return stat(path, st ? st : &ignored) == 0;
}

/** Offset of the first byte where @p buf differs from ipc_fill_pattern(seed). */
static size_t
pattern_mismatch(const unsigned char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != (unsigned char)(i * 7 + i / 4093 + seed))
			return i;
	return len;
}

/* ------------------------------------------- watching helper processes */

/** What /proc says about a process. */
struct proc_view {
	char state;    /**< R, S, D, Z ...; '?' once it is gone */
	long syscall;  /**< the call it sleeps in; -1 while it runs */
	double cpu_ms; /**< CPU time it has used */
};

/** Read a small /proc file into @p buf (NUL-terminated); its length or -1. */
static ssize_t
read_proc(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

static void
view_process(pid_t pid, struct proc_view *v)
{
	char buf[1024], *p;
	unsigned long long utime = 0, stime = 0, run_ns;

	v->state = '?';
	v->syscall = -1;
	v->cpu_ms = 0;
	if (read_proc(pid, "stat", buf, sizeof(buf)) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return;
	v->state = p[2];
	/* After the state: ppid pgrp session tty tpgid flags minflt cminflt
	 * majflt cmajflt utime stime (fields 4 to 15 of stat). */
	sscanf(p + 4, "%*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	       &utime, &stime);
	v->cpu_ms =
		(double)(utime + stime) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
	if (read_proc(pid, "schedstat", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%llu", &run_ns) == 1)
		v->cpu_ms = (double)run_ns / 1e6; /* precise, where available */
	if (read_proc(pid, "syscall", buf, sizeof(buf)) > 0 && buf[0] >= '0' &&
	    buf[0] <= '9')
		v->syscall = strtol(buf, NULL, 10);
}

/** Is @p nr a call that sleeps for a time (polling), not until an event? */
static bool
is_timed_sleep(long nr)
{
	switch (nr) {
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
	case SYS_pselect6:
	case SYS_ppoll:
#ifdef SYS_select
	case SYS_select:
#endif
#ifdef SYS_poll
	case SYS_poll:
#endif
		return true;
	default:
		return false;
	}
}

/** How a helper waits, when it has to. */
enum waiting {
	ASLEEP,	  /**< blocked in the kernel until woken: right */
	POLLING,  /**< sleeps for a while and looks again */
	SPINNING, /**< never sleeps: busy-waiting */
	EXITED,	  /**< did not wait at all */
};

/**
 * Watch helper @p pid until it falls asleep in the kernel, exits, or shows
 * that it busy-waits (SPIN_CPU_MS of CPU without ever sleeping). This loop
 * is the grader's own bounded watch, not a way to synchronise.
 */
static enum waiting
watch_until_asleep(pid_t pid, struct proc_view *v)
{
	uint64_t limit = ipc_now_ns() + (uint64_t)ASLEEP_LIMIT_MS * 1000000u;

	for (;;) {
		view_process(pid, v);
		if (v->state == 'Z' || v->state == 'X' || v->state == '?')
			return EXITED;
		if (v->state == 'S' && v->syscall != -1)
			return is_timed_sleep(v->syscall) ? POLLING : ASLEEP;
		if (v->cpu_ms >= SPIN_CPU_MS || ipc_now_ns() > limit)
			return SPINNING;
		sched_yield();
	}
}

/** Kill a helper and collect it (before failing, or when done with it). */
static int
stop_helper(pid_t pid)
{
	kill(pid, SIGKILL);
	return join_helper(pid, 5000);
}

/**
 * Fail, naming the bug, when helper @p pid (the @p who, waiting in
 * @p call) did not fall asleep. Returns only for ASLEEP and EXITED.
 */
static enum waiting
require_asleep(pid_t pid, const char *who, const char *call)
{
	struct proc_view v;
	enum waiting how = watch_until_asleep(pid, &v);

	if (how == SPINNING) {
		stop_helper(pid);
		TEST_ABORT(
			"the %s never fell asleep in %s() and used %.0f ms "
			"of CPU waiting: it is busy-waiting (spinning on "
			"the indices or on sem_trywait). Block in sem_wait(), "
			"which sleeps until the other process's sem_post() "
			"wakes it",
			who, call, v.cpu_ms);
	}
	if (how == POLLING) {
		stop_helper(pid);
		TEST_ABORT(
			"the %s waits in %s() by polling: it sleeps in a "
			"timed call (system call %ld) and looks again. Block "
			"in sem_wait() instead: it wakes the moment the other "
			"side posts, and uses no CPU meanwhile",
			who, call, v.syscall);
	}
	return how;
}

/** Describe a helper's wait status (for messages). */
static const char *
describe(int status)
{
	static char text[96];

	return ipc_describe_status(status, text, sizeof(text));
}

/** Fail with the engine's "not implemented" message if @p err is ENOSYS. */
static void
require_implemented_errno(int err, const char *function, int step)
{
	if (err == ENOSYS) {
		errno = ENOSYS;
		require_implemented(-1, function, step);
	}
}

/* --------------------------------------------- when calls fail (injected) */

/** A call of the code under test that a test makes fail, and its errno. */
struct failing_call {
	const char *function;
	int err;
};

/**
 * After a call that returns a pointer, with a failure armed: if the
 * injected failure happened, the call must have returned NULL, kept the
 * errno and closed what it opened (grade_expect_clean_failure()). Fills
 * @p when ("the 1st mmap() call failed with ENOMEM"). Returns false when
 * no injected failure happened (the call ran normally).
 */
static bool
expect_null_clean_failure(const void *p, int err, const char *call,
			  char *when, size_t when_len)
{
	int got = errno;

	if (grade_fail_describe(when, when_len) > 0 && p != NULL) {
		grade_fail_clear();
		TEST_ABORT("when %s, %s did not return NULL: a failure it "
			   "cannot get past must make it return NULL with "
			   "errno set",
			   when, call);
	}
	errno = got;
	return grade_expect_clean_failure(p == NULL ? -1 : 0, err, call);
}

/** How many System V segments this process has attached: /proc/self/maps
 *  names each "/SYSV<key>". */
static int
sysv_attachments(void)
{
	char line[1024];
	int n = 0;
	FILE *maps = fopen("/proc/self/maps", "re");

	TEST_ASSERT(maps != NULL, "grader: /proc/self/maps: %s",
		    strerror(errno));
	while (fgets(line, sizeof(line), maps) != NULL)
		if (strstr(line, "/SYSV") != NULL)
			n++;
	fclose(maps);
	return n;
}

/** How many System V semaphore sets exist (the test's IPC namespace has
 *  only its own; /proc/sysvipc/sem has a header line, then one per set). */
static int
sysv_sem_sets(void)
{
	char line[512];
	int n = -1;
	FILE *f = fopen("/proc/sysvipc/sem", "re");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n++;
	fclose(f);
	return n < 0 ? 0 : n;
}

/** How many named POSIX semaphores exist (/dev/shm/sem.NAME). */
static int
named_semaphores(void)
{
	DIR *dir = opendir("/dev/shm");
	struct dirent *e;
	int n = 0;

	if (dir == NULL)
		return 0;
	while ((e = readdir(dir)) != NULL)
		if (strncmp(e->d_name, "sem.", 4) == 0)
			n++;
	closedir(dir);
	return n;
}

/*
 * Unnamed POSIX semaphores: the grader wraps sem_init() and sem_destroy()
 * (the lab's Makefile: --wrap=sem_destroy; the engine wraps sem_init) to
 * see which ones the code under test made and did not destroy. On Linux
 * sem_destroy() frees nothing, but on other systems it does, and POSIX
 * asks for it: every sem_init() has its sem_destroy().
 */
int __real_sem_init(sem_t *sem, int pshared, unsigned value);
int __wrap_sem_init(sem_t *sem, int pshared, unsigned value);
int __real_sem_destroy(sem_t *sem);
int __wrap_sem_destroy(sem_t *sem);

/** Semaphores made with sem_init() and not destroyed yet (this process). */
static sem_t *live_sems[16];
static size_t n_live_sems;

int
__wrap_sem_init(sem_t *sem, int pshared, unsigned value)
{
	size_t i;

	if (grade_fail_check("sem_init")) /* a test made it fail */
		return -1;
	if (__real_sem_init(sem, pshared, value) == -1)
		return -1;
	for (i = 0; i < n_live_sems && live_sems[i] != sem; i++)
		;
	if (i == n_live_sems && n_live_sems < GRADE_COUNT(live_sems))
		live_sems[n_live_sems++] = sem;
	return 0;
}

int
__wrap_sem_destroy(sem_t *sem)
{
	for (size_t i = 0; i < n_live_sems; i++) {
		if (live_sems[i] == sem) {
			live_sems[i] = live_sems[--n_live_sems];
			break;
		}
	}
	return __real_sem_destroy(sem);
}

/** Fail if an unnamed semaphore made by @p call is still alive. */
static void
require_sems_destroyed(size_t before, const char *call, const char *when)
{
	TEST_ASSERT(n_live_sems <= before,
		    "%s%s left %zu unnamed semaphore(s) made with sem_init() "
		    "and never destroyed: sem_destroy() each one you made%s",
		    when, call, n_live_sems - before,
		    when[0] != '\0' ? ", before returning the failure" : "");
}

/* ================================================ step 1: System V */

START_TEST(test_sysv_create_attach_detach_remove)
{
	key_t key = grade_key("sysv.key", 'S');
	struct shmid_ds ds;
	unsigned char *mem;
	int id, rc;

	id = shmem_sysv_create(key, 10000);
	require_implemented(id, "shmem_sysv_create", 1);
	TEST_ASSERT(id >= 0, "shmem_sysv_create() failed: %s",
		    ipc_errno_name(errno));
	made_segment(id);
	TEST_ASSERT(shmctl(id, IPC_STAT, &ds) == 0,
		    "shmem_sysv_create() returned %d, which names no segment",
		    id);
	TEST_ASSERT(ds.shm_segsz == 10000 && ds.shm_perm.__key == key,
		    "the segment has %zu bytes and key 0x%x, not 10000 and "
		    "0x%x: pass the caller's key and size to shmget()",
		    (size_t)ds.shm_segsz, (unsigned)ds.shm_perm.__key,
		    (unsigned)key);
	TEST_ASSERT((ds.shm_perm.mode & 0777) == 0600,
		    "the segment's mode is %03o, not 0600 (owner read-write "
		    "only): the low 9 bits of shmget()'s flags are the mode",
		    ds.shm_perm.mode & 0777);

	mem = shmem_sysv_attach(id);
	require_implemented(mem == NULL ? -1 : 0, "shmem_sysv_attach", 1);
	TEST_ASSERT(mem != NULL, "shmem_sysv_attach() failed: %s",
		    ipc_errno_name(errno));
	TEST_ASSERT(mem[0] == 0 && memcmp(mem, mem + 1, 9999) == 0,
		    "a new segment must be all zeros");
	ipc_fill_pattern(mem, 10000, 1);
	TEST_ASSERT(shmctl(id, IPC_STAT, &ds) == 0, "the segment vanished");
	TEST_ASSERT(ds.shm_nattch == 1,
		    "after one attach the segment has "
		    "%lu attachments",
		    (unsigned long)ds.shm_nattch);

	TEST_ASSERT(shmem_sysv_detach(mem) == 0,
		    "shmem_sysv_detach() failed: %s", ipc_errno_name(errno));
	TEST_ASSERT(shmctl(id, IPC_STAT, &ds) == 0,
		    "the segment vanished when it was detached: detaching "
		    "must not remove it");
	TEST_ASSERT(ds.shm_nattch == 0,
		    "after shmem_sysv_detach() the "
		    "segment still has %lu attachments: call shmdt()",
		    (unsigned long)ds.shm_nattch);
	/* Nobody is attached, yet the data is still there: a segment lives
	 * in the kernel until it is removed. */
	mem = shmem_sysv_attach(id);
	TEST_ASSERT(mem != NULL && pattern_mismatch(mem, 10000, 1) == 10000,
		    "attached again, the segment lost its data");
	TEST_ASSERT(shmem_sysv_detach(mem) == 0,
		    "shmem_sysv_detach() failed: %s", ipc_errno_name(errno));

	rc = shmem_sysv_remove(id);
	require_implemented(rc, "shmem_sysv_remove", 1);
	made_segment(-1); /* removing it is shmem_sysv_remove()'s job now */
	TEST_ASSERT(rc == 0, "shmem_sysv_remove() failed: %s",
		    ipc_errno_name(errno));
	TEST_ASSERT(shmctl(id, IPC_STAT, &ds) == -1,
		    "the segment still exists after shmem_sysv_remove(): "
		    "remove it with shmctl(id, IPC_RMID, NULL)");
}
END_TEST

START_TEST(test_sysv_create_is_exclusive)
{
	key_t key = grade_key("excl.key", 'S');
	int id, again, a, b;

	id = shmem_sysv_create(key, 4096);
	require_implemented(id, "shmem_sysv_create", 1);
	TEST_ASSERT(id >= 0, "shmem_sysv_create() failed: %s",
		    ipc_errno_name(errno));
	errno = 0;
	again = shmem_sysv_create(key, 4096);
	if (again >= 0 && again != id)
		shmctl(again, IPC_RMID, NULL);
	shmctl(id, IPC_RMID, NULL);
	TEST_ASSERT(again == -1 && errno == EEXIST,
		    "creating a second segment with the same key returned %d "
		    "(%s), not -1 with EEXIST: use IPC_CREAT | IPC_EXCL, or "
		    "you may silently share an old segment of someone else",
		    again, ipc_errno_name(errno));

	errno = 0;
	TEST_ASSERT(shmem_sysv_create(key, 0) == -1 && errno == EINVAL,
		    "a segment of 0 bytes must fail with EINVAL");
	a = shmem_sysv_create(IPC_PRIVATE, 4096);
	b = shmem_sysv_create(IPC_PRIVATE, 4096);
	if (a >= 0)
		shmctl(a, IPC_RMID, NULL);
	if (b >= 0)
		shmctl(b, IPC_RMID, NULL);
	TEST_ASSERT(a >= 0 && b >= 0 && a != b,
		    "IPC_PRIVATE must give a new segment every time (got ids "
		    "%d and %d)",
		    a, b);
}
END_TEST

START_TEST(test_sysv_removed_segment_lives_until_detach)
{
	key_t key = grade_key("rmid.key", 'S');
	struct shmid_ds ds;
	unsigned char *mem;
	int id, second;

	id = shmem_sysv_create(key, 8192);
	require_implemented(id, "shmem_sysv_create", 1);
	TEST_ASSERT(id >= 0, "shmem_sysv_create() failed: %s",
		    ipc_errno_name(errno));
	made_segment(id);
	mem = shmem_sysv_attach(id);
	require_implemented(mem == NULL ? -1 : 0, "shmem_sysv_attach", 1);
	TEST_ASSERT(mem != NULL, "shmem_sysv_attach() failed: %s",
		    ipc_errno_name(errno));
	ipc_fill_pattern(mem, 8192, 2);

	require_implemented(shmem_sysv_remove(id), "shmem_sysv_remove", 1);
	made_segment(-1); /* removing it is shmem_sysv_remove()'s job now */
	TEST_ASSERT(shmctl(id, IPC_STAT, &ds) == 0 &&
			    (ds.shm_perm.mode & SHM_DEST),
		    "after shmem_sysv_remove() the attached segment should be "
		    "marked for destruction (SHM_DEST): use shmctl(IPC_RMID)");
	TEST_ASSERT(pattern_mismatch(mem, 8192, 2) == 8192,
		    "a removed segment must stay usable while attached");
	ipc_fill_pattern(mem, 8192, 3); /* still writable, too */

	/* The key is free at once: a new segment may take it. */
	second = shmem_sysv_create(key, 4096);
	TEST_ASSERT(second >= 0 && second != id,
		    "after IPC_RMID the key should be free for a new segment, "
		    "but shmem_sysv_create() returned %d (%s)",
		    second, ipc_errno_name(errno));
	shmctl(second, IPC_RMID, NULL);

	TEST_ASSERT(shmem_sysv_detach(mem) == 0,
		    "shmem_sysv_detach() failed: %s", ipc_errno_name(errno));
	TEST_ASSERT(shmctl(id, IPC_STAT, &ds) == -1,
		    "the removed segment still exists after its last detach");
}
END_TEST

START_TEST(test_sysv_errors_are_reported)
{
	int id = shmem_sysv_create(IPC_PRIVATE, 4096);
	int dummy = 0;

	require_implemented(id, "shmem_sysv_create", 1);
	TEST_ASSERT(id >= 0, "shmem_sysv_create() failed: %s",
		    ipc_errno_name(errno));
	shmctl(id, IPC_RMID, NULL); /* now id names no segment */
	errno = 0;
	TEST_ASSERT(shmem_sysv_attach(id) == NULL && errno == EINVAL,
		    "shmem_sysv_attach() of a removed segment must return NULL "
		    "with EINVAL: shmat() returns (void *)-1 on failure, not "
		    "NULL, so compare with that");
	errno = 0;
	TEST_ASSERT(shmem_sysv_detach(&dummy) == -1 && errno == EINVAL,
		    "shmem_sysv_detach() of an address that is not a segment "
		    "must fail with EINVAL");
	errno = 0;
	TEST_ASSERT(shmem_sysv_remove(id) == -1 && errno == EINVAL,
		    "shmem_sysv_remove() of a removed segment must fail with "
		    "EINVAL");
}
END_TEST

/** What the fill functions share with the test (in shared memory). */
struct fill_record {
	pid_t pid;     /**< the process that ran fill */
	int calls;     /**< how many times fill ran */
	unsigned seed; /**< pattern to write */
	int fail;      /**< make fill report failure */
};

/** A fill function: record who ran it, write the pattern. */
static int
fill_pattern(void *mem, size_t size, void *arg)
{
	struct fill_record *rec = arg;

	rec->pid = getpid();
	rec->calls++;
	if (rec->fail)
		return 1;
	ipc_fill_pattern(mem, size, rec->seed);
	return 0;
}

/**
 * A fill function that writes only once its parent sleeps (in waitpid, if
 * all is well). A parent that copies the segment without waiting for the
 * writer has copied zeros by then, every time.
 */
static int
fill_when_parent_waits(void *mem, size_t size, void *arg)
{
	uint64_t limit = ipc_now_ns() + 1000000000u; /* a safety net */
	struct proc_view v;

	do {
		view_process(getppid(), &v);
		if (v.state == 'S')
			break;
		sched_yield();
	} while (ipc_now_ns() < limit);
	return fill_pattern(mem, size, arg);
}

/** Run shmem_sysv_child_writes() with @p fill and check every byte. */
static void
check_child_writes(size_t size, shmem_fill_fn *fill)
{
	key_t key = grade_key("child.key", 'S');
	struct fill_record *rec = shared_alloc(sizeof(*rec));
	unsigned char *out = malloc(size);
	int attached = sysv_attachments();
	size_t bad;
	ssize_t n;

	TEST_ASSERT(out != NULL, "grader: out of memory");
	rec->seed = 5;
	n = GRADE_CALL(shmem_sysv_child_writes(key, size, fill, rec, out));
	require_implemented(n, "shmem_sysv_child_writes", 1);
	TEST_ASSERT(n == (ssize_t)size,
		    "shmem_sysv_child_writes() of %zu bytes returned %zd (%s)",
		    size, n, n == -1 ? ipc_errno_name(errno) : "a wrong count");
	TEST_ASSERT(rec->calls == 1, "fill() ran %d times, not once",
		    rec->calls);
	TEST_ASSERT(rec->pid != getpid(),
		    "fill() ran in the parent: fork() a child to run it, the "
		    "parent only reads");
	bad = pattern_mismatch(out, size, 5);
	TEST_ASSERT(bad == size,
		    "the parent read different bytes than the child wrote, "
		    "from offset %zu on (byte 0x%02x): %s",
		    bad, out[bad],
		    out[bad] == 0
			    ? "the parent read the segment before the child "
			      "had finished writing it. Wait for the child "
			      "(waitpid) before reading"
			    : "copy exactly the segment's bytes to out");
	errno = 0;
	TEST_ASSERT(shmget(key, 0, 0) == -1 && errno == ENOENT,
		    "a segment with the caller's key still exists after "
		    "shmem_sysv_child_writes() returned: you forgot "
		    "shmctl(IPC_RMID), so it outlives every process");
	TEST_ASSERT(sysv_attachments() == attached,
		    "after shmem_sysv_child_writes() returned, the segment is "
		    "still attached to the parent: shmdt() it when you are done "
		    "with it. A removed segment lives on until its last detach, "
		    "so until then its memory is lost to the system");
	free(out);
}

START_TEST(test_sysv_child_writes_parent_reads)
{
	check_child_writes(1u << 20, fill_pattern);
}
END_TEST

START_TEST(test_sysv_child_writes_odd_size)
{
	check_child_writes(12345, fill_pattern);
}
END_TEST

START_TEST(test_sysv_parent_waits_for_writer)
{
	check_child_writes(64 * 1024, fill_when_parent_waits);
}
END_TEST

START_TEST(test_sysv_child_failure_is_reported)
{
	key_t key = grade_key("fail.key", 'S');
	struct fill_record *rec = shared_alloc(sizeof(*rec));
	char out[100];
	ssize_t n;

	rec->fail = 1;
	errno = 0;
	n = GRADE_CALL(shmem_sysv_child_writes(key, sizeof(out), fill_pattern,
					       rec, out));
	require_implemented(n, "shmem_sysv_child_writes", 1);
	TEST_ASSERT(n == -1 && errno == EIO,
		    "when fill() fails in the child, shmem_sysv_child_writes() "
		    "must return -1 with EIO, not %zd (%s): the child reports "
		    "through its exit status, the parent checks it",
		    n, ipc_errno_name(errno));
	errno = 0;
	TEST_ASSERT(shmget(key, 0, 0) == -1 && errno == ENOENT,
		    "the segment is left behind when the child fails: "
		    "shmctl(IPC_RMID) on every path");
}
END_TEST

START_TEST(test_sysv_child_writes_cleans_up_when_calls_fail)
{
	static const struct failing_call cases[] = {
		{ "shmget", ENOSPC }, /* the system's segments are all used */
		{ "shmat", ENOMEM },  /* no room in the address space */
		{ "fork", EAGAIN },   /* too many processes */
	};
	key_t key = grade_key("fails.key", 'S');
	struct fill_record *rec = shared_alloc(sizeof(*rec));
	int attached = sysv_attachments();
	char out[4096], when[256];

	for (size_t c = 0; c < GRADE_COUNT(cases); c++) {
		ssize_t n;
		int left;

		memset(rec, 0, sizeof(*rec));
		rec->seed = 9;
		memset(out, 0x5a, sizeof(out));
		grade_fail_nth(cases[c].function, 1, cases[c].err);
		n = GRADE_CALL(shmem_sysv_child_writes(key, sizeof(out),
						       fill_pattern, rec, out));
		grade_fail_describe(when, sizeof(when));
		if (!grade_expect_clean_failure(n, cases[c].err,
						"shmem_sysv_child_writes()")) {
			/* It never called that function: it ran normally. */
			require_implemented(n, "shmem_sysv_child_writes", 1);
			TEST_ASSERT(n == (ssize_t)sizeof(out),
				    "shmem_sysv_child_writes() failed: %s",
				    ipc_errno_name(errno));
		} else {
			TEST_ASSERT(out[0] == 0x5a &&
					    memcmp(out, out + 1, sizeof(out) - 1) ==
						    0,
				    "when %s, shmem_sysv_child_writes() returned "
				    "-1 but wrote into out: no child wrote "
				    "anything, so on failure leave the caller's "
				    "buffer alone",
				    when);
		}
		left = shmget(key, 0, 0);
		if (left != -1)
			shmctl(left, IPC_RMID, NULL); /* the test's own check */
		TEST_ASSERT(left == -1,
			    "when %s, shmem_sysv_child_writes() left its segment "
			    "behind: once shmget() made it, remove it "
			    "(shmctl IPC_RMID) on every path, the failing ones "
			    "too",
			    when);
		TEST_ASSERT(sysv_attachments() == attached,
			    "when %s, shmem_sysv_child_writes() returned but the "
			    "segment is still attached to the parent: shmdt() "
			    "it on every path, the failing ones too (a removed "
			    "segment lives until its last detach)",
			    when);
	}
}
END_TEST

START_TEST(test_sysv_child_writes_survives_interrupted_waitpid)
{
	key_t key = grade_key("eintr.key", 'S');
	struct fill_record *rec = shared_alloc(sizeof(*rec));
	unsigned char out[20000];
	bool interrupted;
	ssize_t n;
	int err;

	rec->seed = 11;
	/* A signal handler runs while the parent waits: waitpid() fails
	 * with EINTR and reaps nothing. */
	grade_fail_nth("waitpid", 1, EINTR);
	n = GRADE_CALL(shmem_sysv_child_writes(key, sizeof(out), fill_pattern,
					       rec, out));
	err = errno;
	interrupted = grade_fail_calls("waitpid") >= 1;
	grade_fail_clear();
	errno = err;
	require_implemented(n, "shmem_sysv_child_writes", 1);
	TEST_ASSERT(n == (ssize_t)sizeof(out),
		    "%s, and shmem_sysv_child_writes() returned %zd (%s): an "
		    "interrupted waitpid() reaped nothing, the child is still "
		    "there. Call waitpid() again when it fails with EINTR (only "
		    "then)",
		    interrupted ? "the 1st waitpid() call failed with EINTR"
				: "a transfer with no failure",
		    n, ipc_errno_name(err));
	TEST_ASSERT(pattern_mismatch(out, sizeof(out), 11) == sizeof(out),
		    "the parent read different bytes than the child wrote, "
		    "from offset %zu on",
		    pattern_mismatch(out, sizeof(out), 11));
}
END_TEST

START_TEST(test_demo_sysv_matches_reference)
{
	grade_key("demo.key", 'S');
	grade_compare_with_reference((const char *[]){"sysv",
						      grade_path("demo.key"),
						      "100000", NULL},
				     NULL, 0);
}
END_TEST

/* ================================== step 2: POSIX objects and files */

START_TEST(test_posix_create_and_open_share_pages)
{
	const char *name = grade_posix_name("share");
	unsigned char *a, *b;
	struct stat st;
	size_t size = 0;

	a = shmem_posix_create(name, 10000);
	require_implemented(a == NULL ? -1 : 0, "shmem_posix_create", 2);
	TEST_ASSERT(a != NULL, "shmem_posix_create(\"%s\", 10000) failed: %s",
		    name, ipc_errno_name(errno));
	made_posix_object(name);
	TEST_ASSERT(shm_object_exists(name, &st),
		    "no object /dev/shm%s after shmem_posix_create(): "
		    "use shm_open() with O_CREAT",
		    name);
	TEST_ASSERT(st.st_size == 10000,
		    "the object has %lld bytes, not 10000: give it its size "
		    "with ftruncate()",
		    (long long)st.st_size);
	TEST_ASSERT((st.st_mode & 0777) == 0600,
		    "the object's mode is %03o, "
		    "not 0600",
		    (unsigned)(st.st_mode & 0777));
	TEST_ASSERT(a[0] == 0 && memcmp(a, a + 1, 9999) == 0,
		    "a new object must be all zeros");

	b = shmem_posix_open(name, &size);
	require_implemented(b == NULL ? -1 : 0, "shmem_posix_open", 2);
	TEST_ASSERT(b != NULL, "shmem_posix_open() failed: %s",
		    ipc_errno_name(errno));
	TEST_ASSERT(size == 10000,
		    "shmem_posix_open() said the object has "
		    "%zu bytes, not 10000: ask fstat()",
		    size);
	/* Two mappings, one set of pages: a write through one shows in the
	 * other at once, with no copy. */
	ipc_fill_pattern(a, 10000, 4);
	TEST_ASSERT(pattern_mismatch(b, 10000, 4) == 10000,
		    "bytes written through one mapping do not show through "
		    "the other: map with MAP_SHARED");
	require_implemented(shmem_unmap(a, 10000), "shmem_unmap", 2);
	TEST_ASSERT(shmem_unmap(b, 10000) == 0, "shmem_unmap() failed: %s",
		    ipc_errno_name(errno));

	require_implemented(shmem_posix_remove(name), "shmem_posix_remove", 2);
	made_posix_object(""); /* removing it is shmem_posix_remove()'s job */
	TEST_ASSERT(!shm_object_exists(name, NULL),
		    "/dev/shm%s still exists after shmem_posix_remove(): "
		    "call shm_unlink()",
		    name);
}
END_TEST

START_TEST(test_posix_errors_are_reported)
{
	const char *name = grade_posix_name("twice"),
		   *empty = grade_posix_name("empty");
	void *a, *b;
	size_t size;

	a = shmem_posix_create(name, 4096);
	require_implemented(a == NULL ? -1 : 0, "shmem_posix_create", 2);
	TEST_ASSERT(a != NULL, "shmem_posix_create() failed: %s",
		    ipc_errno_name(errno));
	errno = 0;
	b = shmem_posix_create(name, 4096);
	shm_unlink(name);
	munmap(a, 4096);
	TEST_ASSERT(b == NULL && errno == EEXIST,
		    "creating an object that exists must fail with EEXIST "
		    "(O_CREAT | O_EXCL), got %s",
		    ipc_errno_name(errno));

	errno = 0;
	TEST_ASSERT(shmem_posix_create(empty, 0) == NULL && errno == EINVAL,
		    "an object of 0 bytes must fail with EINVAL, got %s",
		    ipc_errno_name(errno));
	TEST_ASSERT(!shm_object_exists(empty, NULL),
		    "a failed shmem_posix_create() left /dev/shm%s behind: "
		    "shm_unlink() the name when a step after shm_open() fails",
		    empty);
	errno = 0;
	b = shmem_posix_open(grade_posix_name("missing"), &size);
	require_implemented(b == NULL ? -1 : 0, "shmem_posix_open", 2);
	TEST_ASSERT(b == NULL && errno == ENOENT,
		    "opening an object that does not exist must fail with "
		    "ENOENT (no O_CREAT), got %s",
		    ipc_errno_name(errno));
	errno = 0;
	TEST_ASSERT(shmem_posix_remove(grade_posix_name("missing")) == -1 &&
			    errno == ENOENT,
		    "removing an object that does not exist must fail with "
		    "ENOENT");
}
END_TEST

/** What a helper of the step 2 tests reports (in shared memory). */
struct step2_report {
	char name[64];	 /**< object name or path */
	int err;	 /**< errno of a failed call, 0 if none */
	char what[64];	 /**< the call that failed, or what went wrong */
	size_t size;	 /**< size the helper saw */
	size_t mismatch; /**< first wrong byte, or the size when all good */
};

/** Helper: create the object, fill it, unmap, exit without removing it. */
static int
posix_creator(void *arg)
{
	struct step2_report *r = arg;
	void *mem = shmem_posix_create(r->name, 8192);

	if (mem == NULL) {
		r->err = errno;
		snprintf(r->what, sizeof(r->what), "shmem_posix_create");
		return 1;
	}
	ipc_fill_pattern(mem, 8192, 6);
	return shmem_unmap(mem, 8192) == 0 ? 0 : 1;
}

/** Helper: open the object by name and check what the creator wrote. */
static int
posix_reader(void *arg)
{
	struct step2_report *r = arg;
	void *mem = shmem_posix_open(r->name, &r->size);

	if (mem == NULL) {
		r->err = errno;
		snprintf(r->what, sizeof(r->what), "shmem_posix_open");
		return 1;
	}
	r->mismatch = pattern_mismatch(mem, r->size, 6);
	return shmem_unmap(mem, r->size) == 0 ? 0 : 1;
}

START_TEST(test_posix_object_outlives_its_processes)
{
	struct step2_report *r = shared_alloc(sizeof(*r));
	int status, rc, err;

	snprintf(r->name, sizeof(r->name), "%s", grade_posix_name("outlive"));
	made_posix_object(r->name); /* the creator leaves it to the test */
	status = join_helper(spawn_helper(posix_creator, r), 5000);
	require_implemented_errno(r->err, "shmem_posix_create", 2);
	TEST_ASSERT(status == 0, "the creating process failed (%s, %s: %s)",
		    describe(status), r->what, ipc_errno_name(r->err));
	TEST_ASSERT(shm_object_exists(r->name, NULL),
		    "the object vanished when its creator exited: it must "
		    "stay until shm_unlink()");
	status = join_helper(spawn_helper(posix_reader, r), 5000);
	require_implemented_errno(r->err, "shmem_posix_open", 2);
	TEST_ASSERT(status == 0,
		    "a second process could not open the object "
		    "by name (%s: %s)",
		    r->what, ipc_errno_name(r->err));
	TEST_ASSERT(r->size == 8192,
		    "the second process sees %zu bytes, not "
		    "8192",
		    r->size);
	TEST_ASSERT(r->mismatch == 8192,
		    "the second process read different bytes than the first "
		    "wrote, from offset %zu on: the writes never reached the "
		    "object. Map with MAP_SHARED (MAP_PRIVATE gives each "
		    "process its own private copy)",
		    r->mismatch);
	rc = shmem_posix_remove(r->name);
	err = errno;
	require_implemented(rc, "shmem_posix_remove", 2);
	made_posix_object(""); /* removing it is shmem_posix_remove()'s job */
	TEST_ASSERT(rc == 0, "shmem_posix_remove() failed: %s",
		    ipc_errno_name(err));
}
END_TEST

/** Helper: map the file, check what an earlier writer left, add a line. */
static int
file_writer(void *arg)
{
	struct step2_report *r = arg;
	char *mem = shmem_file_map(r->name, 4096);

	if (mem == NULL) {
		r->err = errno;
		snprintf(r->what, sizeof(r->what), "shmem_file_map");
		return 1;
	}
	if (strncmp(mem, "first writer\n", 13) == 0)
		memcpy(mem + 13, "second writer\n", 14);
	else if (mem[0] == '\0')
		memcpy(mem, "first writer\n", 13);
	else
		snprintf(r->what, sizeof(r->what), "found \"%.20s\"", mem);
	return shmem_unmap(mem, 4096) == 0 ? 0 : 1;
}

START_TEST(test_file_mapping_persists_after_processes_exit)
{
	struct step2_report *r = shared_alloc(sizeof(*r));
	char buf[4097];
	struct stat st;
	int status, fd;
	ssize_t n;

	snprintf(r->name, sizeof(r->name), "%s", grade_path("persist.dat"));
	for (int writer = 1; writer <= 2; writer++) {
		status = join_helper(spawn_helper(file_writer, r), 5000);
		require_implemented_errno(r->err, "shmem_file_map", 2);
		TEST_ASSERT(!WIFSIGNALED(status) || WTERMSIG(status) != SIGBUS,
			    "writer %d died of SIGBUS writing to its mapping: "
			    "the file is shorter than the mapping. Grow it "
			    "with ftruncate() before mmap()",
			    writer);
		TEST_ASSERT(status == 0 && r->what[0] == '\0',
			    "writer %d: %s (%s)", writer,
			    r->what[0] ? r->what : describe(status),
			    ipc_errno_name(r->err));
	}
	/* Both are gone; read the file the ordinary way. */
	fd = open(r->name, O_RDONLY | O_CLOEXEC);
	TEST_ASSERT(fd != -1,
		    "no file at %s after shmem_file_map(): create "
		    "it with O_CREAT",
		    r->name);
	TEST_ASSERT(fstat(fd, &st) == 0, "grader: fstat: %s", strerror(errno));
	n = ipc_read_all(fd, buf, sizeof(buf) - 1);
	close(fd);
	TEST_ASSERT(st.st_size == 4096,
		    "the file has %lld bytes, not 4096: "
		    "grow it with ftruncate() before mapping",
		    (long long)st.st_size);
	buf[n < 0 ? 0 : n] = '\0';
	TEST_ASSERT(strcmp(buf, "first writer\nsecond writer\n") == 0,
		    "after both writers exited the file holds \"%.40s\", not "
		    "what they wrote through their mappings: map it "
		    "MAP_SHARED (MAP_PRIVATE changes never reach the file) "
		    "and never truncate it (no O_TRUNC)",
		    buf);
}
END_TEST

START_TEST(test_file_map_keeps_contents_and_grows)
{
	const char *path = grade_path("grow.dat");
	char text[100], *mem;
	struct stat st;
	int fd;

	memset(text, 'x', sizeof(text));
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	TEST_ASSERT(fd != -1, "grader: open: %s", strerror(errno));
	TEST_ASSERT(ipc_write_all(fd, text, sizeof(text)) == sizeof(text),
		    "grader: write: %s", strerror(errno));
	close(fd);

	mem = shmem_file_map(path, 8192);
	require_implemented(mem == NULL ? -1 : 0, "shmem_file_map", 2);
	TEST_ASSERT(mem != NULL, "shmem_file_map() failed: %s",
		    ipc_errno_name(errno));
	TEST_ASSERT(memcmp(mem, text, sizeof(text)) == 0,
		    "the mapping does not show the file's old contents: do "
		    "not open it with O_TRUNC");
	TEST_ASSERT(stat(path, &st) == 0, "the file %s is gone: %s", path,
		    strerror(errno));
	TEST_ASSERT(st.st_size == 8192,
		    "a 100-byte file mapped with 8192 "
		    "bytes has %lld bytes, not 8192: grow it with ftruncate() "
		    "first (touching a page past the end of a file raises "
		    "SIGBUS)",
		    (long long)st.st_size);
	mem[8191] = 'z'; /* the last byte: SIGBUS if the file is too short */
	TEST_ASSERT(shmem_unmap(mem, 8192) == 0, "shmem_unmap() failed: %s",
		    ipc_errno_name(errno));

	mem = shmem_file_map(path, 4096);
	TEST_ASSERT(mem != NULL,
		    "shmem_file_map() of an existing file failed: %s",
		    ipc_errno_name(errno));
	TEST_ASSERT(shmem_unmap(mem, 4096) == 0, "shmem_unmap() failed: %s",
		    ipc_errno_name(errno));
	TEST_ASSERT(stat(path, &st) == 0, "the file %s is gone: %s", path,
		    strerror(errno));
	TEST_ASSERT(st.st_size == 8192,
		    "mapping the first 4096 bytes of an "
		    "8192-byte file made it %lld bytes long: never shrink a "
		    "file, only grow it",
		    (long long)st.st_size);
	errno = 0;
	TEST_ASSERT(shmem_file_map(path, 0) == NULL && errno == EINVAL,
		    "a mapping of 0 bytes must fail with EINVAL");
}
END_TEST

START_TEST(test_posix_create_cleans_up_when_calls_fail)
{
	static const struct failing_call cases[] = {
		{ "shm_open", EMFILE },	 /* too many open files */
		{ "ftruncate", EFBIG },	 /* too big for the system */
		{ "mmap", ENOMEM },	 /* no room in the address space */
	};
	static const size_t bad_sizes[] = { 0, SIZE_MAX };
	char name[64], when[256];
	void *p;

	for (size_t c = 0; c < GRADE_COUNT(cases); c++) {
		snprintf(name, sizeof(name), "%s",
			 grade_posix_name(cases[c].function));
		made_posix_object(name); /* removed if a check fails */
		grade_fail_nth(cases[c].function, 1, cases[c].err);
		p = shmem_posix_create(name, 8192);
		if (!expect_null_clean_failure(p, cases[c].err,
					       "shmem_posix_create()", when,
					       sizeof(when))) {
			require_implemented(p == NULL ? -1 : 0,
					    "shmem_posix_create", 2);
			TEST_ASSERT(p != NULL, "shmem_posix_create() failed: %s",
				    ipc_errno_name(errno));
			munmap(p, 8192);
			shm_unlink(name);
			made_posix_object("");
			continue;
		}
		TEST_ASSERT(!shm_object_exists(name, NULL),
			    "when %s, shmem_posix_create() returned NULL but "
			    "left /dev/shm%s behind: once shm_open() made the "
			    "name, shm_unlink() it when a later step fails",
			    when, name);
		made_posix_object("");
	}
	for (size_t s = 0; s < GRADE_COUNT(bad_sizes); s++) {
		unsigned opened;
		int err;

		snprintf(name, sizeof(name), "%s", grade_posix_name("badsize"));
		made_posix_object(name);
		grade_fail_nth("shm_open", 1000, EMFILE); /* only counts */
		errno = 0;
		p = shmem_posix_create(name, bad_sizes[s]);
		err = errno;
		opened = grade_fail_calls("shm_open");
		grade_fail_clear();
		if (p != NULL)
			munmap(p, 4096);
		TEST_ASSERT(p == NULL && err == EINVAL,
			    "shmem_posix_create(name, %zu) gave %s (%s), not "
			    "NULL with EINVAL: no object can have that size",
			    bad_sizes[s], p == NULL ? "NULL" : "a mapping",
			    ipc_errno_name(err));
		TEST_ASSERT(opened == 0,
			    "shmem_posix_create(name, %zu) called shm_open() "
			    "before refusing the size: check the arguments "
			    "first, so that a call that cannot succeed makes "
			    "nothing, not even a name that others can see for "
			    "a moment",
			    bad_sizes[s]);
		made_posix_object("");
	}
}
END_TEST

START_TEST(test_posix_open_reports_errors)
{
	static const struct failing_call cases[] = {
		{ "shm_open", EMFILE }, /* too many open files */
		{ "mmap", ENOMEM },	/* no room in the address space */
	};
	const char *name = grade_posix_name("empty");
	char when[256];
	size_t size = 12345;
	void *p;
	int fd, err;

	/* An object that was made, but never given a size. */
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	TEST_ASSERT(fd != -1, "grader: shm_open: %s", strerror(errno));
	close(fd);
	made_posix_object(name);
	errno = 0;
	p = shmem_posix_open(name, &size);
	err = errno;
	require_implemented(p == NULL ? -1 : 0, "shmem_posix_open", 2);
	TEST_ASSERT(p == NULL && err == EINVAL,
		    "shmem_posix_open() of an object of 0 bytes (made, never "
		    "given a size) gave %s (%s), not NULL with EINVAL: there "
		    "is nothing to map",
		    p == NULL ? "NULL" : "a mapping", ipc_errno_name(err));

	fd = shm_open(name, O_RDWR, 0);
	TEST_ASSERT(fd != -1 && ftruncate(fd, 4096) == 0,
		    "grader: shm_open/ftruncate: %s", strerror(errno));
	close(fd);
	for (size_t c = 0; c < GRADE_COUNT(cases); c++) {
		grade_fail_nth(cases[c].function, 1, cases[c].err);
		p = shmem_posix_open(name, &size);
		if (!expect_null_clean_failure(p, cases[c].err,
					       "shmem_posix_open()", when,
					       sizeof(when))) {
			TEST_ASSERT(p != NULL, "shmem_posix_open() failed: %s",
				    ipc_errno_name(errno));
			munmap(p, size);
		}
	}
	shm_unlink(name);
	made_posix_object("");
}
END_TEST

START_TEST(test_file_map_cleans_up_when_calls_fail)
{
	static const struct failing_call cases[] = {
		{ "open", EMFILE },	 /* too many open files */
		{ "ftruncate", ENOSPC }, /* the disk is full */
		{ "mmap", ENOMEM },	 /* no room in the address space */
	};
	static const size_t bad_sizes[] = { 0, SIZE_MAX };
	char path[PATH_MAX], never[PATH_MAX], when[256];
	void *p;

	snprintf(path, sizeof(path), "%s", grade_path("fails.dat"));
	for (size_t c = 0; c < GRADE_COUNT(cases); c++) {
		unlink(path); /* a new file each time: it has to grow */
		grade_fail_nth(cases[c].function, 1, cases[c].err);
		p = shmem_file_map(path, 8192);
		if (!expect_null_clean_failure(p, cases[c].err,
					       "shmem_file_map()", when,
					       sizeof(when))) {
			require_implemented(p == NULL ? -1 : 0,
					    "shmem_file_map", 2);
			TEST_ASSERT(p != NULL, "shmem_file_map() failed: %s",
				    ipc_errno_name(errno));
			munmap(p, 8192);
		}
	}
	snprintf(never, sizeof(never), "%s", grade_path("never.dat"));
	for (size_t s = 0; s < GRADE_COUNT(bad_sizes); s++) {
		int err;

		errno = 0;
		p = shmem_file_map(never, bad_sizes[s]);
		err = errno;
		if (p != NULL)
			munmap(p, 4096);
		TEST_ASSERT(p == NULL && err == EINVAL,
			    "shmem_file_map(path, %zu) gave %s (%s), not NULL "
			    "with EINVAL: no mapping can have that size",
			    bad_sizes[s], p == NULL ? "NULL" : "a mapping",
			    ipc_errno_name(err));
		TEST_ASSERT(access(never, F_OK) == -1,
			    "shmem_file_map(path, %zu) failed, but created the "
			    "file first: check the size before open(), so that "
			    "a call that cannot succeed changes nothing",
			    bad_sizes[s]);
	}
}
END_TEST

START_TEST(test_demo_posix_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){"posix", grade_posix_name("demo"), "5000", NULL},
		NULL, 0);
}
END_TEST

START_TEST(test_demo_file_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){"file", grade_path("demo.txt"), NULL}, NULL,
		0);
}
END_TEST

/* ============================================ step 3: a ring buffer */

/** Everything the producer and consumer helpers share with the test. */
struct ring_run {
	struct shmem_ring *ring;
	size_t capacity;
	size_t item_size;
	long items;	   /**< how many items to send */
	volatile long put; /**< items the producer has put so far */
	volatile long got; /**< items the consumer has taken so far */
	int put_err;	   /**< errno of a failed put, 0 if none */
	int get_err;	   /**< errno of a failed get, 0 if none */
	long bad_at;	   /**< first item that arrived wrong, -1 if none */
	uint64_t bad_seq;  /**< the sequence number it carried */
	bool bad_payload;  /**< its number was right but not its bytes */
	uint64_t checksum; /**< of everything the consumer took */
	/* For the copy-pausing tests: */
	unsigned char *item_at; /**< where the paused side's item lives */
	pid_t peer;		/**< the process that must not move meanwhile */
	volatile long *peer_count; /**< its progress counter */
	long peer_before;	   /**< that counter when the copy began */
	volatile int moved;  /**< the peer moved while the copy was paused */
	volatile int paused; /**< the copy was paused at least once */
};

/** Item @p seq: its sequence number, then bytes that depend on it. */
static void
make_item(unsigned char *item, size_t size, uint64_t seq)
{
	memcpy(item, &seq, sizeof(seq));
	for (size_t b = sizeof(seq); b < size; b++)
		item[b] = (unsigned char)(seq * 131 + b);
}

/** Checksum step: mixes an item's first 16 bytes into @p sum. */
static uint64_t
mix(uint64_t sum, const unsigned char *item)
{
	uint64_t a, b;

	memcpy(&a, item, 8);
	memcpy(&b, item + 8, 8);
	return (sum ^ a) * 0x100000001b3u + b;
}

/** Helper: put items 0 .. items-1 in order. */
static int
produce(void *arg)
{
	struct ring_run *r = arg;
	unsigned char *item = malloc(r->item_size);

	if (item == NULL)
		return 3;
	for (long i = 0; i < r->items; i++) {
		make_item(item, r->item_size, (uint64_t)i);
		if (shmem_ring_put(r->ring, item) == -1) {
			r->put_err = errno;
			free(item);
			return 1;
		}
		r->put = i + 1;
	}
	free(item);
	return 0;
}

/** Helper: take every item, checking each one and the order. */
static int
consume(void *arg)
{
	struct ring_run *r = arg;
	unsigned char *item = malloc(r->item_size);
	unsigned char *want = malloc(r->item_size);
	uint64_t sum = 0;

	if (item == NULL || want == NULL)
		return 3;
	for (long i = 0; i < r->items; i++) {
		if (shmem_ring_get(r->ring, item) == -1) {
			r->get_err = errno;
			return 1;
		}
		r->got = i + 1;
		make_item(want, r->item_size, (uint64_t)i);
		if (memcmp(item, want, r->item_size) != 0) {
			memcpy((void *)&r->bad_seq, item, sizeof(r->bad_seq));
			r->bad_payload = r->bad_seq == (uint64_t)i;
			r->bad_at = i;
			return 2;
		}
		sum = mix(sum, item);
	}
	r->checksum = sum;
	free(item);
	free(want);
	return 0;
}

/** The checksum of items 0 .. items-1, as the consumer should see it. */
static uint64_t
expected_checksum(long items, size_t size)
{
	unsigned char *item = malloc(size);
	uint64_t sum = 0;

	TEST_ASSERT(item != NULL, "grader: out of memory");
	for (long i = 0; i < items; i++) {
		make_item(item, size, (uint64_t)i);
		sum = mix(sum, item);
	}
	free(item);
	return sum;
}

/** A ring of @p capacity items in guarded shared memory, checked. */
static struct ring_run *
new_ring_run(size_t capacity, size_t item_size, long items)
{
	struct ring_run *r = shared_alloc(sizeof(*r));
	ssize_t size = shmem_ring_size(capacity, item_size);
	void *mem;

	require_implemented(size, "shmem_ring_size", 3);
	TEST_ASSERT(size >= (ssize_t)(capacity * item_size),
		    "shmem_ring_size(%zu, %zu) = %zd: too small for %zu items "
		    "of %zu bytes",
		    capacity, item_size, size, capacity, item_size);
	mem = guarded_alloc((size_t)size);
	r->ring = shmem_ring_init(mem, (size_t)size, capacity, item_size);
	require_implemented(r->ring == NULL ? -1 : 0, "shmem_ring_init", 3);
	TEST_ASSERT(r->ring != NULL, "shmem_ring_init() failed: %s",
		    ipc_errno_name(errno));
	made_ring(r->ring);
	r->capacity = capacity;
	r->item_size = item_size;
	r->items = items;
	r->bad_at = -1;
	return r;
}

/**
 * The test is done with @p ring and every helper is collected: destroy
 * it. Its semaphores may be a System V set or named semaphores, which
 * outlive every process unless shmem_ring_destroy() removes them.
 */
static void
destroy_ring(struct shmem_ring *ring)
{
	int rc;

	made_ring(NULL); /* from here on, what is left is the student's */
	rc = shmem_ring_destroy(ring);
	require_implemented(rc, "shmem_ring_destroy", 3);
	TEST_ASSERT(rc == 0, "shmem_ring_destroy() failed: %s",
		    ipc_errno_name(errno));
	require_sems_destroyed(0, "shmem_ring_destroy()", "");
}

/** Fail with a message about a crashed helper, if it crashed. */
static void
check_not_crashed(int status, const char *who, const struct ring_run *r)
{
	if (!WIFSIGNALED(status))
		return;
	if (WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS)
		TEST_ABORT("the %s crashed (%s) in a ring of capacity %zu: it "
			   "touched memory past the end of the ring. The ring "
			   "may use only the shmem_ring_size() bytes; slot "
			   "number capacity is one past the last slot (wrap "
			   "the indices with %% capacity)",
			   who, describe(status), r->capacity);
	if (WTERMSIG(status) == SIGFPE)
		TEST_ABORT(
			"the %s crashed with SIGFPE (a division by zero) in "
			"a ring of capacity %zu: an off-by-one in the index "
			"wrap, e.g. %% (capacity - 1)? Wrap with %% capacity",
			who, r->capacity);
	TEST_ABORT("the %s %s", who, describe(status));
}

/** Fail, naming the bug, when the consumer took a wrong item. */
static void
check_items(const struct ring_run *r)
{
	if (r->bad_at < 0)
		return;
	if (r->bad_payload)
		TEST_ABORT("item %ld arrived damaged (its number is right, its "
			   "other bytes are not): the consumer read a slot "
			   "the producer had not finished writing, or the "
			   "producer overwrote it too early. Synchronise: post "
			   "used_slots only after copying in, and free_slots "
			   "only after copying out",
			   r->bad_at);
	if (r->bad_seq < (uint64_t)r->bad_at)
		TEST_ABORT(
			"item %ld arrived as a copy of item %llu: a slot was "
			"read twice or out of order (ring of capacity %zu). "
			"Does get() wait on a semaphore before reading (no "
			"synchronisation?), and do head and tail wrap with "
			"%% capacity?",
			r->bad_at, (unsigned long long)r->bad_seq, r->capacity);
	if (r->bad_seq > (uint64_t)r->bad_at && r->bad_seq < (uint64_t)r->items)
		TEST_ABORT("items %ld to %llu were lost (item %llu came next): "
			   "the producer overwrote slots the consumer had not "
			   "read yet (ring of capacity %zu). Does put() wait "
			   "while the ring is full (no synchronisation?), and "
			   "do the indices wrap with %% capacity?",
			   r->bad_at, (unsigned long long)r->bad_seq - 1,
			   (unsigned long long)r->bad_seq, r->capacity);
	TEST_ABORT("item %ld arrived as garbage (number %llu): get() read a "
		   "slot nobody wrote. Is it synchronised with put() (wait "
		   "on used_slots first), and do the indices wrap with "
		   "%% capacity?",
		   r->bad_at, (unsigned long long)r->bad_seq);
}

/** Check a helper's put/get failure, naming ENOSYS as "not implemented". */
static void
check_call_errors(const struct ring_run *r)
{
	require_implemented_errno(r->put_err, "shmem_ring_put", 3);
	require_implemented_errno(r->get_err, "shmem_ring_get", 3);
	TEST_ASSERT(r->put_err == 0, "shmem_ring_put() failed: %s",
		    ipc_errno_name(r->put_err));
	TEST_ASSERT(r->get_err == 0, "shmem_ring_get() failed: %s",
		    ipc_errno_name(r->get_err));
}

/** Wait until one of two processes exits; its pid, or 0 on timeout. */
static pid_t
wait_either(pid_t a, pid_t b, int *status, int timeout_ms)
{
	struct pollfd pfd[2];
	pid_t pids[2] = {a, b}, done = 0;
	int n = 0;

	for (int i = 0; i < 2; i++) {
		if (pids[i] <= 0)
			continue;
		pfd[n].fd = (int)syscall(SYS_pidfd_open, pids[i], 0);
		TEST_ASSERT(pfd[n].fd != -1, "grader: pidfd_open: %s",
			    strerror(errno));
		pfd[n].events = POLLIN;
		n++;
	}
	while (poll(pfd, (nfds_t)n, timeout_ms) == -1 && errno == EINTR)
		;
	for (int i = 0, j = 0; i < 2; i++) {
		if (pids[i] <= 0)
			continue;
		if (done == 0 && (pfd[j].revents & POLLIN)) {
			done = pids[i];
			*status = join_helper(done, 1000);
		}
		close(pfd[j++].fd);
	}
	return done;
}

/** Fail, naming the likely bug, when a stream stopped moving. */
static void
report_stuck(const struct ring_run *r, bool asleep, bool producer_alive)
{
	check_call_errors(r);
	check_items(r);
	if (!asleep)
		TEST_ABORT(
			"no end in sight: %ld items put and %ld taken of %ld "
			"after the time limit, with a ring of capacity %zu",
			r->put, r->got, r->items, r->capacity);
	if (!producer_alive)
		TEST_ABORT(
			"the producer put all %ld items and exited, but the "
			"consumer sleeps after taking %ld: a wake-up was "
			"lost. put() must sem_post(used_slots) once per item",
			r->items, r->got);
	TEST_ABORT("deadlock: the producer and the consumer both sleep, "
		   "after %ld items put and %ld taken, with a ring of "
		   "capacity %zu. %s",
		   r->put, r->got, r->capacity,
		   r->put - r->got < (long)r->capacity
			   ? "The producer waits although the ring is not "
			     "full: off by one? free_slots must start at "
			     "capacity, and get() must post it once per item"
			   : "The consumer waits although the ring is full: "
			     "put() must post used_slots once per item");
}

/**
 * Run a producer and a consumer helper on @p r until both are done, and
 * fail with a message that names the bug when they are not: a crash, a
 * wrong item, a deadlock, or no end in @p limit_ms.
 */
static void
run_stream(struct ring_run *r, int limit_ms)
{
	pid_t prod = spawn_helper(produce, r), cons = spawn_helper(consume, r);
	uint64_t limit = ipc_now_ns() + (uint64_t)limit_ms * 1000000u;
	long last_put = -1, last_got = -1;
	int stuck = 0, status = 0;

	while (prod > 0 || cons > 0) {
		pid_t done = wait_either(prod, cons, &status, 100);
		if (done == prod) {
			prod = 0;
			check_not_crashed(status, "producer", r);
			if (status != 0 && cons > 0) {
				stop_helper(cons);
				cons = 0;
			}
		} else if (done == cons) {
			cons = 0;
			if (prod > 0 && (status != 0 || r->got < r->items)) {
				stop_helper(prod);
				prod = 0;
			}
			check_not_crashed(status, "consumer", r);
		} else if (r->put == last_put && r->got == last_got) {
			/* No progress for 100 ms: stuck if all left are asleep.
			 */
			struct proc_view p = {.state = 'S'}, c = {.state = 'S'};
			if (prod > 0)
				view_process(prod, &p);
			if (cons > 0)
				view_process(cons, &c);
			stuck = p.state == 'S' && c.state == 'S' ? stuck + 1
								 : 0;
			if (stuck >= 2 || ipc_now_ns() > limit) {
				if (prod > 0)
					stop_helper(prod);
				if (cons > 0)
					stop_helper(cons);
				report_stuck(r, stuck >= 2, prod > 0);
			}
		} else {
			stuck = 0;
		}
		last_put = r->put;
		last_got = r->got;
	}
	check_call_errors(r);
	check_items(r);
	TEST_ASSERT(r->got == r->items, "the consumer took %ld of %ld items",
		    r->got, r->items);
	TEST_ASSERT(r->checksum == expected_checksum(r->items, r->item_size),
		    "the checksum of the items taken is wrong");
	destroy_ring(r->ring);
}

START_TEST(test_ring_size_and_init_check_arguments)
{
	ssize_t size = shmem_ring_size(4, 16);
	struct shmem_ring *ring;
	void *mem;

	require_implemented(size, "shmem_ring_size", 3);
	TEST_ASSERT(size >= 64,
		    "shmem_ring_size(4, 16) = %zd: less than the "
		    "64 bytes 4 items of 16 bytes need",
		    size);
	errno = 0;
	TEST_ASSERT(shmem_ring_size(0, 16) == -1 && errno == EINVAL,
		    "shmem_ring_size(0, 16) must fail with EINVAL");
	errno = 0;
	TEST_ASSERT(shmem_ring_size(4, 0) == -1 && errno == EINVAL,
		    "shmem_ring_size(4, 0) must fail with EINVAL");
	errno = 0;
	TEST_ASSERT(shmem_ring_size(SIZE_MAX / 8, 16) == -1 &&
			    errno == EOVERFLOW,
		    "shmem_ring_size(SIZE_MAX / 8, 16) must fail with "
		    "EOVERFLOW: check capacity * item_size for overflow");
	mem = guarded_alloc((size_t)size);
	errno = 0;
	ring = shmem_ring_init(mem, (size_t)size - 1, 4, 16);
	if (ring != NULL)
		made_ring(ring);
	TEST_ASSERT(ring == NULL && errno == EINVAL,
		    "shmem_ring_init() with one byte less than "
		    "shmem_ring_size() must fail with EINVAL");
	ring = shmem_ring_init(mem, (size_t)size, 4, 16);
	if (ring != NULL)
		made_ring(ring);
	TEST_ASSERT(ring == mem, "shmem_ring_init() must return the ring at "
				 "mem");
	destroy_ring(ring);
}
END_TEST

START_TEST(test_ring_fifo_in_one_process)
{
	struct ring_run *r = new_ring_run(5, 24, 0);
	unsigned char item[24], want[24];
	long next_in = 0, next_out = 0;

	/* 3 in, 3 out, 20 times: head and tail wrap round many times. */
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 3; i++) {
			make_item(item, sizeof(item), (uint64_t)next_in++);
			require_implemented(shmem_ring_put(r->ring, item),
					    "shmem_ring_put", 3);
		}
		for (int i = 0; i < 3; i++) {
			require_implemented(shmem_ring_get(r->ring, item),
					    "shmem_ring_get", 3);
			make_item(want, sizeof(want), (uint64_t)next_out);
			TEST_ASSERT(memcmp(item, want, sizeof(item)) == 0,
				    "item %ld came out wrong (a ring of 5 "
				    "slots, 3 in then 3 out): items must come "
				    "out in the order they went in, and head "
				    "and tail wrap with %% capacity",
				    next_out);
			next_out++;
		}
	}
	destroy_ring(r->ring);
}
END_TEST

START_TEST(test_ring_consumer_blocks_when_empty)
{
	struct ring_run *r = new_ring_run(4, 16, 1);
	unsigned char item[16];
	int status;
	pid_t cons;

	cons = spawn_helper(consume, r);
	if (require_asleep(cons, "consumer", "shmem_ring_get") == EXITED) {
		join_helper(cons, 1000);
		check_call_errors(r);
		TEST_ABORT("shmem_ring_get() returned at once from an empty "
			   "ring (no synchronisation?): it must wait, asleep "
			   "in sem_wait on used_slots, until an item is there");
	}
	make_item(item, sizeof(item), 0);
	require_implemented(shmem_ring_put(r->ring, item), "shmem_ring_put", 3);
	if (!exits_within(cons, 2000))
		TEST_ABORT(
			"the consumer stayed asleep after put(): the wake-up "
			"never reached the other process. Semaphores in the "
			"shared memory must be made with pshared = 1: "
			"sem_init(sem, 1, value)");
	status = join_helper(cons, 1000);
	check_call_errors(r);
	check_items(r);
	TEST_ASSERT(status == 0 && r->got == 1, "the consumer %s",
		    describe(status));
	destroy_ring(r->ring);
}
END_TEST

/** A ring of @p capacity must take exactly capacity items, then block. */
static void
check_holds_exactly(size_t capacity)
{
	struct ring_run *r = new_ring_run(capacity, 16, (long)capacity + 2);
	unsigned char item[16], want[16];
	pid_t prod = spawn_helper(produce, r);

	if (require_asleep(prod, "producer", "shmem_ring_put") == EXITED) {
		int status = join_helper(prod, 1000);
		check_not_crashed(status, "producer", r);
		check_call_errors(r);
		TEST_ABORT(
			"the producer put %ld items into a ring of capacity "
			"%zu without ever waiting (no synchronisation?): "
			"put() must block while the ring is full "
			"(free_slots starts at capacity and put() waits on it)",
			r->put, capacity);
	}
	TEST_ASSERT(r->put >= (long)capacity,
		    "a ring of capacity %zu took only %ld items before put() "
		    "blocked: off by one, it must hold exactly capacity items. "
		    "Does free_slots start at capacity (not capacity - 1)? "
		    "Telling full from empty with head == tail costs a slot",
		    capacity, r->put);
	TEST_ASSERT(
		r->put == (long)capacity,
		"a ring of capacity %zu took %ld items before put() blocked: "
		"off by one, the extra one overwrote an unread item. "
		"free_slots must start at capacity, not more",
		capacity, r->put);
	/* Take one: the producer gets exactly one slot and blocks again. */
	require_implemented(shmem_ring_get(r->ring, item), "shmem_ring_get", 3);
	make_item(want, sizeof(want), 0);
	TEST_ASSERT(memcmp(item, want, sizeof(item)) == 0,
		    "the first item out of a ring of capacity %zu is not the "
		    "first one put: was it overwritten? Wrap head and tail "
		    "with %% capacity, so that each item has its own slot",
		    capacity);
	if (require_asleep(prod, "producer", "shmem_ring_put") == ASLEEP)
		TEST_ASSERT(r->put == (long)capacity + 1,
			    "after one get() the producer put %ld items in "
			    "all, not %zu: get() must free exactly one slot",
			    r->put, capacity + 1);
	for (long i = 1; i < (long)capacity + 2; i++) {
		TEST_ASSERT(shmem_ring_get(r->ring, item) == 0,
			    "shmem_ring_get() failed: %s",
			    ipc_errno_name(errno));
		make_item(want, sizeof(want), (uint64_t)i);
		TEST_ASSERT(memcmp(item, want, sizeof(item)) == 0,
			    "item %ld came out wrong (a ring of capacity %zu): "
			    "wrap head and tail with %% capacity",
			    i, capacity);
	}
	TEST_ASSERT(join_helper(prod, 2000) == 0, "the producer failed");
	destroy_ring(r->ring);
}

START_TEST(test_ring_producer_blocks_when_full)
{
	check_holds_exactly(4);
}
END_TEST

START_TEST(test_ring_capacity_1_holds_one)
{
	check_holds_exactly(1);
}
END_TEST

START_TEST(test_ring_capacity_2_holds_two)
{
	check_holds_exactly(2);
}
END_TEST

START_TEST(test_ring_capacity_1_stream)
{
	run_stream(new_ring_run(1, 16, 5000), 8000);
}
END_TEST

START_TEST(test_ring_capacity_2_stream)
{
	run_stream(new_ring_run(2, 16, 5000), 8000);
}
END_TEST

START_TEST(test_ring_large_items)
{
	run_stream(new_ring_run(3, 4096, 3000), 8000);
}
END_TEST

START_TEST(test_ring_million_items)
{
	run_stream(new_ring_run(1024, 16, 1000000), 20000);
}
END_TEST

/* ------------------------- pausing a copy half-way, to see who moves */

/** The run whose copy this process pauses (set in the helper only). */
static struct ring_run *paused_run;

/**
 * SIGSEGV handler of a helper whose item lies across a page with no
 * access: the student's memcpy stopped half-way. Wait until the other
 * process either moves (it took or overwrote the item we are still
 * copying: a bug) or is asleep (right: it must wait for us), then let the
 * copy finish.
 */
static void
on_copy_paused(int sig, siginfo_t *info, void *context)
{
	struct ring_run *r = paused_run;
	char *page = (char *)r->item_at + 8;
	uint64_t limit = ipc_now_ns() + 1000000000u; /* a safety net */
	struct proc_view v;

	(void)sig;
	(void)context;
	if ((char *)info->si_addr < page ||
	    (char *)info->si_addr >= page + page_size()) {
		signal(SIGSEGV, SIG_DFL); /* a real crash: let it happen */
		return;
	}
	r->paused = 1;
	while (ipc_now_ns() < limit) {
		if (*r->peer_count != r->peer_before) {
			r->moved = 1;
			break;
		}
		view_process(r->peer, &v);
		if (v.state == 'S' && *r->peer_count == r->peer_before)
			break;
		sched_yield();
	}
	mprotect(page, page_size(), PROT_READ | PROT_WRITE);
}

/** Arrange for this helper's copy to pause on r->item_at's second half. */
static void
pause_copies_here(struct ring_run *r)
{
	struct sigaction sa = {.sa_sigaction = on_copy_paused,
			       .sa_flags = SA_SIGINFO};

	paused_run = r;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	mprotect(r->item_at + 8, page_size(), PROT_NONE);
}

/** Helper: put item 0 from a buffer whose second half pauses the copy. */
static int
produce_paused(void *arg)
{
	struct ring_run *r = arg;

	r->peer_before = *r->peer_count;
	pause_copies_here(r);
	if (shmem_ring_put(r->ring, r->item_at) == -1) {
		r->put_err = errno;
		return 1;
	}
	r->put = 1;
	return 0;
}

/** Helper: get one item into a buffer whose second half pauses the copy. */
static int
consume_paused(void *arg)
{
	struct ring_run *r = arg;

	r->peer_before = *r->peer_count;
	pause_copies_here(r);
	if (shmem_ring_get(r->ring, r->item_at) == -1) {
		r->get_err = errno;
		return 1;
	}
	r->got = 1;
	memcpy((void *)&r->bad_seq, r->item_at, sizeof(r->bad_seq));
	return 0;
}

/** A 16-byte item buffer whose last 8 bytes start a new page. */
static unsigned char *
item_across_pages(void)
{
	char *two = shared_alloc(2 * page_size());

	return (unsigned char *)two + page_size() - 8;
}

START_TEST(test_ring_put_publishes_after_copy)
{
	struct ring_run *r = new_ring_run(2, 16, 1);
	pid_t cons, prod;
	int status;

	r->item_at = item_across_pages();
	make_item(r->item_at, 16, 0);
	cons = spawn_helper(consume, r);
	if (require_asleep(cons, "consumer", "shmem_ring_get") == EXITED) {
		join_helper(cons, 1000);
		check_call_errors(r);
		TEST_ABORT("shmem_ring_get() returned from an empty ring");
	}
	r->peer = cons;
	r->peer_count = &r->got;
	prod = spawn_helper(produce_paused, r);
	status = join_helper(prod, 3000);
	check_not_crashed(status, "producer", r);
	check_call_errors(r);
	if (r->moved) {
		stop_helper(cons);
		TEST_ABORT(
			"shmem_ring_put() let the consumer take the item while "
			"it was still copying it in: the consumer read a "
			"half-written slot. Copy the item into the slot "
			"first, then sem_post(used_slots) to publish it");
	}
	TEST_ASSERT(r->paused, "grader: the copy was never paused");
	status = join_helper(cons, 3000);
	check_call_errors(r);
	check_items(r);
	TEST_ASSERT(status == 0, "the consumer %s", describe(status));
	destroy_ring(r->ring);
}
END_TEST

START_TEST(test_ring_get_frees_slot_after_copy)
{
	struct ring_run *r = new_ring_run(1, 16, 2);
	unsigned char item[16], want[16];
	pid_t prod, cons;
	int status;

	prod = spawn_helper(produce, r); /* item 0 fits, item 1 waits */
	if (require_asleep(prod, "producer", "shmem_ring_put") == EXITED) {
		check_not_crashed(join_helper(prod, 1000), "producer", r);
		check_call_errors(r);
		TEST_ABORT(
			"the producer put 2 items into a ring of 1 slot "
			"without waiting: put() must block while it is full");
	}
	r->item_at = item_across_pages();
	r->peer = prod;
	r->peer_count = &r->put;
	cons = spawn_helper(consume_paused, r);
	status = join_helper(cons, 3000);
	check_not_crashed(status, "consumer", r);
	check_call_errors(r);
	if (r->moved) {
		stop_helper(prod);
		TEST_ABORT("shmem_ring_get() freed the slot while it was still "
			   "copying the item out: the producer overwrote it "
			   "mid-read. Copy the item out of the slot first, "
			   "then sem_post(free_slots)");
	}
	TEST_ASSERT(r->paused, "grader: the copy was never paused");
	TEST_ASSERT(r->bad_seq == 0, "get() returned item %llu, not item 0",
		    (unsigned long long)r->bad_seq);
	TEST_ASSERT(shmem_ring_get(r->ring, item) == 0,
		    "shmem_ring_get() failed: %s", ipc_errno_name(errno));
	make_item(want, sizeof(want), 1);
	TEST_ASSERT(memcmp(item, want, sizeof(item)) == 0,
		    "the second item came out wrong");
	status = join_helper(prod, 3000);
	TEST_ASSERT(status == 0, "the producer %s", describe(status));
	destroy_ring(r->ring);
}
END_TEST

/* --------------------------------------------- signals while waiting */

static volatile sig_atomic_t signals_seen;
static struct ring_run *signalled_run;

static void
count_signal(int sig)
{
	(void)sig;
	signals_seen++;
	signalled_run->moved = (int)signals_seen; /* tell the test */
}

/** Helper: a consumer with a SIGUSR1 handler that interrupts sem_wait. */
static int
consume_with_handler(void *arg)
{
	struct sigaction sa = {.sa_handler = count_signal}; /* no SA_RESTART */

	signalled_run = arg;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	return consume(arg);
}

START_TEST(test_ring_get_survives_signals)
{
	struct ring_run *r = new_ring_run(2, 16, 1);
	unsigned char item[16];
	struct proc_view v;
	uint64_t limit;
	int status;
	pid_t cons;

	cons = spawn_helper(consume_with_handler, r);
	if (require_asleep(cons, "consumer", "shmem_ring_get") == EXITED) {
		join_helper(cons, 1000);
		check_call_errors(r);
		TEST_ABORT("shmem_ring_get() returned from an empty ring");
	}
	kill(cons, SIGUSR1);
	/* Wait until the handler ran and the consumer is asleep again, or
	 * gone: both happen within microseconds. */
	limit = ipc_now_ns() + (uint64_t)ASLEEP_LIMIT_MS * 1000000u;
	do {
		view_process(cons, &v);
		sched_yield();
	} while (!(r->moved == 1 && v.state == 'S') && v.state != 'Z' &&
		 ipc_now_ns() < limit);
	make_item(item, sizeof(item), 0);
	require_implemented(shmem_ring_put(r->ring, item), "shmem_ring_put", 3);
	status = join_helper(cons, 3000);
	if (r->get_err == EINTR)
		TEST_ABORT("shmem_ring_get() failed with EINTR when a signal "
			   "handler ran while it waited: sem_wait() returns -1 "
			   "with EINTR then; wait again");
	check_call_errors(r);
	check_items(r);
	TEST_ASSERT(status == 0 && r->got == 1, "the consumer %s",
		    describe(status));
	destroy_ring(r->ring);
}
END_TEST

START_TEST(test_ring_init_cleans_up_when_calls_fail)
{
	/* Whichever semaphores the ring has (see shmem.h), each call that
	 * makes them fails in turn: the 1st, the 2nd, ... */
	static const struct failing_call cases[] = {
		{ "sem_init", ENOMEM }, { "semget", ENOSPC },
		{ "semctl", ERANGE },	{ "sem_open", EMFILE },
		{ "malloc", ENOMEM },
	};
	ssize_t size = shmem_ring_size(4, 16);
	int sets = sysv_sem_sets(), names = named_semaphores();
	char when[256], at[300];
	struct shmem_ring *ring;
	void *mem;

	require_implemented(size, "shmem_ring_size", 3);
	TEST_ASSERT(size >= 64, "shmem_ring_size(4, 16) = %zd", size);
	mem = guarded_alloc((size_t)size);
	for (size_t c = 0; c < GRADE_COUNT(cases); c++) {
		for (unsigned k = 1; k <= 8; k++) {
			int left_sets, left_names;

			grade_fail_nth(cases[c].function, k, cases[c].err);
			ring = shmem_ring_init(mem, (size_t)size, 4, 16);
			if (ring != NULL)
				made_ring(ring); /* destroyed if a check fails */
			if (!expect_null_clean_failure(ring, cases[c].err,
						       "shmem_ring_init()", when,
						       sizeof(when))) {
				require_implemented(ring == NULL ? -1 : 0,
						    "shmem_ring_init", 3);
				TEST_ASSERT(ring != NULL,
					    "shmem_ring_init() failed: %s",
					    ipc_errno_name(errno));
				destroy_ring(ring);
				break; /* fewer than k such calls */
			}
			snprintf(at, sizeof(at), "when %s, ", when);
			require_sems_destroyed(0, "shmem_ring_init()", at);
			left_sets = sysv_sem_sets() - sets;
			left_names = named_semaphores() - names;
			TEST_ASSERT(left_sets <= 0,
				    "%sshmem_ring_init() returned NULL but left "
				    "the System V semaphore set it had made: "
				    "remove it (semctl IPC_RMID) before "
				    "returning the failure",
				    at);
			TEST_ASSERT(left_names <= 0,
				    "%sshmem_ring_init() returned NULL but left "
				    "%d named semaphore(s) in /dev/shm: "
				    "sem_close() and sem_unlink() what you made "
				    "before returning the failure",
				    at, left_names);
		}
	}
}
END_TEST

START_TEST(test_ring_init_resets_reused_memory)
{
	ssize_t size = shmem_ring_size(4, 16);
	unsigned char item[16], want[16];
	struct shmem_ring *ring;
	void *mem;

	require_implemented(size, "shmem_ring_size", 3);
	mem = guarded_alloc((size_t)size);
	ring = shmem_ring_init(mem, (size_t)size, 4, 16);
	require_implemented(ring == NULL ? -1 : 0, "shmem_ring_init", 3);
	TEST_ASSERT(ring != NULL, "shmem_ring_init() failed: %s",
		    ipc_errno_name(errno));
	made_ring(ring);
	/* An old ring, used: 3 items in, 2 out. */
	for (uint64_t i = 0; i < 3; i++) {
		make_item(item, sizeof(item), i);
		require_implemented(shmem_ring_put(ring, item), "shmem_ring_put",
				    3);
	}
	for (int i = 0; i < 2; i++)
		require_implemented(shmem_ring_get(ring, item), "shmem_ring_get",
				    3);
	destroy_ring(ring);
	/* A new ring in the same memory: empty, whatever the old one left. */
	ring = shmem_ring_init(mem, (size_t)size, 4, 16);
	TEST_ASSERT(ring != NULL,
		    "shmem_ring_init() over memory that held an old ring "
		    "failed: %s",
		    ipc_errno_name(errno));
	made_ring(ring);
	make_item(item, sizeof(item), 100);
	TEST_ASSERT(shmem_ring_put(ring, item) == 0,
		    "shmem_ring_put() failed: %s", ipc_errno_name(errno));
	TEST_ASSERT(shmem_ring_get(ring, item) == 0,
		    "shmem_ring_get() failed: %s", ipc_errno_name(errno));
	make_item(want, sizeof(want), 100);
	TEST_ASSERT(memcmp(item, want, sizeof(item)) == 0,
		    "a new ring made in memory that held an old ring gave back "
		    "a wrong item (put item 100, got item %llu): "
		    "shmem_ring_init() must set every field of the ring, head "
		    "and tail to 0 included; the memory it gets is not zeroed "
		    "for it",
		    (unsigned long long)*(const uint64_t *)item);
	destroy_ring(ring);
}
END_TEST

/** What a helper that calls the ring functions with NULL found out. */
struct null_probe {
	struct shmem_ring *ring;
	int step;   /**< the call in progress, then how many were made */
	int rc[5];  /**< what each returned */
	int err[5]; /**< errno after each */
};

static const char *const null_calls[] = {
	"shmem_ring_put(NULL, item)", "shmem_ring_put(ring, NULL)",
	"shmem_ring_get(NULL, item)", "shmem_ring_get(ring, NULL)",
	"shmem_ring_destroy(NULL)",
};

/** Helper: each ring function with a NULL argument (a crash ends only
 *  the helper; the test names the call). */
static int
probe_null_arguments(void *arg)
{
	struct null_probe *p = arg;
	unsigned char item[16] = { 0 };

	for (p->step = 0; p->step < 5; p->step++) {
		int rc = 0;
		errno = 0;
		switch (p->step) {
		case 0: rc = shmem_ring_put(NULL, item); break;
		case 1: rc = shmem_ring_put(p->ring, NULL); break;
		case 2: rc = shmem_ring_get(NULL, item); break;
		case 3: rc = shmem_ring_get(p->ring, NULL); break;
		default: rc = shmem_ring_destroy(NULL); break;
		}
		p->rc[p->step] = rc;
		p->err[p->step] = errno;
	}
	return 0;
}

/**
 * Call @p put_or_get on @p r's ring with each of @p cases failing in
 * turn, its 1st call, its 2nd...: each failure must come back as -1 with
 * that errno. Calls that run normally must succeed.
 */
static void
check_ring_call_failures(struct ring_run *r, bool put,
			 const struct failing_call *cases, size_t n_cases)
{
	const char *call = put ? "shmem_ring_put()" : "shmem_ring_get()";
	unsigned char item[16];

	for (size_t c = 0; c < n_cases; c++) {
		for (unsigned k = 1; k <= 4; k++) {
			int rc;

			make_item(item, sizeof(item), 7);
			grade_fail_nth(cases[c].function, k, cases[c].err);
			rc = put ? shmem_ring_put(r->ring, item)
				 : shmem_ring_get(r->ring, item);
			if (!grade_expect_clean_failure(rc, cases[c].err, call)) {
				TEST_ASSERT(rc == 0, "%s failed: %s", call,
					    ipc_errno_name(errno));
				break; /* fewer than k such calls */
			}
		}
	}
}

START_TEST(test_ring_put_get_report_errors)
{
	/* The calls that wait (P) or post (V), whichever semaphores the
	 * ring has; a failure other than EINTR is final. */
	static const struct failing_call cases[] = {
		{ "sem_wait", EINVAL },	    { "sem_post", EOVERFLOW },
		{ "semop", EIDRM },	    { "semtimedop", EIDRM },
	};
	struct ring_run *r = new_ring_run(8, 16, 0);
	struct null_probe *p = shared_alloc(sizeof(*p));
	unsigned char item[16];
	int status;

	/* One item in: a get() that ignored its NULL would not wait. */
	make_item(item, sizeof(item), 0);
	require_implemented(shmem_ring_put(r->ring, item), "shmem_ring_put", 3);
	p->ring = r->ring;
	status = join_helper(spawn_helper(probe_null_arguments, p), 5000);
	TEST_ASSERT(status == 0 && p->step == 5,
		    "the process calling %s %s: check the arguments before "
		    "using them, and fail with EINVAL",
		    null_calls[p->step < 5 ? p->step : 4], describe(status));
	for (int i = 0; i < 5; i++) {
		errno = p->err[i];
		require_implemented(p->rc[i],
				    i < 2   ? "shmem_ring_put"
				    : i < 4 ? "shmem_ring_get"
					    : "shmem_ring_destroy",
				    3);
		TEST_ASSERT(p->rc[i] == -1 && p->err[i] == EINVAL,
			    "%s returned %d (%s), not -1 with EINVAL", null_calls[i],
			    p->rc[i], ipc_errno_name(p->err[i]));
	}
	TEST_ASSERT(shmem_ring_get(r->ring, item) == 0,
		    "shmem_ring_get() failed: %s", ipc_errno_name(errno));

	/* At most 5 of the 8 slots are used, failed calls included. */
	check_ring_call_failures(r, true, cases, GRADE_COUNT(cases));
	destroy_ring(r->ring);
	/* A full ring: at most 5 of its 8 items are taken. */
	r = new_ring_run(8, 16, 0);
	for (uint64_t i = 0; i < 8; i++) {
		make_item(item, sizeof(item), i);
		TEST_ASSERT(shmem_ring_put(r->ring, item) == 0,
			    "shmem_ring_put() failed: %s", ipc_errno_name(errno));
	}
	check_ring_call_failures(r, false, cases, GRADE_COUNT(cases));
	destroy_ring(r->ring);
}
END_TEST

START_TEST(test_demo_ring_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){"ring", "20000", "8", "24", NULL}, NULL, 0);
	grade_compare_with_reference(
		(const char *[]){"ring", "2000", "1", "16", NULL}, NULL, 0);
}
END_TEST

/* ======================================== step 4: the race, visible */

/** What the adding helpers share with the test. */
struct add_run {
	struct shmem_counter counter; /**< the student's counter */
	int gun[2];  /**< every adder waits for EOF here, then goes */
	long times;  /**< increments per process */
	bool synced; /**< shmem_counter_add, or the _unsync one */
	int err;     /**< errno of a failed call, 0 if none */
};

/** Helper: wait for the start, then add. */
static int
adder(void *arg)
{
	struct add_run *a = arg;
	char c;
	int rc;

	close(a->gun[1]);
	if (read(a->gun[0], &c, 1) != 0) /* 0: EOF, everybody starts now */
		return 3;
	rc = a->synced ? shmem_counter_add(&a->counter, a->times)
		       : shmem_counter_add_unsync(&a->counter, a->times);
	if (rc == -1)
		a->err = errno;
	return rc == 0 ? 0 : 1;
}

/** Run @p procs adders that start at the same moment; wait for them. */
static void
run_adders(struct add_run *a, int procs)
{
	pid_t pids[8];

	TEST_ASSERT(pipe2(a->gun, O_CLOEXEC) == 0, "grader: pipe2: %s",
		    strerror(errno));
	for (int i = 0; i < procs; i++)
		pids[i] = spawn_helper(adder, a);
	close(a->gun[0]);
	close(a->gun[1]); /* the start: every adder's read() returns 0 */
	for (int i = 0; i < procs; i++) {
		int status = join_helper(pids[i], 10000);
		require_implemented_errno(a->err,
					  a->synced
						  ? "shmem_counter_add"
						  : "shmem_counter_add_unsync",
					  4);
		TEST_ASSERT(status == 0, "an adding process %s (%s)",
			    describe(status), ipc_errno_name(a->err));
	}
}

/** A counter in shared memory, made by the student's init. */
static struct add_run *
new_add_run(void)
{
	struct add_run *a = shared_alloc(sizeof(*a));

	require_implemented(shmem_counter_init(&a->counter),
			    "shmem_counter_init", 4);
	made_counter(&a->counter);
	TEST_ASSERT(a->counter.value == 0, "shmem_counter_init() must set "
					   "the value to 0");
	return a;
}

/** The test is done with @p counter (every adder collected): destroy it. */
static void
destroy_counter(struct shmem_counter *counter)
{
	int rc;

	made_counter(NULL); /* from here on, what is left is the student's */
	rc = shmem_counter_destroy(counter);
	require_implemented(rc, "shmem_counter_destroy", 4);
	TEST_ASSERT(rc == 0, "shmem_counter_destroy() failed: %s",
		    ipc_errno_name(errno));
	require_sems_destroyed(0, "shmem_counter_destroy()", "");
}

START_TEST(test_counter_counts_in_one_process)
{
	struct add_run *a = shared_alloc(sizeof(*a));

	a->counter.value = 99; /* init must reset it */
	require_implemented(shmem_counter_init(&a->counter),
			    "shmem_counter_init", 4);
	made_counter(&a->counter);
	TEST_ASSERT(a->counter.value == 0,
		    "shmem_counter_init() must set "
		    "the value to 0, it is %ld",
		    a->counter.value);
	require_implemented(shmem_counter_add(&a->counter, 1000),
			    "shmem_counter_add", 4);
	require_implemented(shmem_counter_add_unsync(&a->counter, 234),
			    "shmem_counter_add_unsync", 4);
	TEST_ASSERT(a->counter.value == 1234,
		    "add(1000) then "
		    "add_unsync(234) gave %ld, not 1234",
		    a->counter.value);
	errno = 0;
	TEST_ASSERT(shmem_counter_add(&a->counter, -1) == -1 && errno == EINVAL,
		    "shmem_counter_add(counter, -1) must fail with EINVAL");
	TEST_ASSERT(
		shmem_counter_add(&a->counter, 0) == 0,
		"shmem_counter_add(counter, 0) must succeed and add nothing");
	TEST_ASSERT(sem_trywait(&a->counter.lock) == 0,
		    "after shmem_counter_add() the semaphore is not free: "
		    "post it after every increment");
	sem_post(&a->counter.lock);
	destroy_counter(&a->counter);
}
END_TEST

START_TEST(test_counter_unsync_race_is_possible)
{
	struct add_run *a = new_add_run();
	long total = 4 * 250000L;

	/* Updates may be lost or not (that depends on the machine and on
	 * luck): only the impossible is a failure. */
	a->times = 250000;
	a->synced = false;
	run_adders(a, 4);
	TEST_ASSERT(a->counter.value > 0 && a->counter.value <= total,
		    "4 processes adding 250000 each without a lock gave %ld: "
		    "lost updates make it smaller than %ld, never larger",
		    a->counter.value, total);
	destroy_counter(&a->counter);
}
END_TEST

START_TEST(test_counter_synchronised_is_exact)
{
	struct add_run *a = new_add_run();
	long total = 4 * 100000L;

	a->times = 100000;
	a->synced = true;
	run_adders(a, 4);
	TEST_ASSERT(a->counter.value == total,
		    "4 processes adding 100000 each under the semaphore gave "
		    "%ld, not %ld: %ld updates were lost. No synchronisation: "
		    "two processes read the same value and both stored "
		    "value + 1. Hold the semaphore (sem_wait ... sem_post) "
		    "around every counter->value++",
		    a->counter.value, total, total - a->counter.value);
	destroy_counter(&a->counter);
}
END_TEST

START_TEST(test_counter_lock_works_across_processes)
{
	struct add_run *a = new_add_run();
	int status;
	pid_t pid;

	TEST_ASSERT(pipe2(a->gun, O_CLOEXEC) == 0, "grader: pipe2: %s",
		    strerror(errno));
	close(a->gun[1]);
	a->gun[1] = -1;
	a->times = 1;
	a->synced = true;
	/* The test holds the lock: the adder must wait for it, asleep. */
	TEST_ASSERT(sem_trywait(&a->counter.lock) == 0,
		    "the counter's semaphore must start at 1 (unlocked): "
		    "sem_init(&counter->lock, 1, 1)");
	pid = spawn_helper(adder, a);
	close(a->gun[0]);
	if (require_asleep(pid, "adding process", "shmem_counter_add") ==
	    EXITED) {
		status = join_helper(pid, 1000);
		require_implemented_errno(a->err, "shmem_counter_add", 4);
		TEST_ABORT("shmem_counter_add() did not wait while another "
			   "process held the semaphore (%s, value %ld): no "
			   "synchronisation. sem_wait() on counter->lock "
			   "before every increment",
			   describe(status), a->counter.value);
	}
	TEST_ASSERT(a->counter.value == 0, "the counter changed while "
					   "another process held the lock");
	sem_post(&a->counter.lock);
	if (!exits_within(pid, 2000))
		TEST_ABORT("the adding process stayed asleep after the lock "
			   "was released: the wake-up never crossed processes. "
			   "Make the semaphore with pshared = 1: "
			   "sem_init(&counter->lock, 1, 1)");
	status = join_helper(pid, 1000);
	TEST_ASSERT(status == 0 && a->counter.value == 1,
		    "the adding process %s, value %ld", describe(status),
		    a->counter.value);
	destroy_counter(&a->counter);
}
END_TEST

/** What a helper that calls the counter functions with bad arguments
 *  found out. */
struct counter_probe {
	struct shmem_counter counter; /**< a counter nobody initialised */
	int step;		      /**< the call in progress */
	int rc[5];		      /**< what each returned */
	int err[5];		      /**< errno after each */
};

static const char *const counter_calls[] = {
	"shmem_counter_init(NULL)",	   "shmem_counter_add(NULL, 1)",
	"shmem_counter_add_unsync(NULL, 1)", "shmem_counter_add_unsync(counter, -1)",
	"shmem_counter_destroy(NULL)",
};

/** Helper: each counter function with a bad argument. */
static int
probe_counter_arguments(void *arg)
{
	struct counter_probe *p = arg;

	for (p->step = 0; p->step < 5; p->step++) {
		int rc = 0;
		errno = 0;
		switch (p->step) {
		case 0: rc = shmem_counter_init(NULL); break;
		case 1: rc = shmem_counter_add(NULL, 1); break;
		case 2: rc = shmem_counter_add_unsync(NULL, 1); break;
		case 3: rc = shmem_counter_add_unsync(&p->counter, -1); break;
		default: rc = shmem_counter_destroy(NULL); break;
		}
		p->rc[p->step] = rc;
		p->err[p->step] = errno;
	}
	return 0;
}

START_TEST(test_counter_reports_errors)
{
	struct counter_probe *p = shared_alloc(sizeof(*p));
	struct add_run *a = shared_alloc(sizeof(*a));
	int status, rc;

	status = join_helper(spawn_helper(probe_counter_arguments, p), 5000);
	TEST_ASSERT(status == 0 && p->step == 5,
		    "the process calling %s %s: check the arguments before "
		    "using them, and fail with EINVAL",
		    counter_calls[p->step < 5 ? p->step : 4], describe(status));
	for (int i = 0; i < 5; i++) {
		errno = p->err[i];
		require_implemented(p->rc[i],
				    i == 0   ? "shmem_counter_init"
				    : i == 1 ? "shmem_counter_add"
				    : i < 4  ? "shmem_counter_add_unsync"
					     : "shmem_counter_destroy",
				    4);
		TEST_ASSERT(p->rc[i] == -1 && p->err[i] == EINVAL,
			    "%s returned %d (%s), not -1 with EINVAL",
			    counter_calls[i], p->rc[i], ipc_errno_name(p->err[i]));
	}

	grade_fail_nth("sem_init", 1, ENOMEM);
	rc = shmem_counter_init(&a->counter);
	if (!grade_expect_clean_failure(rc, ENOMEM, "shmem_counter_init()"))
		made_counter(&a->counter); /* no sem_init(): it ran normally */
	else
		require_sems_destroyed(0, "shmem_counter_init()",
				       "when sem_init() failed, ");
	if (made.counter == NULL) {
		rc = shmem_counter_init(&a->counter);
		TEST_ASSERT(rc == 0, "shmem_counter_init() failed: %s",
			    ipc_errno_name(errno));
		made_counter(&a->counter);
	}

	/* The 2nd increment cannot take the lock: the 1st stays done. */
	grade_fail_nth("sem_wait", 2, EINVAL);
	rc = shmem_counter_add(&a->counter, 3);
	if (grade_expect_clean_failure(rc, EINVAL, "shmem_counter_add()"))
		TEST_ASSERT(a->counter.value == 1,
			    "when the 2nd sem_wait() call failed with EINVAL, "
			    "shmem_counter_add(counter, 3) returned -1 and the "
			    "counter is %ld, not 1: stop at the first failure, "
			    "without adding unlocked",
			    a->counter.value);
	else
		TEST_ASSERT(rc == 0, "shmem_counter_add() failed: %s",
			    ipc_errno_name(errno));
	TEST_ASSERT(sem_trywait(&a->counter.lock) == 0,
		    "after shmem_counter_add() returned, the counter's "
		    "semaphore is not free: a failed sem_wait() took nothing, "
		    "so there is nothing to post");
	sem_post(&a->counter.lock);

	/* The 1st release fails: the caller must hear of it. */
	grade_fail_nth("sem_post", 1, EOVERFLOW);
	rc = shmem_counter_add(&a->counter, 3);
	if (grade_expect_clean_failure(rc, EOVERFLOW, "shmem_counter_add()"))
		sem_post(&a->counter.lock); /* the one that failed */
	else
		TEST_ASSERT(rc == 0, "shmem_counter_add() failed: %s",
			    ipc_errno_name(errno));
	destroy_counter(&a->counter);
}
END_TEST

START_TEST(test_demo_count_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){"count", "4", "20000", NULL}, NULL, 0);
}
END_TEST

/* ------------------------------------------------------------- the table */

static const struct grade_test tests[] = {
	{GRADE_REF(test_sysv_create_attach_detach_remove), 1, 2, 0, NULL},
	{GRADE_REF(test_sysv_create_is_exclusive), 1, 1, 0, NULL},
	{GRADE_REF(test_sysv_removed_segment_lives_until_detach), 1, 2, 0,
	 NULL},
	{GRADE_REF(test_sysv_errors_are_reported), 1, 1, 0, NULL},
	{GRADE_REF(test_sysv_child_writes_parent_reads), 1, 2, 5,
	 "the parent never got past waiting for the child: does the child "
	 "end with _exit() after fill()?"},
	{GRADE_REF(test_sysv_child_writes_odd_size), 1, 1, 5, NULL},
	{GRADE_REF(test_sysv_parent_waits_for_writer), 1, 2, 5, NULL},
	{GRADE_REF(test_sysv_child_failure_is_reported), 1, 1, 5, NULL},
	{GRADE_REF(test_sysv_child_writes_cleans_up_when_calls_fail), 1, 2, 5,
	 "the parent never got past waiting for the child: when a call "
	 "fails, return -1 at once"},
	{GRADE_REF(test_sysv_child_writes_survives_interrupted_waitpid), 1, 1, 5,
	 NULL},
	{GRADE_REF(test_demo_sysv_matches_reference), 1, 1, 10, NULL},
	{GRADE_REF(test_posix_create_and_open_share_pages), 2, 2, 0, NULL},
	{GRADE_REF(test_posix_errors_are_reported), 2, 1, 0, NULL},
	{GRADE_REF(test_posix_object_outlives_its_processes), 2, 2, 0, NULL},
	{GRADE_REF(test_file_mapping_persists_after_processes_exit), 2, 2, 0,
	 NULL},
	{GRADE_REF(test_file_map_keeps_contents_and_grows), 2, 1, 0, NULL},
	{GRADE_REF(test_posix_create_cleans_up_when_calls_fail), 2, 2, 0, NULL},
	{GRADE_REF(test_posix_open_reports_errors), 2, 1, 0, NULL},
	{GRADE_REF(test_file_map_cleans_up_when_calls_fail), 2, 1, 0, NULL},
	{GRADE_REF(test_demo_posix_matches_reference), 2, 1, 10, NULL},
	{GRADE_REF(test_demo_file_matches_reference), 2, 1, 10, NULL},
	{GRADE_REF(test_ring_size_and_init_check_arguments), 3, 1, 0, NULL},
	{GRADE_REF(test_ring_fifo_in_one_process), 3, 2, 3,
	 "put() or get() blocked in a single process although the ring was "
	 "neither full nor empty: check the semaphores' initial values"},
	{GRADE_REF(test_ring_consumer_blocks_when_empty), 3, 2, 8, NULL},
	{GRADE_REF(test_ring_producer_blocks_when_full), 3, 2, 8,
	 "get() blocked although the ring held items"},
	{GRADE_REF(test_ring_capacity_1_holds_one), 3, 1, 8,
	 "get() blocked although the ring held items: off by one?"},
	{GRADE_REF(test_ring_capacity_2_holds_two), 3, 1, 8,
	 "get() blocked although the ring held items: off by one?"},
	{GRADE_REF(test_ring_capacity_1_stream), 3, 2, 12, NULL},
	{GRADE_REF(test_ring_capacity_2_stream), 3, 2, 12, NULL},
	{GRADE_REF(test_ring_large_items), 3, 1, 12, NULL},
	{GRADE_REF(test_ring_million_items), 3, 3, 25, NULL},
	{GRADE_REF(test_ring_put_publishes_after_copy), 3, 2, 8, NULL},
	{GRADE_REF(test_ring_get_frees_slot_after_copy), 3, 2, 8, NULL},
	{GRADE_REF(test_ring_get_survives_signals), 3, 1, 8,
	 "the consumer never woke up after the signal: retry sem_wait() "
	 "after EINTR"},
	{GRADE_REF(test_ring_init_cleans_up_when_calls_fail), 3, 2, 3, NULL},
	{GRADE_REF(test_ring_init_resets_reused_memory), 3, 1, 3,
	 "get() blocked on a new ring after put(): does shmem_ring_init() "
	 "make both semaphores afresh, and set head and tail to 0?"},
	{GRADE_REF(test_ring_put_get_report_errors), 3, 1, 5,
	 "put() or get() blocked although the ring was neither full nor "
	 "empty: after a failed wait (not EINTR), return -1 instead of "
	 "waiting again"},
	{GRADE_REF(test_demo_ring_matches_reference), 3, 1, 20, NULL},
	{GRADE_REF(test_counter_counts_in_one_process), 4, 1, 3,
	 "shmem_counter_add() blocked in a single process: does the "
	 "semaphore start at 1, and is it posted after every increment?"},
	{GRADE_REF(test_counter_unsync_race_is_possible), 4, 1, 10, NULL},
	{GRADE_REF(test_counter_synchronised_is_exact), 4, 2, 15,
	 "the adding processes never finished: a process waits for a "
	 "semaphore nobody posts. Post after every increment, and make it "
	 "with pshared = 1"},
	{GRADE_REF(test_counter_lock_works_across_processes), 4, 2, 8, NULL},
	{GRADE_REF(test_counter_reports_errors), 4, 1, 5,
	 "shmem_counter_add() blocked in a single process: after a failed "
	 "sem_wait() or sem_post(), return -1 at once"},
	{GRADE_REF(test_demo_count_matches_reference), 4, 1, 15, NULL},
};

static const struct grade_lab lab = {
	"05-shm",
	"Shared memory",
	tests,
	GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
