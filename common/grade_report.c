/* SPDX-License-Identifier: MIT */
/**
 * @file grade_report.c
 * @brief The grade driver's reports: a table for people; TAP, JUnit, JSON,
 *        Gradescope's results.json and GitHub Classroom's result for machines.
 *
 * Every format is written from the same results, so they always agree.
 */
#include "grade_driver.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
lab_score(const struct driver_lab *lab, int *score, int *possible)
{
	*score = *possible = 0;
	for (size_t i = 0; i < lab->n_tests; i++) {
		if (!lab->tests[i].ran)
			continue;
		*possible += lab->tests[i].points;
		if (lab->tests[i].passed)
			*score += lab->tests[i].points;
	}
}

/* ----------------------------------------------------------------- text */

/**
 * Print @p text with every line indented by @p indent, and every control
 * character but tab shown as an escape (\r, \e, \x07, ...): text that came
 * from the code under test can neither move the cursor, colour or clear the
 * terminal, nor start a line of its own that looks like the grader's.
 */
static void
print_indented(FILE *out, const char *text, const char *indent)
{
	while (*text) {
		size_t len = strcspn(text, "\n");
		fputs(indent, out);
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)text[i];
			if (c == '\r')
				fputs("\\r", out);
			else if (c == 0x1b)
				fputs("\\e", out);
			else if ((c < 0x20 && c != '\t') || c == 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
		fputc('\n', out);
		text += len;
		if (*text == '\n')
			text++;
	}
}

/** The escape sequences of the text report: colour only on a terminal. */
struct style {
	const char *green, *red, *bold, *dim, *off;
};

static struct style
style_of(const struct driver_options *opt)
{
	if (!opt->color)
		return (struct style){ "", "", "", "", "" };
	return (struct style){ "\033[32m", "\033[31m", "\033[1m", "\033[2m",
			       "\033[0m" };
}

void
report_text_lab_start(FILE *out, const struct driver_options *opt,
		      const struct driver_lab *lab)
{
	struct style c = style_of(opt);
	int possible = 0;

	fprintf(out, "%s%s: %s%s\n", c.bold, lab->id, lab->title, c.off);
	if (!lab->broken)
		return;
	/* One message for the cause: the compiler's first errors, once. */
	for (size_t i = 0; i < lab->n_tests; i++)
		possible += lab->tests[i].points;
	fprintf(out, "  %sdoes not compile%s: %s\n", c.red, c.off, lab->student_file);
	if (lab->compile_errors != NULL)
		print_indented(out, lab->compile_errors, "    ");
	fprintf(out, "  its %zu tests (%d points) score 0: fix the first error "
		     "above, then grade again\n",
		lab->n_tests, possible);
}

void
report_text_test(FILE *out, const struct driver_options *opt,
		 const struct driver_lab *lab, const struct driver_test *t)
{
	struct style c = style_of(opt);

	if (lab->broken || !t->ran)
		return;
	fprintf(out, "  %s%s%s  step %d  %-44s %2d/%-2d\n",
		t->passed ? c.green : c.red, t->passed ? "PASS" : "FAIL", c.off,
		t->step, t->name, t->passed ? t->points : 0, t->points);
	if (t->message != NULL)
		print_indented(out, t->message, "        ");
	if (t->output != NULL && (!t->passed || opt->verbose)) {
		fprintf(out, "        %sthe test printed:%s\n", c.dim, c.off);
		print_indented(out, t->output, "        | ");
	}
}

void
report_text_lab_end(FILE *out, const struct driver_options *opt,
		    const struct driver_lab *lab)
{
	struct style c = style_of(opt);
	int score, possible;

	lab_score(lab, &score, &possible);
	fprintf(out, "  %sScore: %d/%d%s\n\n", c.bold, score, possible, c.off);
}

/** The first failing test of the lowest step that has one, or NULL. */
static const struct driver_test *
next_to_fix(const struct driver_lab *lab)
{
	const struct driver_test *next = NULL;

	for (size_t i = 0; i < lab->n_tests; i++) {
		const struct driver_test *t = &lab->tests[i];
		if (t->ran && !t->passed && (next == NULL || t->step < next->step))
			next = t;
	}
	return next;
}

void
report_text_summary(FILE *out, const struct driver_options *opt,
		    const struct driver_lab *labs, size_t n, const char *mode)
{
	struct style c = style_of(opt);
	int total = 0, total_possible = 0;

	fprintf(out, "%s%-16s %7s %9s  %s%s\n", c.bold, "Lab", "Tests", "Points",
		"Next", c.off);
	for (size_t l = 0; l < n; l++) {
		const struct driver_lab *lab = &labs[l];
		const struct driver_test *next = next_to_fix(lab);
		int score, possible, ran = 0, passed = 0;
		char tests[32], points[32];
		for (size_t i = 0; i < lab->n_tests; i++) {
			ran += lab->tests[i].ran;
			passed += lab->tests[i].passed;
		}
		if (ran == 0)
			continue;
		lab_score(lab, &score, &possible);
		total += score;
		total_possible += possible;
		snprintf(tests, sizeof(tests), "%d/%d", passed, ran);
		snprintf(points, sizeof(points), "%d/%d", score, possible);
		fprintf(out, "%-16s %7s %9s  ", lab->id, tests, points);
		if (lab->broken)
			fprintf(out, "%smake %s compile%s\n", c.red,
				lab->student_file, c.off);
		else if (next == NULL)
			fprintf(out, "%sdone%s\n", c.green, c.off);
		else
			fprintf(out, "step %d, %s (%s)\n", next->step, next->name,
				lab->handout);
	}
	fprintf(out, "%sTotal score: %d/%d%s", c.bold, total, total_possible,
		c.off);
	if (mode != NULL)
		fprintf(out, "  %s(sandbox: %s)%s", c.dim, mode, c.off);
	fputc('\n', out);
}

void
report_text(FILE *out, const struct driver_options *opt,
	    const struct driver_lab *labs, size_t n, const char *mode)
{
	for (size_t l = 0; l < n; l++) {
		report_text_lab_start(out, opt, &labs[l]);
		for (size_t i = 0; i < labs[l].n_tests; i++)
			report_text_test(out, opt, &labs[l], &labs[l].tests[i]);
		report_text_lab_end(out, opt, &labs[l]);
	}
	report_text_summary(out, opt, labs, n, mode);
}

/* ------------------------------------------------- shared by the formats */

/*
 * The machine formats carry text that came from the code under test (what
 * it printed) and from the compiler: any bytes at all. Each writer keeps
 * its file valid: invalid UTF-8 becomes U+FFFD, control characters become
 * visible escapes (\r, \e, \x07) or the format's own, so one student's
 * bytes can neither break the file nor pass for the grader's lines.
 */

/** Length of the valid UTF-8 sequence at @p s (1-4), or 0 if it is not
 *  one (overlong forms, surrogates and U+FFFE/U+FFFF included: XML may not
 *  carry them). */
static size_t
utf8_length(const unsigned char *s)
{
	unsigned cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

/**
 * Write @p s, byte by byte, for a format: @p special(out, c) writes a byte
 * below 0x20, 0x7f or one of the format's special characters and returns
 * true, or returns false to let it through; invalid UTF-8 becomes U+FFFD.
 */
static void
write_text(FILE *out, const char *s, bool (*special)(FILE *, unsigned char))
{
	const unsigned char *p = (const unsigned char *)s;

	while (p != NULL && *p) {
		size_t len = utf8_length(p);
		if (len == 0) {
			fputs("\xef\xbf\xbd", out); /* U+FFFD */
			p++;
		} else if (len == 1 && special(out, *p)) {
			p++;
		} else {
			fwrite(p, 1, len, out);
			p += len;
		}
	}
}

/** A control character as the text report shows it: \r, \e, \x07. */
static bool
visible_escape(FILE *out, unsigned char c)
{
	if (c == '\r')
		fputs("\\r", out);
	else if (c == 0x1b)
		fputs("\\e", out);
	else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
		fprintf(out, "\\x%02x", c);
	else
		return false;
	return true;
}

/** Append a line (formatted, then a newline) to the malloc'd string @p s. */
static void
append_line(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
append_line(char **s, const char *fmt, ...)
{
	va_list ap;
	char *line = NULL, *joined = NULL;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) == -1)
		line = NULL;
	va_end(ap);
	if (line == NULL)
		return;
	if (asprintf(&joined, "%s%s\n", *s ? *s : "", line) != -1) {
		free(*s);
		*s = joined;
	}
	free(line);
}

/** Was the lab's code refused by the compiler (or by the screening)? */
static bool
not_compiled(const struct driver_lab *lab)
{
	return lab->broken;
}

/**
 * Why a test failed, for a machine format (malloc'd; NULL for a pass). For
 * a lab that did not compile, the driver's message holds the compiler's
 * first errors: the machine formats have no "above", so every test the
 * errors cost carries them.
 */
static char *
failure_text(const struct driver_lab *lab, const struct driver_test *t)
{
	if (t->passed)
		return NULL;
	if (t->message == NULL && not_compiled(lab))
		return strdup("your code does not compile");
	return strdup(t->message ? t->message : "failed");
}

/** Did the test run out of time (or stop a lab that kept doing so)? */
static bool
timed_out(const struct driver_test *t)
{
	return !t->passed && t->message != NULL &&
	       (strstr(t->message, "(timed out)") != NULL ||
		strstr(t->message, "outer time limit") != NULL);
}

/**
 * Did the test get no verdict of its own (its lab did not compile, or the
 * driver did not run it, e.g. after three timeouts in a row)? A test that
 * ran in a sandbox always took some time.
 */
static bool
no_verdict(const struct driver_lab *lab, const struct driver_test *t)
{
	return !t->passed && (not_compiled(lab) || t->seconds <= 0.0);
}

/** Points of one lab, or of the whole run (@p lab NULL). */
static void
run_score(const struct report_info *info, const struct driver_lab *lab,
	  int *score, int *possible)
{
	*score = *possible = 0;
	for (size_t l = 0; l < info->n; l++) {
		int s, p;
		if (lab != NULL && lab != &info->labs[l])
			continue;
		lab_score(&info->labs[l], &s, &p);
		*score += s;
		*possible += p;
	}
}

/* ------------------------------------------------------------------ TAP */

/** Write @p text as a YAML block scalar @p key, indented, escaped. */
static void
tap_block(FILE *out, const char *key, const char *text)
{
	fprintf(out, "  %s: |\n", key);
	while (*text) {
		size_t len = strcspn(text, "\n");
		char *line = strndup(text, len);
		fputs("    ", out);
		write_text(out, line ? line : "", visible_escape);
		fputc('\n', out);
		free(line);
		text += len;
		if (*text == '\n')
			text++;
	}
}

static void
report_tap(FILE *out, const struct report_info *info)
{
	size_t count = 0, number = 0;
	int score, possible;

	for (size_t l = 0; l < info->n; l++)
		for (size_t i = 0; i < info->labs[l].n_tests; i++)
			count += info->labs[l].tests[i].ran;
	fprintf(out, "TAP version 13\n1..%zu\n", count);
	for (size_t l = 0; l < info->n; l++) {
		const struct driver_lab *lab = &info->labs[l];
		for (size_t i = 0; i < lab->n_tests; i++) {
			const struct driver_test *t = &lab->tests[i];
			char *why;
			if (!t->ran)
				continue;
			fprintf(out, "%s %zu - %s: %s (step %d, %d/%d points)\n",
				t->passed ? "ok" : "not ok", ++number, lab->id,
				t->name, t->step, t->passed ? t->points : 0,
				t->points);
			why = failure_text(lab, t);
			if (why == NULL && t->output == NULL)
				continue;
			fprintf(out, "  ---\n");
			if (why != NULL)
				tap_block(out, "message", why);
			if (t->output != NULL)
				tap_block(out, "output", t->output);
			fprintf(out, "  ...\n");
			free(why);
		}
		run_score(info, lab, &score, &possible);
		fprintf(out, "# %s: %d/%d\n", lab->id, score, possible);
	}
	run_score(info, NULL, &score, &possible);
	fprintf(out, "# Total score: %d/%d\n", score, possible);
}

/* ---------------------------------------------------------------- JUnit */

/** XML's special characters and control characters, in element text. */
static bool
xml_special(FILE *out, unsigned char c)
{
	switch (c) {
	case '<': fputs("&lt;", out); return true;
	case '>': fputs("&gt;", out); return true;
	case '&': fputs("&amp;", out); return true;
	case '"': fputs("&quot;", out); return true;
	default: return visible_escape(out, c);
	}
}

/** The same in an attribute, where a newline must be a reference. */
static bool
xml_attr_special(FILE *out, unsigned char c)
{
	if (c == '\n') {
		fputs("&#10;", out);
		return true;
	}
	if (c == '\t') {
		fputs("&#9;", out);
		return true;
	}
	return xml_special(out, c);
}

/** Counts of one lab's tests, as JUnit has them. */
struct junit_counts {
	size_t tests, failures, errors, skipped;
	double seconds;
};

static void
junit_count(const struct driver_lab *lab, struct junit_counts *c)
{
	for (size_t i = 0; i < lab->n_tests; i++) {
		const struct driver_test *t = &lab->tests[i];
		c->tests++;
		c->seconds += t->seconds;
		if (!t->ran)
			c->skipped++;
		else if (no_verdict(lab, t))
			c->errors++;
		else if (!t->passed)
			c->failures++;
	}
}

static void
junit_counts_attrs(FILE *out, const struct junit_counts *c)
{
	fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"",
		c->tests, c->failures, c->errors, c->skipped, c->seconds);
}

/**
 * Every test of every lab is a testcase: a failure (it ran and failed), an
 * error (no verdict of its own: the lab did not compile, or it was not
 * run), skipped (not selected by --step/--test), or a pass. What the test
 * printed is its <system-out>.
 */
static void
report_junit(FILE *out, const struct report_info *info)
{
	struct junit_counts all = { 0 };

	for (size_t l = 0; l < info->n; l++)
		junit_count(&info->labs[l], &all);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ipclab\"");
	junit_counts_attrs(out, &all);
	fprintf(out, ">\n");
	for (size_t l = 0; l < info->n; l++) {
		const struct driver_lab *lab = &info->labs[l];
		struct junit_counts c = { 0 };
		junit_count(lab, &c);
		fprintf(out, "  <testsuite name=\"");
		write_text(out, lab->id, xml_attr_special);
		fputc('"', out);
		junit_counts_attrs(out, &c);
		fprintf(out, ">\n");
		for (size_t i = 0; i < lab->n_tests; i++) {
			const struct driver_test *t = &lab->tests[i];
			char *why = t->ran ? failure_text(lab, t) : NULL;
			const char *kind = no_verdict(lab, t) ? "error" : "failure";
			fprintf(out, "    <testcase classname=\"");
			write_text(out, lab->id, xml_attr_special);
			fprintf(out, "\" name=\"");
			write_text(out, t->name, xml_attr_special);
			fprintf(out, "\" time=\"%.3f\">\n", t->seconds);
			if (!t->ran) {
				fprintf(out, "      <skipped message=\"not selected (step %d)\"/>\n",
					t->step);
			} else if (why != NULL) {
				size_t first = strcspn(why, "\n");
				char *summary = strndup(why, first);
				fprintf(out, "      <%s message=\"", kind);
				write_text(out, summary ? summary : "", xml_attr_special);
				fprintf(out, "\" type=\"%s\">", not_compiled(lab) ? "compile" : kind);
				write_text(out, why, xml_special);
				fprintf(out, "</%s>\n", kind);
				free(summary);
			}
			if (t->output != NULL) {
				fprintf(out, "      <system-out>");
				write_text(out, t->output, xml_special);
				fprintf(out, "</system-out>\n");
			}
			fprintf(out, "    </testcase>\n");
			free(why);
		}
		fprintf(out, "  </testsuite>\n");
	}
	fprintf(out, "</testsuites>\n");
}

/* ----------------------------------------------------------------- JSON */

/** JSON's escapes; other control characters as \u00XX. */
static bool
json_special(FILE *out, unsigned char c)
{
	if (c == '"' || c == '\\')
		fprintf(out, "\\%c", c);
	else if (c == '\n')
		fputs("\\n", out);
	else if (c == '\t')
		fputs("\\t", out);
	else if (c == '\r')
		fputs("\\r", out);
	else if (c < 0x20)
		fprintf(out, "\\u%04x", c);
	else
		return false;
	return true;
}

/** Write @p s (NULL: "") as a JSON string literal. */
static void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	write_text(out, s ? s : "", json_special);
	fputc('"', out);
}

/** The lab's number ("01-pipe": 1). */
static int
lab_number(const struct driver_lab *lab)
{
	return atoi(lab->id);
}

/**
 * Our own JSON: the score, every lab (did it compile, with the start of
 * the compiler's messages if not), and every test that ran with its lab,
 * step, verdict, message ("output") and what the code printed ("printed").
 */
static void
report_json(FILE *out, const struct report_info *info)
{
	const char *sep = "";
	int score, possible;

	run_score(info, NULL, &score, &possible);
	fprintf(out, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"seconds\": %.3f,\n"
		     "  \"sandbox\": ",
		score, possible, info->seconds);
	json_string(out, info->mode);
	fprintf(out, ",\n  \"labs\": [");
	for (size_t l = 0; l < info->n; l++) {
		const struct driver_lab *lab = &info->labs[l];
		run_score(info, lab, &score, &possible);
		fprintf(out, "%s\n    {\"id\": ", l ? "," : "");
		json_string(out, lab->id);
		fprintf(out, ", \"title\": ");
		json_string(out, lab->title);
		fprintf(out, ", \"score\": %d, \"max_score\": %d, \"compiled\": %s",
			score, possible, not_compiled(lab) ? "false" : "true");
		if (lab->compile_errors != NULL) {
			fprintf(out, ", \"compile_errors\": ");
			json_string(out, lab->compile_errors);
		}
		fputc('}', out);
	}
	fprintf(out, "\n  ],\n  \"tests\": [");
	for (size_t l = 0; l < info->n; l++) {
		const struct driver_lab *lab = &info->labs[l];
		for (size_t i = 0; i < lab->n_tests; i++) {
			const struct driver_test *t = &lab->tests[i];
			if (!t->ran)
				continue;
			fprintf(out, "%s\n    {\"name\": ", sep);
			json_string(out, t->name);
			fprintf(out, ", \"lab\": ");
			json_string(out, lab->id);
			fprintf(out, ", \"step\": %d, \"score\": %d, \"max_score\": %d, "
				     "\"status\": \"%s\", \"seconds\": %.3f, "
				     "\"timed_out\": %s, \"output\": ",
				t->step, t->passed ? t->points : 0, t->points,
				t->passed ? "passed" : "failed", t->seconds,
				timed_out(t) ? "true" : "false");
			json_string(out, t->message);
			fprintf(out, ", \"printed\": ");
			json_string(out, t->output);
			fputc('}', out);
			sep = ",";
		}
	}
	fprintf(out, "\n  ]\n}\n");
}

/* ----------------------------------------------------------- Gradescope */

/** Is @p name in the comma-separated list @p list? */
static bool
listed_in(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; p != NULL && *p; p += strcspn(p, ",")) {
		p += *p == ',';
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	}
	return false;
}

/** Why a test failed (or @p passed), then what it printed, as one JSON
 *  string (Gradescope's and GitHub Classroom's test output). */
static void
json_test_output(FILE *out, const struct driver_lab *lab,
		 const struct driver_test *t, const char *passed)
{
	char *why = failure_text(lab, t), *text = NULL;

	if (asprintf(&text, "%s%s%s", why ? why : passed,
		     t->output ? "\n\nWhat your code printed (the end of it):\n" : "",
		     t->output ? t->output : "") == -1)
		text = NULL;
	json_string(out, text);
	free(text);
	free(why);
}

/**
 * Gradescope's results.json, every field of its specification we can
 * fill: the score, the run's time, a summary (and the compiler's messages)
 * for the student, the visibility of the results and of the script's own
 * stdout (hidden: it names paths of the autograder), and every test with
 * a name, number, score, status, output and visibility (after_due_date for
 * the tests --hidden names). Our own keys are under extra_data.
 */
static void
report_gradescope(FILE *out, const struct report_info *info)
{
	const struct driver_options *opt = info->opt;
	char *summary = NULL;
	const char *sep = "";
	int score, possible;

	for (size_t i = 0; i < opt->n_notes; i++)
		append_line(&summary, "%s", opt->notes[i]);
	for (size_t l = 0; l < info->n; l++) {
		const struct driver_lab *lab = &info->labs[l];
		run_score(info, lab, &score, &possible);
		append_line(&summary, "%s (%s): %d/%d%s", lab->id, lab->title,
			    score, possible,
			    not_compiled(lab) ? ": your code did not compile" : "");
		if (not_compiled(lab))
			append_line(&summary, "%s does not compile; the compiler "
					      "said:\n%s\n",
				    lab->student_file,
				    lab->compile_errors ? lab->compile_errors : "");
	}
	run_score(info, NULL, &score, &possible);
	append_line(&summary, "Total score: %d/%d", score, possible);
	fprintf(out, "{\n  \"score\": %d,\n  \"execution_time\": %ld,\n  \"output\": ",
		score, (long)(info->seconds + 0.5));
	json_string(out, summary);
	free(summary);
	fprintf(out, ",\n  \"output_format\": \"text\",\n  \"visibility\": \"visible\",\n"
		     "  \"stdout_visibility\": \"hidden\",\n  \"extra_data\": {\"max_score\": %d, "
		     "\"sandbox\": ",
		possible);
	json_string(out, info->mode);
	fprintf(out, "},\n  \"tests\": [");
	for (size_t l = 0; l < info->n; l++) {
		const struct driver_lab *lab = &info->labs[l];
		for (size_t i = 0; i < lab->n_tests; i++) {
			const struct driver_test *t = &lab->tests[i];
			char name[256];
			if (!t->ran)
				continue;
			snprintf(name, sizeof(name), "%s step %d: %s", lab->id,
				 t->step, t->name);
			fprintf(out, "%s\n    {\"name\": ", sep);
			json_string(out, name);
			fprintf(out, ", \"number\": \"%d.%zu\", \"score\": %d, "
				     "\"max_score\": %d, \"status\": \"%s\", \"output\": ",
				lab_number(lab), i + 1, t->passed ? t->points : 0,
				t->points, t->passed ? "passed" : "failed");
			json_test_output(out, lab, t, "passed");
			fprintf(out, ", \"visibility\": \"%s\", \"extra_data\": {\"lab\": ",
				listed_in(opt->hidden, t->name) ? "after_due_date"
								 : "visible");
			json_string(out, lab->id);
			fprintf(out, ", \"step\": %d, \"test\": ", t->step);
			json_string(out, t->name);
			fprintf(out, ", \"seconds\": %.3f, \"timed_out\": %s}}",
				t->seconds, timed_out(t) ? "true" : "false");
			sep = ",";
		}
	}
	fprintf(out, "\n  ]\n}\n");
}

/* ------------------------------------------------------- GitHub Classroom */

/**
 * The result GitHub Classroom's autograding reporter reads from a runner
 * (it sums the tests' score against max_score, and fails the job unless
 * the status is "pass"); the workflow hands it over base64-encoded.
 */
static void
report_classroom(FILE *out, const struct report_info *info)
{
	const char *status = "pass", *sep = "";
	int score, possible;

	for (size_t l = 0; l < info->n; l++) {
		run_score(info, &info->labs[l], &score, &possible);
		if (not_compiled(&info->labs[l]))
			status = "error";
		else if (score < possible && strcmp(status, "pass") == 0)
			status = "fail";
	}
	run_score(info, NULL, &score, &possible);
	fprintf(out, "{\"version\": 1, \"status\": \"%s\", \"max_score\": %d, \"tests\": [",
		status, possible);
	for (size_t l = 0; l < info->n; l++) {
		const struct driver_lab *lab = &info->labs[l];
		for (size_t i = 0; i < lab->n_tests; i++) {
			const struct driver_test *t = &lab->tests[i];
			char name[256], code[256];
			if (!t->ran)
				continue;
			snprintf(name, sizeof(name), "%s: %s", lab->id, t->name);
			snprintf(code, sizeof(code), "make grade LAB=%02d TEST=%s",
				 lab_number(lab), t->name);
			fprintf(out, "%s\n  {\"name\": ", sep);
			json_string(out, name);
			fprintf(out, ", \"status\": \"%s\", \"score\": %d, \"message\": ",
				t->passed ? "pass" : not_compiled(lab) ? "error" : "fail",
				t->passed ? t->points : 0);
			json_test_output(out, lab, t, "");
			fprintf(out, ", \"test_code\": ");
			json_string(out, code);
			fprintf(out, ", \"filename\": \"\", \"line_no\": 0, \"duration\": %ld}",
				(long)(t->seconds * 1000));
			sep = ",";
		}
	}
	fprintf(out, "\n]}\n");
}

/* ------------------------------------------------------------- dispatch */

static const struct {
	const char *name;
	void (*write)(FILE *, const struct report_info *);
} machine_formats[] = {
	{ "tap", report_tap },		     { "junit", report_junit },
	{ "json", report_json },	     { "gradescope", report_gradescope },
	{ "classroom", report_classroom },
};

bool
report_format_known(const char *format)
{
	if (strcmp(format, "text") == 0)
		return true;
	for (size_t i = 0; i < sizeof(machine_formats) / sizeof(machine_formats[0]); i++)
		if (strcmp(format, machine_formats[i].name) == 0)
			return true;
	return false;
}

void
report_machine(FILE *out, const struct report_info *info)
{
	for (size_t i = 0; i < sizeof(machine_formats) / sizeof(machine_formats[0]); i++)
		if (strcmp(info->opt->format, machine_formats[i].name) == 0)
			machine_formats[i].write(out, info);
}
