/* A laptop is on battery when a battery reports Discharging, or when it
 * has a battery and no mains supply is online. */
#define _GNU_SOURCE
#include "power.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool read_attr(const char *dir, const char *name, const char *attr, char *buf, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s/%s", dir, name, attr);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)n, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

void power_read_battery(struct battery *out)
{
	const char *dir = getenv("CAPCTL_POWER_SUPPLY_DIR");
	if (!dir || !*dir)
		dir = "/sys/class/power_supply";
	bool battery = false, discharging = false, mains_online = false;
	double sum = 0;
	int n = 0;
	char type[32], val[32];

	*out = (struct battery){false, -1};
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || !read_attr(dir, e->d_name, "type", type, sizeof type))
			continue;
		if (strcmp(type, "Battery") == 0) {
			/* Peripherals (a mouse's battery) do not power the machine. */
			if (read_attr(dir, e->d_name, "scope", val, sizeof val) &&
			    strcmp(val, "Device") == 0)
				continue;
			battery = true;
			if (read_attr(dir, e->d_name, "status", val, sizeof val) &&
			    strcmp(val, "Discharging") == 0)
				discharging = true;
			if (read_attr(dir, e->d_name, "capacity", val, sizeof val)) {
				sum += strtod(val, NULL);
				n++;
			}
		} else if (strcmp(type, "Mains") == 0 || strcmp(type, "USB") == 0) {
			if (read_attr(dir, e->d_name, "online", val, sizeof val) &&
			    strcmp(val, "1") == 0)
				mains_online = true;
		}
	}
	closedir(d);
	out->on_battery = battery && (discharging || !mains_online);
	if (n)
		out->percent = sum / n;
}
