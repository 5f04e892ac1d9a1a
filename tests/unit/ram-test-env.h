/* The options the RAM tests set (see ram-test-env.c). */
#ifndef RAM_TEST_ENV_H
#define RAM_TEST_ENV_H

#include "migration/options.h"

typedef struct RamTestOptions {
    bool xbzrle;
    uint64_t xbzrle_cache_size;
    ZeroPageDetection zero_page_detection;
} RamTestOptions;

extern RamTestOptions ram_test_options;
/* Make the real options match ram_test_options. */
void ram_test_options_apply(void);

#endif
