import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';
import { href } from '../router';
import { adminApi, type ErasureResult } from './admin-api';
import { AdminSection, ConfirmDialog, UserText } from './ui';

type By = 'customer' | 'document';

interface Done {
  by: By;
  target: string;
  result: ErasureResult;
}

/** Right to erasure: everything about one customer, or one document. Irreversible, so the id is typed twice. */
export function ErasurePage() {
  const { t } = useI18n();
  const [by, setBy] = useState<By>('customer');
  const [target, setTarget] = useState('');
  const [asking, setAsking] = useState<{ by: By; target: string } | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [empty, setEmpty] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = target.trim();
    setEmpty(id === '');
    if (id) setAsking({ by, target: id });
  };

  return (
    <AdminSection name="erasure" title={t('admErasureTitle')} hint={t('admErasureHint')}>
      <form className="card adm-form erasure-form" onSubmit={submit} noValidate>
        <fieldset className="adm-fieldset">
          <legend>{t('admEraseBy')}</legend>
          <label className="adm-radio">
            <input type="radio" name="eraseBy" value="customer" checked={by === 'customer'} onChange={() => setBy('customer')} />
            <span>
              <b>{t('admEraseByCustomer')}</b> <span className="small muted adm-option-hint">{t('admEraseByCustomerHint')}</span>
            </span>
          </label>
          <label className="adm-radio">
            <input type="radio" name="eraseBy" value="document" checked={by === 'document'} onChange={() => setBy('document')} />
            <span>
              <b>{t('admEraseByDocument')}</b> <span className="small muted adm-option-hint">{t('admEraseByDocumentHint')}</span>
            </span>
          </label>
        </fieldset>
        <label className="field">
          <span>{by === 'customer' ? t('customerId') : t('admDocumentId')}</span>
          <input
            name="eraseTarget"
            autoComplete="off"
            spellCheck={false}
            value={target}
            onChange={(e) => {
              setTarget(e.target.value);
              setEmpty(false);
            }}
            aria-invalid={empty || undefined}
            aria-describedby={empty ? 'erase-target-error' : undefined}
          />
          {empty && (
            <span className="field-error adm-err small" id="erase-target-error">
              {t('admEraseIdRequired')}
            </span>
          )}
        </label>
        <p className="alert adm-warn">{t('admEraseWarning')}</p>
        <div className="row">
          <button type="submit" className="btn btn-danger-fill" data-action="erase">
            {t('admEraseStart')}
          </button>
        </div>
      </form>
      {done && <ErasureSummary done={done} />}
      {asking && (
        <ConfirmDialog
          name="erase"
          title={asking.by === 'customer' ? t('admEraseCustomerTitle') : t('admEraseDocumentTitle')}
          confirmLabel={t('admEraseConfirm')}
          typed={{ expected: asking.target, label: t('admTypeIdAgain') }}
          onClose={() => setAsking(null)}
          onConfirm={async () => {
            const result = asking.by === 'customer' ? await adminApi.eraseCustomer(asking.target) : await adminApi.eraseDocument(asking.target);
            setDone({ ...asking, result });
            setAsking(null);
            setTarget('');
          }}
        >
          <p>
            {asking.by === 'customer' ? t('admEraseCustomerBody') : t('admEraseDocumentBody')}{' '}
            <b className="mono adm-break">
              <UserText text={asking.target} />
            </b>
          </p>
          <p className="alert adm-warn">{t('admIrreversible')}</p>
        </ConfirmDialog>
      )}
    </AdminSection>
  );
}

function ErasureSummary({ done }: { done: Done }) {
  const { t } = useI18n();
  const { result } = done;
  const m = result.models;
  return (
    <div
      className="card adm-result erasure-result"
      role="status"
      data-erasure-result
      data-documents={result.deleted.documents}
      data-tags={result.deleted.tags}
      data-withdrawn={m.withdrawn.length}
      data-retrain-job={m.retrainJob ?? ''}
    >
      <h3 className="adm-sub">{done.by === 'customer' ? t('admErasedCustomer') : t('admErasedDocument')}</h3>
      <p className="mono adm-break">
        <UserText text={done.target} />
      </p>
      <dl className="adm-counts">
        <Count label={t('admDeletedDocuments')} name="documents" n={result.deleted.documents} />
        <Count label={t('admDeletedTags')} name="tags" n={result.deleted.tags} />
        <Count label={t('admWithdrawnModels')} name="withdrawn" n={m.withdrawn.length} />
      </dl>
      {result.deleted.documents === 0 && <p className="muted">{t('admNothingErased')}</p>}
      {m.withdrawn.length > 0 ? (
        <div className="adm-withdrawn">
          <p>{t('admWithdrawnList')}</p>
          <ul>
            {m.withdrawn.map((v) => (
              <li key={v} className="mono">
                {v}
              </li>
            ))}
          </ul>
          {m.active && <p className="small">{t('admActiveNow', { v: m.active })}</p>}
        </div>
      ) : (
        <p className="small muted">{t('admNoModelsWithdrawn')}</p>
      )}
      {m.retrainJob && (
        <p data-retrain>
          {t('admRetrainStarted', { id: m.retrainJob })} <a href={href('models')}>{t('navModels')}</a>
        </p>
      )}
    </div>
  );
}

/** One of an erasure's counts: a term of the result's <dl>, data-count naming what was counted. */
function Count({ label, name, n }: { label: string; name: string; n: number }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className="num" data-count={name}>
        {n}
      </dd>
    </div>
  );
}
