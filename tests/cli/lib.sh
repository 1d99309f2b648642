# Shared by tests/cli and tests/console: a private bus (never the user's),
# a real agent on it, and checks that count towards "N passed, N failed".
# Source it; it cleans up on exit. Needs $CAPCTL and $CAPTURED (absolute
# paths, as tests/run sets them).
set -u
: "${CAPCTL:?CAPCTL must name the capctl binary}" "${CAPTURED:?CAPTURED must name captured}"

T=$(mktemp -d /tmp/capctl-test.XXXXXX)
PASSED=0 FAILED=0
BUS_PID="" AGENT_PID=""
# Nothing of the person running the tests is read: no config, no state.
export XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/xdg-state" HOME="$T/home"
export LC_ALL=C.UTF-8 TZ=UTC
unset NO_COLOR DBUS_SYSTEM_BUS_ADDRESS
mkdir -p "$XDG_CONFIG_HOME" "$HOME"

lib_cleanup() {
	stop_agent
	for pid in "$BUS_PID" "${SYSTEM_BUS_PID:-}"; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
	[ -n "${LIB_EXTRA_CLEANUP:-}" ] && $LIB_EXTRA_CLEANUP
	rm -rf "$T"
}
trap lib_cleanup EXIT

pass() {
	PASSED=$((PASSED + 1))
	echo "ok - $1"
}

fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL - $1"
	shift
	for line in "$@"; do echo "    $line"; done
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# start_bus [CONFIG]: a private bus from tests/dbus (session.conf by
# default), listening in $T; sets DBUS_SESSION_BUS_ADDRESS.
start_bus() {
	local conf=${1:-session.conf} name=bus
	[ "$conf" = session.conf ] || name=${conf%.conf}-bus
	local addr
	addr=$(dbus-daemon --config-file="$LIB_DIR/../dbus/$conf" \
		--address="unix:path=$T/$name" --fork --print-address=1 --print-pid=3 \
		3>"$T/$name.pid" 2>"$T/$name.log")
	if [ "$conf" = session.conf ]; then
		BUS_PID=$(cat "$T/$name.pid")
		DBUS_SESSION_BUS_ADDRESS=$addr
		export DBUS_SESSION_BUS_ADDRESS
	else
		SYSTEM_BUS_PID=$(cat "$T/$name.pid")
		DBUS_SYSTEM_BUS_ADDRESS=$addr
		export DBUS_SYSTEM_BUS_ADDRESS
	fi
}

agent_up() {
	dbus-send "--${AGENT_BUS:-session}" --print-reply --dest=org.freedesktop.DBus / \
		org.freedesktop.DBus.NameHasOwner string:org.capctl.Agent1 2>/dev/null |
		grep -q 'boolean true'
}

# start_agent POLICY-TEXT [SOURCE [STATE]]: the agent on the private bus
# ($AGENT_BUS: session, or system), with the policy given (a captured.conf),
# the input source (default none) and its state in $T/STATE (default
# $T/state). The machine's battery, power supplies and energy counters
# are not the test's: unless a test sets DBUS_SYSTEM_BUS_ADDRESS (for a
# mocked UPower), CAPCTL_POWER_SUPPLY_DIR or CAPCTL_RAPL_DIR, the agent
# sees none, so it reports mains power and no measured draw everywhere.
# Unless AS_WRITTEN=1, the policy is given as the suites written before
# consent and the review hold expect it: recording from the start and
# uploads without a hold, where the text does not set these itself
# (tests/integration/before_consent.py).
start_agent() {
	if [ "${AS_WRITTEN:-0}" = 1 ]; then
		printf '%s\n' "$1" >"$T/policy.conf"
	else
		printf '%s\n' "$1" | python3 "$LIB_DIR/../integration/before_consent.py" \
			>"$T/policy.conf"
	fi
	DBUS_SYSTEM_BUS_ADDRESS=${DBUS_SYSTEM_BUS_ADDRESS:-unix:path=$T/no-system-bus} \
	CAPCTL_POWER_SUPPLY_DIR=${CAPCTL_POWER_SUPPLY_DIR:-$T/no-power-supply} \
	CAPCTL_RAPL_DIR=${CAPCTL_RAPL_DIR:-$T/no-rapl} \
		"$CAPTURED" "--${AGENT_BUS:-session}" --config "$T/policy.conf" \
		--state-dir "$T/${3:-state}" --source "${2:-none}" 2>>"$T/agent.log" &
	AGENT_PID=$!
	for _ in $(seq 250); do
		agent_up && return 0
		sleep 0.02
	done
	echo "the agent did not come up:"
	cat "$T/agent.log"
	return 1
}

stop_agent() {
	if [ -n "$AGENT_PID" ]; then
		kill "$AGENT_PID" 2>/dev/null
		wait "$AGENT_PID" 2>/dev/null
		AGENT_PID=""
	fi
}

# run CMD...: runs it, keeping RC, OUT and ERR.
run() {
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# expect NAME RC [STDOUT [STDERR]]: the last run's status and, when given,
# its exact output ("-" skips a stream).
expect() {
	local name=$1 rc=$2
	local problems=()
	[ "$RC" = "$rc" ] || problems+=("exit status $RC, wanted $rc")
	if [ $# -ge 3 ] && [ "$3" != "-" ] && [ "$OUT" != "$3" ]; then
		problems+=("stdout: $(printf '%q' "$OUT")" "wanted: $(printf '%q' "$3")")
	fi
	if [ $# -ge 4 ] && [ "$4" != "-" ] && [ "$ERR" != "$4" ]; then
		problems+=("stderr: $(printf '%q' "$ERR")" "wanted: $(printf '%q' "$4")")
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "${problems[@]}"
	fi
}

# json EXPR: evaluates a Python expression over the last stdout parsed as
# JSON (as d) with a real JSON parser; prints its value, or "INVALID".
json() {
	/usr/bin/python3 -c '
import json, sys
try:
    d = json.loads(open(sys.argv[1], encoding="utf-8").read())
except Exception as e:
    print("INVALID:", e)
    sys.exit(0)
print(eval(sys.argv[2]))' "$T/out" "$1"
}

# expect_json NAME EXPR WANT: the expression over the last stdout.
expect_json() {
	local got
	got=$(json "$2")
	if [ "$got" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "$2 = $got, wanted $3" "stdout: $(head -c 400 "$T/out")"
	fi
}
