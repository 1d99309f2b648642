/* What the machine's power and network cost the agent may spend: battery
 * from UPower (sysfs when UPower is absent), metered and offline links from
 * NetworkManager, package power from RAPL, and the two policy decisions
 * that follow from them (deferring uploads, the battery saver). Also
 * whether the session's screen is locked, from systemd-logind: the same
 * kind of system-service property, so it is followed on the same
 * connection in the same way. */
#ifndef CAPTURED_POWER_H
#define CAPTURED_POWER_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"

/* -1: unknown (battery_percent) or unreadable (rapl_mw). */
struct power_state {
	bool on_battery;        /* UPower OnBattery, else sysfs */
	double battery_percent; /* UPower display device Percentage, else sysfs */
	bool metered;           /* NetworkManager Metered yes (1) or guess-yes (3) */
	bool offline;           /* NetworkManager State 10-50; false without NM */
	double rapl_mw;         /* package power from the RAPL energy counter */
	bool locked;            /* logind's LockedHint of the session; false without logind */
};

/* Watches the system bus (its own private connection, DBUS_SYSTEM_BUS_ADDRESS
 * honoured) for UPower, NetworkManager and systemd-logind, following their
 * properties and their coming and going. Returns at once: the first values
 * arrive later through changed. Without a system bus it reads sysfs alone.
 *
 * The session is logind's "auto" one: the agent's own, or, when it is in
 * none (a systemd user service is not), its user's graphical session. It is
 * looked up again whenever logind says a session came or went.
 *
 * changed runs on the loop when on_battery, battery_percent, metered,
 * offline or locked changed (never for rapl_mw alone); st is borrowed for
 * the call.
 * It must not free the watch. The watch borrows l, which must outlive it. */
struct power_watch;
typedef void (*power_changed_fn)(const struct power_state *st, void *data);
struct power_watch *power_watch_new(struct loop *l, power_changed_fn changed, void *data);
void power_watch_free(struct power_watch *w);

/* The current state. What UPower does not answer for is read from sysfs
 * now, and RAPL is sampled now (a sample less than 100 ms after the last
 * keeps the last figure), so call it when the figures are wanted, not on a
 * timer. A change found here reaches changed on the next loop iteration.
 * The pointer is the watch's, valid until the next call or power_watch_free. */
const struct power_state *power_watch_state(struct power_watch *w);

/* Why uploads wait, by precedence: "offline", "on-battery" (when
 * on_battery_defer), "metered" (when on_metered_defer), or "" to go ahead.
 * A static string. */
const char *power_deferral(const struct power_state *st, bool on_battery_defer,
                           bool on_metered_defer);

/* The battery saver: on battery with a known level below saver_below_percent
 * (0 = never). */
bool power_saver(const struct power_state *st, unsigned saver_below_percent);

/* The sysfs reading alone, from /sys/class/power_supply or
 * $CAPCTL_POWER_SUPPLY_DIR: on battery when a system battery is Discharging
 * or no mains supply is online; peripherals' batteries (scope Device) are
 * ignored; percent is the mean capacity, -1 without a battery. */
struct battery {
	bool on_battery;
	double percent; /* -1 unknown */
};
void power_read_battery(struct battery *out);

/* Milliwatts from two readings of a RAPL energy counter usec apart; the
 * counter wraps to 0 after max_uj (0: range unknown, a wrap is then
 * unreadable). -1 when it cannot be told. */
double power_rapl_mw(uint64_t prev_uj, uint64_t cur_uj, uint64_t max_uj, uint64_t usec);

#endif
