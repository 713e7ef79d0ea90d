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
"$driver" --keep="$root" --format=json "$BUILD/tests/engine" >"$out/engine.json" 2>&1
status=0
while IFS=$'\t' read -r name want; do
	case "$name" in '#'*|'') continue ;; esac
	got=$(jq -r --arg n "$name" '.tests[] | select(.name == $n) |
		if .status == "passed" then "PASS" else .output end' "$out/engine.json")
	if [ "$want" = PASS ]; then
		[ "$got" = PASS ] && continue
	elif [ "$got" != PASS ] && grep -qiF -- "$want" <<<"$got"; then
		continue
	fi
	echo "    $name: expected \"$want\", got: $(head -c 300 <<<"$got")"
	status=1
done <"$here/expect.tsv"
# The score must come from the verdicts, not from what the tests printed.
jq -e '.score == 2 and .max_score == 23' "$out/engine.json" >/dev/null ||
	{ echo "    the score is not 2/23"; status=1; }
exit $status
