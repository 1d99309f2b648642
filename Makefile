# capctl: plain GNU make. `make` builds both programs, `make check` runs
# every test, `make demo` tries it all on a private bus.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
SBINDIR = $(PREFIX)/sbin
DATADIR = $(PREFIX)/share
MANDIR = $(DATADIR)/man
SYSCONFDIR ?= /etc
PKG_CONFIG ?= pkg-config

BUILD := build$(if $(SANITIZE),-san)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wconversion -Wno-sign-conversion -Wvla
CFLAGS ?= -O2 -g
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -DCAPCTL_VERSION='"$(VERSION)"' \
	-Iipc -I$(BUILD) $(WARN) -MMD -MP
ifeq ($(WERROR),1)
BASE_CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
BASE_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

AGENT_PKGS := dbus-1 libconfig libzstd libcurl x11 xi libevdev
TUI_PKGS := dbus-1 libconfig ncursesw
ALL_PKGS = $(sort $(AGENT_PKGS) $(TUI_PKGS))
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

IPC_SRC := $(wildcard ipc/*.c)
AGENT_SRC := $(filter-out agent/main.c,$(wildcard agent/*.c agent/*/*.c))
TUI_SRC := $(filter-out tui/main.c,$(wildcard tui/*.c tui/*/*.c))
UNIT_SRC := $(wildcard tests/unit/test-*.c)

IPC_OBJ := $(IPC_SRC:%.c=$(BUILD)/%.o)
AGENT_OBJ := $(AGENT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/agent1-xml.o
TUI_OBJ := $(TUI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

PROGRAMS := $(BUILD)/captured $(if $(wildcard tui/main.c),$(BUILD)/capctl)

all: $(PROGRAMS)

$(BUILD)/ipc/%.o: ipc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(call pkg_cflags,dbus-1 libconfig) $(CFLAGS) -c $< -o $@

$(BUILD)/agent/%.o: agent/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Iagent $(call pkg_cflags,$(AGENT_PKGS)) $(CFLAGS) -c $< -o $@

$(BUILD)/tui/%.o: tui/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Itui $(call pkg_cflags,$(TUI_PKGS)) $(CFLAGS) -c $< -o $@

# The interface XML, embedded as one C string for Introspect.
$(BUILD)/agent1-xml.c: ipc/org.capctl.Agent1.xml
	@mkdir -p $(dir $@)
	{ echo '/* Generated from $< by make. */'; \
	  echo 'const char agent1_xml[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/agent1-xml.o: $(BUILD)/agent1-xml.c
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Wno-missing-variable-declarations -c $< -o $@

$(BUILD)/libipc.a: $(IPC_OBJ)
	$(AR) rcs $@ $^
$(BUILD)/libagent.a: $(AGENT_OBJ)
	$(AR) rcs $@ $^
$(BUILD)/libtui.a: $(TUI_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BUILD)/captured: $(BUILD)/agent/main.o $(BUILD)/libagent.a $(BUILD)/libipc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(AGENT_PKGS)) -lm

$(BUILD)/capctl: $(BUILD)/tui/main.o $(BUILD)/libtui.a $(BUILD)/libipc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(TUI_PKGS)) -lm

# Unit tests link every module of both programs; the linker takes what each
# test uses.
$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Iagent -Itui $(call pkg_cflags,$(ALL_PKGS) cmocka) $(CFLAGS) \
		-Wno-missing-prototypes -c $< -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libagent.a $(BUILD)/libtui.a $(BUILD)/libipc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(ALL_PKGS) cmocka) -lm

# Fuzz targets: clang's libFuzzer over the parsers of both sides (the
# client's decoder is in ipc/), built apart.
FUZZ_CC ?= clang
FUZZ_BUILD := build-fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -DCAPCTL_VERSION='"$(VERSION)"' -Iipc -Iagent \
	-I$(FUZZ_BUILD) -g -O1 $(FUZZ_SAN)
FUZZ_SRC := $(wildcard fuzz/fuzz-*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_OBJ := $(IPC_SRC:%.c=$(FUZZ_BUILD)/%.o) $(AGENT_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_SECONDS ?= 300

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(call pkg_cflags,$(AGENT_PKGS)) \
		-c $< -o $@

$(FUZZ_BUILD)/libfuzz.a: $(FUZZ_OBJ)
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz-%: fuzz/fuzz-%.c $(FUZZ_BUILD)/libfuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(call pkg_cflags,dbus-1) -fsanitize=fuzzer $^ -o $@ \
		$(call pkg_libs,$(AGENT_PKGS)) -lm

fuzz-build: $(FUZZ_BIN)

# The bus fuzzer runs the SANITIZE build of the agent, then the plain one
# under valgrind.
fuzz:
	@scripts/install-deps fuzz
	@$(MAKE) --no-print-directory fuzz-build build/captured
	@$(MAKE) --no-print-directory SANITIZE=1 build-san/captured
	@FUZZ_SECONDS=$(FUZZ_SECONDS) CAPTURED=$(CURDIR)/build-san/captured BUS_FUZZ_VALGRIND=1 \
		BUS_FUZZ_VALGRIND_AGENT=$(CURDIR)/build/captured tests/fuzz/test-fuzz

# A benchmark helper: the synthetic source written out as an evemu recording.
$(BUILD)/synth-evemu: tests/bench/synth-evemu.c $(BUILD)/libagent.a $(BUILD)/libipc.a
	$(CC) $(BASE_CFLAGS) -Iagent $(CFLAGS) -o $@ $(filter %.c %.a,$^) \
		$(call pkg_libs,$(AGENT_PKGS)) -lm

# Another: the segment formats measured on a spool's files.
$(BUILD)/seg-bench: tests/bench/seg-bench.c $(BUILD)/libagent.a $(BUILD)/libipc.a
	$(CC) $(BASE_CFLAGS) -Iagent $(CFLAGS) -o $@ $(filter %.c %.a,$^) \
		$(call pkg_libs,$(AGENT_PKGS))

deps:
	@scripts/install-deps

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) fuzz-build
	@BUILD=$(BUILD) tests/run

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) scripts/demo

# `make check` as a newcomer gets it: in a minimal Debian 12 chroot (built in
# $(CHROOT) when missing, kept), on a clone of HEAD. Slow; needs root.
CHROOT ?= build-chroot
check-chroot:
	@CHROOT='$(CHROOT)' tests/chroot/run $(if $(SANITIZE),SANITIZE=$(SANITIZE)) \
		$(if $(WERROR),WERROR=$(WERROR))

bench:
	@scripts/install-deps bench
	@$(MAKE) --no-print-directory all $(BUILD)/synth-evemu $(BUILD)/seg-bench
	@BUILD=$(BUILD) tests/bench/run

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DATADIR)/dbus-1/interfaces $(DESTDIR)$(DATADIR)/dbus-1/services \
		$(DESTDIR)$(DATADIR)/dbus-1/system.d $(DESTDIR)$(PREFIX)/lib/systemd/user \
		$(DESTDIR)$(DATADIR)/doc/capctl/examples
	install -m 0755 $(BUILD)/captured $(DESTDIR)$(SBINDIR)/captured
	$(if $(wildcard $(BUILD)/capctl),install -m 0755 $(BUILD)/capctl $(DESTDIR)$(BINDIR)/capctl)
	for m in man/*.[1-8]; do \
		s=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -m 0644 ipc/org.capctl.Agent1.xml $(DESTDIR)$(DATADIR)/dbus-1/interfaces/
	sed 's|@SBINDIR@|$(SBINDIR)|g' etc/org.capctl.Agent1.service.in \
		> $(DESTDIR)$(DATADIR)/dbus-1/services/org.capctl.Agent1.service
	install -m 0644 etc/org.capctl.Agent1.conf $(DESTDIR)$(DATADIR)/dbus-1/system.d/
	sed 's|@SBINDIR@|$(SBINDIR)|g' etc/captured.service.in \
		> $(DESTDIR)$(PREFIX)/lib/systemd/user/captured.service
	install -m 0644 etc/*.conf.example $(DESTDIR)$(DATADIR)/doc/capctl/examples/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/captured $(DESTDIR)$(BINDIR)/capctl \
		$(DESTDIR)$(DATADIR)/dbus-1/interfaces/org.capctl.Agent1.xml \
		$(DESTDIR)$(DATADIR)/dbus-1/services/org.capctl.Agent1.service \
		$(DESTDIR)$(DATADIR)/dbus-1/system.d/org.capctl.Agent1.conf \
		$(DESTDIR)$(PREFIX)/lib/systemd/user/captured.service
	for m in man/*.[1-8]; do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; done
	rm -rf $(DESTDIR)$(DATADIR)/doc/capctl

FORMAT_SRC = $(wildcard ipc/*.[ch] agent/*.[ch] agent/*/*.[ch] tui/*.[ch] tui/*/*.[ch] \
	tests/unit/*.c fuzz/*.c tests/bench/*.c)

format:
	clang-format -i $(FORMAT_SRC)

# Fails, naming the files, when any source is not as clang-format has it.
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build build-san build-fuzz

.PHONY: all deps check check-chroot demo bench fuzz fuzz-build install uninstall format format-check clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
