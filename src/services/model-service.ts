import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, conflict, DuplicateKeyError, notFound, type ErrorDetail } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { resolveModelDir } from '../nlp/model/model-dir.js';
import { newNativeGuard, terminateWhenIdle } from '../nlp/model/native-guard.js';
import type { SerializedHead } from '../nlp/model/head.js';
import type { JobContext, JobQueue } from '../queue/job-queue.js';
import type { ModelJobPhase, ModelJobRecord, ModelVersionRecord, TrainingErrorCode } from '../store/records.js';
import type { Store } from '../store/store.js';
import { KeyedSerial } from '../keyed-serial.js';
import type { TrainConfirmed, TrainCorrection, TrainMessage, TrainRequest } from '../worker/train-thread.js';

/** How long a worker trusts its cached idea of a tenant's active version; promotions reach other processes within it. */
export const ACTIVE_MODEL_TTL_MS = 2000;
const PAGE = 1000;
const SWEEP_MS = 60_000;
const STALE_MS = 5 * 60_000;
/** How long a shutdown waits for the training thread's onnxruntime call (one batch of features) to return. */
const TRAIN_STOP_WAIT_MS = 5_000;
/** ~200 bytes per clause: 50,000 clauses is about 10 MB. */
const FEATURE_CACHE_SIZE = 50_000;
/** The most recent confirmed tags a candidate is judged on: enough to measure, bounded in features. */
const MAX_CONFIRMED = 5_000;

/** Percent ranges of the job's phases, so progress moves steadily through all of them. */
const PHASES: Record<string, [number, number]> = {
  collect: [0, 5],
  features: [5, 15],
  'cross-validate': [15, 75],
  fit: [75, 92],
  evaluate: [92, 97],
  save: [97, 100],
};

function trainThreadFile(): URL {
  const compiled = import.meta.url.endsWith('.ts') ? new URL('../../dist/worker/train-thread.js', import.meta.url) : new URL('../worker/train-thread.js', import.meta.url);
  if (!existsSync(compiled)) throw new Error(`training thread not built (${compiled.pathname}); run npm run build`);
  return compiled;
}

/** The code of a failure thrown while a job runs, set where the failure is made (see failureCode). */
const failureCodes = new WeakMap<object, TrainingErrorCode>();
function coded<E extends Error>(code: TrainingErrorCode, err: E): E {
  failureCodes.set(err, code);
  return err;
}
const failureCode = (err: unknown): TrainingErrorCode => (typeof err === 'object' && err !== null ? failureCodes.get(err) : undefined) ?? 'internal_error';

/** Inserts tried per training request before giving up (see queueTraining). */
const MAX_QUEUE_ATTEMPTS = 20;

/**
 * Training job ids are `tenant:rN`, and BullMQ refuses custom job ids with a colon ("Custom Id cannot
 * contain :"): with REDIS_URL every enqueue failed and jobs stayed queued for ever. The queue carries
 * the id percent-encoded (tenants are [a-z0-9_-], so only the colon changes) and run() decodes it.
 */
const toQueueId = (jobId: string) => encodeURIComponent(jobId);
const fromQueueId = (queueId: string) => decodeURIComponent(queueId);

// A digest, not the clause: the cache outlives the customer's erasure in a running worker, and the
// features it maps to (log-probabilities, hashed n-grams) are no text either.
const cacheKey = (tenant: string, text: string) => createHash('sha256').update(tenant).update('\u0001').update(text).digest('base64url');
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const clauseKey = (documentId: string, turnIndex: number | null, sentence: string) => `${documentId}\u0001${turnIndex ?? ''}\u0001${sentence}`;

interface Collected {
  corrections: TrainCorrection[];
  confirmed: TrainConfirmed[];
  documentIds: string[];
  /** What the log holds that is not training data, for the "nothing to learn" answer. */
  skipped: { deletesOfHuman: number; deletesOfNeutral: number; deletesSuperseded: number; deletesWithoutClause: number; accepted: number };
}

/**
 * Why the corrections log holds nothing to train on, as a sentence and as one detail per count (`field:
 * 'corrections'`, a `code`, `params.n`), so that a client words the counts in its own language instead of
 * reading them out of the English sentence.
 */
const SKIP_REASONS = [
  ['deletesOfHuman', 'deletes_of_human', "removed labelers' own tags"],
  ['deletesSuperseded', 'deletes_superseded', "were replaced by a labeler's added tag over the same words"],
  ['deletesOfNeutral', 'deletes_of_neutral', 'removed neutral tags, which a neutral label would not change'],
  ['deletesWithoutClause', 'deletes_without_clause', "were recorded before corrections kept the deleted tag's clause"],
] as const;

function nothingToLearn(code: 'nothing_to_learn' | 'conflict', skipped: Collected['skipped']): AppError {
  const parts: string[] = [];
  const details: ErrorDetail[] = [];
  const deletes = skipped.deletesOfHuman + skipped.deletesOfNeutral + skipped.deletesSuperseded + skipped.deletesWithoutClause;
  if (deletes > 0) {
    const why: string[] = [];
    for (const [key, reason, words] of SKIP_REASONS) {
      if (!skipped[key]) continue;
      why.push(`${skipped[key]} ${words}`);
      details.push({ field: 'corrections', code: reason, params: { n: skipped[key] } });
    }
    parts.push(`${deletes} deletion${deletes === 1 ? ' is' : 's are'} not training data (${why.join('; ')})`);
  }
  if (skipped.accepted > 0) {
    parts.push(`${skipped.accepted} accepted tag${skipped.accepted === 1 ? '' : 's'} only judge a candidate, they do not train one`);
    details.push({ field: 'corrections', code: 'accepted', params: { n: skipped.accepted } });
  }
  const message = `no corrections to learn from yet: correct, add or delete machine tags first${parts.length ? ` (${parts.join('; ')})` : ''}`;
  return new AppError(409, code, message, details);
}

/**
 * Corrections retrain the model. An admin asks for training; a worker collects the tenant's
 * corrections, fits a head over the frozen shipped model in a worker thread and stores the result as
 * a version with its metrics and gate verdict. Promotion (compare-and-set on the tenant's model state)
 * makes workers tag that tenant's documents with it, within ACTIVE_MODEL_TTL_MS and without a restart;
 * rollback returns to the version before. Versions are per tenant: one tenant's corrections never
 * change another tenant's tags.
 */
export class ModelService {
  private readonly activeCache = new Map<string, { at: number; head: SerializedHead | null }>();
  private readonly headCache = new Map<string, SerializedHead>();
  /** The training thread and the guard it shares (native-guard.ts), while one runs. */
  private training: { worker: Worker; guard: Int32Array } | null = null;
  /**
   * Base-model features per tenant and clause text (the model is frozen, so they never go stale);
   * bounded. Per tenant, although features depend on the text alone: a job's cached count must not
   * reveal that another tenant's corrections held the same clause.
   */
  private readonly features = new Map<string, [number[], number[]]>();
  private stopping = false;
  readonly baseVersion: string | null;

  constructor(
    private readonly store: Store,
    /** Its own `models` queue; public for the operators' queue dashboard. */
    readonly queue: JobQueue,
    private readonly logger: Logger,
    private readonly modelDir: string,
    private readonly metrics: Metrics | null = null,
  ) {
    this.baseVersion = readBaseVersion(modelDir);
  }

  // ---- API side -------------------------------------------------------------------------------

  /** Per tenant, the training request being handled in this process: requests run one at a time. */
  private readonly requesting = new KeyedSerial();

  /**
   * Queues the tenant's next training job, or returns the one already queued or running (`existing`):
   * it trains on every correction made up to its collect phase, so a second job would produce the same
   * version. Refused (409) up front when the corrections log holds nothing to learn from, so no version
   * number is used up. Requests are handled one at a time per tenant in this process, and the store's
   * unique `activeFor` index settles a race between processes.
   */
  async requestTraining(tenant: string, actor: string): Promise<ModelJobRecord & { existing: boolean }> {
    return this.requesting.run(tenant, () => this.queueTraining(tenant, actor));
  }

  private async queueTraining(tenant: string, actor: string): Promise<ModelJobRecord & { existing: boolean }> {
    if (!this.baseVersion) throw conflict('no model is loaded (MODEL_DIR holds none), so there is nothing to retrain');
    const running = (await this.store.modelJobs.unfinishedForTenant(tenant))[0];
    if (running) return { ...running, existing: true };
    const { corrections, skipped } = await this.collect(tenant);
    if (corrections.length === 0) throw nothingToLearn('nothing_to_learn', skipped);
    // Bounded: a duplicate is either another request's job (returned below) or a number taken, and a few
    // tries move past taken numbers; spinning for ever on a key that never frees must not happen.
    let n = (await this.store.modelJobs.countForTenant(tenant)) + 1;
    for (let attempt = 0; attempt < MAX_QUEUE_ATTEMPTS; attempt++, n++) {
      const now = new Date();
      const job: ModelJobRecord = {
        _id: `${tenant}:r${n}`,
        tenant,
        version: `${this.baseVersion}+r${n}`,
        status: 'queued',
        phase: 'queued',
        percent: 0,
        error: null,
        requestedBy: actor,
        createdAt: now,
        updatedAt: now,
        startedAt: null,
        finishedAt: null,
        activeFor: tenant,
      };
      try {
        await this.store.modelJobs.insert(job);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        // Another API process queued the tenant's job between our check and this insert: that job is the answer.
        const other = (await this.store.modelJobs.unfinishedForTenant(tenant))[0];
        if (other) return { ...other, existing: true };
        // A finished job still holding the tenant's slot: one a version before activeFor (a downgrade, or
        // a mixed-version rollout) finished without releasing it. Release it and take this number again.
        if ((await this.store.modelJobs.releaseFinished(tenant)) > 0) n--;
        continue;
      }
      try {
        await this.queue.enqueue([{ documentId: toQueueId(job._id), generation: 0 }]);
      } catch (err) {
        // The job is stored: a worker's sweep enqueues it once the queue is back.
        this.logger.error({ err: String(err), modelJob: job._id }, 'enqueue of a training job failed; the sweep will retry');
      }
      return { ...job, existing: false };
    }
    throw new Error(`could not queue a training job for tenant ${tenant} after ${MAX_QUEUE_ATTEMPTS} attempts (job ids or the tenant's active-job slot stayed taken)`);
  }

  async job(tenant: string, id: string) {
    const job = await this.store.modelJobs.findForTenant(tenant, id);
    if (!job) throw notFound('training job');
    return { ...presentJob(job), workers: await this.workers() };
  }

  /**
   * Workers taking training jobs now, in any process; null when the queue cannot tell (Redis down).
   * 0 means a queued job will not start: only worker processes (ROLE=worker or all) run training.
   */
  async workers(): Promise<number | null> {
    try {
      return await this.queue.workerCount();
    } catch {
      return null;
    }
  }

  /**
   * The version that actually tags the tenant's documents: the promoted one, unless it was trained on
   * another base model than the one installed. A head is a residual over the base model it was fitted
   * on, so workers do not apply it to another one (activeHead) and the installed base model tags alone;
   * that is what active must name, and what a rollback or a new candidate is measured against.
   */
  private async effective(tenant: string, version: string | null): Promise<string | null> {
    if (!version) return null;
    const v = await this.store.modelVersions.find(tenant, version);
    return v && v.base === this.baseVersion && v.head ? version : null;
  }

  async list(tenant: string) {
    const state = await this.store.modelState.peek(tenant);
    const active = await this.effective(tenant, state?.active ?? null);
    const versions = await this.store.modelVersions.list(tenant, 100);
    return {
      base: this.baseVersion,
      active: active ?? this.baseVersion,
      workers: await this.workers(),
      versions: versions.map((v) => presentVersion(v, active, this.baseVersion)),
      training: (await this.store.modelJobs.unfinishedForTenant(tenant)).map(presentJob),
    };
  }

  async version(tenant: string, version: string) {
    const v = await this.store.modelVersions.find(tenant, version);
    if (!v) throw notFound('model version');
    return presentVersion(v, await this.effective(tenant, (await this.store.modelState.peek(tenant))?.active ?? null), this.baseVersion);
  }

  /** Refused (409, with the gate's reasons) unless the candidate passed its gate against the version active now. */
  async promote(tenant: string, version: string, actor: string): Promise<{ active: string; previous: string }> {
    const v = await this.store.modelVersions.find(tenant, version);
    if (!v) throw notFound('model version');
    const state = await this.store.modelState.get(tenant);
    if (state.active === version) throw conflict(`${version} is already the active version`);
    if (!v.head) throw conflict(`${version} was withdrawn: documents whose corrections it learned from were erased; train again`);
    if (v.base !== this.baseVersion) throw conflict(`${version} was trained on base model ${v.base}, but ${this.baseVersion} is installed`);
    const active = await this.effective(tenant, state.active);
    if (v.parent !== active) {
      // Its gate compared it with another version than the one it would replace.
      this.metrics?.modelSwitches.inc({ action: 'refused' });
      throw new AppError(409, 'gate_failed', `${version} was judged against ${v.parent ?? this.baseVersion}, but ${active ?? this.baseVersion} is active now: train again`, [
        { field: 'parent', message: `judged against ${v.parent ?? this.baseVersion}; active is ${active ?? this.baseVersion}` },
      ]);
    }
    if (!v.gate.passes) {
      this.metrics?.modelSwitches.inc({ action: 'refused' });
      throw new AppError(409, 'gate_failed', `${version} did not pass the evaluation gate against ${v.parent ?? this.baseVersion}`, v.gate.reasons);
    }
    if (!(await this.store.modelState.replace(state, { active: version, history: [...state.history, state.active] }))) {
      throw conflict('the active model changed while promoting; reload and try again');
    }
    await this.store.modelVersions.markPromoted(tenant, version, actor);
    this.activeCache.delete(tenant);
    this.metrics?.modelSwitches.inc({ action: 'promote' });
    this.logger.info({ tenant, version, previous: active ?? this.baseVersion }, 'model version promoted');
    return { active: version, previous: active ?? this.baseVersion ?? '' };
  }

  /**
   * Returns to what tagged the tenant's documents before the last promotion. When the version promoted
   * before was trained on another base model than the one installed, that was the installed base model
   * alone (its head is not applied to another base), so the rollback lands there and says so in `note`:
   * active and the tags' modelVersion then name the same model.
   */
  async rollback(tenant: string): Promise<{ active: string; previous: string; note?: string }> {
    const state = await this.store.modelState.get(tenant);
    if (state.history.length === 0) throw conflict('there is no earlier version to roll back to');
    const previous = state.history[state.history.length - 1]!;
    const target = await this.effective(tenant, previous);
    const from = await this.effective(tenant, state.active);
    if (!(await this.store.modelState.replace(state, { active: target, history: state.history.slice(0, -1) }))) {
      throw conflict('the active model changed while rolling back; reload and try again');
    }
    this.activeCache.delete(tenant);
    this.metrics?.modelSwitches.inc({ action: 'rollback' });
    const base = this.baseVersion ?? '';
    const note =
      previous !== null && target === null
        ? `${previous} was trained on another base model than the installed ${base}, which its head does not run on; the installed base model tagged alone while it was active, so that is what is active now`
        : undefined;
    this.logger.info({ tenant, version: target ?? base, from: from ?? base, ...(note ? { instead: previous } : {}) }, 'model version rolled back');
    return { active: target ?? base, previous: from ?? base, ...(note ? { note } : {}) };
  }

  /**
   * Withdraws every version that learned from a correction made at or after `since` (the earliest
   * correction on documents about to be erased): the tenant's active version and its rollback history
   * drop them, so tagging falls back to the newest earlier version that did not learn from them (or the
   * base model), and their heads are deleted. The state moves first, so no worker is left pointing at a
   * version without weights. Idempotent: an erasure retried after a crash withdraws the same versions.
   */
  async withdrawLearnedFrom(tenant: string, since: Date, actor: string): Promise<{ withdrawn: string[]; activeWithdrawn: boolean }> {
    const learned = await this.store.modelVersions.learnedSince(tenant, since);
    if (learned.length === 0) return { withdrawn: [], activeWithdrawn: false };
    const gone = new Set(learned.map((v) => v.version));
    let activeWithdrawn = false;
    for (let attempt = 0; ; attempt++) {
      const state = await this.store.modelState.peek(tenant);
      if (!state) break;
      const chain = [...state.history, state.active];
      if (!chain.some((v) => v !== null && gone.has(v))) break;
      const kept = chain.filter((v) => v === null || !gone.has(v));
      const active = kept.pop() ?? null;
      if (await this.store.modelState.replace(state, { active, history: kept })) {
        activeWithdrawn = state.active !== null && gone.has(state.active);
        this.activeCache.delete(tenant);
        if (activeWithdrawn) {
          this.metrics?.modelSwitches.inc({ action: 'withdraw' });
          this.logger.warn({ tenant, withdrawn: state.active, active: active ?? this.baseVersion }, 'active model version withdrawn after an erasure');
        }
        break;
      }
      if (attempt >= 10) throw conflict('the active model kept changing while withdrawing versions; retry the erasure');
    }
    const withdrawn: string[] = [];
    for (const v of learned) {
      this.headCache.delete(v._id);
      if (!v.head) continue;
      await this.store.modelVersions.withdraw(tenant, v.version, actor);
      withdrawn.push(v.version);
    }
    return { withdrawn, activeWithdrawn };
  }

  async hasVersions(tenant: string): Promise<boolean> {
    return (await this.store.modelVersions.list(tenant, 1)).length > 0;
  }

  /** What tags the tenant's documents now: the promoted version, or the base model. */
  async activeVersion(tenant: string): Promise<string | null> {
    return (await this.effective(tenant, (await this.store.modelState.peek(tenant))?.active ?? null)) ?? this.baseVersion;
  }

  // ---- worker side ----------------------------------------------------------------------------

  /**
   * The tenant's promoted head, or null for the base model. Cached for ACTIVE_MODEL_TTL_MS; `fresh`
   * skips the cache (re-tag jobs, which run right after a promotion and must use the new version).
   */
  async activeHead(tenant: string, fresh = false): Promise<SerializedHead | null> {
    const cached = this.activeCache.get(tenant);
    if (!fresh && cached && Date.now() - cached.at < ACTIVE_MODEL_TTL_MS) return cached.head;
    const active = (await this.store.modelState.peek(tenant))?.active ?? null;
    let head: SerializedHead | null = null;
    if (active) {
      head = this.headCache.get(`${tenant}:${active}`) ?? null;
      if (!head) {
        const v = await this.store.modelVersions.find(tenant, active);
        head = v && v.base === this.baseVersion && v.head ? { ...v.head, id: v._id } : null;
        if (head) {
          if (this.headCache.size > 64) this.headCache.clear();
          this.headCache.set(`${tenant}:${active}`, head);
        }
      }
    }
    this.activeCache.set(tenant, { at: Date.now(), head });
    return head;
  }

  private sweepTimer: NodeJS.Timeout | null = null;

  /**
   * Starts processing training jobs. Unfinished ones run again: at start (a crash mid-training, or
   * the in-process queue's jobs lost with the process) and then every SWEEP_MS for jobs whose queue
   * entry went missing: queued but never enqueued (Redis was down), or running without progress for
   * STALE_MS (their worker died; progress is written every half second while training).
   */
  async startWorker(): Promise<void> {
    this.queue.startWorker((queueId, ctx) => this.run(fromQueueId(queueId), ctx), 1);
    // A start during a Redis outage must not fail for want of queueing them: they stay stored, and the
    // periodic sweep queues them once the queue answers (a queued one after SWEEP_MS, a running one after STALE_MS).
    await this.sweep(true).catch((err: unknown) => {
      this.logger.error({ err: String(err) }, 'could not queue unfinished training jobs at start; the periodic sweep queues them again');
    });
    this.sweepTimer = setInterval(() => void this.sweep(false).catch((err: unknown) => this.logger.error({ err: String(err) }, 'training job sweep failed')), SWEEP_MS);
    this.sweepTimer.unref();
  }

  private async sweep(all: boolean): Promise<void> {
    const now = Date.now();
    const lost = (await this.store.modelJobs.unfinished()).filter(
      (j) => all || (j.status === 'queued' && now - new Date(j.updatedAt).getTime() > SWEEP_MS) || (j.status === 'running' && now - new Date(j.updatedAt).getTime() > STALE_MS),
    );
    if (lost.length) await this.queue.enqueue(lost.map((j) => ({ documentId: toQueueId(j._id), generation: 0 })), { replaceFinished: true });
  }

  /** Stops taking jobs; a training in progress is abandoned and runs again on the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    // never inside an onnxruntime call (the features phase): that aborts the whole process (native-guard.ts)
    const training = this.training;
    if (training) {
      await terminateWhenIdle(training.worker, training.guard, TRAIN_STOP_WAIT_MS, () =>
        this.logger.error({ waitedMs: TRAIN_STOP_WAIT_MS }, 'training thread still inside an onnxruntime call; terminating it anyway'),
      );
    }
    await this.queue.stopWorker();
    await this.queue.close();
  }

  private async run(id: string, ctx: JobContext): Promise<void> {
    const job = await this.store.modelJobs.claim(id);
    if (!job) return;
    const log = this.logger.child({ modelJob: id, tenant: job.tenant });
    const stopTimer = this.metrics?.modelTrainings.startTimer();
    let lastWrite = 0;
    const progress = async (phase: ModelJobPhase, fraction: number, force = false) => {
      const [a, b] = PHASES[phase] ?? [0, 100];
      const now = Date.now();
      if (!force && now - lastWrite < 500) return;
      lastWrite = now;
      await this.store.modelJobs.update(id, { phase, percent: Math.round(a + (b - a) * Math.min(1, fraction)) });
    };
    try {
      await progress('collect', 0, true);
      const state = await this.store.modelState.peek(job.tenant);
      // judged against what tags now: a promoted head trained on another base model does not
      const parentVersion = await this.effective(job.tenant, state?.active ?? null);
      const parent = parentVersion ? await this.store.modelVersions.find(job.tenant, parentVersion) : null;
      const { corrections, confirmed, documentIds, skipped } = await this.collect(job.tenant);
      // (checked when the job was requested; corrections reverted since can empty it again)
      if (corrections.length === 0) throw coded('nothing_to_learn', nothingToLearn('conflict', skipped));
      const request: TrainRequest = {
        modelDir: this.modelDir,
        version: job.version,
        corrections,
        confirmed,
        parent: parent?.head ?? null,
        parentCutoff: parent?.correctionsThrough ? new Date(parent.correctionsThrough).getTime() : 0,
        cached: Object.fromEntries(
          [...corrections, ...confirmed].flatMap((c) => (this.features.has(cacheKey(job.tenant, c.text)) ? [[c.text, this.features.get(cacheKey(job.tenant, c.text))!]] : [])),
        ),
      };
      const result = await this.train(request, (phase, fraction) => void progress(phase, fraction).catch(() => undefined));
      for (const [text, f] of Object.entries(result.computed)) {
        if (this.features.size >= FEATURE_CACHE_SIZE) this.features.delete(this.features.keys().next().value!);
        this.features.set(cacheKey(job.tenant, text), f);
      }
      log.debug({ computed: Object.keys(result.computed).length, cached: Object.keys(request.cached).length }, 'clause features');
      await progress('save', 0, true);
      const record: ModelVersionRecord = {
        _id: `${job.tenant}:${job.version}`,
        tenant: job.tenant,
        version: job.version,
        parent: parentVersion,
        base: result.baseVersion,
        jobId: job._id,
        createdAt: job.createdAt,
        createdBy: job.requestedBy,
        counts: result.counts,
        correctionsThrough: new Date(Math.max(...corrections.map((c) => c.at))),
        metrics: result.metrics,
        parentMetrics: result.parentMetrics,
        gate: result.gate,
        promotedAt: null,
        promotedBy: null,
        head: result.head,
        withdrawn: null,
      };
      await this.store.modelVersions.save(record);
      // An erasure that ran while this job trained withdrew the versions stored by then; this one was
      // not stored yet. Checked after saving, so an erasure either sees the version or is seen here.
      if ((await this.store.documents.countWhere({ _id: { $in: documentIds } })) < documentIds.length) {
        await this.store.modelVersions.withdraw(job.tenant, job.version, 'system');
        throw coded('document_erased', new Error('a document it learned from was erased or purged while it trained; training again without it'));
      }
      await this.store.modelJobs.update(id, {
        status: 'done',
        phase: 'done',
        percent: 100,
        error: null,
        finishedAt: new Date(),
        features: { computed: Object.keys(result.computed).length, cached: Object.keys(request.cached).length },
      });
      stopTimer?.({ outcome: 'done' });
      log.info({ version: job.version, corrections: corrections.length, gate: result.gate.passes }, 'model version trained');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof AppError;
      if (this.stopping) throw err;
      if (ctx.final || permanent) {
        const errorCode = failureCode(err);
        await this.store.modelJobs.update(id, { status: 'failed', phase: 'failed', error: message.slice(0, 500), errorCode, finishedAt: new Date() });
        stopTimer?.({ outcome: 'failed' });
        log.error({ err: message, errorCode }, 'model training failed');
        return;
      }
      throw err;
    }
  }

  /**
   * What training learns from and is judged on, from one pass over the tenant's correction log:
   *  - corrections: the latest labelled state of every tag a labeler corrected or added (its clause,
   *    polarity and category), with what the machine had said before the first correction; and every
   *    machine tag a labeler deleted (still deleted), as its clause with neutral sentiment: a deleted
   *    false positive means "no opinion of that polarity here". Deleting a labeler's own tag, or a
   *    neutral machine tag, teaches nothing and is left out (counted in `skipped`);
   *  - confirmed: machine tags labelers accepted (the `confirmed` list of each accept) with the label
   *    they had. A tag still there is read by id; one a re-tag replaced (ids carry the model version) is
   *    judged on the clause stored with the accept, unless a later correction touched that clause. A tag
   *    corrected or deleted later, or erased with its document, is left out; accepts recorded before the
   *    clause was stored count only while their tag is there. The newest MAX_CONFIRMED are kept.
   * Both come back ordered by time, then text, so folds and results do not depend on the store's order.
   */
  private async collect(tenant: string): Promise<Collected> {
    const latest = new Map<string, number>();
    const before = new Map<string, TrainCorrection['before']>();
    const accepted = new Map<string, { polarity: string; category: string; at: number; documentId: string; sentence?: string; turnIndex: number | null }>();
    const touched = new Set<string>();
    /** tag id → its deletion (the correction's id, to drop it when reverted) */
    const deleted = new Map<string, { id: string; at: number; documentId: string; sentence?: string; turnIndex: number | null; polarity: string; category: string }>();
    const undone = new Set<string>();
    /** clause (document, turn, text) → time of the latest correction on a tag in it */
    const clauseTouched = new Map<string, number>();
    const touch = (key: string, at: number) => clauseTouched.set(key, Math.max(clauseTouched.get(key) ?? 0, at));
    const skipped = { deletesOfHuman: 0, deletesOfNeutral: 0, deletesSuperseded: 0 };
    let afterId = '';
    for (;;) {
      // ULIDs sort by time, so the first correction of a tag is met first.
      const rows = await this.store.corrections.list({ tenant, _id: { $gt: afterId } }, PAGE);
      for (const c of rows) {
        const at = new Date(c.at).getTime();
        if (c.op === 'accept') {
          for (const t of c.confirmed ?? []) accepted.set(t.tagId, { polarity: t.polarity, category: t.category, at, documentId: c.documentId, sentence: t.sentence, turnIndex: t.turnIndex ?? null });
          continue;
        }
        if (c.op === 'revert' && c.reverts) undone.add(c.reverts);
        if (!c.tagId) continue;
        touched.add(c.tagId);
        if (c.prior?.sentence) touch(clauseKey(c.documentId, c.prior.turnIndex ?? null, c.prior.sentence), at);
        if (c.op === 'delete') {
          // replaced by a labeler's overlapping add: the add is the example; the words do hold an opinion
          if (c.supersededBy) {
            skipped.deletesSuperseded++;
            continue;
          }
          const p = c.prior ?? null;
          const b = (p ?? c.before) as { polarity?: string; category?: string; source?: string } | null;
          if (b?.source === 'human') skipped.deletesOfHuman++;
          else if (b?.polarity === 'neutral') skipped.deletesOfNeutral++;
          else if (b?.polarity && b.category) deleted.set(c.tagId, { id: c._id, at, documentId: c.documentId, sentence: p?.sentence, turnIndex: p?.turnIndex ?? null, polarity: b.polarity, category: b.category });
          continue;
        }
        if (c.op !== 'update' && c.op !== 'add') continue;
        // corrected again after a revert put the machine tag back: no longer a deletion
        deleted.delete(c.tagId);
        latest.set(c.tagId, Math.max(latest.get(c.tagId) ?? 0, at));
        if (!before.has(c.tagId)) {
          const b = c.before as { polarity?: string; category?: string; source?: string } | null;
          before.set(c.tagId, b && b.source !== 'human' && b.polarity && b.category ? { polarity: b.polarity, category: b.category } : null);
        }
      }
      if (rows.length < PAGE) break;
      afterId = rows[rows.length - 1]!._id;
    }
    const byTime = (a: { at: number; text: string }, b: { at: number; text: string }) => a.at - b.at || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);

    const corrections: TrainCorrection[] = [];
    const documentIds = new Set<string>();
    const ids = [...latest.keys()];
    for (let i = 0; i < ids.length; i += PAGE) {
      const tags = await this.store.tags.list({ _id: { $in: ids.slice(i, i + PAGE) }, tenant, source: 'human' }, PAGE);
      for (const t of tags) {
        if (!t.sentence) continue;
        const b = before.get(t._id) ?? null;
        corrections.push({ text: t.sentence, polarity: t.polarity, category: t.category, at: latest.get(t._id)!, before: b, kind: b ? 'update' : 'add' });
        documentIds.add(t.documentId);
        touch(clauseKey(t.documentId, t.turnIndex ?? null, t.sentence), latest.get(t._id)!);
      }
    }
    // Deletions recorded before corrections kept the deleted tag have no clause: nothing to learn from.
    let deletesWithoutClause = 0;
    for (const d of deleted.values()) {
      if (undone.has(d.id)) continue;
      if (!d.sentence) {
        deletesWithoutClause++;
        continue;
      }
      corrections.push({ text: d.sentence, polarity: 'neutral', category: d.category, at: d.at, before: { polarity: d.polarity, category: d.category }, kind: 'delete' });
      documentIds.add(d.documentId);
    }

    const confirmed: TrainConfirmed[] = [];
    const seen = new Set<string>();
    const keep = (key: string, c: TrainConfirmed) => {
      // the same clause accepted again after a re-tag is one verdict, not two
      if (seen.has(key)) return;
      seen.add(key);
      confirmed.push(c);
    };
    const newestFirst = [...accepted.entries()]
      .filter(([id]) => !touched.has(id))
      .sort((a, b) => b[1].at - a[1].at || (a[0] < b[0] ? -1 : 1))
      .map(([id]) => id);
    for (let i = 0; i < newestFirst.length && confirmed.length < MAX_CONFIRMED; i += PAGE) {
      const page = newestFirst.slice(i, i + PAGE);
      const tags = new Map((await this.store.tags.list({ _id: { $in: page }, tenant }, PAGE)).map((t) => [t._id, t]));
      for (const id of page) {
        const a = accepted.get(id)!;
        const t = tags.get(id);
        if (t) {
          if (t.source !== 'human' && t.sentence && t.polarity === a.polarity && t.category === a.category) {
            keep(`${clauseKey(t.documentId, t.turnIndex ?? null, t.sentence)}\u0001${a.polarity}\u0001${a.category}`, { text: t.sentence, polarity: t.polarity, category: t.category, at: a.at });
          }
          continue;
        }
        // Re-tagged away (or erased with its document, whose accepts go with it): the labeler's verdict on
        // the clause stands unless a later correction in that clause superseded it.
        if (!a.sentence) continue;
        const key = clauseKey(a.documentId, a.turnIndex, a.sentence);
        if ((clauseTouched.get(key) ?? 0) >= a.at) continue;
        keep(`${key}\u0001${a.polarity}\u0001${a.category}`, { text: a.sentence, polarity: a.polarity as TrainConfirmed['polarity'], category: a.category, at: a.at });
      }
    }
    return {
      corrections: corrections.sort(byTime),
      confirmed: confirmed.sort(byTime).slice(-MAX_CONFIRMED),
      documentIds: [...documentIds],
      skipped: { ...skipped, deletesWithoutClause, accepted: accepted.size },
    };
  }

  private train(request: TrainRequest, onProgress: (phase: ModelJobPhase, fraction: number) => void): Promise<Extract<TrainMessage, { type: 'done' }>> {
    return new Promise((resolve, reject) => {
      const guard = newNativeGuard();
      const worker = new Worker(trainThreadFile(), { workerData: { ...request, guard: guard.buffer as SharedArrayBuffer } });
      this.training = { worker, guard };
      worker.once('exit', () => {
        if (this.training?.worker === worker) this.training = null;
      });
      let settled = false;
      worker.on('message', (m: TrainMessage) => {
        if (m.type === 'progress') onProgress(m.phase, m.fraction);
        else if (m.type === 'done') {
          settled = true;
          resolve(m);
        } else {
          settled = true;
          reject(coded('training_failed', new AppError(500, 'training_failed', m.message)));
        }
      });
      worker.on('error', (err) => {
        if (!settled) reject(coded('training_failed', err));
        settled = true;
      });
      worker.on('exit', (code) => {
        if (!settled) reject(coded('training_thread_exited', new Error(`training thread exited (${code})`)));
      });
    });
  }
}

function readBaseVersion(modelDir: string): string | null {
  const dir = resolveModelDir(modelDir);
  if (!dir || !existsSync(join(dir, 'config.json')) || !existsSync(join(dir, 'head', 'base.bin'))) return null;
  try {
    return (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { guandian?: { version?: string } }).guandian?.version ?? null;
  } catch {
    return null;
  }
}

export function presentJob(job: ModelJobRecord) {
  return {
    id: job._id,
    status: job.status,
    phase: job.phase,
    percent: job.percent,
    // named when the job is queued (POST /v1/models/train answers with it); only a failed job produces none
    version: job.status === 'failed' ? null : job.version,
    error: job.error,
    // why it failed, as a code a client words in its own language (error stays the operators' English text);
    // null unless failed, and for jobs that failed before the code was kept
    errorCode: job.status === 'failed' ? (job.errorCode ?? null) : null,
    createdAt: iso(job.createdAt),
    updatedAt: iso(job.updatedAt),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    features: job.features ?? null,
  };
}

/** Counts a version stores beyond the record's declared ones (absent on versions trained before them). */
type VersionCounts = ModelVersionRecord['counts'] & { added?: number; deleted?: number; addedNotGated?: number };

/**
 * `active`: the version that tags now (null: the base model); `installedBase`: the base model installed.
 * A version that is neither active nor withdrawn is `stale` when promoting it would be refused without
 * looking at its gate: it was judged against another version than the active one, or trained on
 * another base model. `gate.passes` keeps the verdict it got; clients offer promotion only when
 * `passes && !stale`.
 */
export function presentVersion(v: ModelVersionRecord, active: string | null, installedBase: string | null = v.base) {
  const isActive = v.version === active;
  const counts = v.counts as VersionCounts;
  const staleReason =
    isActive || !v.head
      ? null
      : v.base !== installedBase
        ? `trained on base model ${v.base}, but ${installedBase ?? 'none'} is installed: train again`
        : v.parent !== active
          ? `judged against ${v.parent ?? v.base}, but ${active ?? installedBase ?? v.base} is active now: train again`
          : null;
  const notes: string[] = [];
  if (counts.addedNotGated) {
    notes.push(
      `${counts.addedNotGated} new added tag${counts.addedNotGated === 1 ? ' was' : 's were'} trained on but left out of the gate: ` +
        'they are opinions the rules missed, and a version only adjusts opinions the rules found, so no version can produce them ' +
        '(teach missed opinions with the tenant lexicon, PUT /v1/taxonomy)',
    );
  }
  return {
    version: v.version,
    parent: v.parent ?? v.base,
    base: v.base,
    active: isActive,
    status: !v.head ? 'withdrawn' : isActive ? 'active' : v.promotedAt ? 'retired' : 'candidate',
    createdAt: iso(v.createdAt),
    createdBy: v.createdBy,
    counts: v.counts,
    metrics: v.metrics,
    parentMetrics: v.parentMetrics,
    // reasons: English sentences; details: the same reasons as code + params, for clients that word them in their own language
    gate: {
      passes: v.gate.passes,
      reasons: v.gate.reasons.map((r) => r.message),
      details: v.gate.reasons.map((r) => ({ field: r.field, code: r.code ?? null, params: r.params ?? {} })),
      // the verdict no longer applies: promotion would be refused (409), whatever `passes` says
      stale: staleReason !== null,
      staleReason,
      // what the verdict left out, and why (English sentences)
      notes,
    },
    promotedAt: iso(v.promotedAt),
    promotedBy: v.promotedBy,
    // when an erasure withdrew it (its weights are deleted; it can no longer be promoted or rolled back to)
    withdrawnAt: iso(v.withdrawn?.at ?? null),
  };
}
