// FUZZ_CHECK(cond): the fuzz targets' invariant check. Unlike assert() it stays on in release
// builds, and it aborts (a libFuzzer finding, with the input saved) naming the file, line and
// the condition that failed.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)
