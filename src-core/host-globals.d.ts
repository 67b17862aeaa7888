// The few host timers the engine uses; both Node and browsers provide them. Declared here because
// src-core compiles with neither DOM nor Node types.
declare function setTimeout(callback: () => void, ms?: number): unknown;
// UTF-8 for label names and random snapshot UUIDs: in Node and every browser; declared here for the
// same reason.
declare class TextEncoder {
  encode(text: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label: 'utf-8', options: { fatal: boolean });
  decode(bytes: Uint8Array): string;
}
declare const crypto: { randomUUID(): string };
