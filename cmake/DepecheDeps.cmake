# Finds every dependency; when one is missing, stops with the exact
# apt-get line that installs it (the Makefile's `make deps` runs it).
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install -y pkg-config")
endif()

function(depeche_require_pc var module debpkg)
  pkg_check_modules(${var} IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} not found: apt-get install -y ${debpkg}")
  endif()
endfunction()

depeche_require_pc(XAPIAN xapian-core libxapian-dev)
depeche_require_pc(ZLIB zlib zlib1g-dev)
depeche_require_pc(UTF8PROC libutf8proc libutf8proc-dev)
depeche_require_pc(JANSSON jansson libjansson-dev)
# libdeflate decompresses stored records about twice as fast as zlib
# (record.c; the records stay zlib streams, written by zlib)
option(DEPECHE_LIBDEFLATE "decode stored records with libdeflate" ON)
if(DEPECHE_LIBDEFLATE)
  depeche_require_pc(LIBDEFLATE libdeflate libdeflate-dev)
endif()
if(DEPECHE_TESTS)
  depeche_require_pc(CMOCKA cmocka libcmocka-dev)
endif()

find_path(STEMMER_INCLUDE_DIR libstemmer.h)
find_library(STEMMER_LIBRARY stemmer)
if(NOT STEMMER_INCLUDE_DIR OR NOT STEMMER_LIBRARY)
  message(FATAL_ERROR "libstemmer not found: apt-get install -y libstemmer-dev")
endif()
add_library(depeche_stemmer INTERFACE)
target_include_directories(depeche_stemmer INTERFACE ${STEMMER_INCLUDE_DIR})
target_link_libraries(depeche_stemmer INTERFACE ${STEMMER_LIBRARY})

find_package(Threads REQUIRED)
