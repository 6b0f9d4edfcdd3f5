# tests/bench: executables used by tests/bench/run and their smoke tests.
# Each developer keeps to their own block.

# --- benchmark harness (tests/bench/run owner) -------------------------------
# depeche-bench-proclat: one-process-per-query latency; depeche-bench-latency:
# in-process latency through libdepeche. The smoke test checks that the
# helpers run and parse, never a timing; CI never runs the benchmark itself.
add_executable(depeche-bench-proclat ${CMAKE_CURRENT_LIST_DIR}/proclat.c)
target_link_libraries(depeche-bench-proclat PRIVATE m)
add_test(NAME bench_proclat_smoke
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/proclat_smoke.sh
                 $<TARGET_FILE:depeche-bench-proclat>)
set_tests_properties(bench_proclat_smoke PROPERTIES ENVIRONMENT "${DEPECHE_TEST_ENV}"
                     TIMEOUT 120)
if(EXISTS ${CMAKE_SOURCE_DIR}/searcher/depeche.h)
  add_executable(depeche-bench-latency ${CMAKE_CURRENT_LIST_DIR}/latency.c)
  target_link_libraries(depeche-bench-latency PRIVATE depeche m)
endif()
# --- end of benchmark harness block -------------------------------------------

# --- analyzer (issue 3 owner) --------------------------------------------------
# analyzer_bench: dp_analyze MB/s on OrangeSum, beside Xapian's TermGenerator
# (termgen_peer.py, run with --peer). An executable only, never a ctest.
add_executable(analyzer_bench ${CMAKE_CURRENT_LIST_DIR}/analyzer_bench.c)
target_link_libraries(analyzer_bench PRIVATE depeche_common PkgConfig::JANSSON
                      PkgConfig::ZLIB)
# --- end of analyzer block -----------------------------------------------------

# --- entities (issue 7 owner) --------------------------------------------------
# depeche-bench-entities: CPU time of dp_tag against dp_analyze on OrangeSum
# bodies, in the same run (goal: tagging adds at most 25%). The ctest is a
# smoke run on 50 bodies (no timing threshold) that also checks the same
# entities with and without word classes; it skips (77) without data.
if(NOT TARGET depeche-bench-entities)
  add_executable(depeche-bench-entities ${CMAKE_CURRENT_LIST_DIR}/entities_bench.c)
  target_link_libraries(depeche-bench-entities PRIVATE depeche_common PkgConfig::JANSSON
                        PkgConfig::ZLIB)
  add_test(NAME bench_entities_smoke
           COMMAND bash -c "f=\"$DEPECHE_SHARED_DATA/news-orangesum/orangesum_articles.jsonl.gz\"; [ -r \"$f\" ] || { echo \"SKIP: $f not found\" >&2; exit 77; }; \"$0\" --check --limit 50 \"$f\" | grep -q '^analyzer .* tagging adds'"
                   $<TARGET_FILE:depeche-bench-entities>)
  set_tests_properties(bench_entities_smoke PROPERTIES ENVIRONMENT "${DEPECHE_TEST_ENV}"
                       SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()
# --- end of entities block -----------------------------------------------------
