/* SPDX-License-Identifier: MIT */
/**
 * @file test_common.c
 * @brief Unit tests of common/ipc_util.c.
 */
#include "ipc_util.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

START_TEST(test_write_all_then_read_all_round_trip)
{
	char out[1000], in[1000];
	int fds[2];

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)i;
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(ipc_write_all(fds[1], out, sizeof(out)), sizeof(out));
	close(fds[1]);
	ck_assert_int_eq(ipc_read_all(fds[0], in, sizeof(in)), sizeof(in));
	ck_assert_mem_eq(in, out, sizeof(out));
	ck_assert_int_eq(ipc_read_all(fds[0], in, sizeof(in)), 0); /* EOF */
	close(fds[0]);
}
END_TEST

START_TEST(test_write_all_reports_epipe)
{
	int fds[2];

	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(fds), 0);
	close(fds[0]);
	ck_assert_int_eq(ipc_write_all(fds[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(fds[1]);
}
END_TEST

START_TEST(test_read_to_end_grows_and_limits)
{
	char *buf = NULL, big[20000];
	int fds[2];

	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(ipc_write_all(fds[1], big, sizeof(big)), sizeof(big));
	close(fds[1]);
	ck_assert_int_eq(ipc_read_to_end(fds[0], &buf, 1 << 20), sizeof(big));
	ck_assert_int_eq(buf[sizeof(big)], '\0');
	free(buf);
	close(fds[0]);

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(ipc_write_all(fds[1], big, sizeof(big)), sizeof(big));
	close(fds[1]);
	ck_assert_int_eq(ipc_read_to_end(fds[0], &buf, 8192), -1);
	ck_assert_int_eq(errno, EFBIG);
	close(fds[0]);
}
END_TEST

START_TEST(test_path_join_fits_or_fails)
{
	char out[16];

	ck_assert_int_eq(ipc_path_join(out, sizeof(out), "/tmp", "x"), 0);
	ck_assert_str_eq(out, "/tmp/x");
	ck_assert_int_eq(
		ipc_path_join(out, sizeof(out), "/tmp", "much-too-long"), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

START_TEST(test_ready_signal_and_wait)
{
	struct ipc_ready ready;
	pid_t child;

	ck_assert_int_eq(ipc_ready_init(&ready), 0);
	child = fork();
	if (child == 0)
		_exit(ipc_ready_signal(&ready) == 0 ? 0 : 1);
	close(ready.write_fd);
	ready.write_fd = -1;
	ck_assert_int_eq(ipc_ready_wait(&ready, 5000), 0);
	ck_assert_int_eq(ipc_waitpid(child, NULL), child);
	ipc_ready_close(&ready);
}
END_TEST

START_TEST(test_ready_wait_reports_peer_gone_and_timeout)
{
	struct ipc_ready ready;

	ck_assert_int_eq(ipc_ready_init(&ready), 0);
	ck_assert_int_eq(ipc_ready_wait(&ready, 10), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	close(ready.write_fd); /* the peer leaves without a word */
	ready.write_fd = -1;
	ck_assert_int_eq(ipc_ready_wait(&ready, 5000), -1);
	ck_assert_int_eq(errno, EPIPE);
	ipc_ready_close(&ready);
}
END_TEST

START_TEST(test_waitpid_timeout)
{
	int fds[2], status;
	pid_t child;
	char c;

	ck_assert_int_eq(pipe(fds), 0);
	child = fork();
	if (child == 0) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 0 ? 7 : 1); /* exits at EOF */
	}
	close(fds[0]);
	ck_assert_int_eq(ipc_waitpid_timeout(child, &status, 10), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	close(fds[1]); /* now it exits */
	ck_assert_int_eq(ipc_waitpid_timeout(child, &status, 5000), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}
END_TEST

START_TEST(test_describe_status_and_errno_name)
{
	char out[64];

	ck_assert_str_eq(ipc_describe_status(3 << 8, out, sizeof(out)),
			 "exited with status 3");
	ck_assert_str_eq(ipc_describe_status(SIGPIPE, out, sizeof(out)),
			 "killed by signal 13 (SIGPIPE)");
	ck_assert_str_eq(ipc_errno_name(EPIPE), "EPIPE");
	ck_assert_str_eq(ipc_errno_name(99999), "E?");
}
END_TEST

START_TEST(test_process_state)
{
	char comm[64];

	ck_assert_int_ne(ipc_process_state(getpid(), comm, sizeof(comm)), '?');
	ck_assert_str_eq(comm, "test_common");
	ck_assert_int_eq(ipc_process_state(-5, comm, sizeof(comm)), '?');
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("common");
	TCase *io = tcase_create("io");
	TCase *proc = tcase_create("processes");
	SRunner *runner;
	int failed;

	tcase_add_test(io, test_write_all_then_read_all_round_trip);
	tcase_add_test(io, test_write_all_reports_epipe);
	tcase_add_test(io, test_read_to_end_grows_and_limits);
	tcase_add_test(io, test_path_join_fits_or_fails);
	tcase_add_test(proc, test_ready_signal_and_wait);
	tcase_add_test(proc, test_ready_wait_reports_peer_gone_and_timeout);
	tcase_add_test(proc, test_waitpid_timeout);
	tcase_add_test(proc, test_describe_status_and_errno_name);
	tcase_add_test(proc, test_process_state);
	suite_add_tcase(s, io);
	suite_add_tcase(s, proc);
	runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
