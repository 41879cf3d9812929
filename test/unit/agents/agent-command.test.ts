import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_TYPES } from '../../../src/agents/definition/index.js';
import { runCli, temporaryHome } from '../../helpers/cli.js';

const FIXTURES = resolve('test/fixtures/agents');

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

const cli = (args: string[]) => runCli(args, { home: home.home });

describe('defenseclaw agent validate', () => {
  it('prints a summary and exits 0 for a valid agent', async () => {
    const result = await cli(['agent', 'validate', join(FIXTURES, 'valid/phishing-triage.yaml')]);
    expect(result).toMatchObject({
      code: 0,
      stdout: 'ok: phishing-triage v1.2.0, 4 steps, tools: cisco_xdr.get_incident, cisco.xdr.events, cisco_xdr.enrich_observables, splunk.search\n',
      stderr: '',
    });
  });

  it('prints notes on stderr and still exits 0', async () => {
    const file = join(FIXTURES, 'valid/isolate-host.yml');
    const result = await cli(['agent', 'validate', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('ok: isolate-host v2.0.0-beta.1, 2 steps, tools: cisco.secure_endpoint.status, cisco.secure_endpoint.isolate\n');
    expect(result.stderr).toBe(`note: ${file}:14:24: steps.1.requires_approval: false is ignored unless config agent.runtime is standard: the secure runtime (the default) asks for approval before every execute step\n`);
  });

  it('reads a relative path from the working folder and names it as given', async () => {
    writeFileSync(join(home.home, 'bad.yaml'), readFileSync(join(FIXTURES, 'broken/unknown-param.yaml')));
    const result = await cli(['agent', 'validate', 'bad.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('defenseclaw: bad.yaml:21:7: steps.1.params.hostnme: unknown param for secure_endpoint.list_events (did you mean "hostname"?)\n');
  });

  it('exits 2 with every problem on its own line', async () => {
    const file = join(home.home, 'two.yaml');
    writeFileSync(file, readFileSync(join(FIXTURES, 'broken/unknown-param.yaml'), 'utf8').replace('version: 1.0.0', 'version: one'));
    const result = await cli(['agent', 'validate', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `defenseclaw: ${file}:3:10: version: expected a version like 1.0.0, got "one"`,
      `defenseclaw: ${file}:21:7: steps.1.params.hostnme: unknown param for secure_endpoint.list_events (did you mean "hostname"?)`,
    ]);
  });

  it('--json gives {valid, problems} and exit 2 when invalid', async () => {
    const file = join(FIXTURES, 'broken/later-step-reference.yaml');
    const result = await cli(['agent', 'validate', file, '--json']);
    expect(result.code).toBe(2);
    const body = JSON.parse(result.stdout) as { valid: boolean; problems: unknown[] };
    expect(body.valid).toBe(false);
    expect(body.problems).toEqual([
      {
        file,
        line: 13,
        column: 16,
        path: 'steps.0.condition',
        message: '"events.count" reads step "events", which runs later; only earlier steps\' outputs exist',
      },
    ]);
  });

  it('--json gives valid: true and exit 0 when valid', async () => {
    const result = await cli(['agent', 'validate', join(FIXTURES, 'valid/minimal.yaml'), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, problems: [], agent: { name: 'open-incidents', version: '0.1.0', steps: 1 } });
  });

  it('exits 2 for a missing file', async () => {
    const result = await cli(['agent', 'validate', 'nope.yaml']);
    expect(result).toMatchObject({ code: 2, stderr: 'defenseclaw: nope.yaml: no such file\n' });
  });
});

describe('defenseclaw agent new', () => {
  it.each(AGENT_TYPES)('writes a %s agent (mode 0644) that passes agent validate', async (type) => {
    const result = await cli(['agent', 'new', '--name', `my-${type}`, '--type', type]);
    const file = join(home.home, 'agents', `my-${type}.yaml`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`wrote ${file} (${type} agent my-${type})\n`);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    const validation = await cli(['agent', 'validate', file]);
    expect(validation.code, validation.stderr).toBe(0);
    expect(validation.stdout).toMatch(new RegExp(`^ok: my-${type} v1\\.0\\.0, \\d steps, tools: `));
  });

  it('refuses to overwrite without --force (exit 2, a usage error), overwrites with it', async () => {
    const file = join(home.home, 'custom', 'agent.yaml');
    expect((await cli(['agent', 'new', '--name', 'first', '--type', 'inventory', '--output', 'custom/agent.yaml'])).code).toBe(0);
    const refused = await cli(['agent', 'new', '--name', 'second', '--type', 'response', '--output', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`defenseclaw: ${file} already exists; use --force to overwrite it\n`);
    expect(readFileSync(file, 'utf8')).toContain('name: first');
    const forced = await cli(['agent', 'new', '--name', 'second', '--type', 'response', '--output', file, '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({ file, name: 'second', type: 'response', overwritten: true });
    expect(readFileSync(file, 'utf8')).toContain('name: second');
  });

  it.each([
    [['--name', 'Bad_Name', '--type', 'inventory'], /--name: "Bad_Name" must be lower-case letters/],
    [['--name', 'ok', '--type', 'nuke'], /argument 'nuke' is invalid/],
    [['--type', 'inventory'], /required option '--name <name>' not specified/],
    [['--name', 'ok'], /required option '--type <type>' not specified/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const result = await cli(['agent', 'new', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(home.home, 'agents'))).toBe(false);
  });
});
