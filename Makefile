# capctl: plain GNU make. `make` builds both programs, `make check` runs
# every test (`make test` the same without installing anything first),
# `make demo` tries it all on a private bus. CC, CPPFLAGS, CFLAGS, LDFLAGS
# and LDLIBS are used as given; PREFIX, DESTDIR, SYSCONFDIR and LOCALSTATEDIR
# for install.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
SBINDIR = $(PREFIX)/sbin
DATADIR = $(PREFIX)/share
MANDIR = $(DATADIR)/man
LOCALEDIR = $(DATADIR)/locale
DOCDIR ?= $(DATADIR)/doc/capctl
SYSCONFDIR ?= /etc
# The system agent's state is LOCALSTATEDIR/lib/capctl (unless systemd's
# StateDirectory= names another).
LOCALSTATEDIR ?= /var
# systemd's directories: the units (system and user) and sysusers.d.
SYSTEMDSYSTEMUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSTEMDUSERUNITDIR ?= $(PREFIX)/lib/systemd/user
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
PKG_CONFIG ?= pkg-config

BUILD := build$(if $(SANITIZE),-san)

# The user's CC, CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS (command line or
# environment) are used as given, after the project's own flags, which live
# in the CAPCTL_* variables: a packager's flags reach every compile and link
# line and win where they differ.
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wconversion -Wno-sign-conversion -Wvla
CAPCTL_CPPFLAGS := -D_POSIX_C_SOURCE=200809L -DCAPCTL_VERSION='"$(VERSION)"' \
	-DCAPCTL_SYSCONFDIR='"$(SYSCONFDIR)"' -DCAPCTL_LOCALSTATEDIR='"$(LOCALSTATEDIR)"' \
	-DCAPCTL_LOCALEDIR='"$(LOCALEDIR)"' -Iipc -I$(BUILD)
# -ffile-prefix-map: the debug info names no build directory, so two builds
# of the same tree from different paths give the same bytes.
CAPCTL_CFLAGS := -std=c11 $(WARN) -MMD -MP -ffile-prefix-map=$(CURDIR)=.
CAPCTL_LDFLAGS :=
ifeq ($(WERROR),1)
CAPCTL_CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
CAPCTL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
CAPCTL_LDFLAGS += -fsanitize=address,undefined
endif

# $(call compile,PROJECT-CPPFLAGS,PROJECT-CFLAGS) starts every compile line,
# $(link) every link line (CFLAGS too, as make's own rules have it: -flto,
# -fsanitize given there must reach the linker).
compile = $(CC) $(CAPCTL_CPPFLAGS) $(1) $(CPPFLAGS) $(CAPCTL_CFLAGS) $(2) $(CFLAGS)
link = $(CC) $(CFLAGS) $(CAPCTL_LDFLAGS) $(LDFLAGS)

# Every object depends on $(FLAGS_STAMP), rewritten only when the compiler or
# a flag changed, so `make CPPFLAGS=...` after a plain `make` rebuilds.
FLAGS_STAMP := $(BUILD)/.flags
sq = $(subst ','\'',$(1))
FLAGS_NOW = $(CC) | $(CAPCTL_CPPFLAGS) $(CPPFLAGS) | $(CAPCTL_CFLAGS) $(CFLAGS) | \
	$(CAPCTL_LDFLAGS) $(LDFLAGS) $(LDLIBS)

AGENT_PKGS := dbus-1 libconfig libzstd libcurl x11 xi libevdev libcrypto
TUI_PKGS := dbus-1 libconfig ncursesw libcrypto
ALL_PKGS = $(sort $(AGENT_PKGS) $(TUI_PKGS))
# What each pkg-config package is, for the error when one is missing: the
# library, then the Debian package that has its .pc file.
pkg_about.dbus-1 := libdbus-1 (pkg-config dbus-1; Debian: libdbus-1-dev)
pkg_about.libconfig := libconfig (pkg-config libconfig; Debian: libconfig-dev)
pkg_about.libzstd := libzstd (pkg-config libzstd; Debian: libzstd-dev)
pkg_about.libcurl := libcurl (pkg-config libcurl; Debian: libcurl4-openssl-dev)
pkg_about.x11 := libX11 (pkg-config x11; Debian: libx11-dev)
pkg_about.xi := libXi (pkg-config xi; Debian: libxi-dev)
pkg_about.libevdev := libevdev (pkg-config libevdev; Debian: libevdev-dev)
pkg_about.ncursesw := ncursesw (pkg-config ncursesw; Debian: libncurses-dev)
pkg_about.libcrypto := libcrypto of OpenSSL (pkg-config libcrypto; Debian: libssl-dev)
pkg_about.cmocka := cmocka for its unit tests (pkg-config cmocka; Debian: libcmocka-dev)
# $(call pkg_need,PKGS): stops make at once, naming the library, when
# `pkg-config --exists` fails for one of PKGS; each is asked once. Expanded
# in recipes only, so `make deps`, `make clean` and `make check`'s own deps
# step never need the libraries.
pkg_need = $(foreach p,$(1),$(if $(pkg_ok.$(p)),,$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),\
	$(eval pkg_ok.$(p) := y),$(error capctl needs $(or $(pkg_about.$(p)),$(p) (pkg-config $(p))); \
	`make deps` installs what is missing))))
# --cflags/--libs of a list, asked once per list.
pkg_key = $(subst $() ,+,$(strip $(1)))
pkg_once = $(if $(filter undefined,$(origin $(1))),$(eval $(1) := $$(shell $(2))))$($(1))
pkg_cflags = $(call pkg_need,$(1))$(call pkg_once,pkg_cf.$(call pkg_key,$(1)),$(PKG_CONFIG) --cflags $(1))
pkg_libs = $(call pkg_need,$(1))$(call pkg_once,pkg_lf.$(call pkg_key,$(1)),$(PKG_CONFIG) --libs $(1))

IPC_SRC := $(wildcard ipc/*.c)
AGENT_SRC := $(filter-out agent/main.c,$(wildcard agent/*.c agent/*/*.c))
TUI_SRC := $(filter-out tui/main.c,$(wildcard tui/*.c tui/*/*.c))
UNIT_SRC := $(wildcard tests/unit/test-*.c)

IPC_OBJ := $(IPC_SRC:%.c=$(BUILD)/%.o)
AGENT_OBJ := $(AGENT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/agent1-xml.o
TUI_OBJ := $(TUI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# The languages of po/, built into $(BUILD)/locale.
LINGUAS := de
MO_FILES := $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/capctl.mo)

PROGRAMS := $(BUILD)/captured $(if $(wildcard tui/main.c),$(BUILD)/capctl)

all: $(PROGRAMS) $(MO_FILES)

$(FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(call sq,$(FLAGS_NOW))' | cmp -s - $@ || echo '$(call sq,$(FLAGS_NOW))' > $@

$(BUILD)/ipc/%.o: ipc/%.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call compile,$(call pkg_cflags,dbus-1 libconfig libcrypto)) -c $< -o $@

$(BUILD)/agent/%.o: agent/%.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call compile,-Iagent $(call pkg_cflags,$(AGENT_PKGS))) -c $< -o $@

$(BUILD)/tui/%.o: tui/%.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call compile,-Itui $(call pkg_cflags,$(TUI_PKGS))) -c $< -o $@

# The interface XML, embedded as one C string for Introspect.
$(BUILD)/agent1-xml.c: ipc/org.capctl.Agent1.xml
	@mkdir -p $(dir $@)
	{ echo '/* Generated from $< by make. */'; \
	  echo 'const char agent1_xml[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/agent1-xml.o: $(BUILD)/agent1-xml.c $(FLAGS_STAMP)
	$(call compile,,-Wno-missing-variable-declarations) -c $< -o $@

$(BUILD)/libipc.a: $(IPC_OBJ)
	$(AR) rcs $@ $^
$(BUILD)/libagent.a: $(AGENT_OBJ)
	$(AR) rcs $@ $^
$(BUILD)/libtui.a: $(TUI_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BUILD)/captured: $(BUILD)/agent/main.o $(BUILD)/libagent.a $(BUILD)/libipc.a
	$(link) -o $@ $^ $(call pkg_libs,$(AGENT_PKGS)) -lm $(LDLIBS)

$(BUILD)/capctl: $(BUILD)/tui/main.o $(BUILD)/libtui.a $(BUILD)/libipc.a
	$(link) -o $@ $^ $(call pkg_libs,$(TUI_PKGS)) -lm $(LDLIBS)

# Unit tests link every module of both programs; the linker takes what each
# test uses.
$(BUILD)/tests/%.o: tests/unit/%.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call compile,-Iagent -Itui $(call pkg_cflags,$(ALL_PKGS) cmocka),-Wno-missing-prototypes) \
		-c $< -o $@

# Kept: a deleted intermediate would be rebuilt on every run (its
# prerequisite $(FLAGS_STAMP) is always visited).
.SECONDARY: $(UNIT_BIN:%=%.o)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libagent.a $(BUILD)/libtui.a $(BUILD)/libipc.a
	$(link) -o $@ $^ $(call pkg_libs,$(ALL_PKGS) cmocka) -lm $(LDLIBS)

# Fuzz targets: clang's libFuzzer over the parsers of both sides (the
# client's decoder is in ipc/), built apart.
FUZZ_CC ?= clang
FUZZ_BUILD := build-fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -DCAPCTL_VERSION='"$(VERSION)"' \
	-DCAPCTL_SYSCONFDIR='"$(SYSCONFDIR)"' -DCAPCTL_LOCALSTATEDIR='"$(LOCALSTATEDIR)"' \
	-Iipc -Iagent -I$(FUZZ_BUILD) -g -O1 $(FUZZ_SAN)
FUZZ_SRC := $(wildcard fuzz/fuzz-*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_OBJ := $(IPC_SRC:%.c=$(FUZZ_BUILD)/%.o) $(AGENT_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_SECONDS ?= 300

# clang is optional: only the fuzz targets need it. $(fuzz_missing) is empty
# when $(FUZZ_CC) builds and links a libFuzzer target (asked once, and only
# when needed), else why not; fuzz-cc stops make with that, first, even
# when the fuzz targets are up to date.
FUZZ_NEEDS := the fuzz targets need clang with libFuzzer (Debian: clang libclang-rt-14-dev)
fuzz_probe = if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	echo '$(FUZZ_CC) is not installed'; exit 0; fi; \
	t=$$(mktemp -d) || exit 0; \
	echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return !d + (int)n; }' >$$t/p.c; \
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $$t/p.c -o $$t/p >/dev/null 2>&1 || \
	echo '$(FUZZ_CC) cannot link with -fsanitize=fuzzer'; rm -rf $$t
fuzz_missing = $(eval fuzz_missing := $$(shell $$(fuzz_probe)))$(fuzz_missing)
fuzz-cc:
	$(if $(fuzz_missing),$(error $(FUZZ_NEEDS): $(fuzz_missing)))@:

$(FUZZ_BUILD)/%.o: %.c | fuzz-cc
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(call pkg_cflags,$(AGENT_PKGS)) \
		-c $< -o $@

$(FUZZ_BUILD)/libfuzz.a: $(FUZZ_OBJ)
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz-%: fuzz/fuzz-%.c $(FUZZ_BUILD)/libfuzz.a | fuzz-cc
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(call pkg_cflags,dbus-1) -fsanitize=fuzzer $^ -o $@ \
		$(call pkg_libs,$(AGENT_PKGS)) -lm

fuzz-build: fuzz-cc $(FUZZ_BIN)

# The bus fuzzer runs the SANITIZE build of the agent, then the plain one
# under valgrind.
fuzz:
	@scripts/install-deps fuzz
	@$(MAKE) --no-print-directory fuzz-build build/captured
	@$(MAKE) --no-print-directory SANITIZE=1 build-san/captured
	@FUZZ_SECONDS=$(FUZZ_SECONDS) CAPTURED=$(CURDIR)/build-san/captured BUS_FUZZ_VALGRIND=1 \
		BUS_FUZZ_VALGRIND_AGENT=$(CURDIR)/build/captured tests/fuzz/test-fuzz

# A benchmark helper: the synthetic source written out as an evemu recording.
$(BUILD)/synth-evemu: tests/bench/synth-evemu.c $(BUILD)/libagent.a $(BUILD)/libipc.a $(FLAGS_STAMP)
	$(call compile,-Iagent) $(CAPCTL_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.a,$^) \
		$(call pkg_libs,$(AGENT_PKGS)) -lm $(LDLIBS)

# Another: the segment formats measured on a spool's files.
$(BUILD)/seg-bench: tests/bench/seg-bench.c $(BUILD)/libagent.a $(BUILD)/libipc.a $(FLAGS_STAMP)
	$(call compile,-Iagent $(call pkg_cflags,libconfig)) $(CAPCTL_LDFLAGS) $(LDFLAGS) -o $@ \
		$(filter %.c %.a,$^) $(call pkg_libs,$(AGENT_PKGS)) -lm $(LDLIBS)

# And the one that made segment format 2's priors from a spool's files.
$(BUILD)/seg-priors: tests/bench/seg-priors.c agent/store/segment2.c $(BUILD)/libagent.a $(BUILD)/libipc.a $(FLAGS_STAMP)
	$(call compile,-Iagent) $(CAPCTL_LDFLAGS) $(LDFLAGS) -o $@ \
		tests/bench/seg-priors.c $(filter %.a,$^) $(call pkg_libs,$(AGENT_PKGS)) -lm $(LDLIBS)

# Translations: one catalog, "capctl", for both programs. `make pot`
# writes the template from the sources; po/LANG.po is each language (see
# po/README), built into $(BUILD)/locale, where the tests find it through
# $CAPCTL_LOCALEDIR.
POT_SRC = $(sort $(IPC_SRC) $(AGENT_SRC) agent/main.c $(TUI_SRC) tui/main.c $(wildcard ipc/*.h agent/*.h agent/*/*.h tui/*/*.h))
XGETTEXT = xgettext --force-po --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=P_:1,2 --keyword=L_:2 --keyword=LP_:2,3 \
	--add-comments=TRANSLATORS: --package-name=capctl --package-version=$(VERSION) \
	--msgid-bugs-address='capctl maintainers' --sort-by-file

$(BUILD)/capctl.pot: $(POT_SRC)
	@mkdir -p $(dir $@)
	$(XGETTEXT) -o $@ $(POT_SRC)
pot: $(BUILD)/capctl.pot
	cp $< po/capctl.pot

# msgfmt --check: a translation whose printf conversions differ from the
# English is an error here, not a crash later.
$(BUILD)/locale/%/LC_MESSAGES/capctl.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check --output-file=$@ $<

deps:
	@scripts/install-deps

# `make test` builds and runs every test and installs nothing (a package
# build: no network, not root); without clang it says so and skips the
# libFuzzer targets (the bus fuzzer still runs). `make check` is the same
# after `make deps`, for newcomers.
test: all $(UNIT_BIN) $(BUILD)/capctl.pot
	@$(if $(fuzz_missing),echo 'make test: skipping the libFuzzer targets: $(FUZZ_NEEDS): $(fuzz_missing)', \
		$(MAKE) --no-print-directory fuzz-build)
	@BUILD=$(BUILD) $(if $(fuzz_missing),FUZZ_SKIP='$(FUZZ_NEEDS): $(fuzz_missing)') tests/run

check: deps
	@$(MAKE) --no-print-directory test

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

# The man pages and the example files name the default paths (so man -l
# reads them as they are); installed, they name the paths of this install,
# and the man pages' footer names the version.
INSTALL_PATHS = sed -e 's|/usr/local|$(PREFIX)|g' -e 's|/etc/capctl|$(SYSCONFDIR)/capctl|g' \
	-e 's|/var/lib/capctl|$(LOCALSTATEDIR)/lib/capctl|g' -e 's|^\.Os$$|.Os capctl $(VERSION)|'

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DATADIR)/dbus-1/interfaces $(DESTDIR)$(DATADIR)/dbus-1/services \
		$(DESTDIR)$(DATADIR)/dbus-1/system.d $(DESTDIR)$(SYSTEMDSYSTEMUNITDIR) \
		$(DESTDIR)$(SYSTEMDUSERUNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DATADIR)/polkit-1/actions \
		$(DESTDIR)$(SYSCONFDIR)/xdg/autostart
	install -m 0755 $(BUILD)/captured $(DESTDIR)$(SBINDIR)/captured
	$(if $(filter %/capctl,$(PROGRAMS)),install -m 0755 $(BUILD)/capctl $(DESTDIR)$(BINDIR)/capctl)
	for m in man/*.[1-8]; do s=$${m##*.}; \
		$(INSTALL_PATHS) $$m > $(DESTDIR)$(MANDIR)/man$$s/$${m#man/} && \
		chmod 0644 $(DESTDIR)$(MANDIR)/man$$s/$${m#man/} || exit 1; done
	install -m 0644 ipc/org.capctl.Agent1.xml $(DESTDIR)$(DATADIR)/dbus-1/interfaces/
	sed 's|@SBINDIR@|$(SBINDIR)|g' etc/org.capctl.Agent1.service.in \
		> $(DESTDIR)$(DATADIR)/dbus-1/services/org.capctl.Agent1.service
	install -m 0644 etc/org.capctl.Agent1.conf $(DESTDIR)$(DATADIR)/dbus-1/system.d/
	install -m 0644 etc/org.capctl.Agent1.policy $(DESTDIR)$(DATADIR)/polkit-1/actions/
	sed 's|@SBINDIR@|$(SBINDIR)|g' etc/captured.service.in \
		> $(DESTDIR)$(SYSTEMDUSERUNITDIR)/captured.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' etc/captured-system.service.in \
		> $(DESTDIR)$(SYSTEMDSYSTEMUNITDIR)/captured.service
	install -m 0644 etc/capctl.sysusers $(DESTDIR)$(SYSUSERSDIR)/capctl.conf
	for l in $(LINGUAS); do install -D -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/capctl.mo \
		$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/capctl.mo || exit 1; done
	sed 's|@BINDIR@|$(BINDIR)|g' etc/capctl-notify.service.in \
		> $(DESTDIR)$(SYSTEMDUSERUNITDIR)/capctl-notify.service
	install -m 0644 etc/capctl-notify.desktop $(DESTDIR)$(SYSCONFDIR)/xdg/autostart/
	for f in etc/*.conf.example; do \
		$(INSTALL_PATHS) $$f > $(DESTDIR)$(DOCDIR)/examples/$${f#etc/} && \
		chmod 0644 $(DESTDIR)$(DOCDIR)/examples/$${f#etc/} || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/captured $(DESTDIR)$(BINDIR)/capctl \
		$(DESTDIR)$(DATADIR)/dbus-1/interfaces/org.capctl.Agent1.xml \
		$(DESTDIR)$(DATADIR)/dbus-1/services/org.capctl.Agent1.service \
		$(DESTDIR)$(DATADIR)/dbus-1/system.d/org.capctl.Agent1.conf \
		$(DESTDIR)$(DATADIR)/polkit-1/actions/org.capctl.Agent1.policy \
		$(DESTDIR)$(SYSTEMDUSERUNITDIR)/captured.service \
		$(DESTDIR)$(SYSTEMDUSERUNITDIR)/capctl-notify.service \
		$(DESTDIR)$(SYSCONFDIR)/xdg/autostart/capctl-notify.desktop \
		$(DESTDIR)$(SYSTEMDSYSTEMUNITDIR)/captured.service \
		$(DESTDIR)$(SYSUSERSDIR)/capctl.conf
	for m in man/*.[1-8]; do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; done
	rm -rf $(DESTDIR)$(DOCDIR)
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/capctl.mo; done

# The Debian packages (debian/): `make deb` builds them into build/deb/;
# `make deb-check` builds them in a clean Debian 12 chroot (root), runs
# lintian and the autopkgtest there. Both skip, saying why, without the tools.
deb:
	@debian/make-deb
deb-check:
	@debian/deb-check

FORMAT_SRC = $(wildcard ipc/*.[ch] agent/*.[ch] agent/*/*.[ch] tui/*.[ch] tui/*/*.[ch] \
	tests/unit/*.c fuzz/*.c tests/bench/*.c)

format:
	clang-format -i $(FORMAT_SRC)

# Fails, naming the files, when any source is not as clang-format has it.
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC)

# Shell completion for bash, zsh and fish, generated from the CLI's command
# table by scripts/completion/gen-completion.c into $(BUILD)/completion/.
COMPLETIONS := $(addprefix $(BUILD)/completion/,capctl.bash _capctl.zsh capctl.fish)
FORMAT_SRC += scripts/completion/*.c
all: $(COMPLETIONS)
$(BUILD)/gen-completion: scripts/completion/gen-completion.c $(BUILD)/libtui.a $(BUILD)/libipc.a \
		$(FLAGS_STAMP)
	$(call compile,-Itui $(call pkg_cflags,$(TUI_PKGS))) $(CAPCTL_LDFLAGS) $(LDFLAGS) -o $@ \
		$(filter %.c %.a,$^) $(call pkg_libs,$(TUI_PKGS)) -lm $(LDLIBS)
$(COMPLETIONS): $(BUILD)/completion/%: scripts/completion/% $(BUILD)/gen-completion
	@mkdir -p $(dir $@)
	$(BUILD)/gen-completion $(subst .,,$(suffix $@)) <$< >$@.tmp && mv $@.tmp $@
install: install-completion
COMPLETION_BASH = $(DESTDIR)$(DATADIR)/bash-completion/completions/capctl
COMPLETION_ZSH = $(DESTDIR)$(DATADIR)/zsh/vendor-completions/_capctl
COMPLETION_FISH = $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/capctl.fish
install-completion: $(COMPLETIONS)
	install -D -m 0644 $(BUILD)/completion/capctl.bash $(COMPLETION_BASH)
	install -D -m 0644 $(BUILD)/completion/_capctl.zsh $(COMPLETION_ZSH)
	install -D -m 0644 $(BUILD)/completion/capctl.fish $(COMPLETION_FISH)
uninstall: uninstall-completion
uninstall-completion:
	rm -f $(COMPLETION_BASH) $(COMPLETION_ZSH) $(COMPLETION_FISH)
.PHONY: install-completion uninstall-completion

clean:
	rm -rf build build-san build-fuzz

FORCE:

.PHONY: all pot deps test check check-chroot deb deb-check demo bench fuzz fuzz-build fuzz-cc install uninstall format format-check clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
