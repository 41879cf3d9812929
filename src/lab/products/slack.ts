import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { authorizationToken, json, text, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import {
  SLACK_TEAM,
  SLACK_USER_GROUPS,
  SLACK_USERS,
  directMessageChannel,
  resolveSlackChannel,
  slackUser,
  type SlackLabUser,
} from './slack-directory.js';

/*
 * A fake Slack Web API for Bolt and @slack/web-api (`slackApiUrl = ${lab}/slack/api/`).
 *   POST /slack/api/<method>   form-encoded (JSON-encoded values inside) or JSON; Bearer xoxb token
 *   POST /slack/upload/<id>    file bytes for files.getUploadURLExternal (multipart or raw)
 *   POST /slack/response/<id>  response_url target (slash commands, interactivity)
 *   GET  /slack/__messages?channel=…   everything the bot posted, updates applied (tests, demos)
 *   GET  /slack/__responses?id=…       what was posted to response URLs
 * Errors follow Slack: HTTP 200 with {ok:false,error}, except rate limiting (HTTP 429 + Retry-After).
 */

const PRODUCT = 'slack';
/** Block Kit limits the real API enforces. */
const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
const MAX_SECTION_FIELDS = 10;
const MAX_FIELD_TEXT = 2000;
const MAX_HEADER_TEXT = 150;
const MAX_BLOCK_ID = 255;
const MAX_ACTIONS_ELEMENTS = 25;
const MAX_CONTEXT_ELEMENTS = 10;
const MAX_BUTTON_TEXT = 75;
const MAX_BUTTON_VALUE = 2000;
const MAX_MESSAGE_TEXT = 40_000;
const BLOCK_TYPES = new Set(['section', 'header', 'divider', 'actions', 'context', 'image', 'input', 'rich_text', 'file', 'video', 'markdown']);
/** Form fields whose values are JSON strings inside the form. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata']);

export interface SlackStoredFile {
  id: string;
  name: string;
  title: string;
  /** Bytes announced to files.getUploadURLExternal. */
  length: number;
  /** Bytes received at the upload URL (UTF-8 length of the lab's text view of the body). */
  size: number;
  /** The uploaded content as text (the lab reads request bodies as UTF-8, so binary files are not byte-exact). */
  content: string;
  mimetype: string;
  uploaded: boolean;
  completed: boolean;
}

export interface SlackStoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  user: string;
  bot_id: string;
  /** Ephemeral messages are seen only by `ephemeral_user`. */
  ephemeral: boolean;
  ephemeral_user?: string;
  files?: SlackStoredFile[];
  edited?: { user: string; ts: string };
  update_count: number;
  reply_count: number;
}

export interface SlackStoredResponse {
  id: string;
  body: unknown;
  received_at: string;
}

interface SlackState {
  messages: SlackStoredMessage[];
  files: Map<string, SlackStoredFile>;
  responses: SlackStoredResponse[];
  sequence: number;
  buckets: Map<string, { tokens: number; updatedMs: number }>;
}

export interface SlackSimulatorOptions {
  /**
   * Per-channel message rate: `burst` messages at once, then `perSecond`. False turns it off.
   * Default: 3, then 1 per second (Slack's "1 message per second per channel, short bursts allowed").
   */
  rateLimit?: { burst: number; perSecond: number } | false;
  /**
   * Milliseconds for the rate limit. Default: the process's monotonic clock, not the lab clock, so
   * a client that waits out Retry-After for real succeeds even when the lab clock is frozen in a test.
   */
  now?: () => number;
}

type Arguments = Record<string, unknown>;
type MethodHandler = (args: Arguments, request: LabRequest, context: LabContext, state: SlackState) => LabResponse;

function ok(body: Record<string, unknown> = {}): LabResponse {
  return json(200, { ok: true, ...body });
}

function fail(error: string, extra: Record<string, unknown> = {}): LabResponse {
  return json(200, { ok: false, error, ...extra });
}

function stringArgument(args: Arguments, name: string): string | undefined {
  const value = args[name];
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Method arguments from the query, then the form or JSON body (JSON-encoded form values decoded). */
function parseArguments(request: LabRequest): { args: Arguments } | { invalid: string } {
  const args: Arguments = {};
  for (const [key, value] of request.query) args[key] = value;
  const contentType = (request.header('content-type') ?? '').toLowerCase();
  if (contentType.startsWith('application/json')) {
    const body = request.json<unknown>();
    if (request.rawBody.trim() !== '' && (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body))) return { invalid: 'invalid_json' };
    return { args: { ...args, ...(body as Arguments | undefined) } };
  }
  for (const [key, value] of request.form()) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        return { invalid: key === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments' };
      }
    } else {
      args[key] = value;
    }
  }
  return { args };
}

/** Block Kit checks; returns Slack's `errors` strings (with JSON pointers), empty when valid. */
export function blockErrors(blocks: unknown): { error: 'invalid_blocks' | 'invalid_blocks_format'; errors: string[] } | undefined {
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format', errors: ['must be an array [json-pointer:/blocks]'] };
  const errors: string[] = [];
  if (blocks.length > MAX_BLOCKS) errors.push(`no more than ${MAX_BLOCKS} items allowed [json-pointer:/blocks]`);
  const textLength = (value: unknown): number | undefined =>
    typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string' ? ((value as { text: string }).text).length : undefined;
  blocks.forEach((block: unknown, index) => {
    const at = `/blocks/${index}`;
    if (typeof block !== 'object' || block === null || typeof (block as { type?: unknown }).type !== 'string') {
      errors.push(`missing required field: type [json-pointer:${at}]`);
      return;
    }
    const item = block as Record<string, unknown>;
    const type = item.type as string;
    if (!BLOCK_TYPES.has(type)) errors.push(`unsupported type: ${type} [json-pointer:${at}/type]`);
    if (typeof item.block_id === 'string' && item.block_id.length > MAX_BLOCK_ID) errors.push(`must be less than ${MAX_BLOCK_ID + 1} characters [json-pointer:${at}/block_id]`);
    if (type === 'section') {
      const length = textLength(item.text);
      if (item.text === undefined && item.fields === undefined) errors.push(`must provide either text or fields [json-pointer:${at}]`);
      if (length !== undefined && length > MAX_SECTION_TEXT) errors.push(`must be less than ${MAX_SECTION_TEXT + 1} characters [json-pointer:${at}/text/text]`);
      if (length === 0) errors.push(`must be more than 0 characters [json-pointer:${at}/text/text]`);
      if (Array.isArray(item.fields)) {
        if (item.fields.length > MAX_SECTION_FIELDS) errors.push(`no more than ${MAX_SECTION_FIELDS} items allowed [json-pointer:${at}/fields]`);
        item.fields.forEach((field: unknown, fieldIndex) => {
          const fieldLength = textLength(field);
          if (fieldLength !== undefined && fieldLength > MAX_FIELD_TEXT) errors.push(`must be less than ${MAX_FIELD_TEXT + 1} characters [json-pointer:${at}/fields/${fieldIndex}/text]`);
        });
      }
    }
    if (type === 'header') {
      const length = textLength(item.text);
      if (length === undefined) errors.push(`missing required field: text [json-pointer:${at}/text]`);
      else if (length > MAX_HEADER_TEXT) errors.push(`must be less than ${MAX_HEADER_TEXT + 1} characters [json-pointer:${at}/text/text]`);
    }
    if (type === 'actions' || type === 'context') {
      const maximum = type === 'actions' ? MAX_ACTIONS_ELEMENTS : MAX_CONTEXT_ELEMENTS;
      if (!Array.isArray(item.elements) || item.elements.length === 0) errors.push(`missing required field: elements [json-pointer:${at}/elements]`);
      else {
        if (item.elements.length > maximum) errors.push(`no more than ${maximum} items allowed [json-pointer:${at}/elements]`);
        item.elements.forEach((element: unknown, elementIndex) => {
          const button = element as Record<string, unknown> | null;
          if (button === null || typeof button !== 'object' || button.type !== 'button') return;
          const length = textLength(button.text);
          if (length !== undefined && length > MAX_BUTTON_TEXT) errors.push(`must be less than ${MAX_BUTTON_TEXT + 1} characters [json-pointer:${at}/elements/${elementIndex}/text/text]`);
          if (typeof button.value === 'string' && button.value.length > MAX_BUTTON_VALUE) errors.push(`must be less than ${MAX_BUTTON_VALUE + 1} characters [json-pointer:${at}/elements/${elementIndex}/value]`);
        });
      }
    }
  });
  return errors.length === 0 ? undefined : { error: 'invalid_blocks', errors };
}

function invalidBlocks(problem: { error: string; errors: string[] }): LabResponse {
  return fail(problem.error, { errors: problem.errors, response_metadata: { messages: problem.errors.map((error) => `[ERROR] ${error}`) } });
}

function nextTs(state: SlackState, context: LabContext): string {
  state.sequence += 1;
  return `${Math.floor(context.clock.now().getTime() / 1000)}.${String(state.sequence * 100).padStart(6, '0').slice(-6)}`;
}

function presentUser(user: SlackLabUser): Record<string, unknown> {
  return {
    id: user.id,
    team_id: SLACK_TEAM.id,
    name: user.name,
    deleted: false,
    real_name: user.realName,
    tz: 'Europe/London',
    tz_offset: 0,
    is_admin: user.isAdmin,
    is_owner: false,
    is_bot: user.isBot,
    is_app_user: false,
    profile: {
      real_name: user.realName,
      display_name: user.name,
      title: user.title,
      ...(user.email === '' ? {} : { email: user.email }),
      ...(user.botId === undefined ? {} : { bot_id: user.botId }),
      team: SLACK_TEAM.id,
    },
  };
}

function presentMessage(message: SlackStoredMessage): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'bot_message',
    text: message.text,
    user: message.user,
    bot_id: message.bot_id,
    ts: message.ts,
    team: SLACK_TEAM.id,
    ...(message.thread_ts === undefined ? {} : { thread_ts: message.thread_ts }),
    ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
    ...(message.edited === undefined ? {} : { edited: message.edited }),
  };
}

/** The content checks chat.postMessage, chat.postEphemeral and chat.update share. */
function contentProblem(args: Arguments, requireContent: boolean): LabResponse | undefined {
  if (args.blocks !== undefined) {
    const problem = blockErrors(args.blocks);
    if (problem !== undefined) return invalidBlocks(problem);
  }
  if (args.attachments !== undefined && !Array.isArray(args.attachments)) return fail('invalid_attachments');
  const messageText = typeof args.text === 'string' ? args.text : '';
  if (messageText.length > MAX_MESSAGE_TEXT) return fail('msg_too_long');
  const hasContent = messageText !== '' || (Array.isArray(args.blocks) && args.blocks.length > 0) || (Array.isArray(args.attachments) && args.attachments.length > 0);
  if (requireContent && !hasContent) return fail('no_text');
  return undefined;
}

function createMethods(options: Required<Pick<SlackSimulatorOptions, 'now'>> & { rateLimit: SlackSimulatorOptions['rateLimit'] }): Record<string, MethodHandler> {
  /** Token bucket per channel; true when the message may go out now. */
  const admit = (state: SlackState, channel: string): boolean => {
    if (options.rateLimit === false || options.rateLimit === undefined) return true;
    const { burst, perSecond } = options.rateLimit;
    const nowMs = options.now();
    const bucket = state.buckets.get(channel) ?? { tokens: burst, updatedMs: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.updatedMs) / 1000) * perSecond);
    bucket.updatedMs = nowMs;
    state.buckets.set(channel, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  return {
    'api.test': (args) => ok({ args }),

    'auth.test': () =>
      ok({
        url: `https://${SLACK_TEAM.domain}.slack.com/`,
        team: SLACK_TEAM.name,
        user: 'defenseclaw',
        team_id: SLACK_TEAM.id,
        user_id: LAB_CREDENTIALS.slack.botUserId,
        bot_id: LAB_CREDENTIALS.slack.botId,
        is_enterprise_install: false,
      }),

    'chat.postMessage': (args, _request, context, state) => {
      const requested = stringArgument(args, 'channel');
      const channel = requested === undefined ? undefined : resolveSlackChannel(requested);
      if (channel === undefined) return fail('channel_not_found');
      const problem = contentProblem(args, true);
      if (problem !== undefined) return problem;
      if (!admit(state, channel)) return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
      const threadTs = stringArgument(args, 'thread_ts');
      const message: SlackStoredMessage = {
        channel,
        ts: nextTs(state, context),
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        text: typeof args.text === 'string' ? args.text : '',
        ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
        ...(Array.isArray(args.attachments) ? { attachments: args.attachments } : {}),
        ...(args.metadata === undefined ? {} : { metadata: args.metadata }),
        user: LAB_CREDENTIALS.slack.botUserId,
        bot_id: LAB_CREDENTIALS.slack.botId,
        ephemeral: false,
        update_count: 0,
        reply_count: 0,
      };
      if (threadTs !== undefined) {
        const parent = state.messages.find((candidate) => candidate.channel === channel && candidate.ts === threadTs && !candidate.ephemeral);
        if (parent !== undefined) parent.reply_count += 1;
      }
      state.messages.push(message);
      return ok({ channel, ts: message.ts, message: presentMessage(message) });
    },

    'chat.postEphemeral': (args, _request, context, state) => {
      const requested = stringArgument(args, 'channel');
      const channel = requested === undefined ? undefined : resolveSlackChannel(requested);
      if (channel === undefined) return fail('channel_not_found');
      const userId = stringArgument(args, 'user');
      if (userId === undefined || slackUser(userId) === undefined) return fail('user_not_found');
      const problem = contentProblem(args, true);
      if (problem !== undefined) return problem;
      const threadTs = stringArgument(args, 'thread_ts');
      const message: SlackStoredMessage = {
        channel,
        ts: nextTs(state, context),
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        text: typeof args.text === 'string' ? args.text : '',
        ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
        ...(Array.isArray(args.attachments) ? { attachments: args.attachments } : {}),
        user: LAB_CREDENTIALS.slack.botUserId,
        bot_id: LAB_CREDENTIALS.slack.botId,
        ephemeral: true,
        ephemeral_user: userId,
        update_count: 0,
        reply_count: 0,
      };
      state.messages.push(message);
      return ok({ message_ts: message.ts });
    },

    'chat.update': (args, _request, context, state) => {
      const requested = stringArgument(args, 'channel');
      const channel = requested === undefined ? undefined : resolveSlackChannel(requested);
      if (channel === undefined) return fail('channel_not_found');
      const ts = stringArgument(args, 'ts');
      const message = state.messages.find((candidate) => candidate.channel === channel && candidate.ts === ts);
      if (message === undefined) return fail('message_not_found');
      if (message.ephemeral) return fail('cant_update_message');
      const problem = contentProblem(args, false);
      if (problem !== undefined) return problem;
      if (typeof args.text === 'string') message.text = args.text;
      if (Array.isArray(args.blocks)) message.blocks = args.blocks;
      if (Array.isArray(args.attachments)) message.attachments = args.attachments;
      message.update_count += 1;
      message.edited = { user: LAB_CREDENTIALS.slack.botUserId, ts: nextTs(state, context) };
      return ok({ channel, ts: message.ts, text: message.text, message: presentMessage(message) });
    },

    'users.info': (args) => {
      const user = slackUser(stringArgument(args, 'user') ?? '');
      return user === undefined ? fail('user_not_found') : ok({ user: presentUser(user) });
    },

    'users.lookupByEmail': (args) => {
      const email = (stringArgument(args, 'email') ?? '').toLowerCase();
      const user = SLACK_USERS.find((candidate) => candidate.email !== '' && candidate.email === email);
      return user === undefined ? fail('users_not_found') : ok({ user: presentUser(user) });
    },

    'usergroups.users.list': (args) => {
      const group = SLACK_USER_GROUPS.find((candidate) => candidate.id === stringArgument(args, 'usergroup'));
      return group === undefined ? fail('no_such_subteam') : ok({ users: [...group.users] });
    },

    'usergroups.list': (args) =>
      ok({
        usergroups: SLACK_USER_GROUPS.map((group) => ({
          id: group.id,
          team_id: SLACK_TEAM.id,
          name: group.name,
          handle: group.handle,
          description: group.description,
          user_count: group.users.length,
          ...(args.include_users === 'true' || args.include_users === true ? { users: [...group.users] } : {}),
        })),
      }),

    'conversations.open': (args) => {
      const users = (stringArgument(args, 'users') ?? '').split(',').map((user) => user.trim()).filter((user) => user !== '');
      if (users.length === 0) return fail('users_list_not_supplied');
      if (users.length > 1) return fail('not_implemented', { detail: 'the lab opens one-to-one DMs only' });
      if (slackUser(users[0]!) === undefined) return fail('user_not_found');
      return ok({ channel: { id: directMessageChannel(users[0]!) } });
    },

    'files.getUploadURLExternal': (args, request, _context, state) => {
      const filename = stringArgument(args, 'filename');
      const length = Number(stringArgument(args, 'length'));
      if (filename === undefined || !Number.isInteger(length) || length < 0) return fail('invalid_arguments');
      const id = `F0LAB${String(state.files.size + 1).padStart(6, '0')}`;
      state.files.set(id, { id, name: filename, title: filename, length, size: 0, content: '', mimetype: mimeType(filename), uploaded: false, completed: false });
      return ok({ upload_url: `${request.baseUrl}/slack/upload/${id}`, file_id: id });
    },

    'files.completeUploadExternal': (args, _request, context, state) => {
      const files = args.files;
      if (!Array.isArray(files) || files.length === 0) return fail('invalid_arguments');
      const requested = stringArgument(args, 'channel_id') ?? stringArgument(args, 'channels');
      const channel = requested === undefined ? undefined : resolveSlackChannel(requested.split(',')[0]!.trim());
      if (requested !== undefined && channel === undefined) return fail('channel_not_found');
      const completed: SlackStoredFile[] = [];
      for (const entry of files as Array<{ id?: unknown; title?: unknown }>) {
        const file = typeof entry?.id === 'string' ? state.files.get(entry.id) : undefined;
        if (file === undefined || !file.uploaded) return fail('file_not_found');
        if (typeof entry.title === 'string' && entry.title !== '') file.title = entry.title;
        file.completed = true;
        completed.push(file);
      }
      if (channel !== undefined) {
        const threadTs = stringArgument(args, 'thread_ts');
        state.messages.push({
          channel,
          ts: nextTs(state, context),
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
          text: typeof args.initial_comment === 'string' ? args.initial_comment : '',
          ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
          user: LAB_CREDENTIALS.slack.botUserId,
          bot_id: LAB_CREDENTIALS.slack.botId,
          ephemeral: false,
          files: completed.map((file) => ({ ...file })),
          update_count: 0,
          reply_count: 0,
        });
        if (threadTs !== undefined) {
          const parent = state.messages.find((candidate) => candidate.channel === channel && candidate.ts === threadTs && !candidate.ephemeral);
          if (parent !== undefined) parent.reply_count += 1;
        }
      }
      return ok({
        files: completed.map((file) => ({
          id: file.id,
          name: file.name,
          title: file.title,
          mimetype: file.mimetype,
          size: file.size,
          url_private: `https://files.slack.com/files-pri/${SLACK_TEAM.id}-${file.id}/${encodeURIComponent(file.name)}`,
          permalink: `https://${SLACK_TEAM.domain}.slack.com/files/${LAB_CREDENTIALS.slack.botUserId}/${file.id}/${encodeURIComponent(file.name)}`,
          ...(channel === undefined ? {} : { channels: [channel] }),
        })),
      });
    },
  };
}

function mimeType(filename: string): string {
  const extension = filename.toLowerCase().split('.').pop() ?? '';
  const types: Record<string, string> = { html: 'text/html', json: 'application/json', csv: 'text/csv', txt: 'text/plain', md: 'text/markdown', pdf: 'application/pdf', png: 'image/png' };
  return types[extension] ?? 'application/octet-stream';
}

/** The file part of a multipart body (field `file`, `body`, or the first part with a filename). */
function multipartFile(rawBody: string, contentType: string): string | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (marker === undefined) return undefined;
  const parts = rawBody.split(`--${marker.trim()}`).slice(1, -1);
  let fallback: string | undefined;
  for (const part of parts) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const content = part.slice(split + 4).replace(/\r\n$/, '');
    if (/name="(file|body)"/i.test(headers)) return content;
    if (fallback === undefined && /filename=/i.test(headers)) fallback = content;
  }
  return fallback;
}

export function createSlackSimulator(options: SlackSimulatorOptions = {}): LabProductModule {
  const methods = createMethods({ now: options.now ?? (() => performance.now()), rateLimit: options.rateLimit ?? { burst: 3, perSecond: 1 } });
  const stateOf = (context: LabContext): SlackState =>
    context.state(PRODUCT, () => ({ messages: [], files: new Map(), responses: [], sequence: 0, buckets: new Map() }));

  const callMethod = (request: LabRequest, context: LabContext): LabResponse => {
    const method = request.params.method ?? '';
    const handler = methods[method];
    if (handler === undefined) return fail('unknown_method', { req_method: method });
    const parsed = parseArguments(request);
    if ('invalid' in parsed) return fail(parsed.invalid);
    const { args } = parsed;
    // Slack reads a token from the Authorization header or a form/query `token`, never from a JSON body.
    const jsonBody = (request.header('content-type') ?? '').toLowerCase().startsWith('application/json');
    const token = authorizationToken(request) ?? (jsonBody ? (request.query.get('token') ?? undefined) : stringArgument(args, 'token'));
    if (method !== 'api.test') {
      if (token === undefined) return fail('not_authed');
      if (token !== LAB_CREDENTIALS.slack.botToken) return fail('invalid_auth');
    }
    return handler(args, request, context, stateOf(context));
  };

  return {
    product: PRODUCT,
    prefix: '/slack',
    endpoints: { web_api: '/api/' },
    register(router, context) {
      router.post('/api/:method', callMethod);
      router.get('/api/:method', callMethod);

      router.post('/upload/:id', (request) => {
        const file = stateOf(context).files.get(request.params.id ?? '');
        if (file === undefined) return text(404, 'file_not_found');
        const contentType = request.header('content-type') ?? '';
        const content = contentType.toLowerCase().startsWith('multipart/form-data') ? (multipartFile(request.rawBody, contentType) ?? '') : request.rawBody;
        file.content = content;
        file.size = Buffer.byteLength(content, 'utf8');
        file.uploaded = true;
        return text(200, `OK - ${file.size}`);
      });

      router.post('/response/:id', (request) => {
        const body = request.json<unknown>();
        if (body === undefined) return text(400, 'invalid_payload');
        stateOf(context).responses.push({ id: request.params.id ?? '', body, received_at: context.clock.now().toISOString() });
        return json(200, { ok: true });
      });

      router.get('/__messages', (request) => {
        const state = stateOf(context);
        const channel = request.query.get('channel');
        const resolved = channel === null ? undefined : (resolveSlackChannel(channel) ?? channel);
        const messages = state.messages.filter((message) => resolved === undefined || message.channel === resolved);
        return json(200, { ok: true, messages });
      });

      router.delete('/__messages', () => {
        const state = stateOf(context);
        state.messages.length = 0;
        state.responses.length = 0;
        state.buckets.clear();
        return json(200, { ok: true });
      });

      router.get('/__responses', (request) => {
        const id = request.query.get('id');
        return json(200, { ok: true, responses: stateOf(context).responses.filter((response) => id === null || response.id === id) });
      });
    },
    errorResponse(status, message, request) {
      const error = status === 429 ? 'ratelimited' : status === 404 ? 'unknown_method' : status >= 500 ? 'internal_error' : 'invalid_request';
      return json(status, { ok: false, error, detail: message }, status === 429 ? { 'retry-after': '1' } : {});
    },
  };
}

/** The fake Slack Web API with Slack's default per-channel message rate. */
export const slackSimulator: LabProductModule = createSlackSimulator();
