import type { Doc, Scale } from './api';
import { TEXT_LANG, useI18n, type MsgKey } from './i18n';

export type ScoreBand = 'promoter' | 'passive' | 'detractor' | 'satisfied' | 'neutral' | 'unsatisfied';

// Same cut-offs as the API's NPS/CSAT arithmetic, so a badge's colour always agrees with the NPS page.
export function scoreBand(score: number, scale: Scale): ScoreBand {
  if (scale === 'csat') return score >= 4 ? 'satisfied' : score === 3 ? 'neutral' : 'unsatisfied';
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

// One answer's band, so singular: a 0/10 answer is a Detractor, not Detractors (the NPS page counts the groups).
const BAND_KEY: Record<ScoreBand, MsgKey> = {
  promoter: 'promoter',
  passive: 'passive',
  detractor: 'detractor',
  satisfied: 'satisfied',
  neutral: 'neutralSat',
  unsatisfied: 'unsatisfied',
};

export function ScoreBadge({ score, scale }: { score: number; scale: Scale }) {
  const { t } = useI18n();
  const band = scoreBand(score, scale);
  const max = scale === 'csat' ? 5 : 10;
  return (
    <span className={`score score-${band}`} data-score={score} data-band={band} title={`${scale.toUpperCase()} · ${t(BAND_KEY[band])}`}>
      <b>{score}</b>
      <span className="score-max">/{max}</span>
      <span className="score-band">{t(BAND_KEY[band])}</span>
    </span>
  );
}

/** Score and the question it answers, shown above the answer text; comments may carry a score without a question. */
export function SurveyHead({ doc }: { doc: Doc }) {
  const { t } = useI18n();
  if ((doc.score === null || doc.score === undefined || !doc.scale) && !doc.question) return null;
  return (
    <div className="survey-head">
      {doc.score !== null && doc.score !== undefined && doc.scale && <ScoreBadge score={doc.score} scale={doc.scale} />}
      {doc.question && (
        <span className="survey-question" lang={TEXT_LANG} title={t('question')}>
          {doc.question}
        </span>
      )}
    </div>
  );
}
