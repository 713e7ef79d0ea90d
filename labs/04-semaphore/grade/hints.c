/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 04's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: a System V set, P, V and a timed P */
	{ "test_create_private_sets_values",
	  "How many semaphores does your set have, and which value does each "
	  "start with, the last one included?",
	  "The set has nsems + 1 semaphores: the caller's, then the ready "
	  "gate. The creator sets the caller's to value and the gate to 0, "
	  "then opens the gate with a semop of +1 without SEM_UNDO, so it "
	  "stays open after the creator exits.",
	  "`semid = semget(key, nsems + 1, IPC_CREAT | IPC_EXCL | 0600);` "
	  "`semctl(semid, 0, SETALL, arg)` with arg.array = nsems values and "
	  "a 0; then `struct sembuf gate = { nsems, +1, 0 }; semop(semid, "
	  "&gate, 1);`." },
	{ "test_create_existing_keeps_values",
	  "The set exists and someone holds its lock (value 0). Does your "
	  "sema_create() set the values again?",
	  "Only the process whose semget(IPC_CREAT | IPC_EXCL) succeeded may "
	  "initialise. Every other one gets EEXIST, opens the set without "
	  "IPC_CREAT, passes the open gate and returns the same id, changing "
	  "no value.",
	  "`if (errno != EEXIST) return -1; semid = semget(key, nsems + 1, "
	  "0600);` then pass the gate; no SETVAL or SETALL on this path." },
	{ "test_create_waits_for_gate",
	  "The set exists, but its creator has not opened the gate yet. What "
	  "does your sema_create() do meanwhile, and for how long?",
	  "One semtimedop of two operations on the gate, -1 then +1, blocks "
	  "while the gate is 0 and, once it is 1, leaves it at 1: atomic, all "
	  "or nothing. When timeout_ms runs out it fails with EAGAIN and has "
	  "changed nothing.",
	  "`struct sembuf pass[2] = { { nsems, -1, 0 }, { nsems, +1, 0 } };` "
	  "`semtimedop(semid, pass, 2, &t)` with `t = { ms / 1000, (ms % "
	  "1000) * 1000000L }` (retry EINTR with the time left)." },
	{ "test_create_rejects_bad_arguments",
	  "What does your function do with 0 semaphores, or with a value of "
	  "40000?",
	  "A set needs at least one semaphore for the caller, and a semaphore "
	  "holds 0 to 32767 (SEMVMX). Refuse both before semget(), or a "
	  "half-made set stays behind.",
	  "First thing in sema_create(): `if (nsems < 1 || value < 0 || value "
	  "> 32767) { errno = EINVAL; return -1; }`." },
	{ "test_remove_deletes_set",
	  "Which semctl() command removes a set? What does a second removal "
	  "return?",
	  "IPC_RMID removes the set at once and wakes its waiters with EIDRM. "
	  "A set already gone fails with EINVAL: return semctl's -1 and "
	  "errno.",
	  "In sema_remove(): `return semctl(semid, 0, IPC_RMID);` (and "
	  "sema_value(): `return semctl(semid, num, GETVAL);`)." },
	{ "test_p_v_change_value",
	  "Which sign has sem_op in your P, and in your V? Which semaphore of "
	  "the set do they touch?",
	  "P subtracts 1 (sem_op = -1, waiting while the value is 0), V adds "
	  "1; sem_num picks the semaphore in the set. sema_value() is GETVAL "
	  "on that same number.",
	  "P: `struct sembuf op = { (unsigned short)num, -1, SEM_UNDO }; "
	  "semop(semid, &op, 1);`. V: the same with +1." },
	{ "test_p_timed_gives_up_with_eagain",
	  "On a semaphore of 0, does your timed P wait for the 50 ms, or fail "
	  "at once?",
	  "semtimedop waits at most its relative timeout, then fails with "
	  "EAGAIN having changed nothing. IPC_NOWAIT gives EAGAIN too, but at "
	  "once: the test checks that about 50 ms went by.",
	  "`struct timespec t = { ms / 1000, (ms % 1000) * 1000000L }; "
	  "semtimedop(semid, &op, 1, &t);` with `op = { num, -1, SEM_UNDO }`, "
	  "no IPC_NOWAIT." },
	{ "test_p_timed_takes_free_unit",
	  "With a unit free, does your timed P take it and return 0?",
	  "semtimedop on a semaphore of 1 completes at once, like semop: the "
	  "value goes to 0 and the call returns 0.",
	  "`if (semtimedop(semid, &op, 1, &t) == 0) return 0;` with `op = { "
	  "num, -1, SEM_UNDO }`." },
	{ "test_p_timed_wakes_on_v",
	  "Another process does a V while your timed P waits. Does your P "
	  "notice?",
	  "A process blocked in semtimedop wakes as soon as the value is "
	  "positive, and takes the unit: no polling or sleeping needed. Tries "
	  "with IPC_NOWAIT and sleeps in between may miss it.",
	  "One blocking `semtimedop(semid, &op, 1, &t)` with the whole "
	  "timeout (3 s here); loop only on EINTR." },
	{ "test_p_undo_on_exit",
	  "A process takes the unit with sema_p() and exits without V. Who "
	  "gives the unit back?",
	  "With SEM_UNDO the kernel keeps an adjustment for the process (+1 "
	  "for a P) and applies it when the process exits, however it exits: "
	  "the unit comes back. Without it the value stays 0 for ever.",
	  "In sema_p() and sema_p_timed(): `struct sembuf op = { (unsigned "
	  "short)num, -1, SEM_UNDO };`." },
	{ "test_v_undo_balances_p",
	  "A process does your P then your V and exits. Why would the value "
	  "end at 2 instead of 1?",
	  "SEM_UNDO on P adds +1 to the process's adjustment; only a V with "
	  "SEM_UNDO takes it back (-1). With SEM_UNDO on P alone, the kernel "
	  "adds at exit a unit nobody took.",
	  "In sema_v(): `struct sembuf op = { (unsigned short)num, +1, "
	  "SEM_UNDO };`." },
	{ "test_p_v_retry_eintr",
	  "Here every other semop() fails with EINTR. What do your P, V and "
	  "timed P do then?",
	  "A signal interrupts semop and semtimedop with EINTR, having done "
	  "nothing, and they are never restarted, even with SA_RESTART. Try "
	  "again; a timed P tries again with the time left until a deadline "
	  "fixed once.",
	  "`while (semop(semid, &op, 1) == -1) if (errno != EINTR) return "
	  "-1;`. Timed: deadline from `clock_gettime(CLOCK_MONOTONIC, &now)`, "
	  "a fresh timespec of what is left before each semtimedop()." },
	{ "test_p_timed_rejects_negative_timeout",
	  "What does your sema_p_timed() do with a timeout of -1 ms?",
	  "timeout_ms is how long to wait at most: -1 is not \"for ever\", "
	  "that is sema_p(). Refuse it with EINVAL before any semop, so the "
	  "unit stays where it is (the value stays 1 here).",
	  "First thing in sema_p_timed(): `if (timeout_ms < 0) { errno = "
	  "EINVAL; return -1; }`." },
	{ "test_p_timed_gives_up_in_time",
	  "With 999 ms, how long does your timed P really wait? Print the "
	  "timespecs you build.",
	  "999 ms is 0 s and 999000000 ns. A deadline of now + 999 ms has "
	  "tv_nsec past 10^9 unless you carry into tv_sec; a timespec like "
	  "that is invalid (semtimedop() fails with EINVAL) and the time left "
	  "computed from it goes wrong. tv_nsec stays within 0 to 999999999.",
	  "`t.tv_sec += ms / 1000; t.tv_nsec += (ms % 1000) * 1000000L; if "
	  "(t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; "
	  "}`; and for semtimedop(): `{ left / 1000, (left % 1000) * 1000000L "
	  "}`." },
	{ "test_create_cleans_up_when_calls_fail",
	  "semget(), calloc(), semctl() and semop() each fail in turn while "
	  "you create a set. Once semget() has made it, who removes it?",
	  "The set your semget(IPC_CREAT | IPC_EXCL) made is yours. If its "
	  "initialisation fails (the values array, SETALL, the gate's semop), "
	  "a half-made set with a closed gate stays in the kernel and others "
	  "wait at it. Remove it, then return -1 with the failed call's errno, "
	  "saved across semctl(IPC_RMID).",
	  "`if (initialise(semid, nsems, value) == -1) { saved = errno; "
	  "semctl(semid, 0, IPC_RMID); errno = saved; return -1; }`, where "
	  "initialise() frees its array and returns -1 at its first failure." },
	{ "test_create_frees_its_buffer",
	  "SETALL needs an array of nsems + 1 values. When is yours freed?",
	  "semctl(SETALL) copies the values into the kernel: the array is of "
	  "no use right after. The test creates 10 sets of up to 8000 "
	  "semaphores and compares the heap: 16 KB lost per set shows. Free it "
	  "after SETALL, whether SETALL worked or not.",
	  "`values = calloc(nsems + 1, sizeof(*values));` fill it, then `rc = "
	  "semctl(semid, 0, SETALL, arg); free(values); if (rc == -1) return "
	  "-1;`" },
	{ "test_demo_timed_matches_reference",
	  "Does `build/labs/04-semaphore/demo timed 20` print the same as the "
	  "reference demo?",
	  "The demo makes a set of value 0, tries a timed P (EAGAIN), does a "
	  "V, prints the value, then a timed P that succeeds: sema_create, "
	  "sema_p_timed, sema_v and sema_value in turn.",
	  "`make demo LAB=04 IMPL=solutions`, then compare `demo timed 20` "
	  "from build/labs/04-semaphore/ and build/solutions/04-semaphore/ "
	  "line by line." },

	/* Step 2: mutual exclusion across processes */
	{ "test_run_workers_mutual_exclusion",
	  "In each worker's round, where are the P and the V: around "
	  "critical(), or elsewhere?",
	  "Inside critical() the grader checks that it is alone and that the "
	  "value is 0 (the lock is taken). Each worker is a forked child: P "
	  "before the call, V after it, on semaphore num of semid.",
	  "Child i: `for (r = 0; r < rounds; r++) { sema_p(semid, num); rc = "
	  "critical(arg, i, r); sema_v(semid, num); if (rc != 0) _exit(1); } "
	  "_exit(0);`" },
	{ "test_run_workers_counter_exact",
	  "Does every increment happen between P and V, and does the parent "
	  "wait for every worker before returning?",
	  "A read-then-write increment loses updates unless the lock is held "
	  "around it. And the parent reaps each worker with waitpid() before "
	  "it returns: the grader looks for children still running or "
	  "unreaped.",
	  "Parent: fork all, keeping `pids[i]`; then `waitpid(pids[i], "
	  "&status, 0)` for each (retry EINTR), counting `WIFEXITED(status) "
	  "&& WEXITSTATUS(status) == 0`." },
	{ "test_run_workers_counts_failures",
	  "Worker 1's critical() fails in round 2. Does it give the lock "
	  "back, and is it counted?",
	  "A non-zero critical() ends the worker after that round: V first, "
	  "or the others wait for ever, then _exit(1). The parent counts only "
	  "workers that exited with status 0.",
	  "`rc = critical(arg, i, round); sema_v(semid, num); if (rc != 0) "
	  "_exit(1);`" },
	{ "test_run_workers_rejects_bad_arguments",
	  "What does your sema_run_workers() do with 0 workers, -1 rounds, or "
	  "no critical function?",
	  "None of them can run: 0 workers would return 0 as if all were done, "
	  "and a NULL critical() crashes every worker. sema.h asks for -1 with "
	  "EINVAL, before anything is allocated or forked.",
	  "First thing: `if (nworkers < 1 || rounds < 0 || critical == NULL) { "
	  "errno = EINVAL; return -1; }`." },
	{ "test_run_workers_stops_when_fork_fails",
	  "The second fork() fails with EAGAIN, then the first waitpid() with "
	  "EINTR. What becomes of the worker already running?",
	  "Stop forking at the first failure, but the worker already started "
	  "still runs: wait for it (a waitpid() that failed with EINTR reaped "
	  "nothing, call it again), then return -1 with fork()'s errno, saved "
	  "before the waiting.",
	  "`pid = fork(); if (pid == -1) { fork_errno = errno; break; }`; "
	  "after the loop, `waitpid()` each of the `started` pids, retrying "
	  "EINTR; then `if (fork_errno != 0) { errno = fork_errno; return -1; "
	  "}`." },
	{ "test_run_workers_frees_its_buffer",
	  "For 8000 workers you allocate room for 8000 pids. Is it freed when "
	  "the very first fork() fails?",
	  "The test asks 10 times for 8000 workers with fork() failing at "
	  "once, and compares the heap before and after: 32 KB of pids lost "
	  "per call. Free the array on every way out, once the waiting is "
	  "done.",
	  "Once the `started` workers are reaped: `free(pids);` then `if "
	  "(fork_errno != 0) { errno = fork_errno; return -1; } return "
	  "finished;`, and a free(pids) before every other return after the "
	  "allocation." },
	{ "test_demo_count_matches_reference",
	  "Does `demo count 3 1000` print the same as the reference's?",
	  "The demo runs 3 workers of 1000 rounds on a lock of 1 through your "
	  "sema_run_workers() and prints how many finished, the counter "
	  "(3000) and the lock's value afterwards (1).",
	  "Compare `demo count 3 1000` from build/labs/04-semaphore/ and "
	  "build/solutions/04-semaphore/ (`make demo LAB=04 "
	  "IMPL=solutions`)." },

	/* Step 3: a counting semaphore */
	{ "test_limited_peak_equals_limit",
	  "5 workers, limit 3: which initial value does your semaphore get?",
	  "A semaphore of K lets K P's through before the next one blocks. "
	  "Start at limit + 1 and one too many get in; lower, and too few "
	  "do. The grader's first K workers wait for each other inside, so "
	  "the peak is exactly what the value allows.",
	  "`semid = sema_create(key, 1, limit, 1000); n = "
	  "sema_run_workers(semid, 0, nworkers, 1, critical, arg);`" },
	{ "test_limited_limit_one_is_mutex",
	  "With a limit of 1, is your counting semaphore a plain lock?",
	  "A semaphore of 1 is a mutex: the same code as any limit, nothing "
	  "special-cased. When you remove the set every unit is back, so its "
	  "value must then equal the limit.",
	  "The same `sema_create(key, 1, limit, 1000)` and "
	  "`sema_run_workers(semid, 0, nworkers, 1, critical, arg)`; no `if "
	  "(limit == 1)`." },
	{ "test_limited_all_in_when_limit_is_workers",
	  "4 workers, limit 4: can all four be inside at once with your code?",
	  "With value 4, four P's pass without waiting. If the four cannot be "
	  "in together, the semaphore is stricter than asked: a value too "
	  "low, or workers waited for one by one as they are forked.",
	  "Fork every worker before waiting for any (sema_run_workers() "
	  "does), on a set from `sema_create(key, 1, limit, 1000)`." },
	{ "test_limited_removes_set",
	  "When sema_run_limited() returns, here with one worker failed, is "
	  "the set still in the kernel?",
	  "A System V set outlives every process until IPC_RMID. Once made, "
	  "remove it on every path; a failed worker is just not counted (2 of "
	  "3 here), not an error.",
	  "`n = sema_run_workers(...); saved = errno; sema_remove(semid); "
	  "errno = saved; return n;`" },
	{ "test_limited_rejects_bad_limit",
	  "With a limit of 0, which value does your semaphore start with, and "
	  "who can ever get in?",
	  "A semaphore of 0 lets nobody through: every worker blocks in P and "
	  "the parent waits for them for ever. A limit below 1 is the caller's "
	  "mistake: refuse it with EINVAL before creating any set.",
	  "First thing in sema_run_limited(): `if (limit < 1) { errno = "
	  "EINVAL; return -1; }`." },
	{ "test_limited_cleans_up_when_semctl_fails",
	  "Each semctl() of your run fails in turn with EPERM, the final "
	  "IPC_RMID too. What do you return when the workers finished but the "
	  "set stayed?",
	  "A failed SETALL makes sema_create() remove its set and fail with "
	  "EPERM: pass that on. A failed IPC_RMID at the end leaves the set in "
	  "the kernel: that is an error to report, -1 with semctl's errno, "
	  "even though every worker ran.",
	  "`finished = sema_run_workers(semid, 0, nworkers, 1, critical, arg); "
	  "saved = errno; if (sema_remove(semid) == -1 && finished != -1) "
	  "return -1; errno = saved; return finished;`" },
	{ "test_demo_limit_matches_reference",
	  "Does `demo limit 5 3` print the same as the reference's?",
	  "The demo runs 5 workers with a limit of 3 through your "
	  "sema_run_limited() and prints how many finished and the peak "
	  "number inside at once (3).",
	  "Compare `demo limit 5 3` from build/labs/04-semaphore/ and "
	  "build/solutions/04-semaphore/ (`make demo LAB=04 "
	  "IMPL=solutions`)." },

	/* Step 4: crash safety */
	{ "test_crash_holder_does_not_deadlock",
	  "A worker is killed inside the region, holding the lock. What gives "
	  "its unit back to the others?",
	  "A killed process never runs its V. With SEM_UNDO on its P the "
	  "kernel applies the adjustment when it dies, and the next waiter "
	  "goes in; without it the others block in P for ever. The parent "
	  "reaps the dead worker and does not count it.",
	  "Nothing new if step 1 is right: SEM_UNDO in sem_flg of sema_p() "
	  "and sema_v(), and a waitpid() for every pid, counting only "
	  "`WIFEXITED(status) && WEXITSTATUS(status) == 0`." },
	{ "test_crash_several_holders",
	  "Two workers die holding the lock, one in its first round. Do the "
	  "others all finish, and is the lock back at 1?",
	  "Each dead holder's adjustment (+1) comes back when it dies, so the "
	  "lock survives any number of crashes. A killed worker ended by a "
	  "signal (WIFSIGNALED): reap it, do not count it.",
	  "P `{ num, -1, SEM_UNDO }`, V `{ num, +1, SEM_UNDO }`; in the "
	  "parent `if (WIFEXITED(status) && WEXITSTATUS(status) == 0) "
	  "finished++;`." },
	{ "test_demo_crash_matches_reference",
	  "Does `demo crash 3 500` print the same as the reference's?",
	  "The demo first has a process take the lock and exit without V "
	  "(the value must come back to 1), then runs 3 workers with worker 0 "
	  "killed in its first round: 2 finish, the counter is 1001.",
	  "Compare `demo crash 3 500` from build/labs/04-semaphore/ and "
	  "build/solutions/04-semaphore/; a value of 0 on the first line "
	  "means no SEM_UNDO." },

	/* Step 5: a POSIX named semaphore */
	{ "test_named_mutual_exclusion",
	  "Which value does your named semaphore start with, and does every "
	  "sem_wait() have its sem_post()?",
	  "sem_open() with O_CREAT | O_EXCL and value 1 makes a lock. The "
	  "workers inherit the sem_t * across fork(); each round is sem_wait, "
	  "critical, sem_post. The grader opens the name from inside, so it "
	  "must exist while they run.",
	  "`sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);` child: `while "
	  "(sem_wait(sem) == -1 && errno == EINTR) ; rc = critical(arg, i, "
	  "round); sem_post(sem);`" },
	{ "test_named_counter_exact",
	  "4 x 500 increments gave less than 2000. Is every call of "
	  "critical() between sem_wait() and sem_post()?",
	  "The counter is incremented the racy way (read, then write): only a "
	  "lock held around every call keeps all 2000. A sem_wait() that "
	  "failed with EINTR took nothing: going in then is the race.",
	  "`while (sem_wait(sem) == -1) { if (errno != EINTR) _exit(2); }` "
	  "before critical(), `sem_post(sem);` after it." },
	{ "test_named_unlinks_name",
	  "After sema_named_run() returns, is the name still in /dev/shm?",
	  "sem_close() only drops your handle; the name stays, like a file's, "
	  "until sem_unlink(). Unlink it once every worker is reaped (they "
	  "use it until then), on every path after sem_open().",
	  "After waiting for the workers: `sem_close(sem); sem_unlink(name);`"
	  ", keeping the count (and errno) to return." },
	{ "test_named_refuses_existing_name",
	  "A semaphore of that name exists already, with value 1. Does your "
	  "sem_open() take it over?",
	  "O_CREAT without O_EXCL opens the existing semaphore and ignores "
	  "your value: one left at 0 by a crashed run would block every "
	  "worker. With O_EXCL, sem_open fails with EEXIST: return that, and "
	  "leave that semaphore alone.",
	  "`sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1); if (sem == "
	  "SEM_FAILED) return -1;` before any fork, and no sem_unlink() on "
	  "that path." },
	{ "test_named_rejects_bad_arguments",
	  "With 0 workers, or no critical function, does your sema_named_run() "
	  "create the semaphore anyway?",
	  "Nothing can run: refuse with EINVAL, and do it before sem_open(), "
	  "so no name is made in /dev/shm for a call that fails.",
	  "First thing in sema_named_run(): `if (nworkers < 1 || rounds < 0 || "
	  "critical == NULL) { errno = EINVAL; return -1; }`." },
	{ "test_named_retries_interrupted_sem_wait",
	  "In every worker the first sem_wait() fails with EINTR. What does "
	  "your worker do then?",
	  "EINTR means a signal cut the wait short: the lock was not taken. "
	  "Going into the region then breaks mutual exclusion; ending the "
	  "worker makes it count as failed. Call sem_wait() again until it "
	  "returns 0; only another error ends the worker.",
	  "In the worker, before each critical(): `while (sem_wait(sem) == -1) "
	  "if (errno != EINTR) _exit(2);`, and `sem_post(sem);` after it." },
	{ "test_named_closes_the_semaphore",
	  "After sema_named_run() returns, is the semaphore still mapped in "
	  "your process?",
	  "sem_open() maps the semaphore into the process; sem_unlink() "
	  "removes only its name. The mapping stays until sem_close(). The "
	  "workers' copies go when they exit; the parent's must be closed.",
	  "After waiting for the workers, on every path: `sem_close(sem);` "
	  "then `sem_unlink(name);`." },
	{ "test_named_reports_a_failed_unlink",
	  "sem_unlink() fails with EACCES after the worker finished. What does "
	  "your function return?",
	  "The name stays in /dev/shm after you return: every call would leave "
	  "one more. That is an error to report, -1 with sem_unlink's errno, "
	  "although the worker finished. If running the workers failed, that "
	  "errno comes first.",
	  "`saved = errno; sem_close(sem); if (sem_unlink(name) == -1 && "
	  "finished != -1) return -1; errno = saved; return finished;`" },
	{ "test_demo_named_matches_reference",
	  "Does `demo named 3 1000` print the same as the reference's?",
	  "The demo runs 3 workers x 1000 increments through sema_named_run() "
	  "and prints how many finished, the counter (3000), and whether the "
	  "name is gone from /dev/shm.",
	  "Compare `demo named 3 1000` from build/labs/04-semaphore/ and "
	  "build/solutions/04-semaphore/ (`make demo LAB=04 "
	  "IMPL=solutions`)." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
