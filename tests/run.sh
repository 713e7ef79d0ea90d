#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The suite's own tests (make test). Usage:
#   tests/run.sh              everything
#   tests/run.sh PART [NN]    one part: build unit engine reference skeleton
#                             buggy alt mutants asan formats status roster
#                             gradescope paths dist tty loop hints bench format
#                             docs docs_browser
#                             (NN: one lab, for buggy and alt)
# Prints "ok"/"not ok" per check (or "skip" for one that cannot run here,
# and why) and ends with "N passed, N failed" (", N skipped").
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# A build tree of its own, with warnings as errors for everything built.
# BUILD is relative to the project root (the project's own path may hold
# blanks, which make cannot use: see common/config.mk); this script runs
# from the root, a lab's make from two levels down (in_lab).
export BUILD=build/test WERROR=1
MAKE="make -s --no-print-directory -j$(nproc)"
DRIVER="$BUILD/common/ipcgrade"
OUT="$BUILD/results"
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
skip() { skipped=$((skipped + 1)); echo "skip - $*"; }
check() { # check "description" command... (fails as the command does)
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; return 1; fi
}
jqtest() { jq -e "$@" >/dev/null 2>&1; }
labs() { (cd labs && ls -d [0-9][0-9]-* 2>/dev/null); }
in_lab() { echo "../../$1"; } # a path under the root, seen from labs/NN-topic

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
	$MAKE -C tests/unit unit || { not_ok "unit tests build"; return; }
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

# Copy the reference of lab $1 to $3/src and apply patch $2 to the copy.
patch_reference() { # lab patch dir
	local lab=$1 patch=$2 dir=$3
	rm -rf "$dir/src" && mkdir -p "$dir/src"
	cp -r "solutions/$lab/." "$dir/src/"
	patch -s -p1 -d "$dir/src" <"$patch" >"$dir.patch.log" 2>&1 && return
	not_ok "$lab/$(basename "$patch" .patch): the patch applies to the reference"
	sed 's/^/    /' "$dir.patch.log"
	return 1
}

# Build the grader and demo of lab $1 from the code in $2/src into $2/build.
# Only that code is compiled: the grader's objects are the reference
# build's (the parts that use this build them first).
build_patched() { # lab dir
	$MAKE -C "labs/$1" LAB="$1" IMPL_DIR="$(in_lab "$2/src")" B="$(in_lab "$2/build")" \
		GRADE_B="$(in_lab "$BUILD/solutions/$1")" grade-build >"$2.build.log" 2>&1
}

# A buggy variant: the reference with one bug patched in. Its header says
# which tests must fail and what the failure message must mention.
run_variant() { # lab patch
	local lab=$1 patch=$2 name dir expect message
	name=$(basename "$patch" .patch)
	dir="$BUILD/buggy/$lab/$name"
	expect=$(sed -n 's/^Expect-fail: *//p' "$patch" | tr ' ' ',')
	message=$(sed -n 's/^Expect-message: *//p' "$patch")
	patch_reference "$lab" "$patch" "$dir" || return
	if [ -z "$expect" ]; then
		not_ok "$lab/$name: the patch names the tests it must fail"
		return
	fi
	# Only the patched file is compiled: the grader's objects are the
	# reference build's (part_buggy builds them first).
	build_patched "$lab" "$dir"
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

# An alternative: the reference with another correct way to do one part
# patched in (tests/alt/NN-topic/*.patch, a header saying what differs,
# then the diff). The grader must not fail correct code the handout allows:
# every test of the lab passes, and the code follows .clang-format.
run_alternative() { # lab patch
	local lab=$1 patch=$2 name dir
	name=$(basename "$patch" .patch)
	dir="$BUILD/alt/$lab/$name"
	patch_reference "$lab" "$patch" "$dir" || return
	check "$lab/$name: the alternative follows .clang-format" \
		clang-format --dry-run --Werror "$dir/src/"*.c
	if ! build_patched "$lab" "$dir"; then
		not_ok "$lab/$name: the alternative builds warning-free"
		sed 's/^/    /' "$dir.build.log" | head -20
		return
	fi
	"$DRIVER" --keep="$ROOT" --format=json "$dir/build" >"$dir.json" 2>"$dir.err"
	check "$lab/$name: the alternative scores 100%" jqtest \
		'.max_score > 0 and .score == .max_score' "$dir.json" ||
		jq -r '.tests[] | select(.status != "passed")
			| "    \(.name): \(.status): \(.output | split("\n")[0])"' \
			"$dir.json" 2>/dev/null | head -20
}

part_alt() {
	local only=${1:-} lab patch
	for lab in $(labs); do
		[ -n "$only" ] && [ "${lab#"$only"}" = "$lab" ] && continue
		[ -n "$(ls tests/alt/"$lab"/*.patch 2>/dev/null)" ] || continue
		# The grader objects this lab's alternatives share.
		$MAKE -C "labs/$lab" LAB="$lab" IMPL=solutions grade-build >/dev/null 2>&1
		# One at a time: each runs every test, timing-sensitive ones
		# included, and must not slow another down.
		for patch in tests/alt/"$lab"/*.patch; do
			run_alternative "$lab" "$patch"
		done
	done
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
	check "TAP ends with the score as a comment, the same as the JSON's" sh -c \
		"[ \"\$(tail -n 1 '$OUT/report.tap')\" = \"# Total score: \$(jq -r '\"\\(.score)/\\(.max_score)\"' '$OUT/report.json')\" ]"
	part_formats_complete "$lab"
	check "an unknown LAB is a clear error" sh -c \
		"$MAKE grade LAB=99 2>&1 | grep -q 'no lab is called 99'"
	check "LAB=0 is a clear error, not every lab" sh -c \
		"$MAKE grade LAB=0 2>&1 | grep -q 'no lab is called 0'"
	check "STEP=x is a clear error, not the whole lab" sh -c \
		"$MAKE grade LAB=$lab STEP=x 2>&1 | grep -q 'STEP=x: a step is a number'"
	local first second
	first=$(labs | sed -n 1p) second=$(labs | sed -n 2p)
	check "LAB by number, name, full name or a list selects those labs" sh -c "
		$MAKE grade IMPL=solutions LAB=${first%%-*} TEST=none 2>&1 | grep -q 'no test matches' &&
		$MAKE grade IMPL=solutions LAB=${first#*-} FORMAT=json STEP=1 | jq -e '[.tests[].lab] | unique == [\"$first\"]' >/dev/null &&
		$MAKE grade IMPL=solutions LAB=$((10#${first%%-*})) FORMAT=json STEP=1 | jq -e '[.tests[].lab] | unique == [\"$first\"]' >/dev/null &&
		$MAKE grade IMPL=solutions LAB='$first ${second#*-}' FORMAT=json STEP=1 | jq -e '[.tests[].lab] | unique == [\"$first\", \"$second\"]' >/dev/null"
	check "a mistyped TEST is a clear error" sh -c \
		"$MAKE grade LAB=$lab TEST=test_no_such 2>&1 | grep -q 'no test matches'"
}

# A copy of lab $1's skeleton in $2/src with a compile error in the file
# students edit, built into $2/build (as run_variant builds a variant).
make_broken() { # lab dir
	local lab=$1 dir=$2 file
	file=$($MAKE -C "labs/$lab" LAB="$lab" student-files | cut -d ' ' -f 1)
	rm -rf "$dir" && mkdir -p "$dir/src" && cp -r "labs/$lab/." "$dir/src/" &&
		echo 'int ipclab_broken(void) { return no_such_name; }' >>"$dir/src/$file"
	$MAKE -C "labs/$lab" LAB="$lab" IMPL=solutions grade-build >/dev/null 2>&1
	build_patched "$lab" "$dir"
}

# The machine formats carry everything: JUnit's time, errors, skipped and
# <system-out>; what the code printed (bounded, escaped) in every format;
# a lab that does not compile with the compiler's message.
part_formats_complete() {
	local lab=$1 eng="$BUILD/tests/engine" dir="$BUILD/formats" f
	$MAKE -C tests/engine engine-build >"$OUT/formats-engine.log" 2>&1 ||
		{ not_ok "the engine's test lab builds"; return; }
	xpath() { xmllint --xpath "$1" "$2"; } # expression file
	$MAKE grade LAB="$lab" IMPL=solutions STEP=2 FORMAT=junit OUT="$OUT/step.xml" >/dev/null 2>&1
	junit_counts() {
		local x=$OUT/step.xml
		xmllint --noout "$x" &&
			[ "$(xpath 'count(//testsuite[@tests and @failures and @errors and @skipped and @time])' "$x")" -eq 1 ] &&
			[ "$(xpath 'count(//testcase[@time])' "$x")" -eq "$(xpath 'string(//testsuite/@tests)' "$x")" ] &&
			[ "$(xpath 'count(//testcase/skipped)' "$x")" -eq "$(xpath 'string(//testsuite/@skipped)' "$x")" ] &&
			[ "$(xpath 'string(//testsuite/@skipped)' "$x")" -gt 0 ] &&
			[ "$(xpath 'string(//testsuites/@failures)' "$x")" -eq 0 ] &&
			[ "$(xpath 'string(//testsuites/@errors)' "$x")" -eq 0 ]
	}
	check "JUnit: every suite has tests, failures, errors, skipped and time; the tests of other steps are skipped" \
		junit_counts
	make_broken "$lab" "$dir/broken"
	"$DRIVER" --keep="$ROOT" --format=junit "$dir/broken/build" >"$OUT/broken.xml" 2>/dev/null
	junit_errors() {
		local x=$OUT/broken.xml tests
		xmllint --noout "$x" && tests=$(xpath 'string(//testsuite/@tests)' "$x") &&
			[ "$tests" -gt 0 ] && [ "$(xpath 'string(//testsuite/@errors)' "$x")" -eq "$tests" ] &&
			[ "$(xpath 'count(//testcase/error[contains(., "no_such_name")])' "$x")" -eq "$tests" ]
	}
	check "JUnit: a lab that does not compile is errors, each with the compiler's message" junit_errors
	# The engine's test_fake_summary prints lines with \r and escapes;
	# test_flood prints 256 MiB.
	for f in junit tap json gradescope classroom; do
		"$DRIVER" --keep="$ROOT" --format=$f --test=test_nothing,test_fake_summary,test_flood \
			"$eng" >"$OUT/printed.$f" 2>/dev/null
	done
	junit_printed() {
		xmllint --noout "$OUT/printed.junit" &&
			xpath 'string(//testcase[@name="test_fake_summary"]/system-out)' "$OUT/printed.junit" |
			grep -qF '\r\e[2K  Score: 99/99' && ! grep -q $'[\r\033]' "$OUT/printed.junit"
	}
	check "JUnit: what a test printed is its <system-out>, escaped" junit_printed
	tap_printed() {
		grep -A12 'not ok 2 - engine: test_fake_summary' "$OUT/printed.tap" | grep -qxF '  output: |' &&
			grep -qxF '    \r\e[2K  Score: 99/99' "$OUT/printed.tap"
	}
	check "TAP: what a test printed is in its YAML block" tap_printed
	check "JSON: what each test printed, bounded (of 256 MiB, the last 2 KiB)" jqtest '
		(.tests[] | select(.name == "test_fake_summary") | .printed | contains("Score: 99/99"))
		and (.tests[] | select(.name == "test_flood") | .printed | length < 2300 and contains("output cut"))' \
		"$OUT/printed.json"
	check "Gradescope: what the test printed is in its output" jqtest \
		'.tests[] | select(.extra_data.test == "test_fake_summary") | .output | contains("Score: 99/99")' \
		"$OUT/printed.gradescope"
	check "GitHub Classroom: what the test printed is in its message" jqtest \
		'.tests[] | select(.name == "engine: test_fake_summary") | .message | contains("Score: 99/99")' \
		"$OUT/printed.classroom"
	rm -rf "$dir"
}

# The exit status of the driver, and of make grade: 0 when every test
# passed, 1 a test failed, 3 a lab did not compile, 2 a usage error, 4 a
# lab that cannot be graded; make passes any failure on as its status 2,
# after exactly one line of its own ("make: *** ... Error N") that names
# the driver's.
part_status() {
	local lab dir="$BUILD/status" status
	lab=$(labs | head -1)
	driver_status() { # expected args...
		local want=$1 got=0; shift
		"$DRIVER" --keep="$ROOT" "$@" >/dev/null 2>&1 || got=$?
		[ "$got" -eq "$want" ] || { echo "    got exit status $got"; return 1; }
	}
	$MAKE grade LAB="$lab" IMPL=solutions >/dev/null 2>&1
	$MAKE -C "labs/$lab" LAB="$lab" grade-build >/dev/null 2>&1
	make_broken "$lab" "$dir/broken"
	check "ipcgrade: 0 when every test passed" driver_status 0 "$BUILD/solutions/$lab"
	check "ipcgrade: 1 when a test failed" driver_status 1 "$BUILD/labs/$lab"
	check "ipcgrade: 3 when a lab did not compile (also beside a lab that passes)" \
		driver_status 3 "$BUILD/solutions/$lab" "$dir/broken/build"
	check "ipcgrade: 2 for a usage error" driver_status 2 --format=nope "$BUILD/solutions/$lab"
	check "ipcgrade: 4 when a lab cannot be graded (no grader)" driver_status 4 "$dir/no-such-lab"
	make_status() { # want-status want-error make-args...: status, and make's one line
		local want=$1 error=$2 got=0 lines; shift 2
		# As a user types it: not nested in make test (no make[1]: prefix).
		env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make -s --no-print-directory grade "$@" \
			>"$dir/make.out" 2>&1 || got=$?
		lines=$(grep -cE '^make(\[[0-9]+\])?: ' "$dir/make.out")
		if [ -z "$error" ]; then
			[ "$got" -eq "$want" ] && [ "$lines" -eq 0 ]
		else
			[ "$got" -eq "$want" ] && [ "$lines" -eq 1 ] &&
				grep -qE "^make: \*\*\* \[Makefile:[0-9]+: grade\] Error $error\$" "$dir/make.out"
		fi || { echo "    exit status $got; make's lines:"; grep -E '^make(\[[0-9]+\])?: ' "$dir/make.out" | sed 's/^/    | /'; return 1; }
	}
	check "make grade: 0 and no line of make's when every test passed" \
		make_status 0 "" LAB="$lab" IMPL=solutions
	check "make grade: 2 when a test failed, make's one line names status 1" \
		make_status 2 1 LAB="$lab"
	check "make grade: 2 for an unknown lab, make's one line names status 2" \
		make_status 2 2 LAB=99
	# A lab that does not compile, graded through make: a copy of the
	# project whose skeleton has an error (the real skeletons compile).
	local copy="$dir/copy" file got=0
	rm -rf "$copy" && mkdir -p "$copy" &&
		tar -C "$ROOT" --exclude=./build --exclude=./.git --exclude=./tests -cf - . | tar -C "$copy" -xf -
	file=$($MAKE -C "labs/$lab" LAB="$lab" student-files | cut -d ' ' -f 1)
	echo 'int ipclab_broken(void) { return no_such_name; }' >>"$copy/labs/$lab/$file"
	(cd "$copy" && env -u BUILD -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory \
		grade LAB="$lab") >"$dir/copy.out" 2>&1 || got=$?
	copy_status() {
		[ "$got" -eq 2 ] && [ "$(grep -cE '^make(\[[0-9]+\])?: ' "$dir/copy.out")" -eq 1 ] &&
			grep -qE '^make: \*\*\* \[Makefile:[0-9]+: grade\] Error 3$' "$dir/copy.out" &&
			grep -q no_such_name "$dir/copy.out"
	}
	check "make grade: 2 when a lab did not compile, make's one line names status 3" \
		copy_status || sed 's/^/    | /' "$dir/copy.out"
	rm -rf "$dir"
}

# Students are folders with any name: blanks, quotes, commas, non-ASCII.
# Two labs, so that the CSV has a column per lab; the folder of
# submissions and the output prefix have blanks too.
part_roster() {
	local subs="$BUILD/roster subs" out="$OUT/roster out" lab lab2 name status file
	lab=$(labs | sed -n 1p) lab2=$(labs | sed -n 2p)
	file=$($MAKE -C "labs/$lab" LAB="$lab" student-files | cut -d ' ' -f 1)
	rm -rf "$subs" && mkdir -p "$subs/ref/labs" "$subs/skel" "$subs/broken"
	cp -r "solutions/$lab" "$subs/ref/labs/"
	for name in 'dan "x", jr' 'zoë' 'a b'; do
		mkdir -p "$subs/$name" && cp -r "solutions/$lab" "$subs/$name/"
	done
	cp -r "labs/$lab" "$subs/skel/"
	cp -r "labs/$lab" "$subs/broken/" &&
		echo 'int ipclab_broken(void) { return no_such_name; }' >>"$subs/broken/$lab/$file"
	rm -f "$out.csv" "$out.json" "$out-j1.csv" "$out-j1.json"
	$MAKE roster SUBMISSIONS="$subs" LAB="${lab%%-*} ${lab2%%-*}" OUT="$out" JOBS=2 \
		>"$OUT/roster.log" 2>&1
	check "make roster: one CSV row per student, a column per lab, a status, names intact" \
		python3 - "$out.csv" "$lab" "$lab2" <<'PY' || sed 's/^/    /' "$OUT/roster.log"
import csv, sys
path, lab, lab2 = sys.argv[1:]
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
head, body = rows[0], {r[0]: r for r in rows[1:]}
assert head == ["student", lab, lab2, "total", "max", "status"], head
assert all(len(r) == len(head) for r in rows), rows
assert sorted(body) == sorted(["ref", 'dan "x", jr', "zoë", "a b", "skel", "broken"]), body
for name in ["ref", 'dan "x", jr', "zoë", "a b"]:
    _, s1, s2, total, top, status = body[name]
    assert int(s1) > 0 and s2 == "0" and total == s1 and int(top) > int(s1), body[name]
    assert status == "no folder for " + lab2, body[name]
    assert body[name][1:] == body["ref"][1:], body[name]
_, s1, s2, total, top, status = body["skel"]
assert s1 == s2 == total == "0" and top == body["ref"][4], body["skel"]
assert status == "no folder for " + lab2, body["skel"]
_, s1, s2, total, top, status = body["broken"]
assert s1 == s2 == total == "0" and top == body["ref"][4], body["broken"]
assert status == "compile error in %s; no folder for %s" % (lab, lab2), body["broken"]
PY
	check "make roster: the JSON is valid, names intact, every student graded" jqtest \
		'length == 6 and ([.[].student] | sort) == (["ref", "dan \"x\", jr", "zoë", "a b", "skel", "broken"] | sort)
		 and all(.[]; .report.max_score > 0)
		 and ([.[] | select(.student | IN("skel", "broken") | not) | .report.score] | unique | length) == 1' \
		"$out.json"
	check "make roster: a progress line per student, [k/6] name: score/max status" sh -c \
		"[ \$(grep -cE '^\[[1-6]/6\] .*: [0-9]+/[0-9]+ ' '$OUT/roster.log') -eq 6 ] &&
		 grep -qE '^\[[1-6]/6\] broken: 0/[0-9]+ compile error in $lab' '$OUT/roster.log'"
	# One student at a time grades the same (the tests do not depend on
	# what runs beside them).
	$MAKE roster SUBMISSIONS="$subs" LAB="${lab%%-*} ${lab2%%-*}" OUT="$out-j1" JOBS=1 \
		>"$OUT/roster-j1.log" 2>&1
	same_rosters() {
		cmp -s "$out.csv" "$out-j1.csv" &&
			[ "$(jq -c '[.[] | [.student, .report.score, [.report.tests[] | [.name, .status]]]]' "$out.json")" = \
				"$(jq -c '[.[] | [.student, .report.score, [.report.tests[] | [.name, .status]]]]' "$out-j1.json")" ]
	}
	check "make roster: JOBS=1 and JOBS=2 give the same roster" same_rosters ||
		diff "$out.csv" "$out-j1.csv" | sed 's/^/    /'
	# A student that cannot be graded (here: the driver fails) is never a
	# silent 0: empty cells, why in the status, an error in the JSON, a
	# message, exit status 1.
	rm -rf "$subs" && mkdir -p "$subs/dan \"x\", jr" && cp -r "solutions/$lab" "$subs/dan \"x\", jr/"
	status=0
	ROSTER_LABS=$lab ROSTER_DRIVER=$(type -P false) common/roster.sh "$subs" "$out-fail" \
		>"$OUT/roster-fail.log" 2>&1 || status=$?
	failure_reported() {
		[ "$status" -eq 1 ] && grep -q '^\[1/1\] dan "x", jr: not graded: ' "$OUT/roster-fail.log" &&
			tail -n 1 "$out-fail.csv" | grep -q '^"dan ""x"", jr",,,,not graded: ' &&
			jqtest '.[0].error and .[0].report == null' "$out-fail.json"
	}
	check "make roster: a student that cannot be graded is reported, never scored 0" \
		failure_reported || sed 's/^/    /' "$OUT/roster-fail.log"
	rm -rf "$subs"
}

# Gradescope, end to end: make gradescope builds autograder.zip; a fake
# /autograder (IPCLAB_AUTOGRADER, at a path with a blank) gets it as
# Gradescope does (source/, and run_autograder beside it), setup.sh builds
# it, and run_autograder grades submissions: the reference (a lone file at
# the top), the skeleton (a whole tree), code that does not compile (the
# lab's folder), nothing. Every results.json follows Gradescope's
# specification; the test named in HIDDEN is shown after the due date.
part_gradescope() {
	local lab file hidden root zip="$BUILD/gradescope/autograder.zip" before
	lab=$(labs | head -1)
	file=$($MAKE -C "labs/$lab" LAB="$lab" student-files | cut -d ' ' -f 1)
	$MAKE -C "labs/$lab" LAB="$lab" IMPL=solutions grade-build >/dev/null 2>&1
	hidden=$("$BUILD/solutions/$lab/grader" --list | awk -F '\t' '$1 == "test" { n++ } n == 2 { print $2; exit }')
	refused_hidden() {
		! $MAKE gradescope LAB="$lab" HIDDEN=test_no_such >"$OUT/gs-refused.log" 2>&1 &&
			grep -q 'HIDDEN: test_no_such is not a test' "$OUT/gs-refused.log"
	}
	check "make gradescope: an unknown test in HIDDEN is refused" refused_hidden
	$MAKE gradescope LAB="$lab" HIDDEN="$hidden" >"$OUT/gs-package.log" 2>&1
	zip_layout() {
		local list
		list=$(unzip -Z1 "$zip") &&
			grep -qx setup.sh <<<"$list" && grep -qx run_autograder <<<"$list" &&
			grep -qx config.sh <<<"$list" && grep -qx "ipclab/labs/$lab/$file" <<<"$list" &&
			! grep -q '^ipclab/tests/' <<<"$list"
	}
	check "make gradescope: autograder.zip has setup.sh and run_autograder at its root" zip_layout ||
		sed 's/^/    /' "$OUT/gs-package.log"
	root=$(mktemp -d "${TMPDIR:-/tmp}/ipclab autograder.XXXXXX") || return
	mkdir -p "$root/source" "$root/submission" && unzip -q "$zip" -d "$root/source" &&
		cp "$root/source/run_autograder" "$root/"
	local ag=(env -u BUILD -u WERROR -u MAKEFLAGS -u MAKELEVEL IPCLAB_AUTOGRADER="$root")
	set_up() {
		"${ag[@]}" bash "$root/source/setup.sh" >"$OUT/gs-setup.log" 2>&1 &&
			[ ! -e "$root/source/ipclab/solutions" ] &&
			[ -x "$root/source/ipclab/labs/$lab/grade/reference-demo" ] &&
			! grep -qi 'warning\|error' "$OUT/gs-setup.log"
	}
	check "setup.sh builds the autograder, quietly, and deletes the reference sources" set_up ||
		{ sed 's/^/    /' "$OUT/gs-setup.log"; rm -rf "$root"; return; }
	before=$(ls -d "${TMPDIR:-/tmp}"/ipclab-grade.* 2>/dev/null)
	submit() { # name [dir-in-submission [source]]: grade it into $OUT/gs-NAME.json
		rm -rf "$root/submission" "$root/results" && mkdir -p "$root/submission"
		if [ $# -gt 1 ]; then
			mkdir -p "$root/submission/$2" && cp "$3" "$root/submission/$2/$file"
		fi
		"${ag[@]}" "$root/run_autograder" >"$OUT/gs-$1.log" 2>&1 &&
			cp "$root/results/results.json" "$OUT/gs-$1.json"
	}
	# Gradescope's results.json: only its keys, each of its type; the
	# score is the sum of the tests'; a test passed iff it scored them all.
	local spec='def only($k): (keys - $k) == [];
		def visibility: IN("visible", "hidden", "after_due_date", "after_published");
		only(["score", "execution_time", "output", "output_format", "test_output_format",
		      "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
		      "leaderboard"])
		and (.score | type) == "number" and (.execution_time | type) == "number"
		and (.output | type) == "string" and (.visibility | visibility)
		and (.stdout_visibility | visibility) and (.extra_data | type) == "object"
		and (.tests | type) == "array" and (.tests | length) > 0
		and all(.tests[]; only(["score", "max_score", "status", "name", "name_format", "number",
		                        "output", "output_format", "tags", "visibility", "extra_data"])
		        and (.name | type) == "string" and (.number | type) == "string"
		        and (.score | type) == "number" and (.max_score | type) == "number"
		        and (.status | IN("passed", "failed")) and (.output | type) == "string"
		        and (.visibility | visibility)
		        and ((.status == "passed") == (.score == .max_score)))
		and .score == ([.tests[].score] | add)
		and ([.tests[].number] | unique | length) == (.tests | length)'
	submit reference . "solutions/$lab/$file"
	check "gradescope: the reference scores 100%; results.json follows the specification" jqtest \
		"($spec) and .score == ([.tests[].max_score] | add) and .score > 0" "$OUT/gs-reference.json" ||
		tail -n 5 "$OUT/gs-reference.log" | sed 's/^/    /'
	check "gradescope: HIDDEN's test is shown after the due date, the others now" jqtest --arg t "$hidden" \
		'[.tests[] | select(.extra_data.test == $t) | .visibility] == ["after_due_date"]
		 and ([.tests[] | select(.extra_data.test != $t) | .visibility] | unique) == ["visible"]' \
		"$OUT/gs-reference.json"
	submit skeleton "labs/$lab" "labs/$lab/$file"
	check "gradescope: the skeleton (a whole tree) scores 0" jqtest \
		"($spec) and .score == 0 and (.output | contains(\"has no\") | not)" "$OUT/gs-skeleton.json"
	make_broken "$lab" "$BUILD/gs-broken"
	submit broken "$lab" "$BUILD/gs-broken/src/$file"
	check "gradescope: code that does not compile scores 0, the compiler's message in every output" jqtest \
		"($spec) and .score == 0 and (.output | contains(\"no_such_name\"))
		 and all(.tests[]; .output | contains(\"no_such_name\"))" "$OUT/gs-broken.json"
	submit nothing
	check "gradescope: a submission without the file scores 0 and says what is missing" jqtest \
		"($spec) and .score == 0 and (.output | contains(\"has no $file\"))" "$OUT/gs-nothing.json"
	check "run_autograder leaves no temporary directory behind" \
		[ "$(ls -d "${TMPDIR:-/tmp}"/ipclab-grade.* 2>/dev/null)" = "$before" ]
	rm -rf "$root" "$BUILD/gs-broken"
}

# A copy of the project at a path with a blank, quotes and non-ASCII
# ("x/a b'q"ë"), beside a folder named like the part before the blank
# ("x/a", with a canary file): the README's commands work there, and
# make clean removes that copy's build/ and nothing else.
part_paths() {
	local base clone sib log="$OUT/paths.log" before
	base=$(mkdir -p "$BUILD/paths" && cd "$BUILD/paths" && pwd)
	clone="$base/x/a b'q\"ë" sib="$base/x/a"
	rm -rf "$base/x" && mkdir -p "$clone" "$sib" && touch "$sib/canary"
	tar -C "$ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$clone" -xf -
	: >"$log"
	before=$failed
	# make in the copy, with its own build/ (not ours); warnings still errors.
	inclone() {
		(cd "$clone" && env -u BUILD -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
			make -s --no-print-directory -j"$(nproc)" "$@") >>"$log" 2>&1
	}
	score_is() { # full|zero: the last "Total score: x/y" of the log
		grep -a '^Total score:' "$log" | tail -1 | awk -v want="$1" '
			{ split($3, s, "/"); ok = s[2] > 0 && (want == "full" ? s[1] == s[2] : s[1] == 0) }
			END { exit !ok }'
	}
	inclone grade LAB=01 IMPL=solutions
	check "paths: make grade LAB=01 IMPL=solutions scores 100% from a path with a blank" \
		score_is full
	inclone -C labs/01-pipe grade
	check "paths: make -C labs/01-pipe grade grades the skeleton there" score_is zero
	(cd "$clone" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL BUILD=build/env \
		make -s --no-print-directory -C labs/01-pipe grade IMPL=solutions) >>"$log" 2>&1
	env_build() { score_is full && [ -x "$clone/build/env/common/ipcgrade" ]; }
	check "paths: with BUILD=build/env in the environment, the reference scores 100% there" \
		env_build
	inclone demo LAB=01 IMPL=solutions
	check "paths: make demo LAB=01 IMPL=solutions builds a demo that runs" \
		sh -c '"$1/build/solutions/01-pipe/demo" send 1000 >/dev/null' sh "$clone"
	inclone docs
	check "paths: make docs builds the site there" [ -s "$clone/build/docs/html/index.html" ]
	mkdir -p "$base/x/subs/a b" && cp -r "$ROOT/solutions/01-pipe" "$base/x/subs/a b/"
	inclone roster SUBMISSIONS="$base/x/subs" LAB=01 OUT=build/r
	check "paths: make roster grades from there" grep -qx 'a b,\([1-9][0-9]*\),\1,\1,ok' "$clone/build/r.csv"
	# Refusals: nothing outside the copy's build/ is ever removed.
	said() { # pattern make-args...: make fails and says pattern
		local pattern=$1 n; shift
		n=$(wc -l <"$log")
		! inclone "$@" && tail -n +$((n + 1)) "$log" | grep -q -- "$pattern"
	}
	refused() { said 'refus\|cannot use' "$@" && [ -e "$sib/canary" ]; }
	check "paths: make clean BUILD=../a is refused" refused clean BUILD=../a
	check "paths: make clean BUILD=/abs/x/a is refused" refused clean BUILD="$sib"
	check "paths: make -C labs/01-pipe clean B=../../../a is refused" \
		refused -C labs/01-pipe clean B=../../../a
	check "paths: a BUILD with a blank is refused up front, with a message" \
		said blank grade LAB=01 BUILD="$base/x/c d"
	inclone clean
	check "paths: make clean removes build/ and nothing beside the copy" \
		sh -c '[ ! -e "$1/build" ] && [ -e "$1/Makefile" ] && [ -e "$2/canary" ]' sh "$clone" "$sib"
	if [ "$failed" -eq "$before" ]; then rm -rf "$base"; else
		echo "    (log: $log; the copy: $clone)"; fi
}

# The terminal view, as a student sees it: the driver runs in tmux; what it
# writes to the terminal is streamed (pipe-pane) to a FIFO we read, and the
# final screen is captured. Synchronised on the events themselves (the
# stream, tmux wait-for), never on a delay.
part_tty() {
	local sock="ipclab-test-$$" dir="$BUILD/tty" hostile_b
	command -v tmux >/dev/null || { not_ok "tmux is installed (make test installs it)"; return; }
	rm -rf "$dir" && mkdir -p "$dir" && mkfifo "$dir/stream"
	$MAKE -C tests/engine/hostile VARIANT_NAME=attack grade-build >"$dir/build.log" 2>&1
	hostile_b="$ROOT/$BUILD/tests/hostile/attack"
	# Held until the stream is being read: then the driver starts.
	tmux -L "$sock" new-session -d -s tty -x 110 -y 30 \
		"tmux -L $sock wait-for go; CK_TIMEOUT_MULTIPLIER=4 TERM=xterm '$ROOT/$DRIVER' --keep='$ROOT' \
		--test=test_sum_small,test_hang_1 '$hostile_b'; tmux -L $sock wait-for -S done; cat" || {
		not_ok "tmux starts a session"; return; }
	tmux -L "$sock" pipe-pane -t tty -o "cat >'$dir/stream'"
	{ tmux -L "$sock" wait-for -S go; } &
	tr '\r' '\n' <"$dir/stream" >"$dir/stream.txt" &
	local reader=$!
	tmux -L "$sock" wait-for done
	tmux -L "$sock" capture-pane -p -t tty >"$dir/screen.txt"
	tmux -L "$sock" kill-server
	wait "$reader"
	wait
	check "on a terminal, a progress line names the running test and its time" \
		grep -qE '^  \.\.\.\.  step 3  test_hang_1 +[0-9]+\.[0-9] s' "$dir/stream.txt"
	check "the progress line is gone from the final screen" \
		sh -c "! grep -q '\\.\\.\\.\\.' '$dir/screen.txt'"
	check "the final screen shows each test's line and the closing table" \
		sh -c "grep -q 'FAIL  step 1  test_sum_small' '$dir/screen.txt' &&
		       grep -q 'FAIL  step 3  test_hang_1' '$dir/screen.txt' &&
		       grep -q '^Lab  *Tests  *Points  Next' '$dir/screen.txt' &&
		       grep -q '^hostile  *0/2  *0/2  step 1, test_sum_small' '$dir/screen.txt' &&
		       grep -q '^Total score: 0/2' '$dir/screen.txt'" ||
		sed 's/^/    | /' "$dir/screen.txt"

	# Ctrl+C while a test runs: the report names the test it stopped, and
	# nothing of the test is left. The key is sent once the progress line
	# shows that test running (read from the stream, not timed).
	rm -f "$dir/stream" && mkfifo "$dir/stream"
	# (The pane's shell ignores SIGINT, so it outlives the Ctrl+C to tell
	# the driver's exit status; the driver catches SIGINT all the same.)
	tmux -L "$sock" new-session -d -s int -x 110 -y 30 \
		"trap '' INT; tmux -L $sock wait-for go; CK_TIMEOUT_MULTIPLIER=20 TERM=xterm '$ROOT/$DRIVER' --keep='$ROOT' \
		--test=test_hang_1 '$hostile_b'; echo \"driver exit \$?\"; tmux -L $sock wait-for -S done; cat" || {
		not_ok "tmux starts a session"; return; }
	tmux -L "$sock" pipe-pane -t int -o "cat >'$dir/stream'"
	{ tmux -L "$sock" wait-for -S go; } &
	exec 7<"$dir/stream"
	# (The progress line ends in \r, not \n, and awk or grep would wait
	# for a line or a full buffer: read what comes, as it comes.)
	if python3 -c 'import os, sys
seen = b""
while b"step 3  test_hang_1 " not in seen:
    data = os.read(7, 4096)
    if not data:
        sys.exit(1)
    seen = seen[-200:] + data' 7<&7; then
		cat <&7 >/dev/null & # keep the stream drained: tmux must not block
		tmux -L "$sock" send-keys -t int C-c
	fi
	tmux -L "$sock" wait-for done
	tmux -L "$sock" capture-pane -p -t int >"$dir/interrupted.txt"
	tmux -L "$sock" kill-server
	exec 7<&-
	wait
	check "Ctrl+C names the test it stopped, exits 130 and leaves nothing running" \
		sh -c "grep -q 'interrupted during test_hang_1: it was stopped and cleaned up' '$dir/interrupted.txt' &&
		       grep -q '^driver exit 130' '$dir/interrupted.txt' &&
		       ! pgrep -f 'grade[r] --run test_hang_1' >/dev/null" ||
		sed 's/^/    | /' "$dir/interrupted.txt"
}

# Every test of every lab has its three hints (make hint), and no hint
# names a test that does not exist.
part_hints() {
	local lab grader missing
	for lab in $(labs); do
		$MAKE -C "labs/$lab" LAB="$lab" IMPL=solutions grade-build >/dev/null 2>&1
		grader="$BUILD/solutions/$lab/grader"
		missing=$("$grader" --list | awk -F '\t' '$1 == "test" { print $2 }' |
			while read -r test; do
				for level in 1 2 3; do
					[ -n "$("$grader" --hint "$test" "$level" 2>/dev/null)" ] ||
						{ echo "$test (hint $level)"; break; }
				done
			done)
		check "$lab: every test has three hints" [ -z "$missing" ] ||
			sed 's/^/    missing: /' <<<"$missing" | head -8
		if [ -f "labs/$lab/grade/hints.c" ]; then
			missing=$(grep -o '{ "test_[a-z0-9_]*"' "labs/$lab/grade/hints.c" | cut -d'"' -f2 |
				while read -r test; do
					"$grader" --list | grep -q "^test	$test	" || echo "$test"
				done)
			check "$lab: every hint is for a test of the lab" [ -z "$missing" ] ||
				sed 's/^/    unknown: /' <<<"$missing" | head -8
		fi
	done
}

# The student's loop: make progress, make hint, make with no target, and
# make watch in tmux, in a copy of the project (watch needs a student file
# to change). Synchronised on the terminal stream itself, never on a delay.
part_loop() {
	local copy sock="ipclab-loop-$$" dir="$BUILD/loop" first lab_num
	first=$(labs | head -1) lab_num=${first%%-*}
	rm -rf "$dir" && mkdir -p "$dir/copy" && mkfifo "$dir/stream"
	copy=$(cd "$dir/copy" && pwd)
	tar -C "$ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$copy" -xf -
	incopy() { (cd "$copy" && env -u BUILD -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s --no-print-directory "$@") 2>&1; }
	incopy grade LAB="$lab_num" >"$dir/grade.txt"
	incopy progress >"$dir/progress.txt"
	check "make progress: the lab's steps after a run, the next step and its handout link" sh -c "
		grep -q '^  $first  *step 1 0/[0-9]' '$dir/progress.txt' &&
		grep -q '^Next: $first, step 1 (test_' '$dir/progress.txt' &&
		grep -q 'read:  labs/$first/README.md#step-1-' '$dir/progress.txt'"
	incopy >"$dir/help.txt"
	check "make with no target: the progress, then the commands" sh -c "
		grep -q '^Next: $first' '$dir/help.txt' && grep -q '^  make watch' '$dir/help.txt'"
	for i in 1 2 3 4; do incopy hint LAB="$lab_num" >"$dir/hint$i.txt"; done
	check "make hint: one more hint each time, up to three" sh -c "
		grep -q 'Hint 1 of 3, a nudge' '$dir/hint1.txt' && ! grep -q 'Hint 2' '$dir/hint1.txt' &&
		grep -q 'Hint 2 of 3, the mechanism' '$dir/hint2.txt' && ! grep -q 'Hint 3' '$dir/hint2.txt' &&
		grep -q 'Hint 3 of 3, the exact call' '$dir/hint3.txt' &&
		grep -q 'that was the last hint' '$dir/hint4.txt'"
	check "make hint: an unknown test is a clear error" sh -c "
		cd '$copy' && make -s hint LAB=$lab_num TEST=test_nope 2>&1 | grep -q 'has no test named test_nope'"

	# make watch: the first run shows, a save of the reference grades
	# again to 100% of step 1, Ctrl+C leaves cleanly.
	command -v tmux >/dev/null && command -v inotifywait >/dev/null || {
		not_ok "tmux and inotifywait are installed (make test installs them)"; return; }
	# An interactive shell, as a student has: type the command, Ctrl+C.
	tmux -L "$sock" new-session -d -s w -x 120 -y 50 -c "$copy" \
		"env -u BUILD -u MAKEFLAGS -u MFLAGS -u MAKELEVEL PS1='$ ' bash --norc --noprofile -i"
	tmux -L "$sock" pipe-pane -t w -o "cat >'$dir/stream'"
	exec 7<"$dir/stream"
	tmux -L "$sock" send-keys -t w "make -s watch LAB=$lab_num STEP=1" Enter
	local waited=ok
	grep -a -m1 -q 'Total score: 0/' <&7 || waited="no first run"
	cp "solutions/$first/"*.c "$copy/labs/$first/"
	[ "$waited" = ok ] && { grep -a -m1 -q 'Total score: \([1-9][0-9]*\)/\1[^0-9]' <&7 || waited="no second run"; }
	tmux -L "$sock" capture-pane -p -t w >"$dir/watch-screen.txt"
	tmux -L "$sock" send-keys -t w C-c
	# Ctrl+C also drops the rest of a typed line: the next command is new.
	tmux -L "$sock" send-keys -t w "echo \"left with \$?\"; tmux -L $sock wait-for -S done" Enter
	tmux -L "$sock" wait-for done
	tmux -L "$sock" capture-pane -p -t w >"$dir/watch-end.txt"
	tmux -L "$sock" kill-server
	exec 7<&-
	wait
	check "make watch: grades at start and again when the file is saved ($waited)" sh -c "
		[ '$waited' = ok ] && grep -q 'make watch: LAB=\"$lab_num\" STEP=1' '$dir/watch-screen.txt' &&
		grep -q 'PASS  step 1' '$dir/watch-screen.txt'"
	check "make watch: Ctrl+C leaves cleanly to the prompt, nothing left running" sh -c "
		grep -q 'make watch: stopped' '$dir/watch-end.txt' &&
		grep -q '^left with [0-9]' '$dir/watch-end.txt' &&
		! pgrep -f 'inotifywai[t].*labs/$first' >/dev/null &&
		! pgrep -f 'ipcgrad[e].*$copy' >/dev/null"
}

# The student handout, as a student gets it: make dist's tarball unpacked
# in a fresh directory (its path has a blank) by an unprivileged user
# (nobody), who then runs every command of its README's sh blocks, in
# order: each works there. The README says nothing of make test,
# solutions/ or tests/; what belongs to the full project says so when
# asked for; the reference demos are stripped; and make dist works from a
# copy that is not a git checkout (saying so) with the same files.
part_dist() {
	local tmp home log="$OUT/dist.log" lab demo got n=0 bad=0
	lab=$(labs | head -1)
	if ! $MAKE dist >"$log" 2>&1; then
		not_ok "make dist builds the handout"
		sed 's/^/    /' "$log"
		return
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipclab handout.XXXXXX") || return
	home="$tmp/ipclab"
	chmod 755 "$tmp" && cp "$BUILD/dist/ipclab.tar.gz" "$tmp/" && chmod 644 "$tmp/ipclab.tar.gz" &&
		chown nobody "$tmp"
	student() { # command [dir]: run it as nobody, in the unpacked handout
		(cd "${2:-$home}" && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$tmp" LANG=C.UTF-8 \
			MAKEFLAGS="-j$(nproc)" setpriv --reuid=nobody --regid=nogroup --clear-groups \
			bash -c "$1")
	}
	check "dist: nobody unpacks the handout" student "tar -xzf ipclab.tar.gz && [ -f ipclab/README.md ]" "$tmp" ||
		{ rm -rf "$tmp"; return; }
	check "dist: the README speaks to students: no make test, solutions/ or tests/" \
		sh -c "[ -s '$home/README.md' ] && ! grep -nE 'make (test|check)|solutions/|tests/' '$home/README.md'"
	# Every command of the README's sh blocks, in order, as written.
	while IFS= read -r cmd; do
		n=$((n + 1)) got=0
		student "$cmd" >"$OUT/dist-$n.log" 2>&1 || got=$?
		case $cmd in
		"make grade"*) # tests may fail (the skeleton): a report, and make's status
			grep -q '^Total score: ' "$OUT/dist-$n.log" && { [ $got -eq 0 ] || [ $got -eq 2 ]; } ;;
		build/labs/*) # the skeleton's demo: it runs (and may report ENOSYS)
			[ $got -lt 126 ] ;;
		*) [ $got -eq 0 ] ;;
		esac || { bad=1; echo "    \$ $cmd (exit status $got)"; tail -n 5 "$OUT/dist-$n.log" | sed 's/^/    | /'; }
	done < <(awk '/^ *```sh$/ { f = 1; next } /^ *```$/ { f = 0 } f' "$home/README.md" |
		sed 's/^ *//; s/ *#.*$//' | grep -v '^$')
	all_worked() { [ $bad -eq 0 ] && [ $n -ge 5 ]; }
	check "dist: every command of the README works in the handout, as nobody ($n commands)" \
		all_worked
	check "dist: make docs there built the site" [ -s "$home/build/docs/html/index.html" ]
	said() { # pattern command: the command fails and says pattern
		! student "$2" >"$OUT/dist-said.log" 2>&1 && grep -q "$1" "$OUT/dist-said.log"
	}
	check "dist: make grade IMPL=solutions says the solutions are not in the handout" \
		said 'not part of the student handout' "make grade LAB=$lab IMPL=solutions"
	check "dist: make demo IMPL=solutions gives the prebuilt reference demo" \
		student "make demo LAB=$lab IMPL=solutions >/dev/null && cmp -s build/solutions/$lab/demo labs/$lab/grade/reference-demo"
	check "dist: make test says the suite's tests are not in the handout" \
		said 'not part of a student handout' "make test"
	check "dist: make dist there says it is a handout already" said 'student handout already' "make dist"
	check "dist: make gradescope there says it is not part of the handout" \
		said 'not part of the student handout' "make gradescope"
	stripped() {
		for demo in "$home"/labs/*/grade/reference-demo; do
			readelf -S "$demo" | grep -qE '\.(debug_|symtab)' && return 1
			strings -a "$demo" | grep -q 'solutions' && return 1
		done
		[ -n "$(ls "$home"/labs/*/grade/reference-demo)" ]
	}
	check "dist: every reference demo is stripped (no symbols, no debug information)" stripped
	# The GitHub Classroom workflow's grading step, run as GitHub would
	# (its run: script, LAB=01, a GITHUB_OUTPUT file): it hands the
	# reporter a result it can read.
	awk '/id: ipclab$/ { s = 1 } s && /^ *run: \|$/ { r = 1; i = index($0, "r"); next }
		r && (match($0, /^ */) && RLENGTH < i && NF) { exit } r { print substr($0, i) }' \
		"$home/.github/workflows/classroom.yml" >"$tmp/grade-step.sh"
	student "LAB=${lab%%-*} GITHUB_OUTPUT='$tmp/github-output' bash '$tmp/grade-step.sh'" \
		>"$OUT/dist-classroom.log" 2>&1
	classroom_result() {
		sed -n 's/^result=//p' "$tmp/github-output" | base64 -d >"$OUT/dist-classroom.json" &&
			jqtest '.version == 1 and .status == "fail" and .max_score > 0
				and (.tests | length) > 0 and ([.tests[].score] | add) == 0
				and all(.tests[]; (.name | type) == "string" and .status == "fail"
				        and (.message | length) > 0 and (.test_code | startswith("make grade")))' \
				"$OUT/dist-classroom.json"
	}
	check "dist: the GitHub Classroom workflow's grading step hands the reporter the points" \
		classroom_result || sed 's/^/    /' "$OUT/dist-classroom.log" | tail -5
	# From a copy that is not a git checkout: the same files, and a warning.
	local copy="$tmp/nogit"
	mkdir -p "$copy" && tar -C "$ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$copy" -xf -
	(cd "$copy" && env -u BUILD -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory dist) \
		>"$OUT/dist-nogit.log" 2>&1
	same_files() {
		grep -q 'WARNING: .* is not a git checkout' "$OUT/dist-nogit.log" &&
			[ "$(tar -tzf "$copy/build/dist/ipclab.tar.gz" | sort)" = \
				"$(tar -tzf "$BUILD/dist/ipclab.tar.gz" | sort)" ]
	}
	check "dist: outside a git checkout, make dist packs the same files and says so" same_files ||
		sed 's/^/    /' "$OUT/dist-nogit.log" | head -20
	rm -rf "$tmp"
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

# make bench, briefly: the reference's table for two mechanisms, one short
# round (the lab's own make: the top-level target would install gnuplot).
# What it prints, its data files and plots, and nothing left behind.
part_bench() {
	local log="$OUT/bench.log" tmp="$OUT/bench-tmp" dir="$BUILD/bench" rows
	rm -rf "$tmp" "$dir"
	mkdir -p "$tmp"
	if ! TMPDIR="$ROOT/$tmp" $MAKE -C labs/11-bench LAB=11-bench IMPL=solutions \
		BENCH_FLAGS="--quick --only pipe,shm-spin" bench >"$log" 2>&1; then
		not_ok "make bench runs"
		sed 's/^/    /' "$log" | tail -20
		return
	fi
	rows=$(grep -Ec '^(pipe|shm-spin) +[0-9]+ (B|KiB|MiB) +[0-9.]+ +[0-9.]+ +[12] +[0-9]+ +[12]$' "$log")
	check "make bench: a row for each of the 7 sizes of each mechanism asked ($rows of 14), and no other mechanism" \
		sh -c "[ '$rows' -eq 14 ] && ! grep -Eq '^(fifo|tcp|signal) ' '$log'"
	check "make bench: memcpy() beside the shared-memory streams, and the public benchmarks' figures for those two mechanisms" \
		sh -c "grep -q '^memcpy (one process)' '$log' && grep -q ' of 12 comparisons at least as fast' '$log'"
	check "make bench: data files with a column per mechanism measured, and the plots where gnuplot is installed" \
		sh -c "head -1 '$dir/latency.dat' | grep -qx 'size pipe shm-spin' &&
			head -1 '$dir/throughput.dat' | grep -qx 'size pipe shm-spin memcpy' &&
			{ ! command -v gnuplot >/dev/null || [ -s '$dir/throughput.png' ]; }"
	check "make bench: nothing left in its temporary directory" \
		test -z "$(ls -A "$tmp")"
	check "make bench: an unknown mechanism is refused, by name" \
		sh -c "! '$BUILD/solutions/11-bench/bench-table' --only pipe,nosuch >'$OUT/bench-bad.log' 2>&1 &&
			grep -q 'no mechanism is called nosuch' '$OUT/bench-bad.log'"
	rm -rf "$tmp"
}

part_docs() {
	check "make docs builds the site with no Doxygen warning" \
		sh -c "$MAKE docs >'$OUT/docs.log' 2>&1 || { cat '$OUT/docs.log'; false; }" || return
	# Without a browser (docs_browser adds one): the files of the site.
	check "the site's files: every link, anchor and diagram is there; every lab is on the home page and under Lab APIs" \
		sh -c "python3 common/docs_check.py --no-browser '$BUILD/docs/html' >'$OUT/docs-files.log' 2>&1 ||
			{ sed 's/^/    /' '$OUT/docs-files.log'; false; }"
}

# The site as a reader sees it (common/docs_check.py, what make docs-check
# runs): only where Chromium is installed; make test does not install it.
part_docs_browser() {
	local log="$OUT/docs_browser.log"
	if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
		skip "the site in a browser: Chromium is not installed, so no page was loaded" \
			"(make docs-check installs it and runs this check)"
		return
	fi
	$MAKE docs >"$OUT/docs.log" 2>&1 || { not_ok "the site in a browser: make docs failed"; sed 's/^/    /' "$OUT/docs.log"; return; }
	if python3 common/docs_check.py "$BUILD/docs/html" --shots "$BUILD/docs/shots" >"$log" 2>&1; then
		ok "the site in headless Chromium: every page loads with no error, every link, image, anchor and diagram is there; screenshots in $BUILD/docs/shots"
	else
		not_ok "the site in headless Chromium (common/docs_check.py)"
	fi
	sed 's/^/    /' "$log" | tail -40
}

mkdir -p "$OUT"
$MAKE common >/dev/null || { echo "not ok - the grading engine builds"; echo "0 passed, 1 failed"; exit 1; }
case "${1:-all}" in
all)
	# Each part, then how long it took (where the suite's time goes). The
	# parts whose builds are their own (ASan's build tree, the copies of
	# the project of paths and loop, the engine's test labs, which tty
	# uses) run beside the others, in the background; their lines come at
	# the end.
	timed() { local start; for part in "$@"; do start=$SECONDS; "part_$part"
		echo "# $part: $((SECONDS - start)) s"; done; }
	timed build unit
	bg_logs=() bg_pids=()
	for group in asan "paths loop" "engine tty"; do
		# shellcheck disable=SC2086
		timed $group >"$OUT/background-${group%% *}.log" 2>&1 &
		bg_pids+=($!) bg_logs+=("$OUT/background-${group%% *}.log")
	done
	timed reference skeleton buggy alt mutants formats status roster \
		gradescope dist hints bench format docs docs_browser
	wait "${bg_pids[@]}"
	for log in "${bg_logs[@]}"; do
		cat "$log"
		passed=$((passed + $(grep -c '^ok' "$log")))
		failed=$((failed + $(grep -c '^not ok' "$log")))
	done ;;
build|unit|engine|reference|skeleton|mutants|asan|formats|status|roster|gradescope|paths|dist|tty|loop|hints|bench|format|docs|docs_browser) "part_$1" ;;
buggy) part_buggy "${2:-}" ;;
alt) part_alt "${2:-}" ;;
variant) # one variant, printed in one piece (part_buggy runs them in parallel)
	result=$(run_variant "$2" "$3"); printf '%s\n' "$result"; exit 0 ;;
*) echo "usage: tests/run.sh [all|build|unit|engine|reference|skeleton|buggy [NN]|alt [NN]|mutants|asan|formats|status|roster|gradescope|paths|dist|tty|loop|hints|bench|format|docs|docs_browser]" >&2; exit 2 ;;
esac
echo
summary="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
