/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one way a MigrationStatus changes: a compare-and-swap checked
 * against the transition table (status-table.c), followed by the
 * MIGRATION event and the status notifiers.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-events.h"
#include "qemu/error-report.h"
#include "migration/options.h"
#include "migration/status.h"

typedef struct StatusNotifier {
    MigrationStatusNotify *fn;
    void *opaque;
} StatusNotifier;

/* notifiers_lock guards notifiers; it is not held while they run. */
static GMutex notifiers_lock;
static GArray *notifiers;           /* of StatusNotifier */
static uint64_t events_sent;        /* atomic */

void migration_status_add_notifier(MigrationStatusNotify *fn, void *opaque)
{
    StatusNotifier n = { fn, opaque };

    g_mutex_lock(&notifiers_lock);
    if (!notifiers) {
        notifiers = g_array_new(false, false, sizeof(StatusNotifier));
    }
    g_array_append_val(notifiers, n);
    g_mutex_unlock(&notifiers_lock);
}

void migration_status_remove_notifier(MigrationStatusNotify *fn,
                                      void *opaque)
{
    g_mutex_lock(&notifiers_lock);
    for (guint i = 0; notifiers && i < notifiers->len; i++) {
        StatusNotifier *n = &g_array_index(notifiers, StatusNotifier, i);

        if (n->fn == fn && n->opaque == opaque) {
            g_array_remove_index(notifiers, i);
            break;
        }
    }
    g_mutex_unlock(&notifiers_lock);
}

uint64_t migration_status_events_sent(void)
{
    return qatomic_read(&events_sent);
}

static void status_changed(MigrationSide side, MigrationStatus old,
                           MigrationStatus new_state)
{
    g_autoptr(GArray) copy = NULL;

    if (migrate_events()) {
        qapi_event_send_migration(new_state);
        qatomic_inc(&events_sent);
    }
    /* A copy, so that a notifier may remove itself. */
    g_mutex_lock(&notifiers_lock);
    if (notifiers && notifiers->len) {
        copy = g_array_sized_new(false, false, sizeof(StatusNotifier),
                                 notifiers->len);
        g_array_append_vals(copy, notifiers->data, notifiers->len);
    }
    g_mutex_unlock(&notifiers_lock);
    for (guint i = 0; copy && i < copy->len; i++) {
        StatusNotifier *n = &g_array_index(copy, StatusNotifier, i);

        n->fn(side, old, new_state, n->opaque);
    }
}

bool migrate_set_state(MigrationSide side, int *state, int old_state,
                       int new_state)
{
    if (!migration_transition_allowed(side, old_state, new_state)) {
        const char *o = MigrationStatus_str(old_state);
        const char *n = MigrationStatus_str(new_state);

        error_report("migration: refused %s status change %s -> %s "
                     "(not in the transition table)",
                     migration_side_str(side), o ? o : "(invalid)",
                     n ? n : "(invalid)");
        return false;
    }
    if (qatomic_cmpxchg(state, old_state, new_state) != old_state) {
        /* Someone else changed it first: their status stands. */
        return false;
    }
    status_changed(side, old_state, new_state);
    return true;
}
