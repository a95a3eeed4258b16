// Test helper (DESIGN §6): feeds one input to an incremental component whole, one byte per
// read, and split in two at every position, and checks that every way gives the same result.
// Header-only and GoogleTest-based: include it from *_test.cpp files only.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pillarbox::test {

/// `run` takes the input as a list of reads (std::vector<std::string_view>), feeds them in
/// order to a fresh component and returns what came out, as any type with operator== that
/// GoogleTest can print (a std::vector<std::string> of events is typical). Returns the result
/// of the whole-input run; each other run is compared with it (EXPECT_EQ, naming the split).
template <class Run>
auto grind(std::string_view input, Run run) {
  using Chunks = std::vector<std::string_view>;
  const auto whole = run(Chunks{input});
  {
    Chunks bytes;
    for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
    EXPECT_EQ(run(bytes), whole) << "one byte per read";
  }
  for (std::size_t i = 0; i <= input.size(); ++i) {
    const auto split = run(Chunks{input.substr(0, i), input.substr(i)});
    EXPECT_EQ(split, whole) << "split at " << i;
    if (split != whole) break;  // one report is enough
  }
  return whole;
}

}  // namespace pillarbox::test
