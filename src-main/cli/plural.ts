/** "1 node", "3 nodes": a count with its noun (nouns that take -s). */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
