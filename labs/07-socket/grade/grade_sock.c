/* SPDX-License-Identifier: MIT */
/**
 * @file grade_sock.c
 * @brief Lab 07 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c) adds the leak checks: fds, children, zombies. Peers that
 * talk to the student's code are written here with plain socket calls, so
 * each student function is graded on its own. Sockets live in the test's
 * private directory; TCP and UDP use 127.0.0.1 and ports the kernel picks.
 */
#include "grade.h"
#include "ipc_util.h"
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------- data */

/** A frame of the step 2 protocol: 4-byte big-endian length, payload. */
static unsigned char *
make_frame(size_t len, unsigned seed)
{
	unsigned char *frame = malloc(SOCK_HEADER_LEN + len);
	uint32_t header = htonl((uint32_t)len);

	if (frame != NULL) {
		memcpy(frame, &header, sizeof(header));
		ipc_fill_pattern(frame + SOCK_HEADER_LEN, len, seed);
	}
	return frame;
}

/* ------------------------------------------- the grader's own sockets */

/** A listening Unix socket at @p path, or -1. Safe in helpers. */
static int
try_unix_listen(const char *path)
{
	struct sockaddr_un addr;
	socklen_t len = grade_unix_address(&addr, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, len) == -1 || listen(fd, 32) == -1) {
		ipc_close_quietly(fd);
		return -1;
	}
	return fd;
}

/** try_unix_listen() for the test process: fails the test on error. */
static int
unix_listen(const char *path)
{
	int fd = try_unix_listen(path);

	ck_assert_msg(fd != -1, "grader: cannot listen at %s: %s", path,
		      strerror(errno));
	return fd;
}

/** A Unix socket connected to @p path, or -1. Safe in helpers. */
static int
try_unix_connect(const char *path)
{
	struct sockaddr_un addr;
	socklen_t len = grade_unix_address(&addr, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, len) == -1) {
		ipc_close_quietly(fd);
		return -1;
	}
	return fd;
}

/** Leave a socket file at @p path whose server is gone (a "crash"). */
static void
make_stale_socket(const char *path)
{
	struct sockaddr_un addr;
	socklen_t len = grade_unix_address(&addr, path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_msg(fd != -1, "socket: %s", strerror(errno));
	ck_assert_msg(bind(fd, (struct sockaddr *)&addr, len) == 0, "bind: %s",
		      strerror(errno));
	close(fd); /* no unlink: the file stays, nobody listens */
}

/** 127.0.0.1:@p port. */
static void
loopback(struct sockaddr_in *addr, uint16_t port)
{
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_port = htons(port);
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/** A TCP socket on 127.0.0.1 (listening when @p listening); port out. */
static int
tcp_socket(uint16_t *port, bool listening)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd != -1, "socket: %s", strerror(errno));
	loopback(&addr, 0);
	ck_assert_msg(bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
			      (!listening || listen(fd, 16) == 0) &&
			      getsockname(fd, (struct sockaddr *)&addr, &len) == 0,
		      "grader: cannot set up a TCP socket: %s", strerror(errno));
	*port = ntohs(addr.sin_port);
	return fd;
}

/** A TCP socket connected to 127.0.0.1:@p port, or -1. Safe in helpers. */
static int
try_tcp_connect(uint16_t port)
{
	struct sockaddr_in addr;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	loopback(&addr, port);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1) {
		ipc_close_quietly(fd);
		return -1;
	}
	return fd;
}

/** Send everything (never SIGPIPE); @p len or -1. Safe in helpers. */
static ssize_t
send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, p + done, len - done, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/** Send one byte per call, as the slowest peer would. Safe in helpers. */
static int
send_bytewise(int fd, const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (send_all(fd, buf + i, 1) != 1)
			return -1;
	return 0;
}

#define TIMED_OUT (-2)

/**
 * send_all() or send_bytewise() that gives up after @p timeout_ms without
 * progress (a server that reads nothing must not block the peer for ever).
 * Returns @p len, TIMED_OUT or -1. Safe in helpers.
 */
static ssize_t
send_timed(int fd, const unsigned char *buf, size_t len, bool bytewise,
	   int timeout_ms)
{
	size_t done = 0;

	while (done < len) {
		size_t chunk = bytewise ? 1 : len - done;
		ssize_t n = send(fd, buf + done, chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			int ready = poll(&pfd, 1, timeout_ms);
			if (ready == 0)
				return TIMED_OUT;
			if (ready == -1 && errno != EINTR)
				return -1;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/**
 * Receive @p len bytes, waiting at most @p timeout_ms for each piece.
 * Returns @p len, fewer at EOF, TIMED_OUT, or -1. Safe in helpers.
 */
static ssize_t
recv_timed(int fd, void *buf, size_t len, int timeout_ms)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ready = poll(&pfd, 1, timeout_ms);
		ssize_t n;
		if (ready == -1 && errno == EINTR)
			continue;
		if (ready == -1)
			return -1;
		if (ready == 0)
			return TIMED_OUT;
		n = recv(fd, p + done, len - done, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == ECONNRESET ? (ssize_t)done : -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* ------------------------------------------------ fds of the test process */

#define FD_SCAN 256

/** Which fds were open at one moment. */
struct fd_snapshot {
	bool open[FD_SCAN];
};

static void
snapshot_fds(struct fd_snapshot *s)
{
	for (int fd = 0; fd < FD_SCAN; fd++)
		s->open[fd] = fcntl(fd, F_GETFD) != -1;
}

/** Sockets opened since @p s (except @p keep); the first one in @p first. */
static int
new_sockets(const struct fd_snapshot *s, int keep, int *first)
{
	int count = 0;

	*first = -1;
	for (int fd = 0; fd < FD_SCAN; fd++) {
		char link[64], target[128];
		ssize_t n;
		if (s->open[fd] || fd == keep || fcntl(fd, F_GETFD) == -1)
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0 || strncmp(target, "socket:", 7) != 0)
			continue;
		if (count++ == 0)
			*first = fd;
	}
	return count;
}

/* ------------------------------------------------ calls that fail */

/*
 * grade_fail_nth() makes the student's socket(), bind(), listen(),
 * accept(), connect(), recv(), send(), malloc() ... fail. Not poll(),
 * sendto() or recvfrom(): this grader wraps those itself (-Wl,--wrap= in
 * the lab's Makefile), and local_fail_nth() makes the nth call from now
 * fail with an errno, once. The grader's own calls count too while one is
 * armed: arm right before the call under test, clear right after.
 */
int __real_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout);
ssize_t __real_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t to_len);
ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t to_len);
ssize_t __real_recvfrom(int fd, void *buf, size_t len, int flags,
			struct sockaddr *from, socklen_t *from_len);
ssize_t __wrap_recvfrom(int fd, void *buf, size_t len, int flags,
			struct sockaddr *from, socklen_t *from_len);

/** The calls this grader wraps itself. */
enum local_call { LOCAL_POLL, LOCAL_SENDTO, LOCAL_RECVFROM, LOCAL_COUNT };

static const char *const local_names[LOCAL_COUNT] = { "poll", "sendto",
						      "recvfrom" };

static struct {
	unsigned nth;	/**< 0: nothing armed */
	unsigned calls; /**< calls since it was armed */
	int err;	/**< the errno the failed call sets */
	bool fired;	/**< the nth call came and failed */
} local_faults[LOCAL_COUNT];

/** Should this call of @p c fail? If so, errno is set for it. */
static bool
local_should_fail(enum local_call c)
{
	if (local_faults[c].nth == 0 ||
	    ++local_faults[c].calls != local_faults[c].nth)
		return false;
	local_faults[c].fired = true;
	errno = local_faults[c].err;
	return true;
}

int
__wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	return local_should_fail(LOCAL_POLL) ? -1
					     : __real_poll(fds, nfds, timeout);
}

ssize_t
__wrap_sendto(int fd, const void *buf, size_t len, int flags,
	      const struct sockaddr *to, socklen_t to_len)
{
	if (local_should_fail(LOCAL_SENDTO))
		return -1;
	return __real_sendto(fd, buf, len, flags, to, to_len);
}

ssize_t
__wrap_recvfrom(int fd, void *buf, size_t len, int flags,
		struct sockaddr *from, socklen_t *from_len)
{
	if (local_should_fail(LOCAL_RECVFROM))
		return -1;
	return __real_recvfrom(fd, buf, len, flags, from, from_len);
}

/** Make the @p nth call of @p c from now fail with @p err. */
static void
local_fail_nth(enum local_call c, unsigned nth, int err)
{
	local_faults[c].nth = nth;
	local_faults[c].calls = 0;
	local_faults[c].err = err;
	local_faults[c].fired = false;
}

/** Arm the same failure for each engine-wrapped function of a NULL-ended
 *  list (the code under test uses one of them: recv(), read() or
 *  recvmsg(), say). */
static void
fail_nth_each(const char *const *functions, unsigned nth, int err)
{
	for (size_t i = 0; functions[i] != NULL; i++)
		grade_fail_nth(functions[i], nth, err);
}

/** Calls that receive from a socket, send to one, and accept on one. */
static const char *const receiving_calls[] = { "recv", "read", "recvmsg",
					       "readv", NULL };
static const char *const sending_calls[] = { "send", "write", "sendmsg",
					     "writev", NULL };
static const char *const accepting_calls[] = { "accept", "accept4", NULL };

/** "1st", "2nd", "3rd", "4th" ... */
static const char *
nth_suffix(unsigned n)
{
	return n % 100 / 10 == 1 ? "th"
	       : n % 10 == 1	 ? "st"
	       : n % 10 == 2	 ? "nd"
	       : n % 10 == 3	 ? "rd"
				 : "th";
}

/**
 * Disarm everything (engine and local) and describe in @p out the injected
 * failures that happened ("" when none did). errno is kept.
 */
static bool
fail_clear(char *out, size_t out_len)
{
	int err = errno;
	size_t len = grade_fail_describe(out, out_len);

	grade_fail_clear();
	for (int c = 0; c < LOCAL_COUNT; c++) {
		if (local_faults[c].fired && len < out_len)
			len += (size_t)snprintf(
				out + len, out_len - len,
				"%sthe %u%s %s() call failed with %s",
				len ? " and " : "", local_faults[c].nth,
				nth_suffix(local_faults[c].nth), local_names[c],
				ipc_errno_name(local_faults[c].err));
		local_faults[c].nth = 0;
		local_faults[c].fired = false;
	}
	errno = err;
	return len > 0;
}

/**
 * After a call under test with failures armed: if one happened, the call
 * must have returned -1 with errno @p err (for the engine's failures the
 * engine also checks the fds opened since arming). Everything is disarmed.
 * Returns whether a failure happened; @p injected describes it.
 */
static bool
expect_failure(long ret, int err, const char *call, char *injected,
	       size_t injected_len)
{
	int got = errno;
	bool local = false;

	for (int c = 0; c < LOCAL_COUNT; c++) {
		local |= local_faults[c].fired;
		if (!local_faults[c].fired)
			local_faults[c].nth = 0; /* armed, never reached */
	}
	if (!local) { /* only the engine's: it checks fds too */
		grade_fail_describe(injected, injected_len);
		errno = got;
		if (!grade_expect_clean_failure(ret, err, call)) {
			injected[0] = '\0';
			return false;
		}
		return true;
	}
	fail_clear(injected, injected_len);
	ck_assert_msg(ret == -1 && got == err,
		      "when %s, %s returned %ld (%s): expected -1 with %s. "
		      "Only EINTR means \"try again\": any other error ends "
		      "the call, with its errno",
		      injected, call, ret, ret == -1 ? ipc_errno_name(got) : "ok",
		      ipc_errno_name(err));
	errno = got;
	return true;
}

/* ----------------------------------------------------- the test's peers */

#define MAX_PEERS 4

static pid_t peers[MAX_PEERS];
static int n_peers;
static struct {
	int (*fn)(void *arg);
	void *arg;
} peer_start;

/** First code of a peer: die with the test process, never outlive it. */
static int
peer_main(void *unused)
{
	(void)unused;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	return peer_start.fn(peer_start.arg);
}

/** grade_spawn() a peer process that talks to the student's code. */
static pid_t
spawn_peer(int (*fn)(void *arg), void *arg)
{
	pid_t pid;

	ck_assert(n_peers < MAX_PEERS);
	peer_start.fn = fn;
	peer_start.arg = arg;
	pid = grade_spawn(peer_main, NULL);
	peers[n_peers++] = pid;
	return pid;
}

/** Forget a peer that has been reaped. */
static void
forget_peer(pid_t pid)
{
	for (int i = 0; i < n_peers; i++)
		if (peers[i] == pid)
			peers[i] = peers[--n_peers];
}

/**
 * GRADE_IMPLEMENTED() for a call made while peers run: a stub fails the
 * test at once, so stop and reap the peers first (none may outlive it).
 */
static void
require_implemented(long ret, const char *function, int step)
{
	int err = errno;

	if (ret == -1 && err == ENOSYS) {
		for (int i = 0; i < n_peers; i++) {
			kill(peers[i], SIGKILL);
			ipc_waitpid(peers[i], NULL);
		}
		n_peers = 0;
	}
	errno = err;
	GRADE_IMPLEMENTED(ret, function, step);
}

/** Wait for a peer; it must have exited (its exit code is returned). */
static int
join_peer(pid_t pid, int timeout_ms)
{
	int status = grade_join(pid, timeout_ms);
	char how[96];

	forget_peer(pid);
	ck_assert_msg(WIFEXITED(status), "the test's peer process %s",
		      ipc_describe_status(status, how, sizeof(how)));
	return WEXITSTATUS(status);
}

/* ------------------------------------- calling with SIGPIPE at its default */

/** What a call made in a helper process returned. */
struct call_result {
	long ret; /**< return value */
	int err;  /**< errno after it */
};

/** A call to run in a helper whose SIGPIPE kills, as in a fresh program. */
struct sigpipe_call {
	long (*fn)(int fd);
	int fd;
	int result_fd;
};

static int
sigpipe_helper(void *arg)
{
	struct sigpipe_call *c = arg;
	struct call_result r;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGPIPE, SIG_DFL);
	r.ret = c->fn(c->fd);
	r.err = errno;
	return ipc_write_all(c->result_fd, &r, sizeof(r)) == sizeof(r) ? 0 : 1;
}

/**
 * Run fn(fd) in a helper with the default SIGPIPE action; fail the test
 * naming SIGPIPE if the call killed it. errno is set to the call's.
 */
static long
call_with_default_sigpipe(long (*fn)(int), int fd, const char *function, int step)
{
	struct sigpipe_call c = { fn, fd, -1 };
	struct call_result r = { 0, 0 };
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	c.result_fd = fds[1];
	pid = spawn_peer(sigpipe_helper, &c);
	close(fds[1]);
	status = grade_join(pid, 3000);
	forget_peer(pid);
	n = ipc_read_all(fds[0], &r, sizeof(r));
	close(fds[0]);
	ck_assert_msg(!(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE),
		      "SIGPIPE death: %s() sent to a peer that had closed, and "
		      "SIGPIPE killed the process (its default action). Pass "
		      "MSG_NOSIGNAL to send(), so the call fails with EPIPE "
		      "instead and the program can clean up",
		      function);
	ck_assert_msg(n == sizeof(r), "%s() did not return in the test's peer "
		      "process (it ended with wait status %#x)", function, status);
	errno = r.err;
	GRADE_IMPLEMENTED(r.ret, function, step);
	errno = r.err;
	return r.ret;
}

/* ===================================================== step 1: Unix echo */

START_TEST(test_unix_listen_accepts_connections)
{
	const char *path = grade_path("server.sock");
	struct sockaddr_un addr;
	socklen_t len = sizeof(addr);
	int fd = sock_unix_listen(path, 8), type = 0, listening = 0, client, conn;
	socklen_t opt_len = sizeof(int);
	struct stat st;

	GRADE_IMPLEMENTED(fd, "sock_unix_listen", 1);
	ck_assert_msg(fd >= 0, "sock_unix_listen() on a free path returned %d (%s)",
		      fd, ipc_errno_name(errno));
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &opt_len);
	ck_assert_msg(type == SOCK_STREAM, "expected a SOCK_STREAM socket");
	opt_len = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &opt_len);
	ck_assert_msg(listening, "the socket is not listening: call listen() "
				 "after bind()");
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	ck_assert_msg(addr.sun_family == AF_UNIX &&
			      strcmp(addr.sun_path, path) == 0,
		      "the socket is bound to \"%s\", not to the path given (%s)",
		      addr.sun_path, path);
	ck_assert_msg(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode),
		      "no socket file at the path after bind()");
	client = try_unix_connect(path);
	ck_assert_msg(client != -1, "connect() to your server failed: %s",
		      strerror(errno));
	conn = accept(fd, NULL, NULL);
	ck_assert_msg(conn != -1, "accept: %s", strerror(errno));
	close(conn);
	close(client);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(test_unix_listen_replaces_stale_socket)
{
	const char *path = grade_path("stale.sock");
	int fd, client;

	make_stale_socket(path);
	fd = sock_unix_listen(path, 8);
	GRADE_IMPLEMENTED(fd, "sock_unix_listen", 1);
	ck_assert_msg(fd >= 0,
		      "stale socket file blocks bind: a server that died left "
		      "its socket file at the path, and sock_unix_listen() "
		      "failed with %s. bind() fails with EADDRINUSE as long as "
		      "the path exists: when connect() to it is refused "
		      "(ECONNREFUSED) the file is stale, unlink() it before "
		      "bind()",
		      ipc_errno_name(errno));
	client = try_unix_connect(path);
	ck_assert_msg(client != -1, "after replacing the stale socket, connect() "
		      "to the path fails: %s", strerror(errno));
	close(client);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(test_unix_listen_keeps_live_server)
{
	const char *path = grade_path("live.sock");
	int live = unix_listen(path), fd, client, conn;

	errno = 0;
	fd = sock_unix_listen(path, 8);
	GRADE_IMPLEMENTED(fd, "sock_unix_listen", 1);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == EADDRINUSE,
		      "a live server listens at the path, yet sock_unix_listen() "
		      "returned %d (%s): only a socket nobody accepts on is "
		      "stale. Probe with connect() first; if it succeeds, fail "
		      "with EADDRINUSE and leave the file alone",
		      fd, fd == -1 ? ipc_errno_name(errno) : "a new socket");
	client = try_unix_connect(path);
	ck_assert_msg(client != -1, "the live server's socket file is gone: its "
		      "clients can no longer reach it");
	conn = accept4(live, NULL, NULL, SOCK_NONBLOCK);
	ck_assert_msg(conn != -1, "the live server's socket file was replaced: "
		      "clients now reach another socket");
	close(conn);
	close(client);
	close(live);
	unlink(path);
}
END_TEST

START_TEST(test_unix_listen_keeps_regular_file)
{
	const char *path = grade_path("notes.txt");
	int file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), fd;
	struct stat st;

	ck_assert_msg(file != -1, "open: %s", strerror(errno));
	ck_assert_int_eq(write(file, "keep me", 7), 7);
	close(file);
	errno = 0;
	fd = sock_unix_listen(path, 8);
	GRADE_IMPLEMENTED(fd, "sock_unix_listen", 1);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == EADDRINUSE,
		      "a regular file is at the path; sock_unix_listen() returned "
		      "%d (%s), expected -1 with EADDRINUSE",
		      fd, ipc_errno_name(errno));
	ck_assert_msg(lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			      st.st_size == 7,
		      "sock_unix_listen() deleted a regular file that was at the "
		      "path: unlink only a stale socket (lstat(): S_ISSOCK)");
}
END_TEST

/** A path inside the test dir that is too long for sun_path. */
static const char *
too_long_path(void)
{
	static char name[160];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	return grade_path(name);
}

START_TEST(test_unix_listen_path_too_long)
{
	const char *path = too_long_path();
	struct sockaddr_un addr;
	int fd;

	errno = 0;
	fd = sock_unix_listen(path, 8);
	GRADE_IMPLEMENTED(fd, "sock_unix_listen", 1);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == ENAMETOOLONG,
		      "a path of %zu bytes does not fit in sun_path (%zu bytes "
		      "with its NUL), yet sock_unix_listen() returned %d (%s): "
		      "refuse it with ENAMETOOLONG. Copying only part of it "
		      "silently binds a different file (truncated path)",
		      strlen(path), sizeof(addr.sun_path), fd,
		      ipc_errno_name(errno));
	errno = 0;
	fd = sock_unix_connect(path);
	GRADE_IMPLEMENTED(fd, "sock_unix_connect", 1);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == ENAMETOOLONG,
		      "sock_unix_connect() with a path too long for sun_path "
		      "returned %d (%s), expected -1 with ENAMETOOLONG",
		      fd, ipc_errno_name(errno));
}
END_TEST

START_TEST(test_unix_unlisten_removes_path)
{
	const char *path = grade_path("gone.sock");
	int fd = unix_listen(path), rc;

	rc = sock_unix_unlisten(fd, path);
	GRADE_IMPLEMENTED(rc, "sock_unix_unlisten", 1);
	ck_assert_msg(rc == 0, "sock_unix_unlisten() returned %d (%s)", rc,
		      ipc_errno_name(errno));
	ck_assert_msg(access(path, F_OK) == -1,
		      "the socket file is still there after "
		      "sock_unix_unlisten(): closing a socket does not remove "
		      "its file, unlink() it");
	ck_assert_msg(fcntl(fd, F_GETFD) == -1,
		      "the listening descriptor is still open: close() it");
}
END_TEST

START_TEST(test_unix_connect_reaches_server)
{
	const char *path = grade_path("server.sock");
	int listen_fd = unix_listen(path), fd, conn;
	char got[5] = "";

	fd = sock_unix_connect(path);
	GRADE_IMPLEMENTED(fd, "sock_unix_connect", 1);
	ck_assert_msg(fd >= 0, "sock_unix_connect() to a listening server "
		      "returned %d (%s)", fd, ipc_errno_name(errno));
	conn = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK);
	ck_assert_msg(conn != -1, "the server has no connection to accept: "
		      "the descriptor returned is not connected to it");
	ck_assert_int_eq(send_all(fd, "ping", 4), 4);
	ck_assert_int_eq(recv_timed(conn, got, 4, 2000), 4);
	ck_assert_msg(memcmp(got, "ping", 4) == 0, "bytes differ");
	close(conn);
	close(fd);
	close(listen_fd);
	unlink(path);
}
END_TEST

START_TEST(test_unix_connect_reports_errors)
{
	const char *missing = grade_path("nobody-here.sock");
	const char *stale = grade_path("stale.sock");
	int fd;

	errno = 0;
	fd = sock_unix_connect(missing);
	GRADE_IMPLEMENTED(fd, "sock_unix_connect", 1);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == ENOENT,
		      "connecting to a path with no socket file returned %d (%s), "
		      "expected -1 with ENOENT",
		      fd, ipc_errno_name(errno));
	make_stale_socket(stale);
	errno = 0;
	fd = sock_unix_connect(stale);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == ECONNREFUSED,
		      "connecting to a socket file nobody listens on returned %d "
		      "(%s), expected -1 with ECONNREFUSED",
		      fd, ipc_errno_name(errno));
}
END_TEST

START_TEST(test_unix_listen_rejects_empty_path)
{
	int fd;

	errno = 0;
	fd = sock_unix_listen("", 8);
	GRADE_IMPLEMENTED(fd, "sock_unix_listen", 1);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == EINVAL,
		      "sock_unix_listen(\"\") returned %d (%s): expected -1 with "
		      "EINVAL. An empty sun_path is no file at all: bind() "
		      "would name a socket in Linux's abstract namespace, which "
		      "nobody can find by path",
		      fd, fd == -1 ? ipc_errno_name(errno) : "a socket");
	errno = 0;
	fd = sock_unix_connect("");
	GRADE_IMPLEMENTED(fd, "sock_unix_connect", 1);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == EINVAL,
		      "sock_unix_connect(\"\") returned %d (%s): expected -1 "
		      "with EINVAL",
		      fd, fd == -1 ? ipc_errno_name(errno) : "a socket");
}
END_TEST

START_TEST(test_unix_listen_cleans_up_when_calls_fail)
{
	static const struct {
		const char *function;
		int err;
	} cases[] = { { "socket", EMFILE },
		      { "bind", EACCES },
		      { "listen", EADDRINUSE } };
	const char *path = grade_path("stale.sock");

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		bool failed = true;
		/* A stale file is there: a probe socket, then the server's.
		 * Each call of the function in turn fails. */
		for (unsigned k = 1; k <= 3 && failed; k++) {
			struct stat st;
			int fd;
			if (lstat(path, &st) == -1)
				make_stale_socket(path);
			grade_fail_nth(cases[c].function, k, cases[c].err);
			fd = sock_unix_listen(path, 8);
			failed = grade_expect_clean_failure(fd, cases[c].err,
							    "sock_unix_listen()");
			GRADE_IMPLEMENTED(fd, "sock_unix_listen", 1);
			if (!failed) {
				ck_assert_msg(fd >= 0,
					      "sock_unix_listen() failed: %s",
					      ipc_errno_name(errno));
				close(fd);
				unlink(path);
				continue;
			}
			ck_assert_msg(strcmp(cases[c].function, "listen") != 0 ||
					      lstat(path, &st) == -1,
				      "when listen() failed, sock_unix_listen() "
				      "returned -1 but left the socket file that "
				      "bind() had made: unlink() it on that path "
				      "too, or it stays behind, stale");
		}
	}
	unlink(path);
}
END_TEST

START_TEST(test_unix_unlisten_reports_errors)
{
	const char *path = grade_path("gone.sock");
	int fd = unix_listen(path), rc;

	ck_assert_int_eq(unlink(path), 0); /* someone removed it already */
	errno = 0;
	rc = sock_unix_unlisten(fd, path);
	GRADE_IMPLEMENTED(rc, "sock_unix_unlisten", 1);
	ck_assert_msg(rc == -1 && errno == ENOENT,
		      "the socket file was already gone: sock_unix_unlisten() "
		      "returned %d (%s), expected -1 with ENOENT from unlink()",
		      rc, rc == -1 ? ipc_errno_name(errno) : "success");
	ck_assert_msg(fcntl(fd, F_GETFD) == -1,
		      "when unlink() fails the descriptor must still be closed");
	fd = unix_listen(path);
	close(fd); /* a descriptor that is no longer open */
	errno = 0;
	rc = sock_unix_unlisten(fd, path);
	ck_assert_msg(rc == -1 && errno == EBADF,
		      "sock_unix_unlisten() of a closed descriptor returned %d "
		      "(%s), expected -1 with EBADF from close()",
		      rc, rc == -1 ? ipc_errno_name(errno) : "success");
	ck_assert_msg(access(path, F_OK) == -1,
		      "when close() fails the socket file must still be "
		      "unlinked: it outlives the socket");
}
END_TEST

/** A Unix stream pair for the test (both ends closed by the test). */
static void
make_pair(int s[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
}

/** A Unix stream pair, the test's end (s[0]) non-blocking: code under
 *  test that waits for what never comes fails (EAGAIN) instead of hanging. */
static void
make_pair_nonblocking(int s[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
	ck_assert_int_ne(fcntl(s[0], F_SETFL, O_NONBLOCK), -1);
}

/** An answer longer than the 50 bytes a test gives sock_echo_roundtrip(). */
static const char big_answer[] = "an answer of more than fifty bytes, which "
				 "does not fit in the reply buffer";

/** What an echo client helper does. */
struct echo_client {
	const char *path; /**< Unix server, or NULL for TCP */
	uint16_t port;    /**< TCP port when path is NULL */
	size_t len;       /**< request size */
};

/** Exit codes of echo_client_helper(). */
enum { ECHO_OK, ECHO_NO_CONNECT = 2, ECHO_SEND, ECHO_SHORT, ECHO_NO_EOF,
       ECHO_DIFFERENT, ECHO_TOO_MUCH };

/** A plain echo client: send all, half-close, read the echo until EOF. */
static int
echo_client_helper(void *arg)
{
	const struct echo_client *e = arg;
	unsigned char *msg = malloc(e->len + 1), *back = malloc(e->len + 2);
	int fd = e->path ? try_unix_connect(e->path) : try_tcp_connect(e->port);
	ssize_t got;

	signal(SIGPIPE, SIG_IGN);
	if (fd == -1 || msg == NULL || back == NULL)
		return ECHO_NO_CONNECT;
	ipc_fill_pattern(msg, e->len, 3);
	if (send_all(fd, msg, e->len) == -1 || shutdown(fd, SHUT_WR) == -1)
		return ECHO_SEND;
	got = recv_timed(fd, back, e->len + 1, 2000);
	if (got == TIMED_OUT)
		return ECHO_NO_EOF;
	if (got < (ssize_t)e->len)
		return ECHO_SHORT;
	if (got > (ssize_t)e->len)
		return ECHO_TOO_MUCH;
	if (memcmp(msg, back, e->len) != 0)
		return ECHO_DIFFERENT;
	if (recv_timed(fd, back, 1, 2000) != 0)
		return ECHO_NO_EOF; /* the server must close after the echo */
	return ECHO_OK;
}

/** Run sock_echo_serve_one() on @p listen_fd against a plain client. */
static void
check_serve_one(int listen_fd, struct echo_client *client, bool faults)
{
	struct fd_snapshot before;
	int code, leaked, first;
	pid_t pid = spawn_peer(echo_client_helper, client);
	ssize_t n;

	snapshot_fds(&before);
	grade_inject_short_io(faults);
	n = sock_echo_serve_one(listen_fd);
	grade_inject_short_io(false);
	require_implemented(n, "sock_echo_serve_one", 1);
	leaked = new_sockets(&before, -1, &first);
	code = join_peer(pid, 5000);
	ck_assert_msg(leaked == 0, "fd leak: sock_echo_serve_one() returned but "
		      "the connection it accepted (fd %d) is still open: close "
		      "it when the client is done", first);
	ck_assert_msg(code != ECHO_NO_EOF,
		      "the client never saw EOF after its echo: close the "
		      "accepted connection when recv() returns 0");
	ck_assert_msg(code == ECHO_OK,
		      "the client sent %zu bytes, then shut down its side: %s",
		      client->len,
		      code == ECHO_SHORT ? "it got back fewer bytes (echo every "
					   "byte, handle short sends)"
		      : code == ECHO_DIFFERENT ? "the echo differs from what it "
						 "sent"
		      : code == ECHO_TOO_MUCH ? "it got back more than it sent"
					      : "it could not talk to the server");
	ck_assert_msg(n == (ssize_t)client->len,
		      "sock_echo_serve_one() returned %zd, expected %zu (bytes "
		      "echoed)", n, client->len);
}

START_TEST(test_echo_serve_one_echoes)
{
	const char *path = grade_path("echo.sock");
	struct echo_client client = { path, 0, 50000 };
	int listen_fd = unix_listen(path);

	check_serve_one(listen_fd, &client, false);
	close(listen_fd);
}
END_TEST

START_TEST(test_echo_serve_one_short_io)
{
	const char *path = grade_path("echo.sock");
	struct echo_client client = { path, 0, 60000 };
	int listen_fd = unix_listen(path);

	check_serve_one(listen_fd, &client, true);
	close(listen_fd);
}
END_TEST

/**
 * Run sock_echo_serve_one() against a plain client while the @p nth call
 * of @p functions fails with @p err. Returns whether it did fail (then
 * cleanly: -1 with that errno, the connection closed).
 */
static bool
serve_one_with_failure(const char *const *functions, unsigned nth, int err)
{
	const char *path = grade_path("echo.sock");
	struct echo_client client = { path, 0, 20000 };
	int listen_fd = unix_listen(path);
	pid_t pid = spawn_peer(echo_client_helper, &client);
	char injected[160];
	bool failed;
	ssize_t n;

	fail_nth_each(functions, nth, err);
	n = sock_echo_serve_one(listen_fd);
	failed = expect_failure(n, err, "sock_echo_serve_one()", injected,
				sizeof(injected));
	require_implemented(n, "sock_echo_serve_one", 1);
	close(listen_fd); /* a client still waiting in the backlog is reset */
	unlink(path);
	join_peer(pid, 5000); /* what it saw does not matter here */
	ck_assert_msg(failed || n == (ssize_t)client.len,
		      "sock_echo_serve_one() returned %zd (%s), expected %zu",
		      n, n == -1 ? ipc_errno_name(errno) : "a count", client.len);
	return failed;
}

START_TEST(test_echo_serve_one_fails_cleanly)
{
	const char *path = grade_path("echo.sock");
	struct echo_client client = { path, 0, 20000 };
	int listen_fd;
	pid_t pid;
	ssize_t n;

	/* An interrupted accept() is tried again. */
	listen_fd = unix_listen(path);
	pid = spawn_peer(echo_client_helper, &client);
	fail_nth_each(accepting_calls, 1, EINTR);
	n = sock_echo_serve_one(listen_fd);
	grade_fail_clear();
	require_implemented(n, "sock_echo_serve_one", 1);
	ck_assert_msg(n == (ssize_t)client.len,
		      "a signal interrupted accept() (EINTR) with a client "
		      "waiting: sock_echo_serve_one() returned %zd (%s), "
		      "expected %zu. EINTR means \"try again\": loop while "
		      "accept() fails with EINTR",
		      n, n == -1 ? ipc_errno_name(errno) : "a count", client.len);
	ck_assert_int_eq(join_peer(pid, 5000), ECHO_OK);
	close(listen_fd);
	unlink(path);
	/* Any other failure: -1 with its errno, the connection closed. */
	serve_one_with_failure(accepting_calls, 1, EMFILE);
	serve_one_with_failure(receiving_calls, 1, ECONNRESET);
	serve_one_with_failure(sending_calls, 1, ENOBUFS);
}
END_TEST

/** Exit codes of echo_server_helper(). */
enum { SERVER_OK, SERVER_NO_CLIENT = 2, SERVER_NO_SHUTDOWN };

/** A plain echo server for one client; gives up after 1 s of silence. */
static int
echo_server_helper(void *arg)
{
	int listen_fd = *(const int *)arg, conn;
	char buf[8192];

	signal(SIGPIPE, SIG_IGN);
	conn = accept(listen_fd, NULL, NULL);
	if (conn == -1)
		return SERVER_NO_CLIENT;
	for (;;) {
		ssize_t n = recv_timed(conn, buf, 1, 1000);
		if (n == TIMED_OUT)
			return SERVER_NO_SHUTDOWN; /* exit closes conn */
		if (n <= 0)
			return SERVER_OK;
		n = recv(conn, buf + 1, sizeof(buf) - 1, MSG_DONTWAIT);
		if (send_all(conn, buf, n > 0 ? (size_t)n + 1 : 1) == -1)
			return SERVER_OK;
	}
}

/** Round trip @p len bytes with sock_echo_roundtrip() over @p fd (with
 *  @p faults: short counts and EINTR on every call). */
static void
check_roundtrip(int listen_fd, int fd, size_t len, bool faults)
{
	unsigned char *msg = (unsigned char *)grade_pattern(len, 5), *reply = malloc(len + 16);
	pid_t pid = spawn_peer(echo_server_helper, &listen_fd);
	ssize_t n;
	int code;

	grade_inject_short_io(faults);
	n = sock_echo_roundtrip(fd, msg, len, reply, len + 16);
	grade_inject_short_io(false);
	require_implemented(n, "sock_echo_roundtrip", 1);
	code = join_peer(pid, 5000);
	ck_assert_msg(code != SERVER_NO_SHUTDOWN,
		      "the server waited for the rest of the request until it "
		      "gave up: the client never half-closed. After sending, "
		      "call shutdown(fd, SHUT_WR): the server's recv() then "
		      "returns 0 and it knows the request is complete");
	ck_assert_msg(n == (ssize_t)len,
		      "sock_echo_roundtrip() of %zu bytes returned %zd (%s)%s",
		      len, n, n == -1 ? ipc_errno_name(errno) : "a different count",
		      faults ? " while send() and recv() were interrupted "
			       "(EINTR) or moved fewer bytes than asked: retry "
			       "after EINTR, and go on from where a short call "
			       "stopped"
			     : "");
	ck_assert_msg(grade_first_mismatch(msg, reply, len) == len,
		      "the reply differs from the request at offset %zu",
		      grade_first_mismatch(msg, reply, len));
	free(msg);
	free(reply);
}

/** Connect to a fresh listening socket and check a round trip of @p len. */
static void
check_connected_roundtrip(size_t len, bool faults)
{
	const char *path = grade_path("echo.sock");
	int listen_fd = unix_listen(path), fd = try_unix_connect(path);

	ck_assert_msg(fd != -1, "connect: %s", strerror(errno));
	check_roundtrip(listen_fd, fd, len, faults);
	close(fd);
	close(listen_fd);
}

START_TEST(test_echo_roundtrip_echoes)
{
	check_connected_roundtrip(40000, false);
}
END_TEST

START_TEST(test_echo_roundtrip_empty)
{
	check_connected_roundtrip(0, false);
}
END_TEST

START_TEST(test_echo_roundtrip_short_io)
{
	check_connected_roundtrip(SOCK_ECHO_MAX, true);
}
END_TEST

START_TEST(test_echo_roundtrip_fails_cleanly)
{
	unsigned char *big = (unsigned char *)grade_pattern(SOCK_ECHO_MAX + 1, 5);
	unsigned char reply[50 + 8], extra;
	char injected[160];
	int s[2];
	ssize_t n;

	/* A request over SOCK_ECHO_MAX: refused before anything is sent. */
	make_pair_nonblocking(s);
	errno = 0;
	n = sock_echo_roundtrip(s[0], big, SOCK_ECHO_MAX + 1, reply, sizeof(reply));
	GRADE_IMPLEMENTED(n, "sock_echo_roundtrip", 1);
	ck_assert_msg(n == -1 && errno == EMSGSIZE,
		      "a request of SOCK_ECHO_MAX + 1 bytes: sock_echo_roundtrip() "
		      "returned %zd (%s), expected -1 with EMSGSIZE",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	ck_assert_msg(recv(s[1], &extra, 1, MSG_DONTWAIT) == -1,
		      "a request over SOCK_ECHO_MAX was refused, yet bytes of it "
		      "went out: check the length before sending anything");
	close(s[0]);
	close(s[1]);
	free(big);

	/* An answer longer than cap: EMSGSIZE, nothing written past cap. */
	make_pair_nonblocking(s);
	ck_assert_int_eq(send_all(s[1], big_answer, sizeof(big_answer)),
			 (ssize_t)sizeof(big_answer));
	ck_assert_int_eq(shutdown(s[1], SHUT_WR), 0);
	memset(reply, 0xEE, sizeof(reply));
	errno = 0;
	n = sock_echo_roundtrip(s[0], "x", 1, reply, 50);
	ck_assert_msg(n == -1 && errno == EMSGSIZE,
		      "the server answered %zu bytes into a 50-byte buffer: "
		      "sock_echo_roundtrip() returned %zd (%s), expected -1 with "
		      "EMSGSIZE. With the buffer full, receive one byte more: "
		      "if it comes, the answer did not fit",
		      sizeof(big_answer), n,
		      n == -1 ? ipc_errno_name(errno) : "a count");
	for (size_t i = 50; i < sizeof(reply); i++)
		ck_assert_msg(reply[i] == 0xEE, "sock_echo_roundtrip() wrote past "
			      "the %d bytes of the buffer: buffer overflow", 50);
	close(s[0]);
	close(s[1]);

	/* A failing recv(): -1 with its errno, at once. */
	make_pair_nonblocking(s);
	ck_assert_int_eq(send_all(s[1], "x", 1), 1);
	ck_assert_int_eq(shutdown(s[1], SHUT_WR), 0);
	fail_nth_each(receiving_calls, 1, ECONNRESET);
	n = sock_echo_roundtrip(s[0], "x", 1, reply, 50);
	if (!expect_failure(n, ECONNRESET, "sock_echo_roundtrip()", injected,
			    sizeof(injected)))
		ck_abort_msg("sock_echo_roundtrip() received without recv(), "
			     "read() or recvmsg()?");
	close(s[0]);
	close(s[1]);
}
END_TEST

START_TEST(test_demo_echo_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "echo", grade_path("demo.sock"), "hello, socket",
				  NULL },
		NULL, 0);
	grade_compare_with_reference(
		(const char *[]){ "stale", grade_path("demo.sock"), NULL }, NULL, 0);
}
END_TEST

/* ===================================================== step 2: framing */

START_TEST(test_msg_send_frames_payload)
{
	unsigned char got[16] = { 0 };
	int s[2];
	ssize_t n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	n = sock_send_msg(s[0], "hello", 5);
	GRADE_IMPLEMENTED(n, "sock_send_msg", 2);
	ck_assert_msg(n == 5, "sock_send_msg() of 5 bytes returned %zd (%s)", n,
		      ipc_errno_name(errno));
	n = sock_send_msg(s[0], NULL, 0);
	ck_assert_msg(n == 0, "sock_send_msg() of an empty message returned "
		      "%zd (%s), expected 0", n, ipc_errno_name(errno));
	close(s[0]);
	n = ipc_read_all(s[1], got, sizeof(got));
	close(s[1]);
	ck_assert_msg(n == 13, "the stream holds %zd bytes, expected 13: a 4-byte "
		      "header and 5 bytes, then a 4-byte header alone", n);
	ck_assert_msg(!(got[0] == 5 && got[3] == 0),
		      "the length went out in host byte order (little-endian "
		      "here: 05 00 00 00): wrong byte order, convert it with "
		      "htonl() so every machine reads the same number");
	ck_assert_msg(memcmp(got, "\0\0\0\5hello\0\0\0\0", 13) == 0,
		      "expected 00 00 00 05 'hello' 00 00 00 00, got %02x %02x "
		      "%02x %02x ...", got[0], got[1], got[2], got[3]);
}
END_TEST

START_TEST(test_msg_recv_reads_frames)
{
	const unsigned char stream[] = "\0\0\0\5hello\0\0\0\0\0\0\0\3abc";
	char buf[32];
	size_t len = 99;
	int s[2], r;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	ck_assert_int_eq(send_all(s[1], stream, sizeof(stream) - 1),
			 (ssize_t)sizeof(stream) - 1);
	close(s[1]); /* then EOF, between two messages */
	r = sock_recv_msg(s[0], buf, sizeof(buf), &len);
	GRADE_IMPLEMENTED(r, "sock_recv_msg", 2);
	ck_assert_msg(r == 1 && len == 5 && memcmp(buf, "hello", 5) == 0,
		      "first message: sock_recv_msg() returned %d (%s) with %zu "
		      "bytes, expected 1 with \"hello\" (5 bytes). The header "
		      "is a 4-byte big-endian length: ntohl()",
		      r, r == -1 ? ipc_errno_name(errno) : "ok", len);
	r = sock_recv_msg(s[0], buf, sizeof(buf), &len);
	ck_assert_msg(r == 1 && len == 0, "an empty message gave %d with %zu "
		      "bytes, expected 1 with 0 bytes", r, len);
	r = sock_recv_msg(s[0], buf, sizeof(buf), &len);
	ck_assert_msg(r == 1 && len == 3 && memcmp(buf, "abc", 3) == 0,
		      "third message: got %d with %zu bytes, expected \"abc\"", r,
		      len);
	r = sock_recv_msg(s[0], buf, sizeof(buf), &len);
	ck_assert_msg(r == 0, "the peer closed between two messages: expected 0 "
		      "(a clean end), got %d (%s)", r, ipc_errno_name(errno));
	close(s[0]);
}
END_TEST

/** Receive @p count messages of the given sizes (seed = index), then EOF. */
static void
check_receives(int fd, const size_t *sizes, int count, const char *how)
{
	size_t cap = 0, len;
	unsigned char *buf, *want;
	int r;

	for (int i = 0; i < count; i++)
		cap = sizes[i] > cap ? sizes[i] : cap;
	buf = malloc(cap + 1);
	want = malloc(cap + 1);
	ck_assert(buf != NULL && want != NULL);
	for (int i = 0; i < count; i++) {
		len = 0;
		r = sock_recv_msg(fd, buf, cap, &len);
		require_implemented(r, "sock_recv_msg", 2);
		ck_assert_msg(r == 1 && len == sizes[i],
			      "assuming one recv() = one message: %s, message %d "
			      "(%zu bytes) came back as %d with %zu bytes (%s). A "
			      "stream has no boundaries: loop until the whole "
			      "4-byte header, then the whole payload, has arrived",
			      how, i + 1, sizes[i], r, len,
			      r == -1 ? ipc_errno_name(errno) : "wrong size");
		ipc_fill_pattern(want, len, (unsigned)i);
		ck_assert_msg(grade_first_mismatch(buf, want, len) == len,
			      "message %d differs at offset %zu: bytes were lost "
			      "or read twice",
			      i + 1, grade_first_mismatch(buf, want, len));
	}
	r = sock_recv_msg(fd, buf, cap, &len);
	ck_assert_msg(r == 0, "after the last message the peer closed: expected "
		      "0, got %d (%s)", r, ipc_errno_name(errno));
	free(buf);
	free(want);
}

/** What a frame-sending helper sends. */
struct frames {
	int fd;       /**< the helper's end */
	int other_fd; /**< the test's end: the helper closes its copy */
	const size_t *sizes;
	int count;
	bool bytewise; /**< one byte per send() */
};

/** Send frames (seed = index) then close. A bytewise sender also keeps its
 *  send buffer at the minimum: only a few bytes are ever in flight, so even
 *  a receiver that lags (a loaded machine) never finds a whole message
 *  waiting, and one recv() per message cannot pass by luck. */
static int
frames_helper(void *arg)
{
	const struct frames *f = arg;
	const int tiny = 1; /* the kernel raises it to its minimum */

	signal(SIGPIPE, SIG_IGN);
	close(f->other_fd);
	if (f->bytewise &&
	    setsockopt(f->fd, SOL_SOCKET, SO_SNDBUF, &tiny, sizeof(tiny)) == -1)
		return 2;
	for (int i = 0; i < f->count; i++) {
		unsigned char *frame = make_frame(f->sizes[i], (unsigned)i);
		size_t total = SOCK_HEADER_LEN + f->sizes[i];
		if (frame == NULL)
			return 2;
		if (f->bytewise ? send_bytewise(f->fd, frame, total) == -1
				: send_all(f->fd, frame, total) == -1)
			return 3;
		free(frame);
	}
	return 0;
}

/** Let a helper send frames on one end of a pair; receive on the other. */
static void
check_frames_from_peer(const size_t *sizes, int count, bool bytewise,
		       bool faults, const char *how)
{
	struct frames f = { -1, -1, sizes, count, bytewise };
	int s[2];
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
	f.fd = s[1];
	f.other_fd = s[0];
	pid = spawn_peer(frames_helper, &f);
	close(s[1]); /* the helper's copy is the only writer: EOF when done */
	grade_inject_short_io(faults);
	check_receives(s[0], sizes, count, how);
	grade_inject_short_io(false);
	ck_assert_int_eq(join_peer(pid, 5000), 0);
	close(s[0]);
}

START_TEST(test_msg_recv_byte_by_byte_peer)
{
	static const size_t sizes[] = { 9000, 1, 0, 700 };

	check_frames_from_peer(sizes, 4, true, false,
			       "the peer sent every byte with its own send(), "
			       "never more than a few bytes ahead");
}
END_TEST

START_TEST(test_msg_recv_short_io)
{
	static const size_t sizes[] = { 200000, 5, 70000 };

	check_frames_from_peer(sizes, 3, false, true,
			       "with recv() returning short counts and EINTR");
}
END_TEST

/** Read frames and compare them with what sock_send_msg() was given. */
static int
frames_reader_helper(void *arg)
{
	const struct frames *f = arg;

	close(f->other_fd); /* or EOF never comes: we would hold a writer */
	for (int i = 0; i < f->count; i++) {
		unsigned char *want = make_frame(f->sizes[i], (unsigned)i);
		size_t total = SOCK_HEADER_LEN + f->sizes[i];
		unsigned char *got = malloc(total);
		if (want == NULL || got == NULL)
			return 2;
		if (recv_timed(f->fd, got, total, 3000) != (ssize_t)total)
			return 3;
		if (memcmp(got, want, total) != 0)
			return 4;
		free(want);
		free(got);
	}
	return recv_timed(f->fd, &(char){ 0 }, 1, 3000) == 0 ? 0 : 5;
}

START_TEST(test_msg_send_short_io)
{
	static const size_t sizes[] = { 300000, 0, 9000 };
	struct frames f = { -1, -1, sizes, 3, false };
	int s[2], code;
	ssize_t n = 0;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
	f.fd = s[1];
	f.other_fd = s[0];
	pid = spawn_peer(frames_reader_helper, &f);
	close(s[1]);
	grade_inject_short_io(true);
	for (int i = 0; i < 3 && n != -1; i++) {
		unsigned char *msg = make_frame(sizes[i], (unsigned)i);
		n = sock_send_msg(s[0], msg + SOCK_HEADER_LEN, sizes[i]);
		free(msg);
		if (n != -1)
			ck_assert_msg(n == (ssize_t)sizes[i],
				      "sock_send_msg() of %zu bytes returned %zd",
				      sizes[i], n);
	}
	grade_inject_short_io(false);
	require_implemented(n, "sock_send_msg", 2);
	ck_assert_msg(n != -1, "sock_send_msg() failed with %s: retry after "
		      "EINTR and send the rest after a short send",
		      ipc_errno_name(errno));
	close(s[0]);
	code = join_peer(pid, 5000);
	ck_assert_msg(code == 0,
		      "the peer did not get the frames that were sent (%s): with "
		      "short sends and EINTR, keep sending from where send() "
		      "stopped, header and payload alike",
		      code == 3 ? "a frame was cut short" : "a frame differs");
}
END_TEST

START_TEST(test_msg_recv_truncated_message)
{
	unsigned char head_only[] = { 0, 0 }, frame[SOCK_HEADER_LEN + 10];
	char buf[200];
	size_t len;
	int s[2], r;
	uint32_t header = htonl(100);

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	memcpy(frame, &header, sizeof(header));
	memset(frame + SOCK_HEADER_LEN, 'x', 10);
	ck_assert_int_eq(send_all(s[1], frame, sizeof(frame)), (ssize_t)sizeof(frame));
	close(s[1]); /* 100 bytes announced, 10 sent */
	errno = 0;
	r = sock_recv_msg(s[0], buf, sizeof(buf), &len);
	GRADE_IMPLEMENTED(r, "sock_recv_msg", 2);
	ck_assert_msg(r == -1 && errno == EPROTO,
		      "the peer announced 100 bytes, sent 10 and closed: "
		      "sock_recv_msg() returned %d (%s), expected -1 with EPROTO "
		      "(closed in the middle of a message, which is not a clean "
		      "end)",
		      r, ipc_errno_name(errno));
	close(s[0]);

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	ck_assert_int_eq(send_all(s[1], head_only, 2), 2);
	close(s[1]); /* half a header */
	errno = 0;
	r = sock_recv_msg(s[0], buf, sizeof(buf), &len);
	ck_assert_msg(r == -1 && errno == EPROTO,
		      "the peer sent 2 bytes of a header and closed: got %d (%s), "
		      "expected -1 with EPROTO", r, ipc_errno_name(errno));
	close(s[0]);
}
END_TEST

START_TEST(test_msg_recv_too_long)
{
	unsigned char *frame = make_frame(100, 1), buf[10 + 8];
	size_t len = 0;
	int s[2], r;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	ck_assert_int_eq(send_all(s[1], frame, SOCK_HEADER_LEN + 100),
			 SOCK_HEADER_LEN + 100);
	memset(buf, 0xEE, sizeof(buf));
	errno = 0;
	r = sock_recv_msg(s[0], buf, 10, &len);
	GRADE_IMPLEMENTED(r, "sock_recv_msg", 2);
	ck_assert_msg(r == -1 && errno == EMSGSIZE,
		      "a 100-byte message into a 10-byte buffer: sock_recv_msg() "
		      "returned %d (%s), expected -1 with EMSGSIZE",
		      r, ipc_errno_name(errno));
	for (size_t i = 10; i < sizeof(buf); i++)
		ck_assert_msg(buf[i] == 0xEE, "sock_recv_msg() wrote past the end of "
			      "the buffer (cap is 10 bytes): buffer overflow");
	close(s[0]);
	close(s[1]);
	free(frame);
}
END_TEST

START_TEST(test_msg_send_fails_cleanly)
{
	unsigned char *payload = (unsigned char *)grade_pattern(20000, 2), extra;
	char injected[160];
	int s[2];
	ssize_t n;

#if SIZE_MAX > UINT32_MAX
	/* A length the 4-byte header cannot hold: refused, nothing sent. */
	make_pair_nonblocking(s);
	errno = 0;
	n = sock_send_msg(s[0], payload, (size_t)UINT32_MAX + 1);
	GRADE_IMPLEMENTED(n, "sock_send_msg", 2);
	ck_assert_msg(n == -1 && errno == EMSGSIZE,
		      "sock_send_msg() of UINT32_MAX + 1 bytes returned %zd (%s): "
		      "the 4-byte header cannot hold that length, expected -1 "
		      "with EMSGSIZE before sending anything",
		      n, n == -1 ? ipc_errno_name(errno) : "a count");
	ck_assert_msg(recv(s[1], &extra, 1, MSG_DONTWAIT) == -1,
		      "a message too long for the header was refused, yet bytes "
		      "went out: check the length before sending the header");
	close(s[0]);
	close(s[1]);
#endif
	/* send() fails after part of the payload went out: -1 with its errno
	 * (not a retry from the wrong place). */
	make_pair(s);
	grade_inject_short_io(true);
	fail_nth_each(sending_calls, 3, EPIPE);
	n = sock_send_msg(s[0], payload, 20000);
	grade_inject_short_io(false);
	GRADE_IMPLEMENTED(n, "sock_send_msg", 2);
	if (!expect_failure(n, EPIPE, "sock_send_msg()", injected,
			    sizeof(injected)))
		ck_abort_msg("sock_send_msg() of 20000 bytes with short sends "
			     "made fewer than 3 calls to send()?");
	close(s[0]);
	close(s[1]);
	free(payload);
}
END_TEST

START_TEST(test_msg_recv_fails_cleanly)
{
	unsigned char *frame = make_frame(20000, 2), *buf = malloc(20000);
	char injected[160];
	size_t len;
	int s[2], r;

	ck_assert(frame != NULL && buf != NULL);
	for (unsigned nth = 1; nth <= 3; nth += 2) {
		/* The 1st recv() fails, or the 3rd, after part of the message
		 * came (short reads): -1 with its errno either way. */
		make_pair(s);
		ck_assert_int_eq(send_all(s[1], frame, SOCK_HEADER_LEN + 20000),
				 SOCK_HEADER_LEN + 20000);
		grade_inject_short_io(nth > 1);
		fail_nth_each(receiving_calls, nth, ECONNRESET);
		r = sock_recv_msg(s[0], buf, 20000, &len);
		grade_inject_short_io(false);
		GRADE_IMPLEMENTED(r, "sock_recv_msg", 2);
		if (!expect_failure(r, ECONNRESET, "sock_recv_msg()", injected,
				    sizeof(injected)))
			ck_abort_msg("sock_recv_msg() of a 20000-byte message "
				     "with short reads made fewer than 3 calls "
				     "to recv()?");
		close(s[0]);
		close(s[1]);
	}
	free(frame);
	free(buf);
}
END_TEST

static long
send_msg_to(int fd)
{
	return sock_send_msg(fd, "hello", 5);
}

START_TEST(test_msg_send_no_sigpipe)
{
	int s[2];
	long r;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
	close(s[1]); /* the peer is gone */
	r = call_with_default_sigpipe(send_msg_to, s[0], "sock_send_msg", 2);
	ck_assert_msg(r == -1 && errno == EPIPE,
		      "sock_send_msg() to a closed peer returned %ld (%s), "
		      "expected -1 with EPIPE", r, ipc_errno_name(errno));
	close(s[0]);
}
END_TEST

START_TEST(test_demo_frame_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "frame", "0", "5", "100000", "3", NULL }, NULL, 0);
}
END_TEST

/* ================================================== step 3: poll server */

/** What the clients of a poll-server test do. */
struct poll_clients {
	const char *path;
	int count;          /**< clients */
	size_t base;        /**< message sizes: base, base + 100, ... */
	bool dribble;       /**< the first finished client sends byte by byte */
	struct ipc_ready ready; /**< survive_helper: signalled when set up */
	int stop_fd;        /**< the stop pipe's write end */
};

/** Exit codes of the poll-server helpers: CODE + client index. */
enum { POLL_OK = 0, POLL_SETUP = 2, POLL_NO_REPLY = 10, POLL_CLOSED = 30,
       POLL_WRONG = 50 };

/** Send the rest of @p frame from @p from, then check the echo. */
static int
finish_and_check(int fd, const unsigned char *frame, size_t total, size_t from,
		 bool bytewise, int index)
{
	unsigned char *reply = malloc(total);
	ssize_t got;
	int code = POLL_OK;

	if (reply == NULL)
		return POLL_SETUP;
	got = send_timed(fd, frame + from, total - from, bytewise, 3000);
	if (got == TIMED_OUT)
		code = POLL_NO_REPLY + index; /* the server reads nothing */
	else if (got == -1)
		code = POLL_CLOSED + index;
	else if ((got = recv_timed(fd, reply, total, 3000)) == TIMED_OUT)
		code = POLL_NO_REPLY + index;
	else if (got != (ssize_t)total)
		code = POLL_CLOSED + index;
	else if (memcmp(reply, frame, total) != 0)
		code = POLL_WRONG + index;
	free(reply);
	return code;
}

/**
 * Connect all clients, send half a message on each, then finish them in
 * reverse order, each waiting for its echo: a server that waits for one
 * client's whole message while others are pending never answers.
 */
static int
many_clients_helper(void *arg)
{
	const struct poll_clients *p = arg;
	unsigned char *frames[8];
	int fds[8], code = POLL_OK;

	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < p->count; i++) {
		size_t len = p->base + 100 * (size_t)i;
		frames[i] = make_frame(len, (unsigned)i);
		fds[i] = try_unix_connect(p->path);
		if (frames[i] == NULL || fds[i] == -1 ||
		    send_all(fds[i], frames[i], SOCK_HEADER_LEN + len / 2) == -1)
			return POLL_SETUP;
	}
	for (int i = p->count - 1; i >= 0 && code == POLL_OK; i--) {
		size_t len = p->base + 100 * (size_t)i;
		code = finish_and_check(fds[i], frames[i], SOCK_HEADER_LEN + len,
					SOCK_HEADER_LEN + len / 2,
					p->dribble && i == p->count - 1, i);
	}
	for (int i = 0; i < p->count; i++) {
		close(fds[i]);
		free(frames[i]);
	}
	return code; /* exiting closes the stop pipe: the server stops */
}

/** One client after another: connect, one echo, hang up. */
static int
sequential_clients_helper(void *arg)
{
	const struct poll_clients *p = arg;
	int code = POLL_OK;

	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < p->count && code == POLL_OK; i++) {
		size_t len = p->base + (size_t)i;
		unsigned char *frame = make_frame(len, (unsigned)i);
		int fd = try_unix_connect(p->path);
		if (frame == NULL || fd == -1)
			return POLL_SETUP;
		code = finish_and_check(fd, frame, SOCK_HEADER_LEN + len, 0, false,
					i < 9 ? i : 9);
		close(fd);
		free(frame);
	}
	return code;
}

/** All clients connect at once, then each in turn: one echo, hang up. */
static int
queued_clients_helper(void *arg)
{
	const struct poll_clients *p = arg;
	int fds[8], code = POLL_OK;

	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < p->count; i++)
		if ((fds[i] = try_unix_connect(p->path)) == -1)
			return POLL_SETUP;
	for (int i = 0; i < p->count; i++) {
		size_t len = p->base + (size_t)i;
		unsigned char *frame = make_frame(len, (unsigned)i);
		if (frame == NULL)
			return POLL_SETUP;
		if (code == POLL_OK)
			code = finish_and_check(fds[i], frame, SOCK_HEADER_LEN + len,
						0, false, i);
		close(fds[i]);
		free(frame);
	}
	return code;
}

/** Explain a poll-server helper's exit code, or pass. */
static void
check_clients_code(int code, int count)
{
	int who = code % 10 + 1;

	ck_assert_msg(code != POLL_SETUP, "the test's clients could not connect "
		      "to the server");
	ck_assert_msg(!(code >= POLL_NO_REPLY && code < POLL_CLOSED),
		      "client %d of %d got no echo within 3 s while other "
		      "clients had sent only half a message: the server blocks "
		      "on one client. After poll(), call recv() once per ready "
		      "client and keep a partial message in that client's own "
		      "buffer until the rest arrives",
		      who, count);
	ck_assert_msg(!(code >= POLL_CLOSED && code < POLL_WRONG),
		      "client %d of %d was disconnected before its echo came "
		      "back (were all max_clients slots busy? then do not poll "
		      "the listening socket: new clients wait in the backlog)",
		      who, count);
	ck_assert_msg(code == POLL_OK, "client %d of %d got back a different "
		      "message than it sent: echo each whole message, header "
		      "included", who, count);
}

/** Everything a poll-server test sets up around the call. */
struct poll_run {
	int listen_fd;
	int stop[2];
	struct fd_snapshot before;
	struct sock_server_stats stats;
	long served;
};

/** Listen, make the stop pipe and start @p helper with @p clients. */
static pid_t
poll_setup(struct poll_run *run, int (*helper)(void *), struct poll_clients *clients)
{
	pid_t pid;

	clients->path = grade_path("poll.sock");
	run->listen_fd = unix_listen(clients->path);
	ck_assert_int_eq(pipe2(run->stop, O_CLOEXEC), 0);
	clients->stop_fd = run->stop[1];
	pid = spawn_peer(helper, clients);
	close(run->stop[1]); /* the helper's copy closes when it is done */
	return pid;
}

/** Heap that may stay in use after the server returns (stdio buffers and
 *  the like): far less than the slots of even one client. */
#define HEAP_SLACK 16384

/** Check that sock_poll_server() freed what it allocated. */
static void
check_server_heap(size_t before, const char *when)
{
	size_t after = grade_heap_in_use();

	ck_assert_msg(after <= before + HEAP_SLACK,
		      "%s, sock_poll_server() returned with %zu bytes more of "
		      "heap in use than before: free() the client slots and the "
		      "pollfd array on every way out",
		      when, after - before);
}

/** Faults for poll_serve(): every third recv() and send() is interrupted
 *  (EINTR), the others move at most 4093 bytes, and so are the first
 *  poll() and the first accept(). */
static void
arm_short_io(void)
{
	grade_inject_short_io(true);
	local_fail_nth(LOCAL_POLL, 1, EINTR);
	fail_nth_each(accepting_calls, 1, EINTR);
}

/** Faults for poll_serve(): the server's first recv() fails (ECONNRESET). */
static void
arm_recv_failure(void)
{
	fail_nth_each(receiving_calls, 1, ECONNRESET);
}

/**
 * Run the server (with the faults @p arm sets up, or none when NULL);
 * check that it returned normally, closed every client it accepted and
 * freed its memory.
 */
static void
poll_serve(struct poll_run *run, size_t max_clients, void (*arm)(void))
{
	char injected[160];
	size_t heap;
	int leaked, first, err;

	memset(&run->stats, 0xff, sizeof(run->stats));
	snapshot_fds(&run->before);
	heap = grade_heap_in_use();
	if (arm != NULL)
		arm();
	run->served = sock_poll_server(run->listen_fd, run->stop[0], max_clients,
				       &run->stats);
	err = errno;
	grade_inject_short_io(false);
	fail_clear(injected, sizeof(injected));
	errno = err;
	require_implemented(run->served, "sock_poll_server", 3);
	ck_assert_msg(run->served >= 0, "sock_poll_server() failed with %s%s%s%s",
		      ipc_errno_name(err), injected[0] ? " after " : "", injected,
		      arm == arm_short_io
			      ? ": EINTR from poll(), accept(), recv() or send() "
				"means \"try again\", and a short recv() or "
				"send() is normal"
		      : arm == arm_recv_failure
			      ? ": a client whose recv() fails is gone; drop "
				"that client, and serve the others"
			      : "");
	check_server_heap(heap, "after the stop fd became readable");
	leaked = new_sockets(&run->before, -1, &first);
	ck_assert_msg(leaked == 0,
		      "fd leak on disconnect: after sock_poll_server() returned, "
		      "%d socket(s) it accepted were still open (fd %d first). "
		      "Close a client's socket as soon as it disconnects (then "
		      "free its slot), and close every remaining client when the "
		      "server stops: a long-running server that leaks one fd per "
		      "client dies with EMFILE",
		      leaked, first);
	close(run->listen_fd);
	close(run->stop[0]);
}

START_TEST(test_poll_server_many_clients_at_once)
{
	struct poll_clients clients = { .count = 5, .base = 1000, .dribble = true };
	struct poll_run run;
	pid_t pid = poll_setup(&run, many_clients_helper, &clients);

	poll_serve(&run, 8, NULL);
	check_clients_code(join_peer(pid, 8000), clients.count);
	ck_assert_msg(run.served == 5 && run.stats.accepted == 5,
		      "5 clients connected; sock_poll_server() returned %ld and "
		      "counted %lu accepted",
		      run.served, run.stats.accepted);
	ck_assert_msg(run.stats.messages == 5, "5 messages were echoed, the "
		      "stats say %lu", run.stats.messages);
}
END_TEST

START_TEST(test_poll_server_short_io)
{
	struct poll_clients clients = { .count = 4, .base = 20000 };
	struct poll_run run;
	pid_t pid = poll_setup(&run, many_clients_helper, &clients);

	poll_serve(&run, 8, arm_short_io);
	check_clients_code(join_peer(pid, 8000), clients.count);
	ck_assert_msg(run.stats.messages == 4, "4 messages were echoed, the "
		      "stats say %lu", run.stats.messages);
}
END_TEST

/**
 * Before the server starts: A hangs up in the middle of a message, C sends
 * a whole message and hangs up without reading the echo, D connects and
 * hangs up. Then B, connected later, must still get two echoes.
 */
static int
survive_helper(void *arg)
{
	struct poll_clients *p = arg;
	unsigned char *frame = make_frame(100, 7), *small = make_frame(8, 8);
	int a, c, d, b, code = POLL_OK;

	signal(SIGPIPE, SIG_IGN);
	close(p->ready.read_fd);
	a = try_unix_connect(p->path);
	c = try_unix_connect(p->path);
	d = try_unix_connect(p->path);
	if (frame == NULL || small == NULL || a == -1 || c == -1 || d == -1 ||
	    send_all(a, frame, SOCK_HEADER_LEN + 10) == -1 ||
	    send_all(c, small, SOCK_HEADER_LEN + 8) == -1)
		return POLL_SETUP;
	close(a);
	close(c);
	close(d);
	if (ipc_ready_signal(&p->ready) == -1)
		return POLL_SETUP;
	b = try_unix_connect(p->path);
	if (b == -1)
		return POLL_SETUP;
	for (int round = 0; round < 2 && code == POLL_OK; round++)
		code = finish_and_check(b, frame, SOCK_HEADER_LEN + 100, 0, false,
					3);
	close(b);
	free(frame);
	free(small);
	return code;
}

static volatile sig_atomic_t sigpipes;

static void
count_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

START_TEST(test_poll_server_survives_disconnects)
{
	struct poll_clients clients = { .count = 4 };
	struct sigaction counting = { .sa_handler = count_sigpipe };
	struct poll_run run;
	pid_t pid;

	ck_assert_int_eq(ipc_ready_init(&clients.ready), 0);
	pid = poll_setup(&run, survive_helper, &clients);
	close(clients.ready.write_fd);
	clients.ready.write_fd = -1;
	ck_assert_msg(ipc_ready_wait(&clients.ready, 5000) == 0,
		      "the test's clients could not connect");
	ipc_ready_close(&clients.ready);
	/* A handler, not SIG_DFL: the test survives to name the bug. */
	sigemptyset(&counting.sa_mask);
	sigaction(SIGPIPE, &counting, NULL);
	poll_serve(&run, 8, NULL);
	ck_assert_msg(sigpipes == 0,
		      "SIGPIPE: a client hung up without reading its echo and "
		      "your server's send() raised SIGPIPE, whose default action "
		      "kills the whole server. Pass MSG_NOSIGNAL to send(): it "
		      "then fails with EPIPE and you drop just that client");
	check_clients_code(join_peer(pid, 8000), 4);
	ck_assert_msg(run.served == 4, "4 clients connected, sock_poll_server() "
		      "returned %ld", run.served);
	ck_assert_msg(run.stats.mid_message == 1,
		      "one client hung up after 10 bytes of a 100-byte message: "
		      "stats.mid_message is %lu, expected 1 (recv() returned 0 "
		      "with a partial message in the client's buffer)",
		      run.stats.mid_message);
	ck_assert_msg(run.stats.broken == 1,
		      "one client sent a whole message and hung up before the "
		      "echo: sending it fails with EPIPE, stats.broken is %lu, "
		      "expected 1 (echo a message as soon as it is complete)",
		      run.stats.broken);
	ck_assert_msg(run.stats.closed >= 1 && run.stats.closed <= 2,
		      "clients that hung up between messages: stats.closed is "
		      "%lu, expected 1 or 2", run.stats.closed);
	ck_assert_msg(run.stats.messages == 2, "the surviving client got 2 "
		      "echoes; stats.messages is %lu", run.stats.messages);
}
END_TEST

START_TEST(test_poll_server_closes_disconnected_clients)
{
	struct poll_clients clients = { .count = 30, .base = 16 };
	struct poll_run run;
	pid_t pid = poll_setup(&run, sequential_clients_helper, &clients);

	poll_serve(&run, 4, NULL);
	check_clients_code(join_peer(pid, 8000), clients.count);
	ck_assert_msg(run.served == 30, "30 clients came one after another; "
		      "sock_poll_server() returned %ld", run.served);
}
END_TEST

START_TEST(test_poll_server_respects_max_clients)
{
	struct poll_clients clients = { .count = 5, .base = 30 };
	struct poll_run run;
	pid_t pid = poll_setup(&run, queued_clients_helper, &clients);

	poll_serve(&run, 2, NULL);
	check_clients_code(join_peer(pid, 8000), clients.count);
	ck_assert_msg(run.served == 5 && run.stats.messages == 5,
		      "5 clients (at most 2 at once): returned %ld, %lu echoes",
		      run.served, run.stats.messages);
}
END_TEST

START_TEST(test_poll_server_rejects_zero_clients)
{
	struct sock_server_stats stats;
	int listen_fd = unix_listen(grade_path("poll.sock")), stop[2];
	long r;

	ck_assert_int_eq(pipe2(stop, O_CLOEXEC), 0);
	ck_assert_int_eq(write(stop[1], "s", 1), 1); /* a server that runs stops */
	errno = 0;
	r = sock_poll_server(listen_fd, stop[0], 0, &stats);
	GRADE_IMPLEMENTED(r, "sock_poll_server", 3);
	ck_assert_msg(r == -1 && errno == EINVAL,
		      "sock_poll_server() with max_clients 0 returned %ld (%s): "
		      "expected -1 with EINVAL (a server that may hold no client "
		      "can serve nobody)",
		      r, r == -1 ? ipc_errno_name(errno) : "a count");
	close(stop[0]);
	close(stop[1]);
	close(listen_fd);
}
END_TEST

/** Exit codes of stay_connected_helper() besides the POLL_* ones. */
enum { POLL_NO_EOF = 9 };

/** One echo (so the server surely accepted), then stop the server while
 *  still connected: the server must close this client (EOF). */
static int
stay_connected_helper(void *arg)
{
	const struct poll_clients *p = arg;
	unsigned char *frame = make_frame(50, 1), byte;
	int fd = try_unix_connect(p->path), code;
	ssize_t got;

	signal(SIGPIPE, SIG_IGN);
	if (frame == NULL || fd == -1)
		return POLL_SETUP;
	code = finish_and_check(fd, frame, SOCK_HEADER_LEN + 50, 0, false, 0);
	if (code != POLL_OK)
		return code;
	if (write(p->stop_fd, "s", 1) != 1)
		return POLL_SETUP;
	got = recv_timed(fd, &byte, 1, 3000);
	return got == 0 ? POLL_OK : POLL_NO_EOF;
}

START_TEST(test_poll_server_closes_clients_on_stop)
{
	struct poll_clients clients = { .count = 1 };
	struct poll_run run;
	pid_t pid = poll_setup(&run, stay_connected_helper, &clients);
	int code;

	poll_serve(&run, 4, NULL);
	code = join_peer(pid, 8000);
	ck_assert_msg(code != POLL_NO_EOF,
		      "the server stopped while a client was connected, and that "
		      "client never saw EOF: when the stop fd is readable, close "
		      "every connected client before returning");
	check_clients_code(code, 1);
	ck_assert_msg(run.served == 1 && run.stats.messages == 1,
		      "1 client, 1 echo: sock_poll_server() returned %ld, "
		      "stats.messages %lu",
		      run.served, run.stats.messages);
}
END_TEST

/** A client whose recv() fails: dropped. Then another, served. */
static int
recv_fails_helper(void *arg)
{
	const struct poll_clients *p = arg;
	unsigned char *frame = make_frame(8, 1), buf[64];
	int a = try_unix_connect(p->path), b, code;
	ssize_t got;

	signal(SIGPIPE, SIG_IGN);
	if (frame == NULL || a == -1 ||
	    send_all(a, frame, SOCK_HEADER_LEN + 8) == -1)
		return POLL_SETUP;
	got = recv_timed(a, buf, sizeof(buf), 3000); /* dropped: EOF, no echo */
	close(a);
	if (got != 0)
		return got == TIMED_OUT ? POLL_NO_EOF : POLL_WRONG;
	if ((b = try_unix_connect(p->path)) == -1)
		return POLL_SETUP;
	code = finish_and_check(b, frame, SOCK_HEADER_LEN + 8, 0, false, 1);
	close(b);
	return code;
}

START_TEST(test_poll_server_drops_client_on_recv_error)
{
	struct poll_clients clients = { .count = 2 };
	struct poll_run run;
	pid_t pid = poll_setup(&run, recv_fails_helper, &clients);
	int code;

	poll_serve(&run, 4, arm_recv_failure);
	code = join_peer(pid, 8000);
	ck_assert_msg(code != POLL_NO_EOF && code != POLL_WRONG,
		      "recv() from a client failed (ECONNRESET): the client is "
		      "gone, so close its socket and free its slot (it %s)",
		      code == POLL_NO_EOF ? "never saw EOF" : "got an echo anyway");
	check_clients_code(code, 2);
	ck_assert_msg(run.stats.closed >= 1 && run.stats.closed <= 2 &&
			      run.stats.mid_message == 0 &&
			      run.stats.broken == 0 && run.stats.rejected == 0,
		      "a client whose first recv() failed (ECONNRESET, nothing "
		      "of a message received yet) counts once, in stats.closed "
		      "(and the second client, if the server saw it hang up); "
		      "the stats say closed %lu, mid_message %lu, broken %lu, "
		      "rejected %lu: after dropping a client, return at once",
		      run.stats.closed, run.stats.mid_message, run.stats.broken,
		      run.stats.rejected);
	ck_assert_msg(run.served == 2 && run.stats.messages == 1,
		      "2 clients, 1 echo: sock_poll_server() returned %ld, "
		      "stats.messages %lu",
		      run.served, run.stats.messages);
}
END_TEST

/** Connect p->count clients (1 or 2), send a whole message on the first,
 *  signal the test, then read until the server closes the first (EOF) or
 *  3 s pass. */
static int
doomed_clients_helper(void *arg)
{
	struct poll_clients *p = arg;
	unsigned char *frame = make_frame(100, 1), buf[256];
	int fds[2] = { -1, -1 };
	ssize_t got;

	signal(SIGPIPE, SIG_IGN);
	close(p->ready.read_fd);
	for (int i = 0; i < p->count; i++)
		if ((fds[i] = try_unix_connect(p->path)) == -1)
			return POLL_SETUP;
	if (frame == NULL || send_all(fds[0], frame, SOCK_HEADER_LEN + 100) == -1 ||
	    ipc_ready_signal(&p->ready) == -1)
		return POLL_SETUP;
	do
		got = recv_timed(fds[0], buf, sizeof(buf), 3000);
	while (got > 0);
	return got == 0 ? POLL_OK : POLL_NO_EOF;
}

/**
 * Run the server while its clients (@p count, connected before it starts)
 * wait, with the @p nth call of poll() (@p functions NULL) or of
 * @p functions failing with @p err: it must return -1 with that errno,
 * having closed its clients and freed its memory.
 */
static void
poll_serve_failing(int count, const char *const *functions, unsigned nth,
		   int err)
{
	struct poll_clients clients = { .count = count };
	char injected[160], when[168];
	struct poll_run run;
	size_t heap;
	int leaked, first;
	bool failed;
	pid_t pid;

	ck_assert_int_eq(ipc_ready_init(&clients.ready), 0);
	pid = poll_setup(&run, doomed_clients_helper, &clients);
	close(clients.ready.write_fd);
	clients.ready.write_fd = -1;
	ck_assert_msg(ipc_ready_wait(&clients.ready, 5000) == 0,
		      "the test's clients could not connect");
	ipc_ready_close(&clients.ready);
	snapshot_fds(&run.before);
	heap = grade_heap_in_use();
	if (functions != NULL)
		fail_nth_each(functions, nth, err);
	else
		local_fail_nth(LOCAL_POLL, nth, err);
	run.served = sock_poll_server(run.listen_fd, run.stop[0], 8, &run.stats);
	failed = expect_failure(run.served, err, "sock_poll_server()", injected,
				sizeof(injected));
	require_implemented(run.served, "sock_poll_server", 3);
	/* Not failed: a server that waits with something else than poll()
	 * (epoll, select) ran until its clients gave up and left. */
	ck_assert_msg(failed || run.served >= 0, "sock_poll_server() failed: %s",
		      ipc_errno_name(errno));
	snprintf(when, sizeof(when), "when %s",
		 failed ? injected : "its clients had left and the stop fd "
				     "became readable");
	check_server_heap(heap, when);
	leaked = new_sockets(&run.before, -1, &first);
	ck_assert_msg(leaked == 0,
		      "%s, sock_poll_server() returned %ld with %d client "
		      "socket(s) still open (fd %d first): close every client "
		      "before returning, on the error path too",
		      when, run.served, leaked, first);
	close(run.listen_fd);
	close(run.stop[0]);
	unlink(clients.path);
	join_peer(pid, 8000);
}

/** Calls of the server in a row, to make a small leak show: a pollfd
 *  array of 10 entries lost each time adds up to more than HEAP_SLACK. */
#define REPEATS 256

/**
 * Call the server REPEATS times with the stop fd readable from the start
 * (a server that runs returns at once), while the @p nth call of
 * @p functions (NULL: of poll()) fails with @p err: -1 with that errno
 * every time, and no memory kept. With @p err 0 nothing fails: the server
 * returns 0 every time, and keeps no memory either.
 */
static void
repeat_server(const char *const *functions, unsigned nth, int err)
{
	const char *path = grade_path("poll.sock");
	int listen_fd = unix_listen(path), stop[2];
	char injected[160] = "", when[200];
	size_t heap;
	bool failed = false, go_on = true;
	int done = 0;

	ck_assert_int_eq(pipe2(stop, O_CLOEXEC), 0);
	ck_assert_int_eq(write(stop[1], "s", 1), 1); /* stop at once */
	heap = grade_heap_in_use();
	while (done < REPEATS && go_on) {
		struct sock_server_stats stats;
		long r;
		if (functions != NULL)
			fail_nth_each(functions, nth, err);
		else if (err != 0)
			local_fail_nth(LOCAL_POLL, nth, err);
		r = sock_poll_server(listen_fd, stop[0], 8, &stats);
		if (err != 0) /* when nothing failed, once is enough */
			go_on = failed = expect_failure(r, err, "sock_poll_server()",
							injected, sizeof(injected));
		require_implemented(r, "sock_poll_server", 3);
		ck_assert_msg(failed || r == 0, "sock_poll_server() with no client "
			      "and the stop fd readable returned %ld (%s)",
			      r, ipc_errno_name(errno));
		done++;
	}
	snprintf(when, sizeof(when), "after %d call(s) %s%s", done,
		 failed ? "that failed, each when " : "that stopped at once",
		 failed ? injected : "");
	check_server_heap(heap, when);
	close(stop[0]);
	close(stop[1]);
	close(listen_fd);
	unlink(path);
}

START_TEST(test_poll_server_fails_cleanly)
{
	static const char *const allocating[] = { "calloc", "malloc", NULL };

	/* The memory: freed when the server stops, and when an allocation
	 * (the 1st, then the 2nd) or poll() fails. */
	repeat_server(NULL, 0, 0);
	repeat_server(allocating, 1, ENOMEM);
	repeat_server(allocating, 2, ENOMEM);
	repeat_server(NULL, 1, ENOMEM);
	/* poll() fails once a client is in (its 2nd call), then accept()
	 * for the second client: -1, every client closed, memory freed. */
	poll_serve_failing(1, NULL, 2, ENOMEM);
	poll_serve_failing(2, accepting_calls, 2, EMFILE);
}
END_TEST

START_TEST(test_demo_poll_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "poll", grade_path("demo.sock"), "3", NULL }, NULL,
		0);
}
END_TEST

/* ============================================ step 4: disconnect detection */

static const char *
peer_name(int r)
{
	static const char *const names[] = { "SOCK_PEER_ALIVE", "SOCK_PEER_CLOSED",
					     "SOCK_PEER_BROKEN", "SOCK_PEER_TIMEOUT",
					     "SOCK_PEER_ERROR" };

	if (r == -1)
		return "-1";
	return r >= 0 && r <= SOCK_PEER_ERROR ? names[r] : "an unknown value";
}

START_TEST(test_heartbeat_wait_alive)
{
	char extra;
	int s[2], r;

	make_pair(s);
	ck_assert_int_eq(send_all(s[1], "HH", 2), 2);
	r = sock_heartbeat_wait(s[0], 2000);
	GRADE_IMPLEMENTED(r, "sock_heartbeat_wait", 4);
	ck_assert_msg(r == SOCK_PEER_ALIVE, "a heartbeat was waiting; "
		      "sock_heartbeat_wait() returned %s (%s), expected "
		      "SOCK_PEER_ALIVE", peer_name(r), ipc_errno_name(errno));
	ck_assert_msg(recv(s[0], &extra, 1, MSG_DONTWAIT) == 1,
		      "two heartbeats were waiting and one call consumed both: "
		      "recv() exactly one byte per heartbeat");
	close(s[0]);
	close(s[1]);
}
END_TEST

START_TEST(test_heartbeat_wait_orderly_close)
{
	uint64_t start;
	int s[2], r;

	make_pair(s);
	close(s[1]);
	start = ipc_now_ns();
	r = sock_heartbeat_wait(s[0], 2000);
	GRADE_IMPLEMENTED(r, "sock_heartbeat_wait", 4);
	ck_assert_msg(r == SOCK_PEER_CLOSED,
		      "the peer closed its socket (an orderly close), and "
		      "sock_heartbeat_wait() returned %s (%s) after %d ms. poll() "
		      "reports POLLIN and POLLHUP together for an orderly close: "
		      "call recv(), and when it returns 0 report "
		      "SOCK_PEER_CLOSED (only POLLERR/POLLNVAL are errors)",
		      peer_name(r), ipc_errno_name(errno),
		      (int)((ipc_now_ns() - start) / 1000000));
	close(s[0]);
}
END_TEST

START_TEST(test_heartbeat_wait_silent_peer_times_out)
{
	uint64_t start;
	int s[2], r, ms;

	make_pair(s);
	start = ipc_now_ns();
	r = sock_heartbeat_wait(s[0], 60);
	ms = (int)((ipc_now_ns() - start) / 1000000);
	GRADE_IMPLEMENTED(r, "sock_heartbeat_wait", 4);
	ck_assert_msg(r == SOCK_PEER_TIMEOUT,
		      "the peer stayed connected and silent; "
		      "sock_heartbeat_wait(fd, 60) returned %s (%s) after %d ms, "
		      "expected SOCK_PEER_TIMEOUT: poll() returns 0 when the "
		      "heartbeat timeout passes with nothing to read",
		      peer_name(r), ipc_errno_name(errno), ms);
	ck_assert_msg(ms >= 55, "a 60 ms heartbeat timeout ended after %d ms: "
		      "give poll() the time that is left, in milliseconds", ms);
	close(s[0]);
	close(s[1]);
}
END_TEST

START_TEST(test_heartbeat_wait_reset_is_error)
{
	int s[2], r;

	make_pair(s);
	ck_assert_int_eq(send_all(s[0], "unread", 6), 6);
	close(s[1]); /* closing with unread data resets the connection */
	errno = 0;
	r = sock_heartbeat_wait(s[0], 2000);
	GRADE_IMPLEMENTED(r, "sock_heartbeat_wait", 4);
	ck_assert_msg(r == SOCK_PEER_ERROR && errno == ECONNRESET,
		      "the peer closed with unread data, which resets the "
		      "connection: poll() reports POLLERR. sock_heartbeat_wait() "
		      "returned %s with errno %s, expected SOCK_PEER_ERROR with "
		      "ECONNRESET (fetch it with getsockopt(SO_ERROR); recv() "
		      "would fail with it too)",
		      peer_name(r), ipc_errno_name(errno));
	close(s[0]);
}
END_TEST

START_TEST(test_heartbeat_wait_bad_fd_is_error)
{
	int bad = dup(STDIN_FILENO), r;

	ck_assert_int_ne(bad, -1);
	close(bad);
	errno = 0;
	r = sock_heartbeat_wait(bad, 500);
	GRADE_IMPLEMENTED(r, "sock_heartbeat_wait", 4);
	ck_assert_msg(r == SOCK_PEER_ERROR && errno == EBADF,
		      "on a descriptor that is not open, sock_heartbeat_wait() "
		      "returned %s with errno %s: poll() flags it with POLLNVAL, "
		      "report SOCK_PEER_ERROR with EBADF",
		      peer_name(r), ipc_errno_name(errno));
}
END_TEST

START_TEST(test_heartbeat_wait_rejects_negative_timeout)
{
	int s[2], r;

	make_pair(s);
	ck_assert_int_eq(send_all(s[1], "H", 1), 1); /* a poll() would return */
	errno = 0;
	r = sock_heartbeat_wait(s[0], -1);
	GRADE_IMPLEMENTED(r, "sock_heartbeat_wait", 4);
	ck_assert_msg(r == -1 && errno == EINVAL,
		      "sock_heartbeat_wait(fd, -1) returned %s (%s): a negative "
		      "timeout is refused with -1 and EINVAL (poll() would take "
		      "it for \"wait for ever\", and a silent peer would never "
		      "be found out)",
		      peer_name(r), ipc_errno_name(errno));
	close(s[0]);
	close(s[1]);
}
END_TEST

START_TEST(test_heartbeat_wait_retries_eintr)
{
	int s[2], r;

	make_pair(s);
	ck_assert_int_eq(send_all(s[1], "HH", 2), 2);
	local_fail_nth(LOCAL_POLL, 1, EINTR);
	r = sock_heartbeat_wait(s[0], 2000);
	fail_clear((char[8]){ 0 }, 8);
	GRADE_IMPLEMENTED(r, "sock_heartbeat_wait", 4);
	ck_assert_msg(r == SOCK_PEER_ALIVE,
		      "a signal interrupted poll() (EINTR) with a heartbeat "
		      "waiting; sock_heartbeat_wait() returned %s (%s), expected "
		      "SOCK_PEER_ALIVE: after EINTR, poll again for the time "
		      "that is left",
		      peer_name(r), ipc_errno_name(errno));
	fail_nth_each(receiving_calls, 1, EINTR);
	r = sock_heartbeat_wait(s[0], 2000);
	fail_clear((char[8]){ 0 }, 8);
	ck_assert_msg(r == SOCK_PEER_ALIVE,
		      "a signal interrupted recv() (EINTR) with a heartbeat "
		      "waiting; sock_heartbeat_wait() returned %s (%s), expected "
		      "SOCK_PEER_ALIVE: EINTR is not the peer's doing, try again",
		      peer_name(r), ipc_errno_name(errno));
	close(s[0]);
	close(s[1]);
}
END_TEST

START_TEST(test_heartbeat_wait_reports_errors)
{
	char injected[160];
	int s[2], r;

	make_pair(s);
	ck_assert_int_eq(send_all(s[1], "HHH", 3), 3);
	fail_nth_each(receiving_calls, 1, ECONNRESET);
	errno = 0;
	r = sock_heartbeat_wait(s[0], 2000);
	fail_clear(injected, sizeof(injected));
	GRADE_IMPLEMENTED(r, "sock_heartbeat_wait", 4);
	ck_assert_msg(r == SOCK_PEER_ERROR && errno == ECONNRESET,
		      "when %s, sock_heartbeat_wait() returned %s with errno %s: "
		      "expected SOCK_PEER_ERROR with ECONNRESET (the connection "
		      "was reset)",
		      injected, peer_name(r), ipc_errno_name(errno));
	fail_nth_each(receiving_calls, 1, ENOMEM);
	r = sock_heartbeat_wait(s[0], 2000);
	expect_failure(r, ENOMEM, "sock_heartbeat_wait()", injected,
		       sizeof(injected));
	local_fail_nth(LOCAL_POLL, 1, ENOMEM);
	r = sock_heartbeat_wait(s[0], 2000);
	expect_failure(r, ENOMEM, "sock_heartbeat_wait()", injected,
		       sizeof(injected));
	close(s[0]);
	close(s[1]);
}
END_TEST

START_TEST(test_heartbeat_send_alive)
{
	char got[4];
	int s[2], r;

	make_pair(s);
	r = sock_heartbeat_send(s[0]);
	GRADE_IMPLEMENTED(r, "sock_heartbeat_send", 4);
	ck_assert_msg(r == SOCK_PEER_ALIVE, "sock_heartbeat_send() to a live "
		      "peer returned %s (%s)", peer_name(r), ipc_errno_name(errno));
	ck_assert_msg(recv(s[1], got, sizeof(got), MSG_DONTWAIT) == 1 &&
			      got[0] == SOCK_HEARTBEAT,
		      "the peer should receive exactly one byte, SOCK_HEARTBEAT");
	close(s[0]);
	close(s[1]);
}
END_TEST

static long
heartbeat_to(int fd)
{
	return sock_heartbeat_send(fd);
}

START_TEST(test_heartbeat_send_broken_no_sigpipe)
{
	int s[2];
	long r;

	make_pair(s);
	close(s[1]);
	r = call_with_default_sigpipe(heartbeat_to, s[0], "sock_heartbeat_send", 4);
	ck_assert_msg(r == SOCK_PEER_BROKEN && errno == EPIPE,
		      "a heartbeat to a closed peer: sock_heartbeat_send() "
		      "returned %s with errno %s, expected SOCK_PEER_BROKEN with "
		      "EPIPE", peer_name((int)r), ipc_errno_name(errno));
	close(s[0]);
}
END_TEST

START_TEST(test_heartbeat_send_reports_errors)
{
	char got[4], injected[160];
	int s[2], r;

	make_pair(s);
	fail_nth_each(sending_calls, 1, EINTR);
	r = sock_heartbeat_send(s[0]);
	fail_clear(injected, sizeof(injected));
	GRADE_IMPLEMENTED(r, "sock_heartbeat_send", 4);
	ck_assert_msg(r == SOCK_PEER_ALIVE &&
			      recv(s[1], got, sizeof(got), MSG_DONTWAIT) == 1,
		      "a signal interrupted send() (EINTR): sock_heartbeat_send() "
		      "returned %s (%s), expected SOCK_PEER_ALIVE with one byte "
		      "sent: try again after EINTR",
		      peer_name(r), ipc_errno_name(errno));
	fail_nth_each(sending_calls, 1, ECONNRESET);
	errno = 0;
	r = sock_heartbeat_send(s[0]);
	fail_clear(injected, sizeof(injected));
	ck_assert_msg(r == SOCK_PEER_BROKEN && errno == ECONNRESET,
		      "when %s, sock_heartbeat_send() returned %s with errno %s: "
		      "expected SOCK_PEER_BROKEN with ECONNRESET (the peer reset "
		      "the connection: it is gone, as with EPIPE)",
		      injected, peer_name(r), ipc_errno_name(errno));
	fail_nth_each(sending_calls, 1, ENOBUFS);
	r = sock_heartbeat_send(s[0]);
	expect_failure(r, ENOBUFS, "sock_heartbeat_send()", injected,
		       sizeof(injected));
	close(s[0]);
	close(s[1]);
}
END_TEST

START_TEST(test_demo_peer_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "peer", NULL }, NULL, 0);
}
END_TEST

/* =================================================== step 5: reconnect */

#define MAX_DELAYS 40

/** The injected clock: records each delay; may bring the server back. */
struct recorder {
	const char *path;
	unsigned ms[MAX_DELAYS];
	int n;
	int server_back_at; /**< start the server at this delay (1-based) */
	int give_up_at;     /**< return -1 (ECANCELED) at this delay */
	int listen_fd;
	struct fd_snapshot before; /**< fds before the call */
	int leaked_at;      /**< delay at which a failed socket was open */
	int leaked_fd;
};

static int
record_delay(void *ctx, unsigned delay_ms)
{
	struct recorder *r = ctx;
	int first;

	if (r->n == MAX_DELAYS) {
		errno = ECANCELED; /* a safety net: the client never stops */
		return -1;
	}
	r->ms[r->n++] = delay_ms;
	if (r->leaked_at == 0 && new_sockets(&r->before, r->listen_fd, &first) > 0) {
		r->leaked_at = r->n;
		r->leaked_fd = first;
	}
	if (r->n == r->server_back_at)
		r->listen_fd = try_unix_listen(r->path); /* checked later */
	if (r->n == r->give_up_at) {
		errno = ECANCELED;
		return -1;
	}
	return 0;
}

/** "1, 2, 4" */
static const char *
list_delays(const unsigned *ms, int n, char *out, size_t out_len)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n && len + 16 < out_len; i++)
		len += (size_t)snprintf(out + len, out_len - len, "%s%u",
					i ? ", " : "", ms[i]);
	if (n == 0)
		snprintf(out, out_len, "none");
	return out;
}

/** Call sock_unix_connect_retry() with the recorder as its clock. */
static int
connect_with_recorder(struct recorder *r, unsigned first, unsigned max,
		      unsigned attempts)
{
	struct sock_backoff b = { first, max, attempts, record_delay, r };
	int fd;

	r->listen_fd = -1;
	snapshot_fds(&r->before);
	errno = 0;
	fd = sock_unix_connect_retry(r->path, &b);
	GRADE_IMPLEMENTED(fd, "sock_unix_connect_retry", 5);
	ck_assert_msg(r->leaked_at == 0,
		      "fd leak: at delay %d a socket of a failed attempt (fd %d) "
		      "was still open: close the socket of every failed "
		      "connect() before trying again",
		      r->leaked_at, r->leaked_fd);
	return fd;
}

/** Compare the recorded delays with @p want; name the bug if they differ. */
static void
check_delays(const struct recorder *r, const unsigned *want, int n_want,
	     unsigned max)
{
	char got[256], expected[256];
	bool zero = false, constant = r->n > 1, capped = true;

	list_delays(r->ms, r->n, got, sizeof(got));
	list_delays(want, n_want, expected, sizeof(expected));
	for (int i = 0; i < r->n; i++) {
		zero |= r->ms[i] == 0;
		constant &= r->ms[i] == r->ms[0];
		capped &= r->ms[i] <= max;
	}
	ck_assert_msg(r->n > 0 || n_want == 0,
		      "busy reconnect loop: the attempts followed each other "
		      "without calling the delay function once (expected delays "
		      "%s). Call backoff->delay between attempts, or a client "
		      "hammers a dead server and burns the CPU",
		      expected);
	ck_assert_msg(!zero, "busy reconnect loop: a delay of 0 ms (delays were "
		      "%s, expected %s): start at first_ms and double", got,
		      expected);
	ck_assert_msg(!constant || n_want < 2,
		      "busy reconnect loop: the delay never grows (delays were "
		      "%s, expected %s): double it after every failure, up to "
		      "max_ms (exponential backoff)",
		      got, expected);
	ck_assert_msg(capped, "the delays exceed the cap of %u ms (delays were "
		      "%s, expected %s): never wait longer than max_ms",
		      max, got, expected);
	ck_assert_msg(r->n == n_want, "expected %d delays (%s), the delay "
		      "function was called %d times (%s)%s",
		      n_want, expected, r->n, got,
		      r->n == n_want + 1 ? ": no delay after the last attempt" : "");
	for (int i = 0; i < n_want; i++)
		ck_assert_msg(r->ms[i] == want[i],
			      "wrong backoff: delays were %s, expected %s (start "
			      "at first_ms, double after each failure, cap at "
			      "max_ms)",
			      got, expected);
}

START_TEST(test_connect_retry_backoff_doubles)
{
	static const unsigned want[] = { 1, 2, 4, 8, 16 };
	struct recorder r = { .path = grade_path("away.sock") };
	int fd = connect_with_recorder(&r, 1, 1000, 6);

	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == ENOENT,
		      "with no server, 6 attempts must fail with the last "
		      "connect() error (ENOENT: no socket file); got %d (%s)",
		      fd, ipc_errno_name(errno));
	check_delays(&r, want, 5, 1000);
}
END_TEST

START_TEST(test_connect_retry_backoff_is_capped)
{
	static const unsigned want[] = { 100, 200, 400, 800, 1000, 1000, 1000 };
	struct recorder r = { .path = grade_path("stale.sock") };
	int fd;

	make_stale_socket(r.path); /* a socket file, nobody listening */
	fd = connect_with_recorder(&r, 100, 1000, 8);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == ECONNREFUSED,
		      "with a stale socket file and no server, the last error "
		      "is ECONNREFUSED; got %d (%s)", fd, ipc_errno_name(errno));
	check_delays(&r, want, 7, 1000);
}
END_TEST

START_TEST(test_connect_retry_succeeds_when_server_returns)
{
	static const unsigned want[] = { 1, 2, 4 };
	struct recorder r = { .path = grade_path("back.sock"), .server_back_at = 3 };
	int fd = connect_with_recorder(&r, 1, 64, 0), conn;

	ck_assert_msg(r.listen_fd != -1, "the server could not come back: %s",
		      strerror(errno));
	ck_assert_msg(fd >= 0, "the server came back during the 3rd delay, but "
		      "sock_unix_connect_retry() returned %d (%s) after %d delays",
		      fd, ipc_errno_name(errno), r.n);
	check_delays(&r, want, 3, 64);
	conn = accept4(r.listen_fd, NULL, NULL, SOCK_NONBLOCK);
	ck_assert_msg(conn != -1, "the returned descriptor is not connected to "
		      "the server that came back");
	close(conn);
	close(fd);
	close(r.listen_fd);
}
END_TEST

START_TEST(test_connect_retry_first_try_no_delay)
{
	struct recorder r = { .path = grade_path("up.sock") };
	int listen_fd = unix_listen(r.path), fd, conn;

	fd = connect_with_recorder(&r, 1, 64, 0);
	ck_assert_msg(fd >= 0, "the server is up, yet sock_unix_connect_retry() "
		      "returned %d (%s)", fd, ipc_errno_name(errno));
	ck_assert_msg(r.n == 0, "the server was up, yet the client waited %d "
		      "time(s) first: no delay before the first attempt", r.n);
	conn = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK);
	ck_assert_msg(conn != -1, "the returned descriptor is not connected");
	close(conn);
	close(fd);
	close(listen_fd);
}
END_TEST

START_TEST(test_connect_retry_stops_when_told)
{
	struct recorder r = { .path = grade_path("away.sock"), .give_up_at = 2 };
	int fd = connect_with_recorder(&r, 5, 100, 0);

	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == ECANCELED,
		      "the delay function returned -1 with ECANCELED (the program "
		      "is shutting down): sock_unix_connect_retry() returned %d "
		      "(%s), expected -1 with ECANCELED",
		      fd, ipc_errno_name(errno));
	ck_assert_msg(r.n == 2, "the delay function said stop at its 2nd call, "
		      "but was called %d times: give up at once", r.n);
}
END_TEST

START_TEST(test_connect_retry_bad_path_fails_at_once)
{
	struct recorder r = { .path = too_long_path() };
	int fd = connect_with_recorder(&r, 1, 64, 0);

	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == ENAMETOOLONG && r.n == 0,
		      "a path too long for sun_path: expected -1 with "
		      "ENAMETOOLONG at once, got %d (%s) after %d delays: only "
		      "ENOENT, ECONNREFUSED and EAGAIN mean the server may come "
		      "back, waiting will not fix other errors",
		      fd, ipc_errno_name(errno), r.n);
}
END_TEST

START_TEST(test_connect_retry_rejects_bad_backoff)
{
	struct recorder r = { .path = grade_path("up.sock") };
	struct sock_backoff no_delay = { 1, 64, 3, NULL, &r },
			    zero_first = { 0, 64, 3, record_delay, &r };
	const struct {
		const struct sock_backoff *backoff;
		const char *what;
	} bad[] = { { NULL, "a NULL backoff" },
		    { &no_delay, "a NULL delay function" },
		    { &zero_first, "first_ms 0" } };
	int listen_fd = unix_listen(r.path), fd;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		fd = sock_unix_connect_retry(r.path, bad[i].backoff);
		GRADE_IMPLEMENTED(fd, "sock_unix_connect_retry", 5);
		if (fd >= 0)
			close(fd);
		ck_assert_msg(fd == -1 && errno == EINVAL && r.n == 0,
			      "sock_unix_connect_retry() with %s returned %d "
			      "(%s) after %d delays: expected -1 with EINVAL at "
			      "once, before any attempt (first_ms 0 would make "
			      "every delay 0: a busy reconnect loop)",
			      bad[i].what, fd, ipc_errno_name(errno), r.n);
	}
	close(listen_fd);
	unlink(r.path);
}
END_TEST

START_TEST(test_demo_reconnect_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "reconnect", grade_path("demo.sock"), "100", "1000",
				  "1500", NULL },
		NULL, 0);
	grade_compare_with_reference(
		(const char *[]){ "reconnect", grade_path("demo.sock"), "1", "8",
				  "999999", "6", NULL },
		NULL, 0);
}
END_TEST

/* ============================================= step 6: TCP and datagrams */

/** Check that @p fd is bound to 127.0.0.1:@p port (never to every address). */
static void
check_loopback(int fd, uint16_t port, const char *function)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	char text[INET_ADDRSTRLEN] = "?";

	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	inet_ntop(AF_INET, &addr.sin_addr, text, sizeof(text));
	ck_assert_msg(addr.sin_family == AF_INET, "%s() made a socket that is not "
		      "AF_INET", function);
	ck_assert_msg(addr.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
		      "%s() bound to %s: not loopback only. Bind to 127.0.0.1 "
		      "(htonl(INADDR_LOOPBACK)), never INADDR_ANY: that would let "
		      "every machine on the network connect",
		      function, text);
	ck_assert_msg(port != 0, "%s() left *port at 0: after binding to port 0, "
		      "read the ephemeral port the kernel chose with "
		      "getsockname()", function);
	ck_assert_msg(ntohs(addr.sin_port) == port,
		      "%s() said port %u, but the socket is bound to port %u: "
		      "read it back with getsockname() (and ntohs())",
		      function, port, ntohs(addr.sin_port));
}

START_TEST(test_tcp_listen_ephemeral_port)
{
	uint16_t port = 0, port2 = 0;
	int fd = sock_tcp_listen(&port, 8), fd2, listening = 0, client, conn;
	socklen_t len = sizeof(listening);

	GRADE_IMPLEMENTED(fd, "sock_tcp_listen", 6);
	ck_assert_msg(fd >= 0, "sock_tcp_listen(port 0) returned %d (%s)", fd,
		      ipc_errno_name(errno));
	check_loopback(fd, port, "sock_tcp_listen");
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len);
	ck_assert_msg(listening, "the socket is not listening: call listen()");
	fd2 = sock_tcp_listen(&port2, 8);
	ck_assert_msg(fd2 >= 0 && port2 != port,
		      "a second sock_tcp_listen(port 0) returned %d, port %u "
		      "(the first got %u): each gets its own ephemeral port",
		      fd2, port2, port);
	close(fd2);
	client = try_tcp_connect(port);
	ck_assert_msg(client != -1, "connect() to 127.0.0.1:%u failed: %s", port,
		      strerror(errno));
	conn = accept(fd, NULL, NULL);
	ck_assert_int_ne(conn, -1);
	close(conn);
	close(client);
	close(fd);
}
END_TEST

START_TEST(test_tcp_echo_server)
{
	struct echo_client client = { NULL, 0, 30000 };
	int listen_fd = sock_tcp_listen(&client.port, 8);

	GRADE_IMPLEMENTED(listen_fd, "sock_tcp_listen", 6);
	ck_assert_msg(listen_fd >= 0, "sock_tcp_listen() failed: %s",
		      ipc_errno_name(errno));
	check_serve_one(listen_fd, &client, false);
	close(listen_fd);
}
END_TEST

START_TEST(test_tcp_echo_client)
{
	uint16_t port;
	int listen_fd = tcp_socket(&port, true), fd;

	fd = sock_tcp_connect(port);
	GRADE_IMPLEMENTED(fd, "sock_tcp_connect", 6);
	ck_assert_msg(fd >= 0, "sock_tcp_connect(%u) to a listening server "
		      "returned %d (%s)", port, fd, ipc_errno_name(errno));
	check_roundtrip(listen_fd, fd, 30000, false);
	close(fd);
	close(listen_fd);
}
END_TEST

START_TEST(test_tcp_connect_refused)
{
	uint16_t port;
	int reserved = tcp_socket(&port, false), fd; /* bound, not listening */

	errno = 0;
	fd = sock_tcp_connect(port);
	GRADE_IMPLEMENTED(fd, "sock_tcp_connect", 6);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == ECONNREFUSED,
		      "nothing listens on port %u: sock_tcp_connect() returned %d "
		      "(%s), expected -1 with ECONNREFUSED",
		      port, fd, ipc_errno_name(errno));
	close(reserved);
}
END_TEST

START_TEST(test_tcp_listen_fails_cleanly)
{
	static const struct {
		const char *function;
		int err;
	} cases[] = { { "socket", EMFILE },
		      { "bind", EACCES },
		      { "listen", EADDRINUSE } };
	uint16_t port;
	int taken = tcp_socket(&port, true), fd;

	errno = 0;
	fd = sock_tcp_listen(NULL, 8);
	GRADE_IMPLEMENTED(fd, "sock_tcp_listen", 6);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == EINVAL,
		      "sock_tcp_listen(NULL, 8) returned %d (%s): expected -1 "
		      "with EINVAL (nowhere to put the port)",
		      fd, fd == -1 ? ipc_errno_name(errno) : "a socket");
	errno = 0;
	fd = sock_tcp_listen(&port, 8); /* a port where a server listens */
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == EADDRINUSE,
		      "sock_tcp_listen() on port %u, where another socket "
		      "listens, returned %d (%s): expected -1 with EADDRINUSE "
		      "from bind()",
		      port, fd, fd == -1 ? ipc_errno_name(errno) : "a socket");
	close(taken);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		port = 0;
		grade_fail_nth(cases[c].function, 1, cases[c].err);
		fd = sock_tcp_listen(&port, 8);
		if (!grade_expect_clean_failure(fd, cases[c].err,
						"sock_tcp_listen()"))
			ck_abort_msg("sock_tcp_listen() returned %d (%s) without "
				     "calling %s()?",
				     fd, ipc_errno_name(errno), cases[c].function);
	}
}
END_TEST

START_TEST(test_udp_open_fails_cleanly)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	uint16_t port;
	int taken = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), fd;

	ck_assert_int_ne(taken, -1);
	loopback(&addr, 0);
	ck_assert_msg(bind(taken, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
			      getsockname(taken, (struct sockaddr *)&addr, &len) == 0,
		      "grader: cannot bind a UDP socket: %s", strerror(errno));
	port = ntohs(addr.sin_port);
	errno = 0;
	fd = sock_udp_open(NULL);
	GRADE_IMPLEMENTED(fd, "sock_udp_open", 6);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == EINVAL,
		      "sock_udp_open(NULL) returned %d (%s): expected -1 with "
		      "EINVAL (nowhere to put the port)",
		      fd, fd == -1 ? ipc_errno_name(errno) : "a socket");
	errno = 0;
	fd = sock_udp_open(&port); /* a port another UDP socket holds */
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd == -1 && errno == EADDRINUSE,
		      "sock_udp_open() on port %u, which another UDP socket "
		      "holds, returned %d (%s): expected -1 with EADDRINUSE from "
		      "bind()",
		      port, fd, fd == -1 ? ipc_errno_name(errno) : "a socket");
	close(taken);
	port = 0;
	grade_fail_nth("socket", 1, EMFILE);
	fd = sock_udp_open(&port);
	if (!grade_expect_clean_failure(fd, EMFILE, "sock_udp_open()"))
		ck_abort_msg("sock_udp_open() did not call socket()?");
	grade_fail_nth("bind", 1, EACCES);
	fd = sock_udp_open(&port);
	if (!grade_expect_clean_failure(fd, EACCES, "sock_udp_open()"))
		ck_abort_msg("sock_udp_open() did not call bind()?");
}
END_TEST

START_TEST(test_udp_retries_eintr_only)
{
	static const char *const datagram_receiving[] = { "recv", "recvmsg",
							  NULL };
	static const char *const datagram_sending[] = { "send", "sendmsg", NULL };
	uint16_t port_a = 0, port_b = 0, from;
	unsigned char buf[64];
	char injected[160];
	int a = sock_udp_open(&port_a), b;
	ssize_t n;

	GRADE_IMPLEMENTED(a, "sock_udp_open", 6);
	ck_assert_msg(a >= 0, "sock_udp_open() failed: %s", ipc_errno_name(errno));
	b = sock_udp_open(&port_b);
	ck_assert_msg(b >= 0, "sock_udp_open() failed: %s", ipc_errno_name(errno));
	/* An interrupted sendto() is tried again; the datagram goes once. */
	local_fail_nth(LOCAL_SENDTO, 1, EINTR);
	fail_nth_each(datagram_sending, 1, EINTR);
	n = sock_udp_send(a, port_b, "one", 3);
	fail_clear(injected, sizeof(injected));
	GRADE_IMPLEMENTED(n, "sock_udp_send", 6);
	ck_assert_msg(n == 3, "a signal interrupted sendto() (EINTR): "
		      "sock_udp_send() returned %zd (%s), expected 3. EINTR "
		      "means \"try again\"",
		      n, ipc_errno_name(errno));
	/* Any other error: -1 with its errno, nothing sent. */
	local_fail_nth(LOCAL_SENDTO, 1, ENOBUFS);
	fail_nth_each(datagram_sending, 1, ENOBUFS);
	n = sock_udp_send(a, port_b, "two", 3);
	expect_failure(n, ENOBUFS, "sock_udp_send()", injected, sizeof(injected));
	/* An interrupted recvfrom() is tried again. */
	local_fail_nth(LOCAL_RECVFROM, 1, EINTR);
	fail_nth_each(datagram_receiving, 1, EINTR);
	n = sock_udp_recv(b, buf, sizeof(buf), &from);
	fail_clear(injected, sizeof(injected));
	GRADE_IMPLEMENTED(n, "sock_udp_recv", 6);
	ck_assert_msg(n == 3 && memcmp(buf, "one", 3) == 0,
		      "a signal interrupted recvfrom() (EINTR) with a datagram "
		      "waiting: sock_udp_recv() returned %zd (%s), expected the "
		      "3-byte datagram. EINTR means \"try again\"",
		      n, ipc_errno_name(errno));
	ck_assert_int_eq(sock_udp_send(a, port_b, "three", 5), 5);
	local_fail_nth(LOCAL_RECVFROM, 1, ENOMEM);
	fail_nth_each(datagram_receiving, 1, ENOMEM);
	n = sock_udp_recv(b, buf, sizeof(buf), &from);
	expect_failure(n, ENOMEM, "sock_udp_recv()", injected, sizeof(injected));
	n = sock_udp_recv(b, buf, sizeof(buf), &from);
	ck_assert_msg(n == 5 && memcmp(buf, "three", 5) == 0,
		      "after a recvfrom() that failed with ENOMEM the datagram "
		      "is still queued: the next sock_udp_recv() returned %zd "
		      "(%s). Only EINTR is retried; report other errors at once",
		      n, ipc_errno_name(errno));
	close(a);
	close(b);
}
END_TEST

START_TEST(test_udp_keeps_message_boundaries)
{
	static const size_t sizes[] = { 5, 0, 1000, 1 };
	uint16_t port_a = 0, port_b = 0, from = 0;
	unsigned char buf[2000], want[1000];
	int a = sock_udp_open(&port_a), b;

	GRADE_IMPLEMENTED(a, "sock_udp_open", 6);
	ck_assert_msg(a >= 0, "sock_udp_open() returned %d (%s)", a,
		      ipc_errno_name(errno));
	b = sock_udp_open(&port_b);
	ck_assert_msg(b >= 0, "sock_udp_open() returned %d (%s)", b,
		      ipc_errno_name(errno));
	check_loopback(a, port_a, "sock_udp_open");
	for (int i = 0; i < 4; i++) {
		ssize_t n;
		ipc_fill_pattern(want, sizes[i], (unsigned)i);
		n = sock_udp_send(a, port_b, want, sizes[i]);
		GRADE_IMPLEMENTED(n, "sock_udp_send", 6);
		ck_assert_msg(n == (ssize_t)sizes[i], "sock_udp_send() of %zu bytes "
			      "returned %zd (%s)", sizes[i], n, ipc_errno_name(errno));
	}
	for (int i = 0; i < 4; i++) {
		ssize_t n = sock_udp_recv(b, buf, sizeof(buf), &from);
		GRADE_IMPLEMENTED(n, "sock_udp_recv", 6);
		ck_assert_msg(n == (ssize_t)sizes[i],
			      "datagram %d was sent as %zu bytes and received as "
			      "%zd (%s): one recvfrom() returns exactly one "
			      "datagram, boundaries included",
			      i + 1, sizes[i], n, ipc_errno_name(errno));
		ipc_fill_pattern(want, sizes[i], (unsigned)i);
		ck_assert_msg(memcmp(buf, want, sizes[i]) == 0,
			      "datagram %d differs", i + 1);
		ck_assert_msg(from == port_a, "datagram %d: *from_port is %u, the "
			      "sender's port is %u (ntohs(sin_port))",
			      i + 1, from, port_a);
	}
	close(a);
	close(b);
}
END_TEST

START_TEST(test_udp_recv_reports_truncation)
{
	uint16_t port_a = 0, port_b = 0;
	unsigned char buf[10 + 8], big[100];
	int a = sock_udp_open(&port_a), b;
	ssize_t n;

	GRADE_IMPLEMENTED(a, "sock_udp_open", 6);
	ck_assert_msg(a >= 0, "sock_udp_open() failed: %s", ipc_errno_name(errno));
	b = sock_udp_open(&port_b);
	ck_assert_msg(b >= 0, "sock_udp_open() failed: %s", ipc_errno_name(errno));
	ipc_fill_pattern(big, sizeof(big), 1);
	n = sock_udp_send(a, port_b, big, sizeof(big));
	GRADE_IMPLEMENTED(n, "sock_udp_send", 6);
	ck_assert_int_eq(sock_udp_send(a, port_b, "next", 4), 4);
	memset(buf, 0xEE, sizeof(buf));
	errno = 0;
	n = sock_udp_recv(b, buf, 10, NULL);
	GRADE_IMPLEMENTED(n, "sock_udp_recv", 6);
	ck_assert_msg(n == -1 && errno == EMSGSIZE,
		      "a 100-byte datagram into a 10-byte buffer: "
		      "sock_udp_recv() returned %zd (%s), expected -1 with "
		      "EMSGSIZE. The kernel drops the rest of a datagram that "
		      "does not fit: ask recvfrom() for MSG_TRUNC to learn its "
		      "real length",
		      n, ipc_errno_name(errno));
	for (size_t i = 10; i < sizeof(buf); i++)
		ck_assert_msg(buf[i] == 0xEE, "sock_udp_recv() wrote past the 10 "
			      "bytes of the buffer: buffer overflow");
	n = sock_udp_recv(b, buf, 10, NULL);
	ck_assert_msg(n == 4 && memcmp(buf, "next", 4) == 0,
		      "after a truncated datagram the next one must come whole; "
		      "got %zd bytes (%s)", n, ipc_errno_name(errno));
	close(a);
	close(b);
}
END_TEST

START_TEST(test_demo_tcp_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "tcp", "over TCP", NULL },
				     NULL, 0);
}
END_TEST

START_TEST(test_demo_udp_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "udp", "5", "0", "1000", NULL }, NULL, 0);
}
END_TEST

/* ------------------------------------------------------------- the table */

#define HANG_STALE "sock_unix_listen() hangs: probe a socket file with a " \
		   "non-blocking connect() (SOCK_NONBLOCK)"
#define HANG_SERVER "the echo server never returned: stop when recv() " \
		    "returns 0 (the client shut down its side)"
#define HANG_CLIENT "the echo never ended: after sending, shutdown(fd, " \
		    "SHUT_WR) so the server sees the end of the request"
#define HANG_FRAMES "sock_recv_msg() never returned: stop at EOF (recv() " \
		    "returns 0), and never ask recv() for more than the " \
		    "message still needs"
#define HANG_POLL "the poll server never stopped: poll the stop fd too, and " \
		  "return when it is readable (a byte or EOF); do not block " \
		  "in recv() or accept() on one client"
#define HANG_HEARTBEAT "sock_heartbeat_wait() ignored its timeout: pass " \
		       "timeout_ms to poll()"
#define HANG_RETRY "sock_unix_connect_retry() never returned: stop after " \
		   "max_attempts, when the delay function returns -1, and at " \
		   "the first successful connect(). A busy reconnect loop " \
		   "that never calls the delay function never sees the " \
		   "server come back (here it returns during a delay)"
#define HANG_UDP "sock_udp_recv() waited for more: one recvfrom() returns " \
		 "exactly one datagram, do not loop to fill the buffer"

static const struct grade_test tests[] = {
	{ GRADE_REF(test_unix_listen_accepts_connections), 1, 2, 0, NULL },
	{ GRADE_REF(test_unix_listen_replaces_stale_socket), 1, 2, 0, HANG_STALE },
	{ GRADE_REF(test_unix_listen_keeps_live_server), 1, 1, 0, HANG_STALE },
	{ GRADE_REF(test_unix_listen_keeps_regular_file), 1, 1, 0, NULL },
	{ GRADE_REF(test_unix_listen_path_too_long), 1, 1, 0, NULL },
	{ GRADE_REF(test_unix_unlisten_removes_path), 1, 1, 0, NULL },
	{ GRADE_REF(test_unix_connect_reaches_server), 1, 1, 0, NULL },
	{ GRADE_REF(test_unix_listen_rejects_empty_path), 1, 1, 0, NULL },
	{ GRADE_REF(test_unix_listen_cleans_up_when_calls_fail), 1, 2, 0,
	  HANG_STALE },
	{ GRADE_REF(test_unix_unlisten_reports_errors), 1, 1, 0, NULL },
	{ GRADE_REF(test_unix_connect_reports_errors), 1, 1, 0, NULL },
	{ GRADE_REF(test_echo_serve_one_echoes), 1, 2, 8, HANG_SERVER },
	{ GRADE_REF(test_echo_serve_one_short_io), 1, 2, 8, HANG_SERVER },
	{ GRADE_REF(test_echo_roundtrip_echoes), 1, 2, 8, HANG_CLIENT },
	{ GRADE_REF(test_echo_roundtrip_empty), 1, 1, 8, HANG_CLIENT },
	{ GRADE_REF(test_echo_serve_one_fails_cleanly), 1, 2, 12,
	  "sock_echo_serve_one() never returned after a call failed: retry "
	  "accept() and recv() after EINTR only, and close the connection "
	  "and return -1 on any other error" },
	{ GRADE_REF(test_echo_roundtrip_short_io), 1, 1, 8, HANG_CLIENT },
	{ GRADE_REF(test_echo_roundtrip_fails_cleanly), 1, 1, 3,
	  "sock_echo_roundtrip() waited for more: refuse a request over "
	  "SOCK_ECHO_MAX before sending, and with the reply buffer full "
	  "receive one byte more to spot an answer that does not fit" },
	{ GRADE_REF(test_demo_echo_matches_reference), 1, 1, 25, NULL },
	{ GRADE_REF(test_msg_send_frames_payload), 2, 2, 0, NULL },
	{ GRADE_REF(test_msg_recv_reads_frames), 2, 2, 3, HANG_FRAMES },
	{ GRADE_REF(test_msg_recv_byte_by_byte_peer), 2, 3, 8, HANG_FRAMES },
	{ GRADE_REF(test_msg_recv_short_io), 2, 2, 8, HANG_FRAMES },
	{ GRADE_REF(test_msg_send_short_io), 2, 2, 8, NULL },
	{ GRADE_REF(test_msg_recv_truncated_message), 2, 1, 3, HANG_FRAMES },
	{ GRADE_REF(test_msg_recv_too_long), 2, 1, 3, HANG_FRAMES },
	{ GRADE_REF(test_msg_send_no_sigpipe), 2, 2, 5, NULL },
	{ GRADE_REF(test_msg_send_fails_cleanly), 2, 1, 3,
	  "sock_send_msg() never returned after send() failed: retry after "
	  "EINTR only" },
	{ GRADE_REF(test_msg_recv_fails_cleanly), 2, 1, 3, HANG_FRAMES },
	{ GRADE_REF(test_demo_frame_matches_reference), 2, 1, 25, NULL },
	{ GRADE_REF(test_poll_server_many_clients_at_once), 3, 4, 12, HANG_POLL },
	{ GRADE_REF(test_poll_server_short_io), 3, 2, 12, HANG_POLL },
	{ GRADE_REF(test_poll_server_survives_disconnects), 3, 4, 12, HANG_POLL },
	{ GRADE_REF(test_poll_server_closes_disconnected_clients), 3, 3, 12,
	  HANG_POLL },
	{ GRADE_REF(test_poll_server_respects_max_clients), 3, 2, 12, HANG_POLL },
	{ GRADE_REF(test_poll_server_rejects_zero_clients), 3, 1, 3,
	  "sock_poll_server() with max_clients 0 must fail with EINVAL at "
	  "once" },
	{ GRADE_REF(test_poll_server_closes_clients_on_stop), 3, 2, 12,
	  HANG_POLL },
	{ GRADE_REF(test_poll_server_drops_client_on_recv_error), 3, 2, 12,
	  HANG_POLL },
	{ GRADE_REF(test_poll_server_fails_cleanly), 3, 2, 15,
	  "sock_poll_server() went on after poll(), accept() or an "
	  "allocation failed: only EINTR (and for accept() ECONNABORTED, "
	  "EAGAIN, EPROTO) is harmless; any other failure closes every "
	  "client and returns -1" },
	{ GRADE_REF(test_demo_poll_matches_reference), 3, 1, 25, NULL },
	{ GRADE_REF(test_heartbeat_wait_alive), 4, 1, 3, HANG_HEARTBEAT },
	{ GRADE_REF(test_heartbeat_wait_orderly_close), 4, 2, 3, HANG_HEARTBEAT },
	{ GRADE_REF(test_heartbeat_wait_silent_peer_times_out), 4, 2, 3,
	  HANG_HEARTBEAT },
	{ GRADE_REF(test_heartbeat_wait_reset_is_error), 4, 2, 3, HANG_HEARTBEAT },
	{ GRADE_REF(test_heartbeat_wait_bad_fd_is_error), 4, 1, 3,
	  "sock_heartbeat_wait() spins on a closed descriptor: poll() sets "
	  "POLLNVAL for it, report SOCK_PEER_ERROR (EBADF)" },
	{ GRADE_REF(test_heartbeat_wait_rejects_negative_timeout), 4, 1, 3,
	  "sock_heartbeat_wait(fd, -1) waited: refuse a negative timeout with "
	  "EINVAL" },
	{ GRADE_REF(test_heartbeat_wait_retries_eintr), 4, 1, 3,
	  HANG_HEARTBEAT },
	{ GRADE_REF(test_heartbeat_wait_reports_errors), 4, 1, 3,
	  "sock_heartbeat_wait() went on after recv() or poll() failed: "
	  "retry after EINTR only" },
	{ GRADE_REF(test_heartbeat_send_alive), 4, 1, 0, NULL },
	{ GRADE_REF(test_heartbeat_send_broken_no_sigpipe), 4, 2, 5, NULL },
	{ GRADE_REF(test_heartbeat_send_reports_errors), 4, 1, 3,
	  "sock_heartbeat_send() kept trying after send() failed: retry "
	  "after EINTR only" },
	{ GRADE_REF(test_demo_peer_matches_reference), 4, 1, 25, NULL },
	{ GRADE_REF(test_connect_retry_backoff_doubles), 5, 3, 3, HANG_RETRY },
	{ GRADE_REF(test_connect_retry_backoff_is_capped), 5, 2, 3, HANG_RETRY },
	{ GRADE_REF(test_connect_retry_succeeds_when_server_returns), 5, 3, 3,
	  HANG_RETRY },
	{ GRADE_REF(test_connect_retry_first_try_no_delay), 5, 1, 3, HANG_RETRY },
	{ GRADE_REF(test_connect_retry_stops_when_told), 5, 1, 3, HANG_RETRY },
	{ GRADE_REF(test_connect_retry_bad_path_fails_at_once), 5, 1, 3,
	  HANG_RETRY },
	{ GRADE_REF(test_connect_retry_rejects_bad_backoff), 5, 1, 3,
	  HANG_RETRY },
	{ GRADE_REF(test_demo_reconnect_matches_reference), 5, 1, 25, NULL },
	{ GRADE_REF(test_tcp_listen_ephemeral_port), 6, 2, 0, NULL },
	{ GRADE_REF(test_tcp_echo_server), 6, 2, 8, HANG_SERVER },
	{ GRADE_REF(test_tcp_echo_client), 6, 2, 8, HANG_CLIENT },
	{ GRADE_REF(test_tcp_connect_refused), 6, 1, 0, NULL },
	{ GRADE_REF(test_tcp_listen_fails_cleanly), 6, 1, 0, NULL },
	{ GRADE_REF(test_udp_open_fails_cleanly), 6, 1, 0, NULL },
	{ GRADE_REF(test_udp_keeps_message_boundaries), 6, 2, 3, HANG_UDP },
	{ GRADE_REF(test_udp_recv_reports_truncation), 6, 1, 3, HANG_UDP },
	{ GRADE_REF(test_udp_retries_eintr_only), 6, 1, 3, HANG_UDP },
	{ GRADE_REF(test_demo_tcp_matches_reference), 6, 1, 25, NULL },
	{ GRADE_REF(test_demo_udp_matches_reference), 6, 1, 25, NULL },
};

static const struct grade_lab lab = {
	"07-socket", "Sockets: Unix domain and TCP loopback", tests,
	GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
