#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Grade the misbehaving test lab and check every verdict in expect.tsv.
# Usage: tests/engine/run.sh DRIVER OUTDIR   (tests/run.sh calls it)
set -u
driver=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
make -s --no-print-directory -C "$here" engine-build >"$out/engine-build.log" 2>&1 ||
	{ echo "    the engine test lab does not build"; cat "$out/engine-build.log"; exit 1; }
status=0
abs_build=$(cd "$BUILD" && pwd) # tests run elsewhere: they need it absolute

# check_verdicts JSON [TEST...]: every listed test (all if none) must get the
# verdict expect.tsv gives it.
check_verdicts() {
	local json=$1; shift
	while IFS=$'\t' read -r name want; do
		case "$name" in '#'*|'') continue ;; esac
		[ $# -gt 0 ] && ! grep -qx -- "$name" <(printf '%s\n' "$@") && continue
		got=$(jq -r --arg n "$name" '.tests[] | select(.name == $n) |
			if .status == "passed" then "PASS" else .output end' "$json")
		if [ "$want" = PASS ]; then
			[ "$got" = PASS ] && continue
		elif [ -n "$got" ] && [ "$got" != PASS ] && grep -qiF -- "$want" <<<"$got"; then
			continue
		fi
		echo "    $(basename "$json" .json): $name: expected \"$want\", got: $(head -c 300 <<<"$got")"
		status=1
	done <"$here/expect.tsv"
}

# A file of the project the tests try to delete (test_write_project), and
# one outside it hidden with --hide, as make roster hides the submissions
# (test_read_hidden).
export IPCLAB_ENGINE_ROOT="$root" IPCLAB_ENGINE_CANARY="$abs_build/tests/canary"
echo "the tests may not touch this" >"$IPCLAB_ENGINE_CANARY"
hidden_dir=$(mktemp -d "$abs_build/tests/hidden-XXXXXX") # seen in every mode
export IPCLAB_ENGINE_HIDDEN="$hidden_dir/classmate.c"
echo "int secret;" >"$IPCLAB_ENGINE_HIDDEN"
chmod -R a+rX "$hidden_dir"
trap 'rm -rf "$hidden_dir"' EXIT

# With namespaces (where the machine allows them): everything.
"$driver" --keep="$root" --hide="$hidden_dir" --format=json "$BUILD/tests/engine" >"$out/engine.json" 2>&1
check_verdicts "$out/engine.json"
# The score must come from the verdicts, not from what the tests printed.
jq -e '.score == 5 and .max_score == 33' "$out/engine.json" >/dev/null ||
	{ echo "    the score is not 5/33"; status=1; }

# Student output cannot pass for the grader's lines: the last "Score:" line
# of the text report is the real one, and no raw \r or escape gets through.
# A flood of output is cut, and the report says so.
"$driver" --keep="$root" --test=test_fake_summary,test_flood "$BUILD/tests/engine" >"$out/engine-fake.txt" 2>&1
grep -a 'Score:' "$out/engine-fake.txt" | tail -n 1 | grep -qx '  Score: 0/2' &&
	grep -ai 'score:' "$out/engine-fake.txt" | tail -n 1 | grep -q '^Total score: 0/2 ' &&
	grep -q '| \[output cut: it printed [0-9]* bytes; the last 2048 follow\]' "$out/engine-fake.txt" &&
	! grep -q $'[\r\033]' "$out/engine-fake.txt" &&
	grep -qF '| \r\e[2K  Score: 99/99' "$out/engine-fake.txt" ||
	{ echo "    student output can pass for the grader's score line"; cat "$out/engine-fake.txt"; status=1; }

# The snapshot fallback, on what is safe to run without a PID namespace
# (not kill(-1), not a fork loop) and visible without /dev/mqueue.
snapshot_tests=(test_nothing test_exit0 test_child_returns test_leak_fd
	test_zombie test_running_child test_escape test_segfault test_hang_deaf
	test_sysv_msg test_posix_sem test_posix_shm
	test_write_project test_read_solutions test_read_hidden)
# Without a mount namespace, a project under /tmp keeps /tmp itself
# read-only to tests (Landlock cannot grant /tmp but not the project in
# it): a fixed /tmp path then fails with EACCES, not with the grader's
# message (docs/grading.md says so).
case $root/ in /tmp/*) ;; *) snapshot_tests+=(test_tmp_file) ;; esac
# Snapshot mode confines tests with Landlock only where POSIX queues can be
# granted, through a mount of the mqueue file system (systemd mounts
# /dev/mqueue; this machine may not): mount it for the run if we can.
mounted_mqueue=
if [ "$(stat -f -c %T /dev/mqueue 2>/dev/null)" != mqueue ] && [ "$(id -u)" = 0 ]; then
	mkdir -p /dev/mqueue && mount -t mqueue mqueue /dev/mqueue && mounted_mqueue=1
fi
"$driver" --no-namespaces --keep="$root" --hide="$hidden_dir" --format=json \
	--test="$(IFS=,; echo "${snapshot_tests[*]}")" "$BUILD/tests/engine" \
	>"$out/engine-snapshot.json" 2>&1
check_verdicts "$out/engine-snapshot.json" "${snapshot_tests[@]}"
[ -n "$mounted_mqueue" ] && umount /dev/mqueue
[ -f "$IPCLAB_ENGINE_CANARY" ] ||
	{ echo "    a test deleted a file of the project"; status=1; }
# Hostile submissions (tests/engine/hostile/variants): none may score more
# than the skeleton, in either sandbox mode; the honest one scores 100%, so
# every test an attack fails is one it could have passed.
hostile="$here/hostile"
grade_hostile() { # variant [driver flag]: grade into $out/hostile-VARIANT[flag].json
	local variant=$1; shift
	HOSTILE_BUILD="$abs_build/tests/hostile/$variant" "$driver" "$@" --keep="$root" \
		--format=json "$BUILD/tests/hostile/$variant" \
		>"$out/hostile-$variant$*.json" 2>"$out/hostile-$variant.err"
}
for variant in sum skeleton attack names ctor dtor init_array ifunc refs; do
	make -s --no-print-directory -C "$hostile" VARIANT_NAME="$variant" \
		grade-build >"$out/hostile-$variant.build.log" 2>&1
done
attack_grader_sum=$(cksum <"$abs_build/tests/hostile/attack/grader")
grade_hostile sum
jq -e '.max_score > 700 and .score == .max_score' "$out/hostile-sum.json" >/dev/null ||
	{ echo "    hostile lab: the honest submission does not score 100%"; status=1; }
grade_hostile skeleton
jq -e '.score == 0' "$out/hostile-skeleton.json" >/dev/null ||
	{ echo "    hostile lab: the skeleton does not score 0"; status=1; }
for mode in "" --no-namespaces; do
	for variant in attack names; do
		grade_hostile "$variant" $mode
		jq -e '.max_score > 700 and .score == 0' "$out/hostile-$variant$mode.json" >/dev/null || {
			echo "    hostile lab: $variant ${mode:-(namespaces)} scores above the skeleton:"
			jq -r '.tests[] | select(.status == "passed") | "      " + .name' \
				"$out/hostile-$variant$mode.json" | head -5
			status=1
		}
	done
	# test_forge tried to write compile.log, api.txt, grader and demo in
	# its build directory: the project is read-only to tests.
	if [ -e "$abs_build/tests/hostile/attack/compile.log" ] ||
		[ "$(cksum <"$abs_build/tests/hostile/attack/grader")" != "$attack_grader_sum" ]; then
		echo "    hostile lab: ${mode:-(namespaces)}: the attack wrote into build/"
		status=1
	fi
	# A lab that hangs is stopped after three timeouts in a row.
	jq -e '[.tests[] | select(.name | startswith("test_hang_")) | .output] |
		(.[0:3] | all(test("timed out"))) and
		(.[3:5] | all(test("not run: 3 tests in a row ran out of time")))' \
		"$out/hostile-attack$mode.json" >/dev/null || {
		echo "    hostile lab: ${mode:-(namespaces)}: a hanging lab is not stopped after 3 timeouts"
		status=1
	}
done
# Code that would run before main() or call into the judge is not linked:
# the lab does not build, scores 0, and the message says why.
while IFS=$'\t' read -r variant why; do
	grade_hostile "$variant"
	if ! jq -e '.score == 0' "$out/hostile-$variant.json" >/dev/null ||
		! grep -qF -- "$why" "$BUILD/tests/hostile/$variant/compile.log"; then
		echo "    hostile lab: $variant is not refused with \"$why\""
		status=1
	fi
done <<'EOF'
ctor	section .init_array, which runs code of yours
dtor	section .fini_array, which runs code of yours
init_array	section .init_array.00500
ifunc	hostile_sum is an IFUNC
refs	refers to grade_allow_fd, which belongs to the grader
EOF
# A busy account (issue: RLIMIT_NPROC counts all of the user's processes):
# as an ordinary user who already runs 300 processes, in snapshot mode, a
# correct lab that forks still scores 100%. Only as root (to become the
# ordinary user), and only where the lab's build is reachable by others.
nproc_check() {
	local lab_build="$abs_build/solutions/01-pipe" holder pids
	[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null || return 0
	# The reference's grader, demo and reference-demo link, as make grade has them.
	make -s --no-print-directory -C "$root/labs/01-pipe" LAB=01-pipe IMPL=solutions \
		grade-build >/dev/null 2>&1 || return 0
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	as_nobody "$driver" --keep="$root" --format=json --no-namespaces "$lab_build" \
		>"$out/nproc-quiet.json" 2>/dev/null
	# Not reachable as nobody (a project in a private home): nothing to check.
	jq -e '.max_score > 0' "$out/nproc-quiet.json" >/dev/null 2>&1 || return 0
	jq -e '.score == .max_score' "$out/nproc-quiet.json" >/dev/null ||
		{ echo "    as an ordinary user in snapshot mode, the reference of lab 01 fails"; status=1; return; }
	# 300 processes of nobody's, each blocked on a pipe that ends with us.
	holder=$(mktemp -u "${TMPDIR:-/tmp}/ipclab-nproc-XXXXXX")
	mkfifo -m 0666 "$holder"
	for _ in $(seq 300); do as_nobody sh -c 'read x <"$1"' sh "$holder" & done
	exec 8<>"$holder" # the fifo stays open for writing: the readers block
	as_nobody "$driver" --keep="$root" --format=json --no-namespaces "$lab_build" \
		>"$out/nproc-busy.json" 2>&1
	exec 8>&-  # EOF: the 300 readers end
	wait
	rm -f "$holder"
	jq -e '.max_score > 0 and .score == .max_score' "$out/nproc-busy.json" >/dev/null ||
		{ echo "    a user with 300 processes fails a correct lab in snapshot mode"; status=1; }
}
nproc_check
exit $status
