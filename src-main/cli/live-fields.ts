import { snapPercent } from '../../src-core/live/dm-target.ts';
import { HelperDevice } from '../host/helper-device.ts';
import { discoverSnapshots, localReport, type LiveTarget } from '../host/live/discover.ts';
import { sshLauncher } from '../host/live/remote.ts';
import type { Field } from './report.ts';

/** `ls --live`: one line per dm snapshot target as the kernel reports it now (ADR 0008). */
export const LIVE_FIELDS: Field<LiveTarget>[] = [
  { name: 'name', heading: 'Name', kind: 'text', help: 'dm device name', get: (t) => t.name },
  { name: 'lv', heading: 'LV', kind: 'text', help: 'LVM vg/lv, when LVM made it', get: (t) => (t.lvm ? `${t.lvm.vg}/${t.lvm.lv}` : null) },
  { name: 'attr', heading: 'Attr', kind: 'text', help: "LVM's lv_attr", get: (t) => t.lvm?.attr ?? null },
  { name: 'target', heading: 'Target', kind: 'text', help: 'snapshot, snapshot-merge or snapshot-origin', get: (t) => t.table.kind },
  { name: 'state', heading: 'State', kind: 'text', help: "the kernel's word: active, Invalid, Overflow, Merge failed", get: (t) => t.status?.state ?? null },
  { name: 'percent', heading: 'Snap%', kind: 'percent', help: 'allocated / total, as lvs computes it', get: (t) => (t.status?.usage ? snapPercent(t.status.usage) : null) },
  { name: 'allocated', heading: 'Alloc', kind: 'size', help: 'COW bytes in use (data + metadata)', get: (t) => (t.status?.usage ? t.status.usage.allocated * 512 : null) },
  { name: 'cowSize', heading: 'CowSize', kind: 'size', help: 'size of the COW', get: (t) => (t.status?.usage ? t.status.usage.total * 512 : null) },
  { name: 'metadata', heading: 'Meta', kind: 'size', help: 'COW bytes of metadata', get: (t) => (t.status?.usage ? t.status.usage.metadata * 512 : null) },
  { name: 'chunk', heading: 'Chunk', kind: 'size', help: 'chunk size', get: (t) => (t.table.chunkSectors ? t.table.chunkSectors * 512 : null) },
  { name: 'store', heading: 'Store', kind: 'text', help: 'P, PO (persistent) or N (transient)', get: (t) => t.table.store ?? null },
  { name: 'cow', heading: 'COW', kind: 'text', help: 'the COW device', get: (t) => t.cowPath },
  { name: 'origin', heading: 'Origin', kind: 'text', help: 'the origin device', get: (t) => t.originPath },
];

export const DEFAULT_LIVE_FIELDS = ['name', 'lv', 'target', 'state', 'percent', 'allocated', 'cowSize', 'cow', 'origin'];

/** The dm snapshot targets of this machine (root), or of `host` through ssh and its helper. */
export async function liveTargets(host: string | undefined): Promise<LiveTarget[]> {
  if (!host) return discoverSnapshots(localReport);
  const link = HelperDevice.connect(sshLauncher(host), host);
  try {
    return await discoverSnapshots(async () => link.listDm(), host);
  } finally {
    link.close();
  }
}
