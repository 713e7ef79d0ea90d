# SPDX-License-Identifier: MIT
# Build settings shared by the top-level Makefile and every lab (lab.mk).
# ROOT must be set before including this: the project's directory relative
# to the current one ("." at the top, "../.." in a lab).
#
# Paths: make cannot handle a blank in a file name, and the project may live
# anywhere ("/home/Ana María/ipc lab"). So make only ever sees paths
# relative to the project (ROOT), never the project's absolute path; shell
# commands that need an absolute one compute it themselves, quoted. A path
# given from outside (BUILD, B, IMPL_DIR...) that make cannot use is
# refused up front, with a message.

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

# Everything built goes under build/, never next to the sources. BUILD is
# relative to the project root (or absolute): e.g. the suite's tests use
# BUILD=build/test; sub-makes and scripts get it in that form. BUILD_DIR is
# the same directory as seen from here (what the rules use).
BUILD    ?= build
ifeq ($(strip $(BUILD)),)
$(error BUILD is empty: leave it unset (build/) or name a directory, e.g. BUILD=build/other)
endif

# $(call check_path,VAR): stop with a message when the path in $(VAR) is
# one make cannot use as a file name (a blank, a quote, a colon).
check_path = $(if $(or $(word 2,$($(1))),$(findstring ",$($(1))),$(findstring ',$($(1))),$(findstring :,$($(1)))),\
	$(error $(1)="$($(1))": make cannot use a path with a blank$(comma) a quote or a colon; \
	choose one without (BUILD may be relative to the project: e.g. BUILD=build/other)))
comma := ,
$(call check_path,BUILD)
BUILD_DIR := $(patsubst ./%,%,$(if $(filter /%,$(BUILD)),$(BUILD),$(ROOT)/$(BUILD)))

# $(call shquote,TEXT): TEXT as one shell word, whatever it holds.
shquote = '$(subst ','\'',$(1))'

# $(call rm_build,DIR): a recipe line that removes DIR, but only if it is
# the project's build/ or inside it: `make clean BUILD=..` or B=/home must
# never remove anything else. (realpath -ms: the absolute path with . and
# .. resolved, symbolic links kept; the project's path may hold blanks.)
rm_build = @top=$$(realpath -ms -- $(ROOT)/build) && dir=$$(realpath -ms -- $(call shquote,$(1))) && \
	case "$$dir/" in \
	"$$top"/*) rm -rf -- "$$dir" ;; \
	*) echo "make clean: refusing to remove $$dir: it is not inside this project's build directory ($$top)" >&2; \
	   exit 2 ;; \
	esac
VARIANT  := $(if $(SANITIZE),-asan)
CBUILD   := $(BUILD_DIR)/common$(VARIANT)
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
$(DRIVER): $(addprefix $(ROOT)/common/,grade_driver.c grade_sandbox.c grade_confine.c grade_explain.c grade_report.c ipc_util.c) $(wildcard $(ROOT)/common/*.h) | $(CBUILD)/
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(COMMON_CPPFLAGS) -o $@ $(filter %.c,$^)

%/:
	mkdir -p $@

# Directories made by the rule above are not intermediate files to delete.
.PRECIOUS: %/

# Packages the targets need, installed on Debian/Ubuntu when missing.
.PHONY: deps deps-docs deps-roster
deps:
	@$(ROOT)/common/install-deps.sh grade
deps-docs:
	@$(ROOT)/common/install-deps.sh docs
deps-roster:
	@$(ROOT)/common/install-deps.sh roster
