/* Battery state from /sys/class/power_supply (or CAPCTL_POWER_SUPPLY_DIR,
 * for tests). */
#ifndef CAPTURED_POWER_H
#define CAPTURED_POWER_H

#include <stdbool.h>

struct battery {
	bool on_battery;
	double percent; /* -1 unknown */
};

void power_read_battery(struct battery *out);

#endif
