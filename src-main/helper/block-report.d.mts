export interface BlockReportEntry {
  name: string;
  type: string;
  sizeBytes: number;
  model: string | null;
  holders: string[];
  readOnly: boolean;
  dmName: string | null;
  backingFile: string | null;
  /** Mounted or active swap on the reporting machine. */
  mounted: boolean;
  /** The le32 at offset 0 when it is one of the known magics, else 0; -1 when the device is shorter, null when it is in use or cannot be read. */
  magic: number | null;
}
export declare function blockReport(known: readonly number[]): BlockReportEntry[];
