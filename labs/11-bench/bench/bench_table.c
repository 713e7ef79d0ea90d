/* SPDX-License-Identifier: MIT */
/**
 * @file bench_table.c
 * @brief Lab 11 bench: every mechanism at every size, next to memcpy()
 *        and to the figures of two public IPC benchmarks.
 *
 *     make bench                  your bench.c (labs/11-bench)
 *     make bench IMPL=solutions   the reference
 *     make bench BENCH_FLAGS=--quick       one round, shorter cells
 *     make bench BENCH_FLAGS="--rounds 5"
 *
 * For each mechanism and message size (64 B to 1 MiB): the median (p50)
 * and 99th percentile (p99) of a round trip, and the throughput of a
 * one-way stream. Each measurement gets about the same time (~0.05 s),
 * at least 100 samples, and runs twice: both processes on one CPU, then
 * on two (a wake-up across CPUs costs an interrupt, a spin needs two
 * CPUs); the better is kept, and the table says where it ran. The whole
 * table is measured three times (--rounds N), each cell keeping its
 * best. Then memcpy() at the same sizes, the shared-memory
 * stream as a share of it, and our figures against those measured for
 * goldsborough/ipc-bench and rigtorp/ipc-bench on machines like this one
 * (see the handout). Data files and gnuplot plots go to --out DIR.
 */
#include "bench.h"
#include "ipc_util.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/** The sizes of the table. */
static const size_t sizes[] = { 64, 512, 4096, 32768, 65536, 262144, 1u << 20 };
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

/** What one cell measured; NAN where nothing was. */
struct cell {
	double p50_us;	   /**< round trip, median */
	double p99_us;	   /**< round trip, 99th percentile */
	double mb_s;	   /**< stream */
	int rt_cpus;	   /**< CPUs of the better round trip: 1 or 2 */
	int st_cpus;	   /**< CPUs of the better stream: 1 or 2 */
	const char *error; /**< why the mechanism failed, or NULL */
};

static struct cell table[BENCH_N_MECHS][N_SIZES];
static double memcpy_mb_s[N_SIZES];
/** A block far larger than any CPU cache: memcpy() at memory's speed. */
#define BEYOND_CACHES ((size_t)64 << 20)
static double memcpy_beyond_mb_s;
static double cell_seconds = 0.05;
/*
 * On a shared machine a burst of other work slows whatever runs at that
 * moment. So the whole table is measured several times, round after
 * round, and each cell keeps its best: what the machine can do, with the
 * same chances for every mechanism, and memcpy() measured in each round
 * beside them.
 */
static unsigned rounds = 3;
/** The mechanisms to measure (--only), all by default. */
static bool wanted[BENCH_N_MECHS];
/** Whether --only chose them. */
static bool only;
static const char *dir;

/** Run one measurement, sized to take about cell_seconds. */
static int
measure(struct bench_config *cfg, struct bench_result *res, bool stream)
{
	int (*run)(const struct bench_config *, struct bench_result *) =
		stream ? bench_stream : bench_pingpong;
	double per_iter_ns, want;

	/* A short run to learn the cost of one iteration. */
	cfg->warmup = 3;
	cfg->iters = 10;
	if (run(cfg, res) == -1)
		return -1;
	per_iter_ns = res->lat.p50_ns > 0 ? (double)res->lat.p50_ns : 1;
	want = cell_seconds * 1e9 / per_iter_ns;
	cfg->iters = want < 100 ? 100 : want > 100000 ? 100000 : (unsigned)want;
	cfg->warmup = cfg->iters / 10 + 10;
	return run(cfg, res);
}

/** Where a cell ran best: 1 (one CPU) or 2 (two CPUs). */
static int
cpus_used(const struct bench_result *res)
{
	return res->cpus[0] == res->cpus[1] ? 1 : 2;
}

/** One mechanism at one size: round trip, then stream, each with both
 *  processes on one CPU and on two. A cell keeps the best it has seen, in
 *  this round or an earlier one. */
static void
measure_cell(enum bench_mech mech, size_t i)
{
	static const enum bench_pin placements[2] = { BENCH_PIN_SHARE,
						      BENCH_PIN_SPLIT };
	struct cell *c = &table[mech][i];
	struct bench_config cfg = { .mech = mech, .dir = dir };
	struct bench_result res;

	cfg.size = mech == BENCH_SIGNAL ? BENCH_SIGNAL_MAX_SIZE : sizes[i];
	for (int p = 0; p < 2; p++) {
		cfg.pin = placements[p];
		if (measure(&cfg, &res, false) == -1) {
			c->error = ipc_errno_name(errno);
			return;
		}
		if (isnan(c->p50_us) || res.lat.p50_ns / 1e3 < c->p50_us) {
			c->p50_us = res.lat.p50_ns / 1e3;
			c->p99_us = res.lat.p99_ns / 1e3;
			c->rt_cpus = cpus_used(&res);
		}
	}
	if (mech == BENCH_SIGNAL)
		return;
	for (int p = 0; p < 2; p++) {
		cfg.pin = placements[p];
		if (measure(&cfg, &res, true) == -1) {
			c->error = ipc_errno_name(errno);
			return;
		}
		if (isnan(c->mb_s) || res.mb_per_s > c->mb_s) {
			c->mb_s = res.mb_per_s;
			c->st_cpus = cpus_used(&res);
		}
	}
}

/** memcpy() of @p block bytes again and again: best of 5, in MB/s. */
static double
memcpy_bandwidth(size_t block)
{
	unsigned char *src = malloc(block), *dst = malloc(block);
	double best = 0;

	if (src == NULL || dst == NULL)
		ipc_die_errno("malloc");
	memset(src, 1, block); /* touch every page first */
	memset(dst, 2, block);
	for (int round = 0; round < 5; round++) {
		size_t total = 0;
		uint64_t start = bench_now_ns(), ns;

		while (total < ((size_t)256 << 20)) {
			memcpy(dst, src, block);
			/* Keep the compiler from dropping the copies. */
			__asm__ __volatile__("" : : "r"(dst) : "memory");
			total += block;
		}
		ns = bench_now_ns() - start;
		if ((double)total * 1e3 / (double)ns > best)
			best = (double)total * 1e3 / (double)ns;
	}
	free(src);
	free(dst);
	return best;
}

/** One round: every cell once, then memcpy(), keeping the best of each. */
static void
measure_round(void)
{
	for (int m = 0; m < BENCH_N_MECHS; m++)
		for (size_t i = 0; i < N_SIZES; i++)
			if (wanted[m] && (m != BENCH_SIGNAL || i == 0))
				measure_cell((enum bench_mech)m, i);
	for (size_t i = 0; i < N_SIZES; i++) {
		double mb_s = memcpy_bandwidth(sizes[i]);

		if (mb_s > memcpy_mb_s[i])
			memcpy_mb_s[i] = mb_s;
	}
	if (wanted[BENCH_SHM_SEM] || wanted[BENCH_SHM_SPIN]) {
		double mb_s = memcpy_bandwidth(BEYOND_CACHES);

		if (mb_s > memcpy_beyond_mb_s)
			memcpy_beyond_mb_s = mb_s;
	}
}

/** "64 B", "4 KiB", "1 MiB". */
static const char *
size_name(size_t size)
{
	static char text[4][32];
	static int next;
	char *out = text[next++ % 4];

	if (size >= (1u << 20))
		snprintf(out, 32, "%zu MiB", size >> 20);
	else if (size >= 1024)
		snprintf(out, 32, "%zu KiB", size >> 10);
	else
		snprintf(out, 32, "%zu B", size);
	return out;
}

/** The machine: CPU model, CPUs, kernel, load, date. */
static void
print_machine(void)
{
	char line[256], model[256] = "?";
	FILE *f = fopen("/proc/cpuinfo", "r");
	struct utsname uts;
	double load[3] = { 0, 0, 0 };
	time_t now = time(NULL);
	char date[64];
	int cpus[2];
	bool pinned;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) == 0) {
			char *colon = strchr(line, ':');
			snprintf(model, sizeof(model), "%s",
				 colon != NULL ? colon + 2 : line);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	}
	if (f != NULL)
		fclose(f);
	uname(&uts);
	getloadavg(load, 3);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M %Z", localtime(&now));
	pinned = bench_choose_cpus(BENCH_PIN_SPLIT, cpus) == 0;
	printf("IPC benchmark, %s\n", date);
	printf("machine: %s, %ld CPUs online, kernel %s %s, load average "
	       "%.2f %.2f %.2f\n",
	       model, sysconf(_SC_NPROCESSORS_ONLN), uts.sysname, uts.release,
	       load[0], load[1], load[2]);
	if (pinned)
		printf("pinning: each cell runs with both processes on CPU %d, "
		       "then on CPUs %d and %d; the better is shown, with "
		       "where "
		       "it ran\n",
		       cpus[0], cpus[0], cpus[1]);
	else
		printf("pinning: bench_choose_cpus() failed (%s)\n",
		       ipc_errno_name(errno));
	printf("rounds: %u, each cell keeping the best p50 (with its p99) and "
	       "the best stream\n\n",
	       rounds);
}

/** The main table. */
static void
print_table(void)
{
	printf("%-11s %7s  %10s %10s %4s  %11s %4s\n", "mechanism", "size",
	       "RTT p50 us", "RTT p99 us", "CPUs", "stream MB/s", "CPUs");
	for (int m = 0; m < BENCH_N_MECHS; m++) {
		for (size_t i = 0; i < N_SIZES && wanted[m]; i++) {
			struct cell *c = &table[m][i];

			if (m == BENCH_SIGNAL && i > 0)
				break; /* a signal carries no payload */
			printf("%-11s %7s  ",
			       bench_mech_name((enum bench_mech)m),
			       m == BENCH_SIGNAL ? "4 B" : size_name(sizes[i]));
			if (c->error != NULL && isnan(c->p50_us)) {
				printf("failed: %s\n", c->error);
				continue;
			}
			printf("%10.2f %10.2f %4d  ", c->p50_us, c->p99_us,
			       c->rt_cpus);
			if (isnan(c->mb_s))
				printf("%11s\n",
				       c->error != NULL ? c->error : "-");
			else
				printf("%11.0f %4d\n", c->mb_s, c->st_cpus);
		}
	}
}

/** memcpy() and the shared-memory streams as a share of it. */
static void
print_memcpy(void)
{
	if (!wanted[BENCH_SHM_SEM] && !wanted[BENCH_SHM_SPIN])
		return;
	printf("\nmemcpy (one process) and the shared-memory streams as a "
	       "share of it:\n");
	printf("%7s  %12s  %15s  %15s\n", "size", "memcpy MB/s", "shm-sem",
	       "shm-spin");
	for (size_t i = 0; i < N_SIZES; i++) {
		printf("%7s  %12.0f", size_name(sizes[i]), memcpy_mb_s[i]);
		for (int m = BENCH_SHM_SEM; m <= BENCH_SHM_SPIN; m++)
			if (isnan(table[m][i].mb_s))
				printf("  %15s", "-");
			else
				printf("  %8.0f (%3.0f%%)", table[m][i].mb_s,
				       100 * table[m][i].mb_s / memcpy_mb_s[i]);
		printf("\n");
	}
	/* The blocks above stay in the CPU's caches; this one cannot. */
	printf("%7s  %12.0f  (%zu MiB blocks: beyond the caches, memory's "
	       "speed)\n",
	       size_name(BEYOND_CACHES), memcpy_beyond_mb_s,
	       BEYOND_CACHES >> 20);
}

/** A figure of a public benchmark, at 64 B, 4 KiB and 64 KiB. */
struct anchor {
	const char *what;     /**< the project and the measure */
	enum bench_mech mech; /**< ours to compare */
	int kind;	      /**< 0: round trip us, 1: half round trip ns,
				   2: stream (their unit, see below) */
	double value[3];      /**< 0: it fails there, or none */
};

/*
 * Medians of 5 runs of goldsborough/ipc-bench and rigtorp/ipc-bench on a
 * 2-vCPU machine of the kind this suite is developed on. goldsborough's
 * pipe and FIFO "round trip" carries data one way only; its System V
 * queue stops at 2 KiB. rigtorp's stream figure is printed in "Mb/s":
 * compared here as if it were MB/s, which is 8 times harder to beat.
 */
static const struct anchor anchors[] = {
	{ "goldsborough RTT us", BENCH_PIPE, 0, { 21.4, 25.6, 54.5 } },
	{ "goldsborough RTT us", BENCH_FIFO, 0, { 26.1, 29.4, 48.8 } },
	{ "goldsborough RTT us", BENCH_UNIX_STREAM, 0, { 17.1, 24.2, 0 } },
	{ "goldsborough RTT us", BENCH_TCP, 0, { 31.9, 31.0, 0 } },
	{ "goldsborough RTT us", BENCH_SYSV_MQ, 0, { 17.9, 0, 0 } },
	{ "goldsborough RTT us", BENCH_SIGNAL, 0, { 21.2, 0, 0 } },
	{ "goldsborough RTT us", BENCH_SHM_SPIN, 0, { 0.36, 1.07, 7.53 } },
	{ "rigtorp half RTT ns", BENCH_PIPE, 1, { 7321, 8148, 26569 } },
	{ "rigtorp half RTT ns", BENCH_SOCKETPAIR, 1, { 7579, 11232, 0 } },
	{ "rigtorp half RTT ns", BENCH_TCP, 1, { 14290, 13351, 25860 } },
	{ "rigtorp stream", BENCH_PIPE, 2, { 123, 3927, 2043 } },
	{ "rigtorp stream", BENCH_SOCKETPAIR, 2, { 32, 1349, 0 } },
	{ "rigtorp stream", BENCH_TCP, 2, { 17, 535, 2832 } },
};

/** Ours against theirs, as ratios: lower is faster for times, higher for
 *  throughput. Returns how many comparisons were slower. */
static int
print_anchors(void)
{
	static const size_t at[3] = { 0, 2, 4 }; /* 64 B, 4 KiB, 64 KiB */
	int slower = 0, faster = 0, failed = 0;

	printf("\nagainst the public benchmarks (ours / theirs, one run here "
	       "against their medians):\n");
	printf("%-20s %-11s  %16s  %16s  %16s\n", "their figure", "mechanism",
	       "64 B", "4 KiB", "64 KiB");
	for (size_t a = 0; a < sizeof(anchors) / sizeof(anchors[0]); a++) {
		const struct anchor *an = &anchors[a];

		if (!wanted[an->mech])
			continue;
		printf("%-20s %-11s", an->what, bench_mech_name(an->mech));
		for (int k = 0; k < 3; k++) {
			const struct cell *c = &table[an->mech][at[k]];
			double ours, ratio;
			bool ok;

			if (an->mech == BENCH_SIGNAL)
				c = &table[an->mech][0];
			if (an->value[k] == 0) {
				printf("  %16s", "they fail/none");
				continue;
			}
			ours = an->kind == 0   ? c->p50_us
			       : an->kind == 1 ? c->p50_us * 1e3 / 2
					       : c->mb_s;
			ratio = ours / an->value[k];
			ok = an->kind == 2 ? ratio >= 1 : ratio <= 1;
			faster += ok;
			slower += !ok && !isnan(ratio);
			failed += isnan(ratio);
			if (isnan(ratio))
				printf("  %16s", "we failed");
			else
				printf("  %8.2f %-7s", ratio,
				       ok ? "faster" : "SLOWER");
		}
		printf("\n");
	}
	printf("%d of %d comparisons at least as fast (a time ratio at most 1, "
	       "a throughput ratio at least 1), %d slower, %d not measured\n",
	       faster, faster + slower + failed, slower, failed);
	return slower;
}

/** The data files for plots.gp: a column per mechanism; none when
 *  nothing could be measured (then there is nothing to plot). */
static void
write_data(const char *out)
{
	char path[4096];
	bool any = false;

	for (int m = 0; m < BENCH_N_MECHS; m++)
		any = any || !isnan(table[m][0].p50_us);
	for (int kind = 0; kind < 2; kind++) {
		snprintf(path, sizeof(path), "%s/%s.dat", out,
			 kind == 0 ? "latency" : "throughput");
		unlink(path);
	}
	if (!any) {
		printf("nothing was measured: no plots\n");
		return;
	}

	for (int kind = 0; kind < 2; kind++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.dat", out,
			 kind == 0 ? "latency" : "throughput");
		f = fopen(path, "w");
		if (f == NULL)
			ipc_die_errno(path);
		fprintf(f, "size");
		for (int m = 0; m < BENCH_N_MECHS; m++)
			if (wanted[m] && (kind == 0 || m != BENCH_SIGNAL))
				fprintf(f, " %s",
					bench_mech_name((enum bench_mech)m));
		fprintf(f, kind == 1 ? " memcpy\n" : "\n");
		for (size_t i = 0; i < N_SIZES; i++) {
			fprintf(f, "%zu", sizes[i]);
			for (int m = 0; m < BENCH_N_MECHS; m++) {
				const struct cell *c = &table[m][i];
				double v = kind == 0 ? c->p50_us : c->mb_s;

				if (!wanted[m] ||
				    (kind == 1 && m == BENCH_SIGNAL))
					continue;
				if (m == BENCH_SIGNAL && i > 0)
					v = NAN;
				if (isnan(v))
					fprintf(f, " NaN");
				else
					fprintf(f, " %.3f", v);
			}
			if (kind == 1)
				fprintf(f, " %.0f", memcpy_mb_s[i]);
			fprintf(f, "\n");
		}
		fclose(f);
	}
}

/** --only: measure just the mechanisms named in @p list ("pipe,tcp"). */
static void
choose_mechs(const char *list)
{
	char names[256], *name, *save = NULL;

	snprintf(names, sizeof(names), "%s", list);
	for (name = strtok_r(names, ",", &save); name != NULL;
	     name = strtok_r(NULL, ",", &save)) {
		int m = 0;

		while (m < BENCH_N_MECHS &&
		       strcmp(name, bench_mech_name((enum bench_mech)m)) != 0)
			m++;
		if (m == BENCH_N_MECHS)
			ipc_die("--only: no mechanism is called %s (pipe, "
				"fifo, "
				"socketpair, sysv-mq, posix-mq, shm-sem, "
				"shm-spin, unix-stream, unix-dgram, tcp, "
				"signal)",
				name);
		wanted[m] = only = true;
	}
}

int
main(int argc, char **argv)
{
	const char *out = NULL;
	char tmpl[4096];
	const char *tmp = getenv("TMPDIR");

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--quick") == 0) {
			cell_seconds = 0.02;
			rounds = 1;
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			choose_mechs(argv[++i]);
		} else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc &&
			   atoi(argv[i + 1]) > 0)
			rounds = (unsigned)atoi(argv[++i]);
		else
			ipc_die("usage: bench-table [--out DIR] [--quick] "
				"[--rounds N] [--only MECH,MECH...]");
	}
	for (int m = 0; m < BENCH_N_MECHS; m++)
		for (size_t i = 0; i < N_SIZES; i++)
			table[m][i].p50_us = table[m][i].p99_us =
				table[m][i].mb_s = NAN;
	if (!only)
		for (int m = 0; m < BENCH_N_MECHS; m++)
			wanted[m] = true;
	snprintf(tmpl, sizeof(tmpl), "%s/bench-table-XXXXXX",
		 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	dir = mkdtemp(tmpl);
	if (dir == NULL)
		ipc_die_errno("mkdtemp");
	print_machine();
	fflush(stdout);
	for (unsigned r = 0; r < rounds; r++)
		measure_round();
	rmdir(dir);
	print_table();
	print_memcpy();
	print_anchors();
	if (out != NULL)
		write_data(out);
	return 0;
}
