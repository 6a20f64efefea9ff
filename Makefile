# MELF: the two commands of the README are `make demo` and `make check`.
# Both install what is missing (scripts/setup.sh), then build.
BUILD ?= build
JOBS ?= 2
export CCACHE_DIR ?= /var/cache/melf/ccache

.PHONY: all setup build demo check clean
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
	@bash scripts/check.sh $(BUILD)

clean:
	rm -rf $(BUILD)
