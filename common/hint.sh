#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make hint LAB=NN [TEST=name]: the hints of a test, one more each time.
#
#   common/hint.sh BUILD_DIR LAB [TEST] [--peek]
#
# Every test has three hints, written beside it in the lab's grader: a
# nudge, the mechanism, the exact call. The first `make hint` shows the
# first; asking again for the same test shows one more, up to three. How
# many were shown is kept in BUILD/hints/LAB/TEST. Without TEST: the first
# failing test of the lowest step, from the last `make grade`. --peek shows
# the hints already revealed (at least the first) without revealing more
# (make watch uses it).
set -u
build=$1 lab=$2 test=${3:-} peek=${4:-}
[ "$test" = --peek ] && { test=""; peek=--peek; }
grader=$build/labs/$lab/grader
[ -x "$grader" ] || grader=$build/labs/$lab/grader-list
[ -x "$grader" ] || { echo "make hint: grade the lab first: make grade LAB=${lab%%-*}" >&2; exit 2; }

if [ -z "$test" ]; then
	progress=$build/progress/$lab.tsv
	[ -s "$progress" ] || { echo "make hint: grade the lab first (make grade LAB=${lab%%-*}), or name a test: make hint LAB=${lab%%-*} TEST=..." >&2; exit 2; }
	test=$(awk -F '\t' '$4 != 1 && (best == "" || $2 < step) { best = $1; step = $2 } END { print best }' "$progress")
	if [ -z "$test" ]; then
		echo "Every test of $lab passed in your last run: no hint needed."
		exit 0
	fi
fi
"$grader" --hint "$test" 1 >/dev/null 2>&1
case $? in
0) ;;
1) echo "make hint: $test has no hints yet; its failure message and the handout are the guide" >&2
   exit 2 ;;
*) echo "make hint: $lab has no test named $test (see make grade LAB=${lab%%-*})" >&2
   exit 2 ;;
esac

state=$build/hints/$lab/$test
mkdir -p "$(dirname "$state")"
shown=$(cat "$state" 2>/dev/null || echo 0)
case $shown in [0-3]) ;; *) shown=0 ;; esac
if [ "$peek" = --peek ]; then
	[ "$shown" -ge 1 ] || shown=1
else
	[ "$shown" -lt 3 ] && shown=$((shown + 1))
	echo "$shown" >"$state"
fi

names=("" "a nudge" "the mechanism" "the exact call")
echo "Hints for $test ($lab):"
for level in $(seq 1 "$shown"); do
	echo
	echo "Hint $level of 3, ${names[$level]}:"
	"$grader" --hint "$test" "$level" | fold -s -w 76 | sed 's/^/  /'
done
if [ "$peek" != --peek ]; then
	echo
	if [ "$shown" -lt 3 ]; then
		echo "(make hint LAB=${lab%%-*} TEST=$test again for hint $((shown + 1)))"
	else
		echo "(that was the last hint; the handout's step has the rest)"
	fi
fi
