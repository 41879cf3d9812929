/**
 * The value of one event field. Multi-valued fields (an event's hosts, its IPs) are string lists;
 * a condition holds on a list when it holds on any element.
 */
export type FieldValue = string | number | boolean | null | string[];

/** A field value that can be a group-by key or a counted value. */
export type FieldScalar = string | number | boolean;

/**
 * The fields of an event, flat, with dotted names: `class`, `outcome`, `src.ip`, `dst.ip`,
 * `dst.host`, `user.name`, `host.name`, `process.name`, `process.command_line`, `dns.query`,
 * `file.hash.sha256`, … The `logsource.category`, `logsource.product` and `logsource.service`
 * fields, when present, are checked against each rule's `logsource`.
 */
export type EventFields = Readonly<Record<string, FieldValue | undefined>>;

/**
 * What the engine reads of an event: when it happened, its flat fields, and the caller's own
 * event (`ref`), handed back untouched in detections and correlations.
 */
export interface FlatEvent<Ref = unknown> {
  /** Epoch milliseconds. Events without a finite time are matched but never correlated. */
  time: number;
  fields: EventFields;
  ref: Ref;
}
