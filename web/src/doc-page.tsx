import { useState } from 'react';
import { useAppData, canLabel } from './app-data';
import { useDoc } from './doc-cache';
import { DocumentBody } from './highlighted-text';
import { sourceKey, useI18n, type MsgKey } from './i18n';
import { href } from './router';
import { SurveyHead } from './score-badge';
import { ErrorText } from './error-text';

const STATUS_KEY: Record<string, MsgKey> = {
  queued: 'statusQueued',
  processing: 'statusProcessing',
  done: 'statusDone',
  failed: 'statusFailed',
};

const SENTIMENT_KEY: Record<string, MsgKey> = { positive: 'positive', negative: 'negative', neutral: 'neutral', mixed: 'mixed' };

export function DocPage({ id }: { id: string }) {
  const { t, tagLabel, categoryName } = useI18n();
  const { me } = useAppData();
  // Detail always refetches: labelers may have corrected it since the feed cached it.
  const { doc, error } = useDoc(id, true);
  const [selected, setSelected] = useState<string | null>(null);

  if (error)
    return (
      <div className="page page-pad alert alert-error" role="alert">
        <ErrorText error={error} />
      </div>
    );
  if (!doc) return <div className="page page-pad muted">{t('loading')}</div>;

  return (
    <div className="page page-pad doc-page">
      <div className="toolbar">
        <a className="btn btn-small" href="#/feed" onClick={(e) => { if (history.length > 1) { e.preventDefault(); history.back(); } }}>
          ← {t('back')}
        </a>
        <strong>{t('detail')}</strong>
        <span className="muted mono small">{doc.id}</span>
        {canLabel(me) && !doc.reviewed && (
          <a className="btn btn-small" href={href('label', { doc: doc.id })}>
            {t('openInQueue')}
          </a>
        )}
      </div>
      <dl className="meta">
        <div><dt>{t('kind')}</dt><dd>{t(doc.kind)}</dd></div>
        <div><dt>{t('channel')}</dt><dd>{doc.source}</dd></div>
        <div><dt>{t('externalId')}</dt><dd>{doc.externalId}</dd></div>
        <div><dt>{t('status')}</dt><dd>{t(STATUS_KEY[doc.status] ?? 'statusDone')}{doc.error ? ` · ${doc.error}` : ''}</dd></div>
        <div><dt>{t('sentiment')}</dt><dd>{doc.sentiment && doc.sentiment in SENTIMENT_KEY ? t(SENTIMENT_KEY[doc.sentiment]!) : (doc.sentiment ?? '—')}</dd></div>
        <div><dt>{t('reviewed')}</dt><dd>{doc.reviewed ? '✓' : '—'}</dd></div>
        {doc.customerId && (
          <div>
            <dt>{t('customerId')}</dt>
            <dd>
              {doc.customerId}{' '}
              <a className="journey-link" href={href(`customers/${encodeURIComponent(doc.customerId)}`)}>
                {t('viewJourney')} →
              </a>
            </dd>
          </div>
        )}
        <div><dt>{t('occurredAt')}</dt><dd>{(doc.occurredAt ?? doc.createdAt ?? '').slice(0, 19).replace('T', ' ')}</dd></div>
      </dl>
      <SurveyHead doc={doc} />
      <div className="card doc-card">
        <DocumentBody doc={doc} selectedTagId={selected} onTagClick={(tag) => setSelected(tag.id)} />
      </div>
      <h3>{t('tags')} ({doc.tags.length})</h3>
      {doc.tags.length === 0 ? (
        <div className="muted">{t('noTags')}</div>
      ) : (
        <div className="table-scroll">
          <table className="grid">
            <thead>
              <tr>
                <th>{t('opinion')}</th>
                <th>{t('aspect')}</th>
                <th>{t('polarity')}</th>
                <th>{t('category')}</th>
                <th>{t('confidence')}</th>
                <th>{t('tagSource')}</th>
                <th>{t('modelVersion')}</th>
              </tr>
            </thead>
            <tbody>
              {doc.tags.map((tag) => (
                <tr key={tag.id} className={selected === tag.id ? 'row-selected' : ''} onClick={() => setSelected(tag.id)}>
                  <td><span className={`dot dot-${tag.polarity}`} />{tagLabel(tag)}</td>
                  <td>{tag.aspect ?? '—'}</td>
                  <td className={`pol-${tag.polarity}`}>{t(tag.polarity)}</td>
                  <td>{categoryName(tag.category)}</td>
                  <td className="num">{tag.confidence.toFixed(2)}</td>
                  <td>{sourceKey(tag.source) ? t(sourceKey(tag.source)!) : tag.source}</td>
                  <td className="mono small">{tag.modelVersion}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
