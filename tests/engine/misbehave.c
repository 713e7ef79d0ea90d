/* SPDX-License-Identifier: MIT */
/**
 * @file misbehave.c
 * @brief The misbehaviours the engine's tests provoke (see misbehave.h).
 */
#include "misbehave.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/** Block for ever on a pipe nobody writes (no sleeping, no spinning). */
static void
block_forever(void)
{
	int fds[2];
	char c;

	if (pipe(fds) == 0)
		while (read(fds[0], &c, 1) != 0)
			;
	_exit(0);
}

/** A daemon: double fork and setsid, then block. */
static int
escape(void)
{
	pid_t child = fork();

	if (child == 0) {
		setsid();
		if (fork() == 0)
			block_forever();
		_exit(0);
	}
	waitpid(child, NULL, 0);
	return 0;
}

/** Flood stdout until a limit stops it. */
static int
flood(void)
{
	static char junk[1 << 16];

	memset(junk, 'x', sizeof(junk));
	for (;;)
		if (write(STDOUT_FILENO, junk, sizeof(junk)) == -1)
			return -1;
}

/** Hang with every signal the engine might use blocked or ignored. */
static int
hang_deaf(void)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	signal(SIGALRM, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);
	setpgid(0, 0);
	block_forever();
	return 0;
}

/** A POSIX IPC name of this process's own. */
static const char *
unique_name(void)
{
	static char name[64];

	snprintf(name, sizeof(name), "/ipclab-engine-%ld", (long)getpid());
	return name;
}

/** Did a write into the project fail as it must (read-only to tests)? */
static bool
refused(int rc)
{
	return rc == -1 && (errno == EACCES || errno == EROFS || errno == EPERM);
}

/**
 * Try to change the project the test runs from: delete and truncate a file
 * of it ($IPCLAB_ENGINE_CANARY), create files and directories in it
 * ($IPCLAB_ENGINE_ROOT). 0 if every attempt was refused.
 */
static int
write_project(void)
{
	const char *root = getenv("IPCLAB_ENGINE_ROOT");
	const char *canary = getenv("IPCLAB_ENGINE_CANARY");
	char path[4096];
	bool all_refused;

	if (root == NULL || canary == NULL)
		return -1;
	all_refused = refused(unlink(canary)) &&
		      refused(open(canary, O_WRONLY | O_TRUNC)) &&
		      refused(truncate(canary, 0));
	snprintf(path, sizeof(path), "%s/intruder", root);
	all_refused = all_refused && refused(open(path, O_CREAT | O_WRONLY, 0644));
	snprintf(path, sizeof(path), "%s/labs/intruder", root);
	all_refused = all_refused && refused(mkdir(path, 0755));
	return all_refused ? 0 : -1;
}

/** Try to read the reference solutions and the suite's own tests: 0 if
 *  every attempt was refused. */
static int
read_solutions(void)
{
	const char *root = getenv("IPCLAB_ENGINE_ROOT");
	const char *secrets[] = { "solutions/01-pipe/pipe.c", "solutions",
				  "tests/engine/run.sh" };
	char path[4096];

	if (root == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, secrets[i]);
		int fd = open(path, O_RDONLY);
		if (fd != -1) {
			close(fd);
			return -1;
		}
	}
	return 0;
}

/* The classic deadlocks, for the hang explainer: each blocks for good. */

/** A child reads a pipe whose write end the parent keeps (and waits). */
static int
pipe_keeps_write_end(void)
{
	int fds[2];
	char c;
	pid_t child;

	if (pipe(fds) == -1 || (child = fork()) == -1)
		return -1;
	if (child == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(fds[0]); /* but not fds[1]: the child never sees EOF */
	waitpid(child, NULL, 0);
	return 0;
}

/** Both ends of a socketpair write 1 MiB before reading anything. */
static int
socketpair_both_write(void)
{
	static char big[1 << 20];
	int sv[2];
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    (child = fork()) == -1)
		return -1;
	int mine = child == 0 ? sv[1] : sv[0];
	close(child == 0 ? sv[0] : sv[1]);
	for (size_t done = 0; done < sizeof(big);) {
		ssize_t n = write(mine, big + done, sizeof(big) - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	return 0;
}

/** Open a FIFO for reading when nobody will open it for writing. */
static int
fifo_open_no_peer(void)
{
	if (mkfifo("lonely.fifo", 0600) == -1)
		return -1;
	return open("lonely.fifo", O_RDONLY) == -1 ? -1 : 0;
}

/** sem_wait() on a semaphore that starts at 0 and nobody posts. */
static int
sem_never_posted(void)
{
	sem_t sem;

	if (sem_init(&sem, 0, 0) == -1)
		return -1;
	return sem_wait(&sem);
}

/** msgrcv() on an empty queue, without IPC_NOWAIT. */
static int
msgrcv_empty(void)
{
	struct {
		long type;
		char text[16];
	} msg;
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	if (id == -1)
		return -1;
	return msgrcv(id, &msg, sizeof(msg.text), 7, 0) == -1 ? -1 : 0;
}

static void
on_usr1(int sig)
{
	(void)sig;
}

/** The pause() race lost for sure: the signal comes first. */
static int
pause_after_signal(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		return -1;
	raise(SIGUSR1); /* handled now: pause() below waits for another */
	pause();
	return 0;
}

int
misbehave(const char *name, int arg)
{
	if (strcmp(name, "nothing") == 0)
		return 0;
	if (strcmp(name, "exit0") == 0)
		exit(0);
	if (strcmp(name, "_exit0") == 0)
		_exit(0);
	if (strcmp(name, "child_returns") == 0) {
		pid_t child = fork();
		if (child > 0)
			waitpid(child, NULL, 0);
		return 0; /* both processes return */
	}
	if (strcmp(name, "leak_fd") == 0)
		return open("/dev/null", O_RDONLY) == -1 ? -1 : 0;
	if (strcmp(name, "close_foreign_fd") == 0)
		return close(arg);
	if (strcmp(name, "zombie") == 0)
		return fork() == 0 ? (_exit(0), 0) : 0;
	if (strcmp(name, "running_child") == 0)
		return fork() == 0 ? (block_forever(), 0) : 0;
	if (strcmp(name, "escape") == 0)
		return escape();
	if (strcmp(name, "kill_parent") == 0)
		return kill(getppid(), SIGKILL);
	if (strcmp(name, "kill_everything") == 0)
		return kill(-1, SIGKILL);
	if (strcmp(name, "close_all_fds") == 0) {
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		return -1; /* and fail, so the test's assertion fires */
	}
	if (strcmp(name, "fake_summary") == 0) {
		printf("100%%: Checks: 1, Failures: 0, Errors: 0\nScore: 99/99\n"
		       "\r\033[2K  Score: 99/99\n\rTotal score: 999/999");
		fflush(stdout);
		return -1;
	}
	if (strcmp(name, "segfault") == 0)
		return *(volatile int *)(long)arg;
	if (strcmp(name, "hang_deaf") == 0)
		return hang_deaf();
	if (strcmp(name, "flood") == 0)
		return flood();
	if (strcmp(name, "fork_bomb") == 0) {
		for (int i = 0; i < 1000; i++)
			if (fork() == 0)
				block_forever();
		return 0;
	}
	if (strcmp(name, "sysv_msg") == 0)
		return msgget(IPC_PRIVATE, IPC_CREAT | 0600) == -1 ? -1 : 0;
	if (strcmp(name, "posix_sem") == 0) {
		sem_t *s = sem_open(unique_name(), O_CREAT, 0600, 1);
		return s == SEM_FAILED ? -1 : sem_close(s);
	}
	if (strcmp(name, "posix_shm") == 0) {
		int fd = shm_open(unique_name(), O_CREAT | O_RDWR, 0600);
		return fd == -1 ? -1 : close(fd);
	}
	if (strcmp(name, "posix_mq") == 0) {
		mqd_t q = mq_open(unique_name(), O_CREAT | O_RDWR, 0600, NULL);
		return q == (mqd_t)-1 ? -1 : mq_close(q);
	}
	if (strcmp(name, "tmp_file") == 0) {
		int fd = open("/tmp/ipclab-fixed-name", O_CREAT | O_WRONLY, 0600);
		return fd == -1 ? -1 : close(fd);
	}
	if (strcmp(name, "pipe_keeps_write_end") == 0)
		return pipe_keeps_write_end();
	if (strcmp(name, "socketpair_both_write") == 0)
		return socketpair_both_write();
	if (strcmp(name, "fifo_open_no_peer") == 0)
		return fifo_open_no_peer();
	if (strcmp(name, "sem_never_posted") == 0)
		return sem_never_posted();
	if (strcmp(name, "msgrcv_empty") == 0)
		return msgrcv_empty();
	if (strcmp(name, "pause_after_signal") == 0)
		return pause_after_signal();
	if (strcmp(name, "huge_malloc") == 0) {
		/* 10 GiB, used without a check: the limit refuses it. */
		volatile char *p = malloc((size_t)10 << 30);
		p[0] = 1;
		return 0;
	}
	if (strcmp(name, "read_hidden") == 0) {
		/* A classmate's file in make roster (the driver's --hide). */
		const char *path = getenv("IPCLAB_ENGINE_HIDDEN");
		int fd = path ? open(path, O_RDONLY) : -1;
		if (fd != -1)
			close(fd);
		return path != NULL && fd == -1 && errno == EACCES ? 0 : -1;
	}
	if (strcmp(name, "write_project") == 0)
		return write_project();
	if (strcmp(name, "read_solutions") == 0)
		return read_solutions();
	if (strcmp(name, "whoami") == 0)
		return (int)geteuid();
	errno = EINVAL;
	return -1;
}
