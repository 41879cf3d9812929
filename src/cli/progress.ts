import { SingleBar } from 'cli-progress';
import type { CliIo } from './io.js';

export interface Progress {
  update(value: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal; silent otherwise (pipes, CI, --json). */
export function startProgress(io: CliIo, label: string, total: number, enabled = true): Progress {
  if (!enabled || !io.stderrIsTTY || total <= 0) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: io.stderr as NodeJS.WritableStream & { isTTY: boolean },
    format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return {
    update: (value) => bar.update(value),
    stop: () => bar.stop(),
  };
}
