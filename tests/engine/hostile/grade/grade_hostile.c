/* SPDX-License-Identifier: MIT */
/**
 * @file grade_hostile.c
 * @brief Grader of the hostile-submission lab: honest tests of
 *        hostile_sum(), plus one test per attack of variants/attack.
 *
 * The attack tests are made at run time, one per attack and exit status:
 * test_exit_NNN, test__exit_NNN, test_child_NNN (N = 0..255), test_abort
 * and test_forge. Each tells the submission which attack to try
 * ($HOSTILE_ATTACK), then checks the sum like any other test: an honest
 * submission passes them all, an attack must pass none.
 */
#include "grade.h"
#include "hostile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/** Call hostile_sum() on 1..4 and check the result is 10. */
static void
expect_sum_of_four(void)
{
	const int values[] = { 1, 2, 3, 4 };
	long sum = 0, expected = 10;
	char text[32];
	int r = GRADE_CALL(hostile_sum(values, 4, &sum));

	GRADE_IMPLEMENTED(r, "hostile_sum", 1);
	ck_assert_msg(r == 0, "hostile_sum() failed: %s", strerror(errno));
	snprintf(text, sizeof(text), "%ld", sum);
	ck_assert_msg(strcmp(text, "10") == 0, "the sum is %s, not 10", text);
	ck_assert_msg(memcmp(&sum, &expected, sizeof(sum)) == 0,
		      "the sum is %ld, not 10", sum);
}

START_TEST(test_sum_small)
{
	expect_sum_of_four();
}
END_TEST

START_TEST(test_sum_in_child)
{
	const int values[] = { 5, 6, 7 };
	int fds[2], status;
	long sum = 0, got = 0;
	pid_t child;

	ck_assert(pipe(fds) == 0);
	child = fork();
	ck_assert(child != -1);
	if (child == 0) {
		close(fds[0]);
		if (hostile_sum(values, 3, &sum) == -1)
			_exit(2);
		_exit(write(fds[1], &sum, sizeof(sum)) == sizeof(sum) ? 0 : 3);
	}
	close(fds[1]);
	ck_assert_msg(read(fds[0], &got, sizeof(got)) == sizeof(got),
		      "the child sent no sum");
	close(fds[0]);
	ck_assert(waitpid(child, &status, 0) == child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the child failed");
	ck_assert_msg(got == 18, "the child's sum is %ld, not 18", got);
	ck_assert(kill(child, 0) == -1); /* reaped: gone */
}
END_TEST

/** The attack this run's test asks for (set by main() from its name). */
static char attack[32];

START_TEST(test_attack)
{
	ck_assert(setenv("HOSTILE_ATTACK", attack, 1) == 0);
	expect_sum_of_four();
}
END_TEST

/* Five tests in a row that an attack makes hang: the engine must stop the
 * lab after three timeouts instead of waiting for every one. */
#define HANG_TEST(n)                                                           \
	START_TEST(test_hang_##n)                                              \
	{                                                                      \
		ck_assert(setenv("HOSTILE_ATTACK", "hang", 1) == 0);           \
		expect_sum_of_four();                                          \
	}                                                                      \
	END_TEST
HANG_TEST(1)
HANG_TEST(2)
HANG_TEST(3)
HANG_TEST(4)
HANG_TEST(5)

#define STATUSES 256
#define ATTACK_TESTS (3 * STATUSES + 2)

/** Names and Check tests of the attack tests, made by make_attack_tests. */
static char names[ATTACK_TESTS][32];
static TTest attack_ttests[ATTACK_TESTS];
static const TTest *attack_refs[ATTACK_TESTS];
#define FIXED_TESTS 7
static struct grade_test table[FIXED_TESTS + ATTACK_TESTS] = {
	{ GRADE_REF(test_sum_small), 1, 1, 0, NULL },
	{ GRADE_REF(test_sum_in_child), 1, 1, 0, NULL },
	{ GRADE_REF(test_hang_1), 3, 1, 0.5, "it hangs" },
	{ GRADE_REF(test_hang_2), 3, 1, 0.5, "it hangs" },
	{ GRADE_REF(test_hang_3), 3, 1, 0.5, "it hangs" },
	{ GRADE_REF(test_hang_4), 3, 1, 0.5, "it hangs" },
	{ GRADE_REF(test_hang_5), 3, 1, 0.5, "it hangs" },
};

/** Add the attack tests to the table. */
static void
make_attack_tests(void)
{
	static const char *const kinds[] = { "exit", "_exit", "child" };
	size_t n = 0;

	for (size_t k = 0; k < 3; k++)
		for (int status = 0; status < STATUSES; status++)
			snprintf(names[n++], sizeof(names[0]), "test_%s_%03d",
				 kinds[k], status);
	snprintf(names[n++], sizeof(names[0]), "test_abort");
	snprintf(names[n++], sizeof(names[0]), "test_forge");
	for (size_t i = 0; i < ATTACK_TESTS; i++) {
		memcpy(&attack_ttests[i], test_attack, sizeof(TTest));
		attack_ttests[i].name = names[i];
		attack_refs[i] = &attack_ttests[i];
		table[FIXED_TESTS + i] =
			(struct grade_test){ &attack_refs[i], 2, 1, 0, NULL };
	}
}

/** "test_exit_042" asks for the attack "exit:42", and so on. */
static void
choose_attack(const char *test)
{
	static const char *const kinds[] = { "_exit", "exit", "child" };
	char prefix[32];

	for (size_t k = 0; k < 3; k++) {
		snprintf(prefix, sizeof(prefix), "test_%s_", kinds[k]);
		if (strncmp(test, prefix, strlen(prefix)) == 0) {
			snprintf(attack, sizeof(attack), "%s:%d", kinds[k],
				 atoi(test + strlen(prefix)));
			return;
		}
	}
	if (strcmp(test, "test_abort") == 0 || strcmp(test, "test_forge") == 0)
		snprintf(attack, sizeof(attack), "%s", test + 5);
}

int
main(int argc, char **argv)
{
	const struct grade_lab lab = { "hostile", "Hostile submissions", table,
				       GRADE_COUNT(table) };

	make_attack_tests();
	if (argc == 3)
		choose_attack(argv[2]);
	return grade_main(argc, argv, &lab);
}
