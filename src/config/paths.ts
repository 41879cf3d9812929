import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Where DefenseClaw keeps its state: config, database, logs and reports. */
export interface HomePaths {
  home: string;
  configFile: string;
  databaseFile: string;
  logsDirectory: string;
  logFile: string;
  reportsDirectory: string;
}

/** `DEFENSECLAW_HOME`, else `~/.defenseclaw`. An explicit `--home` wins over both. */
export function resolveHome(options: { env: NodeJS.ProcessEnv; explicitHome?: string; cwd?: string }): string {
  const chosen = options.explicitHome ?? options.env.DEFENSECLAW_HOME;
  if (chosen !== undefined && chosen !== '') {
    return isAbsolute(chosen) ? chosen : resolve(options.cwd ?? process.cwd(), chosen);
  }
  return join(homedir(), '.defenseclaw');
}

export function homePaths(home: string): HomePaths {
  const logsDirectory = join(home, 'logs');
  return {
    home,
    configFile: join(home, 'config.yaml'),
    databaseFile: join(home, 'defenseclaw.db'),
    logsDirectory,
    logFile: join(logsDirectory, 'defenseclaw.log'),
    reportsDirectory: join(home, 'reports'),
  };
}
