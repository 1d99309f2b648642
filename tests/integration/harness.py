"""The integration tests' common part: a private dbus-daemon, captured on it
with a temporary policy and state directory, clients (also as other uids,
through setpriv), signal capture, and assertions that print "ok - name" or
"FAIL - name: detail" and end with "N passed, N failed".

Never touches the real session or system bus: every bus is started here
and every process started here is ended by finish() or at exit.

Run one file with `TESTS=integration/test-methods tests/run`, or directly
(CAPTURED defaults to build/captured); KEEP_TMP=1 keeps the temporary
directory with the agents' and buses' logs."""

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
import xml.etree.ElementTree as ET

import dbus
import dbus.bus

from before_consent import before_consent

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "integration")
DBUS_CONF = os.path.join(ROOT, "tests", "dbus")
INTERFACE_XML = os.path.join(ROOT, "ipc", "org.capctl.Agent1.xml")
CAPTURED = os.environ.get("CAPTURED") or os.path.join(
    ROOT, os.environ.get("BUILD", "build"), "captured")

NAME = "org.capctl.Agent1"
PATH = "/org/capctl/Agent1"
IFACE = "org.capctl.Agent1"
ADMIN = "org.capctl.Agent1.Admin"
PROPS = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
PEER = "org.freedesktop.DBus.Peer"

E = "org.capctl.Agent1.Error."
E_INVALID_DURATION = E + "InvalidDuration"
E_BUDGET = E + "PauseBudgetExhausted"
E_NO_SUCH_EXEMPTION = E + "NoSuchExemption"
E_NOT_ALLOWED = E + "NotAllowed"
D = "org.freedesktop.DBus.Error."
E_ACCESS = D + "AccessDenied"
E_INVALID_ARGS = D + "InvalidArgs"
E_LIMITS = D + "LimitsExceeded"
E_UNKNOWN_METHOD = D + "UnknownMethod"
E_UNKNOWN_INTERFACE = D + "UnknownInterface"
E_UNKNOWN_PROPERTY = D + "UnknownProperty"
E_READ_ONLY = D + "PropertyReadOnly"

AGENT_UID = 4294967295
NOBODY = 65534


def _other_uid():
    """A second unprivileged uid with a passwd entry (dbus-daemon drops the
    connection of a uid it cannot look up)."""
    import pwd
    for name in ("daemon", "bin", "sys", "games", "mail", "news"):
        try:
            return pwd.getpwnam(name).pw_uid
        except KeyError:
            pass
    return min(p.pw_uid for p in pwd.getpwall() if p.pw_uid not in (0, NOBODY))


OTHER = _other_uid()  # neither monitored nor an admin
STREAM_IDS = ["pointer.motion", "pointer.button", "pointer.scroll", "keyboard", "window.focus"]
DEFAULT_FIDELITY = ["reduced", "full", "full", "timing", "app"]
DEFAULT_DESCRIPTIONS = [
    "position, downsampled to 20 Hz",
    "button and pointer position",
    "direction and pointer position",
    "timing only; which key is never recorded",
    "application only; window titles are never recorded",
]
CATEGORIES = ["medical", "legal", "accessibility", "works-council", "personal", "other"]

# The contract's property types (dbus-api.md).
PROPERTY_TYPES = {
    "Version": "s", "State": "s", "StateReason": "s", "PausedUntil": "t",
    "MaxPauseSeconds": "u", "PauseBudgetSeconds": "u", "PauseBudgetLeft": "u",
    "Streams": "a(sbsstt)", "Exemptions": "a(sssssstt)", "Upload": "a{sv}",
    "Power": "a{sv}", "Retention": "a{sv}", "Notice": "a{sv}", "PersonalLimits": "a(ss)",
    "Consent": "a{sv}",
}
# The keys the agent never omits, with their variant types.
DICT_KEYS = {
    "Upload": {"endpoint": "s", "bytes_today": "t", "bytes_total": "t", "daily_cap": "t",
               "rate_bps": "d", "pending_bytes": "t", "next_upload": "t", "last_upload": "t",
               "deferred": "s", "last_error": "s", "compression_ratio": "d",
               "held_bytes": "t", "next_release": "t"},
    "Power": {"on_battery": "b", "battery_percent": "d", "cpu_seconds": "d",
              "cpu_percent": "d", "wakeups_per_second": "d", "estimated_mw": "d",
              "saver": "b"},
    "Retention": {"days": "u", "segments": "u", "bytes": "t", "oldest": "t",
                  "deletion_allowed": "b", "last_error": "s"},
    "Notice": {k: "s" for k in ("purpose", "retention", "anonymization", "model_access",
                                "contact", "version")},
    "Consent": {"digest": "s", "acknowledged_digest": "s", "acknowledged": "t",
                "wait_for_acknowledgment": "b", "waiting": "b", "changes": "a(sss)"},
}

# Local times in the agent's sentences: a zone that is not UTC (and not a
# whole hour off) so that a UTC/local mix-up shows. POSIX form: no tzdata.
os.environ["TZ"] = "XST-05:30"
time.tzset()

CALL_TIMEOUT = 5
FILE_DEADLINE = 90  # seconds: a hung agent fails the file instead of the whole run


def now_us():
    return int(time.time() * 1000000)


def local_hhmm(us):
    """The agent's way of saying a pause end: HH:MM today, else the date too,
    rounded up to the minute (a pause said to last until 10:15 does)."""
    minute = 60_000_000
    t = time.localtime(-(-us // minute) * minute / 1e6)
    if time.strftime("%Y-%m-%d", t) == time.strftime("%Y-%m-%d", time.localtime()):
        return time.strftime("%H:%M", t)
    return time.strftime("%Y-%m-%d %H:%M", t)


def local_date(us):
    return time.strftime("%Y-%m-%d", time.localtime(us / 1e6))


def signature_of(v):
    """The D-Bus signature of a value as dbus-python returned it."""
    simple = [(dbus.Boolean, "b"), (dbus.Byte, "y"), (dbus.Int16, "n"), (dbus.UInt16, "q"),
              (dbus.Int32, "i"), (dbus.UInt32, "u"), (dbus.Int64, "x"), (dbus.UInt64, "t"),
              (dbus.Double, "d"), (dbus.ObjectPath, "o"), (dbus.Signature, "g"),
              (dbus.String, "s")]
    for cls, sig in simple:
        if isinstance(v, cls):
            return sig
    if isinstance(v, dbus.Dictionary):
        return "a{%s}" % v.signature if v.signature else "a{??}"
    if isinstance(v, dbus.Array):
        return "a%s" % v.signature if v.signature else "a?"
    if isinstance(v, dbus.Struct):
        return "(" + "".join(signature_of(m) for m in v) + ")"
    return "?%s" % type(v).__name__


def plain(v):
    """A dbus-python value as plain Python (for JSON and for messages)."""
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (dbus.Dictionary, dict)):
        return {plain(k): plain(x) for k, x in v.items()}
    if isinstance(v, (dbus.Struct, tuple)):
        return tuple(plain(x) for x in v)
    if isinstance(v, (dbus.Array, list)):
        return [plain(x) for x in v]
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    return v


def parse_interfaces(xml_text):
    """{interface: {"methods": {name: [(arg, type, dir)]}, "properties": {name: (type,
    access)}, "signals": {name: [(arg, type)]}}} of an introspection document."""
    root = ET.fromstring(xml_text)
    out = {}
    for iface in root.findall("interface"):
        d = {"methods": {}, "properties": {}, "signals": {}}
        for m in iface.findall("method"):
            d["methods"][m.get("name")] = [(a.get("name"), a.get("type"), a.get("direction", "in"))
                                           for a in m.findall("arg")]
        for p in iface.findall("property"):
            d["properties"][p.get("name")] = (p.get("type"), p.get("access"))
        for s in iface.findall("signal"):
            d["signals"][s.get("name")] = [(a.get("name"), a.get("type")) for a in s.findall("arg")]
        out[iface.get("name")] = d
    return out


def default_value(sig):
    """A harmless argument of a complete single type."""
    c = sig[0]
    if c == "b":
        return False
    if c in "ynqiuxth":
        return 0
    if c == "d":
        return 0.0
    if c == "s":
        return ""
    if c == "o":
        return "/"
    if c == "g":
        return ""
    if c == "a":
        return []
    if c == "v":
        return dbus.String("", variant_level=1)
    raise ValueError(sig)


class AgentDied(Exception):
    pass


class Bus:
    """A private dbus-daemon. config is a file in tests/dbus/."""

    def __init__(self, suite, config="session.conf"):
        self.suite = suite
        self.sockdir = tempfile.mkdtemp(prefix="bus-", dir=suite.tmp)
        os.chmod(self.sockdir, 0o755)
        self.log = os.path.join(suite.tmp, "dbus-daemon-%d.log" % len(suite.buses))
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                ["dbus-daemon", "--config-file=" + os.path.join(DBUS_CONF, config), "--nofork",
                 "--print-address=1", "--address=unix:dir=" + self.sockdir],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                start_new_session=True)
        suite.buses.append(self)
        line = self.proc.stdout.readline().decode().strip()
        self.proc.stdout.close()
        if not line:
            self.proc.wait(5)
            raise RuntimeError("dbus-daemon with %s did not start: %s" % (config, self.log_text()))
        self.address = line
        self.root = self.connect()

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read().strip()

    def connect(self, mainloop=False):
        if mainloop:
            from dbus.mainloop.glib import DBusGMainLoop
            return dbus.bus.BusConnection(self.address, mainloop=DBusGMainLoop())
        return dbus.bus.BusConnection(self.address)

    def has_owner(self, name=NAME):
        return bool(self.root.name_has_owner(name))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Agent:
    """captured on a Bus. policy: the policy file's text (None: an empty file,
    so every default), or policy_path: an existing file. state_dir="" gives
    no --state-dir (the agent picks its own: self.state_dir is then None).
    journal: its stderr is taken for the journal (JOURNAL_STREAM). wrap: a
    command line that runs it (setpriv ...)."""

    def __init__(self, suite, bus, policy=None, policy_path=None, source="none",
                 state_dir=None, system=False, extra=(), wait=True, env=None, uid=None,
                 as_written=False, journal=False, wrap=()):
        self.suite = suite
        self.bus = bus
        n = suite.counter()
        if policy_path is None:
            policy_path = os.path.join(suite.tmp, "policy-%d.conf" % n)
            with open(policy_path, "w") as f:
                text = policy if policy is not None else "version = 1;\n"
                f.write(text if as_written else before_consent(text))
        self.policy_path = policy_path
        self.state_dir = None if state_dir == "" else \
            state_dir or os.path.join(suite.tmp, "state-%d" % n)
        self.system = system
        self.args = [CAPTURED, "--system" if system else "--session", "--config", policy_path] + \
            (["--state-dir", self.state_dir] if self.state_dir else []) + \
            ["--source", source] + list(extra)
        if uid is not None:
            # The agent as another user: its binary, policy and state where
            # that user reaches them.
            home = os.path.join(suite.tmp, "home-%d" % n)
            os.mkdir(home, 0o755)
            os.chown(home, uid, uid)
            binary = os.path.join(home, "captured")
            shutil.copy(CAPTURED, binary)
            os.chmod(binary, 0o755)
            os.chmod(policy_path, 0o644)
            if state_dir is None:
                self.state_dir = os.path.join(home, "state")
            self.args = ["setpriv", "--reuid", str(uid), "--regid", str(uid), "--clear-groups",
                         binary] + self.args[1:]
            self.args[self.args.index("--state-dir") + 1] = self.state_dir
        self.args = list(wrap) + self.args
        self.env = dict(os.environ)
        for k in ("DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "DISPLAY",
                  "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "STATE_DIRECTORY", "JOURNAL_STREAM"):
            self.env.pop(k, None)
        self.env["XDG_STATE_HOME"] = os.path.join(suite.tmp, "xdg-state-%d" % n)
        self.env["XDG_CONFIG_HOME"] = os.path.join(suite.tmp, "xdg-config-%d" % n)
        if bus is not None:
            self.env["DBUS_SYSTEM_BUS_ADDRESS" if system else "DBUS_SESSION_BUS_ADDRESS"] = \
                bus.address
        if env:
            self.env.update(env)
        self.log = os.path.join(suite.tmp, "captured-%d.log" % n)
        if journal:
            # Its stderr as systemd's journal stream would be: the log file's
            # device and inode in JOURNAL_STREAM.
            open(self.log, "ab").close()
            st = os.stat(self.log)
            self.env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
        self.proc = None
        self.start(wait)

    def start(self, wait=True):
        if wait and self.bus is not None and self.bus.has_owner():
            raise AgentDied("%s is owned before this agent starts: an earlier one still runs"
                            % NAME)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=log, env=self.env, cwd="/")
        self.suite.agents.append(self)
        if wait:
            self.wait_name()
        return self

    def wait_name(self, timeout=5.0):
        """Until this process (not some earlier agent) owns the name."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AgentDied("captured exited with status %s before owning %s: %s"
                                % (self.proc.returncode, NAME, self.output()[-2000:]))
            if self.bus.has_owner():
                try:
                    pid = int(self.bus.root.call_blocking(
                        "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                        "GetConnectionUnixProcessID", "s", [NAME]))
                except dbus.exceptions.DBusException:
                    pid = None
                if pid == self.proc.pid:
                    return
                if pid is not None and not any(a.proc.pid == pid for a in self.suite.agents
                                               if a is not self):
                    raise AgentDied("%s is owned by pid %d, not by this agent" % (NAME, pid))
            time.sleep(0.02)
        raise AgentDied("captured did not own %s within %g s: %s"
                        % (NAME, timeout, self.output()[-2000:]))

    def output(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def unique_name(self):
        return str(self.bus.root.get_name_owner(NAME))

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Sends sig and returns the exit status (negative: killed by a signal)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return "hung after %s" % signal.Signals(sig).name
        # A restart must not race the old owner's name going away.
        deadline = time.monotonic() + 5
        while self.bus is not None and self.bus.proc.poll() is None and \
                time.monotonic() < deadline and self.bus.has_owner():
            time.sleep(0.02)
        return self.proc.returncode

    def kill(self):
        return self.stop(signal.SIGKILL)

    def restart(self):
        self.start(True)
        return self


def run_captured(args, env_extra=None, timeout=10):
    """Runs captured to completion with no bus at all; returns (rc, stdout, stderr)."""
    env = dict(os.environ)
    for k in ("DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "DISPLAY",
              "STATE_DIRECTORY", "JOURNAL_STREAM"):
        env.pop(k, None)
    if env_extra:
        env.update(env_extra)
    p = subprocess.run([CAPTURED] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                       env=env, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


RECORDING = os.path.join(ROOT, "tests", "data", "pointer-keyboard.evemu")


def seed_spool(suite, bus):
    """A state directory whose spool already holds closed segments, one per
    stream of the committed recording, replayed at full speed at the
    default policy with nothing uploaded; so a test need not wait
    segment_seconds for data."""
    state = os.path.join(suite.tmp, "state-seed-%d" % suite.counter())
    a = Agent(suite, bus, policy=policy(),
              source="replay:" + RECORDING, state_dir=state,
              extra=["--speed", "0", "--exit-at-end"], wait=False)
    rc = a.proc.wait(15)
    if rc != 0:
        raise AgentDied("the seeding replay exited %d: %s" % (rc, a.output()[-500:]))
    return state


STATE_HEADER_LEN = 78  # see agent/store/state.h


def state_slot(seq, size, payload):
    """One slot of a state file: its header, payload (bytes) and padding."""
    head = b"capctl-state-slot %016x %016x %016x " % (seq, size, len(payload))
    crc = zlib.crc32(head + payload) & 0xffffffff
    data = head + b"%08x\n" % crc + payload
    return data + b"\0" * (size - len(data))


def state_slots(state_dir):
    """The slots of an agent's state file: [(seq, offset, payload or None if
    it does not check)], in file order."""
    with open(os.path.join(state_dir, "state"), "rb") as f:
        data = f.read()
    out = []
    size = len(data) // 2
    for off in (0, size):
        head = data[off:off + STATE_HEADER_LEN]
        m = re.match(rb"capctl-state-slot ([0-9a-f]{16}) ([0-9a-f]{16}) ([0-9a-f]{16}) "
                     rb"([0-9a-f]{8})\n$", head)
        if not m:
            out.append((0, off, None))
            continue
        n = int(m.group(3), 16)
        payload = data[off + STATE_HEADER_LEN:off + STATE_HEADER_LEN + n]
        ok = zlib.crc32(head[:69] + payload) & 0xffffffff == int(m.group(4), 16)
        out.append((int(m.group(1), 16), off, payload if ok else None))
    return out


def read_state(state_dir):
    """The payload (text) of the newest good slot of a state file."""
    good = [(seq, p) for seq, _, p in state_slots(state_dir) if p is not None]
    return max(good)[1].decode()


def write_state(state_dir, payload, size=65536, seq=1):
    """Writes a state file as the agent does, both slots holding payload."""
    payload = payload.encode()
    while size < 2 * (STATE_HEADER_LEN + len(payload)):
        size *= 2
    with open(os.path.join(state_dir, "state"), "wb") as f:
        f.write(state_slot(seq, size, payload) + state_slot(seq + 1, size, payload))
    os.chmod(os.path.join(state_dir, "state"), 0o600)


def add_state_lines(state_dir, text):
    """Sets lines of an agent's state file while it is stopped: a line of
    a kind written once (pause, upload, ...) replaces that line, others are
    added. So this sets a pause or an upload count."""
    lines = read_state(state_dir).splitlines()
    once = ("saved", "pause", "budget", "next-id", "counts", "upload")
    for new in text.splitlines():
        key = new.split(" ", 1)[0]
        at = [i for i, old in enumerate(lines) if old.split(" ", 1)[0] == key]
        if key in once and at:
            lines[at[0]] = new
        else:
            lines.append(new)
    write_state(state_dir, "\n".join(lines) + "\n", seq=100)


class Client:
    """Calls the agent through its well-known name on one connection."""

    def __init__(self, conn):
        self.conn = conn

    def call(self, method, sig="", args=(), iface=IFACE, path=PATH, dest=NAME):
        return self.conn.call_blocking(dest, path, iface, method, sig, list(args),
                                       timeout=CALL_TIMEOUT)

    def get(self, prop, iface=IFACE):
        return self.call("Get", "ss", [iface, prop], iface=PROPS)

    def getall(self, iface=IFACE):
        return self.call("GetAll", "s", [iface], iface=PROPS)

    def pause(self, seconds):
        return int(self.call("Pause", "u", [seconds]))

    def resume(self):
        return self.call("Resume")

    def request(self, scope="all", category="medical", reason="a reason", days=3):
        return str(self.call("RequestExemption", "sssu", [scope, category, reason, days]))

    def withdraw(self, ex_id):
        return self.call("WithdrawExemption", "s", [ex_id])

    def decide(self, ex_id, approve, note=""):
        return self.call("DecideExemption", "sbs", [ex_id, approve, note], iface=ADMIN)

    def history(self, offset=0, limit=1000):
        total, entries = self.call("History", "tu", [offset, limit])
        return int(total), [plain(e) for e in entries]

    def exemptions(self):
        return [plain(e) for e in self.get("Exemptions")]

    def exemption(self, ex_id):
        for e in self.exemptions():
            if e[0] == ex_id:
                return e
        return None

    def introspect(self, path=PATH):
        return str(self.call("Introspect", iface=INTROSPECTABLE, path=path))


class Signals:
    """Every signal a connection with a GLib main loop receives from one
    sender, recorded as (time, interface, member, args)."""

    def __init__(self, bus, sender):
        from gi.repository import GLib
        self.GLib = GLib
        self.conn = bus.connect(mainloop=True)
        self.got = []
        self.conn.add_signal_receiver(self._on, bus_name=sender, interface_keyword="iface",
                                      member_keyword="member", path_keyword="path")
        self.pump(0.2)  # the AddMatch is in force from here on

    def _on(self, *args, iface=None, member=None, path=None):
        self.got.append((time.monotonic(), str(iface), str(member), args))

    def pump(self, seconds):
        ctx = self.GLib.MainContext.default()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            while ctx.pending():
                ctx.iteration(False)
            time.sleep(0.01)
        while ctx.pending():
            ctx.iteration(False)

    def clear(self):
        self.got = []

    def changed(self):
        """The PropertiesChanged of org.capctl.Agent1: [(time, changed, invalidated)]."""
        out = []
        for t, iface, member, args in self.got:
            if iface == PROPS and member == "PropertiesChanged" and str(args[0]) == IFACE:
                out.append((t, args[1], [str(x) for x in args[2]]))
        return out

    def close(self):
        self.conn.close()


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.buses = []
        self.agents = []
        self._n = 0
        self.started = time.monotonic()
        self.tmp = tempfile.mkdtemp(prefix="capctl-it-")
        os.chmod(self.tmp, 0o755)  # other uids reach the bus socket and client.py
        self.client_py = os.path.join(self.tmp, "client.py")
        shutil.copy(os.path.join(HERE, "client.py"), self.client_py)
        os.chmod(self.client_py, 0o755)
        self._finished = False
        atexit.register(self.cleanup)
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, self._on_signal)
        signal.signal(signal.SIGALRM, self._on_deadline)
        signal.alarm(FILE_DEADLINE)
        if not os.access(CAPTURED, os.X_OK):
            self.fail("captured exists", "%s is not an executable file" % CAPTURED)
            self.finish()

    def _on_signal(self, signum, frame):
        raise SystemExit(128 + signum)

    def _on_deadline(self, signum, frame):
        self.fail("deadline", "this file ran longer than %d s" % FILE_DEADLINE)
        for a in self.agents:
            if a.running():
                sys.stdout.write("# agent log %s:\n%s\n" % (a.log, a.output()[-2000:]))
        self.finish()

    def counter(self):
        self._n += 1
        return self._n

    # Assertions.
    def ok(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print("ok - %s" % name, flush=True)
        else:
            self.fail(name, detail or "condition is false")
        return bool(cond)

    def fail(self, name, detail):
        self.failed += 1
        detail = str(detail).replace("\n", "\n    ")
        print("FAIL - %s: %s" % (name, detail), flush=True)
        return False

    def eq(self, name, got, want):
        got_p, want_p = plain(got), plain(want)
        return self.ok(name, got_p == want_p, "got %r, want %r" % (got_p, want_p))

    def between(self, name, got, lo, hi):
        got = plain(got)
        return self.ok(name, got is not None and lo <= got <= hi,
                       "got %r, want %r..%r" % (got, lo, hi))

    def match(self, name, got, pattern):
        return self.ok(name, re.search(pattern, str(got)) is not None,
                       "got %r, want a match of /%s/" % (got, pattern))

    def error(self, name, fn, errname, contains=None):
        """fn() must fail with the D-Bus error errname (and a message that
        contains every string of contains). Returns the exception."""
        try:
            r = fn()
        except dbus.exceptions.DBusException as e:
            got = e.get_dbus_name()
            msg = e.get_dbus_message() or ""
            if got != errname:
                self.fail(name, "got error %s (%r), want %s" % (got, msg, errname))
                return e
            if isinstance(contains, str):
                contains = [contains]
            missing = [c for c in (contains or []) if c not in msg]
            if missing:
                self.fail(name, "%s message %r lacks %r" % (got, msg, missing))
                return e
            self.ok(name, True)
            return e
        self.fail(name, "got the reply %r, want the error %s" % (plain(r), errname))
        return None

    def no_error(self, name, fn):
        try:
            r = fn()
        except dbus.exceptions.DBusException as e:
            self.fail(name, "got error %s: %s" % (e.get_dbus_name(), e.get_dbus_message()))
            return None
        self.ok(name, True)
        return r

    def section(self, name):
        return _Section(self, name)

    # Processes.
    def bus(self, config="session.conf"):
        return Bus(self, config)

    def agent(self, bus, **kw):
        return Agent(self, bus, **kw)

    def as_uid(self, uid, bus, calls, gid=None):
        """Runs calls as uid in a separate process: a list of (iface, method,
        signature, args). Returns a list of {"reply": ...} or {"error": name,
        "message": msg}."""
        gid = uid if gid is None else gid
        p = subprocess.run(
            ["setpriv", "--reuid", str(uid), "--regid", str(gid), "--clear-groups",
             "/usr/bin/python3", self.client_py, bus.address, "call", json.dumps(calls)],
            stdin=subprocess.DEVNULL, capture_output=True, cwd="/", timeout=30)
        if p.returncode != 0:
            raise RuntimeError("client as uid %d failed (%d): %s" % (
                uid, p.returncode, p.stderr.decode(errors="replace")))
        return json.loads(p.stdout.decode())

    def listen_as_uid(self, uid, bus, sender, seconds, gid=None):
        """Starts a process as uid that counts the signals it receives from
        sender during seconds. Returns the Popen; it prints "ready" once its
        match rule is in force, then one JSON list of [interface, member]."""
        gid = uid if gid is None else gid
        p = subprocess.Popen(
            ["setpriv", "--reuid", str(uid), "--regid", str(gid), "--clear-groups",
             "/usr/bin/python3", self.client_py, bus.address, "listen", sender, str(seconds)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/")
        line = p.stdout.readline().decode().strip()
        if line != "ready":
            p.wait(10)
            raise RuntimeError("listener as uid %d: %r %s" % (uid, line, p.stderr.read().decode()))
        return p

    def cleanup(self):
        for a in self.agents:
            if a.proc is not None and a.proc.poll() is None:
                a.proc.kill()
                a.proc.wait()
        for b in self.buses:
            b.stop()
        if os.environ.get("KEEP_TMP"):
            sys.stderr.write("kept %s\n" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def finish(self):
        """Ends every process, prints the summary line, exits."""
        if self._finished:
            return
        self._finished = True
        for a in self.agents:
            if a.running():
                a.stop()
        for b in self.buses:
            b.stop()
        sys.stdout.flush()
        sys.stderr.write("(%.1f s)\n" % (time.monotonic() - self.started))
        sys.stderr.flush()
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        self.cleanup()
        os._exit(1 if self.failed else 0)


class _Section:
    """A group of checks: an unexpected exception fails the group and the
    file goes on with the next one."""

    def __init__(self, suite, name):
        self.suite = suite
        self.name = name

    def __enter__(self):
        print("# %s" % self.name, flush=True)
        return self

    def __exit__(self, et, ev, tb):
        if et is None:
            return False
        if et in (SystemExit, KeyboardInterrupt):
            return False
        if isinstance(ev, dbus.exceptions.DBusException):
            detail = "unexpected D-Bus error %s: %s" % (ev.get_dbus_name(), ev.get_dbus_message())
        else:
            detail = "unexpected %s: %s" % (et.__name__, ev)
        detail += "\n" + "".join(traceback.format_tb(tb)[-3:]).rstrip()
        self.suite.fail(self.name, detail)
        # The next group starts from no agent at all.
        for a in self.suite.agents:
            if a.running():
                a.stop()
        return True


def policy(policy_block="", streams="", extra="", exclude_apps="[]"):
    """A policy file's text. exclude_apps defaults to none, so the synthetic
    source's focus changes never suspend recording."""
    text = "version = 1;\n"
    text += "policy = {\n%s};\n" % policy_block
    if streams:
        text += "streams = {\n%s};\n" % streams
    if exclude_apps is not None:
        text += "exclude_apps = %s;\n" % exclude_apps
    return text + extra
