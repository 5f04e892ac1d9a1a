# SPDX-License-Identifier: GPL-2.0-or-later
"""The QEMU side of the postcopy latency case (bench/postcopy-bench.py).

Debian's qemu-system-x86_64 -M pc runs bench/x86-walker/walker.S, the x86
peer of our CR16 A-B guest (same range, order and read-modify-write per
page), assembled here with the machine's gcc and ld. QEMU 7.2 has no
postcopy-latency-dist, so its figures come from elsewhere:

  (a) the destination's trace log (log backend, -msg timestamp=on):
      postcopy_ram_fault_thread_request is traced by the fault thread right
      after it reads the userfaultfd event, postcopy_page_req_del right
      after UFFDIO_COPY placed a page that had been requested. Each request
      is matched with the first removal of the same host page after it;
      the difference is figure (a)'s definition.
  (b) the walker's own stall log: every touch is timed with rdtsc (the
      host TSC under TCG) and a slow one is logged with its address; the
      touches of pages the fault thread requested are the vCPU stalls.
"""

import os
import re
import shutil
import struct
import subprocess

# bench/x86-walker/walker.S's constants (kept equal by hand; the walker's
# header carries LOG_MAGIC and LOG_CAP, which read_walker_log checks).
WALKER_START = 0x00100000
WALKER_END = 0x06400000
WALKER_LOG_HDR = 0x40000
WALKER_LOG_BASE = 0x41000
WALKER_LOG_CAP = 40960
WALKER_LOG_MAGIC = 0x6b6c6177
WALKER_LOAD_ADDR = 0x20000

TRACE_EVENTS = ("postcopy_ram_fault_thread_request", "postcopy_page_req_del")
PAGE_MASK = ~0xfff

HERE = os.path.dirname(os.path.abspath(__file__))


class PeerError(Exception):
    pass


def _run(argv, what):
    try:
        return subprocess.run(argv, check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              timeout=120).stdout
    except (OSError, subprocess.SubprocessError) as e:
        out = getattr(e, "stdout", None) or ""
        raise PeerError("%s failed: %s %s" % (what, e, out.strip()))


def build_walker(workdir):
    """Assemble and link the walker, measure the TSC rate; the peer's
    guest dict, or PeerError naming what is missing."""
    cc = shutil.which("gcc") or shutil.which("cc")
    ld = shutil.which("ld")
    if not cc or not ld:
        raise PeerError("no gcc/ld to build the x86 walker guest")
    src = os.path.join(HERE, "x86-walker", "walker.S")
    obj = os.path.join(workdir, "walker.o")
    elf = os.path.join(workdir, "walker.elf")
    _run([cc, "-m32", "-c", "-o", obj, src], "assembling walker.S")
    # -N: one loadable segment at the load address, no header page below.
    _run([ld, "-m", "elf_i386", "-N", "-Ttext=0x%x" % WALKER_LOAD_ADDR,
          "-e", "_start", "--build-id=none", "--no-warn-rwx-segments",
          "-o", elf, obj], "linking the walker")
    tsc = os.path.join(workdir, "tsc-hz")
    _run([cc, "-O2", "-o", tsc, os.path.join(HERE, "x86-walker",
                                            "tsc-hz.c")], "building tsc-hz")
    hz = float(_run([tsc], "tsc-hz").strip())
    if hz < 1e8:
        raise PeerError("implausible TSC rate %.0f Hz" % hz)
    return {"kernel": elf, "tsc_hz": hz}


def src_args(walker, serial):
    return ["-accel", "tcg", "-kernel", walker["kernel"],
            "-serial", "file:" + serial]


def dst_args(walker, serial, trace_path):
    a = src_args(walker, serial) + ["-msg", "timestamp=on", "-D", trace_path]
    for ev in TRACE_EVENTS:
        a += ["-trace", "enable=" + ev]
    return a


# "<tid>@<sec>.<usec>:<event> <args>" (the log backend with timestamps).
_LINE = re.compile(r"^\d+@(\d+)\.(\d{6}):(\w+) (.*)$")
_REQ = re.compile(r"HVA=0x([0-9a-f]+) rb=(\S+) offset=0x([0-9a-f]+)")
_DEL = re.compile(r"resolved page req (?:0x)?([0-9a-f]+)")


def parse_trace(path):
    """Figure (a) from QEMU's trace log: a list of µs, one per matched
    request, and the requested RAM offsets; also the unmatched count."""
    reqs = {}          # host page -> [request times not yet matched]
    offsets = set()
    lat = []
    n_req = 0
    with open(path, errors="replace") as f:
        for line in f:
            m = _LINE.match(line.strip())
            if not m:
                continue
            t_us = int(m.group(1)) * 1000000 + int(m.group(2))
            ev, rest = m.group(3), m.group(4)
            if ev == TRACE_EVENTS[0]:
                r = _REQ.search(rest)
                if not r:
                    raise PeerError("unexpected trace line: " + line.strip())
                page = int(r.group(1), 16) & PAGE_MASK
                reqs.setdefault(page, []).append(t_us)
                offsets.add(int(r.group(3), 16) & PAGE_MASK)
                n_req += 1
            elif ev == TRACE_EVENTS[1]:
                d = _DEL.search(rest)
                if not d:
                    raise PeerError("unexpected trace line: " + line.strip())
                page = int(d.group(1), 16) & PAGE_MASK
                pending = reqs.get(page)
                if pending:
                    # Every request of the page waited for this placement.
                    for t in pending:
                        lat.append(max(0, t_us - t))
                    del reqs[page]
    return {"lat_us": lat, "offsets": offsets, "requests": n_req,
            "unmatched": n_req - len(lat)}


def _pmem(qmp, addr, size, path):
    if os.path.exists(path):
        os.unlink(path)
    qmp.cmd("pmemsave", val=addr, size=size, filename=path)
    with open(path, "rb") as f:
        data = f.read()
    if len(data) != size:
        raise PeerError("pmemsave gave %d of %d bytes" % (len(data), size))
    return data


def walker_log_count(qmp, path):
    """The walker's log header (count, dropped), read with pmemsave."""
    count, cap, dropped, magic = struct.unpack(
        "<4I", _pmem(qmp, WALKER_LOG_HDR, 16, path))
    if magic != WALKER_LOG_MAGIC or cap != WALKER_LOG_CAP:
        raise PeerError("the walker's log header is not there (magic 0x%x, "
                        "capacity %d)" % (magic, cap))
    if count > cap:
        raise PeerError("walker log count %d over its capacity" % count)
    return count, dropped


def walker_log(qmp, path, first, count):
    """Entries [first, count) of the walker's log: (ticks, address)."""
    if count <= first:
        return []
    raw = _pmem(qmp, WALKER_LOG_BASE + 8 * first, 8 * (count - first), path)
    return list(struct.iter_unpack("<2I", raw))


def vcpu_stalls(entries, offsets, tsc_hz):
    """Figure (b): the destination's first slow touch of each page the
    fault thread requested, in µs. With -M pc and RAM below 4 GiB a guest
    physical address equals its offset in the RAM block."""
    seen = set()
    out = []
    for ticks, addr in entries:
        page = addr & PAGE_MASK
        if page in offsets and page not in seen:
            seen.add(page)
            out.append(ticks * 1e6 / tsc_hz)
    return out


def percentile(values, pct):
    """Nearest-rank percentile, or None for no values."""
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(-(-pct * len(v) // 100)) - 1))
    return v[k]


def as_dist(values_us, buckets=24):
    """values in the buckets of our postcopy-latency-dist (bucket N holds
    [2^N, 2^(N+1)) whole µs; 0 and 1 µs in bucket 0)."""
    d = [0] * buckets
    for v in values_us:
        us = int(v)
        d[min(buckets - 1, us.bit_length() - 1 if us else 0)] += 1
    return d


def trace_line_cost_us(directory, lines=20000):
    """Median wall time of one flushed trace line (~110 bytes, one
    write(2)) in directory: what tracing adds to QEMU's figure (a), since
    the fault thread writes its request line between taking the timestamp
    and sending the request. Timed from Python, so an upper bound."""
    import time
    line = (b"12345@1796611025.164934:postcopy_ram_fault_thread_request "
            b"Request for HVA=0x7ff26bec0000 rb=mem offset=0xc0000 "
            b"pid=12345\n")
    path = os.path.join(directory, "trace-cost.tmp")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        took = []
        for _ in range(lines):
            t = time.perf_counter_ns()
            os.write(fd, line)
            took.append(time.perf_counter_ns() - t)
    finally:
        os.close(fd)
        os.unlink(path)
    return percentile(took, 50) / 1000.0
