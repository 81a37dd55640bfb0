// `npm run bench -- <name> [options]`: runs bench/<name>.ts, which prints one JSON object.
import { readdirSync } from 'node:fs';

const name = process.argv[2];
const available = readdirSync(new URL('./', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|') || 'name'}> [options]`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(`./${name}.bench.ts`);
