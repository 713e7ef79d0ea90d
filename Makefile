# SPDX-License-Identifier: MIT
# IPC Lab: the front door. See README.md.
#
#   make grade [LAB=01] [STEP=2] [TEST=name] [IMPL=solutions] [FORMAT=tap|junit|json] [OUT=file]
#   make test          the suite's own tests (alias: make check)
#   make mutants LAB=01 [MUTANTS_FLAGS=--limit 20]   mutation testing of a grader
#   make docs          the Doxygen site in build/docs/html
#   make demo LAB=01   build a lab's demo program
#   make doctor        the machine limits a student may hit
#   make dist          the student handout (no solutions) as a tarball
#   make roster SUBMISSIONS=dir [OUT=prefix]   grade a class into a CSV/JSON roster

ROOT := $(abspath .)
include common/config.mk

LABS     := $(sort $(notdir $(wildcard labs/[0-9][0-9]-*)))
IMPL     ?= labs
LAB      ?=
SELECTED := $(if $(LAB),$(filter $(LAB)%,$(LABS)),$(LABS))
GRADE_FLAGS := --keep=$(ROOT) \
	$(if $(FORMAT),--format=$(FORMAT)) $(if $(OUT),--output=$(OUT)) \
	$(if $(STEP),--step=$(STEP)) $(if $(TEST),--test=$(TEST)) \
	$(if $(SANITIZE),--no-memory-limit) $(if $(VERBOSE),--verbose)

.PHONY: all grade test check docs demo doctor roster dist clean common common-libs mutants

all: common
	@for lab in $(LABS); do $(MAKE) -s --no-print-directory -C labs/$$lab LAB=$$lab all || exit 1; done

# Packages first, then the libraries (never both at once under make -j).
common: deps
	@$(MAKE) --no-print-directory common-libs
common-libs: $(LIBIPC) $(LIBGRADE) $(DRIVER)

# Grade each selected lab: build it (a lab that does not compile is shown
# and scored 0), then run all of them through the driver in one report.
grade: common
	@if [ -z "$(SELECTED)" ]; then \
		echo "make grade: no lab matches LAB=$(LAB); the labs are: $(LABS)" >&2; \
		exit 2; fi
	@dirs=""; for lab in $(SELECTED); do \
		$(MAKE) -s --no-print-directory -C labs/$$lab LAB=$$lab IMPL=$(IMPL) grade-build || exit 1; \
		dirs="$$dirs $(BUILD)/$(IMPL)$(VARIANT)/$$lab"; \
	done; $(DRIVER) $(GRADE_FLAGS) $$dirs

demo: common
	@if [ -z "$(LAB)" ] || [ -z "$(SELECTED)" ]; then \
		echo "make demo: say which lab, e.g. make demo LAB=01 (labs: $(LABS))" >&2; exit 2; fi
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
	@mkdir -p $(BUILD)/docs
	@cd docs && IPCLAB_DOCS_OUT=$(BUILD)/docs doxygen Doxyfile
	@echo "docs: $(BUILD)/docs/html/index.html"

doctor:
	@$(ROOT)/common/doctor.sh

# The student handout: everything but the reference sources, the suite's
# own tests and the buggy variants; each lab's reference demo goes in
# prebuilt (for this machine's architecture) so the grader can compare.
DIST := $(BUILD)/dist/ipclab
dist: common
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@git ls-files -z -- . ':!solutions' ':!tests' ':!.ci' | \
		xargs -0 -I{} cp --parents {} $(DIST)/
	@for lab in $(LABS); do \
		$(MAKE) -s --no-print-directory -C labs/$$lab LAB=$$lab IMPL=solutions \
			$(BUILD)/solutions$(VARIANT)/$$lab/demo || exit 1; \
		mkdir -p $(DIST)/labs/$$lab/grade && \
		cp $(BUILD)/solutions$(VARIANT)/$$lab/demo $(DIST)/labs/$$lab/grade/reference-demo; \
	done
	@tar -C $(dir $(DIST)) -czf $(BUILD)/dist/ipclab.tar.gz ipclab
	@echo "student handout: $(BUILD)/dist/ipclab.tar.gz"

# Grade a folder of student submissions into a CSV/JSON roster.
roster: common
	@if [ -z "$(SUBMISSIONS)" ]; then \
		echo "make roster: say where, e.g. make roster SUBMISSIONS=~/class/lab-submissions [OUT=roster]" >&2; \
		exit 2; fi
	@ROSTER_LABS="$(SELECTED)" $(ROOT)/common/roster.sh "$(SUBMISSIONS)" $(if $(OUT),"$(OUT)")

clean:
	rm -rf $(BUILD)
