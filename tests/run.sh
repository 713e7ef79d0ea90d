#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The suite's own tests (make test). Usage:
#   tests/run.sh              everything
#   tests/run.sh PART [NN]    one part: build unit engine reference skeleton
#                             buggy mutants asan formats roster format docs
#                             (NN: one lab, for buggy)
# Prints "ok"/"not ok" per check and ends with "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# A build tree of its own, with warnings as errors for everything built.
export BUILD="$ROOT/build/test" WERROR=1
MAKE="make -s --no-print-directory -j$(nproc)"
DRIVER="$BUILD/common/ipcgrade"
OUT="$BUILD/results"
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { # check "description" command...
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
jqtest() { jq -e "$@" >/dev/null 2>&1; }
labs() { (cd labs && ls -d [0-9][0-9]-* 2>/dev/null); }

# Grade with the driver and write JSON to $OUT/$1.json (name) for jq.
grade_json() { # name impl [make args...]
	local name=$1 impl=$2; shift 2
	$MAKE grade IMPL="$impl" FORMAT=json OUT="$OUT/$name.json" "$@" \
		>"$OUT/$name.txt" 2>&1
}

part_build() {
	mkdir -p "$OUT"
	check "common, solutions, skeletons and graders build with -Wall -Wextra -Werror" \
		$MAKE all
	for lab in $(labs); do
		check "$lab: reference builds warning-free" \
			$MAKE -C "labs/$lab" LAB="$lab" IMPL=solutions all
	done
}

part_unit() {
	$MAKE -C tests/unit "$BUILD/unit/test_common" || { not_ok "unit tests build"; return; }
	check "common library unit tests" "$BUILD/unit/test_common"
}

part_reference() {
	for lab in $(labs); do
		grade_json "ref-$lab" solutions LAB="$lab"
		check "$lab: the reference scores 100%" jqtest \
			'.max_score > 0 and .score == .max_score' "$OUT/ref-$lab.json" ||
			sed 's/^/    /' "$OUT/ref-$lab.txt" | grep -B1 -A6 FAIL | head -40
	done
}

part_skeleton() {
	for lab in $(labs); do
		grade_json "skel-$lab" labs LAB="$lab"
		check "$lab: the skeleton scores 0" jqtest \
			'.max_score > 0 and .score == 0' "$OUT/skel-$lab.json"
		check "$lab: no test waits for a timeout on a stub" jqtest \
			'[.tests[] | select(.output | test("timed out|time limit"))] | length == 0' \
			"$OUT/skel-$lab.json"
	done
}

# A buggy variant: the reference with one bug patched in. Its header says
# which tests must fail and what the failure message must mention.
run_variant() { # lab patch
	local lab=$1 patch=$2 name src dir expect message
	name=$(basename "$patch" .patch)
	dir="$BUILD/buggy/$lab/$name"
	src="$dir/src"
	expect=$(sed -n 's/^Expect-fail: *//p' "$patch" | tr ' ' ',')
	message=$(sed -n 's/^Expect-message: *//p' "$patch")
	rm -rf "$src" && mkdir -p "$src"
	cp -r "solutions/$lab/." "$src/"
	if ! patch -s -p1 -d "$src" <"$patch" >"$dir.patch.log" 2>&1; then
		not_ok "$lab/$name: the patch applies to the reference"
		sed 's/^/    /' "$dir.patch.log"
		return
	fi
	if [ -z "$expect" ]; then
		not_ok "$lab/$name: the patch names the tests it must fail"
		return
	fi
	# Only the patched file is compiled: the grader's objects are the
	# reference build's (part_buggy builds them first).
	$MAKE -C "labs/$lab" LAB="$lab" IMPL_DIR="$src" B="$dir/build" \
		GRADE_B="$BUILD/solutions/$lab" grade-build >"$dir.build.log" 2>&1
	"$DRIVER" --keep="$ROOT" --format=json --test="$expect" "$dir/build" \
		>"$dir.json" 2>"$dir.err"
	if jq -e --arg names "$expect" --arg msg "$message" '
		($names | split(",")) as $want
		| [.tests[] | select(.name as $n | $want | index($n))] as $hit
		| ($hit | length) == ($want | length)
		  and all($hit[]; .status == "failed"
		           and (.output | ascii_downcase | contains($msg | ascii_downcase)))' \
		"$dir.json" >/dev/null; then
		ok "$lab/$name: caught by $expect"
	else
		not_ok "$lab/$name: expected $expect to fail mentioning \"$message\""
		jq -r '.tests[] | "    \(.name): \(.status): \(.output | split("\n")[0])"' \
			"$dir.json" 2>/dev/null | head -20
	fi
}

part_buggy() {
	local only=${1:-} log="$OUT/buggy.log" lab patch
	for lab in $(labs); do # the grader objects the variants share
		$MAKE -C "labs/$lab" LAB="$lab" IMPL=solutions grade-build >/dev/null 2>&1
	done
	# Variants are independent and mostly wait (for the hang a bug causes):
	# grade four at a time, then count their verdicts here.
	for lab in $(labs); do
		[ -n "$only" ] && [ "${lab#"$only"}" = "$lab" ] && continue
		for patch in tests/buggy/"$lab"/*.patch; do
			[ -e "$patch" ] && printf '%s\n%s\n' "$lab" "$patch"
		done
	done | xargs -r -n 2 -P 4 "$0" variant >"$log" 2>&1
	grep -v '^$' "$log"
	passed=$((passed + $(grep -c '^ok' "$log")))
	failed=$((failed + $(grep -c '^not ok' "$log")))
}

# The mutation tool (tests/mutants.sh) on a few mutants of one lab: it
# builds, grades and counts them. (The full runs take minutes: make mutants.)
part_mutants() {
	local log="$OUT/mutants.log"
	MUTANTS_BUILD="$BUILD" tests/mutants.sh 01 --limit 6 --jobs 2 >"$log" 2>&1
	check "tests/mutants.sh builds, grades and counts mutants (some killed)" \
		grep -Eq '^01-pipe: [1-9][0-9]* killed, [0-9]+ survived \([0-9.]+% killed of [0-9]+\)' "$log" ||
		sed 's/^/    /' "$log" | tail -20
}

part_engine() {
	tests/engine/run.sh "$DRIVER" "$OUT" && ok "engine: containment and anti-cheat" ||
		not_ok "engine: containment and anti-cheat"
}

part_asan() {
	for lab in $(labs); do
		grade_json "asan-$lab" solutions LAB="$lab" SANITIZE=1
		check "$lab: the reference is clean under ASan+UBSan" jqtest \
			'.max_score > 0 and .score == .max_score' "$OUT/asan-$lab.json" ||
			grep -A5 FAIL "$OUT/asan-$lab.txt" | head -20
	done
}

part_formats() {
	local lab
	lab=$(labs | head -1)
	$MAKE grade LAB="$lab" IMPL=solutions FORMAT=junit OUT="$OUT/report.xml" >/dev/null 2>&1
	check "JUnit XML is well formed" xmllint --noout "$OUT/report.xml"
	$MAKE grade LAB="$lab" FORMAT=junit OUT="$OUT/report-fail.xml" >/dev/null 2>&1
	check "JUnit XML with failures is well formed and counts them" \
		sh -c "xmllint --noout '$OUT/report-fail.xml' &&
		       grep -q '<failure' '$OUT/report-fail.xml'"
	$MAKE grade LAB="$lab" FORMAT=tap >"$OUT/report.tap" 2>/dev/null
	check "TAP has a plan that matches its test lines" awk '
		/^1\.\.[0-9]+$/ { split($0, p, "\\.\\."); plan = p[2] }
		/^(not )?ok [0-9]+ / { n++; if ($0 !~ "^(not )?ok " n " ") bad = 1 }
		END { exit !(plan > 0 && plan == n && !bad) }' "$OUT/report.tap"
	$MAKE grade LAB="$lab" FORMAT=json >"$OUT/report.json" 2>/dev/null
	check "JSON is valid and its score is the sum of its tests" jqtest \
		'.score == ([.tests[].score] | add) and .max_score == ([.tests[].max_score] | add)' \
		"$OUT/report.json"
	check "an unknown LAB is a clear error" sh -c \
		"$MAKE grade LAB=99 2>&1 | grep -q 'no lab matches LAB=99'"
	check "a mistyped TEST is a clear error" sh -c \
		"$MAKE grade LAB=$lab TEST=test_no_such 2>&1 | grep -q 'no test matches'"
}

part_roster() {
	local subs="$BUILD/roster-subs" lab
	lab=$(labs | head -1)
	rm -rf "$subs" && mkdir -p "$subs/ref/labs" "$subs/skel"
	cp -r "solutions/$lab" "$subs/ref/labs/"
	cp -r "labs/$lab" "$subs/skel/"
	$MAKE roster SUBMISSIONS="$subs" LAB="$lab" OUT="$OUT/roster" >/dev/null 2>&1
	check "make roster grades a folder of submissions into CSV and JSON" awk -F, '
		NR == 1 { ok = $1 == "student" && $2 == lab }
		$1 == "ref" { ok = ok && $2 > 0 && $2 == $(NF - 1) && $(NF - 1) == $NF }
		$1 == "skel" { ok = ok && $2 == 0 }
		END { exit !(ok && NR == 3) }' lab="$lab" "$OUT/roster.csv"
}

# The code students read follows .clang-format: the shared headers and
# helpers, every skeleton, header and demo, every reference solution.
# (Graders are exempt: their long teaching messages read better by hand.)
part_format() {
	local files
	files=$(git ls-files 'common/*.h' 'common/ipc_util.c' 'labs/*/*.c' \
		'labs/*/*.h' 'solutions/*/*.c' 'tests/unit/*.c' ':!labs/*/grade/*')
	# shellcheck disable=SC2086
	check "student-facing code follows .clang-format" \
		clang-format --dry-run --Werror $files
}

part_docs() {
	check "make docs builds the site with no Doxygen warning" \
		sh -c "$MAKE docs >'$OUT/docs.log' 2>&1 || { cat '$OUT/docs.log'; false; }"
}

mkdir -p "$OUT"
$MAKE common >/dev/null || { echo "not ok - the grading engine builds"; echo "0 passed, 1 failed"; exit 1; }
case "${1:-all}" in
all)
	part_build; part_unit; part_engine; part_reference; part_skeleton
	part_buggy; part_mutants; part_asan; part_formats; part_roster; part_format
	part_docs ;;
build|unit|engine|reference|skeleton|mutants|asan|formats|roster|format|docs) "part_$1" ;;
buggy) part_buggy "${2:-}" ;;
variant) # one variant, printed in one piece (part_buggy runs them in parallel)
	result=$(run_variant "$2" "$3"); printf '%s\n' "$result"; exit 0 ;;
*) echo "usage: tests/run.sh [all|build|unit|engine|reference|skeleton|buggy [NN]|mutants|asan|formats|roster|format|docs]" >&2; exit 2 ;;
esac
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
