# SPDX-License-Identifier: GPL-2.0-or-later
"""Naming rules and small C-emitting helpers shared by the generators."""

import re

# C keywords (C11 + common GNU spellings) and identifiers that the compiler
# predefines as macros in gnu11 mode; members named like these get 'q_'.
C_RESERVED = frozenset('''
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local asm typeof bool true false
    unix linux i386 mips sparc errno
'''.split())


def c_name(name, protect=True):
    """The C identifier for a schema name: every character that is not a
    letter, digit or '_' becomes '_'; reserved words and names starting
    with a digit get the prefix 'q_' (when protect)."""
    out = ''.join(ch if (ch.isascii() and ch.isalnum()) or ch == '_'
                  else '_' for ch in name)
    if protect and (out in C_RESERVED or out[:1].isdigit()):
        out = 'q_' + out
    return out


def camel_to_upper(name):
    """'RunState' -> 'RUN_STATE', 'QMPCapability' -> 'QMP_CAPABILITY'.

    An underscore goes before an upper-case letter that starts a new word:
    one followed by a lower-case letter, or one following a digit."""
    s = c_name(name, False)
    if s.upper() == s:
        return s
    out = []
    for i, ch in enumerate(s):
        if ch.isupper() and i > 0 and s[i - 1] != '_':
            nxt = s[i + 1] if i + 1 < len(s) else ''
            if nxt.islower() or s[i - 1].isdigit():
                out.append('_')
        out.append(ch)
    return ''.join(out).lstrip('_').upper()


def c_enum_const(enum_name, value, prefix=None):
    """The C constant for an enum value."""
    base = prefix if prefix is not None else camel_to_upper(enum_name)
    return base + '_' + c_name(value, False).upper()


# ---- conditions ('if') ---------------------------------------------------

def cond_cgen(cond):
    """C preprocessor expression for a normalised condition."""
    if isinstance(cond, str):
        return 'defined(%s)' % cond
    if 'not' in cond:
        return '!(%s)' % cond_cgen(cond['not'])
    op = ' && ' if 'all' in cond else ' || '
    parts = cond.get('all', cond.get('any'))
    if len(parts) == 1:
        return cond_cgen(parts[0])
    return '(' + op.join(cond_cgen(p) for p in parts) + ')'


def gen_if(cond):
    if not cond:
        return ''
    return '#if %s\n' % cond_cgen(cond)


def gen_endif(cond):
    if not cond:
        return ''
    return '#endif /* %s */\n' % cond_cgen(cond)


def wrap_if(cond, text):
    """text (ending in a newline) guarded by cond."""
    if not cond or not text:
        return text
    return gen_if(cond) + text + gen_endif(cond)


def c_string(s):
    """A C string literal holding s (ASCII)."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append('\\' + ch)
        elif ch == '\n':
            out.append('\\n')
        elif ' ' <= ch <= '~':
            out.append(ch)
        else:
            out.append('\\%03o' % ord(ch))
    out.append('"')
    return ''.join(out)


def indent(text, n=4):
    pad = ' ' * n
    return ''.join(pad + line if line.strip() and not line.startswith('#')
                   else line for line in text.splitlines(True))


def mcgen(text, **kw):
    """Strip the common leading newline of a triple-quoted template and
    substitute %(name)s fields."""
    if text.startswith('\n'):
        text = text[1:]
    return text % kw if kw else text


_IDENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')


def is_c_identifier(s):
    return bool(_IDENT.match(s))
