/* SPDX-License-Identifier: MIT */
/**
 * @file pipe_demo.c
 * @brief Lab 01 demo: try each step of the pipe lab from the shell.
 *
 *     pipe_demo send SIZE              a child sends SIZE bytes to the parent
 *     pipe_demo capacity [BYTES]       measure a pipe (resized to BYTES)
 *     pipe_demo pipeline L... -- R...  run `L | R`, print R's exit status
 *     pipe_demo epipe                  write to a pipe nobody reads
 *
 * Build it with `make demo LAB=01`; the grader runs it beside the reference
 * demo and compares what they print.
 */
#include "ipc_util.h"
#include "pipe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
demo_send(size_t size)
{
	char *msg = malloc(size ? size : 1), *got = NULL;
	ssize_t n;

	if (msg == NULL)
		ipc_die_errno("malloc");
	ipc_fill_pattern(msg, size, 0);
	n = pipe_child_to_parent(msg, size, &got);
	if (n == -1)
		ipc_die_errno("pipe_child_to_parent");
	printf("sent %zu bytes, received %zd bytes, checksum %s (%08x)\n", size,
	       n,
	       (size_t)n == size && memcmp(msg, got, size) == 0 ? "ok" : "BAD",
	       (unsigned)ipc_checksum(got, (size_t)n));
	free(msg);
	free(got);
	return 0;
}

static int
demo_capacity(long resize)
{
	int fds[2];
	long capacity;

	if (pipe(fds) == -1)
		ipc_die_errno("pipe");
	if (resize > 0) {
		long got = pipe_set_capacity(fds[1], resize);
		if (got == -1)
			ipc_die_errno("pipe_set_capacity");
		printf("asked for %ld bytes, the kernel made it %ld\n", resize,
		       got);
	}
	capacity = pipe_measure_capacity(fds[1]);
	if (capacity == -1)
		ipc_die_errno("pipe_measure_capacity");
	printf("pipe capacity: %ld bytes (%ld KiB)\n", capacity,
	       capacity / 1024);
	close(fds[0]);
	close(fds[1]);
	return 0;
}

static int
demo_pipeline(int argc, char **argv)
{
	int split = 0, status;

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			split = i;
	if (split == 0 || split == argc - 1)
		ipc_die("usage: pipe_demo pipeline LEFT... -- RIGHT...");
	argv[split] = NULL;
	fflush(stdout);
	status = pipe_run_pipeline(argv, argv + split + 1, STDOUT_FILENO);
	if (status == -1)
		ipc_die_errno("pipe_run_pipeline");
	printf("exit status of %s: %d\n", argv[split + 1], status);
	return 0;
}

static int
demo_epipe(void)
{
	int fds[2];

	if (pipe(fds) == -1)
		ipc_die_errno("pipe");
	close(fds[0]); /* no reader is left */
	if (pipe_write_nosigpipe(fds[1], "hello", 5) == -1)
		printf("write with no reader: %s (and still alive)\n",
		       ipc_errno_name(errno));
	else
		printf("write with no reader succeeded?\n");
	close(fds[1]);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "send") == 0)
		return demo_send(strtoul(argv[2], NULL, 0));
	if (argc >= 2 && strcmp(argv[1], "capacity") == 0)
		return demo_capacity(argc > 2 ? strtol(argv[2], NULL, 0) : 0);
	if (argc >= 2 && strcmp(argv[1], "pipeline") == 0)
		return demo_pipeline(argc - 2, argv + 2);
	if (argc == 2 && strcmp(argv[1], "epipe") == 0)
		return demo_epipe();
	fprintf(stderr,
		"usage: pipe_demo send SIZE | capacity [BYTES] |\n"
		"       pipe_demo pipeline LEFT... -- RIGHT... | epipe\n");
	return 2;
}
