import { useRef, useState, type FormEvent } from 'react';
import { api, type Kind, type Speaker } from './api';
import { textLang, useI18n } from './i18n';
import { href } from './router';
import { ErrorText, fieldMessages, type FieldLabels } from './error-text';
import { FieldError, invalidProps, validityProps } from './field-error';

const SPEAKERS: Record<string, Speaker> = {
  客户: 'customer',
  customer: 'customer',
  坐席: 'agent',
  客服: 'agent',
  agent: 'agent',
  系统: 'system',
  system: 'system',
};

function parseTurns(raw: string) {
  return raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^([^:：]{1,10})[:：]\s*(.*)$/.exec(line);
      const speaker = m ? SPEAKERS[m[1]!.trim().toLowerCase()] : undefined;
      return speaker ? { speaker, text: m![2]! } : { speaker: 'customer' as Speaker, text: line };
    });
}

// The API's names for what this form sends, as the form labels them: `source` is the 渠道 field here
// (on the feed it would be the tag-source filter), and a transcript's turns are its lines.
const INGEST_FIELDS: FieldLabels = {
  kind: 'kind',
  source: 'channel',
  text: 'ingestText',
  turns: 'transcript',
  score: 'score',
  scale: 'scale',
  question: 'question',
  'turns.#': 'fieldTurnText',
  'turns.#.text': 'fieldTurnText',
};

/** Admin convenience for trying the pipeline by hand; production ingest goes through the API. */
export function IngestPage() {
  const { t } = useI18n();
  const [kind, setKind] = useState<Kind>('comment');
  const [source, setSource] = useState('web');
  const [text, setText] = useState('');
  // a survey answer: its score on its scale, the question asked, and the comment only when there is one
  // (most respondents leave it empty, and the API stores such an answer as score-only)
  const [scale, setScale] = useState<'nps' | 'csat'>('nps');
  const [score, setScore] = useState('');
  const [question, setQuestion] = useState('');
  const [result, setResult] = useState<{ id?: string; error?: unknown } | null>(null);
  // One document per press: a double click (or Enter pressed again) sent it twice, each under its own
  // externalId, so the service kept two copies. A ref, as the second click can come before a re-render.
  const sending = useRef(false);
  const [busy, setBusy] = useState(false);

  // The refused fields are marked where they are, not only named in the line under the form.
  const fieldError = result?.error !== undefined ? fieldMessages(t, result.error, INGEST_FIELDS) : new Map<string, string>();
  const textError = fieldError.get('text') ?? fieldError.get('turns');
  const validity = validityProps(t);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setResult(null);
    const body: Record<string, unknown> = {
      kind,
      source,
      externalId: `console-${Date.now()}`,
      occurredAt: new Date().toISOString(),
    };
    if (kind === 'transcript') body.turns = parseTurns(text);
    else if (kind !== 'survey' || text.trim()) body.text = text;
    if (kind === 'survey') {
      Object.assign(body, { scale, score: score.trim() === '' ? score : Number(score) });
      if (question.trim()) body.question = question.trim();
    }
    try {
      const r = await api.ingest(body);
      setResult({ id: r.id });
      setText('');
      setScore('');
    } catch (err) {
      setResult({ error: err });
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  return (
    <div className="page page-pad ingest-page">
      <h2>{t('ingestTitle')}</h2>
      <form className="card ingest-form" onSubmit={(e) => void submit(e)}>
        <div className="row">
          <label className="field">
            <span>{t('kind')}</span>
            <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              <option value="comment">{t('comment')}</option>
              <option value="transcript">{t('transcript')}</option>
              <option value="social">{t('social')}</option>
              <option value="survey">{t('survey')}</option>
            </select>
          </label>
          <label className="field">
            <span>{t('channel')}</span>
            <input
              name="source"
              value={source}
              onChange={(e) => setSource(e.target.value)}
              required
              {...validity}
              {...invalidProps(fieldError.get('source'), 'ingest-source-error')}
            />
            <FieldError id="ingest-source-error" message={fieldError.get('source')} />
          </label>
        </div>
        {kind === 'survey' && (
          <div className="row survey-fields">
            <label className="field">
              <span>{t('scale')}</span>
              <select name="scale" value={scale} onChange={(e) => setScale(e.target.value as 'nps' | 'csat')}>
                <option value="nps">{t('scaleNps')}</option>
                <option value="csat">{t('scaleCsat')}</option>
              </select>
            </label>
            <label className="field">
              <span>{t('score')}</span>
              <input
                name="score"
                type="number"
                inputMode="numeric"
                min={scale === 'nps' ? 0 : 1}
                max={scale === 'nps' ? 10 : 5}
                step={1}
                value={score}
                onChange={(e) => setScore(e.target.value)}
                required
                {...validity}
                {...invalidProps(fieldError.get('score'), 'ingest-score-error')}
              />
              <FieldError id="ingest-score-error" message={fieldError.get('score')} />
            </label>
            <label className="field">
              <span>{t('question')}</span>
              <input name="question" value={question} lang={textLang(question)} onChange={(e) => setQuestion(e.target.value)} />
            </label>
          </div>
        )}
        <label className="field">
          <span>{kind === 'transcript' ? t('ingestTurns') : t('ingestText')}</span>
          <textarea
            rows={8}
            value={text}
            lang={textLang(text)}
            onChange={(e) => setText(e.target.value)}
            required={kind !== 'survey'}
            {...validity}
            {...invalidProps(textError, 'ingest-text-error')}
          />
          <FieldError id="ingest-text-error" message={textError} />
        </label>
        <div className="row">
          {/* aria-disabled, not disabled: a disabled button drops the focus of whoever just pressed it */}
          <button className="btn btn-primary" type="submit" aria-disabled={busy || undefined}>
            {t('submit')}
          </button>
          {/* there before anything is sent, so a screen reader hears 已提交 when it comes (the text just typed is cleared) */}
          <span className="ingest-result" role="status">
            {result?.id && (
              <>
                {t('submitted')}
                <a href={href(`doc/${encodeURIComponent(result.id)}`)}>{result.id}</a>
              </>
            )}
          </span>
          {result?.error !== undefined && (
            <span className="err" role="alert">
              {t('error')}: <ErrorText error={result.error} fields={INGEST_FIELDS} />
            </span>
          )}
        </div>
      </form>
    </div>
  );
}
