/*
 * The interface every in-process fuzz target implements (the libFuzzer
 * convention).  The same target object links either with libFuzzer
 * (-Dfuzzing=true, clang) or with replay-main.c, which runs it over files
 * (the corpus and the crash reproducers) as a plain regression test.
 *
 * A target must be deterministic for a given input as far as its
 * oracle is concerned, must not write files or open sockets, and reports
 * a finding by crashing (abort(), a failed g_assert, a sanitizer report).
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* Called once before the first input; argc/argv are the program's. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
/* Run one input; always returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An input as a NUL-terminated string (g_free): the fuzzed parsers take C
 * strings, so an embedded NUL simply ends the text early.
 */
char *fuzz_strndup(const uint8_t *data, size_t size);

/*
 * Set-up every target does first: GLib criticals and warnings (a failed
 * g_return_if_fail() is a bug in the caller) abort like a failed check.
 */
void fuzz_init_common(void);

/* FUZZ_VERBOSE=1 in the environment: targets print what they answer. */
bool fuzz_verbose(void);

/* Abort with msg when cond is false, also in builds with NDEBUG. */
#define FUZZ_CHECK(cond, ...)                                               \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);              \
        }                                                                   \
    } while (0)

void fuzz_fail(const char *file, int line, const char *cond,
               const char *fmt, ...) __attribute__((noreturn, format(printf, 4, 5)));

#endif /* TESTS_FUZZ_FUZZ_H */
