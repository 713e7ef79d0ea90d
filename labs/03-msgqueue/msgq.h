/* SPDX-License-Identifier: MIT */
/**
 * @file msgq.h
 * @brief Lab 03, message queues: the functions you implement in msgq.c.
 *
 * Steps 1 to 3 use System V queues (msgget, msgsnd, msgrcv, msgctl), step 4
 * a POSIX queue (mq_open, mq_send, mq_receive, mq_getattr, mq_unlink).
 * Every function follows the POSIX convention: it returns 0 or a count on
 * success and -1 with errno set on failure. None of them exits the process.
 * See labs/03-msgqueue/README.md for the background and the steps.
 */
#ifndef MSGQ_LAB_H
#define MSGQ_LAB_H

#include <mqueue.h>
#include <stddef.h>
#include <sys/types.h>

/**
 * @brief The largest message text msgq_dispatch() can take (bytes).
 *
 * It equals Linux's default msgmax (/proc/sys/kernel/msgmax), the largest
 * message the kernel accepts unless an administrator raised the limit.
 */
#define MSGQ_TEXT_MAX 8192

/**
 * @brief What msgq_dispatch() and msgq_posix_by_priority() call for each
 *        message they take off a queue.
 * @param type its System V type, or its POSIX priority
 * @param text the message text (not NUL-terminated)
 * @param len  its length in bytes (0 is a valid length)
 * @param arg  the caller's pointer, passed through
 * @return 0 to go on; -1 (with errno set) to stop at this message.
 */
typedef int (*msgq_handler)(long type, const void *text, size_t len, void *arg);

/* ----------------------------------------- step 1: a System V queue */

/**
 * @brief Step 1: create a new System V queue for @p key.
 *
 * The queue gets permissions 0600 (its owner alone may use it). If a queue
 * already exists for @p key this fails instead of opening it, so a caller
 * never takes over somebody else's queue by accident. @p key IPC_PRIVATE
 * always makes a new queue, one no other key can find.
 * @param key from ftok() on an existing file, or IPC_PRIVATE
 * @return the queue's id (>= 0); -1 with errno EEXIST (a queue exists for
 *         @p key), ENOSPC (the system's msgmni limit) or another errno
 *         from msgget(2).
 */
int msgq_create(key_t key);

/**
 * @brief Step 1: open the existing System V queue of @p key.
 *
 * Never creates one: a process that expects a queue to be there must find
 * out when it is not.
 * @param key from ftok() on the same file and project id its creator used
 * @return the queue's id (>= 0); -1 with errno ENOENT (no queue for @p key),
 *         EACCES or another errno from msgget(2).
 */
int msgq_open(key_t key);

/**
 * @brief Step 1: remove a System V queue and every message still in it.
 *
 * A queue lives in the kernel until it is removed: the processes that used
 * it exiting does not remove it.
 * @param id the queue's id
 * @return 0; -1 with errno EINVAL or EIDRM (no such queue), EPERM (not
 *         yours) or another errno from msgctl(2).
 */
int msgq_remove(int id);

/**
 * @brief Step 1: send one message of @p len bytes with type @p type.
 *
 * @p len counts the message text only; the type travels in front of it.
 * @param id    the queue's id
 * @param type  the message type, at least 1
 * @param text  the message text (may be NULL when @p len is 0)
 * @param len   its length in bytes, from 0 up to msgmax
 * @param flags 0 (wait while the queue is full) or IPC_NOWAIT
 * @return 0; -1 with errno EINVAL (type < 1, @p len above msgmax, or no
 *         such queue), EAGAIN (queue full and IPC_NOWAIT), EIDRM (removed
 *         while waiting), ENOMEM or another errno from msgsnd(2).
 */
int msgq_send(int id, long type, const void *text, size_t len, int flags);

/**
 * @brief Step 1: receive one message chosen by @p type.
 *
 * The three rules of msgrcv(2): @p type 0 takes the first message in the
 * queue; @p type > 0 the first message of exactly that type; @p type < 0 the
 * first message of the lowest type that is at most |@p type|.
 * @param id       the queue's id
 * @param type     which message, as above
 * @param buf      where the text goes
 * @param cap      room in @p buf, in bytes
 * @param flags    0, or any of IPC_NOWAIT (fail with ENOMSG instead of
 *                 waiting when no message matches) and MSG_NOERROR (cut a
 *                 longer text to @p cap bytes instead of failing with E2BIG)
 * @param type_out receives the message's type (may be NULL)
 * @return the length of the text received (0 to @p cap); -1 with errno
 *         ENOMSG (nothing matched and IPC_NOWAIT), E2BIG (the text is longer
 *         than @p cap: the message stays in the queue), EIDRM, EINVAL, EINTR,
 *         ENOMEM or another errno from msgrcv(2).
 */
ssize_t msgq_receive(int id, long type, void *buf, size_t cap, int flags,
		     long *type_out);

/* ------------------------------------------- step 2: priority dispatch */

/**
 * @brief Step 2: handle every waiting message of type 1 to @p max_type,
 *        lowest type first, then return.
 *
 * Calls @p handler once per message, lowest type first and, within a type,
 * in the order they were sent. Messages of a type above @p max_type stay in
 * the queue. Never waits: when no message of type <= @p max_type is left,
 * it returns.
 * @param id       the queue's id
 * @param max_type the highest type to handle, at least 1
 * @param handler  called for each message
 * @param arg      passed to @p handler
 * @return the number of messages handled; -1 with errno set: EINVAL
 *         (@p max_type < 1), E2BIG (a message longer than MSGQ_TEXT_MAX),
 *         an errno from msgrcv(2), or the errno the handler set when it
 *         returned non-zero (that message is consumed, the rest stay).
 */
long msgq_dispatch(int id, long max_type, msgq_handler handler, void *arg);

/* --------------------------------- step 3: the queue outlives its writer */

/**
 * @brief Step 3: fork a child that sends one message to queue @p id and
 *        exits; wait for it, then return.
 *
 * When this returns the writer is gone (exited and reaped), and its message
 * waits in the kernel for whoever reads the queue next.
 * @param id   the queue's id (a child inherits nothing to open: the id is
 *             valid in every process)
 * @param type the message type, at least 1
 * @param text the message text
 * @param len  its length in bytes
 * @return the child's pid (it has exited); -1 with errno set: from
 *         fork(2) or waitpid(2), the child's msgsnd() errno (for instance
 *         EINVAL for a removed queue) which the child reports as its exit
 *         status, or ECHILD if the child died some other way.
 */
pid_t msgq_send_from_child(int id, long type, const void *text, size_t len);

/**
 * @brief Step 3: create a queue for @p key, have a child send @p len bytes
 *        and exit, then read the message, remove the queue and return.
 *
 * The message is read after its writer has exited. Whatever happens after
 * the queue was created, the queue is removed before returning.
 * @param key  ftok() key or IPC_PRIVATE; no queue may exist for it yet
 * @param text what the child sends
 * @param len  its length in bytes (0 to msgmax)
 * @param buf  where the text received goes
 * @param cap  room in @p buf
 * @return the number of bytes received; -1 with errno set: EEXIST (a queue
 *         already exists for @p key: it is left alone), E2BIG (@p cap is too
 *         small), or an errno from the steps above.
 */
ssize_t msgq_child_to_parent(key_t key, const void *text, size_t len, void *buf,
			     size_t cap);

/* ------------------------------------------------- step 4: POSIX queues */

/**
 * @brief Step 4: create a new POSIX queue with the given attributes.
 *
 * The queue is opened for reading and writing, in blocking mode, with
 * permissions 0600; it fails if the name is taken.
 * @param name         "/something" (one slash, at the start)
 * @param max_messages mq_maxmsg: how many messages it holds at most
 *                     (1 to /proc/sys/fs/mqueue/msg_max unless privileged)
 * @param message_size mq_msgsize: the largest message in bytes (1 to
 *                     /proc/sys/fs/mqueue/msgsize_max unless privileged)
 * @return the queue descriptor (close it with mq_close()); (mqd_t)-1 with
 *         errno EEXIST (the name is taken), EINVAL (a bad name or an
 *         attribute out of range), EMFILE, ENOSPC or another errno from
 *         mq_open(3).
 */
mqd_t msgq_posix_create(const char *name, long max_messages, long message_size);

/**
 * @brief Step 4: read the attributes of the existing POSIX queue @p name.
 *
 * Opens the queue, asks mq_getattr(3), closes it again.
 * @param name         the queue's name
 * @param max_messages receives mq_maxmsg (may be NULL)
 * @param message_size receives mq_msgsize (may be NULL)
 * @param current      receives mq_curmsgs, the messages in it now (may be
 *                     NULL)
 * @return 0; -1 with errno ENOENT (no such queue), EACCES or another errno
 *         from mq_open(3).
 */
int msgq_posix_limits(const char *name, long *max_messages, long *message_size,
		      long *current);

/** @brief One message for msgq_posix_by_priority(). */
struct msgq_posix_msg {
	const void *text; /**< the message text */
	size_t len;	  /**< its length in bytes */
	unsigned
		priority; /**< 0 (lowest) to MQ_PRIO_MAX - 1 (32767 on Linux) */
};

/**
 * @brief Step 4: pass @p n messages through a new POSIX queue and handle
 *        them in the order the queue gives them back: highest priority
 *        first, and first in, first out within a priority.
 *
 * Creates the queue @p name with room for @p n messages as long as the
 * longest one, sends all of them, receives all of them calling @p handler
 * (with the priority as the type), then closes and unlinks the queue. The
 * queue is closed and unlinked on every path after it was created.
 * @param name    a name no queue has yet
 * @param msgs    the messages, in sending order
 * @param n       how many (1 to /proc/sys/fs/mqueue/msg_max unless
 *                privileged); 0 does nothing and returns 0
 * @param handler called for each message received
 * @param arg     passed to @p handler
 * @return @p n; -1 with errno set: EEXIST (the name is taken: that queue is
 *         left alone), EINVAL (@p n or a priority out of range), an errno
 *         from mq_open/mq_send/mq_receive, or the handler's errno.
 */
long msgq_posix_by_priority(const char *name, const struct msgq_posix_msg *msgs,
			    size_t n, msgq_handler handler, void *arg);

/**
 * @brief Step 4: remove the POSIX queue @p name.
 *
 * The name disappears at once; processes that still have the queue open
 * keep using it until they close it. Closing (mq_close) alone never
 * removes a queue.
 * @param name the queue's name
 * @return 0; -1 with errno ENOENT (no such queue), EACCES or another errno
 *         from mq_unlink(3).
 */
int msgq_posix_remove(const char *name);

#endif /* MSGQ_LAB_H */
