/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "authz-listfile" object: authz-list rules loaded from a JSON file.
 *
 * Reloading: QEMU watches the file with inotify from the main loop. Here
 * the file is stat()ed when a question is asked (a handful of TLS
 * handshakes per migration), which costs one syscall, needs no main
 * loop, and cannot miss a change that happened just before the question.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-visit.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "authz/list.h"
#include "authz/listfile.h"

typedef struct QAuthZListFile {
    QAuthZ parent_obj;
    char *filename;
    bool refresh;
    bool completed;             /* created: changes of filename reload */
    AuthZListProperties *rules; /* NULL while the file does not load */
    GError *load_error;         /* why rules is NULL */
    struct stat loaded_stat;    /* the file as it was when last read */
} QAuthZListFile;

static QAuthZListFile *listfile_cast(Object *obj)
{
    return (QAuthZListFile *)object_dynamic_cast_assert(
        obj, TYPE_QAUTHZ_LIST_FILE, __FILE__, __LINE__, __func__);
}

static bool same_file_version(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
           a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Parse the file into rules; NULL with errp set. */
static AuthZListProperties *listfile_parse(const char *filename,
                                           struct stat *st, GError **errp)
{
    g_autofree char *content = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    GError *err = NULL;
    JsonNode *root;
    AuthZListProperties *props;

    /* stat before reading: a change while we read makes the next
     * question reload rather than keep stale rules. */
    if (stat(filename, st) < 0) {
        error_setg_errno(errp, errno, "Unable to read '%s'", filename);
        return NULL;
    }
    if (!g_file_get_contents(filename, &content, NULL, &err)) {
        error_setg(errp, "Unable to read '%s': %s", filename, err->message);
        g_error_free(err);
        return NULL;
    }
    if (!json_parser_load_from_data(parser, content, -1, &err)) {
        error_setg(errp, "Unable to parse '%s': %s", filename, err->message);
        g_error_free(err);
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        error_setg(errp, "Unable to parse '%s': expected a JSON object with "
                   "'policy' and 'rules'", filename);
        return NULL;
    }
    props = qapi_AuthZListProperties_from_json(root, NULL, &err);
    if (err) {
        error_setg(errp, "Invalid rules in '%s': %s", filename, err->message);
        g_error_free(err);
        return NULL;
    }
    return props;
}

/* (Re)load the file; on failure keep the error and refuse everything. */
static bool listfile_load(QAuthZListFile *f, GError **errp)
{
    GError *err = NULL;
    struct stat st;
    AuthZListProperties *props = listfile_parse(f->filename, &st, &err);

    qapi_free_AuthZListProperties(f->rules);
    f->rules = props;
    g_clear_error(&f->load_error);
    if (!props) {
        f->load_error = g_error_copy(err);
        memset(&f->loaded_stat, 0, sizeof(f->loaded_stat));
        g_propagate_error(errp, err);
        return false;
    }
    f->loaded_stat = st;
    return true;
}

static bool listfile_is_allowed(QAuthZ *authz, const char *identity,
                                GError **errp)
{
    QAuthZListFile *f = listfile_cast(OBJECT(authz));

    if (f->refresh) {
        struct stat st;

        /* A file that vanished or changed is read again; a vanished one
         * then fails to load and refuses everything. */
        if (stat(f->filename, &st) < 0 ||
            !same_file_version(&st, &f->loaded_stat)) {
            listfile_load(f, NULL);
        }
    }
    if (!f->rules) {
        g_propagate_error(errp, g_error_copy(f->load_error));
        return false;
    }
    return qauthz_list_rules_allow(f->rules->rules,
                                   f->rules->has_policy
                                       ? f->rules->policy
                                       : QAUTHZ_LIST_POLICY_DENY,
                                   identity);
}

/* ---- properties ---- */

static char *listfile_get_filename(Object *obj, GError **errp)
{
    return g_strdup(listfile_cast(obj)->filename);
}

static bool listfile_set_filename(Object *obj, const char *value,
                                  GError **errp)
{
    QAuthZListFile *f = listfile_cast(obj);

    g_free(f->filename);
    f->filename = g_strdup(value);
    /* After creation, a new file name takes effect at once. */
    return !f->completed || listfile_load(f, errp);
}

static bool listfile_get_refresh(Object *obj, GError **errp)
{
    return listfile_cast(obj)->refresh;
}

static bool listfile_set_refresh(Object *obj, bool value, GError **errp)
{
    listfile_cast(obj)->refresh = value;
    return true;
}

static bool listfile_complete(UserCreatable *uc, GError **errp)
{
    QAuthZListFile *f = listfile_cast(OBJECT(uc));

    if (!f->filename) {
        error_setg(errp, "Parameter 'filename' is missing");
        return false;
    }
    if (!listfile_load(f, errp)) {
        return false;
    }
    f->completed = true;
    return true;
}

/* ---- type ---- */

static void listfile_init(Object *obj)
{
    listfile_cast(obj)->refresh = true;
}

static void listfile_finalize(Object *obj)
{
    QAuthZListFile *f = listfile_cast(obj);

    g_free(f->filename);
    qapi_free_AuthZListProperties(f->rules);
    g_clear_error(&f->load_error);
}

static void listfile_class_init(ObjectClass *oc, const void *data)
{
    USER_CREATABLE_CLASS(oc)->complete = listfile_complete;
    OBJECT_CLASS_CHECK(QAuthZClass, oc, TYPE_QAUTHZ)->is_allowed =
        listfile_is_allowed;
    object_class_property_add_str(oc, "filename", listfile_get_filename,
                                  listfile_set_filename);
    object_class_property_add_bool(oc, "refresh", listfile_get_refresh,
                                   listfile_set_refresh);
}

static const TypeInfo authz_listfile_info = {
    .name = TYPE_QAUTHZ_LIST_FILE,
    .parent = TYPE_QAUTHZ,
    .instance_size = sizeof(QAuthZListFile),
    .instance_init = listfile_init,
    .instance_finalize = listfile_finalize,
    .class_init = listfile_class_init,
};

static void authz_listfile_register_types(void)
{
    type_register_static(&authz_listfile_info);
}

type_init(authz_listfile_register_types)
