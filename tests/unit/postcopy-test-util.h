/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the postcopy destination's unit tests share (test-postcopy-ram.c,
 * test-postcopy-run.c): a thread that reads one byte of guest RAM and so
 * blocks while userfaultfd holds the page missing, a GError slot that
 * must stay empty, and skipping where userfaultfd is unavailable.
 */
#ifndef TESTS_UNIT_POSTCOPY_TEST_UTIL_H
#define TESTS_UNIT_POSTCOPY_TEST_UTIL_H

#include <glib.h>
#include <stdint.h>

#define POSTCOPY_TEST_DEADLINE_US (20 * G_USEC_PER_SEC)

/* An errp for calls that must not fail (checked at the next use). */
GError **postcopy_test_noerr(void);
#define NOERR postcopy_test_noerr()

/* Why userfaultfd is unavailable here (set by main), or NULL. */
extern char *postcopy_test_uffd_missing;
/* False, with the test skipped and the reason, where it is missing. */
bool postcopy_test_need_uffd(void);

typedef struct Toucher {
    const volatile uint8_t *addr;
    uint8_t value;              /* the byte read */
    int done;                   /* atomic */
    GThread *thread;
} Toucher;

/* Read *t->addr in this thread (blocks while the page is missing). */
void toucher_read(Toucher *t);
/* Read *addr in a new thread (it blocks while the page is missing). */
void toucher_start(Toucher *t, const void *addr);
/* Join with a deadline: a missed wake-up fails instead of hanging. */
void toucher_join(Toucher *t);

#endif
