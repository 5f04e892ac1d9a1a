/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for authz/simple.c: the "authz-simple" object allows exactly
 * its one identity and refuses everything else with a message.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "authz/simple.h"

#define CLIENT_DN "CN=ACME QEMU Client,L=London,C=GB"

static Object *create_authz(const char *id, const char *identity,
                            GError **errp)
{
    JsonObject *props = json_object_new();
    Object *obj;

    if (identity) {
        json_object_set_string_member(props, "identity", identity);
    }
    obj = user_creatable_add_type(TYPE_QAUTHZ_SIMPLE, id, props, true, errp);
    json_object_unref(props);
    return obj;
}

static void test_allow_deny(void)
{
    GError *err = NULL;
    Object *obj = create_authz("authz0", CLIENT_DN, &err);
    g_autofree char *identity = NULL;

    g_assert_no_error(err);
    g_assert_nonnull(obj);
    g_assert_true(obj == object_resolve_path("/objects/authz0", NULL));
    identity = object_property_get_str(obj, "identity", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(identity, ==, CLIENT_DN);

    g_assert_true(qauthz_is_allowed_by_id("authz0", CLIENT_DN, &err));
    g_assert_no_error(err);

    /* Exact match only: no prefix, case or whitespace games. */
    g_assert_false(qauthz_is_allowed_by_id("authz0", "CN=ACME QEMU Client",
                                           &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==,
                    "Identity 'CN=ACME QEMU Client' is not authorized");
    g_clear_error(&err);
    g_assert_false(qauthz_is_allowed_by_id("authz0",
                                           "cn=acme qemu client,l=london,c=gb",
                                           NULL));
    g_assert_false(qauthz_is_allowed_by_id("authz0", CLIENT_DN " ", NULL));
    g_assert_false(qauthz_is_allowed_by_id("authz0", "", NULL));

    /* No identity at all (e.g. an anonymous TLS peer). */
    g_assert_false(qauthz_is_allowed_by_id("authz0", NULL, &err));
    g_assert_cmpstr(err->message, ==, "Identity '' is not authorized");
    g_clear_error(&err);

    g_assert_true(user_creatable_del("authz0", NULL));
}

static void test_change_identity(void)
{
    GError *err = NULL;
    Object *obj = create_authz("authz1", "alice", &err);

    g_assert_no_error(err);
    g_assert_true(qauthz_is_allowed_by_id("authz1", "alice", NULL));
    g_assert_true(object_property_set_str(obj, "identity", "bob", &err));
    g_assert_no_error(err);
    g_assert_true(qauthz_is_allowed_by_id("authz1", "bob", NULL));
    g_assert_false(qauthz_is_allowed_by_id("authz1", "alice", NULL));
    g_assert_true(user_creatable_del("authz1", NULL));
}

static void test_errors(void)
{
    GError *err = NULL;

    /* identity is mandatory. */
    g_assert_null(create_authz("authz2", NULL, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'identity' is missing");
    g_clear_error(&err);
    g_assert_null(object_resolve_path("/objects/authz2", NULL));

    /* Unknown or deleted objects refuse. */
    g_assert_false(qauthz_is_allowed_by_id("nope", "alice", &err));
    g_assert_cmpstr(err->message, ==,
                    "No authorization object with id 'nope'");
    g_clear_error(&err);
    create_authz("authz3", "alice", &err);
    g_assert_no_error(err);
    g_assert_true(user_creatable_del("authz3", NULL));
    g_assert_false(qauthz_is_allowed_by_id("authz3", "alice", &err));
    g_assert_cmpstr(err->message, ==,
                    "No authorization object with id 'authz3'");
    g_clear_error(&err);

    /* An object of another type is not an authorization object. */
    {
        JsonObject *props = json_object_new();

        json_object_set_string_member(props, "data", "alice");
        g_assert_nonnull(user_creatable_add_type("secret", "sec0", props, true,
                                                 &err));
        g_assert_no_error(err);
        json_object_unref(props);
    }
    g_assert_false(qauthz_is_allowed_by_id("sec0", "alice", &err));
    g_assert_cmpstr(err->message, ==, "No authorization object with id 'sec0'");
    g_clear_error(&err);
    g_assert_true(user_creatable_del("sec0", NULL));
}

static void test_json_form(void)
{
    GError *err = NULL;

    g_assert_true(user_creatable_add_json(
        "{'qom-type': 'authz-simple', 'id': 'authz4', 'identity': 'carol'}",
        &err));
    g_assert_no_error(err);
    g_assert_true(qauthz_is_allowed_by_id("authz4", "carol", NULL));
    g_assert_true(user_creatable_del("authz4", NULL));

    g_assert_false(user_creatable_add_json(
        "{'qom-type': 'authz-simple', 'id': 'authz5', 'identity': 'x', "
        "'extra': 1}", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'extra' is unexpected");
    g_clear_error(&err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/authz/simple/allow-deny", test_allow_deny);
    g_test_add_func("/authz/simple/change-identity", test_change_identity);
    g_test_add_func("/authz/simple/errors", test_errors);
    g_test_add_func("/authz/simple/json-form", test_json_form);
    return g_test_run();
}
