/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of cr16-as and cr16-objdump's cores: exact encodings of every
 * instruction family (the ISA sheet's examples and §8's worked example),
 * directives, expressions, forward references and relaxation, .include,
 * diagnostics, listing, the ELF writer/reader, disassembly round trips
 * through cr16_disas, and robustness against hostile input.
 */
#include "qemu/osdep.h"
#include <glib/gstdio.h>
#include "qapi/error.h"
#include "target/cr16/insn.h"
#include "asm/asm.h"
#include "objdump/elf-read.h"
#include "objdump/objdump.h"
#include "cr16-elf.h"

/* ---- helpers ---- */

/* Assemble @src (named "t.s"); the assembler on success, NULL + *errp. */
static Cr16Asm *assemble(const char *src, GError **errp)
{
    Cr16Asm *as = cr16_asm_new();

    if (!cr16_asm_assemble_string(as, "t.s", src, errp)) {
        cr16_asm_free(as);
        return NULL;
    }
    return as;
}

static Cr16Asm *assemble_ok(const char *src)
{
    g_autoptr(GError) err = NULL;
    Cr16Asm *as = assemble(src, &err);

    if (!as) {
        g_test_message("source:\n%s\nerror:\n%s", src, err->message);
    }
    g_assert_no_error(err);
    g_assert_nonnull(as);
    return as;
}

/* The error text of a failing assembly. */
static char *assemble_err(const char *src)
{
    g_autoptr(GError) err = NULL;
    Cr16Asm *as = assemble(src, &err);

    if (as) {
        g_test_message("unexpectedly assembled:\n%s", src);
        cr16_asm_free(as);
    }
    g_assert_null(as);
    g_assert_nonnull(err);
    return g_strdup(err->message);
}

/* The image as "W0 W1 ..." hex words (upper case), odd tail as a byte. */
static char *image_words(const Cr16Asm *as)
{
    GString *s = g_string_new(NULL);
    uint32_t base;
    size_t len, i;
    const uint8_t *p = cr16_asm_image(as, &base, &len);

    for (i = 0; i + 1 < len; i += 2) {
        g_string_append_printf(s, "%s%04X", i ? " " : "", p[i] | p[i + 1] << 8);
    }
    if (len & 1) {
        g_string_append_printf(s, "%s%02X", len > 1 ? " " : "", p[len - 1]);
    }
    return g_string_free(s, false);
}

static char *image_bytes(const Cr16Asm *as)
{
    GString *s = g_string_new(NULL);
    uint32_t base;
    size_t len, i;
    const uint8_t *p = cr16_asm_image(as, &base, &len);

    for (i = 0; i < len; i++) {
        g_string_append_printf(s, "%s%02x", i ? " " : "", p[i]);
    }
    return g_string_free(s, false);
}

/* @src assembled at @pc must give exactly the words @expect. */
static void check_words_at(uint32_t pc, const char *src, const char *expect)
{
    g_autofree char *text = g_strdup_printf(".org 0x%x\n%s\n", pc, src);
    g_autoptr(Cr16Asm) as = assemble_ok(text);
    g_autofree char *got = image_words(as);

    if (strcmp(got, expect) != 0) {
        g_test_message("`%s' at 0x%x: got %s, expected %s", src, pc, got,
                       expect);
    }
    g_assert_cmpstr(got, ==, expect);
}

static void check_bytes(const char *src, const char *expect)
{
    g_autoptr(Cr16Asm) as = assemble_ok(src);
    g_autofree char *got = image_bytes(as);

    g_assert_cmpstr(got, ==, expect);
}

static int64_t sym(const Cr16Asm *as, const char *name)
{
    int64_t v = 0;

    g_assert_true(cr16_asm_lookup(as, name, &v));
    return v;
}

/* The error of @src must contain @needle. */
static void check_error(const char *src, const char *needle)
{
    g_autofree char *msg = assemble_err(src);

    if (!strstr(msg, needle)) {
        g_test_message("error for:\n%s\nwas:\n%s\nexpected to contain: %s",
                       src, msg, needle);
    }
    g_assert_nonnull(strstr(msg, needle));
}

/* ---- encodings ---- */

typedef struct EncCase {
    uint32_t pc;
    const char *src;
    const char *words;
} EncCase;

/* The ISA sheet's examples (§4), one or more per family. */
static const EncCase enc_cases[] = {
    /* §4.1 byte/word logic and arithmetic */
    { 0, "addb $3,r1", "3031" },
    { 0, "addb $-1,r1", "3091" },
    { 0, "addw $0x1234,r4", "32B4 1234" },
    { 0, "addw r5,r6", "3356" },
    { 0, "subw r3,r2", "3B32" },
    { 0, "cmpb $5,r1", "5051" },
    { 0, "movw $7,r2", "5A72" },
    { 0, "orw $0x8000,r0", "26B0 8000" },
    { 0, "nop", "2C00" },
    { 0, "andb $9,r3", "20B3 0009" },       /* 9 has no imm4 code */
    { 0, "xorw $11,r3", "2AB3 000B" },      /* 11 is the escape */
    { 0, "addub r1,r2", "2D12" },
    { 0, "adduw $-1,r2", "2E92" },
    { 0, "addcb $2,r0", "3420" },
    { 0, "addcw r0,r1", "3701" },
    { 0, "subb $15,r11", "38FB" },
    { 0, "subcb r1,r2", "3D12" },
    { 0, "subcw $0x100,r2", "3EB2 0100" },
    { 0, "cmpw r1,r2", "5312" },
    { 0, "movb r1,r2", "5912" },
    { 0, "mulb $3,r1", "6431" },
    { 0, "mulw r2,r3", "6723" },
    { 0, "orb $-128,r1", "24B1 0080" },
    { 0, "movw $-1,r12", "5A9C" },
    { 0, "movw $0x7fff,ra", "5ABE 7FFF" },
    { 0, "andw r12_l,sp_l", "23CF" },
    /* §4.2 */
    { 0, "movxw r1,(r3,r2)", "5E12" },
    { 0, "mulsw r1,(r3,r2)", "6212" },
    { 0, "movxb r1,r2", "5C12" },
    { 0, "movzb r1,r2", "5D12" },
    { 0, "movzw r1,(r12)", "5F1C" },
    { 0, "mulsb r1,r2", "0B12" },
    { 0, "muluw r4,(r12,r11)", "634B" },
    { 0, "macqw r1,r2,(r5,r4)", "0014 D412" },
    { 0, "macuw r1,r2,(r5,r4)", "0014 E412" },
    { 0, "macsw r1,r2,(r5,r4)", "0014 F412" },
    /* §4.3 */
    { 0, "movd $0x12345,(r3,r2)", "0521 2345" },
    { 0, "movd $0x12345678,(r5,r4)", "0074 1234 5678" },
    { 0, "movd $-1,(r1,r0)", "5490" },
    { 0, "movd $-2,(r1,r0)", "54B0 FFFE" },
    { 0, "movd $-0x8001,(r1,r0)", "0070 FFFF 7FFF" },
    { 0, "addd $-4,(sp)", "60BF FFFC" },
    { 0, "addd $0x12345,(r1,r0)", "0401 2345" },
    { 0, "addd $0x123456,(r1,r0)", "0020 0012 3456" },
    { 0, "addd (r1,r0),(r3,r2)", "6102" },
    { 0, "subd (r1,r0),(r3,r2)", "0014 C002" },
    { 0, "subd $1,(r1,r0)", "0030 0000 0001" },
    { 0, "cmpd (r1,r0),(r3,r2)", "5702" },
    { 0, "cmpd $5,(r1,r0)", "5650" },
    { 0, "cmpd $0x100,(r1,r0)", "56B0 0100" },
    { 0, "cmpd $0x12345678,(r1,r0)", "0090 1234 5678" },
    { 0, "ord (r12),(r13)", "0014 90CD" },
    { 0, "andd (r1,r0),(r3,r2)", "0014 B002" },
    { 0, "xord (r1,r0),(r3,r2)", "0014 A002" },
    { 0, "andd $0xffff0000,(r1,r0)", "0040 FFFF 0000" },
    { 0, "ord $1,(r1,r0)", "0050 0000 0001" },
    { 0, "xord $-1,(sp)", "006F FFFF FFFF" },
    { 0, "movd (r1,r0),(ra)", "550E" },
    /* §4.4 shifts */
    { 0, "ashub $-3,r1", "40D1" },
    { 0, "ashuw $15,r1", "42F1" },
    { 0, "ashuw $-15,r1", "4311" },
    { 0, "ashud $31,(r1,r0)", "4DF0" },
    { 0, "ashud $-31,(r1,r0)", "4E10" },
    { 0, "lshb $-3,r1", "09D1" },
    { 0, "lshw $-15,r1", "4911" },
    { 0, "lshd $-31,(r1,r0)", "4A10" },
    { 0, "lshw $3,r1", "4231" },            /* left: the ashuw encoding */
    { 0, "ashub r2,r1", "4121" },
    { 0, "ashuw r2,r1", "4521" },
    { 0, "ashud r2,(r1,r0)", "4820" },
    { 0, "lshb r2,r1", "4421" },
    { 0, "lshw r2,r1", "4621" },
    { 0, "lshd r2,(r1,r0)", "4720" },
    /* §4.5 branches */
    { 0xf4, "bgt 0xea", "1F6B" },
    { 0xec, "bne 0xec+0x136", "1810 0136" },
    { 0x222, "ble 0x222-0x138", "1870 FEC9" },
    { 0, "br 0x111ae", "0010 01E0 11AE" },
    { 0, "beq0b r1,6", "0C21" },
    { 0, "beq0w r1,0x20", "0EF1" },
    { 0, "bne0b r2,2", "0D02" },
    { 0, "bne0w r2,4", "0F12" },
    { 0x100, "beq 0x102", "1001" },
    { 0x100, "bcs .+0xfe", "172F" },
    { 0x100, "bcc .-0x100", "1830 FF01" },
    { 0x100, "bhi .+0x100", "1840 0100" },
    { 0x100, "bls .", "1050" },
    { 0x100, "ble .+4", "1072" },
    { 0x100, "bfs .+4", "1082" },
    { 0x100, "bfc .+4", "1092" },
    { 0x100, "blo .+4", "10A2" },
    { 0x100, "bhs .+4", "10B2" },
    { 0x100, "blt .+4", "10C2" },
    { 0x100, "bge .+4", "10D2" },
    { 0x100, "br .+4", "10E2" },
    { 0x100, "beq .+0x10000", "0010 0100 0000" },
    { 0x20000, "bne .-0x10002", "0010 0E1F FFFF" },
    { 0x10, "br 0xfffff0", "1FE0" },        /* wraps modulo 2^24 */
    /* §4.6 calls and jumps */
    { 0, "bal (ra),0x1e", "C000 001E" },
    { 0x140, "bal (r1,r0),0", "0010 2F0F FEC1" },
    { 0, "jump (ra)", "0AEE" },
    { 0, "jal (r1,r0)", "00D0" },
    { 0, "jal (ra),(r3,r2)", "0014 802E" },
    { 0, "jeq (r1,r0)", "0A00" },
    { 0, "jne (r1,r0)", "0A10" },
    { 0, "jge (r13)", "0ADD" },
    { 0, "jusr (r1,r0)", "0AF0" },
    /* §4.7 */
    { 0, "seq r1", "0801" },
    { 0, "sge r2", "08D2" },
    { 0, "slo r3", "08A3" },
    /* §4.8 loads and stores */
    { 0, "loadb 0x1234,r1", "8810 1234" },
    { 0, "loadb 0xff1234,r1", "881F 1234" },
    { 0, "loadb 0x7a1234,r1", "0012 7A17 1234" },
    { 0, "loadb 4(r1,r0),r3", "B430" },
    { 0, "loadb 0(r12),r3", "B03C" },
    { 0, "loadb 4(sp),r3", "B43F" },
    { 0, "loadb 0x1234(r1,r0),r3", "BF30 1234" },
    { 0, "loadb 0x12345(r1,r0),r3", "0012 5130 2345" },
    { 0, "loadb -4(r1,r0),r3", "0018 5F30 FFFC" },
    { 0, "loadb -0x1234(r2),r3", "0018 4F32 EDCC" },
    { 0, "loadb [r12]0(r1,r0),r4", "BE40" },
    { 0, "loadb [r13]0(r3,r2),r4", "BE49" },
    { 0, "loadb [r13]0x12345(r5,r4),r4", "0012 614A 2345" },
    { 0, "loadw 26(r1,r0),r1", "9D10" },
    { 0, "loadd 4(sp),(r1,r0)", "A20F" },
    { 0, "loadd 8(r12),(ra)", "A4EC" },
    { 0, "loadd 0x12345(sp),(r13)", "0012 91DF 2345" },
    { 0, "storb r1,4(r3,r2)", "F412" },
    { 0, "storw r1,0x10(sp)", "D81F" },
    { 0, "stord (ra),0(sp)", "E0EF" },
    { 0, "stord (r1,r0),0x345678", "0013 B403 5678" },
    { 0, "stord (r3,r2),[r13]0x12345(r1,r0)", "0013 A128 2345" },
    { 0, "loadw [r12]0x1234,r1", "8E10 1234" },
    { 0, "storw r2,[r13]0x1234", "CF20 1234" },
    { 0, "loadw 0x1234(r2),r1", "0012 C012 1234" },   /* reg16 + disp20 */
    { 0, "storb r4,0xff8000", "C84F 8000" },          /* remapped abs20 */
    { 0, "storb r4,0xff8000:l", "0013 7F4F 8000" },   /* forced abs24 */
    { 0, "loadb 13(r1,r0),r2", "BD20" },
    { 0, "loadb 14(r1,r0),r2", "BF20 000E" },
    { 0, "loadw 28(r1,r0),r2", "9F20 001C" },
    { 0, "loadw [r12]0x12(r1,r0),r2", "86D0 0022" },
    { 0, "stord (r1,r0),[r13]0x3fff(r3,r2)", "C6B9 FF0F" },
    { 0, "storw r3,-2(r1)", "0019 CF31 FFFE" },
    /* §4.9 store immediate */
    { 0, "storb $5,0x1234", "8150 1234" },
    { 0, "storb $5,0xff1234:l", "0012 3F5F 1234" },
    { 0, "storb $5,0(r1,r0)", "8250" },
    { 0, "storb $5,[r13]0x1234", "8550 1234" },
    { 0, "storb $5,[r12]0x1234(r1,r0)", "8630 1254" },
    { 0, "storb $5,0x1234(r1)", "0012 0051 1234" },
    { 0, "storw $15,0x1234", "C1F0 1234" },
    { 0, "storw $1,0x10(r1,r0)", "C310 0010" },
    /* §4.10 bit operations */
    { 0, "cbitb $3,0x1234", "6BB0 1234" },
    { 0, "sbitw $15,0x1234", "77F0 1234" },
    { 0, "tbitb $7,0(r1,r0)", "7A70" },
    { 0, "tbitw $3,0x100(r2,r1)", "7931 0100" },
    { 0, "sbitb $2,[r12]0x10", "7020 0010" },
    { 0, "sbitw $2,[r13]0x10", "7520 0010" },
    { 0, "cbitw $9,0x12345(r1)", "0011 4191 2345" },
    { 0, "cbitb $3,[r12]0xa7a(r1,r0)", "6AB0 4A3A" },
    { 0, "tbitw $1,[r12]0x12(r1,r0)", "7AD0 0012" },
    { 0, "cbitb $3,0x34(r12)", "6B3C 0034" },
    { 0, "tbit $3,r4", "0634" },
    { 0, "tbit r3,r4", "0734" },
    /* §4.11 push/pop */
    { 0, "push $2,r7", "0117" },
    { 0, "push $3,r7,ra", "01A7" },
    { 0, "pop ra", "021E" },
    { 0, "popret $2,r7,ra", "0397" },
    { 0, "popret ra", "031E" },
    { 0, "push $1,r4,ra", "0184" },
    { 0, "push ra", "011E" },
    { 0, "pop $8,r0", "0270" },
    /* §4.12 */
    { 0, "loadm $3", "00A2" },
    { 0, "loadmp $8", "00AF" },
    { 0, "storm $1", "00B0" },
    { 0, "stormp $2", "00B9" },
    /* §4.13 */
    { 0, "lpr r1,psr", "0014 0091" },
    { 0, "lpr r1,cfg", "0014 0081" },
    { 0, "lprd (r1,r0),intbase", "0014 10A0" },
    { 0, "lprd (r1,r0),isp", "0014 10C0" },
    { 0, "spr psr,r1", "0014 2091" },
    { 0, "sprd usp,(r1,r0)", "0014 30E0" },
    { 0, "LPR R1,PSR", "0014 0091" },                 /* case-insensitive */
    /* §4.14 */
    { 0, "excp svc", "00C5" },
    { 0, "excp bpt", "00C8" },
    { 0, "excp und", "00CA" },
    { 0, "retx", "0003" },
    { 0, "di", "0004" },
    { 0, "ei", "0005" },
    { 0, "wait", "0006" },
    { 0, "eiwait", "0007" },
    { 0, "cinv [i]", "000A" },
    { 0, "cinv [i,u]", "000B" },
    { 0, "cinv [d]", "000C" },
    { 0, "cinv [d,u]", "000D" },
    { 0, "cinv [d,i]", "000E" },
    { 0, "cinv [d, i, u]", "000F" },
    /* size hints */
    { 0, "movw $1:m,r1", "5AB1 0001" },
    { 0, "movd $1:l,(r1,r0)", "0070 0000 0001" },
    { 0x100, "br .+4:l", "0010 00E0 0004" },
};

static void test_encodings(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(enc_cases); i++) {
        check_words_at(enc_cases[i].pc, enc_cases[i].src,
                       enc_cases[i].words);
    }
}

/* §8 of the ISA sheet, with the verified GNU bytes.  GNU picks abs24 for
 * the store to 0xff8000; ":l" asks for that form explicitly. */
static const char worked_example[] =
    "        .org 0x1000\n"
    "_start: movd $0x8000,(sp)\n"
    "        movd $0x10000,(r1,r0)\n"
    "        movd $0x20000,(r3,r2)\n"
    "loop:   bal (ra),touch\n"
    "        addd $0x1000,(r1,r0)\n"
    "        cmpd (r3,r2),(r1,r0)\n"
    "        bhi loop\n"
    "        loadb 0xff8001,r5\n"
    "        movb $0x4b,r4\n"
    "        storb r4,0xff8000:l\n"
    "        movw $0x410,r0\n"
    "        movw $0,r2\n"
    "        excp svc\n"
    "touch:  push $1,r4,ra\n"
    "        loadb 0(r1,r0),r4\n"
    "        addb $1,r4\n"
    "        storb r4,0(r1,r0)\n"
    "        popret $1,r4,ra\n";

static void test_worked_example(void)
{
    g_autoptr(Cr16Asm) as = assemble_ok(worked_example);
    g_autofree char *got = image_bytes(as);
    uint32_t base;
    size_t len;

    cr16_asm_image(as, &base, &len);
    g_assert_cmphex(base, ==, 0x1000);
    g_assert_cmpuint(len, ==, 0x38);
    g_assert_cmpstr(got, ==,
                    "f0 05 00 80 01 05 00 00 22 05 00 00 00 c0 22 00 "
                    "b0 60 00 10 20 57 4b 1f 5f 88 01 80 b4 58 4b 00 "
                    "13 00 4f 7f 00 80 b0 5a 10 04 02 5a c5 00 84 01 "
                    "40 b0 14 30 40 f0 84 03");
    g_assert_cmpint(sym(as, "loop"), ==, 0x100c);
    g_assert_cmpint(sym(as, "touch"), ==, 0x102e);
    g_assert_cmphex(cr16_asm_entry(as), ==, 0x1000);
}

/* ---- directives ---- */

static void test_directives(void)
{
    g_autoptr(Cr16Asm) as = NULL;
    uint32_t base;
    size_t len;

    check_bytes(".byte 1, -1, 0xff, 'A'", "01 ff ff 41");
    check_bytes(".word 0x1234, -2", "34 12 fe ff");
    check_bytes(".short 1\n.hword 2", "01 00 02 00");
    check_bytes(".long 0x12345678, -1", "78 56 34 12 ff ff ff ff");
    check_bytes(".int 7", "07 00 00 00");
    check_bytes(".ascii \"ab\", \"c\\n\"", "61 62 63 0a");
    check_bytes(".asciz \"a\\x41\\101\\\"\"", "61 41 41 22 00");
    check_bytes(".string \"\", \"x\"", "00 78 00");
    check_bytes(".byte 1\n.align 4\n.byte 2", "01 00 00 00 02");
    check_bytes(".byte 1\n.align 4, 0xee\n.byte 2", "01 ee ee ee 02");
    check_bytes(".byte 1\n.balign 2\n.byte 2\n.p2align 2\n.byte 3",
                "01 00 02 00 03");
    check_bytes(".align 8\n.byte 5", "05");        /* already aligned */
    check_bytes(".byte 1\n.space 3\n.skip 1, 9\n.zero 2",
                "01 00 00 00 09 00 00");
    check_bytes(".fill 2, 2, 0x1234\n.fill 1", "34 12 34 12 00");
    check_bytes(".byte 1\n.org 4\n.byte 2\n. = 6\n.byte 3",
                "01 00 00 00 02 00 03");
    check_bytes(".equ A, 5\n.set B, A * 2\nC = B + 1\n.byte A, B, C",
                "05 0a 0b");
    check_bytes(".set V, 1\n.byte V\n.set V, V + 1\n.byte V", "01 02");
    check_bytes(".text\n.byte 1\n.data\n.byte 2\n.section .rodata,\"a\"\n"
                ".byte 3\n.bss\n.byte 4", "01 02 03 04");
    check_bytes(".file \"x.c\"\n.ident \"gcc\"\n.type f,@function\n"
                "f: .byte 1\n.size f, .-f", "01");
    check_bytes(".byte 1\n.end\n.byte 2", "01");
    check_bytes(".BYTE 3", "03");

    /* Image base: the first .org when it precedes all output. */
    as = assemble_ok(".org 0x200\n.byte 1\n");
    cr16_asm_image(as, &base, &len);
    g_assert_cmphex(base, ==, 0x200);
    g_assert_cmpuint(len, ==, 1);
    g_clear_pointer(&as, cr16_asm_free);
    as = assemble_ok(".byte 1\n.org 0x10\n.byte 2\n");
    cr16_asm_image(as, &base, &len);
    g_assert_cmphex(base, ==, 0);
    g_assert_cmpuint(len, ==, 0x11);
    g_clear_pointer(&as, cr16_asm_free);

    /* .global marks symbols; labels vs .equ values */
    as = assemble_ok(".globl main\n.global _start, other\n.equ K, 3\n"
                     "_start: nop\nmain: nop\n");
    g_assert_cmpint(sym(as, "main"), ==, 2);
    g_assert_cmpint(sym(as, "K"), ==, 3);
    g_assert_cmpuint(cr16_asm_symbol_count(as), ==, 3);
    {
        guint i;

        for (i = 0; i < cr16_asm_symbol_count(as); i++) {
            const Cr16AsmSymbol *s = cr16_asm_symbol(as, i);

            g_assert_cmpint(s->global, ==, strcmp(s->name, "K") != 0);
            g_assert_cmpint(s->is_label, ==, strcmp(s->name, "K") != 0);
        }
    }
}

/* ---- expressions ---- */

static void test_expressions(void)
{
    g_autoptr(Cr16Asm) as = NULL;

    check_bytes(".byte 1+2*3, (1+2)*3, 7/2, 7%3, -7/2", "07 09 03 01 fd");
    check_bytes(".byte 1<<4, 0x80>>3, 6&3, 6|1, 6^3, ~0xf0 & 0xff",
                "10 10 02 07 05 0f");
    /* GNU precedence: << binds like *, & | ^ above + - */
    check_bytes(".byte 1 << 2 + 1, 1 + 6 & 3", "05 03");
    check_bytes(".byte - -3, !0, !5, +4", "03 01 00 04");
    check_bytes(".byte 010, 0b101, 0x1F, 0X10, 'a', '\\n', '\\\\'",
                "08 05 1f 10 61 0a 5c");
    check_bytes(".byte 3 == 3, 3 != 3, 2 < 3, 2 > 3, 3 <= 3, 3 >= 4",
                "ff 00 ff 00 ff 00");
    check_bytes(".byte 1 && 2, 0 || 0, 1 || 0", "01 00 01");
    check_bytes(".long 0x7fffffff + 1, -0x80000000", "00 00 00 80 00 00 00 80");
    check_bytes(".word ((((((((1))))))))", "01 00");
    check_bytes(".org 0x10\n.byte ., .", "10 11");
    /* sym@c: code word address */
    check_bytes(".org 0x100\nf: nop\n.long f@c, (f+4)@c\n.word f@C",
                "00 2c 80 00 00 00 82 00 00 00 80 00");
    check_words_at(0x1000, "g: movd $g@c,(r1,r0)", "54B0 0800");

    as = assemble_ok("a = 0x1234\nb = a >> 4 & 0xff\n");
    g_assert_cmpint(sym(as, "b"), ==, 0x23);
}

/* ---- forward references, relaxation, local labels ---- */

static void test_forward(void)
{
    g_autoptr(Cr16Asm) as = NULL;
    g_autofree char *src = NULL;
    GString *s;
    int i;

    /* A short forward branch stays one word. */
    check_words_at(0, "br l\nnop\nl: nop", "10E2 2C00 2C00");
    /* A forward .equ picks the right immediate form. */
    check_words_at(0, "movw $K,r1\nmovw $J,r2\n.equ K, 0x1234\n.equ J, 3",
                   "5AB1 1234 5A32");
    /* Forward data reference and sym@c. */
    check_words_at(0x10, ".long end@c\nend: nop", "000A 0000 2C00");

    /* A branch over 300 bytes needs the 2-word form; the labels after
     * it move accordingly. */
    s = g_string_new("start: beq far\n");
    for (i = 0; i < 150; i++) {
        g_string_append(s, "nop\n");
    }
    g_string_append(s, "far: br start\n");
    src = g_string_free(s, false);
    as = assemble_ok(src);
    g_assert_cmpint(sym(as, "far"), ==, 4 + 300);
    {
        uint32_t base;
        size_t len;
        const uint8_t *p = cr16_asm_image(as, &base, &len);

        g_assert_cmpuint(len, ==, 308);
        g_assert_cmphex(p[0] | p[1] << 8, ==, 0x1800);      /* beq disp17 */
        g_assert_cmphex(p[2] | p[3] << 8, ==, 304);
        g_assert_cmphex(p[304] | p[305] << 8, ==, 0x18E0);  /* br back */
        g_assert_cmphex(p[306] | p[307] << 8, ==, (0x10000 - 304) | 1);
    }
    g_clear_pointer(&as, cr16_asm_free);

    /* A chain of forward branches that each push the next out of range:
     * layout has to iterate. */
    s = g_string_new(NULL);
    for (i = 0; i < 4; i++) {
        g_string_append_printf(s, "b%d: br t%d\n", i, i);
    }
    g_string_append(s, ".space 246\n");
    for (i = 3; i >= 0; i--) {
        g_string_append_printf(s, "t%d: nop\n", i);
    }
    g_free(src);
    src = g_string_free(s, false);
    as = assemble_ok(src);
    g_assert_cmpint(sym(as, "t3") - sym(as, "b0"), >, 254);
    g_clear_pointer(&as, cr16_asm_free);

    /* Numeric local labels. */
    check_words_at(0x100, "1: nop\nbr 1b\nbr 1f\n1: br 1b\n2: .word 2b",
                   "2C00 1FEF 10E1 10E0 0108");
}

/* ---- diagnostics ---- */

static void test_errors(void)
{
    g_autofree char *msg = NULL;

    check_error("nop\nfoo r1\n", "t.s:2: Error: unknown mnemonic `foo'");
    check_error("\n\naddw $0x12345,r1", "t.s:3: Error: ");
    check_error("addw $0x12345,r1", "74565");           /* the value */
    check_error("addw $0x12345,r1", "65535");           /* the limit */
    check_error("beq0b r1,40", "32");
    check_error("movw $undefined_sym,r1",
                "t.s:1: Error: undefined symbol `undefined_sym'");
    check_error("br nowhere", "undefined symbol `nowhere'");
    check_error("br 1b", "undefined symbol `1b'");
    check_error(".equ a, b + 1\n.byte a", "t.s:1: Error: undefined symbol `b'");
    check_error(".equ a, b\n.equ b, a + 1\n.byte a",
                "t.s:1: Error: symbol `b' has no value");
    check_error(".equ a, a + 1", "has no value");
    check_words_at(0, ".equ a, b + 1\n.equ b, c * 2\nmovw $a,r1\n"
                   "c: .word a", "5A51 0005");
    check_error(".bogus 1", "t.s:1: Error: unknown directive `.bogus'");
    check_error(".include \"no-such-file.s\"",
                "t.s:1: Error: can't open include file `no-such-file.s'");
    check_error(".include nofile", "t.s:1: Error: .include:");
    check_error("addw r1", "invalid operands for `addw'");
    check_error("addw r1,r2,r3", "invalid operands for `addw'");
    check_error("movw r1,r2,r3,r4", "too many operands");
    check_error("lpr r1,bogus", "invalid operands for `lpr'");
    check_error("loadb 4(r2,r0),r1", "bad register pair");
    check_error("loadb [r1]4,r1", "bad index register");
    check_error("cinv [q]", "invalid operands for `cinv'");
    check_error(".byte 300", "t.s:1: Error: value 300 (0x12c) out of range "
                "for .byte (-128..255)");
    check_error(".word 0x10000", "out of range for .word");
    check_error(".long 0x100000000", "out of range for .long");
    check_error(".byte 1/0", "division by zero");
    check_error(".byte (1", "unbalanced");
    check_error(".byte (1 2)", "missing ')'");
    check_error(".byte 1 +", "missing expression");
    check_error(".byte 1 2", "junk at end of expression");
    check_error(".byte 0x", "bad number");
    check_error(".byte 09", "bad digit");
    check_error(".byte 99999999999999999999999", "number too large");
    check_error(".byte sym@x", "@c");
    check_error(".ascii \"abc", "unterminated string");
    check_error(".ascii \"\\q\"", "unknown escape");
    check_error(".ascii 5", "expected a string");
    check_error("x: nop\nx: nop", "t.s:2: Error: symbol `x' is already "
                "defined");
    check_error(".org 0x10\n.org 0", "attempt to move .org backwards");
    check_error(".org 0x1000001", "24-bit address space");
    check_error(".org 0xfffffe\n.long 0", "24-bit address space");
    check_error(".space -1", "out of range");
    check_error(".align 2, 300", "fill value");
    check_error(".byte 1\nnop", "t.s:2: Error: instruction at odd address");
    check_error(".equ 1x, 2", "bad symbol name");
    check_error(".equ a", ".equ takes 2 operands");
    check_error(".global", "takes at least 1 operand");
    check_error("br 0x1000000", "outside the 24-bit address space");
    check_error("br 3", "even");
    check_error("excp trc", "excp");
    check_error("push $9,r1", "9");
    check_error("movw $,r1", "missing value after '$'");
    check_error("movw (r1,r0", "unbalanced");
    check_error("@foo", "junk at start of statement");
    /* All errors are reported, in line order, one per line of output. */
    msg = assemble_err("nop\nbad1\nnop\n.bad2\n");
    g_assert_cmpstr(msg, ==, "t.s:2: Error: unknown mnemonic `bad1'\n"
                    "t.s:4: Error: unknown directive `.bad2'");
}

/* ---- .include ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) err = NULL;

    g_file_set_contents(path, text, -1, &err);
    g_assert_no_error(err);
}

static void remove_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            remove_tree(path);
        } else {
            g_remove(path);
        }
    }
    if (d) {
        g_dir_close(d);
    }
    g_rmdir(dir);
}

static void test_include(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("cr16-as-XXXXXX", &err);
    g_autofree char *sub = NULL, *incdir = NULL, *main_s = NULL;
    g_autofree char *got = NULL, *listing = NULL;
    Cr16Asm *as;

    g_assert_no_error(err);
    sub = g_build_filename(dir, "sub", NULL);
    incdir = g_build_filename(dir, "inc", NULL);
    g_mkdir(sub, 0700);
    g_mkdir(incdir, 0700);
    /* main.s -> sub/a.s -> (relative to sub/) b.s; c.s found via -I */
    write_file(dir, "main.s", ".byte 1\n.include \"sub/a.s\"\n"
               ".include \"c.s\"\n.byte VAL\n");
    write_file(sub, "a.s", ".byte 2\n.include \"b.s\"\n");
    write_file(sub, "b.s", ".equ VAL, 9\n.byte 3\n");
    write_file(incdir, "c.s", ".byte 4\n");
    write_file(dir, "self.s", ".include \"self.s\"\n");
    write_file(dir, "err.s", ".include \"sub/bad.s\"\n");
    write_file(sub, "bad.s", "nop\n  frob\n");
    main_s = g_build_filename(dir, "main.s", NULL);

    as = cr16_asm_new();
    cr16_asm_add_include_dir(as, incdir);
    g_assert_true(cr16_asm_assemble_file(as, main_s, &err));
    g_assert_no_error(err);
    got = image_bytes(as);
    g_assert_cmpstr(got, ==, "01 02 03 04 09");
    listing = cr16_asm_listing(as);
    g_assert_nonnull(strstr(listing, "b.s\""));
    cr16_asm_free(as);

    /* Without -I, c.s is not found. */
    as = cr16_asm_new();
    g_assert_false(cr16_asm_assemble_file(as, main_s, &err));
    g_assert_nonnull(strstr(err->message,
                            "main.s:3: Error: can't open include file "
                            "`c.s'"));
    g_clear_error(&err);
    cr16_asm_free(as);

    /* Errors inside an included file name that file and line. */
    {
        g_autofree char *path = g_build_filename(dir, "err.s", NULL);
        g_autofree char *bad = g_build_filename(sub, "bad.s", NULL);
        g_autofree char *want = g_strdup_printf("%s:2: Error: unknown "
                                                "mnemonic `frob'", bad);

        as = cr16_asm_new();
        g_assert_false(cr16_asm_assemble_file(as, path, &err));
        g_assert_cmpstr(err->message, ==, want);
        g_clear_error(&err);
        cr16_asm_free(as);
    }

    /* Recursion stops with an error. */
    {
        g_autofree char *path = g_build_filename(dir, "self.s", NULL);

        as = cr16_asm_new();
        g_assert_false(cr16_asm_assemble_file(as, path, &err));
        g_assert_nonnull(strstr(err->message, "nested too deeply"));
        g_clear_error(&err);
        cr16_asm_free(as);
    }

    /* A NUL byte in a source file is an error on its line. */
    {
        g_autofree char *path = g_build_filename(dir, "nul.s", NULL);

        g_assert_true(g_file_set_contents(path, "nop\n\0x\nnop\n", 9,
                                          NULL));
        as = cr16_asm_new();
        g_assert_false(cr16_asm_assemble_file(as, path, &err));
        g_assert_nonnull(strstr(err->message, "nul.s:2: Error: NUL "
                                "character"));
        g_clear_error(&err);
        cr16_asm_free(as);
    }

    /* A missing top-level file. */
    {
        g_autofree char *path = g_build_filename(dir, "none.s", NULL);

        as = cr16_asm_new();
        g_assert_false(cr16_asm_assemble_file(as, path, &err));
        g_assert_nonnull(strstr(err->message, "can't open"));
        g_clear_error(&err);
        cr16_asm_free(as);
    }
    remove_tree(dir);
}

/* ---- syntax details ---- */

static void test_syntax(void)
{
    /* '#' comments, ';' separators, C comments, labels on their own. */
    check_words_at(0, "nop # comment ; not a statement\n"
                   "nop ; nop ; /* c */ nop /* multi\n line */ ; nop\n"
                   "lab:\n  lab2:   lab3: nop\n"
                   ".ascii \"#;\" # string keeps # and ;\n",
                   "2C00 2C00 2C00 2C00 2C00 2C00 3B23");
    /* Blanks inside operands, upper-case names, r14/r15/era aliases. */
    check_words_at(0, "addw  $ 5 , r1\nMOVD $1,( R1 , R0 )\n"
                   "movw r14,r15\njal (era)", "3251 5410 5BEF 00DE");
    /* An expression in parentheses is not a base register. */
    check_words_at(0, "loadb (0x10+2),r1\nloadb (4)(r1,r0),r1",
                   "8810 0012 B410");
}

/* ---- listing ---- */

static void test_listing(void)
{
    g_autoptr(Cr16Asm) as = assemble_ok(".org 0x100\nstart: movd "
                                        "$0x12345678,(r5,r4)\n# note\n"
                                        ".ascii \"0123456789\"\n");
    g_autofree char *l = cr16_asm_listing(as);

    g_assert_nonnull(strstr(l, "    2 000100 74 00 34 12 78 56  start: "
                               "movd $0x12345678,(r5,r4)"));
    g_assert_nonnull(strstr(l, "    3                           # note"));
    g_assert_nonnull(strstr(l, "    4 000106 30 31 32 33 34 35  .ascii"));
    g_assert_nonnull(strstr(l, "      00010c 36 37 38 39"));
}

/* ---- ELF writer and reader ---- */

static GBytes *elf_of(const char *src)
{
    g_autoptr(Cr16Asm) as = assemble_ok(src);

    return cr16_asm_to_elf(as);
}

static void test_elf(void)
{
    g_autoptr(GBytes) elf_bytes = elf_of(".global _start, data\n.org 0x1000\n"
                                         "_start: movw $1,r0\nloop: br loop\n"
                                         "data: .word 0x55aa\n"
                                         ".equ CONST, 0x42\n");
    g_autoptr(GError) err = NULL;
    g_autoptr(Cr16Elf) elf = NULL;
    gsize len;
    const uint8_t *data = g_bytes_get_data(elf_bytes, &len);
    const Cr16ElfSegment *seg;
    const Cr16ElfSection *text;
    bool seen[4] = { false };
    guint i;

    g_assert_cmphex(data[18] | data[19] << 8, ==, CR16_EM_CR16);
    elf = cr16_elf_parse(data, len, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(elf->type, ==, CR16_ET_EXEC);
    g_assert_cmphex(elf->entry, ==, 0x1000);
    g_assert_cmpuint(elf->segments->len, ==, 1);
    seg = &g_array_index(elf->segments, Cr16ElfSegment, 0);
    g_assert_cmpuint(seg->type, ==, CR16_PT_LOAD);
    g_assert_cmphex(seg->vaddr, ==, 0x1000);
    g_assert_cmphex(seg->paddr, ==, 0x1000);
    g_assert_cmpuint(seg->filesz, ==, 6);
    g_assert_cmphex(data[seg->offset + 4], ==, 0xaa);
    g_assert_cmpuint(elf->sections->len, ==, 5);
    text = &g_array_index(elf->sections, Cr16ElfSection, 1);
    g_assert_cmpstr(text->name, ==, ".text");
    g_assert_cmphex(text->addr, ==, 0x1000);
    g_assert_cmpuint(text->offset, ==, seg->offset);
    for (i = 0; i < elf->symbols->len; i++) {
        const Cr16ElfSymbol *s = &g_array_index(elf->symbols,
                                                Cr16ElfSymbol, i);

        if (strcmp(s->name, "_start") == 0) {
            g_assert_cmpuint(s->bind, ==, CR16_STB_GLOBAL);
            g_assert_cmpuint(s->shndx, ==, 1);
            g_assert_cmphex(s->value, ==, 0x1000);
            seen[0] = true;
        } else if (strcmp(s->name, "loop") == 0) {
            g_assert_cmpuint(s->bind, ==, CR16_STB_LOCAL);
            g_assert_cmphex(s->value, ==, 0x1002);
            seen[1] = true;
        } else if (strcmp(s->name, "data") == 0) {
            g_assert_cmpuint(s->bind, ==, CR16_STB_GLOBAL);
            seen[2] = true;
        } else if (strcmp(s->name, "CONST") == 0) {
            g_assert_cmpuint(s->shndx, ==, CR16_SHN_ABS);
            g_assert_cmphex(s->value, ==, 0x42);
            seen[3] = true;
        }
    }
    g_assert_true(seen[0] && seen[1] && seen[2] && seen[3]);

    /* Empty program: no segment, still a valid file. */
    {
        g_autoptr(GBytes) e = elf_of("# nothing\n");
        g_autoptr(Cr16Elf) p = NULL;
        gsize n;
        const uint8_t *d = g_bytes_get_data(e, &n);

        p = cr16_elf_parse(d, n, &err);
        g_assert_no_error(err);
        g_assert_cmpuint(p->segments->len, ==, 0);
        g_assert_cmphex(p->entry, ==, 0);
    }
}

/* Malformed files give errors, never crashes. */
static void test_elf_malformed(void)
{
    g_autoptr(GBytes) elf_bytes = elf_of(".org 0x100\n_start: nop\nbr .\n");
    gsize len;
    const uint8_t *orig = g_bytes_get_data(elf_bytes, &len);
    g_autofree uint8_t *buf = g_memdup2(orig, len);
    g_autoptr(GError) err = NULL;
    Cr16Elf *elf;
    GRand *rand;
    gsize cut;
    int i;

    static const struct {
        unsigned off, size;
        uint32_t value;
        const char *msg;
    } corrupt[] = {
        { 0, 1, 0x7e, "not an ELF file" },
        { 4, 1, 2, "not a 32-bit little-endian" },
        { 18, 2, 3, "not a CR16 ELF file (e_machine 3)" },
        { 28, 4, 0xfffffff0, "program header table" },
        { 42, 2, 8, "bad program header entry size" },
        { 32, 4, 0x7fffffff, "section header table" },
        { 46, 2, 4, "bad section header entry size" },
        { 50, 2, 99, "section name table index 99" },
        { 52 + 4, 4, 0xffffff00, "segment 0" },
        { 52 + 16, 4, 0x10000, "segment 0" },
    };

    for (i = 0; i < (int)G_N_ELEMENTS(corrupt); i++) {
        unsigned k;

        memcpy(buf, orig, len);
        for (k = 0; k < corrupt[i].size; k++) {
            buf[corrupt[i].off + k] = corrupt[i].value >> (8 * k);
        }
        elf = cr16_elf_parse(buf, len, &err);
        g_assert_null(elf);
        g_assert_nonnull(err);
        if (!strstr(err->message, corrupt[i].msg)) {
            g_test_message("corruption %d: %s", i, err->message);
        }
        g_assert_nonnull(strstr(err->message, corrupt[i].msg));
        g_clear_error(&err);
    }

    /* The alternative machine number is accepted. */
    memcpy(buf, orig, len);
    buf[18] = CR16_EM_CR16_ALT;
    elf = cr16_elf_parse(buf, len, &err);
    g_assert_no_error(err);
    cr16_elf_free(elf);

    /* Every truncation fails cleanly or parses (never reads past). */
    for (cut = 0; cut < len; cut++) {
        g_autofree uint8_t *part = g_memdup2(orig, MAX(cut, 1));

        elf = cr16_elf_parse(part, cut, &err);
        if (elf) {
            cr16_elf_free(elf);
        } else {
            g_assert_nonnull(err);
            g_clear_error(&err);
        }
    }

    /* Random corruption, deterministic seed: parse and dump must cope. */
    rand = g_rand_new_with_seed(0xc16);
    for (i = 0; i < 3000; i++) {
        Cr16DumpOptions opts = { 0 };
        GString *out = g_string_new(NULL);
        int flips = g_rand_int_range(rand, 1, 8), f;

        memcpy(buf, orig, len);
        for (f = 0; f < flips; f++) {
            buf[g_rand_int_range(rand, 0, len)] = g_rand_int_range(rand, 0,
                                                                   256);
        }
        if (!cr16_objdump("fuzz", buf, len, &opts, out, &err)) {
            g_assert_nonnull(err);
            g_clear_error(&err);
        }
        g_string_free(out, true);
    }
    g_rand_free(rand);
}

/* ---- objdump output ---- */

static void test_objdump(void)
{
    g_autoptr(Cr16Asm) as = assemble_ok(worked_example);
    g_autoptr(GBytes) elf = cr16_asm_to_elf(as);
    Cr16DumpOptions opts = { 0 };
    g_autoptr(GError) err = NULL;
    GString *out = g_string_new(NULL);
    uint32_t base;
    size_t len;
    gsize elen;
    const uint8_t *img = cr16_asm_image(as, &base, &len);
    const uint8_t *edata = g_bytes_get_data(elf, &elen);

    g_assert_true(cr16_objdump("ex.o", edata, elen, &opts, out, &err));
    g_assert_no_error(err);
    g_assert_nonnull(strstr(out->str, "ex.o:     file format elf32-cr16"));
    g_assert_nonnull(strstr(out->str, "Disassembly of section .text:"));
    g_assert_nonnull(strstr(out->str, "\n00001000 <_start>:\n"
                            "    1000:\tf0 05 00 80 \tmovd\t"));
    g_assert_nonnull(strstr(out->str, "\n0000102e <touch>:\n"));
    g_assert_nonnull(strstr(out->str, "    1014:\t20 57       \tcmpd\t"));
    g_assert_nonnull(strstr(out->str, "    1020:\t13 00 4f 7f 00 80 \t"
                            "storb\t"));
    g_assert_nonnull(strstr(out->str, " <loop>\n"));
    g_assert_nonnull(strstr(out->str, " <touch>\n"));

    /* Flat binary, with an adjusted base and a start address. */
    g_string_truncate(out, 0);
    opts.binary = true;
    opts.adjust_vma = 0x1000;
    opts.has_start = true;
    opts.start = 0x102e;
    g_assert_true(cr16_objdump("ex.bin", img, len, &opts, out, &err));
    g_assert_nonnull(strstr(out->str, "file format binary"));
    g_assert_nonnull(strstr(out->str, "Disassembly of section .data:\n\n"
                            "0000102e <.data>:\n    102e:\t84 01       \t"
                            "push\t"));
    g_assert_null(strstr(out->str, "    1000:"));

    /* No section headers: the PT_LOAD segment is disassembled. */
    {
        g_autofree uint8_t *copy = g_memdup2(edata, elen);

        copy[48] = copy[49] = 0;                /* e_shnum = 0 */
        g_string_truncate(out, 0);
        opts = (Cr16DumpOptions){ 0 };
        g_assert_true(cr16_objdump("ns.o", copy, elen, &opts, out, &err));
        g_assert_no_error(err);
        g_assert_nonnull(strstr(out->str, "Disassembly of segment LOAD0:\n"
                                "\n00001000 <LOAD0>:\n    1000:\tf0 05"));
    }

    /* ".L" locals stay out of the symbol table. */
    {
        g_autoptr(Cr16Asm) l = assemble_ok(".Lhidden: nop\nshown: nop\n");
        g_autoptr(GBytes) e = cr16_asm_to_elf(l);
        gsize n;
        const uint8_t *d = g_bytes_get_data(e, &n);
        g_autoptr(Cr16Elf) p = cr16_elf_parse(d, n, &err);

        g_assert_no_error(err);
        g_assert_cmpuint(p->symbols->len, ==, 1);
        g_assert_cmpstr(g_array_index(p->symbols, Cr16ElfSymbol, 0).name,
                        ==, "shown");
    }

    /* Odd trailing byte and an instruction cut short. */
    g_string_truncate(out, 0);
    cr16_objdump_range((const uint8_t[]){ 0xb4, 0x32, 0x34 }, 3, 0x100, out);
    g_assert_nonnull(strstr(out->str, "     100:\tb4 32       \t.word\t"
                            "0x32b4\n     102:\t34          \t.byte\t"
                            "0x34\n"));
    g_string_free(out, true);
}

/* ---- round trips through cr16_disas ---- */

/* Reassemble the disassembly of every instruction of @src's image at its
 * address; the bytes must be identical. */
static void roundtrip_program(const char *src)
{
    g_autoptr(Cr16Asm) as = assemble_ok(src);
    uint32_t base;
    size_t len, off = 0;
    const uint8_t *p = cr16_asm_image(as, &base, &len);

    while (off + 1 < len) {
        uint16_t words[3] = { 0 };
        unsigned nw = MIN(3, (len - off) / 2), i, n;
        char text[128];
        g_autofree char *line = NULL;
        g_autoptr(Cr16Asm) re = NULL;
        uint32_t rbase;
        size_t rlen;
        const uint8_t *rp;

        for (i = 0; i < nw; i++) {
            words[i] = p[off + 2 * i] | p[off + 2 * i + 1] << 8;
        }
        n = cr16_disas(base + off, words, nw, text, sizeof(text));
        g_assert_cmpuint(n, >=, 2);
        line = g_strdup_printf(".org 0x%zx\n%s\n", base + off, text);
        re = assemble_ok(line);
        rp = cr16_asm_image(re, &rbase, &rlen);
        if (rlen != n || memcmp(rp, p + off, n) != 0) {
            g_test_message("round trip of `%s' at 0x%zx differs", text,
                           base + off);
        }
        g_assert_cmpuint(rlen, ==, n);
        g_assert_cmpmem(rp, rlen, p + off, n);
        off += n;
    }
}

static void test_roundtrip_programs(void)
{
    GString *all = g_string_new(".org 0x2000\n");
    size_t i;

    g_auto(GStrv) parts = g_strsplit(worked_example, ":l", -1);
    g_autofree char *canonical = g_strjoinv("", parts);

    /* The canonical spelling of §8 (shortest store form). */
    roundtrip_program(canonical);
    /* Every example of the encoding table as one program. */
    for (i = 0; i < G_N_ELEMENTS(enc_cases); i++) {
        /* Branch examples use absolute targets for address 0, and size
         * hints pick non-canonical forms: both are covered by the sweep. */
        if (enc_cases[i].pc == 0 && enc_cases[i].src[0] != 'b' &&
            !strchr(enc_cases[i].src, ':')) {
            g_string_append_printf(all, "%s\n", enc_cases[i].src);
        }
    }
    roundtrip_program(all->str);
    g_string_free(all, true);
}

/*
 * Every defined first word (with two operand-word patterns): disassemble,
 * reassemble at the same address, disassemble again.  The text must be
 * the same and the new encoding no longer (the assembler may pick a
 * shorter or equally long equivalent, e.g. imm4 for a small imm16).
 */
static void test_roundtrip_sweep(void)
{
    static const uint16_t tails[][2] = {
        { 0x0123, 0x4567 }, { 0xa5c3, 0x8e71 },
    };
    const uint32_t pc = 0x40000;
    unsigned w0, t, checked = 0;

    for (w0 = 0; w0 <= 0xffff; w0++) {
        for (t = 0; t < G_N_ELEMENTS(tails); t++) {
            uint16_t words[3] = { w0, tails[t][0], tails[t][1] };
            uint16_t rw[3] = { 0 };
            char text[128], text2[128];
            g_autofree char *src = NULL;
            g_autoptr(GError) err = NULL;
            g_autoptr(Cr16Asm) as = NULL;
            unsigned n, n2, i;
            uint32_t base;
            size_t len;
            const uint8_t *p;

            n = cr16_disas(pc, words, 3, text, sizeof(text));
            if (n == 0 || g_str_has_prefix(text, ".word")) {
                continue;
            }
            if (cr16_insn_len(w0) == 1 && t > 0) {
                continue;       /* the tail words do not matter */
            }
            src = g_strdup_printf(".org 0x%x\n%s\n", pc, text);
            as = assemble(src, &err);
            if (!as) {
                g_test_message("%04x %04x %04x: `%s' does not assemble: %s",
                               words[0], words[1], words[2], text,
                               err->message);
                g_assert_not_reached();
            }
            p = cr16_asm_image(as, &base, &len);
            if (len > n || len < 2 || len > 6) {
                g_test_message("`%s': %u bytes became %zu", text, n, len);
                g_assert_not_reached();
            }
            for (i = 0; i < len / 2; i++) {
                rw[i] = p[2 * i] | p[2 * i + 1] << 8;
            }
            n2 = cr16_disas(pc, rw, len / 2, text2, sizeof(text2));
            if (n2 != len || strcmp(text, text2) != 0) {
                g_test_message("%04x %04x %04x: `%s' reassembled to `%s'",
                               words[0], words[1], words[2], text, text2);
                g_assert_not_reached();
            }
            checked++;
        }
    }
    g_test_message("%u encodings round-tripped", checked);
    g_assert_cmpuint(checked, >, 40000);
}

/* ---- robustness ---- */

static void test_robustness(void)
{
    static const char alphabet[] = "abcdelmnoprsuwxy0123456789$()[],.:;#'\""
                                   "+-*/%<>&|^~!@= \t\n_rsbdw";
    static const char *const nasty[] = {
        "", "\n\n\n", "$", "(", ")", "[", "]", "[r12]", "[r12", "(((((",
        "movw", "movw ,", "movw $", "movw $(", "br", "br $1", ".org",
        ".byte", ".ascii", ".include", ".include \"", ":", "::", "1:",
        "1b", "x = ", "= 4", ". = -1", ".align -1", ".align 0x7fffffff",
        ".space 0x7fffffffffffffff", ".fill 0x1000000, 8", ".p2align 99",
        "'", "'\\", "\"", "/*", "*/", "a:b:c:", "movw $1:x,r1",
        "loadb [r12]", "loadb [r13](r1,r0),r1", "loadb 0(,),r1",
        "loadb 0(r1,),r1", "cinv []", "cinv [i", "excp", "excp 99",
        ".byte 1 << 64, 1 >> 64, -1 >> 99", ".long -9223372036854775807-1",
        ".byte (-9223372036854775807-1) / -1", ".word 'ab'",
        "push $1,r1,r2", "bal (r1,r0)", "lprd (r1,r0),dcrh",
    };
    GString *src = g_string_new(NULL);
    GString *deep = g_string_new(".byte ");
    GRand *rand;
    size_t i;
    int k;

    for (i = 0; i < G_N_ELEMENTS(nasty); i++) {
        g_autoptr(GError) err = NULL;
        Cr16Asm *as = assemble(nasty[i], &err);

        cr16_asm_free(as);
    }
    /* Deep nesting is an error, not a stack overflow. */
    for (k = 0; k < 100000; k++) {
        g_string_append_c(deep, '(');
    }
    g_assert_null(assemble(deep->str, NULL));
    g_string_free(deep, true);

    rand = g_rand_new_with_seed(16);
    for (k = 0; k < 2000; k++) {
        g_autoptr(GError) err = NULL;
        int n = g_rand_int_range(rand, 1, 80), j;
        Cr16Asm *as;

        g_string_truncate(src, 0);
        if (g_rand_boolean(rand)) {
            static const char *const mn[] = {
                "movw ", "loadb ", "storw ", "br ", "bal ", "push ",
                ".byte ", ".org ", "cbitb ", "lpr ", "movd ", ".ascii ",
            };
            g_string_append(src, mn[g_rand_int_range(rand, 0,
                                                     G_N_ELEMENTS(mn))]);
        }
        for (j = 0; j < n; j++) {
            g_string_append_c(src, alphabet[g_rand_int_range(
                                  rand, 0, sizeof(alphabet) - 1)]);
        }
        as = assemble(src->str, &err);
        cr16_asm_free(as);
    }
    g_rand_free(rand);
    g_string_free(src, true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cr16-as/encodings", test_encodings);
    g_test_add_func("/cr16-as/worked-example", test_worked_example);
    g_test_add_func("/cr16-as/directives", test_directives);
    g_test_add_func("/cr16-as/expressions", test_expressions);
    g_test_add_func("/cr16-as/forward-references", test_forward);
    g_test_add_func("/cr16-as/errors", test_errors);
    g_test_add_func("/cr16-as/include", test_include);
    g_test_add_func("/cr16-as/syntax", test_syntax);
    g_test_add_func("/cr16-as/listing", test_listing);
    g_test_add_func("/cr16-as/elf", test_elf);
    g_test_add_func("/cr16-objdump/malformed-elf", test_elf_malformed);
    g_test_add_func("/cr16-objdump/output", test_objdump);
    g_test_add_func("/cr16-as/roundtrip/programs", test_roundtrip_programs);
    g_test_add_func("/cr16-as/roundtrip/sweep", test_roundtrip_sweep);
    g_test_add_func("/cr16-as/robustness", test_robustness);
    return g_test_run();
}
