# Dépêche — the front door. CMake does the real work; this file only wires
# the two commands of the README (and a few helpers) so that a fresh Debian
# machine goes from `git clone` to a result. Every command is echoed.
#
#   make demo   install what is missing, build, index corpus/, run a query
#   make test   install what is missing, build, run the whole ctest suite

BUILD      ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
INDEX      ?= $(BUILD)/demo.db
QUERY      ?= APT31 Exchange

# Debian packages the build and the test suite need.
DEB_PKGS = cmake make gcc g++ pkg-config python3 jq \
           libxapian-dev libstemmer-dev zlib1g-dev libutf8proc-dev \
           libjansson-dev libcmocka-dev libdeflate-dev xapian-tools

.PHONY: all deps configure build test demo sanitize install clean format help

all: build

help:
	@echo "make demo   - install deps, build, index corpus/, run a sample query"
	@echo "make test   - install deps, build, run all tests (ctest)"
	@echo "make sanitize - the test suite under ASan+UBSan (build-asan/)"
	@echo "make format - clang-format every C/C++ source in place"

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "+ apt-get update && apt-get install -y --no-install-recommends$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else \
	  echo "deps: missing packages; run: sudo apt-get install -y$$missing"; exit 1; \
	fi

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	rm -rf $(INDEX)
	$(BUILD)/indexer/depeche-index --index $(INDEX) corpus/txt corpus/txt-plain corpus/jsonl
	$(BUILD)/searcher/depeche-search --index $(INDEX) --limit 5 $(QUERY)

sanitize:
	$(MAKE) test BUILD=build-asan BUILD_TYPE=Debug CMAKE_ARGS=-DDEPECHE_SANITIZE=ON

install: build
	cmake --install $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h' '*.cc')

clean:
	rm -rf $(BUILD) build-asan
