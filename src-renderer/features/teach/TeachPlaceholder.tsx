import { Card } from '../../ui/Card.tsx';

/** The route the teaching mode (issue 8) fills; until then it says what is coming. */
export function TeachPlaceholder() {
  return (
    <div className="page">
      <div className="page-head">
        <h1>Teach</h1>
        <p>Learn how the shared B-tree works, one step at a time.</p>
      </div>
      <Card>
        <p className="empty">Guided lessons are not available in this build yet.</p>
      </Card>
    </div>
  );
}
