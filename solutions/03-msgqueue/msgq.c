/* SPDX-License-Identifier: MIT */
/**
 * @file msgq.c
 * @brief Lab 03 reference solution: message queues (all four steps).
 */
#include "msgq.h"

#include "ipc_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

/**
 * What msgsnd() and msgrcv() move: a long type, then the text. The size
 * argument of both calls counts the text alone, never the long in front.
 */
struct msgq_record {
	long mtype;
	char mtext[]; /* as long as the message */
};

/* ------------------------------------------------ step 1: a System V queue */

int
msgq_create(key_t key)
{
	/* IPC_EXCL: fail with EEXIST rather than open somebody else's queue. */
	return msgget(key, IPC_CREAT | IPC_EXCL | 0600);
}

int
msgq_open(key_t key)
{
	return msgget(key, 0); /* no IPC_CREAT: ENOENT when it is not there */
}

int
msgq_remove(int id)
{
	return msgctl(id, IPC_RMID, NULL);
}

int
msgq_send(int id, long type, const void *text, size_t len, int flags)
{
	struct msgq_record *rec =
		malloc(offsetof(struct msgq_record, mtext) + len);
	int rc, saved;

	if (rec == NULL)
		return -1;
	rec->mtype = type;
	if (len > 0)
		memcpy(rec->mtext, text, len);
	rc = msgsnd(id, rec, len, flags); /* len: the text only */
	saved = errno;
	free(rec);
	errno = saved;
	return rc;
}

ssize_t
msgq_receive(int id, long type, void *buf, size_t cap, int flags,
	     long *type_out)
{
	struct msgq_record *rec =
		malloc(offsetof(struct msgq_record, mtext) + cap);
	ssize_t n;
	int saved;

	if (rec == NULL)
		return -1;
	/* cap is the room for the text: a longer one fails with E2BIG (and
	 * stays queued) unless MSG_NOERROR asks to cut it. */
	n = msgrcv(id, rec, cap, type, flags);
	if (n == -1) {
		saved = errno;
		free(rec);
		errno = saved;
		return -1;
	}
	memcpy(buf, rec->mtext, (size_t)n);
	if (type_out != NULL)
		*type_out = rec->mtype;
	free(rec);
	return n;
}

/* ------------------------------------------------- step 2: priority dispatch */

long
msgq_dispatch(int id, long max_type, msgq_handler handler, void *arg)
{
	char text[MSGQ_TEXT_MAX]; /* one message at a time */
	long handled = 0;

	if (max_type < 1) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		long type;
		/* -max_type: the lowest type <= max_type comes first.
		 * IPC_NOWAIT: an empty queue ends the loop (ENOMSG). */
		ssize_t n = msgq_receive(id, -max_type, text, sizeof(text),
					 IPC_NOWAIT, &type);
		if (n == -1) {
			if (errno == ENOMSG)
				return handled; /* drained */
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (handler(type, text, (size_t)n, arg) != 0)
			return -1; /* the handler set errno */
		handled++;
	}
}

/* ----------------------------------- step 3: the queue outlives its writer */

pid_t
msgq_send_from_child(int id, long type, const void *text, size_t len)
{
	pid_t child = fork();
	int status;

	if (child == -1)
		return -1;
	if (child == 0) {
		/* Report msgsnd's errno (always < 256) as the exit status. */
		_exit(msgq_send(id, type, text, len, 0) == 0 ? 0 : errno);
	}
	if (ipc_waitpid(child, &status) == -1)
		return -1;
	if (!WIFEXITED(status)) {
		errno = ECHILD; /* killed before it could report */
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		errno = WEXITSTATUS(status);
		return -1;
	}
	return child;
}

ssize_t
msgq_child_to_parent(key_t key, const void *text, size_t len, void *buf,
		     size_t cap)
{
	int id = msgq_create(key), saved;
	ssize_t n = -1;

	if (id == -1)
		return -1; /* not ours: leave an existing queue alone */
	if (msgq_send_from_child(id, 1, text, len) != -1) {
		/* The writer has exited, yet its message is in the kernel.
		 * IPC_NOWAIT: if it were lost, say so rather than wait. */
		n = msgq_receive(id, 1, buf, cap, IPC_NOWAIT, NULL);
	}
	saved = errno;
	if (msgq_remove(id) == -1 && n != -1)
		return -1; /* the queue would outlive us: report it */
	errno = saved;
	return n;
}

/* ------------------------------------------------------ step 4: POSIX queues */

mqd_t
msgq_posix_create(const char *name, long max_messages, long message_size)
{
	struct mq_attr attr = { .mq_maxmsg = max_messages,
				.mq_msgsize = message_size };

	return mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
}

int
msgq_posix_limits(const char *name, long *max_messages, long *message_size,
		  long *current)
{
	struct mq_attr attr;
	mqd_t q = mq_open(name, O_RDONLY); /* opening never creates here */
	int saved;

	if (q == (mqd_t)-1)
		return -1;
	if (mq_getattr(q, &attr) == -1) {
		saved = errno;
		mq_close(q);
		errno = saved;
		return -1;
	}
	mq_close(q); /* a descriptor, like a file's: close what you open */
	if (max_messages != NULL)
		*max_messages = attr.mq_maxmsg;
	if (message_size != NULL)
		*message_size = attr.mq_msgsize;
	if (current != NULL)
		*current = attr.mq_curmsgs;
	return 0;
}

/** Send every message; the queue has room for all, so none blocks. */
static int
send_all(mqd_t q, const struct msgq_posix_msg *msgs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (mq_send(q, msgs[i].text, msgs[i].len, msgs[i].priority) ==
		    -1)
			return -1;
	return 0;
}

/** Receive @p n messages (highest priority first) and hand each over. */
static int
receive_all(mqd_t q, size_t n, size_t msgsize, msgq_handler handler, void *arg)
{
	/* mq_receive() refuses (EMSGSIZE) a buffer smaller than mq_msgsize,
	 * however short the message waiting is. */
	char *buf = malloc(msgsize);
	int rc = 0;

	if (buf == NULL)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		unsigned prio;
		ssize_t len = mq_receive(q, buf, msgsize, &prio);
		if (len == -1)
			rc = -1;
		else if (handler((long)prio, buf, (size_t)len, arg) != 0)
			rc = -1;
	}
	if (rc == -1) {
		int saved = errno;
		free(buf);
		errno = saved;
		return -1;
	}
	free(buf);
	return 0;
}

long
msgq_posix_by_priority(const char *name, const struct msgq_posix_msg *msgs,
		       size_t n, msgq_handler handler, void *arg)
{
	size_t longest = 1; /* mq_msgsize must be at least 1 */
	int rc, saved;
	mqd_t q;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (msgs[i].len > longest)
			longest = msgs[i].len;
	q = msgq_posix_create(name, (long)n, (long)longest);
	if (q == (mqd_t)-1)
		return -1; /* EEXIST: not ours to unlink */
	rc = send_all(q, msgs, n);
	if (rc == 0)
		rc = receive_all(q, n, longest, handler, arg);
	saved = errno;
	/* Closing only drops our descriptor; the name (and the queue) live
	 * on until mq_unlink(), so do both on every path. */
	mq_close(q);
	if (mq_unlink(name) == -1 && rc == 0)
		return -1;
	errno = saved;
	return rc == 0 ? (long)n : -1;
}

int
msgq_posix_remove(const char *name)
{
	return mq_unlink(name);
}
