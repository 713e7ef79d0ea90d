/* SPDX-License-Identifier: MIT */
/**
 * @file bench_demo.c
 * @brief Lab 11 demo: try the harness and one mechanism from the shell.
 *
 *     bench_demo verify [MECH...]          every size, 64 B to 1 MiB: ok?
 *     bench_demo pingpong MECH SIZE [N]    N round trips: p50, p99...
 *     bench_demo stream MECH SIZE [N]      N messages one way: MB/s
 *     bench_demo stats NUMBER...           the percentiles of the numbers
 *
 * MECH is a name bench_mech_name() gives: pipe, fifo, socketpair, sysv-mq,
 * posix-mq, shm-sem, shm-spin, unix-stream, unix-dgram, tcp, signal.
 * `verify` and `stats` print the same on every machine (the grader runs
 * them beside the reference demo and compares); the others print times.
 * The table of every mechanism is `make bench`.
 */
#include "bench.h"
#include "ipc_util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** The mechanism called @p name; ends the program if there is none. */
static enum bench_mech
mech_by_name(const char *name)
{
	for (int m = 0; m < BENCH_N_MECHS; m++)
		if (strcmp(name, bench_mech_name((enum bench_mech)m)) == 0)
			return (enum bench_mech)m;
	ipc_die("no mechanism is called %s (try pipe, shm-spin, tcp...)", name);
}

/** A directory of our own for FIFOs and sockets; removed by the caller. */
static char *
make_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	static char dir[4096];

	snprintf(dir, sizeof(dir), "%s/bench-demo-XXXXXX",
		 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		ipc_die_errno("mkdtemp");
	return dir;
}

/** "ok", or the errno's name. */
static const char *
outcome(int rc, int err)
{
	return rc == 0 ? "ok" : ipc_errno_name(err);
}

/** Ping-pong and stream at every size, for one mechanism. */
static void
verify(enum bench_mech mech, const char *dir)
{
	static const size_t sizes[] = { 64, 4096, 65536, 100003, 1u << 20 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct bench_config cfg = { .mech = mech, .dir = dir };
		struct bench_result res;
		int rc, err;

		cfg.size =
			mech == BENCH_SIGNAL ? BENCH_SIGNAL_MAX_SIZE : sizes[i];
		cfg.warmup = 2;
		cfg.iters = cfg.size > 100000 ? 4 : 20;
		cfg.pin = BENCH_PIN_SPLIT;
		rc = bench_pingpong(&cfg, &res);
		err = errno;
		printf("%-11s %7zu B: ping-pong %s", bench_mech_name(mech),
		       cfg.size, outcome(rc, err));
		if (rc == 0 && res.lat.n != cfg.iters)
			printf(" (%zu samples for %u round trips?)", res.lat.n,
			       cfg.iters);
		if (mech == BENCH_SIGNAL) {
			printf(", stream -\n");
			return; /* a signal carries an int, whatever the size */
		}
		rc = bench_stream(&cfg, &res);
		printf(", stream %s\n", outcome(rc, errno));
	}
}

/** One ping-pong or stream, with its figures. */
static int
run_one(bool stream, const char *mech, const char *size, const char *n)
{
	struct bench_config cfg = { .mech = mech_by_name(mech) };
	struct bench_result res;
	const char *dir = make_dir();

	cfg.size = strtoul(size, NULL, 0);
	cfg.iters = n != NULL ? (unsigned)strtoul(n, NULL, 0) : 1000;
	cfg.warmup = cfg.iters / 10 + 1;
	cfg.dir = dir;
	cfg.pin = BENCH_PIN_SPLIT;
	if ((stream ? bench_stream(&cfg, &res) : bench_pingpong(&cfg, &res)) ==
	    -1) {
		int err = errno;
		rmdir(dir);
		errno = err;
		ipc_die_errno(stream ? "bench_stream" : "bench_pingpong");
	}
	rmdir(dir);
	printf("%s %s, %zu B, %u %s (after %u not measured), CPUs %d and "
	       "%d:\n",
	       bench_mech_name(cfg.mech), stream ? "stream" : "ping-pong",
	       cfg.size, cfg.iters, stream ? "messages" : "round trips",
	       cfg.warmup, res.cpus[0], res.cpus[1]);
	printf("  min %.2f us  p50 %.2f us  p90 %.2f us  p99 %.2f us  max "
	       "%.2f us  mean %.2f us\n",
	       res.lat.min_ns / 1e3, res.lat.p50_ns / 1e3, res.lat.p90_ns / 1e3,
	       res.lat.p99_ns / 1e3, res.lat.max_ns / 1e3,
	       res.lat.mean_ns / 1e3);
	printf("  %.1f MB/s of payload%s\n", res.mb_per_s,
	       stream ? "" : " (both ways)");
	return 0;
}

/** The percentiles of the numbers on the command line. */
static int
stats(int argc, char **argv)
{
	uint64_t *samples = malloc((size_t)argc * sizeof(*samples));
	struct bench_stats st;

	if (samples == NULL)
		ipc_die_errno("malloc");
	for (int i = 0; i < argc; i++)
		samples[i] = strtoull(argv[i], NULL, 0);
	if (bench_stats_compute(samples, (size_t)argc, &st) == -1)
		ipc_die_errno("bench_stats_compute");
	printf("n %zu  min %llu  p50 %llu  p90 %llu  p99 %llu  max %llu  "
	       "mean %.2f\n",
	       st.n, (unsigned long long)st.min_ns,
	       (unsigned long long)st.p50_ns, (unsigned long long)st.p90_ns,
	       (unsigned long long)st.p99_ns, (unsigned long long)st.max_ns,
	       st.mean_ns);
	free(samples);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		const char *dir = make_dir();

		if (argc == 2)
			for (int m = 0; m < BENCH_N_MECHS; m++)
				verify((enum bench_mech)m, dir);
		for (int i = 2; i < argc; i++)
			verify(mech_by_name(argv[i]), dir);
		rmdir(dir);
		return 0;
	}
	if (argc >= 4 && (strcmp(argv[1], "pingpong") == 0 ||
			  strcmp(argv[1], "stream") == 0))
		return run_one(strcmp(argv[1], "stream") == 0, argv[2], argv[3],
			       argc > 4 ? argv[4] : NULL);
	if (argc >= 3 && strcmp(argv[1], "stats") == 0)
		return stats(argc - 2, argv + 2);
	fprintf(stderr, "usage: bench_demo verify [MECH...] |\n"
			"       bench_demo pingpong|stream MECH SIZE [N] |\n"
			"       bench_demo stats NUMBER...\n");
	return 2;
}
