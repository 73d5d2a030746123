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
