/* SPDX-License-Identifier: MIT */
/**
 * @file grade.h
 * @brief The grading engine's interface for a lab's Check suite.
 *
 * A lab's grader (labs/NN-topic/grade/grade_topic.c) is a table of tests:
 * each row names a Check test, its handout step, its points, and what to tell
 * the student when it times out. grade_main() turns the table into a Check
 * suite and runs it. The driver (common/grade_driver.c, binary
 * `ipcgrade`) runs every test in its own sandbox and computes the score from
 * Check's results, never from what the student's code printed.
 *
 * Inside a test:
 * - the current directory and $TMPDIR are a fresh directory for this test
 *   alone (grade_tmpdir(), grade_path());
 * - a test passes only if its body returns normally and the engine's leak
 *   checks then find nothing: no fd, child process or zombie left behind.
 *   A student function that calls exit() early, or a forked child that
 *   returns into the test, fails the test with a message saying so.
 */
#ifndef GRADE_H
#define GRADE_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/** @brief One graded test: a row of a lab's table. */
struct grade_test {
	const TTest *const *test; /**< GRADE_REF(test_unit_behaviour) */
	int step;		  /**< handout step it grades (1, 2, ...) */
	int points;		  /**< points it is worth */
	double timeout_s;	  /**< time limit before scaling; 0: 5 s */
	const char *on_timeout;	  /**< likely bug when it hangs (may be NULL) */
};

/** @brief A lab: its name and its table of tests. */
struct grade_lab {
	const char *id;			/**< directory name, e.g. "01-pipe" */
	const char *title;		/**< e.g. "Anonymous pipes" */
	const struct grade_test *tests; /**< the table */
	size_t n_tests;			/**< rows in the table */
};

/**
 * @brief The Check test defined by START_TEST(@p name), as a constant for a
 *        table row: `{ GRADE_REF(test_pipe_eof), 2, 3, 0, NULL }`.
 */
#define GRADE_REF(name) (&(name))

/** @brief Number of rows of a test table array. */
#define GRADE_COUNT(table) (sizeof(table) / sizeof((table)[0]))

/**
 * @brief Three hints for one test, each saying more than the one before:
 *        shown one at a time by `make hint` (the student asks again for
 *        the next).
 */
struct grade_hint {
	const char *test;      /**< the test's name, test_unit_behaviour */
	const char *nudge;     /**< 1: where to look, what to ask oneself */
	const char *mechanism; /**< 2: how the mechanism behaves here */
	const char *call;      /**< 3: the exact call(s) and where they go */
};

/**
 * @brief A lab's hints: defined in the lab's grade/hints.c (lab.mk links
 *        it when it exists), a row per test; tests without a row get none.
 */
extern const struct grade_hint grade_hints[];
/** @brief Rows in grade_hints. */
extern const size_t grade_n_hints;

/**
 * @brief Entry point of a lab grader: build the Check suite and run it.
 *
 * Usage (normally only the driver calls these):
 * `grader --list` prints the table; `grader --run NAME` runs one test and
 * sends its verdict on the channel the driver gives it (grade_protocol.h);
 * `grader --hint NAME LEVEL` prints hint LEVEL (1 to 3) of a test.
 * @param argc from main()
 * @param argv from main()
 * @param lab  the lab's table
 * @return the process exit status.
 */
int grade_main(int argc, char **argv, const struct grade_lab *lab);

/**
 * @brief This test's private temporary directory (also the cwd and $TMPDIR).
 * @return an absolute path, valid for the whole test.
 */
const char *grade_tmpdir(void);

/**
 * @brief A path named @p name inside grade_tmpdir().
 * @param name a file name without slashes
 * @return a pointer into one of a few rotating static buffers: copy it if
 *         you need more than four at once.
 */
const char *grade_path(const char *name);

/**
 * @brief A System V key for this test alone: ftok() on a fresh file named
 *        @p name in grade_tmpdir() (never a fixed number).
 * @param name a file name without slashes
 * @param proj ftok()'s project id (its low 8 bits, not 0)
 * @return the key; the test fails if it cannot be made.
 */
key_t grade_key(const char *name, int proj);

/**
 * @brief A POSIX IPC name for this test alone: "/ipclab-PID-TAG".
 * @param tag a short word without slashes
 * @return a pointer into one of four rotating static buffers.
 */
const char *grade_posix_name(const char *tag);

/**
 * @brief Path of the demo program built from the code being graded.
 * @return a path, or NULL if the lab has no demo.
 */
const char *grade_demo_path(void);

/**
 * @brief Path of the reference demo program (built from solutions/).
 * @return a path, or NULL if not available.
 */
const char *grade_reference_demo_path(void);

/** @brief What a program run by grade_run_program() did. */
struct grade_run {
	int status;	/**< wait status (see waitpid(2)) */
	bool timed_out; /**< killed after the time limit */
	char *out;	/**< everything it wrote to stdout (NUL-terminated) */
	size_t out_len; /**< bytes in out */
	char *err;	/**< everything it wrote to stderr (NUL-terminated) */
	size_t err_len; /**< bytes in err */
};

/**
 * @brief Run a program with an input and capture its output, with a limit.
 * @param argv       program and arguments (argv[0] is the path)
 * @param input      bytes for its stdin (may be NULL for none)
 * @param input_len  number of input bytes
 * @param timeout_ms time limit; the program is killed after it
 * @param run        receives the result; free with grade_run_free()
 * @return 0; -1 with errno set when the program could not be started.
 */
int grade_run_program(char *const argv[], const void *input, size_t input_len,
		      int timeout_ms, struct grade_run *run);

/**
 * @brief Free the buffers of a grade_run.
 * @param run result filled in by grade_run_program()
 */
void grade_run_free(struct grade_run *run);

/**
 * @brief Compare the demo under test with the reference demo on one input.
 *
 * Runs both with the same arguments (argv[0] is replaced by each demo's
 * path) and input, and fails the test with a diff-style message when their
 * stdout or exit status differ.
 * @param args       arguments after argv[0], NULL-terminated
 * @param input      stdin bytes (may be NULL)
 * @param input_len  number of input bytes
 */
void grade_compare_with_reference(const char *const args[], const void *input,
				  size_t input_len);

/**
 * @brief Fork a helper process for a test, running @p fn then _exit(0).
 *
 * The helper never returns into the test, dies with the test process (so
 * a failed check never leaves it running), and is killed and reaped by the
 * engine if the test forgets it. Use grade_join() to collect it.
 * @param fn  what the helper does (its return value is the exit status)
 * @param arg passed to fn
 * @return the helper's pid; the test fails if fork() fails.
 */
pid_t grade_spawn(int (*fn)(void *arg), void *arg);

/**
 * @brief Wait for a helper started with grade_spawn(), with a time limit.
 * @param pid        the helper
 * @param timeout_ms how long to wait; the helper is killed after it
 * @return its wait status; the test fails if it had to be killed.
 */
int grade_join(pid_t pid, int timeout_ms);

/**
 * @brief Fail unless a student function's result says "implemented".
 *
 * A skeleton stub returns -1 with errno ENOSYS; this turns that into an
 * immediate, friendly failure instead of a confusing one or a hang.
 * @param ret      the function's return value (as long)
 * @param function the function's name, for the message
 * @param step     the handout step that implements it
 */
void grade_require_implemented(long ret, const char *function, int step);

/** @brief Shorthand for grade_require_implemented() on a call's result. */
#define GRADE_IMPLEMENTED(ret, function, step)                                 \
	grade_require_implemented((long)(ret), (function), (step))

/**
 * @brief Check, right after a call into student code, that we are still the
 *        test process (and not a forked child that returned by mistake).
 *
 * Use it through GRADE_CALL(). In a stray child it records the mistake for
 * the test to report and ends that child.
 * @param call the text of the call, for the message
 */
void grade_after_call(const char *call);

/**
 * @brief Call student code that may fork, and catch a child returning.
 *
 * `ssize_t n = GRADE_CALL(pipe_roundtrip(buf, len, &out));`
 */
#define GRADE_CALL(call)                                                       \
	__extension__({                                                        \
		__typeof__(call) grade_call_result_ = (call);                  \
		grade_after_call(#call);                                       \
		grade_call_result_;                                            \
	})

/**
 * @brief A malloc'd buffer of @p len pattern bytes (ipc_fill_pattern());
 *        the test fails if memory runs out. Free it.
 * @param len  bytes (0 gives a valid 1-byte buffer)
 * @param seed varies the pattern
 * @return the buffer.
 */
char *grade_pattern(size_t len, unsigned seed);

/**
 * @brief Offset of the first byte where @p a and @p b differ.
 * @param a   one buffer
 * @param b   the other
 * @param len bytes to compare
 * @return that offset, or @p len when they are equal.
 */
size_t grade_first_mismatch(const void *a, const void *b, size_t len);

/**
 * @brief Fill a Unix socket address for @p path (the graders' own sockets;
 *        a test's directory is short, so its paths always fit).
 * @param addr receives the address
 * @param path the socket's path
 * @return the length to pass to bind() or connect().
 */
socklen_t grade_unix_address(struct sockaddr_un *addr, const char *path);

/**
 * @brief Make read(), write(), recv(), send() and their scatter/gather
 *        forms (readv(), writev(), recvmsg(), sendmsg()) misbehave, as
 *        signals and busy peers do.
 *
 * While on, every third such call made by the code under test (and by this
 * process's children) fails with EINTR without moving a byte, and the
 * others move at most 4093 bytes in total (across all the iovecs of a
 * scatter/gather call): short reads and short writes on every call. A
 * short sendmsg() still carries its control data (SCM_RIGHTS, ...) with
 * its first byte, as the kernel does. Sockets that keep message boundaries
 * (datagram, seqpacket) are never cut short, only interrupted. Robust code
 * still moves every byte.
 * @param on true to start injecting, false to stop
 */
void grade_inject_short_io(bool on);

/**
 * @brief Tell the engine this test is allowed to leave fd @p fd open.
 *
 * For fds the test itself opened before calling student code and means to
 * close later. Most tests never need it.
 * @param fd descriptor to ignore in the leak check
 */
void grade_allow_fd(int fd);

/* ------------------------------------------------- failure injection */

/**
 * @brief Make the @p nth call, counted from now, of @p function in the
 *        code under test fail with @p err.
 *
 * That one call fails without doing anything, as the call's contract says:
 * -1 with errno @p err (MAP_FAILED for mmap(), SEM_FAILED for sem_open(),
 * (mqd_t)-1 for mq_open(), (void *)-1 for shmat(), NULL for malloc(),
 * calloc() and realloc()). The calls before and after it work. Calls are
 * counted per process: a child forked after arming counts on from where
 * its parent was. The engine's own calls (grade_spawn(), ...) are never
 * counted or failed; a helper started with grade_spawn() starts with
 * nothing armed.
 *
 * The functions that can fail: pipe, pipe2, fork, socket, socketpair,
 * bind, listen, accept, accept4, connect, mmap, ftruncate, shm_open,
 * sem_open, sem_init, mq_open, msgget, semget, shmget, shmat, open,
 * mkfifo, dup, dup2, fcntl, sigaction, sigprocmask, sigtimedwait, waitpid,
 * malloc, calloc, realloc, read, write, recv, send, readv, writev,
 * recvmsg, sendmsg, msgsnd, msgrcv, msgctl, mq_send, mq_receive,
 * mq_getattr, mq_unlink, semop, semtimedop, semctl, sem_wait, sem_post,
 * sem_unlink. Several can be armed at once. EINTR is a failure like
 * any other: an interrupted waitpid() reaps nothing, an interrupted read()
 * moves nothing. The first arming since grade_fail_clear() also
 * records the open fds (grade_mark_fds()), for grade_expect_clean_failure().
 * Arm right before the call under test; the grader's own calls to these
 * functions count too while something is armed.
 *
 * `grade_fail_nth("fork", 2, EAGAIN);` then call the code under test.
 * @param function the name of the call, e.g. "fork"; the test fails (a
 *                 grader bug) for a function that is not in the list
 * @param nth      which call fails: 1 for the next one
 * @param err      the errno it fails with (EMFILE, EAGAIN, ENOMEM, ...);
 *                 or minus a signal number: that call raises the signal
 *                 (-SIGKILL: the process dies in that call), and fails
 *                 with EINTR if the signal is caught or ignored
 */
void grade_fail_nth(const char *function, unsigned nth, int err);

/**
 * @brief For a grader that wraps one of those calls itself (its own
 *        `__wrap_` wins over the engine's): count this call, and say
 *        whether grade_fail_nth() wants it to fail.
 *
 * `if (grade_fail_check("semop")) return -1;` first thing in the wrapper.
 * @param function the call's name, as given to grade_fail_nth()
 * @return true if the call must fail now: errno is set (or the signal was
 *         raised); false otherwise.
 */
bool grade_fail_check(const char *function);

/**
 * @brief Disarm every failure armed with grade_fail_nth() and forget what
 *        happened.
 */
void grade_fail_clear(void);

/**
 * @brief How many calls of @p function the code under test made since it
 *        was armed (the failed one included).
 *
 * Tells a test whether the injected failure happened: the code under test
 * may not call that function at all, or call it fewer times.
 * @param function the name given to grade_fail_nth()
 * @return the number of calls; 0 if @p function is not armed.
 */
unsigned grade_fail_calls(const char *function);

/**
 * @brief Describe the injected failures that happened, for a message:
 *        "the 2nd fork() call failed with EAGAIN".
 * @param out     where the text goes (always NUL-terminated if
 *                @p out_len > 0; empty when none happened)
 * @param out_len size of @p out
 * @return the length of the whole text (as snprintf() counts it); 0 when
 *         no injected failure happened.
 */
size_t grade_fail_describe(char *out, size_t out_len);

/**
 * @brief Remember which fds are open now, for grade_expect_clean_failure().
 *
 * grade_fail_nth() calls it when it arms the first failure; call it again
 * to take the snapshot later (e.g. after opening the test's own fds).
 */
void grade_mark_fds(void);

/**
 * @brief After an injected failure: check that the call failed cleanly.
 *
 * If an armed failure happened, the test fails unless @p ret is -1, errno
 * is still @p err (the failed call's errno, kept through the clean-up),
 * no fd opened since grade_mark_fds() is still open (each such fd is
 * reported and closed), and no fd open then was closed. The message names
 * the injected failure and @p call. Children left behind are reported by
 * the end-of-test checks. Either way, everything armed is disarmed, as by
 * grade_fail_clear(). Call it right after the call under test, before
 * anything changes errno.
 * @param ret  what the call under test returned (as a long)
 * @param err  the errno the injected failure had
 * @param call the call under test, for the message (e.g.
 *             "pipe_child_to_parent()")
 * @return true if an injected failure happened (and was checked); false if
 *         none did (the code under test made fewer calls than the nth, so
 *         nothing was checked: the call ran normally).
 */
bool grade_expect_clean_failure(long ret, int err, const char *call);

/**
 * @brief Bytes of heap this process has in use now (glibc's mallinfo2():
 *        small blocks and mmap'd big ones), to spot a leak on an error
 *        path: compare before and after a call, with some slack for stdio
 *        buffers. Under the sanitizers (SANITIZE=1) it does not move.
 * @return the bytes in use.
 */
size_t grade_heap_in_use(void);

#endif /* GRADE_H */
