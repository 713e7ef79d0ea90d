/* SPDX-License-Identifier: MIT */
/**
 * @file shmem.c
 * @brief Lab 05 reference solution: shared memory (all four steps).
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
	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	/* IPC_EXCL: a new segment, never somebody else's with our key. */
	return shmget(key, size, IPC_CREAT | IPC_EXCL | 0600);
}

void *
shmem_sysv_attach(int shmid)
{
	void *addr = shmat(shmid, NULL, 0); /* NULL: the kernel picks where */

	/* shmat() reports failure with (void *)-1, not NULL. */
	return addr == (void *)-1 ? NULL : addr;
}

int
shmem_sysv_detach(const void *addr)
{
	return shmdt(addr);
}

int
shmem_sysv_remove(int shmid)
{
	return shmctl(shmid, IPC_RMID, NULL);
}

/** Wait for @p child, retrying on EINTR; 0 if it exited with status 0. */
static int
wait_for_success(pid_t child)
{
	int status;

	while (waitpid(child, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = EIO; /* the child could not write its data */
		return -1;
	}
	return 0;
}

/** Fork a child that runs fill() on @p mem and waits for it to finish. */
static int
fill_in_child(void *mem, size_t size, shmem_fill_fn *fill, void *arg)
{
	pid_t child = fork();

	if (child == -1)
		return -1;
	if (child == 0) /* the segment stays attached across fork */
		_exit(fill(mem, size, arg) == 0 ? 0 : 1);
	/* Read only after the writer has finished: waitpid() tells us. */
	return wait_for_success(child);
}

ssize_t
shmem_sysv_child_writes(key_t key, size_t size, shmem_fill_fn *fill, void *arg,
			void *out)
{
	int shmid, saved, failed;
	void *mem;

	shmid = shmem_sysv_create(key, size);
	if (shmid == -1)
		return -1;
	mem = shmem_sysv_attach(shmid);
	saved = errno;
	/* Remove it now: it lives until the last detach (ours or the child's
	 * exit), so nothing is left behind even if we fail half-way. */
	shmem_sysv_remove(shmid);
	if (mem == NULL) {
		errno = saved;
		return -1;
	}
	failed = fill_in_child(mem, size, fill, arg);
	saved = errno;
	if (!failed)
		memcpy(out, mem, size);
	shmem_sysv_detach(mem); /* the last detach: the memory is freed */
	errno = saved;
	return failed ? -1 : (ssize_t)size;
}

/* ---------------------------------- step 2: POSIX objects and files */

/** Close @p fd, then fail with errno @p err (for error paths). */
static void *
close_and_fail(int fd, int err)
{
	close(fd);
	errno = err;
	return NULL;
}

/** Map all @p size bytes behind @p fd shared; close @p fd in any case. */
static void *
map_and_close(int fd, size_t size)
{
	int prot = PROT_READ | PROT_WRITE;
	void *addr = mmap(NULL, size, prot, MAP_SHARED, fd, 0);
	int saved = errno;

	close(fd); /* the mapping keeps the object alive, not the fd */
	errno = saved;
	return addr == MAP_FAILED ? NULL : addr;
}

void *
shmem_posix_create(const char *name, size_t size)
{
	void *addr;
	int fd, saved;

	if (size == 0 || size > (size_t)INTPTR_MAX) {
		errno = EINVAL;
		return NULL;
	}
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd == -1)
		return NULL;
	if (ftruncate(fd, (off_t)size) == -1) { /* a new object is empty */
		saved = errno;
		shm_unlink(name); /* do not leave a half-made object behind */
		return close_and_fail(fd, saved);
	}
	addr = map_and_close(fd, size);
	if (addr == NULL) {
		saved = errno;
		shm_unlink(name);
		errno = saved;
	}
	return addr;
}

void *
shmem_posix_open(const char *name, size_t *size)
{
	struct stat st;
	int fd = shm_open(name, O_RDWR, 0);

	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == -1) /* the object's size, set by its creator */
		return close_and_fail(fd, errno);
	if (st.st_size == 0)
		return close_and_fail(fd, EINVAL); /* nothing to map */
	*size = (size_t)st.st_size;
	return map_and_close(fd, *size);
}

int
shmem_posix_remove(const char *name)
{
	return shm_unlink(name);
}

void *
shmem_file_map(const char *path, size_t size)
{
	struct stat st;
	int fd;

	if (size == 0 || size > (size_t)INTPTR_MAX) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600); /* no O_TRUNC */
	if (fd == -1)
		return NULL;
	/* Grow a short file: touching a mapped page past the end of the
	 * file raises SIGBUS. Never shrink it: its contents are the point. */
	if (fstat(fd, &st) == -1 ||
	    (st.st_size < (off_t)size && ftruncate(fd, (off_t)size) == -1))
		return close_and_fail(fd, errno);
	return map_and_close(fd, size);
}

int
shmem_unmap(void *addr, size_t size)
{
	return munmap(addr, size);
}

/* -------------------------------------------- step 3: a ring buffer */

/**
 * The ring, at the start of the shared memory. Single producer, single
 * consumer: only the producer moves @c tail and only the consumer moves
 * @c head, so the indices need no lock; the two semaphores count the
 * free and the filled slots, and make each side sleep when it must wait.
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
	size_t header = offsetof(struct shmem_ring, slots);

	if (capacity == 0 || item_size == 0) {
		errno = EINVAL;
		return -1;
	}
	if (capacity > ((size_t)SSIZE_MAX - header) / item_size) {
		errno = EOVERFLOW;
		return -1;
	}
	return (ssize_t)(header + capacity * item_size);
}

struct shmem_ring *
shmem_ring_init(void *mem, size_t mem_size, size_t capacity, size_t item_size)
{
	struct shmem_ring *ring = mem;
	ssize_t need = shmem_ring_size(capacity, item_size);

	if (need == -1)
		return NULL;
	if (mem == NULL || mem_size < (size_t)need ||
	    capacity > SEM_VALUE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	ring->capacity = capacity;
	ring->item_size = item_size;
	ring->head = 0;
	ring->tail = 0;
	/* pshared = 1: waiters and wakers are different processes. */
	if (sem_init(&ring->free_slots, 1, (unsigned)capacity) == -1)
		return NULL;
	if (sem_init(&ring->used_slots, 1, 0) == -1) {
		int saved = errno;
		sem_destroy(&ring->free_slots);
		errno = saved;
		return NULL;
	}
	return ring;
}

/** The first byte of slot number @p i (0 .. capacity-1). */
static unsigned char *
slot(struct shmem_ring *ring, size_t i)
{
	return ring->slots + i * ring->item_size;
}

/** P: take one from @p sem, asleep while it is 0; again after EINTR. */
static int
wait_on(sem_t *sem)
{
	while (sem_wait(sem) == -1)
		if (errno != EINTR) /* EINTR: a handler ran; wait again */
			return -1;
	return 0;
}

int
shmem_ring_put(struct shmem_ring *ring, const void *item)
{
	if (ring == NULL || item == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* Asleep while the ring is full (no free slot). */
	if (wait_on(&ring->free_slots) == -1)
		return -1;
	memcpy(slot(ring, ring->tail), item, ring->item_size);
	ring->tail = (ring->tail + 1) % ring->capacity; /* 0 .. capacity-1 */
	/* Publish only now that the whole item is in the slot. */
	return sem_post(&ring->used_slots);
}

int
shmem_ring_get(struct shmem_ring *ring, void *item)
{
	if (ring == NULL || item == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* Asleep while the ring is empty (no item). */
	if (wait_on(&ring->used_slots) == -1)
		return -1;
	memcpy(item, slot(ring, ring->head), ring->item_size);
	ring->head = (ring->head + 1) % ring->capacity;
	/* Free the slot only after copying out of it. */
	return sem_post(&ring->free_slots);
}

int
shmem_ring_destroy(struct shmem_ring *ring)
{
	if (ring == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (sem_destroy(&ring->free_slots) == -1)
		return -1;
	return sem_destroy(&ring->used_slots);
}

/* ----------------------------------------- step 4: the race, visible */

int
shmem_counter_init(struct shmem_counter *counter)
{
	if (counter == NULL) {
		errno = EINVAL;
		return -1;
	}
	counter->value = 0;
	return sem_init(&counter->lock, 1, 1); /* shared, unlocked */
}

int
shmem_counter_add_unsync(struct shmem_counter *counter, long times)
{
	if (counter == NULL || times < 0) {
		errno = EINVAL;
		return -1;
	}
	for (long i = 0; i < times; i++)
		counter->value++; /* load, add, store: another process may
				   * store in between, and its update is lost */
	return 0;
}

int
shmem_counter_add(struct shmem_counter *counter, long times)
{
	if (counter == NULL || times < 0) {
		errno = EINVAL;
		return -1;
	}
	for (long i = 0; i < times; i++) {
		if (wait_on(&counter->lock) == -1) /* P: enter */
			return -1;
		counter->value++; /* nobody else is between load and store */
		if (sem_post(&counter->lock) == -1) /* V: leave */
			return -1;
	}
	return 0;
}

int
shmem_counter_destroy(struct shmem_counter *counter)
{
	if (counter == NULL) {
		errno = EINVAL;
		return -1;
	}
	return sem_destroy(&counter->lock);
}
