#pragma once
// The contract between a fuzz target and tests/fuzz/fuzz_driver.cc (usage: tests/fuzz/README.md).
//
// A target defines libFuzzer's entry point, so the same source also builds with clang's
// -fsanitize=fuzzer:
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);  // returns 0
//
// and may define careflow_fuzz_seeds() to hand the driver inputs built at start (with the real
// writer, encoder, ...), used besides any corpus directory. Both are called from one thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace careflow::fuzz {

// Defined weakly by the driver (no seeds); a target's own definition replaces it.
std::vector<std::string> careflow_fuzz_seeds();

}  // namespace careflow::fuzz
