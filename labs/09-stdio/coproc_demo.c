/* SPDX-License-Identifier: MIT */
/**
 * @file coproc_demo.c
 * @brief Lab 09 demo: try each step of the stdio lab from the shell.
 *
 *     coproc_demo run CMD [ARG...]             CMD's output through a pipe
 *     coproc_demo feed CMD [ARG...]            our stdin into CMD's stdin
 *     coproc_demo talk CMD [ARG...]            each stdin line is a request
 *     coproc_demo serve                        answer lines in upper case
 *     coproc_demo pump SIZE CMD [ARG...]       SIZE bytes through CMD at once
 *     coproc_demo stop GRACE_MS CMD [ARG...]   EOF, SIGTERM, SIGKILL
 *
 * Build it with `make demo LAB=09`; the grader runs it beside the reference
 * demo and compares what they print.
 */
#include "coproc.h"
#include "ipc_util.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** Step 1: read everything CMD prints, then pclose(). */
static int
demo_run(char **argv)
{
	struct stdio_child child;
	char *text = NULL, how[96];
	ssize_t n;
	int status;

	if (stdio_popen(argv, "r", &child) == -1)
		ipc_die_errno("stdio_popen");
	n = ipc_read_to_end(child.from_child, &text, 64u << 20);
	if (n == -1)
		ipc_die_errno("read");
	status = stdio_pclose(&child);
	if (status == -1)
		ipc_die_errno("stdio_pclose");
	fwrite(text, 1, (size_t)n, stdout);
	printf("read %zd bytes from %s, which %s\n", n, argv[0],
	       ipc_describe_status(status, how, sizeof(how)));
	free(text);
	return 0;
}

/** Step 1: our stdin becomes CMD's stdin; CMD prints to our stdout. */
static int
demo_feed(char **argv)
{
	struct stdio_child child;
	char *text = NULL, how[96];
	ssize_t n = ipc_read_to_end(STDIN_FILENO, &text, 64u << 20);
	int status;

	if (n == -1)
		ipc_die_errno("read stdin");
	fflush(stdout); /* or the child's output could overtake ours */
	if (stdio_popen(argv, "w", &child) == -1)
		ipc_die_errno("stdio_popen");
	if (ipc_write_all(child.to_child, text, (size_t)n) == -1)
		ipc_die_errno("write");
	status = stdio_pclose(&child);
	if (status == -1)
		ipc_die_errno("stdio_pclose");
	printf("fed %zd bytes to %s, which %s\n", n, argv[0],
	       ipc_describe_status(status, how, sizeof(how)));
	free(text);
	return 0;
}

/** Steps 2 and 3: every line of our stdin is a request to CMD. */
static int
demo_talk(char **argv)
{
	struct stdio_child child;
	char *line = NULL, reply[STDIO_LINE_MAX], how[96];
	size_t cap = 0;
	ssize_t n;
	int status;

	if (stdio_coproc_start(argv, &child) == -1)
		ipc_die_errno("stdio_coproc_start");
	while ((n = getline(&line, &cap, stdin)) > 0) {
		ssize_t got;
		line[strcspn(line, "\n")] = '\0';
		printf("> %s\n", line);
		fflush(stdout);
		got = stdio_request(&child, line, reply, sizeof(reply));
		if (got == -1)
			ipc_die_errno("stdio_request");
		if (got == 0) {
			printf("(%s closed its output)\n", argv[0]);
			break;
		}
		printf("< %s%s", reply, reply[got - 1] == '\n' ? "" : "\n");
	}
	free(line);
	status = stdio_pclose(&child);
	if (status == -1)
		ipc_die_errno("stdio_pclose");
	printf("%s %s\n", argv[0],
	       ipc_describe_status(status, how, sizeof(how)));
	return 0;
}

/** Step 3's handler: the request in upper case; "quit" stops. */
static int
upper_case(const char *request, char *reply, size_t size, void *arg)
{
	size_t i;

	(void)arg;
	if (strcmp(request, "quit") == 0)
		return -1;
	for (i = 0; request[i] != '\0' && i < size - 1; i++)
		reply[i] = (char)toupper((unsigned char)request[i]);
	reply[i] = '\0';
	return 0;
}

/** Step 3, the child's side: a server on our own stdin and stdout. */
static int
demo_serve(void)
{
	int served = stdio_serve(stdin, stdout, upper_case, NULL);

	if (served == -1)
		ipc_die_errno("stdio_serve");
	fprintf(stderr, "served %d requests\n", served);
	return 0;
}

/** Step 4: SIZE bytes into CMD while its output comes back. */
static int
demo_pump(size_t size, char **argv)
{
	struct stdio_child child;
	char *data = malloc(size ? size : 1), *out = NULL, how[96];
	ssize_t n;
	int status;

	if (data == NULL)
		ipc_die_errno("malloc");
	ipc_fill_pattern(data, size, 0);
	if (stdio_coproc_start(argv, &child) == -1)
		ipc_die_errno("stdio_coproc_start");
	n = stdio_communicate(&child, data, size, &out);
	if (n == -1)
		ipc_die_errno("stdio_communicate");
	status = stdio_pclose(&child);
	if (status == -1)
		ipc_die_errno("stdio_pclose");
	printf("sent %zu bytes (checksum %08x), received %zd bytes (checksum "
	       "%08x); %s %s\n",
	       size, (unsigned)ipc_checksum(data, size), n,
	       (unsigned)ipc_checksum(out, (size_t)n), argv[0],
	       ipc_describe_status(status, how, sizeof(how)));
	free(data);
	free(out);
	return 0;
}

/** Step 5: start CMD, then shut it down with GRACE_MS of patience. */
static int
demo_stop(int grace_ms, char **argv)
{
	struct stdio_child child;
	struct stdio_exit how;

	if (stdio_coproc_start(argv, &child) == -1)
		ipc_die_errno("stdio_coproc_start");
	if (stdio_shutdown(&child, grace_ms, &how) == -1)
		ipc_die_errno("stdio_shutdown");
	if (how.exited)
		printf("%s exited with status %d", argv[0], how.code);
	else
		printf("%s was killed by signal %d (%s)", argv[0], how.signal,
		       strsignal(how.signal));
	if (how.sent != 0)
		printf(", after we sent it %s",
		       how.sent == SIGKILL ? "SIGKILL" : "SIGTERM");
	printf("\n");
	return 0;
}

int
main(int argc, char **argv)
{
	/* Like every program that runs coprocesses: a child that exits early
	 * must give us EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);

	if (argc >= 3 && strcmp(argv[1], "run") == 0)
		return demo_run(argv + 2);
	if (argc >= 3 && strcmp(argv[1], "feed") == 0)
		return demo_feed(argv + 2);
	if (argc >= 3 && strcmp(argv[1], "talk") == 0)
		return demo_talk(argv + 2);
	if (argc == 2 && strcmp(argv[1], "serve") == 0)
		return demo_serve();
	if (argc >= 4 && strcmp(argv[1], "pump") == 0)
		return demo_pump(strtoul(argv[2], NULL, 0), argv + 3);
	if (argc >= 4 && strcmp(argv[1], "stop") == 0)
		return demo_stop(atoi(argv[2]), argv + 3);
	fprintf(stderr,
		"usage: coproc_demo run CMD... | feed CMD... | talk CMD... |\n"
		"       coproc_demo serve | pump SIZE CMD... | stop GRACE_MS "
		"CMD...\n");
	return 2;
}
