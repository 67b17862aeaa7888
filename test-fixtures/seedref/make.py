#!/usr/bin/env python3
"""Writes the seed-written fixtures: a script per store, run through the seed's own code (seedref).

Run from this directory with SEEDREF pointing at a built seedref (see /work/shared/tools/seedref,
`make` there or in a copy):  SEEDREF=/path/to/seedref python3 make.py
For each NAME it writes NAME.script (the operations), NAME.out (seedref's output: `map` lines are
what each snapshot reads), NAME.img.gz (the store); a script or output over 100 kB is gzipped. 512-byte chunks (CHUNK_SECTORS 1).
"""
import gzip, os, random, subprocess

SEEDREF = os.environ.get('SEEDREF', 'seedref')

def text(path, s):
    """Plain text, or gzipped (PATH.gz) when large."""
    if len(s) < 100_000:
        open(path, 'w').write(s)
    else:
        with open(path + '.gz', 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0) as g:
            g.write(s.encode())

def store(name, chunks, snaps, writes, snap_writes=0, delete=None, seed=1, span=None):
    rnd = random.Random(seed)
    span = span or writes
    ops = [f'format {chunks}']
    for s in range(snaps):
        ops.append(f'snap-create {s}')
        for _ in range(writes // snaps):
            ops.append(f'origin-write {rnd.randrange(span)}')
        for _ in range(snap_writes):
            ops.append(f'snap-write {s} {rnd.randrange(span)}')
        ops.append('commit')
    if delete is not None:
        ops += [f'snap-delete {delete}', 'commit']
    live = [s for s in range(snaps) if s != delete]
    ops.append('check')
    for c in range(0, span, max(1, span // 400)):
        for s in live:
            ops.append(f'map {s} {c}')
    ops.append('close')
    script = '\n'.join(ops) + '\n'
    text(f'{name}.script', script)
    img = f'/tmp/seedref-{name}.img'
    out = subprocess.run([SEEDREF, '-q', img, '1'], input=script, capture_output=True, text=True, check=True).stdout
    text(f'{name}.out', out)
    with open(img, 'rb') as f, open(f'{name}.img.gz', 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0) as g:
        g.write(f.read())
    os.unlink(img)

store('one-level', 1024, 2, 60, snap_writes=5)
store('two-levels', 4096, 3, 1500, snap_writes=20, span=1200)
store('three-levels', 32768, 2, 24000, span=20000)
store('after-delete', 4096, 3, 900, snap_writes=10, delete=1, span=700)
