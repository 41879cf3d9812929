export { DefenseClawError, isDefenseClawError, type ExitCode, type DefenseClawErrorOptions } from './defenseclaw-error.js';
export { InputError, formatProblem, type InputProblem } from './input-error.js';
export { ConfigError } from './config-error.js';
export { UsageError } from './usage-error.js';
