#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check that MAINTAINERS and docs/devel/layout.rst describe the whole tree.

Fails (exit 1, one line per problem) when
  - a tracked file matches no "F:" entry of any MAINTAINERS section,
  - an "F:" entry matches no tracked file (a stale entry),
  - a top-level or second-level folder holding tracked files is not
    named in docs/devel/layout.rst as ``folder/`` (a ``a/*/`` pattern
    names every folder directly under a/).

F: entries: "dir/" covers everything below dir; an entry with *, ? or [
is a shell pattern on the whole path; anything else is one file.

Usage: check-maintainers.py [SOURCE_ROOT]   (default: the current folder)
"""
import fnmatch
import os
import re
import subprocess
import sys


def tracked_files(root):
    """The files git tracks, or every file outside hidden and build folders."""
    try:
        out = subprocess.run(['git', '-C', root, 'ls-files', '-z'],
                             check=True, capture_output=True).stdout
        return sorted(p for p in out.decode().split('\0')
                      if p and os.path.lexists(os.path.join(root, p)))
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(('.git', 'build'))
                       and not (rel == '.' and d.startswith('build'))]
        for f in filenames:
            files.append(os.path.normpath(os.path.join(rel, f)))
    return sorted(files)


def read_sections(path):
    """[(title, [patterns])] from MAINTAINERS."""
    sections = []
    title = None
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.strip():
                title = None
            elif re.match(r'^[A-Z]:\s', line):
                if title is None:
                    continue
                if line.startswith('F:'):
                    sections[-1][1].append(line[2:].strip())
            elif title is None:
                title = line.strip()
                sections.append((title, []))
    return [s for s in sections if s[1]]


def pattern_matches(pattern, path):
    if pattern.endswith('/'):
        return path.startswith(pattern)
    if any(c in pattern for c in '*?['):
        return fnmatch.fnmatchcase(path, pattern)
    return path == pattern


def check_maintainers(root, files):
    problems = []
    sections = read_sections(os.path.join(root, 'MAINTAINERS'))
    patterns = [(t, p) for t, ps in sections for p in ps]
    used = set()
    for path in files:
        hits = [(t, p) for t, p in patterns if pattern_matches(p, path)]
        if not hits:
            problems.append(f'MAINTAINERS: no section covers {path}')
        used.update(p for _, p in hits)
    for title, pattern in patterns:
        if pattern not in used:
            problems.append(f'MAINTAINERS: "{title}": F: {pattern} '
                            'matches no tracked file')
    return problems


def check_layout(root, files):
    layout = os.path.join(root, 'docs', 'devel', 'layout.rst')
    with open(layout, encoding='utf-8') as f:
        named = set(re.findall(r'``([^`]+/)``', f.read()))
    folders = set()
    for path in files:
        parts = path.split('/')
        if len(parts) >= 2:
            folders.add(parts[0] + '/')
        if len(parts) >= 3:
            folders.add(parts[0] + '/' + parts[1] + '/')
    problems = []
    for folder in sorted(folders):
        if folder in named:
            continue
        if any('*' in n and fnmatch.fnmatchcase(folder, n) for n in named):
            continue
        problems.append(f'docs/devel/layout.rst: folder {folder} is not listed')
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else '.'
    files = tracked_files(root)
    if not files:
        print('check-maintainers: no files found under ' + root)
        return 1
    problems = check_maintainers(root, files) + check_layout(root, files)
    for p in problems:
        print(p)
    if problems:
        print(f'check-maintainers: {len(problems)} problem(s)')
        return 1
    print(f'check-maintainers: {len(files)} files covered')
    return 0


if __name__ == '__main__':
    sys.exit(main())
