#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Grade a folder of submissions into one roster (make roster).
#
#   common/roster.sh SUBMISSIONS_DIR [OUT_PREFIX]
#
# Each subdirectory of SUBMISSIONS_DIR is one student (its name, whatever
# characters it holds, is the student's id). In it, a lab's files are looked
# for in labs/NN-topic/ (a whole working tree) or NN-topic/ (just the lab
# folders); a lab that is missing is graded from the skeleton (and scores 0,
# which the status column says). Writes OUT_PREFIX.csv (one row per
# student: a column per lab, total, max, status; RFC 4180 quoting) and
# OUT_PREFIX.json (every test of every student).
#
# The status column is "ok" when every lab built and ran, or what went
# wrong, e.g. "compile error in 03-msgqueue; timeout in 05-shm (3 tests);
# no folder for 02-fifo". A student who cannot be graded at all gets empty
# cells, "not graded: why" as status, an "error" in the JSON and a line on
# stderr, and the exit status is 1 (130 when interrupted: then no roster is
# written).
#
# Students are graded in parallel, JOBS at a time (default: one per core),
# each in a build directory of its own and through a run of the driver of
# its own (with its own sandboxes), and a line says so as each one ends:
#   [37/200] alice: 412/440 ok
# Where the sandbox has no namespaces (snapshot mode), two runs must not
# overlap: then students are graded one at a time, and a line says so.
# Each student's build and report (report.txt, report.json) are in
# BUILD/roster/students/N/ (N: the student's rank; the name is in N/student).
#
# Environment (make roster sets them): ROSTER_LABS, the labs to grade
# (default: all); ROSTER_JOBS, students at a time (default: nproc); BUILD,
# the build directory, relative to the project root or absolute (default:
# build); ROSTER_DRIVER, the driver (likewise).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "roster: $*" >&2; exit 2; }
subs=${1:?usage: roster.sh SUBMISSIONS_DIR [OUT_PREFIX]}
[ -d "$subs" ] || die "$subs is not a directory"
subs=$(cd "$subs" && pwd)

# Make gets only make-safe paths: BUILD as make has it (see config.mk), and
# every student's files through a link with a plain name (an index).
build=${BUILD:-build}
case $build in
'' | *[[:space:]\"\':]*) die "BUILD=\"$build\": make cannot use a path with a blank, a quote or a colon" ;;
/*) build_abs=$build mk_build=$build ;;
*) build_abs=$ROOT/$build mk_build=../../$build ;; # make runs in labs/NN-topic
esac
driver=${ROSTER_DRIVER:-$build/common/ipcgrade}
case $driver in /*) ;; *) driver=$ROOT/$driver ;; esac
[ -x "$driver" ] || die "the driver $driver is not built (run make roster)"
command -v jq >/dev/null || die "jq is missing (make roster installs it)"
work=$build_abs/roster mk_work=$mk_build/roster
out=${2:-$work/roster}
case $out in /*) ;; *) out=$PWD/$out ;; esac
jobs=${ROSTER_JOBS:-}
[ -n "$jobs" ] || jobs=$(nproc 2>/dev/null || echo 1)
case $jobs in '' | *[!0-9]* | 0) die "JOBS=$jobs: say how many students to grade at a time (1, 2, ...)" ;; esac
# The students are the parallel jobs: each one's make runs alone (and does
# not look for the jobserver of a `make -jN roster`).
MAKEFLAGS=$(sed -E 's/(^| )-j[0-9]*( |$)/\1\2/g; s/(^| )--jobserver-(auth|fds)=[^ ]*//g' <<<"${MAKEFLAGS:-}")
export MAKEFLAGS

# ROSTER_LABS (set by make roster LAB=...) narrows the labs graded.
# shellcheck disable=SC2206 # lab names hold no blank or wildcard
labs=(${ROSTER_LABS:-$(cd "$ROOT/labs" && ls -d [0-9][0-9]-*)})
[ ${#labs[@]} -gt 0 ] || die "no lab to grade"
for lab in "${labs[@]}"; do
	[ -d "$ROOT/labs/$lab" ] || die "no lab $lab in $ROOT/labs"
done

# One CSV field (RFC 4180): quoted, quotes doubled, when it needs it.
jq_csv='def field: tostring | if test("[\",\r\n]") then "\"" + gsub("\""; "\"\"") + "\"" else . end;
	map(field) | join(",")'

case "$(realpath -m -- "$subs")/" in "$(realpath -m -- "$work")"/*)
	die "$subs is inside $work, which each run rebuilds: keep the submissions elsewhere" ;;
esac
rm -rf "$work/students" "$work/warmup" # what earlier runs built: never graded again
rm -f "$out.csv" "$out.json"
mkdir -p "$work/students" "$(dirname "$out")" || exit 2
students=()
for sub in "$subs"/*/; do
	[ -d "$sub" ] && students+=("${sub%/}")
done
total=${#students[@]}

# What every student's build shares (the grader's own objects, the
# reference demo) is built first, from the skeleton: the parallel builds
# then only read it.
for lab in "${labs[@]}"; do
	make -s --no-print-directory -C "$ROOT/labs/$lab" LAB="$lab" BUILD="$build" \
		B="$mk_work/warmup/$lab" GRADE_B="$mk_work/grader/$lab" \
		grade-build >"$work/warmup-$lab.log" 2>&1 ||
		die "the grader of $lab does not build: see $work/warmup-$lab.log"
done
# Runs of the driver may overlap only where each test has namespaces of its
# own: ask it which sandbox this machine gives (one test of the skeleton).
if [ "$jobs" -gt 1 ] && [ "$total" -gt 1 ]; then
	probe=$("$work/warmup/${labs[0]}/grader" --list 2>/dev/null |
		awk -F '\t' '$1 == "test" { print $2; exit }')
	mode=$("$driver" --keep="$ROOT" --format=json --test="$probe" "$work/warmup/${labs[0]}" 2>/dev/null |
		jq -r '.sandbox // ""' 2>/dev/null)
	case $mode in
	namespaces*) ;;
	*)
		echo "roster: the sandbox here is \"${mode:-unknown}\", not namespaces: two graders" \
			"must not overlap, so students are graded one at a time" >&2
		jobs=1
		;;
	esac
fi

# Grade student number $1 (from 1) into $work/students/$1: its row of the
# CSV (row.csv), its entry of the JSON (entry.json), and the line that
# reports it (line; not-graded when it could not be graded).
grade_one() {
	local n=$1 sub=${students[$1 - 1]} student w mw lab src status problem detail st
	local dirs=() missing=() built=""
	student=$(basename "$sub")
	w=$work/students/$n mw=$mk_work/students/$n
	mkdir -p "$w/src" || return 2
	printf '%s\n' "$student" >"$w/student"
	for lab in "${labs[@]}"; do
		src=$sub/labs/$lab
		[ -d "$src" ] || src=$sub/$lab
		[ -d "$src" ] || { src=$ROOT/labs/$lab; missing+=("$lab"); }
		ln -sfn "$(cd "$src" && pwd)" "$w/src/$lab"
		# The grader's own objects do not depend on the student: shared.
		make -s --no-print-directory -C "$ROOT/labs/$lab" LAB="$lab" BUILD="$build" \
			IMPL_DIR="$mw/src/$lab" B="$mw/$lab" GRADE_B="$mk_work/grader/$lab" \
			grade-build >"$w/$lab.build.log" 2>&1 ||
			built="building $lab failed (see $w/$lab.build.log)"
		dirs+=("$w/$lab")
	done
	status=0
	# --hide: no student's code may read the submissions (its classmates').
	"$driver" --keep="$ROOT" --hide="$subs" --format=json --output="$w/report.json" \
		"${dirs[@]}" >"$w/report.txt" 2>&1 || status=$?
	[ $status -eq 130 ] && return 130
	problem=""
	case $status in
	0 | 1 | 3) # every test ran: passed, some failed, a lab did not compile
		jq -e '.max_score > 0' "$w/report.json" >/dev/null 2>&1 ||
			problem="no test ran${built:+; $built}: see $w/report.txt" ;;
	*)
		problem="the grader failed (exit $status${built:+; $built}): see $w/report.txt"
		detail=$(grep -a -v '^ *$' "$w/report.txt" | tail -n 1)
		[ -n "$detail" ] && problem="$problem: $detail" ;;
	esac
	if [ -z "$problem" ]; then
		# The status: what kept the grade from being the code's alone.
		st=$(jq -r --arg labs "${labs[*]}" --arg m "${missing[*]}" '. as $r
			| [($r.labs[] | select(.compiled == false) | "compile error in " + .id),
			   (($labs | split(" "))[] as $l | [$r.tests[] | select(.lab == $l and .timed_out)]
			    | length | select(. > 0)
			    | "timeout in \($l) (\(.) test\(if . > 1 then "s" else "" end))"),
			   ($m | split(" ")[] | select(length > 0) | "no folder for " + .)]
			| if . == [] then "ok" else join("; ") end' "$w/report.json") &&
			jq -r --arg s "$student" --arg st "$st" --arg labs "${labs[*]}" '. as $r
				| [$s, (($labs | split(" "))[] as $l | [$r.labs[] | select(.id == $l) | .score] | add // 0),
				   $r.score, $r.max_score, $st] | '"$jq_csv" "$w/report.json" >"$w/row.csv" &&
			# missing_labs: the labs graded from the skeleton (no folder).
			jq -n --arg s "$student" --arg m "${missing[*]}" --slurpfile r "$w/report.json" \
				'{student: $s, missing_labs: ($m | split(" ") | map(select(length > 0))),
				  report: $r[0]}' >"$w/entry.json" &&
			jq -j --arg s "$student" --arg st "$st" '"\($s): \(.score)/\(.max_score) \($st)"' \
				"$w/report.json" >"$w/line" ||
			problem="the report could not be read: see $w/report.json"
	fi
	if [ -n "$problem" ]; then
		jq -rn --arg s "$student" --arg e "not graded: $problem" --argjson n ${#labs[@]} \
			'[$s] + [range($n + 2) | ""] + [$e] | '"$jq_csv" >"$w/row.csv"
		jq -n --arg s "$student" --arg e "$problem" \
			'{student: $s, error: $e, report: null}' >"$w/entry.json"
		printf '%s: not graded: %s' "$student" "$problem" >"$w/line"
		: >"$w/not-graded"
	fi
	return 0
}

# The job pool: each student in a process group of its own (set -m), so
# that Ctrl+C, which reaches only this script, is passed to every student
# being graded: each driver stops its test, cleans up, and ends.
set -m
interrupted=0
declare -A rank_of=()
on_interrupt() {
	interrupted=1
	for pid in "${!rank_of[@]}"; do
		kill -INT -- "-$pid" 2>/dev/null
	done
}
trap on_interrupt INT TERM HUP
running=0 next=1 finished=0 failed=0
while :; do
	while [ $interrupted -eq 0 ] && [ $running -lt "$jobs" ] && [ $next -le "$total" ]; do
		(trap 'exit 130' INT; grade_one "$next") </dev/null &
		rank_of[$!]=$next
		running=$((running + 1)) next=$((next + 1))
	done
	[ $running -eq 0 ] && break
	pid=""
	wait -n -p pid
	[ -n "$pid" ] || continue # a signal: on_interrupt ran
	n=${rank_of[$pid]}
	unset "rank_of[$pid]"
	running=$((running - 1))
	[ $interrupted -eq 0 ] || continue
	finished=$((finished + 1))
	w=$work/students/$n
	# (A name may hold any character: the line shows control ones as ?.)
	line=$(tr '\000-\037\177' '?' <"$w/line" 2>/dev/null)
	if [ -e "$w/not-graded" ] || [ ! -s "$w/row.csv" ]; then
		failed=$((failed + 1))
		echo "[$finished/$total] ${line:-$(basename "${students[$n - 1]}"): no report}" >&2
	else
		echo "[$finished/$total] $line"
	fi
done
set +m
if [ $interrupted -ne 0 ]; then
	echo "roster: interrupted: no roster written" >&2
	exit 130
fi

jq -rn --arg labs "${labs[*]}" \
	'["student"] + ($labs | split(" ")) + ["total", "max", "status"] | '"$jq_csv" >"$out.csv" || exit 2
entries=()
for ((n = 1; n <= total; n++)); do
	cat "$work/students/$n/row.csv" >>"$out.csv"
	entries+=("$work/students/$n/entry.json")
done
if [ ${#entries[@]} -gt 0 ]; then
	jq -s . "${entries[@]}" >"$out.json"
else
	echo '[]' >"$out.json"
	echo "roster: no student folder in $subs" >&2
fi
echo "roster: $out.csv and $out.json"
if [ $failed -gt 0 ]; then
	echo "roster: $failed of $total students could not be graded: their rows are empty" >&2
	exit 1
fi
