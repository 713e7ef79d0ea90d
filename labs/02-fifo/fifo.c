/* SPDX-License-Identifier: MIT */
/**
 * @file fifo.c
 * @brief Lab 02, named pipes (FIFOs): your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=02 STEP=n`. Read README.md first. The
 * helpers of common/ipc_util.h (ipc_read_all, ipc_path_join, ...) are
 * yours to use.
 */
#include "fifo.h"
#include "ipc_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
fifo_create(const char *path, mode_t mode)
{
	/* TODO(step 1): try mkfifo() first; it fails with EEXIST when
	 * anything is already at path. Then stat() the path: a FIFO is
	 * success (return 0), anything else fails with EEXIST and stays
	 * untouched. Any other mkfifo error is returned as it is.
	 * Read: man 3 mkfifo, man 2 stat (S_ISFIFO), man 7 fifo. */
	(void)path;
	(void)mode;
	errno = ENOSYS;
	return -1;
}

int
fifo_open_pair(const char *path, int fds[2])
{
	/* TODO(step 2): open(O_RDONLY | O_NONBLOCK) so the open does not
	 * wait for a writer; then open(O_WRONLY), which cannot block now
	 * that a reader exists; then clear O_NONBLOCK on the read end with
	 * fcntl(F_GETFL/F_SETFL). On failure close what you opened.
	 * Read: man 7 fifo, man 2 open (O_NONBLOCK), man 2 fcntl. */
	(void)path;
	(void)fds;
	errno = ENOSYS;
	return -1;
}

long
fifo_seq_serve(const char *path, long max_requests, int ready_fd)
{
	/* TODO(step 2): fifo_create(path, 0600), fifo_open_pair(), write
	 * one byte to ready_fd. Loop: read one whole struct fifo_request,
	 * open its reply_path for writing, write one struct fifo_reply.
	 * To stop: unlink(path), close your write end, answer what is still
	 * in the FIFO with status ESHUTDOWN until read() returns 0, close.
	 * Step 3: open reply FIFOs with fifo_open_writer() and skip a client
	 * that is gone. Read: man 7 fifo, man 7 pipe ("PIPE_BUF"). */
	(void)path;
	(void)max_requests;
	(void)ready_fd;
	errno = ENOSYS;
	return -1;
}

int
fifo_seq_request(const char *server_path, const char *dir, long *number)
{
	/* TODO(step 2): put a reply FIFO with a unique name (your pid) in
	 * dir, fifo_create() and fifo_open_pair() it BEFORE sending; open
	 * the server FIFO for writing, send one struct fifo_request with
	 * ONE write() and close it; read the struct fifo_reply; unlink the
	 * reply FIFO on every path. Share this code with fifo_seq_shutdown()
	 * in a static helper. Step 3: open the server FIFO with
	 * fifo_open_writer() so "no server" is ENXIO, not a hang.
	 * Read: man 3 mkfifo, man 2 unlink, man 7 pipe. */
	(void)server_path;
	(void)dir;
	(void)number;
	errno = ENOSYS;
	return -1;
}

long
fifo_seq_shutdown(const char *server_path, const char *dir)
{
	/* TODO(step 2): the same exchange as fifo_seq_request(), with kind
	 * FIFO_REQ_SHUTDOWN; return the reply's number. */
	(void)server_path;
	(void)dir;
	errno = ENOSYS;
	return -1;
}

int
fifo_open_writer(const char *path)
{
	/* TODO(step 3): open(O_WRONLY | O_NONBLOCK | O_CLOEXEC) fails with
	 * ENXIO at once when no process has the FIFO open for reading.
	 * fstat() the fd: not a FIFO is EINVAL. Then clear O_NONBLOCK so
	 * writes block as usual. Read: man 7 fifo, man 2 open (ENXIO). */
	(void)path;
	errno = ENOSYS;
	return -1;
}
