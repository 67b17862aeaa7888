import { Modal } from '../ui/Modal.tsx';
import { useApp } from './store-context.tsx';

/** Help › About: which snapscope this is, and where it keeps its data. */
export function AboutDialog() {
  const open = useApp((s) => s.aboutOpen);
  const hello = useApp((s) => s.hello);
  const close = useApp((s) => s.setAboutOpen);
  if (!open) return null;
  return (
    <Modal
      title="About snapscope"
      onClose={() => close(false)}
      footer={
        <button type="button" className="btn btn-primary" onClick={() => close(false)}>
          Close
        </button>
      }
    >
      <p style={{ margin: 0 }}>Inspect and manage device-mapper snapshot exception stores: the shared store and the kernel&apos;s persistent store.</p>
      <dl className="about">
        <dt>Version</dt>
        <dd>{hello?.version ?? '—'}</dd>
        <dt>Running as</dt>
        <dd>{hello ? { electron: 'desktop app', serve: 'snapscope serve (browser)', local: 'in-process' }[hello.mode] : '—'}</dd>
        <dt>Data directory</dt>
        <dd className="mono">{hello?.dataDir ?? '—'}</dd>
        <dt>Privileged helper</dt>
        <dd>{hello?.helper.method ?? hello?.helper.note ?? '—'}</dd>
      </dl>
    </Modal>
  );
}
