# The synthetic corpus generator: determinism, counts, valid JSON Lines.
if(TARGET depeche-gen)
  add_test(NAME corpus_gen
           COMMAND sh ${CMAKE_SOURCE_DIR}/corpus/gen/test-gen.sh
                   $<TARGET_FILE:depeche-gen> ${CMAKE_SOURCE_DIR}/corpus)
  set_tests_properties(corpus_gen PROPERTIES ENVIRONMENT "${DEPECHE_TEST_ENV}"
                       TIMEOUT 300)
endif()
