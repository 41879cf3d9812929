import { existsSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors/index.js';
import { isAgentFileName, loadAgentDefinition, type AgentDefinition, type ToolLookup } from './definition/index.js';
import { runnableStep, type Runnable } from './runner/runnable.js';

/** The agents shipped with DefenseClaw: `agents/` at the package root. */
export const BUILT_IN_AGENTS_DIRECTORY = fileURLToPath(new URL('../../agents', import.meta.url));

export interface AgentEntry {
  name: string;
  file: string;
  source: 'built-in' | 'user';
}

/** Agent files by name: the user's (`DEFENSECLAW_HOME/agents`) shadow built-ins of the same name. */
export function listAgentFiles(userDirectory: string, builtInDirectory = BUILT_IN_AGENTS_DIRECTORY): AgentEntry[] {
  const entries = new Map<string, AgentEntry>();
  for (const [directory, source] of [
    [builtInDirectory, 'built-in'],
    [userDirectory, 'user'],
  ] as const) {
    if (!existsSync(directory)) continue;
    for (const name of readdirSync(directory).sort()) {
      if (!isAgentFileName(name)) continue;
      entries.set(basename(name).replace(/\.ya?ml$/, ''), { name: basename(name).replace(/\.ya?ml$/, ''), file: join(directory, name), source });
    }
  }
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A file path (when it exists or looks like one) or an agent name from the library. */
export function resolveAgentFile(reference: string, userDirectory: string, cwd: string): string {
  const asPath = isAbsolute(reference) ? reference : resolve(cwd, reference);
  if (existsSync(asPath) || /[\\/]|\.ya?ml$/.test(reference)) return asPath;
  const entry = listAgentFiles(userDirectory).find((candidate) => candidate.name === reference);
  if (entry === undefined) throw new UsageError(`no agent named ${reference}; see \`defenseclaw agent list\``);
  return entry.file;
}

/** Loads and validates an agent (InputError with every problem when invalid). */
export function loadAgent(file: string, tools: ToolLookup): AgentDefinition {
  return loadAgentDefinition(file, tools);
}

/** An agent as the runner executes it. */
export function agentRunnable(definition: AgentDefinition): Runnable {
  return {
    kind: 'agent',
    name: definition.name,
    version: definition.version,
    ...(definition.runtime === undefined ? {} : { runtime: definition.runtime }),
    tools: [...definition.tools],
    permissions: { read: definition.permissions.read, write: definition.permissions.write, execute: definition.permissions.execute },
    steps: definition.steps.map(runnableStep),
  };
}
