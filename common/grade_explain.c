/* SPDX-License-Identifier: MIT */
/**
 * @file grade_explain.c
 * @brief The hang explainer: when a test runs out of time, say in words
 *        what each of its processes is waiting for, and why nothing comes.
 *
 * The supervisor calls explain_hang() at the test's time limit, before the
 * test is killed. For every process of the test it reads, from /proc, the
 * system call it is blocked in (/proc/PID/syscall, or wchan where Yama
 * hides that) and what its descriptors are (/proc/PID/fd and fdinfo: which
 * pipe, FIFO or socket, which end). Then, for the classic deadlocks, it
 * names the cause: a read end waiting on a write end nobody closed (and
 * who holds it), both peers writing, a FIFO opened with no peer, a
 * semaphore nobody posts, a message queue with nothing of that type, a
 * pause() whose signal came before it. The reference pattern is a
 * debugger's "info threads" plus `ls -l /proc/PID/fd`, turned into advice.
 */
#include "grade_driver.h"
#include "ipc_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_PROCS 64
#define MAX_FDS 64

/** One open descriptor of a process. */
struct fd_info {
	int fd;
	char target[96]; /**< readlink of /proc/PID/fd/N: "pipe:[123]", a path */
	int access;	 /**< O_RDONLY, O_WRONLY or O_RDWR */
	bool fifo;	 /**< a named pipe */
};

/** One process of the test, as /proc shows it. */
struct proc_info {
	pid_t pid;	 /**< in our pid namespace (to read /proc) */
	long ns_pid;	 /**< as the test sees it (its own namespace) */
	pid_t ppid;	 /**< parent, in our namespace */
	char comm[32];	 /**< its name */
	char state;	 /**< R, S, D, T, Z ... */
	long syscall_nr; /**< blocked in this system call; -1: none/unknown */
	unsigned long args[6];
	bool syscall_known; /**< /proc/PID/syscall was readable */
	char wchan[64];	    /**< kernel function it sleeps in */
	unsigned long long blocked, pending; /**< signal masks */
	struct fd_info fds[MAX_FDS];
	size_t n_fds;
};

/** A growing text (the explanation). */
struct out {
	char *buf;
	size_t len, cap;
};

static void say(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
say(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = o->cap - o->len;
		va_start(ap, fmt);
		n = vsnprintf(o->buf ? o->buf + o->len : NULL, o->buf ? room : 0,
			      fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (o->buf != NULL && (size_t)n < room) {
			o->len += (size_t)n;
			return;
		}
		char *bigger = realloc(o->buf, o->cap = o->cap * 2 + (size_t)n + 256);
		if (bigger == NULL)
			return;
		o->buf = bigger;
	}
}

/* --------------------------------------------------------- reading /proc */

/** Read a small /proc file into @p buf (NUL-terminated); -1 if unreadable. */
static int
read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/** Its state, parent, name, pid in its own namespace and signal masks. */
static void
read_status(struct proc_info *p)
{
	char buf[4096], *save = NULL;

	if (read_proc(p->pid, "status", buf, sizeof(buf)) == -1)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "Name: %31s", p->comm) == 1 ||
		    sscanf(line, "State: %c", &p->state) == 1 ||
		    sscanf(line, "PPid: %d", &p->ppid) == 1 ||
		    sscanf(line, "SigBlk: %llx", &p->blocked) == 1 ||
		    sscanf(line, "SigPnd: %llx", &p->pending) == 1)
			continue;
		if (strncmp(line, "NSpid:", 6) == 0) {
			char *last = strrchr(line, '\t');
			p->ns_pid = atol(last ? last + 1 : line + 6);
		}
	}
}

/** The system call it is blocked in, and its arguments. */
static void
read_syscall(struct proc_info *p)
{
	char buf[512];

	p->syscall_nr = -1;
	if (read_proc(p->pid, "syscall", buf, sizeof(buf)) == -1)
		return; /* Yama ptrace_scope, or not allowed: wchan only */
	p->syscall_known = true;
	if (sscanf(buf, "%ld %lx %lx %lx %lx %lx %lx", &p->syscall_nr,
		   &p->args[0], &p->args[1], &p->args[2], &p->args[3],
		   &p->args[4], &p->args[5]) < 1)
		p->syscall_nr = -1; /* "running" */
}

/** Its open descriptors: what each is, and which way it is open. */
static void
read_fds(struct proc_info *p)
{
	char dir[64];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)p->pid);
	d = opendir(dir);
	while (d != NULL && (e = readdir(d)) != NULL && p->n_fds < MAX_FDS) {
		struct fd_info *f = &p->fds[p->n_fds];
		char path[600], info[512];
		struct stat st;
		ssize_t n;
		unsigned flags = 0;
		if (e->d_name[0] == '.')
			continue;
		f->fd = atoi(e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, f->target, sizeof(f->target) - 1);
		if (n <= 0)
			continue;
		f->target[n] = '\0';
		f->fifo = f->target[0] == '/' && stat(path, &st) == 0 &&
			  S_ISFIFO(st.st_mode);
		snprintf(path, sizeof(path), "fdinfo/%s", e->d_name);
		if (read_proc(p->pid, path, info, sizeof(info)) == 0) {
			char *at = strstr(info, "flags:");
			if (at != NULL)
				sscanf(at, "flags: %o", &flags);
		}
		f->access = (int)(flags & O_ACCMODE);
		p->n_fds++;
	}
	if (d != NULL)
		closedir(d);
}

/** Add @p pid and its descendants (from /proc/PID/task/TID/children). */
static void
collect(pid_t pid, struct proc_info *procs, size_t *n)
{
	char path[300], buf[4096], *save = NULL;
	DIR *tasks;
	struct dirent *e;

	if (*n >= MAX_PROCS)
		return;
	memset(&procs[*n], 0, sizeof(procs[*n]));
	procs[*n].pid = pid;
	read_status(&procs[*n]);
	if (procs[*n].state == 'Z' || procs[*n].state == '\0')
		return; /* gone, or a zombie: waits for nothing */
	read_syscall(&procs[*n]);
	read_proc(pid, "wchan", procs[*n].wchan, sizeof(procs[*n].wchan));
	read_fds(&procs[*n]);
	(*n)++;
	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	tasks = opendir(path);
	while (tasks != NULL && (e = readdir(tasks)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "task/%s/children", e->d_name);
		if (read_proc(pid, path, buf, sizeof(buf)) == -1)
			continue;
		for (char *c = strtok_r(buf, " \n", &save); c;
		     c = strtok_r(NULL, " \n", &save))
			collect((pid_t)atol(c), procs, n);
	}
	if (tasks != NULL)
		closedir(tasks);
}

/* ------------------------------------------------------------- reasoning */

/** The descriptor @p fd of @p p, or NULL. */
static const struct fd_info *
fd_of(const struct proc_info *p, long fd)
{
	for (size_t i = 0; i < p->n_fds; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

/** How to name a process for the student. */
static const char *
who(const struct proc_info *p, const struct proc_info *test, char *buf,
    size_t size)
{
	if (p == test)
		snprintf(buf, size, "the test process (pid %ld, which called your "
				    "code)", p->ns_pid);
	else
		snprintf(buf, size, "pid %ld (%s, started by your code)",
			 p->ns_pid, p->comm);
	return buf;
}

/** Every process other than @p self holding @p target open for writing
 *  (or, with @p for_read, for reading), said in words. */
static void
say_holders(struct out *o, const struct proc_info *procs, size_t n,
	    const struct proc_info *test, const char *target, bool for_read,
	    const struct proc_info *self)
{
	char name[160];
	int found = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < procs[i].n_fds; k++) {
			const struct fd_info *f = &procs[i].fds[k];
			bool match = for_read ? f->access != O_WRONLY
					      : f->access != O_RDONLY;
			if (strcmp(f->target, target) != 0 || !match)
				continue;
			say(o, "%sin %s as fd %d", found++ ? "; " : "",
			    &procs[i] == self ? "that same process itself"
					      : who(&procs[i], test, name, sizeof(name)),
			    f->fd);
		}
	}
	if (!found)
		say(o, "nowhere");
}

/** Is @p nr one of the calls that read from a descriptor? */
static bool
is_read(long nr)
{
	return nr == SYS_read || nr == SYS_readv || nr == SYS_recvfrom ||
	       nr == SYS_recvmsg;
}

/** Is @p nr one of the calls that write to a descriptor? */
static bool
is_write(long nr)
{
	return nr == SYS_write || nr == SYS_writev || nr == SYS_sendto ||
	       nr == SYS_sendmsg;
}

/** Is @p nr an open of a path? */
static bool
is_open(long nr)
{
#ifdef SYS_open
	if (nr == SYS_open)
		return true;
#endif
	return nr == SYS_openat;
}

/** Explain one blocked process. */
static void
explain_one(struct out *o, const struct proc_info *procs, size_t n,
	    const struct proc_info *test, const struct proc_info *p)
{
	char name[160];
	long nr = p->syscall_nr;
	const struct fd_info *f;

	who(p, test, name, sizeof(name));
	if (!p->syscall_known) {
		say(o, "- %s sleeps in the kernel in %s (its system call is "
		       "hidden here: Yama's ptrace_scope)\n",
		    name, p->wchan[0] ? p->wchan : "?");
		return;
	}
	if (nr < 0) {
		say(o, "- %s is running, not blocked: a loop that never ends?\n",
		    name);
		return;
	}
	if ((is_read(nr) || is_write(nr)) && (f = fd_of(p, (long)p->args[0]))) {
		bool reading = is_read(nr);
		say(o, "- %s is blocked in %s(%d) on %s%s\n", name,
		    reading ? "read" : "write", f->fd, f->fifo ? "the FIFO " : "",
		    f->target);
		if (strncmp(f->target, "pipe:", 5) == 0 || f->fifo) {
			if (reading) {
				say(o, "  it gets end of file only when every write "
				       "end is closed; a write end is still open ");
				say_holders(o, procs, n, test, f->target, false, p);
				say(o, ": close the ends a process does not use, "
				       "right after fork()\n");
			} else {
				say(o, "  the pipe is full and nobody reads it; its "
				       "read end is open ");
				say_holders(o, procs, n, test, f->target, true, p);
				say(o, ": read while you write (or write less "
				       "before reading)\n");
			}
		} else if (strncmp(f->target, "socket:", 7) == 0 && !reading) {
			say(o, "  its peer does not read: if the peer is also "
			       "blocked writing, both wait for each other (send "
			       "and receive at the same time: poll(), or a "
			       "process per direction)\n");
		} else if (strncmp(f->target, "socket:", 7) == 0) {
			say(o, "  nothing comes, and the peer has not closed its "
			       "end\n");
		}
		return;
	}
	if (is_open(nr) && (strcmp(p->wchan, "fifo_open") == 0 ||
			    strcmp(p->wchan, "wait_for_partner") == 0)) {
		say(o, "- %s is blocked in open() of a FIFO: opening a FIFO "
		       "waits until the other end is opened too (open the "
		       "other end, or use O_NONBLOCK)\n",
		    name);
		return;
	}
	if (nr == SYS_futex) {
		say(o, "- %s is blocked in a futex wait: sem_wait() on a "
		       "semaphore nobody posts (its value stays 0), or a lock "
		       "nobody releases\n",
		    name);
		return;
	}
#ifdef SYS_semop
	if (nr == SYS_semop || nr == SYS_semtimedop) {
		say(o, "- %s is blocked in semop() on System V semaphore set "
		       "%lu: no process will change the value it waits for\n",
		    name, p->args[0]);
		return;
	}
#endif
#ifdef SYS_msgrcv
	if (nr == SYS_msgrcv) {
		say(o, "- %s is blocked in msgrcv() on message queue %lu for "
		       "type %ld: the queue holds no message of that type, and "
		       "nobody sends one (IPC_NOWAIT returns ENOMSG instead)\n",
		    name, p->args[0], (long)p->args[3]);
		return;
	}
#endif
	if (nr == SYS_mq_timedreceive) {
		say(o, "- %s is blocked in mq_receive(): the POSIX queue is "
		       "empty, and nobody sends\n",
		    name);
		return;
	}
#ifdef SYS_pause
	if (nr == SYS_pause) {
		say(o, "- %s is blocked in pause(): the signal it waits for came "
		       "before it paused, or never comes (block the signal, test "
		       "the flag, then sigsuspend())\n",
		    name);
		return;
	}
#endif
	if (nr == SYS_rt_sigsuspend || nr == SYS_rt_sigtimedwait) {
		say(o, "- %s waits for a signal that never comes (blocked: %#llx, "
		       "pending: %#llx)\n",
		    name, p->blocked, p->pending);
		return;
	}
	if (nr == SYS_wait4 || nr == SYS_waitid) {
		say(o, "- %s is blocked in waitpid(): a child it waits for does "
		       "not end\n",
		    name);
		return;
	}
	say(o, "- %s is blocked in system call %ld (in %s)\n", name, nr,
	    p->wchan[0] ? p->wchan : "?");
}

char *
explain_hang(pid_t root)
{
	struct proc_info *procs = calloc(MAX_PROCS, sizeof(*procs));
	struct out o = { 0 };
	const struct proc_info *test = NULL;
	pid_t runner = -1;
	size_t n = 0;

	if (procs == NULL)
		return NULL;
	collect(root, procs, &n);
	/* The grader's runner waits for the test process, its child of the
	 * same name. The runner, our init and we ourselves are the engine's;
	 * every other process is the test's. */
	for (size_t i = 0; i < n && test == NULL; i++)
		for (size_t k = 0; k < n; k++)
			if (procs[k].ppid == procs[i].pid &&
			    strcmp(procs[i].comm, "grader") == 0 &&
			    strcmp(procs[k].comm, "grader") == 0) {
				test = &procs[k];
				runner = procs[i].pid;
			}
	for (size_t i = 0; i < n; i++)
		if (procs[i].pid != runner &&
		    strcmp(procs[i].comm, procs[0].comm) != 0)
			explain_one(&o, procs, n, test, &procs[i]);
	free(procs);
	return o.buf;
}
