#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make watch [LAB=NN] [STEP=N]: grade again each time a lab's file is saved.
#
#   common/watch.sh BUILD_DIR "LAB..." [STEP]
#
# Clears the screen, grades the labs (one step, or all), shows the first
# hint of the first failing test, then waits, with inotifywait, until a .c
# or .h file of those labs is written (editors that save by renaming
# included). Ctrl+C leaves.
set -u
build=$1 labs=$2 step=${3:-}
command -v inotifywait >/dev/null || {
	echo "make watch needs inotifywait (Debian: apt-get install inotify-tools)" >&2
	exit 2
}
dirs=()
for lab in $labs; do dirs+=("labs/$lab"); done
numbers=$(for lab in $labs; do printf '%s ' "${lab%%-*}"; done)
numbers=${numbers% }

watcher=""
leave() {
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null
	printf '\nmake watch: stopped\n'
	exit 0
}
trap leave INT TERM HUP

while :; do
	# Watch first, then grade: a save during grading is not missed.
	exec {events}< <(exec inotifywait -e close_write,moved_to,create \
		--include '\.[ch]$' "${dirs[@]}" 2>&1)
	watcher=$!
	until read -r -u "$events" line && [ "$line" = "Watches established." ]; do
		[ -n "$line" ] || { echo "make watch: inotifywait failed" >&2; exit 2; }
	done
	printf '\033[H\033[2J' # clear the screen
	printf 'make watch: LAB="%s"%s   (save a file to grade again, Ctrl+C to leave)\n\n' \
		"$numbers" "${step:+ STEP=$step}"
	make -s --no-print-directory grade LAB="$numbers" ${step:+STEP="$step"} 2>&1
	for lab in $labs; do # the first failing test's first hint
		if awk -F '\t' -v s="$step" '$4 != 1 && (s == "" || $2 == s) { found = 1 } END { exit !found }' \
			"$build/progress/$lab.tsv" 2>/dev/null; then
			echo
			common/hint.sh "$build" "$lab" --peek 2>/dev/null | head -n 12
			break
		fi
	done
	# Until a save: inotifywait reports it and ends, closing the pipe.
	cat <&"$events" >/dev/null
	exec {events}<&-
	wait "$watcher" 2>/dev/null
	watcher=""
done
