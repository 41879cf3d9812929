import { describe, expect, it } from 'vitest';
import { interpolateString, interpolateTree } from '../../../src/config/interpolate.js';

describe('interpolateString', () => {
  it('substitutes a set variable', () => {
    expect(interpolateString('${HOST}:8089', { HOST: 'splunk' })).toEqual({ ok: true, value: 'splunk:8089', interpolated: true });
  });

  it('uses the default when the variable is unset or empty, like a shell', () => {
    expect(interpolateString('${REGION:-eu}', {})).toMatchObject({ ok: true, value: 'eu' });
    expect(interpolateString('${REGION:-eu}', { REGION: '' })).toMatchObject({ ok: true, value: 'eu' });
    expect(interpolateString('${REGION:-eu}', { REGION: 'apjc' })).toMatchObject({ ok: true, value: 'apjc' });
    expect(interpolateString('${EMPTY:-}', {})).toMatchObject({ ok: true, value: '' });
  });

  it('treats a variable set to the empty string as unset', () => {
    expect(interpolateString('${TOKEN}', { TOKEN: '' })).toEqual({ ok: false, missing: ['TOKEN'] });
  });

  it('reports every missing variable by name', () => {
    expect(interpolateString('${A}/${B}/${C:-x}', { B: 'b' })).toEqual({ ok: false, missing: ['A'] });
    expect(interpolateString('${A}${B}', {})).toEqual({ ok: false, missing: ['A', 'B'] });
  });

  it('keeps $${ as a literal ${', () => {
    expect(interpolateString('cost $${PRICE}', {})).toMatchObject({ ok: true, value: 'cost ${PRICE}' });
  });

  it('flags malformed references', () => {
    expect(interpolateString('${NOT CLOSED', {})).toEqual({ ok: false, malformed: true });
    expect(interpolateString('${1BAD}', {})).toEqual({ ok: false, malformed: true });
  });

  it('leaves text without references untouched', () => {
    expect(interpolateString('plain $HOME text', {})).toEqual({ ok: true, value: 'plain $HOME text', interpolated: false });
  });
});

describe('interpolateTree', () => {
  it('removes unresolved leaves and reports their paths', () => {
    const result = interpolateTree({ a: { b: '${MISSING}', c: '${SET}' }, list: ['x', '${GONE}'] }, { SET: 'yes' });
    expect(result.value).toEqual({ a: { c: 'yes' } });
    expect(result.unresolved).toEqual([
      { path: ['a', 'b'], variables: ['MISSING'], raw: '${MISSING}' },
      { path: ['list'], variables: ['GONE'], raw: '${GONE}' },
    ]);
  });
});
