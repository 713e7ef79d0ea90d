# SPDX-License-Identifier: MIT
# The rules every lab shares. A lab's Makefile sets a few variables and
# includes this file:
#
#   LAB   := 01-pipe          # the directory name
#   TOPIC := pipe             # pipe.h, pipe.c, pipe_demo.c, grade/grade_pipe.c
#   LAB_LDLIBS :=             # extra libraries (e.g. -lrt -pthread)
#   GRADER_LDFLAGS :=         # extra link flags for the grader only
#   include ../../common/lab.mk
#
# Targets: all (grader and demo), demo, grade, clean.
# IMPL=labs (default) builds the student's file, IMPL=solutions the
# reference; IMPL_DIR=path builds the same file from anywhere (tests use it).
#
# Every path here is relative to the lab's directory (ROOT is "../.."), so
# the project may live in a folder with blanks or quotes in its path (see
# config.mk); B, GRADE_B, IMPL_DIR and LAB_DIR given on the command line
# must be relative to the lab's directory too, or absolute, and make-safe.

ROOT := $(patsubst %/common/,%,$(dir $(lastword $(MAKEFILE_LIST))))
ROOT := $(if $(filter %/,$(ROOT)),$(ROOT)..,$(ROOT))
include $(ROOT)/common/config.mk

IMPL     ?= labs
LAB_DIR  ?= .
IMPL_DIR ?= $(if $(filter labs,$(IMPL)),$(LAB_DIR),$(ROOT)/$(IMPL)/$(LAB))
B        ?= $(BUILD_DIR)/$(IMPL)$(VARIANT)/$(LAB)
REF_B    := $(BUILD_DIR)/solutions$(VARIANT)/$(LAB)
$(foreach v,LAB_DIR IMPL_DIR B GRADE_B,$(call check_path,$(v)))

STUDENT_SRCS ?= $(TOPIC).c
GRADE_SRCS   ?= grade/grade_$(TOPIC).c
DEMO_SRC     ?= $(TOPIC)_demo.c

LAB_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(SANFLAGS) $(COMMON_CPPFLAGS) -I$(LAB_DIR)
HEADERS   := $(wildcard $(LAB_DIR)/*.h $(ROOT)/common/*.h)
IMPL_OBJS := $(STUDENT_SRCS:%.c=$(B)/impl/%.o)
# The grader's and the demo's own objects do not depend on the code under
# test: GRADE_B=dir lets many builds of one lab share them (the suite's
# buggy variants reuse the reference build's).
GRADE_B    ?= $(B)
# The hints of `make hint`, beside the tests (common/grade.h: grade_hints).
HINT_SRCS  := $(if $(wildcard $(LAB_DIR)/grade/hints.c),grade/hints.c)
GRADE_OBJS := $(patsubst grade/%.c,$(GRADE_B)/grade/%.o,$(GRADE_SRCS) $(HINT_SRCS))
LINK       = $(CC) $(CFLAGS) $(SANFLAGS)

.PHONY: all demo grade grade-build student-files clean

all: $(B)/grader $(B)/demo

demo: $(B)/demo
	@echo "built $(patsubst $(ROOT)/%,%,$(B))/demo"

# The compiler gets the source's absolute path (from the shell, quoted), so
# its messages name the file wherever make was started: the student can
# open "/home/.../labs/01-pipe/pipe.c:12:5" as is.
ABS_SRC = "$$(realpath -s -- $<)"

$(B)/impl/%.o: $(IMPL_DIR)/%.c $(HEADERS) | $(B)/impl/
	$(CC) $(LAB_CFLAGS) -c $(ABS_SRC) -o $@

$(GRADE_B)/grade/%.o: $(LAB_DIR)/grade/%.c $(HEADERS) | $(GRADE_B)/grade/
	$(CC) $(LAB_CFLAGS) $(CHECK_CFLAGS) -c $(ABS_SRC) -o $@

$(GRADE_B)/demo.o: $(LAB_DIR)/$(DEMO_SRC) $(HEADERS) | $(GRADE_B)/
	$(CC) $(LAB_CFLAGS) -c $(ABS_SRC) -o $@

# The student's objects as the grader and the demo link them: screened by
# common/screen.sh (nothing may run before main(), no reference to the
# grader's internals) and with every global symbol but the API made local.
API_LIST      := $(GRADE_B)/api.txt
ENGINE_LIST   := $(GRADE_B)/engine-symbols.txt
SCREENED_OBJS := $(STUDENT_SRCS:%.c=$(B)/impl/%.screened.o)
CHECK_ARCHIVES = $(foreach a,libcheck_pic.a libcheck.a libsubunit.a,$(shell $(CC) -print-file-name=$(a)))
# Sections are checked on an object built without sanitizers, which add
# constructors of their own.
PLAIN_OBJ      = $(if $(SANITIZE),$(B)/impl/$*.plain.o,$<)

$(B)/impl/%.plain.o: $(IMPL_DIR)/%.c $(HEADERS) | $(B)/impl/
	$(CC) $(filter-out $(SANITIZERS),$(LAB_CFLAGS)) -c $< -o $@

$(B)/impl/%.screened.o: $(B)/impl/%.o $(API_LIST) $(ENGINE_LIST) $(if $(SANITIZE),$(B)/impl/%.plain.o)
	$(ROOT)/common/screen.sh $< $@ $(API_LIST) $(ENGINE_LIST) $*.c $(PLAIN_OBJ)

# The lab's API: every function its headers declare (gcc -aux-info).
$(API_LIST): $(wildcard $(LAB_DIR)/*.h) | $(GRADE_B)/
	for h in $(wildcard $(LAB_DIR)/*.h); do echo "#include \"$$h\""; done | \
		$(CC) $(CSTD) $(COMMON_CPPFLAGS) -I$(LAB_DIR) -aux-info $@.aux -fsyntax-only -x c -
	grep -F '/* $(LAB_DIR)/' $@.aux | \
		sed -n 's|^/\* [^ ]*/[^/:]*\.h:[0-9]*:[NO]C \*/ [^(]*[^A-Za-z0-9_]\([A-Za-z_][A-Za-z0-9_]*\) (.*|\1|p' >$@
	rm -f $@.aux

# What the grader's own code defines (the lab's tests, the engine, Check),
# but the shared helpers of libipc, which students may use.
$(ENGINE_LIST): $(GRADE_OBJS) $(LIBGRADE) $(LIBIPC)
	nm -g --defined-only $(LIBIPC) | awk 'NF == 3 { print $$3 }' | sort -u >$@.ipc
	nm -g --defined-only $(GRADE_OBJS) $(LIBGRADE) $(CHECK_ARCHIVES) 2>/dev/null | \
		awk 'NF == 3 { print $$3 }' | sort -u | comm -23 - $@.ipc >$@
	rm -f $@.ipc

# In a student handout there is no solutions/: IMPL=solutions gets the
# reference demo that ships prebuilt (see grade-build).
ifeq ($(IMPL)$(wildcard $(ROOT)/solutions/$(LAB)),solutions)
$(B)/demo: $(LAB_DIR)/grade/reference-demo | $(B)/
	cp $< $@
else
$(B)/demo: $(GRADE_B)/demo.o $(SCREENED_OBJS) $(LIBIPC)
	$(LINK) -o $@ $^ $(LAB_LDLIBS)
endif

# read(), write(), recv(), send() and their scatter/gather forms go through
# grade_fault.c, so tests can inject faults (grade_inject_short_io()).
WRAP_IO := $(foreach f,read write recv send readv writev recvmsg sendmsg,-Wl,--wrap=$(f))
# The calls a test can make fail (grade_fail_nth()): with the ones above,
# the same list as FAULT_FUNCTIONS in grade_fault.c.
WRAP_IO += $(foreach f,pipe pipe2 fork socket socketpair bind listen accept \
	accept4 connect mmap ftruncate shm_open sem_open sem_init mq_open msgget \
	semget shmget shmat open mkfifo dup dup2 fcntl sigaction sigprocmask \
	sigtimedwait waitpid malloc calloc realloc msgsnd msgrcv msgctl mq_send \
	mq_receive mq_getattr mq_unlink semop semtimedop semctl sem_wait \
	sem_post sem_unlink,-Wl,--wrap=$(f))

$(B)/grader: $(GRADE_OBJS) $(SCREENED_OBJS) $(LIBGRADE)
	$(LINK) $(WRAP_IO) $(GRADER_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LAB_LDLIBS)

# The test table without the student's code: lets a lab that does not
# compile still show its tests, each scored 0. Never runs a test.
$(B)/grader-list: $(GRADE_OBJS) $(LIBGRADE)
	$(LINK) $(WRAP_IO) -no-pie -Wl,--unresolved-symbols=ignore-all -o $@ $^ $(CHECK_LIBS) $(LAB_LDLIBS)

# Point link $(2) at $(1) atomically (a run grading at the same moment never
# finds it missing): make the new link aside, then rename it over. The link
# holds $(1)'s absolute path (computed by the shell: it may hold blanks).
replace_link = ln -sfn "$$(cd $(dir $(1)) && pwd -P)/$(notdir $(1))" $(2).new.$$$$ && \
	mv -Tf $(2).new.$$$$ $(2)

# Build what grading needs. When the code under test does not compile, keep
# the compiler's messages in compile.log (the driver shows the first ones
# once and scores the lab 0) and build grader-list instead: the other labs
# are still graded. student-file names the file the student edits.
grade-build: $(LIBGRADE) $(LIBIPC) | $(B)/
	@rm -f $(B)/compile.log
	@printf '%s\n' "$$(cd $(IMPL_DIR) && pwd)/$(STUDENT_SRCS)" >$(B)/student-file
	@if ! $(MAKE) -s --no-print-directory $(B)/grader $(B)/demo \
		>$(B)/compile.out 2>&1; then \
		grep -v '^make' $(B)/compile.out >$(B)/compile.log; \
		rm -f $(B)/compile.out; \
		$(MAKE) -s --no-print-directory $(B)/grader-list; \
	else \
		grep -v '^make' $(B)/compile.out >&2 || true; rm -f $(B)/compile.out; \
	fi
	@if [ -d $(ROOT)/solutions/$(LAB) ]; then \
		$(MAKE) -s --no-print-directory IMPL=solutions B=$(REF_B) \
			IMPL_DIR=$(ROOT)/solutions/$(LAB) $(REF_B)/demo && \
		$(call replace_link,$(REF_B)/demo,$(B)/reference-demo); \
	elif [ -x $(LAB_DIR)/grade/reference-demo ]; then \
		$(call replace_link,$(LAB_DIR)/grade/reference-demo,$(B)/reference-demo); \
	else rm -f $(B)/reference-demo; fi

# In a student handout (make dist) the reference demo ships prebuilt, as
# grade/reference-demo, instead of its source in solutions/.

# Grading always goes through the top-level Makefile, so that one lab and
# every lab are graded the same way.
grade:
	@$(MAKE) --no-print-directory -C $(ROOT) grade LAB=$(LAB)

# The files the student edits (the Gradescope autograder looks for them).
student-files:
	@echo $(STUDENT_SRCS)

# Only inside the project's build/ (see rm_build in config.mk).
clean:
	$(call rm_build,$(B))
