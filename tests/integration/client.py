#!/usr/bin/python3
"""A client the tests run as another uid (through setpriv).

client.py ADDRESS call JSON      JSON: [[interface, method, signature, args], ...]
                                 prints [{"reply": ...} | {"error": name, "message": m}]
client.py ADDRESS listen SENDER SECONDS
                                 prints "ready" once the match rule is in force,
                                 then after SECONDS one JSON list of [interface, member]
                                 of the signals received from SENDER"""

import json
import sys
import time

import dbus
import dbus.bus

NAME = "org.capctl.Agent1"
PATH = "/org/capctl/Agent1"


def plain(v):
    if v is None:
        return None
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, dict):
        return {plain(k): plain(x) for k, x in v.items()}
    if isinstance(v, (tuple, list)):
        return [plain(x) for x in v]
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    return repr(v)


def call(address, calls):
    conn = dbus.bus.BusConnection(address)
    out = []
    for iface, method, sig, args in calls:
        try:
            r = conn.call_blocking(NAME, PATH, iface, method, sig, args, timeout=5)
            out.append({"reply": plain(r)})
        except dbus.exceptions.DBusException as e:
            out.append({"error": e.get_dbus_name(), "message": e.get_dbus_message() or ""})
    print(json.dumps(out))


def listen(address, sender, seconds):
    from dbus.mainloop.glib import DBusGMainLoop
    from gi.repository import GLib
    conn = dbus.bus.BusConnection(address, mainloop=DBusGMainLoop())
    got = []
    conn.add_signal_receiver(lambda *a, iface=None, member=None: got.append([iface, member]),
                             bus_name=sender, interface_keyword="iface", member_keyword="member")
    conn.call_blocking("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                       "GetId", "", [])  # the AddMatch went out before this
    print("ready", flush=True)
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        while ctx.pending():
            ctx.iteration(False)
        time.sleep(0.01)
    print(json.dumps([[str(i), str(m)] for i, m in got]), flush=True)


def main():
    address, cmd = sys.argv[1], sys.argv[2]
    if cmd == "call":
        call(address, json.loads(sys.argv[3]))
    elif cmd == "listen":
        listen(address, sys.argv[3], float(sys.argv[4]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
