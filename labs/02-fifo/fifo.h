/* SPDX-License-Identifier: MIT */
/**
 * @file fifo.h
 * @brief Lab 02, named pipes (FIFOs): the functions you implement in fifo.c,
 *        and the sequence-number protocol their server and clients share.
 *
 * Every function follows the POSIX convention: it returns 0 or a count on
 * success and -1 with errno set on failure. None of them exits the process.
 * Every path is the caller's: nothing here invents a name in /tmp.
 * See labs/02-fifo/README.md for the background and the steps.
 */
#ifndef FIFO_LAB_H
#define FIFO_LAB_H

#include <limits.h> /* PIPE_BUF */
#include <stdint.h>
#include <sys/types.h>

/* --------------------------------------------------------- the protocol */

/** @brief Room for a client's reply FIFO path in a request, NUL included. */
#define FIFO_REPLY_PATH_MAX 1024

/** @brief Kinds of request a client can send to the server. */
enum fifo_request_kind {
	FIFO_REQ_NUMBER = 1,   /**< "give me the next sequence number" */
	FIFO_REQ_SHUTDOWN = 2, /**< "stop serving" (the server acknowledges) */
};

/**
 * @brief What a client writes to the server's FIFO: always exactly
 *        `sizeof(struct fifo_request)` bytes, in one write().
 *
 * Many clients write to the same server FIFO. A write of at most PIPE_BUF
 * bytes is atomic: it never mixes with another process's write. So a
 * request must fit in PIPE_BUF (checked below) and go out in a single
 * write() call; anything else can interleave with other clients' requests.
 */
struct fifo_request {
	int32_t kind; /**< a fifo_request_kind */
	int32_t pid;  /**< the client's pid, for the server's logs */
	/** Absolute path of the client's reply FIFO, NUL-terminated. The client
	 *  creates it and opens it for reading before it sends the request. */
	char reply_path[FIFO_REPLY_PATH_MAX];
};

/* The compiler checks the rule above (hidden from Doxygen, which would
 * take this for a function). */
/** @cond */
_Static_assert(sizeof(struct fifo_request) <= PIPE_BUF,
	       "a request over PIPE_BUF bytes is not written atomically");
/** @endcond */

/**
 * @brief What the server writes to a client's reply FIFO, in one write().
 */
struct fifo_reply {
	int32_t status;	 /**< 0: served; else an errno value, e.g. ESHUTDOWN
			      when the server stopped before serving it */
	int32_t padding; /**< always 0: no uninitialised bytes on the wire */
	int64_t number;	 /**< FIFO_REQ_NUMBER: the number given to the client;
			      FIFO_REQ_SHUTDOWN: how many numbers were given */
};

/* ----------------------------------------------------------------- step 1 */

/**
 * @brief Step 1: make sure a FIFO exists at @p path (idempotent mkfifo).
 *
 * Creates the FIFO if nothing is there. If a FIFO is already there (left by
 * an earlier run, or made by another process at the same moment), that is
 * success too. If something else is there (a file, a directory), nothing is
 * touched and the call fails with EEXIST.
 * @param path where the FIFO lives
 * @param mode permission bits, as for mkfifo(3) (the umask applies)
 * @return 1 if this call created the FIFO, 0 if a FIFO was already there;
 *         -1 with errno EEXIST (something that is not a FIFO is at @p path),
 *         or from mkfifo(3)/stat(2) (ENOENT: no such directory, EACCES, ...).
 */
int fifo_create(const char *path, mode_t mode);

/* ----------------------------------------------------------------- step 2 */

/**
 * @brief Step 2: open the FIFO at @p path for reading, without waiting for a
 *        writer, and hold a write end of our own.
 *
 * A plain open(O_RDONLY) waits until some process opens the FIFO for
 * writing; with O_NONBLOCK it returns at once. A reader sees EOF (read()
 * returns 0) whenever no writer is left, for instance between two clients;
 * holding a write end ourselves means read() waits for data instead.
 * @param path an existing FIFO
 * @param fds  receives fds[0], open for reading in blocking mode, and
 *             fds[1], open for writing (like pipe(2), but with a name)
 * @return 0; -1 with errno from open(2)/fcntl(2) (ENOENT, EACCES, ...), in
 *         which case nothing stays open.
 */
int fifo_open_pair(const char *path, int fds[2]);

/**
 * @brief Step 2: run the sequence-number server on the FIFO at @p path.
 *
 * Creates the FIFO (fifo_create(), mode 0600), opens it with
 * fifo_open_pair(), then tells the caller it is ready by writing one byte
 * to @p ready_fd. It then reads requests one at a time and answers each
 * FIFO_REQ_NUMBER with the next number (0, 1, 2, ...), writing a
 * struct fifo_reply to the client's reply FIFO. A number is used up only
 * when its reply was written.
 *
 * It stops after @p max_requests numbers, or on a FIFO_REQ_SHUTDOWN request
 * (acknowledged with status 0 and the count given so far). Stopping means:
 * unlink the FIFO (new clients get ENOENT), close its own write end, then
 * answer every request still in the FIFO with status ESHUTDOWN until read()
 * returns 0, so no client is left waiting for ever; then close.
 *
 * Like any server, run it with SIGPIPE ignored: a client that vanishes while
 * we write its reply then costs an EPIPE, not the server's life.
 * @param path         the server's well-known FIFO (created, then removed)
 * @param max_requests stop after this many numbers; 0 or less: no limit
 * @param ready_fd     where to write one byte once clients may connect
 *                     (not closed by the server); -1 for none
 * @return how many numbers were given out; -1 with errno set (from
 *         fifo_create, open, read or write) if the server could not run.
 */
long fifo_seq_serve(const char *path, long max_requests, int ready_fd);

/**
 * @brief Step 2: ask the server at @p server_path for the next number.
 *
 * Creates a reply FIFO with a name unique to this process in @p dir, opens
 * it with fifo_open_pair() (so the server can always open it for writing),
 * sends one struct fifo_request naming it in a single write(), closes the
 * server FIFO, reads the struct fifo_reply, and removes the reply FIFO on
 * every path, success or failure. One request at a time per process.
 * @param server_path the server's FIFO
 * @param dir         directory for the reply FIFO (absolute, so the server
 *                    can find it), e.g. the caller's private temp dir
 * @param number      receives the number
 * @return 0; -1 with errno ESHUTDOWN (the server stopped before serving us),
 *         ENXIO (step 3: the FIFO exists but no server reads it), ENOENT
 *         (no server FIFO), ENAMETOOLONG (@p dir too long for a request),
 *         EIO (bad reply), or from mkfifo/open/read/write.
 */
int fifo_seq_request(const char *server_path, const char *dir, long *number);

/**
 * @brief Step 2: ask the server at @p server_path to stop, and wait for its
 *        acknowledgement. Works like fifo_seq_request().
 * @param server_path the server's FIFO
 * @param dir         directory for the reply FIFO (absolute)
 * @return how many numbers the server gave out; -1 with errno set as for
 *         fifo_seq_request().
 */
long fifo_seq_shutdown(const char *server_path, const char *dir);

/* ----------------------------------------------------------------- step 3 */

/**
 * @brief Step 3: open a FIFO for writing without ever blocking.
 *
 * A plain open(O_WRONLY) on a FIFO waits until some process opens it for
 * reading: for ever, if the server is not running or the client is gone.
 * With O_NONBLOCK the open fails at once with ENXIO instead. The returned
 * fd is put back in blocking mode, so that a write to a full FIFO waits
 * rather than failing with EAGAIN.
 * @param path the FIFO
 * @return a descriptor open for writing (blocking mode, close-on-exec);
 *         -1 with errno ENXIO (nobody has the FIFO open for reading),
 *         EINVAL (@p path is not a FIFO: never write into a regular file a
 *         request named), or from open(2) (ENOENT, EACCES, ...).
 */
int fifo_open_writer(const char *path);

#endif /* FIFO_LAB_H */
