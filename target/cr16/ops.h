/*
 * Interpreter operation ids: the semantic operation of each table form.
 * Private to target/cr16 (the table names them, the interpreter's
 * pre-decoder turns form + operands into a handler).
 */
#ifndef TARGET_CR16_OPS_H
#define TARGET_CR16_OPS_H

#define CR16_OP_LIST(X) \
    X(AND) X(OR) X(XOR) X(ADDU) X(ADD) X(ADDC) X(SUB) X(SUBC) X(CMP) \
    X(MOV) X(MUL) X(MOVX) X(MOVZ) X(MULSB) X(MULSW) X(MULUW) \
    X(MACQ) X(MACU) X(MACS) X(ASHU) X(LSH) X(TBITR) X(SCOND) X(BCOND) \
    X(BEQ0) X(BNE0) X(BAL) X(JAL) X(JCOND) X(JUSR) X(PUSH) X(POP) \
    X(POPRET) X(LOADM) X(LOADMP) X(STORM) X(STORMP) X(LOAD) X(STORE) \
    X(STORI) X(CBIT) X(SBIT) X(TBIT) X(LPR) X(LPRD) X(SPR) X(SPRD) \
    X(EXCP) X(RETX) X(DI) X(EI) X(WAIT) X(EIWAIT) X(NOP)

enum {
#define CR16_OP_ENUM_(x) CR16_OP_##x,
    CR16_OP_LIST(CR16_OP_ENUM_)
#undef CR16_OP_ENUM_
    CR16_OP__MAX
};

#endif /* TARGET_CR16_OPS_H */
