/* SPDX-License-Identifier: MIT */
/**
 * @file grade_protocol.h
 * @brief What the grade driver and a lab's grader binary agree on.
 *
 * Environment variables the driver sets for each test, and the exit
 * statuses the grader uses. Internal to the engine: graders use grade.h.
 */
#ifndef GRADE_PROTOCOL_H
#define GRADE_PROTOCOL_H

/** Directory private to the test (also its cwd and $TMPDIR). */
#define GRADE_ENV_TEST_DIR "IPCLAB_TEST_DIR"
/** File where the grader writes the test's result line. */
#define GRADE_ENV_RESULT_FILE "IPCLAB_RESULT_FILE"
/** Path of the demo built from the code under test. */
#define GRADE_ENV_DEMO "IPCLAB_DEMO"
/** Path of the reference demo. */
#define GRADE_ENV_REF_DEMO "IPCLAB_REF_DEMO"

/** Exit status of a test process that passed every check. Never 0 (an
 *  early exit(0) in student code must not pass) and never 1 (Check's own
 *  status for a failed assertion). */
#define GRADE_PASS_STATUS 42
/** Exit status of a forked child that returned into the test. */
#define GRADE_STRAY_STATUS 3
/** File in the test directory where stray children sign in. */
#define GRADE_STRAY_MARKER ".ipclab-stray-children"

#endif /* GRADE_PROTOCOL_H */
