import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { RetagDto } from './retag-dto.js';

/**
 * POST /v1/models/train: it trains on all of the tenant's corrections. `note` is free text kept with
 * the job's audit entry (why this training was asked for).
 */
export class TrainModelDto {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

/**
 * POST /v1/models/:version/promote and /v1/models/rollback. By default the tenant's finished
 * documents are re-tagged with the version now active (`retag: false` skips it); the RetagDto fields
 * narrow which ones.
 */
export class ModelSwitchDto extends RetagDto {
  @IsOptional()
  @IsBoolean()
  retag?: boolean;
}
