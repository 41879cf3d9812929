import { DefenseClawError, type ExitCode } from '../core/errors/index.js';

/**
 * An inventory job that cannot be done: no snapshot yet, no such asset, every source failed.
 * `code` is stable (`inventory_no_snapshot`, `inventory_asset_not_found`, `inventory_no_sources`, …).
 */
export class InventoryError extends DefenseClawError {
  /** Per-source failures, when the error is about sources. */
  readonly sourceErrors: Readonly<Record<string, string>>;

  constructor(message: string, options: { code: string; exitCode?: ExitCode; sourceErrors?: Record<string, string>; cause?: unknown }) {
    super(message, { code: options.code, exitCode: options.exitCode ?? 1, cause: options.cause });
    this.sourceErrors = options.sourceErrors ?? {};
  }
}
