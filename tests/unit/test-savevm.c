/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main stream: the worked example of wire-format 9 written byte for
 * byte (plus the globalstate section a real run appends), loaded back,
 * cut at every offset, and corrupted at each check of the loader.
 */
#include "qemu/osdep.h"

#include "hw/boards.h"
#include "migration/channel.h"
#include "migration/global_state.h"
#include "migration/qemu-file.h"
#include "migration/register.h"
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "qemu/error-report.h"

/* ---- a stand-in live entry that writes wire-format 9's RAM records ---- */

#define RAM_MEM_SIZE  0x004
#define RAM_ZERO      0x002
#define RAM_PAGE      0x008
#define RAM_EOS       0x010
#define RAM_CONTINUE  0x020

typedef struct FakeRam {
    uint8_t page[2][4096];
    uint64_t total;
} FakeRam;

static FakeRam src_ram, dst_ram;

static bool ram_setup(QEMUFile *f, void *opaque, GError **errp)
{
    qemu_put_be64(f, 0x2000 | RAM_MEM_SIZE);
    qemu_put_counted_string(f, "cr16.ram");
    qemu_put_be64(f, 0x2000);
    qemu_put_be64(f, RAM_EOS);
    return true;
}

static int ram_iterate(QEMUFile *f, void *opaque, GError **errp)
{
    FakeRam *r = opaque;

    qemu_put_be64(f, 0x0000 | RAM_ZERO);
    qemu_put_counted_string(f, "cr16.ram");
    qemu_put_byte(f, 0);
    qemu_put_be64(f, 0x1000 | RAM_PAGE | RAM_CONTINUE);
    qemu_put_buffer_async(f, r->page[1], 4096);
    qemu_put_be64(f, RAM_EOS);
    return 1;
}

static bool ram_complete(QEMUFile *f, void *opaque, GError **errp)
{
    qemu_put_be64(f, RAM_EOS);
    return true;
}

/* Just enough of a RAM loader to consume those records. */
static bool ram_load(QEMUFile *f, void *opaque, int version_id,
                     GError **errp)
{
    FakeRam *r = opaque;
    char name[256];

    for (;;) {
        uint64_t w = qemu_get_be64(f);
        uint64_t flags = w & 0xfff, addr = w & ~0xfffULL;

        if (qemu_file_get_error(f)) {
            return true;        /* the caller reports the file error */
        }
        if (flags == RAM_EOS) {
            return true;
        }
        if (flags == RAM_MEM_SIZE) {
            qemu_get_counted_string(f, name);
            r->total = qemu_get_be64(f);
            continue;
        }
        if (!(flags & RAM_CONTINUE)) {
            qemu_get_counted_string(f, name);
        }
        if (addr >= 0x2000) {
            g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                        "page 0x%" PRIx64 " out of range", addr);
            return false;
        }
        if ((flags & ~RAM_CONTINUE) == RAM_ZERO) {
            memset(r->page[addr >> 12], qemu_get_byte(f), 4096);
        } else if ((flags & ~RAM_CONTINUE) == RAM_PAGE) {
            qemu_get_buffer(f, r->page[addr >> 12], 4096);
        } else {
            g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                        "bad flags 0x%" PRIx64, flags);
            return false;
        }
    }
}

static const SaveVMHandlers fake_ram_ops = {
    .save_setup = ram_setup,
    .save_live_iterate = ram_iterate,
    .save_live_complete_precopy = ram_complete,
    .load_state = ram_load,
};

/* ---- the device of wire-format 9 ---- */

typedef struct Timer {
    uint32_t count, reload;
    uint8_t pending;
} Timer;

static Timer src_timer = { 0x1234, 0xffff, 1 };
static Timer dst_timer;

static bool always(void *opaque)
{
    return true;
}

static const VMStateField irq_fields[] = {
    VMSTATE_UINT8(pending, Timer),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_irq = {
    .name = "cr16-timer/irq", .version_id = 1, .minimum_version_id = 1,
    .needed = always, .fields = irq_fields,
};

static const VMStateDescription *const timer_subsections[] = {
    &vmstate_irq, NULL
};

static const VMStateField timer_fields[] = {
    VMSTATE_UINT32(count, Timer),
    VMSTATE_UINT32(reload, Timer),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_timer = {
    .name = "cr16-timer", .version_id = 2, .minimum_version_id = 1,
    .fields = timer_fields, .subsections = timer_subsections,
};

/* ---- the expected bytes ---- */

/* %d: the machine-type name's length */
static const char example_json_devices_head[] =
    "{\"configuration\": {\"vmsd_name\": \"configuration\", \"version\": 1, "
    "\"fields\": [{\"name\": \"len\", \"type\": \"uint32\", \"size\": 4}, "
    "{\"name\": \"name\", \"type\": \"buffer\", \"size\": %d}]}, "
    "\"page_size\": 4096, \"devices\": [{\"name\": \"cr16-timer\", "
    "\"instance_id\": 0, \"vmsd_name\": \"cr16-timer\", \"version\": 2, "
    "\"fields\": [{\"name\": \"count\", \"type\": \"uint32\", \"size\": 4}, "
    "{\"name\": \"reload\", \"type\": \"uint32\", \"size\": 4}], "
    "\"subsections\": [{\"vmsd_name\": \"cr16-timer/irq\", \"version\": 1, "
    "\"fields\": [{\"name\": \"pending\", \"type\": \"uint8\", "
    "\"size\": 1}]}]}";

static const char globalstate_json[] =
    ", {\"name\": \"globalstate\", \"instance_id\": 0, "
    "\"vmsd_name\": \"globalstate\", \"version\": 1, \"fields\": ["
    "{\"name\": \"size\", \"type\": \"uint32\", \"size\": 4}, "
    "{\"name\": \"runstate\", \"type\": \"buffer\", \"size\": 32}, "
    "{\"name\": \"has_vm_was_suspended\", \"type\": \"bool\", \"size\": 1}, "
    "{\"name\": \"vm_was_suspended\", \"type\": \"bool\", \"size\": 1}, "
    "{\"name\": \"unused\", \"type\": \"buffer\", \"size\": 66}]}";

static void put_hex(GByteArray *b, const char *hex)
{
    while (*hex) {
        if (*hex == ' ') {
            hex++;
            continue;
        }
        uint8_t v = g_ascii_xdigit_value(hex[0]) << 4 |
                    g_ascii_xdigit_value(hex[1]);
        g_byte_array_append(b, &v, 1);
        hex += 2;
    }
}

static size_t eof_offset;

/*
 * Wire-format 9.2 with the given machine-type name, plus globalstate
 * (section id 2) before EOF. With "virt" the offsets are the spec's.
 */
static GByteArray *expected_stream_for(const char *machine)
{
    GByteArray *b = g_byte_array_new();
    g_autoptr(GString) json = g_string_new(NULL);
    uint8_t page[4096] = { 0x12, 0x34, 0x56, 0x78 };
    uint8_t zeros[66] = { 0 };
    uint8_t runstate[32] = "running";
    size_t shift = strlen(machine) - 4;
    uint8_t len[4];

    g_string_printf(json, example_json_devices_head, (int)strlen(machine));
    put_hex(b, "51 45 56 4d 00 00 00 03 07 00 00 00");
    len[0] = strlen(machine);
    g_byte_array_append(b, len, 1);
    g_byte_array_append(b, (const uint8_t *)machine, strlen(machine));
    g_assert_cmpuint(b->len, ==, 0x11 + shift);
    put_hex(b, "01 00 00 00 00 03 72 61 6d 00 00 00 00 00 00 00 04");
    put_hex(b, "00 00 00 00 00 00 20 04 08 63 72 31 36 2e 72 61 6d");
    put_hex(b, "00 00 00 00 00 00 20 00 00 00 00 00 00 00 00 10");
    put_hex(b, "7e 00 00 00 00");
    g_assert_cmpuint(b->len, ==, 0x48 + shift);
    put_hex(b, "02 00 00 00 00 00 00 00 00 00 00 00 02");
    put_hex(b, "08 63 72 31 36 2e 72 61 6d 00 00 00 00 00 00 00 10 28");
    g_byte_array_append(b, page, sizeof(page));
    put_hex(b, "00 00 00 00 00 00 00 10 7e 00 00 00 00");
    g_assert_cmpuint(b->len, ==, 0x1074 + shift);
    put_hex(b, "08 00 0b 00 00");
    put_hex(b, "03 00 00 00 00 00 00 00 00 00 00 00 10 7e 00 00 00 00");
    g_assert_cmpuint(b->len, ==, 0x108b + shift);
    put_hex(b, "04 00 00 00 01 0a 63 72 31 36 2d 74 69 6d 65 72");
    put_hex(b, "00 00 00 00 00 00 00 02 00 00 12 34 00 00 ff ff");
    put_hex(b, "05 0e 63 72 31 36 2d 74 69 6d 65 72 2f 69 72 71");
    put_hex(b, "00 00 00 01 01 7e 00 00 00 01");
    g_assert_cmpuint(b->len, ==, 0x10c5 + shift);
    /* globalstate: not in the spec's example, appended by real runs */
    put_hex(b, "04 00 00 00 02 0b 67 6c 6f 62 61 6c 73 74 61 74 65");
    put_hex(b, "00 00 00 00 00 00 00 01 00 00 00 08");
    g_byte_array_append(b, runstate, sizeof(runstate));
    put_hex(b, "01 00");
    g_byte_array_append(b, zeros, sizeof(zeros));
    put_hex(b, "7e 00 00 00 02");
    eof_offset = b->len;
    put_hex(b, "00 06");
    g_string_append(json, globalstate_json);
    g_string_append(json, "]}");
    len[0] = json->len >> 24;
    len[1] = json->len >> 16;
    len[2] = json->len >> 8;
    len[3] = json->len;
    g_byte_array_append(b, len, 4);
    g_byte_array_append(b, (const uint8_t *)json->str, json->len);
    return b;
}

/* The spec's own bytes (machine "virt", accepted by virt-10.2 through
 * the prefix quirk of wire-format 1.5). */
static GByteArray *expected_stream(void)
{
    return expected_stream_for("virt");
}

/* ---- helpers ---- */

static GBytes *write_stream(void)
{
    MigChannel *ch = mig_channel_new_mem(NULL, 0, "out");
    QEMUFile *f = qemu_file_new_output(ch);
    g_autoptr(GError) err = NULL;
    GBytes *bytes;

    global_state_store_running();
    qemu_savevm_state_header(f);
    g_assert_true(qemu_savevm_state_setup(f, &err));
    g_assert_cmpint(qemu_savevm_state_iterate(f, &err), ==, 1);
    g_assert_true(qemu_savevm_state_complete_precopy(f, &err));
    g_assert_no_error(err);
    qemu_savevm_state_cleanup();
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    bytes = mig_channel_mem_get_bytes(ch);
    mig_channel_unref(ch);
    return bytes;
}

static bool load_bytes(const uint8_t *data, size_t len,
                       const LoadvmHooks *hooks, GError **errp)
{
    MigChannel *ch = mig_channel_new_mem(data, len, "in");
    QEMUFile *f = qemu_file_new_input(ch);
    bool ok = qemu_loadvm_state(f, hooks, errp);

    qemu_loadvm_state_cleanup();
    qemu_fclose(f);
    mig_channel_unref(ch);
    return ok;
}

/* ---- tests ---- */

/* The loader finds entries by (name, instance): point them at the
 * destination's state, once, after the source side has been written. */
static void use_destination_state(void)
{
    static bool done;

    if (!done) {
        done = true;
        unregister_savevm("ram", &src_ram);
        vmstate_unregister_device(&vmstate_timer, &src_timer);
        register_savevm_live("ram", 0, 4, &fake_ram_ops, &dst_ram);
        vmstate_register_device(NULL, &vmstate_timer, &dst_timer);
    }
}

static void test_worked_example_bytes(void)
{
    g_autoptr(GBytes) got = write_stream();
    g_autoptr(GByteArray) want = expected_stream_for(
        MACHINE_GET_CLASS(current_machine)->name);
    gsize n;
    const uint8_t *d = g_bytes_get_data(got, &n);

    for (size_t i = 0; i < MIN(n, want->len); i++) {
        if (d[i] != want->data[i]) {
            g_test_message("first difference at 0x%zx: 0x%02x != 0x%02x", i,
                           d[i], want->data[i]);
            break;
        }
    }
    g_assert_cmpmem(d, n, want->data, want->len);
}

static void test_worked_example_load(void)
{
    g_autoptr(GByteArray) s = expected_stream();
    g_autoptr(GError) err = NULL;

    use_destination_state();
    memset(&dst_timer, 0, sizeof(dst_timer));
    memset(&dst_ram, 0xaa, sizeof(dst_ram));
    g_assert_true(load_bytes(s->data, s->len, NULL, &err));
    g_assert_no_error(err);
    g_assert_cmphex(dst_timer.count, ==, 0x1234);
    g_assert_cmphex(dst_timer.reload, ==, 0xffff);
    g_assert_cmpint(dst_timer.pending, ==, 1);
    g_assert_cmphex(dst_ram.total, ==, 0x2000);
    g_assert_cmpmem(dst_ram.page, sizeof(dst_ram.page), src_ram.page,
                    sizeof(src_ram.page));
    g_assert_cmpstr(global_state_get_runstate(), ==, "running");
    g_assert_false(global_state_vm_was_suspended());

    /* The description may be missing or cut: the load still succeeds. */
    g_assert_true(load_bytes(s->data, eof_offset + 1, NULL, &err));
    g_assert_true(load_bytes(s->data, eof_offset + 3, NULL, &err));
}

/* Every cut before EOF fails with an error, never a crash. */
static void test_truncated_everywhere(void)
{
    g_autoptr(GByteArray) s = expected_stream();

    use_destination_state();
    for (size_t len = 0; len <= eof_offset; len++) {
        g_autoptr(GError) err = NULL;

        g_assert_false(load_bytes(s->data, len, NULL, &err));
        g_assert_nonnull(err);
    }
}

static void check_corrupt(size_t at, uint8_t value, const char *msg)
{
    g_autoptr(GByteArray) s = expected_stream();
    g_autoptr(GError) err = NULL;

    use_destination_state();
    s->data[at] = value;
    g_assert_false(load_bytes(s->data, s->len, NULL, &err));
    g_assert_cmpstr(err->message, ==, msg);
}

static void test_corrupted(void)
{
    check_corrupt(0, 0x00, "Not a migration stream (magic 0x0045564d)");
    check_corrupt(7, 0x02, "SaveVM v2 format is obsolete");
    check_corrupt(7, 0x04, "Unsupported migration stream version 4");
    check_corrupt(8, 0x01, "Configuration section missing");
    check_corrupt(0x10, 'x', "configuration: Machine type received is "
                  "'virx' and local is 'virt-10.2'");
    check_corrupt(0x108b, 0x09, "Unknown section type 9");
    check_corrupt(0x10c0, 0x7f, "Missing section footer for cr16-timer");
    check_corrupt(0x10c4, 0x05, "Mismatched section id in footer for "
                  "cr16-timer -- read 0x5 expected 0x1");
    check_corrupt(0x109a, 'x', "Unknown section or instance 'cr16-timex' 0");
    check_corrupt(0x109e, 0x01, "Unknown section or instance 'cr16-timer' 1");
    check_corrupt(0x10a2, 0x03, "savevm: unsupported version 3 for "
                  "'cr16-timer' v2");
    check_corrupt(0x10a2, 0x00, "section 'cr16-timer' instance 0: "
                  "cr16-timer: incoming version_id 0 is too old for local "
                  "minimum version_id 1");
    check_corrupt(0x1090, 0x00, "Unable to read ID string for section 1");
    check_corrupt(0x004c, 0x07, "Unknown section 7");
    check_corrupt(0x1076, 0x00, "MIG_CMD 0x0 unknown (len 0x0)");
    check_corrupt(0x1076, 0x0c, "MIG_CMD 0xc unknown (len 0x0)");
    check_corrupt(0x1078, 0x01, "SWITCHOVER_START received with bad length "
                  "- expecting 0, got 1");
    /* A RAM record the entry rejects names the section. */
    check_corrupt(0x0067 - 8 + 6, 0x30, "section 'ram' instance 0: "
                  "page 0x3000 out of range");
}

/* ---- commands and hooks ---- */

typedef struct HookLog {
    GString *log;
} HookLog;

static bool hook_open_rp(void *opaque, GError **errp)
{
    g_string_append(((HookLog *)opaque)->log, "open ");
    return true;
}

static bool hook_ping(void *opaque, uint32_t value, GError **errp)
{
    g_string_append_printf(((HookLog *)opaque)->log, "ping(%u) ", value);
    return true;
}

static bool hook_command(void *opaque, QEMUFile *f, MigCmd cmd, uint16_t len,
                         bool *stop, GError **errp)
{
    g_string_append_printf(((HookLog *)opaque)->log, "cmd(%d,%u) ", cmd, len);
    qemu_file_skip(f, len);
    *stop = cmd == MIG_CMD_POSTCOPY_RUN;
    return true;
}

static void test_commands(void)
{
    MigChannel *ch = mig_channel_new_mem(NULL, 0, "out");
    QEMUFile *f = qemu_file_new_output(ch);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GString) log = g_string_new("");
    HookLog hl = { log };
    LoadvmHooks hooks = {
        .open_return_path = hook_open_rp, .ping = hook_ping,
        .command = hook_command, .opaque = &hl,
    };
    static const uint8_t advise[16] = { [6] = 0x10, [14] = 0x10 };
    g_autoptr(GError) err = NULL;
    const uint8_t *d;
    gsize n, start;

    qemu_savevm_state_header(f);
    qemu_fflush(f);
    start = qemu_file_transferred(f);
    qemu_savevm_send_open_return_path(f);
    qemu_savevm_send_ping(f, 1);
    qemu_savevm_command_send(f, MIG_CMD_POSTCOPY_ADVISE, 16, advise);
    qemu_savevm_command_send(f, MIG_CMD_POSTCOPY_RUN, 0, NULL);
    qemu_put_byte(f, 0xff);     /* never read: RUN stops the loop */
    qemu_savevm_state_cleanup();
    qemu_fclose(f);
    bytes = mig_channel_mem_get_bytes(ch);
    mig_channel_unref(ch);
    d = g_bytes_get_data(bytes, &n);

    /* Wire-format 4.2's byte examples. */
    g_assert_cmpmem(d + start, 5, "\x08\x00\x01\x00\x00", 5);
    g_assert_cmpmem(d + start + 5, 9,
                    "\x08\x00\x02\x00\x04\x00\x00\x00\x01", 9);
    g_assert_cmpmem(d + start + 14, 21,
                    "\x08\x00\x03\x00\x10\x00\x00\x00\x00\x00\x00\x10\x00"
                    "\x00\x00\x00\x00\x00\x00\x10\x00", 21);

    g_assert_true(load_bytes(d, n, &hooks, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(log->str, ==, "open ping(1) cmd(3,16) cmd(5,0) ");

    /* Without hooks, the commands fail the load with a clear error. */
    g_assert_false(load_bytes(d, n, NULL, &err));
    g_assert_cmpstr(err->message, ==,
                    "OPEN_RETURN_PATH: no return path here");
}

static void test_blocked(void)
{
    static const VMStateField none[] = { VMSTATE_END_OF_LIST() };
    static const VMStateDescription unmig = {
        .name = "no-migrate", .unmigratable = true, .fields = none,
    };
    static int dummy;
    g_autoptr(GError) err = NULL;

    g_assert_false(qemu_savevm_state_blocked(&err));
    vmstate_register_device(NULL, &unmig, &dummy);
    g_assert_true(qemu_savevm_state_blocked(&err));
    g_assert_cmpstr(err->message, ==,
                    "State blocked by non-migratable device 'no-migrate'");
    vmstate_unregister_device(&unmig, &dummy);
    g_clear_error(&err);
    g_assert_false(qemu_savevm_state_blocked(&err));
}

int main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;

    g_test_init(&argc, &argv, NULL);
    src_ram.page[1][0] = 0x12;
    src_ram.page[1][1] = 0x34;
    src_ram.page[1][2] = 0x56;
    src_ram.page[1][3] = 0x78;
    /* The stream names the machine type: be the virt board (not built). */
    g_assert_nonnull(machine_new(machine_class_find("virt"), &err));
    g_assert_no_error(err);
    /* Section ids follow registration: ram 0, cr16-timer 1, globalstate 2
     * (the source side; use_destination_state() re-registers later). */
    register_savevm_live("ram", 0, 4, &fake_ram_ops, &src_ram);
    vmstate_register_device(NULL, &vmstate_timer, &src_timer);
    global_state_register();

    g_test_add_func("/savevm/worked-example/bytes", test_worked_example_bytes);
    g_test_add_func("/savevm/worked-example/load", test_worked_example_load);
    g_test_add_func("/savevm/worked-example/truncated",
                    test_truncated_everywhere);
    g_test_add_func("/savevm/worked-example/corrupted", test_corrupted);
    g_test_add_func("/savevm/blocked", test_blocked);
    g_test_add_func("/savevm/commands", test_commands);
    return g_test_run();
}
