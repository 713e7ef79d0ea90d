/* SPDX-License-Identifier: MIT */
/**
 * @file hostile.h
 * @brief The API of the engine's hostile-submission lab: one function.
 *
 * tests/engine/hostile/variants/ holds versions of it: a correct one, a
 * skeleton, and submissions that attack the grader instead of doing the
 * work (tests/engine/run.sh grades each and requires that none scores more
 * than the skeleton).
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stddef.h>

/**
 * @brief Add up @p n numbers.
 * @param values the numbers
 * @param n      how many
 * @param sum    receives their sum
 * @return 0; -1 with errno set on failure (ENOSYS: not written yet).
 */
int hostile_sum(const int *values, size_t n, long *sum);

#endif /* HOSTILE_H */
