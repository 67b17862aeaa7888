/** The renderer programs against the contract's EngineClient; transports only differ in how calls travel. */
export type { EngineClient, Transport } from '../../src-core/api/contract.ts';
