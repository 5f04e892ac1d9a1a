/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "qtest": the qtest protocol server (system/qtest.c) --
 * framing, word splitting, number parsing, the command table and every
 * command -- run in-process against the virt board's RAM, devices, GPIO
 * lines and manual virtual clock (fuzz-machine.h).
 *
 * The input is the byte stream a client sends; byte 0 picks the size of
 * the pieces it arrives in (1..64, so lines split at every point).  The
 * replies go to a ring-buffer chardev.  Oracles, besides the sanitizers
 * and libFuzzer's hang timeout (a clock command that never returns):
 *   - after the input the server still answers: a final "endianness"
 *     line gets "OK little" as the last reply (nothing left half-parsed
 *     unless the input ended mid-line, which is then completed first);
 *   - every complete non-empty request line got exactly one reply
 *     (OK/FAIL/ERR), asynchronous "IRQ" lines aside.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "chardev/char.h"
#include "qemu/option.h"
#include "chardev-internal.h"
#include "system/qtest.h"
#include "fuzz.h"
#include "fuzz-machine.h"

/* Replies of one input fit unless it asks for huge reads (then unchecked). */
#define FUZZ_QTEST_RING (8u << 20)

static Chardev *fuzz_chr;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_common();
    g_autoptr(GError) err = NULL;
    g_autofree char *spec = g_strdup_printf("ringbuf,id=fuzz-qtest,size=%u",
                                            FUZZ_QTEST_RING);
    QemuOpts *opts;

    fuzz_machine_init();
    opts = qemu_opts_parse(&qemu_chardev_opts, spec, true, &err);
    fuzz_chr = opts ? qemu_chr_new_from_opts(opts, &err) : NULL;
    if (!fuzz_chr || !qtest_server_init_chardev(fuzz_chr, "none", &err)) {
        fprintf(stderr, "fuzz-qtest: %s\n", err->message);
        abort();
    }
    return 0;
}

/* Complete request lines in data that the server answers (see qtest.md). */
static unsigned count_requests(const uint8_t *data, size_t size)
{
    unsigned n = 0;
    size_t start = 0;

    for (size_t i = 0; i < size; i++) {
        size_t len = i - start;

        if (data[i] != '\n') {
            continue;
        }
        /* Only an empty line (after an optional CR) gets no reply. */
        if (len > 0 && data[i - 1] == '\r') {
            len--;
        }
        n += len > 0;
        start = i + 1;
    }
    return n;
}

/* Count reply lines, returning the last one (g_free). */
static char *scan_replies(const char *out, size_t len, unsigned *replies)
{
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    char *last = NULL;

    *replies = 0;
    for (int i = 0; lines[i]; i++) {
        if (!lines[i][0] || g_str_has_prefix(lines[i], "IRQ ")) {
            continue;
        }
        (*replies)++;
        g_free(last);
        last = g_strdup(lines[i]);
    }
    return last;
}

/* Deliver input as a chardev backend does: never more than can_write. */
static void feed(const uint8_t *buf, size_t len, size_t piece)
{
    while (len > 0) {
        int room = qemu_chr_be_can_write(fuzz_chr);
        size_t n;

        FUZZ_CHECK(room > 0, "the qtest server takes no input");
        n = MIN(MIN(piece, len), (size_t)room);
        qemu_chr_be_write(fuzz_chr, buf, n);
        buf += n;
        len -= n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char probe[] = "\nendianness\n";
    g_autoptr(GError) err = NULL;
    g_autofree uint8_t *out = NULL;
    g_autofree char *last = NULL;
    size_t piece, out_len;
    unsigned expected, replies;
    bool ended_mid_line;

    if (size < 1 || size > 16 * 1024) {
        return 0;
    }
    piece = 1 + data[0] % 64;
    data++;
    size--;

    /* Each input is one client session (fresh IRQ level table). */
    qemu_chr_be_event(fuzz_chr, CHR_EVENT_OPENED);
    feed(data, size, piece);
    /* A trailing partial line is completed by the probe's leading LF. */
    ended_mid_line = size > 0 && data[size - 1] != '\n';
    feed((const uint8_t *)probe, sizeof(probe) - 1, sizeof(probe));

    out = qemu_chr_ringbuf_read(fuzz_chr, FUZZ_QTEST_RING, &out_len, &err);
    FUZZ_CHECK(out, "ringbuf read: %s", err ? err->message : "?");
    if (fuzz_verbose()) {
        fprintf(stderr, "%.*s", (int)MIN(out_len, 4096), (const char *)out);
    }
    last = scan_replies((const char *)out, out_len, &replies);
    FUZZ_CHECK(last && strcmp(last, "OK little") == 0,
               "server did not answer the probe; last reply: %s",
               last ? last : "(none)");
    if (out_len < FUZZ_QTEST_RING - 4096) {
        expected = count_requests(data, size) + 1;
        if (ended_mid_line) {
            /* The partial line plus "\n" is one more request. */
            const uint8_t *nl = memrchr(data, '\n', size);
            size_t from = nl ? (size_t)(nl - data) + 1 : 0;
            size_t len = size - from;

            if (len > 0 && data[size - 1] == '\r') {
                len--;
            }
            expected += len > 0;
        }
        FUZZ_CHECK(replies == expected, "%u request lines, %u replies",
                   expected, replies);
    }
    qemu_chr_be_event(fuzz_chr, CHR_EVENT_CLOSED);
    fuzz_machine_settle();
    return 0;
}
