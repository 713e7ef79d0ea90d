/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 03's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: a System V queue */
	{ "test_create_new_queue",
	  "Which flags does your msgget() get, and do you pass the key on as "
	  "it came?",
	  "msgget's third argument carries both the creation flags and the "
	  "permission bits: IPC_CREAT | IPC_EXCL makes a new queue, 0600 lets "
	  "only its owner send and receive. The test reads the key and the "
	  "mode back with IPC_STAT.",
	  "In msgq_create(): `return msgget(key, IPC_CREAT | IPC_EXCL | "
	  "0600);`." },
	{ "test_create_existing_key_fails",
	  "The key already has a queue. Does your msgq_create() open it "
	  "instead of failing?",
	  "IPC_CREAT alone means \"create it, or open it if it exists\": you "
	  "would take over somebody else's queue. With IPC_EXCL as well, "
	  "msgget fails with EEXIST when the key has one.",
	  "`msgget(key, IPC_CREAT | IPC_EXCL | 0600)`, and return its -1 as "
	  "it came: no second try without IPC_EXCL." },
	{ "test_create_private_is_new",
	  "What does msgget() do with the key IPC_PRIVATE? Does your code "
	  "treat it differently?",
	  "IPC_PRIVATE is not looked up: every msgget(IPC_PRIVATE, ...) makes "
	  "a new queue that no key finds. Two calls give two ids.",
	  "The same single line: `return msgget(key, IPC_CREAT | IPC_EXCL | "
	  "0600);`, with no id kept from an earlier call and no ftok() of "
	  "your own." },
	{ "test_open_existing",
	  "How do you find a queue that another process created for this key?",
	  "msgget() with the same key and no IPC_CREAT returns the existing "
	  "queue's id, the same number in every process.",
	  "In msgq_open(): `return msgget(key, 0);`." },
	{ "test_open_missing_enoent",
	  "The key has no queue. Does your msgq_open() make one?",
	  "Without IPC_CREAT, msgget fails with ENOENT when the key has no "
	  "queue, and the caller learns that what it expected is not there. "
	  "With IPC_CREAT it would quietly make an empty one.",
	  "`msgget(key, 0)`: flags 0, no IPC_CREAT (permission bits are only "
	  "for creating)." },
	{ "test_remove_deletes_queue",
	  "Which call removes a queue? Does a message still in it matter?",
	  "A System V queue stays in the kernel until msgctl(IPC_RMID) "
	  "removes it, messages and all. Removing it a second time fails with "
	  "EINVAL (or EIDRM): return that as msgctl set it.",
	  "In msgq_remove(): `return msgctl(id, IPC_RMID, NULL);`." },
	{ "test_send_counts_text_only",
	  "Which size do you give msgsnd(): the text, or the text plus the "
	  "long in front?",
	  "msgsnd's size counts mtext only; the kernel takes the long mtype "
	  "in front by itself. With sizeof(long) + len, 8 bytes past your "
	  "text go into the message: the queue then holds 13 bytes for 5.",
	  "`rec = malloc(offsetof(struct record, mtext) + len); rec->mtype = "
	  "type; memcpy(rec->mtext, text, len); msgsnd(id, rec, len, flags);` "
	  "then free(rec), keeping errno." },
	{ "test_send_keeps_boundaries",
	  "The third message is empty, with text NULL. Does your function "
	  "still send it?",
	  "Every msgsnd() is one message, kept whole, and a 0-byte message is "
	  "a message too. A memcpy() from NULL is undefined even for 0 "
	  "bytes: skip the copy, never the send.",
	  "`if (len > 0) memcpy(rec->mtext, text, len);` then `msgsnd(id, "
	  "rec, len, flags)` for every len, 0 included." },
	{ "test_send_largest_message",
	  "A message of exactly msgmax bytes was refused. Which size did "
	  "msgsnd() see?",
	  "msgsnd fails with EINVAL when the size is above msgmax "
	  "(/proc/sys/kernel/msgmax). Counting sizeof(long) makes the largest "
	  "valid message 8 bytes too long. msgmax + 1 must still fail: let "
	  "the kernel refuse it.",
	  "`msgsnd(id, rec, len, flags)` with len as given, into a record of "
	  "`offsetof(struct record, mtext) + len` bytes; no size check of "
	  "your own." },
	{ "test_send_rejects_bad_input",
	  "When msgsnd() fails, what do you return: its -1 and its errno?",
	  "msgsnd itself refuses type 0 (EINVAL) and a removed queue (EINVAL "
	  "or EIDRM). Return its result, and keep its errno across the free().",
	  "`rc = msgsnd(id, rec, len, flags); saved = errno; free(rec); errno "
	  "= saved; return rc;`" },
	{ "test_send_nowait_full_queue",
	  "The queue has room for 8 bytes and holds 8. Which flag did the "
	  "caller pass, and did msgsnd() get it?",
	  "msgsnd waits while the queue is full, unless IPC_NOWAIT is in its "
	  "flags: then it fails at once with EAGAIN. The grader shrank the "
	  "queue's msg_qbytes to 8 so that one message fills it.",
	  "Pass flags through: `msgsnd(id, rec, len, flags)`, not 0 and not "
	  "a constant of your own." },
	{ "test_send_receive_free_their_buffers",
	  "Your send and your receive each malloc() a record. Is it freed on "
	  "every way out, the failed calls included?",
	  "The test sends and receives 1000 bytes 100 times, then makes 100 "
	  "receives fail with E2BIG and 100 sends fail on a removed queue, and "
	  "compares the heap before and after: each record lost is a KiB. Free "
	  "it whether msgsnd() or msgrcv() worked or not, keeping their errno.",
	  "`n = msgrcv(id, rec, cap, type, flags); if (n == -1) { saved = "
	  "errno; free(rec); errno = saved; return -1; }` and `free(rec)` "
	  "after the copy; in msgq_send(): `rc = msgsnd(...); saved = errno; "
	  "free(rec); errno = saved; return rc;`" },
	{ "test_receive_type_zero_first",
	  "Do you pass the caller's type to msgrcv() as it came, and copy the "
	  "received mtype to *type_out?",
	  "msgtyp 0 takes the first message in the queue, whatever its type. "
	  "The type of what came back is in the record's mtype; the caller "
	  "wants it in *type_out unless that is NULL.",
	  "`n = msgrcv(id, rec, cap, type, flags);` then, if n >= 0, "
	  "`memcpy(buf, rec->mtext, n); if (type_out != NULL) *type_out = "
	  "rec->mtype;`." },
	{ "test_receive_positive_type_exact",
	  "With type 2, which message comes out of [3 c1] [1 a1] [2 b1] ...? "
	  "Does the sign change anywhere on the way?",
	  "A positive msgtyp takes the first message of exactly that type; a "
	  "negative one the lowest type up to |msgtyp|. Flipping the sign (or "
	  "taking labs()) swaps the two rules.",
	  "`msgrcv(id, rec, cap, type, flags)` with type unchanged: never "
	  "`-type` or `labs(type)`." },
	{ "test_receive_negative_type_lowest",
	  "With type -3, should you get the lowest type, or the first message "
	  "in line?",
	  "msgtyp < 0 takes the first message of the lowest type <= |msgtyp|: "
	  "again and again, that is a1, a2, b1, ... The kernel does it; your "
	  "part is to pass the negative type on.",
	  "The same `msgrcv(id, rec, cap, type, flags)` as for every type: no "
	  "special case for type < 0." },
	{ "test_receive_nowait_empty",
	  "The queue is empty and the caller passed IPC_NOWAIT. Does msgrcv() "
	  "see that flag?",
	  "msgrcv waits while nothing matches, unless IPC_NOWAIT is set: then "
	  "it fails at once with ENOMSG. After a second the grader removes "
	  "the queue to wake a call that waits.",
	  "`n = msgrcv(id, rec, cap, type, flags);` with the caller's flags; "
	  "on -1, free the record, keep errno, return -1." },
	{ "test_receive_nowait_no_match",
	  "The queue holds a type-1 message and you ask for type 5. What "
	  "should become of the type-1 message?",
	  "Nothing matches, so with IPC_NOWAIT msgrcv fails with ENOMSG and "
	  "leaves the queue as it was. Receiving with type 0 and checking the "
	  "type yourself would take the wrong message and lose it.",
	  "`msgrcv(id, rec, cap, type, flags)` with the caller's type 5 and "
	  "IPC_NOWAIT; return -1 with its ENOMSG." },
	{ "test_receive_too_long_e2big",
	  "The room is 88 bytes, the message 92. Which size does your "
	  "msgrcv() get?",
	  "msgrcv's msgsz is the room for mtext alone. With cap + "
	  "sizeof(long), a longer message gets through and overruns the "
	  "caller's buffer. Without MSG_NOERROR, a message longer than msgsz "
	  "fails with E2BIG and stays queued.",
	  "`rec = malloc(offsetof(struct record, mtext) + cap); n = "
	  "msgrcv(id, rec, cap, type, flags);` then copy n bytes into buf." },
	{ "test_receive_noerror_truncates",
	  "The caller passed MSG_NOERROR and room for 10 bytes. Does msgrcv() "
	  "get that flag?",
	  "With MSG_NOERROR, msgrcv takes a longer message anyway, copies its "
	  "first msgsz bytes, drops the rest and returns msgsz. That is the "
	  "caller's choice: pass the flags on.",
	  "`n = msgrcv(id, rec, cap, type, flags);` with flags unchanged "
	  "(IPC_NOWAIT | MSG_NOERROR here), then `memcpy(buf, rec->mtext, "
	  "n)` and set *type_out." },
	{ "test_demo_rules_matches_reference",
	  "Run `build/labs/03-msgqueue/demo rules` and the reference demo: do "
	  "they print the same?",
	  "The demo fills [3 c1] [1 a1] [2 b1] [1 a2] [2 b2], then receives "
	  "with type 0, 2, -2, 9 (IPC_NOWAIT), and into 1 byte with and "
	  "without MSG_NOERROR: each line is one msgq_receive().",
	  "`make demo LAB=03 IMPL=solutions`, then compare `demo rules` from "
	  "build/labs/03-msgqueue/ and build/solutions/03-msgqueue/ line by "
	  "line." },

	/* Step 2: priority dispatch */
	{ "test_dispatch_lowest_type_first",
	  "Which msgtyp takes the lowest type up to max_type first?",
	  "A negative one: -max_type takes the first message of the lowest "
	  "type <= max_type, so a loop of them gives the types in order, "
	  "first in first out within each. Type 0 is arrival order; "
	  "+max_type only that one type.",
	  "Loop on `n = msgq_receive(id, -max_type, text, sizeof(text), "
	  "IPC_NOWAIT, &type);` with `char text[MSGQ_TEXT_MAX]`, calling "
	  "`handler(type, text, n, arg)` for each." },
	{ "test_dispatch_leaves_higher_types",
	  "Types 5 and 7 are above max_type 4. Does your loop take them, or "
	  "stop at them?",
	  "With msgtyp -4, msgrcv never matches a type above 4: once 1 and 2 "
	  "are taken it fails with ENOMSG, and 5 and 7 stay queued. Receiving "
	  "everything and sorting it out yourself would consume them.",
	  "The loop's only receive: `msgq_receive(id, -max_type, text, "
	  "sizeof(text), IPC_NOWAIT, &type)`, and `if (n == -1 && errno == "
	  "ENOMSG) return handled;`." },
	{ "test_dispatch_empty_queue",
	  "On an empty queue, does your first receive wait? What does it "
	  "return?",
	  "Without IPC_NOWAIT, msgrcv on an empty queue waits for ever. With "
	  "it, it fails with ENOMSG, which here means \"drained\": the normal "
	  "end, so return the count, 0.",
	  "`if (n == -1) { if (errno == ENOMSG) return handled; if (errno == "
	  "EINTR) continue; return -1; }`" },
	{ "test_dispatch_handler_error_stops",
	  "The handler returned -1 at the second message. Does your loop go "
	  "on?",
	  "A non-zero return from the handler means stop: its message is "
	  "consumed, the rest stay, and errno is the handler's (ECANCELED "
	  "here). Return -1 without a call that could change errno.",
	  "`if (handler(type, text, (size_t)n, arg) != 0) return -1;` then "
	  "`handled++;`." },
	{ "test_dispatch_rejects_bad_max_type",
	  "What is -max_type when max_type is 0, and what does msgrcv() do "
	  "with it?",
	  "-0 is 0, which msgrcv reads as \"any type\": it would take a "
	  "message nobody asked for. A max_type below 1 is the caller's "
	  "mistake: refuse it before receiving anything.",
	  "First thing in msgq_dispatch(): `if (max_type < 1) { errno = "
	  "EINVAL; return -1; }`." },
	{ "test_dispatch_retries_interrupted_receive",
	  "Your first receive fails with EINTR. Does your loop stop there, as "
	  "it does at ENOMSG?",
	  "EINTR means a signal came before any message was taken: the queue "
	  "is as it was. It is neither \"drained\" (ENOMSG) nor an error: "
	  "receive again. Both messages must still be handled, type 1 then "
	  "type 2.",
	  "Right after each msgq_receive(): `if (n == -1) { if (errno == "
	  "ENOMSG) return handled; if (errno == EINTR) continue; return -1; "
	  "}`" },
	{ "test_dispatch_reports_receive_errors",
	  "The second receive fails with EIDRM: the queue is gone. Does your "
	  "loop return the count so far, or -1?",
	  "Only ENOMSG ends the dispatch normally. Any other error (EIDRM, "
	  "EINVAL, E2BIG, ...) means messages could not be taken: return -1 "
	  "with msgrcv's errno, after the one message already handled. Taking "
	  "every -1 for \"drained\" hides it.",
	  "`if (n == -1) { if (errno == ENOMSG) return handled; if (errno == "
	  "EINTR) continue; return -1; }`, never `if (n == -1) return "
	  "handled;` or a `break` on any error." },
	{ "test_demo_dispatch_matches_reference",
	  "Does `demo dispatch 3 3:c1 1:a1 5:e1 2:b1 1:a2 3:c2` print the same "
	  "as the reference?",
	  "The demo sends those messages, dispatches types 1 to 3 and prints "
	  "each message handled and how many are left: a1, a2, b1, c1, c2, "
	  "with e1 still queued.",
	  "`make demo LAB=03 IMPL=solutions`, then run both demos with those "
	  "arguments and compare line by line." },

	/* Step 3: the queue outlives its writer */
	{ "test_send_from_child_outlives_writer",
	  "Who sends the message, and is that process gone, and reaped, when "
	  "your function returns?",
	  "The child sends with msgq_send() and ends with _exit(); the parent "
	  "waits for it. The message stays in the kernel after its writer is "
	  "gone: msg_lspid names the dead child, whose pid you return.",
	  "`pid = fork(); if (pid == 0) _exit(msgq_send(id, type, text, len, "
	  "0) == 0 ? 0 : errno);` then in the parent `waitpid(pid, &status, "
	  "0)` and `return pid;`." },
	{ "test_send_from_child_reports_errors",
	  "The child's msgsnd() failed. How does the parent learn which errno "
	  "it was?",
	  "errno lives in the child's memory and dies with it. Its exit "
	  "status carries a byte, enough for an errno: the child exits with "
	  "it, the parent reads WEXITSTATUS and puts it back into errno.",
	  "Child: `_exit(errno)` when msgq_send() fails. Parent: `if "
	  "(!WIFEXITED(status)) { errno = ECHILD; return -1; } if "
	  "(WEXITSTATUS(status) != 0) { errno = WEXITSTATUS(status); return "
	  "-1; }`." },
	{ "test_send_from_child_reports_a_killed_child",
	  "The child is killed (SIGKILL) inside msgsnd(). What does "
	  "WEXITSTATUS(status) mean for a child that never called _exit()?",
	  "A child killed by a signal has no exit status: WIFEXITED is false, "
	  "and WEXITSTATUS reads bits that mean nothing (0 here, which looks "
	  "like success). Check WIFEXITED first: a child that did not exit "
	  "reported nothing, so fail with ECHILD.",
	  "After `waitpid(pid, &status, 0)`: `if (!WIFEXITED(status)) { errno "
	  "= ECHILD; return -1; }`, before you look at "
	  "`WEXITSTATUS(status)`." },
	{ "test_send_from_child_reports_wait_errors",
	  "waitpid() fails with ECHILD. What is in your status variable then?",
	  "A failed waitpid() sets no status: the variable holds whatever the "
	  "stack held (zeros here, which read as \"exited with 0\"). Check "
	  "what waitpid() returns; only EINTR is worth another call, any other "
	  "failure is -1 with its errno.",
	  "`while (waitpid(pid, &status, 0) == -1) if (errno != EINTR) return "
	  "-1;` and only then WIFEXITED() and WEXITSTATUS()." },
	{ "test_child_to_parent_round_trip",
	  "Once your parent has read the message, is the queue still in the "
	  "kernel?",
	  "A queue outlives every process until msgctl(IPC_RMID). Create it, "
	  "let the child send (it has exited when msgq_send_from_child() "
	  "returns), receive with IPC_NOWAIT and the same type, then remove "
	  "it.",
	  "`id = msgq_create(key); msgq_send_from_child(id, 1, text, len); n "
	  "= msgq_receive(id, 1, buf, cap, IPC_NOWAIT, NULL); msgq_remove(id);"
	  "` and return n." },
	{ "test_child_to_parent_removes_on_error",
	  "The receive fails with E2BIG (50 bytes, room for 10). Which way "
	  "out does your function take, and does it remove the queue?",
	  "Once the queue exists, every way out removes it, failures too. The "
	  "caller must still see E2BIG, so save errno before msgctl().",
	  "One exit for success and failure: `saved = errno; "
	  "msgq_remove(id); errno = saved; return n;` (n is -1 after a failed "
	  "send or receive)." },
	{ "test_child_to_parent_key_in_use",
	  "msgq_create() failed with EEXIST. Whose queue is that?",
	  "EEXIST means another process made a queue for that key: not yours "
	  "to use or remove. Return -1 with EEXIST before doing anything "
	  "else; the cleanup is only for a queue you created.",
	  "At the top: `id = msgq_create(key); if (id == -1) return -1;`, "
	  "before the fork and before any msgq_remove()." },
	{ "test_child_to_parent_reports_a_failed_remove",
	  "The message came back, but msgctl(IPC_RMID) failed with EPERM. What "
	  "does your function return?",
	  "A queue you could not remove stays in the kernel after you return: "
	  "every call would leave one more. That is a failure to report, -1 "
	  "with msgctl's errno, although the receive worked. If the send or "
	  "the receive failed, their errno comes first.",
	  "At the one exit: `saved = errno; if (msgq_remove(id) == -1 && n != "
	  "-1) return -1; errno = saved; return n;`" },
	{ "test_demo_child_matches_reference",
	  "Does `demo child \"the writer is gone, its message is not\"` print "
	  "the same as the reference?",
	  "The demo calls msgq_child_to_parent(IPC_PRIVATE, ...) and prints "
	  "how many bytes the child sent and the parent read back.",
	  "Run both demos with that argument (`make demo LAB=03 "
	  "IMPL=solutions`) and compare: a difference is in the length or "
	  "bytes msgq_child_to_parent() returned, or its errno." },

	/* Step 4: a POSIX queue */
	{ "test_posix_create_sets_attributes",
	  "Where do mq_maxmsg and mq_msgsize go, and which flags open the "
	  "queue?",
	  "A POSIX queue's attributes are fixed when it is created: mq_open() "
	  "with O_CREAT takes a mode and a struct mq_attr. O_RDWR lets you "
	  "both send and receive; leave O_NONBLOCK out.",
	  "`struct mq_attr attr = { .mq_maxmsg = max_messages, .mq_msgsize = "
	  "message_size }; return mq_open(name, O_RDWR | O_CREAT | O_EXCL, "
	  "0600, &attr);`" },
	{ "test_posix_create_existing_fails",
	  "The name is taken. Does your mq_open() open the queue that is "
	  "there?",
	  "O_CREAT alone opens an existing queue and ignores your attributes. "
	  "With O_EXCL as well, mq_open fails with EEXIST, as open() does for "
	  "files.",
	  "`mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr)`, and "
	  "return its (mqd_t)-1 unchanged." },
	{ "test_posix_limits_reads_attributes",
	  "How do you read a queue's attributes from its name, and what "
	  "becomes of the descriptor afterwards?",
	  "Open the existing queue (no O_CREAT), ask mq_getattr() for "
	  "mq_maxmsg, mq_msgsize and mq_curmsgs, then mq_close(): the grader "
	  "counts descriptors. A NULL pointer means \"not wanted\".",
	  "`q = mq_open(name, O_RDONLY); mq_getattr(q, &attr); mq_close(q);` "
	  "then `if (max_messages != NULL) *max_messages = attr.mq_maxmsg;` "
	  "and the same for the other two." },
	{ "test_posix_limits_defaults",
	  "This queue was made with NULL attributes. Does your function read "
	  "its sizes, or assume them?",
	  "mq_open() with NULL attributes uses /proc/sys/fs/mqueue/msg_default "
	  "and msgsize_default. mq_getattr() reports what the queue really "
	  "has: no constants in its place.",
	  "Fill the outputs from `mq_getattr(q, &attr)`: attr.mq_maxmsg, "
	  "attr.mq_msgsize, attr.mq_curmsgs." },
	{ "test_posix_limits_missing_enoent",
	  "No queue has that name. Does your function make one to look at?",
	  "Without O_CREAT, mq_open() fails with ENOENT when the name is "
	  "free. With O_CREAT it would make a queue, and leave it behind, "
	  "instead of saying there is none.",
	  "`q = mq_open(name, O_RDONLY); if (q == (mqd_t)-1) return -1;` (two "
	  "arguments, no O_CREAT)." },
	{ "test_posix_by_priority_highest_first",
	  "In which order does mq_receive() give messages back, and how large "
	  "is your receive buffer?",
	  "A POSIX queue always gives the oldest message of the highest "
	  "priority: the order is the queue's. mq_receive() fails with "
	  "EMSGSIZE if the buffer is smaller than mq_msgsize, however short "
	  "the message. Size the queue for n messages of the longest length "
	  "(at least 1).",
	  "`q = msgq_posix_create(name, n, longest);` `mq_send(q, text, len, "
	  "priority)` for each; `mq_receive(q, buf, longest, &prio)` n times "
	  "into `buf = malloc(longest)`; then `mq_close(q); "
	  "mq_unlink(name);`." },
	{ "test_posix_by_priority_unlinks_on_error",
	  "The handler fails at the second message. Does your function still "
	  "close and unlink the queue?",
	  "mq_close() only drops your descriptor; the queue and its name stay "
	  "until mq_unlink(). Once the queue exists, both happen on every "
	  "path, and errno stays the handler's ECANCELED.",
	  "After the loops, however they ended: `saved = errno; mq_close(q); "
	  "mq_unlink(name); errno = saved; return rc == 0 ? (long)n : -1;`." },
	{ "test_posix_by_priority_name_in_use",
	  "mq_open() failed with EEXIST. Whose queue is that, and do you "
	  "unlink it?",
	  "The name belongs to a queue someone else made. O_CREAT | O_EXCL "
	  "tells you so; your cleanup must not touch it: unlink only what you "
	  "created.",
	  "`q = msgq_posix_create(name, n, longest); if (q == (mqd_t)-1) "
	  "return -1;`, before any send, close or unlink." },
	{ "test_posix_remove_unlinks",
	  "Which call removes a POSIX queue: mq_close(), or another one?",
	  "mq_unlink(name) removes the name at once; processes that have the "
	  "queue open keep it until they close it. A name already gone fails "
	  "with ENOENT: return that.",
	  "In msgq_posix_remove(): `return mq_unlink(name);`." },
	{ "test_posix_limits_closes_when_getattr_fails",
	  "mq_getattr() fails with EBADF. Is the descriptor you opened closed "
	  "on that path?",
	  "An mqd_t is a file descriptor on Linux, and the grader counts them: "
	  "a failure path that skips mq_close() leaks one. Close it, and "
	  "return -1 with mq_getattr's errno, kept across mq_close().",
	  "`if (mq_getattr(q, &attr) == -1) { saved = errno; mq_close(q); "
	  "errno = saved; return -1; }`" },
	{ "test_posix_by_priority_frees_its_buffer",
	  "Your receive buffer is mq_msgsize bytes, 8000 here. Is it freed "
	  "when the handler fails too?",
	  "The test calls your function 40 times with a handler that accepts, "
	  "40 times with one that fails at the first message, and compares the "
	  "heap before and after: 8000 bytes per buffer lost. Free it however "
	  "the receive loop ended, keeping errno.",
	  "After the receive loop, on every path: `saved = errno; free(buf); "
	  "errno = saved;` then mq_close() and mq_unlink()." },
	{ "test_posix_by_priority_cleans_up_when_calls_fail",
	  "mq_open(), each mq_send(), each mq_receive(), mq_unlink() and "
	  "malloc() fail in turn. Does your function stop at the first failure "
	  "and undo what it did?",
	  "A failed mq_open() leaves nothing to undo. After it, a failure "
	  "closes the queue, unlinks it, frees the buffer and returns -1 with "
	  "the failed call's errno. A failed send means fewer messages: "
	  "receiving n would wait for ever. A failed mq_unlink() is an error "
	  "too: the name outlives you.",
	  "Each loop stops at its first -1 (`rc = -1; break;`), receive only "
	  "`if (rc == 0)`; then `saved = errno; mq_close(q); if "
	  "(mq_unlink(name) == -1 && rc == 0) return -1; errno = saved; return "
	  "rc == 0 ? (long)n : -1;`" },
	{ "test_demo_posix_matches_reference",
	  "Do `demo posix 1:low 5:high 3:mid 5:high2 0:zero` and `demo "
	  "limits` print the same as the reference's?",
	  "`posix` passes those messages through msgq_posix_by_priority() and "
	  "prints them as received, highest priority first; `limits` prints "
	  "/proc's limits and live queues' attributes through "
	  "msgq_posix_create() and msgq_posix_limits().",
	  "`make demo LAB=03 IMPL=solutions`, then run both demos with each "
	  "of those two argument lists and compare line by line." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
