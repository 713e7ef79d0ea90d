/* SPDX-License-Identifier: MIT */
/**
 * @file hints.c
 * @brief Lab 05's hints for `make hint`: three per test, from a nudge to
 *        the exact call.
 */
#include "grade.h"

const struct grade_hint grade_hints[] = {
	/* Step 1: a System V segment */
	{ "test_sysv_create_attach_detach_remove",
	  "Which call does each of create, attach, detach and remove make, "
	  "and with which arguments?",
	  "shmget() with IPC_CREAT | IPC_EXCL | 0600 makes a new segment, all "
	  "zeros, for the caller's key and size; shmat() maps it; shmdt() "
	  "unmaps it without destroying it (the data stays until IPC_RMID); "
	  "shmctl(IPC_RMID) removes it.",
	  "`return shmget(key, size, IPC_CREAT | IPC_EXCL | 0600);`, "
	  "`shmat(shmid, NULL, 0)`, `return shmdt(addr);`, `return "
	  "shmctl(shmid, IPC_RMID, NULL);`." },
	{ "test_sysv_create_is_exclusive",
	  "A segment with that key exists already. Does your create hand it "
	  "to you?",
	  "IPC_CREAT alone returns the existing segment of that key: you "
	  "would share someone's old memory. With IPC_EXCL, shmget fails with "
	  "EEXIST instead. A size of 0 is EINVAL; IPC_PRIVATE gives a new "
	  "segment every time.",
	  "`if (size == 0) { errno = EINVAL; return -1; } return shmget(key, "
	  "size, IPC_CREAT | IPC_EXCL | 0600);`" },
	{ "test_sysv_removed_segment_lives_until_detach",
	  "What becomes of an attached segment when shmctl(IPC_RMID) is "
	  "called on it?",
	  "IPC_RMID on an attached segment marks it SHM_DEST and frees its "
	  "key at once; the memory stays usable until the last detach. So "
	  "shmem_sysv_remove() is that one call, attached or not.",
	  "In shmem_sysv_remove(): `return shmctl(shmid, IPC_RMID, NULL);` "
	  "and nothing else." },
	{ "test_sysv_errors_are_reported",
	  "What does shmat() return when it fails? Is it NULL?",
	  "shmat() reports failure with (void *)-1, not NULL: turn that into "
	  "NULL, keeping its errno (EINVAL for a removed segment). shmdt() "
	  "and shmctl() return -1 with errno: pass them on.",
	  "`void *addr = shmat(shmid, NULL, 0); return addr == (void *)-1 ? "
	  "NULL : addr;`" },
	{ "test_sysv_child_writes_parent_reads",
	  "When shmem_sysv_child_writes() returns, is there still a segment "
	  "with the caller's key?",
	  "A segment outlives every process until IPC_RMID. Removed while "
	  "attached, it stays usable until the last detach: remove it right "
	  "after attaching and nothing can leak, whatever fails next. The "
	  "child inherits the attachment across fork().",
	  "`id = shmem_sysv_create(key, size); mem = shmem_sysv_attach(id); "
	  "shmem_sysv_remove(id);` then fork and wait, `memcpy(out, mem, "
	  "size); shmem_sysv_detach(mem);`." },
	{ "test_sysv_child_writes_odd_size",
	  "12345 bytes is not a whole number of pages. How many bytes do you "
	  "create, let the child fill, and copy out?",
	  "The kernel rounds the segment up to whole pages, but its size is "
	  "what you asked for. fill() gets size, and you copy exactly size "
	  "bytes to out: out is no longer than that.",
	  "`shmget(key, size, ...)`, child `fill(mem, size, arg)`, parent "
	  "`memcpy(out, mem, size)`, then `return (ssize_t)size;`." },
	{ "test_sysv_parent_waits_for_writer",
	  "When does your parent copy the segment: before or after it knows "
	  "that the child has finished?",
	  "Shared memory has no \"ready\": a reader sees whatever is there "
	  "when it reads. The grader's fill() writes only once the parent "
	  "sleeps, so a parent that copies before waitpid() gets zeros. "
	  "waitpid() returning says the writer is done.",
	  "Parent: `waitpid(child, &status, 0)` (again after EINTR), check "
	  "the status, and only then `memcpy(out, mem, size)`." },
	{ "test_sysv_child_failure_is_reported",
	  "fill() returned non-zero in the child. How does the parent find "
	  "out?",
	  "The child reports through its exit status: 0 if fill() succeeded, "
	  "non-zero if not. The parent checks WIFEXITED and WEXITSTATUS and "
	  "fails with EIO; the segment goes on this path too.",
	  "Child: `_exit(fill(mem, size, arg) == 0 ? 0 : 1);`. Parent: `if "
	  "(!WIFEXITED(status) || WEXITSTATUS(status) != 0) errno = EIO;`, "
	  "then detach and return -1." },
	{ "test_sysv_child_writes_cleans_up_when_calls_fail",
	  "shmget(), shmat() and fork() can each fail. After each one, what "
	  "have you made that is still there?",
	  "The grader makes each call fail in turn. Whatever the segment had "
	  "become by then (created, attached) must be undone: removed "
	  "(IPC_RMID) and detached (shmdt). The function returns -1 with the "
	  "errno of the call that failed, keeps out as it was, and leaves no "
	  "descriptor or segment behind.",
	  "Remove the segment right after shmat() (it lives until the last "
	  "detach); if shmat() failed, `errno = saved; return -1;`. If fork() "
	  "failed: `saved = errno; shmdt(mem); errno = saved; return -1;` "
	  "without copying into out." },
	{ "test_sysv_child_writes_survives_interrupted_waitpid",
	  "waitpid() returned -1. Did the child end, or did something else "
	  "happen?",
	  "A signal handler that runs while waitpid() sleeps makes it fail "
	  "with EINTR: nothing was reaped, the child is still there. Only "
	  "EINTR means \"try again\"; any other error is final.",
	  "`while (waitpid(child, &status, 0) == -1) if (errno != EINTR) "
	  "return -1;`" },
	{ "test_demo_sysv_matches_reference",
	  "Does `build/labs/05-shm/demo sysv FILE 100000` print the same as "
	  "the reference demo?",
	  "The demo makes a key with ftok() on FILE, calls "
	  "shmem_sysv_child_writes() for 100000 bytes, and prints how many "
	  "the parent read, whether they are all there, and a checksum.",
	  "`touch /tmp/$USER-key; make demo LAB=05 IMPL=solutions`, then "
	  "compare `demo sysv /tmp/$USER-key 100000` from build/labs/05-shm/ "
	  "and build/solutions/05-shm/." },

	/* Step 2: POSIX objects and mapped files */
	{ "test_posix_create_and_open_share_pages",
	  "How big is a new object after shm_open(), and which mmap() flag "
	  "makes two mappings share their pages?",
	  "A new object has size 0: ftruncate() gives it its size, in zeros. "
	  "MAP_SHARED maps the object's own pages, so a write through one "
	  "mapping shows through the other. An opener learns the size with "
	  "fstat(). The name stays until shm_unlink().",
	  "`fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600); "
	  "ftruncate(fd, size); mem = mmap(NULL, size, PROT_READ | "
	  "PROT_WRITE, MAP_SHARED, fd, 0); close(fd);`; remove: `return "
	  "shm_unlink(name);`." },
	{ "test_posix_errors_are_reported",
	  "What do your functions do with a name in use, a size of 0, a "
	  "missing object? What is left in /dev/shm after a failed create?",
	  "O_CREAT | O_EXCL fails with EEXIST for a name in use; without "
	  "O_CREAT, shm_open fails with ENOENT. A size of 0 is EINVAL; if "
	  "anything fails after shm_open(), unlink the name you just made.",
	  "`if (size == 0) { errno = EINVAL; return NULL; }` before "
	  "shm_open(); after it, on failure: `saved = errno; close(fd); "
	  "shm_unlink(name); errno = saved; return NULL;`." },
	{ "test_posix_object_outlives_its_processes",
	  "The creator exits, then another process opens the name. Do the "
	  "creator's bytes reach it?",
	  "The object lives until shm_unlink(), not until its creator exits. "
	  "Writes reach it only through a MAP_SHARED mapping: MAP_PRIVATE "
	  "gives each process a copy-on-write copy nobody else sees.",
	  "In create and open: `mmap(NULL, size, PROT_READ | PROT_WRITE, "
	  "MAP_SHARED, fd, 0)`; the opener: `fd = shm_open(name, O_RDWR, 0); "
	  "fstat(fd, &st); *size = st.st_size;`." },
	{ "test_file_mapping_persists_after_processes_exit",
	  "The file is new, 0 bytes, and you map 4096 bytes of it. What "
	  "happens when the writer touches the mapping?",
	  "Touching a mapped page that lies wholly past the end of the file "
	  "raises SIGBUS: grow the file with ftruncate() before mmap(). With "
	  "MAP_SHARED the stores are the file's contents, and read() sees "
	  "them once the writers are gone.",
	  "`fd = open(path, O_RDWR | O_CREAT, 0600); fstat(fd, &st); if "
	  "(st.st_size < (off_t)size) ftruncate(fd, size); mem = mmap(NULL, "
	  "size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); close(fd);`" },
	{ "test_file_map_keeps_contents_and_grows",
	  "The file already holds 100 bytes. Does your open keep them, and "
	  "can your ftruncate() make a file shorter?",
	  "O_TRUNC throws away the contents you meant to map. ftruncate() "
	  "sets the length either way: call it only when the file is shorter "
	  "than size, so an 8192-byte file mapped for 4096 stays 8192.",
	  "`open(path, O_RDWR | O_CREAT, 0600)` (no O_TRUNC); `if "
	  "(st.st_size < (off_t)size && ftruncate(fd, (off_t)size) == -1)` "
	  "fail; and EINVAL for size 0 before all that." },
	{ "test_posix_create_cleans_up_when_calls_fail",
	  "shm_open() made a name; then ftruncate() or mmap() failed. Is the "
	  "name still in /dev/shm? And the descriptor?",
	  "Each call fails in turn. Once shm_open() has made the name, every "
	  "failing path shm_unlink()s it and closes the descriptor, and "
	  "returns NULL with the errno of the call that failed (save it "
	  "before cleaning up). A size of 0 or more than fits in an off_t is "
	  "refused with EINVAL before shm_open(): nothing is made.",
	  "`if (size == 0 || size > (size_t)INTPTR_MAX) { errno = EINVAL; "
	  "return NULL; }`, and after a failed ftruncate() or mmap(): `saved "
	  "= errno; shm_unlink(name); close(fd); errno = saved; return "
	  "NULL;`" },
	{ "test_posix_open_reports_errors",
	  "An object exists but has 0 bytes. What could mmap() map?",
	  "An object made with shm_open() and never given a size has 0 "
	  "bytes; mapping it is meaningless, so refuse it with EINVAL (after "
	  "fstat). When shm_open() or mmap() fails, return NULL with its "
	  "errno and close the descriptor you opened.",
	  "`if (st.st_size == 0) { close(fd); errno = EINVAL; return NULL; "
	  "}`; after mmap(): `saved = errno; close(fd); errno = saved;`" },
	{ "test_file_map_cleans_up_when_calls_fail",
	  "open() worked, then ftruncate() or mmap() failed. Who closes the "
	  "file?",
	  "Each of open(), ftruncate() and mmap() fails in turn: return NULL "
	  "with that call's errno, with the descriptor closed. A size of 0 "
	  "(or more than an off_t holds) is EINVAL before open(), so no file "
	  "is created for a call that cannot succeed.",
	  "Check the size first; then `if (fstat(fd, &st) == -1 || "
	  "(st.st_size < (off_t)size && ftruncate(fd, (off_t)size) == -1)) { "
	  "saved = errno; close(fd); errno = saved; return NULL; }`" },
	{ "test_demo_posix_matches_reference",
	  "Does `demo posix /NAME 5000` print the same as the reference's?",
	  "The demo creates the object (it must be all zeros), has a child "
	  "open it by name and fill it, checks that the parent sees all of "
	  "it through its own mapping, then removes it.",
	  "`make demo LAB=05 IMPL=solutions`, then compare `demo posix "
	  "/$USER-demo 5000` from build/labs/05-shm/ and "
	  "build/solutions/05-shm/." },
	{ "test_demo_file_matches_reference",
	  "Does `demo file ./persist.txt` print the same as the reference's, "
	  "and does the file hold both lines?",
	  "Two processes, one after the other, map the file with "
	  "shmem_file_map() and add a line; once both are gone the demo reads "
	  "the file with read(): both lines must be there.",
	  "Compare `demo file ./persist.txt` from build/labs/05-shm/ and "
	  "build/solutions/05-shm/, then `cat ./persist.txt`." },

	/* Step 3: a ring buffer between two processes */
	{ "test_ring_size_and_init_check_arguments",
	  "What does shmem_ring_size() return for a 0, or for a capacity * "
	  "item_size that does not fit? Does shmem_ring_init() check "
	  "mem_size?",
	  "The size is the header, offsetof(struct shmem_ring, slots), plus "
	  "capacity * item_size: check the product before computing it. "
	  "shmem_ring_init() refuses a mem_size below that with EINVAL, and "
	  "returns mem itself.",
	  "`if (capacity > (SSIZE_MAX - header) / item_size) { errno = "
	  "EOVERFLOW; return -1; }` after the EINVAL checks; in init, `if "
	  "(mem_size < (size_t)need)` EINVAL, else `return mem;`." },
	{ "test_ring_fifo_in_one_process",
	  "3 in, 3 out, 20 times through 5 slots: where do head and tail "
	  "point after they pass the last slot?",
	  "tail (the next slot to write) and head (the next to read) go "
	  "round: after slot capacity - 1 comes slot 0, and items come out "
	  "in the order they went in. Nothing waits here if free_slots starts "
	  "at capacity and used_slots at 0.",
	  "put: `memcpy(ring->slots + ring->tail * ring->item_size, item, "
	  "ring->item_size); ring->tail = (ring->tail + 1) % "
	  "ring->capacity;`; get: the same with head." },
	{ "test_ring_consumer_blocks_when_empty",
	  "The ring is empty. Where does your get() wait, and can another "
	  "process's put() wake it?",
	  "get() waits in sem_wait(used_slots), asleep in the kernel: not in "
	  "a loop on the indices or on sem_trywait() (spinning), nor with "
	  "usleep() (polling). A sem_t in shared memory wakes another process "
	  "only if sem_init() had pshared = 1.",
	  "Init: `sem_init(&ring->free_slots, 1, capacity); "
	  "sem_init(&ring->used_slots, 1, 0);`. get() starts with `while "
	  "(sem_wait(&ring->used_slots) == -1) if (errno != EINTR) return "
	  "-1;`." },
	{ "test_ring_producer_blocks_when_full",
	  "With 4 slots, how many puts go through before your producer "
	  "waits, and what lets it go on?",
	  "put() waits in sem_wait(free_slots), which starts at capacity: "
	  "exactly capacity items go in, then the producer sleeps. Each get() "
	  "posts free_slots once, and lets exactly one more put through.",
	  "put(): `sem_wait(&ring->free_slots)` (again after EINTR) first; "
	  "get(): `sem_post(&ring->free_slots)` last." },
	{ "test_ring_capacity_1_holds_one",
	  "A ring of one slot: does it hold one item, or none? How do you "
	  "tell full from empty?",
	  "The semaphores count: free_slots starts at capacity (1), not "
	  "capacity - 1. Telling full from empty with head == tail costs a "
	  "slot, so a ring of 1 holds nothing. Wrapping with % (capacity - 1) "
	  "divides by zero here (SIGFPE).",
	  "`sem_init(&ring->free_slots, 1, (unsigned)capacity);` and `tail = "
	  "(tail + 1) % capacity;`; no head == tail test anywhere." },
	{ "test_ring_capacity_2_holds_two",
	  "A ring of 2 took 3 items before put() blocked. Where did the third "
	  "one go?",
	  "free_slots must start at exactly capacity: one more, and the "
	  "producer overwrites an item nobody has read yet. The slots are 0 "
	  "and 1; slot 2 is past the end.",
	  "`sem_init(&ring->free_slots, 1, (unsigned)capacity);` (not "
	  "capacity + 1) and `sem_init(&ring->used_slots, 1, 0);`." },
	{ "test_ring_capacity_1_stream",
	  "5000 items through one slot: does an index ever reach slot number "
	  "capacity?",
	  "Slot capacity is one past the last slot, in the page with no "
	  "access the grader put right after your ring: touching it crashes. "
	  "Wrap with % capacity so that indices stay 0 to capacity - 1.",
	  "`ring->tail = (ring->tail + 1) % ring->capacity;` in put, the same "
	  "for head in get; slot i at `ring->slots + i * ring->item_size`." },
	{ "test_ring_capacity_2_stream",
	  "Items are lost, repeated or damaged through 2 slots. Which "
	  "semaphore does each side wait on, and which does it post?",
	  "put waits on free_slots, copies in, posts used_slots; get waits on "
	  "used_slots, copies out, posts free_slots. A missing post leaves "
	  "the other side asleep for ever; swapped ones let the sides overrun "
	  "each other.",
	  "put: `sem_wait(&ring->free_slots);` copy in, `ring->tail = "
	  "(ring->tail + 1) % ring->capacity; sem_post(&ring->used_slots);`; "
	  "get: the mirror image, on used_slots then free_slots." },
	{ "test_ring_large_items",
	  "With 4096-byte items, does each item go whole into its own slot, "
	  "and does each slot start at the right place?",
	  "Slot i starts i * item_size bytes after the header; copy item_size "
	  "bytes, not sizeof a pointer or a fixed size. A flexible array "
	  "member at the end of the header says where the slots begin.",
	  "`memcpy(ring->slots + ring->tail * ring->item_size, item, "
	  "ring->item_size);` with `unsigned char slots[];` last in struct "
	  "shmem_ring." },
	{ "test_ring_million_items",
	  "A million items must pass in seconds. Does either side ever sleep "
	  "on a timer, or spin?",
	  "Each item costs two sem_wait() and two sem_post(); a side sleeps "
	  "only when it must, and the other's post wakes it at once. "
	  "usleep() or spinning makes the stream crawl, and an off-by-one "
	  "shows up sooner or later over a million items.",
	  "Only sem_wait() and sem_post() around the memcpy() in put and get, "
	  "indices advanced with `% capacity`; no usleep(), no sem_trywait() "
	  "loop." },
	{ "test_ring_put_publishes_after_copy",
	  "In your put(), which comes first: sem_post(used_slots), or the "
	  "memcpy() into the slot?",
	  "The post tells the consumer an item is there. Post before the "
	  "copy is done, and the consumer reads a half-written slot: the "
	  "grader pauses your memcpy() half-way and watches whether the "
	  "consumer moves.",
	  "`memcpy(slot, item, ring->item_size); ring->tail = (ring->tail + "
	  "1) % ring->capacity; sem_post(&ring->used_slots);`, in that "
	  "order." },
	{ "test_ring_get_frees_slot_after_copy",
	  "In your get(), which comes first: sem_post(free_slots), or the "
	  "memcpy() out of the slot?",
	  "The post gives the slot back to the producer. Post before your "
	  "copy is finished, and the producer overwrites the item while you "
	  "read it: the grader pauses your memcpy() half-way to see.",
	  "`memcpy(item, slot, ring->item_size); ring->head = (ring->head + "
	  "1) % ring->capacity; sem_post(&ring->free_slots);`, in that "
	  "order." },
	{ "test_ring_get_survives_signals",
	  "A signal handler runs while your get() sleeps in sem_wait(). What "
	  "does sem_wait() return then?",
	  "sem_wait() is restarted only after a handler installed with "
	  "SA_RESTART; otherwise it fails with EINTR, having taken nothing "
	  "(signal(7)). That is no error of the ring: wait again.",
	  "`while (sem_wait(&ring->used_slots) == -1) { if (errno != EINTR) "
	  "return -1; }`, and the same loop on free_slots in put()." },
	{ "test_ring_init_cleans_up_when_calls_fail",
	  "The second semaphore could not be made. What happens to the "
	  "first?",
	  "Each call that makes the ring's semaphores fails in turn "
	  "(sem_init, or semget and semctl, or sem_open, and malloc). "
	  "shmem_ring_init() returns NULL with that errno and leaves nothing: "
	  "a sem_init()ed semaphore is sem_destroy()ed, a System V set is "
	  "removed, a named semaphore is closed and unlinked.",
	  "`if (sem_init(&ring->used_slots, 1, 0) == -1) { int saved = "
	  "errno; sem_destroy(&ring->free_slots); errno = saved; return "
	  "NULL; }`" },
	{ "test_ring_init_resets_reused_memory",
	  "The memory you get held an old ring. What do head and tail hold "
	  "before you set them?",
	  "shmem_ring_init() must set every field itself: memory from mmap() "
	  "starts zeroed, but memory that held a ring holds its old head and "
	  "tail. A new ring starts empty: both indices at 0.",
	  "`ring->capacity = capacity; ring->item_size = item_size; "
	  "ring->head = 0; ring->tail = 0;` before making the semaphores." },
	{ "test_ring_put_get_report_errors",
	  "Which errors does your wait retry? What do put() and get() do "
	  "with a NULL argument?",
	  "NULL for the ring or the item is EINVAL, checked before anything "
	  "is used. sem_wait() failing with EINTR means wait again; any other "
	  "error (EINVAL: the semaphore is gone) is final, and so is a "
	  "failed sem_post(): return -1 with that errno.",
	  "`if (ring == NULL || item == NULL) { errno = EINVAL; return -1; }` "
	  "and `while (sem_wait(sem) == -1) if (errno != EINTR) return -1;`; "
	  "`return sem_post(...);`" },
	{ "test_demo_ring_matches_reference",
	  "Do `demo ring 20000 8 24` and `demo ring 2000 1 16` print the same "
	  "as the reference's?",
	  "The demo streams that many items through a ring of that many slots "
	  "between two processes, and prints whether any was lost, "
	  "duplicated or reordered, with a checksum (the speed goes to "
	  "stderr and is not compared).",
	  "`make demo LAB=05 IMPL=solutions`, then compare the stdout of both "
	  "commands from build/labs/05-shm/ and build/solutions/05-shm/." },

	/* Step 4: the race made visible */
	{ "test_counter_counts_in_one_process",
	  "Does init reset the value? Does add() give the semaphore back "
	  "after every increment? And times = -1, or 0?",
	  "init sets value to 0 and the lock to 1 (free). add() takes the "
	  "lock, increments, gives it back, times times: when it returns the "
	  "lock is free. A negative times is EINVAL; 0 adds nothing and "
	  "succeeds.",
	  "`counter->value = 0; return sem_init(&counter->lock, 1, 1);` and, "
	  "first in both adds, `if (counter == NULL || times < 0) { errno = "
	  "EINVAL; return -1; }`." },
	{ "test_counter_unsync_race_is_possible",
	  "Four processes add 250000 each without a lock. Which totals are "
	  "possible, and is yours one of them?",
	  "Lost updates only ever make the total smaller, never larger, and "
	  "never 0. A plain loop of counter->value++ (load, add, store) is "
	  "all it takes; the volatile keeps the compiler from folding it "
	  "into one addition.",
	  "`for (long i = 0; i < times; i++) counter->value++;` after the "
	  "argument check, then `return 0;`." },
	{ "test_counter_synchronised_is_exact",
	  "4 x 100000 under your lock gave less than 400000. Is every "
	  "increment between sem_wait() and sem_post()?",
	  "Two processes that load the same value both store value + 1: one "
	  "update is lost. The semaphore (value 1, pshared = 1) lets one "
	  "process at a time between the load and the store.",
	  "`for (i = 0; i < times; i++) { while (sem_wait(&counter->lock) == "
	  "-1) if (errno != EINTR) return -1; counter->value++; "
	  "sem_post(&counter->lock); }`" },
	{ "test_counter_lock_works_across_processes",
	  "The grader holds the semaphore. Does your adding process wait for "
	  "it, asleep, and wake when it is posted?",
	  "The lock must start at 1 (the grader takes it with sem_trywait()), "
	  "add() must wait in sem_wait() rather than go ahead, and another "
	  "process's sem_post() wakes it only if sem_init() had pshared = 1.",
	  "`sem_init(&counter->lock, 1, 1);` in init; in add(), "
	  "`sem_wait(&counter->lock)` before each `counter->value++`." },
	{ "test_counter_reports_errors",
	  "What do your counter functions do with NULL, or with times = -1? "
	  "And when sem_wait() or sem_post() fails?",
	  "NULL and a negative count are EINVAL, checked first, in every "
	  "function (add_unsync and destroy too). sem_init()'s failure is "
	  "init's. In add(), a failed sem_wait() took nothing: stop, return "
	  "-1, count no more; a failed sem_post() is reported too.",
	  "`if (counter == NULL || times < 0) { errno = EINVAL; return -1; "
	  "}`; in the loop: `if (wait_on(&counter->lock) == -1) return -1; "
	  "counter->value++; if (sem_post(&counter->lock) == -1) return "
	  "-1;`" },
	{ "test_demo_count_matches_reference",
	  "Does `demo count 4 20000` print the same as the reference's?",
	  "The demo starts 4 processes at once that each add 20000 with "
	  "shmem_counter_add(), then prints the total and how many updates "
	  "were lost (none).",
	  "`make demo LAB=05 IMPL=solutions`, then compare `demo count 4 "
	  "20000` from build/labs/05-shm/ and build/solutions/05-shm/; `demo "
	  "race 4 1000000` shows the unsynchronised total too." },
};

const size_t grade_n_hints = sizeof(grade_hints) / sizeof(grade_hints[0]);
