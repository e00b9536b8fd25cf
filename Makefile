# Thin wrapper over CMake (as neovim does).  Every target installs missing
# build dependencies first (Debian/Ubuntu, as root), so the two commands at
# the top of README.md work on a fresh machine.
#
#   make run     build and open sipdx on the bundled demo capture
#   make test    build (plain and ASan+UBSan) and run every test, then the
#                sanitizer stage: each fuzz harness for FUZZ_SECONDS and a
#                short ThreadSanitizer run of the live console
#   make fuzz    build the libFuzzer harnesses (clang)
#   make bench   run the benchmark against sngrep and tshark (long; not in CI)
#   make install install under PREFIX (default /usr/local), honouring DESTDIR
#   make deb     build the Debian package (build/sipdx_VERSION_ARCH.deb)

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
TSAN_BUILD ?= build-tsan
FUZZ_SECONDS ?= 10
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
DEMO       ?= data/demo.pcap
PREFIX     ?= /usr/local

.PHONY: all deps build run test test-plain test-asan test-fuzz test-tsan fuzz bench clean install deb

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/sipdx -r $(DEMO)

test: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWERROR=ON $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON -DWERROR=ON $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --output-on-failure -j $(JOBS)
	$(MAKE) test-fuzz test-tsan

# Sanitizer stage, short: every harness for FUZZ_SECONDS on its seed corpus.
test-fuzz: fuzz
	sh tests/fuzz/run_short.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# ThreadSanitizer: the live console with HEP, -w rotation and SIGUSR1.
test-tsan: deps
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DENABLE_TSAN=ON -DBUILD_TESTS=OFF -DWERROR=ON $(CMAKE_ARGS)
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target sipdx
	bash tests/tsan/test_live_console_tsan $(TSAN_BUILD)/sipdx

fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DFUZZ=ON -DBUILD_TESTS=OFF \
	  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@echo "fuzzers in $(FUZZ_BUILD)/tests/fuzz/ (e.g. ./fuzz_decode -max_total_time=60 tests/fuzz/corpus/decode)"

bench: build
	sh bench/run.sh

install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

deb: build
	cd $(BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD)
