/* The one-shot commands of cli.md, one entry each: what selects it, what
 * it takes, who runs it and what capctl --help and capctl help say of it.
 * A command is added here and nowhere else but its handler. */
#include "cli/cli-int.h"
#include "i18n.h"

#include <limits.h>

#define SEGMENT_ID N_("a SEGMENT-ID (capctl data list shows them)")

const struct cli_command cli_commands[CLI_N_COMMANDS] = {
    [CLI_CMD_STATUS] =
        {
            .name = "status",
            .run = cli_status,
            .summary = N_("state, pause end, streams and costs"),
            /* TRANSLATORS: what --json prints, in capctl help COMMAND; keep the JSON
             * keys and values in quotes as they are. */
            .json = N_("the agent's properties, by their names in snake case"),
            .example = N_("capctl status"),
        },
    [CLI_CMD_PAUSE] =
        {
            .name = "pause",
            /* TRANSLATORS: a synopsis: translate the words in capitals
             * (as in the help's footer), never the options or the words in
             * lower case (approve, deny, jsonl, csv, none). */
            .args = N_("[DURATION]"),
            .max_args = 1,
            .run = cli_pause,
            .summary = N_("pause recording now; without DURATION for the\n"
                          "configured default (30m), never longer than the\n"
                          "agent allows"),
            .more = N_("DURATION is like 90s, 15m, 1h or 1h30m. Pausing while paused sets a "
                       "new end; recording resumes on its own when the pause ends."),
            .json = N_("{\"paused_until\": usec, \"seconds\": N}"),
            .example = N_("capctl pause 15m"),
        },
    [CLI_CMD_RESUME] =
        {
            .name = "resume",
            .run = cli_resume,
            .summary = N_("resume recording now"),
            .more = N_("When not paused, it does nothing and succeeds."),
            .json = N_("{\"state\": ..., \"state_reason\": ...} after resuming"),
            .example = N_("capctl resume"),
        },
    [CLI_CMD_TOGGLE] =
        {
            .name = "toggle",
            .args = N_("[DURATION]"),
            .max_args = 1,
            .run = cli_toggle,
            .summary = N_("pause if not paused, else resume (for a hotkey)"),
            .more = N_("The command to bind to a desktop shortcut; DURATION is as for pause."),
            .json = N_("as pause or resume, with \"action\": \"paused\" or \"resumed\""),
            .example = N_("capctl toggle 1h"),
        },
    [CLI_CMD_EXEMPT_REQUEST] =
        {
            .name = "exempt request",
            .args = N_("--scope SCOPE --category CATEGORY --days N --reason TEXT"),
            .options = {{CLI_OPT_SCOPE, N_("all, pointer.motion, pointer.button, pointer.scroll, "
                                           "keyboard or window.focus")},
                        {CLI_OPT_CATEGORY, N_("why, in a word: medical, legal, accessibility, "
                                              "works-council, personal or other")},
                        {CLI_OPT_DAYS, N_("how long it lasts: 1 to 365 days")},
                        {CLI_OPT_REASON, N_("the reason, for the person who decides")}},
            .run = cli_exempt_request,
            .summary = N_("ask to be exempted from recording"),
            .json = N_("{\"id\": ..., \"status\": \"pending\"}"),
            .example = N_("capctl exempt request --scope keyboard --category medical "
                          "--days 14 --reason 'Dictation software after surgery'"),
        },
    [CLI_CMD_EXEMPT_LIST] =
        {
            .name = "exempt list",
            .run = cli_exempt_list,
            .summary = N_("your exemption requests and their status"),
            .json = N_("{\"exemptions\": [...]}"),
            .example = N_("capctl exempt list"),
        },
    [CLI_CMD_EXEMPT_WITHDRAW] =
        {
            .name = "exempt withdraw",
            .args = N_("ID"),
            .min_args = 1,
            .max_args = 1,
            .needs = N_("an exemption ID"),
            .run = cli_exempt_withdraw,
            .summary = N_("withdraw a pending or approved request"),
            .json = N_("{\"id\": ..., \"status\": \"withdrawn\"}"),
            .example = N_("capctl exempt withdraw EX-3"),
        },
    [CLI_CMD_EXEMPT_DECIDE] =
        {
            .name = "exempt decide",
            .args = N_("ID approve|deny [--note TEXT]"),
            .options = {{CLI_OPT_NOTE, N_("a note for the person who asked")}},
            .min_args = 2,
            .max_args = 2,
            .needs = N_("an exemption ID and approve or deny"),
            .run = cli_exempt_decide,
            .summary = N_("decide a request (administrators)"),
            .json = N_("{\"id\": ..., \"status\": \"approved\" or \"denied\"}"),
            .example =
                N_("capctl --system exempt decide EX-3 approve --note 'Until the cast is off'"),
        },
    [CLI_CMD_FORGET] =
        {
            .name = "forget",
            .args = N_("DURATION"),
            .min_args = 1,
            .max_args = 1,
            .needs = N_("a DURATION, like 15m or 2h"),
            .run = cli_forget,
            .summary = N_("erase what was recorded in the last DURATION\n"
                          "(at most 24h)"),
            .more = N_("DURATION is like 90s, 15m, 1h or 1h30m."),
            .json = N_("{\"removed\": N, \"seconds\": N}"),
            .example = N_("capctl forget 10m"),
        },
    [CLI_CMD_DATA_LIST] =
        {
            .name = "data list",
            .args = N_("[--limit N]"),
            .options = {{CLI_OPT_LIMIT, N_("the newest N segments (default 20)")}},
            .run = cli_data_list,
            .summary = N_("the segments kept, newest first (default 20)"),
            .json = N_("{\"total\": N, \"segments\": [...]}"),
            .example = N_("capctl data list --limit 5"),
        },
    [CLI_CMD_DATA_SHOW] =
        {
            .name = "data show",
            .args = N_("SEGMENT-ID"),
            .min_args = 1,
            .max_args = 1,
            .needs = SEGMENT_ID,
            .run = cli_data_show,
            .summary = N_("the events of one segment"),
            .json = N_("{\"id\": N, \"events\": [...]}"),
            .example = N_("capctl data show 17"),
        },
    [CLI_CMD_DATA_DELETE] =
        {
            .name = "data delete",
            .args = N_("SEGMENT-ID..."),
            .min_args = 1,
            .max_args = INT_MAX,
            .needs = SEGMENT_ID,
            .run = cli_data_delete,
            .summary = N_("delete segments now"),
            .more = N_("An ID that is not kept is named on stderr and makes the exit status 1; "
                       "the others are deleted all the same."),
            .json = N_("{\"deleted\": N, \"unknown\": [ids not kept]}"),
            .example = N_("capctl data delete 17 18"),
        },
    [CLI_CMD_DATA_EXPORT] =
        {
            .name = "data export",
            .args = N_("[--since TIME] [-o FILE [--force]] [--format jsonl|csv]"),
            .options = {{CLI_OPT_SINCE, N_("only what was recorded from TIME on: an ISO 8601 time, "
                                           "or a duration back from now like 2h")},
                        {CLI_OPT_OUTPUT, N_("into FILE instead of on stdout")},
                        {CLI_OPT_FORCE, N_("replace FILE if it exists")},
                        {CLI_OPT_FORMAT, N_("jsonl (JSON Lines, the default) or csv (a header "
                                            "row, then one row an event)")}},
            .run = cli_data_export,
            .summary = N_("everything kept, as JSON Lines (one event a line,\n"
                          "oldest first) or CSV, on stdout or in FILE, never\n"
                          "over an existing FILE unless --force; TIME is an\n"
                          "ISO 8601 time or a duration back from now, like 2h"),
            .more = N_("CSV is for a spreadsheet: the columns are those of a JSON line, a field "
                       "the event's kind does not carry is empty, and a text that begins with = + "
                       "- @ TAB CR or ' gets one ' in front, so that it is never taken for a "
                       "formula."),
            .json = N_("with -o, {\"file\": ..., \"events\": N, \"segments\": N}; without, "
                       "the export all the same"),
            .example = N_("capctl data export --since 2h --format csv -o events.csv"),
        },
    [CLI_CMD_HISTORY] =
        {
            .name = "history",
            .args = N_("[--limit N] | --verify"),
            .options = {{CLI_OPT_LIMIT, N_("the newest N entries (default 20)")},
                        {CLI_OPT_VERIFY, N_("check the hash chain and that it extends what "
                                            "you saw last time")}},
            .run = cli_history,
            .summary = N_("the agent's log, newest first (default 20 entries);\n"
                          "--verify checks its hash chain and that it extends\n"
                          "what this user saw last time"),
            .more = N_("--verify reads the whole History and its chain (HistoryChain), "
                       "recomputes every hash, and looks for the newest entry it found "
                       "intact last time, kept in $XDG_STATE_HOME/capctl/history-seen "
                       "(~/.local/state when unset). It exits 0 when the chain is intact "
                       "and extends that entry, and 1 naming the first entry that does not "
                       "match, or saying that entries you saw are gone."),
            .json = N_("{\"total\": N, \"entries\": [...]}; with --verify {\"entries\": N, "
                       "\"intact\": true|false, \"first_check\": ..., \"newest\": ..., "
                       "\"last_seen\": ..., \"last_checked\": ..., \"problem\": ..., "
                       "\"entry\": ...}"),
            .example = N_("capctl history --verify"),
        },
    [CLI_CMD_NOTICE] =
        {
            .name = "notice",
            .run = cli_notice,
            .summary = N_("the privacy notice"),
            .json = N_("the notice's fields as the agent sent them"),
            .example = N_("capctl notice"),
        },
    [CLI_CMD_LIMIT] =
        {
            .name = "limit",
            .args = N_("STREAM LEVEL|none"),
            .min_args = 2,
            .max_args = 2,
            .needs = N_("a STREAM and a LEVEL, or none to lift your limit"),
            .run = cli_limit,
            .summary = N_("keep less of a stream than the policy allows,\n"
                          "or lift your limit with none"),
            .more = N_("STREAM is pointer.motion, pointer.button, pointer.scroll, keyboard or "
                       "window.focus; LEVEL is one of its levels at or below the policy's (off "
                       "always is). Your limit survives restarts and policy changes."),
            .json = N_("{\"stream\": ..., \"limit\": level or \"\", \"fidelity\": ..., "
                       "\"description\": ...} after the change"),
            .example = N_("capctl limit keyboard category"),
        },
    [CLI_CMD_CHANGES] =
        {
            .name = "changes",
            .run = cli_changes,
            .summary = N_("what the policy changed since you last\n"
                          "acknowledged it, and whether a change waits"),
            .more = N_("The first time, what the policy keeps: nothing is recorded until you "
                       "acknowledge it, where the policy waits for that."),
            .json = N_("the agent's Consent dictionary as it sent it"),
            .example = N_("capctl changes"),
        },
    [CLI_CMD_ACKNOWLEDGE] =
        {
            .name = "acknowledge",
            .args = N_("[--yes]"),
            .options = {{CLI_OPT_YES, N_("acknowledge without asking (for scripts)")}},
            .run = cli_acknowledge,
            .summary = N_("acknowledge the policy shown (asks first)"),
            .more = N_("Shows what changed and the privacy notice, then asks on the terminal. "
                       "Without a terminal it needs --yes. Only the monitored user may "
                       "acknowledge; a policy that changed while you read it is not "
                       "acknowledged (exit status 1)."),
            .json = N_("{\"acknowledged\": digest}; needs --yes"),
            .example = N_("capctl acknowledge"),
        },
    [CLI_CMD_NOTIFY] =
        {
            .name = "notify",
            .args = N_("[--before DURATION]"),
            .options = {{CLI_OPT_BEFORE, N_("also tell DURATION before a pause ends, like 1m")}},
            .run = cli_notify,
            .summary = N_("desktop notifications for what changes (runs\n"
                          "until stopped; for the session's autostart or\n"
                          "its systemd user unit)"),
            .more = N_("Sends a notification when a pause ends, when an exemption is approved or "
                       "ends (recording of its streams stops or starts), when a policy change "
                       "waits for your acknowledgment, and when uploads are deferred because the "
                       "daily cap is reached; nothing otherwise. It follows the agent on the bus "
                       "chosen as for every command and keeps waiting while no agent runs; the "
                       "notifications always go to the session bus. It exits 3 when a bus goes "
                       "away."),
            .json = N_("a document per notification sent: {\"summary\": ..., \"body\": ...}, in "
                       "English "
                       "whatever the language, made safe and markup escaped as sent"),
            .example = N_("capctl notify --before 1m"),
        },
    [CLI_CMD_HELP] =
        {
            .name = "help",
            .args = N_("[COMMAND]"),
            .max_args = 2,
            .run = cli_help,
            .summary = N_("every command, or one with its options"),
            .json = N_("{\"commands\": [{\"name\": ..., \"synopsis\": ..., \"help\": ...}]}, "
                       "or the entry of COMMAND with its options"),
            .example = N_("capctl help data export"),
        },
};
