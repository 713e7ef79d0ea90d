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
# which the output says). Writes OUT_PREFIX.csv (one row per student: a
# column per lab, total, max; RFC 4180 quoting) and OUT_PREFIX.json (every
# test of every student). A student who cannot be graded gets empty cells,
# an "error" in the JSON and a line on stderr, and the exit status is 1.
# Each student's build and report (report.txt, report.json) are in
# BUILD/roster/students/N/ (N: the student's rank; the name is in N/student).
#
# Environment (make roster sets them): ROSTER_LABS, the labs to grade
# (default: all); BUILD, the build directory, relative to the project root
# or absolute (default: build); ROSTER_DRIVER, the driver (likewise).
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
rm -rf "$work/students" # what earlier runs built: never graded again
mkdir -p "$work/students" "$(dirname "$out")" || exit 2
jq -rn --arg labs "${labs[*]}" \
	'["student"] + ($labs | split(" ")) + ["total", "max"] | '"$jq_csv" >"$out.csv" || exit 2
entries=() n=0 failed=0
for sub in "$subs"/*/; do
	student=$(basename "$sub")
	n=$((n + 1))
	w=$work/students/$n mw=$mk_work/students/$n
	mkdir -p "$w/src"
	printf '%s\n' "$student" >"$w/student"
	dirs=() missing=() problem=""
	for lab in "${labs[@]}"; do
		src=$sub/labs/$lab
		[ -d "$src" ] || src=$sub/$lab
		[ -d "$src" ] || { src=$ROOT/labs/$lab; missing+=("$lab"); }
		ln -sfn "$(cd "$src" && pwd)" "$w/src/$lab"
		# The grader's own objects do not depend on the student: shared.
		make -s --no-print-directory -C "$ROOT/labs/$lab" LAB="$lab" BUILD="$build" \
			IMPL_DIR="$mw/src/$lab" B="$mw/$lab" GRADE_B="$mk_work/grader/$lab" \
			grade-build >"$w/$lab.build.log" 2>&1 ||
			problem="building $lab failed (see $w/$lab.build.log)"
		dirs+=("$w/$lab")
	done
	status=0
	# --hide: no student's code may read the submissions (its classmates').
	"$driver" --keep="$ROOT" --hide="$subs" --format=json --output="$w/report.json" \
		"${dirs[@]}" >"$w/report.txt" 2>&1 || status=$?
	[ $status -eq 130 ] && { echo "roster: interrupted" >&2; exit 130; }
	if [ $status -ne 0 ]; then
		problem="the grader failed (exit $status${problem:+; $problem}): see $w/report.txt"
		detail=$(grep -a -v '^ *$' "$w/report.txt" | tail -n 1)
		[ -n "$detail" ] && problem="$problem: $detail"
	elif ! jq -e '.max_score > 0' "$w/report.json" >/dev/null 2>&1; then
		problem="no test ran${problem:+; $problem}: see $w/report.txt"
	else
		problem=""
	fi
	if [ -z "$problem" ]; then
		jq -r --arg s "$student" --arg labs "${labs[*]}" '. as $r
			| [$s, (($labs | split(" "))[] as $l
			        | [$r.tests[] | select(.lab == $l) | .score] | add // 0),
			   $r.score, $r.max_score] | '"$jq_csv" "$w/report.json" >>"$out.csv"
		# missing_labs: the labs graded from the skeleton (no folder).
		jq -n --arg s "$student" --arg m "${missing[*]}" --slurpfile r "$w/report.json" \
			'{student: $s, missing_labs: ($m | split(" ") | map(select(length > 0))),
			  report: $r[0]}' >"$w/entry.json"
		echo "graded $student: $(tail -n 1 "$w/report.txt")${missing[*]:+ (no folder for ${missing[*]}: graded the skeleton)}"
	else
		failed=$((failed + 1))
		jq -rn --arg s "$student" --argjson n $((${#labs[@]} + 2)) \
			'[$s] + [range($n) | ""] | '"$jq_csv" >>"$out.csv"
		jq -n --arg s "$student" --arg e "$problem" \
			'{student: $s, error: $e, report: null}' >"$w/entry.json"
		echo "roster: could not grade $student: $problem" >&2
	fi
	entries+=("$w/entry.json")
done
if [ ${#entries[@]} -gt 0 ]; then
	jq -s . "${entries[@]}" >"$out.json"
else
	echo '[]' >"$out.json"
	echo "roster: no student folder in $subs" >&2
fi
echo "roster: $out.csv and $out.json"
if [ $failed -gt 0 ]; then
	echo "roster: $failed of $n students could not be graded: their rows are empty" >&2
	exit 1
fi
