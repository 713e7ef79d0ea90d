/* SPDX-License-Identifier: MIT */
/**
 * @file ipc_util.h
 * @brief Small helpers every lab, demo and grader shares.
 *
 * Robust whole-buffer I/O, error reporting for demo programs, paths inside a
 * caller-given directory, a one-shot readiness channel, and child-process
 * helpers. Library functions here never exit: they return -1 with errno set.
 * Only the ipc_die*() helpers, meant for demo programs, end the process.
 */
#ifndef IPC_UTIL_H
#define IPC_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * @brief Write all @p len bytes of @p buf to @p fd.
 *
 * Retries after short writes and EINTR, so a return means every byte went out.
 * @param fd  file descriptor open for writing
 * @param buf bytes to write
 * @param len number of bytes
 * @return @p len on success; -1 with errno set by write(2) on failure
 *         (e.g. EPIPE, EAGAIN on a non-blocking fd, EBADF).
 */
ssize_t ipc_write_all(int fd, const void *buf, size_t len);

/**
 * @brief Read until @p len bytes have arrived or the writer closed (EOF).
 *
 * Retries after short reads and EINTR.
 * @param fd  file descriptor open for reading
 * @param buf where to store the bytes
 * @param len how many bytes to read at most
 * @return the number of bytes read (less than @p len only at EOF);
 *         -1 with errno set by read(2) on failure.
 */
ssize_t ipc_read_all(int fd, void *buf, size_t len);

/**
 * @brief Read everything from @p fd until EOF into a growing heap buffer.
 * @param fd      file descriptor open for reading
 * @param out     receives a malloc'd buffer (NUL-terminated for convenience,
 *                the NUL is not counted); free() it
 * @param max_len give up with EFBIG past this many bytes
 * @return bytes read; -1 with errno set (ENOMEM, EFBIG, or from read(2)).
 */
ssize_t ipc_read_to_end(int fd, char **out, size_t max_len);

/**
 * @brief Join @p dir and @p name into @p out ("dir/name").
 * @param out     destination buffer
 * @param out_len its size in bytes
 * @param dir     directory, without a trailing slash
 * @param name    file name
 * @return 0 on success; -1 with errno ENAMETOOLONG if it does not fit.
 */
int ipc_path_join(char *out, size_t out_len, const char *dir, const char *name);

/**
 * @brief Close @p fd unless it is -1, keeping errno unchanged.
 *
 * For cleanup paths, where the first error is the one worth reporting.
 * @param fd descriptor to close, or -1 for nothing
 */
void ipc_close_quietly(int fd);

/** @brief A one-shot "I am ready" channel between two related processes. */
struct ipc_ready {
	int read_fd;  /**< the waiter reads here */
	int write_fd; /**< the signaller writes (or closes) here */
};

/**
 * @brief Create a readiness channel (a pipe with close-on-exec ends).
 * @param ready channel to initialise
 * @return 0; -1 with errno set by pipe2(2).
 */
int ipc_ready_init(struct ipc_ready *ready);

/**
 * @brief Announce readiness: write one byte and close the write end.
 * @param ready channel created by ipc_ready_init()
 * @return 0; -1 with errno set by write(2).
 */
int ipc_ready_signal(struct ipc_ready *ready);

/**
 * @brief Wait until the other side calls ipc_ready_signal(), or a timeout.
 *
 * The waiter must have closed its own copy of the write end first, so that
 * a peer which dies before signalling shows up as EOF instead of a hang.
 * @param ready      channel created by ipc_ready_init()
 * @param timeout_ms how long to wait; -1 waits for ever
 * @return 0 when ready; -1 with errno ETIMEDOUT (no signal in time),
 *         EPIPE (the peer closed without signalling) or from poll/read.
 */
int ipc_ready_wait(struct ipc_ready *ready, int timeout_ms);

/**
 * @brief Close both ends of a readiness channel (those still open).
 * @param ready channel to close
 */
void ipc_ready_close(struct ipc_ready *ready);

/**
 * @brief waitpid() that retries on EINTR.
 * @param pid    child to wait for
 * @param status receives the wait status (may be NULL)
 * @return the child's pid; -1 with errno set by waitpid(2).
 */
pid_t ipc_waitpid(pid_t pid, int *status);

/**
 * @brief Wait for a child with a time limit, using a pidfd (no sleeping).
 * @param pid        child to wait for
 * @param status     receives the wait status (may be NULL)
 * @param timeout_ms how long to wait; -1 waits for ever
 * @return the child's pid; -1 with errno ETIMEDOUT when it is still running
 *         after @p timeout_ms (it is not killed), or from pidfd_open/waitpid.
 */
pid_t ipc_waitpid_timeout(pid_t pid, int *status, int timeout_ms);

/**
 * @brief Describe a wait status in words, e.g. "exited with status 3" or
 *        "killed by signal 13 (SIGPIPE)".
 * @param status  a status from waitpid()
 * @param out     destination buffer
 * @param out_len its size
 * @return @p out
 */
const char *ipc_describe_status(int status, char *out, size_t out_len);

/**
 * @brief A process's state letter and command name, from /proc/PID/stat.
 * @param pid      the process
 * @param comm     receives its command name (may be NULL)
 * @param comm_len size of @p comm
 * @return the state letter ('R', 'S', 'Z' for a zombie, ...), or '?' if the
 *         process does not exist (any more).
 */
char ipc_process_state(pid_t pid, char *comm, size_t comm_len);

/**
 * @brief A 32-bit FNV-1a checksum, to show that bytes arrived whole and in
 *        order (not for security).
 * @param buf the bytes
 * @param len how many
 * @return the checksum.
 */
uint32_t ipc_checksum(const void *buf, size_t len);

/**
 * @brief Fill @p buf with a pattern in which a lost, repeated or swapped
 *        chunk shows up (no period that divides common buffer sizes).
 * @param buf  where to write
 * @param len  how many bytes
 * @param seed varies the pattern (e.g. per message or per sender)
 */
void ipc_fill_pattern(void *buf, size_t len, unsigned seed);

/**
 * @brief Monotonic clock in nanoseconds, for measuring durations.
 * @return nanoseconds since an arbitrary fixed point.
 */
uint64_t ipc_now_ns(void);

/**
 * @brief Symbolic name of an errno value ("EPIPE"), or "E?" if unknown.
 * @param err an errno value
 * @return a static string.
 */
const char *ipc_errno_name(int err);

/**
 * @brief Print "prog: what: ENAME (description)" to stderr and exit(1).
 *
 * For demo programs only; library code returns -1 instead.
 * @param what the call or operation that failed
 */
_Noreturn void ipc_die_errno(const char *what);

/**
 * @brief Print "prog: message" (printf-style) to stderr and exit(1).
 * @param fmt printf format
 */
_Noreturn void ipc_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif /* IPC_UTIL_H */
