# The two entry points (see README): `make run` and `make test`. Both install what they need.
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
FUZZ_DIR  ?= build-fuzz
FUZZ_SECONDS ?= 60
DATA      ?= var
LISTEN    ?= 127.0.0.1:8080
JOBS      ?= $(shell nproc)
OSM       ?=
# Empty: SQLite in $(DATA). postgresql://user@host/db: the PostgreSQL store (docs/deploy.md);
# $(DATA) then holds only this server's caches.
STORE     ?=
STORE_ARG  = $(if $(STORE),--store "$(STORE)",)

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
	$(BUILD_DIR)/sightline import "$(OSM)" --data $(DATA) $(STORE_ARG)
endif
	$(BUILD_DIR)/sightline serve --data $(DATA) $(STORE_ARG) --listen $(LISTEN)

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
# run for FUZZ_SECONDS from its checked-in seeds (tests/fixtures/fuzz/<target>/). Not part of
# `make test`: CI replays those seeds and reproducers with g++ instead (replay_<target>, CTest
# label fuzz). A crash is written to $(FUZZ_DIR)/crash-<target>-*; add it to the target's seed
# folder with the fix.
FUZZ_TARGETS ?= photo_intake multipart multipart_stream video_input geojson_reader gpx_reader \
                csv_import json_body http_target osm_xml osm_pbf search_text
fuzz:
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-16 libclang-rt-16-dev
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-16 \
	      -DSIGHTLINE_FUZZ=ON -DSIGHTLINE_TESTS=OFF -DSIGHTLINE_BENCH=OFF -DSIGHTLINE_WERROR=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	mkdir -p $(addprefix $(FUZZ_DIR)/corpus/,$(FUZZ_TARGETS))
	cp tests/fixtures/api/*.jpg $(FUZZ_DIR)/corpus/photo_intake/
	cp tests/fixtures/osm/*.osm $(FUZZ_DIR)/corpus/osm_xml/
	set -e; for t in $(FUZZ_TARGETS); do \
	    cp tests/fixtures/fuzz/$$t/* $(FUZZ_DIR)/corpus/$$t/; \
	    echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    dict=; [ -f tests/fuzz/dict/$$t.dict ] && dict=-dict=tests/fuzz/dict/$$t.dict; \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(FUZZ_DIR)/tests/fuzz/fuzz_$$t $$dict \
	        -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=30 \
	        -artifact_prefix=$(FUZZ_DIR)/crash-$$t- $(FUZZ_DIR)/corpus/$$t; \
	done

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
