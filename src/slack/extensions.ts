import type { App } from '@slack/bolt';
import { registerSlackApprovals } from './approvals/index.js';
import type { SlackServices } from './slack-services.js';

/**
 * A feature that adds listeners to the bot (approval buttons, …); the digest runs from the scheduler: called once with the
 * app and its services when `slack serve` builds the app; what it returns is called on shutdown.
 */
export type SlackExtension = (app: App, services: SlackServices) => void | (() => void | Promise<void>);

/** The extensions `slack serve` applies, in order. Features append their registration here. */
export const SLACK_EXTENSIONS: SlackExtension[] = [registerSlackApprovals];
