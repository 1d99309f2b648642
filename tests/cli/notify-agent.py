#!/usr/bin/python3
"""A scripted org.capctl.Agent1 for tests/cli/test-notify: the properties
of the contract (those of hostile-agent.py in its good shapes), and at each
SIGUSR1 the next change of STEPS as a PropertiesChanged signal, so the test
can reach what a real agent reaches only slowly (the daily upload cap) and
send text a notification server would take for markup. It answers only on
the private bus in DBUS_SESSION_BUS_ADDRESS."""

import importlib.util
import os
import signal
import sys

import dbus
import dbus.lowlevel as low
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

spec = importlib.util.spec_from_file_location(
    "hostile", os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile-agent.py"))
hostile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hostile)
v, NOW = hostile.v, hostile.NOW

UPLOAD = {k: val for k, val in hostile.UPLOAD_BAD.items() if k != "bytes_today"} | {
    "bytes_today": v("t", dbus.UInt64(0))}
RETENTION = hostile.RETENTION_BAD | {"days": v("u", dbus.UInt32(30)), "last_error": v("s", "")}
PROPS = {n: (s, val) for n, s, val in hostile.good_props(UPLOAD, RETENTION)}
EX = "a(sssssstt)"

# Each step: the properties changed (name: (sig, value)), and those only
# invalidated (their new value set, for the Get that follows).
STEPS = [
    ({"Upload": ("a{sv}", UPLOAD | {"deferred": v("s", "cap-reached"),
                                    "daily_cap": v("t", dbus.UInt64(1000000))})}, {}),
    ({"State": ("s", "paused"), "PausedUntil": ("t", dbus.UInt64(NOW))}, {}),
    ({"State": ("s", "suspended"),
      "StateReason": ("s", "<b>locked</b> & \x1b[31mred\u202e")}, {}),
    ({}, {"Exemptions": (EX, dbus.Array(
        [("EX-9", "all", "medical", "approved", "r", "n", dbus.UInt64(NOW), dbus.UInt64(NOW))],
        signature="(sssssstt)"))}),
    ({}, {"Exemptions": (EX, dbus.Array([], signature="(sssssstt)"))}),
]
step = 0


def on_message(conn, msg):
    if msg.get_type() != low.MESSAGE_TYPE_METHOD_CALL or msg.get_path() != hostile.PATH:
        return low.HANDLER_RESULT_NOT_YET_HANDLED
    reply = low.MethodReturnMessage(msg)
    if msg.get_member() == "GetAll":
        reply.append(dbus.Dictionary({n: v(s, val) for n, (s, val) in PROPS.items()},
                                     signature="sv"), signature="a{sv}")
    elif msg.get_member() == "Get":
        s, val = PROPS[msg.get_args_list()[1]]
        reply.append(v(s, val), signature="v")
    else:
        reply = low.ErrorMessage(msg, "org.freedesktop.DBus.Error.UnknownMethod", "no")
    conn.send_message(reply)
    return low.HANDLER_RESULT_HANDLED


def next_step(bus):
    global step
    changed, invalidated = STEPS[step]
    step += 1
    PROPS.update(changed)
    PROPS.update(invalidated)
    sig = low.SignalMessage(hostile.PATH, hostile.PROPS, "PropertiesChanged")
    sig.append(hostile.IFACE, dbus.Dictionary({n: v(s, val) for n, (s, val) in changed.items()},
                                              signature="sv"),
               dbus.Array(list(invalidated), signature="s"), signature="sa{sv}as")
    bus.send_message(sig)
    return True


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    bus.add_message_filter(on_message)
    bus.request_name(hostile.NAME, dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, next_step, bus)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    sys.exit(main())
