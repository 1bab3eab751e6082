import { configFromEnv } from './config';
import { startSample } from './server';

const sample = await startSample(configFromEnv());
console.log(`m2m-sample: ${sample.url}`);
if (sample.origin !== sample.url)
  console.log(`m2m-sample: tokens work from ${sample.origin} (PUBLIC_ORIGIN)`);
const shutdown = () => void sample.close().then(() => process.exit(0));
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
