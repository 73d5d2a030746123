import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { ErrorText, fieldMessages, type FieldLabels } from '../error-text';
import { trapTab, useRestoreFocus } from '../focus';
import { CJK, TEXT_LANG, useI18n } from '../i18n';
import { ErrorPanel } from '../page-error';

/**
 * Text as typed, without the explicit bidi controls (embeddings, overrides, isolates) that make words show
 * in another order than they are (a key named "…\u202Egnp.exe" reads as "…exe.png"). Shown in a <bdi>, so
 * what is left cannot reorder the text around it either.
 */
export const withoutBidiControls = (text: string) => text.replace(/[\u202A-\u202E\u2066-\u2069]/g, '');

/**
 * Words an admin or a customer typed (a key's name, a team, a keyword): in whatever language they
 * were written, so Chinese ones carry lang="zh-CN" for a screen reader's voice, as customers' text does.
 */
export function UserText({ text, className }: { text: string; className?: string }) {
  const shown = withoutBidiControls(text);
  return CJK.test(shown) ? (
    <bdi lang={TEXT_LANG} className={className}>
      {shown}
    </bdi>
  ) : (
    <bdi className={className}>{shown}</bdi>
  );
}

/** A list typed into one box: split on commas (either width), 、, semicolons and new lines. */
export function splitList(text: string): string[] {
  return text
    .split(/[,，、;；\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const joinList = (items: readonly string[] | null | undefined) => (items ?? []).join(', ');

/** GET once on mount, again on reload(); the error is shown by the page's ErrorPanel with 重试. */
export function useLoad<T>(load: () => Promise<T>): { data: T | null; error: unknown; loading: boolean; reload: () => Promise<void>; set: (v: T) => void } {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const ref = useRef(load);
  ref.current = load;
  const reload = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await ref.current();
      setState({ data, error: null, loading: false });
    } catch (e) {
      setState((s) => ({ ...s, error: e, loading: false }));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const set = useCallback((data: T) => setState({ data, error: null, loading: false }), []);
  return { ...state, reload, set };
}

/**
 * A form's request, one at a time: a submit while one is on its way is dropped (the button says so with
 * aria-disabled rather than disabled, which would drop focus), and its failure is kept for FormError and,
 * by field, for the FieldErrors. `work` may call setError itself for a failure it carries on past.
 */
export function useSubmit(labels?: FieldLabels) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fields = error !== null ? fieldMessages(t, error, labels) : new Map<string, string>();
  /** `closes`: the form goes away once `work` succeeds (a dialog, the rule form), so it stays busy till then. */
  const run = async (work: () => Promise<void>, { closes = false }: { closes?: boolean } = {}) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await work();
      if (!closes) setBusy(false);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { busy, error, setError, fields, run };
}

/** A column's header: its text, or its text and a class (a number column is right-aligned). */
export type Column = string | { label: string; className: string };

/**
 * An admin list as a table: in a .table-scroll box, so a phone scrolls the table sideways rather than
 * widening the page; the caption (for screen readers only) names the list; every header is scope="col".
 */
export function AdminTable({ className, caption, columns, count, children }: { className: string; caption?: string; columns: Column[]; count?: number; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table className={`grid adm-table ${className}`} data-count={count}>
        {caption !== undefined && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c, i) =>
              typeof c === 'string' ? (
                <th key={i} scope="col">
                  {c}
                </th>
              ) : (
                <th key={i} scope="col" className={c.className}>
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/**
 * An admin page: a section named by its heading, and the page's hint under it. The heading takes focus
 * (tabIndex -1) when the admin area opens the page, so it is id'd by the page's name: adm-<name>-title.
 */
export function AdminSection({ name, title, hint, className, children }: { name: string; title: string; hint: string; className?: string; children: ReactNode }) {
  const titleId = `adm-${name}-title`;
  return (
    <section className={className ? `adm-section ${className}` : 'adm-section'} aria-labelledby={titleId}>
      <h2 id={titleId} tabIndex={-1}>
        {title}
      </h2>
      <p className="muted">{hint}</p>
      {children}
    </section>
  );
}

/** What LoadFailed and Loading read of a useLoad(). */
type LoadState = { data: unknown; error: unknown; reload: () => Promise<void> };

/** A useLoad() that failed: the page-error panel, whose 重试 loads it again. */
export function LoadFailed({ load }: { load: LoadState }) {
  return load.error !== null ? <ErrorPanel error={load.error} onRetry={() => void load.reload()} /> : null;
}

/** 加载中… until a useLoad() has its data or has failed (then LoadFailed says so). */
export function Loading({ load }: { load: LoadState }) {
  const { t } = useI18n();
  return !load.data && load.error === null ? <div className="muted">{t('loading')}</div> : null;
}

/**
 * A form's submit button (保存 unless named otherwise). While the request is on its way it says so and is
 * aria-disabled, not disabled: a disabled button would drop the focus of whoever just pressed it.
 */
export function SubmitButton({ action, busy, label, busyLabel }: { action: string; busy: boolean; label?: string; busyLabel?: string }) {
  const { t } = useI18n();
  return (
    <button type="submit" className="btn btn-primary" data-action={action} aria-disabled={busy || undefined}>
      {busy ? (busyLabel ?? t('saving')) : (label ?? t('save'))}
    </button>
  );
}

// A refused field's reason under it, and the props tying the input to it: shared with the ingest form.
export { FieldError, invalidProps } from '../field-error';

/** A request's failure in one line under a form, worded like every other console error. */
export function FormError({ error, fields }: { error: unknown; fields?: FieldLabels }) {
  const { t } = useI18n();
  if (error === null || error === undefined) return null;
  return (
    <div className="alert alert-error form-error" role="alert">
      {t('error')}: <ErrorText error={error} fields={fields} />
    </div>
  );
}

interface DialogProps {
  title: string;
  children: ReactNode;
  onClose: () => void;
  /** Escape and a click beside the dialog close it; false for a dialog that must be closed by its button. */
  dismissable?: boolean;
  className?: string;
  /** data-dialog, for tests and styles. */
  name: string;
}

/**
 * A modal dialog as the console's others (category picker, keys): Tab stays inside, Escape closes it
 * (unless it shows something that cannot be shown again), and focus goes back to what opened it.
 */
export function Dialog({ title, children, onClose, dismissable = true, className, name }: DialogProps) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  // Set before useRestoreFocus's cleanup hands focus back to the opener, so that handing-back is not
  // taken for focus escaping the dialog (layout cleanups run in the order they were declared).
  const closing = useRef(false);
  useLayoutEffect(() => {
    closing.current = false;
    return () => {
      closing.current = true;
    };
  }, []);
  useRestoreFocus();
  // When the opener is gone (the row of a webhook just deleted, the revoke button of a key just
  // revoked; it may go in the same render that closes the dialog, after focus went back to it), focus
  // goes to the section's heading rather than falling to <body>, where a keyboard user starts again
  // from the top. Checked once that render is done.
  useLayoutEffect(() => {
    return () => {
      setTimeout(() => {
        const at = document.activeElement;
        if (at && at !== document.body && at.isConnected) return;
        document.querySelector<HTMLElement>('.admin-page .adm-section > h2')?.focus();
      }, 0);
    };
  }, []);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    // A dialog without an autofocused control still takes focus, so Tab starts inside it.
    if (box.current && !box.current.contains(document.activeElement)) box.current.focus();
    // Focus can still drop out of it: a button that disables itself while its request runs loses
    // focus to <body>. Keys pressed there are the dialog's too, and focus goes back inside.
    const onKey = (e: globalThis.KeyboardEvent) => {
      const el = box.current;
      if (!el || el.contains(e.target as Node)) return;
      if (e.key === 'Escape' && dismissable) {
        e.preventDefault();
        close.current();
      } else if (e.key === 'Tab') {
        e.preventDefault();
        el.focus();
      }
    };
    const onFocusIn = (e: FocusEvent) => {
      const el = box.current;
      if (el && !closing.current && !el.contains(e.target as Node)) el.focus();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('focusin', onFocusIn);
    };
  }, [dismissable]);
  return createPortal(
    <div className="overlay adm-overlay" onMouseDown={dismissable ? onClose : undefined}>
      <div
        ref={box}
        className={`adm-dialog ${className ?? ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-dialog={name}
        tabIndex={-1}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          trapTab(e);
          if (e.key === 'Escape' && dismissable) {
            e.preventDefault();
            onClose();
          }
          e.stopPropagation();
        }}
      >
        <h2 id={titleId} className="adm-dialog-title">
          {title}
        </h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}

interface ConfirmProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  name: string;
  /** The confirm button stays disabled until this is typed again (irreversible actions). */
  typed?: { expected: string; label: string };
  /** A checkbox that must be ticked first (e.g. revoking the key you are signed in with). */
  acknowledge?: string;
}

/** Asks before a destructive request; the request's failure stays in the dialog, beside its retry. */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onClose, name, typed, acknowledge }: ConfirmProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [ack, setAck] = useState(false);
  const { busy, error, run } = useSubmit();
  const typedId = useId();
  // Not yet confirmable: disabled. Already confirming: stays focusable (a disabled button drops focus), marked busy.
  const confirmable = (!typed || text === typed.expected) && (!acknowledge || ack);
  const ready = confirmable && !busy;
  const confirm = async () => {
    if (!ready) return;
    // Confirmed, the dialog closes: it stays busy till then.
    await run(onConfirm, { closes: true });
  };
  return (
    <Dialog title={title} onClose={busy ? () => undefined : onClose} name={name}>
      <div className="adm-dialog-body">{children}</div>
      {typed && (
        <label className="field adm-typed">
          <span>{typed.label}</span>
          <input
            autoFocus
            name="confirm-typed"
            autoComplete="off"
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void confirm();
              }
            }}
            aria-describedby={typedId}
          />
          <span id={typedId} className="small muted">
            {text === '' || text === typed.expected ? t('admTypedHint') : t('admTypedMismatch')}
          </span>
        </label>
      )}
      {acknowledge && (
        <label className="adm-check adm-ack">
          <input type="checkbox" name="acknowledge" checked={ack} onChange={(e) => setAck(e.target.checked)} />
          <span>{acknowledge}</span>
        </label>
      )}
      <FormError error={error} />
      <div className="adm-dialog-actions">
        <button type="button" className="btn" data-action="cancel" onClick={onClose} disabled={busy} autoFocus={!typed && !acknowledge}>
          {t('cancel')}
        </button>
        <button type="button" className="btn btn-danger-fill" data-action="confirm" disabled={!confirmable} aria-disabled={busy || undefined} onClick={() => void confirm()}>
          {busy ? t('admWorking') : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    // Only in secure contexts (https, localhost); an intranet http console falls back to the selection.
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection
  }
  if (!input) return false;
  input.focus();
  input.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

/**
 * A secret the server shows once (a new API key, a webhook's signing secret): copy button, and a
 * warning that it cannot be shown again. Escape does not close it: one stray key press would lose it.
 */
export function SecretDialog({ title, secret, warning, onClose, name, children }: { title: string; secret: string; warning: string; onClose: () => void; name: string; children?: ReactNode }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const warningId = useId();
  return (
    <Dialog title={title} onClose={onClose} dismissable={false} name={name} className="adm-secret">
      <p className="alert adm-warn" id={warningId}>
        <strong>{t('admOnceTitle')}</strong> {warning}
      </p>
      {children}
      <div className="adm-secret-row">
        <input
          ref={input}
          className="mono adm-secret-value"
          readOnly
          value={secret}
          aria-label={t('admSecretValue')}
          aria-describedby={warningId}
          autoFocus
          onFocus={(e) => e.currentTarget.select()}
          data-secret
        />
        <button
          type="button"
          className="btn"
          data-action="copy"
          onClick={() => {
            void copyText(secret, input.current).then((ok) => setCopied(ok ? 'yes' : 'no'));
          }}
        >
          {t('admCopy')}
        </button>
      </div>
      <div role="status" className="small adm-copy-status">
        {copied === 'yes' ? <span className="adm-ok">{t('admCopied')}</span> : copied === 'no' ? <span className="adm-err">{t('admCopyFailed')}</span> : null}
      </div>
      <div className="adm-dialog-actions">
        <button type="button" className="btn btn-primary" data-action="close-secret" onClick={onClose}>
          {t('admSecretDone')}
        </button>
      </div>
    </Dialog>
  );
}

/** A short-lived note that a change was saved, read out by screen readers. */
export function Saved({ text }: { text: string | null }) {
  return (
    <span role="status" className="adm-ok adm-saved" data-saved={text ? 'true' : undefined}>
      {text}
    </span>
  );
}
