#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make dist: the student handout, as OUT_DIR/ipclab.tar.gz (and unpacked in
# OUT_DIR/ipclab).
#
#   common/dist.sh OUT_DIR
#
# In it: the project's files (those git tracks, in a git checkout; every
# file but build/ otherwise, which this script says loudly), but not the
# reference sources (solutions/), the suite's own tests (tests/, .ci/), the
# Gradescope packaging (common/gradescope/) or the project's README.md.
# Instead: a README.md written for students (common/handout/README.md.in,
# with the table of labs filled in), the GitHub Classroom workflow
# (.github/workflows/classroom.yml), and each lab's reference demo, built
# here, stripped (no symbols, no debug information naming the reference
# source), as labs/NN-topic/grade/reference-demo, where the grader finds it.
# Environment: BUILD, as make has it (default build).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
out=${1:?usage: dist.sh OUT_DIR}
build=${BUILD:-build}
die() { echo "make dist: $*" >&2; exit 2; }

[ -d solutions ] || die "there is no solutions/ here: this is a student handout already (make dist runs in the full project)"
labs=$(cd labs && ls -d [0-9][0-9]-*) || die "no lab in labs/"
dist=$out/ipclab
rm -rf "$dist" "$out/ipclab.tar.gz" && mkdir -p "$dist" || exit 2

# What goes in: one path per line (no file of the project has a newline).
skip='^(solutions|tests|\.ci|build|common/gradescope|common/handout)(/|$)|^README\.md$'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
	[ -z "$(git rev-parse --show-prefix 2>/dev/null)" ]; then
	files=$(git ls-files | grep -Ev "$skip")
else
	echo "make dist: WARNING: $ROOT is not a git checkout: packing every" \
		"file in it but build/, solutions/, tests/ and .ci/; check the list" \
		"below for files students should not get" >&2
	files=$(find . -path ./build -prune -o -path ./.git -prune -o \
		\( -type f -o -type l \) -print | sed 's|^\./||' | LC_ALL=C sort | grep -Ev "$skip")
	sed 's/^/  /' <<<"$files" >&2
fi
[ -n "$files" ] || die "no file to pack"
while IFS= read -r f; do
	cp -P --parents -- "$f" "$dist/" || die "cannot copy $f"
done <<<"$files"

# The README for students: the table of labs from each handout's title.
table=$(for lab in $labs; do
	title=$(sed -n '1s/^# *//p' "labs/$lab/README.md")
	printf '| [%s](labs/%s/README.md) | %s |\n' "$lab" "$lab" "${title:-$lab}"
done)
awk -v table="$table" '$0 == "@LABS@" { print table; next } { print }' \
	common/handout/README.md.in >"$dist/README.md" || exit 2
mkdir -p "$dist/.github/workflows" &&
	cp common/handout/classroom.yml "$dist/.github/workflows/classroom.yml" || exit 2

# Each lab's reference demo, stripped: no symbol table, no debug sections.
for lab in $labs; do
	make -s --no-print-directory -C "labs/$lab" LAB="$lab" IMPL=solutions \
		BUILD="$build" SANITIZE= demo >/dev/null || die "the reference demo of $lab does not build"
	case $build in /*) demo=$build ;; *) demo=$ROOT/$build ;; esac
	demo=$demo/solutions/$lab/demo
	mkdir -p "$dist/labs/$lab/grade" &&
		strip --strip-all -o "$dist/labs/$lab/grade/reference-demo" "$demo" &&
		chmod 755 "$dist/labs/$lab/grade/reference-demo" || die "cannot strip $demo"
done

tar -C "$out" --owner=0 --group=0 --numeric-owner -czf "$out/ipclab.tar.gz" ipclab || exit 2
echo "student handout: $out/ipclab.tar.gz"
