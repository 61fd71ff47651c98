// Audit log (for those holding audit.read): the server's security events, newest first, one page
// at a time. The filters (event type, actor, target), the page size and the position are in the address
// (#/audit?type=user&actor=argilla&limit=25&cursor=…&page=2): "Older events" follows the server's
// cursor, "Newest events" starts again at the top, and the Back button returns to newer pages.
import { AUDIT_EVENT_TYPES, type Operations } from '@argilla-ts/client';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { DataTable, Field, Notice, onSubmit, PageTitle, SelectField, useForm } from '../components.js';
import { describeError } from '../errors.js';
import { href, navigate } from '../router.js';

type AuditEvent = Operations['GET /api/audit-events']['response']['items'][number];

const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_PAGE_SIZE = 50;

/**
 * The event types the server writes (the list the client library exports), grouped by family: the
 * text before the first dot. The server matches a family name (`user`) against every type under
 * it, so a family of several types is offered as a whole, then its members one by one.
 */
function eventTypeOptions(types: readonly string[]): Array<{ value: string; label: string }> {
  const families = new Map<string, string[]>();
  for (const type of types) {
    const family = type.split('.')[0]!;
    families.set(family, [...(families.get(family) ?? []), type]);
  }
  return [...families].flatMap(([family, members]) =>
    members.length === 1
      ? [{ value: members[0]!, label: members[0]! }]
      : [{ value: family, label: `${family}.* (all)` }, ...members.map((type) => ({ value: type, label: `\u2003${type}` }))],
  );
}

const TYPE_OPTIONS = [{ value: '', label: 'any event' }, ...eventTypeOptions(AUDIT_EVENT_TYPES)];

/** The page size asked for in the address, if it is one the page offers. */
function pageSizeOf(raw: string | null): number {
  const size = Number(raw);
  return PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE;
}

/** Date and time to the second: events often come seconds apart. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** The changed fields and names of an event on one line: `username=ann role=admin changed=["email"]`. */
function describeData(data: Record<string, unknown>): string {
  const parts = Object.entries(data).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return parts.length > 0 ? parts.join(' ') : '—';
}

export function AuditPage({ client, route }: PageProps) {
  const type = route.params.get('type') ?? '';
  const actor = route.params.get('actor') ?? '';
  const target = route.params.get('target') ?? '';
  const limit = pageSizeOf(route.params.get('limit'));
  const cursor = route.params.get('cursor') ?? '';
  // The page number only counts how far "Older events" went; without a cursor it is the first.
  const pageNumber = cursor ? Math.max(1, Math.floor(Number(route.params.get('page'))) || 1) : 1;

  // What the table shows can lag behind the address while the next page loads: `key` says which
  // address it answers, `page` and `first` (1 for the newest event) where it sits in the list.
  const key = JSON.stringify([type, actor, target, limit, cursor, pageNumber]);
  const [shown, setShown] = useState<{ key: string; items: AuditEvent[]; next: string | null; page: number; first: number } | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const filters = useForm({ type, actor, target, limit: String(limit) });

  // The form follows the address (Back, a bookmark, "Clear filters"). `filters` is left out of the
  // dependencies: useForm hands out new functions on every render, and only the address matters.
  useEffect(() => filters.reset({ type, actor, target, limit: String(limit) }), [type, actor, target, limit]);

  // `key` stands for every value the request reads (type, actor, target, limit, cursor, page).
  useEffect(() => {
    let current = true;
    setLoadError(undefined);
    client
      .request('GET /api/audit-events', {
        query: { type: type || undefined, actor: actor || undefined, target: target || undefined, cursor: cursor || undefined, limit },
      })
      .then(
        (answer) =>
          current &&
          setShown({ key, items: answer.body.items, next: answer.body.next_cursor, page: pageNumber, first: (pageNumber - 1) * limit + 1 }),
      )
      .catch((error) => current && setLoadError(describeError(error).message));
    return () => {
      current = false;
    };
  }, [key, client]);
  const loading = shown?.key !== key;

  /** The address of this list with these filters, from its newest event. */
  const query = (changes: Record<string, string | undefined> = {}) => {
    const merged = { type, actor, target, limit: limit === DEFAULT_PAGE_SIZE ? undefined : String(limit), ...changes };
    return Object.fromEntries(Object.entries(merged).map(([name, value]) => [name, value || undefined]));
  };
  const apply = () => {
    const { values } = filters;
    const limitParam = Number(values.limit) === DEFAULT_PAGE_SIZE ? undefined : values.limit;
    navigate('/audit', query({ type: values.type, actor: values.actor.trim(), target: values.target.trim(), limit: limitParam }));
  };
  const older = () => {
    if (shown?.next && !loading) navigate('/audit', { ...query(), cursor: shown.next, page: shown.page + 1 });
  };

  const typeOptions = TYPE_OPTIONS.some((option) => option.value === filters.values.type)
    ? TYPE_OPTIONS
    : [...TYPE_OPTIONS, { value: filters.values.type, label: filters.values.type }];
  const filtered = type !== '' || actor !== '' || target !== '';
  const last = shown ? shown.first + shown.items.length - 1 : 0;

  return (
    <section>
      <PageTitle>Audit log</PageTitle>
      <p class="hint">
        Security events, newest first: logins, changes to users, API keys, workspaces and memberships, with who did them and from which address.
        Secrets never appear here.
      </p>

      <form class="filters" role="search" aria-label="Filter events" onSubmit={onSubmit(apply)} noValidate>
        <SelectField label="Event" name="type" value={filters.values.type} onChange={filters.set('type')} options={typeOptions} />
        <Field label="Actor" {...filters.field('actor')} hint="A username, or system for the command line." autoComplete="off" />
        <Field label="Target id" {...filters.field('target')} hint="A user, workspace or API key id." autoComplete="off" />
        <SelectField
          label="Per page"
          name="limit"
          value={filters.values.limit}
          onChange={filters.set('limit')}
          options={PAGE_SIZES.map((size) => ({ value: String(size), label: String(size) }))}
        />
        <button type="submit">Apply filters</button>
        {filtered ? (
          <button type="button" class="secondary" onClick={() => navigate('/audit', query({ type: undefined, actor: undefined, target: undefined }))}>
            Clear filters
          </button>
        ) : null}
      </form>

      {loadError ? <Notice kind="error">{loadError}</Notice> : null}
      {shown === undefined && !loadError ? <p>Loading events…</p> : null}
      {shown ? (
        <>
          <p class="count" aria-live="polite" data-testid="audit-count">
            {shown.items.length === 0
              ? shown.first === 1
                ? 'No event matches.'
                : 'No older events.'
              : // On the last page the total is known: it ends there.
                `Events ${shown.first.toLocaleString()}–${last.toLocaleString()}${shown.next ? '' : ` of ${last.toLocaleString()}`}, newest first`}
          </p>
          {shown.items.length > 0 ? (
            <DataTable testId="audit-table" columns={['Time', 'Event', 'Actor', 'Target', 'Address', 'Details']}>
              {shown.items.map((event) => (
                <tr key={event.id} data-type={event.type}>
                  <th scope="row" data-label="Time">
                    <time dateTime={event.created_at} title={event.request_id ? `request ${event.request_id}` : undefined}>
                      {formatTime(event.created_at)}
                    </time>
                  </th>
                  <td data-label="Event" class="mono">
                    {event.type}
                  </td>
                  <td data-label="Actor">{event.actor_username ?? event.actor_id ?? <span class="hint">anonymous</span>}</td>
                  <td data-label="Target">
                    {event.target_type ? (
                      <>
                        {event.target_type}{' '}
                        {event.target_id ? (
                          <a
                            class="mono"
                            href={href('/audit', query({ target: event.target_id }))}
                            title={event.target_id}
                            aria-label={`Events about ${event.target_type} ${event.target_id}`}
                          >
                            {event.target_id.slice(0, 8)}…
                          </a>
                        ) : (
                          <span class="hint">unknown</span>
                        )}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label="Address" class="mono">
                    {event.ip ?? '—'}
                  </td>
                  <td data-label="Details" class="mono wrap-anywhere">
                    {describeData(event.data)}
                  </td>
                </tr>
              ))}
            </DataTable>
          ) : null}
          <nav class="pager" aria-label="Pages of events">
            <button type="button" class="secondary" disabled={!cursor} onClick={() => navigate('/audit', query())}>
              Newest events
            </button>
            <span>Page {shown.page.toLocaleString()}</span>
            <button type="button" class="secondary" disabled={!shown.next || loading} onClick={older}>
              Older events
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
}
