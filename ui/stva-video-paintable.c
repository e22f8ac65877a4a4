/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaVideoPaintable (stva-video-paintable.h): swapping the texture invalidates the contents
 * only; the size never changes (a 16:9 aspect and no intrinsic size, so the picture takes the
 * room its parent gives), which keeps a new frame from causing a relayout.
 */
#include "config.h"

#include "stva-video-paintable.h"

#define ASPECT (16.0 / 9.0)

struct _StvaVideoPaintable
{
  GObject     parent_instance;
  GdkTexture *texture;  /* owned; NULL: black */
};

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StvaVideoPaintable, stva_video_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

/* ---- GdkPaintable ----------------------------------------------------------------------- */

static void
stva_video_paintable_snapshot (GdkPaintable *paintable,
                               GdkSnapshot  *snapshot,
                               double        width,
                               double        height)
{
  StvaVideoPaintable *self = STVA_VIDEO_PAINTABLE (paintable);
  GtkSnapshot *gsnap = GTK_SNAPSHOT (snapshot);
  double tw, th, scale;

  gtk_snapshot_append_color (gsnap, &(GdkRGBA){ 0.0f, 0.0f, 0.0f, 1.0f },
                             &GRAPHENE_RECT_INIT (0, 0, (float) width, (float) height));
  if (self->texture == NULL || width <= 0.0 || height <= 0.0)
    return;
  tw = gdk_texture_get_width (self->texture);
  th = gdk_texture_get_height (self->texture);
  scale = MIN (width / tw, height / th);
  tw *= scale;
  th *= scale;
  gtk_snapshot_append_texture (gsnap, self->texture,
                               &GRAPHENE_RECT_INIT ((float) ((width - tw) / 2.0),
                                                    (float) ((height - th) / 2.0),
                                                    (float) tw, (float) th));
}

static GdkPaintable *
stva_video_paintable_get_current_image (GdkPaintable *paintable)
{
  StvaVideoPaintable *self = STVA_VIDEO_PAINTABLE (paintable);
  StvaVideoPaintable *copy = stva_video_paintable_new ();

  stva_video_paintable_set_texture (copy, self->texture);
  return GDK_PAINTABLE (copy);
}

static GdkPaintableFlags
stva_video_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE;
}

static double
stva_video_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  return ASPECT;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = stva_video_paintable_snapshot;
  iface->get_current_image = stva_video_paintable_get_current_image;
  iface->get_flags = stva_video_paintable_get_flags;
  iface->get_intrinsic_aspect_ratio = stva_video_paintable_get_intrinsic_aspect_ratio;
}

/* ---- class ------------------------------------------------------------------------------ */

static void
stva_video_paintable_dispose (GObject *object)
{
  StvaVideoPaintable *self = STVA_VIDEO_PAINTABLE (object);

  g_clear_object (&self->texture);
  G_OBJECT_CLASS (stva_video_paintable_parent_class)->dispose (object);
}

static void
stva_video_paintable_class_init (StvaVideoPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = stva_video_paintable_dispose;
}

static void
stva_video_paintable_init (StvaVideoPaintable *self)
{
}

/* ---- public API ------------------------------------------------------------------------- */

StvaVideoPaintable *
stva_video_paintable_new (void)
{
  return g_object_new (STVA_TYPE_VIDEO_PAINTABLE, NULL);
}

void
stva_video_paintable_set_texture (StvaVideoPaintable *self,
                                  GdkTexture         *texture)
{
  g_return_if_fail (STVA_IS_VIDEO_PAINTABLE (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));
  if (!g_set_object (&self->texture, texture))
    return;
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

GdkTexture *
stva_video_paintable_get_texture (StvaVideoPaintable *self)
{
  g_return_val_if_fail (STVA_IS_VIDEO_PAINTABLE (self), NULL);
  return self->texture;
}
