/* SPDX-License-Identifier: MIT */
/**
 * @file grade_msgq.c
 * @brief Lab 03 grader: the tests, their steps and their points.
 *
 * Each test is a Check test; the table at the bottom gives its handout step,
 * its points and what probably went wrong when it times out. The engine
 * (common/grade.c, common/grade_sandbox.c) adds the leak checks: fds,
 * children, zombies, and System V and POSIX queues left behind.
 *
 * Keys come from ftok() on a file in the test's own directory (or
 * IPC_PRIVATE), POSIX names from that directory's unique name, so runs
 * never collide. The queues a test makes for itself are registered and
 * removed before any check fails (expect()), so a leftover the engine
 * reports is always the student's. A call that must not block runs in a
 * helper process: if it still waits after a second, the test removes the
 * queue, which wakes the blocked msgrcv/msgsnd with EIDRM, and says why.
 */
#include "grade.h"
#include "ipc_util.h"
#include "msgq.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/** A System V message as the test itself sends and receives it. */
struct record {
	long mtype;
	char mtext[MSGQ_TEXT_MAX];
};

/* --------------------------------------- the test's own objects, cleanup */

/** What this test created for itself (each test is a fresh process). */
static struct {
	int queues[8];
	size_t n_queues;
	mqd_t mqds[4];
	size_t n_mqds;
	char names[4][256];
	size_t n_names;
} own;

/** Remove the test's own queues and close its descriptors (keeps errno). */
static void
cleanup(void)
{
	int err = errno;

	for (size_t i = 0; i < own.n_queues; i++)
		msgctl(own.queues[i], IPC_RMID, NULL);
	for (size_t i = 0; i < own.n_mqds; i++)
		mq_close(own.mqds[i]);
	for (size_t i = 0; i < own.n_names; i++)
		mq_unlink(own.names[i]);
	own.n_queues = own.n_mqds = own.n_names = 0;
	errno = err;
}

/** Fail the test with a message, after removing the test's own objects. */
#define expect(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			cleanup();                                             \
			ck_abort_msg(__VA_ARGS__);                             \
		}                                                              \
	} while (0)

/** GRADE_IMPLEMENTED(), after cleaning up if the call was a stub. */
static void
implemented(long ret, int err, const char *function, int step)
{
	if (ret == -1 && err == ENOSYS)
		cleanup();
	errno = err;
	GRADE_IMPLEMENTED(ret, function, step);
}

/** Register System V queue @p id as the test's to remove. */
static int
own_queue(int id)
{
	if (id >= 0 && own.n_queues < 8)
		own.queues[own.n_queues++] = id;
	return id;
}

/** Register a POSIX descriptor as the test's to close. */
static mqd_t
own_mqd(mqd_t q)
{
	if (q != (mqd_t)-1 && own.n_mqds < 4)
		own.mqds[own.n_mqds++] = q;
	return q;
}

/** Register a POSIX name as the test's to unlink. */
static void
own_name(const char *name)
{
	if (own.n_names < 4)
		snprintf(own.names[own.n_names++], sizeof(own.names[0]), "%s", name);
}

/* ------------------------------------------ the test's own queue helpers */

/** A queue the test makes itself (with msgget) for @p key, registered. */
static int
make_queue(key_t key)
{
	int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);

	expect(id != -1, "grader: msgget: %s", strerror(errno));
	return own_queue(id);
}

/** Does queue @p id still exist? */
static bool
queue_exists(int id)
{
	struct msqid_ds ds;

	return msgctl(id, IPC_STAT, &ds) == 0;
}

/** Messages in queue @p id, or -1 if it is gone. */
static long
queued(int id)
{
	struct msqid_ds ds;

	return msgctl(id, IPC_STAT, &ds) == 0 ? (long)ds.msg_qnum : -1;
}

/** Send a message with the test's own msgsnd(). */
static void
put(int id, long type, const char *text)
{
	struct record r = { .mtype = type };
	size_t len = strlen(text);

	memcpy(r.mtext, text, len);
	expect(msgsnd(id, &r, len, IPC_NOWAIT) == 0, "grader: msgsnd: %s",
	       strerror(errno));
}

/** Take the next message (type 0) with the test's own msgrcv(), NUL-ended. */
static ssize_t
take(int id, struct record *r)
{
	ssize_t n = msgrcv(id, r, sizeof(r->mtext) - 1, 0, IPC_NOWAIT);

	r->mtext[n >= 0 ? n : 0] = '\0';
	return n;
}

/** Read a number from a /proc file, or @p fallback. */
static long
proc_long(const char *path, long fallback)
{
	FILE *f = fopen(path, "r");
	long value = fallback;

	if (f != NULL) {
		if (fscanf(f, "%ld", &value) != 1)
			value = fallback;
		fclose(f);
	}
	return value;
}

/* ----------------------------------- calls that must not block: a helper */

/** What a handler saw, in order. */
struct seen {
	int count;        /**< messages handled */
	int fail_at;      /**< return -1 (ECANCELED) at this one (1-based) */
	long types[16];   /**< their types */
	size_t len[16];   /**< their lengths */
	char text[16][8]; /**< their texts (the first 7 bytes) */
};

/** A call run in a helper: its arguments and what it did (shared memory). */
struct call {
	int id;        /**< the queue */
	long type;     /**< msgq_receive's type, msgq_dispatch's max_type */
	int flags;     /**< msgq_send/msgq_receive flags */
	long ret;      /**< what the call returned */
	int err;       /**< errno after it */
	struct seen seen; /**< msgq_dispatch's handler calls */
	const char *fail; /**< a call to make fail in the helper, or NULL */
	unsigned fail_nth; /**< which call of it */
	int fail_err;      /**< with which errno */
};

/** A struct call in memory the helper and the test share. */
static struct call *
shared_call(int id)
{
	struct call *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert_msg(c != MAP_FAILED, "grader: mmap: %s", strerror(errno));
	memset(c, 0, sizeof(*c));
	c->id = id;
	return c;
}

/** How long a call that must not block may take: 1 s, scaled like the
 *  time limits (CK_TIMEOUT_MULTIPLIER). It is a safety net, not a clock. */
static int
block_limit_ms(void)
{
	const char *scale = getenv("CK_TIMEOUT_MULTIPLIER");

	return (int)(1000 * (scale && atof(scale) > 0 ? atof(scale) : 1.0));
}

/**
 * Run @p fn in a helper process and wait for it. If it is still running
 * after block_limit_ms(), remove the call's queue (a msgrcv or msgsnd
 * blocked on it returns EIDRM) and report that it blocked.
 */
static bool
call_blocks(int (*fn)(void *), struct call *c)
{
	pid_t pid = grade_spawn(fn, c);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int ready;

	expect(pidfd != -1, "grader: pidfd_open: %s", strerror(errno));
	while ((ready = poll(&pfd, 1, block_limit_ms())) == -1 && errno == EINTR)
		;
	close(pidfd);
	if (ready == 0)
		msgctl(c->id, IPC_RMID, NULL); /* wakes it with EIDRM */
	grade_join(pid, block_limit_ms());
	return ready == 0;
}

/** Helper: msgq_receive() into a scratch buffer. */
static int
receive_in_helper(void *arg)
{
	struct call *c = arg;
	char buf[64];

	errno = 0;
	c->ret = msgq_receive(c->id, c->type, buf, sizeof(buf), c->flags, NULL);
	c->err = errno;
	return 0;
}

/** Helper: msgq_send() of 8 bytes. */
static int
send_in_helper(void *arg)
{
	struct call *c = arg;

	errno = 0;
	c->ret = msgq_send(c->id, 1, "12345678", 8, c->flags);
	c->err = errno;
	return 0;
}

/** Handler: record each message; fail at seen->fail_at. */
static int
record_message(long type, const void *text, size_t len, void *arg)
{
	struct seen *s = arg;

	if (s->count < 16) {
		s->types[s->count] = type;
		s->len[s->count] = len;
		snprintf(s->text[s->count], sizeof(s->text[0]), "%.*s",
			 (int)(len < 7 ? len : 7), (const char *)text);
	}
	s->count++;
	if (s->count == s->fail_at) {
		errno = ECANCELED;
		return -1;
	}
	return 0;
}

/** Helper: msgq_dispatch() recording into the shared struct seen. */
static int
dispatch_in_helper(void *arg)
{
	struct call *c = arg;

	if (c->fail != NULL)
		grade_fail_nth(c->fail, c->fail_nth, c->fail_err);
	errno = 0;
	c->ret = msgq_dispatch(c->id, c->type, record_message, &c->seen);
	c->err = errno;
	grade_fail_clear();
	return 0;
}

#define RECEIVE_BLOCKED                                                        \
	"msgq_receive() with IPC_NOWAIT was still waiting after a second "      \
	"(the grader then removed the queue): pass the flags on to msgrcv(), "  \
	"which fails at once with ENOMSG when no message matches instead of "   \
	"blocking forever"
#define DISPATCH_BLOCKED                                                       \
	"msgq_dispatch() was still waiting after a second (the grader then "    \
	"removed the queue): receive with IPC_NOWAIT, so a drained queue "      \
	"gives ENOMSG, the sign to stop, instead of waiting forever for a "     \
	"message that never comes"

/* --------------------------------------------------- step 1: create/open */

START_TEST(test_create_new_queue)
{
	key_t key = grade_key("key", 'q');
	int id = own_queue(msgq_create(key)), err = errno;
	struct msqid_ds ds;

	implemented(id, err, "msgq_create", 1);
	expect(id >= 0, "msgq_create() with a fresh key failed: %s",
	       ipc_errno_name(err));
	expect(msgctl(id, IPC_STAT, &ds) == 0,
	       "msgq_create() returned %d, which is not a queue id (%s): "
	       "return what msgget() returned",
	       id, ipc_errno_name(errno));
	expect(ds.msg_perm.__key == key,
	       "the queue has key 0x%08x, not the caller's 0x%08x: pass the key "
	       "to msgget() unchanged",
	       (unsigned)ds.msg_perm.__key, (unsigned)key);
	expect((ds.msg_perm.mode & 0777) == 0600,
	       "the queue's permissions are %03o, expected 0600 (owner only): "
	       "msgget's flags carry them, IPC_CREAT | IPC_EXCL | 0600",
	       ds.msg_perm.mode & 0777);
	cleanup();
}
END_TEST

START_TEST(test_create_existing_key_fails)
{
	key_t key = grade_key("key", 'q');
	int mine = make_queue(key), id, err;

	errno = 0;
	id = msgq_create(key);
	err = errno;
	implemented(id, err, "msgq_create", 1);
	if (id != mine)
		own_queue(id);
	expect(id == -1 && err == EEXIST,
	       "msgq_create() on a key that already has a queue returned %d "
	       "(%s); expected -1 with EEXIST: add IPC_EXCL to IPC_CREAT so you "
	       "never take over somebody else's queue",
	       id, id == -1 ? ipc_errno_name(err) : "the existing queue");
	cleanup();
}
END_TEST

START_TEST(test_create_private_is_new)
{
	int a = own_queue(msgq_create(IPC_PRIVATE)), err = errno, b;

	implemented(a, err, "msgq_create", 1);
	b = msgq_create(IPC_PRIVATE);
	err = errno;
	if (b != a)
		own_queue(b);
	expect(a >= 0 && b >= 0 && a != b,
	       "two msgq_create(IPC_PRIVATE) calls returned %d and %d: each "
	       "must make a new queue (%s)",
	       a, b, ipc_errno_name(err));
	cleanup();
}
END_TEST

START_TEST(test_open_existing)
{
	key_t key = grade_key("key", 'q');
	int mine = make_queue(key), id = msgq_open(key), err = errno;

	implemented(id, err, "msgq_open", 1);
	expect(id == mine,
	       "msgq_open() returned %d (%s) for a key whose queue has id %d: "
	       "msgget(key, 0) finds it",
	       id, id == -1 ? ipc_errno_name(err) : "another id", mine);
	cleanup();
}
END_TEST

START_TEST(test_open_missing_enoent)
{
	key_t key = grade_key("key", 'q');
	int id, err;

	errno = 0;
	id = own_queue(msgq_open(key));
	err = errno;
	implemented(id, err, "msgq_open", 1);
	expect(id == -1,
	       "msgq_open() on a key with no queue created one: leave IPC_CREAT "
	       "out, the caller expects the queue to exist");
	expect(err == ENOENT,
	       "msgq_open() on a key with no queue failed with %s, expected "
	       "ENOENT",
	       ipc_errno_name(err));
}
END_TEST

START_TEST(test_remove_deletes_queue)
{
	key_t key = grade_key("key", 'q');
	int id = make_queue(key), rc, err;

	put(id, 1, "still here");
	rc = msgq_remove(id);
	err = errno;
	implemented(rc, err, "msgq_remove", 1);
	expect(rc == 0, "msgq_remove() failed: %s", ipc_errno_name(err));
	expect(!queue_exists(id) && msgget(key, 0) == -1,
	       "the queue still exists after msgq_remove(): a queue lives in "
	       "the kernel until msgctl(id, IPC_RMID, NULL) removes it");
	errno = 0;
	rc = msgq_remove(id);
	expect(rc == -1 && (errno == EINVAL || errno == EIDRM),
	       "removing a removed queue returned %d (%s); expected -1 with "
	       "EINVAL or EIDRM: return what msgctl() returned",
	       rc, ipc_errno_name(errno));
}
END_TEST

/* ----------------------------------------------------- step 1: sending */

START_TEST(test_send_counts_text_only)
{
	int id = make_queue(IPC_PRIVATE);
	struct msqid_ds ds;
	struct record r;
	int rc = msgq_send(id, 7, "hello", 5, 0), err = errno;
	ssize_t n;

	implemented(rc, err, "msgq_send", 1);
	expect(rc == 0, "msgq_send() of 5 bytes failed: %s", ipc_errno_name(err));
	expect(msgctl(id, IPC_STAT, &ds) == 0, "grader: IPC_STAT: %s",
	       strerror(errno));
	expect(ds.msg_cbytes == 5,
	       "the queue holds %lu bytes of text after sending a 5-byte "
	       "message: msgsnd's size argument counts mtext only, never the "
	       "long mtype in front (do not add sizeof(long))",
	       (unsigned long)ds.msg_cbytes);
	n = take(id, &r);
	expect(n == 5 && r.mtype == 7 && strcmp(r.mtext, "hello") == 0,
	       "the queue gave back type %ld, %zd bytes \"%s\"; expected type "
	       "7, 5 bytes \"hello\": put the type in mtype and the text right "
	       "after it",
	       r.mtype, n, r.mtext);
	cleanup();
}
END_TEST

START_TEST(test_send_keeps_boundaries)
{
	int id = make_queue(IPC_PRIVATE);
	const char *want[] = { "ab", "cde", "" };
	struct record r;
	int rc = msgq_send(id, 1, "ab", 2, 0), err = errno;

	implemented(rc, err, "msgq_send", 1);
	if (rc == 0)
		rc = msgq_send(id, 1, "cde", 3, 0);
	if (rc == 0)
		rc = msgq_send(id, 1, NULL, 0, 0); /* an empty message counts */
	expect(rc == 0, "msgq_send() of \"ab\", \"cde\" and an empty message "
			"failed: %s",
	       ipc_errno_name(errno));
	for (int i = 0; i < 3; i++) {
		ssize_t n = take(id, &r);
		expect(n == (ssize_t)strlen(want[i]) && strcmp(r.mtext, want[i]) == 0,
		       "message %d came back as %zd bytes \"%s\", expected \"%s\": "
		       "every msgsnd() is one message, kept whole and separate",
		       i + 1, n, r.mtext, want[i]);
	}
	cleanup();
}
END_TEST

START_TEST(test_send_largest_message)
{
	long msgmax = proc_long("/proc/sys/kernel/msgmax", 8192);
	int id = make_queue(IPC_PRIVATE), rc, err;
	char *text = malloc((size_t)msgmax + 1);
	struct record *r = malloc(sizeof(long) + (size_t)msgmax + 1);
	ssize_t n;

	expect(text != NULL && r != NULL, "grader: out of memory");
	ipc_fill_pattern(text, (size_t)msgmax + 1, 3);
	rc = msgq_send(id, 2, text, (size_t)msgmax, IPC_NOWAIT);
	err = errno;
	implemented(rc, err, "msgq_send", 1);
	expect(rc == 0,
	       "a message of exactly msgmax (%ld) bytes was refused with %s: "
	       "msgsnd's size counts mtext only (adding sizeof(long) makes it "
	       "too long)",
	       msgmax, ipc_errno_name(err));
	n = msgrcv(id, r, (size_t)msgmax, 0, IPC_NOWAIT);
	expect(n == msgmax && memcmp(r->mtext, text, (size_t)msgmax) == 0,
	       "the %ld-byte message came back as %zd different bytes", msgmax,
	       n);
	errno = 0;
	rc = msgq_send(id, 2, text, (size_t)msgmax + 1, IPC_NOWAIT);
	err = errno;
	free(text);
	free(r);
	expect(rc == -1 && err == EINVAL,
	       "a message of msgmax + 1 bytes gave %d (%s), expected -1 with "
	       "EINVAL: /proc/sys/kernel/msgmax is the kernel's limit",
	       rc, ipc_errno_name(err));
	cleanup();
}
END_TEST

START_TEST(test_send_rejects_bad_input)
{
	int id = make_queue(IPC_PRIVATE), rc, err;

	errno = 0;
	rc = msgq_send(id, 0, "x", 1, IPC_NOWAIT);
	err = errno;
	implemented(rc, err, "msgq_send", 1);
	expect(rc == -1 && err == EINVAL,
	       "msgq_send() with type 0 gave %d (%s), expected -1 with EINVAL: a "
	       "type is at least 1 (0 means \"any\" to msgrcv)",
	       rc, ipc_errno_name(err));
	cleanup(); /* the queue is gone now */
	errno = 0;
	rc = msgq_send(id, 1, "x", 1, IPC_NOWAIT);
	expect(rc == -1 && (errno == EINVAL || errno == EIDRM),
	       "msgq_send() to a removed queue gave %d (%s), expected -1 with "
	       "EINVAL or EIDRM",
	       rc, ipc_errno_name(errno));
}
END_TEST

START_TEST(test_send_nowait_full_queue)
{
	int id = make_queue(IPC_PRIVATE);
	struct call *c = shared_call(id);
	struct msqid_ds ds;

	/* An owner may shrink the queue: room for 8 bytes only. */
	expect(msgctl(id, IPC_STAT, &ds) == 0, "grader: IPC_STAT: %s",
	       strerror(errno));
	ds.msg_qbytes = 8;
	expect(msgctl(id, IPC_SET, &ds) == 0, "grader: IPC_SET: %s",
	       strerror(errno));
	c->flags = IPC_NOWAIT;
	expect(!call_blocks(send_in_helper, c),
	       "msgq_send() with IPC_NOWAIT into an empty queue blocked");
	implemented(c->ret, c->err, "msgq_send", 1);
	expect(c->ret == 0, "msgq_send() into an empty queue failed: %s",
	       ipc_errno_name(c->err));
	expect(!call_blocks(send_in_helper, c),
	       "msgq_send() with IPC_NOWAIT into a full queue was still waiting "
	       "after a second (the grader then removed the queue): pass the "
	       "flags on to msgsnd(), which fails at once with EAGAIN");
	expect(c->ret == -1 && c->err == EAGAIN,
	       "msgq_send() with IPC_NOWAIT into a full queue gave %ld (%s), "
	       "expected -1 with EAGAIN",
	       c->ret, ipc_errno_name(c->err));
	cleanup();
}
END_TEST

/** Fail if the heap grew by more than 16 KiB since @p before. */
static void
expect_no_leak(size_t before, const char *what)
{
	size_t now = grade_heap_in_use();

	expect(now <= before + 16 * 1024,
	       "%s, %zu more bytes of heap were in use than before: free what "
	       "you allocated, on the error paths too",
	       what, now - before);
}

START_TEST(test_send_receive_free_their_buffers)
{
	int id = make_queue(IPC_PRIVATE);
	char text[1000], buf[1000];
	size_t heap = grade_heap_in_use();
	ssize_t n;
	int rc;

	ipc_fill_pattern(text, sizeof(text), 5);
	for (int i = 0; i < 100; i++) {
		rc = msgq_send(id, 1, text, sizeof(text), 0);
		implemented(rc, errno, "msgq_send", 1);
		n = msgq_receive(id, 1, buf, sizeof(buf), 0, NULL);
		implemented(n, errno, "msgq_receive", 1);
		expect(rc == 0 && n == (ssize_t)sizeof(text),
		       "msgq_send() and msgq_receive() of 1000 bytes gave %d and "
		       "%zd (%s)",
		       rc, n, ipc_errno_name(errno));
	}
	expect_no_leak(heap, "after 100 messages sent and received");
	expect(msgq_send(id, 1, text, sizeof(text), 0) == 0, "msgq_send(): %s",
	       ipc_errno_name(errno));
	for (int i = 0; i < 100; i++) {
		n = msgq_receive(id, 1, buf, sizeof(buf) - 1, IPC_NOWAIT, NULL);
		expect(n == -1 && errno == E2BIG, "msgq_receive() of 1000 bytes "
		       "into 999 gave %zd (%s), expected -1 with E2BIG",
		       n, ipc_errno_name(errno));
	}
	expect_no_leak(heap, "after 100 receives that failed with E2BIG");
	cleanup(); /* the queue is gone: every send fails now */
	for (int i = 0; i < 100; i++)
		msgq_send(id, 1, text, sizeof(text), IPC_NOWAIT);
	expect_no_leak(heap, "after 100 sends that failed");
}
END_TEST

/* -------------------------------------- step 1: receiving, the type rules */

/** The queue of the type tests: [3 c1] [1 a1] [2 b1] [1 a2] [2 b2]. */
static int
typed_queue(void)
{
	int id = make_queue(IPC_PRIVATE);

	put(id, 3, "c1");
	put(id, 1, "a1");
	put(id, 2, "b1");
	put(id, 1, "a2");
	put(id, 2, "b2");
	return id;
}

/** msgq_receive(@p type) must give the message (@p want_type, @p want). */
static void
expect_receive(int id, long type, long want_type, const char *want,
	       const char *rule)
{
	char buf[64];
	long got_type = -1;
	ssize_t n = msgq_receive(id, type, buf, sizeof(buf) - 1, IPC_NOWAIT,
				 &got_type);
	int err = errno;

	implemented(n, err, "msgq_receive", 1);
	expect(n != -1,
	       "msgq_receive(type %ld) failed with %s, but the queue [3 c1] "
	       "[1 a1] [2 b1] [1 a2] [2 b2] holds a match: %s",
	       type, ipc_errno_name(err), rule);
	expect(n < (ssize_t)sizeof(buf),
	       "msgq_receive() returned %zd, more than the %zu bytes of room it "
	       "was given",
	       n, sizeof(buf) - 1);
	buf[n] = '\0';
	expect(got_type == want_type && strcmp(buf, want) == 0,
	       "msgq_receive(type %ld) on [3 c1] [1 a1] [2 b1] [1 a2] [2 b2] "
	       "gave type %ld \"%s\", expected type %ld \"%s\": %s",
	       type, got_type, buf, want_type, want, rule);
}

#define RULE_ZERO                                                              \
	"msgtyp 0 takes the first message in the queue, whatever its type; "   \
	"pass the type to msgrcv() unchanged and copy mtype to *type_out"
#define RULE_POSITIVE                                                          \
	"msgtyp > 0 takes the first message of exactly that type (the type "   \
	"rules reversed? a NEGATIVE msgtyp is the one that takes the lowest "   \
	"type <= |msgtyp|)"
#define RULE_NEGATIVE                                                          \
	"msgtyp < 0 takes the first message of the lowest type <= |msgtyp| "   \
	"(the type rules reversed? a POSITIVE msgtyp means exactly that type)"

START_TEST(test_receive_type_zero_first)
{
	int id = typed_queue();

	expect_receive(id, 0, 3, "c1", RULE_ZERO);
	expect_receive(id, 0, 1, "a1", RULE_ZERO);
	cleanup();
}
END_TEST

START_TEST(test_receive_positive_type_exact)
{
	int id = typed_queue();

	expect_receive(id, 2, 2, "b1", RULE_POSITIVE);
	expect_receive(id, 2, 2, "b2", RULE_POSITIVE);
	expect_receive(id, 3, 3, "c1", RULE_POSITIVE);
	cleanup();
}
END_TEST

START_TEST(test_receive_negative_type_lowest)
{
	int id = typed_queue();

	expect_receive(id, -3, 1, "a1", RULE_NEGATIVE);
	expect_receive(id, -3, 1, "a2", RULE_NEGATIVE);
	expect_receive(id, -3, 2, "b1", RULE_NEGATIVE);
	expect_receive(id, -2, 2, "b2", RULE_NEGATIVE);
	cleanup();
}
END_TEST

/* ----------------------------- step 1: receiving, IPC_NOWAIT and E2BIG */

START_TEST(test_receive_nowait_empty)
{
	struct call *c = shared_call(make_queue(IPC_PRIVATE));

	c->flags = IPC_NOWAIT;
	expect(!call_blocks(receive_in_helper, c), RECEIVE_BLOCKED);
	implemented(c->ret, c->err, "msgq_receive", 1);
	expect(c->ret == -1 && c->err == ENOMSG,
	       "msgq_receive() with IPC_NOWAIT on an empty queue gave %ld (%s), "
	       "expected -1 with ENOMSG",
	       c->ret, ipc_errno_name(c->err));
	cleanup();
}
END_TEST

START_TEST(test_receive_nowait_no_match)
{
	struct call *c = shared_call(make_queue(IPC_PRIVATE));

	put(c->id, 1, "one");
	c->type = 5;
	c->flags = IPC_NOWAIT;
	expect(!call_blocks(receive_in_helper, c), RECEIVE_BLOCKED);
	implemented(c->ret, c->err, "msgq_receive", 1);
	expect(c->ret == -1 && c->err == ENOMSG,
	       "msgq_receive(type 5, IPC_NOWAIT) on a queue holding only type 1 "
	       "gave %ld (%s), expected -1 with ENOMSG: " RULE_POSITIVE,
	       c->ret, ipc_errno_name(c->err));
	expect(queued(c->id) == 1, "the type-1 message is gone: a failed "
				   "receive must leave the queue alone");
	cleanup();
}
END_TEST

START_TEST(test_receive_too_long_e2big)
{
	int id = make_queue(IPC_PRIVATE), err;
	char text[96], buf[128];
	struct record r = { .mtype = 1 };
	ssize_t n;

	/* 92 bytes into room for 88: a msgsz that also counts the long
	 * (88 + 8) lets it through, past the end of the caller's buffer. */
	ipc_fill_pattern(text, sizeof(text), 3);
	memcpy(r.mtext, text, 92);
	expect(msgsnd(id, &r, 92, 0) == 0, "grader: msgsnd: %s", strerror(errno));
	errno = 0;
	n = msgq_receive(id, 0, buf, 88, IPC_NOWAIT, NULL);
	err = errno;
	implemented(n, err, "msgq_receive", 1);
	expect(n != 92,
	       "msgq_receive() put a 92-byte message into a buffer of 88 bytes: "
	       "msgrcv's msgsz is the room for mtext alone; counting "
	       "sizeof(long) in it lets longer messages overrun the caller's "
	       "buffer");
	expect(n != 88,
	       "msgq_receive() without MSG_NOERROR cut a 92-byte message to 88 "
	       "bytes: only the caller may ask for that (pass the flags on "
	       "unchanged); without it msgrcv fails with E2BIG");
	expect(n == -1 && err == E2BIG,
	       "msgq_receive() of a 92-byte message into 88 bytes gave %zd (%s), "
	       "expected -1 with E2BIG",
	       n, ipc_errno_name(err));
	expect(queued(id) == 1, "after E2BIG the message must still be in the "
				"queue");
	n = msgq_receive(id, 0, buf, 92, IPC_NOWAIT, NULL);
	expect(n == 92 && memcmp(buf, text, 92) == 0,
	       "a 92-byte message into exactly 92 bytes of room gave %zd (%s)",
	       n, n == -1 ? ipc_errno_name(errno) : "wrong bytes");
	cleanup();
}
END_TEST

START_TEST(test_receive_noerror_truncates)
{
	int id = make_queue(IPC_PRIVATE);
	char text[100], buf[64];
	struct record r = { .mtype = 4 };
	long type = 0;
	ssize_t n;

	ipc_fill_pattern(text, sizeof(text), 3);
	memcpy(r.mtext, text, sizeof(text));
	expect(msgsnd(id, &r, sizeof(text), 0) == 0, "grader: msgsnd: %s",
	       strerror(errno));
	n = msgq_receive(id, 0, buf, 10, IPC_NOWAIT | MSG_NOERROR, &type);
	implemented(n, errno, "msgq_receive", 1);
	expect(n == 10,
	       "msgq_receive(MSG_NOERROR) of a 100-byte message into 10 bytes "
	       "gave %zd (%s), expected 10: MSG_NOERROR cuts the text to msgsz, "
	       "which counts the text alone",
	       n, n == -1 ? ipc_errno_name(errno) : "wrong length");
	expect(memcmp(buf, text, 10) == 0 && type == 4,
	       "the 10 bytes (or the type) differ from the message's");
	expect(queued(id) == 0, "the truncated message is still queued: "
				"MSG_NOERROR takes it and drops the rest");
	cleanup();
}
END_TEST

/* ------------------------------------------------- step 2: dispatch */

/** "[1 a1] [1 a2] ..." for messages. */
static const char *
describe(const struct seen *s, char *out, size_t len)
{
	out[0] = '\0';
	for (int i = 0; i < s->count && i < 16; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s[%ld %s]",
			 i ? " " : "", s->types[i], s->text[i]);
	if (s->count == 0)
		snprintf(out, len, "nothing");
	return out;
}

/** Name the likely bug from the order msgq_dispatch() handled @p got in. */
static const char *
dispatch_hint(const struct seen *s, long max_type, const char *arrival,
	      const char *got)
{
	bool only_max = true;

	for (int i = 0; i < s->count && i < 16; i++)
		if (s->types[i] != max_type)
			only_max = false;
	if (only_max)
		return "a positive msgtyp takes only messages of exactly that "
		       "type, so the type rules are reversed: msgtyp = "
		       "-max_type takes the lowest type <= max_type first";
	if (strcmp(got, arrival) == 0)
		return "that is arrival order, what msgtyp 0 gives: msgtyp = "
		       "-max_type takes the lowest type <= max_type first";
	return "receive with msgtyp = -max_type and IPC_NOWAIT until ENOMSG";
}

/** Run msgq_dispatch(max_type) on queue @p id in a helper. */
static struct call *
dispatch(int id, long max_type, int fail_at)
{
	struct call *c = shared_call(id);

	c->type = max_type;
	c->seen.fail_at = fail_at;
	expect(!call_blocks(dispatch_in_helper, c), DISPATCH_BLOCKED);
	implemented(c->ret, c->err, "msgq_dispatch", 2);
	return c;
}

START_TEST(test_dispatch_lowest_type_first)
{
	int id = make_queue(IPC_PRIVATE);
	const char *want = "[1 a1] [1 a2] [2 b1] [3 c1] [3 c2]";
	char got[256];
	struct call *c;

	put(id, 3, "c1");
	put(id, 1, "a1");
	put(id, 2, "b1");
	put(id, 1, "a2");
	put(id, 3, "c2");
	c = dispatch(id, 3, 0);
	describe(&c->seen, got, sizeof(got));
	expect(strcmp(got, want) == 0 && c->ret == 5,
	       "msgq_dispatch(max_type 3) on [3 c1] [1 a1] [2 b1] [1 a2] [3 c2] "
	       "handled %s and returned %ld (%s); expected %s and 5: %s",
	       got, c->ret, c->ret == -1 ? ipc_errno_name(c->err) : "-", want,
	       dispatch_hint(&c->seen, 3, "[3 c1] [1 a1] [2 b1] [1 a2] [3 c2]",
			     got));
	expect(queued(id) == 0, "the queue is not empty after msgq_dispatch()");
	cleanup();
}
END_TEST

START_TEST(test_dispatch_leaves_higher_types)
{
	int id = make_queue(IPC_PRIVATE);
	struct record r;
	char got[256];
	struct call *c;

	put(id, 5, "e");
	put(id, 2, "b");
	put(id, 7, "g");
	put(id, 1, "a");
	c = dispatch(id, 4, 0);
	describe(&c->seen, got, sizeof(got));
	expect(c->ret == 2 && strcmp(got, "[1 a] [2 b]") == 0,
	       "msgq_dispatch(max_type 4) on [5 e] [2 b] [7 g] [1 a] handled %s "
	       "and returned %ld (%s); expected [1 a] [2 b] and 2, leaving the "
	       "types above 4 in the queue: %s",
	       got, c->ret, c->ret == -1 ? ipc_errno_name(c->err) : "-",
	       dispatch_hint(&c->seen, 4, "[5 e] [2 b] [7 g] [1 a]", got));
	expect(take(id, &r) == 1 && r.mtype == 5 && take(id, &r) == 1 &&
		       r.mtype == 7,
	       "the types above 4 should still be queued, in order");
	cleanup();
}
END_TEST

START_TEST(test_dispatch_empty_queue)
{
	struct call *c = dispatch(make_queue(IPC_PRIVATE), 10, 0);

	expect(c->ret == 0 && c->seen.count == 0,
	       "msgq_dispatch() on an empty queue returned %ld (%s) after %d "
	       "handler calls, expected 0 and none: ENOMSG from a receive with "
	       "IPC_NOWAIT means \"drained\", not an error",
	       c->ret, c->ret == -1 ? ipc_errno_name(c->err) : "-", c->seen.count);
	cleanup();
}
END_TEST

START_TEST(test_dispatch_handler_error_stops)
{
	int id = make_queue(IPC_PRIVATE);
	struct call *c;

	put(id, 1, "a");
	put(id, 2, "b");
	put(id, 3, "c");
	c = dispatch(id, 3, 2);
	expect(c->ret == -1 && c->err == ECANCELED,
	       "the handler failed (ECANCELED) at the 2nd message, but "
	       "msgq_dispatch() returned %ld (%s): stop and return -1 with the "
	       "handler's errno",
	       c->ret, ipc_errno_name(c->err));
	expect(c->seen.count == 2,
	       "the handler was called %d times; it failed at the 2nd, so stop "
	       "there",
	       c->seen.count);
	expect(queued(id) == 1, "the message after the failure must stay in "
				"the queue");
	cleanup();
}
END_TEST

START_TEST(test_dispatch_rejects_bad_max_type)
{
	int id = make_queue(IPC_PRIVATE);
	struct call *c;

	put(id, 1, "a");
	c = dispatch(id, 0, 0);
	expect(c->ret == -1 && c->err == EINVAL && c->seen.count == 0,
	       "msgq_dispatch(max_type 0) returned %ld (%s) after %d handler "
	       "calls, expected -1 with EINVAL: -0 is 0, which msgrcv reads as "
	       "\"any type\"",
	       c->ret, ipc_errno_name(c->err), c->seen.count);
	expect(queued(id) == 1, "the queue lost a message to a call that should "
				"have been refused");
	cleanup();
}
END_TEST

START_TEST(test_dispatch_retries_interrupted_receive)
{
	int id = make_queue(IPC_PRIVATE);
	struct call *c = shared_call(id);
	char got[256];

	put(id, 2, "b");
	put(id, 1, "a");
	c->type = 2;
	c->fail = "msgrcv"; /* the first receive is interrupted by a signal */
	c->fail_nth = 1;
	c->fail_err = EINTR;
	expect(!call_blocks(dispatch_in_helper, c), DISPATCH_BLOCKED);
	implemented(c->ret, c->err, "msgq_dispatch", 2);
	describe(&c->seen, got, sizeof(got));
	expect(c->ret == 2 && strcmp(got, "[1 a] [2 b]") == 0,
	       "when its first msgrcv() was interrupted by a signal (EINTR), "
	       "msgq_dispatch() returned %ld (%s) and handled %s; expected 2 "
	       "and [1 a] [2 b]: EINTR is not the end of the queue (ENOMSG is) "
	       "nor an error; receive again",
	       c->ret, c->ret == -1 ? ipc_errno_name(c->err) : "-", got);
	cleanup();
}
END_TEST

START_TEST(test_dispatch_reports_receive_errors)
{
	int id = make_queue(IPC_PRIVATE);
	struct call *c = shared_call(id);

	put(id, 1, "a");
	put(id, 2, "b");
	c->type = 2;
	c->fail = "msgrcv"; /* the second receive finds the queue removed */
	c->fail_nth = 2;
	c->fail_err = EIDRM;
	expect(!call_blocks(dispatch_in_helper, c), DISPATCH_BLOCKED);
	implemented(c->ret, c->err, "msgq_dispatch", 2);
	expect(c->ret == -1 && c->err == EIDRM && c->seen.count == 1,
	       "when its second msgrcv() failed with EIDRM (the queue was "
	       "removed), msgq_dispatch() returned %ld (%s) after %d handler "
	       "calls; expected -1 with EIDRM after 1: only ENOMSG means "
	       "\"drained\" and only EINTR means \"again\", any other error "
	       "ends the dispatch with -1",
	       c->ret, ipc_errno_name(c->err), c->seen.count);
	cleanup();
}
END_TEST

/* ------------------------------------ step 3: the queue outlives its writer */

START_TEST(test_send_from_child_outlives_writer)
{
	int id = make_queue(IPC_PRIVATE), err;
	const char *text = "sent by a process that is gone";
	struct msqid_ds ds;
	struct record r;
	pid_t pid;

	pid = GRADE_CALL(msgq_send_from_child(id, 4, text, strlen(text)));
	err = errno;
	implemented(pid, err, "msgq_send_from_child", 3);
	expect(pid > 0, "msgq_send_from_child() failed: %s", ipc_errno_name(err));
	expect(pid != getpid(), "msgq_send_from_child() returned the caller's "
				"own pid: return the child's");
	expect(waitpid(pid, NULL, WNOHANG) == -1 && errno == ECHILD,
	       "process %ld is not a reaped child of the caller: fork() a child "
	       "and waitpid() for it before returning",
	       (long)pid);
	expect(msgctl(id, IPC_STAT, &ds) == 0,
	       "the queue is gone after its writer exited: a System V queue "
	       "lives in the kernel until IPC_RMID, so the writer must not "
	       "remove it");
	expect(ds.msg_qnum == 1, "the queue holds %lu messages after the child "
				 "exited, expected 1",
	       (unsigned long)ds.msg_qnum);
	expect(ds.msg_lspid == pid,
	       "the message was sent by process %ld, not by the child %ld: the "
	       "child must send it",
	       (long)ds.msg_lspid, (long)pid);
	expect(take(id, &r) == (ssize_t)strlen(text) && r.mtype == 4 &&
		       strcmp(r.mtext, text) == 0,
	       "the child's message came back as type %ld \"%s\"", r.mtype,
	       r.mtext);
	cleanup();
}
END_TEST

START_TEST(test_send_from_child_reports_errors)
{
	int id = make_queue(IPC_PRIVATE), err;
	pid_t pid;

	cleanup(); /* the child will find no queue */
	errno = 0;
	pid = GRADE_CALL(msgq_send_from_child(id, 1, "x", 1));
	err = errno;
	implemented(pid, err, "msgq_send_from_child", 3);
	expect(pid == -1 && (err == EINVAL || err == EIDRM),
	       "msgq_send_from_child() to a removed queue returned %ld (%s); "
	       "expected -1 with the child's msgsnd() errno, EINVAL or EIDRM: the "
	       "child exits with errno as its status, the parent reads it with "
	       "WEXITSTATUS",
	       (long)pid, ipc_errno_name(err));
}
END_TEST

START_TEST(test_send_from_child_reports_a_killed_child)
{
	int id = make_queue(IPC_PRIVATE), err;
	pid_t pid;

	grade_fail_nth("msgsnd", 1, -SIGKILL); /* the child dies in msgsnd() */
	errno = 0;
	pid = GRADE_CALL(msgq_send_from_child(id, 1, "x", 1));
	err = errno;
	grade_fail_clear();
	implemented(pid, err, "msgq_send_from_child", 3);
	expect(pid == -1 && err == ECHILD,
	       "the child was killed by a signal (SIGKILL) before it could send "
	       "or report, and msgq_send_from_child() returned %ld (%s); "
	       "expected -1 with ECHILD: a child that did not exit "
	       "(!WIFEXITED) has no status to read",
	       (long)pid, ipc_errno_name(err));
	expect(queued(id) == 0, "a message arrived from a child that was killed");
	cleanup();
}
END_TEST

/** Fill the stack below us with zeros, so that a status variable the code
 *  under test reads without waitpid() having set it reads "exited, 0". */
static __attribute__((noinline)) void
zero_stack(void)
{
	volatile unsigned char junk[16 * 1024];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

START_TEST(test_send_from_child_reports_wait_errors)
{
	int id = make_queue(IPC_PRIVATE), err;
	pid_t pid;

	/* waitpid() fails as when the caller ignores SIGCHLD: the kernel
	 * reaped the child itself, there is no status. */
	grade_fail_nth("waitpid", 1, ECHILD);
	zero_stack();
	errno = 0;
	pid = GRADE_CALL(msgq_send_from_child(id, 1, "x", 1));
	err = errno;
	if (grade_fail_calls("waitpid") == 0) {
		grade_fail_clear();
		implemented(pid, err, "msgq_send_from_child", 3);
		expect(pid > 0, "msgq_send_from_child() failed: %s",
		       ipc_errno_name(err));
		cleanup();
		return; /* it waits without waitpid(): nothing to test */
	}
	grade_fail_clear();
	while (waitpid(-1, NULL, 0) > 0)
		; /* the child our lie left unreaped */
	implemented(pid, err, "msgq_send_from_child", 3);
	expect(pid == -1 && err == ECHILD,
	       "waitpid() failed (ECHILD), and msgq_send_from_child() returned "
	       "%ld (%s); expected -1 with ECHILD: when waitpid() fails there is "
	       "no status to read, return -1",
	       (long)pid, ipc_errno_name(err));
	cleanup();
}
END_TEST

START_TEST(test_child_to_parent_round_trip)
{
	key_t key = grade_key("key", 'q');
	char text[300], buf[512];
	ssize_t n;
	int left, err;

	ipc_fill_pattern(text, sizeof(text), 3);
	n = GRADE_CALL(msgq_child_to_parent(key, text, sizeof(text), buf,
					    sizeof(buf)));
	err = errno;
	implemented(n, err, "msgq_child_to_parent", 3);
	left = msgget(key, 0);
	expect(n == (ssize_t)sizeof(text) && memcmp(buf, text, sizeof(text)) == 0,
	       "the child sent %zu bytes, msgq_child_to_parent() returned %zd "
	       "(%s)",
	       sizeof(text), n, n == -1 ? ipc_errno_name(err) : "or other bytes");
	expect(left == -1,
	       "msgq_child_to_parent() left its queue (id %d) in the kernel: a "
	       "queue outlives every process until you remove it with "
	       "msgctl(id, IPC_RMID, NULL)",
	       left);
}
END_TEST

START_TEST(test_child_to_parent_removes_on_error)
{
	key_t key = grade_key("key", 'q');
	char text[50], buf[64];
	ssize_t n;
	int left, err;

	ipc_fill_pattern(text, sizeof(text), 3);
	errno = 0;
	n = GRADE_CALL(msgq_child_to_parent(key, text, sizeof(text), buf, 10));
	err = errno;
	implemented(n, err, "msgq_child_to_parent", 3);
	left = msgget(key, 0);
	expect(n == -1 && err == E2BIG,
	       "msgq_child_to_parent() of 50 bytes into room for 10 gave %zd "
	       "(%s), expected -1 with E2BIG",
	       n, ipc_errno_name(err));
	expect(left == -1,
	       "after a failed receive msgq_child_to_parent() left its queue (id "
	       "%d): remove it with msgctl(id, IPC_RMID, NULL) on the error "
	       "paths too",
	       left);
}
END_TEST

START_TEST(test_child_to_parent_key_in_use)
{
	key_t key = grade_key("key", 'q');
	int mine = make_queue(key), err;
	char buf[64];
	ssize_t n;

	put(mine, 9, "not yours");
	errno = 0;
	n = GRADE_CALL(msgq_child_to_parent(key, "hi", 2, buf, sizeof(buf)));
	err = errno;
	implemented(n, err, "msgq_child_to_parent", 3);
	expect(queue_exists(mine),
	       "msgq_child_to_parent() removed a queue it did not create: when "
	       "msgq_create() fails with EEXIST, leave that queue alone");
	expect(n == -1 && err == EEXIST,
	       "msgq_child_to_parent() on a key already in use gave %zd (%s), "
	       "expected -1 with EEXIST",
	       n, ipc_errno_name(err));
	expect(queued(mine) == 1, "the existing queue's message is gone");
	cleanup();
}
END_TEST

START_TEST(test_child_to_parent_reports_a_failed_remove)
{
	key_t key = grade_key("key", 'q');
	char buf[64];
	ssize_t n;
	int left, err;

	grade_fail_nth("msgctl", 1, EPERM); /* the IPC_RMID fails */
	errno = 0;
	n = GRADE_CALL(msgq_child_to_parent(key, "hello", 5, buf, sizeof(buf)));
	err = errno;
	grade_fail_clear();
	left = msgget(key, 0);
	if (left != -1)
		own_queue(left); /* ours to remove now */
	implemented(n, err, "msgq_child_to_parent", 3);
	expect(n == -1 && err == EPERM,
	       "msgq_child_to_parent() got its message, but removing the queue "
	       "failed (EPERM), and it returned %zd (%s); expected -1 with "
	       "EPERM: a queue that outlives you is an error to report, or "
	       "every call leaves one more in the kernel",
	       n, ipc_errno_name(err));
	cleanup();
}
END_TEST

/* ------------------------------------------------- step 4: POSIX queues */

/** A POSIX queue name unique to this test run: the test dir's name. */
static const char *
queue_name(const char *suffix)
{
	static char name[256];
	const char *dir = strrchr(grade_tmpdir(), '/');

	snprintf(name, sizeof(name), "/%s-%ld-%s", dir != NULL ? dir + 1 : "ipclab",
		 (long)getpid(), suffix);
	return name;
}

/** Does the POSIX queue @p name exist? (Unlinks it if so: the test's.) */
static bool
posix_exists(const char *name)
{
	mqd_t q = mq_open(name, O_RDONLY);

	if (q == (mqd_t)-1)
		return false;
	mq_close(q);
	own_name(name);
	return true;
}

/** A POSIX queue the test creates itself, holding @p n one-byte messages. */
static mqd_t
posix_make(const char *name, struct mq_attr *attr, int n)
{
	mqd_t q = own_mqd(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, attr));

	expect(q != (mqd_t)-1, "grader: mq_open %s: %s", name, strerror(errno));
	own_name(name);
	for (int i = 0; i < n; i++)
		expect(mq_send(q, "m", 1, 0) == 0, "grader: mq_send: %s",
		       strerror(errno));
	return q;
}

START_TEST(test_posix_create_sets_attributes)
{
	const char *name = queue_name("create");
	mqd_t q = own_mqd(msgq_posix_create(name, 3, 200));
	int err = errno;
	struct mq_attr attr;
	char buf[200];
	unsigned prio = 0;

	implemented(q == (mqd_t)-1 ? -1 : 0, err, "msgq_posix_create", 4);
	expect(q != (mqd_t)-1, "msgq_posix_create(%s, 3, 200) failed: %s", name,
	       ipc_errno_name(err));
	own_name(name);
	expect(mq_getattr(q, &attr) == 0, "mq_getattr() on the descriptor "
					  "msgq_posix_create() returned: %s",
	       ipc_errno_name(errno));
	expect(attr.mq_maxmsg == 3 && attr.mq_msgsize == 200,
	       "the queue has mq_maxmsg %ld and mq_msgsize %ld, expected 3 and "
	       "200: pass a struct mq_attr to mq_open() with O_CREAT",
	       attr.mq_maxmsg, attr.mq_msgsize);
	expect(!(attr.mq_flags & O_NONBLOCK),
	       "the queue descriptor is non-blocking; open it blocking");
	expect(mq_send(q, "ping", 4, 7) == 0,
	       "cannot send on the descriptor (%s): open it with O_RDWR",
	       ipc_errno_name(errno));
	expect(mq_receive(q, buf, sizeof(buf), &prio) == 4 && prio == 7,
	       "cannot receive on the descriptor (%s): open it with O_RDWR",
	       ipc_errno_name(errno));
	cleanup();
}
END_TEST

START_TEST(test_posix_create_existing_fails)
{
	const char *name = queue_name("taken");
	mqd_t q;
	int err;

	posix_make(name, NULL, 1);
	errno = 0;
	q = own_mqd(msgq_posix_create(name, 2, 16));
	err = errno;
	implemented(q == (mqd_t)-1 ? -1 : 0, err, "msgq_posix_create", 4);
	expect(q == (mqd_t)-1 && err == EEXIST,
	       "msgq_posix_create() on a name in use gave %d (%s), expected -1 "
	       "with EEXIST: add O_EXCL to O_CREAT",
	       (int)q, q == (mqd_t)-1 ? ipc_errno_name(err) : "a descriptor");
	cleanup();
}
END_TEST

START_TEST(test_posix_limits_reads_attributes)
{
	const char *name = queue_name("limits");
	struct mq_attr attr = { .mq_maxmsg = 5, .mq_msgsize = 64 };
	long max = -1, size = -1, now = -1;
	int rc, err;

	posix_make(name, &attr, 2);
	rc = msgq_posix_limits(name, &max, &size, &now);
	err = errno;
	implemented(rc, err, "msgq_posix_limits", 4);
	expect(rc == 0, "msgq_posix_limits() failed: %s", ipc_errno_name(err));
	expect(max == 5 && size == 64 && now == 2,
	       "msgq_posix_limits() read mq_maxmsg %ld, mq_msgsize %ld, "
	       "mq_curmsgs %ld; the queue has 5, 64 and 2 messages: mq_getattr() "
	       "fills them in",
	       max, size, now);
	rc = msgq_posix_limits(name, NULL, NULL, NULL);
	expect(rc == 0, "msgq_posix_limits() with NULL pointers failed (%s): "
			"skip the ones the caller does not want",
	       ipc_errno_name(errno));
	cleanup();
}
END_TEST

START_TEST(test_posix_limits_defaults)
{
	const char *name = queue_name("defaults");
	long want_max = proc_long("/proc/sys/fs/mqueue/msg_default", 10);
	long want_size = proc_long("/proc/sys/fs/mqueue/msgsize_default", 8192);
	long max = -1, size = -1, now = -1;
	int rc, err;

	posix_make(name, NULL, 0);
	rc = msgq_posix_limits(name, &max, &size, &now);
	err = errno;
	implemented(rc, err, "msgq_posix_limits", 4);
	expect(rc == 0 && max == want_max && size == want_size && now == 0,
	       "a queue opened with no attributes has the defaults of "
	       "/proc/sys/fs/mqueue (msg_default %ld, msgsize_default %ld); "
	       "msgq_posix_limits() gave %d (%s): %ld, %ld, %ld",
	       want_max, want_size, rc, rc ? ipc_errno_name(err) : "ok", max,
	       size, now);
	cleanup();
}
END_TEST

START_TEST(test_posix_limits_missing_enoent)
{
	const char *name = queue_name("missing");
	long max = -1;
	int rc, err;

	errno = 0;
	rc = msgq_posix_limits(name, &max, NULL, NULL);
	err = errno;
	implemented(rc, err, "msgq_posix_limits", 4);
	expect(!posix_exists(name),
	       "msgq_posix_limits() created the queue it was asked about: open "
	       "it without O_CREAT");
	expect(rc == -1 && err == ENOENT,
	       "msgq_posix_limits() of a queue that does not exist gave %d (%s), "
	       "expected -1 with ENOENT",
	       rc, ipc_errno_name(err));
}
END_TEST

START_TEST(test_posix_by_priority_highest_first)
{
	static char big[3000];
	const char *name = queue_name("prio");
	const struct msgq_posix_msg msgs[] = {
		{ "low", 3, 1 },   { "high", 4, 5 }, { "mid", 3, 3 },
		{ "high2", 5, 5 }, { "", 0, 2 },     { "zero", 4, 0 },
		{ big, sizeof(big), 4 },
	};
	const char *want =
		"[5 high] [5 high2] [4 BBBBBBB] [3 mid] [2 ] [1 low] [0 zero]";
	struct seen s = { 0 };
	char got[256];
	long n;
	int err;

	memset(big, 'B', sizeof(big));
	n = msgq_posix_by_priority(name, msgs, 7, record_message, &s);
	err = errno;
	implemented(n, err, "msgq_posix_by_priority", 4);
	describe(&s, got, sizeof(got));
	expect(n == 7 && strcmp(got, want) == 0 && s.len[2] == sizeof(big),
	       "msgq_posix_by_priority() returned %ld (%s) and handled %s; "
	       "expected 7 and %s (the 3000-byte message in full): a POSIX queue "
	       "gives the highest priority first, first in first out within "
	       "one. Create it with mq_msgsize = the longest message (at least "
	       "1) and receive into a buffer of mq_msgsize bytes",
	       n, n == -1 ? ipc_errno_name(err) : "-", got, want);
	expect(!posix_exists(name),
	       "msgq_posix_by_priority() left the queue %s behind: mq_close() "
	       "only closes your descriptor; remove the name with mq_unlink()",
	       name);
}
END_TEST

START_TEST(test_posix_by_priority_unlinks_on_error)
{
	const char *name = queue_name("fail");
	const struct msgq_posix_msg msgs[] = { { "a", 1, 1 }, { "b", 1, 2 },
					       { "c", 1, 3 } };
	struct seen s = { .fail_at = 2 };
	long n;
	int err;

	errno = 0;
	n = msgq_posix_by_priority(name, msgs, 3, record_message, &s);
	err = errno;
	implemented(n, err, "msgq_posix_by_priority", 4);
	expect(!posix_exists(name),
	       "after the handler failed the queue %s was left behind: "
	       "mq_close() and mq_unlink() on the error paths too",
	       name);
	expect(n == -1 && err == ECANCELED && s.count == 2,
	       "the handler failed (ECANCELED) at the 2nd message, but "
	       "msgq_posix_by_priority() returned %ld (%s) after %d calls: stop "
	       "and return -1 with the handler's errno",
	       n, ipc_errno_name(err), s.count);
}
END_TEST

START_TEST(test_posix_by_priority_name_in_use)
{
	const char *name = queue_name("inuse");
	const struct msgq_posix_msg msgs[] = { { "a", 1, 1 } };
	struct seen s = { 0 };
	struct mq_attr attr = { 0 };
	mqd_t mine = posix_make(name, NULL, 1);
	long n;
	int err;

	errno = 0;
	n = msgq_posix_by_priority(name, msgs, 1, record_message, &s);
	err = errno;
	implemented(n, err, "msgq_posix_by_priority", 4);
	mq_getattr(mine, &attr);
	expect(posix_exists(name),
	       "msgq_posix_by_priority() unlinked a queue it did not create: "
	       "when mq_open() fails with EEXIST, leave it alone");
	expect(n == -1 && err == EEXIST && s.count == 0,
	       "msgq_posix_by_priority() on a name in use gave %ld (%s), "
	       "expected -1 with EEXIST (O_CREAT | O_EXCL)",
	       n, ipc_errno_name(err));
	expect(attr.mq_curmsgs == 1, "the existing queue's message is gone");
	cleanup();
}
END_TEST

START_TEST(test_posix_remove_unlinks)
{
	const char *name = queue_name("remove");
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	int rc, err;

	expect(q != (mqd_t)-1, "grader: mq_open %s: %s", name, strerror(errno));
	mq_close(q); /* closing leaves the queue and its name in place */
	rc = msgq_posix_remove(name);
	err = errno;
	implemented(rc, err, "msgq_posix_remove", 4);
	expect(!posix_exists(name),
	       "after msgq_posix_remove() (which gave %d, %s) the queue %s still "
	       "exists: mq_unlink() removes the name (mq_close() only closes a "
	       "descriptor)",
	       rc, rc ? ipc_errno_name(err) : "ok", name);
	expect(rc == 0, "msgq_posix_remove() unlinked the queue but returned %d",
	       rc);
	errno = 0;
	rc = msgq_posix_remove(name);
	expect(rc == -1 && errno == ENOENT,
	       "removing a removed queue gave %d (%s), expected -1 with ENOENT",
	       rc, ipc_errno_name(errno));
}
END_TEST

START_TEST(test_posix_limits_closes_when_getattr_fails)
{
	const char *name = queue_name("getattr");
	long max = -1;
	int rc;

	posix_make(name, NULL, 0);
	grade_fail_nth("mq_getattr", 1, EBADF);
	rc = msgq_posix_limits(name, &max, NULL, NULL);
	if (!grade_expect_clean_failure(rc, EBADF, "msgq_posix_limits()")) {
		implemented(rc, errno, "msgq_posix_limits", 4);
		expect(false, "msgq_posix_limits() did not call mq_getattr()");
	}
	cleanup();
}
END_TEST

/** Handler that accepts every message. */
static int
accept_message(long type, const void *text, size_t len, void *arg)
{
	(void)type, (void)text, (void)len, (void)arg;
	return 0;
}

START_TEST(test_posix_by_priority_frees_its_buffer)
{
	static char big[8000];
	const char *name = queue_name("leak");
	const struct msgq_posix_msg msgs[] = { { big, sizeof(big), 1 },
					       { "b", 1, 2 } };
	size_t heap = grade_heap_in_use();
	long n;

	for (int i = 0; i < 40; i++) {
		n = msgq_posix_by_priority(name, msgs, 2, accept_message, NULL);
		implemented(n, errno, "msgq_posix_by_priority", 4);
		expect(n == 2, "msgq_posix_by_priority() returned %ld (%s)", n,
		       ipc_errno_name(errno));
	}
	expect_no_leak(heap, "after 40 calls of msgq_posix_by_priority()");
	for (int i = 0; i < 40; i++) {
		struct seen s = { .fail_at = 1 };
		n = msgq_posix_by_priority(name, msgs, 2, record_message, &s);
		expect(n == -1 && errno == ECANCELED,
		       "msgq_posix_by_priority() with a failing handler returned "
		       "%ld (%s)", n, ipc_errno_name(errno));
	}
	expect_no_leak(heap, "after 40 calls whose handler failed");
	expect(!posix_exists(name), "the queue %s was left behind", name);
}
END_TEST

START_TEST(test_posix_by_priority_cleans_up_when_calls_fail)
{
	static const struct {
		const char *function;
		int err;
	} cases[] = { { "mq_open", EMFILE }, { "mq_send", EAGAIN },
		      { "mq_receive", EBADMSG }, { "mq_unlink", EACCES },
		      { "malloc", ENOMEM } };
	const char *name = queue_name("fails");
	const struct msgq_posix_msg msgs[] = { { "a", 1, 1 }, { "bb", 2, 3 },
					       { "c", 1, 2 } };

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		bool failed = true;
		/* Each call of that function in turn fails. */
		for (unsigned k = 1; k <= 4 && failed; k++) {
			long n;
			grade_fail_nth(cases[c].function, k, cases[c].err);
			n = msgq_posix_by_priority(name, msgs, 3, accept_message,
						   NULL);
			failed = grade_expect_clean_failure(
				n, cases[c].err, "msgq_posix_by_priority()");
			implemented(n, errno, "msgq_posix_by_priority", 4);
			expect(failed || n == 3,
			       "msgq_posix_by_priority() returned %ld (%s)", n,
			       ipc_errno_name(errno));
			/* (mq_unlink() of the test's own: removes what is left) */
			expect(mq_unlink(name) == -1 ||
				       strcmp(cases[c].function, "mq_unlink") == 0,
			       "when %s() failed (the %u%s call), the queue %s was "
			       "left behind: mq_close() and mq_unlink() on every "
			       "path",
			       cases[c].function, k, k == 1 ? "st" : "th", name);
		}
	}
}
END_TEST

/* ------------------------------------------------ the demo, side by side */

START_TEST(test_demo_rules_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "rules", NULL }, NULL, 0);
}
END_TEST

START_TEST(test_demo_dispatch_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "dispatch", "3", "3:c1", "1:a1", "5:e1", "2:b1",
				  "1:a2", "3:c2", NULL },
		NULL, 0);
}
END_TEST

START_TEST(test_demo_child_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "child", "the writer is gone, its message is not",
				  NULL },
		NULL, 0);
}
END_TEST

START_TEST(test_demo_posix_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "posix", "1:low", "5:high", "3:mid", "5:high2",
				  "0:zero", NULL },
		NULL, 0);
	grade_compare_with_reference((const char *[]){ "limits", NULL }, NULL, 0);
}
END_TEST

/* ------------------------------------------------------------- the table */

#define HANG_RECEIVE                                                           \
	"msgq_receive() kept waiting although IPC_NOWAIT was asked, even "     \
	"after its queue was removed: pass the flags on to msgrcv() and "       \
	"return its errors"
#define HANG_DISPATCH                                                          \
	"msgq_dispatch() kept waiting, even after its queue was removed: "      \
	"receive with IPC_NOWAIT and stop at the first error (ENOMSG: done)"

static const struct grade_test tests[] = {
	{ GRADE_REF(test_create_new_queue), 1, 2, 0, NULL },
	{ GRADE_REF(test_create_existing_key_fails), 1, 1, 0, NULL },
	{ GRADE_REF(test_create_private_is_new), 1, 1, 0, NULL },
	{ GRADE_REF(test_open_existing), 1, 1, 0, NULL },
	{ GRADE_REF(test_open_missing_enoent), 1, 1, 0, NULL },
	{ GRADE_REF(test_remove_deletes_queue), 1, 2, 0, NULL },
	{ GRADE_REF(test_send_counts_text_only), 1, 2, 0, NULL },
	{ GRADE_REF(test_send_keeps_boundaries), 1, 1, 0, NULL },
	{ GRADE_REF(test_send_largest_message), 1, 1, 0, NULL },
	{ GRADE_REF(test_send_rejects_bad_input), 1, 1, 0, NULL },
	{ GRADE_REF(test_send_nowait_full_queue), 1, 1, 0,
	  "msgq_send() waited on a full queue although IPC_NOWAIT was asked: "
	  "pass the flags on to msgsnd()" },
	{ GRADE_REF(test_send_receive_free_their_buffers), 1, 1, 0, NULL },
	{ GRADE_REF(test_receive_type_zero_first), 1, 1, 0, NULL },
	{ GRADE_REF(test_receive_positive_type_exact), 1, 2, 0, NULL },
	{ GRADE_REF(test_receive_negative_type_lowest), 1, 2, 0, NULL },
	{ GRADE_REF(test_receive_nowait_empty), 1, 2, 0, HANG_RECEIVE },
	{ GRADE_REF(test_receive_nowait_no_match), 1, 1, 0, HANG_RECEIVE },
	{ GRADE_REF(test_receive_too_long_e2big), 1, 2, 0, NULL },
	{ GRADE_REF(test_receive_noerror_truncates), 1, 1, 0, NULL },
	{ GRADE_REF(test_demo_rules_matches_reference), 1, 1, 10, NULL },
	{ GRADE_REF(test_dispatch_lowest_type_first), 2, 3, 0, HANG_DISPATCH },
	{ GRADE_REF(test_dispatch_leaves_higher_types), 2, 2, 0, HANG_DISPATCH },
	{ GRADE_REF(test_dispatch_empty_queue), 2, 2, 0, HANG_DISPATCH },
	{ GRADE_REF(test_dispatch_handler_error_stops), 2, 1, 0, NULL },
	{ GRADE_REF(test_dispatch_rejects_bad_max_type), 2, 1, 0, NULL },
	{ GRADE_REF(test_dispatch_retries_interrupted_receive), 2, 1, 0,
	  HANG_DISPATCH },
	{ GRADE_REF(test_dispatch_reports_receive_errors), 2, 1, 0,
	  HANG_DISPATCH },
	{ GRADE_REF(test_demo_dispatch_matches_reference), 2, 1, 10, NULL },
	{ GRADE_REF(test_send_from_child_outlives_writer), 3, 3, 0,
	  "msgq_send_from_child() never returned: the child's msgsnd() may wait "
	  "on a full queue, or the parent waits for a child that never exits "
	  "(end the child with _exit())" },
	{ GRADE_REF(test_send_from_child_reports_errors), 3, 1, 0, NULL },
	{ GRADE_REF(test_send_from_child_reports_a_killed_child), 3, 1, 0, NULL },
	{ GRADE_REF(test_send_from_child_reports_wait_errors), 3, 1, 0, NULL },
	{ GRADE_REF(test_child_to_parent_round_trip), 3, 2, 0,
	  "msgq_child_to_parent() hangs: receive with IPC_NOWAIT (the child has "
	  "already sent and exited), and use the same type on both sides" },
	{ GRADE_REF(test_child_to_parent_removes_on_error), 3, 1, 0, NULL },
	{ GRADE_REF(test_child_to_parent_key_in_use), 3, 1, 0, NULL },
	{ GRADE_REF(test_child_to_parent_reports_a_failed_remove), 3, 1, 0,
	  NULL },
	{ GRADE_REF(test_demo_child_matches_reference), 3, 1, 10, NULL },
	{ GRADE_REF(test_posix_create_sets_attributes), 4, 2, 0, NULL },
	{ GRADE_REF(test_posix_create_existing_fails), 4, 1, 0, NULL },
	{ GRADE_REF(test_posix_limits_reads_attributes), 4, 2, 0, NULL },
	{ GRADE_REF(test_posix_limits_defaults), 4, 1, 0, NULL },
	{ GRADE_REF(test_posix_limits_missing_enoent), 4, 1, 0, NULL },
	{ GRADE_REF(test_posix_by_priority_highest_first), 4, 3, 0,
	  "msgq_posix_by_priority() blocked: a queue created for n messages "
	  "holds all n, so no send waits; then receive exactly n" },
	{ GRADE_REF(test_posix_by_priority_unlinks_on_error), 4, 1, 0, NULL },
	{ GRADE_REF(test_posix_by_priority_name_in_use), 4, 1, 0, NULL },
	{ GRADE_REF(test_posix_remove_unlinks), 4, 1, 0, NULL },
	{ GRADE_REF(test_posix_limits_closes_when_getattr_fails), 4, 1, 0, NULL },
	{ GRADE_REF(test_posix_by_priority_frees_its_buffer), 4, 1, 0, NULL },
	{ GRADE_REF(test_posix_by_priority_cleans_up_when_calls_fail), 4, 2, 3,
	  "msgq_posix_by_priority() blocked after a failed call: when a send "
	  "fails, do not go on to receive the messages that never came; close, "
	  "unlink and return -1" },
	{ GRADE_REF(test_demo_posix_matches_reference), 4, 1, 10, NULL },
};

static const struct grade_lab lab = {
	"03-msgqueue", "Message queues (System V and POSIX)", tests,
	GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
