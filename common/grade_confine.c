/* SPDX-License-Identifier: MIT */
/**
 * @file grade_confine.c
 * @brief Confine a test's file system access with Landlock.
 *
 * The code under test runs as a user who may own the project (a student
 * grading their own tree, or a test in snapshot mode). Without more than
 * Unix permissions it could delete its own source file, rewrite what the
 * build left for the driver, or read the reference solutions. Landlock
 * (Linux 5.13 and later, no privilege needed) lets the grader process give
 * up rights before it runs any code under test:
 * - read and execute anywhere but the hidden paths (solutions/, tests/,
 *   .git/ of the project, and whatever the driver adds: other students'
 *   submissions);
 * - write only in the test's own directory, /tmp and /dev/shm outside the
 *   project, POSIX message queues, and device files (/dev/null): the
 *   project tree is read-only.
 * Landlock rules only ever grant, so hiding a path means granting each of
 * its siblings instead of its parent (allow_except()).
 */
#include "grade_driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* statfs(2)'s f_type of an mqueue file system (not in linux/magic.h). */
#define MQUEUE_MAGIC 0x19800202

/* Linux 6.2's right, missing from older headers (Debian 12's). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define READ_ONLY                                                              \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |           \
	 LANDLOCK_ACCESS_FS_READ_DIR)
/** The rights that apply to a file (the others only to directories). */
#define FILE_RIGHTS                                                            \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |          \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
#define MAX_HIDDEN 16

/** Every file system right Landlock ABI @p abi knows (and we handle). */
static __u64
handled_rights(int abi)
{
	__u64 rights = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1 */

	if (abi >= 2)
		rights |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return rights;
}

/** Is @p path @p dir itself or inside it? */
static bool
is_within(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(path, dir, len) == 0 &&
	       (path[len] == '\0' || path[len] == '/');
}

/** Grant @p rights beneath @p path (a missing path grants nothing). */
static int
add_rule(int ruleset, const char *path, __u64 rights)
{
	struct landlock_path_beneath_attr rule = { .allowed_access = rights };
	struct stat st;
	int rc;

	rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (rule.parent_fd == -1)
		return errno == ENOENT || errno == EACCES ? 0 : -1;
	if (fstat(rule.parent_fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rule.allowed_access &= FILE_RIGHTS;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset,
			  LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	close(rule.parent_fd);
	return rc;
}

/**
 * Grant @p rights beneath @p path, except beneath the @p hidden paths: a
 * directory on the way to a hidden path is not granted itself, each of its
 * entries is (recursively). Symbolic links are skipped: what they point to
 * is granted (or not) where it lives.
 */
static int
allow_except(int ruleset, const char *path, __u64 rights,
	     char *const hidden[], size_t n_hidden)
{
	bool on_the_way = false;
	struct dirent *e;
	DIR *dir;
	int rc = 0;

	for (size_t i = 0; i < n_hidden; i++) {
		if (is_within(path, hidden[i]))
			return 0;
		on_the_way = on_the_way || is_within(hidden[i], path);
	}
	if (!on_the_way)
		return add_rule(ruleset, path, rights);
	dir = opendir(path);
	if (dir == NULL)
		return 0;
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		char child[PATH_MAX];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s%s%s", path,
			     strcmp(path, "/") == 0 ? "" : "/",
			     e->d_name) >= (int)sizeof(child))
			continue;
		if (lstat(child, &st) == 0 && !S_ISLNK(st.st_mode))
			rc = allow_except(ruleset, child, rights, hidden, n_hidden);
	}
	closedir(dir);
	return rc;
}

/** Add @p path, resolved, to the hidden list (if it exists). */
static void
hide(char *hidden[], size_t *n, const char *path)
{
	char *real = realpath(path, NULL);

	if (real != NULL && *n < MAX_HIDDEN)
		hidden[(*n)++] = real;
	else
		free(real);
}

/** Is @p path the root of a mounted mqueue file system? */
static bool
is_mqueue(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == MQUEUE_MAGIC;
}

bool
confinement_available(const char *mqueue)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0,
		       LANDLOCK_CREATE_RULESET_VERSION) >= 1 &&
	       is_mqueue(mqueue);
}

int
confine_filesystem(const struct driver_options *opt, const char *test_dir,
		   const char *mqueue, bool keep_mounted_read_only)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	struct landlock_ruleset_attr attr;
	char *hidden[MAX_HIDDEN], *writable_hidden[MAX_HIDDEN], path[PATH_MAX];
	size_t n_hidden = 0, n_writable_hidden = 0;
	__u64 all;
	int ruleset, rc = 0;

	if (abi < 1)
		return -1; /* errno: ENOSYS or EOPNOTSUPP */
	/* mq_open() opens a file of the mqueue file system: without a mount
	 * of it to grant, POSIX queues would fail. */
	if (!is_mqueue(mqueue)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	all = handled_rights((int)abi);
	attr = (struct landlock_ruleset_attr){ .handled_access_fs = all };
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
			       sizeof(attr), 0);
	if (ruleset == -1)
		return -1;
	if (opt->keep_path != NULL) {
		static const char *const secret[] = { "solutions", "tests",
						      ".git" };
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s", opt->keep_path,
				 secret[i]);
			hide(hidden, &n_hidden, path);
		}
		/* Not writable, even under /tmp; but where the project is a
		 * read-only mount already (namespace mode), /tmp may stay
		 * writable as a whole: a fixed /tmp path then gets the
		 * grader's message, not EACCES. */
		if (!keep_mounted_read_only)
			hide(writable_hidden, &n_writable_hidden,
			     opt->keep_path);
	}
	for (size_t i = 0; i < opt->n_hide; i++) {
		hide(hidden, &n_hidden, opt->hide[i]);
		hide(writable_hidden, &n_writable_hidden, opt->hide[i]);
	}
	rc = allow_except(ruleset, "/", READ_ONLY, hidden, n_hidden);
	if (rc == 0)
		rc = allow_except(ruleset, "/tmp", all, writable_hidden,
				  n_writable_hidden);
	if (rc == 0)
		rc = allow_except(ruleset, "/dev/shm", all, writable_hidden,
				  n_writable_hidden);
	if (rc == 0)
		rc = add_rule(ruleset, "/dev", READ_ONLY | FILE_RIGHTS);
	if (rc == 0)
		rc = add_rule(ruleset, "/proc", READ_ONLY | FILE_RIGHTS);
	if (rc == 0)
		rc = add_rule(ruleset, mqueue, all);
	if (rc == 0)
		rc = add_rule(ruleset, test_dir, all);
	if (rc == 0)
		rc = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (rc == 0)
		rc = (int)syscall(SYS_landlock_restrict_self, ruleset, 0);
	close(ruleset);
	for (size_t i = 0; i < n_hidden; i++)
		free(hidden[i]);
	for (size_t i = 0; i < n_writable_hidden; i++)
		free(writable_hidden[i]);
	return rc;
}
