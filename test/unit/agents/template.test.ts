import { describe, expect, it } from 'vitest';
import { buildRunScope } from '../../../src/agents/expression/index.js';
import { TemplateSyntaxError, parseTemplate, renderParams, templateReferences } from '../../../src/agents/template/index.js';

const scope = buildRunScope({
  stepOutputs: {
    incident: { found: true, incident: { severity: 'high', fields: { host: 'workstation-042' }, entities: { ips: ['185.220.101.5', '10.0.0.7'] } } },
    events: { count: 3, events: [{ id: 'e1' }, { id: 'e2' }, { id: 'e3' }] },
  },
  params: { hostname: 'srv-db-01', limit: '50' },
});

describe('renderParams', () => {
  it('returns the raw value (any type) when the string is exactly one template', () => {
    expect(
      renderParams(
        {
          ips: '{{ incident.incident.entities.ips }}',
          count: '{{ events.count }}',
          found: '{{steps.incident.found}}',
          incident: '  {{ incident.incident.fields }} ',
        },
        scope,
      ),
    ).toEqual({ ips: ['185.220.101.5', '10.0.0.7'], count: 3, found: true, incident: { host: 'workstation-042' } });
  });

  it('stringifies templates inside longer text (mappings and lists as JSON, missing as empty)', () => {
    expect(
      renderParams(
        {
          comment: 'Isolating {{ incident.incident.fields.host }} ({{ events.count }} events, severity {{ incident.incident.severity }})',
          ips: 'ips={{ incident.incident.entities.ips }}',
          fields: 'fields={{ incident.incident.fields }}',
          missing: 'value=[{{ nothing.here }}]',
        },
        scope,
      ),
    ).toEqual({
      comment: 'Isolating workstation-042 (3 events, severity high)',
      ips: 'ips=["185.220.101.5","10.0.0.7"]',
      fields: 'fields={"host":"workstation-042"}',
      missing: 'value=[]',
    });
  });

  it('walks nested mappings and lists and leaves other values alone', () => {
    expect(
      renderParams(
        {
          observables: [
            { type: 'ip', value: '{{ incident.incident.entities.ips[0] }}' },
            { type: 'hostname', value: '{{ params.hostname }}' },
          ],
          nested: { deeper: ['{{ events.events[2].id }}', 7, null, true] },
          since_hours: 24,
        },
        scope,
      ),
    ).toEqual({
      observables: [
        { type: 'ip', value: '185.220.101.5' },
        { type: 'hostname', value: 'srv-db-01' },
      ],
      nested: { deeper: ['e3', 7, null, true] },
      since_hours: 24,
    });
  });

  it('reads run parameters at top level and leaves out keys whose single template is missing', () => {
    expect(renderParams({ hostname: '{{ hostname }}', limit: '{{ params.limit }}', query: '{{ params.query }}' }, scope)).toEqual({ hostname: 'srv-db-01', limit: '50' });
  });

  it('never reaches prototypes or calls functions', () => {
    const rendered = renderParams({ a: '{{ params.constructor }}', b: 'x{{ params.__proto__ }}y', ['__proto__']: { polluted: true } } as Record<string, unknown>, scope);
    expect(rendered.a).toBeUndefined();
    expect(rendered.b).toBe('xy');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws TemplateSyntaxError on an unterminated {{', () => {
    expect(() => renderParams({ a: 'x {{ params.hostname' }, scope)).toThrow(TemplateSyntaxError);
  });
});

describe('parseTemplate', () => {
  it('splits text and paths, keeping where each path starts', () => {
    const parts = parseTemplate('host {{ params.hostname }}!');
    expect(parts.map((part) => (part.kind === 'text' ? part.text : part.path.text))).toEqual(['host ', 'params.hostname', '!']);
    expect(parts[1]).toMatchObject({ kind: 'path', offset: 8 });
  });

  it.each([
    ['abc {{ x', 5, "unterminated '{{' (no closing '}}')"],
    ['a {{ }}', 3, "empty '{{ }}'"],
    ['ab {{ a b }}', 9, "in '{{ }}': unexpected 'b'"],
    ["{{ f('x') }}", 5, "in '{{ }}': unexpected '(': function calls are not supported"],
    ['{{ a == b }}', 6, "in '{{ }}': unexpected '=='"],
  ])('%j fails at column %i', (text, column, reason) => {
    try {
      parseTemplate(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateSyntaxError);
      expect((error as TemplateSyntaxError).column).toBe(column);
      expect((error as TemplateSyntaxError).message).toContain(reason);
    }
  });
});

describe('templateReferences', () => {
  it('lists every reference with its root, path, location in params and position in the string', () => {
    expect(
      templateReferences({
        hostname: '{{ params.hostname }}',
        observables: [{ value: 'ip {{ steps.incident.entities.ips[0] }}' }],
        comment: '{{ events.count }} and {{ severity }}',
        plain: 'no templates',
        number: 3,
      }),
    ).toEqual([
      { root: 'params', path: 'params.hostname', segments: ['params', 'hostname'], location: ['hostname'], position: { offset: 3, column: 4 } },
      {
        root: 'steps',
        path: 'steps.incident.entities.ips[0]',
        segments: ['steps', 'incident', 'entities', 'ips', 0],
        location: ['observables', 0, 'value'],
        position: { offset: 6, column: 7 },
      },
      { root: 'events', path: 'events.count', segments: ['events', 'count'], location: ['comment'], position: { offset: 3, column: 4 } },
      { root: 'severity', path: 'severity', segments: ['severity'], location: ['comment'], position: { offset: 26, column: 27 } },
    ]);
  });

  it('throws the first syntax error', () => {
    expect(() => templateReferences({ a: 'ok', b: ['{{ x'] })).toThrow(TemplateSyntaxError);
  });
});
