/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UTF-8 decoding and encoding for the JSON parser and writer: strict
 * validation (no overlong forms, no surrogates, nothing above U+10FFFF).
 */
#include "qemu/osdep.h"

#include "json-utf8.h"

static bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

int json_utf8_decode(const char *s, size_t n, gunichar *cp, bool allow_c080)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char c = p[0];
    size_t len, i;
    gunichar val, min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC0) {
        return -1;                      /* stray continuation byte */
    }
    if (c < 0xE0) {
        len = 2;
        val = c & 0x1F;
        min = 0x80;
    } else if (c < 0xF0) {
        len = 3;
        val = c & 0x0F;
        min = 0x800;
    } else if (c < 0xF8) {
        len = 4;
        val = c & 0x07;
        min = 0x10000;
    } else {
        return -1;                      /* 0xF8..0xFF never start a sequence */
    }

    /* Consume the continuation bytes that are there, even if too few. */
    for (i = 1; i < len; i++) {
        if (i >= n || !is_continuation(p[i])) {
            return -(int)i;
        }
        val = (val << 6) | (p[i] & 0x3F);
    }

    if (val < min) {
        if (allow_c080 && len == 2 && val == 0) {
            *cp = 0;
            return 2;
        }
        return -(int)len;               /* overlong */
    }
    if (val > 0x10FFFF || (val >= 0xD800 && val <= 0xDFFF)) {
        return -(int)len;
    }
    *cp = val;
    return (int)len;
}

bool json_unichar_is_noncharacter(gunichar cp)
{
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

void json_utf8_append(GString *out, gunichar cp)
{
    char buf[8];
    int len;

    if (cp == 0) {
        g_string_append_c(out, (char)0xC0);
        g_string_append_c(out, (char)0x80);
        return;
    }
    len = g_unichar_to_utf8(cp, buf);
    g_string_append_len(out, buf, len);
}
