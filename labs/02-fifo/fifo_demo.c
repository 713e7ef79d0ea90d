/* SPDX-License-Identifier: MIT */
/**
 * @file fifo_demo.c
 * @brief Lab 02 demo: try each step of the FIFO lab from the shell.
 *
 *     fifo_demo create [DIR]          make a FIFO twice, then over a file
 *     fifo_demo session N [DIR]       a server, N clients in turn, shutdown
 *     fifo_demo noreader [DIR]        open for writing with nobody reading
 *     fifo_demo serve PATH [MAX]      run a server on PATH (another terminal:)
 *     fifo_demo ask PATH [DIR]        get a number from the server at PATH
 *     fifo_demo stop PATH [DIR]       stop the server at PATH
 *
 * The first three work in a fresh directory inside DIR (default $TMPDIR,
 * else /tmp) and remove it afterwards; they print the same lines on every
 * run, so the grader runs them beside the reference demo and compares.
 */
#include "fifo.h"
#include "ipc_util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/** DIR from the command line, else $TMPDIR, else /tmp. */
static const char *
base_dir(int argc, char **argv, int at)
{
	const char *tmp = getenv("TMPDIR");

	if (argc > at)
		return argv[at];
	return tmp != NULL && *tmp != '\0' ? tmp : "/tmp";
}

/** Make a private directory inside @p base for one demo run. */
static void
make_work_dir(const char *base, char *out, size_t out_len)
{
	if (ipc_path_join(out, out_len, base, "fifo-demo-XXXXXX") == -1)
		ipc_die("directory name too long: %s", base);
	if (mkdtemp(out) == NULL)
		ipc_die_errno("mkdtemp");
}

/** Remove the work directory; it must be empty by now. */
static void
remove_work_dir(const char *dir)
{
	if (rmdir(dir) == -1)
		printf("could not remove the demo directory (%s): something "
		       "was left in it\n",
		       ipc_errno_name(errno));
}

/** "name" inside @p dir, in a static buffer. */
static const char *
in_dir(const char *dir, const char *name)
{
	static char path[1024];

	if (ipc_path_join(path, sizeof(path), dir, name) == -1)
		ipc_die("path too long: %s/%s", dir, name);
	return path;
}

/** Print what fifo_create() said about @p name. */
static void
show_create(const char *dir, const char *name, const char *what)
{
	int r = fifo_create(in_dir(dir, name), 0600);

	if (r == 1)
		printf("fifo_create(%s)%s: 1, created a FIFO\n", name, what);
	else if (r == 0)
		printf("fifo_create(%s)%s: 0, a FIFO was already there\n", name,
		       what);
	else
		printf("fifo_create(%s)%s: -1, %s\n", name, what,
		       ipc_errno_name(errno));
}

static int
demo_create(const char *base)
{
	char dir[1024];
	int fd;

	make_work_dir(base, dir, sizeof(dir));
	show_create(dir, "seq.fifo", "");
	show_create(dir, "seq.fifo", " again");
	fd = open(in_dir(dir, "notes.txt"), O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1)
		ipc_die_errno("open notes.txt");
	close(fd);
	show_create(dir, "notes.txt", " over a regular file");
	show_create(dir, "no-such-dir/seq.fifo", "");
	unlink(in_dir(dir, "seq.fifo"));
	unlink(in_dir(dir, "notes.txt"));
	remove_work_dir(dir);
	return 0;
}

/** Fork a server on @p path; return once it is ready to take requests. */
static pid_t
start_server(const char *path, long max_requests)
{
	struct ipc_ready ready;
	pid_t pid;

	if (ipc_ready_init(&ready) == -1)
		ipc_die_errno("pipe");
	fflush(stdout); /* or the child prints our buffered lines again */
	pid = fork();
	if (pid == -1)
		ipc_die_errno("fork");
	if (pid == 0) {
		long n;
		close(ready.read_fd);
		signal(SIGPIPE, SIG_IGN); /* a client that left must not kill */
		n = fifo_seq_serve(path, max_requests, ready.write_fd);
		if (n == -1)
			fprintf(stderr, "fifo_seq_serve: %s\n",
				ipc_errno_name(errno));
		_exit(n == -1 ? 1 : 0);
	}
	close(ready.write_fd);
	ready.write_fd = -1;
	if (ipc_ready_wait(&ready, -1) == -1)
		ipc_die("the server did not start");
	ipc_ready_close(&ready);
	return pid;
}

/** Wait for the server and say how it ended. */
static void
reap_server(pid_t pid, const char *path)
{
	char how[64];
	int status;

	if (ipc_waitpid(pid, &status) == -1)
		ipc_die_errno("waitpid");
	printf("server %s; its FIFO %s\n",
	       ipc_describe_status(status, how, sizeof(how)),
	       access(path, F_OK) == 0 ? "is still there (not unlinked!)"
				       : "is gone");
}

static int
demo_session(long clients, const char *base)
{
	char dir[1024], server[1100];
	long number, given;
	pid_t pid;

	if (clients < 0)
		ipc_die("the number of clients must be positive");
	make_work_dir(base, dir, sizeof(dir));
	snprintf(server, sizeof(server), "%s", in_dir(dir, "seq.fifo"));
	pid = start_server(server, 0);
	printf("server ready on seq.fifo\n");
	for (long i = 1; i <= clients; i++) {
		if (fifo_seq_request(server, dir, &number) == -1)
			ipc_die_errno("fifo_seq_request");
		printf("client %ld got number %ld\n", i, number);
	}
	given = fifo_seq_shutdown(server, dir);
	if (given == -1)
		ipc_die_errno("fifo_seq_shutdown");
	printf("shutdown acknowledged: %ld numbers given\n", given);
	reap_server(pid, server);
	if (fifo_seq_request(server, dir, &number) == -1)
		printf("a client after the shutdown: %s\n",
		       ipc_errno_name(errno));
	else
		printf("a client after the shutdown got number %ld?\n", number);
	remove_work_dir(dir);
	return 0;
}

static int
demo_noreader(const char *base)
{
	char dir[1024], path[1100];
	long number;
	int fd, reader;

	make_work_dir(base, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s", in_dir(dir, "lonely.fifo"));
	if (fifo_create(path, 0600) == -1)
		ipc_die_errno("fifo_create");
	fd = fifo_open_writer(path);
	printf("open for writing, nobody reading: %s\n",
	       fd == -1 ? ipc_errno_name(errno) : "opened?");
	ipc_close_quietly(fd);
	if (fifo_seq_request(path, dir, &number) == -1)
		printf("ask a server that is not running: %s\n",
		       ipc_errno_name(errno));
	else
		printf("ask a server that is not running: got %ld?\n", number);
	reader = open(path, O_RDONLY | O_NONBLOCK); /* never waits */
	if (reader == -1)
		ipc_die_errno("open for reading");
	fd = fifo_open_writer(path);
	if (fd == -1)
		printf("open for writing, with a reader: %s\n",
		       ipc_errno_name(errno));
	else
		printf("open for writing, with a reader: ok, %s mode\n",
		       fcntl(fd, F_GETFL) & O_NONBLOCK ? "non-blocking"
						       : "blocking");
	ipc_close_quietly(fd);
	close(reader);
	unlink(path);
	fd = fifo_open_writer(path);
	printf("open for writing, FIFO removed: %s\n",
	       fd == -1 ? ipc_errno_name(errno) : "opened?");
	ipc_close_quietly(fd);
	remove_work_dir(dir);
	return 0;
}

static int
demo_serve(const char *path, long max_requests)
{
	long n;

	signal(SIGPIPE, SIG_IGN);
	printf("serving on %s (stop it with: fifo_demo stop %s)\n", path, path);
	fflush(stdout);
	n = fifo_seq_serve(path, max_requests, -1);
	if (n == -1)
		ipc_die_errno("fifo_seq_serve");
	printf("gave out %ld numbers\n", n);
	return 0;
}

int
main(int argc, char **argv)
{
	long number;

	setvbuf(stdout, NULL, _IOLBF, 0); /* lines in order with the server's */
	if (argc >= 2 && strcmp(argv[1], "create") == 0)
		return demo_create(base_dir(argc, argv, 2));
	if (argc >= 3 && strcmp(argv[1], "session") == 0)
		return demo_session(strtol(argv[2], NULL, 0),
				    base_dir(argc, argv, 3));
	if (argc >= 2 && strcmp(argv[1], "noreader") == 0)
		return demo_noreader(base_dir(argc, argv, 2));
	if (argc >= 3 && strcmp(argv[1], "serve") == 0)
		return demo_serve(argv[2],
				  argc > 3 ? strtol(argv[3], NULL, 0) : 0);
	if (argc >= 3 && strcmp(argv[1], "ask") == 0) {
		if (fifo_seq_request(argv[2], base_dir(argc, argv, 3),
				     &number) == -1)
			ipc_die_errno("fifo_seq_request");
		printf("got number %ld\n", number);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "stop") == 0) {
		long given =
			fifo_seq_shutdown(argv[2], base_dir(argc, argv, 3));
		if (given == -1)
			ipc_die_errno("fifo_seq_shutdown");
		printf("server stopped after giving out %ld numbers\n", given);
		return 0;
	}
	fprintf(stderr, "usage: fifo_demo create [DIR] | session N [DIR] | "
			"noreader [DIR]\n"
			"       fifo_demo serve PATH [MAX] | ask PATH [DIR] | "
			"stop PATH [DIR]\n");
	return 2;
}
