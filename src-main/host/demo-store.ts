import { ApiError } from '../../src-core/api/errors.ts';

/** The deterministic demo store (src-core/demo.ts) in `dir`, created when missing. */
export function createDemoStore(dir: string): { dir: string; origin: string; cow: string; created: boolean } {
  throw new ApiError('unsupported', `the demo builder is not available in this build yet (would create it in ${dir})`);
}
