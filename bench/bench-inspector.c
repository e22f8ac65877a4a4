/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-inspector: the studio's inspector on a project with a real model (the demo's by
 * default): for each of the first N dialogues, the time from selecting it to the Prediction
 * figure drawn (stored predictions), and from switching the audio off to the what-if drawn (a
 * live run of the core on a worker, the work a dialogue without stored predictions costs but
 * for storing), the engine's one-dialogue prediction timed alone beside it, and the main loop's
 * largest gap throughout (a 5 ms heartbeat).  Not a test; run under a display:
 *
 *   xvfb-run -a -s "-screen 0 1400x900x24" env GSK_RENDERER=cairo \
 *     build/bench/bench-inspector [--project demo/small/demo.stva] [--model FILE] [--dialogues N]
 *
 * The project is copied to a temporary folder first; a model registered without its file (an
 * older build) is given --model (default: model.stvm beside the project) when its hash is the
 * registered one.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "stva-inspector.h"
#include "stva-resources.h"
#include "stva-ui.h"

static gint64 last_beat_us, max_gap_us;

static gboolean
heartbeat (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  if (last_beat_us != 0 && now - last_beat_us > max_gap_us)
    max_gap_us = now - last_beat_us;
  last_beat_us = now;
  return G_SOURCE_CONTINUE;
}

static void
spin_until_idle (StvaInspector *inspector,
                 double         min_s)
{
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + 120 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < start + (gint64) (min_s * G_USEC_PER_SEC)
         || (stva_inspector_is_busy (inspector) && g_get_monotonic_time () < end))
    g_main_context_iteration (NULL, FALSE);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
report (const char *what,
        GArray     *ms)
{
  if (ms->len == 0)
    return;
  g_array_sort (ms, compare_double);
  double sum = 0;
  for (guint i = 0; i < ms->len; i++)
    sum += g_array_index (ms, double, i);
  g_print ("%-44s n %3u  median %7.1f ms  mean %7.1f ms  max %7.1f ms\n", what, ms->len,
           g_array_index (ms, double, ms->len / 2), sum / ms->len,
           g_array_index (ms, double, ms->len - 1));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *project_arg = NULL, *model_arg = NULL;
  int n_dialogues = 10;
  GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_arg, "the project (copied first)",
      "FILE" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_arg, "the model's file, when the project "
      "has none recorded", "FILE" },
    { "dialogues", 0, 0, G_OPTION_ARG_INT, &n_dialogues, "dialogues timed (10)", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- time the studio's inspector");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-inspector: %s\n", error->message);
      return 2;
    }
  const char *project_in = project_arg != NULL ? project_arg : "demo/small/demo.stva";
  g_autofree char *dir_in = g_path_get_dirname (project_in);
  g_autofree char *model = model_arg != NULL ? g_strdup (model_arg)
                                             : g_build_filename (dir_in, "model.stvm", NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("bench-inspector: no display (run under xvfb-run)\n");
      return 1;
    }
  adw_init ();
  g_resources_register (stva_get_resource ());

  g_autofree char *tmp = g_dir_make_tmp ("stva-bench-inspector-XXXXXX", &error);
  g_autofree char *project = g_build_filename (tmp, "project.stva", NULL);
  g_autofree char *bytes = NULL;
  gsize n = 0;
  if (!g_file_get_contents (project_in, &bytes, &n, &error)
      || !g_file_set_contents (project, bytes, (gssize) n, &error))
    {
      g_printerr ("bench-inspector: %s\n", error->message);
      return 1;
    }
  g_clear_pointer (&bytes, g_free);

  g_autoptr (StvaSession) session = stva_session_new ();
  if (!stva_session_open (session, project, "bench", &error))
    {
      g_printerr ("bench-inspector: %s\n", error->message);
      return 1;
    }
  gint64 model_id = stva_session_get_model_id (session);
  StvaDb *db = stva_session_get_db (session);
  g_autofree char *recorded = stva_db_model_path (db, model_id, NULL);
  if (recorded == NULL)
    {
      g_autofree char *canonical = g_canonicalize_filename (model, NULL);
      if (!stva_db_model_check_file (db, model_id, canonical, &error)
          || !stva_db_set_model_path (db, model_id, canonical, &error))
        {
          g_printerr ("bench-inspector: %s\n", error->message);
          return 1;
        }
      g_print ("model %" G_GINT64_FORMAT ": its file recorded as %s\n", model_id, canonical);
    }
  g_autofree char *path = NULL;
  if (!stva_data_model_file (db, model_id, &path, &error))
    {
      g_printerr ("bench-inspector: %s\n", error->message);
      return 1;
    }
  struct stat st;
  g_print ("project %s (%u dialogues), model #%" G_GINT64_FORMAT " %s (%.1f MB)\n", project_in,
           g_list_model_get_n_items (stva_session_get_dialogues (session)), model_id, path,
           g_stat (path, &st) == 0 ? st.st_size / 1e6 : NAN);

  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 520, 760);
  StvaInspector *inspector = STVA_INSPECTOR (stva_inspector_new ());
  gtk_window_set_child (window, GTK_WIDGET (inspector));
  stva_inspector_set_session (inspector, session);
  gtk_window_present (window);
  spin_until_idle (inspector, 1.0);

  g_autoptr (GArray) stored = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) live = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) engine = g_array_new (FALSE, FALSE, sizeof (double));
  guint beat = g_timeout_add (5, heartbeat, NULL);
  guint n_all = g_list_model_get_n_items (stva_session_get_dialogues (session));
  for (guint d = 1; d <= (guint) n_dialogues && d < n_all; d++)
    {
      if (!stva_session_select_dialogue (session, d, &error))
        break;
      spin_until_idle (inspector, 0.2);
      double shown = stva_inspector_get_shown_us (inspector) / 1000.0;
      g_array_append_val (stored, shown);
      gint64 t0 = g_get_monotonic_time ();
      stva_inspector_set_modality_off (inspector, STVA_MOD_A, TRUE);
      spin_until_idle (inspector, 0.0);
      int T, K;
      double ms = (g_get_monotonic_time () - t0) / 1000.0;
      if (stva_inspector_get_what_if (inspector, &T, &K) != NULL)
        g_array_append_val (live, ms);
      else
        g_printerr ("dialogue %u: %s\n", d, stva_inspector_get_status (inspector));
      stva_inspector_set_modality_off (inspector, STVA_MOD_A, FALSE);
      spin_until_idle (inspector, 0.05);

      /* the engine alone, on this thread, for comparison */
      StvaPredictDialogueOptions one = {
        .project = project, .model_path = path,
        .dialogue_id = stva_dialogue_item_get_id (stva_session_get_dialogue (session)),
      };
      one.absent[STVA_MOD_A] = TRUE;
      g_source_remove (beat);
      t0 = g_get_monotonic_time ();
      g_autoptr (StvaPredictDialogueResult) r = stva_engine_predict_dialogue (NULL, &one, NULL);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      if (r != NULL)
        g_array_append_val (engine, ms);
      last_beat_us = 0;
      beat = g_timeout_add (5, heartbeat, NULL);
    }
  g_source_remove (beat);
  report ("selection to drawn (stored predictions)", stored);
  report ("what-if toggle to drawn (live core run)", live);
  report ("  engine's one-dialogue predict alone", engine);
  double load[3] = { NAN, NAN, NAN };
  if (getloadavg (load, 3) < 0)
    load[0] = NAN;
  g_print ("largest main-loop gap: %.1f ms (load average %.2f on %u cores)\n",
           max_gap_us / 1000.0, load[0], g_get_num_processors ());
  gtk_window_destroy (window);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp);
  return 0;
}
