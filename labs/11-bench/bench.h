/* SPDX-License-Identifier: MIT */
/**
 * @file bench.h
 * @brief Lab 11, measure don't believe: the functions you implement in
 *        bench.c.
 *
 * Two layers. The harness (step 1) times an operation many times with a
 * monotonic clock, leaves the warm-up out, keeps every sample and turns them
 * into percentiles; it fills each message with a pattern and checks every
 * byte that comes back. The channels (steps 2 to 6) move messages of any
 * size, 1 byte to 1 MiB, between a parent and the child it forks, over one
 * mechanism each. bench_pingpong() and bench_stream() put the two together.
 *
 * Every function follows the POSIX convention: 0 or a count on success, -1
 * with errno set on failure. None of them exits the process. See
 * labs/11-bench/README.md for the background and the steps.
 */
#ifndef BENCH_LAB_H
#define BENCH_LAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** @brief The largest message a channel carries: 1 MiB. */
#define BENCH_MAX_SIZE ((size_t)1 << 20)

/** @brief The largest message a signal carries: the int of its value. */
#define BENCH_SIGNAL_MAX_SIZE sizeof(int)

/** @brief The mechanisms, one channel each. */
enum bench_mech {
	BENCH_PIPE,	   /**< step 2: two pipes, one per direction */
	BENCH_FIFO,	   /**< step 2: two FIFOs in the caller's directory */
	BENCH_SOCKETPAIR,  /**< step 2: one AF_UNIX SOCK_STREAM socketpair */
	BENCH_SYSV_MQ,	   /**< step 3: one System V queue, a type a way */
	BENCH_POSIX_MQ,	   /**< step 3: two POSIX queues, one per direction */
	BENCH_SHM_SEM,	   /**< step 4: shared rings, POSIX semaphores */
	BENCH_SHM_SPIN,	   /**< step 4: shared rings, spinning on C11 atomics */
	BENCH_UNIX_STREAM, /**< step 5: AF_UNIX SOCK_STREAM, bound in the dir */
	BENCH_UNIX_DGRAM,  /**< step 5: two bound AF_UNIX SOCK_DGRAM sockets */
	BENCH_TCP,	   /**< step 5: TCP on 127.0.0.1, an ephemeral port */
	BENCH_SIGNAL,	   /**< step 6: SIGUSR1 with a value (ping-pong only) */
	BENCH_N_MECHS	   /**< how many there are */
};

/**
 * @brief A mechanism's short name, as the demo and `make bench` print it.
 * @param mech a mechanism
 * @return a static string ("pipe", "fifo", ...), "?" if out of range.
 */
static inline const char *
bench_mech_name(enum bench_mech mech)
{
	static const char *const names[BENCH_N_MECHS] = {
		"pipe",	      "fifo",	 "socketpair", "sysv-mq",
		"posix-mq",   "shm-sem", "shm-spin",   "unix-stream",
		"unix-dgram", "tcp",	 "signal",
	};

	return (unsigned)mech < BENCH_N_MECHS ? names[mech] : "?";
}

/** @brief Where the two processes of a benchmark run. */
enum bench_pin {
	BENCH_PIN_NONE,	 /**< where the scheduler likes (not pinned) */
	BENCH_PIN_SPLIT, /**< two different CPUs, if two are allowed */
	BENCH_PIN_SHARE	 /**< both on the same CPU */
};

/** @brief Percentiles and friends of a set of samples, in nanoseconds. */
struct bench_stats {
	size_t n;	 /**< how many samples */
	uint64_t min_ns; /**< the smallest */
	uint64_t p50_ns; /**< the median (nearest rank) */
	uint64_t p90_ns; /**< the 90th percentile (nearest rank) */
	uint64_t p99_ns; /**< the 99th percentile (nearest rank) */
	uint64_t max_ns; /**< the largest */
	double mean_ns;	 /**< the average (for comparison only) */
};

/** @brief A channel between a parent and its child (defined in bench.c). */
struct bench_chan;

/** @brief What to measure. Zero it, then set the fields. */
struct bench_config {
	enum bench_mech mech; /**< the mechanism */
	size_t size;	      /**< bytes per message, 1 to BENCH_MAX_SIZE */
	unsigned warmup;      /**< iterations run first and not measured */
	unsigned iters;	      /**< measured iterations, one sample each */
	const char *dir;      /**< a directory of the caller's for FIFOs
				   and socket files (may be NULL for the
				   mechanisms that need none) */
	enum bench_pin pin;   /**< where the processes run */
	/**
	 * What the child runs once its end is attached: NULL for the
	 * standard peer (bench_echo() for a ping-pong, bench_stream_send()
	 * for a stream). Its return value, 0 or -1, decides the child's exit
	 * status. The grader puts faulty peers here.
	 */
	int (*peer)(struct bench_chan *ch, const struct bench_config *cfg);
};

/** @brief What a benchmark measured. */
struct bench_result {
	struct bench_stats lat; /**< per iteration: a round trip (ping-pong)
				     or receiving one message (stream) */
	uint64_t elapsed_ns;	/**< the measured iterations, together */
	double mb_per_s;	/**< payload moved per second, in MB (10^6
				     bytes): both ways for a ping-pong */
	int cpus[2];		/**< CPU of the parent and of the child;
				     -1 when not pinned */
};

/* ------------------------------------------------- step 1: the harness */

/**
 * @brief An operation bench_measure() times (one round trip, one message):
 *        it takes the @p arg given to bench_measure() and returns 0, or -1
 *        with errno set on failure.
 */
typedef int (*bench_op_fn)(void *arg);

/**
 * @brief Step 1: now, on the monotonic clock, in nanoseconds.
 *
 * CLOCK_MONOTONIC never jumps (the wall clock, CLOCK_REALTIME or
 * gettimeofday(), does, when NTP or a person sets it). Nanoseconds since
 * boot need 64 bits: 2^32 ns is only 4.3 s.
 * @return nanoseconds since an arbitrary fixed point (boot, on Linux).
 */
uint64_t bench_now_ns(void);

/**
 * @brief Step 1: run @p op @p warmup times untimed, then @p iters times,
 *        timing each call on its own with bench_now_ns().
 * @param op      the operation: returns 0, or -1 with errno set
 * @param arg     passed to @p op
 * @param warmup  calls made first and not measured
 * @param iters   measured calls (at least 1)
 * @param samples receives @p iters durations in ns: samples[i] is the
 *                i-th measured call, in order
 * @return 0; -1 with errno EINVAL (@p iters 0, NULL pointers) or with
 *         the errno of @p op the first time it fails (no call after it).
 */
int bench_measure(bench_op_fn op, void *arg, unsigned warmup, unsigned iters,
		  uint64_t *samples);

/**
 * @brief Step 1: the statistics of @p n samples, from all of them.
 *
 * Sorts @p samples in place (ascending). The p-th percentile is the
 * nearest-rank one: the sample at index ceil(p * n / 100) - 1 of the
 * sorted samples, so that p % of the samples are at most that value.
 * @param samples the samples (reordered)
 * @param n       how many (at least 1)
 * @param stats   receives the result
 * @return 0; -1 with errno EINVAL when @p n is 0 or a pointer is NULL.
 */
int bench_stats_compute(uint64_t *samples, size_t n, struct bench_stats *stats);

/**
 * @brief Step 1: fill a message with the pattern of message number @p seq.
 *
 * Every byte depends on @p seq and on its offset, so a lost, repeated,
 * reordered, shifted or corrupted piece of a message shows.
 * @param buf where to write
 * @param len how many bytes
 * @param seq the message's sequence number
 */
void bench_fill(void *buf, size_t len, uint64_t seq);

/**
 * @brief Step 1: check every byte of a message against the pattern that
 *        bench_fill() writes for @p seq.
 * @param buf the message
 * @param len its length
 * @param seq the sequence number it must carry
 * @return 0 when every byte matches; -1 with errno EBADMSG otherwise.
 */
int bench_check(const void *buf, size_t len, uint64_t seq);

/**
 * @brief Step 1: choose the CPUs of the parent and of the child.
 *
 * From the CPUs this process may run on (sched_getaffinity()), never a
 * fixed number: BENCH_PIN_SPLIT gives the first two allowed CPUs (the
 * same one twice if only one is allowed), BENCH_PIN_SHARE the first
 * allowed one twice, BENCH_PIN_NONE -1 twice.
 * @param pin  the placement wanted
 * @param cpus receives the parent's CPU, then the child's
 * @return 0; -1 with errno EINVAL (bad @p pin) or from sched_getaffinity.
 */
int bench_choose_cpus(enum bench_pin pin, int cpus[2]);

/* ------------------------------------------ steps 2 to 6: the channels */

/**
 * @brief Steps 2-6: create a channel of mechanism @p mech, in the parent,
 *        before it forks.
 *
 * Makes what both processes need (pipes, FIFOs, a queue, shared memory, a
 * listening socket...), each name unique to this channel: files only in
 * @p dir, System V objects with IPC_PRIVATE, POSIX names made from the
 * process id and a counter and unlinked as soon as they are open.
 * @param mech     the mechanism
 * @param max_size the largest message it must carry (1 to BENCH_MAX_SIZE;
 *                 at most BENCH_SIGNAL_MAX_SIZE for BENCH_SIGNAL)
 * @param dir      the caller's directory, for FIFOs and socket files
 * @return a new channel; NULL with errno set (EINVAL, or from the calls).
 */
struct bench_chan *bench_chan_create(enum bench_mech mech, size_t max_size,
				     const char *dir);

/**
 * @brief Steps 2-6: after fork(), make this process one end of @p ch.
 * @param ch   the channel (the parent's, or the child's copy)
 * @param end  0 in the parent, 1 in the child
 * @param peer the other process's pid (the child's in the parent,
 *             getppid() in the child)
 * @return 0; -1 with errno set.
 */
int bench_chan_attach(struct bench_chan *ch, int end, pid_t peer);

/**
 * @brief Steps 2-6: send one message of @p len bytes to the other end.
 *
 * Whatever the mechanism's own limits, the whole message goes: split into
 * pieces where a mechanism takes less at once; short writes and EINTR
 * resumed.
 * @param ch  an attached channel
 * @param buf the message
 * @param len its length (1 to the channel's max_size)
 * @return 0; -1 with errno set (EMSGSIZE above max_size).
 */
int bench_chan_send(struct bench_chan *ch, const void *buf, size_t len);

/**
 * @brief Steps 2-6: receive one message of exactly @p len bytes.
 *
 * Short reads and EINTR are resumed; a piece of the wrong size, or the
 * other end closing, is an error.
 * @param ch  an attached channel
 * @param buf where to put it
 * @param len its length
 * @return 0; -1 with errno set (EPIPE: the other end closed first;
 *         EPROTO: a piece of the wrong size arrived).
 */
int bench_chan_recv(struct bench_chan *ch, void *buf, size_t len);

/**
 * @brief Steps 2-6: close this process's end; in the process that created
 *        the channel, also remove everything bench_chan_create() made
 *        (files, queues, semaphores, mappings) and restore what it changed
 *        (the signal mask).
 * @param ch the channel; invalid afterwards
 * @return 0; -1 with errno of the first call that failed (everything is
 *         released anyway).
 */
int bench_chan_close(struct bench_chan *ch);

/**
 * @brief Step 2: the standard ping-pong peer: receive a message of
 *        cfg->size bytes and send it back, cfg->warmup + cfg->iters times.
 * @param ch  the child's attached end
 * @param cfg the benchmark
 * @return 0; -1 with errno set.
 */
int bench_echo(struct bench_chan *ch, const struct bench_config *cfg);

/**
 * @brief Step 2: the standard stream peer: send cfg->warmup + cfg->iters
 *        messages of cfg->size bytes, message i filled by bench_fill(i).
 * @param ch  the child's attached end
 * @param cfg the benchmark
 * @return 0; -1 with errno set.
 */
int bench_stream_send(struct bench_chan *ch, const struct bench_config *cfg);

/**
 * @brief Step 2: measure round trips: the parent sends message i (filled
 *        by bench_fill(i)), the child sends it back, the parent checks
 *        every byte of the reply.
 *
 * Forks the child, pins both processes as @p cfg says (and gives the
 * caller its CPU affinity back), runs cfg->warmup unmeasured round trips,
 * then cfg->iters measured ones, reaps the child and closes the channel.
 * @param cfg what to measure (BENCH_SIGNAL: size at most
 *            BENCH_SIGNAL_MAX_SIZE)
 * @param res receives the result: one sample per round trip
 * @return 0; -1 with errno set: EBADMSG when a reply differs from the
 *         message sent, EIO when the child failed, EINVAL for a bad
 *         @p cfg, or from the calls.
 */
int bench_pingpong(const struct bench_config *cfg, struct bench_result *res);

/**
 * @brief Step 2: measure a one-way stream: the child sends messages
 *        as fast as it can, the parent receives them and checks every
 *        byte of each.
 *
 * Like bench_pingpong(): the first cfg->warmup messages are received
 * unmeasured, then one sample per message for the next cfg->iters.
 * @param cfg what to measure (not BENCH_SIGNAL: EINVAL)
 * @param res receives the result: mb_per_s is the stream's throughput
 * @return 0; -1 with errno set, as bench_pingpong().
 */
int bench_stream(const struct bench_config *cfg, struct bench_result *res);

#endif /* BENCH_LAB_H */
