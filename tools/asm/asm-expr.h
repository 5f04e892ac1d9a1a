/*
 * cr16-as expression parser/evaluator.  GNU as operator precedence, from
 * highest: unary - ~ ! +; then * / % << >>; then | & ^; then + -; then
 * == != <> < > <= >= (true is -1, as in GNU as); then &&; then ||.
 * Primaries: numbers (decimal, 0x hex, 0b binary, 0NNN octal), character
 * literals, symbols, "." (current location), numeric local label
 * references "1b"/"1f", parenthesised expressions; a primary may carry the
 * suffix "@c" (code word address: value >> 1).  Values are 64-bit signed
 * with wrap-around arithmetic.
 */
#ifndef TOOLS_ASM_ASM_EXPR_H
#define TOOLS_ASM_ASM_EXPR_H

#include "asm-int.h"

/* Resolve a symbol name (also "." and local label references). */
typedef AsmValue (*AsmSymLookup)(void *opaque, const char *name);

/*
 * Parse one expression at *pp, advancing *pp past it (trailing text is left
 * for the caller).  An unknown symbol makes the result unknown (no error).
 * Returns false and sets @errp on a syntax error or a division by zero.
 */
bool asm_expr_parse(const char **pp, AsmSymLookup lookup, void *opaque,
                    AsmValue *out, GError **errp);

#endif /* TOOLS_ASM_ASM_EXPR_H */
