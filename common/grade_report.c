/* SPDX-License-Identifier: MIT */
/**
 * @file grade_report.c
 * @brief The grade driver's reports: a table for people, TAP, JUnit, JSON.
 *
 * Every format is written from the same results, so they always agree.
 */
#include "grade_driver.h"

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

/* ------------------------------------------------------------------ TAP */

void
report_tap(FILE *out, const struct driver_lab *labs, size_t n)
{
	size_t count = 0, number = 0;

	for (size_t l = 0; l < n; l++)
		for (size_t i = 0; i < labs[l].n_tests; i++)
			count += labs[l].tests[i].ran;
	fprintf(out, "TAP version 13\n1..%zu\n", count);
	for (size_t l = 0; l < n; l++) {
		for (size_t i = 0; i < labs[l].n_tests; i++) {
			const struct driver_test *t = &labs[l].tests[i];
			if (!t->ran)
				continue;
			fprintf(out, "%s %zu - %s: %s (step %d, %d/%d points)\n",
				t->passed ? "ok" : "not ok", ++number, labs[l].id,
				t->name, t->step, t->passed ? t->points : 0,
				t->points);
			if (t->message != NULL) {
				fprintf(out, "  ---\n  message: |\n");
				print_indented(out, t->message, "    ");
				fprintf(out, "  ...\n");
			}
		}
	}
}

/* ---------------------------------------------------------------- JUnit */

/** Write @p s with XML's special characters escaped. */
static void
xml_escaped(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\n': case '\t': fputc(c, out); break;
		default:
			if (c >= 0x20)
				fputc(c, out); /* other control bytes are not XML */
		}
	}
}

void
report_junit(FILE *out, const struct driver_lab *labs, size_t n)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (size_t l = 0; l < n; l++) {
		const struct driver_lab *lab = &labs[l];
		size_t tests = 0, failures = 0;
		for (size_t i = 0; i < lab->n_tests; i++) {
			tests += lab->tests[i].ran;
			failures += lab->tests[i].ran && !lab->tests[i].passed;
		}
		fprintf(out, "  <testsuite name=\"");
		xml_escaped(out, lab->id);
		fprintf(out, "\" tests=\"%zu\" failures=\"%zu\">\n", tests, failures);
		for (size_t i = 0; i < lab->n_tests; i++) {
			const struct driver_test *t = &lab->tests[i];
			if (!t->ran)
				continue;
			fprintf(out, "    <testcase classname=\"");
			xml_escaped(out, lab->id);
			fprintf(out, "\" name=\"");
			xml_escaped(out, t->name);
			fprintf(out, "\" time=\"%.3f\">", t->seconds);
			if (!t->passed) {
				fprintf(out, "\n      <failure message=\"");
				xml_escaped(out, t->message);
				fprintf(out, "\">");
				xml_escaped(out, t->message);
				fprintf(out, "</failure>\n    ");
			}
			fprintf(out, "</testcase>\n");
		}
		fprintf(out, "  </testsuite>\n");
	}
	fprintf(out, "</testsuites>\n");
}

/* ----------------------------------------------------------------- JSON */

/** Write @p s as a JSON string literal. */
static void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void
report_json(FILE *out, const struct driver_lab *labs, size_t n)
{
	int total = 0, possible_total = 0;
	const char *sep = "";

	for (size_t l = 0; l < n; l++) {
		int score, possible;
		lab_score(&labs[l], &score, &possible);
		total += score;
		possible_total += possible;
	}
	/* Gradescope's results.json: score, max_score, tests[]. */
	fprintf(out, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"tests\": [",
		total, possible_total);
	for (size_t l = 0; l < n; l++) {
		for (size_t i = 0; i < labs[l].n_tests; i++) {
			const struct driver_test *t = &labs[l].tests[i];
			if (!t->ran)
				continue;
			fprintf(out, "%s\n    {\"name\": ", sep);
			json_string(out, t->name);
			fprintf(out, ", \"lab\": ");
			json_string(out, labs[l].id);
			fprintf(out, ", \"step\": %d, \"score\": %d, \"max_score\": %d, "
				     "\"status\": \"%s\", \"output\": ",
				t->step, t->passed ? t->points : 0, t->points,
				t->passed ? "passed" : "failed");
			json_string(out, t->message ? t->message : "");
			fputc('}', out);
			sep = ",";
		}
	}
	fprintf(out, "\n  ]\n}\n");
}
