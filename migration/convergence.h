/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Convergence of an outgoing migration (issue 12): progress and ETA,
 * stall detection, the downtime ramp and the completion budget.
 * docs/devel/migration/convergence.rst defines every figure.
 *
 * Two tiers in one header:
 *   - the estimator (convergence.c): pure arithmetic over samples the
 *     caller feeds it with its own clock, no globals, no locking; the
 *     unit test drives it directly;
 *   - the hooks (convergence-hooks.c): one estimator per outgoing
 *     migration, fed by the migration thread at period and pass
 *     boundaries, read by query-migrate; they emit the events.
 *
 * Everything is opt-in: with none of the x- parameters set the hooks
 * change nothing (the downtime limit is downtime-limit, no event carries
 * a new member, query-migrate has no `convergence`).
 */
#ifndef MIGRATION_CONVERGENCE_H
#define MIGRATION_CONVERGENCE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "qapi/qapi-types.h"

/* ---- the estimator ---- */

/* Stall evidence keeps at most this many passes (+1 boundary). */
#define CONV_STALL_PASSES_MAX 1000
/* Downtime limits (ms) follow downtime-limit's range. */
#define CONV_DOWNTIME_MAX_MS (2000 * 1000)
/* Per-pass samples behind the ETA's confidence. */
#define CONV_CONFIDENCE_SAMPLES 4
/* Weight of a new sample in the smoothed rates. */
#define CONV_RATE_ALPHA 0.3
/* A period shorter than this gives no transfer-rate sample. */
#define CONV_RATE_PERIOD_MS 100
/* Remaining must fall by more than 1/CONV_SHRINK_DIV of the best seen
 * to count as shrinking (noise of a page or two is not progress). */
#define CONV_SHRINK_DIV 100
/* Syncs up to and including this one belong to setup and the bulk pass:
 * no ramp step, no stall counting before it. */
#define CONV_BULK_SYNC 2

/* The parameters, as read at one moment (0 = feature off). */
typedef struct ConvConfig {
    uint64_t downtime_limit_ms;     /* the user's downtime-limit */
    uint32_t stall_passes;
    uint64_t ramp_initial_ms;       /* 0: downtime_limit_ms */
    uint64_t ramp_step_ms;
    uint64_t ramp_max_ms;           /* 0: ramp off */
    uint64_t budget_ms;             /* 0: no budget */
    MigrationBudgetAction budget_action;
} ConvConfig;

/* One dirty-bitmap sync as the RAM saver saw it. */
typedef struct ConvPassSample {
    uint64_t pass;                  /* sync count, first is 1 */
    int64_t now_ms;                 /* caller's clock */
    uint64_t remaining;             /* dirty bytes after the sync */
    uint64_t fresh;                 /* bytes newly dirtied since the last */
    uint64_t processed;             /* RAM bytes processed so far */
    uint64_t transferred;           /* bytes put on the channels so far */
} ConvPassSample;

/* A stall found at a pass boundary (owned by the estimator). */
typedef struct ConvStall {
    uint64_t pass;
    uint64_t *remaining;            /* nr entries, oldest first */
    size_t nr;
} ConvStall;

typedef struct ConvEstimator {
    int64_t start_ms;
    uint64_t total;                 /* RAM bytes the migration covers */
    /* transfer rate: bytes put on the channels per second, smoothed */
    double transfer_rate;
    int64_t rate_ms;                /* last sample point */
    uint64_t rate_bytes;            /* transferred at rate_ms */
    /* dirty rate: fresh bytes per second between syncs, smoothed */
    double dirty_rate;
    int64_t pass_ms;                /* time of the last sync; -1 none */
    uint64_t pass_bytes;            /* transferred at the last sync */
    uint64_t iteration;             /* last sync count */
    uint64_t remaining;             /* at the last sync */
    uint64_t remaining_now;         /* latest known */
    uint64_t processed;             /* latest known */
    /* progress: running maximum of the raw ratio */
    double progress;
    /* per-pass rate samples, newest at [samples % N] */
    double pass_transfer[CONV_CONFIDENCE_SAMPLES];
    double pass_dirty[CONV_CONFIDENCE_SAMPLES];
    unsigned samples;
    /* stall detection */
    uint64_t best_remaining;
    uint64_t since_best;            /* boundaries since best fell */
    bool stall_reported;            /* for the current episode */
    uint64_t *history;              /* ring of remaining, stall_passes+1 */
    size_t history_len, history_pos, history_fill;
    ConvStall stall;
    /* budget */
    bool decided;
} ConvEstimator;

/* Start (or restart) e at now_ms for a migration of `total` RAM bytes;
 * e is zeroed or was initialised before (what it owns is freed). */
void conv_init(ConvEstimator *e, int64_t now_ms, uint64_t total);
/* Free what e owns (its stall evidence). */
void conv_cleanup(ConvEstimator *e);

/*
 * Between passes: processed and transferred are the running totals of RAM
 * bytes processed and of bytes put on the channels; remaining the dirty
 * bytes not sent yet. The transfer rate takes a sample when at least
 * CONV_RATE_PERIOD_MS passed since the last one; progress is refreshed.
 */
void conv_on_period(ConvEstimator *e, const ConvConfig *c, int64_t now_ms,
                    uint64_t processed, uint64_t transferred,
                    uint64_t remaining);

/*
 * A pass boundary. Updates the dirty rate, progress, ramp and stall
 * state. Returns the stall found at this boundary (valid until the next
 * call) or NULL.
 */
const ConvStall *conv_on_pass(ConvEstimator *e, const ConvConfig *c,
                              const ConvPassSample *s);

/* The downtime limit (ms) in force at sync count `iteration`. */
uint64_t conv_downtime_limit(const ConvConfig *c, uint64_t iteration);

/*
 * Raw progress: processed / (processed + to_send), to_send as from
 * conv_eta_ms(); 0 when to_send is unbounded (< 0).
 */
double conv_progress_raw(uint64_t processed, double to_send);
/* Until the dirty rate is known (end of the bulk pass), progress is this
 * share of the RAM processed over the total. */
#define CONV_BULK_SHARE 0.5
/* The highest progress before completion (1 means completed). */
#define CONV_PROGRESS_RUNNING_MAX 0.999

/*
 * ETA in ms from `remaining` bytes: passes are simulated forward (each
 * sends what is dirty and finds dirty_rate x its duration dirty again,
 * never more than `remaining`, the ramp raising the limit) until the rest
 * fits the limit, then the rest is sent. -1 when it never fits (within
 * CONV_ETA_MAX_PASSES) or transfer_rate is 0. *to_send (may be NULL)
 * gets the bytes the simulation sends, -1 with an ETA of -1.
 */
#define CONV_ETA_MAX_PASSES 1000
int64_t conv_eta_ms(const ConvConfig *c, uint64_t iteration,
                    uint64_t remaining, double transfer_rate,
                    double dirty_rate, double *to_send);
/*
 * The bytes outstanding at now_ms: dirty and not sent, plus what the
 * guest is estimated to have dirtied since the last sync.
 */
uint64_t conv_outstanding(const ConvEstimator *e, int64_t now_ms);

/* Confidence in the ETA, 0..100 (see convergence.rst). */
int conv_eta_confidence(const ConvEstimator *e, int64_t eta_ms);

/* Current figures of e (as query-migrate reports them). */
typedef struct ConvFigures {
    double progress;
    uint64_t iteration;
    uint64_t transfer_rate;         /* bytes/s */
    uint64_t dirty_rate;            /* bytes/s */
    int64_t eta_ms;                 /* -1: never */
    int eta_confidence;
    uint64_t downtime_limit_ms;
    bool stalled;
} ConvFigures;
void conv_figures(const ConvEstimator *e, const ConvConfig *c,
                  int64_t now_ms, ConvFigures *out);

/*
 * The completion budget (once per migration): should it act now, at
 * now_ms, with what is outstanding then? Returns true with *reason (newly
 * allocated) and *eta_ms (-1: never) set, and marks e decided. False
 * when there is no budget, it already acted, or precopy is predicted to
 * finish in time.
 */
#define CONV_BUDGET_MIN_CONFIDENCE 50
#define CONV_BUDGET_MARGIN_MIN_MS 100
bool conv_budget_due(ConvEstimator *e, const ConvConfig *c, int64_t now_ms,
                     char **reason, int64_t *eta_ms);

/* ---- the hooks (convergence-hooks.c) ---- */

/* migrate-set-parameters: the ranges of the x- convergence parameters
 * (the first failing rule is reported). */
bool convergence_params_check(const MigrationParameters *p, GError **errp);
/* query-migrate-parameters: drop the members at their default, so that
 * with everything off the reply is QEMU's. */
void convergence_params_hide_defaults(MigrationParameters *p);
/* The opposite, for HMP's migrate_set_parameter, which learns a
 * member's type from the current value. */
void convergence_params_show_all(MigrationParameters *p);

/* migrate: the budget's action must be possible (postcopy needs
 * postcopy-ram). Main thread, BQL. */
bool convergence_check_start(GError **errp);
/* migrate: a new estimator when any feature is on. Main thread, BQL. */
void convergence_start(void);
/* Migration thread: a transfer-rate period ended. */
void convergence_on_period(void);
/* Migration thread: after dirty sync `pass` (updates the figures). */
void convergence_on_pass(uint64_t pass);
/* Migration thread: MIGRATION_STALLED when the last pass found a stall
 * (after that pass's MIGRATION_PASS). */
void convergence_emit_stall(void);
/* Migration thread: MIGRATION_PASS for `pass`, with the x- members
 * while reporting is on. */
void convergence_emit_pass(uint64_t pass);
/* The downtime limit (ms) the switchover threshold uses now. */
uint64_t convergence_downtime_limit(void);
/*
 * Migration thread, status active: the budget's action when it is due
 * now (emits MIGRATION_BUDGET_ACTION), else false.
 */
bool convergence_budget_poll(MigrationBudgetAction *action);
/* query-migrate: the `convergence` member (NULL when reporting is off). */
MigrationConvergenceInfo *convergence_query(bool completed);

#endif /* MIGRATION_CONVERGENCE_H */
