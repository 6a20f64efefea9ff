# MELF: the two commands of the README are `make demo` and `make check`.
# Both install what is missing (scripts/setup.sh), then build.
BUILD ?= build
JOBS ?= 2
export CCACHE_DIR ?= /var/cache/melf/ccache

.PHONY: all setup build demo check check-kernel check-kernel-full check-realworld clean
all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
	  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

build: setup $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(JOBS)

demo: build
	@bash examples/demo.sh $(BUILD)

check: build
	@bash scripts/setup.sh --kernel
	@JOBS=$(JOBS) bash scripts/check.sh $(BUILD)

# The kernel stage of `make check` alone: builds the Linux 6.1 guest kernel
# with the mmview series, boots it in QEMU with the tests of kernel/tests/
# and ends with one line `N passed, N failed`. See docs/kernel.md.
check-kernel:
	@bash scripts/setup.sh --kernel
	@mkdir -p $(BUILD)/test-results
	@start=$$(date +%s); \
	JOBS=$(JOBS) timeout --kill-after=10 3600 \
	  bash kernel/harness/run-kernel-tests.sh $(BUILD) $(BUILD)/test-results/kernel.xml; \
	rc=$$?; \
	if counts=$$(python3 scripts/count-junit.py $(BUILD)/test-results/kernel.xml 2>/dev/null); then \
	  set -- $$counts; p=$$1; f=$$2; \
	else \
	  echo "check-kernel: no results (exit status $$rc)"; p=0; f=1; \
	fi; \
	if [ $$rc -ne 0 ] && [ $$f -eq 0 ]; then f=1; fi; \
	echo "check-kernel: $$(( $$(date +%s) - start ))s"; \
	echo "$$p passed, $$f failed"; \
	[ $$f -eq 0 ]

# Heavy kernel suite: (1) an UNPATCHED kernel of the same config runs the
# kernel's mm selftests; its results must equal the committed baseline
# kernel/baseline/vm-selftests.txt, which `make check` compares the patched
# kernel against (update the file from build/test-results/vm-selftests-
# baseline.txt when Debian's linux-source changes); (2) the patched kernel
# with KASAN runs every guest test. Ends with `N passed, N failed`.
check-kernel-full: build
	@bash scripts/setup.sh --kernel
	@mkdir -p $(BUILD)/test-results
	@start=$$(date +%s); \
	MELF_KERNEL_FLAVOUR=baseline MELF_GUEST_SELFTESTS_ONLY=1 MELF_SELFTEST_BASELINE= \
	  MELF_SELFTEST_RECORD=$(BUILD)/test-results/vm-selftests-baseline.txt JOBS=$(JOBS) \
	  timeout --kill-after=10 3600 bash kernel/harness/run-kernel-tests.sh $(BUILD) \
	  $(BUILD)/test-results/kernel-baseline.xml; \
	if grep -v "^#" kernel/baseline/vm-selftests.txt | diff -u - $(BUILD)/test-results/vm-selftests-baseline.txt; then b=0; \
	else echo "check-kernel-full: the unpatched kernel's selftest results differ from kernel/baseline/vm-selftests.txt"; b=1; fi; \
	MELF_KERNEL_FLAVOUR=kasan JOBS=$(JOBS) QEMU_TIMEOUT=900 timeout --kill-after=10 3600 \
	  bash kernel/harness/run-kernel-tests.sh $(BUILD) $(BUILD)/test-results/kernel-kasan.xml; \
	set -- $$(python3 scripts/count-junit.py $(BUILD)/test-results/kernel-kasan.xml 2>/dev/null || echo 0 1); \
	p=$$1; f=$$(( $$2 + b )); \
	echo "check-kernel-full: $$(( $$(date +%s) - start ))s"; \
	echo "$$p passed, $$f failed"; [ $$f -eq 0 ]

# Third-party projects' own test suites in every variant, the longer set
# (docs/realworld.md); ends with `N passed, N failed`.
check-realworld: build
	@mkdir -p $(BUILD)/test-results
	@JOBS=$(JOBS) timeout --kill-after=10 3600 bash test/realworld/run.sh \
	  $(BUILD) $(BUILD)/test-results/realworld-full.xml full; \
	rc=$$?; set -- $$(python3 scripts/count-junit.py $(BUILD)/test-results/realworld-full.xml 2>/dev/null || echo 0 1); \
	echo "$$1 passed, $$2 failed"; [ $$rc -eq 0 ] && [ $$2 -eq 0 ]

clean:
	rm -rf $(BUILD)
