/* SPDX-License-Identifier: MIT */
/**
 * @file shmem.c
 * @brief Lab 05, shared memory: your implementation.
 *
 * Replace each TODO with working code, one handout step at a time, and
 * check it with `make grade LAB=05 STEP=n`. Read README.md first.
 */
#include "shmem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------- step 1: System V */

int
shmem_sysv_create(key_t key, size_t size)
{
	/* TODO(step 1): shmget() a NEW segment (IPC_CREAT | IPC_EXCL) with
	 * mode 0600, and return its id. Read: man 2 shmget, man 3 ftok. */
	(void)key;
	(void)size;
	errno = ENOSYS;
	return -1;
}

void *
shmem_sysv_attach(int shmid)
{
	/* TODO(step 1): shmat(shmid, NULL, 0). It fails with (void *)-1,
	 * not NULL: turn that into NULL. Read: man 2 shmat. */
	(void)shmid;
	errno = ENOSYS;
	return NULL;
}

int
shmem_sysv_detach(const void *addr)
{
	/* TODO(step 1): shmdt(). Read: man 2 shmdt. */
	(void)addr;
	errno = ENOSYS;
	return -1;
}

int
shmem_sysv_remove(int shmid)
{
	/* TODO(step 1): shmctl(shmid, IPC_RMID, NULL). The segment lives on
	 * until its last detach. Read: man 2 shmctl. */
	(void)shmid;
	errno = ENOSYS;
	return -1;
}

ssize_t
shmem_sysv_child_writes(key_t key, size_t size, shmem_fill_fn *fill, void *arg,
			void *out)
{
	/* TODO(step 1): create and attach a segment, fork(). Child: run
	 * fill(mem, size, arg) and _exit() with 0 if it returned 0. Parent:
	 * waitpid() for the child BEFORE reading the segment, then copy it
	 * to out. Detach and IPC_RMID on every path (tip: IPC_RMID right
	 * after attaching is safe: the segment lives until the last detach).
	 * Read: man 2 fork, man 2 waitpid, man 7 sysvipc. */
	(void)key;
	(void)size;
	(void)fill;
	(void)arg;
	(void)out;
	errno = ENOSYS;
	return -1;
}

/* ---------------------------------- step 2: POSIX objects and files */

void *
shmem_posix_create(const char *name, size_t size)
{
	/* TODO(step 2): shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600),
	 * ftruncate() to size, mmap() it MAP_SHARED, close the fd. If a step
	 * after shm_open fails, shm_unlink() the name again.
	 * Read: man 3 shm_open, man 2 ftruncate, man 2 mmap. */
	(void)name;
	(void)size;
	errno = ENOSYS;
	return NULL;
}

void *
shmem_posix_open(const char *name, size_t *size)
{
	/* TODO(step 2): shm_open(name, O_RDWR, 0), learn the size with
	 * fstat(), mmap() all of it MAP_SHARED, close the fd.
	 * Read: man 3 shm_open, man 2 fstat. */
	(void)name;
	(void)size;
	errno = ENOSYS;
	return NULL;
}

int
shmem_posix_remove(const char *name)
{
	/* TODO(step 2): shm_unlink(). Read: man 3 shm_unlink. */
	(void)name;
	errno = ENOSYS;
	return -1;
}

void *
shmem_file_map(const char *path, size_t size)
{
	/* TODO(step 2): open() with O_RDWR | O_CREAT (never O_TRUNC: the
	 * contents are the point), grow the file to size if it is shorter
	 * (fstat, ftruncate), mmap() it MAP_SHARED, close the fd.
	 * Read: man 2 open, man 2 mmap ("MAP_SHARED", "SIGBUS"). */
	(void)path;
	(void)size;
	errno = ENOSYS;
	return NULL;
}

int
shmem_unmap(void *addr, size_t size)
{
	/* TODO(step 2): munmap(). Read: man 2 munmap. */
	(void)addr;
	(void)size;
	errno = ENOSYS;
	return -1;
}

/* -------------------------------------------- step 3: a ring buffer */

/**
 * The ring, at the start of the shared memory: a suggested layout, yours
 * to change. One producer and one consumer: only the producer moves
 * @c tail and only the consumer moves @c head; two semaphores count the
 * free and the filled slots.
 */
struct shmem_ring {
	sem_t free_slots;      /**< slots the producer may fill */
	sem_t used_slots;      /**< items the consumer may take */
	size_t capacity;       /**< number of slots */
	size_t item_size;      /**< bytes per slot */
	size_t head;	       /**< next slot to read (consumer only) */
	size_t tail;	       /**< next slot to write (producer only) */
	unsigned char slots[]; /**< capacity * item_size bytes */
};

ssize_t
shmem_ring_size(size_t capacity, size_t item_size)
{
	/* TODO(step 3): the header (offsetof(struct shmem_ring, slots)) plus
	 * capacity slots of item_size bytes. EINVAL for 0, EOVERFLOW if the
	 * product overflows. Read: man 3 offsetof. */
	(void)capacity;
	(void)item_size;
	errno = ENOSYS;
	return -1;
}

struct shmem_ring *
shmem_ring_init(void *mem, size_t mem_size, size_t capacity, size_t item_size)
{
	/* TODO(step 3): check mem_size, fill in the header, and sem_init()
	 * both semaphores with pshared = 1: free_slots = capacity,
	 * used_slots = 0. Read: man 3 sem_init, man 7 sem_overview. */
	(void)mem;
	(void)mem_size;
	(void)capacity;
	(void)item_size;
	errno = ENOSYS;
	return NULL;
}

int
shmem_ring_put(struct shmem_ring *ring, const void *item)
{
	/* TODO(step 3): sem_wait(free_slots) (again after EINTR), copy the
	 * item into slot tail, advance tail modulo capacity, THEN
	 * sem_post(used_slots). Never spin. Read: man 3 sem_wait. */
	(void)ring;
	(void)item;
	errno = ENOSYS;
	return -1;
}

int
shmem_ring_get(struct shmem_ring *ring, void *item)
{
	/* TODO(step 3): the mirror image of put: wait on used_slots, copy
	 * slot head out, advance head, then post free_slots.
	 * Read: man 3 sem_post. */
	(void)ring;
	(void)item;
	errno = ENOSYS;
	return -1;
}

int
shmem_ring_destroy(struct shmem_ring *ring)
{
	/* TODO(step 3): sem_destroy() both semaphores (a System V set or
	 * named semaphores: remove them instead, see shmem.h).
	 * Read: man 3 sem_destroy. */
	(void)ring;
	errno = ENOSYS;
	return -1;
}

/* ----------------------------------------- step 4: the race, visible */

int
shmem_counter_init(struct shmem_counter *counter)
{
	/* TODO(step 4): value = 0; sem_init(&counter->lock, 1, 1).
	 * Read: man 3 sem_init. */
	(void)counter;
	errno = ENOSYS;
	return -1;
}

int
shmem_counter_add_unsync(struct shmem_counter *counter, long times)
{
	/* TODO(step 4): counter->value++ in a loop, with no lock at all:
	 * this one is meant to lose updates. */
	(void)counter;
	(void)times;
	errno = ENOSYS;
	return -1;
}

int
shmem_counter_add(struct shmem_counter *counter, long times)
{
	/* TODO(step 4): the same loop, with sem_wait() before and sem_post()
	 * after each ++ (retry sem_wait on EINTR). Read: man 3 sem_wait. */
	(void)counter;
	(void)times;
	errno = ENOSYS;
	return -1;
}

int
shmem_counter_destroy(struct shmem_counter *counter)
{
	/* TODO(step 4): sem_destroy(). Read: man 3 sem_destroy. */
	(void)counter;
	errno = ENOSYS;
	return -1;
}
