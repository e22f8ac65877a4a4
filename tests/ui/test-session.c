/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * StvaSession on a small project (no display needed): opening selects the first dialogue and
 * utterance; labelling by key writes a correction with the annotator and the model on screen,
 * updates the item and the dialogue's review count and emits ::label-changed once; undo and
 * redo go through the correction log and select what they changed; the review queue ranks by
 * the stored probabilities; the annotator is remembered in the project.
 */
#include "config.h"

#include <math.h>

#include "db-test.h"
#include "stva-keys.h"
#include "stva-session.h"

/* a model whose probabilities make the entropy order known: utterance i gets a top
 * probability falling with i, so the last utterance is the most uncertain */
static void
add_model (DbtFixture *f)
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
      probs[(f->gold[i] + (i % 3 == 0)) % K] = top;   /* every third one wrong */
      g_assert_true (stva_db_put_prediction (f->db, f->model, f->utt[i], probs, K, NULL, NULL,
                                             &error));
    }
}

static const DbtFixtureStep with_model = { add_model };

static int n_changed;
static gint64 last_changed;

static void
on_label_changed (StvaSession *session,
                  gint64       utterance_id,
                  gpointer     data)
{
  n_changed++;
  last_changed = utterance_id;
}

static StvaSession *
open_session (DbtFixture *f,
              const char *annotator)
{
  g_autoptr (GError) error = NULL;
  StvaSession *s = stva_session_new ();
  g_assert_true (stva_session_open (s, stva_db_path (f->db), annotator, &error));
  g_assert_no_error (error);
  g_signal_connect (s, "label-changed", G_CALLBACK (on_label_changed), NULL);
  n_changed = 0;
  return s;
}

static void
test_open (DbtFixture    *f,
           gconstpointer  data)
{
  g_autoptr (StvaSession) s = open_session (f, "maya");
  g_assert_cmpuint (g_list_model_get_n_items (stva_session_get_dialogues (s)), ==, 4);
  g_assert_cmpuint (stva_session_get_dialogue_position (s), ==, 0);
  g_assert_cmpuint (stva_session_get_utterance_position (s), ==, 0);
  StvaUtteranceItem *u = stva_session_get_utterance (s);
  g_assert_nonnull (u);
  g_assert_cmpint (stva_utterance_item_get_id (u), ==, f->utt[0]);
  g_assert_cmpint (stva_session_get_model_id (s), ==, f->model);
  g_assert_cmpstr (stva_session_get_label_set (s)->name, ==, "meld");
  /* the model's prediction is on the item */
  g_assert_cmpint (stva_utterance_item_get (u)->predicted_label_id, !=, 0);

  /* the annotator is remembered: a second session without one gets it */
  g_autoptr (StvaSession) s2 = stva_session_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_session_open (s2, stva_db_path (f->db), NULL, &error));
  g_assert_cmpstr (stva_session_get_annotator (s2), ==, "maya");

  /* a file that is not a project leaves the open one as it was */
  g_autofree char *bad = g_build_filename (f->dir, "bad.stva", NULL);
  g_assert_true (g_file_set_contents (bad, "not a database", -1, NULL));
  g_assert_false (stva_session_open (s, bad, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "bad.stva"));
  g_assert_cmpuint (g_list_model_get_n_items (stva_session_get_dialogues (s)), ==, 4);
}

static void
test_label (DbtFixture    *f,
            gconstpointer  data)
{
  g_autoptr (StvaSession) s = open_session (f, "maya");
  g_autoptr (GError) error = NULL;
  stva_session_select_utterance (s, 1);
  StvaUtteranceItem *item = stva_session_get_utterance (s);
  gint64 utt = stva_utterance_item_get_id (item);
  g_assert_cmpint (utt, ==, f->utt[1]);

  /* a label other than gold, by its key */
  int other = (f->gold[1] + 2) % (int) f->set->labels->len;
  const StvaDbLabel *want = g_ptr_array_index (f->set->labels, other);
  const StvaDbLabel *l = stva_session_label_for_key (s, want->key);
  g_assert_nonnull (l);
  g_assert_cmpint (l->id, ==, want->id);
  g_assert_true (stva_session_set_label (s, l->id, "sounds sarcastic", &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_changed, ==, 1);
  g_assert_cmpint (last_changed, ==, utt);
  g_assert_cmpint (stva_utterance_item_get (item)->current_label_id, ==, want->id);
  g_assert_true (stva_utterance_item_get (item)->reviewed);
  g_assert_cmpint (stva_dialogue_item_get (stva_session_get_dialogue (s))->n_reviewed, ==, 1);

  /* the project holds the correction, by maya, reviewing the model on screen */
  g_autoptr (GPtrArray) history = stva_db_history (f->db, utt, f->set->id, &error);
  g_assert_cmpuint (history->len, ==, 1);
  StvaDbCorrection *c = g_ptr_array_index (history, 0);
  g_assert_cmpstr (c->annotator, ==, "maya");
  g_assert_cmpstr (c->kind, ==, "set");
  g_assert_cmpint (c->new_label_id, ==, want->id);
  g_assert_cmpint (c->model_id, ==, f->model);
  g_assert_cmpstr (c->note, ==, "sounds sarcastic");

  /* undo from another utterance selects the one it changed and restores gold */
  stva_session_select_utterance (s, 2);
  gboolean done = FALSE;
  g_assert_true (stva_session_undo (s, &done, &error));
  g_assert_true (done);
  g_assert_cmpint (stva_utterance_item_get_id (stva_session_get_utterance (s)), ==, utt);
  const StvaDbLabel *gold = g_ptr_array_index (f->set->labels, f->gold[1]);
  g_assert_cmpint (stva_utterance_item_get (item)->current_label_id, ==, gold->id);
  g_assert_false (stva_utterance_item_get (item)->reviewed);
  gint64 now = 0;
  g_assert_true (stva_db_current_label (f->db, utt, f->set->id, &now, &error));
  g_assert_cmpint (now, ==, gold->id);

  /* redo, then nothing more to redo */
  g_assert_true (stva_session_redo (s, &done, &error));
  g_assert_true (done);
  g_assert_cmpint (stva_utterance_item_get (item)->current_label_id, ==, want->id);
  g_assert_true (stva_session_redo (s, &done, &error));
  g_assert_false (done);

  /* accept the prediction, mark another reviewed unchanged */
  g_assert_true (stva_session_accept_prediction (s, &error));
  g_assert_cmpint (stva_utterance_item_get (item)->current_label_id, ==,
                   stva_utterance_item_get (item)->predicted_label_id);
  stva_session_select_utterance (s, 0);
  g_assert_true (stva_session_mark_reviewed (s, &error));
  g_assert_true (stva_utterance_item_get (stva_session_get_utterance (s))->reviewed);
  g_assert_cmpint (stva_dialogue_item_get (stva_session_get_dialogue (s))->n_reviewed, ==, 2);
}

static void
test_no_annotator (DbtFixture    *f,
                   gconstpointer  data)
{
  g_autoptr (StvaSession) s = open_session (f, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_null (stva_session_get_annotator (s));
  const StvaDbLabel *l = g_ptr_array_index (f->set->labels, 0);
  g_assert_false (stva_session_set_label (s, l->id, NULL, &error));
  g_assert_nonnull (strstr (error->message, "annotator"));
  g_clear_error (&error);
  g_assert_cmpint (dbt_query_int (stva_db_path (f->db), "SELECT count(*) FROM correction"),
                   ==, 0);
  g_assert_true (stva_session_set_annotator (s, "  ali ", &error));
  g_assert_cmpstr (stva_session_get_annotator (s), ==, "ali");
  g_assert_true (stva_session_set_label (s, l->id, NULL, &error));
  g_assert_cmpint (dbt_query_int (stva_db_path (f->db), "SELECT count(*) FROM correction"),
                   ==, 1);
}

static void
test_queue (DbtFixture    *f,
            gconstpointer  data)
{
  g_autoptr (StvaSession) s = open_session (f, "maya");
  g_autoptr (GError) error = NULL;
  g_assert_true (stva_session_set_queue (s, STVA_DB_QUEUE_ENTROPY, FALSE, &error));
  GArray *q = stva_session_get_queue (s);
  g_assert_cmpuint (q->len, ==, DBT_N_UTTERANCES);
  /* the top probability falls with the utterance's position: the last is the most uncertain */
  for (guint i = 0; i < q->len; i++)
    g_assert_cmpint (g_array_index (q, StvaDbQueueItem, i).utterance_id, ==,
                     f->utt[DBT_N_UTTERANCES - 1 - i]);
  g_assert_cmpuint (stva_session_queue_left (s), ==, DBT_N_UTTERANCES);
  g_assert_true (stva_session_queue_step (s, 1, &error));
  g_assert_cmpint (stva_utterance_item_get_id (stva_session_get_utterance (s)), ==,
                   f->utt[DBT_N_UTTERANCES - 1]);
  g_assert_true (stva_session_queue_step (s, 1, &error));
  g_assert_cmpint (stva_utterance_item_get_id (stva_session_get_utterance (s)), ==,
                   f->utt[DBT_N_UTTERANCES - 2]);
  g_assert_cmpuint (stva_session_queue_left (s), ==, DBT_N_UTTERANCES - 2);
  g_assert_true (stva_session_queue_step (s, -1, &error));
  g_assert_false (stva_session_queue_step (s, -1, &error));

  /* model disagreement: exactly the utterances predicted wrong (every third) */
  g_assert_true (stva_session_set_queue (s, STVA_DB_QUEUE_MODEL_DISAGREEMENT, FALSE, &error));
  q = stva_session_get_queue (s);
  g_assert_cmpuint (q->len, ==, (DBT_N_UTTERANCES + 2) / 3);
}

/* One key table: no key bound twice, every accelerator parses, and the label set keys the db
 * hands out by default never take one of the studio's keys. */
static void
test_keys (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int n = 0;
  for (const StvaKey *k = stva_keys (); k->action != NULL; k++, n++)
    {
      guint key = 0;
      GdkModifierType mods = 0;
      g_assert_true (gtk_accelerator_parse (k->accel, &key, &mods));
      g_autofree char *canon = g_strdup_printf ("%u/%u", gdk_keyval_to_lower (key), mods);
      if (g_hash_table_contains (seen, canon))
        g_error ("%s is bound twice (%s and %s)", k->accel, k->action,
                 (const char *) g_hash_table_lookup (seen, canon));
      g_hash_table_insert (seen, g_steal_pointer (&canon), (gpointer) k->action);
      g_assert_nonnull (k->title);
    }
  g_assert_cmpint (n, >, 20);
  g_assert_true (stva_key_is_bare ("space"));
  g_assert_false (stva_key_is_bare ("<Control>z"));
  /* the studio's letters are reserved; the db's default label keys are not */
  g_assert_true (stva_key_is_reserved ("j"));
  g_assert_true (stva_key_is_reserved ("R"));
  g_assert_true (stva_key_is_reserved ("ab"));
  const char *defaults = "123456789abcdefghimoqstuvwxyz";
  for (const char *c = defaults; *c != '\0'; c++)
    {
      char key[2] = { *c, '\0' };
      g_assert_true (stva_db_label_key_is_valid (key));
      if (stva_key_is_reserved (key))
        g_error ("the default label key %s is one of the studio's keys", key);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/session/open", DbtFixture, &with_model, dbt_fixture_setup, test_open,
              dbt_fixture_teardown);
  g_test_add ("/session/label", DbtFixture, &with_model, dbt_fixture_setup, test_label,
              dbt_fixture_teardown);
  g_test_add ("/session/no-annotator", DbtFixture, &with_model, dbt_fixture_setup,
              test_no_annotator, dbt_fixture_teardown);
  g_test_add ("/session/queue", DbtFixture, &with_model, dbt_fixture_setup, test_queue,
              dbt_fixture_teardown);
  g_test_add_func ("/keys/unique", test_keys);
  return g_test_run ();
}
