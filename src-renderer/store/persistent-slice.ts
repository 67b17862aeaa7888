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
  /**
   * Rows fetched, by page: at most MAX_PAGES, those nearest the rows in view. After a change of
   * the store, the previous rows stay (`stalePages`) until their page is fetched again, so the
   * view does not flash "loading…"; a new query has none (its rows are others).
   */
  pages: ReadonlyMap<number, ExceptionRowDto[]>;
  stalePages: ReadonlyMap<number, ExceptionRowDto[]>;
  /** Bumped by a new sort or filter: the table goes back to its first row. */
  tableTop: number;
  matched: number;
  total: number;
  tableError: ViewError | null;
  /** Why the areas could not be read (the Areas card says it, and retries the areas). */
  areasError: ViewError | null;
  loadAreas(): Promise<void>;
  setQuery(patch: Partial<ExceptionQuery>): void;
  /** The table shows rows first..last: fetch the pages they need. */
  showRows(first: number, last: number): void;
  loadPage(page: number): Promise<void>;
  /** The table changed: refetch the pages in view (keeping the old rows meanwhile). */
  reloadTable(): Promise<void>;
}

export const PAGE_ROWS = 200;
/** Pages kept (40 × 200 rows): a bounded cache whatever the scrolling. */
export const MAX_PAGES = 40;

export const createPersistentSlice: SliceCreator<PersistentSlice> = (client) => (set, get) => {
  const inFlight = new Set<number>();
  let generation = 0;
  let visible = { first: 0, last: PAGE_ROWS - 1 };
  const pagesInView = (): number[] => {
    const out: number[] = [];
    for (let p = Math.floor(visible.first / PAGE_ROWS); p <= Math.floor(visible.last / PAGE_ROWS); p++) out.push(p);
    return out;
  };
  /** `pages` plus `page`, less the pages farthest from the view beyond MAX_PAGES. */
  const withPage = (pages: ReadonlyMap<number, ExceptionRowDto[]>, page: number, rows: ExceptionRowDto[]): Map<number, ExceptionRowDto[]> => {
    const next = new Map(pages).set(page, rows);
    if (next.size <= MAX_PAGES) return next;
    const centre = (visible.first + visible.last) / 2 / PAGE_ROWS;
    const far = [...next.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const p of far.slice(0, next.size - MAX_PAGES)) next.delete(p);
    return next;
  };
  const reload = async (keepRows: boolean): Promise<void> => {
    generation++;
    inFlight.clear();
    set((s) => ({ pages: new Map(), stalePages: keepRows ? (s.pages.size ? s.pages : s.stalePages) : new Map() }));
    await Promise.all(pagesInView().map((p) => get().loadPage(p)));
  };
  return {
    areas: null,
    query: { sort: 'entry', descending: false, originFrom: null, originTo: null },
    pages: new Map(),
    stalePages: new Map(),
    tableTop: 0,
    matched: 0,
    total: 0,
    tableError: null,
    areasError: null,

    async loadAreas() {
      const session = get().session?.session;
      if (!session) return;
      try {
        set({ areas: await client.areas({ session }), areasError: null });
      } catch (e) {
        set({ areasError: toViewError(e) });
      }
    },

    setQuery(patch) {
      // Other rows in another order: the view goes back to the first row, whose page loads now.
      visible = { first: 0, last: visible.last - visible.first };
      set((s) => ({ query: { ...s.query, ...patch }, tableTop: s.tableTop + 1 }));
      void reload(false);
    },

    showRows(first, last) {
      visible = { first, last };
      for (const p of pagesInView()) void get().loadPage(p);
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
        set((s) => {
          const stale = new Map(s.stalePages);
          stale.delete(page);
          return { pages: withPage(s.pages, page, r.rows), stalePages: stale, matched: r.matched, total: r.total, tableError: null };
        });
      } catch (e) {
        if (gen === generation) set({ tableError: toViewError(e) });
      } finally {
        if (gen === generation) inFlight.delete(page);
      }
    },

    reloadTable: () => reload(true),
  };
};
