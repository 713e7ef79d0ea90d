/* SPDX-License-Identifier: MIT */
/**
 * @file hostile.c
 * @brief The skeleton: the score every attack is measured against (0).
 */
#include "hostile.h"

#include <errno.h>

int
hostile_sum(const int *values, size_t n, long *sum)
{
	(void)values;
	(void)n;
	(void)sum;
	errno = ENOSYS;
	return -1;
}
