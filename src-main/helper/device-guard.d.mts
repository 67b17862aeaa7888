export declare const O_PATH: number;
export declare const POLICY_FILE: string;
export declare class Refused extends Error {
  code: string;
}
export declare function loadPolicy(file?: string): { allowMounted: boolean };
export declare function lockForReading(fd: number): import('./write-lock.mjs').LockResult;
