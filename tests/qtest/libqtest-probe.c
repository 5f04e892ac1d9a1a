/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest's test registration helpers (the "/<arch>/" prefix) and the
 * probes that ask a throw-away "-machine none" emulator which machines,
 * accelerators, devices and CPU models exist (spec/qtest.md 2.2 and 2.8).
 */
#include "qemu/osdep.h"

#include "libqtest-internal.h"

/* ------------------------------------------------------------------ */
/* Test registration                                                     */
/* ------------------------------------------------------------------ */

const char *qtest_get_arch(void)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    const char *dash;

    if (!qemu) {
        fprintf(stderr, "Environment variable QTEST_QEMU_BINARY required\n");
        exit(1);
    }
    dash = strrchr(qemu, '-');
    if (!dash) {
        fprintf(stderr, "Can't determine architecture from binary name.\n");
        exit(1);
    }
    if (!strstr(qemu, "-system-")) {
        fprintf(stderr, "QTEST_QEMU_BINARY must name a binary ending in "
                "*-system-<arch>, where <arch> is the target architecture "
                "(for example qemu-system-cr16)\n");
        exit(1);
    }
    return dash + 1;
}

static char *qtest_test_path(const char *path)
{
    while (*path == '/') {
        path++;
    }
    return g_strdup_printf("/%s/%s", qtest_get_arch(), path);
}

void qtest_add_func(const char *path, void (*fn)(void))
{
    g_autofree char *full = qtest_test_path(path);

    g_test_add_func(full, fn);
}

void qtest_add_data_func(const char *path, const void *data,
                         void (*fn)(const void *))
{
    g_autofree char *full = qtest_test_path(path);

    g_test_add_data_func(full, data, fn);
}

void qtest_add_data_func_full(const char *path, void *data,
                              void (*fn)(const void *),
                              GDestroyNotify data_free_func)
{
    g_autofree char *full = qtest_test_path(path);

    g_test_add_data_func_full(full, data, fn, data_free_func);
}

/* ------------------------------------------------------------------ */
/* Probes (each starts a throw-away "-machine none" emulator)             */
/* ------------------------------------------------------------------ */

/* Cached answers of one query, valid for the binary they came from. */
typedef struct QTestProbeCache {
    char *binary;
    GHashTable *names;          /* name (or alias) -> canonical name */
    GHashTable *aliases;        /* alias -> canonical name */
} QTestProbeCache;

/* True if c holds answers for the current binary; else resets it. */
static bool qtest_probe_cache_valid(QTestProbeCache *c)
{
    const char *bin = qtest_binary(NULL);

    if (c->binary && strcmp(c->binary, bin) == 0) {
        return true;
    }
    g_free(c->binary);
    if (c->names) {
        g_hash_table_destroy(c->names);
        g_hash_table_destroy(c->aliases);
    }
    c->binary = g_strdup(bin);
    c->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    c->aliases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       g_free);
    return false;
}

/* Run cmd on a throw-away emulator and return the "return" array. */
static JsonArray *qtest_probe_query(const char *cmd)
{
    QTestState *qts = qtest_init("-machine none");
    JsonNode *ret;
    JsonArray *arr;

    ret = qtest_qmp_assert_success_ref(qts, "%s", cmd);
    if (!JSON_NODE_HOLDS_ARRAY(ret)) {
        qtest_fatal("probe '%s': array expected", cmd);
    }
    arr = json_array_ref(json_node_get_array(ret));
    json_node_unref(ret);
    qtest_quit(qts);
    return arr;
}

static QTestProbeCache qtest_machine_cache;

static void qtest_load_machines(void)
{
    JsonArray *arr;
    guint i;

    if (qtest_probe_cache_valid(&qtest_machine_cache)) {
        return;
    }
    arr = qtest_probe_query("{\"execute\": \"query-machines\"}");
    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *m = json_array_get_object_element(arr, i);
        const char *name = qtest_json_get_str(m, "name");
        const char *alias = qtest_json_get_str(m, "alias");

        if (!name) {
            continue;
        }
        g_hash_table_insert(qtest_machine_cache.names, g_strdup(name),
                            g_strdup(name));
        if (alias) {
            g_hash_table_insert(qtest_machine_cache.names, g_strdup(alias),
                                g_strdup(name));
            g_hash_table_insert(qtest_machine_cache.aliases, g_strdup(alias),
                                g_strdup(name));
        }
    }
    json_array_unref(arr);
}

bool qtest_has_machine(const char *machine)
{
    qtest_load_machines();
    return g_hash_table_contains(qtest_machine_cache.names, machine);
}

char *qtest_resolve_machine_alias(const char *alias)
{
    qtest_load_machines();
    return g_strdup(g_hash_table_lookup(qtest_machine_cache.aliases, alias));
}

/* Fill c with the names of the non-abstract types implementing `iface`. */
static void qtest_load_types(QTestProbeCache *c, const char *iface)
{
    g_autofree char *cmd = NULL;
    JsonArray *arr;
    guint i;

    if (qtest_probe_cache_valid(c)) {
        return;
    }
    cmd = g_strdup_printf("{\"execute\": \"qom-list-types\", \"arguments\": "
                          "{\"abstract\": false, \"implements\": \"%s\"}}",
                          iface);
    arr = qtest_probe_query(cmd);
    for (i = 0; i < json_array_get_length(arr); i++) {
        const char *name = qtest_json_get_str(
            json_array_get_object_element(arr, i), "name");

        if (name) {
            g_hash_table_insert(c->names, g_strdup(name), g_strdup(name));
        }
    }
    json_array_unref(arr);
}

bool qtest_has_accel(const char *name)
{
    static QTestProbeCache accels;
    g_autofree char *type = NULL;

    if (strcmp(name, "kvm") == 0) {
        /* This build's KVM target list is empty: cr16 has no KVM. */
        return false;
    }
    qtest_load_types(&accels, "accel");
    type = g_strdup_printf("%s-accel", name);
    return g_hash_table_contains(accels.names, type);
}

bool qtest_has_device(const char *type)
{
    static QTestProbeCache devices;

    qtest_load_types(&devices, "device");
    return g_hash_table_contains(devices.names, type);
}

bool qtest_has_cpu_model(const char *model)
{
    JsonArray *arr;
    bool found = false;
    guint i;

    arr = qtest_probe_query("{\"execute\": \"query-cpu-definitions\"}");
    for (i = 0; i < json_array_get_length(arr) && !found; i++) {
        JsonObject *def = json_array_get_object_element(arr, i);
        const char *name = qtest_json_get_str(def, "name");
        const char *alias_of = qtest_json_get_str(def, "alias_of");

        found = (name && strcmp(name, model) == 0) ||
                (alias_of && strcmp(alias_of, model) == 0);
    }
    json_array_unref(arr);
    return found;
}
