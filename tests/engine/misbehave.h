/* SPDX-License-Identifier: MIT */
/**
 * @file misbehave.h
 * @brief Misbehaving "student code" for the grading engine's own tests.
 *
 * Each function does one thing a student's code might do wrong; the engine
 * must contain it and fail the calling test with a precise message.
 * See tests/engine/expect.tsv for the message each one must produce.
 */
#ifndef MISBEHAVE_H
#define MISBEHAVE_H

/**
 * @brief Run the misbehaviour called @p name.
 * @param name   e.g. "exit0" (see misbehave.c for the list)
 * @param arg    an fd or count some of them use
 * @return 0, or what the misbehaviour returns; -1 with EINVAL if unknown.
 */
int misbehave(const char *name, int arg);

#endif /* MISBEHAVE_H */
