import { run } from './bench/correlate.js';
await run();
