/**
 * `npm run bench -- <name>`: runs one benchmark; each prints one JSON line of figures.
 * `npm run bench` with no name lists them.
 */
const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  audit: () => import('./audit.js').then((module) => module.run()),
  connectors: () => import('./connectors.js').then((module) => module.run()),
  correlate: () => import('./correlate.js').then((module) => module.run()),
  gateway: () => import('./gateway.js').then((module) => module.run()),
  investigate: () => import('./investigate.js').then((module) => module.run()),
  injection: () => import('./injection.js').then((module) => module.run()),
  inventory: () => import('./inventory.js').then((module) => module.run()),
  'slack-ack': () => import('./slack-ack.js').then((module) => module.run()),
};

const name = process.argv[2];
if (name === undefined || BENCHMARKS[name] === undefined) {
  process.stderr.write(`usage: npm run bench -- <name>\nbenchmarks: ${Object.keys(BENCHMARKS).join(', ')}\n`);
  process.exit(name === undefined ? 0 : 2);
}
await BENCHMARKS[name]!();
