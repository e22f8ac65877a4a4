/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * visual-v2 over a generated demo corpus (suite slow): every utterance clip is extracted at
 * 5 fps; faces must be found on nearly every frame of the clips whose face is shown and on none
 * of those turned away; the per-utterance features must follow the expression the generator
 * planted (correlation over utterances of the planned mouth curve, brow raise and brow tilt
 * with the measured mouth curve, brow height and brow slope); an utterance cut by time from
 * the whole dialogue video must match its clip.  Prints the face fraction and the CPU time per
 * sampled frame.  STVA_DEMO_DIR=DIR runs on an existing corpus instead of generating one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "stva-demo.h"
#include "stva-media-log.h"
#include "stva-visual.h"

static char *corpus;             /* owned */
static GPtrArray *rows;          /* owned: GStrv per manifest row */
static GHashTable *column;       /* owned: column name -> index + 1 */
static StvaVisualExtractor *ex;  /* owned */

static double
cpu_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char *
get (GStrv        row,
     const char  *name)
{
  int i = GPOINTER_TO_INT (g_hash_table_lookup (column, name)) - 1;
  if (i < 0 || i >= (int) g_strv_length (row))
    g_error ("manifest: no column %s", name);
  return row[i];
}

static double
get_double (GStrv       row,
            const char *name)
{
  return g_ascii_strtod (get (row, name), NULL);
}

static void
load_manifest (void)
{
  g_autofree char *path = g_build_filename (corpus, ".manifest.tsv", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("%s: cannot read the manifest", path);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  column = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  bool header = false;
  for (int i = 0; lines[i]; i++)
    {
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      GStrv fields = g_strsplit (lines[i], "\t", -1);
      if (!header)
        {
          for (int k = 0; fields[k]; k++)
            g_hash_table_insert (column, g_strdup (fields[k]), GINT_TO_POINTER (k + 1));
          g_strfreev (fields);
          header = true;
        }
      else
        g_ptr_array_add (rows, fields);
    }
  g_assert_cmpuint (rows->len, >, 0);
}

static double
correlation (const double *x,
             const double *y,
             int           n)
{
  double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < n; i++)
    {
      mx += x[i] / n;
      my += y[i] / n;
    }
  for (int i = 0; i < n; i++)
    {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
  return sxx > 0 && syy > 0 ? sxy / sqrt (sxx * syy) : 0.0;
}

static float
mean_of (const StvaVisualResult *r,
         StvaVisualFace          m)
{
  return r->values[STVA_VISUAL_OFFSET_FACE + m * STVA_VISUAL_N_FUNCTIONALS];
}

static void
test_clips (void)
{
  int n = (int) rows->len, n_shown = 0, n_away = 0;
  size_t frames_shown = 0, faces_shown = 0, frames_away = 0, faces_away = 0, frames = 0;
  double cpu = 0.0, seconds = 0.0, worst_fraction = 1.0;
  /* planned vs measured, over the utterances whose face is shown */
  double *plan[3], *got[3];
  for (int k = 0; k < 3; k++)
    {
      plan[k] = g_new (double, n);
      got[k] = g_new (double, n);
    }
  static const char *const planned[3] = { "mouth_curve", "brow_raise", "brow_tilt" };
  static const StvaVisualFace measured[3] = { STVA_VISUAL_MOUTH_CURVE, STVA_VISUAL_BROW_HEIGHT,
                                              STVA_VISUAL_BROW_SLOPE };

  for (int i = 0; i < n; i++)
    {
      GStrv row = g_ptr_array_index (rows, i);
      g_autofree char *path = g_build_filename (corpus, get (row, "clip"), NULL);
      StvaVisualResult r;
      StvaError error = { 0 };
      stva_visual_result_init (&r);
      double c0 = cpu_s ();
      if (stva_visual_extract_file (ex, path, 0.0, -1.0, &r, &error) != STVA_OK)
        g_error ("%s", error.message);
      cpu += cpu_s () - c0;
      frames += r.n_frames;
      seconds += (get_double (row, "end_ms") - get_double (row, "start_ms")) / 1000.0;
      for (size_t k = 0; k < STVA_VISUAL_DIM; k++)
        if (!isfinite (r.values[k]))
          g_error ("%s: dimension %s is %g", path, stva_visual_dim_name (k), r.values[k]);
      size_t n_face = 0;
      for (size_t k = 0; k < r.n_frames; k++)
        n_face += r.frames[k].has_face;
      if (atoi (get (row, "visual_missing")))
        {
          n_away++;
          frames_away += r.n_frames;
          faces_away += n_face;
        }
      else
        {
          frames_shown += r.n_frames;
          faces_shown += n_face;
          worst_fraction = fmin (worst_fraction, r.face_fraction);
          if (!r.face_missing)
            {
              for (int k = 0; k < 3; k++)
                {
                  plan[k][n_shown] = get_double (row, planned[k]);
                  got[k][n_shown] = mean_of (&r, measured[k]);
                }
              n_shown++;
            }
        }
      stva_visual_result_clear (&r);
    }

  double fraction_shown = frames_shown ? (double) faces_shown / frames_shown : 0.0;
  double fraction_away = frames_away ? (double) faces_away / frames_away : 0.0;
  double ms = 1e3 * cpu / (double) frames;
  g_test_message ("%d clips, %.0f s, %zu sampled frames: faces on %.1f %% of %zu frames of faces "
                  "shown (worst clip %.2f), %.1f %% of %zu frames turned away (%d clips); "
                  "%.1f ms CPU per sampled frame (decoding included), %.1fx real time per core",
                  n, seconds, frames, 100.0 * fraction_shown, frames_shown, worst_fraction,
                  100.0 * fraction_away, frames_away, n_away, ms, seconds / cpu);
  double r[3];
  for (int k = 0; k < 3; k++)
    r[k] = correlation (plan[k], got[k], n_shown);
  g_test_message ("planned vs measured over %d utterances: mouth_curve r = %.2f, brow_raise vs "
                  "brow_height r = %.2f, brow_tilt vs brow_slope r = %.2f", n_shown, r[0], r[1],
                  r[2]);
  g_assert_cmpfloat (fraction_shown, >=, 0.95);
  g_assert_cmpfloat (fraction_away, <=, 0.02);
  g_assert_cmpint (n_shown, >=, 10);
  for (int k = 0; k < 3; k++)
    if (r[k] < 0.5)
      g_error ("planned %s and measured %s correlate at r = %.2f only", planned[k],
               stva_visual_dim_name (measured[k] * STVA_VISUAL_N_FUNCTIONALS), r[k]);
  for (int k = 0; k < 3; k++)
    {
      g_free (plan[k]);
      g_free (got[k]);
    }
}

/* An utterance cut from its dialogue video by the manifest's times gives what its clip gives. */
static void
test_cut_from_dialogue (void)
{
  int checked = 0;
  for (guint i = 0; i < rows->len && checked < 3; i++)
    {
      GStrv row = g_ptr_array_index (rows, i);
      if (atoi (get (row, "visual_missing")))
        continue;
      g_autofree char *clip = g_build_filename (corpus, get (row, "clip"), NULL);
      g_autofree char *name = g_strdup_printf ("dia%s.mp4", get (row, "dialogue_id"));
      g_autofree char *dialogue = g_build_filename (corpus, "dialogues", get (row, "split"), name,
                                                    NULL);
      double start_s = get_double (row, "start_ms") / 1000.0;
      double end_s = get_double (row, "end_ms") / 1000.0;
      StvaVisualResult a, b;
      StvaError error = { 0 };
      stva_visual_result_init (&a);
      stva_visual_result_init (&b);
      if (stva_visual_extract_file (ex, clip, 0.0, -1.0, &a, &error) != STVA_OK
          || stva_visual_extract_file (ex, dialogue, start_s, end_s, &b, &error) != STVA_OK)
        g_error ("%s", error.message);
      g_test_message ("%s: %zu frames from the clip, %zu cut from %s at %.2f..%.2f s", clip,
                      a.n_frames, b.n_frames, dialogue, start_s, end_s);
      g_assert_cmpint (labs ((long) a.n_frames - (long) b.n_frames), <=, 1);
      g_assert_cmpfloat (fabs (a.face_fraction - b.face_fraction), <=, 0.15);
      for (int m = 0; m < STVA_VISUAL_N_FACE; m++)
        if (m == STVA_VISUAL_MOUTH_OPEN || m == STVA_VISUAL_BROW_HEIGHT
            || m == STVA_VISUAL_MOUTH_CURVE)
          g_assert_cmpfloat (fabs (mean_of (&a, m) - mean_of (&b, m)), <, 0.05);
      stva_visual_result_clear (&a);
      stva_visual_result_clear (&b);
      checked++;
    }
  g_assert_cmpint (checked, >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  stva_media_log_errors_only ();
  const char *given = g_getenv ("STVA_DEMO_DIR");
  g_autofree char *tmp = NULL;
  if (given)
    corpus = g_strdup (given);
  else
    {
      tmp = g_dir_make_tmp ("test-visual-corpus-XXXXXX", NULL);
      corpus = g_build_filename (tmp, "demo", NULL);
      StvaDemoOptions opts;
      stva_demo_options_init (&opts);
      opts.seed = 11;
      opts.n_dialogues = 6;
      StvaDemoSummary summary;
      StvaError error = { 0 };
      if (stva_demo_generate (corpus, &opts, &summary, &error) != STVA_OK)
        g_error ("generating a demo corpus: %s", error.message);
      g_test_message ("corpus: %d utterances, %.0f s of clips in %.1f s",
                      summary.n_utterances[0] + summary.n_utterances[1]
                        + summary.n_utterances[2], summary.media_seconds, summary.elapsed_s);
    }
  load_manifest ();
  StvaError error = { 0 };
  if (stva_visual_extractor_new (&ex, NULL, NULL, &error) != STVA_OK)
    g_error ("%s", error.message);

  g_test_add_func ("/features/visual-corpus/clips", test_clips);
  g_test_add_func ("/features/visual-corpus/cut-from-dialogue", test_cut_from_dialogue);
  int status = g_test_run ();

  stva_visual_extractor_free (ex);
  g_ptr_array_unref (rows);
  g_hash_table_unref (column);
  if (tmp && !g_getenv ("STVA_KEEP_DEMO"))
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
      if (system (cmd) != 0)
        g_printerr ("could not remove %s\n", tmp);
    }
  g_free (corpus);
  return status;
}
