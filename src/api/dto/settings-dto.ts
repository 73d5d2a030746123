import { IsIn, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';

export class TenantSettingsDto {
  // Absent leaves it as it is; null is refused rather than silently ignored (it is no policy, and
  // "reset to the default" would be a guess).
  @ValidateIf((o: TenantSettingsDto) => o.piiPolicy !== undefined)
  @IsIn(['mask', 'hash', 'keep'])
  piiPolicy?: 'mask' | 'hash' | 'keep';

  /** null keeps documents forever (IsOptional lets it through, and marks it nullable in the OpenAPI schema). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36_500)
  retentionDays?: number | null;
}
