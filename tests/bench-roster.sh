#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Roster throughput: students graded per minute, one at a time and in
# parallel. A benchmark, not a test: make test does not run it (it takes
# minutes); docs/grading.md has the figures measured on the project's
# machine.
#
#   tests/bench-roster.sh [STUDENTS]        (default 6)
#   BENCH_JOBS="1 2 4" tests/bench-roster.sh   (default "1 2")
#
# Every student hands in the reference of every lab: the slowest case,
# where every test runs to its end. Each JOBS value grades the same class
# with make roster, from its start (the shared grader objects included) to
# its roster, and the rosters must agree.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
students=${1:-6}
export BUILD=build/bench
subs=$BUILD/subs
case $students in '' | *[!0-9]* | 0) echo "usage: tests/bench-roster.sh [STUDENTS]" >&2; exit 2 ;; esac

make -s --no-print-directory common >/dev/null || exit 2
rm -rf "$subs" && mkdir -p "$subs" || exit 2
for ((i = 1; i <= students; i++)); do
	mkdir -p "$subs/student$i/labs" && cp -r solutions/[0-9][0-9]-* "$subs/student$i/labs/"
done
# The reference demos and graders, built once before any timing.
for lab in $(cd labs && ls -d [0-9][0-9]-*); do
	make -s --no-print-directory -C "labs/$lab" LAB="$lab" IMPL=solutions grade-build >/dev/null
done

echo "roster of $students students, every lab the reference; $(nproc) cores; $(uname -sr)"
printf '%-5s %9s %16s  %s\n' JOBS seconds students/minute "load average before"
first=""
for jobs in ${BENCH_JOBS:-1 2}; do
	load=$(cut -d ' ' -f 1-3 /proc/loadavg)
	start=$(date +%s.%N)
	make -s --no-print-directory roster SUBMISSIONS="$subs" OUT="$BUILD/roster-j$jobs" \
		JOBS="$jobs" >"$BUILD/roster-j$jobs.log" 2>&1 ||
		{ echo "make roster JOBS=$jobs failed: see $BUILD/roster-j$jobs.log" >&2; exit 1; }
	end=$(date +%s.%N)
	awk -v j="$jobs" -v s="$start" -v e="$end" -v n="$students" -v l="$load" \
		'BEGIN { printf "%-5s %9.1f %16.2f  %s\n", j, e - s, n * 60 / (e - s), l }'
	if [ -z "$first" ]; then
		first=$BUILD/roster-j$jobs.csv
	elif ! cmp -s "$first" "$BUILD/roster-j$jobs.csv"; then
		echo "the roster at JOBS=$jobs differs from $first:" >&2
		diff "$first" "$BUILD/roster-j$jobs.csv" >&2
	fi
done
rm -rf "$subs"
