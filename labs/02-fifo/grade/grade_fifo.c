/* SPDX-License-Identifier: MIT */
/**
 * @file grade_fifo.c
 * @brief Lab 02 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c) adds the leak checks: fds, children, zombies, /tmp files.
 *
 * Servers and clients under test run in helper processes (grade_spawn), so
 * a hang becomes a message instead of a frozen test. Where the test itself
 * plays the other side (a hand-made server or hand-made clients), it speaks
 * the protocol of fifo.h directly, which lets it see exactly what the code
 * under test sent and when. Nothing here sleeps: every wait is on an event
 * (a ready pipe, poll() on a FIFO, a pidfd), with a deadline as safety net.
 */
#include "grade.h"
#include "ipc_util.h"
#include "fifo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/** Clients released at once in the concurrency test. */
#define CONCURRENT_CLIENTS 24
/** Requests queued in one write in the ordering test. */
#define QUEUED_REQUESTS 20

/** How long a working server or client needs at most to answer (ms). */
static int
answer_ms(void)
{
	const char *scale = getenv("CK_TIMEOUT_MULTIPLIER");
	double k = scale != NULL ? atof(scale) : 1.0;

	return (int)(2000 * (k >= 1.0 ? k : 1.0));
}

/*
 * The helpers this test started and has not reaped yet. A failing check
 * stops them first: a helper left running when the test ends would be
 * reported as a process the student's code leaked.
 */
static struct {
	pid_t pid[64];
	int n;
} running;

/** Kill and reap every helper still running (before failing). */
static void
stop_helpers(void)
{
	int saved = errno;

	for (int i = 0; i < running.n; i++)
		kill(running.pid[i], SIGKILL);
	for (int i = 0; i < running.n; i++)
		ipc_waitpid(running.pid[i], NULL);
	running.n = 0;
	errno = saved;
}

/** ck_assert_msg() that first stops the helpers. */
#define require(cond, ...)                                                     \
	do {                                                                   \
		if (!(cond)) {                                                 \
			stop_helpers();                                        \
			ck_abort_msg(__VA_ARGS__);                             \
		}                                                              \
	} while (0)

/** ck_abort_msg() that first stops the helpers. */
#define fail_test(...) require(false, __VA_ARGS__)

/** A check of the grader's own calls. */
#define require_ok(cond)                                                       \
	require(cond, "grader: %s failed (%s)", #cond, strerror(errno))

/** GRADE_IMPLEMENTED() that first stops the helpers if it is going to fail. */
#define implemented(ret, function, step)                                      \
	do {                                                                   \
		if ((long)(ret) == -1 && errno == ENOSYS)                      \
			stop_helpers();                                        \
		GRADE_IMPLEMENTED(ret, function, step);                        \
	} while (0)

/** grade_spawn(), remembering the helper. */
static pid_t
spawn(int (*fn)(void *arg), void *arg)
{
	pid_t pid = grade_spawn(fn, arg);

	running.pid[running.n++] = pid;
	return pid;
}

/** Forget a helper that has been reaped. */
static void
forget(pid_t pid)
{
	for (int i = 0; i < running.n; i++)
		if (running.pid[i] == pid)
			running.pid[i] = running.pid[--running.n];
}

/** Reap a helper that has finished (or is about to). */
static void
reap(pid_t pid)
{
	ipc_waitpid(pid, NULL);
	forget(pid);
}

/** grade_join(), forgetting the helper. */
static void
join(pid_t pid)
{
	forget(pid);
	grade_join(pid, answer_ms());
}

/** Kill and reap a helper that is stuck. */
static void
stop_helper(pid_t pid)
{
	kill(pid, SIGKILL);
	reap(pid);
}

/** A path in the test's directory, copied (grade_path's buffers rotate). */
static void
test_path(char *out, size_t out_len, const char *name)
{
	snprintf(out, out_len, "%s", grade_path(name));
}

/** Make a FIFO for the test itself. */
static void
make_fifo(const char *path)
{
	require(mkfifo(path, 0600) == 0, "grader: mkfifo %s: %s", path,
		      strerror(errno));
}

/** Make the directory clients put their reply FIFOs in. */
static void
make_dir(const char *path)
{
	require(mkdir(path, 0700) == 0, "grader: mkdir %s: %s", path,
		      strerror(errno));
}

/** Number of FIFOs in @p dir; the name of one of them goes to @p name. */
static int
count_fifos(const char *dir, char *name, size_t name_len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	require(d != NULL, "grader: opendir %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char path[1100];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISFIFO(st.st_mode)) {
			snprintf(name, name_len, "%s", e->d_name);
			n++;
		}
	}
	closedir(d);
	return n;
}

/** Fail if a client left a reply FIFO in @p dir. */
static void
assert_no_fifo_left(const char *dir, const char *who)
{
	char name[256] = "";
	int n = count_fifos(dir, name, sizeof(name));

	require(n == 0,
		      "%s left %d FIFO(s) in %s (e.g. %s): unlink the reply "
		      "FIFO you created, on every path, success or failure",
		      who, n, dir, name);
}

/** Number of open descriptors of this process (for helpers' leak checks). */
static int
count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/** Switch off O_NONBLOCK on one of the test's own descriptors. */
static void
make_blocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	require_ok(flags != -1 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0);
}

/* ------------------------------------------ helpers running student code */


/** What a helper reports after calling the code under test. */
struct outcome {
	long ret;       /**< the function's return value */
	int err;        /**< errno after it */
	int fds_leaked; /**< descriptors open after the call, not before */
	long number;    /**< the number a client got */
	pid_t pid;      /**< the helper's pid */
	int slot;       /**< which client this was */
	char injected[96]; /**< the injected failure that happened, or "" */
};

/** A failure to inject in a helper, right before it calls the code under
 *  test (grade_fail_nth()); no function: none. */
struct fault {
	const char *function;
	unsigned nth;
	int err;
};

/** Arm @p f, if any, in this helper. */
static void
arm(const struct fault *f)
{
	if (f->function != NULL)
		grade_fail_nth(f->function, f->nth, f->err);
}

/** After the call: note in @p o which injected failure happened, disarm. */
static void
disarm(struct outcome *o)
{
	grade_fail_describe(o->injected, sizeof(o->injected));
	grade_fail_clear();
}

/** Wait up to @p timeout_ms for one outcome on @p fd; true if it came. */
static bool
read_outcome(int fd, struct outcome *o, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) != 1)
		return false;
	return ipc_read_all(fd, o, sizeof(*o)) == (ssize_t)sizeof(*o);
}

/** Arguments of a server helper. */
struct server_args {
	const char *path;
	long max_requests;
	int ready_fd, result_fd; /* the helper's ends */
	int close_fds[2];        /* the test's ends, closed in the helper */
	struct fault fail;       /* a failure to inject in the server */
};

static int
server_main(void *arg)
{
	struct server_args *a = arg;
	struct outcome o = { .pid = getpid() };
	int before;

	close(a->close_fds[0]);
	close(a->close_fds[1]);
	signal(SIGPIPE, SIG_IGN); /* as fifo.h asks of a server's caller */
	before = count_open_fds();
	arm(&a->fail);
	o.ret = fifo_seq_serve(a->path, a->max_requests, a->ready_fd);
	o.err = errno;
	disarm(&o);
	o.fds_leaked = count_open_fds() - before;
	return ipc_write_all(a->result_fd, &o, sizeof(o)) == -1;
}

/** A server under test, running in a helper. */
struct server {
	char path[768];
	pid_t pid;
	int result_fd;
};

/** Why a server may have returned although nobody asked it to stop. */
static const char *
server_stopped_hint(const struct outcome *o)
{
	if (o->ret == -1 && o->err == EAGAIN)
		return "Its read end is still non-blocking, so read() fails with "
		       "EAGAIN instead of waiting: clear O_NONBLOCK once the FIFO "
		       "is open (fifo_open_pair)";
	return "With no writer left, read() on a FIFO returns 0 (EOF) at once: "
	       "hold a write end of your own (fifo_open_pair) and never stop "
	       "at EOF";
}

/**
 * Start fifo_seq_serve() on @p name in a helper and wait until it says it
 * is ready. Fails the test (fast, for a stub) if it returns first.
 */
static void
start_server(struct server *s, const char *name, long max_requests)
{
	struct ipc_ready ready;
	struct server_args a;
	struct outcome o;
	struct stat st;
	int res[2];

	test_path(s->path, sizeof(s->path), name);
	require_ok(ipc_ready_init(&ready) == 0 && pipe2(res, O_CLOEXEC) == 0);
	a = (struct server_args){ s->path, max_requests, ready.write_fd, res[1],
				  { ready.read_fd, res[0] }, { NULL, 0, 0 } };
	s->pid = spawn(server_main, &a);
	close(ready.write_fd);
	ready.write_fd = -1;
	close(res[1]);
	s->result_fd = res[0];
	if (ipc_ready_wait(&ready, answer_ms()) == -1) {
		int err = errno;
		ipc_ready_close(&ready);
		if (err == EPIPE && read_outcome(s->result_fd, &o, answer_ms())) {
			reap(s->pid);
			errno = o.err;
			implemented(o.ret, "fifo_seq_serve", 2);
			fail_test("fifo_seq_serve() returned %ld (%s) before it "
				     "wrote to ready_fd: create the FIFO, open it, "
				     "then write one byte to ready_fd",
				     o.ret, ipc_errno_name(o.err));
		}
		stop_helper(s->pid);
		fail_test("fifo_seq_serve() did not write to ready_fd within "
			     "%d ms (%s): write one byte there once the FIFO is "
			     "open",
			     answer_ms(), ipc_errno_name(err));
	}
	ipc_ready_close(&ready);
	if (stat(s->path, &st) == 0 && S_ISFIFO(st.st_mode))
		return;
	if (read_outcome(s->result_fd, &o, answer_ms())) {
		reap(s->pid);
		fail_test("the server stopped right after it said it was ready, "
			  "before any client came: fifo_seq_serve() returned %ld "
			  "(%s). %s",
			  o.ret, ipc_errno_name(o.err), server_stopped_hint(&o));
	}
	fail_test("the server said it was ready, but there is no FIFO at %s, "
		  "the path it was given: create the FIFO at that path "
		  "(fifo_create), never at a fixed path of your own, and remove "
		  "it only when the server stops",
		  s->path);
}

/**
 * Wait for the server to return; fail with @p stuck if it does not within
 * the deadline. Returns what fifo_seq_serve() returned.
 */
static struct outcome
finish_server(struct server *s, const char *stuck)
{
	struct outcome o;

	if (!read_outcome(s->result_fd, &o, answer_ms())) {
		stop_helper(s->pid);
		fail_test("the server did not return within %d ms: %s",
			     answer_ms(), stuck);
	}
	close(s->result_fd);
	join(s->pid);
	return o;
}

/** Arguments of a client helper. */
struct client_args {
	const char *server, *dir;
	bool shutdown;   /* fifo_seq_shutdown() instead of fifo_seq_request() */
	int slot;
	int gate_fd;     /* wait for EOF here before starting (-1: no gate) */
	int result_fd;   /* where the outcome goes (shared, atomic writes) */
	int close_fds[2]; /* the test's ends, closed in the helper */
	struct fault fail; /* a failure to inject in the client */
};

static int
client_main(void *arg)
{
	struct client_args *a = arg;
	struct outcome o = { .pid = getpid(), .slot = a->slot };
	char go;
	int before;

	for (int i = 0; i < 2; i++)
		if (a->close_fds[i] >= 0)
			close(a->close_fds[i]);
	signal(SIGPIPE, SIG_IGN);
	if (a->gate_fd >= 0 && read(a->gate_fd, &go, 1) == -1)
		return 1; /* read() returns 0 when the test opens the gate */
	before = count_open_fds();
	arm(&a->fail);
	if (a->shutdown)
		o.ret = fifo_seq_shutdown(a->server, a->dir);
	else
		o.ret = fifo_seq_request(a->server, a->dir, &o.number);
	o.err = errno;
	disarm(&o);
	o.fds_leaked = count_open_fds() - before;
	/* sizeof(o) <= PIPE_BUF: clients share this pipe without mixing. */
	return ipc_write_all(a->result_fd, &o, sizeof(o)) == -1;
}

/**
 * Run one client call (fifo_seq_shutdown() if @p shutdown) in a helper and
 * return its outcome; fail with @p stuck if it is still blocked in time.
 */
static struct outcome
run_client(const char *server, const char *dir, bool shutdown,
	   const char *stuck)
{
	struct client_args a;
	struct outcome o;
	pid_t pid;
	int res[2];

	require_ok(pipe2(res, O_CLOEXEC) == 0);
	a = (struct client_args){ server, dir, shutdown, 0, -1, res[1],
				  { res[0], -1 }, { NULL, 0, 0 } };
	pid = spawn(client_main, &a);
	close(res[1]);
	if (!read_outcome(res[0], &o, answer_ms()))
		fail_test("%s() was still blocked after %d ms: %s",
			  shutdown ? "fifo_seq_shutdown" : "fifo_seq_request",
			  answer_ms(), stuck);
	close(res[0]);
	join(pid);
	errno = o.err;
	return o;
}

/* ------------------------------- the test as the clients (raw protocol) */

/** A reply FIFO the test made, held open for reading (or not: "gone"). */
struct raw_client {
	char path[768];
	int fd;
};

static void
raw_client_init(struct raw_client *c, const char *name, bool reading)
{
	test_path(c->path, sizeof(c->path), name);
	make_fifo(c->path);
	c->fd = -1;
	if (reading) {
		c->fd = open(c->path, O_RDONLY | O_NONBLOCK);
		require(c->fd != -1, "grader: open %s: %s", c->path,
			      strerror(errno));
	}
}

static void
raw_client_done(struct raw_client *c)
{
	ipc_close_quietly(c->fd);
	unlink(c->path);
}

static struct fifo_request
raw_request(int32_t kind, const struct raw_client *c)
{
	struct fifo_request req;

	memset(&req, 0, sizeof(req));
	req.kind = kind;
	req.pid = (int32_t)getpid();
	memcpy(req.reply_path, c->path, /* c->path is shorter */
	       strnlen(c->path, sizeof(req.reply_path) - 1));
	return req;
}

/**
 * Send @p n requests to the server FIFO in ONE write, so all of them are in
 * the FIFO before the server reads the first. Fails the test if no server
 * reads the FIFO; @p when says at which point, for the message.
 */
static void
raw_send(struct server *s, const struct fifo_request *reqs, size_t n,
	 const char *when)
{
	int fd = open(s->path, O_WRONLY | O_NONBLOCK), err = errno;
	struct outcome o;

	if (fd == -1 && read_outcome(s->result_fd, &o, answer_ms())) {
		reap(s->pid);
		fail_test("%s, the server had already stopped: opening its FIFO "
			  "for writing failed with %s, and fifo_seq_serve() had "
			  "returned %ld (%s) without being asked to stop. %s",
			  when, ipc_errno_name(err), o.ret, ipc_errno_name(o.err),
			  server_stopped_hint(&o));
	}
	require(fd != -1,
		"%s, opening the server FIFO %s for writing failed with %s: %s",
		when, s->path, ipc_errno_name(err),
		err == ENXIO ? "the server does not hold it open for reading. "
			       "Open it (fifo_open_pair) before writing to "
			       "ready_fd, and keep it open until you stop"
			     : "it is gone. Remove it only when the server stops");
	make_blocking(fd);
	require(ipc_write_all(fd, reqs, n * sizeof(*reqs)) ==
			      (ssize_t)(n * sizeof(*reqs)),
		      "%s, writing to the server FIFO failed: %s", when,
		      ipc_errno_name(errno));
	close(fd); /* the server must not need us to hold it */
}

/** Wait up to @p timeout_ms for the reply in @p c's FIFO; true if whole. */
static bool
raw_reply(struct raw_client *c, struct fifo_reply *r, int timeout_ms)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) != 1 || !(p.revents & POLLIN))
		return false;
	return ipc_read_all(c->fd, r, sizeof(*r)) == (ssize_t)sizeof(*r);
}

/** The message for a request left unanswered when the server stopped. */
#define LEFT_BLOCKED                                                           \
	"its client is left blocked for ever, waiting for a reply. When the "  \
	"server stops it must unlink its FIFO, close its own write end, then " \
	"answer every request still in the FIFO with status ESHUTDOWN until "  \
	"read() returns 0"

/* ----------------------------- the test as the server (raw protocol) */

/** One exchange between a client under test and the test as its server. */
struct hand_exchange {
	bool shutdown;           /**< in: test fifo_seq_shutdown() */
	int32_t status;          /**< in: the status the test answers */
	int64_t number;          /**< in: the number the test answers */
	char dir[768];           /**< the directory the client was given */
	struct fifo_request req; /**< what arrived */
	size_t first_read;       /**< bytes there when the request arrived */
	size_t total;            /**< bytes the client sent in all */
	int reply_open_err;      /**< 0, or errno of opening the reply FIFO */
	bool reply_was_fifo;     /**< reply_path named a FIFO */
	struct outcome out;      /**< what the client returned */
};

/** Read what is in the server FIFO now (non-blocking) into the exchange. */
static void
hand_take(int fd, struct hand_exchange *h)
{
	char buf[3 * PIPE_BUF];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (h->total < sizeof(h->req)) {
			size_t room = sizeof(h->req) - h->total;
			memcpy((char *)&h->req + h->total, buf,
			       (size_t)n < room ? (size_t)n : room);
		}
		h->total += (size_t)n;
	}
}

/**
 * Run the client under test against the test acting as the server: wait
 * for its request, look at it, answer it as @p h says, collect the result.
 */
static void
hand_exchange(struct hand_exchange *h)
{
	const char *fn = h->shutdown ? "fifo_seq_shutdown" : "fifo_seq_request";
	char server[768];
	struct client_args a;
	struct pollfd p[2];
	pid_t pid;
	int rfd, res[2];

	signal(SIGPIPE, SIG_IGN);
	test_path(h->dir, sizeof(h->dir), "clients");
	make_dir(h->dir);
	test_path(server, sizeof(server), "seq.fifo");
	make_fifo(server);
	rfd = open(server, O_RDONLY | O_NONBLOCK);
	require_ok(rfd != -1 && pipe2(res, O_CLOEXEC) == 0);
	a = (struct client_args){ server, h->dir, h->shutdown, 0, -1, res[1],
				  { res[0], rfd }, { NULL, 0, 0 } };
	pid = spawn(client_main, &a);
	close(res[1]);

	/* The request, or the client giving up first. */
	p[0] = (struct pollfd){ .fd = rfd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = res[0], .events = POLLIN };
	if (poll(p, 2, answer_ms()) < 1 || !(p[0].revents & POLLIN)) {
		if (p[1].revents && read_outcome(res[0], &h->out, 0)) {
			reap(pid);
			errno = h->out.err;
			implemented(h->out.ret, fn, 2);
			fail_test("%s() returned %ld (%s) without writing a "
				     "request to the server FIFO",
				     fn, h->out.ret, ipc_errno_name(h->out.err));
		}
		stop_helper(pid);
		fail_test("%s() wrote no request to the server FIFO within "
			     "%d ms",
			     fn, answer_ms());
	}
	hand_take(rfd, h);
	h->first_read = h->total;
	while (h->total < sizeof(h->req)) { /* the rest, if it came in pieces */
		struct pollfd more = { .fd = rfd, .events = POLLIN };
		if (poll(&more, 1, answer_ms()) != 1 || !(more.revents & POLLIN))
			break;
		hand_take(rfd, h);
	}
	if (h->total < sizeof(h->req)) {
		stop_helper(pid);
		fail_test("%s() sent only %zu bytes; a request is a whole "
			     "struct fifo_request (%zu bytes), sent in one write()",
			     fn, h->total, sizeof(h->req));
	}
	if (memchr(h->req.reply_path, '\0', sizeof(h->req.reply_path)) == NULL) {
		stop_helper(pid);
		fail_test("the request's reply_path is not NUL-terminated");
	}

	/* Answer the way a server must: without ever blocking on the client. */
	{
		struct stat st;
		struct fifo_reply reply = { .status = h->status, .number = h->number };
		int fd;
		h->reply_was_fifo = stat(h->req.reply_path, &st) == 0 &&
				    S_ISFIFO(st.st_mode);
		fd = open(h->req.reply_path, O_WRONLY | O_NONBLOCK);
		h->reply_open_err = fd == -1 ? errno : 0;
		if (fd != -1) {
			require_ok(write(fd, &reply, sizeof(reply)) ==
				  (ssize_t)sizeof(reply));
			close(fd);
		}
	}
	if (h->reply_open_err == ENOENT &&
	    read_outcome(res[0], &h->out, answer_ms())) {
		reap(pid);
		fail_test("%s() returned %ld (%s) before the server answered, and "
			  "removed its reply FIFO: after sending, wait for the reply "
			  "with a blocking read() of the reply FIFO (holding a write "
			  "end of your own, so that read() waits instead of "
			  "returning 0)",
			  fn, h->out.ret, ipc_errno_name(h->out.err));
	}
	if (h->reply_open_err != 0) {
		stop_helper(pid);
		fail_test("the request names the reply FIFO %s, but it %s when "
			     "the request arrived (%s): the client must create its "
			     "reply FIFO and open it for reading (fifo_open_pair) "
			     "BEFORE it sends the request, so that the server can "
			     "open it at once, without blocking",
			     h->req.reply_path,
			     h->reply_was_fifo ? "had no reader" : "was not a FIFO",
			     ipc_errno_name(h->reply_open_err));
	}
	if (!read_outcome(res[0], &h->out, answer_ms())) {
		stop_helper(pid);
		fail_test("%s() did not return within %d ms after its reply "
			     "was written: read one struct fifo_reply from the "
			     "reply FIFO (hold its write end too, so that read() "
			     "waits instead of returning 0)",
			     fn, answer_ms());
	}
	join(pid);
	hand_take(rfd, h); /* anything else the client sent, now it is gone */
	close(rfd);
	close(res[0]);
	unlink(server);
}

/* ------------------------------------------------------- step 1: create */

START_TEST(test_create_makes_a_fifo)
{
	char path[768];
	struct stat st;
	int r;

	test_path(path, sizeof(path), "new.fifo");
	umask(022);
	r = fifo_create(path, 0640);
	implemented(r, "fifo_create", 1);
	require(r == 1,
		      "fifo_create() on a free path returned %d (%s); expected 1, "
		      "\"created\"",
		      r, r == -1 ? ipc_errno_name(errno) : "not 1");
	require(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode),
		      "there is no FIFO at %s after fifo_create(): make it with "
		      "mkfifo()",
		      path);
	require((st.st_mode & 07777) == 0640,
		      "the FIFO has mode %04o; asked 0640: pass mode to mkfifo()",
		      (unsigned)(st.st_mode & 07777));
	unlink(path);
}
END_TEST

START_TEST(test_create_accepts_an_existing_fifo)
{
	char path[768];
	struct stat before, after;
	int r;

	test_path(path, sizeof(path), "old.fifo");
	make_fifo(path);
	require_ok(stat(path, &before) == 0);
	r = fifo_create(path, 0600);
	implemented(r, "fifo_create", 1);
	require(stat(path, &after) == 0 && after.st_ino == before.st_ino,
		      "the FIFO that was already there was removed and made "
		      "again: processes that have it open now talk through a "
		      "FIFO nobody else can find. Leave an existing FIFO alone");
	require(r == 0,
		      "fifo_create() where a FIFO already exists returned %d (%s); "
		      "expected 0: a FIFO already there is success (EEXIST from "
		      "mkfifo is not an error if stat() says S_ISFIFO)",
		      r, r == -1 ? ipc_errno_name(errno) : "not 0");
	unlink(path);
}
END_TEST

START_TEST(test_create_refuses_a_regular_file)
{
	char path[768], back[16] = "";
	struct stat st;
	int fd, r, err;

	test_path(path, sizeof(path), "notes.txt");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	require_ok(fd != -1 && write(fd, "keep me", 7) == 7);
	close(fd);
	errno = 0;
	r = fifo_create(path, 0600);
	err = errno;
	implemented(r, "fifo_create", 1);
	fd = open(path, O_RDONLY | O_NONBLOCK); /* a FIFO must not block us */
	require(fd != -1 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
			      read(fd, back, sizeof(back)) == 7 &&
			      memcmp(back, "keep me", 7) == 0,
		      "the regular file that was at the path was removed or "
		      "changed: never delete what is not a FIFO you made");
	close(fd);
	require(r == -1 && err == EEXIST,
		      "fifo_create() where a regular file is returned %d (%s); "
		      "expected -1 with EEXIST: check with stat() that what is "
		      "there is a FIFO (S_ISFIFO)",
		      r, ipc_errno_name(err));
	unlink(path);
}
END_TEST

START_TEST(test_create_refuses_a_directory)
{
	char path[768];
	struct stat st;
	int r;

	test_path(path, sizeof(path), "a-dir");
	make_dir(path);
	errno = 0;
	r = fifo_create(path, 0600);
	implemented(r, "fifo_create", 1);
	require(r == -1 && errno == EEXIST,
		      "fifo_create() where a directory is returned %d (%s); "
		      "expected -1 with EEXIST",
		      r, ipc_errno_name(errno));
	require_ok(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
	rmdir(path);
}
END_TEST

START_TEST(test_create_reports_a_missing_directory)
{
	char path[768];
	int r;

	test_path(path, sizeof(path), "no-such-dir/x.fifo");
	errno = 0;
	r = fifo_create(path, 0600);
	implemented(r, "fifo_create", 1);
	require(r == -1 && errno == ENOENT,
		      "fifo_create() in a directory that does not exist returned "
		      "%d (%s); expected -1 with ENOENT, mkfifo's own error: only "
		      "EEXIST means \"something is there\"",
		      r, ipc_errno_name(errno));
}
END_TEST

START_TEST(test_demo_create_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "create", grade_tmpdir(), NULL }, NULL, 0);
}
END_TEST

/* ------------------------------------------------ step 2: fifo_open_pair */

START_TEST(test_open_pair_returns_without_a_writer)
{
	char path[768], back[4];
	int fds[2] = { -1, -1 }, r, rflags, wflags;
	struct stat fifo, st0, st1;

	test_path(path, sizeof(path), "pair.fifo");
	make_fifo(path);
	r = fifo_open_pair(path, fds); /* blocks for ever if done naively */
	implemented(r, "fifo_open_pair", 2);
	require(r == 0, "fifo_open_pair() returned %d (%s)", r,
		      ipc_errno_name(errno));
	require_ok(stat(path, &fifo) == 0);
	require(fstat(fds[0], &st0) == 0 && fstat(fds[1], &st1) == 0 &&
			      st0.st_ino == fifo.st_ino && st1.st_ino == fifo.st_ino,
		      "fds[0] and fds[1] must both be open on the FIFO at path");
	rflags = fcntl(fds[0], F_GETFL);
	wflags = fcntl(fds[1], F_GETFL);
	require((rflags & O_ACCMODE) == O_RDONLY &&
			      (wflags & O_ACCMODE) == O_WRONLY,
		      "fds[0] must be open for reading (O_RDONLY) and fds[1] for "
		      "writing (O_WRONLY), like pipe(2)");
	require(!(rflags & O_NONBLOCK),
		      "fds[0] is still non-blocking, so read() fails with EAGAIN "
		      "instead of waiting for data: clear O_NONBLOCK with "
		      "fcntl(F_SETFL) once both ends are open");
	require_ok(write(fds[1], "ping", 4) == 4);
	require(read(fds[0], back, 4) == 4 && memcmp(back, "ping", 4) == 0,
		      "bytes written to fds[1] did not come out of fds[0]");
	close(fds[0]);
	close(fds[1]);
	unlink(path);
}
END_TEST

START_TEST(test_open_pair_read_waits_instead_of_eof)
{
	char path[768], back[4];
	struct pollfd p;
	int fds[2] = { -1, -1 }, r, other;

	test_path(path, sizeof(path), "pair.fifo");
	make_fifo(path);
	r = fifo_open_pair(path, fds);
	implemented(r, "fifo_open_pair", 2);
	require(r == 0, "fifo_open_pair() returned %d (%s)", r,
		      ipc_errno_name(errno));
	/* Another writer comes, writes and goes: a client. */
	other = open(path, O_WRONLY | O_NONBLOCK);
	require_ok(other != -1 && write(other, "abc", 3) == 3);
	close(other);
	require(read(fds[0], back, sizeof(back)) == 3,
		      "the client's 3 bytes did not come out of fds[0]");
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	require(poll(&p, 1, 0) == 0,
		      "once the other writer left, fds[0] reports EOF (poll "
		      "revents 0x%x): read() would return 0 between two clients "
		      "and a server would think it is done. Keep fds[1], a write "
		      "end of your own, open",
		      (unsigned)p.revents);
	close(fds[0]);
	close(fds[1]);
	unlink(path);
}
END_TEST

START_TEST(test_open_pair_cleans_up_when_calls_fail)
{
	static const struct {
		const char *function;
		int err;
	} cases[] = { { "open", EMFILE }, { "fcntl", EINVAL } };
	char path[768];

	test_path(path, sizeof(path), "pair.fifo");
	make_fifo(path);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		bool failed = true;
		/* Each open() (or fcntl()) call in turn fails. */
		for (unsigned k = 1; k <= 6 && failed; k++) {
			int fds[2] = { -1, -1 }, r;
			grade_fail_nth(cases[c].function, k, cases[c].err);
			r = fifo_open_pair(path, fds);
			failed = grade_expect_clean_failure(r, cases[c].err,
							    "fifo_open_pair()");
			implemented(r, "fifo_open_pair", 2);
			if (!failed) {
				require(r == 0, "fifo_open_pair() returned %d (%s)",
					r, ipc_errno_name(errno));
				close(fds[0]);
				close(fds[1]);
			}
		}
	}
	unlink(path);
}
END_TEST

/* --------------------------------- step 2: the client, with a hand server */

START_TEST(test_request_sends_one_whole_request)
{
	struct hand_exchange h = { .number = 7 };

	hand_exchange(&h);
	require(h.total == sizeof(struct fifo_request),
		      "your client wrote %zu bytes to the server FIFO for one "
		      "request; a request is exactly sizeof(struct fifo_request) "
		      "= %zu bytes, which is at most PIPE_BUF (%d). A write "
		      "larger than PIPE_BUF is not atomic: the kernel may split "
		      "it, and the requests of concurrent clients interleave",
		      h.total, sizeof(struct fifo_request), PIPE_BUF);
	require(h.first_read == sizeof(struct fifo_request),
		      "the request arrived in pieces (%zu of %zu bytes at first): "
		      "send it with ONE write() of the whole struct; separate "
		      "writes of its parts interleave with other clients' writes "
		      "even though each is smaller than PIPE_BUF",
		      h.first_read, sizeof(struct fifo_request));
	require(h.req.kind == FIFO_REQ_NUMBER,
		      "the request's kind is %d; fifo_seq_request() sends "
		      "FIFO_REQ_NUMBER (%d)",
		      (int)h.req.kind, FIFO_REQ_NUMBER);
	require(h.req.pid == h.out.pid,
		      "the request's pid is %d; the client's pid is %d",
		      (int)h.req.pid, (int)h.out.pid);
}
END_TEST

START_TEST(test_request_reply_fifo_in_given_dir)
{
	struct hand_exchange h = { .number = 7 };
	const char *path, *name;
	size_t len;

	hand_exchange(&h);
	path = h.req.reply_path;
	len = strlen(h.dir);
	name = path + len + 1;
	require(strncmp(path, h.dir, len) == 0 && path[len] == '/' &&
			      *name != '\0' && strchr(name, '/') == NULL,
		      "the request names the reply FIFO \"%s\", which is not in "
		      "the directory the client was given (%s): put it there, "
		      "never at a fixed /tmp path, which two users (or two "
		      "graders) running at once would share",
		      path, h.dir);
	require(h.reply_was_fifo, "the reply path %s was not a FIFO",
		      path);
}
END_TEST

START_TEST(test_request_returns_the_number)
{
	struct hand_exchange h = { .number = 4242 };

	hand_exchange(&h);
	require(h.out.ret == 0 && h.out.number == 4242,
		      "the server answered number 4242; fifo_seq_request() "
		      "returned %ld (%s) with *number = %ld",
		      h.out.ret, h.out.ret == -1 ? ipc_errno_name(h.out.err) : "ok",
		      h.out.number);
}
END_TEST

START_TEST(test_request_reports_a_refusal)
{
	struct hand_exchange h = { .status = ESHUTDOWN, .number = -1 };

	hand_exchange(&h);
	require(h.out.ret == -1 && h.out.err == ESHUTDOWN,
		      "the server answered status ESHUTDOWN (it is stopping); "
		      "fifo_seq_request() returned %ld with errno %s; expected -1 "
		      "with errno set to the reply's status",
		      h.out.ret, ipc_errno_name(h.out.err));
	assert_no_fifo_left(h.dir, "fifo_seq_request(), refused,");
}
END_TEST

START_TEST(test_request_cleans_up)
{
	struct hand_exchange h = { .number = 1 };

	hand_exchange(&h);
	require(access(h.req.reply_path, F_OK) == -1,
		      "the client left its reply FIFO %s: unlink it before "
		      "returning, or every request leaves a name behind",
		      h.req.reply_path);
	assert_no_fifo_left(h.dir, "fifo_seq_request()");
	require(h.out.fds_leaked == 0,
		      "fifo_seq_request() left %d descriptor(s) open: close the "
		      "server FIFO and both ends of the reply FIFO",
		      h.out.fds_leaked);
}
END_TEST

START_TEST(test_shutdown_request_returns_the_count)
{
	struct hand_exchange h = { .shutdown = true, .number = 12 };

	hand_exchange(&h);
	require(h.req.kind == FIFO_REQ_SHUTDOWN,
		      "fifo_seq_shutdown() sent a request of kind %d, not "
		      "FIFO_REQ_SHUTDOWN (%d)",
		      (int)h.req.kind, FIFO_REQ_SHUTDOWN);
	require(h.out.ret == 12,
		      "the server acknowledged with number 12; fifo_seq_shutdown() "
		      "returned %ld (%s)",
		      h.out.ret, h.out.ret == -1 ? ipc_errno_name(h.out.err) : "");
	assert_no_fifo_left(h.dir, "fifo_seq_shutdown()");
}
END_TEST

/**
 * Run fifo_seq_request() in a helper with the failure @p f armed in it,
 * the test holding the server FIFO @p server open for reading. If a
 * request arrives, the test answers it (number 5). Returns the outcome.
 */
static struct outcome
failing_client(const char *server, const char *dir, struct fault f)
{
	struct client_args a;
	struct outcome o;
	struct pollfd p[2];
	pid_t pid;
	int rfd, res[2];

	rfd = open(server, O_RDONLY | O_NONBLOCK);
	require_ok(rfd != -1 && pipe2(res, O_CLOEXEC) == 0);
	a = (struct client_args){ server, dir, false, 0, -1, res[1],
				  { res[0], rfd }, f };
	pid = spawn(client_main, &a);
	close(res[1]);
	p[0] = (struct pollfd){ .fd = rfd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = res[0], .events = POLLIN };
	if (poll(p, 2, answer_ms()) >= 1 && (p[0].revents & POLLIN)) {
		struct fifo_request req;
		struct fifo_reply reply = { .status = 0, .number = 5 };
		int fd;
		if (ipc_read_all(rfd, &req, sizeof(req)) == (ssize_t)sizeof(req) &&
		    memchr(req.reply_path, '\0', sizeof(req.reply_path)) &&
		    (fd = open(req.reply_path, O_WRONLY | O_NONBLOCK)) != -1) {
			require_ok(write(fd, &reply, sizeof(reply)) ==
				   (ssize_t)sizeof(reply));
			close(fd);
		}
	}
	if (!read_outcome(res[0], &o, answer_ms())) {
		stop_helper(pid);
		fail_test("with %s() made to fail (call %u, %s), "
			  "fifo_seq_request() was still blocked after %d ms: a "
			  "failed call must make it clean up and return -1 at once",
			  f.function, f.nth, ipc_errno_name(f.err), answer_ms());
	}
	join(pid);
	close(res[0]);
	close(rfd);
	errno = o.err;
	return o;
}

START_TEST(test_request_cleans_up_when_calls_fail)
{
	static const struct fault cases[] = {
		{ "mkfifo", 0, ENOSPC }, { "open", 0, EMFILE },
		{ "fcntl", 0, EINVAL }, { "write", 0, ENOSPC },
		{ "read", 0, EINVAL },
	};
	char server[768], dir[768];

	signal(SIGPIPE, SIG_IGN);
	test_path(server, sizeof(server), "seq.fifo");
	make_fifo(server);
	test_path(dir, sizeof(dir), "clients");
	make_dir(dir);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		/* Each call of that function in turn fails, until the client
		 * makes fewer calls than that: then it must work. */
		for (unsigned k = 1; k <= 8; k++) {
			struct fault f = cases[c];
			struct outcome o;
			f.nth = k;
			o = failing_client(server, dir, f);
			if (o.injected[0] == '\0') {
				implemented(o.ret, "fifo_seq_request", 2);
				require(o.ret == 0 && o.number == 5,
					"fifo_seq_request() returned %ld (%s), "
					"number %ld; the server answered 5",
					o.ret, ipc_errno_name(o.err), o.number);
				break;
			}
			require(o.ret == -1 && o.err == f.err,
				"when %s, fifo_seq_request() returned %ld with "
				"errno %s; expected -1 with %s: return -1 with "
				"the errno of the call that failed (save it "
				"before cleaning up, restore it after)",
				o.injected, o.ret, ipc_errno_name(o.err),
				ipc_errno_name(f.err));
			require(o.fds_leaked == 0,
				"when %s, fifo_seq_request() left %d "
				"descriptor(s) open: close what you opened on "
				"every path",
				o.injected, o.fds_leaked);
			{
				char when[160];
				snprintf(when, sizeof(when),
					 "fifo_seq_request(), when %s,", o.injected);
				assert_no_fifo_left(dir, when);
			}
		}
	}
	unlink(server);
}
END_TEST

/* -------------------------------- step 2: the server, with hand clients */

/** Does process @p pid hold the FIFO @p fifo open for writing? */
static bool
holds_write_end(pid_t pid, const struct stat *fifo)
{
	char dir[64], path[400], line[128];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	d = opendir(dir);
	if (d == NULL)
		return false; /* the server has already exited */
	while (!found && (e = readdir(d)) != NULL) {
		struct stat st;
		FILE *f;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) == -1 ||
		    st.st_ino != fifo->st_ino || st.st_dev != fifo->st_dev)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%s", (long)pid,
			 e->d_name);
		f = fopen(path, "r");
		while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
			unsigned flags;
			if (sscanf(line, "flags: %o", &flags) == 1 &&
			    (flags & O_ACCMODE) != O_RDONLY)
				found = true;
		}
		if (f != NULL)
			fclose(f);
	}
	closedir(d);
	return found;
}

START_TEST(test_server_is_open_when_ready)
{
	struct raw_client c;
	struct fifo_request req;
	struct fifo_reply reply;
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", 0);
	raw_client_init(&c, "stopper.fifo", true);
	req = raw_request(FIFO_REQ_SHUTDOWN, &c);
	raw_send(&s, &req, 1, "right after the server wrote to ready_fd");
	o = finish_server(&s, "it did not stop on a FIFO_REQ_SHUTDOWN request");
	require(raw_reply(&c, &reply, 0),
		      "the shutdown request got no acknowledgement: answer it "
		      "(status 0, number = how many numbers were given)");
	require(reply.status == 0 && reply.number == 0 && o.ret == 0,
		      "a server that gave no number acknowledged the shutdown "
		      "with status %d, number %lld and returned %ld; expected 0, "
		      "0 and 0",
		      (int)reply.status, (long long)reply.number, o.ret);
	raw_client_done(&c);
}
END_TEST

START_TEST(test_server_survives_clients_one_after_another)
{
	struct fifo_reply reply;
	struct server s;
	struct outcome o;
	struct stat st;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", 3);
	require_ok(stat(s.path, &st) == 0);
	require(holds_write_end(s.pid, &st),
		      "your server holds no write end of its own FIFO. Then when "
		      "a client closes its end and no other writer is left, the "
		      "server's read() returns 0 (EOF), and a server that stops "
		      "there quits at the first EOF, after one client. Open the "
		      "FIFO for writing too (fifo_open_pair) and keep it open");
	for (int i = 0; i < 3; i++) {
		char name[32], when[96];
		struct raw_client c;
		struct fifo_request req;
		snprintf(name, sizeof(name), "client%d.fifo", i);
		snprintf(when, sizeof(when),
			 "when client %d of 3 came, after the one before it had "
			 "left",
			 i + 1);
		raw_client_init(&c, name, true);
		req = raw_request(FIFO_REQ_NUMBER, &c);
		raw_send(&s, &req, 1, when);
		require(raw_reply(&c, &reply, answer_ms()),
			      "%s, it got no answer within %d ms: did the server "
			      "stop at the EOF the previous client caused?",
			      when, answer_ms());
		require(reply.status == 0 && reply.number == i,
			      "client %d got status %d, number %lld; expected 0, %d",
			      i + 1, (int)reply.status, (long long)reply.number, i);
		raw_client_done(&c);
	}
	o = finish_server(&s, "it was asked to stop after 3 numbers");
	require(o.ret == 3, "fifo_seq_serve() returned %ld (%s); it gave "
				  "out 3 numbers", o.ret, ipc_errno_name(o.err));
}
END_TEST

/** Queue the requests of @p n hand clients (the first @p shutdowns of them
 *  shutdown requests) behind each other in one write. */
static void
queue_requests(struct server *s, struct raw_client *c, int n, int shutdowns)
{
	struct fifo_request reqs[QUEUED_REQUESTS];

	require_ok(n <= QUEUED_REQUESTS);
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "client%02d.fifo", i);
		raw_client_init(&c[i], name, true);
		reqs[i] = raw_request(i < shutdowns ? FIFO_REQ_SHUTDOWN
						    : FIFO_REQ_NUMBER,
				      &c[i]);
	}
	raw_send(s, reqs, (size_t)n, "when the requests were sent");
}

START_TEST(test_server_answers_each_request_in_order)
{
	struct raw_client c[QUEUED_REQUESTS];
	struct fifo_reply reply;
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", QUEUED_REQUESTS);
	queue_requests(&s, c, QUEUED_REQUESTS, 0);
	o = finish_server(&s, "it was asked to stop after as many numbers as "
			      "requests were sent: is it reading whole requests?");
	for (int i = 0; i < QUEUED_REQUESTS; i++) {
		require(raw_reply(&c[i], &reply, 0),
			      "request %d of %d (reply FIFO %s) got no answer: "
			      "read exactly sizeof(struct fifo_request) bytes per "
			      "request and answer each one",
			      i + 1, QUEUED_REQUESTS, c[i].path);
		require(reply.status == 0 && reply.number == i,
			      "request %d got status %d, number %lld; expected "
			      "number %d: answer in order, each with the next "
			      "number, to the reply FIFO that request names",
			      i + 1, (int)reply.status, (long long)reply.number, i);
		raw_client_done(&c[i]);
	}
	require(o.ret == QUEUED_REQUESTS,
		      "fifo_seq_serve() returned %ld; it gave out %d numbers",
		      o.ret, QUEUED_REQUESTS);
}
END_TEST

START_TEST(test_server_refuses_what_is_queued_past_its_limit)
{
	struct raw_client c[5];
	struct fifo_reply reply;
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", 2);
	queue_requests(&s, c, 5, 0);
	o = finish_server(&s, "it was asked to stop after 2 numbers; when it "
			      "stops, it reads what is left only until EOF");
	for (int i = 0; i < 5; i++) {
		int32_t want = i < 2 ? 0 : ESHUTDOWN;
		require(raw_reply(&c[i], &reply, 0),
			      "request %d of 5 was in the server FIFO when the "
			      "server reached its limit of 2, and it got no "
			      "answer: " LEFT_BLOCKED,
			      i + 1);
		require(reply.status == want,
			      "request %d got status %s; expected %s", i + 1,
			      ipc_errno_name(reply.status),
			      want ? "ESHUTDOWN" : "0 (served)");
		raw_client_done(&c[i]);
	}
	require(o.ret == 2, "fifo_seq_serve() returned %ld; expected 2",
		      o.ret);
}
END_TEST

START_TEST(test_server_shutdown_refuses_waiting_clients)
{
	struct raw_client c[4];
	struct fifo_reply reply;
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", 0);
	queue_requests(&s, c, 4, 1); /* a shutdown, then three clients */
	o = finish_server(&s, "it did not stop on a FIFO_REQ_SHUTDOWN request, "
			      "or it waits for something after it");
	require(raw_reply(&c[0], &reply, 0) && reply.status == 0,
		      "the shutdown request got no acknowledgement (status 0)");
	for (int i = 1; i < 4; i++) {
		require(raw_reply(&c[i], &reply, 0),
			      "client %d of 3 had its request in the server FIFO, "
			      "behind the shutdown request, and it got no answer: "
			      LEFT_BLOCKED,
			      i);
		require(reply.status == ESHUTDOWN,
			      "client %d, queued behind the shutdown, got status "
			      "%s; expected ESHUTDOWN",
			      i, ipc_errno_name(reply.status));
		raw_client_done(&c[i]);
	}
	raw_client_done(&c[0]);
	require(o.ret == 0, "fifo_seq_serve() returned %ld; expected 0",
		      o.ret);
}
END_TEST

START_TEST(test_server_cleans_up_when_stopping)
{
	struct raw_client c;
	struct fifo_request req;
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", 0);
	raw_client_init(&c, "stopper.fifo", true);
	req = raw_request(FIFO_REQ_SHUTDOWN, &c);
	raw_send(&s, &req, 1, "when the shutdown request was sent");
	o = finish_server(&s, "it did not stop on a FIFO_REQ_SHUTDOWN request");
	raw_client_done(&c);
	require(access(s.path, F_OK) == -1,
		      "the server left its FIFO %s behind when it stopped: "
		      "unlink() the FIFO it created, or the name stays in the "
		      "file system after the server is gone",
		      s.path);
	require(o.fds_leaked == 0,
		      "fifo_seq_serve() left %d descriptor(s) open when it "
		      "returned: close both ends of its FIFO and every reply FIFO",
		      o.fds_leaked);
}
END_TEST

START_TEST(test_server_refuses_an_unknown_request)
{
	struct raw_client c[2];
	struct fifo_request reqs[2];
	struct fifo_reply reply;
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", 1);
	raw_client_init(&c[0], "odd.fifo", true);
	raw_client_init(&c[1], "client.fifo", true);
	reqs[0] = raw_request(77, &c[0]); /* no such kind */
	reqs[1] = raw_request(FIFO_REQ_NUMBER, &c[1]);
	raw_send(&s, reqs, 2, "when the requests were sent");
	o = finish_server(&s, "it was asked to stop after 1 number");
	require(raw_reply(&c[0], &reply, 0),
		"a request of kind 77 (neither FIFO_REQ_NUMBER nor "
		"FIFO_REQ_SHUTDOWN) got no answer: its client waits for ever. "
		"Answer it with status EINVAL");
	require(reply.status == EINVAL,
		"a request of kind 77 got status %s, number %lld; expected "
		"EINVAL: give numbers only to FIFO_REQ_NUMBER requests",
		ipc_errno_name(reply.status), (long long)reply.number);
	require(raw_reply(&c[1], &reply, 0) && reply.status == 0 &&
			reply.number == 0 && o.ret == 1,
		"after a refused request, the next client got status %s, number "
		"%lld, and the server returned %ld; expected 0, 0 and 1: a "
		"refused request uses up no number",
		ipc_errno_name(reply.status), (long long)reply.number, o.ret);
	raw_client_done(&c[0]);
	raw_client_done(&c[1]);
}
END_TEST

START_TEST(test_server_ignores_a_truncated_request)
{
	struct raw_client c;
	struct fifo_request reqs[2];
	struct fifo_reply reply;
	struct server s;
	struct outcome o;
	struct pollfd p;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", 0);
	raw_client_init(&c, "stopper.fifo", true);
	/* A shutdown, then a request for a number without its last byte,
	 * from a writer that then left: the server finds it when it drains
	 * its FIFO before stopping. Its reply path is whole, but a request
	 * is the whole struct or nothing. */
	reqs[0] = raw_request(FIFO_REQ_SHUTDOWN, &c);
	reqs[1] = raw_request(FIFO_REQ_NUMBER, &c);
	{
		char bytes[2 * sizeof(reqs[0]) - 1]; /* one atomic write */
		int fd = open(s.path, O_WRONLY | O_NONBLOCK);
		memcpy(bytes, &reqs[0], sizeof(reqs[0]));
		memcpy(bytes + sizeof(reqs[0]), &reqs[1], sizeof(reqs[1]) - 1);
		require_ok(fd != -1);
		make_blocking(fd);
		require_ok(write(fd, bytes, sizeof(bytes)) == (ssize_t)sizeof(bytes));
		close(fd);
	}
	o = finish_server(&s, "it did not stop on a FIFO_REQ_SHUTDOWN request, "
			      "or it waits for the rest of a truncated request");
	require(raw_reply(&c, &reply, 0) && reply.status == 0,
		"the shutdown request got no acknowledgement (status 0)");
	p = (struct pollfd){ .fd = c.fd, .events = POLLIN };
	require(poll(&p, 1, 0) == 0 || !(p.revents & POLLIN), /* POLLHUP: */
		"the server answered a truncated request (%zu of %zu bytes, "
		"its writer gone): a short read at EOF is no request, whatever "
		"it holds. Stop there (EIO)",
		sizeof(struct fifo_request) - 1, sizeof(struct fifo_request));
	raw_client_done(&c);
	require(o.ret == 0, "fifo_seq_serve() returned %ld (%s); expected 0",
		o.ret, ipc_errno_name(o.err));
}
END_TEST

/**
 * Start fifo_seq_serve() on @p name in a helper with the failure @p f armed
 * in it. Returns true if it returned before it was ready (its outcome in
 * @p o, the helper reaped); false once it is ready (it is serving).
 */
static bool
start_failing_server(struct server *s, const char *name, struct fault f,
		     struct outcome *o)
{
	struct ipc_ready ready;
	struct server_args a;
	int res[2], err;

	test_path(s->path, sizeof(s->path), name);
	require_ok(ipc_ready_init(&ready) == 0 && pipe2(res, O_CLOEXEC) == 0);
	a = (struct server_args){ s->path, 0, ready.write_fd, res[1],
				  { ready.read_fd, res[0] }, f };
	s->pid = spawn(server_main, &a);
	close(ready.write_fd);
	ready.write_fd = -1;
	close(res[1]);
	s->result_fd = res[0];
	if (ipc_ready_wait(&ready, answer_ms()) == 0) {
		ipc_ready_close(&ready);
		return false;
	}
	err = errno;
	ipc_ready_close(&ready);
	if (err == EPIPE && read_outcome(s->result_fd, o, answer_ms())) {
		close(s->result_fd);
		join(s->pid);
		return true;
	}
	stop_helper(s->pid);
	fail_test("with the %u%s %s() call made to fail (%s), fifo_seq_serve() "
		  "neither wrote to ready_fd nor returned within %d ms (%s): a "
		  "call that fails before the server is ready must make it "
		  "clean up and return -1 at once",
		  f.nth, f.nth == 1 ? "st" : f.nth == 2 ? "nd" : f.nth == 3 ? "rd" : "th",
		  f.function, ipc_errno_name(f.err), answer_ms(),
		  ipc_errno_name(err));
	return false;
}

/** Stop a server that is ready, with a shutdown request. */
static void
stop_server(struct server *s)
{
	struct raw_client c;
	struct fifo_request req;
	struct outcome o;

	raw_client_init(&c, "stopper.fifo", true);
	req = raw_request(FIFO_REQ_SHUTDOWN, &c);
	raw_send(s, &req, 1, "when the server was asked to stop");
	o = finish_server(s, "it did not stop on a FIFO_REQ_SHUTDOWN request");
	raw_client_done(&c);
	require(o.ret == 0, "fifo_seq_serve() returned %ld (%s); expected 0",
		o.ret, ipc_errno_name(o.err));
}

START_TEST(test_server_cleans_up_when_it_cannot_start)
{
	static const struct fault cases[] = {
		{ "mkfifo", 0, ENOSPC }, { "open", 0, EMFILE },
		{ "fcntl", 0, EINVAL }, { "write", 0, EIO },
	};
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		/* Each call in turn fails, until the server gets ready. */
		for (unsigned k = 1; k <= 8; k++) {
			struct fault f = cases[c];
			f.nth = k;
			if (!start_failing_server(&s, "seq.fifo", f, &o)) {
				stop_server(&s);
				break;
			}
			errno = o.err;
			implemented(o.ret, "fifo_seq_serve", 2);
			require(o.injected[0] != '\0',
				"fifo_seq_serve() returned %ld (%s) before it "
				"was ready, and none of its calls had failed",
				o.ret, ipc_errno_name(o.err));
			require(o.ret == -1 && o.err == f.err,
				"when %s, fifo_seq_serve() returned %ld with "
				"errno %s; expected -1 with %s: return -1 with "
				"the errno of the call that failed (save it "
				"before cleaning up, restore it after)",
				o.injected, o.ret, ipc_errno_name(o.err),
				ipc_errno_name(f.err));
			require(access(s.path, F_OK) == -1,
				"when %s, fifo_seq_serve() left the FIFO it had "
				"created at %s: remove what you created when you "
				"give up",
				o.injected, s.path);
			require(o.fds_leaked == 0,
				"when %s, fifo_seq_serve() left %d descriptor(s) "
				"open: close what you opened on every path",
				o.injected, o.fds_leaked);
		}
	}
	/* A FIFO that was there before is not the server's to remove. */
	test_path(s.path, sizeof(s.path), "seq.fifo");
	make_fifo(s.path);
	if (start_failing_server(&s, "seq.fifo",
				 (struct fault){ "open", 1, EMFILE }, &o)) {
		require(o.ret == -1 && o.err == EMFILE,
			"when %s, fifo_seq_serve() returned %ld with errno %s; "
			"expected -1 with EMFILE",
			o.injected, o.ret, ipc_errno_name(o.err));
		require(access(s.path, F_OK) == 0,
			"when %s, fifo_seq_serve() removed the FIFO at %s, which "
			"was there before it started: remove only a FIFO you "
			"created yourself (fifo_create() says which)",
			o.injected, s.path);
		unlink(s.path);
	} else {
		stop_server(&s);
	}
}
END_TEST

START_TEST(test_server_reports_a_read_error)
{
	struct raw_client alive, gone;
	struct fifo_request reqs[2];
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	/* The server's second read() fails. A second request is still in
	 * the FIFO then, whose client is gone: answering it while the server
	 * stops fails (ENXIO), which must not replace read()'s errno. */
	if (start_failing_server(&s, "seq.fifo",
				 (struct fault){ "read", 2, EINVAL }, &o)) {
		errno = o.err;
		implemented(o.ret, "fifo_seq_serve", 2);
		fail_test("fifo_seq_serve() returned %ld (%s) before it was "
			  "ready, and none of its calls had failed",
			  o.ret, ipc_errno_name(o.err));
	}
	raw_client_init(&alive, "alive.fifo", true);
	raw_client_init(&gone, "gone.fifo", false);
	reqs[0] = raw_request(FIFO_REQ_NUMBER, &alive);
	reqs[1] = raw_request(FIFO_REQ_NUMBER, &gone);
	raw_send(&s, reqs, 2, "when the requests were sent");
	o = finish_server(&s, "its read() failed with EINVAL, and it went on: a "
			      "read error is not EINTR, stop serving");
	raw_client_done(&alive);
	raw_client_done(&gone);
	require(o.injected[0] != '\0',
		"fifo_seq_serve() stopped although no client asked it to and its "
		"read() never failed");
	require(o.ret == -1 && o.err == EINVAL,
		"when %s, fifo_seq_serve() returned %ld with errno %s; expected "
		"-1 with EINVAL: stop serving on a read error, clean up, and "
		"return -1 with read()'s errno (saved before the clean-up: "
		"answering the request still queued failed with ENXIO, its "
		"client being gone)",
		o.injected, o.ret, ipc_errno_name(o.err));
	require(access(s.path, F_OK) == -1,
		"when %s, the server left its FIFO %s behind: unlink it when "
		"the server stops, whatever the reason",
		o.injected, s.path);
	require(o.fds_leaked == 0,
		"when %s, fifo_seq_serve() left %d descriptor(s) open",
		o.injected, o.fds_leaked);
}
END_TEST

/* ------------------------------------- step 2: server and clients together */

START_TEST(test_seq_many_concurrent_clients)
{
	struct client_args a[CONCURRENT_CLIENTS];
	pid_t pids[CONCURRENT_CLIENTS];
	bool seen[CONCURRENT_CLIENTS] = { false };
	char dir[768];
	struct server s;
	struct outcome o;
	int gate[2], res[2], got = 0;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", CONCURRENT_CLIENTS);
	test_path(dir, sizeof(dir), "clients");
	make_dir(dir);
	require_ok(pipe2(gate, O_CLOEXEC) == 0 && pipe2(res, O_CLOEXEC) == 0);
	for (int i = 0; i < CONCURRENT_CLIENTS; i++) {
		a[i] = (struct client_args){ s.path, dir, false, i, gate[0],
					     res[1], { gate[1], res[0] },
					     { NULL, 0, 0 } };
		pids[i] = spawn(client_main, &a[i]);
	}
	close(gate[1]); /* EOF on the gate: every client starts at once */
	close(gate[0]);
	close(res[1]);
	for (; got < CONCURRENT_CLIENTS; got++) {
		if (!read_outcome(res[0], &o, answer_ms()))
			break;
		errno = o.err;
		implemented(o.ret, "fifo_seq_request", 2);
		require(o.ret == 0,
			      "client %d of %d failed: fifo_seq_request() returned "
			      "%ld (%s)",
			      o.slot + 1, CONCURRENT_CLIENTS, o.ret,
			      ipc_errno_name(o.err));
		require(o.number >= 0 && o.number < CONCURRENT_CLIENTS &&
				      !seen[o.number],
			      "client %d got number %ld, %s: with %d clients the "
			      "numbers must be 0..%d, each given once",
			      o.slot + 1, o.number,
			      o.number >= 0 && o.number < CONCURRENT_CLIENTS
				      ? "which another client got too"
				      : "out of range",
			      CONCURRENT_CLIENTS, CONCURRENT_CLIENTS - 1);
		seen[o.number] = true;
	}
	if (got < CONCURRENT_CLIENTS) {
		for (int i = 0; i < CONCURRENT_CLIENTS; i++)
			stop_helper(pids[i]);
		fail_test("only %d of %d clients that asked at the same time got "
			     "an answer within %d ms: the requests must reach the "
			     "server whole (one write of at most PIPE_BUF bytes) and "
			     "each must be answered",
			     got, CONCURRENT_CLIENTS, answer_ms());
	}
	close(res[0]);
	for (int i = 0; i < CONCURRENT_CLIENTS; i++)
		join(pids[i]);
	o = finish_server(&s, "it was asked to stop after as many numbers as "
			      "there were clients");
	require(o.ret == CONCURRENT_CLIENTS,
		      "fifo_seq_serve() returned %ld; it gave out %d numbers",
		      o.ret, CONCURRENT_CLIENTS);
	assert_no_fifo_left(dir, "a client");
}
END_TEST

START_TEST(test_seq_shutdown_then_no_server)
{
	char dir[768];
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", 0);
	test_path(dir, sizeof(dir), "clients");
	make_dir(dir);
	o = run_client(s.path, dir, false, "a running server answers at once");
	implemented(o.ret, "fifo_seq_request", 2);
	require(o.ret == 0 && o.number == 0,
		"the first client got %ld (%s), number %ld; expected 0, 0",
		o.ret, ipc_errno_name(o.err), o.number);
	o = run_client(s.path, dir, true, "the server acknowledges a shutdown "
					  "before it stops");
	implemented(o.ret, "fifo_seq_shutdown", 2);
	require(o.ret == 1,
		"fifo_seq_shutdown() returned %ld (%s); the server had given 1 "
		"number",
		o.ret, o.ret == -1 ? ipc_errno_name(o.err) : "");
	o = finish_server(&s, "it acknowledged the shutdown but did not stop");
	require(o.ret == 1, "fifo_seq_serve() returned %ld; expected 1", o.ret);
	o = run_client(s.path, dir, false, "with the server FIFO gone, open() "
					   "fails at once with ENOENT");
	require(o.ret == -1 && o.err == ENOENT,
		"a client after the server stopped got %ld (%s); expected -1 "
		"with ENOENT: the server FIFO is gone",
		o.ret, ipc_errno_name(o.err));
	assert_no_fifo_left(dir, "a client");
}
END_TEST

START_TEST(test_demo_session_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "session", "3", grade_tmpdir(), NULL }, NULL, 0);
}
END_TEST

/* ----------------------------------------------- step 3: no reader, no hang */

START_TEST(test_open_writer_without_reader_is_enxio)
{
	char path[768];
	int fd;

	test_path(path, sizeof(path), "lonely.fifo");
	make_fifo(path);
	errno = 0;
	fd = fifo_open_writer(path); /* blocks for ever without O_NONBLOCK */
	implemented(fd, "fifo_open_writer", 3);
	require(fd == -1 && errno == ENXIO,
		      "fifo_open_writer() on a FIFO nobody reads returned %d (%s); "
		      "expected -1 with ENXIO, which open(O_WRONLY | O_NONBLOCK) "
		      "gives at once",
		      fd, ipc_errno_name(errno));
	unlink(path);
}
END_TEST

START_TEST(test_open_writer_with_reader_gives_blocking_fd)
{
	char path[768], back[2];
	int reader, fd, flags;

	test_path(path, sizeof(path), "served.fifo");
	make_fifo(path);
	reader = open(path, O_RDONLY | O_NONBLOCK);
	require_ok(reader != -1);
	fd = fifo_open_writer(path);
	implemented(fd, "fifo_open_writer", 3);
	require(fd >= 0, "fifo_open_writer() on a FIFO with a reader "
			       "returned %d (%s)", fd, ipc_errno_name(errno));
	flags = fcntl(fd, F_GETFL);
	require((flags & O_ACCMODE) == O_WRONLY,
		      "the descriptor is not open for writing only");
	require(!(flags & O_NONBLOCK),
		      "the descriptor is still non-blocking (O_NONBLOCK): a "
		      "write to a full FIFO would fail with EAGAIN instead of "
		      "waiting. Clear O_NONBLOCK after the open");
	require(fcntl(fd, F_GETFD) & FD_CLOEXEC,
		      "the descriptor is not close-on-exec: open with O_CLOEXEC");
	require_ok(write(fd, "x", 1) == 1 && read(reader, back, 2) == 1);
	close(fd);
	close(reader);
	unlink(path);
}
END_TEST

START_TEST(test_open_writer_missing_fifo_is_enoent)
{
	int fd;

	errno = 0;
	fd = fifo_open_writer(grade_path("no-such.fifo"));
	implemented(fd, "fifo_open_writer", 3);
	require(fd == -1 && errno == ENOENT,
		      "fifo_open_writer() on a path where nothing is returned %d "
		      "(%s); expected -1 with ENOENT",
		      fd, ipc_errno_name(errno));
}
END_TEST

START_TEST(test_open_writer_refuses_a_regular_file)
{
	char path[768], back[16] = "";
	int fd;

	test_path(path, sizeof(path), "data.txt");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	require_ok(fd != -1 && write(fd, "precious", 8) == 8);
	close(fd);
	errno = 0;
	fd = fifo_open_writer(path);
	implemented(fd, "fifo_open_writer", 3);
	require(fd == -1 && errno == EINVAL,
		      "fifo_open_writer() on a regular file returned %d (%s); "
		      "expected -1 with EINVAL: a server writes where a request "
		      "says, so check with fstat() that it opened a FIFO",
		      fd, ipc_errno_name(errno));
	fd = open(path, O_RDONLY);
	require_ok(fd != -1 && read(fd, back, sizeof(back)) == 8 &&
		  memcmp(back, "precious", 8) == 0);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(test_request_without_server_is_enxio)
{
	char server[768], dir[768];
	struct outcome o;

	test_path(server, sizeof(server), "seq.fifo");
	make_fifo(server); /* a FIFO, but no server reading it */
	test_path(dir, sizeof(dir), "clients");
	make_dir(dir);
	o = run_client(server, dir, false,
		       "the server FIFO exists but no server reads it, and a "
		       "plain open(O_WRONLY) waits for a reader for ever. Open "
		       "it with fifo_open_writer() and return -1 with ENXIO");
	implemented(o.ret, "fifo_seq_request", 2);
	require(o.ret == -1 && o.err == ENXIO,
		"fifo_seq_request() with no server running returned %ld (%s); "
		"expected -1 with ENXIO",
		o.ret, ipc_errno_name(o.err));
	assert_no_fifo_left(dir, "fifo_seq_request(), with no server,");
	require(o.fds_leaked == 0,
		"fifo_seq_request() left %d descriptor(s) open when it failed: "
		"close what you opened on every path",
		o.fds_leaked);
	unlink(server);
}
END_TEST

START_TEST(test_request_without_fifo_is_enoent)
{
	char server[768], dir[768];
	struct outcome o;

	test_path(server, sizeof(server), "no-server.fifo");
	test_path(dir, sizeof(dir), "clients");
	make_dir(dir);
	o = run_client(server, dir, false,
		       "with no server FIFO, open() fails at once with ENOENT");
	implemented(o.ret, "fifo_seq_request", 2);
	require(o.ret == -1 && o.err == ENOENT,
		"fifo_seq_request() with no server FIFO returned %ld (%s); "
		"expected -1 with ENOENT",
		o.ret, ipc_errno_name(o.err));
	assert_no_fifo_left(dir, "fifo_seq_request(), with no server FIFO,");
	require(o.fds_leaked == 0,
		"fifo_seq_request() left %d descriptor(s) open when it failed: "
		"close what you opened on every path",
		o.fds_leaked);
}
END_TEST

START_TEST(test_server_skips_a_vanished_client)
{
	struct raw_client gone, alive;
	struct fifo_request reqs[2];
	struct fifo_reply reply;
	struct server s;
	struct outcome o;

	signal(SIGPIPE, SIG_IGN);
	start_server(&s, "seq.fifo", 1);
	raw_client_init(&gone, "gone.fifo", false); /* nobody reads it */
	raw_client_init(&alive, "alive.fifo", true);
	reqs[0] = raw_request(FIFO_REQ_NUMBER, &gone);
	reqs[1] = raw_request(FIFO_REQ_NUMBER, &alive);
	raw_send(&s, reqs, 2, "when the requests were sent");
	o = finish_server(&s,
			  "it is stuck on the first request, whose client is gone "
			  "(its reply FIFO has no reader): a blocking "
			  "open(O_WRONLY) of that FIFO waits for ever and freezes "
			  "the server for everyone. Open reply FIFOs with "
			  "fifo_open_writer() and skip a client that is gone "
			  "(ENXIO)");
	require(raw_reply(&alive, &reply, 0),
		      "the client behind a vanished one got no answer: skip the "
		      "vanished client and go on");
	require(reply.status == 0 && reply.number == 0 && o.ret == 1,
		      "the client behind a vanished one got status %d, number "
		      "%lld, and the server returned %ld; expected 0, 0 and 1: a "
		      "number is used up only when its reply was written",
		      (int)reply.status, (long long)reply.number, o.ret);
	raw_client_done(&gone);
	raw_client_done(&alive);
}
END_TEST

START_TEST(test_demo_noreader_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "noreader", grade_tmpdir(), NULL }, NULL, 0);
}
END_TEST

/* ------------------------------------------------------------- the table */

static const struct grade_test tests[] = {
	{ GRADE_REF(test_create_makes_a_fifo), 1, 1, 0, NULL },
	{ GRADE_REF(test_create_accepts_an_existing_fifo), 1, 2, 0, NULL },
	{ GRADE_REF(test_create_refuses_a_regular_file), 1, 2, 0, NULL },
	{ GRADE_REF(test_create_refuses_a_directory), 1, 1, 0, NULL },
	{ GRADE_REF(test_create_reports_a_missing_directory), 1, 1, 0, NULL },
	{ GRADE_REF(test_demo_create_matches_reference), 1, 1, 5,
	  "the demo hangs" },
	{ GRADE_REF(test_open_pair_returns_without_a_writer), 2, 2, 3,
	  "fifo_open_pair() blocked: open(O_RDONLY) on a FIFO waits until a "
	  "writer comes. Open the read end with O_NONBLOCK first, then the "
	  "write end (which no longer waits, since a reader exists)" },
	{ GRADE_REF(test_open_pair_read_waits_instead_of_eof), 2, 2, 3,
	  "fifo_open_pair() blocked: open the read end with O_NONBLOCK" },
	{ GRADE_REF(test_open_pair_cleans_up_when_calls_fail), 2, 1, 3,
	  "fifo_open_pair() blocked: open the read end with O_NONBLOCK, and "
	  "return -1 as soon as a call fails" },
	{ GRADE_REF(test_request_sends_one_whole_request), 2, 2, 8, NULL },
	{ GRADE_REF(test_request_reply_fifo_in_given_dir), 2, 1, 8, NULL },
	{ GRADE_REF(test_request_returns_the_number), 2, 2, 8, NULL },
	{ GRADE_REF(test_request_reports_a_refusal), 2, 1, 8, NULL },
	{ GRADE_REF(test_request_cleans_up), 2, 1, 8, NULL },
	{ GRADE_REF(test_shutdown_request_returns_the_count), 2, 1, 8, NULL },
	{ GRADE_REF(test_request_cleans_up_when_calls_fail), 2, 2, 10, NULL },
	{ GRADE_REF(test_server_is_open_when_ready), 2, 2, 8, NULL },
	{ GRADE_REF(test_server_survives_clients_one_after_another), 2, 3, 8,
	  NULL },
	{ GRADE_REF(test_server_answers_each_request_in_order), 2, 2, 8, NULL },
	{ GRADE_REF(test_server_refuses_what_is_queued_past_its_limit), 2, 2, 8,
	  "the server never stopped: after unlinking and closing its own write "
	  "end it reads until read() returns 0, and a client that keeps the "
	  "server FIFO open would hold it" },
	{ GRADE_REF(test_server_shutdown_refuses_waiting_clients), 2, 2, 8, NULL },
	{ GRADE_REF(test_server_cleans_up_when_stopping), 2, 1, 8, NULL },
	{ GRADE_REF(test_server_refuses_an_unknown_request), 2, 1, 8, NULL },
	{ GRADE_REF(test_server_cleans_up_when_it_cannot_start), 2, 2, 10, NULL },
	{ GRADE_REF(test_server_reports_a_read_error), 2, 1, 8, NULL },
	{ GRADE_REF(test_server_ignores_a_truncated_request), 2, 1, 8, NULL },
	{ GRADE_REF(test_seq_many_concurrent_clients), 2, 3, 10, NULL },
	{ GRADE_REF(test_seq_shutdown_then_no_server), 2, 2, 8, NULL },
	{ GRADE_REF(test_demo_session_matches_reference), 2, 1, 5,
	  "the demo session hangs: run `demo session 3` by hand to see which "
	  "client or server waits" },
	{ GRADE_REF(test_open_writer_without_reader_is_enxio), 3, 2, 3,
	  "fifo_open_writer() blocked: open(O_WRONLY) on a FIFO nobody reads "
	  "waits for ever. Add O_NONBLOCK: the open then fails at once with "
	  "ENXIO" },
	{ GRADE_REF(test_open_writer_with_reader_gives_blocking_fd), 3, 2, 3, NULL },
	{ GRADE_REF(test_open_writer_missing_fifo_is_enoent), 3, 1, 3, NULL },
	{ GRADE_REF(test_open_writer_refuses_a_regular_file), 3, 1, 3, NULL },
	{ GRADE_REF(test_request_without_server_is_enxio), 3, 2, 8, NULL },
	{ GRADE_REF(test_request_without_fifo_is_enoent), 3, 1, 5, NULL },
	{ GRADE_REF(test_server_skips_a_vanished_client), 3, 2, 8, NULL },
	{ GRADE_REF(test_demo_noreader_matches_reference), 3, 1, 5,
	  "the demo hangs: with nobody reading a FIFO, opening it for writing "
	  "must fail with ENXIO (O_NONBLOCK), in fifo_open_writer() and in the "
	  "client" },
};

static const struct grade_lab lab = {
	"02-fifo", "Named pipes (FIFOs)", tests, GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
