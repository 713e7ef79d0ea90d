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
/** Descriptor the grader reads the run's key from (then closes), before
 *  any code under test runs. */
#define GRADE_ENV_KEY_FD "IPCLAB_KEY_FD"
/** Descriptor the grader writes its verdict records to. */
#define GRADE_ENV_VERDICT_FD "IPCLAB_VERDICT_FD"
/** Characters of the key: 32 hex digits (128 random bits). */
#define GRADE_KEY_LEN 32
/** Seconds added to each test's Check time limit: the supervisor looks at
 *  a test that runs out of time before Check kills it (the hang
 *  explainer), so Check must wait a little longer. */
#define GRADE_ENV_TIMEOUT_GRACE "IPCLAB_TIMEOUT_GRACE"
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

/*
 * The verdict channel. Student code runs inside the grader's test process,
 * so neither its exit status nor what it prints can be trusted. Instead the
 * supervisor makes a random key for each test and hands it to the grader on
 * a pipe that the grader reads and closes before any code under test runs.
 * A verdict counts only in records that start with that key:
 *
 *   KEY REACHED <len>\n<test name>     the test body returned and every leak
 *                                      check passed (written by the
 *                                      teardown, in the test process)
 *   KEY RESULT <len>\n<Check's result> "PASS", or "FAIL|ERROR\tfile:line\n"
 *                                      and the message (written by the
 *                                      grader's runner after the test)
 *
 * A test passes only with both. Anything else on the pipe (code under test
 * can write to any fd it inherits) is ignored: it cannot carry the key.
 */
/** Tag of the record the teardown writes when the test reached its end. */
#define GRADE_RECORD_REACHED "REACHED"
/** Tag of the record with Check's result for the test. */
#define GRADE_RECORD_RESULT "RESULT"
/** Tag of a note the engine adds to the test's report (a limit hit). */
#define GRADE_RECORD_NOTE "NOTE"

/**
 * @brief Add a note to the report of the test running now (engine only):
 *        sent at once, so it survives a crash that follows.
 * @param text one line
 */
void grade_note(const char *text);

#endif /* GRADE_PROTOCOL_H */
