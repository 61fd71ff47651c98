// A dataset's labelling screen (#/datasets/<workspace>/<name>): its labels and the caller's
// progress, then its records one at a time with the annotation controls (labels, Submit, Discard,
// Previous, Next, and their keys). Records come a page at a time through the server's cursor; the
// next page is fetched while the current one is worked on. The view (to do, mine, all), the label
// filter and the position (the page's cursor and the record's id) are in the address, so a reload,
// a bookmark, Back, or a login after the session ended, returns to the same record.
// With datasets.manage: the labels editor (add, rename, remove; single or multi-label) and a copy
// to another workspace.
import { AlreadyExistsError, NotFoundError, ValidationError, type Dataset, type DatasetRecord, type DatasetSettings, type Progress } from '@argilla-ts/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { Dialog, DialogActions, Field, formatDate, Notice, onSubmit, PageTitle, SelectField, useForm } from '../components.js';
import { describeError, FieldMessage } from '../errors.js';
import { can } from '../permissions.js';
import { href, navigate, parseHash } from '../router.js';

/** Records per request: a page is all a move ever waits for, and only when it was not fetched ahead. */
export const RECORDS_PAGE_SIZE = 50;

type View = 'todo' | 'mine' | 'all';
const VIEWS: ReadonlyArray<{ value: View; label: string }> = [
  { value: 'todo', label: 'Not annotated by me (to do)' },
  { value: 'mine', label: 'Annotated by me' },
  { value: 'all', label: 'All records' },
];

/** The address of a dataset's page. */
export function datasetPath(workspace: string, name: string): string {
  return `/datasets/${encodeURIComponent(workspace)}/${encodeURIComponent(name)}`;
}

/** The workspace and dataset a path names, if it is a dataset page's. */
export function parseDatasetPath(path: string): { workspace: string; name: string } | undefined {
  const match = /^\/datasets\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  try {
    return { workspace: decodeURIComponent(match[1]!), name: decodeURIComponent(match[2]!) };
  } catch {
    return undefined;
  }
}

interface RecordPage {
  /** the cursor this page was fetched with ('' for the first) */
  cursor: string;
  items: DatasetRecord[];
  next: string | null;
}

/** Where the screen is: a record of a loaded page, or past the last record of the list. */
type Position = { page: number; index: number } | 'end';

interface List {
  /** the view and label filter the pages answer */
  key: string;
  pages: RecordPage[];
  pos: Position;
}

type Annotation = DatasetRecord['annotations'][number];

/** Whether two addresses name the same page with the same parameters, whatever their encoding. */
function sameAddress(a: string, b: string): boolean {
  const [x, y] = [parseHash(a), parseHash(b)];
  x.params.sort();
  y.params.sort();
  return x.path === y.path && x.params.toString() === y.params.toString();
}

function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function DatasetPage(props: PageProps) {
  const { client, me, route } = props;
  const target = parseDatasetPath(route.path)!;
  const { workspace, name } = target;
  const manage = can(me, 'datasets.manage');
  const mayAnnotate = can(me, 'datasets.annotate');

  const rawView = route.params.get('view');
  const view: View = rawView === 'mine' || rawView === 'all' ? rawView : 'todo';
  const label = route.params.get('label') ?? '';
  const at = route.params.get('at') ?? '';
  const recordId = route.params.get('record') ?? '';
  const listKey = JSON.stringify([workspace, name, view, label]);

  const [dataset, setDataset] = useState<Dataset | undefined>();
  const [missing, setMissing] = useState(false);
  const [loadError, setLoadError] = useState<string | undefined>();
  const [progress, setProgress] = useState<Progress | undefined>();
  const [list, setList] = useState<List | undefined>();
  const [listError, setListError] = useState<string | undefined>();
  const [waiting, setWaiting] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | undefined>();
  const [lastSave, setLastSave] = useState<{ id: string; status: string; labels: string[]; at: string } | undefined>();
  const [copying, setCopying] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();

  // The pages being fetched (or fetched) for the current list, by cursor: a move never asks twice.
  const fetches = useRef(new Map<string, Promise<RecordPage>>());
  // Bumped whenever the list starts over: answers for an older list are dropped.
  const generation = useRef(0);
  // The address this page last wrote (its position), to tell its own changes from Back or a bookmark.
  const written = useRef<string | undefined>();
  const listRef = useRef<List | undefined>();
  listRef.current = list;
  const recordRegion = useRef<HTMLElement>(null);

  const filters = () => ({
    workspace,
    limit: RECORDS_PAGE_SIZE,
    notAnnotatedBy: view === 'todo' ? me.username : undefined,
    annotatedBy: view === 'mine' ? me.username : undefined,
    label: label || undefined,
  });

  const fetchPage = (cursor: string): Promise<RecordPage> => {
    let pending = fetches.current.get(cursor);
    if (!pending) {
      pending = client.listRecords(name, { ...filters(), cursor: cursor || undefined }).then((page) => ({ cursor, items: page.items, next: page.next_cursor }));
      fetches.current.set(cursor, pending);
      // A failed fetch may be tried again by the next move.
      pending.catch(() => fetches.current.delete(cursor));
    }
    return pending;
  };

  const loadProgress = () =>
    client
      .getProgress(name, { workspace })
      .then(setProgress)
      .catch(() => {});

  // The dataset itself: its labels and counts. A workspace or dataset the caller cannot see is a 404.
  const [reloadDataset, setReloadDataset] = useState(0);
  useEffect(() => {
    let current = true;
    setLoadError(undefined);
    client
      .getDataset(name, { workspace })
      .then((found) => current && setDataset(found))
      .catch((error) => {
        if (!current) return;
        if (error instanceof NotFoundError) setMissing(true);
        else setLoadError(describeError(error).message);
      });
    loadProgress();
    return () => {
      current = false;
    };
  }, [workspace, name, client, reloadDataset]);

  /** Starts the list over from the address's cursor, on the address's record (or the page's first). */
  const startList = (cursor: string, record: string) => {
    const mine = ++generation.current;
    fetches.current = new Map();
    setList(undefined);
    setListError(undefined);
    fetchPage(cursor)
      .then((page) => {
        if (generation.current !== mine) return;
        const index = Math.max(0, page.items.findIndex((item) => item.id === record));
        setList({ key: listKey, pages: [page], pos: page.items.length > 0 ? { page: 0, index } : 'end' });
      })
      .catch((error) => {
        if (generation.current !== mine) return;
        // A cursor the server no longer takes (edited address): start from the first record.
        if (error instanceof ValidationError && cursor !== '') {
          navigate(route.path, { view: rawView ?? undefined, label: label || undefined }, { replace: true });
          return;
        }
        setListError(describeError(error).message);
      });
  };

  // The address decides the list and the position; moves made here are written back to it and
  // recognised, so only Back, a bookmark or a changed filter start the list over.
  useEffect(() => {
    if (missing) return;
    // The address may already be further on than this render (quick moves): the live one decides.
    if (written.current !== undefined && sameAddress(location.hash, written.current)) return;
    const current = listRef.current;
    if (current && current.key === listKey && recordId !== '') {
      for (let p = 0; p < current.pages.length; p++) {
        const index = current.pages[p]!.items.findIndex((item) => item.id === recordId);
        if (index >= 0) {
          setList({ ...current, pos: { page: p, index } });
          return;
        }
      }
    }
    startList(at, recordId);
  }, [listKey, at, recordId, missing]);

  // The record shown, and the page after the last one fetched ahead of time.
  const currentRecord = list && list.pos !== 'end' ? list.pages[list.pos.page]?.items[list.pos.index] : undefined;
  useEffect(() => {
    if (!list) return;
    // Write the position into the address (replacing it: Back leaves the dataset, not the record).
    const page = list.pos === 'end' ? list.pages[list.pages.length - 1]! : list.pages[list.pos.page]!;
    if (list.key === listKey) {
      const params = { view: rawView ?? undefined, label: label || undefined, at: page.cursor || undefined, record: currentRecord?.id };
      written.current = href(route.path, params);
      if (!sameAddress(location.hash, written.current)) navigate(route.path, params, { replace: true });
    }
    // Keep the next page fetched ahead of time, once the current one is the last loaded.
    const last = list.pages[list.pages.length - 1]!;
    const onLast = list.pos === 'end' || list.pos.page === list.pages.length - 1;
    if (onLast && last.next !== null && list.key === listKey) {
      const mine = generation.current;
      fetchPage(last.next)
        .then((next) => {
          if (generation.current !== mine) return;
          setList((now) => (now && now.pages[now.pages.length - 1] === last ? { ...now, pages: [...now.pages, next] } : now));
        })
        .catch(() => {
          // Tried again when the person moves there.
        });
    }
  }, [list]);

  // The controls start from the caller's own annotation of each record.
  const myAnnotation = (record: DatasetRecord | undefined): Annotation | undefined => record?.annotations.find((a) => a.user_id === me.id);
  useEffect(() => {
    const mine = myAnnotation(currentRecord);
    setSelected(mine && mine.status === 'submitted' ? [...mine.value.labels] : []);
    setSaveError(undefined);
  }, [currentRecord?.id, list?.key]);

  const move = async (step: 1 | -1) => {
    const now = listRef.current;
    if (!now || waiting) return;
    setSaveError(undefined);
    if (step === -1) {
      if (now.pos === 'end') {
        const p = now.pages.length - 1;
        const items = now.pages[p]!.items;
        if (items.length > 0) setList({ ...now, pos: { page: p, index: items.length - 1 } });
        return;
      }
      const { page, index } = now.pos;
      if (index > 0) setList({ ...now, pos: { page, index: index - 1 } });
      else if (page > 0) setList({ ...now, pos: { page: page - 1, index: now.pages[page - 1]!.items.length - 1 } });
      return;
    }
    if (now.pos === 'end') return;
    const { page, index } = now.pos;
    const items = now.pages[page]!.items;
    if (index + 1 < items.length) return setList({ ...now, pos: { page, index: index + 1 } });
    if (page + 1 < now.pages.length && now.pages[page + 1]!.items.length > 0) return setList({ ...now, pos: { page: page + 1, index: 0 } });
    const next = now.pages[page]!.next;
    if (next === null) return setList({ ...now, pos: 'end' });
    // The page ahead is not there yet: wait for it (it was asked for already).
    const mine = generation.current;
    setWaiting(true);
    try {
      const fetched = await fetchPage(next);
      if (generation.current !== mine) return;
      setList((latest) => {
        if (!latest) return latest;
        const pages = latest.pages.includes(fetched) ? latest.pages : [...latest.pages, fetched];
        const at = pages.indexOf(fetched);
        return { ...latest, pages, pos: fetched.items.length > 0 ? { page: at, index: 0 } : 'end' };
      });
    } catch (error) {
      setSaveError(describeError(error).message);
    } finally {
      setWaiting(false);
    }
  };

  const save = async (status: 'submitted' | 'discarded') => {
    const record = currentRecord;
    const now = listRef.current;
    if (!record || !now || now.pos === 'end' || saving || !mayAnnotate) return;
    if (status === 'submitted' && selected.length === 0) {
      setSaveError('Choose a label first (or Discard the record).');
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      const saved = await client.annotate(name, record.id, { labels: status === 'submitted' ? selected : [] }, { workspace, status });
      const mine = saved.annotations.find((a) => a.user_id === me.id);
      setLastSave({ id: saved.id, status, labels: status === 'submitted' ? [...selected] : [], at: mine?.updated_at ?? new Date().toISOString() });
      const { page, index } = now.pos;
      const pages = now.pages.map((p, i) => (i === page ? { ...p, items: p.items.map((item, j) => (j === index ? saved : item)) } : p));
      const updated = { ...now, pages };
      listRef.current = updated;
      setList(updated);
      loadProgress();
      await move(1);
    } catch (error) {
      setSaveError(describeError(error).message);
    } finally {
      setSaving(false);
    }
  };

  const labels = dataset?.settings.labels ?? [];
  const multi = dataset?.settings.multi_label ?? false;
  const toggle = (name: string) => {
    setSaveError(undefined);
    setSelected((current) => (current.includes(name) ? current.filter((l) => l !== name) : multi ? [...current, name] : [name]));
  };

  // Keys: 1-9 toggle the labels in order, Enter submits, Backspace or Delete discards, the left and
  // right arrows move. Not while typing in a field, with a modifier held, or with a dialog open.
  const keys = useRef<(event: KeyboardEvent) => void>(() => {});
  keys.current = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable="true"], dialog, .labels-editor, summary')) return;
    if (document.querySelector('dialog[open]')) return;
    const onButton = target?.closest('button, a');
    const onLabel = target?.closest('.label-toggle');
    if (/^[1-9]$/.test(event.key)) {
      const chosen = labels[Number(event.key) - 1];
      if (chosen !== undefined && currentRecord && mayAnnotate) {
        event.preventDefault();
        toggle(chosen);
      }
    } else if (event.key === 'Enter') {
      // On other buttons and links, Enter keeps its meaning (activate); on a label it submits.
      if (onButton && !onLabel) return;
      if (currentRecord && mayAnnotate) {
        event.preventDefault();
        void save('submitted');
      }
    } else if (event.key === 'Backspace' || event.key === 'Delete') {
      if (currentRecord && mayAnnotate) {
        event.preventDefault();
        void save('discarded');
      }
    } else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      event.preventDefault();
      void move(event.key === 'ArrowRight' ? 1 : -1);
    }
  };
  useEffect(() => {
    const listener = (event: KeyboardEvent) => keys.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const changeFilter = (changes: { view?: string; label?: string }) => {
    const next = { view: view === 'todo' ? undefined : view, label: label || undefined, ...changes };
    navigate(route.path, { view: next.view === 'todo' ? undefined : next.view, label: next.label || undefined });
  };

  if (missing) {
    return (
      <section>
        <PageTitle>Dataset not found</PageTitle>
        <Notice kind="error">
          <span data-testid="dataset-missing">
            The dataset {name} does not exist in workspace {workspace}, or you are not a member of that workspace.
          </span>
        </Notice>
        <p>
          <a href="#/home">Back to your datasets</a>
        </p>
      </section>
    );
  }

  const position = list && list.pos !== 'end' ? list.pos : undefined;
  const atStart = !position || (position.page === 0 && position.index === 0);
  const mine = myAnnotation(currentRecord);
  const others = currentRecord?.annotations.filter((a) => a.user_id !== me.id) ?? [];
  const taskOk = !dataset || dataset.settings.task === 'text_classification';

  return (
    <section class="dataset-page">
      <p class="breadcrumbs">
        <a href="#/home">Datasets</a> › <span>{workspace}</span>
      </p>
      <PageTitle>{name}</PageTitle>
      {loadError ? <Notice kind="error">{loadError}</Notice> : null}
      {notice ? <Notice kind="success">{notice}</Notice> : null}

      {dataset ? (
        <div class="dataset-summary">
          <ProgressPanel progress={progress} />
          <div class="schema" data-testid="schema">
            <h2 class="visually-hidden">Labels</h2>
            <p>
              <strong>{multi ? 'Multi-label' : 'Single-label'}</strong>
              {multi ? ': choose every label that applies.' : ': choose one label per record.'}
            </p>
            {labels.length > 0 ? (
              <ul class="chips">
                {labels.map((l, i) => (
                  <li key={l} class="chip-static">
                    <kbd>{i < 9 ? i + 1 : ''}</kbd> {l}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
      ) : !loadError ? (
        <p aria-live="polite">Loading the dataset…</p>
      ) : null}

      {dataset && labels.length === 0 && taskOk ? (
        <Notice kind="warning">
          <span data-testid="no-labels">
            This dataset has no labels yet, so its records cannot be annotated.{' '}
            {manage ? 'Add labels below, under "Edit labels".' : 'Ask an admin of the workspace to add them.'}
          </span>
        </Notice>
      ) : null}
      {dataset && !taskOk ? (
        <Notice kind="info">
          This dataset holds {dataset.settings.task.replace('_', ' ')} records: they are shown here, and annotated with the Python client.
        </Notice>
      ) : null}

      <form class="filters record-filters" role="search" aria-label="Choose records" onSubmit={onSubmit(() => {})}>
        <SelectField label="Show" name="view" value={view} onChange={(value) => changeFilter({ view: value })} options={VIEWS} />
        <SelectField
          label="With label"
          name="label"
          value={label}
          onChange={(value) => changeFilter({ label: value })}
          options={[{ value: '', label: 'any label' }, ...(label && !labels.includes(label) ? [label] : []).concat(labels).map((l) => ({ value: l, label: l }))]}
        />
      </form>

      <p class="hint shortcut-help" id="shortcut-help" data-testid="shortcut-help">
        Keys: <kbd>1</kbd>–<kbd>9</kbd> toggle a label · <kbd>Enter</kbd> submit · <kbd>Backspace</kbd> or <kbd>Delete</kbd> discard · <kbd>←</kbd>{' '}
        <kbd>→</kbd> previous / next record. Tab reaches every control.
      </p>

      {listError ? <Notice kind="error">{listError}</Notice> : null}
      {!list && !listError ? <p aria-live="polite">Loading records…</p> : null}

      {list && list.pos === 'end' ? (
        <EndOfList view={view} label={label} progress={progress} canGoBack={list.pages.some((p) => p.items.length > 0)} onBack={() => move(-1)} path={route.path} />
      ) : null}

      {currentRecord ? (
        <article class="record" aria-labelledby="record-title" ref={recordRegion} data-record-id={currentRecord.id} data-testid="record">
          <h2 id="record-title">
            Record <span class="mono">{currentRecord.id}</span>
          </h2>
          <RecordFields record={currentRecord} />

          {taskOk && labels.length > 0 ? (
            <div class="annotate" role="group" aria-label="Your annotation" aria-describedby="shortcut-help">
              <div class="label-buttons" role="group" aria-label={multi ? 'Labels (any number)' : 'Label (one)'}>
                {labels.map((l, i) => (
                  <button
                    type="button"
                    key={l}
                    class={`label-toggle${selected.includes(l) ? ' is-selected' : ''}`}
                    aria-pressed={selected.includes(l)}
                    disabled={!mayAnnotate}
                    onClick={() => toggle(l)}
                  >
                    {i < 9 ? <kbd aria-hidden="true">{i + 1}</kbd> : null}
                    <span>{l}</span>
                  </button>
                ))}
              </div>
              <div class="annotate-actions">
                <button type="button" onClick={() => save('submitted')} disabled={saving || waiting || !mayAnnotate}>
                  Submit
                </button>
                <button type="button" class="danger" onClick={() => save('discarded')} disabled={saving || waiting || !mayAnnotate}>
                  Discard
                </button>
                <button type="button" class="secondary" onClick={() => move(-1)} disabled={atStart || waiting}>
                  Previous
                </button>
                <button type="button" class="secondary" onClick={() => move(1)} disabled={waiting}>
                  {waiting ? 'Loading…' : 'Next'}
                </button>
              </div>
              {saveError ? (
                <p class="field-error" role="alert" data-testid="save-error">
                  {saveError}
                </p>
              ) : null}
              <p class="save-state" data-testid="my-annotation" aria-live="polite">
                {mine ? (
                  <>
                    <span class={`status-badge status-${mine.status}`}>{mine.status === 'submitted' ? 'Submitted' : 'Discarded'}</span>{' '}
                    {mine.status === 'submitted' ? mine.value.labels.join(', ') : ''} · saved {timeOf(mine.updated_at)}
                  </>
                ) : (
                  <span class="status-badge status-none">Not annotated by you yet</span>
                )}
              </p>
            </div>
          ) : null}

          <OtherAnnotations annotations={others} />
          {position && list && list.pages[0]!.cursor !== '' && atStart ? (
            <p class="hint">
              Earlier records are before this page: <a href={href(route.path, { view: rawView ?? undefined, label: label || undefined })}>go to the first record</a>.
            </p>
          ) : null}
        </article>
      ) : null}

      {lastSave ? (
        <p class="hint last-save" data-testid="last-save" role="status">
          Last saved: record <span class="mono">{lastSave.id}</span> {lastSave.status}
          {lastSave.labels.length ? ` as ${lastSave.labels.join(', ')}` : ''} at {timeOf(lastSave.at)}.
        </p>
      ) : null}

      {manage && dataset ? (
        <>
          <LabelsEditor
            {...props}
            workspace={workspace}
            name={name}
            settings={dataset.settings}
            onSaved={(settings) => {
              setDataset({ ...dataset, settings });
              setNotice('Labels saved.');
              // The annotations on screen may carry renamed labels: read the page again.
              written.current = undefined;
              startList(at, recordId);
            }}
          />
          <section class="panel" aria-labelledby="copy-title">
            <h2 id="copy-title">Copy</h2>
            <p class="hint">A copy takes the labels, every record and every annotation (with its author) to a workspace of your choice.</p>
            <button type="button" class="secondary" onClick={() => setCopying(true)}>
              Copy to another workspace
            </button>
          </section>
          <CopyDialog {...props} open={copying} workspace={workspace} name={name} onClose={() => setCopying(false)} onCopied={(text) => setNotice(text)} />
        </>
      ) : null}
      <p class="hint">
        Created by {dataset?.created_by ?? '—'} · updated {formatDate(dataset?.updated_at)} ·{' '}
        <button type="button" class="link-button" onClick={() => setReloadDataset((n) => n + 1)}>
          Refresh counts
        </button>
      </p>
    </section>
  );
}

function ProgressPanel({ progress }: { progress: Progress | undefined }) {
  if (!progress) return <div class="progress-panel" aria-busy="true" />;
  const { records, annotated, annotated_by_me, submitted_by_me, discarded_by_me } = progress;
  const percent = records > 0 ? Math.round((annotated_by_me / records) * 100) : 0;
  return (
    <div class="progress-panel" data-testid="progress">
      <h2 class="visually-hidden">Progress</h2>
      <progress max={Math.max(records, 1)} value={annotated_by_me} aria-label={`${percent}% annotated by you`} /> <strong>{percent}%</strong> done by you
      <dl class="counts">
        <div>
          <dt>Records</dt>
          <dd data-count="records">{records.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Annotated by me</dt>
          <dd data-count="annotated_by_me">{annotated_by_me.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Submitted by me</dt>
          <dd data-count="submitted_by_me">{submitted_by_me.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Discarded by me</dt>
          <dd data-count="discarded_by_me">{discarded_by_me.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Annotated by anyone</dt>
          <dd data-count="annotated">{annotated.toLocaleString()}</dd>
        </div>
      </dl>
    </div>
  );
}

/** A field's value as text: strings as they are, anything else as JSON. */
function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

function RecordFields({ record }: { record: DatasetRecord }) {
  const metadata = Object.entries(record.metadata ?? {});
  return (
    <>
      <dl class="record-fields">
        {Object.entries(record.fields).map(([key, value]) => (
          <div key={key} class="record-field">
            <dt>{key}</dt>
            <dd class="record-text">{fieldText(value)}</dd>
          </div>
        ))}
      </dl>
      {metadata.length > 0 ? (
        <details class="metadata">
          <summary>Metadata ({metadata.length})</summary>
          <dl class="details">
            {metadata.map(([key, value]) => [<dt key={`k-${key}`}>{key}</dt>, <dd key={`v-${key}`}>{fieldText(value)}</dd>])}
          </dl>
        </details>
      ) : null}
    </>
  );
}

function OtherAnnotations({ annotations }: { annotations: Annotation[] }) {
  return (
    <section class="others" aria-labelledby="others-title" data-testid="other-annotations">
      <h3 id="others-title">Other annotators</h3>
      {annotations.length === 0 ? (
        <p class="hint">Nobody else has annotated this record.</p>
      ) : (
        <ul>
          {annotations.map((a) => (
            <li key={`${a.username}-${a.user_id ?? 'deleted'}`} data-username={a.username}>
              <strong>{a.username}</strong>
              {a.user_id === null ? <span class="tag tag-off"> (deleted user)</span> : null}:{' '}
              {a.status === 'discarded' ? <em>discarded</em> : a.value.labels.join(', ')} <span class="hint">· {timeOf(a.updated_at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EndOfList(props: { view: View; label: string; progress: Progress | undefined; canGoBack: boolean; onBack: () => void; path: string }) {
  const { view, label, progress, canGoBack, onBack, path } = props;
  const counts = progress
    ? `You annotated ${progress.annotated_by_me.toLocaleString()} of ${progress.records.toLocaleString()} records (${progress.submitted_by_me.toLocaleString()} submitted, ${progress.discarded_by_me.toLocaleString()} discarded).`
    : '';
  return (
    <div class="end-of-list" data-testid="end-of-list">
      {view === 'todo' && !label ? (
        <Notice kind="success">
          <strong>Nothing left to annotate here: done.</strong> {counts}
        </Notice>
      ) : (
        <Notice kind="info">
          {canGoBack ? 'That was the last record of this view.' : 'No record matches this view.'} {counts}
        </Notice>
      )}
      <div class="actions">
        {canGoBack ? (
          <button type="button" class="secondary" onClick={onBack}>
            Previous record
          </button>
        ) : null}
        {view !== 'all' || label ? (
          <a class="button-link" href={href(path, { view: 'all' })}>
            Show all records
          </a>
        ) : null}
        <a class="button-link" href={href(path, { view: 'mine' })}>
          Review my annotations
        </a>
      </div>
    </div>
  );
}

interface LabelRow {
  /** the label's name when the editor opened; none for a label added since */
  original?: string;
  value: string;
  key: number;
}

let rowKeys = 0;
const rowsOf = (settings: DatasetSettings): LabelRow[] => settings.labels.map((l) => ({ original: l, value: l, key: ++rowKeys }));

/** The labelling schema's editor (datasets.manage): rename in place, remove, add, single or multi-label; saved at once. */
function LabelsEditor({ client, workspace, name, settings, onSaved }: PageProps & { workspace: string; name: string; settings: DatasetSettings; onSaved: (s: DatasetSettings) => void }) {
  const [rows, setRows] = useState<LabelRow[]>(() => rowsOf(settings));
  const [multi, setMulti] = useState(settings.multi_label);
  const form = useForm({ newLabel: '' });
  useEffect(() => {
    setRows(rowsOf(settings));
    setMulti(settings.multi_label);
  }, [settings]);

  const add = () => {
    const value = form.values.newLabel.trim();
    if (value === '') return form.setErrors({ newLabel: 'Type the new label first.' });
    if (rows.some((row) => row.value.trim() === value)) return form.setErrors({ newLabel: `${value} is already in the list.` });
    setRows([...rows, { value, key: ++rowKeys }]);
    form.setValues({ newLabel: '' });
    form.setErrors({});
  };

  const save = async () => {
    const labels = rows.map((row) => row.value.trim());
    const renames = rows.filter((row) => row.original !== undefined && row.original !== row.value.trim()).map((row) => ({ from: row.original!, to: row.value.trim() }));
    let saved: DatasetSettings | undefined;
    await form.submit(async () => {
      try {
        saved = await client.editLabels(name, { labels, multi_label: multi, renames }, { workspace });
      } catch (error) {
        if (error instanceof AlreadyExistsError && error.code === 'label_in_use') {
          throw new FieldMessage(error.params.multi_label ? 'multi_label' : 'labels', error.detail);
        }
        if (error instanceof ValidationError) {
          // Name the label a rule is about: "/labels/2" is the third row.
          const messages = error.errors.map((broken) => {
            const [, field, index] = broken.pointer.split('/');
            if (field === 'labels' && index !== undefined) return `Label ${Number(index) + 1} (${labels[Number(index)] || 'empty'}): ${broken.message}.`;
            if (field === 'renames' && index !== undefined) return `Renaming ${renames[Number(index)]?.from ?? ''}: ${broken.message}.`;
            return `${broken.message}.`;
          });
          throw new FieldMessage(error.errors.some((e) => e.pointer.startsWith('/multi_label')) ? 'multi_label' : 'labels', messages.join(' '));
        }
        throw error;
      }
    });
    if (saved) onSaved(saved);
  };

  const changed = JSON.stringify(rows.map((r) => r.value.trim())) !== JSON.stringify(settings.labels) || multi !== settings.multi_label;

  return (
    <section class="panel labels-editor" aria-labelledby="labels-editor-title" data-testid="labels-editor">
      <h2 id="labels-editor-title">Edit labels</h2>
      <p class="hint">Rename a label in its box (its annotations follow), remove it, or add new ones; then save. A label that annotations use cannot be removed.</p>
      {form.message ? <Notice kind="error">{form.message}</Notice> : null}
      <form onSubmit={onSubmit(save)} noValidate aria-labelledby="labels-editor-title">
        <ol class={`label-rows${form.errors.labels ? ' has-error' : ''}`} aria-describedby={form.errors.labels ? 'labels-error' : undefined}>
          {rows.map((row, i) => (
            <li key={row.key}>
              <input
                aria-label={`Label ${i + 1}`}
                value={row.value}
                onInput={(event) => {
                  const value = (event.currentTarget as HTMLInputElement).value;
                  setRows(rows.map((r) => (r.key === row.key ? { ...r, value } : r)));
                }}
                aria-invalid={form.errors.labels ? 'true' : undefined}
                spellcheck={false}
                autoCapitalize="off"
              />
              {row.original !== undefined && row.original !== row.value.trim() ? <span class="hint">was {row.original}</span> : null}
              <button type="button" class="secondary" aria-label={`Remove label ${row.value}`} onClick={() => setRows(rows.filter((r) => r.key !== row.key))}>
                Remove
              </button>
            </li>
          ))}
        </ol>
        {rows.length === 0 ? <p class="hint">No labels: annotators cannot label records until there is one.</p> : null}
        {form.errors.labels ? (
          <p class="field-error" id="labels-error" data-testid="labels-error">
            {form.errors.labels}
          </p>
        ) : null}
        <div class="inline-form add-label">
          <Field label="New label" {...form.field('newLabel')} autoComplete="off" />
          <button type="button" class="secondary" onClick={add}>
            Add label
          </button>
        </div>
        <div class={`field checkbox-field${form.errors.multi_label ? ' has-error' : ''}`}>
          <label>
            <input type="checkbox" checked={multi} onChange={(event) => setMulti((event.currentTarget as HTMLInputElement).checked)} /> Several labels per record
            (multi-label)
          </label>
          {form.errors.multi_label ? (
            <p class="field-error" data-testid="multi-label-error">
              {form.errors.multi_label}
            </p>
          ) : null}
        </div>
        <div class="actions">
          <button type="submit" disabled={form.busy || !changed}>
            Save labels
          </button>
          <button
            type="button"
            class="secondary"
            disabled={!changed}
            onClick={() => {
              setRows(rowsOf(settings));
              setMulti(settings.multi_label);
              form.setErrors({});
              form.setMessage(undefined);
            }}
          >
            Undo changes
          </button>
        </div>
      </form>
    </section>
  );
}

function CopyDialog({
  client,
  me,
  open,
  workspace,
  name,
  onClose,
  onCopied,
}: PageProps & { open: boolean; workspace: string; name: string; onClose: () => void; onCopied: (text: string) => void }) {
  const form = useForm({ target: '', newName: '' });
  useEffect(() => {
    if (open) form.reset({ target: me.workspaces.find((w) => w !== workspace) ?? workspace, newName: name });
  }, [open]);
  const copy = async () => {
    const target = form.values.target;
    const newName = form.values.newName.trim();
    const ok = await form.submit(
      async () => {
        await client.copy(name, newName, { sourceWorkspace: workspace, workspace: target });
      },
      {
        dataset_already_exists: { field: 'newName', message: `${target} already has a dataset named ${newName}: choose another name.` },
        workspace_not_found: { field: 'target', message: `There is no workspace ${target} that you can see.` },
      },
    );
    if (ok) {
      onClose();
      onCopied(`Copied to ${target} as ${newName}.`);
    }
  };
  return (
    <Dialog title={`Copy ${name}`} open={open} onClose={onClose}>
      {form.message ? <Notice kind="error">{form.message}</Notice> : null}
      <form onSubmit={onSubmit(copy)} noValidate>
        <SelectField
          label="To workspace"
          name="target"
          value={form.values.target}
          onChange={form.set('target')}
          options={me.workspaces.map((w) => ({ value: w, label: w }))}
          error={form.errors.target}
        />
        <Field label="Name of the copy" {...form.field('newName', 'name')} error={form.errors.newName ?? form.errors.name} autoComplete="off" required />
        <DialogActions onCancel={onClose}>
          <button type="submit" disabled={form.busy}>
            Copy dataset
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
