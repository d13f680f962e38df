/*
 * charts: SVG charts written at build time (no chart library, no JS).
 *
 * Each function appends one self-contained <svg> with role="img", a <title>
 * and a <desc> naming the data, sized by its viewBox so it scales with the
 * page; colours come from CSS custom properties (--chart-1, --chart-2, ...)
 * so dark mode works.  Pages show a table with the same figures next to
 * every chart.  Output is deterministic: numbers are formatted with fixed
 * precision.
 */
#ifndef AFTERMATH_CHARTS_H
#define AFTERMATH_CHARTS_H

#include "base/util.h"

struct series {
	const char *name; /* legend text */
	const double *values;
};

/*
 * Horizontal bars, one per label, values in 0..max (max <= 0: the largest
 * value).  `unit` is appended to value labels ("%").
 */
void chart_hbars(struct buf *out, const char *title, const char *const *labels,
		 const double *values, size_t n, double max, const char *unit);

/* The same, for durations in minutes: each value written as "9 min", "1 h 40 min", "2 d 6 h". */
void chart_hbars_minutes(struct buf *out, const char *title, const char *const *labels,
			 const double *minutes, size_t n);

/*
 * Vertical grouped columns: one group per label, one column per series
 * (at most 3), for counts over time (open versus closed by month).
 */
void chart_columns(struct buf *out, const char *title, const char *const *labels, size_t n,
		   const struct series *series, size_t nseries);

/*
 * A heat map: rows x cols cells, values[r * cols + c]; darker is more.
 * Row and column labels are drawn; each cell has a <title> with its figure.
 */
void chart_heatmap(struct buf *out, const char *title, const char *const *row_labels, size_t rows,
		   const char *const *col_labels, size_t cols, const double *values);

#endif
