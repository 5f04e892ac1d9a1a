/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the CR16C instruction table: encode every form with
 * boundary operands and decode it back, golden encodings from the ISA
 * sheet, encoder range errors, and exhaustive first-word decoding.
 */
#include "qemu/osdep.h"
#include "target/cr16/insn.h"

/* Valid index pairs for the [r12]/[r13] modes. */
static const uint8_t index_pairs[8] = { 0, 2, 4, 6, 8, 10, 3, 5 };

static bool kind_has_value(CR16OpKind k)
{
    int64_t lo, hi;

    cr16_opkind_range(k, &lo, &hi);
    return lo != 0 || hi != 0;
}

static bool kind_has_base(CR16OpKind k)
{
    return cr16_opkind_class(k) == CR16_OPC_MEM &&
           k != CR16_OPK_MEM_ABS20 && k != CR16_OPK_MEM_ABS24;
}

/* A valid default operand for position i of form. */
static CR16Operand base_operand(const CR16Form *f, unsigned i)
{
    CR16Operand op = { .kind = f->ops[i].kind };
    CR16OpKind k = op.kind;
    int64_t lo, hi;

    cr16_opkind_range(k, &lo, &hi);
    op.value = lo;
    if (k == CR16_OPK_IMM4 || k == CR16_OPK_PREGD || k == CR16_OPK_EXCP) {
        op.value = k == CR16_OPK_EXCP ? 5 : 0;
    }
    if (f->ops[i].reg.n == 0 && (k == CR16_OPK_REG || k == CR16_OPK_RP)) {
        op.reg = f->ops[i].fixed;
    }
    if (cr16_opkind_is_indexed(k)) {
        op.index = 12;
    }
    return op;
}

static bool operands_equal(const CR16Operand *a, const CR16Operand *b)
{
    if (a->reg != b->reg || a->index != b->index) {
        return false;
    }
    if (a->value == b->value) {
        return true;
    }
    /* immediates accepted both signed and unsigned come back signed */
    switch (a->kind) {
    case CR16_OPK_IMM16B:
        return ((a->value ^ b->value) & 0xFF) == 0;
    case CR16_OPK_IMM16W:
        return ((a->value ^ b->value) & 0xFFFF) == 0;
    case CR16_OPK_IMM32:
        return ((a->value ^ b->value) & 0xFFFFFFFF) == 0;
    default:
        return false;
    }
}

/* Encode, decode, compare, disassemble one operand set. */
static void roundtrip(const CR16Form *f, const CR16Operand *ops)
{
    uint16_t w[3] = { 0 }, w2[3] = { 0 };
    CR16Operand dec[CR16_MAX_OPERANDS];
    GError *err = NULL;
    const CR16Form *d;
    unsigned needed = 99;
    char buf[128];
    unsigned len;

    if (!cr16_encode(f, ops, w, &err)) {
        g_error("%s (form %u): %s", f->mnemonic, cr16_form_index(f),
                err->message);
    }
    d = cr16_decode(w, f->len, dec, &needed);
    g_assert_nonnull(d);
    g_assert_cmpuint(needed, ==, 0);
    g_assert_cmpuint(d->len, ==, f->len);
    g_assert_cmpuint(cr16_insn_len(w[0]), ==, f->len);
    if (f->flags & CR16_FF_ALIAS) {
        /* aliases decode to the canonical spelling of the same bits */
        g_assert_true(cr16_encode(d, dec, w2, NULL));
        g_assert_cmpmem(w, 2 * f->len, w2, 2 * d->len);
    } else {
        g_assert_true(d == f);
        for (unsigned i = 0; i < f->nops; i++) {
            if (!operands_equal(&ops[i], &dec[i])) {
                g_error("%s (form %u) operand %u: value %" PRId64 "/%"
                        PRId64 " reg %u/%u index %u/%u", f->mnemonic,
                        cr16_form_index(f), i, ops[i].value, dec[i].value,
                        ops[i].reg, dec[i].reg, ops[i].index, dec[i].index);
            }
        }
    }
    len = cr16_disas(0x1000, w, 3, buf, sizeof(buf));
    g_assert_cmpuint(len, ==, 2 * f->len);
    g_assert_true(g_str_has_prefix(buf, d->mnemonic));
    g_assert_true(buf[strlen(d->mnemonic)] == ' ' ||
                  buf[strlen(d->mnemonic)] == '\0');
    /* a truncated buffer is reported, not overrun */
    if (f->len > 1) {
        g_assert_cmpuint(cr16_disas(0x1000, w, f->len - 1, buf, 8), ==, 0);
        g_assert_cmpuint(strlen(buf), <, 8);
    }
}

static void test_every_form(void)
{
    unsigned n = cr16_form_count();
    unsigned cases = 0;

    g_assert_cmpuint(n, >, 300);
    for (unsigned fi = 0; fi < n; fi++) {
        const CR16Form *f = cr16_form_at(fi);
        CR16Operand base[CR16_MAX_OPERANDS];

        g_assert_cmpuint(cr16_form_index(f), ==, fi);
        g_assert_cmpuint(f->len, >=, 1);
        g_assert_cmpuint(f->len, <=, 3);
        g_assert_true((f->match & ~f->mask) == 0);
        for (unsigned i = 0; i < f->nops; i++) {
            base[i] = base_operand(f, i);
        }
        roundtrip(f, base);
        cases++;

        /* vary one operand at a time */
        for (unsigned i = 0; i < f->nops; i++) {
            const CR16OperandSpec *spec = &f->ops[i];
            CR16Operand ops[CR16_MAX_OPERANDS];
            CR16OpKind k = spec->kind;

            memcpy(ops, base, sizeof(ops));
            if (kind_has_value(k)) {
                int64_t lo, hi;
                int64_t vals[6];
                unsigned nv = 0;

                cr16_opkind_range(k, &lo, &hi);
                vals[nv++] = lo;
                vals[nv++] = hi;
                if (k == CR16_OPK_IMM4) {
                    vals[nv++] = -1;
                    vals[nv++] = 8;
                    vals[nv++] = 10;
                } else if (k == CR16_OPK_MEM_ABS20) {
                    vals[nv++] = 0xEFFFF;
                    vals[nv++] = 0xFF0000;
                } else if (k == CR16_OPK_PREGD) {
                    vals[nv++] = 9;
                    vals[nv++] = 1;
                } else if (k == CR16_OPK_EXCP) {
                    vals[nv++] = 10;
                    vals[nv++] = 8;
                } else if (hi - lo > 4) {
                    vals[nv++] = lo + ((hi - lo) / 2 & ~1);
                }
                for (unsigned v = 0; v < nv; v++) {
                    ops[i].value = vals[v];
                    roundtrip(f, ops);
                    cases++;
                }
                ops[i].value = base[i].value;
            }
            if ((k == CR16_OPK_REG || k == CR16_OPK_RP) && spec->reg.n) {
                for (unsigned r = 0; r < 16; r++) {
                    ops[i].reg = r;
                    roundtrip(f, ops);
                    cases++;
                }
                ops[i].reg = base[i].reg;
            }
            if (kind_has_base(k) && !cr16_opkind_is_indexed(k) &&
                k != CR16_OPK_MEM_IABS20) {
                for (unsigned r = 0; r < 16; r++) {
                    ops[i].reg = r;
                    roundtrip(f, ops);
                    cases++;
                }
                ops[i].reg = base[i].reg;
            }
            if (cr16_opkind_is_indexed(k)) {
                for (unsigned x = 12; x <= 13; x++) {
                    ops[i].index = x;
                    if (k == CR16_OPK_MEM_IABS20) {
                        roundtrip(f, ops);
                        cases++;
                        continue;
                    }
                    for (unsigned p = 0; p < 8; p++) {
                        ops[i].reg = index_pairs[p];
                        roundtrip(f, ops);
                        cases++;
                    }
                }
            }
        }
    }
    g_test_message("%u forms, %u encodings checked", n, cases);
}

/* Every 16-bit first word: decodes consistently or is undefined. */
static void test_every_w0(void)
{
    static const uint16_t tails[][2] = {
        { 0x0000, 0x0000 }, { 0xFFFF, 0xFFFF }, { 0x8080, 0x1234 },
        { 0x4A3A, 0x0001 }, { 0x1000, 0xFFFE }, { 0x7F0F, 0x8000 },
    };
    unsigned defined = 0;

    for (uint32_t w0 = 0; w0 < 0x10000; w0++) {
        for (unsigned t = 0; t < G_N_ELEMENTS(tails); t++) {
            uint16_t w[3] = { w0, tails[t][0], tails[t][1] };
            CR16Operand ops[CR16_MAX_OPERANDS];
            const CR16Form *f = cr16_decode(w, 3, ops, NULL);
            char buf[128];
            unsigned len = cr16_disas(0x123456, w, 3, buf, sizeof(buf));

            g_assert_cmpuint(strlen(buf), >, 0);
            if (!f) {
                g_assert_cmpuint(len, ==, 2);
                g_assert_true(g_str_has_prefix(buf, ".word"));
                continue;
            }
            defined++;
            g_assert_false(f->flags & CR16_FF_ALIAS);
            g_assert_cmpuint(len, ==, 2 * f->len);
            g_assert_cmpuint(cr16_insn_len(w0), ==, f->len);
            /* decode -> encode -> decode is stable */
            {
                uint16_t e[3];
                CR16Operand ops2[CR16_MAX_OPERANDS];
                const CR16Form *f2;

                g_assert_true(cr16_encode(f, ops, e, NULL));
                f2 = cr16_decode(e, 3, ops2, NULL);
                g_assert_true(f2 == f);
                for (unsigned i = 0; i < f->nops; i++) {
                    g_assert_true(operands_equal(&ops[i], &ops2[i]));
                }
            }
        }
    }
    g_test_message("%u defined (w0, tail) combinations", defined);
    g_assert_cmpuint(defined, >, 100000);
}

/* Encodings and disassembly from the ISA sheet (GNU as 2.44 output). */
static const struct {
    uint16_t w[3];
    const char *text;
} golden[] = {
    { { 0x3031 }, "addb $0x3,r1" },
    { { 0x3091 }, "addb $-0x1,r1" },
    { { 0x32B4, 0x1234 }, "addw $0x1234,r4" },
    { { 0x3356 }, "addw r5,r6" },
    { { 0x3B32 }, "subw r3,r2" },
    { { 0x5051 }, "cmpb $0x5,r1" },
    { { 0x5A72 }, "movw $0x7,r2" },
    { { 0x26B0, 0x8000 }, "orw $-0x8000,r0" },
    { { 0x5E12 }, "movxw r1,(r3,r2)" },
    { { 0x6212 }, "mulsw r1,(r3,r2)" },
    { { 0x0521, 0x2345 }, "movd $0x12345,(r3,r2)" },
    { { 0x0074, 0x1234, 0x5678 }, "movd $0x12345678,(r5,r4)" },
    { { 0x5490 }, "movd $-0x1,(r1,r0)" },
    { { 0x60BF, 0xFFFC }, "addd $-0x4,(sp)" },
    { { 0x0014, 0xC002 }, "subd (r1,r0),(r3,r2)" },
    { { 0x5702 }, "cmpd (r1,r0),(r3,r2)" },
    { { 0x0014, 0x90CD }, "ord (r12),(r13)" },
    { { 0x40D1 }, "ashub $-0x3,r1" },
    { { 0x42F1 }, "ashuw $0xf,r1" },
    { { 0x4311 }, "ashuw $-0xf,r1" },
    { { 0x4DF0 }, "ashud $0x1f,(r1,r0)" },
    { { 0x4E10 }, "ashud $-0x1f,(r1,r0)" },
    { { 0x09D1 }, "lshb $-0x3,r1" },
    { { 0x4911 }, "lshw $-0xf,r1" },
    { { 0x4A10 }, "lshd $-0x1f,(r1,r0)" },
    { { 0x1F6B }, "bgt 0xff6" },
    { { 0x1810, 0x0136 }, "bne 0x1136" },
    { { 0x1870, 0xFEC9 }, "ble 0xec8" },
    { { 0x0010, 0x01E0, 0x11AE }, "br 0x121ae" },
    { { 0x0C21 }, "beq0b r1,0x1006" },
    { { 0x0EF1 }, "beq0w r1,0x1020" },
    { { 0xC000, 0x001E }, "bal (ra),0x101e" },
    { { 0x0010, 0x2F0F, 0xFEC1 }, "bal (r1,r0),0xec0" },
    { { 0x0AEE }, "jump (ra)" },
    { { 0x00D0 }, "jal (r1,r0)" },
    { { 0x0014, 0x802E }, "jal (ra),(r3,r2)" },
    { { 0x0A00 }, "jeq (r1,r0)" },
    { { 0x0AF0 }, "jusr (r1,r0)" },
    { { 0x0801 }, "seq r1" },
    { { 0x08D2 }, "sge r2" },
    { { 0x8810, 0x1234 }, "loadb 0x1234,r1" },
    { { 0x881F, 0x1234 }, "loadb 0xff1234,r1" },
    { { 0x0012, 0x7A17, 0x1234 }, "loadb 0x7a1234,r1" },
    { { 0xB430 }, "loadb 0x4(r1,r0),r3" },
    { { 0xB03C }, "loadb 0x0(r12),r3" },
    { { 0xB43F }, "loadb 0x4(sp),r3" },
    { { 0xBF30, 0x1234 }, "loadb 0x1234(r1,r0),r3" },
    { { 0x0012, 0x5130, 0x2345 }, "loadb 0x12345(r1,r0),r3" },
    { { 0x0018, 0x5F30, 0xFFFC }, "loadb -0x4(r1,r0),r3" },
    { { 0x0018, 0x4F32, 0xEDCC }, "loadb -0x1234(r2),r3" },
    { { 0xBE40 }, "loadb [r12]0x0(r1,r0),r4" },
    { { 0xBE49 }, "loadb [r13]0x0(r3,r2),r4" },
    { { 0x0012, 0x614A, 0x2345 }, "loadb [r13]0x12345(r5,r4),r4" },
    { { 0x9D10 }, "loadw 0x1a(r1,r0),r1" },
    { { 0xA20F }, "loadd 0x4(sp),(r1,r0)" },
    { { 0xA4EC }, "loadd 0x8(r12),(ra)" },
    { { 0x0012, 0x91DF, 0x2345 }, "loadd 0x12345(sp),(r13)" },
    { { 0xF412 }, "storb r1,0x4(r3,r2)" },
    { { 0xD81F }, "storw r1,0x10(sp)" },
    { { 0xE0EF }, "stord (ra),0x0(sp)" },
    { { 0x0013, 0xB403, 0x5678 }, "stord (r1,r0),0x345678" },
    { { 0x0013, 0xA128, 0x2345 }, "stord (r3,r2),[r13]0x12345(r1,r0)" },
    { { 0x8E10, 0x1234 }, "loadw [r12]0x1234,r1" },
    { { 0xCF20, 0x1234 }, "storw r2,[r13]0x1234" },
    { { 0x8150, 0x1234 }, "storb $0x5,0x1234" },
    { { 0x0012, 0x3F5F, 0x1234 }, "storb $0x5,0xff1234" },
    { { 0x8250 }, "storb $0x5,0x0(r1,r0)" },
    { { 0x8550, 0x1234 }, "storb $0x5,[r13]0x1234" },
    { { 0x8630, 0x1254 }, "storb $0x5,[r12]0x1234(r1,r0)" },
    { { 0x0012, 0x0051, 0x1234 }, "storb $0x5,0x1234(r1)" },
    { { 0xC1F0, 0x1234 }, "storw $0xf,0x1234" },
    { { 0x6BB0, 0x1234 }, "cbitb $0x3,0x1234" },
    { { 0x77F0, 0x1234 }, "sbitw $0xf,0x1234" },
    { { 0x7A70 }, "tbitb $0x7,0x0(r1,r0)" },
    { { 0x7931, 0x0100 }, "tbitw $0x3,0x100(r2,r1)" },
    { { 0x7020, 0x0010 }, "sbitb $0x2,[r12]0x10" },
    { { 0x7520, 0x0010 }, "sbitw $0x2,[r13]0x10" },
    { { 0x0011, 0x4191, 0x2345 }, "cbitw $0x9,0x12345(r1)" },
    { { 0x6AB0, 0x4A3A }, "cbitb $0x3,[r12]0xa7a(r1,r0)" },
    { { 0x7AD0, 0x0012 }, "tbitw $0x1,[r12]0x12(r1,r0)" },
    { { 0x6B3C, 0x0034 }, "cbitb $0x3,0x34(r12)" },
    { { 0x0117 }, "push $0x2,r7" },
    { { 0x01A7 }, "push $0x3,r7,ra" },
    { { 0x021E }, "pop $0x2,ra" },
    { { 0x0397 }, "popret $0x2,r7,ra" },
    { { 0x0184 }, "push $0x1,r4,ra" },
    { { 0x0014, 0x0091 }, "lpr r1,psr" },
    { { 0x0014, 0x0081 }, "lpr r1,cfg" },
    { { 0x0014, 0x10A0 }, "lprd (r1,r0),intbase" },
    { { 0x0014, 0x10C0 }, "lprd (r1,r0),isp" },
    { { 0x0014, 0x2091 }, "spr psr,r1" },
    { { 0x0014, 0x30E0 }, "sprd usp,(r1,r0)" },
    { { 0x00C5 }, "excp svc" },
    { { 0x00C8 }, "excp bpt" },
    { { 0x0003 }, "retx" },
    { { 0x0004 }, "di" },
    { { 0x0005 }, "ei" },
    { { 0x0006 }, "wait" },
    { { 0x0007 }, "eiwait" },
    { { 0x000A }, "cinv [i]" },
    { { 0x000F }, "cinv [d,i,u]" },
    { { 0x2C00 }, "addub $0x0,r0" },
    { { 0x05F0, 0x8000 }, "movd $0x8000,(sp)" },
    { { 0x885F, 0x8001 }, "loadb 0xff8001,r5" },
    { { 0x58B4, 0x004B }, "movb $0x4b,r4" },
    { { 0x0013, 0x7F4F, 0x8000 }, "storb r4,0xff8000" },
    { { 0x00A3 }, "loadm $0x4" },
    { { 0x00BF }, "stormp $0x8" },
    { { 0x0014, 0xD123 }, "macqw r2,r3,(r2,r1)" },
    { { 0x0600 }, "tbit $0x0,r0" },
    { { 0x07FF }, "tbit sp,sp" },
    { { 0x0012, 0x4712, 0x0010 }, "loadb 0x70010(r2),r1" },
    { { 0x0012, 0x471C, 0x0010 }, "loadb 0x70010(r12_l),r1" },
};

/* Undefined encodings: UND (".word"). */
static const uint16_t undefined[][3] = {
    { 0x0000 }, { 0x0001 }, { 0x0002 }, { 0x0008 }, { 0x0009 },
    { 0x0015 }, { 0x0017 }, { 0x001A }, { 0x001F }, { 0x0080 }, { 0x008F },
    { 0x00E0 }, { 0x00FF }, { 0x00C0 }, { 0x00C9 }, { 0x00CB }, { 0x00CC },
    { 0x0900 }, { 0x0800 + 0xF1 }, { 0x10F0 }, { 0x1F00 + 0xF0 },
    { 0x8000 }, { 0x80FF },
    { 0x0014, 0x4000 }, { 0x0014, 0x7000 }, { 0x0014, 0x0100 },
    { 0x0014, 0x1030 }, { 0x0014, 0x30F0 },
    { 0x0010, 0x1000, 0 }, { 0x0010, 0x3000, 0 }, { 0x0010, 0x00F0, 0 },
    { 0x0011, 0x0000, 0 }, { 0x0011, 0x3000, 0 }, { 0x0010, 0x4080, 0 },
    { 0x0018, 0x0000, 0 }, { 0x0018, 0x6000, 0 }, { 0x0019, 0xF000, 0 },
};

static void test_golden(void)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(golden); i++) {
        CR16Operand ops[CR16_MAX_OPERANDS];
        const CR16Form *f = cr16_decode(golden[i].w, 3, ops, NULL);
        uint16_t e[3] = { 0 };
        char buf[128];

        g_assert_nonnull(f);
        cr16_disas(0x1000, golden[i].w, 3, buf, sizeof(buf));
        g_assert_cmpstr(buf, ==, golden[i].text);
        g_assert_true(cr16_encode(f, ops, e, NULL));
        g_assert_cmpmem(e, 2 * f->len, golden[i].w, 2 * f->len);
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(undefined); i++) {
        char buf[64];

        g_assert_null(cr16_decode(undefined[i], 3, NULL, NULL));
        g_assert_cmpuint(cr16_disas(0, undefined[i], 3, buf, sizeof(buf)),
                         ==, 2);
    }
}

static const CR16Form *form_with(const char *mn, CR16OpKind k0,
                                 CR16OpKind k1)
{
    unsigned n;
    const CR16Form *const *forms = cr16_forms_for_mnemonic(mn, &n);

    for (unsigned i = 0; i < n; i++) {
        if (forms[i]->ops[0].kind == k0 &&
            (k1 == CR16_OPK_NONE || forms[i]->ops[1].kind == k1)) {
            return forms[i];
        }
    }
    g_error("no %s form", mn);
    return NULL;
}

static void expect_encode_error(const CR16Form *f, CR16Operand *ops)
{
    uint16_t w[3];
    GError *err = NULL;

    g_assert_false(cr16_encode(f, ops, w, &err));
    g_assert_nonnull(err);
    g_assert_cmpuint(strlen(err->message), >, 0);
    g_error_free(err);
}

static void test_encode_errors(void)
{
    const CR16Form *f;
    CR16Operand ops[3] = { { 0 } };

    /* imm4: 9 and 11 are not encodable, nor 16 */
    f = form_with("addw", CR16_OPK_IMM4, CR16_OPK_REG);
    ops[0].value = 9;
    expect_encode_error(f, ops);
    ops[0].value = 11;
    expect_encode_error(f, ops);
    ops[0].value = 16;
    expect_encode_error(f, ops);
    ops[0].value = -2;
    expect_encode_error(f, ops);
    ops[0].value = 1;
    ops[1].reg = 16;
    expect_encode_error(f, ops);
    ops[1].reg = 1;

    /* imm16 ranges */
    f = form_with("movd", CR16_OPK_IMM16D, CR16_OPK_RP);
    ops[0].value = 32768;
    expect_encode_error(f, ops);
    f = form_with("movw", CR16_OPK_IMM16W, CR16_OPK_REG);
    ops[0].value = 65536;
    expect_encode_error(f, ops);
    ops[0].value = -32769;
    expect_encode_error(f, ops);

    /* branch displacements: odd, too far, the disp9 escape */
    f = form_with("beq", CR16_OPK_DISP9, CR16_OPK_NONE);
    ops[0].value = 3;
    expect_encode_error(f, ops);
    ops[0].value = 256;
    expect_encode_error(f, ops);
    ops[0].value = -256;
    expect_encode_error(f, ops);
    f = form_with("beq0b", CR16_OPK_REG, CR16_OPK_DISP5);
    ops[0].reg = 1;
    ops[1].value = 0;
    expect_encode_error(f, ops);
    ops[1].value = 34;
    expect_encode_error(f, ops);

    /* abs20 hole, index pairs, index register, fixed (ra) */
    f = form_with("loadb", CR16_OPK_MEM_ABS20, CR16_OPK_REG);
    ops[0].value = 0xF0000;
    ops[1].reg = 1;
    expect_encode_error(f, ops);
    f = form_with("loadb", CR16_OPK_MEM_IRP0, CR16_OPK_REG);
    ops[0].value = 0;
    ops[0].index = 12;
    ops[0].reg = 1;         /* (r2,r1) is not an index pair */
    expect_encode_error(f, ops);
    ops[0].reg = 2;
    ops[0].index = 11;
    expect_encode_error(f, ops);
    f = form_with("bal", CR16_OPK_RP, CR16_OPK_DISP25);
    ops[0].reg = 2;
    ops[1].value = 0;
    g_assert_cmpuint(f->len, ==, 2);
    expect_encode_error(f, ops);

    /* disp4 word displacements must be even and <= 26 */
    f = form_with("loadw", CR16_OPK_MEM_RP4W, CR16_OPK_REG);
    ops[0].value = 3;
    ops[0].reg = 0;
    expect_encode_error(f, ops);
    ops[0].value = 28;
    expect_encode_error(f, ops);

    /* excp vectors other than svc dvz flg bpt und */
    f = form_with("excp", CR16_OPK_EXCP, CR16_OPK_NONE);
    ops[0].value = 9;
    expect_encode_error(f, ops);
    ops[0].value = 4;
    expect_encode_error(f, ops);

    /* reserved lprd codes */
    f = form_with("lprd", CR16_OPK_RP, CR16_OPK_PREGD);
    ops[0].reg = 0;
    ops[1].value = 3;
    expect_encode_error(f, ops);

    /* shifts */
    f = form_with("lshw", CR16_OPK_LSH_W, CR16_OPK_REG);
    ops[0].value = 0;
    ops[1].reg = 0;
    expect_encode_error(f, ops);
    f = form_with("ashud", CR16_OPK_SHIFT_D, CR16_OPK_RP);
    ops[0].value = 32;
    expect_encode_error(f, ops);
}

static void test_lookup(void)
{
    unsigned n;
    const CR16Form *const *forms = cr16_forms_for_mnemonic("ADDW", &n);

    g_assert_nonnull(forms);
    g_assert_cmpuint(n, ==, 3);
    for (unsigned i = 1; i < n; i++) {
        g_assert_cmpuint(forms[i - 1]->len, <=, forms[i]->len);
    }
    forms = cr16_forms_for_mnemonic("loadb", &n);
    g_assert_cmpuint(n, ==, 12);
    g_assert_null(cr16_forms_for_mnemonic("frobnicate", &n));
    g_assert_cmpuint(n, ==, 0);
    forms = cr16_forms_for_mnemonic("push", &n);
    g_assert_cmpuint(n, ==, 3);
    forms = cr16_forms_for_mnemonic("br", &n);
    g_assert_cmpuint(n, ==, 3);
    forms = cr16_forms_for_mnemonic("nop", &n);
    g_assert_cmpuint(n, ==, 1);
    g_assert_true(forms[0]->flags & CR16_FF_ALIAS);

    g_assert_cmpint(cr16_reg_lookup("ra"), ==, 14);
    g_assert_cmpint(cr16_reg_lookup("era"), ==, 14);
    g_assert_cmpint(cr16_reg_lookup("r13_l"), ==, 13);
    g_assert_cmpint(cr16_reg_lookup("SP"), ==, 15);
    g_assert_cmpint(cr16_reg_lookup("r16"), ==, -1);
    g_assert_cmpint(cr16_preg_lookup("intbaseh", false), ==, 11);
    g_assert_cmpint(cr16_preg_lookup("intbase", true), ==, 10);
    g_assert_cmpint(cr16_preg_lookup("intbase", false), ==, -1);
    g_assert_cmpint(cr16_excp_lookup("svc"), ==, 5);
    g_assert_cmpint(cr16_cinv_lookup("[d,i,u]"), ==, 0xF);
    g_assert_cmpstr(cr16_pair_name(11), ==, "(r12,r11)");
    g_assert_cmpstr(cr16_cc_name(14), ==, "r");
    g_assert_null(cr16_cc_name(15));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cr16/decode/every-form", test_every_form);
    g_test_add_func("/cr16/decode/every-w0", test_every_w0);
    g_test_add_func("/cr16/decode/golden", test_golden);
    g_test_add_func("/cr16/decode/encode-errors", test_encode_errors);
    g_test_add_func("/cr16/decode/lookup", test_lookup);
    return g_test_run();
}
