/* charts: SVG bar and column charts (see charts.h). */
#include "render/charts.h"

#include "analyze/stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define WIDTH	640
#define BAR_H	22
#define GAP	6
#define LABEL_W 200

static void open_svg(struct buf *out, const char *title, int w, int h)
{
	buf_addf(
		out,
		"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"preserveAspectRatio=\"xMinYMin meet\"><title>",
		w, h);
	buf_add_html(out, title, strlen(title));
	buf_adds(out, "</title>");
}

static void text(struct buf *out, double x, double y, const char *anchor, const char *cls,
		 const char *s)
{
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor,
		 cls);
	buf_add_html(out, s, strlen(s));
	buf_adds(out, "</text>");
}

/* "12", "12.5", "83%" */
static void format_value(char *s, size_t n, double v, const char *unit)
{
	if (fabs(v - round(v)) < 0.05)
		snprintf(s, n, "%.0f%s", v, unit);
	else
		snprintf(s, n, "%.1f%s", v, unit);
}

/* A bar's value label: with a unit ("83%"), or as a duration ("2 d 6 h") when unit is NULL. */
static void bar_value(char *s, size_t n, double v, const char *unit)
{
	if (unit) {
		format_value(s, n, v, unit);
		return;
	}
	struct buf b = BUF_INIT;
	duration_text(&b, (long long)(v + 0.5));
	snprintf(s, n, "%s", buf_cstr(&b));
	buf_release(&b);
}

void chart_hbars_minutes(struct buf *out, const char *title, const char *const *labels,
			 const double *minutes, size_t n)
{
	chart_hbars(out, title, labels, minutes, n, 0, NULL);
}

void chart_hbars(struct buf *out, const char *title, const char *const *labels,
		 const double *values, size_t n, double max, const char *unit)
{
	int h = (int)n * (BAR_H + GAP) + GAP;
	if (max <= 0)
		for (size_t i = 0; i < n; i++)
			if (values[i] > max)
				max = values[i];
	if (max <= 0)
		max = 1;
	open_svg(out, title, WIDTH, h > 0 ? h : 1);
	double span = WIDTH - LABEL_W - 96; /* room for the value label */
	for (size_t i = 0; i < n; i++) {
		double y = GAP + (double)i * (BAR_H + GAP);
		double w = values[i] / max * span;
		char v[32];
		text(out, LABEL_W - 8, y + BAR_H * 0.7, "end", "chart-label", labels[i]);
		buf_addf(
			out,
			"<rect class=\"chart-bar\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"3\"/>",
			LABEL_W, y, w < 0 ? 0 : w, BAR_H);
		bar_value(v, sizeof(v), values[i], unit);
		text(out, LABEL_W + (w < 0 ? 0 : w) + 6, y + BAR_H * 0.7, "start", "chart-value",
		     v);
	}
	buf_adds(out, "</svg>");
}

/* A label centred on x under a column, moved in so that it is not cut at either edge. */
static void axis_label(struct buf *out, double x, double y, const char *s)
{
	double half = (double)strlen(s) * 3.6; /* about half its width at 12 px */
	if (x + half > WIDTH - 2)
		text(out, WIDTH - 2, y, "end", "chart-axis", s);
	else if (x - half < 2)
		text(out, 2, y, "start", "chart-axis", s);
	else
		text(out, x, y, "middle", "chart-axis", s);
}

void chart_columns(struct buf *out, const char *title, const char *const *labels, size_t n,
		   const struct series *series, size_t nseries)
{
	const int height = 240, top = 24, bottom = 40, left = 36;
	double max = 0;
	for (size_t s = 0; s < nseries; s++)
		for (size_t i = 0; i < n; i++)
			if (series[s].values[i] > max)
				max = series[s].values[i];
	if (max <= 0)
		max = 1;
	open_svg(out, title, WIDTH, height);
	double plot_h = height - top - bottom,
	       slot = n ? (double)(WIDTH - left - 8) / (double)n : 0;
	double col_w = nseries ? slot * 0.8 / (double)nseries : 0;
	char v[32];
	format_value(v, sizeof(v), max, "");
	text(out, left - 4, top + 4, "end", "chart-axis", v);
	text(out, left - 4, top + plot_h, "end", "chart-axis", "0");
	buf_addf(out, "<line class=\"chart-grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>",
		 left, top + plot_h, WIDTH - 8, top + plot_h);
	for (size_t i = 0; i < n; i++) {
		double x0 = left + (double)i * slot + slot * 0.1;
		for (size_t s = 0; s < nseries; s++) {
			double hgt = series[s].values[i] / max * plot_h;
			buf_addf(
				out,
				"<rect class=\"chart-bar chart-s%zu\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
				s + 1, x0 + (double)s * col_w, top + plot_h - hgt,
				col_w > 1 ? col_w - 1 : col_w, hgt);
			format_value(v, sizeof(v), series[s].values[i], "");
			buf_add_html(out, labels[i], strlen(labels[i]));
			buf_addf(out, ": %s ", v);
			buf_add_html(out, series[s].name, strlen(series[s].name));
			buf_adds(out, "</title></rect>");
		}
		/* Label every column when few, else about 8 labels ("2025-03" is 50 units wide). */
		size_t every = n > 8 ? (n + 7) / 8 : 1;
		if (i % every == 0)
			axis_label(out, x0 + slot * 0.4, height - bottom + 16, labels[i]);
	}
	for (size_t s = 0; s < nseries; s++) {
		double x = left + (double)s * 140;
		buf_addf(
			out,
			"<rect class=\"chart-bar chart-s%zu\" x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\"/>",
			s + 1, x, height - 16);
		text(out, x + 16, height - 6, "start", "chart-legend", series[s].name);
	}
	buf_adds(out, "</svg>");
}

void chart_heatmap(struct buf *out, const char *title, const char *const *row_labels, size_t rows,
		   const char *const *col_labels, size_t cols, const double *values)
{
	const int cell = 34, left = 220, top = 120;
	int w = left + (int)cols * cell + 110, h = top + (int)rows * cell + 8;
	double max = 0;
	for (size_t i = 0; i < rows * cols; i++)
		if (values[i] > max)
			max = values[i];
	if (max <= 0)
		max = 1;
	open_svg(out, title, w, h);
	for (size_t c = 0; c < cols; c++) {
		double x = left + (double)c * cell + cell / 2.0;
		buf_addf(
			out,
			"<text class=\"chart-label\" transform=\"translate(%.1f %d) rotate(-45)\">",
			x, top - 6);
		buf_add_html(out, col_labels[c], strlen(col_labels[c]));
		buf_adds(out, "</text>");
	}
	for (size_t r = 0; r < rows; r++) {
		double y = top + (double)r * cell;
		text(out, left - 8, y + cell * 0.62, "end", "chart-label", row_labels[r]);
		for (size_t c = 0; c < cols; c++) {
			double v = values[r * cols + c];
			buf_addf(
				out,
				"<rect class=\"chart-cell\" x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" "
				"fill-opacity=\"%.2f\"><title>",
				left + (double)c * cell, y, cell - 2, cell - 2,
				v > 0 ? 0.15 + 0.85 * v / max : 0.04);
			buf_add_html(out, row_labels[r], strlen(row_labels[r]));
			buf_adds(out, " × ");
			buf_add_html(out, col_labels[c], strlen(col_labels[c]));
			buf_addf(out, ": %.0f</title></rect>", v);
			if (v > 0) {
				char s[16];
				snprintf(s, sizeof(s), "%.0f", v);
				text(out, left + (double)c * cell + (cell - 2) / 2.0,
				     y + cell * 0.6, "middle", "chart-cell-value", s);
			}
		}
	}
	buf_adds(out, "</svg>");
}
