/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server (spec/qtest.md section 1): reads request lines
 * from a chardev in the main loop, executes them against the physical
 * address space, the virtual clock and the GPIO lines of devices, and
 * answers one line per request; intercepted GPIO changes are sent as
 * asynchronous "IRQ" lines. Optionally traces the session to a log file.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/timer.h"
#include "qemu/main-loop.h"
#include "system/memory.h"
#include "system/qtest.h"
#include "chardev/char.h"
#include "hw/qdev-core.h"

/* IRQ indices whose level is tracked for "IRQ raise/lower" (qtest.md 1.7). */
#define QTEST_IRQ_TRACKED       256
/*
 * Bounds on untrusted requests: a read/write/b64 transfer allocates its
 * size (and twice that as hex), so it is capped; memset works in chunks
 * and may cover the whole 32-bit bus.
 */
#define QTEST_MAX_TRANSFER      (16 * 1024 * 1024)
#define QTEST_MAX_MEMSET        (UINT64_C(1) << 32)
/* A request line may carry a maximal "write" (two hex digits per byte). */
#define QTEST_MAX_LINE          (2 * QTEST_MAX_TRANSFER + 4096)
/* Bytes accepted from the chardev per read callback. */
#define QTEST_READ_CHUNK        65536
/* Port I/O space size: ports are 0..0xffff (qtest.md 1.3). */
#define QTEST_MAX_PORT          0xffff

typedef struct QTestServer {
    CharBackend be;
    FILE *log;                  /* trace destination, NULL = off */
    bool connected;             /* a client is attached (OPENED seen) */
    int64_t open_time_us;       /* monotonic time of the last OPENED */
    GString *inbuf;             /* received bytes not yet executed */
    size_t scanned;             /* prefix of inbuf known to hold no LF */
    bool discarding;            /* skipping the rest of an over-long line */
    bool reading;               /* inside qtest_read(): inbuf is in use */
    bool irq_levels[QTEST_IRQ_TRACKED];
    DeviceState *irq_intercept_dev; /* the one intercepted device */
} QTestServer;

/* The endpoint (at most one per process); main thread, BQL. */
static QTestServer *qtest_server;
/* Flags set during start-up, read from any thread afterwards. */
static bool qtest_accel_on;
static bool qtest_cpu_present;

bool qtest_enabled(void)
{
    return qatomic_read(&qtest_server) != NULL;
}

void qtest_set_accel_qtest(bool on)
{
    qatomic_set(&qtest_accel_on, on);
}

bool qtest_accel_enabled(void)
{
    return qatomic_read(&qtest_accel_on);
}

void qtest_set_has_cpu(bool has_cpu)
{
    qatomic_set(&qtest_cpu_present, has_cpu);
}

/* ------------------------------------------------------------------ */
/* Output and trace                                                     */
/* ------------------------------------------------------------------ */

/* Seconds since the client connected, for the trace. */
static double qtest_elapsed(QTestServer *q)
{
    return (g_get_monotonic_time() - q->open_time_us) / (double)G_USEC_PER_SEC;
}

static void G_GNUC_PRINTF(3, 4) qtest_log(QTestServer *q, char kind,
                                          const char *fmt, ...)
{
    va_list ap;

    if (!q->log || !q->connected) {
        return;
    }
    fprintf(q->log, "[%c +%.6f] ", kind, qtest_elapsed(q));
    va_start(ap, fmt);
    vfprintf(q->log, fmt, ap);
    va_end(ap);
    fputc('\n', q->log);
}

/* Send one line (the LF is added) and trace it. */
static void qtest_send_line(QTestServer *q, const char *line, size_t len)
{
    qtest_log(q, 'S', "%.*s", (int)MIN(len, (size_t)INT_MAX), line);
    /* A vanished client is not an error: the process keeps running. */
    qemu_chr_fe_write_all(&q->be, (const uint8_t *)line, len);
    qemu_chr_fe_write_all(&q->be, (const uint8_t *)"\n", 1);
}

static void G_GNUC_PRINTF(2, 3) qtest_reply(QTestServer *q,
                                            const char *fmt, ...)
{
    g_autofree char *line = NULL;
    va_list ap;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_send_line(q, line, strlen(line));
}

/* ------------------------------------------------------------------ */
/* Argument parsing                                                      */
/* ------------------------------------------------------------------ */

/* Unsigned, base 0, whole word; no sign accepted. */
static bool qtest_parse_u64(const char *word, uint64_t *out)
{
    return word && qemu_strtou64(word, NULL, 0, out);
}

static bool qtest_parse_i64(const char *word, int64_t *out)
{
    return word && qemu_strtoi64(word, NULL, 0, out);
}

static bool qtest_parse_int(const char *word, int *out)
{
    return word && qemu_strtoi(word, NULL, 0, out);
}

/* Parse the ADDR and SIZE of a transfer and check the range does not wrap. */
static bool qtest_parse_range(QTestServer *q, char **args, uint64_t max_size,
                              uint64_t *addr, uint64_t *size)
{
    if (!qtest_parse_u64(args[0], addr)) {
        qtest_reply(q, "ERR invalid address");
        return false;
    }
    if (!qtest_parse_u64(args[1], size)) {
        qtest_reply(q, "ERR invalid size");
        return false;
    }
    if (*size > max_size) {
        qtest_reply(q, "ERR size too large (at most 0x%" PRIx64 ")",
                    max_size);
        return false;
    }
    if (*size && *addr + (*size - 1) < *addr) {
        qtest_reply(q, "ERR address range wraps around");
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Commands                                                              */
/* ------------------------------------------------------------------ */

typedef struct QTestCmd QTestCmd;
/* args: the words after the command name, NULL-terminated; nargs >= min. */
typedef void QTestCmdFn(QTestServer *q, const QTestCmd *cmd, char **args,
                        int nargs);

enum {
    QTEST_CMD_MEMORY = 1 << 0,  /* needs the CPU address space */
    QTEST_CMD_ACCEL = 1 << 1,   /* exists only under -accel qtest */
};

struct QTestCmd {
    const char *name;
    int min_args;
    unsigned flags;
    QTestCmdFn *fn;
    unsigned width;             /* access size for the sized commands */
};

static void qtest_cmd_endianness(QTestServer *q, const QTestCmd *cmd,
                                 char **args, int nargs)
{
    /* address_space_ld/st are little-endian: CR16 is a little-endian CPU. */
    qtest_reply(q, "OK little");
}

static void qtest_cmd_read_sized(QTestServer *q, const QTestCmd *cmd,
                                 char **args, int nargs)
{
    uint64_t addr;

    if (!qtest_parse_u64(args[0], &addr)) {
        qtest_reply(q, "ERR invalid address");
        return;
    }
    if (addr + (cmd->width - 1) < addr) {
        qtest_reply(q, "ERR address range wraps around");
        return;
    }
    qtest_reply(q, "OK 0x%016" PRIx64, address_space_ld(addr, cmd->width));
}

static void qtest_cmd_write_sized(QTestServer *q, const QTestCmd *cmd,
                                  char **args, int nargs)
{
    uint64_t addr, value;

    if (!qtest_parse_u64(args[0], &addr)) {
        qtest_reply(q, "ERR invalid address");
        return;
    }
    if (!qtest_parse_u64(args[1], &value)) {
        qtest_reply(q, "ERR invalid value");
        return;
    }
    if (addr + (cmd->width - 1) < addr) {
        qtest_reply(q, "ERR address range wraps around");
        return;
    }
    if (cmd->width < 8) {
        value &= (UINT64_C(1) << (8 * cmd->width)) - 1;
    }
    address_space_st(addr, value, cmd->width);
    qtest_reply(q, "OK");
}

static void qtest_cmd_read(QTestServer *q, const QTestCmd *cmd, char **args,
                           int nargs)
{
    static const char digits[] = "0123456789abcdef";
    g_autofree uint8_t *data = NULL;
    GString *line;
    uint64_t addr, size, i;

    if (!qtest_parse_range(q, args, QTEST_MAX_TRANSFER, &addr, &size)) {
        return;
    }
    if (size == 0) {
        qtest_reply(q, "ERR size must be greater than zero");
        return;
    }
    data = g_malloc(size);
    address_space_read(addr, data, size);
    line = g_string_sized_new(5 + 2 * size);
    g_string_append(line, "OK 0x");
    for (i = 0; i < size; i++) {
        g_string_append_c(line, digits[data[i] >> 4]);
        g_string_append_c(line, digits[data[i] & 0xf]);
    }
    qtest_send_line(q, line->str, line->len);
    g_string_free(line, true);
}

static void qtest_cmd_write(QTestServer *q, const QTestCmd *cmd, char **args,
                            int nargs)
{
    g_autofree uint8_t *data = NULL;
    const char *hex = args[2];
    size_t hex_len = strlen(hex);
    uint64_t addr, size, i;

    if (!qtest_parse_range(q, args, QTEST_MAX_TRANSFER, &addr, &size)) {
        return;
    }
    if (hex_len < 3) {
        qtest_reply(q, "ERR invalid argument size");
        return;
    }
    if (hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) {
        qtest_reply(q, "ERR data must start with 0x");
        return;
    }
    data = g_malloc0(size ? size : 1);
    /* Byte i is digits 2+2i and 3+2i; missing bytes stay zero. */
    for (i = 0; i < size && 4 + 2 * i <= hex_len; i++) {
        int hi = g_ascii_xdigit_value(hex[2 + 2 * i]);
        int lo = g_ascii_xdigit_value(hex[3 + 2 * i]);

        if (hi < 0 || lo < 0) {
            qtest_reply(q, "ERR invalid hex digit in data");
            return;
        }
        data[i] = hi << 4 | lo;
    }
    address_space_write(addr, data, size);
    qtest_reply(q, "OK");
}

static void qtest_cmd_b64read(QTestServer *q, const QTestCmd *cmd,
                              char **args, int nargs)
{
    g_autofree uint8_t *data = NULL;
    g_autofree char *b64 = NULL;
    uint64_t addr, size;

    if (!qtest_parse_range(q, args, QTEST_MAX_TRANSFER, &addr, &size)) {
        return;
    }
    data = g_malloc(size ? size : 1);
    address_space_read(addr, data, size);
    b64 = g_base64_encode(data, size);
    qtest_reply(q, "OK %s", b64);
}

/* Standard alphabet, length a multiple of 4, '=' only as final padding. */
static bool qtest_base64_valid(const char *s, size_t len)
{
    size_t i, pad = 0;

    if (len % 4) {
        return false;
    }
    while (pad < 2 && pad < len && s[len - 1 - pad] == '=') {
        pad++;
    }
    for (i = 0; i < len - pad; i++) {
        if (!g_ascii_isalnum(s[i]) && s[i] != '+' && s[i] != '/') {
            return false;
        }
    }
    return true;
}

static void qtest_cmd_b64write(QTestServer *q, const QTestCmd *cmd,
                               char **args, int nargs)
{
    g_autofree guchar *data = NULL;
    const char *b64 = args[2];
    size_t b64_len = strlen(b64);
    uint64_t addr, size;
    gsize decoded;

    if (!qtest_parse_range(q, args, QTEST_MAX_TRANSFER, &addr, &size)) {
        return;
    }
    if (b64_len < 3) {
        qtest_reply(q, "ERR invalid argument size");
        return;
    }
    if (!qtest_base64_valid(b64, b64_len)) {
        qtest_reply(q, "ERR invalid base64 data");
        return;
    }
    data = g_base64_decode(b64, &decoded);
    if (decoded != size) {
        qtest_log(q, 'I', "b64write: decoded length %" PRIu64 " differs "
                  "from size %" PRIu64, (uint64_t)decoded, size);
    }
    address_space_write(addr, data, MIN(size, (uint64_t)decoded));
    qtest_reply(q, "OK");
}

static void qtest_cmd_memset(QTestServer *q, const QTestCmd *cmd,
                             char **args, int nargs)
{
    uint8_t chunk[4096];
    uint64_t addr, size, value;

    if (!qtest_parse_range(q, args, QTEST_MAX_MEMSET, &addr, &size)) {
        return;
    }
    if (!qtest_parse_u64(args[2], &value)) {
        qtest_reply(q, "ERR invalid value");
        return;
    }
    memset(chunk, value & 0xff, sizeof(chunk));
    while (size > 0) {
        uint64_t n = MIN(size, (uint64_t)sizeof(chunk));

        address_space_write(addr, chunk, n);
        addr += n;
        size -= n;
    }
    qtest_reply(q, "OK");
}

static bool qtest_parse_port(QTestServer *q, const char *word, uint64_t *port)
{
    if (!qtest_parse_u64(word, port)) {
        qtest_reply(q, "ERR invalid port");
        return false;
    }
    if (*port > QTEST_MAX_PORT) {
        qtest_reply(q, "ERR port out of range (at most 0x%x)",
                    QTEST_MAX_PORT);
        return false;
    }
    return true;
}

/* CR16 has no port I/O: reads float high, writes go nowhere (1.5). */
static void qtest_cmd_in(QTestServer *q, const QTestCmd *cmd, char **args,
                         int nargs)
{
    uint64_t port;

    if (!qtest_parse_port(q, args[0], &port)) {
        return;
    }
    qtest_reply(q, "OK 0x%04" PRIx64,
                (UINT64_C(1) << (8 * cmd->width)) - 1);
}

static void qtest_cmd_out(QTestServer *q, const QTestCmd *cmd, char **args,
                          int nargs)
{
    uint64_t port, value;

    if (!qtest_parse_port(q, args[0], &port)) {
        return;
    }
    if (!qtest_parse_u64(args[1], &value)) {
        qtest_reply(q, "ERR invalid value");
        return;
    }
    qtest_reply(q, "OK");
}

/* Called by qdev when an intercepted line is driven (BQL held). */
static void qtest_irq_changed(void *opaque, const char *list_name, int n,
                              int level)
{
    QTestServer *q = opaque;
    bool high = level != 0;

    if (n < 0 || n >= QTEST_IRQ_TRACKED || q->irq_levels[n] == high) {
        return;
    }
    q->irq_levels[n] = high;
    qtest_reply(q, "IRQ %s %d", high ? "raise" : "lower", n);
}

static DeviceState *qtest_find_device(const char *path)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);

    return obj ? qdev_from_object(obj) : NULL;
}

static void qtest_cmd_irq_intercept(QTestServer *q, const QTestCmd *cmd,
                                    char **args, int nargs)
{
    bool in = strcmp(cmd->name, "irq_intercept_in") == 0;
    DeviceState *dev = qtest_find_device(args[0]);
    g_autoptr(GError) err = NULL;
    bool ok;

    if (!dev) {
        qtest_reply(q, "FAIL Unknown device");
        return;
    }
    if (in && nargs > 1) {
        qtest_reply(q, "FAIL Interception of named in-GPIOs not yet "
                    "supported");
        return;
    }
    if (q->irq_intercept_dev) {
        if (q->irq_intercept_dev == dev) {
            qtest_reply(q, "OK");
        } else {
            qtest_reply(q, "FAIL IRQ intercept already enabled");
        }
        return;
    }
    if (in) {
        ok = qdev_intercept_gpio_in(dev, qtest_irq_changed, q, &err);
    } else {
        ok = qdev_intercept_gpio_out(dev, nargs > 1 ? args[1] : NULL,
                                     qtest_irq_changed, q, &err);
    }
    if (!ok) {
        qtest_log(q, 'I', "%s: %s", cmd->name, err->message);
        qtest_reply(q, "FAIL No intercepts installed");
        return;
    }
    q->irq_intercept_dev = dev;
    qtest_reply(q, "OK");
}

static void qtest_cmd_set_irq_in(QTestServer *q, const QTestCmd *cmd,
                                 char **args, int nargs)
{
    DeviceState *dev = qtest_find_device(args[0]);
    g_autoptr(GError) err = NULL;
    int num, level;

    if (!dev) {
        qtest_reply(q, "FAIL Unknown device");
        return;
    }
    if (!qtest_parse_int(args[2], &num) || num < 0) {
        qtest_reply(q, "ERR invalid GPIO number");
        return;
    }
    if (!qtest_parse_int(args[3], &level)) {
        qtest_reply(q, "ERR invalid level");
        return;
    }
    if (!qdev_set_gpio_in_level(dev, args[1], num, level, &err)) {
        qtest_reply(q, "FAIL %s", err->message);
        return;
    }
    qtest_reply(q, "OK");
}

/* Advance the manual virtual clock to target; false if it did not get there. */
static bool qtest_advance_clock(int64_t target, int64_t *now)
{
    if (!qemu_virtual_clock_is_manual()) {
        return false;
    }
    *now = qemu_clock_advance_virtual(target);
    return *now == target;
}

static void qtest_cmd_clock_step(QTestServer *q, const QTestCmd *cmd,
                                 char **args, int nargs)
{
    int64_t old = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t target, now;

    if (nargs > 0) {
        int64_t step;

        if (!qtest_parse_i64(args[0], &step) || step < 0) {
            qtest_reply(q, "ERR invalid step (non-negative nanoseconds)");
            return;
        }
        if (step > INT64_MAX - old) {
            qtest_reply(q, "FAIL could not advance time");
            return;
        }
        target = old + step;
    } else {
        int64_t deadline = qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL);

        if (deadline < 0) {
            qtest_reply(q, "FAIL cannot advance clock to the next deadline "
                        "because there is no pending deadline");
            return;
        }
        target = MAX(deadline, old);
    }
    if (!qtest_advance_clock(target, &now)) {
        qtest_reply(q, "FAIL could not advance time");
        return;
    }
    qtest_reply(q, "OK %" PRIi64, now);
}

static void qtest_cmd_clock_set(QTestServer *q, const QTestCmd *cmd,
                                char **args, int nargs)
{
    int64_t target, now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    if (!qtest_parse_i64(args[0], &target)) {
        qtest_reply(q, "ERR invalid time");
        return;
    }
    /* The clock never moves backwards: a past target reports the clock. */
    if (target >= now && qtest_advance_clock(target, &now)) {
        qtest_reply(q, "OK %" PRIi64, now);
        return;
    }
    qtest_reply(q, "FAIL %" PRIi64, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
}

static void qtest_cmd_module_load(QTestServer *q, const QTestCmd *cmd,
                                  char **args, int nargs)
{
    /* Everything is built in: there are no loadable modules. */
    qtest_reply(q, "FAIL");
}

static const QTestCmd qtest_cmds[] = {
    { "endianness", 0, 0, qtest_cmd_endianness },
    { "readb", 1, QTEST_CMD_MEMORY, qtest_cmd_read_sized, 1 },
    { "readw", 1, QTEST_CMD_MEMORY, qtest_cmd_read_sized, 2 },
    { "readl", 1, QTEST_CMD_MEMORY, qtest_cmd_read_sized, 4 },
    { "readq", 1, QTEST_CMD_MEMORY, qtest_cmd_read_sized, 8 },
    { "writeb", 2, QTEST_CMD_MEMORY, qtest_cmd_write_sized, 1 },
    { "writew", 2, QTEST_CMD_MEMORY, qtest_cmd_write_sized, 2 },
    { "writel", 2, QTEST_CMD_MEMORY, qtest_cmd_write_sized, 4 },
    { "writeq", 2, QTEST_CMD_MEMORY, qtest_cmd_write_sized, 8 },
    { "read", 2, QTEST_CMD_MEMORY, qtest_cmd_read },
    { "write", 3, QTEST_CMD_MEMORY, qtest_cmd_write },
    { "b64read", 2, QTEST_CMD_MEMORY, qtest_cmd_b64read },
    { "b64write", 3, QTEST_CMD_MEMORY, qtest_cmd_b64write },
    { "memset", 3, QTEST_CMD_MEMORY, qtest_cmd_memset },
    { "inb", 1, 0, qtest_cmd_in, 1 },
    { "inw", 1, 0, qtest_cmd_in, 2 },
    { "inl", 1, 0, qtest_cmd_in, 4 },
    { "outb", 2, 0, qtest_cmd_out, 1 },
    { "outw", 2, 0, qtest_cmd_out, 2 },
    { "outl", 2, 0, qtest_cmd_out, 4 },
    { "irq_intercept_in", 1, 0, qtest_cmd_irq_intercept },
    { "irq_intercept_out", 1, 0, qtest_cmd_irq_intercept },
    { "set_irq_in", 4, 0, qtest_cmd_set_irq_in },
    { "clock_step", 0, QTEST_CMD_ACCEL, qtest_cmd_clock_step },
    { "clock_set", 1, QTEST_CMD_ACCEL, qtest_cmd_clock_set },
    { "module_load", 2, 0, qtest_cmd_module_load },
};

static const QTestCmd *qtest_find_cmd(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(qtest_cmds); i++) {
        if (strcmp(qtest_cmds[i].name, name) == 0) {
            if ((qtest_cmds[i].flags & QTEST_CMD_ACCEL) &&
                !qtest_accel_enabled()) {
                return NULL;
            }
            return &qtest_cmds[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Framing                                                               */
/* ------------------------------------------------------------------ */

/* Execute one request line (without its LF; modified in place). */
static void qtest_process_line(QTestServer *q, char *line, size_t len)
{
    g_autoptr(GPtrArray) words = g_ptr_array_new();
    const QTestCmd *cmd;
    char *p = line;
    int nargs;

    /* A trailing CR is tolerated (qtest.md 1.2, SHOULD). */
    if (len > 0 && line[len - 1] == '\r') {
        line[--len] = '\0';
    }
    if (len == 0) {
        return;
    }
    /* Runs of spaces separate words like a single space. */
    while (*p) {
        while (*p == ' ') {
            p++;
        }
        if (!*p) {
            break;
        }
        g_ptr_array_add(words, p);
        while (*p && *p != ' ') {
            p++;
        }
        if (*p) {
            *p++ = '\0';
        }
    }
    g_ptr_array_add(words, NULL);
    nargs = (int)words->len - 2;

    if (q->log && q->connected) {
        g_autofree char *joined = g_strjoinv(" ", (char **)words->pdata);

        qtest_log(q, 'R', "%s", joined);
    }
    if (nargs < 0) {
        qtest_reply(q, "FAIL Unknown command ''");
        return;
    }
    cmd = qtest_find_cmd(words->pdata[0]);
    if (!cmd) {
        qtest_reply(q, "FAIL Unknown command '%s'",
                    (const char *)words->pdata[0]);
        return;
    }
    if (nargs < cmd->min_args) {
        qtest_reply(q, "ERR missing argument (%s takes %d)", cmd->name,
                    cmd->min_args);
        return;
    }
    if ((cmd->flags & QTEST_CMD_MEMORY) && !qatomic_read(&qtest_cpu_present)) {
        qtest_reply(q, "FAIL no CPU address space on this machine");
        return;
    }
    cmd->fn(q, cmd, (char **)words->pdata + 1, nargs);
}

static int qtest_can_read(void *opaque)
{
    return QTEST_READ_CHUNK;
}

/* A client connected: fresh IRQ table and trace clock (qtest.md 1.9). */
static void qtest_session_open(QTestServer *q)
{
    memset(q->irq_levels, 0, sizeof(q->irq_levels));
    q->open_time_us = g_get_monotonic_time();
    q->connected = true;
    if (q->log) {
        gint64 now = g_get_real_time();

        fprintf(q->log, "[I %" PRId64 ".%06" PRId64 "] OPENED\n",
                (int64_t)(now / G_USEC_PER_SEC),
                (int64_t)(now % G_USEC_PER_SEC));
    }
}

/* Forget partial input (the client went away). */
static void qtest_drop_input(QTestServer *q)
{
    g_string_truncate(q->inbuf, 0);
    q->scanned = 0;
    q->discarding = false;
}

static void qtest_read(void *opaque, const uint8_t *buf, int size)
{
    QTestServer *q = opaque;
    size_t start = 0;
    char *nl;

    /* The chardev core delivers OPENED before a connection's first byte. */
    g_assert(q->connected);
    g_string_append_len(q->inbuf, (const char *)buf, size);
    q->reading = true;
    for (;;) {
        nl = memchr(q->inbuf->str + q->scanned, '\n',
                    q->inbuf->len - q->scanned);
        if (!nl) {
            break;
        }
        *nl = '\0';
        if (q->discarding) {
            /* The tail of an over-long line: answer it once, now. */
            q->discarding = false;
            qtest_reply(q, "ERR request line too long");
        } else {
            qtest_process_line(q, q->inbuf->str + start,
                               nl - (q->inbuf->str + start));
        }
        start = nl - q->inbuf->str + 1;
        q->scanned = start;
        if (!q->connected) {
            /* A reply write noticed the client is gone: drop the rest. */
            q->reading = false;
            qtest_drop_input(q);
            return;
        }
    }
    q->reading = false;
    g_string_erase(q->inbuf, 0, start);
    q->scanned = q->inbuf->len;
    if (q->inbuf->len > QTEST_MAX_LINE) {
        /* Drop what we have and skip to the next LF. */
        g_string_truncate(q->inbuf, 0);
        q->scanned = 0;
        q->discarding = true;
    }
}

static void qtest_event(void *opaque, QEMUChrEvent event)
{
    QTestServer *q = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        qtest_session_open(q);
        break;
    case CHR_EVENT_CLOSED:
        qtest_log(q, 'I', "CLOSED");
        q->connected = false;
        /* During qtest_read() the buffer is dropped when it regains control. */
        if (!q->reading) {
            qtest_drop_input(q);
        }
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Set-up                                                                */
/* ------------------------------------------------------------------ */

static bool qtest_check_single(GError **errp)
{
    if (qtest_server) {
        error_setg(errp, "Only one instance of qtest can be created");
        return false;
    }
    return true;
}

static FILE *qtest_open_log(const char *logfile, bool *ok, GError **errp)
{
    FILE *f;

    *ok = true;
    if (!logfile) {
        return stderr;
    }
    if (strcmp(logfile, "none") == 0) {
        return NULL;
    }
    f = fopen(logfile, "w");
    if (!f) {
        error_setg_errno(errp, errno, "Cannot open qtest log file '%s'",
                         logfile);
        *ok = false;
        return NULL;
    }
    /* Line buffered: the trace is readable while the session runs. */
    setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

bool qtest_server_init_chardev(Chardev *chr, const char *logfile,
                               GError **errp)
{
    QTestServer *q;
    bool ok;

    if (!qtest_check_single(errp)) {
        return false;
    }
    q = g_new0(QTestServer, 1);
    q->log = qtest_open_log(logfile, &ok, errp);
    if (!ok) {
        goto fail_free;
    }
    if (!qemu_chr_fe_init(&q->be, chr, errp)) {
        goto fail_log;
    }
    q->inbuf = g_string_new(NULL);
    qatomic_set(&qtest_server, q);
    qemu_chr_fe_set_handlers(&q->be, qtest_can_read, qtest_read, qtest_event,
                             q, NULL);
    return true;

fail_log:
    if (q->log && q->log != stderr) {
        fclose(q->log);
    }
fail_free:
    g_free(q);
    return false;
}

bool qtest_server_init(const char *chardev_spec, const char *logfile,
                       GError **errp)
{
    Chardev *chr;

    if (!qtest_check_single(errp)) {
        return false;
    }
    chr = qemu_chr_new("qtest", chardev_spec, errp);
    if (!chr) {
        return false;
    }
    if (!qtest_server_init_chardev(chr, logfile, errp)) {
        qemu_chr_delete(qemu_chr_label(chr), NULL);
        return false;
    }
    return true;
}
