import { Router } from 'express';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { RangeQueryDto } from '../dto/query-dto.js';
import type { Services } from '../../runtime.js';
import { auth, requireRole } from '../middleware.js';
import { parseDto } from '../validate.js';

export class NpsQueryDto extends RangeQueryDto {
  @IsOptional()
  @IsIn(['nps', 'csat'])
  scale?: 'nps' | 'csat';

  @IsOptional()
  @IsIn(['day', 'week', 'month'])
  interval?: 'day' | 'week' | 'month';
}

export class DriversQueryDto extends RangeQueryDto {
  @IsOptional()
  @IsIn(['nps', 'csat'])
  scale?: 'nps' | 'csat';

  @IsOptional()
  @Matches(/^([1-9]\d{0,4})$/, { message: 'minCount must be a whole number from 1 to 99999' })
  minCount?: string;
}

export function surveyRoutes(s: Services): Router {
  const r = Router();

  r.get('/stats/nps', requireRole('analyst', 'labeler'), async (req, res) => {
    res.json(await s.surveyStats.trend(auth(req).tenant, parseDto(NpsQueryDto, req.query, 'query')));
  });

  r.get('/stats/drivers', requireRole('analyst', 'labeler'), async (req, res) => {
    const { minCount, ...q } = parseDto(DriversQueryDto, req.query, 'query');
    res.json(await s.surveyStats.drivers(auth(req).tenant, { ...q, ...(minCount ? { minCount: Number(minCount) } : {}) }));
  });

  return r;
}
