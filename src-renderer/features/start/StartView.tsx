import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../app/store-context.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { DeviceList } from './DeviceList.tsx';
import { HostDeviceLists } from './HostDeviceList.tsx';
import { OpenForm } from './OpenForm.tsx';
import { OpenProgress } from './OpenProgress.tsx';
import { PairList } from './PairList.tsx';
import { RecentList } from './RecentList.tsx';

export function StartView() {
  const { opening, error, note, hello } = useApp(useShallow((s) => ({ opening: s.opening, error: s.startError, note: s.startNote, hello: s.hello })));
  const openDemo = useApp((s) => s.openDemo);
  const navigate = useApp((s) => s.navigate);
  return (
    <div className="page">
      <section className="card hero" aria-labelledby="start-title">
        <div style={{ flex: 1 }}>
          <h1 id="start-title">Open a snapshot exception store</h1>
          <p>
            snapscope reads the COW device of a device-mapper snapshot — the shared store (many snapshots, one B-tree) or the kernel&apos;s persistent store — and shows how its
            chunks are used. Everything opens read-only until you ask to write.
          </p>
        </div>
        <div className="row">
          <button type="button" className="btn btn-primary" disabled={opening !== null} onClick={() => void openDemo()}>
            {opening?.label === 'the demo store' ? 'Opening demo…' : 'Open demo store'}
          </button>
          <button type="button" className="btn" onClick={() => navigate('teach')}>
            Teach
          </button>
        </div>
      </section>
      <OpenProgress />
      {error && <ErrorAlert error={error} title="Could not open the store" />}
      {note && (
        <div className="alert info" role="status">
          {note}
        </div>
      )}
      <div className="grid grid-2">
        <OpenForm />
        <RecentList />
      </div>
      <PairList />
      <DeviceList />
      <HostDeviceLists />
      {hello?.helper.note && <p className="muted">{hello.helper.note}</p>}
    </div>
  );
}
