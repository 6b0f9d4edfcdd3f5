# tests/embedding: libdepeche as others use it (issue 8) — the installed
# library through pkg-config, the docs/examples programs, --serve.

# cmake --install into a temporary prefix, then docs/examples/example.c
# compiled with pkg-config against the INSTALLED library and run.
add_test(NAME embed_install_example
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install_example.sh)
# docs/examples/example.py (ctypes) and docs/examples/serve.sh (--serve as
# a coprocess, jq) on an index of corpus/, output checked.
add_test(NAME embed_example_py COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/example_py.sh)
add_test(NAME embed_example_serve
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/example_serve.sh)
# docs/embedding.md shows each docs/examples/ file verbatim.
add_test(NAME embed_docs_sync
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/docs_sync.py)
set_tests_properties(embed_install_example embed_example_serve embed_docs_sync
                     PROPERTIES ENVIRONMENT "${DEPECHE_TEST_ENV}" TIMEOUT 300)
set_tests_properties(embed_example_py PROPERTIES
                     ENVIRONMENT "${DEPECHE_TEST_ENV};${DEPECHE_PY_ENV}" TIMEOUT 300)
