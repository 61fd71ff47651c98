// Small building blocks: labelled fields with their error beside them, notices, a modal dialog
// (the native <dialog>: focus stays inside, Escape closes it), a secret shown once with a copy
// button, and a form-state hook that maps server errors onto fields.
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

export function Field(props: FieldProps) {
  const id = useId(props.name);
  const described = [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={id}>{props.label}</label>
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
        aria-describedby={described}
        inputMode={props.inputMode}
        list={props.list}
        spellcheck={false}
        autoCapitalize="off"
      />
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

interface SelectProps {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: string }>;
  error?: string;
}

export function SelectField(props: SelectProps) {
  const id = useId(props.name);
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
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
  return { values, setValues, set, errors, setErrors, message, setMessage, busy, submit };
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
