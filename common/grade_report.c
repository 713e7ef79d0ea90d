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

void
report_text(FILE *out, const struct driver_options *opt,
	    const struct driver_lab *labs, size_t n, const char *mode)
{
	const char *green = opt->color ? "\033[32m" : "";
	const char *red = opt->color ? "\033[31m" : "";
	const char *bold = opt->color ? "\033[1m" : "";
	const char *dim = opt->color ? "\033[2m" : "";
	const char *off = opt->color ? "\033[0m" : "";
	int total = 0, total_possible = 0;

	for (size_t l = 0; l < n; l++) {
		const struct driver_lab *lab = &labs[l];
		int score, possible;
		fprintf(out, "%s%s: %s%s\n", bold, lab->id, lab->title, off);
		for (size_t i = 0; i < lab->n_tests; i++) {
			const struct driver_test *t = &lab->tests[i];
			if (!t->ran)
				continue;
			fprintf(out, "  %s%s%s  step %d  %-44s %2d/%-2d\n",
				t->passed ? green : red, t->passed ? "PASS" : "FAIL",
				off, t->step, t->name, t->passed ? t->points : 0,
				t->points);
			if (t->message != NULL)
				print_indented(out, t->message, "        ");
			if (t->output != NULL && (!t->passed || opt->verbose)) {
				fprintf(out, "        %sthe test printed:%s\n", dim, off);
				print_indented(out, t->output, "        | ");
			}
		}
		lab_score(lab, &score, &possible);
		total += score;
		total_possible += possible;
		fprintf(out, "  %sScore: %d/%d%s\n\n", bold, score, possible, off);
	}
	fprintf(out, "%sTotal score: %d/%d%s", bold, total, total_possible, off);
	if (mode != NULL)
		fprintf(out, "  %s(sandbox: %s)%s", dim, mode, off);
	fputc('\n', out);
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
