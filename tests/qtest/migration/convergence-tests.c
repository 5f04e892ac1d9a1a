/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Convergence tests (issue 12, docs/devel/migration/convergence.rst):
 * progress that never runs backwards, stall detection, the downtime ramp,
 * the completion budget, and "everything off is QEMU's output".
 *
 * The guest here is not the A-B guest, whose CPU dirties its whole range
 * as fast as the interpreter runs: it is an idle CPU (a `wait` with
 * interrupts off) plus migration-testdev's dirtier, which writes
 * `dirty-pages-per-ms` pages of an 8 MiB range per ms of virtual time.
 * Against a fixed max-bandwidth the test so sets the dirty rate to any
 * multiple of the bandwidth. Memory integrity is proved by comparing the
 * RAM digest of the stopped source with the destination's.
 */
#include "qemu/osdep.h"
#include "framework.h"

#define CONV_BANDWIDTH      (16 * 1024 * 1024)      /* bytes/s */
#define CONV_PAGES_PER_MS   (CONV_BANDWIDTH / 4096 / 1000.0)   /* 4.096 */
#define CONV_DIRTY_BASE     0x01000000
#define CONV_DIRTY_SIZE     (8 * 1024 * 1024)
#define CONV_DEV            "/machine/peripheral/dirtier"
/* Sync 1 is setup, sync 2 ends the bulk pass (convergence.h). */
#define CONV_BULK_SYNC      2

/* What the source's events said, in order. */
typedef struct ConvEvents {
    GString *order;             /* "Msetup,P1,Mactive,P2,S5,B,..." */
    GArray *progress;           /* double, x-progress of each PASS */
    JsonObject *stalled;        /* first MIGRATION_STALLED data */
    JsonObject *budget;         /* first MIGRATION_BUDGET_ACTION data */
    uint64_t passes;            /* PASS events seen */
    bool pass_extra_members;    /* a PASS had more than "pass" */
} ConvEvents;

static ConvEvents conv_ev;

static bool conv_event_cb(QTestState *who, const char *name,
                          JsonObject *event, void *opaque)
{
    ConvEvents *ev = opaque;
    JsonObject *data = json_object_has_member(event, "data") ?
                       json_object_get_object_member(event, "data") : NULL;

    if (!strcmp(name, "STOP")) {
        src_state.stop_seen = true;
        return true;
    }
    if (!strcmp(name, "RESUME")) {
        src_state.resume_seen = true;
        return true;
    }
    if (!strcmp(name, "MIGRATION")) {
        g_string_append_printf(ev->order, "M%s,",
                               json_object_get_string_member(data, "status"));
        return true;
    }
    if (!strcmp(name, "MIGRATION_PASS")) {
        ev->passes++;
        g_string_append_printf(ev->order, "P%" PRId64 ",",
                               json_object_get_int_member(data, "pass"));
        if (json_object_get_size(data) != 1) {
            ev->pass_extra_members = true;
        }
        if (json_object_has_member(data, "x-progress")) {
            double p = json_object_get_double_member(data, "x-progress");

            g_array_append_val(ev->progress, p);
        }
        return true;
    }
    if (!strcmp(name, "MIGRATION_STALLED")) {
        g_string_append_printf(ev->order, "S%" PRId64 ",",
                               json_object_get_int_member(data, "pass"));
        if (!ev->stalled) {
            ev->stalled = json_object_ref(data);
        }
        return true;
    }
    if (!strcmp(name, "MIGRATION_BUDGET_ACTION")) {
        g_string_append(ev->order, "B,");
        if (!ev->budget) {
            ev->budget = json_object_ref(
                json_object_get_object_member(data, "decision"));
        }
        return true;
    }
    return false;
}

/* Quit both and remove what the test created. */
static void conv_quit(QTestState *from, QTestState *to)
{
    g_autofree char *kernel = mig_tmp_path("idle.bin");

    qtest_quit(from);
    qtest_quit(to);
    unlink(kernel);
    migrate_end_cleanup();
}

static void conv_events_reset(void)
{
    if (conv_ev.order) {
        g_string_free(conv_ev.order, true);
        g_array_free(conv_ev.progress, true);
    }
    g_clear_pointer(&conv_ev.stalled, json_object_unref);
    g_clear_pointer(&conv_ev.budget, json_object_unref);
    memset(&conv_ev, 0, sizeof(conv_ev));
    conv_ev.order = g_string_new("");
    conv_ev.progress = g_array_new(false, false, sizeof(double));
}

/* An idle guest: `wait` with interrupts off never wakes up. */
static char *conv_idle_kernel(void)
{
    static const uint8_t idle[] = { 0x06, 0x00, 0x06, 0x00 };
    char *path = mig_tmp_path("idle.bin");

    g_assert_true(g_file_set_contents(path, (const char *)idle,
                                      sizeof(idle), NULL));
    return path;
}

/* Source and destination with the idle guest and the dirtier. */
static void conv_start(QTestState **from, QTestState **to,
                       const char *cap, bool hide_stderr)
{
    g_autofree char *kernel = conv_idle_kernel();
    g_autofree char *opts = g_strdup_printf(
        "-kernel %s -device migration-testdev,id=dirtier,"
        "dirty-base=0x%x,dirty-size=0x%x", kernel, CONV_DIRTY_BASE,
        CONV_DIRTY_SIZE);
    MigrateStart args = {
        .opts_source = opts, .opts_target = opts, .caps = { cap },
        .hide_stderr = hide_stderr,
    };

    g_assert_cmpint(migrate_start(from, to, "tcp:127.0.0.1:0", &args), ==,
                    0);
    conv_events_reset();
    qtest_qmp_set_event_callback(*from, conv_event_cb, &conv_ev);
    migrate_set_parameter_int(*from, "max-bandwidth", CONV_BANDWIDTH);
}

/* migrate-set-parameters without reading back (0 hides ours). */
static void conv_set_param(QTestState *who, const char *name, long long v)
{
    qtest_qmp_assert_success(who, "{'execute': 'migrate-set-parameters', "
                             "'arguments': {'%s': %lld}}", name, v);
}

/* A query-migrate-parameters member, -1 when absent. */
static int64_t conv_get_param(QTestState *who, const char *name)
{
    g_autoptr(JsonNode) n = qtest_qmp_assert_success_ref(
        who, "{'execute': 'query-migrate-parameters'}");
    JsonObject *o = json_node_get_object(n);

    return json_object_has_member(o, name) ?
           json_object_get_int_member(o, name) : -1;
}

/* Make the guest dirty `times` x the bandwidth (pages per ms, rounded). */
static void conv_set_dirty(QTestState *who, double times)
{
    long long rate = (long long)(times * CONV_PAGES_PER_MS + 0.5);

    qtest_qmp_assert_success(who, "{'execute': 'qom-set', 'arguments': "
                             "{'path': '" CONV_DEV "', 'property': "
                             "'dirty-pages-per-ms', 'value': %lld}}", rate);
}

/* Wait until the dirtier has written the whole range once. */
static void conv_wait_dirtied(QTestState *who)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    for (;;) {
        g_autoptr(JsonNode) n = qtest_qmp_assert_success_ref(
            who, "{'execute': 'qom-get', 'arguments': {'path': '"
            CONV_DEV "', 'property': 'dirty-count'}}");

        if (json_node_get_int(n) >= CONV_DIRTY_SIZE / 4096) {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
}

/* Read events that arrived meanwhile (the callback records them). */
static void conv_pump_events(QTestState *who)
{
    qtest_qmp_assert_success(who, "{'execute': 'query-status'}");
}

static char *conv_ram_digest(QTestState *who)
{
    g_autoptr(JsonNode) n = qtest_qmp_assert_success_ref(
        who, "{'execute': 'x-query-ram-digest', 'arguments': "
        "{'ranges': [{'block': 'cr16.ram'}]}}");
    JsonObject *first = json_array_get_object_element(
        json_node_get_array(n), 0);

    return g_strdup(json_object_get_string_member(first, "digest"));
}

/* After completion: the destination holds exactly the source's RAM. */
static void conv_end(QTestState *from, QTestState *to)
{
    g_autofree char *src = NULL, *dst = NULL;

    wait_for_migration_complete(to);
    src = conv_ram_digest(from);
    dst = conv_ram_digest(to);
    g_assert_cmpstr(src, ==, dst);
    conv_quit(from, to);
    conv_events_reset();
}

static JsonObject *conv_query(QTestState *who)
{
    return migrate_query(who);
}

static bool conv_status_is(JsonObject *o, const char *st)
{
    return json_object_has_member(o, "status") &&
           !strcmp(json_object_get_string_member(o, "status"), st);
}

/* ---- progress ---- */

/*
 * A guest dirtying twice the bandwidth, converged by a slow ramp (50 ms,
 * +50 per pass) after about ten passes: the progress fraction, polled and
 * in every MIGRATION_PASS, never goes down, rises while the ramp makes
 * the end reachable, and is 1 at completion. The figures around it are
 * sane: the transfer rate is the rate limit's, an ETA appears once the
 * end is reachable.
 */
static void test_convergence_progress_monotonic(void)
{
    QTestState *from, *to;
    double last = 0, at_bulk_end = -1;
    int64_t last_iter = 0;
    bool saw_eta = false, saw_hmp = false;
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    conv_start(&from, &to, NULL, false);
    migrate_set_parameter_bool(from, "x-convergence-report", true);
    conv_set_param(from, "x-downtime-ramp-initial", 50);
    conv_set_param(from, "x-downtime-ramp-step", 50);
    conv_set_param(from, "x-downtime-ramp-max", 2000);
    conv_set_dirty(from, 2);
    conv_wait_dirtied(from);
    migrate_qmp(from, to, NULL, NULL, "");

    for (;;) {
        g_autoptr(JsonObject) o = conv_query(from);
        JsonObject *c;
        double p;

        if (conv_status_is(o, "completed")) {
            break;
        }
        g_assert_false(conv_status_is(o, "failed"));
        if (json_object_has_member(o, "convergence")) {
            c = json_object_get_object_member(o, "convergence");
            p = json_object_get_double_member(c, "progress");
            g_assert_cmpfloat(p, >=, last);
            g_assert_cmpfloat(p, <, 1.0);
            last = p;
            g_assert_cmpint(json_object_get_int_member(c, "iteration"), >=,
                            last_iter);
            last_iter = json_object_get_int_member(c, "iteration");
            if (last_iter == CONV_BULK_SYNC + 1 && at_bulk_end < 0) {
                at_bulk_end = p;
            }
            if (last_iter > CONV_BULK_SYNC + 1) {
                int64_t tr = json_object_get_int_member(c, "transfer-rate");

                /* Bytes on the wire per second: about the rate limit. */
                g_assert_cmpint(tr, >, CONV_BANDWIDTH / 4);
                g_assert_cmpint(tr, <, CONV_BANDWIDTH * 2);
                g_assert_cmpint(json_object_get_int_member(c, "dirty-rate"),
                                >, 0);
            }
            if (json_object_has_member(c, "eta-ms")) {
                saw_eta = true;
            }
            if (!saw_hmp && last_iter > CONV_BULK_SYNC) {
                g_autofree char *hmp = qtest_hmp(from, "info migrate");

                /* Empty once completed meanwhile; else it shows them. */
                if (strstr(hmp, "Status: \t\tactive")) {
                    g_assert_nonnull(strstr(hmp, "Convergence: \tprogress="));
                    g_assert_nonnull(strstr(hmp, "downtime_limit="));
                    saw_hmp = true;
                }
            }
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(20 * 1000);
    }
    /* The ramp reaches the 500 ms this guest needs at sync 2 + 9. */
    g_assert_cmpint(read_ram_property_int(from, "dirty-sync-count"), >=,
                    CONV_BULK_SYNC + 8);
    g_assert_true(saw_eta);
    g_assert_true(saw_hmp);
    g_assert_cmpfloat(at_bulk_end, >=, 0);
    g_assert_cmpfloat(last, >, at_bulk_end);
    {
        g_autoptr(JsonObject) o = conv_query(from);
        JsonObject *c = json_object_get_object_member(o, "convergence");

        g_assert_cmpfloat(json_object_get_double_member(c, "progress"), ==,
                          1.0);
    }
    conv_pump_events(from);
    g_assert_cmpuint(conv_ev.progress->len, >=, CONV_BULK_SYNC + 8);
    for (guint i = 1; i < conv_ev.progress->len; i++) {
        g_assert_cmpfloat(g_array_index(conv_ev.progress, double, i), >=,
                          g_array_index(conv_ev.progress, double, i - 1));
    }
    conv_end(from, to);
}

/* ---- stall ---- */

/*
 * Five times the bandwidth: after the bulk pass the whole range is dirty
 * at every sync. With x-stall-detect-passes 3 the event comes exactly at
 * the third boundary after the bulk pass, not earlier, with the evidence.
 */
static void test_convergence_stall_event(void)
{
    QTestState *from, *to;
    const int k = 3;
    int64_t pass;
    JsonArray *rem;
    g_autofree char *expect_before = NULL;
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    conv_start(&from, &to, NULL, false);
    conv_set_param(from, "x-stall-detect-passes", k);
    conv_set_dirty(from, 5);
    conv_wait_dirtied(from);
    migrate_qmp(from, to, NULL, NULL, "");

    while (!conv_ev.stalled) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(20 * 1000);
        conv_pump_events(from);
    }
    pass = json_object_get_int_member(conv_ev.stalled, "pass");
    g_assert_cmpint(pass, ==, CONV_BULK_SYNC + k);
    /* Every pass up to the stall was reported before it, none after. */
    expect_before = g_strdup_printf("P1,Mactive,P2,P3,P4,P5,S%" PRId64 ",",
                                    pass);
    g_assert_true(g_str_has_prefix(conv_ev.order->str + strlen("Msetup,"),
                                   expect_before));

    rem = json_object_get_array_member(conv_ev.stalled, "remaining");
    g_assert_cmpuint(json_array_get_length(rem), ==, k + 1);
    for (guint i = 0; i < json_array_get_length(rem); i++) {
        g_assert_cmpint(json_array_get_int_element(rem, i), ==,
                        CONV_DIRTY_SIZE);
    }
    g_assert_cmpint(json_object_get_int_member(conv_ev.stalled,
                                               "dirty-rate"), >, 0);
    g_assert_cmpint(json_object_get_int_member(conv_ev.stalled,
                                               "transfer-rate"), >, 0);
    g_assert_cmpint(json_object_get_int_member(conv_ev.stalled,
                                               "downtime-limit"), ==, 300);
    {
        g_autoptr(JsonObject) o = conv_query(from);
        JsonObject *c = json_object_get_object_member(o, "convergence");

        g_assert_true(json_object_get_boolean_member(c, "stalled"));
    }

    conv_set_dirty(from, 0);
    wait_for_migration_complete(from);
    conv_end(from, to);
}

/* ---- downtime ramp ---- */

/*
 * Twice the bandwidth: the 8 MiB range takes 500 ms to send, so the
 * default 300 ms limit never lets it switch over. The ramp (100 ms, +100
 * per pass, at most 1000) converges it once the limit passes 500, and the
 * measured downtime stays under the ceiling.
 */
static void test_convergence_downtime_ramp(void)
{
    QTestState *from, *to;
    int64_t last_limit = 0, syncs;
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    conv_start(&from, &to, NULL, false);
    conv_set_param(from, "x-downtime-ramp-initial", 100);
    conv_set_param(from, "x-downtime-ramp-step", 100);
    conv_set_param(from, "x-downtime-ramp-max", 1000);
    conv_set_dirty(from, 2);
    conv_wait_dirtied(from);
    migrate_qmp(from, to, NULL, NULL, "");

    for (;;) {
        g_autoptr(JsonObject) o = conv_query(from);

        if (conv_status_is(o, "completed")) {
            break;
        }
        g_assert_false(conv_status_is(o, "failed"));
        if (json_object_has_member(o, "convergence")) {
            JsonObject *c = json_object_get_object_member(o, "convergence");
            int64_t l = json_object_get_int_member(c, "downtime-limit");

            g_assert_cmpint(l, >=, last_limit);
            g_assert_cmpint(l, <=, 1000);
            last_limit = l;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(20 * 1000);
    }
    g_assert_cmpint(read_migrate_property_int(from, "downtime"), <=, 1000);
    /* It could not have converged before the limit passed 500 ms:
     * sync 2 + (500 - 100) / 100 boundaries. */
    syncs = read_ram_property_int(from, "dirty-sync-count");
    g_assert_cmpint(syncs, >=, CONV_BULK_SYNC + 4);
    conv_end(from, to);
}

/* ---- completion budget ---- */

/*
 * Five times the bandwidth never converges; with an 8 s budget and the
 * postcopy action the source switches to postcopy before the deadline,
 * says why, and the migration completes within the budget.
 */
static void test_convergence_budget_postcopy(void)
{
    QTestState *from, *to;
    const int64_t budget = 8000;
    g_autoptr(JsonObject) done = NULL;
    JsonObject *c, *d;

    conv_start(&from, &to, "postcopy-ram", false);
    conv_set_param(from, "x-completion-budget-ms", budget);
    qtest_qmp_assert_success(from, "{'execute': 'migrate-set-parameters', "
                             "'arguments': {'x-completion-budget-action': "
                             "'postcopy'}}");
    conv_set_dirty(from, 5);
    conv_wait_dirtied(from);
    migrate_qmp(from, to, NULL, NULL, "");

    wait_for_migration_complete(from);
    conv_pump_events(from);
    /* The decision came first, then the switch to postcopy. */
    g_assert_nonnull(strstr(conv_ev.order->str, "B,"));
    g_assert_nonnull(strstr(strstr(conv_ev.order->str, "B,"),
                            "Mpostcopy-active,"));

    g_assert_nonnull(conv_ev.budget);
    g_assert_cmpstr(json_object_get_string_member(conv_ev.budget, "action"),
                    ==, "postcopy");
    g_assert_cmpint(json_object_get_int_member(conv_ev.budget, "elapsed-ms"),
                    <, budget);
    g_assert_cmpint(json_object_get_int_member(conv_ev.budget, "budget-ms"),
                    ==, budget);
    g_assert_cmpuint(strlen(json_object_get_string_member(conv_ev.budget,
                                                          "reason")), >, 0);

    done = conv_query(from);
    g_assert_cmpint(json_object_get_int_member(done, "total-time"), <=,
                    budget);
    c = json_object_get_object_member(done, "convergence");
    d = json_object_get_object_member(c, "budget-decision");
    g_assert_cmpstr(json_object_get_string_member(d, "action"), ==,
                    "postcopy");
    conv_end(from, to);
}

/*
 * The cancel action: five times the bandwidth with a 3 s budget; the
 * source gives up before the deadline, says why, and its guest runs on.
 */
static void test_convergence_budget_cancel(void)
{
    QTestState *from, *to;
    const int64_t budget = 3000;
    g_autofree char *rs = NULL;
    gint64 t0;

    conv_start(&from, &to, NULL, true);
    conv_set_param(from, "x-completion-budget-ms", budget);
    conv_set_dirty(from, 5);
    conv_wait_dirtied(from);
    t0 = g_get_monotonic_time();
    migrate_qmp(from, to, NULL, NULL, "");
    wait_for_migration_status(from, "cancelled",
                              (const char *[]) { "failed", "completed",
                                                 NULL });
    /* Within the budget, measured from the test's side too. */
    g_assert_cmpint(g_get_monotonic_time() - t0, <,
                    (budget + 1000) * 1000);
    conv_pump_events(from);
    g_assert_nonnull(conv_ev.budget);
    g_assert_cmpstr(json_object_get_string_member(conv_ev.budget, "action"),
                    ==, "cancel");
    g_assert_cmpint(json_object_get_int_member(conv_ev.budget, "elapsed-ms"),
                    <, budget);
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
    qtest_set_expected_status(to, 1);
    conv_quit(from, to);
    conv_events_reset();
}

/* The postcopy action needs postcopy-ram: migrate says so. */
static void test_convergence_budget_needs_postcopy(void)
{
    QTestState *from, *to;
    g_autofree char *err = NULL, *uri = NULL;

    conv_start(&from, &to, NULL, false);
    conv_set_param(from, "x-completion-budget-ms", 1000);
    qtest_qmp_assert_success(from, "{'execute': 'migrate-set-parameters', "
                             "'arguments': {'x-completion-budget-action': "
                             "'postcopy'}}");
    uri = migrate_get_connect_uri(to);
    err = migrate_qmp_fail(from, uri, NULL, "");
    g_assert_cmpstr(err, ==, "x-completion-budget-action 'postcopy' "
                    "requires capability 'postcopy-ram'");
    conv_quit(from, to);
    conv_events_reset();
}

/* ---- everything off ---- */

static char *conv_keys(JsonObject *o)
{
    g_autoptr(GList) names = json_object_get_members(o);
    GString *s = g_string_new("");

    names = g_list_sort(names, (GCompareFunc)strcmp);
    for (GList *l = names; l; l = l->next) {
        g_string_append_printf(s, "%s,", (const char *)l->data);
    }
    return g_string_free(s, false);
}

/*
 * With none of the x- parameters set: query-migrate has exactly QEMU's
 * members, MIGRATION_PASS only "pass", query-migrate-parameters none of
 * ours (also after setting one and back to its default).
 */
static void test_convergence_off_is_qemu(void)
{
    QTestState *from, *to;
    g_autoptr(JsonNode) params = NULL;
    g_autofree char *active_keys = NULL, *done_keys = NULL;
    JsonObject *p;
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    conv_start(&from, &to, NULL, false);
    /* HMP can set a parameter that is hidden at its default. */
    g_free(qtest_hmp(from, "migrate_set_parameter x-downtime-ramp-max 500"));
    g_assert_cmpint(conv_get_param(from, "x-downtime-ramp-max"),
                    ==, 500);
    conv_set_param(from, "x-downtime-ramp-max", 0);
    params = qtest_qmp_assert_success_ref(from, "{'execute': "
                                          "'query-migrate-parameters'}");
    p = json_node_get_object(params);
    g_assert_cmpuint(json_object_get_size(p), ==, 30);
    g_assert_false(json_object_has_member(p, "x-downtime-ramp-max"));
    g_assert_cmpint(conv_get_param(from, "x-downtime-ramp-max"), ==, -1);
    g_assert_false(json_object_has_member(p, "x-completion-budget-action"));

    /* Live with a slow dirtier so that query-migrate sees `active`. */
    conv_set_dirty(from, 2);
    conv_wait_dirtied(from);
    migrate_qmp(from, to, NULL, NULL, "");
    while (conv_ev.passes < 3) {
        g_autoptr(JsonObject) o = conv_query(from);

        if (conv_status_is(o, "active")) {
            g_autofree char *hmp = qtest_hmp(from, "info migrate");

            g_free(active_keys);
            active_keys = conv_keys(o);
            g_assert_null(strstr(hmp, "Convergence"));
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(20 * 1000);
    }
    g_assert_cmpstr(active_keys, ==,
                    "expected-downtime,ram,setup-time,status,total-time,");
    conv_set_dirty(from, 0);
    wait_for_migration_complete(from);
    {
        g_autoptr(JsonObject) o = conv_query(from);

        done_keys = conv_keys(o);
    }
    g_assert_cmpstr(done_keys, ==,
                    "downtime,ram,setup-time,status,total-time,");
    conv_pump_events(from);
    g_assert_false(conv_ev.pass_extra_members);
    g_assert_null(conv_ev.stalled);
    g_assert_null(conv_ev.budget);
    conv_end(from, to);
}

void migration_test_add_convergence(MigrationTestEnv *env)
{
    migration_test_add("/migration/convergence/off-is-qemu",
                       test_convergence_off_is_qemu);
    migration_test_add("/migration/convergence/progress-monotonic",
                       test_convergence_progress_monotonic);
    migration_test_add("/migration/convergence/stall-event",
                       test_convergence_stall_event);
    migration_test_add("/migration/convergence/downtime-ramp",
                       test_convergence_downtime_ramp);
    if (migration_host_has_uffd()) {
        migration_test_add("/migration/convergence/budget-postcopy",
                           test_convergence_budget_postcopy);
    } else {
        g_test_message("convergence budget-postcopy skipped: no "
                       "userfaultfd here");
    }
    migration_test_add("/migration/convergence/budget-cancel",
                       test_convergence_budget_cancel);
    migration_test_add("/migration/convergence/budget-needs-postcopy",
                       test_convergence_budget_needs_postcopy);
}
