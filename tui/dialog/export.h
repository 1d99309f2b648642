/* x: where to export (everything kept, or the segment the Data view points
 * at) as JSON Lines; while an export runs, how far it got and a key to
 * stop it. The export itself runs in the console (console.h). */
#ifndef CAPCTL_DIALOG_EXPORT_H
#define CAPCTL_DIALOG_EXPORT_H

#include <stddef.h>

#include "dialog/dialog.h"

extern const struct dialog_ops dialog_export;

/* seg: the segment offered besides everything (NULL: none); open: it is
 * the one shown, so it is what is meant. */
void dialog_export_open(struct console *c, const struct ui_segment *seg, bool open);
/* Shows the running export. */
void dialog_export_show(struct console *c);

/* How far the running export got, in a line. */
void dialog_export_progress(const struct ui *ui, char *buf, size_t size);

#endif
