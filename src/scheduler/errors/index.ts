export { JobAlreadyRunningError } from './job-already-running-error.js';
export { NoJobHandlerError } from './no-job-handler-error.js';
export { ScheduledJobNotFoundError } from './scheduled-job-not-found-error.js';
export { SmtpNotConfiguredError } from './smtp-not-configured-error.js';
