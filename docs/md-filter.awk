# SPDX-License-Identifier: MIT
# Doxygen's input filter for the Markdown pages (FILTER_PATTERNS in
# Doxyfile). It changes two things, for the site only; GitHub shows the
# files as they are.
#
# 1. A handout's diagram becomes a Doxygen @dot graph. In a handout a
#    diagram is written so that it also reads well on GitHub, which shows it
#    as a closed "details" block whose one-line summary is the caption, with
#    the Graphviz source inside:
#
#      <details><summary>Diagram: what to look at</summary>
#
#      ```dot
#      digraph name { ... }
#      ```
#
#      </details>
#
#    On the site the same lines become
#
#      @dot "what to look at"
#      digraph name { ... }
#      @enddot
#
# 2. A heading loses its backquotes: Doxygen 1.9.4 shows a code span in a
#    heading as "<tt>|</tt>", tags and all.
#
# 3. In the project's README (ENVIRON["IPCLAB_DOCS_SRC"] "/README.md"), of
#    which the contributor pages in docs/ show sections (@snippetdoc),
#    relative links are made relative to docs/, where Doxygen resolves
#    them, and lose their #anchor (GitHub's heading anchors are not the
#    site's).
#
# Every line stays on its own line (the wrapper lines become blank), so
# Doxygen's warnings still name the right line of the handout. Anything
# else passes through unchanged, "details" blocks that hold no diagram too.

# A relative link of the README, seen from docs/.
function from_docs(line,    out, target) {
	out = ""
	while (match(line, /\]\([^)#: ]+(#[^) ]*)?\)/)) {
		target = substr(line, RSTART + 2, RLENGTH - 3)
		sub(/#.*/, "", target)
		if (target !~ /^\//)
			target = "../" target
		out = out substr(line, 1, RSTART + 1) target ")"
		line = substr(line, RSTART + RLENGTH)
	}
	return out line
}

function flush_held() {
	if (held != "")
		print held
	for (i = 1; i <= blanks; i++)
		print ""
	held = ""
	blanks = 0
}

# Inside a diagram's source: as it is, up to the closing fence.
in_dot && /^```[ \t]*$/ {
	print "@enddot"
	in_dot = 0
	next
}
in_dot {
	print
	next
}
# Inside any other fenced block (C code, shell): as it is, up to a line of
# at least as many of the same fence characters.
in_code {
	line = $0
	sub(/^[ \t]*/, "", line)
	sub(/[ \t]*$/, "", line)
	if (length(line) >= length(fence) && substr(line, 1, length(fence)) == fence &&
	    line !~ /[^`~]/)
		in_code = 0
	print
	next
}
# A summary line that announces a diagram: hold it until we see whether a
# ```dot fence follows (after blank lines only).
/^<details><summary>Diagram: .*<\/summary>[ \t]*$/ {
	flush_held()
	held = $0
	caption = $0
	sub(/^<details><summary>Diagram: /, "", caption)
	sub(/<\/summary>[ \t]*$/, "", caption)
	gsub(/"/, "'", caption)
	next
}
held != "" && /^[ \t]*$/ {
	blanks++
	next
}
/^```dot[ \t]*$/ {
	if (held != "") {
		print ""
		for (i = 1; i <= blanks; i++)
			print ""
		print "@dot \"" caption "\""
		in_details = 1
	} else {
		print "@dot"
	}
	held = ""
	blanks = 0
	in_dot = 1
	next
}
# The </details> that closes a diagram's block.
in_details && /^<\/details>[ \t]*$/ {
	print ""
	in_details = 0
	next
}
{
	flush_held()
	if (!/^[ \t]*$/)
		in_details = 0
}
/^[ \t]*(```|~~~)/ {
	match($0, /(`+|~+)/)
	fence = substr($0, RSTART, RLENGTH)
	in_code = 1
	print
	next
}
/^#+[ \t]/ {
	gsub(/`/, "")
}
FILENAME == ENVIRON["IPCLAB_DOCS_SRC"] "/README.md" {
	$0 = from_docs($0)
}
{
	print
}
END {
	flush_held()
}
