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

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	static const size_t lens[] = { 1, 5, 8, 64, 4099, 65536 };

	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		size_t len = lens[l];
		unsigned char *buf = malloc(len + 8), *other = malloc(len);
		size_t where[] = { 0, 1, 7, 8, len / 2, len - 1 };
		int rc;

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
		for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
			size_t at = where[w] < len ? where[w] : len - 1;

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

	memset(&res, 0xff, sizeof(res));
	errno = 0;
	grade_inject_short_io(short_io);
	rc = GRADE_CALL(stream ? bench_stream(cfg, &res)
			       : bench_pingpong(cfg, &res));
	grade_inject_short_io(false);
	if (rc == -1 && errno == ENOSYS)
		GRADE_IMPLEMENTED(rc, stream ? "bench_stream" : "bench_pingpong",
				  step_of(cfg->mech));
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
	ck_assert_msg(res.elapsed_ns >= res.lat.max_ns && res.mb_per_s > 0,
		      "a %s %s reported %llu ns elapsed and %.1f MB/s: elapsed "
		      "is the time of the measured iterations together, MB/s "
		      "the payload moved in it",
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

START_TEST(test_pipe_pingpong_every_size)
{
	every_size(BENCH_PIPE, false);
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
expect_bad_message(bool stream, const char *what)
{
	struct bench_config cfg = small_config(BENCH_PIPE, 4096);
	struct bench_result res;
	int rc;

	cfg.iters = 6;
	cfg.peer = stream ? faulty_sender : faulty_echo;
	errno = 0;
	rc = GRADE_CALL(stream ? bench_stream(&cfg, &res)
			       : bench_pingpong(&cfg, &res));
	if (rc == -1 && errno == ENOSYS)
		GRADE_IMPLEMENTED(rc, stream ? "bench_stream" : "bench_pingpong",
				  2);
	ck_assert_msg(rc == -1 && errno == EBADMSG,
		      "%s in measured iteration 2 of 6, and %s() returned %d "
		      "(%s); expected -1 with EBADMSG: check every byte of "
		      "every message received against the pattern of its "
		      "number (bench_check()), and stop at the first that "
		      "differs",
		      what, stream ? "bench_stream" : "bench_pingpong", rc,
		      rc == 0 ? "success" : ipc_errno_name(errno));
}

START_TEST(test_pingpong_detects_bad_reply)
{
	fault = FLIP_BYTE;
	expect_bad_message(false, "the peer flipped one bit in the middle of "
				  "a 4096-byte reply");
	fault = STALE_REPLY;
	expect_bad_message(false, "the peer sent back the previous message "
				  "instead of the current one");
}
END_TEST

START_TEST(test_stream_detects_bad_message)
{
	fault = FLIP_BYTE;
	expect_bad_message(true, "the sender flipped one bit in the middle of "
				 "a 4096-byte message");
	fault = LOSE_MESSAGE;
	expect_bad_message(true, "the sender lost a message (it sent the next "
				 "one in its place)");
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

START_TEST(test_queues_retry_eintr)
{
	interrupted(BENCH_SYSV_MQ, "msgsnd", 2);
	interrupted(BENCH_SYSV_MQ, "msgrcv", 3);
	interrupted(BENCH_POSIX_MQ, "mq_send", 2);
	interrupted(BENCH_POSIX_MQ, "mq_receive", 3);
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

/* --------------------------------------------------- step 6: signals */

START_TEST(test_signal_pingpong)
{
	for (size_t size = 1; size <= BENCH_SIGNAL_MAX_SIZE; size += 3) {
		struct bench_config cfg = small_config(BENCH_SIGNAL, size);

		cfg.iters = 30;
		run_and_check(&cfg, false, false);
	}
}
END_TEST

/** A signal ping-pong with SIGUSR1 @p blocked before; the caller's mask
 *  and pending signals must be as they were. */
static void
check_signal_state(bool blocked)
{
	struct bench_config cfg = small_config(BENCH_SIGNAL, 4);
	sigset_t usr1, before, after, pending;
	struct bench_chan *ch;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &usr1, NULL);
	sigprocmask(SIG_SETMASK, NULL, &before);
	run_and_check(&cfg, false, false);
	/* The channel on its own too: closing it gives the mask back. */
	ch = bench_chan_create(BENCH_SIGNAL, 4, grade_tmpdir());
	ck_assert_msg(ch != NULL, "bench_chan_create(BENCH_SIGNAL) failed: %s",
		      ipc_errno_name(errno));
	ck_assert_int_eq(bench_chan_close(ch), 0);
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
