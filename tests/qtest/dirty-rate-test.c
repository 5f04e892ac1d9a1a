/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * calc-dirty-rate / query-dirty-rate on the real binary (spec
 * migration-states-and-qmp.md 7.11), measured on the A-B guest.
 *
 * Why the expected rate is exact: the A-B guest (-m 128M, one RAM block)
 * writes one byte of each of the WS_PAGES pages of [START, END) per sweep
 * and nothing else in RAM.  The test first measures the guest's sweep rate
 * from its own output (a 'B' every BATCH sweeps) and picks a calc-time in
 * which it makes at least MIN_SWEEPS sweeps, so every page of the set is
 * written during the window:
 *  - dirty-bitmap counts exactly WS_PAGES pages;
 *  - page-sampling with 16384 samples/GiB takes one page of every 16 of
 *    the block; [START, END) is 16-page aligned, so exactly WS_PAGES / 16
 *    samples lie in it and all of them change (the byte goes up by the
 *    number of sweeps, which is kept well below 256 so it cannot wrap
 *    back) while the rest of RAM stays as it is;
 * so both report WS_PAGES pages over the reported calc-time W, in MiB/s
 * rounded down: floor(WS_PAGES * 4096 * 1000 / (W * MiB)).  W itself must
 * lie between the requested time and what the test saw from outside.
 * A stopped guest dirties nothing: 0 in both modes.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "migration/cr16/a-b-bootblock.h"

#define BOOT_TIMEOUT_US     (120 * G_USEC_PER_SEC)
#define MEASURE_TIMEOUT_US  (120 * G_USEC_PER_SEC)
#define PAGE_SIZE           4096
#define MIB                 (1024 * 1024)
#define WS_PAGES            ((CR16_AB_END - CR16_AB_START) / CR16_AB_STRIDE)
/* Sweeps in the window: enough to write every page despite scheduling
 * jitter; page-sampling also needs them well below 256. */
#define MIN_SWEEPS          2
#define TARGET_SWEEPS       48
#define MAX_SWEEPS          200

typedef struct Guest {
    char *dir;
    char *serial;
    QTestState *s;
    double sweeps_per_sec;          /* measured from its 'B's */
} Guest;

typedef struct Measure {
    int64_t rate;                   /* MiB/s */
    int64_t calc_ms;                /* reported W */
    int64_t outside_ms;             /* command to "measured", seen by us */
} Measure;

/* ---- the guest ---- */

static size_t count_bs(const char *path)
{
    g_autofree char *text = NULL;
    size_t len, bs = 0;

    if (!g_file_get_contents(path, &text, &len, NULL)) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        bs += text[i] == 'B';
    }
    return bs;
}

static size_t wait_for_bs(const char *serial, size_t n)
{
    gint64 deadline = g_get_monotonic_time() + BOOT_TIMEOUT_US;
    size_t bs;

    while ((bs = count_bs(serial)) < n) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(2 * 1000);
    }
    return bs;
}

static void guest_start(Guest *g)
{
    GError *err = NULL;
    g_autofree char *kernel = NULL;
    size_t b0, b1;
    gint64 t0, t1;

    g->dir = g_dir_make_tmp("dirty-rate-XXXXXX", &err);
    g_assert_no_error(err);
    kernel = g_build_filename(g->dir, "bootsect", NULL);
    g_file_set_contents(kernel, (const char *)cr16_kernel,
                        sizeof(cr16_kernel), &err);
    g_assert_no_error(err);
    g->serial = g_build_filename(g->dir, "serial", NULL);
    g->s = qtest_initf("-accel tcg -M virt -m 128M -serial file:%s "
                       "-kernel %s", g->serial, kernel);

    /* The sweep rate over at least three batches, timed at the 'B's. */
    b0 = wait_for_bs(g->serial, 1);
    t0 = g_get_monotonic_time();
    b1 = wait_for_bs(g->serial, b0 + 3);
    t1 = g_get_monotonic_time();
    g->sweeps_per_sec = (double)(b1 - b0) * CR16_AB_BATCH * G_USEC_PER_SEC /
                        (t1 - t0);
    g_test_message("guest: %.0f sweeps/s", g->sweeps_per_sec);
}

static void guest_stop(Guest *g)
{
    g_autofree char *kernel = g_build_filename(g->dir, "bootsect", NULL);

    qtest_quit(g->s);
    unlink(g->serial);
    unlink(kernel);
    rmdir(g->dir);
    g_free(g->serial);
    g_free(g->dir);
}

/*
 * A calc-time (ms), at least min_ms, in which the guest makes about
 * TARGET_SWEEPS sweeps; at most max_sweeps (page-sampling: no wrap).
 */
static int64_t window_for(const Guest *g, int64_t min_ms, double max_sweeps)
{
    int64_t ms = MAX(min_ms, (int64_t)(TARGET_SWEEPS * 1000 /
                                       g->sweeps_per_sec));
    double sweeps = g->sweeps_per_sec * ms / 1000;

    g_assert_cmpint(ms, <=, 60000);
    g_assert_cmpfloat(sweeps, >=, MIN_SWEEPS);
    g_assert_cmpfloat(sweeps, <=, max_sweeps);
    return ms;
}

static int64_t expected_rate(uint64_t pages, int64_t ms)
{
    return (int64_t)(pages * PAGE_SIZE * 1000 / ((uint64_t)ms * MIB));
}

/* ---- QMP ---- */

static JsonObject *query(QTestState *s, const char *unit)
{
    JsonNode *ret = unit ?
        qtest_qmp_assert_success_ref(s, "{'execute': 'query-dirty-rate', "
                                     "'arguments': {'calc-time-unit': '%s'}}",
                                     unit) :
        qtest_qmp_assert_success_ref(s, "{'execute': 'query-dirty-rate'}");
    JsonObject *o = json_object_ref(json_node_get_object(ret));

    json_node_unref(ret);
    return o;
}

static const char *status_of(JsonObject *info)
{
    return json_object_get_string_member(info, "status");
}

/*
 * Run one measurement with calc-time in ms; checks the status goes
 * measuring -> measured and the reported fields.  extra is JSON members
 * to add to the arguments ("" or ", 'sample-pages': ...").
 */
static Measure measure(QTestState *s, const char *mode, int64_t ms,
                       const char *extra)
{
    gint64 deadline = g_get_monotonic_time() + MEASURE_TIMEOUT_US;
    gint64 wall_before = g_get_real_time() / G_USEC_PER_SEC;
    gint64 t0 = g_get_monotonic_time();
    JsonObject *info;
    Measure m;

    qtest_qmp_assert_success(s, "{'execute': 'calc-dirty-rate', "
                             "'arguments': {'calc-time': %" PRId64 ", "
                             "'calc-time-unit': 'millisecond', "
                             "'mode': '%s'%s}}", ms, mode, extra);
    info = query(s, "millisecond");
    if (g_str_equal(status_of(info), "measuring")) {
        g_assert_false(json_object_has_member(info, "dirty-rate"));
        g_assert_cmpstr(json_object_get_string_member(info, "mode"), ==,
                        mode);
        g_assert_cmpint(json_object_get_int_member(info, "calc-time"), ==,
                        ms);
    }
    while (!g_str_equal(status_of(info), "measured")) {
        g_assert_cmpstr(status_of(info), ==, "measuring");
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        json_object_unref(info);
        g_usleep(5 * 1000);
        info = query(s, "millisecond");
    }
    m.outside_ms = (g_get_monotonic_time() - t0) / 1000 + 1;
    m.rate = json_object_get_int_member(info, "dirty-rate");
    m.calc_ms = json_object_get_int_member(info, "calc-time");
    g_assert_cmpstr(json_object_get_string_member(info, "mode"), ==, mode);
    g_assert_cmpstr(json_object_get_string_member(info, "calc-time-unit"),
                    ==, "millisecond");
    g_assert_cmpint(json_object_get_int_member(info, "start-time"), >=,
                    wall_before);
    g_assert_cmpint(json_object_get_int_member(info, "start-time"), <=,
                    g_get_real_time() / G_USEC_PER_SEC);
    g_assert_false(json_object_has_member(info, "vcpu-dirty-rate"));
    /* The window is at least what was asked and inside what we saw. */
    g_assert_cmpint(m.calc_ms, >=, ms);
    g_assert_cmpint(m.calc_ms, <=, m.outside_ms);
    json_object_unref(info);

    /* The same result in seconds, rounded down. */
    info = query(s, NULL);
    g_assert_cmpstr(status_of(info), ==, "measured");
    g_assert_cmpint(json_object_get_int_member(info, "calc-time"), ==,
                    m.calc_ms / 1000);
    g_assert_cmpstr(json_object_get_string_member(info, "calc-time-unit"),
                    ==, "second");
    g_assert_cmpint(json_object_get_int_member(info, "dirty-rate"), ==,
                    m.rate);
    json_object_unref(info);
    g_test_message("%s: %" PRId64 " MiB/s over %" PRId64 " ms (asked %"
                   PRId64 ", seen %" PRId64 ")", mode, m.rate, m.calc_ms,
                   ms, m.outside_ms);
    return m;
}

static void assert_sample_pages(QTestState *s, uint64_t want)
{
    JsonObject *info = query(s, NULL);

    g_assert_cmpint(json_object_get_int_member(info, "sample-pages"), ==,
                    want);
    json_object_unref(info);
}

/* ---- tests ---- */

static void test_dirty_bitmap(void)
{
    Guest g = { 0 };
    Measure m;

    guest_start(&g);
    m = measure(g.s, "dirty-bitmap", window_for(&g, 200, G_MAXDOUBLE), "");
    g_assert_cmpint(m.rate, >, 0);
    g_assert_cmpint(m.rate, ==, expected_rate(WS_PAGES, m.calc_ms));
    assert_sample_pages(g.s, 0);

    /* A second run starts from a clean log, not from the first's bits. */
    m = measure(g.s, "dirty-bitmap", window_for(&g, 300, G_MAXDOUBLE), "");
    g_assert_cmpint(m.rate, ==, expected_rate(WS_PAGES, m.calc_ms));
    guest_stop(&g);
}

static void test_page_sampling(void)
{
    Guest g = { 0 };
    Measure m;

    guest_start(&g);
    m = measure(g.s, "page-sampling", window_for(&g, 50, MAX_SWEEPS),
                ", 'sample-pages': 16384");
    g_assert_cmpint(m.rate, >, 0);
    g_assert_cmpint(m.rate, ==, expected_rate(WS_PAGES, m.calc_ms));
    assert_sample_pages(g.s, 16384);
    guest_stop(&g);
}

static void test_paused_guest(void)
{
    Guest g = { 0 };
    Measure m;

    guest_start(&g);
    qtest_qmp_assert_success(g.s, "{'execute': 'stop'}");
    qtest_qmp_eventwait(g.s, "STOP");
    m = measure(g.s, "dirty-bitmap", 100, "");
    g_assert_cmpint(m.rate, ==, 0);
    m = measure(g.s, "page-sampling", 100, ", 'sample-pages': 16384");
    g_assert_cmpint(m.rate, ==, 0);

    /* Running again, it dirties again. */
    qtest_qmp_assert_success(g.s, "{'execute': 'cont'}");
    qtest_qmp_eventwait(g.s, "RESUME");
    m = measure(g.s, "dirty-bitmap", window_for(&g, 200, G_MAXDOUBLE), "");
    g_assert_cmpint(m.rate, ==, expected_rate(WS_PAGES, m.calc_ms));
    guest_stop(&g);
}

static void expect_error(QTestState *s, const char *args, const char *desc)
{
    JsonObject *err = qtest_qmp_assert_failure_ref(s,
        "{'execute': 'calc-dirty-rate', 'arguments': %s}", args);

    g_assert_cmpstr(json_object_get_string_member(err, "class"), ==,
                    "GenericError");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==, desc);
    json_object_unref(err);
}

static void test_errors_and_states(void)
{
    QTestState *s = qtest_init("-accel tcg -M virt -m 128M");
    JsonObject *info, *rsp;
    const char *range = "Calculation time is out of range [50ms, 60000ms].";
    gint64 deadline;

    /* Before any measurement. */
    info = query(s, NULL);
    g_assert_cmpstr(status_of(info), ==, "unstarted");
    g_assert_false(json_object_has_member(info, "dirty-rate"));
    g_assert_cmpint(json_object_get_int_member(info, "start-time"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(info, "calc-time"), ==, 0);
    g_assert_cmpstr(json_object_get_string_member(info, "mode"), ==,
                    "page-sampling");
    json_object_unref(info);

    /* Arguments, each rule in QEMU's order. */
    expect_error(s, "{'calc-time': 0}", range);
    expect_error(s, "{'calc-time': 61}", range);
    expect_error(s, "{'calc-time': -1}", range);
    expect_error(s, "{'calc-time': 9223372036854775807}", range);
    expect_error(s, "{'calc-time': 49, 'calc-time-unit': 'millisecond'}",
                 range);
    expect_error(s, "{'calc-time': 60001, 'calc-time-unit': 'millisecond'}",
                 range);
    expect_error(s, "{'calc-time': 1, 'sample-pages': 512, "
                 "'mode': 'dirty-bitmap'}",
                 "sample-pages is used only in page-sampling mode");
    expect_error(s, "{'calc-time': 1, 'sample-pages': 127}",
                 "sample-pages is out of range[128, 16384].");
    expect_error(s, "{'calc-time': 1, 'sample-pages': 16385}",
                 "sample-pages is out of range[128, 16384].");
    expect_error(s, "{'calc-time': 1, 'mode': 'dirty-ring'}",
                 "mode dirty-ring is not enabled, use other method instead.");
    rsp = qtest_qmp(s, "{'execute': 'calc-dirty-rate', "
                    "'arguments': {'calc-time': 1, 'mode': 'dirty-log'}}");
    qmp_expect_error_and_unref(rsp, "GenericError");
    rsp = qtest_qmp(s, "{'execute': 'calc-dirty-rate', 'arguments': {}}");
    qmp_expect_error_and_unref(rsp, "GenericError");
    rsp = qtest_qmp(s, "{'execute': 'query-dirty-rate', "
                    "'arguments': {'calc-time-unit': 'minute'}}");
    qmp_expect_error_and_unref(rsp, "GenericError");

    /* Nothing was started by the refused commands. */
    info = query(s, NULL);
    g_assert_cmpstr(status_of(info), ==, "unstarted");
    json_object_unref(info);

    /* measuring, a second request refused, then measured. */
    qtest_qmp_assert_success(s, "{'execute': 'calc-dirty-rate', "
                             "'arguments': {'calc-time': 2}}");
    info = query(s, NULL);
    g_assert_cmpstr(status_of(info), ==, "measuring");
    g_assert_cmpint(json_object_get_int_member(info, "calc-time"), ==, 2);
    g_assert_cmpint(json_object_get_int_member(info, "sample-pages"), ==,
                    512);
    g_assert_cmpint(json_object_get_int_member(info, "start-time"), >, 0);
    json_object_unref(info);
    expect_error(s, "{'calc-time': 1}",
                 "the dirty rate is already being measured.");
    deadline = g_get_monotonic_time() + MEASURE_TIMEOUT_US;
    for (;;) {
        info = query(s, NULL);
        if (g_str_equal(status_of(info), "measured")) {
            break;
        }
        g_assert_cmpstr(status_of(info), ==, "measuring");
        g_assert_false(json_object_has_member(info, "dirty-rate"));
        json_object_unref(info);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(20 * 1000);
    }
    /* No guest program: a paused-at-reset machine dirties nothing. */
    g_assert_cmpint(json_object_get_int_member(info, "dirty-rate"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(info, "calc-time"), >=, 2);
    json_object_unref(info);

    /* A new run may start once the last one is measured. */
    qtest_qmp_assert_success(s, "{'execute': 'calc-dirty-rate', "
                             "'arguments': {'calc-time': 50, "
                             "'calc-time-unit': 'millisecond', "
                             "'mode': 'dirty-bitmap'}}");
    info = query(s, NULL);
    g_assert_cmpstr(status_of(info), ==, "measuring");
    g_assert_false(json_object_has_member(info, "dirty-rate"));
    g_assert_cmpstr(json_object_get_string_member(info, "mode"), ==,
                    "dirty-bitmap");
    json_object_unref(info);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/dirty-rate/errors-and-states", test_errors_and_states);
    qtest_add_func("/dirty-rate/dirty-bitmap", test_dirty_bitmap);
    qtest_add_func("/dirty-rate/page-sampling", test_page_sampling);
    qtest_add_func("/dirty-rate/paused-guest", test_paused_guest);
    return g_test_run();
}
