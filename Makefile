# The two set-up commands of the README:
#   make run    installs what is missing, builds, and runs the default scenario
#   make test   installs what is missing, builds, and runs every test
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: deps build run test bench clean

deps:
	bash tools/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j$(JOBS)

run: build
	./$(BUILD)/bundlesim run scenarios/quickstart.json --out $(BUILD)/quickstart.sqlite

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

bench: build
	./$(BUILD)/bundlesim bench --shoppers 1000000
	./$(BUILD)/bundlesim bench --shoppers 10000000
	./$(BUILD)/bundlesim bench --neural fresh --threads $(JOBS)

clean:
	rm -rf $(BUILD)
