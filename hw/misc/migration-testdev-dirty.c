/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * migration-testdev's dirtier (migration-testdev-dirty.h). Every
 * millisecond of virtual time it writes rate x elapsed pages of
 * [dirty-base, dirty-base + dirty-size), cycling through the range: the
 * first 8 bytes of each page get the running count of pages written,
 * through the address space, so the RAM dirty log sees it as it sees a
 * DMA write. Virtual time stops with the VM, so a stopped guest dirties
 * nothing, as a real one would.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/memory.h"
#include "hw/boards.h"
#include "migration-testdev-dirty.h"

#define DIRTIER_TICK_NS (1000 * 1000)
/* A rate no host can follow anyway, and that keeps a tick bounded. */
#define DIRTIER_MAX_PAGES_PER_MS (1024 * 1024)

static uint64_t dirtier_pages(const TestdevDirtier *d)
{
    return d->size / TARGET_PAGE_SIZE;
}

static void dirtier_tick(void *opaque)
{
    TestdevDirtier *d = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    double due = d->owed + (double)d->pages_per_ms * (now - d->last_ns) /
                           DIRTIER_TICK_NS;
    uint64_t n = (uint64_t)due;

    d->last_ns = now;
    d->owed = due - n;
    /* After a long gap (host load) a tick still writes each page at most
     * once: more would dirty nothing new and only stall the main loop. */
    if (n > dirtier_pages(d)) {
        n = dirtier_pages(d);
        d->owed = 0;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v = GUINT64_TO_LE(++d->written);

        address_space_write(d->base + d->cursor * TARGET_PAGE_SIZE, &v,
                            sizeof(v));
        d->cursor = (d->cursor + 1) % dirtier_pages(d);
    }
    if (d->pages_per_ms) {
        timer_mod(d->timer, now + DIRTIER_TICK_NS);
    }
}

bool testdev_dirtier_realize(TestdevDirtier *d, GError **errp)
{
    uint64_t ram = current_machine ? current_machine->ram_size : 0;

    if (!d->size) {
        return true;
    }
    if (d->base % TARGET_PAGE_SIZE || d->size % TARGET_PAGE_SIZE) {
        error_setg(errp, "migration-testdev: dirty-base 0x%" PRIx64
                   " and dirty-size 0x%" PRIx64 " must be multiples of "
                   "the page size", d->base, d->size);
        return false;
    }
    if (d->base >= ram || d->size > ram - d->base) {
        error_setg(errp, "migration-testdev: dirty range 0x%" PRIx64
                   "+0x%" PRIx64 " is not inside the 0x%" PRIx64
                   " bytes of RAM", d->base, d->size, ram);
        return false;
    }
    d->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, dirtier_tick, d);
    return testdev_dirtier_set_rate(d, d->pages_per_ms, errp);
}

void testdev_dirtier_unrealize(TestdevDirtier *d)
{
    if (d->timer) {
        timer_free(d->timer);
        d->timer = NULL;
    }
}

bool testdev_dirtier_set_rate(TestdevDirtier *d, uint64_t pages_per_ms,
                              GError **errp)
{
    if (pages_per_ms > DIRTIER_MAX_PAGES_PER_MS) {
        error_setg(errp, "migration-testdev: dirty-pages-per-ms %" PRIu64
                   " is larger than the maximum %u", pages_per_ms,
                   DIRTIER_MAX_PAGES_PER_MS);
        return false;
    }
    if (pages_per_ms && !d->size) {
        /* No range: nothing to dirty. */
        error_setg(errp, "migration-testdev: dirty-pages-per-ms needs "
                   "dirty-size");
        return false;
    }
    d->pages_per_ms = pages_per_ms;
    if (!d->timer) {
        return true;            /* not realized yet: realize starts it */
    }
    if (pages_per_ms && !timer_pending(d->timer)) {
        d->last_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        d->owed = 0;
        timer_mod(d->timer, d->last_ns + DIRTIER_TICK_NS);
    } else if (!pages_per_ms) {
        timer_del(d->timer);
    }
    return true;
}
