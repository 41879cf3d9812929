import { z } from 'zod';
import type { AssetRecord, AssetSource } from '../connectors/model/index.js';

/** What one source's read tool gave: its asset records, and why it may be incomplete. */
export interface SourceRead {
  records: AssetRecord[];
  /** Set when the source holds more than the tool returned (the snapshot is then partial for it). */
  incomplete?: string;
}

/** One place assets come from: a read tool that lists every device (paging is the tool's own job). */
export interface AssetSourceDefinition {
  name: AssetSource;
  /** The integration behind it, for messages. */
  label: string;
  tool: string;
  input: Readonly<Record<string, unknown>>;
  /** The records in the tool's output; throws when the output is not what the tool promises. */
  read(output: unknown): SourceRead;
}

/** Secure Endpoint lists at most this many computers per call (its tool's limit). */
const SECURE_ENDPOINT_LIMIT = 20_000;
/** CrowdStrike returns at most this many devices per call (its tool's limit). */
const CROWDSTRIKE_LIMIT = 10_000;

const isolation = z.enum(['isolated', 'not_isolated', 'pending', 'unknown']);

/**
 * The fields the merge relies on, checked; anything else passes through. Tool outputs are
 * untrusted data, even from our own normalisers (they crossed the gateway as `unknown`).
 */
const assetRecordSchema = z
  .object({
    source: z.enum(['cisco-xdr', 'secure-endpoint', 'crowdstrike']),
    sourceId: z.string().min(1),
    hostname: z.string(),
    fqdn: z.string().optional(),
    ips: z.array(z.string()),
    macs: z.array(z.string()),
    serial: z.string().optional(),
    cloudId: z.string().optional(),
    os: z.object({ family: z.enum(['windows', 'macos', 'linux', 'other']).optional(), name: z.string().optional(), version: z.string().optional() }).loose().optional(),
    user: z.string().optional(),
    lastSeen: z.string().optional(),
    agentVersion: z.string().optional(),
    isolation: isolation.optional(),
    tags: z.array(z.string()).optional(),
  })
  .loose();

const secureEndpointOutput = z.object({ count: z.number().optional(), computers: z.array(assetRecordSchema) }).loose();
const crowdStrikeOutput = z.object({ total: z.number().optional(), returned: z.number().optional(), truncated: z.boolean().optional(), assets: z.array(assetRecordSchema) }).loose();

function parse<T extends z.ZodType>(schema: T, output: unknown, tool: string): z.output<T> {
  const parsed = schema.safeParse(output);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${tool} returned an unexpected output${issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`}`);
  }
  return parsed.data;
}

/** Records as the merge wants them: the vendor's raw record is dropped (it is not kept in snapshots). */
function plain(records: ReadonlyArray<z.output<typeof assetRecordSchema>>): AssetRecord[] {
  return records.map(({ raw: _raw, ...record }) => ({ ...record, raw: undefined }) as AssetRecord);
}

/** Every asset source that has a device-listing read tool, in merge priority order. */
export const ASSET_SOURCES: readonly AssetSourceDefinition[] = [
  {
    name: 'secure-endpoint',
    label: 'Cisco Secure Endpoint',
    tool: 'secure_endpoint.list_computers',
    input: { limit: SECURE_ENDPOINT_LIMIT },
    read(output) {
      const data = parse(secureEndpointOutput, output, 'secure_endpoint.list_computers');
      return {
        records: plain(data.computers),
        ...(data.computers.length >= SECURE_ENDPOINT_LIMIT ? { incomplete: `returned ${data.computers.length} computers, the most list_computers gives; more may exist` } : {}),
      };
    },
  },
  {
    name: 'crowdstrike',
    label: 'CrowdStrike Falcon',
    tool: 'crowdstrike.query_devices',
    input: { limit: CROWDSTRIKE_LIMIT },
    read(output) {
      const data = parse(crowdStrikeOutput, output, 'crowdstrike.query_devices');
      return {
        records: plain(data.assets),
        ...(data.truncated === true ? { incomplete: `returned ${data.assets.length} of ${data.total ?? 'more'} devices (the most query_devices gives)` } : {}),
      };
    },
  },
];

/**
 * Sources that are part of the asset model but have no device-listing read tool in the catalog:
 * asking for them is refused with the reason. (Cisco XDR's device inventory API is not wrapped
 * by a tool yet; its hosts reach the inventory only through the other two.)
 */
export const UNAVAILABLE_SOURCES: Readonly<Partial<Record<AssetSource, string>>> = {
  'cisco-xdr': 'Cisco XDR has no device-listing read tool in tools/cisco_xdr.yaml yet',
};

/** `secure_endpoint`, `Secure-Endpoint` → `secure-endpoint`. Undefined when it names no source. */
export function sourceName(text: string): AssetSource | undefined {
  const normalised = text.trim().toLowerCase().replaceAll('_', '-');
  const aliases: Record<string, AssetSource> = { 'secure-endpoint': 'secure-endpoint', amp: 'secure-endpoint', crowdstrike: 'crowdstrike', falcon: 'crowdstrike', 'cisco-xdr': 'cisco-xdr', xdr: 'cisco-xdr' };
  return aliases[normalised];
}
