#!/usr/bin/env python3
"""The walker's mutation exercise (docs/check.md § Every rule is tested): deletes one validation
rule of the walker at a time and runs the walker's tests; a rule whose deletion leaves them green
is untested. Prints a markdown table. Run from the repository root: python3 scripts/walker-mutations.py
(about 10 s per rule; restores every file, also when interrupted). Arguments: only the rules
whose names contain one of them."""
import os, subprocess, sys

T = 'src-core/walk/shared-tree.ts'
S = 'src-core/walk/shared.ts'
P = 'src-core/walk/persistent.ts'
TESTS = ['tests/core/check/shared-check.test.ts', 'tests/core/check/persistent-check.test.ts', 'tests/core/check/repair.test.ts',
         'tests/core/check/repair-views.test.ts', 'tests/core/shared/corrupt.test.ts', 'tests/core/shared/seedref.test.ts', 'tests/core/walk',
         'tests/core/persistent/corrupt.test.ts', 'tests/core/crash/narrowing.test.ts']

# (rule, file, text, replacement): each replacement makes one rule never fire.
RULES = [
    ('s-chunk-out-of-range (tree pointer)', T, "if (!(f.chunk < this.g.chunkCount)) [kind", "if (false) [kind"),
    ('s-chunk-reserved (tree pointer)', T, "else if (f.chunk < this.g.firstFree) [kind", "else if (false) [kind"),
    ('s-chunk-duplicate (tree pointer)', T, "else if (this.refs.testAndSet(f.chunk)) [kind", "else if ((this.refs.testAndSet(f.chunk), false)) [kind"),
    ('s-node-count', T, "if (count < 1 || count > n.capacity) {", "if (false) {"),
    ('s-node-key-order', T, "if (last >= 0 && k <= last) this.add(", "if (false) this.add("),
    ('s-node-key-range', T, "else if (!inRange(k, f.lo, f.hi)) this.add(", "else if (false) this.add("),
    ('s-leaf-magic', T, "if (magic !== LEAF_MAGIC) return", "if (false) return"),
    ('s-leaf-version', T, "if (version !== LEAF_VERSION) return", "if (false) return"),
    ('s-leaf-count', T, "if (count > max) return", "if (false) return"),
    ('s-leaf-map-offset (sentinel)', T, "if (sentinel !== size) {", "if (false) {"),
    ('s-leaf-map-overlap', T, "if (off < mapEnd) {", "if (false) {"),
    ('s-leaf-map-offset (order, alignment)', T, "if (off >= next || (size - off) % EXCEPTION_BYTES !== 0) {", "if (false) {"),
    ('s-leaf-key-order', T, "if (prev >= 0 && origin <= prev) {", "if (false) {"),
    ('s-leaf-key-range', T, "if (!inRange(origin, lo, f.hi)) {", "if (false) {"),
    ('s-leaf-key-range (origin at or above 2^32)', T, "return k >= lo && k < hi && k < MAX_ORIGIN_CHUNKS;", "return k >= lo && k < hi;"),
    ('s-leaf-using-mask', T, "if ((uLo !== 0 || uHi !== 0) && (uLo !== unionLo", "if (false && (uLo !== unionLo"),
    ('using_mask 0 accepted (seed stores)', T, "if ((uLo !== 0 || uHi !== 0) && (uLo !== unionLo", "if ((uLo !== unionLo"),
    ('s-share-zero', T, "      if (lo === 0 && hi === 0) {\n        this.add('s-share-zero'", "      if (false) {\n        this.add('s-share-zero'"),
    ('s-share-outside-snapmask', T, "if ((lo & ~g.snapLo) !== 0 || (hi & ~g.snapHi) !== 0) {", "if (false) {"),
    ('s-share-overlap', T, "if ((lo & takenLo) !== 0 || (hi & takenHi) !== 0) {", "if (false) {"),
    ('s-chunk-out-of-range (exception)', T, "if (!(chunk < g.chunkCount)) kind = ", "if (false) kind = "),
    ('s-chunk-reserved (exception)', T, "else if (chunk < g.firstFree) kind = ", "else if (false) kind = "),
    ('s-chunk-duplicate (exception)', T, "else if (this.refs.testAndSet(chunk)) kind = ", "else if ((this.refs.testAndSet(chunk), false)) kind = "),
    ('s-merge-below-cursor', T, "if (this.merge && origin < this.merge.cursor", "if (false && this.merge && origin < this.merge.cursor"),
    ('s-header-invalid', S, "if (!h.valid) this.log.add(", "if (false) this.log.add("),
    ('s-header-version', S, "if (h.version !== SHARED_VERSION) this.log.add(", "if (false) this.log.add("),
    ('s-header-checksum', S, "if (!h.checksumOk) this.log.add(", "if (false) this.log.add("),
    ('s-header-merge', S, "if (live && h.mergeCursor <= MAX_ORIGIN_CHUNKS) this.merge", "if (true) this.merge"),
    ('s-header-chunk-size (codec limits)', S, "    if (sizeProblem) {", "    if (false) {"),
    ('s-header-chunk-count', S, "if (h.extension && h.chunkCount > deviceChunks) {", "if (false) {"),
    ('s-header-chunk-size (room for a tree)', S, "if (chunkCount < firstFree + 2) {", "if (false) {"),
    ('s-header-levels', S, "if (h.treeLevel < 1 || h.treeLevel > MAX_LEVELS) {", "if (false) {"),
    ('label pointer checks', S, "if (bad === 's-chunk-out-of-range' || bad === 's-chunk-reserved' || bad === 's-chunk-duplicate') {", "if (false) {"),
    ('s-label-corrupt (decode)', S, "      if (isSnapscopeError(e)) this.log.add('s-label-corrupt'", "      if (false) this.log.add('s-label-corrupt'"),
    ('s-label-duplicate', S, "if (this.labels.some((l) => l.slot === label.slot)) {", "if (false) {"),
    ('s-label-orphan', S, "if (((h.snapmask >> BigInt(label.slot)) & 1n) === 0n) {", "if (false) {"),
    ('s-label-missing', S, "        this.log.add('s-label-missing'", "        if (false) this.log.add('s-label-missing'"),
    ('s-bitmap-free', S, "if (used && !marked) this.log.add(", "if (false) this.log.add("),
    ('s-bitmap-leak', S, "if (marked && !used) {", "if (false) {"),
    ('s-bitmap-past-end', S, "if (pastEnd >= 0) this.log.add(", "if (false) this.log.add("),
    ('p-header-invalid', P, "if (h.valid === 0) this.log.add(", "if (false) this.log.add("),
    ('p-header-version', P, "if (h.version !== SNAPSHOT_DISK_VERSION) this.log.add(", "if (false) this.log.add("),
    ('p-header-chunk-size (kernel limits)', P, "chunkSizeProblem(h.chunkSectors) ??", "null ??"),
    ('p-header-chunk-size (room for area 0)', P, "(2 * chunkBytes > cow.size ?", "(false ?"),
    ('p-area-past-device', P, "if (chunk >= this.chunkCount) {\n      const why", "if (false) {\n      const why"),
    ('p-origin-invalid (inline test)', P, "!fast || oldHi >= 0x20_0000 || newChunk", "!fast || newChunk"),
    ('p-origin-invalid (named)', P, "if (old < 0) this.log.add(", "if (false) this.log.add("),
    ('p-chunk-out-of-range (inline test)', P, "|| newChunk >= chunkCount ||", "||"),
    ('p-chunk-out-of-range (named)', P, "if (newChunk >= this.chunkCount) {", "if (false) {"),
    ('p-chunk-metadata (areas marked used)', P, "c += this.geo.stride, this.metadataMarks++) this.used.set(c);", "c += this.geo.stride, this.metadataMarks++) void c;"),
    ('p-chunk-metadata (named)', P, "if (geo.isMetadataChunk(newChunk)) {", "if (false) {"),
    ('p-chunk-duplicate (inline test)', P, " || (words[word]! & bit) !== 0) {", ") {"),
    ('p-chunk-duplicate (named)', P, "if (this.used.testAndSet(newChunk)) {", "if ((this.used.testAndSet(newChunk), false)) {"),
    ('p-origin-duplicate', P, "this.log.add('p-origin-duplicate'", "if (false) this.log.add('p-origin-duplicate'"),
    ('p-origin-duplicate (seen in the table pass)', P, "if ((x & sb) !== 0) this.repeats.push(n);", "if ((x & sb) !== 0) void n;"),
    ('p-origin-duplicate (values past the bitmap)', P, "if (this.seenOverflow) forEachRepeat(olds, visit);", "if (false) forEachRepeat(olds, visit);"),
    ('p-entry-after-end', P, "if (isZeroEntry(v, at)) continue;\n      const what", "if (true) continue;\n      const what"),
    ('p-usage-leak', P, "if (c < nextFree && !this.used.has(c)) {", "if (false) {"),
    ('p-usage-leak (count shortcut)', P, "if (this.used.count() - this.metadataMarks ===", "if (true || this.used.count() - this.metadataMarks ==="),
]

def main():
    only = sys.argv[1:]
    rows = []
    for rule, path, old, new in [r for r in RULES if not only or any(o in r[0] for o in only)]:
        src = open(path).read()
        if src.count(old) != 1:
            rows.append((rule, 'NOT FOUND'))
            continue
        try:
            open(path, 'w').write(src.replace(old, new))
            r = subprocess.run(['npx', 'vitest', 'run', '--bail=1', *TESTS], capture_output=True, text=True, env={**os.environ, 'NO_COLOR': '1', 'FORCE_COLOR': '0'})
            failed = [l.split('FAIL', 1)[1].strip() for l in (r.stdout + r.stderr).splitlines() if 'FAIL' in l and '>' in l]
            rows.append((rule, ('fails: ' + (failed[0][:110] if failed else 'a test file') if r.returncode else 'ALL GREEN (untested)')))
        finally:
            open(path, 'w').write(src)
        print(rows[-1], file=sys.stderr, flush=True)
    print('| rule deleted | result |\n|---|---|')
    for rule, res in rows:
        print(f'| {rule} | {res} |')

main()
