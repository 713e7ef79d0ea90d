#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Gradescope runs this once, as root, on its Ubuntu base image, to build the
# autograder (make gradescope packs it): install what grading needs (a C
# compiler, make, pkg-config, Check), build the grading engine and each
# lab's reference demo, then delete the reference sources, and build the
# grader's own objects, so that a submission only compiles its own file.
# IPCLAB_AUTOGRADER: a root other than /autograder (the suite's tests).
set -eu
ag=${IPCLAB_AUTOGRADER:-/autograder}
src=$ag/source
# The autograder's builds are its own: nothing from a caller's make.
unset BUILD WERROR SANITIZE MAKEFLAGS MFLAGS MAKELEVEL
# shellcheck source=/dev/null
. "$src/config.sh"
cd "$src/ipclab"
# Zip keeps times to 2 s, so a file may seem to come from the future (and
# make would warn of clock skew): all of them are a minute old.
find . -exec touch -h -d '1 minute ago' {} +
common/install-deps.sh grade
make -s --no-print-directory common
for lab in $LABS; do
	make -s --no-print-directory -C "labs/$lab" LAB="$lab" IMPL=solutions demo >/dev/null
	strip --strip-all -o "labs/$lab/grade/reference-demo" "build/solutions/$lab/demo"
done
rm -rf solutions build/solutions
for lab in $LABS; do # the skeleton: builds what every submission shares
	make -s --no-print-directory -C "labs/$lab" LAB="$lab" grade-build >/dev/null
done
chmod -R a+rX "$src"
echo "ipclab autograder ready for: $LABS"
