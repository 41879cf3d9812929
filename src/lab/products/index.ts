import type { LabProductModule } from '../lab-product.js';
import { secureEndpointSimulator } from './secure-endpoint.js';

/** Every simulator the lab mounts by default. */
export const ALL_SIMULATORS: readonly LabProductModule[] = [secureEndpointSimulator];
