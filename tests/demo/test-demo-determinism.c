/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo generator is deterministic for a seed whatever the thread count, refuses to write
 * into a folder that is not a demo corpus, replaces an earlier corpus, and leaves no manifest
 * (the mark of a complete corpus) when cancelled.
 */
#include <string.h>
#include <glib.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "stva-core.h"
#include "stva-demo.h"

static char *tmp;

/* g_ptr_array_sort () hands the comparator pointers to the elements */
static gint
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
list_files (const char *root)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *stack = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (stack, g_strdup (""));
  while (stack->len > 0)
    {
      char *rel = g_ptr_array_steal_index (stack, stack->len - 1);
      g_autofree char *abs = g_build_filename (root, rel, NULL);
      GDir *dir = g_dir_open (abs, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          char *child = *rel ? g_build_filename (rel, name, NULL) : g_strdup (name);
          g_autofree char *child_abs = g_build_filename (root, child, NULL);
          if (g_file_test (child_abs, G_FILE_TEST_IS_DIR))
            g_ptr_array_add (stack, child);
          else
            g_ptr_array_add (files, child);
        }
      if (dir != NULL)
        g_dir_close (dir);
      g_free (rel);
    }
  g_ptr_array_unref (stack);
  g_ptr_array_sort (files, compare_paths);
  return files;
}

/* Each corpus is made in a child process, as `synctva make-demo` makes it: espeak-ng keeps state
 * between calls within a process (see stva-demo-voice.h), so the promise is "one seed, one
 * corpus, whatever the number of threads" for a fresh process. */
static void
generate (const char *dir,
          uint64_t    seed,
          int         jobs)
{
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      StvaDemoOptions opts;
      stva_demo_options_init (&opts);
      opts.seed = seed;
      opts.n_dialogues = 4;
      opts.jobs = jobs;
      StvaError error = { 0 };
      if (stva_demo_generate (dir, &opts, NULL, &error) != STVA_OK)
        {
          fprintf (stderr, "%s\n", error.message);
          _exit (1);
        }
      _exit (0);
    }
  int wstatus = 0;
  g_assert_cmpint (waitpid (pid, &wstatus, 0), ==, pid);
  g_assert_true (WIFEXITED (wstatus));
  g_assert_cmpint (WEXITSTATUS (wstatus), ==, 0);
}

static void
test_same_seed (void)
{
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL);
  g_autofree char *c = g_build_filename (tmp, "c", NULL);
  generate (a, 5, 1);
  generate (b, 5, 2);
  generate (c, 6, 2);
  g_autoptr (GPtrArray) fa = list_files (a);
  g_autoptr (GPtrArray) fb = list_files (b);
  g_assert_cmpuint (fa->len, ==, fb->len);
  g_assert_cmpuint (fa->len, >, 10);
  for (guint i = 0; i < fa->len; i++)
    {
      const char *rel = g_ptr_array_index (fa, i);
      g_assert_cmpstr (rel, ==, g_ptr_array_index (fb, i));
      g_autofree char *pa = g_build_filename (a, rel, NULL);
      g_autofree char *pb = g_build_filename (b, rel, NULL);
      g_autofree char *da = NULL, *db = NULL;
      gsize na, nb;
      g_assert_true (g_file_get_contents (pa, &da, &na, NULL));
      g_assert_true (g_file_get_contents (pb, &db, &nb, NULL));
      if (na != nb || memcmp (da, db, na) != 0)
        g_error ("%s differs between a run on 1 thread and one on 2 threads", rel);
    }
  /* another seed, another corpus */
  g_autofree char *ca = g_build_filename (a, "train_sent_emo.csv", NULL);
  g_autofree char *cc = g_build_filename (c, "train_sent_emo.csv", NULL);
  g_autofree char *da = NULL, *dc = NULL;
  g_assert_true (g_file_get_contents (ca, &da, NULL, NULL));
  g_assert_true (g_file_get_contents (cc, &dc, NULL, NULL));
  g_assert_cmpstr (da, !=, dc);
}

static void
test_refuses_foreign_folder (void)
{
  g_autofree char *dir = g_build_filename (tmp, "foreign", NULL);
  g_autofree char *keep = g_build_filename (dir, "thesis.tex", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (keep, "precious", -1, NULL));
  StvaDemoOptions opts;
  stva_demo_options_init (&opts);
  opts.n_dialogues = 3;
  StvaError error = { 0 };
  g_assert_cmpint (stva_demo_generate (dir, &opts, NULL, &error), ==, STVA_ERR_INVALID);
  g_assert_nonnull (strstr (error.message, dir));
  g_assert_nonnull (strstr (error.message, "not empty"));
  g_autofree char *content = NULL;
  g_assert_true (g_file_get_contents (keep, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "precious");
}

static bool
cancel_after_one (int   done,
                  int   total,
                  void *data)
{
  return done < 1;
}

static void
test_cancel_and_replace (void)
{
  g_autofree char *dir = g_build_filename (tmp, "replace", NULL);
  g_autofree char *manifest = g_build_filename (dir, ".manifest.tsv", NULL);
  generate (dir, 9, 2);
  g_assert_true (g_file_test (manifest, G_FILE_TEST_EXISTS));

  StvaDemoOptions opts;
  stva_demo_options_init (&opts);
  opts.n_dialogues = 6;
  opts.jobs = 1;
  opts.progress = cancel_after_one;
  StvaError error = { 0 };
  g_assert_cmpint (stva_demo_generate (dir, &opts, NULL, &error), ==, STVA_ERR_CANCELLED);
  g_assert_false (g_file_test (manifest, G_FILE_TEST_EXISTS));

  /* an interrupted corpus is still ours: the next run replaces it */
  opts.progress = NULL;
  g_assert_cmpint (stva_demo_generate (dir, &opts, NULL, &error), ==, STVA_OK);
  g_assert_true (g_file_test (manifest, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  stva_media_log_errors_only ();
  tmp = g_dir_make_tmp ("stva-demo-det-XXXXXX", NULL);
  g_test_add_func ("/demo/determinism/same-seed", test_same_seed);
  g_test_add_func ("/demo/determinism/foreign-folder", test_refuses_foreign_folder);
  g_test_add_func ("/demo/determinism/cancel-and-replace", test_cancel_and_replace);
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp);
  g_free (tmp);
  return rc;
}
