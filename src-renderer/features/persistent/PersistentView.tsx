import { useApp } from '../../app/store-context.tsx';
import { Card } from '../../ui/Card.tsx';
import { ChunkLegend } from '../../ui/Legend.tsx';
import { OccupancyMap } from '../occupancy/OccupancyMap.tsx';
import { AreaMap } from './AreaMap.tsx';
import { ExceptionTable } from './ExceptionTable.tsx';

export function PersistentView() {
  const snapshots = useApp((s) => s.info?.snapshots);
  const openChunk = useApp((s) => s.openChunk);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Exception table</h1>
        <p>The kernel&apos;s persistent store: metadata areas, each followed by the data chunks its exceptions point to.</p>
      </div>
      <Card title="Areas" labelledBy="areas-title" actions={<ChunkLegend format="persistent" snapshots={snapshots ?? []} />}>
        <AreaMap />
      </Card>
      <div className="grid grid-2">
        <Card title="Exceptions" labelledBy="exc-title">
          <ExceptionTable />
        </Card>
        <Card title="Occupancy" labelledBy="pocc-title">
          <OccupancyMap height={420} onPick={(chunk) => void openChunk(chunk)} />
        </Card>
      </div>
    </div>
  );
}
