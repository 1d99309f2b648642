#!/usr/bin/python3
"""A hostile org.capctl.Agent1 for tests/cli/test-hostile: it owns the
agent's name on the test's private bus and answers every call and every
property in shapes the contract does not have, carrying hostile strings
(escape sequences, bidi overrides, a megabyte of text) and counts that
lie. Usage: hostile-agent.py MODE-FILE. The file holds one word, read at
each call, so one run can switch modes:

  shape   every answer of the wrong type
  empty   GetAll answers an empty dictionary
  dict    every property of its type, but Upload has bytes_today as a
          string and Retention no days
  counts  the right shapes, with totals of 2^64-1 and 2^32-1 over two
          rows: a client that pages by the total never ends
  strings the right shapes, every string hostile: escape sequences,
          bidi overrides and line breaks in the state's reason, the
          notice, an exemption, History; Pause refused with such a message
  replies the right properties, every method answered in a wrong shape

It answers only on the private bus whose address is in the environment
(DBUS_SESSION_BUS_ADDRESS); the test starts and ends it."""

import sys

import dbus
import dbus.lowlevel as low
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.capctl.Agent1"
PATH = "/org/capctl/Agent1"
IFACE = "org.capctl.Agent1"
PROPS = "org.freedesktop.DBus.Properties"

ESC = "\x1b]0;owned\x07\x1b[2J\x1b[31m"
BIDI = "\u202egnp.exe\u202c\u2066x\u2069"
HUGE = "A" * 1000000
T64 = 2**64 - 1
T32 = 2**32 - 1
NOW = 1700000000 * 1000000


BASIC = {"s": dbus.String, "u": dbus.UInt32, "t": dbus.UInt64, "i": dbus.Int32,
         "d": dbus.Double, "b": dbus.Boolean}


def v(sig, value):
    """value as the content of a variant of signature sig."""
    if sig in BASIC:
        return BASIC[sig](value, variant_level=1)
    if sig.startswith("a{"):
        return dbus.Dictionary(value, signature=sig[2:-1], variant_level=1)
    return dbus.Array(value, signature=sig[1:], variant_level=1)


# ---- shape: nothing as the contract has it ----

SHAPE_PROPS = [
    # an unknown property first, with a hostile name: ignored
    (ESC + "Name" + BIDI, "s", HUGE),
    ("Version", "u", dbus.UInt32(7)),
    ("State", "s", ESC + BIDI),
    ("StateReason", "as", [ESC, BIDI]),
    ("PausedUntil", "s", ESC),
    ("MaxPauseSeconds", "t", dbus.UInt64(T64)),
    ("PauseBudgetSeconds", "i", dbus.Int32(-1)),
    ("PauseBudgetLeft", "d", dbus.Double(-1.5)),
    ("Streams", "a(ss)", [(ESC, BIDI)]),
    ("Exemptions", "a(sssssst)", [(ESC, "all", "medical", "pending", HUGE, BIDI, dbus.UInt64(1))]),
    ("Upload", "a{ss}", {"endpoint": ESC}),
    ("Power", "a{sv}", {"on_battery": v("s", ESC)}),
    ("Retention", "a{sv}", {}),
    ("Notice", "a{sv}", {"purpose": v("i", dbus.Int32(5)), ESC: v("s", HUGE)}),
]

SHAPE_REPLIES = {
    "History": ("ta(iiii)", [dbus.UInt64(T64), [(1, 2, 3, 4)] * 3]),
    "ListSegments": ("ta(tsst)", [dbus.UInt64(T64), [(dbus.UInt64(1), ESC, BIDI, dbus.UInt64(2))]]),
    "ReadSegment": ("ua(tiiiis)", [dbus.UInt32(T32), [(dbus.UInt64(NOW), 1, 2, 3, 4, ESC)] * 2]),
    "RecentEvents": ("a(tsiiis)", [[(dbus.UInt64(NOW), "motion", 1, 2, 3, ESC)]]),
    "Activity": ("a(tus)", [[(dbus.UInt64(NOW), dbus.UInt32(1), ESC)]]),
    "Pause": ("s", [ESC + BIDI]),
    "Forget": ("t", [dbus.UInt64(T64)]),
    "DeleteSegments": ("s", [HUGE]),
    "Resume": ("u", [dbus.UInt32(5)]),
    "RequestExemption": ("u", [dbus.UInt32(5)]),
    "WithdrawExemption": ("u", [dbus.UInt32(5)]),
    "DecideExemption": ("u", [dbus.UInt32(5)]),
}

# ---- replies: the properties right, the replies as in shape ----

REPLIES_REPLIES = SHAPE_REPLIES | {
    "LimitStream": ("s", [ESC + BIDI]),
    "AcknowledgePolicy": ("u", [dbus.UInt32(5)]),
}

# ---- dict: the right types, but two dictionaries broken ----


def good_props(upload, retention):
    return [
        ("Version", "s", "0.1.0"),
        ("State", "s", "collecting"),
        ("StateReason", "s", "recording"),
        ("PausedUntil", "t", dbus.UInt64(0)),
        ("MaxPauseSeconds", "u", dbus.UInt32(1800)),
        ("PauseBudgetSeconds", "u", dbus.UInt32(0)),
        ("PauseBudgetLeft", "u", dbus.UInt32(1800)),
        ("Streams", "a(sbsstt)", dbus.Array(
            [("keyboard", True, "full", "which key", dbus.UInt64(1), dbus.UInt64(2))],
            signature="(sbsstt)")),
        ("Exemptions", "a(sssssstt)", dbus.Array([], signature="(sssssstt)")),
        ("Upload", "a{sv}", upload),
        ("Power", "a{sv}", {
            "on_battery": v("b", False), "battery_percent": v("d", -1.0),
            "cpu_seconds": v("d", 0.0), "cpu_percent": v("d", 0.0),
            "wakeups_per_second": v("d", 0.0), "estimated_mw": v("d", 0.0),
            "saver": v("b", False)}),
        ("Retention", "a{sv}", retention),
        ("Notice", "a{sv}", {k: v("s", "") for k in (
            "purpose", "retention", "anonymization", "model_access", "contact", "version")}),
        ("PersonalLimits", "a(ss)", dbus.Array([], signature="(ss)")),
        ("Consent", "a{sv}", {
            "digest": v("s", "0" * 64), "acknowledged_digest": v("s", "0" * 64),
            "acknowledged": v("t", dbus.UInt64(1)), "wait_for_acknowledgment": v("b", True),
            "waiting": v("b", False),
            "changes": v("a(sss)", dbus.Array([], signature="(sss)"))}),
    ]


UPLOAD_BAD = {
    "endpoint": v("s", ""), "bytes_today": v("s", "1200000"), "bytes_total": v("t", dbus.UInt64(0)),
    "daily_cap": v("t", dbus.UInt64(0)), "rate_bps": v("d", 0.0),
    "pending_bytes": v("t", dbus.UInt64(0)), "next_upload": v("t", dbus.UInt64(0)),
    "last_upload": v("t", dbus.UInt64(0)), "deferred": v("s", ""), "last_error": v("s", ""),
    "compression_ratio": v("d", 0.0), "held_bytes": v("t", dbus.UInt64(0)),
    "next_release": v("t", dbus.UInt64(0))}
RETENTION_BAD = {"segments": v("u", dbus.UInt32(0)), "bytes": v("t", dbus.UInt64(0)),
                 "oldest": v("t", dbus.UInt64(0)), "deletion_allowed": v("b", True)}

# ---- counts: right shapes, totals that lie ----

COUNTS_REPLIES = {
    "History": ("ta(tssu)", [dbus.UInt64(T64), dbus.Array(
        [(dbus.UInt64(NOW), "pause", "one", dbus.UInt32(0)),
         (dbus.UInt64(NOW - 1), "resume", "two", dbus.UInt32(0))], signature="(tssu)")]),
    "ListSegments": ("ta(tsttuttb)", [dbus.UInt64(T64), dbus.Array(
        [(dbus.UInt64(5), "keyboard", dbus.UInt64(NOW), dbus.UInt64(0), dbus.UInt32(T32),
          dbus.UInt64(1), dbus.UInt64(NOW), False)], signature="(tsttuttb)")]),
    "ReadSegment": ("ua(tsiiis)", [dbus.UInt32(T32), dbus.Array(
        [(dbus.UInt64(NOW), "key-press", 0, 0, 30, ""),
         (dbus.UInt64(NOW + 1), "key-release", 0, 0, 30, "")], signature="(tsiiis)")]),
    "Activity": ("a(taus)", [dbus.Array(
        [(dbus.UInt64(NOW), dbus.Array([1, 2, 3, 4, 5], signature="u"), "paused")],
        signature="(taus)")]),
}


# ---- strings: right shapes, hostile text ----

LINE = "\nForged: line"


def strings_props():
    props = dict((n, (sig, val)) for n, sig, val in good_props(
        {k: val for k, val in UPLOAD_BAD.items() if k != "bytes_today"} | {
            "bytes_today": v("t", dbus.UInt64(0))},
        RETENTION_BAD | {"days": v("u", dbus.UInt32(30)), "last_error": v("s", "")}))
    props["StateReason"] = ("s", "why" + ESC + BIDI + LINE)
    props["Streams"] = ("a(sbsstt)", dbus.Array(
        [("keyboard", True, "full", "which key" + LINE, dbus.UInt64(1), dbus.UInt64(2))],
        signature="(sbsstt)"))
    upload = dict(props["Upload"][1])
    upload["endpoint"] = v("s", "https://example.org/u")
    upload["last_error"] = v("s", "HTTP 500" + ESC + LINE)
    props["Upload"] = ("a{sv}", upload)
    retention = dict(props["Retention"][1])
    retention["last_error"] = v("s", "disk full" + LINE)
    props["Retention"] = ("a{sv}", retention)
    props["Exemptions"] = ("a(sssssstt)", dbus.Array(
        [("EX-1" + ESC, "all", "medical", "pending", "reason" + BIDI, "note" + ESC,
          dbus.UInt64(NOW), dbus.UInt64(0))], signature="(sssssstt)"))
    props["Consent"] = ("a{sv}", {
        "digest": v("s", "1" * 64), "acknowledged_digest": v("s", "0" * 64),
        "acknowledged": v("t", dbus.UInt64(1)), "wait_for_acknowledgment": v("b", True),
        "waiting": v("b", True),
        "changes": v("a(sss)", dbus.Array(
            [("streams.keyboard.fidelity", "timing", "full" + ESC + BIDI + LINE),
             ("upload.endpoint" + ESC, "", "example.org" + LINE)], signature="(sss)"))})
    props["Notice"] = ("a{sv}", {k: v("s", k + ESC + BIDI + LINE) for k in (
        "purpose", "retention", "anonymization", "model_access", "contact", "version")})
    return [(n, sig, val) for n, (sig, val) in props.items()]


STRINGS_REPLIES = {
    "History": ("ta(tssu)", [dbus.UInt64(1), dbus.Array(
        [(dbus.UInt64(NOW), "pause" + ESC, "detail" + BIDI + LINE, dbus.UInt32(0))],
        signature="(tssu)")]),
    "Activity": ("a(taus)", [dbus.Array(
        [(dbus.UInt64(NOW), dbus.Array([1, 2, 3, 4, 5], signature="u"), "paused")],
        signature="(taus)")]),
}


def mode():
    with open(sys.argv[1]) as f:
        return f.read().strip()


def props_dict(props):
    return dbus.Dictionary({n: v(s, val) for n, s, val in props}, signature="sv")


def answer(msg):
    """(signature, values) of the reply to msg, or None for an error."""
    m, member, iface = mode(), msg.get_member(), msg.get_interface()
    if iface == PROPS and member in ("GetAll", "Get"):
        if m == "shape":
            props = SHAPE_PROPS
        elif m == "strings":
            props = strings_props()
        elif m == "empty":
            props = []
        else:
            props = good_props(UPLOAD_BAD, RETENTION_BAD) if m == "dict" else good_props(
                {k: val for k, val in UPLOAD_BAD.items() if k != "bytes_today"} | {
                    "bytes_today": v("t", dbus.UInt64(0))},
                RETENTION_BAD | {"days": v("u", dbus.UInt32(30)), "last_error": v("s", ESC)})
        if member == "GetAll":
            return "a{sv}", [props_dict(props)]
        name = msg.get_args_list()[1]
        for n, s, val in props:
            if n == name:
                return "v", [v(s, val)]
        return "v", [v("s", ESC)]
    table = {"shape": SHAPE_REPLIES, "strings": STRINGS_REPLIES,
             "replies": REPLIES_REPLIES}.get(m, COUNTS_REPLIES)
    return table.get(member)


def on_message(conn, msg):
    if msg.get_type() != low.MESSAGE_TYPE_METHOD_CALL or msg.get_path() != PATH:
        return low.HANDLER_RESULT_NOT_YET_HANDLED
    got = answer(msg)
    if got is None and mode() == "strings":
        reply = low.ErrorMessage(msg, "org.capctl.Agent1.Error.NotAllowed",
                                 "no" + ESC + BIDI + LINE)
    elif got is None:
        # An error whose message is not a string.
        reply = low.ErrorMessage(msg, "org.capctl.Agent1.Error.NotAllowed", None)
        reply.append(dbus.Int32(5), signature="i")
    else:
        reply = low.MethodReturnMessage(msg)
        reply.append(*got[1], signature=got[0])
    conn.send_message(reply)
    return low.HANDLER_RESULT_HANDLED


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    bus.add_message_filter(on_message)
    bus.request_name(NAME, dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
