/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-studio: how long the studio takes from opening a project to its first dialogue drawn
 * with predictions (the table filled, the frame painted), and, when the dialogue has a video,
 * to the video's first frame on screen.  Not a test; run under a display:
 *
 *   xvfb-run -a -s "-screen 0 1400x900x24" env GSK_RENDERER=cairo STVA_AUDIO=none \
 *     build/bench/bench-studio [--project FILE.stva] [--dialogues N] [--rounds N]
 *
 * Without --project it builds a project of the default demo corpus's size in a temporary
 * folder (N dialogues, default 300, of 4-24 utterances, about 3,500 in all; a model whose
 * prediction of every utterance is stored with an attention blob of the size `synctva predict`
 * writes for a 4-head, 2-layer model) and says so: the data are synthetic, the work the studio
 * does to open it is the real work.
 */
#define _GNU_SOURCE   /* RUSAGE_THREAD */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "stva-ui.h"
#include "stva-player.h"

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* ---- a project of the demo's size --------------------------------------------------------- */

static GBytes *
attention_blob (int T,
                int t)
{
  const int H = 4, L = 2;
  static const char *mods = "TAV";
  static const char *pairs[] = { "TA", "TV", "AV" };
  GArray *maps = g_array_new (FALSE, TRUE, sizeof (StvaDbAttnMap));
  for (int m = 0; m < 3; m++)
    {
      StvaDbAttnMap map = { g_strdup_printf ("msde.%c", mods[m]), 1, (guint32) T, NULL };
      map.data = g_new0 (float, T);
      map.data[t] = 1.0f;
      g_array_append_val (maps, map);
    }
  for (int m = 0; m < 3; m++)
    for (int m2 = 0; m2 < 3; m2++)
      if (m != m2)
        {
          StvaDbAttnMap map = { g_strdup_printf ("caf.%c<-%c", mods[m], mods[m2]), H,
                                (guint32) T, NULL };
          map.data = g_new0 (float, H * T);
          for (int h = 0; h < H; h++)
            map.data[h * T + (t + h) % T] = 1.0f;
          g_array_append_val (maps, map);
        }
  for (int p = 0; p < 3; p++)
    for (int l = 0; l < L; l++)
      {
        StvaDbAttnMap map = { g_strdup_printf ("graph.%s.l%d", pairs[p], l), 2 * H,
                              (guint32) (2 * T), NULL };
        map.data = g_new0 (float, 2 * H * 2 * T);
        for (int r = 0; r < 2 * H; r++)
          map.data[r * 2 * T + (t + r) % (2 * T)] = 1.0f;
        g_array_append_val (maps, map);
      }
  GBytes *blob = stva_db_attention_pack ((StvaDbAttnMap *) maps->data, maps->len);
  for (guint i = 0; i < maps->len; i++)
    {
      g_free (g_array_index (maps, StvaDbAttnMap, i).name);
      g_free (g_array_index (maps, StvaDbAttnMap, i).data);
    }
  g_array_unref (maps);
  return blob;
}

static char *
make_project (const char *dir,
              int         n_dialogues)
{
  char *path = g_build_filename (dir, "bench.stva", NULL);
  g_autofree char *csv = g_build_filename (dir, "bench.csv", NULL);
  GString *text = g_string_new ("dialogue,split,speaker,text,start,end,label\n");
  static const char *splits[] = { "train", "dev", "test" };
  static const char *speakers[] = { "Monica", "Ross", "Rachel", "Joey" };
  static const char *labels[] = { "neutral", "joy", "surprise", "anger", "sadness", "disgust",
                                  "fear" };
  GRand *rand = g_rand_new_with_seed (1);
  int n_utt = 0;
  for (int d = 0; d < n_dialogues; d++)
    {
      int T = g_rand_int_range (rand, 4, 25);
      double t = 0.0;
      for (int i = 0; i < T; i++, n_utt++)
        {
          double len = g_rand_double_range (rand, 1.0, 4.0);
          g_string_append_printf (text, "dia%d,%s,%s,\"Utterance %d of dialogue %d, with a few "
                                  "words in it\",%.3f,%.3f,%s\n", d,
                                  splits[d < n_dialogues * 8 / 10 ? 0
                                         : d < n_dialogues * 9 / 10 ? 1 : 2],
                                  speakers[(i + d) % 2 + (d % 3 == 0) * 2], i, d, t, t + len,
                                  labels[g_rand_int_range (rand, 0, 7)]);
          t += len + 0.3;
        }
    }
  g_assert_true (g_file_set_contents (csv, text->str, -1, NULL));
  g_string_free (text, TRUE);

  g_autoptr (GError) error = NULL;
  g_autoptr (StvaDb) db = stva_db_open (path, STVA_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  StvaDbImportReport report;
  stva_db_import_report_init (&report);
  if (!stva_db_import_csv (db, csv, "dialogue=dialogue,split=split,speaker=speaker,text=text,"
                           "start=start,end=end,label=label", NULL, NULL, &report, &error))
    g_error ("%s", error->message);
  stva_db_import_report_clear (&report);
  g_autoptr (StvaDbLabelSet) set = stva_db_label_set (db, STVA_DB_MELD_SET, &error);
  gint64 model = stva_db_add_model (db, "bench", "hash-bench", set->id, "{}", "{}", &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) dialogues = stva_db_dialogues (db, set->id, &error);
  g_assert_true (stva_db_begin (db, &error));
  for (guint d = 0; d < dialogues->len; d++)
    {
      StvaDbDialogue *dia = g_ptr_array_index (dialogues, d);
      g_autoptr (GPtrArray) utts = stva_db_utterances (db, dia->id, set->id, 0, &error);
      for (guint i = 0; i < utts->len; i++)
        {
          float probs[7], sum = 0.0f, beta[3] = { 0.5f, 0.3f, 0.2f };
          for (int k = 0; k < 7; k++)
            sum += probs[k] = (float) g_rand_double_range (rand, 0.01, 1.0);
          for (int k = 0; k < 7; k++)
            probs[k] /= sum;
          g_autoptr (GBytes) blob = attention_blob ((int) utts->len, (int) i);
          StvaDbUtterance *u = g_ptr_array_index (utts, i);
          g_assert_true (stva_db_put_prediction (db, model, u->id, probs, 7, beta, blob,
                                                 &error));
        }
    }
  g_assert_true (stva_db_commit (db, &error));
  g_rand_free (rand);
  g_print ("a synthetic project of the default demo's size: %d dialogues, %d utterances, "
           "every one predicted with attention (%s)\n", n_dialogues, n_utt, path);
  return path;
}

/* ---- timing ------------------------------------------------------------------------------- */

/* CPU time of the main thread, ms: what the main loop spent (on a loaded machine the wall
 * time measures the neighbours too, and workers' time does not hold the main loop) */
static double
cpu_ms (void)
{
  struct rusage ru;
  getrusage (RUSAGE_THREAD, &ru);
  return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3
         + ru.ru_stime.tv_usec / 1e3;
}

static guint paints;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  paints++;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int    argc,
      char **argv)
{
  const char *project = NULL;
  int n_dialogues = 300, rounds = 7;
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--project") && i + 1 < argc)
        project = argv[++i];
      else if (g_str_equal (argv[i], "--dialogues") && i + 1 < argc)
        n_dialogues = atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--rounds") && i + 1 < argc)
        rounds = atoi (argv[++i]);
      else
        {
          g_printerr ("usage: bench-studio [--project FILE.stva] [--dialogues N] [--rounds N]\n");
          return 2;
        }
    }
  g_autofree char *tmp = g_dir_make_tmp ("stva-bench-studio-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (tmp, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  if (!gtk_init_check ())
    {
      g_printerr ("bench-studio: no display (run it under xvfb-run)\n");
      return 1;
    }
  adw_init ();
  g_autofree char *made = project == NULL ? make_project (tmp, n_dialogues) : NULL;
  if (project == NULL)
    project = made;

  g_autoptr (StvaApplication) app = stva_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  StvaWindow *window = stva_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);

  double *drawn = g_new0 (double, rounds), *video = g_new0 (double, rounds);
  double *cpu = g_new0 (double, rounds);
  int n_video = 0;
  for (int r = 0; r < rounds; r++)
    {
      g_autoptr (GError) error = NULL;
      double t0 = now_ms (), c0 = cpu_ms ();
      if (!stva_window_open_project (window, project, "bench", &error))
        {
          g_printerr ("bench-studio: %s\n", error->message);
          return 1;
        }
      guint before = paints;
      while (paints == before)
        g_main_context_iteration (NULL, TRUE);
      drawn[r] = now_ms () - t0;
      cpu[r] = cpu_ms () - c0;
      /* the video's first frame, when the dialogue has one */
      GtkWidget *player = NULL;
      for (GtkWidget *w = GTK_WIDGET (window); w != NULL && player == NULL;)
        {
          if (STVA_IS_PLAYER (w))
            player = w;
          else if (gtk_widget_get_first_child (w) != NULL)
            w = gtk_widget_get_first_child (w);
          else
            {
              while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
                w = gtk_widget_get_parent (w);
              w = w != NULL ? gtk_widget_get_next_sibling (w) : NULL;
            }
        }
      if (player != NULL && stva_player_get_path (STVA_PLAYER (player)) != NULL)
        {
          double end = now_ms () + 5000.0;
          while ((stva_player_get_busy (STVA_PLAYER (player))
                  || stva_player_get_texture (STVA_PLAYER (player)) == NULL) && now_ms () < end)
            g_main_context_iteration (NULL, FALSE);
          video[n_video++] = now_ms () - t0;
        }
    }
  qsort (drawn, rounds, sizeof (double), compare_doubles);
  qsort (cpu, rounds, sizeof (double), compare_doubles);
  g_print ("open to the first dialogue drawn with predictions: median %.1f ms (min %.1f, max "
           "%.1f, %d rounds); CPU time of the main thread meanwhile: median %.1f ms\n",
           drawn[rounds / 2], drawn[0], drawn[rounds - 1], rounds, cpu[rounds / 2]);
  if (n_video > 0)
    {
      qsort (video, n_video, sizeof (double), compare_doubles);
      g_print ("open to the video's first frame on screen: median %.1f ms (min %.1f, max %.1f)\n",
               video[n_video / 2], video[0], video[n_video - 1]);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  if (g_getenv ("STVA_BENCH_KEEP") != NULL) return 0;
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp);
  g_free (drawn);
  g_free (cpu);
  g_free (video);
  return 0;
}
