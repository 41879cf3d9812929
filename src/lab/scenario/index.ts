export { createWorld, type LabWorld, type LabIncident, type DomainReputation } from './world.js';
export { STORY } from './indicators.js';
export type { LabHost, LabInventory, LabOperatingSystem, HostKind } from './inventory.js';
export type { ScenarioEvent, ScenarioEventKind, LabProduct } from './events.js';
export { stableHex, stableUuid, seededRandom } from './random.js';
