/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Print the migration status table (migration/status-table.c) and the
 * status predicates as JSON, for scripts/migration-model.py, which turns
 * them into the Promela model that spin checks.  Run by the build, so the
 * model is derived from the very table the CAS setter enforces.
 *
 *   migration-status-json [OUTPUT]     (stdout without OUTPUT)
 *
 * {"statuses": [names in enum order],
 *  "transitions": [{"side", "from": [names], "to", "trigger"}],
 *  "predicates": {"in-postcopy": [names], ...}}
 */
#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include "migration/status.h"

typedef struct Predicate {
    const char *name;
    bool (*test)(MigrationStatus s);
} Predicate;

static const Predicate predicates[] = {
    { "running", migration_status_is_running },
    { "active", migration_status_is_active },
    { "in-postcopy", migration_status_in_postcopy },
    { "postcopy-alive", migration_status_postcopy_is_alive },
    { "postcopy-paused", migration_status_postcopy_is_paused },
    { "has-failed", migration_status_has_failed },
};

static void add_status_list(JsonBuilder *b, uint32_t mask)
{
    json_builder_begin_array(b);
    for (int st = 0; st < MIGRATION_STATUS__MAX; st++) {
        if (mask & (1u << st)) {
            json_builder_add_string_value(b, MigrationStatus_str(st));
        }
    }
    json_builder_end_array(b);
}

int main(int argc, char **argv)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;
    const MigrationTransition *t;
    size_t n;
    GError *err = NULL;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "statuses");
    add_status_list(b, (1u << MIGRATION_STATUS__MAX) - 1);

    json_builder_set_member_name(b, "transitions");
    json_builder_begin_array(b);
    t = migration_transition_table(&n);
    for (size_t i = 0; i < n; i++) {
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "side");
        json_builder_add_string_value(b, migration_side_str(t[i].side));
        json_builder_set_member_name(b, "from");
        add_status_list(b, t[i].from_mask);
        json_builder_set_member_name(b, "to");
        json_builder_add_string_value(b, MigrationStatus_str(t[i].to));
        json_builder_set_member_name(b, "trigger");
        json_builder_add_string_value(b, t[i].trigger);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);

    json_builder_set_member_name(b, "predicates");
    json_builder_begin_object(b);
    for (size_t p = 0; p < G_N_ELEMENTS(predicates); p++) {
        uint32_t mask = 0;

        for (int st = 0; st < MIGRATION_STATUS__MAX; st++) {
            mask |= predicates[p].test(st) ? 1u << st : 0;
        }
        json_builder_set_member_name(b, predicates[p].name);
        add_status_list(b, mask);
    }
    json_builder_end_object(b);
    json_builder_end_object(b);

    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    text = json_generator_to_data(gen, NULL);
    if (argc < 2) {
        puts(text);
        return 0;
    }
    if (!g_file_set_contents(argv[1], text, -1, &err)) {
        fprintf(stderr, "migration-status-json: %s\n", err->message);
        g_error_free(err);
        return 1;
    }
    return 0;
}
