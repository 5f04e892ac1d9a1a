/*
 * cr16-as operand syntax: splits one GNU-as operand into its syntactic
 * parts (register, $immediate, bare expression, [rX] index, displacement,
 * (base) register or pair, cinv [..] list).  Which instruction operand
 * kind it can be is decided later against the instruction table.
 */
#ifndef TOOLS_ASM_ASM_OPERAND_H
#define TOOLS_ASM_ASM_OPERAND_H

#include "asm-int.h"

typedef enum AsmOpSyntax {
    ASM_SYN_REG,        /* r0 .. sp, r12_l ... */
    ASM_SYN_IMM,        /* $expr[:s|:m|:l] */
    ASM_SYN_EXPR,       /* expr[:s|:m|:l] (address, target, name) */
    ASM_SYN_MEM,        /* [r12|r13]? expr? (base)? with a base or index */
    ASM_SYN_LIST,       /* [d,i,u] (cinv) */
} AsmOpSyntax;

typedef enum AsmBase {
    ASM_BASE_NONE,
    ASM_BASE_REG,       /* (rN): base_reg = N (0..15) */
    ASM_BASE_PAIR,      /* (rN+1,rN): base_reg = pair code 0..11 */
} AsmBase;

typedef struct AsmOperand {
    AsmOpSyntax syn;
    char *text;         /* the operand as written */
    char *expr;         /* expression text, NULL when absent */
    char *list;         /* LIST: the bracketed text without blanks */
    char hint;          /* size hint 's', 'm', 'l' or 0 */
    int reg;            /* REG: register number */
    int index;          /* MEM: 12 or 13 for [r12]/[r13], else -1 */
    AsmBase base;
    int base_reg;
    /* Expression value, evaluated on first use. */
    bool evaluated;
    bool eval_ok;
    AsmValue value;
} AsmOperand;

/*
 * Parse operand @text into @op (fields owned by @op; release with
 * asm_operand_clear()).  Returns false and sets @errp on malformed syntax.
 */
bool asm_operand_parse(const char *text, AsmOperand *op, GError **errp);

/* Free the strings held by @op. */
void asm_operand_clear(AsmOperand *op);

/* The 32-bit register pair code written by a base/pair: (rN+1,rN) gives
 * N, (r12)/(r13)/(ra)/(sp) give 12..15; -1 if it is not a pair. */
int asm_operand_pair_code(const AsmOperand *op);

#endif /* TOOLS_ASM_ASM_OPERAND_H */
