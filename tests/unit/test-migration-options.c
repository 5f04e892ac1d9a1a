/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of migration/options*.c through the real QMP command table:
 * migrate-set-capabilities / query-migrate-capabilities and
 * migrate-set-parameters / query-migrate-parameters (spec 7.8, 7.9):
 * defaults, every range message in check order, all-or-nothing, the
 * capability rules and "not supported yet", the refusal during a
 * migration, and -global migration.<prop>.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qapi-commands.h"
#include "hw/qdev-core.h"
#include "migration/migration.h"
#include "migration/options-internal.h"
#include "migration/status.h"

/* Run a command with JSON arguments (NULL = none); result or error. */
static JsonNode *qmp(const char *name, const char *args, GError **errp)
{
    const QmpCommand *cmd = qmp_find_command(name);
    g_autoptr(JsonNode) args_node = NULL;
    JsonNode *ret = NULL;

    g_assert_nonnull(cmd);
    if (args) {
        args_node = json_from_string(args, NULL);
        g_assert_nonnull(args_node);
    }
    if (!cmd->fn(args_node ? json_node_get_object(args_node) : NULL, &ret,
                 errp)) {
        return NULL;
    }
    return ret;
}

static char *qmp_text(const char *name, const char *args)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = qmp(name, args, &err);

    g_assert_no_error(err);
    return json_to_string(ret, false);
}

/* The command must fail with exactly this message. */
static void qmp_expect_error(const char *name, const char *args,
                             const char *message)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = qmp(name, args, &err);

    g_assert_null(ret);
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==, message);
}

static void qmp_expect_ok(const char *name, const char *args)
{
    g_autofree char *text = qmp_text(name, args);

    g_assert_cmpstr(text, ==, "{}");
}

static void reset(void)
{
    migration_options_reset();
    migration_state_reset_for_test();
}

#define DEFAULT_PARAMS                                                  \
    "{\"announce-initial\":50,\"announce-max\":550,"                    \
    "\"announce-rounds\":5,\"announce-step\":100,"                      \
    "\"throttle-trigger-threshold\":50,\"cpu-throttle-initial\":20,"    \
    "\"cpu-throttle-increment\":10,\"cpu-throttle-tailslow\":false,"    \
    "\"tls-creds\":\"\",\"tls-hostname\":\"\",\"tls-authz\":\"\","      \
    "\"max-bandwidth\":134217728,\"avail-switchover-bandwidth\":0,"     \
    "\"downtime-limit\":300,\"x-checkpoint-delay\":20000,"              \
    "\"multifd-channels\":2,\"xbzrle-cache-size\":67108864,"            \
    "\"max-postcopy-bandwidth\":0,\"max-cpu-throttle\":99,"             \
    "\"multifd-compression\":\"none\",\"multifd-zlib-level\":1,"        \
    "\"multifd-zstd-level\":1,\"multifd-qatzip-level\":1,"              \
    "\"x-vcpu-dirty-limit-period\":1000,\"vcpu-dirty-limit\":1,"        \
    "\"mode\":\"normal\",\"zero-page-detection\":\"multifd\","          \
    "\"direct-io\":false,\"cpr-exec-command\":[],"                  \
    "\"x-postcopy-device-timeout-ms\":0}"

static void assert_params_default(void)
{
    g_autofree char *text = qmp_text("query-migrate-parameters", NULL);

    g_assert_cmpstr(text, ==, DEFAULT_PARAMS);
}

static void test_param_defaults(void)
{
    reset();
    assert_params_default();
    /* The accessors agree with what QMP reports. */
    g_assert_cmpuint(migrate_max_bandwidth(), ==, 134217728);
    g_assert_cmpuint(migrate_downtime_limit(), ==, 300);
    g_assert_cmpuint(migrate_xbzrle_cache_size(), ==, 64 * 1024 * 1024);
    g_assert_cmpint(migrate_multifd_channels(), ==, 2);
    g_assert_cmpint(migrate_zero_page_detection(), ==,
                    ZERO_PAGE_DETECTION_MULTIFD);
    g_assert_cmpstr(migrate_tls_creds(), ==, "");
    g_assert_false(migrate_tls());
    g_assert_null(migrate_cpr_exec_command());
    g_assert_true(migrate_send_configuration());
    g_assert_true(migrate_send_section_footer());
    g_assert_true(migrate_send_switchover_start());
    g_assert_true(migrate_store_global_state());
    g_assert_false(migrate_multifd_flush_after_each_section());
}

static void test_cap_defaults(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;
    JsonArray *arr;

    reset();
    ret = qmp("query-migrate-capabilities", NULL, &err);
    g_assert_no_error(err);
    arr = json_node_get_array(ret);
    /* QEMU's 22, then x-postcopy-safe-start and x-ram-digest (ours,
     * unstable). */
    g_assert_cmpuint(json_array_get_length(arr), ==, 24);
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        g_assert_cmpstr(json_object_get_string_member(o, "capability"), ==,
                        MigrationCapability_str(i));
        g_assert_false(json_object_get_boolean_member(o, "state"));
    }
}

typedef struct ParamCase {
    const char *args;
    const char *error;
} ParamCase;

#define EXPECTS(n, t) "Parameter '" n "' expects " t

/* Every range rule of spec 7.9, one bad value each. */
static const ParamCase param_errors[] = {
    { "{\"throttle-trigger-threshold\":0}",
      EXPECTS("throttle_trigger_threshold",
              "an integer in the range of 1 to 100") },
    { "{\"throttle-trigger-threshold\":101}",
      EXPECTS("throttle_trigger_threshold",
              "an integer in the range of 1 to 100") },
    { "{\"cpu-throttle-initial\":0}",
      EXPECTS("cpu_throttle_initial", "an integer in the range of 1 to 99") },
    { "{\"cpu-throttle-initial\":100}",
      EXPECTS("cpu_throttle_initial", "an integer in the range of 1 to 99") },
    { "{\"cpu-throttle-increment\":0}",
      EXPECTS("cpu_throttle_increment",
              "an integer in the range of 1 to 99") },
    { "{\"cpu-throttle-increment\":100}",
      EXPECTS("cpu_throttle_increment",
              "an integer in the range of 1 to 99") },
    { "{\"downtime-limit\":2000001}",
      EXPECTS("downtime_limit",
              "an integer in the range of 0 to (2000 * 1000) ms") },
    { "{\"multifd-channels\":0}",
      EXPECTS("multifd_channels", "a value between 1 and 255") },
    { "{\"multifd-zlib-level\":10}",
      EXPECTS("multifd_zlib_level", "a value between 0 and 9") },
    { "{\"multifd-qatzip-level\":0}",
      EXPECTS("multifd_qatzip_level", "a value between 1 and 9") },
    { "{\"multifd-qatzip-level\":10}",
      EXPECTS("multifd_qatzip_level", "a value between 1 and 9") },
    { "{\"multifd-zstd-level\":21}",
      EXPECTS("multifd_zstd_level", "a value between 0 and 20") },
    { "{\"xbzrle-cache-size\":4095}",
      EXPECTS("xbzrle_cache_size",
              "a power of two no less than the target page size") },
    { "{\"xbzrle-cache-size\":12288}",
      EXPECTS("xbzrle_cache_size",
              "a power of two no less than the target page size") },
    { "{\"max-cpu-throttle\":19}",
      EXPECTS("max_cpu_throttle",
              "an integer in the range of cpu_throttle_initial to 99") },
    { "{\"max-cpu-throttle\":100}",
      EXPECTS("max_cpu_throttle",
              "an integer in the range of cpu_throttle_initial to 99") },
    { "{\"cpu-throttle-initial\":60,\"max-cpu-throttle\":50}",
      EXPECTS("max_cpu_throttle",
              "an integer in the range of cpu_throttle_initial to 99") },
    { "{\"announce-initial\":100001}",
      EXPECTS("announce_initial", "a value between 0 and 100000") },
    { "{\"announce-max\":100001}",
      EXPECTS("announce_max", "a value between 0 and 100000") },
    { "{\"announce-rounds\":1001}",
      EXPECTS("announce_rounds", "a value between 0 and 1000") },
    { "{\"announce-step\":0}",
      EXPECTS("announce_step", "a value between 0 and 10000") },
    { "{\"announce-step\":10001}",
      EXPECTS("announce_step", "a value between 0 and 10000") },
    { "{\"x-vcpu-dirty-limit-period\":0}",
      EXPECTS("x-vcpu-dirty-limit-period", "a value between 1 and 1000") },
    { "{\"x-vcpu-dirty-limit-period\":1001}",
      EXPECTS("x-vcpu-dirty-limit-period", "a value between 1 and 1000") },
    { "{\"vcpu-dirty-limit\":0}",
      "Parameter 'vcpu_dirty_limit' must be greater than 1 MB/s" },
    /* block-bitmap-mapping */
    { "{\"block-bitmap-mapping\":[{\"node-name\":\"n\",\"alias\":\"1a\","
      "\"bitmaps\":[]}]}",
      "Invalid mapping given for block-bitmap-mapping: "
      "The node alias '1a' is not well-formed" },
    { "{\"block-bitmap-mapping\":[{\"node-name\":\"n\",\"alias\":\"a\","
      "\"bitmaps\":[]},{\"node-name\":\"n\",\"alias\":\"b\",\"bitmaps\":[]}]}",
      "Invalid mapping given for block-bitmap-mapping: "
      "The node name 'n' is mapped twice" },
    { "{\"block-bitmap-mapping\":[{\"node-name\":\"n\",\"alias\":\"a\","
      "\"bitmaps\":[]},{\"node-name\":\"m\",\"alias\":\"a\",\"bitmaps\":[]}]}",
      "Invalid mapping given for block-bitmap-mapping: "
      "The node alias 'a' is used twice" },
    { "{\"block-bitmap-mapping\":[{\"node-name\":\"n\",\"alias\":\"a\","
      "\"bitmaps\":[{\"name\":\"b\",\"alias\":\"x\"},"
      "{\"name\":\"b\",\"alias\":\"y\"}]}]}",
      "Invalid mapping given for block-bitmap-mapping: "
      "The bitmap 'n'/'b' is mapped twice" },
    { "{\"block-bitmap-mapping\":[{\"node-name\":\"n\",\"alias\":\"a\","
      "\"bitmaps\":[{\"name\":\"b\",\"alias\":\"x\"},"
      "{\"name\":\"c\",\"alias\":\"x\"}]}]}",
      "Invalid mapping given for block-bitmap-mapping: "
      "The bitmap alias 'a'/'x' is used twice" },
    /* Several bad members: the first rule in check order wins. */
    { "{\"announce-step\":0,\"throttle-trigger-threshold\":0}",
      EXPECTS("throttle_trigger_threshold",
              "an integer in the range of 1 to 100") },
    { "{\"vcpu-dirty-limit\":0,\"xbzrle-cache-size\":1,"
      "\"multifd-channels\":0}",
      EXPECTS("multifd_channels", "a value between 1 and 255") },
    { "{\"direct-io\":true,\"announce-rounds\":5000}",
      EXPECTS("announce_rounds", "a value between 0 and 1000") },
};

static void test_param_errors(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(param_errors); i++) {
        reset();
        qmp_expect_error("migrate-set-parameters", param_errors[i].args,
                         param_errors[i].error);
        /* All or nothing: not even the valid members were stored. */
        assert_params_default();
    }
}

static void test_param_all_or_nothing(void)
{
    reset();
    qmp_expect_error("migrate-set-parameters",
                     "{\"downtime-limit\":500,\"max-bandwidth\":1000,"
                     "\"multifd-zstd-level\":99}",
                     EXPECTS("multifd_zstd_level",
                             "a value between 0 and 20"));
    g_assert_cmpuint(migrate_downtime_limit(), ==, 300);
    g_assert_cmpuint(migrate_max_bandwidth(), ==, 134217728);
}

static void test_param_set(void)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) argv = NULL;

    reset();
    qmp_expect_ok("migrate-set-parameters",
                  "{\"downtime-limit\":2000000,\"max-bandwidth\":0,"
                  "\"xbzrle-cache-size\":4096,\"announce-step\":10000,"
                  "\"tls-creds\":\"tls0\",\"tls-hostname\":\"h\","
                  "\"zero-page-detection\":\"legacy\","
                  "\"cpr-exec-command\":[\"a\",\"b\"]}");
    g_assert_cmpuint(migrate_downtime_limit(), ==, 2000000);
    g_assert_cmpuint(migrate_max_bandwidth(), ==, 0);
    g_assert_cmpuint(migrate_xbzrle_cache_size(), ==, 4096);
    g_assert_cmpuint(migrate_announce_step(), ==, 10000);
    g_assert_cmpstr(migrate_tls_creds(), ==, "tls0");
    g_assert_true(migrate_tls());
    g_assert_cmpint(migrate_zero_page_detection(), ==,
                    ZERO_PAGE_DETECTION_LEGACY);
    argv = migrate_cpr_exec_command();
    g_assert_cmpuint(g_strv_length(argv), ==, 2);
    g_assert_cmpstr(argv[1], ==, "b");

    /* Unchanged members keep their values; null clears a TLS string. */
    qmp_expect_ok("migrate-set-parameters",
                  "{\"tls-creds\":null,\"tls-hostname\":\"\"}");
    g_assert_cmpstr(migrate_tls_creds(), ==, "");
    g_assert_false(migrate_tls());
    g_assert_cmpuint(migrate_downtime_limit(), ==, 2000000);

    /* block-bitmap-mapping is reported once set. */
    qmp_expect_ok("migrate-set-parameters",
                  "{\"block-bitmap-mapping\":[{\"node-name\":\"n\","
                  "\"alias\":\"a\",\"bitmaps\":[{\"name\":\"b\","
                  "\"alias\":\"x\"}]}]}");
    text = qmp_text("query-migrate-parameters", NULL);
    g_assert_nonnull(strstr(text, "\"block-bitmap-mapping\":[{"));

    /* direct-io: this build (Linux) has O_DIRECT. */
    qmp_expect_ok("migrate-set-parameters", "{\"direct-io\":true}");
    g_assert_true(migrate_direct_io());
}

static void test_param_type_errors(void)
{
    /* Checked by the QAPI layer before the command runs. */
    reset();
    qmp_expect_error("migrate-set-parameters", "{\"multifd-channels\":256}",
                     "Parameter 'multifd-channels' expects uint8");
    qmp_expect_error("migrate-set-parameters", "{\"mode\":\"bogus\"}",
                     "Parameter 'mode' does not accept value 'bogus'");
    qmp_expect_error("migrate-set-parameters", "{\"compress-level\":1}",
                     "Parameter 'compress-level' is unexpected");
    assert_params_default();
}

typedef struct CapCase {
    const char *caps;           /* comma-separated capabilities to enable */
    const char *error;          /* NULL: accepted */
} CapCase;

#define NOT_SUPPORTED(c) \
    "Capability '" c "' is not supported yet by qemu-system-cr16"

static const CapCase cap_cases[] = {
    /* what this build implements */
    { "events", NULL },
    { "return-path", NULL },
    { "return-path,switchover-ack", NULL },
    { "pause-before-switchover", NULL },
    { "validate-uuid", NULL },
    { "auto-converge", NULL },
    { "xbzrle", NULL },
    { "zero-blocks", NULL },
    { "late-block-activate", NULL },
    { "postcopy-ram", NULL },
    { "postcopy-blocktime", NULL },
    { "events,return-path,switchover-ack,pause-before-switchover,"
      "validate-uuid,auto-converge,xbzrle", NULL },
    /* the spec's own rules, in their order */
    { "x-colo", "QEMU compiled without replication module can't enable "
                "COLO" },
    { "x-colo,background-snapshot",
      "QEMU compiled without replication module can't enable COLO" },
    { "postcopy-ram,x-ignore-shared",
      "Postcopy is not compatible with ignore-shared" },
    { "background-snapshot,postcopy-ram",
      "Background-snapshot is not compatible with postcopy-ram" },
    { "background-snapshot,xbzrle,return-path",
      "Background-snapshot is not compatible with return-path" },
    { "background-snapshot,zero-copy-send",
      "Background-snapshot is not compatible with zero-copy-send" },
    { "background-snapshot,validate-uuid",
      "Background-snapshot is not compatible with validate-uuid" },
    { "zero-copy-send", "Zero copy only available for non-compressed "
                        "non-TLS multifd migration" },
    { "zero-copy-send,multifd,xbzrle",
      "Zero copy only available for non-compressed non-TLS multifd "
      "migration" },
    { "postcopy-preempt", "Postcopy preempt requires postcopy-ram" },
    { "switchover-ack", "Capability 'switchover-ack' requires capability "
                        "'return-path'" },
    { "dirty-limit,auto-converge",
      "dirty-limit conflicts with auto-converge either of then available "
      "currently" },
    /* Accepted: no KVM dirty ring needed here (docs/devel/migration/
     * dirty-limit.rst). */
    { "dirty-limit", NULL },
    { "multifd,xbzrle", "Multifd is not compatible with xbzrle" },
    { "mapped-ram,xbzrle", "Mapped-ram migration is incompatible with "
                           "xbzrle" },
    { "mapped-ram,postcopy-ram", "Mapped-ram migration is incompatible "
                                 "with postcopy" },
    /* then "not supported yet", in enum order */
    { "rdma-pin-all", NOT_SUPPORTED("rdma-pin-all") },
    { "release-ram", NOT_SUPPORTED("release-ram") },
    { "multifd", NULL },
    { "dirty-bitmaps", NOT_SUPPORTED("dirty-bitmaps") },
    { "x-ignore-shared", NOT_SUPPORTED("x-ignore-shared") },
    { "background-snapshot", NOT_SUPPORTED("background-snapshot") },
    { "postcopy-ram,postcopy-preempt", NULL },
    { "mapped-ram", NULL },
    { "mapped-ram,x-ignore-shared", "Mapped-ram migration is incompatible "
                                    "with x-ignore-shared" },
    { "events,multifd,mapped-ram", NULL },
};

static char *caps_args(const char *list, bool state)
{
    g_auto(GStrv) names = g_strsplit(list, ",", -1);
    GString *s = g_string_new("{\"capabilities\":[");

    for (int i = 0; names[i]; i++) {
        g_string_append_printf(s, "%s{\"capability\":\"%s\",\"state\":%s}",
                               i ? "," : "", names[i],
                               state ? "true" : "false");
    }
    g_string_append(s, "]}");
    return g_string_free(s, false);
}

static void assert_caps_none(void)
{
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        g_assert_false(migrate_cap(i));
    }
}

static void test_caps(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(cap_cases); i++) {
        g_autofree char *args = caps_args(cap_cases[i].caps, true);
        g_auto(GStrv) names = g_strsplit(cap_cases[i].caps, ",", -1);

        reset();
        if (cap_cases[i].error) {
            qmp_expect_error("migrate-set-capabilities", args,
                             cap_cases[i].error);
            assert_caps_none();
            continue;
        }
        qmp_expect_ok("migrate-set-capabilities", args);
        for (int n = 0; names[n]; n++) {
            g_assert_true(migrate_cap(qapi_enum_parse(
                &MigrationCapability_lookup, names[n])));
        }
    }
}

static void test_caps_merge(void)
{
    reset();
    /* The request changes the current set; the whole result is checked. */
    qmp_expect_ok("migrate-set-capabilities", "{\"capabilities\":["
                  "{\"capability\":\"return-path\",\"state\":true}]}");
    qmp_expect_ok("migrate-set-capabilities", "{\"capabilities\":["
                  "{\"capability\":\"switchover-ack\",\"state\":true}]}");
    g_assert_true(migrate_switchover_ack());
    g_assert_true(migrate_uses_return_path());
    /* Dropping return-path would leave switchover-ack alone: refused. */
    qmp_expect_error("migrate-set-capabilities", "{\"capabilities\":["
                     "{\"capability\":\"return-path\",\"state\":false}]}",
                     "Capability 'switchover-ack' requires capability "
                     "'return-path'");
    g_assert_true(migrate_return_path());
    /* All or nothing: events is not set when another entry fails. */
    qmp_expect_error("migrate-set-capabilities", "{\"capabilities\":["
                     "{\"capability\":\"events\",\"state\":true},"
                     "{\"capability\":\"release-ram\",\"state\":true}]}",
                     NOT_SUPPORTED("release-ram"));
    g_assert_false(migrate_events());
    /* Disabling an unsupported capability is harmless. */
    qmp_expect_ok("migrate-set-capabilities", "{\"capabilities\":["
                  "{\"capability\":\"postcopy-ram\",\"state\":false}]}");
    qmp_expect_error("migrate-set-capabilities", "{\"capabilities\":["
                     "{\"capability\":\"block\",\"state\":true}]}",
                     "Parameter 'capabilities[0].capability' does not "
                     "accept value 'block'");
}

static void test_caps_during_migration(void)
{
    int *word = migration_source_status_word();

    reset();
    g_assert_true(migrate_set_state(MIGRATION_SIDE_SOURCE, word,
                                    MIGRATION_STATUS_NONE,
                                    MIGRATION_STATUS_SETUP));
    qmp_expect_error("migrate-set-capabilities", "{\"capabilities\":["
                     "{\"capability\":\"events\",\"state\":true}]}",
                     "There's a migration process in progress");
    /* Checked before the capability rules. */
    qmp_expect_error("migrate-set-capabilities", "{\"capabilities\":["
                     "{\"capability\":\"multifd\",\"state\":true}]}",
                     "There's a migration process in progress");
    g_assert_false(migrate_events());
    /* Parameters may change during a migration. */
    qmp_expect_ok("migrate-set-parameters", "{\"max-bandwidth\":1000}");
    g_assert_cmpuint(migrate_max_bandwidth(), ==, 1000);

    g_assert_true(migrate_set_state(MIGRATION_SIDE_SOURCE, word,
                                    MIGRATION_STATUS_SETUP,
                                    MIGRATION_STATUS_FAILED));
    qmp_expect_ok("migrate-set-capabilities", "{\"capabilities\":["
                  "{\"capability\":\"events\",\"state\":true}]}");
    g_assert_true(migrate_events());
    reset();
}

static void test_caps_incoming_started(void)
{
    reset();
    migration_set_incoming_transport_started(true);
    qmp_expect_error("migrate-set-capabilities", "{\"capabilities\":["
                     "{\"capability\":\"multifd\",\"state\":true}]}",
                     "Multifd must be set before incoming starts");
    qmp_expect_error("migrate-set-capabilities", "{\"capabilities\":["
                     "{\"capability\":\"postcopy-ram\",\"state\":true},"
                     "{\"capability\":\"postcopy-preempt\",\"state\":true}]}",
                     "Postcopy preempt must be set before incoming starts");
    /* Other capabilities may still change. */
    qmp_expect_ok("migrate-set-capabilities", "{\"capabilities\":["
                  "{\"capability\":\"xbzrle\",\"state\":true}]}");
    reset();
}

static void test_global_props(void)
{
    g_autoptr(GError) err = NULL;

    reset();
    qdev_global_add("migration", "x-events", "on");
    qdev_global_add("migration", "x-max-bandwidth", "1k");
    qdev_global_add("migration", "send-switchover-start", "off");
    qdev_global_add("migration", "zero-page-detection", "legacy");
    g_assert_true(migration_object_init(&err));
    g_assert_no_error(err);
    g_assert_true(migrate_events());
    g_assert_cmpuint(migrate_max_bandwidth(), ==, 1024);
    g_assert_false(migrate_send_switchover_start());
    g_assert_cmpint(migrate_zero_page_detection(), ==,
                    ZERO_PAGE_DETECTION_LEGACY);
    g_assert_cmpint(qdev_global_check_unused(), ==, 0);
    qdev_global_reset();
    reset();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/options/param-defaults", test_param_defaults);
    g_test_add_func("/migration/options/cap-defaults", test_cap_defaults);
    g_test_add_func("/migration/options/param-errors", test_param_errors);
    g_test_add_func("/migration/options/param-all-or-nothing",
                    test_param_all_or_nothing);
    g_test_add_func("/migration/options/param-set", test_param_set);
    g_test_add_func("/migration/options/param-type-errors",
                    test_param_type_errors);
    g_test_add_func("/migration/options/caps", test_caps);
    g_test_add_func("/migration/options/caps-merge", test_caps_merge);
    g_test_add_func("/migration/options/caps-during-migration",
                    test_caps_during_migration);
    g_test_add_func("/migration/options/caps-incoming-started",
                    test_caps_incoming_started);
    g_test_add_func("/migration/options/global-props", test_global_props);
    return g_test_run();
}
