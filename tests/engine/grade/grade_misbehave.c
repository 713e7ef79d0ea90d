/* SPDX-License-Identifier: MIT */
/**
 * @file grade_misbehave.c
 * @brief The engine's own tests: each calls one misbehaviour, and
 *        tests/engine/expect.tsv says how the engine must report it.
 */
#include "grade.h"
#include "misbehave.h"

#include <unistd.h>

/** Call a misbehaviour; a result other than 0 fails the test plainly. */
static void
provoke(const char *name, int arg)
{
	int r = GRADE_CALL(misbehave(name, arg));

	ck_assert_msg(r == 0, "misbehave(%s) returned %d", name, r);
}

#define MISBEHAVIOUR_TEST(name)                                                \
	START_TEST(test_##name)                                                \
	{                                                                      \
		provoke(#name, 0);                                             \
	}                                                                      \
	END_TEST

MISBEHAVIOUR_TEST(nothing)
MISBEHAVIOUR_TEST(exit0)
MISBEHAVIOUR_TEST(_exit0)
MISBEHAVIOUR_TEST(child_returns)
MISBEHAVIOUR_TEST(leak_fd)
MISBEHAVIOUR_TEST(zombie)
MISBEHAVIOUR_TEST(running_child)
MISBEHAVIOUR_TEST(escape)
MISBEHAVIOUR_TEST(kill_parent)
MISBEHAVIOUR_TEST(kill_everything)
MISBEHAVIOUR_TEST(close_all_fds)
MISBEHAVIOUR_TEST(fake_summary)
MISBEHAVIOUR_TEST(segfault)
MISBEHAVIOUR_TEST(hang_deaf)
MISBEHAVIOUR_TEST(flood)
MISBEHAVIOUR_TEST(fork_bomb)
MISBEHAVIOUR_TEST(sysv_msg)
MISBEHAVIOUR_TEST(posix_sem)
MISBEHAVIOUR_TEST(posix_shm)
MISBEHAVIOUR_TEST(posix_mq)
MISBEHAVIOUR_TEST(tmp_file)
MISBEHAVIOUR_TEST(pipe_keeps_write_end)
MISBEHAVIOUR_TEST(socketpair_both_write)
MISBEHAVIOUR_TEST(fifo_open_no_peer)
MISBEHAVIOUR_TEST(sem_never_posted)
MISBEHAVIOUR_TEST(msgrcv_empty)
MISBEHAVIOUR_TEST(pause_after_signal)
MISBEHAVIOUR_TEST(huge_malloc)
MISBEHAVIOUR_TEST(read_hidden)
MISBEHAVIOUR_TEST(write_project)
MISBEHAVIOUR_TEST(read_solutions)

START_TEST(test_close_foreign_fd)
{
	provoke("close_foreign_fd", STDIN_FILENO); /* not the code's to close */
}
END_TEST

START_TEST(test_demo_compare)
{
	/* The stand-in demo is both "student" and "reference": must agree. */
	grade_compare_with_reference((const char *[]){ "nothing", NULL }, NULL, 0);
}
END_TEST

static const struct grade_test tests[] = {
	{ GRADE_REF(test_nothing), 1, 1, 0, NULL },
	{ GRADE_REF(test_demo_compare), 1, 1, 0, NULL },
	{ GRADE_REF(test_exit0), 1, 1, 0, NULL },
	{ GRADE_REF(test__exit0), 1, 1, 0, NULL },
	{ GRADE_REF(test_child_returns), 1, 1, 0, NULL },
	{ GRADE_REF(test_leak_fd), 1, 1, 0, NULL },
	/* a hang, between tests that do not time out (three in a row
	 * would stop the lab) */
	{ GRADE_REF(test_pipe_keeps_write_end), 1, 1, 0.5, NULL },
	{ GRADE_REF(test_close_foreign_fd), 1, 1, 0, NULL },
	{ GRADE_REF(test_zombie), 1, 1, 0, NULL },
	{ GRADE_REF(test_socketpair_both_write), 1, 1, 0.5, NULL },
	{ GRADE_REF(test_running_child), 1, 1, 0, NULL },
	{ GRADE_REF(test_fifo_open_no_peer), 1, 1, 0.5, NULL },
	{ GRADE_REF(test_escape), 1, 1, 0, NULL },
	{ GRADE_REF(test_kill_parent), 1, 1, 0, NULL },
	{ GRADE_REF(test_kill_everything), 1, 1, 0, NULL },
	{ GRADE_REF(test_close_all_fds), 1, 1, 0, NULL },
	{ GRADE_REF(test_fake_summary), 1, 1, 0, NULL },
	{ GRADE_REF(test_segfault), 1, 1, 0, NULL },
	{ GRADE_REF(test_sem_never_posted), 1, 1, 0.5, NULL },
	{ GRADE_REF(test_hang_deaf), 1, 1, 1, "the deaf hang" },
	{ GRADE_REF(test_flood), 1, 1, 0, NULL },
	{ GRADE_REF(test_huge_malloc), 1, 1, 0, NULL },
	{ GRADE_REF(test_write_project), 1, 1, 0, NULL },
	{ GRADE_REF(test_read_hidden), 1, 1, 0, NULL },
	{ GRADE_REF(test_read_solutions), 1, 1, 0, NULL },
	{ GRADE_REF(test_fork_bomb), 1, 1, 0, NULL },
	{ GRADE_REF(test_sysv_msg), 1, 1, 0, NULL },
	{ GRADE_REF(test_msgrcv_empty), 1, 1, 0.5, NULL },
	{ GRADE_REF(test_posix_sem), 1, 1, 0, NULL },
	{ GRADE_REF(test_pause_after_signal), 1, 1, 0.5, NULL },
	{ GRADE_REF(test_posix_shm), 1, 1, 0, NULL },
	{ GRADE_REF(test_posix_mq), 1, 1, 0, NULL },
	{ GRADE_REF(test_tmp_file), 1, 1, 0, NULL },
};

static const struct grade_lab lab = {
	"engine", "The grading engine's own tests", tests, GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
