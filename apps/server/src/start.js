/**
 * The server's production entry: turns on Node's on-disk compile cache, then runs main.ts. With the cache
 * warm, Node loads neither the TypeScript stripper nor recompiles the server's modules at start, which
 * saves about 30 MB of resident memory and some start time. Plain JavaScript, because the cache must be on
 * before the first .ts file is read.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./main.ts');
