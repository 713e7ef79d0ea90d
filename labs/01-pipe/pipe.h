/* SPDX-License-Identifier: MIT */
/**
 * @file pipe.h
 * @brief Lab 01, anonymous pipes: the functions you implement in pipe.c.
 *
 * Every function follows the POSIX convention: it returns 0 or a count on
 * success and -1 with errno set on failure. None of them exits the process.
 * See labs/01-pipe/README.md for the background and the steps.
 */
#ifndef PIPE_LAB_H
#define PIPE_LAB_H

#include <stddef.h>
#include <sys/types.h>

/**
 * @brief Step 1: write all @p len bytes to @p fd.
 *
 * write(2) may write fewer bytes than asked (a short write) or fail with
 * EINTR when a signal arrives first; keep going until every byte is out.
 * @param fd  descriptor open for writing (e.g. a pipe's write end)
 * @param buf the bytes
 * @param len how many
 * @return @p len; -1 with errno from write(2) (EPIPE, EBADF, ...) on error.
 */
ssize_t pipe_write_all(int fd, const void *buf, size_t len);

/**
 * @brief Step 1: read @p len bytes from @p fd, or fewer if EOF comes first.
 *
 * read(2) may return fewer bytes than asked (a short read) or fail with
 * EINTR; keep going until @p len bytes arrived or read() returns 0 (EOF).
 * @param fd  descriptor open for reading
 * @param buf where to put the bytes
 * @param len how many to read at most
 * @return the number of bytes read (< @p len only at EOF);
 *         -1 with errno from read(2) on error.
 */
ssize_t pipe_read_all(int fd, void *buf, size_t len);

/**
 * @brief Step 2: have a child process send @p msg to the parent over a pipe.
 *
 * Creates a pipe, forks; the child writes the @p len bytes of @p msg to the
 * pipe and exits with _exit(); the parent reads everything until EOF into a
 * new buffer, reaps the child, and returns what it read. Works for any size,
 * from 0 bytes to many MiB (more than the pipe holds at once).
 * @param msg  the bytes the child sends
 * @param len  how many
 * @param out  receives a malloc'd buffer with what the parent received
 *             (never NULL on success, even for 0 bytes); the caller frees it
 * @return the number of bytes received; -1 with errno set on failure
 *         (from pipe, fork, read or malloc, or EIO if the child failed).
 */
ssize_t pipe_child_to_parent(const void *msg, size_t len, char **out);

/**
 * @brief Step 3: measure how many bytes the pipe can hold right now.
 *
 * Fills the pipe through @p write_fd in non-blocking mode until write()
 * fails with EAGAIN, and returns how many bytes went in. The bytes stay in
 * the pipe. The descriptor's file status flags are restored before
 * returning (a blocking fd stays blocking).
 * @param write_fd the write end of an empty pipe
 * @return the capacity in bytes; -1 with errno set on failure.
 */
long pipe_measure_capacity(int write_fd);

/**
 * @brief Step 3: ask the kernel to resize a pipe (F_SETPIPE_SZ).
 * @param fd    either end of the pipe
 * @param bytes the size wanted (the kernel rounds it up to a power of two
 *              number of pages, and refuses more than
 *              /proc/sys/fs/pipe-max-size unless privileged)
 * @return the capacity the pipe now has; -1 with errno set (EPERM over the
 *         limit, EBUSY if the data in it would not fit, EINVAL).
 */
long pipe_set_capacity(int fd, long bytes);

/**
 * @brief Step 4: run `left | right`, like the shell does.
 *
 * Forks two children connected by a pipe: the left one's stdout is the
 * pipe's write end, the right one's stdin is its read end and its stdout is
 * @p out_fd. Each runs its command with execvp(). Waits for both.
 * @param left   argv of the left command (NULL-terminated)
 * @param right  argv of the right command (NULL-terminated)
 * @param out_fd where the right command's output goes
 * @return the right command's exit status (0-255, or 128 + signal number
 *         if a signal killed it, as a shell reports it);
 *         -1 with errno set if the pipeline could not be started.
 */
int pipe_run_pipeline(char *const left[], char *const right[], int out_fd);

/**
 * @brief Step 5: write all of @p buf, reporting EPIPE instead of dying.
 *
 * Writing to a pipe whose read ends are all closed raises SIGPIPE, which
 * kills the process by default. This function must fail with EPIPE instead,
 * and must leave the caller's SIGPIPE disposition and signal mask exactly as
 * it found them (no pending SIGPIPE left behind either).
 * @param fd  descriptor open for writing
 * @param buf the bytes
 * @param len how many
 * @return @p len; -1 with errno EPIPE when no reader is left, or another
 *         errno from write(2).
 */
ssize_t pipe_write_nosigpipe(int fd, const void *buf, size_t len);

#endif /* PIPE_LAB_H */
