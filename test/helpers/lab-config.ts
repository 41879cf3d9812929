import { parseConfigText, type Config } from '../../src/config/index.js';

/** A typed config from YAML text (as tests write it), with no environment. */
export function configFrom(yaml: string): Config {
  return parseConfigText(yaml, { file: 'test.yaml', env: {}, exists: true }).config;
}

/** Arms a fault in a running lab. */
export async function injectFault(labUrl: string, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${labUrl}/__lab/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  if (response.status !== 201) throw new Error(`fault not accepted: ${response.status} ${await response.text()}`);
}

/** The lab's journal, optionally filtered. */
export async function journal(labUrl: string, filter: { product?: string; method?: string; path?: string } = {}): Promise<Array<{ method: string; path: string; status: number; query: string }>> {
  const query = new URLSearchParams(filter as Record<string, string>).toString();
  const response = await fetch(`${labUrl}/__lab/requests${query === '' ? '' : `?${query}`}`);
  return ((await response.json()) as { requests: Array<{ method: string; path: string; status: number; query: string }> }).requests;
}
