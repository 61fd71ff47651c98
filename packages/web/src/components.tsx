// Small building blocks: labelled fields with their error beside them, notices, a modal dialog
// (the native <dialog>: focus stays inside, Escape closes it) and a confirming one built on it, a
// table frame and its pager, a secret shown once with a copy button, and a form-state hook that
// maps server errors onto fields.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError, type CodeFields } from './errors.js';

let nextId = 0;
/** A stable id for label/input pairs. */
export function useId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${++nextId}`);
  return id;
}

interface FieldProps {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  error?: string;
  hint?: string;
  type?: string;
  autoComplete?: string;
  autoFocus?: boolean;
  required?: boolean;
  inputMode?: 'text' | 'email' | 'search';
  list?: string;
}

/** The ids of the hint and error under a control, for its aria-describedby. */
function describedBy(id: string, hint?: string, error?: string): string | undefined {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
}

/** What every field shares around its control: the label, then the hint and the error below it. */
function FieldFrame({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ComponentChildren }) {
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Field(props: FieldProps) {
  const id = useId(props.name);
  return (
    <FieldFrame id={id} label={props.label} hint={props.hint} error={props.error}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        onInput={(event) => props.onInput((event.currentTarget as HTMLInputElement).value)}
        autoComplete={props.autoComplete}
        autoFocus={props.autoFocus}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
        inputMode={props.inputMode}
        list={props.list}
        spellcheck={false}
        autoCapitalize="off"
      />
    </FieldFrame>
  );
}

/** A new password, with the server's rule as its hint, so every form states the same rule. */
export function NewPasswordField(props: Pick<FieldProps, 'label' | 'name' | 'value' | 'onInput' | 'error'>) {
  return <Field {...props} type="password" hint="8 to 100 characters." autoComplete="new-password" required />;
}

interface SelectProps {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: ReadonlyArray<{ value: string; label: string }>;
  error?: string;
}

export function SelectField(props: SelectProps) {
  const id = useId(props.name);
  return (
    <FieldFrame id={id} label={props.label} error={props.error}>
      <select
        id={id}
        name={props.name}
        value={props.value}
        onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, undefined, props.error)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** A message about the last action: `error` is announced at once, others politely. */
export function Notice({ kind, children }: { kind: 'error' | 'success' | 'info' | 'warning'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' || kind === 'warning' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** A page's main heading; it takes the focus when the page opens, so keyboard and screen-reader users start there. */
export function PageTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body || document.activeElement.closest('nav')) ref.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

interface DialogProps {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ComponentChildren;
}

/** A modal dialog on the native <dialog>: it traps the focus, Escape closes it, focus returns after. */
export function Dialog({ title, open, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId('dialog-title');
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={() => {
        if (open) onClose();
      }}
    >
      {open ? (
        <div class="dialog-body">
          <h2 id={titleId}>{title}</h2>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

/** A dialog's buttons: the action passed in, then one that closes the dialog without acting. */
export function DialogActions({ onCancel, cancelLabel = 'Cancel', children }: { onCancel: () => void; cancelLabel?: string; children: ComponentChildren }) {
  return (
    <div class="actions">
      {children}
      <button type="button" class="secondary" onClick={onCancel}>
        {cancelLabel}
      </button>
    </div>
  );
}

interface ConfirmDialogProps extends Omit<DialogProps, 'children'> {
  /** what happens, shown above the buttons */
  children: ComponentChildren;
  /** the text of the danger button, e.g. "Delete user" */
  confirmLabel: string;
  onConfirm: () => void;
  busy: boolean;
  /** why the last attempt failed; it stays open so the person can read it */
  error?: ComponentChildren;
  cancelLabel?: string;
}

/** Asks before something that cannot be undone: the consequences, the last error, a danger button and a way back. */
export function ConfirmDialog({ children, confirmLabel, onConfirm, busy, error, cancelLabel, ...dialog }: ConfirmDialogProps) {
  return (
    <Dialog {...dialog}>
      {children}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <DialogActions onCancel={dialog.onClose} cancelLabel={cancelLabel}>
        <button type="button" class="danger" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
      </DialogActions>
    </Dialog>
  );
}

interface PagerProps {
  /** names the navigation landmark, e.g. "Pages of users" */
  label: string;
  offset: number;
  pageSize: number;
  /** how many items this page shows */
  shown: number;
  total: number;
  onPage: (offset: number) => void;
}

/** Previous and next page buttons around "Page n of m". */
export function Pager({ label, offset, pageSize, shown, total, onPage }: PagerProps) {
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" class="secondary" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - pageSize))}>
        Previous page
      </button>
      <span>
        Page {Math.floor(offset / pageSize) + 1} of {Math.max(1, Math.ceil(total / pageSize))}
      </span>
      <button type="button" class="secondary" disabled={offset + shown >= total} onClick={() => onPage(offset + pageSize)}>
        Next page
      </button>
    </nav>
  );
}

/** A column of a DataTable: its name, or its name and `numeric` to align the figures right. */
export type Column = string | { name: string; numeric: true };

interface DataTableProps {
  columns: Column[];
  /** adds a last column for the row buttons, named "Actions" for screen readers only */
  actions?: boolean;
  testId?: string;
  /** the rows */
  children: ComponentChildren;
}

/** A table that scrolls sideways when too wide and becomes cards on phones (each cell shows its data-label). */
export function DataTable({ columns, actions, testId, children }: DataTableProps) {
  return (
    <div class="table-wrap">
      <table class="responsive" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === 'string' ? (
                <th scope="col" key={column}>
                  {column}
                </th>
              ) : (
                <th scope="col" class="num" key={column.name}>
                  {column.name}
                </th>
              ),
            )}
            {actions ? (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A secret shown once (a new API key), selectable, with a button that copies it. */
export function SecretOnce({ label, secret }: { label: string; secret: string }) {
  const id = useId('secret');
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  const input = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      // No clipboard API (plain http on another host): select the text for Ctrl+C instead.
      input.current?.select();
      setCopied(document.execCommand?.('copy') ? 'yes' : 'no');
    }
  };
  return (
    <div class="secret">
      <label for={id}>{label}</label>
      <div class="secret-row">
        <input id={id} ref={input} readOnly value={secret} class="mono" onFocus={(event) => (event.currentTarget as HTMLInputElement).select()} />
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p class="hint" role="status">
        {copied === 'yes' ? 'Copied to the clipboard. ' : copied === 'no' ? 'Select it and press Ctrl+C to copy. ' : ''}
        Copy it now: it will not be shown again.
      </p>
    </div>
  );
}

/** Form state: values, field errors, a general message, and a `submit` that runs one action. */
export function useForm<T extends Record<string, string>>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const set = (field: keyof T) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field as string]) setErrors((current) => ({ ...current, [field as string]: '' }));
  };
  /** Starts over with these values, without the errors of an earlier attempt (a dialog opened again). */
  const reset = (next: T) => {
    setValues(next);
    setErrors({});
    setMessage(undefined);
  };
  /** The props that tie a Field to one value and its error (`errorKey` when the server names it otherwise). */
  const field = (name: keyof T & string, errorKey: string = name) => ({ name, value: values[name], onInput: set(name), error: errors[errorKey] });
  /** Runs the action; on failure shows the server's errors; resolves to whether it succeeded. */
  const submit = async (action: () => Promise<void>, codeFields?: CodeFields): Promise<boolean> => {
    setBusy(true);
    setMessage(undefined);
    setErrors({});
    try {
      await action();
      return true;
    } catch (error) {
      const described = describeError(error, codeFields);
      setErrors(described.fields);
      setMessage(described.message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { values, setValues, reset, set, field, errors, setErrors, message, setMessage, busy, submit };
}

export function onSubmit(handler: () => void): JSX.GenericEventHandler<HTMLFormElement> {
  return (event) => {
    event.preventDefault();
    handler();
  };
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
