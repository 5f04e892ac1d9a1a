# SPDX-License-Identifier: GPL-2.0-or-later
"""Reader for the QAPI schema dialect.

A schema file is a sequence of JSON-like objects ("expressions") with
single-quoted strings, 'true'/'false', and '#' comments.  A comment block
opened and closed by a line holding just '##' is a documentation comment;
when its first line is '@name:' it documents the definition that follows.
"""

import os
import re

from .error import QAPIError, SourceInfo


class QAPIDoc:
    """A parsed documentation comment."""

    def __init__(self, info):
        self.info = info
        self.symbol = None
        self.body = []          # the free text before @args and sections
        self.extra = []         # later free text (examples, notes)
        self.args = {}          # member / argument name -> text
        self.features = {}      # feature name -> text
        self.sections = []      # (tag, text) such as ('Since', '10.2')

    @property
    def since(self):
        for tag, text in self.sections:
            if tag == 'Since':
                return text.strip()
        return None


_SECTION_RE = re.compile(r'^(Since|Returns|Errors|Example|Examples|Note|'
                         r'Notes|TODO|Features|See also|Deprecated)'
                         r':\s*(.*)$')
_ARG_RE = re.compile(r'^@([^:\s]+):\s*(.*)$')


def parse_doc(info, lines):
    doc = QAPIDoc(info)
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first < len(lines):
        m = re.match(r'^@([^:\s]+):\s*$', lines[first])
        if m:
            doc.symbol = m.group(1)
            first += 1
    target = None           # (dict, key) receiving continuation lines
    in_features = False
    in_intro = True         # still in the free text before @args/sections
    for i in range(first, len(lines)):
        line = lines[i]
        if not line.strip():
            target = None
            if in_intro:
                doc.body.append('')
            continue
        m = _SECTION_RE.match(line)
        if m:
            in_intro = False
            tag = m.group(1)
            in_features = tag == 'Features'
            doc.sections.append([tag, m.group(2)])
            target = ('section', len(doc.sections) - 1)
            continue
        m = _ARG_RE.match(line)
        if m and doc.symbol is not None:
            in_intro = False
            name = m.group(1)
            table = doc.features if in_features else doc.args
            if name in table:
                raise QAPIError(info.at(info.line + 1 + i),
                                "'%s' documented more than once" % name)
            table[name] = m.group(2)
            target = ('features' if in_features else 'args', name)
            continue
        if target is not None and line.startswith(' '):
            kind, key = target
            if kind == 'section':
                doc.sections[key][1] += ' ' + line.strip()
            else:
                getattr(doc, kind)[key] += ' ' + line.strip()
            continue
        target = None
        if in_intro:
            doc.body.append(line)
        else:
            doc.extra.append(line)
    doc.sections = [tuple(s) for s in doc.sections]
    return doc


class Parser:
    """Parses one schema file (and, recursively, what it includes)."""

    def __init__(self, fname, state, incl_info=None):
        self.fname = fname
        self.state = state      # shared: included files, exprs, pragmas
        self.incl_info = incl_info
        try:
            with open(fname, encoding='utf-8') as f:
                self.src = f.read()
        except OSError as e:
            raise QAPIError(incl_info, "can't read %s file '%s': %s"
                            % ('include' if incl_info else 'schema',
                               fname, e.strerror))
        if not self.src.endswith('\n'):
            self.src += '\n'
        self.pos = 0
        self.line = 1
        self.line_start = 0
        self.tok = None
        self.val = None
        self.tok_line = 1
        self._parse_file()

    # ---- lexer -------------------------------------------------------

    def _info(self, line=None):
        return SourceInfo(self.fname, line or self.tok_line, self.incl_info)

    def _error(self, msg, line=None):
        return QAPIError(self._info(line or self.line), msg)

    def _accept(self):
        # doc comments are recognised only between top-level expressions
        allow_doc = self.depth == 0
        while True:
            if self.pos >= len(self.src):
                self.tok = None
                self.tok_line = self.line
                return
            ch = self.src[self.pos]
            self.tok_line = self.line
            if ch == '#':
                bol = not self.src[self.line_start:self.pos].strip()
                if allow_doc and bol and self.src.startswith('##', self.pos):
                    self.tok = '#'
                    return
                end = self.src.find('\n', self.pos)
                self.pos = end
                continue
            if ch == '\n':
                self.pos += 1
                self.line += 1
                self.line_start = self.pos
                continue
            if ch in ' \t\r':
                self.pos += 1
                continue
            if ch in '{}[]:,':
                self.tok = ch
                self.pos += 1
                return
            if ch == "'":
                self._lex_string()
                return
            m = re.compile(r'[A-Za-z_][A-Za-z0-9_]*').match(self.src, self.pos)
            if m and m.group(0) in ('true', 'false'):
                self.tok = 'bool'
                self.val = m.group(0) == 'true'
                self.pos = m.end()
                return
            if m:
                raise self._error("invalid keyword '%s'" % m.group(0))
            raise self._error("stray '%s'" % ch)

    def _lex_string(self):
        self.pos += 1
        out = []
        while True:
            if self.pos >= len(self.src):
                raise self._error('missing terminating "\'"')
            ch = self.src[self.pos]
            self.pos += 1
            if ch == "'":
                break
            if ch == '\n':
                raise self._error('missing terminating "\'"')
            if ch == '\\':
                esc = self.src[self.pos:self.pos + 1]
                self.pos += 1
                if esc not in ("\\", "'", '/'):
                    raise self._error("unknown escape \\%s" % esc)
                ch = esc
            elif not (' ' <= ch <= '~'):
                raise self._error('funny character in string')
            out.append(ch)
        self.tok = 'str'
        self.val = ''.join(out)

    # ---- grammar -----------------------------------------------------

    def _get_value(self):
        if self.tok == '{':
            return self._get_object()
        if self.tok == '[':
            return self._get_array()
        if self.tok in ('str', 'bool'):
            val = self.val
            self._accept()
            return val
        raise self._error('expected value, got %s' % self._tokname())

    def _tokname(self):
        if self.tok is None:
            return 'end of file'
        if self.tok == 'str':
            return "'%s'" % self.val
        if self.tok == 'bool':
            return 'true' if self.val else 'false'
        return "'%s'" % self.tok

    def _get_object(self):
        obj = {}
        self.depth += 1
        self._accept()
        if self.tok == '}':
            self.depth -= 1
            self._accept()
            return obj
        while True:
            if self.tok != 'str':
                raise self._error('expected string key, got %s'
                                  % self._tokname())
            key = self.val
            self._accept()
            if self.tok != ':':
                raise self._error("expected ':', got %s" % self._tokname())
            self._accept()
            if key in obj:
                raise self._error("duplicate key '%s'" % key)
            obj[key] = self._get_value()
            if self.tok == '}':
                self.depth -= 1
                self._accept()
                return obj
            if self.tok != ',':
                raise self._error("expected ',' or '}', got %s"
                                  % self._tokname())
            self._accept()

    def _get_array(self):
        arr = []
        self.depth += 1
        self._accept()
        if self.tok == ']':
            self.depth -= 1
            self._accept()
            return arr
        while True:
            arr.append(self._get_value())
            if self.tok == ']':
                self.depth -= 1
                self._accept()
                return arr
            if self.tok != ',':
                raise self._error("expected ',' or ']', got %s"
                                  % self._tokname())
            self._accept()

    def _get_doc(self):
        info = self._info(self.line)
        start_line = self.line
        lines = []
        end = self.src.find('\n', self.pos)
        if self.src[self.pos:end].rstrip() != '##':
            raise self._error("junk after '##' at start of documentation "
                              "comment")
        self.pos = end
        while True:
            # advance to the next line
            self.pos += 1
            self.line += 1
            self.line_start = self.pos
            if self.pos >= len(self.src):
                raise self._error('documentation comment must end with '
                                  "'##'", start_line)
            end = self.src.find('\n', self.pos)
            text = self.src[self.pos:end].lstrip(' \t')
            if not text.startswith('#'):
                raise self._error("documentation comment must end with '##'")
            if text.rstrip() == '##':
                self.pos = end
                break
            if text.startswith('##'):
                raise self._error("unexpected '##' in documentation comment")
            text = text[1:]
            if text.startswith(' '):
                text = text[1:]
            lines.append(text.rstrip())
            self.pos = end
        self._accept()
        return parse_doc(info, lines)

    def _parse_file(self):
        self.depth = 0
        self._accept()
        pending_doc = None
        while self.tok is not None:
            if self.tok == '#':
                if pending_doc is not None and pending_doc.symbol:
                    raise QAPIError(pending_doc.info,
                                    "documentation for '%s' is not followed "
                                    "by the definition" % pending_doc.symbol)
                pending_doc = self._get_doc()
                if pending_doc.symbol is None:
                    self.state.free_docs.append(pending_doc)
                    pending_doc = None
                continue
            info = self._info()
            if self.tok != '{':
                raise self._error('top-level expression must be an object')
            expr = self._get_object()
            if 'include' in expr:
                self._include(expr, info, pending_doc)
                pending_doc = None
                continue
            if 'pragma' in expr:
                self._pragma(expr, info)
                continue
            self.state.exprs.append({'expr': expr, 'info': info,
                                     'doc': pending_doc})
            pending_doc = None
        if pending_doc is not None and pending_doc.symbol:
            raise QAPIError(pending_doc.info,
                            "documentation for '%s' is not followed by the "
                            "definition" % pending_doc.symbol)

    def _include(self, expr, info, doc):
        if len(expr) != 1:
            raise QAPIError(info, "invalid 'include' directive")
        incl = expr['include']
        if not isinstance(incl, str):
            raise QAPIError(info, "value of 'include' must be a string")
        if doc is not None:
            raise QAPIError(doc.info, 'documentation comment before include')
        path = os.path.normpath(os.path.join(os.path.dirname(self.fname),
                                             incl))
        inf = self.incl_info
        while inf is not None:
            if os.path.normpath(inf.fname) == path:
                raise QAPIError(info, "inclusion loop for %s" % incl)
            inf = inf.parent
        if path == os.path.normpath(self.fname):
            raise QAPIError(info, "inclusion loop for %s" % incl)
        if path in self.state.included:
            return
        self.state.included.add(path)
        incl_info = SourceInfo(info.fname, info.line, info.parent)
        Parser(path, self.state, incl_info)

    def _pragma(self, expr, info):
        if len(expr) != 1:
            raise QAPIError(info, "invalid 'pragma' directive")
        prag = expr['pragma']
        if not isinstance(prag, dict):
            raise QAPIError(info, "value of 'pragma' must be an object")
        for name, value in prag.items():
            if name == 'doc-required':
                if not isinstance(value, bool):
                    raise QAPIError(info, "pragma 'doc-required' must be "
                                    "boolean")
                self.state.pragma['doc-required'] = value
            elif name in ('command-name-exceptions',
                          'command-returns-exceptions',
                          'documentation-exceptions',
                          'member-name-exceptions'):
                if (not isinstance(value, list)
                        or not all(isinstance(v, str) for v in value)):
                    raise QAPIError(info, "pragma %s must be a list of "
                                    "strings" % name)
                self.state.pragma.setdefault(name, []).extend(value)
            elif name == 'array-types':
                # Lists C code needs before any schema member uses them.
                if (not isinstance(value, list)
                        or not all(isinstance(v, str) for v in value)):
                    raise QAPIError(info, "pragma %s must be a list of "
                                    "strings" % name)
                self.state.pragma.setdefault(name, []).extend(
                    (v, info) for v in value)
            else:
                raise QAPIError(info, "unknown pragma '%s'" % name)


class ParseState:
    def __init__(self):
        self.exprs = []
        self.free_docs = []
        self.included = set()
        self.pragma = {'doc-required': False}


def parse_schema(fname):
    """Parse fname and its includes; return the ParseState."""
    state = ParseState()
    state.included.add(os.path.normpath(fname))
    Parser(fname, state)
    return state
