/** "node" for 1, "nodes" for the rest; irregular nouns give their plural ("leaf", "leaves"). */
export function noun(n: number, singular: string, pluralForm = `${singular}s`): string {
  return n === 1 ? singular : pluralForm;
}

/** "1 node", "3 nodes", "1 leaf", "2 leaves": a count with its noun. */
export function plural(n: number, singular: string, pluralForm?: string): string {
  return `${n} ${noun(n, singular, pluralForm)}`;
}
