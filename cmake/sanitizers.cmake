# Sanitizer and fuzzing builds, chosen with -DSMPSIM_SANITIZE=...
#   address  AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize.sh address)
#   thread   ThreadSanitizer (scripts/sanitize.sh thread)
#   fuzzer   libFuzzer coverage + ASan + UBSan; needs clang (scripts/fuzz.sh)
# The flags are usage requirements of smpsim_flags, which every layer links, so smpsim, the tests and
# anything else that links a layer are compiled and linked with them too.
set(SMPSIM_SANITIZE "" CACHE STRING "Sanitizers: empty, address (ASan + UBSan), thread (TSan) or fuzzer")
set_property(CACHE SMPSIM_SANITIZE PROPERTY STRINGS "" address thread fuzzer)

# Every UB check stops the program (a test fails) rather than printing and going on.
# GCC leaves float-cast-overflow (a double too large for its integer) out of "undefined".
set(_smpsim_asan_ubsan
  -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
  -fno-omit-frame-pointer)

if(SMPSIM_SANITIZE STREQUAL "address")
  set(SMPSIM_SANITIZER_FLAGS ${_smpsim_asan_ubsan})
elseif(SMPSIM_SANITIZE STREQUAL "thread")
  set(SMPSIM_SANITIZER_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # libgomp's barriers are invisible to TSan: every access of a worker before the end of a
    # parallel region looks racy against what the main thread does after it.
    message(WARNING "SMPSIM_SANITIZE=thread: use clang, whose OpenMP runtime (libomp) tells TSan "
                    "about OpenMP's synchronisation through libarcher (scripts/sanitize.sh thread)")
  endif()
  # A target_clones function's resolver runs while the dynamic linker relocates the program,
  # before TSan's runtime is ready, and TSan instruments it: the program dies on start
  # (google/sanitizers#342, llvm/llvm-project#163369). Keep only the default version here; it
  # gives the same bits as the AVX2 one (sim/model/look_kernel.cpp).
  target_compile_options(smpsim_model PRIVATE "-Dtarget_clones(...)=__noinline__")
elseif(SMPSIM_SANITIZE STREQUAL "fuzzer")
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SMPSIM_SANITIZE=fuzzer needs clang (libFuzzer), e.g. "
                        "-DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14")
  endif()
  # Coverage instrumentation only: the fuzz target itself links -fsanitize=fuzzer (its main).
  set(SMPSIM_SANITIZER_FLAGS -fsanitize=fuzzer-no-link ${_smpsim_asan_ubsan})
elseif(NOT SMPSIM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "SMPSIM_SANITIZE must be empty, address, thread or fuzzer, not "
                      "'${SMPSIM_SANITIZE}'")
endif()

if(SMPSIM_SANITIZER_FLAGS)
  target_compile_options(smpsim_flags INTERFACE ${SMPSIM_SANITIZER_FLAGS})
  target_link_options(smpsim_flags INTERFACE ${SMPSIM_SANITIZER_FLAGS})
  if(SMPSIM_SANITIZE STREQUAL "fuzzer")
    # Debian's toml++ is a shared library built without instrumentation, where libFuzzer would
    # not see the parser's branches: compile it from its headers into our code instead.
    set_property(TARGET tomlplusplus::tomlplusplus PROPERTY INTERFACE_COMPILE_OPTIONS
                 -DTOML_HEADER_ONLY=1)
    # Less one known toml++ 3.3.0 bug that would stop every run (tests/fuzz/README.md).
    target_compile_options(smpsim_flags INTERFACE
      -fsanitize-ignorelist=${CMAKE_SOURCE_DIR}/tests/fuzz/toml_ignorelist.txt)
  endif()
  message(STATUS "smpsim: sanitizers (${SMPSIM_SANITIZE}): ${SMPSIM_SANITIZER_FLAGS}")
endif()
unset(_smpsim_asan_ubsan)
