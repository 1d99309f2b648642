#!/usr/bin/python3
"""Writes closed segments straight into an agent's spool (while it is
stopped), fast enough for thousands: the payload is encoded by
tests/integration/segfile.py (written from the format's documentation, not
from the agent's code), and the zstd frame around it is built here with a
raw block, which every zstd decoder reads, so no compressor runs per file.

  segments.py SPOOL COUNT [--newest US] [--step US] [--events N] [--first-stream I]
              [--manifest FILE]

COUNT segments, one stream after another in the contract's order, the
newest starting at --newest (default: an hour ago), each starting --step µs
(default 60 s) before the next and holding --events events (default 3).
--manifest writes what was made as JSON: the segments (id, stream, start,
end, events, bytes) newest first, and each one's events."""

import argparse
import json
import os
import struct
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import segfile  # noqa: E402

STREAMS = segfile.STREAMS


def zstd_raw_frame(data):
    """A zstd frame holding data in raw blocks, with its content size."""
    # Frame header descriptor: 4-byte content size, single segment.
    out = bytearray(struct.pack("<IB", 0xFD2FB528, 0xA0))
    out += struct.pack("<I", len(data))
    pos = 0
    while True:
        chunk = data[pos:pos + 128 * 1024]
        pos += len(chunk)
        last = pos >= len(data)
        header = (len(chunk) << 3) | (0 << 1) | (1 if last else 0)
        out += struct.pack("<I", header)[:3] + chunk
        if last:
            return bytes(out)


def segment_bytes(seg_id, stream, events):
    payload = segfile.encode_payload(events)
    z = zstd_raw_frame(payload)
    times = [e[0] for e in events]
    head = struct.pack("<8sQQQIIIBBHI12s", segfile.MAGIC, seg_id, min(times), max(times),
                       len(events), len(payload), len(z), STREAMS.index(stream), 1, 0, 0,
                       b"\0" * 12)
    crc = segfile.crc32c(head + z)
    return head[:48] + struct.pack("<I", crc) + head[52:] + z


def events_for(stream, start, n, k):
    """n plausible events of a stream from start, a millisecond and a bit
    apart; k varies them from one segment to the next."""
    out = []
    for i in range(n):
        t = start + i * 1000 + 123
        if stream == "pointer.motion":
            out.append((t, "motion", 100 + i + k % 50, 200 + 2 * i, 0, ""))
        elif stream == "pointer.button":
            out.append((t, "button-press" if i % 2 == 0 else "button-release",
                        300 + k % 7, 400, 1 + (i // 2) % 3, ""))
        elif stream == "pointer.scroll":
            out.append((t, "scroll", 10, 20, 1 if i % 2 == 0 else -1, ""))
        elif stream == "keyboard":
            out.append((t, "key-press" if i % 2 == 0 else "key-release", 0, 0,
                        30 + (i // 2) % 10, ""))
        else:
            out.append((t, "focus", 0, 0, 0, "editor\tnotes – día %d" % i if i % 2 == 0
                        else "browser"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spool")
    ap.add_argument("count", type=int)
    ap.add_argument("--newest", type=int, default=int(time.time() * 1e6) - 3600 * 1000000)
    ap.add_argument("--step", type=int, default=60 * 1000000)
    ap.add_argument("--events", type=int, default=3)
    ap.add_argument("--first-stream", type=int, default=0)
    ap.add_argument("--manifest")
    a = ap.parse_args()
    os.makedirs(a.spool, mode=0o700, exist_ok=True)
    made = []
    for k in range(a.count):
        start = a.newest - k * a.step
        stream = STREAMS[(a.first_stream + k) % len(STREAMS)]
        events = events_for(stream, start, a.events, k)
        data = segment_bytes(start, stream, events)
        path = os.path.join(a.spool, segfile.segment_name(start))
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o600)
        made.append({"id": start, "stream": stream, "start": events[0][0],
                     "end": events[-1][0], "events": len(events), "bytes": len(data),
                     "list": [list(e) for e in events]})
    if a.manifest:
        with open(a.manifest, "w") as f:
            json.dump({"segments": made}, f)


if __name__ == "__main__":
    main()
