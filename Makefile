# SPDX-License-Identifier: GPL-2.0-or-later
# Thin wrapper around meson/ninja. `make check` and `make demo` install
# missing Debian packages first (as root), configure, build and run.

BUILD ?= build
MESON_TEST_ARGS ?=

.PHONY: all deps configure check check-unit check-qtest check-slow bench demo install clean fuzz soak

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	@./scripts/install-deps.sh
	./configure $(if $(CI),--enable-werror)

configure:
	./configure $(if $(CI),--enable-werror)

check: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@meson test -C $(BUILD) --no-rebuild --print-errorlogs $(MESON_TEST_ARGS) \
	    > $(BUILD)/check.log 2>&1; rc=$$?; \
	tail -n 40 $(BUILD)/check.log; \
	python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog.json || rc=1; \
	exit $$rc

check-unit: MESON_TEST_ARGS = --suite unit
check-unit: check

check-qtest: MESON_TEST_ARGS = --suite qtest
check-qtest: check

# The migration fault matrix, every cell 20 times with two busy processes
# competing for the CPUs (docs/devel/migration/fault-matrix.rst).
FAULT_REPEAT ?= 20
FAULT_LOAD ?= 2

check-slow: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)
	python3 scripts/fault-matrix.py $(BUILD) --repeat $(FAULT_REPEAT) \
	    --load $(FAULT_LOAD)

bench: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)
	./bench/run-bench.sh $(BUILD)

demo: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)
	./scripts/demo.sh $(BUILD)

# Fuzzing (docs/devel/fuzzing.rst): builds build-fuzz/ with clang, libFuzzer,
# ASan and UBSan (separate from $(BUILD)) and runs every fuzzer, sharing
# FUZZ_SECONDS between them. FUZZ_ONLY=json,qmp runs a subset.
FUZZ_SECONDS ?= 600
FUZZ_ONLY ?=

fuzz:
	python3 tests/fuzz/run-fuzz.py --seconds $(FUZZ_SECONDS) \
	    $(if $(FUZZ_ONLY),--only $(FUZZ_ONLY))

# Soak (docs/devel/migration/soak.rst): SOAK_MIGRATIONS migrations of a
# dirtying guest between two processes under CPU load, digests compared.
SOAK_MIGRATIONS ?= 200
SOAK_ARGS ?=

soak: all
	python3 tests/soak/soak.py --build $(BUILD) \
	    --migrations $(SOAK_MIGRATIONS) $(SOAK_ARGS)

install: all
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD)
