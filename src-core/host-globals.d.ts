// The few host timers the engine uses; both Node and browsers provide them. Declared here because
// src-core compiles with neither DOM nor Node types.
declare function setTimeout(callback: () => void, ms?: number): unknown;
