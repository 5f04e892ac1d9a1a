#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`make install`, checked: install the build into a scratch DESTDIR, then
follow docs/system/first-guest.rst with nothing but the installed files --
assemble its hello.s with the installed cr16-as and virt.inc, disassemble
it with cr16-objdump, boot it with qemu-system-cr16 -- and expect the
page's output. The program is taken from the page, so the page stays true.

usage: test-install.py MESON BUILD_DIR SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

DEADLINE = 60   # seconds for any one step; a hang fails the test


def fail(msg):
    print("not ok - " + msg)
    sys.exit(1)


def run(argv, **kw):
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=DEADLINE, **kw)
    except subprocess.TimeoutExpired:
        fail("%s did not finish within %d s" % (argv[0], DEADLINE))


def find(root, rel):
    """The one file under root whose path ends with rel."""
    hits = []
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if p.endswith(os.sep + rel):
                hits.append(p)
    if len(hits) != 1:
        fail("expected one installed %s, found %d: %s" % (rel, len(hits), hits))
    return hits[0]


def hello_from_doc(src):
    """The indented literal block after 'Save this as ``hello.s``::'."""
    with open(os.path.join(src, "docs", "system", "first-guest.rst")) as f:
        text = f.read()
    m = re.search(r"Save this as ``hello\.s``::\n\n((?:    .*\n|\n)+)", text)
    if not m:
        fail("first-guest.rst has no hello.s block")
    return "".join(l[4:] + "\n" if l else "\n"
                   for l in m.group(1).rstrip().split("\n"))


def main():
    meson, build, src = sys.argv[1:4]
    with tempfile.TemporaryDirectory(prefix="cr16-install-") as dest:
        r = run([meson, "install", "-C", build, "--no-rebuild", "--quiet",
                 "--destdir", dest])
        if r.returncode:
            fail("meson install failed:\n" + r.stdout + r.stderr)
        emu = find(dest, "bin/qemu-system-cr16")
        asm = find(dest, "bin/cr16-as")
        objdump = find(dest, "bin/cr16-objdump")
        inc = find(dest, "share/qemu-cr16/virt.inc")
        print("ok 1 - installed %s, %s, %s, %s" % (
            os.path.relpath(emu, dest), os.path.relpath(asm, dest),
            os.path.relpath(objdump, dest), os.path.relpath(inc, dest)))

        work = os.path.join(dest, "work")
        os.mkdir(work)
        with open(os.path.join(work, "hello.s"), "w") as f:
            f.write(hello_from_doc(src))
        r = run([asm, "-I", os.path.dirname(inc), "-o", "hello.elf",
                 "hello.s"], cwd=work)
        if r.returncode:
            fail("cr16-as hello.s failed:\n" + r.stderr)
        r = run([objdump, "-d", "hello.elf"], cwd=work)
        if r.returncode or "storb" not in r.stdout:
            fail("cr16-objdump -d hello.elf:\n" + r.stdout + r.stderr)
        print("ok 2 - the page's hello.s assembles and disassembles")

        r = run([emu, "-M", "virt", "-kernel", "hello.elf", "-serial",
                 "stdio", "-display", "none"], cwd=work)
        if r.returncode != 0 or r.stdout != "Hello, CR16!\n":
            fail("boot: status %d, output %r, stderr %r" %
                 (r.returncode, r.stdout, r.stderr))
        print("ok 3 - the installed emulator boots it: Hello, CR16!")
    print("1..3")


if __name__ == "__main__":
    main()
