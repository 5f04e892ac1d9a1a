/*
 * Internals of the cr16-as core shared by the files of tools/asm/: the
 * assembler state, values, symbols, diagnostics and image emission.
 * Not part of the library's public surface (see asm.h).
 */
#ifndef TOOLS_ASM_ASM_INT_H
#define TOOLS_ASM_ASM_INT_H

#include "asm.h"

/* Highest address + 1 of the CR16C's 24-bit address space. */
#define ASM_ADDR_LIMIT      0x1000000u
/* Passes before giving up on a layout that keeps changing. */
#define ASM_MAX_PASSES      64
/* .include nesting limit (also stops include cycles). */
#define ASM_MAX_INCLUDE     32

/* The value of an expression; known == false when it names a symbol that
 * has no value yet in this pass (v is then 0). */
typedef struct AsmValue {
    int64_t v;
    bool known;
} AsmValue;

typedef struct AsmSym {
    char *name;
    int64_t value;
    int def_pass;           /* last pass that defined it, 0 = never */
    int64_t end_value;      /* value at the end of the previous pass */
    int end_def_pass;       /* def_pass at the end of the previous pass */
    bool is_label;
    bool is_set;            /* .set/.equ/"=": may be redefined */
    bool global;
    bool hidden;            /* numeric local label instance: not exported */
    bool unknown;           /* .set to a value unknown in this pass */
} AsmSym;

/* One source line of the listing. */
typedef struct AsmListLine {
    const char *file;       /* key of Cr16Asm.files: not owned */
    unsigned line;
    char *text;
    bool has_stmt;          /* line held a statement: print an address */
    bool has_bytes;
    uint32_t addr;
    GByteArray *bytes;
} AsmListLine;

/* A reference to a symbol that had no value when it was used. */
typedef struct AsmUnresolved {
    char *name;             /* as written ("foo", "1b") */
    char *key;              /* symbol table key */
    const char *file;       /* key of Cr16Asm.files: not owned */
    unsigned line;
} AsmUnresolved;

struct Cr16Asm {
    GPtrArray *include_dirs;    /* char* */
    GHashTable *files;          /* path -> contents (read once) */
    GPtrArray *file_order;      /* keys of files, in first-read order */
    GHashTable *syms;           /* name -> AsmSym* */
    GArray *min_sizes;          /* guint8 per instruction, grows only */
    bool used;                  /* an assembly was started */

    /* State of the current pass. */
    int pass;
    int64_t loc;                /* location counter */
    uint32_t base;
    bool base_fixed;
    GByteArray *image;          /* bytes of [base, base + len) */
    guint insn_index;
    GHashTable *local_counts;   /* "N" -> count of N: labels so far */
    bool overflow_reported;     /* address space overflow already said */
    bool odd_reported;          /* odd instruction address already said */
    bool changed;               /* layout or a symbol moved this pass */
    bool ended;                 /* .end seen */
    GPtrArray *unresolved;      /* AsmUnresolved* */
    GPtrArray *diags;           /* char* "FILE:LINE: Error: msg" */
    GPtrArray *listing;         /* AsmListLine* */
    AsmListLine *cur_list;
    const char *cur_file;
    unsigned cur_line;
    int include_depth;

    /* Results. */
    GPtrArray *result_syms;     /* Cr16AsmSymbol* sorted by name */
    uint32_t entry;
};

/* Record "FILE:LINE: Error: <msg>" for the current line. */
void asm_error(Cr16Asm *as, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Append bytes at the location counter and advance it. */
void asm_emit(Cr16Asm *as, const uint8_t *buf, size_t len);

/* Append @len copies of @fill (alignment, .space, .org gaps). */
void asm_emit_fill(Cr16Asm *as, uint8_t fill, uint64_t len);

/* Move the location counter forward to @addr (zero-filled when bytes were
 * already emitted); false with a diagnostic when it would move back. */
bool asm_set_loc(Cr16Asm *as, int64_t addr, uint8_t fill);

/* Look up @name for an expression (handles "." and "1b"/"1f"). */
AsmValue asm_sym_value(Cr16Asm *as, const char *name);

/* Define label @name at the location counter. */
void asm_define_label(Cr16Asm *as, const char *name);

/* Define or redefine @name as an absolute value (.set/.equ/=). */
void asm_define_set(Cr16Asm *as, const char *name, AsmValue v);

/* At the end of a pass: true when every symbol defined in this pass has
 * the value it had at the end of the previous pass. */
bool asm_symbols_settled(Cr16Asm *as);

/* Mark @name global (.global), creating an undefined entry if needed. */
void asm_mark_global(Cr16Asm *as, const char *name);

/* Process one file (path resolved by the caller) at include depth+1. */
void asm_process_file(Cr16Asm *as, const char *path);

/*
 * Evaluate the whole of @text as one expression.  Syntax errors are
 * reported (and false returned); an unknown symbol gives known == false and
 * is remembered so that it is reported if it stays undefined.
 */
bool asm_eval(Cr16Asm *as, const char *text, AsmValue *out);

/* Directive @name (with leading '.') with operand text @args. */
void asm_directive(Cr16Asm *as, const char *name, const char *args);

/* Instruction @mnemonic with operand text @args. */
void asm_instruction(Cr16Asm *as, const char *mnemonic, const char *args);

/* Minimum size recorded for the current instruction (0 = none yet), and
 * recording a size (which may only grow; growth marks the pass changed). */
unsigned asm_insn_min_size(Cr16Asm *as);
void asm_insn_record_size(Cr16Asm *as, unsigned size);

#endif /* TOOLS_ASM_ASM_INT_H */
