/*
 * Pre-decoder entry points of the handler groups (exec-alu.c,
 * exec-mem.c, exec-ctl.c): each fills the handler and operand fields of
 * a CR16DInsn for the forms whose operation it implements and returns
 * true, or returns false if the operation is not its own.
 */
#ifndef TARGET_CR16_EXEC_H
#define TARGET_CR16_EXEC_H

#include "target/cr16/cpu-internal.h"

bool cr16_pick_alu(CR16DInsn *d, const CR16Form *f, const CR16Operand *ops);
bool cr16_pick_mem(CR16DInsn *d, const CR16Form *f, const CR16Operand *ops);
bool cr16_pick_ctl(CR16DInsn *d, const CR16Form *f, const CR16Operand *ops);

/* Handler for undefined encodings (UND trap at the instruction). */
const CR16DInsn *cr16_h_und(CR16CPU *cpu, const CR16DInsn *d);
/* Terminator of every block: falls through to the next block. */
const CR16DInsn *cr16_h_end(CR16CPU *cpu, const CR16DInsn *d);

#endif /* TARGET_CR16_EXEC_H */
