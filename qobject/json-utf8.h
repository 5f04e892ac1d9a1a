/*
 * UTF-8 helpers shared by the JSON parser and writer (private to qobject/).
 *
 * Strings inside the JSON trees are UTF-8 except for one deliberate twist:
 * U+0000 (only reachable through the escape \u0000) is stored as the
 * two-byte form 0xC0 0x80 so that it survives in NUL-terminated C strings.
 * The writer turns that pair back into \u0000.
 */
#ifndef QOBJECT_JSON_UTF8_H
#define QOBJECT_JSON_UTF8_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Decode the UTF-8 sequence at s, of which n >= 1 bytes may be read.
 * On success store the code point in *cp and return the sequence length
 * (1..4).  Overlong forms, UTF-16 surrogates, values above U+10FFFF,
 * stray continuation bytes and truncated sequences are invalid: return
 * the negated length of the invalid run (at least 1 byte, so a caller can
 * always make progress).  When allow_c080 is true the pair 0xC0 0x80 is
 * accepted as U+0000 (the writer's view of the tree encoding above).
 */
int json_utf8_decode(const char *s, size_t n, gunichar *cp, bool allow_c080);

/* True for the Unicode noncharacters U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF. */
bool json_unichar_is_noncharacter(gunichar cp);

/*
 * Append code point cp (a Unicode scalar value) to out in the tree
 * encoding: U+0000 becomes 0xC0 0x80, everything else plain UTF-8.
 */
void json_utf8_append(GString *out, gunichar cp);

#endif /* QOBJECT_JSON_UTF8_H */
