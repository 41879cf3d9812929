/**
 * A prompt-cache model for the fake Anthropic server in benchmarks: the request is read as the API
 * builds its cache prefix (tools → system → messages, block by block); each block with
 * `cache_control` is a breakpoint. A request reads from the cache the longest breakpoint prefix an
 * earlier request wrote, writes its own breakpoint prefixes, and pays plain input for the rest.
 * Tokens are estimated as characters / 4 (the usual rule of thumb for English and JSON).
 */
import { createHash } from 'node:crypto';

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

type Block = { cache_control?: unknown } & Record<string, unknown>;

export class PromptCacheModel {
  readonly #written = new Set<string>();

  usage(body: { tools?: Block[]; system?: Block[] | string; messages: Array<{ content: Block[] | string }> }): CacheUsage {
    const blocks: Block[] = [
      ...(body.tools ?? []),
      ...(typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : (body.system ?? [])),
      ...body.messages.flatMap((message) => (typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content)),
    ];
    const hash = createHash('sha256');
    let chars = 0;
    const breakpoints: Array<{ key: string; chars: number }> = [];
    for (const block of blocks) {
      const { cache_control: cacheControl, ...content } = block;
      const text = JSON.stringify(content);
      hash.update(text);
      chars += text.length;
      if (cacheControl != null) breakpoints.push({ key: hash.copy().digest('hex'), chars });
    }
    const total = Math.ceil(chars / 4);
    const hit = [...breakpoints].reverse().find((breakpoint) => this.#written.has(breakpoint.key));
    const read = hit === undefined ? 0 : Math.ceil(hit.chars / 4);
    const last = breakpoints.at(-1);
    const creation = last === undefined || last === hit ? 0 : Math.ceil(last.chars / 4) - read;
    for (const breakpoint of breakpoints) this.#written.add(breakpoint.key);
    return { input_tokens: Math.max(0, total - read - creation), cache_creation_input_tokens: creation, cache_read_input_tokens: read };
  }
}
