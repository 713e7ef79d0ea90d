/* SPDX-License-Identifier: MIT */
/**
 * @file sockpair.h
 * @brief Lab 08, socketpair: the functions you implement in sockpair.c.
 *
 * Every function follows the POSIX convention: it returns 0, a count or a
 * descriptor on success and -1 with errno set on failure. None of them exits
 * the process (only the child that sockpair_spawn() forks ends, with
 * _exit()). See labs/08-socketpair/README.md for the background and the steps.
 */
#ifndef SOCKPAIR_LAB_H
#define SOCKPAIR_LAB_H

#include <stddef.h>
#include <sys/types.h>

/**
 * @brief What the child of sockpair_spawn() runs.
 * @param sock the child's end of the socketpair
 * @param arg  the pointer given to sockpair_spawn()
 * @return the child's exit status (0-255).
 */
typedef int sockpair_serve_fn(int sock, void *arg);

/**
 * @brief Step 1: fork a child connected to the parent by one socketpair.
 *
 * Creates a pair of connected AF_UNIX sockets of type @p type with
 * socketpair(2) and forks. The child closes the parent's end, runs
 * `serve(child_end, arg)` and ends with `_exit()` of what serve returned
 * (it never returns from this function). The parent closes the child's end
 * and returns its own end. Each process must close the end it does not use:
 * a socket reports EOF only when every descriptor of the peer socket is
 * closed, and a process holding both ends never sees the other one leave.
 * @param type   SOCK_STREAM, SOCK_SEQPACKET or SOCK_DGRAM
 * @param serve  what the child runs (must not be NULL)
 * @param arg    passed to @p serve in the child
 * @param child  receives the child's pid; the caller reaps it with waitpid()
 * @return the parent's end of the pair (a new descriptor);
 *         -1 with errno set: EINVAL (@p serve or @p child is NULL), or from
 *         socketpair(2) or fork(2) (nothing is left open, no child runs).
 */
int sockpair_spawn(int type, sockpair_serve_fn *serve, void *arg, pid_t *child);

/**
 * @brief Step 1: send a whole message and receive the peer's, both at once.
 *
 * Sends the @p out_len bytes of @p out on the stream socket @p sock, then
 * half-closes it with shutdown(SHUT_WR) so that the peer reads EOF; at the
 * same time reads everything the peer sends until its EOF. Both directions
 * are in flight together (poll(2) for POLLIN and POLLOUT, send and receive
 * whatever is possible without blocking), so two processes that both call
 * this with messages much larger than the socket buffers do not deadlock.
 * A write to a peer that has gone must fail with EPIPE, not raise SIGPIPE.
 * The descriptor's file status flags are the same afterwards as before.
 * @param sock    a connected SOCK_STREAM socket (blocking or not)
 * @param out     the bytes to send
 * @param out_len how many (0 is fine: only the half-close is sent)
 * @param in      receives a malloc'd buffer with everything the peer sent
 *                (never NULL on success, even for 0 bytes); the caller
 *                frees it. Left unchanged on failure.
 * @return the number of bytes received; -1 with errno set: EPIPE or
 *         ECONNRESET (the peer closed before taking everything), ENOMEM, or
 *         from poll(2), send(2), recv(2) or shutdown(2).
 */
ssize_t sockpair_exchange(int sock, const void *out, size_t out_len, char **in);

/**
 * @brief Step 2: send @p len bytes as exactly one message.
 *
 * On a SOCK_SEQPACKET or SOCK_DGRAM socket one send is one message: the
 * receiver gets it whole, in one receive, never merged with the next one.
 * So never split a message into several sends. Retries on EINTR; a peer
 * that has gone gives EPIPE, not SIGPIPE.
 * @param sock a connected SOCK_SEQPACKET (or SOCK_DGRAM) socket
 * @param buf  the message
 * @param len  its length in bytes (at least 1: on SOCK_SEQPACKET an empty
 *             message cannot be told apart from EOF)
 * @return @p len; -1 with errno set: EMSGSIZE (larger than the socket's
 *         send buffer allows), EPIPE, or from send(2).
 */
ssize_t sockpair_send_msg(int sock, const void *buf, size_t len);

/**
 * @brief Step 2: receive exactly one message.
 *
 * One call returns one message, whatever its size. A message longer than
 * @p cap does not fit: the kernel drops its tail and sets MSG_TRUNC in
 * msghdr.msg_flags (see recvmsg(2)); report that as EMSGSIZE rather than
 * returning part of a message as if it were all of it. Retries on EINTR.
 * @param sock a connected SOCK_SEQPACKET (or SOCK_DGRAM) socket
 * @param buf  where to put the message
 * @param cap  size of @p buf
 * @return the message's length; 0 when the peer has closed (EOF);
 *         -1 with errno set: EMSGSIZE (the message was longer than @p cap;
 *         it is gone), or from recvmsg(2).
 */
ssize_t sockpair_recv_msg(int sock, void *buf, size_t cap);

/**
 * @brief Step 3: pass an open file descriptor to the peer (SCM_RIGHTS).
 *
 * Sends one byte of ordinary data with a control message of level
 * SOL_SOCKET, type SCM_RIGHTS, carrying @p fd. The peer receives a new
 * descriptor that refers to the same open file (same file, same offset,
 * same status flags). Size the control buffer with CMSG_SPACE(sizeof(int))
 * and set cmsg_len to CMSG_LEN(sizeof(int)). The caller still owns @p fd and
 * may close it afterwards.
 * @param sock a connected AF_UNIX socket
 * @param fd   the descriptor to pass
 * @return 0; -1 with errno set by sendmsg(2) (EBADF if @p fd is not open,
 *         EPIPE if the peer has gone).
 */
int sockpair_send_fd(int sock, int fd);

/**
 * @brief Step 3: receive a descriptor sent with sockpair_send_fd().
 *
 * Receives the one byte of data and the SCM_RIGHTS control message, and
 * returns the descriptor it carries. The control buffer must be large
 * enough (CMSG_SPACE(sizeof(int))): if it is not, the kernel discards the
 * descriptor and sets MSG_CTRUNC. The new descriptor is close-on-exec.
 * @param sock a connected AF_UNIX socket
 * @return the new descriptor; -1 with errno set: EBADMSG (the message
 *         carried no descriptor, more than one, or the control data was
 *         truncated; any descriptor that did arrive is closed), ECONNRESET
 *         (the peer closed before sending one), or from recvmsg(2).
 */
int sockpair_recv_fd(int sock);

/**
 * @brief Step 4: who is on the other end? (SO_PEERCRED)
 *
 * Asks the kernel with getsockopt(SOL_SOCKET, SO_PEERCRED) for the
 * credentials of the peer socket. The kernel recorded them when the
 * connection was made: for a socketpair, that is the process that called
 * socketpair(), even after a fork() handed one end to a child.
 * @param sock a connected AF_UNIX socket
 * @param pid  receives the peer's process id (may be NULL)
 * @param uid  receives the peer's effective user id (may be NULL)
 * @param gid  receives the peer's effective group id (may be NULL)
 * @return 0; -1 with errno set by getsockopt(2) (ENOTSOCK for a descriptor
 *         that is not a socket, EBADF).
 */
int sockpair_peer_cred(int sock, pid_t *pid, uid_t *uid, gid_t *gid);

#endif /* SOCKPAIR_LAB_H */
