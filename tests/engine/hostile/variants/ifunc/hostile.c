/* SPDX-License-Identifier: MIT */
/**
 * @file hostile.c
 * @brief A submission whose API function is an IFUNC: its resolver would
 *        run while the grader is loaded (refused by the screening).
 */
#include "hostile.h"

#include <errno.h>
#include <unistd.h>

static int
not_written(const int *values, size_t n, long *sum)
{
	(void)values;
	(void)n;
	(void)sum;
	errno = ENOSYS;
	return -1;
}

static int (*resolve(void))(const int *, size_t, long *)
{
	_exit(42);
	return not_written;
}

int hostile_sum(const int *values, size_t n, long *sum)
	__attribute__((ifunc("resolve")));
