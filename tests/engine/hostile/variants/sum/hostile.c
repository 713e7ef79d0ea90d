/* SPDX-License-Identifier: MIT */
/**
 * @file hostile.c
 * @brief The honest submission: it does the work, so it scores 100%.
 */
#include "hostile.h"

int
hostile_sum(const int *values, size_t n, long *sum)
{
	long total = 0;

	for (size_t i = 0; i < n; i++)
		total += values[i];
	*sum = total;
	return 0;
}
