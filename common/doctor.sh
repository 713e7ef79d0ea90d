#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make doctor: the limits of this machine that a student may hit in the labs.
# One line per limit; a line starting with "!!" is something to fix or know.

show() { # label file [hint]
	if [ -r "$2" ]; then
		printf '   %-34s %s\n' "$1" "$(tr '\t' ' ' <"$2")"
	else
		printf '!! %-34s missing (%s)%s\n' "$1" "$2" "${3:+: $3}"
	fi
}

echo "IPC Lab doctor: $(uname -sr), user $(id -un)"
echo
echo "Pipes and FIFOs (labs 01, 02)"
show "pipe-max-size (bytes)" /proc/sys/fs/pipe-max-size
show "pipe-user-pages-soft" /proc/sys/fs/pipe-user-pages-soft
echo
echo "System V message queues (lab 03)"
show "msgmax (bytes per message)" /proc/sys/kernel/msgmax
show "msgmnb (bytes per queue)" /proc/sys/kernel/msgmnb
show "msgmni (queues)" /proc/sys/kernel/msgmni
echo
echo "POSIX message queues (lab 03)"
show "msg_max (messages per queue)" /proc/sys/fs/mqueue/msg_max
show "msgsize_max (bytes)" /proc/sys/fs/mqueue/msgsize_max
show "queues_max" /proc/sys/fs/mqueue/queues_max
if grep -q ' /dev/mqueue ' /proc/mounts; then
	echo "   /dev/mqueue                        mounted"
else
	echo "!! /dev/mqueue                        not mounted: mq_open works anyway;" \
	     "to list queues: mkdir -p /dev/mqueue && mount -t mqueue none /dev/mqueue"
fi
echo
echo "Semaphores (lab 04)"
if [ -r /proc/sys/kernel/sem ]; then
	set -- $(cat /proc/sys/kernel/sem)
	echo "   SEMMSL (semaphores per set)        $1"
	echo "   SEMMNS (semaphores in all)         $2"
	echo "   SEMOPM (operations per semop)      $3"
	echo "   SEMMNI (sets)                      $4"
else
	echo "!! /proc/sys/kernel/sem               missing: no System V semaphores?"
fi
echo
echo "Shared memory (lab 05)"
show "shmmax (bytes per segment)" /proc/sys/kernel/shmmax
show "shmall (pages in all)" /proc/sys/kernel/shmall
show "shmmni (segments)" /proc/sys/kernel/shmmni
if df -h /dev/shm >/dev/null 2>&1; then
	echo "   /dev/shm                           $(df -h /dev/shm | awk 'NR==2 {print $2 " tmpfs, " $4 " free"}')"
else
	echo "!! /dev/shm                           missing: POSIX shm_open and sem_open will fail"
fi
echo
echo "Processes and the grader's sandbox"
echo "   max user processes (ulimit -u)     $(ulimit -u)"
echo "   open files (ulimit -n)             $(ulimit -n)"
if unshare --ipc --mount --pid --fork true 2>/dev/null ||
   unshare --user --map-root-user --ipc --mount --pid --fork true 2>/dev/null; then
	echo "   namespaces                         available: each test runs in a private sandbox"
else
	echo "!! namespaces                         not available: the grader falls back to" \
	     "snapshot mode (run one grader at a time)"
fi
if [ "$(cat /sys/kernel/security/lsm 2>/dev/null)" != "" ] &&
   ! grep -qw landlock /sys/kernel/security/lsm; then
	echo "!! Landlock                           not enabled: in snapshot mode the" \
	     "code under test can write to the project and read solutions/"
elif [ "$(stat -f -c %T /dev/mqueue 2>/dev/null)" != mqueue ]; then
	echo "!! Landlock                           needs /dev/mqueue mounted to confine" \
	     "tests in snapshot mode (mount -t mqueue none /dev/mqueue)"
else
	echo "   Landlock                           tests see the project read-only, solutions/ hidden"
fi
nproc_now=$(ps -u "$(id -u)" --no-headers 2>/dev/null | wc -l)
if [ "$(id -u)" != 0 ] && [ "$nproc_now" -gt $(( $(ulimit -u 2>/dev/null | sed 's/unlimited/1000000/') - 300 )) ]; then
	echo "!! processes                          you run $nproc_now of your $(ulimit -u) allowed:" \
	     "tests that fork may fail (the grader allows 256 more per test)"
else
	echo "   processes                          you run $nproc_now (a test may start 256 more)"
fi
