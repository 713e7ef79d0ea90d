/* SPDX-License-Identifier: MIT */
/**
 * @file hostile.c
 * @brief A submission that puts a function pointer in .init_array by hand
 *        (refused by the screening).
 */
#include "hostile.h"

#include <errno.h>
#include <unistd.h>

static void
early(void)
{
	_exit(42);
}

__attribute__((section(".init_array.00500"), used)) static void (*entry)(void) =
	early;

int
hostile_sum(const int *values, size_t n, long *sum)
{
	(void)values;
	(void)n;
	(void)sum;
	errno = ENOSYS;
	return -1;
}
