/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Booting the CR16 virt board: the migration tests' A-B guest runs from
 * -kernel and leaves RAM in the single-edge pattern of qtest.md 4.3;
 * stop/cont freezes and resumes the guest without disturbing it; ELF
 * images load by their program headers (also through -bios); and bad
 * images fail with "could not load kernel '<file>': <reason>", status 1.
 */
#include "qemu/osdep.h"
#include <sys/wait.h>
#include "libqtest.h"
#include "hw/cr16/virt.h"
#include "migration/cr16/a-b-bootblock.h"

/* How long a guest may take to print its first 'B' (slow hosts, ASan). */
#define BOOT_TIMEOUT_US     (120 * G_USEC_PER_SEC)

/* ---- helpers ---- */

static char *make_tmpdir(void)
{
    GError *err = NULL;
    char *dir = g_dir_make_tmp("cr16-boot-XXXXXX", &err);

    g_assert_no_error(err);
    return dir;
}

static void remove_tmpdir(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            rmdir(path);
        } else {
            unlink(path);
        }
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(dir);
}

static char *write_file(const char *dir, const char *name, const void *data,
                        size_t len)
{
    char *path = g_build_filename(dir, name, NULL);
    GError *err = NULL;

    g_file_set_contents(path, data, len, &err);
    g_assert_no_error(err);
    return path;
}

/* The serial output so far; every byte must be 'A' (first) or 'B'. */
static size_t serial_check(const char *path, size_t *bs)
{
    g_autofree char *text = NULL;
    GError *err = NULL;
    size_t len;

    g_file_get_contents(path, &text, &len, &err);
    g_assert_no_error(err);
    *bs = 0;
    for (size_t i = 0; i < len; i++) {
        if (i == 0) {
            g_assert_cmpint(text[i], ==, 'A');
        } else {
            g_assert_cmpint(text[i], ==, 'B');
            (*bs)++;
        }
    }
    return len;
}

/* Wait until the guest has printed more than `after` 'B's. */
static void wait_for_b(const char *serial, size_t after)
{
    gint64 deadline = g_get_monotonic_time() + BOOT_TIMEOUT_US;
    size_t bs;

    for (;;) {
        serial_check(serial, &bs);
        if (bs > after) {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
}

/*
 * qtest.md 4.3: walking up the pages, the first bytes are equal except
 * for at most one step down by one. Also checks that the rest of a few
 * pages was never touched.
 */
static void check_guests_ram(QTestState *s)
{
    uint8_t first = qtest_readb(s, CR16_AB_START), prev = first;
    bool edge = false;
    unsigned bad = 0;

    for (uint64_t a = CR16_AB_START + CR16_AB_STRIDE; a < CR16_AB_END;
         a += CR16_AB_STRIDE) {
        uint8_t cur = qtest_readb(s, a);

        if (cur == prev) {
            continue;
        }
        if ((uint8_t)(cur + 1) == prev && !edge) {
            edge = true;
            prev = cur;
            continue;
        }
        if (++bad <= 10) {
            g_test_message("page 0x%" PRIx64 ": first %u prev %u cur %u "
                           "edge %d", a, first, prev, cur, edge);
        }
    }
    g_assert_cmpint(bad, ==, 0);

    for (uint64_t a = CR16_AB_START; a < CR16_AB_END;
         a += 97 * CR16_AB_STRIDE) {
        uint8_t page[CR16_AB_STRIDE];

        qtest_memread(s, a, page, sizeof(page));
        for (size_t i = 1; i < sizeof(page); i++) {
            g_assert_cmpint(page[i], ==, 0);
        }
    }
}

static QTestState *boot_ab(const char *dir, char **serial)
{
    g_autofree char *kernel = write_file(dir, "bootsect", cr16_kernel,
                                         sizeof(cr16_kernel));

    *serial = g_build_filename(dir, "serial", NULL);
    return qtest_initf("-accel tcg -M virt -m 128M -serial file:%s "
                       "-kernel %s", *serial, kernel);
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

/* ---- the A-B guest ---- */

static void test_ab_guest(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *serial = NULL;
    QTestState *s = boot_ab(dir, &serial);

    wait_for_b(serial, 0);
    qtest_qmp_assert_success(s, "{'execute': 'stop'}");
    qtest_qmp_eventwait(s, "STOP");
    check_guests_ram(s);
    qtest_quit(s);
    remove_tmpdir(dir);
}

static void test_stop_cont(void)
{
    static const char *const regs[] = {
        "r0", "r1", "r2", "r4", "r5", "r6", "r10", "ra", "sp", "pc", "psr",
    };
    g_autofree char *dir = make_tmpdir();
    g_autofree char *serial = NULL;
    QTestState *s = boot_ab(dir, &serial);
    uint64_t before[G_N_ELEMENTS(regs)];
    uint8_t ram[16];
    size_t len, bs, bs2;
    JsonObject *err;

    wait_for_b(serial, 0);

    /* While running, the registers belong to the vCPU. */
    err = qtest_qmp_assert_failure_ref(s,
        "{'execute': 'qom-get', 'arguments': "
        "{'path': '/machine/cpu', 'property': 'pc'}}");
    g_assert_cmpstr(qtest_json_get_str(err, "desc"), ==,
                    "CPU registers can only be read while the VM is stopped");
    json_object_unref(err);

    qtest_qmp_assert_success(s, "{'execute': 'stop'}");
    qtest_qmp_eventwait(s, "STOP");
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
        before[i] = cpu_reg(s, regs[i]);
    }
    g_assert_cmpint(before[9] & 1, ==, 0);                /* pc is even */
    g_assert_cmpint(before[9], <, sizeof(cr16_kernel));   /* in the guest */
    len = serial_check(serial, &bs);
    for (size_t i = 0; i < sizeof(ram); i++) {
        ram[i] = qtest_readb(s, CR16_AB_START + i * 97 * CR16_AB_STRIDE);
    }

    /* A stopped guest stays exactly where it was. */
    g_usleep(200 * 1000);
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
        g_assert_cmpint(cpu_reg(s, regs[i]), ==, before[i]);
    }
    g_assert_cmpint(serial_check(serial, &bs2), ==, len);
    for (size_t i = 0; i < sizeof(ram); i++) {
        g_assert_cmpint(qtest_readb(s, CR16_AB_START +
                                    i * 97 * CR16_AB_STRIDE), ==, ram[i]);
    }

    /* And continues from there: more 'B's and a consistent RAM. */
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    qtest_qmp_eventwait(s, "RESUME");
    wait_for_b(serial, bs);
    qtest_qmp_assert_success(s, "{'execute': 'stop'}");
    qtest_qmp_eventwait(s, "STOP");
    check_guests_ram(s);
    qtest_quit(s);
    remove_tmpdir(dir);
}

/* ---- ELF images ---- */

typedef struct TestSegment {
    uint32_t type, offset, vaddr, paddr, filesz, memsz;
} TestSegment;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

/*
 * An ELF32 little-endian executable: header, n program headers, then
 * payload; segment offsets are relative to the payload.
 */
static GByteArray *elf_build(uint16_t machine, uint32_t entry,
                             const TestSegment *seg, unsigned n,
                             const uint8_t *payload, size_t payload_len)
{
    GByteArray *elf = g_byte_array_new();
    uint32_t payload_off = 52 + 32 * n;
    uint8_t hdr[52] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };

    put16(hdr + 16, 2);                 /* ET_EXEC */
    put16(hdr + 18, machine);
    put32(hdr + 20, 1);
    put32(hdr + 24, entry);
    put32(hdr + 28, 52);                /* e_phoff */
    put16(hdr + 40, 52);
    put16(hdr + 42, 32);
    put16(hdr + 44, n);
    g_byte_array_append(elf, hdr, sizeof(hdr));
    for (unsigned i = 0; i < n; i++) {
        uint8_t ph[32] = { 0 };

        put32(ph, seg[i].type);
        put32(ph + 4, seg[i].offset + payload_off);
        put32(ph + 8, seg[i].vaddr);
        put32(ph + 12, seg[i].paddr);
        put32(ph + 16, seg[i].filesz);
        put32(ph + 20, seg[i].memsz);
        put32(ph + 24, 7);
        put32(ph + 28, 2);
        g_byte_array_append(elf, ph, sizeof(ph));
    }
    g_byte_array_append(elf, payload, payload_len);
    return elf;
}

/*
 * Code at 0x1000 (linked elsewhere: p_vaddr differs from p_paddr):
 *   loadb 0x2008, r0 ; storw r0, <sysctl EXIT> ; br .
 * Data at 0x2000: 16 x 0xaa, then a second segment at 0x2008 with two
 * file bytes 0x55 0x66 and four .bss bytes (zeroed over the first one).
 */
static const uint8_t elf_code[] = {
    0x00, 0x88, 0x08, 0x20,                 /* loadb 0x2008, r0 */
    0x0f, 0xc9, VIRT_SYSCTL_EXIT, 0x00,     /* storw r0, 0xff000c */
    0xe0, 0x10,                             /* br . */
};

static GByteArray *elf_good(void)
{
    uint8_t payload[sizeof(elf_code) + 16 + 2];
    TestSegment seg[] = {
        { 1, 0, 0x401000, 0x1000, sizeof(elf_code), sizeof(elf_code) },
        { 1, sizeof(elf_code), 0x402000, 0x2000, 16, 16 },
        { 4, 0, 0, 0, 0, 0 },               /* PT_NOTE: ignored */
        { 1, sizeof(elf_code) + 16, 0x402008, 0x2008, 2, 6 },
    };

    G_STATIC_ASSERT(VIRT_SYSCTL_CPU + VIRT_SYSCTL_EXIT == 0xff000c);
    memcpy(payload, elf_code, sizeof(elf_code));
    memset(payload + sizeof(elf_code), 0xaa, 16);
    payload[sizeof(elf_code) + 16] = 0x55;
    payload[sizeof(elf_code) + 17] = 0x66;
    return elf_build(115, 0x1000, seg, G_N_ELEMENTS(seg), payload,
                     sizeof(payload));
}

static void test_elf_layout(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autoptr(GByteArray) elf = elf_good();
    g_autofree char *path = write_file(dir, "prog.elf", elf->data, elf->len);
    static const uint8_t data[16] = {
        0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
        0x55, 0x66, 0x00, 0x00, 0x00, 0x00, 0xaa, 0xaa,
    };
    uint8_t buf[16];
    QTestState *s;

    /* -accel qtest: nothing runs, the loaded bytes stay as loaded. */
    s = qtest_initf("-M virt -kernel %s", path);
    qtest_memread(s, 0x1000, buf, sizeof(elf_code));
    g_assert_cmpmem(buf, sizeof(elf_code), elf_code, sizeof(elf_code));
    qtest_memread(s, 0x2000, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), data, sizeof(data));
    g_assert_cmpint(qtest_readb(s, 0x401000), ==, 0);     /* not p_vaddr */
    g_assert_cmpint(cpu_reg(s, "pc"), ==, 0x1000);        /* entry */
    qtest_quit(s);
    remove_tmpdir(dir);
}

static void run_elf_to_exit(const char *option)
{
    g_autofree char *dir = make_tmpdir();
    g_autoptr(GByteArray) elf = elf_good();
    g_autofree char *path = write_file(dir, "prog.elf", elf->data, elf->len);
    QTestState *s;

    /* Start paused: the guest powers off within microseconds of running,
     * which must not race with the harness's QMP handshake. */
    s = qtest_initf("-S -accel tcg -M virt %s %s", option, path);
    qtest_set_expected_status(s, 0x55);
    qtest_qmp_send(s, "{'execute': 'cont'}");
    qtest_wait_qemu(s);
    qtest_quit(s);
    remove_tmpdir(dir);
}

static void test_elf_run(void)
{
    run_elf_to_exit("-kernel");
}

static void test_bios_run(void)
{
    run_elf_to_exit("-bios");
}

/* ---- errors ---- */

/* Run the emulator on its own; returns its stderr, *status the exit code. */
static char *run_emulator(const char *args, int *status)
{
    g_autofree char *cmd = g_strdup_printf("%s -M virt -display none "
                                           "-nodefaults %s",
                                           getenv("QTEST_QEMU_BINARY"), args);
    g_auto(GStrv) argv = NULL;
    char *err_out = NULL;
    GError *err = NULL;
    int wstatus;

    g_shell_parse_argv(cmd, NULL, &argv, &err);
    g_assert_no_error(err);
    g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                 NULL, &err_out, &wstatus, &err);
    g_assert_no_error(err);
    g_assert_true(WIFEXITED(wstatus));
    *status = WEXITSTATUS(wstatus);
    return err_out;
}

static void expect_failure(const char *args, const char *message)
{
    int status;
    g_autofree char *out = run_emulator(args, &status);

    if (!strstr(out, message)) {
        g_test_message("stderr of '%s': %s", args, out);
    }
    g_assert_nonnull(strstr(out, message));
    g_assert_cmpint(status, ==, 1);
}

static void expect_kernel_error(const char *dir, const char *name,
                                const void *data, size_t len,
                                const char *extra, const char *reason)
{
    g_autofree char *path = write_file(dir, name, data, len);
    g_autofree char *args = g_strdup_printf("%s -kernel %s", extra, path);
    g_autofree char *msg = g_strdup_printf("could not load kernel '%s': %s",
                                           path, reason);

    expect_failure(args, msg);
}

static void expect_elf_error(const char *dir, GByteArray *elf,
                             const char *reason)
{
    expect_kernel_error(dir, "bad.elf", elf->data, elf->len, "", reason);
    g_byte_array_unref(elf);
}

static void test_load_errors(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *missing = g_build_filename(dir, "missing", NULL);
    g_autofree char *args = NULL, *msg = NULL;
    g_autofree uint8_t *big = g_malloc0(VIRT_LOWRAM_SIZE + 2);
    uint8_t payload[64] = { 0 };
    TestSegment seg = { 1, 0, 0x1000, 0x1000, 16, 16 };
    GByteArray *elf;

    args = g_strdup_printf("-kernel %s", missing);
    msg = g_strdup_printf("could not load kernel '%s': No such file or "
                          "directory", missing);
    expect_failure(args, msg);
    g_free(args);
    g_free(msg);
    args = g_strdup_printf("-bios %s", missing);
    msg = g_strdup_printf("could not load firmware '%s': No such file or "
                          "directory", missing);
    expect_failure(args, msg);
    g_free(args);
    g_free(msg);
    args = g_strdup_printf("-kernel %s", dir);
    msg = g_strdup_printf("could not load kernel '%s': not a regular file",
                          dir);
    expect_failure(args, msg);
    g_free(args);
    args = g_strdup_printf("-kernel %s -bios %s", missing, missing);
    expect_failure(args, "-kernel and -bios both load the guest program");

    expect_kernel_error(dir, "empty", "", 0, "", "image is empty");
    expect_kernel_error(dir, "big", big, VIRT_LOWRAM_SIZE + 2, "",
                        "raw image at 0x0..0x800001 is outside low RAM "
                        "(0x0..0x7fffff)");
    expect_kernel_error(dir, "big", big, 3 << 20, "-m 2M",
                        "raw image at 0x0..0x2fffff is beyond the end of "
                        "RAM (2097152 bytes)");
    memcpy(payload, "\x7f" "ELF\1\1\1", 7);
    expect_kernel_error(dir, "short.elf", payload, 20, "",
                        "ELF header truncated (20 of 52 bytes)");
    memset(payload, 0, sizeof(payload));

    elf = elf_build(62, 0x1000, &seg, 1, payload, sizeof(payload));
    expect_elf_error(dir, elf, "ELF machine 62 is not CR16 (115)");

    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    elf->data[4] = 2;
    expect_elf_error(dir, elf, "not a 32-bit ELF file (class 2)");

    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    elf->data[5] = 2;
    expect_elf_error(dir, elf, "not a little-endian ELF file");

    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    put16(elf->data + 16, 1);
    expect_elf_error(dir, elf, "ELF type 1 is not an executable");

    elf = elf_build(115, 0x1001, &seg, 1, payload, sizeof(payload));
    expect_elf_error(dir, elf, "ELF entry point 0x1001 is odd");

    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    put32(elf->data + 28, 0x10000);
    expect_elf_error(dir, elf, "ELF program headers (offset 0x10000, 1 "
                     "entries) extend past the end of the file");

    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    put16(elf->data + 44, 2);                   /* one more than there is */
    put32(elf->data + 28, elf->len - 40);
    expect_elf_error(dir, elf, "ELF program headers");

    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    put16(elf->data + 42, 56);
    expect_elf_error(dir, elf, "ELF program header size 56, expected 32");

    seg = (TestSegment){ 1, 60, 0x1000, 0x1000, 16, 16 };
    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    expect_elf_error(dir, elf, "ELF segment 0: data (offset 0x90, size 0x10) "
                     "extends past the end of the file");

    seg = (TestSegment){ 1, 0, 0x1000, 0x1000, 0xffffffff, 0xffffffff };
    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    expect_elf_error(dir, elf, "ELF segment 0: data (offset 0x54, size "
                     "0xffffffff) extends past the end of the file");

    seg = (TestSegment){ 1, 0, 0x1000, 0x1000, 32, 16 };
    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    expect_elf_error(dir, elf, "ELF segment 0: file size 0x20 exceeds its "
                     "memory size 0x10");

    seg = (TestSegment){ 1, 0, 0x7ff000, 0x7ff000, 16, 0x2000 };
    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    expect_elf_error(dir, elf, "ELF segment 0 at 0x7ff000..0x800fff is "
                     "outside low RAM (0x0..0x7fffff)");

    seg = (TestSegment){ 1, 0, 0, 0xfffffff0, 16, 0x20 };
    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    expect_elf_error(dir, elf, "ELF segment 0 at 0xfffffff0..0x10000000f is "
                     "outside low RAM");

    seg = (TestSegment){ 4, 0, 0x1000, 0x1000, 16, 16 };
    elf = elf_build(115, 0x1000, &seg, 1, payload, sizeof(payload));
    expect_elf_error(dir, elf, "ELF file has no loadable segment");

    elf = elf_build(115, 0x1000, &seg, 0, payload, sizeof(payload));
    expect_elf_error(dir, elf, "ELF file has no usable program headers "
                     "(count 0)");

    remove_tmpdir(dir);
}

static void test_ram_too_large(void)
{
    g_autofree char *args = g_strdup_printf("-m %uM",
                                            (VIRT_RAM_MAX_SIZE >> 20) + 1);

    expect_failure(args, "is too large for the virt board");
    /* beyond the 32-bit bus: the same clean error, not an abort */
    expect_failure("-m 5G", "is too large for the virt board");
}

/* query-cpus-fast names the board's real CPU object and its vCPU thread. */
static void test_cpus_fast(void)
{
    QTestState *s = qtest_init("-S -accel tcg -M virt");
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
                        "{'execute': 'query-cpus-fast'}");
    JsonArray *cpus = json_node_get_array(ret);
    JsonObject *cpu;
    JsonNode *pc;

    g_assert_cmpuint(json_array_get_length(cpus), ==, 1);
    cpu = json_array_get_object_element(cpus, 0);
    g_assert_cmpint(json_object_get_int_member(cpu, "cpu-index"), ==, 0);
    g_assert_cmpstr(json_object_get_string_member(cpu, "qom-path"), ==,
                    "/machine/cpu");
    g_assert_cmpstr(json_object_get_string_member(cpu, "qom-type"), ==,
                    "cr16c-cr16-cpu");
    g_assert_cmpstr(json_object_get_string_member(cpu, "target"), ==, "cr16");
    g_assert_cmpint(json_object_get_int_member(cpu, "thread-id"), >, 0);
    /* the reported path is usable: the CPU's registers hang off it */
    pc = qtest_qmp_assert_success_ref(s,
            "{'execute': 'qom-get', 'arguments': "
            "{'path': '/machine/cpu', 'property': 'pc'}}");
    g_assert_cmpint(json_node_get_int(pc), ==, 0);
    json_node_unref(pc);
    json_node_unref(ret);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/boot/ab-guest", test_ab_guest);
    qtest_add_func("/boot/cpus-fast", test_cpus_fast);
    qtest_add_func("/boot/stop-cont", test_stop_cont);
    qtest_add_func("/boot/elf-layout", test_elf_layout);
    qtest_add_func("/boot/elf-run", test_elf_run);
    qtest_add_func("/boot/bios-run", test_bios_run);
    qtest_add_func("/boot/load-errors", test_load_errors);
    qtest_add_func("/boot/ram-too-large", test_ram_too_large);
    return g_test_run();
}
