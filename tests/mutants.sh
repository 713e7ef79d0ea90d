#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Mutation testing of a lab's grader: how many small bugs planted in the
# reference solution does it catch? Usage:
#   tests/mutants.sh NN [options]       (or: make mutants LAB=NN)
#     --limit N     grade only N mutants, spread evenly over the list
#     --only ID,..  grade only these mutants (IDs as printed)
#     --jobs N      mutants graded at once (default: the number of CPUs)
#     --min PCT     exit 1 when fewer than PCT% of the mutants are killed
#     --keep        keep each mutant's source, build and report
#     --list        print the mutants and stop
#
# The mutants of solutions/NN-topic/*.c (tests/mutants.awk): (a) one line
# deleted, for each line with a statement; (b) one comparison flipped
# (== and !=, < and >=, > and <=). Each is built like a buggy variant of
# tests/run.sh (only the mutated file is compiled, warnings are errors: a
# mutant that does not compile is not counted, nor one whose machine code
# is the reference's), then graded by the driver with --fail-fast. A
# mutant is killed when a test fails. Survivors are printed with the kill
# rate; those listed in tests/mutants/NN-topic.equivalent (behaviour truly
# unchanged, one line each: ID and the reason) are not counted.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# BUILD relative to the project (as tests/run.sh has it), or absolute.
export BUILD="${MUTANTS_BUILD:-build/mutants}" WERROR=1
case $BUILD in /*) ABS_BUILD=$BUILD ;; *) ABS_BUILD=$ROOT/$BUILD ;; esac
# Paths given to a lab's make are seen from the lab's directory.
in_lab() { case $1 in /*) echo "$1" ;; *) echo "../../$1" ;; esac; }
MAKE="make -s --no-print-directory"
DRIVER="$BUILD/common/ipcgrade"

usage() {
	sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# ---------------------------------------------------------- one mutant

# The mutated copy of line $line of a file: stdin to stdout.
mutate() { # kind line col from to
	if [ "$1" = delete ]; then
		sed "${2}d"
	else
		awk -v L="$2" -v C="$3" -v F="$4" -v T="$5" \
			'NR == L { $0 = substr($0, 1, C - 1) T substr($0, C + length(F)) } 1'
	fi
}

# Are two objects the same machine code (debug information aside)?
same_code() { # a.o b.o
	local a b
	a=$(mktemp) b=$(mktemp)
	objcopy --strip-debug "$1" "$a" 2>/dev/null &&
		objcopy --strip-debug "$2" "$b" 2>/dev/null && cmp -s "$a" "$b"
	local rc=$?
	rm -f "$a" "$b"
	return $rc
}

# Build and grade mutant number $3; print "ID<tab>verdict<tab>seconds<tab>detail".
one_mutant() { # lab work n
	local lab=$1 work=$2 n=$3 id line kind col from to text file
	local dir="$work/m$n" start=$SECONDS verdict detail
	IFS=$'\t' read -r id line kind col from to text < <(sed -n "${n}p" "$work/mutants.tsv")
	file=${id%%:*}
	rm -rf "$dir" && mkdir -p "$dir/src"
	cp -r "solutions/$lab/." "$dir/src/"
	mutate "$kind" "$line" "$col" "$from" "$to" <"solutions/$lab/$file" >"$dir/src/$file"
	if ! $MAKE -C "labs/$lab" LAB="$lab" IMPL_DIR="$(in_lab "$dir/src")" \
		B="$(in_lab "$dir/build")" GRADE_B="$(in_lab "$BUILD/solutions/$lab")" \
		all >"$dir/build.log" 2>&1; then
		verdict=no-compile detail=$(grep -m1 -E 'error' "$dir/build.log" | sed 's/.*error: //')
	elif same_code "$dir/build/impl/${file%.c}.o" "$BUILD/solutions/$lab/impl/${file%.c}.o"; then
		verdict=same-code detail="the compiler made the reference's machine code"
	else
		ln -sfn "$ABS_BUILD/solutions/$lab/demo" "$dir/build/reference-demo"
		"$DRIVER" --keep="$ROOT" --fail-fast --format=json "$dir/build" \
			>"$dir/result.json" 2>"$dir/driver.err"
		detail=$(jq -r '[.tests[] | select(.status == "failed")][0] |
			if . == null then "" else .name + ": " + (.output | split("\n")[0]) end' \
			"$dir/result.json" 2>/dev/null)
		if ! jq -e '.tests | length > 0' "$dir/result.json" >/dev/null 2>&1; then
			verdict=error detail=$(head -c 200 "$dir/driver.err")
		elif [ -n "$detail" ]; then
			verdict=killed
		else
			verdict=survived
		fi
	fi
	[ "$KEEP" = 1 ] || rm -rf "$dir"
	printf '%s\t%s\t%s\t%s\n' "$id" "$verdict" "$((SECONDS - start))" "${detail:0:160}"
}

if [ "${1:-}" = --one ]; then # a worker, started by xargs below
	KEEP=$5
	one_mutant "$2" "$3" "$4"
	exit 0
fi

# ---------------------------------------------------------------- main

nn= limit=0 only= jobs=$(nproc) min= KEEP=0 list=0
while [ $# -gt 0 ]; do
	case "$1" in
	--limit) limit=$2; shift ;;
	--only) only=$2; shift ;;
	--jobs) jobs=$2; shift ;;
	--min) min=$2; shift ;;
	--keep) KEEP=1 ;;
	--list) list=1 ;;
	-h|--help) usage ;;
	-*) echo "mutants.sh: unknown option $1" >&2; usage ;;
	*) nn=$1 ;;
	esac
	shift
done
[ -n "$nn" ] || usage
lab=$(cd solutions && ls -d "$nn"* 2>/dev/null)
if [ -z "$lab" ] || [ "$(wc -w <<<"$lab")" -ne 1 ]; then
	echo "mutants.sh: no single lab matches $nn" >&2
	exit 2
fi
work="$BUILD/work/$lab"
rm -rf "$work" && mkdir -p "$work"

for src in solutions/"$lab"/*.c; do
	awk -v file="$(basename "$src")" -f tests/mutants.awk "$src"
done >"$work/all.tsv"
if [ -n "$only" ]; then
	awk -F'\t' -v only=",$only," 'index(only, "," $1 ",")' "$work/all.tsv"
elif [ "$limit" -gt 0 ]; then # N spread evenly over the list
	awk -v n="$limit" -v total="$(wc -l <"$work/all.tsv")" \
		'NR == 1 { step = total / n; next_pick = 1 }
		 NR >= next_pick && picked < n { print; picked++; next_pick += step }' \
		"$work/all.tsv"
else
	cat "$work/all.tsv"
fi >"$work/mutants.tsv"
count=$(wc -l <"$work/mutants.tsv")
if [ "$list" = 1 ]; then
	cut -f1,7 "$work/mutants.tsv"
	exit 0
fi

echo "$lab: $count mutants of solutions/$lab ($(wc -l <"$work/all.tsv") in all), $jobs at a time"
$MAKE common >/dev/null || { echo "mutants.sh: the engine does not build" >&2; exit 1; }
$MAKE -C "labs/$lab" LAB="$lab" IMPL=solutions grade-build >"$work/reference.log" 2>&1 ||
	{ echo "mutants.sh: the reference does not build" >&2; cat "$work/reference.log" >&2; exit 1; }

start=$SECONDS
seq 1 "$count" | xargs -r -P "$jobs" -I{} "$0" --one "$lab" "$work" {} "$KEEP" >"$work/results.tsv"
elapsed=$((SECONDS - start))

# Equivalent mutants: "ID reason" per line.
equivalent="tests/mutants/$lab.equivalent"
declare -A why_equivalent=()
if [ -f "$equivalent" ]; then
	while read -r id reason; do
		case "$id" in '#'*|'') continue ;; esac
		why_equivalent[$id]=$reason
		grep -q "^$id	" "$work/all.tsv" ||
			echo "warning: $equivalent names $id, which is no mutant (stale line number?)" >&2
	done <"$equivalent"
fi

killed=0 survived=0 no_compile=0 same=0 equiv=0 errors=0 timeouts=0
while IFS=$'\t' read -r id verdict secs detail; do
	case "$verdict" in
	killed) killed=$((killed + 1))
		[ -z "${why_equivalent[$id]+x}" ] ||
			echo "warning: $equivalent lists $id as equivalent, but a test kills it" >&2
		case "$detail" in *"timed out"*|*"time limit"*) timeouts=$((timeouts + 1)) ;; esac ;;
	survived)
		if [ -n "${why_equivalent[$id]+x}" ]; then
			equiv=$((equiv + 1))
		else
			survived=$((survived + 1))
			text=$(grep -m1 "^$id	" "$work/mutants.tsv" | cut -f7)
			printf 'SURVIVED  %-28s %s\n' "$id" "$text"
		fi ;;
	no-compile) no_compile=$((no_compile + 1)) ;;
	same-code) same=$((same + 1)) ;;
	*) errors=$((errors + 1)); printf 'ERROR     %-28s %s\n' "$id" "$detail" ;;
	esac
done < <(sort -t: -k2,2n "$work/results.tsv")

graded=$((killed + survived))
pct=$(awk -v k="$killed" -v g="$graded" 'BEGIN { printf "%.1f", g ? 100 * k / g : 0 }')
echo "$lab: $killed killed, $survived survived ($pct% killed of $graded);" \
	"not counted: $equiv equivalent, $same same machine code, $no_compile not compiling;" \
	"$timeouts killed by a time limit; $errors errors; ${elapsed}s"
echo "details: $work/results.tsv"
[ "$errors" -eq 0 ] || exit 1
if [ -n "$min" ] && awk -v p="$pct" -v m="$min" 'BEGIN { exit !(p < m) }'; then
	echo "$lab: below the $min% asked" >&2
	exit 1
fi
exit 0
