# tests/eval: quality evaluations. Each developer keeps to their own block.

# --- PIAF ranking and snippet evaluation (tests/eval/piaf_eval.py owner) -----
# Smoke test only (50 questions, no distractors, no quality threshold): the
# figures live in tests/eval/README.md and docs/BENCHMARKS.md. Skips (77)
# without ../shared/data/retrieval-piaf.
add_test(NAME eval_piaf_smoke COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/piaf_smoke.sh)
set_tests_properties(eval_piaf_smoke PROPERTIES
                     ENVIRONMENT "${DEPECHE_TEST_ENV};${DEPECHE_PY_ENV}"
                     SKIP_RETURN_CODE 77 TIMEOUT 300)
# depeche-rank-dump: the question re-ranking features of every candidate, for
# tests/eval/rank_fit.py (an executable only; it needs the internal API).
if(EXISTS ${CMAKE_SOURCE_DIR}/searcher/search.h)
  add_executable(depeche-rank-dump ${CMAKE_CURRENT_LIST_DIR}/rank_dump.c)
  target_link_libraries(depeche-rank-dump PRIVATE depeche_searcher)
endif()
# --- end of PIAF block --------------------------------------------------------

# --- NER evaluation (tests/eval/ner_eval.c owner: entities developer) --------
# depeche-ner-eval FILE.tsv...: strict and lenient P/R/F1 per type of the
# entity tagger on HIPE TSV files. The ctest only checks that it runs on the
# NewsEye dev files (no quality threshold: the figures are in
# docs/entities.md); it skips (77) when the shared data is absent.
if(NOT TARGET depeche-ner-eval)
  add_executable(depeche-ner-eval ${CMAKE_CURRENT_LIST_DIR}/ner_eval.c)
  target_link_libraries(depeche-ner-eval PRIVATE depeche_common)
  add_test(NAME eval_ner_smoke
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ner_smoke.sh $<TARGET_FILE:depeche-ner-eval>)
  set_tests_properties(eval_ner_smoke PROPERTIES ENVIRONMENT "${DEPECHE_TEST_ENV}"
                       SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
# --- end of NER block ---------------------------------------------------------
