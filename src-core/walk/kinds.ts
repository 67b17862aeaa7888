import type { StoreFormat } from '../store.ts';

export type Severity = 'error' | 'warning';

interface KindSpec {
  format: StoreFormat;
  severity: Severity;
  /** One line for docs/check.md and `check --help`. */
  summary: string;
}

/**
 * Every problem `check` can report, one stable kind name per problem. docs/check.md carries the
 * same table (a test keeps them equal); scripts match on these names, so never rename one.
 */
export const FINDING_KINDS = {
  // persistent store (docs/format-persistent.md)
  'p-header-invalid': { format: 'persistent', severity: 'warning', summary: 'the kernel invalidated the snapshot (valid = 0): it overflowed or failed' },
  'p-header-version': { format: 'persistent', severity: 'error', summary: 'unknown header version' },
  'p-header-chunk-size': { format: 'persistent', severity: 'error', summary: 'chunk size is not a power of two of at least one sector within the kernel limit, or leaves no room for metadata area 0; nothing else can be checked' },
  'p-area-past-device': { format: 'persistent', severity: 'error', summary: 'a full area says the table goes on, but the next area lies past the end of the device' },
  'p-chunk-out-of-range': { format: 'persistent', severity: 'error', summary: "an exception's new_chunk is past the end of the device" },
  'p-chunk-metadata': { format: 'persistent', severity: 'error', summary: "an exception's new_chunk is the header or a metadata area" },
  'p-origin-invalid': { format: 'persistent', severity: 'error', summary: "an exception's old_chunk is at or above 2^53: not a chunk number" },
  'p-chunk-duplicate': { format: 'persistent', severity: 'error', summary: 'two exceptions use the same new_chunk' },
  'p-origin-duplicate': { format: 'persistent', severity: 'error', summary: 'two exceptions remap the same old_chunk' },
  'p-entry-after-end': { format: 'persistent', severity: 'error', summary: 'a non-zero entry after the end of the table in the last area (the kernel ignores it: a lost exception?)' },
  'p-usage-leak': { format: 'persistent', severity: 'warning', summary: 'data chunks below the next free chunk that no exception uses (counted as allocated by the kernel)' },
  // shared store (docs/format-shared.md)
  's-header-corrupt': { format: 'shared', severity: 'error', summary: 'a header field cannot be decoded (a le64 above 2^53); nothing else can be checked' },
  's-header-invalid': { format: 'shared', severity: 'warning', summary: 'the store is marked invalid (valid = 0)' },
  's-header-version': { format: 'shared', severity: 'error', summary: 'unknown header version' },
  's-header-checksum': { format: 'shared', severity: 'error', summary: "the snapscope header extension's CRC does not match" },
  's-header-chunk-size': { format: 'shared', severity: 'error', summary: 'chunk size is not a power of two from 512 bytes to 1 MiB (what the engine opens), or the device cannot hold header, bitmap and a tree; nothing else can be checked' },
  's-header-chunk-count': { format: 'shared', severity: 'error', summary: "the header's chunk_count is larger than the device (truncated?; the device size is used instead), or the store has 2^32 chunks or more (chunk numbers are 32-bit in memory; nothing else can be checked)" },
  's-merge-below-cursor': { format: 'shared', severity: 'error', summary: 'the merging snapshot still has an exception below merge_cursor, where every origin chunk should be merged (repair lowers the cursor so merge redoes it)' },
  's-delete-in-progress': { format: 'shared', severity: 'warning', summary: 'a snapshot delete was committed part-way (ext_flags): the snapshot holds incomplete data until `snapshot delete` finishes it; the engine refuses to read, write or merge it' },
  's-header-merge': { format: 'shared', severity: 'error', summary: 'the merge record names a slot that holds no snapshot, or a merge_cursor past 2^32 (the engine refuses to open the store)' },
  's-header-levels': { format: 'shared', severity: 'error', summary: 'tree_level is outside 1..16; the tree cannot be walked' },
  's-chunk-out-of-range': { format: 'shared', severity: 'error', summary: 'a reference (root, child, label or exception chunk) points past the end of the device' },
  's-chunk-reserved': { format: 'shared', severity: 'error', summary: 'a reference points into the header or bitmap chunks' },
  's-chunk-duplicate': { format: 'shared', severity: 'error', summary: 'a chunk is referenced twice (a cycle, a shared block, or two exceptions on one chunk)' },
  's-node-count': { format: 'shared', severity: 'error', summary: "a node's count is 0 or above its capacity" },
  's-node-key-order': { format: 'shared', severity: 'error', summary: "a node's keys are not strictly ascending" },
  's-node-key-range': { format: 'shared', severity: 'error', summary: "a node key lies outside the key range its parent gives the node" },
  's-leaf-magic': { format: 'shared', severity: 'error', summary: 'a leaf does not carry the magic 0x1eaf' },
  's-leaf-version': { format: 'shared', severity: 'error', summary: 'unknown leaf version' },
  's-leaf-count': { format: 'shared', severity: 'error', summary: "a leaf's count cannot fit the chunk" },
  's-leaf-map-offset': { format: 'shared', severity: 'error', summary: 'map offsets are not ascending in 16-byte steps inside the chunk, or the sentinel is not the chunk size' },
  's-leaf-map-overlap': { format: 'shared', severity: 'error', summary: 'the exception lists overlap the map' },
  's-leaf-key-order': { format: 'shared', severity: 'error', summary: "a leaf's origin chunks are not strictly ascending" },
  's-leaf-key-range': { format: 'shared', severity: 'error', summary: 'a leaf holds an origin chunk outside the key range its parent gives it, at or below one an earlier leaf holds, or at or above 2^32' },
  's-leaf-using-mask': { format: 'shared', severity: 'error', summary: "a leaf's using_mask is neither 0 nor the union of its share masks" },
  's-share-zero': { format: 'shared', severity: 'error', summary: 'an exception with an empty share mask' },
  's-share-outside-snapmask': { format: 'shared', severity: 'error', summary: 'a share mask names snapshots that are not in the snapmask' },
  's-share-overlap': { format: 'shared', severity: 'error', summary: 'two exceptions of one origin chunk share a snapshot' },
  's-bitmap-free': { format: 'shared', severity: 'error', summary: 'a chunk in use (header, bitmap, label, tree block or exception) is free in the bitmap' },
  's-bitmap-leak': { format: 'shared', severity: 'warning', summary: 'chunks marked used in the bitmap that nothing references (one finding per run)' },
  's-bitmap-past-end': { format: 'shared', severity: 'warning', summary: 'bits for chunks past the end of the device are free (the seed leaves them so; open sets them in memory and the next write of that bitmap chunk on disk)' },
  's-label-corrupt': { format: 'shared', severity: 'error', summary: 'a label block cannot be decoded' },
  's-label-duplicate': { format: 'shared', severity: 'error', summary: 'two labels for one snapshot slot' },
  's-label-orphan': { format: 'shared', severity: 'warning', summary: 'a label for a slot that is not in the snapmask' },
  's-label-missing': { format: 'shared', severity: 'warning', summary: 'a snapshot in the snapmask has no label' },
} as const satisfies Record<string, KindSpec>;

export type FindingKind = keyof typeof FINDING_KINDS;

export function severityOf(kind: FindingKind): Severity {
  return FINDING_KINDS[kind].severity;
}
