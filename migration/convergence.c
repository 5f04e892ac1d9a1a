/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The convergence estimator (convergence.h): rates, progress, ETA and its
 * confidence, the downtime ramp, stall detection and the budget's
 * decision, as arithmetic over the samples the caller feeds in. The
 * definitions are in docs/devel/migration/convergence.rst; the numbers
 * here are what that page promises.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "migration/convergence.h"

void conv_init(ConvEstimator *e, int64_t now_ms, uint64_t total)
{
    conv_cleanup(e);
    memset(e, 0, sizeof(*e));
    e->start_ms = now_ms;
    e->total = total;
    e->rate_ms = now_ms;
    e->pass_ms = -1;
    e->best_remaining = UINT64_MAX;
}

void conv_cleanup(ConvEstimator *e)
{
    g_clear_pointer(&e->history, g_free);
    g_clear_pointer(&e->stall.remaining, g_free);
    e->history_len = 0;
}

static double conv_smooth(double old, double sample)
{
    /* The first sample stands alone: averaging with "no estimate" (0)
     * would make every start look slow. */
    if (old <= 0) {
        return sample;
    }
    return old + CONV_RATE_ALPHA * (sample - old);
}

double conv_progress_raw(uint64_t processed, double to_send)
{
    if (to_send < 0 || (!processed && !to_send)) {
        return 0;
    }
    return processed / (processed + to_send);
}

uint64_t conv_outstanding(const ConvEstimator *e, int64_t now_ms)
{
    double since = e->pass_ms >= 0 && now_ms > e->pass_ms ?
                   now_ms - e->pass_ms : 0;

    return e->remaining_now + (uint64_t)(e->dirty_rate * since / 1000);
}

/*
 * Progress only moves up, and stops short of 1 until completion. Until
 * the bulk pass has ended the dirty rate is unknown, and with it what
 * must be sent again: that phase counts for CONV_BULK_SHARE.
 */
static void conv_progress_update(ConvEstimator *e, const ConvConfig *c,
                                 int64_t now_ms)
{
    double raw, to_send;

    if (e->iteration < CONV_BULK_SYNC) {
        raw = e->total ? CONV_BULK_SHARE *
                         MIN(1.0, (double)e->processed / e->total) : 0;
    } else {
        conv_eta_ms(c, e->iteration, conv_outstanding(e, now_ms),
                    e->transfer_rate, e->dirty_rate, &to_send);
        raw = conv_progress_raw(e->processed, to_send);
    }
    raw = MIN(raw, CONV_PROGRESS_RUNNING_MAX);
    if (raw > e->progress) {
        e->progress = raw;
    }
}

void conv_on_period(ConvEstimator *e, const ConvConfig *c, int64_t now_ms,
                    uint64_t processed, uint64_t transferred,
                    uint64_t remaining)
{
    int64_t dt = now_ms - e->rate_ms;

    e->remaining_now = remaining;
    if (processed > e->processed) {
        e->processed = processed;
    }
    if (dt >= CONV_RATE_PERIOD_MS) {
        uint64_t moved = transferred > e->rate_bytes ?
                         transferred - e->rate_bytes : 0;

        /* Nothing to send and nothing sent says nothing about the link:
         * an idle guest must not drag the rate down. */
        if (moved || remaining) {
            e->transfer_rate = conv_smooth(e->transfer_rate,
                                           moved * 1000.0 / dt);
        }
        e->rate_ms = now_ms;
        e->rate_bytes = transferred;
    }
    conv_progress_update(e, c, now_ms);
}

uint64_t conv_downtime_limit(const ConvConfig *c, uint64_t iteration)
{
    uint64_t initial, steps, v;

    if (!c->ramp_max_ms) {
        return c->downtime_limit_ms;
    }
    initial = c->ramp_initial_ms ? c->ramp_initial_ms : c->downtime_limit_ms;
    if (initial >= c->ramp_max_ms) {
        return c->ramp_max_ms;
    }
    steps = iteration > CONV_BULK_SYNC ? iteration - CONV_BULK_SYNC : 0;
    /* Saturating: step x steps may not fit 64 bits. */
    if (c->ramp_step_ms && steps > (c->ramp_max_ms - initial) /
                                   c->ramp_step_ms) {
        return c->ramp_max_ms;
    }
    v = initial + steps * c->ramp_step_ms;
    return MIN(v, c->ramp_max_ms);
}

/* Keep remaining in the ring sized for the stall window (K + 1). */
static void conv_history_push(ConvEstimator *e, uint32_t k,
                              uint64_t remaining)
{
    size_t want = (size_t)k + 1;

    if (e->history_len != want) {
        /* A new window: earlier boundaries are not evidence for it. */
        g_free(e->history);
        e->history = g_new0(uint64_t, want);
        e->history_len = want;
        e->history_pos = 0;
        e->history_fill = 0;
    }
    e->history[e->history_pos] = remaining;
    e->history_pos = (e->history_pos + 1) % want;
    if (e->history_fill < want) {
        e->history_fill++;
    }
}

static const ConvStall *conv_stall_check(ConvEstimator *e,
                                         const ConvConfig *c,
                                         const ConvPassSample *s)
{
    uint32_t k = c->stall_passes;
    uint64_t fit;

    if (!k || s->pass < CONV_BULK_SYNC) {
        return NULL;
    }
    conv_history_push(e, k, s->remaining);
    fit = conv_downtime_limit(c, s->pass) * e->transfer_rate / 1000;
    if (e->best_remaining == UINT64_MAX || s->remaining <= fit ||
        s->remaining < e->best_remaining -
                       e->best_remaining / CONV_SHRINK_DIV) {
        /* Shrinking, or small enough to switch over: not a stall. */
        e->best_remaining = s->remaining;
        e->since_best = 0;
        e->stall_reported = false;
        return NULL;
    }
    e->since_best++;
    if (e->since_best < k || e->stall_reported ||
        e->history_fill < e->history_len) {
        return NULL;
    }
    e->stall_reported = true;
    g_free(e->stall.remaining);
    e->stall.nr = e->history_len;
    e->stall.remaining = g_new(uint64_t, e->stall.nr);
    for (size_t i = 0; i < e->stall.nr; i++) {
        /* history_pos is the oldest entry once the ring is full. */
        e->stall.remaining[i] =
            e->history[(e->history_pos + i) % e->history_len];
    }
    e->stall.pass = s->pass;
    return &e->stall;
}

const ConvStall *conv_on_pass(ConvEstimator *e, const ConvConfig *c,
                              const ConvPassSample *s)
{
    if (e->pass_ms >= 0 && s->pass > e->iteration &&
        s->now_ms > e->pass_ms) {
        double dt = s->now_ms - e->pass_ms;
        double dirty = s->fresh * 1000.0 / dt;
        double moved = s->transferred > e->pass_bytes ?
                       (s->transferred - e->pass_bytes) * 1000.0 / dt : 0;

        e->dirty_rate = conv_smooth(e->dirty_rate, dirty);
        /* The bulk pass is mostly zero pages: its rate says little
         * about the passes that follow, so it is no confidence sample. */
        if (s->pass > CONV_BULK_SYNC) {
            unsigned i = e->samples % CONV_CONFIDENCE_SAMPLES;

            e->pass_transfer[i] = moved;
            e->pass_dirty[i] = dirty;
            e->samples++;
        }
    }
    e->pass_ms = s->now_ms;
    e->pass_bytes = s->transferred;
    e->iteration = s->pass;
    e->remaining = s->remaining;
    e->remaining_now = s->remaining;
    if (s->processed > e->processed) {
        e->processed = s->processed;
    }
    conv_progress_update(e, c, s->now_ms);
    return conv_stall_check(e, c, s);
}

int64_t conv_eta_ms(const ConvConfig *c, uint64_t iteration,
                    uint64_t remaining, double transfer_rate,
                    double dirty_rate, double *to_send)
{
    double r = remaining, t = 0, sent = 0;
    /* Re-dirtying is bounded by what the guest touches: a pass never
     * finds more dirty than the working set seen now. */
    double cap = remaining;

    if (to_send) {
        *to_send = -1;
    }
    if (transfer_rate <= 0) {
        return -1;
    }
    for (int n = 0; n < CONV_ETA_MAX_PASSES; n++) {
        uint64_t limit = conv_downtime_limit(c, iteration + n);
        double pass_ms, next;

        if (r <= limit * transfer_rate / 1000) {
            if (to_send) {
                *to_send = sent + r;
            }
            return (int64_t)ceil(t + r * 1000 / transfer_rate);
        }
        pass_ms = r * 1000 / transfer_rate;
        next = MIN(dirty_rate * pass_ms / 1000, cap);
        if (next >= r && (!c->ramp_max_ms || limit >= c->ramp_max_ms)) {
            return -1;      /* never shrinks, and the limit is final */
        }
        t += pass_ms;
        sent += r;
        r = next;
    }
    return -1;
}

/* How far apart the values are: (max - min) / max, 0 when all are 0. */
static double conv_spread(const double *v, unsigned n)
{
    double lo = v[0], hi = v[0];

    for (unsigned i = 1; i < n; i++) {
        lo = MIN(lo, v[i]);
        hi = MAX(hi, v[i]);
    }
    return hi > 0 ? (hi - lo) / hi : 0;
}

/* Agreement of the last per-pass rate samples, 0..100. */
static int conv_rate_confidence(const ConvEstimator *e)
{
    unsigned n = MIN(e->samples, CONV_CONFIDENCE_SAMPLES);
    double spread, conf;

    if (!n) {
        return 0;
    }
    spread = MAX(conv_spread(e->pass_transfer, n),
                 conv_spread(e->pass_dirty, n));
    conf = 100.0 * n / CONV_CONFIDENCE_SAMPLES * (1 - spread);
    return (int)CLAMP(conf, 0, 100);
}

int conv_eta_confidence(const ConvEstimator *e, int64_t eta_ms)
{
    return eta_ms < 0 ? 0 : conv_rate_confidence(e);
}

void conv_figures(const ConvEstimator *e, const ConvConfig *c,
                  int64_t now_ms, ConvFigures *out)
{
    out->progress = e->progress;
    out->iteration = e->iteration;
    out->transfer_rate = (uint64_t)e->transfer_rate;
    out->dirty_rate = (uint64_t)e->dirty_rate;
    out->eta_ms = conv_eta_ms(c, e->iteration, conv_outstanding(e, now_ms),
                              e->transfer_rate, e->dirty_rate, NULL);
    out->eta_confidence = conv_eta_confidence(e, out->eta_ms);
    out->downtime_limit_ms = conv_downtime_limit(c, e->iteration);
    out->stalled = c->stall_passes && e->since_best >= c->stall_passes;
}

bool conv_budget_due(ConvEstimator *e, const ConvConfig *c, int64_t now_ms,
                     char **reason, int64_t *eta_ms)
{
    int64_t elapsed = now_ms - e->start_ms;
    int64_t left = (int64_t)c->budget_ms - elapsed;
    uint64_t remaining = conv_outstanding(e, now_ms);
    int64_t eta, finish = 0, margin;

    if (!c->budget_ms || e->decided) {
        return false;
    }
    eta = conv_eta_ms(c, e->iteration, remaining, e->transfer_rate,
                      e->dirty_rate, NULL);
    /* Before the bulk pass ends the dirty rate is unknown and the ETA
     * optimistic: only the deadline guard below may act then. */
    if (eta >= 0 && eta <= left && e->iteration >= CONV_BULK_SYNC) {
        return false;       /* precopy is predicted to make it */
    }
    if (c->budget_action != MIGRATION_BUDGET_ACTION_CANCEL &&
        e->transfer_rate > 0) {
        /* Pausing and postcopy both still have to send what is dirty. */
        finish = (int64_t)ceil(remaining * 1000.0 / e->transfer_rate);
    }
    margin = MAX(CONV_BUDGET_MARGIN_MIN_MS, (int64_t)c->budget_ms / 20);

    if (left <= finish + margin) {
        *reason = g_strdup_printf("%" PRId64 " ms of the %" PRIu64 " ms "
                                  "budget left; %s needs about %" PRId64
                                  " ms", MAX(left, 0), c->budget_ms,
                                  MigrationBudgetAction_str(c->budget_action),
                                  finish);
    } else if (e->iteration >= CONV_BULK_SYNC &&
               conv_rate_confidence(e) >= CONV_BUDGET_MIN_CONFIDENCE) {
        if (eta < 0) {
            *reason = g_strdup_printf(
                "precopy does not converge: dirty rate %.0f B/s, transfer "
                "rate %.0f B/s, downtime limit %" PRIu64 " ms",
                e->dirty_rate, e->transfer_rate,
                conv_downtime_limit(c, e->iteration));
        } else {
            *reason = g_strdup_printf("ETA %" PRId64 " ms exceeds the %"
                                      PRId64 " ms left of the %" PRIu64
                                      " ms budget", eta, left, c->budget_ms);
        }
    } else {
        return false;       /* not sure yet, and still time to wait */
    }
    e->decided = true;
    *eta_ms = eta;
    return true;
}
