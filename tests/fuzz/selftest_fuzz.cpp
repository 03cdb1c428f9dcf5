// The replay driver's own test (selftest_test.sh): a target whose check fails on an input that
// starts with "crash".
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TG_FUZZ_CHECK(!tg::fuzz::text_of(data, size).starts_with("crash"));
  return 0;
}
