import type { Approval } from '../../approvals/index.js';
import { resumeRunsWaitingOn } from '../../cli/run-progress.js';
import type { SlackServices } from '../slack-services.js';
import { decisionReplyText, messageForApproval } from './approval-message.js';
import { runTriggerThreadLocator, type JobThreadLocator, type SlackThread } from './job-thread.js';

export interface ApprovalPosterOptions {
  /** How often `start()` syncs (default 2,000 ms). */
  intervalMs?: number;
  /** Where a job's thread is (default: read from the run's trigger). */
  locateThread?: JobThreadLocator;
  /** Newest approvals (any state) checked for a stale message per sync (default 200). */
  recentLimit?: number;
  /**
   * Messages of approvals decided longer ago than this, first seen by this process, are not
   * rewritten (default 24 h): after a restart only recent decisions are brought up to date.
   */
  reconcileWindowMs?: number;
  /** Wait after a failed post or update of one approval before trying it again (default 30,000 ms). */
  retryDelayMs?: number;
}

/** What one sync did (approval ids). */
export interface ApprovalSyncReport {
  posted: string[];
  updated: string[];
  failed: string[];
}

const DEFAULT_INTERVAL_MS = 2_000;
const DEFAULT_RECENT_LIMIT = 200;
const DEFAULT_RECONCILE_WINDOW_MS = 24 * 3_600_000;
const DEFAULT_RETRY_DELAY_MS = 30_000;

/**
 * Keeps Slack in step with the approvals table. Each sync posts every pending approval that has no
 * message yet (to its job's thread when `approvals_in_thread` is set and the thread is known,
 * otherwise to the approvals channel) and records where with `setMessage`; and it rewrites the
 * message of every approval whose state or votes changed since this process last rendered it
 * (decided from the CLI or another replica, or expired). Everything it needs is in the database,
 * so approvals requested by other processes, or while the bot was down, are posted too.
 */
export class ApprovalPoster {
  readonly #services: SlackServices;
  readonly #options: Required<Omit<ApprovalPosterOptions, 'locateThread'>>;
  readonly #locateThread: JobThreadLocator;
  /** Approval id → fingerprint of what its Slack message shows now. */
  readonly #rendered = new Map<string, string>();
  /** Approval id → epoch ms before which a failed post or update is not retried. */
  readonly #backoff = new Map<string, number>();
  #running: Promise<ApprovalSyncReport> | undefined;
  readonly #background = new Set<Promise<void>>();
  #warnedNoChannel = false;

  constructor(services: SlackServices, options: ApprovalPosterOptions = {}) {
    this.#services = services;
    this.#locateThread = options.locateThread ?? runTriggerThreadLocator(services.runtime);
    this.#options = {
      intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
      recentLimit: options.recentLimit ?? DEFAULT_RECENT_LIMIT,
      reconcileWindowMs: options.reconcileWindowMs ?? DEFAULT_RECONCILE_WINDOW_MS,
      retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
    };
  }

  get locateThread(): JobThreadLocator {
    return this.#locateThread;
  }

  /** Syncs every `intervalMs` until the returned stop is called. */
  start(): () => void {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      try {
        await this.syncOnce();
      } catch (error) {
        this.#services.logger.warn({ err: error }, 'approval poster: sync failed');
      }
      if (!stopped) timer = setTimeout(tick, this.#options.intervalMs).unref();
    };
    timer = setTimeout(tick, 0).unref();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }

  /** One pass; concurrent callers share the pass in progress. */
  syncOnce(): Promise<ApprovalSyncReport> {
    this.#running ??= this.#sync().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Records that the message of `approval` now shows its current state (the click handler updated it). */
  markRendered(approval: Approval): void {
    this.#rendered.set(approval.id, fingerprint(approval));
  }

  /** Rewrites the approval's message to show its current state. */
  async update(approval: Approval, fallback?: { channel: string; ts: string }): Promise<void> {
    const channel = approval.channel ?? fallback?.channel;
    const ts = approval.messageTs ?? fallback?.ts;
    if (channel === undefined || ts === undefined) return;
    const message = messageForApproval(approval, { now: this.#services.clock.now() });
    await this.#services.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    this.markRendered(approval);
  }

  /**
   * Tells the job's thread (or, when it has none, the approval message's thread) how the approval
   * ended. Returns where it posted, or undefined when there was nowhere to post.
   */
  /** Posts a line in the thread the approval belongs to (or under its message). */
  async replyText(approval: Approval, text: string): Promise<SlackThread | undefined> {
    const thread = this.#locateThread(approval) ?? (approval.channel !== null && approval.messageTs !== null ? { channel: approval.channel, threadTs: approval.messageTs } : undefined);
    if (thread === undefined) return undefined;
    await this.#services.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, text });
    return thread;
  }

  async replyDecision(approval: Approval): Promise<SlackThread | undefined> {
    const thread = this.#locateThread(approval) ?? (approval.channel !== null && approval.messageTs !== null ? { channel: approval.channel, threadTs: approval.messageTs } : undefined);
    if (thread === undefined) return undefined;
    await this.#services.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, text: decisionReplyText(approval) });
    return thread;
  }

  async #sync(): Promise<ApprovalSyncReport> {
    const report: ApprovalSyncReport = { posted: [], updated: [], failed: [] };
    const service = this.#services.runtime.approvals();
    service.expireDue();
    const byId = new Map<string, Approval>();
    for (const approval of service.list({ pending: true })) byId.set(approval.id, approval);
    for (const approval of service.list({ limit: this.#options.recentLimit })) if (!byId.has(approval.id)) byId.set(approval.id, approval);
    const nowMs = this.#services.clock.now().getTime();

    // Oldest first, so messages appear in the order the approvals were requested.
    for (const approval of [...byId.values()].reverse()) {
      const retryAt = this.#backoff.get(approval.id);
      if (retryAt !== undefined && nowMs < retryAt) continue;
      try {
        if (approval.messageTs === null) {
          if (approval.state !== 'pending') continue;
          if (await this.#post(approval)) report.posted.push(approval.id);
          continue;
        }
        const shown = this.#rendered.get(approval.id);
        const current = fingerprint(approval);
        if (shown === current) continue;
        if (shown === undefined && approval.decidedAt !== null && nowMs - Date.parse(approval.decidedAt) > this.#options.reconcileWindowMs) {
          this.#rendered.set(approval.id, current);
          continue;
        }
        await this.update(approval);
        report.updated.push(approval.id);
        // Decided elsewhere (CLI, another replica, expiry). Tell the thread only when this process
        // saw the change happen (after a restart the thread may have been told already); resuming
        // is safe to repeat (only runs still waiting are resumed, each under its lease).
        if (approval.state !== 'pending') await this.#afterDecision(approval, { reply: shown !== undefined && shown.startsWith('pending:') });
      } catch (error) {
        report.failed.push(approval.id);
        this.#backoff.set(approval.id, nowMs + this.#options.retryDelayMs);
        this.#services.logger.warn({ err: error, approval_id: approval.id }, 'approval poster: could not post or update the approval message');
        continue;
      }
      this.#backoff.delete(approval.id);
    }
    return report;
  }

  async #post(approval: Approval): Promise<boolean> {
    const service = this.#services.runtime.approvals();
    // Another process may have posted it since the list was read.
    const fresh = service.get(approval.id);
    if (fresh === undefined || fresh.messageTs !== null || fresh.state !== 'pending') return false;
    const thread = this.#services.approvalsInThread ? this.#locateThread(fresh) : undefined;
    const channel = thread?.channel ?? this.#services.approvalsChannel;
    if (channel === undefined) {
      if (!this.#warnedNoChannel) {
        this.#services.logger.warn('approval poster: no slack.approvals_channel or slack.channel is configured; approval requests are not posted');
        this.#warnedNoChannel = true;
      }
      return false;
    }
    const message = messageForApproval(fresh, { now: this.#services.clock.now() });
    const response = await this.#services.client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      ...(thread === undefined ? {} : { thread_ts: thread.threadTs }),
    });
    if (response.ts === undefined) throw new Error('chat.postMessage returned no ts');
    const stored = service.setMessage(fresh.id, response.channel ?? channel, response.ts);
    this.markRendered(fresh);
    // Decided while it was being posted: show the decision at once.
    if (fingerprint(stored) !== fingerprint(fresh)) await this.update(stored);
    return true;
  }

  async #afterDecision(approval: Approval, options: { reply: boolean }): Promise<void> {
    if (options.reply) {
      try {
        await this.replyDecision(approval);
      } catch (error) {
        this.#services.logger.warn({ err: error, approval_id: approval.id }, 'approval poster: could not reply in the job thread');
      }
    }
    // In the background: a resumed run may take long, and must not hold up the next sync.
    this.track(resumeRunsWaitingOn(this.#services.runtime, approval.id), 'approval poster: could not resume the runs waiting on the approval', approval.id);
  }

  /** Keeps `work` until it settles (see `idle()`), logging its failure. */
  track(work: Promise<unknown>, failure: string, approvalId: string): void {
    const settled = work.then(
      () => undefined,
      (error: unknown) => this.#services.logger.warn({ err: error, approval_id: approvalId }, failure),
    );
    this.#background.add(settled);
    void settled.finally(() => this.#background.delete(settled));
  }

  /** Resolves once background work (resumed runs) started so far has settled. */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
  }
}

/** What an approval message shows: its state and votes. */
function fingerprint(approval: Approval): string {
  return `${approval.state}:${approval.votes.length}:${approval.decidedBy ?? ''}`;
}
