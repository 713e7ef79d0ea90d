/* SPDX-License-Identifier: MIT */
/**
 * @file msgq_demo.c
 * @brief Lab 03 demo: try each step of the message queue lab from the shell.
 *
 *     msgq_demo rules                    the msgrcv type rules, IPC_NOWAIT,
 *                                        E2BIG and MSG_NOERROR
 *     msgq_demo dispatch MAX TYPE:TEXT... drain types 1..MAX, lowest first
 *     msgq_demo child TEXT               a child sends TEXT and exits, the
 *                                        parent reads it afterwards
 *     msgq_demo posix PRIO:TEXT...       a POSIX queue: highest priority first
 *     msgq_demo limits                   the kernel's queue limits
 *     msgq_demo create FILE              a System V queue that outlives
 *     msgq_demo send FILE TYPE TEXT      this program: look at it with
 *     msgq_demo recv FILE [TYPE]         `ipcs -q` between the commands
 *     msgq_demo remove FILE
 *
 * Build it with `make demo LAB=03`; the grader runs it beside the reference
 * demo and compares what they print (rules, dispatch, child, posix, limits).
 */
#include "ipc_util.h"
#include "msgq.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

/** ftok() key of an existing FILE, project id 'q'; dies if there is none. */
static key_t
key_of(const char *file)
{
	key_t key = ftok(file, 'q');

	if (key == -1)
		ipc_die_errno(file); /* ftok needs a file that exists */
	return key;
}

/** A System V queue only this program can see; dies on failure. */
static int
private_queue(void)
{
	int id = msgq_create(IPC_PRIVATE);

	if (id == -1)
		ipc_die_errno("msgq_create");
	return id;
}

/** Send a NUL-terminated text; dies on failure. */
static void
send_text(int id, long type, const char *text)
{
	if (msgq_send(id, type, text, strlen(text), 0) == -1)
		ipc_die_errno("msgq_send");
}

/** Receive with @p type and @p flags, and print what happened. */
static void
show_receive(int id, long type, size_t cap, int flags, const char *how)
{
	char buf[MSGQ_TEXT_MAX];
	long got_type = 0;
	ssize_t n = msgq_receive(id, type, buf, cap, flags, &got_type);

	if (n == -1)
		printf("  %-34s -> %s\n", how, ipc_errno_name(errno));
	else
		printf("  %-34s -> type %ld, len %zd, \"%.*s\"\n", how,
		       got_type, n, (int)n, buf);
}

static int
demo_rules(void)
{
	int id = private_queue();

	printf("queue: [3 \"c1\"] [1 \"a1\"] [2 \"b1\"] [1 \"a2\"] [2 "
	       "\"b2\"]\n");
	send_text(id, 3, "c1");
	send_text(id, 1, "a1");
	send_text(id, 2, "b1");
	send_text(id, 1, "a2");
	send_text(id, 2, "b2");
	show_receive(id, 0, 64, 0, "type 0 (the first message)");
	show_receive(id, 2, 64, 0, "type 2 (the first of type 2)");
	show_receive(id, -2, 64, 0, "type -2 (lowest type <= 2)");
	show_receive(id, 9, 64, IPC_NOWAIT, "type 9, IPC_NOWAIT");
	show_receive(id, 2, 1, IPC_NOWAIT, "type 2 into 1 byte");
	show_receive(id, 2, 1, IPC_NOWAIT | MSG_NOERROR,
		     "type 2 into 1 byte, MSG_NOERROR");
	show_receive(id, 0, 64, IPC_NOWAIT, "type 0, IPC_NOWAIT");
	show_receive(id, 0, 64, IPC_NOWAIT, "type 0, IPC_NOWAIT (now empty)");
	if (msgq_remove(id) == -1)
		ipc_die_errno("msgq_remove");
	return 0;
}

/** Handler: print one message. */
static int
print_message(long type, const void *text, size_t len, void *arg)
{
	printf("  %s %ld: \"%.*s\"\n", (const char *)arg, type, (int)len,
	       (const char *)text);
	return 0;
}

/** Split "TYPE:TEXT" into its number and its text; dies if malformed. */
static const char *
split_item(const char *item, long *number)
{
	char *end;

	*number = strtol(item, &end, 10);
	if (end == item || *end != ':')
		ipc_die("expected NUMBER:TEXT, got \"%s\"", item);
	return end + 1;
}

static int
demo_dispatch(long max_type, int argc, char **argv)
{
	int id = private_queue();
	struct msqid_ds ds;
	long handled;

	for (int i = 0; i < argc; i++) {
		long type;
		const char *text = split_item(argv[i], &type);
		send_text(id, type, text);
	}
	printf("dispatching types 1..%ld, lowest first:\n", max_type);
	handled = msgq_dispatch(id, max_type, print_message, "type");
	if (handled == -1)
		ipc_die_errno("msgq_dispatch");
	if (msgctl(id, IPC_STAT, &ds) == -1)
		ipc_die_errno("msgctl");
	printf("handled %ld, %lu left in the queue\n", handled,
	       (unsigned long)ds.msg_qnum);
	if (msgq_remove(id) == -1)
		ipc_die_errno("msgq_remove");
	return 0;
}

static int
demo_child(const char *text)
{
	char buf[MSGQ_TEXT_MAX];
	ssize_t n;

	fflush(stdout); /* the child must not print our buffer twice */
	n = msgq_child_to_parent(IPC_PRIVATE, text, strlen(text), buf,
				 sizeof(buf));
	if (n == -1)
		ipc_die_errno("msgq_child_to_parent");
	printf("the child sent %zu bytes and exited; the parent then read %zd "
	       "bytes: \"%.*s\"\n",
	       strlen(text), n, (int)n, buf);
	return 0;
}

/** A POSIX queue name for this run: "/msgq-demo-PID". */
static const char *
posix_name(void)
{
	static char name[64];

	snprintf(name, sizeof(name), "/msgq-demo-%ld", (long)getpid());
	return name;
}

static int
demo_posix(int argc, char **argv)
{
	struct msgq_posix_msg *msgs = calloc((size_t)argc, sizeof(*msgs));
	long handled;

	if (msgs == NULL)
		ipc_die_errno("calloc");
	printf("sent:");
	for (int i = 0; i < argc; i++) {
		long prio;
		msgs[i].text = split_item(argv[i], &prio);
		msgs[i].len = strlen(msgs[i].text);
		msgs[i].priority = (unsigned)prio;
		printf(" [%u \"%s\"]", msgs[i].priority,
		       (const char *)msgs[i].text);
	}
	printf("\nreceived, highest priority first:\n");
	handled = msgq_posix_by_priority(posix_name(), msgs, (size_t)argc,
					 print_message, "priority");
	if (handled == -1)
		ipc_die_errno("msgq_posix_by_priority");
	printf("handled %ld; the queue is closed and unlinked\n", handled);
	free(msgs);
	return 0;
}

/** Print one number from a /proc file. */
static void
show_proc(const char *path, const char *meaning)
{
	FILE *f = fopen(path, "r");
	long value;

	if (f != NULL && fscanf(f, "%ld", &value) == 1)
		printf("  %-36s %6ld  %s\n", path, value, meaning);
	else
		printf("  %-36s %6s  %s\n", path, "?", meaning);
	if (f != NULL)
		fclose(f);
}

/** Print a POSIX queue's attributes as msgq_posix_limits() reads them. */
static void
show_attributes(const char *how)
{
	long max_messages, message_size, current;

	if (msgq_posix_limits(posix_name(), &max_messages, &message_size,
			      &current) == -1)
		ipc_die_errno("msgq_posix_limits");
	printf("  %-36s mq_maxmsg %ld, mq_msgsize %ld, mq_curmsgs %ld\n", how,
	       max_messages, message_size, current);
}

static int
demo_limits(void)
{
	mqd_t q;

	printf("System V:\n");
	show_proc("/proc/sys/kernel/msgmax", "largest message (bytes)");
	show_proc("/proc/sys/kernel/msgmnb", "bytes one queue holds");
	show_proc("/proc/sys/kernel/msgmni", "queues in the system");
	printf("POSIX:\n");
	show_proc("/proc/sys/fs/mqueue/msg_max", "mq_maxmsg at most");
	show_proc("/proc/sys/fs/mqueue/msgsize_max", "mq_msgsize at most");
	show_proc("/proc/sys/fs/mqueue/msg_default", "mq_maxmsg by default");
	show_proc("/proc/sys/fs/mqueue/msgsize_default",
		  "mq_msgsize by default");
	show_proc("/proc/sys/fs/mqueue/queues_max", "queues in the system");

	/* mq_open with no attributes: the defaults above. */
	q = mq_open(posix_name(), O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	if (q == (mqd_t)-1)
		ipc_die_errno("mq_open");
	show_attributes("a queue opened with no attr:");
	mq_close(q);
	if (msgq_posix_remove(posix_name()) == -1)
		ipc_die_errno("msgq_posix_remove");

	q = msgq_posix_create(posix_name(), 4, 128);
	if (q == (mqd_t)-1)
		ipc_die_errno("msgq_posix_create");
	if (mq_send(q, "hello", 5, 0) == -1)
		ipc_die_errno("mq_send");
	show_attributes("msgq_posix_create(4, 128) + 1:");
	mq_close(q);
	if (msgq_posix_remove(posix_name()) == -1)
		ipc_die_errno("msgq_posix_remove");
	return 0;
}

/* ---------- a queue that outlives the program: create, send, recv, remove */

static int
demo_create(const char *file)
{
	key_t key = key_of(file);
	int id = msgq_create(key);

	if (id == -1)
		ipc_die_errno("msgq_create");
	printf("created queue id %d for key 0x%08lx: see it with `ipcs -q`\n",
	       id, (unsigned long)key);
	return 0;
}

/** The id of FILE's existing queue; dies if there is none. */
static int
open_queue(const char *file)
{
	int id = msgq_open(key_of(file));

	if (id == -1)
		ipc_die_errno("msgq_open (did you run `create` first?)");
	return id;
}

static int
demo_send(const char *file, long type, const char *text)
{
	int id = open_queue(file);

	if (msgq_send(id, type, text, strlen(text), IPC_NOWAIT) == -1)
		ipc_die_errno("msgq_send");
	printf("sent type %ld, %zu bytes to queue %d; this program now exits, "
	       "the message stays\n",
	       type, strlen(text), id);
	return 0;
}

static int
demo_recv(const char *file, long type)
{
	show_receive(open_queue(file), type, MSGQ_TEXT_MAX, IPC_NOWAIT,
		     "receive, IPC_NOWAIT");
	return 0;
}

static int
demo_remove(const char *file)
{
	int id = open_queue(file);

	if (msgq_remove(id) == -1)
		ipc_die_errno("msgq_remove");
	printf("removed queue %d and the messages in it\n", id);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc >= 2 ? argv[1] : "";

	if (argc == 2 && strcmp(cmd, "rules") == 0)
		return demo_rules();
	if (argc >= 3 && strcmp(cmd, "dispatch") == 0)
		return demo_dispatch(strtol(argv[2], NULL, 10), argc - 3,
				     argv + 3);
	if (argc == 3 && strcmp(cmd, "child") == 0)
		return demo_child(argv[2]);
	if (argc >= 3 && strcmp(cmd, "posix") == 0)
		return demo_posix(argc - 2, argv + 2);
	if (argc == 2 && strcmp(cmd, "limits") == 0)
		return demo_limits();
	if (argc == 3 && strcmp(cmd, "create") == 0)
		return demo_create(argv[2]);
	if (argc == 5 && strcmp(cmd, "send") == 0)
		return demo_send(argv[2], strtol(argv[3], NULL, 10), argv[4]);
	if ((argc == 3 || argc == 4) && strcmp(cmd, "recv") == 0)
		return demo_recv(argv[2],
				 argc == 4 ? strtol(argv[3], NULL, 10) : 0);
	if (argc == 3 && strcmp(cmd, "remove") == 0)
		return demo_remove(argv[2]);
	fprintf(stderr, "usage: msgq_demo rules | dispatch MAX TYPE:TEXT... | "
			"child TEXT |\n"
			"       msgq_demo posix PRIO:TEXT... | limits |\n"
			"       msgq_demo create FILE | send FILE TYPE TEXT |\n"
			"       msgq_demo recv FILE [TYPE] | remove FILE\n");
	return 2;
}
