import { Card } from '../../ui/Card.tsx';
import { RoleLegend } from '../../ui/Legend.tsx';
import { PERSISTENT_ROLES } from '../../viz/colors.ts';
import { OccupancyMap } from '../occupancy/OccupancyMap.tsx';
import { AreaMap } from './AreaMap.tsx';
import { ExceptionTable } from './ExceptionTable.tsx';

export function PersistentView() {
  return (
    <div className="page">
      <div className="page-head">
        <h1>Exception table</h1>
        <p>The kernel&apos;s persistent store: metadata areas, each followed by the data chunks its exceptions point to.</p>
      </div>
      <Card title="Areas" labelledBy="areas-title" actions={<RoleLegend roles={PERSISTENT_ROLES} />}>
        <AreaMap />
      </Card>
      <div className="grid grid-2">
        <Card title="Exceptions" labelledBy="exc-title">
          <ExceptionTable />
        </Card>
        <Card title="Occupancy" labelledBy="pocc-title">
          <OccupancyMap height={420} />
        </Card>
      </div>
    </div>
  );
}
