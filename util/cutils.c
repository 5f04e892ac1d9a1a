/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * String helpers: strict integer and size parsing, option-value
 * conversions with their command-line messages, the identifier rule.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qapi/error.h"

#include <ctype.h>

#define SIZE_HINT \
    "Optional suffix B, k, M, G, T, P or E selects bytes or KiB, MiB, GiB, " \
    "TiB, PiB, EiB (powers of 1024)"

/*
 * The number must start right at s: reject the blanks and signs that
 * strto* would skip. Base 16 numbers may start with a letter digit.
 */
static bool starts_with_digit(const char *s, int base)
{
    return base == 16 ? isxdigit((unsigned char)s[0])
                      : isdigit((unsigned char)s[0]);
}

static bool finish(const char *s, const char *ep, const char **end)
{
    if (end) {
        *end = ep;
        return true;
    }
    return *ep == '\0';
}

bool qemu_strtou64(const char *s, const char **end, int base, uint64_t *r)
{
    char *ep;
    unsigned long long v;

    if (end) {
        *end = s;
    }
    if (!s || !starts_with_digit(s, base)) {
        errno = EINVAL;
        return false;
    }
    errno = 0;
    v = strtoull(s, &ep, base);
    if (errno == ERANGE) {
        return false;
    }
    if (ep == s || !finish(s, ep, end)) {
        errno = EINVAL;
        return false;
    }
    *r = v;
    return true;
}

bool qemu_strtoi64(const char *s, const char **end, int base, int64_t *r)
{
    char *ep;
    long long v;

    if (end) {
        *end = s;
    }
    if (!s || !(starts_with_digit(s, base) ||
                (s[0] == '-' && starts_with_digit(s + 1, base)))) {
        errno = EINVAL;
        return false;
    }
    errno = 0;
    v = strtoll(s, &ep, base);
    if (errno == ERANGE) {
        return false;
    }
    if (ep == s || !finish(s, ep, end)) {
        errno = EINVAL;
        return false;
    }
    *r = v;
    return true;
}

bool qemu_strtoi(const char *s, const char **end, int base, int *r)
{
    int64_t v;

    if (!qemu_strtoi64(s, end, base, &v)) {
        return false;
    }
    if (v < INT_MIN || v > INT_MAX) {
        if (end) {
            *end = s;
        }
        errno = ERANGE;
        return false;
    }
    *r = (int)v;
    return true;
}

bool qemu_strtoui(const char *s, const char **end, int base, unsigned int *r)
{
    uint64_t v;

    if (!qemu_strtou64(s, end, base, &v)) {
        return false;
    }
    if (v > UINT_MAX) {
        if (end) {
            *end = s;
        }
        errno = ERANGE;
        return false;
    }
    *r = (unsigned int)v;
    return true;
}

/* Multiplier of a size suffix letter, 0 if c is not one. */
static uint64_t size_suffix_mul(char c)
{
    switch (toupper((unsigned char)c)) {
    case 'B':
        return 1;
    case 'K':
        return 1ULL << 10;
    case 'M':
        return 1ULL << 20;
    case 'G':
        return 1ULL << 30;
    case 'T':
        return 1ULL << 40;
    case 'P':
        return 1ULL << 50;
    case 'E':
        return 1ULL << 60;
    default:
        return 0;
    }
}

/* Fraction digits beyond this cannot change the result by a whole byte
 * in practice; they are checked for syntax but not accumulated. */
#define SIZE_FRAC_DIGITS 18

int qemu_strtosz_unit(const char *s, const char **end, uint64_t default_unit,
                      uint64_t *result)
{
    typedef unsigned __int128 u128;
    const u128 limit = (u128)UINT64_MAX;
    const char *p = s;
    u128 ival = 0, frac = 0, frac_div = 1, total;
    bool too_big = false, has_frac = false;
    uint64_t mul;

    if (end) {
        *end = s;
    }
    if (!s || !isdigit((unsigned char)*p)) {
        return -EINVAL;
    }

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        if (!isxdigit((unsigned char)*p)) {
            return -EINVAL;
        }
        for (; isxdigit((unsigned char)*p); p++) {
            int d = g_ascii_xdigit_value(*p);
            ival = ival * 16 + d;
            if (ival > limit) {
                too_big = true;
                ival = limit + 1;
            }
        }
        /* Hexadecimal takes neither a suffix nor a fraction ("0x20M"). */
        if (*p == '.' || size_suffix_mul(*p)) {
            return -EINVAL;
        }
        if (!end && *p != '\0') {
            return -EINVAL;
        }
        total = ival * default_unit;
        if (too_big || total > limit) {
            return -ERANGE;
        }
        if (end) {
            *end = p;
        }
        *result = (uint64_t)total;
        return 0;
    }

    for (; isdigit((unsigned char)*p); p++) {
        ival = ival * 10 + (*p - '0');
        if (ival > limit) {
            too_big = true;
            ival = limit + 1;
        }
    }
    if (*p == '.') {
        int ndig = 0;

        p++;
        if (!isdigit((unsigned char)*p)) {
            return -EINVAL;
        }
        for (; isdigit((unsigned char)*p); p++, ndig++) {
            if (ndig < SIZE_FRAC_DIGITS) {
                frac = frac * 10 + (*p - '0');
                frac_div *= 10;
            }
        }
        has_frac = true;
    }
    mul = size_suffix_mul(*p);
    if (mul) {
        p++;
    } else {
        mul = default_unit;
    }
    if (has_frac && mul <= 1) {
        return -EINVAL;
    }
    if (!end && *p != '\0') {
        return -EINVAL;
    }
    if (too_big) {
        return -ERANGE;
    }
    /* ival <= 2^64 and mul <= 2^60, so the product fits in 128 bits. */
    total = ival * mul + frac * mul / frac_div;
    if (total > limit) {
        return -ERANGE;
    }
    if (end) {
        *end = p;
    }
    *result = (uint64_t)total;
    return 0;
}

static bool strtosz_err(const char *s, uint64_t unit, uint64_t *result,
                        GError **errp)
{
    int ret = qemu_strtosz_unit(s, NULL, unit, result);

    if (ret == -ERANGE) {
        error_setg(errp, "size value '%s' is too large", s);
        return false;
    }
    if (ret < 0) {
        error_setg(errp, "invalid size value '%s'", s ? s : "");
        return false;
    }
    return true;
}

bool qemu_strtosz(const char *s, uint64_t *result, GError **errp)
{
    return strtosz_err(s, 1, result, errp);
}

bool qemu_strtosz_MiB(const char *s, uint64_t *result, GError **errp)
{
    return strtosz_err(s, 1ULL << 20, result, errp);
}

bool parse_option_size(const char *name, const char *value, uint64_t *ret,
                       GError **errp)
{
    uint64_t v;
    int rc = qemu_strtosz_unit(value, NULL, 1, &v);

    if (rc == -ERANGE) {
        error_setg(errp, "Value '%s' is out of range for parameter '%s'",
                   value, name);
        return false;
    }
    if (rc < 0) {
        error_setg(errp, "Parameter '%s' expects a non-negative number "
                   "below 2^64\n" SIZE_HINT, name);
        return false;
    }
    *ret = v;
    return true;
}

bool parse_option_bool(const char *name, const char *value, bool *ret,
                       GError **errp)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    size_t i;

    for (i = 0; value && i < ARRAY_SIZE(yes); i++) {
        if (strcmp(value, yes[i]) == 0) {
            *ret = true;
            return true;
        }
        if (strcmp(value, no[i]) == 0) {
            *ret = false;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

bool parse_option_number(const char *name, const char *value, uint64_t *ret,
                         GError **errp)
{
    uint64_t v;

    if (!qemu_strtou64(value, NULL, 0, &v)) {
        if (errno == ERANGE) {
            error_setg(errp, "Value '%s' is out of range for parameter '%s'",
                       value, name);
        } else {
            error_setg(errp, "Parameter '%s' expects a number", name);
        }
        return false;
    }
    *ret = v;
    return true;
}

bool id_wellformed(const char *id)
{
    const char *p;

    if (!id || !g_ascii_isalpha(id[0])) {
        return false;
    }
    for (p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.' && *p != '_') {
            return false;
        }
    }
    return true;
}

bool strstart(const char *str, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);

    if (strncmp(str, prefix, n) != 0) {
        return false;
    }
    if (rest) {
        *rest = str + n;
    }
    return true;
}

bool is_help_option(const char *s)
{
    return s && (strcmp(s, "help") == 0 || strcmp(s, "?") == 0);
}
