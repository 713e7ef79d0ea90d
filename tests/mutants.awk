# SPDX-License-Identifier: MIT
# The mutants of one C file, for tests/mutants.sh. Usage:
#   awk -v file=pipe.c -f tests/mutants.awk pipe.c
# Prints one mutant per line, tab-separated:
#   ID  LINE  KIND  COLUMN  FROM  TO  SOURCE-LINE
# KIND "delete": delete line LINE (COLUMN, FROM and TO are "-").
# KIND "flip": at byte COLUMN of line LINE, comparison FROM becomes TO.
# ID is what survivors are reported as, and what an .equivalent file names:
#   pipe.c:42:delete   pipe.c:42:13:==>!=
#
# Candidates for deletion: every line with code, except braces-only lines,
# comments, preprocessor lines, declarations without an initialiser and
# lines at column 0 (deleting those does not compile anyway). tests/mutants.sh compiles each
# mutant and does not count the ones that fail to compile.

BEGIN {
	in_comment = 0
	pp_cont = 0
	flip["=="] = "!="; flip["!="] = "=="
	flip["<"] = ">="; flip[">="] = "<"
	flip[">"] = "<="; flip["<="] = ">"
}

# The line with comments and the inside of string and character literals
# blanked out (same length, so columns stay right).
function code_of(s,    out, i, c, n, q) {
	out = ""
	i = 1
	while (i <= length(s)) {
		c = substr(s, i, 1)
		n = substr(s, i + 1, 1)
		if (in_comment) {
			if (c == "*" && n == "/") {
				in_comment = 0
				out = out "  "
				i += 2
			} else {
				out = out " "
				i++
			}
		} else if (c == "/" && n == "*") {
			in_comment = 1
			out = out "  "
			i += 2
		} else if (c == "/" && n == "/") {
			while (i <= length(s)) {
				out = out " "
				i++
			}
		} else if (c == "\"" || c == "'") {
			q = c
			out = out q
			i++
			while (i <= length(s) && substr(s, i, 1) != q) {
				if (substr(s, i, 1) == "\\") {
					out = out " "
					i++
				}
				out = out " "
				i++
			}
			out = out q
			i++
		} else {
			out = out c
			i++
		}
	}
	return out
}

function trim(s) {
	gsub(/^[ \t]+|[ \t]+$/, "", s)
	return s
}

function emit(kind, col, from, to,    id) {
	if (kind == "delete")
		id = file ":" NR ":delete"
	else
		id = file ":" NR ":" col ":" from ">" to
	printf "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", id, NR, kind, col, from, to, trim($0)
}

{
	code = code_of($0)
	t = trim(code)
	is_pp = pp_cont || t ~ /^#/
	pp_cont = is_pp && t ~ /\\$/
	if (is_pp || t == "")
		next
	# Deletion candidates. (Lines at column 0 are file-scope declarations
	# and function headers: deleting one does not compile.)
	if ($0 !~ /^[A-Za-z_]/ && t !~ /^[{}]+;?$/ &&
	    !(t ~ /^(static |const |volatile |unsigned |signed |struct [A-Za-z_0-9]+ |union [A-Za-z_0-9]+ |enum [A-Za-z_0-9]+ )*[A-Za-z_][A-Za-z_0-9]*[ *]+[A-Za-z_][^=(]*;$/ &&
	      t !~ /^(return|break|continue|goto|case|default|do|else)[ ;]/))
		emit("delete")
	# Comparisons, one mutant per occurrence.
	for (i = 1; i <= length(code); i++) {
		c = substr(code, i, 1)
		n = substr(code, i + 1, 1)
		op = ""
		if ((c == "=" || c == "!") && n == "=")
			op = c n
		else if (c == "<" || c == ">") {
			if (c == ">" && substr(code, i - 1, 1) == "-")
				continue # ->
			if (n == c) { # << >> <<= >>=
				i++
				continue
			}
			op = n == "=" ? c n : c
		}
		if (op == "")
			continue
		emit("flip", i, op, flip[op])
		i += length(op) - 1
	}
}
