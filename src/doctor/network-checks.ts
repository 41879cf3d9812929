import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  name: 'reachability' | 'tls' | 'authentication' | 'read' | 'clock_skew' | 'rate_limit';
  status: CheckStatus;
  detail: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/i;

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Opens (and closes) a TCP connection to the URL's host and port. */
export function checkReachability(target: URL, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connectTcp({ host: target.hostname.replace(/^\[|\]$/g, ''), port: portOf(target) });
    const done = (result: CheckResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ name: 'reachability', status: 'fail', detail: `${target.host}: no TCP answer within ${timeoutMs} ms` }));
    socket.once('connect', () => done({ name: 'reachability', status: 'pass', detail: `${target.host} answered in ${Math.round(performance.now() - started)} ms` }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ name: 'reachability', status: 'fail', detail: `${target.host}: ${error.code ?? error.message}` }));
  });
}

/**
 * TLS handshake with certificate verification: days until expiry, warn under 14. Plain HTTP is
 * skipped on loopback (the lab) and a warning elsewhere: credentials would travel unencrypted.
 */
export function checkTls(target: URL, timeoutMs: number, options: { verify: boolean; now: Date }): Promise<CheckResult> {
  if (target.protocol === 'http:') {
    return Promise.resolve(
      LOOPBACK.test(target.hostname)
        ? { name: 'tls', status: 'skip', detail: 'plain HTTP on loopback (lab)' }
        : { name: 'tls', status: 'warn', detail: `plain HTTP to ${target.host}: credentials travel unencrypted` },
    );
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  return new Promise((resolve) => {
    const socket = connectTls({ host, port: portOf(target), ...(isIp ? {} : { servername: host }), rejectUnauthorized: false });
    const done = (result: CheckResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ name: 'tls', status: 'fail', detail: `${target.host}: TLS handshake timed out` }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ name: 'tls', status: 'fail', detail: `${target.host}: ${error.code ?? error.message}` }));
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const daysLeft = certificate.valid_to === undefined ? undefined : Math.floor((Date.parse(certificate.valid_to) - options.now.getTime()) / 86_400_000);
      if (!socket.authorized) {
        const reason = String(socket.authorizationError ?? 'certificate not trusted');
        done({ name: 'tls', status: options.verify ? 'fail' : 'warn', detail: `${target.host}: ${reason}${options.verify ? '' : ' (verify_tls is off)'}` });
      } else if (daysLeft !== undefined && daysLeft < 14) {
        done({ name: 'tls', status: daysLeft < 0 ? 'fail' : 'warn', detail: `${target.host}: certificate expires in ${daysLeft} day(s)` });
      } else {
        done({ name: 'tls', status: 'pass', detail: `${target.host}: ${socket.getProtocol() ?? 'TLS'}, certificate valid${daysLeft === undefined ? '' : ` for ${daysLeft} more days`}` });
      }
    });
  });
}
