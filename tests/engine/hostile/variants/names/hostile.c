/* SPDX-License-Identifier: MIT */
/**
 * @file hostile.c
 * @brief A submission that defines functions named like Check's, the
 *        engine's and libc's, each returning what would make a check pass
 *        if the grader called it instead of the real one.
 *
 * The screening (common/screen.sh) makes every global symbol but the API
 * local, so only this file's own calls can reach these.
 */
#include "hostile.h"

#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

/* Check and the engine. */
void _ck_assert_failed(const char *file, int line, const char *expr, ...);
void
_ck_assert_failed(const char *file, int line, const char *expr, ...)
{
	(void)file;
	(void)line;
	(void)expr; /* a failed check that does nothing */
}
int srunner_ntests_failed(void *runner);
int
srunner_ntests_failed(void *runner)
{
	(void)runner;
	return 0;
}
void grade_after_call(const char *call);
void
grade_after_call(const char *call)
{
	(void)call;
}
void grade_require_implemented(long ret, const char *function, int step);
void
grade_require_implemented(long ret, const char *function, int step)
{
	(void)ret;
	(void)function;
	(void)step;
}

/* libc functions the checks rely on: everything compares equal, every
 * process exited 0, every read and write moved all it was asked to. */
int
memcmp(const void *a, const void *b, size_t n)
{
	(void)a;
	(void)b;
	(void)n;
	return 0;
}
int
strcmp(const char *a, const char *b)
{
	(void)a;
	(void)b;
	return 0;
}
pid_t
waitpid(pid_t pid, int *status, int options)
{
	(void)options;
	if (status != NULL)
		*status = 0;
	return pid;
}
ssize_t
read(int fd, void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	return (ssize_t)len;
}
ssize_t
write(int fd, const void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	return (ssize_t)len;
}
int
kill(pid_t pid, int sig)
{
	(void)pid;
	(void)sig;
	return 0;
}

/* The same through an asm label and a weak definition. */
int fake_run(void) __asm__("srunner_run_all");
int
fake_run(void)
{
	return 0;
}
__attribute__((weak)) int
tcase_add_checked_fixture(void)
{
	return 0;
}

int
hostile_sum(const int *values, size_t n, long *sum)
{
	(void)values;
	(void)n;
	(void)sum;
	errno = ENOSYS;
	return -1;
}
