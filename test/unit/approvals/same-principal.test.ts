import { describe, expect, it } from 'vitest';
import { samePrincipal } from '../../../src/approvals/index.js';

describe('samePrincipal', () => {
  it('treats slack:U… and U… as the same person (a Slack requester cannot approve their own request)', () => {
    expect(samePrincipal('slack:U0LABAPR01', 'U0LABAPR01')).toBe(true);
    expect(samePrincipal('U0LABAPR01', 'u0labapr01')).toBe(true);
    expect(samePrincipal('slack:U0LABAPR01', 'U0LABAPR02')).toBe(false);
    expect(samePrincipal('cli:root', 'U0LABAPR01')).toBe(false);
  });
});
