/* captured --decode: segment files and upload bodies (segment files one
 * after another, as the uploader sends them) printed as JSON Lines, one
 * line per event: the export's line (evjson.h) with the event's segment
 * id. Touches no bus and no state directory. */
#ifndef CAPTURED_DECODE_H
#define CAPTURED_DECODE_H

#include <stdio.h>

/* Decodes one file, read from in (borrowed) and called name in messages,
 * onto out. A segment's lines are written only once all of it has
 * decoded; the first fault ends the file, said in one line on err. 0 when
 * the whole file decoded, -EBADMSG when it is not segments through to its
 * end, -errno when it could not be read. */
int decode_stream(FILE *in, const char *name, FILE *out, FILE *err);

/* Each path ("-" is standard input) through decode_stream, onto out; the
 * exit status: 0 when every file decoded, 1 when one did not (the others
 * are still decoded) or out could not be written. */
int decode_files(char *const *paths, int n, FILE *out, FILE *err);

#endif
