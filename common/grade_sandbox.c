/* SPDX-License-Identifier: MIT */
/**
 * @file grade_sandbox.c
 * @brief Run one test of a grader in a sandbox and collect what it left.
 *
 * For every test the driver forks a supervisor. The supervisor becomes a
 * child subreaper in a session of its own, so every process the test starts,
 * even one that called setsid() or setpgid(), is reparented to it and can be
 * found and killed. Where the kernel allows it (root, or unprivileged user
 * namespaces), the supervisor also gives the test its own IPC namespace and
 * private /tmp and /dev/shm: every System V object, POSIX queue, POSIX
 * semaphore or shared memory name and temp file the test leaves is then
 * visible to the supervisor alone, is reported, and vanishes with the
 * namespace, so two graders on one machine never see each other's objects.
 * Elsewhere ("snapshot" mode) the supervisor compares listings taken before
 * and after the test, and removes only what appeared during it.
 */
#include "grade_driver.h"
#include "grade_protocol.h"
#include "ipc_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define MQUEUE_MOUNT "/tmp/.ipclab-mqueue"
#define OUTPUT_TAIL 2048
#define MAX_LISTED 256

/** Namespace mode made the project a read-only mount (read_only_bind()). */
static bool project_mounted_read_only;

/** What the hang explainer said about the test running now, or NULL. */
static char *hang_explained;
/** Seconds Check waits past a test's time limit (see explain_hang()). */
#define TIMEOUT_GRACE_S 1
#define TIMEOUT_GRACE_TEXT "1"

/** The supervisor's SIGTERM, as an fd: the driver asks it to stop early. */
static int stop_fd = -1;
/** Did the driver stop this test (Ctrl+C)? Then it has no verdict. */
static bool stopped;

/**
 * The test's verdict channel (see grade_protocol.h), made by the supervisor
 * before the test starts: a random key, a pipe holding it for the grader to
 * read first thing, and the pipe the verdict records come back on.
 */
static struct {
	char key[GRADE_KEY_LEN + 1];
	int key_fd;	/**< read end holding the key (the grader's) */
	int verdict_fd; /**< write end for the records (the grader's) */
	int read_fd;	/**< the supervisor's end of the records */
} channel = { "", -1, -1, -1 };

/** A growing text buffer for the supervisor's report. */
struct text {
	char *buf;
	size_t len, cap;
};

static void
text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = (t->cap + (size_t)n + 1) * 2;
		char *bigger = realloc(t->buf, cap);
		if (bigger == NULL)
			return;
		t->buf = bigger;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/** Listing of names in a directory or ids in /proc/sysvipc, to diff. */
struct listing {
	char names[MAX_LISTED][256];
	size_t n;
};

/* ------------------------------------------------------------ namespaces */

/** Write @p text to a /proc file (uid_map and friends). */
static int
write_proc_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = ipc_write_all(fd, text, strlen(text));
	close(fd);
	return n == -1 ? -1 : 0;
}

/** Become root of a new user namespace (unprivileged users only). */
static int
enter_user_namespace(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER) == -1)
		return -1;
	snprintf(map, sizeof(map), "0 %ld 1\n", (long)uid);
	if (write_proc_file("/proc/self/uid_map", map) == -1)
		return -1;
	if (write_proc_file("/proc/self/setgroups", "deny") == -1)
		return -1;
	snprintf(map, sizeof(map), "0 %ld 1\n", (long)gid);
	return write_proc_file("/proc/self/gid_map", map);
}

/** mkdir -p for the directories of @p path (made inside a fresh tmpfs). */
static int
make_parents(const char *path)
{
	char buf[1200];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) == -1 && errno != EEXIST ? -1 : 0;
}

/**
 * Give /tmp a fresh tmpfs, keeping @p keep (the project, if it lives under
 * /tmp) visible at its own path: the tmpfs is prepared on /dev/shm with a
 * bind mount of @p keep inside, then moved onto /tmp.
 */
static int
private_tmp(const char *keep)
{
	const char *opts = "mode=1777,size=1g";

	if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, opts) == -1)
		return -1;
	if (keep != NULL && strncmp(keep, "/tmp/", 5) == 0) {
		char inside[1200];
		snprintf(inside, sizeof(inside), "/dev/shm/%s", keep + 5);
		if (make_parents(inside) == -1 ||
		    mount(keep, inside, NULL, MS_BIND | MS_REC, NULL) == -1)
			return -1;
	}
	if (mount("/dev/shm", "/tmp", NULL, MS_MOVE, NULL) == -1)
		return -1;
	/* And a second fresh tmpfs for POSIX shm and semaphore names. */
	return mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, opts);
}

/**
 * Make @p path read-only in this mount namespace (with or without Landlock,
 * the project is read-only to tests). A bind mount of it onto itself is
 * remounted read-only, keeping the flags it had (a user namespace may not
 * drop nosuid, nodev or noexec).
 */
static int
read_only_bind(const char *path)
{
	static const struct {
		unsigned long st, ms;
	} kept[] = { { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV },
		     { ST_NOEXEC, MS_NOEXEC }, { ST_NOATIME, MS_NOATIME },
		     { ST_NODIRATIME, MS_NODIRATIME },
		     { ST_RELATIME, MS_RELATIME } };
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
	struct statvfs st;

	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) == -1 ||
	    statvfs(path, &st) == -1)
		return -1;
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (st.f_flag & kept[i].st)
			flags |= kept[i].ms;
	return mount(NULL, path, NULL, flags, NULL);
}

/** Try to enter private IPC, mount and PID namespaces; 0 on success. */
static int
enter_namespaces(const struct driver_options *opt)
{
	if (opt->no_namespaces)
		return -1;
	if (geteuid() != 0 && enter_user_namespace() == -1)
		return -1;
	/* The PID namespace applies to our children: the first one becomes
	 * its init (see run_init()). */
	if (unshare(CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWPID) == -1)
		return -1;
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return -1;
	if (private_tmp(opt->keep_path) == -1)
		return -1;
	if (opt->keep_path != NULL && read_only_bind(opt->keep_path) == -1)
		return -1;
	project_mounted_read_only = opt->keep_path != NULL;
	/* The queues of this IPC namespace, for the leak check. */
	if (mkdir(MQUEUE_MOUNT, 0700) == -1 ||
	    mount("mqueue", MQUEUE_MOUNT, "mqueue", 0, NULL) == -1)
		return -1;
	return 0;
}

/* -------------------------------------------------------------- listings */

/** List the entries of a directory (without . and ..); with @p owner
 *  other than -1, only those owned by that uid. */
static void
list_dir(const char *dir, struct listing *l, long owner)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;

	l->n = 0;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && l->n < MAX_LISTED) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (owner != -1 && (fstatat(dirfd(d), e->d_name, &st,
					    AT_SYMLINK_NOFOLLOW) == -1 ||
				    (long)st.st_uid != owner))
			continue;
		snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", e->d_name);
	}
	closedir(d);
}

/** Column (1-based) of the creator's uid in /proc/sysvipc/KIND. */
static int
creator_uid_column(const char *kind)
{
	return strcmp(kind, "sem") == 0 ? 7 : 10; /* msg and shm: 10 */
}

/** List System V objects of one kind as "id key" strings; with @p owner
 *  other than -1, only those that uid created. */
static void
list_sysv(const char *kind, struct listing *l, long owner)
{
	char path[64], line[512];
	FILE *f;

	l->n = 0;
	snprintf(path, sizeof(path), "/proc/sysvipc/%s", kind);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fgets(line, sizeof(line), f) == NULL) { /* header */
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL && l->n < MAX_LISTED) {
		long long key, id, cuid = -1;
		char *field = line, *end;
		for (int col = 1; col <= creator_uid_column(kind); col++) {
			long long v = strtoll(field, &end, col == 3 ? 8 : 10);
			if (end == field)
				break;
			if (col == 1)
				key = v;
			else if (col == 2)
				id = v;
			else if (col == creator_uid_column(kind))
				cuid = v;
			field = end;
		}
		if (cuid == -1 || (owner != -1 && cuid != owner))
			continue;
		snprintf(l->names[l->n++], sizeof(l->names[0]), "%lld 0x%08llx",
			 id, key & 0xffffffffLL);
	}
	fclose(f);
}

static bool
listed(const struct listing *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return true;
	return false;
}

/** Everything the leak check compares before and after a test. */
struct snapshot {
	struct listing msg, sem, shm, dev_shm, mqueue, tmp;
};

/** List what a test can leave behind. In a namespace everything there is
 *  the test's; otherwise only what @p owner (the test's uid) owns counts. */
static void
take_snapshot(struct snapshot *s, bool namespaced, long owner)
{
	if (namespaced)
		owner = -1;
	list_sysv("msg", &s->msg, owner);
	list_sysv("sem", &s->sem, owner);
	list_sysv("shm", &s->shm, owner);
	list_dir("/dev/shm", &s->dev_shm, owner);
	list_dir(namespaced ? MQUEUE_MOUNT : "/dev/mqueue", &s->mqueue, owner);
	list_dir("/tmp", &s->tmp, owner);
}

/** Report (and, in snapshot mode, remove) System V objects left over. */
static void
report_sysv(struct text *t, const char *kind, const struct listing *before,
	    const struct listing *after, bool remove_them)
{
	for (size_t i = 0; i < after->n; i++) {
		long id;
		unsigned long key;
		if (listed(before, after->names[i]) ||
		    sscanf(after->names[i], "%ld 0x%lx", &id, &key) != 2)
			continue;
		if (strcmp(kind, "msg") == 0) {
			text_add(t, "left a System V message queue (id %ld, key 0x%08lx): "
				    "remove it with msgctl(id, IPC_RMID, NULL)\n", id, key);
			if (remove_them)
				msgctl((int)id, IPC_RMID, NULL);
		} else if (strcmp(kind, "sem") == 0) {
			text_add(t, "left a System V semaphore set (id %ld, key 0x%08lx): "
				    "remove it with semctl(id, 0, IPC_RMID)\n", id, key);
			if (remove_them)
				semctl((int)id, 0, IPC_RMID);
		} else {
			text_add(t, "left a System V shared memory segment (id %ld, key "
				    "0x%08lx): remove it with shmctl(id, IPC_RMID, NULL)\n",
				 id, key);
			if (remove_them)
				shmctl((int)id, IPC_RMID, NULL);
		}
	}
}

/** Report (and maybe remove) new names in a directory of IPC names. */
static void
report_names(struct text *t, const char *dir, const struct listing *before,
	     const struct listing *after, bool remove_them, const char *skip)
{
	for (size_t i = 0; i < after->n; i++) {
		const char *name = after->names[i];
		char path[600];
		if (listed(before, name) || (skip && strcmp(name, skip) == 0) ||
		    strncmp(name, ".ipclab-", 8) == 0) /* the engine's own */
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (strcmp(dir, "/dev/shm") == 0 && strncmp(name, "sem.", 4) == 0)
			text_add(t, "left the POSIX named semaphore /%s: remove it "
				    "with sem_unlink(\"/%s\")\n", name + 4, name + 4);
		else if (strcmp(dir, "/dev/shm") == 0)
			text_add(t, "left the POSIX shared memory object /%s: remove "
				    "it with shm_unlink(\"/%s\")\n", name, name);
		else if (strcmp(dir, "/tmp") == 0)
			text_add(t, "left %s: a test may create files only in the "
				    "directory it gives you, never at a fixed /tmp "
				    "path\n", path);
		else
			text_add(t, "left the POSIX message queue /%s: remove it "
				    "with mq_unlink(\"/%s\")\n", name, name);
		if (remove_them)
			unlink(path);
	}
}

/** The test's leftovers, comparing after with before. */
static void
report_leftovers(struct text *t, const struct snapshot *before,
		 const struct snapshot *after, bool namespaced,
		 const char *test_dir_name)
{
	/* In a namespace all of this vanishes with it; otherwise clean up. */
	bool remove_them = !namespaced;

	report_sysv(t, "msg", &before->msg, &after->msg, remove_them);
	report_sysv(t, "sem", &before->sem, &after->sem, remove_them);
	report_sysv(t, "shm", &before->shm, &after->shm, remove_them);
	report_names(t, "/dev/shm", &before->dev_shm, &after->dev_shm,
		     remove_them, NULL);
	report_names(t, namespaced ? MQUEUE_MOUNT : "/dev/mqueue",
		     &before->mqueue, &after->mqueue, remove_them, NULL);
	report_names(t, "/tmp", &before->tmp, &after->tmp, remove_them,
		     test_dir_name);
}

/* ------------------------------------------------------------- processes */

/** Is @p pid already dying: SIGKILL pending (e.g. from Check's killpg at a
 *  timeout) or exiting (PF_EXITING), but not yet a zombie? Such a process
 *  did not escape; freeing a big address space just takes a moment. */
static bool
is_being_killed(pid_t pid)
{
	char path[64], line[512], *close_paren;
	unsigned long long mask;
	unsigned long flags;
	bool dying = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (f != NULL && fgets(line, sizeof(line), f) != NULL &&
	    (close_paren = strrchr(line, ')')) != NULL &&
	    sscanf(close_paren + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) == 1)
		dying = (flags & 0x4) != 0; /* PF_EXITING */
	if (f != NULL)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	while (f != NULL && !dying && fgets(line, sizeof(line), f) != NULL)
		if ((sscanf(line, "SigPnd: %llx", &mask) == 1 ||
		     sscanf(line, "ShdPnd: %llx", &mask) == 1) &&
		    (mask & (1ull << (SIGKILL - 1))))
			dying = true;
	if (f != NULL)
		fclose(f);
	return dying;
}

/** Describe a process left behind by the test (zombies do not count). */
static void
report_escaped(struct text *t, pid_t pid)
{
	char comm[64] = "?";
	char state = ipc_process_state(pid, comm, sizeof(comm));

	if (state != 'Z' && state != '?' && !is_being_killed(pid))
		text_add(t, "process %s was still running after the test: it "
			    "escaped the test's process group (setsid/setpgid?) "
			    "or was never waited for; the grader killed it\n",
			 comm);
}

/** Snapshot mode: kill every process reparented to us (the subreaper). */
static void
kill_escaped(struct text *t)
{
	char path[64];
	bool found = true;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
		 (long)getpid());
	while (found) {
		FILE *f = fopen(path, "r");
		long child;
		found = false;
		while (f != NULL && fscanf(f, "%ld", &child) == 1) {
			report_escaped(t, (pid_t)child);
			kill((pid_t)child, SIGKILL);
			found = true;
		}
		if (f != NULL)
			fclose(f);
		/* Reap them; their own children come to us next round. */
		while (found && (waitpid(-1, NULL, 0) > 0 || errno == EINTR))
			;
	}
}

/** Keep the last OUTPUT_TAIL bytes of the test's output file. */
static char *
read_tail(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	off_t size;
	ssize_t n;

	if (fd == -1)
		return NULL;
	size = lseek(fd, 0, SEEK_END);
	if (size > OUTPUT_TAIL)
		lseek(fd, size - OUTPUT_TAIL, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	buf = calloc(1, OUTPUT_TAIL + 1);
	n = buf ? ipc_read_all(fd, buf, OUTPUT_TAIL) : -1;
	close(fd);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	if (size > OUTPUT_TAIL) { /* say so: the start is not shown */
		char *cut = NULL;
		if (asprintf(&cut, "[output cut: it printed %lld bytes; the "
				   "last %d follow]\n%s",
			     (long long)size, OUTPUT_TAIL, buf) != -1) {
			free(buf);
			buf = cut;
		}
	}
	return buf;
}

/* ------------------------------------------------------- the test process */

/**
 * Can a test of this lab run unprivileged (as opt->test_uid) in snapshot
 * mode? Only if every directory on the way to its grader is searchable by
 * others. (In namespace mode the programs are copied, so it always can.)
 */
static bool
can_run_unprivileged(const struct driver_options *opt, const char *grader)
{
	char path[1200];
	struct stat st;

	if (opt->test_uid == (uid_t)-1)
		return false;
	snprintf(path, sizeof(path), "%s", grader);
	for (char *slash = strrchr(path, '/'); slash != NULL && slash != path;
	     slash = strrchr(path, '/')) {
		*slash = '\0';
		if (stat(path, &st) == -1 || !(st.st_mode & S_IXOTH))
			return false;
	}
	return stat(grader, &st) == 0 && (st.st_mode & S_IXOTH);
}

/** Processes a test may start: a fork loop stops here. */
#define TEST_PROCESSES 256

/**
 * How many processes the real user @p uid runs now. RLIMIT_NPROC counts
 * all of them, not only the test's: a test run as the grading user (no
 * uid of its own) gets TEST_PROCESSES more than this, or a user who already
 * runs 300 processes would see every fork() of a correct lab fail.
 */
static long
processes_of(uid_t uid)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	long count = 0;

	while (proc != NULL && (e = readdir(proc)) != NULL) {
		struct stat st;
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (fstatat(dirfd(proc), e->d_name, &st, 0) == 0 &&
		    st.st_uid == uid)
			count++;
	}
	if (proc != NULL)
		closedir(proc);
	return count;
}

/** Limits that stop fork loops, runaway output, memory and CPU hogs. */
static void
set_limits(const struct driver_options *opt, double timeout_s, bool own_uid)
{
	rlim_t procs = TEST_PROCESSES + (own_uid ? 0 : processes_of(getuid()));
	struct rlimit nproc = { procs, procs };
	struct rlimit fsize = { 256u << 20, 256u << 20 };
	struct rlimit as = { 4ul << 30, 4ul << 30 };
	struct rlimit core = { 0, 0 };
	rlim_t cpu_s = (rlim_t)(timeout_s * 2) + 10;
	struct rlimit cpu = { cpu_s, cpu_s };

	setrlimit(RLIMIT_NPROC, &nproc);
	setrlimit(RLIMIT_FSIZE, &fsize);
	setrlimit(RLIMIT_CORE, &core);
	setrlimit(RLIMIT_CPU, &cpu);
	if (!opt->no_memory_limit)
		setrlimit(RLIMIT_AS, &as);
}

/** Drop root for the test: no capabilities, and RLIMIT_NPROC applies. */
static int
drop_privileges(const struct driver_options *opt, const char *test_dir)
{
	uid_t uid = opt->test_uid;

	if (chown(test_dir, uid, (gid_t)uid) == -1)
		return -1;
	if (setgroups(0, NULL) == -1 || setgid((gid_t)uid) == -1 ||
	    setuid(uid) == -1)
		return -1;
	return 0;
}

/** Give the test a clean signal state: nothing blocked, defaults. */
static void
unblock_all_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	ipc_close_quietly(stop_fd);
}

/** Make the verdict channel: a fresh key and the two pipes. */
static int
open_channel(void)
{
	unsigned char random[GRADE_KEY_LEN / 2];
	int key[2], records[2];

	if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random))
		return -1;
	for (size_t i = 0; i < sizeof(random); i++)
		snprintf(channel.key + 2 * i, 3, "%02x", random[i]);
	if (pipe2(key, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(records, O_CLOEXEC | O_NONBLOCK) == -1) {
		close(key[0]);
		close(key[1]);
		return -1;
	}
	/* The key fits the pipe's buffer: it waits there for the grader. */
	ipc_write_all(key[1], channel.key, GRADE_KEY_LEN);
	close(key[1]);
	fcntl(records[1], F_SETFL, 0); /* the grader's end blocks as usual */
	channel.key_fd = key[0];
	channel.verdict_fd = records[1];
	channel.read_fd = records[0];
	return 0;
}

/** In the grader process: keep the channel's ends open across exec, on
 *  high numbers (Check's own files take the low ones), and say where. */
static void
hand_channel_to_grader(void)
{
	char number[16];
	int key = fcntl(channel.key_fd, F_DUPFD, 64);
	int records = fcntl(channel.verdict_fd, F_DUPFD, 64);

	snprintf(number, sizeof(number), "%d", key);
	setenv(GRADE_ENV_KEY_FD, number, 1);
	snprintf(number, sizeof(number), "%d", records);
	setenv(GRADE_ENV_VERDICT_FD, number, 1);
}

/** In the supervisor once the test's processes exist: drop the grader's
 *  ends, so the records pipe ends when they do. */
static void
close_grader_ends(void)
{
	ipc_close_quietly(channel.key_fd);
	ipc_close_quietly(channel.verdict_fd);
	channel.key_fd = channel.verdict_fd = -1;
}

/**
 * Read the verdict records, once every process of the test is gone. Only
 * records that carry the key count; anything else code under test wrote on
 * the pipe is skipped. @p reached says whether the test's teardown sent its
 * record; the return value is Check's result (malloc'd), or NULL.
 */
static char *
read_verdict(bool *reached, struct text *notes)
{
	char *buf = NULL, *result = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	*reached = false;
	do {
		if (len + 4096 > cap) {
			char *bigger = realloc(buf, cap = cap * 2 + 8192);
			if (bigger == NULL)
				break;
			buf = bigger;
		}
		n = read(channel.read_fd, buf + len, cap - len);
		len += n > 0 ? (size_t)n : 0;
	} while ((n > 0 || (n == -1 && errno == EINTR)) && len < (1u << 20));
	ipc_close_quietly(channel.read_fd);
	channel.read_fd = -1;
	for (char *at = buf; at != NULL && at < buf + len;) {
		char tag[16];
		size_t size;
		char *nl, *key = memmem(at, (size_t)(buf + len - at), channel.key,
					GRADE_KEY_LEN);
		if (key == NULL)
			break;
		at = key + GRADE_KEY_LEN;
		nl = memchr(at, '\n', (size_t)(buf + len - at));
		if (nl == NULL || sscanf(at, " %15s %zu", tag, &size) != 2 ||
		    size > (size_t)(buf + len - nl - 1))
			continue;
		if (strcmp(tag, GRADE_RECORD_REACHED) == 0)
			*reached = true;
		else if (strcmp(tag, GRADE_RECORD_NOTE) == 0 && size < 512)
			text_add(notes, "%.*s\n", (int)size, nl + 1);
		else if (strcmp(tag, GRADE_RECORD_RESULT) == 0 && result == NULL)
			result = strndup(nl + 1, size);
		at = nl + 1 + size;
	}
	free(buf);
	return result;
}

/** Where the test's POSIX queues can be seen: our own mount of the
 *  namespace's mqueue file system, or the system's. */
static const char *
mqueue_mount(void)
{
	return access(MQUEUE_MOUNT, F_OK) == 0 ? MQUEUE_MOUNT : "/dev/mqueue";
}

/** The grader process: set up and exec `grader --run NAME`. */
static _Noreturn void
exec_grader(const struct driver_options *opt, const char *bin_dir,
	    const struct driver_test *test, const char *test_dir, bool unprivileged)
{
	char grader[1100], demo[1100], ref[1100], out[700];
	int fd;

	snprintf(grader, sizeof(grader), "%s/grader", bin_dir);
	snprintf(out, sizeof(out), "%s/.ipclab-output", test_dir);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	unblock_all_signals();
	fd = open("/dev/null", O_RDONLY);
	dup2(fd, STDIN_FILENO);
	close(fd);
	set_limits(opt, test->timeout_s * opt->timeout_scale, unprivileged);
	if (unprivileged && drop_privileges(opt, test_dir) == -1)
		_exit(125);
	if (confine_filesystem(opt, test_dir, mqueue_mount(),
			       project_mounted_read_only) == -1 &&
	    errno != ENOSYS && errno != EOPNOTSUPP)
		_exit(125);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	if (chdir(test_dir) == -1)
		_exit(125);
	setenv("TMPDIR", test_dir, 1);
	/* Check makes its own temporary files in $TEMP (else /tmp, which
	 * Landlock leaves read-only when the project lives under /tmp). */
	setenv("TEMP", test_dir, 1);
	setenv(GRADE_ENV_TEST_DIR, test_dir, 1);
	hand_channel_to_grader();
	setenv(GRADE_ENV_TIMEOUT_GRACE, TIMEOUT_GRACE_TEXT, 1);
	snprintf(demo, sizeof(demo), "%s/demo", bin_dir);
	snprintf(ref, sizeof(ref), "%s/reference-demo", bin_dir);
	if (access(demo, X_OK) == 0)
		setenv(GRADE_ENV_DEMO, demo, 1);
	if (access(ref, X_OK) == 0)
		setenv(GRADE_ENV_REF_DEMO, ref, 1);
	unsetenv("CK_RUN_SUITE");
	unsetenv("CK_RUN_CASE");
	unsetenv("CK_INCLUDE_TAGS");
	unsetenv("CK_EXCLUDE_TAGS");
	execl(grader, grader, "--run", test->name, (char *)NULL);
	fprintf(stderr, "cannot run %s: %s\n", grader, strerror(errno));
	_exit(126);
}

/**
 * Wait for @p child (the grader, or init), killing it (and its group) after
 * @p limit_ms, or at once when the driver sends SIGTERM (Ctrl+C): either
 * way the supervisor goes on to clean up after the test. At @p explain_ms,
 * the test's own time limit, ask the hang explainer about the processes
 * below @p root (as /proc shows them to us).
 */
static int
supervise_grader(pid_t child, pid_t root, int explain_ms, int limit_ms,
		 bool *overran)
{
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	struct pollfd pfd[2] = { { .fd = pidfd, .events = POLLIN },
				 { .fd = stop_fd, .events = POLLIN } };
	int status = 0, n;

	/* At the test's own time limit (Check waits a grace longer), look at
	 * what its processes are blocked in, while they still are. */
	do
		n = poll(pfd, 2, explain_ms);
	while (n == -1 && errno == EINTR);
	if (n == 0) {
		free(hang_explained);
		hang_explained = explain_hang(root);
		limit_ms -= explain_ms;
		do
			n = poll(pfd, 2, limit_ms);
		while (n == -1 && errno == EINTR);
	}
	*overran = pidfd == -1 || n != 1 || !(pfd[0].revents & POLLIN);
	stopped = stopped || (n >= 1 && (pfd[1].revents & POLLIN));
	if (*overran) {
		kill(-child, SIGKILL);
		kill(child, SIGKILL);
	}
	ipc_waitpid(child, &status);
	ipc_close_quietly(pidfd);
	return status;
}

/** Route SIGTERM to stop_fd, so a waiting supervisor sees it in poll(). */
static void
watch_for_stop(void)
{
	sigset_t term;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	stop_fd = signalfd(-1, &term, SFD_CLOEXEC);
	signal(SIGINT, SIG_IGN);
}

/** Make the directory the test runs in. */
static int
make_test_dir(bool namespaced, char *out, size_t out_len)
{
	const char *base = namespaced ? "/tmp" : getenv("IPCLAB_RUN_DIR");

	snprintf(out, out_len, "%s/ipclab-test-XXXXXX", base ? base : "/tmp");
	return mkdtemp(out) == NULL ? -1 : 0;
}

/** Remove a directory tree (the test's own temp dir). */
static void
remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			char child[1100];
			struct stat st;
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
			if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(child);
			else
				unlink(child);
		}
		closedir(d);
	}
	rmdir(path);
}

/** Send one field to the driver: a tag line then length-prefixed bytes. */
static void
send_field(int fd, const char *tag, const char *value)
{
	char head[64];
	size_t len = value ? strlen(value) : 0;

	snprintf(head, sizeof(head), "%s %zu\n", tag, len);
	ipc_write_all(fd, head, strlen(head));
	if (len)
		ipc_write_all(fd, value, len);
}

/** Copy @p from to @p to (a program the test may run), mode 0755. */
static int
copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	char *data = NULL;
	ssize_t n;

	if (in == -1)
		return -1;
	n = ipc_read_to_end(in, &data, 256u << 20);
	close(in);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (n == -1 || out == -1 || ipc_write_all(out, data, (size_t)n) == -1) {
		free(data);
		ipc_close_quietly(out);
		return -1;
	}
	free(data);
	return close(out);
}

/**
 * Copy the lab's programs into the private /tmp, owned by root and read-only
 * to the test: the test can run them unprivileged wherever the project lives,
 * and cannot replace the reference demo it is compared with.
 */
static int
copy_programs(const struct driver_lab *lab, const char *bin_dir)
{
	static const char *const names[] = { "grader", "demo", "reference-demo" };
	char from[1200], to[1200];

	if (mkdir(bin_dir, 0755) == -1)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		snprintf(from, sizeof(from), "%s/%s", lab->build_dir, names[i]);
		snprintf(to, sizeof(to), "%s/%s", bin_dir, names[i]);
		if (access(from, X_OK) == 0 && copy_file(from, to) == -1)
			return -1;
	}
	return 0;
}

/** Processes escaped listed one by one; beyond, only counted. */
#define ESCAPED_LISTED 5

/** In the PID namespace's init: describe and kill every process but us. */
static void
kill_namespace(struct text *t)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	long count = 0;

	while (proc != NULL && (e = readdir(proc)) != NULL) {
		long pid = strtol(e->d_name, NULL, 10);
		if (pid > 1 && ++count <= ESCAPED_LISTED)
			report_escaped(t, (pid_t)pid);
	}
	if (proc != NULL)
		closedir(proc);
	if (count > ESCAPED_LISTED)
		text_add(t, "... %ld processes in all were left when the test "
			    "ended%s\n", count,
			 count >= TEST_PROCESSES - 16
				 ? ": the limit is 256 per test (fork() fails "
				   "with EAGAIN beyond it); is there a fork() "
				   "in a loop that never stops?"
				 : "");
	kill(-1, SIGKILL); /* from init: every other process of the namespace */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/**
 * Init (pid 1) of the test's PID namespace: run the grader, reap orphans,
 * and when the grader is done report and kill whatever is left. Nothing a
 * test does can signal it (init ignores signals it has no handler for), and
 * kill(-1, ...) in the test reaches only this namespace.
 */
static _Noreturn void
run_init(const struct driver_options *opt, const char *bin_dir,
	 const struct driver_test *test, const char *test_dir, bool unprivileged,
	 int report_fd)
{
	struct text escaped = { 0 };
	char status_text[32];
	int status = 0;
	pid_t grader, pid;

	/* A /proc that shows this namespace's processes, with its own pids. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == -1)
		_exit(124);
	grader = fork();
	if (grader == 0)
		exec_grader(opt, bin_dir, test, test_dir, unprivileged);
	close_grader_ends();
	while ((pid = waitpid(-1, &status, 0)) != grader)
		if (pid == -1 && errno != EINTR)
			break; /* other children are orphans: just reaped */
	kill_namespace(&escaped);
	snprintf(status_text, sizeof(status_text), "%d", status);
	send_field(report_fd, "STATUS", status_text);
	send_field(report_fd, "ESCAPED", escaped.buf);
	_exit(0);
}

/** Read the fields init sent: the grader's status and escaped processes. */
static void
read_init_report(int fd, int *status, struct text *problems)
{
	char *buf = NULL, *at, *end;
	ssize_t len = ipc_read_to_end(fd, &buf, 1 << 20);

	for (at = buf, end = buf + (len > 0 ? len : 0); at && at < end;) {
		char tag[16];
		size_t n;
		char *nl = memchr(at, '\n', (size_t)(end - at));
		if (nl == NULL || sscanf(at, "%15s %zu", tag, &n) != 2 ||
		    n > (size_t)(end - nl - 1))
			break;
		if (strcmp(tag, "STATUS") == 0)
			*status = atoi(nl + 1);
		else if (n > 0)
			text_add(problems, "%.*s", (int)n, nl + 1);
		at = nl + 1 + n;
	}
	free(buf);
}

/** Namespace mode: run the test under our init; @p status gets the
 *  grader's wait status. */
static void
run_in_namespace(const struct driver_options *opt, const struct driver_lab *lab,
		 const struct driver_test *test, const char *test_dir,
		 int *status, bool *overran, struct text *problems)
{
	const char *bin_dir = "/tmp/.ipclab-bin";
	bool unprivileged = opt->test_uid != (uid_t)-1;
	int explain_ms = (int)(test->timeout_s * opt->timeout_scale * 1000);
	int limit_ms = explain_ms + TIMEOUT_GRACE_S * 1000 + 5000;
	int fds[2];
	pid_t init;

	*status = 0;
	if (copy_programs(lab, bin_dir) == -1 || pipe2(fds, O_CLOEXEC) == -1) {
		text_add(problems, "cannot copy the lab's programs for the test\n");
		*status = 126 << 8;
		return;
	}
	init = fork();
	if (init == 0) {
		close(fds[0]);
		ipc_close_quietly(channel.read_fd);
		run_init(opt, bin_dir, test, test_dir, unprivileged, fds[1]);
	}
	close(fds[1]);
	close_grader_ends();
	/* /proc, mounted by init, shows the test's PID namespace: init is 1. */
	*status = supervise_grader(init, 1, explain_ms, limit_ms, overran);
	if (!*overran && init != -1)
		read_init_report(fds[0], status, problems);
	close(fds[0]);
}

/** Snapshot mode: we are the subreaper that finds escaped processes. */
static void
run_with_subreaper(const struct driver_options *opt,
		   const struct driver_lab *lab, const struct driver_test *test,
		   const char *test_dir, int *status, bool *overran,
		   struct text *problems)
{
	char grader_path[1200];
	int explain_ms = (int)(test->timeout_s * opt->timeout_scale * 1000);
	int limit_ms = explain_ms + TIMEOUT_GRACE_S * 1000 + 5000;
	pid_t grader;

	snprintf(grader_path, sizeof(grader_path), "%s/grader", lab->build_dir);
	grader = fork();
	if (grader == 0) {
		ipc_close_quietly(channel.read_fd);
		exec_grader(opt, lab->build_dir, test, test_dir,
			    can_run_unprivileged(opt, grader_path));
	}
	close_grader_ends();
	*status = supervise_grader(grader, getpid(), explain_ms, limit_ms,
				   overran);
	kill_escaped(problems);
}

/** The uid the test runs as in snapshot mode. */
static long
test_uid(const struct driver_options *opt, const struct driver_lab *lab)
{
	char grader[1200];

	snprintf(grader, sizeof(grader), "%s/grader", lab->build_dir);
	if (can_run_unprivileged(opt, grader))
		return (long)opt->test_uid;
	return (long)getuid();
}

/** The supervisor: sandbox, run, watch, clean, report on @p report_fd. */
static _Noreturn void
supervise(const struct driver_options *opt, const struct driver_lab *lab,
	  const struct driver_test *test, int report_fd)
{
	struct snapshot before, after;
	struct text problems = { 0 };
	char test_dir[600], path[1200], status_text[32];
	bool namespaced, overran = false, reached;
	struct text notes = { 0 };
	long owner;
	int status;
	char *result = NULL, *output;

	setsid();
	watch_for_stop();
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	namespaced = enter_namespaces(opt) == 0;
	send_field(report_fd, "MODE", namespaced ? "namespaces" : "snapshot");
	send_field(report_fd, "CONFINED",
		   confinement_available(mqueue_mount()) ? "1" : "0");
	if (make_test_dir(namespaced, test_dir, sizeof(test_dir)) == -1) {
		send_field(report_fd, "ERROR", "cannot create the test directory");
		_exit(1);
	}
	if (open_channel() == -1) {
		send_field(report_fd, "ERROR", "cannot create the verdict channel");
		_exit(1);
	}
	owner = test_uid(opt, lab);
	take_snapshot(&before, namespaced, owner);
	if (namespaced)
		run_in_namespace(opt, lab, test, test_dir, &status, &overran,
				 &problems);
	else
		run_with_subreaper(opt, lab, test, test_dir, &status, &overran,
				   &problems);
	take_snapshot(&after, namespaced, owner);
	report_leftovers(&problems, &before, &after, namespaced,
			 strrchr(test_dir, '/') + 1);

	close_grader_ends(); /* (a no-op if the run closed them already) */
	result = read_verdict(&reached, &notes);
	snprintf(path, sizeof(path), "%s/.ipclab-output", test_dir);
	output = read_tail(path);
	remove_tree(test_dir);

	snprintf(status_text, sizeof(status_text), "%d", status);
	send_field(report_fd, "STATUS", status_text);
	send_field(report_fd, "OVERRAN", overran ? "1" : "0");
	send_field(report_fd, "STOPPED", stopped ? "1" : "0");
	send_field(report_fd, "RESULT", result);
	send_field(report_fd, "REACHED", reached ? "1" : "0");
	send_field(report_fd, "PROBLEMS", problems.buf);
	send_field(report_fd, "OUTPUT", output);
	send_field(report_fd, "HANG", hang_explained);
	send_field(report_fd, "NOTES", notes.buf);
	_exit(0);
}

/* ----------------------------------------------------------- driver side */

/** Read the supervisor's fields into @p result. */
static void
parse_fields(char *buf, size_t len, struct sandbox_result *result)
{
	size_t at = 0;
	bool namespaced = false, confined = false;

	while (at < len) {
		char tag[32];
		size_t n;
		char *nl = memchr(buf + at, '\n', len - at);
		if (nl == NULL || sscanf(buf + at, "%31s %zu", tag, &n) != 2)
			break;
		at = (size_t)(nl - buf) + 1;
		if (n > len - at)
			break;
		char *value = strndup(buf + at, n);
		at += n;
		if (strcmp(tag, "MODE") == 0)
			namespaced = strcmp(value, "namespaces") == 0;
		if (strcmp(tag, "CONFINED") == 0)
			confined = value[0] == '1';
		if (strcmp(tag, "STATUS") == 0)
			result->grader_status = atoi(value);
		else if (strcmp(tag, "OVERRAN") == 0)
			result->overran = value[0] == '1';
		else if (strcmp(tag, "STOPPED") == 0)
			result->stopped = value[0] == '1';
		else if (strcmp(tag, "REACHED") == 0)
			result->reached = value[0] == '1';
		if (strcmp(tag, "RESULT") == 0 && n)
			result->result_line = value;
		else if (strcmp(tag, "PROBLEMS") == 0 && n)
			result->problems = value;
		else if (strcmp(tag, "OUTPUT") == 0 && n)
			result->output = value;
		else if (strcmp(tag, "HANG") == 0 && n)
			result->hang = value;
		else if (strcmp(tag, "NOTES") == 0 && n)
			result->notes = value;
		else if (strcmp(tag, "ERROR") == 0)
			result->problems = value;
		else
			free(value);
	}
	result->mode = namespaced ? (confined ? "namespaces"
					      : "namespaces, without Landlock")
				  : (confined ? "snapshot"
					      : "snapshot, without Landlock: "
						"the project is not read-only "
						"to tests (make doctor)");
}

/**
 * Read the supervisor's report until it ends; meanwhile, with a progress
 * callback, call it about five times a second with the time so far.
 */
static ssize_t
read_report(int fd, char **report, const struct driver_options *opt,
	    const struct driver_test *test)
{
	uint64_t start = ipc_now_ns();
	size_t len = 0, cap = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (opt->progress == NULL)
		return ipc_read_to_end(fd, report, 16 << 20);
	*report = NULL;
	for (;;) {
		ssize_t n;
		if (poll(&p, 1, 200) == 0) {
			opt->progress(test, (double)(ipc_now_ns() - start) / 1e9);
			continue;
		}
		if (len + 65536 > cap) {
			char *bigger = realloc(*report, cap = cap * 2 + 65536);
			if (bigger == NULL)
				return -1;
			*report = bigger;
		}
		n = read(fd, *report + len, cap - len - 1);
		if (n == 0 || (n == -1 && errno != EINTR))
			break;
		len += n > 0 ? (size_t)n : 0;
		if (len > (16u << 20))
			break;
	}
	if (*report != NULL)
		(*report)[len] = '\0';
	return (ssize_t)len;
}

/** The supervisor of the test running now (0: none), for sandbox_stop(). */
static volatile sig_atomic_t current_supervisor;

void
sandbox_stop(void)
{
	pid_t pid = (pid_t)current_supervisor;

	if (pid > 0)
		kill(pid, SIGTERM); /* it stops the test and cleans up */
}

int
sandbox_run_test(const struct driver_options *opt,
		 const struct driver_lab *lab, const struct driver_test *test,
		 struct sandbox_result *result)
{
	int fds[2];
	pid_t pid;
	char *report = NULL;
	ssize_t len;

	memset(result, 0, sizeof(*result));
	result->mode = "snapshot";
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		supervise(opt, lab, test, fds[1]);
	}
	close(fds[1]);
	current_supervisor = pid;
	len = read_report(fds[0], &report, opt, test);
	close(fds[0]);
	ipc_waitpid(pid, NULL);
	current_supervisor = 0;
	if (len > 0)
		parse_fields(report, (size_t)len, result);
	free(report);
	return 0;
}

void
sandbox_result_free(struct sandbox_result *result)
{
	free(result->result_line);
	free(result->problems);
	free(result->output);
	free(result->hang);
	free(result->notes);
	memset(result, 0, sizeof(*result));
}
