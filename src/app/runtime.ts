import { existsSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { ApprovalService, type GroupMemberResolver } from '../approvals/index.js';
import { AuditLedger, createRedactor, type Redactor } from '../audit/index.js';
import { configSchema, homePaths, integrationStatuses, loadConfig, secretPaths, secretValues, type HomePaths, type LoadedConfig } from '../config/index.js';
import { DefenseClawError } from '../core/errors/index.js';
import { systemClock, type Clock } from '../core/clock.js';
import { parseDuration } from '../core/duration.js';
import { DEFAULT_REDACT_PATHS, createLogger, type Logger, type LogLevel } from '../core/logger.js';
import { loadCatalog, type ToolCatalog } from '../connectors/catalog/index.js';
import type { ConnectorInstance, ConnectorModule } from '../connectors/connector.js';
import { createConnector } from '../connectors/registry.js';
import { ToolRegistry } from '../gateway/tool-registry.js';
import { Gateway } from '../gateway/gateway.js';
import { configuredAllowLists } from '../gateway/configured-allow-lists.js';
import { AgentRunner } from '../agents/runner/agent-runner.js';
import type { RunEventRecord } from '../agents/runner/run-store.js';
import { RunRepository } from '../store/index.js';
import { WorkflowService } from '../agents/workflow/workflow-service.js';
import { IntegrationHealthRepository, InvestigationRepository, openStore, type Store } from '../store/index.js';
import { ConfigError, InputError } from '../core/errors/index.js';
import { profile } from '../gateway/caller.js';
import { InvestigationService, type InvestigationServiceOptions } from '../investigate/investigation-service.js';
import { AnthropicModelClient, loadPrompt, type ModelClient } from '../llm/index.js';
import { InventoryService } from '../inventory/index.js';
import { InventoryRepository } from '../store/index.js';
import { VERSION } from './version.js';
import { slackGroupMemberResolver } from '../slack/approvals/slack-group-members.js';
import { JobNotifier, ScheduledJobNotFoundError, Scheduler, createSmtpEmailSender, inventorySweepHandler, policyJobHandler, webApiPoster, workflowJobHandler } from '../scheduler/index.js';
import { policyRunSummary } from '../policy/index.js';
import { SchedulerRepository } from '../store/index.js';
import { PolicyLibrary, PolicyService } from '../policy/index.js';
import { PolicyRepository } from '../store/index.js';
import { CorrelateService, RuleLibrary } from '../correlate/index.js';
import { RuleRepository } from '../store/rule-repository.js';

export interface RuntimeOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Where a pretty copy of warnings goes when it is a terminal. */
  console?: { stream: NodeJS.WritableStream; isTTY: boolean };
  /** The human or service behind this process, for audit records (default `cli:<os user>`). */
  actor?: string;
  /** HTTP for every connector (tests pass one that only reaches loopback). */
  fetch?: typeof fetch;
  /** Tool catalog folder (default: the shipped tools/). */
  catalogDirectory?: string;
}

/**
 * The composition root: reads config once, opens the store once, builds every service on
 * first use and hands them out. Only this folder knows the concrete classes.
 */
export class Runtime {
  readonly version = VERSION;
  readonly paths: HomePaths;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly actor: string;
  readonly redactor: Redactor;
  readonly #console: RuntimeOptions['console'];
  #config: LoadedConfig | undefined;
  #store: Store | undefined;
  #ledger: AuditLedger | undefined;
  #approvals: ApprovalService | undefined;
  #logger: Logger | undefined;
  #secrets: readonly string[] | undefined;
  #catalog: ToolCatalog | undefined;
  #tools: ToolRegistry | undefined;
  #gateway: Gateway | undefined;
  #runner: AgentRunner | undefined;
  #runEventListeners = new Set<(event: RunEventRecord) => void>();
  #resolveGroupMembers: GroupMemberResolver | undefined;
  #slackGroupResolver: GroupMemberResolver | undefined;
  #scheduler: Scheduler | undefined;
  readonly #connectors = new Map<string, ConnectorInstance>();
  readonly #fetch: typeof fetch | undefined;
  readonly #catalogDirectory: string | undefined;

  constructor(options: RuntimeOptions) {
    this.paths = homePaths(options.home);
    this.env = options.env;
    this.clock = options.clock ?? systemClock;
    this.actor = options.actor ?? `cli:${safeUsername()}`;
    this.#console = options.console;
    this.#fetch = options.fetch;
    this.#catalogDirectory = options.catalogDirectory;
    this.redactor = createRedactor({ secretValues: () => this.#secretValues() });
  }

  /** The loaded config (defaults when config.yaml does not exist). Throws ConfigError if invalid. */
  config(): LoadedConfig {
    this.#config ??= loadConfig({ file: this.paths.configFile, env: this.env });
    return this.#config;
  }

  /** Forget the cached config (after `config set` / `config init` rewrote it). */
  reloadConfig(): void {
    this.#config = undefined;
    this.#secrets = undefined;
    this.#approvals = undefined;
    this.#slackGroupResolver = undefined;
    this.#connectors.clear();
    this.#gateway = undefined;
    this.#runner = undefined;
  }

  /** True once the logger was built (so a command that never needed one leaves no log file). */
  get hasLogger(): boolean {
    return this.#logger !== undefined;
  }

  /**
   * The principal runs started by this process act for (approvals bind to it). It is the audit
   * actor (`cli:<os user>`), not `approvals.cli_identity`: that is who this user approves as.
   */
  requester(): string {
    return this.actor;
  }

  databaseExists(): boolean {
    return existsSync(this.paths.databaseFile);
  }

  store(): Store {
    if (this.#store === undefined) {
      const durability = this.#configOrUndefined()?.effective.audit.durability ?? 'normal';
      try {
        this.#store = openStore({ file: this.paths.databaseFile, durability });
      } catch (error) {
        // e.g. "file is not a database", a read-only home: say which file, not "internal error".
        throw new DefenseClawError(`${this.paths.databaseFile}: cannot open the database: ${(error as Error).message}`, { code: 'store_unavailable', cause: error });
      }
    }
    return this.#store;
  }

  ledger(): AuditLedger {
    this.#ledger ??= new AuditLedger({ sqlite: this.store().sqlite, clock: this.clock, redactor: this.redactor });
    return this.#ledger;
  }

  /**
   * Who is in a Slack user group, for approvers listed as groups (the Slack bot sets one backed by
   * usergroups.users.list). Optional: without it, group approvers grant nothing (fail closed).
   * Takes effect at once, also for an approval service already built.
   */
  setGroupMemberResolver(resolver: GroupMemberResolver | undefined): void {
    this.#resolveGroupMembers = resolver;
  }

  /** The approval state machine, with settings from config `approvals.*` and the user-group resolver, if set. */
  approvals(): ApprovalService {
    if (this.#approvals === undefined) {
      const settings = this.config().effective.approvals;
      this.#approvals = new ApprovalService({
        db: this.store().db,
        clock: this.clock,
        audit: this.ledger(),
        settings: {
          approvers: settings.approvers,
          expiryMs: parseDuration(settings.expiry, 'approvals.expiry'),
          allowSelfApproval: settings.allow_self_approval,
          criticalTools: settings.critical_tools,
        },
        // Read the resolver at decision time, so setting it later reaches this instance too. Without
        // the bot's (the CLI deciding as approvals.cli_identity), Slack is asked with slack.bot_token.
        resolveGroupMembers: (groupId) => {
          const resolver = this.#resolveGroupMembers ?? this.#slackGroupMembers();
          if (resolver === undefined) throw new Error('no user-group resolver is configured (set slack.bot_token so user groups can be looked up)');
          return resolver(groupId);
        },
      });
    }
    return this.#approvals;
  }

  logger(): Logger {
    if (this.#logger === undefined) {
      const level: LogLevel = this.#configOrUndefined()?.effective.log_level ?? 'info';
      this.#logger = createLogger({
        level,
        filePath: this.paths.logFile,
        ...(this.#console?.isTTY === true ? { console: { stream: this.#console.stream, level: 'warn', colorize: true } } : {}),
        // Secret config paths by schema (a logged config object), plus the generic header and key names.
        redactPaths: [...DEFAULT_REDACT_PATHS, ...secretPaths(configSchema).map((path) => `config.${path.join('.')}`)],
        secretValues: () => this.#secretValues(),
        sync: true,
      });
    }
    return this.#logger;
  }

  /** The tool catalog (tools/*.yaml): scopes, approvals, guards, rate limits. */
  catalog(): ToolCatalog {
    this.#catalog ??= loadCatalog(this.#catalogDirectory);
    return this.#catalog;
  }

  /**
   * The connector of a module for the current config, built once per process so its queue
   * and circuit breaker are shared by every caller.
   */
  connector(module: ConnectorModule): ConnectorInstance {
    let instance = this.#connectors.get(module.id);
    if (instance === undefined) {
      // Fail closed: an unconfigured integration is never called with empty credentials.
      const status = integrationStatuses(this.config()).find((candidate) => candidate.name === module.integration);
      if (status !== undefined && !status.configured) {
        throw new DefenseClawError(
          `${module.integration} is not configured${status.enabled ? `: missing ${status.missing.join(', ')}` : ' (not in cisco.products)'}`,
          { code: 'integration_not_configured', exitCode: 2 },
        );
      }
      instance = createConnector(module, this.config().config, this.catalog(), {
        clock: this.clock,
        logger: this.logger(),
        ...(this.#fetch === undefined ? {} : { fetch: this.#fetch }),
      });
      this.#connectors.set(module.id, instance);
    }
    return instance;
  }

  get fetch(): typeof fetch | undefined {
    return this.#fetch;
  }

  /** Every tool by id and alias (definitions and catalog entries). */
  tools(): ToolRegistry {
    this.#tools ??= new ToolRegistry(this.catalog());
    return this.#tools;
  }

  /** The one door to every tool: every caller's calls go through it. */
  gateway(): Gateway {
    if (this.#gateway === undefined) {
      const config = this.config().config;
      this.#gateway = new Gateway({
        registry: this.tools(),
        audit: this.ledger(),
        approvals: this.approvals(),
        guards: {
          internalCidrs: config.guards.internal_cidrs,
          // Config tags always apply; the inventory adds what it knows (source, rule and hand-set
          // tags). A failing lookup throws, and the guard then denies (fail closed).
          assetTags: (hostname) => [...(config.guards.asset_tags[hostname] ?? []), ...this.inventory().tagsOfHost(hostname)],
          allowList: configuredAllowLists(config),
        },
        liveTool: (tool) => {
          const live = ToolRegistry.liveTool(this.connector(tool.module), tool.id);
          if (live === undefined) throw new Error(`${tool.id} is not available from its connector`);
          return live;
        },
        clock: this.clock,
        logger: this.logger(),
        runtime: config.agent.runtime,
        maxConcurrentCalls: config.max_concurrent,
        redact: (value) => this.redactor.redact(value),
      });
    }
    return this.#gateway;
  }

  runs(): RunRepository {
    return new RunRepository(this.store().db);
  }

  /** Agent and workflow runs (at most agent.max_concurrent at once in this process). */
  runner(): AgentRunner {
    this.#runner ??= new AgentRunner({
      gateway: this.gateway(),
      registry: this.tools(),
      store: this.runs(),
      clock: this.clock,
      logger: this.logger(),
      maxConcurrent: this.config().config.agent.max_concurrent,
      onEvent: (event) => {
        for (const listener of this.#runEventListeners) listener(event);
      },
    });
    return this.#runner;
  }

  workflows(): WorkflowService {
    return new WorkflowService({
      store: this.runs(),
      runner: this.runner(),
      gateway: this.gateway(),
      tools: this.tools(),
      audit: this.ledger(),
      clock: this.clock,
      actor: this.actor,
      triggers: {
        // An active workflow's trigger is a scheduled job: `slack serve` ticks it, as does `schedule tick`.
        schedule: (workflow, schedule) => {
          const scheduler = this.scheduler();
          const job = `${WORKFLOW_JOB_PREFIX}${workflow}`;
          try {
            scheduler.ensure({ name: job, kind: 'workflow', schedule, params: { workflow }, createdBy: this.actor });
          } catch (error) {
            if (error instanceof InputError) throw new InputError(error.problems.map((problem) => ({ ...problem, path: problem.path === 'schedule' ? 'trigger' : problem.path, message: `workflow ${workflow}: ${problem.message}` })), { code: 'workflow_trigger_invalid' });
            throw error;
          }
          scheduler.enable(job);
        },
        unschedule: (workflow) => {
          try {
            this.scheduler().remove(`${WORKFLOW_JOB_PREFIX}${workflow}`);
          } catch (error) {
            if (!(error instanceof ScheduledJobNotFoundError)) throw error;
          }
        },
      },
    });
  }

  /** Follow run events of this process (progress output). Returns an unsubscribe. */
  onRunEvent(listener: (event: RunEventRecord) => void): () => void {
    this.#runEventListeners.add(listener);
    return () => this.#runEventListeners.delete(listener);
  }

  investigationStore(): InvestigationRepository {
    return new InvestigationRepository(this.store().db);
  }

  /**
   * The investigation service: the gateway, the investigation profile from config, and the
   * Anthropic model when `llm.api_key` is set (otherwise the deterministic triage, said so).
   */
  investigations(options: { model?: ModelClient } = {}): InvestigationService {
    const loaded = this.config();
    const { investigate, llm } = loaded.config;
    const registry = this.tools();
    const tools = investigate.tools.map((name, index) => {
      if (name === '*') return '*';
      const tool = registry.resolve(name);
      if (tool === undefined) throw new ConfigError({ message: `unknown tool ${JSON.stringify(name)}`, path: `investigate.tools[${index}]`, file: loaded.file });
      return tool.id;
    });
    const permissions = profile(tools.includes('*') ? '*' : tools, investigate.permissions);
    const apiKey = loaded.effective.llm.api_key;
    const model: InvestigationServiceOptions['model'] =
      options.model !== undefined
        ? { client: options.model }
        : apiKey === undefined || apiKey === ''
          ? { unavailable: 'no API key is configured (set ANTHROPIC_API_KEY or llm.api_key)' }
          : {
              client: new AnthropicModelClient({
                apiKey,
                ...(loaded.effective.llm.base_url === undefined ? {} : { baseUrl: loaded.effective.llm.base_url }),
                logger: this.logger(),
                ...(this.#fetch === undefined ? {} : { fetch: this.#fetch }),
              }),
            };
    return new InvestigationService({
      tools: this.gateway(),
      registry,
      store: this.investigationStore(),
      clock: this.clock,
      redactor: this.redactor,
      model,
      prompt: () => loadPrompt('investigation-system'),
      settings: {
        windowHours: parseDuration(investigate.window) / 3_600_000,
        permissions,
        toolOutputCapBytes: investigate.tool_output_cap_bytes,
        llm: { model: llm.model, maxSteps: llm.max_steps, maxTokens: llm.max_tokens, budgetTokens: llm.budget_tokens, timeBudgetMs: parseDuration(llm.time_budget) },
      },
    });
  }

  integrationHealth(): IntegrationHealthRepository {
    return new IntegrationHealthRepository(this.store().db);
  }

  /** The inventory: scans through the gateway, snapshots in the store, tag rules from inventory.tag_rules_file. */
  inventory(): InventoryService {
    const settings = this.config().config.inventory;
    return new InventoryService({
      gateway: this.gateway(),
      store: new InventoryRepository(this.store()),
      clock: this.clock,
      settings: { tagRulesFile: resolve(this.paths.home, settings.tag_rules_file), autoTag: settings.auto_tag },
      actor: this.actor,
      audit: this.ledger(),
      logger: this.logger(),
    });
  }

  /**
   * Policy checks and enforcement over the newest inventory snapshot: built-in policies plus the
   * user's (config `policy.directory`, relative to DEFENSECLAW_HOME); live reads and remediations
   * go through the gateway; runs and results are stored.
   */
  policies(): PolicyService {
    return new PolicyService({
      library: new PolicyLibrary({ tools: this.tools(), userDirectory: resolve(this.paths.home, this.config().config.policy.directory) }),
      inventory: {
        latest: async () => {
          const inventory = this.inventory();
          return inventory.latestSnapshot() === undefined ? undefined : snapshotOf(inventory.assets());
        },
        scan: async () => {
          const inventory = this.inventory();
          const { snapshot } = await inventory.scan();
          return snapshotOf(inventory.assets(snapshot.id));
        },
      },
      gateway: this.gateway(),
      tools: this.tools(),
      store: new PolicyRepository(this.store().db),
      clock: this.clock,
      logger: this.logger(),
    });
  }

  /**
   * Event correlation and IOC pivots: the built-in rules (rules/) and the user's
   * (DEFENSECLAW_HOME/rules/), reads through the gateway (built only when a read is made, so
   * `rule` commands open no database).
   */
  correlation(): CorrelateService {
    return new CorrelateService({
      gateway: { call: (...parameters) => this.gateway().call(...parameters) },
      rules: new RuleLibrary({ store: new RuleRepository(resolve(this.paths.home, 'rules')) }),
      clock: this.clock,
      actor: this.actor,
      isConfigured: (integration) => integrationStatuses(this.config()).some((status) => status.name === integration && status.configured),
    });
  }

  /**
   * Persisted jobs with the handlers this process can run (policy runs, inventory sweeps; the bot
   * adds the digest), telling results by e-mail (smtp.*) or Slack (slack.bot_token; the bot swaps
   * in its own client). Built once per process.
   */
  scheduler(): Scheduler {
    if (this.#scheduler === undefined) {
      const loaded = this.config();
      const slack = loaded.effective.slack;
      this.#scheduler = new Scheduler({
        store: new SchedulerRepository(this.store().db),
        clock: this.clock,
        logger: this.logger().child({ component: 'scheduler' }),
        redactor: this.redactor,
        notifier: new JobNotifier({
          // Read at send time: an unset ${SMTP_PASSWORD} fails that delivery, naming the key.
          email: createSmtpEmailSender(loaded.config.smtp),
          slack: slack.bot_token === undefined ? undefined : webApiPoster({ token: slack.bot_token, apiUrl: slack.api_url, fetch: this.#fetch }),
        }),
        handlers: {
          inventory_sweep: inventorySweepHandler(() => this.inventory().scan()),
          policy: policyJobHandler({ check: (input) => this.policies().check(input), summary: policyRunSummary }),
          workflow: workflowJobHandler(async ({ workflow, requester }) => {
            const round = await this.workflows().runTriggered(workflow, { requester });
            return { active: round.active, runs: round.runs.map(({ key, outcome }) => ({ key, runId: outcome.runId, status: outcome.status, ...(outcome.approvalId === undefined ? {} : { approvalId: outcome.approvalId }) })) };
          }),
        },
      });
    }
    return this.#scheduler;
  }

  close(): void {
    this.#logger?.flush();
    this.#store?.close();
    this.#store = undefined;
    this.#ledger = undefined;
    this.#scheduler = undefined;
    this.#approvals = undefined;
  }

  /** Members of a Slack user group through the Web API (usergroups.users.list), when a bot token is configured. */
  #slackGroupMembers(): GroupMemberResolver | undefined {
    if (this.#slackGroupResolver === undefined) {
      const slack = this.config().effective.slack;
      if (slack.bot_token === undefined || slack.bot_token === '') return undefined;
      const client = new WebClient(slack.bot_token, {
        ...(slack.api_url === undefined ? {} : { slackApiUrl: slack.api_url }),
        retryConfig: { retries: 1, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
        timeout: 10_000,
        ...(this.#fetch === undefined ? {} : { fetch: this.#fetch }),
      });
      this.#slackGroupResolver = slackGroupMemberResolver({ client, clock: this.clock });
    }
    return this.#slackGroupResolver;
  }

  #configOrUndefined(): LoadedConfig | undefined {
    try {
      return this.config();
    } catch {
      return undefined;
    }
  }

  #secretValues(): readonly string[] {
    if (this.#secrets === undefined) {
      const loaded = this.#configOrUndefined();
      this.#secrets = loaded === undefined ? [] : secretValues(loaded);
    }
    return this.#secrets;
  }
}

/** An inventory snapshot as the policy service reads it. */
function snapshotOf(view: ReturnType<InventoryService['assets']>): { id: string; takenAt: string; assets: ReturnType<InventoryService['assets']>['assets'] } {
  return { id: view.snapshot.id, takenAt: view.snapshot.takenAt, assets: view.assets };
}

/** Scheduled jobs that keep an active workflow's trigger running are named `workflow:<name>`. */
export const WORKFLOW_JOB_PREFIX = 'workflow:';

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
