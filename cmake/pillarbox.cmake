# Helpers shared by every module.
include(GoogleTest)

# Warnings as errors and the sanitizer preset, applied to every target we build.
function(pb_apply_options target)
  # -Wno-mismatched-new-delete: g++ 12 reports Asio's coroutine frame allocator (its own
  # operator new/delete pair) as mismatched; a known false positive (GCC bug 109224).
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
                         -Wno-missing-field-initializers -Wno-mismatched-new-delete)
  target_compile_definitions(${target} PRIVATE ASIO_SEPARATE_COMPILATION ASIO_NO_DEPRECATED)
  if(PILLARBOX_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                           -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(PILLARBOX_TSAN)
    # -Wno-tsan: Asio's fenced blocks use std::atomic_thread_fence, which ThreadSanitizer does
    # not model (g++ warns); the scheduler's mutexes, which it does see, order the same work.
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
endfunction()

# pb_add_module(NAME DEPS ... [EXTRA_DIRS dir...] [TEST_PROPERTIES prop value...])
# Library pb_NAME from src/NAME/*.cpp (and EXTRA_DIRS), minus *_test.cpp; the *_test.cpp files
# beside them become the GoogleTest binary pb_NAME_test, registered with CTest (with
# TEST_PROPERTIES added to each of its tests).
function(pb_add_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;EXTRA_DIRS;TEST_PROPERTIES" ${ARGN})
  set(dirs ${CMAKE_SOURCE_DIR}/src/${name})
  foreach(d ${ARG_EXTRA_DIRS})
    list(APPEND dirs ${CMAKE_SOURCE_DIR}/${d})
  endforeach()
  set(srcs "")
  set(tests "")
  foreach(d ${dirs})
    file(GLOB s CONFIGURE_DEPENDS ${d}/*.cpp)
    foreach(f ${s})
      if(f MATCHES "_test\\.cpp$")
        list(APPEND tests ${f})
      else()
        list(APPEND srcs ${f})
      endif()
    endforeach()
  endforeach()
  if(srcs)
    add_library(pb_${name} STATIC ${srcs})
    target_include_directories(pb_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(pb_${name} PUBLIC ${ARG_DEPS})
    pb_apply_options(pb_${name})
  else()  # a header-only layer
    add_library(pb_${name} INTERFACE)
    target_include_directories(pb_${name} INTERFACE ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(pb_${name} INTERFACE ${ARG_DEPS})
  endif()
  if(PILLARBOX_TESTS AND tests)
    add_executable(pb_${name}_test ${tests})
    target_link_libraries(pb_${name}_test PRIVATE pb_${name} GTest::gtest GTest::gtest_main)
    target_compile_definitions(pb_${name}_test PRIVATE
      PB_SOURCE_DIR="${CMAKE_SOURCE_DIR}" PB_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared")
    pb_apply_options(pb_${name}_test)
    gtest_discover_tests(pb_${name}_test DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit ${ARG_TEST_PROPERTIES})
  endif()
endfunction()
