import { DefenseClawError } from '../core/errors/index.js';

/** `policy check <resource>` names no asset of the inventory snapshot: bad input, exit 2. */
export class AssetNotFoundError extends DefenseClawError {
  /** The host name or asset key as given. */
  readonly resource: string;
  /** When the snapshot searched was taken (ISO-8601). */
  readonly snapshotTakenAt: string;

  constructor(resource: string, snapshotTakenAt: string) {
    super(`no asset ${JSON.stringify(resource)} in the inventory snapshot of ${snapshotTakenAt} (a host name, FQDN or asset key; \`defenseclaw inventory scan\` refreshes it)`, {
      code: 'asset_not_found',
      exitCode: 2,
    });
    this.resource = resource;
    this.snapshotTakenAt = snapshotTakenAt;
  }
}
