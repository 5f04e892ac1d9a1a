/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the in-process fuzz targets (see fuzz.h). */
#include "qemu/osdep.h"

#include "fuzz.h"

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    return g_strndup((const char *)data, size);
}

void fuzz_fail(const char *file, int line, const char *cond,
               const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "FUZZ CHECK FAILED at %s:%d: %s\n  ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

bool fuzz_verbose(void)
{
    static int verbose = -1;

    if (verbose < 0) {
        verbose = g_getenv("FUZZ_VERBOSE") != NULL;
    }
    return verbose;
}

void fuzz_init_common(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING |
                           G_LOG_LEVEL_ERROR);
}
