"""The spool's files in Python, written from their documentation alone
(agent/store/segment.h, agent/store/journal.h, agent/store/spool.c's header
comment), so that the tests can look at what is on disk without trusting
the agent's own codec, and can make segments and journals by hand.

A closed segment of format 2: "CAPSEG\\0\\2", a CRC-32C of the rest, then
varints (the size of the rest, id, zigzag(start - id), end - start, events),
the stream and the mask of constant columns (a byte each), the first event's
kind, x, y, code and text, then the range-coded events (see read_segment2;
written from agent/store/segment.h, agent/store/rangecoder.h and
doc/formats.md).

A closed segment of format 1: a 64-byte little-endian header (magic "CAPSEG\\0\\1", id,
start, end, events, raw_len, stored_len, stream, version 1, CRC-32C of the
header with its CRC field zero and of the compressed bytes), then a zstd
frame of the payload. The payload: n, base, six column lengths, then the
columns time, kind, x, y, code, text; LEB128 varints, zigzag deltas; text
0 = same as before, else length + 1 and the bytes.

A journal, <id in 16 hex digits>.<stream id>.jnl: a 24-byte header
("CAPJNL\\0\\2", the segment id (8), the stream (1), three zero bytes, a
CRC-32C of the 20 bytes before it), then records: "JREC", the payload's
length (4), the index of the record's first event in the segment (4), a
CRC-32C of those 12 bytes and the payload (4), the uncompressed payload. A
reader skips a damaged stretch to the next "JREC" that starts a sound
record. Format 1 (<stream id>.jnl): "CAPJNL\\0\\1", the id (8), records of
length (4), CRC-32C of the payload (4) and the payload.

zstd is the command-line tool (scripts/install-deps installs it)."""

import os
import re
import struct
import subprocess
import tempfile

MAGIC = b"CAPSEG\x00\x01"
MAGIC2 = b"CAPSEG\x00\x02"
JNL_MAGIC = b"CAPJNL\x00\x01"
HEADER_SIZE = 64
STREAMS = ["pointer.motion", "pointer.button", "pointer.scroll", "keyboard", "window.focus"]
KINDS = ["motion", "button-press", "button-release", "scroll", "key-press", "key-release",
         "focus"]
COLUMNS = ["time", "kind", "x", "y", "code", "text"]


class FormatError(Exception):
    pass


def _crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc_table()


def crc32c(data, crc=0):
    """CRC-32C (Castagnoli), as iSCSI and ext4 use it; crc32c(b"123456789")
    is 0xE3069283."""
    crc ^= 0xFFFFFFFF
    t = _TABLE
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def put_varint(v):
    if v < 0:
        raise ValueError(v)
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def get_varint(buf, pos):
    v = shift = 0
    while True:
        if pos >= len(buf):
            raise FormatError("a varint runs past its end")
        b = buf[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return v, pos
        shift += 7
        if shift >= 64:
            raise FormatError("a varint longer than 64 bits")


def zigzag(v):
    return (v << 1) if v >= 0 else ((-v) << 1) - 1


def unzigzag(u):
    return (u >> 1) if not u & 1 else -((u + 1) >> 1)


def encode_payload(events, base=None):
    """events: [(time, kind name or number, x, y, code, text)]."""
    if base is None:
        base = events[0][0] if events else 0
    cols = [bytearray() for _ in COLUMNS]
    prev = [base, 0, 0, 0, 0]
    prev_text = b""
    for t, kind, x, y, code, text in events:
        k = KINDS.index(kind) if isinstance(kind, str) else kind
        for i, v in enumerate((t, k, x, y, code)):
            cols[i] += put_varint(zigzag(v - prev[i]))
            prev[i] = v
        tb = text.encode() if isinstance(text, str) else text
        if tb == prev_text:
            cols[5] += put_varint(0)
        else:
            cols[5] += put_varint(len(tb) + 1) + tb
            prev_text = tb
    out = bytearray(put_varint(len(events)) + put_varint(base))
    for c in cols:
        out += put_varint(len(c))
    for c in cols:
        out += c
    return bytes(out)


def split_payload(raw):
    """(n, base, {column name: bytes}) of a payload, checking its framing."""
    pos = 0
    n, pos = get_varint(raw, pos)
    base, pos = get_varint(raw, pos)
    lens = []
    for _ in COLUMNS:
        v, pos = get_varint(raw, pos)
        lens.append(v)
    cols = {}
    for name, ln in zip(COLUMNS, lens):
        if ln < n or pos + ln > len(raw):
            raise FormatError("column %s: %d bytes for %d events" % (name, ln, n))
        cols[name] = raw[pos:pos + ln]
        pos += ln
    if pos != len(raw):
        raise FormatError("%d bytes after the columns" % (len(raw) - pos))
    return n, base, cols


def column_values(col, n):
    """The n varints of a numeric column, as they are stored (zigzag deltas
    decoded to signed deltas)."""
    out, pos = [], 0
    for _ in range(n):
        v, pos = get_varint(col, pos)
        out.append(unzigzag(v))
    if pos != len(col):
        raise FormatError("%d bytes after a numeric column" % (len(col) - pos))
    return out


def text_values(col, n):
    """The text column as stored: per event None (same as before) or bytes."""
    out, pos = [], 0
    for _ in range(n):
        ln, pos = get_varint(col, pos)
        if ln == 0:
            out.append(None)
        else:
            if pos + ln - 1 > len(col):
                raise FormatError("a text runs past its column")
            out.append(bytes(col[pos:pos + ln - 1]))
            pos += ln - 1
    if pos != len(col):
        raise FormatError("%d bytes after the text column" % (len(col) - pos))
    return out


def decode_payload(raw):
    """(events, columns): events as (time, kind name, x, y, code, text str),
    columns as {name: raw deltas or texts as stored}."""
    n, base, cols = split_payload(raw)
    deltas = {c: column_values(cols[c], n) for c in COLUMNS[:5]}
    texts = text_values(cols["text"], n)
    events = []
    cur = [base, 0, 0, 0, 0]
    text = b""
    for i in range(n):
        for j, c in enumerate(COLUMNS[:5]):
            cur[j] += deltas[c][i]
        if texts[i] is not None:
            text = texts[i]
        if not 0 <= cur[1] < len(KINDS):
            raise FormatError("kind %d" % cur[1])
        events.append((cur[0], KINDS[cur[1]], cur[2], cur[3], cur[4],
                       text.decode("utf-8", errors="replace")))
    stored = dict(deltas)
    stored["text"] = texts
    stored["base"] = base
    stored["raw"] = raw
    return events, stored


def zstd_compress(data, with_size=True, level=3):
    """A zstd frame of data; with_size: the frame header says the content
    size (the tool writes it for a file, not for standard input)."""
    if not with_size:
        return subprocess.run(["zstd", "-q", "-c", "-%d" % level], input=data,
                              capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "payload")
        with open(src, "wb") as f:
            f.write(data)
        subprocess.run(["zstd", "-q", "-f", "-%d" % level, src, "-o", src + ".zst"],
                       capture_output=True, check=True)
        with open(src + ".zst", "rb") as f:
            return f.read()


def zstd_decompress(data):
    p = subprocess.run(["zstd", "-q", "-d", "-c"], input=data, capture_output=True)
    if p.returncode != 0:
        raise FormatError("zstd -d: %s" % p.stderr.decode(errors="replace").strip())
    return p.stdout


def parse_header(data):
    if len(data) < HEADER_SIZE:
        raise FormatError("%d bytes, shorter than the header" % len(data))
    (magic, sid, start, end, events, raw_len, stored_len, stream, version, zero2, crc,
     zero12) = struct.unpack("<8sQQQIIIBBHI12s", data[:HEADER_SIZE])
    return {"magic": magic, "id": sid, "start": start, "end": end, "events": events,
            "raw_len": raw_len, "stored_len": stored_len, "stream": stream,
            "version": version, "zero2": zero2, "crc": crc, "zero12": zero12}


def header_crc(data):
    return crc32c(data[:48] + b"\0\0\0\0" + data[52:])


def read_segment(data):
    """Checks and decodes a whole segment file of either format: (header,
    events, columns). Raises FormatError with what is wrong."""
    if data[:8] == MAGIC2:
        return read_segment2(data)
    return read_segment1(data)


def read_segment1(data):
    """A format 1 file: (header, events, columns as stored, see
    decode_payload)."""
    h = parse_header(data)
    if h["magic"] != MAGIC:
        raise FormatError("magic %r" % h["magic"])
    if h["version"] != 1:
        raise FormatError("version %d" % h["version"])
    if h["zero2"] or h["zero12"] != b"\0" * 12:
        raise FormatError("reserved bytes are not zero")
    if h["stream"] >= len(STREAMS):
        raise FormatError("stream %d" % h["stream"])
    if h["stored_len"] != len(data) - HEADER_SIZE:
        raise FormatError("stored_len %d, %d bytes follow the header"
                          % (h["stored_len"], len(data) - HEADER_SIZE))
    crc = header_crc(data)
    if crc != h["crc"]:
        raise FormatError("CRC-32C %08x, the header says %08x" % (crc, h["crc"]))
    raw = zstd_decompress(data[HEADER_SIZE:])
    if len(raw) != h["raw_len"]:
        raise FormatError("raw_len %d, the frame holds %d" % (h["raw_len"], len(raw)))
    events, cols = decode_payload(raw)
    if len(events) != h["events"]:
        raise FormatError("events %d, the payload holds %d" % (h["events"], len(events)))
    if events:
        times = [e[0] for e in events]
        if (min(times), max(times)) != (h["start"], h["end"]):
            raise FormatError("start/end %d/%d, the events span %d/%d"
                              % (h["start"], h["end"], min(times), max(times)))
    return h, events, cols


def read_segment_file(path):
    with open(path, "rb") as f:
        return read_segment(f.read())


def make_segment(seg_id, stream, events, base=None, raw=None, with_size=True):
    """A segment file's bytes. stream: a name or number. raw: a payload to
    use instead of encoding events (its header still says events' span)."""
    s = STREAMS.index(stream) if isinstance(stream, str) else stream
    payload = raw if raw is not None else encode_payload(events, base)
    z = zstd_compress(payload, with_size)
    times = [e[0] for e in events]
    head = struct.pack("<8sQQQIIIBBHI12s", MAGIC, seg_id, min(times) if times else 0,
                       max(times) if times else 0, len(events), len(payload), len(z), s, 1, 0,
                       0, b"\0" * 12)
    crc = crc32c(head + z)
    return head[:48] + struct.pack("<I", crc) + head[52:] + z


def write_segment(path, *args, **kw):
    data = make_segment(*args, **kw)
    with open(path, "wb") as f:
        f.write(data)
    return data


def segment_name(seg_id, uploaded=False):
    return "%016x.%s" % (seg_id, "sent" if uploaded else "seg")


JNL_MAGIC_V2 = b"CAPJNL\x00\x02"
REC_MAGIC = b"JREC"


def journal_name(seg_id, stream):
    return "%016x.%s.jnl" % (seg_id, stream)


def make_journal(seg_id, stream, records):
    """A format 2 journal's bytes. records: [(first, events)]."""
    s = STREAMS.index(stream) if isinstance(stream, str) else stream
    head = JNL_MAGIC_V2 + struct.pack("<QB3x", seg_id, s)
    out = bytearray(head + struct.pack("<I", crc32c(head)))
    for first, events in records:
        payload = encode_payload(events)
        rec = REC_MAGIC + struct.pack("<II", len(payload), first)
        out += rec + struct.pack("<I", crc32c(payload, crc32c(rec))) + payload
    return bytes(out)


def parse_journal(data):
    """{"id", "stream" (None when the header is damaged), "records": [(first,
    events)], "bad": bytes in no sound record} of a format 2 journal."""
    out = {"id": None, "stream": None, "records": [], "bad": 0}
    if (len(data) >= 24 and data[:8] == JNL_MAGIC_V2 and data[17:20] == b"\0\0\0"
            and crc32c(data[:20]) == struct.unpack("<I", data[20:24])[0] and data[16] < 5):
        out["id"] = struct.unpack("<Q", data[8:16])[0]
        out["stream"] = STREAMS[data[16]]
    pos = 24
    while pos + 16 <= len(data):
        ln, first, crc = struct.unpack("<III", data[pos + 4:pos + 16])
        body = data[pos + 16:pos + 16 + ln]
        if (data[pos:pos + 4] == REC_MAGIC and len(body) == ln
                and crc32c(body, crc32c(data[pos:pos + 12])) == crc):
            try:
                out["records"].append((first, decode_payload(body)[0]))
                pos += 16 + ln
                continue
            except FormatError:
                pass
        nxt = data.find(REC_MAGIC, pos + 1)
        nxt = len(data) if nxt < 0 else nxt
        out["bad"] += nxt - pos
        pos = nxt
    out["bad"] += max(0, len(data) - pos) if len(data) >= 24 else len(data)
    return out


def journal_events(records):
    """The events of a journal's records, each once, by their numbering."""
    have, events = 0, []
    for first, evs in records:
        skip = min(max(have - first, 0), len(evs))
        events += evs[skip:]
        have = max(have, first + len(evs))
    return events


def read_journal(path):
    """(segment id, stream, [events of each sound record], bytes in no sound
    record) of a format 2 journal, checking its header."""
    with open(path, "rb") as f:
        data = f.read()
    j = parse_journal(data)
    if j["id"] is None:
        raise FormatError("not a journal, or a damaged header: %r" % data[:24])
    return j["id"], j["stream"], [evs for _, evs in j["records"]], j["bad"]


# ---- format 2 ----

M64 = (1 << 64) - 1
SEG2_MAX_EVENTS = 512 << 10
SEGMENT_MAX_RAW = 256 << 20
MAX_PERIOD = 1 << 24
EVENT_TEXT_MAX = 160
CONSTANT = {"kind": 1, "x": 2, "y": 4, "code": 8, "text": 16}
RC_LIMIT = 254
RC_RATE = [65536 // (n + 2) for n in range(RC_LIMIT + 1)]


def _model():
    """An adaptive bit model: [probability of a 1 in 1/65536, decisions
    seen up to RC_LIMIT]."""
    return [32768, 0]


def _models(n):
    return [_model() for _ in range(n)]


class RangeDecoder:
    """The binary range decoder of rangecoder.h: a 32-bit range and code;
    bytes past the end read as zero (the encoder leaves trailing zeros
    off), and counted. count[column] is how many decisions each column
    took."""

    def __init__(self, data):
        self.data, self.pos, self.past = data, 0, 0
        self.range, self.code = 0xFFFFFFFF, 0
        self.column = None
        self.count = {}
        for _ in range(4):
            self.code = (self.code << 8) | self._byte()

    def _byte(self):
        if self.pos < len(self.data):
            self.pos += 1
            return self.data[self.pos - 1]
        self.past += 1
        return 0

    def bit(self, m):
        p = m[0]
        bound = (self.range * p) >> 16
        if self.code < bound:
            self.range = bound
            b = 1
            p += ((65535 - p) * RC_RATE[m[1]]) >> 16
        else:
            self.code -= bound
            self.range -= bound
            b = 0
            p -= (p * RC_RATE[m[1]]) >> 16
        m[0] = p
        if m[1] < RC_LIMIT:
            m[1] += 1
        while self.range < (1 << 24):
            self.range <<= 8
            self.code = ((self.code << 8) | self._byte()) & 0xFFFFFFFF
        self.count[self.column] = self.count.get(self.column, 0) + 1
        return b

    def direct(self, n):
        """n bits with no model: the range cut into 2^n equal parts."""
        self.range >>= n
        v = min(self.code // self.range, (1 << n) - 1)
        self.code -= v * self.range
        while self.range < (1 << 24):
            self.range <<= 8
            self.code = ((self.code << 8) | self._byte()) & 0xFFFFFFFF
        return v

    def tree(self, models, bits):
        node = 1
        for _ in range(bits):
            node = 2 * node + self.bit(models[node])
        return node - (1 << bits)

    def done(self):
        return self.pos == len(self.data) and self.past <= 4 and self.code < self.range


NUM_CTX, NUM_STEPS, CLASSES = 72, 8, 65


class NumModel:
    """A number: its class (bit length of the magnitude) as a walk from a
    predicted class, its sign, then the bits below the leading one, the
    first depth of them down a tree of the class, the others each with a
    model of its position, or (direct) 8 at a time with none."""

    def __init__(self, depth, direct=False):
        self.depth, self.direct = depth, direct
        self.hit, self.up, self.sign = _models(NUM_CTX), _models(NUM_CTX), _models(NUM_CTX)
        self.away = [[_models(NUM_STEPS), _models(NUM_STEPS)] for _ in range(NUM_CTX)]
        self.trees = {}
        self.lows = {}

    def klass(self, d, ctx, kp):
        if d.bit(self.hit[ctx]):
            return kp
        up = kp == 0 or (kp < 64 and d.bit(self.up[ctx]))
        s = 1
        while True:
            cand = kp + s if up else kp - s
            if cand == (64 if up else 0):
                return cand
            if d.bit(self.away[ctx][1 if up else 0][min(s - 1, NUM_STEPS - 1)]):
                return cand
            s += 1

    def read(self, d, ctx, kp):
        """(the value as an unsigned 64-bit two's complement, its class)."""
        k = self.klass(d, ctx, kp)
        if k == 0:
            return 0, 0
        neg = d.bit(self.sign[ctx])
        tree = self.trees.get(k)
        if tree is None:
            tree = self.trees[k] = _models(1 << self.depth)
        got, node = 1, 1
        below = k - 1
        for _ in range(min(below, self.depth)):
            b = d.bit(tree[node])
            node = 2 * node + b
            got = (got << 1) | b
        low = self.lows.get(k)
        for j in range(min(below, self.depth), below if not self.direct else 0):
            if low is None:
                low = self.lows[k] = _models(64)
            got = (got << 1) | d.bit(low[j])
        left = below - min(below, self.depth) if self.direct else 0
        while left > 0:
            n = min(left, 8)
            left -= n
            got = (got << n) | d.direct(n)
        return ((-got) & M64 if neg else got), k


def _signed64(v):
    return v - (1 << 64) if v >> 63 else v


def _delta_ctx(v, k):
    s = _signed64(v)
    if -4 <= s <= 4:
        return s + 4
    return 9 + 2 * min(k - 3, 6) + (1 if s < 0 else 0)


class _Axis:
    """x or y: the difference from the previous event's, in the context of
    the sum of the two differences before (its value when small, else its
    bit length and sign), of whether the event is a motion, and (for y) of
    whether x stayed."""

    def __init__(self):
        self.m = NumModel(6)
        self.prev_d = self.prev_d2 = 0
        self.prev_k = 0

    def read(self, d, kind, prev, extra=0):
        s = (self.prev_d + self.prev_d2) & M64
        ctx = _delta_ctx(s, abs(_signed64(s)).bit_length() if s != 1 << 63 else 64)
        ctx += extra if kind == 0 else 23
        v, self.prev_k = self.m.read(d, ctx, self.prev_k)
        self.prev_d2, self.prev_d = self.prev_d, v
        return _signed64((prev + v) & M64)


class _Time:
    """The times: without a period, each one's difference from the
    previous one, in the context of the previous difference's class; with a
    period P, the difference from a grid as k periods and an offset j in
    [-P/2, P/2), the grid then moving k periods and j/32, or to the time
    after a pause (k > 4) that leaves it far off (|j| > 8 times the
    offsets' mean magnitude, and 8)."""

    def __init__(self, start, period):
        self.t = self.grid = start
        self.period = period
        self.delta = NumModel(12)
        self.k = 0
        self.frac = 0
        self.steps, self.offset = NumModel(4), NumModel(2, direct=True)
        self.steps_k = 0
        self.mean = 0

    def read(self, d):
        if not self.period:
            v, self.k = self.delta.read(d, self.k, self.k)
            self.t = (self.t + v) & M64
            return self.t
        kc = self.steps_k
        k, self.steps_k = self.steps.read(d, kc, kc)
        jc = min(self.steps_k, 3)
        kp = (self.mean >> 4).bit_length()
        j, _ = self.offset.read(d, jc, kp)
        k, j = _signed64(k), _signed64(j)
        self.mean += abs(j) - (self.mean >> 4)
        self.t = (self.grid + k * self.period + j) & M64
        if k > 4 and 2 * abs(j) > self.mean + 16:
            # After a pause the device's clock may start again elsewhere.
            self.grid, self.frac = self.t, 0
            return self.t
        frac = self.frac + j * 8
        whole = frac // 256
        self.grid = (self.grid + k * self.period + whole) & M64
        self.frac = frac - whole * 256
        return self.t


class _Reader:
    def __init__(self, data, pos):
        self.data, self.pos = data, pos

    def varint(self):
        v = 0
        for shift in range(0, 64, 7):
            if self.pos >= len(self.data):
                break
            b = self.data[self.pos]
            self.pos += 1
            v |= ((b & 0x7F) << shift) & M64
            if not b & 0x80:
                return v
        raise FormatError("a varint runs past its end or past 64 bits")

    def i32(self):
        v = unzigzag(self.varint())
        if not -2**31 <= v < 2**31:
            raise FormatError("a header value %d does not fit 32 bits" % v)
        return v


def segment2_size(head):
    """The whole size of a format 2 segment from its first bytes."""
    if len(head) < 12:
        raise FormatError("%d bytes, shorter than the header" % len(head))
    r = _Reader(head[:16], 12)
    rest = r.varint()
    if rest > SEGMENT_MAX_RAW:
        raise FormatError("size %d" % rest)
    return r.pos + rest


def split_body(body):
    """The segments of an upload body (segment files one after another), each
    by the size its header gives: [bytes]."""
    out = []
    while body:
        if body[:8] == MAGIC2:
            size = segment2_size(body)
        elif body[:8] == MAGIC:
            size = HEADER_SIZE + parse_header(body)["stored_len"]
        else:
            raise FormatError("not a segment: %r" % body[:8])
        if size > len(body):
            raise FormatError("a segment of %d bytes, %d left" % (size, len(body)))
        out.append(body[:size])
        body = body[size:]
    return out


def parse_header2(data):
    """The header of a format 2 segment, checked: its fields, the
    constant columns' values, and where the coded bytes begin."""
    if data[:8] != MAGIC2:
        raise FormatError("magic %r" % data[:8])
    size = segment2_size(data)
    if size != len(data):
        raise FormatError("the header says %d bytes, the file has %d" % (size, len(data)))
    crc = crc32c(data[12:])
    if crc != struct.unpack("<I", data[8:12])[0]:
        raise FormatError("CRC-32C %08x, the header says %08x"
                          % (crc, struct.unpack("<I", data[8:12])[0]))
    r = _Reader(data, 12)
    r.varint()
    sid = r.varint()
    start = (sid + (unzigzag(r.varint()) & M64)) & M64
    span = r.varint()
    n = r.varint()
    if span > M64 - start or n > SEG2_MAX_EVENTS or len(data) - r.pos < 2:
        raise FormatError("span %d from %d, %d events" % (span, start, n))
    stream, mask = data[r.pos], data[r.pos + 1]
    r.pos += 2
    kind = r.varint()
    x, y, code = r.i32(), r.i32(), r.i32()
    tlen = r.varint()
    text = data[r.pos:r.pos + tlen]
    if (stream >= len(STREAMS) or mask > 31 | PRIORS_FLAG or kind >= len(KINDS)
            or tlen >= EVENT_TEXT_MAX or len(text) != tlen or b"\0" in text
            or (n == 0 and (span or mask != 31))):
        raise FormatError("stream %d, mask %d, kind %d, text %r, %d events"
                          % (stream, mask, kind, text, n))
    r.pos += tlen
    period = r.varint()
    if period > MAX_PERIOD or (n == 0 and period):
        raise FormatError("period %d with %d events" % (period, n))
    return {"magic": MAGIC2, "version": 2, "id": sid, "start": start, "end": start + span,
            "events": n, "stream": stream, "mask": mask, "period": period,
            "first": {"kind": kind, "x": x, "y": y, "code": code, "text": text},
            "coded": r.pos}


def make_segment2(h, coded):
    """A format 2 file from a header (as parse_header2 gives it, fields
    changed at will) and range-coded bytes: the size and the CRC made
    right."""
    f = h["first"]
    body = (put_varint(h["id"]) + put_varint(zigzag(_signed64((h["start"] - h["id"]) & M64)))
            + put_varint(h["end"] - h["start"]) + put_varint(h["events"])
            + bytes([h["stream"], h["mask"]]) + put_varint(f["kind"])
            + put_varint(zigzag(f["x"])) + put_varint(zigzag(f["y"]))
            + put_varint(zigzag(f["code"])) + put_varint(len(f["text"])) + f["text"]
            + put_varint(h["period"]) + coded)
    rest = put_varint(len(body)) + body
    return MAGIC2 + struct.pack("<I", crc32c(rest)) + rest


class _Texts:
    RECENT = 15

    def __init__(self):
        self.same = _models(len(KINDS))
        self.recent = _models(16)
        self.len = NumModel(8)
        self.len_k = 0
        self.rows = {}
        self.at = [b""]

    def seen(self, found, text):
        if found >= len(self.at):
            found = len(self.at) if len(self.at) < self.RECENT + 1 else self.RECENT
            self.at.append(None)
        self.at[1:found + 1] = self.at[0:found]
        self.at[0] = text
        del self.at[self.RECENT + 1:]

    def read(self, d, kind):
        """(the text, the bytes coded for it or None when it was one seen
        before)."""
        if d.bit(self.same[kind]):
            return self.at[0], None
        found = d.tree(self.recent, 4)
        if found >= len(self.at):
            raise FormatError("text %d of %d seen" % (found, len(self.at)))
        if found:
            text, new = self.at[found], None
        else:
            n, self.len_k = self.len.read(d, 0, self.len_k)
            if n >= EVENT_TEXT_MAX:
                raise FormatError("a text of %d bytes" % n)
            out, prev = bytearray(), 0
            for _ in range(n):
                row = self.rows.get(prev)
                if row is None:
                    row = self.rows[prev] = _models(256)
                prev = d.tree(row, 8)
                if prev == 0:
                    raise FormatError("a NUL in a text")
                out.append(prev)
            text = new = bytes(out)
            found = len(self.at)
        self.seen(found, text)
        return text, new


PRIORS_FLAG = 32
PRIORS_H = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "agent", "store",
                        "segment2-priors.h")


def _priors():
    """The priors of format 2's models, read from the C table itself (one
    table for both readers): per stream a list of (model, part, index,
    probability of a 1, decisions counted as seen), one without a period and
    one with."""
    with open(PRIORS_H) as f:
        src = f.read()
    tables = {(int(s), int(p)): [tuple(int(v) for v in e) for e in
                                 re.findall(r"\{(\d+),(\d+),(\d+),(\d+),(\d+)\}", body)]
              for s, p, body in re.findall(r"prior_(\d+)_(\d+)\[\] = \{(.*?)\n\};", src, re.S)}
    return [[tables.get((s, p), []) for p in (0, 1)] for s in range(len(STREAMS))]


def _num_slot(nm, part, i):
    if part < 3:
        return (nm.hit, nm.up, nm.sign)[part][i]
    if part == 3:
        return nm.away[i // (2 * NUM_STEPS)][i // NUM_STEPS % 2][i % NUM_STEPS]
    k = part - 4
    if i < 1 << nm.depth:
        return nm.trees.setdefault(k, _models(1 << nm.depth))[i]
    return nm.lows.setdefault(k, _models(64))[i - (1 << nm.depth)]


def _prime(stream, periodic, nums, kind_m, code_same, texts, text_models):
    """The models set to the stream's priors, numbered as segment2.c's:
    nums the 7 numbers' models (time, steps, offset, x, y, code, text
    length), then kinds, codes' "same", texts' "same", "recent" and bytes."""
    for model, part, i, p, n in _priors()[stream][periodic]:
        if model < len(nums):
            m = _num_slot(nums[model], part, i)
        elif model == 7:
            m = kind_m[part][i]
        elif model == 8:
            m = code_same[i]
        elif model == 9:
            m = texts.same[i]
        elif model == 10:
            m = texts.recent[i]
        elif text_models:
            m = texts.rows.setdefault(part, _models(256))[i]
        else:
            continue
        m[0], m[1] = p, n


def read_segment2(data):
    """A format 2 file: (header, events, columns). columns: "constant",
    the set of the columns the header holds (every event has the header's
    value); "text", per event the bytes coded for its text (None when it was
    the previous text or one seen before, or the column is constant);
    "decisions", the binary decisions coded for each column; "coded", the
    range-coded bytes."""
    h = parse_header2(data)
    mask, first = h["mask"], h["first"]
    d = RangeDecoder(data[h["coded"]:])
    clock = _Time(h["start"], h["period"])
    kind_m, kind_prev = [_models(8) for _ in KINDS], 0
    ax, ay = _Axis(), _Axis()
    code_m, code_same = NumModel(8), _models(len(KINDS))
    code_prev, code_k = [0] * len(KINDS), [0] * len(KINDS)
    texts = _Texts()
    if mask & PRIORS_FLAG:
        nums = [clock.delta, clock.steps, clock.offset, ax.m, ay.m, code_m, texts.len]
        _prime(h["stream"], 1 if h["period"] else 0, nums, kind_m, code_same, texts,
               not mask & 16)
    events, stored = [], []
    for i in range(h["events"]):
        d.column = "time"
        t = clock.read(d)
        kind = first["kind"]
        d.column = "kind"
        if not mask & 1:
            kind = d.tree(kind_m[kind_prev], 3)
        if not h["start"] <= t <= h["end"] or kind >= len(KINDS):
            raise FormatError("event %d: time %d outside [%d, %d], or kind %d"
                              % (i, t, h["start"], h["end"], kind))
        kind_prev = kind
        px, py = (events[-1][2], events[-1][3]) if i else (first["x"], first["y"])
        d.column = "x"
        x = first["x"] if mask & 2 else ax.read(d, kind, px)
        d.column = "y"
        y = first["y"] if mask & 4 else ay.read(d, kind, py, 46 if ax.prev_d == 0 else 0)
        d.column = "code"
        if mask & 8:
            code = first["code"]
        elif d.bit(code_same[kind]):
            code = code_prev[kind]
        else:
            v, code_k[kind] = code_m.read(d, kind, code_k[kind])
            code = _signed64((code_prev[kind] + v) & M64)
        code_prev[kind] = code
        for v in (x, y, code):
            if not -2**31 <= v < 2**31:
                raise FormatError("event %d: %d does not fit 32 bits" % (i, v))
        d.column = "text"
        text, new = (first["text"], None) if mask & 16 else texts.read(d, kind)
        stored.append(new)
        events.append((t, KINDS[kind], x, y, code, text.decode("utf-8", errors="replace")))
    if not d.done():
        raise FormatError("the coded bytes are not all read, or run out (%d of %d, %d past)"
                          % (d.pos, len(d.data), d.past))
    if events and (min(e[0] for e in events), max(e[0] for e in events)) != (h["start"],
                                                                          h["end"]):
        raise FormatError("the events do not span the header's start and end")
    cols = {"constant": {c for c, bit in CONSTANT.items() if mask & bit}, "text": stored,
            "decisions": {c: d.count.get(c, 0) for c in ["time"] + list(CONSTANT)},
            "coded": data[h["coded"]:]}
    return h, events, cols
