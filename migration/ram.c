/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "ram" live entry: its handler table, its registration and the
 * block scope both directions work on. Saving is in ram-save.c (with
 * dirty tracking in ram-dirty.c), loading in ram-load.c.
 */
#include "qemu/osdep.h"

#include "migration/options.h"
#include "migration/register.h"
#include "ram-internal.h"

size_t ram_scope_count(const RAMBlockScope *scope)
{
    size_t n = 0;

    if (scope) {
        return scope->nr;
    }
    for (RAMBlock *rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
        n++;
    }
    return n;
}

RAMBlock *ram_scope_block(const RAMBlockScope *scope, size_t i,
                          const char **name)
{
    RAMBlock *rb;

    if (scope) {
        assert(i < scope->nr);
        *name = scope->names[i];
        return scope->blocks[i];
    }
    for (rb = ram_block_first(); rb && i; rb = ram_block_next(rb)) {
        i--;
    }
    assert(rb);
    *name = ram_block_name(rb);
    return rb;
}

RAMBlock *ram_scope_find(const RAMBlockScope *scope, const char *name)
{
    if (!scope) {
        return ram_block_find(name);
    }
    for (size_t i = 0; i < scope->nr; i++) {
        if (!strcmp(scope->names[i], name)) {
            return scope->blocks[i];
        }
    }
    return NULL;
}

bool ram_block_is_ignored(RAMBlock *rb)
{
    return migrate_ignore_shared() && ram_block_is_shared(rb) &&
           ram_block_fd(rb) >= 0;
}

bool ram_page_is_zero(const uint8_t *p)
{
    uint64_t acc = 0;
    uint64_t w[8];

    /* Most non-zero pages differ in their first word. */
    memcpy(w, p, 8);
    if (w[0]) {
        return false;
    }
    for (size_t i = 0; i < TARGET_PAGE_SIZE; i += sizeof(w)) {
        memcpy(w, p + i, sizeof(w));
        acc |= w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7];
        if (acc) {
            return false;
        }
    }
    return true;
}

void ram_mig_init(void)
{
    register_savevm_live(RAM_SECTION_NAME, 0, RAM_SECTION_VERSION,
                         &ram_save_handlers, NULL);
}

const SaveVMHandlers ram_save_handlers = {
    .save_setup = ram_save_setup,
    .save_live_iterate = ram_save_iterate,
    .save_live_complete_precopy = ram_save_complete,
    .state_pending_estimate = ram_state_pending_estimate,
    .state_pending_exact = ram_state_pending_exact,
    .save_cleanup = ram_save_cleanup,
    .load_setup = ram_load_setup,
    .load_state = ram_load,
    .load_cleanup = ram_load_cleanup,
};
