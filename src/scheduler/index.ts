export { CONFIG_CREATOR, DIGEST_JOB, INVENTORY_SWEEP_JOB, ensureBotJobs, type BotJobSettings } from './bot-jobs.js';
export { JobAlreadyRunningError, NoJobHandlerError, ScheduledJobNotFoundError, SmtpNotConfiguredError } from './errors/index.js';
export type { JobHandler, JobOutcome, JobRunContext } from './job-handler.js';
export { JOB_KINDS, MANUAL_SLOT_PREFIX, isJobKind, type JobKind, type JobRun, type JobRunStatus, type NewScheduledJob, type ScheduledJob } from './job.js';
export { jobNotification, type FinishedRunFacts } from './notify/job-notification.js';
export { JobNotifier, type JobNotification, type Notifier, type SlackPoster } from './notify/job-notifier.js';
export { bodyText, headerText, slackText } from './notify/plain-text.js';
export { createSmtpEmailSender, type EmailMessage, type EmailSender, type SmtpSettings } from './notify/smtp-email-sender.js';
export { webApiPoster, type WebApiPosterOptions } from './notify/slack-web-api-poster.js';
export { parseNotifyTarget, type NotifyTarget } from './notify-target.js';
export { MIN_EVERY_MS, parseSchedule, type Schedule } from './schedule.js';
export {
  Scheduler,
  type RunReport,
  type ScheduledJobDetails,
  type ScheduledJobView,
  type SchedulerOptions,
  type SchedulerTimer,
  type SkippedSlot,
  type TextRedactor,
  type TickResult,
} from './scheduler.js';
export type { JobRunRecord, ScheduledJobRecord, SchedulerStore, SlotClaim, SlotClaimResult } from './scheduler-store.js';
export { inventorySweepHandler, type SweepScanResult } from './handlers/inventory-sweep-handler.js';
export { policyJobHandler, type PolicyJobHandlerOptions, type PolicyJobResult } from './handlers/policy-job-handler.js';
export { workflowJobHandler, type WorkflowTriggerRound } from './handlers/workflow-job-handler.js';
