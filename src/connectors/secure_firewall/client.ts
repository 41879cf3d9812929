import { z } from 'zod';
import type { FmcTokenAuth } from '../http/index.js';
import type { HttpClient, HttpResponse } from '../http/index.js';

/*
 * Typed calls to the Secure Firewall Management Center config API (connectors.md §4). Every
 * config path sits under /api/fmc_config/v1/domain/{domainUUID}; the UUID comes from config or
 * from the DOMAIN_UUID header of generatetoken. Lists are walked with offset/limit until
 * `paging.next` is absent.
 */

const CONFIG_PREFIX = '/api/fmc_config/v1/domain';
/** FMC caps `limit` at 1000 per page. */
export const FMC_MAX_PAGE_SIZE = 1000;
/** Upper bound on items collected from one list, so a runaway paging loop cannot exhaust memory. */
export const FMC_MAX_ITEMS = 50_000;

const referenceSchema = z.object({ id: z.string(), type: z.string().optional(), name: z.string().optional(), value: z.string().optional() }).loose();
const networkListSchema = z.object({ objects: z.array(referenceSchema).optional(), literals: z.array(z.object({ type: z.string().optional(), value: z.string().optional() }).loose()).optional() }).loose();
const portListSchema = z
  .object({
    objects: z.array(referenceSchema).optional(),
    literals: z.array(z.object({ type: z.string().optional(), protocol: z.string().optional(), port: z.string().optional() }).loose()).optional(),
  })
  .loose();

export const fmcNetworkObjectSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    name: z.string(),
    value: z.string().optional(),
    description: z.string().optional(),
    overridable: z.boolean().optional(),
    metadata: z.object({ timestamp: z.number().optional(), lastUser: z.object({ name: z.string().optional() }).loose().optional() }).loose().optional(),
  })
  .loose();
export type FmcNetworkObject = z.infer<typeof fmcNetworkObjectSchema>;

export const fmcAccessPolicySchema = z.object({ id: z.string(), type: z.string().optional(), name: z.string() }).loose();
export type FmcAccessPolicy = z.infer<typeof fmcAccessPolicySchema>;

export const fmcAccessRuleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string().optional(),
    action: z.string().optional(),
    enabled: z.boolean().optional(),
    sourceNetworks: networkListSchema.optional(),
    destinationNetworks: networkListSchema.optional(),
    destinationPorts: portListSchema.optional(),
    metadata: z.object({ ruleIndex: z.number().optional(), section: z.string().optional() }).loose().optional(),
  })
  .loose();
export type FmcAccessRule = z.infer<typeof fmcAccessRuleSchema>;

export const fmcDeployableDeviceSchema = z
  .object({
    name: z.string().optional(),
    canBeDeployed: z.boolean().optional(),
    upToDate: z.boolean().optional(),
    version: z.union([z.string(), z.number()]).optional(),
    device: z.object({ id: z.string(), name: z.string().optional(), type: z.string().optional() }).loose(),
  })
  .loose();
export type FmcDeployableDevice = z.infer<typeof fmcDeployableDeviceSchema>;

const deploymentResponseSchema = z.object({ metadata: z.object({ task: z.object({ id: z.string() }).loose() }).loose() }).loose();
export const fmcTaskStatusSchema = z.object({ id: z.string(), status: z.string(), message: z.string().optional() }).loose();
export type FmcTaskStatus = z.infer<typeof fmcTaskStatusSchema>;

function listSchema<T extends z.ZodType>(item: T) {
  return z
    .object({
      items: z.array(item).optional(),
      paging: z.object({ offset: z.number().optional(), limit: z.number().optional(), count: z.number().optional(), next: z.array(z.string()).optional() }).loose().optional(),
    })
    .loose();
}

export interface ListOptions {
  /** Page size (FMC default 25, at most 1000). */
  pageSize?: number;
  /** Stop after this many items. */
  max?: number;
  /** `filter` query, e.g. `nameOrValue:10.0.0.1`. */
  filter?: string;
  signal?: AbortSignal;
}

export interface AccessRuleInput {
  name: string;
  action: 'ALLOW' | 'TRUST' | 'BLOCK' | 'MONITOR' | 'BLOCK_RESET';
  sourceObjects?: Array<{ id: string; type: string; name: string }>;
  destinationObjects?: Array<{ id: string; type: string; name: string }>;
}

export interface SecureFirewallClientOptions {
  http: HttpClient;
  auth: Pick<FmcTokenAuth, 'resolveDomainUuid'>;
  /** Configured domain UUID; when absent, the DOMAIN_UUID of the token response is used. */
  domainUuid?: string;
}

export class SecureFirewallClient {
  readonly http: HttpClient;
  private readonly auth: Pick<FmcTokenAuth, 'resolveDomainUuid'>;
  private readonly configuredDomainUuid: string | undefined;

  constructor(options: SecureFirewallClientOptions) {
    this.http = options.http;
    this.auth = options.auth;
    this.configuredDomainUuid = options.domainUuid;
  }

  async domainUuid(signal?: AbortSignal): Promise<string> {
    return this.configuredDomainUuid ?? (await this.auth.resolveDomainUuid(signal));
  }

  private async configPath(path: string, signal?: AbortSignal): Promise<string> {
    return `${CONFIG_PREFIX}/${encodeURIComponent(await this.domainUuid(signal))}${path}`;
  }

  /**
   * Walks every page of a config collection with `expanded=true`. The next offset is read from
   * `paging.next[0]` (only its offset/limit, so the request never leaves the configured host).
   */
  async listAll<T extends z.ZodType>(path: string, item: T, options: ListOptions = {}): Promise<Array<z.output<T>>> {
    const fullPath = await this.configPath(path, options.signal);
    const limit = Math.min(Math.max(1, options.pageSize ?? FMC_MAX_PAGE_SIZE), FMC_MAX_PAGE_SIZE);
    const max = Math.min(options.max ?? FMC_MAX_ITEMS, FMC_MAX_ITEMS);
    const schema = listSchema(item);
    const out: Array<z.output<T>> = [];
    let offset = 0;
    for (;;) {
      const response = await this.http.get(fullPath, {
        query: { offset, limit, expanded: true, filter: options.filter },
        schema,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const items = response.data.items ?? [];
      for (const entry of items) {
        out.push(entry);
        if (out.length >= max) return out;
      }
      const next = response.data.paging?.next?.[0];
      if (next === undefined || items.length === 0) return out;
      const nextOffset = Number(new URL(next, 'http://fmc.invalid').searchParams.get('offset'));
      // A next link that does not move forward would loop for ever: stop instead.
      if (!Number.isFinite(nextOffset) || nextOffset <= offset) return out;
      offset = nextOffset;
    }
  }

  listNetworks(options?: ListOptions): Promise<FmcNetworkObject[]> {
    return this.listAll('/object/networks', fmcNetworkObjectSchema, options);
  }

  listHosts(options?: ListOptions): Promise<FmcNetworkObject[]> {
    return this.listAll('/object/hosts', fmcNetworkObjectSchema, options);
  }

  listAccessPolicies(options?: ListOptions): Promise<FmcAccessPolicy[]> {
    return this.listAll('/policy/accesspolicies', fmcAccessPolicySchema, options);
  }

  listAccessRules(policyId: string, options?: ListOptions): Promise<FmcAccessRule[]> {
    return this.listAll(`/policy/accesspolicies/${encodeURIComponent(policyId)}/accessrules`, fmcAccessRuleSchema, options);
  }

  listDeployableDevices(options?: ListOptions): Promise<FmcDeployableDevice[]> {
    return this.listAll('/deployment/deployabledevices', fmcDeployableDeviceSchema, options);
  }

  /** Creates a host object (single address). Not idempotent: FMC refuses a duplicate name. */
  async createHost(input: { name: string; value: string; description?: string }, signal?: AbortSignal): Promise<FmcNetworkObject> {
    const response = await this.http.post(await this.configPath('/object/hosts', signal), {
      json: { name: input.name, value: input.value, type: 'Host', overridable: false, description: input.description ?? ' ' },
      schema: fmcNetworkObjectSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  /** Adds a rule at the top of the policy's mandatory section, so a block wins over existing allows. */
  async createAccessRule(policyId: string, input: AccessRuleInput, signal?: AbortSignal): Promise<FmcAccessRule> {
    const response = await this.http.post(await this.configPath(`/policy/accesspolicies/${encodeURIComponent(policyId)}/accessrules`, signal), {
      query: { section: 'mandatory', insertBefore: 1 },
      json: {
        type: 'AccessRule',
        name: input.name,
        action: input.action,
        enabled: true,
        sendEventsToFMC: true,
        logBegin: true,
        logEnd: false,
        sourceNetworks: { objects: input.sourceObjects ?? [] },
        destinationNetworks: { objects: input.destinationObjects ?? [] },
        sourceZones: { objects: [] },
        destinationPorts: { objects: [] },
      },
      schema: fmcAccessRuleSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  /** Starts a deployment (202 with a task id). Never re-sent: a second request would deploy twice. */
  async requestDeployment(input: { version: string; deviceIds: string[]; note: string }, signal?: AbortSignal): Promise<{ taskId: string }> {
    const response = await this.http.post(await this.configPath('/deployment/deploymentrequests', signal), {
      json: { type: 'DeploymentRequest', version: input.version, forceDeploy: false, ignoreWarning: true, deploymentNote: input.note, deviceList: input.deviceIds },
      schema: deploymentResponseSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return { taskId: response.data.metadata.task.id };
  }

  async taskStatus(taskId: string, signal?: AbortSignal): Promise<FmcTaskStatus> {
    const response = await this.http.get(await this.configPath(`/job/taskstatuses/${encodeURIComponent(taskId)}`, signal), {
      schema: fmcTaskStatusSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  /** One cheap authenticated read, for `doctor`. */
  async probe(signal?: AbortSignal): Promise<HttpResponse<{ count: number }>> {
    const response = await this.http.get(await this.configPath('/object/networks', signal), {
      query: { offset: 0, limit: 1 },
      schema: listSchema(z.unknown()),
      ...(signal === undefined ? {} : { signal }),
    });
    return { ...response, data: { count: response.data.paging?.count ?? response.data.items?.length ?? 0 } };
  }
}
