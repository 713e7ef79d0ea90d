#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make docs: run Doxygen (docs/Doxyfile) and put the site in OUT_DIR/html.
#
#   common/docs.sh OUT_DIR
#
# Doxygen mishandles some paths: it cuts the links between Markdown pages
# at a blank or a non-ASCII letter, and hands dot paths with quotes it does
# not escape. So it always runs on a copy of its inputs in a fresh
# temporary directory with a plain name, removed afterwards; its messages
# name the files relative to the project, as if it had run here.
#
# The theme is doxygen-awesome-css, from Debian's package of that name
# (install-deps.sh docs installs it), or from DOXYGEN_AWESOME=dir (a
# checkout of github.com/jothepro/doxygen-awesome-css, on other systems).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: docs.sh OUT_DIR}
awesome=${DOXYGEN_AWESOME:-/usr/share/doxygen-awesome-css}
if [ ! -f "$awesome/doxygen-awesome.css" ]; then
	echo "make docs: the theme doxygen-awesome-css is not in $awesome:" \
	     "install it (apt-get install doxygen-awesome-css), or say where it is" \
	     "(DOXYGEN_AWESOME=dir)" >&2
	exit 2
fi

plain() { case $1 in *[!A-Za-z0-9/._+-]*) return 1 ;; esac; }
stage=""
for tmp in "${TMPDIR:-/tmp}" /tmp; do
	plain "$tmp" || continue
	stage=$(mktemp -d "$tmp/ipclab-docs.XXXXXX") && break
done
if [ -z "$stage" ] || ! plain "$stage"; then
	echo "make docs: need a temporary directory with a plain path (TMPDIR=${TMPDIR:-/tmp})" >&2
	[ -n "$stage" ] && rmdir "$stage"
	exit 2
fi
trap 'rm -rf "$stage"' EXIT
trap 'exit 130' INT TERM

# A student handout (make dist) has no solutions/, and a README of its own:
# its site is the students' part alone (index.md: @if contributors), without
# the pages that show the project README's sections or the engine's API.
if [ -d "$ROOT/solutions" ]; then
	sections=contributors exclude=""
else
	sections="" exclude="contributing.md teaching.md developing.md engine.md"
fi

mkdir -p "$stage/src" "$stage/out"
(cd "$ROOT" && cp -r README.md docs labs common "$stage/src/") || exit 2
mkdir -p "$stage/src/docs/awesome" && cp "$awesome"/doxygen-awesome*.css \
	"$awesome"/doxygen-awesome*.js "$stage/src/docs/awesome/" || exit 2
out_sed=$(printf '%s' "$out" | sed 's/[&|\\]/\\&/g')
(cd "$stage/src/docs" && IPCLAB_DOCS_SRC="$stage/src" IPCLAB_DOCS_OUT="$stage/out" \
	IPCLAB_DOCS_SECTIONS="$sections" IPCLAB_DOCS_EXCLUDE="$exclude" doxygen Doxyfile) 2>&1 |
	sed "s|$stage/src/docs/\.\./||g; s|$stage/src/||g; s|$stage/out/|$out_sed/|g"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || exit "$status"
mkdir -p "$out" && rm -rf "$out/html" && cp -r "$stage/out/html" "$out/"
