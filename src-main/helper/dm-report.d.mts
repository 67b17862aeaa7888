export interface DmReport {
  table: string;
  status: string;
  lvs: string | null;
  /** "major:minor" → device node on the reporting machine. */
  devices: Record<string, string>;
  /** Why there is no dm list (the devices are listed anyway). */
  dmError: { code: 'ENOENT' | 'ENODEV' | 'EACCES' | 'EIO'; message: string } | null;
}
export declare const LVS_ARGS: string[];
export declare function dmReport(): DmReport;
