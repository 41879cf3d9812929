import { afterAll, beforeAll } from 'vitest';
import { startLab, type Lab, type LabOptions } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';

/** One lab for the whole test file (started before its first test, closed after its last): every simulator unless told otherwise. */
export function suiteLab(options: Partial<LabOptions> = {}): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await startLab({ products: ALL_SIMULATORS, ...options });
  });
  afterAll(async () => {
    await lab?.close();
  });
  return () => {
    if (lab === undefined) throw new Error('suiteLab: the lab starts in beforeAll; use it inside tests');
    return lab;
  };
}
