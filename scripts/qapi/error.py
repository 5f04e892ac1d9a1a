# SPDX-License-Identifier: GPL-2.0-or-later
"""Schema errors, reported as '<file>:<line>: <message>'."""


class SourceInfo:
    """Where something was defined: file name, line, and the include that
    brought the file in (for diagnostics only)."""

    def __init__(self, fname, line, parent=None):
        self.fname = fname
        self.line = line
        self.parent = parent

    def at(self, line):
        return SourceInfo(self.fname, line, self.parent)

    def __str__(self):
        return '%s:%d' % (self.fname, self.line)


class QAPIError(Exception):
    def __init__(self, info, msg):
        super().__init__(msg)
        self.info = info
        self.msg = msg

    def __str__(self):
        if self.info is None:
            return self.msg
        return '%s: %s' % (self.info, self.msg)
