#!/usr/bin/python3
"""The bus fuzzer: a real agent on a private dbus-daemon, hammered with
random and malformed calls to every method and property it introspects
(org.capctl.Agent1, .Admin, Properties, Introspectable, Peer): wrong
signatures, huge and odd strings, huge arrays, out-of-range numbers, calls
from another uid, and on the wire (rawbus.py) strings that are not UTF-8,
lying lengths, half messages, forged replies and signals. Every answer is
judged against a model of what the accepted calls did, and after each batch
the agent must be alive, answer GetAll within a second and its properties
must tell the truth (the pause, the exemptions, History, deleted segments).

bus-fuzz.py [--seconds N] [--seed S]      (or BUS_FUZZ_SECONDS, BUS_FUZZ_SEED)
The seed is printed first; a failure prints the call that did it. The agent
is $CAPTURED (tests/run sets it; the SANITIZE build under make fuzz). With
BUS_FUZZ_VALGRIND=1 a shorter run follows with the plain build
(BUS_FUZZ_VALGRIND_AGENT, else build/captured) under valgrind
--leak-check=full, and any definite leak or error fails it."""

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import time
import traceback

sys.dont_write_bytecode = True  # nothing generated in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)
import harness as h  # noqa: E402
import rawbus as rb  # noqa: E402
import dbus  # noqa: E402

BATCH = 40
# Two policies, by the seed's parity: the defaults' generosity, and one
# with a daily pause budget, no deletion and few pending requests.
VARIANTS = [
    {"name": "generous", "max_pause": 1800, "budget": 0, "deletion": True, "max_pending": 20},
    {"name": "strict", "max_pause": 60, "budget": 60, "deletion": False, "max_pending": 3},
]


def policy_text(v):
    return ("version = 1;\npolicy = {\n  max_pause_minutes = %d;\n"
            "  daily_pause_budget_minutes = %d;\n  max_pending_exemptions = %d;\n"
            "  allow_user_deletion = %s;\n};\nretention = { segment_seconds = 10; };\n"
            "exclude_apps = [ ];\n" % (v["max_pause"] // 60, v["budget"] // 60, v["max_pending"],
                                       "true" if v["deletion"] else "false"))


SCOPES = ["all"] + h.STREAM_IDS
OWN_IFACES = (h.IFACE, h.ADMIN, h.PROPS)
SANITIZER = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|dbus\[\d+\]: |"
                       r"SUMMARY: (Address|Undefined)")
E_UNKNOWN_OBJECT = h.D + "UnknownObject"
# What no call may ever get: the agent gone, hung or its bus confused.
NEVER = {h.D + "NoReply", h.D + "ServiceUnknown", h.D + "Disconnected", h.D + "Timeout",
         h.D + "NameHasNoOwner", "org.freedesktop.DBus.Python.RuntimeError"}
CONTRACT_ERRORS = {h.E_INVALID_DURATION, h.E_BUDGET, h.E_NO_SUCH_EXEMPTION, h.E_NOT_ALLOWED,
                   h.E + "NoSuchSegment", h.E + "DeletionNotAllowed", h.E + "StorageFailed",
                   h.E + "PolicyChanged", h.E_ACCESS, h.E_INVALID_ARGS, h.E_LIMITS,
                   h.E_UNKNOWN_METHOD, h.E_UNKNOWN_INTERFACE, h.E_UNKNOWN_PROPERTY,
                   h.E_READ_ONLY, h.D + "Failed"}


class Failure(Exception):
    pass


# ---- values ----

UINTS = [0, 1, 2, 9, 10, 59, 60, 365, 366, 1000, 1001, 1799, 1800, 1801, 10000, 10001, 86400,
         86401, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1]
UINT64S = [0, 1, 2, 1000, 2 ** 32, 2 ** 53 + 1, 2 ** 63 - 1, 2 ** 63, 2 ** 64 - 1]
CHARS = ["abcXYZ019 -_.:/", "éàüßñøç", "漢字かなカナ한글", "😀🎉👍🏽𝔘", "\n\t",
         "\x01\x07\x08\x1b\x7f\x85\x9b", "\u202a\u202e\u2066\u2069\u200f\u061c",
         "\ufeff\ufffd\ufffe\U0010ffff", "%s%n%x{}\\\"'"]
LENGTHS = [0, 1, 2, 5, 12, 63, 64, 65, 200, 511, 512, 513, 1000, 1999, 2000, 2001, 4096]
HUGE_LENGTHS = [70000, 1 << 20]
SIGS = ["", "s", "u", "t", "b", "i", "x", "d", "y", "n", "q", "o", "g", "v", "ss", "su", "us",
        "uu", "tu", "tuu", "sss", "sssu", "sbs", "ssv", "as", "au", "at", "ay", "a{sv}", "a{ss}",
        "(su)", "(tu)", "a(tssu)", "aat", "vv", "sssuu", "ssss", "sbsb", "asu"]
SIMPLE = "ybnqiuxtdsog"
# How often a method is called, against 1 for the others: these stop or
# erase recording, and the agent needs quiet stretches of 10 s (a segment)
# for there to be segments to list, read and delete.
WEIGHT = {"Forget": 0.01, "Pause": 0.3, "DecideExemption": 0.5}


def rand_string(rng, huge=True):
    pools = rng.sample(CHARS, rng.randint(1, 3))
    lengths = LENGTHS + (HUGE_LENGTHS if huge and rng.random() < 0.05 else [])
    n = rng.choice(lengths)
    if n > 4096:
        # Long ones from a short random piece: quick to make, still odd.
        piece = "".join(rng.choice(rng.choice(pools)) for _ in range(50))
        return (piece * (n // len(piece) + 1))[:n]
    return "".join(rng.choice(rng.choice(pools)) for _ in range(n))


def rand_sig(rng, depth=0):
    """One complete type."""
    r = rng.random()
    if depth > 2 or r < 0.55:
        return rng.choice(SIMPLE + "v")
    if r < 0.75:
        return "a" + rand_sig(rng, depth + 1)
    if r < 0.85:
        return "a{" + rng.choice("sutoy") + rand_sig(rng, depth + 1) + "}"
    return "(" + "".join(rand_sig(rng, depth + 1) for _ in range(rng.randint(1, 3))) + ")"


def rand_value(rng, t, ctx, variant_level=0):
    """A dbus-python value of the complete type t."""
    c = t[0]
    vl = {"variant_level": variant_level} if variant_level else {}
    if c == "y":
        return dbus.Byte(rng.choice([0, 1, 127, 255, rng.randrange(256)]), **vl)
    if c == "b":
        return dbus.Boolean(rng.random() < 0.5, **vl)
    if c == "n":
        return dbus.Int16(rng.choice([0, -1, 32767, -32768]), **vl)
    if c == "q":
        return dbus.UInt16(rng.choice([0, 1, 65535]), **vl)
    if c == "i":
        return dbus.Int32(rng.choice([0, 1, -1, 2 ** 31 - 1, -2 ** 31]), **vl)
    if c == "u":
        return dbus.UInt32(rng.choice(UINTS + [rng.randrange(2 ** 32)]), **vl)
    if c == "x":
        return dbus.Int64(rng.choice([0, -1, 2 ** 63 - 1, -2 ** 63]), **vl)
    if c == "t":
        return dbus.UInt64(rng.choice(UINT64S + [h.now_us(), rng.randrange(2 ** 64)]), **vl)
    if c == "d":
        return dbus.Double(rng.choice([0.0, -0.0, 1.5, 1e308, float("inf"), float("nan")]),
                           **vl)
    if c == "s":
        return dbus.String(ctx.some_string(rng), **vl)
    if c == "o":
        return dbus.ObjectPath(rng.choice(["/", "/org/capctl/Agent1", "/a/b_c/D0"]), **vl)
    if c == "g":
        return dbus.Signature(rng.choice(SIGS), **vl)
    if c == "v":
        inner = rand_sig(rng, 1)
        return rand_value(rng, inner, ctx, variant_level + 1)
    if c == "a" and t[1] == "{":
        kt, vt = rb.split_types(t[2:-1])
        d = {rand_value(rng, kt, ctx): rand_value(rng, vt, ctx) for _ in range(rng.randint(0, 3))}
        return dbus.Dictionary(d, signature=kt + vt, **vl)
    if c == "a":
        et = t[1:]
        n = rng.choice([0, 1, 2, 3, 8] + ([1000, 10001] if et[0] in "tuy" else []))
        return dbus.Array([rand_value(rng, et, ctx) for _ in range(n)], signature=et, **vl)
    if c == "(":
        return dbus.Struct([rand_value(rng, et, ctx) for et in rb.split_types(t[1:-1])],
                           signature=t[1:-1], **vl)
    raise ValueError(t)


def local_day():
    return time.strftime("%Y-%m-%d")


def text_ok(s, allow_empty):
    """The agent's rule for a reason or a note."""
    b = s.encode()
    if len(b) > 2000 or (not b and not allow_empty):
        return False
    return not any((ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) <= 0x9f for ch in s)


# ---- the model ----

class Model:
    """What the accepted calls did, to hold the agent's properties to."""

    def __init__(self, props, methods, variant):
        self.v = variant            # the policy's limits
        self.budget_left = None     # PauseBudgetLeft at the last look, and its day
        self.props = props          # property names
        self.methods = methods      # {(iface, member): in signature}
        self.until = 0              # the pause's end, 0 none
        self.ex = []                # [id, scope, category, status, reason, note], oldest first
        self.segments = set()       # ids seen in ListSegments
        self.deleted = set()        # ids DeleteSegments removed
        self.history_total = 0
        self.reset_counts()

    def reset_counts(self):
        self.counts = {}
        self.uncertain = {}

    def count(self, action, sure=True):
        d = self.counts if sure else self.uncertain
        d[action] = d.get(action, 0) + 1

    def exemption(self, ex_id):
        for e in self.ex:
            if e[0] == ex_id:
                return e
        return None

    def pending(self):
        return sum(1 for e in self.ex if e[3] == "pending")

    def some_id(self, rng):
        if self.ex and rng.random() < 0.7:
            return rng.choice(self.ex)[0]
        return rng.choice(["EX-0", "EX-%d" % (len(self.ex) + 1), "EX-%d" % (len(self.ex) + 7),
                           "ex-1", "EX-1 ", " EX-1", "EX--1", "EX-99999999999999999999",
                           "EX-1\n", ""])

    def some_string(self, rng):
        r = rng.random()
        if r < 0.15:
            return rng.choice(SCOPES + h.CATEGORIES + list(self.props) +
                              ["", h.IFACE, h.ADMIN, h.PROPS, "org.capctl.Agent1.Nope"])
        if r < 0.25:
            return self.some_id(rng)
        return rand_string(rng)

    def some_segments(self, rng):
        known = sorted(self.segments | self.deleted)
        n = rng.choice([0, 1, 2, 5, 50, 10000, 10001, 20000])
        if n > 100:
            return [rng.randrange(2 ** 64) for _ in range(n)]
        return [rng.choice(known) if known and rng.random() < 0.15 else rng.randrange(2 ** 64)
                for _ in range(n)]


# ---- one call: arguments, the outcomes allowed, what it did ----

def page(rng):
    return [dbus.UInt64(rng.choice([0] * 6 + UINT64S)),
            dbus.UInt32(rng.choice([0, 1, 10, 10, 1000, 1000, 1001, 2 ** 32 - 1]))]


def semantic_args(rng, m, iface, member):
    """Arguments with the right signature that often hit the accepted path."""
    u32 = dbus.UInt32
    if m.methods.get((iface, member)) == "":
        return []
    # Pauses and forgetting mostly short, so the agent records in between
    # and there are segments to list, read and delete.
    if member == "Pause":
        return [u32(rng.choice(UINTS) if rng.random() < 0.3 else rng.randint(1, 5))]
    if member == "Forget":
        if rng.random() < 0.05:
            return [u32(rng.choice([60, 86400]))]
        return [u32(rng.choice([0, 1, 1, 1, 2, 86401, 2 ** 32 - 1]))]
    if member == "RequestExemption":
        good = rng.random() < 0.6
        return [rng.choice(SCOPES) if good or rng.random() < 0.5 else m.some_string(rng),
                rng.choice(h.CATEGORIES) if good or rng.random() < 0.5 else m.some_string(rng),
                rng.choice(["a reason", "é" * 1000, "line one\nline two", "x" * 2000])
                if good or rng.random() < 0.3 else rand_string(rng),
                u32(rng.randint(1, 365) if good else rng.choice(UINTS))]
    if member == "WithdrawExemption":
        return [m.some_id(rng)]
    if member == "DecideExemption":
        return [m.some_id(rng), dbus.Boolean(rng.random() < 0.5),
                rng.choice(["", "ok", "😀" * 500]) if rng.random() < 0.6 else rand_string(rng)]
    if member in ("ListSegments", "History", "HistoryChain"):
        return page(rng)
    if member == "ReadSegment":
        known = sorted(m.segments | m.deleted)
        sid = rng.choice(known) if known and rng.random() < 0.9 else rng.choice(UINT64S)
        return [dbus.UInt64(sid), u32(rng.choice([0, 0, 1, 5, 2 ** 32 - 1])),
                u32(rng.choice([0, 1, 100, 100, 10000, 10001, 2 ** 32 - 1]))]
    if member == "DeleteSegments":
        return [dbus.Array([dbus.UInt64(x) for x in m.some_segments(rng)], signature="t")]
    if member == "RecentEvents":
        return [u32(rng.choice([0, 1, 10, 1000, 1001, 2 ** 32 - 1]))]
    if member in ("Get", "Set", "GetAll"):
        ifc = rng.choice([h.IFACE, h.IFACE, "", h.ADMIN, h.PROPS, m.some_string(rng)])
        name = rng.choice(list(m.props) * 3 + [m.some_string(rng)])
        if member == "GetAll":
            return [ifc]
        if member == "Get":
            return [ifc, name]
        return [ifc, name, rand_value(rng, "v", m)]
    return None


def expected(m, iface, member, sig, args, now):
    """The outcomes the contract allows: a set of error names and "ok", or
    None for any answer at all (a method this model does not know)."""
    want = m.methods.get((iface, member))
    if iface in (h.INTROSPECTABLE, h.PEER):
        if member == "Introspect":
            return {"ok"} if sig == "" else {h.E_INVALID_ARGS}
        return None  # libdbus answers Peer itself
    if want is None:
        return {h.E_UNKNOWN_METHOD}
    if sig != want:
        return {h.E_INVALID_ARGS}
    a = [h.plain(x) for x in args]
    if member == "Pause":
        if not 1 <= a[0] <= m.v["max_pause"]:
            return {h.E_INVALID_DURATION}
        if not m.v["budget"]:
            return {"ok"}
        # The budget only shrinks during a day: more than was left at the
        # last look is refused; less may or may not fit by now.
        if m.budget_left is not None and a[0] > m.budget_left[0] and \
                m.budget_left[1] == local_day():
            return {h.E_BUDGET}
        return {"ok", h.E_BUDGET}
    if member == "Resume":
        return {"ok"}
    if member in ("Forget", "DeleteSegments") and not m.v["deletion"]:
        return {h.E + "DeletionNotAllowed"}
    if member == "Forget":
        return {"ok"} if 1 <= a[0] <= 86400 else {h.E_INVALID_DURATION}
    if member == "RequestExemption":
        scope, cat, reason, days = a
        if scope not in SCOPES or cat not in h.CATEGORIES or not text_ok(reason, False) or \
                not 1 <= days <= 365:
            return {h.E_INVALID_ARGS}
        return {h.E_LIMITS} if m.pending() >= m.v["max_pending"] else {"ok"}
    if member in ("WithdrawExemption", "DecideExemption"):
        e = m.exemption(a[0])
        if e is None:
            return {h.E_NO_SUCH_EXEMPTION}
        if member == "DecideExemption" and not text_ok(a[2], True):
            return {h.E_INVALID_ARGS}
        ok = ("pending", "approved") if member == "WithdrawExemption" else ("pending",)
        return {"ok"} if e[3] in ok else {h.E_NOT_ALLOWED}
    if member in ("ListSegments", "History"):
        return {"ok"} if 1 <= a[1] <= 1000 else {h.E_INVALID_ARGS}
    if member == "RecentEvents":
        return {"ok"} if 1 <= a[0] <= 1000 else {h.E_INVALID_ARGS}
    if member == "ReadSegment":
        if not 1 <= a[2] <= 10000:
            return {h.E_INVALID_ARGS}
        if a[0] in m.deleted or a[0] not in m.segments:
            # An id never listed may still be one written since.
            return {h.E + "NoSuchSegment"} if a[0] in m.deleted else \
                {"ok", h.E + "NoSuchSegment"}
        return {"ok", h.E + "NoSuchSegment"}  # it may have been forgotten or put aside
    if member == "DeleteSegments":
        return {h.E_LIMITS} if len(a[0]) > 10000 else {"ok"}
    if member in ("Get", "Set", "GetAll"):
        ifc = a[0]
        if ifc not in ("", h.IFACE, h.ADMIN):
            return {h.E_UNKNOWN_INTERFACE}
        if member == "GetAll":
            return {"ok"}
        if a[1] not in m.props or (member == "Get" and ifc == h.ADMIN):
            return {h.E_UNKNOWN_PROPERTY}
        return {"ok"} if member == "Get" else {h.E_READ_ONLY}
    return None


def apply(m, member, args, reply, t_call):
    """Updates the model with an accepted call; raises Failure on a reply
    that cannot be true."""
    a = [h.plain(x) for x in args]
    now = h.now_us()
    if member == "Pause":
        until = int(reply)
        if abs(until - (t_call + a[0] * 1000000)) > 3000000:
            raise Failure("Pause(%d) answered until %d, %.1f s off" % (
                a[0], until, (until - t_call) / 1e6 - a[0]))
        m.until = until
        m.count("pause")
    elif member == "Resume":
        if m.until - now > 1500000:
            m.count("resume")
        elif m.until and now - m.until < 1500000:
            m.count("resume", sure=False)  # it may have just ended by itself
        m.until = 0
    elif member == "Forget":
        m.count("forget")
    elif member == "RequestExemption":
        ex_id = str(reply)
        if not re.fullmatch(r"EX-[1-9][0-9]*", ex_id) or m.exemption(ex_id):
            raise Failure("RequestExemption answered the id %r" % ex_id)
        m.ex.append([ex_id, a[0], a[1], "pending", a[2], ""])
        m.count("exemption-requested")
    elif member == "WithdrawExemption":
        m.exemption(a[0])[3] = "withdrawn"
        m.count("exemption-withdrawn")
    elif member == "DecideExemption":
        e = m.exemption(a[0])
        e[3], e[5] = ("approved" if a[1] else "denied"), a[2]
        m.count("exemption-approved" if a[1] else "exemption-denied")
    elif member == "DeleteSegments":
        n = int(reply)
        known = set(a[0]) & m.segments
        if n > len(set(a[0])):
            raise Failure("DeleteSegments of %d ids answered %d deleted" % (len(set(a[0])), n))
        m.deleted |= known
        m.segments -= known
        if n:
            m.count("segments-deleted")
    elif member == "ListSegments":
        total, rows = reply
        if len(rows) > a[1] or int(total) < len(rows):
            raise Failure("ListSegments(%d, %d) answered total %d with %d rows" % (
                a[0], a[1], total, len(rows)))
        for r in rows:
            if int(r[0]) in m.deleted:
                raise Failure("ListSegments lists segment %d, deleted before" % r[0])
            m.segments.add(int(r[0]))
    elif member == "History":
        total, rows = reply
        if len(rows) > a[1] or int(total) < len(rows):
            raise Failure("History answered total %d with %d rows" % (total, len(rows)))


def shrink(v):
    """v small enough for a command line (the other uid's calls go there)."""
    if isinstance(v, str):
        return v[:2000]
    if isinstance(v, (list, tuple)):
        return [shrink(x) for x in v[:100]]
    if isinstance(v, dict):
        return {shrink(k): shrink(x) for k, x in list(v.items())[:10]}
    return v


def short(v, n=160):
    s = repr(h.plain(v))
    return s if len(s) <= n else s[:n] + "... (%d chars)" % len(s)


class Fuzzer:
    def __init__(self, t, bus, agent, seed, answer_limit, variant, huge=True):
        self.t = t
        self.bus = bus
        self.agent = agent
        self.seed = seed
        self.answer_limit = answer_limit
        self.huge = huge
        self.conn = bus.root
        self.calls = 0
        self.stats = {}
        self.log = []
        xml = str(self.conn.call_blocking(h.NAME, h.PATH, h.INTROSPECTABLE, "Introspect", "",
                                          []))
        ifaces = h.parse_interfaces(xml)
        methods = {}
        for ifc in (h.IFACE, h.ADMIN, h.PROPS, h.INTROSPECTABLE, h.PEER):
            for name, args in ifaces.get(ifc, {"methods": {}})["methods"].items():
                methods[(ifc, name)] = "".join(ty for _, ty, d in args if d == "in")
        self.m = Model(list(ifaces[h.IFACE]["properties"]), methods, variant)
        self.m.history_total = int(self.call(h.IFACE, "History", "tu", [0, 1])[0])

    def call(self, iface, member, sig, args, path=h.PATH):
        return self.conn.call_blocking(h.NAME, path, iface, member, sig, args, timeout=10)

    def describe(self, iface, member, sig, args, path=h.PATH):
        return "%s%s.%s(%s) signature %r" % ("" if path == h.PATH else path + " ", iface, member,
                                             ", ".join(short(x, 80) for x in args), sig)

    def died(self, what):
        raise Failure("the agent died (status %s) after %s\n# agent log:\n%s" % (
            self.agent.proc.returncode, what, self.agent.output()[-3000:]))

    # One random call through dbus-python, judged.
    def one(self, rng):
        keys = sorted(self.m.methods)
        r = rng.random()
        path = h.PATH
        if r < 0.03:
            iface, member = rng.choice(OWN_IFACES), rng.choice(["Nope", "pause", "Get_",
                                                                "A" * 255])
        elif r < 0.05:
            iface, member = "org.example.Nope", rng.choice(["Pause", "Get"])
        else:
            iface, member = rng.choices(keys, [WEIGHT.get(k[1], 1) for k in keys])[0]
        want = self.m.methods.get((iface, member), "")
        args = semantic_args(rng, self.m, iface, member) if rng.random() < 0.7 else None
        sig = want
        if args is None or rng.random() < 0.2:
            sig = rng.choice(SIGS) if rng.random() < 0.6 else \
                "".join(rand_sig(rng) for _ in range(rng.randint(0, 3)))
            args = [rand_value(rng, ty, self.m) for ty in rb.split_types(sig)]
        if rng.random() < 0.02:
            path = rng.choice(["/", "/org/capctl", "/org/capctl/Agent1/x"])
        what = self.describe(iface, member, sig, args, path)
        self.log.append(what)
        allowed = expected(self.m, iface, member, sig, args, h.now_us()) \
            if path == h.PATH else {E_UNKNOWN_OBJECT, h.E_UNKNOWN_METHOD, "ok"}
        if path != h.PATH and (iface, member) == (h.INTROSPECTABLE, "Introspect"):
            allowed = None
        t_call = h.now_us()
        try:
            reply = self.call(iface, member, sig, args, path)
            got = "ok"
        except dbus.exceptions.DBusException as e:
            reply, got = None, e.get_dbus_name()
            if got in NEVER or not self.agent.running():
                if not self.agent.running():
                    self.died(what)
                raise Failure("%s got %s: %s" % (what, got, e.get_dbus_message()))
            if got.startswith("org.freedesktop.DBus.Python."):
                return  # dbus-python could not send it: nothing reached the agent
            if got not in CONTRACT_ERRORS | {E_UNKNOWN_OBJECT}:
                raise Failure("%s got %s, not an error of the contract" % (what, got))
        self.calls += 1
        key = "%s %s" % (member[:24], "ok" if got == "ok" else got.split(".")[-1])
        self.stats[key] = self.stats.get(key, 0) + 1
        if allowed is not None and got not in allowed:
            raise Failure("%s got %s, want %s" % (what, got, " or ".join(sorted(allowed))))
        if got == "ok" and path == h.PATH and iface in (h.IFACE, h.ADMIN) and \
                sig == self.m.methods.get((iface, member)):
            apply(self.m, member, args, reply, t_call)
        if not self.agent.running():
            self.died(what)

    # Calls from a uid that is neither monitored nor an admin.
    def other_uid(self, rng):
        calls = []
        for _ in range(8):
            iface, member = rng.choice(sorted(self.m.methods))
            args = semantic_args(rng, self.m, iface, member)
            if args is None:
                args = [rand_value(rng, ty, self.m) for ty in
                        rb.split_types(self.m.methods[(iface, member)])]
            plain = [shrink(h.plain(a)) for a in args]
            if member == "Set":
                plain[2] = "x"
            calls.append([iface, member, self.m.methods[(iface, member)], plain])
        self.stats["as another uid"] = self.stats.get("as another uid", 0) + len(calls)
        what = "as uid %d: %s" % (h.OTHER, short(calls, 400))
        self.log.append(what)
        results = self.t.as_uid(h.OTHER, self.bus, calls)
        for (iface, member, sig, args), res in zip(calls, results):
            got = res.get("error", "ok")
            ok = (got == "ok") if iface in (h.INTROSPECTABLE, h.PEER) else (got == h.E_ACCESS)
            if iface == h.PEER:
                ok = got not in NEVER
            if not ok:
                raise Failure("as uid %d: %s.%s(%s) got %s, want %s" % (
                    h.OTHER, iface, member, short(args), got,
                    "a reply" if iface in (h.INTROSPECTABLE, h.PEER) else h.E_ACCESS))
        if not self.agent.running():
            self.died(what)

    # On the wire: what dbus-python refuses to send.
    def raw(self, rng):
        c = rb.RawBus(self.bus.address)
        agent = self.agent.unique_name()
        try:
            for _ in range(rng.randint(3, 8)):
                if c.closed:
                    c.close()
                    c = rb.RawBus(self.bus.address)
                self.raw_one(rng, c, agent)
                if not self.agent.running():
                    self.died(self.log[-1])
        finally:
            c.close()

    def raw_one(self, rng, c, agent):
        kind = rng.choice(["bad-utf8", "bad-utf8", "huge-array", "huge-string", "forged-reply",
                           "signal", "no-interface", "no-reply", "big-endian", "half",
                           "lying-length", "deep-variant", "unknown-path"])
        self.log.append("raw %s" % kind)
        self.stats["raw " + kind] = self.stats.get("raw " + kind, 0) + 1
        call = lambda *a, **kw: c.call(h.NAME, h.PATH, *a, **kw)  # noqa: E731

        def answer(s, want, timeout=20):
            r = c.reply(s, timeout)
            got = r if isinstance(r, str) or r is None else \
                ("ok" if r["type"] == rb.RETURN else r["error"])
            self.log[-1] += " -> %s" % (got,)
            if got not in want:
                raise Failure("raw %s got %s, want %s" % (kind, got, " or ".join(sorted(want))))
            return r

        if kind == "bad-utf8":
            bad = rng.choice([b"\xc3", b"\xff", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                              b"\xc0\xaf", b"ok\xe2\x82"]) * rng.randint(1, 700)
            ifc, member, sig, body = rng.choice([
                (h.IFACE, "WithdrawExemption", "s", [bad]),
                (h.IFACE, "RequestExemption", "sssu", ["all", "medical", bad, 1]),
                (h.ADMIN, "DecideExemption", "sbs", [bad, False, bad]),
                (h.PROPS, "Get", "ss", [h.IFACE, bad]),
                (h.PROPS, "GetAll", "s", [bad])])
            answer(call(ifc, member, sig, body), {"closed"})  # the bus drops the sender
        elif kind == "huge-array":
            n = rng.choice([10001, 100000, 1 << 20, 4 << 20] if self.huge else [10001, 50000])
            s = call(h.IFACE, "DeleteSegments", "at", [b"\xff" * (8 * n)])
            answer(s, {h.E_LIMITS if self.m.v["deletion"] else h.E + "DeletionNotAllowed",
                       "closed"})
        elif kind == "huge-string":
            n = rng.choice([1 << 16, 1 << 20, 16 << 20] if self.huge else [1 << 16])
            text = ("é" * (n // 2 + 1))[:n // 2]
            r = answer(call(h.IFACE, "WithdrawExemption", "s", [text]), {h.E_NO_SUCH_EXEMPTION})
            if len(r["first"] or "") > 200:
                raise Failure("an error quoted %d characters of a caller's string"
                              % len(r["first"]))
        elif kind == "forged-reply":
            # Answers nobody asked for, in the bus driver's place too.
            body = rng.choice([("u", [0]), ("u", [rng.randrange(2 ** 32)]), ("s", ["x"]),
                               ("", [])])
            k = rng.randrange(1, 5000)
            c.send(b"".join(rb.message(rng.choice([rb.RETURN, rb.ERROR]), c.next_serial(),
                                       [(rb.F_REPLY_SERIAL, "u", k + i),
                                        (rb.F_DESTINATION, "s", agent)] +
                                       [(rb.F_ERROR, "s", h.E_ACCESS)], body[0], body[1],
                                       flags=rb.NO_REPLY) for i in range(20)))
        elif kind == "signal":
            ifc, member, sig, body = rng.choice([
                ("org.freedesktop.DBus", "NameOwnerChanged", "sss", [":1.1", ":1.1", ""]),
                (h.PROPS, "PropertiesChanged", "sa{sv}as", [h.IFACE, {}, []]),
                ("org.freedesktop.UPower", "Changed", "", []),
                (h.IFACE, "Pause", "u", [60])])
            c.send(rb.message(rb.SIGNAL, c.next_serial(),
                              [(rb.F_PATH, "o", rng.choice(["/", h.PATH,
                                                            "/org/freedesktop/DBus"])),
                               (rb.F_INTERFACE, "s", ifc), (rb.F_MEMBER, "s", member)] +
                              ([(rb.F_DESTINATION, "s", agent)] if rng.random() < 0.5 else []),
                              sig, body))
        elif kind == "no-interface":
            member, sig, body, want = rng.choice([
                ("History", "tu", [0, 5], {"ok"}), ("GetAll", "s", [h.IFACE], {h.E_UNKNOWN_METHOD}),
                ("Nope", "", [], {h.E_UNKNOWN_METHOD}), ("ListSegments", "tu", [0, 0],
                                                          {h.E_INVALID_ARGS})])
            answer(call(None, member, sig, body), want)
        elif kind == "no-reply":
            call(h.IFACE, "History", "tu", [0, 1000], flags=rb.NO_REPLY)
            answer(call(h.PEER, "Ping"), {"ok"})
        elif kind == "big-endian":
            answer(call(h.PROPS, "Get", "ss", [h.IFACE, "State"], endian=">"), {"ok"})
            answer(call(h.IFACE, "History", "tu", [2 ** 64 - 1, 0], endian=">"),
                   {h.E_INVALID_ARGS})
        elif kind == "half":
            data = rb.message(rb.CALL, c.next_serial(), rb.call_fields(
                h.NAME, h.PATH, h.IFACE, "WithdrawExemption"), "s", ["EX-1"])
            c.send(data[:rng.randint(1, len(data) - 1)])
            c.close()
        elif kind == "lying-length":
            data = rb.message(rb.CALL, c.next_serial(), rb.call_fields(
                h.NAME, h.PATH, h.IFACE, "Pause"), "u", [60],
                body_len=rng.choice([0, 1, 3, 2 ** 27 + 1]))
            c.send(data)
            answer(call(h.PEER, "Ping"), {"closed", "ok", None})
            c.close()
        elif kind == "deep-variant":
            depth = rng.choice([2, 16, 31, 32, 33, 64, 70])
            v = ("u", 7)
            for _ in range(depth):
                v = ("v", v)
            answer(call(h.PROPS, "Set", "ssv", [h.IFACE, "State", v]),
                   {h.E_READ_ONLY, "closed"})
        elif kind == "unknown-path":
            s = c.call(h.NAME, rng.choice(["/", "/org/capctl/Agent1/x"]), h.IFACE, "Pause", "u",
                       [60])
            answer(s, {E_UNKNOWN_OBJECT, h.E_UNKNOWN_METHOD})

    # What the agent answered as done survives its end, even by SIGKILL.
    def restart(self, rng):
        sig = rng.choice([signal.SIGTERM, signal.SIGKILL])
        self.log.append("restart after %s" % signal.Signals(sig).name)
        self.stats["restart"] = self.stats.get("restart", 0) + 1
        rc = self.agent.stop(sig, timeout=60)
        if sig == signal.SIGTERM and rc != 0:
            raise Failure("the agent exited %s on SIGTERM\n%s" % (rc, self.agent.output()[-3000:]))
        self.agent.restart()

    # After each batch: alive, quick, and telling the truth.
    def check(self):
        if not self.agent.running():
            self.died("the batch")
        t0 = time.monotonic()
        props = h.plain(self.call(h.PROPS, "GetAll", "s", [h.IFACE]))
        took = time.monotonic() - t0
        if took > self.answer_limit:
            # One retry: the machine may be busy for a moment.
            t0 = time.monotonic()
            props = h.plain(self.call(h.PROPS, "GetAll", "s", [h.IFACE]))
            took = time.monotonic() - t0
            if took > self.answer_limit:
                raise Failure("GetAll took %.2f s, twice" % took)
        m, now = self.m, h.now_us()
        lies = []

        def truth(what, got, want):
            if got != want:
                lies.append("%s is %r, but the accepted calls say %r" % (what, got, want))

        v = m.v
        truth("MaxPauseSeconds", props["MaxPauseSeconds"], v["max_pause"])
        truth("PauseBudgetSeconds", props["PauseBudgetSeconds"], v["budget"])
        truth("Retention.deletion_allowed", props["Retention"]["deletion_allowed"],
              v["deletion"])
        left = props["PauseBudgetLeft"]
        if not v["budget"]:
            truth("PauseBudgetLeft", left, v["max_pause"])
        elif left > v["budget"] or (m.budget_left and m.budget_left[1] == local_day() and
                                    left > m.budget_left[0]):
            lies.append("PauseBudgetLeft is %d, after %s" % (left, m.budget_left))
        paused = m.until - now > 1500000
        over = m.until == 0 or now - m.until > 1500000
        if paused:
            truth("PausedUntil", props["PausedUntil"], m.until)
            truth("State", props["State"], "paused")
            if v["budget"] and m.until - now > left * 1000000 + 1500000:
                lies.append("the pause runs %.1f s more, past the %d s of budget left" % (
                    (m.until - now) / 1e6, left))
        elif over:
            truth("PausedUntil", props["PausedUntil"], 0)
            approved_all = any(e[1] == "all" and e[3] == "approved" for e in m.ex)
            if approved_all:
                truth("State", props["State"], "exempt")
            elif props["State"] in ("paused", "exempt"):
                lies.append("State is %r with no pause and no exemption for all in force"
                            % props["State"])
        got_ex = [list(e[:6]) for e in props["Exemptions"]]
        truth("Exemptions", got_ex, [list(e) for e in reversed(m.ex)])
        for e in m.ex:
            if e[3] == "approved" and e[1] != "all":
                row = props["Streams"][h.STREAM_IDS.index(e[1])]
                if row[1]:
                    lies.append("stream %s records, under approved exemption %s" % (e[1], e[0]))
        m.budget_left = (left, local_day())
        self.check_history(lies)
        if lies:
            raise Failure("the properties lie:\n" + "\n".join(lies))
        m.reset_counts()

    def check_history(self, lies):
        m = self.m
        total, rows = self.call(h.IFACE, "History", "tu", [0, 1000])
        total = int(total)
        new = total - m.history_total
        if new < 0:
            lies.append("History shrank from %d to %d entries" % (m.history_total, total))
        m.history_total = total
        if new > len(rows):
            return  # more than one page since the last look: counts unknown
        seen = {}
        for r in rows[:new]:
            seen[str(r[1])] = seen.get(str(r[1]), 0) + 1
        for action in sorted(set(m.counts) | set(m.uncertain) | {
                "pause", "exemption-requested", "exemption-withdrawn", "exemption-approved",
                "exemption-denied", "forget", "segments-deleted"}):
            lo = m.counts.get(action, 0)
            hi = lo + m.uncertain.get(action, 0)
            if not lo <= seen.get(action, 0) <= hi:
                lies.append("History has %d new '%s' entries, but %d were accepted" % (
                    seen.get(action, 0), action, lo))

    def run(self, seconds, rng_for):
        end = time.monotonic() + seconds
        batch = 0
        others = os.getuid() == 0
        while time.monotonic() < end:
            batch += 1
            rng = rng_for(batch)
            self.log = []
            try:
                kind = rng.random()
                if others and kind < 0.1:
                    self.other_uid(rng)
                elif kind < 0.3:
                    self.raw(rng)
                elif kind < 0.32:
                    self.restart(rng)
                for _ in range(BATCH):
                    self.one(rng)
                self.check()
            except Failure as f:
                raise Failure("batch %d (BUS_FUZZ_SEED=%d): %s\n# the batch's calls, the last "
                              "one first:\n  %s" % (batch, self.seed, f, "\n  ".join(
                                  reversed(self.log[-15:]))))
        return batch


class ValgrindAgent(h.Agent):
    """The agent under valgrind: slow to start, so it is waited for longer."""
    binary = None
    vg_log = None

    def start(self, wait=True):
        if self.args[0] != "valgrind":
            self.args = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite",
                         "--errors-for-leak-kinds=definite", "--error-exitcode=99",
                         "--num-callers=30", "--log-file=" + self.vg_log,
                         self.binary] + self.args[1:]
        super().start(False)
        if wait:
            self.wait_name(60)
        return self


def fuzz(t, seconds, seed, answer_limit, valgrind=None):
    """One agent, fuzzed for seconds; True if nothing went wrong."""
    bus = t.bus()
    env = {"ASAN_OPTIONS": "detect_leaks=1:halt_on_error=1:abort_on_error=0",
           "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}
    variant = VARIANTS[seed % len(VARIANTS)]
    name = "%s (%s policy)" % ("valgrind" if valgrind else "fuzz", variant["name"])
    policy = policy_text(variant)
    # Closed segments from the start, so reading and deleting have data.
    state = h.seed_spool(t, bus)
    if valgrind:
        ValgrindAgent.binary, ValgrindAgent.vg_log = valgrind, os.path.join(t.tmp, "valgrind.log")
        agent = ValgrindAgent(t, bus, policy=policy, source="synthetic", env=env,
                              state_dir=state)
    else:
        agent = t.agent(bus, policy=policy, source="synthetic", env=env, state_dir=state)
    f = Fuzzer(t, bus, agent, seed, answer_limit, variant, huge=not valgrind)
    try:
        batches = f.run(seconds, lambda n: random.Random(seed * 1000003 + n))
    except Failure as e:
        t.fail("%s: the agent survives and tells the truth" % name, str(e))
        return False
    except dbus.exceptions.DBusException as e:
        t.fail("%s: the agent answers" % name, "%s: %s\n# the batch's calls:\n  %s" % (
            e.get_dbus_name(), e.get_dbus_message(), "\n  ".join(reversed(f.log[-15:]))))
        return False
    except Exception:
        t.fail("%s: the fuzzer runs" % name, "%s\n# the batch's calls:\n  %s" % (
            traceback.format_exc(), "\n  ".join(reversed(f.log[-15:]))))
        return False
    print("# %s: %s; segments seen %d, deleted %d, exemptions %d" % (
        name, ", ".join("%s %d" % kv for kv in sorted(f.stats.items())),
        len(f.m.segments | f.m.deleted), len(f.m.deleted), len(f.m.ex)))
    t.ok("%s: %d batches, %d calls judged, in %d s: no crash, no lie" % (
        name, batches, f.calls, seconds), True)
    rc = agent.stop(timeout=60 if valgrind else 10)
    out = agent.output()
    t.ok("%s: the agent exits 0 on SIGTERM" % name, rc == 0, "status %s\n%s" % (rc, out[-3000:]))
    reports = [ln for ln in out.splitlines() if SANITIZER.search(ln)]
    t.ok("%s: no sanitizer or libdbus report in the agent's log" % name, not reports,
         "\n".join(reports[:20]) + "\n" + out[-3000:])
    if valgrind:
        with open(ValgrindAgent.vg_log, errors="replace") as log:
            text = log.read()
        m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        lost = re.search(r"definitely lost: ([\d,]+) bytes", text)
        t.ok("valgrind: no error and no definite leak",
             m is not None and m.group(1) == "0" and (lost is None or lost.group(1) == "0"),
             text[-6000:])
    bus.stop()
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float,
                    default=float(os.environ.get("BUS_FUZZ_SECONDS", "10")))
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int(
        os.environ.get("BUS_FUZZ_SEED") or random.SystemRandom().randrange(1, 2 ** 31))
    print("# bus-fuzz: seed %d (BUS_FUZZ_SEED=%d repeats it), %g s, agent %s" % (
        seed, seed, args.seconds, h.CAPTURED), flush=True)
    t = h.Suite()
    vg = os.environ.get("BUS_FUZZ_VALGRIND") == "1"
    vg_seconds = float(os.environ.get("BUS_FUZZ_VALGRIND_SECONDS") or
                       min(60, max(10, args.seconds / 5)))
    signal.alarm(int(args.seconds + (vg_seconds * 3 + 120 if vg else 0) + 120))
    limit = float(os.environ.get("BUS_FUZZ_ANSWER_SECONDS", "1"))
    fuzz(t, args.seconds, seed, limit)
    if vg:
        binary = os.environ.get("BUS_FUZZ_VALGRIND_AGENT") or os.path.join(ROOT, "build",
                                                                           "captured")
        if subprocess.run(["sh", "-c", "command -v valgrind"], capture_output=True).returncode:
            print("# valgrind is not installed: the run under it is skipped", flush=True)
        else:
            print("# under valgrind: %s for %g s" % (binary, vg_seconds), flush=True)
            fuzz(t, vg_seconds, seed + 1, max(limit, 15), valgrind=binary)
    t.finish()


if __name__ == "__main__":
    main()
