/* SPDX-License-Identifier: MIT */
/**
 * @file grade_bench.c
 * @brief Lab 11 grader: the tests, their steps and their points.
 *
 * The grader checks that the measurements are right, never how fast they
 * are: a slow machine, or one shared with others, passes as well as a fast
 * one. Each test keeps its iteration counts small.
 *
 * The clock: this grader is linked with -Wl,--wrap=clock_gettime (the
 * lab's Makefile), so every clock_gettime() of the code under test comes
 * here first. Normally it goes straight on to the real one. A test can
 * turn on a fake CLOCK_MONOTONIC that moves only when the test says so:
 * then an operation of known length takes exactly that long on the
 * harness's clock, with no sleeping and no timing on a busy machine, and
 * the test sees which clocks the harness asked for.
 *
 * The peers: bench_pingpong() and bench_stream() fork the other end
 * themselves; struct bench_config's peer lets a test put a faulty one
 * there (one that corrupts a byte, loses a message or checks its CPU).
 */
#include "bench.h"
#include "grade.h"
#include "ipc_util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* --------------------------------------------------- the fake clock */

int __real_clock_gettime(clockid_t clock, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clock, struct timespec *ts);

/** The fake CLOCK_MONOTONIC, and what was asked of the clocks. */
static struct {
	bool on;		/**< fake CLOCK_MONOTONIC now */
	uint64_t now;		/**< its time, in ns */
	unsigned monotonic;	/**< calls for CLOCK_MONOTONIC */
	unsigned other;		/**< calls for any other clock */
	clockid_t other_clock;	/**< the last of those */
} fake;

int
__wrap_clock_gettime(clockid_t clock, struct timespec *ts)
{
	if (!fake.on)
		return __real_clock_gettime(clock, ts);
	if (clock != CLOCK_MONOTONIC) {
		fake.other++;
		fake.other_clock = clock;
		return __real_clock_gettime(clock, ts);
	}
	fake.monotonic++;
	ts->tv_sec = (time_t)(fake.now / 1000000000u);
	ts->tv_nsec = (long)(fake.now % 1000000000u);
	return 0;
}

/** The real time on @p clock, in ns. */
static uint64_t
real_ns(clockid_t clock)
{
	struct timespec ts;

	__real_clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/** Start the fake clock at @p start ns. */
static void
fake_clock_start(uint64_t start)
{
	memset(&fake, 0, sizeof(fake));
	fake.now = start;
	fake.on = true;
}

/** The name of a clock id, for messages. */
static const char *
clock_name(clockid_t clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
		return "CLOCK_REALTIME";
	case CLOCK_MONOTONIC_RAW:
		return "CLOCK_MONOTONIC_RAW";
	case CLOCK_BOOTTIME:
		return "CLOCK_BOOTTIME";
	case CLOCK_PROCESS_CPUTIME_ID:
		return "CLOCK_PROCESS_CPUTIME_ID";
	default:
		return "another clock";
	}
}

/* ------------------------------------------------ step 1: the clock */

START_TEST(test_now_ns_is_monotonic_clock)
{
	uint64_t before, got, after, wall;

	errno = 0;
	before = real_ns(CLOCK_MONOTONIC);
	got = bench_now_ns();
	after = real_ns(CLOCK_MONOTONIC);
	wall = real_ns(CLOCK_REALTIME);
	if (got == 0)
		GRADE_IMPLEMENTED(errno == ENOSYS ? -1 : 0, "bench_now_ns", 1);
	if (got >= before && got <= after)
		return;
	if (got + 1000000000u > wall && got < wall + 1000000000u)
		ck_abort_msg("bench_now_ns() returned %llu, the time of the wall "
			     "clock (CLOCK_REALTIME, gettimeofday()): it jumps "
			     "when NTP or a person sets it, and a duration "
			     "measured across the jump is wrong, even negative. "
			     "Use clock_gettime(CLOCK_MONOTONIC)",
			     (unsigned long long)got);
	if (before >= ((uint64_t)1 << 32) && got < ((uint64_t)1 << 32))
		ck_abort_msg("bench_now_ns() returned %llu, but the monotonic "
			     "clock says %llu ns: the value wrapped at 2^32, "
			     "which is only 4.3 s. Compute and return the "
			     "nanoseconds in 64 bits: (uint64_t)ts.tv_sec * "
			     "1000000000 + ts.tv_nsec",
			     (unsigned long long)got,
			     (unsigned long long)before);
	if (got >= before / 1000 - 1000 && got <= after / 1000 + 1000)
		ck_abort_msg("bench_now_ns() returned %llu, the monotonic clock "
			     "in microseconds: it must count nanoseconds "
			     "(tv_nsec, not tv_nsec / 1000)",
			     (unsigned long long)got);
	ck_abort_msg("bench_now_ns() returned %llu, but the monotonic clock "
		     "read %llu just before and %llu just after: return "
		     "clock_gettime(CLOCK_MONOTONIC) in nanoseconds",
		     (unsigned long long)got, (unsigned long long)before,
		     (unsigned long long)after);
}
END_TEST

/* ---------------------------------------------- step 1: the harness */

/** An operation of known length on the fake clock. */
struct timed_op {
	unsigned calls;	  /**< calls so far */
	unsigned warmup;  /**< the first calls: warm-up */
	uint64_t warm_ns; /**< how long each warm-up call takes */
	uint64_t base_ns; /**< measured call k takes base_ns + k */
	unsigned fail_at; /**< this call fails with EIO (0: none) */
};

/** Advance the fake clock by the call's known length. */
static int
timed_op(void *arg)
{
	struct timed_op *t = arg;

	t->calls++;
	if (t->calls == t->fail_at) {
		errno = EIO;
		return -1;
	}
	fake.now += t->calls <= t->warmup ? t->warm_ns : t->base_ns + t->calls;
	return 0;
}

/** Run bench_measure() on timed_op() with the fake clock from @p start. */
static int
measure_fake(struct timed_op *t, unsigned iters, uint64_t *samples,
	     uint64_t start)
{
	int rc;

	for (unsigned i = 0; i < iters; i++)
		samples[i] = 0xdeadbeef;
	fake_clock_start(start);
	rc = bench_measure(timed_op, t, t->warmup, iters, samples);
	fake.on = false;
	return rc;
}

START_TEST(test_measure_excludes_warmup)
{
	struct timed_op t = { .warmup = 5, .warm_ns = 1000000000u,
			      .base_ns = 1000 };
	uint64_t samples[20];
	int rc = measure_fake(&t, 20, samples, 5000000000000u);

	GRADE_IMPLEMENTED(rc, "bench_measure", 1);
	ck_assert_msg(rc == 0, "bench_measure() failed: %s",
		      ipc_errno_name(errno));
	ck_assert_msg(t.calls == 25,
		      "bench_measure(op, arg, 5, 20, samples) called op %u "
		      "times; expected 25: 5 warm-up calls, then 20 measured",
		      t.calls);
	for (unsigned i = 0; i < 20; i++) {
		uint64_t want = 1000 + 5 + 1 + i;

		ck_assert_msg(samples[i] < 1000000000u,
			      "samples[%u] is %llu ns, the length of a warm-up "
			      "call (the test made each of the 5 warm-up calls "
			      "take 1 s on the clock, the measured ones about "
			      "1 us): the warm-up must not be measured, time "
			      "only the calls after it",
			      i, (unsigned long long)samples[i]);
		ck_assert_msg(samples[i] == want,
			      "samples[%u] is %llu ns; the %u%s measured call "
			      "took %llu ns on the clock: time each call on its "
			      "own, in order, with bench_now_ns()",
			      i, (unsigned long long)samples[i], i + 1,
			      i == 0 ? "st" : i == 1 ? "nd" : i == 2 ? "rd" : "th",
			      (unsigned long long)want);
	}
}
END_TEST

START_TEST(test_measure_uses_monotonic_clock)
{
	/* Starts 3 us before 2^32 ns: a 32-bit count wraps mid-way. */
	struct timed_op t = { .warmup = 0, .base_ns = 1000 };
	uint64_t samples[10];
	int rc = measure_fake(&t, 10, samples, ((uint64_t)1 << 32) - 3000);

	GRADE_IMPLEMENTED(rc, "bench_measure", 1);
	ck_assert_msg(rc == 0, "bench_measure() failed: %s",
		      ipc_errno_name(errno));
	ck_assert_msg(fake.other == 0,
		      "the harness read %s (clock_gettime() with clock id "
		      "%d): durations are measured on CLOCK_MONOTONIC, which "
		      "never jumps",
		      clock_name(fake.other_clock), (int)fake.other_clock);
	ck_assert_msg(fake.monotonic > 0,
		      "the harness never called clock_gettime(CLOCK_MONOTONIC): "
		      "gettimeofday() or time() read the wall clock, which jumps "
		      "(and gettimeofday() counts microseconds). Measure with "
		      "bench_now_ns()");
	for (unsigned i = 0; i < 10; i++)
		ck_assert_msg(samples[i] == 1000 + 1 + i,
			      "samples[%u] is %llu ns, but that call took %u ns "
			      "on CLOCK_MONOTONIC (which read just under 2^32 ns "
			      "when it started: do nanoseconds wrap at 32 bits "
			      "somewhere? keep them in uint64_t)",
			      i, (unsigned long long)samples[i], 1000 + 1 + i);
}
END_TEST

START_TEST(test_measure_stops_at_failure)
{
	struct timed_op t = { .warmup = 2, .base_ns = 10, .fail_at = 6 };
	uint64_t samples[10];
	int rc;

	errno = 0;
	rc = measure_fake(&t, 10, samples, 1000000);
	GRADE_IMPLEMENTED(rc, "bench_measure", 1);
	ck_assert_msg(rc == -1 && errno == EIO,
		      "the 6th call of op failed with EIO, and bench_measure() "
		      "returned %d with errno %s; expected -1 with EIO: stop "
		      "at the first failure and keep its errno",
		      rc, ipc_errno_name(errno));
	ck_assert_msg(t.calls == 6,
		      "op was called %u times after it failed at call 6: stop "
		      "at the first failure",
		      t.calls);
	errno = 0;
	rc = bench_measure(timed_op, &t, 0, 0, samples);
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "bench_measure() of 0 iterations returned %d (%s); "
		      "expected -1 with EINVAL",
		      rc, ipc_errno_name(errno));
}
END_TEST

/* ------------------------------------------ step 1: the percentiles */

/** Shuffle @p n samples the same way every time. */
static void
shuffle(uint64_t *s, size_t n)
{
	uint64_t x = 88172645463325252u;

	for (size_t i = n - 1; i > 0; i--) {
		size_t j;
		uint64_t tmp;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (size_t)(x % (i + 1));
		tmp = s[i];
		s[i] = s[j];
		s[j] = tmp;
	}
}

/** Compute the stats of @p n samples; fail on error. */
static struct bench_stats
stats_of(uint64_t *s, size_t n)
{
	struct bench_stats st;
	int rc;

	memset(&st, 0xff, sizeof(st));
	rc = bench_stats_compute(s, n, &st);
	GRADE_IMPLEMENTED(rc, "bench_stats_compute", 1);
	ck_assert_msg(rc == 0, "bench_stats_compute() of %zu samples failed: "
			       "%s",
		      n, ipc_errno_name(errno));
	return st;
}

START_TEST(test_stats_percentiles_from_all_samples)
{
	static uint64_t s[1000];
	struct bench_stats st;

	/* 1..1000 in any order. */
	for (size_t i = 0; i < 1000; i++)
		s[i] = i + 1;
	shuffle(s, 1000);
	st = stats_of(s, 1000);
	ck_assert_msg(st.n == 1000 && st.min_ns == 1 && st.max_ns == 1000,
		      "1..1000: n %zu, min %llu, max %llu; expected 1000, 1 and "
		      "1000: the statistics come from all the samples",
		      st.n, (unsigned long long)st.min_ns,
		      (unsigned long long)st.max_ns);
	ck_assert_msg(st.p50_ns == 500 && st.p90_ns == 900 && st.p99_ns == 990,
		      "the samples 1..1000 gave p50 %llu, p90 %llu, p99 %llu; "
		      "expected 500, 900 and 990: percentiles come from all the "
		      "samples, sorted: percentile p is sorted[ceil(p * n / "
		      "100) - 1]",
		      (unsigned long long)st.p50_ns,
		      (unsigned long long)st.p90_ns,
		      (unsigned long long)st.p99_ns);
	ck_assert_msg(st.mean_ns > 500.49 && st.mean_ns < 500.51,
		      "the mean of 1..1000 is 500.5, not %.2f", st.mean_ns);

	/* 985 fast round trips and 15 slow ones, the slow ones late. */
	for (size_t i = 0; i < 1000; i++)
		s[i] = 100;
	for (size_t i = 0; i < 15; i++)
		s[200 + 53 * i] = 10000;
	st = stats_of(s, 1000);
	ck_assert_msg(st.p50_ns == 100,
		      "985 samples of 100 ns and 15 of 10000 ns gave p50 %llu; "
		      "expected 100: the median is the middle of the sorted "
		      "samples, not the mean (%.1f here)",
		      (unsigned long long)st.p50_ns, 248.5);
	ck_assert_msg(st.p99_ns == 10000,
		      "985 samples of 100 ns and 15 of 10000 ns (1.5%% of them, "
		      "all after the 200th) gave p99 %llu; expected 10000: a "
		      "p99 comes from all the samples, sorted, not from a "
		      "subsample, nor from the mean and the standard "
		      "deviation (the slow 1.5%% are the point of a p99)",
		      (unsigned long long)st.p99_ns);
	ck_assert_msg(st.max_ns == 10000 && st.min_ns == 100,
		      "min %llu and max %llu; expected 100 and 10000",
		      (unsigned long long)st.min_ns,
		      (unsigned long long)st.max_ns);
}
END_TEST

START_TEST(test_stats_small_sets)
{
	uint64_t one[1] = { 42 }, ten[10], two[2] = { 7, 3 };
	struct bench_stats st;
	int rc;

	st = stats_of(one, 1);
	ck_assert_msg(st.min_ns == 42 && st.p50_ns == 42 && st.p99_ns == 42 &&
			      st.max_ns == 42,
		      "one sample of 42: every percentile is 42 (p50 %llu, "
		      "p99 %llu)",
		      (unsigned long long)st.p50_ns,
		      (unsigned long long)st.p99_ns);
	st = stats_of(two, 2);
	ck_assert_msg(st.p50_ns == 3 && st.p99_ns == 7,
		      "samples {7, 3}: p50 %llu and p99 %llu; expected 3 and 7 "
		      "(nearest rank: ceil(50 * 2 / 100) = 1st of the sorted)",
		      (unsigned long long)st.p50_ns,
		      (unsigned long long)st.p99_ns);
	for (size_t i = 0; i < 10; i++)
		ten[i] = (10 - i) * 1000;
	st = stats_of(ten, 10);
	ck_assert_msg(st.p50_ns == 5000 && st.p90_ns == 9000 &&
			      st.p99_ns == 10000,
		      "samples 1000..10000: p50 %llu, p90 %llu, p99 %llu; "
		      "expected 5000, 9000, 10000 (with 10 samples, p99 is the "
		      "largest)",
		      (unsigned long long)st.p50_ns,
		      (unsigned long long)st.p90_ns,
		      (unsigned long long)st.p99_ns);
	errno = 0;
	rc = bench_stats_compute(ten, 0, &st);
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "bench_stats_compute() of 0 samples returned %d (%s); "
		      "expected -1 with EINVAL: there is no median of nothing",
		      rc, ipc_errno_name(errno));
}
END_TEST

/* -------------------------------------------- step 1: every byte */

START_TEST(test_check_sees_every_byte)
{
	/* Every length mod 32 that matters: whole 32-byte blocks, 8-byte
	 * words after them (24, 61), a tail of 1 to 7 bytes. */
	static const size_t lens[] = { 1, 5, 8, 24, 61, 64, 4099, 65536 };

	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		size_t len = lens[l];
		unsigned char *buf = malloc(len + 8), *other = malloc(len);
		size_t where[2 * 40 + 1];
		size_t n_where = 0;
		int rc;

		/* Each of the first 40 bytes and of the last 40 (every word
		 * of a 32-byte block, and the tail), and the middle one. */
		for (size_t k = 0; k < 40 && k < len; k++) {
			where[n_where++] = k;
			if (len - 1 - k >= 40)
				where[n_where++] = len - 1 - k;
		}
		where[n_where++] = len / 2;

		ck_assert(buf != NULL && other != NULL);
		bench_fill(buf, len, 7);
		errno = 0;
		rc = bench_check(buf, len, 7);
		GRADE_IMPLEMENTED(rc, "bench_check", 1);
		ck_assert_msg(rc == 0,
			      "bench_check() of a %zu-byte message that "
			      "bench_fill() wrote for seq 7 said %s: both must "
			      "compute the same pattern",
			      len, ipc_errno_name(errno));
		for (size_t w = 0; w < n_where; w++) {
			size_t at = where[w];

			buf[at] ^= 0x10;
			errno = 0;
			rc = bench_check(buf, len, 7);
			ck_assert_msg(rc == -1 && errno == EBADMSG,
				      "one bit of byte %zu of a %zu-byte message "
				      "was flipped, and bench_check() returned "
				      "%d (%s): check every byte, the last ones "
				      "too; -1 with EBADMSG",
				      at, len, rc, ipc_errno_name(errno));
			buf[at] ^= 0x10;
		}
		rc = bench_check(buf, len, 8);
		ck_assert_msg(rc == -1,
			      "a %zu-byte message of seq 7 passed bench_check() "
			      "for seq 8: the pattern must depend on seq (a "
			      "lost or repeated message must show)",
			      len);
		bench_fill(other, len, 8);
		ck_assert_msg(len < 8 || memcmp(buf, other, len) != 0,
			      "bench_fill() wrote the same %zu bytes for seq 7 "
			      "and seq 8",
			      len);
		if (len >= 16) {
			memmove(buf, buf + 8, len - 8); /* a piece shifted */
			ck_assert_msg(bench_check(buf, len, 7) == -1,
				      "a %zu-byte message with its bytes moved 8 "
				      "places down passed bench_check(): every "
				      "byte must depend on its offset",
				      len);
		}
		free(buf);
		free(other);
	}
}
END_TEST

/* ----------------------------------------------------- step 1: CPUs */

/** The CPUs this process may use, and how many. */
static int
allowed_cpus(cpu_set_t *set)
{
	ck_assert_int_eq(sched_getaffinity(0, sizeof(*set), set), 0);
	return CPU_COUNT(set);
}

/** The @p k-th allowed CPU (0-based), or -1. */
static int
nth_cpu(const cpu_set_t *set, int k)
{
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, set) && k-- == 0)
			return cpu;
	return -1;
}

/** Run only on @p cpu. */
static void
run_on(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
}

START_TEST(test_choose_cpus_follows_affinity)
{
	cpu_set_t all;
	int n = allowed_cpus(&all), cpus[2] = { -2, -2 }, rc;

	rc = bench_choose_cpus(BENCH_PIN_SPLIT, cpus);
	GRADE_IMPLEMENTED(rc, "bench_choose_cpus", 1);
	ck_assert_msg(rc == 0, "bench_choose_cpus() failed: %s",
		      ipc_errno_name(errno));
	ck_assert_msg(cpus[0] == nth_cpu(&all, 0) &&
			      cpus[1] == nth_cpu(&all, n > 1 ? 1 : 0),
		      "with CPUs %d and %d allowed, BENCH_PIN_SPLIT chose %d "
		      "and %d: take the first two CPUs of sched_getaffinity()",
		      nth_cpu(&all, 0), nth_cpu(&all, 1), cpus[0], cpus[1]);
	ck_assert_int_eq(bench_choose_cpus(BENCH_PIN_NONE, cpus), 0);
	ck_assert_msg(cpus[0] == -1 && cpus[1] == -1,
		      "BENCH_PIN_NONE gave %d and %d; expected -1 and -1",
		      cpus[0], cpus[1]);
	errno = 0;
	rc = bench_choose_cpus((enum bench_pin)(BENCH_PIN_SHARE + 1), cpus);
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "bench_choose_cpus() of a placement that is none of "
		      "BENCH_PIN_NONE, _SPLIT and _SHARE returned %d (%s); "
		      "expected -1 with EINVAL",
		      rc, ipc_errno_name(errno));
	/* On each CPU alone: never a CPU we may not use. */
	for (int k = 0; k < n && k < 4; k++) {
		int cpu = nth_cpu(&all, k);

		run_on(cpu);
		for (int pin = BENCH_PIN_SPLIT; pin <= BENCH_PIN_SHARE; pin++) {
			cpus[0] = cpus[1] = -2;
			rc = bench_choose_cpus((enum bench_pin)pin, cpus);
			sched_setaffinity(0, sizeof(all), &all);
			ck_assert_msg(rc == 0 && cpus[0] == cpu && cpus[1] == cpu,
				      "when this process may run on CPU %d "
				      "alone, %s chose CPUs %d and %d: choose "
				      "among the CPUs sched_getaffinity() "
				      "gives, never fixed numbers",
				      cpu,
				      pin == BENCH_PIN_SPLIT ? "BENCH_PIN_SPLIT"
							     : "BENCH_PIN_SHARE",
				      cpus[0], cpus[1]);
			run_on(cpu);
		}
		sched_setaffinity(0, sizeof(all), &all);
	}
}
END_TEST

/* ------------------------------------------ the benchmarks, for real */

/** The sizes every mechanism must carry: 1 B to 1 MiB, odd ones too. */
static const size_t all_sizes[] = { 1, 64, 4096, 65536, 100003, 1u << 20 };
#define N_ALL_SIZES (sizeof(all_sizes) / sizeof(all_sizes[0]))

/** A config for a small, quick run. */
static struct bench_config
small_config(enum bench_mech mech, size_t size)
{
	struct bench_config cfg = { .mech = mech, .size = size };

	cfg.warmup = 2;
	cfg.iters = size >= 65536 ? 3 : 8;
	cfg.dir = grade_tmpdir();
	cfg.pin = BENCH_PIN_SPLIT;
	return cfg;
}

/** The handout step of @p mech's channel. */
static int
step_of(enum bench_mech mech)
{
	return mech <= BENCH_SOCKETPAIR	 ? 2
	       : mech <= BENCH_POSIX_MQ	 ? 3
	       : mech <= BENCH_SHM_SPIN	 ? 4
	       : mech <= BENCH_TCP	 ? 5
					 : 6;
}

/** What a failure of @p mech with @p err at @p size probably means. */
static const char *
likely_cause(enum bench_mech mech, int err, size_t size, bool short_io)
{
	static char text[400];

	if (short_io && (err == EIO || err == EINTR || err == EPROTO ||
			 err == EBADMSG || err == EPIPE || err == ECONNRESET))
		return "with short reads and EINTR injected (every read() and "
		       "write() moves at most 4093 bytes, every third fails "
		       "with EINTR), a short read is not an error: read the "
		       "rest, and retry EINTR";
	if (err == EINTR)
		return "an interrupted call (EINTR) is not an error: retry it";
	if (mech == BENCH_SYSV_MQ && (err == EINVAL || err == E2BIG) &&
	    size > 8192) {
		snprintf(text, sizeof(text),
			 "a System V message holds at most msgmax bytes (%s "
			 "here, /proc/sys/kernel/msgmax): send a larger "
			 "message in pieces of at most msgmax",
			 "8192");
		return text;
	}
	if (mech == BENCH_POSIX_MQ && (err == EMSGSIZE || err == EINVAL))
		return "mq_send() takes at most mq_msgsize bytes, and "
		       "mq_msgsize is at most /proc/sys/fs/mqueue/msgsize_max "
		       "(8192 here): send a larger message in pieces, and "
		       "receive into a buffer of mq_msgsize bytes";
	if (mech == BENCH_UNIX_DGRAM && err == EMSGSIZE)
		return "a datagram larger than the socket's send buffer (about "
		       "208 KiB here) fails with EMSGSIZE: send pieces";
	if (err == EBADMSG)
		return "a message arrived different from the one sent: pieces "
		       "lost, repeated, reordered or cut (a short read taken "
		       "for a whole one?)";
	if (err == EIO)
		return "the child failed (its exit status was not 0), or a short "
		       "read was taken for an error";
	if (err == EPIPE || err == ECONNRESET)
		return "the other end closed early: did the child fail, or "
		       "stop too soon?";
	return "see the handout's step for this mechanism";
}

/** How many entries the test's directory holds; the name of one of them
 *  in @p name (when there is one). */
static int
dir_entries(char *name, size_t name_len)
{
	DIR *d = opendir(grade_tmpdir());
	struct dirent *e;
	int n = 0;

	ck_assert_msg(d != NULL, "grader: opendir: %s", strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		snprintf(name, name_len, "%s", e->d_name);
	}
	closedir(d);
	return n;
}

/** Whether @p res's MB/s is the payload of @p cfg's measured iterations
 *  (both ways for a ping-pong) over its elapsed time, give or take 1 %. */
static bool
mb_per_s_is(const struct bench_result *res, const struct bench_config *cfg,
	    bool stream)
{
	double want = (double)cfg->size * cfg->iters * (stream ? 1 : 2) * 1e3 /
		      (double)(res->elapsed_ns ? res->elapsed_ns : 1);

	return res->mb_per_s > want * 0.99 && res->mb_per_s < want * 1.01;
}

/** Run one benchmark; fail the test with a teaching message if it fails
 *  or its result is not one of @p cfg. */
static void
run_and_check(const struct bench_config *cfg, bool stream, bool short_io)
{
	struct bench_result res;
	const char *kind = stream ? "stream" : "ping-pong";
	int rc;

	char left[256] = "";
	int files = dir_entries(left, sizeof(left));

	sigset_t mask_before, mask_after;

	sigprocmask(SIG_SETMASK, NULL, &mask_before);
	memset(&res, 0xff, sizeof(res));
	errno = 0;
	grade_inject_short_io(short_io);
	rc = GRADE_CALL(stream ? bench_stream(cfg, &res)
			       : bench_pingpong(cfg, &res));
	grade_inject_short_io(false);
	if (rc == -1 && errno == ENOSYS)
		GRADE_IMPLEMENTED(rc, stream ? "bench_stream" : "bench_pingpong",
				  step_of(cfg->mech));
	sigprocmask(SIG_SETMASK, NULL, &mask_after);
	for (int sig = 1; sig < SIGRTMAX; sig++)
		ck_assert_msg(sigismember(&mask_before, sig) ==
				      sigismember(&mask_after, sig),
			      "after a %s %s, signal %d (%s) is %s: give the "
			      "caller its signal mask back (sigprocmask(SIG_SETMASK, "
			      "&old, NULL)), whatever happened",
			      bench_mech_name(cfg->mech), kind, sig, strsignal(sig),
			      sigismember(&mask_after, sig) ? "blocked" : "unblocked");
	ck_assert_msg(rc == 0,
		      "a %s %s of %zu-byte messages (%u + %u iterations) "
		      "failed with %s: %s",
		      bench_mech_name(cfg->mech), kind, cfg->size, cfg->warmup,
		      cfg->iters, ipc_errno_name(errno),
		      likely_cause(cfg->mech, errno, cfg->size, short_io));
	ck_assert_msg(dir_entries(left, sizeof(left)) == files,
		      "a %s %s left \"%s\" in the directory it was given: "
		      "unlink the %s (the parent can, as soon as both ends are "
		      "open or connected)",
		      bench_mech_name(cfg->mech), kind, left,
		      cfg->mech == BENCH_FIFO ? "FIFOs" : "socket files");
	ck_assert_msg(res.lat.n == cfg->iters,
		      "a %s %s of %u measured iterations (after %u of warm-up) "
		      "reported %zu samples: one sample per measured "
		      "iteration, the warm-up left out",
		      bench_mech_name(cfg->mech), kind, cfg->iters, cfg->warmup,
		      res.lat.n);
	ck_assert_msg(res.lat.min_ns <= res.lat.p50_ns &&
			      res.lat.p50_ns <= res.lat.p90_ns &&
			      res.lat.p90_ns <= res.lat.p99_ns &&
			      res.lat.p99_ns <= res.lat.max_ns &&
			      res.lat.p50_ns > 0,
		      "a %s %s reported min %llu, p50 %llu, p90 %llu, p99 %llu, "
		      "max %llu ns: not in order, or 0",
		      bench_mech_name(cfg->mech), kind,
		      (unsigned long long)res.lat.min_ns,
		      (unsigned long long)res.lat.p50_ns,
		      (unsigned long long)res.lat.p90_ns,
		      (unsigned long long)res.lat.p99_ns,
		      (unsigned long long)res.lat.max_ns);
	ck_assert_msg(res.elapsed_ns >= res.lat.max_ns && res.mb_per_s > 0 &&
			      mb_per_s_is(&res, cfg, stream),
		      "a %s %s reported %llu ns elapsed and %.1f MB/s: elapsed "
		      "is the time of the measured iterations together, MB/s "
		      "the payload moved in it (10^6 bytes a second; both ways "
		      "for a ping-pong)",
		      bench_mech_name(cfg->mech), kind,
		      (unsigned long long)res.elapsed_ns, res.mb_per_s);
}

/** Ping-pong or stream over @p mech at every size. */
static void
every_size(enum bench_mech mech, bool stream)
{
	for (size_t i = 0; i < N_ALL_SIZES; i++) {
		struct bench_config cfg = small_config(mech, all_sizes[i]);

		run_and_check(&cfg, stream, false);
	}
}

/** Ping-pong and stream over @p mech with short I/O and EINTR injected,
 *  at 64 KiB and 1 MiB (where a short read is sure to happen). */
static void
short_io(enum bench_mech mech)
{
	for (int stream = 0; stream < 2; stream++) {
		struct bench_config cfg = small_config(mech, 65536);

		run_and_check(&cfg, stream, true);
		cfg = small_config(mech, 1u << 20);
		cfg.iters = 2;
		run_and_check(&cfg, stream, true);
	}
}

/** A ping-pong of 20000-byte messages with the @p nth call of
 *  @p function interrupted (EINTR), in the parent or the child. */
static void
interrupted(enum bench_mech mech, const char *function, unsigned nth)
{
	struct bench_config cfg = small_config(mech, 20000);

	grade_fail_nth(function, nth, EINTR);
	errno = 0;
	{
		struct bench_result res;
		int rc = GRADE_CALL(bench_pingpong(&cfg, &res));
		int err = errno;

		grade_fail_clear();
		if (rc == -1 && err == ENOSYS)
			GRADE_IMPLEMENTED(rc, "bench_pingpong", step_of(mech));
		ck_assert_msg(rc == 0,
			      "a %s ping-pong whose %u%s %s() call was "
			      "interrupted by a signal (EINTR) failed with %s: "
			      "EINTR means nothing happened yet, call it again",
			      bench_mech_name(mech), nth,
			      nth == 1 ? "st" : nth == 2 ? "nd" : nth == 3 ? "rd"
									 : "th",
			      function, ipc_errno_name(err));
	}
}

/** Bytes of heap a second, identical @p cfg ping-pong kept. */
static size_t
heap_kept(struct bench_config *cfg)
{
	size_t before;

	run_and_check(cfg, false, false);
	before = grade_heap_in_use();
	run_and_check(cfg, false, false);
	return grade_heap_in_use() > before ? grade_heap_in_use() - before : 0;
}

START_TEST(test_pipe_pingpong_every_size)
{
	struct bench_config cfg;
	size_t kept;

	every_size(BENCH_PIPE, false);
	/* One measured iteration: elapsed is that one sample. */
	cfg = small_config(BENCH_PIPE, 64);
	cfg.iters = 1;
	run_and_check(&cfg, false, false);
	/* What a run allocates, it frees: the messages, the samples. */
	cfg = small_config(BENCH_PIPE, 1u << 20);
	kept = heap_kept(&cfg);
	cfg = small_config(BENCH_PIPE, 1);
	cfg.iters = 10000;
	kept += heap_kept(&cfg);
	ck_assert_msg(kept < 4096,
		      "two pipe ping-pongs of 1 MiB (3 iterations) and of 1 "
		      "byte (10000 iterations), each run twice, kept %zu bytes "
		      "of heap the second time: free the messages and the "
		      "samples before returning",
		      kept);
}
END_TEST

START_TEST(test_pipe_stream_every_size)
{
	every_size(BENCH_PIPE, true);
}
END_TEST

START_TEST(test_pipe_survives_short_io)
{
	short_io(BENCH_PIPE);
	interrupted(BENCH_PIPE, "waitpid", 1);
}
END_TEST

START_TEST(test_fifo_pingpong_every_size)
{
	every_size(BENCH_FIFO, false);
}
END_TEST

START_TEST(test_fifo_stream_every_size)
{
	every_size(BENCH_FIFO, true);
}
END_TEST

START_TEST(test_fifo_survives_short_io)
{
	short_io(BENCH_FIFO);
	interrupted(BENCH_FIFO, "open", 1);
}
END_TEST

START_TEST(test_socketpair_pingpong_every_size)
{
	every_size(BENCH_SOCKETPAIR, false);
}
END_TEST

START_TEST(test_socketpair_stream_every_size)
{
	every_size(BENCH_SOCKETPAIR, true);
}
END_TEST

START_TEST(test_socketpair_survives_short_io)
{
	short_io(BENCH_SOCKETPAIR);
}
END_TEST

/* ---------------------------------------------- faulty peers, step 2 */

/** Which fault a faulty peer makes, in the measured iteration after the
 *  first (a harness that checks only the warm-up or the first misses it). */
static enum { FLIP_BYTE, STALE_REPLY, LOSE_MESSAGE } fault;

/** An echo that corrupts one reply. */
static int
faulty_echo(struct bench_chan *ch, const struct bench_config *cfg)
{
	unsigned char *buf = malloc(cfg->size), *prev = malloc(cfg->size);

	if (buf == NULL || prev == NULL)
		return -1;
	for (unsigned i = 0; i < cfg->warmup + cfg->iters; i++) {
		if (bench_chan_recv(ch, buf, cfg->size) == -1)
			return -1;
		if (i == cfg->warmup + 1 && fault == FLIP_BYTE)
			buf[cfg->size / 2] ^= 0x04;
		if (bench_chan_send(ch, i == cfg->warmup + 1 &&
						   fault == STALE_REPLY
					   ? prev
					   : buf,
				    cfg->size) == -1)
			return -1;
		memcpy(prev, buf, cfg->size);
	}
	free(buf);
	free(prev);
	return 0;
}

/** An echo that does its work, then fails (its exit status is 1). */
static int
failing_echo(struct bench_chan *ch, const struct bench_config *cfg)
{
	bench_echo(ch, cfg);
	return -1;
}

/** An echo that takes the first message, closes every pipe end it reads
 *  from, then replies and fails: the parent's next write has no reader. */
static int
closing_echo(struct bench_chan *ch, const struct bench_config *cfg)
{
	unsigned char *buf = malloc(cfg->size);

	if (buf == NULL || bench_chan_recv(ch, buf, cfg->size) == -1)
		return -1;
	for (int fd = 0; fd < 1024; fd++) {
		struct stat st;
		int flags = fcntl(fd, F_GETFL);

		if (flags != -1 && (flags & O_ACCMODE) == O_RDONLY &&
		    fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
			close(fd);
	}
	bench_chan_send(ch, buf, cfg->size);
	free(buf);
	return -1;
}

/** A stream sender that corrupts or loses one message. */
static int
faulty_sender(struct bench_chan *ch, const struct bench_config *cfg)
{
	unsigned char *buf = malloc(cfg->size);
	uint64_t seq = 0;

	if (buf == NULL)
		return -1;
	for (unsigned i = 0; i < cfg->warmup + cfg->iters; i++, seq++) {
		if (i == cfg->warmup + 1 && fault == LOSE_MESSAGE)
			seq++; /* message warmup + 1 never leaves */
		bench_fill(buf, cfg->size, seq);
		if (i == cfg->warmup + 1 && fault == FLIP_BYTE)
			buf[cfg->size / 2] ^= 0x04;
		if (bench_chan_send(ch, buf, cfg->size) == -1)
			return -1;
	}
	free(buf);
	return 0;
}

/** Run over a pipe with a faulty peer: the harness must say EBADMSG. */
static void
expect_bad_message(enum bench_mech mech, bool stream, const char *what)
{
	struct bench_config cfg = small_config(mech, 4096);
	struct bench_result res;
	int rc;

	cfg.iters = 6;
	cfg.peer = stream ? faulty_sender : faulty_echo;
	errno = 0;
	rc = GRADE_CALL(stream ? bench_stream(&cfg, &res)
			       : bench_pingpong(&cfg, &res));
	if (rc == -1 && errno == ENOSYS)
		GRADE_IMPLEMENTED(rc, stream ? "bench_stream" : "bench_pingpong",
				  step_of(mech));
	ck_assert_msg(rc == -1 && errno == EBADMSG,
		      "%s in measured iteration 2 of 6 over %s, and %s() "
		      "returned %d "
		      "(%s); expected -1 with EBADMSG: check every byte of "
		      "every message received against the pattern of its "
		      "number (bench_check()), and stop at the first that "
		      "differs",
		      what, bench_mech_name(mech),
		      stream ? "bench_stream" : "bench_pingpong", rc,
		      rc == 0 ? "success" : ipc_errno_name(errno));
}

START_TEST(test_pingpong_detects_bad_reply)
{
	fault = FLIP_BYTE;
	expect_bad_message(BENCH_PIPE, false, "the peer flipped one bit in the middle of "
				  "a 4096-byte reply");
	fault = STALE_REPLY;
	expect_bad_message(BENCH_PIPE, false, "the peer sent back the previous message "
				  "instead of the current one");
	{
		struct bench_config cfg = small_config(BENCH_PIPE, 64);
		struct bench_result res;
		int rc;

		cfg.peer = failing_echo;
		errno = 0;
		rc = GRADE_CALL(bench_pingpong(&cfg, &res));
		ck_assert_msg(rc == -1 && errno == EIO,
			      "the child echoed every message, then failed (its "
			      "exit status was 1), and bench_pingpong() returned "
			      "%d (%s); expected -1 with EIO: reap the child and "
			      "look at its status (WIFEXITED, WEXITSTATUS 0)",
			      rc, rc == 0 ? "success" : ipc_errno_name(errno));
	}
	{
		/* The child closed its end: the next write has no reader. */
		struct bench_config cfg = small_config(BENCH_PIPE, 64);
		struct bench_result res;
		sigset_t before, after, pending;
		int rc, err;

		cfg.peer = closing_echo;
		sigprocmask(SIG_SETMASK, NULL, &before);
		errno = 0;
		rc = GRADE_CALL(bench_pingpong(&cfg, &res));
		err = errno;
		sigprocmask(SIG_SETMASK, NULL, &after);
		sigpending(&pending);
		ck_assert_msg(rc == -1 && (err == EPIPE || err == EIO),
			      "the child closed the pipe it reads after the "
			      "first message, and bench_pingpong() returned %d "
			      "(%s); expected -1 with EPIPE",
			      rc, rc == 0 ? "success" : ipc_errno_name(err));
		ck_assert_msg(!sigismember(&pending, SIGPIPE) &&
				      sigismember(&before, SIGPIPE) ==
					      sigismember(&after, SIGPIPE),
			      "after a write with no reader, SIGPIPE is %s: "
			      "block SIGPIPE while the benchmark runs, then take "
			      "back the SIGPIPE it raised (sigtimedwait() with a "
			      "zero timeout) and restore the mask",
			      sigismember(&pending, SIGPIPE) ? "still pending"
							     : "blocked still");
	}
}
END_TEST

START_TEST(test_stream_detects_bad_message)
{
	fault = FLIP_BYTE;
	expect_bad_message(BENCH_PIPE, true, "the sender flipped one bit in the middle of "
				 "a 4096-byte message");
	fault = LOSE_MESSAGE;
	expect_bad_message(BENCH_PIPE, true, "the sender lost a message (it sent the next "
				 "one in its place)");
}
END_TEST

/* ------------------------------- channels that fail, steps 2 to 5 */

/** A call bench_chan_create() may make that a test makes fail, and the
 *  errno it fails with (one no channel can get past). */
static const struct {
	const char *function;
	int err;
} create_calls[] = {
	{ "pipe2", EMFILE },	  { "pipe", EMFILE },	 { "mkfifo", EACCES },
	{ "socketpair", EMFILE }, { "msgget", ENOSPC },	 { "mq_open", EMFILE },
	{ "mmap", ENOMEM },	  { "sem_init", EINVAL }, { "socket", EMFILE },
	{ "bind", EACCES },	  { "listen", EADDRINUSE },
	{ "connect", ECONNREFUSED },
	{ "malloc", ENOMEM },	  { "calloc", ENOMEM },
};

/** Open a channel of @p mech, or fail the test (not implemented: the
 *  step's message). */
static struct bench_chan *
create_or_fail(enum bench_mech mech, size_t max_size, const char *dir)
{
	struct bench_chan *ch;

	errno = 0;
	ch = GRADE_CALL(bench_chan_create(mech, max_size, dir));
	if (ch == NULL)
		GRADE_IMPLEMENTED(-1, "bench_chan_create", step_of(mech));
	ck_assert_msg(ch != NULL, "bench_chan_create(%s, %zu) failed: %s",
		      bench_mech_name(mech), max_size, ipc_errno_name(errno));
	return ch;
}

/** This process's virtual memory size in KiB (VmSize), or 0. */
static long
vm_size_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmSize: %ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/** bench_chan_create(@p mech) with each call it makes failing in turn
 *  (the 1st, 2nd... of each kind): NULL, with that call's errno, and
 *  nothing left open or in the directory. */
static void
create_fails_cleanly(enum bench_mech mech)
{
	char left[256] = "", what[64];
	int files = dir_entries(left, sizeof(left));

	size_t heap = 0;
	long vm = 0;

	/* bench_chan_close() frees and unmaps what bench_chan_create()
	 * made: 20 channels (after 5 first) leave nothing. */
	for (int k = 0; k < 25; k++) {
		if (k == 5) {
			heap = grade_heap_in_use();
			vm = vm_size_kib();
		}
		bench_chan_close(create_or_fail(mech, 100003, grade_tmpdir()));
	}
	heap = grade_heap_in_use() > heap ? grade_heap_in_use() - heap : 0;
	vm = vm_size_kib() - vm;
	ck_assert_msg(heap < 4096 && vm < 1024,
		      "20 %s channels made and closed kept %zu bytes of heap "
		      "and %ld KiB of memory mappings: bench_chan_close() "
		      "frees every buffer and munmap()s every mapping "
		      "bench_chan_create() made",
		      bench_mech_name(mech), heap, vm);
	snprintf(what, sizeof(what), "bench_chan_create(%s)",
		 bench_mech_name(mech));
	for (size_t c = 0; c < GRADE_COUNT(create_calls); c++) {
		for (unsigned nth = 1; nth <= 4; nth++) {
			struct bench_chan *ch;
			char when[256];
			int err;

			grade_fail_nth(create_calls[c].function, nth,
				       create_calls[c].err);
			errno = 0;
			/* No GRADE_CALL(): its check allocates, and
			 * malloc() may be armed. */
			ch = bench_chan_create(mech, 100003, grade_tmpdir());
			err = errno;
			if (grade_fail_describe(when, sizeof(when)) > 0 &&
			    ch != NULL) {
				grade_fail_clear();
				bench_chan_close(ch);
				ck_abort_msg("when %s, %s did not return NULL: a "
					     "channel that could not be made "
					     "whole is no channel; free what "
					     "was made and return NULL with "
					     "that call's errno",
					     when, what);
			}
			errno = err;
			if (!grade_expect_clean_failure(ch == NULL ? -1 : 0,
							create_calls[c].err,
							what)) {
				/* Fewer such calls: it ran normally. */
				ck_assert_msg(ch != NULL, "%s failed: %s",
					      what, ipc_errno_name(err));
				bench_chan_close(ch);
				break;
			}
			ck_assert_msg(dir_entries(left, sizeof(left)) == files,
				      "when %s could not be made (a call "
				      "failed), it left \"%s\" in the "
				      "directory it was given: remove what "
				      "was made before the failure",
				      what, left);
		}
	}
}

/** What the helper at the other end of a test's channel does. */
static struct {
	struct bench_chan *ch; /**< the channel (the helper's copy) */
	size_t send_len;       /**< bytes of its one message (0: none) */
} other;

/** The other end, in a helper: attach as end 1, send one message of
 *  other.send_len bytes (bench_fill() of seq 0), if any, and close. */
static int
other_end(void *arg)
{
	unsigned char *buf = NULL;
	int rc;

	(void)arg;
	rc = bench_chan_attach(other.ch, 1, getppid());
	if (rc == 0 && other.send_len > 0) {
		buf = malloc(other.send_len);
		rc = -1;
		if (buf != NULL) {
			bench_fill(buf, other.send_len, 0);
			rc = bench_chan_send(other.ch, buf, other.send_len);
		}
	}
	free(buf);
	bench_chan_close(other.ch);
	return rc == 0 ? 0 : 1;
}

/** A channel of @p mech for messages up to @p max_size bytes: end 1 in
 *  a helper (other_end(), which sends @p send_len bytes if not 0, then
 *  closes), end 0 attached here. */
static struct bench_chan *
open_with_helper(enum bench_mech mech, size_t max_size, size_t send_len,
		 pid_t *helper)
{
	struct bench_chan *ch = create_or_fail(mech, max_size, grade_tmpdir());
	int rc;

	other.ch = ch;
	other.send_len = send_len;
	*helper = grade_spawn(other_end, NULL);
	errno = 0;
	rc = GRADE_CALL(bench_chan_attach(ch, 0, *helper));
	ck_assert_msg(rc == 0, "bench_chan_attach() of end 0 of a %s channel "
			       "failed: %s",
		      bench_mech_name(mech), ipc_errno_name(errno));
	return ch;
}

/** Close the test's end of @p ch, and collect the helper. */
static void
close_with_helper(struct bench_chan *ch, pid_t helper, enum bench_mech mech)
{
	int status;

	bench_chan_close(ch);
	status = grade_join(helper, 5000);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the test's process at end 1 of a %s channel could not "
		      "attach, send its message or close: bench_chan_attach(ch, "
		      "1, parent) and bench_chan_send() must work in a child",
		      bench_mech_name(mech));
}

/** The calls that receive, each failing with an errno of its own. */
static const struct {
	const char *function;
	int err;
} recv_calls[] = {
	{ "read", EIO },	  { "readv", EIO },	   { "recv", ECONNRESET },
	{ "recvmsg", ECONNRESET }, { "msgrcv", EIDRM }, { "mq_receive", EBADF },
};

/** bench_chan_recv() of @p len bytes on @p ch with the first receiving
 *  call failing: -1 with its errno. Returns whether a call failed. */
static bool
recv_fails(struct bench_chan *ch, enum bench_mech mech, size_t len)
{
	unsigned char *buf = malloc(len);
	char when[256] = "";
	int rc, err, want = 0;

	ck_assert(buf != NULL);
	for (size_t c = 0; c < GRADE_COUNT(recv_calls); c++)
		grade_fail_nth(recv_calls[c].function, 1, recv_calls[c].err);
	errno = 0;
	rc = bench_chan_recv(ch, buf, len);
	err = errno;
	grade_fail_describe(when, sizeof(when));
	for (size_t c = 0; c < GRADE_COUNT(recv_calls); c++)
		if (grade_fail_calls(recv_calls[c].function) > 0)
			want = recv_calls[c].err;
	grade_fail_clear();
	free(buf);
	if (when[0] == '\0')
		return false;
	ck_assert_msg(rc == -1 && err == want,
		      "when %s, bench_chan_recv() over %s returned %d (%s); "
		      "expected -1 with %s: a call that fails for good ends the "
		      "receive with its errno (only EINTR is retried)",
		      when, bench_mech_name(mech), rc,
		      rc == 0 ? "success" : ipc_errno_name(err),
		      ipc_errno_name(want));
	return true;
}

/** @p mech's byte stream: EPIPE once the other end closed, a failed
 *  read()'s errno when one fails. */
static void
stream_recv_failures(enum bench_mech mech)
{
	unsigned char buf[64];
	pid_t helper;
	struct bench_chan *ch = open_with_helper(mech, sizeof(buf), 0, &helper);
	int rc;

	recv_fails(ch, mech, sizeof(buf));
	errno = 0;
	rc = bench_chan_recv(ch, buf, sizeof(buf));
	ck_assert_msg(rc == -1 && errno == EPIPE,
		      "the other end of a %s channel closed without sending "
		      "anything, and bench_chan_recv() returned %d (%s); "
		      "expected -1 with EPIPE: read() returning 0 is the end "
		      "of the stream (EOF), not a short read",
		      bench_mech_name(mech), rc,
		      rc == 0 ? "success" : ipc_errno_name(errno));
	close_with_helper(ch, helper, mech);
}

/** The channel functions' own checks: a channel of an unknown mechanism
 *  or size, an end that is not 0 or 1, a message of 0 bytes or larger
 *  than the channel's largest. */
static void
bad_arguments(void)
{
	unsigned char buf[65];
	struct bench_chan *ch;
	void (*old_pipe)(int);
	int rc;

	errno = 0;
	ch = GRADE_CALL(bench_chan_create(BENCH_N_MECHS, 64, grade_tmpdir()));
	ck_assert_msg(ch == NULL && errno == EINVAL,
		      "bench_chan_create() of mechanism %d (BENCH_N_MECHS: none) "
		      "%s%s; expected NULL with EINVAL",
		      (int)BENCH_N_MECHS, ch != NULL ? "made a channel" : "failed with ",
		      ch != NULL ? "" : ipc_errno_name(errno));
	for (int big = 0; big < 2; big++) {
		size_t size = big ? BENCH_MAX_SIZE + 1 : 0;

		errno = 0;
		ch = GRADE_CALL(bench_chan_create(BENCH_PIPE, size, grade_tmpdir()));
		if (ch != NULL)
			bench_chan_close(ch);
		ck_assert_msg(ch == NULL && errno == EINVAL,
			      "bench_chan_create() of a pipe for messages of up "
			      "to %zu bytes %s%s; expected NULL with EINVAL (1 "
			      "to BENCH_MAX_SIZE)",
			      size, ch != NULL ? "made a channel" : "failed with ",
			      ch != NULL ? "" : ipc_errno_name(errno));
	}
	/* A message sent in spite of its size must not kill the test. */
	old_pipe = signal(SIGPIPE, SIG_IGN);
	ch = create_or_fail(BENCH_PIPE, 64, grade_tmpdir());
	memset(buf, 0, sizeof(buf));
	errno = 0;
	rc = bench_chan_send(ch, buf, 1);
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "bench_chan_send() on a channel not attached yet returned "
		      "%d (%s); expected -1 with EINVAL",
		      rc, rc == 0 ? "success" : ipc_errno_name(errno));
	errno = 0;
	rc = bench_chan_attach(ch, 2, getpid());
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "bench_chan_attach() of end 2 returned %d (%s); expected "
		      "-1 with EINVAL: the ends are 0 (parent) and 1 (child)",
		      rc, rc == 0 ? "success" : ipc_errno_name(errno));
	ck_assert_int_eq(bench_chan_attach(ch, 0, getpid()), 0);
	errno = 0;
	rc = bench_chan_attach(ch, 0, getpid());
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "a second bench_chan_attach() of the same channel returned "
		      "%d (%s); expected -1 with EINVAL",
		      rc, rc == 0 ? "success" : ipc_errno_name(errno));
	for (int k = 0; k < 4; k++) {
		size_t len = k % 2 ? 65 : 0;
		int want = len ? EMSGSIZE : EINVAL;

		errno = 0;
		rc = k < 2 ? bench_chan_send(ch, buf, len)
			   : bench_chan_recv(ch, buf, len);
		ck_assert_msg(rc == -1 && errno == want,
			      "%s() of %zu bytes on a channel for messages of "
			      "up to 64 returned %d (%s); expected -1 with %s",
			      k < 2 ? "bench_chan_send" : "bench_chan_recv", len,
			      rc, rc == 0 ? "success" : ipc_errno_name(errno),
			      ipc_errno_name(want));
	}
	bench_chan_close(ch);
	signal(SIGPIPE, old_pipe);
	errno = 0;
	rc = bench_chan_close(NULL);
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "bench_chan_close(NULL) returned %d (%s); expected -1 "
		      "with EINVAL",
		      rc, rc == 0 ? "success" : ipc_errno_name(errno));
}

/** End 0 of a @p mech channel attached (the ends it does not keep
 *  closed), the fds it closed opened again by this process: closing the
 *  channel must leave them alone. */
static void
close_only_own(enum bench_mech mech)
{
	struct bench_chan *ch = create_or_fail(mech, 64, grade_tmpdir());
	int fds[4], n = 0;

	ck_assert_int_eq(bench_chan_attach(ch, 0, getpid()), 0);
	/* The lowest free numbers: those the attach closed. */
	for (int i = 0; i < 4; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		ck_assert_msg(fds[i] != -1, "grader: open: %s", strerror(errno));
	}
	bench_chan_close(ch);
	for (int i = 0; i < 4; i++) {
		bool open_now = fcntl(fds[i], F_GETFD) != -1;

		if (open_now)
			close(fds[i]);
		else
			n = fds[i];
	}
	ck_assert_msg(n == 0,
		      "bench_chan_close() of a %s channel closed fd %d, which "
		      "the channel had closed already (in bench_chan_attach()) "
		      "and this process had opened again: mark a descriptor "
		      "closed (-1) when you close it, and close only those "
		      "still open",
		      bench_mech_name(mech), n);
}

/** bench_echo() and bench_stream_send() of 1 MiB messages over a pipe
 *  whose other end closed: -1, and their buffer freed. */
static void
peers_free_buffer(void)
{
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);

	for (int stream = 0; stream < 2; stream++) {
		struct bench_config cfg = small_config(BENCH_PIPE, 1u << 20);
		pid_t helper;
		struct bench_chan *ch =
			open_with_helper(BENCH_PIPE, cfg.size, 0, &helper);
		size_t before = grade_heap_in_use(), kept;
		int rc = stream ? bench_stream_send(ch, &cfg)
				: bench_echo(ch, &cfg);

		kept = grade_heap_in_use() > before ? grade_heap_in_use() - before
						    : 0;
		close_with_helper(ch, helper, BENCH_PIPE);
		ck_assert_msg(rc == -1 && kept < 4096,
			      "%s() of 1 MiB messages to a peer that closed "
			      "returned %d and kept %zu bytes of heap; expected "
			      "-1, and its message buffer freed on every path",
			      stream ? "bench_stream_send" : "bench_echo", rc,
			      kept);
	}
	signal(SIGPIPE, old_pipe);
}

START_TEST(test_pipes_report_failures)
{
	static const enum bench_mech mechs[] = { BENCH_PIPE, BENCH_FIFO,
						 BENCH_SOCKETPAIR };
	struct bench_chan *ch;

	for (size_t m = 0; m < GRADE_COUNT(mechs); m++) {
		create_fails_cleanly(mechs[m]);
		stream_recv_failures(mechs[m]);
	}
	bad_arguments();
	close_only_own(BENCH_PIPE);
	close_only_own(BENCH_SOCKETPAIR);
	peers_free_buffer();
	/* FIFOs need the caller's directory. */
	errno = 0;
	ch = GRADE_CALL(bench_chan_create(BENCH_FIFO, 64, NULL));
	if (ch != NULL)
		bench_chan_close(ch);
	ck_assert_msg(ch == NULL && errno == EINVAL,
		      "bench_chan_create(BENCH_FIFO) with no directory (NULL) "
		      "%s%s; expected NULL with EINVAL: FIFOs go in the "
		      "directory the caller gives, never a place of your "
		      "choosing",
		      ch != NULL ? "made a channel" : "failed with ",
		      ch != NULL ? "" : ipc_errno_name(errno));
}
END_TEST

/* ---------------------------------------------- pinning, step 2 */

/** The CPU the child must be pinned to (set by the test before). */
static int child_cpu_expected;

/** An echo that first checks it runs on child_cpu_expected alone. */
static int
pinned_echo(struct bench_chan *ch, const struct bench_config *cfg)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == -1 ||
	    CPU_COUNT(&set) != 1 || !CPU_ISSET(child_cpu_expected, &set))
		return -1;
	return bench_echo(ch, cfg);
}

/** Ping-pong with @p pin and check the CPUs reported and the child's. */
static void
check_pinning(enum bench_pin pin, const int want[2], const char *what)
{
	struct bench_config cfg = small_config(BENCH_PIPE, 64);
	struct bench_result res;
	cpu_set_t before, after;
	int rc;

	cfg.pin = pin;
	cfg.peer = want[1] >= 0 ? pinned_echo : NULL;
	child_cpu_expected = want[1];
	ck_assert_int_eq(sched_getaffinity(0, sizeof(before), &before), 0);
	errno = 0;
	rc = GRADE_CALL(bench_pingpong(&cfg, &res));
	if (rc == -1 && errno == ENOSYS)
		GRADE_IMPLEMENTED(rc, "bench_pingpong", 2);
	ck_assert_int_eq(sched_getaffinity(0, sizeof(after), &after), 0);
	ck_assert_msg(CPU_EQUAL(&before, &after),
		      "after bench_pingpong() (%s), the caller may run on %d "
		      "CPUs, not on the %d it had: pinning is for the "
		      "benchmark; save the affinity before, restore it after",
		      what, CPU_COUNT(&after), CPU_COUNT(&before));
	ck_assert_msg(rc == 0,
		      "bench_pingpong() (%s) failed with %s%s", what,
		      ipc_errno_name(errno),
		      errno == EIO && want[1] >= 0
			      ? ": the child did not run on CPU alone it "
				"should (sched_setaffinity() in the child, "
				"with the CPU bench_choose_cpus() gave)"
			      : "");
	ck_assert_msg(res.cpus[0] == want[0] && res.cpus[1] == want[1],
		      "bench_pingpong() (%s) reported CPUs %d and %d; expected "
		      "%d and %d: report the CPUs the processes were pinned to "
		      "(-1 when not pinned)",
		      what, res.cpus[0], res.cpus[1], want[0], want[1]);
}

START_TEST(test_pingpong_reports_pinning)
{
	cpu_set_t all;
	int n = allowed_cpus(&all), last = nth_cpu(&all, n - 1);
	int split[2] = { nth_cpu(&all, 0), nth_cpu(&all, n > 1 ? 1 : 0) };
	int share[2] = { nth_cpu(&all, 0), nth_cpu(&all, 0) };
	int alone[2] = { last, last }, none[2] = { -1, -1 };

	check_pinning(BENCH_PIN_SPLIT, split, "BENCH_PIN_SPLIT");
	check_pinning(BENCH_PIN_SHARE, share, "BENCH_PIN_SHARE");
	check_pinning(BENCH_PIN_NONE, none, "BENCH_PIN_NONE");
	run_on(last); /* the caller may use one CPU only */
	check_pinning(BENCH_PIN_SPLIT, alone,
		      "BENCH_PIN_SPLIT, the caller on one CPU");
	sched_setaffinity(0, sizeof(all), &all);
}
END_TEST

/* ----------------------------------------------- step 3: the queues */

START_TEST(test_sysv_mq_pingpong_every_size)
{
	every_size(BENCH_SYSV_MQ, false);
}
END_TEST

START_TEST(test_sysv_mq_stream_every_size)
{
	every_size(BENCH_SYSV_MQ, true);
}
END_TEST

START_TEST(test_posix_mq_pingpong_every_size)
{
	every_size(BENCH_POSIX_MQ, false);
}
END_TEST

START_TEST(test_posix_mq_stream_every_size)
{
	every_size(BENCH_POSIX_MQ, true);
}
END_TEST

START_TEST(test_queues_retry_eintr)
{
	interrupted(BENCH_SYSV_MQ, "msgsnd", 2);
	interrupted(BENCH_SYSV_MQ, "msgrcv", 3);
	interrupted(BENCH_POSIX_MQ, "mq_send", 2);
	interrupted(BENCH_POSIX_MQ, "mq_receive", 3);
}
END_TEST

/** @p mech's messages: a message of @p sent bytes received as one of
 *  @p asked: -1 with EPROTO (or one of @p also), never a byte written
 *  past the @p asked given. */
static void
wrong_size(enum bench_mech mech, size_t sent, size_t asked, int also,
	   const char *how)
{
	unsigned char buf[512];
	pid_t helper;
	struct bench_chan *ch = open_with_helper(mech, 256, sent, &helper);
	size_t changed = sizeof(buf);
	int rc, err;

	memset(buf, 0x5a, sizeof(buf));
	errno = 0;
	rc = bench_chan_recv(ch, buf, asked);
	err = errno;
	for (size_t i = sizeof(buf); i > asked; i--)
		if (buf[i - 1] != 0x5a)
			changed = i - 1;
	ck_assert_msg(changed == sizeof(buf),
		      "bench_chan_recv() of %zu bytes over %s wrote byte %zu of "
		      "the buffer, past them, when a %zu-byte message came: "
		      "receive a piece into space of the size the call is "
		      "given (%s), then copy what belongs to the message",
		      asked, bench_mech_name(mech), changed, sent, how);
	ck_assert_msg(rc == -1 && (err == EPROTO || (also != 0 && err == also)),
		      "the other end sent a %zu-byte message, and "
		      "bench_chan_recv() of %zu bytes over %s returned %d (%s); "
		      "expected -1 with EPROTO: check the size of each piece "
		      "received (the call returns it)",
		      sent, asked, bench_mech_name(mech), rc,
		      rc == 0 ? "success" : ipc_errno_name(err));
	close_with_helper(ch, helper, mech);
}

/** @p mech's messages: a failed receive's errno, and the message still
 *  there for the next bench_chan_recv(). */
static void
message_recv_failure(enum bench_mech mech)
{
	unsigned char buf[200];
	pid_t helper;
	struct bench_chan *ch = open_with_helper(mech, 256, sizeof(buf), &helper);
	int rc;

	if (recv_fails(ch, mech, sizeof(buf))) {
		errno = 0;
		rc = bench_chan_recv(ch, buf, sizeof(buf));
		ck_assert_msg(rc == 0 && bench_check(buf, sizeof(buf), 0) == 0,
			      "after a receive over %s that failed (an "
			      "injected failure, nothing taken from the "
			      "queue), the next bench_chan_recv() %s: the "
			      "message must still be there, whole",
			      bench_mech_name(mech),
			      rc == 0 ? "gave other bytes" : ipc_errno_name(errno));
	}
	close_with_helper(ch, helper, mech);
}

START_TEST(test_queues_report_failures)
{
	create_fails_cleanly(BENCH_SYSV_MQ);
	create_fails_cleanly(BENCH_POSIX_MQ);
	/* msgrcv() without MSG_NOERROR refuses a larger message: E2BIG. */
	wrong_size(BENCH_SYSV_MQ, 100, 200, 0, "msgrcv() returns its size");
	wrong_size(BENCH_SYSV_MQ, 200, 100, E2BIG,
		   "msgrcv() into scratch space of a whole piece");
	wrong_size(BENCH_POSIX_MQ, 100, 200, 0,
		   "mq_receive() returns its size");
	wrong_size(BENCH_POSIX_MQ, 200, 100, 0,
		   "mq_receive() into scratch space of mq_msgsize bytes");
	message_recv_failure(BENCH_SYSV_MQ);
	message_recv_failure(BENCH_POSIX_MQ);
}
END_TEST

/* ---------------------------------------------- step 4: shared memory */

START_TEST(test_shm_sem_pingpong_every_size)
{
	every_size(BENCH_SHM_SEM, false);
}
END_TEST

START_TEST(test_shm_sem_stream_every_size)
{
	every_size(BENCH_SHM_SEM, true);
}
END_TEST

START_TEST(test_shm_spin_pingpong_every_size)
{
	every_size(BENCH_SHM_SPIN, false);
}
END_TEST

START_TEST(test_shm_spin_stream_every_size)
{
	every_size(BENCH_SHM_SPIN, true);
}
END_TEST

START_TEST(test_shm_sem_retries_eintr)
{
	interrupted(BENCH_SHM_SEM, "sem_wait", 3);
}
END_TEST

START_TEST(test_shm_spin_on_one_cpu)
{
	struct bench_config cfg = small_config(BENCH_SHM_SPIN, 4096);
	cpu_set_t all;

	/* Both processes on one CPU: a waiter that spins without ever
	 * giving the CPU away keeps the other one from running. */
	allowed_cpus(&all);
	cfg.pin = BENCH_PIN_SHARE;
	cfg.iters = 20;
	run_and_check(&cfg, false, false);
	run_and_check(&cfg, true, false);
	sched_setaffinity(0, sizeof(all), &all);
}
END_TEST

/** Guard bytes after a peer's buffer: bench_chan_recv() must leave them. */
#define GUARD_BYTES 16384

/** A stream peer that sends through the channel's functions, as any
 *  program would: bench_fill(), then bench_chan_send(). */
static int
api_sender(struct bench_chan *ch, const struct bench_config *cfg)
{
	unsigned char *buf = malloc(cfg->size);
	int rc = buf == NULL ? -1 : 0;

	for (unsigned i = 0; i < cfg->warmup + cfg->iters && rc == 0; i++) {
		bench_fill(buf, cfg->size, i);
		rc = bench_chan_send(ch, buf, cfg->size);
	}
	free(buf);
	return rc;
}

/** A ping-pong peer that receives and sends through the channel's
 *  functions, into a buffer with guard bytes after it. A message that is
 *  not the one sent, or a guard byte changed, and it sends back a reply
 *  with its first byte changed: the harness then sees EBADMSG. */
static int
api_echo(struct bench_chan *ch, const struct bench_config *cfg)
{
	unsigned char *buf = malloc(cfg->size + GUARD_BYTES);
	int rc = buf == NULL ? -1 : 0;

	if (buf != NULL)
		memset(buf + cfg->size, 0x5a, GUARD_BYTES);
	for (unsigned i = 0; i < cfg->warmup + cfg->iters && rc == 0; i++) {
		bool bad;

		if (bench_chan_recv(ch, buf, cfg->size) == -1) {
			rc = -1;
			break;
		}
		bad = bench_check(buf, cfg->size, i) == -1;
		for (size_t k = 0; k < GUARD_BYTES; k++)
			bad = bad || buf[cfg->size + k] != 0x5a;
		if (bad)
			buf[0] ^= 0x01;
		rc = bench_chan_send(ch, buf, cfg->size);
	}
	free(buf);
	return rc;
}

START_TEST(test_shm_serves_api_peers)
{
	static const size_t sizes[] = { 1, 3001, 4099, 100003, 1u << 20 };
	static const enum bench_mech mechs[] = { BENCH_SHM_SEM,
						 BENCH_SHM_SPIN };

	for (size_t m = 0; m < GRADE_COUNT(mechs); m++) {
		for (size_t s = 0; s < GRADE_COUNT(sizes); s++) {
			struct bench_config cfg = small_config(mechs[m], sizes[s]);
			struct bench_result res;
			int rc;

			cfg.iters = 3;
			for (int stream = 0; stream < 2; stream++) {
				cfg.peer = stream ? api_sender : api_echo;
				errno = 0;
				rc = GRADE_CALL(stream ? bench_stream(&cfg, &res)
						       : bench_pingpong(&cfg, &res));
				if (rc == -1 && errno == ENOSYS)
					GRADE_IMPLEMENTED(rc,
							  stream ? "bench_stream"
								 : "bench_pingpong",
							  4);
				ck_assert_msg(
					rc == 0,
					"a %s %s of %zu-byte messages, with a "
					"peer that %s with bench_chan_send()%s, "
					"failed with %s: %s",
					bench_mech_name(mechs[m]),
					stream ? "stream" : "ping-pong",
					sizes[s],
					stream ? "sends bench_fill()'s messages"
					       : "receives with bench_chan_recv() "
						 "and sends back",
					stream ? "" : " (checking every byte, "
						      "and that nothing was "
						      "written past the message)",
					ipc_errno_name(errno),
					"the benchmarks and bench_chan_send() "
					"and bench_chan_recv() must cut a "
					"message into the same pieces, each "
					"the right length, and copy each "
					"whole; a benchmark that writes or "
					"checks messages in the slots must "
					"find each byte where bench_fill() "
					"puts it");
			}
		}
		fault = FLIP_BYTE;
		expect_bad_message(mechs[m], false,
				   "the peer flipped one bit in the middle of "
				   "a 4096-byte reply");
		expect_bad_message(mechs[m], true,
				   "the sender flipped one bit in the middle "
				   "of a 4096-byte message");
	}
}
END_TEST

START_TEST(test_shm_create_fails_cleanly)
{
	create_fails_cleanly(BENCH_SHM_SEM);
	create_fails_cleanly(BENCH_SHM_SPIN);
}
END_TEST

/* --------------------------------------------------- step 5: sockets */

START_TEST(test_unix_stream_pingpong_every_size)
{
	every_size(BENCH_UNIX_STREAM, false);
}
END_TEST

START_TEST(test_unix_stream_stream_every_size)
{
	every_size(BENCH_UNIX_STREAM, true);
}
END_TEST

START_TEST(test_unix_stream_survives_short_io)
{
	short_io(BENCH_UNIX_STREAM);
}
END_TEST

START_TEST(test_unix_dgram_pingpong_every_size)
{
	every_size(BENCH_UNIX_DGRAM, false);
}
END_TEST

START_TEST(test_unix_dgram_stream_every_size)
{
	every_size(BENCH_UNIX_DGRAM, true);
}
END_TEST

START_TEST(test_tcp_pingpong_every_size)
{
	every_size(BENCH_TCP, false);
}
END_TEST

START_TEST(test_tcp_stream_every_size)
{
	every_size(BENCH_TCP, true);
}
END_TEST

START_TEST(test_tcp_survives_short_io)
{
	short_io(BENCH_TCP);
}
END_TEST

/** The address the one AF_INET socket of this process is bound to, into
 *  @p addr; false if it has none. */
static bool
inet_socket_address(struct sockaddr_in *addr)
{
	for (int fd = 0; fd < 1024; fd++) {
		socklen_t len = sizeof(*addr);

		memset(addr, 0, sizeof(*addr));
		if (getsockname(fd, (struct sockaddr *)addr, &len) == 0 &&
		    addr->sin_family == AF_INET)
			return true;
	}
	return false;
}

/** A @p mech ping-pong with the parent's accept() interrupted, then
 *  failing for good: it goes on after EINTR, and reports the failure. */
static void
accept_fails(enum bench_mech mech)
{
	static const char *const accepts[] = { "accept4", "accept" };
	struct bench_config cfg = small_config(mech, 64);
	struct bench_result res;
	int rc, err;

	for (int fail = 0; fail < 2; fail++) {
		for (size_t a = 0; a < GRADE_COUNT(accepts); a++)
			grade_fail_nth(accepts[a], 1, fail ? EMFILE : EINTR);
		errno = 0;
		rc = GRADE_CALL(bench_pingpong(&cfg, &res));
		err = errno;
		grade_fail_clear();
		ck_assert_msg(fail ? rc == -1 && err == EMFILE : rc == 0,
			      "a %s ping-pong whose accept() %s returned %d "
			      "(%s); expected %s",
			      bench_mech_name(mech),
			      fail ? "failed with EMFILE" : "was interrupted (EINTR)",
			      rc, rc == 0 ? "success" : ipc_errno_name(err),
			      fail ? "-1 with EMFILE: a failed accept() ends "
				     "the benchmark with its errno"
				   : "0: EINTR means nothing happened yet, "
				     "call accept() again");
	}
}

/** End 1 of a @p mech channel (it connects) with its connect() failing:
 *  -1 with connect()'s errno, and no socket left open. */
static void
connect_fails(enum bench_mech mech)
{
	struct bench_chan *ch = create_or_fail(mech, 64, grade_tmpdir());
	char when[256] = "";
	int rc, err;

	grade_fail_nth("connect", 1, ECONNREFUSED);
	errno = 0;
	rc = GRADE_CALL(bench_chan_attach(ch, 1, getpid()));
	err = errno;
	grade_fail_describe(when, sizeof(when));
	grade_fail_clear();
	bench_chan_close(ch);
	/* A socket it left open shows at the end of the test. */
	ck_assert_msg(when[0] == '\0' || (rc == -1 && err == ECONNREFUSED),
		      "when %s, bench_chan_attach() of end 1 of a %s channel "
		      "returned %d (%s); expected -1 with ECONNREFUSED: a "
		      "connect() that fails ends the attach with its errno "
		      "(close the new socket first)",
		      when, bench_mech_name(mech), rc,
		      rc == 0 ? "success" : ipc_errno_name(err));
}

/** bench_chan_send() of a message over @p mech with the first sending
 *  call failing (ENOBUFS): -1 with that errno. */
static void
send_fails(enum bench_mech mech)
{
	static const char *const sends[] = { "send", "sendmsg", "write",
					     "writev" };
	unsigned char buf[200];
	char when[256] = "";
	pid_t helper;
	struct bench_chan *ch = open_with_helper(mech, 256, 0, &helper);
	int rc, err;

	bench_fill(buf, sizeof(buf), 0);
	for (size_t c = 0; c < GRADE_COUNT(sends); c++)
		grade_fail_nth(sends[c], 1, ENOBUFS);
	errno = 0;
	rc = bench_chan_send(ch, buf, sizeof(buf));
	err = errno;
	grade_fail_describe(when, sizeof(when));
	grade_fail_clear();
	close_with_helper(ch, helper, mech);
	ck_assert_msg(when[0] == '\0' || (rc == -1 && err == ENOBUFS),
		      "when %s, bench_chan_send() over %s returned %d (%s); "
		      "expected -1 with ENOBUFS: a call that fails for good "
		      "ends the send with its errno (only EINTR is retried)",
		      when, bench_mech_name(mech), rc,
		      rc == 0 ? "success" : ipc_errno_name(err));
}

START_TEST(test_sockets_report_failures)
{
	static const enum bench_mech mechs[] = { BENCH_UNIX_STREAM,
						 BENCH_UNIX_DGRAM, BENCH_TCP };
	char dir[200];
	struct bench_chan *ch;
	size_t len;

	for (size_t m = 0; m < GRADE_COUNT(mechs); m++)
		create_fails_cleanly(mechs[m]);
	stream_recv_failures(BENCH_UNIX_STREAM);
	stream_recv_failures(BENCH_TCP);
	wrong_size(BENCH_UNIX_DGRAM, 100, 200, 0,
		   "recv() with MSG_TRUNC returns its size");
	wrong_size(BENCH_UNIX_DGRAM, 200, 100, 0,
		   "recv() with MSG_TRUNC returns its size");
	message_recv_failure(BENCH_UNIX_DGRAM);
	send_fails(BENCH_UNIX_DGRAM);
	interrupted(BENCH_UNIX_DGRAM, "send", 2);
	interrupted(BENCH_UNIX_DGRAM, "recv", 3);

	accept_fails(BENCH_UNIX_STREAM);
	accept_fails(BENCH_TCP);
	connect_fails(BENCH_UNIX_STREAM);
	connect_fails(BENCH_TCP);

	/* A socket file's path longer than sun_path holds. */
	len = (size_t)snprintf(dir, sizeof(dir), "%s/", grade_tmpdir());
	while (len < 150)
		dir[len++] = 'd';
	dir[len] = '\0';
	ck_assert_msg(mkdir(dir, 0700) == 0, "grader: mkdir: %s",
		      strerror(errno));
	for (size_t m = 0; m < 2; m++) {
		char left[256] = "";
		int files = dir_entries(left, sizeof(left));

		errno = 0;
		ch = GRADE_CALL(bench_chan_create(mechs[m], 64, dir));
		if (ch != NULL)
			bench_chan_close(ch);
		ck_assert_msg(ch == NULL && (errno == ENAMETOOLONG ||
					     errno == EINVAL),
			      "a %s channel in a directory whose path is %zu "
			      "bytes long %s%s; expected NULL with ENAMETOOLONG: "
			      "a socket file's path must fit in sun_path (%zu "
			      "bytes with its NUL); never cut it short",
			      bench_mech_name(mechs[m]), len,
			      ch != NULL ? "was made" : "failed with ",
			      ch != NULL ? "" : ipc_errno_name(errno),
			      sizeof(((struct sockaddr_un *)0)->sun_path));
		ck_assert_msg(dir_entries(left, sizeof(left)) == files,
			      "a %s channel in a directory whose path is too "
			      "long left \"%s\" in the test's directory",
			      bench_mech_name(mechs[m]), left);
	}
	rmdir(dir);
}
END_TEST

/** A listening socket among this process's fds: its fd, or -1. */
static int
listening_fd(void)
{
	for (int fd = 0; fd < 1024; fd++) {
		int on = 0;
		socklen_t len = sizeof(on);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 &&
		    on)
			return fd;
	}
	return -1;
}

/** A ping-pong peer that first checks that the child holds no listening
 *  socket (it connects; the listener is the parent's). */
static int
listener_free_echo(struct bench_chan *ch, const struct bench_config *cfg)
{
	return listening_fd() == -1 ? bench_echo(ch, cfg) : -1;
}

/** A connected stream socket channel of @p mech: the listener closed in
 *  both processes, and (Unix) its file unlinked, once connected. */
static void
listener_gone(enum bench_mech mech)
{
	struct bench_config cfg = small_config(mech, 64);
	struct bench_result res;
	char left[256] = "";
	int files = dir_entries(left, sizeof(left)), fd, rc;
	pid_t helper;
	struct bench_chan *ch = open_with_helper(mech, 64, 0, &helper);

	fd = listening_fd();
	ck_assert_msg(fd == -1,
		      "after end 0 of a %s channel accepted the connection, fd "
		      "%d still listens: close the listener then (it accepts "
		      "one connection; open, it lets any other process "
		      "connect too)",
		      bench_mech_name(mech), fd);
	ck_assert_msg(dir_entries(left, sizeof(left)) == files,
		      "after end 0 of a %s channel accepted the connection, "
		      "\"%s\" is still in the directory: unlink the socket file "
		      "then (a connection needs no name)",
		      bench_mech_name(mech), left);
	close_with_helper(ch, helper, mech);
	cfg.peer = listener_free_echo;
	errno = 0;
	rc = GRADE_CALL(bench_pingpong(&cfg, &res));
	ck_assert_msg(rc == 0,
		      "a %s ping-pong whose child checks that it holds no "
		      "listening socket failed with %s%s",
		      bench_mech_name(mech), ipc_errno_name(errno),
		      errno == EIO ? ": the child still has the listener the "
				     "parent made: close its copy before "
				     "connect()"
				   : "");
}

START_TEST(test_stream_listener_is_private)
{
	struct bench_chan *ch;
	struct sockaddr_in addr;
	bool found;

	/* The TCP listener: on 127.0.0.1 only. */
	ch = create_or_fail(BENCH_TCP, 64, grade_tmpdir());
	found = inet_socket_address(&addr);
	bench_chan_close(ch);
	ck_assert_msg(found, "bench_chan_create(BENCH_TCP) made no AF_INET "
			     "socket: listen on 127.0.0.1 before fork()");
	ck_assert_msg(addr.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
		      "the TCP channel's listener is bound to address "
		      "0x%08x, not 127.0.0.1: bind it to INADDR_LOOPBACK, or "
		      "any machine that reaches this one may connect to it",
		      (unsigned)ntohl(addr.sin_addr.s_addr));
	listener_gone(BENCH_UNIX_STREAM);
	listener_gone(BENCH_TCP);
}
END_TEST

/* --------------------------------------------------- step 6: signals */

/** Signals the test's handler caught. */
static volatile sig_atomic_t caught;

/** The test's handler: count. */
static void
count_signal(int sig)
{
	(void)sig;
	caught++;
}

/** A ping-pong peer that, before each reply, sends its parent a SIGUSR2
 *  (which the parent catches): the parent's wait for the reply is
 *  interrupted. */
static int
interrupting_echo(struct bench_chan *ch, const struct bench_config *cfg)
{
	unsigned char buf[BENCH_SIGNAL_MAX_SIZE];

	for (unsigned i = 0; i < cfg->warmup + cfg->iters; i++)
		if (bench_chan_recv(ch, buf, cfg->size) == -1 ||
		    kill(getppid(), SIGUSR2) == -1 ||
		    bench_chan_send(ch, buf, cfg->size) == -1)
			return -1;
	return 0;
}

START_TEST(test_signal_pingpong)
{
	for (size_t size = 1; size <= BENCH_SIGNAL_MAX_SIZE; size += 3) {
		struct bench_config cfg = small_config(BENCH_SIGNAL, size);

		cfg.iters = 30;
		run_and_check(&cfg, false, false);
	}
	{
		/* Another signal caught while the parent waits for a reply. */
		struct bench_config cfg = small_config(BENCH_SIGNAL, 4);
		struct sigaction act = { .sa_handler = count_signal }, old;
		struct bench_result res;
		int rc, rc2, err;

		cfg.iters = 30;
		cfg.peer = interrupting_echo;
		sigaction(SIGUSR2, &act, &old);
		errno = 0;
		rc = GRADE_CALL(bench_pingpong(&cfg, &res));
		sigaction(SIGUSR2, &old, NULL);
		err = errno;
		cfg.peer = failing_echo;
		errno = 0;
		rc2 = GRADE_CALL(bench_pingpong(&cfg, &res));
		ck_assert_msg(rc2 == -1 && errno == EIO,
			      "a signal ping-pong whose child echoed every "
			      "message, then failed (exit status 1), returned %d "
			      "(%s); expected -1 with EIO: keep the errno of "
			      "the failure through the clean-up",
			      rc2, rc2 == 0 ? "success" : ipc_errno_name(errno));
		errno = err;
		ck_assert_msg(rc == 0,
			      "a signal ping-pong whose child sends the parent "
			      "a SIGUSR2 (which the parent catches) before each "
			      "reply failed with %s%s",
			      ipc_errno_name(errno),
			      errno == EINTR ? ": a caught signal interrupts "
					       "sigwaitinfo() (EINTR): call it "
					       "again"
					     : "");
	}
}
END_TEST

/** A signal ping-pong with SIGUSR1 @p blocked before; the caller's mask
 *  and pending signals must be as they were. */
static void
check_signal_state(bool blocked)
{
	struct bench_config cfg = small_config(BENCH_SIGNAL, 4);
	sigset_t usr1, before, during, after, pending;
	struct sigaction count = { .sa_handler = count_signal }, old_usr1;
	struct bench_chan *ch;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &usr1, NULL);
	sigprocmask(SIG_SETMASK, NULL, &before);
	run_and_check(&cfg, false, false);
	/* The channel on its own too: it blocks SIGUSR1 alone, and closing
	 * it gives the mask back. */
	ch = bench_chan_create(BENCH_SIGNAL, 4, grade_tmpdir());
	ck_assert_msg(ch != NULL, "bench_chan_create(BENCH_SIGNAL) failed: %s",
		      ipc_errno_name(errno));
	sigprocmask(SIG_SETMASK, NULL, &during);
	for (int sig = 1; sig < SIGRTMAX; sig++)
		ck_assert_msg(sig == SIGUSR1 || sigismember(&during, sig) ==
							sigismember(&before, sig),
			      "a signal channel %s signal %d (%s) while it was "
			      "open: block SIGUSR1 alone (sigemptyset(), then "
			      "sigaddset())",
			      sigismember(&during, sig) ? "blocked" : "unblocked",
			      sig, strsignal(sig));
	if (!blocked) {
		/* A message it sent that nobody took: dropped at close,
		 * never delivered once SIGUSR1 is unblocked again. */
		int value = 7;

		caught = 0;
		sigaction(SIGUSR1, &count, &old_usr1);
		ck_assert_int_eq(bench_chan_attach(ch, 0, getpid()), 0);
		ck_assert_int_eq(bench_chan_send(ch, &value, sizeof(value)), 0);
	}
	ck_assert_int_eq(bench_chan_close(ch), 0);
	if (!blocked) {
		sigaction(SIGUSR1, &old_usr1, NULL);
		ck_assert_msg(caught == 0,
			      "a SIGUSR1 the signal channel sent and nobody took "
			      "was delivered once the channel was closed: before "
			      "the mask goes back, drop the pending SIGUSR1 "
			      "(sigtimedwait() on SIGUSR1 with a zero timeout)");
	}
	sigprocmask(SIG_SETMASK, NULL, &after);
	sigpending(&pending);
	ck_assert_msg(sigismember(&after, SIGUSR1) == sigismember(&before, SIGUSR1),
		      "SIGUSR1 was %s before a signal channel was made and "
		      "closed, and is %s after: give the caller its signal mask back "
		      "(sigprocmask(SIG_SETMASK, &old, NULL)) when the "
		      "channel closes",
		      blocked ? "blocked" : "not blocked",
		      blocked ? "not blocked" : "blocked");
	ck_assert_msg(!sigismember(&pending, SIGUSR1),
		      "a SIGUSR1 of the ping-pong is still pending after it");
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
}

START_TEST(test_signal_leaves_signal_mask)
{
	check_signal_state(false);
	check_signal_state(true);
}
END_TEST

START_TEST(test_signal_stream_is_refused)
{
	struct bench_config cfg = small_config(BENCH_SIGNAL, 4);
	struct bench_result res;
	int rc;

	/* Implemented at all? */
	cfg.iters = 2;
	rc = GRADE_CALL(bench_pingpong(&cfg, &res));
	if (rc == -1 && errno == ENOSYS)
		GRADE_IMPLEMENTED(rc, "bench_pingpong", 6);
	errno = 0;
	rc = GRADE_CALL(bench_stream(&cfg, &res));
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "bench_stream() over signals returned %d (%s); expected "
		      "-1 with EINVAL: standard signals do not queue, so a "
		      "stream of them loses messages",
		      rc, ipc_errno_name(errno));
	cfg.size = BENCH_SIGNAL_MAX_SIZE + 1;
	errno = 0;
	rc = GRADE_CALL(bench_pingpong(&cfg, &res));
	ck_assert_msg(rc == -1 && errno == EINVAL,
		      "a signal ping-pong of %zu-byte messages returned %d (%s); "
		      "expected -1 with EINVAL: a signal carries one int",
		      cfg.size, rc, ipc_errno_name(errno));
}
END_TEST

/* ------------------------------------------------ the demo, side by side */

START_TEST(test_demo_stats_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "stats", "5", "1", "4", "2", "3", "100", NULL },
		NULL, 0);
}
END_TEST

START_TEST(test_demo_verify_step2_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "verify", "pipe", "fifo", "socketpair", NULL },
		NULL, 0);
}
END_TEST

START_TEST(test_demo_verify_step3_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "verify", "sysv-mq", "posix-mq", NULL }, NULL,
		0);
}
END_TEST

START_TEST(test_demo_verify_step4_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "verify", "shm-sem", "shm-spin", NULL }, NULL,
		0);
}
END_TEST

START_TEST(test_demo_verify_step5_matches_reference)
{
	grade_compare_with_reference((const char *[]){ "verify", "unix-stream",
						       "unix-dgram", "tcp",
						       NULL },
				     NULL, 0);
}
END_TEST

START_TEST(test_demo_verify_step6_matches_reference)
{
	grade_compare_with_reference(
		(const char *[]){ "verify", "signal", NULL }, NULL, 0);
}
END_TEST

/* ------------------------------------------------------------- the table */

/** Said when an all-sizes test runs out of time. */
#define HANG_SIZES                                                             \
	"a message never arrived whole: a piece lost or never sent (split "   \
	"large messages the same way on both sides), or both processes "      \
	"waiting to receive"

static const struct grade_test tests[] = {
	{ GRADE_REF(test_now_ns_is_monotonic_clock), 1, 2, 0, NULL },
	{ GRADE_REF(test_measure_excludes_warmup), 1, 3, 0, NULL },
	{ GRADE_REF(test_measure_uses_monotonic_clock), 1, 2, 0, NULL },
	{ GRADE_REF(test_measure_stops_at_failure), 1, 1, 0, NULL },
	{ GRADE_REF(test_stats_percentiles_from_all_samples), 1, 3, 0, NULL },
	{ GRADE_REF(test_stats_small_sets), 1, 1, 0, NULL },
	{ GRADE_REF(test_check_sees_every_byte), 1, 3, 0, NULL },
	{ GRADE_REF(test_choose_cpus_follows_affinity), 1, 2, 0, NULL },
	{ GRADE_REF(test_demo_stats_matches_reference), 1, 1, 10, NULL },
	{ GRADE_REF(test_pipe_pingpong_every_size), 2, 2, 20,
	  "the round trip never ended: does the parent close the pipe ends it "
	  "does not use, and does each side read exactly the message's "
	  "length?" },
	{ GRADE_REF(test_pipe_stream_every_size), 2, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_pipe_survives_short_io), 2, 2, 20,
	  "with short reads injected the transfer stalled: keep reading "
	  "until the whole message arrived" },
	{ GRADE_REF(test_fifo_pingpong_every_size), 2, 2, 20,
	  "an open() of a FIFO waits for the other end: open the two FIFOs in "
	  "the same order in both processes" },
	{ GRADE_REF(test_fifo_stream_every_size), 2, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_fifo_survives_short_io), 2, 1, 20, NULL },
	{ GRADE_REF(test_socketpair_pingpong_every_size), 2, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_socketpair_stream_every_size), 2, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_socketpair_survives_short_io), 2, 1, 20, NULL },
	{ GRADE_REF(test_pingpong_detects_bad_reply), 2, 3, 10,
	  "after a bad reply the harness waited for ever for its child, which "
	  "waits for the next message: on failure, kill the child (SIGKILL) "
	  "before waiting for it" },
	{ GRADE_REF(test_stream_detects_bad_message), 2, 3, 10,
	  "after a bad message the harness waited for ever: on failure, "
	  "kill the child (SIGKILL) before waiting for it" },
	{ GRADE_REF(test_pipes_report_failures), 2, 2, 10,
	  "bench_chan_recv() waited for ever after the other end closed: after "
	  "fork(), each process closes the ends it does not use (or EOF never "
	  "comes), and read() returning 0 is EOF (EPIPE)" },
	{ GRADE_REF(test_pingpong_reports_pinning), 2, 2, 10, NULL },
	{ GRADE_REF(test_demo_verify_step2_matches_reference), 2, 1, 30, NULL },
	{ GRADE_REF(test_sysv_mq_pingpong_every_size), 3, 3, 30, HANG_SIZES },
	{ GRADE_REF(test_sysv_mq_stream_every_size), 3, 2, 30, HANG_SIZES },
	{ GRADE_REF(test_posix_mq_pingpong_every_size), 3, 3, 30, HANG_SIZES },
	{ GRADE_REF(test_posix_mq_stream_every_size), 3, 2, 30, HANG_SIZES },
	{ GRADE_REF(test_queues_retry_eintr), 3, 2, 20,
	  "a process gave up when msgrcv() or mq_receive() was interrupted "
	  "(EINTR), and the other one waits for it for ever: EINTR means "
	  "nothing happened yet, call it again" },
	{ GRADE_REF(test_queues_report_failures), 3, 2, 10, NULL },
	{ GRADE_REF(test_demo_verify_step3_matches_reference), 3, 1, 40, NULL },
	{ GRADE_REF(test_shm_sem_pingpong_every_size), 4, 3, 20,
	  "a process waits on a semaphore nobody posts: copy, then post; "
	  "wait on the right ring (the other direction's)" },
	{ GRADE_REF(test_shm_sem_stream_every_size), 4, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_shm_spin_pingpong_every_size), 4, 3, 20,
	  "a process spins on a counter that never moves: publish with a "
	  "release store after the copy, and wait on the other ring" },
	{ GRADE_REF(test_shm_spin_stream_every_size), 4, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_shm_sem_retries_eintr), 4, 1, 20, NULL },
	{ GRADE_REF(test_shm_spin_on_one_cpu), 4, 1, 20,
	  "both processes on one CPU, and the waiter spins without giving "
	  "the CPU away: after a while, sched_yield()" },
	{ GRADE_REF(test_shm_serves_api_peers), 4, 2, 20,
	  "a message sent or received with bench_chan_send() or "
	  "bench_chan_recv() never arrived whole: both sides must cut it into "
	  "the same pieces" },
	{ GRADE_REF(test_shm_create_fails_cleanly), 4, 1, 10, NULL },
	{ GRADE_REF(test_demo_verify_step4_matches_reference), 4, 1, 40, NULL },
	{ GRADE_REF(test_unix_stream_pingpong_every_size), 5, 2, 20,
	  "the parent waits in accept() for a child that never connects, or "
	  "both wait to receive" },
	{ GRADE_REF(test_unix_stream_stream_every_size), 5, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_unix_stream_survives_short_io), 5, 2, 20, NULL },
	{ GRADE_REF(test_unix_dgram_pingpong_every_size), 5, 2, 20,
	  "a datagram was cut or lost: receive each piece with a buffer of "
	  "its size" },
	{ GRADE_REF(test_unix_dgram_stream_every_size), 5, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_tcp_pingpong_every_size), 5, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_tcp_stream_every_size), 5, 2, 20, HANG_SIZES },
	{ GRADE_REF(test_tcp_survives_short_io), 5, 2, 20, NULL },
	{ GRADE_REF(test_sockets_report_failures), 5, 2, 10,
	  "bench_chan_recv() waited for ever after the other end closed, or "
	  "accept() was interrupted and never called again: recv() returning "
	  "0 is EOF (EPIPE), and EINTR means call it again" },
	{ GRADE_REF(test_stream_listener_is_private), 5, 1, 10, NULL },
	{ GRADE_REF(test_demo_verify_step5_matches_reference), 5, 1, 40, NULL },
	{ GRADE_REF(test_signal_pingpong), 6, 3, 10,
	  "a signal was lost: block SIGUSR1 before fork(), so that it waits "
	  "pending until sigwaitinfo() takes it" },
	{ GRADE_REF(test_signal_leaves_signal_mask), 6, 2, 10, NULL },
	{ GRADE_REF(test_signal_stream_is_refused), 6, 1, 10, NULL },
	{ GRADE_REF(test_demo_verify_step6_matches_reference), 6, 1, 20, NULL },
};

static const struct grade_lab lab = {
	"11-bench", "Measure, don't believe", tests, GRADE_COUNT(tests),
};

int
main(int argc, char **argv)
{
	return grade_main(argc, argv, &lab);
}
