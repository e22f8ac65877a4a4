/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaLabelChip (see stva-label-chip.h): a GtkLabel child over a rounded colour patch drawn in
 * snapshot (), so any number of label colours need no style sheet.
 */
#include "config.h"

#include <math.h>

#include "stva-label-chip.h"

struct _StvaLabelChip
{
  GtkWidget  parent_instance;
  GtkWidget *label;       /* owned child */
  gboolean   has_colour;
  GdkRGBA    colour;
};

G_DEFINE_FINAL_TYPE (StvaLabelChip, stva_label_chip, GTK_TYPE_WIDGET)

/* ---- helpers ------------------------------------------------------------------------------ */

static double
channel (double c)
{
  return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

/* ---- overrides ---------------------------------------------------------------------------- */

static void
stva_label_chip_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  StvaLabelChip *self = STVA_LABEL_CHIP (widget);
  if (self->has_colour)
    {
      int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
      GskRoundedRect rect;
      gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (0, 0, w, h),
                                       MIN (6.0f, h / 2.0f));
      gtk_snapshot_push_rounded_clip (snapshot, &rect);
      gtk_snapshot_append_color (snapshot, &self->colour, &GRAPHENE_RECT_INIT (0, 0, w, h));
      gtk_snapshot_pop (snapshot);
    }
  gtk_widget_snapshot_child (widget, self->label, snapshot);
}

static void
stva_label_chip_dispose (GObject *object)
{
  StvaLabelChip *self = STVA_LABEL_CHIP (object);
  g_clear_pointer (&self->label, gtk_widget_unparent);
  G_OBJECT_CLASS (stva_label_chip_parent_class)->dispose (object);
}

static void
stva_label_chip_class_init (StvaLabelChipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_label_chip_dispose;
  widget_class->snapshot = stva_label_chip_snapshot;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stva-label-chip");
}

static void
stva_label_chip_init (StvaLabelChip *self)
{
  self->label = gtk_label_new ("—");
  gtk_widget_set_margin_start (self->label, 7);
  gtk_widget_set_margin_end (self->label, 7);
  gtk_widget_set_margin_top (self->label, 1);
  gtk_widget_set_margin_bottom (self->label, 1);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);
  gtk_widget_add_css_class (self->label, "dim-label");
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
stva_label_chip_new (void)
{
  return g_object_new (STVA_TYPE_LABEL_CHIP, NULL);
}

void
stva_label_chip_text_rgba (const GdkRGBA *colour,
                           GdkRGBA       *text)
{
  double y = 0.2126 * channel (colour->red) + 0.7152 * channel (colour->green)
             + 0.0722 * channel (colour->blue);
  /* contrast against black (y + 0.05) / 0.05, against white 1.05 / (y + 0.05) */
  float v = (y + 0.05) / 0.05 >= 1.05 / (y + 0.05) ? 0.0f : 1.0f;
  *text = (GdkRGBA) { v, v, v, 1.0f };
}

void
stva_label_chip_set (StvaLabelChip *self,
                     const char    *text,
                     const char    *colour)
{
  g_return_if_fail (STVA_IS_LABEL_CHIP (self));
  GtkLabel *label = GTK_LABEL (self->label);
  gtk_label_set_text (label, text != NULL ? text : "—");
  self->has_colour = colour != NULL && gdk_rgba_parse (&self->colour, colour);
  if (self->has_colour)
    {
      GdkRGBA fg;
      stva_label_chip_text_rgba (&self->colour, &fg);
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_foreground_new ((guint16) (fg.red * 65535),
                                                                (guint16) (fg.green * 65535),
                                                                (guint16) (fg.blue * 65535)));
      gtk_label_set_attributes (label, attrs);
      pango_attr_list_unref (attrs);
      gtk_widget_remove_css_class (self->label, "dim-label");
    }
  else
    {
      gtk_label_set_attributes (label, NULL);
      gtk_widget_add_css_class (self->label, "dim-label");
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
stva_label_chip_get_text (StvaLabelChip *self)
{
  g_return_val_if_fail (STVA_IS_LABEL_CHIP (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->label));
}
