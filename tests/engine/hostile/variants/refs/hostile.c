/* SPDX-License-Identifier: MIT */
/**
 * @file hostile.c
 * @brief A submission that calls into the grader: the engine's own
 *        functions and the real write() behind fault injection (refused by
 *        the screening).
 */
#include "hostile.h"

#include <errno.h>
#include <sys/types.h>

void grade_allow_fd(int fd);
ssize_t __real_write(int fd, const void *buf, size_t len);

int
hostile_sum(const int *values, size_t n, long *sum)
{
	(void)values;
	(void)n;
	(void)sum;
	grade_allow_fd(3);
	__real_write(1, "PASS\n", 5);
	errno = ENOSYS;
	return -1;
}
