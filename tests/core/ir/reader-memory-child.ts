/**
 * Child of reader-memory.test.ts: streams a generated dump of N exceptions (never held whole)
 * through the DumpReader in 64 KiB pieces and prints what it read and the peak memory. Run with
 * a small --max-old-space-size: a reader that kept the text or the exceptions dies of it.
 * Usage: reader-memory-child.ts json|json-one-line|xml N
 */
import { DumpReader } from '../../../src-core/ir/reader.ts';

const [form = 'json', count = '1000000'] = process.argv.slice(2);
const n = Number(count);
const PIECE = 1 << 16;

function* dump(): Generator<string> {
  const nl = form === 'json-one-line' ? '' : '\n';
  if (form === 'xml') {
    yield '<snapscope_dump version="1" format="shared" chunk_bytes="4096" chunk_count="99999999" valid="1" store_version="1" snapmask="0x3">\n';
    yield '  <snapshot slot="0" name="a" uuid="00000000-0000-4000-8000-000000000000" created="0"/>\n';
    for (let i = 0; i < n; i++) yield `  <exception share="0x${(i % 3) + 1}" chunk="${i + 100}" origin="${i}"/>\n`;
    yield '</snapscope_dump>\n';
    return;
  }
  yield `{"snapscope_dump":1,"format":"shared","chunk_bytes":4096,"chunk_count":99999999,"valid":true,"version":1,"snapmask":"0x3","snapshots":[{"slot":0,"name":"a","uuid":"00000000-0000-4000-8000-000000000000","created":0}],${nl}"exceptions":[${nl}`;
  for (let i = 0; i < n; i++) yield `${i ? `,${nl}` : ''}[${i},${i + 100},"0x${(i % 3) + 1}"]`;
  yield `${nl}]}${nl}`;
}

let exceptions = 0;
let sum = 0;
const reader = new DumpReader('generated', (origin, chunk, lo) => {
  exceptions++;
  sum += origin + chunk + lo;
});
let peakRss = 0;
let bytes = 0;
let piece = '';
let pieces = 0;
for (const text of dump()) {
  piece += text;
  if (piece.length < PIECE) continue;
  reader.write(piece);
  bytes += piece.length;
  piece = '';
  if (++pieces % 64 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
reader.write(piece);
bytes += piece.length;
const header = reader.finish();
peakRss = Math.max(peakRss, process.memoryUsage().rss);
console.log(JSON.stringify({ exceptions, sum, bytes, chunkCount: header.chunkCount, peakRss, maxRss: process.resourceUsage().maxRSS * 1024 }));
