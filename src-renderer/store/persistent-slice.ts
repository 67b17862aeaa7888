import type { ExceptionRowDto, ExceptionSort, PersistentAreaDto } from '../../src-core/api/contract.ts';
import { toViewError, type ViewError } from './errors.ts';
import type { SliceCreator } from './types.ts';

export interface ExceptionQuery {
  sort: ExceptionSort;
  descending: boolean;
  originFrom: number | null;
  originTo: number | null;
}

export interface PersistentSlice {
  areas: { exceptionsPerArea: number; areas: PersistentAreaDto[] } | null;
  query: ExceptionQuery;
  /** Rows fetched so far, by page; the virtualized table asks for the pages it shows. */
  pages: ReadonlyMap<number, ExceptionRowDto[]>;
  matched: number;
  total: number;
  tableError: ViewError | null;
  loadAreas(): Promise<void>;
  setQuery(patch: Partial<ExceptionQuery>): void;
  loadPage(page: number): Promise<void>;
  /** Drops cached pages (the table changed) and refetches the first. */
  reloadTable(): Promise<void>;
}

export const PAGE_ROWS = 200;

export const createPersistentSlice: SliceCreator<PersistentSlice> = (client) => (set, get) => {
  const inFlight = new Set<number>();
  let generation = 0;
  return {
    areas: null,
    query: { sort: 'entry', descending: false, originFrom: null, originTo: null },
    pages: new Map(),
    matched: 0,
    total: 0,
    tableError: null,

    async loadAreas() {
      const session = get().session?.session;
      if (!session) return;
      try {
        set({ areas: await client.areas({ session }) });
      } catch (e) {
        set({ tableError: toViewError(e) });
      }
    },

    setQuery(patch) {
      set((s) => ({ query: { ...s.query, ...patch } }));
      void get().reloadTable();
    },

    async loadPage(page) {
      const session = get().session?.session;
      if (!session || inFlight.has(page) || get().pages.has(page)) return;
      const { sort, descending, originFrom, originTo } = get().query;
      const gen = generation;
      inFlight.add(page);
      try {
        const r = await client.exceptionTable({
          session,
          offset: page * PAGE_ROWS,
          limit: PAGE_ROWS,
          sort,
          descending,
          ...(originFrom !== null ? { originFrom } : {}),
          ...(originTo !== null ? { originTo } : {}),
        });
        if (gen !== generation) return;
        set((s) => ({ pages: new Map(s.pages).set(page, r.rows), matched: r.matched, total: r.total, tableError: null }));
      } catch (e) {
        set({ tableError: toViewError(e) });
      } finally {
        inFlight.delete(page);
      }
    },

    async reloadTable() {
      generation++;
      inFlight.clear();
      set({ pages: new Map() });
      await get().loadPage(0);
    },
  };
};
