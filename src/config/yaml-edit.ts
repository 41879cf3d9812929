import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node } from 'yaml';

/**
 * Sets one value in YAML text by rewriting only the text of that value (or inserting one line
 * block for a new key), so every other byte of the file — comments, their alignment, blank
 * lines, quoting and flow lists — stays as the user wrote it. When the edit cannot be done in
 * place (or would not read back as intended), the whole document is re-rendered instead, which
 * still keeps every comment but normalises the layout.
 */
export function setInYamlText(text: string, document: Document, path: readonly string[], value: unknown): string {
  const expected = document.clone();
  // `slack:` with nothing under it is an empty section to the user, not a value to refuse.
  for (let depth = 1; depth < path.length; depth += 1) {
    const section = expected.getIn(path.slice(0, depth), true);
    if (isScalar(section) && section.value === null) expected.setIn(path.slice(0, depth), expected.createNode({}));
  }
  expected.setIn(path, value);
  const inPlace = editInPlace(text, document, path, value);
  if (inPlace !== undefined && readsAs(inPlace, expected.toJS())) return inPlace;
  return expected.toString();
}

function readsAs(text: string, expected: unknown): boolean {
  const reparsed = parseDocument(text, { uniqueKeys: true });
  return reparsed.errors.length === 0 && isDeepStrictEqual(reparsed.toJS(), expected);
}

function editInPlace(text: string, document: Document, path: readonly string[], value: unknown): string | undefined {
  const node = document.getIn(path, true) as Node | undefined;
  if (node !== undefined && node !== null) return replaceNode(text, node, value);
  // The key is new: add it to the deepest section that exists.
  for (let depth = path.length - 1; depth >= 0; depth -= 1) {
    const section = depth === 0 ? document.contents : (document.getIn(path.slice(0, depth), true) as Node | undefined);
    if (section === undefined) continue;
    return addToSection(text, section, path.slice(depth), value);
  }
  return undefined;
}

function replaceNode(text: string, node: Node, value: unknown): string | undefined {
  const [start, end] = node.range ?? [];
  if (start === undefined || end === undefined) return undefined;
  const isBlockScalar = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
  if ((isMap(node) || isSeq(node)) && !isFlow(node)) {
    // A block list or mapping: its text runs to the start of the next line.
    const rendered = stringify(value, { lineWidth: 0 });
    const colon = /:[ \t\n]*$/.exec(text.slice(0, start));
    if (colon !== null && /^[[{]/.test(rendered)) {
      // An empty list or mapping is written in flow style, back on the key's line.
      return splice(text, colon.index + 1, end, ` ${rendered}`);
    }
    return splice(text, start, end, indentBlock(rendered, columnOf(text, start)));
  }
  if (isBlockScalar) return undefined;
  const inline = renderInline(value, isFlow(node));
  if (inline === undefined) return undefined;
  // `key:` with no value: the value node is empty and sits right after the colon.
  return spliceKeepingComment(text, start, end, start === end ? ` ${inline}` : inline);
}

function addToSection(text: string, section: Node | null, keys: readonly string[], value: unknown): string | undefined {
  const nested = keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
  if (section === null) {
    // An empty document (nothing, or only comments): append at the end.
    return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${stringify(nested, { lineWidth: 0 })}`;
  }
  if (!isMap(section) || section.range === undefined || section.range === null) return undefined;
  if (isFlow(section)) {
    const inline = renderInline({ ...(section.toJSON() as Record<string, unknown>), ...(nested as Record<string, unknown>) }, true);
    return inline === undefined ? undefined : spliceKeepingComment(text, section.range[0], section.range[1], inline);
  }
  const firstKey = section.items[0]?.key as Node | undefined;
  if (firstKey?.range === undefined || firstKey.range === null) return undefined;
  const at = section.range[1];
  const block = indentLines(stringify(nested, { lineWidth: 0 }), ' '.repeat(columnOf(text, firstKey.range[0])));
  return splice(text, at, at, text[at - 1] === '\n' ? block : `\n${block}`);
}

/** One-line YAML for a value, or undefined when it needs several lines. */
function renderInline(value: unknown, insideFlow: boolean): string | undefined {
  const flowValue = insideFlow || (value !== null && typeof value === 'object');
  const rendered = stringify(value, { lineWidth: 0, ...(flowValue ? { collectionStyle: 'flow', flowCollectionPadding: false } : {}) }).replace(/\n$/, '');
  return rendered.includes('\n') ? undefined : rendered;
}

/** A rendered block whose first line goes where the old value started (already indented). */
function indentBlock(rendered: string, column: number): string {
  const [first = '', ...rest] = rendered.replace(/\n$/, '').split('\n');
  return `${[first, ...rest.map((line) => `${' '.repeat(column)}${line}`)].join('\n')}\n`;
}

function indentLines(rendered: string, indent: string): string {
  return rendered
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${indent}${line}`)
    .join('\n')
    .concat('\n');
}

function isFlow(node: Node): boolean {
  return (isMap(node) || isSeq(node)) && node.flow === true;
}

/** Replaces one line's value, keeping a comment after it at its column where there is room. */
function spliceKeepingComment(text: string, start: number, end: number, replacement: string): string {
  const padding = /^( +)#/.exec(text.slice(end))?.[1];
  if (padding === undefined) return splice(text, start, end, replacement);
  const kept = Math.max(1, padding.length - (replacement.length - (end - start)));
  return splice(text, start, end + padding.length, `${replacement}${' '.repeat(kept)}`);
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function splice(text: string, start: number, end: number, replacement: string): string {
  return `${text.slice(0, start)}${replacement}${text.slice(end)}`;
}
