#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make progress: which steps of which labs pass, from the results `make
# grade` kept (BUILD/progress/LAB.tsv), and what to do next.
#
#   common/progress.sh BUILD_DIR
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
cd "$ROOT" || exit 2

# step_anchor HANDOUT N: the link to "## Step N..." of a handout, the way
# GitHub and the docs site make heading anchors.
step_anchor() {
	local heading
	heading=$(grep -m1 -E "^## Step $2([^0-9]|$)" "$1" | sed 's/^## //')
	[ -n "$heading" ] || { echo "$1"; return; }
	printf '%s#%s\n' "$1" "$(printf '%s' "$heading" | tr '[:upper:]' '[:lower:]' |
		sed -e 's/[^a-z0-9 _-]//g' -e 's/ /-/g')"
}

next=""
echo "Your progress (kept from your last runs of make grade):"
echo
for dir in labs/[0-9][0-9]-*/; do
	lab=$(basename "$dir")
	file=$build/progress/$lab.tsv
	if [ ! -s "$file" ]; then
		printf '  %-16s not graded yet\n' "$lab"
		[ -n "$next" ] || next="$lab 1 -"
		continue
	fi
	# Per step: passed/total; the row; the first step not done.
	read -r row first_open first_test < <(awk -F '\t' '
		{ total[$2]++; if ($4 == 1) { passed[$2]++; points += $3 } all += $3
		  if ($4 != 1 && !($2 in failing)) failing[$2] = $1
		  if ($2 > max) max = $2 }
		END {
			open = 0
			for (s = 1; s <= max; s++) {
				if (!(s in total)) continue
				if (passed[s] == total[s]) cell = "done"
				else { cell = (passed[s] + 0) "/" total[s]; if (!open) { open = s; test = failing[s] } }
				row = row sprintf("step %d %-5s ", s, cell)
			}
			row = row sprintf(" %d/%d points", points, all)
			gsub(/ /, "\x1f", row)
			print row, open, (open ? test : "-")
		}' "$file")
	printf '  %-16s %s\n' "$lab" "${row//$'\x1f'/ }"
	if [ -z "$next" ] && [ "$first_open" != 0 ]; then
		next="$lab $first_open $first_test"
	fi
done
echo
if [ -z "$next" ]; then
	echo "Every lab passes: well done. The docs (make docs) compare the mechanisms."
	exit 0
fi
read -r lab step test <<<"$next"
number=${lab%%-*}
printf 'Next: %s, step %s' "$lab" "$step"
[ "$test" != - ] && printf ' (%s fails)' "$test"
printf '\n  read:  %s\n' "$(step_anchor "labs/$lab/README.md" "$step")"
printf '  then:  make grade LAB=%s STEP=%s     (or make watch LAB=%s)\n' "$number" "$step" "$number"
[ "$test" != - ] && printf '  stuck: make hint LAB=%s\n' "$number"
exit 0
