/* Translation. Every message a person reads goes through _() (gettext, in
 * the catalog "capctl" that both programs share); N_() marks a string that
 * is translated where it is shown rather than where it is written (tables,
 * and the agent's phrases that travel in English on the bus); P_() picks a
 * plural form; L_() and LP_() the same for a text that is also written in
 * English. Output for programs (--json, D-Bus values, file formats) is
 * never translated. */
#ifndef CAPCTL_I18N_H
#define CAPCTL_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) s
#define P_(one, many, n) ngettext(one, many, n)
/* Text that is shown to a person and also written for programs (--json):
 * translated when local, the English as written when not. */
#define L_(local, s) ((local) ? gettext(s) : (s))
#define LP_(local, one, many, n) ((local) ? ngettext(one, many, n) : (n) == 1 ? (one) : (many))

/* Takes the person's locale for messages and character type (never for
 * numbers or times: figures print the same in any language) and opens the
 * catalog: from $CAPCTL_LOCALEDIR when it is set (a build tree's tests),
 * else from the install's locale directory. */
void i18n_init(void);

#endif
