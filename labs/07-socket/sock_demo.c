/* SPDX-License-Identifier: MIT */
/**
 * @file sock_demo.c
 * @brief Lab 07 demo: try each step of the socket lab from the shell.
 *
 *     sock_demo echo PATH TEXT       step 1: echo TEXT over a Unix socket
 *     sock_demo stale PATH           step 1: leave a stale socket file at
 *                                    PATH, then listen there again
 *     sock_demo frame SIZE...        step 2: send messages of these sizes
 *                                    over a stream, receive them whole
 *     sock_demo poll PATH CLIENTS    step 3: a poll() server and CLIENTS
 *                                    clients at once, plus one that leaves
 *                                    in the middle of a message
 *     sock_demo peer                 step 4: the four ways a peer goes away
 *     sock_demo reconnect PATH FIRST_MS CAP_MS BACK_AT_MS [ATTEMPTS]
 *                                    step 5: reconnect with backoff while
 *                                    the server is away until BACK_AT_MS
 *                                    (on a simulated clock: no waiting)
 *     sock_demo tcp TEXT             step 6: echo over TCP on 127.0.0.1
 *     sock_demo udp SIZE...          step 6: datagrams keep their sizes
 *
 * Build it with `make demo LAB=07`; the grader runs it beside the reference
 * demo and compares what they print.
 */
#include "ipc_util.h"
#include "sock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/** A byte pattern that makes a lost, repeated or swapped byte visible. */
static void
fill_pattern(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)('a' + (i * 7 + seed) % 26);
}

/** Parse a size argument; stop the demo on garbage. */
static size_t
parse_size(const char *text, size_t max)
{
	char *end;
	unsigned long long value = strtoull(text, &end, 0);

	if (*end != '\0' || end == text || value > max)
		ipc_die("not a size (0 to %zu): %s", max, text);
	return (size_t)value;
}

/** Wait for a child of the demo and stop unless it exited with 0. */
static void
reap(pid_t child, const char *what)
{
	int status;
	char how[96];

	if (ipc_waitpid(child, &status) == -1)
		ipc_die_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		ipc_die("%s %s", what,
			ipc_describe_status(status, how, sizeof(how)));
}

/* ------------------------------------------------------------- step 1 */

/** Fork a child that serves one echo client on @p listen_fd, then exits. */
static pid_t
fork_echo_server(int listen_fd)
{
	pid_t child;

	fflush(stdout); /* or the child would print our buffered lines again */
	child = fork();
	if (child == -1)
		ipc_die_errno("fork");
	if (child == 0)
		_exit(sock_echo_serve_one(listen_fd) == -1 ? 1 : 0);
	return child;
}

/** Echo @p text through the server on @p fd and print what came back. */
static void
print_roundtrip(int fd, const char *text)
{
	char reply[SOCK_ECHO_MAX];
	ssize_t n = sock_echo_roundtrip(fd, text, strlen(text), reply,
					sizeof(reply));

	if (n == -1)
		ipc_die_errno("sock_echo_roundtrip");
	printf("client: sent %zu bytes, got back %zd bytes: \"%.*s\" (%s)\n",
	       strlen(text), n, (int)n, reply,
	       (size_t)n == strlen(text) && memcmp(reply, text, (size_t)n) == 0
		       ? "intact"
		       : "DIFFERENT");
}

static int
demo_echo(const char *path, const char *text)
{
	int listen_fd = sock_unix_listen(path, 8), fd;
	pid_t server;

	if (listen_fd == -1)
		ipc_die_errno("sock_unix_listen");
	printf("server: listening on a Unix stream socket\n");
	server = fork_echo_server(listen_fd);
	fd = sock_unix_connect(path);
	if (fd == -1)
		ipc_die_errno("sock_unix_connect");
	print_roundtrip(fd, text);
	close(fd);
	reap(server, "the echo server");
	if (sock_unix_unlisten(listen_fd, path) == -1)
		ipc_die_errno("sock_unix_unlisten");
	printf("server: served one client, socket file removed: %s\n",
	       access(path, F_OK) == 0 ? "NO, still there" : "yes");
	return 0;
}

static int
demo_stale(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (strlen(path) >= sizeof(addr.sun_path))
		ipc_die("path too long for a Unix socket: %s", path);
	strcpy(addr.sun_path, path);
	if (fd == -1)
		ipc_die_errno("socket");
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1)
		ipc_die_errno("bind");
	close(fd); /* the server "crashed": its socket file stays behind */
	printf("a server died and left its socket file behind: %s\n",
	       access(path, F_OK) == 0 ? "yes" : "no");
	fd = sock_unix_listen(path, 8);
	if (fd == -1) {
		printf("listening again: failed with %s: unlink a stale socket "
		       "file before bind()\n",
		       ipc_errno_name(errno));
		unlink(path);
		return 1;
	}
	printf("listening again on the same path: ok\n");
	if (sock_unix_unlisten(fd, path) == -1)
		ipc_die_errno("sock_unix_unlisten");
	return 0;
}

/* ------------------------------------------------------------- step 2 */

static int
demo_frame(int argc, char **argv)
{
	int fds[2], count = 0;
	size_t biggest = 0, len;
	pid_t child;
	char *buf, *want;

	for (int i = 0; i < argc; i++) {
		len = parse_size(argv[i], 64u << 20);
		biggest = len > biggest ? len : biggest;
	}
	buf = malloc(biggest + 1);
	want = malloc(biggest + 1);
	if (buf == NULL || want == NULL)
		ipc_die_errno("malloc");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == -1)
		ipc_die_errno("socketpair");
	fflush(stdout);
	child = fork();
	if (child == -1)
		ipc_die_errno("fork");
	if (child == 0) { /* the sender: one message per size, then close */
		close(fds[0]);
		for (int i = 0; i < argc; i++) {
			len = parse_size(argv[i], biggest);
			fill_pattern(want, len, (unsigned)i);
			if (sock_send_msg(fds[1], want, len) != (ssize_t)len)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		int got = sock_recv_msg(fds[0], buf, biggest, &len);
		if (got == -1)
			ipc_die_errno("sock_recv_msg");
		if (got == 0)
			break;
		fill_pattern(want, len, (unsigned)count);
		printf("message %d: %zu bytes, %s\n", ++count, len,
		       memcmp(buf, want, len) == 0 ? "intact" : "DIFFERENT");
	}
	printf("end of stream after %d messages (the sender closed)\n", count);
	close(fds[0]);
	reap(child, "the sender");
	free(buf);
	free(want);
	return 0;
}

/* ------------------------------------------------------------- step 3 */

/** Connect to @p path and send the first @p part bytes of a framed @p msg. */
static int
client_start(const char *path, const char *frame, size_t part)
{
	int fd = sock_unix_connect(path);

	if (fd == -1)
		ipc_die_errno("sock_unix_connect");
	if (send(fd, frame, part, MSG_NOSIGNAL) != (ssize_t)part)
		ipc_die_errno("send");
	return fd;
}

static int
demo_poll(const char *path, int clients)
{
	struct sock_server_stats stats;
	int listen_fd, stop[2], report[2], fds[16], quitter;
	char frames[16][64 + SOCK_HEADER_LEN], reply[64];
	pid_t server;
	size_t len;

	if (clients < 1 || clients > 16)
		ipc_die("between 1 and 16 clients, please");
	listen_fd = sock_unix_listen(path, 32);
	if (listen_fd == -1)
		ipc_die_errno("sock_unix_listen");
	if (pipe(stop) == -1 || pipe(report) == -1)
		ipc_die_errno("pipe");
	fflush(stdout);
	server = fork();
	if (server == -1)
		ipc_die_errno("fork");
	if (server == 0) { /* serve until the stop pipe says so */
		long n;
		close(stop[1]); /* or the stop pipe never reaches EOF */
		close(report[0]);
		n = sock_poll_server(listen_fd, stop[0], 17, &stats);
		int ok = n != -1 &&
			 ipc_write_all(report[1], &stats, sizeof(stats)) != -1;
		_exit(ok ? 0 : 1);
	}
	close(stop[0]);
	close(report[1]);

	/* One client announces 40 bytes, sends 10 and leaves. */
	memset(frames[0], 0, sizeof(frames[0]));
	frames[0][3] = 40;
	quitter = client_start(path, frames[0], SOCK_HEADER_LEN + 10);
	close(quitter);
	printf("client 0: announced 40 bytes, sent 10, hung up\n");

	/* The others send half a message each, all at once... */
	for (int i = 0; i < clients; i++) {
		memset(frames[i], 0, SOCK_HEADER_LEN);
		frames[i][3] = (char)(20 + i);
		fill_pattern(frames[i] + SOCK_HEADER_LEN, 20 + (size_t)i,
			     (unsigned)i);
		fds[i] = client_start(path, frames[i], SOCK_HEADER_LEN + 5);
	}
	/* ...and finish them last first: a server stuck on one would hang. */
	for (int i = clients - 1; i >= 0; i--) {
		size_t rest = 20 + (size_t)i - 5;
		if (send(fds[i], frames[i] + SOCK_HEADER_LEN + 5, rest,
			 MSG_NOSIGNAL) != (ssize_t)rest)
			ipc_die_errno("send");
		if (sock_recv_msg(fds[i], reply, sizeof(reply), &len) != 1)
			ipc_die("client %d: no reply from the server", i + 1);
		printf("client %d: sent %d bytes in two parts, got them back "
		       "%s\n",
		       i + 1, 20 + i,
		       len == 20 + (size_t)i &&
				       memcmp(reply,
					      frames[i] + SOCK_HEADER_LEN,
					      len) == 0
			       ? "whole"
			       : "DIFFERENT");
	}
	for (int i = 0; i < clients; i++)
		close(fds[i]);
	close(stop[1]); /* EOF on the stop pipe: the server returns */
	if (ipc_read_all(report[0], &stats, sizeof(stats)) != sizeof(stats))
		ipc_die("the poll server failed");
	close(report[0]);
	reap(server, "the poll server");
	printf("server: accepted %lu clients, echoed %lu messages, "
	       "%lu left mid-message, %lu could not take a reply\n",
	       stats.accepted, stats.messages, stats.mid_message, stats.broken);
	if (sock_unix_unlisten(listen_fd, path) == -1)
		ipc_die_errno("sock_unix_unlisten");
	return 0;
}

/* ------------------------------------------------------------- step 4 */

static const char *const peer_names[] = {
	[SOCK_PEER_ALIVE] = "ALIVE",   [SOCK_PEER_CLOSED] = "CLOSED",
	[SOCK_PEER_BROKEN] = "BROKEN", [SOCK_PEER_TIMEOUT] = "TIMEOUT",
	[SOCK_PEER_ERROR] = "ERROR",
};

/** Print a heartbeat result, with errno's name where it tells more. */
static void
print_peer(const char *scene, int result)
{
	int err = errno;

	if (result == -1)
		printf("%-34s failed: %s\n", scene, ipc_errno_name(err));
	else if (result < 0 || result > SOCK_PEER_ERROR)
		printf("%-34s unknown result %d\n", scene, result);
	else if (result == SOCK_PEER_BROKEN || result == SOCK_PEER_ERROR)
		printf("%-34s %s (%s)\n", scene, peer_names[result],
		       ipc_errno_name(err));
	else
		printf("%-34s %s\n", scene, peer_names[result]);
}

/** A connected pair of Unix stream sockets. */
static void
make_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == -1)
		ipc_die_errno("socketpair");
}

static int
demo_peer(void)
{
	int fds[2], bad;

	make_pair(fds);
	if (sock_heartbeat_send(fds[1]) != SOCK_PEER_ALIVE)
		ipc_die("sock_heartbeat_send failed on a live peer");
	print_peer("the peer sent a heartbeat:",
		   sock_heartbeat_wait(fds[0], 1000));
	print_peer("the peer is silent for 20 ms:",
		   sock_heartbeat_wait(fds[0], 20));
	close(fds[1]);
	print_peer("the peer closed (recv gives 0):",
		   sock_heartbeat_wait(fds[0], 1000));
	print_peer("we send to a closed peer:", sock_heartbeat_send(fds[0]));
	close(fds[0]);

	make_pair(fds);
	if (send(fds[0], "unread", 6, MSG_NOSIGNAL) != 6)
		ipc_die_errno("send");
	close(fds[1]); /* closing with unread data resets the connection */
	print_peer("the peer reset the connection:",
		   sock_heartbeat_wait(fds[0], 1000));
	close(fds[0]);

	bad = dup(STDIN_FILENO);
	if (bad == -1)
		ipc_die_errno("dup");
	close(bad); /* now certainly not an open descriptor */
	print_peer("we poll a closed descriptor:",
		   sock_heartbeat_wait(bad, 1000));
	printf("still alive: no SIGPIPE killed us\n");
	return 0;
}

/* ------------------------------------------------------------- step 5 */

/** The simulated world of the reconnect demo. */
struct world {
	const char *path; /**< where the server comes back */
	unsigned now_ms;  /**< simulated clock */
	unsigned back_at; /**< when the server comes back */
	int listen_fd;	  /**< the server once it is back, else -1 */
	int delays;	  /**< how often the client waited */
};

/** sock_delay_fn: advance the simulated clock; start the server on time. */
static int
simulated_delay(void *ctx, unsigned delay_ms)
{
	struct world *w = ctx;

	printf("t=%6u ms  no server: waiting %u ms\n", w->now_ms, delay_ms);
	w->now_ms += delay_ms;
	w->delays++;
	if (w->listen_fd == -1 && w->now_ms >= w->back_at) {
		w->listen_fd = sock_unix_listen(w->path, 8);
		if (w->listen_fd == -1)
			ipc_die_errno("sock_unix_listen");
		printf("t=%6u ms  the server is back\n", w->now_ms);
	}
	if (w->delays > 1000) { /* a safety net for a client that never stops */
		errno = ECANCELED;
		return -1;
	}
	return 0;
}

static int
demo_reconnect(int argc, char **argv)
{
	struct world w = { .path = argv[0], .listen_fd = -1 };
	struct sock_backoff b = { .delay = simulated_delay, .ctx = &w };
	int fd;

	b.first_ms = (unsigned)parse_size(argv[1], 1u << 30);
	b.max_ms = (unsigned)parse_size(argv[2], 1u << 30);
	w.back_at = (unsigned)parse_size(argv[3], 1u << 30);
	b.max_attempts = argc > 4 ? (unsigned)parse_size(argv[4], 1000) : 0;
	unlink(w.path); /* the server is away: no socket file either */
	fd = sock_unix_connect_retry(w.path, &b);
	if (fd == -1) {
		printf("t=%6u ms  gave up: %s\n", w.now_ms,
		       ipc_errno_name(errno));
	} else {
		printf("t=%6u ms  connected after waiting %d times\n", w.now_ms,
		       w.delays);
		close(fd);
	}
	if (w.listen_fd != -1 && sock_unix_unlisten(w.listen_fd, w.path) == -1)
		ipc_die_errno("sock_unix_unlisten");
	return 0;
}

/* ------------------------------------------------------------- step 6 */

static int
demo_tcp(const char *text)
{
	uint16_t port = 0;
	int listen_fd = sock_tcp_listen(&port, 8), fd;
	pid_t server;

	if (listen_fd == -1)
		ipc_die_errno("sock_tcp_listen");
	/* The port differs from run to run: print only that we got one. */
	printf("server: listening on 127.0.0.1, ephemeral port %s\n",
	       port != 0 ? "assigned" : "MISSING (read it with getsockname)");
	server = fork_echo_server(listen_fd);
	fd = sock_tcp_connect(port);
	if (fd == -1)
		ipc_die_errno("sock_tcp_connect");
	print_roundtrip(fd, text);
	close(fd);
	reap(server, "the echo server");
	close(listen_fd);
	return 0;
}

static int
demo_udp(int argc, char **argv)
{
	uint16_t port_a = 0, port_b = 0, from;
	int a = sock_udp_open(&port_a), b = sock_udp_open(&port_b);
	static char buf[65536], want[65536];
	ssize_t n;

	if (a == -1 || b == -1)
		ipc_die_errno("sock_udp_open");
	for (int i = 0; i < argc; i++) { /* all out first... */
		size_t len = parse_size(argv[i], 65507);
		fill_pattern(want, len, (unsigned)i);
		if (sock_udp_send(a, port_b, want, len) != (ssize_t)len)
			ipc_die_errno("sock_udp_send");
	}
	for (int i = 0; i < argc; i++) { /* ...then in, one at a time */
		n = sock_udp_recv(b, buf, sizeof(buf), &from);
		if (n == -1)
			ipc_die_errno("sock_udp_recv");
		fill_pattern(want, (size_t)n, (unsigned)i);
		printf("datagram %d: sent %zu bytes, received %zd bytes, %s, "
		       "%s\n",
		       i + 1, parse_size(argv[i], 65507), n,
		       memcmp(buf, want, (size_t)n) == 0 ? "intact"
							 : "DIFFERENT",
		       from == port_a ? "from the sender" : "from a STRANGER");
	}
	if (sock_udp_send(a, port_b, want, 100) != 100)
		ipc_die_errno("sock_udp_send");
	n = sock_udp_recv(b, buf, 10, NULL);
	printf("a 100-byte datagram into a 10-byte buffer: %s\n",
	       n == -1 ? ipc_errno_name(errno)
		       : "accepted (truncation missed)");
	close(a);
	close(b);
	return 0;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "echo") == 0)
		return demo_echo(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "stale") == 0)
		return demo_stale(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "frame") == 0)
		return demo_frame(argc - 2, argv + 2);
	if (argc == 4 && strcmp(argv[1], "poll") == 0)
		return demo_poll(argv[2], atoi(argv[3]));
	if (argc == 2 && strcmp(argv[1], "peer") == 0)
		return demo_peer();
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "reconnect") == 0)
		return demo_reconnect(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "tcp") == 0)
		return demo_tcp(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "udp") == 0)
		return demo_udp(argc - 2, argv + 2);
	fprintf(stderr, "usage: sock_demo echo PATH TEXT | stale PATH | frame "
			"SIZE... |\n"
			"       sock_demo poll PATH CLIENTS | peer |\n"
			"       sock_demo reconnect PATH FIRST_MS CAP_MS "
			"BACK_AT_MS [ATTEMPTS] |\n"
			"       sock_demo tcp TEXT | udp SIZE...\n");
	return 2;
}
