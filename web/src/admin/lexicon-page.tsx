import { useEffect, useRef, useState, type Dispatch, type FormEvent, type ReactNode, type SetStateAction } from 'react';
import { api, ApiError } from '../api';
import { RetagBar, retagFinished, usePoll } from '../job-progress';
import { ErrorText, type FieldLabels } from '../error-text';
import { TEXT_LANG, useI18n } from '../i18n';
import { ErrorPanel } from '../page-error';
import {
  adminApi,
  Intent,
  type AspectSuggestion,
  type LexiconOverrides,
  type LexiconSuggestions,
  type SentimentSuggestion,
  type SuggestionExample,
  type TaxonomyWithOverrides,
} from './admin-api';
import { AdminSection, FieldError, FormError, invalidProps, LoadFailed, Loading, Saved, SubmitButton, useLoad, UserText, useSubmit, withoutBidiControls } from './ui';

const LEXICON_FIELDS: FieldLabels = { aspects: 'lexAspects', sentiment: 'lexSentiment' };

/** The API's rule for a term (src/api/dto/taxonomy-dto.ts): checked here too so a typo is named at once. */
const TERM = /^[\p{Script=Han}A-Za-z0-9]{1,20}$/u;
// Skips last as long as the tab (like the API key): a reload does not bring back what was set aside.
const SKIPPED_STORAGE = 'guandian.lexiconSkipped';

type T = ReturnType<typeof useI18n>['t'];

interface AspectRow {
  /** React's key: rows are added and removed in the middle. */
  key: number;
  term: string;
  category: string;
}

interface WordRow {
  key: number;
  term: string;
  strength: string;
}

let nextKey = 1;

const aspectRows = (o: LexiconOverrides): AspectRow[] => Object.entries(o.aspects).map(([term, category]) => ({ key: nextKey++, term, category }));
const wordRows = (o: LexiconOverrides): WordRow[] => Object.entries(o.sentiment).map(([term, s]) => ({ key: nextKey++, term, strength: String(s) }));

/** The maps PUT /v1/taxonomy takes, from the rows as typed (terms trimmed: the edges' spaces are not what was meant). */
function body(aspects: AspectRow[], words: WordRow[]): LexiconOverrides {
  return {
    aspects: Object.fromEntries(aspects.map((r) => [r.term.trim(), r.category])),
    sentiment: Object.fromEntries(words.map((r) => [r.term.trim(), Number(r.strength.trim())])),
  };
}

const snapshot = (aspects: AspectRow[], words: WordRow[]) =>
  JSON.stringify([aspects.map((r) => [r.term.trim(), r.category]), words.map((r) => [r.term.trim(), r.strength.trim()])]);

const strengthOk = (raw: string) => {
  const s = raw.trim();
  const v = Number(s);
  return s !== '' && Number.isFinite(v) && v !== 0 && v >= -2 && v <= 2;
};

/** A row's problems: the term's, and the second field's (category or strength). */
type RowProblems = { term?: string; value?: string };

/** Each row's problems by field, as the API would refuse them; duplicates too, which a map would silently merge. */
function problems(t: T, rows: { key: number; term: string }[], second: (i: number) => string | undefined): Map<number, RowProblems> {
  const out = new Map<number, RowProblems>();
  const first = new Map<string, number>();
  rows.forEach((r, i) => {
    const term = r.term.trim();
    let termError: string | undefined;
    if (!TERM.test(term)) termError = t('lexTermInvalid');
    else {
      // The lexicon matches lower-cased text: App and app are one entry.
      const seen = first.get(term.toLowerCase());
      if (seen !== undefined) termError = t('lexTermDuplicate', { n: seen + 1 });
      else first.set(term.toLowerCase(), i);
    }
    const valueError = second(i);
    if (termError || valueError) out.set(r.key, { term: termError, value: valueError });
  });
  return out;
}

function readSkipped(): Set<string> {
  try {
    const v = JSON.parse(sessionStorage.getItem(SKIPPED_STORAGE) ?? '[]') as unknown;
    return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function LexiconPage() {
  const { t } = useI18n();
  const loaded = useLoad(adminApi.taxonomy);
  const suggestions = useLoad(adminApi.lexiconSuggestions);
  return (
    <AdminSection name="lexicon" title={t('admLexiconTitle')} hint={t('admLexiconHint')} className="lexicon-page">
      <LoadFailed load={loaded} />
      {loaded.data && (
        <LexiconEditor
          taxonomy={loaded.data}
          suggestions={suggestions.data}
          suggestionsError={suggestions.error}
          onSaved={(next) => {
            loaded.set(next);
            // What was just added is no longer suggested (the server leaves out what the lexicon holds).
            void suggestions.reload();
          }}
          onRetrySuggestions={() => void suggestions.reload()}
        />
      )}
      <Loading load={loaded} />
    </AdminSection>
  );
}

function LexiconEditor({
  taxonomy,
  suggestions,
  suggestionsError,
  onSaved,
  onRetrySuggestions,
}: {
  taxonomy: TaxonomyWithOverrides;
  suggestions: LexiconSuggestions | null;
  suggestionsError: unknown;
  onSaved: (next: TaxonomyWithOverrides) => void;
  onRetrySuggestions: () => void;
}) {
  const { t, lang } = useI18n();
  const [aspects, setAspects] = useState<AspectRow[]>(() => aspectRows(taxonomy.overrides));
  const [words, setWords] = useState<WordRow[]>(() => wordRows(taxonomy.overrides));
  const [savedSnapshot, setSavedSnapshot] = useState(() => snapshot(aspectRows(taxonomy.overrides), wordRows(taxonomy.overrides)));
  const [justSaved, setJustSaved] = useState(false);
  const [checked, setChecked] = useState(false);
  const { busy, error, setError, fields: fieldErrors, run } = useSubmit(LEXICON_FIELDS);
  const [note, setNote] = useState<string | null>(null);
  const [skipped, setSkipped] = useState<Set<string>>(readSkipped);
  const [retagOffer, setRetagOffer] = useState(false);
  const [retagId, setRetagId] = useState<string | null>(null);
  const [retagBusy, setRetagBusy] = useState(false);
  const [retagError, setRetagError] = useState<unknown>(null);
  const retagIntent = useRef(new Intent());
  const retag = usePoll(retagId, api.retagJob, retagFinished);
  // Where focus goes once React has drawn what it names (a new row, a taken suggestion, the field to fix).
  // A new object each time, so asking again for the same field (a second refused save) still moves it.
  const [focusReq, setFocusReq] = useState<{ selector: string } | null>(null);
  const focusLater = (selector: string) => setFocusReq({ selector });
  useEffect(() => {
    if (focusReq) document.querySelector<HTMLElement>(focusReq.selector)?.focus();
  }, [focusReq]);

  const categories = taxonomy.categories;
  const categoryLabel = (id: string) => {
    const c = categories.find((x) => x.id === id);
    return c ? (lang === 'zh' ? c.zh : c.en) : id;
  };

  const current = snapshot(aspects, words);
  const dirty = current !== savedSnapshot;
  const aspectProblems = problems(t, aspects, (i) => (aspects[i]!.category ? undefined : t('lexCategoryRequired')));
  const wordProblems = problems(t, words, (i) => (strengthOk(words[i]!.strength) ? undefined : t('lexStrengthInvalid')));
  const invalid = aspectProblems.size + wordProblems.size;
  // Problems are named once a save was tried, then follow the typing until they are fixed.
  const show = checked;

  const edited = () => {
    setJustSaved(false);
    setNote(null);
  };
  const changeAspect = (key: number, patch: Partial<AspectRow>) => {
    edited();
    setAspects((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };
  const changeWord = (key: number, patch: Partial<WordRow>) => {
    edited();
    setWords((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };
  /** After a row goes, focus goes to the row now in its place, else the one before, else the add button. */
  const removeRow = <R extends { key: number }>(rows: R[], set: (rs: R[]) => void, key: number, prefix: string, addAction: string) => {
    edited();
    const i = rows.findIndex((r) => r.key === key);
    const rest = rows.filter((r) => r.key !== key);
    set(rest);
    const next = rest[i] ?? rest[i - 1];
    focusLater(next ? `[data-row="${prefix}-${next.key}"] input` : `[data-action="${addAction}"]`);
  };
  /** Appends a row made with a fresh key; returns the key, for the caller to focus what fits. */
  const appendRow = <R extends { key: number }>(set: Dispatch<SetStateAction<R[]>>, make: (key: number) => R): number => {
    edited();
    const key = nextKey++;
    set((rs) => [...rs, make(key)]);
    return key;
  };

  const takeWord = (s: SentimentSuggestion) => {
    const key = appendRow(setWords, (k) => ({ key: k, term: s.word, strength: String(s.score) }));
    setNote(t('lexTaken', { w: s.word, table: t('lexSentiment') }));
    // Its strength is the labelers' majority: the admin may make it ±2 before saving.
    focusLater(`[data-row="word-${key}"] input[data-field=strength]`);
  };
  const takeAspect = (s: AspectSuggestion) => {
    const key = appendRow(setAspects, (k) => ({ key: k, term: s.term, category: s.category }));
    setNote(t('lexTaken', { w: s.term, table: t('lexAspects') }));
    focusLater(`[data-row="aspect-${key}"] select`);
  };
  const skip = (id: string, after: string | null) => {
    setSkipped((s) => {
      const next = new Set(s).add(id);
      sessionStorage.setItem(SKIPPED_STORAGE, JSON.stringify([...next]));
      return next;
    });
    // The next suggestion's take button, so a keyboard user goes on down the list.
    focusLater(after ? `[data-suggestion="${CSS.escape(after)}"] [data-action=take]` : '#adm-lexicon-suggestions-title');
  };
  const unskip = () => {
    sessionStorage.removeItem(SKIPPED_STORAGE);
    setSkipped(new Set());
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (invalid > 0) {
      // Nothing goes to the server: the first field to fix takes focus.
      setChecked(true);
      setError(null);
      setJustSaved(false);
      const [firstKey, p] = [...aspectProblems, ...wordProblems][0]!;
      const prefix = aspectProblems.has(firstKey) ? 'aspect' : 'word';
      focusLater(`[data-row="${prefix}-${firstKey}"] ${p.term ? 'input[data-field=term]' : prefix === 'aspect' ? 'select' : 'input[data-field=strength]'}`);
      setNote(null);
      return;
    }
    return run(async () => {
      const next = await adminApi.saveLexicon(body(aspects, words));
      const a = aspectRows(next.overrides);
      const w = wordRows(next.overrides);
      setAspects(a);
      setWords(w);
      setSavedSnapshot(snapshot(a, w));
      setJustSaved(true);
      setChecked(false);
      setNote(null);
      setRetagOffer(true);
      onSaved(next);
    });
  };

  // Until the job is done (or the server no longer knows it) a second click would only queue a twin.
  const retagRunning = retagId !== null && retag.value?.status !== 'done' && !(retag.error instanceof ApiError && retag.error.status < 500);
  const startRetag = async () => {
    if (retagBusy || retagRunning) return;
    setRetagBusy(true);
    setRetagError(null);
    try {
      const job = await adminApi.startRetag(retagIntent.current);
      setRetagId(job.id);
    } catch (err) {
      setRetagError(err);
    } finally {
      setRetagBusy(false);
    }
  };

  const inDraft = {
    words: new Set(words.map((r) => r.term.trim().toLowerCase())),
    aspects: new Set(aspects.map((r) => r.term.trim().toLowerCase())),
  };
  const sentimentShown = (suggestions?.sentiment ?? []).filter((s) => !inDraft.words.has(s.word.toLowerCase()) && !skipped.has(`s:${s.word}`));
  const aspectsShown = (suggestions?.aspects ?? []).filter((s) => !inDraft.aspects.has(s.term.toLowerCase()) && !skipped.has(`a:${s.term}`));
  const skippedHere = (suggestions?.sentiment ?? []).filter((s) => skipped.has(`s:${s.word}`)).length + (suggestions?.aspects ?? []).filter((s) => skipped.has(`a:${s.term}`)).length;

  return (
    <>
      <form className="adm-form-plain lexicon-form" onSubmit={(e) => void submit(e)} noValidate aria-describedby="lex-save-hint">
        <EntryTableSection
          kind="aspect"
          list="aspects"
          title={t('lexAspects')}
          hint={t('lexAspectsHint')}
          error={fieldErrors.get('aspects')}
          empty={t('lexNoAspects')}
          headers={[t('lexTerm'), t('category')]}
          rows={aspects}
          problems={show ? aspectProblems : null}
          termLabel={(n) => t('lexTermN', { n })}
          onTerm={(key, term) => changeAspect(key, { term })}
          value={(r, i, p) => (
            <td>
              <select
                name={`aspect-category-${i}`}
                data-field="category"
                value={r.category}
                aria-label={t('lexCategoryN', { n: i + 1 })}
                onChange={(e) => changeAspect(r.key, { category: e.target.value })}
                {...invalidProps(p?.value, `lex-aspect-${r.key}-category-error`)}
              >
                {!r.category && <option value="">{t('lexChooseCategory')}</option>}
                {categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {lang === 'zh' ? c.zh : c.en}
                  </option>
                ))}
              </select>
              <FieldError id={`lex-aspect-${r.key}-category-error`} message={p?.value} />
            </td>
          )}
          onRemove={(key) => removeRow(aspects, setAspects, key, 'aspect', 'add-aspect')}
          addLabel={t('lexAddAspect')}
          onAdd={() => focusLater(`[data-row="aspect-${appendRow(setAspects, (key) => ({ key, term: '', category: '' }))}"] input`)}
        />

        <EntryTableSection
          kind="word"
          list="words"
          title={t('lexSentiment')}
          hint={t('lexSentimentHint')}
          error={fieldErrors.get('sentiment')}
          empty={t('lexNoWords')}
          headers={[t('lexWord'), t('lexStrength')]}
          rows={words}
          problems={show ? wordProblems : null}
          termLabel={(n) => t('lexWordN', { n })}
          onTerm={(key, term) => changeWord(key, { term })}
          value={(r, i, p) => {
            const v = Number(r.strength);
            return (
              <td>
                <div className="lex-strength">
                  <input
                    name={`word-strength-${i}`}
                    data-field="strength"
                    type="number"
                    min={-2}
                    max={2}
                    step={1}
                    value={r.strength}
                    aria-label={t('lexStrengthN', { n: i + 1 })}
                    onChange={(e) => changeWord(r.key, { strength: e.target.value })}
                    {...invalidProps(p?.value, `lex-word-${r.key}-strength-error`)}
                  />
                  {strengthOk(r.strength) && (
                    <span className={`small ${v < 0 ? 'pol-negative' : 'pol-positive'}`} aria-hidden="true">
                      {t(v < 0 ? 'negative' : 'positive')}
                    </span>
                  )}
                </div>
                <FieldError id={`lex-word-${r.key}-strength-error`} message={p?.value} />
              </td>
            );
          }}
          onRemove={(key) => removeRow(words, setWords, key, 'word', 'add-word')}
          addLabel={t('lexAddWord')}
          onAdd={() => focusLater(`[data-row="word-${appendRow(setWords, (key) => ({ key, term: '', strength: '-1' }))}"] input`)}
        />

        {show && invalid > 0 && (
          <div className="alert alert-error form-error lex-invalid" role="alert" data-invalid={invalid}>
            {t('lexInvalidSummary', { n: invalid })}
          </div>
        )}
        <FormError error={error} fields={LEXICON_FIELDS} />
        <p className="small muted" id="lex-save-hint">
          {t('lexSaveHint')}
        </p>
        <div className="row adm-save-row">
          <SubmitButton action="save-lexicon" busy={busy} />
          {dirty && (
            <span className="small muted lex-dirty" data-dirty="true">
              {t('lexUnsaved')}
            </span>
          )}
          <Saved text={justSaved && !dirty ? t('lexSaved') : null} />
        </div>
        <div role="status" className="small lex-note">
          {note}
        </div>
      </form>

      {retagOffer && (
        <div className="card adm-result lex-retag" data-retag={retagId ? (retag.value?.status ?? 'starting') : 'offered'}>
          <h3 className="adm-sub">{t('lexRetagTitle')}</h3>
          <p className="small">{t('lexRetagHint')}</p>
          <div className="row">
            <button
              type="button"
              className="btn"
              data-action="retag"
              aria-disabled={retagBusy || retagRunning || undefined}
              onClick={() => void startRetag()}
            >
              {retagBusy ? t('lexRetagStarting') : t('lexRetag')}
            </button>
          </div>
          <FormError error={retagError} />
          {retagId && <RetagBar className="lex-retag-progress" progress={retag.value} error={retag.error} done={(n) => <span className="adm-ok lex-retag-done">{t('lexRetagDone', { n })}</span>} />}
        </div>
      )}

      <section className="lex-suggestions" aria-labelledby="adm-lexicon-suggestions-title">
        <h3 className="adm-sub" id="adm-lexicon-suggestions-title" tabIndex={-1}>
          {t('lexSuggestions')}
        </h3>
        <p className="small muted lex-suggestions-hint">{t('lexSuggestionsHint')}</p>
        {suggestionsError !== null && <ErrorPanel error={suggestionsError} onRetry={onRetrySuggestions} />}
        {suggestions === null && suggestionsError === null && <div className="muted">{t('loading')}</div>}
        {suggestions && (
          <>
            <p className="small muted">{t('lexSuggestionsNote')}</p>
            {skippedHere > 0 && (
              <p className="small lex-skipped">
                {t('lexSkippedN', { n: skippedHere })}{' '}
                <button type="button" className="btn btn-small" data-action="unskip" onClick={unskip}>
                  {t('lexShowSkipped')}
                </button>
              </p>
            )}
            {sentimentShown.length === 0 && aspectsShown.length === 0 && (
              // Say why: the models page sends admins here after a training made only of added tags.
              <p className="muted lex-empty" data-empty="suggestions">
                {skippedHere > 0 ? t('lexNoSuggestions') : suggestions.addedTags === 0 ? t('lexNoAddedTags') : t('lexNoneFromAdded', { n: suggestions.addedTags })}
              </p>
            )}
            {sentimentShown.length > 0 && (
              <>
                <h4 className="lex-sub">{t('lexSentimentSuggestions')}</h4>
                <ul className="adm-plain-list lex-suggestion-list" data-kind="sentiment">
                  {sentimentShown.map((s, i) => (
                    <SuggestionCard
                      key={s.word}
                      id={`s:${s.word}`}
                      term={s.word}
                      polarity={s.score < 0 ? 'negative' : 'positive'}
                      count={s.count}
                      category={categoryLabel(s.category)}
                      conflicting={s.conflicting}
                      examples={s.examples}
                      onTake={() => takeWord(s)}
                      onSkip={() => skip(`s:${s.word}`, sentimentShown[i + 1] ? `s:${sentimentShown[i + 1]!.word}` : aspectsShown[0] ? `a:${aspectsShown[0].term}` : null)}
                    />
                  ))}
                </ul>
              </>
            )}
            {aspectsShown.length > 0 && (
              <>
                <h4 className="lex-sub">{t('lexAspectSuggestions')}</h4>
                <ul className="adm-plain-list lex-suggestion-list" data-kind="aspects">
                  {aspectsShown.map((s, i) => (
                    <SuggestionCard
                      key={s.term}
                      id={`a:${s.term}`}
                      term={s.term}
                      polarity={null}
                      count={s.count}
                      category={categoryLabel(s.category)}
                      conflicting={s.conflicting}
                      examples={s.examples}
                      onTake={() => takeAspect(s)}
                      onSkip={() => skip(`a:${s.term}`, aspectsShown[i + 1] ? `a:${aspectsShown[i + 1]!.term}` : null)}
                    />
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </section>
    </>
  );
}

function SuggestionCard({
  id,
  term,
  polarity,
  count,
  category,
  conflicting,
  examples,
  onTake,
  onSkip,
}: {
  id: string;
  term: string;
  polarity: 'positive' | 'negative' | null;
  count: number;
  category: string;
  conflicting: boolean;
  examples: SuggestionExample[];
  onTake: () => void;
  onSkip: () => void;
}) {
  const { t } = useI18n();
  const titleId = `lex-sg-${id.replace(/[^\w-]/g, (c) => c.charCodeAt(0).toString(16))}`;
  const conflictId = `${titleId}-conflict`;
  return (
    <li className="card lex-suggestion" data-suggestion={id} data-polarity={polarity ?? undefined} data-count={count} data-conflicting={conflicting || undefined} aria-labelledby={titleId}>
      <div className="row lex-suggestion-head">
        <b id={titleId} className="lex-term">
          <UserText text={term} />
        </b>
        {polarity && <span className={`badge ${polarity === 'negative' ? 'badge-risk' : 'badge-ok'} lex-polarity`}>{t(polarity)}</span>}
        <span className="small muted lex-count">{t('lexCount', { n: count })}</span>
        <span className="small muted lex-category">{polarity ? t('lexUsualCategory', { c: category }) : category}</span>
        {conflicting && (
          <span className="badge adm-warn lex-conflicting" aria-describedby={conflictId}>
            {t('lexConflicting')}
          </span>
        )}
      </div>
      {conflicting && (
        <p className="small muted lex-conflict-hint" id={conflictId}>
          {t('lexConflictingHint')}
        </p>
      )}
      {examples.length > 0 && (
        <ul className="lex-examples small" aria-label={t('lexExamples')}>
          {examples.map((e) => (
            <li key={e.tagId} data-document-id={e.documentId}>
              <Highlighted sentence={e.sentence} opinion={e.opinion} />
            </li>
          ))}
        </ul>
      )}
      <div className="adm-row-actions lex-suggestion-actions">
        <button type="button" className="btn btn-small btn-primary" data-action="take" onClick={onTake}>
          {t('lexTake')}
          <span className="sr-only">: <UserText text={term} /></span>
        </button>
        <button type="button" className="btn btn-small" data-action="skip" onClick={onSkip}>
          {t('lexSkip')}
          <span className="sr-only">: <UserText text={term} /></span>
        </button>
      </div>
    </li>
  );
}

/** The customer's sentence with the labeler's opinion marked: text nodes only, whatever the text holds. */
function Highlighted({ sentence: raw, opinion: rawOpinion }: { sentence: string; opinion: string }) {
  const sentence = withoutBidiControls(raw);
  const opinion = withoutBidiControls(rawOpinion);
  const at = opinion ? sentence.indexOf(opinion) : -1;
  if (at < 0) return <bdi lang={TEXT_LANG}>{sentence}</bdi>;
  return (
    <bdi lang={TEXT_LANG}>
      {sentence.slice(0, at)}
      <mark className="lex-mark">{opinion}</mark>
      {sentence.slice(at + opinion.length)}
    </bdi>
  );
}

/**
 * One of the form's two tables of entries (aspects, sentiment words): heading, hint, the API's refusal of
 * the whole map, the empty state or the table (a term cell, the kind's own value cell, a remove cell) and
 * the add button. `kind` names a row (data-row, input names, ids, data-action); `list` names the table.
 */
function EntryTableSection<R extends { key: number; term: string }>({
  kind,
  list,
  title,
  hint,
  error,
  empty,
  headers,
  rows,
  problems,
  termLabel,
  onTerm,
  value,
  onRemove,
  addLabel,
  onAdd,
}: {
  kind: 'aspect' | 'word';
  list: 'aspects' | 'words';
  title: string;
  hint: string;
  error: string | undefined;
  empty: string;
  headers: [term: string, value: string];
  rows: R[];
  /** Null until a save was tried: problems are not named while the admin is still typing. */
  problems: Map<number, RowProblems> | null;
  termLabel: (n: number) => string;
  onTerm: (key: number, term: string) => void;
  value: (r: R, i: number, p: RowProblems | undefined) => ReactNode;
  onRemove: (key: number) => void;
  addLabel: string;
  onAdd: () => void;
}) {
  const { t } = useI18n();
  const titleId = `lex-${list}-title`;
  const errorId = `lex-${list}-error`;
  return (
    <>
      <h3 className="adm-sub" id={titleId}>
        {title}
      </h3>
      <p className="small muted">{hint}</p>
      <FieldError id={errorId} message={error} />
      {rows.length === 0 ? (
        <p className="muted lex-empty" data-empty={list}>
          {empty}
        </p>
      ) : (
        <div className="table-scroll">
          <table className={`grid adm-table lex-table lex-${list}`} aria-labelledby={titleId} aria-describedby={error !== undefined ? errorId : undefined}>
            <thead>
              <tr>
                <th scope="col">{headers[0]}</th>
                <th scope="col">{headers[1]}</th>
                <th scope="col">
                  <span className="sr-only">{t('actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => {
                const p = problems?.get(r.key);
                return (
                  <tr key={r.key} data-row={`${kind}-${r.key}`} data-term={r.term.trim()}>
                    <td>
                      <input
                        name={`${kind}-term-${i}`}
                        data-field="term"
                        lang={TEXT_LANG}
                        autoComplete="off"
                        spellCheck={false}
                        value={r.term}
                        maxLength={40}
                        aria-label={termLabel(i + 1)}
                        onChange={(e) => onTerm(r.key, e.target.value)}
                        {...invalidProps(p?.term, `lex-${kind}-${r.key}-term-error`)}
                      />
                      <FieldError id={`lex-${kind}-${r.key}-term-error`} message={p?.term} />
                    </td>
                    {value(r, i, p)}
                    <RemoveCell action={`remove-${kind}`} label={t('admRemove')} term={r.term} onRemove={() => onRemove(r.key)} />
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <button type="button" className="btn" data-action={`add-${kind}`} onClick={onAdd}>
        {addLabel}
      </button>
    </>
  );
}

/** The last cell of a row of a table of entries: removes the row; a screen reader hears which. */
function RemoveCell({ action, label, term, onRemove }: { action: string; label: string; term: string; onRemove: () => void }) {
  return (
    <td className="lex-actions">
      <button type="button" className="btn btn-small btn-danger" data-action={action} onClick={onRemove}>
        {label}
        <span className="sr-only"> <UserText text={term} /></span>
      </button>
    </td>
  );
}
