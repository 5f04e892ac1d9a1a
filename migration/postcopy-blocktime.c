/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy blocktime statistics. See postcopy-blocktime.h for the
 * definitions.
 */
#include "qemu/osdep.h"

#include "migration/postcopy-blocktime.h"

typedef struct Wait {
    uint32_t tid;
    int vcpu;                   /* -1: not a vCPU */
    int64_t start_ns;
} Wait;

typedef struct VcpuStat {
    bool waiting;
    uint64_t page_key;          /* valid while waiting */
    uint64_t blocked_ns;        /* sum of ended waits */
    uint64_t faults;
} VcpuStat;

struct PostcopyBlocktime {
    unsigned nr_vcpus;
    VcpuStat *vcpu;
    unsigned vcpus_waiting;
    int64_t all_waiting_since;  /* valid while vcpus_waiting == nr_vcpus */
    uint64_t total_ns;          /* time all vCPUs waited at once */

    GHashTable *waits;          /* page_key -> GArray of Wait */
    unsigned nr_waits;

    uint64_t latency_sum_ns;
    uint64_t faults;
    uint64_t non_vcpu_sum_ns;
    uint64_t non_vcpu_faults;
    uint64_t dist[POSTCOPY_LATENCY_BUCKETS];
};

static guint key_hash(gconstpointer k)
{
    uint64_t v = *(const uint64_t *)k;

    return (guint)(v ^ (v >> 32));
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    return *(const uint64_t *)a == *(const uint64_t *)b;
}

static void waits_free(gpointer p)
{
    g_array_free(p, TRUE);
}

PostcopyBlocktime *postcopy_blocktime_new(unsigned nr_vcpus)
{
    PostcopyBlocktime *bt = g_new0(PostcopyBlocktime, 1);

    bt->nr_vcpus = nr_vcpus;
    bt->vcpu = g_new0(VcpuStat, nr_vcpus ? nr_vcpus : 1);
    bt->waits = g_hash_table_new_full(key_hash, key_equal, g_free,
                                      waits_free);
    return bt;
}

void postcopy_blocktime_free(PostcopyBlocktime *bt)
{
    if (!bt) {
        return;
    }
    g_hash_table_destroy(bt->waits);
    g_free(bt->vcpu);
    g_free(bt);
}

unsigned postcopy_latency_bucket(uint64_t latency_ns)
{
    uint64_t us = latency_ns / 1000;
    unsigned b;

    if (us == 0) {
        return 0;
    }
    b = 63 - __builtin_clzll(us);
    return MIN(b, POSTCOPY_LATENCY_BUCKETS - 1);
}

/* Account one ended wait. */
static void end_wait(PostcopyBlocktime *bt, const Wait *w, int64_t now_ns)
{
    uint64_t lat = now_ns > w->start_ns ? (uint64_t)(now_ns - w->start_ns) : 0;

    bt->latency_sum_ns += lat;
    bt->faults++;
    bt->dist[postcopy_latency_bucket(lat)]++;
    bt->nr_waits--;
    if (w->vcpu < 0) {
        bt->non_vcpu_sum_ns += lat;
        bt->non_vcpu_faults++;
        return;
    }
    /* Leaving "all vCPUs wait" closes the interval before the count drops. */
    if (bt->vcpus_waiting == bt->nr_vcpus && now_ns > bt->all_waiting_since) {
        bt->total_ns += now_ns - bt->all_waiting_since;
    }
    bt->vcpu[w->vcpu].waiting = false;
    bt->vcpu[w->vcpu].blocked_ns += lat;
    bt->vcpu[w->vcpu].faults++;
    bt->vcpus_waiting--;
}

static GArray *waits_of(PostcopyBlocktime *bt, uint64_t page_key, bool make)
{
    GArray *a = g_hash_table_lookup(bt->waits, &page_key);

    if (!a && make) {
        uint64_t *k = g_new(uint64_t, 1);

        *k = page_key;
        a = g_array_new(FALSE, FALSE, sizeof(Wait));
        g_hash_table_insert(bt->waits, k, a);
    }
    return a;
}

/* End vCPU v's wait on its current page (a missed arrival). */
static void end_vcpu_wait(PostcopyBlocktime *bt, int v, int64_t now_ns)
{
    uint64_t key = bt->vcpu[v].page_key;
    GArray *a = waits_of(bt, key, false);

    for (guint i = 0; a && i < a->len; i++) {
        Wait w = g_array_index(a, Wait, i);

        if (w.vcpu == v) {
            g_array_remove_index(a, i);
            end_wait(bt, &w, now_ns);
            break;
        }
    }
    if (a && !a->len) {
        g_hash_table_remove(bt->waits, &key);
    }
}

void postcopy_blocktime_fault(PostcopyBlocktime *bt, uint64_t page_key,
                              int vcpu, uint32_t tid, int64_t now_ns)
{
    GArray *a;
    Wait w = { tid, vcpu, now_ns };

    if (vcpu >= (int)bt->nr_vcpus) {
        w.vcpu = vcpu = -1;
    }
    if (vcpu >= 0 && bt->vcpu[vcpu].waiting) {
        if (bt->vcpu[vcpu].page_key == page_key) {
            return;
        }
        end_vcpu_wait(bt, vcpu, now_ns);
    }
    a = waits_of(bt, page_key, true);
    if (vcpu < 0) {
        for (guint i = 0; i < a->len; i++) {
            if (g_array_index(a, Wait, i).tid == tid) {
                return;
            }
        }
    }
    g_array_append_val(a, w);
    bt->nr_waits++;
    if (vcpu >= 0) {
        bt->vcpu[vcpu].waiting = true;
        bt->vcpu[vcpu].page_key = page_key;
        if (++bt->vcpus_waiting == bt->nr_vcpus) {
            bt->all_waiting_since = now_ns;
        }
    }
}

void postcopy_blocktime_page_arrived(PostcopyBlocktime *bt, uint64_t page_key,
                                     int64_t now_ns)
{
    GArray *a = waits_of(bt, page_key, false);

    if (!a) {
        return;
    }
    for (guint i = 0; i < a->len; i++) {
        end_wait(bt, &g_array_index(a, Wait, i), now_ns);
    }
    g_hash_table_remove(bt->waits, &page_key);
}

unsigned postcopy_blocktime_waiting(PostcopyBlocktime *bt)
{
    return bt->nr_waits;
}

void postcopy_blocktime_get(PostcopyBlocktime *bt,
                            PostcopyBlocktimeInfo *info)
{
    uint64_t vcpu_faults = 0;

    memset(info, 0, sizeof(*info));
    info->blocktime_ms = (uint32_t)MIN(bt->total_ns / 1000000, UINT32_MAX);
    info->nr_vcpus = bt->nr_vcpus;
    info->vcpu_blocktime_ms = g_new0(uint32_t, bt->nr_vcpus ? bt->nr_vcpus
                                                            : 1);
    info->vcpu_latency_ns = g_new0(uint64_t, bt->nr_vcpus ? bt->nr_vcpus
                                                          : 1);
    for (unsigned v = 0; v < bt->nr_vcpus; v++) {
        const VcpuStat *s = &bt->vcpu[v];

        info->vcpu_blocktime_ms[v] =
            (uint32_t)MIN(s->blocked_ns / 1000000, UINT32_MAX);
        info->vcpu_latency_ns[v] = s->faults ? s->blocked_ns / s->faults : 0;
        vcpu_faults += s->faults;
    }
    info->latency_ns = bt->faults ? bt->latency_sum_ns / bt->faults : 0;
    memcpy(info->latency_dist, bt->dist, sizeof(bt->dist));
    info->non_vcpu_latency_ns =
        bt->non_vcpu_faults ? bt->non_vcpu_sum_ns / bt->non_vcpu_faults : 0;
    info->faults = bt->faults;
    info->vcpu_faults = vcpu_faults;
    info->non_vcpu_faults = bt->non_vcpu_faults;
}

void postcopy_blocktime_info_clear(PostcopyBlocktimeInfo *info)
{
    g_free(info->vcpu_blocktime_ms);
    g_free(info->vcpu_latency_ns);
    memset(info, 0, sizeof(*info));
}
