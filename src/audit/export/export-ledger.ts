import type { AuditRecord } from '../audit-entry.js';
import type { AuditLedger } from '../ledger.js';
import { toCsvRows } from './csv.js';
import { toJsonRecord } from './json-record.js';
import { toOcsfApiActivity, type OcsfContext } from './ocsf.js';
import { toHecEnvelope, type HecEnvelopeOptions, type HecSender } from './splunk-hec.js';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'splunk-hec', 'ocsf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportLedgerOptions {
  ledger: AuditLedger;
  format: ExportFormat;
  /** ISO time: only records at or after it. */
  since?: string;
  /** Only records with seq >= this (resume an interrupted export). */
  fromSeq?: number;
  /** Text sink (file or stdout). Ignored when `hec` is given. */
  write?: (chunk: string) => Promise<void>;
  /** Send splunk-hec envelopes to a collector instead of writing them. */
  hec?: HecSender;
  ocsf: OcsfContext;
  hecEnvelope: HecEnvelopeOptions;
  onProgress?: (records: number) => void;
}

const CHUNK = 1_000;

/** Streams the ledger out in one format, in seq order, in bounded memory. Returns the record count. */
export async function exportLedger(options: ExportLedgerOptions): Promise<{ records: number; lastSeq: number | null }> {
  let records = 0;
  let lastSeq: number | null = null;
  let chunk: AuditRecord[] = [];
  const write = options.write ?? (async () => {});
  const emit = async (batch: AuditRecord[], first: boolean): Promise<void> => {
    switch (options.format) {
      case 'jsonl':
        await write(batch.map((record) => `${JSON.stringify(toJsonRecord(record))}\n`).join(''));
        break;
      case 'csv':
        await write(toCsvRows(batch, first));
        break;
      case 'ocsf':
        await write(batch.map((record) => `${JSON.stringify(toOcsfApiActivity(record, options.ocsf))}\n`).join(''));
        break;
      case 'splunk-hec': {
        const envelopes = batch.map((record) => toHecEnvelope(record, options.hecEnvelope));
        if (options.hec === undefined) await write(envelopes.map((envelope) => `${JSON.stringify(envelope)}\n`).join(''));
        else for (const envelope of envelopes) await options.hec.add(envelope);
        break;
      }
    }
  };
  let first = true;
  for (const record of options.ledger.iterate({ ...(options.since === undefined ? {} : { since: options.since }) })) {
    if (options.fromSeq !== undefined && record.seq < options.fromSeq) continue;
    chunk.push(record);
    if (chunk.length >= CHUNK) {
      await emit(chunk, first);
      first = false;
      records += chunk.length;
      lastSeq = chunk[chunk.length - 1]!.seq;
      chunk = [];
      options.onProgress?.(records);
    }
  }
  if (chunk.length > 0 || (first && options.format === 'csv')) {
    await emit(chunk, first);
    records += chunk.length;
    lastSeq = chunk.at(-1)?.seq ?? lastSeq;
  }
  await options.hec?.flush();
  return { records, lastSeq };
}
