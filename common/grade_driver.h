/* SPDX-License-Identifier: MIT */
/**
 * @file grade_driver.h
 * @brief Internal interface between the parts of the grade driver.
 *
 * The driver (`ipcgrade`) runs each test of each lab grader in a sandbox
 * (grade_sandbox.c), collects a result per test, and writes the reports
 * (grade_report.c). None of this is linked into student code.
 */
#ifndef GRADE_DRIVER_H
#define GRADE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/** @brief One test of a lab, as listed by `grader --list`, and its result. */
struct driver_test {
	char name[128];	      /**< Check test name, test_unit_behaviour */
	int step;	      /**< handout step */
	int points;	      /**< points it is worth */
	double timeout_s;     /**< Check time limit, before scaling */
	char on_timeout[512]; /**< likely bug when it times out */
	bool ran;	      /**< selected and run */
	bool passed;	      /**< passed every check */
	char *message;	      /**< why it failed (malloc'd, may be NULL) */
	char *output;	      /**< tail of what the test printed (malloc'd) */
	double seconds;	      /**< wall time */
};

/** @brief One lab being graded. */
struct driver_lab {
	char id[64];		   /**< e.g. "01-pipe" */
	char title[128];	   /**< e.g. "Anonymous pipes" */
	char build_dir[1024];	   /**< where grader, demo, compile.log live */
	char handout[1024];	   /**< path of the handout shown in hints */
	bool broken;		   /**< the code did not compile */
	char student_file[1100];   /**< the file the student edits */
	char *compile_errors;	   /**< the compiler's first lines (malloc'd) */
	struct driver_test *tests; /**< the table */
	size_t n_tests;		   /**< rows */
};

/** @brief Options that apply to the whole run. */
struct driver_options {
	const char *format;	/**< text, tap, junit, json, gradescope... */
	const char *output;	/**< file for the machine format, or NULL */
	int step;		/**< run only this step (0: all) */
	const char *only_test;	/**< run only this test (NULL: all) */
	bool color;		/**< ANSI colour on the text report */
	bool verbose;		/**< show output of passing tests too */
	bool no_namespaces;	/**< force the snapshot sandbox */
	bool no_memory_limit;	/**< for sanitizer builds */
	const char *keep_path;	/**< the project: visible, read-only */
	const char **hide;	/**< more paths tests may not read (--hide) */
	size_t n_hide;		/**< entries in hide */
	const char *record_dir; /**< keep results here (make progress) */
	double timeout_scale;	/**< from CK_TIMEOUT_MULTIPLIER */
	uid_t test_uid;		/**< run tests as this uid; -1: as we are */
	/** Called about 5 times a second while a test runs (or NULL). */
	void (*progress)(const struct driver_test *test, double seconds);
	const char *hidden; /**< --hidden: tests shown after the due date */
	const char **notes; /**< --note: lines atop the Gradescope report */
	size_t n_notes;	    /**< entries in notes */
};

/** @brief What a sandboxed run of one test produced. */
struct sandbox_result {
	char *result_line; /**< Check's result for the test, or NULL */
	bool reached;	   /**< the test's own end was reached (keyed record) */
	char *problems;	   /**< leaks and escapes found, one per line */
	char *output;	   /**< tail of the test's stdout/stderr */
	char *hang;	   /**< what blocked it when time ran out, or NULL */
	char *notes;	   /**< the engine's notes (a limit hit), or NULL */
	int grader_status; /**< wait status of the grader process */
	bool overran;	   /**< the driver's outer time limit fired */
	bool stopped;	   /**< interrupted (Ctrl+C): no verdict */
	const char *mode;  /**< "namespaces" or "snapshot" */
};

/**
 * @brief Run one test of a grader binary in a fresh sandbox.
 * @param opt     run options
 * @param lab     the lab (for paths)
 * @param test    the test to run
 * @param result  receives what happened; free with sandbox_result_free()
 * @return 0; -1 with errno set if the sandbox could not be started.
 */
int sandbox_run_test(const struct driver_options *opt,
		     const struct driver_lab *lab,
		     const struct driver_test *test,
		     struct sandbox_result *result);

/**
 * @brief Ask the test running now to stop; its supervisor still cleans up.
 *
 * Async-signal-safe: the driver calls it from its SIGINT handler.
 */
void sandbox_stop(void);

/**
 * @brief Free the strings of a sandbox_result.
 * @param result the result to free
 */
void sandbox_result_free(struct sandbox_result *result);

/**
 * @brief Confine this process and its children with Landlock: the project
 *        (opt->keep_path) read-only, its solutions/, tests/ and .git/ and
 *        the opt->hide paths unreadable, writes only in @p test_dir, /tmp
 *        and /dev/shm (outside the project) and to devices.
 * @param opt      run options (keep_path, hide)
 * @param test_dir the test's own directory
 * @param mqueue   where the test's mqueue file system is mounted (POSIX
 *                 queues are files in it)
 * @param keep_mounted_read_only the project is a read-only mount already
 *                 (namespace mode): /tmp may then be writable as a whole
 * @return 0; -1 with errno set (ENOSYS or EOPNOTSUPP: no Landlock here, or
 *         no mqueue mount to grant).
 */
int confine_filesystem(const struct driver_options *opt, const char *test_dir,
		       const char *mqueue, bool keep_mounted_read_only);

/**
 * @brief Say in words what the processes of a test that ran out of time are
 *        blocked in, and why nothing comes (the hang explainer).
 * @param root the supervisor: every process below it is looked at, but the
 *             engine's own (init, the grader's runner)
 * @return the explanation (malloc'd), or NULL if there is nothing to say.
 */
char *explain_hang(pid_t root);

/**
 * @brief Can confine_filesystem() work here (Landlock, and a mount of the
 *        mqueue file system at @p mqueue)?
 * @param mqueue where the test's mqueue file system would be mounted
 * @return true if it can.
 */
bool confinement_available(const char *mqueue);

/**
 * @brief Print the human report (a table per lab and the scores).
 * @param out  where to print
 * @param opt  run options (colour)
 * @param labs the graded labs
 * @param n    how many
 * @param mode sandbox mode that ran
 */
void report_text(FILE *out, const struct driver_options *opt,
		 const struct driver_lab *labs, size_t n, const char *mode);

/**
 * @brief Print a lab's heading; for a lab that does not compile, also the
 *        compiler's first errors and one line for the lab.
 * @param out where to print
 * @param opt run options (colour)
 * @param lab the lab
 */
void report_text_lab_start(FILE *out, const struct driver_options *opt,
			   const struct driver_lab *lab);

/**
 * @brief Print one test's line, and for a failure why and what it printed.
 * @param out where to print
 * @param opt run options (colour, verbose)
 * @param lab the test's lab
 * @param t   the test (nothing is printed unless it ran)
 */
void report_text_test(FILE *out, const struct driver_options *opt,
		      const struct driver_lab *lab,
		      const struct driver_test *t);

/**
 * @brief Print a lab's score line.
 * @param out where to print
 * @param opt run options (colour)
 * @param lab the lab
 */
void report_text_lab_end(FILE *out, const struct driver_options *opt,
			 const struct driver_lab *lab);

/**
 * @brief Print the closing table: per lab the tests passed, the points and
 *        the next step to work on, then the total and the sandbox mode.
 * @param out  where to print
 * @param opt  run options (colour)
 * @param labs the graded labs
 * @param n    how many
 * @param mode sandbox mode that ran
 */
void report_text_summary(FILE *out, const struct driver_options *opt,
			 const struct driver_lab *labs, size_t n,
			 const char *mode);

/** @brief A whole run, as the machine-readable reports see it. */
struct report_info {
	const struct driver_options *opt; /**< run options (format, hidden) */
	const struct driver_lab *labs;	  /**< the graded labs */
	size_t n;			  /**< how many */
	const char *mode;		  /**< sandbox mode that ran, or NULL */
	double seconds;			  /**< wall time of the run */
};

/**
 * @brief Write the report in the machine format opt->format names: tap
 *        (TAP 13), junit (JUnit XML), json (ours: every test with its lab,
 *        step and output), gradescope (Gradescope's results.json) or
 *        classroom (a result GitHub Classroom's autograding reporter reads).
 *        Nothing for text.
 * @param out  where to write
 * @param info the run
 */
void report_machine(FILE *out, const struct report_info *info);

/**
 * @brief Is @p format one report_machine() or report_text() writes?
 * @param format a --format value
 * @return true if it is.
 */
bool report_format_known(const char *format);

/**
 * @brief Points scored and available in one lab.
 * @param lab      the lab
 * @param score    receives the points scored
 * @param possible receives the points available
 */
void lab_score(const struct driver_lab *lab, int *score, int *possible);

#endif /* GRADE_DRIVER_H */
