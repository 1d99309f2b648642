# Shared by the console tests (source it after ../cli/lib.sh): capctl in
# sessions of a private tmux server, and checks on the screen's exact text
# as capture-pane gives it.
# Unique across machines that share /tmp (the PID alone may not be).
SOCK="capctl-test-$$-${T##*.}"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
tmux_cleanup() {
	tm kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
}
LIB_EXTRA_CLEANUP=tmux_cleanup

# console NAME COLS ROWS [ARGS...]: capctl in a new session of that size.
# When it ends the pane says how, and whether the terminal is back in
# canonical mode with echo.
console() {
	local name=$1 cols=$2 rows=$3
	shift 3
	tm new-session -d -s "$name" -x "$cols" -y "$rows" \
		"env DBUS_SESSION_BUS_ADDRESS='$DBUS_SESSION_BUS_ADDRESS' LC_ALL=C.UTF-8 TZ=UTC \
		TERM=screen HOME='$HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' ${CONSOLE_ENV:-} $CAPCTL $*; \
		echo EXIT=\$?; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; \
		sleep 3600"
}

screen() { tm capture-pane -p -t "$1"; }
line() { screen "$1" | sed -n "${2}p"; }
keys() {
	local name=$1
	shift
	tm send-keys -t "$name" "$@"
}
type_text() { tm send-keys -t "$1" -l -- "$2"; }
pane_pid() { pgrep -P "$(tm display -p -t "$1" '#{pane_pid}')" -x capctl; }

# wait_for NAME REGEX [SECONDS]: until the screen matches; WAITED gets the
# milliseconds it took.
wait_for() {
	local name=$1 re=$2 limit=${3:-3}
	local start end
	start=$(date +%s%N)
	while :; do
		if screen "$name" | grep -qE -- "$re"; then
			end=$(date +%s%N)
			WAITED=$(((end - start) / 1000000))
			return 0
		fi
		end=$(date +%s%N)
		if [ $(((end - start) / 1000000)) -ge $((limit * 1000)) ]; then
			WAITED=$((limit * 1000))
			return 1
		fi
		sleep 0.02
	done
}

# shows NAME TEST-NAME REGEX [SECONDS]: the screen comes to match.
shows() {
	if wait_for "$1" "$3" "${4:-3}"; then
		pass "$2"
	else
		fail "$2" "wanted /$3/ on:" "$(screen "$1")"
	fi
}

# within_a_second NAME TEST-NAME REGEX: and it takes under a second.
within_a_second() {
	if wait_for "$1" "$3" 3 && [ "$WAITED" -lt 1000 ]; then
		pass "$2 (${WAITED} ms)"
	else
		fail "$2" "after ${WAITED} ms, wanted /$3/ on:" "$(screen "$1")"
	fi
}

# line_is NAME N TEXT: line N of the screen, exactly.
line_is() {
	local got
	got=$(line "$1" "$2")
	if [ "$got" = "$3" ]; then
		pass "$1 line $2: $3"
	else
		fail "$1 line $2" "got:    '$got'" "wanted: '$3'"
	fi
}

# fits NAME COLS ROWS: no line is wider than the terminal, none missing.
fits() {
	local widths
	widths=$(screen "$1" | /usr/bin/python3 -c '
import sys, unicodedata
cols = int(sys.argv[1])
for n, line in enumerate(sys.stdin.read().split("\n")[:-1], 1):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    if w > cols:
        print(n, w)' "$2")
	if [ -z "$widths" ] && [ "$(screen "$1" | wc -l)" -eq "$3" ]; then
		pass "$1 fits ${2}x$3"
	else
		fail "$1 fits ${2}x$3" "$widths" "$(screen "$1")"
	fi
}

