// Runs as the unprivileged test user (helper.test.ts): prints one JSON line with what happened.
import { HelperDevice } from '../../src-main/host/helper-device.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { SOURCE_HELPER } from '../../src-main/host/helper-path.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { readViewChunk } from '../../src-core/view.ts';

const [loop, image, origin] = process.argv.slice(2) as [string, string, string];
const out: Record<string, unknown> = {};
try {
  FileDevice.open(loop);
  out['direct'] = 'opened';
} catch (e) {
  out['direct'] = (e as Error).message;
}
const sudo = { method: 'sudo', command: 'sudo', args: ['-n', process.execPath, SOURCE_HELPER] };
try {
  HelperDevice.open(sudo, image);
  out['file'] = 'opened';
} catch (e) {
  out['file'] = (e as Error).message;
}
const dev = HelperDevice.open(sudo, loop);
const originDev = FileDevice.open(origin);
const viaHelper = PersistentStore.open(dev);
const chunk = new Uint8Array(viaHelper.chunkBytes);
const views: string[] = [];
for (let c = 0; c < 8; c++) {
  readViewChunk(viaHelper, originDev, 0, c, chunk);
  views.push(Buffer.from(chunk).toString('base64'));
}
out['exceptions'] = viaHelper.info().exceptions;
out['views'] = views;
try {
  dev.write(0, new Uint8Array(512));
  out['write'] = 'allowed';
} catch (e) {
  out['write'] = (e as Error).message;
}
dev.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
