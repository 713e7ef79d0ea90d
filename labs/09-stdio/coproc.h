/* SPDX-License-Identifier: MIT */
/**
 * @file coproc.h
 * @brief Lab 09, talking to a child over its stdin and stdout: the functions
 *        you implement in coproc.c.
 *
 * Every function follows the POSIX convention: it returns 0 or a count on
 * success and -1 with errno set on failure. None of them exits the process
 * (only a forked child ends, with execvp() or _exit()). See
 * labs/09-stdio/README.md for the background and the steps.
 *
 * SIGPIPE: writing to a child that has exited raises SIGPIPE, which kills
 * the writer unless it ignores (or blocks) the signal. Programs that run
 * coprocesses ignore it once, at startup (`signal(SIGPIPE, SIG_IGN)`), as the
 * demo and the grader's tests do: these functions then see the write fail
 * with EPIPE, and must not change the signal's disposition themselves.
 *
 * (The files are named coproc.*, not stdio.*: a stdio.h of our own would
 * hide the C library's.)
 */
#ifndef COPROC_LAB_H
#define COPROC_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/** Size of the line buffer in struct stdio_child, and of the reply buffer
 *  stdio_serve() gives its handler. */
#define STDIO_LINE_MAX 4096

/**
 * @brief A child process and the parent's ends of its standard streams.
 *
 * Filled in by stdio_popen() or stdio_coproc_start(); emptied (pid -1, both
 * descriptors -1) by stdio_pclose() or stdio_shutdown().
 */
struct stdio_child {
	/** The child's process id; -1 once it is reaped. */
	pid_t pid;
	/** Write end of the pipe that is the child's stdin; -1 if there is
	 *  none, or once it is closed. */
	int to_child;
	/** Read end of the pipe that is the child's stdout; -1 if there is
	 *  none, or once it is closed. */
	int from_child;
	/** Bytes already read from @c from_child that stdio_read_line() has
	 *  not returned yet. */
	size_t buffered;
	/** Those bytes, from buf[0] on. */
	char buf[STDIO_LINE_MAX];
};

/**
 * @brief How a child ended, decoded from its wait status, and what
 *        stdio_shutdown() had to do to end it.
 */
struct stdio_exit {
	/** true: it called exit() (see @c code); false: a signal killed it
	 *  (see @c signal). */
	bool exited;
	/** Its exit status (0-255) when @c exited, else -1. */
	int code;
	/** The signal that killed it when not @c exited, else 0. */
	int signal;
	/** The last signal stdio_shutdown() sent it: 0 (none, it ended by
	 *  itself), SIGTERM or SIGKILL. */
	int sent;
};

/**
 * @brief What stdio_serve() calls for each request line.
 * @param request the line, without its newline, NUL-terminated
 * @param reply   where to put the reply: one line, without a newline,
 *                NUL-terminated
 * @param size    bytes available at @p reply (STDIO_LINE_MAX)
 * @param arg     the pointer given to stdio_serve()
 * @return 0 to send the reply; -1 to stop serving (nothing is sent).
 */
typedef int stdio_handler(const char *request, char *reply, size_t size,
			  void *arg);

/**
 * @brief Step 1: run a command with a pipe to its stdin or from its stdout,
 *        like popen(3) but without a shell.
 *
 * Creates a pipe and forks. The child makes its end of the pipe its stdout
 * (@p type "r": the caller reads what the command prints) or its stdin
 * (@p type "w": the caller writes what the command reads) with dup2(),
 * keeps no other copy of either end, puts SIGPIPE back to its default
 * action, and runs `argv[0]` with execvp(); if that fails it ends with
 * _exit(127), as a shell does. Its other standard streams are the caller's.
 * The parent closes the child's end. The parent's end must not leak into
 * commands started later (another stdio_popen() included): make it
 * close-on-exec.
 * @param argv  the command and its arguments, NULL-terminated
 * @param type  "r" or "w"
 * @param child receives the child's pid and the parent's end (in
 *              @c from_child for "r", @c to_child for "w"; the other is -1)
 * @return 0; -1 with errno set: EINVAL (@p type is not "r" or "w", or
 *         @p argv is empty), or from pipe(2) or fork(2) (then nothing is
 *         left open and no child runs). An implementation that learns
 *         that the command could not be run (posix_spawnp(3) does) may
 *         fail with execvp()'s errno instead of a child exiting with 127.
 */
int stdio_popen(char *const argv[], const char *type,
		struct stdio_child *child);

/**
 * @brief Step 1: close the parent's ends and wait for the child, like
 *        pclose(3).
 *
 * Closes whichever of @c to_child and @c from_child are open (the child sees
 * EOF on its stdin), then waits for the child with waitpid(), retrying on
 * EINTR. Close first, then wait: a child that reads until EOF never ends
 * while its stdin is open. Leaves @p child empty (pid and descriptors -1).
 * @param child filled in by stdio_popen() or stdio_coproc_start()
 * @return the child's wait status as waitpid() gives it (decode it with
 *         WIFEXITED(), WEXITSTATUS(), WIFSIGNALED(), WTERMSIG());
 *         -1 with errno set: EINVAL (no child), or from waitpid(2).
 */
int stdio_pclose(struct stdio_child *child);

/**
 * @brief Step 2: start a coprocess: a child whose stdin and stdout are both
 *        pipes to the caller.
 *
 * Creates two pipes and forks. The child makes the read end of the first
 * its stdin and the write end of the second its stdout with dup2(), keeps no
 * other end of either pipe (nor any end of a coprocess started earlier),
 * puts SIGPIPE back to its default action, and runs `argv[0]` with execvp();
 * if that fails it ends with _exit(127). Its stderr is the caller's. The
 * parent closes the child's two ends at once, so that the child's EOF and
 * the parent's EOF each depend on one process only.
 * @param argv  the command and its arguments, NULL-terminated
 * @param child receives the child's pid, @c to_child (write here, the child
 *              reads it on stdin) and @c from_child (read here what the
 *              child writes on stdout); @c buffered is set to 0
 * @return 0; -1 with errno set: EINVAL (@p argv is empty), or from pipe(2)
 *         or fork(2) (then nothing is left open and no child runs); or,
 *         as stdio_popen(), execvp()'s errno.
 */
int stdio_coproc_start(char *const argv[], struct stdio_child *child);

/**
 * @brief Step 3: read one line of the child's output.
 *
 * Returns the bytes up to and including the next newline. A line may
 * arrive in pieces (one read() returns part of it) and one read() may bring
 * several lines: keep what follows the newline in @c buf for the next call,
 * because those bytes are no longer in the pipe. A line longer than
 * @p size - 1 bytes comes back in pieces, like fgets(3): only the last one
 * ends with a newline. The last line may lack a newline if the child ended
 * without one. Retries read() on EINTR.
 * @param child a coprocess (or a stdio_popen() "r" child)
 * @param line  receives the line, NUL-terminated
 * @param size  bytes available at @p line (at least 2)
 * @return the number of bytes stored (not counting the NUL); 0 at EOF (the
 *         child closed its stdout and every byte was returned); -1 with
 *         errno set: EINVAL (@p size < 2), or from read(2).
 */
ssize_t stdio_read_line(struct stdio_child *child, char *line, size_t size);

/**
 * @brief Step 3: send a request line to the child and read its reply line.
 *
 * Writes @p request and a newline to the child's stdin (all of it: short
 * writes and EINTR happen), then reads one line with stdio_read_line().
 * The child must answer each line before it reads the next, and must flush
 * its answer: a child whose stdout is a pipe is block-buffered by default
 * (see the handout).
 * @param child   a coprocess
 * @param request the request, without a newline, NUL-terminated
 * @param reply   receives the reply line (with its newline), NUL-terminated
 * @param size    bytes available at @p reply (at least 2)
 * @return what stdio_read_line() returned: the reply's length, or 0 when
 *         the child closed its stdout instead of answering; -1 with errno
 *         set: EINVAL (@p request holds a newline, which would make it two
 *         requests; or @p size < 2), EPIPE (the child no longer reads its
 *         stdin: it has exited), or from write(2) or read(2).
 */
ssize_t stdio_request(struct stdio_child *child, const char *request,
		      char *reply, size_t size);

/**
 * @brief Step 3, the child's side: answer request lines until EOF.
 *
 * Reads @p in a line at a time (any length; the last line may lack its
 * newline), calls @p handler on each line without its newline, and writes
 * the handler's reply and a newline to @p out. Every reply must reach the
 * peer before the next request is read: a FILE writing to a pipe is
 * block-buffered, so flush it (or make it line-buffered before using it).
 * Does not close @p in or @p out.
 * @param in      where requests come from (e.g. stdin)
 * @param out     where replies go (e.g. stdout)
 * @param handler computes a reply (returning -1 stops serving)
 * @param arg     passed to @p handler
 * @return the number of requests answered, at EOF on @p in or when the
 *         handler returned -1; -1 with errno set: EINVAL (a NULL argument),
 *         or from reading @p in or writing @p out (e.g. EPIPE).
 */
int stdio_serve(FILE *in, FILE *out, stdio_handler *handler, void *arg);

/**
 * @brief Step 4: send the child all of @p input and collect all its output,
 *        at the same time.
 *
 * Writes @p input to @c to_child and closes it when everything is written
 * (so the child sees EOF), while reading @c from_child until EOF, then
 * closes it too. Both directions move together (poll(2)): a child may
 * write megabytes before it reads anything, and a pipe holds only 64 KiB,
 * so writing everything before reading deadlocks. A child that exits
 * without reading all its input is not an error: the rest is dropped (the
 * write fails with EPIPE). Bytes stdio_read_line() already buffered come
 * first in the output. Does not wait for the child: stdio_pclose() or
 * stdio_shutdown() does.
 * @param child  a coprocess (or a stdio_popen() child: the absent
 *               direction is skipped)
 * @param input  the bytes for the child's stdin
 * @param len    how many (0: the child sees EOF at once)
 * @param output receives a malloc'd buffer with everything the child wrote,
 *               NUL-terminated (the NUL is not counted); never NULL on
 *               success, even for 0 bytes. The caller frees it.
 * @return the number of bytes in *@p output; -1 with errno set: EBADF
 *         (@p len > 0 but no pipe to the child's stdin), ENOMEM, or from
 *         poll(2), read(2) or write(2).
 */
ssize_t stdio_communicate(struct stdio_child *child, const void *input,
			  size_t len, char **output);

/**
 * @brief Step 5: end a coprocess: EOF first, then SIGTERM, then SIGKILL.
 *
 * Closes @c to_child (the polite request to finish) and waits up to
 * @p grace_ms for the child to exit; if it is still running, sends SIGTERM
 * and waits up to @p grace_ms again; if it is still running, sends SIGKILL
 * and waits for it. Waits for the event, never for a fixed time: a child
 * that exits at once is reaped at once. While waiting, reads and discards
 * what the child still writes on its stdout (a child blocked on a full pipe
 * never exits). Then reaps it with waitpid() (no zombie is left), closes
 * @c from_child, and leaves @p child empty.
 * @param child    a coprocess (either descriptor may already be -1)
 * @param grace_ms how long to wait before each signal (0: no patience)
 * @param how      receives how the child ended and which signal it took
 * @return 0; -1 with errno set: EINVAL (no child, @p grace_ms < 0, or
 *         @p how is NULL), or from waitpid(2) or poll(2).
 */
int stdio_shutdown(struct stdio_child *child, int grace_ms,
		   struct stdio_exit *how);

#endif /* COPROC_LAB_H */
