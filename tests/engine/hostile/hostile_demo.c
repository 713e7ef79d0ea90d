/* SPDX-License-Identifier: MIT */
/**
 * @file hostile_demo.c
 * @brief Demo of the hostile lab: prints the sum of its arguments.
 */
#include "hostile.h"

#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	int values[16];
	size_t n = 0;
	long sum;

	for (int i = 1; i < argc && n < 16; i++)
		values[n++] = atoi(argv[i]);
	if (hostile_sum(values, n, &sum) == -1) {
		perror("hostile_sum");
		return 1;
	}
	printf("%ld\n", sum);
	return 0;
}
