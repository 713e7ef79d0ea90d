/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 11's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: the harness */
	{ "test_now_ns_is_monotonic_clock",
	  "Which of the system's clocks never jumps, and in what unit does "
	  "your function count?",
	  "CLOCK_REALTIME (and gettimeofday()) is the wall clock: NTP and "
	  "people set it. CLOCK_MONOTONIC counts from boot and only goes "
	  "forward. Since boot, nanoseconds need more than 32 bits.",
	  "`struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return "
	  "(uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;`" },
	{ "test_measure_excludes_warmup",
	  "How many times does your bench_measure() call op, and which of "
	  "those calls end up in samples[]?",
	  "The first `warmup` calls pay for page faults and cold caches: run "
	  "them, but time only the `iters` calls after them, each on its own, "
	  "in order.",
	  "`for (i = 0; i < warmup; i++) op(arg);` then `before = "
	  "bench_now_ns(); for (i = 0; i < iters; i++) { op(arg); after = "
	  "bench_now_ns(); samples[i] = after - before; before = after; }`" },
	{ "test_measure_uses_monotonic_clock",
	  "Which clock does bench_measure() read, and through which "
	  "function?",
	  "The test's clock_gettime(CLOCK_MONOTONIC) moves only when op says "
	  "so; any other clock, gettimeofday() included, shows other "
	  "durations. The test also starts just under 2^32 ns.",
	  "Time with your bench_now_ns() (clock_gettime(CLOCK_MONOTONIC)), "
	  "and keep every time and difference in uint64_t." },
	{ "test_measure_stops_at_failure",
	  "What does your loop do when op returns -1?",
	  "A failed call ends the measurement at once, with op's errno; "
	  "0 iterations is a caller's mistake (EINVAL).",
	  "`if (op(arg) == -1) return -1;` in both loops, and `if (iters == "
	  "0) { errno = EINVAL; return -1; }` first." },
	{ "test_stats_percentiles_from_all_samples",
	  "Which samples does your p99 come from, and in what order are they "
	  "when you pick it?",
	  "Nearest rank: sort all n samples; the p-th percentile is the "
	  "sample at rank ceil(p * n / 100), counting from 1. Not a "
	  "subsample, not the mean plus some standard deviations.",
	  "`qsort(samples, n, sizeof(*samples), cmp);` then `rank = (n * p + "
	  "99) / 100; value = samples[rank - 1];` for p = 50, 90, 99." },
	{ "test_stats_small_sets",
	  "What are the percentiles of one sample? Of two? And of none?",
	  "ceil(p * n / 100) is at least 1 for n >= 1, so every percentile "
	  "of one sample is that sample; with 10 samples, p99 is the "
	  "largest. There is no median of nothing.",
	  "Integer ceil: `(n * p + 99) / 100`; `if (n == 0) { errno = "
	  "EINVAL; return -1; }`." },
	{ "test_check_sees_every_byte",
	  "Does your pattern depend on seq and on the offset of every byte? "
	  "Does your check look at the last len % 8 bytes?",
	  "A pattern of 8-byte words, word i = start(seq) + i * STEP (an odd "
	  "constant), changes when a piece moves or a message is another "
	  "one; the tail is the first bytes of the next word.",
	  "In bench_check(), `diff |= got ^ word; word += STEP;` for each "
	  "word, then the tail with memcpy(), and `if (diff) { errno = "
	  "EBADMSG; return -1; }`." },
	{ "test_choose_cpus_follows_affinity",
	  "Which CPUs may this process run on? Are CPUs 0 and 1 always among "
	  "them?",
	  "taskset, a container or the grader may allow only some CPUs, not "
	  "always CPU 0. sched_getaffinity() says which; choose among them.",
	  "`sched_getaffinity(0, sizeof(set), &set);` then the first two cpu "
	  "with `CPU_ISSET(cpu, &set)`; SPLIT: those two (or the first twice), "
	  "SHARE: the first twice, NONE: -1 and -1; any other value: EINVAL." },
	{ "test_demo_stats_matches_reference",
	  "Run `build/labs/11-bench/demo stats 5 1 4 2 3 100` and the "
	  "reference demo: what differs?",
	  "The demo prints bench_stats_compute()'s fields: if they differ, so "
	  "do your percentiles or your mean.",
	  "Fix test_stats_percentiles_from_all_samples first." },

	/* Step 2: pipes, FIFOs, a socketpair, the benchmarks */
	{ "test_pipe_pingpong_every_size",
	  "Which ends of the two pipes does each process keep after attach, "
	  "and does each side read exactly the message's length?",
	  "A pipe is one way: one for each direction. Each process closes "
	  "the ends it does not use (or EOF never comes), and reads until it "
	  "has all the bytes: a 1 MiB message takes many reads.",
	  "pipe_create(): `pipe2(ch->fd, O_CLOEXEC); pipe2(ch->fd + 2, "
	  "O_CLOEXEC);` attach: parent `wfd = fd[1], rfd = fd[2]`, child "
	  "`rfd = fd[0], wfd = fd[3]`, close the rest." },
	{ "test_pipe_stream_every_size",
	  "Does your bench_stream() receive exactly warmup + iters messages, "
	  "and does the child send exactly as many?",
	  "The child sends message i filled by bench_fill(i); the parent "
	  "receives them in order, checks each, and measures only the ones "
	  "after the warm-up.",
	  "Child: bench_stream_send(); parent: `bench_measure(receive_one, "
	  "&it, cfg->warmup, cfg->iters, samples)` with receive_one = "
	  "bench_chan_recv() then bench_check(in, size, seq++)." },
	{ "test_pipe_survives_short_io",
	  "What does your fd_recv() do when read() returns fewer bytes than "
	  "asked, or fails with EINTR?",
	  "A stream returns what has arrived: a short read is normal, and "
	  "EINTR means nothing was read. Only EOF before the end, or a real "
	  "error, stops the loop.",
	  "`while (len > 0) { n = read(rfd, p, len); if (n == -1 && errno == "
	  "EINTR) continue; if (n == -1) return -1; if (n == 0) { errno = "
	  "EPIPE; return -1; } p += n; len -= n; }`" },
	{ "test_fifo_pingpong_every_size",
	  "In what order do the two processes open the two FIFOs?",
	  "open() of a FIFO for reading waits for a writer, and the other "
	  "way round: if each process first opens the FIFO the other opens "
	  "second, both wait for ever.",
	  "Parent: `open(path[0], O_WRONLY)` then `open(path[1], O_RDONLY)`; "
	  "child: `open(path[0], O_RDONLY)` then `open(path[1], O_WRONLY)`; "
	  "then the parent unlink()s both." },
	{ "test_fifo_stream_every_size",
	  "Are the FIFOs' files still in the directory after the run?",
	  "A FIFO is a name in the file system: it stays until unlinked. "
	  "Once both ends are open, the names are no longer needed.",
	  "In the parent's attach, after both open() calls: "
	  "`unlink(ch->path[0]); unlink(ch->path[1]);` (and in close, if "
	  "attach never ran)." },
	{ "test_fifo_survives_short_io",
	  "Do the FIFOs go through the same fd_send() and fd_recv() as the "
	  "pipes?",
	  "A FIFO is a pipe with a name: the same short reads and writes, "
	  "the same EINTR; open() of a FIFO waits for the other end, and "
	  "a signal may interrupt it (EINTR: open it again).",
	  "Dispatch BENCH_FIFO to fd_send()/fd_recv(), which loop until "
	  "every byte moved." },
	{ "test_socketpair_pingpong_every_size",
	  "After fork(), which of the two sockets does each process keep?",
	  "A socketpair is full duplex: one socket per process, both ways. "
	  "The parent keeps fd[0] and closes fd[1], the child the opposite.",
	  "`socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ch->fd);` "
	  "attach: `ch->rfd = ch->wfd = ch->fd[end]; close(ch->fd[1 - end]);`" },
	{ "test_socketpair_stream_every_size",
	  "How many bytes does one read() of a stream socket return for a "
	  "1 MiB message?",
	  "What has arrived: a few KiB at a time. The stream keeps no "
	  "message boundaries; your loop puts the message together.",
	  "fd_recv() loops until len bytes arrived; fd_send() uses "
	  "`send(wfd, p, len, MSG_NOSIGNAL)` on sockets." },
	{ "test_socketpair_survives_short_io",
	  "Does your send loop continue after a short send()?",
	  "send() on a stream socket may take fewer bytes than asked, and "
	  "may be interrupted: both are normal.",
	  "`n = send(...); if (n == -1 && errno == EINTR) continue; if (n == "
	  "-1) return -1; p += n; len -= n;`" },
	{ "test_pingpong_detects_bad_reply",
	  "Does your round trip check the reply? All of it? Against which "
	  "message number?",
	  "The peer flips one bit in the middle of one reply, then sends an "
	  "old message back: only a check of every byte against the pattern "
	  "of this round trip's number sees both. On failure, kill the "
	  "child: it waits for a message that will never come. A child "
	  "that exits with status 1 is EIO; one that closed its pipe makes "
	  "the next write fail: block SIGPIPE while you run (EPIPE instead "
	  "of death), then take back that SIGPIPE and restore the mask.",
	  "`bench_fill(out, size, seq); send; recv(in); return "
	  "bench_check(in, size, seq++);` and after a failure "
	  "`kill(child, SIGKILL);` before waitpid()." },
	{ "test_stream_detects_bad_message",
	  "Which sequence number does your receiver expect for each "
	  "message?",
	  "Message i was filled with bench_fill(i): the receiver counts the "
	  "messages itself (warm-up included) and checks each against its "
	  "own count, so a lost one shows at once.",
	  "`if (bench_chan_recv(ch, in, size) == -1) return -1; return "
	  "bench_check(in, size, seq++);`" },
	{ "test_pipes_report_failures",
	  "What does your channel do when a call fails half-way through "
	  "bench_chan_create(), when read() returns 0, and when it fails?",
	  "A channel made in part is no channel: close and unlink what was "
	  "made, then return NULL with the failed call's errno. read() "
	  "returning 0 is EOF: the other end closed (EPIPE); it only comes if "
	  "every process closed the write ends it does not use. FIFOs need "
	  "the caller's directory: NULL is EINVAL. Close only descriptors "
	  "still open (mark a closed one -1), free buffers on every path.",
	  "On failure in create: `saved = errno; bench_chan_close(ch); errno "
	  "= saved; return NULL;`. In fd_recv(): `if (n == -1 && errno == "
	  "EINTR) continue; if (n == -1) return -1; if (n == 0) { errno = "
	  "EPIPE; return -1; }`" },
	{ "test_pingpong_reports_pinning",
	  "Where does each process run, what does your result say, and "
	  "what is the caller's affinity afterwards?",
	  "bench_choose_cpus() decides; the child pins itself to cpus[1], "
	  "the parent to cpus[0]; the result reports both (-1 when not "
	  "pinned); the caller gets back the affinity it had.",
	  "`sched_getaffinity(0, sizeof(saved), &saved);` before, "
	  "`CPU_ZERO(&s); CPU_SET(cpu, &s); sched_setaffinity(0, "
	  "sizeof(s), &s);` in each process, `sched_setaffinity(0, "
	  "sizeof(saved), &saved);` at the end." },
	{ "test_demo_verify_step2_matches_reference",
	  "Run `build/labs/11-bench/demo verify pipe fifo socketpair`: which "
	  "line says something else than ok?",
	  "The demo runs both benchmarks at every size and prints the errno "
	  "of any failure.",
	  "Fix the failing mechanism's every-size tests first." },

	/* Step 3: message queues */
	{ "test_sysv_mq_pingpong_every_size",
	  "How large may one System V message be? How large is yours at "
	  "64 KiB?",
	  "msgsnd() fails with EINVAL above msgmax (8192 here): send a "
	  "large message in pieces and receive the same pieces. One queue "
	  "for both ways: the type says the direction. msgctl(IPC_RMID) "
	  "when the channel closes.",
	  "`struct msginfo info; msgctl(0, IPC_INFO, (struct msqid_ds "
	  "*)&info); piece = min(size, info.msgmax);` then one msgsnd() of "
	  "`long type` + piece bytes per piece." },
	{ "test_sysv_mq_stream_every_size",
	  "Does msgrcv() ask for the other end's type, and check the size "
	  "of each piece?",
	  "The parent sends type 1 and receives type 2, the child the "
	  "opposite; msgrcv() returns the piece's size.",
	  "`got = msgrcv(id, buf, piece, 2 - end, 0); if (got != n) { errno "
	  "= EPROTO; return -1; }`" },
	{ "test_posix_mq_pingpong_every_size",
	  "What mq_msgsize did you give mq_open(), and how large a buffer "
	  "does mq_receive() get?",
	  "mq_msgsize is at most msgsize_max (8192): send pieces. "
	  "mq_receive() fails with EMSGSIZE unless its buffer holds "
	  "mq_msgsize bytes. Unlink the names as soon as both queues are "
	  "open.",
	  "`struct mq_attr a = { .mq_maxmsg = 10, .mq_msgsize = 8192 }; "
	  "mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a); "
	  "mq_unlink(name);`" },
	{ "test_posix_mq_stream_every_size",
	  "Where does the last, shorter piece of a message go?",
	  "mq_receive() wants room for a whole mq_msgsize message even for "
	  "a short one: receive the last piece into a scratch buffer, then "
	  "copy it.",
	  "`to = n == piece ? p + off : scratch; got = mq_receive(mq, to, "
	  "piece, NULL);` then `memcpy(p + off, scratch, n)` when needed." },
	{ "test_queues_retry_eintr",
	  "What do your queue loops do when a call fails with EINTR?",
	  "EINTR means a signal came before anything happened: nothing was "
	  "sent or received. Give up, and the other process waits for ever.",
	  "`while (msgsnd(...) == -1) if (errno != EINTR) return -1;` and the "
	  "same for msgrcv(), mq_send() and mq_receive()." },
	{ "test_queues_report_failures",
	  "What happens when a piece of another size arrives, or when "
	  "msgrcv() or mq_receive() fails with something else than EINTR?",
	  "Both calls return the size of the piece they took: compare it "
	  "with the size you expect (EPROTO). Receive into space of a whole "
	  "piece (mq_msgsize bytes; msgrcv()'s msgsz), never straight into "
	  "the last, shorter part of the caller's buffer. A call that fails "
	  "for good ends the receive with its errno.",
	  "`while ((got = msgrcv(id, scratch, piece, type, 0)) == -1) if "
	  "(errno != EINTR) return -1; if ((size_t)got != n) { errno = "
	  "EPROTO; return -1; }`, then copy n bytes out of scratch." },
	{ "test_demo_verify_step3_matches_reference",
	  "Run `build/labs/11-bench/demo verify sysv-mq posix-mq`.",
	  "A line that is not ok names the errno: EINVAL or EMSGSIZE at "
	  "64 KiB is a message over the limit.",
	  "Fix the every-size tests of step 3 first." },

	/* Step 4: shared memory */
	{ "test_shm_sem_pingpong_every_size",
	  "Which ring does each end send on, and which does it receive on?",
	  "End e sends on ring e and receives on ring 1 - e. The sender "
	  "waits on free slots, copies, posts used; the receiver waits on "
	  "used, copies out, posts free.",
	  "`sem_init(&ring->free_slots, 1, SLOTS); sem_init(&ring->used_slots, "
	  "1, 0);` in a `mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | "
	  "MAP_ANONYMOUS, -1, 0)` made before fork()." },
	{ "test_shm_sem_stream_every_size",
	  "How does a 1 MiB message fit in your slots?",
	  "In pieces of one slot each, in order: the receiver takes the "
	  "pieces from the same slots in the same order.",
	  "Slot of piece k: `slots + (k % SLOTS) * piece`, k counted by each "
	  "end for each direction." },
	{ "test_shm_spin_pingpong_every_size",
	  "What makes the copied bytes visible to the other process before "
	  "the counter that announces them?",
	  "A release store of tail after the copy, an acquire load of tail "
	  "before reading: the pair orders them. head and tail on cache "
	  "lines of their own.",
	  "`while (atomic_load_explicit(&r->tail, memory_order_acquire) == "
	  "seq) spin;` copy, `atomic_store_explicit(&r->head, seq + 1, "
	  "memory_order_release);`" },
	{ "test_shm_spin_stream_every_size",
	  "When may the sender reuse a slot?",
	  "Only when the receiver has taken the piece in it: while tail - "
	  "head equals the number of slots, the ring is full.",
	  "`while (tail - atomic_load_explicit(&r->head, "
	  "memory_order_acquire) >= SLOTS) spin;`" },
	{ "test_shm_sem_retries_eintr",
	  "What does your code do when sem_wait() fails with EINTR?",
	  "A signal handler ran while the process slept: nothing was taken. "
	  "Wait again.",
	  "`while (sem_wait(sem) == -1) if (errno != EINTR) return -1;`" },
	{ "test_shm_spin_on_one_cpu",
	  "When both processes share one CPU, who runs while your waiter "
	  "spins?",
	  "Nobody else: the process you wait for needs that CPU. After a "
	  "few thousand turns, give it away.",
	  "`if (++spins < 4096) __builtin_ia32_pause(); else { "
	  "sched_yield(); spins = 0; }`" },
	{ "test_shm_serves_api_peers",
	  "Do bench_chan_send() and bench_chan_recv() cut a message into "
	  "the same pieces as your benchmarks, and copy each one whole?",
	  "The test's peers use bench_chan_send(), bench_chan_recv() and "
	  "bench_check() on shared memory, and one flips a bit. Piece k of "
	  "a message is bytes k * piece to k * piece + len(k), the last one "
	  "shorter; a benchmark that fills or checks the slots in place must "
	  "put each byte where bench_fill() would (a piece starting on a "
	  "multiple of 8).",
	  "`for (off = 0; off < len; off += piece) { n = len - off < piece ? "
	  "len - off : piece; slot = claim(); memcpy(slot, p + off, n); "
	  "publish(); }`, and the same the other way; on a bad piece, "
	  "EBADMSG." },
	{ "test_shm_create_fails_cleanly",
	  "What does shm_create() leave behind when mmap() or sem_init() "
	  "fails?",
	  "The test makes each call of bench_chan_create() fail in turn: it "
	  "must return NULL with that call's errno, the mapping unmapped and "
	  "nothing left open.",
	  "`if (ch->region == MAP_FAILED) { ch->region = NULL; return -1; }`, "
	  "`if (sem_init(...) == -1) return -1;` and bench_chan_create() "
	  "closes the channel made so far, errno kept." },
	{ "test_demo_verify_step4_matches_reference",
	  "Run `build/labs/11-bench/demo verify shm-sem shm-spin`.",
	  "A line that is not ok names the errno of the failure.",
	  "Fix the every-size tests of step 4 first." },

	/* Step 5: sockets */
	{ "test_unix_stream_pingpong_every_size",
	  "When does the child connect(), and is the parent already "
	  "listening?",
	  "Bind and listen before fork(): then the child's connect() "
	  "succeeds at once and the parent's accept() takes it. Unlink the "
	  "socket file once connected.",
	  "create: `socket(AF_UNIX, SOCK_STREAM, 0); bind(); listen(fd, 1);` "
	  "attach: parent `accept4()`, child `socket()` + `connect()`." },
	{ "test_unix_stream_stream_every_size",
	  "Does the unix stream channel use the stream send and receive "
	  "loops?",
	  "A stream socket is a byte stream like a pipe: the same loops.",
	  "Dispatch BENCH_UNIX_STREAM to fd_send()/fd_recv()." },
	{ "test_unix_stream_survives_short_io",
	  "What does one read() of a 64 KiB message on a stream socket "
	  "return?",
	  "Part of it: the public ipc-bench projects fail right here, taking "
	  "the short read for an error.",
	  "Keep reading until len bytes arrived (fd_recv())." },
	{ "test_unix_dgram_pingpong_every_size",
	  "How large a datagram may you send, and how do you know the size "
	  "of the one you received?",
	  "Above the send buffer (~208 KiB) send() fails with EMSGSIZE: "
	  "send 64 KiB pieces. recv() with MSG_TRUNC returns a datagram's "
	  "real size.",
	  "`got = recv(fd, p + off, n, MSG_TRUNC); if (got != n) { errno = "
	  "EPROTO; return -1; }`" },
	{ "test_unix_dgram_stream_every_size",
	  "Are the two datagram sockets connected to each other?",
	  "Bind both in the directory and connect() each to the other's "
	  "path: then send() and recv() need no address, and the files can "
	  "be unlinked at once.",
	  "`bind(fd[d], addr[d]); connect(fd[d], addr[1 - d]);` then "
	  "`unlink()` both paths." },
	{ "test_tcp_pingpong_every_size",
	  "Which port does your listener use?",
	  "Port 0: the kernel picks a free one, and getsockname() tells "
	  "which. TCP_NODELAY sends small messages at once.",
	  "`bind(fd, {AF_INET, 127.0.0.1, port 0}); getsockname(fd, &addr, "
	  "&len); listen(fd, 1);` and `setsockopt(fd, IPPROTO_TCP, "
	  "TCP_NODELAY, &one, sizeof(one))`." },
	{ "test_tcp_stream_every_size",
	  "Does TCP use the stream send and receive loops?",
	  "TCP is a byte stream: a message comes in segments.",
	  "Dispatch BENCH_TCP to fd_send()/fd_recv()." },
	{ "test_tcp_survives_short_io",
	  "Do your send and receive loops resume after short transfers and "
	  "EINTR?",
	  "The grader cuts every call short and interrupts every third one.",
	  "The loops of fd_send() and fd_recv()." },
	{ "test_sockets_report_failures",
	  "What do your socket channels do when socket(), bind(), listen(), "
	  "connect() or accept() fails, when the other end closes, and when "
	  "the directory's path is too long for sun_path?",
	  "Each failure ends the call with its errno, what was made closed "
	  "and unlinked; accept() interrupted (EINTR) is called again. "
	  "recv() or read() returning 0 is EOF (EPIPE); a datagram of "
	  "another size is EPROTO (recv() with MSG_TRUNC tells its size). A "
	  "socket file's path that does not fit in sun_path is "
	  "ENAMETOOLONG: never cut it short.",
	  "`len = snprintf(path, sizeof(addr.sun_path), \"%s/...\", dir, ...); "
	  "if (len >= sizeof(addr.sun_path)) { errno = ENAMETOOLONG; return "
	  "-1; }` and `do fd = accept4(...); while (fd == -1 && errno == "
	  "EINTR);`" },
	{ "test_stream_listener_is_private",
	  "Who can connect to your listener, and for how long?",
	  "The TCP listener is bound to 127.0.0.1 alone (not INADDR_ANY). "
	  "Once the one connection is accepted, the parent closes the "
	  "listener and unlinks the socket file; the child closes its copy "
	  "of the listener before it connects.",
	  "`addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);` and, after "
	  "accept(), `close(listener); unlink(path);`; in the child, "
	  "`close(listener);` then socket() and connect()." },
	{ "test_demo_verify_step5_matches_reference",
	  "Run `build/labs/11-bench/demo verify unix-stream unix-dgram tcp`.",
	  "A line that is not ok names the errno of the failure.",
	  "Fix the every-size tests of step 5 first." },

	/* Step 6: signals */
	{ "test_signal_pingpong",
	  "When is SIGUSR1 blocked, and how do you wait for it?",
	  "Blocked before fork(), a signal sent before its receiver waits "
	  "stays pending instead of killing it; sigwaitinfo() takes it with "
	  "its value, no handler needed.",
	  "create: `sigprocmask(SIG_BLOCK, &usr1, &ch->old_mask);` send: "
	  "`sigqueue(peer, SIGUSR1, value);` recv: `sigwaitinfo(&usr1, "
	  "&info);`, again after EINTR (the test's child sends a SIGUSR2 "
	  "the parent catches while it waits)." },
	{ "test_signal_leaves_signal_mask",
	  "What is the caller's signal mask after bench_chan_close()?",
	  "The channel blocks SIGUSR1 alone, for its own use: the caller "
	  "gets back the mask it had, whether SIGUSR1 was blocked in it or "
	  "not, and a SIGUSR1 nobody took is dropped before that.",
	  "In close, in the creator: `sigprocmask(SIG_SETMASK, "
	  "&ch->old_mask, NULL);`" },
	{ "test_signal_stream_is_refused",
	  "What happens to two SIGUSR1 sent before the receiver takes the "
	  "first?",
	  "Standard signals do not queue: the second is lost. A stream of "
	  "them is not a channel; refuse it, and refuse messages larger "
	  "than an int.",
	  "`if (stream && cfg->mech == BENCH_SIGNAL) { errno = EINVAL; "
	  "return -1; }`" },
	{ "test_demo_verify_step6_matches_reference",
	  "Run `build/labs/11-bench/demo verify signal`.",
	  "A line that is not ok names the errno of the failure.",
	  "Fix test_signal_pingpong first." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
