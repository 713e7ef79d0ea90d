/* SPDX-License-Identifier: MIT */
/**
 * @file shmem.h
 * @brief Lab 05, shared memory: the functions you implement in shmem.c.
 *
 * Every function follows the POSIX convention: it returns 0 or a count on
 * success and -1 with errno set on failure; a function that returns a
 * pointer returns NULL with errno set instead. None of them exits the
 * process. The caller passes every name in (a System V key, a POSIX name,
 * a path): nothing here uses a fixed key or a fixed path. The one exception
 * is the ring's semaphores, if you make them a System V set or named
 * semaphores: they take IPC_PRIVATE or a name unique to the ring (see
 * struct shmem_ring).
 * See labs/05-shm/README.md for the background and the steps.
 */
#ifndef SHMEM_LAB_H
#define SHMEM_LAB_H

#include <semaphore.h>
#include <stddef.h>
#include <sys/types.h>

/* ------------------------------------------------- step 1: System V */

/**
 * @brief Step 1: create a new System V shared memory segment.
 *
 * The segment is new (never an existing one with the same key), readable
 * and writable by its owner only (mode 0600), and filled with zeros.
 * @param key  a key from ftok(3), or IPC_PRIVATE
 * @param size its size in bytes (more than 0)
 * @return the segment's identifier (0 or more); -1 with errno set by
 *         shmget(2): EEXIST when a segment with this key already exists,
 *         EINVAL for a size of 0 or over the limit, ENOSPC, ENOMEM.
 */
int shmem_sysv_create(key_t key, size_t size);

/**
 * @brief Step 1: attach a System V segment to this process's address space.
 * @param shmid an identifier from shmem_sysv_create() or shmget(2)
 * @return the address where the segment is mapped (read-write);
 *         NULL with errno set by shmat(2) (EINVAL: no such segment,
 *         EACCES, EIDRM).
 */
void *shmem_sysv_attach(int shmid);

/**
 * @brief Step 1: detach a segment attached with shmem_sysv_attach().
 * @param addr the address shmem_sysv_attach() returned
 * @return 0; -1 with errno EINVAL when nothing is attached at @p addr.
 */
int shmem_sysv_detach(const void *addr);

/**
 * @brief Step 1: mark a segment for removal (shmctl IPC_RMID).
 *
 * The key is free again at once, but the memory lives on until the last
 * process attached to it detaches (or exits).
 * @param shmid the segment's identifier
 * @return 0; -1 with errno set by shmctl(2) (EINVAL: no such segment,
 *         EPERM: not the owner).
 */
int shmem_sysv_remove(int shmid);

/**
 * @brief A function that fills shared memory with data, run by a child.
 * @param mem  the shared memory, @p size bytes
 * @param size its size
 * @param arg  what the caller passed along
 * @return 0 on success, anything else on failure.
 */
typedef int shmem_fill_fn(void *mem, size_t size, void *arg);

/**
 * @brief Step 1: a child writes into a System V segment, the parent reads.
 *
 * Creates a segment of @p size bytes with @p key and attaches it; forks a
 * child that runs `fill(mem, size, arg)` on the segment and ends with
 * _exit(); waits for the child to finish; then copies the @p size bytes of
 * the segment to @p out. Detaches and removes the segment before returning,
 * on every path: no segment is left behind, even on failure.
 * @param key  a key from ftok(3), or IPC_PRIVATE
 * @param size bytes in the segment (more than 0)
 * @param fill what the child runs (it must not exit)
 * @param arg  passed to @p fill
 * @param out  receives the @p size bytes the child wrote
 * @return @p size; -1 with errno set on failure (from shmget, shmat, fork
 *         or waitpid; EIO when @p fill failed or the child did not exit
 *         normally).
 */
ssize_t shmem_sysv_child_writes(key_t key, size_t size, shmem_fill_fn *fill,
				void *arg, void *out);

/* ---------------------------------- step 2: POSIX objects and files */

/**
 * @brief Step 2: create a POSIX shared memory object and map it.
 *
 * shm_open() a new object (O_CREAT | O_EXCL, mode 0600), give it @p size
 * bytes with ftruncate(), map all of it shared (MAP_SHARED, read-write)
 * and close the descriptor (the mapping stays). If a step after shm_open()
 * fails, the new name is unlinked again.
 * @param name a name of the form "/something" (one slash, at the start)
 * @param size its size in bytes (more than 0)
 * @return the mapping's address; NULL with errno set (EEXIST when the name
 *         exists, EINVAL for a bad name or size, or from ftruncate/mmap).
 */
void *shmem_posix_create(const char *name, size_t size);

/**
 * @brief Step 2: map an existing POSIX shared memory object, all of it.
 * @param name the object's name ("/something")
 * @param size receives the object's size in bytes (from fstat(2))
 * @return the mapping's address (shared, read-write); NULL with errno set
 *         (ENOENT when there is no such object, EINVAL when it is empty,
 *         or from shm_open/fstat/mmap).
 */
void *shmem_posix_open(const char *name, size_t *size);

/**
 * @brief Step 2: remove a POSIX shared memory object's name (shm_unlink).
 *
 * Mappings that exist keep working; the memory is freed when the last one
 * goes away.
 * @param name the object's name
 * @return 0; -1 with errno ENOENT when there is no such object, or another
 *         errno from shm_unlink(3).
 */
int shmem_posix_remove(const char *name);

/**
 * @brief Step 2: map the file at @p path, shared, creating it if needed.
 *
 * Opens (or creates with mode 0600) the file, makes it at least @p size
 * bytes long (never shorter: what it holds stays), maps its first @p size
 * bytes with MAP_SHARED and closes the descriptor. What is written to the
 * mapping ends up in the file, and stays there after every process exits.
 * @param path the file, e.g. in a directory the caller chose
 * @param size bytes to map (more than 0)
 * @return the mapping's address; NULL with errno set (EINVAL for a size of
 *         0, or from open/fstat/ftruncate/mmap).
 */
void *shmem_file_map(const char *path, size_t size);

/**
 * @brief Step 2: unmap a mapping made by the functions of this step (or
 *        the caller's own mmap).
 * @param addr the mapping's address
 * @param size its size, as given when it was made
 * @return 0; -1 with errno EINVAL (from munmap(2)).
 */
int shmem_unmap(void *addr, size_t size);

/* -------------------------------------------- step 3: a ring buffer */

/**
 * @brief Step 3: a bounded ring buffer of fixed-size items, for one
 *        producer process and one consumer process.
 *
 * It lives in the memory given to shmem_ring_init(), which must be shared
 * between the two processes (e.g. mmap MAP_SHARED before fork, a POSIX
 * object, a System V segment); any process that has that memory mapped
 * may put or get. Its layout is yours to define in shmem.c. Its two
 * counting semaphores may be:
 * - unnamed POSIX semaphores inside the ring, made with sem_init() and
 *   pshared = 1 (the suggested layout);
 * - a System V semaphore set, made with semget(IPC_PRIVATE, ...): the
 *   ring holds its identifier;
 * - two named POSIX semaphores, made with sem_open(O_CREAT | O_EXCL):
 *   the ring holds their names, unique to the ring (never fixed: e.g.
 *   built from getpid() and a count of the rings the process made).
 *
 * The ring holds only what means the same in every process: semaphores,
 * an identifier, names; never a pointer (a sem_t * from sem_open() is
 * valid only in the process that opened it and its children).
 */
struct shmem_ring;

/**
 * @brief Step 3: how many bytes a ring needs (its header and its slots).
 * @param capacity  how many items it holds at most (1 or more)
 * @param item_size bytes per item (1 or more)
 * @return the size in bytes; -1 with errno EINVAL for a 0 argument,
 *         EOVERFLOW when the size does not fit in a ssize_t.
 */
ssize_t shmem_ring_size(size_t capacity, size_t item_size);

/**
 * @brief Step 3: make an empty ring in the shared memory at @p mem.
 *
 * Uses exactly the first shmem_ring_size(capacity, item_size) bytes of
 * @p mem, not one more, and makes the ring's two semaphores, shared
 * between processes (see struct shmem_ring for where they may live). On
 * failure it leaves nothing behind.
 * @param mem       shared memory, aligned for any type (as mmap gives)
 * @param mem_size  bytes available at @p mem
 * @param capacity  how many items it holds at most (1 or more)
 * @param item_size bytes per item (1 or more)
 * @return the ring (at @p mem); NULL with errno EINVAL when an argument is
 *         0, @p mem_size is too small or @p capacity is more than a
 *         semaphore can count (SEM_VALUE_MAX; 32767 for System V), or
 *         from sem_init(3), semget(2), semctl(2) or sem_open(3).
 */
struct shmem_ring *shmem_ring_init(void *mem, size_t mem_size, size_t capacity,
				   size_t item_size);

/**
 * @brief Step 3: append one item; block while the ring is full.
 *
 * Waits (asleep, not spinning) until a slot is free, copies the item into
 * it, and only then makes it visible to the consumer. A signal that
 * interrupts the wait does not make it fail.
 * @param ring a ring made by shmem_ring_init()
 * @param item item_size bytes to copy in
 * @return 0; -1 with errno set (EINVAL for a NULL argument).
 */
int shmem_ring_put(struct shmem_ring *ring, const void *item);

/**
 * @brief Step 3: take the oldest item out; block while the ring is empty.
 *
 * Waits (asleep, not spinning) until an item is there, copies it out and
 * then frees its slot for the producer. A signal that interrupts the wait
 * does not make it fail.
 * @param ring a ring made by shmem_ring_init()
 * @param item receives item_size bytes
 * @return 0; -1 with errno set (EINVAL for a NULL argument).
 */
int shmem_ring_get(struct shmem_ring *ring, void *item);

/**
 * @brief Step 3: destroy the ring's semaphores (no process may be using it).
 *
 * Called once, by one process, when the producer and the consumer are
 * done. It removes everything shmem_ring_init() made: sem_destroy() for
 * unnamed semaphores, semctl(IPC_RMID) for a System V set, sem_close()
 * and sem_unlink() for named semaphores. Afterwards nothing of the ring
 * is left in the kernel or in /dev/shm. The memory itself stays the
 * caller's to unmap.
 * @param ring a ring made by shmem_ring_init()
 * @return 0; -1 with errno set (EINVAL for NULL, or from sem_destroy(3),
 *         semctl(2) or sem_unlink(3)).
 */
int shmem_ring_destroy(struct shmem_ring *ring);

/* ----------------------------------------- step 4: the race, visible */

/**
 * @brief Step 4: a counter that several processes increment, kept in
 *        shared memory together with the semaphore that guards it.
 */
struct shmem_counter {
	/** The count. volatile: every ++ is a real load and a real store,
	 *  as in code that does work between reading and writing. */
	volatile long value;
	/** A binary semaphore (initial value 1) shared between processes. */
	sem_t lock;
};

/**
 * @brief Step 4: set the counter to 0 and make its semaphore, shared
 *        between processes, with the value 1 (unlocked).
 * @param counter a counter in shared memory
 * @return 0; -1 with errno set (EINVAL for NULL, or from sem_init(3)).
 */
int shmem_counter_init(struct shmem_counter *counter);

/**
 * @brief Step 4: add 1 to the counter @p times times, with no locking.
 *
 * Deliberately racy: when several processes do this at once, increments
 * get lost (two processes read the same value and both store value + 1).
 * @param counter a counter made by shmem_counter_init()
 * @param times   how many increments (0 or more)
 * @return 0; -1 with errno EINVAL for NULL or a negative @p times.
 */
int shmem_counter_add_unsync(struct shmem_counter *counter, long times);

/**
 * @brief Step 4: add 1 to the counter @p times times, each increment
 *        under the counter's semaphore: with any number of processes the
 *        total is exact.
 * @param counter a counter made by shmem_counter_init()
 * @param times   how many increments (0 or more)
 * @return 0; -1 with errno set (EINVAL for NULL or a negative @p times,
 *         or from sem_wait/sem_post).
 */
int shmem_counter_add(struct shmem_counter *counter, long times);

/**
 * @brief Step 4: destroy the counter's semaphore (nobody may be using it).
 * @param counter a counter made by shmem_counter_init()
 * @return 0; -1 with errno set (EINVAL for NULL, or from sem_destroy(3)).
 */
int shmem_counter_destroy(struct shmem_counter *counter);

#endif /* SHMEM_LAB_H */
