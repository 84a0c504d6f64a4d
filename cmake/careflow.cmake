# Helpers so that every folder declares itself the same way:
#   careflow_add_library(NAME log SRCS a.cc b.cc DEPS careflow::common)
#   careflow_add_test(NAME log_tests SRCS tests/x_test.cc DEPS careflow::log)
# A folder may set CAREFLOW_TEST_LABEL before adding its tests: ctest -L / -LE then selects them
# (CI's sanitizer pass leaves out the process-level suites labelled integration and faults).
# One folder = one namespace = one library, with its dependencies spelled out.

set(CAREFLOW_WARNINGS -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor)
if(CAREFLOW_WERROR)
  list(APPEND CAREFLOW_WARNINGS -Werror)
endif()

if(CAREFLOW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # CAREFLOW_UBSAN_SKIP (the asan-ci preset: "alignment,null") leaves UBSan checks out. At -O0 those
  # two instrument every pointer access and cost a quarter of the sanitizer build's compile time
  # (measured on src/exec/operators/group_aggregate.cc: 5.8 s with them, 4.4 s without, 3.7 s for
  # the plain debug build); a null access still stops the process as ASan's SEGV report.
  if(CAREFLOW_UBSAN_SKIP)
    add_compile_options(-fno-sanitize=${CAREFLOW_UBSAN_SKIP})
    add_link_options(-fno-sanitize=${CAREFLOW_UBSAN_SKIP})
  endif()
  # The sanitizers' instrumentation defeats GCC's flow analysis: at -O2, GCC 12 reports
  # -Wmaybe-uninitialized inside std::variant moves of values::Value that the debug and release
  # builds (which keep the warning as an error) do not see. The other warnings stay errors here.
  list(APPEND CAREFLOW_WARNINGS -Wno-maybe-uninitialized)
endif()

function(careflow_add_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  set(target careflow_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SRCS})
  add_library(careflow::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${target} PRIVATE ${CAREFLOW_WARNINGS})
  target_link_libraries(${target} PUBLIC ${ARG_DEPS})
endfunction()

function(careflow_add_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${CAREFLOW_WARNINGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  set(labels)
  if(CAREFLOW_TEST_LABEL)
    set(labels LABELS ${CAREFLOW_TEST_LABEL})
  endif()
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300 ${labels})
endfunction()

# careflow's executables allocate with mimalloc (Debian's libmimalloc-dev): the engine allocates and
# frees a row for each changelog message, and glibc's malloc cost it a fifth of its instructions
# (bench/results/engine.md). Sanitizer builds keep the sanitizers' allocator.
function(careflow_use_allocator target)
  if(NOT CAREFLOW_SANITIZE)
    target_link_libraries(${target} PRIVATE -Wl,--no-as-needed mimalloc -Wl,--as-needed)
  endif()
endfunction()
