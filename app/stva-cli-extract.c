/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * synctva extract: features of every utterance of a MELD-layout folder (the three CSVs and
 * the clip folders), written as the npz dataset core trains on.  The work itself is core's
 * extraction runner (threads, cache, shards); this file reads the CSVs, fits the text encoder
 * on the training split, and assembles the dataset.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "stva-audio.h"
#include "stva-cli.h"
#include "stva-cli-project.h"
#include "stva-dataset.h"
#include "stva-extract.h"
#include "stva-meld.h"
#include "stva-npz.h"
#include "stva-text.h"
#include "stva-visual.h"

static const char usage[] =
  "synctva extract [--jobs N] [--shard I/N] [--modalities T,A,V] [--cache DIR]\n"
  "                [--visual-fps F] [--out FILE.npz] [--json] CORPUS_DIR\n"
  "       synctva extract [--project FILE] [--jobs N] [--shard I/N] [--modalities T,A,V]\n"
  "                [--cache DIR] [--visual-fps F] [--json]";

static const char help[] =
  "Extracts text-v1, audio-v1 and visual-v2 features for every utterance of a MELD-layout\n"
  "folder (train/dev/test CSVs and clip folders) and writes the npz dataset that train, eval\n"
  "and predict read.  Results are cached per utterance, modality and extractor version, so a\n"
  "second run only computes what is missing; Ctrl-C stops cleanly and keeps what is done.\n"
  "\n"
  "  --jobs N          worker threads (default: one per core)\n"
  "  --shard I/N       compute only dialogues with index % N == I (0-based) into the cache;\n"
  "                    a last run without --shard assembles the dataset from the cache\n"
  "  --modalities SET  which of T, A, V to extract (default T,A,V)\n"
  "  --cache DIR       cache folder (default CORPUS_DIR/.synctva-cache)\n"
  "  --visual-fps F    frames sampled per second for faces (default 5)\n"
  "  --out FILE        the dataset (default CORPUS_DIR/features.npz)\n"
  "  --json            print the summary as one JSON object\n"
  "\n"
  "With --project FILE (or without CORPUS_DIR: $SYNCTVA_PROJECT, or the single *.stva here)\n"
  "the utterances come from the project (their clip, else the dialogue video between their\n"
  "start and end) and the vectors are stored in it, a transaction per batch of dialogues, so\n"
  "an interrupted run keeps whole utterances only.  The text encoder is fitted on the\n"
  "project's train split, and every run re-encodes the text of every utterance (shards\n"
  "aside; it takes seconds) in one transaction, each vector recorded with the fit's id\n"
  "(fit-<hash of the fitted IDF>), so the project's text vectors never mix two fits; the\n"
  "summary names the fit and counts the vectors that changed.  The cache defaults to\n"
  ".synctva-cache next to the project.\n";

static const struct
{
  const char *csv;
  const char *clips;
  int         split;
} splits[] = {
  { "train_sent_emo.csv", "train_splits", STVA_SPLIT_TRAIN },
  { "dev_sent_emo.csv", "dev_splits_complete", STVA_SPLIT_DEV },
  { "test_sent_emo.csv", "output_repeated_splits_test", STVA_SPLIT_TEST },
};

static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
}

static bool
show_progress (size_t done,
               size_t total,
               void  *user_data)
{
  stva_cli_progress_update (user_data, (int64_t) done, (int64_t) total);
  return !interrupted;
}

typedef struct
{
  int          split;
  StvaMeldRow *row;
  char        *clip;     /* owned, NULL when the clip file is missing */
  int          dialogue; /* index into the dataset's dialogues */
} Utt;

static int
compare_utts (const void *a,
              const void *b)
{
  const Utt *x = a, *y = b;
  if (x->split != y->split)
    return x->split - y->split;
  if (x->row->dialogue_id != y->row->dialogue_id)
    return x->row->dialogue_id < y->row->dialogue_id ? -1 : 1;
  return x->row->utterance_id - y->row->utterance_id;
}

static bool
parse_modalities (const char *s,
                  bool        use[STVA_N_MOD])
{
  for (int m = 0; m < STVA_N_MOD; m++)
    use[m] = false;
  for (; *s != '\0'; s++)
    {
      if (*s == ',' || *s == ' ')
        continue;
      int m = *s == 'T' || *s == 't' ? STVA_MOD_T : *s == 'A' || *s == 'a' ? STVA_MOD_A
              : *s == 'V' || *s == 'v' ? STVA_MOD_V : -1;
      if (m < 0)
        return false;
      use[m] = true;
    }
  return use[0] || use[1] || use[2];
}

static char *
dup_or_die (const char *s)
{
  char *d = strdup (s != NULL ? s : "");
  if (d == NULL)
    abort ();
  return d;
}

static void
json_print_string (const char *s)
{
  putchar ('"');
  for (; *s != '\0'; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c == '"' || c == '\\')
        printf ("\\%c", c);
      else if (c < 0x20)
        printf ("\\u%04x", c);
      else
        putchar (c);
    }
  putchar ('"');
}

/* ---- project mode ------------------------------------------------------------------------- */

#define PROJECT_BATCH 256   /* utterances per extraction call and per transaction, at least */

typedef struct
{
  StvaCliProgress *progress;
  size_t           offset;
  size_t           total;
} BatchProgress;

static bool
show_batch_progress (size_t done,
                     size_t total,
                     void  *user_data)
{
  BatchProgress *bp = user_data;
  (void) total;
  stva_cli_progress_update (bp->progress, (int64_t) (bp->offset + done), (int64_t) bp->total);
  return !interrupted;
}

/* Stores the vectors of items [0, n) that have one, a transaction for the lot. */
static gboolean
store_batch (StvaDb                 *db,
             GPtrArray              *utts,
             size_t                  first,
             size_t                  n,
             const StvaExtractOptions *opts,
             float                  *rows[STVA_N_MOD],
             uint8_t                *masks[STVA_N_MOD],
             size_t                  n_stored[STVA_N_MOD],
             GError                **error)
{
  const char *extractor[STVA_N_MOD] = { stva_text_version (), stva_audio_version (),
                                        STVA_VISUAL_VERSION };
  if (!stva_db_begin (db, error))
    return FALSE;
  for (size_t i = 0; i < n; i++)
    {
      const StvaDbUtterance *u = g_ptr_array_index (utts, first + i);
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          if (!opts->modality[m] || masks[m][i] == 0)
            continue;
          size_t dim = stva_extract_dim (m, opts->text_encoder);
          if (!stva_db_put_feature (db, u->id, stva_modality_name (m), extractor[m], "1",
                                    rows[m] + i * dim, (guint) dim, error))
            {
              stva_db_rollback (db);
              return FALSE;
            }
        }
    }
  if (!stva_db_commit (db, error))
    {
      stva_db_rollback (db);
      return FALSE;
    }
  for (size_t i = 0; i < n; i++)
    for (int m = 0; m < STVA_N_MOD; m++)
      if (opts->modality[m] && masks[m][i] != 0)
        n_stored[m]++;
  return TRUE;
}

/* The text vectors of every utterance of the project (shards aside: text is cheap), encoded by
 * the encoder just fitted and stored in one transaction with its fit id as the extractor
 * version, so that the project's text vectors always come from one fit: a run that stops
 * half-way cannot leave two fits mixed.  Counts the vectors stored, those that are new and
 * those that differ from the vector stored before (a new fit: the train split or transcripts
 * changed). */
static gboolean
store_text (StvaDb                   *db,
            GPtrArray                *utts,
            GArray                   *items,
            const StvaExtractOptions *opts,
            const char               *fit_id,
            size_t                   *n_stored,
            size_t                   *n_new,
            size_t                   *n_changed,
            GError                  **error)
{
  StvaExtractOptions text_opts = *opts;
  for (int m = 0; m < STVA_N_MOD; m++)
    text_opts.modality[m] = m == STVA_MOD_T;
  text_opts.shard_index = 0;
  text_opts.shard_count = 1;
  text_opts.progress = NULL;
  size_t n = items->len, dim = stva_extract_dim (STVA_MOD_T, opts->text_encoder);
  g_autofree float *rows = g_malloc (n * dim * sizeof (float));
  g_autofree uint8_t *mask = g_malloc (n);
  float *out[STVA_N_MOD] = { rows, NULL, NULL };
  uint8_t *masks[STVA_N_MOD] = { mask, NULL, NULL };
  StvaError err = { 0 };
  if (stva_extract_run ((const StvaExtractItem *) items->data, n, &text_opts, out, masks, NULL,
                        &err) != STVA_OK)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_INVALID, "text features: %s", err.message);
      return FALSE;
    }
  if (!stva_db_begin (db, error))
    return FALSE;
  for (size_t i = 0; i < n; i++)
    {
      if (mask[i] == 0)
        continue;
      const StvaDbUtterance *u = g_ptr_array_index (utts, i);
      const float *row = rows + i * dim;
      GError *read_error = NULL;
      GArray *old = stva_db_feature (db, u->id, "text", &read_error);
      if (read_error != NULL)
        {
          g_propagate_error (error, read_error);
          stva_db_rollback (db);
          return FALSE;
        }
      if (old == NULL)
        (*n_new)++;
      else if (old->len != dim || memcmp (old->data, row, dim * sizeof *row) != 0)
        (*n_changed)++;
      g_clear_pointer (&old, g_array_unref);
      if (!stva_db_put_feature (db, u->id, "text", stva_text_version (), fit_id, row,
                                (guint) dim, error))
        {
          stva_db_rollback (db);
          return FALSE;
        }
      (*n_stored)++;
    }
  if (!stva_db_commit (db, error))
    {
      stva_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

static int
extract_project (const char         *project,
                 StvaExtractOptions *opts,
                 const char         *cache,
                 bool                json)
{
  g_autoptr (GError) gerr = NULL;
  g_autoptr (StvaDb) db = stva_cli_open_project (project, &gerr);
  if (db == NULL)
    return stva_cli_fail ("%s", gerr->message);
  const char *path = stva_db_path (db);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &gerr);
  g_autoptr (GPtrArray) dialogues = set ? stva_db_dialogues (db, set->id, &gerr) : NULL;
  if (dialogues == NULL)
    return stva_cli_fail ("%s", gerr->message);

  /* the items, a dialogue at a time; the utterances own the strings the items point to */
  g_autoptr (GPtrArray) utts = g_ptr_array_new_with_free_func (
    (GDestroyNotify) stva_db_utterance_free);
  g_autoptr (GArray) items = g_array_new (FALSE, TRUE, sizeof (StvaExtractItem));
  g_autoptr (GArray) is_train = g_array_new (FALSE, TRUE, sizeof (gboolean));
  size_t n_no_media = 0;
  for (guint d = 0; d < dialogues->len; d++)
    {
      const StvaDbDialogue *dlg = g_ptr_array_index (dialogues, d);
      GPtrArray *us = stva_db_utterances (db, dlg->id, set->id, 0, &gerr);
      if (us == NULL)
        return stva_cli_fail ("%s", gerr->message);
      for (guint k = 0; k < us->len; k++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (us, k);
          StvaExtractItem item = { .text = u->transcript, .dialogue = (int) d,
                                   .start_s = 0.0, .end_s = -1.0 };
          if (u->media_path != NULL)
            item.media_path = u->media_path;
          else if (dlg->media_path != NULL && u->end_ms > u->start_ms)
            {
              item.media_path = dlg->media_path;
              item.start_s = (double) u->start_ms / 1000.0;
              item.end_s = (double) u->end_ms / 1000.0;
            }
          else
            n_no_media++;
          gboolean train = strcmp (dlg->split, "train") == 0;
          g_array_append_val (items, item);
          g_array_append_val (is_train, train);
        }
      g_ptr_array_extend_and_steal (utts, us);
    }
  if (utts->len == 0)
    return stva_cli_fail ("%s: the project has no utterances (synctva import adds some)", path);

  /* the text encoder, fitted on the training split only */
  StvaTextEncoder *enc = NULL;
  char fit_id[STVA_TEXT_FIT_ID_LEN] = "";
  guint n_train_texts = 0;
  opts->text_encoder = NULL;
  if (opts->modality[STVA_MOD_T])
    {
      g_autoptr (GPtrArray) train_texts = g_ptr_array_new ();
      for (guint i = 0; i < items->len; i++)
        if (g_array_index (is_train, gboolean, i))
          g_ptr_array_add (train_texts, (gpointer) g_array_index (items, StvaExtractItem,
                                                                  i).text);
      if (train_texts->len == 0)
        return stva_cli_fail ("%s: no utterances in the train split to fit the text encoder "
                              "on (or leave text out with --modalities A,V)", path);
      StvaError error = { 0 };
      enc = stva_text_encoder_new (0);
      if (enc == NULL
          || stva_text_encoder_fit (enc, (const char *const *) train_texts->pdata,
                                    train_texts->len, &error) != STVA_OK)
        {
          stva_text_encoder_free (enc);
          return stva_cli_fail ("%s: text encoder: %s", path,
                                enc ? error.message : "out of memory");
        }
      opts->text_encoder = enc;
      stva_text_encoder_fit_id (enc, fit_id);
      n_train_texts = train_texts->len;
    }

  g_autofree char *project_dir = g_path_get_dirname (path);
  g_autofree char *cache_default = g_build_filename (project_dir, ".synctva-cache", NULL);
  opts->cache_dir = cache != NULL ? cache : cache_default;
  if (!stva_cli_folder_ok (opts->cache_dir))   /* or every feature would be computed uncached */
    return STVA_EXIT_ERROR;

  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "extracting");
  BatchProgress bp = { .progress = &progress, .total = items->len };
  opts->progress = show_batch_progress;
  opts->user_data = &bp;
  struct sigaction sa = { .sa_handler = on_sigint }, old_sa;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, &old_sa);

  StvaExtractReport total;
  memset (&total, 0, sizeof total);
  size_t n_stored[STVA_N_MOD] = { 0, 0, 0 };
  size_t n_text_new = 0, n_text_changed = 0;
  bool want_text = opts->modality[STVA_MOD_T];
  if (want_text && !store_text (db, utts, items, opts, fit_id, &n_stored[STVA_MOD_T],
                                &n_text_new, &n_text_changed, &gerr))
    {
      stva_text_encoder_free (enc);
      opts->text_encoder = NULL;
      sigaction (SIGINT, &old_sa, NULL);
      stva_cli_progress_finish (&progress);
      return stva_cli_fail ("%s: %s", path, gerr->message);
    }
  opts->modality[STVA_MOD_T] = false;   /* done: the batches below are audio and video */
  bool want_media = opts->modality[STVA_MOD_A] || opts->modality[STVA_MOD_V];
  float *rows[STVA_N_MOD] = { NULL, NULL, NULL };
  uint8_t *masks[STVA_N_MOD] = { NULL, NULL, NULL };
  StvaStatus status = STVA_OK;
  StvaError error = { 0 };
  int rc = STVA_EXIT_OK;
  double t0 = stva_cli_now_s ();
  for (size_t first = 0; want_media && first < items->len && status == STVA_OK;)
    {
      /* whole dialogues, at least PROJECT_BATCH utterances unless the project ends */
      size_t end = first;
      while (end < items->len
             && (end - first < PROJECT_BATCH
                 || g_array_index (items, StvaExtractItem, end).dialogue
                      == g_array_index (items, StvaExtractItem, end - 1).dialogue))
        end++;
      size_t n = end - first;
      for (int m = 0; m < STVA_N_MOD; m++)
        if (opts->modality[m])
          {
            size_t dim = stva_extract_dim (m, enc);
            rows[m] = g_malloc (n * dim * sizeof (float));
            masks[m] = g_malloc (n);
          }
      StvaExtractReport report;
      bp.offset = first;
      status = stva_extract_run (&g_array_index (items, StvaExtractItem, first), n, opts, rows,
                                 masks, &report, &error);
      if (status == STVA_OK)
        {
          total.n_items += report.n_items;
          total.n_failed += report.n_failed;
          for (int m = 0; m < STVA_N_MOD; m++)
            {
              total.n_computed[m] += report.n_computed[m];
              total.n_cached[m] += report.n_cached[m];
              total.n_missing[m] += report.n_missing[m];
            }
          for (int k = 0; k < report.n_messages && total.n_messages < STVA_EXTRACT_MAX_MESSAGES;
               k++)
            memcpy (total.messages[total.n_messages++], report.messages[k],
                    sizeof report.messages[k]);
          if (!store_batch (db, utts, first, n, opts, rows, masks, n_stored, &gerr))
            {
              stva_cli_fail ("%s", gerr->message);
              rc = STVA_EXIT_ERROR;
              status = STVA_ERR_IO;
            }
        }
      for (int m = 0; m < STVA_N_MOD; m++)
        {
          g_clear_pointer (&rows[m], g_free);
          g_clear_pointer (&masks[m], g_free);
        }
      first = end;
    }
  double seconds = stva_cli_now_s () - t0;
  stva_cli_progress_finish (&progress);
  sigaction (SIGINT, &old_sa, NULL);
  stva_text_encoder_free (enc);
  opts->text_encoder = NULL;
  if (rc != STVA_EXIT_OK)
    return rc;
  if (status == STVA_ERR_CANCELLED)
    return stva_cli_fail ("%s: interrupted; the batches done are stored and the cache keeps "
                          "the rest of the finished work: run extract again to go on", path);
  if (status != STVA_OK)
    return stva_cli_fail ("%s: %s", path, error.message);

  for (int k = 0; k < total.n_messages; k++)
    fprintf (stderr, "synctva: warning: %s\n", total.messages[k]);
  if (total.n_failed > (size_t) total.n_messages)
    fprintf (stderr, "synctva: warning: %zu more media files could not be read\n",
             total.n_failed - (size_t) total.n_messages);
  if (n_no_media > 0 && (opts->modality[STVA_MOD_A] || opts->modality[STVA_MOD_V]))
    fprintf (stderr, "synctva: warning: %zu utterances have neither a clip nor a dialogue "
             "video with times; their audio and video count as missing\n", n_no_media);
  if (json)
    {
      printf ("{\"project\": ");
      json_print_string (path);
      printf (", \"dialogues\": %u, \"utterances\": %u, ", dialogues->len, utts->len);
      if (opts->shard_count > 1)
        printf ("\"shard\": \"%d/%d\", ", opts->shard_index, opts->shard_count);
      if (want_text)
        printf ("\"text_fit\": \"%s\", \"text_fit_on\": %u, \"text_new\": %zu, "
                "\"text_changed\": %zu, ", fit_id, n_train_texts, n_text_new, n_text_changed);
      printf ("\"stored\": {\"text\": %zu, \"audio\": %zu, \"visual\": %zu}, "
              "\"computed_audio\": %zu, \"cached_audio\": %zu, \"computed_visual\": %zu, "
              "\"cached_visual\": %zu, \"no_media\": %zu, \"failed\": %zu, \"seconds\": %.3f}\n",
              n_stored[0], n_stored[1], n_stored[2], total.n_computed[STVA_MOD_A],
              total.n_cached[STVA_MOD_A], total.n_computed[STVA_MOD_V],
              total.n_cached[STVA_MOD_V], n_no_media, total.n_failed, seconds);
    }
  else
    {
      if (want_text)
        printf ("%s: text encoder fitted on %u training utterances (%s); text vectors of every "
                "utterance: %zu stored, %zu new, %zu changed%s\n", path, n_train_texts, fit_id,
                n_stored[STVA_MOD_T], n_text_new, n_text_changed,
                n_text_changed > 0 ? " (a new fit: the train split or transcripts changed)" : "");
      printf ("%s: %u dialogues, %u utterances%s; stored %zu text, %zu audio, %zu visual "
              "vectors; audio %zu computed + %zu cached, visual %zu computed + %zu cached; %zu "
              "without media, %zu unreadable; %.1f s\n", path, dialogues->len, utts->len,
              opts->shard_count > 1 ? " (this shard's share)" : "", n_stored[0], n_stored[1],
              n_stored[2], total.n_computed[STVA_MOD_A], total.n_cached[STVA_MOD_A],
              total.n_computed[STVA_MOD_V], total.n_cached[STVA_MOD_V], n_no_media,
              total.n_failed, seconds);
    }
  return STVA_EXIT_OK;
}

int
stva_cli_extract (int    argc,
                  char **argv)
{
  const char *dir = NULL, *out_path = NULL, *cache = NULL, *project = NULL;
  bool json = false;
  StvaExtractOptions opts;
  stva_extract_options_init (&opts);
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      bool has_value = i + 1 < argc;
      long long v;
      if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        {
          printf ("usage: %s\n\n", usage);
          fputs (help, stdout);
          return STVA_EXIT_OK;
        }
      else if (strcmp (a, "--jobs") == 0 && has_value)
        {
          if (!stva_cli_parse_int (argv[++i], 1, 256, &v))
            return stva_cli_usage (usage, "--jobs takes 1 to 256");
          opts.jobs = (int) v;
        }
      else if (strcmp (a, "--shard") == 0 && has_value)
        {
          int si, sn, used = 0;
          const char *s = argv[++i];
          if (sscanf (s, "%d/%d%n", &si, &sn, &used) != 2 || s[used] != '\0' || sn < 1
              || si < 0 || si >= sn)
            return stva_cli_usage (usage, "--shard takes I/N with 0 <= I < N, not '%s'", s);
          opts.shard_index = si;
          opts.shard_count = sn;
        }
      else if (strcmp (a, "--modalities") == 0 && has_value)
        {
          if (!parse_modalities (argv[++i], opts.modality))
            return stva_cli_usage (usage, "--modalities takes letters T, A and V, not '%s'",
                                   argv[i]);
        }
      else if (strcmp (a, "--cache") == 0 && has_value)
        cache = argv[++i];
      else if (strcmp (a, "--project") == 0 && has_value)
        project = argv[++i];
      else if (strcmp (a, "--out") == 0 && has_value)
        out_path = argv[++i];
      else if (strcmp (a, "--visual-fps") == 0 && has_value)
        {
          char *end = NULL;
          double f = strtod (argv[++i], &end);
          if (end == argv[i] || *end != '\0' || !(f > 0.0 && f <= 100.0))
            return stva_cli_usage (usage, "--visual-fps takes a rate in (0, 100]");
          opts.visual_fps = f;
        }
      else if (strcmp (a, "--json") == 0)
        json = true;
      else if (a[0] == '-')
        return stva_cli_usage (usage, "unknown or incomplete option '%s'", a);
      else if (dir != NULL)
        return stva_cli_usage (usage, "one corpus folder only");
      else
        dir = a;
    }
  if (project != NULL && dir != NULL)
    return stva_cli_usage (usage, "give a project or a corpus folder, not both");
  if (project != NULL || (dir == NULL && stva_cli_has_default_project ()))
    {
      if (out_path != NULL)
        return stva_cli_usage (usage, "--out is for a corpus folder: a project stores the "
                               "features (synctva export npz writes them out)");
      return extract_project (project, &opts, cache, json);
    }
  if (dir == NULL)
    return stva_cli_usage (usage, "extract needs a MELD-layout corpus folder or a project");

  /* the CSVs */
  GPtrArray *tables[3] = { NULL, NULL, NULL };
  GArray *utts = g_array_new (FALSE, TRUE, sizeof (Utt));
  int rc = STVA_EXIT_ERROR;
  size_t n_missing_clips = 0;
  char *first_missing = NULL;
  StvaTextEncoder *enc = NULL;
  StvaDataset *ds = NULL;
  float *rows[STVA_N_MOD] = { NULL, NULL, NULL };
  uint8_t *masks[STVA_N_MOD] = { NULL, NULL, NULL };
  StvaExtractItem *items = NULL;
  char *cache_default = NULL, *out_default = NULL;

  for (int s = 0; s < 3; s++)
    {
      g_autofree char *csv = g_build_filename (dir, splits[s].csv, NULL);
      g_autoptr (GError) error = NULL;
      if (!g_file_test (csv, G_FILE_TEST_EXISTS))
        continue;   /* a corpus may lack a split */
      tables[s] = stva_meld_read (csv, &error);
      if (tables[s] == NULL)
        {
          stva_cli_fail ("%s", error->message);
          goto out;
        }
      for (guint r = 0; r < tables[s]->len; r++)
        {
          StvaMeldRow *row = g_ptr_array_index (tables[s], r);
          Utt u = { .split = splits[s].split, .row = row };
          g_autofree char *name = g_strdup_printf ("dia%d_utt%d.mp4", row->dialogue_id,
                                                   row->utterance_id);
          char *clip = g_build_filename (dir, splits[s].clips, name, NULL);
          if (g_file_test (clip, G_FILE_TEST_IS_REGULAR))
            u.clip = clip;
          else
            {
              if (n_missing_clips++ == 0)
                first_missing = clip;
              else
                g_free (clip);
            }
          g_array_append_val (utts, u);
        }
    }
  if (utts->len == 0)
    {
      stva_cli_fail ("%s: no train_sent_emo.csv, dev_sent_emo.csv or test_sent_emo.csv with "
                     "utterances", dir);
      goto out;
    }
  g_array_sort (utts, compare_utts);

  /* dialogues and speakers, in corpus order */
  ds = calloc (1, sizeof *ds);
  GHashTable *speakers = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *speaker_names = g_ptr_array_new ();
  int n_dialogues = 0;
  for (guint i = 0; i < utts->len; i++)
    {
      Utt *u = &g_array_index (utts, Utt, i);
      Utt *prev = i > 0 ? &g_array_index (utts, Utt, i - 1) : NULL;
      if (prev == NULL || prev->split != u->split
          || prev->row->dialogue_id != u->row->dialogue_id)
        n_dialogues++;
      u->dialogue = n_dialogues - 1;
      if (!g_hash_table_contains (speakers, u->row->speaker))
        {
          g_hash_table_insert (speakers, u->row->speaker,
                               GINT_TO_POINTER (speaker_names->len));
          g_ptr_array_add (speaker_names, u->row->speaker);
        }
    }

  /* the text encoder, fitted on the training split only */
  opts.text_encoder = NULL;
  if (opts.modality[STVA_MOD_T])
    {
      GPtrArray *train_texts = g_ptr_array_new ();
      for (guint i = 0; i < utts->len; i++)
        {
          Utt *u = &g_array_index (utts, Utt, i);
          if (u->split == STVA_SPLIT_TRAIN)
            g_ptr_array_add (train_texts, u->row->utterance);
        }
      StvaError error = { 0 };
      enc = stva_text_encoder_new (0);
      if (enc == NULL
          || stva_text_encoder_fit (enc, (const char *const *) train_texts->pdata,
                                    train_texts->len, &error) != STVA_OK)
        {
          g_ptr_array_free (train_texts, TRUE);
          stva_cli_fail ("%s: text encoder: %s", dir, enc ? error.message : "out of memory");
          goto out_speakers;
        }
      g_ptr_array_free (train_texts, TRUE);
      opts.text_encoder = enc;
    }

  /* extract */
  items = calloc (utts->len, sizeof *items);
  for (int m = 0; m < STVA_N_MOD; m++)
    if (opts.modality[m])
      {
        size_t dim = stva_extract_dim (m, enc);
        rows[m] = malloc ((size_t) utts->len * dim * sizeof (float));
        masks[m] = malloc (utts->len);
        if (rows[m] == NULL || masks[m] == NULL)
          {
            stva_cli_fail ("out of memory for %u utterances", utts->len);
            goto out_speakers;
          }
      }
  for (guint i = 0; i < utts->len; i++)
    {
      Utt *u = &g_array_index (utts, Utt, i);
      items[i] = (StvaExtractItem) { .media_path = u->clip, .start_s = 0.0, .end_s = -1.0,
                                     .text = u->row->utterance, .dialogue = u->dialogue };
    }
  cache_default = g_build_filename (dir, ".synctva-cache", NULL);
  opts.cache_dir = cache != NULL ? cache : cache_default;
  out_default = g_build_filename (dir, "features.npz", NULL);
  /* before the extraction, which may take hours: a cache that cannot be written, an output
   * that cannot be (a shard writes only the cache) */
  const char *target = out_path != NULL ? out_path : out_default;
  if (!stva_cli_folder_ok (opts.cache_dir)
      || (opts.shard_count <= 1 && !stva_cli_output_ok (target)))
    goto out_speakers;

  StvaCliProgress progress;
  stva_cli_progress_init (&progress, "extracting");
  opts.progress = show_progress;
  opts.user_data = &progress;
  struct sigaction sa = { .sa_handler = on_sigint }, old_sa;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, &old_sa);
  StvaExtractReport report;
  StvaError error = { 0 };
  double t0 = stva_cli_now_s ();
  StvaStatus status = stva_extract_run (items, utts->len, &opts, rows, masks, &report, &error);
  double seconds = stva_cli_now_s () - t0;
  stva_cli_progress_finish (&progress);
  sigaction (SIGINT, &old_sa, NULL);
  if (status != STVA_OK)
    {
      stva_cli_fail ("%s: %s", dir, error.message);
      goto out_speakers;
    }
  for (int k = 0; k < report.n_messages; k++)
    fprintf (stderr, "synctva: warning: %s\n", report.messages[k]);
  if (report.n_failed > (size_t) report.n_messages)
    fprintf (stderr, "synctva: warning: %zu more media files could not be read\n",
             report.n_failed - (size_t) report.n_messages);
  if (n_missing_clips > 0)
    fprintf (stderr, "synctva: warning: %zu clips are missing (first: %s); their audio and "
             "video count as missing\n", n_missing_clips, first_missing);

  if (opts.shard_count > 1)
    {
      /* a shard only fills the cache */
      if (json)
        printf ("{\"shard\": \"%d/%d\", \"utterances\": %zu, \"computed_audio\": %zu, "
                "\"computed_visual\": %zu, \"cached_audio\": %zu, \"cached_visual\": %zu, "
                "\"failed\": %zu, \"seconds\": %.3f}\n", opts.shard_index, opts.shard_count,
                report.n_items, report.n_computed[STVA_MOD_A], report.n_computed[STVA_MOD_V],
                report.n_cached[STVA_MOD_A], report.n_cached[STVA_MOD_V], report.n_failed,
                seconds);
      else
        printf ("shard %d/%d: %zu utterances (audio %zu computed, %zu cached; visual %zu "
                "computed, %zu cached; %zu unreadable) in %.1f s; cache %s\n",
                opts.shard_index, opts.shard_count, report.n_items,
                report.n_computed[STVA_MOD_A], report.n_cached[STVA_MOD_A],
                report.n_computed[STVA_MOD_V], report.n_cached[STVA_MOD_V], report.n_failed,
                seconds, opts.cache_dir);
      rc = STVA_EXIT_OK;
      goto out_speakers;
    }

  /* assemble the dataset: it takes over rows and masks by copy per dialogue */
  ds->K = 7;
  ds->labels = calloc (7, sizeof *ds->labels);
  for (int k = 0; k < 7; k++)
    ds->labels[k] = dup_or_die (STVA_MELD_EMOTIONS[k]);
  ds->n_speakers = (int) speaker_names->len;
  ds->speakers = calloc (speaker_names->len, sizeof *ds->speakers);
  for (guint k = 0; k < speaker_names->len; k++)
    ds->speakers[k] = dup_or_die (g_ptr_array_index (speaker_names, k));
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      ds->F[m] = opts.modality[m] ? (int) stva_extract_dim (m, enc) : 0;
      if (ds->F[m] > 0)
        {
          ds->feature_names[m] = calloc ((size_t) ds->F[m], sizeof (char *));
          for (int j = 0; j < ds->F[m]; j++)
            ds->feature_names[m][j] = dup_or_die (
              m == STVA_MOD_T ? stva_text_encoder_dim_name (enc, (size_t) j)
              : m == STVA_MOD_A ? stva_audio_dim_name ((size_t) j)
                                : stva_visual_dim_name ((size_t) j));
        }
    }
  ds->n_dialogues = n_dialogues;
  ds->dialogues = calloc ((size_t) n_dialogues, sizeof *ds->dialogues);
  for (guint i = 0; i < utts->len;)
    {
      Utt *first = &g_array_index (utts, Utt, i);
      guint j = i;
      while (j < utts->len && g_array_index (utts, Utt, j).dialogue == first->dialogue)
        j++;
      StvaDialogue *d = &ds->dialogues[first->dialogue];
      int T = (int) (j - i);
      char name[64];
      snprintf (name, sizeof name, "%s/dia%d", stva_split_name (first->split),
                first->row->dialogue_id);
      d->id = dup_or_die (name);
      d->split = first->split;
      d->T = T;
      d->speaker = calloc ((size_t) T, sizeof *d->speaker);
      d->label = calloc ((size_t) T, sizeof *d->label);
      d->utt_id = calloc ((size_t) T, sizeof *d->utt_id);
      for (int m = 0; m < STVA_N_MOD; m++)
        if (ds->F[m] > 0)
          {
            d->x[m] = malloc ((size_t) T * (size_t) ds->F[m] * sizeof (float));
            d->mask[m] = malloc ((size_t) T);
            memcpy (d->x[m], rows[m] + (size_t) i * (size_t) ds->F[m],
                    (size_t) T * (size_t) ds->F[m] * sizeof (float));
            memcpy (d->mask[m], masks[m] + i, (size_t) T);
          }
      for (int t = 0; t < T; t++)
        {
          Utt *u = &g_array_index (utts, Utt, i + (guint) t);
          d->speaker[t] = GPOINTER_TO_INT (g_hash_table_lookup (speakers, u->row->speaker));
          d->label[t] = -1;
          for (int k = 0; k < 7; k++)
            if (strcmp (u->row->emotion, STVA_MELD_EMOTIONS[k]) == 0)
              d->label[t] = k;
          snprintf (name, sizeof name, "dia%d_utt%d", u->row->dialogue_id,
                    u->row->utterance_id);
          d->utt_id[t] = dup_or_die (name);
        }
      i = j;
    }

  if (stva_npz_write_dataset (target, ds, &error) != STVA_OK)
    {
      stva_cli_fail ("%s", error.message);
      goto out_speakers;
    }
  if (json)
    printf ("{\"out\": \"%s\", \"dialogues\": %d, \"utterances\": %u, \"features\": "
            "{\"T\": %d, \"A\": %d, \"V\": %d}, \"computed_audio\": %zu, \"cached_audio\": %zu, "
            "\"computed_visual\": %zu, \"cached_visual\": %zu, \"missing_clips\": %zu, "
            "\"failed\": %zu, \"seconds\": %.3f}\n", target, n_dialogues, utts->len, ds->F[0],
            ds->F[1], ds->F[2], report.n_computed[STVA_MOD_A], report.n_cached[STVA_MOD_A],
            report.n_computed[STVA_MOD_V], report.n_cached[STVA_MOD_V], n_missing_clips,
            report.n_failed, seconds);
  else
    printf ("%s: %d dialogues, %u utterances; text %d, audio %d, visual %d dimensions; "
            "audio %zu computed + %zu cached, visual %zu computed + %zu cached; %zu missing "
            "clips, %zu unreadable; %.1f s\n", target, n_dialogues, utts->len, ds->F[0],
            ds->F[1], ds->F[2], report.n_computed[STVA_MOD_A], report.n_cached[STVA_MOD_A],
            report.n_computed[STVA_MOD_V], report.n_cached[STVA_MOD_V], n_missing_clips,
            report.n_failed, seconds);
  rc = STVA_EXIT_OK;

out_speakers:
  g_hash_table_destroy (speakers);
  g_ptr_array_free (speaker_names, TRUE);
out:
  for (guint i = 0; i < utts->len; i++)
    {
      Utt *u = &g_array_index (utts, Utt, i);
      if (u->clip != first_missing)
        g_free (u->clip);
    }
  g_free (first_missing);
  g_array_free (utts, TRUE);
  for (int s = 0; s < 3; s++)
    if (tables[s] != NULL)
      g_ptr_array_free (tables[s], TRUE);
  for (int m = 0; m < STVA_N_MOD; m++)
    {
      free (rows[m]);
      free (masks[m]);
    }
  free (items);
  stva_text_encoder_free (enc);
  stva_dataset_free (ds);
  g_free (cache_default);
  g_free (out_default);
  return rc;
}
