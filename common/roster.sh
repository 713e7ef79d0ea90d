#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Grade a folder of submissions into one roster (make roster).
#
#   common/roster.sh SUBMISSIONS_DIR [OUT_PREFIX]
#
# Each subdirectory of SUBMISSIONS_DIR is one student (its name is the
# student's id). In it, a lab's files are looked for in labs/NN-topic/ (a
# whole working tree) or NN-topic/ (just the lab folders); a lab that is
# missing is graded from the skeleton (and scores 0). Writes OUT_PREFIX.csv
# (one row per student: a column per lab, total, max) and OUT_PREFIX.json
# (every test of every student), and each student's report next to them.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
DRIVER="$BUILD/common/ipcgrade"
subs=${1:?usage: roster.sh SUBMISSIONS_DIR [OUT_PREFIX]}
out=${2:-$BUILD/roster/roster}
work="$BUILD/roster"
# ROSTER_LABS (set by make roster LAB=...) narrows the labs graded.
labs=${ROSTER_LABS:-$(cd "$ROOT/labs" && ls -d [0-9][0-9]-*)}

[ -d "$subs" ] || { echo "roster: $subs is not a directory" >&2; exit 2; }
mkdir -p "$work" "$(dirname "$out")"
{ printf 'student'; for lab in $labs; do printf ',%s' "$lab"; done; echo ',total,max'; } >"$out.csv"
echo '[' >"$out.json"
sep=""
for sub in "$subs"/*/; do
	student=$(basename "$sub")
	dirs=()
	for lab in $labs; do
		src="$sub/labs/$lab"
		[ -d "$src" ] || src="$sub/$lab"
		[ -d "$src" ] || src="$ROOT/labs/$lab"
		b="$work/$student/$lab"
		mkdir -p "$b"
		make -s --no-print-directory -C "$ROOT/labs/$lab" LAB="$lab" \
			IMPL_DIR="$(cd "$src" && pwd)" B="$b" grade-build >"$b/build.log" 2>&1
		dirs+=("$b")
	done
	"$DRIVER" --keep="$ROOT" --format=json --output="$work/$student.json" \
		"${dirs[@]}" >"$work/$student.txt" 2>&1
	row=$(jq -r --arg labs "$labs" '
		. as $r | ($labs | split("\n") | map(select(length > 0))) as $ls
		| [($ls[] as $l | [$r.tests[] | select(.lab == $l) | .score] | add // 0),
		   $r.score, $r.max_score] | map(tostring) | join(",")' "$work/$student.json")
	echo "$student,$row" >>"$out.csv"
	printf '%s{"student": "%s", "report": ' "$sep" "$student" >>"$out.json"
	cat "$work/$student.json" >>"$out.json"
	echo '}' >>"$out.json"
	sep=","
	echo "graded $student: $(tail -n 1 "$work/$student.txt")"
done
echo ']' >>"$out.json"
echo "roster: $out.csv and $out.json"
