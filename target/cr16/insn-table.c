/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CR16C instruction table: every encoding form, written once.
 * Decoder, encoder, disassembler and interpreter dispatch all read it.
 * Bit positions refer to I = W0 << 32 | W1 << 16 | W2 (see insn.h).
 */
#include "qemu/osdep.h"
#include "target/cr16/insn.h"
#include "target/cr16/insn-internal.h"
#include "target/cr16/ops.h"

/* ---- fields ---- */
#define PIECE(ip, w, vp)    { ip, w, vp }
#define FLD1(ip, w)         { 1, { PIECE(ip, w, 0) } }
#define W0(hi, lo)          FLD1(32 + (lo), (hi) - (lo) + 1)
#define W1(hi, lo)          FLD1(16 + (lo), (hi) - (lo) + 1)
#define NOF                 { 0 }
/* W0[3:0] = bits 19..16, W1 = bits 15..0 (contiguous in I) */
#define F_A20               FLD1(16, 20)
/* 16-bit W1 */
#define F_W1                FLD1(16, 16)
/* imm32: W1 = bits 31..16, W2 = bits 15..0 (contiguous in I) */
#define F_I32               FLD1(0, 32)
/* disp20 of 3-word forms: W1[11:8] = bits 19..16, W2 = bits 15..0 */
#define F_D20               { 2, { PIECE(0, 16, 0), PIECE(24, 4, 16) } }
/* abs24 / disp25 of 3-word forms: W1[3:0] = 23..20, W1[11:8] = 19..16 */
#define F_A24               { 3, { PIECE(0, 16, 0), PIECE(24, 4, 16), \
                                   PIECE(16, 4, 20) } }
/* disp14: W0[5:4] = 5..4, W1[15:14] = 7..6, W1[13:8] = 13..8, W1[3:0] */
#define F_D14               { 4, { PIECE(16, 4, 0), PIECE(36, 2, 4), \
                                   PIECE(30, 2, 6), PIECE(24, 6, 8) } }
/* disp9: W0[11:8] = d8 bits 7..4, W0[3:0] = bits 3..0 */
#define F_D9                { 2, { PIECE(32, 4, 0), PIECE(40, 4, 4) } }
/* bal (ra) disp25: W0[7:0] = bits 23..16, W1 = bits 15..0 */
#define F_BAL               FLD1(16, 24)

/* ---- operand specs ---- */
#define OREG(f)             { .kind = CR16_OPK_REG, .reg = f }
#define ORP(f)              { .kind = CR16_OPK_RP, .reg = f }
#define OFIX(k, r)          { .kind = k, .fixed = r }
#define OVAL(k, f)          { .kind = k, .val = f }
#define OMEM(k, v, r)       { .kind = k, .val = v, .reg = r }
#define OIDX(k, v, r, x)    { .kind = k, .val = v, .reg = r, .idx = x }

/* ---- encodings over I ---- */
#define X1(w0)              ((uint64_t)(w0) << 32)
#define X2(w0, w1)          (X1(w0) | (uint64_t)(w1) << 16)

/*
 * The operand count is taken from the unexpanded argument text (the GNU
 * ", ##__VA_ARGS__" form suppresses expansion, so the commas inside the
 * expanded brace initialisers are not counted).
 */
#define NARGS_(a0, a1, a2, a3, n, ...) n
#define FORM_BODY(mn, n, msk, mat, opid, sz, fl, c, cnt, ...) \
    { .mnemonic = mn, .len = n, .mask = msk, .match = mat, .op = CR16_OP_##opid, \
      .size = sz, .flags = fl, .cc = c, .nops = cnt, .ops = { __VA_ARGS__ } }
#define FORMC(mn, n, msk, mat, opid, sz, fl, c, ...) \
    FORM_BODY(mn, n, msk, mat, opid, sz, fl, c, \
              NARGS_(x, ##__VA_ARGS__, 3, 2, 1, 0), __VA_ARGS__)
#define FORM(mn, n, msk, mat, opid, sz, fl, ...) \
    FORM_BODY(mn, n, msk, mat, opid, sz, fl, 0, \
              NARGS_(x, ##__VA_ARGS__, 3, 2, 1, 0), __VA_ARGS__)

#define BR      CR16_FF_BRANCH
#define TRAP    CR16_FF_TRAP
#define PRIV    (CR16_FF_PRIV | CR16_FF_TRAP)
#define INTEN   CR16_FF_INTEN
#define ALIAS   CR16_FF_ALIAS

/* ---- §4.1 byte/word logic and arithmetic: O = byte-imm opcode ---- */
#define ALU_BW(mb, mw, o, opid)                                              \
    FORM(mb, 1, X1(0xFF00), X1((o) << 8), opid, 1, 0,                        \
         OVAL(CR16_OPK_IMM4, W0(7, 4)), OREG(W0(3, 0))),                     \
    FORM(mb, 2, X1(0xFFF0), X1((o) << 8 | 0xB0), opid, 1, 0,                 \
         OVAL(CR16_OPK_IMM16B, F_W1), OREG(W0(3, 0))),                       \
    FORM(mb, 1, X1(0xFF00), X1(((o) + 1) << 8), opid, 1, 0,                  \
         OREG(W0(7, 4)), OREG(W0(3, 0))),                                    \
    FORM(mw, 1, X1(0xFF00), X1(((o) + 2) << 8), opid, 2, 0,                  \
         OVAL(CR16_OPK_IMM4, W0(7, 4)), OREG(W0(3, 0))),                     \
    FORM(mw, 2, X1(0xFFF0), X1(((o) + 2) << 8 | 0xB0), opid, 2, 0,           \
         OVAL(CR16_OPK_IMM16W, F_W1), OREG(W0(3, 0))),                       \
    FORM(mw, 1, X1(0xFF00), X1(((o) + 3) << 8), opid, 2, 0,                  \
         OREG(W0(7, 4)), OREG(W0(3, 0)))

/* ---- §4.8 loads/stores: one row set per (direction, size) ----
 * lo: 1-word opcode nibble; a20: abs20 opcode byte; ia20: [rX]abs20
 * opcode byte (X = W0[8]); d14: W0[7:6] in the 0x86 (load) / 0xC6 (store)
 * group; c3: W1[15:14] class in the 0x0012/0x0013 (3-word) and
 * 0x0018/0x0019 (-disp20) groups. Loads list the memory operand first.
 */
#define LOADOPS(mn, sz, dat, k4, lo, a20, ia20, d14, c3)                     \
    FORM(mn, 1, X1(0xF000), X1((lo) << 12), LOAD, sz, 0,                     \
         OMEM(k4, W0(11, 8), W0(3, 0)), dat(W0(7, 4))),                      \
    FORM(mn, 1, X1(0xFF00), X1((lo) << 12 | 0xE00), LOAD, sz, 0,             \
         OIDX(CR16_OPK_MEM_IRP0, NOF, W0(2, 0), W0(3, 3)), dat(W0(7, 4))),   \
    FORM(mn, 2, X1(0xFF00), X1((lo) << 12 | 0xF00), LOAD, sz, 0,             \
         OMEM(CR16_OPK_MEM_RP16, F_W1, W0(3, 0)), dat(W0(7, 4))),            \
    FORM(mn, 2, X1(0xFF00), X1((a20) << 8), LOAD, sz, 0,                     \
         OVAL(CR16_OPK_MEM_ABS20, F_A20), dat(W0(7, 4))),                    \
    FORM(mn, 2, X1(0xFE00), X1((ia20) << 8), LOAD, sz, 0,                    \
         OIDX(CR16_OPK_MEM_IABS20, F_A20, NOF, W0(8, 8)), dat(W0(7, 4))),    \
    FORM(mn, 2, X1(0xFFC0), X1(0x8600 | (d14) << 6), LOAD, sz, 0,            \
         OIDX(CR16_OPK_MEM_IRP14, F_D14, W0(2, 0), W0(3, 3)), dat(W1(7, 4))),\
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0012, (c3) << 14 | 0 << 12), LOAD,  \
         sz, 0, OMEM(CR16_OPK_MEM_R20, F_D20, W1(3, 0)), dat(W1(7, 4))),     \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0012, (c3) << 14 | 1 << 12), LOAD,  \
         sz, 0, OMEM(CR16_OPK_MEM_RP20, F_D20, W1(3, 0)), dat(W1(7, 4))),    \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0012, (c3) << 14 | 2 << 12), LOAD,  \
         sz, 0, OIDX(CR16_OPK_MEM_IRP20, F_D20, W1(2, 0), W1(3, 3)),         \
         dat(W1(7, 4))),                                                     \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0012, (c3) << 14 | 3 << 12), LOAD,  \
         sz, 0, OVAL(CR16_OPK_MEM_ABS24, F_A24), dat(W1(7, 4))),             \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0018, (c3) << 14 | 0 << 12), LOAD,  \
         sz, 0, OMEM(CR16_OPK_MEM_RN20, F_D20, W1(3, 0)), dat(W1(7, 4))),    \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0018, (c3) << 14 | 1 << 12), LOAD,  \
         sz, 0, OMEM(CR16_OPK_MEM_RPN20, F_D20, W1(3, 0)), dat(W1(7, 4)))

/* Stores list the data operand first (GNU order: "storb r1,4(r3,r2)"). */
#define STOROPS(mn, sz, dat, k4, lo, a20, ia20, d14, c3)                     \
    FORM(mn, 1, X1(0xF000), X1((lo) << 12), STORE, sz, 0,                    \
         dat(W0(7, 4)), OMEM(k4, W0(11, 8), W0(3, 0))),                      \
    FORM(mn, 1, X1(0xFF00), X1((lo) << 12 | 0xE00), STORE, sz, 0,            \
         dat(W0(7, 4)), OIDX(CR16_OPK_MEM_IRP0, NOF, W0(2, 0), W0(3, 3))),   \
    FORM(mn, 2, X1(0xFF00), X1((lo) << 12 | 0xF00), STORE, sz, 0,            \
         dat(W0(7, 4)), OMEM(CR16_OPK_MEM_RP16, F_W1, W0(3, 0))),            \
    FORM(mn, 2, X1(0xFF00), X1((a20) << 8), STORE, sz, 0,                    \
         dat(W0(7, 4)), OVAL(CR16_OPK_MEM_ABS20, F_A20)),                    \
    FORM(mn, 2, X1(0xFE00), X1((ia20) << 8), STORE, sz, 0,                   \
         dat(W0(7, 4)), OIDX(CR16_OPK_MEM_IABS20, F_A20, NOF, W0(8, 8))),    \
    FORM(mn, 2, X1(0xFFC0), X1(0xC600 | (d14) << 6), STORE, sz, 0,           \
         dat(W1(7, 4)), OIDX(CR16_OPK_MEM_IRP14, F_D14, W0(2, 0), W0(3, 3))),\
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0013, (c3) << 14 | 0 << 12), STORE, \
         sz, 0, dat(W1(7, 4)), OMEM(CR16_OPK_MEM_R20, F_D20, W1(3, 0))),     \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0013, (c3) << 14 | 1 << 12), STORE, \
         sz, 0, dat(W1(7, 4)), OMEM(CR16_OPK_MEM_RP20, F_D20, W1(3, 0))),    \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0013, (c3) << 14 | 2 << 12), STORE, \
         sz, 0, dat(W1(7, 4)), OIDX(CR16_OPK_MEM_IRP20, F_D20, W1(2, 0),    \
                                    W1(3, 3))),                              \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0013, (c3) << 14 | 3 << 12), STORE, \
         sz, 0, dat(W1(7, 4)), OVAL(CR16_OPK_MEM_ABS24, F_A24)),             \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0019, (c3) << 14 | 0 << 12), STORE, \
         sz, 0, dat(W1(7, 4)), OMEM(CR16_OPK_MEM_RN20, F_D20, W1(3, 0))),    \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0019, (c3) << 14 | 1 << 12), STORE, \
         sz, 0, dat(W1(7, 4)), OMEM(CR16_OPK_MEM_RPN20, F_D20, W1(3, 0)))

/* §4.9 store immediate; g = 0x80 (byte) or 0xC0 (word), p3 prefix */
#define STORIOPS(mn, sz, g, p3)                                              \
    FORM(mn, 2, X1(0xFF00), X1(((g) | 1) << 8), STORI, sz, 0,                \
         OVAL(CR16_OPK_UIMM4, W0(7, 4)), OVAL(CR16_OPK_MEM_ABS20, F_A20)),   \
    FORM(mn, 1, X1(0xFF00), X1(((g) | 2) << 8), STORI, sz, 0,                \
         OVAL(CR16_OPK_UIMM4, W0(7, 4)), OMEM(CR16_OPK_MEM_RP0, NOF,        \
                                              W0(3, 0))),                    \
    FORM(mn, 2, X1(0xFF00), X1(((g) | 3) << 8), STORI, sz, 0,                \
         OVAL(CR16_OPK_UIMM4, W0(7, 4)), OMEM(CR16_OPK_MEM_RP16, F_W1,      \
                                              W0(3, 0))),                    \
    FORM(mn, 2, X1(0xFE00), X1(((g) | 4) << 8), STORI, sz, 0,                \
         OVAL(CR16_OPK_UIMM4, W0(7, 4)),                                     \
         OIDX(CR16_OPK_MEM_IABS20, F_A20, NOF, W0(8, 8))),                   \
    FORM(mn, 2, X1(0xFFC0), X1(((g) | 6) << 8), STORI, sz, 0,                \
         OVAL(CR16_OPK_UIMM4, W1(7, 4)),                                     \
         OIDX(CR16_OPK_MEM_IRP14, F_D14, W0(2, 0), W0(3, 3))),               \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(p3, 0x0000), STORI, sz, 0,            \
         OVAL(CR16_OPK_UIMM4, W1(7, 4)),                                     \
         OMEM(CR16_OPK_MEM_R20, F_D20, W1(3, 0))),                           \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(p3, 0x1000), STORI, sz, 0,            \
         OVAL(CR16_OPK_UIMM4, W1(7, 4)),                                     \
         OMEM(CR16_OPK_MEM_RP20, F_D20, W1(3, 0))),                          \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(p3, 0x2000), STORI, sz, 0,            \
         OVAL(CR16_OPK_UIMM4, W1(7, 4)),                                     \
         OIDX(CR16_OPK_MEM_IRP20, F_D20, W1(2, 0), W1(3, 3))),               \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(p3, 0x3000), STORI, sz, 0,            \
         OVAL(CR16_OPK_UIMM4, W1(7, 4)), OVAL(CR16_OPK_MEM_ABS24, F_A24))

/*
 * §4.10 bit operations on memory. Byte: b0 = 0(rp)/disp14 opcode,
 * b1 = disp16/abs20 opcode, bx = [rX]abs20 opcode (X = W0[7]);
 * word: w0 = 0(rp), w1 = disp16, wa = abs20, wx = [rX]abs20 (X = W0[8]).
 * k = W1[15:14] class in the 0x0010/0x0011 3-word groups.
 */
#define BITOPS_B(mn, opid, b0, b1, bx, k)                                    \
    FORM(mn, 1, X1(0xFF80), X1((b0) << 8), opid, 1, 0,                       \
         OVAL(CR16_OPK_BIT3, W0(6, 4)), OMEM(CR16_OPK_MEM_RP0, NOF,         \
                                             W0(3, 0))),                     \
    FORM(mn, 2, X1(0xFF80), X1((b1) << 8), opid, 1, 0,                       \
         OVAL(CR16_OPK_BIT3, W0(6, 4)), OMEM(CR16_OPK_MEM_RP16, F_W1,       \
                                             W0(3, 0))),                     \
    FORM(mn, 2, X1(0xFF80), X1((b1) << 8 | 0x80), opid, 1, 0,                \
         OVAL(CR16_OPK_BIT3, W0(6, 4)), OVAL(CR16_OPK_MEM_ABS20, F_A20)),    \
    FORM(mn, 2, X1(0xFF00), X1((bx) << 8), opid, 1, 0,                       \
         OVAL(CR16_OPK_BIT3, W0(6, 4)),                                      \
         OIDX(CR16_OPK_MEM_IABS20, F_A20, NOF, W0(7, 7))),                   \
    FORM(mn, 2, X2(0xFFC0, 0x0080), X1((b0) << 8 | 0x80), opid, 1, 0,        \
         OVAL(CR16_OPK_BIT3, W1(6, 4)),                                      \
         OIDX(CR16_OPK_MEM_IRP14, F_D14, W0(2, 0), W0(3, 3))),               \
    FORM(mn, 3, X2(0xFFFF, 0xF080), X2(0x0010, (k) << 14 | 0x0000), opid, 1, \
         0, OVAL(CR16_OPK_BIT3, W1(6, 4)),                                   \
         OMEM(CR16_OPK_MEM_R20, F_D20, W1(3, 0))),                           \
    FORM(mn, 3, X2(0xFFFF, 0xF080), X2(0x0010, (k) << 14 | 0x1000), opid, 1, \
         0, OVAL(CR16_OPK_BIT3, W1(6, 4)),                                   \
         OMEM(CR16_OPK_MEM_RP20, F_D20, W1(3, 0))),                          \
    FORM(mn, 3, X2(0xFFFF, 0xF080), X2(0x0010, (k) << 14 | 0x2000), opid, 1, \
         0, OVAL(CR16_OPK_BIT3, W1(6, 4)),                                   \
         OIDX(CR16_OPK_MEM_IRP20, F_D20, W1(2, 0), W1(3, 3))),               \
    FORM(mn, 3, X2(0xFFFF, 0xF080), X2(0x0010, (k) << 14 | 0x3000), opid, 1, \
         0, OVAL(CR16_OPK_BIT3, W1(6, 4)), OVAL(CR16_OPK_MEM_ABS24, F_A24))

#define BITOPS_W(mn, opid, b0, w0, w1, wa, wx, k)                            \
    FORM(mn, 1, X1(0xFF00), X1((w0) << 8), opid, 2, 0,                       \
         OVAL(CR16_OPK_BIT4, W0(7, 4)), OMEM(CR16_OPK_MEM_RP0, NOF,         \
                                             W0(3, 0))),                     \
    FORM(mn, 2, X1(0xFF00), X1((w1) << 8), opid, 2, 0,                       \
         OVAL(CR16_OPK_BIT4, W0(7, 4)), OMEM(CR16_OPK_MEM_RP16, F_W1,       \
                                             W0(3, 0))),                     \
    FORM(mn, 2, X1(0xFF00), X1((wa) << 8), opid, 2, 0,                       \
         OVAL(CR16_OPK_BIT4, W0(7, 4)), OVAL(CR16_OPK_MEM_ABS20, F_A20)),    \
    FORM(mn, 2, X1(0xFE00), X1((wx) << 8), opid, 2, 0,                       \
         OVAL(CR16_OPK_BIT4, W0(7, 4)),                                      \
         OIDX(CR16_OPK_MEM_IABS20, F_A20, NOF, W0(8, 8))),                   \
    FORM(mn, 2, X1(0xFFC0), X1((b0) << 8 | 0xC0), opid, 2, 0,                \
         OVAL(CR16_OPK_BIT4, W1(7, 4)),                                      \
         OIDX(CR16_OPK_MEM_IRP14, F_D14, W0(2, 0), W0(3, 3))),               \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0011, (k) << 14 | 0x0000), opid, 2, \
         0, OVAL(CR16_OPK_BIT4, W1(7, 4)),                                   \
         OMEM(CR16_OPK_MEM_R20, F_D20, W1(3, 0))),                           \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0011, (k) << 14 | 0x1000), opid, 2, \
         0, OVAL(CR16_OPK_BIT4, W1(7, 4)),                                   \
         OMEM(CR16_OPK_MEM_RP20, F_D20, W1(3, 0))),                          \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0011, (k) << 14 | 0x2000), opid, 2, \
         0, OVAL(CR16_OPK_BIT4, W1(7, 4)),                                   \
         OIDX(CR16_OPK_MEM_IRP20, F_D20, W1(2, 0), W1(3, 3))),               \
    FORM(mn, 3, X2(0xFFFF, 0xF000), X2(0x0011, (k) << 14 | 0x3000), opid, 2, \
         0, OVAL(CR16_OPK_BIT4, W1(7, 4)), OVAL(CR16_OPK_MEM_ABS24, F_A24))

/* §4.5/4.6/4.7 conditional forms, expanded per condition code. */
#define BCOND(c, name)                                                       \
    FORMC("b" name, 1, X1(0xF0F0), X1(0x1000 | (c) << 4), BCOND, 0, BR, c,   \
          OVAL(CR16_OPK_DISP9, F_D9)),                                       \
    FORMC("b" name, 2, X1(0xFFFF), X1(0x1800 | (c) << 4), BCOND, 0, BR, c,   \
          OVAL(CR16_OPK_DISP17, F_W1)),                                      \
    FORMC("b" name, 3, X2(0xFFFF, 0xF0F0), X2(0x0010, (c) << 4), BCOND, 0,   \
          BR, c, OVAL(CR16_OPK_DISP25, F_A24))
#define SCOND(c, name)                                                       \
    FORMC("s" name, 1, X1(0xFFF0), X1(0x0800 | (c) << 4), SCOND, 2, 0, c,    \
          OREG(W0(3, 0)))
#define JCOND(c, name)                                                       \
    FORMC("j" name, 1, X1(0xFFF0), X1(0x0A00 | (c) << 4), JCOND, 0, BR, c,   \
          ORP(W0(3, 0)))

#define CC_LIST(M, name14)                                                   \
    M(0, "eq"), M(1, "ne"), M(2, "cs"), M(3, "cc"), M(4, "hi"), M(5, "ls"),  \
    M(6, "gt"), M(7, "le"), M(8, "fs"), M(9, "fc"), M(10, "lo"),             \
    M(11, "hs"), M(12, "lt"), M(13, "ge"), M(14, name14)

/* §4.11 push/pop/popret */
#define PUSHOPS(mn, o, opid, fl)                                             \
    FORM(mn, 1, X1(0xFF80), X1((o) << 8), opid, 0, fl,                       \
         OVAL(CR16_OPK_COUNT, W0(6, 4)), OREG(W0(3, 0))),                    \
    FORM(mn, 1, X1(0xFF80), X1((o) << 8 | 0x80), opid, 0, fl,                \
         OVAL(CR16_OPK_COUNT, W0(6, 4)), OREG(W0(3, 0)),                     \
         OFIX(CR16_OPK_REG, 14)),                                            \
    FORM(mn, 1, X1(0xFFFF), X1((o) << 8 | 0x1E), opid, 0, (fl) | ALIAS,      \
         OFIX(CR16_OPK_REG, 14))

/* §4.2 multiply-accumulate (W1 = op p a b) */
#define MACOP(mn, k, opid)                                                   \
    FORM(mn, 2, X2(0xFFFF, 0xF000), X2(0x0014, (k) << 12), opid, 4, 0,       \
         OREG(W1(7, 4)), OREG(W1(3, 0)), ORP(W1(11, 8)))

#define IMM32OP(mn, o, opid)                                                 \
    FORM(mn, 3, X1(0xFFF0), X1(o), opid, 4, 0,                               \
         OVAL(CR16_OPK_IMM32, F_I32), ORP(W0(3, 0)))

static const CR16Form cr16_forms[] = {
    /* §4.1 */
    ALU_BW("andb", "andw", 0x20, AND),
    ALU_BW("orb", "orw", 0x24, OR),
    ALU_BW("xorb", "xorw", 0x28, XOR),
    ALU_BW("addub", "adduw", 0x2C, ADDU),
    ALU_BW("addb", "addw", 0x30, ADD),
    ALU_BW("addcb", "addcw", 0x34, ADDC),
    ALU_BW("subb", "subw", 0x38, SUB),
    ALU_BW("subcb", "subcw", 0x3C, SUBC),
    ALU_BW("cmpb", "cmpw", 0x50, CMP),
    ALU_BW("movb", "movw", 0x58, MOV),
    ALU_BW("mulb", "mulw", 0x64, MUL),
    FORM("nop", 1, X1(0xFFFF), X1(0x2C00), NOP, 0, ALIAS),

    /* §4.2 */
    FORM("movxb", 1, X1(0xFF00), X1(0x5C00), MOVX, 1, 0,
         OREG(W0(7, 4)), OREG(W0(3, 0))),
    FORM("movzb", 1, X1(0xFF00), X1(0x5D00), MOVZ, 1, 0,
         OREG(W0(7, 4)), OREG(W0(3, 0))),
    FORM("movxw", 1, X1(0xFF00), X1(0x5E00), MOVX, 2, 0,
         OREG(W0(7, 4)), ORP(W0(3, 0))),
    FORM("movzw", 1, X1(0xFF00), X1(0x5F00), MOVZ, 2, 0,
         OREG(W0(7, 4)), ORP(W0(3, 0))),
    FORM("mulsb", 1, X1(0xFF00), X1(0x0B00), MULSB, 1, 0,
         OREG(W0(7, 4)), OREG(W0(3, 0))),
    FORM("mulsw", 1, X1(0xFF00), X1(0x6200), MULSW, 2, 0,
         OREG(W0(7, 4)), ORP(W0(3, 0))),
    FORM("muluw", 1, X1(0xFF00), X1(0x6300), MULUW, 2, 0,
         OREG(W0(7, 4)), ORP(W0(3, 0))),
    MACOP("macqw", 0xD, MACQ),
    MACOP("macuw", 0xE, MACU),
    MACOP("macsw", 0xF, MACS),

    /* §4.3 */
    FORM("movd", 1, X1(0xFF00), X1(0x5400), MOV, 4, 0,
         OVAL(CR16_OPK_IMM4, W0(7, 4)), ORP(W0(3, 0))),
    FORM("movd", 2, X1(0xFFF0), X1(0x54B0), MOV, 4, 0,
         OVAL(CR16_OPK_IMM16D, F_W1), ORP(W0(3, 0))),
    FORM("movd", 2, X1(0xFF00), X1(0x0500), MOV, 4, 0,
         OVAL(CR16_OPK_IMM20, F_A20), ORP(W0(7, 4))),
    IMM32OP("movd", 0x0070, MOV),
    FORM("movd", 1, X1(0xFF00), X1(0x5500), MOV, 4, 0,
         ORP(W0(7, 4)), ORP(W0(3, 0))),
    FORM("addd", 1, X1(0xFF00), X1(0x6000), ADD, 4, 0,
         OVAL(CR16_OPK_IMM4, W0(7, 4)), ORP(W0(3, 0))),
    FORM("addd", 2, X1(0xFFF0), X1(0x60B0), ADD, 4, 0,
         OVAL(CR16_OPK_IMM16D, F_W1), ORP(W0(3, 0))),
    FORM("addd", 2, X1(0xFF00), X1(0x0400), ADD, 4, 0,
         OVAL(CR16_OPK_IMM20, F_A20), ORP(W0(7, 4))),
    IMM32OP("addd", 0x0020, ADD),
    FORM("addd", 1, X1(0xFF00), X1(0x6100), ADD, 4, 0,
         ORP(W0(7, 4)), ORP(W0(3, 0))),
    IMM32OP("subd", 0x0030, SUB),
    FORM("subd", 2, X2(0xFFFF, 0xFF00), X2(0x0014, 0xC000), SUB, 4, 0,
         ORP(W1(7, 4)), ORP(W1(3, 0))),
    FORM("cmpd", 1, X1(0xFF00), X1(0x5600), CMP, 4, 0,
         OVAL(CR16_OPK_IMM4, W0(7, 4)), ORP(W0(3, 0))),
    FORM("cmpd", 2, X1(0xFFF0), X1(0x56B0), CMP, 4, 0,
         OVAL(CR16_OPK_IMM16D, F_W1), ORP(W0(3, 0))),
    IMM32OP("cmpd", 0x0090, CMP),
    FORM("cmpd", 1, X1(0xFF00), X1(0x5700), CMP, 4, 0,
         ORP(W0(7, 4)), ORP(W0(3, 0))),
    IMM32OP("andd", 0x0040, AND),
    FORM("andd", 2, X2(0xFFFF, 0xFF00), X2(0x0014, 0xB000), AND, 4, 0,
         ORP(W1(7, 4)), ORP(W1(3, 0))),
    IMM32OP("ord", 0x0050, OR),
    FORM("ord", 2, X2(0xFFFF, 0xFF00), X2(0x0014, 0x9000), OR, 4, 0,
         ORP(W1(7, 4)), ORP(W1(3, 0))),
    IMM32OP("xord", 0x0060, XOR),
    FORM("xord", 2, X2(0xFFFF, 0xFF00), X2(0x0014, 0xA000), XOR, 4, 0,
         ORP(W1(7, 4)), ORP(W1(3, 0))),

    /* §4.4 shifts */
    FORM("ashub", 1, X1(0xFF00), X1(0x4000), ASHU, 1, 0,
         OVAL(CR16_OPK_SHIFT_B, W0(7, 4)), OREG(W0(3, 0))),
    FORM("ashub", 1, X1(0xFF00), X1(0x4100), ASHU, 1, 0,
         OREG(W0(7, 4)), OREG(W0(3, 0))),
    FORM("ashuw", 1, X1(0xFE00), X1(0x4200), ASHU, 2, 0,
         OVAL(CR16_OPK_SHIFT_W, W0(8, 4)), OREG(W0(3, 0))),
    FORM("ashuw", 1, X1(0xFF00), X1(0x4500), ASHU, 2, 0,
         OREG(W0(7, 4)), OREG(W0(3, 0))),
    FORM("ashud", 1, X1(0xFC00), X1(0x4C00), ASHU, 4, 0,
         OVAL(CR16_OPK_SHIFT_D, W0(9, 4)), ORP(W0(3, 0))),
    FORM("ashud", 1, X1(0xFF00), X1(0x4800), ASHU, 4, 0,
         OREG(W0(7, 4)), ORP(W0(3, 0))),
    FORM("lshb", 1, X1(0xFF80), X1(0x0980), LSH, 1, 0,
         OVAL(CR16_OPK_LSH_B, W0(7, 4)), OREG(W0(3, 0))),
    FORM("lshb", 1, X1(0xFF00), X1(0x4000), ASHU, 1, ALIAS,
         OVAL(CR16_OPK_SHIFT_B, W0(7, 4)), OREG(W0(3, 0))),
    FORM("lshb", 1, X1(0xFF00), X1(0x4400), LSH, 1, 0,
         OREG(W0(7, 4)), OREG(W0(3, 0))),
    FORM("lshw", 1, X1(0xFF00), X1(0x4900), LSH, 2, 0,
         OVAL(CR16_OPK_LSH_W, W0(8, 4)), OREG(W0(3, 0))),
    FORM("lshw", 1, X1(0xFE00), X1(0x4200), ASHU, 2, ALIAS,
         OVAL(CR16_OPK_SHIFT_W, W0(8, 4)), OREG(W0(3, 0))),
    FORM("lshw", 1, X1(0xFF00), X1(0x4600), LSH, 2, 0,
         OREG(W0(7, 4)), OREG(W0(3, 0))),
    FORM("lshd", 1, X1(0xFE00), X1(0x4A00), LSH, 4, 0,
         OVAL(CR16_OPK_LSH_D, W0(9, 4)), ORP(W0(3, 0))),
    FORM("lshd", 1, X1(0xFC00), X1(0x4C00), ASHU, 4, ALIAS,
         OVAL(CR16_OPK_SHIFT_D, W0(9, 4)), ORP(W0(3, 0))),
    FORM("lshd", 1, X1(0xFF00), X1(0x4700), LSH, 4, 0,
         OREG(W0(7, 4)), ORP(W0(3, 0))),

    /* §4.5 branches */
    CC_LIST(BCOND, "r"),
    FORM("beq0b", 1, X1(0xFF00), X1(0x0C00), BEQ0, 1, BR,
         OREG(W0(3, 0)), OVAL(CR16_OPK_DISP5, W0(7, 4))),
    FORM("bne0b", 1, X1(0xFF00), X1(0x0D00), BNE0, 1, BR,
         OREG(W0(3, 0)), OVAL(CR16_OPK_DISP5, W0(7, 4))),
    FORM("beq0w", 1, X1(0xFF00), X1(0x0E00), BEQ0, 2, BR,
         OREG(W0(3, 0)), OVAL(CR16_OPK_DISP5, W0(7, 4))),
    FORM("bne0w", 1, X1(0xFF00), X1(0x0F00), BNE0, 2, BR,
         OREG(W0(3, 0)), OVAL(CR16_OPK_DISP5, W0(7, 4))),

    /* §4.6 calls and jumps */
    FORM("bal", 2, X1(0xFF00), X1(0xC000), BAL, 0, BR,
         OFIX(CR16_OPK_RP, 14), OVAL(CR16_OPK_DISP25, F_BAL)),
    FORM("bal", 3, X2(0xFFFF, 0xF000), X2(0x0010, 0x2000), BAL, 0, BR,
         ORP(W1(7, 4)), OVAL(CR16_OPK_DISP25, F_A24)),
    FORM("jal", 1, X1(0xFFF0), X1(0x00D0), JAL, 0, BR, ORP(W0(3, 0))),
    FORM("jal", 2, X2(0xFFFF, 0xFF00), X2(0x0014, 0x8000), JAL, 0, BR,
         ORP(W1(3, 0)), ORP(W1(7, 4))),
    CC_LIST(JCOND, "ump"),
    FORM("jusr", 1, X1(0xFFF0), X1(0x0AF0), JUSR, 0, BR, ORP(W0(3, 0))),

    /* §4.7 */
    CC_LIST(SCOND, "r"),

    /* §4.8 loads and stores */
    LOADOPS("loadb", 1, OREG, CR16_OPK_MEM_RP4B, 0xB, 0x88, 0x8A, 1, 1),
    LOADOPS("loadw", 2, OREG, CR16_OPK_MEM_RP4W, 0x9, 0x89, 0x8E, 3, 3),
    LOADOPS("loadd", 4, ORP, CR16_OPK_MEM_RP4W, 0xA, 0x87, 0x8C, 2, 2),
    STOROPS("storb", 1, OREG, CR16_OPK_MEM_RP4B, 0xF, 0xC8, 0xCA, 1, 1),
    STOROPS("storw", 2, OREG, CR16_OPK_MEM_RP4W, 0xD, 0xC9, 0xCE, 3, 3),
    STOROPS("stord", 4, ORP, CR16_OPK_MEM_RP4W, 0xE, 0xC7, 0xCC, 2, 2),

    /* §4.9 */
    STORIOPS("storb", 1, 0x80, 0x0012),
    STORIOPS("storw", 2, 0xC0, 0x0013),

    /* §4.10 */
    BITOPS_B("cbitb", CBIT, 0x6A, 0x6B, 0x68, 1),
    BITOPS_B("sbitb", SBIT, 0x72, 0x73, 0x70, 2),
    BITOPS_B("tbitb", TBIT, 0x7A, 0x7B, 0x78, 3),
    BITOPS_W("cbitw", CBIT, 0x6A, 0x6E, 0x69, 0x6F, 0x6C, 1),
    BITOPS_W("sbitw", SBIT, 0x72, 0x76, 0x71, 0x77, 0x74, 2),
    BITOPS_W("tbitw", TBIT, 0x7A, 0x7E, 0x79, 0x7F, 0x7C, 3),
    FORM("tbit", 1, X1(0xFF00), X1(0x0600), TBITR, 2, 0,
         OVAL(CR16_OPK_BIT4, W0(7, 4)), OREG(W0(3, 0))),
    FORM("tbit", 1, X1(0xFF00), X1(0x0700), TBITR, 2, 0,
         OREG(W0(7, 4)), OREG(W0(3, 0))),

    /* §4.11 */
    PUSHOPS("push", 0x01, PUSH, 0),
    PUSHOPS("pop", 0x02, POP, 0),
    PUSHOPS("popret", 0x03, POPRET, BR),

    /* §4.12 */
    FORM("loadm", 1, X1(0xFFF8), X1(0x00A0), LOADM, 2, TRAP,
         OVAL(CR16_OPK_COUNT, W0(2, 0))),
    FORM("loadmp", 1, X1(0xFFF8), X1(0x00A8), LOADMP, 2, TRAP,
         OVAL(CR16_OPK_COUNT, W0(2, 0))),
    FORM("storm", 1, X1(0xFFF8), X1(0x00B0), STORM, 2, TRAP,
         OVAL(CR16_OPK_COUNT, W0(2, 0))),
    FORM("stormp", 1, X1(0xFFF8), X1(0x00B8), STORMP, 2, TRAP,
         OVAL(CR16_OPK_COUNT, W0(2, 0))),

    /* §4.13 */
    FORM("lpr", 2, X2(0xFFFF, 0xFF00), X2(0x0014, 0x0000), LPR, 2,
         PRIV | INTEN, OREG(W1(3, 0)), OVAL(CR16_OPK_PREG, W1(7, 4))),
    FORM("lprd", 2, X2(0xFFFF, 0xFF00), X2(0x0014, 0x1000), LPRD, 4,
         PRIV | INTEN, ORP(W1(3, 0)), OVAL(CR16_OPK_PREGD, W1(7, 4))),
    FORM("spr", 2, X2(0xFFFF, 0xFF00), X2(0x0014, 0x2000), SPR, 2, PRIV,
         OVAL(CR16_OPK_PREG, W1(7, 4)), OREG(W1(3, 0))),
    FORM("sprd", 2, X2(0xFFFF, 0xFF00), X2(0x0014, 0x3000), SPRD, 4, PRIV,
         OVAL(CR16_OPK_PREGD, W1(7, 4)), ORP(W1(3, 0))),

    /* §4.14 */
    FORM("excp", 1, X1(0xFFF0), X1(0x00C0), EXCP, 0, BR | TRAP,
         OVAL(CR16_OPK_EXCP, W0(3, 0))),
    FORM("retx", 1, X1(0xFFFF), X1(0x0003), RETX, 0, BR | PRIV | INTEN),
    FORM("di", 1, X1(0xFFFF), X1(0x0004), DI, 0, PRIV),
    FORM("ei", 1, X1(0xFFFF), X1(0x0005), EI, 0, PRIV | INTEN),
    FORM("wait", 1, X1(0xFFFF), X1(0x0006), WAIT, 0, PRIV | INTEN),
    FORM("eiwait", 1, X1(0xFFFF), X1(0x0007), EIWAIT, 0, PRIV | INTEN),
    FORM("cinv", 1, X1(0xFFF0), X1(0x0000), NOP, 0, 0,
         OVAL(CR16_OPK_CINV, W0(3, 0))),
};

const CR16Form *cr16_table_forms(unsigned *n)
{
    *n = ARRAY_SIZE(cr16_forms);
    return cr16_forms;
}
