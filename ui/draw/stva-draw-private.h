/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers the figures of ui/draw share (stva-draw-style.c): colours, lines and Pango text.
 */
#pragma once

#include "stva-draw.h"

void   _stva_draw_rgb        (cairo_t *cr, const double *rgb);
/* The colour of label index label (-1 or past the palette: "unlabelled") */
const double *_stva_draw_label_rgb (const StvaDrawStyle *style, int label);
/* text with its vertical centre at y; xalign 0 puts its left edge at x, 0.5 its centre, 1 its
 * right edge; angle (radians, cairo's sense) turns it about (x, y) */
void   _stva_draw_text       (cairo_t *cr, const StvaDrawStyle *style, const char *text,
                              double x, double y, double size_pt, double xalign, double angle);
/* width of text in user units at size_pt */
double _stva_draw_text_width (cairo_t *cr, const StvaDrawStyle *style, const char *text,
                              double size_pt);
/* fills the box with the background */
void   _stva_draw_clear      (cairo_t *cr, const StvaDrawStyle *style, double width,
                              double height);
/* out = a + (b - a) · t, channel by channel */
void   _stva_draw_lerp       (const double *a, const double *b, double t, double out[3]);
/* a stroked segment in the current source and line width */
void   _stva_draw_line       (cairo_t *cr, double x0, double y0, double x1, double y1);
/* the widest of n texts (NULL entries skipped) at size_pt */
double _stva_draw_widest     (cairo_t *cr, const StvaDrawStyle *style, const char *const *texts,
                              int n, double size_pt);
