import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { finished } from '../helpers/spawn.js';

const BIN = fileURLToPath(new URL('../../bin/defenseclaw.js', import.meta.url));

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

describe('defenseclaw lab serve / lab init', () => {
  it('prints one JSON line with its URL, records it for lab init, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'lab', 'serve', '--port', '0'], { env: { ...process.env, DEFENSECLAW_HOME: home.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    const done = finished(child);
    const firstLine = await new Promise<string>((resolve) => {
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        if (buffer.includes('\n')) resolve(buffer.split('\n')[0]!);
      });
    });
    const announced = JSON.parse(firstLine) as { url: string; port: number; products: Record<string, string> };
    expect(announced.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(announced.products.secure_endpoint).toBe(`${announced.url}/secure-endpoint`);
    expect(firstLine).toContain(`"events":"${announced.url}/pagerduty/events"`);
    expect(firstLine).toContain(`"credentials":"${announced.url}/__lab/credentials"`);
    expect(JSON.parse(readFileSync(join(home.home, 'lab.json'), 'utf8'))).toMatchObject({ url: announced.url });
    const info = (await (await fetch(`${announced.url}/__lab`)).json()) as any;
    expect(info.url).toBe(announced.url);

    const init = await runCli(['lab', 'init', '--json'], { home: home.home });
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ lab: announced.url, overwritten: false });
    const shown = JSON.parse((await runCli(['config', 'show', '--json'], { home: home.home })).stdout);
    expect(shown.cisco.secure_endpoint.base_url).toBe(`${announced.url}/secure-endpoint`);
    expect(shown.cisco.secure_endpoint.api_key).toBe('********');
    expect(shown.slack.api_url).toBe(`${announced.url}/slack/api/`);

    child.kill('SIGTERM');
    const exit = await done;
    expect(exit.code).toBe(0);
    expect(existsSync(join(home.home, 'lab.json'))).toBe(false);
  });

  it('exits cleanly on SIGINT too', async () => {
    const child = spawn(process.execPath, [BIN, 'lab', 'serve', '--port', '0', '--seed', '7'], { env: { ...process.env, DEFENSECLAW_HOME: home.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    const done = finished(child);
    const announced = await new Promise<{ url: string; seed: number }>((resolve) => {
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        if (buffer.includes('\n')) resolve(JSON.parse(buffer.split('\n')[0]!) as { url: string; seed: number });
      });
    });
    expect(announced.seed).toBe(7);
    expect(((await (await fetch(`${announced.url}/__lab`)).json()) as { seed: number }).seed).toBe(7);
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  });

  it('lab init refuses without a running lab or a URL, and refuses to overwrite without --force', async () => {
    const none = await runCli(['lab', 'init'], { home: home.home });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no running lab recorded/);
    expect((await runCli(['lab', 'init', '--url', 'ftp://nope'], { home: home.home })).code).toBe(2);
    expect((await runCli(['lab', 'init', '--url', 'http://127.0.0.1:4100'], { home: home.home })).code).toBe(0);
    // A lab restarted on another port: re-pointing the config lab init wrote needs no --force.
    expect((await runCli(['lab', 'init', '--url', 'http://127.0.0.1:4200'], { home: home.home })).code).toBe(0);
    expect(readFileSync(join(home.home, 'config.yaml'), 'utf8')).toContain('127.0.0.1:4200/secure-endpoint');
    expect(readFileSync(join(home.home, 'config.yaml.bak'), 'utf8')).toContain('127.0.0.1:4100');
    // A config someone else wrote is kept unless --force.
    writeFileSync(join(home.home, 'config.yaml'), '# my own settings\n');
    expect((await runCli(['lab', 'init', '--url', 'http://127.0.0.1:4300'], { home: home.home })).code).toBe(2);
    expect((await runCli(['lab', 'init', '--url', 'http://127.0.0.1:4300', '--force'], { home: home.home })).code).toBe(0);
    expect(readFileSync(join(home.home, 'config.yaml.bak'), 'utf8')).toBe('# my own settings\n');
  });

  it('lab serve rejects a bad port with exit 2', async () => {
    const result = await runCli(['lab', 'serve', '--port', '70000'], { home: home.home });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port: "70000" is not a port number/);
  });
});
