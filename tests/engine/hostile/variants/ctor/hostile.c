/* SPDX-License-Identifier: MIT */
/**
 * @file hostile.c
 * @brief A submission with a constructor: code that would run in the
 *        grader before main() (refused by the screening).
 */
#include "hostile.h"

#include <errno.h>
#include <unistd.h>

__attribute__((constructor)) static void
before_main(void)
{
	_exit(42);
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
