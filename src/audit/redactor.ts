import { REDACTED, scrubSecrets } from '../core/logger.js';

/** Removes secrets from anything about to be stored or shown. */
export interface Redactor {
  redact<T>(value: T): T;
  redactText(text: string): string;
}

/** Field names whose values are secrets whatever they hold (compared lower-case, separators removed). */
const SECRET_FIELD_NAMES = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'privatekey',
  'credential',
  'credentials',
  'sessionkey',
  'accesskey',
  'routingkey',
  'signature',
  'xslacksignature',
  'pwd',
  'passcode',
  'auth',
  'webhookurl',
]);

const SECRET_FIELD_SUFFIXES = [
  'password',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'sessionkey',
  'accesskey',
  'routingkey',
  'secretkey',
  'signingkey',
  'sharedkey',
  'encryptionkey',
];

export function isSecretFieldName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_FIELD_NAMES.has(normalized) || SECRET_FIELD_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

/** Credential shapes that are secrets wherever they appear in text (the replacement keeps any `$1` prefix). */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED], // Slack bot/user/app tokens
  [/\bxapp-[A-Za-z0-9-]{8,}/g, REDACTED], // Slack app-level tokens
  [/\bsk-ant-[A-Za-z0-9_-]{8,}/g, REDACTED], // Anthropic API keys
  [/\b(Bearer|Basic|Splunk)\s+[A-Za-z0-9._~+/=-]{8,}/g, REDACTED], // Authorization header values
  [/\bToken token=[A-Za-z0-9._~+/=-]{8,}/g, REDACTED], // PagerDuty REST keys
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED], // JWTs (OAuth access tokens, Splunk tokens)
  [/([?&](?:access_token|api_key|apikey|token|secret|password|client_secret|sig|signature)=)[^&#\s]+/gi, `$1${REDACTED}`], // secrets in URL queries
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
];

export interface CreateRedactorOptions {
  /** Secret values from config (and any fetched at run time); looked up on each call. */
  secretValues?: () => readonly string[];
}

export function createRedactor(options: CreateRedactorOptions = {}): Redactor {
  const secrets = options.secretValues ?? (() => []);
  const redactText = (text: string): string => {
    let out = scrubSecrets(text, secrets());
    for (const [pattern, replacement] of SECRET_PATTERNS) {
      pattern.lastIndex = 0;
      if (pattern.test(out)) {
        pattern.lastIndex = 0;
        out = out.replace(pattern, replacement);
      }
    }
    return out;
  };
  const visit = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 32) return '[TRUNCATED]';
    if (Array.isArray(value)) return value.map((item) => visit(item, depth + 1));
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = isSecretFieldName(key) && child !== null && child !== undefined && child !== '' ? REDACTED : visit(child, depth + 1);
    }
    return out;
  };
  return {
    redact: <T>(value: T): T => visit(value, 0) as T,
    redactText,
  };
}
