/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The studio's views on a small project, each in a window with a session, under a real
 * (virtual) display: the dialogue list's rows, search and split filter, and its selection in
 * step with the session's; the timeline's hit test against its layout and a click selecting
 * and seeking; the utterance table's rows, sorting, filters and their counts on known labels;
 * the label bar's buttons labelling the project, its note and undo state; none of them taking
 * the window's keys (Enter, Space, arrows, letters and digits pressed for real through XTEST
 * reach a window shortcut while a list or the column view has the focus), while the text
 * entries take text and give the keys back on Escape.  Each widget is saved as a PNG in the
 * build folder (views-*.png, light and dark) to be looked at.
 */
#include "config.h"

#include <dlfcn.h>
#include <math.h>
#include <string.h>
#include <adwaita.h>
#include <gdk/x11/gdkx.h>

#include "db-test.h"
#include "stva-dialogue-list.h"
#include "stva-label-bar.h"
#include "stva-label-chip.h"
#include "stva-resources.h"
#include "stva-session.h"
#include "stva-timeline-view.h"
#include "stva-utterance-table.h"

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

/* The screenshot again in the dark style (the views must stay readable). */
static void
save_dark_screenshot (GtkWidget  *widget,
                      const char *name)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_autofree char *dark = g_strconcat (name, "-dark", NULL);
  save_screenshot (widget, dark);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  settle ();
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
  /* a fifth dialogue, of no split, whose text holds LIKE's wildcards and its escape */
  g_autofree char *srt = g_build_filename (f->dir, "sale.srt", NULL);
  g_assert_true (g_file_set_contents (srt, "1\n00:00:01,000 --> 00:00:02,000\nAnn: 50% off\n\n"
                                      "2\n00:00:02,500 --> 00:00:03,000\nBob: snake_case \\ "
                                      "path\n", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_db_import_subtitles (f->db, srt, NULL, "none", NULL, &error));
  g_assert_no_error (error);
  g_autoptr (StvaSession) s = open_session (f);
  StvaDialogueList *list = STVA_DIALOGUE_LIST (stva_dialogue_list_new ());
  stva_dialogue_list_set_session (list, s);
  GtkWindow *window = show_in_window (GTK_WIDGET (list), 300, 420);
  GtkSelectionModel *sel = stva_dialogue_list_get_selection (list);

  /* every dialogue, the session's first selected; speakers and accuracy from one pass */
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 5);
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
  g_autoptr (StvaDialogueItem) d4 = g_list_model_get_item (all, 4);   /* none/sale: last */
  g_assert_cmpstr (stva_dialogue_item_get_speakers (d4), ==, "Ann, Bob");
  g_assert_true (isnan (stva_dialogue_item_get_accuracy (d4)));   /* no prediction there */

  /* search: transcript words, speakers, any case; LIKE's wildcards taken literally */
  stva_dialogue_list_set_search (list, "scared");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 1);
  g_assert_cmpstr (shown_title (list, 0), ==, "test/dia3");
  stva_dialogue_list_set_search (list, "ROSS");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 2);
  g_assert_cmpstr (shown_title (list, 0), ==, "train/dia1");
  g_assert_cmpstr (shown_title (list, 1), ==, "test/dia3");
  const char *literal[] = { "%", "_", "\\", "50%", "e_c", "% off", "case \\ p" };
  for (guint i = 0; i < G_N_ELEMENTS (literal); i++)
    {
      stva_dialogue_list_set_search (list, literal[i]);
      g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 1);
      g_assert_cmpstr (shown_title (list, 0), ==, "none/sale");
    }
  stva_dialogue_list_set_search (list, "50_");   /* '_' is no wildcard: "50%" does not match */
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 0);
  stva_dialogue_list_set_search (list, "o%f");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 0);
  stva_dialogue_list_set_search (list, "\"fine\"");   /* He said "fine". */
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 1);
  g_assert_cmpstr (shown_title (list, 0), ==, "train/dia0");
  g_assert_true (gtk_selection_model_is_selected (sel, 0));   /* still the session's */
  stva_dialogue_list_set_search (list, "");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 5);

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
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 1);
  stva_dialogue_list_set_split (list, "test");
  stva_dialogue_list_set_search (list, "ross");
  g_assert_cmpuint (stva_dialogue_list_get_n_shown (list), ==, 1);
  stva_dialogue_list_set_split (list, NULL);
  stva_dialogue_list_set_search (list, NULL);

  /* a row selected moves the session; the session moves the row */
  g_assert_true (gtk_selection_model_select_item (sel, 2, TRUE));
  g_assert_cmpuint (stva_session_get_dialogue_position (s), ==, 2);
  g_assert_cmpstr (stva_dialogue_item_get_title (stva_session_get_dialogue (s)), ==, "dev/dia0");
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
  save_dark_screenshot (GTK_WIDGET (window), "dialogue-list");
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
  g_autoptr (GError) markup_error = NULL;
  g_assert_true (pango_parse_markup (tip, -1, 0, NULL, NULL, NULL, &markup_error));
  g_assert_no_error (markup_error);

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
  save_dark_screenshot (GTK_WIDGET (window), "timeline");

  /* another dialogue: its own lanes and span */
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_session_select_dialogue (s, dialogue_position (s, f->dia[3]), &error));
  stva_timeline_view_get_view (tl, &t0, &t1);
  g_assert_cmpfloat_with_epsilon (t0, 599.8, 1e-9);   /* train/1 runs 600.0-602.0 s */
  g_assert_cmpfloat_with_epsilon (t1, 602.2, 1e-9);
  gtk_window_destroy (window);
}

/* ---- utterance table ---------------------------------------------------------------------- */

/* The ids of the rows shown, in order. */
static GArray *
shown_ids (StvaUtteranceTable *table)
{
  GListModel *m = G_LIST_MODEL (stva_utterance_table_get_selection (table));
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < g_list_model_get_n_items (m); i++)
    {
      g_autoptr (StvaUtteranceItem) u = g_list_model_get_item (m, i);
      gint64 id = stva_utterance_item_get_id (u);
      g_array_append_val (ids, id);
    }
  return ids;
}

/* Asserts the rows shown are the fixture's utterances want[0..n) (indices into f->utt). */
static void
assert_rows (DbtFixture         *f,
             StvaUtteranceTable *table,
             const int          *want,
             guint               n)
{
  g_autoptr (GArray) ids = shown_ids (table);
  g_assert_cmpuint (ids->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, f->utt[want[i]]);
}

/* The texts of the label chips under widget, in widget order. */
static void
chip_texts (GtkWidget *widget,
            GString   *out)
{
  if (STVA_IS_LABEL_CHIP (widget) && gtk_widget_get_visible (widget))
    g_string_append_printf (out, "[%s]", stva_label_chip_get_text (STVA_LABEL_CHIP (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    chip_texts (c, out);
}

static const char *
label_name (DbtFixture *f,
            int         idx)
{
  return ((const StvaDbLabel *) g_ptr_array_index (f->set->labels, idx))->name;
}

static void
test_table (DbtFixture    *f,
            gconstpointer  data)
{
  g_autoptr (StvaSession) s = open_session (f);
  StvaUtteranceTable *table = STVA_UTTERANCE_TABLE (stva_utterance_table_new ());
  stva_utterance_table_set_session (table, s);
  GtkWindow *window = show_in_window (GTK_WIDGET (table), 1000, 240);
  GtkSingleSelection *sel = GTK_SINGLE_SELECTION (stva_utterance_table_get_selection (table));

  /* train/dia0: three rows in order, the session's first selected */
  assert_rows (f, table, (int[]) { 0, 1, 2 }, 3);
  g_assert_cmpuint (gtk_single_selection_get_selected (sel), ==, 0);
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_WRONG), ==, 2);
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_LOW_CONFIDENCE),
                    ==, 0);
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_UNREVIEWED),
                    ==, 1);
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_DISAGREE), ==,
                    1);

  /* what the rows show: gold, prediction and current chips, and the others' labels */
  settle ();
  GString *chips = g_string_new (NULL);
  chip_texts (GTK_WIDGET (stva_utterance_table_get_column_view (table)), chips);
  int K = (int) f->set->labels->len;
  g_autofree char *bo = g_strdup_printf ("[bo: %s]", label_name (f, (f->gold[1] + 1) % K));
  g_autofree char *ali = g_strdup_printf ("[ali: %s]", label_name (f, (f->gold[1] + 2) % K));
  g_autofree char *bo2 = g_strdup_printf ("[bo: %s]", label_name (f, f->gold[2]));
  g_test_message ("chips: %s", chips->str);
  g_assert_nonnull (strstr (chips->str, bo));
  g_assert_nonnull (strstr (chips->str, ali));
  g_assert_nonnull (strstr (chips->str, bo2));
  g_string_free (chips, TRUE);

  /* sorting by a column, both ways; ties keep the dialogue's order */
  stva_utterance_table_sort_by (table, "transcript", GTK_SORT_ASCENDING);
  assert_rows (f, table, (int[]) { 1, 0, 2 }, 3);   /* He said, Oh my God, Two lines */
  stva_utterance_table_sort_by (table, "transcript", GTK_SORT_DESCENDING);
  assert_rows (f, table, (int[]) { 2, 0, 1 }, 3);
  stva_utterance_table_sort_by (table, "predicted", GTK_SORT_ASCENDING);   /* 0.79 0.87 0.95 */
  assert_rows (f, table, (int[]) { 2, 1, 0 }, 3);
  stva_utterance_table_sort_by (table, "others", GTK_SORT_DESCENDING);     /* 2, 1, 0 labels */
  assert_rows (f, table, (int[]) { 1, 2, 0 }, 3);
  stva_utterance_table_sort_by (table, "reviewed", GTK_SORT_ASCENDING);
  assert_rows (f, table, (int[]) { 0, 1, 2 }, 3);
  stva_utterance_table_sort_by (table, "speaker", GTK_SORT_ASCENDING);     /* Joey, Monica ×2 */
  assert_rows (f, table, (int[]) { 1, 0, 2 }, 3);
  g_assert_cmpuint (gtk_single_selection_get_selected (sel), ==, 1);   /* still utterance 0 */
  stva_utterance_table_sort_by (table, "index", GTK_SORT_ASCENDING);
  assert_rows (f, table, (int[]) { 0, 1, 2 }, 3);

  /* the filters, alone and together (all of them must hold) */
  stva_utterance_table_set_filter (table, STVA_UTTERANCE_FILTER_WRONG);
  assert_rows (f, table, (int[]) { 0, 1 }, 2);
  stva_utterance_table_set_filter (table, STVA_UTTERANCE_FILTER_WRONG
                                          | STVA_UTTERANCE_FILTER_UNREVIEWED);
  assert_rows (f, table, (int[]) { 0 }, 1);
  stva_utterance_table_set_filter (table, STVA_UTTERANCE_FILTER_DISAGREE);
  assert_rows (f, table, (int[]) { 1 }, 1);
  stva_utterance_table_set_filter (table, STVA_UTTERANCE_FILTER_LOW_CONFIDENCE);
  assert_rows (f, table, NULL, 0);

  /* a row selected moves the session; the session's utterance filtered out selects none */
  stva_utterance_table_set_filter (table, STVA_UTTERANCE_FILTER_WRONG);
  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (sel), 1, TRUE));
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 1);
  stva_session_select_utterance (s, 2);
  g_assert_cmpuint (gtk_single_selection_get_selected (sel), ==, GTK_INVALID_LIST_POSITION);
  stva_utterance_table_set_filter (table, STVA_UTTERANCE_FILTER_NONE);
  g_assert_cmpuint (gtk_single_selection_get_selected (sel), ==, 2);

  /* labelling utterance 0 as predicted: no longer wrong nor unreviewed, counts follow */
  g_autoptr (GError) error = NULL;
  stva_session_select_utterance (s, 0);
  const StvaDbUtterance *u0 = stva_utterance_item_get (stva_session_get_utterance (s));
  g_assert_true (stva_session_set_label (s, u0->predicted_label_id, NULL, &error));
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_WRONG), ==, 1);
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_UNREVIEWED),
                    ==, 0);
  /* maya's label on utterance 1 (gold + 3): now three annotators there, still disagreeing */
  stva_session_select_utterance (s, 1);
  const StvaDbLabel *third = g_ptr_array_index (f->set->labels, (f->gold[1] + 3) % K);
  g_assert_true (stva_session_set_label (s, third->id, NULL, &error));
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_DISAGREE), ==,
                    1);
  save_screenshot (GTK_WIDGET (window), "utterance-table");
  save_dark_screenshot (GTK_WIDGET (window), "utterance-table");

  /* other dialogues: dev/dia0 (0.55, 0.47) and test/dia3 (0.39, 0.31) */
  g_assert_true (stva_session_select_dialogue (s, dialogue_position (s, f->dia[5]), &error));
  assert_rows (f, table, (int[]) { 5, 6 }, 2);
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_LOW_CONFIDENCE),
                    ==, 1);
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_DISAGREE), ==,
                    0);
  g_assert_true (stva_session_select_dialogue (s, dialogue_position (s, f->dia[7]), &error));
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_LOW_CONFIDENCE),
                    ==, 2);
  g_assert_cmpuint (stva_utterance_table_get_count (table, STVA_UTTERANCE_FILTER_WRONG), ==, 0);
  gtk_window_destroy (window);
}

/* ---- label bar ---------------------------------------------------------------------------- */

static char *last_error;

static void
on_bar_error (StvaLabelBar *bar,
              const char   *message,
              gpointer      data)
{
  g_free (last_error);
  last_error = g_strdup (message);
}

static gint64
current_label (DbtFixture *f,
               int         i)
{
  gint64 id = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_db_current_label (f->db, f->utt[i], f->set->id, &id, &error));
  return id;
}

/* The button under widget with this icon, or whose tooltip ends with what. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *what)
{
  if (GTK_IS_BUTTON (widget))
    {
      const char *tip = gtk_widget_get_tooltip_text (widget);
      if (g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), what) == 0
          || (tip != NULL && g_str_has_suffix (tip, what)))
        return widget;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, what);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_label_bar (DbtFixture    *f,
                gconstpointer  data)
{
  g_autoptr (StvaSession) s = open_session (f);
  StvaLabelBar *bar = STVA_LABEL_BAR (stva_label_bar_new ());
  stva_label_bar_set_session (bar, s);
  g_signal_connect (bar, "error", G_CALLBACK (on_bar_error), NULL);
  GtkWindow *window = show_in_window (GTK_WIDGET (bar), 1000, 60);

  /* a button per label, showing its name and key */
  for (guint i = 0; i < f->set->labels->len; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (f->set->labels, i);
      GtkWidget *button = stva_label_bar_get_button (bar, l->id);
      g_assert_nonnull (button);
      GString *texts = g_string_new (NULL);
      chip_texts (button, texts);
      g_autofree char *want = g_strdup_printf ("[%s]", l->name);
      g_assert_cmpstr (texts->str, ==, want);
      g_string_free (texts, TRUE);
      g_assert_false (gtk_widget_get_focus_on_click (button));
    }
  g_assert_false (stva_label_bar_can_undo (bar));
  g_assert_false (stva_label_bar_can_redo (bar));

  /* a click labels the selected utterance, with the note typed before */
  int other = (f->gold[0] + 4) % (int) f->set->labels->len;
  const StvaDbLabel *l = g_ptr_array_index (f->set->labels, other);
  stva_label_bar_set_note (bar, "  laughing, so not anger ");
  g_signal_emit_by_name (stva_label_bar_get_button (bar, l->id), "clicked");
  g_assert_null (last_error);
  g_assert_cmpint (current_label (f, 0), ==, l->id);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) history = stva_db_history (f->db, f->utt[0], f->set->id, &error);
  g_assert_cmpuint (history->len, ==, 1);
  StvaDbCorrection *c = g_ptr_array_index (history, 0);
  g_assert_cmpstr (c->annotator, ==, "maya");
  g_assert_cmpstr (c->note, ==, "laughing, so not anger");
  g_assert_null (stva_label_bar_take_note (bar));   /* the note went with the label */
  g_assert_true (stva_label_bar_can_undo (bar));
  g_assert_false (stva_label_bar_can_redo (bar));
  /* the current label's button stands out */
  g_assert_false (gtk_widget_has_css_class (stva_label_bar_get_button (bar, l->id), "flat"));
  const StvaDbLabel *gold0 = g_ptr_array_index (f->set->labels, f->gold[0]);
  g_assert_true (gtk_widget_has_css_class (stva_label_bar_get_button (bar, gold0->id), "flat"));

  /* undo and redo, their state following */
  GtkWidget *undo = find_button (GTK_WIDGET (bar), "edit-undo-symbolic");
  GtkWidget *redo = find_button (GTK_WIDGET (bar), "edit-redo-symbolic");
  g_assert_nonnull (undo);
  g_assert_true (gtk_widget_get_sensitive (undo));
  g_assert_false (gtk_widget_get_sensitive (redo));
  g_signal_emit_by_name (undo, "clicked");
  g_assert_cmpint (current_label (f, 0), ==, gold0->id);
  g_assert_false (stva_label_bar_can_undo (bar));
  g_assert_true (stva_label_bar_can_redo (bar));
  g_assert_true (gtk_widget_get_sensitive (redo));
  g_signal_emit_by_name (redo, "clicked");
  g_assert_cmpint (current_label (f, 0), ==, l->id);

  /* accept takes the prediction; reviewed keeps the current label as maya's */
  GtkWidget *accept = find_button (GTK_WIDGET (bar), "(Enter)");
  GtkWidget *reviewed = find_button (GTK_WIDGET (bar), "(R)");
  g_assert_nonnull (accept);
  g_assert_nonnull (reviewed);
  stva_session_select_utterance (s, 1);
  gint64 pred1 = stva_utterance_item_get (stva_session_get_utterance (s))->predicted_label_id;
  g_signal_emit_by_name (accept, "clicked");
  g_assert_cmpint (current_label (f, 1), ==, pred1);
  stva_session_select_utterance (s, 2);
  g_signal_emit_by_name (reviewed, "clicked");
  gint64 maya2 = 0;
  gint64 maya = stva_db_annotator (f->db, "maya", "human", &error);
  g_assert_true (stva_db_annotator_label (f->db, f->utt[2], f->set->id, maya, &maya2, &error));
  g_assert_cmpint (maya2, ==, ((const StvaDbLabel *) g_ptr_array_index (f->set->labels,
                                                                         f->gold[2]))->id);
  g_assert_null (last_error);
  stva_label_bar_set_note (bar, "unsure");
  stva_session_select_utterance (s, 0);
  save_screenshot (GTK_WIDGET (window), "label-bar");
  save_dark_screenshot (GTK_WIDGET (window), "label-bar");

  /* without an annotator: the click says so, writes nothing and keeps the note */
  gtk_window_destroy (window);
  gint64 before = dbt_query_int (stva_db_path (f->db), "SELECT count (*) FROM correction");
  g_assert_true (stva_db_set_setting (f->db, STVA_SESSION_ANNOTATOR_KEY, NULL, &error));
  g_autoptr (StvaSession) s2 = stva_session_new ();
  g_assert_true (stva_session_open (s2, stva_db_path (f->db), NULL, &error));
  g_assert_null (stva_session_get_annotator (s2));
  StvaLabelBar *bar2 = STVA_LABEL_BAR (stva_label_bar_new ());
  g_object_ref_sink (bar2);
  stva_label_bar_set_session (bar2, s2);
  g_signal_connect (bar2, "error", G_CALLBACK (on_bar_error), NULL);
  stva_label_bar_set_note (bar2, "kept");
  g_signal_emit_by_name (stva_label_bar_get_button (bar2, l->id), "clicked");
  g_assert_nonnull (last_error);
  g_assert_nonnull (strstr (last_error, "annotator"));
  g_assert_cmpint (dbt_query_int (stva_db_path (f->db), "SELECT count (*) FROM correction"), ==,
                   before);
  g_autofree char *kept = stva_label_bar_take_note (bar2);
  g_assert_cmpstr (kept, ==, "kept");
  g_clear_pointer (&last_error, g_free);
  g_object_unref (bar2);
}

/* A set of 20 labels (db's default keys and colours): a button each, wrapping as needed. */
static void
test_label_bar_many (DbtFixture    *f,
                     gconstpointer  data)
{
  const char *names[20] = { "calm", "content", "amused", "joyful", "proud", "grateful",
                            "hopeful", "relieved", "surprised", "confused", "bored", "tired",
                            "anxious", "afraid", "sad", "lonely", "ashamed", "annoyed", "angry",
                            "disgusted" };
  g_autoptr (GError) error = NULL;
  g_assert_cmpint (stva_db_add_label_set (f->db, "feelings", "twenty", names, NULL, NULL, 20,
                                          &error), >, 0);
  g_assert_true (stva_db_set_setting (f->db, "studio.label-set", "feelings", &error));
  g_autoptr (StvaSession) s = open_session (f);
  g_assert_cmpstr (stva_session_get_label_set (s)->name, ==, "feelings");
  StvaLabelBar *bar = STVA_LABEL_BAR (stva_label_bar_new ());
  stva_label_bar_set_session (bar, s);
  GtkWindow *window = show_in_window (GTK_WIDGET (bar), 1000, 60);
  const StvaDbLabelSet *set = stva_session_get_label_set (s);
  g_assert_cmpuint (set->labels->len, ==, 20);
  for (guint i = 0; i < set->labels->len; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (set->labels, i);
      GtkWidget *b = stva_label_bar_get_button (bar, l->id);
      g_assert_nonnull (b);
      g_assert_true (gtk_widget_get_mapped (b));   /* every one on screen */
    }
  const StvaDbLabel *last = g_ptr_array_index (set->labels, 19);
  g_signal_emit_by_name (stva_label_bar_get_button (bar, last->id), "clicked");
  g_assert_cmpint (stva_utterance_item_get (stva_session_get_utterance (s))->current_label_id,
                   ==, last->id);
  save_screenshot (GTK_WIDGET (window), "label-bar-20");
  gtk_window_destroy (window);
}

/* ---- keys: the window's, whatever has the focus ------------------------------------------- */

/* Real key presses through the X server's XTEST extension (libXtst, loaded if there). */
typedef int (*FakeKeyFunc) (Display *display, unsigned int keycode, Bool is_press,
                            unsigned long delay);
static FakeKeyFunc fake_key;

static gboolean
xtest_available (void)
{
  static void *lib;
  if (lib == NULL)
    lib = dlopen ("libXtst.so.6", RTLD_NOW | RTLD_LOCAL);
  if (lib != NULL && fake_key == NULL)
    fake_key = (FakeKeyFunc) dlsym (lib, "XTestFakeKeyEvent");
  return fake_key != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
}

static void
press_key (GtkWindow *window,
           guint      keyval)
{
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (window)));
  KeyCode code = XKeysymToKeycode (dpy, keyval);
  g_assert_cmpuint (code, !=, 0);
  fake_key (dpy, code, True, 0);
  fake_key (dpy, code, False, 0);
  XFlush (dpy);
  settle ();
}

static guint window_keys[5];   /* what the window's own shortcuts saw */
static const guint owned_keys[5] = { GDK_KEY_Return, GDK_KEY_space, GDK_KEY_Down, GDK_KEY_j,
                                     GDK_KEY_1 };

static gboolean
on_window_key (GtkWidget *widget,
               GVariant  *args,
               gpointer   data)
{
  window_keys[GPOINTER_TO_UINT (data)]++;
  return TRUE;
}

/* Window shortcuts for the keys the studio's window owns, in the bubble phase: they see a key
 * only when the focused widget does not take it. */
static void
add_window_keys (GtkWindow *window)
{
  GtkEventController *c = gtk_shortcut_controller_new ();
  for (guint i = 0; i < G_N_ELEMENTS (owned_keys); i++)
    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (c),
      gtk_shortcut_new (gtk_keyval_trigger_new (owned_keys[i], 0),
                        gtk_callback_action_new (on_window_key, GUINT_TO_POINTER (i), NULL)));
  gtk_widget_add_controller (GTK_WIDGET (window), c);
  memset (window_keys, 0, sizeof window_keys);
}

static int n_activated;

static void
on_activate (GtkWidget *view,
             guint      position,
             gpointer   data)
{
  n_activated++;
}

static gboolean
focus_within (GtkWindow *window,
              GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* The first widget of type on screen under widget, depth first (a drop-down's unmapped popup
 * holds a list view too). */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_keys (DbtFixture    *f,
           gconstpointer  data)
{
  if (!xtest_available ())
    {
      g_test_skip ("no XTEST (libXtst.so.6) on this display: key presses cannot be made");
      return;
    }
  g_autoptr (StvaSession) s = open_session (f);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  StvaDialogueList *list = STVA_DIALOGUE_LIST (stva_dialogue_list_new ());
  StvaUtteranceTable *table = STVA_UTTERANCE_TABLE (stva_utterance_table_new ());
  StvaLabelBar *bar = STVA_LABEL_BAR (stva_label_bar_new ());
  GtkWidget *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_size_request (GTK_WIDGET (list), 260, -1);
  gtk_widget_set_hexpand (right, TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (table), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (list));
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (table));
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (bar));
  gtk_box_append (GTK_BOX (box), right);
  stva_dialogue_list_set_session (list, s);
  stva_utterance_table_set_session (table, s);
  stva_label_bar_set_session (bar, s);
  GtkWindow *window = show_in_window (box, 1100, 420);
  add_window_keys (window);
  /* the pointer in the window (GDK's X11 focus tracking wants it there, else key presses go
   * missing), over the empty end of the dialogue list where no tooltip pops up */
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (window)));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));
  XWarpPointer (dpy, None, xid, 0, 0, 0, 0, 120, 400);
  XSetInputFocus (dpy, xid, RevertToParent, CurrentTime);
  XFlush (dpy);
  settle ();
  GtkColumnView *cv = stva_utterance_table_get_column_view (table);
  g_signal_connect (cv, "activate", G_CALLBACK (on_activate), NULL);

  /* the column view focused on a row: Enter, Space, Down, j and 1 reach the window; the row is
   * neither activated nor moved */
  stva_session_select_utterance (s, 1);
  settle ();
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (cv)));
  settle ();
  g_assert_true (focus_within (window, GTK_WIDGET (cv)));
  for (guint i = 0; i < G_N_ELEMENTS (owned_keys); i++)
    {
      press_key (window, owned_keys[i]);
      g_assert_cmpuint (window_keys[i], ==, 1);
    }
  g_assert_cmpint (n_activated, ==, 0);
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 1);
  g_assert_true (focus_within (window, GTK_WIDGET (cv)));

  /* the dialogue list focused: the same */
  GtkWidget *list_view = find_widget (GTK_WIDGET (list), GTK_TYPE_LIST_VIEW);
  g_assert_nonnull (list_view);
  g_assert_true (gtk_widget_grab_focus (list_view));
  settle ();
  g_assert_true (focus_within (window, list_view));
  for (guint i = 0; i < G_N_ELEMENTS (owned_keys); i++)
    {
      press_key (window, owned_keys[i]);
      g_assert_cmpuint (window_keys[i], ==, 2);
    }
  g_assert_cmpuint (stva_session_get_dialogue_position (s), ==, 0);

  /* the search entry takes text (the window sees no j), and Escape leaves it */
  stva_dialogue_list_focus_search (list);
  settle ();
  press_key (window, GDK_KEY_j);
  press_key (window, GDK_KEY_1);
  g_assert_cmpuint (window_keys[3], ==, 2);
  g_assert_cmpuint (window_keys[4], ==, 2);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (GTK_IS_TEXT (focus));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (focus)), ==, "j1");
  press_key (window, GDK_KEY_Escape);
  g_assert_false (focus_within (window, GTK_WIDGET (list)));
  press_key (window, GDK_KEY_j);
  g_assert_cmpuint (window_keys[3], ==, 3);   /* the window's again */

  /* the note entry too; Escape leaves it and the note waits for the next label */
  GtkWidget *entry = find_widget (GTK_WIDGET (bar), GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_grab_focus (entry));
  settle ();
  press_key (window, GDK_KEY_r);
  press_key (window, GDK_KEY_space);
  press_key (window, GDK_KEY_j);
  g_assert_cmpuint (window_keys[1], ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "r j");
  press_key (window, GDK_KEY_Escape);
  g_assert_false (focus_within (window, entry));
  g_autofree char *note = stva_label_bar_take_note (bar);
  g_assert_cmpstr (note, ==, "r j");
  gtk_window_destroy (window);
}

/* ---- all four, as the studio places them -------------------------------------------------- */

static void
test_together (DbtFixture    *f,
               gconstpointer  data)
{
  g_autoptr (StvaSession) s = open_session (f);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  StvaDialogueList *list = STVA_DIALOGUE_LIST (stva_dialogue_list_new ());
  StvaTimelineView *tl = STVA_TIMELINE_VIEW (stva_timeline_view_new ());
  StvaUtteranceTable *table = STVA_UTTERANCE_TABLE (stva_utterance_table_new ());
  StvaLabelBar *bar = STVA_LABEL_BAR (stva_label_bar_new ());
  GtkWidget *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_vexpand (GTK_WIDGET (table), TRUE);
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (tl));
  gtk_box_append (GTK_BOX (right), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (table));
  gtk_box_append (GTK_BOX (right), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (bar));
  gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (list));
  gtk_paned_set_end_child (GTK_PANED (paned), right);
  gtk_paned_set_position (GTK_PANED (paned), 260);
  stva_dialogue_list_set_session (list, s);
  stva_timeline_view_set_session (tl, s);
  stva_utterance_table_set_session (table, s);
  stva_label_bar_set_session (bar, s);
  GtkWindow *window = show_in_window (paned, 1240, 520);

  /* one selection everywhere: the table's row, the timeline's outline, the list's row */
  g_assert_true (gtk_selection_model_select_item (stva_utterance_table_get_selection (table), 2,
                                                  TRUE));
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 2);
  graphene_rect_t box;
  g_assert_true (stva_timeline_view_utterance_box (tl, 2, &box));
  stva_timeline_view_activate_at (tl, box.origin.x + 2, box.origin.y + 2);
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 2);
  g_assert_true (stva_timeline_view_utterance_box (tl, 1, &box));
  stva_timeline_view_activate_at (tl, box.origin.x + 2, box.origin.y + 2);
  g_assert_cmpuint (gtk_single_selection_get_selected (
                      GTK_SINGLE_SELECTION (stva_utterance_table_get_selection (table))), ==, 1);
  stva_timeline_view_set_position (tl, 2.6);
  save_screenshot (GTK_WIDGET (window), "together");
  save_dark_screenshot (GTK_WIDGET (window), "together");
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
  g_test_add ("/views/utterance-table", DbtFixture, &with_model, dbt_fixture_setup, test_table,
              dbt_fixture_teardown);
  g_test_add ("/views/label-bar", DbtFixture, &with_model, dbt_fixture_setup, test_label_bar,
              dbt_fixture_teardown);
  g_test_add ("/views/label-bar-many", DbtFixture, &with_model, dbt_fixture_setup,
              test_label_bar_many, dbt_fixture_teardown);
  g_test_add ("/views/together", DbtFixture, &with_model, dbt_fixture_setup, test_together,
              dbt_fixture_teardown);
  g_test_add ("/views/keys", DbtFixture, &with_model, dbt_fixture_setup, test_keys,
              dbt_fixture_teardown);
  return g_test_run ();
}
