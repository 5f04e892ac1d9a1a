/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMState engine: golden bytes and JSON for every field kind, round
 * trips, versions, subsections, hook order, and hostile input (bad
 * values, counts, sizes, truncation at every byte).
 */
#include "qemu/osdep.h"

#include "migration/channel.h"
#include "migration/qemu-file.h"
#include "migration/vmstate.h"
#include "qobject/json-writer.h"
#include "qemu/timer.h"

/* ---- helpers ---- */

/* Save vmsd/opaque; returns the bytes, and the JSON object in *json. */
static GByteArray *save_state(const VMStateDescription *vmsd, void *opaque,
                              char **json, GError **errp)
{
    MigChannel *ch = mig_channel_new_mem(NULL, 0, "test-out");
    QEMUFile *f = qemu_file_new_output(ch);
    JsonWriter *w = json_writer_new(false);
    GByteArray *out = NULL;
    bool ok;

    json_writer_start_object(w, NULL);
    ok = vmstate_save_state(f, vmsd, opaque, w, errp);
    json_writer_end_object(w);
    qemu_fflush(f);
    if (ok) {
        g_autoptr(GBytes) b = mig_channel_mem_get_bytes(ch);

        out = g_byte_array_new();
        g_byte_array_append(out, g_bytes_get_data(b, NULL),
                            g_bytes_get_size(b));
        if (json) {
            *json = g_strdup(json_writer_get(w));
        }
    }
    json_writer_free(w);
    qemu_fclose(f);
    mig_channel_unref(ch);
    return out;
}

/*
 * Load [data, data+len) at version; on success also require that the
 * body used every byte (returns false with a message otherwise).
 */
static bool load_state(const VMStateDescription *vmsd, void *opaque,
                       const uint8_t *data, size_t len, int version,
                       GError **errp)
{
    MigChannel *ch = mig_channel_new_mem(data, len, "test-in");
    QEMUFile *f = qemu_file_new_input(ch);
    bool ok = vmstate_load_state(f, vmsd, opaque, version, errp);

    if (ok && qemu_peek_byte(f, 0) != -1) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "bytes left after the body");
        ok = false;
    }
    qemu_fclose(f);
    mig_channel_unref(ch);
    return ok;
}

static void assert_bytes(GByteArray *got, const uint8_t *want, size_t len)
{
    g_assert_nonnull(got);
    g_assert_cmpmem(got->data, got->len, want, len);
}

/* ---- every field kind ---- */

typedef struct Inner {
    uint16_t a;
    uint8_t b;
} Inner;

typedef struct All {
    bool b;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint8_t eq8;
    uint16_t eq16;
    int32_t eq32s;
    uint32_t eq32;
    uint64_t eq64;
    int32_t le;
    uint8_t buf[4];
    uint16_t arr[3];
    uint8_t cnt;
    uint32_t varr[4];
    uint32_t vsize;
    uint8_t *vbuf;
    Inner in;
    Inner vin;
    Inner *pin;
    Inner *parr[3];
    int32_t nbits;
    unsigned long *bits;
    QEMUTimer *timer;
    uint32_t custom;
} All;

static const VMStateField inner_fields[] = {
    VMSTATE_UINT16(a, Inner),
    VMSTATE_UINT8(b, Inner),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_inner = {
    .name = "inner",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = inner_fields,
};

static const VMStateField inner_v_fields[] = {
    VMSTATE_UINT16(a, Inner),
    VMSTATE_UINT8_V(b, Inner, 2),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_inner_v = {
    .name = "inner-v",
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = inner_v_fields,
};

/* A custom element codec: the low 24 bits, big-endian. */
static bool be24_put(QEMUFile *f, void *pv, size_t size,
                     const VMStateField *field, GError **errp)
{
    uint32_t v = *(uint32_t *)pv;

    qemu_put_byte(f, v >> 16);
    qemu_put_byte(f, v >> 8);
    qemu_put_byte(f, v);
    return true;
}

static bool be24_get(QEMUFile *f, void *pv, size_t size,
                     const VMStateField *field, GError **errp)
{
    uint32_t v = qemu_get_byte(f) << 16;

    v |= qemu_get_byte(f) << 8;
    v |= qemu_get_byte(f);
    if (v == 0xbad) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED, "be24 is bad");
        return false;
    }
    *(uint32_t *)pv = v;
    return true;
}

static const VMStateInfo vmstate_info_be24 = {
    .name = "be24", .kind = VMS_INFO_CUSTOM, .get = be24_get, .put = be24_put,
};

static bool nbits_ok(void *opaque, int version_id)
{
    All *s = opaque;

    return s->nbits >= 0 && s->nbits <= 128;
}

static const VMStateField all_fields[] = {
    VMSTATE_BOOL(b, All),
    VMSTATE_INT8(i8, All),
    VMSTATE_INT16(i16, All),
    VMSTATE_INT32(i32, All),
    VMSTATE_INT64(i64, All),
    VMSTATE_UINT8(u8, All),
    VMSTATE_UINT16(u16, All),
    VMSTATE_UINT32(u32, All),
    VMSTATE_UINT64(u64, All),
    VMSTATE_UINT8_EQUAL(eq8, All),
    VMSTATE_UINT16_EQUAL(eq16, All),
    VMSTATE_INT32_EQUAL(eq32s, All),
    VMSTATE_UINT32_EQUAL(eq32, All),
    VMSTATE_UINT64_EQUAL(eq64, All),
    VMSTATE_INT32_POSITIVE_LE(le, All),
    VMSTATE_BUFFER(buf, All),
    VMSTATE_UINT16_ARRAY(arr, All, 3),
    VMSTATE_UINT8(cnt, All),
    VMSTATE_VARRAY_UINT8(varr, All, cnt, 4, vmstate_info_uint32, uint32_t),
    VMSTATE_UINT32(vsize, All),
    VMSTATE_VBUFFER_ALLOC_UINT32(vbuf, All, 0, NULL, vsize),
    VMSTATE_STRUCT(in, All, 0, vmstate_inner, Inner),
    VMSTATE_VSTRUCT(vin, All, vmstate_inner_v, Inner, 1),
    VMSTATE_STRUCT_POINTER(pin, All, vmstate_inner, Inner),
    VMSTATE_ARRAY_OF_POINTER_TO_STRUCT(parr, All, 3, vmstate_inner, Inner),
    VMSTATE_INT32(nbits, All),
    VMSTATE_VALIDATE("nbits in range", nbits_ok),
    VMSTATE_BITMAP(bits, All, nbits),
    VMSTATE_TIMER_PTR(timer, All),
    VMSTATE_CUSTOM(custom, All, vmstate_info_be24, uint32_t),
    VMSTATE_UNUSED(2),
    VMSTATE_UNUSED(1),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_all = {
    .name = "all",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = all_fields,
};

static const uint8_t all_bytes[] = {
    0x01,                                           /* b */
    0xfe,                                           /* i8 = -2 */
    0xff, 0xfd,                                     /* i16 = -3 */
    0xff, 0xff, 0xff, 0xfc,                         /* i32 = -4 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb, /* i64 = -5 */
    0x12,                                           /* u8 */
    0x34, 0x56,                                     /* u16 */
    0x78, 0x9a, 0xbc, 0xde,                         /* u32 */
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, /* u64 */
    0x07,                                           /* eq8 */
    0x08, 0x09,                                     /* eq16 */
    0xff, 0xff, 0xff, 0xf6,                         /* eq32s = -10 */
    0x0b, 0x0c, 0x0d, 0x0e,                         /* eq32 */
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* eq64 */
    0x00, 0x00, 0x00, 0x05,                         /* le */
    0xde, 0xad, 0xbe, 0xef,                         /* buf */
    0x00, 0x01, 0x00, 0x02, 0x00, 0x03,             /* arr */
    0x02,                                           /* cnt */
    0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x0b, /* varr[0..1] */
    0x00, 0x00, 0x00, 0x03,                         /* vsize */
    0x01, 0x02, 0x03,                               /* vbuf */
    0x01, 0x02, 0x03,                               /* in */
    0x04, 0x05,                                     /* vin at version 1 */
    0x07, 0x08, 0x09,                               /* *pin */
    0x0a, 0x0b, 0x0c, 0x30, 0x0d, 0x0e, 0x0f,       /* parr, [1] NULL */
    0x00, 0x00, 0x00, 0x46,                         /* nbits = 70 */
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* bits 0..63 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x25, /* bits 64..69 */
    0x00, 0x00, 0x00, 0x00, 0x07, 0x5b, 0xcd, 0x15, /* timer */
    0xab, 0xcd, 0xef,                               /* custom */
    0x00, 0x00,                                     /* unused */
    0x00,                                           /* unused */
};

#define INNER_JSON \
    "{\"vmsd_name\": \"inner\", \"version\": 1, \"fields\": [" \
    "{\"name\": \"a\", \"type\": \"uint16\", \"size\": 2}, " \
    "{\"name\": \"b\", \"type\": \"uint8\", \"size\": 1}]}"

static const char all_json[] =
    "{\"vmsd_name\": \"all\", \"version\": 1, \"fields\": ["
    "{\"name\": \"b\", \"type\": \"bool\", \"size\": 1}, "
    "{\"name\": \"i8\", \"type\": \"int8\", \"size\": 1}, "
    "{\"name\": \"i16\", \"type\": \"int16\", \"size\": 2}, "
    "{\"name\": \"i32\", \"type\": \"int32\", \"size\": 4}, "
    "{\"name\": \"i64\", \"type\": \"int64\", \"size\": 8}, "
    "{\"name\": \"u8\", \"type\": \"uint8\", \"size\": 1}, "
    "{\"name\": \"u16\", \"type\": \"uint16\", \"size\": 2}, "
    "{\"name\": \"u32\", \"type\": \"uint32\", \"size\": 4}, "
    "{\"name\": \"u64\", \"type\": \"uint64\", \"size\": 8}, "
    "{\"name\": \"eq8\", \"type\": \"uint8 equal\", \"size\": 1}, "
    "{\"name\": \"eq16\", \"type\": \"uint16 equal\", \"size\": 2}, "
    "{\"name\": \"eq32s\", \"type\": \"int32 equal\", \"size\": 4}, "
    "{\"name\": \"eq32\", \"type\": \"uint32 equal\", \"size\": 4}, "
    "{\"name\": \"eq64\", \"type\": \"int64 equal\", \"size\": 8}, "
    "{\"name\": \"le\", \"type\": \"int32 le\", \"size\": 4}, "
    "{\"name\": \"buf\", \"type\": \"buffer\", \"size\": 4}, "
    "{\"name\": \"arr\", \"array_len\": 3, \"type\": \"uint16\", \"size\": 2}, "
    "{\"name\": \"cnt\", \"type\": \"uint8\", \"size\": 1}, "
    "{\"name\": \"varr\", \"array_len\": 2, \"type\": \"uint32\", \"size\": 4}, "
    "{\"name\": \"vsize\", \"type\": \"uint32\", \"size\": 4}, "
    "{\"name\": \"vbuf\", \"type\": \"buffer\", \"size\": 3}, "
    "{\"name\": \"in\", \"type\": \"struct\", \"struct\": " INNER_JSON
    ", \"size\": 3}, "
    "{\"name\": \"vin\", \"type\": \"vstruct\", \"vmsd_name\": \"inner-v\", "
    "\"version\": 1, \"fields\": [{\"name\": \"a\", \"type\": \"uint16\", "
    "\"size\": 2}], \"size\": 2}, "
    "{\"name\": \"pin\", \"type\": \"struct\", \"struct\": " INNER_JSON
    ", \"size\": 3}, "
    "{\"name\": \"parr\", \"type\": \"struct\", \"struct\": " INNER_JSON
    ", \"size\": 3}, "
    "{\"name\": \"parr\", \"type\": \"nullptr\", \"size\": 1}, "
    "{\"name\": \"parr\", \"type\": \"struct\", \"struct\": " INNER_JSON
    ", \"size\": 3}, "
    "{\"name\": \"nbits\", \"type\": \"int32\", \"size\": 4}, "
    "{\"name\": \"bits\", \"type\": \"bitmap\", \"size\": 16}, "
    "{\"name\": \"timer\", \"type\": \"timer\", \"size\": 8}, "
    "{\"name\": \"custom\", \"type\": \"be24\", \"size\": 3}, "
    "{\"name\": \"unused[0]\", \"type\": \"unused_buffer\", \"size\": 2}, "
    "{\"name\": \"unused[1]\", \"type\": \"unused_buffer\", \"size\": 1}"
    "]}";

typedef struct AllFixture {
    All s;
    Inner pin, px, py;
    unsigned long bits[2];
} AllFixture;

static void noop_timer(void *opaque)
{
}

/* A destination-shaped All: pointers set up, equality values agreed. */
static void all_init_empty(AllFixture *fx)
{
    memset(fx, 0, sizeof(*fx));
    fx->s.eq8 = 7;
    fx->s.eq16 = 0x0809;
    fx->s.eq32s = -10;
    fx->s.eq32 = 0x0b0c0d0e;
    fx->s.eq64 = 0x1122334455667788ULL;
    fx->s.le = 100;
    fx->s.pin = &fx->pin;
    fx->s.parr[0] = &fx->px;
    fx->s.parr[2] = &fx->py;
    fx->s.bits = fx->bits;
    fx->s.timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, noop_timer, NULL);
}

static void all_init_source(AllFixture *fx)
{
    static uint8_t vb[3] = { 1, 2, 3 };

    all_init_empty(fx);
    fx->s.b = true;
    fx->s.i8 = -2;
    fx->s.i16 = -3;
    fx->s.i32 = -4;
    fx->s.i64 = -5;
    fx->s.u8 = 0x12;
    fx->s.u16 = 0x3456;
    fx->s.u32 = 0x789abcde;
    fx->s.u64 = 0x0123456789abcdefULL;
    fx->s.le = 5;
    memcpy(fx->s.buf, "\xde\xad\xbe\xef", 4);
    fx->s.arr[0] = 1;
    fx->s.arr[1] = 2;
    fx->s.arr[2] = 3;
    fx->s.cnt = 2;
    fx->s.varr[0] = 0xa;
    fx->s.varr[1] = 0xb;
    fx->s.varr[2] = 0xdead;         /* beyond cnt: not sent */
    fx->s.vsize = 3;
    fx->s.vbuf = g_memdup2(vb, 3);
    fx->s.in = (Inner){ 0x0102, 3 };
    fx->s.vin = (Inner){ 0x0405, 6 };
    fx->pin = (Inner){ 0x0708, 9 };
    fx->px = (Inner){ 0x0a0b, 0x0c };
    fx->py = (Inner){ 0x0d0e, 0x0f };
    fx->s.nbits = 70;
    fx->bits[0] = 0x8000000000000001UL;
    fx->bits[1] = 0x25;
    timer_mod(fx->s.timer, 123456789);
    fx->s.custom = 0xabcdef;
}

static void all_cleanup(AllFixture *fx)
{
    timer_free(fx->s.timer);
    g_free(fx->s.vbuf);
}

static void test_all_kinds_save(void)
{
    AllFixture fx;
    g_autofree char *json = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GByteArray) out = NULL;

    all_init_source(&fx);
    out = save_state(&vmstate_all, &fx.s, &json, &err);
    g_assert_no_error(err);
    assert_bytes(out, all_bytes, sizeof(all_bytes));
    g_assert_cmpstr(json, ==, all_json);
    all_cleanup(&fx);
}

static void test_all_kinds_load(void)
{
    AllFixture fx;
    g_autoptr(GError) err = NULL;

    all_init_empty(&fx);
    g_assert_true(load_state(&vmstate_all, &fx.s, all_bytes,
                             sizeof(all_bytes), 1, &err));
    g_assert_no_error(err);
    g_assert_true(fx.s.b);
    g_assert_cmpint(fx.s.i8, ==, -2);
    g_assert_cmpint(fx.s.i16, ==, -3);
    g_assert_cmpint(fx.s.i32, ==, -4);
    g_assert_cmpint(fx.s.i64, ==, -5);
    g_assert_cmphex(fx.s.u8, ==, 0x12);
    g_assert_cmphex(fx.s.u16, ==, 0x3456);
    g_assert_cmphex(fx.s.u32, ==, 0x789abcde);
    g_assert_cmphex(fx.s.u64, ==, 0x0123456789abcdefULL);
    g_assert_cmpint(fx.s.le, ==, 5);
    g_assert_cmpmem(fx.s.buf, 4, "\xde\xad\xbe\xef", 4);
    g_assert_cmpint(fx.s.arr[2], ==, 3);
    g_assert_cmpint(fx.s.cnt, ==, 2);
    g_assert_cmphex(fx.s.varr[1], ==, 0xb);
    g_assert_cmphex(fx.s.varr[2], ==, 0);
    g_assert_cmpmem(fx.s.vbuf, fx.s.vsize, "\x01\x02\x03", 3);
    g_assert_cmphex(fx.s.in.a, ==, 0x0102);
    g_assert_cmphex(fx.s.in.b, ==, 3);
    g_assert_cmphex(fx.s.vin.a, ==, 0x0405);
    g_assert_cmphex(fx.s.vin.b, ==, 0);      /* not in version 1 */
    g_assert_cmphex(fx.pin.a, ==, 0x0708);
    g_assert_cmphex(fx.px.b, ==, 0x0c);
    g_assert_cmphex(fx.py.a, ==, 0x0d0e);
    g_assert_cmpint(fx.s.nbits, ==, 70);
    g_assert_cmphex(fx.bits[0], ==, 0x8000000000000001UL);
    g_assert_cmphex(fx.bits[1], ==, 0x25);
    g_assert_true(timer_pending(fx.s.timer));
    g_assert_cmpint(timer_expire_time_ns(fx.s.timer), ==, 123456789);
    g_assert_cmphex(fx.s.custom, ==, 0xabcdef);
    all_cleanup(&fx);
}

/* A body cut anywhere fails cleanly: no crash, no success. */
static void test_all_kinds_truncated(void)
{
    for (size_t len = 0; len < sizeof(all_bytes); len++) {
        AllFixture fx;
        g_autoptr(GError) err = NULL;

        all_init_empty(&fx);
        g_assert_false(load_state(&vmstate_all, &fx.s, all_bytes, len, 1,
                                  &err));
        g_assert_nonnull(err);
        g_assert_nonnull(strstr(err->message, "unexpected end of stream"));
        all_cleanup(&fx);
    }
}

/* Load a copy of all_bytes with byte `at` replaced; return the error. */
static char *load_all_corrupted(size_t at, uint8_t value)
{
    g_autofree uint8_t *copy = g_memdup2(all_bytes, sizeof(all_bytes));
    GError *err = NULL;
    AllFixture fx;
    char *msg;

    copy[at] = value;
    all_init_empty(&fx);
    g_assert_false(load_state(&vmstate_all, &fx.s, copy, sizeof(all_bytes),
                              1, &err));
    msg = g_strdup(err->message);
    g_error_free(err);
    all_cleanup(&fx);
    return msg;
}

static void test_malformed_values(void)
{
    struct {
        size_t at;
        uint8_t value;
        const char *msg;
    } cases[] = {
        { 31, 0x09, "field 'eq8': 7 != 9" },
        { 33, 0x0a, "field 'eq16': 809 != 80a" },
        { 37, 0xf7, "field 'eq32s': -10 != -9" },
        { 41, 0x0f, "field 'eq32': b0c0d0e != b0c0d0f" },
        { 49, 0x99, "field 'eq64': 1122334455667788 != 1122334455667799" },
        { 50, 0x80, "field 'le': Invalid value -2147483643 expecting "
                    "positive value <= 100" },
        /* cnt 5 > capacity 4 */
        { 64, 0x05, "field 'varr': element count 5 exceeds the array's "
                    "4 elements" },
        /* vsize 0x10000003: over the default allocation bound */
        { 73, 0x10, "field 'vbuf': buffer size 268435459 is out of range "
                    "(at most 268435456 bytes)" },
        /* the NULL element of parr must be the 0x30 marker */
        { 91, 0x31, "field 'parr': element 1: expected the null-pointer "
                    "marker 0x30, got 0x31" },
        /* nbits 0x4000046: rejected by the VALIDATE field */
        { 95, 0x04, "Input validation failed: all/nbits in range" },
        /* timer deadline with the top bit set (and not all ones) */
        { 115, 0x80, "field 'timer': timer deadline 0x80000000075bcd15 "
                     "out of range" },
        /* custom codec refuses 0xbad */
        { 127, 0x00, NULL },
    };

    g_assert_cmphex(all_bytes[31], ==, 0x07);
    g_assert_cmphex(all_bytes[64], ==, 0x02);
    g_assert_cmphex(all_bytes[91], ==, 0x30);
    g_assert_cmphex(all_bytes[115], ==, 0x00);
    g_assert_cmpuint(sizeof(all_bytes), ==, 129);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *msg = NULL;

        if (!cases[i].msg) {
            continue;
        }
        msg = load_all_corrupted(cases[i].at, cases[i].value);
        g_assert_cmpstr(msg, ==, cases[i].msg);
    }
    /* custom: 0xab 0xcd 0xef -> 0x00 0x0b 0xad */
    {
        g_autofree uint8_t *copy = g_memdup2(all_bytes, sizeof(all_bytes));
        g_autoptr(GError) err = NULL;
        AllFixture fx;
        size_t at = sizeof(all_bytes) - 6;

        copy[at] = 0x00;
        copy[at + 1] = 0x0b;
        copy[at + 2] = 0xad;
        all_init_empty(&fx);
        g_assert_false(load_state(&vmstate_all, &fx.s, copy,
                                  sizeof(all_bytes), 1, &err));
        g_assert_cmpstr(err->message, ==, "field 'custom': be24 is bad");
        all_cleanup(&fx);
    }
}

/* ---- versions ---- */

typedef struct Ver {
    uint32_t old;
    uint32_t added;     /* since version 3 */
    uint32_t tested;    /* present when `with_tested` */
    bool with_tested;
} Ver;

static bool ver_tested(void *opaque, int version_id)
{
    return ((Ver *)opaque)->with_tested;
}

static const VMStateField ver_fields[] = {
    VMSTATE_UINT32(old, Ver),
    VMSTATE_UINT32_V(added, Ver, 3),
    VMSTATE_UINT32_TEST(tested, Ver, ver_tested),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_ver = {
    .name = "ver",
    .version_id = 3,
    .minimum_version_id = 2,
    .fields = ver_fields,
};

static void test_versions(void)
{
    static const uint8_t v3[] = { 0, 0, 0, 1, 0, 0, 0, 2 };
    static const uint8_t v3_tested[] = { 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3 };
    Ver s = { .old = 1, .added = 2, .tested = 3 };
    Ver d = { 0 };
    g_autoptr(GByteArray) out = NULL;
    g_autofree char *json = NULL;
    GError *err = NULL;

    out = save_state(&vmstate_ver, &s, &json, &err);
    assert_bytes(out, v3, sizeof(v3));
    g_assert_cmpstr(json, ==,
        "{\"vmsd_name\": \"ver\", \"version\": 3, \"fields\": ["
        "{\"name\": \"old\", \"type\": \"uint32\", \"size\": 4}, "
        "{\"name\": \"added\", \"type\": \"uint32\", \"size\": 4}]}");
    g_byte_array_unref(out);
    s.with_tested = true;
    out = save_state(&vmstate_ver, &s, NULL, &err);
    assert_bytes(out, v3_tested, sizeof(v3_tested));

    /* Version 2 has no `added`: four bytes only. */
    g_assert_true(load_state(&vmstate_ver, &d, v3, 4, 2, &err));
    g_assert_cmpint(d.old, ==, 1);
    g_assert_cmpint(d.added, ==, 0);
    g_assert_true(load_state(&vmstate_ver, &d, v3, 8, 3, &err));
    g_assert_cmpint(d.added, ==, 2);
    /* The test alone decides whether `tested` is there. */
    d.with_tested = true;
    g_assert_true(load_state(&vmstate_ver, &d, v3_tested, 12, 3, &err));
    g_assert_cmpint(d.tested, ==, 3);

    g_assert_false(load_state(&vmstate_ver, &d, v3, 8, 4, &err));
    g_assert_cmpstr(err->message, ==, "ver: incoming version_id 4 is too new "
                    "for local version_id 3");
    g_clear_error(&err);
    g_assert_false(load_state(&vmstate_ver, &d, v3, 8, 1, &err));
    g_assert_cmpstr(err->message, ==, "ver: incoming version_id 1 is too old "
                    "for local minimum version_id 2");
    g_clear_error(&err);
}

/* ---- subsections and hooks ---- */

typedef struct Dev {
    uint32_t count;
    uint32_t reload;
    uint8_t pending;
    bool irq_needed;
    Inner nested;           /* last field: parent's subsections follow */
    GString *log;
    bool fail_pre_save, fail_field, fail_post_load;
} Dev;

static bool dev_irq_needed(void *opaque)
{
    return ((Dev *)opaque)->irq_needed;
}

static bool dev_pre_save(void *opaque, GError **errp)
{
    Dev *d = opaque;

    g_string_append(d->log, "pre_save ");
    if (d->fail_pre_save) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED, "not now");
        return false;
    }
    return true;
}

static void dev_post_save(void *opaque)
{
    g_string_append(((Dev *)opaque)->log, "post_save ");
}

static bool dev_pre_load(void *opaque, GError **errp)
{
    Dev *d = opaque;

    g_string_append(d->log, "pre_load ");
    d->pending = 0xee;      /* default when the subsection is absent */
    return true;
}

static bool dev_post_load(void *opaque, int version_id, GError **errp)
{
    Dev *d = opaque;

    g_string_append_printf(d->log, "post_load(%d) ", version_id);
    if (d->fail_post_load) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "reload %u out of range", d->reload);
        return false;
    }
    return true;
}

static bool irq_post_load(void *opaque, int version_id, GError **errp)
{
    g_string_append_printf(((Dev *)opaque)->log, "irq_post_load(%d) ",
                           version_id);
    return true;
}

static bool fail_put(QEMUFile *f, void *pv, size_t size,
                     const VMStateField *field, GError **errp)
{
    Dev *d = container_of(pv, Dev, reload);

    if (d->fail_field) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot put");
        return false;
    }
    qemu_put_be32(f, *(uint32_t *)pv);
    return true;
}

static bool plain_get(QEMUFile *f, void *pv, size_t size,
                      const VMStateField *field, GError **errp)
{
    *(uint32_t *)pv = qemu_get_be32(f);
    return true;
}

static const VMStateInfo vmstate_info_failing_u32 = {
    .name = "uint32", .kind = VMS_INFO_CUSTOM, .get = plain_get,
    .put = fail_put,
};

static const VMStateField irq_fields[] = {
    VMSTATE_UINT8(pending, Dev),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_irq = {
    .name = "cr16-timer/irq",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = dev_irq_needed,
    .post_load = irq_post_load,
    .fields = irq_fields,
};

static const VMStateDescription *const dev_subsections[] = {
    &vmstate_irq,
    NULL
};

static const VMStateField dev_fields[] = {
    VMSTATE_UINT32(count, Dev),
    VMSTATE_CUSTOM(reload, Dev, vmstate_info_failing_u32, uint32_t),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_dev = {
    .name = "cr16-timer",
    .version_id = 2,
    .minimum_version_id = 1,
    .pre_save = dev_pre_save,
    .post_save = dev_post_save,
    .pre_load = dev_pre_load,
    .post_load = dev_post_load,
    .fields = dev_fields,
    .subsections = dev_subsections,
};

/* The worked example's device body (wire-format 9.2, 0x10a3..0x10bf). */
static const uint8_t dev_bytes[] = {
    0x00, 0x00, 0x12, 0x34,
    0x00, 0x00, 0xff, 0xff,
    0x05, 0x0e, 'c', 'r', '1', '6', '-', 't', 'i', 'm', 'e', 'r', '/',
    'i', 'r', 'q',
    0x00, 0x00, 0x00, 0x01,
    0x01,
};

static void test_subsection_worked_example(void)
{
    g_autoptr(GString) log = g_string_new("");
    Dev s = { .count = 0x1234, .reload = 0xffff, .pending = 1,
              .irq_needed = true, .log = log };
    Dev d = { .log = log };
    g_autoptr(GByteArray) out = NULL;
    g_autofree char *json = NULL;
    GError *err = NULL;

    out = save_state(&vmstate_dev, &s, &json, &err);
    assert_bytes(out, dev_bytes, sizeof(dev_bytes));
    g_assert_cmpstr(json, ==,
        "{\"vmsd_name\": \"cr16-timer\", \"version\": 2, \"fields\": ["
        "{\"name\": \"count\", \"type\": \"uint32\", \"size\": 4}, "
        "{\"name\": \"reload\", \"type\": \"uint32\", \"size\": 4}], "
        "\"subsections\": [{\"vmsd_name\": \"cr16-timer/irq\", "
        "\"version\": 1, \"fields\": [{\"name\": \"pending\", "
        "\"type\": \"uint8\", \"size\": 1}]}]}");
    g_assert_cmpstr(log->str, ==, "pre_save post_save ");

    g_string_truncate(log, 0);
    g_assert_true(load_state(&vmstate_dev, &d, dev_bytes, sizeof(dev_bytes),
                             2, &err));
    g_assert_cmphex(d.count, ==, 0x1234);
    g_assert_cmphex(d.reload, ==, 0xffff);
    g_assert_cmpint(d.pending, ==, 1);
    g_assert_cmpstr(log->str, ==, "pre_load irq_post_load(1) post_load(2) ");

    /* Not needed: not sent, no "subsections" key, default kept. */
    s.irq_needed = false;
    g_byte_array_unref(out);
    g_free(json);
    out = save_state(&vmstate_dev, &s, &json, &err);
    assert_bytes(out, dev_bytes, 8);
    g_assert_null(strstr(json, "subsections"));
    g_string_truncate(log, 0);
    g_assert_true(load_state(&vmstate_dev, &d, dev_bytes, 8, 2, &err));
    g_assert_cmpint(d.pending, ==, 0xee);
    g_assert_cmpstr(log->str, ==, "pre_load post_load(2) ");
}

static void test_subsection_errors(void)
{
    g_autoptr(GString) log = g_string_new("");
    Dev d = { .log = log };
    g_autofree uint8_t *b = g_memdup2(dev_bytes, sizeof(dev_bytes));
    GError *err = NULL;

    /* Right prefix, unknown name. */
    b[sizeof(dev_bytes) - 6] = 'x';         /* cr16-timer/irx */
    g_assert_false(load_state(&vmstate_dev, &d, b, sizeof(dev_bytes), 2,
                              &err));
    g_assert_cmpstr(err->message, ==, "VM subsection 'cr16-timer/irx' in "
                    "'cr16-timer' does not exist");
    g_clear_error(&err);

    /* Another description's subsection: left unread, not an error of
     * this body (the caller's footer check catches it). */
    memcpy(b, dev_bytes, sizeof(dev_bytes));
    b[10] = 'X';                            /* Xr16-timer/irq */
    g_assert_false(load_state(&vmstate_dev, &d, b, sizeof(dev_bytes), 2,
                              &err));
    g_assert_cmpstr(err->message, ==, "bytes left after the body");
    g_clear_error(&err);

    /* A name too short to be ours: likewise left alone. */
    {
        static const uint8_t shortname[] = {
            0, 0, 0, 1, 0, 0, 0, 2, 0x05, 0x03, 'a', 'b', 'c',
        };
        g_assert_false(load_state(&vmstate_dev, &d, shortname,
                                  sizeof(shortname), 2, &err));
        g_assert_cmpstr(err->message, ==, "bytes left after the body");
        g_clear_error(&err);
    }

    /* Subsection version above its description's. */
    memcpy(b, dev_bytes, sizeof(dev_bytes));
    b[sizeof(dev_bytes) - 2] = 2;
    g_assert_false(load_state(&vmstate_dev, &d, b, sizeof(dev_bytes), 2,
                              &err));
    g_assert_cmpstr(err->message, ==, "subsection 'cr16-timer/irq': "
                    "cr16-timer/irq: incoming version_id 2 is too new for "
                    "local version_id 1");
    g_clear_error(&err);

    /* Quirk kept: the version is read modulo 256 (0x101 -> 1). */
    b[sizeof(dev_bytes) - 3] = 1;
    b[sizeof(dev_bytes) - 2] = 1;
    g_assert_true(load_state(&vmstate_dev, &d, b, sizeof(dev_bytes), 2,
                             &err));

    /* A failing post_load names the description. */
    d.fail_post_load = true;
    g_assert_false(load_state(&vmstate_dev, &d, dev_bytes, sizeof(dev_bytes),
                              2, &err));
    g_assert_cmpstr(err->message, ==,
                    "post_load of 'cr16-timer': reload 65535 out of range");
    g_clear_error(&err);
}

static void test_save_hook_order(void)
{
    g_autoptr(GString) log = g_string_new("");
    Dev s = { .log = log, .irq_needed = true };
    GError *err = NULL;

    /* pre_save fails: nothing else runs. */
    s.fail_pre_save = true;
    g_assert_null(save_state(&vmstate_dev, &s, NULL, &err));
    g_assert_cmpstr(err->message, ==, "pre_save of 'cr16-timer': not now");
    g_assert_cmpstr(log->str, ==, "pre_save ");
    g_clear_error(&err);

    /* A field fails: post_save still undoes pre_save. */
    g_string_truncate(log, 0);
    s.fail_pre_save = false;
    s.fail_field = true;
    g_assert_null(save_state(&vmstate_dev, &s, NULL, &err));
    g_assert_cmpstr(err->message, ==, "field 'reload': cannot put");
    g_assert_cmpstr(log->str, ==, "pre_save post_save ");
    g_clear_error(&err);
}

/* A parent whose last field is a struct: the nested body's subsection
 * loop must leave the parent's subsection alone (wire-format 2.6). */
typedef struct Outer {
    uint8_t x;
    Inner in;
    uint8_t extra;
} Outer;

static bool always(void *opaque)
{
    return true;
}

static const VMStateField outer_extra_fields[] = {
    VMSTATE_UINT8(extra, Outer),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_outer_extra = {
    .name = "outer/extra",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = always,
    .fields = outer_extra_fields,
};

static const VMStateDescription *const outer_subsections[] = {
    &vmstate_outer_extra, NULL
};

static const VMStateField outer_fields[] = {
    VMSTATE_UINT8(x, Outer),
    VMSTATE_STRUCT(in, Outer, 0, vmstate_inner, Inner),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_outer = {
    .name = "outer",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = outer_fields,
    .subsections = outer_subsections,
};

static void test_subsection_after_nested_struct(void)
{
    static const uint8_t want[] = {
        0x11, 0x22, 0x33, 0x44,
        0x05, 0x0b, 'o', 'u', 't', 'e', 'r', '/', 'e', 'x', 't', 'r', 'a',
        0x00, 0x00, 0x00, 0x01, 0x55,
    };
    Outer s = { 0x11, { 0x2233, 0x44 }, 0x55 };
    Outer d = { 0 };
    g_autoptr(GByteArray) out = NULL;
    g_autoptr(GError) err = NULL;

    out = save_state(&vmstate_outer, &s, NULL, &err);
    assert_bytes(out, want, sizeof(want));
    g_assert_true(load_state(&vmstate_outer, &d, want, sizeof(want), 1,
                             &err));
    g_assert_cmphex(d.in.a, ==, 0x2233);
    g_assert_cmphex(d.extra, ==, 0x55);
}

/* ---- JSON: non-compressible arrays and field name escapes ---- */

static bool struct_sub_needed(void *opaque)
{
    return false;
}

static const VMStateDescription vmstate_inner_sub = {
    .name = "inner-s/never",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = struct_sub_needed,
    .fields = inner_fields,
};

static const VMStateDescription *const inner_s_subsections[] = {
    &vmstate_inner_sub, NULL
};

static const VMStateDescription vmstate_inner_s = {
    .name = "inner-s",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = inner_fields,
    .subsections = inner_s_subsections,
};

typedef struct Arrays {
    Inner st[3];
    uint8_t tb[2];
    bool with;
} Arrays;

static bool arrays_with(void *opaque, int version_id)
{
    return ((Arrays *)opaque)->with;
}

static const VMStateField arrays_fields[] = {
    VMSTATE_STRUCT_ARRAY(st, Arrays, 3, 0, vmstate_inner_s, Inner),
    {
        .name = "t\"b\x01", .num = 2, .info = &vmstate_info_uint8,
        .size = 1, .flags = VMS_ARRAY, .field_exists = arrays_with,
        .offset = offsetof(Arrays, tb),
    },
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_arrays = {
    .name = "arrays",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = arrays_fields,
};

static void test_json_not_compressible(void)
{
    Arrays s = { .st = { { 1, 2 }, { 3, 4 }, { 5, 6 } },
                 .tb = { 7, 8 }, .with = true };
    g_autoptr(GByteArray) out = NULL;
    g_autofree char *json = NULL;
    g_autoptr(GError) err = NULL;

#define INNER_S_JSON \
    "{\"vmsd_name\": \"inner-s\", \"version\": 1, \"fields\": [" \
    "{\"name\": \"a\", \"type\": \"uint16\", \"size\": 2}, " \
    "{\"name\": \"b\", \"type\": \"uint8\", \"size\": 1}]}"
    out = save_state(&vmstate_arrays, &s, &json, &err);
    g_assert_cmpuint(out->len, ==, 11);
    /* One object per element; the last one carries no "index" (QEMU). */
    g_assert_cmpstr(json, ==,
        "{\"vmsd_name\": \"arrays\", \"version\": 1, \"fields\": ["
        "{\"name\": \"st\", \"index\": 0, \"type\": \"struct\", \"struct\": "
        INNER_S_JSON ", \"size\": 3}, "
        "{\"name\": \"st\", \"index\": 1, \"type\": \"struct\", \"struct\": "
        INNER_S_JSON ", \"size\": 3}, "
        "{\"name\": \"st\", \"type\": \"struct\", \"struct\": "
        INNER_S_JSON ", \"size\": 3}, "
        "{\"name\": \"t\\\"b\\u0001\", \"index\": 0, \"type\": \"uint8\", "
        "\"size\": 1}, "
        "{\"name\": \"t\\\"b\\u0001\", \"type\": \"uint8\", \"size\": 1}]}");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmstate/kinds/save", test_all_kinds_save);
    g_test_add_func("/vmstate/kinds/load", test_all_kinds_load);
    g_test_add_func("/vmstate/kinds/truncated", test_all_kinds_truncated);
    g_test_add_func("/vmstate/kinds/malformed", test_malformed_values);
    g_test_add_func("/vmstate/versions", test_versions);
    g_test_add_func("/vmstate/subsection/worked-example",
                    test_subsection_worked_example);
    g_test_add_func("/vmstate/subsection/errors", test_subsection_errors);
    g_test_add_func("/vmstate/subsection/after-nested-struct",
                    test_subsection_after_nested_struct);
    g_test_add_func("/vmstate/hooks/save-order", test_save_hook_order);
    g_test_add_func("/vmstate/json/not-compressible",
                    test_json_not_compressible);
    return g_test_run();
}
