# SPDX-License-Identifier: MIT
# Lab 11: the plots of `make bench`, from the data files bench-table writes.
#   gnuplot -e "dir='build/bench'" labs/11-bench/bench/plots.gp
# latency.png: round-trip p50 against message size; throughput.png: a
# one-way stream's MB/s against message size, memcpy() for scale.
if (!exists("dir")) dir = "build/bench"
set datafile missing "NaN"
set key outside right top
set logscale xy
set grid
set xlabel "message size (bytes)"
set xtics ("64 B" 64, "512 B" 512, "4 KiB" 4096, "32 KiB" 32768, \
	   "256 KiB" 262144, "1 MiB" 1048576)
set terminal pngcairo size 1100,650 noenhanced
set output dir."/latency.png"
set title "Round trip, median (p50)"
set ylabel "microseconds"
plot for [col=2:*] dir."/latency.dat" using 1:col with linespoints \
	title columnheader(col)
set output dir."/throughput.png"
set title "One-way stream"
set ylabel "MB/s"
plot for [col=2:*] dir."/throughput.dat" using 1:col with linespoints \
	title columnheader(col)
