/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaWindow: the studio's main window.  This first cut opens a MELD-layout corpus folder (the
 * demo corpus, or MELD itself): the dialogues in a list, the chosen dialogue's utterances in a
 * table, its whole video in a player decoded by core's FFmpeg reader, and a timeline of the
 * utterances by speaker and label.  Projects, predictions, attention views and the label editor
 * grow on this window with the issues that build them.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "stva-core.h"
#include "stva-draw.h"
#include "stva-csv.h"
#include "stva-meld.h"
#include "stva-window.h"
#include "stva-resources.h"

#define N_SPLITS 3
#define DEFAULT_FRAME_MS 40   /* until a video says its own frame period */

typedef struct
{
  int        split;
  int        dialogue_id;
  GPtrArray *rows;          /* borrowed StvaMeldRow* from self->split_rows, in utterance order */
  char      *video_path;    /* owned: the whole-dialogue video, or NULL when there is none */
  double     duration_s;
} Dialogue;

struct _StvaWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwWindowTitle  *window_title;
  GtkListBox      *dialogue_list;
  GtkListBox      *utterance_list;
  GtkPicture      *video;
  GtkButton       *play_button;
  GtkLabel        *time_label;
  GtkDrawingArea  *timeline;
  GtkLabel        *status_label;

  char            *folder;          /* owned */
  GPtrArray       *split_rows[N_SPLITS];   /* owned arrays of owned StvaMeldRow* */
  GArray          *dialogues;       /* owned, of Dialogue */
  int              current;         /* dialogue index, -1 none */
  int              selected_utt;    /* -1 none */
  StvaMediaReader *reader;          /* owned, for the current dialogue's video */
  guint8          *rgb;             /* owned frame buffer */
  double           position_s;
  double           stop_s;          /* playback pauses here (< 0: at the end) */
  guint            tick_id;
  guint            frame_ms;     /* the open video's frame period: the player shows every frame */
  guint            frames_shown;
};

G_DEFINE_FINAL_TYPE (StvaWindow, stva_window, ADW_TYPE_APPLICATION_WINDOW)

static const char *const split_names[N_SPLITS] = { "train", "dev", "test" };
static const char *const csv_names[N_SPLITS] = {
  "train_sent_emo.csv", "dev_sent_emo.csv", "test_sent_emo.csv",
};

/* ---- helpers ------------------------------------------------------------------------------- */

static int
emotion_index (const char *emotion)
{
  for (int c = 0; c < 7; c++)
    if (g_strcmp0 (STVA_MELD_EMOTIONS[c], emotion) == 0)
      return c;
  return -1;
}

static void
dialogue_clear (gpointer data)
{
  Dialogue *d = data;
  g_clear_pointer (&d->rows, g_ptr_array_unref);
  g_clear_pointer (&d->video_path, g_free);
}

static void
set_status (StvaWindow *self,
            const char *text)
{
  gtk_label_set_text (self->status_label, text);
}

static void
update_time_label (StvaWindow *self)
{
  char text[64];
  int minutes = (int) (self->position_s / 60.0);
  g_snprintf (text, sizeof text, "%d:%04.1f", minutes, self->position_s - 60.0 * minutes);
  gtk_label_set_text (self->time_label, text);
}

static void
stop_playback (StvaWindow *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_button_set_icon_name (self->play_button, "media-playback-start-symbolic");
}

/* Decodes one frame and shows it; FALSE at the end of the video or on an error. */
static gboolean
show_next_frame (StvaWindow *self)
{
  if (self->reader == NULL)
    return FALSE;
  const StvaMediaInfo *info = stva_media_reader_info (self->reader);
  double pts = 0.0;
  bool eof = false;
  StvaError error = { 0 };
  if (stva_media_reader_next_frame (self->reader, self->rgb, &pts, &eof, &error) != STVA_OK)
    {
      set_status (self, error.message);
      return FALSE;
    }
  if (eof)
    return FALSE;
  g_autoptr (GBytes) bytes = g_bytes_new (self->rgb, (gsize) info->width * info->height * 3);
  g_autoptr (GdkTexture) texture = gdk_memory_texture_new (info->width, info->height,
                                                           GDK_MEMORY_R8G8B8, bytes,
                                                           (gsize) info->width * 3);
  gtk_picture_set_paintable (self->video, GDK_PAINTABLE (texture));
  self->position_s = pts;
  self->frames_shown++;
  update_time_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->timeline));
  return TRUE;
}

static gboolean
on_tick (gpointer data)
{
  StvaWindow *self = data;
  if (!show_next_frame (self) || (self->stop_s >= 0.0 && self->position_s >= self->stop_s))
    {
      self->tick_id = 0;
      stop_playback (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
start_playback (StvaWindow *self)
{
  if (self->reader == NULL || self->tick_id != 0)
    return;
  self->tick_id = g_timeout_add (self->frame_ms ? self->frame_ms : DEFAULT_FRAME_MS, on_tick,
                                 self);
  gtk_button_set_icon_name (self->play_button, "media-playback-pause-symbolic");
}

static void
seek_to (StvaWindow *self,
         double      t_s)
{
  if (self->reader == NULL)
    return;
  StvaError error = { 0 };
  if (stva_media_reader_seek (self->reader, t_s, &error) != STVA_OK)
    {
      set_status (self, error.message);
      return;
    }
  show_next_frame (self);
}

/* ---- drawing ------------------------------------------------------------------------------- */

static void
draw_timeline (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        data)
{
  StvaWindow *self = data;
  StvaDrawStyle style;
  stva_draw_style_init_screen (&style);
  if (self->current < 0)
    {
      stva_draw_timeline (cr, NULL, 0, NULL, 0, 0.0, -1.0, -1, &style, width, height);
      return;
    }
  Dialogue *d = &g_array_index (self->dialogues, Dialogue, self->current);
  g_autoptr (GPtrArray) lanes = g_ptr_array_new ();
  StvaDrawSegment *segments = g_new0 (StvaDrawSegment, d->rows->len);
  double end_s = 0.0;
  for (guint i = 0; i < d->rows->len; i++)
    {
      StvaMeldRow *row = g_ptr_array_index (d->rows, i);
      guint lane = 0;
      while (lane < lanes->len && g_strcmp0 (g_ptr_array_index (lanes, lane), row->speaker) != 0)
        lane++;
      if (lane == lanes->len)
        g_ptr_array_add (lanes, row->speaker);
      segments[i] = (StvaDrawSegment) { .start_s = row->start_ms / 1000.0,
                                        .end_s = row->end_ms / 1000.0, .lane = (int) lane,
                                        .label = emotion_index (row->emotion) };
      end_s = MAX (end_s, row->end_ms / 1000.0);
    }
  double duration = MAX (end_s, d->duration_s);
  stva_draw_timeline (cr, segments, (int) d->rows->len, (const char *const *) lanes->pdata,
                      (int) lanes->len, duration, self->reader ? self->position_s : -1.0,
                      self->selected_utt, &style, width, height);
  g_free (segments);
}

/* ---- list rows ----------------------------------------------------------------------------- */

static GtkWidget *
utterance_row_new (const StvaMeldRow *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (box, "utterance-row");
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);

  char when[64];
  g_snprintf (when, sizeof when, "%5.1f–%5.1f", row->start_ms / 1000.0, row->end_ms / 1000.0);
  GtkWidget *time = gtk_label_new (when);
  gtk_widget_add_css_class (time, "timecode");
  GtkWidget *speaker = gtk_label_new (row->speaker);
  gtk_widget_add_css_class (speaker, "speaker");
  gtk_label_set_width_chars (GTK_LABEL (speaker), 7);
  gtk_label_set_xalign (GTK_LABEL (speaker), 0);
  GtkWidget *emotion = gtk_label_new (row->emotion);
  gtk_widget_add_css_class (emotion, "emotion-chip");
  gtk_widget_add_css_class (emotion, row->emotion);
  gtk_label_set_width_chars (GTK_LABEL (emotion), 8);
  GtkWidget *text = gtk_label_new (*row->utterance ? row->utterance : "(no transcript)");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  if (*row->utterance == '\0')
    gtk_widget_add_css_class (text, "dim-label");
  gtk_box_append (GTK_BOX (box), time);
  gtk_box_append (GTK_BOX (box), speaker);
  gtk_box_append (GTK_BOX (box), emotion);
  gtk_box_append (GTK_BOX (box), text);
  return box;
}

static void
fill_utterances (StvaWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->utterance_list))) != NULL)
    gtk_list_box_remove (self->utterance_list, child);
  if (self->current < 0)
    return;
  Dialogue *d = &g_array_index (self->dialogues, Dialogue, self->current);
  for (guint i = 0; i < d->rows->len; i++)
    gtk_list_box_append (self->utterance_list, utterance_row_new (g_ptr_array_index (d->rows, i)));
}

/* ---- callbacks ------------------------------------------------------------------------------ */

static void
on_dialogue_list_row_selected (GtkListBox    *box,
                               GtkListBoxRow *row,
                               gpointer       data)
{
  StvaWindow *self = data;
  if (row == NULL)
    return;
  stva_window_select_dialogue (self, (guint) gtk_list_box_row_get_index (row));
}

static void
on_utterance_list_row_activated (GtkListBox    *box,
                                 GtkListBoxRow *row,
                                 gpointer       data)
{
  stva_window_play_utterance (STVA_WINDOW (data), (guint) gtk_list_box_row_get_index (row));
}

static void
win_play_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StvaWindow *self = STVA_WINDOW (widget);
  if (self->tick_id != 0)
    {
      stop_playback (self);
      return;
    }
  self->stop_s = -1.0;
  start_playback (self);
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
stva_window_dispose (GObject *object)
{
  StvaWindow *self = STVA_WINDOW (object);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer (&self->reader, stva_media_reader_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), STVA_TYPE_WINDOW);
  G_OBJECT_CLASS (stva_window_parent_class)->dispose (object);
}

static void
stva_window_finalize (GObject *object)
{
  StvaWindow *self = STVA_WINDOW (object);
  g_clear_pointer (&self->dialogues, g_array_unref);
  for (int s = 0; s < N_SPLITS; s++)
    g_clear_pointer (&self->split_rows[s], g_ptr_array_unref);
  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->rgb, g_free);
  G_OBJECT_CLASS (stva_window_parent_class)->finalize (object);
}

static void
stva_window_class_init (StvaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_window_dispose;
  object_class->finalize = stva_window_finalize;
  /* the resources live in a static library, so nothing registers them on its own */
  g_resources_register (stva_get_resource ());
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, dialogue_list);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, utterance_list);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, video);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, time_label);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, status_label);
  gtk_widget_class_install_action (widget_class, "win.play", NULL, win_play_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "win.play", NULL);
}

static void
load_style (void)
{
  static gsize loaded = 0;
  if (g_once_init_enter (&loaded))
    {
      GtkCssProvider *css = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (css, "/org/synctva/Studio/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (css);
      g_once_init_leave (&loaded, 1);
    }
}

static void
stva_window_init (StvaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  load_style ();
  self->current = -1;
  self->selected_utt = -1;
  self->stop_s = -1.0;
  self->dialogues = g_array_new (FALSE, TRUE, sizeof (Dialogue));
  g_array_set_clear_func (self->dialogues, dialogue_clear);
  gtk_drawing_area_set_draw_func (self->timeline, draw_timeline, self, NULL);
  g_signal_connect (self->dialogue_list, "row-selected",
                    G_CALLBACK (on_dialogue_list_row_selected), self);
  g_signal_connect (self->utterance_list, "row-activated",
                    G_CALLBACK (on_utterance_list_row_activated), self);
  set_status (self, "Open a MELD-layout folder: synctva-studio FOLDER.");
}

/* ---- public API ---------------------------------------------------------------------------- */

/**
 * stva_window_new:
 * Returns: (transfer full): a new studio window for app.
 */
StvaWindow *
stva_window_new (AdwApplication *app)
{
  return g_object_new (STVA_TYPE_WINDOW, "application", app, NULL);
}

/**
 * stva_window_open_folder:
 * Reads the three MELD CSVs of folder and lists its dialogues.  On error the window keeps what
 * it showed before.
 */
gboolean
stva_window_open_folder (StvaWindow  *self,
                         const char  *folder,
                         GError     **error)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);
  GPtrArray *rows[N_SPLITS] = { NULL };
  guint found = 0;
  for (int s = 0; s < N_SPLITS; s++)
    {
      g_autofree char *path = g_build_filename (folder, csv_names[s], NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      rows[s] = stva_meld_read (path, error);
      if (rows[s] == NULL)
        {
          for (int k = 0; k < s; k++)
            g_clear_pointer (&rows[k], g_ptr_array_unref);
          return FALSE;
        }
      found++;
    }
  if (found == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO,
                   "%s: no train_sent_emo.csv, dev_sent_emo.csv or test_sent_emo.csv here",
                   folder);
      return FALSE;
    }

  stop_playback (self);
  g_clear_pointer (&self->reader, stva_media_reader_free);
  self->current = -1;
  self->selected_utt = -1;
  g_array_set_size (self->dialogues, 0);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->dialogue_list))) != NULL)
    gtk_list_box_remove (self->dialogue_list, child);
  for (int s = 0; s < N_SPLITS; s++)
    {
      g_clear_pointer (&self->split_rows[s], g_ptr_array_unref);
      self->split_rows[s] = rows[s];
    }
  g_free (self->folder);
  self->folder = g_strdup (folder);

  guint n_utts = 0;
  for (int s = 0; s < N_SPLITS; s++)
    {
      if (self->split_rows[s] == NULL)
        continue;
      for (guint i = 0; i < self->split_rows[s]->len; i++)
        {
          StvaMeldRow *row = g_ptr_array_index (self->split_rows[s], i);
          Dialogue *last = self->dialogues->len
                             ? &g_array_index (self->dialogues, Dialogue, self->dialogues->len - 1)
                             : NULL;
          if (last == NULL || last->split != s || last->dialogue_id != row->dialogue_id)
            {
              Dialogue d = { .split = s, .dialogue_id = row->dialogue_id,
                             .rows = g_ptr_array_new () };
              g_autofree char *name = g_strdup_printf ("dia%d.mp4", row->dialogue_id);
              d.video_path = g_build_filename (folder, "dialogues", split_names[s], name, NULL);
              if (!g_file_test (d.video_path, G_FILE_TEST_IS_REGULAR))
                g_clear_pointer (&d.video_path, g_free);
              g_array_append_val (self->dialogues, d);
              last = &g_array_index (self->dialogues, Dialogue, self->dialogues->len - 1);
            }
          g_ptr_array_add (last->rows, row);
          n_utts++;
        }
    }

  for (guint i = 0; i < self->dialogues->len; i++)
    {
      Dialogue *d = &g_array_index (self->dialogues, Dialogue, i);
      g_autoptr (GString) speakers = g_string_new (NULL);
      for (guint k = 0; k < d->rows->len; k++)
        {
          const char *name = ((StvaMeldRow *) g_ptr_array_index (d->rows, k))->speaker;
          if (strstr (speakers->str, name) == NULL)
            g_string_append_printf (speakers, "%s%s", speakers->len ? ", " : "", name);
        }
      g_autofree char *title = g_strdup_printf ("%s · dialogue %d", split_names[d->split],
                                                d->dialogue_id);
      g_autofree char *subtitle = g_strdup_printf ("%u utterances · %s", d->rows->len,
                                                   speakers->str);
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->dialogue_list, row);
    }

  g_autofree char *base = g_path_get_basename (folder);
  adw_window_title_set_subtitle (self->window_title, base);
  g_autofree char *status = g_strdup_printf (
    "%u dialogues, %u utterances from %s. Features, models and the label editor come with the "
    "core, features and project-store issues (#3, #4, #5).", self->dialogues->len, n_utts,
    folder);
  set_status (self, status);
  if (self->dialogues->len > 0)
    stva_window_select_dialogue (self, 0);
  return TRUE;
}

guint
stva_window_get_n_dialogues (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), 0);
  return self->dialogues->len;
}

guint
stva_window_get_n_utterances_shown (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), 0);
  guint n = 0;
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->utterance_list)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    n++;
  return n;
}

void
stva_window_select_dialogue (StvaWindow *self,
                             guint       index)
{
  g_return_if_fail (STVA_IS_WINDOW (self));
  g_return_if_fail (index < self->dialogues->len);
  if ((int) index == self->current)
    return;
  stop_playback (self);
  g_clear_pointer (&self->reader, stva_media_reader_free);
  self->current = (int) index;
  self->selected_utt = -1;
  self->position_s = 0.0;
  Dialogue *d = &g_array_index (self->dialogues, Dialogue, index);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->dialogue_list, (int) index);
  if (row != NULL && gtk_list_box_get_selected_row (self->dialogue_list) != row)
    gtk_list_box_select_row (self->dialogue_list, row);
  fill_utterances (self);
  gtk_picture_set_paintable (self->video, NULL);

  if (d->video_path != NULL)
    {
      StvaError error = { 0 };
      if (stva_media_reader_open (&self->reader, d->video_path, &error) != STVA_OK)
        set_status (self, error.message);
      else
        {
          const StvaMediaInfo *info = stva_media_reader_info (self->reader);
          d->duration_s = info->duration_s;
          self->frame_ms = info->fps > 1.0 && info->fps < 200.0
                           ? (guint) lround (1000.0 / info->fps) : DEFAULT_FRAME_MS;
          g_free (self->rgb);
          self->rgb = g_malloc ((gsize) info->width * info->height * 3);
          show_next_frame (self);
        }
    }
  update_time_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->timeline));
}

void
stva_window_play_utterance (StvaWindow *self,
                            guint       index)
{
  g_return_if_fail (STVA_IS_WINDOW (self));
  if (self->current < 0)
    return;
  Dialogue *d = &g_array_index (self->dialogues, Dialogue, self->current);
  g_return_if_fail (index < d->rows->len);
  StvaMeldRow *row = g_ptr_array_index (d->rows, index);
  self->selected_utt = (int) index;
  GtkListBoxRow *list_row = gtk_list_box_get_row_at_index (self->utterance_list, (int) index);
  if (list_row != NULL)
    gtk_list_box_select_row (self->utterance_list, list_row);
  stop_playback (self);
  seek_to (self, row->start_ms / 1000.0);
  self->stop_s = row->end_ms / 1000.0;
  start_playback (self);
}

double
stva_window_get_position (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), 0.0);
  return self->position_s;
}

gboolean
stva_window_is_playing (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), FALSE);
  return self->tick_id != 0;
}

guint
stva_window_get_frames_shown (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), 0);
  return self->frames_shown;
}

/* The open video's frame period in seconds (what playback advances by per frame). */
double
stva_window_get_frame_period (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), 0.0);
  return (self->frame_ms ? self->frame_ms : DEFAULT_FRAME_MS) / 1000.0;
}
