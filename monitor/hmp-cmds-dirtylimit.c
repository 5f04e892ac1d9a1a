/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP handlers for the vCPU dirty limit: set_vcpu_dirty_limit,
 * cancel_vcpu_dirty_limit and info vcpu_dirty_limit, over the QMP
 * commands of system/dirtylimit.c, printed in QEMU's HMP layout.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "system/dirtylimit.h"
#include "hmp-internal.h"

void hmp_set_vcpu_dirty_limit(Hmp *h, JsonObject *args)
{
    int64_t rate = hmp_arg_int(args, "dirty_rate", 0);
    bool has_index = hmp_arg_has(args, "cpu_index");
    int64_t index = hmp_arg_int(args, "cpu_index", -1);
    GError *err = NULL;

    if (rate < 0) {
        g_set_error(&err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "invalid dirty page limit %" PRId64, rate);
    } else {
        qmp_set_vcpu_dirty_limit(has_index, index, rate, &err);
    }
    hmp_handle_error(h, err);
}

void hmp_cancel_vcpu_dirty_limit(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    qmp_cancel_vcpu_dirty_limit(hmp_arg_has(args, "cpu_index"),
                                hmp_arg_int(args, "cpu_index", -1), &err);
    hmp_handle_error(h, err);
}

void hmp_info_vcpu_dirty_limit(Hmp *h, JsonObject *args)
{
    g_autoptr(DirtyLimitInfoList) list = NULL;

    if (!dirtylimit_in_service()) {
        hmp_printf(h, "Dirty page limit not enabled!\n");
        return;
    }
    list = qmp_query_vcpu_dirty_limit(NULL);
    for (DirtyLimitInfoList *l = list; l; l = l->next) {
        hmp_printf(h, "vcpu[%" PRId64 "], limit rate %" PRIu64 " (MB/s),"
                   " current rate %" PRIu64 " (MB/s)\n", l->value->cpu_index,
                   l->value->limit_rate, l->value->current_rate);
    }
}
