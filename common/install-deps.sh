#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what a make target needs on Debian/Ubuntu, if it is missing.
#   install-deps.sh grade   compiler tools and Check (make grade)
#   install-deps.sh docs    Doxygen and Graphviz (make docs)
#   install-deps.sh roster  what grade needs, and jq (make roster)
#   install-deps.sh gradescope  what grade needs, and zip (make gradescope)
#   install-deps.sh test    everything `make test` uses
set -eu

need=""
have_cmd() { command -v "$1" >/dev/null 2>&1; }
want() { need="$need $1"; }

case "${1:-grade}" in
grade|roster|gradescope|test|watch)
	have_cmd cc || want gcc
	have_cmd make || want make
	have_cmd pkg-config || want pkg-config
	pkg-config --exists check 2>/dev/null || want check
	;;
esac
case "${1:-grade}" in
docs|test)
	have_cmd doxygen || want doxygen
	have_cmd dot || want graphviz
	;;
esac
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
