/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the postcopy destination's unit tests (postcopy-test-util.h). */
#include "qemu/osdep.h"

#include "postcopy-test-util.h"

static GError *noerr_slot;
char *postcopy_test_uffd_missing;

GError **postcopy_test_noerr(void)
{
    g_assert_no_error(noerr_slot);
    return &noerr_slot;
}

bool postcopy_test_need_uffd(void)
{
    if (postcopy_test_uffd_missing) {
        g_test_skip(postcopy_test_uffd_missing);
        return false;
    }
    return true;
}

void toucher_read(Toucher *t)
{
    t->value = *t->addr;        /* blocks while the page is missing */
    qatomic_set(&t->done, 1);
}

static gpointer toucher_fn(gpointer opaque)
{
    toucher_read(opaque);
    return NULL;
}

void toucher_start(Toucher *t, const void *addr)
{
    t->addr = addr;
    t->done = 0;
    t->thread = g_thread_new("toucher", toucher_fn, t);
}

void toucher_join(Toucher *t)
{
    gint64 deadline = g_get_monotonic_time() + POSTCOPY_TEST_DEADLINE_US;

    while (!qatomic_read(&t->done)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    g_thread_join(t->thread);
}
