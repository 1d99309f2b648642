"""A D-Bus client on the wire, for what dbus-python refuses to send: strings
that are not UTF-8, bodies that do not match their signature, lying
lengths, half messages, unrequested replies, arrays at the bus's size
limits. It authenticates with EXTERNAL, says Hello, marshals any value of
any signature (a str is sent as UTF-8, bytes as they are) and reads back
the header and the first string of what arrives."""

import os
import select
import socket
import struct

CALL, RETURN, ERROR, SIGNAL = 1, 2, 3, 4
NO_REPLY = 1
F_PATH, F_INTERFACE, F_MEMBER, F_ERROR, F_REPLY_SERIAL, F_DESTINATION, F_SENDER, \
    F_SIGNATURE = range(1, 9)
ALIGN = {"y": 1, "b": 4, "n": 2, "q": 2, "i": 4, "u": 4, "x": 8, "t": 8, "d": 8, "s": 4,
         "o": 4, "g": 1, "a": 4, "(": 8, "{": 8, "v": 1, "h": 4}
FIXED = {"y": "B", "b": "I", "n": "h", "q": "H", "i": "i", "u": "I", "x": "q", "t": "Q",
         "d": "d", "h": "I"}


def split_types(sig):
    """The complete types of a signature, as a list of strings."""
    out, i = [], 0
    while i < len(sig):
        j = type_end(sig, i)
        out.append(sig[i:j])
        i = j
    return out


def type_end(sig, i):
    c = sig[i]
    if c == "a":
        return type_end(sig, i + 1)
    if c in "({":
        close = ")" if c == "(" else "}"
        j = i + 1
        while sig[j] != close:
            j = type_end(sig, j)
        return j + 1
    return i + 1


class Writer:
    def __init__(self, endian="<"):
        self.e = endian
        self.b = bytearray()

    def align(self, n):
        self.b += b"\0" * (-len(self.b) % n)

    def fixed(self, t, v):
        self.align(ALIGN[t])
        self.b += struct.pack(self.e + FIXED[t], v)

    def string(self, v, sig=False):
        data = v.encode() if isinstance(v, str) else bytes(v)
        if sig:
            self.b += struct.pack("B", len(data) & 0xff)
        else:
            self.align(4)
            self.b += struct.pack(self.e + "I", len(data) & 0xffffffff)
        self.b += data + b"\0"

    def value(self, t, v):
        """Appends v as the complete type t."""
        c = t[0]
        if c in FIXED:
            self.fixed(c, int(v) if c != "d" else float(v))
        elif c in "so":
            self.string(v)
        elif c == "g":
            self.string(v, sig=True)
        elif c == "v":
            vt, vv = v
            self.string(vt, sig=True)
            self.value(vt, vv)
        elif c == "(" or c == "{":
            self.align(8)
            for et, ev in zip(split_types(t[1:-1]), v):
                self.value(et, ev)
        elif c == "a":
            et = t[1:]
            self.align(4)
            at = len(self.b)
            self.b += b"\0\0\0\0"
            self.align(ALIGN[et[0]])
            start = len(self.b)
            if isinstance(v, (bytes, bytearray)):
                self.b += v  # already marshalled elements
            else:
                items = v.items() if isinstance(v, dict) else v
                for ev in items:
                    self.value(et, ev)
            struct.pack_into(self.e + "I", self.b, at, len(self.b) - start)
        else:
            raise ValueError("cannot marshal %r" % t)


def message(kind, serial, fields, sig="", body=(), flags=0, raw_body=None, body_len=None,
            endian="<"):
    """The bytes of one message. fields: [(code, type, value)]. raw_body, if
    given, is sent instead of marshalling body; body_len may lie."""
    w = Writer(endian)
    for t, v in zip(split_types(sig), body):
        w.value(t, v)
    data = bytes(w.b) if raw_body is None else raw_body
    fl = list(fields)
    if sig:
        fl.append((F_SIGNATURE, "g", sig))
    h = Writer(endian)
    h.b += struct.pack(endian + "BBBBII", ord("l" if endian == "<" else "B"), kind, flags, 1,
                       len(data) if body_len is None else body_len, serial)
    h.value("a(yv)", [(code, (t, v)) for code, t, v in fl])
    h.align(8)
    return bytes(h.b) + data


def call_fields(dest, path, iface, member):
    f = [(F_PATH, "o", path), (F_MEMBER, "s", member), (F_DESTINATION, "s", dest)]
    if iface is not None:
        f.append((F_INTERFACE, "s", iface))
    return f


class RawBus:
    def __init__(self, address, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(self._path(address))
        self.buf = b""
        self.serial = 0
        self.closed = False
        self.sock.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() +
                          b"\r\n")
        line = self._line()
        if not line.startswith(b"OK "):
            raise RuntimeError("the bus refused EXTERNAL: %r" % line)
        self.sock.sendall(b"BEGIN\r\n")
        s = self.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                      "Hello")
        r = self.reply(s)
        if not r or r["type"] != RETURN:
            raise RuntimeError("Hello failed: %r" % r)
        self.name = r["first"]

    @staticmethod
    def _path(address):
        for part in address.split(";"):
            kind, _, rest = part.partition(":")
            if kind != "unix":
                continue
            kv = dict(x.split("=", 1) for x in rest.split(",") if "=" in x)
            if "path" in kv:
                return kv["path"]
            if "abstract" in kv:
                return "\0" + kv["abstract"]
        raise ValueError("no unix address in %r" % address)

    def _line(self):
        while b"\r\n" not in self.buf:
            d = self.sock.recv(4096)
            if not d:
                raise RuntimeError("the bus closed the connection during auth")
            self.buf += d
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def next_serial(self):
        self.serial += 1
        return self.serial

    def send(self, data):
        """Sends bytes; False if the bus has closed the connection."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed = True
            return False

    def call(self, dest, path, iface, member, sig="", body=(), flags=0, **kw):
        s = self.next_serial()
        self.send(message(CALL, s, call_fields(dest, path, iface, member), sig, body, flags,
                          **kw))
        return s

    def _parse(self):
        """One message from the buffer, or None if it is not all here."""
        b = self.buf
        if len(b) < 16:
            return None
        e = "<" if b[0:1] == b"l" else ">"
        kind, flags, _ver, blen, serial, flen = struct.unpack_from(e + "BBBIII", b, 1)
        hlen = 16 + flen + (-(16 + flen) % 8)
        if len(b) < hlen + blen:
            return None
        fields, i = {}, 16
        while i < 16 + flen:
            i += -i % 8
            code = b[i]
            slen = b[i + 1]
            vt = b[i + 2:i + 2 + slen].decode()
            i += 3 + slen
            if vt in ("s", "o"):
                i += -i % 4
                n = struct.unpack_from(e + "I", b, i)[0]
                fields[code] = b[i + 4:i + 4 + n].decode("utf-8", "replace")
                i += 5 + n
            elif vt == "g":
                n = b[i]
                fields[code] = b[i + 1:i + 1 + n].decode()
                i += 2 + n
            elif vt == "u":
                i += -i % 4
                fields[code] = struct.unpack_from(e + "I", b, i)[0]
                i += 4
            else:
                raise RuntimeError("unexpected header field type %r" % vt)
        body = b[hlen:hlen + blen]
        self.buf = b[hlen + blen:]
        first = None
        sig = fields.get(F_SIGNATURE, "")
        if sig[:1] == "s" and len(body) >= 4:
            n = struct.unpack_from(e + "I", body, 0)[0]
            first = body[4:4 + n].decode("utf-8", "replace")
        return {"type": kind, "flags": flags, "serial": serial,
                "reply_serial": fields.get(F_REPLY_SERIAL), "error": fields.get(F_ERROR),
                "sender": fields.get(F_SENDER), "member": fields.get(F_MEMBER),
                "signature": sig, "first": first, "body": body, "endian": e}

    def recv(self, timeout):
        """The next message, None on timeout, or "closed"."""
        while True:
            m = self._parse()
            if m:
                return m
            if self.closed:
                return "closed"
            r, _, _ = select.select([self.sock], [], [], timeout)
            if not r:
                return None
            try:
                d = self.sock.recv(1 << 20)
            except OSError:
                d = b""
            if not d:
                self.closed = True
                continue
            self.buf += d

    def reply(self, serial, timeout=5.0):
        """The reply to serial (a dict), "closed", or None on timeout;
        anything else that arrives is dropped."""
        while True:
            m = self.recv(timeout)
            if m is None or m == "closed":
                return m
            if m["type"] in (RETURN, ERROR) and m["reply_serial"] == serial:
                return m

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        self.closed = True
