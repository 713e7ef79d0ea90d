/* SPDX-License-Identifier: MIT */
/**
 * @file fifo.c
 * @brief Lab 02 reference solution: named pipes (all three steps).
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

/* ------------------------------------------------------- step 1: create */

int
fifo_create(const char *path, mode_t mode)
{
	struct stat st;

	if (mkfifo(path, mode) == 0)
		return 1;
	if (errno != EEXIST)
		return -1; /* ENOENT, EACCES, ...: nothing is there to reuse */
	/* Something is there: reuse it only if it is a FIFO. Trying mkfifo
	 * first (rather than stat first) leaves no window in which another
	 * process could create the FIFO between our check and our mkfifo. */
	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISFIFO(st.st_mode)) {
		errno = EEXIST; /* a file or a directory: never remove it */
		return -1;
	}
	return 0;
}

/* ------------------------------------------- step 2: server and client */

/** Switch O_NONBLOCK off on @p fd, keeping its other flags. */
static int
set_blocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags == -1)
		return -1;
	return fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

int
fifo_open_pair(const char *path, int fds[2])
{
	/* O_NONBLOCK: a reader's open returns at once, writer or not. */
	int rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), wfd;

	if (rfd == -1)
		return -1;
	/* Now that a reader exists, opening for writing cannot block. */
	wfd = open(path, O_WRONLY | O_CLOEXEC);
	if (wfd == -1 || set_blocking(rfd) == -1) {
		ipc_close_quietly(wfd);
		ipc_close_quietly(rfd);
		return -1;
	}
	fds[0] = rfd; /* blocking: read() waits for data ...           */
	fds[1] = wfd; /* ... and never sees EOF while we hold this end */
	return 0;
}

/** Write one reply to the client that sent @p req; 0 or -1 with errno. */
static int
send_reply(const struct fifo_request *req, int32_t status, int64_t number)
{
	struct fifo_reply reply = { .status = status, .number = number };
	ssize_t n;
	int fd;

	if (memchr(req->reply_path, '\0', sizeof(req->reply_path)) == NULL) {
		errno = EINVAL; /* no terminated path: nowhere to answer */
		return -1;
	}
	/* Never block on a client: if it is gone (no reader), skip it. */
	fd = fifo_open_writer(req->reply_path);
	if (fd == -1)
		return -1;
	n = write(fd, &reply, sizeof(reply)); /* <= PIPE_BUF: all or nothing */
	close(fd);
	if (n == -1)
		return -1; /* EPIPE: the client left after we opened */
	return 0;
}

/** Read one whole request; 1, 0 at EOF, or -1 with errno. */
static int
read_request(int fd, struct fifo_request *req)
{
	ssize_t n = ipc_read_all(fd, req, sizeof(*req));

	if (n == -1)
		return -1;
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(*req)) {
		errno = EIO; /* truncated: writers must send whole requests */
		return -1;
	}
	return 1;
}

/**
 * Stop serving: remove the name, give up our own write end, and refuse
 * every request still in the FIFO, so that no client waits for ever.
 */
static void
stop_serving(const char *path, int fds[2])
{
	struct fifo_request req;

	unlink(path);  /* new clients now fail with ENOENT */
	close(fds[1]); /* read() returns 0 once the last client closes */
	while (read_request(fds[0], &req) == 1)
		send_reply(&req, ESHUTDOWN, -1); /* best effort */
	close(fds[0]);
}

long
fifo_seq_serve(const char *path, long max_requests, int ready_fd)
{
	struct fifo_request req;
	long served = 0;
	int fds[2], created, got, saved;
	bool failed = false;

	created = fifo_create(path, 0600);
	if (created == -1)
		return -1;
	if (fifo_open_pair(path, fds) == -1) {
		saved = errno;
		if (created)
			unlink(path); /* remove only what we made */
		errno = saved;
		return -1;
	}
	if (ready_fd >= 0 && ipc_write_all(ready_fd, "R", 1) == -1)
		failed = true;
	while (!failed && (max_requests <= 0 || served < max_requests)) {
		got = read_request(fds[0], &req);
		if (got != 1) {
			if (got == 0)
				errno = EIO; /* we hold a write end: no EOF */
			failed = true;
		} else if (req.kind == FIFO_REQ_SHUTDOWN) {
			send_reply(&req, 0, served);
			break;
		} else if (req.kind != FIFO_REQ_NUMBER) {
			send_reply(&req, EINVAL, -1);
		} else if (send_reply(&req, 0, served) == 0) {
			served++; /* a number is used up only once delivered */
		}
	}
	saved = errno;
	stop_serving(path, fds);
	if (failed) {
		errno = saved;
		return -1;
	}
	return served;
}

/**
 * The client side of one exchange: send a request of @p kind from a fresh
 * reply FIFO in @p dir and wait for the server's reply.
 */
static int
exchange(const char *server_path, const char *dir, int32_t kind,
	 struct fifo_reply *reply)
{
	static unsigned exchanges; /* unique names for successive requests */
	struct fifo_request req = { .kind = kind, .pid = (int32_t)getpid() };
	char name[64];
	int fds[2] = { -1, -1 }, server_fd = -1, saved;
	ssize_t n;

	snprintf(name, sizeof(name), "seq-client-%ld-%u.fifo", (long)getpid(),
		 exchanges++);
	if (ipc_path_join(req.reply_path, sizeof(req.reply_path), dir, name) ==
	    -1)
		return -1;
	if (fifo_create(req.reply_path, 0600) == -1)
		return -1;
	/* Be a reader before asking, so the server's open never fails. */
	if (fifo_open_pair(req.reply_path, fds) == -1)
		goto fail;
	server_fd = fifo_open_writer(server_path); /* ENXIO: no server */
	if (server_fd == -1)
		goto fail;
	n = write(server_fd, &req, sizeof(req)); /* one atomic write */
	close(server_fd); /* a stopping server reads until all clients close */
	if (n != (ssize_t)sizeof(req)) {
		if (n != -1)
			errno = EIO;
		goto fail;
	}
	/* We hold a write end too, so this waits for the reply, never EOF. */
	n = ipc_read_all(fds[0], reply, sizeof(*reply));
	if (n != (ssize_t)sizeof(*reply)) {
		if (n != -1)
			errno = EIO;
		goto fail;
	}
	close(fds[0]);
	close(fds[1]);
	unlink(req.reply_path);
	if (reply->status != 0) {
		errno = reply->status; /* e.g. ESHUTDOWN: refused */
		return -1;
	}
	return 0;
fail:
	saved = errno;
	ipc_close_quietly(fds[0]);
	ipc_close_quietly(fds[1]);
	unlink(req.reply_path); /* every path removes what we created */
	errno = saved;
	return -1;
}

int
fifo_seq_request(const char *server_path, const char *dir, long *number)
{
	struct fifo_reply reply;

	if (exchange(server_path, dir, FIFO_REQ_NUMBER, &reply) == -1)
		return -1;
	*number = (long)reply.number;
	return 0;
}

long
fifo_seq_shutdown(const char *server_path, const char *dir)
{
	struct fifo_reply reply;

	if (exchange(server_path, dir, FIFO_REQ_SHUTDOWN, &reply) == -1)
		return -1;
	return (long)reply.number;
}

/* ---------------------------------------------- step 3: no reader, no hang */

int
fifo_open_writer(const char *path)
{
	/* O_NONBLOCK: fail with ENXIO instead of waiting for a reader. */
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC), saved;
	struct stat st;

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISFIFO(st.st_mode)) {
		errno = EINVAL; /* a file someone named: never write into it */
		goto fail;
	}
	if (set_blocking(fd) == -1) /* so a full FIFO makes write() wait */
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
