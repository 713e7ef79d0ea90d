# SPDX-License-Identifier: MIT
# Build settings shared by the top-level Makefile and every lab (lab.mk).
# ROOT must be set (absolute path of the project) before including this.

# Quiet: only the compiler's own messages show. V=1 shows every command.
ifndef V
.SILENT:
endif

CC       ?= cc
CSTD     := -std=c11
WARN     := -Wall -Wextra $(if $(WERROR),-Werror)
OPT      ?= -O2 -g
CFLAGS   ?= $(OPT)
SANITIZERS := -fsanitize=address,undefined -fno-omit-frame-pointer
SANFLAGS := $(if $(SANITIZE),$(SANITIZERS))
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

# Everything built goes under build/, never next to the sources.
BUILD    ?= $(ROOT)/build
VARIANT  := $(if $(SANITIZE),-asan)
CBUILD   := $(BUILD)/common$(VARIANT)
LIBIPC   := $(CBUILD)/libipc.a
LIBGRADE := $(CBUILD)/libgrade.a
DRIVER   := $(CBUILD)/ipcgrade

COMMON_CPPFLAGS := -D_GNU_SOURCE -I$(ROOT)/common

$(CBUILD)/%.o: $(ROOT)/common/%.c $(wildcard $(ROOT)/common/*.h) | $(CBUILD)/
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(SANFLAGS) $(COMMON_CPPFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(LIBIPC): $(CBUILD)/ipc_util.o
	$(AR) rcs $@ $^

# Graders get everything in one archive (grade.o needs ipc_util.o).
$(LIBGRADE): $(CBUILD)/grade.o $(CBUILD)/grade_fault.o $(CBUILD)/ipc_util.o
	$(AR) rcs $@ $^

# The driver runs tests in sandboxes; it is never built with sanitizers so
# its own checks stay out of the way of the code under test.
$(DRIVER): $(addprefix $(ROOT)/common/,grade_driver.c grade_sandbox.c grade_confine.c grade_report.c ipc_util.c) $(wildcard $(ROOT)/common/*.h) | $(CBUILD)/
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(COMMON_CPPFLAGS) -o $@ $(filter %.c,$^)

%/:
	mkdir -p $@

# Directories made by the rule above are not intermediate files to delete.
.PRECIOUS: %/

# Packages the targets need, installed on Debian/Ubuntu when missing.
.PHONY: deps deps-docs
deps:
	@$(ROOT)/common/install-deps.sh grade
deps-docs:
	@$(ROOT)/common/install-deps.sh docs
