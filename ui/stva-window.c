/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaWindow: the studio's main window.  It owns the session (the open project), places the
 * component views in the slots of its template (sidebar, player, timeline, inspector, table,
 * label bar), and holds the win.* actions.  Keys: those with a modifier are application
 * accelerators (stva-application.c); bare keys (label keys, Space, J/K/L, N/P, R, arrows,
 * Enter) go through the window's shortcut controllers in the capture phase, before a focused
 * list or button could take them, and pass while a text field or a menu has the focus, so a
 * search or a note takes its spaces and letters; Escape leaves such a field.
 */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>

#include "stva-application.h"
#include "stva-dialogue-list.h"
#include "stva-engine.h"
#include "stva-export-dialog.h"
#include "stva-import-dialog.h"
#include "stva-inspector.h"
#include "stva-job-runner.h"
#include "stva-keys.h"
#include "stva-label-bar.h"
#include "stva-player.h"
#include "stva-preferences.h"
#include "stva-retrain-dialog.h"
#include "stva-timeline-view.h"
#include "stva-utterance-table.h"
#include "stva-resources.h"
#include "stva-window.h"

struct _StvaWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay    *toast_overlay;
  AdwWindowTitle     *window_title;
  AdwFlap            *flap;
  GtkToggleButton    *sidebar_button;
  GtkLabel           *model_label;
  GtkLabel           *queue_label;
  GtkMenuButton      *queue_button;
  GtkLabel           *status_label;
  GtkBox             *sidebar_slot;
  GtkBox             *player_slot;
  GtkBox             *timeline_slot;
  GtkBox             *inspector_slot;
  GtkBox             *table_slot;
  GtkBox             *labelbar_slot;
  GtkRevealer        *job_revealer;
  GtkLabel           *job_label;
  GtkProgressBar     *job_progress;
  GMenu              *recent_section;   /* the main menu's recent projects */

  /* the component views, children of the slots */
  StvaDialogueList   *dialogue_list;
  StvaPlayer         *player;
  StvaTimelineView   *timeline;
  StvaUtteranceTable *table;
  StvaLabelBar       *label_bar;

  StvaSession        *session;          /* owned */
  char               *media;            /* owned, nullable: the file the player shows */
  gboolean            media_is_dialogue; /* the whole dialogue's video, else one clip */
  GtkShortcutController *label_keys;    /* owned by the window: the label set's keys */
  double              alpha;            /* Krippendorff's α of the project, NaN: not enough */
  GCancellable       *job;              /* owned, nullable: the job running in the window */
};

G_DEFINE_FINAL_TYPE (StvaWindow, stva_window, ADW_TYPE_APPLICATION_WINDOW)

/* ---- helpers ------------------------------------------------------------------------------ */

static void
set_status (StvaWindow *self,
            const char *text)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
}

static void
show_error (StvaWindow *self,
            GError     *error)
{
  if (error == NULL)
    return;
  stva_window_toast (self, error->message);
  set_status (self, error->message);
}

static void
update_alpha (StvaWindow *self)
{
  self->alpha = NAN;
  StvaDb *db = stva_session_get_db (self->session);
  const StvaDbLabelSet *set = stva_session_get_label_set (self->session);
  if (db == NULL || set == NULL)
    return;
  StvaDbAgreement a = { 0 };
  if (stva_db_agreement (db, set->id, FALSE, 0, &a, NULL) && a.n_units > 0 && a.n_raters > 1)
    self->alpha = a.alpha;
  stva_db_agreement_clear (&a);
}

static void
update_title (StvaWindow *self)
{
  const char *path = stva_session_get_path (self->session);
  if (path == NULL)
    {
      adw_window_title_set_title (self->window_title, "Sync-TVA Studio");
      adw_window_title_set_subtitle (self->window_title, "Open a project to begin (Ctrl+O)");
      return;
    }
  g_autofree char *base = g_path_get_basename (path);
  StvaDialogueItem *d = stva_session_get_dialogue (self->session);
  g_autofree char *title = d != NULL ? g_strdup_printf ("%s — %s", base,
                                                        stva_dialogue_item_get_title (d))
                                     : g_strdup (base);
  adw_window_title_set_title (self->window_title, title);
  const char *who = stva_session_get_annotator (self->session);
  g_autofree char *alpha = isnan (self->alpha) ? g_strdup ("α: not enough shared labels")
                                               : g_strdup_printf ("α %.2f", self->alpha);
  g_autofree char *subtitle = g_strdup_printf ("annotator: %s · %s",
                                               who != NULL ? who : "not chosen", alpha);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
update_model_label (StvaWindow *self)
{
  gint64 id = stva_session_get_model_id (self->session);
  StvaDb *db = stva_session_get_db (self->session);
  if (db == NULL || id == 0)
    {
      gtk_label_set_text (self->model_label, db != NULL ? "no model yet" : "");
      return;
    }
  g_autofree char *name = stva_db_model_name (db, id, NULL);
  g_autofree char *text = g_strdup_printf ("model #%" G_GINT64_FORMAT " %s", id,
                                           name != NULL ? name : "");
  gtk_label_set_text (self->model_label, text);
}

static void
update_queue_label (StvaWindow *self)
{
  GArray *q = stva_session_get_queue (self->session);
  if (q == NULL)
    {
      gtk_label_set_text (self->queue_label, "");
      return;
    }
  g_autofree char *text = g_strdup_printf ("%u of %u left", stva_session_queue_left (self->session),
                                           q->len);
  gtk_label_set_text (self->queue_label, text);
}

/* A focused text field takes typing, and an open menu its arrows and Enter: bare keys then
 * pass to them. */
static gboolean
editing_text (StvaWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    if (GTK_IS_EDITABLE (w) || GTK_IS_TEXT_VIEW (w) || GTK_IS_POPOVER (w))
      return TRUE;
  return FALSE;
}

/* the callback of every bare key: its action, unless a text field has the focus */
static gboolean
bare_key_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   data)
{
  StvaWindow *self = STVA_WINDOW (widget);
  if (editing_text (self))
    return FALSE;
  const char *detailed = data;
  g_autofree char *name = NULL;
  g_autoptr (GVariant) target = NULL;
  if (!g_action_parse_detailed_name (detailed, &name, &target, NULL))
    return FALSE;
  return gtk_widget_activate_action_variant (widget, name, target);
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   data)
{
  StvaWindow *self = STVA_WINDOW (widget);
  if (!editing_text (self))
    return FALSE;
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  return TRUE;
}

static void
add_bare_key (GtkShortcutController *controller,
              const char            *accel,
              const char            *detailed_action)
{
  GtkShortcutTrigger *trigger = gtk_shortcut_trigger_parse_string (accel);
  g_return_if_fail (trigger != NULL);
  GtkShortcutAction *action = gtk_callback_action_new (bare_key_cb, g_strdup (detailed_action),
                                                       g_free);
  gtk_shortcut_controller_add_shortcut (controller, gtk_shortcut_new (trigger, action));
}

/* The label set's keys, rebuilt when a project opens. */
static void
rebuild_label_keys (StvaWindow *self)
{
  if (self->label_keys != NULL)
    gtk_widget_remove_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->label_keys));
  self->label_keys = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->label_keys),
                                              GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (GTK_EVENT_CONTROLLER (self->label_keys), "label-keys");
  const StvaDbLabelSet *set = stva_session_get_label_set (self->session);
  for (guint i = 0; set != NULL && i < set->labels->len; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (set->labels, i);
      g_autofree char *accel = stva_key_label_accel (l->key);
      if (accel == NULL || stva_key_is_reserved (l->key))
        continue;   /* a key the studio uses itself: the label bar still sets it by click */
      g_autofree char *detailed = g_strdup_printf ("win.label(int64 %" G_GINT64_FORMAT ")",
                                                   l->id);
      add_bare_key (self->label_keys, accel, detailed);
    }
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->label_keys));
}

static void
after_label (StvaWindow *self)
{
  update_alpha (self);
  update_title (self);
  update_queue_label (self);
}

/* ---- actions: moving and labelling ---------------------------------------------------------- */

static void
win_step_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  int delta = g_str_has_prefix (name, "win.prev") ? -1 : 1;
  if (g_str_has_suffix (name, "utterance"))
    stva_session_step_utterance (self->session, delta);
  else
    {
      guint n = g_list_model_get_n_items (stva_session_get_dialogues (self->session));
      guint pos = stva_session_get_dialogue_position (self->session);
      if (pos == GTK_INVALID_LIST_POSITION || n == 0)
        return;
      gint64 to = (gint64) pos + delta;
      if (to < 0 || to >= n)
        return;
      g_autoptr (GError) error = NULL;
      if (!stva_session_select_dialogue (self->session, (guint) to, &error))
        show_error (self, error);
    }
}

static void
win_queue_step_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  if (stva_session_get_queue (self->session) == NULL
      && !stva_session_set_queue (self->session, STVA_DB_QUEUE_ENTROPY, FALSE, &error))
    {
      show_error (self, error);
      return;
    }
  int delta = g_str_equal (name, "win.queue-next") ? 1 : -1;
  if (!stva_session_queue_step (self->session, delta, &error))
    {
      if (error != NULL)
        show_error (self, error);
      else
        stva_window_toast (self, delta > 0 ? "The end of the review queue"
                                           : "The start of the review queue");
    }
  update_queue_label (self);
}

static void
win_queue_order_action (GtkWidget  *widget,
                        const char *name,
                        GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  int order = g_variant_get_int32 (param);
  if (order < STVA_DB_QUEUE_ENTROPY || order > STVA_DB_QUEUE_AUDIT)
    return;
  if (!stva_session_set_queue (self->session, order, FALSE, &error))
    {
      show_error (self, error);
      return;
    }
  update_queue_label (self);
  if (stva_session_get_queue (self->session)->len == 0)
    stva_window_toast (self, order == STVA_DB_QUEUE_AUDIT
                               ? "No label audit yet: main menu, Audit the Labels"
                               : "Nothing in this queue");
  else
    stva_session_queue_step (self->session, 1, NULL);
  update_queue_label (self);
}

static void ask_annotator (StvaWindow *self);

/* After a label: the next utterance, when the user wants it (a preference). */
static void
advance (StvaWindow *self)
{
  if (stva_preferences_get_boolean (STVA_PREF_ADVANCE, TRUE))
    stva_session_step_utterance (self->session, 1);
}

static void
win_advance_action (GSimpleAction *action,
                    GVariant      *state,
                    gpointer       data)
{
  StvaWindow *self = data;
  g_simple_action_set_state (action, state);
  g_autoptr (GError) error = NULL;
  if (!stva_preferences_set_boolean (STVA_PREF_ADVANCE, g_variant_get_boolean (state), &error))
    show_error (self, error);
}

/* Preferences changed in the preferences window: the menu toggle and the player follow. */
static void
on_advance_preference_changed (StvaPreferences *prefs,
                               const char      *key,
                               gpointer         action)
{
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (
    stva_preferences_get_boolean (STVA_PREF_ADVANCE, TRUE)));
}

static void
on_speed_preference_changed (StvaPreferences *prefs,
                             const char      *key,
                             gpointer         data)
{
  StvaWindow *self = data;
  stva_player_set_speed (self->player, stva_preferences_get_speed ());
}

/* Runs a labelling step, asking who is labelling first when nobody has said. */
static gboolean
ready_to_label (StvaWindow *self)
{
  if (!stva_session_is_open (self->session))
    return FALSE;
  if (stva_session_get_annotator (self->session) == NULL)
    {
      /* the preferences' annotator for a project that names nobody, else ask */
      g_autofree char *who = stva_preferences_get_string (STVA_PREF_ANNOTATOR, "");
      g_autoptr (GError) error = NULL;
      if (*g_strstrip (who) != '\0' && stva_session_set_annotator (self->session, who, &error))
        {
          update_title (self);
          return TRUE;
        }
      if (error != NULL)
        show_error (self, error);
      ask_annotator (self);
      return FALSE;
    }
  return TRUE;
}

static void
win_label_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  if (!ready_to_label (self))
    return;
  g_autoptr (GError) error = NULL;
  gint64 label_id = g_variant_get_int64 (param);
  /* the note typed in the label bar goes with this label */
  g_autofree char *note = stva_label_bar_take_note (self->label_bar);
  if (!stva_session_set_label (self->session, label_id, note, &error))
    {
      stva_label_bar_set_note (self->label_bar, note);   /* kept for the next try */
      show_error (self, error);
      return;
    }
  advance (self);
}

/* Enter takes the prediction as the label, R keeps the current one: both review the utterance
 * and move on. */
static void
win_review_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  if (!ready_to_label (self))
    return;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_str_equal (name, "win.accept")
                  ? stva_session_accept_prediction (self->session, &error)
                  : stva_session_mark_reviewed (self->session, &error);
  if (!ok)
    show_error (self, error);
  else
    advance (self);
}

static void
win_undo_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  if (!ready_to_label (self))
    return;
  g_autoptr (GError) error = NULL;
  gboolean done = FALSE;
  gboolean redo = g_str_equal (name, "win.redo");
  gboolean ok = redo ? stva_session_redo (self->session, &done, &error)
                     : stva_session_undo (self->session, &done, &error);
  if (!ok)
    show_error (self, error);
  else if (!done)
    stva_window_toast (self, redo ? "Nothing to redo" : "Nothing to undo");
}

static void
win_search_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  gtk_toggle_button_set_active (self->sidebar_button, TRUE);
  stva_dialogue_list_focus_search (self->dialogue_list);
}

static void
win_note_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  stva_label_bar_focus_note (STVA_WINDOW (widget)->label_bar);
}

static void
win_sidebar_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  gtk_toggle_button_set_active (self->sidebar_button,
                                !gtk_toggle_button_get_active (self->sidebar_button));
}

/* ---- playback ----------------------------------------------------------------------------- */

/* Start and end of the selected utterance in the file the player shows. */
static gboolean
utterance_range (StvaWindow *self,
                 double     *start_s,
                 double     *end_s)
{
  StvaUtteranceItem *item = stva_session_get_utterance (self->session);
  if (item == NULL || self->media == NULL)
    return FALSE;
  const StvaDbUtterance *u = stva_utterance_item_get (item);
  if (self->media_is_dialogue)
    {
      *start_s = u->start_ms / 1000.0;
      *end_s = u->end_ms > u->start_ms ? u->end_ms / 1000.0 : -1.0;
    }
  else
    {
      *start_s = 0.0;
      *end_s = -1.0;
    }
  return TRUE;
}

/* The player follows the selection: the dialogue's video at the utterance's start, or the
 * utterance's own clip. */
static void
follow_selection (StvaWindow *self)
{
  StvaDialogueItem *d = stva_session_get_dialogue (self->session);
  StvaUtteranceItem *item = stva_session_get_utterance (self->session);
  const char *video = d != NULL ? stva_dialogue_item_get (d)->media_path : NULL;
  const char *clip = item != NULL ? stva_utterance_item_get (item)->media_path : NULL;
  const char *want = video != NULL ? video : clip;
  gboolean whole = video != NULL;
  if (want == NULL)
    {
      g_clear_pointer (&self->media, g_free);
      stva_player_open (self->player, NULL, NULL);
      return;
    }
  if (g_strcmp0 (want, self->media) != 0)
    {
      g_autoptr (GError) error = NULL;
      g_free (self->media);
      self->media = g_strdup (want);
      self->media_is_dialogue = whole;
      if (!stva_player_open (self->player, want, &error))
        {
          show_error (self, error);
          g_clear_pointer (&self->media, g_free);
          return;
        }
    }
  double start_s, end_s;
  if (!utterance_range (self, &start_s, &end_s))
    return;
  if (stva_preferences_get_boolean (STVA_PREF_AUTOPLAY, FALSE))   /* play on selection */
    stva_player_play_range (self->player, start_s, end_s, FALSE);
  else
    stva_player_seek (self->player, start_s);
}

static void
win_play_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  if (g_str_equal (name, "win.play"))
    stva_player_toggle (self->player);
  else if (g_str_equal (name, "win.back"))
    stva_player_jkl (self->player, 'j');
  else if (g_str_equal (name, "win.pause"))
    stva_player_jkl (self->player, 'k');
  else if (g_str_equal (name, "win.forward"))
    stva_player_jkl (self->player, 'l');
  else if (g_str_equal (name, "win.frame-prev"))
    stva_player_step_frame (self->player, -1);
  else if (g_str_equal (name, "win.frame-next"))
    stva_player_step_frame (self->player, 1);
  else if (g_str_equal (name, "win.slower") || g_str_equal (name, "win.faster"))
    stva_player_set_speed (self->player, stva_player_get_speed (self->player)
                                         + (g_str_equal (name, "win.faster") ? 0.25 : -0.25));
  else
    {
      double start_s, end_s;
      if (!utterance_range (self, &start_s, &end_s))
        return;
      gboolean loop = g_str_equal (name, "win.loop") && !stva_player_get_loop (self->player);
      stva_player_play_range (self->player, start_s, end_s, loop);
    }
}

static void
on_player_position (StvaPlayer *player,
                    GParamSpec *pspec,
                    gpointer    data)
{
  StvaWindow *self = data;
  double t = stva_player_get_position (player);
  if (self->media_is_dialogue)
    stva_timeline_view_set_position (self->timeline, t);
  else
    {
      StvaUtteranceItem *item = stva_session_get_utterance (self->session);
      if (item != NULL)
        stva_timeline_view_set_position (self->timeline,
                                         stva_utterance_item_get (item)->start_ms / 1000.0 + t);
    }
}

static void
on_label_bar_error (StvaLabelBar *bar,
                    const char   *message,
                    gpointer      data)
{
  StvaWindow *self = data;
  if (stva_session_is_open (self->session) && stva_session_get_annotator (self->session) == NULL)
    ask_annotator (self);
  else
    stva_window_toast (self, message);
}

static void
on_player_error (StvaPlayer *player,
                 GError     *error,
                 gpointer    data)
{
  show_error (STVA_WINDOW (data), error);
}

static void
on_timeline_seek (StvaTimelineView *timeline,
                  double            t_s,
                  gpointer          data)
{
  StvaWindow *self = data;
  if (self->media_is_dialogue)
    stva_player_seek (self->player, t_s);
}

/* ---- the annotator ------------------------------------------------------------------------ */

static void
on_annotator_response (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          data)
{
  StvaWindow *self = data;
  if (g_strcmp0 (response, "ok") != 0)
    return;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autoptr (GError) error = NULL;
  if (!stva_session_set_annotator (self->session, gtk_editable_get_text (entry), &error))
    show_error (self, error);
  update_title (self);
}

static void
on_annotator_entry_changed (GtkEditable *entry,
                            gpointer     data)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (data), "ok", *name != '\0');
}

static void
on_annotator_entry_activate (GtkEntry *entry,
                             gpointer  data)
{
  AdwMessageDialog *dialog = data;
  if (adw_message_dialog_get_response_enabled (dialog, "ok"))
    adw_message_dialog_response (dialog, "ok");
}

/* Asks once per project who is labelling; the answer is remembered in the project. */
static void
ask_annotator (StvaWindow *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (self), "Who is labelling?",
    "Your labels are kept under this name in the project, beside other annotators' labels. "
    "The studio remembers it for this project."));
  GtkWidget *entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "Your name or initials");
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "ok", "_Start labelling", NULL);
  adw_message_dialog_set_response_appearance (dialog, "ok", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "ok", FALSE);
  adw_message_dialog_set_default_response (dialog, "ok");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (on_annotator_entry_changed), dialog);
  g_signal_connect (entry, "activate", G_CALLBACK (on_annotator_entry_activate), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_annotator_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- jobs ---------------------------------------------------------------------------------- */

/* The progress row under the header bar: stage, done of total, rate and time left. */
static void
on_job_progress (const StvaJobProgress *p,
                 gpointer               data)
{
  StvaWindow *self = data;
  if (self->job == NULL)
    return;   /* a late report of a job that has ended */
  gtk_label_set_text (self->job_label, p->stage);
  if (p->total > 0)
    {
      gtk_progress_bar_set_fraction (self->job_progress, (double) p->done / (double) p->total);
      g_autofree char *text = p->eta_s >= 0.0
        ? g_strdup_printf ("%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " %s · %.1f/s · %.0f s "
                           "left", p->done, p->total, p->unit, p->rate, p->eta_s)
        : g_strdup_printf ("%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " %s", p->done, p->total,
                           p->unit);
      gtk_progress_bar_set_text (self->job_progress, text);
    }
  else
    {
      gtk_progress_bar_pulse (self->job_progress);
      gtk_progress_bar_set_text (self->job_progress, p->detail != NULL ? p->detail : "");
    }
}

/* Shows the progress row for a job starting now; its cancellable is returned (owned by the
 * window until end_job ()). */
static GCancellable *
begin_job (StvaWindow *self,
           const char *what)
{
  g_clear_object (&self->job);
  self->job = g_cancellable_new ();
  gtk_label_set_text (self->job_label, what);
  gtk_progress_bar_set_fraction (self->job_progress, 0.0);
  gtk_progress_bar_set_text (self->job_progress, "");
  gtk_revealer_set_reveal_child (self->job_revealer, TRUE);
  return self->job;
}

static void
end_job (StvaWindow *self)
{
  g_clear_object (&self->job);
  gtk_revealer_set_reveal_child (self->job_revealer, FALSE);
}

static void
on_job_cancel_clicked (GtkButton *button,
                       gpointer   data)
{
  StvaWindow *self = data;
  if (self->job != NULL)
    g_cancellable_cancel (self->job);
}

/* The work loop's jobs (stva-job-runner.c) and dialogues: extract, predict, retrain. */
static void
win_work_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  StvaWindow *self = STVA_WINDOW (widget);
  if (g_str_equal (name, "win.extract"))
    stva_job_runner_extract (self);
  else if (g_str_equal (name, "win.predict"))
    stva_job_runner_predict (self);
  else if (g_str_equal (name, "win.audit"))
    stva_job_runner_audit (self, NULL, 0, NULL);
  else if (!stva_session_is_open (self->session))
    stva_window_toast (self, "Open a project first (Ctrl+O)");
  else
    gtk_window_present (GTK_WINDOW (stva_retrain_dialog_new (self)));
}

/* ---- a corpus folder becomes a project ------------------------------------------------------ */

typedef struct
{
  StvaWindow *window;    /* owned */
  char       *project;   /* owned: the project made for the folder */
  char       *annotator; /* owned, nullable */
} ImportRun;

static void
import_run_free (ImportRun *run)
{
  g_object_unref (run->window);
  g_free (run->project);
  g_free (run->annotator);
  g_free (run);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      data)
{
  ImportRun *run = data;
  StvaWindow *self = run->window;
  end_job (self);
  g_autoptr (StvaImportResult) result = NULL;
  g_autoptr (GError) error = NULL;
  if (!stva_engine_import_finish (res, &result, &error))
    {
      /* the import is one transaction: the new project holds nothing of it, so it goes */
      g_unlink (run->project);
      g_autofree char *wal = g_strconcat (run->project, "-wal", NULL);
      g_autofree char *shm = g_strconcat (run->project, "-shm", NULL);
      g_unlink (wal);
      g_unlink (shm);
      show_error (self, error);
      import_run_free (run);
      return;
    }
  g_autofree char *msg = g_strdup_printf ("Imported %d dialogues, %d utterances (%u warnings)",
                                          result->n_dialogues, result->n_utterances,
                                          result->warnings != NULL ? result->warnings->len : 0);
  stva_window_toast (self, msg);
  stva_window_open (self, run->project, run->annotator);
  import_run_free (run);
}

static void
import_folder (StvaWindow *self,
               const char *folder,
               const char *project,
               const char *annotator)
{
  g_autoptr (GError) error = NULL;
  if (self->job != NULL)   /* one job at a time */
    {
      stva_window_toast (self, "A job is running: wait for it or cancel it first");
      return;
    }
  StvaInitOptions init = { .project = project };
  if (!stva_engine_init (NULL, &init, NULL, &error))
    {
      show_error (self, error);
      return;
    }
  ImportRun *run = g_new0 (ImportRun, 1);
  run->window = g_object_ref (self);
  run->project = g_strdup (project);
  run->annotator = g_strdup (annotator);
  StvaImportOptions options = { .project = project, .kind = STVA_IMPORT_MELD, .path = folder };
  GCancellable *c = begin_job (self, "Importing the corpus");
  stva_engine_import_async (&options, on_job_progress, self, c, import_done_cb, run);
}

typedef struct
{
  StvaWindow *window;     /* borrowed: the dialog is the window's */
  char       *folder;
  char       *project;
  char       *annotator;
} ImportAsk;

static void
import_ask_free (ImportAsk *ask)
{
  g_free (ask->folder);
  g_free (ask->project);
  g_free (ask->annotator);
  g_free (ask);
}

static void
on_import_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          data)
{
  ImportAsk *ask = data;
  if (g_strcmp0 (response, "import") == 0)
    import_folder (ask->window, ask->folder, ask->project, ask->annotator);
}

/* A MELD-layout folder: the project beside it when there is one, else an offer to make it. */
static void
open_corpus_folder (StvaWindow *self,
                    const char *folder,
                    const char *annotator)
{
  g_autofree char *clean = g_canonicalize_filename (folder, NULL);
  g_autofree char *project = g_strconcat (clean, ".stva", NULL);
  if (g_file_test (project, G_FILE_TEST_EXISTS))
    {
      stva_window_open (self, project, annotator);
      return;
    }
  g_autofree char *body = g_strdup_printf (
    "%s is a corpus folder. The studio works on a project: it can make %s beside it and "
    "import the corpus into it (dialogues, utterances, gold labels and media paths; the media "
    "stay where they are).", clean, project);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
    adw_message_dialog_new (GTK_WINDOW (self), "Import this corpus?", body));
  adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "import", "_Import", NULL);
  adw_message_dialog_set_response_appearance (dialog, "import", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "import");
  adw_message_dialog_set_close_response (dialog, "cancel");
  ImportAsk *ask = g_new0 (ImportAsk, 1);
  ask->window = self;
  ask->folder = g_strdup (clean);
  ask->project = g_strdup (project);
  ask->annotator = g_strdup (annotator);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_import_response), ask,
                         (GClosureNotify) (void (*) (void)) import_ask_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- session signals ---------------------------------------------------------------------- */

static void
on_session_dialogue (StvaSession *session,
                     GParamSpec  *pspec,
                     gpointer     data)
{
  update_title (STVA_WINDOW (data));
}

static void
on_session_utterance (StvaSession *session,
                      GParamSpec  *pspec,
                      gpointer     data)
{
  follow_selection (STVA_WINDOW (data));
}

static void
on_session_label_changed (StvaSession *session,
                          gint64       utterance_id,
                          gpointer     data)
{
  after_label (STVA_WINDOW (data));
}

static void
on_session_model (StvaSession *session,
                  GParamSpec  *pspec,
                  gpointer     data)
{
  update_model_label (STVA_WINDOW (data));
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
stva_window_dispose (GObject *object)
{
  StvaWindow *self = STVA_WINDOW (object);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->job != NULL)
    g_cancellable_cancel (self->job);
  g_clear_object (&self->job);
  gtk_widget_dispose_template (GTK_WIDGET (self), STVA_TYPE_WINDOW);
  G_OBJECT_CLASS (stva_window_parent_class)->dispose (object);
}

static void
stva_window_finalize (GObject *object)
{
  StvaWindow *self = STVA_WINDOW (object);
  g_clear_object (&self->session);
  g_clear_object (&self->job);
  g_clear_pointer (&self->media, g_free);
  G_OBJECT_CLASS (stva_window_parent_class)->finalize (object);
}

static void
stva_window_class_init (StvaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = stva_window_dispose;
  object_class->finalize = stva_window_finalize;

  g_resources_register (stva_get_resource ());
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/synctva/Studio/ui/stva-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, model_label);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, queue_label);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, queue_button);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, sidebar_slot);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, player_slot);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, timeline_slot);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, inspector_slot);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, table_slot);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, labelbar_slot);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, job_revealer);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, job_label);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, job_progress);
  gtk_widget_class_bind_template_child (widget_class, StvaWindow, recent_section);
  gtk_widget_class_bind_template_callback (widget_class, on_job_cancel_clicked);
  gtk_widget_class_install_action (widget_class, "win.extract", NULL, win_work_action);
  gtk_widget_class_install_action (widget_class, "win.predict", NULL, win_work_action);
  gtk_widget_class_install_action (widget_class, "win.retrain", NULL, win_work_action);
  gtk_widget_class_install_action (widget_class, "win.audit", NULL, win_work_action);

  gtk_widget_class_install_action (widget_class, "win.prev-utterance", NULL, win_step_action);
  gtk_widget_class_install_action (widget_class, "win.next-utterance", NULL, win_step_action);
  gtk_widget_class_install_action (widget_class, "win.prev-dialogue", NULL, win_step_action);
  gtk_widget_class_install_action (widget_class, "win.next-dialogue", NULL, win_step_action);
  gtk_widget_class_install_action (widget_class, "win.queue-next", NULL, win_queue_step_action);
  gtk_widget_class_install_action (widget_class, "win.queue-prev", NULL, win_queue_step_action);
  gtk_widget_class_install_action (widget_class, "win.queue-order", "i",
                                   win_queue_order_action);
  gtk_widget_class_install_action (widget_class, "win.label", "x", win_label_action);
  gtk_widget_class_install_action (widget_class, "win.accept", NULL, win_review_action);
  gtk_widget_class_install_action (widget_class, "win.reviewed", NULL, win_review_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, win_undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, win_undo_action);
  gtk_widget_class_install_action (widget_class, "win.sidebar", NULL, win_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, win_search_action);
  gtk_widget_class_install_action (widget_class, "win.note", NULL, win_note_action);
  static const char *const playback[] = {
    "win.play", "win.play-utterance", "win.loop", "win.back", "win.pause", "win.forward",
    "win.frame-prev", "win.frame-next", "win.slower", "win.faster",
  };
  for (guint i = 0; i < G_N_ELEMENTS (playback); i++)
    gtk_widget_class_install_action (widget_class, playback[i], NULL, win_play_action);
}

static void
stva_window_init (StvaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->alpha = NAN;
  self->session = stva_session_new ();
  g_signal_connect (self->session, "notify::dialogue", G_CALLBACK (on_session_dialogue), self);
  g_signal_connect (self->session, "label-changed", G_CALLBACK (on_session_label_changed),
                    self);
  g_signal_connect (self->session, "notify::model-id", G_CALLBACK (on_session_model), self);
  g_signal_connect (self->session, "notify::utterance", G_CALLBACK (on_session_utterance), self);

  /* the component views */
  self->dialogue_list = STVA_DIALOGUE_LIST (stva_dialogue_list_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->dialogue_list), TRUE);
  gtk_box_append (self->sidebar_slot, GTK_WIDGET (self->dialogue_list));
  stva_dialogue_list_set_session (self->dialogue_list, self->session);
  self->player = STVA_PLAYER (stva_player_new ());
  stva_player_set_speed (self->player, stva_preferences_get_speed ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->player), TRUE);
  gtk_box_append (self->player_slot, GTK_WIDGET (self->player));
  g_signal_connect (self->player, "notify::position", G_CALLBACK (on_player_position), self);
  g_signal_connect (self->player, "error", G_CALLBACK (on_player_error), self);
  self->timeline = STVA_TIMELINE_VIEW (stva_timeline_view_new ());
  gtk_box_append (self->timeline_slot, GTK_WIDGET (self->timeline));
  stva_timeline_view_set_session (self->timeline, self->session);
  GtkWidget *inspector = stva_inspector_new ();   /* the inspector beside the player */
  gtk_widget_set_vexpand (inspector, TRUE);
  gtk_box_append (self->inspector_slot, inspector);
  stva_inspector_set_session (STVA_INSPECTOR (inspector), self->session);
  gtk_widget_set_visible (GTK_WIDGET (self->inspector_slot), TRUE);
  g_signal_connect (self->timeline, "seek", G_CALLBACK (on_timeline_seek), self);
  self->table = STVA_UTTERANCE_TABLE (stva_utterance_table_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->table), TRUE);
  gtk_box_append (self->table_slot, GTK_WIDGET (self->table));
  stva_utterance_table_set_session (self->table, self->session);
  self->label_bar = STVA_LABEL_BAR (stva_label_bar_new ());
  gtk_box_append (self->labelbar_slot, GTK_WIDGET (self->label_bar));
  stva_label_bar_set_session (self->label_bar, self->session);
  g_signal_connect (self->label_bar, "error", G_CALLBACK (on_label_bar_error), self);

  /* Escape leaves a text field, before the field sees it */
  GtkEventController *escape = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (escape, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (escape), gtk_shortcut_new (
    gtk_keyval_trigger_new (GDK_KEY_Escape, 0), gtk_callback_action_new (escape_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), escape);

  /* the bare keys of the table (see the top of this file) */
  GtkEventController *keys = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (keys, "studio-keys");
  for (const StvaKey *k = stva_keys (); k->action != NULL; k++)
    if (stva_key_is_bare (k->accel) && g_str_has_prefix (k->action, "win."))
      add_bare_key (GTK_SHORTCUT_CONTROLLER (keys), k->accel, k->action);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  /* preferences shown as menu toggles */
  GSimpleActionGroup *prefs = g_simple_action_group_new ();
  const GActionEntry pref_entries[] = {
    { .name = "advance", .state = "true", .change_state = win_advance_action },
  };
  g_action_map_add_action_entries (G_ACTION_MAP (prefs), pref_entries,
                                   G_N_ELEMENTS (pref_entries), self);
  g_simple_action_set_state (
    G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (prefs), "advance")),
    g_variant_new_boolean (stva_preferences_get_boolean (STVA_PREF_ADVANCE, TRUE)));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "prefs", G_ACTION_GROUP (prefs));
  g_signal_connect_object (stva_preferences_get_default (), "changed::" STVA_PREF_ADVANCE,
                           G_CALLBACK (on_advance_preference_changed),
                           g_action_map_lookup_action (G_ACTION_MAP (prefs), "advance"), 0);
  g_signal_connect_object (stva_preferences_get_default (), "changed::" STVA_PREF_SPEED,
                           G_CALLBACK (on_speed_preference_changed), self, 0);
  g_object_unref (prefs);

  stva_job_runner_install_drop (self);   /* files and folders dropped open the import */
  stva_job_runner_track_recent (self->recent_section);

  rebuild_label_keys (self);
  update_title (self);
}

/* ---- public API --------------------------------------------------------------------------- */

StvaWindow *
stva_window_new (StvaApplication *app)
{
  return g_object_new (STVA_TYPE_WINDOW, "application", app, NULL);
}

gboolean
stva_window_open_project (StvaWindow  *self,
                          const char  *path,
                          const char  *annotator,
                          GError     **error)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self) && path != NULL, FALSE);
  if (!stva_session_open (self->session, path, annotator, error))
    return FALSE;
  stva_job_runner_add_recent (path);
  rebuild_label_keys (self);
  update_alpha (self);
  update_title (self);
  update_model_label (self);
  update_queue_label (self);
  g_autofree char *base = g_path_get_basename (path);
  guint n = g_list_model_get_n_items (stva_session_get_dialogues (self->session));
  g_autofree char *status = g_strdup_printf ("%s: %u dialogues", base, n);
  set_status (self, status);
  /* no text field holds the focus: the keys work at once */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  return TRUE;
}

void
stva_window_open (StvaWindow *self,
                  const char *path,
                  const char *annotator)
{
  g_return_if_fail (STVA_IS_WINDOW (self) && path != NULL);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      open_corpus_folder (self, path, annotator);
      return;
    }
  g_autoptr (GError) error = NULL;
  if (!stva_window_open_project (self, path, annotator, &error))
    {
      AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
        adw_message_dialog_new (GTK_WINDOW (self), "Cannot open the project", error->message));
      adw_message_dialog_add_response (dialog, "close", "_Close");
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  if (stva_session_get_annotator (self->session) == NULL)
    ask_annotator (self);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         data)
{
  StvaWindow *self = data;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        stva_window_open (self, path, NULL);
    }
  g_object_unref (chooser);
}

void
stva_window_choose_project (StvaWindow *self)
{
  g_return_if_fail (STVA_IS_WINDOW (self));
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    "Open a project", GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "Sync-TVA projects (*.stva)");
  gtk_file_filter_add_pattern (filter, "*.stva");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The shortcuts window, written from the key table (GTK 4.8 builds it from XML only). */
void
stva_window_show_shortcuts (StvaWindow *self)
{
  g_return_if_fail (STVA_IS_WINDOW (self));
  GString *xml = g_string_new ("<interface><object class='GtkShortcutsWindow' id='w'>"
                               "<property name='modal'>1</property><child>"
                               "<object class='GtkShortcutsSection'>"
                               "<property name='section-name'>studio</property>");
  const char *section = NULL;
  for (const StvaKey *k = stva_keys (); k->action != NULL; k++)
    {
      if (g_strcmp0 (section, k->section) != 0)
        {
          if (section != NULL)
            g_string_append (xml, "</object></child>");
          section = k->section;
          g_autofree char *t = g_markup_escape_text (section, -1);
          g_string_append_printf (xml, "<child><object class='GtkShortcutsGroup'>"
                                  "<property name='title'>%s</property>", t);
        }
      g_autofree char *accel = g_markup_escape_text (k->accel, -1);
      g_autofree char *title = g_markup_escape_text (k->title, -1);
      g_string_append_printf (xml, "<child><object class='GtkShortcutsShortcut'>"
                              "<property name='accelerator'>%s</property>"
                              "<property name='title'>%s</property></object></child>",
                              accel, title);
    }
  /* the label set's keys */
  const StvaDbLabelSet *set = stva_session_get_label_set (self->session);
  if (section != NULL)
    g_string_append (xml, "</object></child>");
  if (set != NULL)
    {
      g_autofree char *t = g_markup_escape_text (set->name, -1);
      g_string_append_printf (xml, "<child><object class='GtkShortcutsGroup'>"
                              "<property name='title'>Labels (%s)</property>", t);
      for (guint i = 0; i < set->labels->len; i++)
        {
          const StvaDbLabel *l = g_ptr_array_index (set->labels, i);
          g_autofree char *accel = stva_key_label_accel (l->key);
          if (accel == NULL || stva_key_is_reserved (l->key))
            continue;
          g_autofree char *a = g_markup_escape_text (accel, -1);
          g_autofree char *n = g_markup_escape_text (l->name, -1);
          g_string_append_printf (xml, "<child><object class='GtkShortcutsShortcut'>"
                                  "<property name='accelerator'>%s</property>"
                                  "<property name='title'>%s</property></object></child>",
                                  a, n);
        }
      g_string_append (xml, "</object></child>");
    }
  g_string_append (xml, "</object></child></object></interface>");
  g_autoptr (GtkBuilder) builder = gtk_builder_new_from_string (xml->str, -1);
  g_string_free (xml, TRUE);
  GtkWindow *w = GTK_WINDOW (gtk_builder_get_object (builder, "w"));
  gtk_window_set_transient_for (w, GTK_WINDOW (self));
  gtk_window_present (w);
}

void
stva_window_toast (StvaWindow *self,
                   const char *message)
{
  g_return_if_fail (STVA_IS_WINDOW (self) && message != NULL);
  AdwToast *toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

GCancellable *
stva_window_begin_job (StvaWindow *self,
                       const char *what)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self) && what != NULL, NULL);
  if (self->job != NULL)
    {
      g_autofree char *msg = g_strdup_printf ("%s: wait for it or cancel it first",
                                              (char *) g_object_get_data (G_OBJECT (self),
                                                                          "stva-job-what"));
      stva_window_toast (self, msg);
      return NULL;
    }
  g_object_set_data_full (G_OBJECT (self), "stva-job-what", g_strdup (what), g_free);
  return begin_job (self, what);
}

void
stva_window_end_job (StvaWindow *self)
{
  g_return_if_fail (STVA_IS_WINDOW (self));
  end_job (self);
}

void
stva_window_job_progress (const StvaJobProgress *progress,
                          gpointer               window)
{
  on_job_progress (progress, window);
}

gboolean
stva_window_job_running (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), FALSE);
  return self->job != NULL;
}

StvaSession *
stva_window_get_session (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), NULL);
  return self->session;
}

const char *
stva_window_get_status (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->status_label);
}

const char *
stva_window_get_subtitle (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), NULL);
  return adw_window_title_get_subtitle (self->window_title);
}

GtkWidget *
stva_window_get_player (StvaWindow *self)
{
  g_return_val_if_fail (STVA_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->player);
}
