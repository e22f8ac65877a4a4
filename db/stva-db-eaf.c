/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ELAN EAF 3.0 (formats.md): a dialogue as a tier per speaker holding the transcripts, a gold
 * tier and a current-label tier, and a prediction tier with its confidence in a Symbolic
 * Association child tier, the labels tied to a controlled vocabulary.  Elements follow the
 * schema's order (HEADER, TIME_ORDER, TIER*, LINGUISTIC_TYPE*, LANGUAGE*, CONSTRAINT*,
 * CONTROLLED_VOCABULARY*).  The reader takes the utterances from the speaker tiers (every
 * time-alignable tier whose type has no vocabulary) and the labels from one tier chosen by
 * name.  libxml2 does the XML; the reader never loads external entities or DTDs.
 */
#include "config.h"

#include <limits.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "stva-db-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

#define EAF_GOLD_TIER "Emotion-gold"
#define EAF_CURRENT_TIER "Emotion-current"
#define EAF_PRED_TIER "Emotion-pred"
#define EAF_CONF_TIER "Emotion-pred-confidence"

/* ---- writing ------------------------------------------------------------------------------ */

static xmlNodePtr
child (xmlNodePtr  parent,
       const char *name)
{
  return xmlNewChild (parent, NULL, BAD_CAST name, NULL);
}

static void
prop (xmlNodePtr  node,
      const char *name,
      const char *value)
{
  xmlNewProp (node, BAD_CAST name, BAD_CAST value);
}

static void
prop_int (xmlNodePtr  node,
          const char *name,
          gint64      value)
{
  char buf[32];
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  prop (node, name, buf);
}

typedef struct
{
  xmlNodePtr tier;
  char      *name;   /* owned */
} Tier;

static xmlNodePtr
alignable (xmlNodePtr  tier,
           guint      *next_id,
           guint       ts1,
           guint       ts2,
           const char *value)
{
  xmlNodePtr a = child (child (tier, "ANNOTATION"), "ALIGNABLE_ANNOTATION");
  char buf[32];
  g_snprintf (buf, sizeof buf, "a%u", (*next_id)++);
  prop (a, "ANNOTATION_ID", buf);
  g_snprintf (buf, sizeof buf, "ts%u", ts1);
  prop (a, "TIME_SLOT_REF1", buf);
  g_snprintf (buf, sizeof buf, "ts%u", ts2);
  prop (a, "TIME_SLOT_REF2", buf);
  xmlNewTextChild (a, NULL, BAD_CAST "ANNOTATION_VALUE", BAD_CAST (value ? value : ""));
  return a;
}

gboolean
stva_db_export_eaf (StvaDb      *db,
                    gint64       dialogue_id,
                    gint64       label_set_id,
                    gint64       model_id,
                    const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  g_autoptr (StvaDbLabelSet) set = NULL;
  g_autoptr (GPtrArray) utts = _stva_db_export_utterances (db, dialogue_id, label_set_id,
                                                           model_id, &set, error);
  if (utts == NULL)
    return FALSE;
  g_autofree char *media = NULL;
  {
    g_autoptr (sqlite3_stmt) stmt = _stva_db_prepare (
      db, "SELECT m.path FROM dialogue d JOIN media m ON m.id = d.media_id WHERE d.id = :id",
      error);
    if (stmt == NULL)
      return FALSE;
    _stva_bind_int64 (stmt, ":id", dialogue_id);
    if (_stva_db_step (db, stmt, error) == 1)
      media = _stva_column_dup (stmt, 0);
  }

  g_autoptr (xmlDoc) doc = xmlNewDoc (BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode (NULL, BAD_CAST "ANNOTATION_DOCUMENT");
  xmlDocSetRootElement (doc, root);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S+00:00");
  prop (root, "AUTHOR", "synctva");
  prop (root, "DATE", date);
  prop (root, "FORMAT", "3.0");
  prop (root, "VERSION", "3.0");
  xmlNsPtr xsi = xmlNewNs (root, BAD_CAST "http://www.w3.org/2001/XMLSchema-instance",
                           BAD_CAST "xsi");
  xmlNewNsProp (root, xsi, BAD_CAST "noNamespaceSchemaLocation",
                BAD_CAST "http://www.mpi.nl/tools/elan/EAFv3.0.xsd");

  xmlNodePtr header = child (root, "HEADER");
  prop (header, "MEDIA_FILE", "");
  prop (header, "TIME_UNITS", "milliseconds");
  if (media != NULL)
    {
      xmlNodePtr md = child (header, "MEDIA_DESCRIPTOR");
      g_autofree char *uri = g_filename_to_uri (media, NULL, NULL);
      g_autofree char *base = g_path_get_basename (media);
      g_autofree char *rel = g_strconcat ("./", base, NULL);
      prop (md, "MEDIA_URL", uri ? uri : media);
      prop (md, "MIME_TYPE", g_str_has_suffix (media, ".wav") ? "audio/x-wav" : "video/mp4");
      prop (md, "RELATIVE_MEDIA_URL", rel);
    }
  xmlNodePtr last_id = xmlNewTextChild (header, NULL, BAD_CAST "PROPERTY", BAD_CAST "0");
  prop (last_id, "NAME", "lastUsedAnnotationId");

  xmlNodePtr order = child (root, "TIME_ORDER");
  for (guint i = 0; i < utts->len; i++)
    {
      const StvaDbUtterance *u = g_ptr_array_index (utts, i);
      for (int k = 0; k < 2; k++)
        {
          xmlNodePtr ts = child (order, "TIME_SLOT");
          char buf[32];
          g_snprintf (buf, sizeof buf, "ts%u", 2 * i + 1 + (guint) k);
          prop (ts, "TIME_SLOT_ID", buf);
          prop_int (ts, "TIME_VALUE", MAX (k ? MAX (u->end_ms, u->start_ms) : u->start_ms, 0));
        }
    }

  /* speaker tiers in order of first appearance */
  g_autoptr (GArray) tiers = g_array_new (FALSE, TRUE, sizeof (Tier));
  guint next_id = 1;
  for (guint i = 0; i < utts->len; i++)
    {
      const StvaDbUtterance *u = g_ptr_array_index (utts, i);
      const char *speaker = *u->speaker ? u->speaker : "Speaker";
      Tier *t = NULL;
      for (guint k = 0; k < tiers->len && t == NULL; k++)
        if (strcmp (g_array_index (tiers, Tier, k).name, speaker) == 0)
          t = &g_array_index (tiers, Tier, k);
      if (t == NULL)
        {
          Tier nt = { child (root, "TIER"), g_strdup (speaker) };
          prop (nt.tier, "TIER_ID", speaker);
          prop (nt.tier, "LINGUISTIC_TYPE_REF", "utterance");
          prop (nt.tier, "PARTICIPANT", speaker);
          g_array_append_val (tiers, nt);
          t = &g_array_index (tiers, Tier, tiers->len - 1);
        }
      alignable (t->tier, &next_id, 2 * i + 1, 2 * i + 2, u->transcript);
    }
  for (guint k = 0; k < tiers->len; k++)
    g_free (g_array_index (tiers, Tier, k).name);

  static const char *const label_tiers[2] = { EAF_GOLD_TIER, EAF_CURRENT_TIER };
  for (int k = 0; k < 2; k++)
    {
      xmlNodePtr tier = child (root, "TIER");
      prop (tier, "TIER_ID", label_tiers[k]);
      prop (tier, "LINGUISTIC_TYPE_REF", "emotion");
      for (guint i = 0; i < utts->len; i++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (utts, i);
          const StvaDbLabel *l = stva_db_label_set_by_label (set, k ? u->current_label_id
                                                                    : u->gold_label_id);
          if (l != NULL)
            alignable (tier, &next_id, 2 * i + 1, 2 * i + 2, l->name);
        }
    }
  gboolean any_pred = FALSE;
  for (guint i = 0; i < utts->len; i++)
    any_pred |= ((StvaDbUtterance *) g_ptr_array_index (utts, i))->predicted_label_id != 0;
  if (any_pred)
    {
      xmlNodePtr pred = child (root, "TIER"), conf = child (root, "TIER");
      prop (pred, "TIER_ID", EAF_PRED_TIER);
      prop (pred, "LINGUISTIC_TYPE_REF", "emotion");
      prop (conf, "TIER_ID", EAF_CONF_TIER);
      prop (conf, "LINGUISTIC_TYPE_REF", "confidence");
      prop (conf, "PARENT_REF", EAF_PRED_TIER);
      for (guint i = 0; i < utts->len; i++)
        {
          const StvaDbUtterance *u = g_ptr_array_index (utts, i);
          const StvaDbLabel *l = stva_db_label_set_by_label (set, u->predicted_label_id);
          if (l == NULL)
            continue;
          xmlNodePtr a = alignable (pred, &next_id, 2 * i + 1, 2 * i + 2, l->name);
          xmlChar *parent_id = xmlGetProp (a, BAD_CAST "ANNOTATION_ID");
          xmlNodePtr r = child (child (conf, "ANNOTATION"), "REF_ANNOTATION");
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_snprintf (buf, sizeof buf, "a%u", next_id++);
          prop (r, "ANNOTATION_ID", buf);
          prop (r, "ANNOTATION_REF", (const char *) parent_id);
          xmlFree (parent_id);
          g_ascii_formatd (buf, sizeof buf, "%.4f", u->confidence);
          xmlNewTextChild (r, NULL, BAD_CAST "ANNOTATION_VALUE", BAD_CAST buf);
        }
    }
  char buf[32];
  g_snprintf (buf, sizeof buf, "%u", next_id - 1);
  xmlNodeSetContent (last_id, BAD_CAST buf);

  xmlNodePtr lt = child (root, "LINGUISTIC_TYPE");
  prop (lt, "LINGUISTIC_TYPE_ID", "utterance");
  prop (lt, "TIME_ALIGNABLE", "true");
  prop (lt, "GRAPHIC_REFERENCES", "false");
  lt = child (root, "LINGUISTIC_TYPE");
  prop (lt, "LINGUISTIC_TYPE_ID", "emotion");
  prop (lt, "TIME_ALIGNABLE", "true");
  prop (lt, "GRAPHIC_REFERENCES", "false");
  prop (lt, "CONTROLLED_VOCABULARY_REF", set->name);
  lt = child (root, "LINGUISTIC_TYPE");
  prop (lt, "LINGUISTIC_TYPE_ID", "confidence");
  prop (lt, "TIME_ALIGNABLE", "false");
  prop (lt, "GRAPHIC_REFERENCES", "false");
  prop (lt, "CONSTRAINTS", "Symbolic_Association");
  xmlNodePtr lang = child (root, "LANGUAGE");
  prop (lang, "LANG_ID", "und");
  prop (lang, "LANG_DEF", "http://cdb.iso.org/lg/CDB-00130975-001");
  prop (lang, "LANG_LABEL", "undetermined (und)");
  static const char *const constraints[4][2] = {
    { "Time_Subdivision", "Time subdivision of parent annotation's time interval, no time "
                          "gaps allowed within this interval" },
    { "Symbolic_Subdivision", "Symbolic subdivision of a parent annotation. Annotations "
                              "refering to the same parent are ordered" },
    { "Symbolic_Association", "1-1 association with a parent annotation" },
    { "Included_In", "Time alignable annotations within the parent annotation's time "
                     "interval, gaps are allowed" },
  };
  for (int k = 0; k < 4; k++)
    {
      xmlNodePtr c = child (root, "CONSTRAINT");
      prop (c, "STEREOTYPE", constraints[k][0]);
      prop (c, "DESCRIPTION", constraints[k][1]);
    }
  xmlNodePtr cv = child (root, "CONTROLLED_VOCABULARY");
  prop (cv, "CV_ID", set->name);
  xmlNodePtr desc = xmlNewTextChild (cv, NULL, BAD_CAST "DESCRIPTION", BAD_CAST set->description);
  prop (desc, "LANG_REF", "und");
  for (guint k = 0; k < set->labels->len; k++)
    {
      const StvaDbLabel *l = g_ptr_array_index (set->labels, k);
      xmlNodePtr e = child (cv, "CV_ENTRY_ML");
      g_snprintf (buf, sizeof buf, "cveid%u", k);
      prop (e, "CVE_ID", buf);
      xmlNodePtr v = xmlNewTextChild (e, NULL, BAD_CAST "CVE_VALUE", BAD_CAST l->name);
      prop (v, "LANG_REF", "und");
    }

  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  if (xmlSaveFormatFileEnc (tmp, doc, "UTF-8", 1) < 0 || g_rename (tmp, path) != 0)
    {
      g_unlink (tmp);
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_IO, "%s: could not write the EAF file",
                   path);
      return FALSE;
    }
  return TRUE;
}

/* ---- reading ------------------------------------------------------------------------------ */

static gboolean
is (xmlNodePtr  node,
    const char *name)
{
  return node->type == XML_ELEMENT_NODE && xmlStrcmp (node->name, BAD_CAST name) == 0;
}

static char *
get (xmlNodePtr  node,
     const char *name)
{
  xmlChar *v = xmlGetProp (node, BAD_CAST name);
  char *s = v ? g_strdup ((const char *) v) : NULL;
  xmlFree (v);
  return s;
}

static char *
value_of (xmlNodePtr annotation)
{
  for (xmlNodePtr c = annotation->children; c; c = c->next)
    if (is (c, "ANNOTATION_VALUE"))
      {
        xmlChar *v = xmlNodeGetContent (c);
        char *s = g_strdup (v ? (const char *) v : "");
        xmlFree (v);
        return s;
      }
  return g_strdup ("");
}

typedef struct
{
  gint64  start_ms;
  gint64  end_ms;
  char   *speaker;   /* owned */
  char   *text;      /* owned */
  char   *label;     /* owned, nullable */
  guint   line;
} EafUtt;

static void
eaf_utt_clear (gpointer data)
{
  EafUtt *u = data;
  g_free (u->speaker);
  g_free (u->text);
  g_free (u->label);
}

static int
compare_eaf (gconstpointer a,
             gconstpointer b)
{
  const EafUtt *x = a, *y = b;
  if (x->start_ms != y->start_ms)
    return x->start_ms < y->start_ms ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

static gboolean
eaf_fail (GError     **error,
          const char  *path,
          xmlNodePtr   node,
          const char  *format,
          ...) G_GNUC_PRINTF (4, 5);

static gboolean
eaf_fail (GError     **error,
          const char  *path,
          xmlNodePtr   node,
          const char  *format,
          ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *what = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:%ld: %s", path,
               node ? xmlGetLineNo (node) : 0L, what);
  return FALSE;
}

/* Reads the EAF at path into utterances (sorted by time), the label set named by the label
 * tier's vocabulary and the media path. */
static gboolean
read_eaf (const char  *path,
          const char  *label_tier,
          GArray      *utts,
          char       **cv_name,
          char       **media,
          GError     **error)
{
  /* read by GLib first: its errors name what went wrong with the file (missing, a directory,
   * unreadable), where libxml2's reader printed "I/O error" on stderr and reported an empty
   * document */
  g_autofree char *data = NULL;
  gsize size = 0;
  if (!stva_db_read_file (path, &data, &size, error))
    return FALSE;
  if (size == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s: empty file", path);
      return FALSE;
    }
  if (size > INT_MAX)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s: too large for an EAF file",
                   path);
      return FALSE;
    }
  g_autoptr (xmlDoc) doc = xmlReadMemory (data, (int) size, path, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR
                                          | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      const xmlError *e = xmlGetLastError ();
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:%d: not well-formed XML: %s",
                   path, e ? e->line : 0, e && e->message ? g_strchomp (e->message) : "?");
      return FALSE;
    }
  xmlNodePtr root = xmlDocGetRootElement (doc);
  if (root == NULL || !is (root, "ANNOTATION_DOCUMENT"))
    return eaf_fail (error, path, root, "not an ELAN file (no ANNOTATION_DOCUMENT)");
  g_autoptr (GHashTable) slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) type_cv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_free);
  g_autoptr (GHashTable) type_alignable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                 NULL);
  /* first pass: header, time slots, linguistic types */
  for (xmlNodePtr n = root->children; n; n = n->next)
    {
      if (is (n, "HEADER"))
        {
          for (xmlNodePtr m = n->children; m; m = m->next)
            if (is (m, "MEDIA_DESCRIPTOR") && *media == NULL)
              {
                g_autofree char *url = get (m, "MEDIA_URL");
                if (url != NULL)
                  {
                    *media = g_filename_from_uri (url, NULL, NULL);
                    if (*media == NULL && g_path_is_absolute (url))
                      *media = g_strdup (url);
                  }
              }
          g_autofree char *units = get (n, "TIME_UNITS");
          if (units != NULL && strcmp (units, "milliseconds") != 0)
            return eaf_fail (error, path, n, "TIME_UNITS '%s'; this reader takes milliseconds",
                             units);
        }
      else if (is (n, "TIME_ORDER"))
        for (xmlNodePtr ts = n->children; ts; ts = ts->next)
          {
            if (!is (ts, "TIME_SLOT"))
              continue;
            g_autofree char *id = get (ts, "TIME_SLOT_ID");
            g_autofree char *value = get (ts, "TIME_VALUE");
            if (id == NULL)
              return eaf_fail (error, path, ts, "TIME_SLOT without TIME_SLOT_ID");
            if (value == NULL)
              continue;   /* unaligned slot */
            char *end = NULL;
            gint64 v = g_ascii_strtoll (value, &end, 10);
            if (end == value || *end != '\0' || v < 0)
              return eaf_fail (error, path, ts, "TIME_VALUE '%s' is not a time in ms", value);
            g_hash_table_insert (slots, g_steal_pointer (&id), g_memdup2 (&v, sizeof v));
          }
      else if (is (n, "LINGUISTIC_TYPE"))
        {
          char *id = get (n, "LINGUISTIC_TYPE_ID");
          if (id == NULL)
            return eaf_fail (error, path, n, "LINGUISTIC_TYPE without LINGUISTIC_TYPE_ID");
          g_autofree char *al = get (n, "TIME_ALIGNABLE");
          g_hash_table_insert (type_alignable, g_strdup (id),
                               GINT_TO_POINTER (al == NULL || strcmp (al, "true") == 0));
          g_hash_table_insert (type_cv, id, get (n, "CONTROLLED_VOCABULARY_REF"));
        }
    }
  /* second pass: tiers */
  g_autoptr (GHashTable) labels = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         g_free);
  gboolean found_label_tier = FALSE;
  for (xmlNodePtr n = root->children; n; n = n->next)
    {
      if (!is (n, "TIER"))
        continue;
      g_autofree char *id = get (n, "TIER_ID");
      g_autofree char *type = get (n, "LINGUISTIC_TYPE_REF");
      g_autofree char *parent = get (n, "PARENT_REF");
      if (id == NULL || type == NULL)
        return eaf_fail (error, path, n, "TIER without TIER_ID or LINGUISTIC_TYPE_REF");
      if (!g_hash_table_contains (type_alignable, type))
        return eaf_fail (error, path, n, "tier '%s' has the undefined type '%s'", id, type);
      gboolean is_label = label_tier != NULL && strcmp (id, label_tier) == 0;
      const char *cv = g_hash_table_lookup (type_cv, type);
      gboolean speaker_tier = !is_label && parent == NULL && cv == NULL
                              && GPOINTER_TO_INT (g_hash_table_lookup (type_alignable, type));
      if (!is_label && !speaker_tier)
        continue;
      if (is_label)
        {
          found_label_tier = TRUE;
          g_free (*cv_name);
          *cv_name = g_strdup (cv);
        }
      g_autofree char *participant = get (n, "PARTICIPANT");
      const char *speaker = participant && *participant ? participant : id;
      for (xmlNodePtr a = n->children; a; a = a->next)
        {
          if (!is (a, "ANNOTATION"))
            continue;
          for (xmlNodePtr al = a->children; al; al = al->next)
            {
              if (!is (al, "ALIGNABLE_ANNOTATION"))
                continue;
              g_autofree char *r1 = get (al, "TIME_SLOT_REF1");
              g_autofree char *r2 = get (al, "TIME_SLOT_REF2");
              gint64 *t1 = r1 ? g_hash_table_lookup (slots, r1) : NULL;
              gint64 *t2 = r2 ? g_hash_table_lookup (slots, r2) : NULL;
              if (t1 == NULL || t2 == NULL)
                return eaf_fail (error, path, al, "annotation in tier '%s' refers to a time "
                                 "slot that is missing or unaligned", id);
              if (*t2 < *t1)
                return eaf_fail (error, path, al, "annotation in tier '%s' ends before it "
                                 "starts", id);
              if (is_label)
                {
                  gint64 key = (*t1 << 24) ^ *t2;
                  g_hash_table_insert (labels, g_memdup2 (&key, sizeof key), value_of (al));
                }
              else
                {
                  EafUtt u = { *t1, *t2, g_strdup (speaker), value_of (al), NULL,
                               (guint) xmlGetLineNo (al) };
                  g_array_append_val (utts, u);
                }
            }
        }
    }
  if (label_tier != NULL && !found_label_tier)
    return eaf_fail (error, path, root, "no tier called '%s'", label_tier);
  if (utts->len == 0)
    return eaf_fail (error, path, root, "no speaker tier with annotations");
  g_array_sort (utts, compare_eaf);
  for (guint i = 0; i < utts->len; i++)
    {
      EafUtt *u = &g_array_index (utts, EafUtt, i);
      gint64 key = (u->start_ms << 24) ^ u->end_ms;
      const char *l = g_hash_table_lookup (labels, &key);
      u->label = l && *l ? g_strdup (l) : NULL;
    }
  return TRUE;
}

gboolean
stva_db_import_eaf (StvaDb              *db,
                    const char          *path,
                    const char          *label_tier,
                    const char          *split,
                    StvaDbImportReport  *report_out,
                    GError             **error)
{
  g_return_val_if_fail (db != NULL && path != NULL, FALSE);
  if (split == NULL)
    split = "none";
  if (label_tier == NULL)
    label_tier = EAF_GOLD_TIER;
  g_autoptr (GArray) utts = g_array_new (FALSE, TRUE, sizeof (EafUtt));
  g_array_set_clear_func (utts, eaf_utt_clear);
  g_autofree char *cv = NULL, *media = NULL;
  if (!read_eaf (path, *label_tier ? label_tier : NULL, utts, &cv, &media, error))
    return FALSE;
  g_autoptr (StvaDbLabelSet) set = NULL;
  if (cv != NULL || *label_tier)
    {
      set = stva_db_label_set (db, cv ? cv : STVA_DB_MELD_SET, error);
      if (set == NULL)
        return FALSE;
    }
  for (guint i = 0; set && i < utts->len; i++)
    {
      const EafUtt *u = &g_array_index (utts, EafUtt, i);
      if (u->label && stva_db_label_set_find (set, u->label) == NULL)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: label '%s' is not in the label set '%s'", path, u->line, u->label,
                       set->name);
          return FALSE;
        }
    }

  g_autofree char *name = g_path_get_basename (path);
  char *dot = strrchr (name, '.');
  if (dot != NULL && dot != name)
    *dot = '\0';
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree StvaDbSegment *segments = g_new0 (StvaDbSegment, MAX (utts->len, 1));
  for (guint i = 0; i < utts->len; i++)
    {
      const EafUtt *e = &g_array_index (utts, EafUtt, i);
      const StvaDbLabel *label = set && e->label ? stva_db_label_set_find (set, e->label) : NULL;
      segments[i] = (StvaDbSegment) { .start_ms = e->start_ms, .end_ms = e->end_ms,
                                      .speaker = e->speaker, .text = e->text,
                                      .label_id = label ? label->id : 0 };
    }
  StvaDbDialogueImport what = {
    .kind = "eaf", .corpus = "eaf", .source = abs, .source_name = path, .split = split,
    .name = name, .media = media, .media_word = "media", .label_set_id = set ? set->id : 0,
  };
  return _stva_db_import_dialogue (db, &what, segments, utts->len, report_out, error);
}
