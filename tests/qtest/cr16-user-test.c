/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a user of the virt board reaches for (issue 11): a board without a
 * guest program waits instead of exiting, a guest fault loop never writes
 * into device registers, and the QMP commands inject-nmi, memsave,
 * pmemsave, device_add/device_del (DEVICE_DELETED),
 * device-list-properties, query-command-line-options,
 * trace-event-get-state/-set-state, plus -device loader and -trace.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "hw/cr16/virt.h"

/* Guests may be slow under sanitizers and load. */
#define USER_TIMEOUT_US     (120 * G_USEC_PER_SEC)

/* br . (branch to itself) */
#define INSN_BR_SELF_LO     0xe0
#define INSN_BR_SELF_HI     0x10

static char *tmpdir_new(void)
{
    char *dir = g_dir_make_tmp("cr16-user-XXXXXX", NULL);

    g_assert_nonnull(dir);
    return dir;
}

static void tmpdir_free(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        unlink(path);
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(dir);
    g_free(dir);
}

static char *write_file(const char *dir, const char *name, const void *data,
                        size_t len)
{
    char *path = g_build_filename(dir, name, NULL);

    g_assert_true(g_file_set_contents(path, data, len, NULL));
    return path;
}

static uint64_t cpu_reg(QTestState *s, const char *name)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
        "{'execute': 'qom-get', 'arguments': "
        "{'path': '/machine/cpu', 'property': '%s'}}", name);
    uint64_t v = json_node_get_int(ret);

    json_node_unref(ret);
    return v;
}

/* The same while the guest runs: registers are read with the VM paused. */
static uint64_t cpu_reg_live(QTestState *s, const char *name)
{
    uint64_t v;

    qtest_qmp_assert_success(s, "{'execute': 'stop'}");
    v = cpu_reg(s, name);
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    return v;
}

static const char *status_of(QTestState *s, char **buf)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
        "{'execute': 'query-status'}");

    *buf = g_strdup(json_object_get_string_member(json_node_get_object(ret),
                                                  "status"));
    json_node_unref(ret);
    return *buf;
}

/* Poll register `name` until it equals `want` (bounded). */
static void wait_reg(QTestState *s, const char *name, uint64_t want)
{
    gint64 deadline = g_get_monotonic_time() + USER_TIMEOUT_US;

    while (cpu_reg_live(s, name) != want) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
}

/* ---- defect: no guest program ---- */

static void test_no_program_waits(void)
{
    QTestState *s = qtest_init("-accel tcg -M virt");
    g_autofree char *st = NULL;

    /* Zeroed RAM would fault at once; a held CPU has not moved. */
    g_assert_cmpstr(status_of(s, &st), ==, "running");
    g_assert_cmphex(cpu_reg_live(s, "pc"), ==, 0);
    g_assert_cmphex(cpu_reg_live(s, "isp"), ==, VIRT_RESET_ISP);
    g_assert_true(qtest_probe_child(s));
    qtest_quit(s);
}

static void test_fault_loop_contained(void)
{
    char *dir = tmpdir_new();
    static const uint8_t zeros[2];      /* an undefined instruction */
    g_autofree char *prog = write_file(dir, "zeros.bin", zeros,
                                       sizeof(zeros));
    QTestState *s = qtest_initf("-accel tcg -M virt -kernel %s", prog);
    gint64 deadline = g_get_monotonic_time() + USER_TIMEOUT_US;
    g_autofree char *st = NULL;

    /* Each fault pushes 6 bytes and lands at 0 again: the stack walks
     * down through RAM until the CPU refuses to wrap into the devices. */
    while (cpu_reg_live(s, "isp") >= 6) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_assert_true(qtest_probe_child(s));
        g_usleep(10000);
    }
    g_assert_cmpstr(status_of(s, &st), ==, "running");
    g_assert_cmphex(cpu_reg_live(s, "pc"), ==, 0);
    /* The device registers were never written by the frames. */
    g_assert_cmphex(qtest_readl(s, VIRT_SYSCTL_PHYS + VIRT_SYSCTL_SCRATCH),
                    ==, 0);
    g_assert_true(qtest_probe_child(s));
    qtest_quit(s);
    tmpdir_free(dir);
}

/* ---- inject-nmi ---- */

static void test_inject_nmi(void)
{
    char *dir = tmpdir_new();
    /* 0: br .; 2: NMI entry (INTBASE 0, 16-bit) -> 0x10; 0x10: br . */
    uint8_t prog[0x12] = { INSN_BR_SELF_LO, INSN_BR_SELF_HI, 0x08, 0x00 };
    g_autofree char *path = NULL;
    QTestState *s;

    prog[0x10] = INSN_BR_SELF_LO;
    prog[0x11] = INSN_BR_SELF_HI;
    path = write_file(dir, "nmi.bin", prog, sizeof(prog));
    s = qtest_initf("-S -accel tcg -M virt -kernel %s", path);
    qtest_qmp_assert_success(s, "{'execute': 'inject-nmi'}");
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    wait_reg(s, "pc", 0x10);
    /* A frame of PSR + return address went below the reset ISP. */
    g_assert_cmphex(cpu_reg_live(s, "isp"), ==, VIRT_RESET_ISP - 6);
    qtest_quit(s);

    /* No CPU: QEMU's "unsupported" error. */
    s = qtest_init("-M none");
    {
        JsonObject *err = qtest_qmp_assert_failure_ref(s,
            "{'execute': 'inject-nmi'}");

        g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                        "this feature or command is not currently supported");
        json_object_unref(err);
    }
    qtest_quit(s);
    tmpdir_free(dir);
}

/* ---- memsave / pmemsave ---- */

static void check_file(const char *path, const uint8_t *want, size_t len)
{
    g_autofree char *got = NULL;
    gsize got_len;

    g_assert_true(g_file_get_contents(path, &got, &got_len, NULL));
    g_assert_cmpmem(got, got_len, want, len);
}

static void test_memsave(void)
{
    char *dir = tmpdir_new();
    g_autofree char *file = g_build_filename(dir, "dump", NULL);
    QTestState *s = qtest_init("-M virt -m 16M");
    uint8_t low[32], banked[16];
    JsonObject *err;

    for (size_t i = 0; i < sizeof(low); i++) {
        low[i] = 0x30 + i;
    }
    for (size_t i = 0; i < sizeof(banked); i++) {
        banked[i] = 0xc0 + i;
    }
    qtest_memwrite(s, 0x1000, low, sizeof(low));
    qtest_memwrite(s, 2 * VIRT_WINDOW_SIZE + 0x40, banked, sizeof(banked));

    qtest_qmp_assert_success(s, "{'execute': 'pmemsave', 'arguments': "
                             "{'val': 4096, 'size': 32, 'filename': '%s'}}",
                             file);
    check_file(file, low, sizeof(low));
    qtest_qmp_assert_success(s, "{'execute': 'memsave', 'arguments': "
                             "{'val': 4096, 'size': 32, 'filename': '%s'}}",
                             file);
    check_file(file, low, sizeof(low));

    /* The CPU sees the window at BANK * 4 MiB. */
    qtest_writel(s, VIRT_SYSCTL_PHYS + VIRT_SYSCTL_BANK, 2);
    qtest_qmp_assert_success(s, "{'execute': 'memsave', 'arguments': "
                             "{'val': %d, 'size': 16, 'filename': '%s', "
                             "'cpu-index': 0}}",
                             VIRT_WINDOW_CPU_BASE + 0x40, file);
    check_file(file, banked, sizeof(banked));

    err = qtest_qmp_assert_failure_ref(s, "{'execute': 'memsave', "
        "'arguments': {'val': %d, 'size': 32, 'filename': '%s'}}",
        VIRT_CPU_ADDR_LIMIT - 16, file);
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "Invalid addr 0x0000000000fffff0/size 32 specified");
    json_object_unref(err);
    err = qtest_qmp_assert_failure_ref(s, "{'execute': 'memsave', "
        "'arguments': {'val': 0, 'size': 1, 'filename': '%s', "
        "'cpu-index': 1}}", file);
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "Invalid parameter 'cpu-index'");
    json_object_unref(err);
    err = qtest_qmp_assert_failure_ref(s, "{'execute': 'pmemsave', "
        "'arguments': {'val': 0, 'size': 1, "
        "'filename': '/nonexistent-dir/x'}}");
    g_assert_nonnull(strstr(json_object_get_string_member(err, "desc"),
                            "Could not open '/nonexistent-dir/x'"));
    json_object_unref(err);
    qtest_quit(s);
    tmpdir_free(dir);
}

/* ---- device_add / device_del / device-list-properties ---- */

static bool props_have(JsonArray *props, const char *name)
{
    for (guint i = 0; i < json_array_get_length(props); i++) {
        JsonObject *p = json_array_get_object_element(props, i);

        if (!strcmp(json_object_get_string_member(p, "name"), name)) {
            return true;
        }
    }
    return false;
}

static void test_device_hotplug(void)
{
    QTestState *s = qtest_init("-M virt");
    JsonNode *ret;
    JsonObject *err, *ev, *data;

    ret = qtest_qmp_assert_success_ref(s, "{'execute': "
        "'device-list-properties', 'arguments': {'typename': 'loader'}}");
    g_assert_true(props_have(json_node_get_array(ret), "addr"));
    g_assert_true(props_have(json_node_get_array(ret), "data-len"));
    g_assert_true(props_have(json_node_get_array(ret), "file"));
    g_assert_false(props_have(json_node_get_array(ret), "realized"));
    json_node_unref(ret);
    err = qtest_qmp_assert_failure_ref(s, "{'execute': "
        "'device-list-properties', 'arguments': {'typename': 'nope'}}");
    g_assert_cmpstr(json_object_get_string_member(err, "class"), ==,
                    "DeviceNotFound");
    json_object_unref(err);

    /* Typed JSON values work as with -device. */
    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
        "{'driver': 'loader', 'id': 'ld0', 'addr': 8192, "
        "'data': 305419896, 'data-len': 4}}");
    g_assert_cmphex(qtest_readl(s, 0x2000), ==, 0x12345678);
    err = qtest_qmp_assert_failure_ref(s, "{'execute': 'device_add', "
        "'arguments': {'driver': 'loader', 'id': 'ld0', 'addr': 1, "
        "'data': 1, 'data-len': 1}}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "Duplicate device ID 'ld0'");
    json_object_unref(err);

    qtest_qmp_assert_success(s, "{'execute': 'device_del', "
                             "'arguments': {'id': 'ld0'}}");
    ev = qtest_qmp_eventwait_ref(s, "DEVICE_DELETED");
    data = json_object_get_object_member(ev, "data");
    g_assert_cmpstr(json_object_get_string_member(data, "device"), ==, "ld0");
    g_assert_cmpstr(json_object_get_string_member(data, "path"), ==,
                    "/machine/peripheral/ld0");
    json_object_unref(ev);
    err = qtest_qmp_assert_failure_ref(s, "{'execute': 'device_del', "
                                       "'arguments': {'id': 'ld0'}}");
    g_assert_cmpstr(json_object_get_string_member(err, "class"), ==,
                    "DeviceNotFound");
    json_object_unref(err);
    err = qtest_qmp_assert_failure_ref(s, "{'execute': 'device_del', "
                                       "'arguments': {'id': '/machine/uart'}}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "Device '/machine/uart' is not removable");
    json_object_unref(err);
    /* The id is free again. */
    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
        "{'driver': 'migration-testdev', 'id': 'ld0'}}");
    qtest_quit(s);
}

/* ---- -device loader ---- */

static void test_loader_boots(void)
{
    char *dir = tmpdir_new();
    /* loadb 0x2008, r0 ; storw r0, <sysctl EXIT> ; br . */
    static const uint8_t code[] = {
        0x00, 0x88, 0x08, 0x20,
        0x0f, 0xc9, VIRT_SYSCTL_EXIT, 0x00,
        INSN_BR_SELF_LO, INSN_BR_SELF_HI,
    };
    g_autofree char *path = write_file(dir, "code.bin", code, sizeof(code));
    QTestState *s;

    /* No -kernel: the raw file at 0x1000, the PC there, a data byte. */
    s = qtest_initf("-S -accel tcg -M virt "
                    "-device loader,file=%s,addr=0x1000,cpu-num=0 "
                    "-device loader,addr=0x2008,data=0x42,data-len=1", path);
    g_assert_cmphex(cpu_reg(s, "pc"), ==, 0x1000);
    /* ...and again after a reset */
    qtest_writeb(s, 0x2008, 0);
    qtest_qmp_assert_success(s, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(s, "RESET");        /* the reset is asynchronous */
    g_assert_cmphex(qtest_readb(s, 0x2008), ==, 0x42);
    g_assert_cmphex(cpu_reg(s, "pc"), ==, 0x1000);
    qtest_set_expected_status(s, 0x42);
    qtest_qmp_send(s, "{'execute': 'cont'}");
    qtest_wait_qemu(s);
    qtest_quit(s);

    /* addr + cpu-num alone sets the PC; data-be orders the bytes. */
    s = qtest_initf("-M virt -device loader,addr=0x1234,cpu-num=0 "
                    "-device loader,addr=0x3000,data=0x1122,data-len=2,"
                    "data-be=on");
    g_assert_cmphex(cpu_reg(s, "pc"), ==, 0x1234);
    g_assert_cmphex(qtest_readw(s, 0x3000), ==, 0x2211);
    qtest_quit(s);
    tmpdir_free(dir);
}

/* ---- query-command-line-options ---- */

static void test_command_line_options(void)
{
    QTestState *s = qtest_init("-M none");
    JsonNode *ret;
    JsonArray *all;
    JsonObject *err;
    bool seen_sandbox = false, seen_chardev = false;

    ret = qtest_qmp_assert_success_ref(s,
        "{'execute': 'query-command-line-options'}");
    all = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(all); i++) {
        JsonObject *o = json_array_get_object_element(all, i);
        const char *name = json_object_get_string_member(o, "option");

        if (!strcmp(name, "sandbox")) {
            JsonArray *p = json_object_get_array_member(o, "parameters");

            seen_sandbox = true;
            g_assert_true(props_have(p, "enable"));
            g_assert_true(props_have(p, "spawn"));
            g_assert_true(props_have(p, "resourcecontrol"));
        }
        seen_chardev |= !strcmp(name, "chardev");
    }
    g_assert_true(seen_sandbox && seen_chardev);
    json_node_unref(ret);

    ret = qtest_qmp_assert_success_ref(s, "{'execute': "
        "'query-command-line-options', 'arguments': {'option': 'rtc'}}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(ret)), ==, 1);
    json_node_unref(ret);
    err = qtest_qmp_assert_failure_ref(s, "{'execute': "
        "'query-command-line-options', 'arguments': {'option': 'bogus'}}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "invalid option name: bogus");
    json_object_unref(err);
    qtest_quit(s);
}

/* ---- tracing ---- */

static char *trace_state(QTestState *s, const char *name)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
        "{'execute': 'trace-event-get-state', 'arguments': {'name': '%s'}}",
        name);
    JsonArray *a = json_node_get_array(ret);
    char *state;

    g_assert_cmpuint(json_array_get_length(a), ==, 1);
    state = g_strdup(json_object_get_string_member(
        json_array_get_object_element(a, 0), "state"));
    json_node_unref(ret);
    return state;
}

/* Wait until the trace file holds `want` (bounded). */
static void wait_trace(const char *file, const char *want)
{
    gint64 deadline = g_get_monotonic_time() + USER_TIMEOUT_US;

    for (;;) {
        g_autofree char *text = NULL;

        if (g_file_get_contents(file, &text, NULL, NULL) &&
            strstr(text, want)) {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
}

static void test_trace(void)
{
    char *dir = tmpdir_new();
    g_autofree char *file = g_build_filename(dir, "trace", NULL);
    QTestState *s = qtest_initf("-M virt -trace enable=cr16_uart_tx,"
                                "file=%s", file);
    g_autofree char *st1 = NULL, *st2 = NULL, *st3 = NULL;
    JsonObject *err;
    JsonNode *ret;

    st1 = trace_state(s, "cr16_uart_tx");
    g_assert_cmpstr(st1, ==, "enabled");
    st2 = trace_state(s, "cr16_timer_write");
    g_assert_cmpstr(st2, ==, "disabled");
    qtest_writel(s, VIRT_UART_PHYS + VIRT_UART_DATA, 'Q');
    wait_trace(file, "cr16_uart_tx ch 0x51\n");

    qtest_qmp_assert_success(s, "{'execute': 'trace-event-set-state', "
        "'arguments': {'name': 'cr16_timer_*', 'enable': true}}");
    st3 = trace_state(s, "cr16_timer_write");
    g_assert_cmpstr(st3, ==, "enabled");
    qtest_writel(s, VIRT_TIMER_PHYS + VIRT_TIMER_CTRL, 0);
    wait_trace(file, "cr16_timer_write offset 0x00 value 0x00000000 size 4");

    ret = qtest_qmp_assert_success_ref(s, "{'execute': "
        "'trace-event-get-state', 'arguments': {'name': 'cr16_*'}}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(ret)), >=, 4);
    json_node_unref(ret);
    err = qtest_qmp_assert_failure_ref(s, "{'execute': "
        "'trace-event-set-state', 'arguments': {'name': 'nope', "
        "'enable': true}}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "unknown event \"nope\"");
    json_object_unref(err);
    qtest_quit(s);
    tmpdir_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cr16-user/no-program-waits", test_no_program_waits);
    qtest_add_func("/cr16-user/fault-loop-contained",
                   test_fault_loop_contained);
    qtest_add_func("/cr16-user/inject-nmi", test_inject_nmi);
    qtest_add_func("/cr16-user/memsave", test_memsave);
    qtest_add_func("/cr16-user/device-hotplug", test_device_hotplug);
    qtest_add_func("/cr16-user/loader", test_loader_boots);
    qtest_add_func("/cr16-user/command-line-options",
                   test_command_line_options);
    qtest_add_func("/cr16-user/trace", test_trace);
    return g_test_run();
}
