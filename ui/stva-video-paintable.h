/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaVideoPaintable: the player's picture.  A GdkPaintable 16:9 wide that paints black and
 * the current frame (a GdkTexture) fitted inside it, centred: letterboxed or pillarboxed.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STVA_TYPE_VIDEO_PAINTABLE (stva_video_paintable_get_type ())
G_DECLARE_FINAL_TYPE (StvaVideoPaintable, stva_video_paintable, STVA, VIDEO_PAINTABLE, GObject)

StvaVideoPaintable *stva_video_paintable_new         (void);
/* texture (nullable): the frame to show from now on; NULL shows black. */
void                stva_video_paintable_set_texture (StvaVideoPaintable *self,
                                                      GdkTexture         *texture);
/* (transfer none) (nullable) */
GdkTexture         *stva_video_paintable_get_texture (StvaVideoPaintable *self);

G_END_DECLS
