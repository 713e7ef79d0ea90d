/* SPDX-License-Identifier: MIT */
/**
 * @file shmem_demo.c
 * @brief Lab 05 demo: try each step of the shared memory lab from the shell.
 *
 *     shmem_demo sysv FILE SIZE        a child fills a System V segment
 *                                      (key from ftok(FILE)), the parent reads
 *     shmem_demo posix NAME SIZE       the same with a POSIX object /NAME
 *     shmem_demo file PATH             two processes write into a mapped
 *                                      file, one after the other; what they
 *                                      wrote is still in the file afterwards
 *     shmem_demo ring ITEMS SLOTS SIZE a producer sends ITEMS items of SIZE
 *                                      bytes through a ring of SLOTS slots
 *     shmem_demo race PROCS TIMES      PROCS processes add 1 TIMES times each,
 *                                      without and then with a semaphore
 *     shmem_demo count PROCS TIMES     only the synchronised half of race
 *
 * Build it with `make demo LAB=05`; the grader runs it beside the reference
 * demo and compares what they print on stdout (timings go to stderr).
 */
#include "ipc_util.h"
#include "shmem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/** FNV-1a: changes when a byte is lost, swapped or repeated. */
static unsigned long
checksum(const void *buf, size_t len, unsigned long h)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619ul;
	return h & 0xfffffffful;
}

#define CHECKSUM_START 2166136261ul

/** The bytes the demo writes: position-dependent, so any mix-up shows. */
static void
pattern(unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)('a' + (i * 7 + i / 251) % 26);
}

/** Child side of the sysv and posix demos: fill the memory with pattern(). */
static int
fill_pattern(void *mem, size_t size, void *arg)
{
	(void)arg;
	pattern(mem, size);
	return 0;
}

/** Parse a positive number or die with the usage line. */
static size_t
positive(const char *text, const char *what)
{
	char *end;
	unsigned long long v = strtoull(text, &end, 0);

	if (*text == '\0' || *end != '\0' || v == 0)
		ipc_die("%s must be a positive number, not \"%s\"", what, text);
	return (size_t)v;
}

/* --------------------------------------------------------------- step 1 */

static int
demo_sysv(const char *file, size_t size)
{
	unsigned char *got = malloc(size), *want = malloc(size);
	key_t key = ftok(file, 's'); /* same file, same key, in any process */
	ssize_t n;

	if (got == NULL || want == NULL)
		ipc_die_errno("malloc");
	if (key == -1)
		ipc_die_errno("ftok");
	n = shmem_sysv_child_writes(key, size, fill_pattern, NULL, got);
	if (n == -1)
		ipc_die_errno("shmem_sysv_child_writes");
	pattern(want, size);
	printf("a child wrote %zu bytes into a System V segment; the parent "
	       "read %zd: %s (checksum %08lx)\n",
	       size, n, memcmp(got, want, size) == 0 ? "all there" : "BAD",
	       checksum(got, (size_t)n, CHECKSUM_START));
	free(got);
	free(want);
	return 0;
}

/* --------------------------------------------------------------- step 2 */

/** Child of the posix demo: find the object by name and fill it. */
static int
posix_child(const char *name)
{
	size_t size;
	void *mem = shmem_posix_open(name, &size);

	if (mem == NULL)
		return 1;
	pattern(mem, size);
	return shmem_unmap(mem, size) == 0 ? 0 : 1;
}

static int
demo_posix(const char *name, size_t size)
{
	unsigned char *mem = shmem_posix_create(name, size);
	unsigned char *want = malloc(size);
	int zeros, status;
	pid_t child;

	if (mem == NULL)
		ipc_die_errno("shmem_posix_create");
	if (want == NULL)
		ipc_die_errno("malloc");
	zeros = mem[0] == 0 && memcmp(mem, mem + 1, size - 1) == 0;
	printf("created %s: %zu bytes, all zero: %s\n", name, size,
	       zeros ? "yes" : "no");
	fflush(stdout);
	child = fork();
	if (child == -1)
		ipc_die_errno("fork");
	if (child == 0) /* an unrelated process could do the same by name */
		_exit(posix_child(name));
	if (ipc_waitpid(child, &status) == -1)
		ipc_die_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		ipc_die("the child could not open and fill %s", name);
	pattern(want, size);
	printf("a child opened %s by name and filled it; the parent sees %s "
	       "(checksum %08lx)\n",
	       name, memcmp(mem, want, size) == 0 ? "all of it" : "BAD bytes",
	       checksum(mem, size, CHECKSUM_START));
	if (shmem_unmap(mem, size) == -1)
		ipc_die_errno("shmem_unmap");
	if (shmem_posix_remove(name) == -1)
		ipc_die_errno("shmem_posix_remove");
	printf("removed %s\n", name);
	free(want);
	return 0;
}

#define FILE_SIZE 4096

/** One writer of the file demo: map, append a line, unmap, exit. */
static int
file_writer(const char *path, const char *line)
{
	char *mem = shmem_file_map(path, FILE_SIZE);
	size_t used;

	if (mem == NULL)
		return 1;
	used = strnlen(mem, FILE_SIZE);
	snprintf(mem + used, FILE_SIZE - used, "%s\n", line);
	return shmem_unmap(mem, FILE_SIZE) == 0 ? 0 : 1;
}

static int
demo_file(const char *path)
{
	static const char *const lines[] = { "first writer was here",
					     "second writer was here" };
	char *text;
	int fd, status;

	if (unlink(path) == -1 && errno != ENOENT) /* start from nothing */
		ipc_die_errno("unlink");
	for (int i = 0; i < 2; i++) {
		pid_t child;
		fflush(stdout);
		child = fork();
		if (child == -1)
			ipc_die_errno("fork");
		if (child == 0)
			_exit(file_writer(path, lines[i]));
		if (ipc_waitpid(child, &status) == -1)
			ipc_die_errno("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ipc_die("writer %d could not map %s", i + 1, path);
		printf("writer %d mapped the file, wrote \"%s\" and exited\n",
		       i + 1, lines[i]);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC); /* plain read(): no mapping */
	if (fd == -1)
		ipc_die_errno("open");
	if (ipc_read_to_end(fd, &text, 1 << 20) == -1)
		ipc_die_errno("read");
	close(fd);
	printf("both writers are gone; the file (%d bytes) holds:\n%s",
	       FILE_SIZE, text);
	free(text);
	return 0;
}

/* --------------------------------------------------------------- step 3 */

/** Item i of the ring demo: its number, then bytes that depend on it. */
static void
make_item(unsigned char *item, size_t size, uint64_t i)
{
	for (size_t b = 0; b < size; b++)
		item[b] = (unsigned char)(i * 31 + b);
	memcpy(item, &i, size < sizeof(i) ? size : sizeof(i));
}

/** The producer child: send every item, then exit. */
static int
produce(struct shmem_ring *ring, size_t items, size_t size)
{
	unsigned char *item = malloc(size);

	if (item == NULL)
		return 1;
	for (size_t i = 0; i < items; i++) {
		make_item(item, size, i);
		if (shmem_ring_put(ring, item) == -1)
			return 1;
	}
	free(item);
	return 0;
}

static int
demo_ring(size_t items, size_t slots, size_t size)
{
	unsigned char *item = malloc(size), *want = malloc(size);
	ssize_t bytes = shmem_ring_size(slots, size);
	unsigned long sum = CHECKSUM_START;
	size_t bad = 0, first_bad = 0;
	struct shmem_ring *ring;
	uint64_t start;
	double secs, mb;
	int status;
	pid_t child;
	void *mem;

	if (item == NULL || want == NULL)
		ipc_die_errno("malloc");
	if (bytes == -1)
		ipc_die_errno("shmem_ring_size");
	/* Shared and anonymous: the child inherits it through fork(). */
	mem = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		ipc_die_errno("mmap");
	ring = shmem_ring_init(mem, (size_t)bytes, slots, size);
	if (ring == NULL)
		ipc_die_errno("shmem_ring_init");
	start = ipc_now_ns();
	child = fork();
	if (child == -1)
		ipc_die_errno("fork");
	if (child == 0)
		_exit(produce(ring, items, size));
	for (size_t i = 0; i < items; i++) {
		if (shmem_ring_get(ring, item) == -1)
			ipc_die_errno("shmem_ring_get");
		make_item(want, size, i);
		if (memcmp(item, want, size) != 0 && bad++ == 0)
			first_bad = i;
		sum = checksum(item, size, sum);
	}
	secs = (double)(ipc_now_ns() - start) / 1e9;
	if (ipc_waitpid(child, &status) == -1)
		ipc_die_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		ipc_die("the producer failed");
	printf("%zu items of %zu bytes through a ring of %zu slots: ", items,
	       size, slots);
	if (bad == 0)
		printf("none lost, duplicated or reordered (checksum %08lx)\n",
		       sum);
	else
		printf("%zu WRONG, the first at item %zu (checksum %08lx)\n",
		       bad, first_bad, sum);
	mb = (double)items * (double)size / 1e6;
	fprintf(stderr, "%.3f s: %.0f items/s, %.1f MB/s\n", secs,
		(double)items / secs, mb / secs);
	if (shmem_ring_destroy(ring) == -1)
		ipc_die_errno("shmem_ring_destroy");
	munmap(mem, (size_t)bytes);
	free(item);
	free(want);
	return 0;
}

/* --------------------------------------------------------------- step 4 */

/**
 * Run @p procs processes that each add @p times to @p counter, started at
 * the same moment (they all wait for EOF on one pipe), and wait for them.
 */
static void
run_adders(struct shmem_counter *counter, size_t procs, long times, int synced)
{
	pid_t *children = calloc(procs, sizeof(*children));
	int gun[2], status;

	if (children == NULL)
		ipc_die_errno("calloc");
	if (pipe(gun) == -1)
		ipc_die_errno("pipe");
	fflush(stdout);
	for (size_t i = 0; i < procs; i++) {
		children[i] = fork();
		if (children[i] == -1)
			ipc_die_errno("fork");
		if (children[i] == 0) {
			char c;
			int rc;
			close(gun[1]);
			if (read(gun[0], &c, 1) == -1) /* 0 (EOF) means go */
				_exit(1);
			rc = synced ? shmem_counter_add(counter, times)
				    : shmem_counter_add_unsync(counter, times);
			_exit(rc == 0 ? 0 : 1);
		}
	}
	close(gun[0]);
	close(gun[1]); /* go: every child's read() returns 0 now */
	for (size_t i = 0; i < procs; i++) {
		if (ipc_waitpid(children[i], &status) == -1)
			ipc_die_errno("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ipc_die("an adding process failed");
	}
	free(children);
}

static int
demo_race(size_t procs, long times, int with_unsync)
{
	struct shmem_counter *counter;
	long want = (long)procs * times;

	counter = mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED)
		ipc_die_errno("mmap");
	if (shmem_counter_init(counter) == -1)
		ipc_die_errno("shmem_counter_init");
	if (with_unsync) {
		run_adders(counter, procs, times, 0);
		printf("unsynchronised: %ld of %ld, %ld updates lost\n",
		       counter->value, want, want - counter->value);
		counter->value = 0;
	}
	run_adders(counter, procs, times, 1);
	printf("synchronised:   %ld of %ld, %ld updates lost\n", counter->value,
	       want, want - counter->value);
	if (shmem_counter_destroy(counter) == -1)
		ipc_die_errno("shmem_counter_destroy");
	munmap(counter, sizeof(*counter));
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "sysv") == 0)
		return demo_sysv(argv[2], positive(argv[3], "SIZE"));
	if (argc == 4 && strcmp(argv[1], "posix") == 0)
		return demo_posix(argv[2], positive(argv[3], "SIZE"));
	if (argc == 3 && strcmp(argv[1], "file") == 0)
		return demo_file(argv[2]);
	if (argc == 5 && strcmp(argv[1], "ring") == 0)
		return demo_ring(positive(argv[2], "ITEMS"),
				 positive(argv[3], "SLOTS"),
				 positive(argv[4], "SIZE"));
	if (argc == 4 &&
	    (strcmp(argv[1], "race") == 0 || strcmp(argv[1], "count") == 0))
		return demo_race(positive(argv[2], "PROCS"),
				 (long)positive(argv[3], "TIMES"),
				 strcmp(argv[1], "race") == 0);
	fprintf(stderr,
		"usage: shmem_demo sysv FILE SIZE | posix /NAME SIZE |\n"
		"       shmem_demo file PATH | ring ITEMS SLOTS SIZE |\n"
		"       shmem_demo race PROCS TIMES | count PROCS TIMES\n");
	return 2;
}
