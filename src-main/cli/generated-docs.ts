import { catalog } from './catalog.ts';
import { bashCompletion, zshCompletion } from './completion-script.ts';
import { commandPage, mainPage, manPageName } from './man.ts';

/** Every generated documentation file, by path in the repository: what `npm run man` writes. */
export async function generatedDocs(): Promise<Map<string, string>> {
  const { version, commands } = await catalog();
  const files = new Map<string, string>();
  files.set('man/snapscope.1', mainPage(commands, version));
  for (const c of commands) files.set(`man/${manPageName(c)}.1`, commandPage(c, version));
  files.set('completion/snapscope.bash', bashCompletion(commands));
  files.set('completion/_snapscope', zshCompletion(commands));
  return files;
}
