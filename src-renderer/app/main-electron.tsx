import { bridgeFromWindow, createElectronClient } from '../client/electron-client.ts';
import { boot, bootFailure } from './boot.tsx';

// Electron composition root: the preload's bridge carries the contract over IPC.
const bridge = bridgeFromWindow();
if (bridge) boot(createElectronClient(bridge));
else bootFailure('The desktop bridge is missing or incomplete', 'The preload script did not load, or comes from another version; reinstall snapscope, or run “snapscope serve” and use a browser.');
