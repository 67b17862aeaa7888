/**
 * Lesson data is a short ASCII tag at the start of a chunk ("5:v1": origin chunk 5, version 1;
 * "5:s2": written through snapshot 2), so a copy shows which data it preserved. Chunks without a
 * tag (an opened store's) read as ''.
 */
import type { BlockDevice } from '../io/block-device.ts';

const MAX_TAG = 16;

export function originTag(chunk: number, version: number): string {
  return `${chunk}:v${version}`;
}

export function snapshotTag(chunk: number, slot: number): string {
  return `${chunk}:s${slot}`;
}

/** The tag as chunk data: the text, NUL-terminated. */
export function tagBytes(tag: string): Uint8Array {
  const out = new Uint8Array(tag.length + 1);
  for (let i = 0; i < tag.length; i++) out[i] = tag.charCodeAt(i) & 0x7f;
  return out;
}

/** The tag at `offset`, or '' when the bytes there are not one. */
export function readTag(dev: BlockDevice, offset: number, scratch: Uint8Array): string {
  const buf = scratch.subarray(0, Math.min(MAX_TAG + 1, dev.size - offset));
  dev.read(offset, buf);
  const end = buf.indexOf(0);
  if (end <= 0) return '';
  const text = String.fromCharCode(...buf.subarray(0, end));
  return /^\d+:[vs]\d+$/.test(text) ? text : '';
}
