/** Runs the lab in its own process for benchmarks (so its CPU is not the client's): prints its URL. */
import { startLab } from '../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../src/lab/products/index.js';

const extraHosts = Number(process.argv[2] ?? 0);
const lab = await startLab({ products: ALL_SIMULATORS, extraHosts });
process.stdout.write(`${JSON.stringify({ url: lab.url })}\n`);
const stop = () => void lab.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
