import { LAB_CREDENTIALS } from '../credentials.js';

/*
 * The lab Slack workspace: who is in it, which user groups and channels exist. Approver rules in
 * a lab config can name these ids (`S0LABAPPRV` for the approver group, `U0LABAPR01` for one approver).
 */

export interface SlackLabUser {
  id: string;
  name: string;
  realName: string;
  email: string;
  title: string;
  isAdmin: boolean;
  isBot: boolean;
  /** The bot user's bot id (bots only). */
  botId?: string;
}

export interface SlackLabUserGroup {
  id: string;
  handle: string;
  name: string;
  description: string;
  users: string[];
}

export interface SlackLabChannel {
  id: string;
  name: string;
  purpose: string;
}

export const SLACK_TEAM = { id: LAB_CREDENTIALS.slack.teamId, name: 'DefenseClaw Lab', domain: 'defenseclaw-lab' } as const;

export const SLACK_USERS: readonly SlackLabUser[] = [
  { id: 'U0LABANA01', name: 'alex.analyst', realName: 'Alex Analyst', email: 'alex.analyst@corp.example.com', title: 'SOC Analyst (Tier 1)', isAdmin: false, isBot: false },
  { id: 'U0LABANA02', name: 'sam.responder', realName: 'Sam Responder', email: 'sam.responder@corp.example.com', title: 'SOC Analyst (Tier 2)', isAdmin: false, isBot: false },
  { id: 'U0LABANA03', name: 'kim.hunter', realName: 'Kim Hunter', email: 'kim.hunter@corp.example.com', title: 'Threat Hunter', isAdmin: false, isBot: false },
  { id: 'U0LABAPR01', name: 'pat.approver', realName: 'Pat Approver', email: 'pat.approver@corp.example.com', title: 'Incident Commander', isAdmin: false, isBot: false },
  { id: 'U0LABAPR02', name: 'jordan.approver', realName: 'Jordan Approver', email: 'jordan.approver@corp.example.com', title: 'Security Engineering Manager', isAdmin: false, isBot: false },
  { id: 'U0LABLEAD1', name: 'morgan.lead', realName: 'Morgan Lead', email: 'morgan.lead@corp.example.com', title: 'SOC Team Lead', isAdmin: true, isBot: false },
  {
    id: LAB_CREDENTIALS.slack.botUserId,
    name: 'defenseclaw',
    realName: 'DefenseClaw',
    email: '',
    title: '',
    isAdmin: false,
    isBot: true,
    botId: LAB_CREDENTIALS.slack.botId,
  },
];

export const SLACK_USER_GROUPS: readonly SlackLabUserGroup[] = [
  { id: 'S0LABAPPRV', handle: 'soc-approvers', name: 'SOC Approvers', description: 'May approve containment actions', users: ['U0LABAPR01', 'U0LABAPR02', 'U0LABLEAD1'] },
  { id: 'S0LABSOC01', handle: 'soc', name: 'SOC Analysts', description: 'Everyone on the SOC rota', users: ['U0LABANA01', 'U0LABANA02', 'U0LABANA03', 'U0LABLEAD1'] },
];

export const SLACK_CHANNELS: readonly SlackLabChannel[] = [
  { id: 'C0LABSOC01', name: 'soc-alerts', purpose: 'Alerts and investigation threads' },
  { id: 'C0LABAPR01', name: 'soc-approvals', purpose: 'Approval requests for risky actions' },
  { id: 'C0LABDIG01', name: 'soc-digest', purpose: 'Scheduled inventory and policy digests' },
];

export function slackUser(id: string): SlackLabUser | undefined {
  return SLACK_USERS.find((user) => user.id === id);
}

/** The direct-message channel between the bot and a user: `D` + the user id without its `U`. */
export function directMessageChannel(userId: string): string {
  return `D${userId.slice(1)}`;
}

/** A channel id for an id, a `#name`, a name, a user id (its DM) or a DM id; undefined when unknown. */
export function resolveSlackChannel(value: string): string | undefined {
  const name = value.replace(/^#/, '');
  const channel = SLACK_CHANNELS.find((candidate) => candidate.id === value || candidate.name === name);
  if (channel !== undefined) return channel.id;
  if (/^[UW]/.test(value) && slackUser(value) !== undefined) return directMessageChannel(value);
  if (value.startsWith('D') && SLACK_USERS.some((user) => directMessageChannel(user.id) === value)) return value;
  return undefined;
}
