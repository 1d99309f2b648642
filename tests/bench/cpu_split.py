"""Where an agent's CPU time goes, by the part of the code that spent it:
`perf record` of one run with its call chains, each sample given to the
innermost of its frames that lies in captured itself, past its general
helpers (ipc/util.c), so the kernel's and libc's work goes to the code that
asked for it: a read() to the reader, a page fault to the code that touched
the page, a segment file's fsync to the spool. That function goes to its
part by the source file it is in (nm -l).

split(argv, env, binary) runs argv under perf and returns
[(part, seconds)], the largest first, or None when perf cannot record
here (not installed, or perf_event_paranoid forbids it)."""

import os
import shutil
import subprocess
import tempfile

# The parts, by source file (the first match wins); the rest is "other".
PARTS = [
    ("the recording read (source-replay.c)", lambda f, fn: f.endswith("source-replay.c")
     and fn in ("read_lines", "load", "source_replay_load")),
    ("evemu text parsed (evemu.c)", lambda f, fn: f.endswith("source/evemu.c")),
    ("input events fed (source-replay.c)", lambda f, fn: f.endswith("source-replay.c")),
    ("evdev frames decoded (evdecode.c)", lambda f, fn: f.endswith("evdecode.c")),
    ("filter (filter.c)", lambda f, fn: f.endswith("control/filter.c")),
    ("journal (journal.c)", lambda f, fn: f.endswith("store/journal.c")),
    ("format 2 encoder (segment2.c, rangecoder.c)",
     lambda f, fn: f.endswith(("store/segment2.c", "store/rangecoder.c"))),
    ("columns, checksums (segment.c)", lambda f, fn: f.endswith("store/segment.c")),
    ("spool: segments kept, files written (spool.c)", lambda f, fn: f.endswith("store/spool.c")),
    ("the agent's bookkeeping (agent.c, activity.c)",
     lambda f, fn: f.endswith(("agent/agent.c", "store/activity.c"))),
    ("event loop, D-Bus (loop.c, bus.c, service*.c)",
     lambda f, fn: f.endswith(("ipc/loop.c", "ipc/bus.c"))
     or os.path.basename(f).startswith("service")),
]
OTHER = "start-up, exit, the rest"


def functions(binary):
    """{function name: source file} of binary's symbols."""
    out = subprocess.run(["nm", "-l", "--defined-only", binary], capture_output=True,
                         text=True, check=True).stdout
    files = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[1] in "tT":
            files[f[2].split(".")[0]] = f[3].rsplit(":", 1)[0]
    return files


# Helpers that work for whoever calls them: their time is the caller's.
HELPERS = ("ipc/util.c",)


def part_of(fn, files):
    f = files.get(fn)
    if f is None or f.endswith(HELPERS):
        return None
    for name, test in PARTS:
        if test(f, fn):
            return name
    return OTHER


def split(argv, env, binary):
    if not shutil.which("perf"):
        return None
    tmp = tempfile.mkdtemp(prefix="capctl-cpu-split-")
    data = os.path.join(tmp, "perf.data")
    try:
        r = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "4000", "--call-graph", "dwarf,16384",
                            "-o", data, "--"] + argv, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if r.returncode != 0 or not os.path.exists(data):
            return None
        script = subprocess.run(["perf", "script", "--no-inline", "-i", data, "-F",
                                 "comm,period,ip,sym,dso"], capture_output=True, text=True)
        if script.returncode != 0:
            return None
        text = script.stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    files = functions(binary)
    own = "(%s)" % os.path.realpath(binary)
    totals = {}
    period, part = None, None
    for line in text.splitlines() + [""]:
        if not line.strip():
            if period is not None:
                totals[part or OTHER] = totals.get(part or OTHER, 0) + period
            period, part = None, None
        elif not line[0].isspace():
            period = int(line.split()[-1])
        elif part is None and line.rstrip().endswith(own):
            part = part_of(line.split()[1], files)
    # The sampling clock's periods are nanoseconds (cpu-clock).
    return sorted(((p, n / 1e9) for p, n in totals.items()), key=lambda x: -x[1])
