# SPDX-License-Identifier: MIT
# IPC Lab: the front door. See README.md.
#
#   make grade [LAB=01] [STEP=2] [TEST=name] [IMPL=solutions] [FORMAT=f] [OUT=file]
#              FORMAT: tap, junit, json, gradescope or classroom; exit status:
#              0 every test passed, 2 (make's) otherwise: README.md
#   make test          the suite's own tests (alias: make check)
#   make mutants LAB=01 [MUTANTS_FLAGS=--limit 20]   mutation testing of a grader
#   make docs          the Doxygen site in build/docs/html
#   make docs-check    the site in headless Chromium (installed if missing),
#                      screenshots in build/docs/shots
#   make demo LAB=01   build a lab's demo program
#   make doctor        the machine limits a student may hit
#   make dist          the student handout (no solutions) as a tarball
#   make roster SUBMISSIONS=dir [OUT=prefix] [JOBS=n]   grade a class into a CSV/JSON roster
#   make gradescope [LAB=01] [HIDDEN="test_a test_b"]   Gradescope's autograder.zip
#   make               your progress and this help (also: make help)
#   make progress      which steps of which labs pass, and what is next
#   make watch [LAB=01] [STEP=2]   grade again at every save
#   make hint LAB=01 [TEST=name]   a hint, one more each time you ask
#   make bench [IMPL=solutions]   every mechanism's speed here (lab 11): a table, plots in build/bench

# Make sees only paths relative to the project (see common/config.mk), so
# the project may live in a folder whose path has blanks or quotes.
ROOT := .
include common/config.mk

LABS     := $(sort $(notdir $(wildcard labs/[0-9][0-9]-*)))
IMPL     ?= labs
LAB      ?=
# A lab by number or name: LAB=1, LAB=01, LAB=pipe, LAB=01-pipe, or a list
# of them, LAB="01 pipe". Every word must name a lab.
lab_matches = $(filter $(1) $(1)-% %-$(1) 0$(1)-%,$(LABS))
UNKNOWN_LABS := $(strip $(foreach w,$(LAB),$(if $(call lab_matches,$(w)),,$(w))))
SELECTED := $(if $(LAB),$(if $(UNKNOWN_LABS),,$(sort $(foreach w,$(LAB),$(call lab_matches,$(w))))),$(LABS))
NO_LAB   = echo 'make $@: no lab is called '$(call shquote,$(or $(firstword $(UNKNOWN_LABS)),$(LAB)))' (LAB='$(call shquote,$(LAB))'); say LAB=1, LAB=01, LAB=pipe or LAB=01-pipe, or a list: LAB="01 02". The labs: $(LABS)' >&2; exit 2
empty :=
space := $(empty) $(empty)
# The driver gets the project's absolute path (--keep, the directory tests
# must still see) from the shell, quoted: it may hold blanks.
GRADE_FLAGS := --keep="$$(pwd)" \
	$(if $(FORMAT),--format=$(call shquote,$(FORMAT))) \
	$(if $(OUT),--output=$(call shquote,$(OUT))) \
	$(if $(STEP),--step=$(call shquote,$(STEP))) \
	$(if $(TEST),--test=$(call shquote,$(TEST))) \
	$(if $(SANITIZE),--no-memory-limit) $(if $(VERBOSE),--verbose) \
	$(if $(filter labs,$(IMPL)),--record=$(BUILD_DIR)/progress) \
	$(if $(HIDDEN),--hidden=$(call shquote,$(subst $(space),$(comma),$(strip $(HIDDEN)))))

.PHONY: all grade test check docs docs-check deps-browser demo doctor roster dist gradescope clean \
	common common-libs deps-test help progress hint watch mutants
.DEFAULT_GOAL := help

# make with no target: where the student stands, and the commands.
help:
	@common/progress.sh $(BUILD_DIR)
	@echo
	@echo "Commands:"
	@echo "  make grade [LAB=01] [STEP=2]   grade your labs (LAB=1, 01, pipe or \"01 02\")"
	@echo "  make watch [LAB=01] [STEP=2]   grade again each time you save"
	@echo "  make hint LAB=01 [TEST=name]   a hint for the first failing test; ask again for more"
	@echo "  make progress                  this table"
	@echo "  make demo LAB=01               build a lab's demo program"
	@echo "  make docs                      the handouts and the API as a web site"
	@echo "  make doctor                    this machine's IPC limits"
	@echo "  make bench [IMPL=solutions]    every IPC mechanism's speed here (lab 11), plots in build/bench"
	@echo "    BENCH_FLAGS=\"--only pipe,tcp\"  some mechanisms; --quick: one short round"
	@echo "The handouts: labs/NN-topic/README.md. More: README.md."

progress:
	@common/progress.sh $(BUILD_DIR)

hint: common
	@$(if $(LAB),:,echo "make hint: say which lab, e.g. make hint LAB=01 [TEST=name]" >&2; exit 2)
	@$(if $(SELECTED),:,$(NO_LAB))
	@$(if $(word 2,$(SELECTED)),echo "make hint: one lab at a time (LAB=$(LAB))" >&2; exit 2,:)
	@$(MAKE) -s --no-print-directory -C labs/$(SELECTED) LAB=$(SELECTED) grade-build >/dev/null 2>&1 || true
	@common/hint.sh $(BUILD_DIR) $(SELECTED) $(if $(TEST),$(call shquote,$(TEST)))

watch: common
	@$(ROOT)/common/install-deps.sh watch
	@$(if $(SELECTED),:,$(NO_LAB))
	@common/watch.sh $(BUILD_DIR) "$(SELECTED)" $(if $(STEP),$(call shquote,$(STEP)))

all: common
	@for lab in $(LABS); do $(MAKE) -s --no-print-directory -C labs/$$lab LAB=$$lab all || exit 1; done

# Packages first, then the libraries (never both at once under make -j).
common: deps
	@$(MAKE) --no-print-directory common-libs
common-libs: $(LIBIPC) $(LIBGRADE) $(DRIVER)

# Grade each selected lab: build it (a lab that does not compile is shown
# and scored 0), then run all of them through the driver in one report.
# The driver's exit status says how it went (0: every test passed; 1: a
# test failed; 3: a lab did not compile; 2: a usage error; 4: a lab could
# not be graded, as when its grader does not build); make passes on any
# failure as its own status 2, after one line naming the driver's.
NO_SOLUTIONS = echo "make $@ IMPL=solutions: the reference solutions are not part of the student handout; each lab's reference demo is labs/NN-topic/grade/reference-demo" >&2; exit 2
grade: common
	@$(if $(SELECTED),:,$(NO_LAB))
	@$(if $(filter solutions,$(IMPL)),$(if $(wildcard solutions),:,$(NO_SOLUTIONS)),:)
	@dirs=""; for lab in $(SELECTED); do \
		$(MAKE) -s --no-print-directory -C labs/$$lab LAB=$$lab IMPL=$(IMPL) grade-build || exit 4; \
		dirs="$$dirs $(BUILD_DIR)/$(IMPL)$(VARIANT)/$$lab"; \
	done; $(DRIVER) $(GRADE_FLAGS) $$dirs

demo: common
	@$(if $(LAB),:,echo "make demo: say which lab$(comma) e.g. make demo LAB=01 (labs: $(LABS))" >&2; exit 2)
	@$(if $(SELECTED),:,$(NO_LAB))
	@for lab in $(SELECTED); do $(MAKE) -s --no-print-directory -C labs/$$lab LAB=$$lab IMPL=$(IMPL) demo; done

# Mutation testing of one lab's grader (minutes): tests/mutants.sh.
mutants:
	@[ -x tests/mutants.sh ] || { echo "make mutants: the suite's own tests are not part of a student handout" >&2; exit 2; }
	@[ -n "$(LAB)" ] || { echo "make mutants: say which lab, e.g. make mutants LAB=01" >&2; exit 2; }
	@tests/mutants.sh $(LAB) $(MUTANTS_FLAGS)

test check: deps-test
	@[ -x tests/run.sh ] || { echo "make test: the suite's own tests are not part of a student handout" >&2; exit 2; }
	@tests/run.sh

deps-test:
	@$(ROOT)/common/install-deps.sh test

docs: deps-docs
	@$(ROOT)/common/docs.sh $(BUILD_DIR)/docs
	@echo "docs: $(BUILD_DIR)/docs/html/index.html"

# The site as a reader sees it: every page loaded in headless Chromium, no
# broken link, image, anchor or diagram, and screenshots of the home page
# and of a lab (common/docs_check.py; make test runs it where Chromium is).
docs-check: deps-browser
	@$(ROOT)/common/docs.sh $(BUILD_DIR)/docs
	@python3 $(ROOT)/common/docs_check.py $(BUILD_DIR)/docs/html --shots $(BUILD_DIR)/docs/shots

deps-browser:
	@$(ROOT)/common/install-deps.sh browser

doctor:
	@$(ROOT)/common/doctor.sh

# Lab 11's benchmark of every mechanism: the table, then the plots
# (gnuplot) in $(BUILD_DIR)/bench. IMPL=solutions for the reference.
.PHONY: bench
bench: common
	@$(ROOT)/common/install-deps.sh bench
	@$(MAKE) -s --no-print-directory -C labs/11-bench LAB=11-bench IMPL=$(IMPL) bench

# The student handout: everything but the reference sources, the suite's
# own tests and the buggy variants, with a README for students and each
# lab's reference demo prebuilt and stripped (common/dist.sh says more).
dist: common
	@BUILD=$(call shquote,$(BUILD)) $(ROOT)/common/dist.sh $(BUILD_DIR)/dist

# Gradescope's autograder.zip for the selected labs; HIDDEN names tests
# whose results students see only after the due date.
gradescope:
	@[ -x $(ROOT)/common/gradescope/package.sh ] || { echo "make gradescope: the Gradescope packaging is not part of the student handout" >&2; exit 2; }
	@$(if $(SELECTED),:,$(NO_LAB))
	@$(ROOT)/common/install-deps.sh gradescope
	@$(MAKE) --no-print-directory common-libs
	@LABS="$(SELECTED)" HIDDEN=$(call shquote,$(HIDDEN)) BUILD=$(call shquote,$(BUILD)) \
		$(ROOT)/common/gradescope/package.sh $(BUILD_DIR)/gradescope

# Grade a folder of student submissions into a CSV/JSON roster (jq writes
# them: deps-roster installs it).
roster: deps-roster
	@$(if $(SUBMISSIONS),:,echo "make roster: say where$(comma) e.g. make roster SUBMISSIONS=~/class/lab-submissions [OUT=roster]" >&2; exit 2)
	@$(if $(SELECTED),:,$(NO_LAB))
	@$(MAKE) --no-print-directory common-libs
	@ROSTER_LABS="$(SELECTED)" ROSTER_DRIVER=$(DRIVER) BUILD=$(BUILD) \
		ROSTER_JOBS=$(call shquote,$(or $(JOBS),$(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))))) \
		$(ROOT)/common/roster.sh $(call shquote,$(SUBMISSIONS)) $(if $(OUT),$(call shquote,$(OUT)))

# Removes build/ (or BUILD, if it is inside build/), never anything else.
clean:
	$(call rm_build,$(BUILD_DIR))
