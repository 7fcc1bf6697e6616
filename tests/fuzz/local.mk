# libFuzzer targets (configure --enable-fuzzing CC=clang); see tests/fuzz/run-fuzz.sh
EXTRA_DIST += tests/fuzz/run-fuzz.sh tests/fuzz/corpus
