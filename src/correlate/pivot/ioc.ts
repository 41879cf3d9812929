import { isIP } from 'node:net';
import { UsageError } from '../../core/errors/index.js';

export const IOC_TYPES = ['ip', 'domain', 'sha256', 'user', 'host'] as const;
export type IocType = (typeof IOC_TYPES)[number];

/** An indicator to pivot on, checked and in its comparable form (lower-case, no trailing dot). */
export interface Indicator {
  type: IocType;
  value: string;
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const HOST = /^[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9-]{1,63})*$/;
/** Accounts as products write them: `jdoe`, `svc_backup`, `jdoe@corp.example.com`, `CORP\jdoe`, `host$`. */
const USER = /^[a-z0-9][a-z0-9._@$\\-]{0,127}$/;

/**
 * Checks an indicator and gives its type: the one asked for, or — when none is — ip, sha256 or
 * domain when the value is unmistakably one. Hosts and users must be named (`--ioc-type host`):
 * `jdoe` could be either. UsageError (exit 2) otherwise; nothing unchecked reaches a query.
 */
export function parseIndicator(raw: string, type?: string): Indicator {
  const value = raw.trim();
  const lower = value.toLowerCase().replace(/\.$/, '');
  if (value === '') throw new UsageError('--ioc: give an indicator, e.g. 185.220.101.5');
  if (type !== undefined && !(IOC_TYPES as readonly string[]).includes(type)) throw new UsageError(`--ioc-type: "${type.slice(0, 20)}" is not one of ${IOC_TYPES.join(', ')}`);
  const chosen = (type as IocType | undefined) ?? inferType(value);
  if (chosen === undefined) throw new UsageError(`--ioc "${value.slice(0, 80)}": say what it is with --ioc-type host or --ioc-type user (ip, domain and sha256 are recognised)`);
  switch (chosen) {
    case 'ip':
      if (isIP(value) === 0) throw new UsageError(`--ioc "${value.slice(0, 80)}" is not an IPv4 or IPv6 address`);
      return { type: 'ip', value: value.toLowerCase() };
    case 'domain':
      if (!DOMAIN.test(lower)) throw new UsageError(`--ioc "${value.slice(0, 80)}" is not a domain name (e.g. update-check.example-cdn.net)`);
      return { type: 'domain', value: lower };
    case 'sha256':
      if (!SHA256.test(lower)) throw new UsageError(`--ioc "${value.slice(0, 80)}" is not a SHA-256 (64 hex digits)`);
      return { type: 'sha256', value: lower };
    case 'host':
      if (!HOST.test(lower) || isIP(value) !== 0) throw new UsageError(`--ioc "${value.slice(0, 80)}" is not a host name (e.g. workstation-042)`);
      return { type: 'host', value: lower.split('.')[0]! };
    case 'user':
      if (!USER.test(lower)) throw new UsageError(`--ioc "${value.slice(0, 80)}" is not an account name (letters, digits and . _ @ $ \\ -)`);
      return { type: 'user', value: lower };
  }
}

function inferType(value: string): IocType | undefined {
  if (isIP(value) !== 0) return 'ip';
  const lower = value.toLowerCase().replace(/\.$/, '');
  if (SHA256.test(lower)) return 'sha256';
  if (DOMAIN.test(lower) && /\.[a-z]{2,63}$/.test(lower)) return 'domain';
  return undefined;
}
