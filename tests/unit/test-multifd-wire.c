/*
 * Multifd wire codecs: the byte examples of wire 9.3 reproduced byte for
 * byte (handshake, RAM packet, sync packet), decode of what encode wrote,
 * and every malformed field rejected with a message naming it.
 */
#include "qemu/osdep.h"

#include "migration/multifd-wire.h"

#define PAGE TARGET_PAGE_SIZE

static void assert_error_contains(GError *err, const char *needle)
{
    g_assert_nonnull(err);
    if (!strstr(err->message, needle)) {
        g_error("error '%s' does not contain '%s'", err->message, needle);
    }
}

/* ---- handshake ---- */

static const uint8_t zero_uuid[MULTIFD_UUID_SIZE];

static void test_init_example(void)
{
    /* wire 9.3: channel 1, no UUID. */
    static const uint8_t expected[MULTIFD_INIT_SIZE] = {
        0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x01,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0x01, 0, 0, 0, 0, 0, 0, 0,
        /* 32 unused bytes follow as zeros */
    };
    MultiFDInit init = { .id = 1 };
    MultiFDInit back;
    uint8_t buf[MULTIFD_INIT_SIZE];
    g_autoptr(GError) err = NULL;

    memset(buf, 0xaa, sizeof(buf));
    multifd_init_encode(&init, buf);
    g_assert_cmpmem(buf, sizeof(buf), expected, sizeof(expected));

    g_assert_true(multifd_init_decode(buf, "conn", zero_uuid, 2, &back,
                                      &err));
    g_assert_no_error(err);
    g_assert_cmpuint(back.id, ==, 1);
}

static void test_init_uuid(void)
{
    MultiFDInit init = { .id = 3 };
    MultiFDInit back;
    uint8_t buf[MULTIFD_INIT_SIZE];
    g_autoptr(GError) err = NULL;

    for (unsigned i = 0; i < MULTIFD_UUID_SIZE; i++) {
        init.uuid[i] = 0xf0 + i;
    }
    multifd_init_encode(&init, buf);
    g_assert_cmpmem(buf + 8, 16, init.uuid, 16);
    g_assert_cmpuint(buf[24], ==, 3);
    g_assert_true(multifd_init_decode(buf, "conn", init.uuid, 4, &back,
                                      &err));
    g_assert_cmpmem(back.uuid, 16, init.uuid, 16);

    /* Our side has no UUID: refused, naming both. */
    g_assert_false(multifd_init_decode(buf, "multifd connection 2",
                                       zero_uuid, 4, &back, &err));
    assert_error_contains(err, "multifd connection 2: handshake uuid "
                          "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff differs from "
                          "ours (00000000000000000000000000000000)");
}

static void test_init_malformed(void)
{
    static const struct {
        unsigned at;
        uint8_t value;
        unsigned channels;
        const char *msg;
    } cases[] = {
        { 0, 0x12, 2, "c: handshake magic 0x12223344, expected 0x11223344" },
        { 3, 0x45, 2, "handshake magic 0x11223345" },
        { 7, 0x02, 2, "c: handshake version 2, expected 1" },
        { 4, 0x80, 2, "handshake version 2147483649" },
        /* Appendix A.23: id == channels is out of range too. */
        { 24, 2, 2, "c: handshake channel id 2 out of range "
                    "(multifd-channels is 2)" },
        { 24, 255, 255, "handshake channel id 255 out of range" },
        { 10, 1, 2, "c: handshake uuid 00000100000000000000000000000000 "
                    "differs" },
    };
    MultiFDInit init = { .id = 1 };
    uint8_t good[MULTIFD_INIT_SIZE];

    multifd_init_encode(&init, good);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint8_t buf[MULTIFD_INIT_SIZE];
        MultiFDInit back;
        g_autoptr(GError) err = NULL;

        memcpy(buf, good, sizeof(buf));
        buf[cases[i].at] = cases[i].value;
        g_assert_false(multifd_init_decode(buf, "c", zero_uuid,
                                           cases[i].channels, &back, &err));
        assert_error_contains(err, cases[i].msg);
    }

    /* Unused bytes are not checked (QEMU does not either). */
    {
        uint8_t buf[MULTIFD_INIT_SIZE];
        MultiFDInit back;
        g_autoptr(GError) err = NULL;

        memcpy(buf, good, sizeof(buf));
        buf[25] = buf[63] = 0x5a;
        g_assert_true(multifd_init_decode(buf, "c", zero_uuid, 2, &back,
                                          &err));
    }
}

/* ---- RAM packets ---- */

static void expect_bytes(const uint8_t *buf, size_t at, const uint8_t *want,
                         size_t len)
{
    g_assert_cmpmem(buf + at, len, want, len);
}

static void expect_zeros(const uint8_t *buf, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (buf[i]) {
            g_error("byte 0x%zx is 0x%02x, expected 0", i, buf[i]);
        }
    }
}

static void example_packet(MultiFDRamPacket *p)
{
    memset(p, 0, sizeof(*p));
    p->flags = MULTIFD_FLAG_NOCOMP;
    p->pages_alloc = MULTIFD_PAGES_PER_PACKET;
    p->normal_pages = 1;
    p->zero_pages = 1;
    p->next_packet_size = PAGE;
    p->packet_num = 5;
    strcpy(p->ramblock, "cr16.ram");
    p->offset[0] = 0x1000;
    p->offset[1] = 0x0000;
}

static void test_ram_packet_example(void)
{
    static const uint8_t head[] = {
        0x11, 0x22, 0x33, 0x44, 0, 0, 0, 1, 0, 0, 0, 0,     /* 0x000 */
        0, 0, 0, 0x80,                                      /* 0x00c */
        0, 0, 0, 1,                                         /* 0x010 */
        0, 0, 0x10, 0,                                      /* 0x014 */
        0, 0, 0, 0, 0, 0, 0, 5,                             /* 0x018 */
        0, 0, 0, 1,                                         /* 0x020 */
    };
    static const uint8_t name[] = { 'c', 'r', '1', '6', '.', 'r', 'a', 'm' };
    static const uint8_t off0[] = { 0, 0, 0, 0, 0, 0, 0x10, 0 };
    MultiFDRamPacket p, back;
    uint8_t buf[MULTIFD_RAM_PACKET_SIZE];
    g_autoptr(GError) err = NULL;

    /* wire 9.3: TPS 4096 gives 128 pages and a 1344-byte header. */
    g_assert_cmpuint(MULTIFD_PAGES_PER_PACKET, ==, 128);
    g_assert_cmpuint(MULTIFD_RAM_PACKET_SIZE, ==, 1344);

    example_packet(&p);
    memset(buf, 0xaa, sizeof(buf));
    multifd_ram_packet_encode(&p, buf);
    expect_bytes(buf, 0, head, sizeof(head));
    expect_zeros(buf, 0x24, 0x40);
    expect_bytes(buf, 0x40, name, sizeof(name));
    expect_zeros(buf, 0x48, 0x140);
    expect_bytes(buf, 0x140, off0, sizeof(off0));
    expect_zeros(buf, 0x148, 0x540);

    g_assert_true(multifd_ram_packet_decode(buf, 1, MULTIFD_FLAG_NOCOMP,
                                            &back, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(back.flags, ==, 0);
    g_assert_cmpuint(back.pages_alloc, ==, 128);
    g_assert_cmpuint(back.normal_pages, ==, 1);
    g_assert_cmpuint(back.zero_pages, ==, 1);
    g_assert_cmpuint(back.next_packet_size, ==, PAGE);
    g_assert_cmpuint(back.packet_num, ==, 5);
    g_assert_cmpstr(back.ramblock, ==, "cr16.ram");
    g_assert_cmpuint(back.offset[0], ==, 0x1000);
    g_assert_cmpuint(back.offset[1], ==, 0);
}

static void test_sync_packet_example(void)
{
    static const uint8_t head[] = {
        0x11, 0x22, 0x33, 0x44, 0, 0, 0, 1, 0, 0, 0, 1,
    };
    static const uint8_t num[] = { 0, 0, 0, 0, 0, 0, 0, 6 };
    MultiFDRamPacket p, back;
    uint8_t buf[MULTIFD_RAM_PACKET_SIZE];
    g_autoptr(GError) err = NULL;

    multifd_sync_packet_init(&p, 6);
    memset(buf, 0xaa, sizeof(buf));
    multifd_ram_packet_encode(&p, buf);
    expect_bytes(buf, 0, head, sizeof(head));
    expect_zeros(buf, 0x0c, 0x18);
    expect_bytes(buf, 0x18, num, sizeof(num));
    expect_zeros(buf, 0x20, MULTIFD_RAM_PACKET_SIZE);

    /* An empty sync packet has no compression bits, whatever the
     * configured method. */
    g_assert_true(multifd_ram_packet_decode(buf, 0, MULTIFD_FLAG_ZSTD,
                                            &back, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(back.flags, ==, MULTIFD_FLAG_SYNC);
    g_assert_cmpuint(back.packet_num, ==, 6);
    g_assert_cmpuint(back.normal_pages + back.zero_pages, ==, 0);
    g_assert_cmpuint(multifd_packet_rest_size(back.flags), ==,
                     MULTIFD_RAM_PACKET_SIZE - 12);
}

static void test_ram_packet_compressed(void)
{
    MultiFDRamPacket p, back;
    uint8_t buf[MULTIFD_RAM_PACKET_SIZE];
    g_autoptr(GError) err = NULL;

    memset(&p, 0, sizeof(p));
    p.flags = MULTIFD_FLAG_ZLIB | MULTIFD_FLAG_SYNC;  /* pre-9.0 style */
    p.pages_alloc = MULTIFD_PAGES_PER_PACKET;
    p.normal_pages = MULTIFD_PAGES_PER_PACKET;
    p.next_packet_size = 1234;
    p.packet_num = G_MAXUINT64;
    memset(p.ramblock, 'x', 255);
    for (unsigned i = 0; i < p.normal_pages; i++) {
        p.offset[i] = (uint64_t)(i + 1) << 40;
    }
    multifd_ram_packet_encode(&p, buf);
    g_assert_cmpuint(buf[11], ==, 0x03);
    g_assert_cmpuint(buf[64 + 254], ==, 'x');
    g_assert_cmpuint(buf[64 + 255], ==, 0);
    g_assert_true(multifd_ram_packet_decode(buf, 0, MULTIFD_FLAG_ZLIB,
                                            &back, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(back.packet_num, ==, G_MAXUINT64);
    g_assert_cmpuint(strlen(back.ramblock), ==, 255);
    g_assert_cmpmem(back.offset, sizeof(back.offset), p.offset,
                    sizeof(p.offset));
}

/* One malformed field of an otherwise valid packet. */
typedef struct RamCase {
    const char *what;
    unsigned at;            /* offset of the be32/be64/byte to patch */
    unsigned width;         /* 1, 4 or 8 */
    uint64_t value;
    uint32_t comp;          /* configured method */
    const char *msg;
} RamCase;

static void put_be(uint8_t *p, unsigned width, uint64_t v)
{
    for (unsigned i = 0; i < width; i++) {
        p[width - 1 - i] = v >> (8 * i);
    }
}

static void test_ram_packet_malformed(void)
{
    static const RamCase cases[] = {
        { "magic", 0, 4, 0x11223345, 0,
          "multifd channel 3: packet magic 0x11223345, expected 0x11223344" },
        { "version", 4, 4, 2, 0,
          "multifd channel 3: packet version 2, expected 1" },
        { "unknown flag", 8, 4, 0x80, 0,
          "multifd channel 3: packet flags 0x80 have unknown bits 0x80" },
        { "device state", 8, 4, 0x40, 0,
          "multifd channel 3: device-state packet where a RAM packet" },
        { "wrong method", 8, 4, MULTIFD_FLAG_ZSTD, MULTIFD_FLAG_ZLIB,
          "multifd channel 3: packet compression flags 0x4 (zstd), "
          "expected 0x2 (zlib)" },
        { "method missing", 8, 4, 0, MULTIFD_FLAG_ZLIB,
          "packet compression flags 0x0 (none), expected 0x2 (zlib)" },
        { "qpl", 8, 4, MULTIFD_FLAG_QPL, 0,
          "packet compression flags 0x8 (qpl), expected 0x0 (none)" },
        { "pages_alloc", 12, 4, 129, 0,
          "multifd channel 3: packet pages_alloc 129 exceeds our 128 pages" },
        { "normal_pages", 16, 4, 200, 0,
          "multifd channel 3: packet normal_pages 200 exceeds "
          "pages_alloc 128" },
        { "zero_pages", 32, 4, 128, 0,
          "multifd channel 3: packet zero_pages 128 exceeds the 127 slots "
          "left after 1 normal pages" },
        { "zero_pages huge", 32, 4, 0xffffffff, 0,
          "packet zero_pages 4294967295 exceeds" },
        { "size nocomp", 20, 4, 4095, 0,
          "multifd channel 3: packet next_packet_size 4095, expected 4096 "
          "for 1 uncompressed pages" },
        { "size comp zero", 20, 4, 0, MULTIFD_FLAG_ZLIB,
          "multifd channel 3: packet next_packet_size 0 for 1 compressed" },
        { "size comp huge", 20, 4, MULTIFD_COMPRESSED_PAYLOAD_MAX + 1,
          MULTIFD_FLAG_ZLIB,
          "packet next_packet_size 1048577 exceeds the limit of 1048576" },
        { "name unterminated", 64 + 255, 1, 'z', 0,
          "multifd channel 3: packet ramblock is not NUL-terminated within "
          "its 256 bytes" },
        { "name empty", 64, 1, 0, 0,
          "multifd channel 3: packet ramblock is empty but 2 pages" },
        { "offset normal", 320, 8, 0x1001, 0,
          "multifd channel 3: packet offset[0] 0x1001 of block 'cr16.ram' "
          "is not page-aligned" },
        { "offset zero", 328, 8, 0x800, 0,
          "packet offset[1] 0x800 of block 'cr16.ram' is not page-aligned" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const RamCase *c = &cases[i];
        MultiFDRamPacket p, back;
        uint8_t buf[MULTIFD_RAM_PACKET_SIZE];
        g_autoptr(GError) err = NULL;

        example_packet(&p);
        p.flags = c->comp;
        if (c->comp) {
            p.next_packet_size = 100;
        }
        if (c->at == 64 + 255) {
            memset(p.ramblock, 'n', 255);
        }
        multifd_ram_packet_encode(&p, buf);
        /* the unpatched packet is fine */
        g_assert_true(multifd_ram_packet_decode(buf, 3, c->comp, &back,
                                                &err));
        put_be(buf + c->at, c->width, c->value);
        if (multifd_ram_packet_decode(buf, 3, c->comp, &back, &err)) {
            g_error("case '%s' was accepted", c->what);
        }
        assert_error_contains(err, c->msg);
    }
}

static void test_ram_packet_ignored_fields(void)
{
    MultiFDRamPacket p, back;
    uint8_t buf[MULTIFD_RAM_PACKET_SIZE];
    g_autoptr(GError) err = NULL;

    /* Without pages the block name and offsets are not looked at, even
     * when garbage (wire 6.2.3). */
    multifd_sync_packet_init(&p, 9);
    multifd_ram_packet_encode(&p, buf);
    memset(buf + 64, 'g', 256 + 8);
    buf[320 + 7] = 1;
    g_assert_true(multifd_ram_packet_decode(buf, 0, 0, &back, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(back.ramblock, ==, "");

    /* Offsets past the used slots are not looked at either. */
    example_packet(&p);
    multifd_ram_packet_encode(&p, buf);
    buf[320 + 2 * 8 + 7] = 0x33;
    g_assert_true(multifd_ram_packet_decode(buf, 0, 0, &back, &err));
    g_assert_no_error(err);

    /* A sync packet with pages of the configured method is processed
     * like a RAM packet. */
    p.flags = MULTIFD_FLAG_SYNC;
    multifd_ram_packet_encode(&p, buf);
    g_assert_true(multifd_ram_packet_decode(buf, 0, 0, &back, &err));
    g_assert_cmpuint(back.normal_pages, ==, 1);
}

/* ---- device state ---- */

static void test_device_state(void)
{
    MultiFDDeviceStatePacket p = {
        .flags = MULTIFD_FLAG_DEVICE_STATE,
        .instance_id = 0x01020304,
        .next_packet_size = 0x100,
    };
    static const uint8_t head[] = {
        0x11, 0x22, 0x33, 0x44, 0, 0, 0, 1, 0, 0, 0, 0x40,
        'v', 'f', 'i', 'o', 0,
    };
    static const uint8_t tail[] = { 1, 2, 3, 4, 0, 0, 1, 0 };
    MultiFDDeviceStatePacket back;
    uint8_t buf[MULTIFD_DEVICE_STATE_HDR_SIZE];
    uint32_t flags;
    g_autoptr(GError) err = NULL;

    strcpy(p.idstr, "vfio");
    multifd_device_state_encode(&p, buf);
    expect_bytes(buf, 0, head, sizeof(head));
    expect_zeros(buf, 17, 268);
    expect_bytes(buf, 268, tail, sizeof(tail));
    g_assert_true(multifd_header_decode(buf, 0, &flags, &err));
    g_assert_cmpuint(multifd_packet_rest_size(flags), ==, 264);
    g_assert_true(multifd_device_state_decode(buf, 0, &back, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(back.idstr, ==, "vfio");
    g_assert_cmpuint(back.instance_id, ==, 0x01020304);
    g_assert_cmpuint(back.next_packet_size, ==, 0x100);

    static const struct {
        unsigned at, width;
        uint64_t value;
        const char *msg;
    } cases[] = {
        { 8, 4, 0x41, "multifd channel 2: device-state packet has the SYNC" },
        { 8, 4, 0x42, "device-state packet has compression flags 0x2" },
        { 8, 4, 0x00, "multifd channel 2: RAM packet where a device-state" },
        { 8, 4, 0x140, "packet flags 0x140 have unknown bits 0x100" },
        { 267, 1, 'x', "multifd channel 2: device-state idstr is not "
                       "NUL-terminated within its 256 bytes" },
        { 272, 4, 0, "multifd channel 2: device-state packet of 'vfio' "
                     "next_packet_size 0 not in 1..1048576" },
        { 272, 4, 0xffffffff, "next_packet_size 4294967295 not in" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint8_t bad[MULTIFD_DEVICE_STATE_HDR_SIZE];
        g_autoptr(GError) e = NULL;

        memcpy(bad, buf, sizeof(bad));
        if (cases[i].at == 267) {
            memset(bad + 12, 'x', 256);
        }
        put_be(bad + cases[i].at, cases[i].width, cases[i].value);
        g_assert_false(multifd_device_state_decode(bad, 2, &back, &e));
        assert_error_contains(e, cases[i].msg);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/multifd-wire/init/example", test_init_example);
    g_test_add_func("/multifd-wire/init/uuid", test_init_uuid);
    g_test_add_func("/multifd-wire/init/malformed", test_init_malformed);
    g_test_add_func("/multifd-wire/ram/example", test_ram_packet_example);
    g_test_add_func("/multifd-wire/ram/sync-example",
                    test_sync_packet_example);
    g_test_add_func("/multifd-wire/ram/compressed",
                    test_ram_packet_compressed);
    g_test_add_func("/multifd-wire/ram/malformed",
                    test_ram_packet_malformed);
    g_test_add_func("/multifd-wire/ram/ignored-fields",
                    test_ram_packet_ignored_fields);
    g_test_add_func("/multifd-wire/device-state", test_device_state);
    return g_test_run();
}
