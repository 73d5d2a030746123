import { useEffect, useRef, useState } from 'react';
import { useAppData, canLabel } from './app-data';
import { CategoryPicker } from './category-picker';
import { noteCorrection, useDoc } from './doc-cache';
import { DocumentBody, HighlightLegend, hasNoText } from './highlighted-text';
import { sourceKey, TEXT_LANG, useI18n, type MsgKey } from './i18n';
import { TagLabel } from './tag-chip';
import { canGoBackInApp, href } from './router';
import { SurveyHead } from './score-badge';
import { ErrorText } from './error-text';
import { ErrorPanel } from './page-error';
import { pickingFor } from './span-pick';
import { useFocusOnClose, useFocusRescue } from './focus';
import { AddTagPanel, RemovedTagToast, TagActions } from './tag-actions';
import { wallTime } from './time';
import { coarsePointer } from './touch';
import { useCorrection } from './use-correction';

const STATUS_KEY: Record<string, MsgKey> = {
  queued: 'statusQueued',
  processing: 'statusProcessing',
  done: 'statusDone',
  failed: 'statusFailed',
};

const SENTIMENT_KEY: Record<string, MsgKey> = { positive: 'positive', negative: 'negative', neutral: 'neutral', mixed: 'mixed' };

export function DocPage({ id }: { id: string }) {
  const { t, categoryName } = useI18n();
  const { me } = useAppData();
  // Detail always refetches: labelers may have corrected it since the feed cached it.
  const loaded = useDoc(id, true);
  const error = loaded.error;
  const [saved, setSaved] = useState(false);
  const editing = useCorrection(id, loaded.doc, {
    starting: () => setSaved(false),
    after: () => {
      // The feed remembers its cards; a correction here may move tags in or out of its filter.
      noteCorrection();
      setSaved(true);
    },
  });
  const { doc, adding, setAdding, busy, saveError, setSaveError, body, send, addTag, tagActions, picker, takeSelection, removed, undoRemove, dismissUndo } = editing;
  const { selectedId: selected, setSelectedId: setSelected } = editing;
  const editable = canLabel(me);
  // The new-tag button hides while the form is open; focus comes back to it when the form closes.
  useFocusOnClose(adding !== null, () => '.doc-label [data-action=new-tag]');
  // Closing, deleting or changing a tag from its actions keeps the keyboard here: on the tag's row, the undo
  // of a delete, or the new-tag button.
  const root = useRef<HTMLDivElement>(null);
  useFocusRescue(root, busy, (tagId) => [
    tagId && `tr[data-tag-id="${CSS.escape(tagId)}"] button`,
    '.undo-toast [data-action=undo-remove]',
    '.tag-actions [data-action=category]',
    '.doc-label [data-action=new-tag]',
  ]);

  // A document still queued or in analysis (just submitted, or queued again by a re-tag) is asked for again
  // until that is over: the page stayed at 排队中 with no tags, or with the old ones, until reloaded.
  const analyzing = loaded.doc !== null && (loaded.doc.status === 'queued' || loaded.doc.status === 'processing');
  const { retry } = loaded;
  useEffect(() => {
    if (!analyzing) return;
    const timer = window.setTimeout(retry, 2000);
    return () => window.clearTimeout(timer);
  }, [analyzing, loaded.doc, retry]);

  if (error)
    return (
      <div className="page page-pad">
        <ErrorPanel error={error} onRetry={loaded.retry} />
      </div>
    );
  if (!doc) return <div className="page page-pad muted">{t('loading')}</div>;
  const selectedTag = doc.tags.find((x) => x.id === selected) ?? null;

  return (
    <div className="page page-pad doc-page" ref={root}>
      <div className="toolbar">
        <a className="btn btn-small" href="#/feed" onClick={(e) => { if (canGoBackInApp()) { e.preventDefault(); history.back(); } }}>
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
        <div><dt>{t('reviewed')}</dt><dd data-reviewed={String(doc.reviewed)}>{doc.reviewed ? `✓ ${t('yes')}` : t('no')}</dd></div>
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
        <div><dt>{t('occurredAt')}</dt><dd>{wallTime(doc.occurredAt ?? doc.createdAt, true)}</dd></div>
      </dl>
      <SurveyHead doc={doc} />
      <div className="card doc-card" ref={body} onMouseUp={adding ? () => void takeSelection() : undefined}>
        <DocumentBody
          doc={doc}
          selectedTagId={selected}
          onTagClick={(tag) => setSelected(tag.id)}
          picking={pickingFor(adding, setAdding, () => setAdding(null))}
        />
      </div>
      {doc.tags.length > 0 && <HighlightLegend />}
      {/* a document a re-tag has queued again keeps its tags until then, and takes corrections meanwhile */}
      {editable && (doc.status === 'done' || doc.processedAt !== null) && !hasNoText(doc) && (
        <div className="doc-label">
          {adding ? (
            <AddTagPanel
              span={adding.span}
              untaggable={adding.untaggable}
              busy={busy}
              takeFocus={adding.keys !== undefined}
              onAdd={addTag}
              onCancel={() => setAdding(null)}
            />
          ) : selectedTag ? (
            <TagActions
              tag={selectedTag}
              busy={busy}
              {...tagActions(selectedTag.id)}
              onClose={() => setSelected(null)}
            />
          ) : doc.tags.length > 0 ? (
            <div className="muted small tag-actions-empty">{t(coarsePointer() ? 'noTagSelected' : 'noTagSelectedFine')}</div>
          ) : null}
          <div className="doc-actions">
            {!adding && (
              // mousedown would collapse a selection made before reaching for the button.
              <button
                type="button"
                className="btn btn-small"
                data-action="new-tag"
                disabled={busy}
                onMouseDown={(e) => e.preventDefault()}
                onClick={(e) => {
                  setSaveError(null);
                  // Pressed from the keyboard (no click count), the text takes focus to choose the words with the arrow keys.
                  if (!takeSelection()) setAdding((a) => a ?? { span: null, ...(e.detail === 0 ? { keys: 1 } : {}) });
                }}
              >
                + {t('newTag')}
              </button>
            )}
            <button type="button" className="btn btn-small btn-primary" data-action="accept" disabled={busy} onClick={() => void send([{ op: 'accept' }])}>
              {/* With no tags, accepting says the document was read and holds no opinion (it leaves the queue). */}
              ✓ {t(doc.tags.length > 0 ? 'acceptAll' : 'confirmNoOpinions')}
            </button>
            <span className={`save-state ${saveError !== null ? 'err' : ''}`} role="status" data-pending={busy ? 1 : 0}>
              {busy ? t('saving') : saveError !== null ? <>{t('error')}: <ErrorText error={saveError} /></> : saved ? t('saved') : ''}
            </span>
          </div>
          {removed && <RemovedTagToast tag={removed} busy={busy} onUndo={() => void undoRemove()} onDismiss={dismissUndo} />}
        </div>
      )}
      {picker && <CategoryPicker {...picker} />}
      <h2 className="sub">{t('tags')} ({doc.tags.length})</h2>
      {doc.tags.length === 0 ? (
        <div className="muted">{t('noTags')}</div>
      ) : (
        <div className="table-scroll">
          <table className="grid doc-tags">
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
                <tr key={tag.id} className={selected === tag.id ? 'row-selected' : ''} data-tag-id={tag.id} onClick={() => setSelected(tag.id)}>
                  <td>
                    <span className="tag-cell">
                      <span className={`dot dot-${tag.polarity}`} />
                      {/* The row's click is for the mouse; the button lets the keyboard pick the tag too. */}
                      <button type="button" className="link-btn" aria-pressed={selected === tag.id} onClick={(e) => { e.stopPropagation(); setSelected(tag.id); }}>
                        <TagLabel tag={tag} />
                      </button>
                    </span>
                  </td>
                  <td lang={tag.aspect ? TEXT_LANG : undefined}>{tag.aspect ?? '—'}</td>
                  <td className={`pol-${tag.polarity}`}>{t(tag.polarity)}</td>
                  <td>{categoryName(tag.category)}</td>
                  <td className="num">{tag.confidence.toFixed(2)}</td>
                  <td>{sourceKey(tag.source) ? t(sourceKey(tag.source)!) : tag.source}</td>
                  {/* A labeler's tag was not written by any model version. */}
                  <td className="mono small">{tag.source === 'human' ? <span className="muted">{t('addedByLabeler')}</span> : tag.modelVersion}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
