import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../core/errors/index.js';

export const CHECKPOINT_FORMAT = 'defenseclaw-audit-checkpoint-v1';

/**
 * A ledger checkpoint: the head seq and hash at a moment. Kept off the machine (ticket, WORM
 * bucket, another team's inbox), it lets `audit verify` detect a chain rewritten wholesale.
 */
export const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected a 64-character lower-case hex SHA-256' }),
  time: z.string().min(1),
  /** The database the checkpoint was taken from (informational). */
  database: z.string().optional(),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;

/**
 * Reads a checkpoint file: one JSON object, or JSON lines of several (each is checked).
 * Any problem is an InputError (exit 2) with file:line.
 */
export function readCheckpointFile(file: string): Checkpoint[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError({ file, message: `cannot read checkpoint file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
  }
  const trimmed = text.trim();
  if (trimmed === '') throw new InputError({ file, message: 'checkpoint file is empty' });
  const chunks: Array<{ line: number; text: string }> = [];
  try {
    JSON.parse(trimmed);
    chunks.push({ line: 1, text: trimmed });
  } catch {
    text.split('\n').forEach((line, index) => {
      if (line.trim() !== '') chunks.push({ line: index + 1, text: line });
    });
  }
  return chunks.map((chunk) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(chunk.text);
    } catch (error) {
      throw new InputError({ file, line: chunk.line, message: `not JSON: ${(error as Error).message}` });
    }
    const result = checkpointSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new InputError({ file, line: chunk.line, path: issue.path.join('.') || undefined, message: `not a checkpoint: ${issue.message}` });
    }
    return result.data;
  });
}
