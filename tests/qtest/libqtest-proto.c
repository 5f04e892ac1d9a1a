/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest's client side of the qtest line protocol (spec/qtest.md 1 and
 * 2.5): request formatting, reply parsing with IRQ-line bookkeeping, memory,
 * I/O port, clock and GPIO helpers.
 */
#include "qemu/osdep.h"

#include "libqtest-internal.h"

/* Largest transfer sent in one read/write/b64 request; bigger ones split. */
#define QTEST_XFER_CHUNK          (1024 * 1024)

static void qtest_send_text(QTestState *s, const char *text)
{
    qtest_send_all(s->fd, text, strlen(text));
}

static void G_GNUC_PRINTF(2, 3) qtest_sendf(QTestState *s, const char *fmt,
                                            ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_free(s->last_request);
    s->last_request = g_strndup(text, 120);
    qtest_send_text(s, text);
}

void qtest_send_raw(QTestState *s, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_send_text(s, text);
}

/* One line from the qtest socket (without LF), whatever it is. */
static char *qtest_read_raw_line(QTestState *s)
{
    for (;;) {
        char *start = s->rx->str;
        char *nl = memchr(start + s->rx_scanned, '\n',
                          s->rx->len - s->rx_scanned);
        char buf[65536];
        ssize_t n;

        if (nl) {
            char *line = g_strndup(start, nl - start);

            g_string_erase(s->rx, 0, nl - start + 1);
            s->rx_scanned = 0;
            return line;
        }
        s->rx_scanned = s->rx->len;
        n = read(s->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            qtest_fatal("Broken pipe (qtest connection closed%s%s)",
                        n < 0 ? ": " : "", n < 0 ? g_strerror(errno) : "");
        }
        g_string_append_len(s->rx, buf, n);
    }
}

/* Record an "IRQ raise|lower N" line; false if line is not one. */
static bool qtest_handle_irq_line(QTestState *s, const char *line)
{
    g_auto(GStrv) words = NULL;
    guint64 n;

    if (strncmp(line, "IRQ ", 4) != 0) {
        return false;
    }
    words = g_strsplit(line, " ", 0);
    if (g_strv_length(words) != 3 ||
        !g_ascii_string_to_unsigned(words[2], 10, 0, QTEST_IRQ_LINES - 1, &n,
                                    NULL)) {
        qtest_fatal("malformed IRQ line from qtest: %s", line);
    }
    if (strcmp(words[1], "raise") == 0) {
        s->irq_level[n] = true;
    } else if (strcmp(words[1], "lower") == 0) {
        s->irq_level[n] = false;
    } else {
        qtest_fatal("malformed IRQ line from qtest: %s", line);
    }
    return true;
}

char *qtest_recv_line(QTestState *s)
{
    for (;;) {
        char *line = qtest_read_raw_line(s);

        if (!qtest_handle_irq_line(s, line)) {
            return line;
        }
        g_free(line);
    }
}

/*
 * Read a reply, insist on "OK" and at least nargs further words; returns
 * the words (caller g_strfreev()s).
 */
static char **qtest_rsp_words(QTestState *s, int nargs)
{
    g_autofree char *line = qtest_recv_line(s);
    char **words = g_strsplit(line, " ", 0);

    if (strcmp(words[0], "OK") != 0 ||
        (int)g_strv_length(words) < nargs + 1) {
        qtest_fatal("qtest request '%s' failed: %s",
                    s->last_request ? g_strchomp(s->last_request) : "?",
                    line);
    }
    return words;
}

static void qtest_rsp_ok(QTestState *s)
{
    g_strfreev(qtest_rsp_words(s, 0));
}

static uint64_t qtest_parse_reply_u64(QTestState *s, const char *word)
{
    bool hex = word[0] == '0' && (word[1] == 'x' || word[1] == 'X');
    guint64 v;

    if (!g_ascii_string_to_unsigned(hex ? word + 2 : word, hex ? 16 : 10, 0,
                                    G_MAXUINT64, &v, NULL)) {
        qtest_fatal("qtest: bad number '%s' in reply to '%s'", word,
                    s->last_request ? s->last_request : "?");
    }
    return v;
}

static int64_t qtest_parse_reply_i64(QTestState *s, const char *word)
{
    gint64 v;

    if (!g_ascii_string_to_signed(word, 10, G_MININT64, G_MAXINT64, &v,
                                  NULL)) {
        qtest_fatal("qtest: bad number '%s' in reply to '%s'", word,
                    s->last_request ? s->last_request : "?");
    }
    return v;
}

bool qtest_query_big_endian(QTestState *s)
{
    g_auto(GStrv) words = NULL;

    qtest_sendf(s, "endianness\n");
    words = qtest_rsp_words(s, 1);
    if (strcmp(words[1], "big") == 0) {
        return true;
    }
    if (strcmp(words[1], "little") == 0) {
        return false;
    }
    qtest_fatal("qtest: unexpected endianness '%s'", words[1]);
}

bool qtest_big_endian(QTestState *s)
{
    return s->big_endian;
}

static uint64_t qtest_read_n(QTestState *s, const char *cmd, uint64_t addr)
{
    g_auto(GStrv) words = NULL;

    qtest_sendf(s, "%s 0x%" PRIx64 "\n", cmd, addr);
    words = qtest_rsp_words(s, 1);
    return qtest_parse_reply_u64(s, words[1]);
}

static void qtest_write_n(QTestState *s, const char *cmd, uint64_t addr,
                          uint64_t value)
{
    qtest_sendf(s, "%s 0x%" PRIx64 " 0x%" PRIx64 "\n", cmd, addr, value);
    qtest_rsp_ok(s);
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return qtest_read_n(s, "readb", addr);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return qtest_read_n(s, "readw", addr);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return qtest_read_n(s, "readl", addr);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return qtest_read_n(s, "readq", addr);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    qtest_write_n(s, "writeb", addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    qtest_write_n(s, "writew", addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    qtest_write_n(s, "writel", addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    qtest_write_n(s, "writeq", addr, value);
}

static uint32_t qtest_in_n(QTestState *s, const char *cmd, uint16_t port)
{
    g_auto(GStrv) words = NULL;

    qtest_sendf(s, "%s 0x%x\n", cmd, port);
    words = qtest_rsp_words(s, 1);
    return qtest_parse_reply_u64(s, words[1]);
}

uint8_t qtest_inb(QTestState *s, uint16_t port)
{
    return qtest_in_n(s, "inb", port);
}

uint16_t qtest_inw(QTestState *s, uint16_t port)
{
    return qtest_in_n(s, "inw", port);
}

uint32_t qtest_inl(QTestState *s, uint16_t port)
{
    return qtest_in_n(s, "inl", port);
}

static void qtest_out_n(QTestState *s, const char *cmd, uint16_t port,
                        uint32_t value)
{
    qtest_sendf(s, "%s 0x%x 0x%x\n", cmd, port, value);
    qtest_rsp_ok(s);
}

void qtest_outb(QTestState *s, uint16_t port, uint8_t value)
{
    qtest_out_n(s, "outb", port, value);
}

void qtest_outw(QTestState *s, uint16_t port, uint16_t value)
{
    qtest_out_n(s, "outw", port, value);
}

void qtest_outl(QTestState *s, uint16_t port, uint32_t value)
{
    qtest_out_n(s, "outl", port, value);
}

static int qtest_hex_nibble(char c)
{
    return g_ascii_xdigit_value(c);
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    uint8_t *out = data;

    while (size > 0) {
        size_t chunk = MIN(size, (size_t)QTEST_XFER_CHUNK);
        g_auto(GStrv) words = NULL;
        const char *hex;
        size_t i;

        qtest_sendf(s, "read 0x%" PRIx64 " 0x%zx\n", addr, chunk);
        words = qtest_rsp_words(s, 1);
        hex = words[1];
        if (strncmp(hex, "0x", 2) != 0 || strlen(hex) != 2 + 2 * chunk) {
            qtest_fatal("qtest: bad read reply for %zu bytes at 0x%" PRIx64,
                        chunk, addr);
        }
        for (i = 0; i < chunk; i++) {
            int hi = qtest_hex_nibble(hex[2 + 2 * i]);
            int lo = qtest_hex_nibble(hex[3 + 2 * i]);

            if (hi < 0 || lo < 0) {
                qtest_fatal("qtest: bad hex digit in read reply");
            }
            out[i] = hi << 4 | lo;
        }
        out += chunk;
        addr += chunk;
        size -= chunk;
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *in = data;

    while (size > 0) {
        size_t chunk = MIN(size, (size_t)QTEST_XFER_CHUNK);
        GString *line = g_string_sized_new(64 + 2 * chunk);
        size_t i;

        g_string_printf(line, "write 0x%" PRIx64 " 0x%zx 0x", addr, chunk);
        for (i = 0; i < chunk; i++) {
            g_string_append_c(line, digits[in[i] >> 4]);
            g_string_append_c(line, digits[in[i] & 0xf]);
        }
        g_string_append_c(line, '\n');
        g_free(s->last_request);
        s->last_request = g_strdup_printf("write 0x%" PRIx64 " 0x%zx ...",
                                          addr, chunk);
        qtest_send_all(s->fd, line->str, line->len);
        g_string_free(line, true);
        qtest_rsp_ok(s);
        in += chunk;
        addr += chunk;
        size -= chunk;
    }
}

void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    uint8_t *out = data;

    while (size > 0) {
        size_t chunk = MIN(size, (size_t)QTEST_XFER_CHUNK);
        g_auto(GStrv) words = NULL;
        g_autofree guchar *bytes = NULL;
        gsize len;

        qtest_sendf(s, "b64read 0x%" PRIx64 " 0x%zx\n", addr, chunk);
        words = qtest_rsp_words(s, 1);
        bytes = g_base64_decode(words[1], &len);
        if (len != chunk) {
            qtest_fatal("qtest: b64read of %zu bytes returned %zu", chunk,
                        (size_t)len);
        }
        memcpy(out, bytes, chunk);
        out += chunk;
        addr += chunk;
        size -= chunk;
    }
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    const uint8_t *in = data;

    while (size > 0) {
        size_t chunk = MIN(size, (size_t)QTEST_XFER_CHUNK);
        g_autofree char *b64 = g_base64_encode(in, chunk);

        /* Three writes: prefix, data, newline (qtest.md 2.5). */
        qtest_sendf(s, "b64write 0x%" PRIx64 " 0x%zx ", addr, chunk);
        qtest_send_text(s, b64);
        qtest_send_text(s, "\n");
        qtest_rsp_ok(s);
        in += chunk;
        addr += chunk;
        size -= chunk;
    }
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size)
{
    qtest_sendf(s, "memset 0x%" PRIx64 " 0x%zx 0x%02x\n", addr, size,
                pattern);
    qtest_rsp_ok(s);
}

static int64_t qtest_clock_rsp(QTestState *s)
{
    g_auto(GStrv) words = qtest_rsp_words(s, 1);

    return qtest_parse_reply_i64(s, words[1]);
}

int64_t qtest_clock_step_next(QTestState *s)
{
    qtest_sendf(s, "clock_step\n");
    return qtest_clock_rsp(s);
}

int64_t qtest_clock_step(QTestState *s, int64_t ns)
{
    qtest_sendf(s, "clock_step %" PRIi64 "\n", ns);
    return qtest_clock_rsp(s);
}

int64_t qtest_clock_set(QTestState *s, int64_t ns)
{
    qtest_sendf(s, "clock_set %" PRIi64 "\n", ns);
    return qtest_clock_rsp(s);
}

void qtest_irq_intercept_in(QTestState *s, const char *path)
{
    qtest_sendf(s, "irq_intercept_in %s\n", path);
    qtest_rsp_ok(s);
}

void qtest_irq_intercept_out(QTestState *s, const char *path)
{
    qtest_sendf(s, "irq_intercept_out %s\n", path);
    qtest_rsp_ok(s);
}

void qtest_irq_intercept_out_named(QTestState *s, const char *path,
                                   const char *name)
{
    qtest_sendf(s, "irq_intercept_out %s %s\n", path, name);
    qtest_rsp_ok(s);
}

bool qtest_get_irq(QTestState *s, int n)
{
    g_assert(n >= 0 && n < QTEST_IRQ_LINES);
    /* The reply to inb comes after every IRQ line sent before it. */
    qtest_inb(s, 0);
    return s->irq_level[n];
}

void qtest_set_irq_in(QTestState *s, const char *path, const char *name,
                      int num, int level)
{
    qtest_sendf(s, "set_irq_in %s %s %d %d\n", path,
                name ? name : "unnamed-gpio-in", num, level);
    qtest_rsp_ok(s);
}

char *qtest_rsp_line(QTestState *s, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_sendf(s, "%s\n", text);
    return qtest_recv_line(s);
}

