#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Screen the object built from a student's file before it is linked into the
# grader, and write the object the grader links instead.
#
#   common/screen.sh OBJ OUT API ENGINE SOURCE_NAME [PLAIN_OBJ]
#
# OBJ    the object compiled from the student's file
# OUT    the object to link: OBJ with every global symbol made local except
#        the lab's API (the functions its header declares)
# API    file with the API's names, one per line
# ENGINE file with the names defined by the grader's own code (the engine,
#        the lab's tests, Check), one per line: the student's file may not
#        refer to them
# SOURCE_NAME  the student's file name, for messages
# PLAIN_OBJ    the same file compiled without sanitizers (a SANITIZE=1
#        build adds constructors of its own): sections are checked on it
#
# Why: the student's code is linked into the grader, so anything it defines
# or runs before main() is inside the judge. Code that runs before main()
# (constructors, destructors, .init_array entries, IFUNC resolvers, its own
# program interpreter) is refused with a message. A global symbol outside
# the API (a helper that is not static, or a function named like one of
# Check's, the engine's or libc's) is made local: the student's own calls
# still reach it, nobody else's do. A reference to the engine's or Check's
# internals is refused.
set -u
obj=$1 out=$2 api=$3 engine=$4 name=$5 plain=${6:-$1}
problems=()

# Sections whose contents run (or choose what runs) before main().
while read -r section; do
	problems+=("it has a section $section, which runs code of yours before or after main() by itself (a constructor or destructor: __attribute__((constructor)), .init_array, ...); the grader calls your functions, nothing of yours may run by itself")
done < <(readelf -SW "$plain" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p' |
	grep -E '^\.(init_array|fini_array|preinit_array|ctors|dtors|init|fini|interp)(\..*)?$' | sort -u)

# IFUNC resolvers run while the program is being loaded.
while read -r symbol; do
	problems+=("$symbol is an IFUNC (its resolver runs before main()): define it as an ordinary function")
done < <(readelf -sW "$plain" | awk '$4 == "IFUNC" { print $8 }' | sort -u)

# References to the judge's own functions and data, and to the real
# functions behind its fault injection.
while read -r symbol; do
	problems+=("it refers to $symbol, which belongs to the grader, not to your code")
done < <(nm --undefined-only "$obj" | awk '{ print $NF }' |
	{ grep -Fx -f "$engine" || true; } | sort -u)
while read -r symbol; do
	problems+=("it refers to $symbol, which belongs to the grader, not to your code")
done < <(nm --undefined-only "$obj" | awk '{ print $NF }' |
	grep -E '^__(wrap|real)_' | sort -u)

if [ ${#problems[@]} -gt 0 ]; then
	for p in "${problems[@]}"; do
		echo "$name: $p" >&2
	done
	echo "$name: the grader does not link code like this (see docs/grading.md, \"What the grader defends\")" >&2
	exit 1
fi
objcopy --keep-global-symbols="$api" "$obj" "$out"
