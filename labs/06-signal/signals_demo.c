/* SPDX-License-Identifier: MIT */
/**
 * @file signals_demo.c
 * @brief Lab 06 demo: a chat by signals, and each step from the shell.
 *
 * The chat, in two terminals:
 *
 *     signals_demo listen              prints its pid, then every message
 *     signals_demo send PID [TEXT...]  sends TEXT, or each line typed
 *
 * One step each (deterministic: the grader compares them with the
 * reference demo):
 *
 *     signals_demo install             step 1: a handler, SIGKILL refuses
 *     signals_demo wait                step 2: a child signals, we wait
 *     signals_demo transfer TEXT       step 3: TEXT to a child, by signals
 *     signals_demo transfer --binary N step 3: N bytes of every value
 *     signals_demo queue N             step 4: N values with SIGRTMIN+1
 *     signals_demo reap N              step 5: N children exit at once
 *     signals_demo worker [SIZE]       step 6: jobs from stdin until
 *                                      Ctrl+C or SIGTERM
 *
 * Build it with `make demo LAB=06`.
 */
#include "ipc_util.h"
#include "signals.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/** Longest wait for one bit or one ack in the deterministic commands. */
#define DEMO_TIMEOUT_MS 5000

/** Block (SIG_BLOCK) or unblock (SIG_UNBLOCK) two signals, or die. */
static void
mask_two(int how, int a, int b)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, a);
	sigaddset(&set, b);
	if (sigprocmask(how, &set, NULL) == -1)
		ipc_die_errno("sigprocmask");
}

/** Print @p len bytes, escaping what is not printable. */
static void
print_escaped(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
}

/* ------------------------------------------------------------- the chat */

static int
demo_listen(void)
{
	/* Blocked before anyone can know our pid: no bit can be lost. */
	mask_two(SIG_BLOCK, SIGNALS_BIT_ZERO, SIGNALS_BIT_ONE);
	printf("listening as pid %ld; in another terminal type:\n"
	       "    signals_demo send %ld hello\n"
	       "Ctrl+C (SIGINT) ends me.\n",
	       (long)getpid(), (long)getpid());
	fflush(stdout);
	for (;;) {
		char *msg;
		pid_t from;
		ssize_t n = signals_receive_bytes(&msg, &from, -1);
		if (n == -1)
			ipc_die_errno("signals_receive_bytes");
		printf("[%ld] ", (long)from);
		print_escaped(msg, (size_t)n);
		putchar('\n');
		fflush(stdout);
		free(msg);
	}
}

static int
send_one(pid_t pid, const char *text)
{
	size_t len = strlen(text);

	if (signals_send_bytes(pid, text, len, DEMO_TIMEOUT_MS) == -1)
		ipc_die_errno("signals_send_bytes");
	printf("sent %zu bytes as %zu signals, each acknowledged\n", len,
	       32 + 8 * len);
	return 0;
}

static int
demo_send(pid_t pid, int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (argc > 0) { /* the words of the command line, as one message */
		size_t len = 1;
		char *text;
		for (int i = 0; i < argc; i++)
			len += strlen(argv[i]) + 1;
		text = calloc(1, len);
		if (text == NULL)
			ipc_die_errno("calloc");
		for (int i = 0; i < argc; i++) {
			if (i > 0)
				strcat(text, " ");
			strcat(text, argv[i]);
		}
		send_one(pid, text);
		free(text);
		return 0;
	}
	/* The chat: every line typed is a message (Ctrl+D ends). */
	while ((n = getline(&line, &cap, stdin)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		send_one(pid, line);
	}
	free(line);
	return 0;
}

/* ------------------------------------------------------ step 1: install */

static volatile sig_atomic_t hits;

static void
count_hit(int sig)
{
	(void)sig;
	hits++;
}

static int
demo_install(void)
{
	static const int uncatchable[] = { SIGKILL, SIGSTOP };
	struct sigaction old, now;

	if (signals_install(SIGUSR1, count_hit, true, &old) == -1)
		ipc_die_errno("signals_install");
	printf("installed a SIGUSR1 handler (SA_RESTART)\n");
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("raise(SIGUSR1) twice: the handler ran %d times\n", (int)hits);
	for (size_t i = 0; i < 2; i++) {
		int sig = uncatchable[i];
		if (signals_install(sig, count_hit, true, NULL) == -1)
			printf("a handler for SIG%s: %s (it cannot be "
			       "caught)\n",
			       sigabbrev_np(sig), ipc_errno_name(errno));
		else
			printf("a handler for SIG%s: accepted?\n",
			       sigabbrev_np(sig));
	}
	if (signals_restore(SIGUSR1, &old) == -1)
		ipc_die_errno("signals_restore");
	if (sigaction(SIGUSR1, NULL, &now) == -1)
		ipc_die_errno("sigaction");
	printf("restored: SIGUSR1 is back to %s\n",
	       now.sa_handler == SIG_DFL ? "SIG_DFL (it terminates)"
					 : "something else");
	return 0;
}

/* --------------------------------------------------------- step 2: wait */

static volatile sig_atomic_t usr1_came;

static void
note_usr1(int sig)
{
	(void)sig;
	usr1_came = 1;
}

static int
usr1_has_come(void *arg)
{
	(void)arg;
	return usr1_came;
}

static int
demo_wait(void)
{
	struct sigaction old;
	pid_t child;

	if (signals_install(SIGUSR1, note_usr1, true, &old) == -1)
		ipc_die_errno("signals_install");
	child = fork(); /* it may signal before we wait: that is fine */
	if (child == -1)
		ipc_die_errno("fork");
	if (child == 0)
		_exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
	if (signals_wait_until(SIGUSR1, usr1_has_come, NULL) == -1)
		ipc_die_errno("signals_wait_until");
	if (ipc_waitpid(child, NULL) == -1)
		ipc_die_errno("waitpid");
	printf("the child's SIGUSR1 arrived; the flag was tested with SIGUSR1 "
	       "blocked, so it could not slip in between test and wait\n");
	signals_restore(SIGUSR1, &old);
	return 0;
}

/* ----------------------------------------------------- step 3: transfer */

static int
demo_transfer(const char *msg, size_t len)
{
	pid_t child;
	int status;

	/* The receiver's precondition, inherited by the child. */
	mask_two(SIG_BLOCK, SIGNALS_BIT_ZERO, SIGNALS_BIT_ONE);
	fflush(stdout);
	child = fork();
	if (child == -1)
		ipc_die_errno("fork");
	if (child == 0) {
		char *got;
		ssize_t n = signals_receive_bytes(&got, NULL, DEMO_TIMEOUT_MS);
		if (n == -1)
			ipc_die_errno("signals_receive_bytes");
		printf("receiver: %zd bytes: \"", n);
		if (n <= 80)
			print_escaped(got, (size_t)n);
		else
			printf("...");
		printf("\" (checksum %08lx)\n",
		       (unsigned long)ipc_checksum(got, (size_t)n));
		fflush(stdout);
		_exit(0);
	}
	if (signals_send_bytes(child, msg, len, DEMO_TIMEOUT_MS) == -1) {
		int err = errno;
		kill(child, SIGKILL); /* it would wait for bits in vain */
		ipc_waitpid(child, NULL);
		errno = err;
		ipc_die_errno("signals_send_bytes");
	}
	if (ipc_waitpid(child, &status) == -1)
		ipc_die_errno("waitpid");
	printf("sender: %zu bytes as %zu signals, each acknowledged; "
	       "sent checksum %08lx\n",
	       len, 32 + 8 * len, (unsigned long)ipc_checksum(msg, len));
	mask_two(SIG_UNBLOCK, SIGNALS_BIT_ZERO, SIGNALS_BIT_ONE);
	return 0;
}

static int
demo_transfer_binary(size_t len)
{
	char *msg = malloc(len ? len : 1);
	int rc;

	if (msg == NULL)
		ipc_die_errno("malloc");
	for (size_t i = 0; i < len; i++)
		msg[i] = (char)(i * 37); /* NUL bytes included */
	rc = demo_transfer(msg, len);
	free(msg);
	return rc;
}

/* ------------------------------------------------- step 4: queued values */

static int
demo_queue(int n)
{
	int sig = SIGRTMIN + 1, *sent, *got, same = 1, arrived = 0;
	const struct timespec now = { 0, 0 };
	sigset_t usr1;
	ssize_t received;

	if (n <= 0)
		ipc_die("queue: N must be positive");
	sent = calloc((size_t)n, sizeof(int));
	got = calloc((size_t)n, sizeof(int));
	if (sent == NULL || got == NULL)
		ipc_die_errno("calloc");
	for (int i = 0; i < n; i++)
		sent[i] = i * i - 7;
	/* Blocked: everything we send ourselves stays pending. */
	mask_two(SIG_BLOCK, sig, SIGUSR1);
	if (signals_queue_values(getpid(), sig, sent, (size_t)n) == -1)
		ipc_die_errno("signals_queue_values");
	received = signals_receive_values(sig, got, (size_t)n, 0);
	if (received == -1)
		ipc_die_errno("signals_receive_values");
	for (ssize_t i = 0; i < received; i++)
		same = same && got[i] == sent[i];
	printf("sigqueue() of %d values with SIGRTMIN+1: %zd arrived, %s\n", n,
	       received, same ? "in order" : "out of order");
	printf("first values: ");
	for (ssize_t i = 0; i < received && i < 5; i++)
		printf("%d ", got[i]);
	printf("\n");
	/* The same with a standard signal: pending is a bit, not a queue. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	for (int i = 0; i < n; i++)
		kill(getpid(), SIGUSR1);
	while (sigtimedwait(&usr1, NULL, &now) == SIGUSR1)
		arrived++;
	printf("kill() of SIGUSR1 %d times while blocked: %d arrived "
	       "(standard signals do not queue)\n",
	       n, arrived);
	mask_two(SIG_UNBLOCK, sig, SIGUSR1);
	free(sent);
	free(got);
	return 0;
}

/* -------------------------------------------------------- step 5: reap */

static int
demo_reap(int n)
{
	struct sigaction old;
	sigset_t chld;
	pid_t *kids;
	int release[2], zombies = 0;

	if (n <= 0 || n > 200)
		ipc_die("reap: N must be 1..200");
	kids = calloc((size_t)n, sizeof(pid_t));
	if (kids == NULL || pipe(release) == -1)
		ipc_die_errno("reap setup");
	if (signals_reaper_start(&old) == -1)
		ipc_die_errno("signals_reaper_start");
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	/* Blocked while they die, their SIGCHLDs merge into one. */
	sigprocmask(SIG_BLOCK, &chld, NULL);
	for (int i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == -1)
			ipc_die_errno("fork");
		if (kids[i] == 0) {
			char c;
			close(release[1]);
			while (read(release[0], &c, 1) == -1 && errno == EINTR)
				;
			_exit(0);
		}
	}
	close(release[1]); /* EOF: they all exit at once */
	close(release[0]);
	for (int i = 0; i < n; i++) { /* dead, not yet reaped (WNOWAIT) */
		siginfo_t info;
		if (waitid(P_PID, (id_t)kids[i], &info, WEXITED | WNOWAIT) ==
		    -1)
			ipc_die_errno("waitid");
	}
	printf("%d children exited while SIGCHLD was blocked\n", n);
	sigprocmask(SIG_UNBLOCK, &chld, NULL); /* one SIGCHLD: the handler */
	printf("the handler reaped %ld of them\n", signals_reaper_count());
	for (int i = 0; i < n; i++)
		if (waitpid(kids[i], NULL, WNOHANG) == kids[i])
			zombies++;
	printf("zombies left: %d\n", zombies);
	if (signals_reaper_stop(&old) == -1)
		ipc_die_errno("signals_reaper_stop");
	free(kids);
	return 0;
}

/* ------------------------------------------------------- step 6: worker */

static int jobs_done;

/** A job that takes a while: count the primes below SIZE. */
static void
do_job(void *arg, unsigned char byte)
{
	long size = *(const long *)arg, primes = 0;

	if (byte == '\n' || byte == ' ')
		return; /* what the terminal adds: not a job */
	printf("job '%c' started\n", byte);
	for (long k = 2; k < size; k++) {
		long d = 2;
		while (d * d <= k && k % d != 0)
			d++;
		primes += d * d > k;
	}
	printf("job '%c' done: %ld primes below %ld\n", byte, primes, size);
	jobs_done++;
}

static int
demo_worker(long size)
{
	int sig;
	long n;

	setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it happens */
	fprintf(stderr,
		"worker %ld: each character on stdin is a job; Ctrl+C or "
		"`kill %ld` (SIGTERM) stops me after the current job\n",
		(long)getpid(), (long)getpid());
	n = signals_serve(STDIN_FILENO, do_job, &size, &sig);
	if (n == -1)
		ipc_die_errno("signals_serve");
	if (sig != 0)
		printf("SIG%s: finished the current job, stopped after %d "
		       "jobs, cleaned up, exit status 0\n",
		       sigabbrev_np(sig), jobs_done);
	else
		printf("end of input after %d jobs\n", jobs_done);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "listen") == 0)
		return demo_listen();
	if (argc >= 3 && strcmp(argv[1], "send") == 0)
		return demo_send((pid_t)atol(argv[2]), argc - 3, argv + 3);
	if (argc == 2 && strcmp(argv[1], "install") == 0)
		return demo_install();
	if (argc == 2 && strcmp(argv[1], "wait") == 0)
		return demo_wait();
	if (argc == 4 && strcmp(argv[1], "transfer") == 0 &&
	    strcmp(argv[2], "--binary") == 0)
		return demo_transfer_binary(strtoul(argv[3], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "transfer") == 0)
		return demo_transfer(argv[2], strlen(argv[2]));
	if (argc == 3 && strcmp(argv[1], "queue") == 0)
		return demo_queue(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "reap") == 0)
		return demo_reap(atoi(argv[2]));
	if (argc >= 2 && strcmp(argv[1], "worker") == 0)
		return demo_worker(argc > 2 ? atol(argv[2]) : 2000000);
	fprintf(stderr,
		"usage: signals_demo listen | send PID [TEXT...]\n"
		"       signals_demo install | wait | transfer TEXT |\n"
		"       signals_demo transfer --binary N | queue N | reap N |\n"
		"       signals_demo worker [SIZE]\n");
	return 2;
}
