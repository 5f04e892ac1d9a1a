/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The convergence hooks (convergence.h): one estimator per outgoing
 * migration, fed by the migration thread at period and pass boundaries,
 * read by query-migrate and the switchover threshold; the x- parameters'
 * checks; MIGRATION_STALLED, MIGRATION_BUDGET_ACTION and the x- members
 * of MIGRATION_PASS.
 *
 * The estimator always runs (it is a few divisions per period); whether
 * anything of it is visible is decided at each output from the current
 * parameters, so reporting can be switched on during a migration and
 * nothing changes while everything is off.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-events.h"
#include "qapi/qapi-visit.h"
#include "system/memory.h"
#include "migration/convergence.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/ram.h"

/*
 * conv_lock guards the estimator and the decision: the migration thread
 * feeds them, query-migrate (main thread) reads them.
 */
static GMutex conv_lock;
static ConvEstimator conv_est;
static bool conv_running;
static MigrationBudgetDecision *conv_decision;
/* A stall found at the last pass, for convergence_emit_stall(). */
static bool conv_stall_pending;
static uint64_t conv_stall_pass;
static intList *conv_stall_evidence;
static uint64_t conv_stall_dirty, conv_stall_transfer, conv_stall_limit;

/* ---- parameters ---- */

bool convergence_params_check(const MigrationParameters *p, GError **errp)
{
    uint64_t initial = p->x_downtime_ramp_initial;

    if (p->x_stall_detect_passes > CONV_STALL_PASSES_MAX) {
        error_setg(errp, "Parameter 'x-stall-detect-passes' expects a "
                   "value between 0 and %d", CONV_STALL_PASSES_MAX);
        return false;
    }
    if (p->x_downtime_ramp_initial > CONV_DOWNTIME_MAX_MS ||
        p->x_downtime_ramp_step > CONV_DOWNTIME_MAX_MS ||
        p->x_downtime_ramp_max > CONV_DOWNTIME_MAX_MS) {
        error_setg(errp, "Parameters 'x-downtime-ramp-initial', "
                   "'x-downtime-ramp-step' and 'x-downtime-ramp-max' expect "
                   "a value between 0 and %d ms", CONV_DOWNTIME_MAX_MS);
        return false;
    }
    if (p->x_downtime_ramp_max && initial > p->x_downtime_ramp_max) {
        error_setg(errp, "Parameter 'x-downtime-ramp-initial' (%" PRIu64
                   " ms) must not exceed 'x-downtime-ramp-max' (%" PRIu64
                   " ms)", initial, p->x_downtime_ramp_max);
        return false;
    }
    return true;
}

void convergence_params_hide_defaults(MigrationParameters *p)
{
    p->has_x_convergence_report = p->x_convergence_report;
    p->has_x_stall_detect_passes = p->x_stall_detect_passes != 0;
    p->has_x_downtime_ramp_initial = p->x_downtime_ramp_initial != 0;
    p->has_x_downtime_ramp_step = p->x_downtime_ramp_step != 0;
    p->has_x_downtime_ramp_max = p->x_downtime_ramp_max != 0;
    p->has_x_completion_budget_ms = p->x_completion_budget_ms != 0;
    p->has_x_completion_budget_action =
        p->x_completion_budget_action != MIGRATION_BUDGET_ACTION_CANCEL;
}

void convergence_params_show_all(MigrationParameters *p)
{
    p->has_x_convergence_report = true;
    p->has_x_stall_detect_passes = true;
    p->has_x_downtime_ramp_initial = true;
    p->has_x_downtime_ramp_step = true;
    p->has_x_downtime_ramp_max = true;
    p->has_x_completion_budget_ms = true;
    p->has_x_completion_budget_action = true;
}

static void conv_config(ConvConfig *c)
{
    c->downtime_limit_ms = migrate_downtime_limit();
    c->stall_passes = migrate_stall_detect_passes();
    c->ramp_initial_ms = migrate_downtime_ramp_initial();
    c->ramp_step_ms = migrate_downtime_ramp_step();
    c->ramp_max_ms = migrate_downtime_ramp_max();
    c->budget_ms = migrate_completion_budget_ms();
    c->budget_action = migrate_completion_budget_action();
}

/* Is anything of the convergence work visible now? */
static bool conv_reporting(const ConvConfig *c)
{
    return migrate_convergence_report() || c->stall_passes ||
           c->ramp_max_ms || c->budget_ms;
}

/* ---- figures from the RAM saver ---- */

static int64_t conv_now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

static uint64_t conv_processed(void)
{
    return ram_get_total_transferred_pages() * TARGET_PAGE_SIZE;
}

/* ---- life cycle ---- */

bool convergence_check_start(GError **errp)
{
    if (migrate_completion_budget_ms() &&
        migrate_completion_budget_action() ==
            MIGRATION_BUDGET_ACTION_POSTCOPY &&
        !migrate_postcopy_ram()) {
        error_setg(errp, "x-completion-budget-action 'postcopy' requires "
                   "capability 'postcopy-ram'");
        return false;
    }
    return true;
}

void convergence_start(void)
{
    g_mutex_lock(&conv_lock);
    conv_init(&conv_est, conv_now_ms(), ram_bytes_total());
    g_clear_pointer(&conv_decision, qapi_free_MigrationBudgetDecision);
    g_clear_pointer(&conv_stall_evidence, qapi_free_intList);
    conv_stall_pending = false;
    conv_running = true;
    g_mutex_unlock(&conv_lock);
}

/* ---- the migration thread's hooks ---- */

void convergence_on_period(void)
{
    ConvConfig c;

    conv_config(&c);
    g_mutex_lock(&conv_lock);
    if (conv_running) {
        conv_on_period(&conv_est, &c, conv_now_ms(), conv_processed(),
                       qatomic_read(&mig_stats.transferred),
                       ram_bytes_remaining());
    }
    g_mutex_unlock(&conv_lock);
}

void convergence_on_pass(uint64_t pass)
{
    ConvConfig c;
    ConvPassSample smp = {
        .pass = pass,
        .now_ms = conv_now_ms(),
        .remaining = qatomic_read(&mig_stats.dirty_bytes_last_sync),
        .fresh = qatomic_read(&mig_stats.dirty_bytes_fresh_last_sync),
        .processed = conv_processed(),
        .transferred = qatomic_read(&mig_stats.transferred),
    };
    const ConvStall *st;

    conv_config(&c);
    g_mutex_lock(&conv_lock);
    if (!conv_running) {
        g_mutex_unlock(&conv_lock);
        return;
    }
    st = conv_on_pass(&conv_est, &c, &smp);
    if (st) {
        g_clear_pointer(&conv_stall_evidence, qapi_free_intList);
        for (size_t i = st->nr; i-- > 0;) {
            intList *e = g_new0(intList, 1);

            e->value = st->remaining[i];
            e->next = conv_stall_evidence;
            conv_stall_evidence = e;
        }
        conv_stall_pending = true;
        conv_stall_pass = pass;
        conv_stall_dirty = conv_est.dirty_rate;
        conv_stall_transfer = conv_est.transfer_rate;
        conv_stall_limit = conv_downtime_limit(&c, pass);
    }
    g_mutex_unlock(&conv_lock);
}

void convergence_emit_stall(void)
{
    intList *evidence;
    uint64_t pass, dirty, transfer, limit;

    g_mutex_lock(&conv_lock);
    if (!conv_stall_pending) {
        g_mutex_unlock(&conv_lock);
        return;
    }
    conv_stall_pending = false;
    evidence = g_steal_pointer(&conv_stall_evidence);
    pass = conv_stall_pass;
    dirty = conv_stall_dirty;
    transfer = conv_stall_transfer;
    limit = conv_stall_limit;
    g_mutex_unlock(&conv_lock);

    qapi_event_send_migration_stalled(pass, evidence, dirty, transfer, limit);
    qapi_free_intList(evidence);
}

void convergence_emit_pass(uint64_t pass)
{
    ConvConfig c;
    ConvFigures f;
    uint64_t remaining;

    conv_config(&c);
    g_mutex_lock(&conv_lock);
    if (!conv_running || !conv_reporting(&c)) {
        g_mutex_unlock(&conv_lock);
        qapi_event_send_migration_pass(pass, false, 0, false, 0, false, 0,
                                       false, 0, false, 0, false, 0);
        return;
    }
    conv_figures(&conv_est, &c, conv_now_ms(), &f);
    remaining = conv_est.remaining;
    g_mutex_unlock(&conv_lock);

    qapi_event_send_migration_pass(pass, true, remaining,
                                   true, f.dirty_rate,
                                   true, f.transfer_rate,
                                   true, f.progress,
                                   f.eta_ms >= 0, f.eta_ms,
                                   true, f.downtime_limit_ms);
}

uint64_t convergence_downtime_limit(void)
{
    ConvConfig c;
    uint64_t limit;

    conv_config(&c);
    if (!c.ramp_max_ms) {
        return c.downtime_limit_ms;     /* the user's, as QEMU */
    }
    g_mutex_lock(&conv_lock);
    limit = conv_downtime_limit(&c, conv_est.iteration);
    g_mutex_unlock(&conv_lock);
    return limit;
}

bool convergence_budget_poll(MigrationBudgetAction *action)
{
    ConvConfig c;
    MigrationBudgetDecision *d;
    g_autofree char *reason = NULL;
    int64_t eta = -1, now;

    /* Called at every loop turn: one parameter read when off. */
    if (!migrate_completion_budget_ms()) {
        return false;
    }
    conv_config(&c);
    now = conv_now_ms();
    g_mutex_lock(&conv_lock);
    if (!conv_running ||
        !conv_budget_due(&conv_est, &c, now, &reason, &eta)) {
        g_mutex_unlock(&conv_lock);
        return false;
    }
    d = g_new0(MigrationBudgetDecision, 1);
    d->action = c.budget_action;
    if (d->action == MIGRATION_BUDGET_ACTION_POSTCOPY &&
        !migrate_postcopy_ram()) {
        /* Set after migrate's check: cancelling is the safe fallback. */
        d->action = MIGRATION_BUDGET_ACTION_CANCEL;
        d->reason = g_strdup_printf("%s (postcopy-ram is off: cancel "
                                    "instead)", reason);
    } else {
        d->reason = g_steal_pointer(&reason);
    }
    d->elapsed_ms = now - conv_est.start_ms;
    d->budget_ms = c.budget_ms;
    d->has_eta_ms = eta >= 0;
    d->eta_ms = eta;
    g_clear_pointer(&conv_decision, qapi_free_MigrationBudgetDecision);
    conv_decision = d;
    *action = d->action;
    /* The event carries its own copy: the query may free ours. */
    {
        g_autoptr(JsonNode) n = qapi_MigrationBudgetDecision_to_json(d);
        MigrationBudgetDecision *copy =
            qapi_MigrationBudgetDecision_from_json(n, NULL, NULL);

        g_mutex_unlock(&conv_lock);
        qapi_event_send_migration_budget_action(copy);
        qapi_free_MigrationBudgetDecision(copy);
    }
    return true;
}

/* ---- query-migrate ---- */

MigrationConvergenceInfo *convergence_query(bool completed)
{
    ConvConfig c;
    ConvFigures f;
    MigrationConvergenceInfo *info;

    conv_config(&c);
    if (!conv_reporting(&c)) {
        return NULL;
    }
    info = g_new0(MigrationConvergenceInfo, 1);
    g_mutex_lock(&conv_lock);
    conv_figures(&conv_est, &c, conv_now_ms(), &f);
    if (conv_decision) {
        g_autoptr(JsonNode) n =
            qapi_MigrationBudgetDecision_to_json(conv_decision);

        info->budget_decision =
            qapi_MigrationBudgetDecision_from_json(n, NULL, NULL);
    }
    g_mutex_unlock(&conv_lock);

    info->progress = completed ? 1.0 : f.progress;
    info->iteration = f.iteration;
    info->transfer_rate = f.transfer_rate;
    info->dirty_rate = completed ? 0 : f.dirty_rate;
    info->has_eta_ms = completed || f.eta_ms >= 0;
    info->eta_ms = completed ? 0 : f.eta_ms;
    info->eta_confidence = completed ? 100 : f.eta_confidence;
    info->downtime_limit = f.downtime_limit_ms;
    info->has_stalled = c.stall_passes != 0;
    info->stalled = !completed && f.stalled;
    return info;
}
