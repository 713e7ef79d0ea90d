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

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
include $(ROOT)/common/config.mk

IMPL     ?= labs
IMPL_DIR ?= $(ROOT)/$(IMPL)/$(LAB)
LAB_DIR  ?= $(ROOT)/labs/$(LAB)
B        ?= $(BUILD)/$(IMPL)$(VARIANT)/$(LAB)
REF_B    := $(BUILD)/solutions$(VARIANT)/$(LAB)

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
GRADE_OBJS := $(GRADE_SRCS:grade/%.c=$(GRADE_B)/grade/%.o)
LINK       = $(CC) $(CFLAGS) $(SANFLAGS)

.PHONY: all demo grade grade-build clean

all: $(B)/grader $(B)/demo

demo: $(B)/demo
	@echo "built $(B)/demo"

$(B)/impl/%.o: $(IMPL_DIR)/%.c $(HEADERS) | $(B)/impl/
	$(CC) $(LAB_CFLAGS) -c $< -o $@

$(GRADE_B)/grade/%.o: $(LAB_DIR)/grade/%.c $(HEADERS) | $(GRADE_B)/grade/
	$(CC) $(LAB_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(GRADE_B)/demo.o: $(LAB_DIR)/$(DEMO_SRC) $(HEADERS) | $(GRADE_B)/
	$(CC) $(LAB_CFLAGS) -c $< -o $@

$(B)/demo: $(GRADE_B)/demo.o $(IMPL_OBJS) $(LIBIPC)
	$(LINK) -o $@ $^ $(LAB_LDLIBS)

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

$(B)/grader: $(GRADE_OBJS) $(IMPL_OBJS) $(LIBGRADE)
	$(LINK) $(WRAP_IO) $(GRADER_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LAB_LDLIBS)

# The test table without the student's code: lets a lab that does not
# compile still show its tests, each scored 0. Never runs a test.
$(B)/grader-list: $(GRADE_OBJS) $(LIBGRADE)
	$(LINK) $(WRAP_IO) -no-pie -Wl,--unresolved-symbols=ignore-all -o $@ $^ $(CHECK_LIBS) $(LAB_LDLIBS)

# Point link $(2) at $(1) atomically (a run grading at the same moment never
# finds it missing): make the new link aside, then rename it over.
replace_link = ln -sfn $(1) $(2).new.$$$$ && mv -Tf $(2).new.$$$$ $(2)

# Build what grading needs. When the code under test does not compile, show
# the compiler's messages, keep them in compile.log (the driver then scores
# the lab 0) and build grader-list instead: the other labs are still graded.
grade-build: $(LIBGRADE) $(LIBIPC) | $(B)/
	@rm -f $(B)/compile.log
	@if ! $(MAKE) -s --no-print-directory $(B)/grader $(B)/demo \
		>$(B)/compile.out 2>&1; then \
		grep -v '^make' $(B)/compile.out >&2; \
		mv $(B)/compile.out $(B)/compile.log; \
		echo "$(LAB): $(notdir $(IMPL_DIR))/$(STUDENT_SRCS) does not compile: this lab scores 0" >&2; \
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

clean:
	rm -rf $(B)
