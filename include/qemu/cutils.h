/*
 * Small string helpers: strict number parsing, sizes with suffixes,
 * option-value conversions with the command-line error messages, and the
 * identifier rule.
 *
 * All functions are pure (no global state) and may be called from any
 * thread without locks.
 */
#ifndef QEMU_CUTILS_H
#define QEMU_CUTILS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Strict integer conversions.
 *
 * The number must start at s[0] (no leading blanks). base is 0 (decimal,
 * "0x" hexadecimal or "0" octal), 8, 10 or 16. With end == NULL the whole
 * string must be the number; otherwise *end is set to the first character
 * after it (to s on failure). Unsigned variants reject a minus sign.
 * Return true on success with *r set; false with errno set to EINVAL (not a
 * number, trailing garbage) or ERANGE (does not fit) and *r unchanged.
 */
bool qemu_strtou64(const char *s, const char **end, int base, uint64_t *r);
bool qemu_strtoi64(const char *s, const char **end, int base, int64_t *r);
bool qemu_strtoi(const char *s, const char **end, int base, int *r);
bool qemu_strtoui(const char *s, const char **end, int base, unsigned int *r);

/*
 * Parse a size: a non-negative decimal number with an optional suffix
 * B, k/K, M, G, T, P or E (powers of 1024, case-insensitive), a decimal
 * fraction only together with a suffix larger than B ("1.5G"), or a
 * hexadecimal "0x..." number without suffix or fraction.
 * default_unit is the multiplier when there is no suffix (1 for bytes,
 * 1 MiB for "-m 128"); a fraction is then allowed if default_unit > 1.
 * With end == NULL the whole string must be consumed.
 * Returns 0, -EINVAL (malformed) or -ERANGE (2^64 or more); *result is
 * only written on success.
 */
int qemu_strtosz_unit(const char *s, const char **end, uint64_t default_unit,
                      uint64_t *result);

/*
 * qemu_strtosz_unit(s, NULL, 1, result) with a GError:
 * "invalid size value '<s>'" or "size value '<s>' is too large".
 */
bool qemu_strtosz(const char *s, uint64_t *result, GError **errp);
/* As qemu_strtosz, but a number without suffix counts in MiB ("-m 128"). */
bool qemu_strtosz_MiB(const char *s, uint64_t *result, GError **errp);

/*
 * Option-value conversions used by the "QemuOpts" dialect, with the
 * messages of cli.md 1.2 (name is the option key):
 *  size: "Parameter '<name>' expects a non-negative number below 2^64"
 *        + "\n" + a hint on suffixes, or
 *        "Value '<value>' is out of range for parameter '<name>'";
 *  bool: on/off, yes/no, true/false, y/n, else
 *        "Parameter '<name>' expects 'on' or 'off'";
 *  number: unsigned integer (base 0), else "Parameter '<name>' expects a
 *        number" or the out-of-range message above.
 * Return true and set *ret on success; *ret is untouched on failure.
 */
bool parse_option_size(const char *name, const char *value, uint64_t *ret,
                       GError **errp);
bool parse_option_bool(const char *name, const char *value, bool *ret,
                       GError **errp);
bool parse_option_number(const char *name, const char *value, uint64_t *ret,
                         GError **errp);

/* The hint printed after an "expects an identifier" error (no newline). */
#define ID_WELLFORMED_HINT \
    "Identifiers start with a letter and contain only letters, digits, " \
    "'-', '.' and '_'"

/* True if id starts with an ASCII letter followed by letters, digits, '-',
 * '.' or '_' only. */
bool id_wellformed(const char *id);

/*
 * If str starts with prefix, set *rest (when rest != NULL) to the text
 * after it and return true; otherwise return false and leave *rest alone.
 */
bool strstart(const char *str, const char *prefix, const char **rest);

/* True for "help" and "?", the values that request a listing. */
bool is_help_option(const char *s);

/* True if n is a non-zero power of two. */
static inline bool is_power_of_2(uint64_t n)
{
    return n && !(n & (n - 1));
}

#endif /* QEMU_CUTILS_H */
