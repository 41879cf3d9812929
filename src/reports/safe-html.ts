import escapeHtml from 'escape-html';

/** Markup that is safe to emit as is: built only by `html` from constants and escaped values. */
export class SafeHtml {
  constructor(readonly text: string) {}
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

/**
 * Tagged template for every report: the literal parts are trusted markup, every interpolation is
 * escaped (safe in text and in quoted attributes) unless it is already `SafeHtml`.
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += toHtml(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

function toHtml(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.text;
  if (isHtmlList(value)) return value.map(toHtml).join('');
  if (value === null || value === undefined) return '';
  return escapeHtml(String(value));
}

function isHtmlList(value: HtmlValue): value is readonly HtmlValue[] {
  return Array.isArray(value);
}

/** Joins markup with a separator (the separator is trusted markup). */
export function join(items: readonly SafeHtml[], separator: string): SafeHtml {
  return new SafeHtml(items.map((item) => item.text).join(separator));
}
