/* The contract's names of event kinds. */
#include "event.h"

static const char *const kind_names[N_EVENT_KINDS] = {
    "motion", "button-press", "button-release", "scroll", "key-press", "key-release", "focus",
};

const char *event_kind_name(enum event_kind k)
{
	return k < N_EVENT_KINDS ? kind_names[k] : "unknown";
}
