import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS_DIRECTORY, PromptNotFoundError, listPromptVersions, loadPrompt } from '../../../src/llm/index.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'defenseclaw-prompts-'));
  writeFileSync(join(directory, 'investigation-system.v1.md'), '# v1\n');
  writeFileSync(join(directory, 'investigation-system.v2.md'), '# v2\n');
  writeFileSync(join(directory, 'investigation-system.v10.md'), '# v10 — élan\n');
  writeFileSync(join(directory, 'investigation-system.draft.md'), 'not versioned');
  writeFileSync(join(directory, 'investigation-system-extra.v99.md'), 'another prompt');
  writeFileSync(join(directory, 'investigation-system.v0.md'), 'v0 is not a version');
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('prompt loader', () => {
  it('picks the highest version numerically, with the text and the SHA-256 of the bytes', async () => {
    expect(await listPromptVersions('investigation-system', { directory })).toEqual([1, 2, 10]);
    const prompt = await loadPrompt('investigation-system', undefined, { directory });
    expect(prompt).toEqual({
      name: 'investigation-system',
      version: 10,
      text: '# v10 — élan\n',
      sha256: createHash('sha256').update(Buffer.from('# v10 — élan\n', 'utf8')).digest('hex'),
      path: join(directory, 'investigation-system.v10.md'),
    });
  });

  it('loads a pinned version', async () => {
    const prompt = await loadPrompt('investigation-system', 2, { directory });
    expect(prompt.version).toBe(2);
    expect(prompt.text).toBe('# v2\n');
  });

  it('throws PromptNotFoundError for a missing version, an unknown name, a path-like name or a missing folder', async () => {
    const missing = await loadPrompt('investigation-system', 3, { directory }).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(PromptNotFoundError);
    expect(missing).toMatchObject({ code: 'prompt_not_found', availableVersions: [1, 2, 10], requestedVersion: 3 });
    await expect(loadPrompt('nothing-here', undefined, { directory })).rejects.toBeInstanceOf(PromptNotFoundError);
    await expect(loadPrompt('../etc/passwd', undefined, { directory })).rejects.toBeInstanceOf(PromptNotFoundError);
    await expect(loadPrompt('investigation-system', undefined, { directory: join(directory, 'absent') })).rejects.toBeInstanceOf(PromptNotFoundError);
  });

  it('defaults to prompts/ at the package root', () => {
    expect(DEFAULT_PROMPTS_DIRECTORY).toBe(fileURLToPath(new URL('../../../prompts', import.meta.url)));
  });
});
