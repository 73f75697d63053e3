import { startTablemap, startClassic } from './servers.ts';
import { createEvent } from './api.ts';
import { fillTable, openClient } from './run-load.ts';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function time(url: string, doc: string, token: string) {
  const t = performance.now(); const c = openClient(url, doc, token); await c.ready; const ms = performance.now() - t; c.destroy(); return ms;
}
const which = process.argv[2] ?? 'tablemap';
const server = which === 'tablemap' ? await startTablemap() : await startClassic();
let doc: string, token: string;
if (which === 'tablemap') { const e = await createEvent(server.url, 1); doc = `table/${e.eventId}/${e.tables[0]!.id}`; token = e.facilitatorToken; }
else { doc = 'table/x/big'; token = 'none'; }
await fillTable(server.url, doc, token, 2000);
const loaded: number[] = [];
for (let i = 0; i < 8; i++) { loaded.push(await time(server.url, doc, token)); await sleep(200); }
console.log(which, 'loaded doc:', loaded.map((x) => x.toFixed(1)).join(' '));
if (which === 'tablemap') { await sleep(33_000); console.log('after idle unload:', (await time(server.url, doc, token)).toFixed(1)); }
await server.stop?.(); process.exit(0);
