/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The label audit job (engine/stva-engine-audit.h): confident learning's thresholds, joint and
 * ranking on a hand-made example; on a small project whose features point at the true label
 * and one in ten of whose train labels were flipped, the ranking's top holds far more of the
 * flips than chance, is the same for the same seed, is stored whole and read back by the
 * review queue's audit order; a cancelled audit stores nothing; the async pair gives the sync
 * result.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "stva-db-error.h"
#include "stva-engine.h"

#define N_TRAIN 40
#define N_DEV   6
#define N_TEST  4
#define N_UTTS  6          /* utterances per dialogue */
#define F       6          /* text feature width */
#define N_CLASSES 3
#define FLIP_EVERY 10      /* one train utterance in ten has a flipped label */

static const char *const names[N_CLASSES] = { "neutral", "joy", "anger" };

/* ---- the project --------------------------------------------------------------------------- */

static int
true_class (int d,
            int u)
{
  return (d * 7 + u * 3 + (d * u) % 5) % N_CLASSES;
}

/* Planted: the (d, u) of train whose label is flipped (to the next class). */
static gboolean
flipped (int d,
         int u)
{
  return d < N_TRAIN && (d * N_UTTS + u) % FLIP_EVERY == 3;
}

static void
features (int    d,
          int    u,
          float *x)
{
  GRand *rand = g_rand_new_with_seed ((guint32) (d * 131 + u));
  int c = true_class (d, u);
  for (int f = 0; f < F; f++)
    x[f] = (f == c ? 1.0f : 0.0f) + 0.35f * (float) g_rand_double_range (rand, -1.0, 1.0);
  g_rand_free (rand);
}

typedef struct
{
  char *dir;
  char *project;
  int   n_planted;
} Fixture;

static void
fixture_init (Fixture *fx)
{
  GError *error = NULL;
  fx->dir = g_dir_make_tmp ("test-audit-XXXXXX", &error);
  g_assert_no_error (error);
  fx->project = g_build_filename (fx->dir, "audit.stva", NULL);
  g_autofree char *csv = g_build_filename (fx->dir, "audit.csv", NULL);
  g_autoptr (GString) text = g_string_new ("dialogue,split,speaker,text,label\n");
  fx->n_planted = 0;
  for (int d = 0; d < N_TRAIN + N_DEV + N_TEST; d++)
    for (int u = 0; u < N_UTTS; u++)
      {
        int label = true_class (d, u);
        if (flipped (d, u))
          {
            label = (label + 1) % N_CLASSES;
            fx->n_planted++;
          }
        g_string_append_printf (text, "dia%d,%s,%s,words %d %d,%s\n", d,
                                d < N_TRAIN ? "train" : d < N_TRAIN + N_DEV ? "dev" : "test",
                                u % 2 ? "Bob" : "Ann", d, u, names[label]);
      }
  g_assert_true (g_file_set_contents (csv, text->str, (gssize) text->len, &error));
  g_autoptr (StvaDb) db = stva_db_open (fx->project, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_import_csv (db, csv, "dialogue=dialogue,split=split,speaker=speaker,"
                                     "text=text,label=label", NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  g_assert_no_error (error);
  StvaDataset *ds = stva_db_dataset (db, set->id, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_dialogues, ==, N_TRAIN + N_DEV + N_TEST);
  for (int i = 0; i < ds->n_dialogues; i++)
    {
      const StvaDialogue *dia = &ds->dialogues[i];
      int d = atoi (strstr (dia->id, "dia") + 3);
      for (int u = 0; u < dia->T; u++)
        {
          float x[F];
          features (d, u, x);
          g_assert_true (stva_db_put_feature (db, g_ascii_strtoll (dia->utt_id[u], NULL, 10),
                                              "text", "fixture", "1", x, F, &error));
          g_assert_no_error (error);
        }
    }
  stva_dataset_free (ds);
  g_assert_cmpint (fx->n_planted, ==, N_TRAIN * N_UTTS / FLIP_EVERY);
}

static void
fixture_clear (Fixture *fx)
{
  const char *files[] = { "audit.stva", "audit.stva-wal", "audit.stva-shm", "audit.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p = g_build_filename (fx->dir, files[i], NULL);
      g_unlink (p);
    }
  g_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->project);
}

static void
options_init (StvaAuditOptions *o,
              const char       *project,
              guint64           seed)
{
  static const char *const settings[] = { "max_epochs=12", "patience=12", "lr=0.01",
                                          "batch_size=4", NULL };
  memset (o, 0, sizeof *o);
  o->train.source.project = project;
  o->train.preset = "tiny";
  o->train.settings = settings;
  o->folds = 5;
  o->seed = seed;
  o->split = STVA_SPLIT_TRAIN;
}

/* Whether the ranked item is a planted flip: its dialogue "dia<d>", position u. */
static gboolean
item_planted (const StvaDbAuditItem *it)
{
  return flipped (atoi (it->dialogue + 3), it->idx);
}

static gint64
count_rows (const char *project,
            const char *table)
{
  GError *error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_check (db, &error));   /* integrity_check and foreign keys */
  g_assert_no_error (error);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  g_assert_no_error (error);
  if (strcmp (table, "audit_run") == 0)
    {
      gint64 latest = stva_db_audit_latest (db, set->id, &error);
      g_assert_no_error (error);
      return latest;
    }
  g_autoptr (GHashTable) scores = stva_db_audit_scores (db, set->id, 0, &error);
  g_assert_no_error (error);
  return g_hash_table_size (scores);
}

/* ---- confident learning by hand ------------------------------------------------------------ */

static void
test_rank (void)
{
  /* six utterances, three classes; labels 0 0 0 1 1 2 */
  const int given[6] = { 0, 0, 0, 1, 1, 2 };
  const float probs[6 * 3] = {
    0.8f, 0.1f, 0.1f,   /* 0: confident 0, on the diagonal */
    0.6f, 0.3f, 0.1f,   /* 1: confident 0 (0.6 >= t0) */
    0.1f, 0.8f, 0.1f,   /* 2: labelled 0, confident 1: a candidate */
    0.2f, 0.7f, 0.1f,   /* 3: confident 1 */
    0.55f, 0.35f, 0.1f, /* 4: labelled 1, p1 0.35 < t1 0.525, p0 0.55 >= t0 0.5: candidate */
    0.3f, 0.3f, 0.4f,   /* 5: confident 2 (t2 = 0.4) */
  };
  const gint64 ids[6] = { 10, 11, 12, 13, 14, 15 };
  double t[3], self[6], margin[6], score[6], estimated = 0;
  gint64 joint[9];
  int suggested[6], rank[6];
  gboolean candidate[6];
  int n = stva_audit_rank (6, 3, given, probs, ids, t, joint, suggested, candidate, self,
                           margin, score, rank, &estimated);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpfloat_with_epsilon (t[0], (0.8 + 0.6 + 0.1) / 3, 1e-6);
  g_assert_cmpfloat_with_epsilon (t[1], (0.7 + 0.35) / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (t[2], 0.4, 1e-6);
  const gint64 want_joint[9] = { 2, 1, 0,  1, 1, 0,  0, 0, 1 };
  g_assert_cmpmem (joint, sizeof joint, want_joint, sizeof want_joint);
  g_assert_true (candidate[2] && candidate[4]);
  g_assert_false (candidate[0] || candidate[1] || candidate[3] || candidate[5]);
  g_assert_cmpint (suggested[2], ==, 1);
  g_assert_cmpint (suggested[4], ==, 0);
  g_assert_cmpint (suggested[0], ==, 0);
  g_assert_cmpfloat_with_epsilon (self[2], 0.1, 1e-6);
  g_assert_cmpfloat_with_epsilon (margin[2], 0.1 - 0.8, 1e-6);
  /* calibrated off-diagonal: row 0 has 3 labels, 1 of 3 off; row 1 has 2, 1 of 2 off */
  g_assert_cmpfloat_with_epsilon (estimated, 1.0 + 1.0, 1e-9);
  /* candidates first by self-confidence (2: 0.1, 4: 0.35) */
  g_assert_cmpint (rank[2], ==, 1);
  g_assert_cmpint (rank[4], ==, 2);
  /* non-candidates by self-confidence: 5 (0.4), 1 (0.6), 3 (0.7), 0 (0.8) */
  g_assert_cmpint (rank[5], ==, 3);
  g_assert_cmpint (rank[1], ==, 4);
  g_assert_cmpint (rank[3], ==, 5);
  g_assert_cmpint (rank[0], ==, 6);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (score[i], candidate[i] + 1.0 - self[i], 1e-12);

  /* equal scores fall back on the id, the review queue's tie order */
  const int g2[2] = { 0, 0 };
  const float p2[2 * 2] = { 0.5f, 0.5f, 0.5f, 0.5f };
  const gint64 id2[2] = { 9, 3 };
  double t2[2], s2[2], m2[2], sc2[2];
  gint64 j2[4];
  int sg2[2], r2[2];
  gboolean c2[2];
  stva_audit_rank (2, 2, g2, p2, id2, t2, j2, sg2, c2, s2, m2, sc2, r2, NULL);
  g_assert_true (isnan (t2[1]));   /* nobody is labelled 1: no threshold, never confident */
  g_assert_cmpint (r2[1], ==, 1);
  g_assert_cmpint (r2[0], ==, 2);
}

/* ---- the job on a project ------------------------------------------------------------------ */

static void
test_finds_planted (void)
{
  Fixture fx;
  fixture_init (&fx);
  StvaAuditOptions o;
  options_init (&o, fx.project, 1);
  GError *error = NULL;
  g_autoptr (StvaAuditReport) r = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (stva_engine_audit (NULL, &o, &r, &error));
  g_assert_no_error (error);
  g_test_message ("audit of %d utterances in %.2f s", r->n_ranked,
                  (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC);
  g_assert_cmpint (r->n_ranked, ==, N_TRAIN * N_UTTS);
  g_assert_cmpint (r->n_dialogues, ==, N_TRAIN);
  g_assert_cmpuint (r->items->len, ==, N_TRAIN * N_UTTS);
  g_assert_cmpint (r->run_id, >, 0);

  /* the first n_planted of the ranking against chance: n_planted² / (N_TRAIN · N_UTTS) = 2.4 */
  int found = 0, found_candidates = 0, suggested_true = 0;
  for (guint i = 0; i < r->items->len; i++)
    {
      const StvaDbAuditItem *it = g_ptr_array_index (r->items, i);
      g_assert_cmpint (it->rank, ==, (int) i + 1);
      if (i > 0)
        g_assert_cmpfloat (it->score, <=,
                           ((StvaDbAuditItem *) g_ptr_array_index (r->items, i - 1))->score);
      if (it->candidate && item_planted (it))
        found_candidates++;
      if ((int) i < fx.n_planted && item_planted (it))
        {
          found++;
          int d = atoi (it->dialogue + 3);
          suggested_true += strcmp (it->suggested, names[true_class (d, it->idx)]) == 0;
        }
    }
  double chance = (double) fx.n_planted * fx.n_planted / (N_TRAIN * N_UTTS);
  g_test_message ("%d of the top %d are planted flips (chance %.1f); %d of those suggest the "
                  "true label; %d candidates, %d of them planted; %.1f errors estimated",
                  found, fx.n_planted, chance, suggested_true, r->n_candidates,
                  found_candidates, r->estimated_errors);
  /* at least 12 of the top 24 (5x chance), most with the true label suggested */
  g_assert_cmpint (found, >=, 12);
  g_assert_cmpint (suggested_true * 4, >=, found * 3);
  g_assert_cmpint (r->n_candidates, >=, fx.n_planted / 2);

  /* stored: the review queue's audit order reads the ranking back, rank by rank */
  g_autoptr (StvaDb) db = stva_db_open (fx.project, STVA_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (stva_db_check (db, &error));
  g_assert_no_error (error);
  g_autoptr (GArray) q = stva_db_review_queue (db, r->label_set_id, 0, STVA_DB_QUEUE_AUDIT,
                                               FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (q->len, ==, r->items->len);
  for (guint i = 0; i < q->len; i++)
    {
      const StvaDbAuditItem *it = g_ptr_array_index (r->items, i);
      const StvaDbQueueItem *qi = &g_array_index (q, StvaDbQueueItem, i);
      g_assert_cmpint (qi->utterance_id, ==, it->utterance_id);
      g_assert_cmpint (qi->dialogue_id, ==, it->dialogue_id);
      g_assert_cmpfloat (qi->score, ==, it->score);
    }
  /* the stored probabilities are the out-of-fold ones: the given label's is self-confidence */
  const StvaDbAuditItem *top = g_ptr_array_index (r->items, 0);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  const StvaDbLabel *given = stva_db_label_set_by_label (set, top->given_label_id);
  g_assert_cmpfloat (top->probs[given->idx], ==, (float) top->self_confidence);

  /* a reviewed utterance leaves the unreviewed queue; a limit cuts it */
  gint64 annotator = stva_db_annotator (db, "tester", NULL, &error);
  g_assert_cmpint (stva_db_set_label (db, top->utterance_id, r->label_set_id, annotator,
                                      top->suggested_label_id, 0, NULL, &error), >, 0);
  g_autoptr (GArray) q2 = stva_db_review_queue (db, r->label_set_id, 0, STVA_DB_QUEUE_AUDIT,
                                                TRUE, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (q2->len, ==, 5);
  g_assert_cmpint (g_array_index (q2, StvaDbQueueItem, 0).utterance_id, ==,
                   ((StvaDbAuditItem *) g_ptr_array_index (r->items, 1))->utterance_id);
  /* the model on screen does not choose the run: the newest is read */
  g_autoptr (GArray) q3 = stva_db_review_queue (db, r->label_set_id, 999, STVA_DB_QUEUE_AUDIT,
                                                FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (q3->len, ==, r->items->len);
  /* a run that does not exist reads as nothing */
  g_autoptr (GHashTable) none = stva_db_audit_scores (db, r->label_set_id, 999, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (none), ==, 0);
  g_assert_null (stva_db_audit_items (db, 999, 0, &error));
  g_assert_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&db, stva_db_close);
  fixture_clear (&fx);
}

static void
test_deterministic (void)
{
  Fixture fx;
  fixture_init (&fx);
  StvaAuditOptions o;
  GError *error = NULL;
  g_autoptr (StvaAuditReport) a = NULL, b = NULL, c = NULL;
  options_init (&o, fx.project, 7);
  g_assert_true (stva_engine_audit (NULL, &o, &a, &error));
  g_assert_no_error (error);
  g_assert_true (stva_engine_audit (NULL, &o, &b, &error));
  g_assert_no_error (error);
  o.seed = 8;
  g_assert_true (stva_engine_audit (NULL, &o, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (b->run_id, ==, a->run_id + 1);   /* two runs stored */
  g_assert_cmpuint (a->items->len, ==, b->items->len);
  int differ = 0;
  for (guint i = 0; i < a->items->len; i++)
    {
      const StvaDbAuditItem *x = g_ptr_array_index (a->items, i);
      const StvaDbAuditItem *y = g_ptr_array_index (b->items, i);
      const StvaDbAuditItem *z = g_ptr_array_index (c->items, i);
      g_assert_cmpint (x->utterance_id, ==, y->utterance_id);
      g_assert_cmpfloat (x->score, ==, y->score);   /* bit for bit */
      g_assert_cmpmem (x->probs, x->K * sizeof (float), y->probs, y->K * sizeof (float));
      differ += x->utterance_id != z->utterance_id;
    }
  /* another seed deals other folds and starts other models: another order */
  g_test_message ("seed 8 ranks %d of %u utterances elsewhere than seed 7", differ,
                  a->items->len);
  g_assert_cmpint (differ, >, 0);
  fixture_clear (&fx);
}

/* ---- cancel -------------------------------------------------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  const char   *at;       /* the stage to cancel in */
  gboolean      seen;
} CancelAt;

static void
cancel_progress (const StvaJobProgress *p,
                 gpointer               user_data)
{
  CancelAt *c = user_data;
  if (p->stage != NULL && g_str_has_prefix (p->stage, c->at))
    {
      c->seen = TRUE;
      g_cancellable_cancel (c->cancellable);
    }
}

static void
test_cancel (void)
{
  Fixture fx;
  fixture_init (&fx);
  const char *stages[] = { "fold 2/5: training", "fold 5/5: predicting", "ranking" };
  for (gsize s = 0; s < G_N_ELEMENTS (stages); s++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      CancelAt c = { cancellable, stages[s], FALSE };
      g_autoptr (StvaJob) job = stva_job_new (cancel_progress, &c, cancellable);
      StvaAuditOptions o;
      options_init (&o, fx.project, 1);
      GError *error = NULL;
      StvaAuditReport *r = NULL;
      g_assert_false (stva_engine_audit (job, &o, &r, &error));
      g_assert_true (c.seen);
      g_assert_null (r);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_nonnull (strstr (error->message, "nothing was written"));
      g_clear_error (&error);
      g_assert_cmpint (stva_job_kept (job, NULL), ==, STVA_JOB_KEPT_NOTHING);
      /* no run, no score; the project passes integrity_check and foreign_key_check */
      g_assert_cmpint (count_rows (fx.project, "audit_run"), ==, 0);
      g_assert_cmpint (count_rows (fx.project, "audit_score"), ==, 0);
    }
  fixture_clear (&fx);
}

/* ---- refused options, async ---------------------------------------------------------------- */

static void
test_refused (void)
{
  Fixture fx;
  fixture_init (&fx);
  StvaAuditOptions o;
  GError *error = NULL;
  StvaAuditReport *r = NULL;
  options_init (&o, fx.project, 1);
  o.folds = 1;
  g_assert_false (stva_engine_audit (NULL, &o, &r, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  options_init (&o, fx.project, 1);
  o.split = STVA_SPLIT_TEST;   /* train or all only */
  g_assert_false (stva_engine_audit (NULL, &o, &r, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  options_init (&o, fx.project, 1);
  o.train.preset = "enormous";
  g_assert_false (stva_engine_audit (NULL, &o, &r, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  options_init (&o, fx.project, 1);
  o.train.source.project = NULL;
  o.train.source.data = "x.npz";
  g_assert_false (stva_engine_audit (NULL, &o, &r, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (r);
  g_assert_cmpint (count_rows (fx.project, "audit_run"), ==, 0);
  fixture_clear (&fx);
}

typedef struct
{
  GMainLoop       *loop;
  StvaAuditReport *report;
  GError          *error;
} AsyncWait;

static void
audit_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncWait *w = user_data;
  (void) source;
  w->report = stva_engine_audit_finish (result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
test_async (void)
{
  Fixture fx;
  fixture_init (&fx);
  StvaAuditOptions o;
  options_init (&o, fx.project, 3);
  o.folds = 3;
  GError *error = NULL;
  g_autoptr (StvaAuditReport) sync = NULL;
  g_assert_true (stva_engine_audit (NULL, &o, &sync, &error));
  g_assert_no_error (error);
  AsyncWait w = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  stva_engine_audit_async (&o, NULL, NULL, NULL, audit_cb, &w);
  g_main_loop_run (w.loop);
  g_main_loop_unref (w.loop);
  g_assert_no_error (w.error);
  g_autoptr (StvaAuditReport) async = w.report;
  g_assert_cmpint (async->run_id, ==, sync->run_id + 1);
  g_assert_cmpuint (async->items->len, ==, sync->items->len);
  for (guint i = 0; i < sync->items->len; i++)
    {
      const StvaDbAuditItem *x = g_ptr_array_index (sync->items, i);
      const StvaDbAuditItem *y = g_ptr_array_index (async->items, i);
      g_assert_cmpint (x->utterance_id, ==, y->utterance_id);
      g_assert_cmpfloat (x->score, ==, y->score);
    }
  /* the JSON has the items asked for */
  g_autoptr (JsonNode) root = stva_audit_report_to_json (async, 3);
  JsonObject *obj = json_node_get_object (root);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "items")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (obj, "method"), ==, STVA_AUDIT_METHOD);
  fixture_clear (&fx);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/audit/rank", test_rank);
  g_test_add_func ("/engine/audit/finds-planted", test_finds_planted);
  g_test_add_func ("/engine/audit/deterministic", test_deterministic);
  g_test_add_func ("/engine/audit/cancel", test_cancel);
  g_test_add_func ("/engine/audit/refused", test_refused);
  g_test_add_func ("/engine/audit/async", test_async);
  return g_test_run ();
}
