import './styles.css';

// One build, two composition roots: Electron's preload exposes the contract as `window.snapscope`;
// in a browser (`snapscope serve`) the token in the URL (later its cookie) opens a WebSocket. The views
// never know which.
const bridged = typeof (window as { snapscope?: unknown }).snapscope === 'object';
await (bridged ? import('./main-electron.tsx') : import('./main-web.tsx'));
