/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest-protocol-test: every request of the qtest protocol against the
 * CPU-less "none" machine with RAM (spec/qtest.md 1.2-1.9) with exact reply
 * texts, error replies for bad input followed by proof that the session
 * still works, and the harness itself (libqtest: bulk transfers, QMP event
 * handling, probes, fast failure and clean-up on abort).
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <sys/wait.h>

#include "libqtest.h"
#include "hw/cr16/virt.h"

/* The lead's "none" machine maps -m RAM at physical 0. */
#define PROTO_ARGS      "-M none -m 16M"
#define PROTO_RAM_SIZE  (16 * 1024 * 1024)
/* Far above the RAM of PROTO_ARGS: nothing is mapped there. */
#define UNMAPPED_ADDR   "0x40000000"

/* The reply to `request` must be exactly `expected`. */
static void check_rsp(QTestState *s, const char *request, const char *expected)
{
    g_autofree char *rsp = qtest_rsp_line(s, "%s", request);

    if (strcmp(rsp, expected) != 0) {
        g_test_message("request '%s': got '%s', expected '%s'", request, rsp,
                       expected);
    }
    g_assert_cmpstr(rsp, ==, expected);
}

/* The reply to `request` must start with `prefix`. */
static void check_rsp_prefix(QTestState *s, const char *request,
                             const char *prefix)
{
    g_autofree char *rsp = qtest_rsp_line(s, "%s", request);

    if (!g_str_has_prefix(rsp, prefix)) {
        g_test_message("request '%s': got '%s', expected '%s...'", request,
                       rsp, prefix);
    }
    g_assert_true(g_str_has_prefix(rsp, prefix));
}

/* The session still answers correctly. */
static void check_alive(QTestState *s)
{
    check_rsp(s, "endianness", "OK little");
    g_assert_true(qtest_probe_child(s));
}

/* ------------------------------------------------------------------ */
/* Protocol                                                              */
/* ------------------------------------------------------------------ */

static void test_endianness(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);

    check_rsp(s, "endianness", "OK little");
    g_assert_false(qtest_big_endian(s));
    qtest_quit(s);
}

static void test_sized_access(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);

    /* Little-endian stores, byte view through "read". */
    check_rsp(s, "writel 0x1000 0x12345678", "OK");
    check_rsp(s, "read 0x1000 4", "OK 0x78563412");
    check_rsp(s, "readb 0x1000", "OK 0x0000000000000078");
    check_rsp(s, "readb 0x1003", "OK 0x0000000000000012");
    check_rsp(s, "readw 0x1000", "OK 0x0000000000005678");
    check_rsp(s, "readw 0x1002", "OK 0x0000000000001234");
    check_rsp(s, "readl 0x1000", "OK 0x0000000012345678");
    check_rsp(s, "writeq 0x1008 0x0123456789abcdef", "OK");
    check_rsp(s, "read 0x1008 8", "OK 0xefcdab8967452301");
    check_rsp(s, "readq 0x1008", "OK 0x0123456789abcdef");
    check_rsp(s, "readl 0x100c", "OK 0x0000000001234567");
    check_rsp(s, "writew 0x1010 0xbeef", "OK");
    check_rsp(s, "read 0x1010 2", "OK 0xefbe");

    /* Values are truncated to the access size; neighbours stay intact. */
    check_rsp(s, "writeb 0x1020 0x1ff", "OK");
    check_rsp(s, "read 0x1020 2", "OK 0xff00");
    check_rsp(s, "writew 0x1030 0x123456", "OK");
    check_rsp(s, "read 0x1030 4", "OK 0x56340000");
    check_rsp(s, "writel 0x1040 0x1122334455", "OK");
    check_rsp(s, "read 0x1040 5", "OK 0x5544332200");

    /* Numbers in decimal and octal (0x1050 = 4176, 010 = 8). */
    check_rsp(s, "writeb 4176 010", "OK");
    check_rsp(s, "readb 0X1050", "OK 0x0000000000000008");

    /* The same through the library calls. */
    qtest_writeb(s, 0x1100, 0xa5);
    qtest_writew(s, 0x1102, 0xbeef);
    qtest_writel(s, 0x1104, 0xdeadbeef);
    qtest_writeq(s, 0x1108, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readb(s, 0x1100), ==, 0xa5);
    g_assert_cmphex(qtest_readw(s, 0x1102), ==, 0xbeef);
    g_assert_cmphex(qtest_readl(s, 0x1104), ==, 0xdeadbeef);
    g_assert_cmphex(qtest_readq(s, 0x1108), ==, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readb(s, 0x1108), ==, 0x88);
    check_rsp(s, "read 0x1100 4", "OK 0xa500efbe");
    qtest_quit(s);
}

static void test_read_write_hex(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);

    check_rsp(s, "write 0x2000 4 0xdeadbeef", "OK");
    check_rsp(s, "read 0x2000 4", "OK 0xdeadbeef");
    /* Short data: the rest of SIZE is written as zero. */
    check_rsp(s, "write 0x2000 4 0xaa", "OK");
    check_rsp(s, "read 0x2000 4", "OK 0xaa000000");
    /* Extra digits beyond SIZE are ignored. */
    check_rsp(s, "write 0x2000 2 0x11223344", "OK");
    check_rsp(s, "read 0x2000 4", "OK 0x11220000");
    /* Upper-case digits; a lone trailing digit is not a byte. */
    check_rsp(s, "write 0x2000 2 0xABCD", "OK");
    check_rsp(s, "read 0x2000 2", "OK 0xabcd");
    check_rsp(s, "write 0x2000 2 0x123", "OK");
    check_rsp(s, "read 0x2000 2", "OK 0x1200");
    /* Size 0 writes nothing. */
    check_rsp(s, "write 0x2000 0 0xff", "OK");
    check_rsp(s, "read 0x2000 2", "OK 0x1200");
    /* DATA shorter than 3 characters. */
    check_rsp(s, "write 0x2000 4 0x", "ERR invalid argument size");
    check_rsp(s, "write 0x2000 1 0", "ERR invalid argument size");
    check_rsp(s, "read 0x2000 2", "OK 0x1200");
    qtest_quit(s);
}

static void test_b64(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);
    uint8_t out[5];
    static const uint8_t in[5] = { 0xfb, 0xff, 0x00, 0x3e, 0x7f };

    check_rsp(s, "b64write 0x3000 3 AQID", "OK");
    check_rsp(s, "read 0x3000 3", "OK 0x010203");
    check_rsp(s, "b64read 0x3000 3", "OK AQID");
    check_rsp(s, "b64read 0x3000 4", "OK AQIDAA==");
    check_rsp(s, "b64read 0x3000 0", "OK ");
    check_rsp(s, "b64write 0x3000 3 QQ", "ERR invalid argument size");
    check_rsp(s, "read 0x3000 3", "OK 0x010203");
    /* A decoded length different from SIZE writes min(SIZE, decoded). */
    check_rsp(s, "b64write 0x3010 2 BAUG", "OK");
    check_rsp(s, "read 0x3010 3", "OK 0x040500");

    qtest_bufwrite(s, 0x3100, in, sizeof(in));
    check_rsp(s, "read 0x3100 5", "OK 0xfbff003e7f");
    qtest_bufread(s, 0x3100, out, sizeof(out));
    g_assert_cmpmem(out, sizeof(out), in, sizeof(in));
    qtest_quit(s);
}

static void test_memset(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);
    uint8_t buf[100];
    int i;

    check_rsp(s, "memset 0x4000 0x10 0x1a5", "OK");
    check_rsp(s, "read 0x4000 17",
              "OK 0xa5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a500");
    check_rsp(s, "memset 0x4000 0 0x11", "OK");
    check_rsp(s, "readb 0x4000", "OK 0x00000000000000a5");

    qtest_memset(s, 0x4100, 0x5a, sizeof(buf));
    qtest_memread(s, 0x4100, buf, sizeof(buf));
    for (i = 0; i < (int)sizeof(buf); i++) {
        g_assert_cmphex(buf[i], ==, 0x5a);
    }
    g_assert_cmphex(qtest_readb(s, 0x4100 + sizeof(buf)), ==, 0);
    qtest_quit(s);
}

static void test_unmapped(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);

    check_rsp(s, "readl " UNMAPPED_ADDR, "OK 0x0000000000000000");
    check_rsp(s, "read " UNMAPPED_ADDR " 4", "OK 0x00000000");
    check_rsp(s, "b64read " UNMAPPED_ADDR " 3", "OK AAAA");
    check_rsp(s, "writel " UNMAPPED_ADDR " 0xffffffff", "OK");
    check_rsp(s, "write " UNMAPPED_ADDR " 2 0xffff", "OK");
    check_rsp(s, "memset " UNMAPPED_ADDR " 16 0xff", "OK");
    check_rsp(s, "readq " UNMAPPED_ADDR, "OK 0x0000000000000000");
    /* A read straddling the end of RAM: the unmapped part reads zero. */
    check_rsp(s, "write 0xfffffe 2 0xabcd", "OK");
    check_rsp(s, "read 0xfffffe 4", "OK 0xabcd0000");
    check_rsp(s, "readl 0xfffffe", "OK 0x000000000000cdab");
    qtest_quit(s);
}

static void test_port_io(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);

    check_rsp(s, "inb 0x0", "OK 0x00ff");
    check_rsp(s, "inw 0x10", "OK 0xffff");
    check_rsp(s, "inl 0x20", "OK 0xffffffff");
    check_rsp(s, "outb 0x10 0x12", "OK");
    check_rsp(s, "outw 0x10 0x1234", "OK");
    check_rsp(s, "outl 0x10 0x12345678", "OK");
    check_rsp(s, "inb 0x10", "OK 0x00ff");
    check_rsp(s, "inb 0xffff", "OK 0x00ff");
    /* Port I/O is not guest memory. */
    check_rsp(s, "readb 0x10", "OK 0x0000000000000000");

    g_assert_cmphex(qtest_inb(s, 0x60), ==, 0xff);
    g_assert_cmphex(qtest_inw(s, 0x60), ==, 0xffff);
    g_assert_cmphex(qtest_inl(s, 0x60), ==, 0xffffffff);
    qtest_outb(s, 0x60, 1);
    qtest_outw(s, 0x60, 1);
    qtest_outl(s, 0x60, 1);
    qtest_quit(s);
}

static void test_clock(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);
    g_autofree char *expect = NULL;
    g_autofree char *req = NULL;
    int64_t t0, t1, t2;

    t0 = qtest_clock_step(s, 0);
    g_assert_cmpint(t0, >=, 0);
    t1 = qtest_clock_step(s, 1000);
    g_assert_cmpint(t1, ==, t0 + 1000);
    /* The clock is frozen between steps. */
    g_assert_cmpint(qtest_clock_step(s, 0), ==, t1);

    /* The none machine has no timers. */
    check_rsp(s, "clock_step", "FAIL cannot advance clock to the next "
              "deadline because there is no pending deadline");

    t2 = t1 + 5000;
    g_assert_cmpint(qtest_clock_set(s, t2), ==, t2);
    /* Setting the current time again is fine... */
    req = g_strdup_printf("clock_set %" PRIi64, t2);
    expect = g_strdup_printf("OK %" PRIi64, t2);
    check_rsp(s, req, expect);
    /* ...but the past is refused with the current time. */
    g_free(req);
    g_free(expect);
    req = g_strdup_printf("clock_set %" PRIi64, t0);
    expect = g_strdup_printf("FAIL %" PRIi64, t2);
    check_rsp(s, req, expect);
    g_assert_cmpint(qtest_clock_step(s, 0), ==, t2);

    /* Decimal "OK <ns>" for the raw form too. */
    g_free(expect);
    expect = g_strdup_printf("OK %" PRIi64, t2 + 10);
    check_rsp(s, "clock_step 10", expect);
    qtest_quit(s);
}

static void test_clock_needs_qtest_accel(void)
{
    /* The first -accel that initialises wins; libqtest appends qtest. */
    QTestState *s = qtest_init(PROTO_ARGS " -accel tcg");

    check_rsp(s, "clock_step", "FAIL Unknown command 'clock_step'");
    check_rsp(s, "clock_step 10", "FAIL Unknown command 'clock_step'");
    check_rsp(s, "clock_set 10", "FAIL Unknown command 'clock_set'");
    /* Memory access works under a real accelerator too. */
    check_rsp(s, "writeb 0x10 0x42", "OK");
    check_rsp(s, "readb 0x10", "OK 0x0000000000000042");
    qtest_quit(s);
}

static void test_unknown_command(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);

    check_rsp(s, "foo", "FAIL Unknown command 'foo'");
    check_rsp(s, "foo bar baz", "FAIL Unknown command 'foo'");
    check_rsp(s, "READB 0x0", "FAIL Unknown command 'READB'");
    /* No loadable modules. */
    check_rsp(s, "module_load block iscsi", "FAIL");
    check_alive(s);
    qtest_quit(s);
}

static void test_bad_arguments(void)
{
    static const char *const bad[] = {
        "readb", "readb zz", "readb 0x10zz", "readb -1", "readb 0x",
        "readb 08", "readw 99999999999999999999999", "readq 0xfffffffffffffffc",
        "writeb 0x10", "writeb 0x10 zz", "writel zz 1", "writeb 0x10 -1",
        "read 0x0", "read 0x0 0", "read 0x0 zz", "read zz 4",
        "read 0x0 0x100000000", "read 0xffffffffffffffff 2",
        "write 0x0 4", "write 0x0 zz 0x00", "write 0x0 2 0xzz",
        "write 0x0 2 1234", "write 0x0 0x100000000 0x00",
        "b64read 0x0", "b64read 0x0 zz",
        "b64write 0x0 3", "b64write 0x0 3 ####", "b64write 0x0 3 AQI",
        "b64write 0x0 4 A=AA",
        "memset 0x0 0x10", "memset 0x0 0x10 zz", "memset zz 1 1",
        "memset 0x0 0x200000000 0", "memset 0xffffffffffffff00 0x200 0",
        "inb", "inb zz", "inb 0x10000", "outb 0x10000 1", "outb 0x10",
        "outl 0x10 zz",
        "irq_intercept_in", "irq_intercept_out", "set_irq_in /machine",
        "set_irq_in /machine unnamed-gpio-in 0",
        "clock_set", "clock_set zz", "clock_step zz", "clock_step 1x",
        "clock_step -5",
        "module_load",
    };
    QTestState *s = qtest_init(PROTO_ARGS);
    size_t i;

    check_rsp(s, "writeb 0x0 0x5a", "OK");
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *rsp = qtest_rsp_line(s, "%s", bad[i]);

        if (!g_str_has_prefix(rsp, "ERR ")) {
            g_test_message("request '%s': got '%s', expected ERR", bad[i],
                           rsp);
        }
        g_assert_true(g_str_has_prefix(rsp, "ERR "));
        check_rsp(s, "readb 0x0", "OK 0x000000000000005a");
    }
    /* Nothing was written by the refused requests. */
    check_rsp(s, "read 0x0 2", "OK 0x5a00");
    check_alive(s);
    qtest_quit(s);
}

static void test_framing(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);
    g_autofree char *rsp = NULL;
    char *line;

    check_rsp(s, "writeb 0x1000 0x77", "OK");

    /* Runs of spaces separate words like one space. */
    check_rsp(s, "readb  0x1000", "OK 0x0000000000000077");
    check_rsp(s, "  writeb   0x1001    0x66  ", "OK");
    check_rsp(s, "read 0x1000 2", "OK 0x7766");
    /* A trailing CR is stripped. */
    check_rsp(s, "readb 0x1001\r", "OK 0x0000000000000066");

    /* Empty lines (also a lone CR) get no reply. */
    qtest_send_raw(s, "\n\r\nendianness\ninb 0x0\n");
    line = qtest_recv_line(s);
    g_assert_cmpstr(line, ==, "OK little");
    g_free(line);
    line = qtest_recv_line(s);
    g_assert_cmpstr(line, ==, "OK 0x00ff");
    g_free(line);

    /* Several requests in one write, replies in order. */
    qtest_send_raw(s, "readb 0x1000\nreadb 0x1001\nendianness\n");
    line = qtest_recv_line(s);
    g_assert_cmpstr(line, ==, "OK 0x0000000000000077");
    g_free(line);
    line = qtest_recv_line(s);
    g_assert_cmpstr(line, ==, "OK 0x0000000000000066");
    g_free(line);
    line = qtest_recv_line(s);
    g_assert_cmpstr(line, ==, "OK little");
    g_free(line);

    /* One request split over several writes. */
    qtest_send_raw(s, "rea");
    qtest_send_raw(s, "db 0x10");
    qtest_send_raw(s, "01\n");
    line = qtest_recv_line(s);
    g_assert_cmpstr(line, ==, "OK 0x0000000000000066");
    g_free(line);

    /* A line of blanks is not a command. */
    rsp = qtest_rsp_line(s, "   ");
    g_assert_false(g_str_has_prefix(rsp, "OK"));
    check_alive(s);
    qtest_quit(s);
}

static void test_max_transfer(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);
    const size_t max = PROTO_RAM_SIZE;     /* the server's transfer cap */
    GString *req = g_string_sized_new(2 * max + 64);
    g_autofree char *rsp = NULL;
    size_t i;

    /* A maximal write: the whole RAM, 0x00 0x01 ... 0xff repeating. */
    g_string_append_printf(req, "write 0x0 0x%zx 0x", max);
    for (i = 0; i < max; i++) {
        g_string_append_printf(req, "%02x", (unsigned)(i & 0xff));
    }
    rsp = qtest_rsp_line(s, "%s", req->str);
    g_assert_cmpstr(rsp, ==, "OK");
    g_free(rsp);

    rsp = qtest_rsp_line(s, "read 0x0 0x%zx", max);
    g_assert_cmpuint(strlen(rsp), ==, 5 + 2 * max);
    g_assert_true(memcmp(rsp + 5, req->str + req->len - 2 * max,
                         2 * max) == 0);
    g_free(rsp);

    /* One byte more is refused, not allocated. */
    rsp = qtest_rsp_line(s, "read 0x0 0x%zx", max + 1);
    g_assert_true(g_str_has_prefix(rsp, "ERR "));
    g_free(rsp);

    /* An endless line is refused once, then the session goes on. */
    g_string_truncate(req, 0);
    g_string_append(req, "write 0x0 0x10 0x");
    while (req->len < 2 * max + 1024 * 1024) {
        g_string_append(req, "abababababababab");
    }
    rsp = qtest_rsp_line(s, "%s", req->str);
    g_assert_cmpstr(rsp, ==, "ERR request line too long");
    check_rsp(s, "read 0x0 4", "OK 0x00010203");
    check_alive(s);
    g_string_free(req, true);
    qtest_quit(s);
}

static void test_no_cpu(void)
{
    /* "none" without -m has no address space: only the harness basics. */
    QTestState *s = qtest_init("-M none");

    check_rsp(s, "endianness", "OK little");
    check_rsp_prefix(s, "readb 0x0", "FAIL ");
    check_rsp_prefix(s, "read 0x0 4", "FAIL ");
    check_rsp_prefix(s, "writel 0x0 0x1", "FAIL ");
    check_rsp(s, "inb 0x0", "OK 0x00ff");
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_irq_unknown_device(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);

    check_rsp(s, "irq_intercept_in /machine/no-such-device",
              "FAIL Unknown device");
    check_rsp(s, "irq_intercept_out /machine/no-such-device",
              "FAIL Unknown device");
    check_rsp(s, "irq_intercept_out /machine/no-such-device named",
              "FAIL Unknown device");
    check_rsp(s, "set_irq_in /machine/no-such-device unnamed-gpio-in 0 1",
              "FAIL Unknown device");
    /* The machine is an object but not a device. */
    check_rsp(s, "irq_intercept_in /machine", "FAIL Unknown device");
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_false(qtest_get_irq(s, 255));
    check_alive(s);
    qtest_quit(s);
}

/* QOM path of the first object below `path` whose type is `type`. */
static char *find_object(QTestState *s, const char *path, const char *type)
{
    JsonNode *ret;
    JsonArray *props;
    char *found = NULL;
    guint i;

    ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'qom-list', 'arguments': {'path': '%s'}}", path);
    props = json_node_get_array(ret);
    for (i = 0; i < json_array_get_length(props) && !found; i++) {
        JsonObject *p = json_array_get_object_element(props, i);
        const char *name = qtest_json_get_str(p, "name");
        const char *ptype = qtest_json_get_str(p, "type");
        g_autofree char *child = NULL;
        g_autofree char *want = g_strdup_printf("child<%s>", type);

        if (!name || !ptype || !g_str_has_prefix(ptype, "child<")) {
            continue;
        }
        child = g_strdup_printf("%s/%s", strcmp(path, "/") ? path : "", name);
        if (strcmp(ptype, want) == 0) {
            found = g_steal_pointer(&child);
        } else {
            found = find_object(s, child, type);
        }
    }
    json_node_unref(ret);
    return found;
}

/*
 * Interception on the virt board's interrupt controller: its output line to
 * the CPU follows ENABLE & (SOFT | inputs), and set_irq_in drives inputs.
 */
static void test_irq_virt_icu(void)
{
    QTestState *s;
    g_autofree char *icu = NULL;
    g_autofree char *req = NULL;
    g_autofree char *rsp = NULL;
    const uint64_t base = VIRT_ICU_PHYS;

    if (!qtest_has_machine("virt")) {
        g_test_skip("machine 'virt' not available");
        return;
    }
    s = qtest_init("-M virt");
    icu = find_object(s, "/machine", "cr16-icu");
    if (!icu) {
        qtest_quit(s);
        g_test_skip("no cr16-icu device on the virt machine");
        return;
    }

    qtest_irq_intercept_out(s, icu);
    /* The same device again: OK, nothing changes. */
    qtest_irq_intercept_out(s, icu);
    rsp = qtest_rsp_line(s, "irq_intercept_in %s extra", icu);
    g_assert_cmpstr(rsp, ==, "FAIL Interception of named in-GPIOs not yet "
                    "supported");
    g_assert_false(qtest_get_irq(s, 0));

    /* Software source 5, enabled: the CPU line goes high. */
    qtest_writel(s, base + VIRT_ICU_ENABLE, 1 << 5);
    qtest_writel(s, base + VIRT_ICU_SOFT, 1 << 5);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, base + VIRT_ICU_VECTOR), ==,
                    VIRT_ICU_VECTOR_BASE + 5);
    qtest_writel(s, base + VIRT_ICU_SOFT, 0);
    g_assert_false(qtest_get_irq(s, 0));

    /* Input line 3 driven through set_irq_in. */
    qtest_writel(s, base + VIRT_ICU_ENABLE, 1 << 3);
    qtest_set_irq_in(s, icu, NULL, 3, 1);
    g_assert_cmphex(qtest_readl(s, base + VIRT_ICU_PENDING) & (1 << 3), ==,
                    1 << 3);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_set_irq_in(s, icu, "unnamed-gpio-in", 3, 0);
    g_assert_cmphex(qtest_readl(s, base + VIRT_ICU_PENDING) & (1 << 3), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));

    /* Repeating for the same device is fine; another one is refused. */
    req = g_strdup_printf("irq_intercept_in %s", icu);
    check_rsp(s, req, "OK");
    check_rsp(s, "irq_intercept_out /machine/timer",
              "FAIL IRQ intercept already enabled");
    check_rsp(s, "irq_intercept_in /machine/timer",
              "FAIL IRQ intercept already enabled");
    qtest_quit(s);
}

/*
 * The timer drives ICU input VIRT_IRQ_TIMER when COUNT reaches COMPARE;
 * clock_step without argument jumps exactly to that deadline.
 */
static void test_irq_virt_timer(void)
{
    const uint64_t timer = VIRT_TIMER_PHYS;
    QTestState *s;
    g_autofree char *icu = NULL;
    int64_t t0, t1;

    if (!qtest_has_machine("virt")) {
        g_test_skip("machine 'virt' not available");
        return;
    }
    s = qtest_init("-M virt");
    icu = find_object(s, "/machine", "cr16-icu");
    g_assert_nonnull(icu);
    qtest_irq_intercept_in(s, icu);
    g_assert_false(qtest_get_irq(s, VIRT_IRQ_TIMER));

    t0 = qtest_clock_step(s, 0);
    qtest_writel(s, timer + VIRT_TIMER_COMPARE, 10);
    qtest_writel(s, timer + VIRT_TIMER_CTRL,
                 VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_IE);
    g_assert_false(qtest_get_irq(s, VIRT_IRQ_TIMER));
    t1 = qtest_clock_step_next(s);
    g_assert_cmpint(t1, >, t0);
    g_assert_cmpint(t1, <=, t0 + 10 * VIRT_TIMER_TICK_NS);
    /* Step on until the match (a model may arm intermediate deadlines). */
    while (!qtest_get_irq(s, VIRT_IRQ_TIMER) &&
           t1 < t0 + 10 * VIRT_TIMER_TICK_NS) {
        t1 = qtest_clock_step_next(s);
    }
    g_assert_cmpint(t1, ==, t0 + 10 * VIRT_TIMER_TICK_NS);
    g_assert_true(qtest_get_irq(s, VIRT_IRQ_TIMER));
    g_assert_cmphex(qtest_readl(s, timer + VIRT_TIMER_STATUS) &
                    VIRT_TIMER_STATUS_MATCH, ==, VIRT_TIMER_STATUS_MATCH);
    /* Acknowledging the match lowers the line. */
    qtest_writel(s, timer + VIRT_TIMER_STATUS, VIRT_TIMER_STATUS_MATCH);
    g_assert_false(qtest_get_irq(s, VIRT_IRQ_TIMER));
    qtest_quit(s);
}

static void test_trace_log(void)
{
    g_autofree char *dir = g_dir_make_tmp("qtest-log-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "trace", NULL);
    g_autofree char *text = NULL;
    QTestState *s;

    g_assert_nonnull(dir);
    /* The later -qtest-log overrides the harness's /dev/null. */
    s = qtest_initf(PROTO_ARGS " -qtest-log %s", path);
    check_rsp(s, "writeb 0x1000 0x33", "OK");
    check_rsp(s, "readb   0x1000", "OK 0x0000000000000033");
    qtest_quit(s);

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    unlink(path);
    rmdir(dir);
    g_test_message("trace:\n%s", text);
    g_assert_nonnull(strstr(text, "] OPENED\n"));
    g_assert_nonnull(strstr(text, "] readb 0x1000\n"));
    g_assert_nonnull(strstr(text, "] OK 0x0000000000000033\n"));
    g_assert_nonnull(strstr(text, "[R +"));
    g_assert_nonnull(strstr(text, "[S +"));
}

/* ------------------------------------------------------------------ */
/* Harness                                                               */
/* ------------------------------------------------------------------ */

static void test_harness_bulk(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);
    /* Larger than libqtest's 1 MiB chunk, not a multiple of it. */
    const size_t size = 3 * 1024 * 1024 + 123;
    g_autofree uint8_t *in = g_malloc(size);
    g_autofree uint8_t *out = g_malloc(size);
    size_t i;

    for (i = 0; i < size; i++) {
        in[i] = g_test_rand_int();
    }
    qtest_memwrite(s, 0x100001, in, size);
    qtest_memread(s, 0x100001, out, size);
    g_assert_cmpmem(out, size, in, size);
    g_assert_cmphex(qtest_readb(s, 0x100000), ==, 0);

    for (i = 0; i < size; i++) {
        in[i] ^= 0x5a;
    }
    qtest_bufwrite(s, 0x800003, in, size);
    qtest_bufread(s, 0x800003, out, size);
    g_assert_cmpmem(out, size, in, size);
    memset(out, 0, size);
    qtest_memread(s, 0x800003, out, size);
    g_assert_cmpmem(out, size, in, size);

    qtest_memset(s, 0x800003, 0xc3, size);
    qtest_bufread(s, 0x800003, out, size);
    for (i = 0; i < size; i++) {
        g_assert_cmphex(out[i], ==, 0xc3);
    }
    /* Empty transfers send nothing and succeed. */
    qtest_memwrite(s, 0, in, 0);
    qtest_memread(s, 0, out, 0);
    qtest_bufwrite(s, 0, in, 0);
    qtest_bufread(s, 0, out, 0);
    check_alive(s);
    qtest_quit(s);
}

static bool count_resume(QTestState *s, const char *name, JsonObject *event,
                         void *opaque)
{
    int *count = opaque;

    if (strcmp(name, "RESUME") != 0) {
        return false;
    }
    (*count)++;
    return true;
}

static const char *rsp_status(JsonObject *rsp)
{
    return qtest_json_get_str(json_object_get_object_member(rsp, "return"),
                              "status");
}

static void test_harness_qmp(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);
    JsonObject *rsp, *ev, *err;
    JsonNode *ret;
    int resumed = 0;
    int fds[2];

    rsp = qtest_qmp(s, "{'execute': 'query-status'}");
    g_assert_cmpstr(rsp_status(rsp), ==, "running");
    json_object_unref(rsp);

    /* STOP is written before the response: it waits on the pending list. */
    qtest_qmp_assert_success(s, "{'execute': 'stop'}");
    ev = qtest_qmp_event_ref(s, "STOP");
    g_assert_nonnull(ev);
    g_assert_true(json_object_has_member(ev, "timestamp"));
    json_object_unref(ev);
    g_assert_null(qtest_qmp_event_ref(s, "STOP"));

    /* The callback consumes RESUME; nothing is left pending. */
    qtest_qmp_set_event_callback(s, count_resume, &resumed);
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    g_assert_cmpint(resumed, ==, 1);
    g_assert_null(qtest_qmp_event_ref(s, "RESUME"));
    qtest_qmp_set_event_callback(s, NULL, NULL);

    qtest_qmp_assert_success(s, "{\"execute\": \"stop\"}");
    qtest_qmp_eventwait(s, "STOP");

    ret = qtest_qmp_assert_success_ref(s, "{'execute': 'query-status'}");
    g_assert_true(JSON_NODE_HOLDS_OBJECT(ret));
    g_assert_cmpstr(qtest_json_get_str(json_node_get_object(ret), "status"),
                    ==, "paused");
    json_node_unref(ret);

    /* Errors. */
    err = qtest_qmp_assert_failure_ref(s, "{'execute': 'no-such-command'}");
    g_assert_cmpstr(qtest_json_get_str(err, "class"), ==, "CommandNotFound");
    json_object_unref(err);
    qmp_expect_error_and_unref(qtest_qmp(s, "{'execute': 'bogus'}"),
                               "CommandNotFound");

    /* A command in pieces, no newline until the end. */
    qtest_qmp_send_raw(s, "{'execute': ");
    qtest_qmp_send_raw(s, "'query-status'}");
    rsp = qtest_qmp_receive(s);
    g_assert_cmpstr(rsp_status(rsp), ==, "paused");
    json_object_unref(rsp);
    qtest_qmp_send(s, "{'execute': 'query-status'}");
    rsp = qtest_qmp_receive_dict(s);
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);

    /* File descriptors travel with the command. */
    g_assert_cmpint(pipe(fds), ==, 0);
    rsp = qtest_qmp_fds(s, &fds[0], 1, "{'execute': 'getfd', "
                        "'arguments': {'fdname': 'fd0'}}");
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);
    close(fds[0]);
    close(fds[1]);
    qtest_qmp_assert_success(s, "{'execute': 'closefd', "
                             "'arguments': {'fdname': 'fd0'}}");
    err = qtest_qmp_assert_failure_ref(s, "{'execute': 'closefd', "
                                       "'arguments': {'fdname': 'fd0'}}");
    g_assert_cmpstr(qtest_json_get_str(err, "desc"), ==,
                    "File descriptor named 'fd0' not found");
    json_object_unref(err);
    qtest_quit(s);
}

static void test_harness_extra_monitor(void)
{
    g_autofree char *dir = g_dir_make_tmp("qtest-mon-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "mon", NULL);
    JsonObject *obj;
    QTestState *s;
    int listen_fd, fd;

    listen_fd = qtest_socket_server(path);
    s = qtest_initf(PROTO_ARGS " -chardev socket,path=%s,id=mon1 "
                    "-mon chardev=mon1,mode=control", path);
    fd = qtest_socket_accept(listen_fd);
    close(listen_fd);
    unlink(path);
    rmdir(dir);

    obj = qmp_fd_receive(fd);
    g_assert_true(json_object_has_member(obj, "QMP"));
    json_object_unref(obj);
    obj = qmp_fd(fd, "{'execute': 'qmp_capabilities'}");
    g_assert_true(json_object_has_member(obj, "return"));
    json_object_unref(obj);

    /* Events reach every monitor in command mode. */
    qtest_qmp_assert_success(s, "{'execute': 'stop'}");
    obj = qmp_fd_receive(fd);
    g_assert_cmpstr(qtest_json_get_str(obj, "event"), ==, "STOP");
    json_object_unref(obj);

    qmp_fd_send(fd, "{'execute': 'query-status'}");
    obj = qmp_fd_receive(fd);
    g_assert_cmpstr(rsp_status(obj), ==, "paused");
    json_object_unref(obj);
    close(fd);
    qtest_quit(s);
}

static void test_harness_serial(void)
{
    const uint64_t uart = VIRT_UART_PHYS;
    struct pollfd pfd = { .events = POLLIN };
    gint64 deadline;
    QTestState *s;
    char c = 0;
    int fd;

    if (!qtest_has_machine("virt")) {
        g_test_skip("machine 'virt' not available");
        return;
    }
    s = qtest_init_with_serial("-M virt", &fd);
    /* Guest-side output reaches the harness's end of the socket. */
    qtest_writeb(s, uart + VIRT_UART_DATA, 'A');
    pfd.fd = fd;
    g_assert_cmpint(poll(&pfd, 1, 10 * 1000), ==, 1);
    g_assert_cmpint(read(fd, &c, 1), ==, 1);
    g_assert_cmpint(c, ==, 'A');

    /* Input arrives in the receive FIFO (polled with a deadline). */
    g_assert_cmpint(write(fd, "B", 1), ==, 1);
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!(qtest_readl(s, uart + VIRT_UART_STATUS) &
             VIRT_UART_STATUS_RXAVAIL)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    g_assert_cmphex(qtest_readl(s, uart + VIRT_UART_DATA), ==, 'B');
    close(fd);
    qtest_quit(s);
}

static void test_harness_probes(void)
{
    g_assert_true(qtest_has_machine("none"));
    g_assert_false(qtest_has_machine("no-such-machine"));
    g_assert_null(qtest_resolve_machine_alias("no-such-alias"));
    g_assert_true(qtest_has_accel("tcg"));
    g_assert_true(qtest_has_accel("qtest"));
    g_assert_false(qtest_has_accel("kvm"));
    g_assert_false(qtest_has_accel("no-such"));
    g_assert_false(qtest_has_device("no-such-device"));
    g_assert_cmpstr(qtest_get_arch(), ==, "cr16");
}

static void test_harness_self_exit(void)
{
    QTestState *s = qtest_init(PROTO_ARGS);

    /* quit may close the socket before its response: do not wait for it. */
    qtest_qmp_send(s, "{'execute': 'quit'}");
    qtest_wait_qemu(s);
    g_assert_false(qtest_probe_child(s));
    qtest_quit(s);
}

static void test_harness_fail_fast(void)
{
    gint64 start;

    if (g_test_subprocess()) {
        qtest_init("-M no-such-machine");
        return;
    }
    start = g_get_monotonic_time();
    g_test_trap_subprocess(NULL, 40 * G_USEC_PER_SEC, 0);
    g_assert_false(g_test_trap_reached_timeout());
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*exited with status 1 during start-up*");
    /* Well before the 50 s accept timeout. */
    g_assert_cmpint(g_get_monotonic_time() - start, <, 30 * G_USEC_PER_SEC);
}

static void test_harness_exit_status(void)
{
    if (g_test_subprocess()) {
        QTestState *s = qtest_init(PROTO_ARGS);

        qtest_set_expected_status(s, 1);
        qtest_quit(s);
        return;
    }
    g_test_trap_subprocess(NULL, 60 * G_USEC_PER_SEC, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*kill_qemu() tried to terminate QEMU process "
                              "but encountered exit status 0 (expected 1)*");
}

static char *abort_pid_file(pid_t harness)
{
    return g_strdup_printf("%s/qtest-proto-abort-%d.pid", g_get_tmp_dir(),
                           (int)harness);
}

static void test_harness_abort_kills(void)
{
    g_autofree char *file = NULL;
    g_autofree char *text = NULL;
    guint64 pid;

    if (g_test_subprocess()) {
        QTestState *s = qtest_init(PROTO_ARGS);
        g_autofree char *pidtext = g_strdup_printf("%d", (int)qtest_pid(s));

        file = abort_pid_file(getppid());
        g_assert_true(g_file_set_contents(file, pidtext, -1, NULL));
        /* A failing assertion while the emulator runs. */
        abort();
    }
    file = abort_pid_file(getpid());
    unlink(file);
    g_test_trap_subprocess(NULL, 60 * G_USEC_PER_SEC, 0);
    g_test_trap_assert_failed();
    g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
    unlink(file);
    g_assert_true(g_ascii_string_to_unsigned(text, 10, 1, G_MAXINT, &pid,
                                             NULL));
    /* The hook reaped the emulator before the harness died. */
    g_assert_cmpint(kill((pid_t)pid, 0), ==, -1);
    g_assert_cmpint(errno, ==, ESRCH);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/qtest/protocol/endianness", test_endianness);
    qtest_add_func("/qtest/protocol/sized-access", test_sized_access);
    qtest_add_func("/qtest/protocol/read-write-hex", test_read_write_hex);
    qtest_add_func("/qtest/protocol/b64", test_b64);
    qtest_add_func("/qtest/protocol/memset", test_memset);
    qtest_add_func("/qtest/protocol/unmapped", test_unmapped);
    qtest_add_func("/qtest/protocol/port-io", test_port_io);
    qtest_add_func("/qtest/protocol/clock", test_clock);
    qtest_add_func("/qtest/protocol/clock-needs-qtest-accel",
                   test_clock_needs_qtest_accel);
    qtest_add_func("/qtest/protocol/unknown-command", test_unknown_command);
    qtest_add_func("/qtest/protocol/bad-arguments", test_bad_arguments);
    qtest_add_func("/qtest/protocol/framing", test_framing);
    qtest_add_func("/qtest/protocol/max-transfer", test_max_transfer);
    qtest_add_func("/qtest/protocol/no-cpu", test_no_cpu);
    qtest_add_func("/qtest/protocol/irq/unknown-device",
                   test_irq_unknown_device);
    qtest_add_func("/qtest/protocol/irq/virt-icu", test_irq_virt_icu);
    qtest_add_func("/qtest/protocol/irq/virt-timer", test_irq_virt_timer);
    qtest_add_func("/qtest/protocol/trace-log", test_trace_log);
    qtest_add_func("/qtest/harness/bulk", test_harness_bulk);
    qtest_add_func("/qtest/harness/qmp", test_harness_qmp);
    qtest_add_func("/qtest/harness/extra-monitor", test_harness_extra_monitor);
    qtest_add_func("/qtest/harness/serial", test_harness_serial);
    qtest_add_func("/qtest/harness/probes", test_harness_probes);
    qtest_add_func("/qtest/harness/self-exit", test_harness_self_exit);
    qtest_add_func("/qtest/harness/fail-fast", test_harness_fail_fast);
    qtest_add_func("/qtest/harness/exit-status", test_harness_exit_status);
    qtest_add_func("/qtest/harness/abort-kills", test_harness_abort_kills);

    return g_test_run();
}
