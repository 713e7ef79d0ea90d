#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make gradescope: Gradescope's autograder.zip for the selected labs.
#
#   common/gradescope/package.sh OUT_DIR    (make sets LABS, HIDDEN, BUILD)
#
# The zip holds, at its root (where Gradescope looks): setup.sh, which
# Gradescope runs once to build the autograder's image; run_autograder,
# which it runs for each submission; config.sh (the labs, the hidden
# tests); and ipclab/, the project for those labs (common/, the labs and
# their reference sources: setup.sh builds the reference demos from them,
# then deletes them, so no submission can read them). HIDDEN names tests
# (blank- or comma-separated) whose results students see only after the
# due date; each must be a test of one of the labs.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
out=${1:?usage: package.sh OUT_DIR}
build=${BUILD:-build}
die() { echo "make gradescope: $*" >&2; exit 2; }
# shellcheck disable=SC2206 # lab names hold no blank or wildcard
labs=(${LABS:-$(cd labs && ls -d [0-9][0-9]-*)})
[ ${#labs[@]} -gt 0 ] || die "no lab to package"
[ -d solutions ] || die "there is no solutions/ here (a student handout?): package from the full project"

# The tests of the labs, from their graders (built from the reference).
names=""
for lab in "${labs[@]}"; do
	[ -d "solutions/$lab" ] || die "no reference solution for $lab"
	make -s --no-print-directory -C "labs/$lab" LAB="$lab" IMPL=solutions BUILD="$build" \
		SANITIZE= grade-build >/dev/null 2>&1 || die "the grader of $lab does not build"
	case $build in /*) grader=$build ;; *) grader=$ROOT/$build ;; esac
	names="$names $("$grader/solutions/$lab/grader" --list | awk -F '\t' '$1 == "test" { print $2 }')"
done
hidden=""
for name in $(tr ',' ' ' <<<"${HIDDEN:-}"); do
	grep -qx -- "$name" <(tr ' ' '\n' <<<"$names") ||
		die "HIDDEN: $name is not a test of ${labs[*]} (make grade LAB=... lists them)"
	hidden=${hidden:+$hidden,}$name
done

stage=$out/autograder
rm -rf "$stage" "$out/autograder.zip" && mkdir -p "$stage/ipclab/labs" "$stage/ipclab/solutions" || exit 2
cp common/gradescope/setup.sh common/gradescope/run_autograder "$stage/" &&
	chmod 755 "$stage/setup.sh" "$stage/run_autograder" || exit 2
printf "LABS='%s'\nHIDDEN='%s'\n" "${labs[*]}" "$hidden" >"$stage/config.sh"
cp Makefile "$stage/ipclab/" && cp -r common "$stage/ipclab/" &&
	rm -rf "$stage/ipclab/common/gradescope" "$stage/ipclab/common/handout" || exit 2
for lab in "${labs[@]}"; do
	cp -r "labs/$lab" "$stage/ipclab/labs/" && cp -r "solutions/$lab" "$stage/ipclab/solutions/" || exit 2
done
(cd "$stage" && zip -q -r -X ../autograder.zip setup.sh run_autograder config.sh ipclab) || exit 2
echo "Gradescope autograder: $out/autograder.zip (labs: ${labs[*]}; hidden until the due date: ${hidden:-none})"
