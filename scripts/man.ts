// `npm run man`: writes man/*.1 and the shell completion scripts from the command descriptors
// (the same ones --help prints). tests/cli/man.test.ts fails when the committed files are stale.
import fs from 'node:fs';
import path from 'node:path';
import { generatedDocs } from '../src-main/cli/generated-docs.ts';

const root = path.resolve(import.meta.dirname, '..');
for (const [file, content] of await generatedDocs()) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}
console.log('wrote man/ and completion/');
