# The two entry points (see README): `make run` and `make test`. Both install what they need.
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
DATA      ?= var
LISTEN    ?= 127.0.0.1:8080
JOBS      ?= $(shell nproc)
OSM       ?=

.PHONY: all deps build server run test test-release test-asan format clean bench

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

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
