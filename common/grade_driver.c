/* SPDX-License-Identifier: MIT */
/**
 * @file grade_driver.c
 * @brief `ipcgrade`: grade labs by running every test in a sandbox.
 *
 * Usage: ipcgrade [options] BUILD_DIR...
 * Each BUILD_DIR holds a lab's `grader` (or, when the student's code did not
 * compile, `grader-list` and `compile.log`). The driver asks the grader for
 * its table of tests, runs each test through grade_sandbox.c, scores it from
 * the result the grader's Check runner recorded, and prints the report.
 */
#include "grade_driver.h"
#include "grade_protocol.h"
#include "ipc_util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: ipcgrade [options] BUILD_DIR...\n"
		"  --format=FORMAT   text (default), tap, junit, json, gradescope\n"
		"                    (results.json) or classroom (GitHub Classroom)\n"
		"  --output=FILE     write the format to FILE, text to stdout\n"
		"  --step=N          run only the tests of handout step N\n"
		"  --test=NAME[,NAME...] run only these tests\n"
		"  --verbose         show output of passing tests too\n"
		"  --no-namespaces   use the snapshot sandbox even if namespaces work\n"
		"  --no-memory-limit do not cap memory (sanitizer builds)\n"
		"  --keep=DIR        the project: tests still see it, read-only\n"
		"  --hide=PATH       a path tests may not read (repeatable)\n"
		"  --record=DIR      keep each test's result in DIR/LAB.tsv\n"
		"  --fail-fast       stop at the first failing test (mutation testing)\n"
		"  --hidden=NAME[,NAME...] gradescope: show these tests only after\n"
		"                    the due date\n"
		"  --note=TEXT       gradescope: a line atop the report (repeatable)\n"
		"Environment: CK_TIMEOUT_MULTIPLIER scales every time limit;\n"
		"NO_COLOR disables colour.\n"
		"Exit status: 0 every test passed, 1 a test failed, 2 usage error,\n"
		"3 a lab did not compile, 4 a lab could not be graded, 130 interrupted.\n");
}

/* ----------------------------------------------------------- the tables */

/** Run `program --list` and return its output (malloc'd), or NULL. */
static char *
run_list(const char *program)
{
	int fds[2], status;
	char *out = NULL;
	pid_t pid;

	if (pipe(fds) == -1)
		return NULL;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(program, program, "--list", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (pid == -1 || ipc_read_to_end(fds[0], &out, 1 << 20) == -1)
		out = NULL;
	close(fds[0]);
	if (pid != -1 && (ipc_waitpid(pid, &status) == -1 || status != 0)) {
		free(out);
		out = NULL;
	}
	return out;
}

/** Parse one "test\tname\tstep\tpoints\ttimeout\ton_timeout" line. */
static int
parse_test_line(char *line, struct driver_test *t)
{
	char *fields[6];
	int n = 0;

	for (char *p = line; n < 6; n++) {
		fields[n] = p;
		p = strchr(p, '\t');
		if (p == NULL) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n < 5 || strcmp(fields[0], "test") != 0)
		return -1;
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", fields[1]);
	t->step = atoi(fields[2]);
	t->points = atoi(fields[3]);
	t->timeout_s = atof(fields[4]);
	if (n == 6)
		snprintf(t->on_timeout, sizeof(t->on_timeout), "%s", fields[5]);
	return 0;
}

/** Read a file of the build directory whole (malloc'd), or NULL. */
static char *
read_build_file(const char *build_dir, const char *name)
{
	char path[1200], *text = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", build_dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if (ipc_read_to_end(fd, &text, 1 << 20) == -1) {
		free(text);
		text = NULL;
	}
	close(fd);
	return text;
}

/** The first @p max lines of a build file, and how many more there are. */
static char *
first_lines(const char *build_dir, const char *name, int max)
{
	char *text = read_build_file(build_dir, name), *at = text;
	int lines = 0, more = 0;

	for (; at != NULL && *at; at++) {
		if (*at != '\n')
			continue;
		if (++lines == max && at[1] != '\0') {
			for (char *rest = at + 1; *rest; rest++)
				more += *rest == '\n';
			at[1] = '\0';
			break;
		}
	}
	if (more > 0) {
		char *cut = NULL;
		if (asprintf(&cut, "%s... (%d more lines in %s/%s)", text, more,
			     build_dir, name) != -1) {
			free(text);
			text = cut;
		}
	}
	return text;
}

/** The file the student edits, relative to the current directory when it
 *  is inside it (as make wrote it in student-file). */
static void
load_student_file(struct driver_lab *lab)
{
	char *path = read_build_file(lab->build_dir, "student-file");
	char cwd[1024];
	const char *shown = path;
	size_t len;

	if (path == NULL) {
		snprintf(lab->student_file, sizeof(lab->student_file), "%s",
			 "your code");
		return;
	}
	path[strcspn(path, "\n")] = '\0';
	len = getcwd(cwd, sizeof(cwd)) != NULL ? strlen(cwd) : 0;
	if (len > 0 && strncmp(path, cwd, len) == 0 && path[len] == '/')
		shown = path + len + 1;
	snprintf(lab->student_file, sizeof(lab->student_file), "%s", shown);
	free(path);
}

/** Load a lab's table from its grader (or grader-list when broken). */
static int
load_lab(const char *build_dir, struct driver_lab *lab)
{
	char path[1100], *listing, *line, *save = NULL;
	struct stat st;
	size_t cap = 0;

	memset(lab, 0, sizeof(*lab));
	if (realpath(build_dir, lab->build_dir) == NULL)
		return -1;
	build_dir = lab->build_dir;
	snprintf(path, sizeof(path), "%s/compile.log", build_dir);
	lab->broken = stat(path, &st) == 0;
	snprintf(path, sizeof(path), "%s/%s", build_dir,
		 lab->broken ? "grader-list" : "grader");
	listing = run_list(path);
	if (listing == NULL)
		return -1;
	for (line = strtok_r(listing, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "lab\t", 4) == 0) {
			char *title = strchr(line + 4, '\t');
			if (title != NULL)
				*title++ = '\0';
			snprintf(lab->id, sizeof(lab->id), "%s", line + 4);
			snprintf(lab->title, sizeof(lab->title), "%s",
				 title ? title : "");
			continue;
		}
		if (lab->n_tests == cap) {
			cap = cap ? cap * 2 : 16;
			lab->tests = realloc(lab->tests, cap * sizeof(*lab->tests));
			if (lab->tests == NULL)
				ipc_die_errno("realloc");
		}
		if (parse_test_line(line, &lab->tests[lab->n_tests]) == 0)
			lab->n_tests++;
	}
	free(listing);
	snprintf(lab->handout, sizeof(lab->handout), "labs/%s/README.md", lab->id);
	load_student_file(lab);
	if (lab->broken)
		lab->compile_errors = first_lines(build_dir, "compile.log", 20);
	return lab->id[0] ? 0 : -1;
}

/* ------------------------------------------------------------- verdicts */

/** Append to a malloc'd string. */
static void
append(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
append(char **s, const char *fmt, ...)
{
	va_list ap;
	char *more = NULL, *joined = NULL;

	va_start(ap, fmt);
	if (vasprintf(&more, fmt, ap) == -1)
		more = NULL;
	va_end(ap);
	if (more == NULL)
		return;
	if (asprintf(&joined, "%s%s", *s ? *s : "", more) == -1)
		joined = NULL;
	free(more);
	if (joined != NULL) {
		free(*s);
		*s = joined;
	}
}

/** Turn one of Check's own messages into advice a student can act on. */
static void
explain_check_message(char **msg, const char *check_msg,
		      const struct driver_test *t, double scale)
{
	int value;

	if (strncmp(check_msg, "Test timeout expired", 20) == 0) {
		append(msg, "did not finish within %g s (timed out)",
		       t->timeout_s * scale);
		if (t->on_timeout[0])
			append(msg, ": %s", t->on_timeout);
	} else if (sscanf(check_msg, "Early exit with return value %d",
			  &value) == 1 && value == 1) {
		append(msg,
		       "a check failed but its message was lost: does your code "
		       "close file descriptors it does not own? (the grader "
		       "reports through fd 3, and stdin/stdout/stderr are not "
		       "yours either)");
	} else if (sscanf(check_msg, "Early exit with return value %d",
			  &value) == 1) {
		append(msg,
		       "the test process ended early with exit(%d): a function "
		       "under test (or a forked child that returned into the "
		       "test) called exit() or _exit(); library functions must "
		       "return to their caller",
		       value);
	} else if (sscanf(check_msg, "Received signal %d", &value) == 1) {
		append(msg, "the test crashed: killed by signal %d (SIG%s)", value,
		       sigabbrev_np(value) ? sigabbrev_np(value) : "?");
		if (value == SIGPIPE)
			append(msg, ": a write to a pipe or socket with no reader "
				    "kills the writer unless SIGPIPE is ignored "
				    "or blocked (then write fails with EPIPE)");
		else if (value == SIGSEGV)
			append(msg, ": an invalid memory access, or a NULL from "
				    "malloc() used without a check (a test may "
				    "use 4 GiB of memory); to find where: run the "
				    "demo under valgrind, or grade with SANITIZE=1 "
				    "(which also lifts the memory limit)");
		else if (value == SIGXFSZ)
			append(msg, ": it wrote more than 256 MiB, the limit "
				    "for a file or the test's output (runaway "
				    "output?)");
		else if (value == SIGXCPU)
			append(msg, ": it used more than its CPU time limit "
				    "(%g s): a busy loop?",
			       t->timeout_s * scale * 2 + 10);
		else if (value == SIGKILL)
			append(msg, ": killed, by your code or by a limit");
	} else {
		append(msg, "%s", check_msg);
	}
}

/** Decide pass/fail of a test from what the sandbox reported. */
static void
judge(struct driver_test *t, const struct sandbox_result *r,
      const struct driver_lab *lab, double scale)
{
	char how[96];

	t->ran = true;
	t->passed = r->result_line != NULL &&
		    strncmp(r->result_line, "PASS", 4) == 0 && r->reached &&
		    r->problems == NULL;
	if (r->output != NULL)
		t->output = strdup(r->output); /* shown for a pass with VERBOSE=1 */
	if (t->passed)
		return;
	if (r->result_line != NULL && strncmp(r->result_line, "PASS", 4) == 0 &&
	    !r->reached) {
		/* Check saw the pass status, but the test never got there. */
		append(&t->message,
		       "the test process ended early with exit(%d) before the "
		       "test finished: a function under test (or a forked child "
		       "that returned into the test) called exit() or _exit(); "
		       "library functions must return to their caller",
		       GRADE_PASS_STATUS);
	} else if (r->result_line != NULL &&
		   strncmp(r->result_line, "PASS", 4) != 0) {
		/* "FAIL|ERROR <tab> file:line <newline> message" */
		char *text = strchr(r->result_line, '\n');
		if (text != NULL) {
			*text++ = '\0';
			explain_check_message(&t->message, text, t, scale);
		} else {
			append(&t->message, "%s", r->result_line);
		}
	} else if (r->result_line == NULL) {
		ipc_describe_status(r->grader_status, how, sizeof(how));
		if (WIFEXITED(r->grader_status) &&
		    (WEXITSTATUS(r->grader_status) == 125 ||
		     WEXITSTATUS(r->grader_status) == 126))
			append(&t->message, "the sandbox could not start the "
					    "grader (see its output below): this "
					    "is a problem of the setup, not of "
					    "your code");
		else if (r->overran)
			append(&t->message, "the test ran past the grader's outer "
					    "time limit and was stopped");
		else
			append(&t->message,
			       "the grader process itself died (%s) during this "
			       "test: does your code signal its parent, its "
			       "process group or every process (kill(-1, ...)), "
			       "or close fds it does not own (Check reports "
			       "through fd 3)?",
			       how);
	}
	if (r->notes != NULL && t->message != NULL)
		append(&t->message, "\n%s", r->notes);
	if (r->hang != NULL && t->message != NULL &&
	    (strstr(t->message, "(timed out)") != NULL || r->overran))
		append(&t->message, "\nwhen the time ran out:\n%s", r->hang);
	if (r->problems != NULL)
		append(&t->message, "%s%s", t->message ? "\n" : "", r->problems);
	while (t->message && t->message[0] &&
	       t->message[strlen(t->message) - 1] == '\n')
		t->message[strlen(t->message) - 1] = '\0';
	append(&t->message, "\nread: %s, step %d", lab->handout, t->step);
}

/** Is this test selected by --step / --test? */
static bool
selected(const struct driver_options *opt, const struct driver_test *t)
{
	if (opt->step && t->step != opt->step)
		return false;
	if (opt->only_test != NULL) {
		/* A comma-separated list of names. */
		size_t len = strlen(t->name);
		for (const char *p = opt->only_test; *p; p += strcspn(p, ",")) {
			p += *p == ',';
			if (strncmp(p, t->name, len) == 0 &&
			    (p[len] == ',' || p[len] == '\0'))
				return true;
		}
		return false;
	}
	return true;
}

/** Set by SIGINT/SIGTERM/SIGHUP: finish the test running, then stop. */
static volatile sig_atomic_t interrupted;

/** Ctrl+C: stop the test running now; its supervisor still cleans up. */
static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
	sandbox_stop();
}

/** Route Ctrl+C (and kill) to on_interrupt(). */
static void
catch_interrupts(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/** --fail-fast: stop at the first failing test (tests/mutants.sh). */
static bool fail_fast, failed_once;

/**
 * After this many tests in a row ran out of time, the rest of the lab is
 * not run: a lab whose every function hangs is graded in bounded time (a
 * few time limits, not one per test) and scores 0 for the tests skipped.
 */
#define MAX_TIMEOUTS_IN_A_ROW 3

/** Did this test end by running out of time? */
static bool
timed_out(const struct driver_test *t, const struct sandbox_result *r)
{
	return r->overran ||
	       (!t->passed && t->message != NULL &&
		strstr(t->message, "(timed out)") != NULL);
}

/** The test running now, for the Ctrl+C message. */
static const struct driver_test *running_test;

/** On a terminal: one line that shows the running test and its time. */
static void
show_progress(const struct driver_test *t, double seconds)
{
	printf("\r  ....  step %d  %-44s %5.1f s\033[K", t->step, t->name,
	       seconds);
	fflush(stdout);
}

/** Does this lab have a test --step/--test selects? */
static bool
any_selected(const struct driver_options *opt, const struct driver_lab *lab)
{
	for (size_t i = 0; i < lab->n_tests; i++)
		if (selected(opt, &lab->tests[i]))
			return true;
	return false;
}

/**
 * Run every selected test of a lab; with @p live, print each test's line
 * the moment it finishes. Returns the sandbox mode used.
 */
static const char *
grade_lab(const struct driver_options *opt, struct driver_lab *lab, bool live)
{
	const char *mode = NULL;
	int timeouts_in_a_row = 0;

	if (live && any_selected(opt, lab))
		report_text_lab_start(stdout, opt, lab);
	for (size_t i = 0; i < lab->n_tests; i++) {
		struct driver_test *t = &lab->tests[i];
		struct sandbox_result r;
		uint64_t start;
		if (!selected(opt, t) || interrupted || failed_once)
			continue;
		if (lab->broken) {
			t->ran = true;
			append(&t->message, "%s does not compile:\n%s",
			       lab->student_file,
			       lab->compile_errors ? lab->compile_errors : "");
			continue;
		}
		if (timeouts_in_a_row >= MAX_TIMEOUTS_IN_A_ROW) {
			t->ran = true;
			append(&t->message,
			       "not run: %d tests in a row ran out of time, so "
			       "the grader stopped this lab (it would take a "
			       "time limit per test); make the first test that "
			       "timed out finish, then grade again",
			       MAX_TIMEOUTS_IN_A_ROW);
			if (live)
				report_text_test(stdout, opt, lab, t);
			continue;
		}
		start = ipc_now_ns();
		running_test = t;
		if (sandbox_run_test(opt, lab, t, &r) == -1)
			ipc_die_errno("cannot start the test sandbox");
		if (opt->progress != NULL) {
			printf("\r\033[K"); /* the progress line goes */
			fflush(stdout);
		}
		t->seconds = (double)(ipc_now_ns() - start) / 1e9;
		if (!r.stopped) { /* an interrupted test has no verdict */
			judge(t, &r, lab, opt->timeout_scale);
			timeouts_in_a_row = timed_out(t, &r) ? timeouts_in_a_row + 1
							     : 0;
			running_test = NULL;
			failed_once = fail_fast && t->ran && !t->passed;
		}
		mode = r.mode;
		sandbox_result_free(&r);
		if (live) {
			report_text_test(stdout, opt, lab, t);
			fflush(stdout);
		}
	}
	if (live && any_selected(opt, lab) && !interrupted)
		report_text_lab_end(stdout, opt, lab);
	return mode;
}

/* ------------------------------------------------------------- progress */

/** The line of @p text that starts with "@p name<TAB>", and its length. */
static const char *
line_of(const char *text, const char *name, int *len)
{
	size_t n = strlen(name);

	for (const char *line = text; line != NULL && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, name, n) == 0 && line[n] == '\t') {
			*len = (int)strcspn(line, "\n");
			return line;
		}
	}
	return NULL;
}

/**
 * Keep this run's results for `make progress` and `make hint`: a line per
 * test, "name<TAB>step<TAB>points<TAB>passed", in DIR/LAB.tsv. Tests this
 * run did not select keep the result they had.
 */
static void
record_progress(const char *dir, const struct driver_lab *lab)
{
	char name[128], path[1200], tmp[1300], *old;
	FILE *f;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return;
	snprintf(name, sizeof(name), "%s.tsv", lab->id);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (f == NULL)
		return;
	old = read_build_file(dir, name);
	for (size_t i = 0; i < lab->n_tests; i++) {
		const struct driver_test *t = &lab->tests[i];
		const char *kept;
		int len;
		if (t->ran)
			fprintf(f, "%s\t%d\t%d\t%d\n", t->name, t->step,
				t->points, t->passed);
		else if ((kept = line_of(old, t->name, &len)) != NULL)
			fprintf(f, "%.*s\n", len, kept);
	}
	free(old);
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}

/* ----------------------------------------------------------------- main */

/** Exit statuses: see exit_status(). */
enum {
	EXIT_ALL_PASSED = 0,
	EXIT_TEST_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_NOT_COMPILED = 3,
	EXIT_NOT_GRADED = 4,
	EXIT_INTERRUPTED = 130,
};

/** @p path made absolute and resolved; exits when it does not exist. */
static const char *
absolute(const char *path)
{
	char *real = realpath(path, NULL);

	if (real == NULL) {
		fprintf(stderr, "ipcgrade: %s: %s\n", path, strerror(errno));
		exit(EXIT_USAGE);
	}
	return real; /* kept for the whole run */
}

/** Add @p path to the paths tests may not read (--hide). */
static void
add_hidden(struct driver_options *opt, const char *path)
{
	const char **more = realloc(opt->hide, (opt->n_hide + 1) * sizeof(*more));

	if (more == NULL)
		ipc_die_errno("realloc");
	opt->hide = more;
	opt->hide[opt->n_hide++] = absolute(path);
}

/** STEP=N: a number from 1; anything else is a clear error. */
static int
parse_step(const char *text)
{
	char *end;
	long step = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || step < 1 || step > 99) {
		fprintf(stderr, "ipcgrade: STEP=%s: a step is a number (1, 2, "
				"...) from the lab's handout\n", text);
		exit(EXIT_USAGE);
	}
	return (int)step;
}

/** Add a line for the top of the Gradescope report (--note). */
static void
add_note(struct driver_options *opt, const char *text)
{
	const char **more = realloc(opt->notes, (opt->n_notes + 1) * sizeof(*more));

	if (more == NULL)
		ipc_die_errno("realloc");
	opt->notes = more;
	opt->notes[opt->n_notes++] = text;
}

/** Parse options into @p opt; returns the index of the first BUILD_DIR. */
static int
parse_options(int argc, char **argv, struct driver_options *opt)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "step", required_argument, NULL, 's' },
		{ "test", required_argument, NULL, 't' },
		{ "keep", required_argument, NULL, 'k' },
		{ "hide", required_argument, NULL, 'H' },
		{ "record", required_argument, NULL, 'R' },
		{ "hidden", required_argument, NULL, 'x' },
		{ "note", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-namespaces", no_argument, NULL, 'N' },
		{ "no-memory-limit", no_argument, NULL, 'M' },
		{ "fail-fast", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *scale = getenv("CK_TIMEOUT_MULTIPLIER");
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->format = "text";
	opt->timeout_scale = scale && atof(scale) > 0 ? atof(scale) : 1.0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': opt->format = optarg; break;
		case 'o': opt->output = optarg; break;
		case 's': opt->step = parse_step(optarg); break;
		case 't': opt->only_test = optarg; break;
		case 'k': opt->keep_path = absolute(optarg); break;
		case 'H': add_hidden(opt, optarg); break;
		case 'R': opt->record_dir = optarg; break;
		case 'x': opt->hidden = optarg; break;
		case 'n': add_note(opt, optarg); break;
		case 'v': opt->verbose = true; break;
		case 'N': opt->no_namespaces = true; break;
		case 'M': opt->no_memory_limit = true; break;
		case 'F': fail_fast = true; break;
		case 'h': usage(stdout); exit(EXIT_ALL_PASSED);
		default: usage(stderr); exit(EXIT_USAGE);
		}
	}
	if (!report_format_known(opt->format)) {
		fprintf(stderr, "ipcgrade: unknown format '%s' (use text, tap, "
				"junit, json, gradescope or classroom)\n", opt->format);
		exit(EXIT_USAGE);
	}
	return optind;
}

/**
 * The driver's exit status (README.md and docs/grading.md list them): the
 * worst of what happened, so a script or CI job can tell a failed test
 * from code that does not compile, and both from a mistake in the call.
 */
static int
exit_status(const struct driver_lab *labs, size_t n, size_t wanted)
{
	bool failed = false, broken = false;

	if (n < wanted)
		return EXIT_NOT_GRADED;
	for (size_t l = 0; l < n; l++) {
		broken |= labs[l].broken;
		for (size_t i = 0; i < labs[l].n_tests; i++)
			failed |= labs[l].tests[i].ran && !labs[l].tests[i].passed;
	}
	return broken ? EXIT_NOT_COMPILED : failed ? EXIT_TEST_FAILED : EXIT_ALL_PASSED;
}

/**
 * As root, tests run under a uid of their own for this run: no privileges,
 * RLIMIT_NPROC applies, and whatever they create is theirs alone, so two
 * runs at once never mistake each other's objects or files (or processes)
 * for their own. The uid is unused by any account (the 0x7ff0xxxx range).
 */
static uid_t
pick_test_uid(void)
{
	if (geteuid() != 0)
		return (uid_t)-1;
	return (uid_t)(0x7ff00000u + ((unsigned)getpid() & 0xffffu));
}

/** Did any test of any lab run? (A mistyped selection runs none.) */
static bool
any_ran(const struct driver_lab *labs, size_t n)
{
	for (size_t l = 0; l < n; l++)
		for (size_t i = 0; i < labs[l].n_tests; i++)
			if (labs[l].tests[i].ran)
				return true;
	return false;
}

/** Make the per-run directory used by the snapshot sandbox. */
static char *
make_run_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL;

	if (asprintf(&dir, "%s/ipclab-run-XXXXXX", tmp && *tmp ? tmp : "/tmp") == -1 ||
	    mkdtemp(dir) == NULL)
		ipc_die_errno("mkdtemp");
	/* Tests may run as 'nobody' in their own subdirectory: let them in
	 * (but not list the others). */
	if (chmod(dir, 0711) == -1)
		ipc_die_errno("chmod");
	setenv("IPCLAB_RUN_DIR", dir, 1);
	return dir;
}

int
main(int argc, char **argv)
{
	struct driver_options opt;
	struct driver_lab *labs;
	const char *mode = NULL;
	size_t n = 0;
	int first = parse_options(argc, argv, &opt);
	uint64_t start = ipc_now_ns();
	bool live;
	char *run_dir;

	if (first >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	opt.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	live = opt.output != NULL || strcmp(opt.format, "text") == 0;
	if (live && isatty(STDOUT_FILENO) && getenv("TERM") != NULL &&
	    strcmp(getenv("TERM"), "dumb") != 0)
		opt.progress = show_progress;
	opt.test_uid = pick_test_uid();
	labs = calloc((size_t)(argc - first), sizeof(*labs));
	if (labs == NULL)
		ipc_die_errno("calloc");
	catch_interrupts();
	run_dir = make_run_dir();
	for (int i = first; i < argc && !interrupted; i++) {
		if (load_lab(argv[i], &labs[n]) == -1) {
			fprintf(stderr, "ipcgrade: %s: cannot list the tests of "
					"this lab (is it built?)\n", argv[i]);
			continue;
		}
		const char *lab_mode = grade_lab(&opt, &labs[n], live);
		if (opt.record_dir != NULL && !interrupted)
			record_progress(opt.record_dir, &labs[n]);
		if (lab_mode != NULL)
			mode = lab_mode;
		n++;
	}
	if (rmdir(run_dir) == -1)
		fprintf(stderr, "ipcgrade: could not remove %s: %s\n", run_dir,
			strerror(errno));
	free(run_dir);
	if (interrupted) {
		if (running_test != NULL)
			fprintf(stderr, "\nipcgrade: interrupted during %s: it was "
					"stopped and cleaned up; it and the tests "
					"after it are not in the report\n",
				running_test->name);
		else
			fprintf(stderr, "\nipcgrade: interrupted; the tests that "
					"did not run are not in the report\n");
		report_text_summary(stdout, &opt, labs, n, mode);
		return EXIT_INTERRUPTED;
	}
	if ((opt.step || opt.only_test) && !any_ran(labs, n)) {
		if (opt.only_test != NULL && opt.step)
			fprintf(stderr, "ipcgrade: no test matches TEST=%s in "
					"STEP=%d\n", opt.only_test, opt.step);
		else if (opt.only_test != NULL)
			fprintf(stderr, "ipcgrade: no test matches TEST=%s\n",
				opt.only_test);
		else
			fprintf(stderr, "ipcgrade: no test is in STEP=%d\n",
				opt.step);
		return EXIT_USAGE;
	}
	if (live)
		report_text_summary(stdout, &opt, labs, n, mode);
	struct report_info info = { &opt, labs, n, mode,
				    (double)(ipc_now_ns() - start) / 1e9 };
	if (opt.output != NULL) {
		FILE *f = fopen(opt.output, "w");
		if (f == NULL)
			ipc_die_errno(opt.output);
		report_machine(f, &info);
		if (fclose(f) == EOF)
			ipc_die_errno(opt.output);
	} else {
		report_machine(stdout, &info);
	}
	return exit_status(labs, n, (size_t)(argc - first));
}
