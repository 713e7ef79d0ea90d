/* SPDX-License-Identifier: MIT */
/**
 * @file sockpair_demo.c
 * @brief Lab 08 demo: try each step of the socketpair lab from the shell.
 *
 *     sockpair_demo duplex SIZE                 parent and child each send
 *                                               SIZE bytes at the same time
 *     sockpair_demo upper < FILE                a child answers stdin in
 *                                               upper case, streaming
 *     sockpair_demo messages [--stream] SIZE... a child sends one message
 *                                               per SIZE; see the boundaries
 *     sockpair_demo passfd FILE                 the child reads FILE through
 *                                               a descriptor the parent passes
 *     sockpair_demo peercred                    what SO_PEERCRED reports
 *
 * Build it with `make demo LAB=08`; the grader runs it beside the reference
 * demo and compares what they print.
 */
#include "ipc_util.h"
#include "sockpair.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/** @p len bytes of a pattern; each sender uses its own @p seed. */
static char *
make_message(size_t len, unsigned seed)
{
	char *msg = malloc(len ? len : 1);

	if (msg == NULL)
		ipc_die_errno("malloc");
	ipc_fill_pattern(msg, len, seed);
	return msg;
}

/** Wait for @p child and stop unless it exited with status 0. */
static void
reap(pid_t child)
{
	char how[96];
	int status;

	if (ipc_waitpid(child, &status) == -1)
		ipc_die_errno("waitpid");
	if (status != 0)
		ipc_die("the child %s",
			ipc_describe_status(status, how, sizeof(how)));
}

/* ------------------------------------------------- step 1: duplex, upper */

/** Report one side of a duplex exchange: what it sent and received. */
static void
report_duplex(const char *who, size_t size, ssize_t got, const char *in,
	      unsigned peer_seed)
{
	char *expect = make_message(size, peer_seed);

	printf("%s: sent %zu bytes, received %zd bytes, %s (%08x)\n", who, size,
	       got,
	       (size_t)got == size && memcmp(in, expect, size) == 0
		       ? "all correct"
		       : "WRONG",
	       (unsigned)ipc_checksum(in, (size_t)got));
	fflush(stdout); /* the child leaves with _exit(): flush first */
	free(expect);
}

static size_t duplex_size;

/** The child's side: the same exchange, in the other direction. */
static int
serve_duplex(int sock, void *arg)
{
	char *msg = make_message(duplex_size, 2), *in = NULL;
	ssize_t got = sockpair_exchange(sock, msg, duplex_size, &in);

	(void)arg;
	if (got == -1) {
		fprintf(stderr, "child: sockpair_exchange: %s\n",
			ipc_errno_name(errno));
		return 1;
	}
	report_duplex("child ", duplex_size, got, in, 1);
	free(msg);
	free(in);
	return 0;
}

static int
demo_duplex(size_t size)
{
	char *msg = make_message(size, 1), *in = NULL;
	pid_t child;
	ssize_t got;
	int sock;

	duplex_size = size;
	fflush(stdout);
	sock = sockpair_spawn(SOCK_STREAM, serve_duplex, NULL, &child);
	if (sock == -1)
		ipc_die_errno("sockpair_spawn");
	got = sockpair_exchange(sock, msg, size, &in);
	if (got == -1)
		ipc_die_errno("sockpair_exchange");
	close(sock);
	reap(child); /* the child prints first, then we do */
	report_duplex("parent", size, got, in, 2);
	free(msg);
	free(in);
	return 0;
}

/** The child answers with the upper case of each byte, as it arrives. */
static int
serve_upper(int sock, void *arg)
{
	char buf[4096];
	ssize_t n;

	(void)arg;
	while ((n = read(sock, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 'a' + 'A');
		if (ipc_write_all(sock, buf, (size_t)n) == -1)
			return 1;
	}
	return n == 0 ? 0 : 1; /* EOF: the parent sent everything */
}

static int
demo_upper(void)
{
	char *request, *reply;
	ssize_t len, got;
	pid_t child;
	int sock;

	len = ipc_read_to_end(STDIN_FILENO, &request, 256u << 20);
	if (len == -1)
		ipc_die_errno("read stdin");
	fflush(stdout);
	sock = sockpair_spawn(SOCK_STREAM, serve_upper, NULL, &child);
	if (sock == -1)
		ipc_die_errno("sockpair_spawn");
	got = sockpair_exchange(sock, request, (size_t)len, &reply);
	if (got == -1)
		ipc_die_errno("sockpair_exchange");
	close(sock);
	reap(child);
	if (ipc_write_all(STDOUT_FILENO, reply, (size_t)got) == -1)
		ipc_die_errno("write stdout");
	free(request);
	free(reply);
	return 0;
}

/* ----------------------------------------------------- step 2: messages */

struct sizes {
	size_t n, size[64], biggest;
};

/** The child sends one message per size. */
static int
serve_messages(int sock, void *arg)
{
	const struct sizes *sizes = arg;
	char *msg = make_message(sizes->biggest, 3);

	for (size_t i = 0; i < sizes->n; i++)
		if (sockpair_send_msg(sock, msg, sizes->size[i]) == -1) {
			fprintf(stderr, "child: sockpair_send_msg: %s\n",
				ipc_errno_name(errno));
			return 1;
		}
	free(msg);
	return 0;
}

static int
demo_messages(int argc, char **argv)
{
	struct sizes sizes = { 0, { 0 }, 0 };
	bool stream = argc > 0 && strcmp(argv[0], "--stream") == 0;
	char *buf;
	pid_t child;
	ssize_t n;
	int sock;

	for (int i = stream; i < argc && sizes.n < 64; i++) {
		size_t size = strtoul(argv[i], NULL, 0);
		if (size == 0)
			ipc_die("message sizes must be at least 1 byte");
		sizes.size[sizes.n++] = size;
		if (size > sizes.biggest)
			sizes.biggest = size;
	}
	if (sizes.n == 0)
		ipc_die("usage: sockpair_demo messages [--stream] SIZE...");
	if (stream && sizes.biggest * sizes.n > 65536)
		ipc_die("with --stream keep the total under 64 KiB: the child "
			"sends it all before we read");
	buf = malloc(sizes.biggest * sizes.n);
	if (buf == NULL)
		ipc_die_errno("malloc");
	fflush(stdout);
	sock = sockpair_spawn(stream ? SOCK_STREAM : SOCK_SEQPACKET,
			      serve_messages, &sizes, &child);
	if (sock == -1)
		ipc_die_errno("sockpair_spawn");
	if (stream)
		reap(child); /* let every send land before the first receive */
	printf("the child sent %zu message(s) over a %s pair\n", sizes.n,
	       stream ? "SOCK_STREAM" : "SOCK_SEQPACKET");
	for (int i = 1;
	     (n = sockpair_recv_msg(sock, buf, sizes.biggest * sizes.n)) > 0;
	     i++)
		printf("receive %d: %zd bytes\n", i, n);
	if (n == -1)
		ipc_die_errno("sockpair_recv_msg");
	printf("then EOF\n");
	close(sock);
	if (!stream)
		reap(child);
	free(buf);
	return 0;
}

/* ------------------------------------------------------- step 3: passfd */

/** What the child learns about the file it received, sent back to us. */
struct file_id {
	dev_t dev;
	ino_t ino;
};

/** The child reads the file through the descriptor it receives. */
static int
serve_passfd(int sock, void *arg)
{
	struct file_id id;
	struct stat st;
	char *text;
	ssize_t n;
	int fd = sockpair_recv_fd(sock);

	(void)arg;
	if (fd == -1) {
		fprintf(stderr, "child: sockpair_recv_fd: %s\n",
			ipc_errno_name(errno));
		return 1;
	}
	if (fstat(fd, &st) == -1 ||
	    (n = ipc_read_to_end(fd, &text, 1u << 30)) == -1)
		return 1;
	printf("child: received a descriptor and read %zd bytes through it:\n",
	       n);
	fflush(stdout);
	ipc_write_all(STDOUT_FILENO, text, (size_t)n);
	free(text);
	close(fd);
	id.dev = st.st_dev;
	id.ino = st.st_ino;
	return ipc_write_all(sock, &id, sizeof(id)) == -1; /* tell the parent */
}

static int
demo_passfd(const char *path)
{
	struct file_id id;
	struct stat st;
	pid_t child;
	int fd, sock;

	fflush(stdout);
	/* Fork first, open the file afterwards: the child does not inherit
	 * it, so the descriptor we pass is its only way to the file. */
	sock = sockpair_spawn(SOCK_STREAM, serve_passfd, NULL, &child);
	if (sock == -1)
		ipc_die_errno("sockpair_spawn");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1)
		ipc_die_errno(path);
	if (sockpair_send_fd(sock, fd) == -1)
		ipc_die_errno("sockpair_send_fd");
	if (ipc_read_all(sock, &id, sizeof(id)) != (ssize_t)sizeof(id))
		ipc_die("the child did not report back");
	close(sock);
	reap(child);
	printf("parent: the child's descriptor is the same file (device and "
	       "inode): %s\n",
	       id.dev == st.st_dev && id.ino == st.st_ino ? "yes" : "NO");
	printf("parent: our file offset is now %ld: the child moved it, we "
	       "share one open file\n",
	       (long)lseek(fd, 0, SEEK_CUR));
	close(fd);
	return 0;
}

/* ----------------------------------------------------- step 4: peercred */

/** The child makes a pair of its own and sends one end to the parent. */
static int
serve_peercred(int sock, void *arg)
{
	int pair[2];
	char byte;

	(void)arg;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == -1 ||
	    sockpair_send_fd(sock, pair[1]) == -1)
		return 1;
	close(pair[1]);
	while (read(sock, &byte, 1) > 0)
		; /* stay until the parent is done (EOF) */
	close(pair[0]);
	return 0;
}

/** Name a pid relative to this demo: "the parent", "the child" or a number. */
static const char *
who(pid_t pid, pid_t child, char *buf, size_t len)
{
	if (pid == getpid())
		return "the parent (this process)";
	if (pid == child)
		return "the child";
	snprintf(buf, len, "pid %ld", (long)pid);
	return buf;
}

/** Print what SO_PEERCRED says about the peer of @p sock. */
static void
show_peer(const char *what, int sock, pid_t child)
{
	char buf[32];
	pid_t pid;
	uid_t uid;
	gid_t gid;

	if (sockpair_peer_cred(sock, &pid, &uid, &gid) == -1)
		ipc_die_errno("sockpair_peer_cred");
	printf("%s: the peer is %s, uid %s, gid %s\n", what,
	       who(pid, child, buf, sizeof(buf)),
	       uid == getuid() ? "same as mine" : "different",
	       gid == getgid() ? "same as mine" : "different");
}

static int
demo_peercred(void)
{
	pid_t child;
	int sock, theirs;

	fflush(stdout);
	sock = sockpair_spawn(SOCK_STREAM, serve_peercred, NULL, &child);
	if (sock == -1)
		ipc_die_errno("sockpair_spawn");
	show_peer("the pair the parent made and shared by fork", sock, child);
	theirs = sockpair_recv_fd(sock);
	if (theirs == -1)
		ipc_die_errno("sockpair_recv_fd");
	show_peer("a pair the child made, one end passed to us", theirs, child);
	close(theirs);
	close(sock); /* the child sees EOF and leaves */
	reap(child);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "duplex") == 0)
		return demo_duplex(strtoul(argv[2], NULL, 0));
	if (argc == 2 && strcmp(argv[1], "upper") == 0)
		return demo_upper();
	if (argc >= 3 && strcmp(argv[1], "messages") == 0)
		return demo_messages(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "passfd") == 0)
		return demo_passfd(argv[2]);
	if (argc == 2 && strcmp(argv[1], "peercred") == 0)
		return demo_peercred();
	fprintf(stderr, "usage: sockpair_demo duplex SIZE | upper < FILE |\n"
			"       sockpair_demo messages [--stream] SIZE... |\n"
			"       sockpair_demo passfd FILE | peercred\n");
	return 2;
}
