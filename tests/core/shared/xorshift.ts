/** xorshift32: the deterministic random sequence the same-bytes, delete-events and probe-reuse workloads are recorded with. */
export function xorshift(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}
