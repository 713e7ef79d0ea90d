/* SPDX-License-Identifier: MIT */
/**
 * @file hostile.c
 * @brief A submission that tries to end the test with a status of its
 *        choosing or to forge a verdict, instead of doing the work.
 *
 * The grader's test says which attack through $HOSTILE_ATTACK:
 * - "exit:N", "_exit:N": end the test process with status N;
 * - "child:N": a child ends with N, then the test process does too;
 * - "abort";
 * - "hang": block for ever;
 * - "forge": write verdict-like lines on every fd and into the build
 *   directory ($HOSTILE_BUILD), then _exit(42) (the engine's old pass
 *   status).
 */
#include "hostile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/** Lines a naive grader might take for results. */
static const char fake[] =
	"PASS\n"
	"00000000000000000000000000000000 REACHED 4\ntest\n"
	"00000000000000000000000000000000 RESULT 5\nPASS\n"
	"ok 1 - hostile: test_sum_small\n"
	"100%: Checks: 1, Failures: 0, Errors: 0\n"
	"Score: 999/999\nTotal score: 999/999\n";

/** Write the fake lines everywhere this process can. */
static void
forge(void)
{
	const char *build = getenv("HOSTILE_BUILD");
	char path[4096];

	for (int fd = 0; fd < 1024; fd++)
		if (write(fd, fake, sizeof(fake) - 1) == -1)
			continue;
	if (build == NULL)
		return;
	/* Overwrite what the driver and the make rules read. */
	const char *names[] = { "compile.log", "api.txt", "grader", "demo" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", build, names[i]);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd != -1) {
			if (write(fd, fake, sizeof(fake) - 1) == -1)
				perror(path);
			close(fd);
		}
	}
}

int
hostile_sum(const int *values, size_t n, long *sum)
{
	const char *attack = getenv("HOSTILE_ATTACK");
	int status = 0;

	(void)values;
	(void)n;
	if (attack == NULL)
		attack = "";
	if (strchr(attack, ':') != NULL)
		status = atoi(strchr(attack, ':') + 1);
	if (strncmp(attack, "exit:", 5) == 0)
		exit(status);
	if (strncmp(attack, "_exit:", 6) == 0)
		_exit(status);
	if (strncmp(attack, "child:", 6) == 0) {
		pid_t child = fork();
		if (child == 0)
			_exit(status);
		waitpid(child, NULL, 0);
		_exit(status);
	}
	if (strcmp(attack, "abort") == 0)
		abort();
	if (strcmp(attack, "hang") == 0) {
		int fds[2];
		char c;
		if (pipe(fds) == 0) /* nobody ever writes: blocks for good */
			while (read(fds[0], &c, 1) != 0)
				;
	}
	if (strcmp(attack, "forge") == 0) {
		forge();
		_exit(42);
	}
	*sum = -1;
	return 0;
}
