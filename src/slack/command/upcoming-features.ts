import { VERSION } from '../../app/version.js';

/**
 * Sub-commands that are parsed, permission-checked and audited, but whose service is not in this
 * version yet. The text comes from here only, so each entry is deleted when its service lands.
 */
export const UPCOMING_FEATURES = {
  inventory: {
    service: 'the inventory service (scan, snapshots, diff, tag search)',
    meanwhile: 'the `inventory-sweep` agent lists every endpoint now: `/defenseclaw agent run inventory-sweep`',
  },
  policy: {
    service: 'the policy service (policy definitions, check, enforce)',
    meanwhile: undefined,
  },
} as const satisfies Record<string, { service: string; meanwhile: string | undefined }>;

export type UpcomingFeature = keyof typeof UPCOMING_FEATURES;

export function upcomingFeatureText(feature: UpcomingFeature, commandText: string): string {
  const entry = UPCOMING_FEATURES[feature];
  return [
    `\`${commandText}\` is understood, but ${entry.service} is not part of DefenseClaw ${VERSION}: it arrives in a later release.`,
    ...(entry.meanwhile === undefined ? [] : [`Meanwhile, ${entry.meanwhile}.`]),
  ].join(' ');
}
