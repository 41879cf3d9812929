export { runDoctor, type DoctorOptions, type ExtraIntegration, type HealthStatus, type IntegrationHealth } from './doctor.js';
export { anthropicIntegration, slackIntegration } from './extra-integrations.js';
export { checkReachability, checkTls, type CheckResult, type CheckStatus } from './network-checks.js';
