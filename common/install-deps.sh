#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what a make target needs on Debian/Ubuntu, if it is missing.
#   install-deps.sh grade   compiler tools and Check (make grade)
#   install-deps.sh docs    Doxygen, Graphviz and the site's theme (make docs)
#   install-deps.sh browser what make docs needs, Chromium and python3
#                           (make docs-check)
#   install-deps.sh roster  what grade needs, and jq (make roster)
#   install-deps.sh gradescope  what grade needs, and zip (make gradescope)
#   install-deps.sh test    everything `make test` uses
#   install-deps.sh bench   what grade needs, and gnuplot (make bench)
set -eu

need=""
have_cmd() { command -v "$1" >/dev/null 2>&1; }
want() { need="$need $1"; }

case "${1:-grade}" in
grade|roster|gradescope|test|watch|bench)
	have_cmd cc || want gcc
	have_cmd make || want make
	have_cmd pkg-config || want pkg-config
	pkg-config --exists check 2>/dev/null || want check
	;;
esac
case "${1:-grade}" in
docs|browser|test)
	have_cmd doxygen || want doxygen
	have_cmd dot || want graphviz
	# the theme (common/docs.sh), unless DOXYGEN_AWESOME names a copy
	[ -f "${DOXYGEN_AWESOME:-/usr/share/doxygen-awesome-css}/doxygen-awesome.css" ] ||
		want doxygen-awesome-css
	;;
esac
# Chromium runs the site check (common/docs_check.py); make test runs it
# only where Chromium is installed already.
if [ "${1:-grade}" = browser ]; then
	have_cmd chromium || have_cmd chromium-browser || want chromium
	have_cmd python3 || want python3
fi
case "${1:-grade}" in
roster|test)
	have_cmd jq || want jq
	;;
esac
case "${1:-grade}" in
watch|test)
	have_cmd inotifywait || want inotify-tools
	;;
esac
case "${1:-grade}" in
gradescope|test)
	have_cmd zip || want zip
	have_cmd unzip || want unzip
	;;
esac
[ "${1:-grade}" = bench ] && { have_cmd gnuplot || want gnuplot-nox; }
if [ "${1:-grade}" = test ]; then
	have_cmd patch || want patch
	have_cmd xmllint || want libxml2-utils
	have_cmd clang-format || want clang-format
	have_cmd python3 || want python3
	have_cmd tmux || want tmux
fi

[ -z "$need" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif have_cmd sudo && sudo -n true 2>/dev/null; then
	sudo="sudo"
else
	echo "missing packages:$need" >&2
	echo "install them with:  sudo apt-get install -y$need" >&2
	exit 1
fi
if ! have_cmd apt-get; then
	echo "missing packages:$need (this is not a Debian/Ubuntu system:" \
	     "install them with your package manager)" >&2
	exit 1
fi
echo "installing:$need"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$sudo apt-get install -y -qq $need >/dev/null
