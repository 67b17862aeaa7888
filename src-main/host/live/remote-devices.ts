import type { BlockDeviceDto, DetectedFormat } from '../../../src-core/api/dto.ts';
import { SNAP_MAGIC as PERSISTENT_MAGIC } from '../../../src-core/persistent/format.ts';
import { SHARED_MAGIC } from '../../../src-core/shared/format/header.ts';
import type { BlockReportEntry } from '../../helper/block-report.mjs';
import { HelperDevice, type HelperLauncher } from '../helper-device.ts';

/**
 * The block devices of another machine, from its helper (LIST_BLOCK), in the shape of the local
 * list: one connection per listing, closed at once, so a host that went away costs one ssh timeout.
 */
export function listRemoteDevices(launcher: HelperLauncher, host: string): BlockDeviceDto[] {
  const link = HelperDevice.connect(launcher, host);
  try {
    return link.listBlock([SHARED_MAGIC, PERSISTENT_MAGIC]).map((d) => toDto(d, host));
  } finally {
    link.close();
  }
}

function toDto(d: BlockReportEntry, host: string): BlockDeviceDto {
  const inUse = [...(d.mounted ? ['mounted'] : []), ...(d.holders.length ? [`held by ${d.holders.join(', ')}`] : [])].join('; ');
  return {
    name: d.name,
    path: `/dev/${d.name}`,
    type: d.type,
    sizeBytes: d.sizeBytes,
    model: d.model,
    holders: d.holders,
    inUse: inUse || null,
    readOnly: d.readOnly,
    dmName: d.dmName,
    backingFile: d.backingFile,
    // Readable through that host's helper, which is the only way snapscope reaches it.
    readable: d.magic !== null,
    format: formatOf(d.magic),
    host,
  };
}

function formatOf(magic: number | null): DetectedFormat {
  if (magic === null) return 'unreadable';
  return magic === SHARED_MAGIC ? 'shared' : magic === PERSISTENT_MAGIC ? 'persistent' : 'unknown';
}
