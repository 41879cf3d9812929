import { resolvePath, type EvaluationScope } from '../expression/index.js';
import { hasTemplate, parseTemplate, type TemplatePart } from './parse-template.js';

/**
 * Fills `{{ path }}` templates in step params, walking nested mappings and lists.
 * A string that is exactly one template (surrounding spaces aside) becomes the raw value, keeping
 * its type (list, mapping, number); templates inside longer text are stringified (mappings and
 * lists as JSON, missing values as ''). A mapping key whose value renders to undefined is left
 * out, so the tool sees the parameter as not given.
 * Throws TemplateSyntaxError on a malformed template (validation reports those first).
 */
export function renderParams(params: Readonly<Record<string, unknown>>, scope: EvaluationScope): Record<string, unknown> {
  return renderMapping(params, scope);
}

/** Renders one value the way renderParams renders each param. */
export function renderValue(value: unknown, scope: EvaluationScope): unknown {
  if (typeof value === 'string') return renderString(value, scope);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, scope));
  if (value !== null && typeof value === 'object') return renderMapping(value as Record<string, unknown>, scope);
  return value;
}

function renderMapping(mapping: Readonly<Record<string, unknown>>, scope: EvaluationScope): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(mapping)) {
    const result = renderValue(value, scope);
    // defineProperty: a key named __proto__ stays data and never becomes the prototype.
    if (result !== undefined) Object.defineProperty(rendered, key, { value: result, enumerable: true, writable: true, configurable: true });
  }
  return rendered;
}

function renderString(text: string, scope: EvaluationScope): unknown {
  if (!hasTemplate(text)) return text;
  const parts = parseTemplate(text);
  const single = soleTemplate(parts);
  if (single !== undefined) return resolvePath(scope, single.path.segments);
  return parts.map((part) => (part.kind === 'text' ? part.text : stringify(resolvePath(scope, part.path.segments)))).join('');
}

/** The one path part when the other parts are only whitespace. */
function soleTemplate(parts: readonly TemplatePart[]): Extract<TemplatePart, { kind: 'path' }> | undefined {
  const paths = parts.filter((part): part is Extract<TemplatePart, { kind: 'path' }> => part.kind === 'path');
  if (paths.length !== 1) return undefined;
  return parts.every((part) => part.kind === 'path' || part.text.trim() === '') ? paths[0] : undefined;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}
