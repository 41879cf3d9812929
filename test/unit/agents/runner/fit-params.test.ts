import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fitParams } from '../../../../src/agents/runner/fit-params.js';
import { loadCatalog } from '../../../../src/connectors/catalog/index.js';
import { ToolRegistry } from '../../../../src/gateway/tool-registry.js';

const input = z.object({
  hostname: z.string().min(1),
  since_hours: z.number().int().positive().default(24),
  limit: z.number().int().optional(),
  verbose: z.boolean().optional(),
  observables: z.array(z.object({ type: z.string(), value: z.string() })).optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});

describe('fitParams: rendered params fitted to the tool input', () => {
  it('turns run parameters (strings) into the numbers and booleans the schema wants', () => {
    expect(fitParams({ hostname: 'ws-1', since_hours: '24', limit: ' 5 ', verbose: 'true' }, input)).toEqual({ hostname: 'ws-1', since_hours: 24, limit: 5, verbose: true });
    expect(input.safeParse(fitParams({ hostname: 'ws-1', since_hours: '24' }, input)).success).toBe(true);
  });

  it('turns numbers and booleans into text where the schema wants a string, also inside lists of mappings', () => {
    expect(fitParams({ hostname: 42, observables: [{ type: 'ip', value: 17 }] }, input)).toEqual({ hostname: '42', observables: [{ type: 'ip', value: '17' }] });
  });

  it('leaves what does not convert cleanly for the gateway to refuse, and keys the schema does not know', () => {
    expect(fitParams({ hostname: 'ws-1', since_hours: '24h', verbose: 'yes', limit: '' }, input)).toEqual({ hostname: 'ws-1', since_hours: '24h', verbose: 'yes', limit: '' });
    expect(fitParams({ hostname: 'ws-1', extra: { n: '5' }, unknown: '7' }, input)).toEqual({ hostname: 'ws-1', extra: { n: '5' }, unknown: '7' });
    expect(fitParams({ hostname: ['a'] }, input)).toEqual({ hostname: ['a'] });
  });

  it('fits a real catalog tool (secure_endpoint.list_events) so --param values pass its validation', () => {
    const tool = new ToolRegistry(loadCatalog()).resolve('secure_endpoint.list_events')!;
    const fitted = fitParams({ hostname: 'workstation-042', since_hours: '24', limit: '5' }, tool.definition.input);
    expect(tool.definition.input.safeParse(fitted).success).toBe(true);
  });
});
