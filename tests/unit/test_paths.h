/*
 * Where the unit tests find their files.  ctest sets SIPDX_CORPUS and
 * SIPDX_TESTDATA; without them (a test binary run by hand, from any
 * directory) the paths this build was configured with are used, compiled
 * in by tests/CMakeLists.txt.  A directory that is not there fails the
 * test at once: a missing corpus must never pass as an empty one.
 * Include after <cmocka.h>.
 */
#ifndef SIPDX_TEST_PATHS_H
#define SIPDX_TEST_PATHS_H

#include <stdlib.h>
#include <sys/stat.h>

static inline const char *test_dir(const char *env, const char *built_in)
{
    const char *dir = getenv(env);
    struct stat st;

    if (!dir || !*dir)
        dir = built_in;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        fail_msg("test files not found: %s is not a directory (%s)", dir, env);
    return dir;
}

/* tests/corpus: the public and generated captures with their truth files. */
static inline const char *test_corpus_dir(void)
{
    return test_dir("SIPDX_CORPUS", SIPDX_TEST_CORPUS);
}

/* tests/data: every other test input. */
static inline const char *test_data_dir(void)
{
    return test_dir("SIPDX_TESTDATA", SIPDX_TEST_DATA);
}

#endif
