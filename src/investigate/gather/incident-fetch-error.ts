import { DefenseClawError } from '../../core/errors/index.js';

/**
 * The incident itself could not be read (not found, denied or failed): nothing can be gathered
 * without its observables. `code` is `incident_not_found` or `incident_unavailable`.
 */
export class IncidentFetchError extends DefenseClawError {
  readonly incidentId: string;
  /** The gateway outcome of `cisco_xdr.get_incident` (`succeeded` when it said not found). */
  readonly outcome: string;

  constructor(message: string, options: { incidentId: string; outcome: string; notFound: boolean; cause?: unknown }) {
    super(message, { code: options.notFound ? 'incident_not_found' : 'incident_unavailable', ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.incidentId = options.incidentId;
    this.outcome = options.outcome;
  }
}
