/* A tally's sparkline (model.h's struct model_tally), as the Live view's
 * rows and the upload panel draw it: the values and the figure beside
 * them come from the same buckets. */
#include "text/spark.h"
#include "view/view.h"

#include <math.h>

double view_tally_spark(WINDOW *w, struct ui *ui, int y, int x, int n, const struct model_tally *t,
                        attr_t attr, uint64_t *first)
{
	double v[MODEL_TALLY_SLOTS];
	uint64_t end;
	if (n > MODEL_TALLY_SLOTS)
		n = MODEL_TALLY_SLOTS;
	if (n < 1)
		n = 1;
	model_tally_values(t, ui->now, v, (size_t)n, &end);
	widget_spark(w, &ui->theme, y, x, v, n, spark_max(v, (size_t)n), attr);
	/* The first bucket shown, or when counting started if later. */
	uint64_t span = (uint64_t)n * t->width;
	*first = end > span ? end - span : 0;
	if (t->since > *first)
		*first = t->since;
	/* The next bucket is whole a moment after it ends. */
	ui_redraw_at(ui, end + t->width + MODEL_TALLY_SETTLE_USEC);
	return v[n - 1];
}
