/*
 * Lexical helpers of cr16-as: character classes, statement splitting
 * (comments, ';' separators), operand splitting and string/character
 * literals.  Pure functions; no assembler state.
 */
#ifndef TOOLS_ASM_ASM_LEX_H
#define TOOLS_ASM_ASM_LEX_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* First character of a symbol or mnemonic ([A-Za-z_.]). */
bool asm_is_ident_start(char c);

/* Following characters of a symbol ([A-Za-z0-9_.$]). */
bool asm_is_ident_char(char c);

/* Skip spaces and tabs. */
const char *asm_skip_ws(const char *p);

/* Copy of s[0..n) without leading/trailing blanks; caller frees. */
char *asm_strip_dup(const char *s, size_t n);

/*
 * Split one source line into statements: drop '#' comments and C comments
 * (a C comment left open continues on the next line through *in_comment),
 * split at ';' outside string and character literals.  Returns the
 * stripped statements (possibly empty strings); caller frees the array.
 */
GPtrArray *asm_split_statements(const char *line, bool *in_comment);

/*
 * Split an operand list at top-level commas (outside (), [] and literals).
 * An empty list gives an empty array.  Returns NULL and sets @errp on
 * unbalanced brackets or an empty operand.  Caller frees the array.
 */
GPtrArray *asm_split_operands(const char *s, GError **errp);

/*
 * Parse a double-quoted string at *pp (C escapes \n \t \r \b \f \v \a \\
 * \" \' \NNN octal, \xHH hex), append its bytes to @out and advance *pp.
 * Returns false and sets @errp on a malformed or unterminated string.
 */
bool asm_parse_string(const char **pp, GByteArray *out, GError **errp);

/*
 * Parse a character literal at *pp: 'c', '\n' ... or GNU's 'c without the
 * closing quote.  Returns false and sets @errp when malformed.
 */
bool asm_parse_char(const char **pp, int64_t *value, GError **errp);

#endif /* TOOLS_ASM_ASM_LEX_H */
