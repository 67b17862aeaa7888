/**
 * A synchronous random-access device. The engine is synchronous by design: a block cache makes
 * most accesses memory hits, and the engine runs in a worker thread (main process) or a CLI
 * process, so blocking there stalls no UI. Offsets and lengths are in bytes.
 */
export interface BlockDevice {
  /** Human-readable name for messages (a path, "memory", ...). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  readonly readOnly: boolean;
  /** Fills `dst` from `offset`. Throws SnapscopeError('io') on a short read or a device error. */
  read(offset: number, dst: Uint8Array): void;
  /** Writes all of `src` at `offset`. Throws SnapscopeError('read-only') on a read-only device. */
  write(offset: number, src: Uint8Array): void;
  /**
   * Optional: writes `parts` back to back from `offset`, as one request where the device allows
   * (pwritev). Callers fall back to `write` per part when absent; devices that watch writes
   * (ForwardingDevice and its subclasses) leave it out so every write passes through `write`.
   */
  writev?(offset: number, parts: readonly Uint8Array[]): void;
  /**
   * Optional: writes all of `src` at `offset` past the page cache (O_DIRECT) where the device
   * allows, else as `write`. For bulk copies (merges): a large buffered write into a file is
   * throttled to the disk's pace while it also fills the cache. Durable, like `write`, after `flush`.
   * Devices that watch writes leave it out, as `writev`.
   */
  writeThrough?(offset: number, src: Uint8Array): void;
  /**
   * Optional, with writeThrough: a buffer of `bytes` that writeThrough writes without copying it
   * first (read the data into it, then write it), or null when there is none (yet). Valid until
   * the next writeThrough.
   */
  throughBuffer?(bytes: number): Uint8Array | null;
  /**
   * Optional hint: the caller will read [offset, offset + bytes) soon. A device may start reading
   * it in the background, so that a caller reading one block at a time still has several reads in
   * flight (a cold walk of a persistent table, whose areas lie a megabyte apart). Never throws;
   * changes nothing a read returns.
   */
  prefetch?(offset: number, bytes: number): void;
  /** Makes every completed write durable (fsync / BLKFLSBUF). */
  flush(): void;
  close(): void;
}

export const SECTOR_BYTES = 512;
