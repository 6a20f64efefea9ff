# MELF: the two commands of the README are `make demo` and `make check`.
# Both install what is missing (scripts/setup.sh), then build.
BUILD ?= build
JOBS ?= 2
export CCACHE_DIR ?= /var/cache/melf/ccache

.PHONY: all setup build demo check check-kernel check-kernel-full check-realworld deb clean
all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
	  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

# Builds only; installing is the README commands' job (setup).
build: $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(JOBS)

demo: setup
	@bash scripts/setup.sh --kernel
	@$(MAKE) --no-print-directory build
	@bash examples/demo.sh $(BUILD)

check: setup
	@bash scripts/setup.sh --kernel
	@$(MAKE) --no-print-directory build
	@JOBS=$(JOBS) bash scripts/check.sh $(BUILD)

# The kernel stage of `make check` alone: builds the Linux 6.1 guest kernel
# with the mmview series, boots it in QEMU with the tests of kernel/tests/
# and ends with one line `N passed, N failed`. See docs/kernel-harness.md.
check-kernel: setup
	@bash scripts/setup.sh --kernel
	@$(MAKE) --no-print-directory build
	@JOBS=$(JOBS) bash scripts/run-suite.sh kernel 3600 $(BUILD)/test-results/kernel.xml \
	  bash kernel/harness/run-kernel-tests.sh $(BUILD) $(BUILD)/test-results/kernel.xml

# Heavy kernel suite: (1) an UNPATCHED kernel of the same config runs the
# kernel's mm selftests; its results must equal the committed baseline
# kernel/baseline/vm-selftests.txt, which `make check` compares the patched
# kernel against (update the file from build/test-results/vm-selftests-
# baseline.txt when Debian's linux-source changes); (2) the patched kernel
# with KASAN runs every guest test; (3) the patched kernel cross-built for
# arm64 runs the guest tests that apply there in qemu-system-aarch64. Ends
# with `N passed, N failed`.
check-kernel-full: setup
	@bash scripts/setup.sh --kernel
	@$(MAKE) --no-print-directory build
	@JOBS=$(JOBS) bash kernel/harness/check-full.sh $(BUILD)

# Third-party projects' own test suites in every variant, the longer set
# (docs/realworld.md); ends with `N passed, N failed`.
check-realworld: setup
	@$(MAKE) --no-print-directory build
	@JOBS=$(JOBS) bash scripts/run-suite.sh realworld 3600 $(BUILD)/test-results/realworld-full.xml \
	  bash test/realworld/run.sh $(BUILD) $(BUILD)/test-results/realworld-full.xml full

# A Debian package of the build (scripts/make-deb.sh), in build/deb.
deb: build
	@bash scripts/make-deb.sh $(BUILD)

clean:
	rm -rf $(BUILD)
