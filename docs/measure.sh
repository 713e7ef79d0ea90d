#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The latency and throughput columns of docs/overview.md, measured on this
# machine (docs/measure.c says how):
#
#   docs/measure.sh [ROUND_TRIPS]      (default 20000)
#
# Lab 11 (make bench) measures the same mechanisms at every size from
# 64 B to 1 MiB; this is the small version the overview quotes.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case ${BUILD:-build} in
/*) out=$BUILD/measure ;;
*) out=$ROOT/${BUILD:-build}/measure ;;
esac
mkdir -p "$out"
"${CC:-cc}" -std=gnu11 -O2 -Wall -Wextra -o "$out/measure" \
	"$ROOT/docs/measure.c" -lrt -pthread
echo "$(date -u '+%Y-%m-%d %H:%M UTC'): docs/measure.sh${*:+ $*}"
exec "$out/measure" "$@"
