// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { lessonById, TeachSession } from '../../src-core/teach/index.ts';
import { TeachEngineContext } from '../../src-renderer/features/teach/engine/engine-context.ts';
import { readText } from '../../src-renderer/features/teach/file-io.ts';
import { inProcessTeachEngine } from '../../src-renderer/features/teach/worker/in-process.ts';
import { appOverEngine, tempDir } from './fixtures.ts';

// jsdom lacks these platform pieces; the view uses them only to save a file.
const saved: Blob[] = [];
beforeAll(() => {
  URL.createObjectURL = ((blob: Blob) => (saved.push(blob), 'blob:lesson')) as typeof URL.createObjectURL;
  URL.revokeObjectURL = () => {};
  HTMLAnchorElement.prototype.click = function click() {};
  HTMLCanvasElement.prototype.getContext = (() => null) as never;
});

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

async function openTeach() {
  const app = appOverEngine(tempDir());
  service = app.service;
  window.history.replaceState(null, '', '#/start');
  // jsdom has no Worker: the same teach server answers the same messages in process.
  render(
    <TeachEngineContext.Provider value={inProcessTeachEngine}>
      <App store={app.store} />
    </TeachEngineContext.Provider>,
  );
  const start = await screen.findByRole('region', { name: 'Open a snapshot exception store' });
  fireEvent.click(within(start).getByRole('button', { name: 'Teach' }));
  await screen.findByRole('heading', { name: 'Teach' });
  return app;
}

const text = () => screen.getByTestId('step-text').textContent;
const position = () => Number(screen.getByTestId('step-counter').dataset.position);
/** What the stage shows: every element with its attributes (in a fixed order) and text. */
function canon(el: Element): string {
  // React leaves style="" behind when a cell loses its colour: the same rendering as no style.
  const attrs = [...el.attributes].filter((a) => a.value !== '' || a.name !== 'style').map((a) => `${a.name}=${a.value}`).sort();
  const kids = [...el.childNodes].map((n) => (n.nodeType === Node.TEXT_NODE ? n.textContent : n instanceof Element ? canon(n) : '')).join('');
  return `<${el.tagName} ${attrs.join(' ')}>${kids}</>`;
}
const stage = () => [screen.getByRole('group', { name: 'B-tree' }), screen.getByLabelText('Leaf entries'), screen.getByRole('group', { name: 'COW chunks (allocation bitmap)' }), screen.getByRole('group', { name: 'Origin chunks' })].map(canon);

it('plays a lesson from the start view: the real engine’s steps, a true step back, and its question answered by pointing', async () => {
  await openTeach();
  const lesson = TeachSession.forLesson(lessonById('cow-origin')!);
  expect((screen.getByRole('combobox', { name: 'Lesson' }) as HTMLSelectElement).value).toBe('cow-origin');
  expect(screen.getByRole('heading', { name: 'Copy-on-write from the origin' })).toBeTruthy();
  expect(text()).toBe(lesson.steps[0]!.text);

  for (let i = 1; i <= 6; i++) {
    fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
    expect(text()).toBe(lesson.steps[i]!.text);
  }
  expect(text()).toMatch(/^Copy origin chunk 5 \(data “5:v0”\) into COW chunk \d+/);
  const shown = stage();
  fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
  fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
  expect(stage()).not.toEqual(shown);
  fireEvent.click(screen.getByRole('button', { name: 'Step back' }));
  fireEvent.click(screen.getByRole('button', { name: 'Step back' }));
  expect(position()).toBe(6);
  expect(stage()).toEqual(shown);

  // Play at the top speed runs on by itself until paused.
  fireEvent.change(screen.getByRole('slider', { name: /Speed/ }), { target: { value: '4' } });
  fireEvent.click(screen.getByRole('button', { name: 'Play' }));
  await waitFor(() => expect(position()).toBeGreaterThanOrEqual(8), { timeout: 3000 });
  fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
  const paused = position();
  await new Promise((r) => setTimeout(r, 400));
  expect(position()).toBe(paused);

  // The timeline jumps; the last step asks the question.
  const timeline = screen.getByRole('navigation', { name: 'Timeline' });
  fireEvent.click(within(timeline).getAllByRole('button').at(-1)!);
  expect(position()).toBe(lesson.last);
  expect(screen.getByText(/Point at the COW chunk it reads that data from/)).toBeTruthy();
  const verdict = () => within(screen.getByRole('region', { name: 'Copy-on-write from the origin' })).getByRole('status').textContent;
  fireEvent.click(screen.getByRole('button', { name: 'chunk 0: header' }));
  expect(verdict()).toMatch(/^Not quite: chunk 0 is the header\./);
  const answer = lesson.lesson!.question.answer(lesson.steps)[0]!;
  fireEvent.click(screen.getByRole('button', { name: new RegExp(`^copy in COW chunk ${answer} of origin chunk 5`) }));
  expect(verdict()).toMatch(new RegExp(`^Right: COW chunk ${answer} holds “5:v0”`));
});

it('runs typed and clicked operations, and a lesson exported and imported comes back at the same step', async () => {
  await openTeach();
  fireEvent.change(screen.getByRole('combobox', { name: 'Lesson' }), { target: { value: 'free' } });
  expect(screen.getByRole('heading', { name: 'Free play' })).toBeTruthy();
  fireEvent.click(screen.getByRole('button', { name: 'Create snapshot' }));
  fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
  fireEvent.click(screen.getByRole('button', { name: 'origin chunk 9: 9:v0' }));
  fireEvent.click(screen.getByRole('button', { name: 'Write origin' }));
  fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
  expect(text()).toBe('Look up origin chunk 9 in the B-tree: follow the keys down root node 3 → leaf 2, the leaf that holds (or would hold) its copies.');

  const input = screen.getByRole('textbox', { name: 'Operation' });
  fireEvent.change(input, { target: { value: 'delete 4' } });
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
  expect(screen.getByRole('alert').textContent).toContain('no snapshot in slot 4');
  fireEvent.change(input, { target: { value: 'write snapshot 0 9' } });
  fireEvent.submit(input);
  fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
  expect(text()).toMatch(/^Look up origin chunk 9/);
  fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
  expect(text()).toMatch(/^Snapshot 0 writes origin chunk 9\. Its copy, COW chunk \d+, is read by no other snapshot/);
  const at = text();

  fireEvent.click(screen.getByRole('button', { name: 'Export' }));
  const file = JSON.parse(await readText(saved.at(-1)!));
  expect(file).toMatchObject({ snapscopeTeach: 1, lesson: null, ops: ['create', 'write origin 9', 'write snapshot 0 9'], position: position() });

  fireEvent.change(screen.getByRole('combobox', { name: 'Lesson' }), { target: { value: 'leaf-split' } });
  expect(position()).toBe(0);
  const upload = new File([JSON.stringify(file)], 'lesson.json', { type: 'application/json' });
  await act(async () => {
    fireEvent.change(screen.getByLabelText('Lesson file'), { target: { files: [upload] } });
  });
  await waitFor(() => expect(text()).toBe(at));
  expect(screen.getByRole('heading', { name: 'Free play' })).toBeTruthy();
});
