/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's views on a small project, each in a window with a session, under a real
 * (virtual) display: the dialogue list's rows, search and split filter, and its selection in
 * step with the session's; the timeline's hit test against its layout and a click selecting
 * and seeking; the utterance table's rows, sorting, filters and their counts on known labels;
 * the label bar's buttons labelling the project; none of them taking the window's keys.  Each
 * widget is saved as a PNG in the build folder (views-*.png) to be looked at.
 */
#include "config.h"

#include <dlfcn.h>
#include <math.h>
#include <adwaita.h>
#include <gdk/x11/gdkx.h>

#include "db-test.h"
#include "stva-dialogue-list.h"
#include "stva-resources.h"
#include "stva-session.h"
#include "stva-timeline-view.h"

/* ---- the project ------------------------------------------------------------------------- */

/* A model like test-session's: utterance i predicted with probability 0.95 - 0.08 i, wrongly
 * for every third (0, 3, 6); so 6, 7 and 8 are below 0.5.  Two other annotators disagree on
 * utterance 1 (bo, then ali, whose label is current); bo also keeps utterance 2's gold label.
 * Dialogue 0 (train/0: utterances 0-2) then has: wrong 2 (0, 1), unreviewed 1 (0),
 * disagreeing 1 (1), low confidence 0. */
static void
add_model_and_annotators (DbtFixture *f)
{
  g_autoptr (GError) error = NULL;
  f->model = stva_db_add_model (f->db, "m1", "hash-1", f->set->id, "{}", "{}", &error);
  g_assert_no_error (error);
  guint K = f->set->labels->len;
  for (int i = 0; i < DBT_N_UTTERANCES; i++)
    {
      float probs[16];
      float top = 0.95f - 0.08f * (float) i;
      for (guint k = 0; k < K; k++)
        probs[k] = (1.0f - top) / (float) (K - 1);
      probs[(f->gold[i] + (i % 3 == 0)) % K] = top;
      g_assert_true (stva_db_put_prediction (f->db, f->model, f->utt[i], probs, K, NULL, NULL,
                                             &error));
    }
  gint64 bo = stva_db_annotator (f->db, "bo", "human", &error);
  gint64 ali = stva_db_annotator (f->db, "ali", "human", &error);
  const StvaDbLabel *x = g_ptr_array_index (f->set->labels, (f->gold[1] + 1) % K);
  const StvaDbLabel *y = g_ptr_array_index (f->set->labels, (f->gold[1] + 2) % K);
  const StvaDbLabel *g2 = g_ptr_array_index (f->set->labels, f->gold[2]);
  g_assert_cmpint (stva_db_set_label (f->db, f->utt[1], f->set->id, bo, x->id, f->model, NULL,
                                      &error), >, 0);
  g_assert_cmpint (stva_db_set_label (f->db, f->utt[1], f->set->id, ali, y->id, f->model, NULL,
                                      &error), >, 0);
  g_assert_cmpint (stva_db_set_label (f->db, f->utt[2], f->set->id, bo, g2->id, f->model, NULL,
                                      &error), >, 0);
}

static const DbtFixtureStep with_model = { add_model_and_annotators };

/* ---- helpers ------------------------------------------------------------------------------ */

static void
spin_until (gboolean (*done) (gpointer),
            gpointer  data,
            double    timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
settle (void)
{
  spin_until (never, NULL, 0.3);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  settle ();
  g_autofree char *file = g_strconcat ("views-", name, ".png", NULL);
  const char *dir = g_getenv ("STVA_SHOT_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : ".", file, NULL);
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node,
                                                     &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
}

static StvaSession *
open_session (DbtFixture *f)
{
  g_autoptr (GError) error = NULL;
  StvaSession *s = stva_session_new ();
  g_assert_true (stva_session_open (s, stva_db_path (f->db), "maya", &error));
  g_assert_no_error (error);
  return s;
}

/* A window holding widget, shown; the caller destroys it. */
static GtkWindow *
show_in_window (GtkWidget *widget,
                int        width,
                int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, widget);
  gtk_window_present (window);
  spin_until (mapped, widget, 10);
  g_assert_true (gtk_widget_get_mapped (widget));
  settle ();
  return window;
}

static guint
dialogue_position (StvaSession *s,
                   gint64       dialogue_id)
{
  GListModel *m = stva_session_get_dialogues (s);
  for (guint i = 0; i < g_list_model_get_n_items (m); i++)
    {
      g_autoptr (StvaDialogueItem) d = g_list_model_get_item (m, i);
      if (stva_dialogue_item_get_id (d) == dialogue_id)
        return i;
    }
  g_assert_not_reached ();
}

/* ---- dialogue list ------------------------------------------------------------------------ */

static const char *
shown_title (StvaDialogueList *list,
             guint             i)
{
  GListModel *m = G_LIST_MODEL (stva_dialogue_list_get_selection (list));
  g_autoptr (StvaDialogueItem) d = g_list_model_get_item (m, i);
  return d != NULL ? stva_dialogue_item_get_title (d) : NULL;
}

static void
test_dialogue_list (DbtFixture    *f,
                    gconstpointer  data)
{
  g_autoptr (StvaSession) s = open_session (f);
  StvaDialogueList *list = STVA_DIALOGUE_LIST (stva_dialogue_list_new ());
  stva_dialogue_list_set_session (list, s);
  GtkWindow *window = show_in_window (GTK_WIDGET (list), 300, 420);
  GtkSelectionModel *sel = stva_dialogue_list_get_selection (list);

  /* every dialogue, the session's first selected; speakers and accuracy from one pass */
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 4);
  g_assert_true (gtk_selection_model_is_selected (sel, 0));
  GListModel *all = stva_session_get_dialogues (s);
  g_autoptr (StvaDialogueItem) d0 = g_list_model_get_item (all, 0);
  g_autoptr (StvaDialogueItem) d1 = g_list_model_get_item (all, 1);
  g_autoptr (StvaDialogueItem) d3 = g_list_model_get_item (all, 3);
  g_assert_cmpstr (stva_dialogue_item_get_speakers (d0), ==, "Monica, Joey");
  g_assert_cmpstr (stva_dialogue_item_get_speakers (d1), ==, "Rachel, Ross");
  /* train/0: 0 wrong (predicted gold+1), 1 labelled by ali off the prediction, 2 right */
  g_assert_cmpfloat_with_epsilon (stva_dialogue_item_get_accuracy (d0), 1.0 / 3.0, 1e-9);
  /* train/1 (utterances 3, 4): 3 wrong; test/3 (7, 8): both right */
  g_assert_cmpfloat_with_epsilon (stva_dialogue_item_get_accuracy (d1), 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (stva_dialogue_item_get_accuracy (d3), 1.0, 1e-9);

  /* search: transcript words, speakers, any case; LIKE's wildcards taken literally */
  stva_dialogue_list_set_search (list, "scared");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 1);
  g_assert_cmpstr (shown_title (list, 0), ==, "test/dia3");
  stva_dialogue_list_set_search (list, "ROSS");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 2);
  g_assert_cmpstr (shown_title (list, 0), ==, "train/dia1");
  g_assert_cmpstr (shown_title (list, 1), ==, "test/dia3");
  stva_dialogue_list_set_search (list, "%");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 0);
  stva_dialogue_list_set_search (list, "_");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 0);
  stva_dialogue_list_set_search (list, "\"fine\"");   /* He said "fine". */
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 1);
  g_assert_cmpstr (shown_title (list, 0), ==, "train/dia0");
  g_assert_true (gtk_selection_model_is_selected (sel, 0));   /* still the session's */
  stva_dialogue_list_set_search (list, "");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 4);

  /* the split filter, and with a search */
  stva_dialogue_list_set_split (list, "train");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 2);
  stva_dialogue_list_set_split (list, "dev");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 1);
  g_assert_cmpstr (shown_title (list, 0), ==, "dev/dia0");
  /* the session's dialogue (train/0) is filtered out: nothing selected */
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (sel)), ==,
                    GTK_INVALID_LIST_POSITION);
  stva_dialogue_list_set_split (list, "none");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 0);
  stva_dialogue_list_set_split (list, "test");
  stva_dialogue_list_set_search (list, "ross");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 1);
  stva_dialogue_list_set_split (list, NULL);
  stva_dialogue_list_set_search (list, NULL);

  /* a row selected moves the session; the session moves the row */
  g_assert_true (gtk_selection_model_select_item (sel, 2, TRUE));
  g_assert_cmpuint (stva_session_get_dialogue_position (s), ==, 2);
  g_assert_cmpstr (stva_dialogue_item_get_title (stva_session_get_dialogue (s)), ==, "dev/dia0");
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_session_select_dialogue (s, 3, &error));
  g_assert_true (gtk_selection_model_is_selected (sel, 3));
  g_assert_true (stva_session_select_utterance_id (s, f->utt[0], &error));
  g_assert_true (gtk_selection_model_is_selected (sel, 0));

  /* labelling updates the row's review count and accuracy */
  const StvaDbLabel *pred = stva_session_get_label (
    s, stva_utterance_item_get (stva_session_get_utterance (s))->predicted_label_id);
  g_assert_true (stva_session_set_label (s, pred->id, NULL, &error));
  g_assert_cmpint (stva_dialogue_item_get (d0)->n_reviewed, ==, 3);
  g_assert_cmpfloat_with_epsilon (stva_dialogue_item_get_accuracy (d0), 2.0 / 3.0, 1e-9);

  save_screenshot (GTK_WIDGET (window), "dialogue-list");
  gtk_window_destroy (window);
}

/* ---- timeline ----------------------------------------------------------------------------- */

static double last_seek = -1.0;

static void
on_seek (StvaTimelineView *view,
         double            t,
         gpointer          data)
{
  last_seek = t;
}

static void
test_timeline (DbtFixture    *f,
               gconstpointer  data)
{
  g_autoptr (StvaSession) s = open_session (f);
  StvaTimelineView *tl = STVA_TIMELINE_VIEW (stva_timeline_view_new ());
  stva_timeline_view_set_session (tl, s);
  g_signal_connect (tl, "seek", G_CALLBACK (on_seek), NULL);
  GtkWindow *window = show_in_window (GTK_WIDGET (tl), 720, 130);

  /* train/0: Monica 0.1-2.0 s, Joey 2.2-3.5 s, Monica 3.6-5.0 s: two lanes */
  double t0, t1;
  stva_timeline_view_get_view (tl, &t0, &t1);
  g_assert_cmpfloat (t0, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (t1, 5.2, 1e-9);
  graphene_rect_t box[3];
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (stva_timeline_view_utterance_box (tl, i, &box[i]));
      double cx = box[i].origin.x + box[i].size.width / 2;
      double cy = box[i].origin.y + box[i].size.height / 2;
      g_assert_cmpint (stva_timeline_view_utterance_at (tl, cx, cy), ==, (int) i);
      /* just outside the block, above or below it, is not the utterance */
      g_assert_cmpint (stva_timeline_view_utterance_at (tl, cx, box[i].origin.y - 2), !=,
                       (int) i);
    }
  /* in time order, Monica's blocks in one lane above Joey's */
  g_assert_cmpfloat (box[0].origin.x + box[0].size.width, <, box[1].origin.x);
  g_assert_cmpfloat (box[1].origin.x + box[1].size.width, <, box[2].origin.x);
  g_assert_cmpfloat (box[0].origin.y, ==, box[2].origin.y);
  g_assert_cmpfloat (box[0].origin.y, <, box[1].origin.y);
  /* the blocks' widths go with the utterances' lengths: 1.9 s, 1.3 s, 1.4 s */
  g_assert_cmpfloat (fabs (box[0].size.width / box[1].size.width - 1.9 / 1.3), <, 0.05);
  /* the gap between 2.0 and 2.2 s is no utterance */
  double gap_x = box[0].origin.x + box[0].size.width + 2;
  g_assert_cmpint (stva_timeline_view_utterance_at (tl, gap_x, box[0].origin.y + 5), ==, -1);

  /* a click selects the utterance under it and seeks where it was */
  double cx = box[1].origin.x + box[1].size.width / 2, cy = box[1].origin.y + 4;
  stva_timeline_view_activate_at (tl, cx, cy);
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 1);
  g_assert_cmpfloat_with_epsilon (last_seek, (2.2 + 3.5) / 2, 0.05);

  /* the tooltip tells speaker, text, labels and confidence */
  g_autofree char *tip = stva_timeline_view_tooltip_at (tl, cx, cy);
  g_assert_nonnull (tip);
  g_assert_nonnull (strstr (tip, "Joey"));
  g_assert_nonnull (strstr (tip, "&quot;fine&quot;"));
  g_assert_nonnull (strstr (tip, "predicted"));
  g_assert_nonnull (strstr (tip, "(0.87)"));

  /* zoom about a time keeps it in place; the hit test follows the zoom */
  stva_timeline_view_zoom (tl, 4.0, 2.2);
  stva_timeline_view_get_view (tl, &t0, &t1);
  g_assert_cmpfloat_with_epsilon (t1 - t0, 5.2 / 4, 1e-9);
  g_assert_cmpfloat (t0, <, 2.2);
  g_assert_cmpfloat (t1, >, 2.2);
  g_assert_false (stva_timeline_view_utterance_box (tl, 2, &box[2]));   /* 3.6 s: out */
  g_assert_true (stva_timeline_view_utterance_box (tl, 1, &box[1]));
  g_assert_cmpint (stva_timeline_view_utterance_at (tl, box[1].origin.x + 3,
                                                    box[1].origin.y + 3), ==, 1);
  /* the playhead pages a zoomed view; selecting utterance 2 brings it into view */
  stva_timeline_view_set_position (tl, 4.5);
  stva_timeline_view_get_view (tl, &t0, &t1);
  g_assert_cmpfloat (t0, <=, 4.5);
  g_assert_cmpfloat (t1, >=, 4.5);
  stva_session_select_utterance (s, 0);
  g_assert_true (stva_timeline_view_utterance_box (tl, 0, &box[0]));
  stva_timeline_view_set_view (tl, 0, 100);
  stva_timeline_view_get_view (tl, &t0, &t1);
  g_assert_cmpfloat_with_epsilon (t1, 5.2, 1e-9);   /* clamped to the dialogue */

  stva_timeline_view_set_position (tl, 2.9);
  stva_session_select_utterance (s, 1);
  save_screenshot (GTK_WIDGET (window), "timeline");

  /* another dialogue: its own lanes and span */
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_session_select_dialogue (s, dialogue_position (s, f->dia[3]), &error));
  stva_timeline_view_get_view (tl, &t0, &t1);
  g_assert_cmpfloat_with_epsilon (t0, 599.8, 1e-9);   /* train/1 runs 600.0-602.0 s */
  g_assert_cmpfloat_with_epsilon (t1, 602.2, 1e-9);
  gtk_window_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  if (!gtk_init_check ())
    {
      g_printerr ("no display: run the GUI tests under xvfb-run (tools/test does)\n");
      return 1;
    }
  adw_init ();
  g_resources_register (stva_get_resource ());   /* as the application does */
  g_test_add ("/views/dialogue-list", DbtFixture, &with_model, dbt_fixture_setup,
              test_dialogue_list, dbt_fixture_teardown);
  g_test_add ("/views/timeline", DbtFixture, &with_model, dbt_fixture_setup, test_timeline,
              dbt_fixture_teardown);
  return g_test_run ();
}
