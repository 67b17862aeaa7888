import type { StructuralEventDto } from '../../src-core/api/dto.ts';
import { maskToHex } from '../../src-core/api/mask.ts';
import type { StructuralEvent } from '../../src-core/events.ts';

/** A structural event with its bigint masks as hex strings. */
export function structuralToDto(e: StructuralEvent): StructuralEventDto {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) out[k] = typeof v === 'bigint' ? maskToHex(v) : v;
  return out as StructuralEventDto;
}
