import type { Command } from '../command.ts';
import { backupRestore } from './backup-restore.ts';
import { check } from './check.ts';
import { dump } from './dump.ts';
import { repair } from './repair.ts';
import { restore } from './restore.ts';
import { stats } from './stats.ts';
import { format } from './format.ts';
import { demo } from './demo.ts';
import { info } from './info.ts';
import { merge } from './merge.ts';
import { read } from './read.ts';
import { replay } from './replay.ts';
import { serve } from './serve.ts';
import { snapshotCreate } from './snapshot-create.ts';
import { snapshotDelete } from './snapshot-delete.ts';
import { snapshotList } from './snapshot-list.ts';
import { snapshotRename } from './snapshot-rename.ts';
import { tree } from './tree.ts';
import { watch } from './watch.ts';
import { write } from './write.ts';

/** Every command, in help order. A new command is one file in this folder and one line here. */
export const commands: readonly Command[] = [format, info, snapshotList, snapshotCreate, snapshotDelete, snapshotRename, tree, write, read, replay, merge, demo, serve, check, repair, dump, restore, backupRestore, stats, watch];
