import { parseTemplate } from './parse-template.js';
import { TemplateSyntaxError } from './template-syntax-error.js';

/** One `{{ path }}` found in step params. */
export interface TemplateReference {
  /** First segment of the path: `params`, `steps`, `trigger`, a step name or a run parameter. */
  root: string;
  /** The path as written inside the braces, e.g. `steps.enrich.verdict`. */
  path: string;
  /** The path's segments, e.g. ['steps', 'enrich', 'verdict']. */
  segments: Array<string | number>;
  /** Where the string sits inside the params, e.g. ['observables', 0, 'value']. */
  location: Array<string | number>;
  /** Where the path starts inside that string: 0-based offset and 1-based column. */
  position: { offset: number; column: number };
}

/** A malformed template found while scanning params. */
export interface TemplateProblem {
  location: Array<string | number>;
  error: TemplateSyntaxError;
}

/** Every template reference and every malformed template in params, in document order. */
export function scanTemplates(params: unknown): { references: TemplateReference[]; problems: TemplateProblem[] } {
  const references: TemplateReference[] = [];
  const problems: TemplateProblem[] = [];
  const visit = (value: unknown, location: Array<string | number>): void => {
    if (typeof value === 'string') {
      try {
        for (const part of parseTemplate(value)) {
          if (part.kind !== 'path') continue;
          const segments = part.path.segments.map((segment) => segment.key);
          references.push({ root: String(segments[0]), path: part.path.text, segments, location, position: { offset: part.offset, column: part.offset + 1 } });
        }
      } catch (error) {
        if (!(error instanceof TemplateSyntaxError)) throw error;
        problems.push({ location, error });
      }
    } else if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...location, index]));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) visit(item, [...location, key]);
  };
  visit(params, []);
  return { references, problems };
}

/** Every `{{ path }}` in params (nested mappings and lists). Throws the first TemplateSyntaxError. */
export function templateReferences(params: unknown): TemplateReference[] {
  const { references, problems } = scanTemplates(params);
  if (problems[0] !== undefined) throw problems[0].error;
  return references;
}
