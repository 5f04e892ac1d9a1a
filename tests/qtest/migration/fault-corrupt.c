/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The corrupted byte in postcopy (fault-corrupt.h).  Each page is sent
 * exactly once in these cells: the source is stopped and the -S
 * destination never runs its guest, so nothing is re-dirtied or
 * requested, and no later copy can repair a flipped byte.  A completion
 * that reports "match" after a delivered flip is therefore the
 * corruption going unnoticed.
 */
#include "qemu/osdep.h"
#include "framework.h"
#include "fault-corrupt.h"

#define PAGE                4096
/*
 * A page above the guest's range (which ends near 101 MiB) is sent only
 * after every page of the range, long after the pause that the throttled
 * postcopy phase reaches within seconds.
 */
#define SKIPPED_PAGE        ((120u << 20) / PAGE)
#define RAM_BLOCK_NAME      "cr16.ram"
/* The bitmap's place on the return path (spec wire-format 5.3.5): be16
 * type, be16 length, the name's length byte, the name, be64 size. */
#define RECV_BITMAP_AT      (2 + 2 + 1 + strlen(RAM_BLOCK_NAME) + 8)

static void arm(FaultCorrupt *fc)
{
    fault_proxy_corrupt(fc->proxy, fc->dir, fc->offset, fc->mask);
}

void fault_corrupt_stream(FaultCorrupt *fc, const char *state,
                          FaultProxy *p)
{
    *fc = (FaultCorrupt) {
        .state = state, .proxy = p, .dir = FAULT_PROXY_TO_TARGET,
        .mask = 0x20, .skipped_page = -1,
    };
    /* Not yet read by the proxy: a page's byte, or a record header's. */
    fc->offset = fault_proxy_corrupt_ahead(p, fc->dir, PAGE, fc->mask);
}

void fault_corrupt_recv_bitmap(FaultCorrupt *fc, const char *state,
                               FaultProxy *p, const char *digest)
{
    const char *end = strchr(digest, ';');

    g_assert_true(g_str_has_prefix(digest, RAM_BLOCK_NAME "="));
    g_assert_nonnull(end);
    g_assert_null(strchr(end + 1, ';'));
    *fc = (FaultCorrupt) {
        .state = state, .proxy = p, .dir = FAULT_PROXY_TO_CLIENT,
        .offset = RECV_BITMAP_AT + SKIPPED_PAGE / 8,
        .mask = 1u << (SKIPPED_PAGE % 8), .skipped_page = SKIPPED_PAGE,
    };
    arm(fc);
}

/*
 * The destination's x-ram-digest report: query-migrate's member, which
 * the X_RAM_DIGEST event must repeat.
 */
static JsonObject *digest_report(QTestState *to)
{
    g_autoptr(JsonObject) info = migrate_query(to);
    g_autoptr(JsonObject) ev = NULL;
    JsonObject *r, *e;

    if (!json_object_has_member(info, "x-ram-digest")) {
        g_error("the destination completed a postcopy with x-ram-digest "
                "and reports no check");
    }
    r = json_object_ref(json_object_get_object_member(info, "x-ram-digest"));
    ev = qtest_qmp_eventwait_ref(to, "X_RAM_DIGEST");
    e = json_object_get_object_member(ev, "data");
    g_assert_true(json_object_get_boolean_member(r, "postcopy"));
    g_assert_true(json_object_get_boolean_member(e, "postcopy"));
    g_assert_cmpstr(json_object_get_string_member(e, "status"), ==,
                    json_object_get_string_member(r, "status"));
    g_assert_cmpint(json_object_has_member(e, "page"), ==,
                    json_object_has_member(r, "page"));
    if (json_object_has_member(r, "page")) {
        g_assert_cmpint(json_object_get_int_member(e, "page"), ==,
                        json_object_get_int_member(r, "page"));
    }
    return r;
}

/* The flipped byte reached its receiver (else nothing was tested). */
static uint8_t delivered(const FaultCorrupt *fc)
{
    uint8_t was;

    if (!fault_proxy_corrupted(fc->proxy, fc->dir, &was)) {
        g_error("%s x corrupt: byte %" PRIu64 " of the %s was never "
                "flipped and delivered", fc->state, fc->offset,
                fc->dir == FAULT_PROXY_TO_TARGET ? "stream" : "return path");
    }
    return was;
}

void fault_corrupt_check_failed(const FaultCorrupt *fc)
{
    uint8_t was = delivered(fc);

    g_test_message("%s x corrupt: byte %" PRIu64 " flipped (0x%02x -> "
                   "0x%02x): the destination failed, the source has the "
                   "guest", fc->state, fc->offset, was, was ^ fc->mask);
}

void fault_corrupt_check_recovered(const FaultCorrupt *fc, QTestState *to)
{
    g_autoptr(JsonObject) r = digest_report(to);
    uint8_t was = delivered(fc);

    /* The stream broke at the flipped byte: no page took it. */
    g_assert_cmpint(fc->skipped_page, <, 0);
    g_assert_cmpstr(json_object_get_string_member(r, "status"), ==,
                    "match");
    g_test_message("%s x corrupt: byte %" PRIu64 " flipped (0x%02x -> "
                   "0x%02x) broke the stream: both paused, recovered, "
                   "digest check 'match'", fc->state, fc->offset, was,
                   was ^ fc->mask);
}

void fault_corrupt_check_completed(const FaultCorrupt *fc, QTestState *from,
                                   QTestState *to, const char *src_st)
{
    g_autoptr(JsonObject) r = digest_report(to);
    uint8_t was = delivered(fc);
    const char *status = json_object_get_string_member(r, "status");
    const char *desc;
    int64_t page;

    if (!strcmp(status, "match")) {
        g_error("%s x corrupt: byte %" PRIu64 " was flipped (0x%02x -> "
                "0x%02x) and the destination completed reporting 'match': "
                "the corruption went unnoticed", fc->state, fc->offset,
                was, was ^ fc->mask);
    }
    g_assert_cmpstr(status, ==, "mismatch");
    /* The source has handed over for good; only the destination has it. */
    g_assert_cmpstr(src_st, ==, "completed");
    g_assert_cmpstr(json_object_get_string_member(r, "block"), ==,
                    RAM_BLOCK_NAME);
    g_assert_true(json_object_has_member(r, "page"));
    page = json_object_get_int_member(r, "page");
    desc = json_object_get_string_member(r, "desc");
    g_assert_cmpint(json_object_get_int_member(r, "offset"), ==,
                    page * PAGE);
    g_test_message("%s x corrupt: byte %" PRIu64 " flipped (0x%02x -> "
                   "0x%02x); the destination completed and reported: %s",
                   fc->state, fc->offset, was, was ^ fc->mask, desc);
    if (fc->skipped_page >= 0) {
        g_assert_cmpint(page, ==, fc->skipped_page);
        g_assert_nonnull(strstr(desc, "was never received"));
    } else if (!strstr(desc, "was never received")) {
        /* The named page really differs (cr16.ram is at physical 0). */
        g_autofree uint8_t *src = g_malloc(PAGE);
        g_autofree uint8_t *dst = g_malloc(PAGE);

        qtest_memread(from, page * PAGE, src, PAGE);
        qtest_memread(to, page * PAGE, dst, PAGE);
        g_assert_true(memcmp(src, dst, PAGE) != 0);
    }
}
