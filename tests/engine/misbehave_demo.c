/* SPDX-License-Identifier: MIT */
/**
 * @file misbehave_demo.c
 * @brief A stand-in demo for the engine's test lab: `misbehave_demo NAME`.
 */
#include "misbehave.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
	printf("%d\n", argc > 1 ? misbehave(argv[1], 0) : 0);
	return 0;
}
