import { configFromEnv } from './config';
import { startSample } from './server';

const sample = await startSample(configFromEnv());
console.log(`m2m-sample: ${sample.url}`);
const shutdown = () => void sample.close().then(() => process.exit(0));
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
