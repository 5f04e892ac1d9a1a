/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Print docs/devel/migration/states.rst from the migration status table
 * (migration/status-table.c): the transitions of each side as tables and
 * as Graphviz graphs, and the predicates over every status.  Run by the
 * build; a test compares its output with the committed page, so the page
 * cannot drift from the code.
 *
 *   migration-status-doc [OUTPUT]      (stdout without OUTPUT)
 */
#include "qemu/osdep.h"
#include "migration/status.h"

typedef struct Predicate {
    const char *name;
    bool (*test)(MigrationStatus s);
} Predicate;

static const Predicate predicates[] = {
    { "running", migration_status_is_running },
    { "active", migration_status_is_active },
    { "in postcopy", migration_status_in_postcopy },
    { "postcopy alive", migration_status_postcopy_is_alive },
    { "postcopy paused", migration_status_postcopy_is_paused },
    { "has failed", migration_status_has_failed },
};

static void print_title(GString *out, const char *title, char underline)
{
    g_string_append_printf(out, "%s\n", title);
    for (size_t i = 0; i < strlen(title); i++) {
        g_string_append_c(out, underline);
    }
    g_string_append(out, "\n\n");
}

static char *from_list(uint32_t mask)
{
    GString *s = g_string_new(NULL);

    for (int st = 0; st < MIGRATION_STATUS__MAX; st++) {
        if (mask & (1u << st)) {
            g_string_append_printf(s, "%s``%s``", s->len ? ", " : "",
                                   MigrationStatus_str(st));
        }
    }
    return g_string_free(s, false);
}

static void print_side(GString *out, MigrationSide side)
{
    const MigrationTransition *t;
    size_t n;
    g_autofree char *title = g_strdup_printf("%c%s",
        g_ascii_toupper(migration_side_str(side)[0]),
        migration_side_str(side) + 1);

    print_title(out, title, '-');
    g_string_append(out, ".. list-table::\n   :header-rows: 1\n"
                    "   :widths: 30 15 55\n\n"
                    "   * - From\n     - To\n     - Trigger\n");
    t = migration_transition_table(&n);
    for (size_t i = 0; i < n; i++) {
        g_autofree char *from = NULL;

        if (t[i].side != side) {
            continue;
        }
        from = from_list(t[i].from_mask);
        g_string_append_printf(out, "   * - %s\n     - ``%s``\n     - %s\n",
                               from, MigrationStatus_str(t[i].to),
                               t[i].trigger);
    }
    g_string_append(out, "\n.. code-block:: dot\n\n");
    g_string_append_printf(out, "   digraph %s {\n", migration_side_str(side));
    for (size_t i = 0; i < n; i++) {
        if (t[i].side != side) {
            continue;
        }
        for (int st = 0; st < MIGRATION_STATUS__MAX; st++) {
            if (t[i].from_mask & (1u << st)) {
                g_string_append_printf(out, "       \"%s\" -> \"%s\";\n",
                                       MigrationStatus_str(st),
                                       MigrationStatus_str(t[i].to));
            }
        }
    }
    g_string_append(out, "   }\n\n");
}

static void print_predicates(GString *out)
{
    print_title(out, "Predicates", '-');
    g_string_append(out, "The status tests the migration code and the QMP "
                    "commands use (``migration_status_*()``).\n\n"
                    ".. list-table::\n   :header-rows: 1\n\n"
                    "   * - Status\n");
    for (size_t p = 0; p < G_N_ELEMENTS(predicates); p++) {
        g_string_append_printf(out, "     - %s\n", predicates[p].name);
    }
    for (int st = 0; st < MIGRATION_STATUS__MAX; st++) {
        g_string_append_printf(out, "   * - ``%s``\n",
                               MigrationStatus_str(st));
        for (size_t p = 0; p < G_N_ELEMENTS(predicates); p++) {
            g_string_append_printf(out, "     - %s\n",
                                   predicates[p].test(st) ? "yes" : "");
        }
    }
    g_string_append(out, "\n");
}

int main(int argc, char **argv)
{
    g_autoptr(GString) out = g_string_new(NULL);
    GError *err = NULL;

    g_string_append(out,
        "..\n"
        "   Generated from migration/status-table.c by\n"
        "   scripts/migration-status-doc.c; do not edit.  After changing the\n"
        "   table: ninja -C build docs/states.rst &&\n"
        "   cp build/docs/states.rst docs/devel/migration/states.rst\n\n");
    print_title(out, "Migration status transitions", '=');
    g_string_append(out,
        "Every change of a ``MigrationStatus`` goes through "
        "``migrate_set_state()``\n(``migration/status.c``): a "
        "compare-and-swap that is refused unless the\ntransition is "
        "listed below for that side.  A successful change emits the\n"
        "``MIGRATION`` event when the ``events`` capability is on.  The "
        "silent reset\nof the source status to ``none`` when a new "
        "``migrate`` is accepted is not a\ntransition (no event).\n\n"
        "Quirk Q5 of QEMU 10.2 (a destination whose transport failed to "
        "start stays\nin ``setup`` for ever) is fixed: the status goes to "
        "``failed`` and\n``migrate-incoming`` may be retried.\n\n");
    print_side(out, MIGRATION_SIDE_SOURCE);
    print_side(out, MIGRATION_SIDE_DESTINATION);
    print_predicates(out);

    if (argc < 2) {
        fputs(out->str, stdout);
        return 0;
    }
    if (!g_file_set_contents(argv[1], out->str, out->len, &err)) {
        fprintf(stderr, "migration-status-doc: %s\n", err->message);
        g_error_free(err);
        return 1;
    }
    return 0;
}
