/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of migration/uri.c: every URI form of
 * spec/migration-states-and-qmp.md 8.1 as the JSON MigrationAddress it
 * becomes, every parse error text, and the `channels` rules of 8.2.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-visit.h"
#include "migration/transport.h"

/* The JSON text of addr with keys in generated (schema) order. */
static char *addr_json(const MigrationAddress *addr)
{
    g_autoptr(JsonNode) node = qapi_MigrationAddress_to_json(addr);

    return json_to_string(node, FALSE);
}

/* uri must parse to exactly the JSON object expected (double quotes
 * written as single quotes). */
static void check_uri(const char *uri, const char *expected)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(MigrationAddress) addr = migration_uri_parse(uri, &err);
    g_autofree char *got = NULL;
    g_autofree char *exp = g_strdup(expected);

    g_assert_no_error(err);
    g_assert_nonnull(addr);
    got = addr_json(addr);
    g_strdelimit(exp, "'", '"');
    g_assert_cmpstr(got, ==, exp);
}

static void check_uri_error(const char *uri, const char *msg)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(MigrationAddress) addr = migration_uri_parse(uri, &err);

    g_assert_null(addr);
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==, msg);
}

static void test_tcp(void)
{
    check_uri("tcp:localhost:4444",
              "{'transport':'socket','type':'inet','host':'localhost',"
              "'port':'4444'}");
    check_uri("tcp::4446",
              "{'transport':'socket','type':'inet','host':'','port':'4446'}");
    check_uri("tcp:0:0",
              "{'transport':'socket','type':'inet','host':'0','port':'0'}");
    check_uri("tcp:[::1]:5000",
              "{'transport':'socket','type':'inet','host':'::1',"
              "'port':'5000'}");
    check_uri("tcp:127.0.0.1:5000,to=5010,ipv4,ipv6=off,numeric=on",
              "{'transport':'socket','type':'inet','host':'127.0.0.1',"
              "'port':'5000','numeric':true,'to':5010,'ipv4':true,"
              "'ipv6':false}");
    check_uri("tcp:h:http,keep-alive,keep-alive-count=3,keep-alive-idle=4,"
              "keep-alive-interval=5,mptcp=off",
              "{'transport':'socket','type':'inet','host':'h','port':'http',"
              "'keep-alive':true,'keep-alive-count':3,'keep-alive-idle':4,"
              "'keep-alive-interval':5,'mptcp':false}");
}

static void test_tcp_errors(void)
{
    check_uri_error("tcp:", "error parsing address ''");
    check_uri_error("tcp:localhost", "error parsing address 'localhost'");
    check_uri_error("tcp:localhost:", "error parsing address 'localhost:'");
    check_uri_error("tcp::", "error parsing port in address ':'");
    check_uri_error("tcp:[::1:5000", "error parsing IPv6 address '[::1:5000'");
    check_uri_error("tcp:[::1]5000", "error parsing IPv6 address '[::1]5000'");
    check_uri_error("tcp:[::1]:", "error parsing IPv6 address '[::1]:'");
    check_uri_error("tcp:[]:1", "error parsing IPv6 address '[]:1'");
    check_uri_error("tcp:h:1,to=x", "error parsing to= argument");
    check_uri_error("tcp:h:1,to=65536", "error parsing to= argument");
    check_uri_error("tcp:h:1,ipv4=maybe",
                    "Parameter 'ipv4' expects 'on' or 'off'");
    check_uri_error("tcp:h:1,keep-alive-count=x",
                    "Parameter 'keep-alive-count' expects a number");
    check_uri_error("tcp:h:1,keep-alive-idle=4294967296",
                    "Value '4294967296' is out of range for parameter "
                    "'keep-alive-idle'");
    check_uri_error("tcp:h:1,bogus=1", "Invalid parameter 'bogus'");
    /* QEMU scans at most 64 host and 32 port characters */
    {
        g_autofree char *longhost = g_strnfill(65, 'a');
        g_autofree char *uri = g_strdup_printf("tcp:%s:1", longhost);
        g_autofree char *msg = g_strdup_printf("error parsing address "
                                               "'%s:1'", longhost);

        check_uri_error(uri, msg);
    }
}

static void test_unix_vsock_fd(void)
{
    check_uri("unix:/tmp/mig.sock",
              "{'transport':'socket','type':'unix','path':'/tmp/mig.sock'}");
    check_uri_error("unix:", "invalid Unix socket address");
    check_uri("vsock:3:1234",
              "{'transport':'socket','type':'vsock','cid':'3',"
              "'port':'1234'}");
    check_uri_error("vsock:3", "error parsing address '3'");
    check_uri_error("vsock:x:1", "error parsing address 'x:1'");
    check_uri_error("vsock:3:", "error parsing address '3:'");
    check_uri_error("vsock:3:1x", "trailing characters in address '3:1x'");
    check_uri("fd:migfd",
              "{'transport':'socket','type':'fd','str':'migfd'}");
    check_uri("fd:5", "{'transport':'socket','type':'fd','str':'5'}");
    check_uri_error("fd:", "invalid file descriptor address");
}

static void test_exec(void)
{
    check_uri("exec:cat > /tmp/f",
              "{'transport':'exec','args':['/bin/sh','-c','cat > /tmp/f']}");
    check_uri("exec:", "{'transport':'exec','args':['/bin/sh','-c','']}");
}

static void test_rdma(void)
{
    check_uri("rdma:192.168.0.1:4444",
              "{'transport':'rdma','host':'192.168.0.1','port':'4444'}");
    check_uri_error("rdma:nohost", "error parsing address 'nohost'");
}

static void test_file(void)
{
    check_uri("file:/tmp/m.img",
              "{'transport':'file','filename':'/tmp/m.img','offset':0}");
    check_uri("file:/tmp/m.img,offset=4096",
              "{'transport':'file','filename':'/tmp/m.img','offset':4096}");
    check_uri("file:/tmp/m.img,offset=0x1000",
              "{'transport':'file','filename':'/tmp/m.img','offset':4096}");
    check_uri("file:/tmp/m.img,offset=1M",
              "{'transport':'file','filename':'/tmp/m.img',"
              "'offset':1048576}");
    check_uri("file:/tmp/m.img,offset=1.5k",
              "{'transport':'file','filename':'/tmp/m.img','offset':1536}");
    /* everything after the first ",offset=" is the offset */
    check_uri("file:/a,b,offset=8",
              "{'transport':'file','filename':'/a,b','offset':8}");
    check_uri_error("file:/tmp/m.img,offset=0x20M",
                    "file URI has bad offset 0x20M: Invalid argument");
    check_uri_error("file:/tmp/m.img,offset=12x",
                    "file URI has bad offset 12x: Invalid argument");
    check_uri_error("file:/tmp/m.img,offset=",
                    "file URI has bad offset : Invalid argument");
    check_uri_error("file:/tmp/m.img,offset=16E",
                    "file URI has bad offset 16E: Numerical result out of "
                    "range");
}

static void test_unknown(void)
{
    check_uri_error("localhost:4444",
                    "unknown migration protocol: localhost:4444");
    check_uri_error("", "unknown migration protocol: ");
    check_uri_error("TCP:h:1", "unknown migration protocol: TCP:h:1");
    check_uri_error("udp:h:1", "unknown migration protocol: udp:h:1");
}

/* ---- channels ----------------------------------------------------------- */

static MigrationChannelList *channels_from(const char *text)
{
    g_autofree char *dq = g_strdup(text);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = NULL;
    MigrationChannelList *list;

    g_strdelimit(dq, "'", '"');
    node = json_from_string(dq, &err);
    g_assert_no_error(err);
    list = qapi_MigrationChannelList_from_json(node, NULL, &err);
    g_assert_no_error(err);
    return list;
}

typedef MigrationAddress *ChannelsParser(const char *uri,
                                         MigrationChannelList *channels,
                                         GError **errp);

static void check_channels(ChannelsParser *fn, const char *uri,
                           const char *channels, const char *expected)
{
    g_autoptr(MigrationChannelList) list =
        channels ? channels_from(channels) : NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(MigrationAddress) addr = fn(uri, list, &err);
    g_autofree char *exp = g_strdup(expected);

    if (addr) {
        g_autofree char *got = addr_json(addr);

        g_assert_no_error(err);
        g_strdelimit(exp, "'", '"');
        g_assert_cmpstr(got, ==, exp);
    } else {
        g_assert_nonnull(err);
        g_assert_cmpstr(err->message, ==, exp);
    }
}

static void test_channels(void)
{
    ChannelsParser *p = migration_channels_parse;

    check_channels(p, NULL, NULL, "need either 'uri' or 'channels' argument");
    check_channels(p, "unix:/s",
                   "[{'channel-type':'main','addr':{'transport':'socket',"
                   "'type':'unix','path':'/s'}}]",
                   "need either 'uri' or 'channels' argument");
    check_channels(p, "unix:/s", NULL,
                   "{'transport':'socket','type':'unix','path':'/s'}");
    check_channels(p, "bogus", NULL, "unknown migration protocol: bogus");
    check_channels(p, NULL,
                   "[{'channel-type':'cpr','addr':{'transport':'socket',"
                   "'type':'unix','path':'/c'}},"
                   "{'channel-type':'main','addr':{'transport':'file',"
                   "'filename':'/f','offset':0}}]",
                   "{'transport':'file','filename':'/f','offset':0}");
    check_channels(p, NULL,
                   "[{'channel-type':'main','addr':{'transport':'exec',"
                   "'args':['cat']}},"
                   "{'channel-type':'main','addr':{'transport':'exec',"
                   "'args':['cat']}}]",
                   "Channel list has more than one main entry");
    check_channels(p, NULL,
                   "[{'channel-type':'cpr','addr':{'transport':'exec',"
                   "'args':['cat']}},"
                   "{'channel-type':'cpr','addr':{'transport':'exec',"
                   "'args':['cat']}}]",
                   "Channel list has more than one cpr entry");
    /* quirk Q4: QEMU 10.2 crashes here */
    check_channels(p, NULL,
                   "[{'channel-type':'cpr','addr':{'transport':'socket',"
                   "'type':'unix','path':'/c'}}]",
                   "Channel list has no main entry");
}

static void test_channels_cpr(void)
{
    g_autoptr(MigrationChannelList) both = channels_from(
        "[{'channel-type':'main','addr':{'transport':'socket',"
        "'type':'inet','host':'h','port':'1'}},"
        "{'channel-type':'cpr','addr':{'transport':'socket',"
        "'type':'unix','path':'/c'}}]");
    g_autoptr(MigrationChannelList) main_only = channels_from(
        "[{'channel-type':'main','addr':{'transport':'socket',"
        "'type':'inet','host':'h','port':'1'}}]");
    g_autoptr(MigrationAddress) cpr = migration_channels_cpr(both);
    g_autoptr(MigrationAddress) none = migration_channels_cpr(main_only);

    g_assert_nonnull(cpr);
    g_assert_cmpstr(cpr->u.socket.u.q_unix.path, ==, "/c");
    g_assert_null(none);
}

static void test_incoming_channels(void)
{
    ChannelsParser *p = migration_incoming_channels_parse;

    check_channels(p, NULL, NULL, "need either 'uri' or 'channels' argument");
    check_channels(p, "tcp::0", NULL,
                   "{'transport':'socket','type':'inet','host':'',"
                   "'port':'0'}");
    /* one entry of any type is the main channel */
    check_channels(p, NULL,
                   "[{'channel-type':'cpr','addr':{'transport':'socket',"
                   "'type':'unix','path':'/c'}}]",
                   "{'transport':'socket','type':'unix','path':'/c'}");
    check_channels(p, NULL,
                   "[{'channel-type':'main','addr':{'transport':'exec',"
                   "'args':['cat']}},"
                   "{'channel-type':'cpr','addr':{'transport':'exec',"
                   "'args':['cat']}}]",
                   "Channel list must have only one entry, for type 'main'");
}

/* The JSON form of the address types is flat, as in QEMU. */
static void test_address_json(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) bad = json_from_string(
        "{\"transport\":\"socket\",\"type\":\"unix\",\"path\":\"/p\","
        "\"host\":\"h\"}", &err);
    g_autoptr(MigrationAddress) addr = NULL;

    g_assert_no_error(err);
    addr = qapi_MigrationAddress_from_json(bad, NULL, &err);
    g_assert_null(addr);
    g_assert_cmpstr(err->message, ==, "Parameter 'host' is unexpected");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/uri/tcp", test_tcp);
    g_test_add_func("/migration/uri/tcp-errors", test_tcp_errors);
    g_test_add_func("/migration/uri/unix-vsock-fd", test_unix_vsock_fd);
    g_test_add_func("/migration/uri/exec", test_exec);
    g_test_add_func("/migration/uri/rdma", test_rdma);
    g_test_add_func("/migration/uri/file", test_file);
    g_test_add_func("/migration/uri/unknown", test_unknown);
    g_test_add_func("/migration/uri/channels", test_channels);
    g_test_add_func("/migration/uri/channels-cpr", test_channels_cpr);
    g_test_add_func("/migration/uri/incoming-channels",
                    test_incoming_channels);
    g_test_add_func("/migration/uri/address-json", test_address_json);
    return g_test_run();
}
