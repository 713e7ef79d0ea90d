/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 11's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	{ "test_now_ns_is_monotonic_clock", "Which clock never jumps?",
	  "CLOCK_MONOTONIC counts from boot and nobody sets it.",
	  "clock_gettime(CLOCK_MONOTONIC, &ts)" },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
