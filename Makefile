# The two entry points (see README): `make run` and `make test`. Both install what they need.
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
FUZZ_DIR  ?= build-fuzz
FUZZ_SECONDS ?= 60
DATA      ?= var
LISTEN    ?= 127.0.0.1:8080
JOBS      ?= $(shell nproc)
OSM       ?=

.PHONY: all deps build server run test test-release test-asan format clean bench fuzz

all: build

deps:
	scripts/install-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Only the binary: a user who wants to run the server should not wait for the test suite.
server: $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS) --target sightline

run: deps server
ifneq ($(OSM),)
	$(BUILD_DIR)/sightline import "$(OSM)" --data $(DATA)
endif
	$(BUILD_DIR)/sightline serve --data $(DATA) --listen $(LISTEN)

test: deps test-release test-asan

test-release: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

$(ASAN_DIR)/build.ninja:
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSIGHTLINE_SANITIZE=ON -DSIGHTLINE_BENCH=OFF

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS) --target unit_tests
	cd $(ASAN_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

bench: build
	bench/run.sh

# libFuzzer targets (tests/fuzz), built with clang 16 (Debian clang-16, libclang-rt-16-dev), each
# run for FUZZ_SECONDS from the seed corpus in tests/fixtures. Not part of `make test`.
fuzz:
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-16 libclang-rt-16-dev
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-16 \
	      -DSIGHTLINE_FUZZ=ON -DSIGHTLINE_TESTS=OFF -DSIGHTLINE_BENCH=OFF -DSIGHTLINE_WERROR=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_photo_intake fuzz_multipart fuzz_multipart_stream fuzz_video_input
	mkdir -p $(FUZZ_DIR)/corpus/photo $(FUZZ_DIR)/corpus/multipart $(FUZZ_DIR)/corpus/multipart_stream $(FUZZ_DIR)/corpus/video
	cp tests/fixtures/api/*.jpg $(FUZZ_DIR)/corpus/photo/
	LSAN_OPTIONS=suppressions=tests/lsan.supp $(FUZZ_DIR)/tests/fuzz/fuzz_photo_intake -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 $(FUZZ_DIR)/corpus/photo
	$(FUZZ_DIR)/tests/fuzz/fuzz_multipart -max_total_time=$(FUZZ_SECONDS) $(FUZZ_DIR)/corpus/multipart
	$(FUZZ_DIR)/tests/fuzz/fuzz_multipart_stream -max_total_time=$(FUZZ_SECONDS) $(FUZZ_DIR)/corpus/multipart_stream
	for f in mp4 mkv webm mov; do ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i testsrc2=size=64x48:rate=10:duration=0.5 \
	    -f lavfi -i sine=duration=0.5 -shortest $(FUZZ_DIR)/corpus/video/seed.$$f; done
	$(FUZZ_DIR)/tests/fuzz/fuzz_video_input -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 $(FUZZ_DIR)/corpus/video

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
