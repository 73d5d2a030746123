import type { FormEvent } from 'react';
import type { I18n } from './i18n';

/** A refused field's reason, right under it (the input names it with aria-describedby). */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="field-error adm-err small" id={id} data-field-error>
      {message}
    </span>
  );
}

/** Props that tie an input to its FieldError. */
export const invalidProps = (message: string | undefined, id: string) =>
  message ? { 'aria-invalid': true as const, 'aria-describedby': id } : {};

type Checked = HTMLInputElement | HTMLTextAreaElement;

/**
 * The browser's own check of a required or ranged field, worded in the console's language: its bubble
 * follows the browser's language ("Please fill out this field." in a Chinese console). The custom message
 * is set when the check fails and cleared on the next input, so the browser checks again from scratch.
 */
export const validityProps = (t: I18n['t']) => ({
  onInvalid: (e: FormEvent<Checked>) => {
    const el = e.currentTarget;
    const v = el.validity;
    const min = 'min' in el ? el.min : '';
    const max = 'max' in el ? el.max : '';
    if (v.valueMissing) el.setCustomValidity(t('validityRequired'));
    else if (v.rangeUnderflow || v.rangeOverflow) el.setCustomValidity(t('validityRange', { min, max }));
    else if (v.stepMismatch || v.badInput) el.setCustomValidity(t('validityWholeNumber'));
  },
  onInput: (e: FormEvent<Checked>) => e.currentTarget.setCustomValidity(''),
});
