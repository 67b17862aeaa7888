type Fs = typeof import('node:fs');
export declare class DirectReader {
  constructor(fs: Fs, fd: number, bufferBytes?: number);
  read(dst: Uint8Array, dstOffset: number, length: number, offset: number): number;
}
