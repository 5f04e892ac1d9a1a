/*
 * CR16C instruction table: the single description of every encoding form,
 * and the decoder, encoder and disassembler that are driven by it.
 *
 * Users: the interpreter (target/cr16), tools/cr16-as, tools/cr16-objdump.
 * Include as "target/cr16/insn.h". Everything here is pure (no CPU state),
 * thread-safe, and needs only glib.
 *
 * Conventions
 *  - An instruction is 1..3 16-bit words W0, W1, W2 (fetch order; each word
 *    little-endian in memory). Internally the table describes encodings over
 *    the 48-bit value I = W0 << 32 | W1 << 16 | W2 (missing words are 0).
 *  - A *form* is one encoding of one mnemonic with a fixed list of operand
 *    kinds in assembler order, e.g. "addw $imm4,rd", "addw $imm16,rd" and
 *    "addw rs,rd" are three forms of "addw". Forms with a condition code in
 *    the opcode are expanded per condition: "beq", "bne", ..., "br" are
 *    separate mnemonics. For one mnemonic, forms are listed shortest first,
 *    so an assembler can take the first form whose operand kinds match and
 *    whose cr16_encode() succeeds.
 *  - Alias forms (CR16_FF_ALIAS: "nop", "push ra", ...) are for the assembler
 *    only; the decoder never returns them.
 */
#ifndef TARGET_CR16_INSN_H
#define TARGET_CR16_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

/*
 * Operand kinds. The comment gives the GNU-as spelling and the accepted
 * range of CR16Operand fields (see CR16Operand for which field is used).
 * Register numbers: 0..11 = r0..r11, 12 = r12, 13 = r13, 14 = ra, 15 = sp.
 * Pair codes (CR16_OPK_RP): 0..10 = (r1,r0)..(r11,r10), 11 = (r12,r11),
 * 12 = (r12), 13 = (r13), 14 = (ra), 15 = (sp).
 */
typedef enum CR16OpKind {
    CR16_OPK_NONE = 0,

    /* --- registers (CR16Operand.reg) --- */
    CR16_OPK_REG,       /* rN: byte/word register r0..r15 (also r12_l..) */
    CR16_OPK_RP,        /* (rN+1,rN) / (r12) / (ra) / (sp): pair code 0..15 */
    CR16_OPK_PREG,      /* processor register for lpr/spr: code 0..15 */
    CR16_OPK_PREGD,     /* for lprd/sprd: code 0,1,2,4,6,8,9,10,12,14 */

    /* --- immediates "$n" (CR16Operand.value) --- */
    CR16_OPK_IMM4,      /* arithmetic imm4: -1, 0..8, 10, 12..15 */
    CR16_OPK_IMM16B,    /* byte op, 16-bit field: -128..255 */
    CR16_OPK_IMM16W,    /* word op: -32768..65535 */
    CR16_OPK_IMM16D,    /* sign-extended to 32 bits: -32768..32767 */
    CR16_OPK_IMM20,     /* zero-extended: 0..0xFFFFF */
    CR16_OPK_IMM32,     /* -0x80000000..0xFFFFFFFF */
    CR16_OPK_UIMM4,     /* store-immediate value: 0..15 */
    CR16_OPK_BIT3,      /* bit number of a byte: 0..7 */
    CR16_OPK_BIT4,      /* bit number of a word: 0..15 */
    CR16_OPK_SHIFT_B,   /* ashub count: -8..7 */
    CR16_OPK_SHIFT_W,   /* ashuw count: -16..15 */
    CR16_OPK_SHIFT_D,   /* ashud count: -32..31 */
    CR16_OPK_LSH_B,     /* lshb count: -8..-1 */
    CR16_OPK_LSH_W,     /* lshw count: -16..-1 */
    CR16_OPK_LSH_D,     /* lshd count: -32..-1 */
    CR16_OPK_COUNT,     /* push/pop/popret/loadm/storm count: 1..8 */

    /* --- special names (CR16Operand.value) --- */
    CR16_OPK_EXCP,      /* excp vector: svc(5) dvz(6) flg(7) bpt(8) und(10) */
    CR16_OPK_CINV,      /* cinv list code 0xA..0xF: [i] [i,u] [d] [d,u]
                           [d,i] [d,i,u] (see cr16_cinv_name) */

    /* --- branch targets: value = target - PC (bytes, signed) --- */
    CR16_OPK_DISP5,     /* beq0/bne0: 2..32, even */
    CR16_OPK_DISP9,     /* 1-word Bcond: -254..254, even */
    CR16_OPK_DISP17,    /* 2-word Bcond: -0x10000..0xFFFE, even */
    CR16_OPK_DISP25,    /* bal / 3-word Bcond: -0x1000000..0xFFFFFE, even */

    /*
     * --- memory operands ---
     * value = displacement or absolute address, reg = base register / pair
     * code, index = 12 or 13 for the [r12]/[r13] modes.
     */
    CR16_OPK_MEM_ABS20,   /* 0x1234: CPU address 0..0xEFFFF or
                             0xFF0000..0xFFFFFF (remapped abs20) */
    CR16_OPK_MEM_ABS24,   /* 0x7a1234: 0..0xFFFFFF */
    CR16_OPK_MEM_IABS20,  /* [r12]0x1234: index, value 0..0xFFFFF */
    CR16_OPK_MEM_RP0,     /* 0(rp): value 0, reg = pair code */
    CR16_OPK_MEM_RP4B,    /* disp(rp), byte op: 0..13 */
    CR16_OPK_MEM_RP4W,    /* disp(rp), word/double op: 0..26, even */
    CR16_OPK_MEM_RP16,    /* disp(rp): 0..0xFFFF */
    CR16_OPK_MEM_RP20,    /* disp(rp): 0..0xFFFFF */
    CR16_OPK_MEM_RPN20,   /* -disp(rp): -0x100000..-1 */
    CR16_OPK_MEM_R20,     /* disp(rN), 16-bit base rN (reg 0..15): 0..0xFFFFF */
    CR16_OPK_MEM_RN20,    /* -disp(rN): -0x100000..-1 */
    CR16_OPK_MEM_IRP0,    /* [r12]0(rp): value 0; rp one of (r1,r0) (r3,r2)
                             (r5,r4) (r7,r6) (r9,r8) (r11,r10) (r4,r3)
                             (r6,r5), i.e. pair codes 0,2,4,6,8,10,3,5 */
    CR16_OPK_MEM_IRP14,   /* [r12]disp(rp): 0..0x3FFF, rp as above */
    CR16_OPK_MEM_IRP20,   /* [r12]disp(rp): 0..0xFFFFF, rp as above */

    CR16_OPK__MAX
} CR16OpKind;

/* Syntax class of a kind, for assembler operand parsing. */
typedef enum CR16OpClass {
    CR16_OPC_NONE,
    CR16_OPC_REG,       /* rN */
    CR16_OPC_PAIR,      /* (rN+1,rN) or (r12)/(r13)/(ra)/(sp) */
    CR16_OPC_PREG,      /* processor register name */
    CR16_OPC_IMM,       /* $expr */
    CR16_OPC_NAME,      /* excp vector name or number; cinv [..] list */
    CR16_OPC_TARGET,    /* branch target (label / address) */
    CR16_OPC_MEM,       /* memory operand */
} CR16OpClass;

/* One operand value. Which fields are meaningful depends on the kind. */
typedef struct CR16Operand {
    CR16OpKind kind;    /* set by decode; cr16_encode ignores it */
    int64_t value;      /* immediate / displacement / address / code */
    uint8_t reg;        /* register number, pair code or base */
    uint8_t index;      /* 12 or 13 for index modes ([r12]/[r13]) */
} CR16Operand;

/* One contiguous piece of a field: bits [vpos, vpos+width) of the value
 * live at bits [ipos, ipos+width) of I. */
typedef struct CR16FieldPiece {
    uint8_t ipos, width, vpos;
} CR16FieldPiece;

/* A (possibly scattered) bit field of I; n = 0 means "no field". */
typedef struct CR16Field {
    uint8_t n;
    CR16FieldPiece p[4];
} CR16Field;

/* Where one operand lives in the encoding. */
typedef struct CR16OperandSpec {
    uint8_t kind;       /* CR16OpKind */
    uint8_t fixed;      /* implicit register when reg has no field (ra) */
    CR16Field val;      /* value field: immediate/disp/address/code */
    CR16Field reg;      /* register / pair / base / rrp field */
    CR16Field idx;      /* index-register bit X (0 = r12, 1 = r13) */
} CR16OperandSpec;

/* Form flags. */
enum {
    CR16_FF_ALIAS   = 1 << 0,   /* assembler-only spelling; never decoded */
    CR16_FF_PRIV    = 1 << 1,   /* UND trap in user mode (PSR.U = 1) */
    CR16_FF_BRANCH  = 1 << 2,   /* may change control flow; ends a block */
    CR16_FF_TRAP    = 1 << 3,   /* may raise an exception; ends a block */
    CR16_FF_INTEN   = 1 << 4,   /* may enable interrupts; ends a block */
};

#define CR16_MAX_OPERANDS 3

/* Interpreter operation ids (one per semantic operation; see insn-table.c). */
typedef uint16_t CR16OpId;

/* One encoding form. Instances live in the static table (never copied). */
typedef struct CR16Form {
    const char *mnemonic;
    uint64_t mask, match;   /* (I & mask) == match selects this form */
    uint8_t len;            /* length in words: 1, 2 or 3 */
    uint8_t nops;           /* number of operands */
    uint8_t cc;             /* condition code for conditional forms */
    uint8_t size;           /* data size in bytes (1, 2, 4) where relevant */
    uint16_t flags;         /* CR16_FF_* */
    CR16OpId op;            /* interpreter operation */
    CR16OperandSpec ops[CR16_MAX_OPERANDS];
} CR16Form;

/* ------------------------------------------------------------------ */
/* Table access                                                        */

/* Number of forms in the table and the i-th form (0 <= i < count). */
unsigned cr16_form_count(void);
const CR16Form *cr16_form_at(unsigned i);
/* Index of a form in the table. */
unsigned cr16_form_index(const CR16Form *form);

/*
 * All forms of a mnemonic (case-insensitive), shortest encoding first.
 * Returns a pointer to an internal array of *n form pointers, or NULL (and
 * *n = 0) if the mnemonic is unknown. The array lives for the program.
 */
const CR16Form *const *cr16_forms_for_mnemonic(const char *name, unsigned *n);

/* Syntax class of a kind (never fails for a valid kind). */
CR16OpClass cr16_opkind_class(CR16OpKind kind);
/* Short name of a kind for messages ("imm4", "disp(rp)", ...). */
const char *cr16_opkind_name(CR16OpKind kind);
/* True if the kind is an index mode ([r12]/[r13]). */
bool cr16_opkind_is_indexed(CR16OpKind kind);
/* Inclusive value range accepted by cr16_encode for the kind's value
 * field (for kinds without a value field: 0..0). Some kinds additionally
 * exclude values inside the range (IMM4: 9 and 11; even-only displacements;
 * EXCP/CINV/PREGD codes); cr16_operand_check() is authoritative. */
void cr16_opkind_range(CR16OpKind kind, int64_t *min, int64_t *max);

/* ------------------------------------------------------------------ */
/* Encode / decode                                                     */

/*
 * Check one operand against the kind at position i of form (ranges,
 * registers, pair codes, index register). Returns true if encodable;
 * otherwise sets errp with a message naming the operand and the range.
 */
bool cr16_operand_check(const CR16Form *form, unsigned i,
                        const CR16Operand *op, GError **errp);

/*
 * Encode form with operands ops[0..form->nops-1] (ops[i].kind is ignored).
 * Writes form->len words to words[] (W0 first). Returns true on success;
 * on failure (operand out of range, bad register...) sets errp and leaves
 * words[] unspecified. Branch displacements are target - PC.
 */
bool cr16_encode(const CR16Form *form, const CR16Operand ops[],
                 uint16_t words[3], GError **errp);

/*
 * Decode the instruction starting with words[0] (nwords available, 1..3;
 * fetch 3 if you can). Returns the form (never an alias), or NULL if the
 * encoding is undefined or needs more words than given (*needed then says
 * how many words would be needed, 0 if undefined regardless). ops (may be
 * NULL) receives form->nops operands with kind set. Thread-safe; the
 * lookup tables are built on first use.
 */
const CR16Form *cr16_decode(const uint16_t *words, unsigned nwords,
                            CR16Operand ops[CR16_MAX_OPERANDS],
                            unsigned *needed);

/* Length in words (1..3) of the instruction whose first word is w0, or 0
 * if no form starts with w0 (undefined). Cheap (table lookup). */
unsigned cr16_insn_len(uint16_t w0);

/* ------------------------------------------------------------------ */
/* Text                                                                */

/*
 * Disassemble the instruction at address pc (words as in cr16_decode).
 * Writes GNU-as syntax ("addw $0x5,r1", "loadw 0x4(r1,r0),r2",
 * "bal (ra),0x1234") into buf (always NUL-terminated if len > 0).
 * Returns the length in bytes (2, 4, 6); for an undefined encoding writes
 * ".word 0x....", returns 2. If nwords is too small for the instruction,
 * writes "(truncated)" and returns 0.
 */
unsigned cr16_disas(uint32_t pc, const uint16_t *words, unsigned nwords,
                    char *buf, size_t len);

/* Format one decoded operand (as cr16_disas does) and append to out. */
void cr16_format_operand(GString *out, const CR16Operand *op, uint32_t pc);

/* Register name for number 0..15 ("r0".."r13", "ra", "sp"). */
const char *cr16_reg_name(unsigned n);
/* Parse a register name: r0..r15, ra, sp, era, r12_l/r13_l/ra_l/sp_l.
 * Returns 0..15 or -1. */
int cr16_reg_lookup(const char *name);
/* Pair spelling for a pair code 0..15: "(r1,r0)", "(r12)", "(ra)"... */
const char *cr16_pair_name(unsigned code);
/* Processor register names: dword selects the lprd/sprd table. Returns
 * NULL for a reserved code. Lookup returns the code or -1. */
const char *cr16_preg_name(unsigned code, bool dword);
int cr16_preg_lookup(const char *name, bool dword);
/* excp vector names ("svc", ...); lookup also accepts "trc", "iad"...
 * (returning their numbers, which cr16_encode then rejects if invalid). */
const char *cr16_excp_name(unsigned vector);
int cr16_excp_lookup(const char *name);
/* cinv list spelling for codes 0xA..0xF ("[i]", "[d,i,u]"); lookup takes
 * the bracketed list without spaces and returns the code or -1. */
const char *cr16_cinv_name(unsigned code);
int cr16_cinv_lookup(const char *name);
/* Condition names "eq".."ge" for 0..13, "r" for 14; NULL for 15. */
const char *cr16_cc_name(unsigned cc);

#endif /* TARGET_CR16_INSN_H */
