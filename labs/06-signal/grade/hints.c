/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 06's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: install and restore handlers */
	{ "test_install_runs_handler",
	  "Which field of struct sigaction holds your function, and what do "
	  "the other fields hold if you never set them?",
	  "sigaction() installs exactly what the struct says. Stack garbage "
	  "in sa_flags can mean SA_RESETHAND: the handler runs once, and the "
	  "second SIGUSR1 kills the process.",
	  "`struct sigaction sa = { 0 }; sa.sa_handler = handler; "
	  "sigemptyset(&sa.sa_mask);` then `return sigaction(sig, &sa, "
	  "old);`." },
	{ "test_install_sets_flags_as_asked",
	  "Do you call signal() or sigaction()? And what exactly ends up in "
	  "sa_flags and sa_mask?",
	  "signal() chooses the flags for you (glibc's sets SA_RESTART); "
	  "the grader notices it. sa_flags must be SA_RESTART when "
	  "restart is true and 0 otherwise; sa_mask must be empty.",
	  "`sa.sa_flags = restart ? SA_RESTART : 0;` and "
	  "`sigemptyset(&sa.sa_mask);` before `sigaction(sig, &sa, old)`." },
	{ "test_install_restart_resumes_read",
	  "A read() sleeps on an empty pipe, SIGUSR1 comes and its handler "
	  "returns: what decides whether read() goes on?",
	  "With SA_RESTART in the handler's sa_flags the kernel restarts the "
	  "read() after the handler; without it read() fails with EINTR. "
	  "`sa_flags = restart` sets 1, which is SA_NOCLDSTOP, not "
	  "SA_RESTART.",
	  "`sa.sa_flags = restart ? SA_RESTART : 0;` in signals_install(), "
	  "with sigaction()." },
	{ "test_install_no_restart_interrupts_read",
	  "With restart = false, what should a read() that the signal "
	  "interrupts return?",
	  "Without SA_RESTART the interrupted call fails with EINTR once the "
	  "handler returns: that is how a signal says \"stop waiting\". "
	  "signal() cannot give it: glibc's turns SA_RESTART on.",
	  "Use sigaction() with `sa.sa_flags = restart ? SA_RESTART : 0;`, "
	  "never signal()." },
	{ "test_install_returns_and_restores_old",
	  "Where does sigaction() put the disposition it replaces, and what "
	  "does signals_restore() give back?",
	  "sigaction()'s third argument receives the previous handler, flags "
	  "and mask in one struct. Passing that struct back as the second "
	  "argument puts all three back.",
	  "Install: `sigaction(sig, &sa, old)` (old may be NULL, sigaction "
	  "accepts it). Restore: `return sigaction(sig, old, NULL);`." },
	{ "test_install_cannot_catch_sigkill",
	  "What does sigaction() answer for SIGKILL, and does your function "
	  "pass that answer on?",
	  "SIGKILL and SIGSTOP cannot be caught, blocked or ignored: "
	  "sigaction() fails with EINVAL. Returning 0 anyway, or calling "
	  "something that changes errno after it, hides that.",
	  "Make `return sigaction(sig, &sa, old);` the last line: no check "
	  "of sig of your own is needed." },
	{ "test_demo_install_matches_reference",
	  "Does `build/labs/06-signal/demo install` print the same as the "
	  "reference demo?",
	  "The demo installs a SIGUSR1 handler, raises SIGUSR1 twice, tries "
	  "SIGKILL and SIGSTOP, then restores: every line comes from "
	  "signals_install() and signals_restore().",
	  "`make demo LAB=06 IMPL=solutions`, then compare `demo install` "
	  "with `build/solutions/06-signal/demo install` line by line." },

	/* Step 2: wait without a race */
	{ "test_wait_returns_at_once_when_ready",
	  "The signal may have come before you were called. What does your "
	  "function do first: test the condition, or wait?",
	  "If the flag is already set, no signal will come to wake a "
	  "sigsuspend(): a wait before the first test sleeps for ever. Test "
	  "first, and wait only while the test says no.",
	  "`while (!ready(arg)) sigsuspend(&during);`: a while loop, not "
	  "do ... while." },
	{ "test_wait_tests_condition_with_signal_blocked",
	  "Which mask do you give sigsuspend()? Is sig blocked in it?",
	  "sigsuspend() replaces the mask for the time of the wait. If sig is "
	  "blocked in that mask, the signal stays pending, the handler never "
	  "runs, and the wait lasts for ever. Give it the caller's mask "
	  "minus sig.",
	  "`sigprocmask(SIG_BLOCK, &block, &old); during = old; "
	  "sigdelset(&during, sig);` then `sigsuspend(&during)` in the "
	  "loop." },
	{ "test_wait_signal_between_test_and_wait",
	  "What happens if the signal arrives just after ready() returned 0, "
	  "before you start to wait?",
	  "If sig is not blocked, the handler runs right there and the wait "
	  "that follows sleeps for a signal that already came (the pause() "
	  "race). Blocked, it stays pending; sigsuspend() unblocks and "
	  "sleeps in one atomic step, so it is delivered at once.",
	  "`sigprocmask(SIG_BLOCK, &block, &old)` before the first "
	  "ready(), then `while (!ready(arg)) sigsuspend(&during);`. No "
	  "pause(), no SIG_UNBLOCK before the wait." },
	{ "test_wait_restores_mask",
	  "When you return, is the mask the caller's? Even for a caller who "
	  "had sig blocked already?",
	  "sigsuspend() puts back the mask it replaced, so your own SIG_BLOCK "
	  "is still there afterwards. Undo it with the saved mask, not with "
	  "SIG_UNBLOCK: a caller who had sig blocked keeps it blocked.",
	  "At the end: `return sigprocmask(SIG_SETMASK, &old, NULL);`, with "
	  "`old` from the SIG_BLOCK call." },
	{ "test_wait_reports_errors",
	  "sigprocmask() can fail. What do you return then, and what did you "
	  "change before it failed?",
	  "An invalid signal makes sigaddset() fail with EINVAL: return -1 "
	  "before touching the mask. If blocking the signal fails, nothing "
	  "changed yet: return -1 with that errno. The final SIG_SETMASK's "
	  "result is your result.",
	  "`sigemptyset(&block); if (sigaddset(&block, sig) == -1) return -1; "
	  "if (sigprocmask(SIG_BLOCK, &block, &old) == -1) return -1;` ... "
	  "`return sigprocmask(SIG_SETMASK, &old, NULL);`" },
	{ "test_demo_wait_matches_reference",
	  "Does `demo wait` print the same as the reference demo, and does "
	  "it end?",
	  "The demo's child sends SIGUSR1 right after fork(), maybe before "
	  "signals_wait_until() is called: the flag is then already set at "
	  "the first test.",
	  "Run `build/labs/06-signal/demo wait` and "
	  "`build/solutions/06-signal/demo wait` a few times and compare." },

	/* Step 3: bytes through signals */
	{ "test_send_bytes_text",
	  "After each kill(), how does your sender know the receiver took "
	  "the bit?",
	  "The receiver answers each bit with SIGUSR1, whose default action "
	  "kills. Block it before the first bit so an early ack waits, "
	  "pending, and take it with sigtimedwait(): no sleep, no pause(), "
	  "no flag that is not volatile sig_atomic_t.",
	  "`sigprocmask(SIG_BLOCK, &ack, &old)`; per bit: `kill(receiver, "
	  "bit ? SIGNALS_BIT_ONE : SIGNALS_BIT_ZERO)`, then "
	  "`sigtimedwait(&ack, &info, &ts)` until `info.si_pid == "
	  "receiver`; at the end `sigprocmask(SIG_SETMASK, &old, NULL)`." },
	{ "test_send_bytes_binary_with_nul",
	  "Do you send len bytes, or stop at the first NUL? Which bit of a "
	  "byte goes first?",
	  "It is a byte string: strlen() or a loop up to '\\0' stops early. "
	  "After the 32-bit length, each byte goes as 8 bits, most "
	  "significant first; read it as unsigned char, or bytes of 0x80 and "
	  "more go wrong.",
	  "`const unsigned char *p = buf;` then `for (i = 0; i < len; i++) "
	  "for (b = 7; b >= 0; b--)` send `(p[i] >> b) & 1`." },
	{ "test_send_bytes_waits_for_each_ack",
	  "Two 0 bits in a row: what does the receiver see if the second "
	  "comes before it took the first?",
	  "Pending is one bit per signal, not a count: the second SIGUSR1 "
	  "merges with the first and a bit is lost. Bit i + 1 may leave only "
	  "after the ack of bit i came, from the receiver.",
	  "After every `kill()`: `do sig = sigtimedwait(&ack, &info, &ts); "
	  "while (sig == SIGNALS_ACK && info.si_pid != receiver);` (and stop "
	  "on -1), before the next kill()." },
	{ "test_send_bytes_times_out",
	  "How long does your sender wait for an ack that never comes?",
	  "sigtimedwait() with a timespec waits at most that long, then "
	  "fails with EAGAIN; the contract says ETIMEDOUT. timeout_ms bounds "
	  "each ack; -1 means a NULL timespec (for ever).",
	  "`struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };` "
	  "`if (sig == -1 && errno == EAGAIN) errno = ETIMEDOUT;` then "
	  "restore the mask (keeping errno) and return -1." },
	{ "test_receive_bytes_text",
	  "After you take a bit, who is waiting, and for what?",
	  "The sender sends nothing more until SIGNALS_ACK comes from you. "
	  "The bits are already blocked: take them with sigtimedwait(), no "
	  "handler. The first bit's si_pid is the sender.",
	  "`sig = sigtimedwait(&bits, &info, &ts);` (bits = SIGUSR1 and "
	  "SIGUSR2), then `kill(info.si_pid, SIGNALS_ACK);` and bit = `sig "
	  "== SIGNALS_BIT_ONE`." },
	{ "test_receive_bytes_binary_with_nul",
	  "Where does your message end: at a NUL, or after the number of "
	  "bytes the first 32 bits gave?",
	  "The length header says how many bytes follow, of any value, NUL "
	  "included. Build each byte from 8 bits, most significant first, "
	  "and no string function on the buffer.",
	  "`len = len << 1 | bit` for 32 bits; `buf = malloc(len ? len : "
	  "1);` then for each byte `byte = byte << 1 | bit` 8 times, "
	  "`buf[i] = byte`." },
	{ "test_receive_bytes_empty",
	  "A message of 0 bytes: what do you return, and what is in *out?",
	  "32 zero bits, then nothing. The contract says *out is never NULL "
	  "on success, even for 0 bytes, and malloc(0) may return NULL.",
	  "`buf = malloc(len ? len : 1);` then `*out = buf;`, set *sender "
	  "when it is not NULL, and `return len;` (0)." },
	{ "test_send_bytes_survives_interrupted_waits",
	  "sigtimedwait() returned -1. Did the ack fail to come, or did "
	  "something else happen?",
	  "A handler that runs while sigtimedwait() sleeps makes it fail with "
	  "EINTR without taking a signal: the ack may still come, so wait "
	  "again. EAGAIN means the time is up (report ETIMEDOUT); any other "
	  "error is final.",
	  "`do sig = sigtimedwait(set, &info, ts); while (sig == -1 && errno "
	  "== EINTR);` then `if (sig == -1 && errno == EAGAIN) errno = "
	  "ETIMEDOUT;`" },
	{ "test_receive_bytes_survives_interrupted_waits",
	  "sigtimedwait() returned -1 while you waited for a bit. Is the "
	  "transfer over?",
	  "EINTR means a signal handler ran, not that the sender stopped: no "
	  "bit was taken, so wait for it again. Only EAGAIN (the time is up) "
	  "and other errors end the transfer.",
	  "Wrap every sigtimedwait() in `do ... while (sig == -1 && errno == "
	  "EINTR);` (one helper that the sender and the receiver share)." },
	{ "test_send_bytes_reports_errors",
	  "What happens with 2^32 bytes, a receiver that does not exist, or a "
	  "wait that fails for another reason than a timeout?",
	  "The length header has 32 bits: refuse more with EMSGSIZE before "
	  "sending anything. kill() says ESRCH for a missing process; return "
	  "its errno, and restore the caller's mask on that path too. Only "
	  "EAGAIN from sigtimedwait() becomes ETIMEDOUT: EINVAL and the rest "
	  "are returned as they are.",
	  "`if (len > UINT32_MAX) { errno = EMSGSIZE; return -1; }`; after "
	  "the bits: `saved = errno; sigprocmask(SIG_SETMASK, &old, NULL); "
	  "errno = saved;`" },
	{ "test_receive_bytes_times_out_midway",
	  "The length came, then the bits stopped. Who frees the buffer you "
	  "allocated for the message?",
	  "A bit that does not come in time ends the transfer with -1 and "
	  "ETIMEDOUT, at the first wait that times out: do not go on with the "
	  "next byte. The buffer is yours until you hand it out: free it on "
	  "that path, keeping errno.",
	  "`if (receive_bits(&from, 8, &byte, timeout_ms) == -1) { saved = "
	  "errno; free(buf); errno = saved; return -1; }`" },
	{ "test_demo_transfer_matches_reference",
	  "Do `demo transfer 'chat by signals'` and `demo transfer --binary "
	  "64` print the same as the reference demo?",
	  "The demo forks: the child receives with signals_receive_bytes(), "
	  "the parent sends with signals_send_bytes(); both print the size "
	  "and a checksum.",
	  "Compare both commands with `build/solutions/06-signal/demo`: a "
	  "different checksum points at the bit order, a hang at the "
	  "ack." },

	/* Step 4: real-time signals */
	{ "test_queue_values_in_order",
	  "Which call sends a signal with an integer attached?",
	  "kill() carries no value (si_code SI_USER). sigqueue() queues a "
	  "real-time signal with a union sigval; each one is delivered, in "
	  "order, with si_code SI_QUEUE.",
	  "`union sigval v = { .sival_int = values[i] }; if (sigqueue(pid, "
	  "sig, v) == -1) return -1;` for each i; then `return n;`." },
	{ "test_receive_values_in_order",
	  "500 values are pending before you start. How many does one "
	  "sigtimedwait() take?",
	  "Real-time signals queue: each sigtimedwait() removes one, the "
	  "oldest, and fills info with its value. A handler that stores into "
	  "one variable keeps only the last.",
	  "`while (got < n) { if (sigtimedwait(&set, &info, &ts) == -1) "
	  "...; values[got++] = info.si_value.sival_int; }` with set = { sig "
	  "}." },
	{ "test_receive_values_times_out",
	  "Only 3 of 10 values come. What do you return when the fourth wait "
	  "gives up?",
	  "sigtimedwait() fails with EAGAIN when the time is up. Here that "
	  "is not an error but \"no more came\": return how many you stored. "
	  "-1 is for real errors.",
	  "`if (r == -1 && errno == EINTR) continue; if (r == -1 && errno == "
	  "EAGAIN) break; if (r == -1) return -1;` and `return got;` after "
	  "the loop." },
	{ "test_receive_values_reports_errors",
	  "Your wait returned -1. Was it a timeout?",
	  "Only a timeout (sigtimedwait's EAGAIN, your ETIMEDOUT) ends the "
	  "wait with the values received so far. Any other failure (EINVAL "
	  "here) is an error: return -1 with it. An invalid signal is EINVAL "
	  "(sigaddset says so), and sigqueue()'s ESRCH is yours to return.",
	  "`if (take_signal(&set, &info, timeout_ms) == -1) { if (errno == "
	  "ETIMEDOUT) break; return -1; }`" },
	{ "test_demo_queue_matches_reference",
	  "Does `demo queue 20` print the same as the reference demo? Look "
	  "at the timeout it passes.",
	  "The demo queues 20 values to itself, then receives them with "
	  "timeout_ms = 0: all are pending, so 0 must mean \"do not wait\". "
	  "Only -1 means for ever.",
	  "For timeout 0 pass `&(struct timespec){ 0, 0 }` (sigtimedwait "
	  "returns at once); NULL only for -1. Compare with "
	  "`build/solutions/06-signal/demo queue 20`." },

	/* Step 5: reap children on SIGCHLD */
	{ "test_reaper_reaps_one_child",
	  "A child exits: who collects its status, and where?",
	  "A child stays a zombie until its parent calls waitpid(). SIG_IGN "
	  "or SA_NOCLDWAIT let the kernel reap it, but then nobody counts: "
	  "your handler must call waitpid() and count.",
	  "Handler: `while (waitpid(-1, NULL, WNOHANG) > 0) reaped++;`. "
	  "Start: `reaped = 0; sa.sa_handler = reap; sa.sa_flags = "
	  "SA_RESTART; sigaction(SIGCHLD, &sa, old);`." },
	{ "test_reaper_many_children_at_once",
	  "32 children die while SIGCHLD is blocked. How many times does "
	  "your handler run?",
	  "Once: a pending standard signal is one bit. The handler must reap "
	  "until waitpid() finds no dead child, not one per call; and no "
	  "printf() in it.",
	  "`while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) reaped++;` with "
	  "`static volatile sig_atomic_t reaped;`." },
	{ "test_reaper_keeps_running_children",
	  "One child is still running when your handler loops. What does "
	  "waitpid() do then?",
	  "Without WNOHANG, waitpid(-1) waits until a child exits: the "
	  "handler, and the whole program, stop there. With WNOHANG it "
	  "returns 0 when children are left but none is dead.",
	  "`waitpid(-1, NULL, WNOHANG)`, in a loop on `> 0`: it ends on 0 "
	  "(running ones left) and on -1 (none left)." },
	{ "test_reaper_preserves_errno",
	  "What is errno after your handler's last waitpid(), and whose "
	  "errno is it?",
	  "The loop ends with waitpid() failing with ECHILD. The handler "
	  "interrupted code that may be about to read errno: it must find "
	  "its own value there.",
	  "`int saved = errno;` as the handler's first line, `errno = "
	  "saved;` as its last." },
	{ "test_reaper_start_resets_count",
	  "A second signals_reaper_start(): where does the count start?",
	  "The count is per start: each signals_reaper_start() sets it to 0 "
	  "before the handler is installed, so children reaped under an "
	  "earlier start do not count.",
	  "In signals_reaper_start(): `reaped = 0;` before `sigaction(SIGCHLD, "
	  "&sa, old)`, with `sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;`" },
	{ "test_reaper_stop_restores",
	  "What was SIGCHLD's disposition before signals_reaper_start(), and "
	  "where did you keep it?",
	  "sigaction()'s third argument in start saves the caller's handler "
	  "and flags (here SA_NOCLDSTOP); stop hands that struct back. "
	  "SIG_DFL is not what the caller had.",
	  "Start: `sigaction(SIGCHLD, &sa, old)`. Stop: `return "
	  "sigaction(SIGCHLD, old, NULL);`." },
	{ "test_demo_reap_matches_reference",
	  "Does `demo reap 12` print the same as the reference demo?",
	  "12 children exit while SIGCHLD is blocked, then it is unblocked: "
	  "one handler call must reap all 12 and leave 0 zombies.",
	  "Compare `build/labs/06-signal/demo reap 12` with "
	  "`build/solutions/06-signal/demo reap 12`." },

	/* Step 6: graceful shutdown */
	{ "test_serve_jobs_until_eof",
	  "How does your loop learn that no more jobs will come?",
	  "read() on the job fd returns 0 once every writer has closed it: "
	  "stop, with *stopped_by = 0 (stopped_by may be NULL), then restore "
	  "the handlers and close the self-pipe. The handlers have "
	  "SA_RESTART, so that the jobs' own calls are not cut short.",
	  "`n = read(job_fd, &byte, 1); if (n == 0) { sig = 0; break; }` "
	  "else `job(arg, byte); done++;`; `if (stopped_by != NULL) "
	  "*stopped_by = sig; return done;` after the cleanup." },
	{ "test_serve_stop_finishes_current_job",
	  "SIGTERM comes during job 'b', and more jobs wait. What do your "
	  "handler and your loop do next?",
	  "The handler only writes a byte to the self-pipe; the job runs to "
	  "its end. poll() then finds both fds readable: look at the "
	  "self-pipe first. Your handlers replace the caller's before the "
	  "first job; no _exit() or printf() in them.",
	  "Handler: `int e = errno; unsigned char b = sig; "
	  "write(self_pipe[1], &b, 1); errno = e;`. Loop: `if "
	  "(fds[0].revents) { read the byte; break; }` before reading "
	  "job_fd." },
	{ "test_serve_sigint_while_idle",
	  "The only job is done and your loop waits for the next. What wakes "
	  "it when SIGINT comes?",
	  "A blocking read() on job_fd is restarted after an SA_RESTART "
	  "handler and never returns. poll() on the self-pipe and job_fd "
	  "returns as soon as the handler writes its byte.",
	  "`pipe2(self_pipe, O_NONBLOCK | O_CLOEXEC)`; `struct pollfd "
	  "fds[2] = { { self_pipe[0], POLLIN }, { job_fd, POLLIN } };` "
	  "`poll(fds, 2, -1)`, again on EINTR." },
	{ "test_serve_signal_just_before_wait",
	  "If SIGTERM lands after you checked for a stop and before poll() "
	  "starts, what is poll() waiting for?",
	  "A flag tested before poll() has the pause() race: it is set, but "
	  "poll() sleeps. A byte in the self-pipe stays there, so poll() "
	  "finds the pipe readable and returns at once.",
	  "No flag: the handler does `write(self_pipe[1], &b, 1)`, the loop "
	  "`poll(fds, 2, -1)` on self_pipe[0] and job_fd, and tests "
	  "`fds[0].revents` first." },
	{ "test_serve_restores_signal_state",
	  "When you return, are SIGINT, SIGTERM, SIGPIPE and the mask as the "
	  "caller left them, with nothing pending?",
	  "Save both old dispositions with sigaction()'s third argument and "
	  "hand them back, before closing the pipe. Block nothing for the "
	  "loop, and touch no other signal.",
	  "Start: `sigaction(SIGINT, &sa, &old[0]); sigaction(SIGTERM, &sa, "
	  "&old[1]);`. End: `sigaction(SIGINT, &old[0], NULL); "
	  "sigaction(SIGTERM, &old[1], NULL);` then close both pipe ends." },
	{ "test_serve_cleans_up_when_calls_fail",
	  "pipe2(), the second sigaction(), a read(): each can fail. What is "
	  "still changed or open when you return?",
	  "Each call fails in turn. Whatever is done by then must be undone: "
	  "the self-pipe closed, a handler already installed put back (SIGINT "
	  "when SIGTERM's install fails), a mask restored. Then return -1 "
	  "with the errno of the call that failed (save it first).",
	  "`if (sigaction(SIGTERM, &sa, &old[1]) == -1) { saved = errno; "
	  "sigaction(SIGINT, &old[0], NULL); errno = saved; return -1; }`, "
	  "and in signals_serve(): close both ends of the pipe before "
	  "returning -1." },
	{ "test_serve_survives_interrupted_reads",
	  "read() on the job fd returned -1. Is it the end of the jobs?",
	  "EINTR means a signal handler ran before any byte came: read again. "
	  "Only 0 is EOF, and only another error is a failure.",
	  "`do n = read(job_fd, &byte, 1); while (n == -1 && errno == "
	  "EINTR);`" },
	{ "test_demo_worker_exits_zero_on_sigterm",
	  "Run `demo worker 1000`, type ab and Enter, then `kill PID` from "
	  "another terminal: what does `echo $?` say?",
	  "The worker runs signals_serve() on stdin. On SIGTERM it must "
	  "finish the job, return with *stopped_by = SIGTERM, and exit 0. "
	  "Status 143 means SIGTERM's default action killed it.",
	  "Compare with `build/solutions/06-signal/demo worker 1000`; the "
	  "stop comes from signals_serve() returning, never from exit() or "
	  "_exit() in a handler." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
