/* SPDX-License-Identifier: MIT */
/**
 * @file msgq.c
 * @brief Lab 03, message queues: your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=03 STEP=n`. Read README.md first.
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

int
msgq_create(key_t key)
{
	/* TODO(step 1): msgget() with IPC_CREAT | IPC_EXCL and mode 0600, so
	 * an existing queue makes it fail with EEXIST. Read: man 2 msgget,
	 * man 3 ftok. */
	(void)key;
	errno = ENOSYS;
	return -1;
}

int
msgq_open(key_t key)
{
	/* TODO(step 1): msgget() without IPC_CREAT: a missing queue must fail
	 * with ENOENT. Read: man 2 msgget. */
	(void)key;
	errno = ENOSYS;
	return -1;
}

int
msgq_remove(int id)
{
	/* TODO(step 1): msgctl() with IPC_RMID. Read: man 2 msgctl. */
	(void)id;
	errno = ENOSYS;
	return -1;
}

int
msgq_send(int id, long type, const void *text, size_t len, int flags)
{
	/* TODO(step 1): build a record { long mtype; char mtext[len]; } (a
	 * struct with a flexible array member, malloc'd), copy the text in,
	 * msgsnd() it. The size you give msgsnd counts mtext only, not the
	 * long in front. Pass flags on (IPC_NOWAIT). Read: man 2 msgsnd. */
	(void)id;
	(void)type;
	(void)text;
	(void)len;
	(void)flags;
	errno = ENOSYS;
	return -1;
}

ssize_t
msgq_receive(int id, long type, void *buf, size_t cap, int flags,
	     long *type_out)
{
	/* TODO(step 1): msgrcv() into a record with room for cap bytes of
	 * text (msgsz = cap, not counting the long), passing type and flags
	 * on unchanged; copy the text to buf and the type to *type_out.
	 * Read: man 2 msgrcv (the three rules for msgtyp, IPC_NOWAIT,
	 * MSG_NOERROR, E2BIG). */
	(void)id;
	(void)type;
	(void)buf;
	(void)cap;
	(void)flags;
	(void)type_out;
	errno = ENOSYS;
	return -1;
}

long
msgq_dispatch(int id, long max_type, msgq_handler handler, void *arg)
{
	/* TODO(step 2): loop on msgq_receive() with type -max_type (lowest
	 * type first) and IPC_NOWAIT, calling handler() for each message;
	 * ENOMSG means the queue is drained: return the count. Reject
	 * max_type < 1 with EINVAL. Read: man 2 msgrcv ("msgtyp"). */
	(void)id;
	(void)max_type;
	(void)handler;
	(void)arg;
	errno = ENOSYS;
	return -1;
}

pid_t
msgq_send_from_child(int id, long type, const void *text, size_t len)
{
	/* TODO(step 3): fork(). The child sends with msgq_send() and ends
	 * with _exit(0), or _exit(errno) if the send failed. The parent
	 * waits for it (waitpid), turns a non-zero exit status back into
	 * errno, and returns the child's pid. Read: man 2 fork,
	 * man 2 waitpid. */
	(void)id;
	(void)type;
	(void)text;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t
msgq_child_to_parent(key_t key, const void *text, size_t len, void *buf,
		     size_t cap)
{
	/* TODO(step 3): msgq_create(key), msgq_send_from_child(), then
	 * msgq_receive() with IPC_NOWAIT (the writer is gone, its message
	 * is not), and msgq_remove() on every path once the queue exists.
	 * Read: man 2 msgctl (IPC_RMID). */
	(void)key;
	(void)text;
	(void)len;
	(void)buf;
	(void)cap;
	errno = ENOSYS;
	return -1;
}

mqd_t
msgq_posix_create(const char *name, long max_messages, long message_size)
{
	/* TODO(step 4): mq_open() with O_RDWR | O_CREAT | O_EXCL, mode 0600
	 * and a struct mq_attr holding mq_maxmsg and mq_msgsize.
	 * Read: man 3 mq_open, man 7 mq_overview. */
	(void)name;
	(void)max_messages;
	(void)message_size;
	errno = ENOSYS;
	return (mqd_t)-1;
}

int
msgq_posix_limits(const char *name, long *max_messages, long *message_size,
		  long *current)
{
	/* TODO(step 4): mq_open() the queue read-only, mq_getattr(),
	 * mq_close(); fill in the pointers that are not NULL.
	 * Read: man 3 mq_getattr. */
	(void)name;
	(void)max_messages;
	(void)message_size;
	(void)current;
	errno = ENOSYS;
	return -1;
}

long
msgq_posix_by_priority(const char *name, const struct msgq_posix_msg *msgs,
		       size_t n, msgq_handler handler, void *arg)
{
	/* TODO(step 4): create the queue (n messages, as long as the longest,
	 * at least 1 byte), mq_send() each with its priority, mq_receive()
	 * n times into a buffer of mq_msgsize bytes calling handler(), then
	 * mq_close() and mq_unlink() on every path.
	 * Read: man 3 mq_send, man 3 mq_receive, man 3 mq_unlink. */
	(void)name;
	(void)msgs;
	(void)n;
	(void)handler;
	(void)arg;
	errno = ENOSYS;
	return -1;
}

int
msgq_posix_remove(const char *name)
{
	/* TODO(step 4): mq_unlink(). Read: man 3 mq_unlink. */
	(void)name;
	errno = ENOSYS;
	return -1;
}
