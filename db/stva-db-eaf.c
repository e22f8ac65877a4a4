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

/* ---- reading another lab's layout ----------------------------------------------------------
 *
 * The whole document is read into tiers of annotations first (the listing stops there), then
 * times are resolved: aligned slots as they are, unaligned ones along their tier's chain of
 * annotations, reference annotations from their parents, tier by tier down from the top. */

typedef struct
{
  char   *id;          /* ANNOTATION_ID */
  char   *ref;         /* REF_ANNOTATION's ANNOTATION_REF; NULL: an ALIGNABLE_ANNOTATION */
  char   *ts1, *ts2;   /* ALIGNABLE_ANNOTATION's slots */
  char   *value;
  char   *cve_ref;     /* nullable: the CV entry it names */
  gint64  start_ms;    /* -1 until resolved */
  gint64  end_ms;
  guint   line;
} EafAnn;

typedef struct
{
  StvaDbEafTier  info;
  char          *lang;   /* nullable: LANG_REF */
  GArray        *anns;   /* of EafAnn */
  gboolean       resolved;
  guint          line;
} EafTier;

typedef struct
{
  char      *id;
  GPtrArray *langs;    /* of owned strings, nullable entries */
  GPtrArray *values;   /* of owned strings */
} EafCvEntry;

typedef struct
{
  char      *id;
  char      *ext_ref;   /* nullable: an EXTERNAL_REF id */
  GPtrArray *entries;   /* of EafCvEntry* */
} EafCv;

typedef struct
{
  gboolean            alignable;
  StvaDbEafConstraint constraint;
  char               *cv;   /* nullable */
} EafType;

typedef struct
{
  const char *path;
  char       *media;          /* nullable: MEDIA_URL as a file name */
  char       *relative_media; /* nullable: RELATIVE_MEDIA_URL resolved beside the file */
  GPtrArray  *slot_ids;       /* of owned strings, TIME_ORDER's order */
  GArray     *slot_ms;        /* of gint64, -1: unaligned */
  GHashTable *slots;          /* id (borrowed) -> index + 1 */
  GHashTable *types;          /* id (owned) -> EafType* (owned) */
  GHashTable *cvs;            /* id (owned) -> EafCv* (owned) */
  GHashTable *ext_refs;       /* id (owned) -> value (owned) */
  GPtrArray  *tiers;          /* of EafTier* */
} EafDoc;

static void
eaf_ann_clear (gpointer data)
{
  EafAnn *a = data;
  g_free (a->id);
  g_free (a->ref);
  g_free (a->ts1);
  g_free (a->ts2);
  g_free (a->value);
  g_free (a->cve_ref);
}

static void
tier_info_clear (StvaDbEafTier *t)
{
  g_free (t->id);
  g_free (t->participant);
  g_free (t->type);
  g_free (t->parent);
  g_free (t->cv);
  g_free (t->cv_url);
  g_clear_pointer (&t->cv_values, g_ptr_array_unref);
}

void
stva_db_eaf_tier_free (StvaDbEafTier *tier)
{
  if (tier == NULL)
    return;
  tier_info_clear (tier);
  g_free (tier);
}

static void
eaf_tier_free (gpointer data)
{
  EafTier *t = data;
  tier_info_clear (&t->info);
  g_free (t->lang);
  g_array_unref (t->anns);
  g_free (t);
}

static void
eaf_cv_entry_free (gpointer data)
{
  EafCvEntry *e = data;
  g_free (e->id);
  g_ptr_array_unref (e->langs);
  g_ptr_array_unref (e->values);
  g_free (e);
}

static void
eaf_cv_free (gpointer data)
{
  EafCv *cv = data;
  g_free (cv->id);
  g_free (cv->ext_ref);
  g_ptr_array_unref (cv->entries);
  g_free (cv);
}

static void
eaf_type_free (gpointer data)
{
  EafType *t = data;
  g_free (t->cv);
  g_free (t);
}

static void
eaf_doc_free (EafDoc *d)
{
  if (d == NULL)
    return;
  g_free (d->media);
  g_free (d->relative_media);
  g_ptr_array_unref (d->slot_ids);
  g_array_unref (d->slot_ms);
  g_hash_table_unref (d->slots);
  g_hash_table_unref (d->types);
  g_hash_table_unref (d->cvs);
  g_hash_table_unref (d->ext_refs);
  g_ptr_array_unref (d->tiers);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EafDoc, eaf_doc_free)

const char *
stva_db_eaf_constraint_name (StvaDbEafConstraint constraint)
{
  static const char *const names[] = {
    [STVA_DB_EAF_TOP_LEVEL] = "none",
    [STVA_DB_EAF_TIME_SUBDIVISION] = "Time_Subdivision",
    [STVA_DB_EAF_SYMBOLIC_SUBDIVISION] = "Symbolic_Subdivision",
    [STVA_DB_EAF_SYMBOLIC_ASSOCIATION] = "Symbolic_Association",
    [STVA_DB_EAF_INCLUDED_IN] = "Included_In",
  };
  return (guint) constraint < G_N_ELEMENTS (names) ? names[constraint] : "?";
}

static EafTier *
doc_tier (EafDoc     *d,
          const char *id)
{
  for (guint i = 0; i < d->tiers->len; i++)
    {
      EafTier *t = g_ptr_array_index (d->tiers, i);
      if (strcmp (t->info.id, id) == 0)
        return t;
    }
  return NULL;
}

/* "FILE: no tier 'X'; its tiers are: A, B, C" */
static gboolean
no_tier (EafDoc      *d,
         const char  *id,
         GError     **error)
{
  g_autoptr (GString) list = g_string_new (NULL);
  for (guint i = 0; i < d->tiers->len; i++)
    g_string_append_printf (list, "%s%s", i ? ", " : "",
                            ((EafTier *) g_ptr_array_index (d->tiers, i))->info.id);
  g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND, "%s: no tier '%s'; its tiers are: %s",
               d->path, id, d->tiers->len ? list->str : "(none)");
  return FALSE;
}

/* The entry's value in lang (NULL or not there: its first). */
static const char *
cv_entry_value (const EafCvEntry *e,
                const char       *lang)
{
  if (e->values->len == 0)
    return NULL;
  for (guint i = 0; lang != NULL && i < e->values->len; i++)
    {
      const char *l = g_ptr_array_index (e->langs, i);
      if (l != NULL && strcmp (l, lang) == 0)
        return g_ptr_array_index (e->values, i);
    }
  return g_ptr_array_index (e->values, 0);
}

static EafCv *
read_cv (xmlNodePtr n)
{
  EafCv *cv = g_new0 (EafCv, 1);
  cv->id = get (n, "CV_ID");
  cv->ext_ref = get (n, "EXT_REF");
  cv->entries = g_ptr_array_new_with_free_func (eaf_cv_entry_free);
  for (xmlNodePtr e = n->children; e; e = e->next)
    {
      gboolean ml = is (e, "CV_ENTRY_ML");
      if (!ml && !is (e, "CV_ENTRY"))   /* CV_ENTRY: EAF 2.7 and before, the value as text */
        continue;
      EafCvEntry *entry = g_new0 (EafCvEntry, 1);
      entry->id = get (e, "CVE_ID");
      entry->langs = g_ptr_array_new_with_free_func (g_free);
      entry->values = g_ptr_array_new_with_free_func (g_free);
      for (xmlNodePtr v = ml ? e->children : e; v; v = ml ? v->next : NULL)
        {
          if (ml && !is (v, "CVE_VALUE"))
            continue;
          xmlChar *text = xmlNodeGetContent (v);
          g_ptr_array_add (entry->langs, ml ? get (v, "LANG_REF") : NULL);
          g_ptr_array_add (entry->values, g_strstrip (g_strdup (text ? (char *) text : "")));
          xmlFree (text);
        }
      g_ptr_array_add (cv->entries, entry);
    }
  return cv;
}

static gboolean
read_tier (EafDoc      *d,
           xmlNodePtr   n,
           GError     **error)
{
  EafTier *t = g_new0 (EafTier, 1);
  t->anns = g_array_new (FALSE, TRUE, sizeof (EafAnn));
  g_array_set_clear_func (t->anns, eaf_ann_clear);
  t->info.id = get (n, "TIER_ID");
  t->info.type = get (n, "LINGUISTIC_TYPE_REF");
  t->info.participant = get (n, "PARTICIPANT");
  t->info.parent = get (n, "PARENT_REF");
  t->info.cv_values = g_ptr_array_new_with_free_func (g_free);
  t->lang = get (n, "LANG_REF");
  t->line = (guint) xmlGetLineNo (n);
  g_ptr_array_add (d->tiers, t);
  if (t->info.id == NULL || t->info.type == NULL)
    return eaf_fail (error, d->path, n, "TIER without TIER_ID or LINGUISTIC_TYPE_REF");
  if (t->info.participant != NULL && *g_strstrip (t->info.participant) == '\0')
    g_clear_pointer (&t->info.participant, g_free);
  if (t->info.parent != NULL && *t->info.parent == '\0')
    g_clear_pointer (&t->info.parent, g_free);
  for (guint i = 0; i + 1 < d->tiers->len; i++)
    if (strcmp (((EafTier *) g_ptr_array_index (d->tiers, i))->info.id, t->info.id) == 0)
      return eaf_fail (error, d->path, n, "a second tier called '%s'", t->info.id);
  for (xmlNodePtr a = n->children; a; a = a->next)
    {
      if (!is (a, "ANNOTATION"))
        continue;
      for (xmlNodePtr x = a->children; x; x = x->next)
        {
          gboolean aligned = is (x, "ALIGNABLE_ANNOTATION");
          if (!aligned && !is (x, "REF_ANNOTATION"))
            continue;
          EafAnn ann = {
            .id = get (x, "ANNOTATION_ID"), .value = g_strstrip (value_of (x)),
            .cve_ref = get (x, "CVE_REF"), .start_ms = -1, .end_ms = -1,
            .line = (guint) xmlGetLineNo (x),
          };
          if (aligned)
            {
              ann.ts1 = get (x, "TIME_SLOT_REF1");
              ann.ts2 = get (x, "TIME_SLOT_REF2");
            }
          else
            ann.ref = get (x, "ANNOTATION_REF");
          g_array_append_val (t->anns, ann);
          if (ann.id == NULL)
            return eaf_fail (error, d->path, x, "annotation in tier '%s' without ANNOTATION_ID",
                             t->info.id);
          if (aligned ? ann.ts1 == NULL || ann.ts2 == NULL : ann.ref == NULL)
            return eaf_fail (error, d->path, x, "annotation '%s' in tier '%s' without its %s",
                             ann.id, t->info.id, aligned ? "time slots" : "ANNOTATION_REF");
          if (aligned && (!g_hash_table_contains (d->slots, ann.ts1)
                          || !g_hash_table_contains (d->slots, ann.ts2)))
            return eaf_fail (error, d->path, x, "annotation '%s' in tier '%s' refers to a time "
                             "slot that is not in the TIME_ORDER", ann.id, t->info.id);
        }
    }
  t->info.n_annotations = t->anns->len;
  return TRUE;
}

/* Reads the document: header, slots, tiers with their annotations, types, vocabularies. */
static EafDoc *
read_doc (const char  *path,
          GError     **error)
{
  g_autofree char *data = NULL;
  gsize size = 0;
  if (!stva_db_read_file (path, &data, &size, error))
    return NULL;
  if (size == 0 || size > INT_MAX)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s: %s", path,
                   size ? "too large for an EAF file" : "empty file");
      return NULL;
    }
  g_autoptr (xmlDoc) xml = xmlReadMemory (data, (int) size, path, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR
                                          | XML_PARSE_NOWARNING);
  if (xml == NULL)
    {
      const xmlError *e = xmlGetLastError ();
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:%d: not well-formed XML: %s",
                   path, e ? e->line : 0, e && e->message ? g_strchomp (e->message) : "?");
      return NULL;
    }
  xmlNodePtr root = xmlDocGetRootElement (xml);
  if (root == NULL || !is (root, "ANNOTATION_DOCUMENT"))
    {
      eaf_fail (error, path, root, "not an ELAN file (no ANNOTATION_DOCUMENT)");
      return NULL;
    }
  g_autoptr (EafDoc) d = g_new0 (EafDoc, 1);
  d->path = path;
  d->slot_ids = g_ptr_array_new_with_free_func (g_free);
  d->slot_ms = g_array_new (FALSE, FALSE, sizeof (gint64));
  d->slots = g_hash_table_new (g_str_hash, g_str_equal);
  d->types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, eaf_type_free);
  d->cvs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, eaf_cv_free);
  d->ext_refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  d->tiers = g_ptr_array_new_with_free_func (eaf_tier_free);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = g_path_get_dirname (abs);
  /* slots first: tiers refer to them */
  for (xmlNodePtr n = root->children; n; n = n->next)
    {
      if (is (n, "HEADER"))
        {
          g_autofree char *units = get (n, "TIME_UNITS");
          if (units != NULL && strcmp (units, "milliseconds") != 0)
            {
              eaf_fail (error, path, n, "TIME_UNITS '%s'; this reader takes milliseconds (the "
                        "only unit ELAN writes)", units);
              return NULL;
            }
          for (xmlNodePtr m = n->children; m; m = m->next)
            if (is (m, "MEDIA_DESCRIPTOR") && d->media == NULL && d->relative_media == NULL)
              {
                g_autofree char *url = get (m, "MEDIA_URL");
                g_autofree char *rel = get (m, "RELATIVE_MEDIA_URL");
                if (url != NULL)
                  {
                    d->media = g_filename_from_uri (url, NULL, NULL);
                    if (d->media == NULL && g_path_is_absolute (url))
                      d->media = g_strdup (url);
                  }
                if (rel != NULL && *rel != '\0')
                  {
                    const char *r = g_str_has_prefix (rel, "file:") ? rel + 5 : rel;
                    if (!g_path_is_absolute (r))
                      d->relative_media = g_canonicalize_filename (r, dir);
                  }
              }
        }
      else if (is (n, "TIME_ORDER"))
        for (xmlNodePtr ts = n->children; ts; ts = ts->next)
          {
            if (!is (ts, "TIME_SLOT"))
              continue;
            g_autofree char *id = get (ts, "TIME_SLOT_ID");
            g_autofree char *value = get (ts, "TIME_VALUE");
            if (id == NULL)
              {
                eaf_fail (error, path, ts, "TIME_SLOT without TIME_SLOT_ID");
                return NULL;
              }
            gint64 v = -1;
            if (value != NULL)
              {
                char *end = NULL;
                v = g_ascii_strtoll (value, &end, 10);
                if (end == value || *end != '\0' || v < 0 || v > G_MAXINT64 / 4)
                  {
                    eaf_fail (error, path, ts, "TIME_VALUE '%s' is not a time in ms", value);
                    return NULL;
                  }
              }
            if (g_hash_table_contains (d->slots, id))
              {
                eaf_fail (error, path, ts, "a second time slot '%s'", id);
                return NULL;
              }
            g_array_append_val (d->slot_ms, v);
            g_ptr_array_add (d->slot_ids, g_steal_pointer (&id));
            g_hash_table_insert (d->slots, g_ptr_array_index (d->slot_ids, d->slot_ids->len - 1),
                                 GUINT_TO_POINTER (d->slot_ids->len));
          }
      else if (is (n, "LINGUISTIC_TYPE"))
        {
          char *id = get (n, "LINGUISTIC_TYPE_ID");
          if (id == NULL)
            {
              eaf_fail (error, path, n, "LINGUISTIC_TYPE without LINGUISTIC_TYPE_ID");
              return NULL;
            }
          EafType *type = g_new0 (EafType, 1);
          g_autofree char *al = get (n, "TIME_ALIGNABLE");
          g_autofree char *c = get (n, "CONSTRAINTS");
          type->alignable = al == NULL || strcmp (al, "true") == 0;
          type->cv = get (n, "CONTROLLED_VOCABULARY_REF");
          for (int k = STVA_DB_EAF_TIME_SUBDIVISION; c != NULL && k <= STVA_DB_EAF_INCLUDED_IN;
               k++)
            if (strcmp (c, stva_db_eaf_constraint_name (k)) == 0)
              type->constraint = k;
          g_hash_table_insert (d->types, id, type);
        }
      else if (is (n, "CONTROLLED_VOCABULARY"))
        {
          EafCv *cv = read_cv (n);
          if (cv->id == NULL)
            {
              eaf_cv_free (cv);
              eaf_fail (error, path, n, "CONTROLLED_VOCABULARY without CV_ID");
              return NULL;
            }
          g_hash_table_replace (d->cvs, cv->id, cv);
        }
      else if (is (n, "EXTERNAL_REF"))
        {
          char *id = get (n, "EXT_REF_ID"), *value = get (n, "VALUE");
          if (id != NULL && value != NULL)
            g_hash_table_replace (d->ext_refs, id, value);
          else
            {
              g_free (id);
              g_free (value);
            }
        }
    }
  for (xmlNodePtr n = root->children; n; n = n->next)
    if (is (n, "TIER") && !read_tier (d, n, error))
      return NULL;
  /* what the tiers' types say */
  for (guint i = 0; i < d->tiers->len; i++)
    {
      EafTier *t = g_ptr_array_index (d->tiers, i);
      EafType *type = g_hash_table_lookup (d->types, t->info.type);
      if (type == NULL)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: tier '%s' has the undefined type '%s'", path, t->line, t->info.id,
                       t->info.type);
          return NULL;
        }
      t->info.time_aligned = type->alignable;
      t->info.constraint = t->info.parent != NULL ? type->constraint : STVA_DB_EAF_TOP_LEVEL;
      if (t->info.parent != NULL && doc_tier (d, t->info.parent) == NULL)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT,
                       "%s:%u: tier '%s' has the missing parent tier '%s'", path, t->line,
                       t->info.id, t->info.parent);
          return NULL;
        }
      t->info.cv = g_strdup (type->cv);
      EafCv *cv = type->cv ? g_hash_table_lookup (d->cvs, type->cv) : NULL;
      if (cv != NULL && cv->ext_ref != NULL)
        {
          const char *url = g_hash_table_lookup (d->ext_refs, cv->ext_ref);
          t->info.cv_url = g_strdup (url ? url : cv->ext_ref);
        }
      for (guint k = 0; cv != NULL && k < cv->entries->len; k++)
        {
          const char *v = cv_entry_value (g_ptr_array_index (cv->entries, k), t->lang);
          if (v != NULL && *v != '\0')
            g_ptr_array_add (t->info.cv_values, g_strdup (v));
        }
    }
  return g_steal_pointer (&d);
}

GPtrArray *
stva_db_eaf_tiers (const char  *path,
                   GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (EafDoc) d = read_doc (path, error);
  if (d == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) stva_db_eaf_tier_free);
  for (guint i = 0; i < d->tiers->len; i++)
    {
      EafTier *t = g_ptr_array_index (d->tiers, i);
      StvaDbEafTier *c = g_new0 (StvaDbEafTier, 1);
      *c = t->info;   /* the strings move to the copy */
      memset (&t->info, 0, sizeof t->info);
      g_ptr_array_add (out, c);
    }
  return out;
}

/* ---- times ------------------------------------------------------------------------------- */

typedef struct
{
  EafDoc     *doc;
  GHashTable *anns;          /* annotation id (borrowed) -> EafAnn* */
  GHashTable *ann_tier;      /* annotation id (borrowed) -> EafTier* */
  GArray     *prev_aligned;  /* of guint: per slot, the index + 1 of the last aligned at or
                                before it, 0: none */
  GArray     *next_aligned;  /* the same after it */
  GPtrArray  *warnings;      /* of owned strings */
} Resolver;

static gint64
slot_ms (EafDoc     *d,
         const char *id)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (d->slots, id));
  g_assert (i > 0);
  return g_array_index (d->slot_ms, gint64, i - 1);
}

/* An unaligned slot placed by its neighbours in the TIME_ORDER (by position). */
static gboolean
slot_by_order (Resolver    *r,
               const char  *id,
               gint64      *ms,
               GError     **error)
{
  EafDoc *d = r->doc;
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (d->slots, id)) - 1;
  guint before = g_array_index (r->prev_aligned, guint, i);
  guint after = g_array_index (r->next_aligned, guint, i);
  if (after == 0)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s: time slot '%s' is unaligned "
                   "and no aligned slot follows it", d->path, id);
      return FALSE;
    }
  gint64 t0 = before ? g_array_index (d->slot_ms, gint64, before - 1) : 0;
  gint64 t1 = g_array_index (d->slot_ms, gint64, after - 1);
  double at = (double) ((gint64) i + 1 - (gint64) before) / (double) ((gint64) after
                                                                        - (gint64) before);
  *ms = t0 + (gint64) ((double) (t1 - t0) * at + 0.5);
  return TRUE;
}

/* The slots of t's aligned annotations, unaligned ones placed along the tier's chains: a run of
 * them between two aligned slots shares that interval evenly (as ELAN draws a subdivision). */
static gboolean
resolve_slots (Resolver    *r,
               EafTier     *t,
               GError     **error)
{
  EafDoc *d = r->doc;
  g_autoptr (GHashTable) by_start = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) by_end = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) placed = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < t->anns->len; i++)
    {
      EafAnn *a = &g_array_index (t->anns, EafAnn, i);
      if (a->ref != NULL)
        continue;
      if (!g_hash_table_contains (by_start, a->ts1))
        g_hash_table_insert (by_start, a->ts1, a);
      if (!g_hash_table_contains (by_end, a->ts2))
        g_hash_table_insert (by_end, a->ts2, a);
    }
  guint n_placed = 0;
  for (guint i = 0; i < t->anns->len; i++)
    {
      EafAnn *a = &g_array_index (t->anns, EafAnn, i);
      if (a->ref != NULL)
        continue;
      for (int k = 0; k < 2; k++)
        {
          const char *s = k ? a->ts2 : a->ts1;
          if (slot_ms (d, s) >= 0 || g_hash_table_contains (placed, s))
            continue;
          /* the run of unaligned slots through s, and the aligned slots at its ends */
          g_autoptr (GPtrArray) run = g_ptr_array_new ();
          const char *cur = s, *first = NULL, *last = NULL;
          while (run->len <= t->anns->len)
            {
              EafAnn *b = g_hash_table_lookup (by_end, cur);
              if (b == NULL)
                break;
              cur = b->ts1;
              if (slot_ms (d, cur) >= 0)
                {
                  first = cur;
                  break;
                }
              g_ptr_array_insert (run, 0, (gpointer) cur);
            }
          g_ptr_array_add (run, (gpointer) s);
          cur = s;
          while (run->len <= 2 * t->anns->len + 1)
            {
              EafAnn *b = g_hash_table_lookup (by_start, cur);
              if (b == NULL)
                break;
              cur = b->ts2;
              if (slot_ms (d, cur) >= 0)
                {
                  last = cur;
                  break;
                }
              g_ptr_array_add (run, (gpointer) cur);
            }
          for (guint j = 0; j < run->len; j++)
            {
              const char *id = g_ptr_array_index (run, j);
              gint64 ms = 0;
              if (g_hash_table_contains (placed, id))
                continue;
              if (first != NULL && last != NULL)
                {
                  gint64 t0 = slot_ms (d, first), t1 = slot_ms (d, last);
                  ms = t0 + (gint64) ((double) (t1 - t0) * (double) (j + 1)
                                      / (double) (run->len + 1) + 0.5);
                }
              else if (!slot_by_order (r, id, &ms, error))
                return FALSE;
              g_hash_table_insert (placed, (gpointer) id, g_memdup2 (&ms, sizeof ms));
              n_placed++;
            }
        }
    }
  for (guint i = 0; i < t->anns->len; i++)
    {
      EafAnn *a = &g_array_index (t->anns, EafAnn, i);
      if (a->ref != NULL)
        continue;
      gint64 *p1 = g_hash_table_lookup (placed, a->ts1), *p2 = g_hash_table_lookup (placed, a->ts2);
      a->start_ms = p1 ? *p1 : slot_ms (d, a->ts1);
      a->end_ms = p2 ? *p2 : slot_ms (d, a->ts2);
    }
  if (n_placed > 0)
    g_ptr_array_add (r->warnings, g_strdup_printf (
      "%s: tier '%s': %u unaligned time slot%s placed between the aligned ones around %s, as "
      "ELAN draws them", d->path, t->info.id, n_placed, n_placed == 1 ? "" : "s",
      n_placed == 1 ? "it" : "them"));
  return TRUE;
}

/* Gives every annotation of t (and of the tiers above it) its times. */
static gboolean
resolve_tier (Resolver  *r,
              EafTier   *t,
              guint      depth,
              GError   **error)
{
  EafDoc *d = r->doc;
  if (t->resolved)
    return TRUE;
  if (depth > d->tiers->len)
    {
      g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s: tier '%s' is its own "
                   "ancestor (PARENT_REF)", d->path, t->info.id);
      return FALSE;
    }
  if (t->info.parent != NULL && !resolve_tier (r, doc_tier (d, t->info.parent), depth + 1, error))
    return FALSE;
  if (!resolve_slots (r, t, error))
    return FALSE;
  /* reference annotations: their parent's times, shared out in order under a subdivision */
  g_autoptr (GHashTable) n_children = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean subdivision = t->info.constraint == STVA_DB_EAF_SYMBOLIC_SUBDIVISION;
  for (guint i = 0; subdivision && i < t->anns->len; i++)
    {
      EafAnn *a = &g_array_index (t->anns, EafAnn, i);
      if (a->ref != NULL)
        g_hash_table_insert (n_children, a->ref, GUINT_TO_POINTER (
          GPOINTER_TO_UINT (g_hash_table_lookup (n_children, a->ref)) + 1));
    }
  for (guint i = 0; i < t->anns->len; i++)
    {
      EafAnn *a = &g_array_index (t->anns, EafAnn, i);
      if (a->ref == NULL)
        continue;
      EafAnn *p = g_hash_table_lookup (r->anns, a->ref);
      EafTier *pt = g_hash_table_lookup (r->ann_tier, a->ref);
      if (p == NULL)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:%u: annotation '%s' in "
                       "tier '%s' refers to the missing annotation '%s'", d->path, a->line, a->id,
                       t->info.id, a->ref);
          return FALSE;
        }
      if (pt != t && !resolve_tier (r, pt, depth + 1, error))
        return FALSE;
      if (p->start_ms < 0)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:%u: annotation '%s' in "
                       "tier '%s' refers to '%s', which has no times", d->path, a->line, a->id,
                       t->info.id, a->ref);
          return FALSE;
        }
      a->start_ms = p->start_ms;
      a->end_ms = p->end_ms;
      if (subdivision)
        {
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (n_children, a->ref));
          guint k = GPOINTER_TO_UINT (g_hash_table_lookup (seen, a->ref));
          g_hash_table_insert (seen, a->ref, GUINT_TO_POINTER (k + 1));
          double span = (double) (p->end_ms - p->start_ms);   /* in double: no overflow */
          a->start_ms = p->start_ms + (gint64) (span * k / n);
          a->end_ms = k + 1 == n ? p->end_ms : p->start_ms + (gint64) (span * (k + 1) / n);
        }
    }
  for (guint i = 0; i < t->anns->len; i++)
    {
      EafAnn *a = &g_array_index (t->anns, EafAnn, i);
      if (a->end_ms < a->start_ms)
        {
          g_set_error (error, STVA_DB_ERROR, STVA_DB_ERROR_FORMAT, "%s:%u: annotation '%s' in "
                       "tier '%s' ends before it starts", d->path, a->line, a->id, t->info.id);
          return FALSE;
        }
    }
  t->resolved = TRUE;
  return TRUE;
}

static void
resolver_init (Resolver *r,
               EafDoc   *d)
{
  r->doc = d;
  r->anns = g_hash_table_new (g_str_hash, g_str_equal);
  r->ann_tier = g_hash_table_new (g_str_hash, g_str_equal);
  r->warnings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < d->tiers->len; i++)
    {
      EafTier *t = g_ptr_array_index (d->tiers, i);
      for (guint k = 0; k < t->anns->len; k++)
        {
          EafAnn *a = &g_array_index (t->anns, EafAnn, k);
          g_hash_table_insert (r->anns, a->id, a);
          g_hash_table_insert (r->ann_tier, a->id, t);
        }
    }
  guint n = d->slot_ms->len;
  r->prev_aligned = g_array_sized_new (FALSE, TRUE, sizeof (guint), n);
  r->next_aligned = g_array_sized_new (FALSE, TRUE, sizeof (guint), n);
  g_array_set_size (r->prev_aligned, n);
  g_array_set_size (r->next_aligned, n);
  guint last = 0;
  for (guint i = 0; i < n; i++)
    {
      if (g_array_index (d->slot_ms, gint64, i) >= 0)
        last = i + 1;
      g_array_index (r->prev_aligned, guint, i) = last;
    }
  last = 0;
  for (guint i = n; i-- > 0;)
    {
      if (g_array_index (d->slot_ms, gint64, i) >= 0)
        last = i + 1;
      g_array_index (r->next_aligned, guint, i) = last;
    }
}

static void
resolver_clear (Resolver *r)
{
  g_clear_pointer (&r->anns, g_hash_table_unref);
  g_clear_pointer (&r->ann_tier, g_hash_table_unref);
  g_clear_pointer (&r->prev_aligned, g_array_unref);
  g_clear_pointer (&r->next_aligned, g_array_unref);
  g_clear_pointer (&r->warnings, g_ptr_array_unref);
}

/* ---- importing with choices --------------------------------------------------------------- */

typedef struct
{
  gint64      start_ms;
  gint64      end_ms;
  const char *speaker;   /* borrowed from the document */
  const char *text;
  const char *label;     /* nullable */
  guint       order;     /* tier by tier in the order named, then the file's */
  EafTier    *tier;
} ChoiceUtt;

typedef struct
{
  gint64        start_ms;
  gint64        end_ms;
  const char   *value;   /* borrowed: the annotation's label, or the set's name for it */
  const EafAnn *ann;
} Span;

static int
compare_choice_utt (gconstpointer a,
                    gconstpointer b)
{
  const ChoiceUtt *x = a, *y = b;
  if (x->start_ms != y->start_ms)
    return x->start_ms < y->start_ms ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static int
compare_span (gconstpointer a,
              gconstpointer b)
{
  const Span *x = a, *y = b;
  if (x->start_ms != y->start_ms)
    return x->start_ms < y->start_ms ? -1 : 1;
  return x->end_ms < y->end_ms ? -1 : x->end_ms > y->end_ms;
}

/* Whether a and b are the same text ignoring case (Unicode case folding: "Ärger", "ärger"). */
static gboolean
same_text (const char *a,
           const char *b)
{
  g_autofree char *x = g_utf8_casefold (a, -1);
  g_autofree char *y = g_utf8_casefold (b, -1);
  return strcmp (x, y) == 0;
}

/* The label of set called name, ignoring case beyond ASCII too. */
static const StvaDbLabel *
find_label (const StvaDbLabelSet *set,
            const char           *name)
{
  for (guint i = 0; name != NULL && i < set->labels->len; i++)
    {
      const StvaDbLabel *l = g_ptr_array_index (set->labels, i);
      if (same_text (l->name, name))
        return l;
    }
  return NULL;
}

/* The CV entry an annotation names: by CVE_REF, else by a value in any of its languages. */
static const EafCvEntry *
ann_entry (EafDoc        *d,
           const EafTier *t,
           const EafAnn  *a)
{
  EafCv *cv = t->info.cv ? g_hash_table_lookup (d->cvs, t->info.cv) : NULL;
  for (guint k = 0; cv != NULL && k < cv->entries->len; k++)
    {
      const EafCvEntry *e = g_ptr_array_index (cv->entries, k);
      if (a->cve_ref != NULL && e->id != NULL && strcmp (a->cve_ref, e->id) == 0)
        return e;
    }
  for (guint k = 0; cv != NULL && k < cv->entries->len; k++)
    {
      const EafCvEntry *e = g_ptr_array_index (cv->entries, k);
      for (guint j = 0; j < e->values->len; j++)
        if (same_text (g_ptr_array_index (e->values, j), a->value))
          return e;
    }
  return NULL;
}

/* An annotation's label: its CV entry's value in the tier's language, else its own value. */
static const char *
ann_label (EafDoc        *d,
           const EafTier *t,
           const EafAnn  *a)
{
  const EafCvEntry *e = ann_entry (d, t, a);
  const char *v = e ? cv_entry_value (e, t->lang) : NULL;
  return v != NULL && *v != '\0' ? v : a->value;
}

/* The label of set for an annotation: its label, else any of its CV entry's values. */
static const StvaDbLabel *
set_label (const StvaDbLabelSet *set,
           EafDoc               *d,
           const EafTier        *t,
           const EafAnn         *a)
{
  const StvaDbLabel *l = find_label (set, ann_label (d, t, a));
  if (l == NULL)
    l = find_label (set, a->value);
  const EafCvEntry *e = l ? NULL : ann_entry (d, t, a);
  for (guint j = 0; e != NULL && l == NULL && j < e->values->len; j++)
    l = find_label (set, g_ptr_array_index (e->values, j));
  return l;
}

static char *
set_labels_list (const StvaDbLabelSet *set)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < set->labels->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "",
                            ((StvaDbLabel *) g_ptr_array_index (set->labels, i))->name);
  return g_string_free (s, FALSE);
}

static gboolean
choice_fail (GError     **error,
             int          code,
             const char  *format,
             ...) G_GNUC_PRINTF (3, 4);

static gboolean
choice_fail (GError     **error,
             int          code,
             const char  *format,
             ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *what = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, STVA_DB_ERROR, code, what);
  return FALSE;
}

/* Writes the dialogue: the new label set first when asked, in the writer's transaction. */
static gboolean
store_choice (StvaDbImportWriter    *w,
              StvaDb                *db,
              const char            *path,
              const char            *split,
              const char            *media,
              GArray                *utts,
              StvaDbLabelSet       **set,
              const char            *new_set,
              GPtrArray             *new_names,
              const char            *new_description,
              GError               **error)
{
  if (new_set != NULL)
    {
      gint64 id = stva_db_add_label_set (db, new_set, new_description,
                                         (const char *const *) new_names->pdata, NULL, NULL,
                                         new_names->len, error);
      if (id == 0 || (*set = stva_db_label_set_by_id (db, id, error)) == NULL)
        {
          g_prefix_error (error, "%s: ", path);
          return FALSE;
        }
      _stva_db_import_writer_set_label_set (w, id);
    }
  gint64 media_id = 0;
  if (media != NULL)
    {
      gboolean found = g_file_test (media, G_FILE_TEST_IS_REGULAR);
      if ((media_id = _stva_db_import_writer_media (w, media, "dialogue", found, error)) == 0)
        return FALSE;
      if (!found)
        _stva_db_import_writer_warn (w, "%s: missing media", media);
    }
  g_autofree char *name = g_path_get_basename (path);
  char *dot = strrchr (name, '.');
  if (dot != NULL && dot != name)
    *dot = '\0';
  gint64 dialogue_id = _stva_db_import_writer_dialogue (w, "eaf", split, name, -1, media_id,
                                                        error);
  if (dialogue_id == 0)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  for (guint i = 0; i < utts->len; i++)
    {
      const ChoiceUtt *c = &g_array_index (utts, ChoiceUtt, i);
      const StvaDbLabel *l = *set && c->label ? find_label (*set, c->label) : NULL;
      g_assert (c->label == NULL || l != NULL);
      StvaDbImportUtterance u = {
        .dialogue_id = dialogue_id, .idx = (int) i, .source_id = i, .speaker = c->speaker,
        .transcript = c->text, .start_ms = c->start_ms, .end_ms = c->end_ms, .sr_no = -1,
        .season = -1, .episode = -1, .label_id = l ? l->id : 0,
      };
      if (_stva_db_import_writer_utterance (w, &u, error) == 0)
        return FALSE;
    }
  return TRUE;
}

/* A label tier, its spans in start order, and the largest end up to each. */
typedef struct
{
  EafTier *tier;
  GArray  *spans;     /* of Span, owned */
  gint64  *max_end;   /* owned */
} LabelTier;

static void
label_tier_clear (gpointer data)
{
  LabelTier *l = data;
  g_clear_pointer (&l->spans, g_array_unref);
  g_clear_pointer (&l->max_end, g_free);
}

/* Whether tier lies under ancestor (through PARENT_REF). */
static gboolean
tier_under (EafDoc        *d,
            const EafTier *tier,
            const EafTier *ancestor)
{
  for (guint depth = 0; tier != NULL && tier->info.parent != NULL && depth <= d->tiers->len;
       depth++)
    {
      tier = doc_tier (d, tier->info.parent);
      if (tier == ancestor)
        return TRUE;
    }
  return FALSE;
}

/* The tiers named in ids (NULL-terminated), each once and none of those in others. */
static gboolean
named_tiers (EafDoc             *d,
             const char *const  *ids,
             const char         *what,
             GPtrArray          *others,
             GPtrArray          *out,
             GError            **error)
{
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      EafTier *t = doc_tier (d, ids[i]);
      if (t == NULL)
        return no_tier (d, ids[i], error);
      if (others != NULL && g_ptr_array_find (others, t, NULL))
        return choice_fail (error, STVA_DB_ERROR_INVALID, "%s: tier '%s' cannot hold both "
                            "utterances and labels", d->path, t->info.id);
      if (g_ptr_array_find (out, t, NULL))
        return choice_fail (error, STVA_DB_ERROR_INVALID, "%s: %s tier '%s' is named twice",
                            d->path, what, t->info.id);
      g_ptr_array_add (out, t);
    }
  return TRUE;
}

gboolean
stva_db_import_eaf_choice (StvaDb                *db,
                           const char            *path,
                           const StvaDbEafChoice *choice,
                           const char            *split,
                           StvaDbImportReport    *report_out,
                           GError               **error)
{
  g_return_val_if_fail (db != NULL && path != NULL && choice != NULL, FALSE);
  if (split == NULL)
    split = "none";
  gboolean any_label_tier = choice->label_tiers != NULL && choice->label_tiers[0] != NULL;
  if (choice->label_set != NULL && choice->new_label_set != NULL)
    return choice_fail (error, STVA_DB_ERROR_INVALID, "%s: the labels go into an existing "
                        "label set or a new one, not both", path);
  if (!any_label_tier && (choice->label_set != NULL || choice->new_label_set != NULL))
    return choice_fail (error, STVA_DB_ERROR_INVALID, "%s: a label set needs a label tier", path);
  if (choice->speaker_tiers != NULL && choice->speaker_tiers[0] == NULL)
    return choice_fail (error, STVA_DB_ERROR_INVALID, "%s: no speaker tier", path);
  g_autoptr (EafDoc) d = read_doc (path, error);
  if (d == NULL)
    return FALSE;
  g_autoptr (GPtrArray) label_tiers = g_ptr_array_new ();
  if (!named_tiers (d, choice->label_tiers, "label", NULL, label_tiers, error))
    return FALSE;
  g_autoptr (GPtrArray) speakers = g_ptr_array_new ();
  if (choice->speaker_tiers != NULL)
    {
      if (!named_tiers (d, choice->speaker_tiers, "speaker", label_tiers, speakers, error))
        return FALSE;
    }
  else
    for (guint i = 0; i < d->tiers->len; i++)
      {
        EafTier *t = g_ptr_array_index (d->tiers, i);
        if (!g_ptr_array_find (label_tiers, t, NULL) && t->info.parent == NULL
            && t->info.cv == NULL && t->info.time_aligned)
          g_ptr_array_add (speakers, t);
      }
  if (speakers->len == 0)
    return choice_fail (error, STVA_DB_ERROR_INVALID, "%s: no speaker tier", path);

  Resolver r = { 0 };
  resolver_init (&r, d);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < speakers->len; i++)
    ok = resolve_tier (&r, g_ptr_array_index (speakers, i), 0, error);
  for (guint i = 0; ok && i < label_tiers->len; i++)
    ok = resolve_tier (&r, g_ptr_array_index (label_tiers, i), 0, error);
  g_autoptr (GPtrArray) warnings = g_steal_pointer (&r.warnings);
  resolver_clear (&r);
  if (!ok)
    return FALSE;

  /* the utterances, in time order across the tiers */
  g_autoptr (GArray) utts = g_array_new (FALSE, TRUE, sizeof (ChoiceUtt));
  guint order = 0;
  for (guint i = 0; i < speakers->len; i++)
    {
      EafTier *t = g_ptr_array_index (speakers, i);
      for (guint k = 0; k < t->anns->len; k++)
        {
          const EafAnn *a = &g_array_index (t->anns, EafAnn, k);
          ChoiceUtt u = { a->start_ms, a->end_ms, t->info.participant ? t->info.participant
                                                                      : t->info.id,
                          a->value, NULL, order++, t };
          g_array_append_val (utts, u);
        }
    }
  if (utts->len == 0)
    return choice_fail (error, STVA_DB_ERROR_FORMAT, "%s: the speaker tiers hold no "
                        "annotations", path);
  g_array_sort (utts, compare_choice_utt);

  /* the label tiers' spans */
  g_autoptr (GArray) labels = g_array_new (FALSE, TRUE, sizeof (LabelTier));
  g_array_set_clear_func (labels, label_tier_clear);
  for (guint i = 0; i < label_tiers->len; i++)
    {
      EafTier *t = g_ptr_array_index (label_tiers, i);
      LabelTier l = { t, g_array_new (FALSE, FALSE, sizeof (Span)), NULL };
      g_array_append_val (labels, l);
      if (t->info.cv_url != NULL)
        g_ptr_array_add (warnings, g_strdup_printf (
          "%s: tier '%s': the controlled vocabulary '%s' is external (%s); it was not fetched",
          path, t->info.id, t->info.cv, t->info.cv_url));
      for (guint k = 0; k < t->anns->len; k++)
        {
          const EafAnn *a = &g_array_index (t->anns, EafAnn, k);
          Span s = { a->start_ms, a->end_ms, ann_label (d, t, a), a };
          if (*s.value != '\0')
            g_array_append_val (l.spans, s);
        }
      g_array_sort (l.spans, compare_span);
    }

  /* the label set: an existing one holding every value of the tiers, or a new one */
  g_autoptr (StvaDbLabelSet) set = NULL;
  g_autoptr (GString) description = g_string_new (NULL);
  g_autoptr (GPtrArray) new_names = g_ptr_array_new ();   /* borrowed strings */
  if (choice->new_label_set != NULL)
    {
      g_autoptr (GPtrArray) outside = g_ptr_array_new ();
      g_autoptr (GPtrArray) cvs = g_ptr_array_new ();
      for (guint i = 0; i < labels->len; i++)
        {
          const EafTier *t = g_array_index (labels, LabelTier, i).tier;
          if (t->info.cv == NULL || g_ptr_array_find_with_equal_func (cvs, t->info.cv, g_str_equal,
                                                                      NULL))
            continue;
          g_ptr_array_add (cvs, t->info.cv);
          for (guint k = 0; k < t->info.cv_values->len; k++)
            {
              const char *v = g_ptr_array_index (t->info.cv_values, k);
              gboolean there = FALSE;
              for (guint j = 0; j < new_names->len && !there; j++)
                there = same_text (g_ptr_array_index (new_names, j), v);
              if (!there)
                g_ptr_array_add (new_names, (gpointer) v);
            }
        }
      gboolean from_cv = new_names->len > 0;
      for (guint i = 0; i < labels->len; i++)
        {
          GArray *spans = g_array_index (labels, LabelTier, i).spans;
          for (guint k = 0; k < spans->len; k++)
            {
              const char *v = g_array_index (spans, Span, k).value;
              gboolean there = FALSE;
              for (guint j = 0; j < new_names->len && !there; j++)
                there = same_text (g_ptr_array_index (new_names, j), v);
              if (!there)
                {
                  g_ptr_array_add (new_names, (gpointer) v);
                  if (from_cv)
                    g_ptr_array_add (outside, (gpointer) v);
                }
            }
        }
      if (outside->len > 0)
        {
          g_ptr_array_add (outside, NULL);
          g_autofree char *list = g_strjoinv (", ", (char **) outside->pdata);
          g_ptr_array_add (warnings, g_strdup_printf (
            "%s: values outside the controlled vocabulary added to the label set after its "
            "entries: %s", path, list));
        }
      g_string_append (description, "from ELAN tier");
      for (guint i = 0; i < labels->len; i++)
        {
          const EafTier *t = g_array_index (labels, LabelTier, i).tier;
          g_string_append_printf (description, "%s '%s'", i ? "," : labels->len > 1 ? "s" : "",
                                  t->info.id);
          if (t->info.cv != NULL)
            g_string_append_printf (description, " (vocabulary '%s'%s%s)", t->info.cv,
                                    t->info.cv_url ? ", external, not fetched: " : "",
                                    t->info.cv_url ? t->info.cv_url : "");
        }
      g_string_append_printf (description, " of %s", path);
    }
  else if (labels->len > 0)
    {
      const EafTier *first = g_array_index (labels, LabelTier, 0).tier;
      const char *name = choice->label_set ? choice->label_set : first->info.cv;
      if (name == NULL)
        return choice_fail (error, STVA_DB_ERROR_INVALID, "%s: tier '%s' holds labels: choose "
                            "the label set they are in or make a new one from them", path,
                            first->info.id);
      GError *local = NULL;
      set = stva_db_label_set (db, name, &local);
      if (set == NULL)
        {
          if (choice->label_set == NULL
              && g_error_matches (local, STVA_DB_ERROR, STVA_DB_ERROR_NOT_FOUND))
            {
              g_error_free (local);
              return choice_fail (error, STVA_DB_ERROR_INVALID, "%s: tier '%s' holds labels of "
                                  "the vocabulary '%s', which is no label set of the project: "
                                  "choose a label set or make a new one", path, first->info.id,
                                  name);
            }
          g_propagate_prefixed_error (error, local, "%s: ", path);
          return FALSE;
        }
      /* every value of the tiers must be in the set; the spans take the set's names */
      g_autoptr (GPtrArray) unknown = g_ptr_array_new ();
      for (guint i = 0; i < labels->len; i++)
        {
          const LabelTier *l = &g_array_index (labels, LabelTier, i);
          for (guint k = 0; k < l->spans->len; k++)
            {
              Span *s = &g_array_index (l->spans, Span, k);
              const StvaDbLabel *label = set_label (set, d, l->tier, s->ann);
              if (label != NULL)
                {
                  s->value = label->name;
                  continue;
                }
              gboolean listed = FALSE;
              for (guint j = 0; j < unknown->len && !listed; j++)
                listed = strcmp (g_ptr_array_index (unknown, j), s->value) == 0;
              if (!listed)
                g_ptr_array_add (unknown, (gpointer) s->value);
            }
        }
      if (unknown->len > 0)
        {
          g_ptr_array_add (unknown, NULL);
          g_autofree char *list = g_strjoinv (", ", (char **) unknown->pdata);
          g_autofree char *names = set_labels_list (set);
          g_autoptr (GString) tiers = g_string_new (NULL);
          for (guint i = 0; i < labels->len; i++)
            g_string_append_printf (tiers, "%s'%s'", i ? ", " : "",
                                    g_array_index (labels, LabelTier, i).tier->info.id);
          return choice_fail (error, STVA_DB_ERROR_INVALID, "%s: the label tier%s %s ha%s values "
                              "not in the label set '%s': %s; its labels are: %s", path,
                              labels->len > 1 ? "s" : "", tiers->str,
                              labels->len > 1 ? "ve" : "s", set->name, list, names);
        }
    }

  /* each utterance takes the label overlapping it most (the earliest of equals), from the
   * label tiers under its speaker tier when there are any, else from all */
  for (guint i = 0; i < labels->len; i++)
    {
      LabelTier *l = &g_array_index (labels, LabelTier, i);
      l->max_end = g_new (gint64, MAX (l->spans->len, 1));
      for (guint k = 0; k < l->spans->len; k++)
        l->max_end[k] = MAX (k ? l->max_end[k - 1] : 0, g_array_index (l->spans, Span, k).end_ms);
    }
  guint n_unlabelled = 0;
  for (guint i = 0; labels->len > 0 && i < utts->len; i++)
    {
      ChoiceUtt *u = &g_array_index (utts, ChoiceUtt, i);
      gboolean own = FALSE;
      for (guint j = 0; j < labels->len && !own; j++)
        own = tier_under (d, g_array_index (labels, LabelTier, j).tier, u->tier);
      gint64 best = 0, start = G_MAXINT64;
      for (guint j = 0; j < labels->len; j++)
        {
          const LabelTier *l = &g_array_index (labels, LabelTier, j);
          if (own && !tier_under (d, l->tier, u->tier))
            continue;
          /* the spans starting before u ends, walked back while any could still reach it */
          guint lo = 0, hi = l->spans->len;
          while (lo < hi)
            {
              guint mid = lo + (hi - lo) / 2;
              if (g_array_index (l->spans, Span, mid).start_ms < u->end_ms)
                lo = mid + 1;
              else
                hi = mid;
            }
          for (guint k = lo; k-- > 0 && l->max_end[k] > u->start_ms;)
            {
              const Span *s = &g_array_index (l->spans, Span, k);
              gint64 overlap = MIN (s->end_ms, u->end_ms) - MAX (s->start_ms, u->start_ms);
              if (overlap > 0 && (overlap > best || (overlap == best && s->start_ms <= start)))
                {
                  best = overlap;
                  start = s->start_ms;
                  u->label = s->value;
                }
            }
        }
      n_unlabelled += u->label == NULL;
    }
  if (n_unlabelled > 0)
    g_ptr_array_add (warnings, g_strdup_printf (
      "%s: %u of %u utterances overlap no label annotation and are left unlabelled", path,
      n_unlabelled, utts->len));

  /* as ELAN looks for it: MEDIA_URL, else RELATIVE_MEDIA_URL beside the file */
  const char *media = d->media;
  if (d->relative_media != NULL && (media == NULL || !g_file_test (media, G_FILE_TEST_IS_REGULAR)))
    media = d->relative_media;
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  StvaDbImportReport local_report;
  StvaDbImportReport *report = report_out ? report_out : &local_report;
  stva_db_import_report_init (report);
  StvaDbImportWriter *w = _stva_db_import_writer_begin (db, "eaf", abs, set ? set->id : 0, FALSE,
                                                        report, error);
  ok = FALSE;
  if (w != NULL)
    {
      ok = store_choice (w, db, path, split, media, utts, &set, choice->new_label_set, new_names,
                         description->str, error);
      for (guint i = 0; ok && i < warnings->len; i++)
        _stva_db_import_writer_warn (w, "%s", (char *) g_ptr_array_index (warnings, i));
      ok = _stva_db_import_writer_end (w, ok, error);
    }
  return _stva_db_import_report_finish (report, report_out, ok);
}
