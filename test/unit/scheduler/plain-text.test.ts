import { describe, expect, it } from 'vitest';
import { bodyText, headerText, jobNotification, slackText, type ScheduledJob } from '../../../src/scheduler/index.js';

describe('notification text', () => {
  it('keeps header values on one line (no header injection)', () => {
    expect(headerText('3 failing\r\nBcc: attacker@evil.example')).toBe('3 failing Bcc: attacker@evil.example');
    expect(headerText('a\nb\rc\u2028d\x1b[31me')).toBe('a b c d [31me');
    expect(headerText('x'.repeat(500))).toHaveLength(200);
  });

  it('keeps body lines and drops terminal escapes', () => {
    expect(bodyText('line 1\r\nline 2\rline 3\n\ttab\x1b[2J\x07')).toBe('line 1\nline 2\nline 3\n\ttab[2J');
  });

  it('escapes Slack control sequences in product text', () => {
    expect(slackText('<!channel> see <https://evil.example|here> & more')).toBe('&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; more');
  });

  it('says which job ran, when, and what it found', () => {
    const job: ScheduledJob = {
      id: 'j1',
      name: 'policy:endpoint-hardening',
      kind: 'policy',
      schedule: '0 6 * * *',
      params: { policy: 'endpoint-hardening' },
      notify: 'lead@corp.example.com',
      enabled: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'cli:test',
      lastSlot: undefined,
    };
    const succeeded = jobNotification({ job, slot: '2026-01-02T06:00:00.000Z', finishedAt: '2026-01-02T06:00:05.000Z', status: 'succeeded', text: '\n3 of 40 assets fail endpoint-hardening\ndetails…' });
    expect(succeeded.subject).toBe('DefenseClaw policy:endpoint-hardening: 3 of 40 assets fail endpoint-hardening');
    expect(succeeded.text).toContain('details…');
    expect(succeeded.text).toContain('Slot: 2026-01-02T06:00:00.000Z');
    const failed = jobNotification({ job, slot: 's', finishedAt: 'f', status: 'failed', text: 'connector down' });
    expect(failed.subject).toBe('DefenseClaw policy:endpoint-hardening: run failed');
    expect(failed.text).toMatch(/^The scheduled job policy:endpoint-hardening failed: connector down/);
  });
});
