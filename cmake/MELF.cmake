# MELF.cmake: build MELF executables with CMake.
#
#   set(MELF_CONFIG /path/to/melf-config)        # or have it on PATH
#   include(/path/to/melf/cmake/MELF.cmake)
#   add_executable(app main.c lib.c)
#   melf_target(app)                              # plugin, ld.melf, libmelf
#   melf_target(tool RUNTIME min)                 # ... libmelf_min instead
#   melf_whole_file_variant(app VARIANT trace SOURCES lib.c OPTIONS -DMELF_TRACE)
#   melf_whole_file_variant(app VARIANT ubsan SOURCES lib.c
#                           OPTIONS -fsanitize=undefined LINK_OPTIONS -fsanitize=undefined)
#
# The compiler must be clang-19 (the plugin is a Clang plugin).

# The tool: MELF_CONFIG_EXECUTABLE (set by find_package(MELF)), else
# MELF_CONFIG, else melf-config on PATH. (find_package itself sets
# MELF_CONFIG to the package file's path, hence the other name.)
if(MELF_CONFIG_EXECUTABLE)
  set(_MELF_CONFIG_TOOL "${MELF_CONFIG_EXECUTABLE}")
elseif(MELF_CONFIG)
  set(_MELF_CONFIG_TOOL "${MELF_CONFIG}")
else()
  find_program(_MELF_CONFIG_TOOL melf-config REQUIRED)
endif()

function(_melf_flags out option)
  execute_process(COMMAND ${_MELF_CONFIG_TOOL} ${option}
    OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "MELF: '${_MELF_CONFIG_TOOL} ${option}' failed")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  set(${out} ${flags} PARENT_SCOPE)
endfunction()

# The plugin loads only into Clang 19: say so at configure time instead of
# "cannot load plugin ... undefined symbol" at the first compile.
function(_melf_check_compiler target)
  foreach(lang C CXX)
    if(CMAKE_${lang}_COMPILER_LOADED)
      string(REGEX MATCH "^[0-9]+" major "${CMAKE_${lang}_COMPILER_VERSION}")
      if(NOT CMAKE_${lang}_COMPILER_ID STREQUAL "Clang" OR NOT major STREQUAL "19")
        message(FATAL_ERROR "MELF: '${target}' is compiled with "
          "${CMAKE_${lang}_COMPILER_ID} ${CMAKE_${lang}_COMPILER_VERSION} "
          "(${CMAKE_${lang}_COMPILER}); MELF needs clang-19: configure with "
          "-DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19")
      endif()
    endif()
  endforeach()
endfunction()

# Compile `target`'s sources with the MELF plugin and link it with ld.melf
# and libmelf, or with RUNTIME min the minimal runtime libmelf_min
# (start-up selection only, no API: docs/runtime.md).
function(melf_target target)
  cmake_parse_arguments(ARG "" "RUNTIME" "" ${ARGN})
  if(NOT ARG_RUNTIME)
    set(ARG_RUNTIME full)
  elseif(NOT ARG_RUNTIME MATCHES "^(full|min)$")
    message(FATAL_ERROR "melf_target(${target}): RUNTIME is 'full' or 'min', "
      "not '${ARG_RUNTIME}'")
  endif()
  _melf_check_compiler(${target})
  _melf_flags(cflags --cflags)
  _melf_flags(ldflags "--runtime=${ARG_RUNTIME};--ldflags")
  target_compile_options(${target} PRIVATE ${cflags})
  target_link_options(${target} PRIVATE ${ldflags})
endfunction()

# Compile SOURCES of `target` once more as whole-file variant VARIANT with
# OPTIONS, and link the result into `target`. The default compile of those
# sources gets -fplugin-arg-melf-whole-file.
function(melf_whole_file_variant target)
  cmake_parse_arguments(ARG "" "VARIANT" "SOURCES;OPTIONS;LINK_OPTIONS" ${ARGN})
  if(NOT ARG_VARIANT OR NOT ARG_SOURCES)
    message(FATAL_ERROR "melf_whole_file_variant(${target}): VARIANT and SOURCES are required")
  endif()
  _melf_flags(cflags --cflags)
  set_property(SOURCE ${ARG_SOURCES} TARGET_DIRECTORY ${target}
    APPEND PROPERTY COMPILE_OPTIONS -fplugin-arg-melf-whole-file=${ARG_VARIANT})
  set(lib ${target}.melf.${ARG_VARIANT})
  add_library(${lib} OBJECT ${ARG_SOURCES})
  get_target_property(incs ${target} INCLUDE_DIRECTORIES)
  if(incs)
    target_include_directories(${lib} PRIVATE ${incs})
  endif()
  target_compile_options(${lib} PRIVATE ${cflags}
    -fplugin-arg-melf-as-variant=${ARG_VARIANT} ${ARG_OPTIONS})
  target_sources(${target} PRIVATE $<TARGET_OBJECTS:${lib}>)
  if(ARG_LINK_OPTIONS)
    target_link_options(${target} PRIVATE ${ARG_LINK_OPTIONS})
  endif()
endfunction()
